"""Migration step 3 (issue 11): a store made before the doubtful flag and rank_of keeps its imported rows."""

import datetime as dt

import duckdb

from data import schema, store


def _old_store(path) -> None:
    """A store as the release before step 3 left it: version 2, an import batch with one row, no new columns."""
    con = duckdb.connect(str(path))
    store.migrate(con, store.MIGRATIONS[:1])
    assert store.schema_version(con) == 2
    columns = [r[0] for r in con.execute("DESCRIBE observations").fetchall()]
    assert schema.DOUBTFUL not in columns and schema.RANK_OF not in columns
    con.execute(
        "INSERT INTO batches (batch_id, created_at, kind, file_name, sha256, rows_added, user_name, undone_at, "
        "rows_skipped, undone_by) VALUES (900, ?, 'import', 'hn.csv', 'abc', 1, 'ana', NULL, 0, NULL)",
        [dt.datetime(2026, 11, 1)],
    )
    old = [c for c in schema.OBSERVATION_COLUMNS if c not in (schema.DOUBTFUL, schema.RANK_OF, schema.NOTE_VI)]
    values = {
        schema.GEO_LEVEL: "province",
        schema.LAYOUT: "2025",
        schema.GEO_CODE: "01",
        schema.INDICATOR: "rd_staff",
        schema.PERIOD: "2026-Q1",
        schema.GRANULARITY: "quarter",
        schema.DATE: "2026-03-31",
        schema.VALUE: 30000.0,
        schema.QUALIFIER: "",
        schema.UNIT: "persons",
        schema.STATUS: "reported",
        schema.TARGET_DATE: "",
        schema.SOURCE_ID: "derived_here",
        schema.NOTE: "imported before issue 11",
        schema.DERIVED_FROM: "",
    }
    con.execute(
        f"INSERT INTO observations ({', '.join(old)}, batch_id) VALUES ({', '.join('?' * len(old))}, 900)",
        [values[c] for c in old],
    )
    con.close()


def test_an_older_store_keeps_its_imported_rows_and_gains_the_columns(tmp_path):
    path = tmp_path / "old.duckdb"
    _old_store(path)
    db = store.open_store(path)  # applies step 3 (and every later one), then loads the bundled data beside the import
    assert db.meta("schema_version") == store.SCHEMA_VERSION  # the latest step (3, or later steps appended)
    kept = db.observations(indicators=["rd_staff"], province_codes=["01"], statuses=["reported"])
    kept = kept[kept[schema.PERIOD] == "2026-Q1"]
    assert kept[[schema.VALUE, schema.NOTE, schema.DOUBTFUL, schema.RANK_OF, schema.BATCH_ID]].values.tolist() == [
        [30000.0, "imported before issue 11", "", "", 900]
    ]
    # and the bundled published figures arrived with their flags
    doubtful = db.observations(indicators=["pii_rank"], statuses=["reported", schema.SHOW_DOUBTFUL])
    assert set(doubtful[schema.DOUBTFUL]) == {"", "yes"}
    assert set(doubtful[schema.RANK_OF]) == {"63", "34"}
    db.close()
    # opening again changes nothing
    again = store.open_store(path)
    assert again.meta("schema_version") == store.SCHEMA_VERSION
    rows = again.observations(indicators=["rd_staff"], province_codes=["01"], statuses=["reported"])
    assert rows[rows[schema.PERIOD] == "2026-Q1"][schema.VALUE].tolist() == [30000.0]
    again.close()
