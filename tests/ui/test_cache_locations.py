"""Cached loaders live where ui/loaders.py's docstring says: there, or in one page's view module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted([*(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])
#: cache_resource of objects that are not data, beside their one user (named in ui/loaders.py's docstring)
RESOURCE_EXCEPTIONS = {
    ("ui/charts.py", "chart_spec"),
    ("ui/auth.py", "throttle"),
    ("ui/warmup.py", "start"),
    ("ui/fitted_map.py", "_user_topology"),
    ("ui/fitted_map.py", "_bundled_labels"),
}


def _cached_functions(path: Path) -> list[tuple[str, str]]:
    """(function name, kind) of every function decorated with a Streamlit cache or per_data_version."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in ("cache_data", "cache_resource", "per_data_version"):
                    found.append((node.name, name))
    return found


def test_the_scan_sees_cached_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "@st.cache_data(show_spinner=False)\ndef a(): ...\n@loaders.per_data_version(max_entries=2)\n"
        "def b(): ...\n@st.cache_resource\ndef c(): ...\ndef d(): ...\n"
    )
    assert _cached_functions(module) == [("a", "cache_data"), ("b", "per_data_version"), ("c", "cache_resource")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_cached_loaders_live_in_loaders_or_a_page_view_module(path):
    where = path.relative_to(ROOT).as_posix()
    allowed = where == "ui/loaders.py" or (where.startswith("ui/") and where.endswith("_view.py"))
    misplaced = [
        (name, kind)
        for name, kind in _cached_functions(path)
        if not allowed and (where, name) not in RESOURCE_EXCEPTIONS
    ]
    assert not misplaced, f"{where} caches {misplaced}: move them to ui/loaders.py or the page's ui/<page>_view.py"
