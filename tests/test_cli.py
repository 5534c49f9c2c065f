"""The command line (``python -m cli``): every command, its exit codes (0 done, 1 refused, 2 usage) and --lang.

Most tests call :func:`cli.main` in this process with a fresh store; one runs ``python -m cli`` as a user would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cli
from data import store
from tests.cli_support import run
from tests.import_fixtures import row, tidy_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def good_csv(tmp_path):
    path = tmp_path / "hn.csv"
    path.write_text(tidy_text([row(), row(geo_code="79", value="41000")]), encoding="utf-8")
    return path


@pytest.fixture()
def bad_csv(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(tidy_text([row(value="x"), row(geo_code="79", value="41000"), row(geo_code="04", value="7")]),
                    encoding="utf-8")  # fmt: skip
    return path


def test_check_reports_what_was_detected_and_stores_nothing(db_path, good_csv):
    before = store.open_store(db_path).batches()
    code, out = run("check", good_csv, "--store", db_path)
    assert code == 0
    assert "format: CSV (delimited text)" in out and "layout: tidy (one row per value)" in out
    assert "No problem found: 2 rows can be imported." in out
    assert len(store.open_store(db_path).batches()) == len(before)


def test_check_json_lists_every_problem_with_row_and_column(db_path, bad_csv):
    code, out = run("check", bad_csv, "--json", "--store", db_path)
    assert code == 1
    report = json.loads(out)
    assert report["layout"] == "tidy" and report["refused"] is True
    assert report["detected"]["separator"] == "comma" and report["detected"]["encoding"] == "UTF-8"
    assert report["rows"] == {"read": 3, "valid": 2, "invalid": 1, "missing": 0, "stored_already": 0, "repeated": 0}
    assert report["problems"] == [
        {"file": "bad.csv", "sheet": None, "row": 2, "column": "value", "message": "'x' is not a number"}
    ]


def test_check_in_vietnamese(db_path, bad_csv):
    code, out = run("check", bad_csv, "--lang", "vi", "--store", db_path)
    assert code == 1
    assert "Bị từ chối: 1 lỗi." in out
    assert "bad.csv, dòng 2, cột 'value': 'x' không phải là số" in out


def test_import_batches_undo_round_trip(db_path, good_csv):
    code, out = run("import", good_csv, "--user", "thống kê Hà Nội", "--store", db_path)
    assert code == 0 and out.startswith("Imported as batch ")
    batch = int(out.split("batch ")[1].split(":")[0])
    assert "2 rows added, 0 skipped" in out
    code, out = run("batches", "--json", "--store", db_path)
    listed = json.loads(out)
    assert code == 0 and listed[0]["batch_id"] == batch and listed[0]["user_name"] == "thống kê Hà Nội"
    code, out = run("undo", batch, "--user", "tester", "--store", db_path)
    assert (code, out.strip()) == (0, f"Batch {batch} undone.")
    code, out = run("undo", batch, "--store", db_path, "--lang", "vi")
    assert code == 1 and f"Lô {batch} đã được hoàn tác" in out


def test_import_refuses_a_file_with_problems_unless_valid_rows_only(db_path, bad_csv):
    code, out = run("import", bad_csv, "--store", db_path)
    assert code == 1 and "Refused: 1 problem(s)." in out and "bad.csv, row 2, column 'value'" in out
    code, out = run("import", bad_csv, "--valid-rows-only", "--store", db_path)
    assert code == 0 and "2 rows added, 1 skipped" in out


def test_valid_rows_only_is_refused_when_most_rows_fail(db_path, tmp_path):
    path = tmp_path / "mostly.csv"
    path.write_text(tidy_text([row(value="x"), row(geo_code="79", value="y"), row(geo_code="04", value="7")]))
    code, out = run("import", path, "--valid-rows-only", "--store", db_path)
    assert code == 1
    assert out.startswith("mostly.csv: importing only the valid rows is refused: 2 of 3 rows fail")


def test_export_csv_and_xlsx_with_filters(db_path, good_csv, tmp_path):
    run("import", good_csv, "--store", db_path)
    out_csv = tmp_path / "out.csv"
    code, out = run("export", "--indicator", "rd_staff", "--status", "reported", "--from", "2026-Q1", "--to", "2026",
                    "--format", "csv", "--out", out_csv, "--store", db_path)  # fmt: skip
    assert code == 0 and out.strip() == f"2 rows written to {out_csv}."
    table = pd.read_csv(out_csv, dtype=str, encoding="utf-8-sig")
    assert sorted(zip(table["geo_code"], table["value"])) == [("01", "30000.0"), ("79", "41000.0")]
    assert set(table["citation"]) == set(table["citation"]) and "source_title" in table
    out_xlsx = tmp_path / "out.xlsx"
    code, _ = run("export", "--indicator", "rd_staff", "--status", "reported", "--from", "2026-Q1", "--format", "xlsx",
                  "--out", out_xlsx, "--layout", "2025", "--store", db_path, "--lang", "vi")  # fmt: skip
    book = openpyxl.load_workbook(out_xlsx)
    assert book.sheetnames == ["data", "metadata"] and book["data"].max_row == 3


def test_usage_errors_exit_2(db_path, tmp_path):
    assert run("check", tmp_path / "missing.csv", "--store", db_path)[0] == 2
    assert run("frobnicate")[0] == 2
    assert run("export", "--format", "pdf", "--out", tmp_path / "x", "--store", db_path)[0] == 2
    assert run("export", "--format", "csv", "--out", tmp_path / "x", "--indicator", "nope", "--store", db_path)[0] == 2
    assert run("export", "--format", "csv", "--out", tmp_path / "x", "--from", "Q1/2026", "--store", db_path)[0] == 2
    assert run("undo", "not-a-number", "--store", db_path)[0] == 2


def test_python_dash_m_cli_runs_as_the_readme_says(db_path, good_csv):
    done = subprocess.run([sys.executable, "-m", "cli", "--lang", "vi", "check", str(good_csv), "--store", db_path],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Không có lỗi: có thể nhập 2 dòng." in done.stdout


def test_a_locked_store_is_a_clear_message_and_exit_1(db_path, good_csv):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", db_path],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        code, _ = run("import", good_csv, "--store", db_path)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1


def test_commands_register_themselves_for_later_additions():
    assert (
        list(cli.COMMANDS)[:6] == ["check", "import", "batches", "undo", "export", "tasks"] and "deck" in cli.COMMANDS
    )
    assert all(callable(c.run) and callable(c.arguments) for c in cli.COMMANDS.values())
