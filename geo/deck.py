"""The meeting deck: a 16:9 PowerPoint file of fitted maps, headline numbers and targets (python-pptx).

One plain function, :func:`build_deck`, takes what the slides say (:class:`MapSlide`,
:class:`TargetLine`) and returns the ``.pptx`` bytes; the Presentation page and the command line
both call it. Everything in the file is native and editable: titles, the four headline numbers,
the legend's labels, the source line and the targets' words are text boxes; the status lights are
shapes with their status written beside them (colour is never the only sign); the map is a
picture drawn from the same Vega-Lite spec as the page (:func:`map_picture`, vl-convert, no
network). Text is set in Arial, which PowerPoint has and LibreOffice replaces by the
metric-compatible Liberation Sans; no font is embedded and nothing is fetched.

A slide that shows a synthetic value carries a large diagonal watermark over the whole slide (a
translucent text box), and its picture carries the map's own watermark; other slides carry none.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import io
import json
import math
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from geo.choropleth import LegendEntry

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9, 13.333 x 7.5 inches (PowerPoint's widescreen)
FONT = "Arial"
WATERMARK_NAME = "watermark"
STATUS_COLOURS = {
    "met": "1B7F3B",
    "on_track": "1B7F3B",
    "at_risk": "E0A100",
    "off_track": "C62828",
    "missed": "C62828",
    "unknown": "8A8A8A",
}
_DARK, _GREY = RGBColor(0x1A, 0x1A, 0x1A), RGBColor(0x55, 0x55, 0x55)
_MAP_PICTURE = (560, 700)  # pixels of the map frame given to vl-convert (times the scale)
_MAP_HEIGHT_IN = 5.2  # the picture's height on the slide (inches of the 7.5-inch slide)
#: The picture's scale: as many pixels as the slide shows it with on a 1920 x 1080 screen (1080 rows
#: for 7.5 inches), not more: rasterising costs with the pixel count and a projector shows no finer.
SLIDE_SCALE = round(1080 * _MAP_HEIGHT_IN / 7.5 / _MAP_PICTURE[1], 3)
#: Pictures kept in memory (about 0.2 MB each), by the spec, size and scale they are drawn from.
PICTURE_CACHE = 48
_pictures: collections.OrderedDict[str, bytes] = collections.OrderedDict()
_pictures_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class MapSlide:
    """One indicator's slide.

    Attributes
    ----------
    title, subtitle : str
        The indicator; its period, layout and unit.
    picture : bytes
        PNG of the fitted map (:func:`map_picture`).
    legend_title : str
        Unit of the classes.
    legend : sequence of LegendEntry
        :func:`geo.choropleth.legend_entries`.
    numbers : sequence of (label, value)
        The four headline numbers, as on the Presentation page.
    source : str
        The source line (producers and titles of the values' sources).
    date_line : str
        When the deck was made.
    synthetic : bool
        Whether any value on the slide is synthetic (then the slide carries the watermark).
    notes : sequence of str
        Short lines under the legend (outlines, converted values).
    """

    title: str
    subtitle: str
    picture: bytes
    legend_title: str
    legend: Sequence[LegendEntry]
    numbers: Sequence[tuple[str, str]]
    source: str
    date_line: str
    synthetic: bool = False
    notes: Sequence[str] = ()


@dataclasses.dataclass(frozen=True)
class TargetLine:
    """One target on the targets slide: what, where, its status (key of :data:`STATUS_COLOURS`) in words, and why."""

    target: str
    place: str
    status: str
    status_words: str
    explanation: str
    synthetic: bool = False


def map_picture(spec: Mapping, *, scale: float = SLIDE_SCALE, size: tuple[int, int] = _MAP_PICTURE) -> bytes:
    """The fitted map of a :func:`geo.vega_map.map_spec` spec as a PNG (vl-convert, offline).

    The spec's container size becomes ``size`` (pixels before ``scale``); its fonts become DejaVu
    Sans, shipped with matplotlib and registered here, so Vietnamese letters are drawn in one font.

    A picture costs 0.3-0.8 s; the last :data:`PICTURE_CACHE` are kept, keyed by everything they are
    drawn from (the spec holds the values, colours, labels, watermark and language), so the same map
    asked again (a second deck, another language and back) is not drawn again. vl-convert holds the
    GIL while it draws: to go on computing meanwhile, draw with a :class:`Painter`.
    """
    key = _picture_key(spec, scale, size)
    return _cached(key) or _keep(key, _draw_picture(_for_picture(spec, size), scale))


def _picture_key(spec: Mapping, scale: float, size: tuple[int, int]) -> str:
    return hashlib.sha256(json.dumps([spec, list(size), scale], sort_keys=True, default=str).encode()).hexdigest()


def _cached(key: str) -> bytes | None:
    with _pictures_lock:
        if key in _pictures:
            _pictures.move_to_end(key)
            return _pictures[key]
    return None


def _keep(key: str, picture: bytes) -> bytes:
    with _pictures_lock:
        _pictures[key] = picture
        while len(_pictures) > PICTURE_CACHE:
            _pictures.popitem(last=False)
    return picture


def _font_folder() -> str:
    import matplotlib

    return str(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf")


def _for_picture(spec: Mapping, size: tuple[int, int]) -> dict:
    """A copy of the page's spec for a picture: ``size`` pixels, DejaVu Sans, no slider."""
    spec = json.loads(json.dumps(spec, default=str))  # a deep copy, faster than copy.deepcopy
    spec["width"], spec["height"] = size
    spec["config"] = {**spec.get("config", {}), "font": "DejaVu Sans"}
    for layer in spec.get("layer", []):
        if isinstance(layer.get("mark"), dict) and "font" in layer["mark"]:
            layer["mark"]["font"] = "DejaVu Sans"
    for param in spec.get("params", []):
        param.pop("bind", None)  # no slider in a picture
    return spec


def _draw_picture(prepared: dict, scale: float) -> bytes:
    import vl_convert

    _register_fonts(_font_folder(), vl_convert)
    return vl_convert.vegalite_to_png(prepared, scale=scale)


#: The child process of a :class:`Painter`: reads job numbers, draws ``<n>.json`` into ``<n>.png``.
_PAINTER_CODE = """
import json, sys
import vl_convert
vl_convert.register_font_directory(sys.argv[1])
for line in sys.stdin:
    n = line.strip()
    try:
        with open(f"{sys.argv[2]}/{n}.json", encoding="utf-8") as file:
            job = json.load(file)
        png = vl_convert.vegalite_to_png(job["spec"], scale=job["scale"])
        with open(f"{sys.argv[2]}/{n}.png", "wb") as file:
            file.write(png)
        print(n, "ok", flush=True)
    except Exception as exc:
        print(n, "failed:", str(exc).replace("\\n", " "), flush=True)
"""


class Painter:
    """Draws map pictures in a child process while the caller goes on computing the next slides.

    vl-convert holds the GIL while it draws (0.3-0.8 s a picture), so a thread would stop the
    caller; a child process draws beside it, on another core. Pictures already kept
    (:func:`map_picture`'s cache) are not drawn again. Specs and pictures go through a temporary
    folder (a spec does not fit a pipe's buffer); the child starts at the first picture to draw. If
    it cannot start or fails, the pictures are drawn here instead: the deck never lacks its maps.

    Examples
    --------
    >>> with Painter() as painter:  # doctest: +SKIP
    ...     pending = [painter.submit(spec) for spec in specs]
    ...     pictures = [picture() for picture in pending]
    """

    def __init__(self, *, scale: float = SLIDE_SCALE, size: tuple[int, int] = _MAP_PICTURE, timeout_s: float = 300):
        self.scale, self.size, self.timeout_s = scale, size, timeout_s
        self._folder: tempfile.TemporaryDirectory | None = None
        self._child: subprocess.Popen | None = None
        self._jobs: dict[int, tuple[str, dict]] = {}  # job number -> (key, prepared spec)
        self._done: dict[int, str] | None = None  # job number -> the child's answer, once it has finished

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, spec: Mapping) -> Callable[[], bytes]:
        """Start drawing ``spec``; returns a function that gives the PNG (waiting for it if needed)."""
        key = _picture_key(spec, self.scale, self.size)
        kept = _cached(key)
        if kept is not None:
            return lambda: kept
        n = len(self._jobs)
        self._jobs[n] = (key, _for_picture(spec, self.size))
        self._send(n)
        return functools.partial(self._picture, n)

    def _send(self, n: int) -> None:
        if self._done is not None:
            return  # the child has finished: this one is drawn here
        try:
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="vn57-pictures-")
            folder = Path(self._folder.name)
            (folder / f"{n}.json").write_text(json.dumps({"spec": self._jobs[n][1], "scale": self.scale}), "utf-8")
            if self._child is None:
                self._child = subprocess.Popen(
                    [sys.executable, "-c", _PAINTER_CODE, _font_folder(), str(folder)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            self._child.stdin.write(f"{n}\n")
            self._child.stdin.flush()
        except OSError:  # no child: drawn here when asked
            self._finish()

    def _finish(self) -> None:
        """Let the child draw what it was given and stop; note its answers."""
        if self._done is not None:
            return
        self._done = {}
        if self._child is None:
            return
        try:
            out, _ = self._child.communicate(timeout=self.timeout_s)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self._child.kill()
            out, _ = self._child.communicate()
        for line in (out or "").splitlines():
            number, _, answer = line.partition(" ")
            if number.isdigit():
                self._done[int(number)] = answer

    def _picture(self, n: int) -> bytes:
        key, prepared = self._jobs[n]
        kept = _cached(key)
        if kept is not None:
            return kept
        self._finish()
        drawn = Path(self._folder.name) / f"{n}.png" if self._folder else None
        if self._done.get(n) == "ok" and drawn is not None and drawn.is_file():
            return _keep(key, drawn.read_bytes())
        return _keep(key, _draw_picture(prepared, self.scale))  # the child could not draw it

    def close(self) -> None:
        """Stop the child (if any) and remove the temporary folder."""
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
            self._child.communicate()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


_REGISTERED: set[str] = set()


def _register_fonts(folder: str, vl_convert) -> None:
    if folder not in _REGISTERED:
        vl_convert.register_font_directory(folder)
        _REGISTERED.add(folder)


def _text(
    slide,
    left,
    top,
    width,
    height,
    text: str,
    size: float,
    *,
    bold=False,
    colour=_DARK,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
    name: str | None = None,
):
    """A native text box (word-wrapped, no autofit: the sizes are chosen to fit)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.margin_top = frame.margin_bottom = Inches(0.02)
    for i, line in enumerate(str(text).split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.name = FONT
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
    return box


def _hex(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _watermark(slide, text: str) -> None:
    """The demonstration-data warning across the slide's diagonal, red at 30% opacity, on top of everything."""
    angle = math.degrees(math.atan2(HEIGHT, WIDTH))
    length = int(math.hypot(WIDTH, HEIGHT) * 0.9)
    height = Inches(1.1)
    box = _text(
        slide,
        Emu(int((WIDTH - length) / 2)),
        Emu(int((HEIGHT - height) / 2)),
        Emu(length),
        height,
        text,
        min(54, 0.9 * length / 12700 / (len(text) * 0.62)),
        bold=True,
        colour=RGBColor(0xC6, 0x28, 0x28),
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
        name=WATERMARK_NAME,
    )
    box.rotation = -angle
    for run in box.text_frame.paragraphs[0].runs:  # translucent: python-pptx has no API for a text colour's alpha
        colour = run.font.fill._xPr.find(qn("a:solidFill")).find(qn("a:srgbClr"))
        alpha = colour.makeelement(qn("a:alpha"), {"val": "30000"})
        colour.append(alpha)


def _blank(prs):
    return prs.slides.add_slide(prs.slide_layouts[6])


def _footer(slide, source: str, date_line: str) -> None:
    """The source line (up to two lines) and the date under it, at the foot of the slide."""
    _text(slide, Inches(0.5), Inches(6.68), Inches(12.3), Inches(0.48), source, 10, colour=_GREY, name="source")
    _text(slide, Inches(0.5), Inches(7.16), Inches(12.3), Inches(0.28), date_line, 9, colour=_GREY, name="date")


def _map_slide(prs, item: MapSlide, watermark: str) -> None:
    slide = _blank(prs)
    _text(slide, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.75), item.title, 28, bold=True, name="title")
    _text(slide, Inches(0.5), Inches(1.0), Inches(12.3), Inches(0.4), item.subtitle, 16, colour=_GREY, name="subtitle")
    # the map in a frame shaped like it (4 x 5), left; the numbers and the legend right
    top, height = Inches(1.45), Inches(5.2)
    slide.shapes.add_picture(io.BytesIO(item.picture), Inches(0.5), top, height=height).name = "map"
    left = Inches(5.0)
    box_w, box_h, gap = Inches(3.95), Inches(1.15), Inches(0.2)
    for i, (label, value) in enumerate(item.numbers[:4]):
        x = left + (box_w + gap) * (i % 2)
        y = top + (box_h + gap) * (i // 2)
        frame = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, x, y, box_w, box_h)
        frame.name = f"number frame {i + 1}"
        frame.fill.solid()
        frame.fill.fore_color.rgb = RGBColor(0xF5, 0xF6, 0xF8)
        frame.line.color.rgb = RGBColor(0xC8, 0xCC, 0xD2)
        frame.adjustments[0] = 0.08
        _text(
            slide,
            x + Inches(0.15),
            y + Inches(0.08),
            box_w - Inches(0.3),
            Inches(0.4),
            label,
            14,
            colour=_GREY,
            name=f"number label {i + 1}",
        )
        _text(
            slide,
            x + Inches(0.15),
            y + Inches(0.45),
            box_w - Inches(0.3),
            Inches(0.6),
            value,
            30,
            bold=True,
            name=f"number {i + 1}",
        )
    y = top + (box_h + gap) * 2 + Inches(0.05)
    _text(slide, left, y, Inches(8), Inches(0.35), item.legend_title, 14, bold=True, name="legend title")
    y += Inches(0.4)
    for i, entry in enumerate(item.legend):
        swatch = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, y + Inches(0.04), Inches(0.32), Inches(0.24))
        swatch.name = f"legend swatch {i + 1}"
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = _hex(entry.colour)
        swatch.line.color.rgb = RGBColor(0x55, 0x55, 0x55)
        _text(
            slide,
            left + Inches(0.42),
            y,
            Inches(3.6),
            Inches(0.32),
            f"{entry.label}  ({entry.count})",
            13,
            name=f"legend {i + 1}",
        )
        y += Inches(0.33)
    if item.notes:
        _text(
            slide,
            left + Inches(4.2),
            top + (box_h + gap) * 2 + Inches(0.45),
            Inches(4.0),
            Inches(2.2),
            "\n".join(item.notes),
            11,
            colour=_GREY,
            name="notes",
        )
    _footer(slide, item.source, item.date_line)
    if item.synthetic:
        _watermark(slide, watermark)


def _targets_slide(prs, title: str, lines: Sequence[TargetLine], source: str, date_line: str, watermark: str) -> None:
    slide = _blank(prs)
    _text(slide, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.75), title, 28, bold=True, name="title")
    y = Inches(1.25)
    row_h = min(Inches(0.95), int((Inches(6.6) - y) / max(1, len(lines))))
    for i, line in enumerate(lines):
        light = slide.shapes.add_shape(MSO_SHAPE.OVAL, Inches(0.5), y + Inches(0.05), Inches(0.36), Inches(0.36))
        light.name = f"status light {i + 1}"
        light.fill.solid()
        light.fill.fore_color.rgb = _hex(STATUS_COLOURS.get(line.status, STATUS_COLOURS["unknown"]))
        light.line.color.rgb = RGBColor(0x33, 0x33, 0x33)
        _text(
            slide, Inches(1.0), y, Inches(2.3), Inches(0.45), line.status_words, 14, bold=True, name=f"status {i + 1}"
        )
        _text(
            slide,
            Inches(3.4),
            y,
            Inches(9.4),
            Inches(0.4),
            f"{line.target} · {line.place}",
            14,
            bold=True,
            name=f"target {i + 1}",
        )
        _text(
            slide,
            Inches(3.4),
            y + Inches(0.37),
            Inches(9.4),
            row_h - Inches(0.4),
            line.explanation,
            12,
            colour=_GREY,
            name=f"explanation {i + 1}",
        )
        y += row_h
    _footer(slide, source, date_line)
    if any(line.synthetic for line in lines):
        _watermark(slide, watermark)


def build_deck(
    slides: Sequence[MapSlide],
    *,
    title: str,
    subtitle: str,
    date_text: str,
    language_text: str,
    watermark: str,
    targets: Sequence[TargetLine] = (),
    targets_title: str = "",
    targets_source: str = "",
) -> bytes:
    """The meeting deck as ``.pptx`` bytes: a title slide, one slide per indicator, then the targets.

    Parameters
    ----------
    slides : sequence of MapSlide
        One per indicator, in order.
    title, subtitle : str
        The title slide: what the deck is about, and for whom (a province, or the whole country).
    date_text, language_text : str
        Written on the title slide ("29/11/2026", "Tiếng Việt").
    watermark : str
        The demonstration-data warning in the deck's language.
    targets : sequence of TargetLine
        The targets slide's lines; no targets slide when empty.
    targets_title, targets_source : str
        Its title and source line.

    Returns
    -------
    bytes
        A 16:9 presentation (13.333 x 7.5 inches).

    Examples
    --------
    >>> from pptx import Presentation
    >>> data = build_deck([], title="Resolution 57", subtitle="Whole country", date_text="2026-11-29",
    ...                   language_text="English", watermark="DEMONSTRATION DATA, NOT REAL")
    >>> deck = Presentation(io.BytesIO(data))
    >>> len(deck.slides), deck.slide_width == WIDTH
    (1, True)
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    first = _blank(prs)
    _text(first, Inches(0.8), Inches(2.3), Inches(11.7), Inches(1.3), title, 40, bold=True, name="title")
    _text(first, Inches(0.8), Inches(3.6), Inches(11.7), Inches(0.8), subtitle, 26, colour=_GREY, name="subtitle")
    _text(
        first,
        Inches(0.8),
        Inches(4.5),
        Inches(11.7),
        Inches(0.5),
        f"{date_text} · {language_text}",
        18,
        colour=_GREY,
        name="date",
    )
    if any(s.synthetic for s in slides):
        _text(
            first,
            Inches(0.8),
            Inches(5.4),
            Inches(11.7),
            Inches(0.8),
            watermark,
            20,
            bold=True,
            colour=RGBColor(0xC6, 0x28, 0x28),
            name="synthetic note",
        )
    for item in slides:
        _map_slide(prs, item, watermark)
    if targets:
        _targets_slide(
            prs, targets_title, targets, targets_source, slides[0].date_line if slides else date_text, watermark
        )
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
