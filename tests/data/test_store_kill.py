"""A killed import leaves the store exactly as it was.

A subprocess imports a large tidy CSV into the store (a DuckDB file, then a PostgreSQL database). The
import's progress callback, called after each chunk of rows inside the import's transaction, writes a
flag file after the first chunk and waits there; the test then kills the process with SIGKILL (no
clean-up, no rollback), reopens the store and compares every table with a snapshot taken before. Then
the same import, uninterrupted, goes through.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data import importers, store
from tests.import_fixtures import assert_same, snapshot

ROOT = Path(__file__).resolve().parents[2]
ROWS = 120_000  # more than four chunks of store.CHUNK_ROWS

IMPORT_SCRIPT = """
import sys, time
from pathlib import Path
from data import importers
from data.store import open_store

def pause(fraction):  # after the first chunk, inside the transaction: say so, and wait to be killed
    Path(sys.argv[3]).write_text(str(fraction), encoding="utf-8")
    while True:
        time.sleep(0.5)

db = open_store(sys.argv[1])
raw = open(sys.argv[2], "rb").read()
report = importers.analyse("large.csv", raw, store=db)
assert report.can_import(), [str(p) for p in report.fatal + report.problems][:5]
importers.commit(report, db, user="killed", progress=pause)
print("committed")
"""


def _large_csv(path: Path) -> None:
    """ROWS distinct R&D staff counts: 63 provinces (2008 layout) x days of 2020-2025."""
    import datetime as dt

    from data import registry

    codes = list(registry.provinces("2008")["code"])
    day = dt.date(2020, 1, 1)
    lines = ["geo_level,layout,geo_code,indicator_id,period,value,status,source_id"]
    while len(lines) <= ROWS:
        for code in codes:
            lines.append(f"province,2008,{code},rd_staff,{day.isoformat()},{len(lines) % 5000},reported,derived_here")
        day += dt.timedelta(days=1)
    path.write_text("\n".join(lines[: ROWS + 1]) + "\n", encoding="utf-8")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_an_import_killed_inside_its_transaction_leaves_the_store_as_it_was(tmp_path, store_target):
    path, data, flag = store_target, tmp_path / "large.csv", tmp_path / "inside-the-transaction"
    _large_csv(data)
    db = store.open_store(path)
    importers.commit(importers.analyse("small.csv", b"geo_level,layout,geo_code,indicator_id,period,value,"
                                               b"status,source_id\nprovince,2025,01,rd_staff,2026-Q1,1,reported,"
                                               b"derived_here\n", store=db), db, user="before")  # fmt: skip
    before = snapshot(db)
    db.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(path), str(data), str(flag)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            if child.poll() is not None:
                pytest.fail(f"the import ended before the pause: {child.communicate()}")
            if time.monotonic() > deadline:
                pytest.fail("the import never reached its transaction")
            time.sleep(0.05)
        done_inside = float(flag.read_text())
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert done_inside == store.CHUNK_ROWS / ROWS  # a first chunk was written, more were to come

    reopened = store.open_store(path)
    assert_same(before, snapshot(reopened))
    assert len(reopened.observations(indicators=["rd_staff"], statuses=["reported"], layouts=["2008"],
                                     date_to="2025-12-31", geo_levels=["province"])) == 0  # fmt: skip

    # the store still works: the same import, uninterrupted, now goes through
    report = importers.analyse("large.csv", data.read_bytes(), store=reopened)
    batch = importers.commit(report, reopened, user="again")
    assert batch["rows_added"] == ROWS
    reopened.close()
