"""The store: observations, their metadata and import batches, in DuckDB or PostgreSQL.

* Location: ``$VN57_STORE_URL`` (``postgresql://...``) puts it in a PostgreSQL database shared by
  several app processes; otherwise it is an embedded DuckDB file: ``$VN57_STORE`` if set, else
  ``$VN57_DATA_DIR/vn57.duckdb``, else ``.data/vn57.duckdb`` in the project folder (git ignores it).
  The SQL below is written once for both; :mod:`data.store_engines` holds the few differences
  (parameters, bulk loads by ``COPY``, connections, the writers' advisory lock).
* First open creates it from the bundled files (:mod:`data.observations`, the catalogue and
  the sources) as one batch of kind ``bundled``. Later opens keep it as it is; when the bundled
  files change (a new version of the dashboard), only the rows of the bundled batch are
  replaced, in one transaction, so imported data is never touched.
* Every write is one transaction recorded in ``batches`` (id, time, kind, file name, sha256,
  rows added and skipped, who), so an import can be undone as a whole. Undoing is one transaction
  too: it stamps ``undone_at`` and ``undone_by`` on the batch and keeps its rows, which reads then
  hide. Every write and every undo also adds a line to ``audit`` (what, which batch, who, when).
* A killed process never leaves half a batch: DuckDB writes a transaction to its log only on
  commit, PostgreSQL drops the transaction of a lost connection (``tests/data/test_store_kill.py``
  kills an import inside its transaction to check).
* With PostgreSQL, two processes writing at once are serialised (the second waits for the first's
  commit, then checks its rows against what is stored); a file imported meanwhile by another process
  raises :class:`DuplicateImportError`. A lost server raises :class:`StoreUnavailable`.

Methods take and return frames and plain values: no connection or cursor crosses this interface.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from data import catalogue, observations, schema, tasks
from data.messages import Message
from data.store_engines import DuckDBEngine, PostgresEngine, StoreUnavailable, is_url  # noqa: F401  (StoreUnavailable: re-exported)

PROJECT_DIR = Path(__file__).resolve().parent.parent
STORE_FILE_NAME = "vn57.duckdb"
KIND_BUNDLED = "bundled"
KIND_IMPORT = "import"
URL_ENV = "VN57_STORE_URL"
#: Rows inserted per statement; ``progress`` is called after each chunk.
CHUNK_ROWS = 25_000

_OBS_SQL_COLUMNS = ", ".join(
    f"{c} VARCHAR"
    for c in schema.OBSERVATION_COLUMNS
    if c not in (schema.VALUE, schema.DOUBTFUL, schema.RANK_OF, schema.NOTE_VI)
)  # doubtful and rank_of: step 3; note_vi: step 8
_DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
    {schema.BATCH_ID} INTEGER PRIMARY KEY,
    created_at TIMESTAMP,
    kind VARCHAR,
    file_name VARCHAR,
    sha256 VARCHAR,
    rows_added INTEGER,
    user_name VARCHAR,
    undone_at TIMESTAMP,
    rows_skipped INTEGER DEFAULT 0,
    undone_by VARCHAR
);
ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_skipped INTEGER DEFAULT 0;
ALTER TABLE batches ADD COLUMN IF NOT EXISTS undone_by VARCHAR;
CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY,
    created_at TIMESTAMP,
    action VARCHAR,
    {schema.BATCH_ID} INTEGER,
    user_name VARCHAR,
    detail VARCHAR
);
CREATE TABLE IF NOT EXISTS observations ({_OBS_SQL_COLUMNS}, {schema.VALUE} DOUBLE PRECISION, {schema.BATCH_ID} INTEGER);
CREATE TABLE IF NOT EXISTS indicators (payload VARCHAR);
CREATE TABLE IF NOT EXISTS sources (payload VARCHAR);
CREATE TABLE IF NOT EXISTS milestones (payload VARCHAR);
"""
_META_TABLES = ("indicators", "sources", "milestones")


def _base_schema(cur) -> None:
    """Step 2: the tables as of the release with imports (meta, batches, audit, observations, payloads).

    Idempotent (``IF NOT EXISTS``), so it also upgrades a store of the first release, which
    recorded version 1 with fewer batch columns and no audit table.
    """
    cur.execute(_DDL)


def _add_doubtful_and_rank_of(cur) -> None:
    """Step 3 (issue 11): the doubtful flag and a rank's field size on every observation.

    Rows stored before it keep their values and get "" in both columns (not doubtful, not a rank).
    """
    for column in (schema.DOUBTFUL, schema.RANK_OF):
        cur.execute(f"ALTER TABLE observations ADD COLUMN IF NOT EXISTS {column} VARCHAR DEFAULT ''")
        cur.execute(f"UPDATE observations SET {column} = '' WHERE {column} IS NULL")


def _auth_failures(cur) -> None:
    """Step 4: the password slow-down's counts (data/auth.py), in the store so every app process agrees."""
    cur.execute(
        "CREATE TABLE IF NOT EXISTS auth_failures (key VARCHAR PRIMARY KEY, failures INTEGER, until_s DOUBLE PRECISION)"
    )


def _imported_definitions(cur) -> None:
    """Step 6: indicators and sources defined by imports, one row each, stored with (and undone with) their batch."""
    cur.execute(
        "CREATE TABLE IF NOT EXISTS imported_indicators (batch_id INTEGER, indicator_id VARCHAR, payload VARCHAR)"
    )
    cur.execute("CREATE TABLE IF NOT EXISTS imported_sources (batch_id INTEGER, source_id VARCHAR, payload VARCHAR)")


def _note_vi(cur) -> None:
    """Step 8 (issue 12): each observation's note in Vietnamese (``note_vi``) beside ``note``.

    Rows stored before it keep their values and get "" (no Vietnamese note: pages show ``note``).
    """
    cur.execute(f"ALTER TABLE observations ADD COLUMN IF NOT EXISTS {schema.NOTE_VI} VARCHAR DEFAULT ''")
    cur.execute(f"UPDATE observations SET {schema.NOTE_VI} = '' WHERE {schema.NOTE_VI} IS NULL")


#: Schema migrations, applied in order on open (:func:`migrate`), each in its own transaction that
#: also records its number as the store's ``schema_version`` in ``meta``. A schema change is a new
#: step appended here (never an edit of an existing one), so a store made by any earlier release
#: keeps its imports when a newer one opens it. Steps take a cursor and should be idempotent SQL.
#: They run on DuckDB and on PostgreSQL (``cur.execute``, ``cur.frame``, ``cur.load``: see
#: data/store_engines.py): write types both accept (VARCHAR, INTEGER, BOOLEAN, DOUBLE PRECISION,
#: TIMESTAMP) and ``INSERT ... ON CONFLICT``; tests/data/test_store_migrations.py runs every step on both.
MIGRATIONS: list[tuple[int, str, object]] = [
    (2, "base schema: meta, batches, audit, observations, indicators, sources, milestones", _base_schema),
    (3, "doubtful flag and rank field size (rank_of) on observations", _add_doubtful_and_rank_of),
    (4, "auth_failures: the password slow-down's counts, shared by every app process", _auth_failures),
    (5, "task register: tasks (one row per task and reporting date; data/tasks.py)", tasks.create_table),
    (6, "indicators and sources defined by imports", _imported_definitions),
    (7, "task_renames: renamed tasks, stored with their batch (data/tasks.py)", tasks.create_renames_table),
    (8, "note_vi: the note in Vietnamese on observations", _note_vi),
    (9, "note_vi: the note in Vietnamese on tasks (data/tasks.py)", tasks.add_note_vi),
]
SCHEMA_VERSION = str(MIGRATIONS[-1][0])


def default_path() -> Path:
    """Where the store lives unless told otherwise (see the module docstring)."""
    if os.environ.get("VN57_STORE"):
        return Path(os.environ["VN57_STORE"])
    folder = Path(os.environ.get("VN57_DATA_DIR") or PROJECT_DIR / ".data")
    return folder / STORE_FILE_NAME


def bundled_fingerprint() -> str:
    """sha256 over the bundled files: changes whenever a new version ships different data."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in (
        *observations.REAL_FILES,
        observations.SYNTHETIC_FILE,
        observations.MILESTONES_FILE,
        catalogue.CATALOGUE_FILE,
        catalogue.SOURCES_FILE,
        tasks.DEMO_FILE,
    ):
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class Store:
    """A handle on the store (DuckDB or PostgreSQL). Create it with :func:`open_store`."""

    def __init__(self, engine: DuckDBEngine | PostgresEngine):
        self._engine = engine
        self.engine = engine.name
        #: Where the data is: the DuckDB file, or the PostgreSQL URL without its password.
        self.location = engine.location
        self.path = getattr(engine, "path", None)
        #: Write transactions committed through this handle (lets a caller trust a data version it read until the next).
        self.writes = 0

    # --- reading ---------------------------------------------------------------------------
    def _query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self._engine.read(lambda cur: cur.frame(sql, params))

    def observations(
        self,
        *,
        indicators: list[str] | None = None,
        layouts: list[str] | None = None,
        geo_levels: list[str] | None = None,
        geo_codes: list[str] | None = None,
        province_codes: list[str] | None = None,
        statuses: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> pd.DataFrame:
        """Observations matching every filter given (``None`` means no filter on that column).

        Rows of undone batches are never returned. With ``statuses`` given, doubtful rows are left out
        unless it holds :data:`data.schema.SHOW_DOUBTFUL` (the sidebar's "show doubtful values").
        Nation and region rows have no layout and pass any layout filter; ``province_codes`` restricts
        province rows only (nation and region rows
        pass), while ``geo_codes`` restricts every row. Dates are ISO text compared inclusively on the period's end date.
        """
        where, params = ["b.undone_at IS NULL"], []

        def within(column: str, values: list | None) -> None:
            if values is not None:
                if not values:
                    where.append("FALSE")
                    return
                where.append(f"o.{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)

        within(schema.INDICATOR, indicators)
        within(schema.GEO_LEVEL, geo_levels)
        within(schema.GEO_CODE, geo_codes)
        statuses, doubtful = _without_doubtful(statuses)
        within(schema.STATUS, statuses)
        where.extend(doubtful)
        for column, values in ((schema.LAYOUT, layouts), (schema.GEO_CODE, province_codes)):
            if values is not None:
                marks = ", ".join("?" * len(values)) or "NULL"
                where.append(f"(o.{schema.GEO_LEVEL} <> 'province' OR o.{column} IN ({marks}))")
                params.extend(values)
        if date_from:
            where.append(f"o.{schema.DATE} >= ?")
            params.append(date_from)
        if date_to:
            where.append(f"o.{schema.DATE} <= ?")
            params.append(date_to)
        cols = ", ".join(f"o.{c}" for c in schema.OBSERVATION_COLUMNS) + f", o.{schema.BATCH_ID}"
        sql = (
            f"SELECT {cols} FROM observations o JOIN batches b USING ({schema.BATCH_ID}) "
            f"WHERE {' AND '.join(where)} "
            f"ORDER BY o.{schema.INDICATOR}, o.{schema.GEO_LEVEL}, o.{schema.LAYOUT}, o.{schema.GEO_CODE}, o.{schema.DATE}"
        )
        return self._query(sql, params)

    def summary(self, statuses: list[str]) -> pd.DataFrame:
        """Counts per status: observations, distinct indicators and sources (undone batches left out).

        Returns
        -------
        pandas.DataFrame
            Columns ``status``, ``observations``, ``indicators``, ``sources``, plus a last row
            with status ``"all"`` counting distinct values over the statuses given.
        """
        statuses, doubtful = _without_doubtful(statuses)
        marks = ", ".join("?" * len(statuses)) or "NULL"
        base = (
            f"FROM observations o JOIN batches b USING ({schema.BATCH_ID}) "
            f"WHERE b.undone_at IS NULL AND o.{schema.STATUS} IN ({marks})"
            + "".join(f" AND {clause}" for clause in doubtful)
        )
        # rows per status, indicator and source (a few hundred), counted here: DuckDB's COUNT(DISTINCT)
        # keeps about 10 MB of the server's memory after it, for good
        keys = (schema.STATUS, schema.INDICATOR, schema.SOURCE_ID)
        picked = ", ".join(f"o.{key}" for key in keys)
        groups = self._query(f"SELECT {picked}, COUNT(*) AS n {base} GROUP BY {picked}", list(statuses))

        def counts(rows: pd.DataFrame) -> list[int]:
            return [int(rows["n"].sum()), rows[schema.INDICATOR].nunique(), rows[schema.SOURCE_ID].nunique()]

        by_status = [[status, *counts(rows)] for status, rows in groups.groupby(schema.STATUS, sort=False)]
        return pd.DataFrame(
            [*by_status, ["all", *counts(groups)]], columns=["status", "observations", "indicators", "sources"]
        )

    def distinct(self, column: str) -> list[str]:
        """Sorted distinct values of an observation column (rows of undone batches left out)."""
        schema.check_choice("column", column, schema.OBSERVATION_COLUMNS)
        sql = (
            f"SELECT DISTINCT o.{column} AS v FROM observations o JOIN batches b USING ({schema.BATCH_ID}) "
            "WHERE b.undone_at IS NULL ORDER BY v"
        )
        return [str(v) for v in self._query(sql)["v"]]

    def _payload(self, table: str) -> pd.DataFrame:
        text = self._query(f"SELECT payload FROM {table}")
        if text.empty:
            return pd.DataFrame()
        return pd.read_json(io.StringIO(text["payload"].iloc[0]), orient="table")

    def indicators(self) -> pd.DataFrame:
        """The indicator catalogue: the bundled one, then the indicators of imports not undone."""
        return _with_imported(self._payload("indicators"), self.imported_indicators(), schema.INDICATOR)

    def sources(self) -> pd.DataFrame:
        """The sources, with citations: the bundled ones, then those of imports not undone."""
        return _with_imported(self._payload("sources"), self.imported_sources(), schema.SOURCE_ID)

    # --- definitions brought by imports (kept apart: plain SQL over two small tables) -------
    def imported_indicators(self) -> pd.DataFrame:
        """Indicators defined by imports not undone, with the ``batch_id`` that brought each."""
        return self._imported("imported_indicators")

    def imported_sources(self) -> pd.DataFrame:
        """Sources defined by imports not undone, with the ``batch_id`` that brought each."""
        return self._imported("imported_sources")

    def _imported(self, table: str) -> pd.DataFrame:
        found = self._query(
            f"SELECT d.{schema.BATCH_ID}, d.payload FROM {table} d JOIN batches b ON b.{schema.BATCH_ID} = d.{schema.BATCH_ID} "
            f"WHERE b.undone_at IS NULL ORDER BY d.{schema.BATCH_ID}"
        )
        if found.empty:
            return pd.DataFrame()
        rows = [
            {**json.loads(text), schema.BATCH_ID: int(batch)}
            for batch, text in zip(found[schema.BATCH_ID], found["payload"])
        ]
        return pd.DataFrame(rows)

    @staticmethod
    def _write_definitions(cur, batch_id: int, indicators: pd.DataFrame | None, sources: pd.DataFrame | None) -> None:
        """Store the indicators and sources a batch defines, one JSON row each, inside the batch's transaction."""
        for table, key, frame in (("imported_indicators", schema.INDICATOR, indicators),
                                  ("imported_sources", schema.SOURCE_ID, sources)):  # fmt: skip
            if frame is None or frame.empty:
                continue
            for row in frame.to_dict(orient="records"):
                payload = json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False)
                cur.execute(f"INSERT INTO {table} ({schema.BATCH_ID}, {key}, payload) VALUES (?, ?, ?)",
                            [batch_id, str(row[key]), payload])  # fmt: skip

    @staticmethod
    def _definitions_in_use(cur, batch_id: int) -> tuple[list[str], list[int]]:
        """Ids a batch defines that observations of other batches not undone use, and those batches."""
        found = cur.execute(
            f"SELECT DISTINCT d.indicator_id, o.{schema.BATCH_ID} FROM imported_indicators d "
            f"JOIN observations o ON o.{schema.INDICATOR} = d.indicator_id "
            f"JOIN batches b ON b.{schema.BATCH_ID} = o.{schema.BATCH_ID} "
            f"WHERE d.{schema.BATCH_ID} = ? AND o.{schema.BATCH_ID} <> ? AND b.undone_at IS NULL "
            f"UNION SELECT DISTINCT d.source_id, o.{schema.BATCH_ID} FROM imported_sources d "
            f"JOIN observations o ON o.{schema.SOURCE_ID} = d.source_id "
            f"JOIN batches b ON b.{schema.BATCH_ID} = o.{schema.BATCH_ID} "
            f"WHERE d.{schema.BATCH_ID} = ? AND o.{schema.BATCH_ID} <> ? AND b.undone_at IS NULL",
            [int(batch_id)] * 4,
        ).fetchall()
        return sorted({str(r[0]) for r in found}), sorted({int(r[1]) for r in found})

    def milestones(self) -> pd.DataFrame:
        """Dated non-numeric facts (meetings, plans)."""
        return self._payload("milestones")

    def batches(self) -> pd.DataFrame:
        """Every write to the store, newest first."""
        return self._query("SELECT * FROM batches ORDER BY batch_id DESC")

    def data_version(self) -> tuple[str, int, int]:
        """What the data is now, cheaply (one small query): (store location, highest batch id, batches undone).

        Changes with every write, whichever process made it: an import adds a batch, an undo stamps
        one, a reload of the bundled data replaces its batch with a new (higher) id. Results computed
        from the data can be cached under it and are never stale.
        """
        top, undone = self._engine.read(
            lambda cur: cur.execute(
                f"SELECT coalesce(max({schema.BATCH_ID}), 0), count(undone_at) FROM batches"
            ).fetchone()
        )
        return self.location, int(top), int(undone)

    def batch(self, batch_id: int) -> dict | None:
        """One batch as a dict, or None when there is no such batch."""
        found = self._query(f"SELECT * FROM batches WHERE {schema.BATCH_ID} = ?", [int(batch_id)])
        return None if found.empty else found.iloc[0].to_dict()

    def imports_of(self, sha256: str) -> pd.DataFrame:
        """Import batches of a file with this sha256, newest first (undone ones included)."""
        return self._query(
            f"SELECT * FROM batches WHERE kind = ? AND sha256 = ? ORDER BY {schema.BATCH_ID} DESC",
            [KIND_IMPORT, sha256],
        )

    def audit(self) -> pd.DataFrame:
        """The audit trail: every write and undo, newest first."""
        return self._query("SELECT * FROM audit ORDER BY audit_id DESC")

    def stored_matches(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Stored rows (of batches not undone) with the same key as rows of ``frame``.

        Returns
        -------
        pandas.DataFrame
            ``position`` (row of ``frame``, from 0), ``stored_value``, ``batch_id`` and ``file_name``
            of the stored row; one line per match.
        """
        return self._engine.read(lambda cur: _matches(cur, frame))

    def meta(self, key: str) -> str | None:
        found = self._query("SELECT value FROM meta WHERE key = ?", [key])
        return None if found.empty else str(found["value"].iloc[0])

    # --- writing ---------------------------------------------------------------------------
    def add_batch(
        self,
        frame: pd.DataFrame,
        *,
        kind: str,
        file_name: str = "",
        sha256: str = "",
        user: str = "",
        rows_skipped: int = 0,
        detail: str = "",
        progress: Callable[[int, int], None] | None = None,
        cursor=None,
        indicators: pd.DataFrame | None = None,
        sources: pd.DataFrame | None = None,
    ) -> int:
        """Insert validated observations as one batch; returns its id.

        With ``cursor`` given the caller owns the transaction; otherwise this call is one
        transaction of its own, so a failure (or a killed process) leaves the store as it was.

        An ``import`` batch is checked against the store inside the transaction: a row stored with
        the same key and the same value is skipped (counted in ``rows_skipped``); a row stored with
        another value raises :class:`StoredConflictError` and nothing is written; a file whose import
        (not undone) holds every row already raises :class:`DuplicateImportError` (another process
        imported it since it was checked). Rows go in by
        chunks of :data:`CHUNK_ROWS`, calling ``progress(done, total)`` after each chunk. The batch
        and a line of the audit trail (``detail`` says what happened) are written with the rows, and
        so are the ``indicators`` and ``sources`` the batch defines (see :mod:`data.definitions`).

        Raises
        ------
        StoreWriteError
            When the database cannot write (disk full, locked): nothing is written.
        """
        if cursor is not None:
            batch_id = self._write_batch(
                cursor, frame, kind, file_name, sha256, user, rows_skipped, progress, detail, False
            )
            self._write_definitions(cursor, batch_id, indicators, sources)
            return batch_id
        with self._transaction() as cur:
            batch_id = self._write_batch(
                cur, frame, kind, file_name, sha256, user, rows_skipped, progress, detail, True
            )
            self._write_definitions(cur, batch_id, indicators, sources)
            return batch_id

    def _write_batch(self, cur, frame, kind, file_name, sha256, user, rows_skipped, progress, detail, own) -> int:
        """The rows, the batch and its audit line, written with ``cur`` (see :meth:`add_batch`)."""
        rows = _as_rows(frame)
        if kind == KIND_IMPORT:
            had = len(rows)
            rows, stored = _drop_stored(cur, rows)
            rows_skipped += stored
            if had and rows.empty and sha256:
                _refuse_duplicate(cur, file_name, sha256)
        batch_id = _new_batch(cur, kind, file_name, sha256, len(rows), user, rows_skipped)
        rows[schema.BATCH_ID] = batch_id
        columns = list(schema.OBSERVATION_COLUMNS) + [schema.BATCH_ID]
        for start in range(0, max(len(rows), 1), CHUNK_ROWS):
            cur.load("observations", columns, rows.iloc[start : start + CHUNK_ROWS])
            if progress is not None:
                progress(min(start + CHUNK_ROWS, len(rows)), len(rows))
        _audit(cur, kind, batch_id, user, detail or f"{len(rows)} rows added, {int(rows_skipped)} skipped")
        return batch_id

    # --- the task register (data/tasks.py) ---------------------------------------------------
    def add_task_batch(
        self,
        frame: pd.DataFrame,
        *,
        file_name: str,
        sha256: str,
        user: str,
        rows_skipped: int = 0,
        detail: str = "",
        renames: pd.DataFrame | None = None,
    ) -> int:
        """Write checked tasks (:func:`data.tasks.check_tasks`) as one import batch, in one transaction; its id.

        The batch is undone like any import (:meth:`undo_batch` hides its tasks); ``rows_added``
        counts tasks. Raises ``ValueError`` when one of its snapshots (programme of a province on a
        reporting date) is stored already in a batch not undone, checked inside the transaction.
        ``renames`` (:data:`data.tasks.RENAME_COLUMNS`) are stored with the batch, and undone with it.
        """
        rows = tasks.as_rows(frame)
        with self._transaction() as cur:
            if (found := tasks.stored_in(cur, rows)) is not None:
                raise ValueError(found)
            batch_id = _new_batch(cur, KIND_IMPORT, file_name, sha256, len(rows), user, rows_skipped)
            tasks.insert(cur, rows, batch_id)
            if renames is not None and len(renames):
                tasks.insert_renames(cur, renames, batch_id)
            _audit(cur, KIND_IMPORT, batch_id, user, detail or f"{len(rows)} tasks added")
        return batch_id

    @contextlib.contextmanager
    def _transaction(self):
        """One write transaction (the writers' lock, BEGIN, then COMMIT, or ROLLBACK on any error): yields a cursor.

        A database error (disk full, a lock, an I/O error) becomes :class:`StoreWriteError`, after the
        rollback: the store is as it was.
        """
        try:
            with self._engine.writing() as cur:
                yield cur
        except BaseException as exc:
            if _database_error(exc):
                raise StoreWriteError.of(exc) from exc
            raise
        self.writes += 1

    def undo_batch(self, batch_id: int, *, user: str = "") -> None:
        """Undo an import in one transaction: stamp the batch undone (its rows stay, hidden) and audit it.

        Raises
        ------
        ValueError
            When there is no such batch, it is the bundled data, or it is already undone.
        """
        with self._transaction() as cur:
            found = cur.execute(
                f"SELECT kind, undone_at, undone_by FROM batches WHERE {schema.BATCH_ID} = ?", [int(batch_id)]
            ).fetchone()
            if found is None:
                raise UndoRefused(Message.of("store_no_batch", batch=batch_id))
            kind, undone_at, undone_by = found
            if kind != KIND_IMPORT:
                raise UndoRefused(Message.of("store_bundled_batch", batch=batch_id))
            if undone_at is not None:
                raise UndoRefused(Message.of("store_already_undone", batch=batch_id, when=f"{undone_at:%Y-%m-%d %H:%M}",
                                             user=undone_by or "unknown"))  # fmt: skip
            ids, users = self._definitions_in_use(cur, batch_id)
            if ids:
                raise UndoRefused(Message.of("store_definitions_in_use", batch=batch_id, ids=", ".join(ids),
                                             users=", ".join(map(str, users))))  # fmt: skip
            cur.execute(
                f"UPDATE batches SET undone_at = ?, undone_by = ? WHERE {schema.BATCH_ID} = ?",
                [_dt.datetime.now(), user, int(batch_id)],
            )
            _audit(cur, "undo", int(batch_id), user, f"batch {batch_id} undone")

    def load_bundled(self, force: bool = False) -> bool:
        """Load (or replace) the bundled data when it changed; returns True if it wrote anything."""
        fingerprint = bundled_fingerprint()
        if not force and self.meta("bundled_fingerprint") == fingerprint:
            return False
        frame = observations.bundled_observations()
        payloads = {
            "indicators": catalogue.indicators(),
            "sources": catalogue.sources(),
            "milestones": observations.bundled_milestones(),
        }
        with self._transaction() as cur:
            stored = cur.execute("SELECT value FROM meta WHERE key = 'bundled_fingerprint'").fetchone()
            if not force and stored and stored[0] == fingerprint:
                return False  # another process loaded it meanwhile
            old = f"SELECT {schema.BATCH_ID} FROM batches WHERE kind = '{KIND_BUNDLED}'"
            cur.execute(f"DELETE FROM observations WHERE {schema.BATCH_ID} IN ({old})")
            cur.execute(f"DELETE FROM batches WHERE kind = '{KIND_BUNDLED}'")
            bundled_id = self.add_batch(
                frame, kind=KIND_BUNDLED, file_name="data/sample", sha256=fingerprint, cursor=cur
            )
            tasks.replace_bundled(cur, bundled_id, tasks.bundled_tasks())  # demonstration task lists
            for table, payload in payloads.items():
                cur.execute(f"DELETE FROM {table}")
                cur.execute(f"INSERT INTO {table} VALUES (?)", [payload.to_json(orient="table", index=False)])
            _set_meta(cur, "bundled_fingerprint", fingerprint)
        return True

    # --- the password slow-down's counts (data/auth.py), shared by every process ----------------
    def auth_failures(self, keys) -> dict[str, tuple[int, float]]:
        """Failed password attempts in a row and the time (epoch seconds) before which none is checked, per key."""
        keys = list(keys)
        if not keys:
            return {}
        found = self._query(f"SELECT key, failures, until_s FROM auth_failures WHERE key IN ({', '.join('?' * len(keys))})",
                            keys)  # fmt: skip
        return {k: (int(n), float(u)) for k, n, u in zip(found["key"], found["failures"], found["until_s"])}

    def auth_failed(self, key: str, now: float, delay_of: Callable[[int], float]) -> float:
        """Count one more failure for ``key`` (atomically, whichever process counts); returns its delay."""
        with self._transaction() as cur:
            count = cur.execute(
                "INSERT INTO auth_failures VALUES (?, 1, 0) ON CONFLICT (key) "
                "DO UPDATE SET failures = auth_failures.failures + 1 RETURNING failures", [key]).fetchone()[0]  # fmt: skip
            delay = float(delay_of(int(count)))
            cur.execute("UPDATE auth_failures SET until_s = ? WHERE key = ?", [now + delay, key])
        return delay

    def auth_cleared(self, keys) -> None:
        """Forget the failures of ``keys`` (a password was right)."""
        keys = list(keys)
        if keys:
            with self._transaction() as cur:
                cur.execute(f"DELETE FROM auth_failures WHERE key IN ({', '.join('?' * len(keys))})", keys)

    def close(self) -> None:
        self._engine.close()


class DuplicateImportError(ValueError):
    """The same file was imported (by another process) since it was checked: every row is stored already."""


def _without_doubtful(statuses) -> tuple[list | None, list[str]]:
    """The statuses without :data:`data.schema.SHOW_DOUBTFUL`, and the clause that hides doubtful rows."""
    if statuses is None:
        return None, []
    shown = list(statuses)
    if schema.SHOW_DOUBTFUL in shown:
        return [s for s in shown if s != schema.SHOW_DOUBTFUL], []
    return shown, [f"coalesce(o.{schema.DOUBTFUL}, '') = ''"]


class StoredConflictError(ValueError):
    """Rows of an import differ from values stored (since the file was checked) for the same key."""


class UndoRefused(ValueError):
    """An undo that may not be done; the message is a :class:`data.messages.Message` (any language)."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)


class StoreWriteError(RuntimeError):
    """The database could not write (disk full, locked by another program, I/O error); nothing was changed.

    ``reason`` is the database's own words; :meth:`text` says it with what to do, in ``en`` or ``vi``.
    """

    def __init__(self, message: Message, reason: str):
        super().__init__(str(message))
        self.message, self.reason = message, reason

    @classmethod
    def of(cls, exc: BaseException) -> StoreWriteError:
        reason = " ".join(str(exc).split())[:300]
        lower = reason.lower()
        if "lock" in lower or "conflict" in lower:
            hint = Message.of("store_hint_locked")
        elif "space" in lower or "disk full" in lower or "enospc" in lower or "no space" in lower:
            hint = Message.of("store_hint_full")
        else:
            hint = Message.of("store_hint_other")
        return cls(Message.of("store_write_failed", reason=reason, hint=hint), reason)

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)


def _database_error(exc: BaseException) -> bool:
    """Whether an exception comes from the database driver (DuckDB or psycopg), not from this code."""
    return type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb", "psycopg", "psycopg_pool")


def _plain(value):
    """A value fit for JSON: NaN as None, NumPy scalars as Python ones."""
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _with_imported(bundled: pd.DataFrame, imported: pd.DataFrame, key: str) -> pd.DataFrame:
    """The bundled definitions, then the imported ones (never replacing a bundled id), in the bundled columns."""
    if imported.empty:
        return bundled
    imported = imported[~imported[key].isin(set(bundled[key]))].drop_duplicates(key, keep="first")
    columns = list(bundled.columns) + [c for c in imported.columns if c not in bundled.columns and c != schema.BATCH_ID]
    merged = pd.concat([bundled, imported.reindex(columns=columns)], ignore_index=True)
    for column in bundled.columns:  # keep the bundled dtypes (numbers stay numbers, flags stay flags)
        if pd.api.types.is_bool_dtype(bundled[column]):
            merged[column] = merged[column].fillna(False).astype(bool)
        elif pd.api.types.is_integer_dtype(bundled[column]):
            merged[column] = pd.to_numeric(merged[column], errors="coerce").fillna(0).astype(bundled[column].dtype)
        elif pd.api.types.is_float_dtype(bundled[column]):
            merged[column] = pd.to_numeric(merged[column], errors="coerce").astype("float64")
        elif (
            bundled[column].isna().sum() == 0
            and merged[column].isna().any()
            and column not in ("numerator", "denominator")
        ):
            merged[column] = merged[column].fillna("")
    return merged


_KEY_MATCH = " AND ".join(f"o.{c} = i.{c}" for c in schema.KEY_COLUMNS)


def _as_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The observation columns of ``frame``, text columns without missing values (so keys compare)."""
    rows = frame.reindex(columns=list(schema.OBSERVATION_COLUMNS)).reset_index(drop=True)
    for col in schema.OBSERVATION_COLUMNS:
        if col != schema.VALUE:
            rows[col] = rows[col].fillna("").astype(str)
    rows[schema.VALUE] = pd.to_numeric(rows[schema.VALUE])
    return rows


def _matches(cur, frame: pd.DataFrame) -> pd.DataFrame:
    keys = _as_rows(frame)[list(schema.KEY_COLUMNS)].assign(position=range(len(frame)))
    with cur.temporary("probe", keys):
        return cur.frame(
            f"SELECT i.position, o.{schema.VALUE} AS stored_value, o.{schema.BATCH_ID}, b.file_name "
            f"FROM probe i JOIN observations o ON {_KEY_MATCH} JOIN batches b ON b.{schema.BATCH_ID} = o.{schema.BATCH_ID} "
            "WHERE b.undone_at IS NULL ORDER BY i.position"
        )


def same_value(a, b) -> np.ndarray:
    """Whether stored and incoming values are the same number (up to float noise)."""
    return np.isclose(a, b, rtol=1e-9, atol=0.0)


def _drop_stored(cur, rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows not stored yet; raises :class:`StoredConflictError` when a stored value differs."""
    found = _matches(cur, rows)
    if found.empty:
        return rows, 0
    incoming = rows[schema.VALUE].to_numpy()[found["position"].to_numpy()]
    same = same_value(found["stored_value"].to_numpy(), incoming)
    if not same.all():
        raise StoredConflictError(
            f"{int((~same).sum())} row(s) differ from values stored since the file was checked "
            "(same place, indicator, period and status): check the file again."
        )
    keep = ~pd.Series(range(len(rows))).isin(set(found["position"])).to_numpy()
    return rows[keep].reset_index(drop=True), int((~keep).sum())


def _refuse_duplicate(cur, file_name: str, sha256: str) -> None:
    """Raise :class:`DuplicateImportError` when an import of this file (not undone) is stored."""
    found = cur.execute(
        f"SELECT {schema.BATCH_ID}, created_at, user_name FROM batches WHERE kind = ? AND sha256 = ? AND undone_at IS NULL "
        f"ORDER BY {schema.BATCH_ID} DESC", [KIND_IMPORT, sha256]).fetchone()  # fmt: skip
    if found is not None:
        batch, when, who = found
        raise DuplicateImportError(
            f"{file_name}: this file was already imported as batch {batch} on {when:%Y-%m-%d %H:%M} by "
            f"{who or 'unknown'}: all its values are stored already. Undo batch {batch} first to import it again."
        )


def _set_meta(cur, key: str, value: str) -> None:
    cur.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])


def _new_batch(cur, kind: str, file_name: str, sha256: str, rows: int, user: str, rows_skipped: int) -> int:
    """A new line of ``batches`` (inside the caller's transaction); returns its id."""
    batch_id = int(cur.execute("SELECT nextval('batch_seq')").fetchone()[0])
    cur.execute(
        f"INSERT INTO batches ({schema.BATCH_ID}, created_at, kind, file_name, sha256, rows_added, "
        "user_name, undone_at, rows_skipped, undone_by) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)",
        [batch_id, _dt.datetime.now(), kind, file_name, sha256, rows, user, int(rows_skipped)],
    )
    return batch_id


def _audit(cur, action: str, batch_id: int | None, user: str, detail: str) -> None:
    audit_id = int(cur.execute("SELECT nextval('audit_seq')").fetchone()[0])
    cur.execute(
        "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)",
        [audit_id, _dt.datetime.now(), action, batch_id, user, detail],
    )


def _engine_of(target) -> DuckDBEngine | PostgresEngine:
    """An engine, as given, or one around a DuckDB connection (the migration tests open the file themselves)."""
    return target if hasattr(target, "writing") else DuckDBEngine.around(target)


def _version_in(cur) -> int:
    has_meta = cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
    if not has_meta:
        return 0
    found = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if found is None:  # a store that never loaded its bundled batch
        has_batches = cur.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'batches'"
        ).fetchone()[0]
        return 1 if has_batches else 0
    return int(found[0])


def schema_version(connection) -> int:
    """The schema version recorded in a store (0 for an empty file): of an engine, or a DuckDB connection."""
    return _engine_of(connection).read(_version_in)


def migrate(connection, steps=None) -> list[int]:
    """Bring a store's schema up to date by applying the :data:`MIGRATIONS` it has not had.

    Each step runs in one transaction together with the new ``schema_version``, so a step that
    fails leaves the store at the version before it. Steps get a cursor of either engine
    (:mod:`data.store_engines`): their SQL must be what DuckDB and PostgreSQL both accept. On
    PostgreSQL each step holds the writers' lock and checks the version again inside it, so two
    processes starting together apply it once. An up-to-date store takes no lock.

    Returns
    -------
    list of int
        The step numbers applied (empty when the store was up to date).

    Raises
    ------
    RuntimeError
        When the store was made by a newer release (its version is above the last known step).
    """
    steps = MIGRATIONS if steps is None else steps
    engine = _engine_of(connection)
    current = schema_version(engine)
    latest = steps[-1][0]
    if current > latest:
        raise RuntimeError(
            f"The store has schema version {current}, newer than this release's {latest}: "
            "upgrade the dashboard before opening it."
        )
    applied = []
    for number, _description, step in steps:
        if number <= current:
            continue
        with engine.writing() as cur:
            if _version_in(cur) >= number:  # another process applied it meanwhile
                continue
            step(cur)
            for statement in engine.extra_ddl():  # PostgreSQL's indexes, idempotent
                cur.execute(statement)
            cur.execute("DELETE FROM meta WHERE key = 'schema_version'")
            cur.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(number)])
        applied.append(number)
    return applied


def open_store(path: Path | str | None = None, *, read_only: bool = False) -> Store:
    """Open the store, creating it (and loading the bundled data) on first use.

    Parameters
    ----------
    path : Path or str, optional
        The DuckDB file, or a ``postgresql://`` URL; defaults to ``$VN57_STORE_URL``, else
        :func:`default_path`. A DuckDB file's folder is created if needed.
    read_only : bool
        Open without writing (no schema change, no bundled refresh).

    Returns
    -------
    Store

    Raises
    ------
    StoreUnavailable
        When the PostgreSQL server cannot be reached.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "s.duckdb")
    >>> int(store.observations(indicators=["rd_staff_per_10k"], geo_levels=["nation"], statuses=["reported"])["value"].iloc[0] * 10)
    82
    """
    target = path or os.environ.get(URL_ENV) or default_path()
    if is_url(target):
        engine = PostgresEngine(str(target))
    else:
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = DuckDBEngine(target, read_only=read_only)
        except Exception as exc:  # held by another process, or unwritable
            if not _database_error(exc):
                raise
            raise StoreWriteError.of(exc) from exc
    store = Store(engine)
    if not read_only:
        try:
            migrate(engine)  # no lock taken when up to date: a process starting during an import does not wait
            store.load_bundled()
        except BaseException:
            engine.close()
            raise
    return store
