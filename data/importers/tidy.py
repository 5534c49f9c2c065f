"""The tidy layout: one row per value, the columns of :data:`data.schema.OBSERVATION_COLUMNS`.

The place is given either by ``geo_level``, ``layout`` and ``geo_code``, or by a column of names
(``province``, ``place``, ``tỉnh``, ``tỉnh/thành phố``, ``địa phương``...) resolved with
:func:`data.names.resolve_names` (by the row's layout if given, else by its period's date). The
header may sit below title rows. Rows whose value is empty or a missing marker are skipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import names, schema
from data.importers import numeric
from data.importers.core import Grid, Layout, Options, Parsed, fold, is_missing, register_layout
from data.messages import Message

#: Headers of a column of place names (compared after :func:`data.importers.core.fold`).
PLACE_HEADERS = frozenset({
    "province", "province name", "place", "name", "tinh", "ten tinh", "tinh/thanh pho", "tinh, thanh pho",
    "tinh thanh pho", "tinh/thanh", "tinh, thanh", "dia phuong", "ten dia phuong", "dia ban", "tinh/tp",
    "tinh, tp", "tinh/ thanh pho", "don vi hanh chinh",
})  # fmt: skip
#: Other headers of the tidy columns, in English and Vietnamese (folded), and the column each means.
HEADER_SYNONYMS = {
    **{c: c for c in schema.OBSERVATION_COLUMNS},
    "indicator": schema.INDICATOR, "indicator id": schema.INDICATOR, "indicator code": schema.INDICATOR,
    "chi tieu": schema.INDICATOR, "ma chi tieu": schema.INDICATOR, "ma_chi_tieu": schema.INDICATOR,
    "ma chi so": schema.INDICATOR, "chi so": schema.INDICATOR,
    "period": schema.PERIOD, "year": schema.PERIOD, "nam": schema.PERIOD, "ky": schema.PERIOD,
    "ky bao cao": schema.PERIOD, "thoi ky": schema.PERIOD, "thoi gian": schema.PERIOD,
    "value": schema.VALUE, "gia tri": schema.VALUE, "so lieu": schema.VALUE, "tri so": schema.VALUE,
    "unit": schema.UNIT, "don vi": schema.UNIT, "don vi tinh": schema.UNIT, "dvt": schema.UNIT,
    "source": schema.SOURCE_ID, "source id": schema.SOURCE_ID, "nguon": schema.SOURCE_ID,
    "ma nguon": schema.SOURCE_ID, "nguon so lieu": schema.SOURCE_ID,
    "status": schema.STATUS, "trang thai": schema.STATUS, "loai so lieu": schema.STATUS,
    "note": schema.NOTE, "notes": schema.NOTE, "ghi chu": schema.NOTE,
    "note (en)": schema.NOTE, "note en": schema.NOTE, "english note": schema.NOTE, "ghi chu (tieng anh)": schema.NOTE,
    "ghi chu tieng anh": schema.NOTE,
    "note (vi)": schema.NOTE_VI, "note vi": schema.NOTE_VI, "vietnamese note": schema.NOTE_VI,
    "note (vietnamese)": schema.NOTE_VI, "ghi chu (tieng viet)": schema.NOTE_VI, "ghi chu tieng viet": schema.NOTE_VI,
    "ghi chu (vi)": schema.NOTE_VI,
    "qualifier": schema.QUALIFIER, "value qualifier": schema.QUALIFIER,
    "target date": schema.TARGET_DATE, "han": schema.TARGET_DATE, "thoi han": schema.TARGET_DATE,
    "geo level": schema.GEO_LEVEL, "cap": schema.GEO_LEVEL,
    "geo code": schema.GEO_CODE, "code": schema.GEO_CODE, "ma tinh": schema.GEO_CODE, "ma dia phuong": schema.GEO_CODE,
    "layout": schema.LAYOUT, "bo tinh": schema.LAYOUT, "danh muc tinh": schema.LAYOUT,
    **{key: "place" for key in PLACE_HEADERS},
}  # fmt: skip
PLACE = "place"
_SIGN = {schema.INDICATOR, schema.PERIOD, schema.VALUE}
_GEO = (schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE)
HEADER_SEARCH_ROWS = 30


def header_key(text: object) -> str | None:
    """The tidy column a header names (see :data:`HEADER_SYNONYMS`), or None.

    Examples
    --------
    >>> header_key("Mã chỉ tiêu"), header_key("Tỉnh/Thành phố"), header_key(" Giá trị "), header_key("2024")
    ('indicator_id', 'place', 'value', None)
    """
    key = fold(text).replace("_", " ").strip(" :*")
    return HEADER_SYNONYMS.get(key) or HEADER_SYNONYMS.get(key.replace(" ", "_"))


def _recognised(row) -> set[str]:
    return {k for c in row if (k := header_key(c))}


def find_header(grid: Grid, partial: bool = False) -> int | None:
    """Position of the header row: the first of the top rows naming indicator, period and value.

    With ``partial``, a row naming at least three tidy columns (two of the three) also counts, so
    the missing one is reported by name.
    """
    top = grid.cells.head(HEADER_SEARCH_ROWS)
    found = None
    for pos, row in enumerate(top.itertuples(index=False)):
        keys = _recognised(row)
        if _SIGN <= keys:
            return pos
        if partial and found is None and len(keys & _SIGN) >= 2 and len(keys) >= 3:
            found = pos
    return found


def score(grid: Grid) -> float:
    """0.95 with the three signature columns and a place; 0.9 without a place; 0.45 with two of three."""
    if grid.meta.get("template"):
        return 0.5  # the reporting template reads the same table, knowing its layout
    head = find_header(grid)
    if head is not None:
        keys = _recognised(grid.cells.iloc[head])
        return 0.95 if keys & {PLACE, schema.GEO_CODE} else 0.9
    return 0.45 if find_header(grid, partial=True) is not None else 0.0


def parse(grid: Grid, options: Options) -> Parsed:
    return parse_table(grid, options, options.layout, "tidy (one row per value)")


def parse_table(grid: Grid, options: Options, default_layout: str | None, label: str) -> Parsed:
    """Take the tidy rows below the header; resolve place names; normalise numbers.

    ``default_layout`` is the layout of a name whose row leaves ``layout`` empty (the template's).
    """
    head = find_header(grid)
    if head is None:
        head = find_header(grid, partial=True)
    header_text = list(grid.cells.iloc[head])
    where: dict[str, int] = {}
    ignored = []
    for idx, text in enumerate(header_text):
        key = header_key(text)
        if key and key not in where:
            where[key] = idx
        elif text:
            ignored.append(text)
    body = grid.cells.iloc[head + 1 :]
    lines = grid.rows[head + 1 :]
    exact = grid.numeric[head + 1 :] if grid.numeric is not None else np.zeros(body.shape, dtype=bool)
    filled = (body != "").any(axis=1).to_numpy()
    body, lines, exact = body[filled], lines[filled], exact[filled]
    frame = body[list(where.values())].reset_index(drop=True)
    frame.columns = list(where)
    missing = 0
    detected = {"layout": label, "header_rows": f"row {grid.rows[head]}"}
    if schema.VALUE in frame:
        gone = is_missing(frame[schema.VALUE]).to_numpy()
        missing = int(gone.sum())
        frame, lines = frame[~gone].reset_index(drop=True), lines[~gone]
        exact_values = exact[~gone, where[schema.VALUE]]
        frame[schema.VALUE], detected["decimal"] = numeric.read_numbers(
            frame[schema.VALUE], exact_values, options.decimal, grid.meta.get("separator")
        )
    labels = {col: header_text[idx] or col for col, idx in where.items()}
    problems: list[tuple[int, str, str]] = []
    from_names = np.zeros(len(frame), dtype=bool)
    if PLACE in frame:
        from_names = _resolve_places(frame, default_layout, problems)
        if from_names.any():
            detected["place_column"] = labels[PLACE]
    if ignored:
        detected["ignored_columns"] = ", ".join(ignored)

    def column(position: int, col: str) -> str:
        if col in _GEO and from_names[position]:
            return labels[PLACE]
        return labels.get(col, col)

    return Parsed(frame.drop(columns=[PLACE], errors="ignore"), np.asarray(lines), column, detected, problems, missing)


def _resolve_places(frame: pd.DataFrame, default_layout: str | None, problems: list) -> np.ndarray:
    """Fill geo_level, layout and geo_code from the place names where no code is given; returns those rows."""
    for col in _GEO:
        if col not in frame:
            frame[col] = ""
    use = ((frame[schema.GEO_CODE] == "") & (frame[PLACE] != "")).to_numpy()
    if not use.any():
        return use
    periods = frame[schema.PERIOD] if schema.PERIOD in frame else pd.Series("", index=frame.index)
    readable = [label for label in pd.unique(periods) if _is_period(label)]
    dates = periods.where(periods.isin(readable), None)
    layouts = frame[schema.LAYOUT].where(frame[schema.LAYOUT] != "", default_layout or "")
    for layout in pd.unique(layouts[use]):
        rows = use & (layouts == layout).to_numpy()
        found = names.resolve_names(
            frame.loc[rows, PLACE], dates[rows], layout=layout if layout in schema.LAYOUTS else None
        )
        ok = (found[names.ERROR] == "").to_numpy()
        for col in _GEO:
            frame.loc[found.index[ok], col] = found.loc[ok, col]
        for idx, message, detail in zip(
            found.index[~ok], found.loc[~ok, names.ERROR], found.loc[~ok, names.ERROR_DETAIL]
        ):
            problems.append((int(idx), PLACE, Message(*detail) if detail else message))
    return use


def _is_period(label: str) -> bool:
    try:
        schema.parse_period(label)
        return True
    except ValueError:
        return False


register_layout(Layout("tidy", "tidy (one row per value)", score, parse))
