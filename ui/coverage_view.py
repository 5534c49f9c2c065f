"""The coverage view's helpers (pages/coverage.py only draws): names, the wide grid, its colours, a clicked cell."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from analysis import coverage
from data import schema
from ui import loaders
from ui.i18n import t

PLACE_KEY, INDICATOR_KEY = "cov_place", "cov_ind"
#: Cell colours per status (Okabe-Ito, as the charts); the letter carries the status in black and white.
COLOURS = {"R": ("#0072B2", "white"), "D": ("#009E73", "white"), "T": ("#E69F00", "black"), "S": ("#DCEBF7", "black")}
COUNT_COLUMN = "count"  # the last column: indicators reported by the province


@dataclasses.dataclass(frozen=True)
class Names:
    provinces: dict
    indicators: dict

    def place(self, code: str) -> str:
        return self.provinces.get(code, code)

    def indicator(self, ind: str) -> str:
        return self.indicators.get(ind, ind)


def names(sel) -> Names:
    """Province and indicator names in the session's language."""
    found = loaders.lookups()
    return Names(found["provinces"][(sel.layout, sel.lang)], found["names"][sel.lang])


def wide(
    grid: pd.DataFrame, names: Names, per_indicator: pd.Series, per_province: pd.Series, lang: str
) -> pd.DataFrame:
    """Provinces (rows) by indicators (columns), a letter per cell; a last column and a last row of counts.

    The index holds the province names (the last row: provinces reporting each indicator); the columns
    the indicator names, then "indicators reported".
    """
    codes = list(dict.fromkeys(grid[schema.GEO_CODE]))
    inds = list(dict.fromkeys(grid[schema.INDICATOR]))
    table = (
        grid.pivot(index=schema.GEO_CODE, columns=schema.INDICATOR, values=coverage.LETTER)
        .reindex(index=codes, columns=inds)
        .fillna("")
    )
    table[COUNT_COLUMN] = [str(int(per_province.get(c, 0))) for c in codes]
    totals = [str(int(per_indicator.get(i, 0))) for i in inds] + [""]
    table.loc["__total__"] = totals
    table.index = [names.place(c) for c in codes] + [t("coverage_row_total", lang)]
    table.columns = [names.indicator(i) for i in inds] + [t("coverage_col_count", lang)]
    table.attrs["codes"], table.attrs["indicators"] = codes, inds
    return table


def _colour(letter: str) -> str:
    background, text = COLOURS.get(letter, ("", ""))
    return f"background-color: {background}; color: {text}; text-align: center" if background else "text-align: center"


def styled(table: pd.DataFrame):
    """The grid with a colour per status (the letter stays, for black-and-white prints)."""
    return table.style.map(_colour)


def legend_text() -> str:
    """R reported, D derived, T target, S synthetic: the legend under the title."""
    return t("coverage_legend")


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The grid as a CSV file (UTF-8 with BOM, for Excel), with the legend in the first line."""
    body = table.rename_axis(t("col_place")).to_csv()
    return ("# " + legend_text() + "\n" + body).encode("utf-8-sig")


def _clicked(event, table: pd.DataFrame) -> tuple[str, str] | None:
    cells = list(getattr(getattr(event, "selection", None), "cells", None) or [])
    if not cells:
        return None
    row, column = cells[0][0], cells[0][1]
    codes, inds = table.attrs["codes"], table.attrs["indicators"]
    names = list(table.columns)
    if not (0 <= int(row) < len(codes)) or column not in names or names.index(column) >= len(inds):
        return None
    return codes[int(row)], inds[names.index(column)]


def cell_choice(event, table: pd.DataFrame, grid: pd.DataFrame, names: Names, sel) -> tuple[str | None, str | None]:
    """The province and indicator whose values to open: the clicked cell, else the two boxes below the grid."""
    codes, inds = table.attrs["codes"], table.attrs["indicators"]
    if not inds:
        return None, None
    clicked = _clicked(event, table)
    if clicked:  # before the boxes are drawn in this run, so they may be set
        st.session_state[PLACE_KEY], st.session_state[INDICATOR_KEY] = clicked
    cols = st.columns(2)
    code = cols[0].selectbox(t("coverage_cell_place"), codes, key=PLACE_KEY, format_func=names.place)
    indicator = cols[1].selectbox(t("coverage_cell_indicator"), inds, key=INDICATOR_KEY, format_func=names.indicator)
    return code, indicator
