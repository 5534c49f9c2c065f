"""Period labels as statistical tables write them, turned into the canonical labels of :mod:`data.schema`.

Accepted, in Vietnamese or English, with or without diacritics: ``2024``, ``Năm 2024``,
``Sơ bộ 2024`` / ``Prel. 2024`` (marked preliminary), ``Quý I/2025``, ``Q3 2025``,
``6 tháng đầu năm 2025`` / ``H1 2025``, ``6 tháng cuối năm 2025``, ``Tháng 11/2025``,
``11/2025``, ``03/11/2025`` and the canonical forms themselves. Cumulative spans such as
``9 tháng 2025`` have no canonical label and are refused.
"""

from __future__ import annotations

import functools
import re

from data import schema
from data.importers.core import fold

_PRELIMINARY = re.compile(
    r"\b(?:so bo|uoc tinh|uoc thuc hien|uoc|prel|preliminary|provisional|est|estimated?|estimates?)\b\.?"
)
_NOISE = re.compile(r"\((?:\w{1,3}|\*+)\)|\*+|\b(?:nam|year|ky|period|fy)\b|[,;:]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DAY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?!\d)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"\b(?:quy|q|quarter)\s*\.?\s*(iv|iii|ii|i|[1-4])\b|\b([1-4])(?:st|nd|rd|th)?\s+quarter\b")
_HALF_1 = re.compile(r"\b(?:6\s*thang(?:\s*dau)?|6t(?:\s*dau)?|h\s*1|s\s*1|nua dau|first half|half\s*1)\b")
_HALF_2 = re.compile(r"\b(?:6\s*thang\s*cuoi|6t\s*cuoi|h\s*2|s\s*2|nua cuoi|second half|half\s*2)\b")
_CUMULATIVE = re.compile(r"\b(\d{1,2})\s*(?:thang|months?)\b")
_MONTH = re.compile(r"\b(?:thang|t|month)\s*\.?\s*(\d{1,2})\b|^(\d{1,2})$")
_MONTH_NAMES = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTH_NAMES) + r")[a-z]*\.?\b")


@functools.lru_cache(maxsize=4096)
def period_label(text: object) -> tuple[str | None, bool]:
    """The canonical label of a period heading, and whether the heading marks it preliminary.

    Returns
    -------
    tuple of (str or None, bool)
        ``(None, False)`` when the text names no single period.

    Examples
    --------
    >>> period_label("Sơ bộ 2024"), period_label("Quý I/2025"), period_label("6 tháng đầu năm 2025")
    (('2024', True), ('2025-Q1', False), ('2025-H1', False))
    >>> period_label("Tháng 11/2025"), period_label("03/11/2025"), period_label("9 tháng 2025")
    (('2025-11', False), ('2025-11-03', False), (None, False))
    """
    raw = str(text or "").strip()
    if not raw:
        return None, False
    try:
        schema.parse_period(raw)
        return (raw, False) if _valid(raw) else (None, False)
    except ValueError:
        pass
    words = fold(raw)
    preliminary = bool(_PRELIMINARY.search(words))
    words = _NOISE.sub(" ", _PRELIMINARY.sub(" ", words))
    if day := _DAY.search(words):
        label = f"{day.group(3)}-{int(day.group(2)):02d}-{int(day.group(1)):02d}"
        rest = (words[: day.start()] + words[day.end() :]).strip()
        return (label, preliminary) if not rest and _valid(label) else (None, False)
    years = _YEAR.findall(words)
    if len(years) != 1:
        return None, False
    year = years[0]
    rest = re.sub(r"\s+", " ", _YEAR.sub(" ", words)).strip(" /-.")
    label = _sub_period(rest, year)
    return (label, preliminary) if label and _valid(label) else (None, False)


@functools.lru_cache(maxsize=4096)
def sub_period(text: object) -> bool:
    """Whether a heading names a part of a year without the year (``Quý I``, ``6 tháng``, ``Tháng 11``).

    Examples
    --------
    >>> sub_period("Quý II"), sub_period("2025"), sub_period("Tổng số")
    (True, False, False)
    """
    words = _NOISE.sub(" ", fold(text))
    if not words.strip() or _YEAR.search(words):
        return False
    rest = re.sub(r"\s+", " ", words).strip(" /-.")
    return bool(rest) and _sub_period(rest, "2000") not in (None, "2000")


def _sub_period(rest: str, year: str) -> str | None:
    if not rest:
        return year
    if quarter := _QUARTER.search(rest):
        number = quarter.group(1) or quarter.group(2)
        return f"{year}-Q{_ROMAN.get(number, number)}"
    if _HALF_2.search(rest):
        return f"{year}-H2"
    if _HALF_1.search(rest):
        return f"{year}-H1"
    if (span := _CUMULATIVE.search(rest)) and span.group(1) != "6":
        return None
    if month := _MONTH.search(rest):
        number = int(month.group(1) or month.group(2))
        return f"{year}-{number:02d}" if 1 <= number <= 12 else None
    if name := _MONTH_NAME.search(rest):
        return f"{year}-{_MONTH_NAMES[name.group(1)]:02d}"
    return None


#: Years a period heading may name: a number outside is a value, not a year.
FIRST_YEAR, LAST_YEAR = 1945, 2100


def _valid(label: str) -> bool:
    """A canonical label in a plausible range of years (see :data:`FIRST_YEAR`)."""
    try:
        schema.parse_period(label)
    except ValueError:
        return False
    return FIRST_YEAR <= int(label[:4]) <= LAST_YEAR
