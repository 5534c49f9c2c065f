"""The Home page's sections: headline cards, what the dashboard holds, how much is real, milestones.

pages/home.py only calls them; every count, date and period is written here, in the session's language.
What does not change between reruns (the headline figures, the "how much is real" table, the labelled
milestones) is computed once per data version and language, for every session (read only).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import headlines
from analysis.benchmarking import latest_values
from data import export, schema
from ui import loaders, widgets
from ui.i18n import format_date, format_number, format_period, localized, t


@loaders.per_data_version(max_entries=4, shared=True)
def national_headlines() -> pd.DataFrame:
    """The headline figures (:func:`analysis.headlines.headline_figures`) of the latest reported national values."""
    national = latest_values(loaders.observations.fresh(geo_levels=("nation",), statuses=(schema.STATUS_REPORTED,)))
    return headlines.headline_figures(national, loaders.indicators.fresh())


@loaders.per_data_version(max_entries=8, shared=True)
def real_table(show_doubtful: bool, lang: str) -> tuple[str, pd.DataFrame]:
    """The "how much is real" summary line and its table (indicator, source, values, places, newest) in ``lang``."""
    real = loaders.reported_by_source.fresh(show_doubtful)
    n_real = int(real["n_values"].sum()) if len(real) else 0
    newest = str(real["newest"].max()) if len(real) else ""
    summary = t(
        "home_real_summary",
        lang,
        n=format_number(n_real, 0, lang),
        indicators=format_number(real[schema.INDICATOR].nunique(), 0, lang),
        sources=format_number(real[schema.SOURCE_ID].nunique(), 0, lang),
        newest=format_date(newest, lang) if newest else "–",
    )
    names_of = localized(loaders.indicators.fresh().set_index(schema.INDICATOR), "name", lang)
    producers = localized(loaders.sources.fresh().set_index(schema.SOURCE_ID), schema.SOURCE_PRODUCER, lang)
    table = real.assign(
        indicator=real[schema.INDICATOR].map(names_of),
        source=real[schema.SOURCE_ID].map(producers),
        newest=real["newest"].map(lambda d: format_date(d, lang)),
    )[["indicator", "source", "n_values", "n_places", "newest"]]
    return summary, table


@loaders.per_data_version(max_entries=4, shared=True)
def milestones_table(lang: str) -> tuple[pd.DataFrame, list]:
    """The steering committees' milestones labelled in ``lang`` (date, place, kind, text), and their source ids."""
    events = loaders.store().milestones()
    shown = events.assign(
        place=export.place_names(events, loaders.provinces(), loaders.regions(), lang),
        kind=events[schema.MILESTONE_KIND].map(lambda k: t(f"milestone_kind_{k}", lang)),
        text=localized(events, "text", lang),
        date=events[schema.DATE].map(lambda d: format_date(d, lang)),
    )
    return shown[[schema.DATE, "place", "kind", "text"]], list(events[schema.SOURCE_ID])


def how_much_is_real(sel, by_status: pd.Series) -> None:
    """Reported values per indicator and source, the newest reported date, and the synthetic share when shown.

    ``by_status``: observations shown per status (the Home page's counts).
    """
    st.subheader(t("home_real"))
    summary, table = real_table(sel.show_doubtful, sel.lang)
    st.caption(summary)
    if sel.show_synthetic and schema.STATUS_SYNTHETIC in by_status.index and by_status.sum():
        share = by_status[schema.STATUS_SYNTHETIC] / by_status.sum()
        st.caption(t("home_real_synthetic_share", share=format_number(100 * share, 1, sel.lang)))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=280,
        key="home_real_table",
        column_config={
            "indicator": t("col_indicator"),
            "source": t("col_source"),
            "n_values": st.column_config.NumberColumn(t("home_real_values")),
            "n_places": st.column_config.NumberColumn(t("home_real_places")),
            "newest": t("home_real_newest"),
        },
    )
    st.page_link("pages/coverage.py", label=t("home_real_coverage_link"), icon=":material/grid_on:")


def headline_cards(figures: pd.DataFrame, lang: str) -> None:
    """The national headline figures (:func:`analysis.headlines.headline_figures`) as metrics, six to a grid.

    Each shows its value in the language, its note as help (in the language, escaped) and its period below.
    """
    cards = st.columns(3) + st.columns(3)
    for column, figure in zip(cards, figures.to_dict("records")):
        with column:
            st.metric(
                t(figure["label_key"]),
                widgets.headline_text(figure, lang),
                help=widgets.note_help(figure, lang),
                border=True,
            )
            st.caption(t("metric_on", period=format_period(figure[schema.PERIOD], lang)))


def holds(counts: pd.DataFrame, lang: str) -> None:
    """What the dashboard holds: provinces of both layouts, indicators, observations and sources, counted.

    ``counts``: :func:`ui.loaders.summary` indexed by status, with an ``all`` row.
    """
    total = counts.loc["all"] if "all" in counts.index else {"indicators": 0, "observations": 0, "sources": 0}
    n = {layout: format_number(len(loaders.provinces(layout)), 0, lang) for layout in ("2025", "2008")}
    cards = st.columns(4)
    cards[0].metric(t("holds_provinces"), t("holds_provinces_value", n34=n["2025"], n63=n["2008"]))
    cards[1].metric(t("holds_indicators"), format_number(total["indicators"], 0, lang))
    cards[2].metric(t("holds_observations"), format_number(total["observations"], 0, lang))
    cards[3].metric(t("holds_sources"), format_number(total["sources"], 0, lang))


def milestones(lang: str) -> None:
    """The steering committees' milestones: date (in the language), place, kind and text, then their sources."""
    shown, sources = milestones_table(lang)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            schema.DATE: t("col_period"),
            "place": t("col_place"),
            "kind": " ",
            "text": st.column_config.TextColumn(t("col_note"), width="large"),
        },
    )
    widgets.source_line(sources, loaders.sources())
