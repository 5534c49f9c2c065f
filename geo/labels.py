"""Where province names go on a fitted map: a pure function of the anchors, the frame and the type size.

Vega-Lite draws text but does not keep labels apart, so the placement is decided here, once, in
the pixels of a *reference frame* (the map frame of a 1920 x 1080 slide). The map fits its
projection to the frame in the browser with one uniform scale, so when the page scales the
label type with the map (``font = font_px * scale / reference scale``) the boxes placed here
keep their relative positions at every size and still do not overlap.

Each province gets, in order of priority (the capitals first, then the larger provinces):

1. its name at its anchor (a point inside the province), or shifted by half a line up, down,
   left or right when that spot is taken;
2. else a number (``"12"``) at the same spots, explained by a key beside the map;
3. else nothing (it is still in the key, with its number, and in the tooltip).

Coordinates: :func:`mercator` and :func:`fit` reproduce d3's ``geoMercator().fitSize``, which
Vega-Lite applies when a spec gives a projection type and no scale or translate.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

NAME, NUMBER = "name", "number"
#: Average advance of a character, as a share of the font size (DejaVu Sans / Source Sans, mixed case).
CHAR_WIDTH = 0.6
LINE_HEIGHT = 1.25
HALO_PX = 2.0
_SHIFTS = ((0.0, 0.0), (0.0, -1.0), (0.0, 1.0), (1.0, 0.0), (-1.0, 0.0))


@dataclasses.dataclass(frozen=True)
class Placed:
    """One province's label: what is written (``text``), where (pixels of the reference frame) and how."""

    code: str
    name: str
    text: str
    kind: str  # NAME or NUMBER
    x: float
    y: float
    number: int | None = None

    def box(self, font_px: float) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the label's text, halo included."""
        return text_box(self.text, self.x, self.y, font_px)


def text_box(text: str, x: float, y: float, font_px: float) -> tuple[float, float, float, float]:
    """The box of ``text`` centred on (x, y) at ``font_px``: estimated width, one line, plus the halo."""
    half_w = len(text) * CHAR_WIDTH * font_px / 2 + HALO_PX
    half_h = LINE_HEIGHT * font_px / 2 + HALO_PX / 2
    return (x - half_w, y - half_h, x + half_w, y + half_h)


def overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two (left, top, right, bottom) boxes share any area (touching edges do not)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Unscaled Mercator: (lambda, -ln tan(pi/4 + phi/2)), y growing southwards as on a screen."""
    return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


@dataclasses.dataclass(frozen=True)
class Fit:
    """A Mercator projection fitted to a frame: ``scale`` pixels per radian, then a translation."""

    scale: float
    dx: float
    dy: float

    def to_px(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator(lon, lat)
        return self.scale * x + self.dx, self.scale * y + self.dy

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        mx, my = (x - self.dx) / self.scale, (y - self.dy) / self.scale
        return math.degrees(mx), math.degrees(2 * math.atan(math.exp(-my)) - math.pi / 2)


def fit(bounds: Sequence[float], width: float, height: float) -> Fit:
    """The projection that fits ``bounds`` (lon0, lat0, lon1, lat1) to a ``width`` x ``height`` frame, centred.

    Examples
    --------
    >>> f = fit((100.0, -10.0, 110.0, 10.0), 400, 400)
    >>> [round(v, 1) + 0.0 for v in f.to_px(100.0, 10.0)], [round(v, 1) for v in f.to_px(110.0, -10.0)]
    ([100.5, 0.0], [299.5, 400.0])
    """
    x0, y1 = mercator(bounds[0], bounds[1])
    x1, y0 = mercator(bounds[2], bounds[3])
    scale = min(width / (x1 - x0), height / (y1 - y0))
    return Fit(scale, (width - scale * (x1 + x0)) / 2, (height - scale * (y1 + y0)) / 2)


def place_labels(
    anchors: Sequence[tuple[str, str, float, float, float]],
    *,
    font_px: float,
    width: float,
    height: float,
    reserved: Sequence[Sequence[float]] = (),
) -> list[Placed]:
    """Choose, for each province, its name, a number or nothing, so that no two labels overlap.

    Parameters
    ----------
    anchors : sequence of (code, name, x, y, priority)
        A point inside each province in pixels of the frame, and its priority (higher first; ties
        keep the given order).
    font_px : float
        Type size of the labels in that frame (at least 14 on a 1920-wide slide).
    width, height : float
        The frame: a label must lie wholly inside it.
    reserved : sequence of (left, top, right, bottom)
        Boxes no label may cover (the archipelagos' names, say).

    Returns
    -------
    list of Placed
        In the order of ``anchors``. Numbers run 1, 2, ... in that order among the provinces that
        did not get their name; a province that gets neither keeps its number (``kind`` NUMBER,
        ``text`` ``""``) so that the key can still list it.

    Examples
    --------
    Two provinces 10 px apart: the larger one keeps its name, the other is shifted below it.

    >>> placed = place_labels([("01", "Ha Noi", 100, 100, 9.0), ("02", "Bac Ninh", 100, 110, 1.0)],
    ...                       font_px=14, width=400, height=400)
    >>> [(p.text, p.kind, round(p.y, 1)) for p in placed]
    [('Ha Noi', 'name', 100.0), ('Bac Ninh', 'name', 129.5)]
    """
    if font_px <= 0:
        raise ValueError(f"The 'font_px' parameter must be positive. Got {font_px!r} instead.")
    boxes: list[Sequence[float]] = list(reserved)
    order = sorted(range(len(anchors)), key=lambda i: -anchors[i][4])
    chosen: dict[int, Placed] = {}
    unnamed: list[int] = []

    def _try(i: int, text: str, kind: str, number: int | None = None) -> bool:
        code, name, x, y, _ = anchors[i]
        step_y = LINE_HEIGHT * font_px + HALO_PX
        step_x = len(text) * CHAR_WIDTH * font_px / 2 + font_px
        for sx, sy in _SHIFTS:
            cx, cy = x + sx * step_x, y + sy * step_y
            box = text_box(text, cx, cy, font_px)
            if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
                continue
            if any(overlaps(box, other) for other in boxes):
                continue
            boxes.append(box)
            chosen[i] = Placed(str(code), str(name), text, kind, cx, cy, number)
            return True
        return False

    for i in order:
        if not _try(i, str(anchors[i][1]), NAME):
            unnamed.append(i)
    for number, i in enumerate(sorted(unnamed), start=1):
        if not _try(i, str(number), NUMBER, number):
            code, name, x, y, _ = anchors[i]
            chosen[i] = Placed(str(code), str(name), "", NUMBER, x, y, number)
    return [chosen[i] for i in range(len(anchors))]


def key_entries(placed: Sequence[Placed]) -> list[tuple[int, str]]:
    """(number, name) of every numbered province, for the key beside the map."""
    return sorted((p.number, p.name) for p in placed if p.kind == NUMBER and p.number is not None)
