"""Where the store's SQL runs: the embedded DuckDB file, or a PostgreSQL server (psycopg 3).

:mod:`data.store` writes its SQL once, with ``?`` parameters and what both engines accept
(``VARCHAR``, ``INTEGER``, ``DOUBLE PRECISION``, ``TIMESTAMP``, sequences, ``INSERT ... ON CONFLICT
... DO UPDATE``). The few differences live here, behind one small interface:

* an engine gives a :class:`Cursor` for reading (``read(fn)``) and one inside a write transaction
  (``with engine.writing() as cur``);
* a cursor runs SQL (``execute``, ``fetchone``, ``fetchall``), returns a frame (``frame``), bulk-loads
  a frame into a table (``load``: DuckDB reads the registered frame, PostgreSQL gets ``COPY`` from a
  CSV buffer) and shows a frame as a temporary table to join against (``temporary``).

Nothing of the driver (connections, cursors) leaves :mod:`data.store`: its methods take and return
frames and plain values.

DuckDB: one connection per process, a cursor per call, writers serialised by a lock (the file is
locked to one process anyway). PostgreSQL: a small pool of connections per process; every write
transaction first takes ``pg_advisory_xact_lock`` so the writers of every process run one at a time
(two imports at the same moment: the second waits, then sees the first's rows). A lost server
(stopped, restarted, connection killed) raises :class:`StoreUnavailable`; the broken connection is
dropped and the next call connects again, so the app recovers without a restart.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd

#: The key of the advisory lock every PostgreSQL write transaction holds ("57" and "15", arbitrary).
WRITE_LOCK_KEY = 5_715
#: Connections one app process keeps open to PostgreSQL at most.
POOL_SIZE = 4
CONNECT_TIMEOUT_S = 5


class StoreUnavailable(ConnectionError):
    """The store's server cannot be reached (stopped, restarting, connection lost); nothing was written."""


def is_url(target) -> bool:
    """Whether ``target`` names a PostgreSQL database (``postgresql://...``) rather than a DuckDB file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def without_password(url: str) -> str:
    """The URL with any password blanked, to show or to key caches on.

    Examples
    --------
    >>> without_password("postgresql://vn57:secret@db:5432/vn57")
    'postgresql://vn57:***@db:5432/vn57'
    >>> without_password("postgresql://db/vn57?user=vn57&password=secret")
    'postgresql://db/vn57?user=vn57&password=***'
    """
    return re.sub(r"([?&]password=)[^&]*", r"\1***", re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url))


# --- DuckDB ---------------------------------------------------------------------------------------
class _DuckCursor:
    def __init__(self, cursor):
        self._cur = cursor

    def execute(self, sql: str, params=None):
        self._cur.execute(sql, params or None)
        return self

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    def frame(self, sql: str, params=None) -> pd.DataFrame:
        # through Arrow: about 7 times faster than .df() for text columns
        return self._cur.sql(sql, params=params or None).to_arrow_table().to_pandas()

    def load(self, table: str, columns: list[str], frame: pd.DataFrame) -> None:
        names = ", ".join(columns)
        with self.temporary("incoming", frame):
            self._cur.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming")

    @contextlib.contextmanager
    def temporary(self, name: str, frame: pd.DataFrame):
        self._cur.register(name, frame)
        try:
            yield
        finally:
            self._cur.unregister(name)


class DuckDBEngine:
    """The embedded store: one DuckDB file, one connection, a cursor per call."""

    name = "duckdb"

    def __init__(self, path: Path, *, read_only: bool = False):
        import duckdb

        self.path = Path(path)
        self.location = str(self.path)
        self._con = duckdb.connect(str(self.path), read_only=read_only)
        self._lock = threading.Lock()  # serialises writers; readers use their own cursors

    @classmethod
    def around(cls, connection) -> DuckDBEngine:
        """An engine on a DuckDB connection opened elsewhere (not closed by :meth:`close`)."""
        engine = cls.__new__(cls)
        engine.path, engine.location, engine._con, engine._lock = None, "", connection, threading.Lock()
        return engine

    def read(self, fn: Callable):
        cursor = self._con.cursor()
        try:
            return fn(_DuckCursor(cursor))
        finally:
            cursor.close()

    @contextlib.contextmanager
    def writing(self):
        """One write transaction: the writers' lock, a cursor, BEGIN, then COMMIT, or ROLLBACK on any error."""
        with self._lock:
            cur = self._con.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                yield _DuckCursor(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    def extra_ddl(self) -> list[str]:
        return []

    def close(self) -> None:
        self._con.close()


# --- PostgreSQL -------------------------------------------------------------------------------------
_TIMESTAMP_OIDS = {1114, 1184}
_INT_OIDS = {20: "int64", 21: "int16", 23: "int32"}
_FLOAT_OIDS = {700, 701, 1700}


def _pg_sql(sql: str, params) -> str:
    """``?`` parameters as psycopg's ``%s`` (a literal ``%`` doubled); unchanged without parameters."""
    return sql.replace("%", "%%").replace("?", "%s") if params else sql


def _typed(rows: list[tuple], description) -> pd.DataFrame:
    """Rows as a frame with the dtypes DuckDB's Arrow path gives (timestamps, floats, ints; NULL ints as floats)."""
    names = [d.name for d in description]
    frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=True) if rows else pd.DataFrame(columns=names)
    for name, d in zip(names, description):
        col = frame[name]
        if d.type_code in _TIMESTAMP_OIDS:
            frame[name] = pd.to_datetime(col)
        elif d.type_code in _FLOAT_OIDS:
            frame[name] = pd.to_numeric(col, errors="coerce").astype("float64")
        elif d.type_code in _INT_OIDS:
            frame[name] = col.astype(_INT_OIDS[d.type_code]) if not col.isna().any() else col.astype("float64")
    return frame


def _pg_type(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series):
        return "BIGINT"
    if pd.api.types.is_float_dtype(series):
        return "DOUBLE PRECISION"
    return "VARCHAR"


class _PgCursor:
    def __init__(self, connection):
        self._con = connection
        self._cur = connection.cursor()

    def execute(self, sql: str, params=None):
        self._cur.execute(_pg_sql(sql, params), params or None)
        return self

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    def frame(self, sql: str, params=None) -> pd.DataFrame:
        self._cur.execute(_pg_sql(sql, params), params or None)
        return _typed(self._cur.fetchall(), self._cur.description)

    def load(self, table: str, columns: list[str], frame: pd.DataFrame) -> None:
        """``COPY`` the frame in as CSV; text columns keep empty strings (not NULL), missing numbers are NULL."""
        if frame.empty:
            return
        text = [c for c in columns if _pg_type(frame[c]) == "VARCHAR"]
        buffer = io.StringIO()
        frame[columns].to_csv(buffer, index=False, header=False)
        keep = f", FORCE_NOT_NULL ({', '.join(text)})" if text else ""
        with self._cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv{keep})") as copy:
            copy.write(buffer.getvalue())

    @contextlib.contextmanager
    def temporary(self, name: str, frame: pd.DataFrame):
        cols = ", ".join(f"{c} {_pg_type(frame[c])}" for c in frame.columns)
        self._cur.execute(f"CREATE TEMPORARY TABLE {name} ({cols})")
        try:
            self.load(name, list(frame.columns), frame)
            yield
        finally:
            if not self._con.closed and not self._con.broken:
                self._cur.execute(f"DROP TABLE IF EXISTS {name}")


class PostgresEngine:
    """A PostgreSQL database through psycopg 3: a small pool of connections, advisory-locked writes."""

    name = "postgresql"

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE):
        self.url = url
        self.location = without_password(url)
        self._idle: list = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._closed = False

    # connections
    def _connect(self):
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(self._why(exc)) from exc

    def _why(self, exc: BaseException) -> str:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"The PostgreSQL store {self.location} cannot be reached: {first}"

    def _take(self) -> tuple[object, bool]:
        """A connection and whether it is new (a new one that fails means the server is down)."""
        with self._lock:
            while self._idle:
                con = self._idle.pop()
                if not con.closed and not con.broken:
                    return con, False
        return self._connect(), True

    def _give_back(self, con) -> None:
        from psycopg.pq import TransactionStatus

        healthy = not con.closed and not con.broken and con.info.transaction_status == TransactionStatus.IDLE
        with self._lock:
            if healthy and not self._closed:
                self._idle.append(con)
                return
        con.close()

    def _forget_idle(self) -> None:
        """Close every idle connection (after one failed, the others are most likely stale too)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for con in idle:
            con.close()

    def read(self, fn: Callable):
        """``fn(cursor)`` outside any transaction; a stale pooled connection is replaced once, silently."""
        import psycopg

        with self._slots:
            for attempt in (0, 1):
                con, new = self._take()
                try:
                    result = fn(_PgCursor(con))
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    con.close()
                    self._forget_idle()
                    if new or attempt:
                        raise StoreUnavailable(self._why(exc)) from exc
                    continue
                except BaseException:
                    self._give_back(con)
                    raise
                self._give_back(con)
                return result

    @contextlib.contextmanager
    def writing(self):
        """One transaction holding the writers' advisory lock: COMMIT at the end, ROLLBACK on any error.

        A lost connection raises :class:`StoreUnavailable`; the server has dropped the transaction,
        so nothing of it remains.
        """
        import psycopg

        with self._slots:
            con = None
            for attempt in (0, 1):  # a stale pooled connection fails at BEGIN: nothing done yet, try a new one
                con, new = self._take()
                try:
                    con.execute("BEGIN")
                    con.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
                    break
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    con.close()
                    self._forget_idle()
                    if new or attempt:
                        raise StoreUnavailable(self._why(exc)) from exc
            try:
                yield _PgCursor(con)
                con.execute("COMMIT")
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                con.close()
                self._forget_idle()
                raise StoreUnavailable(self._why(exc)) from exc
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    con.execute("ROLLBACK")
                self._give_back(con)
                raise
            self._give_back(con)

    def extra_ddl(self) -> list[str]:
        """Indexes for the key lookups of imports and the filters of pages (DuckDB scans fast enough without)."""
        return [
            "CREATE INDEX IF NOT EXISTS observations_key ON observations (indicator_id, geo_code, period)",
            "CREATE INDEX IF NOT EXISTS observations_batch ON observations (batch_id)",
        ]

    def backend_pid(self) -> int | None:
        """The server process of one pooled connection (tests use it to kill a connection)."""
        return self.read(lambda cur: cur.execute("SELECT pg_backend_pid()").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._forget_idle()
