"""A province's own indicators and sources, imported with its data and checked like observations.

The reporting template has an ``indicators`` sheet and a ``sources`` sheet (:data:`INDICATOR_FIELDS`,
:data:`SOURCE_FIELDS`); a tidy workbook may carry the same two sheets, and a tidy CSV may come with
the same two tables as side files. :func:`check_indicators` and :func:`check_sources` turn such a
table into rows of the catalogue (:data:`data.catalogue.INDICATOR_COLUMNS`) or of the sources, and
list every problem with file, sheet, row and column.

Rules:

* The bundled catalogue and sources stay the defaults; an import cannot redefine one of them: an
  id that is already bundled is an error naming both definitions.
* An id defined by an earlier import (not undone) may be given again with the same definition (it
  is then not stored twice); with another definition it is an error naming that batch.
* The definitions are stored with the batch and undone with it (:mod:`data.store`).
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd

from data import catalogue, schema
from data.messages import Message
from data.observations import Problem

SHEET_INDICATORS = "indicators"
SHEET_SOURCES = "sources"
#: Columns of the ``indicators`` sheet, in order (the required ones first).
INDICATOR_FIELDS = (
    schema.INDICATOR, "name_vi", "name_en", "unit_vi", "unit", "pillar", "direction", "aggregation",
    "min", "max", "decimals", "description_vi", "description", "short_unit_vi", "short_unit", "numerator", "denominator",
    "scale",
)  # fmt: skip
INDICATOR_REQUIRED = (schema.INDICATOR, "name_vi", "name_en", "unit_vi", "unit", "pillar")
#: Columns of the ``sources`` sheet, in order.
SOURCE_FIELDS = (
    schema.SOURCE_ID, schema.SOURCE_PRODUCER, schema.SOURCE_TITLE, schema.SOURCE_URL, schema.SOURCE_PUBLISHED,
    schema.SOURCE_LICENCE, "producer_vi", "title_vi", schema.SOURCE_LANGUAGE,
)  # fmt: skip
SOURCE_REQUIRED = (schema.SOURCE_ID, schema.SOURCE_PRODUCER, schema.SOURCE_TITLE)
_INDICATOR_ID = re.compile(r"[a-z][a-z0-9_]{1,62}")
_SOURCE_ID = re.compile(r"[A-Za-z0-9_]{2,80}")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
#: Extra catalogue column for imported indicators: the description in Vietnamese.
DESCRIPTION_VI = "description_vi"


@dataclasses.dataclass
class Definitions:
    """Indicators (catalogue columns) and sources (source columns) defined by one file."""

    indicators: pd.DataFrame = dataclasses.field(default_factory=lambda: empty_indicators())
    sources: pd.DataFrame = dataclasses.field(default_factory=lambda: empty_sources())

    @property
    def empty(self) -> bool:
        return self.indicators.empty and self.sources.empty

    def summary(self) -> str:
        """``"indicators: a, b; sources: c"`` for the report."""
        parts = []
        if not self.indicators.empty:
            parts.append("indicators: " + ", ".join(self.indicators[schema.INDICATOR]))
        if not self.sources.empty:
            parts.append("sources: " + ", ".join(self.sources[schema.SOURCE_ID]))
        return "; ".join(parts)


def indicator_columns() -> list[str]:
    return [*catalogue.INDICATOR_COLUMNS, DESCRIPTION_VI]


def source_columns() -> list[str]:
    return [*schema.SOURCE_COLUMNS, "accessed_via", "title_from_url", "producer_vi", "title_vi"]


def empty_indicators() -> pd.DataFrame:
    return pd.DataFrame(columns=indicator_columns())


def empty_sources() -> pd.DataFrame:
    return pd.DataFrame(columns=source_columns())


def kind_of(header: list[str]) -> str | None:
    """``"indicators"`` or ``"sources"`` when a header row is one of these tables, else None."""
    keys = {str(c).strip().lower() for c in header}
    if {schema.INDICATOR, "name_en", "name_vi", "unit"} <= keys:
        return SHEET_INDICATORS
    if {schema.SOURCE_ID, schema.SOURCE_PRODUCER, schema.SOURCE_TITLE} <= keys:
        return SHEET_SOURCES
    return None


def _table(cells: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, dict[str, str]]:
    """The table under its header (the first row), blank rows dropped; returns it, its file rows and column labels."""
    header = [str(c).strip() for c in cells.iloc[0]]
    labels = {h.lower(): h for h in header if h}
    body = cells.iloc[1:]
    body = body[(body != "").any(axis=1)]
    lines = rows[1:][(cells.iloc[1:] != "").any(axis=1).to_numpy()]
    table = pd.DataFrame({h.lower(): body[i].str.strip() for i, h in enumerate(header) if h and h.lower() not in ()})
    return table.reset_index(drop=True), np.asarray(lines), labels


def _cell(table: pd.DataFrame, column: str) -> pd.Series:
    return table[column] if column in table else pd.Series("", index=table.index, dtype="str")


def _number(text: str) -> float | None:
    try:
        value = float(str(text).replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def check_indicators(
    cells: pd.DataFrame, rows: np.ndarray, *, file_name: str, sheet: str | None,
    bundled: pd.DataFrame, stored: pd.DataFrame,
) -> tuple[pd.DataFrame, list[Problem]]:  # fmt: skip
    """The indicators of a sheet (header in the first row) as catalogue rows, and every problem.

    ``bundled`` is the bundled catalogue, ``stored`` the indicators imported earlier (with a
    ``batch_id`` column); a row clashing with either is a problem naming both definitions.
    """
    table, lines, labels = _table(cells, rows)
    problems: list[Problem] = []

    def say(i: int, column: str, message: Message) -> None:
        problems.append(Problem(file_name, int(lines[i]), labels.get(column, column), message, sheet))

    for column in INDICATOR_REQUIRED:
        if column not in table:
            problems.append(Problem(file_name, None, column, Message.of("obs_required_missing"), sheet))
    if problems:
        return empty_indicators(), problems
    pillars = set(catalogue.pillars()["pillar"])
    known = set(bundled[schema.INDICATOR]) | set(stored.get(schema.INDICATOR, []))
    bundled_by_id = bundled.set_index(schema.INDICATOR)
    stored_by_id = (
        stored.drop_duplicates(schema.INDICATOR, keep="last").set_index(schema.INDICATOR) if len(stored) else None
    )
    out, seen = [], {}
    for i, row in enumerate(table.to_dict(orient="records")):
        bad = len(problems)
        ind = row[schema.INDICATOR]
        for column in INDICATOR_REQUIRED:
            if not row.get(column):
                say(i, column, Message.of("def_required", field=column))
        if ind and not _INDICATOR_ID.fullmatch(ind):
            say(i, schema.INDICATOR, Message.of("def_bad_indicator_id", value=ind))
        if ind in seen:
            say(i, schema.INDICATOR, Message.of("def_repeated", value=ind, row=seen[ind]))
        seen.setdefault(ind, int(lines[i]))
        if row.get("pillar") and row["pillar"] not in pillars:
            say(i, "pillar", Message.of("obs_not_one_of", value=row["pillar"], choices=", ".join(sorted(pillars))))
        direction = row.get("direction") or "higher"
        if direction not in catalogue.DIRECTIONS:
            say(i, "direction", Message.of("obs_not_one_of", value=direction, choices=", ".join(catalogue.DIRECTIONS)))
        aggregation = row.get("aggregation") or "sum"
        if aggregation not in catalogue.AGGREGATIONS:
            say(
                i,
                "aggregation",
                Message.of("obs_not_one_of", value=aggregation, choices=", ".join(catalogue.AGGREGATIONS)),
            )
        numbers = {}
        for column in ("min", "max", "scale"):
            text = row.get(column) or ""
            numbers[column] = _number(text) if text else None
            if text and numbers[column] is None:
                say(i, column, Message.of("obs_not_number", value=text))
        if numbers["min"] is not None and numbers["max"] is not None and numbers["min"] > numbers["max"]:
            say(i, "max", Message.of("def_min_above_max", low=numbers["min"], high=numbers["max"]))
        decimals_text = row.get("decimals") or "0"
        decimals = (
            int(_number(decimals_text))
            if _number(decimals_text) is not None and float(_number(decimals_text)).is_integer()
            else None
        )
        if decimals is None or not 0 <= decimals <= 6:
            say(i, "decimals", Message.of("def_bad_decimals", value=decimals_text))
        if aggregation == "ratio":
            for column in ("numerator", "denominator"):
                if not row.get(column):
                    say(i, column, Message.of("def_required", field=column))
                elif row[column] not in known and row[column] not in set(table[schema.INDICATOR]):
                    say(i, column, Message.of("obs_unknown_indicator", value=row[column]))
        spec = {
            schema.INDICATOR: ind, "name_en": row.get("name_en", ""), "name_vi": row.get("name_vi", ""),
            "unit": row.get("unit", ""), "short_unit": row.get("short_unit") or row.get("unit", ""),
            "unit_vi": row.get("unit_vi", ""), "short_unit_vi": row.get("short_unit_vi") or row.get("unit_vi", ""),
            "pillar": row.get("pillar", ""), "direction": direction, "aggregation": aggregation,
            "numerator": row.get("numerator") or np.nan, "denominator": row.get("denominator") or np.nan,
            "scale": numbers["scale"] if numbers["scale"] is not None else np.nan,
            "min": numbers["min"] if numbers["min"] is not None else np.nan,
            "max": numbers["max"] if numbers["max"] is not None else np.nan,
            "decimals": decimals or 0, "description": row.get("description", ""),
            "expected_empty": False, "baseline_zero_on": "", DESCRIPTION_VI: row.get(DESCRIPTION_VI, ""),
        }  # fmt: skip
        if ind in bundled_by_id.index:
            old = bundled_by_id.loc[ind]
            say(i, schema.INDICATOR, Message.of(
                "def_clash_bundled_indicator", id=ind, old_name=str(old["name_en"]), old_unit=str(old["unit"]),
                name=spec["name_en"], unit=spec["unit"]))  # fmt: skip
        elif stored_by_id is not None and ind in stored_by_id.index:
            old = stored_by_id.loc[ind]
            if _differs(
                old, spec, ("name_en", "name_vi", "unit", "unit_vi", "pillar", "direction", "aggregation", "min", "max")
            ):
                say(i, schema.INDICATOR, Message.of(
                    "def_clash_imported_indicator", id=ind, batch=int(old[schema.BATCH_ID]), old_name=str(old["name_en"]),
                    old_unit=str(old["unit"]), name=spec["name_en"], unit=spec["unit"]))  # fmt: skip
            continue  # the same definition is stored already
        if len(problems) == bad:
            out.append(spec)
    frame = pd.DataFrame(out, columns=indicator_columns()) if out else empty_indicators()
    return frame, problems


def check_sources(
    cells: pd.DataFrame, rows: np.ndarray, *, file_name: str, sheet: str | None,
    bundled: pd.DataFrame, stored: pd.DataFrame,
) -> tuple[pd.DataFrame, list[Problem]]:  # fmt: skip
    """The sources of a sheet (header in the first row) as source rows with citations, and every problem."""
    table, lines, labels = _table(cells, rows)
    problems: list[Problem] = []

    def say(i: int, column: str, message: Message) -> None:
        problems.append(Problem(file_name, int(lines[i]), labels.get(column, column), message, sheet))

    for column in SOURCE_REQUIRED:
        if column not in table:
            problems.append(Problem(file_name, None, column, Message.of("obs_required_missing"), sheet))
    if problems:
        return empty_sources(), problems
    bundled_by_id = bundled.set_index(schema.SOURCE_ID)
    stored_by_id = (
        stored.drop_duplicates(schema.SOURCE_ID, keep="last").set_index(schema.SOURCE_ID) if len(stored) else None
    )
    out, seen = [], {}
    for i, row in enumerate(table.to_dict(orient="records")):
        bad = len(problems)
        sid = row[schema.SOURCE_ID]
        for column in SOURCE_REQUIRED:
            if not row.get(column):
                say(i, column, Message.of("def_required", field=column))
        if sid and not _SOURCE_ID.fullmatch(sid):
            say(i, schema.SOURCE_ID, Message.of("def_bad_source_id", value=sid))
        if sid in seen:
            say(i, schema.SOURCE_ID, Message.of("def_repeated", value=sid, row=seen[sid]))
        seen.setdefault(sid, int(lines[i]))
        url = row.get(schema.SOURCE_URL, "")
        if url and not re.fullmatch(r"https?://[^\s<>\"']+", url):
            say(i, schema.SOURCE_URL, Message.of("def_bad_url", value=url))
        published = row.get(schema.SOURCE_PUBLISHED, "")
        if published and not _DATE.fullmatch(published):
            say(i, schema.SOURCE_PUBLISHED, Message.of("obs_date", value=published))
        spec = {
            schema.SOURCE_ID: sid, schema.SOURCE_PRODUCER: row.get(schema.SOURCE_PRODUCER, ""),
            schema.SOURCE_TITLE: row.get(schema.SOURCE_TITLE, ""), schema.SOURCE_URL: url,
            schema.SOURCE_PUBLISHED: published, schema.SOURCE_ACCESSED: "",
            schema.SOURCE_LICENCE: row.get(schema.SOURCE_LICENCE, ""), schema.SOURCE_LANGUAGE: row.get(schema.SOURCE_LANGUAGE, ""),
            "accessed_via": "", "title_from_url": False,
            "producer_vi": row.get("producer_vi") or row.get(schema.SOURCE_PRODUCER, ""),
            "title_vi": row.get("title_vi") or row.get(schema.SOURCE_TITLE, ""),
        }  # fmt: skip
        spec[schema.SOURCE_CITATION] = catalogue.citation(spec)
        if sid in bundled_by_id.index:
            old = bundled_by_id.loc[sid]
            say(i, schema.SOURCE_ID, Message.of(
                "def_clash_bundled_source", id=sid, old_title=str(old[schema.SOURCE_TITLE]),
                old_producer=str(old[schema.SOURCE_PRODUCER]), title=spec[schema.SOURCE_TITLE],
                producer=spec[schema.SOURCE_PRODUCER]))  # fmt: skip
        elif stored_by_id is not None and sid in stored_by_id.index:
            old = stored_by_id.loc[sid]
            if _differs(
                old, spec, (schema.SOURCE_PRODUCER, schema.SOURCE_TITLE, schema.SOURCE_URL, schema.SOURCE_PUBLISHED)
            ):
                say(i, schema.SOURCE_ID, Message.of(
                    "def_clash_imported_source", id=sid, batch=int(old[schema.BATCH_ID]),
                    old_title=str(old[schema.SOURCE_TITLE]), title=spec[schema.SOURCE_TITLE]))  # fmt: skip
            continue
        if len(problems) == bad:
            out.append(spec)
    frame = pd.DataFrame(out).reindex(columns=source_columns()) if out else empty_sources()
    return frame, problems


def _differs(old: pd.Series, new: dict, fields: tuple[str, ...]) -> bool:
    for field in fields:
        a, b = old.get(field), new.get(field)
        if isinstance(a, float) or isinstance(b, float):
            a = None if a is None or (isinstance(a, float) and math.isnan(a)) else float(a)
            b = None if b is None or (isinstance(b, float) and math.isnan(b)) else float(b)
        elif (a or "") != (b or ""):
            return True
        if a != b:
            return True
    return False
