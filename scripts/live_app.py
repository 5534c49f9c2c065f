"""The app served for real, and a headless Chromium to look at it (screenshots, start-up benchmark).

Used by ``scripts/screenshots.py`` and ``benchmarks/bench_pages.py``; the browser tests have the
same in ``tests/browser/conftest.py`` as pytest fixtures. Debian's Chromium only
(``/usr/bin/chromium``): Playwright's own browser download is never used.
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
_IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  if (state === null || ['initial', 'running', 'rerunRequested', 'stopRequested'].includes(state)) return false;
  return document.querySelector('[data-testid="stStatusWidget"]') === null;
}
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(data_dir: str | None = None, timeout_s: float = 60.0, script: str = "app.py"):
    """Start ``streamlit run app.py`` (or ``script``) on a free loopback port; yields ``(base_url, process)``."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="vn57_live_") as tmp:
        env = dict(os.environ, VN57_DATA_DIR=data_dir or tmp, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed in finally
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:  # noqa: S310 - loopback
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {(Path(tmp) / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
            yield base, proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
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
    """Wait until the script has run and the app has been idle for ``quiet_s`` seconds."""
    deadline, quiet_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        if page.evaluate(_IDLE_JS):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_s:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(50)
    raise TimeoutError(f"{page.url} not idle after {timeout_s} s")


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
