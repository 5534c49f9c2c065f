"""Migration step ``note_vi`` (issue 12): a store made before it keeps its rows, and imports work after opening.

Runs on DuckDB and on PostgreSQL (``store_target``): the store is brought back to how the release before
the step left it (no ``note_vi`` column, the version before) with one imported row, then opened again.
"""

import datetime as dt

import pandas as pd

from data import observations, schema, store, tasks


def _row(period: str, value: str, **extra) -> pd.DataFrame:
    return observations.prepare_observations(pd.DataFrame([{
        "geo_level": "province", "layout": "2025", "geo_code": "01", "indicator_id": "rd_staff", "period": period,
        "value": value, "status": "reported", "source_id": "derived_here", **extra,
    }]))  # fmt: skip


#: The number of the step that adds ``note_vi``.
STEP = next(n for n, _, step in store.MIGRATIONS if step is store._note_vi)


def test_a_store_made_before_note_vi_keeps_its_rows_and_imports_after_opening(store_target):
    db = store.open_store(store_target)
    batch = db.add_batch(_row("2026-Q1", "30000", note="imported before issue 12"), kind=store.KIND_IMPORT,
                         file_name="hn.csv", sha256="abc", user="ana")  # fmt: skip
    bundled_rows = len(db.observations(statuses=list(schema.STATUSES)))
    with db._transaction() as cur:  # as the release before the step left it
        cur.execute(f"ALTER TABLE observations DROP COLUMN {schema.NOTE_VI}")
        cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(STEP - 1)])
        cur.execute("UPDATE meta SET value = 'older release' WHERE key = 'bundled_fingerprint'")  # older files
    db.close()

    db = store.open_store(store_target)  # applies the step, then loads the bundled files of this release
    try:
        assert db.meta("schema_version") == store.SCHEMA_VERSION
        assert len(db.observations(statuses=list(schema.STATUSES))) == bundled_rows
        kept = db.observations(indicators=["rd_staff"], geo_codes=["01"], statuses=["reported"], date_from="2026-01-01")
        assert kept[[schema.VALUE, schema.NOTE, schema.NOTE_VI, schema.BATCH_ID]].values.tolist() == [
            [30000.0, "imported before issue 12", "", batch]
        ]
        # an import after the upgrade stores its Vietnamese note
        later = db.add_batch(_row("2026-Q2", "31000", note="second quarter", note_vi="quý hai"),
                             kind=store.KIND_IMPORT, file_name="hn2.csv", sha256="def", user="ana")  # fmt: skip
        rows = db.observations(indicators=["rd_staff"], geo_codes=["01"], statuses=["reported"], date_from="2026-04-01")
        assert rows[[schema.VALUE, schema.NOTE, schema.NOTE_VI, schema.BATCH_ID]].values.tolist() == [
            [31000.0, "second quarter", "quý hai", later]
        ]
        # the bundled notes of this release arrived in Vietnamese
        bundled = db.observations(indicators=["pii_rank"], statuses=["reported"])
        assert (bundled[schema.NOTE_VI] != "").all()
        with db._transaction() as cur:  # idempotent: the step runs again on an up-to-date store
            store._note_vi(cur)
        assert store.migrate(db._engine) == []
    finally:
        db.close()


#: The number of the step that adds ``note_vi`` to the tasks.
TASKS_STEP = next(n for n, _, step in store.MIGRATIONS if step is tasks.add_note_vi)


def test_a_store_made_before_the_tasks_note_vi_keeps_its_tasks_and_reads_the_demo_notes_in_vietnamese(store_target):
    db = store.open_store(store_target)
    own = tasks.bundled_tasks().head(1).assign(**{schema.PROGRAMME: "Kế hoạch 01", schema.STATUS: "reported",
                                                  schema.NOTE: "own task", schema.NOTE_VI: ""})  # fmt: skip
    with db._transaction() as cur:
        cur.execute(
            "INSERT INTO batches (batch_id, created_at, kind, file_name, sha256, rows_added, user_name, undone_at, "
            "rows_skipped, undone_by) VALUES (900, ?, 'import', 'kh01.xlsx', 'abc', 1, 'ana', NULL, 0, NULL)",
            [dt.datetime(2026, 11, 1)],
        )
        tasks.insert(cur, own, batch_id=900)
        cur.execute(f"ALTER TABLE tasks DROP COLUMN {schema.NOTE_VI}")  # as the release before the step left it
        cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(TASKS_STEP - 1)])
        cur.execute("UPDATE meta SET value = 'older release' WHERE key = 'bundled_fingerprint'")
    db.close()

    db = store.open_store(store_target)  # applies the step, then loads the bundled files of this release
    try:
        assert db.meta("schema_version") == store.SCHEMA_VERSION
        stored = tasks.read_tasks(db)
        kept = stored[stored[schema.BATCH_ID] == 900]
        assert kept[[schema.PROGRAMME, schema.NOTE, schema.NOTE_VI]].values.tolist() == [
            ["Kế hoạch 01", "own task", ""]
        ]
        demo = stored[stored[schema.STATUS] == schema.STATUS_SYNTHETIC]
        assert len(demo) == len(tasks.bundled_tasks()) and (demo[schema.NOTE_VI] != "").all()
        assert store.migrate(db._engine) == []
    finally:
        db.close()
