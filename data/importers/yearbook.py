"""The wide "statistical yearbook" layout: provinces as rows, periods as columns.

What such a table looks like, and how each part is read:

* title rows at the top: their text may name the indicator (an indicator of the catalogue, in
  Vietnamese or English) and the unit (``Đơn vị tính: Người`` / ``Unit: persons``, reported);
* a header over one row (``2020 | 2021 | Sơ bộ 2024``) or two (years above, ``Quý I``... below,
  a year spanning its quarters): each column's period comes from :mod:`data.importers.periods`;
  preliminary columns (``Sơ bộ``, ``Prel.``) get a note saying so;
* a column of place names: the whole country (``CẢ NƯỚC``), the GSO regions and the provinces,
  resolved by :func:`data.names.resolve_names` with each column's date;
* footnotes at the bottom (``(1) ...``, ``Ghi chú``, ``Nguồn``, ``Note``, ``Source``), skipped;
* cells that are empty or hold a missing marker (``..``, ``-``, ``…``) are skipped.

The indicator, status and source are the user's choice (:class:`data.importers.core.Options`);
without a choice the indicator comes from the title and the source from a source id named in the
title or the footnotes; the status defaults to ``reported``.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from data import catalogue, names, schema
from data.importers import numeric
from data.importers.core import (
    MISSING_MARKERS,
    Grid,
    Layout,
    Options,
    Parsed,
    fold,
    is_missing,
    refuse,
    register_layout,
)
from data.importers.periods import period_label, sub_period
from data.messages import Message

HEADER_SEARCH_ROWS = 40
_FOOTNOTE = re.compile(
    r"^\s*(?:\(\s*\w{1,3}\s*\)|\*|\d{1,2}[.)]\s|ghi chu|chu thich|nguon|note|notes|source)", re.IGNORECASE
)
_UNIT = re.compile(r"(?:đơn vị tính|đơn vị|đvt|unit)\s*[:.]\s*(.+)$", re.IGNORECASE)
PRELIMINARY_NOTE = "preliminary figure (so bo / prel.) as marked in the table"
PRELIMINARY_NOTE_VI = "số liệu sơ bộ (sơ bộ / prel.) như bảng ghi"


@dataclasses.dataclass
class _Header:
    rows: list[int]  # positions of the header rows in the grid
    periods: dict[int, tuple[str, bool]]  # column -> (period label, preliminary)
    place: int  # column of the place names
    hit_rate: float = 0.0  # share of the place column's cells that are place names


def _labels(cells: list[str]) -> dict[int, tuple[str, bool]]:
    found = {}
    for col, text in enumerate(cells):
        label, preliminary = period_label(text)
        if label:
            found[col] = (label, preliminary)
    return found


def _filled_forward(cells: list[str]) -> list[str]:
    """A heading spanning several columns (merged cells) written into each of them."""
    out, last = [], ""
    for cell in cells:
        last = cell or last
        out.append(last)
    return out


def _find_header(grid: Grid) -> _Header | None:
    """The most plausible header: the row (or two rows) naming most periods, with a column of places."""
    top = grid.cells.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()
    best: _Header | None = None
    for pos, row in enumerate(top):
        lower = top[pos + 1] if pos + 1 < len(top) else None
        if lower is not None and any(sub_period(c) for c in lower):
            upper = _filled_forward(row)
            both = [f"{u} {b}" if b else u for u, b in zip(upper, lower)]
            periods = {c: v for c, v in _labels(both).items() if lower[c] or period_label(upper[c])[0]}
            rows = [pos, pos + 1]
        else:
            periods, rows = _labels(row), [pos]
        periods = {c: v for c, v in periods.items() if c > 0}
        if periods and (best is None or len(periods) > len(best.periods)) and _plausible(grid, top, rows, periods):
            best = _Header(rows, periods, -1)
    if best is None:
        return None
    best.place, best.hit_rate = _place_column(grid, best)
    return best if best.place >= 0 else None


def _plausible(grid: Grid, top: list, rows: list[int], periods: dict[int, tuple[str, bool]]) -> bool:
    """Whether period headings are a header, not a data row of some other table.

    A header names each period once; no row above it has headings over its period columns (that
    row would be the real header); and the cells below it are values, not more periods.
    """
    labels = [label for label, _ in periods.values()]
    if len(set(labels)) != len(labels):
        return False
    cols = sorted(periods)
    header = top[rows[-1]]
    right = [c for c in range(cols[0], len(header)) if str(header[c]).strip()]
    if len(cols) * 2 < len(right):  # mostly other headings right of the periods: a data row
        return False
    for above in top[: rows[0]]:
        filled = sum(1 for c in above if str(c).strip())
        over = sum(1 for c in cols if c < len(above) and str(above[c]).strip() and not period_label(above[c])[0])
        if filled >= 3 and over >= max(1, -(-len(cols) // 2)):
            return False
    body = grid.cells.iloc[rows[-1] + 1 :].head(50)
    for col in cols:
        cells = body[col][body[col] != ""]
        if (
            len(cells) >= 2
            and sum(1 for c in cells if period_label(c)[0] and not str(c).strip().isdigit()) > len(cells) / 2
        ):
            return False
        if (
            len(cells) >= 3
            and cells.str.fullmatch(r"(?:19|20)\d\d").all()
            and cells.nunique() <= max(1, len(cells) // 3)
        ):
            return False
    return True


def _place_column(grid: Grid, header: _Header) -> tuple[int, float]:
    """The column left of the periods where most cells below the header are place names, and their share."""
    first = min(header.periods)
    body = grid.cells.iloc[header.rows[-1] + 1 :].head(200)
    best, chosen, rate = 0, -1, 0.0
    for col in range(first):
        cells = body[col][body[col] != ""]
        if cells.empty:
            continue
        hits = int((names.resolve_names(cells, pd.Series("2024", index=cells.index))[names.ERROR] == "").sum())
        if hits > best:
            best, chosen, rate = hits, col, hits / len(cells)
    return chosen, rate


def score(grid: Grid) -> float:
    """Confidence in [0, 0.9]: grows with the share of place names and the number of ordered periods."""
    header = _find_header(grid)
    if header is None:
        return 0.0
    dates = [schema.parse_period(label)[2] for label, _ in header.periods.values()]
    ordered = dates == sorted(dates) or dates == sorted(dates, reverse=True)
    value = 0.3 + 0.4 * header.hit_rate + (0.1 if len(dates) >= 2 else 0.0) + (0.1 if ordered else 0.0)
    return round(min(value, 0.9), 2)


def _indicator_in(text: str) -> str | None:
    """The catalogue indicator whose name (or id) the text contains; the longest name wins."""
    words = fold(text)
    found: list[tuple[int, str]] = []
    for row in catalogue.indicators().itertuples(index=False):
        ind = getattr(row, schema.INDICATOR)
        for name in (row.name_vi, row.name_en, ind):
            key = fold(name)
            if key and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", words):
                found.append((len(key), ind))
    return max(found)[1] if found else None


def _source_in(text: str) -> str | None:
    known = set(catalogue.sources()[schema.SOURCE_ID])
    for token in re.findall(r"[A-Za-z0-9_]+", text):
        if token in known:
            return token
    return None


def parse(grid: Grid, options: Options) -> Parsed:
    header = _find_header(grid)
    cells = grid.cells
    last_header = header.rows[-1]
    title_lines = [" ".join(c for c in row if c) for row in cells.iloc[: header.rows[0]].itertuples(index=False)]
    title = " ".join(title_lines)
    body = cells.iloc[last_header + 1 :]
    period_cols = sorted(header.periods)
    values = body[period_cols]
    has_value = (~is_missing(values)).any(axis=1).to_numpy()
    # footnotes: rows after the last row holding a value, and rows that look like notes
    last_data = int(np.flatnonzero(has_value)[-1]) if has_value.any() else -1
    place_text = body[header.place]
    note_like = place_text.str.match(_FOOTNOTE.pattern, case=False).to_numpy() & ~has_value
    footnote_rows = [int(grid.rows[last_header + 1 + i]) for i in range(len(body)) if i > last_data or note_like[i]]
    footnotes = " ".join(" ".join(c for c in body.iloc[i] if c) for i in range(len(body)) if i > last_data)

    detected = {
        "layout": "statistical yearbook (provinces as rows, periods as columns)",
        "header_rows": "rows " + "–".join(str(int(grid.rows[r])) for r in header.rows)
        if len(header.rows) > 1
        else f"row {int(grid.rows[header.rows[0]])}",
        "place_column": _label(grid, header, header.place),
    }
    if footnote_rows:
        detected["footnotes"] = _ranges(footnote_rows)
    if unit := next((m.group(1).strip() for line in title_lines if (m := _UNIT.search(line))), None):
        detected["unit_in_file"] = unit
    indicator = options.indicator or _indicator_in(title)
    if not indicator:
        raise refuse(grid.file_name, Message.of("imp_no_indicator"))
    source = options.source_id or _source_in(title + " " + footnotes)
    if not source:
        raise refuse(grid.file_name, Message.of("imp_no_source"))
    status = options.status or schema.STATUS_REPORTED
    detected["indicator"] = indicator + (" (chosen)" if options.indicator else " (from the title)")
    detected["source"] = source + (" (chosen)" if options.source_id else " (from the file)")
    detected["status"] = status + (" (chosen)" if options.status else " (default)")

    # one tidy row per cell holding a value
    data_pos = [i for i in range(len(body)) if i <= last_data and not note_like[i] and has_value[i]]
    headings = sum(1 for i in range(len(body)) if i <= last_data and not has_value[i] and place_text.iloc[i] != "")
    if headings:
        detected["headings"] = f"{headings} row(s) without values skipped"
    block = values.iloc[data_pos]
    positions = np.repeat(np.asarray(data_pos, dtype=np.int64), len(period_cols))
    period_of = np.tile(np.asarray(period_cols, dtype=np.int64), len(data_pos))
    cell_text = block.to_numpy(dtype=object).ravel().astype(str)
    if grid.numeric is not None:
        rows_at = last_header + 1 + np.asarray(data_pos, dtype=np.int64)
        exact = grid.numeric[np.ix_(rows_at, np.asarray(period_cols))].ravel() if len(rows_at) else np.zeros(0, bool)
    else:
        exact = np.zeros(len(cell_text), dtype=bool)
    missing_cell = np.isin(cell_text, list(MISSING_MARKERS))
    keep = ~missing_cell
    positions, period_of, cell_text, exact = positions[keep], period_of[keep], cell_text[keep], exact[keep]
    labels = np.array([header.periods[c][0] for c in period_of], dtype=object)
    notes = np.array([PRELIMINARY_NOTE if header.periods[c][1] else "" for c in period_of], dtype=object)
    notes_vi = np.array([PRELIMINARY_NOTE_VI if header.periods[c][1] else "" for c in period_of], dtype=object)
    place = place_text.iloc[positions].to_numpy(dtype=object) if len(positions) else np.array([], dtype=object)
    frame = pd.DataFrame({
        schema.INDICATOR: indicator, schema.PERIOD: labels, schema.VALUE: cell_text, schema.STATUS: status,
        schema.SOURCE_ID: source, schema.NOTE: notes, schema.NOTE_VI: notes_vi,
    }, index=range(len(positions)))  # fmt: skip
    frame = frame.astype("str")
    frame[schema.VALUE], detected["decimal"] = numeric.read_numbers(
        frame[schema.VALUE], exact, options.decimal, grid.meta.get("separator")
    )

    found = names.resolve_names(pd.Series(place, dtype="str"), pd.Series(labels, dtype="str"))
    for col in (schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE):
        frame[col] = found[col].to_numpy()
    problems, seen = [], set()
    for pos in np.flatnonzero((found[names.ERROR] != "").to_numpy()):
        line = positions[pos]
        if line not in seen:  # one message per table row
            seen.add(line)
            detail = found[names.ERROR_DETAIL].iloc[pos]
            problems.append((int(pos), "place", Message(*detail) if detail else found[names.ERROR].iloc[pos]))
    also_bad = [int(p) for p in np.flatnonzero((found[names.ERROR] != "").to_numpy())]
    lines = grid.rows[last_header + 1 + positions] if len(positions) else np.array([], dtype=np.int64)
    place_label = _label(grid, header, header.place)
    column_of = np.array([_label(grid, header, c) for c in period_of], dtype=object)
    by_tidy = {schema.VALUE: None, schema.PERIOD: None}
    geo = {schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE, "place"}

    def column(position: int, col: str) -> str:
        if col in geo:
            return place_label
        if col in by_tidy:
            return column_of[position]
        return col

    return Parsed(
        frame, np.asarray(lines, dtype=np.int64), column, detected, problems, int(missing_cell.sum()), also_bad
    )


def _label(grid: Grid, header: _Header, col: int) -> str:
    """A column's name in problems: its header text, else its letter (or number)."""
    text = " ".join(c for c in (grid.cells.iat[r, col] for r in header.rows) if c)
    if text:
        return text
    return grid.letters[col] if grid.letters else f"column {col + 1}"


def _ranges(rows: list[int]) -> str:
    """``[7, 8, 9, 12]`` -> ``"rows 7–9, 12"``."""
    parts, start = [], rows[0]
    for prev, cur in zip(rows, rows[1:] + [None]):
        if cur != prev + 1:
            parts.append(f"{start}–{prev}" if prev != start else str(start))
            start = cur
    return ("rows " if len(rows) > 1 else "row ") + ", ".join(parts)


register_layout(Layout("yearbook", "statistical yearbook (wide)", score, parse))
