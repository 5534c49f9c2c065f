"""``python -m cli tasks``: a Vietnamese task table into the task register, its exit codes, check, batches, undo.

The table is tests/task_fixtures.py's hand-built list without its title rows (STT, Nội dung nhiệm vụ,
Cơ quan chủ trì, Thời hạn hoàn thành, Tình trạng, Ghi chú: 13 tasks under two headings), so province,
programme and reporting date come from the command line. Counted by hand on 30/09/2025 (see the
fixture's table): 12 tasks besides the cancelled one, 6 done, 2 in progress, 1 not started, 3 late.
"""

from __future__ import annotations

import pytest

from analysis import tasks as analysis
from data import schema, store
from data import tasks as register
from tests.cli_support import run
from tests.task_fixtures import ROWS, hand_csv

GIVEN = ("--province", "19", "--programme", "Kế hoạch 57", "--as-of", "2025-09-30")


@pytest.fixture()
def table(tmp_path):
    path = tmp_path / "danh-muc.csv"
    path.write_bytes(hand_csv(title=[]))
    return path


@pytest.fixture()
def bad_table(tmp_path):
    """STT 2 with a status that is no status word (file row 4: header on row 1, heading I on row 2)."""
    rows = [list(r) for r in ROWS]
    rows[2][4] = "không rõ"
    path = tmp_path / "loi.csv"
    path.write_bytes(hand_csv(title=[], rows=rows))
    return path


def _stored(db_path: str):
    handle = store.open_store(db_path)
    try:
        return register.read_tasks(handle, statuses=[schema.STATUS_REPORTED])
    finally:
        handle.close()


def test_a_task_table_is_stored_as_one_batch_with_the_counts_worked_out_by_hand(db_path, table):
    code, out = run("tasks", table, *GIVEN, "--user", "thư ký", "--store", db_path)
    assert code == 0, out
    assert "Imported as batch" in out and "13 tasks added" in out
    stored = _stored(db_path)
    assert len(stored) == 13 and set(stored[schema.GEO_CODE]) == {"19"} and set(stored[schema.AS_OF]) == {"2025-09-30"}
    assert set(stored[schema.PROGRAMME]) == {"Kế hoạch 57"}
    got = analysis.totals(stored)
    assert (got["total"], got["done"], got["in progress"], got["not started"], got["late"]) == (12, 6, 2, 1, 3)
    assert got["cancelled"] == 1 and got["done_share"] == 50.0


def test_a_province_name_and_a_day_written_dd_mm_yyyy_are_read_too(db_path, table):
    code, out = run("tasks", table, "--province", "Thái Nguyên", "--programme", "KH 57", "--as-of", "30/09/2025",
                    "--store", db_path)  # fmt: skip
    assert code == 0, out
    assert set(_stored(db_path)[schema.AS_OF]) == {"2025-09-30"}


def test_a_refusal_names_row_and_column_in_vietnamese_and_exits_1(db_path, bad_table):
    code, out = run("tasks", bad_table, *GIVEN, "--lang", "vi", "--store", db_path)
    assert code == 1
    assert "Bị từ chối: 1 lỗi." in out
    assert "loi.csv, dòng 4, cột 'Tình trạng': 'không rõ' không phải là một tình trạng" in out
    assert _stored(db_path).empty  # nothing written
    code, out = run("tasks", bad_table, *GIVEN, "--valid-rows-only", "--store", db_path)
    assert code == 0 and "12 tasks added" in out
    assert len(_stored(db_path)) == 12


def test_without_title_rows_or_options_the_refusal_says_which_option_to_give(db_path, table):
    code, out = run("tasks", table, "--store", db_path)
    assert code == 1
    assert "--province" in out and "--programme" in out and "--as-of" in out
    assert _stored(db_path).empty


def test_the_same_snapshot_twice_is_refused(db_path, table):
    assert run("tasks", table, *GIVEN, "--store", db_path)[0] == 0
    code, out = run("tasks", table, *GIVEN, "--store", db_path)
    assert code == 1 and "stored already" in out
    assert len(_stored(db_path)) == 13


@pytest.mark.parametrize(
    "argv",
    [
        ("--as-of", "soon"),
        ("--as-of", "2025"),  # a year is not a reporting day
        ("--province", "99", "--as-of", "2025-09-30"),
        ("--layout", "1990"),
    ],
)
def test_usage_errors_exit_2(db_path, table, argv):
    assert run("tasks", table, *argv, "--store", db_path)[0] == 2
    assert _stored(db_path).empty


def test_a_missing_file_exits_2(db_path, tmp_path):
    assert run("tasks", tmp_path / "none.csv", *GIVEN, "--store", db_path)[0] == 2


def test_check_batches_and_undo_handle_a_task_batch(db_path, tmp_path, table):
    with_title = tmp_path / "co-tieu-de.csv"
    with_title.write_bytes(hand_csv())
    code, out = run("check", with_title, "--store", db_path)
    assert code == 0 and "No problem found: 13 rows can be imported." in out
    assert _stored(db_path).empty
    assert run("tasks", table, *GIVEN, "--store", db_path)[0] == 0
    code, out = run("batches", "--json", "--store", db_path)
    import json

    listed = json.loads(out)
    batch = [b for b in listed if b["file_name"] == "danh-muc.csv"]
    assert len(batch) == 1 and batch[0]["rows_added"] == 13 and batch[0]["undone_at"] is None
    code, out = run("undo", batch[0]["batch_id"], "--store", db_path)
    assert code == 0 and f"Batch {batch[0]['batch_id']} undone." in out
    assert _stored(db_path).empty
    assert run("tasks", table, *GIVEN, "--store", db_path)[0] == 0  # the same snapshot again, once undone
    assert len(_stored(db_path)) == 13


def test_rename_continues_a_task_history_under_its_new_title(db_path, tmp_path, table):
    """STT 2 renamed in the later list: without --rename two tasks, with it one (see tests/data/test_task_renames.py)."""
    rows = [list(r) for r in ROWS]
    old, new = rows[2][1], "Xây dựng và vận hành Trung tâm dữ liệu tỉnh"
    rows[2][1] = new
    later = tmp_path / "thang-11.csv"
    later.write_bytes(hand_csv(title=[], rows=rows))
    given = ("--province", "19", "--programme", "Kế hoạch 57")
    assert run("tasks", table, *given, "--as-of", "2025-09-30", "--store", db_path)[0] == 0
    code, out = run("tasks", later, *given, "--as-of", "2025-11-03", "--rename", f"{old}={new}", "--store", db_path)
    assert code == 0, out
    history = analysis.status_history(_stored(db_path))
    assert len(history) == 13
    assert history.xs(register.task_key(new), level=schema.TASK_ID).iloc[0].tolist() == ["in progress"] * 2
    assert run("tasks", later, *given, "--as-of", "2025-12-31", "--rename", "no pair", "--store", db_path)[0] == 2
