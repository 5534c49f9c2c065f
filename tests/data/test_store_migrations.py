"""Schema versions and migrations: a store made by an earlier release keeps its imports."""

import duckdb
import pandas as pd
import pytest

from data import observations, store


def _imported_frame() -> pd.DataFrame:
    return observations.prepare_observations(pd.DataFrame([{
        "geo_level": "province", "layout": "2025", "geo_code": "01", "indicator_id": "rd_staff",
        "period": "2026-Q1", "value": "30000", "status": "reported", "source_id": "derived_here",
    }]))  # fmt: skip


def test_a_new_store_records_the_latest_schema_version(tmp_path):
    db = store.open_store(tmp_path / "s.duckdb")
    assert db.meta("schema_version") == store.SCHEMA_VERSION == str(store.MIGRATIONS[-1][0])
    db.close()


def test_migration_steps_are_numbered_in_order():
    numbers = [n for n, _, _ in store.MIGRATIONS]
    # releases before the migration list wrote version 1 with two different schemas: the list starts at 2
    assert numbers == list(range(2, len(numbers) + 2))


def test_an_empty_file_has_version_0_and_a_first_release_store_version_1(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    assert store.schema_version(con) == 0
    con.execute(store._DDL)  # the first release wrote its tables without recording a version
    assert store.schema_version(con) == 1
    con.close()


def test_a_later_step_keeps_an_earlier_stores_imports(tmp_path):
    path = tmp_path / "s.duckdb"
    db = store.open_store(path)
    db.add_batch(_imported_frame(), kind=store.KIND_IMPORT, file_name="hn.csv", sha256="abc", user="ana")
    db.close()

    def add_column(cur):
        cur.execute("ALTER TABLE observations ADD COLUMN IF NOT EXISTS example_flag BOOLEAN DEFAULT FALSE")

    steps = [*store.MIGRATIONS, (store.MIGRATIONS[-1][0] + 1, "example column", add_column)]
    con = duckdb.connect(str(path))
    assert store.migrate(con, steps) == [store.MIGRATIONS[-1][0] + 1]
    assert store.migrate(con, steps) == []  # idempotent: nothing left to apply
    assert store.schema_version(con) == steps[-1][0]
    kept = con.execute(
        "SELECT geo_code, value, example_flag FROM observations WHERE indicator_id = 'rd_staff' "
        "AND period = '2026-Q1' AND status = 'reported' AND layout = '2025' AND geo_code = '01'"
    ).fetchall()
    assert kept == [("01", 30000.0, False)]
    con.close()


def test_a_failed_step_leaves_the_store_at_the_version_before(tmp_path):
    path = tmp_path / "s.duckdb"
    store.open_store(path).close()

    def broken(cur):
        cur.execute("ALTER TABLE observations ADD COLUMN half_done VARCHAR")
        raise RuntimeError("disk full")

    con = duckdb.connect(str(path))
    steps = [*store.MIGRATIONS, (store.MIGRATIONS[-1][0] + 1, "broken", broken)]
    with pytest.raises(RuntimeError, match="disk full"):
        store.migrate(con, steps)
    assert store.schema_version(con) == store.MIGRATIONS[-1][0]
    columns = [r[0] for r in con.execute("DESCRIBE observations").fetchall()]
    assert "half_done" not in columns
    con.close()


def test_a_store_from_a_newer_release_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "s.duckdb"
    store.open_store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '999')")
    with pytest.raises(RuntimeError, match="schema version 999, newer than this release"):
        store.migrate(con)
    con.close()


def test_every_step_runs_on_both_engines_and_keeps_the_imports(store_target):
    """A store at the first numbered step (2) is brought up to date on DuckDB and on PostgreSQL alike.

    Every later step runs again on the store as it is now, so each must be idempotent SQL that both
    engines accept; the imported row and the bundled batch survive.
    """
    db = store.open_store(store_target)
    batch = db.add_batch(_imported_frame(), kind=store.KIND_IMPORT, file_name="hn.csv", sha256="abc", user="ana")
    with db._transaction() as cur:
        cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(store.MIGRATIONS[0][0])])
    db.close()
    db = store.open_store(store_target)
    try:
        assert db.meta("schema_version") == store.SCHEMA_VERSION
        assert db.batches()["batch_id"].tolist() == [batch, 1]
        kept = db.observations(indicators=["rd_staff"], geo_codes=["01"], statuses=["reported"], date_from="2026-01-01")
        assert kept["value"].tolist() == [30000.0]
        assert store.migrate(db._engine) == []  # up to date: nothing applied, no lock taken
    finally:
        db.close()
