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
    code = (
        'a = "x" if lang == "vi" else "y"\nb = sel.lang != "en"\nc = "vi" == view.lang\nd = lang in ("vi",)\n'
        'e = x == "vi"\n'
    )
    assert language_comparisons(code) == [1, 2, 3, 4]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_language_comparison_outside_i18n(path):
    found = language_comparisons(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT)
    assert not found, f"{where} compares a language code on lines {found}: use i18n.localized or i18n.t"


@pytest.mark.parametrize(
    ("lang", "columns", "expected"),
    [
        ("vi", ["name_vi", "name_en"], "name_vi"),
        ("en", ["name_vi", "name_en"], "name_en"),
        ("vi", ["unit", "unit_vi"], "unit_vi"),
        ("en", ["unit", "unit_vi"], "unit"),
        ("vi", ["producer"], "producer"),  # written in one language only: shown as written
        ("en", ["text_vi"], "text_vi"),
    ],
)
def test_localized_column_picks_the_language_then_the_plain_field(lang, columns, expected):
    field = expected.split("_")[0]
    assert i18n.localized_column(columns, field, lang) == expected


def test_localized_reads_frames_rows_and_mappings_and_names_what_is_missing():
    import pandas as pd

    frame = pd.DataFrame({"name_vi": ["Hà Nội"], "name_en": ["Hanoi"]}, index=["01"])
    assert i18n.localized(frame, "name", "en").to_dict() == {"01": "Hanoi"}
    assert i18n.localized(frame.iloc[0], "name", "vi") == "Hà Nội"
    with pytest.raises(KeyError, match="unit"):
        i18n.localized({"name_vi": "x"}, "unit", "vi")
    with pytest.raises(ValueError, match="'lang' parameter"):
        i18n.localized(frame, "name", "fr")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize(("decimals", "sign"), [(None, False), (0, False), (2, True), (1, False)])
def test_format_numbers_writes_what_format_number_writes(lang, decimals, sign):
    values = [0.0, 8.2, -0.388, 5.08, 1861.5, 101_300_000, -12345.678]
    assert i18n.format_numbers(values, decimals, lang, sign=sign) == [
        i18n.format_number(v, decimals, lang, sign=sign) for v in values
    ]
    assert i18n.format_numbers([float("nan"), None], decimals, lang) == ["", ""]


def test_vega_locale_marks_follow_the_language():
    assert i18n.vega_locale("vi")["number"]["decimal"] == "," and i18n.vega_locale("vi")["number"]["thousands"] == "."
    assert i18n.vega_locale("en")["number"]["decimal"] == "."
