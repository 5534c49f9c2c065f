"""Pieces of the Targets page: every target's forecast labelled (cached), its filters' choices, its counts.

The rule (status lights, forecasts) comes from :mod:`analysis.forecasting`; the table, the chart of
paces and the forecast chart are shared with the Profile page (:mod:`ui.views`).
"""

from __future__ import annotations

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
