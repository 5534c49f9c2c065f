"""The meeting room in headless Chromium: slides that fit 1920x1080, 1366x768 and 1280x720, the map on a phone,
the time-lapse's play button (issue 13). Uses the one shared server of ``conftest.py``.

Measured in the page: the fitted map is an SVG (Vega-Lite, renderer svg), its provinces under ``g.mark-shape``,
the archipelagos' islands under ``g.mark-symbol``, the province names under ``g.labels_marks``.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

_MEASURE = """
(frameSelector) => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height};
  };
  const svg = document.querySelector(frameSelector + ' svg.marks');
  const frame = box(svg);
  let x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, shapes = 0;
  for (const p of svg.querySelectorAll('g.mark-shape path, g.mark-symbol path')) {
    const r = p.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    shapes++;
    x0 = Math.min(x0, r.left); y0 = Math.min(y0, r.top); x1 = Math.max(x1, r.right); y1 = Math.max(y1, r.bottom);
  }
  const islands = [...svg.querySelectorAll('g.mark-symbol path')].map(box);
  const labels = [...svg.querySelectorAll('g.labels_marks text')]
    .filter((t) => Number(t.getAttribute('opacity') ?? 1) > 0 && t.textContent)
    .map((t) => ({...box(t), text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize)}));
  const cut = [];
  for (const button of document.querySelectorAll('button')) {
    const b = button.getBoundingClientRect();
    if (!b.width) continue;
    for (const inner of button.querySelectorAll('*')) {
      const r = inner.getBoundingClientRect();
      if (r.width && (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.width > b.width + 0.5)) {
        cut.push(button.innerText);
        break;
      }
    }
  }
  const main = document.querySelector('[data-testid="stMain"]');
  return {frame, features: {left: x0, top: y0, right: x1, bottom: y1}, shapes, islands, labels, cut,
          scroll: [document.documentElement.scrollHeight, main.scrollHeight, main.clientHeight, window.innerHeight]};
}
"""


def _inside(box: dict, width: int, height: int) -> bool:
    return box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= height + 0.5 and box["right"] <= width + 0.5


def _context(browser, streamlit_server, external_requests, width: int, height: int):
    context = browser.new_context(base_url=streamlit_server, viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_()
            if "127.0.0.1" in request.url or "localhost" in request.url
            else (external_requests.append(f"{request.method} {request.url}"), route.abort())
        ),
    )
    return context


def _boxes_of(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })",
    )


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768), (1280, 720)])
def test_the_slide_fits_the_screen(browser, streamlit_server, helpers, external_requests, width, height):
    """Legend, headline numbers and source line in view, no scrolling; the map fills its frame; no label cut or overlapping."""
    before = len(external_requests)
    context = _context(browser, streamlit_server, external_requests, width, height)
    shown = context.new_page()
    try:
        shown.goto("/present?present=1&lang=vi&slide=rd_staff_per_10k&synthetic=1", wait_until="domcontentloaded")
        helpers.wait_for_idle(shown)
        helpers.assert_no_exception(shown)
        shown.locator(".st-key-present_map_frame svg g.mark-shape path").first.wait_for(state="attached")
        shown.wait_for_timeout(500)
        m = shown.evaluate(_MEASURE, ".st-key-present_map_frame")
        # no scrolling: neither the document nor Streamlit's main area is taller than the window
        assert m["scroll"][0] <= height and m["scroll"][1] <= m["scroll"][2] + 1, m["scroll"]
        # the drawn features (provinces and the archipelagos' islands) cover at least 60% of the map frame
        f, frame = m["features"], m["frame"]
        cover = (f["right"] - f["left"]) * (f["bottom"] - f["top"]) / (frame["width"] * frame["height"])
        assert cover >= 0.6, f"features cover {cover:.0%} of the frame"
        assert len(m["islands"]) >= 6 and all(_inside(i, width, height) for i in m["islands"])
        # legend, the four headline numbers, the banner and the source line lie inside the window
        for selector, count in (('[data-testid="stMetric"]', 4), (".st-key-map_legend_frame", 1)):
            boxes = _boxes_of(shown, selector)
            assert len(boxes) == count and all(_inside(b, width, height) for b in boxes), (selector, boxes)
        # with synthetic values on the map (its watermark), the banner says so, inside the window too
        alerts = _boxes_of(shown, '[data-testid="stAlert"]')
        assert all(_inside(b, width, height) for b in alerts), alerts
        if shown.locator(".st-key-present_map_frame g.watermark_marks text").count():
            assert alerts, "synthetic values on the map but no banner"
        source = shown.get_by_text("Nguồn:", exact=False).last.bounding_box()
        assert _inside(
            {
                "left": source["x"],
                "top": source["y"],
                "right": source["x"] + source["width"],
                "bottom": source["y"] + source["height"],
            },
            width,
            height,
        ), source
        assert m["cut"] == [], f"button labels cut: {m['cut']}"
        labels = m["labels"]
        overlapping = [
            (a["text"], b["text"])
            for i, a in enumerate(labels)
            for b in labels[i + 1 :]
            if a["left"] < b["right"] - 0.5
            and b["left"] < a["right"] - 0.5
            and a["top"] < b["bottom"] - 0.5
            and b["top"] < a["bottom"] - 0.5
        ]
        assert overlapping == []
        if width == 1920:
            assert len(labels) >= 20 and min(label["size"] for label in labels) >= 14, "names for the back row"
            assert {"Hà Nội", "Hồ Chí Minh"} <= {label["text"] for label in labels}
    finally:
        context.close()
    assert external_requests[before:] == [], f"Presentation requested outside hosts: {external_requests[before:]}"


def test_the_map_on_a_phone_shows_the_whole_country_and_both_archipelagos(
    browser, streamlit_server, helpers, external_requests
):
    before = len(external_requests)
    context = _context(browser, streamlit_server, external_requests, 390, 844)
    phone = context.new_page()
    try:
        phone.goto("/map?lang=vi&synthetic=1", wait_until="domcontentloaded")
        helpers.wait_for_idle(phone)
        helpers.assert_no_exception(phone)
        phone.locator('[class*="st-key-fitted_2025"] svg g.mark-shape path').first.wait_for(state="attached")
        phone.wait_for_timeout(500)
        m = phone.evaluate(_MEASURE, '[class*="st-key-fitted_2025"][class*="_frame"]')
        frame, f = m["frame"], m["features"]
        assert frame["width"] <= 390
        assert m["shapes"] >= 34 + 6  # every province and every island drawn
        assert (
            f["left"] >= frame["left"] - 0.5
            and f["right"] <= frame["right"] + 0.5
            and f["top"] >= frame["top"] - 0.5
            and f["bottom"] <= frame["bottom"] + 0.5
        ), (f, frame)
        # the archipelagos: their islands and names inside the frame
        assert len(m["islands"]) >= 6 and all(
            i["left"] >= frame["left"] and i["right"] <= frame["right"] for i in m["islands"]
        )
        names = _boxes_of(phone, '[class*="st-key-fitted_2025"] g.archipelagos_marks text')
        assert len(names) == 2 and all(
            frame["left"] - 1 <= n["left"] and n["right"] <= frame["right"] + 1 for n in names
        )
        # the country fills the frame's width or its height
        assert (f["right"] - f["left"]) >= 0.9 * frame["width"] or (f["bottom"] - f["top"]) >= 0.9 * frame["height"]
    finally:
        context.close()
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


def test_play_steps_through_the_periods_in_the_browser_and_stops_at_the_last(page, helpers, external_requests):
    """The play button moves the map's own slider: no rerun, the periods in order, then it stops."""
    before = len(external_requests)
    page.goto("/map?lang=en&lapse=1&synthetic=1&ind=rd_staff_per_10k&period=2026-Q3", wait_until="domcontentloaded")
    helpers.wait_for_idle(page)
    slider = page.locator('[class*="_frame"] input[type=range]').first
    slider.wait_for(state="attached")
    last = int(slider.get_attribute("max"))

    def shown():
        return page.eval_on_selector_all("g.period_label_marks text", "ts => ts.map(t => t.textContent)")

    page.eval_on_selector(
        '[class*="_frame"] input[type=range]',
        "e => { e.value = '0'; e.dispatchEvent(new Event('input', {bubbles: true})); }",
    )
    first = shown()
    # the play script binds itself once drawn (a click before that would be Streamlit's own rerun)
    page.wait_for_function("() => (document.documentElement.dataset.vn57Play ?? '').includes('fitted_')")
    page.get_by_role("button", name="Play").click()
    seen = [first[0]]
    for _ in range(int(last * 1.1 / 0.25) + 12):
        page.wait_for_timeout(250)
        label = shown()[0]
        if label != seen[-1]:
            seen.append(label)
        if len(seen) == last + 1:
            break
    page.wait_for_timeout(1500)  # after the last period, nothing moves
    assert shown()[0] == seen[-1] and int(slider.input_value()) == last
    assert seen == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-11-03", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert (
        page.evaluate("() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')")
        != "running"
    )
    helpers.assert_no_exception(page)
    assert external_requests[before:] == [], f"Map requested outside hosts: {external_requests[before:]}"


def test_the_powerpoint_button_gives_a_deck_drawn_by_the_server(page, helpers, external_requests):
    """A real server builds the deck (its map pictures drawn by a child process) and offers the file: read it back."""
    from pptx import Presentation

    before = len(external_requests)
    page.goto("/present?lang=en&synthetic=1&deck=rd_staff_per_10k&deck=g5_population_coverage",
              wait_until="domcontentloaded")  # fmt: skip
    helpers.wait_for_idle(page)
    page.get_by_role("button", name="PowerPoint").click()
    download_button = page.get_by_role("button", name="Download .pptx")
    download_button.wait_for(timeout=120_000)
    with page.expect_download() as download:
        download_button.click()
    slides = [{shape.name: shape for shape in slide.shapes} for slide in Presentation(download.value.path()).slides]
    assert [s["title"].text_frame.text for s in slides[1:3]] == [
        "R&D staff per 10,000 inhabitants",
        "5G coverage of the population",
    ]
    assert all(s["map"].image.content_type == "image/png" and s["map"].image.size[1] == 749 for s in slides[1:3])
    assert all("watermark" in s for s in slides[1:3])  # synthetic values at the latest period
    helpers.assert_no_exception(page)
    assert external_requests[before:] == []
