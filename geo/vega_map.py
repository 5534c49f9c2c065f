"""The fitted map: a Vega-Lite geoshape spec that fits Viet Nam and its archipelagos to any frame.

Why Vega-Lite and not pydeck for the maps people look at from a distance: pydeck's view (centre,
zoom) is set on the server, which does not know how wide the reader's frame is, so a phone sees a
cropped corner and a projector a small country in a wide frame. A Vega-Lite ``geoshape`` with a
projection type and no scale or translate is fitted to its data *in the browser*, at whatever
size the frame has. The spec is a plain dict (building it through altair costs 0.1-1 s), and:

* the boundaries are inline TopoJSON (the ``topojson`` package, quantized), rewound clockwise
  first: d3-geo reads counter-clockwise rings (RFC 7946) as "the globe minus the province";
* the values are a long table (one row per province and period) looked up to the geometry and
  filtered by a period parameter bound to a slider: stepping through periods (the time-lapse)
  redraws in the browser with no rerun and without sending the boundaries again;
* province labels are placed by :func:`geo.labels.place_labels` in a reference frame and scaled
  with the map, over a white halo;
* a large diagonal watermark is drawn across the map whenever a synthetic value is on it.

Nothing is fetched: the data, fonts and Vega itself come with the page.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import geopandas as gpd
import shapely
import topojson

from geo import boundaries, choropleth, labels

FEATURE = "provinces"
#: Reference frame of the label placement: the map frame of a 1920 x 1080 slide (height in pixels).
REFERENCE_HEIGHT = 680.0
#: Province names on that frame, in pixels (the back row of a meeting room reads 14 px on 1920).
LABEL_PX = 14.5
#: Below this size (a phone) the names are hidden; the tooltip and the key still name the provinces.
MIN_LABEL_PX = 9.0
WATERMARK_COLOUR = "#c62828"
#: Capitals first: their names are never the ones left out.
CAPITALS = ("01", "79")
FONT = "'Source Sans', 'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif"


def rewound(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with every exterior ring clockwise (and holes anticlockwise), as d3-geo expects."""
    out = frame.copy()
    out["geometry"] = shapely.orient_polygons(out.geometry.values, exterior_cw=True)
    return out


def topology(frame: gpd.GeoDataFrame, quantization: float = 1e5) -> dict:
    """Provinces (``code`` and ``geometry``) as a TopoJSON dict whose object is :data:`FEATURE`.

    Shared borders are stored once and coordinates quantized: about half the bytes of GeoJSON.
    """
    frame = rewound(frame[["code", "geometry"]].reset_index(drop=True))
    topo = topojson.Topology(frame, object_name=FEATURE, prequantize=quantization, toposimplify=False)
    return topo.to_dict()


@functools.lru_cache(maxsize=2)
def bundled_topology(layout: str) -> dict:
    """:func:`topology` of the bundled web boundaries of a layout, built once per process (read it, never change it)."""
    return topology(boundaries.load_boundaries(layout))


def bounds(frame: gpd.GeoDataFrame, archipelagos: Sequence[tuple] = ()) -> tuple[float, float, float, float]:
    """(lon0, lat0, lon1, lat1) of the provinces and the archipelagos' islands: what the map fits."""
    geoms = list(frame.geometry) + [a[3] for a in archipelagos if len(a) > 3 and a[3] is not None]
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return float(x0), float(y0), float(x1), float(y1)


def reference_frame(box: Sequence[float]) -> tuple[float, float]:
    """(width, height) of the label reference frame: :data:`REFERENCE_HEIGHT` tall, shaped like ``box``."""
    x0, y1 = labels.mercator(box[0], box[1])
    x1, y0 = labels.mercator(box[2], box[3])
    return REFERENCE_HEIGHT * (x1 - x0) / (y1 - y0), REFERENCE_HEIGHT


def province_labels(
    frame: gpd.GeoDataFrame,
    names: Mapping[str, str],
    box: Sequence[float],
    font_px: float = LABEL_PX,
    first: str | None = None,
) -> list[tuple[labels.Placed, float, float]]:
    """Every province's label placed on the reference frame, with the (lon, lat) it is drawn at.

    Anchors are :meth:`shapely.Polygon.representative_point` (always inside the province);
    priority is the area, the province ``first`` (the one chosen in the app) and then the capitals
    (:data:`CAPITALS`) before all others.
    """
    width, height = reference_frame(box)
    fitted = labels.fit(box, width, height)
    points = frame.geometry.representative_point()
    areas = shapely.area(list(frame.geometry))
    anchors = []
    for code, point, area in zip(frame["code"], points, areas):
        x, y = fitted.to_px(point.x, point.y)
        boost = 2e6 if code == first else 1e6 if code in CAPITALS else 0.0
        anchors.append((code, names.get(code, code), x, y, float(area) + boost))
    placed = labels.place_labels(anchors, font_px=font_px, width=width, height=height)
    return [(p, *fitted.to_lonlat(p.x, p.y)) for p in placed]


def value_rows(collections: Sequence[Mapping]) -> list[dict]:
    """The long table of the time-lapse: one row per province and period.

    Parameters
    ----------
    collections : sequence of mapping
        One :func:`geo.choropleth.feature_collection` per period, in period order (index ``p``).

    Returns
    -------
    list of dict
        ``code``, ``p`` (period index), ``fill`` and ``line`` (hex), ``width`` (outline, px),
        ``dash`` (whether the outline is dashed: no data), ``tip`` (the tooltip text).
    """
    rows = []
    for p, collection in enumerate(collections):
        for feature in collection["features"]:
            props = feature["properties"]
            rows.append(
                {
                    "code": props["code"],
                    "p": p,
                    "fill": _hex(props["fill"]),
                    "line": _hex(props["line"]),
                    "width": float(props["line_width"]),
                    "dash": bool(any(props["dash"])),
                    "tip": props.get("tooltip", ""),
                }
            )
    return rows


def _hex(rgba: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


def _scale_expr(width: float, height: float) -> str:
    """How much larger the drawn map is than the reference frame (the fit is uniform: the smaller ratio)."""
    return f"min(width / {width:.1f}, height / {height:.1f})"


def watermark_layer(text: str) -> dict:
    """A diagonal, translucent line of large type across the whole frame, whatever its size."""
    diagonal = "sqrt(width * width + height * height)"
    return {
        "data": {"values": [{"watermark": text}]},
        "name": "watermark",
        "mark": {
            "type": "text",
            "align": "center",
            "baseline": "middle",
            "font": FONT,
            "fontWeight": "bold",
            "color": WATERMARK_COLOUR,
            "opacity": 0.28,
            "x": {"expr": "width / 2"},
            "y": {"expr": "height / 2"},
            "angle": {"expr": "-atan2(height, width) * 180 / PI"},
            "fontSize": {"expr": f"max(12, 0.85 * {diagonal} / ({len(text)} * 0.62))"},
        },
        "encoding": {"text": {"field": "watermark", "type": "nominal"}},
    }


def map_spec(
    topo: Mapping,
    rows: Sequence[Mapping],
    *,
    periods: Sequence[str],
    start: int,
    box: Sequence[float],
    archipelagos: Sequence[tuple] = (),
    placed: Sequence[tuple] = (),
    selected: str | None = None,
    watermark: str | None = None,
    slider_label: str = "",
    selectable: bool = False,
    description: str = "",
    focus: Mapping | None = None,
) -> dict:
    """The Vega-Lite spec of the fitted choropleth (width and height follow its container).

    Parameters
    ----------
    topo : mapping
        :func:`topology` (object :data:`FEATURE`, property ``code``).
    rows : sequence of mapping
        :func:`value_rows`.
    periods : sequence of str
        Period labels by index ``p``; with more than one, a slider (param ``period``) steps through them.
    start : int
        Index of the period shown first.
    box : (lon0, lat0, lon1, lat1)
        :func:`bounds`: the label reference frame is shaped like it.
    archipelagos : sequence of (name, lon, lat, geometry)
        Drawn on every map: a dot on each island and the name.
    placed : sequence of (Placed, lon, lat)
        :func:`province_labels`; empty for no names.
    selected : str, optional
        Code of the province outlined in black.
    watermark : str, optional
        The synthetic-data watermark; None when no synthetic value is shown.
    slider_label : str
        The slider's name (e.g. "Period").
    selectable : bool
        Clicking a province selects it (param ``pick``, field ``code``).
    description : str
        Text alternative of the chart.
    focus : mapping, optional
        A GeoJSON feature (a chosen province, rings clockwise: :func:`focus_feature`): the projection
        is fitted to it instead of the whole country, and every mark is clipped to the frame.

    Returns
    -------
    dict
        A Vega-Lite spec with ``width``/``height`` ``"container"`` and Mercator projection fitted
        to the data (no ``scale``, no ``translate``).
    """
    ref_w, ref_h = reference_frame(box)
    scale = _scale_expr(ref_w, ref_h)
    geo = {"data": {"values": topo, "format": {"type": "topojson", "feature": FEATURE}}, "key": "properties.code"}
    now = "datum.p == period"
    shape = {"shape": {"field": "geo", "type": "geojson"}}
    provinces = {
        "data": {"values": list(rows)},
        "name": "provinces",
        "transform": [{"filter": now}, {"lookup": "code", "from": geo, "as": "geo"}],
        "mark": {"type": "geoshape", "strokeJoin": "round"},
        "encoding": {
            **shape,
            "fill": {"field": "fill", "type": "nominal", "scale": None, "legend": None},
            "stroke": {"field": "line", "type": "nominal", "scale": None, "legend": None},
            "strokeWidth": {"field": "width", "type": "quantitative", "scale": None, "legend": None},
            "strokeDash": {"condition": {"test": "datum.dash", "value": [4, 3]}, "value": [1, 0]},
            "tooltip": {"field": "tip", "type": "nominal"},
        },
    }
    if selectable:
        provinces["params"] = [{"name": "pick", "select": {"type": "point", "fields": ["code"], "on": "click"}}]
    layers = [provinces]
    if selected:
        layers.append(
            {
                "data": {"values": [{"code": selected, "p": p} for p in range(len(periods))]},
                "transform": [{"filter": now}, {"lookup": "code", "from": geo, "as": "geo"}],
                "mark": {"type": "geoshape", "filled": False, "stroke": "#000000", "strokeWidth": 4},
                "encoding": shape,
            }
        )
    islands = [
        {"lon": round(p.centroid.x, 3), "lat": round(p.centroid.y, 3)}
        for a in archipelagos
        if len(a) > 3 and a[3] is not None
        for p in getattr(a[3], "geoms", [a[3]])
    ]
    if islands:
        layers.append(
            {
                "data": {"values": islands},
                "mark": {"type": "circle", "size": 14, "color": "#333333", "opacity": 1},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                },
            }
        )
    size = {"expr": f"max(11, 17 * {scale})"}
    names = [{"text": a[0], "lon": a[1], "lat": a[2]} for a in archipelagos]
    if names:
        layers += _text_layers(
            "archipelago", names, size, {"align": "center", "baseline": "top", "fontStyle": "italic"}
        )
    if placed:
        font = {"expr": f"{LABEL_PX} * {scale}"}
        texts = [
            {"text": p.text, "lon": round(lon, 4), "lat": round(lat, 4), "number": p.kind == labels.NUMBER}
            for p, lon, lat in placed
            if p.text
        ]
        layers += _text_layers(
            "label",
            texts,
            font,
            {
                "align": "center",
                "baseline": "middle",
                "fontWeight": 600,
                "opacity": {"expr": f"{LABEL_PX} * {scale} < {MIN_LABEL_PX} ? 0 : 1"},
            },
        )
    if len(periods) > 1:
        layers.append(
            {
                "data": {"values": [{"p": i, "label": str(label)} for i, label in enumerate(periods)]},
                "transform": [{"filter": now}],
                "name": "period_label",
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "x": 6,
                    "y": 6,
                    "font": FONT,
                    "fontWeight": "bold",
                    "fontSize": {"expr": f"max(14, 26 * {scale})"},
                    "color": "#1a1a1a",
                },
                "encoding": {"text": {"field": "label", "type": "nominal"}},
            }
        )
    if watermark:
        layers.append(watermark_layer(watermark))
    projection = {"type": "mercator"}
    if focus is not None:
        projection["fit"] = dict(focus)
        for layer in layers:
            if layer.get("name") != "watermark" and isinstance(layer.get("mark"), dict):
                layer["mark"]["clip"] = True
    period = {"name": "period", "value": int(start)}
    if len(periods) > 1:
        period["bind"] = {"input": "range", "min": 0, "max": len(periods) - 1, "step": 1, "name": slider_label + " "}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": description,
        "width": "container",
        "height": "container",
        "autosize": {"type": "fit", "contains": "padding"},
        "background": choropleth.SEA_HEX,
        "projection": projection,
        "params": [period],
        "config": {"view": {"stroke": None}, "font": FONT},
        "usermeta": {"embedOptions": {"renderer": "svg"}},
        "layer": layers,
    }


def _text_layers(name: str, values: list[dict], size: dict, mark: dict) -> list[dict]:
    """A halo (white, round-joined stroke) under the text, both at ``size``."""
    encoding = {
        "longitude": {"field": "lon", "type": "quantitative"},
        "latitude": {"field": "lat", "type": "quantitative"},
        "text": {"field": "text", "type": "nominal"},
    }
    base = {"type": "text", "font": FONT, "fontSize": size, **mark}
    return [
        {
            "data": {"values": values},
            "name": f"{name}_halo",
            "encoding": encoding,
            "mark": {**base, "stroke": "#ffffff", "strokeWidth": 3.5, "strokeJoin": "round", "color": "#ffffff"},
        },
        {"data": {"values": values}, "name": f"{name}s", "encoding": encoding, "mark": {**base, "color": "#111111"}},
    ]


def focus_feature(geojson: Mapping, code: str) -> dict | None:
    """The feature of province ``code`` in a FeatureCollection, its rings rewound clockwise (for ``fit``)."""
    import shapely.geometry

    for feature in geojson.get("features", []):
        if (feature.get("properties") or {}).get("code") == code and feature.get("geometry"):
            geometry = shapely.orient_polygons(shapely.geometry.shape(feature["geometry"]), exterior_cw=True)
            return {"type": "Feature", "properties": {"code": code}, "geometry": shapely.geometry.mapping(geometry)}
    return None


def clicked_code(event) -> str | None:
    """The code of the clicked province from ``st.vega_lite_chart``'s selection state (param ``pick``).

    Examples
    --------
    >>> clicked_code({"selection": {"pick": [{"code": "48"}]}})
    '48'
    >>> clicked_code({"selection": {"pick": []}}) is None
    True
    """
    try:
        picked = event["selection"]["pick"]
    except (KeyError, TypeError):
        return None
    for item in picked or []:
        if isinstance(item, Mapping) and item.get("code"):
            return str(item["code"])
    return None


def angle_of(width: float, height: float) -> float:
    """The watermark's angle in degrees for a frame (the same formula as the spec's expression)."""
    return -math.degrees(math.atan2(height, width))
