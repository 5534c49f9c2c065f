"""A throwaway PostgreSQL cluster for the tests, from Debian's ``postgresql`` package.

PostgreSQL refuses to run as root: as root, ``initdb`` and ``pg_ctl`` run as the ``postgres`` user
(``runuser``), in a folder under the system's temporary folder that this user owns and can reach
(pytest's own folders are private to root). Its own socket folder and a free port (not 5432), the
C.UTF-8 locale, no fsync (a test cluster). Each test gets a database copied from a template that
holds the bundled data only (``CREATE DATABASE ... TEMPLATE``), so stores start alike and fast.

Without PostgreSQL installed the tests that need it skip with the reason; under ``CI=true`` they fail.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "vn57"
TEMPLATE_DB = "vn57_pristine"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def pg_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian keeps them off PATH), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running cluster: ``url(db)``, ``fresh_url()``, ``stop()``, ``start()``, ``destroy()``."""

    def __init__(self, bin_dir: Path, base: Path, port: int):
        self.bin, self.base, self.port = bin_dir, base, port
        self.data, self.sockets, self.log = base / "data", base / "sockets", base / "postgres.log"
        self._names = itertools.count(1)
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as, *args], cwd=tempfile.gettempdir(), capture_output=True, text=True,
                              check=check, timeout=120)  # fmt: skip

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust", "--locale=C.UTF-8", "-E", "UTF8"
        )

    def start(self) -> None:
        options = (f"-k {self.sockets} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")  # fmt: skip
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def sql(self, statement: str, db: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as con:
            cur = con.execute(statement)
            return cur.fetchall() if cur.description else []

    def fresh_url(self) -> str:
        """A new database holding the bundled data only (a copy of the template)."""
        name = f"t{next(self._names)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
        return self.url(name)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> Cluster:
    """Initialise and start a cluster with the template database, or skip (fail under CI) saying why."""
    bin_dir = pg_bin()
    if bin_dir is None:
        skip_or_fail("PostgreSQL is not installed (apt-get install postgresql): PostgreSQL store tests skipped")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        skip_or_fail("running as root without runuser: cannot start PostgreSQL as the postgres user")
    base = Path(tempfile.mkdtemp(prefix="vn57-pg-"))
    base.chmod(0o755)  # the postgres user must reach its folders
    cluster = Cluster(bin_dir, base, free_port())
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    for folder in (cluster.sockets,):
        cluster._run("mkdir", "-p", str(folder))
    try:
        cluster.init()
        cluster.start()
    except subprocess.CalledProcessError as exc:
        log = cluster.log.read_text(errors="replace")[-2000:] if cluster.log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        skip_or_fail(f"could not start a PostgreSQL cluster: {exc.stderr or exc}\n{log}")
    from data import store

    cluster.sql(f"CREATE DATABASE {TEMPLATE_DB}")
    store.open_store(cluster.url(TEMPLATE_DB)).close()
    return cluster
