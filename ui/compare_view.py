"""Pieces of the Compare page: labelled benchmark, national metric, ranking table, scatter, trends."""

from __future__ import annotations

import math
import types

import pandas as pd
import streamlit as st

from analysis import aggregation, benchmarking
from data import schema
from ui import charts, loaders, views, widgets
from ui.i18n import format_number, format_numbers, t

DEFAULT_INDICATOR = "rd_staff_per_10k"
DEFAULT_SECOND = "g5_population_coverage"
PEER_NAME = "peer_name"


def isnan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def labelled(table: pd.DataFrame, sel, peer_filter: list[str]) -> pd.DataFrame:
    """The benchmark with place names, peer-group names and status labels, filtered to the chosen regions."""
    out = views.mark_status(table, sel.lang)
    out[views.PLACE] = out[schema.GEO_CODE].map(views.province_names(sel.layout, sel.lang))
    out[PEER_NAME] = out[schema.PEER_GROUP].map(views.region_names(sel.lang)).fillna("")
    if peer_filter:
        out = out[out[schema.PEER_GROUP].isin(peer_filter)]
    return out.reset_index(drop=True)


def national_metric(table: pd.DataFrame, indicator: str, lang: str) -> None:
    """The nation's value, its period and status (or why there is none)."""
    row = table.iloc[0]
    if isnan(row[schema.NATIONAL_VALUE]):
        st.caption(t("compare_no_national"))
        return
    label = t(
        "compare_national",
        period=views.period_text(row[schema.NATIONAL_PERIOD], lang),
        status=widgets.status_label(row[schema.NATIONAL_STATUS], lang),
    )
    help_text = widgets.plain(aggregation.derivation_text(row[schema.NATIONAL_DERIVED_FROM], lang)) or None
    value = views.value_text(
        row[schema.NATIONAL_VALUE], indicator, lang, recorded=row[schema.NATIONAL_STATUS] == schema.STATUS_REPORTED
    )
    st.metric(label, value, help=help_text, border=True)


@loaders.per_data_version(max_entries=128)
def trend_lines(indicator: str, layout: str, statuses: tuple[str, ...], granularity: str) -> pd.Series:
    """Each province's values of one granularity, oldest first (the ranking table's sparklines), by code."""
    series = loaders.province_series.fresh(indicator, layout, statuses)
    series = series[series[schema.GRANULARITY] == granularity].sort_values(schema.DATE)
    return series.groupby(schema.GEO_CODE)[schema.VALUE].agg(list)


@loaders.per_data_version(max_entries=64, shared=True)
def shown_benchmark(
    ind: str, period: str, layout: str, statuses: tuple[str, ...], lang: str, peer_filter: tuple[str, ...]
) -> pd.DataFrame:
    """:func:`labelled` of the benchmark, once per data version and choice."""
    return labelled(
        loaders.benchmark.fresh(ind, period, layout, statuses),
        types.SimpleNamespace(layout=layout, lang=lang),
        list(peer_filter),
    )


@loaders.per_data_version(max_entries=64, shared=True)
def ranking_rows(
    ind: str, period: str, layout: str, statuses: tuple[str, ...], lang: str, peer_filter: tuple[str, ...]
) -> pd.DataFrame:
    """The ranking table's rows: best first, provinces without a value last, each with its sparkline."""
    shown = shown_benchmark.fresh(ind, period, layout, statuses, lang, peer_filter)
    lines = trend_lines.fresh(ind, layout, statuses, schema.parse_period(period)[0])
    rows = shown.sort_values([schema.RANK, views.PLACE], na_position="last").assign(
        **{views.TREND: lambda f: f[schema.GEO_CODE].map(lines).apply(lambda v: v if isinstance(v, list) else [])}
    )
    # the numbers as text in the language (the numeric columns stay, for sorting and tests)
    decimals = int(views.spec(ind, lang)["decimals"])
    written = {
        schema.VALUE: (None, False),
        schema.DIFFERENCE: (decimals, True),
        schema.RATIO: (3, False),
        schema.PERCENTILE: (0, False),
        schema.PEER_AVERAGE: (decimals, False),
        schema.CHANGE: (decimals, True),
    }
    return rows.assign(
        **{_text(c): format_numbers(rows[c], d, lang, sign=s) for c, (d, s) in written.items()},
        **{_text(schema.DERIVED_FROM): widgets.derivations(rows[schema.DERIVED_FROM], lang)},
    )


def _text(column: str) -> str:
    return f"{column}_text"


def ranking_table(indicator: str, period: str, peer_filter: list[str], sel) -> None:
    """Rank, value, national comparison, peers, change and a sparkline of each province's series."""
    granularity = schema.parse_period(period)[0]
    table = ranking_rows(indicator, period, sel.layout, sel.statuses, sel.lang, tuple(peer_filter))
    unit = views.spec(indicator)["short_unit"]
    columns = {
        schema.RANK: st.column_config.NumberColumn(t("col_rank"), format="%d"),
        views.PLACE: st.column_config.TextColumn(t("col_place")),
        _text(schema.VALUE): st.column_config.TextColumn(t("col_value_unit", unit=unit)),
        charts.STATUS_LABEL: st.column_config.TextColumn(t("col_status")),
        _text(schema.DIFFERENCE): st.column_config.TextColumn(t("col_difference")),
        _text(schema.RATIO): st.column_config.TextColumn(t("col_ratio")),
        _text(schema.PERCENTILE): st.column_config.TextColumn(t("col_percentile")),
        schema.QUARTILE: st.column_config.NumberColumn(t("col_quartile"), format="%d"),
        PEER_NAME: st.column_config.TextColumn(t("col_peer_group")),
        _text(schema.PEER_AVERAGE): st.column_config.TextColumn(t("col_peer_average")),
        _text(schema.CHANGE): st.column_config.TextColumn(
            t("col_change"),
            help=t("col_change_help", period=views.period_text(table[schema.PREVIOUS_PERIOD].iloc[0], sel.lang) or "–"),
        ),
        views.TREND: st.column_config.LineChartColumn(t("col_trend", granularity=t(f"granularity_{granularity}"))),
        _text(schema.DERIVED_FROM): st.column_config.TextColumn(t("col_derived_from")),
    }
    st.caption(
        t(
            "compare_table_caption",
            n=int(table[schema.RANK_OF].iloc[0]) if len(table) else 0,
            total=len(loaders.provinces(sel.layout)),
        )
    )
    st.dataframe(
        table, column_order=list(columns), column_config=columns, hide_index=True, key="ranking_table", width="stretch"
    )
    widgets.source_line(views.sources_of((table, schema.SOURCE_ID)), loaders.sources())


@loaders.per_data_version(max_entries=64, shared=True)
def scatter_data(
    ind: str, ind2: str, period: str, layout: str, statuses: tuple[str, ...], lang: str, peer_filter: tuple[str, ...]
) -> dict:
    """The scatter's rows and national point, the second indicator's period and the sources used.

    ``period2`` is empty when the second indicator has no values; ``data`` is empty when no province
    has both values.
    """
    period2 = benchmarking.nearest_period(loaders.benchmark_periods.fresh(ind2, layout, statuses), period)
    if not period2:
        return {"period2": "", "data": None}
    table = loaders.benchmark.fresh(ind, period, layout, statuses)
    shown = shown_benchmark.fresh(ind, period, layout, statuses, lang, peer_filter)
    other = loaders.benchmark.fresh(ind2, period2, layout, statuses).set_index(schema.GEO_CODE)
    data = shown.assign(**{charts.X: shown[schema.VALUE], charts.Y: shown[schema.GEO_CODE].map(other[schema.VALUE])})
    synthetic = (shown[schema.STATUS] == schema.STATUS_SYNTHETIC) | (
        shown[schema.GEO_CODE].map(other[schema.STATUS]) == schema.STATUS_SYNTHETIC
    )
    data = data.assign(**{charts.SYNTHETIC: synthetic.to_numpy()})
    data.loc[synthetic.to_numpy(), charts.STATUS_LABEL] = widgets.status_label(schema.STATUS_SYNTHETIC, lang)
    data = data.dropna(subset=[charts.X, charts.Y])
    nat = (table[schema.NATIONAL_VALUE].iloc[0], other[schema.NATIONAL_VALUE].iloc[0])
    used = other.reset_index()
    sources = views.sources_of(
        (data, schema.SOURCE_ID),
        (used[used[schema.GEO_CODE].isin(data[schema.GEO_CODE])], schema.SOURCE_ID),
        (table, schema.NATIONAL_SOURCE_ID),
        (used, schema.NATIONAL_SOURCE_ID),
    )
    return {
        "period2": period2,
        "data": data[[views.PLACE, charts.X, charts.Y, charts.STATUS_LABEL, charts.SYNTHETIC]],
        "national": None if any(isnan(v) for v in nat) else (float(nat[0]), float(nat[1])),
        "sources": sources,
    }


def scatter(ind: str, ind2: str, period: str, peer_filter: list[str], sel) -> None:
    """Provinces on two indicators (same period, or the second's nearest earlier one), the nation as a diamond."""
    found = scatter_data(ind, ind2, period, sel.layout, sel.statuses, sel.lang, tuple(peer_filter))
    period2, data = found["period2"], found["data"]
    if not period2:
        st.info(t("compare_no_values"))
        return
    if data.empty:
        st.info(t("compare_scatter_empty", period=views.period_text(period2, sel.lang)))
        return
    charts.show(
        charts.scatter,
        data,
        title=t(
            "compare_scatter_title",
            period=views.period_text(period, sel.lang),
            period2=views.period_text(period2, sel.lang),
        ),
        x_title=views.axis_title(ind, sel.lang),
        y_title=views.axis_title(ind2, sel.lang),
        status_title=t("col_status"),
        labels=views.status_labels(sel.lang),
        national=found["national"],
        national_label=views.place_name("nation", "", schema.NATION_CODE, sel.lang),
        key="scatter_chart",
    )
    widgets.source_line(found["sources"], loaders.sources())


@loaders.per_data_version(max_entries=64, shared=True)
def trend_data(ind: str, picked: tuple[str, ...], layout: str, statuses: tuple[str, ...], lang: str) -> pd.DataFrame:
    """The trend chart's rows: the chosen provinces' values and the nation's, labelled (with their sources)."""
    series = loaders.province_series.fresh(ind, layout, statuses)
    series = series[series[schema.GEO_CODE].isin(picked)]
    nation = loaders.national_series.fresh(ind, layout, statuses)
    both = pd.concat(
        [series.assign(**{charts.IS_NATION: False}), nation.assign(**{charts.IS_NATION: True})], ignore_index=True
    )
    both = views.mark_status(both, lang)
    nation_name = views.place_name("nation", "", schema.NATION_CODE, lang)
    both[views.PLACE] = both[schema.GEO_CODE].map(views.province_names(layout, lang)).fillna(nation_name)
    return both[
        [
            views.PLACE,
            schema.DATE,
            schema.VALUE,
            charts.STATUS_LABEL,
            charts.SYNTHETIC,
            charts.IS_NATION,
            schema.SOURCE_ID,
        ]
    ]


def trends(ind: str, picked: list[str], sel) -> None:
    """Lines of the chosen provinces and the nation over every period."""
    both = trend_data(ind, tuple(picked), sel.layout, sel.statuses, sel.lang)
    if both.empty:
        st.info(t("compare_trend_empty"))
        return
    cols = [views.PLACE, schema.DATE, schema.VALUE, charts.STATUS_LABEL, charts.SYNTHETIC, charts.IS_NATION]
    charts.show(
        charts.trends,
        both[cols],
        title=t("compare_trends_title", indicator=views.names(sel.lang)[ind]),
        y_title=views.axis_title(ind, sel.lang),
        date_title=t("axis_date"),
        status_title=t("col_status"),
        place_title=t("col_place"),
        labels=views.status_labels(sel.lang),
        month_format=t("chart_month_format"),
        day_format=t("chart_day_format"),
        key="trend_chart",
    )
    widgets.source_line(views.sources_of((both, schema.SOURCE_ID)), loaders.sources())


def ranking_chart(ranked: pd.DataFrame, table: pd.DataFrame, indicator: str, period: str, sel) -> None:
    """The ranking bars with the national rule; title, period and national value written in the language."""
    national = table[schema.NATIONAL_VALUE].iloc[0]
    names = views.names(sel.lang)
    charts.show(
        charts.ranking,
        ranked[[views.PLACE, schema.VALUE, charts.STATUS_LABEL, charts.SYNTHETIC, schema.RANK]],
        title=t("compare_bars_title", indicator=names[indicator], period=views.period_text(period, sel.lang)),
        value_title=views.axis_title(indicator, sel.lang),
        status_title=t("col_status"),
        labels=views.status_labels(sel.lang),
        national=None if isnan(national) else float(national),
        national_label=t(
            "compare_national_label", value=views.value_text(national, indicator, sel.lang, recorded=False)
        ),
        rank_title=t("col_rank"),
        key="ranking_chart",
    )


def no_data_caption(shown: pd.DataFrame, lang: str) -> None:
    """Name the provinces without a value for the chosen period (counted in the language), if any."""
    missing = shown.loc[shown[schema.VALUE].isna(), views.PLACE]
    if len(missing):
        st.caption(t("compare_no_data", n=format_number(len(missing), 0, lang), places=", ".join(missing)))
