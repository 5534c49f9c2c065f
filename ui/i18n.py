"""Translations and number/date formatting for the two interface languages."""

from __future__ import annotations

import datetime as _dt
import functools
import tomllib
from pathlib import Path

import streamlit as st

LANGUAGES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
#: One TOML file per page or feature, each with an [en] and a [vi] table; a key lives in one file.
TRANSLATIONS_DIR = Path(__file__).with_name("translations")
LANG_KEY = "lang"


@functools.lru_cache(maxsize=1)
def translations() -> dict[str, dict[str, str]]:
    """Both language tables, merged from every file of ``ui/translations/``.

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
                    raise ValueError(f"Translation key {key!r} ({lang}) is in both {owner[f'{lang}:{key}']} and {path.name}.")
                merged[lang][key] = text
                owner[f"{lang}:{key}"] = path.name
    return merged


def browser_language() -> str:
    """``vi`` when the browser prefers Vietnamese, else ``en``."""
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser context (bare mode, AppTest)
        locale = ""
    return "vi" if locale.lower().startswith("vi") else "en"


def current_language() -> str:
    """The language chosen in the sidebar (stored in session state by :func:`ui.state`)."""
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else browser_language()


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled in."""
    table = translations()[lang or current_language()]
    return table[key].format(**values) if values else table[key]


def format_number(value: float, decimals: int | None = None, lang: str | None = None) -> str:
    """Format a number for the language: ``10,3`` and ``1.861`` in Vietnamese, ``10.3`` and ``1,861`` in English.

    With ``decimals=None`` the number is shown as recorded (up to 4 decimals, no trailing zeros),
    so a reported 39.52 is never rounded to 39.5.
    """
    if decimals is None:
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if (lang or current_language()) == "vi":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def format_compact(value: float, lang: str | None = None) -> str:
    """Millions as ``101.3 million`` / ``101,3 triệu``; smaller numbers as :func:`format_number`."""
    if abs(value) >= 1_000_000:
        return f"{format_number(value / 1_000_000, None, lang)} {t('million', lang)}"
    return format_number(value, None, lang)


def format_date(iso: str, lang: str | None = None) -> str:
    """Format an ISO date: ``03/11/2025`` in Vietnamese, ``2025-11-03`` in English."""
    if not iso:
        return ""
    if (lang or current_language()) == "vi":
        try:
            return _dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
        except ValueError:
            return iso
    return iso
