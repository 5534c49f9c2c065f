"""Pieces of the Profile page: the province against the nation and its peers, its targets, its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import benchmarking
from data import catalogue, registry, schema
from ui import charts, loaders, views, widgets
from ui.i18n import format_number, t

NATIONAL_TEXT, PEER_TEXT, VALUE_TEXT, RANK_TEXT = "national_text", "peer_text", "value_text", "rank_text"
DIFFERENCE_TEXT, DERIVED_TEXT = "difference_text", "derived_from_text"


def labelled(profile: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The profile with indicator names and values written out with their units."""
    out = views.mark_status(profile, lang)
    rows = out.to_dict("records")
    out[charts.LABEL] = out[schema.INDICATOR].map(views.names(lang))
    reported = schema.STATUS_REPORTED
    out[VALUE_TEXT] = [
        views.value_text(
            r[schema.VALUE], r[schema.INDICATOR], lang, r[schema.QUALIFIER], recorded=r[schema.STATUS] == reported
        )
        for r in rows
    ]
    out[NATIONAL_TEXT] = [
        views.value_text(
            r[schema.NATIONAL_VALUE], r[schema.INDICATOR], lang, recorded=r[schema.NATIONAL_STATUS] == reported
        )
        for r in rows
    ]
    out[PEER_TEXT] = [views.value_text(r[schema.PEER_AVERAGE], r[schema.INDICATOR], lang, recorded=False) for r in rows]
    # a rank among one or two provinces, or a peer "average" of the province alone, says nothing: say why instead
    thin = [benchmarking.sparse_reason(r[schema.RANK_OF], r[schema.PEER_COUNT]) for r in rows]
    out[RANK_TEXT] = [
        t("profile_rank_thin", lang, n=int(r[schema.RANK_OF]) if pd.notna(r[schema.RANK_OF]) else 0)
        if rank_thin
        else f"{int(r[schema.RANK])} / {int(r[schema.RANK_OF])}"
        for r, (rank_thin, _) in zip(rows, thin)
    ]
    out[PEER_TEXT] = [
        t("profile_peers_thin", lang) if peers_thin else text for text, (_, peers_thin) in zip(out[PEER_TEXT], thin)
    ]
    out[schema.DERIVED_FROM] = out[schema.DERIVED_FROM].fillna("").astype(str).replace("None", "")
    out[schema.PERIOD] = out[schema.PERIOD].map(lambda p: views.period_text(p, lang))
    out[DERIVED_TEXT] = widgets.derivations(out[schema.DERIVED_FROM], lang)
    out[DIFFERENCE_TEXT] = [
        format_number(r[schema.DIFFERENCE], int(views.spec(r[schema.INDICATOR], lang)["decimals"]), lang, sign=True)
        if pd.notna(r[schema.DIFFERENCE])
        else ""
        for r in rows
    ]
    return out


def against_nation(shown: pd.DataFrame, place: str, lang: str) -> None:
    """Indicators with a national value, as a percentage of it (nation = 100), the peers' average as a tick."""
    rules = shown[schema.INDICATOR].map(lambda ind: views.spec(ind)["aggregation"])
    # a count against the nation's total is a share, not a benchmark: counts stay in the table
    have = shown[shown[schema.NATIONAL_VALUE].notna() & (shown[schema.NATIONAL_VALUE] != 0) & (rules != "sum")]
    if have.empty:
        st.caption(t("profile_no_national"))
        return
    data = have.assign(
        **{
            charts.INDEX: 100 * have[schema.VALUE] / have[schema.NATIONAL_VALUE],
            charts.PEER_INDEX: 100 * have[schema.PEER_AVERAGE] / have[schema.NATIONAL_VALUE],
            charts.PLACE: have[VALUE_TEXT] + " · " + have[schema.PERIOD],
        }
    )
    cols = [charts.LABEL, charts.INDEX, charts.PEER_INDEX, charts.STATUS_LABEL, charts.SYNTHETIC, charts.PLACE]
    charts.show(
        charts.against_nation,
        data[cols],
        title=t("profile_chart_title", place=place),
        x_title=t("profile_chart_x"),
        peer_title=t("col_peer_average"),
        status_title=t("col_status"),
        labels=views.status_labels(lang),
        value_title=t("col_value"),
        key="profile_chart",
    )
    st.caption(t("profile_chart_caption"))
    widgets.source_line(
        views.sources_of((have, schema.SOURCE_ID), (have, schema.NATIONAL_SOURCE_ID)), loaders.sources()
    )


def indicator_table(shown: pd.DataFrame) -> None:
    """Every indicator: value, period, nation, difference, rank, peers, status, how it was derived."""
    columns = {
        charts.LABEL: st.column_config.TextColumn(t("col_indicator"), width="medium"),
        schema.PERIOD: st.column_config.TextColumn(t("col_period")),
        VALUE_TEXT: st.column_config.TextColumn(t("col_value")),
        NATIONAL_TEXT: st.column_config.TextColumn(t("col_national")),
        DIFFERENCE_TEXT: st.column_config.TextColumn(t("col_difference")),
        RANK_TEXT: st.column_config.TextColumn(t("col_rank")),
        PEER_TEXT: st.column_config.TextColumn(t("col_peer_average")),
        charts.STATUS_LABEL: st.column_config.TextColumn(t("col_status")),
        DERIVED_TEXT: st.column_config.TextColumn(t("col_derived_from")),
    }
    st.dataframe(
        shown, column_order=list(columns), column_config=columns, hide_index=True, key="profile_table", width="stretch"
    )
    widgets.source_line(
        views.sources_of((shown, schema.SOURCE_ID), (shown, schema.NATIONAL_SOURCE_ID)), loaders.sources()
    )


def sources_list(shown: pd.DataFrame, targets: pd.DataFrame, lang: str) -> None:
    """Every source behind the profile's numbers and targets, with its citation."""
    ids = views.sources_of((shown, schema.SOURCE_ID), (shown, schema.NATIONAL_SOURCE_ID), (targets, schema.SOURCE_ID))
    sources = loaders.sources()
    used = sources[sources[schema.SOURCE_ID].isin(ids)]
    if used.empty:
        st.caption(t("profile_no_sources"))
        return
    st.caption(t("profile_sources_count", n=format_number(len(used), 0, lang)))
    for row in used.to_dict("records"):
        link = widgets.safe_link(row[schema.SOURCE_URL])
        text = catalogue.localized_citation({**row, schema.SOURCE_URL: ""}, lang)
        # the stored text as text; the address as a link only when it is a web address
        st.markdown(
            "- " + widgets.plain(text) + (f" [{widgets.plain(row[schema.SOURCE_URL])}]({link})" if link else "")
        )


def thin_note(shown: pd.DataFrame) -> None:
    """Say plainly when most indicators have too few reporting provinces to rank or average."""
    if shown.empty:
        return
    thin = sum(benchmarking.sparse_reason(r, p)[0] for r, p in zip(shown[schema.RANK_OF], shown[schema.PEER_COUNT]))
    if thin:
        st.info(t("profile_thin", n=thin, total=len(shown), k=benchmarking.MIN_REPORTING), icon=":material/info:")


def national_inputs(layout: str, statuses: tuple[str, ...]):
    """``(indicator, national series, province series)`` of every benchmark indicator of the layout.

    The national profile's inputs, the same in every language (cached per data version): the
    background warm-up (:mod:`ui.warmup`) computes them after the server starts.
    """
    for indicator in loaders.benchmark_indicators.fresh(layout, statuses):
        yield (
            indicator,
            loaders.national_series.fresh(indicator, layout, statuses),
            loaders.province_series.fresh(indicator, layout, statuses),
        )


@loaders.per_data_version(max_entries=8)
def national_profile(layout: str, statuses: tuple[str, ...], lang: str) -> pd.DataFrame:
    """Every indicator's national value at its latest period, with how many provinces report it then."""
    total = len(registry.provinces(layout))
    rows = []
    for indicator, national, provinces in national_inputs(layout, statuses):
        row = benchmarking.national_row(national, provinces, total)
        if row is not None:
            rows.append({schema.INDICATOR: indicator, **row})
    frame = pd.DataFrame(
        rows,
        columns=[
            schema.INDICATOR,
            schema.PERIOD,
            schema.VALUE,
            schema.STATUS,
            schema.SOURCE_ID,
            schema.QUALIFIER,
            "reporting",
            "total",
        ],
    )
    frame[charts.LABEL] = frame[schema.INDICATOR].map(views.names(lang))
    frame[VALUE_TEXT] = [
        views.value_text(v, i, lang, q, recorded=s == schema.STATUS_REPORTED)
        for v, i, q, s in zip(
            frame[schema.VALUE], frame[schema.INDICATOR], frame[schema.QUALIFIER], frame[schema.STATUS]
        )
    ]
    frame["reporting_text"] = [
        t("profile_reporting", lang, n=n, total=k) for n, k in zip(frame["reporting"], frame["total"])
    ]
    frame[schema.PERIOD] = frame[schema.PERIOD].map(lambda p: views.period_text(p, lang))
    frame[charts.STATUS_LABEL] = frame[schema.STATUS].map(lambda s: widgets.status_label(s, lang))
    return frame


def national_table(frame: pd.DataFrame) -> None:
    """The national profile: indicator, period, national value, provinces reporting, status."""
    columns = {
        charts.LABEL: st.column_config.TextColumn(t("col_indicator"), width="medium"),
        schema.PERIOD: st.column_config.TextColumn(t("col_period")),
        VALUE_TEXT: st.column_config.TextColumn(t("col_national")),
        "reporting_text": st.column_config.TextColumn(t("profile_reporting_col")),
        charts.STATUS_LABEL: st.column_config.TextColumn(t("col_status")),
    }
    st.dataframe(
        frame,
        column_order=list(columns),
        column_config=columns,
        hide_index=True,
        key="profile_national",
        width="stretch",
    )
    widgets.source_line(views.sources_of((frame, schema.SOURCE_ID)), loaders.sources())
