"""geo.web_map: the deck sent to the browser (no basemap, no outside font), clicks, users' boundaries."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely
import shapely.geometry

from geo import boundaries, choropleth, web_map

ARCHIPELAGOS = [(r.name_vi, r.label_lon, r.label_lat, r.geometry) for r in boundaries.load_archipelagos().itertuples()]


def _collection(layout: str) -> dict:
    geojson = boundaries.geojson_dict(layout)
    codes = [f["properties"]["code"] for f in geojson["features"]]
    table = pd.DataFrame({"geo_code": codes, "value": range(len(codes)), "status": "synthetic"})
    classes = choropleth.classify(table["value"])
    return choropleth.feature_collection(geojson, table, classes, choropleth.palette("value"))


@pytest.mark.parametrize(("layout", "count"), [("2025", 34), ("2008", 63)])
def test_deck_json(layout, count):
    deck = web_map.build_deck(_collection(layout), ARCHIPELAGOS)
    text = deck.to_json()
    spec = json.loads(text)
    assert "\n" not in text, "compact JSON: pydeck's indented JSON is five times larger"
    assert spec.get("mapProvider") is None
    assert spec["mapStyle"] == "__MAP_STYLE__"  # pydeck's placeholder, dropped by Streamlit: no style URL
    assert "http" not in text.lower()
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert list(layers) == ["sea", "provinces", "islands", "archipelagos"]
    provinces = layers["provinces"]
    assert provinces["@@type"] == "GeoJsonLayer" and provinces["pickable"] is True
    assert len(provinces["data"]["features"]) == count
    assert provinces["getFillColor"] == "@@=properties.fill"
    assert provinces["getDashArray"] == "@@=properties.dash"
    assert provinces["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]
    assert provinces["lineWidthUnits"] == "pixels"  # a constant, not an accessor
    arch = layers["archipelagos"]
    assert arch["@@type"] == "TextLayer"
    assert [row["text"] for row in arch["data"]] == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    assert set("Quần đảo Hoàng Sa Trường") <= set(arch["characterSet"]), "deck.gl's default atlas is ASCII only"
    assert not arch["fontFamily"].startswith("@@=") and "url(" not in arch["fontFamily"]
    assert len(layers["islands"]["data"]) == 8  # 3 islands of Hoàng Sa, 5 of Trường Sa
    assert all(not layer.get("pickable") for lid, layer in layers.items() if lid != "provinces")


def test_tooltip_is_plain_text():
    deck = web_map.build_deck(_collection("2025"), ARCHIPELAGOS)
    assert deck._tooltip["text"] == "{tooltip}"
    assert "html" not in deck._tooltip


def test_province_labels_layer_with_collision_filter():
    points = web_map.bundled_label_points("2025")
    assert len(points) == 34 and points[0][0] == "01"
    labels = [("Hà Nội" if code == "01" else code, x, y, p) for code, x, y, p in points]
    spec = json.loads(web_map.build_deck(_collection("2025"), ARCHIPELAGOS, labels).to_json())
    layer = spec["layers"][-1]
    assert layer["id"] == "province-labels" and len(layer["data"]) == 34
    assert layer["extensions"] == [{"@@type": "CollisionFilterExtension"}]
    assert layer["getCollisionPriority"] == "@@=priority"
    assert {"H", "à", "N", "ộ", "i"} <= set(layer["characterSet"])


def test_label_points_lie_inside_their_province():
    frame = boundaries.load_boundaries("2008")
    for (code, x, y, area), geometry in zip(web_map.label_points(frame), frame.geometry):
        assert geometry.buffer(1e-3).contains(shapely.Point(x, y)), code
        assert area > 0


def test_clicked_code():
    event = {
        "selection": {
            "indices": {"provinces": [7]},
            "objects": {"provinces": [{"type": "Feature", "properties": {"code": "19", "name": "x"}}]},
        }
    }
    assert web_map.clicked_code(event) == "19"
    assert web_map.clicked_code({"selection": {"indices": {}, "objects": {}}}) is None
    assert web_map.clicked_code({"selection": {"objects": {"islands": [{"position": [1, 2]}]}}}) is None
    assert web_map.clicked_code(None) is None


def test_web_geojson_of_users_boundaries():
    fine = boundaries.load_boundaries("2025", fine=True).iloc[::-1]  # any order in, sorted out
    doc = web_map.web_geojson(fine, "2025")
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 34
    assert [f["properties"] for f in doc["features"][:2]] == [
        {"layout": "2025", "code": "01"},
        {"layout": "2025", "code": "04"},
    ]
    assert len(json.dumps(doc)) < len(json.dumps(json.loads(fine.to_json())))  # simplified
    points = shapely.get_coordinates(shapely.geometry.shape(doc["features"][0]["geometry"]))
    assert len(points) > 10 and (abs(points.round(4) - points) < 1e-9).all()  # snapped to 4 decimals
