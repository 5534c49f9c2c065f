"""The app over PostgreSQL: imports by other processes show at once, and faults are told plainly.

* Another process imports, then undoes: this app process's Compare page shows the new value on its
  next rerun, then the old one again, without a restart (results are cached per data version).
* The database connection is killed in the middle of an import (a fixture wraps the import's
  progress callback): the page says the import failed and the store is exactly as before.
* PostgreSQL stops: the page says the store cannot be reached (no traceback); it starts again: the
  same session recovers on its next rerun, with no restart of the app.

Thái Nguyên reported 10.3 R&D staff per 10,000 on 2025-11-03 (the only reported province value, see
tests/app/test_compare_page.py); the tests import a reported 5.5 for Hà Nội (01) on the same day.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from data import importers, store
from data.store_engines import WRITE_LOCK_KEY
from tests.import_fixtures import assert_same, row, snapshot, tidy_text
from ui import loaders, warmup
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
IND = "rd_staff_per_10k"
HA_NOI = row(indicator_id=IND, period="2025-11-03", value="5.5", source_id="thainguyen_2025_11_03")

OTHER_PROCESS = """
import sys
from data import importers
from data.store import open_store

db = open_store(sys.argv[1])
if sys.argv[2] == "import":
    report = importers.analyse("hn.csv", sys.argv[3].encode(), store=db)
    print(importers.commit(report, db, user="other process")["batch_id"])
else:
    db.undo_batch(int(sys.argv[3]), user="other process")
db.close()
"""


@pytest.fixture()
def pg_app(pg_cluster, monkeypatch):
    """The app's store is a fresh PostgreSQL database (``VN57_STORE_URL``); the data version is read on every call."""
    warmup.start().join()  # the app's background warm-up must not read a store being replaced
    url = pg_cluster.fresh_url()
    monkeypatch.setenv("VN57_STORE_URL", url)
    monkeypatch.setattr(loaders, "VERSION_TTL_S", 0.0)
    previous = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # loopback: this machine's user edits
    loaders.store.clear()
    st.cache_data.clear()
    yield url
    config.set_option("server.address", previous)
    try:
        loaders.store().close()
    except store.StoreUnavailable:
        pass
    loaders.store.clear()
    st.cache_data.clear()


def _page(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"lang": lang, "ind": IND, "synthetic": "0"})
    return at.switch_page(page).run()


def _values(at: AppTest) -> dict[str, float]:
    assert not at.exception, [e.message for e in at.exception]
    table = next(d.value for d in at.dataframe if "rank_of" in d.value.columns)
    shown = table[table["value"].notna()]
    return dict(zip(shown["geo_code"], shown["value"]))


def _other_process(url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS, url, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_import_and_an_undo_by_another_process_show_on_the_next_rerun(pg_app):
    at = _page("pages/compare.py")
    assert _values(at) == {"19": 10.3}
    batch = _other_process(pg_app, "import", tidy_text([HA_NOI]))
    assert _values(at.run()) == {"01": 5.5, "19": 10.3}
    _other_process(pg_app, "undo", batch)
    assert _values(at.run()) == {"19": 10.3}


@pytest.fixture()
def connection_killed_during_import(pg_cluster, pg_app, monkeypatch):
    """Wrap ``importers.commit``: its progress callback kills the importing connection after the first chunk."""
    real = importers.commit
    db = pg_app.rsplit("/", 1)[1]
    killed = []

    def kill_then_report(report, target, *, progress=None, **kwargs):
        def progress_then_kill(fraction):
            if not killed:  # the session holding the writers' lock is the import's
                killed.extend(pg_cluster.sql(
                    f"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = {WRITE_LOCK_KEY} "
                    "AND granted", db))  # fmt: skip
            if progress:
                progress(fraction)

        return real(report, target, progress=progress_then_kill, **kwargs)

    monkeypatch.setattr(importers, "commit", kill_then_report)
    return killed


def test_a_connection_killed_mid_import_leaves_the_store_as_it_was_and_the_page_says_so(
    pg_app, connection_killed_during_import
):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at = at.switch_page("pages/import.py").run()
    at.file_uploader[0].set_value(
        ("hn.csv", tidy_text([row(), row(geo_code="79", value="41000")]).encode(), "text/csv")
    )
    at = at.run()
    before = snapshot(loaders.store())
    at.button(key="import_start").click()
    at = at.run()
    at.button(key="import_confirm").click()
    at = at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert connection_killed_during_import == [(True,)]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(t("import_failed", "en", error="The PostgreSQL store ").rstrip())
    assert "cannot be reached" in errors[0]
    assert_same(before, snapshot(loaders.store()))  # a new connection: the store is exactly as before
    assert not [s.value for s in at.success if "batch" in s.value]


def test_postgresql_stopped_then_started_the_page_says_so_then_recovers(pg_cluster, pg_app):
    at = _page("pages/compare.py")
    assert _values(at) == {"19": 10.3}
    pg_cluster.stop()
    try:
        at = at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert [e.value for e in at.error] == [t("store_unavailable", "en")]
        vi = _page("pages/compare.py", lang="vi")  # a new session, in Vietnamese, while it is down
        assert not vi.exception, [e.message for e in vi.exception]
        assert [e.value for e in vi.error] == [t("store_unavailable", "vi")]
    finally:
        pg_cluster.start()
    assert _values(at.run()) == {"19": 10.3}  # the same session, same app process: recovered
    assert not at.error
