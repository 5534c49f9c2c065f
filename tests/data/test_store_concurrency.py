"""Two writers at once: serialised, no batch lost, and a file imported twice reported as a duplicate.

With PostgreSQL, real processes: process A imports and pauses inside its transaction (its progress
callback waits for a "go" file), process B imports meanwhile and must wait for A's commit (the writers'
advisory lock, seen waiting in ``pg_locks``); then both finish. Two different files: both batches are
kept. The same file, checked by B before A committed: B is told it is a duplicate and writes nothing.
The duplicate rule is also checked on both back ends with two handles on one store.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from data import importers, store
from data.store_engines import WRITE_LOCK_KEY
from tests.import_fixtures import assert_same, row, snapshot, tidy_text

ROOT = Path(__file__).resolve().parents[2]

IMPORT_SCRIPT = """
import sys, time
from pathlib import Path
from data import importers
from data.store import open_store

url, csv, name, analysed, inside, go = sys.argv[1:7]

def wait_for_go(fraction):  # inside the transaction, holding the writers' lock
    Path(inside).write_text("inside", encoding="utf-8")
    while go != "-" and not Path(go).exists():
        time.sleep(0.05)

db = open_store(url)
report = importers.analyse(name, Path(csv).read_bytes(), store=db)
assert report.can_import(), [str(p) for p in report.fatal + report.problems]
Path(analysed).write_text("analysed", encoding="utf-8")
try:
    batch = importers.commit(report, db, user=name, progress=wait_for_go)
except ValueError as exc:
    print("REFUSED", type(exc).__name__, exc)
else:
    print("BATCH", batch["batch_id"], batch["rows_added"])
"""


def _wait_for(path: Path, child: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if child.poll() is not None:
            pytest.fail(f"{what}: the process ended first: {child.communicate()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not reached in {timeout} s")
        time.sleep(0.05)


def _start(url: str, csv: Path, name: str, folder: Path, go: Path | None) -> tuple[subprocess.Popen, Path, Path]:
    analysed, inside = folder / f"{name}.analysed", folder / f"{name}.inside"
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, url, str(csv), name, str(analysed), str(inside), str(go) if go else "-"],
        cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return child, analysed, inside


def _waiting_writers(cluster, url: str) -> int:
    """Sessions waiting for the writers' advisory lock in this database."""
    db = url.rsplit("/", 1)[1]
    return cluster.sql(f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {WRITE_LOCK_KEY} "
                       "AND NOT granted", db)[0][0]  # fmt: skip


@pytest.mark.parametrize("same_file", [False, True], ids=["two-files", "same-file"])
def test_two_processes_importing_at_once_are_serialised(pg_cluster, tmp_path, same_file):
    url = pg_cluster.fresh_url()
    first = tmp_path / "a.csv"
    first.write_text(tidy_text([row(), row(geo_code="79", value="41000")]), encoding="utf-8")
    second = first if same_file else tmp_path / "b.csv"
    if not same_file:
        second.write_text(tidy_text([row(geo_code="31", value="7000")]), encoding="utf-8")
    go = tmp_path / "go"
    a, _, a_inside = _start(url, first, "a.csv", tmp_path, go)
    b = None
    try:
        _wait_for(a_inside, a, "A inside its transaction")
        b, b_analysed, _ = _start(url, second, "b.csv", tmp_path, None)
        _wait_for(b_analysed, b, "B checked its file")
        deadline = time.monotonic() + 30
        while _waiting_writers(pg_cluster, url) == 0:  # B waits for A's lock
            assert b.poll() is None, b.communicate()
            assert time.monotonic() < deadline, "B never waited for the writers' lock"
            time.sleep(0.05)
        assert b.poll() is None  # still waiting while A holds the lock
        go.write_text("go", encoding="utf-8")
        out_a, err_a = a.communicate(timeout=60)
        out_b, err_b = b.communicate(timeout=60)
    finally:
        for child in (a, b):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
    assert out_a.split() == ["BATCH", "2", "2"], err_a
    db = store.open_store(url)
    try:
        imports = db.batches().query("kind == 'import'")
        if same_file:
            assert out_b.startswith(
                "REFUSED DuplicateImportError b.csv: this file was already imported as batch 2 on "
            ), err_b
            assert out_b.rstrip().endswith(
                "by a.csv: all its values are stored already. Undo batch 2 first to import it again."
            )
            assert imports["file_name"].tolist() == ["a.csv"]
        else:
            assert out_b.split()[0] == "BATCH" and int(out_b.split()[2]) == 1, err_b
            assert sorted(imports["file_name"]) == ["a.csv", "b.csv"]
            hcm = db.observations(
                indicators=["rd_staff"], geo_codes=["31"], statuses=["reported"], date_from="2026-01-01"
            )
            assert hcm["value"].tolist() == [7000.0]
        assert len(db.observations(indicators=["rd_staff"], statuses=["reported"], date_from="2026-01-01")) == (
            2 if same_file else 3
        )
    finally:
        db.close()


def test_the_same_file_committed_by_another_handle_meanwhile_is_a_duplicate(store_target):
    """Two handles on one store (two app processes): both checked the file; the second commit is refused."""
    raw = tidy_text([row(), row(geo_code="79", value="41000")]).encode()
    one, other = store.open_store(store_target), store.open_store(store_target)
    try:
        report_one = importers.analyse("hn.csv", raw, store=one)
        report_other = importers.analyse("hn (1).csv", raw, store=other)
        assert report_one.can_import() and report_other.can_import()
        batch = importers.commit(report_one, one, user="ana")
        before = snapshot(other)
        when = pd.Timestamp(batch["created_at"]).strftime("%Y-%m-%d %H:%M")
        with pytest.raises(store.DuplicateImportError) as refused:
            importers.commit(report_other, other, user="binh")
        assert str(refused.value) == (f"hn (1).csv: this file was already imported as batch {batch['batch_id']} on {when} "
                                      f"by ana: all its values are stored already. Undo batch {batch['batch_id']} first to "
                                      "import it again.")  # fmt: skip
        assert_same(before, snapshot(other))
    finally:
        one.close()
        other.close()


def test_two_processes_starting_on_an_empty_database_create_it_and_load_the_bundled_data_once(pg_cluster):
    name = f"empty{time.monotonic_ns()}"
    pg_cluster.sql(f"CREATE DATABASE {name}")
    url = pg_cluster.url(name)
    opening = "import sys; from data.store import open_store; open_store(sys.argv[1]).close()"
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", opening, url], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]  # fmt: skip
    for child in children:
        assert child.wait(timeout=120) == 0, child.stderr.read()
    db = store.open_store(url)
    try:
        assert db.batches()[["batch_id", "kind"]].values.tolist() == [[1, "bundled"]]
        assert db.meta("schema_version") == store.SCHEMA_VERSION
        assert len(db.audit()) == 1
    finally:
        db.close()
