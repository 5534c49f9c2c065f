"""Importing files: every format, encoding and layout; every class of problem, named exactly; batches and undo.

Each refused file is checked twice: the exact message, and a store left exactly as it was (a commit of
the refused report raises and writes nothing).
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from data import importers, schema, store
from data.importers import Limits, Options
from tests.import_fixtures import GOOD, assert_same, fresh_store, row, snapshot, tidy_text, to_cp1258, xlsx_bytes

PLACE_HEADER = ["Tỉnh/Thành phố", "indicator_id", "period", "value", "status", "source_id"]


@pytest.fixture()
def db(store_target):
    handle = store.open_store(store_target)
    yield handle
    handle.close()


def analyse(name: str, raw: bytes, db=None, **options):
    limits = options.pop("limits", None)
    return importers.analyse(name, raw, Options(**options), store=db, limits=limits)


def problems(report) -> list[str]:
    return [str(p) for p in [*report.fatal, *report.problems]]


def stored(db, **filters) -> list[tuple]:
    found = db.observations(**filters)
    return sorted(zip(found["geo_level"], found["layout"], found["geo_code"], found["period"], found["value"]))


# --- formats, encodings, separators, decimal marks -------------------------------------------------------
VI_ROWS = [
    {"Tỉnh/Thành phố": "Hà Nội", "indicator_id": "rd_staff_per_10k", "period": "2026-Q1", "value": "10,5",
     "status": "reported", "source_id": "derived_here"},
    {"Tỉnh/Thành phố": "Thừa Thiên Huế", "indicator_id": "rd_staff_per_10k", "period": "2025-Q1", "value": "7,25",
     "status": "reported", "source_id": "derived_here"},
    {"Tỉnh/Thành phố": "Đắk Lắk", "indicator_id": "rd_staff_per_10k", "period": "2026-Q1", "value": "..",
     "status": "reported", "source_id": "derived_here"},
]  # fmt: skip
EXPECTED_VI = [("province", "2008", "46", "2025-Q1", 7.25), ("province", "2025", "01", "2026-Q1", 10.5)]


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda text: text.encode("utf-8"), "UTF-8"),
        (lambda text: text.encode("utf-8-sig"), "UTF-8 with BOM"),
        (lambda text: text.encode("utf-16"), "UTF-16"),
        (lambda text: text.encode("utf-16-le"), "UTF-16 LE (no BOM)"),
        (to_cp1258, "Windows-1258 (Vietnamese): not valid UTF-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-no-bom", "cp1258"],
)
@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_encodings_and_separators_with_names_and_decimal_commas(db, encode, encoding, sep, name):
    raw = encode(tidy_text(VI_ROWS, sep=sep))
    report = analyse("báo cáo.csv", raw, db)
    assert report.detected["encoding"] == encoding
    assert report.detected["separator"] == name
    assert report.detected["decimal"] == "comma (2 of 2 values show a decimal comma)"
    assert report.detected["place_column"] == "Tỉnh/Thành phố"
    assert report.detected["layout"] == "tidy (one row per value)"
    assert problems(report) == []
    assert (report.rows_read, report.rows_missing, len(report.valid)) == (2, 1, 2)
    importers.commit(report, db, user="tester")
    assert stored(db, indicators=["rd_staff_per_10k"], geo_codes=["01", "46"], statuses=["reported"]) == EXPECTED_VI


def test_cp1258_text_is_normalised_to_nfc():
    raw = to_cp1258("Tỉnh/Thành phố;x\nHậu Giang;1\n")
    assert "\u0323".encode("cp1258") in raw  # the dot below travels as a combining mark
    grid = importers.pipeline.read_grid("a.csv", raw, Options(), Limits())
    assert grid.cells.iat[1, 0] == "Hậu Giang" and grid.cells.iat[0, 0] == "Tỉnh/Thành phố"


def test_comma_separated_codes_with_decimal_points_and_quotes(db):
    text = tidy_text([row(indicator_id="rd_staff_per_10k", value="10.3"), row(geo_code="79", value="1,861.5")])
    text = text.replace("1,861.5", '"1,861.5"')
    report = analyse("codes.csv", text.encode(), db)
    assert (report.detected["separator"], report.detected["decimal"]) == (
        "comma",
        "point (2 of 2 values show a decimal point)",
    )
    assert problems(report) == []
    assert sorted(report.valid["value"]) == [10.3, 1861.5]


def test_missing_markers_are_skipped_not_refused(db):
    rows = [row(value=v, geo_code=c) for v, c in (("..", "01"), ("-", "04"), ("…", "08"), ("", "11"), ("12", "12"))]
    report = analyse("gaps.csv", tidy_text(rows).encode(), db)
    assert problems(report) == [] and (report.rows_missing, len(report.valid)) == (4, 1)


def test_header_below_title_rows_and_chosen_reading_options(db):
    text = "Báo cáo quý 1/2026\n\n" + tidy_text([row(value="1.5")], sep=";")
    report = analyse("titled.csv", text.encode(), db, separator=";", decimal=".", encoding="utf-8")
    assert report.detected["header_rows"] == "row 3"
    assert report.detected["separator"] == "semicolon (chosen)"
    assert report.detected["encoding"] == "UTF-8 (chosen)"
    assert report.detected["decimal"] == "point (chosen)"
    assert report.valid["value"].tolist() == [1.5]


def test_tidy_xlsx_with_numbers_dates_and_names(db):
    raw = xlsx_bytes({"Sheet1": [
        ["province", "indicator_id", "period", "value", "status", "source_id", "comment"],
        ["TP. Hồ Chí Minh", "rd_staff", "2026-Q1", 41000, "reported", "derived_here", "x"],
        ["Cả nước", "rd_staff", 2026, 250000.0, "reported", "derived_here", ""],
        [],
        ["Đồng bằng sông Hồng", "rd_staff_per_10k", "2026-01", 12.75, "reported", "derived_here", ""],
    ]})  # fmt: skip
    report = analyse("sheet.xlsx", raw, db)
    assert report.detected["format"] == "XLSX (Excel workbook)"
    assert report.detected["sheet"] == "Sheet1"
    assert report.detected["ignored_columns"] == "comment"
    assert problems(report) == []
    got = sorted(
        zip(report.valid["geo_level"], report.valid["geo_code"], report.valid["period"], report.valid["value"])
    )
    assert got == [("nation", "VN", "2026", 250000.0), ("province", "79", "2026-Q1", 41000.0),
                   ("region", "RRD", "2026-01", 12.75)]  # fmt: skip


# --- the statistical yearbook layout -----------------------------------------------------------------------
YEARBOOK = """Nhân lực nghiên cứu và phát triển trên 10.000 dân phân theo địa phương
Đơn vị tính: Người/10.000 dân
Tỉnh/Thành phố;2022;2023;Sơ bộ 2024
CẢ NƯỚC;7,5;7,9;8,1
Đồng bằng sông Hồng;10,1;11,0;..
Hà Nội;20,3;21,0;22,4
Hà Giang;-;1,2;1,3
;;;
(1) Số liệu năm 2024 là số sơ bộ.
Nguồn: derived_here
"""


def test_yearbook_one_header_row(db):
    report = analyse("nien giam.csv", to_cp1258(YEARBOOK), db)
    assert report.detected == {
        "format": "CSV (delimited text)",
        "encoding": "Windows-1258 (Vietnamese): not valid UTF-8",
        "separator": "semicolon",
        "layout": "statistical yearbook (provinces as rows, periods as columns)",
        "header_rows": "row 3",
        "place_column": "Tỉnh/Thành phố",
        "footnotes": "rows 8–10",
        "unit_in_file": "Người/10.000 dân",
        "indicator": "rd_staff_per_10k (from the title)",
        "source": "derived_here (from the file)",
        "status": "reported (default)",
        "decimal": "comma (10 of 10 values show a decimal comma)",
        # 0.3 + 0.4 x 4 place names of 6 cells (2 footnotes) + 0.1 (several periods) + 0.1 (in order)
        "confidence": "yearbook 0.77",
    }
    assert problems(report) == [] and report.rows_missing == 2
    valid = report.valid.set_index(["geo_code", "period"])
    assert valid.loc[("VN", "2024"), "value"] == 8.1 and valid.loc[("VN", "2024"), "layout"] == ""
    assert valid.loc[("RRD", "2023"), "value"] == 11.0
    assert valid.loc[("01", "2023"), ["layout", "value"]].tolist() == ["2008", 21.0]
    assert valid.loc[("02", "2024"), "note"].startswith("preliminary figure")
    assert valid.loc[("02", "2024"), "note_vi"].startswith("số liệu sơ bộ")  # the note in both languages
    assert valid.loc[("01", "2022"), ["note", "note_vi"]].tolist() == ["", ""]
    assert len(report.valid) == 10


def test_yearbook_two_header_rows_in_xlsx_with_chosen_indicator_and_source(db):
    raw = xlsx_bytes({"Biểu 12": [
        ["Tỷ lệ phủ sóng (%)"],
        ["Địa phương", "Năm 2025", None, "Năm 2026", None],
        [None, "Quý III", "Quý IV", "Quý I", "Quý II"],
        ["Toàn quốc", 30.5, 35, 39.52, None],
        ["Thái Nguyên", "..", 40, 45.5, 50],
        ["Ghi chú: Quý II/2026 ước tính."],
    ]})  # fmt: skip
    report = analyse(
        "bieu12.xlsx", raw, db, indicator="g5_population_coverage", source_id="derived_here", status="target"
    )
    assert report.detected["header_rows"] == "rows 2–3"
    assert report.detected["indicator"] == "g5_population_coverage (chosen)"
    assert report.detected["status"] == "target (chosen)"
    assert report.detected["footnotes"] == "row 6"
    assert problems(report) == []
    got = sorted(zip(report.valid["geo_code"], report.valid["layout"], report.valid["period"], report.valid["value"]))
    assert got == [("19", "2025", "2025-Q4", 40.0), ("19", "2025", "2026-Q1", 45.5), ("19", "2025", "2026-Q2", 50.0),
                   ("VN", "", "2025-Q3", 30.5), ("VN", "", "2025-Q4", 35.0), ("VN", "", "2026-Q1", 39.52)]  # fmt: skip
    assert set(report.valid["status"]) == {"target"}


def test_yearbook_problems_name_row_and_period_column(db):
    text = YEARBOOK.replace("Hà Giang;-;1,2;1,3", "Hà Giangg;-;1,2;1,3").replace("Hà Nội;20,3", "Hà Nội;abc")
    report = analyse("nien giam.csv", text.encode(), db)
    assert problems(report) == [
        "nien giam.csv, row 6, column '2022': 'abc' is not a number",
        "nien giam.csv, row 7, column 'Tỉnh/Thành phố': Unknown province or region 'Hà Giangg'. Closest: Hà Giang (2008), "
        "Hậu Giang (2008), An Giang (2008).",
    ]
    assert report.rows_invalid == 3  # the bad cell and both values of the unknown province


def test_yearbook_without_indicator_is_refused_with_a_clear_message(db):
    report = analyse("bare.csv", "Tỉnh;2023;2024\nHà Nội;1;2\nHải Phòng;3;4\n".encode(), db)
    assert problems(report) == [
        "bare.csv: the title rows name no indicator of the catalogue: choose the indicator under the reading options."
    ]
    report = analyse("bare.csv", "Tỉnh;2023;2024\nHà Nội;1;2\nHải Phòng;3;4\n".encode(), db, indicator="rd_staff")
    assert problems(report) == [
        "bare.csv: no source is given: choose the source of these figures under the reading options "
        "(sources are listed in data/sources.toml)."
    ]


# --- every class of bad file: exact message, store unchanged ---------------------------------------------
def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(unpacked_mb: int) -> bytes:
    """A small XLSX whose sheet unpacks to ``unpacked_mb`` MB of blanks."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"data": [["a"]]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in good.infolist():
            if info.filename.endswith("sheet1.xml"):
                with archive.open(info.filename, "w", force_zip64=True) as member:
                    chunk = b" " * (1024 * 1024)
                    for _ in range(unpacked_mb):
                        member.write(chunk)
            else:
                archive.writestr(info, good.read(info.filename))
    return buffer.getvalue()


def _entities() -> bytes:
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"data": [["a", 1]]})))
    members = {i.filename: good.read(i.filename) for i in good.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet[sheet.index("<worksheet") :].replace("<v>1</v>", "<v>&b;</v>")
    members["xl/worksheets/sheet1.xml"] = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                                           '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]>' + sheet).encode()  # fmt: skip
    return _zip(members)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(40))
GOOD_CSV = tidy_text([row()]).encode()
DAMAGED = ("the Excel file is damaged or incomplete: it cannot be opened as an XLSX workbook. Open it in Excel, "
           "save it again and upload the new file.")  # fmt: skip

BAD_FILES = [
    ("empty.csv", b"", {}, "empty.csv: the file is empty."),
    ("blank.csv", b"  \r\n\n", {}, "blank.csv: the file is empty."),
    ("header.csv", ",".join(GOOD).encode() + b"\n", {}, "header.csv: the file has no data rows."),
    ("photo.xlsx", PNG, {}, "photo.xlsx: this is not a table (CSV or XLSX): it looks like a PNG image."),
    ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", {}, "scan.csv: this is not a table (CSV or XLSX): it looks like a PDF document."),
    ("cut.xlsx", lambda: xlsx_bytes({"data": [list(GOOD), list(GOOD.values())]})[:900], {}, f"cut.xlsx: {DAMAGED}"),
    ("archive.xlsx", lambda: _zip({"readme.txt": b"hello"}), {}, "archive.xlsx: this is a ZIP archive, not an Excel workbook (XLSX)."),
    ("bomb.xlsx", lambda: _bomb(240), {}, "bomb.xlsx: the workbook would unpack to 240 MB; at most 200 MB are accepted "
                                  "(setting VN57_IMPORT_MAX_UNPACKED_MB)."),
    ("small bomb.xlsx", lambda: _bomb(3), {"limits": Limits(max_unpacked_mb=2)},
     "small bomb.xlsx: the workbook would unpack to 3 MB; at most 2 MB are accepted (setting VN57_IMPORT_MAX_UNPACKED_MB)."),
    ("entities.xlsx", _entities, {}, "entities.xlsx: the workbook's XML declares entities or a DTD, which are refused for safety."),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), {},
     "old.xls: this is an old Excel 97-2003 workbook (.xls) or a password-protected file: save it as .xlsx without a "
     "password, or as .csv, and upload that."),
    ("noise.csv", bytes(range(1, 256)) * 8, {}, "noise.csv: the text is neither UTF-8, UTF-16 nor Windows-1258: save it "
                                                "as UTF-8 and upload it again."),
    ("ctrl.csv", b"a,b\n\x01\x02\x03\x04\x05\x06,\x07\x08\x0b\x0c\x0e\x0f\n", {},
     "ctrl.csv: this is not a text table: it holds binary data. Upload a CSV or XLSX file."),
    ("big.csv", GOOD_CSV * 40_000, {"limits": Limits(max_mb=1)},
     f"big.csv: the file is {len(GOOD_CSV) * 40_000 / 1024 / 1024:.1f} MB; at most 1 MB are accepted (setting VN57_IMPORT_MAX_MB)."),
    ("long.csv", tidy_text([row(geo_code=f"{c:02d}") for c in (1, 4, 8, 11, 12, 14, 15, 19, 20, 22, 24, 25)]).encode(),
     {"limits": Limits(max_rows=10)}, "long.csv: the file has 13 rows; at most 10 rows are accepted (setting VN57_IMPORT_MAX_ROWS)."),
    ("long.xlsx", lambda: xlsx_bytes({"data": [list(GOOD)] + [list(GOOD.values())] * 12}), {"limits": Limits(max_rows=10)},
     "long.xlsx: the file has more than 10 rows; at most 10 rows are accepted (setting VN57_IMPORT_MAX_ROWS)."),
    ("notes.csv", "Ghi chép\nkhông có bảng nào ở đây\n".encode(), {},
     "notes.csv: the layout is not recognised: expected the tidy columns (indicator_id, period, value and a place), "
     "the reporting template, or a yearbook table (places as rows, periods as columns)."),
    ("nosource.csv", tidy_text([row()], header=[c for c in GOOD if c != "source_id"]).encode(), {},
     "nosource.csv, column 'source_id': required column is missing"),
    ("wrongsheet.xlsx", lambda: xlsx_bytes({"data": [["a"]]}), {"sheet": "Biểu 1"},
     "wrongsheet.xlsx: the workbook has no sheet 'Biểu 1'; its sheets are 'data'."),
    ("empty.xlsx", lambda: xlsx_bytes({"data": []}), {}, "empty.xlsx: the sheet 'data' is empty."),
    ("forced.csv", GOOD_CSV, {"importer": "yearbook"}, "forced.csv: the file does not have the statistical yearbook "
                                                        "(wide) layout that was chosen."),
    ("gaps.csv", tidy_text([row(value=".."), row(value="-")]).encode(), {},
     "gaps.csv: every value is empty or marked missing (.., -, …)."),
]  # fmt: skip


@pytest.mark.parametrize(("name", "raw", "options", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_with_a_clear_message_and_the_store_unchanged(db, name, raw, options, message):
    raw = raw() if callable(raw) else raw  # built when the test runs, not when tests are collected
    before = snapshot(db)
    report = analyse(name, raw, db, **options)
    assert problems(report) == [message]
    assert report.fatal and not report.can_import(valid_only=True)
    with pytest.raises(ValueError, match="the file is refused"):
        importers.commit(report, db, user="tester", valid_only=True)
    assert_same(before, snapshot(db))


def test_formulas_are_refused_naming_each_cell(db):
    values = list(GOOD.values())
    raw = xlsx_bytes(
        {"data": [list(GOOD), values[:5] + ["=29000+1000"] + values[6:], values[:5] + ["=SUM(F2:F2)"] + values[6:]]}
    )
    before = snapshot(db)
    report = analyse("formulas.xlsx", raw, db)
    assert problems(report) == [
        "formulas.xlsx, row 2, column 'F': cell F2 holds a formula (=29000+1000); formulas are never evaluated: "
        "replace it with its value.",
        "formulas.xlsx, row 3, column 'F': cell F3 holds a formula (=SUM(F2:F2)); formulas are never evaluated: "
        "replace it with its value.",
    ]
    assert not report.can_import(valid_only=True)
    assert_same(before, snapshot(db))


def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


# --- row problems: all listed, the file refused whole unless valid rows only --------------------------------
def test_every_row_problem_is_listed_with_file_row_and_column(db):
    rows = [
        {"Tỉnh/Thành phố": "Ha Noy", "indicator_id": "rd_staff", "period": "2026-Q1", "value": "1", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Hà Nội", "indicator_id": "rd_staff", "period": "2026-Q1", "value": "12 nghìn", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Hà Nội", "indicator_id": "g5_population_coverage", "period": "2026-Q1", "value": "120", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Huế", "indicator_id": "rd_staff", "period": "2026-Q1", "value": "900", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Huế", "indicator_id": "rd_staff", "period": "2026-Q1", "value": "950", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Hà Nội", "indicator_id": "rd_people", "period": "2026-Q1", "value": "1", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Cần Thơ", "indicator_id": "rd_staff", "period": "Q1/2026", "value": "1", "status": "reported", "source_id": "derived_here"},
        {"Tỉnh/Thành phố": "Cần Thơ", "indicator_id": "rd_staff", "period": "2026-Q2", "value": "4000", "status": "reported", "source_id": "derived_here"},
    ]  # fmt: skip
    good = [{**rows[-1], "period": f"2026-{month:02d}", "value": str(4000 + month)} for month in range(1, 8)]
    for r in rows + good:
        r["layout"] = "2025"
    before = snapshot(db)
    report = analyse("provinces.csv", tidy_text(rows + good, sep=";").encode(), db)
    assert problems(report) == [
        "provinces.csv, row 2, column 'Tỉnh/Thành phố': Unknown province or region 'Ha Noy' in the 2025 layout. "
        "Closest: Hà Nội (2025), Thanh Hóa (2025), Khánh Hòa (2025).",
        "provinces.csv, row 3, column 'value': '12 nghìn' is not a number",
        "provinces.csv, row 4, column 'value': 120 is outside the valid range of 'g5_population_coverage' (0 to 100)",
        "provinces.csv, row 5, column 'value': conflicts with another row for the same place, indicator, period and status",
        "provinces.csv, row 6, column 'value': conflicts with another row for the same place, indicator, period and status",
        "provinces.csv, row 7, column 'indicator_id': unknown indicator 'rd_people'",
        "provinces.csv, row 8, column 'period': Cannot read the period 'Q1/2026': expected YYYY, YYYY-H1, YYYY-Q1, "
        "YYYY-MM or YYYY-MM-DD.",
    ]
    assert (report.rows_read, report.rows_invalid, len(report.valid)) == (15, 7, 8)
    assert report.refused and not report.can_import() and report.can_import(valid_only=True)
    with pytest.raises(ValueError, match="the file is refused"):
        importers.commit(report, db, user="tester")
    assert_same(before, snapshot(db))
    table = report.problem_table()
    assert list(table.columns) == ["file", "row", "column", "message"] and len(table) == 7

    batch = importers.commit(report, db, user="tester", valid_only=True)  # the user chose: valid rows only
    assert (batch["rows_added"], batch["rows_skipped"]) == (8, 7)
    assert stored(db, indicators=["rd_staff"], statuses=["reported"], date_from="2026-01-01") == sorted(
        [("province", "2025", "92", f"2026-{m:02d}", 4000.0 + m) for m in range(1, 8)]
        + [("province", "2025", "92", "2026-Q2", 4000.0)]
    )


def test_conflicts_with_stored_values_and_values_stored_already(db):
    first = analyse("hn.csv", tidy_text([row(), row(geo_code="79", value="41000")]).encode(), db)
    batch = importers.commit(first, db, user="tester")["batch_id"]
    second = analyse("hn-v2.csv", tidy_text([row(value="30001"), row(geo_code="79", value="41000"),
                                             row(geo_code="04", value="200")]).encode(), db)  # fmt: skip
    assert problems(second) == [
        f"hn-v2.csv, row 2, column 'value': 30001 differs from the stored value 30000 (batch {batch}, file 'hn.csv') "
        "for the same place, indicator, period and status: undo that batch first to replace it"
    ]
    assert (second.rows_stored, second.rows_invalid, len(second.valid)) == (1, 1, 1)
    added = importers.commit(second, db, user="tester", valid_only=True)
    assert (added["rows_added"], added["rows_skipped"]) == (1, 2)
    assert stored(db, indicators=["rd_staff"], statuses=["reported"], date_from="2026-01-01") == [
        ("province", "2025", "01", "2026-Q1", 30000.0), ("province", "2025", "04", "2026-Q1", 200.0),
        ("province", "2025", "79", "2026-Q1", 41000.0),
    ]  # fmt: skip


def test_a_reported_value_and_a_target_for_the_same_place_do_not_conflict(db):
    importers.commit(analyse("a.csv", tidy_text([row()]).encode(), db), db, user="tester")
    report = analyse("b.csv", tidy_text([row(status="target", value="40000")]).encode(), db)
    assert problems(report) == [] and len(report.valid) == 1


def test_identical_rows_in_a_file_are_merged(db):
    report = analyse("twice.csv", tidy_text([row(), row()]).encode(), db)
    assert problems(report) == [] and (len(report.valid), report.rows_repeated) == (1, 1)
    assert importers.commit(report, db, user="tester")["rows_skipped"] == 1


# --- batches: re-import, undo, audit trail -------------------------------------------------------------------
def test_the_same_file_again_is_detected_and_refused(db):
    raw = tidy_text([row(), row(geo_code="79", value="41000")]).encode()
    batch = importers.commit(analyse("hn.csv", raw, db), db, user="ana")
    before = snapshot(db)
    again = analyse("hn (1).csv", raw, db)
    when = pd.Timestamp(batch["created_at"]).strftime("%Y-%m-%d %H:%M")
    message = (f"hn (1).csv: this file was already imported as batch {batch['batch_id']} on {when} by ana: all its values "
               f"are stored already. Undo batch {batch['batch_id']} first to import it again.")  # fmt: skip
    assert problems(again) == [message]
    assert again.rows_stored == 2 and not again.can_import(valid_only=True)
    assert_same(before, snapshot(db))
    db.undo_batch(batch["batch_id"], user="ana")
    third = analyse("hn.csv", raw, db)
    assert third.detected["earlier_import"].startswith(f"imported before as batch {batch['batch_id']} on ")
    assert third.can_import() and len(third.valid) == 2


def test_undo_hides_the_rows_keeps_the_record_and_is_one_transaction(db):
    bundled = len(db.observations())
    batch = importers.commit(analyse("hn.csv", tidy_text([row()]).encode(), db), db, user="ana")["batch_id"]
    assert len(db.observations()) == bundled + 1
    db.undo_batch(batch, user="binh")
    assert len(db.observations()) == bundled
    record = db.batch(batch)
    assert record["undone_by"] == "binh" and record["undone_at"] is not pd.NaT and record["rows_added"] == 1
    assert db._query(f"SELECT COUNT(*) AS n FROM observations WHERE batch_id = {batch}")["n"].iloc[0] == 1  # kept
    audit = db.audit()
    assert audit[["action", "batch_id", "user_name"]].values.tolist()[:2] == [
        ["undo", batch, "binh"],
        ["import", batch, "ana"],
    ]
    assert (
        audit["detail"].iloc[1]
        == "hn.csv (tidy): 1 rows to add; skipped 0 without a value, 0 with problems, 0 repeated, 0 stored already"
    )
    with pytest.raises(ValueError, match=rf"^Batch {batch} was already undone on .* by binh\.$"):
        db.undo_batch(batch, user="binh")
    with pytest.raises(ValueError, match="^Batch 1 is the bundled data: only imports can be undone.$"):
        db.undo_batch(1, user="binh")
    with pytest.raises(ValueError, match="^There is no batch 99.$"):
        db.undo_batch(99)


def test_a_failing_undo_changes_nothing(db, monkeypatch):
    batch = importers.commit(analyse("hn.csv", tidy_text([row()]).encode(), db), db, user="ana")["batch_id"]
    before = snapshot(db)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_audit", broken)
    with pytest.raises(RuntimeError):
        db.undo_batch(batch, user="binh")
    assert_same(before, snapshot(db))


def test_a_failing_import_changes_nothing(db, monkeypatch):
    report = analyse("many.csv", tidy_text([row(geo_code=c) for c in ("01", "04", "08", "11", "12")]).encode(), db)
    before = snapshot(db)
    monkeypatch.setattr(store, "CHUNK_ROWS", 2)
    calls = []

    def fail_late(done, total):
        calls.append(done)
        if done >= 4:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        importers.commit(report, db, user="ana", progress=lambda f: fail_late(round(f * 5), 5))
    assert calls == [2, 4]  # two chunks were inside the transaction
    assert_same(before, snapshot(db))


def test_values_stored_meanwhile_stop_the_whole_import(db):
    report = analyse("late.csv", tidy_text([row(), row(geo_code="79")]).encode(), db)
    importers.commit(analyse("first.csv", tidy_text([row(value="1")]).encode(), db), db, user="other")
    before = snapshot(db)
    with pytest.raises(
        store.StoredConflictError, match="^1 row\\(s\\) differ from values stored since the file was checked"
    ):
        importers.commit(report, db, user="ana")
    assert_same(before, snapshot(db))


def test_commit_needs_a_user(db):
    with pytest.raises(ValueError, match="needs the name of who makes it"):
        importers.commit(analyse("a.csv", GOOD_CSV, db), db, user="")


# --- settings and names ---------------------------------------------------------------------------------------
def test_limits_come_from_the_environment_then_secrets_then_defaults():
    assert Limits.from_settings({}, {}) == Limits(20, 500_000, 200)
    assert Limits.from_settings({"VN57_IMPORT_MAX_MB": "5"}, {"import_max_mb": 7, "import_max_rows": 9}) == Limits(
        5, 9, 200
    )
    with pytest.raises(ValueError, match="The setting VN57_IMPORT_MAX_ROWS .* must be a number. Got 'many'."):
        Limits.from_settings({"VN57_IMPORT_MAX_ROWS": "many"}, {})
    with pytest.raises(ValueError, match="must be positive"):
        Limits.from_settings({}, {"import_max_mb": 0})


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\an\\báo cáo.xlsx", "báo cáo.xlsx"), ("a\x00b\n.csv", "ab.csv"), ("", "upload"),
    ("/", "upload"), ("x" * 300, "x" * 120),
])  # fmt: skip
def test_uploaded_names_are_only_labels(given, kept):
    assert importers.safe_name(given) == kept


def test_the_file_name_is_never_a_path(db, tmp_path):
    report = analyse("../../outside.csv", GOOD_CSV, db)
    importers.commit(report, db, user="ana")
    assert db.batches()["file_name"].iloc[0] == "outside.csv"
    assert not (tmp_path.parent / "outside.csv").exists() and not (tmp_path / "outside.csv").exists()


def test_every_reader_and_layout_is_registered():
    assert set(importers.READERS) == {"text", "xlsx"}
    assert set(importers.LAYOUTS) == {"tidy", "template", "yearbook", "tasks"}


@pytest.mark.parametrize(("text", "label"), [
    ("2024", ("2024", False)), ("Sơ bộ 2024", ("2024", True)), ("Prel. 2024", ("2024", True)), ("Năm 2024 (1)", ("2024", False)),
    ("Quý I/2025", ("2025-Q1", False)), ("Q3 2025", ("2025-Q3", False)), ("2025 Quý IV", ("2025-Q4", False)),
    ("6 tháng đầu năm 2025", ("2025-H1", False)), ("6 tháng cuối năm 2025", ("2025-H2", False)), ("H2 2025", ("2025-H2", False)),
    ("Tháng 11/2025", ("2025-11", False)), ("11/2025", ("2025-11", False)), ("Nov 2025", ("2025-11", False)),
    ("03/11/2025", ("2025-11-03", False)), ("2025-11-03", ("2025-11-03", False)), ("9 tháng 2025", (None, False)),
    ("2024-2025", (None, False)), ("Tổng số", (None, False)), ("13/2025", (None, False)),
])  # fmt: skip
def test_period_headings(text, label):
    from data.importers.periods import period_label

    assert period_label(text) == label


def test_openpyxl_reads_the_workbook_we_write_for_the_xlsx_tests():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": [["a", "=1+1"]]})))
    assert book["s"]["B1"].data_type == "f"
    assert schema.KEY_COLUMNS  # the conflict rule keys on these


def test_a_store_made_before_imports_existed_is_upgraded_in_place(tmp_path):
    """Stores written by the previous version lack rows_skipped, undone_by and the audit table."""
    import duckdb

    path = tmp_path / "old.duckdb"
    fresh_store(tmp_path).close()  # s.duckdb: the bundled data, to copy the rows from
    old = duckdb.connect(str(path))
    old.execute(f"ATTACH '{tmp_path / 's.duckdb'}' AS new (READ_ONLY)")
    old.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    old.execute("INSERT INTO meta SELECT * FROM new.meta")
    old.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")  # what that release recorded
    old.execute("CREATE SEQUENCE batch_seq START 2")
    old.execute("CREATE TABLE batches (batch_id INTEGER PRIMARY KEY, created_at TIMESTAMP, kind VARCHAR, file_name VARCHAR, "
                "sha256 VARCHAR, rows_added INTEGER, user_name VARCHAR, undone_at TIMESTAMP)")  # fmt: skip
    old.execute("INSERT INTO batches SELECT batch_id, created_at, kind, file_name, sha256, rows_added, user_name, undone_at "
                "FROM new.batches")  # fmt: skip
    for table in ("observations", "indicators", "sources", "milestones"):
        old.execute(f"CREATE TABLE {table} AS SELECT * FROM new.{table}")
    old.close()

    db = store.open_store(path)
    first = db.batches().iloc[0]
    assert (first["batch_id"], first["rows_skipped"], pd.isna(first["undone_by"])) == (1, 0, True)
    assert db.audit().empty
    batch = importers.commit(analyse("a.csv", GOOD_CSV, db), db, user="ana")["batch_id"]
    assert batch == 2
    db.undo_batch(batch, user="ana")
    assert db.audit()["action"].tolist() == ["undo", "import"]
    db.close()
