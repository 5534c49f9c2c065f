"""Static choropleth for slides: PNG (1920 x 1080) or SVG, drawn with geopandas and matplotlib.

Same classes, colours and outlines as the web map (the properties of
:func:`geo.choropleth.feature_collection`), drawn on the unsimplified ("fine") boundaries,
with title, legend, notes, source line, date and the boundaries' attribution. Text is
DejaVu Sans (shipped with matplotlib, covers Vietnamese) and stays text in the SVG. No
network, no pyplot state: each call draws on its own :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence

import geopandas as gpd
import matplotlib
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geo.choropleth import SEA_HEX, LegendEntry

WIDTH, HEIGHT, DPI = 1920, 1080, 100
FORMATS = ("png", "svg")
_PX_TO_PT = 72 / DPI
#: Map extent (lon/lat): the mainland and both archipelagos.
EXTENT = (101.8, 117.6, 7.9, 23.6)
_TEXT_X = 0.56  # left edge of the title, legend and source column
_LABEL_PT = 8.5


def _rgba(colour) -> tuple[float, ...]:
    """An RGBA list of 0-255 ints, or a hex string, as a matplotlib colour."""
    if isinstance(colour, str):
        return matplotlib.colors.to_rgba(colour)
    r, g, b, *a = colour
    return (r / 255, g / 255, b / 255, (a[0] if a else 255) / 255)


def styled_frame(boundaries: gpd.GeoDataFrame, collection: Mapping) -> gpd.GeoDataFrame:
    """The boundaries with the style of the web map's features, matched by code.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Columns ``code`` and ``geometry`` (:func:`geo.boundaries.load_boundaries` with
        ``fine=True``, or a user's matched boundaries).
    collection : mapping
        The FeatureCollection of :func:`geo.choropleth.feature_collection`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``name``, ``fill``, ``line``, ``line_width``, ``dash``, ``geometry``.
    """
    props = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    frame = boundaries[boundaries["code"].isin(props)].copy()
    for column in ("name", "fill", "line", "line_width", "dash"):
        frame[column] = [props[c][column] for c in frame["code"]]
    return frame[["code", "name", "fill", "line", "line_width", "dash", "geometry"]]


def placed_labels(frame: gpd.GeoDataFrame, size_pt: float) -> list[tuple[str, float, float]]:
    """Province names that fit without overlapping, larger provinces first: (name, lon, lat).

    Each label's box is estimated from its length and the map's scale (about 66 pixels per degree
    in the 1920 x 1080 layout); a label whose box overlaps one already placed is left out.
    """
    px_per_degree = 0.98 * HEIGHT / ((EXTENT[3] - EXTENT[2]) / math.cos(math.radians(sum(EXTENT[2:]) / 2)))
    char_px, line_px = 0.6 * size_pt * DPI / 72, 1.5 * size_pt * DPI / 72
    points = frame.geometry.representative_point()
    areas = pd.Series(shapely.area(list(frame.geometry)), index=frame.index)  # square degrees: only compared
    order = areas.sort_values(ascending=False, kind="stable").index
    boxes, placed = [], []
    for i in order:
        name, p = str(frame.at[i, "name"]), points[i]
        half_w, half_h = len(name) * char_px / px_per_degree / 2, line_px / px_per_degree / 2
        box = (p.x - half_w, p.y - half_h, p.x + half_w, p.y + half_h)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        placed.append((name, p.x, p.y))
    return placed


WATERMARK_COLOUR = "#c62828"


def draw_watermark(fig: Figure, text: str) -> None:
    """``text`` across the figure along its diagonal, large, bold and translucent, above everything else.

    The size is chosen so the line spans about 85% of the diagonal (DejaVu Sans Bold capitals are
    about 0.68 of the font size wide).
    """
    width_px, height_px = fig.get_size_inches() * fig.dpi
    diagonal = math.hypot(width_px, height_px)
    size_pt = 0.85 * diagonal / (max(len(text), 8) * 0.68) * 72 / fig.dpi
    fig.text(
        0.5,
        0.5,
        text,
        fontsize=size_pt,
        fontweight="bold",
        color=WATERMARK_COLOUR,
        alpha=0.3,
        rotation=math.degrees(math.atan2(height_px, width_px)),
        rotation_mode="anchor",
        ha="center",
        va="center",
        zorder=10,
        gid="watermark",
    )


def _draw_map(ax, frame: gpd.GeoDataFrame, archipelagos, province_labels: bool) -> None:
    for (width, dash), group in frame.groupby(["line_width", frame["dash"].map(tuple)], sort=True):
        style = "solid" if not any(dash) else (0, tuple(d * 1.0 for d in dash))
        group.plot(
            ax=ax,
            color=[_rgba(c) for c in group["fill"]],
            edgecolor=[_rgba(c) for c in group["line"]],
            linewidth=width * _PX_TO_PT * 1.2,
            linestyle=style,
        )
    selected = frame[frame["line_width"] == frame["line_width"].max()]
    if len(selected) == 1 and len(frame) > 1:  # draw the chosen province's outline on top
        selected.plot(
            ax=ax,
            facecolor="none",
            edgecolor=[_rgba(c) for c in selected["line"]],
            linewidth=float(selected["line_width"].iloc[0]) * _PX_TO_PT * 1.2,
        )
    if province_labels:
        for name, x, y in placed_labels(frame, _LABEL_PT):
            ax.text(
                x,
                y,
                name,
                fontsize=_LABEL_PT,
                ha="center",
                va="center",
                color="#111111",
                bbox=dict(boxstyle="round,pad=0.15", fc=(1, 1, 1, 0.65), ec="none"),
            )
    for name, lon, lat, islands in archipelagos:
        # the island polygons are a few pixels wide at this scale: mark each island with a dot
        points = [part.centroid for part in getattr(islands, "geoms", [islands])] if islands is not None else []
        ax.scatter([p.x for p in points], [p.y for p in points], s=14, color="#333333", zorder=3)
        ax.text(lon, lat, name, fontsize=13, ha="center", va="top", style="italic", color="#1a1a1a")
    lon0, lon1, lat0, lat1 = EXTENT
    ax.set_facecolor(SEA_HEX)  # as on the web map: pale classes and white outlines stay visible
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _flow(fig: Figure, y: float, text: str, size: float, gap: float = 0.3, **style) -> float:
    """Write ``text`` in the right-hand column from height ``y`` down, wrapped; return the next free height."""
    chars = max(10, int((1 - _TEXT_X - 0.02) * WIDTH / (0.6 * size * DPI / 72)))
    lines = textwrap.wrap(text, chars) or [""]
    fig.text(_TEXT_X, y, "\n".join(lines), fontsize=size, va="top", linespacing=1.25, **style)
    return y - (len(lines) * 1.25 + gap) * size * DPI / 72 / HEIGHT


def _draw_legend(fig: Figure, y: float, legend_title: str, legend: Sequence[LegendEntry], notes: Sequence[str]) -> None:
    x = _TEXT_X
    y = _flow(fig, y, legend_title, 20, gap=0.6, weight="bold")
    for entry in legend:
        hatch = entry.kind == "no_data"
        fig.patches.append(
            Rectangle(
                (x, y - 0.035),
                0.035,
                0.04,
                transform=fig.transFigure,
                facecolor=_rgba(entry.colour),
                edgecolor="#5a5a5a",
                linewidth=1.2,
                linestyle=(0, (4, 3)) if hatch else "solid",
                hatch="//" if hatch else None,
            )
        )
        fig.text(x + 0.045, y - 0.015, f"{entry.label}   ({entry.count})", fontsize=18, va="center")
        y -= 0.058
    y -= 0.015
    for note in notes:
        y = _flow(fig, y, note, 14, color="#333333")


def render(
    frame: gpd.GeoDataFrame,
    *,
    title: str,
    subtitle: str,
    legend_title: str,
    legend: Sequence[LegendEntry],
    notes: Sequence[str] = (),
    source: str,
    date_line: str,
    attribution: str,
    archipelagos: Sequence[tuple] = (),
    province_labels: bool = False,
    fmt: str = "png",
    watermark: str | None = None,
) -> bytes:
    """Draw the map as a 1920 x 1080 PNG or an SVG of the same layout.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        From :func:`styled_frame` (EPSG:4326).
    title, subtitle : str
        Indicator name, and period, layout and colouring.
    legend_title : str
        Unit (and, for differences, what they are from).
    legend : sequence of LegendEntry
        :func:`geo.choropleth.legend_entries`; shown with their counts. The "no data" entry
        is hatched.
    notes : sequence of str
        Lines under the legend (synthetic values, converted values).
    source, date_line, attribution : str
        The footer: sources of the values, the date drawn, the boundaries' attribution
        (:data:`geo.boundaries.ATTRIBUTION`, or a note for a user's own boundaries).
    archipelagos : sequence of (name, lon, lat, geometry)
        The Hoàng Sa and Trường Sa archipelagos (:func:`geo.boundaries.load_archipelagos`): the
        name is written at (lon, lat) and each island of the geometry marked with a dot.
    province_labels : bool
        Write each province's name on it.
    fmt : {"png", "svg"}
    watermark : str, optional
        Written large and diagonally across the whole image (:func:`draw_watermark`) when synthetic
        values are drawn; it stays text in the SVG.

    Returns
    -------
    bytes
        The PNG (1920 x 1080 pixels) or SVG document.
    """
    if fmt not in FORMATS:
        raise ValueError(f"The 'fmt' parameter must be one of {FORMATS}. Got {fmt!r} instead.")
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "svg.fonttype": "none", "hatch.color": "#5a5a5a"}):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
        ax = fig.add_axes((0.0, 0.01, 0.56, 0.98))
        _draw_map(ax, frame, archipelagos, province_labels)
        y = _flow(fig, 0.95, title, 30, weight="bold")
        y = _flow(fig, y, subtitle, 19, gap=1.5, color="#333333")
        _draw_legend(fig, y, legend_title, legend, notes)
        y = _flow(fig, 0.17, source, 13, color="#333333")
        y = _flow(fig, y, date_line, 12, color="#555555")
        _flow(fig, y, attribution, 11, color="#555555")
        if watermark:
            draw_watermark(fig, watermark)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=DPI, facecolor="white", metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
