"""Every page runs in both languages, and a Vietnamese page shows no English interface text.

"English interface text" is any text of the English translation tables (or an English indicator
name) that differs from its Vietnamese counterpart, and every note this project wrote in English in
the bundled files (shown in Vietnamese from their ``note_vi``). Pages are read from app.py's st.Page
calls, so a new page is covered as soon as it is added to the navigation. Downloads with headers for
people are checked too (headers and notes).
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from data import catalogue, observations, tasks
from data.schema import NOTE, NOTE_VI
from ui import i18n

ROOT = Path(__file__).resolve().parents[2]


def _pages() -> list[str]:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


#: The bundled files whose notes this project wrote (observations, milestones, demonstration tasks).
FILES_WITH_NOTES = (
    *observations.REAL_FILES,
    observations.SYNTHETIC_FILE,
    observations.MILESTONES_FILE,
    tasks.DEMO_FILE,
)


def project_notes() -> set[str]:
    """The notes this project wrote in English in the bundled files, where their Vietnamese differs."""
    notes: set[str] = set()
    for path in FILES_WITH_NOTES:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert NOTE_VI in frame, f"{path.name} has no {NOTE_VI} column"
        notes |= set(frame.loc[(frame[NOTE] != "") & (frame[NOTE] != frame[NOTE_VI]), NOTE])
    return notes


def _english_only() -> set[str]:
    """Interface strings and project notes that exist only in English (long enough to be unambiguous)."""
    tables = i18n.translations()
    english = {v for k, v in tables["en"].items() if v != tables["vi"].get(k)}
    cat = catalogue.indicators()
    english |= set(cat.loc[cat["name_en"] != cat["name_vi"], "name_en"])
    english |= project_notes()
    return {text for text in english if len(text) >= 8 and "{" not in text}


def _unescaped(text: str) -> str:
    """Markdown text as the reader sees it: escaping backslashes and word joiners (ui.widgets.plain) removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def _texts(at: AppTest) -> list[str]:
    """Visible text of the elements AppTest exposes: headings, captions, labels, messages."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        texts += [str(el.value) for el in getattr(at, kind)]
    texts += [m.label for m in at.metric]
    texts += [_unescaped(m.proto.help) for m in at.metric if m.proto.help]  # a metric's help: the value's note
    for kind in ("selectbox", "multiselect", "radio", "toggle", "select_slider", "button", "text_input", "checkbox"):
        texts += [w.label for w in getattr(at, kind)]
    texts += [at.title[0].value] if at.title else []
    return texts


def _shown_texts(at: AppTest) -> list[str]:
    """:func:`_texts`, metric values, the options of choices and the text cells of every table."""
    texts = _texts(at) + [str(m.value) for m in at.metric]
    for kind in ("selectbox", "multiselect", "radio"):
        texts += [str(option) for widget in getattr(at, kind) for option in widget.options]
    for table in at.dataframe:
        frame = table.value
        for column in list(table.proto.column_order) or list(frame.columns):  # the shown columns, notes too
            texts += list(dict.fromkeys(v for v in frame[column].head(500) if isinstance(v, str)))
    return texts


_URL = re.compile(r"\(?https?://\S+")
_DECIMAL_POINT = re.compile(r"(?<![\d.,/])-?\d+\.\d+(?![\d.])")  # 8.2, -0.388, +5.08 (or 10.000 in Vietnamese)
_GROUPED = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+$")  # 10.000, 1.861.000: thousands in Vietnamese
_ISO = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b|\b\d{4}-(Q[1-4]|H[12])\b")  # 2025-11-03, 2025-10, 2026-Q3


def english_formats(text: str) -> list[str]:
    """Numbers with a decimal point, ISO dates and period codes in a text (addresses left out)."""
    text = _URL.sub(" ", text)
    found = [m.group(0) for m in _DECIMAL_POINT.finditer(text) if not _GROUPED.match(m.group(0))]
    return found + [m.group(0) for m in _ISO.finditer(text)]


def test_the_format_scan_tells_vietnamese_from_english():
    assert english_formats("8,2 trên 10.000 dân · Quý 3/2026 · 03/11/2025 · 1.861.000") == []
    assert english_formats("8.2 per 10,000 · -0.388 · +5.08 · kỳ 2025-10 · 2025-11-03 · 2026-Q3") == [
        "8.2",
        "-0.388",
        "5.08",
        "2025-10",
        "2025-11-03",
        "2026-Q3",
    ]
    assert english_formats("[VnEconomy](https://vneconomy.vn/2025-10-03/a-1.5.htm)") == []


@pytest.mark.parametrize("page", _pages())
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_runs_in_both_languages(page, lang):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="lang").value == lang


@pytest.mark.parametrize("page", _pages())
def test_vietnamese_page_shows_no_english_interface_text(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "vi"
    at.switch_page(page).run()
    assert not at.exception
    english = _english_only()
    leaks = sorted({text for text in _texts(at) for phrase in english if phrase == text or phrase in text})
    assert leaks == [], f"{page} shows English text in Vietnamese: {leaks[:5]}"


@pytest.mark.parametrize("page", _pages())
def test_vietnamese_page_writes_numbers_dates_and_periods_the_vietnamese_way(page):
    """Decimal comma (8,2), dd/mm/yyyy dates and periods in words (Quý 3/2026) in every text and table cell."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "vi"
    at.switch_page(page).run()
    assert not at.exception
    wrong = {text[:80]: english_formats(text) for text in _shown_texts(at) if english_formats(text)}
    assert wrong == {}, f"{page} writes numbers or dates the English way in Vietnamese: {list(wrong.items())[:5]}"


@pytest.mark.parametrize("page", _pages())
def test_vietnamese_tables_and_options_show_no_english_interface_text(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "vi"
    at.switch_page(page).run()
    assert not at.exception
    english = _english_only()
    leaks = sorted({text for text in _shown_texts(at) for phrase in english if phrase == text or phrase in text})
    assert leaks == [], f"{page} shows English text in Vietnamese: {leaks[:5]}"


def test_the_english_project_notes_are_found_and_each_has_its_vietnamese():
    notes = project_notes()
    assert any(n.startswith("DTI 2022 (63 provinces). As written:") for n in notes)  # built by build_published
    assert any("Synthetic demonstration value" in n for n in notes)  # written by make_synthetic
    assert any("Synthetic demonstration task" in n for n in notes)  # written by make_tasks
    for path in FILES_WITH_NOTES:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert ((frame[NOTE] != "") == (frame[NOTE_VI] != "")).all(), f"{path.name}: a note without its Vietnamese"


def _downloads(monkeypatch) -> dict[str, bytes]:
    """The files of every download button drawn from now on (by key), built as a click would build them."""
    made: dict[str, bytes] = {}
    draw = DeltaGenerator.download_button

    def keep(self, label, data, *args, **kwargs):  # the page hands a callable: build the file as a click would
        made[kwargs.get("key")] = data() if callable(data) else data
        return draw(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", keep)
    return made


def test_a_vietnamese_download_with_headers_for_people_has_no_english_headers_or_notes(monkeypatch):
    """The explorer's downloads, headers for people ticked, in Vietnamese: headers and notes in Vietnamese."""
    from openpyxl import load_workbook

    made = _downloads(monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "vi"
    at.switch_page("pages/explorer.py").run()
    at.checkbox(key="download_labelled").check().run()
    assert not at.exception
    rows = list(csv.reader(io.StringIO(made["download_csv"].decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(made["download_xlsx"]), read_only=True).worksheets[0]
    xlsx_header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    words = i18n.translations()["vi"]
    assert rows[0] == xlsx_header
    assert set(rows[0]) <= {v for k, v in words.items() if k.startswith("export_col_")}  # every header in words
    english = _english_only()
    assert [h for h in rows[0] if h in english] == []
    note = rows[0].index(words[f"export_col_{NOTE}"])
    shown_notes = {row[note] for row in rows[1:]}
    assert len(rows) > 100 and shown_notes - {""}
    assert sorted(shown_notes & english)[:3] == []  # every bundled note in Vietnamese


def test_the_vietnamese_task_download_has_the_notes_in_vietnamese(monkeypatch):
    made = _downloads(monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "vi"
    at.query_params["synthetic"] = "1"  # the demonstration task lists
    at.switch_page("pages/tasks.py").run()
    assert not at.exception
    rows = list(csv.DictReader(io.StringIO(made["tasks_csv"].decode("utf-8-sig"))))
    assert rows and NOTE_VI not in rows[0]  # one note column, in the language
    assert {row[NOTE] for row in rows} == {
        "Nhiệm vụ minh họa tổng hợp (scripts/make_tasks.py, hạt giống 57): không phải số liệu thật."
    }
