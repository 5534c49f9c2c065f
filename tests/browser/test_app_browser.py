"""End-to-end checks of the dashboard in headless Chromium (Debian's /usr/bin/chromium).

Needs: the app at the repo root (``app.py``, st.navigation with Home at "/" and
the data explorer at "/explorer"), a CSV download button with key
``download_csv`` and an XLSX one with key ``download_xlsx`` on the explorer.
Every request leaving 127.0.0.1/localhost is aborted and recorded; the tests
fail if there was any.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BOM = b"\xef\xbb\xbf"


def _open(page, helpers, path: str) -> None:
    page.goto(path, wait_until="domcontentloaded")
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)


def _download(page, tmp_path, key: str):
    """Click the download button inside ``.st-key-<key>``; return the saved file's path."""
    button = page.locator(f".st-key-{key} button").first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as dl_info:
        button.click()
    download = dl_info.value
    assert download.failure() is None, f"{key}: download failed: {download.failure()}"
    target = tmp_path / (download.suggested_filename or f"{key}.bin")
    download.save_as(target)
    return target


def test_a_shared_link_on_a_fresh_server_opens_inside_the_app(page, helpers, external_requests):
    """First visit of a new server goes straight to a deep link (runs first in this module).

    Streamlit would otherwise run pages/explorer.py on its own (old multipage mode): no sidebar,
    no language, no URL state. The link must open the explorer in Vietnamese with its filter.
    """
    _open(page, helpers, "/explorer?lang=vi&ind=rd_staff_per_10k&st=reported")
    assert page.locator(".st-key-lang").count() == 1, "the shared sidebar is missing"
    page.get_by_text("Khám phá dữ liệu", exact=True).first.wait_for(state="visible")
    page.get_by_text("2 dòng", exact=False).first.wait_for(state="visible")
    assert external_requests == []


def test_home_shows_metrics(page, helpers, external_requests):
    before = len(external_requests)
    _open(page, helpers, "/")
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() >= 1, "no st.metric on the Home page"
    assert metrics.first.is_visible()
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Home requested outside hosts: {external_requests[before:]}"


def test_explorer_dataframe_and_csv_download(page, helpers, external_requests, tmp_path):
    before = len(external_requests)
    _open(page, helpers, "/explorer")
    frame = page.locator('[data-testid="stDataFrame"]').first
    frame.wait_for(state="visible")

    csv_path = _download(page, tmp_path, "download_csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(BOM), f"CSV does not start with the UTF-8 BOM: {raw[:16]!r}"
    header = raw[len(BOM):].decode("utf-8").splitlines()[0]
    assert "indicator_id" in header, f"CSV header lacks indicator_id: {header!r}"

    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Explorer requested outside hosts: {external_requests[before:]}"


def test_explorer_xlsx_download(page, helpers, external_requests, tmp_path):
    before = len(external_requests)
    _open(page, helpers, "/explorer")
    xlsx_path = _download(page, tmp_path, "download_xlsx")
    raw = xlsx_path.read_bytes()
    assert raw.startswith(b"PK"), f"XLSX is not a zip container: {raw[:16]!r}"
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Explorer requested outside hosts: {external_requests[before:]}"


def _rerun(page, helpers) -> None:
    """Rerun the script in the same session, as any widget change does (hotkey "r")."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("r")
    try:  # a fast rerun may never show "running": then the quiet spell below covers it
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="running"]', state="attached", timeout=3_000
        )
    except Exception:  # noqa: BLE001 - playwright TimeoutError
        pass
    helpers.wait_for_idle(page)


@pytest.mark.parametrize("path", ["/", "/explorer"])
def test_page_survives_rerun(page, helpers, external_requests, path):
    """Widget state carried into a rerun (e.g. the period range) must still work."""
    before = len(external_requests)
    _open(page, helpers, path)
    _rerun(page, helpers)
    helpers.assert_no_exception(page)
    _rerun(page, helpers)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"{path} requested outside hosts: {external_requests[before:]}"


def test_zz_no_request_left_localhost(external_requests, helpers):
    """Across every browser test of the session, nothing went past loopback."""
    helpers.assert_no_external_requests(external_requests)
