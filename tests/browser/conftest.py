"""Fixtures for the browser tests: a real Streamlit server and headless Chromium.

* ``streamlit_server``: starts ``python -m streamlit run app.py`` from the repo
  root on a free loopback port, with ``VN57_DATA_DIR`` pointed at a temp dir,
  waits for ``/_stcore/health`` to answer ``ok`` and kills the whole process
  group at the end of the session.
* ``browser``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright.
  Playwright's own browser download is never needed (and must not be run here).
* ``page``: a fresh context + page whose every request to a host other than
  127.0.0.1/localhost is aborted and recorded in ``external_requests``.

If Chromium or Playwright is missing the tests are skipped with a visible
reason, except when ``CI`` is set: then they fail, so CI cannot go green by
skipping them.

``VN57_BROWSER_APP`` (optional) points the harness at another app script, e.g.
a throwaway app used to check the harness itself; by default it is the repo's
``app.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERVER_START_TIMEOUT_S = 60.0
IDLE_TIMEOUT_MS = 60_000
QUIET_SPELL_MS = 500

# Script states in which the app is still working (see Streamlit's ScriptRunState).
_BUSY_STATES = ("initial", "running", "rerunRequested", "stopRequested")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: end-to-end tests in headless Chromium against a live Streamlit server")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail under CI (CI=true) so a missing browser is never silent."""
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def _app_script() -> Path:
    override = os.environ.get("VN57_BROWSER_APP")
    return Path(override).resolve() if override else REPO_ROOT / "app.py"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - loopback only
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory):
    """Base URL (``http://127.0.0.1:<port>``) of a live Streamlit server."""
    app = _app_script()
    if not app.exists():
        skip_or_fail(f"app script not found: {app}")

    port = _free_port()
    data_dir = tmp_path_factory.mktemp("vn57_data")
    log_path = tmp_path_factory.mktemp("streamlit_log") / "server.log"
    env = dict(os.environ)
    env.update(
        VN57_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        STREAMLIT_SERVER_HEADLESS="true",
    )
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        cmd,
        cwd=str(app.parent),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # own process group, so killpg gets every child
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if _health_ok(f"{base_url}/_stcore/health"):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = log_path.read_text(errors="replace")[-4000:]
                why = (
                    f"exited with code {proc.returncode}"
                    if proc.poll() is not None
                    else f"not healthy after {SERVER_START_TIMEOUT_S:.0f} s"
                )
                pytest.fail(f"streamlit server {why}; cmd={cmd}\n--- server log ---\n{tail}", pytrace=False)
            time.sleep(0.25)
        yield base_url
    finally:
        _kill_group(proc)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the machine
        skip_or_fail(f"playwright is not importable: {exc}")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pw.stop()
        skip_or_fail(f"could not launch {CHROMIUM}: {exc}")
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture(scope="session")
def external_requests() -> list[str]:
    """Every request that tried to leave localhost, over the whole session."""
    return []


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


@pytest.fixture
def page(browser, streamlit_server, external_requests):
    context = browser.new_context(
        accept_downloads=True,
        base_url=streamlit_server,
        viewport={"width": 1400, "height": 1000},
    )

    def handler(route, request):
        if _is_local(request.url):
            route.continue_()
        else:
            external_requests.append(f"{request.method} {request.url}")
            route.abort()

    context.route("**/*", handler)
    pg = context.new_page()
    # WebSockets are not routed by context.route: record any that leave localhost.
    pg.on(
        "websocket",
        lambda ws: None if _is_local(ws.url) else external_requests.append(f"WS {ws.url}"),
    )
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


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


def wait_for_idle(page, timeout_ms: int = IDLE_TIMEOUT_MS, quiet_ms: int = QUIET_SPELL_MS) -> None:
    """Wait until the script has run and the app has been idle for ``quiet_ms``.

    Idle = ``stApp`` carries ``data-test-script-state`` that is not
    running/initial/rerun-requested, the connection is up, and no
    ``stStatusWidget`` is shown. A very fast rerun may never show "running", so
    instead of waiting for a transition we require a quiet spell in which idle
    holds at every poll.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    busy = list(_BUSY_STATES)
    while True:
        now = time.monotonic()
        if page.evaluate(_IDLE_JS, busy):
            if quiet_since is None:
                quiet_since = now
            elif (now - quiet_since) * 1000 >= quiet_ms:
                return
        else:
            quiet_since = None
        if now > deadline:
            state = page.evaluate(
                "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                " return a ? [a.getAttribute('data-test-script-state'),"
                " a.getAttribute('data-test-connection-state')] : null; }"
            )
            raise AssertionError(f"app not idle after {timeout_ms} ms (stApp state: {state})")
        page.wait_for_timeout(50)


def assert_no_exception(page) -> None:
    """Fail if Streamlit rendered an exception box anywhere on the page."""
    boxes = page.locator('[data-testid="stException"]')
    n = boxes.count()
    if n:
        texts = [boxes.nth(i).inner_text()[:2000] for i in range(n)]
        raise AssertionError(f"{n} exception(s) shown on {page.url}:\n" + "\n---\n".join(texts))


def assert_no_external_requests(external_requests: list[str]) -> None:
    assert external_requests == [], f"requests left localhost: {external_requests}"


class BrowserHelpers:
    """The helpers above, handed to tests as a fixture (importing ``conftest``
    by name is fragile when several test folders have one)."""

    wait_for_idle = staticmethod(wait_for_idle)
    assert_no_exception = staticmethod(assert_no_exception)
    assert_no_external_requests = staticmethod(assert_no_external_requests)


@pytest.fixture(scope="session")
def helpers() -> type[BrowserHelpers]:
    return BrowserHelpers
