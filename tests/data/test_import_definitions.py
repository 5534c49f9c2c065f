"""Own indicators and sources through the import: the template's sheets, side files, clashes, undo, migration."""

from __future__ import annotations

import functools
import io

import duckdb
import openpyxl
import pytest

from data import definitions, importers, schema, store
from data.importers.template import COLUMNS
from tests.import_fixtures import assert_same, snapshot

NEW_INDICATOR = {
    "indicator_id": "kiosk_share", "name_vi": "Tỷ lệ xã có ki-ốt dịch vụ công số", "name_en": "Communes with a digital public-service kiosk",
    "unit_vi": "phần trăm số xã", "unit": "percent of communes", "pillar": "digital_government", "direction": "higher",
    "aggregation": "none", "min": "0", "max": "100", "decimals": "1",
    "description_vi": "Số xã có ki-ốt trên tổng số xã, theo báo cáo của tỉnh.",
    "description": "Communes with a kiosk over all communes, as the province reports.",
}  # fmt: skip
NEW_SOURCE = {
    "source_id": "laocai_report_2026_q1", "producer": "UBND tỉnh Lào Cai", "title": "Báo cáo chuyển đổi số quý I/2026",
    "url": "https://laocai.gov.vn/bao-cao-q1-2026", "date_published": "2026-04-05", "licence": "© UBND tỉnh Lào Cai",
}  # fmt: skip
DATA = [
    {"province": "Lào Cai", "indicator_id": "kiosk_share", "period": "2026-Q1", "value": 42.5, "status": "reported",
     "source_id": "laocai_report_2026_q1"},
    {"province": "Hà Nội", "indicator_id": "kiosk_share", "period": "2026-Q1", "value": 88, "status": "reported",
     "source_id": "laocai_report_2026_q1"},
]  # fmt: skip


@functools.lru_cache(maxsize=2)
def _template(layout: str) -> bytes:
    return importers.template_bytes(layout)


def filled_template(data=DATA, indicators=(NEW_INDICATOR,), sources=(NEW_SOURCE,), layout="2025") -> bytes:
    """The reporting template filled in code, as a province would fill it in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(_template(layout)))
    for r, values in enumerate(data, start=2):
        for c, name in enumerate(COLUMNS, start=1):
            if name in values:
                book["data"].cell(row=r, column=c, value=values[name])
    for sheet, fields, rows in (("indicators", definitions.INDICATOR_FIELDS, indicators),
                                ("sources", definitions.SOURCE_FIELDS, sources)):  # fmt: skip
        for r, values in enumerate(rows, start=2):
            for c, name in enumerate(fields, start=1):
                if name in values:
                    book[sheet].cell(row=r, column=c, value=values[name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture()
def db(store_target):
    """A fresh store with the bundled data: DuckDB, then PostgreSQL (one suite for both back ends)."""
    handle = store.open_store(store_target)
    yield handle
    handle.close()


def problems(report) -> list[str]:
    return [str(p) for p in [*report.fatal, *report.problems]]


def test_a_template_with_a_new_indicator_and_source_round_trips_and_is_undone_with_its_batch(db):
    report = importers.analyse("laocai-q1.xlsx", filled_template(), store=db)
    assert problems(report) == []
    assert report.detected["definitions"] == "1 new indicator(s), 1 new source(s): kiosk_share, laocai_report_2026_q1"
    batch = importers.commit(report, db, user="tỉnh Lào Cai")
    assert batch["rows_added"] == 2

    ind = db.indicators().set_index(schema.INDICATOR).loc["kiosk_share"]
    assert (ind["name_vi"], ind["unit"], ind["pillar"], ind["aggregation"], ind["max"], ind["decimals"]) == (
        "Tỷ lệ xã có ki-ốt dịch vụ công số",
        "percent of communes",
        "digital_government",
        "none",
        100.0,
        1,
    )
    src = db.sources().set_index(schema.SOURCE_ID).loc["laocai_report_2026_q1"]
    assert src["citation"] == ("UBND tỉnh Lào Cai, “Báo cáo chuyển đổi số quý I/2026”, 2026-04-05. "
                               "https://laocai.gov.vn/bao-cao-q1-2026")  # fmt: skip
    rows = db.observations(indicators=["kiosk_share"])
    assert sorted(zip(rows["geo_code"], rows["value"], rows["unit"])) == [
        ("01", 88.0, "percent of communes"),
        ("15", 42.5, "percent of communes"),
    ]
    assert len(db.indicators()) == len(db._payload("indicators")) + 1  # bundled ones all kept

    db.undo_batch(int(batch["batch_id"]), user="tester")
    assert "kiosk_share" not in set(db.indicators()[schema.INDICATOR])
    assert "laocai_report_2026_q1" not in set(db.sources()[schema.SOURCE_ID])
    assert db.observations(indicators=["kiosk_share"]).empty


def test_values_of_an_own_indicator_are_checked_against_its_own_range(db):
    data = [{**DATA[0], "value": 142.5}]
    report = importers.analyse("laocai.xlsx", filled_template(data=data), store=db)
    assert problems(report) == [
        "laocai.xlsx, row 2, column 'value': 142.5 is outside the valid range of 'kiosk_share' (0 to 100)"
    ]


def test_a_clash_with_a_bundled_indicator_is_refused_naming_both_definitions(db):
    clash = {**NEW_INDICATOR, "indicator_id": "rd_staff", "name_en": "Our R&D staff", "unit": "people"}
    before = snapshot(db)
    report = importers.analyse("clash.xlsx", filled_template(data=[{**DATA[0], "indicator_id": "rd_staff"}],
                                                              indicators=[clash]), store=db)  # fmt: skip
    assert problems(report) == [
        "clash.xlsx, sheet 'indicators', row 2, column 'indicator_id': indicator 'rd_staff' is a bundled indicator "
        "(data/catalogue.toml: “R&D staff”, persons); this file defines it again as “Our R&D staff”, people: an import "
        "cannot redefine a bundled indicator, give yours another id"
    ]
    assert not report.can_import(valid_only=True)
    with pytest.raises(ValueError):
        importers.commit(report, db, user="tester", valid_only=True)
    assert_same(before, snapshot(db))


def test_a_clash_with_a_bundled_source_is_refused_naming_both(db):
    clash = {**NEW_SOURCE, "source_id": "derived_here"}
    report = importers.analyse("clash.xlsx", filled_template(sources=[clash]), store=db)
    assert len(report.fatal) == 1
    message = str(report.fatal[0])
    assert message.startswith(
        "clash.xlsx, sheet 'sources', row 2, column 'source_id': source 'derived_here' is a bundled source"
    )
    assert "this file defines it again as “Báo cáo chuyển đổi số quý I/2026”, UBND tỉnh Lào Cai" in message


def test_every_definition_problem_is_named_by_file_sheet_row_and_column(db):
    bad = {**NEW_INDICATOR, "pillar": "space", "min": "50", "max": "10", "decimals": "many"}
    no_name = {**NEW_INDICATOR, "indicator_id": "Bad Id", "name_vi": ""}
    source = {**NEW_SOURCE, "url": "javascript:alert(1)", "date_published": "5/4/2026"}
    report = importers.analyse("defs.xlsx", filled_template(indicators=[bad, no_name], sources=[source]), store=db)
    assert [(p.sheet, p.row, p.column) for p in report.fatal] == [
        ("indicators", 2, "pillar"), ("indicators", 2, "max"), ("indicators", 2, "decimals"),
        ("indicators", 3, "name_vi"), ("indicators", 3, "indicator_id"),
        ("sources", 2, "url"), ("sources", 2, "date_published"),
    ]  # fmt: skip
    assert report.fatal[1].text("en") == "the minimum 50 is above the maximum 10"
    assert report.fatal[1].full("vi") == ("defs.xlsx, trang 'indicators', dòng 2, cột 'max': giá trị nhỏ nhất 50 lớn hơn "
                                          "giá trị lớn nhất 10")  # fmt: skip


def test_a_tidy_csv_with_side_files_of_indicators_and_sources(db):
    data = ("province,indicator_id,period,value,status,source_id\n"
            "Lào Cai,kiosk_share,2026-Q1,42.5,reported,laocai_report_2026_q1\n").encode()  # fmt: skip
    inds = (",".join(NEW_INDICATOR) + "\n" + ",".join(NEW_INDICATOR.values()) + "\n").encode()
    srcs = (",".join(NEW_SOURCE) + "\n" + ",".join(NEW_SOURCE.values()) + "\n").encode()
    report = importers.analyse("laocai.csv", data, store=db, side_files=[("chi-tieu.csv", inds), ("nguon.csv", srcs)])
    assert problems(report) == [] and len(report.valid) == 1
    assert list(report.definitions.indicators[schema.INDICATOR]) == ["kiosk_share"]
    importers.commit(report, db, user="tester")
    assert "kiosk_share" in set(db.indicators()[schema.INDICATOR])


def test_a_workbook_with_indicators_and_sources_sheets_beside_a_tidy_sheet(db):
    from tests.import_fixtures import xlsx_bytes

    raw = xlsx_bytes({
        "data": [["province", "indicator_id", "period", "value", "status", "source_id"],
                 ["Lào Cai", "kiosk_share", "2026-Q1", 42.5, "reported", "laocai_report_2026_q1"]],
        "indicators": [list(NEW_INDICATOR), list(NEW_INDICATOR.values())],
        "sources": [list(NEW_SOURCE), list(NEW_SOURCE.values())],
    })  # fmt: skip
    report = importers.analyse("tidy.xlsx", raw, store=db)
    assert problems(report) == [] and report.importer == "tidy"
    assert list(report.definitions.sources[schema.SOURCE_ID]) == ["laocai_report_2026_q1"]


def test_an_earlier_imported_definition_may_repeat_but_not_change(db):
    first = importers.commit(importers.analyse("a.xlsx", filled_template(), store=db), db, user="tester")
    again = importers.analyse("b.xlsx", filled_template(data=[{**DATA[0], "period": "2026-Q2"}]), store=db)
    assert problems(again) == [] and again.definitions.empty  # the same definitions: stored already
    changed = importers.analyse("c.xlsx", filled_template(data=[{**DATA[0], "period": "2026-Q3"}],
                                                           indicators=[{**NEW_INDICATOR, "unit": "communes"}]), store=db)  # fmt: skip
    assert [p.text() for p in changed.fatal] == [
        f"indicator 'kiosk_share' was defined by batch {first['batch_id']} as “Communes with a digital public-service "
        f"kiosk”, percent of communes; this file defines it as “Communes with a digital public-service kiosk”, communes: "
        f"undo batch {first['batch_id']} first, or give yours another id"
    ]


def test_undoing_the_batch_that_defines_an_indicator_still_in_use_is_refused(db):
    first = importers.commit(importers.analyse("a.xlsx", filled_template(), store=db), db, user="tester")
    second = importers.commit(importers.analyse("b.xlsx", filled_template(data=[{**DATA[0], "period": "2026-Q2"}],
                                                                          indicators=[], sources=[]), store=db),
                              db, user="tester")  # fmt: skip
    with pytest.raises(store.UndoRefused) as refused:
        db.undo_batch(int(first["batch_id"]), user="tester")
    assert refused.value.text("en") == (f"Batch {first['batch_id']} defines kiosk_share, laocai_report_2026_q1, which "
                                        f"batch(es) {second['batch_id']} still use: undo those first.")  # fmt: skip
    db.undo_batch(int(second["batch_id"]), user="tester")
    db.undo_batch(int(first["batch_id"]), user="tester")
    assert "kiosk_share" not in set(db.indicators()[schema.INDICATOR])


def test_a_store_made_before_the_definitions_step_keeps_its_imports(tmp_path):
    """A store at schema version 5 (the release before) with an import; opening it now applies step 6 and later ones.

    The old store is written with SQL on the columns it had then (today's writer knows later columns).
    """
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    store.migrate(con, [step for step in store.MIGRATIONS if step[0] <= 5])
    report = importers.analyse("hn.csv", b"province,indicator_id,period,value,status,source_id\n"
                               b"H\xc3\xa0 N\xe1\xbb\x99i,rd_staff,2026-Q1,30000,reported,derived_here\n")  # fmt: skip
    batch = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
    con.execute(
        "INSERT INTO batches (batch_id, created_at, kind, file_name, sha256, rows_added, user_name, rows_skipped) "
        "VALUES (?, now(), ?, 'hn.csv', 'abc', 1, 'ana', 0)",
        [batch, store.KIND_IMPORT],
    )
    old_columns = [row[0] for row in con.execute("DESCRIBE observations").fetchall()]
    rows = report.valid.assign(batch_id=batch)
    columns = ", ".join(c for c in old_columns if c in rows.columns)
    con.register("imported", rows)
    con.execute(f"INSERT INTO observations ({columns}) SELECT {columns} FROM imported")
    assert store.schema_version(con) == 5
    con.close()

    reopened = store.open_store(path)
    assert reopened.meta("schema_version") == store.SCHEMA_VERSION == str(store.MIGRATIONS[-1][0])
    kept = reopened.observations(
        indicators=["rd_staff"], geo_codes=["01"], statuses=["reported"], date_from="2026-01-01"
    )
    assert kept[["period", "value"]].values.tolist() == [["2026-Q1", 30000.0]]
    assert reopened.imported_indicators().empty
    importers.commit(importers.analyse("laocai.xlsx", filled_template(), store=reopened), reopened, user="ana")
    assert "kiosk_share" in set(reopened.indicators()[schema.INDICATOR])
    reopened.close()
