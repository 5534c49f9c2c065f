"""The pydeck map: a GeoJsonLayer choropleth, archipelago labels and optional province labels.

No basemap and no network: ``map_provider=None`` with pydeck's default ``map_style`` (the
``"__MAP_STYLE__"`` placeholder, which Streamlit 1.67 drops when there is no provider) draws the
polygons on a plain background. ``map_style=None`` or ``""`` would make Streamlit fetch a style
from basemaps.cartocdn.com, so it is never set. Text layers build their glyphs from a CSS font
family already on the reader's computer (deck.gl's font atlas), never from a web font.
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pydeck as pdk
import shapely
import shapely.geometry
from pydeck.bindings.json_tools import default_serialize

from geo import boundaries, choropleth

PROVINCE_LAYER = "provinces"
ARCHIPELAGO_LAYER = "archipelagos"
ISLAND_LAYER = "islands"
SEA_LAYER = "sea"
SEA_POLYGON = [[60.0, -25.0], [160.0, -25.0], [160.0, 55.0], [60.0, 55.0]]
LABEL_LAYER = "province-labels"
FONT_FAMILY = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
VIEW = {"latitude": 15.9, "longitude": 108.9, "zoom": 4.75, "min_zoom": 3.5, "max_zoom": 10}
TOOLTIP_STYLE = {
    "backgroundColor": "#1f2430",
    "color": "#ffffff",
    "fontSize": "15px",
    "lineHeight": "1.35",
    "whiteSpace": "pre-line",
    "maxWidth": "380px",
    "padding": "8px 10px",
}


class CompactDeck(pdk.Deck):
    """A :class:`pydeck.Deck` whose JSON has no indentation (pydeck indents by 2: 5 times the bytes)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@functools.lru_cache(maxsize=4)
def _label_points(layout: str) -> tuple[tuple[str, float, float, float], ...]:
    frame = boundaries.load_boundaries(layout)
    return tuple(label_points(frame))


def label_points(frame: gpd.GeoDataFrame) -> list[tuple[str, float, float, float]]:
    """(code, lon, lat, area) of a point inside each province, where its name is written.

    ``area`` (square degrees, rounded) is the label's priority: where names would overlap, the
    map keeps the larger province's and shows the others when zoomed in.
    """
    points = frame.geometry.representative_point()
    areas = shapely.area(list(frame.geometry))  # square degrees: only compared with each other
    return [
        (code, round(p.x, 4), round(p.y, 4), round(float(a), 4)) for code, p, a in zip(frame["code"], points, areas)
    ]


@functools.lru_cache(maxsize=2)
def bundled_geojson(layout: str) -> dict:
    """The bundled web GeoJSON of a layout, parsed once per process: read it, never change it.

    :func:`geo.choropleth.feature_collection` builds new features from it without changing it;
    parsing the file again on every rerun would cost 10 to 15 ms.
    """
    return boundaries.geojson_dict(layout)


def bundled_label_points(layout: str) -> list[tuple[str, float, float, float]]:
    """:func:`label_points` of the bundled web boundaries of a layout (cached)."""
    return list(_label_points(layout))


def attribution_fields() -> dict[str, str]:
    """Package, version, file and licence of the bundled boundaries (``geo/data/SOURCE.toml``).

    For writing :data:`geo.boundaries.ATTRIBUTION` in another language with the same facts.

    Examples
    --------
    >>> attribution_fields()["licence"]
    'ODbL 1.0'
    """
    with boundaries.SOURCE_FILE.open("rb") as handle:
        source = tomllib.load(handle)
    return {
        "package": source["package"],
        "version": source["version"],
        "file": Path(source["file"]).name,
        "licence": source["licence"].replace("ODbL-", "ODbL "),
    }


def web_geojson(frame: gpd.GeoDataFrame, layout: str, tolerance: float = 0.01, decimals: int = 4) -> dict:
    """A user's matched boundaries as a light FeatureCollection for the web map.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Columns ``code`` and ``geometry`` (:func:`geo.boundaries.match_user_boundaries`, EPSG:4326).
    layout : str
        Written into each feature's properties, with ``code``.
    tolerance : float
        Douglas-Peucker tolerance in degrees (topology of each polygon kept), as the bundled web
        files are simplified for the browser.
    decimals : int
        Coordinates are snapped to this many decimals.

    Returns
    -------
    dict
        A FeatureCollection like :func:`geo.boundaries.geojson_dict`'s (properties ``layout`` and
        ``code``), sorted by code.
    """
    geometry = frame.geometry.simplify(tolerance, preserve_topology=True)
    geometry = shapely.set_precision(geometry.values, 10.0**-decimals)
    features = [
        {"type": "Feature", "properties": {"layout": layout, "code": code}, "geometry": shapely.geometry.mapping(g)}
        for code, g in sorted(zip(frame["code"], geometry), key=lambda pair: pair[0])
        if g is not None and not g.is_empty
    ]
    return json.loads(json.dumps({"type": "FeatureCollection", "features": features}))


def _q(text: str) -> str:
    """Quote a constant string: pydeck reads any other string argument as a JavaScript accessor."""
    return '"' + text.replace('"', "") + '"'


def _characters(texts: Sequence[str]) -> str:
    """Every character the labels use: deck.gl's default atlas holds ASCII only, not ạ, ư or đ."""
    return _q("".join(sorted(set("".join(texts)) | set(" 0123456789()"))))


def _text_layer(
    layer_id: str,
    rows: list[dict],
    size: int,
    colour: list[int],
    background: bool,
    anchor: str = "middle",
    baseline: str = "center",
    **extra,
) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer",
        data=rows,
        id=layer_id,
        get_position="position",
        get_text="text",
        get_size=size,
        get_color=colour,
        size_units=_q("pixels"),
        font_family=_q(FONT_FAMILY),
        font_weight=500,
        character_set=_characters([r["text"] for r in rows]),
        get_text_anchor=_q(anchor),
        get_alignment_baseline=_q(baseline),
        background=background,
        get_background_color=[255, 255, 255, 200],
        background_padding=[3, 1],
        pickable=False,
        **extra,
    )


def island_points(geometry) -> list[list[float]]:
    """[lon, lat] of each island polygon of an archipelago geometry (its centroid)."""
    if geometry is None:
        return []
    return [[round(p.centroid.x, 4), round(p.centroid.y, 4)] for p in getattr(geometry, "geoms", [geometry])]


def build_deck(
    collection: Mapping,
    archipelagos: Sequence[tuple],
    province_labels: Sequence[tuple[str, float, float]] = (),
    *,
    height: int = 620,
) -> CompactDeck:
    """The map: province polygons coloured by class, archipelago names, optional province names.

    Parameters
    ----------
    collection : mapping
        The FeatureCollection of :func:`geo.choropleth.feature_collection` (properties ``fill``,
        ``line``, ``line_width``, ``dash`` and ``tooltip`` are used).
    archipelagos : sequence of (name, lon, lat) or (name, lon, lat, geometry)
        The Hoàng Sa and Trường Sa archipelagos, drawn on every map: the name written at
        (lon, lat), to the right of the point, and, with a geometry, a dot on each island (the
        islands belong to Đà Nẵng's and Khánh Hòa's polygons but are too small to see).
    province_labels : sequence of (name, lon, lat, priority)
        Province names to write (:func:`label_points`), empty for none. Where names would
        overlap, only the one of higher priority is drawn (deck.gl's CollisionFilterExtension).
    height : int
        Height of the map in pixels.

    Returns
    -------
    CompactDeck
        ``map_provider=None``, ``map_style`` left at pydeck's default; layers
        :data:`PROVINCE_LAYER` (pickable GeoJsonLayer with dashed outlines where ``dash`` says
        so) over :data:`SEA_LAYER` (a pale rectangle), :data:`ISLAND_LAYER` (ScatterplotLayer),
        :data:`ARCHIPELAGO_LAYER` and, with labels, :data:`LABEL_LAYER` (TextLayers);
        tooltip ``{"text": "{tooltip}"}``: plain text, never HTML.
    """
    layers = [
        pdk.Layer(  # the sea: pale classes and white outlines stay visible on a white page
            "SolidPolygonLayer",
            id=SEA_LAYER,
            data=[{"polygon": SEA_POLYGON}],
            get_polygon="polygon",
            get_fill_color=choropleth.hex_to_rgba(choropleth.SEA_HEX),
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            data=collection,
            id=PROVINCE_LAYER,
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color="properties.line",
            get_line_width="properties.line_width",
            line_width_units=_q("pixels"),
            line_width_min_pixels=0.5,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 60],
            extensions=[{"@@type": "PathStyleExtension", "dash": True}],
            get_dash_array="properties.dash",
            dash_justified=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id=ISLAND_LAYER,
            get_position="position",
            get_radius=3,
            radius_units=_q("pixels"),
            get_fill_color=[40, 40, 40, 255],
            pickable=False,
            data=[{"position": p} for a in archipelagos for p in island_points(a[3] if len(a) > 3 else None)],
        ),
        _text_layer(
            ARCHIPELAGO_LAYER,
            [{"text": a[0], "position": [a[1], a[2]]} for a in archipelagos],
            16,
            [25, 25, 25, 255],
            background=False,
            anchor="start",
        ),
    ]
    if province_labels:
        rows = [{"text": n, "position": [x, y], "priority": p} for n, x, y, p in province_labels]
        layers.append(
            _text_layer(
                LABEL_LAYER,
                rows,
                12,
                [20, 20, 20, 255],
                background=True,
                extensions=[{"@@type": "CollisionFilterExtension"}],
                get_collision_priority="priority",
            )
        )
    return CompactDeck(
        layers=layers,
        map_provider=None,
        initial_view_state=pdk.ViewState(**VIEW),
        height=height,
        tooltip={"text": "{tooltip}", "style": TOOLTIP_STYLE},
    )


def clicked_code(event) -> str | None:
    """The code of the province clicked on the map, from ``st.pydeck_chart``'s selection state.

    Examples
    --------
    >>> clicked_code({"selection": {"indices": {"provinces": [3]},
    ...     "objects": {"provinces": [{"type": "Feature", "properties": {"code": "19"}}]}}})
    '19'
    >>> clicked_code({"selection": {"indices": {}, "objects": {}}}) is None
    True
    """
    try:
        objects = event["selection"]["objects"].get(PROVINCE_LAYER) or []
    except (KeyError, TypeError, AttributeError):
        return None
    for obj in objects:
        props = obj.get("properties") if isinstance(obj, Mapping) else None
        code = (props or obj or {}).get("code") if isinstance(obj, Mapping) else None
        if code:
            return str(code)
    return None
