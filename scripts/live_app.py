"""The app served for real, and a headless Chromium to look at it: the one implementation.

Used by ``scripts/screenshots.py``, ``benchmarks/bench_pages.py``, ``benchmarks/bench_meeting.py`` and the
browser tests' fixtures (``tests/browser/conftest.py``). Debian's Chromium only (``/usr/bin/chromium``):
Playwright's own browser download is never used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
#: Without the networking flags Chromium itself tries outside hosts.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: Script states in which the app is still working (Streamlit's ScriptRunState).
BUSY_STATES = ("initial", "running", "rerunRequested", "stopRequested")
_IDLE_JS = """
(busy) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  if (state === null || busy.includes(state)) return false;
  const conn = app.getAttribute('data-test-connection-state');
  if (conn !== null && conn !== 'CONNECTED' && conn !== 'STATIC_CONNECTED') return false;
  return document.querySelector('[data-testid="stStatusWidget"]') === null;
}
"""
_STATE_JS = """
() => { const a = document.querySelector('[data-testid="stApp"]');
        return a ? [a.getAttribute('data-test-script-state'), a.getAttribute('data-test-connection-state')] : null; }
"""


class ServerFailed(RuntimeError):
    """The server exited or never answered its health check; the message holds the command and the log's end."""


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base_url: str) -> bool:
    """Whether the server at ``base_url`` answers ``ok`` on ``/_stcore/health``."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:  # noqa: S310 - loopback
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except OSError:
        return False


def stop(proc: subprocess.Popen) -> None:
    """End the server's whole process group: SIGTERM, then SIGKILL if it lingers."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait_s)


@contextlib.contextmanager
def serve(data_dir: str | None = None, timeout_s: float = 150.0, script: str | Path = "serve.py"):
    """Start ``streamlit run`` of ``script`` (relative to the repository, or absolute) on a free loopback port.

    By default the app as the README starts it (``serve.py``: it answers its health check once warm, see
    :mod:`ui.warmup`). The data folder (``VN57_DATA_DIR``) is ``data_dir``, else a temporary one. Yields
    ``(base_url, process)`` once ``/_stcore/health`` answers; the process's ``log_path`` is the server's log
    and ``log_at_health`` what it held then. Raises :class:`ServerFailed` with the log's end if it never
    answers within ``timeout_s`` (the warm-up waits at most 60 s of it). The server runs in its own process
    group, ended with every child on the way out.
    """
    app = (REPO_ROOT / script).resolve()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="vn57_live_") as tmp:
        env = dict(os.environ, VN57_DATA_DIR=str(data_dir or tmp), PYTHONUNBUFFERED="1",
                   STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", STREAMLIT_SERVER_HEADLESS="true")  # fmt: skip
        cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
        log_path = Path(tmp) / "server.log"
        log = open(log_path, "wb")  # noqa: SIM115 - closed in finally
        # from the repository (its .streamlit/config.toml, its packages importable); a script elsewhere from its folder
        cwd = REPO_ROOT if app.is_relative_to(REPO_ROOT) else app.parent
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while not healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    why = (
                        f"exited with code {proc.returncode}"
                        if proc.poll() is not None
                        else f"not healthy after {timeout_s:.0f} s"
                    )
                    tail = log_path.read_text(errors="replace")[-4000:]
                    raise ServerFailed(f"streamlit server {why}; cmd={cmd}\n--- server log ---\n{tail}")
                time.sleep(0.2)
            log.flush()
            proc.log_path, proc.log_at_health = log_path, log_path.read_text(errors="replace")
            yield base, proc
        finally:
            stop(proc)
            log.close()


@contextlib.contextmanager
def chromium():
    """A headless Debian Chromium driven by Playwright; yields the browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_idle(page, timeout_s: float = 60.0, quiet_s: float = 0.5) -> None:
    """Wait until the script has run and the app has been idle for ``quiet_s`` seconds.

    Idle: ``stApp`` carries a script state that is not running, initial or rerun-requested, the
    connection is up, and no status widget is shown. A very fast rerun may never show "running", so
    instead of waiting for a transition a quiet spell is needed in which idle holds at every poll.
    """
    deadline, quiet_since = time.monotonic() + timeout_s, None
    busy = list(BUSY_STATES)
    while time.monotonic() < deadline:
        if page.evaluate(_IDLE_JS, busy):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_s:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(50)
    raise TimeoutError(f"{page.url} not idle after {timeout_s} s (stApp state: {page.evaluate(_STATE_JS)})")


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its children (the server), in MB."""
    total = 0
    for proc_pid in [pid, *_children(pid)]:
        with contextlib.suppress(OSError), open(f"/proc/{proc_pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
        return [int(x) for x in handle.read().split()]
    return []
