"""Numbers as files write them: decimal comma or point, thousands separators.

:func:`detect_decimal` looks at the value cells for unambiguous evidence: ``10,3`` or
``1.861,5`` mean a decimal comma, ``10.3`` or ``1,861.5`` a decimal point. ``1,861`` and
``1.861`` prove nothing (a thousands separator or three decimals). Without evidence the decimal
mark is a comma when the separator is a semicolon (the usual pairing in Vietnamese and European
spreadsheets), else a point.

:func:`normalise` rewrites the numbers of one decimal mark in the plain form ``1861.5``; text
that is not a number in that mark is left as it is, so validation names it as written.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_SPACES = "[ \u00a0\u202f']"
#: Unambiguous decimal comma: thousands points then a comma; one or two decimals; four or more; or several points.
_COMMA_EVIDENCE = re.compile(
    rf"[+-]?(?:\d{{1,3}}(?:\.\d{{3}})+,\d+|\d+,\d{{1,2}}|\d+,\d{{4,}}|\d{{1,3}}(?:\.\d{{3}}){{2,}}|\d{{1,3}}(?:{_SPACES}\d{{3}})+,\d+)"
)
_POINT_EVIDENCE = re.compile(
    rf"[+-]?(?:\d{{1,3}}(?:,\d{{3}})+\.\d+|\d+\.\d{{1,2}}|\d+\.\d{{4,}}|\d{{1,3}}(?:,\d{{3}}){{2,}}|\d{{1,3}}(?:{_SPACES}\d{{3}})+\.\d+)"
)
#: A number written with a decimal comma (thousands: points or spaces).
_COMMA_NUMBER = re.compile(rf"[+-]?(?:\d{{1,3}}(?:(?:\.|{_SPACES})\d{{3}})+|\d+)(?:,\d+)?")
#: A number written with a decimal point (thousands: commas or spaces).
_POINT_NUMBER = re.compile(rf"[+-]?(?:\d{{1,3}}(?:(?:,|{_SPACES})\d{{3}})+|\d+)(?:\.\d+)?")


def detect_decimal(values: pd.Series, separator: str | None = None) -> tuple[str, str]:
    """Guess the decimal mark of a column of number cells.

    Returns
    -------
    tuple of (str, str)
        The mark ("." or ",") and how it was decided, for the import report.

    Examples
    --------
    >>> detect_decimal(pd.Series(["10,3", "1.861", "7"]))
    (',', '1 of 3 values show a decimal comma')
    >>> detect_decimal(pd.Series(["1,861", "7"]), ";")
    (',', 'no value tells; the usual mark with a semicolon separator')
    """
    distinct = pd.Series(pd.unique(values.astype(str).str.strip()), dtype="str")
    if distinct.empty:
        comma = point = 0
    else:
        comma_share = distinct.str.fullmatch(_COMMA_EVIDENCE.pattern)
        point_share = distinct.str.fullmatch(_POINT_EVIDENCE.pattern)
        counts = values.astype(str).str.strip().value_counts()
        comma = int(counts.reindex(distinct[comma_share.to_numpy()]).sum())
        point = int(counts.reindex(distinct[point_share.to_numpy()]).sum())
    total = len(values)
    if comma > point:
        return ",", f"{comma} of {total} values show a decimal comma"
    if point > comma:
        return ".", f"{point} of {total} values show a decimal point"
    if separator == ";":
        return ",", "no value tells; the usual mark with a semicolon separator"
    return ".", "no value tells; the usual mark"


def read_numbers(
    values: pd.Series, exact: np.ndarray | None, chosen: str | None, separator: str | None
) -> tuple[pd.Series, str]:
    """Normalise a column of value cells; returns it and the report's "decimal mark" line.

    ``exact`` marks cells that were numbers already (a workbook's number cells): they neither
    count as evidence nor are rewritten. ``chosen`` is the user's mark, if any.
    """
    exact = np.zeros(len(values), dtype=bool) if exact is None else np.asarray(exact, dtype=bool)
    text = values[~exact]
    mark, why = (chosen, "chosen") if chosen else detect_decimal(text, separator)
    if exact.all() and not chosen:
        why = "number cells"
    out = values.copy()
    if len(text):
        out[~exact] = normalise(text, mark).to_numpy()
    return out, f"{'comma' if mark == ',' else 'point'} ({why})"


def normalise(values: pd.Series, decimal: str) -> pd.Series:
    """Rewrite numbers written with ``decimal`` as plain ``1861.5``; leave any other text as it is.

    Examples
    --------
    >>> normalise(pd.Series(["1.861,5", "10,3", "abc", "1 861"]), ",").tolist()
    ['1861.5', '10.3', 'abc', '1861']
    >>> normalise(pd.Series(["1,861.5", "10.3"]), ".").tolist()
    ['1861.5', '10.3']
    """
    text = values.astype(str).str.strip()
    pattern, thousands = (
        (_COMMA_NUMBER, r"[.\u00a0\u202f' ]") if decimal == "," else (_POINT_NUMBER, r"[,\u00a0\u202f' ]")
    )
    codes, uniques = pd.factorize(text)
    uniques = pd.Series(uniques, dtype="str")
    is_number = uniques.str.fullmatch(pattern.pattern)
    cleaned = uniques.str.replace(thousands, "", regex=True)
    if decimal == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    fixed = cleaned.where(is_number, uniques)
    if len(codes) == 0:
        return text
    return pd.Series(fixed.to_numpy()[codes], index=values.index, dtype="str")
