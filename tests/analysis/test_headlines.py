"""The Home page's headline figures: which indicators, "x / y" pairs and percentages (hand-built frames)."""

from __future__ import annotations

import math

import pandas as pd

from analysis import headlines


def _national(*rows):
    return pd.DataFrame(rows, columns=["indicator_id", "value", "value_qualifier", "period", "note", "source_id"])


CATALOGUE = pd.DataFrame(
    {"indicator_id": ["staff", "share", "done", "total"], "short_unit": ["per 10,000", "%", "tasks", "tasks"]}
)


def test_headlines_keep_their_order_and_skip_indicators_without_a_national_value():
    national = _national(("share", 39.52, "", "2025-10", "", "vne"), ("staff", 8.2, "about", "2025", "n", "mst"))
    figures = headlines.headline_figures(
        national, CATALOGUE, [("a", "staff", None), ("b", "gone", None), ("c", "share", None)]
    )
    assert figures["label_key"].tolist() == ["a", "c"]
    assert figures["value"].tolist() == [8.2, 39.52]
    assert figures["value_qualifier"].tolist() == ["about", ""]
    assert figures["is_percent"].tolist() == [False, True]  # "%" is the short unit of the share only
    assert figures["source_id"].tolist() == ["mst", "vne"]


def test_a_done_of_total_pair_carries_the_total_only_when_it_has_a_value():
    national = _national(("done", 50.0, "", "2025", "", "s"), ("total", 70.0, "", "2025", "", "s"))
    both = headlines.headline_figures(national, CATALOGUE, [("x", "done", "total")])
    assert both["total"].tolist() == [70.0]
    alone = headlines.headline_figures(national.iloc[:1], CATALOGUE, [("x", "done", "total")])
    assert math.isnan(alone["total"].iloc[0])


def test_no_national_values_give_an_empty_frame_with_the_columns():
    figures = headlines.headline_figures(_national(), CATALOGUE)
    assert figures.empty and list(figures.columns) == list(headlines.COLUMNS)
