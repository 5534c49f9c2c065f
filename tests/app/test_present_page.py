"""The presentation page: one indicator per screen, headline numbers, previous/next, deep links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import present
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]


def _present(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = params.pop("lang", "en")
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/present.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_shared_link_opens_the_same_slide_province_and_mode():
    # Thái Nguyên (2025, code 19) reported 10.3 R&D staff per 10,000 on 2025-11-03; the national 8.2
    at = _present(present="1", slide="rd_staff_per_10k", province="19", synthetic="0")
    assert at.title[0].value == "R\\&D staff per 10,000 inhabitants"  # stored text is shown as typed: & escaped
    assert "2025-11-03" in at.caption[0].value and "persons per 10,000 inhabitants" in at.caption[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Thai Nguyen"] == "10.3"
    assert metrics[t("present_national", "en")] == "8.2"
    assert metrics[t("present_rank", "en")] == "1 / 1"
    assert metrics[t("present_gap", "en")] == "+2.1"
    assert at.toggle(key="present").value is True
    maps = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if "projection" in json.loads(c.proto.spec)]
    assert len(maps) == 1 and maps[0]["projection"] == {"type": "mercator"}  # fitted in the browser, no pydeck
    assert not at.get("deck_gl_json_chart")
    names = {v["text"] for layer in maps[0]["layer"] if layer.get("name") == "labels" for v in layer["data"]["values"]}
    assert {"Hanoi", "Ho Chi Minh City", "Thai Nguyen"} <= names
    assert not [layer for layer in maps[0]["layer"] if layer.get("name") == "watermark"]  # no synthetic value


def test_next_and_previous_step_through_the_deck_and_wrap_round():
    at = _present(deck=["rd_staff_per_10k", "fibre_households"])
    assert at.selectbox(key="slide").value == "rd_staff_per_10k"
    at.button(key="present_next").click().run()
    assert at.selectbox(key="slide").value == "fibre_households"
    assert at.query_params["slide"] in ("fibre_households", ["fibre_households"])
    at.button(key="present_next").click().run()
    assert at.selectbox(key="slide").value == "rd_staff_per_10k"
    at.button(key="present_prev").click().run()
    assert at.selectbox(key="slide").value == "fibre_households"


def test_nation_headlines_without_a_province():
    at = _present(slide="rd_staff_per_10k", synthetic="0")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("present_national", "en")] == "8.2"
    assert metrics[t("present_highest", "en", name="Thai Nguyen")] == "10.3"
    assert metrics[t("present_with_data", "en")] == "1 / 34"


def test_vietnamese_numbers_and_points_for_shares():
    at = _present(lang="vi", slide="rd_staff_per_10k", province="19", synthetic="0")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Thái Nguyên"] == "10,3"
    assert metrics[t("present_gap", "vi")] == "+2,1"


@pytest.mark.parametrize("by, expected", [(+1, "b"), (-1, "c"), (+4, "b")])
def test_step_wraps(by, expected, monkeypatch):
    state = {present.SLIDE_KEY: "a"}
    monkeypatch.setattr(present.st, "session_state", state)
    present.step(["a", "b", "c"], by)
    assert state[present.SLIDE_KEY] == expected


# --- real values first (issue 11) -----------------------------------------------------------------------------
def test_fresh_presentation_opens_on_reported_values():
    """PII 2025 (8 provinces, no national value): best, last and how many, no gap to the nation, no synthetic mark."""
    at = _present()
    assert at.selectbox(key="slide").value == "pii_score"
    assert at.title[0].value == "Provincial Innovation Index \\(PII\\)"  # a name, shown as typed: escaped
    assert "2025" in at.caption[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        t("present_best", "en", name="Hanoi"): "65.68",
        t("present_last", "en", name="Gia Lai"): "37.66",
        t("present_with_data", "en"): "8 / 34",
    }
    assert not [i for i in at.info if i.body == t("synthetic_banner", "en")]


def test_rank_slide_of_the_63_provinces_shows_best_last_and_how_many():
    """DTI 2022: Đà Nẵng first, Bắc Kạn 63rd, all 63 ranked; a rank has no national value and no gap."""
    at = _present(layout="2008", province="06")
    assert (at.selectbox(key="slide").value, at.caption[0].value.count("2022")) == ("dti_rank", 1)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Bac Kan": "63",
        t("present_best", "en", name="Da Nang"): "1",
        t("present_last", "en", name="Bac Kan"): "63",
        t("present_with_data", "en"): "63 / 63",
    }


def test_a_slide_of_demonstration_values_only_says_there_is_no_reported_value():
    at = _present(layout="2008", slide="rd_staff_per_10k", synthetic="1")
    expected = t("no_reported_values", "en", name="R\\&D staff per 10,000 inhabitants", layout=t("layout_2008", "en"))
    assert expected in [w.value for w in at.warning]
    assert [i for i in at.info if i.body == t("synthetic_banner", "en")]


def test_synthetic_slide_carries_the_watermark_and_steps_through_periods():
    at = _present(slide="rd_staff_per_10k", synthetic="1")
    spec = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart") if "projection" in json.loads(c.proto.spec))
    marks = [layer for layer in spec["layer"] if layer.get("name") == "watermark"]
    assert marks and marks[0]["data"]["values"] == [{"watermark": "DEMONSTRATION DATA, NOT REAL"}]
    assert spec["params"][0]["bind"]["input"] == "range"
    assert at.button(key="present_map_play").label == t("map_play", "en")


def test_the_deck_is_built_from_the_page_and_read_back():
    """Thái Nguyên without synthetic values: the title slide, the R&D slide (5G coverage has no real province value, so
    no slide), then the targets slide when there are targets of these indicators; no watermark anywhere."""
    import io

    from pptx import Presentation

    from geo import deck
    from ui import deck_view

    at = _present(deck=["rd_staff_per_10k", "g5_population_coverage"], province="19", synthetic="0")
    at.button(key=deck_view.BUILD_KEY).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [b.key for b in at.get("download_button")] == ["present_deck_download"]
    made_of, name, data = at.session_state[deck_view._READY]
    assert name.startswith("vn57-19-2025-en-") and name.endswith(".pptx")
    prs = Presentation(io.BytesIO(data))
    slides = [{shape.name: shape for shape in slide.shapes} for slide in prs.slides]
    assert slides[0]["subtitle"].text_frame.text == "Thai Nguyen"
    assert slides[1]["title"].text_frame.text == "R&D staff per 10,000 inhabitants"
    assert slides[1]["number 1"].text_frame.text == "10.3" and slides[1]["number 2"].text_frame.text == "8.2"
    assert "map" in slides[1] and slides[1]["source"].text_frame.text.startswith("Sources: ")
    assert not [s for s in slides if deck.WATERMARK_NAME in s]  # no synthetic value anywhere
    assert len(slides) in (2, 3)
    if len(slides) == 3:
        assert slides[2]["title"].text_frame.text == "Targets" and "status light 1" in slides[2]
