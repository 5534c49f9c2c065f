"""Pieces of the Targets page: every target's forecast labelled (cached), its filters' choices, its counts.

The rule (status lights, forecasts) comes from :mod:`analysis.forecasting`; the table, the chart of
paces and the forecast chart are shared with the Profile page (:mod:`ui.views`).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from analysis import forecasting
from data import schema
from ui import loaders, views
from ui.i18n import format_number, localized, t

PILLAR = "pillar"


@loaders.per_data_version(max_entries=16)
def labelled_forecasts(show_synthetic: bool, lang: str) -> pd.DataFrame:
    """Every target's forecast with its pillar, labelled (:func:`ui.views.label_targets`).

    Once per data version and language."""
    forecasts = forecasting.with_pillars(loaders.forecasts.fresh(show_synthetic), loaders.indicators.fresh())
    return views.label_targets(forecasts, lang)


def pillar_names(labelled: pd.DataFrame, lang: str) -> pd.Series:
    """Names of the pillars that have targets, by pillar id, in catalogue order."""
    names = localized(loaders.pillars().set_index(PILLAR), "name", lang)
    return names[names.index.isin(set(labelled[PILLAR]))]


def count_line(shown: pd.DataFrame, lang: str) -> str:
    """``12 targets · ● on track: 3 · ▲ needs acceleration: 2 ...``."""
    counts = shown[schema.FORECAST_STATUS].value_counts()
    return (
        t("targets_count", lang, n=format_number(len(shown), 0, lang))
        + " · "
        + " · ".join(
            f"{views.light(s, lang)}: {format_number(counts[s], 0, lang)}" for s in forecasting.STATUSES if s in counts
        )
    )


@dataclasses.dataclass(frozen=True)
class Shown:
    """The targets the page's filters keep, and what the page draws from them (read only)."""

    frame: pd.DataFrame
    count_line: str
    synthetic: bool  # a forecast uses synthetic values
    sources: list
    progress: dict  # :func:`ui.views.progress_data`
    options: dict  # :func:`ui.views.target_options`


@loaders.per_data_version(max_entries=16, shared=True)
def filter_options(show_synthetic: bool, lang: str) -> tuple[pd.Series, dict]:
    """The filters' choices: pillar names by pillar id (:func:`pillar_names`), place names by place key."""
    labelled = labelled_forecasts.fresh(show_synthetic, lang)
    return pillar_names(labelled, lang), dict(zip(labelled[views.PLACE_KEY], labelled[views.PLACE]))


@loaders.per_data_version(max_entries=64, shared=True)
def shown(
    show_synthetic: bool, lang: str, pillars: tuple[str, ...], statuses: tuple[str, ...], places: tuple[str, ...]
) -> Shown:
    """The labelled forecasts the filters keep (an empty choice keeps all), with the page's texts and chart data.

    Once per data version, language and filters, for every session: a rerun only draws.
    """
    choices = {PILLAR: list(pillars), schema.FORECAST_STATUS: list(statuses), views.PLACE_KEY: list(places)}
    frame = views.filtered(labelled_forecasts.fresh(show_synthetic, lang), choices)
    return Shown(
        frame,
        count_line(frame, lang),
        bool(forecasting.uses_synthetic(frame).any()),
        views.sources_of((frame, schema.SOURCE_ID)),
        views.progress_data(frame, lang),
        views.target_options(frame),
    )


@loaders.per_data_version(max_entries=64, shared=True)
def forecast_chart_rows(
    geo_level: str,
    layout: str,
    code: str,
    indicator: str,
    period: str,
    target_date: str,
    show_synthetic: bool,
    lang: str,
) -> dict:
    """:func:`ui.views.forecast_chart_rows` (the chosen target's history, trend and sources), once per data version."""
    return views.forecast_chart_rows(geo_level, layout, code, indicator, period, target_date, show_synthetic, lang)
