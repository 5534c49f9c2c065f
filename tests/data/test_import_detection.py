"""Detection that cannot store a misread: header synonyms, plausible period headers, confidence and choice,
"valid rows only" refused for a mostly failing file, the content (not the name) deciding the format, and
XLSX tables found by a pre-scan whatever stray cells the sheet holds.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pytest

from data import importers
from data.importers import Limits, Options, xlsx
from tests.import_fixtures import assert_same, fresh_store, row, snapshot, tidy_text, xlsx_bytes


@pytest.fixture()
def db(tmp_path):
    handle = fresh_store(tmp_path)
    yield handle
    handle.close()


def problems(report) -> list[str]:
    return [str(p) for p in [*report.fatal, *report.problems]]


# --- header synonyms ----------------------------------------------------------------------------------------
SYNONYM_HEADER = ["Tỉnh/Thành phố", "Mã chỉ tiêu", "Năm", "Giá trị", "Trạng thái", "Nguồn"]


def synonym_file(rows: list[list[str]], header=SYNONYM_HEADER, sep=";") -> bytes:
    return ("\n".join(sep.join(r) for r in [header, *rows]) + "\n").encode()


def test_a_tidy_file_with_vietnamese_synonym_headers_is_read_as_tidy_with_every_defect_named(db):
    rows = [
        ["Hà Nội", "rd_staff", "2026", "30000", "reported", "derived_here"],  # good
        ["Ha Noy", "rd_staff", "2026", "1", "reported", "derived_here"],  # unknown place (row 3)
        ["Huế", "rd_staff", "2026", "12 nghìn", "reported", "derived_here"],  # not a number (row 4)
        ["Huế", "rd_people", "2026", "5", "reported", "derived_here"],  # unknown indicator (row 5)
        ["Cần Thơ", "rd_staff", "Q1/2026", "7", "reported", "derived_here"],  # unreadable period (row 6)
        ["Cần Thơ", "rd_staff", "2026", "8", "reported", "nowhere"],  # unknown source (row 7)
        ["Đà Nẵng", "rd_staff", "2026", "9", "reported", "derived_here"],  # good
        ["Hải Phòng", "rd_staff", "2026", "10", "reported", "derived_here"],  # good
    ]
    report = importers.analyse("chi tieu.csv", synonym_file(rows), store=db)
    assert report.importer == "tidy"
    assert report.detected["layout"] == "tidy (one row per value)"
    assert report.detected["place_column"] == "Tỉnh/Thành phố"
    found = {(p.row, p.column) for p in report.problems}
    # row 6: without a readable period, Cần Thơ (a province of both layouts) cannot be placed either
    assert found == {
        (3, "Tỉnh/Thành phố"),
        (4, "Giá trị"),
        (5, "Mã chỉ tiêu"),
        (6, "Năm"),
        (6, "Tỉnh/Thành phố"),
        (7, "Nguồn"),
    }
    assert sorted(report.valid["geo_code"]) == ["01", "31", "48"]
    assert all(v == 2026 or v for v in report.valid["value"])


@pytest.mark.parametrize("header", [
    ["province", "indicator", "period", "value", "status", "source"],
    ["tỉnh", "chỉ tiêu", "kỳ", "giá trị", "trạng thái", "nguồn"],
    ["Tỉnh/thành phố", "Chỉ tiêu", "Năm", "Giá trị", "Trạng thái", "Nguồn số liệu"],
])  # fmt: skip
def test_header_synonyms_in_both_languages(db, header):
    raw = synonym_file([["Hà Nội", "rd_staff", "2026-Q1", "30000", "reported", "derived_here"]], header, ",")
    report = importers.analyse("s.csv", raw, store=db)
    assert problems(report) == [] and report.importer == "tidy"
    assert report.valid[["geo_code", "indicator_id", "period", "value"]].values.tolist() == [
        ["01", "rd_staff", "2026-Q1", 30000.0]
    ]


@pytest.mark.parametrize("header", [
    ["province", "indicator", "period", "value", "status", "source", "note", "note_vi"],
    ["tỉnh", "chỉ tiêu", "kỳ", "giá trị", "trạng thái", "nguồn", "Ghi chú", "Ghi chú (tiếng Việt)"],
    ["Tỉnh", "Chỉ tiêu", "Năm", "Giá trị", "Trạng thái", "Nguồn", "Ghi chú tiếng Anh", "Note (VI)"],
])  # fmt: skip
def test_a_tidy_file_may_carry_its_note_in_vietnamese(db, header):
    row = ["Hà Nội", "rd_staff", "2026-Q1", "30000", "reported", "derived_here", "first count", "lần đếm đầu"]
    report = importers.analyse("s.csv", synonym_file([row], header, ","), store=db)
    assert problems(report) == [] and report.importer == "tidy"
    assert report.valid[["note", "note_vi"]].values.tolist() == [["first count", "lần đếm đầu"]]


# --- the misread of the issue: a tidy file read as a yearbook -------------------------------------------------
MISREAD = """geo_level,layout,geo_code,indicator,period,value,status,source_id
nation,,VN,rd_staff,2022,2024,reported,derived_here
province,2008,01,rd_staff,2022,1436,reported,derived_here
province,2008,79,rd_staff,2023,1200,reported,derived_here
"""


def test_the_tidy_file_that_was_read_as_a_yearbook_is_now_read_as_tidy(db):
    report = importers.analyse("misread.csv", MISREAD.encode(), store=db)
    assert report.importer == "tidy" and report.confidence == {"tidy": 0.95}
    got = sorted(zip(report.valid["geo_code"], report.valid["period"], report.valid["value"]))
    assert got == [("01", "2022", 1436.0), ("79", "2023", 1200.0), ("VN", "2022", 2024.0)]


def test_numbers_outside_a_sane_range_of_years_are_no_period_headers():
    from data.importers.periods import period_label

    assert period_label("1436") == (None, False)
    assert period_label("2024") == ("2024", False)
    assert period_label("1900") == (None, False)


def test_data_rows_of_a_table_with_an_unknown_header_are_not_read_as_a_yearbook(db):
    text = "place;what;when;how much\nHà Nội;x;2022;2024\nHuế;x;2023;1436\n"
    report = importers.analyse("odd.csv", text.encode(), store=db)
    assert report.fatal and report.valid.empty
    assert "not recognised" in problems(report)[0] or "uncertain" in problems(report)[0]


# --- confidence, and the user's choice when it is close or weak -----------------------------------------------
def test_a_weak_reading_asks_the_user_with_each_candidates_first_rows(db):
    # two of the three signature columns: tidy at 0.45, nothing else
    text = tidy_text(
        [row()], header=["geo_level", "layout", "geo_code", "indicator_id", "value", "status", "source_id"]
    )
    report = importers.analyse("weak.csv", text.encode(), store=db)
    assert report.confidence == {"tidy": 0.45}
    assert problems(report) == [
        "weak.csv: the layout is uncertain (confidence tidy (one row per value): 0.45): choose the layout under the "
        "reading options; the first rows as each would read them are shown."
    ]
    assert [c.name for c in report.choices] == ["tidy"]
    assert report.choices[0].problem == "required column is missing: period"
    chosen = importers.analyse("weak.csv", text.encode(), Options(importer="tidy"), store=db)
    assert problems(chosen) == ["weak.csv, column 'period': required column is missing"]


def test_two_close_readings_ask_the_user_and_show_both_previews(db, monkeypatch):
    from data.importers import core

    raw = tidy_text([row()]).encode()
    fake = core.Layout("other", "another layout", lambda grid: 0.9, core.LAYOUTS["tidy"].parse)
    monkeypatch.setitem(core.LAYOUTS, "other", fake)
    report = importers.analyse("close.csv", raw, store=db)
    assert report.fatal and report.valid.empty
    assert [(c.name, c.confidence) for c in report.choices] == [("tidy", 0.95), ("other", 0.9)]
    assert all(c.preview["value"].tolist() == ["30000"] for c in report.choices)
    chosen = importers.analyse("close.csv", raw, Options(importer="tidy"), store=db)
    assert problems(chosen) == [] and len(chosen.valid) == 1


# --- "valid rows only" refused when most rows fail --------------------------------------------------------------
def test_valid_rows_only_is_refused_when_most_rows_fail(db):
    rows = [row(geo_code=c, value="x") for c in ("01", "04", "08")] + [row(geo_code="11")]
    report = importers.analyse("mostly bad.csv", tidy_text(rows).encode(), store=db)
    assert (report.rows_invalid, len(report.valid)) == (3, 1) and report.mostly_invalid
    assert not report.can_import(valid_only=True)
    before = snapshot(db)
    with pytest.raises(ValueError, match=r"importing only the valid rows is refused: 3 of 4 rows fail"):
        importers.commit(report, db, user="tester", valid_only=True)
    assert_same(before, snapshot(db))


def test_valid_rows_only_is_allowed_when_half_or_fewer_fail(db):
    rows = [row(geo_code=c, value="x") for c in ("01", "04")] + [row(geo_code=c) for c in ("08", "11")]
    report = importers.analyse("half.csv", tidy_text(rows).encode(), store=db)
    assert not report.mostly_invalid and report.can_import(valid_only=True)


# --- unknown provinces: only their own message --------------------------------------------------------------------
def test_unknown_provinces_get_no_spurious_conflict(db):
    rows = [["Ha Noy", "rd_staff", "2026", "1", "reported", "derived_here"],
            ["Sai Gon xyz", "rd_staff", "2026", "2", "reported", "derived_here"]]  # fmt: skip
    report = importers.analyse("unknown.csv", synonym_file(rows), store=db)
    assert [(p.row, p.column) for p in report.problems] == [(2, "Tỉnh/Thành phố"), (3, "Tỉnh/Thành phố")]
    assert not any("conflicts" in p.message for p in report.problems)


# --- the content decides the format -------------------------------------------------------------------------------
def test_a_csv_named_xlsx_is_read_as_csv_with_a_note(db):
    report = importers.analyse("report.xlsx", tidy_text([row()]).encode(), store=db)
    assert problems(report) == [] and len(report.valid) == 1
    assert report.detected["format"] == "CSV (delimited text)"
    assert report.detected["format_note"] == ("the name ends in .xlsx but the content is delimited text (CSV): "
                                              "read by its content")  # fmt: skip


def test_a_workbook_named_csv_is_read_as_xlsx_with_a_note(db):
    raw = xlsx_bytes({"data": [list(row()), list(row().values())]})
    report = importers.analyse("report.csv", raw, store=db)
    assert problems(report) == [] and len(report.valid) == 1
    assert (
        report.detected["format_note"]
        == "the name ends in .csv but the content is an XLSX workbook: read by its content"
    )


def minimal_xlsx(rows: list[list[str]]) -> bytes:
    """The smallest workbook Excel opens: no styles, no shared strings, inline text, numbers as numbers."""

    def cell(ref: str, value) -> str:
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    body = "".join(
        f'<row r="{i}">' + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r)) + "</row>"
        for i, r in enumerate(rows, start=1)
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    members = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} {rel}><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {ns}><sheetData>{body}</sheetData></worksheet>',
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_minimal_valid_xlsx_is_read(db):
    good = row()
    raw = minimal_xlsx([list(good), [good[c] if c != "value" else 30000 for c in good]])
    report = importers.analyse("minimal.xlsx", raw, store=db)
    assert problems(report) == []
    assert report.valid[["geo_code", "value"]].values.tolist() == [["01", 30000.0]]


# --- the pre-scan: stray cells, limits ------------------------------------------------------------------------------
def stray_workbook(rows: int = 3000) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(list(row()))
    for i in range(rows):
        sheet.append(
            [*row(period=f"2026-{1 + i % 12:02d}-{1 + i // 12 % 28:02d}", value=str(i)).values()][:5]
            + [i]
            + ["reported", "derived_here"]
        )
    sheet["XFD1"] = "stray"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_stray_cell_at_xfd1_is_ignored_and_named_and_the_grid_is_the_table():
    raw = stray_workbook(300)
    grid = importers.pipeline.read_grid("stray.xlsx", raw, Options(), Limits())
    assert grid.cells.shape == (301, 8)  # not 16,384 columns
    assert grid.detected["ignored_cells"] == "1 cell(s) outside the table (A1:H301) ignored: XFD1"
    assert grid.letters[:2] == ["A", "B"] and grid.rows[0] == 1


def test_the_prescan_finds_cells_without_reading_their_values():
    raw = stray_workbook(10)
    archive = zipfile.ZipFile(io.BytesIO(raw))
    scan = xlsx.prescan("s.xlsx", archive, xlsx.sheet_paths("s.xlsx", archive)["data"])
    assert scan.cells == 8 * 11 + 1 and scan.formula_count == 0
    table = xlsx.find_table(scan)
    assert (table.top, table.bottom, table.left, table.right, table.strays) == (0, 10, 0, 7, ["XFD1"])
    assert int(np.max(scan.cols)) == 16383


def test_a_far_away_note_below_the_table_is_ignored():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(row()))
    sheet.append(list(row().values()))
    sheet["A100000"] = "note far below"
    buffer = io.BytesIO()
    book.save(buffer)
    grid = importers.pipeline.read_grid("far.xlsx", buffer.getvalue(), Options(), Limits())
    assert grid.cells.shape == (2, 8)
    assert grid.detected["ignored_cells"].endswith("ignored: A100000")


def test_a_table_wider_than_the_limit_is_refused_naming_the_limit(db, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_COLUMNS", 5)
    report = importers.analyse("wide.xlsx", xlsx_bytes({"data": [list(row()), list(row().values())]}), store=db)
    assert problems(report) == ["wide.xlsx: the table of sheet 'data' is 8 columns wide; at most 5 columns are read."]
