"""The coverage view's helpers (pages/coverage.py only draws): names, the wide grid, its colours, a clicked cell.

The grid as shown, its counts and its colours are computed once per data version, range and language
(:func:`grid_view`, shared, not copied), so a rerun only draws them. The colours are pandas' own
(``Styler.map``), computed once and then handed to ``st.dataframe`` as they are (:func:`_frozen`).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from analysis import coverage
from data import schema
from ui import loaders
from ui.i18n import format_number, t

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
    the indicator names, then "indicators reported". (No ``attrs``: pandas deep-copies them on every
    column read, which costs more than the grid; the codes come with :func:`grid_view`.)
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
    return table


@loaders.per_data_version(max_entries=16, shared=True)
def grid_view(layout: str, statuses: tuple[str, ...], date_from: str, date_to: str, lang: str) -> dict:
    """The grid of a layout and range as the page shows it, computed once per data version.

    Keys: ``grid`` (:func:`analysis.coverage.coverage_grid`), ``wide`` (:func:`wide`), ``codes`` and
    ``indicators`` (its rows and columns), ``styler`` (:func:`styled`, computed), ``reported`` and
    ``cells`` (counts), ``never`` (names of the provinces that never reported). Shared, not copied:
    callers must not change it.
    """
    grid = loaders.coverage_grid.fresh(layout, statuses, date_from, date_to)
    found = loaders.lookups()
    place_names = Names(found["provinces"][(layout, lang)], found["names"][lang])
    per_indicator, per_province = coverage.coverage_counts(grid)
    table = wide(grid, place_names, per_indicator, per_province, lang)
    return {
        "grid": grid,
        "wide": table,
        "codes": list(dict.fromkeys(grid[schema.GEO_CODE])),
        "indicators": list(dict.fromkeys(grid[schema.INDICATOR])),
        "styler": _frozen(styled(table)),
        "reported": int((grid[coverage.CELL] == schema.STATUS_REPORTED).sum()),
        "cells": len(grid),
        "never": [place_names.place(code) for code in coverage.never_reported(grid)],
    }


def _colour(letter: str) -> str:
    background, text = COLOURS.get(letter, ("", ""))
    return f"background-color: {background}; color: {text}; text-align: center" if background else "text-align: center"


def styled(table: pd.DataFrame):
    """The grid with a colour per status (the letter stays, for black-and-white prints)."""
    return table.style.map(_colour)


def _frozen(styler):
    """``styler`` with its styles computed now, once, and given as they are to every later ``st.dataframe``.

    ``st.dataframe`` computes a Styler on every call (``_compute`` and ``_translate``, cell by cell:
    a quarter of a second for a grid of 35 x 108). Here both run once and their results are kept:
    the styles as pandas made them, without the rendered body (its display values are the letters
    themselves, which ``st.dataframe`` then takes from the data). ``tests/app/test_coverage_page.py``
    checks the result is what ``st.dataframe`` sends for the plain Styler.
    """
    styler._compute()
    translated = {**styler._translate(False, False), "body": []}
    # the styles and formatters per cell that both read: kept with every cached grid, they were 85% of it
    for per_cell in (styler.ctx, styler.ctx_index, styler.ctx_columns, styler._display_funcs):
        per_cell.clear()
    styler._compute = lambda: styler
    styler._translate = lambda *args, **kwargs: translated
    return styler


def legend_text() -> str:
    """R reported, D derived, T target, S synthetic: the legend under the title."""
    return t("coverage_legend")


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The grid as a CSV file (UTF-8 with BOM, for Excel), with the legend in the first line."""
    body = table.rename_axis(t("col_place")).to_csv()
    return ("# " + legend_text() + "\n" + body).encode("utf-8-sig")


def _clicked(event, view: dict) -> tuple[str, str] | None:
    cells = list(getattr(getattr(event, "selection", None), "cells", None) or [])
    if not cells:
        return None
    row, column = cells[0][0], cells[0][1]
    codes, inds = view["codes"], view["indicators"]
    names = list(view["wide"].columns)
    if not (0 <= int(row) < len(codes)) or column not in names or names.index(column) >= len(inds):
        return None
    return codes[int(row)], inds[names.index(column)]


def cell_choice(event, view: dict, names: Names) -> tuple[str | None, str | None]:
    """The province and indicator whose values to open: the clicked cell, else the two boxes below the grid."""
    codes, inds = view["codes"], view["indicators"]
    if not inds:
        return None, None
    clicked = _clicked(event, view)
    if clicked:  # before the boxes are drawn in this run, so they may be set
        st.session_state[PLACE_KEY], st.session_state[INDICATOR_KEY] = clicked
    cols = st.columns(2)
    code = cols[0].selectbox(t("coverage_cell_place"), codes, key=PLACE_KEY, format_func=names.place)
    indicator = cols[1].selectbox(t("coverage_cell_indicator"), inds, key=INDICATOR_KEY, format_func=names.indicator)
    return code, indicator


def year_span(first: str, last: str) -> tuple[str, str]:
    """The first day of year ``first`` and the last day of year ``last``, as ISO dates (the grid's filter).

    >>> year_span("2022", "2025")
    ('2022-01-01', '2025-12-31')
    """
    return schema.month_span(f"{first}-01", f"{last}-12")


def counts(view: dict, lang: str) -> None:
    """Cells with a reported value of all cells, then the provinces that never reported, or that none did.

    Counts in the language, names as text. ``view``: :func:`grid_view`.
    """
    reported, cells = format_number(view["reported"], 0, lang), format_number(view["cells"], 0, lang)
    st.caption(t("coverage_counts", reported=reported, cells=cells))
    if view["never"]:
        st.markdown(t("coverage_never", n=format_number(len(view["never"]), 0, lang)))
        st.text(", ".join(view["never"]))
    else:
        st.caption(t("coverage_never_none"))
