"""geo.vega_map: the fitted map's spec (no scale or translate, clockwise rings, time-lapse, labels, watermark)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon

from geo import boundaries, choropleth, labels, vega_map


def _square(x0, y0, size=1.0, clockwise=False):
    ring = [(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size)]
    return Polygon(ring[::-1] if clockwise else ring)


@pytest.fixture(scope="module")
def layout_2025():
    frame = boundaries.load_boundaries("2025")
    arch = boundaries.load_archipelagos()
    archipelagos = list(zip(arch["name_en"], arch["label_lon"], arch["label_lat"], arch.geometry))
    return frame, archipelagos, vega_map.bounds(frame, archipelagos)


def test_rings_are_rewound_clockwise_for_d3():
    frame = gpd.GeoDataFrame({"code": ["01"]}, geometry=[_square(105, 20)], crs="EPSG:4326")
    assert frame.geometry.iloc[0].exterior.is_ccw
    assert not vega_map.rewound(frame).geometry.iloc[0].exterior.is_ccw
    assert frame.geometry.iloc[0].exterior.is_ccw  # the input is not changed


def test_topology_has_one_object_with_every_code():
    frame = gpd.GeoDataFrame({"code": ["01", "02"]}, geometry=[_square(105, 20), _square(106, 20)], crs="EPSG:4326")
    topo = vega_map.topology(frame)
    assert topo["type"] == "Topology"
    geometries = topo["objects"][vega_map.FEATURE]["geometries"]
    assert sorted(g["properties"]["code"] for g in geometries) == ["01", "02"]


def test_bounds_include_both_archipelagos(layout_2025):
    frame, archipelagos, box = layout_2025
    mainland = shapely.total_bounds(list(frame.geometry))
    trường_sa = archipelagos[1][3].bounds
    assert box[2] >= trường_sa[2] and box[1] <= min(mainland[1], trường_sa[1])
    assert 102.0 < box[0] < 103.0 and 23.0 < box[3] < 23.6  # Lai Châu / Điện Biên in the west, Hà Giang in the north


def test_spec_fits_the_frame_in_the_browser(layout_2025):
    frame, archipelagos, box = layout_2025
    rows = [
        {"code": c, "p": 0, "fill": "#ffffff", "line": "#464646", "width": 1.0, "dash": False, "tip": ""}
        for c in frame["code"]
    ]
    spec = vega_map.map_spec(
        vega_map.bundled_topology("2025"), rows, periods=["2025-Q4"], start=0, box=box, archipelagos=archipelagos
    )
    assert spec["projection"] == {"type": "mercator"}  # no scale, no translate: fitted to the data
    assert spec["width"] == spec["height"] == "container"
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert "bind" not in spec["params"][0]  # one period: no slider
    assert not [layer for layer in spec["layer"] if layer.get("name") == "watermark"]


def test_time_lapse_rows_are_in_period_order_and_the_slider_steps_through_them():
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": c}, "geometry": None} for c in ("01", "02")],
    }
    import pandas as pd

    collections = []
    for values in ([1.0, 2.0], [3.0, None], [5.0, 6.0]):
        table = pd.DataFrame({"geo_code": ["01", "02"], "value": values, "status": "reported"}).astype({"value": float})
        classes = choropleth.classify(table["value"], k=2)
        collections.append(choropleth.feature_collection(geojson, table, classes, ["#111111", "#eeeeee"]))
    rows = vega_map.value_rows(collections)
    assert [(r["p"], r["code"]) for r in rows] == [(0, "01"), (0, "02"), (1, "01"), (1, "02"), (2, "01"), (2, "02")]
    assert rows[3]["fill"] == "#bdbdbd" and rows[3]["dash"] is True  # 02 has no value in the second period
    spec = vega_map.map_spec(
        {"type": "Topology", "objects": {}, "arcs": []},
        rows,
        periods=["2024", "2025", "2026"],
        start=2,
        box=(102.0, 8.0, 117.0, 23.5),
        slider_label="Period",
    )
    param = spec["params"][0]
    assert param["name"] == "period" and param["value"] == 2
    assert param["bind"] == {"input": "range", "min": 0, "max": 2, "step": 1, "name": "Period "}
    shown = next(layer for layer in spec["layer"] if layer.get("name") == "period_label")
    assert [v["label"] for v in shown["data"]["values"]] == ["2024", "2025", "2026"]
    provinces = spec["layer"][0]
    assert provinces["transform"][0] == {"filter": "datum.p == period"}
    # the boundaries are in the spec once, looked up by code: the slider only changes the filter
    assert provinces["transform"][1]["lookup"] == "code"


def test_watermark_layer_spans_the_diagonal_of_any_frame():
    layer = vega_map.watermark_layer("DEMONSTRATION DATA, NOT REAL")
    assert layer["data"]["values"] == [{"watermark": "DEMONSTRATION DATA, NOT REAL"}]
    assert layer["mark"]["angle"] == {"expr": "-atan2(height, width) * 180 / PI"}
    assert "sqrt(width * width + height * height)" in layer["mark"]["fontSize"]["expr"]
    assert vega_map.angle_of(1920, 1080) == pytest.approx(-29.357, abs=1e-3)


def test_labels_on_the_reference_frame_do_not_overlap_and_capitals_keep_their_names(layout_2025):
    frame, _, box = layout_2025
    names = dict(zip(frame["code"], frame["code"].map(lambda c: f"Province {c}")))
    placed = vega_map.province_labels(frame, names, box)
    boxes = [p.box(vega_map.LABEL_PX) for p, _, _ in placed if p.text]
    assert not any(labels.overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    by_code = {p.code: p for p, _, _ in placed}
    assert by_code["01"].kind == labels.NAME and by_code["79"].kind == labels.NAME
    # every label is drawn inside the frame's bounds
    assert all(box[0] <= lon <= box[2] and box[1] <= lat <= box[3] for _, lon, lat in placed)


def test_clicked_code_reads_the_pick_selection():
    assert vega_map.clicked_code({"selection": {"pick": [{"code": "48"}]}}) == "48"
    assert vega_map.clicked_code({"selection": {}}) is None
    assert vega_map.clicked_code(None) is None


def test_focus_fits_the_projection_to_one_province_with_its_rings_clockwise():
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "19"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[105, 21], [106, 21], [106, 22], [105, 22], [105, 21]]],
                },
            }
        ],
    }
    feature = vega_map.focus_feature(geojson, "19")
    assert not Polygon(feature["geometry"]["coordinates"][0]).exterior.is_ccw  # rewound for d3
    assert vega_map.focus_feature(geojson, "01") is None
    rows = [{"code": "19", "p": 0, "fill": "#fff", "line": "#000", "width": 1.0, "dash": False, "tip": ""}]
    spec = vega_map.map_spec(
        {"type": "Topology", "objects": {}, "arcs": []},
        rows,
        periods=["x"],
        start=0,
        box=(102.0, 8.0, 117.0, 23.5),
        focus=feature,
        watermark="W",
    )
    assert spec["projection"]["fit"] == feature
    assert spec["layer"][0]["mark"]["clip"] is True
    assert "clip" not in next(layer for layer in spec["layer"] if layer.get("name") == "watermark")["mark"]
