"""Draw the README's picture of a PowerPoint slide from the current code: ``python -m scripts.meeting_screenshots``.

``docs/deck-slide.png``: the first indicator slide of the deck the Presentation page builds (its
"PowerPoint" button, run through AppTest on the bundled data in a temporary store), drawn from the
.pptx itself: read back with python-pptx, its picture, shapes and text boxes at their places, in
DejaVu Sans; LibreOffice is not needed. The pages' own screenshots (``docs/present.png`` at 1920 x
1080, ``docs/map.png``) come from ``python -m scripts.screenshots``. Nothing is fetched.
"""

from __future__ import annotations

import io
import math
import os
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs"
SLIDE_PX = (1920, 1080)


def deck_bytes() -> bytes:
    """The deck the Presentation page builds (AppTest through app.py, the "PowerPoint" button)."""
    sys.path.insert(0, str(REPO_ROOT))
    from streamlit.testing.v1 import AppTest

    from ui import deck_view

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"lang": "vi", "present": "1"})
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
        if (
            shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
            and not shape.has_text_frame
            or (shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and not shape.text_frame.text)
        ):
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
            ImageDraw.Draw(layer).text(
                ((x1 - x0) / 2, (y1 - y0) / 2),
                shape.text_frame.text,
                anchor="mm",
                font=font(run, px),
                fill=(198, 40, 40, 77),
            )
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
    draw_slide(deck_bytes(), 1, DOCS / "deck-slide.png")
    print(f"wrote {DOCS / 'deck-slide.png'}")


if __name__ == "__main__":
    main()
