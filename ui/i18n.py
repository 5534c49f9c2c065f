"""The session's language, and the :mod:`i18n` functions with it as their default.

Messages and formats live in the :mod:`i18n` package (under every layer); this module only adds
what needs Streamlit: the language chosen in the sidebar or preferred by the browser.
"""

from __future__ import annotations

import contextlib
import contextvars

import streamlit as st

import i18n as _i18n
from i18n import LANGUAGE_NAMES, LANGUAGES, TRANSLATIONS_DIR, localized, localized_column, localized_text, translations  # noqa: F401 (re-exported)

LANG_KEY = "lang"


def browser_language() -> str:
    """``vi`` when the browser prefers Vietnamese, else ``en``."""
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser context (bare mode, AppTest)
        locale = ""
    return "vi" if locale.lower().startswith("vi") else "en"


_SET_LANGUAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("vn57_language", default=None)


@contextlib.contextmanager
def language(lang: str):
    """Every message and number in ``lang`` for a while, whatever the session says (the meeting deck is
    built in its own language, also by the command line, which has no session)."""
    token = _SET_LANGUAGE.set(lang)
    try:
        yield
    finally:
        _SET_LANGUAGE.reset(token)


def current_language() -> str:
    """The language chosen in the sidebar (stored in session state by :func:`ui.state`), or set by :func:`language`."""
    if _SET_LANGUAGE.get() in LANGUAGES:
        return _SET_LANGUAGE.get()
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else browser_language()


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled in."""
    return _i18n.t(key, lang or current_language(), **values)


def format_number(value: float, decimals: int | None = None, lang: str | None = None, *, sign: bool = False) -> str:
    """:func:`i18n.format_number` in the session's language."""
    return _i18n.format_number(value, decimals, lang or current_language(), sign=sign)


def format_numbers(values, decimals: int | None = None, lang: str | None = None, *, sign: bool = False) -> list[str]:
    """:func:`i18n.format_numbers` (a table's column) in the session's language."""
    return _i18n.format_numbers(values, decimals, lang or current_language(), sign=sign)


def format_percent(value: float, decimals: int | None = 1, lang: str | None = None, *, sign: bool = False) -> str:
    """:func:`i18n.format_percent` in the session's language."""
    return _i18n.format_percent(value, decimals, lang or current_language(), sign=sign)


def format_compact(value: float, lang: str | None = None) -> str:
    """:func:`i18n.format_compact` in the session's language."""
    return _i18n.format_compact(value, lang or current_language())


def format_date(iso, lang: str | None = None) -> str:
    """:func:`i18n.format_date` in the session's language."""
    return _i18n.format_date(iso, lang or current_language())


def format_period(period, lang: str | None = None) -> str:
    """:func:`i18n.format_period` in the session's language."""
    return _i18n.format_period(period, lang or current_language())
