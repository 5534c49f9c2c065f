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

from data import catalogue, messages, registry, schema
from data.messages import Message

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
REPORTED_FILE = SAMPLE_DIR / "reported.csv"
#: The published index tables (DTI, PII, PCI), built by scripts/build_published.py from data/published/.
PUBLISHED_FILE = SAMPLE_DIR / "published.csv"
#: Resolution 57's national targets and the national and provincial figures that measure them, typed by hand.
RESOLUTION57_FILE = SAMPLE_DIR / "resolution57.csv"
#: The real (non-synthetic) bundled files, in the order they are read.
REAL_FILES = (REPORTED_FILE, PUBLISHED_FILE, RESOLUTION57_FILE)
SYNTHETIC_FILE = SAMPLE_DIR / "synthetic.csv"
MILESTONES_FILE = SAMPLE_DIR / "milestones.csv"

#: First data row of a CSV file is line 2 (line 1 is the header).
_HEADER_LINES = 1
#: Words read in the ``doubtful`` column (any case): the first group marks a doubtful value.
_DOUBT_YES = ("yes", "true", "1", "x", "có")
_DOUBT_WORDS = _DOUBT_YES + ("", "no", "false", "0", "không")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell of a file.

    ``message`` is the English text; when it is a :class:`data.messages.Message` (a catalogue
    key and values), :meth:`text` and :meth:`full` give it in another language.
    """

    file: str
    row: int | None  # line number in the file (header = 1); None for the whole file
    column: str | None
    message: str
    sheet: str | None = None  # the sheet of a workbook, when it is not the data sheet

    @classmethod
    def of(cls, file: str, row: int | None, column: str | None, message: str) -> Problem:
        return cls(file, row, column, message)

    def text(self, lang: str = "en") -> str:
        """The message alone, in ``lang``."""
        return messages.text(self.message, lang)

    def where(self, lang: str = "en") -> str:
        """File, sheet, row and column, in ``lang``."""
        where = self.file
        if self.sheet:
            where += messages.t("where_sheet", lang, sheet=self.sheet)
        if self.row is not None:
            where += messages.t("where_row", lang, row=self.row)
        if self.column:
            where += messages.t("where_column", lang, column=self.column)
        return where

    def full(self, lang: str = "en") -> str:
        """Where and what, in ``lang``: ``str(problem)`` in English."""
        return f"{self.where(lang)}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.full("en")


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


def _periods(labels: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Granularity, end date and error message of each label; each distinct label is parsed once."""
    codes, uniques = pd.factorize(labels.to_numpy(dtype=object))
    parsed = []
    for label in uniques:
        try:
            granularity, _, end = schema.parse_period(label)
            parsed.append((granularity, end.isoformat(), ""))
        except ValueError:
            parsed.append(("", "", Message.of("obs_period", label=str(label))))
    table = np.array(parsed, dtype=object).reshape(-1, 3)
    return table[codes, 0], table[codes, 1], table[codes, 2]


def _lookup(keys: tuple[np.ndarray, np.ndarray], table: pd.Series, default) -> np.ndarray:
    """``keys.map(table)`` for factorized keys (codes, distinct values): each distinct key looked up once."""
    codes, uniques = keys
    found = pd.Series(uniques, dtype=object).map(table).to_numpy(dtype=object)
    found = np.where(pd.isna(found), default, found) if len(found) else found
    return np.append(found, default)[codes] if len(codes) else np.array([], dtype=object)


class _Cells(dict):
    """Columns of a frame as object arrays, converted on first use."""

    def __init__(self, frame: pd.DataFrame):
        super().__init__()
        self._frame = frame

    def __missing__(self, column: str) -> np.ndarray:
        self[column] = self._frame[column].to_numpy(dtype=object)
        return self[column]


@dataclasses.dataclass
class Checked:
    """What :func:`check_observations` found: every row, filled in, and every problem."""

    frame: pd.DataFrame  # every input row in input order, unit, granularity and date filled
    problems: list[Problem]  # sorted by row, then column
    bad: np.ndarray  # True for each row of ``frame`` that has at least one problem

    def valid(self) -> pd.DataFrame:
        """The rows without problems, identical duplicates merged into one."""
        good = self.frame[~self.bad]
        return good.drop_duplicates(list(schema.KEY_COLUMNS)).reset_index(drop=True)


def check_observations(
    frame: pd.DataFrame,
    *,
    file_name: str = "<data>",
    first_line: int = _HEADER_LINES + 1,
    lines=None,
    columns=None,
    known_bad=None,
    indicators: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> Checked:
    """Check every row of a tidy frame and collect every problem instead of stopping at the first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells; must hold :data:`data.schema.REQUIRED_COLUMNS`.
    file_name : str
        Named in every problem message.
    first_line : int
        File row of the frame's first row (2 for a CSV with one header line), when ``lines`` is not given.
    lines : array-like of int, optional
        File row of each frame row (rows of a wide table share a file row).
    columns : callable, optional
        ``columns(position, column)`` names the file's column in which the problem of the row at
        ``position`` lies (a wide table keeps each period in a column of its own); defaults to ``column``.
    known_bad : array of bool, optional
        Rows already refused by the caller (an unknown place name): they take part in no conflict.
    indicators, sources : pandas.DataFrame, optional
        The definitions to check against (the store's, bundled plus imported); default: the bundled files.

    Returns
    -------
    Checked

    Raises
    ------
    ValidationError
        Only when required columns are missing (then no row can be checked).
    """
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError([Problem.of(file_name, None, c, Message.of("obs_required_missing")) for c in missing])
    frame = frame.reset_index(drop=True)
    n = len(frame)
    rows = np.arange(n) + first_line if lines is None else np.asarray(lines, dtype=np.int64)
    out = pd.DataFrame({col: _text(frame, col) for col in schema.OBSERVATION_COLUMNS})
    text = _Cells(out)  # a column's cells as an object array, made when a message needs it
    found: list[tuple[int, str, str]] = []
    bad = np.zeros(n, dtype=bool)
    refused_before = np.zeros(n, dtype=bool) if known_bad is None else np.asarray(known_bad, dtype=bool)

    def flag(mask, column: str, message) -> None:
        where = np.flatnonzero(np.asarray(mask, dtype=bool))
        bad[where] = True
        for idx in where:
            found.append((int(idx), column, message(idx) if callable(message) else message))

    cat = (catalogue.indicators() if indicators is None else indicators).set_index(schema.INDICATOR)
    known_sources = set((catalogue.sources() if sources is None else sources)[schema.SOURCE_ID])

    # geography
    level = out[schema.GEO_LEVEL]
    flag(
        ~level.isin(schema.GEO_LEVELS),
        schema.GEO_LEVEL,
        lambda i: Message.of("obs_not_one_of", value=text[schema.GEO_LEVEL][i], choices=", ".join(schema.GEO_LEVELS)),
    )
    is_prov = (level == "province").to_numpy()
    if is_prov.any():
        out.loc[is_prov, schema.GEO_CODE] = out.loc[is_prov, schema.GEO_CODE].str.zfill(2)
    code = out[schema.GEO_CODE].to_numpy(dtype=object)
    layout = out[schema.LAYOUT]
    good_layout = layout.isin(schema.LAYOUTS).to_numpy()
    flag(is_prov & ~good_layout, schema.LAYOUT, lambda i: Message.of("obs_not_layout", value=text[schema.LAYOUT][i]))
    prov = registry.provinces()
    known = pd.MultiIndex.from_arrays([prov[schema.LAYOUT], prov[schema.CODE]])
    here = pd.MultiIndex.from_arrays([layout.to_numpy(dtype=object), code])
    flag(
        is_prov & good_layout & ~here.isin(known),
        schema.GEO_CODE,
        lambda i: Message.of("obs_no_province", code=code[i], layout=text[schema.LAYOUT][i]),
    )
    is_nation = (level == "nation").to_numpy()
    flag(
        is_nation & (code != schema.NATION_CODE),
        schema.GEO_CODE,
        Message.of("obs_nation_code", code=schema.NATION_CODE),
    )
    out.loc[is_nation, schema.LAYOUT] = ""
    is_region = (level == "region").to_numpy()
    flag(
        is_region & ~out[schema.GEO_CODE].isin(set(registry.regions()[schema.REGION_CODE])).to_numpy(),
        schema.GEO_CODE,
        lambda i: Message.of("obs_unknown_region", code=code[i]),
    )
    out.loc[is_region, schema.LAYOUT] = schema.LAYOUT_2008

    # indicator, status, source, qualifier
    ind = out[schema.INDICATOR]
    known_ind = ind.isin(cat.index).to_numpy()
    flag(~known_ind, schema.INDICATOR, lambda i: Message.of("obs_unknown_indicator", value=text[schema.INDICATOR][i]))
    flag(
        ~out[schema.STATUS].isin(schema.STATUSES),
        schema.STATUS,
        lambda i: Message.of("obs_not_one_of", value=text[schema.STATUS][i], choices=", ".join(schema.STATUSES)),
    )
    flag(
        ~out[schema.SOURCE_ID].isin(known_sources),
        schema.SOURCE_ID,
        lambda i: Message.of("obs_unknown_source", value=text[schema.SOURCE_ID][i]),
    )
    flag(
        ~out[schema.QUALIFIER].isin(schema.QUALIFIERS),
        schema.QUALIFIER,
        lambda i: Message.of("obs_not_one_of", value=text[schema.QUALIFIER][i], choices=str(schema.QUALIFIERS)),
    )

    # doubtful flag and the field size of a rank
    doubt = out[schema.DOUBTFUL].str.lower()
    flag(
        ~doubt.isin(_DOUBT_WORDS), schema.DOUBTFUL, lambda i: Message.of("obs_doubtful", value=text[schema.DOUBTFUL][i])
    )
    out[schema.DOUBTFUL] = np.where(doubt.isin(_DOUBT_YES), schema.DOUBTFUL_YES, "")
    out[schema.DOUBTFUL] = out[schema.DOUBTFUL].astype(out[schema.INDICATOR].dtype)
    field = out[schema.RANK_OF]
    size = pd.to_numeric(field, errors="coerce").to_numpy()
    with np.errstate(invalid="ignore"):
        bad_size = (field != "").to_numpy() & ~((size >= 1) & (size == np.floor(size)))
    flag(bad_size, schema.RANK_OF, lambda i: Message.of("obs_rank_field", value=text[schema.RANK_OF][i]))
    out.loc[~bad_size & (field != "").to_numpy(), schema.RANK_OF] = [
        str(int(v)) for v in size[~bad_size & (field != "").to_numpy()]
    ]

    # period and target date
    gran, end, err = _periods(out[schema.PERIOD])
    flag(err != "", schema.PERIOD, lambda i: err[i])
    out[schema.GRANULARITY], out[schema.DATE] = gran, end
    out[schema.GRANULARITY] = out[schema.GRANULARITY].astype(out[schema.PERIOD].dtype)
    out[schema.DATE] = out[schema.DATE].astype(out[schema.PERIOD].dtype)
    tdate = text[schema.TARGET_DATE]
    has_tdate = tdate != ""
    if has_tdate.any():
        unreadable = set()
        for label in set(tdate[has_tdate]):
            try:
                _dt.date.fromisoformat(label)
            except ValueError:
                unreadable.add(label)
        flag(
            has_tdate & np.isin(tdate, list(unreadable)),
            schema.TARGET_DATE,
            lambda i: Message.of("obs_date", value=tdate[i]),
        )
        flag(
            has_tdate & (text[schema.STATUS] != schema.STATUS_TARGET),
            schema.TARGET_DATE,
            Message.of("obs_target_date_only"),
        )

    # value, unit and range
    value = pd.to_numeric(out[schema.VALUE], errors="coerce").astype("float64").to_numpy()
    flag(~np.isfinite(value), schema.VALUE, lambda i: Message.of("obs_not_number", value=text[schema.VALUE][i]))
    ind_keys = pd.factorize(ind)
    ind_keys = (ind_keys[0], np.asarray(ind_keys[1], dtype=object))
    units = _lookup(ind_keys, cat["unit"], "")
    short = _lookup(ind_keys, cat["short_unit"], "")
    given = text[schema.UNIT]
    flag(
        known_ind & (given != "") & (given != units) & (given != short),
        schema.UNIT,
        lambda i: Message.of("obs_unit_differs", given=given[i], unit=units[i], indicator=text[schema.INDICATOR][i]),
    )
    out[schema.UNIT] = pd.Series(units, index=out.index).astype(out[schema.INDICATOR].dtype)
    low = _lookup(ind_keys, cat["min"], np.nan).astype("float64")
    high = _lookup(ind_keys, cat["max"], np.nan).astype("float64")
    with np.errstate(invalid="ignore"):
        outside = known_ind & np.isfinite(value) & ((value < low) | (value > np.where(np.isnan(high), np.inf, high)))
    flag(
        outside,
        schema.VALUE,
        lambda i: Message.of(
            "obs_out_of_range",
            value=float(value[i]),
            indicator=text[schema.INDICATOR][i],
            low=float(low[i]),
            high=Message.of("obs_no_limit") if np.isnan(high[i]) else format(high[i], "g"),
        ),
    )
    with np.errstate(invalid="ignore"):
        beyond = np.isfinite(value) & ~bad_size & (value > size)
    flag(
        beyond,
        schema.VALUE,
        lambda i: Message.of("obs_rank_beyond", value=float(value[i]), field=text[schema.RANK_OF][i]),
    )
    out[schema.VALUE] = value

    # conflicting duplicates: same key, different value (rows refused for another reason take no part)
    key = list(schema.KEY_COLUMNS)
    eligible = ~bad & ~refused_before
    dup = np.zeros(n, dtype=bool)
    dup[eligible] = out[eligible].duplicated(key, keep=False).to_numpy()
    if dup.any():
        values = out.loc[dup, key + [schema.VALUE]]
        spread = values.groupby(key, dropna=False)[schema.VALUE].transform("nunique")
        conflicting = np.zeros(n, dtype=bool)
        conflicting[np.flatnonzero(dup)[(spread > 1).to_numpy()]] = True
        flag(conflicting, schema.VALUE, Message.of("obs_conflict"))

    name = columns or (lambda _i, column: column)
    problems = [Problem.of(file_name, int(rows[i]), name(i, column), message) for i, column, message in found]
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return Checked(out, problems, bad)


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
        conflicting duplicates. :func:`check_observations` collects the same problems without raising.

    Examples
    --------
    >>> raw = pd.DataFrame({"geo_level": ["nation"], "geo_code": ["VN"],
    ...     "indicator_id": ["rd_staff_per_10k"], "period": ["2025-11-03"], "value": ["8.2"],
    ...     "status": ["reported"], "source_id": ["thainguyen_2025_11_03"]})
    >>> prepare_observations(raw)["unit"].iloc[0]
    'persons per 10,000 inhabitants'
    """
    checked = check_observations(frame, file_name=file_name, first_line=first_line)
    if checked.problems:
        raise ValidationError(checked.problems)
    return checked.valid()


def read_observations(path: Path | str) -> pd.DataFrame:
    """Read and validate one tidy CSV file (see :func:`prepare_observations`)."""
    path = Path(path)
    return prepare_observations(read_csv_text(path), file_name=path.name)


def bundled_observations() -> pd.DataFrame:
    """The sample data shipped with the dashboard: reported facts and targets plus synthetic series.

    The real files (:data:`REAL_FILES`) are read first; a synthetic row with the same place,
    indicator and period as a reported one is dropped, so synthetic rows never replace reported ones.
    """
    reported = pd.concat([read_observations(path) for path in REAL_FILES if path.exists()], ignore_index=True)
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
