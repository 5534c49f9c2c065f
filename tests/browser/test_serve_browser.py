"""The server started as the README starts it (``streamlit run serve.py``) is warm before anyone visits.

The session's shared server (``tests/browser/conftest.py``) is that server. Its lifespan
(:func:`ui.warmup.lifespan`) waits for the warm-up before uvicorn answers anything, so the line the
warm-up logs when it is done is already in the server's log when the health check first answers
(``streamlit run app.py`` would start the warm-up only after a first visitor's script run). Visits
after that start no second warm-up: app.py's own ``warmup.start()`` finds the lifespan's thread.
"""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser

DONE = "warm-up done in "


@pytest.fixture(autouse=True)
def _the_served_app():
    if os.environ.get("VN57_BROWSER_APP"):
        pytest.skip("VN57_BROWSER_APP points the browser tests at another app script")


def test_the_health_check_answers_only_once_the_warm_up_is_done(server_log_at_health):
    assert server_log_at_health.count(DONE) == 1, server_log_at_health[-3000:]
    assert "serving anyway" not in server_log_at_health and "still running" not in server_log_at_health


def test_visits_find_the_warm_up_done_and_start_no_other(page, helpers, live_server, external_requests):
    page.goto("/profile?lang=en", wait_until="domcontentloaded")
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    page.goto("/?lang=vi", wait_until="domcontentloaded")
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    log = live_server[1].log_path.read_text(errors="replace")
    assert log.count(DONE) == 1, log[-3000:]
    helpers.assert_no_external_requests(external_requests)
