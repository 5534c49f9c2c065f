"""Downloads: a labelled table, CSV for Excel, and XLSX with a metadata sheet.

* CSV is UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly; any text cell
  starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'`` so a
  spreadsheet never runs it as a formula (OWASP "CSV injection"). Numbers stay numbers.
* XLSX has the data sheet and a metadata sheet (title, filters applied, time of download, app
  version, citation, then the sources and the indicator definitions used). Text is stored as text, never
  as a formula.
"""

from __future__ import annotations

import datetime as _dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

from data import __version__, schema

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
APP_NAME = "Resolution 57 province dashboard"


def neutralise(text: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("Hà Nội"), neutralise(-3.5)
    ('\\'=HYPERLINK("http://x")', 'Hà Nội', -3.5)
    """
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a frame as CSV in UTF-8 with BOM, formula-like text neutralised.

    Returns
    -------
    bytes
        Starting with ``b"\\xef\\xbb\\xbf"``.
    """
    text = _neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def place_names(
    frame: pd.DataFrame,
    provinces: pd.DataFrame,
    regions: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.Series:
    """Name of each row's place: province by (layout, code), region by code, or the nation.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has ``geo_level``, ``layout`` and ``geo_code``.
    provinces, regions : pandas.DataFrame
        From :func:`data.registry.provinces` and :func:`data.registry.regions`.
    lang : {"en", "vi"}

    Returns
    -------
    pandas.Series
        Aligned with ``frame``; an unknown province keeps its code.

    Examples
    --------
    >>> from data import registry
    >>> rows = pd.DataFrame({"geo_level": ["province", "nation"], "layout": ["2008", ""],
    ...                      "geo_code": ["52", "VN"]})
    >>> place_names(rows, registry.provinces(), lang="vi").tolist()
    ['Bình Định', 'Việt Nam']
    """
    schema.check_choice("lang", lang, ("en", "vi"))
    name_col = schema.NAME_EN if lang == "en" else schema.NAME_VI
    prov_names = provinces.set_index([schema.LAYOUT, schema.CODE])[name_col]
    keys = pd.MultiIndex.from_arrays([frame[schema.LAYOUT], frame[schema.GEO_CODE]])
    place = pd.Series(prov_names.reindex(keys).to_numpy(), index=frame.index, dtype="object")
    place = place.fillna(frame[schema.GEO_CODE].astype("object"))
    place[frame[schema.GEO_LEVEL] == "nation"] = "Viet Nam" if lang == "en" else "Việt Nam"
    if regions is not None and not regions.empty:
        is_region = frame[schema.GEO_LEVEL] == "region"
        place[is_region] = frame.loc[is_region, schema.GEO_CODE].map(regions.set_index(schema.REGION_CODE)[name_col])
    return place


def labelled(
    obs: pd.DataFrame,
    provinces: pd.DataFrame,
    indicators: pd.DataFrame,
    sources: pd.DataFrame,
    regions: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Add readable names and source details to tidy observations, for tables and downloads.

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations (:data:`data.schema.OBSERVATION_COLUMNS`).
    provinces, indicators, sources, regions : pandas.DataFrame
        Registry, catalogue and sources as returned by :mod:`data.registry` and :mod:`data.catalogue`.
    lang : {"en", "vi"}
        Language of the place and indicator names.

    Returns
    -------
    pandas.DataFrame
        ``place``, ``indicator``, the observation columns, ``source_title``, ``source_url``,
        ``citation``. Same number of rows as ``obs``, same order.
    """
    schema.check_choice("lang", lang, ("en", "vi"))
    place = place_names(obs, provinces, regions, lang)
    ind_names = indicators.set_index(schema.INDICATOR)["name_en" if lang == "en" else "name_vi"]
    src = sources.set_index(schema.SOURCE_ID)
    out = obs.reindex(columns=list(schema.OBSERVATION_COLUMNS)).copy()
    if lang == "vi" and "unit_vi" in indicators:  # units in the language of the names
        out[schema.UNIT] = obs[schema.INDICATOR].map(indicators.set_index(schema.INDICATOR)["unit_vi"]).fillna(out[schema.UNIT])
    out.insert(0, "indicator", obs[schema.INDICATOR].map(ind_names).fillna(obs[schema.INDICATOR]))
    out.insert(0, "place", place)
    out["source_title"] = obs[schema.SOURCE_ID].map(src[schema.SOURCE_TITLE]).fillna("")
    out["source_url"] = obs[schema.SOURCE_ID].map(src[schema.SOURCE_URL]).fillna("")
    out["citation"] = obs[schema.SOURCE_ID].map(src[schema.SOURCE_CITATION]).fillna("")
    return out


def _write_sheet(ws, frame: pd.DataFrame) -> None:
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in row])
    # openpyxl turns any string starting with "=" into a formula: store every text cell as text
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    for idx, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        ws.column_dimensions[get_column_letter(idx)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"


def _append_table(ws, heading: str, table: pd.DataFrame) -> None:
    """Append a titled table below what the sheet holds (one blank row between)."""
    ws.append([])
    ws.append([heading])
    ws.append([str(c) for c in table.columns])
    for row in table.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and pd.isna(v)) else v for v in row])


def to_xlsx_bytes(
    frame: pd.DataFrame,
    *,
    filters: dict[str, str],
    sources: pd.DataFrame,
    indicators: pd.DataFrame,
    title: str = "Observations",
    now: _dt.datetime | None = None,
) -> bytes:
    """Write an XLSX workbook with a ``data`` sheet and a ``metadata`` sheet.

    The metadata sheet holds the title, app version, time of download, statuses, the filters
    applied and a citation, then the sources and the indicator definitions that the data uses.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as downloaded (usually :func:`labelled` output).
    filters : dict
        Filter name -> value as text, written to the metadata sheet.
    sources, indicators : pandas.DataFrame
        Only the sources and indicators that ``frame`` uses are written.
    title : str
        First line of the metadata sheet.
    now : datetime, optional
        Time of download (defaults to now, UTC).

    Returns
    -------
    bytes
        The workbook.
    """
    now = now or _dt.datetime.now(_dt.timezone.utc)
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    _write_sheet(ws, frame)
    meta = wb.create_sheet("metadata")
    used_sources = sources[sources[schema.SOURCE_ID].isin(frame.get(schema.SOURCE_ID, pd.Series(dtype=str)))]
    used_inds = indicators[indicators[schema.INDICATOR].isin(frame.get(schema.INDICATOR, pd.Series(dtype=str)))]
    statuses = sorted(set(frame.get(schema.STATUS, pd.Series(dtype=str))))
    rows = [
        ("title", title),
        ("application", APP_NAME),
        ("app version", __version__),
        ("downloaded at (UTC)", now.strftime("%Y-%m-%d %H:%M:%S")),
        ("rows", str(len(frame))),
        ("statuses in this file", ", ".join(statuses)),
        (
            "status meanings",
            "reported: from the cited document; target: a stated goal (target_date = deadline, empty when the "
            "source gives none); derived: computed here from the inputs in derived_from; synthetic: "
            "demonstration values generated by data/make_synthetic.py (seed 57), NOT real data",
        ),
    ]
    rows += [(f"filter: {k}", v) for k, v in filters.items()]
    rows.append(("cite as", f"{APP_NAME} v{__version__}, downloaded {now:%Y-%m-%d}; original sources listed below."))
    meta.append(["field", "value"])
    for key, value in rows:
        meta.append([key, value])
    _append_table(meta, "sources", used_sources)
    _append_table(meta, "definitions", used_inds)
    for cells in meta.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    meta.column_dimensions["A"].width = 28
    meta.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
