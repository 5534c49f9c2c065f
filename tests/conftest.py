"""Shared fixtures. Every test session gets its own store folder, so tests never touch .data/.

Store tests run on both back ends through ``store_target`` (DuckDB, then PostgreSQL in a throwaway cluster).
"""

import os
import tempfile

import pytest

# Loaded up front so that forecasts fit in the test process (analysis.robust_fit): only tests asking for where="child" start children.
import sklearn.linear_model  # noqa: F401

# Set before any test module imports the store: the app and loaders read it at open time.
os.environ.setdefault("VN57_DATA_DIR", tempfile.mkdtemp(prefix="vn57-tests-"))


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the whole session (tests/pg_support.py); skips when not installed."""
    from tests.pg_support import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["duckdb", "postgresql"])
def store_target(request, tmp_path):
    """Where a fresh store holding the bundled data only lives: a DuckDB file, then a PostgreSQL URL.

    Tests taking it (or ``db`` fixtures built on it) run once per back end: one suite for both.
    """
    if request.param == "duckdb":
        from tests.import_fixtures import fresh_store

        fresh_store(tmp_path).close()
        return tmp_path / "s.duckdb"
    return request.getfixturevalue("pg_cluster").fresh_url()


@pytest.fixture()
def db_path(tmp_path):
    """A fresh DuckDB store holding the bundled data, as a path for ``--db`` (the command-line tests)."""
    from tests.import_fixtures import fresh_store

    fresh_store(tmp_path).close()
    return str(next(tmp_path.glob("*.duckdb")))
