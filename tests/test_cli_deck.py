"""``python -m cli deck``: the Presentation page's meeting deck written from the command line, read back with python-pptx.

Expected facts (bundled data): Thái Nguyên (2025 code 19) reported 10.3 R&D staff per 10,000 inhabitants on
2025-11-03, the only province value of that indicator without synthetic data; the nation's value that day
is 8.2. 5G coverage has no reported province value (only synthetic ones), so without ``--synthetic`` it
has nothing to show. The latest period with synthetic values on is 2026-Q3, synthetic for every province.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from geo import deck
from tests.cli_support import run
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[1]
RD = "rd_staff_per_10k"
G5 = "g5_population_coverage"


def slides_of(path) -> list[dict[str, str]]:
    """Each slide's shapes by name, with their text ("" for a picture or a shape without text)."""
    prs = Presentation(str(path))
    return [
        {shape.name: shape.text_frame.text if shape.has_text_frame else "" for shape in slide.shapes}
        for slide in prs.slides
    ]


def test_the_nations_deck_in_vietnamese_with_native_numbers_and_no_watermark(db_path, tmp_path):
    out = tmp_path / "nation.pptx"
    code, text = run("deck", "--lang", "vi", "--indicator", RD, "--out", out, "--store", db_path)
    assert code == 0, text
    assert t("cli_deck_written", "vi", file=out, slides=len(slides_of(out)), n=1) in text
    slides = slides_of(out)
    title, rd = slides[0], slides[1]
    assert title["title"] == t("deck_title", "vi") and title["subtitle"] == "Toàn quốc"
    assert title["date"].endswith(" · Tiếng Việt")
    assert rd["title"] == "Nhân lực nghiên cứu và phát triển trên 10.000 dân"
    assert rd["subtitle"].startswith("03/11/2025 · 34 tỉnh, thành")  # the latest period of real values
    # the nation's 8.2 and Thái Nguyên's 10.3 (the highest and the lowest: the only province), in Vietnamese
    assert (rd["number label 1"], rd["number 1"]) == ("Toàn quốc", "8,2")
    assert (rd["number label 2"], rd["number 2"]) == ("Cao nhất: Thái Nguyên", "10,3")
    assert rd["number 4"] == "1 / 34"
    assert "map" in rd and rd["source"].startswith("Nguồn: ")
    assert not [s for s in slides if deck.WATERMARK_NAME in s or "synthetic note" in s]
    assert t("cli_deck_synthetic", "vi") not in text


def test_synthetic_values_put_the_watermark_on_their_slides_only(db_path, tmp_path):
    out = tmp_path / "synthetic.pptx"
    code, text = run("deck", "--province", "19", "--synthetic", "--indicator", RD, G5, "--out", out,
                     "--store", db_path)  # fmt: skip
    assert code == 0, text
    slides = slides_of(out)
    assert slides[0]["subtitle"] == "Thai Nguyen" and slides[0]["synthetic note"] == t("watermark", "en")
    assert [s["title"] for s in slides[1:3]] == ["R&D staff per 10,000 inhabitants", "5G coverage of the population"]
    assert all(s["subtitle"].startswith("2026-Q3 · ") and s[deck.WATERMARK_NAME] == t("watermark", "en")
               for s in slides[1:3])  # fmt: skip
    assert t("cli_deck_synthetic", "en") in text
    # synthetic values on, but the period asked shows real values only: no watermark on its map slide
    out = tmp_path / "real.pptx"
    code, text = run("deck", "--province", "19", "--synthetic", "--indicator", RD, "--period", "2025-11-03",
                     "--out", out, "--store", db_path)  # fmt: skip
    assert code == 0, text
    slides = slides_of(out)
    rd = slides[1]
    assert (rd["number label 1"], rd["number 1"], rd["number 2"]) == ("Thai Nguyen", "10.3", "8.2")
    assert deck.WATERMARK_NAME not in rd and "synthetic note" not in slides[0]


def test_an_indicator_without_a_value_to_show_gets_no_slide(db_path, tmp_path):
    out = tmp_path / "some.pptx"
    code, text = run("deck", "--province", "19", "--indicator", G5, RD, "--out", out, "--store", db_path)
    assert code == 0
    assert t("cli_deck_skipped", "en", ids=G5) in text
    assert [s["title"] for s in slides_of(out)][1] == "R&D staff per 10,000 inhabitants"


def test_refusals_exit_1_and_write_no_file(db_path, tmp_path):
    out = tmp_path / "refused.pptx"
    code, text = run("deck", "--indicator", "no_such_indicator", "--out", out, "--store", db_path)
    assert code == 1 and "no_such_indicator" in text
    code, text = run("deck", "--province", "99", "--out", out, "--store", db_path)
    assert code == 1 and text.strip() == t("cli_deck_unknown_province", "en", code="99", layout="2025")
    code, text = run("deck", "--indicator", G5, "--out", out, "--store", db_path)  # no real value anywhere
    assert code == 1 and t("cli_deck_nothing", "en") in text
    code, text = run("deck", "--indicator", RD, "--period", "2024", "--out", out, "--store", db_path)
    assert code == 1 and t("cli_deck_nothing", "en") in text
    assert not out.exists()


def test_usage_errors_exit_2(db_path, tmp_path):
    out = tmp_path / "x.pptx"
    assert run("deck", "--store", db_path)[0] == 2  # --out is required
    assert run("deck", "--layout", "2030", "--out", out, "--store", db_path)[0] == 2
    assert run("deck", "--period", "2025/13", "--out", out, "--store", db_path)[0] == 2
    assert run("deck", "--out", tmp_path / "no" / "such" / "folder.pptx", "--store", db_path)[0] == 2
    assert not out.exists()


def test_python_dash_m_cli_deck_writes_the_pages_default_deck(db_path, tmp_path):
    """As the README says: no --indicator gives the Presentation page's deck (the most reported indicators)."""
    out = tmp_path / "default.pptx"
    done = subprocess.run([sys.executable, "-m", "cli", "deck", "--layout", "2008", "--synthetic", "--out", str(out),
                           "--store", db_path], cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr  # no Streamlit bare-mode noise
    slides = slides_of(out)
    assert slides[0]["subtitle"] == t("present_national", "en") and len(slides) >= 3
    assert all("map" in s and s["number 1"] for s in slides[1:5] if s["title"] != t("deck_targets_title", "en"))


@pytest.mark.parametrize("show_synthetic", [False, True])
def test_the_decks_targets_are_judged_as_on_the_targets_page(show_synthetic):
    """The deck forecasts only its indicators' targets (fast); each comes out as in the Targets page's full table."""
    import pandas as pd

    from data import schema
    from ui import loaders

    chosen = (G5, "hq_workers_trained", RD)
    full = loaders.forecasts.fresh(show_synthetic)
    expected = full[full[schema.INDICATOR].isin(chosen)].reset_index(drop=True)
    assert len(expected) >= 3  # the nation's 5G and R&D targets and a province's
    pd.testing.assert_frame_equal(loaders.forecasts_of.fresh(chosen, show_synthetic).reset_index(drop=True), expected)


def test_the_numbers_on_a_slides_map_are_named_in_its_key(db_path, tmp_path):
    """Small provinces carry a number on the map picture; the slide names each one (1, 2, ... in order)."""
    import re

    from data import registry

    out = tmp_path / "pii.pptx"
    code, text = run("deck", "--lang", "vi", "--indicator", "pii_score", "--out", out, "--store", db_path)
    assert code == 0, text
    notes = slides_of(out)[1]["notes"].splitlines()
    entries = re.findall(r"(\d+) ([^·]+?)(?: · |$)", notes[-1])
    assert entries, notes
    assert [int(n) for n, _ in entries] == list(range(1, len(entries) + 1))
    names = set(registry.provinces("2025")["name_vi"])
    assert {name for _, name in entries} <= names
