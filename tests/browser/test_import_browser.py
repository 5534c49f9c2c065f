"""Imports in the browser (issue 10), on the one shared server of tests/browser/conftest.py.

* A Vietnamese page importing a file with problems shows the reasons in Vietnamese in the red box.
* A reporting template with an own indicator and an own source imports, and the indicator is on the Map.
* A note, a name and a title holding HTML and Markdown (an image, a link, bold) are shown as typed on
  every page, and no page requests anything from another host.

Each test undoes what it imported (newest batch first), so later tests see the bundled data only.
"""

from __future__ import annotations

import pytest

from tests.data.test_import_definitions import NEW_INDICATOR, NEW_SOURCE, filled_template

pytestmark = pytest.mark.browser

UPLOADER = '[class*="st-key-import_file_"] [data-testid="stFileUploaderDropzoneInput"]'
HOSTILE = ('<img src="https://evil.example/pixel.png"> ![x](https://evil.example/img.png) '
           "[link](https://evil.example/go) **bold**")  # fmt: skip
PAGES = ("/", "/map?ind=kiosk_share", "/compare?ind=kiosk_share", "/profile?province=15", "/targets",
         "/present?deck=kiosk_share&slide=kiosk_share", "/explorer?ind=kiosk_share", "/import", "/coverage")  # fmt: skip


def _open(page, helpers, path: str) -> None:
    page.goto(path, wait_until="domcontentloaded")
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)


def _click(page, helpers, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)


def _upload(page, helpers, path) -> None:
    page.locator(UPLOADER).first.set_input_files(str(path))
    helpers.wait_for_idle(page)
    helpers.assert_no_exception(page)


def _import(page, helpers, path, lang: str = "en") -> None:
    _open(page, helpers, f"/import?lang={lang}")
    _upload(page, helpers, path)
    _click(page, helpers, "import_start")
    _click(page, helpers, "import_confirm")
    page.get_by_text("Imported as batch" if lang == "en" else "Đã nhập thành lô", exact=False).first.wait_for(
        state="visible"
    )


def _undo_newest(page, helpers, times: int = 1) -> None:
    for _ in range(times):
        _open(page, helpers, "/import?lang=en")
        _click(page, helpers, "undo_start")
        _click(page, helpers, "undo_confirm")
        page.get_by_text("undone.", exact=False).first.wait_for(state="visible")


def test_a_vietnamese_import_with_problems_gives_the_reasons_in_vietnamese(page, helpers, external_requests, tmp_path):
    before = len(external_requests)
    upload = tmp_path / "bao-cao.csv"
    upload.write_bytes(
        ("Tỉnh/Thành phố;Mã chỉ tiêu;Kỳ;Giá trị;Trạng thái;Nguồn\n"
         "Hà Nội;rd_staff;2026-Q1;30000;reported;derived_here\n"
         "Hà Nội;rd_staff;2026-Q2;ba mươi;reported;derived_here\n"
         "Ha Noy;rd_staff;2026-Q3;31000;reported;derived_here\n"
         "Huế;rd_staff;2026-Q1;4000;reported;derived_here\n").encode("utf-8")
    )  # fmt: skip
    _open(page, helpers, "/import?lang=vi")
    _upload(page, helpers, upload)
    box = page.locator('[data-testid="stAlert"]').filter(has_text="tệp bị từ chối").first
    box.wait_for(state="visible")
    text = box.inner_text()
    assert "2 lỗi: tệp bị từ chối." in text
    assert "bao-cao.csv, dòng 3, cột 'Giá trị': 'ba mươi' không phải là số" in text
    assert "bao-cao.csv, dòng 4, cột 'Tỉnh/Thành phố': Không có tỉnh hoặc vùng 'Ha Noy'" in text
    assert "is not a number" not in text and "Unknown province" not in text
    assert external_requests[before:] == []


def test_a_template_with_an_own_indicator_and_source_shows_on_the_map(page, helpers, external_requests, tmp_path):
    before = len(external_requests)
    upload = tmp_path / "laocai-q1.xlsx"
    upload.write_bytes(filled_template())
    _open(page, helpers, "/import?lang=en")
    _upload(page, helpers, upload)
    # the detected table is a canvas grid: its cells are in the page for screen readers, not visible
    page.get_by_text("1 new indicator(s), 1 new source(s): kiosk_share", exact=False).first.wait_for(state="attached")
    _click(page, helpers, "import_start")
    _click(page, helpers, "import_confirm")
    page.get_by_text("Imported as batch", exact=False).first.wait_for(state="visible")

    _open(page, helpers, "/map?lang=en&ind=kiosk_share")
    chosen = page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicator").first
    assert NEW_INDICATOR["name_en"] in chosen.inner_html()  # the indicator chosen in the map's select box
    page.get_by_text(NEW_INDICATOR["unit"], exact=False).first.wait_for(state="visible")  # the legend's unit
    page.locator('[class*="st-key-fitted_"] svg g.mark-shape path').first.wait_for(state="attached")  # the fitted map
    page.get_by_text(NEW_SOURCE["producer"], exact=False).first.wait_for(state="visible")  # the source line
    _undo_newest(page, helpers)
    assert external_requests[before:] == []


def test_stored_html_and_markdown_are_shown_as_typed_and_request_nothing(page, helpers, external_requests, tmp_path):
    before = len(external_requests)
    indicator = {**NEW_INDICATOR, "name_en": f"Kiosks {HOSTILE}", "name_vi": f"Ki-ốt {HOSTILE}"}
    source = {**NEW_SOURCE, "title": f"Báo cáo {HOSTILE}"}
    data = [
        {"province": "Lào Cai", "indicator_id": "kiosk_share", "period": "2026-Q1", "value": 42.5, "status": "reported",
         "source_id": "laocai_report_2026_q1", "note": HOSTILE},
        {"province": "Cả nước", "indicator_id": "rd_staff_per_10k", "period": "2027", "value": 9.9, "status": "reported",
         "source_id": "laocai_report_2026_q1", "note": HOSTILE},
    ]  # fmt: skip
    upload = tmp_path / "ghi-chu.xlsx"
    upload.write_bytes(filled_template(data=data, indicators=[indicator], sources=[source]))
    _import(page, helpers, upload)
    for lang in ("en", "vi"):
        for path in PAGES:
            _open(page, helpers, path + ("&" if "?" in path else "?") + f"lang={lang}")
            rendered = page.locator('img[src*="evil"], a[href*="//evil"], strong:has-text("bold")')
            assert rendered.count() == 0, (path, [rendered.nth(i).evaluate("e => e.parentElement.outerHTML.slice(0, 300)")
                                                  for i in range(rendered.count())])  # fmt: skip
    _open(page, helpers, "/present?lang=en&deck=kiosk_share&slide=kiosk_share")
    page.locator("h1").filter(has_text='Kiosks <img src="https').first.wait_for(state="visible")  # as typed
    _open(page, helpers, "/?lang=en")  # the note is the help of the national R&D staff metric
    page.locator('[data-testid="stMetric"] [data-testid="stTooltipHoverTarget"]').first.hover()
    page.get_by_text("**bold**", exact=False).first.wait_for(state="visible")
    _undo_newest(page, helpers)
    assert external_requests[before:] == [], f"requests left localhost: {external_requests[before:]}"
