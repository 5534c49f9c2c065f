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
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module"))
            )
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
    bad = [f"line {line}: {name}" for line, name in _imported_modules(tree) if name.split(".")[0] in FORBIDDEN]
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


#: Calls that write a number or a date for people: they belong in ui/ view modules or analysis/, not in pages.
FORMATTERS = {"format_number", "format_numbers", "format_compact", "format_date", "format_period", "strftime",
              "isoformat", "format_percent"}  # fmt: skip


def _formatting_in(tree: ast.Module) -> list[tuple[int, str]]:
    """Formatter calls, and f-strings or format specs that write a number (``{n:,}``, ``{x:.1f}``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in FORMATTERS:
                found.append((node.lineno, name))
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            found.append((node.lineno, "format spec"))
    return found


@pytest.mark.parametrize("page", [p.name for p in _registered_pages()])
def test_pages_hold_no_formatting_decisions(page):
    """Pages read widgets -> loader -> draw: numbers, dates and periods are written by ui/ or analysis/."""
    path = ROOT / "pages" / page
    allowed = {"isoformat"}  # today's date in a download's file name: a machine stamp, not text for people
    found = [(line, name) for line, name in _formatting_in(ast.parse(path.read_text(encoding="utf-8")))
             if name not in allowed]  # fmt: skip
    assert found == [], f"{page} formats numbers or dates itself (move it to a ui/ view module): {found}"


def test_the_formatting_scan_sees_formatting():
    tree = ast.parse('x = format_number(n, 0, lang)\ny = f"{n:,}"\nz = d.strftime("%d")\nw = f"{n}"')
    assert sorted(name for _, name in _formatting_in(tree)) == ["format spec", "format_number", "strftime"]


# --- layers and cycles -------------------------------------------------------------------------
#: Each top-level package's floor: a module may import its own floor and the floors below it, never
#: one above (files or store -> data -> analysis, geo -> ui -> pages; i18n under them all; app.py,
#: serve.py, cli.py, scripts/ and benchmarks/ on top).
LAYERS = {"i18n": 0, "data": 1, "analysis": 2, "geo": 2, "ui": 3, "pages": 4,
          "app": 5, "serve": 5, "cli": 5, "scripts": 5, "benchmarks": 5}  # fmt: skip


def _project_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every Python file of the layered packages."""
    found = {}
    for top in LAYERS:
        single = ROOT / f"{top}.py"
        if single.is_file():
            found[top] = single
        folder = ROOT / top
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                if "__pycache__" in path.parts:
                    continue
                parts = list(path.relative_to(ROOT).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                found[".".join(parts)] = path
    return found


def _import_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports (anywhere in the file, function bodies included)."""
    modules = _project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno}: use an absolute import")
            for imported in names:
                # the longest project module the name refers to (``from data import store`` -> data.store)
                while imported and imported not in modules:
                    imported = imported.rpartition(".")[0]
                if imported and imported != name:
                    targets.add(imported)
        graph[name] = targets
    # a package's __init__ importing its own submodules is how packages work, not a cycle
    return {
        m: {t for t in ts if not (t.startswith(m + ".") and (ROOT / m.replace(".", "/")).is_dir())}
        for m, ts in graph.items()
    }


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(
        f"{m} -> {t}"
        for m, targets in _import_graph().items()
        for t in targets
        if LAYERS[t.split(".")[0]] > LAYERS[m.split(".")[0]]
    )
    assert not upward, f"imports that run back up the layers: {upward}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_between_modules():
    assert not _cycles(_import_graph())


def test_the_layer_and_cycle_checks_see_what_they_should():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = _import_graph()
    assert "data.store" in graph["ui.loaders"] or any(t.startswith("data") for t in graph["ui.loaders"])
    assert set(LAYERS) >= {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
