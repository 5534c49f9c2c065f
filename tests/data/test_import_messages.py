"""Every class of import message in Vietnamese and English, from the catalogue the data layer uses.

Classes: file-level refusals, row problems (validation and place names), the layout's uncertainty, notes of the
report, the file's own definitions, undo refusals, and store write errors (disk full, lock) that leave the store
unchanged.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import duckdb
import pytest

from data import importers, store
from data.importers import Options
from data.messages import Message
from tests.import_fixtures import assert_same, fresh_store, row, snapshot, tidy_text

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "i18n" / "translations" / "importers.toml"


@pytest.fixture()
def db(tmp_path):
    handle = fresh_store(tmp_path)
    yield handle
    handle.close()


def test_every_key_is_in_both_languages_and_every_key_the_code_uses_exists():
    tables = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert set(tables["en"]) == set(tables["vi"])
    used = set()
    for path in [*ROOT.joinpath("data").rglob("*.py"), ROOT / "cli.py"]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'Message\.of\(\s*"([a-z0-9_]+)"', text))
        used |= set(re.findall(r'\bt\("([a-z0-9_]+)", (?:args\.)?lang', text))
    import i18n

    # keys of other catalogues (the export's headers, the nation's name) live in their own files
    assert used - set(tables["en"]) - set(i18n.translations()["en"]) == set()
    fields = re.compile(r"\{(\w+)")
    for key in tables["en"]:  # the same fields in both languages
        assert set(fields.findall(tables["en"][key])) == set(fields.findall(tables["vi"][key])), key


def test_a_file_level_refusal_in_both_languages(db):
    report = importers.analyse("ảnh.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(40), store=db)
    (problem,) = report.fatal
    assert problem.full("en") == "ảnh.xlsx: this is not a table (CSV or XLSX): it looks like a PNG image."
    assert problem.full("vi") == "ảnh.xlsx: đây không phải bảng số liệu (CSV hoặc XLSX): tệp có vẻ là ảnh PNG."


def test_row_problems_in_both_languages(db):
    text = tidy_text([
        {"Tỉnh/Thành phố": "Ha Noy", "indicator_id": "rd_staff", "period": "2026-Q1", "value": "1", "status": "reported",
         "source_id": "derived_here", "layout": "2025"},
        {"Tỉnh/Thành phố": "Huế", "indicator_id": "g5_population_coverage", "period": "2026-Q1", "value": "120",
         "status": "reported", "source_id": "derived_here", "layout": "2025"},
        {"Tỉnh/Thành phố": "Huế", "indicator_id": "rd_staff", "period": "Q1/2026", "value": "abc",
         "status": "reported", "source_id": "nowhere", "layout": "2025"},
        {"Tỉnh/Thành phố": "Cần Thơ", "indicator_id": "rd_staff", "period": "2026-Q1", "value": "5",
         "status": "reported", "source_id": "derived_here", "layout": "2025"},
        {"Tỉnh/Thành phố": "Cần Thơ", "indicator_id": "rd_staff", "period": "2026-Q2", "value": "5",
         "status": "reported", "source_id": "derived_here", "layout": "2025"},
        {"Tỉnh/Thành phố": "Cần Thơ", "indicator_id": "rd_staff", "period": "2026-Q3", "value": "5",
         "status": "reported", "source_id": "derived_here", "layout": "2025"},
    ], sep=";")  # fmt: skip
    report = importers.analyse("tinh.csv", text.encode(), store=db)
    assert [p.full("vi") for p in report.problems] == [
        "tinh.csv, dòng 2, cột 'Tỉnh/Thành phố': Không có tỉnh hoặc vùng 'Ha Noy' trong danh mục 2025. "
        "Gần nhất: Hà Nội (2025), Thanh Hóa (2025), Khánh Hòa (2025).",
        "tinh.csv, dòng 3, cột 'value': 120 nằm ngoài khoảng hợp lệ của 'g5_population_coverage' (0 đến 100)",
        "tinh.csv, dòng 4, cột 'period': Không đọc được kỳ 'Q1/2026': cần dạng YYYY, YYYY-H1, YYYY-Q1, YYYY-MM hoặc YYYY-MM-DD.",
        "tinh.csv, dòng 4, cột 'source_id': không có nguồn 'nowhere'",
        "tinh.csv, dòng 4, cột 'value': 'abc' không phải là số",
    ]
    assert (
        report.problems[0].full("en").startswith("tinh.csv, row 2, column 'Tỉnh/Thành phố': Unknown province or region")
    )


def test_a_conflict_and_a_stored_value_in_vietnamese(db):
    importers.commit(importers.analyse("a.csv", tidy_text([row()]).encode(), store=db), db, user="tester")
    report = importers.analyse("b.csv", tidy_text([row(value="30001"), row(geo_code="79", value="1"),
                                                  row(geo_code="79", value="2")]).encode(), store=db)  # fmt: skip
    texts = [p.text("vi") for p in report.problems]
    assert texts[0].startswith("30001 khác với giá trị đã lưu 30000 (lô ")
    assert texts[1:] == ["mâu thuẫn với một dòng khác có cùng địa phương, chỉ tiêu, kỳ và trạng thái"] * 2


def test_the_uncertain_layout_and_the_mostly_invalid_refusal_in_vietnamese(db):
    weak = tidy_text(
        [row()], header=["geo_level", "layout", "geo_code", "indicator_id", "value", "status", "source_id"]
    )
    report = importers.analyse("weak.csv", weak.encode(), store=db)
    assert report.fatal[0].text("vi").startswith("chưa chắc chắn về dạng bảng (độ tin cậy ")
    bad = importers.analyse("bad.csv", tidy_text([row(value="x"), row(value="y", geo_code="79"), row(geo_code="04")]).encode(),
                            store=db)  # fmt: skip
    assert (
        bad.mostly_invalid_problem()
        .text("vi")
        .startswith("không cho phép chỉ nhập các dòng hợp lệ: 2 trên 3 dòng có lỗi")
    )


def test_notes_of_the_report_in_both_languages(db):
    report = importers.analyse("bao-cao.xlsx", tidy_text([row()]).encode(), store=db)
    note = report.detected["format_note"]
    assert note == "the name ends in .xlsx but the content is delimited text (CSV): read by its content"
    assert note.text("vi") == "tên tệp có đuôi .xlsx nhưng nội dung là văn bản phân cách (CSV): đọc theo nội dung"


def test_undo_refusals_in_both_languages(db):
    with pytest.raises(store.UndoRefused) as refused:
        db.undo_batch(999, user="tester")
    assert (refused.value.text("en"), refused.value.text("vi")) == ("There is no batch 999.", "Không có lô 999.")


@pytest.mark.parametrize(("error", "hint_en", "hint_vi"), [
    ("IO Error: No space left on device", "The disk is full", "Ổ đĩa đã đầy"),
    ('IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held', "Another program holds the store open",
     "Một chương trình khác đang mở kho dữ liệu"),
])  # fmt: skip
def test_a_database_error_on_write_is_a_clear_message_and_the_store_is_unchanged(
    db, monkeypatch, error, hint_en, hint_vi
):
    report = importers.analyse("hn.csv", tidy_text([row(), row(geo_code="79")]).encode(), store=db)
    before = snapshot(db)

    def broken(*args, **kwargs):
        raise duckdb.IOException(error)

    monkeypatch.setattr(store, "_audit", broken)  # fails after the rows went in, inside the transaction
    with pytest.raises(store.StoreWriteError) as failed:
        importers.commit(report, db, user="tester")
    assert failed.value.text("en").startswith(
        f"the store could not be written ({error}); nothing was changed. {hint_en}"
    )
    assert failed.value.text("vi").startswith(
        f"không ghi được vào kho dữ liệu ({error}); không có gì thay đổi. {hint_vi}"
    )
    assert_same(before, snapshot(db))


def test_a_message_is_its_english_text_and_survives_pickling():
    import pickle

    message = Message.of("imp_sheet_empty", name="data")
    assert message == "the sheet 'data' is empty." and isinstance(message, str)
    assert pickle.loads(pickle.dumps(message)).text("vi") == "trang 'data' trống."


def test_reading_options_messages_in_vietnamese(db):
    report = importers.analyse("x.csv", tidy_text([row()]).encode(), Options(importer="nope"), store=db)
    assert (
        report.fatal[0].text("vi")
        == "không có dạng bảng 'nope'; các dạng bảng là " + ", ".join(importers.LAYOUTS) + "."
    )
