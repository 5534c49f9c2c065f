"""Every page runs in both languages, and a Vietnamese page shows no English interface text.

"English interface text" is any text of the English translation tables (or an English indicator
name) that differs from its Vietnamese counterpart. Pages are read from app.py's st.Page calls,
so a new page is covered as soon as it is added to the navigation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import catalogue
from ui import i18n

ROOT = Path(__file__).resolve().parents[2]


def _pages() -> list[str]:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"
        and node.args and isinstance(node.args[0], ast.Constant)
    ]


def _english_only() -> set[str]:
    """Interface strings that exist only in English (long enough to be unambiguous)."""
    tables = i18n.translations()
    english = {v for k, v in tables["en"].items() if v != tables["vi"].get(k)}
    cat = catalogue.indicators()
    english |= set(cat.loc[cat["name_en"] != cat["name_vi"], "name_en"])
    return {text for text in english if len(text) >= 8 and "{" not in text}


def _texts(at: AppTest) -> list[str]:
    """Visible text of the elements AppTest exposes: headings, captions, labels, messages."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        texts += [str(el.value) for el in getattr(at, kind)]
    texts += [m.label for m in at.metric]
    for kind in ("selectbox", "multiselect", "radio", "toggle", "select_slider", "button", "text_input", "checkbox"):
        texts += [w.label for w in getattr(at, kind)]
    texts += [at.title[0].value] if at.title else []
    return texts


@pytest.mark.parametrize("page", _pages())
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_runs_in_both_languages(page, lang):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="lang").value == lang


@pytest.mark.parametrize("page", _pages())
def test_vietnamese_page_shows_no_english_interface_text(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "vi"
    at.switch_page(page).run()
    assert not at.exception
    english = _english_only()
    leaks = sorted({text for text in _texts(at) for phrase in english if phrase == text or phrase in text})
    assert leaks == [], f"{page} shows English text in Vietnamese: {leaks[:5]}"
