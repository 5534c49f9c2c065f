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

#: Headers of a column of place names (compared after :func:`data.importers.core.fold`).
PLACE_HEADERS = frozenset({
    "province", "province name", "place", "name", "tinh", "ten tinh", "tinh/thanh pho", "tinh, thanh pho",
    "tinh thanh pho", "tinh/thanh", "tinh, thanh", "dia phuong", "ten dia phuong", "dia ban",
})  # fmt: skip
PLACE = "place"
_SIGN = {schema.INDICATOR, schema.PERIOD, schema.VALUE}
_GEO = (schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE)
HEADER_SEARCH_ROWS = 30


def find_header(grid: Grid) -> int | None:
    """Position of the header row: the first of the top rows holding indicator_id, period and value."""
    top = grid.cells.head(HEADER_SEARCH_ROWS)
    for pos, row in enumerate(top.itertuples(index=False)):
        if _SIGN <= {fold(c) for c in row}:
            return pos
    return None


def score(grid: Grid) -> float:
    return 0.9 if find_header(grid) is not None else 0.0


def parse(grid: Grid, options: Options) -> Parsed:
    return parse_table(grid, options, options.layout, "tidy (one row per value)")


def parse_table(grid: Grid, options: Options, default_layout: str | None, label: str) -> Parsed:
    """Take the tidy rows below the header; resolve place names; normalise numbers.

    ``default_layout`` is the layout of a name whose row leaves ``layout`` empty (the template's).
    """
    head = find_header(grid)
    header_text = list(grid.cells.iloc[head])
    where: dict[str, int] = {}
    ignored = []
    for idx, text in enumerate(header_text):
        key = fold(text)
        if key in schema.OBSERVATION_COLUMNS and key not in where:
            where[key] = idx
        elif key in PLACE_HEADERS and PLACE not in where:
            where[PLACE] = idx
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
            frame[schema.VALUE], exact_values, options.decimal, grid.meta.get("separator"))
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
        for idx, message in found.loc[~ok, names.ERROR].items():
            problems.append((int(idx), PLACE, message))
    return use


def _is_period(label: str) -> bool:
    try:
        schema.parse_period(label)
        return True
    except ValueError:
        return False


register_layout(Layout("tidy", "tidy (one row per value)", score, parse))
