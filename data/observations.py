"""Read and validate tidy observation files.

A tidy file has one row per value with the columns of :data:`data.schema.OBSERVATION_COLUMNS`
(only :data:`data.schema.REQUIRED_COLUMNS` are mandatory). :func:`prepare_observations` checks
every row against the registry, the catalogue and the sources, fills the unit, granularity and
date, and either returns the clean frame or raises :class:`ValidationError` listing every problem
with its file, row and column.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path

import numpy as np
import pandas as pd

from data import catalogue, registry, schema

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
REPORTED_FILE = SAMPLE_DIR / "reported.csv"
SYNTHETIC_FILE = SAMPLE_DIR / "synthetic.csv"
MILESTONES_FILE = SAMPLE_DIR / "milestones.csv"

#: First data row of a CSV file is line 2 (line 1 is the header).
_HEADER_LINES = 1


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell of a file."""

    file: str
    row: int | None  # line number in the file (header = 1); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class ValidationError(ValueError):
    """Raised when a file has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} problem(s): {head}{more}")


def read_csv_text(path: Path | str) -> pd.DataFrame:
    """Read a UTF-8 (optionally BOM) CSV keeping every cell as text, empty cells as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series([""] * len(frame), index=frame.index, dtype="object")
    return frame[column].fillna("").astype(str).str.strip()


def _periods(labels: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Granularity, end date and a per-row error message for each distinct period label."""
    parsed = {}
    for label in labels.unique():
        try:
            granularity, _, end = schema.parse_period(label)
            parsed[label] = (granularity, end.isoformat(), "")
        except ValueError as exc:
            parsed[label] = ("", "", str(exc))
    gran = labels.map(lambda x: parsed[x][0])
    end = labels.map(lambda x: parsed[x][1])
    err = labels.map(lambda x: parsed[x][2])
    return gran, end, err


def prepare_observations(
    frame: pd.DataFrame,
    *,
    file_name: str = "<data>",
    first_line: int = _HEADER_LINES + 1,
) -> pd.DataFrame:
    """Validate a tidy frame and return it with unit, granularity and date filled.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells; must hold :data:`data.schema.REQUIRED_COLUMNS`.
    file_name : str
        Named in every problem message.
    first_line : int
        File line of the frame's first row (2 for a CSV with one header line).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`data.schema.OBSERVATION_COLUMNS`; ``value`` is float.

    Raises
    ------
    ValidationError
        Listing every problem with file, row and column: missing required column, unknown
        geography, indicator, source, status or qualifier, unparseable period, value or target
        date, value outside the indicator's valid range, unit that contradicts the catalogue,
        conflicting duplicates.

    Examples
    --------
    >>> raw = pd.DataFrame({"geo_level": ["nation"], "geo_code": ["VN"],
    ...     "indicator_id": ["rd_staff_per_10k"], "period": ["2025-11-03"], "value": ["8.2"],
    ...     "status": ["reported"], "source_id": ["thainguyen_2025_11_03"]})
    >>> prepare_observations(raw)["unit"].iloc[0]
    'persons per 10,000 inhabitants'
    """
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            [Problem(file_name, None, c, "required column is missing") for c in missing]
        )
    frame = frame.reset_index(drop=True)
    lines = pd.Series(np.arange(len(frame)) + first_line, index=frame.index)
    out = pd.DataFrame({col: _text(frame, col) for col in schema.OBSERVATION_COLUMNS})
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, message) -> None:
        for idx in mask[mask].index:
            text = message(idx) if callable(message) else message
            problems.append(Problem(file_name, int(lines[idx]), column, text))

    cat = catalogue.indicators().set_index(schema.INDICATOR)
    known_sources = set(catalogue.sources()[schema.SOURCE_ID])

    # geography
    level = out[schema.GEO_LEVEL]
    flag(~level.isin(schema.GEO_LEVELS), schema.GEO_LEVEL,
         lambda i: f"{level[i]!r} is not one of {', '.join(schema.GEO_LEVELS)}")
    is_prov = level == "province"
    out.loc[is_prov, schema.GEO_CODE] = out.loc[is_prov, schema.GEO_CODE].str.zfill(2)
    flag(is_prov & ~out[schema.LAYOUT].isin(schema.LAYOUTS), schema.LAYOUT,
         lambda i: f"{out.at[i, schema.LAYOUT]!r} is not a layout: use 2008 (63 provinces) or 2025 (34)")
    prov = registry.provinces()
    known = set(zip(prov[schema.LAYOUT], prov[schema.CODE]))
    bad_prov = is_prov & out[schema.LAYOUT].isin(schema.LAYOUTS) & ~pd.Series(
        [(a, b) in known for a, b in zip(out[schema.LAYOUT], out[schema.GEO_CODE])], index=out.index
    )
    flag(bad_prov, schema.GEO_CODE,
         lambda i: f"no province {out.at[i, schema.GEO_CODE]!r} in the {out.at[i, schema.LAYOUT]} layout")
    is_nation = level == "nation"
    flag(is_nation & (out[schema.GEO_CODE] != schema.NATION_CODE), schema.GEO_CODE,
         f"the whole country has code {schema.NATION_CODE!r}")
    out.loc[is_nation, schema.LAYOUT] = ""
    is_region = level == "region"
    flag(is_region & ~out[schema.GEO_CODE].isin(set(registry.regions()[schema.REGION_CODE])),
         schema.GEO_CODE, lambda i: f"unknown region {out.at[i, schema.GEO_CODE]!r}")
    out.loc[is_region, schema.LAYOUT] = schema.LAYOUT_2008

    # indicator, status, source, qualifier
    ind = out[schema.INDICATOR]
    flag(~ind.isin(cat.index), schema.INDICATOR, lambda i: f"unknown indicator {ind[i]!r}")
    flag(~out[schema.STATUS].isin(schema.STATUSES), schema.STATUS,
         lambda i: f"{out.at[i, schema.STATUS]!r} is not one of {', '.join(schema.STATUSES)}")
    flag(~out[schema.SOURCE_ID].isin(known_sources), schema.SOURCE_ID,
         lambda i: f"unknown source {out.at[i, schema.SOURCE_ID]!r}")
    flag(~out[schema.QUALIFIER].isin(schema.QUALIFIERS), schema.QUALIFIER,
         lambda i: f"{out.at[i, schema.QUALIFIER]!r} is not one of {schema.QUALIFIERS}")

    # period and target date
    gran, end, err = _periods(out[schema.PERIOD])
    flag(err != "", schema.PERIOD, lambda i: err[i])
    out[schema.GRANULARITY], out[schema.DATE] = gran, end
    tdate = out[schema.TARGET_DATE]

    def _bad_date(text: str) -> bool:
        try:
            _dt.date.fromisoformat(text)
            return False
        except ValueError:
            return True

    flag((tdate != "") & tdate.map(_bad_date), schema.TARGET_DATE,
         lambda i: f"cannot read the date {tdate[i]!r}: use YYYY-MM-DD")
    flag((tdate != "") & (out[schema.STATUS] != schema.STATUS_TARGET), schema.TARGET_DATE,
         "only a row with status 'target' has a target date")

    # value, unit and range
    value = pd.to_numeric(out[schema.VALUE], errors="coerce")
    flag(value.isna() | ~np.isfinite(value.fillna(0)), schema.VALUE,
         lambda i: f"{out.at[i, schema.VALUE]!r} is not a number")
    known_ind = ind.isin(cat.index)
    units = ind.map(cat["unit"]).fillna("")
    short = ind.map(cat["short_unit"]).fillna("")
    given = out[schema.UNIT]
    flag(known_ind & (given != "") & (given != units) & (given != short), schema.UNIT,
         lambda i: f"unit {given[i]!r} differs from the catalogue's {units[i]!r} for {ind[i]!r}")
    out[schema.UNIT] = units
    low = ind.map(cat["min"])
    high = ind.map(cat["max"])
    outside = known_ind & value.notna() & ((value < low) | (value > high.fillna(np.inf)))
    flag(outside, schema.VALUE,
         lambda i: f"{value[i]:g} is outside the valid range of {ind[i]!r} "
         f"({low[i]:g} to {'no limit' if pd.isna(high[i]) else format(high[i], 'g')})")
    out[schema.VALUE] = value.astype("float64")

    # conflicting duplicates: same key, different value
    key = list(schema.KEY_COLUMNS)
    dup = out.duplicated(key, keep=False)
    if dup.any():
        groups = out[dup].groupby(key)[schema.VALUE].nunique()
        conflicting = groups[groups > 1].index
        keyed = out.set_index(key).index
        flag(pd.Series(keyed.isin(conflicting), index=out.index) & dup, schema.VALUE,
             "conflicts with another row for the same place, indicator, period and status")
        out = out.drop_duplicates(key)

    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationError(problems)
    return out.reset_index(drop=True)


def read_observations(path: Path | str) -> pd.DataFrame:
    """Read and validate one tidy CSV file (see :func:`prepare_observations`)."""
    path = Path(path)
    return prepare_observations(read_csv_text(path), file_name=path.name)


def bundled_observations() -> pd.DataFrame:
    """The sample data shipped with the dashboard: reported facts plus synthetic series.

    Synthetic rows never replace a reported row: a synthetic row with the same place,
    indicator and period as a reported one is dropped.
    """
    reported = read_observations(REPORTED_FILE)
    if not SYNTHETIC_FILE.exists():
        return reported
    synthetic = read_observations(SYNTHETIC_FILE)
    place = [schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE, schema.INDICATOR, schema.PERIOD]
    taken = reported[reported[schema.STATUS] == schema.STATUS_REPORTED].set_index(place).index
    synthetic = synthetic[~synthetic.set_index(place).index.isin(taken)]
    return pd.concat([reported, synthetic], ignore_index=True)


def bundled_milestones() -> pd.DataFrame:
    """Dated non-numeric facts (meetings, plans, movements) with their sources."""
    frame = read_csv_text(MILESTONES_FILE)
    frame[schema.GEO_CODE] = frame[schema.GEO_CODE].where(
        frame[schema.GEO_LEVEL] != "province", frame[schema.GEO_CODE].str.zfill(2)
    )
    return frame.reindex(columns=list(schema.MILESTONE_COLUMNS)).fillna("")
