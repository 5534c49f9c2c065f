"""Renamed tasks: a new task unless the user maps it (a ``renamed from`` column, or OLD=NEW pairs with the import).

Two snapshots of tests/task_fixtures.py's hand-built list (Thái Nguyên): on 30/09/2025 as it is, and on
03/11/2025 with STT 2 "Xây dựng Trung tâm dữ liệu tỉnh" renamed "Xây dựng và vận hành Trung tâm dữ liệu
tỉnh" (still in progress, deadline Quý IV/2025). By hand: the list has 13 tasks a snapshot; without a
mapping the two snapshots hold 14 distinct tasks (the old title only on 30/09, the new one only on
03/11); with the mapping 13, and the renamed task's history is in progress on both dates.
"""

from __future__ import annotations

import duckdb
import pytest

from analysis import tasks as analysis
from data import importers, schema, store
from data import tasks as register
from data.importers import Options
from tests.import_fixtures import fresh_store
from tests.task_fixtures import HEADER, ROWS, hand_csv

OLD_TITLE, NEW_TITLE = "Xây dựng Trung tâm dữ liệu tỉnh", "Xây dựng và vận hành Trung tâm dữ liệu tỉnh"
OLD_ID, NEW_ID = register.task_key(OLD_TITLE), register.task_key(NEW_TITLE)
LATER = "03/11/2025"


def _renamed_rows(renamed_from: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the later list: STT 2 under its new title, and (optionally) a "Tên cũ" column."""
    rows = [list(r) for r in ROWS]
    assert rows[2][1] == OLD_TITLE
    rows[2][1] = NEW_TITLE
    if renamed_from is None:
        return HEADER, rows
    return [*HEADER, "Tên cũ"], [r + ([renamed_from] if r is rows[2] else [""]) for r in rows]


def _later_csv(renamed_from: str | None = None) -> bytes:
    header, rows = _renamed_rows(renamed_from)
    lines = [header] + rows
    return ("\n".join(",".join(f'"{c}"' for c in r) for r in lines) + "\n").encode("utf-8")


@pytest.fixture()
def db(tmp_path):
    handle = fresh_store(tmp_path)
    yield handle
    handle.close()


def _import(db, raw: bytes, as_of: str | None = None, renames=None, lang: str = "en"):
    options = Options(province="Thái Nguyên", programme="Kế hoạch 57", as_of=as_of, lang=lang, renames=renames)
    report = importers.analyse("ds.csv", raw, options, store=db)
    assert report.can_import(), [str(p) for p in report.fatal + report.problems]
    return report, importers.commit(report, db, user="test")


def _history(db):
    stored = register.read_tasks(db, statuses=[schema.STATUS_REPORTED])
    return analysis.status_history(stored).droplevel([0, 1, 2]), stored


def test_without_a_mapping_a_renamed_task_is_a_new_task(db):
    _import(db, hand_csv(title=[]), as_of="30/09/2025")
    _import(db, _later_csv(), as_of=LATER)
    history, stored = _history(db)
    assert len(history) == 14
    assert history.loc[OLD_ID].tolist() == ["in progress", ""]  # gone from the later snapshot
    assert history.loc[NEW_ID].tolist() == ["", "in progress"]
    latest = analysis.latest(stored)
    assert OLD_ID not in set(latest[schema.TASK_ID]) and len(latest) == 13


def test_a_renamed_from_column_makes_the_history_one_task(db):
    _import(db, hand_csv(title=[]), as_of="30/09/2025")
    report, _ = _import(db, _later_csv(renamed_from=OLD_TITLE), as_of=LATER)
    assert "1 renamed task(s)" in report.detected["renamed"]
    history, _ = _history(db)
    assert len(history) == 13
    assert OLD_ID not in history.index
    assert history.loc[NEW_ID].tolist() == ["in progress", "in progress"]


def test_a_pair_given_with_the_import_makes_the_history_one_task_and_undo_takes_it_back(db):
    _import(db, hand_csv(title=[]), as_of="30/09/2025")
    _, batch = _import(db, _later_csv(), as_of=LATER, renames=((OLD_TITLE, NEW_TITLE),))
    history, _ = _history(db)
    assert len(history) == 13 and history.loc[NEW_ID].tolist() == ["in progress", "in progress"]
    db.undo_batch(int(batch[schema.BATCH_ID]), user="test")
    history, _ = _history(db)
    assert list(history.columns) == ["2025-09-30"] and OLD_ID in history.index and NEW_ID not in history.index
    assert register.read_renames(db).empty


def test_codes_renamed_with_an_old_code_column(db):
    """With the table's own codes (Mã), "Mã cũ" names the old code; a task renamed twice ends under its last code."""

    def coded(as_of_codes: dict[str, str], old: dict[str, str]) -> bytes:
        lines = [["Mã", "Mã cũ", "Nội dung nhiệm vụ", "Thời hạn", "Tình trạng"]]
        for stt, title in (("1", "Nhiệm vụ một"), ("2", "Nhiệm vụ hai")):
            lines.append([as_of_codes[stt], old.get(stt, ""), title, "31/12/2026", "Đang thực hiện"])
        return ("\n".join(",".join(r) for r in lines) + "\n").encode("utf-8")

    _import(db, coded({"1": "NV-01", "2": "NV-02"}, {}), as_of="30/09/2025")
    _import(db, coded({"1": "NV-01", "2": "NV-02a"}, {"2": "NV-02"}), as_of="31/10/2025")
    _import(db, coded({"1": "NV-01", "2": "NV-02b"}, {"2": "NV-02a"}), as_of="30/11/2025")
    history, _ = _history(db)
    assert sorted(history.index) == ["NV-01", "NV-02b"]
    assert history.loc["NV-02b"].tolist() == ["in progress"] * 3


def test_a_pair_naming_no_task_of_the_file_is_refused_in_the_page_language(db):
    options = Options(province="Thái Nguyên", programme="Kế hoạch 57", as_of=LATER, lang="vi",
                      renames=(("Nhiệm vụ cũ", "Nhiệm vụ không có"),))  # fmt: skip
    report = importers.analyse("ds.csv", _later_csv(), options, store=db)
    assert not report.can_import()
    assert any("'Nhiệm vụ không có' không có trong tệp này" in str(p) for p in report.problems)


def test_a_task_renamed_from_one_still_listed_is_a_problem_with_row_and_column(db):
    raw = _later_csv(renamed_from="Phủ sóng 5G các khu công nghiệp")  # STT 5, still in the list
    report = importers.analyse("ds.csv", raw, Options(province="Thái Nguyên", programme="Kế hoạch 57", as_of=LATER),
                               store=db)  # fmt: skip
    found = [p for p in report.problems if "still listed in the same snapshot" in str(p)]
    assert len(found) == 1 and found[0].row == 4 and "Tên cũ" in str(found[0].column)


def test_an_empty_or_missing_pair_is_read_or_refused():
    assert register.parse_renames(["a = b", " ", "c=d"]) == (("a", "b"), ("c", "d"))
    with pytest.raises(ValueError, match="no pair"):
        register.parse_renames(["no pair"])
    with pytest.raises(ValueError):
        register.parse_renames(["=b"])


def test_a_store_made_before_the_renames_step_keeps_its_tasks(store_target):
    """A store at schema 6 (no task_renames table) with a task batch opens at the latest version, tasks kept."""
    db = store.open_store(store_target)
    report = importers.analyse(
        "ds.csv",
        hand_csv(title=[]),
        Options(province="Thái Nguyên", programme="Kế hoạch 57", as_of="30/09/2025"),
        store=db,
    )
    batch = importers.commit(report, db, user="ana")
    with db._transaction() as cur:
        cur.execute("DROP TABLE task_renames")
        cur.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    db.close()
    db = store.open_store(store_target)
    try:
        assert db.meta("schema_version") == store.SCHEMA_VERSION
        kept = register.read_tasks(db, statuses=[schema.STATUS_REPORTED])
        assert len(kept) == 13 and set(kept[schema.BATCH_ID]) == {int(batch[schema.BATCH_ID])}
        _, later = _import(db, _later_csv(renamed_from=OLD_TITLE), as_of=LATER)
        assert len(register.read_renames(db)) == 1
        history = analysis.status_history(register.read_tasks(db, statuses=[schema.STATUS_REPORTED]))
        assert len(history) == 13
    finally:
        db.close()


def test_the_renames_step_is_idempotent(tmp_path):
    path = tmp_path / "s.duckdb"
    store.open_store(path).close()
    con = duckdb.connect(str(path))
    register.create_renames_table(con)
    register.create_renames_table(con)
    assert [r[0] for r in con.execute("DESCRIBE task_renames").fetchall()] == [*register.RENAME_COLUMNS, "batch_id"]
    con.close()


def test_the_template_tasks_sheet_has_a_renamed_from_column_read_back(db):
    """The reporting template's tasks sheet offers renamed_from; filled in, it maps the task."""
    import io

    import openpyxl

    from data.importers import template

    book = openpyxl.load_workbook(io.BytesIO(template.template_bytes("2025")))
    header = [c.value for c in book["tasks"][1]]
    assert header[-1] == register.RENAMED_FROM
    _import(db, hand_csv(title=[]), as_of="30/09/2025")
    sheet = book["tasks"]
    rows = _renamed_rows()[1]
    tasks_only = [r for r in rows if r[0].isdigit()]
    for i, r in enumerate(tasks_only, start=2):
        values = {"province": "Thái Nguyên", "programme": "Kế hoạch 57", "as_of": LATER, "task_title": r[1],
                  "lead_department": r[2], "deadline": r[3], "status": r[4],
                  register.RENAMED_FROM: OLD_TITLE if r[1] == NEW_TITLE else ""}  # fmt: skip
        for j, name in enumerate(header, start=1):
            sheet.cell(row=i, column=j, value=values.get(name, ""))
    out = io.BytesIO()
    book.save(out)
    report = importers.analyse("mau.xlsx", out.getvalue(), Options(sheet="tasks"), store=db)
    assert report.can_import(), [str(p) for p in report.fatal + report.problems]
    importers.commit(report, db, user="test")
    history, _ = _history(db)
    assert len(history) == 13 and history.loc[NEW_ID].tolist() == ["in progress", "in progress"]
