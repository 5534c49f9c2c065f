"""Build the README's meeting-room pictures from the current code: ``python -m scripts.meeting_screenshots``.

* ``docs/present.png`` and ``docs/map.png``: the Presentation and Map pages at 1920 x 1080 in
  presentation mode (Vietnamese), taken in headless Chromium (``/usr/bin/chromium``) from a Streamlit
  server started here on the bundled data;
* ``docs/deck-slide.png``: the first indicator slide of the PowerPoint deck the page builds, drawn
  from the .pptx itself (read back with python-pptx: its picture, shapes and text boxes at their
  places, in DejaVu Sans); LibreOffice is not needed.

Nothing is fetched; the server and the browser are stopped at the end.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs"
PAGE = "/present?present=1&lang=vi&slide=rd_staff_per_10k"
MAP_PAGE = "/map?present=1&lang=vi&labels=1"
DECK = ["rd_staff_per_10k", "g5_population_coverage", "fibre_households"]
SLIDE_PX = (1920, 1080)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server():
    """A Streamlit server of the app on a free loopback port; yields its base URL, stops it at the end."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(200):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def page_screenshots(targets: dict[str, Path]) -> None:
    """Each page (link -> file) at 1920 x 1080, after its fitted map has been drawn."""
    from playwright.sync_api import sync_playwright

    with streamlit_server() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless=new", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        for link, target in targets.items():
            page.goto(base + link)
            page.locator('[class*="_frame"] svg g.mark-shape path').first.wait_for(state="attached", timeout=120_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=str(target))
        browser.close()


def deck_bytes() -> bytes:
    """The deck the Presentation page builds (AppTest through app.py, the "PowerPoint" button)."""
    sys.path.insert(0, str(REPO_ROOT))
    from streamlit.testing.v1 import AppTest

    from ui import deck_view

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"lang": "vi", "present": "1"})
    at.query_params["deck"] = DECK
    at.switch_page("pages/present.py").run()
    at.button(key=deck_view.BUILD_KEY).click().run()
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    return at.session_state[deck_view._READY][2]


def draw_slide(data: bytes, index: int, target: Path) -> None:
    """Slide ``index`` of a deck made by :func:`geo.deck.build_deck`, drawn with Pillow from its shapes."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE

    fonts = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    prs = Presentation(io.BytesIO(data))
    scale = SLIDE_PX[0] / prs.slide_width
    image = Image.new("RGB", SLIDE_PX, "white")
    draw = ImageDraw.Draw(image)

    def box(shape):
        return [round(v * scale) for v in (shape.left, shape.top, shape.left + shape.width, shape.top + shape.height)]

    def font(run, px):
        name = "DejaVuSans-Bold.ttf" if run.font.bold else "DejaVuSans.ttf"
        return ImageFont.truetype(str(fonts / name), max(8, px))

    slide = prs.slides[index]
    for shape in slide.shapes:
        x0, y0, x1, y1 = box(shape)
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            picture = Image.open(io.BytesIO(shape.image.blob)).convert("RGB").resize((x1 - x0, y1 - y0))
            image.paste(picture, (x0, y0))
            continue
        if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and not shape.has_text_frame or (
                shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and not shape.text_frame.text):
            fill = "#" + str(shape.fill.fore_color.rgb)
            outline = "#" + str(shape.line.color.rgb)
            if shape.auto_shape_type == MSO_SHAPE.OVAL:
                draw.ellipse((x0, y0, x1, y1), fill=fill, outline=outline, width=2)
            elif shape.auto_shape_type == MSO_SHAPE.ROUNDED_RECTANGLE:
                draw.rounded_rectangle((x0, y0, x1, y1), radius=12, fill=fill, outline=outline, width=2)
            else:
                draw.rectangle((x0, y0, x1, y1), fill=fill, outline=outline, width=1)
            continue
        if not shape.has_text_frame:
            continue
        if shape.rotation:  # the watermark: drawn on its own layer, rotated, translucent
            run = shape.text_frame.paragraphs[0].runs[0]
            px = round(run.font.size.pt * 12700 * scale)
            layer = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
            ImageDraw.Draw(layer).text(((x1 - x0) / 2, (y1 - y0) / 2), shape.text_frame.text, anchor="mm",
                                       font=font(run, px), fill=(198, 40, 40, 77))
            layer = layer.rotate(-shape.rotation, expand=True, resample=Image.BICUBIC)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            image.paste(layer, (round(cx - layer.width / 2), round(cy - layer.height / 2)), layer)
            continue
        y = y0 + 3
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                px = round(run.font.size.pt * 12700 * scale)
                colour = "#" + str(run.font.color.rgb) if run.font.color and run.font.color.type else "#1a1a1a"
                words, line = run.text.split(" "), ""
                for word in words:  # wrap at the box's width
                    trial = (line + " " + word).strip()
                    if draw.textlength(trial, font=font(run, px)) > x1 - x0 - 8 and line:
                        draw.text((x0 + 5, y), line, font=font(run, px), fill=colour)
                        y += math.ceil(px * 1.2)
                        line = word
                    else:
                        line = trial
                draw.text((x0 + 5, y), line, font=font(run, px), fill=colour)
                y += math.ceil(px * 1.2)
    image.save(target)


def main() -> None:
    os.environ.setdefault("VN57_DATA_DIR", tempfile.mkdtemp(prefix="vn57-shots-"))
    os.chdir(REPO_ROOT)
    DOCS.mkdir(exist_ok=True)
    page_screenshots({PAGE: DOCS / "present.png", MAP_PAGE: DOCS / "map.png"})
    draw_slide(deck_bytes(), 1, DOCS / "deck-slide.png")
    print(f"wrote {DOCS / 'present.png'}, {DOCS / 'map.png'} and {DOCS / 'deck-slide.png'}")


if __name__ == "__main__":
    main()
