"""One localisation layer: outside ``i18n/``, no code chooses by comparing a language code.

Language-dependent choices (a column in the language, a message, a number or date format) go
through :mod:`i18n` (``localized``, ``t``, ``format_*``). This scan finds ``lang == "vi"``,
``sel.lang != "en"``, ``"vi" == lang`` and ``lang in ("vi",)`` in every module above ``i18n/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import i18n

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("data", "analysis", "geo", "ui", "pages")


def _modules() -> list[Path]:
    found = [p for pkg in SCANNED for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts]
    return sorted(found + [p for p in (ROOT / "app.py", ROOT / "cli.py") if p.exists()])


def _is_language(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in i18n.LANGUAGES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_language(e) for e in node.elts)
    return False


def _names_a_language(node: ast.AST) -> bool:
    """``lang``, ``sel.lang``, ``view.lang``, ``language``..."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in ("lang", "language", "locale")


def language_comparisons(source: str) -> list[int]:
    """Lines comparing a language variable with a language code."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_names_a_language(s) for s in sides) and any(_is_language(s) for s in sides):
                lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_language_comparisons():
    code = 'a = "x" if lang == "vi" else "y"\nb = sel.lang != "en"\nc = "vi" == view.lang\nd = lang in ("vi",)\ne = x == "vi"\n'
    assert language_comparisons(code) == [1, 2, 3, 4]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_language_comparison_outside_i18n(path):
    found = language_comparisons(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)} compares a language code on lines {found}: use i18n.localized or i18n.t"
