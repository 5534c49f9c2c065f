"""Layering rules: data, analysis and geo know nothing of Streamlit; pages are registered and short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE_PACKAGES = ("data", "analysis", "geo", "i18n")
#: Modules a pure package must not import: Streamlit, and the ui package that wraps it.
FORBIDDEN = ("streamlit", "ui")
MAX_PAGE_LINES = 100


def _imported_modules(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (  # importlib.import_module("streamlit") / __import__("streamlit")
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                 or (isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module")))
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _pure_modules() -> list[Path]:
    return sorted(p for pkg in PURE_PACKAGES for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts)


def test_pure_packages_exist_and_are_scanned():
    assert {p.relative_to(ROOT).parts[0] for p in _pure_modules()} == set(PURE_PACKAGES)


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pure_module_does_not_import_streamlit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [
        f"line {line}: {name}"
        for line, name in _imported_modules(tree)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_import_scan_sees_imports():
    tree = ast.parse("import os\nfrom streamlit import x\nimport importlib\nimportlib.import_module('ui.i18n')\n")
    assert [n for _, n in _imported_modules(tree)] == ["os", "streamlit", "importlib", "ui.i18n"]


def _registered_pages() -> list[Path]:
    """The files given to ``st.Page(...)`` in app.py (first positional argument or ``page=``)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page":
            arg = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "page")
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), ast.unparse(node)
            pages.append((ROOT / arg.value).resolve())
    return pages


def test_every_page_file_is_registered_in_app():
    registered = _registered_pages()
    assert registered, "app.py registers no st.Page"
    missing = [p for p in registered if not p.is_file()]
    assert not missing, f"st.Page files that do not exist: {missing}"
    folders = {p.parent for p in registered} | ({(ROOT / "pages").resolve()} if (ROOT / "pages").is_dir() else set())
    on_disk = {p.resolve() for folder in folders for p in folder.glob("*.py") if p.name != "__init__.py"}
    unregistered = sorted(str(p.relative_to(ROOT)) for p in on_disk - set(registered))
    assert not unregistered, f"page files not listed in app.py's st.Page calls: {unregistered}"


def test_page_files_stay_short():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _registered_pages()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_PAGE_LINES
    }
    assert not long, f"page files over {MAX_PAGE_LINES} lines (move logic to ui/ or analysis/): {long}"
