"""The localisation layer: message catalogues and number, date and period formats for ``vi`` and ``en``.

It lies under every other package: ``data/``, ``geo/``, ``analysis/``, ``ui/`` and ``cli.py`` may
import it, and it imports none of them (nor Streamlit). Every function takes the language
explicitly; :mod:`ui.i18n` wraps them with the session's language as the default.

* Messages: one TOML file per page or feature in ``i18n/translations/``, each with an ``[en]`` and
  a ``[vi]`` table; a key lives in one file (:func:`translations`, :func:`t`).
* Numbers, percentages, compact millions, dates and periods: Babel's CLDR data for ``vi`` and
  ``en`` (``10,3`` and ``1.861`` in Vietnamese, ``10.3`` and ``1,861`` in English).
* Data written in both languages (names, units, producers, explanations): :func:`localized` picks
  the column of the language (``name_vi`` / ``name_en``, ``unit_vi`` / ``unit``), the one place
  where a language chooses a column; no other package compares ``lang`` with a language code.
* Charts: :func:`vega_locale` gives Vega-Lite the language's decimal and thousands marks.

Example
-------
>>> format_number(1861.5, None, "vi"), format_number(1861.5, None, "en")
('1.861,5', '1,861.5')
>>> format_period("2026-Q3", "vi"), format_period("2026-Q3", "en")
('Quý 3/2026', 'Q3 2026')
"""

from __future__ import annotations

import datetime as _dt
import functools
import tomllib
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import get_decimal_symbol, get_group_symbol

LANGUAGES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
#: One TOML file per page or feature, each with an [en] and a [vi] table; a key lives in one file.
TRANSLATIONS_DIR = Path(__file__).with_name("translations")


def check_language(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise a clear ``ValueError``.

    >>> check_language("vi")
    'vi'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"The 'lang' parameter must be one of {set(LANGUAGES)}. Got {lang!r} instead.")
    return lang


@functools.lru_cache(maxsize=1)
def translations() -> dict[str, dict[str, str]]:
    """Both language tables, merged from every file of ``i18n/translations/``.

    Raises
    ------
    ValueError
        If two files define the same key.
    """
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    owner: dict[str, str] = {}
    for path in sorted(TRANSLATIONS_DIR.glob("*.toml")):
        with open(path, "rb") as handle:
            tables = tomllib.load(handle)
        for lang in LANGUAGES:
            for key, text in tables.get(lang, {}).items():
                if key in merged[lang] and owner.get(f"{lang}:{key}") != path.name:
                    first = owner[f"{lang}:{key}"]
                    raise ValueError(f"Translation key {key!r} ({lang}) is in both {first} and {path.name}.")
                merged[lang][key] = text
                owner[f"{lang}:{key}"] = path.name
    return merged


def t(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` fields filled in.

    >>> t("million", "vi")
    'triệu'
    """
    table = translations()[check_language(lang)]
    return table[key].format(**values) if values else table[key]


def _pattern(decimals: int | None, sign: bool = False) -> str:
    frac = "#" * 4 if decimals is None else "0" * decimals
    body = "#,##0" + (f".{frac}" if frac else "")
    return f"+{body};-{body}" if sign else body


def format_number(value: float, decimals: int | None = None, lang: str = "en", *, sign: bool = False) -> str:
    """Format a number for the language: ``10,3`` and ``1.861`` in Vietnamese, ``10.3`` and ``1,861`` in English.

    With ``decimals=None`` the number is shown as recorded (up to 4 decimals, no trailing zeros),
    so a reported 39.52 is never rounded to 39.5. ``sign=True`` writes ``+`` before positive numbers
    (differences).

    >>> format_number(-0.388, None, "vi"), format_number(5.08, 2, "en", sign=True)
    ('-0,388', '+5.08')
    """
    return _babel_decimal(value, format=_pattern(decimals, sign), locale=check_language(lang))


def format_percent(value: float, decimals: int | None = 1, lang: str = "en", *, sign: bool = False) -> str:
    """Format a value already in percent (``53.2`` for 53.2%): ``53,2%`` / ``53.2%``.

    >>> format_percent(53.21, 1, "vi"), format_percent(100, 1, "en")
    ('53,2%', '100%')
    """
    pattern = "#,##0" + ("." + "#" * (4 if decimals is None else decimals) if decimals != 0 else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return _babel_decimal(value, format=pattern, locale=check_language(lang)) + "%"


def format_compact(value: float, lang: str = "en") -> str:
    """Millions as ``101.3 million`` / ``101,3 triệu``; smaller numbers as :func:`format_number`.

    >>> format_compact(101_300_000, "vi"), format_compact(1861, "en")
    ('101,3 triệu', '1,861')
    """
    if abs(value) >= 1_000_000:
        return f"{format_number(value / 1_000_000, None, lang)} {t('million', lang)}"
    return format_number(value, None, lang)


def format_date(iso: str | _dt.date | None, lang: str = "en") -> str:
    """Format an ISO date: ``03/11/2025`` in Vietnamese, ``2025-11-03`` in English.

    Text that is not an ISO date is returned as it is.

    >>> format_date("2025-11-03", "vi"), format_date("2025-11-03", "en"), format_date("", "vi")
    ('03/11/2025', '2025-11-03', '')
    """
    if not iso:
        return ""
    try:
        day = iso if isinstance(iso, _dt.date) else _dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    pattern = "dd/MM/yyyy" if check_language(lang) == "vi" else "yyyy-MM-dd"
    return _babel_date(day, format=pattern, locale=lang)


def format_period(period: str | None, lang: str = "en") -> str:
    """A canonical period label in words: ``Quý 3/2026`` / ``Q3 2026``, ``Tháng 11/2025`` / ``Nov 2025``.

    Labels: ``2025``, ``2025-H1``, ``2025-Q3``, ``2025-11``, ``2025-11-03``; anything else is
    returned as it is.

    >>> [format_period(p, "vi") for p in ("2025", "2025-H1", "2025-11", "2025-11-03")]
    ['2025', '6 tháng đầu năm 2025', 'Tháng 11/2025', '03/11/2025']
    >>> [format_period(p, "en") for p in ("2025-H2", "2025-Q1", "2025-11")]
    ['H2 2025', 'Q1 2025', 'Nov 2025']
    """
    if not period:
        return ""
    text = str(period)
    check_language(lang)
    year, _, rest = text.partition("-")
    if not year.isdigit() or len(year) != 4:
        return text
    if not rest:
        return year
    if rest in ("H1", "H2"):
        return t(f"period_half_{rest.lower()}", lang, year=year)
    if len(rest) == 2 and rest[0] == "Q" and rest[1] in "1234":
        return t("period_quarter", lang, year=year, quarter=rest[1])
    if len(rest) == 2 and rest.isdigit() and 1 <= int(rest) <= 12:
        if lang == "vi":
            return t("period_month", lang, year=year, month=int(rest))
        return _babel_date(_dt.date(int(year), int(rest), 1), format="MMM yyyy", locale="en")
    return format_date(text, lang) if len(text) == 10 else text


def localized_column(columns, field: str, lang: str) -> str:
    """The name of the column holding ``field`` in ``lang``, among ``columns``.

    Data written in both languages keeps the Vietnamese text in ``<field>_vi`` and the English text
    in ``<field>_en`` or in ``<field>`` itself (``name_vi`` / ``name_en``, ``unit_vi`` / ``unit``).
    The language's own column comes first, then ``<field>``, then the other language's column (a
    text written in one language only is shown as written).

    Raises
    ------
    KeyError
        If none of those columns exists.

    >>> localized_column(["unit", "unit_vi"], "unit", "vi"), localized_column(["unit", "unit_vi"], "unit", "en")
    ('unit_vi', 'unit')
    >>> localized_column(["name_vi", "name_en"], "name", "en")
    'name_en'
    """
    check_language(lang)
    present = set(columns)
    others = [f"{field}_{other}" for other in LANGUAGES if other != lang]
    for name in (f"{field}_{lang}", field, *others):
        if name in present:
            return name
    raise KeyError(f"No column for {field!r} in {lang!r}: none of {[f'{field}_{lang}', field, *others]} exists.")


def localized(data, field: str, lang: str):
    """``field`` in ``lang`` from a frame (its column), a row or a mapping (its value); see :func:`localized_column`.

    >>> localized({"name_vi": "Hà Nội", "name_en": "Hanoi"}, "name", "vi")
    'Hà Nội'
    >>> localized({"short_unit": "per 10,000", "short_unit_vi": "trên 10.000 dân"}, "short_unit", "en")
    'per 10,000'
    """
    return data[localized_column(data.keys(), field, lang)]


def localized_text(data, field: str, lang: str):
    """:func:`localized`, but where that text is empty the text of ``field`` (or the other language) stands in.

    For texts written in one language for some rows only, such as notes: this project's notes have
    ``note_vi`` beside ``note``, an imported note may have only one of them. A frame gives a column (row by
    row), a row or a mapping gives a value.

    >>> localized_text({"note": "Synthetic value", "note_vi": "Giá trị minh họa"}, "note", "vi")
    'Giá trị minh họa'
    >>> localized_text({"note": "ghi chú của tỉnh", "note_vi": ""}, "note", "vi")
    'ghi chú của tỉnh'
    >>> import pandas as pd
    >>> localized_text(pd.DataFrame({"note": ["a", "b"], "note_vi": ["ă", None]}), "note", "vi").tolist()
    ['ă', 'b']
    """
    present = list(data.keys())
    own = localized_column(present, field, lang)
    order = [own, *(c for c in (field, *(f"{field}_{o}" for o in LANGUAGES)) if c in present and c != own)]
    if hasattr(data, "columns"):  # a frame: row by row (a column with nothing in it may read as float64)
        texts = [data[c].astype(object).where(data[c].notna(), "").astype(str) for c in order]
        text = texts[0]
        for other in texts[1:]:
            text = text.where(text != "", other)
        return text
    for column in order:
        value = data[column]
        if isinstance(value, str) and value:
            return value
    return data[own] if isinstance(data[own], str) else ""


@functools.lru_cache(maxsize=4)
def vega_locale(lang: str) -> dict:
    """The language's number marks for Vega-Lite's ``config.locale`` (d3-format), from Babel.

    Axis labels and tooltips formatted with a d3 format (``,.4~f``) then read ``1.861,5`` in
    Vietnamese and ``1,861.5`` in English.

    >>> vega_locale("vi")["number"]["decimal"], vega_locale("en")["number"]["thousands"]
    (',', ',')
    """
    check_language(lang)
    return {
        "number": {
            "decimal": get_decimal_symbol(lang),
            "thousands": get_group_symbol(lang),
            "grouping": [3],
            "currency": ["", ""],
        }
    }


def format_numbers(values, decimals: int | None = None, lang: str = "en", *, sign: bool = False) -> list[str]:
    """:func:`format_number` of many values at once (a table's column); missing values give ``""``.

    Python's own formatting with the language's marks from Babel: about 30 times faster than
    calling Babel per value, for the same text.

    >>> format_numbers([1861.5, float("nan"), -0.388], None, "vi")
    ['1.861,5', '', '-0,388']
    >>> format_numbers([5.08, -2, 0], 2, "en", sign=True)
    ['+5.08', '-2.00', '+0.00']
    """
    check_language(lang)
    marks = str.maketrans({",": get_group_symbol(lang), ".": get_decimal_symbol(lang)})
    spec = ("+" if sign else "") + ",." + str(4 if decimals is None else decimals) + "f"
    if decimals is None:  # as recorded: no trailing zeros
        return ["" if v is None or v != v else format(v, spec).rstrip("0").rstrip(".").translate(marks) for v in values]
    return ["" if v is None or v != v else format(v, spec).translate(marks) for v in values]
