"""Column names, allowed values and validation of the tidy observation table.

Every column name used anywhere in the project is a constant defined here, once.
Pages and analysis import these constants instead of typing string literals.

The observation table is *tidy*: one row per (geography, indicator, period, status),
with its unit, source and note beside the value (Our World in Data's ETL, scaled down).
"""

from __future__ import annotations

import datetime as _dt
import re

import pandas as pd

# --- layouts -----------------------------------------------------------------
#: 63 provinces, in force from 2008-08-01 (Hà Tây joined Hà Nội) to 2025-06-30.
LAYOUT_2008 = "2008"
#: 34 provinces, in force from 2025-07-01 (National Assembly Resolution 202/2025/QH15).
LAYOUT_2025 = "2025"
LAYOUTS = (LAYOUT_2008, LAYOUT_2025)
#: First day of the 34-province layout.
MERGER_DATE = _dt.date(2025, 7, 1)

# --- province registry columns -------------------------------------------------
LAYOUT = "layout"
CODE = "code"
NAME_VI = "name_vi"  # short name with diacritics: "Hà Nội"
FULL_NAME_VI = "full_name_vi"  # "Thành phố Hà Nội"
NAME_ASCII = "name_ascii"  # "Ha Noi"
NAME_EN = "name_en"  # "Hanoi"
UNIT_TYPE = "unit_type"  # "province" or "city" (centrally-run city)
REGION = "region"  # GSO socio-economic region code (2008 layout only)
LAT = "lat"
LON = "lon"
UNIT_TYPES = ("province", "city")

# --- crosswalk columns ---------------------------------------------------------
OLD_CODE = "old_code"  # code in the 2008 layout
NEW_CODE = "new_code"  # code in the 2025 layout

# --- region columns --------------------------------------------------------------
REGION_CODE = "region_code"

# --- observation columns ---------------------------------------------------------
GEO_LEVEL = "geo_level"  # "province", "region" or "nation"
GEO_CODE = "geo_code"  # province code, region code, or NATION_CODE
INDICATOR = "indicator_id"
PERIOD = "period"  # canonical label: "2025", "2025-H1", "2025-Q3", "2025-11", "2025-11-03"
GRANULARITY = "granularity"  # year, half, quarter, month, day
DATE = "date"  # reference date: the last day of the period
VALUE = "value"
QUALIFIER = "value_qualifier"  # "", "about", "more than", "at least"
UNIT = "unit"
STATUS = "status"
TARGET_DATE = "target_date"  # deadline of a target; empty when the source gives none
SOURCE_ID = "source_id"
NOTE = "note"
NOTE_VI = "note_vi"  # the note in Vietnamese, beside ``note`` (English, or as a file wrote it); "" when none
DERIVED_FROM = "derived_from"  # for derived values: the inputs and the rule
BATCH_ID = "batch_id"  # which import (or bundled load) wrote the row
DOUBTFUL = "doubtful"  # "yes" when a source contradicts the figure or it was inferred; the note says why
#: The size of the field a rank was given in (63, 34, 139 for the GII...), as text; empty for values that
#: are not ranks. The benchmark frame reuses the name: there, the field a province is ranked in.
RANK_OF = "rank_of"

GEO_LEVELS = ("province", "region", "nation")
NATION_CODE = "VN"
GRANULARITIES = ("year", "half", "quarter", "month", "day")

STATUS_REPORTED = "reported"
STATUS_TARGET = "target"
STATUS_DERIVED = "derived"
STATUS_SYNTHETIC = "synthetic"
STATUSES = (STATUS_REPORTED, STATUS_TARGET, STATUS_DERIVED, STATUS_SYNTHETIC)

QUALIFIERS = ("", "about", "more than", "at least", "less than", "at most")
#: Value of :data:`DOUBTFUL` for a doubtful observation ("" for the others).
DOUBTFUL_YES = "yes"
#: A pseudo-status: in a ``statuses`` filter it lets doubtful observations through (they are left out
#: otherwise, see :meth:`data.store.Store.observations`); the sidebar adds it when the user asks.
SHOW_DOUBTFUL = "doubtful"

#: Columns of the tidy observation table, in display order.
OBSERVATION_COLUMNS = (
    GEO_LEVEL,
    LAYOUT,
    GEO_CODE,
    INDICATOR,
    PERIOD,
    GRANULARITY,
    DATE,
    VALUE,
    QUALIFIER,
    UNIT,
    STATUS,
    TARGET_DATE,
    SOURCE_ID,
    NOTE,
    DERIVED_FROM,
    DOUBTFUL,
    RANK_OF,
    NOTE_VI,
)
#: Columns a file must have (the rest default to empty).
REQUIRED_COLUMNS = (GEO_LEVEL, GEO_CODE, INDICATOR, PERIOD, VALUE, STATUS, SOURCE_ID)
#: A row is identified by these; two rows with the same key conflict.
KEY_COLUMNS = (GEO_LEVEL, LAYOUT, GEO_CODE, INDICATOR, PERIOD, STATUS, TARGET_DATE)

# --- source (origin) columns -------------------------------------------------------
SOURCE_PRODUCER = "producer"
SOURCE_TITLE = "title"
SOURCE_URL = "url"
SOURCE_PUBLISHED = "date_published"
SOURCE_ACCESSED = "date_accessed"
SOURCE_LICENCE = "licence"
SOURCE_LANGUAGE = "language"
SOURCE_CITATION = "citation"
SOURCE_COLUMNS = (
    SOURCE_ID,
    SOURCE_PRODUCER,
    SOURCE_TITLE,
    SOURCE_URL,
    SOURCE_PUBLISHED,
    SOURCE_ACCESSED,
    SOURCE_LICENCE,
    SOURCE_LANGUAGE,
    SOURCE_CITATION,
)

# --- milestone (non-numeric fact) columns ------------------------------------------
MILESTONE_KIND = "kind"
MILESTONE_TEXT_EN = "text_en"
MILESTONE_TEXT_VI = "text_vi"
MILESTONE_COLUMNS = (
    GEO_LEVEL,
    LAYOUT,
    GEO_CODE,
    DATE,
    MILESTONE_KIND,
    MILESTONE_TEXT_EN,
    MILESTONE_TEXT_VI,
    SOURCE_ID,
    NOTE,
    NOTE_VI,
)

# --- benchmark columns (analysis.benchmarking.benchmark; the Map page's tooltips use them) ---
NATIONAL_VALUE = "national_value"
NATIONAL_STATUS = "national_status"
NATIONAL_SOURCE_ID = "national_source_id"
NATIONAL_PERIOD = "national_period"
NATIONAL_DERIVED_FROM = "national_derived_from"
DIFFERENCE = "difference"  # value - national value
RATIO = "ratio"  # value / national value
RANK = "rank"  # 1 = best, by the indicator's direction; ties share the best rank
# RANK_OF (defined with the observation columns): provinces with a value, or a published rank's field
PERCENTILE = "percentile"
QUARTILE = "quartile"
Z_SCORE = "z_score"
PEER_GROUP = "peer_group"  # GSO region code
PEER_AVERAGE = "peer_average"
PEER_COUNT = "peer_count"
PREVIOUS_PERIOD = "previous_period"
PREVIOUS_VALUE = "previous_value"
CHANGE = "change"  # value - previous value
DIRECTION = "direction"  # "higher" or "lower" is better (catalogue)

# --- forecast columns (analysis.forecasting.forecast_targets) ------------------------------
TARGET_VALUE = "target_value"
SET_ON = "set_on"  # date the target was set (the target row's date)
STATUSES_USED = "statuses_used"  # statuses of the observations the forecast used, comma-separated
N_OBSERVATIONS = "n_observations"
METHOD = "method"  # "model", "pace" or "none"
BASELINE_DATE = "baseline_date"
BASELINE_VALUE = "baseline_value"
BASELINE_KIND = "baseline_kind"  # "zero start" or "first observation"
LATEST_DATE = "latest_date"
LATEST_VALUE = "latest_value"
RULE = "rule"  # "growth" (compound rates) or "linear" (paces, for series that start at zero)
OBSERVED_PACE = "observed_pace"  # units per day
REQUIRED_PACE = "required_pace"  # units per day, from the baseline to the target
OBSERVED_GROWTH = "observed_growth"  # compound rate a year (rule "growth")
REQUIRED_GROWTH = "required_growth"
PROGRESS_RATIO = "progress_ratio"  # R = d * observed / |required|
PROJECTED_VALUE = "projected_value"  # at the target date
PROJECTED_LOW = "projected_low"  # 80% interval (a wide pace band with 1-3 observations)
PROJECTED_HIGH = "projected_high"
PROJECTED_DATE = "projected_date"  # when the trend reaches the target
PROJECTED_DATE_EARLY = "projected_date_early"
PROJECTED_DATE_LATE = "projected_date_late"
FORECAST_STATUS = "forecast_status"
RISK = "risk"  # sort key: 0 = most at risk
EXPLANATION_EN = "explanation_en"
EXPLANATION_VI = "explanation_vi"
# a deadline that has passed: the last value observed on or before it, and the first one after it
AT_DEADLINE_DATE = "at_deadline_date"
AT_DEADLINE_VALUE = "at_deadline_value"
AFTER_DEADLINE_DATE = "after_deadline_date"
AFTER_DEADLINE_VALUE = "after_deadline_value"

# --- periods --------------------------------------------------------------------------
_PERIOD_PATTERNS = (
    ("day", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("half", re.compile(r"^(\d{4})-H([12])$")),
    ("year", re.compile(r"^(\d{4})$")),
)


def _month_end(year: int, month: int) -> _dt.date:
    if month == 12:
        return _dt.date(year, 12, 31)
    return _dt.date(year, month + 1, 1) - _dt.timedelta(days=1)


def parse_period(label: str) -> tuple[str, _dt.date, _dt.date]:
    """Parse a period label into its granularity, first day and last day.

    Parameters
    ----------
    label : str
        One of ``YYYY``, ``YYYY-Hn``, ``YYYY-Qn``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns
    -------
    tuple of (str, datetime.date, datetime.date)
        Granularity (one of :data:`GRANULARITIES`), start date and end date.

    Raises
    ------
    ValueError
        If the label matches none of the forms, or names an impossible date.

    Examples
    --------
    >>> parse_period("2025-Q3")
    ('quarter', datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    """
    text = str(label).strip()
    for granularity, pattern in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if granularity == "day":
            day = _dt.date(year, int(match.group(2)), int(match.group(3)))
            return granularity, day, day
        if granularity == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            return granularity, _dt.date(year, month, 1), _month_end(year, month)
        if granularity == "quarter":
            q = int(match.group(2))
            return granularity, _dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
        if granularity == "half":
            h = int(match.group(2))
            return granularity, _dt.date(year, 6 * h - 5, 1), _month_end(year, 6 * h)
        return granularity, _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    raise ValueError(f"Cannot read the period {label!r}: expected YYYY, YYYY-H1, YYYY-Q1, YYYY-MM or YYYY-MM-DD.")


def layout_for_date(day: _dt.date | str) -> str:
    """Return the layout in force on a date.

    Parameters
    ----------
    day : datetime.date or str
        The date (ISO text accepted).

    Returns
    -------
    str
        :data:`LAYOUT_2008` before 2025-07-01, :data:`LAYOUT_2025` from then on.

    Examples
    --------
    >>> layout_for_date("2025-06-30"), layout_for_date("2025-07-01")
    ('2008', '2025')
    """
    if isinstance(day, str):
        day = _dt.date.fromisoformat(day)
    if isinstance(day, _dt.datetime):
        day = day.date()
    return LAYOUT_2025 if day >= MERGER_DATE else LAYOUT_2008


def check_choice(name: str, value: object, allowed: tuple | list | set) -> None:
    """Raise ``ValueError`` naming the parameter when ``value`` is not allowed.

    Examples
    --------
    >>> check_choice("layout", "2020", LAYOUTS)
    Traceback (most recent call last):
    ...
    ValueError: The 'layout' parameter must be one of {'2008', '2025'}. Got '2020' instead.
    """
    if value not in allowed:
        shown = "{" + ", ".join(repr(a) for a in allowed) + "}"
        raise ValueError(f"The {name!r} parameter must be one of {shown}. Got {value!r} instead.")


def empty_observations() -> pd.DataFrame:
    """An observation frame with every column and no rows."""
    frame = pd.DataFrame({col: pd.Series(dtype="object") for col in OBSERVATION_COLUMNS})
    frame[VALUE] = frame[VALUE].astype("float64")
    return frame


def month_span(first: str, last: str) -> tuple[str, str]:
    """The first day of month ``first`` and the last day of month ``last`` (``YYYY-MM``), as ISO dates.

    >>> month_span("2025-01", "2025-02"), month_span("2024-02", "2024-02")
    (('2025-01-01', '2025-02-28'), ('2024-02-01', '2024-02-29'))
    """
    import calendar

    year, month = (int(x) for x in last.split("-"))
    return f"{first}-01", f"{last}-{calendar.monthrange(year, month)[1]:02d}"


# --- task register columns (data/tasks.py; one row per task and reporting date) -------------------
PROGRAMME = "programme"  # the action programme's name ("Chương trình hành động số 32-CTr/TU")
PROGRAMME_NUMBER = "programme_number"  # "32-CTr/TU"
PROGRAMME_DATE = "programme_date"  # ISO date the programme was adopted, or ""
AS_OF = "as_of"  # reporting date of the snapshot (ISO)
TASK_ID = "task_id"  # the table's own code, else the normalised title
TASK_TITLE = "task_title"
PILLAR = "pillar"  # a pillar of the catalogue, or ""
LEAD_DEPARTMENT = "lead_department"
DEADLINE = "deadline"  # ISO date (the last day of a quarter or year given as the deadline), or ""
DEADLINE_TEXT = "deadline_text"  # the deadline as the file wrote it ("Quý II/2025")
TASK_STATUS = "task_status"  # the status counted: late whenever the deadline passed and it is not done
STATUS_IN_FILE = "status_in_file"  # the status the file's column gave, normalised
COMPLETED_ON = "completed_on"  # ISO date, or ""
TASK_STATUSES = ("done", "in progress", "not started", "late", "cancelled")
