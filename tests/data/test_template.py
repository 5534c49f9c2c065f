"""The reporting template: its sheets, drop-down lists and instructions, and a round trip through the importer.

(The same round trip seen in the data explorer under AppTest is in tests/app/test_import_page.py.)
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from data import catalogue, importers, registry, schema
from data.importers.template import COLUMNS, NATION_NAME
from tests.import_fixtures import fresh_store


@pytest.fixture(scope="module")
def book_2025():
    return openpyxl.load_workbook(io.BytesIO(importers.template_bytes("2025")))


def _column(sheet, letter: str) -> list:
    return [c.value for c in sheet[letter][2:] if c.value is not None]


def test_sheets_and_header(book_2025):
    assert book_2025.sheetnames == ["data", "tasks", "lists", "instructions", "indicators", "sources"]
    data = book_2025["data"]
    assert [c.value for c in data[1]] == list(COLUMNS)
    assert book_2025["lists"]["A1"].value == "vn57-template v1 layout=2025"


def test_no_cell_holds_a_formula(book_2025):
    for sheet in book_2025.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"


@pytest.mark.parametrize("layout", ["2025", "2008"])
def test_drop_down_lists_follow_the_layout_and_the_catalogue(layout):
    book = openpyxl.load_workbook(io.BytesIO(importers.template_bytes(layout)))
    lists = book["lists"]
    provinces = registry.provinces(layout)
    assert _column(lists, "A") == [NATION_NAME, *provinces[schema.NAME_VI]]
    assert len(_column(lists, "A")) == {"2025": 35, "2008": 64}[layout]
    inds = catalogue.indicators()
    assert _column(lists, "B") == list(inds[schema.INDICATOR])
    assert dict(zip(_column(lists, "B"), _column(lists, "E"))) == dict(zip(inds[schema.INDICATOR], inds["unit"]))
    assert _column(lists, "F") == list(schema.STATUSES)
    assert _column(lists, "H") == list(catalogue.sources()[schema.SOURCE_ID])
    rules = {str(rule.sqref): rule for rule in book["data"].data_validations.dataValidation}
    lists_of = {rule.formula1: ref for ref, rule in rules.items() if rule.type == "list"}
    n_places = len(provinces) + 1
    assert lists_of == {
        f"=lists!$A$3:$A${2 + n_places}": "A2:A2001",  # province
        f"=lists!$I$3:$I${2 + len(schema.LAYOUTS)}": "B2:B2001",  # layout
        f"=lists!$B$3:$B${2 + len(inds)}": "C2:C2001",  # indicator_id
        f"=lists!$G$3:$G${2 + len(schema.QUALIFIERS) - 1}": "F2:F2001",  # value_qualifier
        f"=lists!$F$3:$F${2 + len(schema.STATUSES)}": "H2:H2001",  # status
        f"=lists!$H$3:$H${2 + len(catalogue.sources())}": "J2:J2001",  # source_id
    }
    assert all(rule.showErrorMessage for rule in rules.values() if rule.type == "list")
    unit_hint = next(rule for rule in rules.values() if rule.type != "list")
    assert str(unit_hint.sqref) == "G2:G2001" and "filled in from the indicator" in unit_hint.prompt


def test_instructions_in_vietnamese_and_english(book_2025):
    notes = book_2025["instructions"]
    vi = " ".join(c.value or "" for c in notes["A"])
    en = " ".join(c.value or "" for c in notes["B"])
    assert notes["A1"].value == "Tiếng Việt" and notes["B1"].value == "English"
    assert "Mẫu báo cáo số liệu" in vi and "để trống để dùng 2025 (34 tỉnh, thành)" in vi and "công thức" in vi
    assert "Reporting template" in en and "leave empty for 2025 (34 provinces)" in en and "formulas" in en


def fill(template: bytes, rows: list[dict]) -> bytes:
    """Fill the data sheet as a user would (cells typed as text or numbers), as openpyxl writes it."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    data = book["data"]
    for r, values in enumerate(rows, start=2):
        for c, name in enumerate(COLUMNS, start=1):
            if name in values:
                data.cell(row=r, column=c, value=values[name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROUND_TRIP = [
    {"province": "Hà Nội", "indicator_id": "g5_population_coverage", "period": "2026-Q1", "value": 81.5,
     "status": "reported", "source_id": "derived_here", "note": "round trip"},
    {"province": "Lào Cai", "indicator_id": "g5_population_coverage", "period": "2026-Q1", "value": "62,25",
     "status": "reported", "source_id": "derived_here"},
    {"province": NATION_NAME, "indicator_id": "g5_population_coverage", "period": "2026-Q1", "value": 70,
     "value_qualifier": "about", "status": "reported", "source_id": "derived_here"},
    {"province": "Hà Giang", "layout": "2008", "indicator_id": "g5_population_coverage", "period": "2025-Q2",
     "value": 40, "status": "reported", "source_id": "derived_here"},
]  # fmt: skip


def test_round_trip_through_the_store(tmp_path):
    db = fresh_store(tmp_path)
    raw = fill(importers.template_bytes("2025"), ROUND_TRIP)
    report = importers.analyse("mau-bao-cao.xlsx", raw, store=db)
    assert report.importer == "template"
    assert report.detected["layout"] == "reporting template (2025 layout)"
    assert report.detected["sheet"] == "data (of 6)"  # data, tasks, lists, instructions, indicators, sources
    assert report.detected["decimal"] == "comma (1 of 1 values show a decimal comma)"  # number cells are exact
    assert [str(p) for p in report.fatal + report.problems] == []
    batch = importers.commit(report, db, user="tỉnh Lào Cai")
    assert (batch["rows_added"], batch["rows_skipped"], batch["file_name"]) == (4, 0, "mau-bao-cao.xlsx")
    found = db.observations(indicators=["g5_population_coverage"], statuses=["reported"], date_from="2025-04-01")
    found = found[found[schema.BATCH_ID] == batch["batch_id"]]
    got = sorted(zip(found["geo_level"], found["layout"], found["geo_code"], found["period"], found["value"],
                     found["value_qualifier"], found["unit"], found["note"]))  # fmt: skip
    unit = "percent of population"
    assert got == [
        ("nation", "", "VN", "2026-Q1", 70.0, "about", unit, ""),
        ("province", "2008", "02", "2025-Q2", 40.0, "", unit, ""),
        ("province", "2025", "01", "2026-Q1", 81.5, "", unit, "round trip"),
        ("province", "2025", "15", "2026-Q1", 62.25, "", unit, ""),
    ]
    db.close()


def test_a_template_with_a_wrong_province_names_the_cell(tmp_path):
    db = fresh_store(tmp_path)
    raw = fill(importers.template_bytes("2025"), [{**ROUND_TRIP[0], "province": "Hà Tây"}])
    report = importers.analyse("mau.xlsx", raw, store=db)
    assert [str(p) for p in report.problems] == [
        "mau.xlsx, row 2, column 'province': Unknown province or region 'Hà Tây' in the 2025 layout."
    ]
    db.close()
