"""geo.deck: the meeting deck read back with python-pptx (slides, native numbers, picture, source, watermark)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE

from geo import boundaries, deck, vega_map
from geo.choropleth import LegendEntry

WATERMARK = "SỐ LIỆU MINH HỌA, KHÔNG PHẢI SỐ LIỆU THẬT"


def _png(width=40, height=50) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (228, 236, 242)).save(buffer, format="PNG")
    return buffer.getvalue()


def _slide(title: str, synthetic: bool) -> deck.MapSlide:
    return deck.MapSlide(
        title=title,
        subtitle="2025-11-03 · 34 tỉnh, thành · người trên 10.000 dân",
        picture=_png(),
        legend_title="người trên 10.000 dân",
        legend=[LegendEntry("3,6 – 8,2", "#f1ef75", 17), LegendEntry("8,2 – 19,3", "#1e0c45", 17)],
        numbers=[("Thái Nguyên", "10,3"), ("Toàn quốc", "8,2"), ("Xếp hạng", "1 / 1"), ("Chênh lệch", "+2,1")],
        source="Nguồn: Tỉnh ủy Thái Nguyên",
        date_line="Vẽ ngày 29/11/2026",
        synthetic=synthetic,
    )


@pytest.fixture(scope="module")
def presentation():
    targets = [
        deck.TargetLine(
            "Phủ sóng 5G: 90% trước 31/12/2025",
            "Toàn quốc",
            "missed",
            "Không đạt",
            "Hạn đã qua: 85% ngày 31/12/2025, mục tiêu 90% không đạt.",
        ),
        deck.TargetLine(
            "Nhân lực R&D: 12 trên 10.000 dân",
            "Thái Nguyên",
            "on_track",
            "Đúng tiến độ",
            "Theo nhịp độ từ 2024, khoảng 12,4 vào 2030.",
        ),
    ]
    data = deck.build_deck(
        [_slide("Nhân lực nghiên cứu và phát triển", synthetic=False), _slide("Phủ sóng 5G", synthetic=True)],
        title="Nghị quyết 57",
        subtitle="Thái Nguyên",
        date_text="29/11/2026",
        language_text="Tiếng Việt",
        watermark=WATERMARK,
        targets=targets,
        targets_title="Mục tiêu",
        targets_source="Tình trạng: nhịp độ",
    )
    return data, Presentation(io.BytesIO(data))


def _named(slide) -> dict:
    return {shape.name: shape for shape in slide.shapes}


def test_title_slide_one_slide_per_indicator_and_the_targets_in_16_9(presentation):
    _, prs = presentation
    assert len(prs.slides) == 4
    assert prs.slide_width * 9 == prs.slide_height * 16
    first = _named(prs.slides[0])
    assert first["title"].text_frame.text == "Nghị quyết 57"
    assert first["subtitle"].text_frame.text == "Thái Nguyên"
    assert first["date"].text_frame.text == "29/11/2026 · Tiếng Việt"
    assert first["synthetic note"].text_frame.text == WATERMARK  # the deck holds synthetic values


def test_indicator_slide_has_the_map_picture_native_numbers_legend_and_source(presentation):
    _, prs = presentation
    shapes = _named(prs.slides[1])
    assert shapes["title"].text_frame.text == "Nhân lực nghiên cứu và phát triển"
    assert shapes["map"].shape_type == MSO_SHAPE_TYPE.PICTURE
    assert [shapes[f"number {i}"].text_frame.text for i in range(1, 5)] == ["10,3", "8,2", "1 / 1", "+2,1"]
    assert [shapes[f"number label {i}"].text_frame.text for i in range(1, 5)] == [
        "Thái Nguyên",
        "Toàn quốc",
        "Xếp hạng",
        "Chênh lệch",
    ]
    assert shapes["legend 1"].text_frame.text == "3,6 – 8,2  (17)"
    assert str(shapes["legend swatch 1"].fill.fore_color.rgb) == "F1EF75"
    assert shapes["source"].text_frame.text == "Nguồn: Tỉnh ủy Thái Nguyên"
    assert shapes["date"].text_frame.text == "Vẽ ngày 29/11/2026"


def test_watermark_on_the_synthetic_slides_only(presentation):
    _, prs = presentation
    marked = [i for i, slide in enumerate(prs.slides) if deck.WATERMARK_NAME in _named(slide)]
    assert marked == [2]  # the 5G slide; neither the real one nor the targets (no synthetic target) nor the title
    mark = _named(prs.slides[2])[deck.WATERMARK_NAME]
    assert mark.text_frame.text == WATERMARK
    assert mark.rotation == pytest.approx(360 - 29.357, abs=0.01)  # along the 16:9 diagonal
    assert mark.width > 0.8 * prs.slide_width
    assert list(prs.slides[2].shapes)[-1].name == deck.WATERMARK_NAME  # drawn above everything else


def test_targets_slide_has_status_lights_as_shapes_and_words(presentation):
    _, prs = presentation
    shapes = _named(prs.slides[3])
    assert shapes["title"].text_frame.text == "Mục tiêu"
    light = shapes["status light 1"]
    assert light.auto_shape_type == MSO_SHAPE.OVAL and str(light.fill.fore_color.rgb) == deck.STATUS_COLOURS["missed"]
    assert shapes["status 1"].text_frame.text == "Không đạt"
    assert shapes["target 2"].text_frame.text == "Nhân lực R&D: 12 trên 10.000 dân · Thái Nguyên"
    assert "mục tiêu 90% không đạt" in shapes["explanation 1"].text_frame.text


def test_fonts_are_common_and_nothing_is_embedded_or_linked(presentation):
    data, prs = presentation
    fonts = {
        run.font.name
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    }
    assert fonts == {"Arial"}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        assert not [n for n in names if n.startswith("ppt/fonts/")]
        rels = "".join(package.read(n).decode("utf-8") for n in names if n.endswith(".rels"))
    assert 'TargetMode="External"' not in rels


def test_the_map_picture_is_drawn_from_the_fitted_spec_offline():
    frame = boundaries.load_boundaries("2025")
    arch = boundaries.load_archipelagos()
    archipelagos = list(zip(arch["name_vi"], arch["label_lon"], arch["label_lat"], arch.geometry))
    rows = [
        {"code": c, "p": 0, "fill": "#f1ef75", "line": "#464646", "width": 1.0, "dash": False, "tip": ""}
        for c in frame["code"]
    ]
    spec = vega_map.map_spec(
        vega_map.bundled_topology("2025"),
        rows,
        periods=["2025-Q4"],
        start=0,
        box=vega_map.bounds(frame, archipelagos),
        archipelagos=archipelagos,
    )
    image = Image.open(io.BytesIO(deck.map_picture(spec, scale=1)))
    assert image.format == "PNG" and image.size == (560, 700)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0xF1, 0xEF, 0x75) in colours  # the provinces' fill
    assert spec["params"][0].get("bind") is None and spec["width"] == "container"  # the page's spec is not changed


def test_the_picture_has_the_pixels_the_slide_shows_and_is_drawn_once_per_spec(monkeypatch):
    """The map is 5.2 of the slide's 7.5 inches tall: 1080 x 5.2 / 7.5 = 748.8 rows on a 1920 x 1080 screen."""
    assert round(deck._MAP_PICTURE[1] * deck.SLIDE_SCALE) == 749
    drawn = []
    monkeypatch.setattr(deck, "_pictures", type(deck._pictures)())
    monkeypatch.setattr(deck, "_draw_picture", lambda prepared, scale: drawn.append(prepared["description"]) or b"png")
    first, second = {"description": "a", "layer": []}, {"description": "b", "layer": []}
    assert deck.map_picture(first) == deck.map_picture(dict(first)) == b"png"  # an equal spec: drawn once
    deck.map_picture(second)
    deck.map_picture(first, scale=2)  # another size: drawn again
    assert drawn == ["a", "b", "a"]
    monkeypatch.setattr(deck, "PICTURE_CACHE", 2)
    deck.map_picture({"description": "c", "layer": []})  # the least recently used go ("b" among them)
    deck.map_picture(second)
    assert drawn == ["a", "b", "a", "c", "b"]


def _plain_spec(fill: str) -> dict:
    frame = boundaries.load_boundaries("2025")
    rows = [
        {"code": c, "p": 0, "fill": fill, "line": "#464646", "width": 1.0, "dash": False, "tip": ""}
        for c in frame["code"]
    ]
    return vega_map.map_spec(
        vega_map.bundled_topology("2025"), rows, periods=["2025-Q4"], start=0, box=vega_map.bounds(frame)
    )


def test_a_painter_draws_in_a_child_process_what_map_picture_draws_here(monkeypatch):
    """The deck's pictures come from another process (vl-convert holds the GIL); they are the same pictures."""
    monkeypatch.setattr(deck, "_pictures", type(deck._pictures)())
    yellow, blue = _plain_spec("#f1ef75"), _plain_spec("#1f4e9c")
    with deck.Painter(scale=1) as painter:
        pending = [painter.submit(yellow), painter.submit(blue)]
        assert painter._child is not None and painter._child.poll() is None  # drawing beside the caller
        pictures = [picture() for picture in pending]
        folder = painter._folder.name
    assert not Path(folder).exists()  # the specs and pictures passed through a folder that is gone
    for picture, colour in zip(pictures, [(0xF1, 0xEF, 0x75), (0x1F, 0x4E, 0x9C)]):
        image = Image.open(io.BytesIO(picture))
        assert image.size == (560, 700) and colour in {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    # kept: asked again (by a painter or here), nothing is drawn
    monkeypatch.setattr(deck, "_draw_picture", lambda *a: pytest.fail("drawn again"))
    with deck.Painter(scale=1) as painter:
        assert painter.submit(blue)() == pictures[1] and painter._child is None
    assert deck.map_picture(yellow, scale=1) == pictures[0]


def test_without_a_child_process_the_painter_draws_here(monkeypatch):
    monkeypatch.setattr(deck, "_pictures", type(deck._pictures)())
    monkeypatch.setattr(deck.sys, "executable", "/nonexistent/python")
    with deck.Painter(scale=1) as painter:
        picture = painter.submit(_plain_spec("#f1ef75"))()
    assert Image.open(io.BytesIO(picture)).size == (560, 700)
