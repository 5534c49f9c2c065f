"""Chart builders (ui/charts.py): every spec is valid Vega-Lite, marks synthetic values and draws locally.

The app skips schema validation when it builds a chart (it costs more than the chart); this test does it.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from ui import charts

LABELS = {"reported": "reported", "derived": "derived", "synthetic": "synthetic (demo)"}


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def _validate(spec: dict) -> dict:
    alt.Chart.from_dict(spec, validate=True)  # raises on a schema error
    text = json.dumps(spec)
    assert "http://" not in text.replace("https://vega.github.io/schema/", "")
    assert "https://" not in text.replace("https://vega.github.io/schema/", "")  # no outside data, font or tile
    return spec


def _datasets(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


BUILDERS = {
    "ranking": lambda: charts.ranking(
        _frame(
            place=["A", "B"],
            value=[2.0, 1.0],
            status_label=["reported", "synthetic (demo)"],
            is_synthetic=[False, True],
            rank=[1, 2],
        ),
        title="t",
        value_title="v (u)",
        status_title="s",
        labels=LABELS,
        national=1.5,
        national_label="VN 1.5",
        rank_title="r",
    ),
    "scatter": lambda: charts.scatter(
        _frame(
            place=["A", "B"],
            x=[1.0, 2.0],
            y=[3.0, 4.0],
            status_label=["reported", "synthetic (demo)"],
            is_synthetic=[False, True],
        ),
        title="t",
        x_title="x (u)",
        y_title="y (u)",
        status_title="s",
        labels=LABELS,
        national=(1.5, 3.5),
        national_label="VN",
    ),
    "trends": lambda: charts.trends(
        _frame(
            place=["A", "A", "VN"],
            date=["2025-03-31", "2025-06-30", "2025-06-30"],
            value=[1.0, 2.0, 1.5],
            status_label=["synthetic (demo)", "reported", "reported"],
            is_synthetic=[True, False, False],
            is_nation=[False, False, True],
        ),
        title="t",
        y_title="y (u)",
        date_title="d",
        status_title="s",
        place_title="p",
        labels=LABELS,
    ),
    "against_nation": lambda: charts.against_nation(
        _frame(
            label=["a", "b"],
            index=[120.0, 80.0],
            peer_index=[100.0, 90.0],
            status_label=["reported", "synthetic (demo)"],
            is_synthetic=[False, True],
            place=["1 u", "2 u"],
        ),
        title="t",
        x_title="x",
        peer_title="p",
        status_title="s",
        labels=LABELS,
        value_title="v",
    ),
    "forecast": lambda: charts.forecast(
        _frame(
            date=["2024-12-22", "2025-11-03"],
            value=[0.0, 83.0],
            status_label=["start (zero)", "reported"],
            is_synthetic=[False, False],
        ),
        _frame(date=["2025-11-03", "2025-12-31"], fit=[83.0, 98.2], low=[83.0, 83.0], high=[83.0, 113.5]),
        target=156.0,
        deadline="2025-12-31",
        title="t",
        y_title="tasks",
        date_title="d",
        status_title="s",
        band_title="80%",
        target_title="156 by 2025-12-31",
        trend_title="trend",
        labels={"baseline": "start (zero)", **LABELS},
    ),
    "progress": lambda: charts.progress(
        _frame(label=["VN · 5G"], x=[0.229], status_label=["limited progress"], is_synthetic=[False]),
        title="t",
        x_title="R",
        status_title="s",
        domain=["limited progress"],
        colours=[charts.VERMILLION],
        thresholds=[0.0, 0.6, 0.95],
    ),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_is_valid_vega_lite_with_a_title_and_axis_titles(name):
    spec = _validate(BUILDERS[name]())
    assert spec["title"] == "t"
    assert spec["width"] == "container"


def test_synthetic_values_are_hollow_and_labelled_in_the_legend():
    spec = json.dumps(BUILDERS["scatter"]())
    assert '"white"' in spec and "synthetic (demo)" in spec
    # the legend's domain only lists the statuses that occur
    assert '"derived"' not in json.dumps(BUILDERS["ranking"]()["layer"][0]["encoding"]["color"])


def test_the_national_value_is_drawn_as_a_rule():
    spec = BUILDERS["ranking"]()
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rules and 1.5 in [row["value"] for row in _datasets(spec) if "label" in row]


def test_every_chart_gets_a_text_alternative_from_its_title():
    from ui import charts

    assert charts.with_description({"title": "R&D staff per 10,000"})["description"] == "R&D staff per 10,000"
    spec = charts.with_description({"title": {"text": "Tasks", "subtitle": ["Thái Nguyên", "2025"]}})
    assert spec["description"] == "Tasks. Thái Nguyên 2025"
    assert charts.with_description({"description": "own", "title": "x"})["description"] == "own"
    assert "description" not in charts.with_description({})


def test_a_chart_with_synthetic_values_gets_the_watermark_layer_on_top():
    from ui import charts as c

    single = {
        "data": {"values": [{"x": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "x"}},
        "params": [{"name": "p", "select": "point"}],
        "title": "T",
        "width": "container",
    }
    marked = c.with_watermark(single, "DEMONSTRATION DATA, NOT REAL")
    assert marked["title"] == "T" and marked["width"] == "container"
    unit, mark = marked["layer"]
    assert unit == {k: single[k] for k in ("data", "mark", "encoding", "params")}
    assert mark["name"] == "watermark" and mark["data"]["values"] == [{"watermark": "DEMONSTRATION DATA, NOT REAL"}]
    assert "layer" not in single  # unchanged
    layered = {"layer": [{"mark": "bar"}], "data": {"values": []}}
    assert [layer.get("name") for layer in c.with_watermark(layered, "x")["layer"]] == [None, "watermark"]
    assert c.with_watermark({"hconcat": []}, "x") == {"hconcat": []}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_with_the_language_locale_is_valid_vega_lite(name, lang):
    from ui import charts

    spec = _validate(charts.with_locale(BUILDERS[name](), lang))
    marks = spec["config"]["locale"]["number"]
    assert (marks["decimal"], marks["thousands"]) == ({"vi": (",", "."), "en": (".", ",")}[lang])
    assert spec["config"]["view"]["stroke"] is None  # the builder's own config is kept


def test_date_axes_and_tooltips_follow_the_given_formats():
    from ui import charts

    frame = _frame(
        place=["A"],
        date=["2025-10-31"],
        value=[1.5],
        status_label=["reported"],
        is_synthetic=[False],
        is_nation=[False],
    )
    spec = json.dumps(
        charts.trends(
            frame,
            title="t",
            y_title="y",
            date_title="d",
            status_title="s",
            place_title="p",
            labels=LABELS,
            month_format="%m/%Y",
            day_format="%d/%m/%Y",
        )
    )
    assert '"format": "%m/%Y"' in spec and '"format": "%d/%m/%Y"' in spec and "%Y-%m" not in spec
