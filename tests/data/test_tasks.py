"""The task register in the store: status words, deadlines, the late rule, importing and undoing task lists."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from data import importers, schema, tasks
from data.importers import Options
from data.store import open_store
from tests.task_fixtures import FIRST_TASK_ROW, ROWS, hand_csv, hand_xlsx


@pytest.fixture()
def store(store_target):
    """A fresh store with the bundled data: DuckDB, then PostgreSQL (tests/conftest.py)."""
    opened = open_store(store_target)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Đã hoàn thành", "done"),
        ("Hoàn thành", "done"),
        ("ĐÃ HOÀN THÀNH", "done"),
        ("Đã hoàn thành; đã ban hành Quyết định số 12/QĐ-UBND", "done"),
        ("Đang thực hiện", "in progress"),
        ("Đang triển khai", "in progress"),
        ("Chưa thực hiện", "not started"),
        ("Chưa triển khai", "not started"),
        ("Chậm tiến độ", "late"),
        ("Quá hạn", "late"),
        ("Đã hủy", "cancelled"),
        ("done", "done"),
        ("in progress", "in progress"),
        ("late", "late"),
        ("cancelled", "cancelled"),
        ("Da hoan thanh", "done"),  # typed without diacritics
    ],
)
def test_each_status_word(word, status):
    assert tasks.status_of_word(word) == status


@pytest.mark.parametrize("word", ["", "xem xét", "50%", "hoàn"])
def test_unknown_status_words(word):
    assert tasks.status_of_word(word) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("30/06/2025", "2025-06-30"),
        ("5/7/2025", "2025-07-05"),
        ("2025-06-30", "2025-06-30"),
        ("2025-06-30 00:00:00", "2025-06-30"),
        ("Quý II/2025", "2025-06-30"),
        ("Quý IV/2025", "2025-12-31"),
        ("quý 3/2025", "2025-09-30"),
        ("2025", "2025-12-31"),
        ("Năm 2026", "2026-12-31"),
        ("Tháng 8/2025", "2025-08-31"),
        ("02/2024", "2024-02-29"),
        ("6 tháng đầu năm 2025", "2025-06-30"),
        ("Trước 30/06/2025", "2025-06-30"),
        ("Thường xuyên", ""),
        ("Hằng năm", ""),
        ("", ""),
    ],
)
def test_each_date_form(text, iso):
    assert tasks.deadline_of(text) == iso


@pytest.mark.parametrize("text", ["sớm", "31/02/2025", "Quý V/2025", "9 tháng 2025"])
def test_unreadable_dates(text):
    assert tasks.deadline_of(text) is None


def test_a_passed_deadline_turns_a_task_late_whatever_the_status_column_says():
    status = pd.Series(["in progress", "not started", "done", "cancelled", "in progress", "in progress", "late"])
    deadline = pd.Series(["2025-09-29", "2025-01-31", "2025-01-31", "2025-01-31", "2025-09-30", "", "2026-01-01"])
    as_of = pd.Series(["2025-09-30"] * 7)
    # passed and open -> late; done and cancelled stay; due on the day is not late; no deadline never
    # passes; a task the file calls late stays late before its deadline (the report says so)
    assert tasks.counted_status(status, deadline, as_of).tolist() == [
        "late",
        "late",
        "done",
        "cancelled",
        "in progress",
        "in progress",
        "late",
    ]


def test_task_id_is_own_code_else_normalised_title():
    assert tasks.task_key("Xây dựng  Trung tâm dữ liệu (giai đoạn 1).") == "xay dung trung tam du lieu giai doan 1"


@pytest.mark.parametrize("raw", [hand_csv(), hand_xlsx()], ids=["csv", "xlsx"])
def test_hand_built_table_is_read_with_title_rows(raw):
    report = importers.analyse("danh-muc.xlsx" if raw[:2] == b"PK" else "danh-muc.csv", raw, Options())
    assert report.importer == "tasks" and not report.fatal and not report.problems
    found = report.tasks
    assert len(found) == 13  # 15 rows less the two headings (I, II)
    assert report.detected["headings"] == "2"
    first = found.iloc[0]
    assert (first[schema.LAYOUT], first[schema.GEO_CODE], first[schema.AS_OF]) == ("2025", "19", "2025-09-30")
    assert first[schema.PROGRAMME] == "CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 15-CTr/TU"
    assert (first[schema.PROGRAMME_NUMBER], first[schema.PROGRAMME_DATE]) == ("15-CTr/TU", "2025-03-10")
    assert found[schema.DEADLINE].tolist() == [
        "2025-06-30",
        "2025-12-31",
        "2025-06-30",
        "2025-12-31",
        "2025-12-31",
        "2025-08-31",
        "2025-10-15",
        "2025-07-31",
        "2026-12-31",
        "2025-10-20",
        "",
        "2026-06-30",
        "2025-09-30",
    ]
    assert found[schema.DEADLINE_TEXT].iloc[1] == "Quý IV/2025"
    assert found[schema.TASK_STATUS].value_counts().to_dict() == {
        "done": 6,
        "late": 3,
        "in progress": 2,
        "not started": 1,
        "cancelled": 1,
    }
    # STT 3 says "Đang thực hiện" but its deadline (Quý II/2025) passed: late, and the report says so
    third = found.iloc[2]
    assert (third[schema.STATUS_IN_FILE], third[schema.TASK_STATUS]) == ("in progress", "late")
    assert "(rows 8)" in report.detected["late_by_deadline"]
    assert set(found[schema.STATUS]) == {"reported"}
    assert found[schema.NOTE].iloc[7] == "chờ ý kiến Bộ"


def test_every_problem_has_its_row_and_column_in_the_pages_language():
    rows = [list(r) for r in ROWS]
    rows[1][4] = "Gần xong"  # STT 1: unknown status word (file row 6)
    rows[2][3] = "sớm"  # STT 2: unreadable deadline (file row 7)
    rows[4][1] = ""  # STT 4: no title (row 9)
    rows[5][4] = ""  # STT 5: empty status (row 10)
    report = importers.analyse("ds.csv", hand_csv(rows=rows), Options(lang="vi"))
    where = [(p.row, p.column) for p in report.problems]
    assert where == [(6, "Tình trạng"), (7, "Thời hạn hoàn thành"), (9, "Nội dung nhiệm vụ"), (10, "Tình trạng")]
    assert report.problems[0].message.startswith("'Gần xong' không phải là một tình trạng")
    assert report.problems[1].message.startswith("'sớm' không phải là ngày")
    assert report.problems[2].message == "nhiệm vụ không có tên."
    english = importers.analyse("ds.xlsx", hand_xlsx_with(rows), Options(lang="en"))
    assert [(p.row, p.column) for p in english.problems][0] == (6, "Tình trạng (E)")
    assert english.problems[0].message.startswith("'Gần xong' is not a status")
    assert len(report.tasks) == 9 and report.rows_invalid == 4
    assert not report.can_import() and report.can_import(valid_only=True)


def hand_xlsx_with(rows):
    from tests.import_fixtures import xlsx_bytes
    from tests.task_fixtures import hand_rows

    return xlsx_bytes({"Sheet1": hand_rows(rows=rows)})


def test_a_repeated_task_is_a_problem():
    rows = [list(r) for r in ROWS] + [["14", ROWS[1][1], "Sở Nội vụ", "2025", "Đã hoàn thành", ""]]
    report = importers.analyse("ds.csv", hand_csv(rows=rows), Options())
    assert [(p.row, p.column) for p in report.problems] == [
        (FIRST_TASK_ROW + 14, "Nội dung nhiệm vụ")
    ]  # 15 rows from row 5: the new one is row 20
    assert "listed twice" in report.problems[0].message and "row 6" in report.problems[0].message


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_without_title_rows_the_page_must_say_province_programme_and_date(lang):
    report = importers.analyse("ds.csv", hand_csv(title=[]), Options(lang=lang))
    assert report.fatal and {p.column for p in report.fatal} == {"province", "programme", "as_of"}
    expected = "the reporting date is not given" if lang == "en" else "chưa rõ ngày số liệu"
    assert any(p.message.startswith(expected) for p in report.fatal)
    given = importers.analyse(
        "ds.csv", hand_csv(title=[]), Options(province="Gia Lai", programme="Kế hoạch 57", as_of="30/09/2026")
    )
    assert not given.fatal and not given.problems
    assert given.tasks[[schema.LAYOUT, schema.GEO_CODE, schema.AS_OF]].drop_duplicates().values.tolist() == [
        ["2025", "52", "2026-09-30"]
    ]


def test_a_predecessor_province_keeps_its_own_layout():
    """Bình Định's programme reported before 1 July 2025 is Bình Định's (2008 layout, code 52), not Gia Lai's."""
    title = ["UBND TỈNH BÌNH ĐỊNH", "CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 32-CTr/TU", "Số liệu đến ngày 30/04/2025"]
    report = importers.analyse("bd.csv", hand_csv(title=title), Options())
    assert not report.fatal, report.fatal
    assert report.tasks[[schema.LAYOUT, schema.GEO_CODE]].drop_duplicates().values.tolist() == [["2008", "52"]]


def test_import_and_undo_of_a_task_list_is_one_batch(store):
    before = len(store.batches())
    report = importers.analyse("ds.csv", hand_csv(), Options(), store=store)
    batch = importers.commit(report, store, user="ana@example.org")
    assert (batch["kind"], batch["rows_added"], batch["file_name"]) == ("import", 13, "ds.csv")
    assert len(store.batches()) == before + 1
    stored = tasks.read_tasks(store, statuses=["reported"])
    assert len(stored) == 13 and set(stored[schema.BATCH_ID]) == {batch[schema.BATCH_ID]}
    assert store.audit().iloc[0]["detail"].startswith("ds.csv (tasks): 13 tasks to add")
    # the same snapshot again is refused while stored, naming the batch
    again = importers.analyse("ds2.csv", hand_csv(), Options(), store=store)
    assert again.fatal and f"batch {batch[schema.BATCH_ID]}" in again.fatal[0].message
    store.undo_batch(batch[schema.BATCH_ID], user="ana@example.org")
    assert tasks.read_tasks(store, statuses=["reported"]).empty
    assert store.audit().iloc[0]["action"] == "undo"
    # once undone, it can be imported again
    assert importers.analyse("ds.csv", hand_csv(), Options(), store=store).can_import()


def test_a_failed_write_leaves_nothing(store, monkeypatch):
    report = importers.analyse("ds.csv", hand_csv(), Options(), store=store)
    before = len(store.batches())

    def broken(cur, rows, batch_id):
        cur.execute("INSERT INTO tasks (task_id, batch_id) VALUES ('half', ?)", [batch_id])
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "insert", broken)
    with pytest.raises(RuntimeError):
        importers.commit(report, store, user="ana")
    assert len(store.batches()) == before
    assert store._query("SELECT count(*) AS n FROM tasks WHERE task_id = 'half'")["n"].iloc[0] == 0


def test_the_template_has_a_tasks_sheet_with_drop_downs_and_imports_it(store):
    raw = importers.template_bytes("2025")
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book["tasks"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == [
        "province",
        "programme",
        "programme_number",
        "programme_date",
        "as_of",
        "task_id",
        "task_title",
    ]
    rules = {str(r.sqref).split(":")[0]: r.formula1 for r in sheet.data_validations.dataValidation}
    assert rules["H2"].startswith("=lists!$J$3") and rules["K2"].startswith("=lists!$K$3")  # pillar, status
    assert book["lists"]["K3"].value == "Đã hoàn thành"
    values = [
        [
            "Thái Nguyên",
            "Kế hoạch 57",
            "",
            "",
            "03/11/2025",
            "KH-01",
            "Cổng dữ liệu mở",
            "Chính quyền số và an ninh không gian số",
            "Sở Khoa học và Công nghệ",
            "Quý III/2025",
            "Đang thực hiện",
            "",
            "",
        ],
        [
            "Thái Nguyên",
            "Kế hoạch 57",
            "",
            "",
            "03/11/2025",
            "KH-02",
            "Trung tâm dữ liệu",
            "infrastructure",
            "Sở Tài chính",
            "31/12/2025",
            "Đã hoàn thành",
            "01/10/2025",
            "",
        ],
    ]
    for r, row in enumerate(values, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    report = importers.analyse("mau.xlsx", buffer.getvalue(), Options(), store=store)
    assert report.importer == "tasks" and not report.fatal and not report.problems, (report.fatal, report.problems)
    got = report.tasks.set_index(schema.TASK_ID)
    assert got.loc["KH-01", schema.PILLAR] == "digital_government" and got.loc["KH-01", schema.TASK_STATUS] == "late"
    assert got.loc["KH-02", schema.COMPLETED_ON] == "2025-10-01" and got.loc["KH-02", schema.PILLAR] == "infrastructure"
    assert importers.commit(report, store, user="ana")["rows_added"] == 2


def test_an_unknown_pillar_names_the_allowed_ones():
    raw = hand_csv(rows=[["1", "Cổng dữ liệu", "Sở Tài chính", "2025", "Đã hoàn thành", ""]])
    text = raw.decode().replace("Ghi chú", "Lĩnh vực").replace('"Đã hoàn thành",""', '"Đã hoàn thành","vũ trụ"')
    report = importers.analyse("ds.csv", text.encode(), Options())
    assert report.problems[0].column == "Lĩnh vực"
    assert (
        "'vũ trụ' is not a pillar" in report.problems[0].message and "digital_government" in report.problems[0].message
    )


def test_a_store_made_before_the_task_register_keeps_its_rows(tmp_path):
    """A store at the step before the tasks table gets it on open, and keeps its imports."""
    import datetime as dt

    import duckdb

    from data import store as store_module

    step = next(i for i, (_, text, _) in enumerate(store_module.MIGRATIONS) if text.startswith("task register"))
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    store_module.migrate(con, store_module.MIGRATIONS[:step])
    assert "tasks" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    con.execute(
        "INSERT INTO batches (batch_id, created_at, kind, file_name, sha256, rows_added, user_name, undone_at, "
        "rows_skipped, undone_by) VALUES (900, ?, 'import', 'hn.csv', 'abc', 1, 'ana', NULL, 0, NULL)",
        [dt.datetime(2026, 11, 1)],
    )
    values = {
        schema.GEO_LEVEL: "province",
        schema.LAYOUT: "2025",
        schema.GEO_CODE: "01",
        schema.INDICATOR: "rd_staff",
        schema.PERIOD: "2026-Q1",
        schema.GRANULARITY: "quarter",
        schema.DATE: "2026-03-31",
        schema.VALUE: 30000.0,
        schema.STATUS: "reported",
        schema.SOURCE_ID: "derived_here",
        schema.NOTE: "imported before the tasks",
    }
    columns = [c for c in schema.OBSERVATION_COLUMNS if c != schema.NOTE_VI]  # note_vi: a later step
    con.execute(
        f"INSERT INTO observations ({', '.join(columns)}, batch_id) VALUES ({', '.join('?' * len(columns))}, 900)",
        [values.get(c, "") for c in columns],
    )
    con.close()
    reopened = open_store(path)
    assert reopened.meta("schema_version") == store_module.SCHEMA_VERSION
    kept = reopened.observations(
        indicators=["rd_staff"], geo_codes=["01"], statuses=["reported"], date_from="2026-01-01"
    )
    assert kept[schema.BATCH_ID].tolist() == [900] and kept[schema.VALUE].tolist() == [30000.0]
    assert tasks.read_tasks(reopened, statuses=["reported"]).empty  # the table exists, with no imported task
    report = importers.analyse("ds.csv", hand_csv(), Options(), store=reopened)
    assert importers.commit(report, reopened, user="ana")["rows_added"] == 13
    reopened.close()


def test_demonstration_lists_are_synthetic_seeded_and_agree_with_thai_nguyens_report(store):
    from analysis import tasks as analysis
    from scripts import make_tasks

    committed = tasks.bundled_tasks()
    pd.testing.assert_frame_equal(committed, make_tasks.demo_tasks().astype(str), check_dtype=False)
    assert set(committed[schema.STATUS]) == {"synthetic"} and set(committed[schema.SOURCE_ID]) == {"synthetic_demo"}
    assert set(committed[schema.LAYOUT]) == {"2025"} and committed[schema.GEO_CODE].nunique() >= 3
    counts = analysis.counts(committed).set_index([schema.GEO_CODE, schema.AS_OF])
    thai_nguyen = counts.loc[("19", "2025-11-03")]
    # the report of 2025-11-03: 156 tasks, 83 done, 72 in progress, 1 late
    assert [thai_nguyen[c] for c in ("total", "done", "in progress", "not started", "late")] == [156, 83, 72, 0, 1]
    # in the store: under the bundled batch, shown only with synthetic values
    assert tasks.read_tasks(store, statuses=["reported"]).empty
    stored = tasks.read_tasks(store, statuses=["synthetic"])
    assert len(stored) == len(committed)
    bundled = store.batches().set_index(schema.BATCH_ID)["kind"]
    assert set(bundled[sorted(set(stored[schema.BATCH_ID]))]) == {"bundled"}


def test_the_command_line_function_takes_province_programme_and_date(store, tmp_path):
    from data.importers.tasks import import_task_list

    path = tmp_path / "ds.csv"
    path.write_bytes(hand_csv(title=[]))
    report, batch = import_task_list(path, store, user="cli", lang="vi")
    assert batch is None and {p.column for p in report.fatal} == {"province", "programme", "as_of"}
    report, batch = import_task_list(
        path, store, user="cli", province="Thái Nguyên", programme="Kế hoạch 57", as_of="30/09/2025"
    )
    assert batch["rows_added"] == 13 and tasks.read_tasks(store, statuses=["reported"])[
        schema.AS_OF
    ].unique().tolist() == ["2025-09-30"]
