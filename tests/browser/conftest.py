"""Fixtures for the browser tests: a real Streamlit server and headless Chromium.

Server, browser and idle wait are ``scripts/live_app.py`` (one implementation for the tests, the
screenshots and the benchmarks); here they become pytest fixtures:

* ``streamlit_server``: ``python -m streamlit run serve.py`` (as the README starts it: app.py's
  pages, warmed before the health check answers) on a free loopback port, with ``VN57_DATA_DIR``
  pointed at a temp dir, once ``/_stcore/health`` answers ``ok``; the whole process group is ended at
  the end of the session. ``server_log_at_health``: what its log held when the health check first
  answered.
* ``browser``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright.
  Playwright's own browser download is never needed (and must not be run here).
* ``page``: a fresh context + page whose every request to a host other than
  127.0.0.1/localhost is aborted and recorded in ``external_requests``.

If Chromium or Playwright is missing the tests are skipped with a visible
reason, except when ``CI`` is set: then they fail, so CI cannot go green by
skipping them.

``VN57_BROWSER_APP`` (optional) points the harness at another app script, e.g.
a throwaway app used to check the harness itself; by default it is the repo's
``serve.py``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from scripts import live_app

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


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
    return Path(override).resolve() if override else live_app.REPO_ROOT / "serve.py"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """``(base_url, process)`` of the session's one live Streamlit server (:func:`scripts.live_app.serve`)."""
    app = _app_script()
    if not app.exists():
        skip_or_fail(f"app script not found: {app}")
    with contextlib.ExitStack() as stack:
        try:
            served = stack.enter_context(live_app.serve(str(tmp_path_factory.mktemp("vn57_data")), script=app))
        except live_app.ServerFailed as exc:
            pytest.fail(str(exc), pytrace=False)
        yield served


@pytest.fixture(scope="session")
def streamlit_server(live_server) -> str:
    """Base URL (``http://127.0.0.1:<port>``) of a live Streamlit server."""
    return live_server[0]


@pytest.fixture(scope="session")
def server_log_at_health(live_server) -> str:
    """The live server's log as it was when its health check first answered."""
    return live_server[1].log_at_health


@pytest.fixture(scope="session")
def browser():
    if not Path(live_app.CHROMIUM).exists():
        skip_or_fail(f"{live_app.CHROMIUM} not found (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the machine
        skip_or_fail(f"playwright is not importable: {exc}")
    with contextlib.ExitStack() as stack:
        try:
            launched = stack.enter_context(live_app.chromium())
        except Exception as exc:
            skip_or_fail(f"could not launch {live_app.CHROMIUM}: {exc}")
        yield launched


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

    wait_for_idle = staticmethod(live_app.wait_for_idle)
    assert_no_exception = staticmethod(assert_no_exception)
    assert_no_external_requests = staticmethod(assert_no_external_requests)


@pytest.fixture(scope="session")
def helpers() -> type[BrowserHelpers]:
    return BrowserHelpers
