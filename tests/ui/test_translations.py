"""Interface text: both languages complete, every key the code asks for exists, numbers and dates per language."""

from __future__ import annotations

import ast
import csv
import tomllib
from pathlib import Path

import pytest

from analysis import headlines
from data import schema
from ui import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = sorted((ROOT / "i18n" / "translations").glob("*.toml"))
SOURCE_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])


def _tables() -> dict[str, dict[str, str]]:
    """Every translation file merged, failing on a key defined in two files."""
    merged: dict[str, dict[str, str]] = {}
    for path in TRANSLATIONS:
        with open(path, "rb") as handle:
            for lang, table in tomllib.load(handle).items():
                clash = set(merged.setdefault(lang, {})) & set(table)
                assert not clash, f"{path.name} redefines {sorted(clash)}"
                merged[lang].update(table)
    return merged


def _milestone_kinds() -> set[str]:
    with open(ROOT / "data" / "sample" / "milestones.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["kind"] for row in csv.DictReader(handle)}


#: Keys built with an f-string, ``t(f"prefix{value}")``: every value the prefix can take.
FSTRING_VALUES = {
    "level_": set(schema.GEO_LEVELS),
    "layout_": set(schema.LAYOUTS),
    "status_": set(schema.STATUSES),
    "milestone_kind_": _milestone_kinds(),
    "granularity_": set(schema.GRANULARITIES),
    "task_status_": {s.replace(" ", "_") for s in schema.TASK_STATUSES},
}


def _is_t_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "t") or (isinstance(func, ast.Attribute) and func.attr == "t")


def _literals(tree: ast.Module) -> dict[str, object]:
    """Module-level ``NAME = <literal>`` assignments."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return found


def _bind(target: ast.AST, value: object, name: str) -> list:
    """Values that ``name`` takes when ``value`` is unpacked into the for-loop ``target``."""
    if isinstance(target, ast.Name):
        return [value] if target.id == name else []
    if (
        isinstance(target, (ast.Tuple, ast.List))
        and isinstance(value, (tuple, list))
        and len(value) == len(target.elts)
    ):
        return [v for t, item in zip(target.elts, value) for v in _bind(t, item, name)]
    return []


def _keys_of_name(tree: ast.Module, name: str) -> list[str] | None:
    """Resolve ``t(name)`` where ``name`` is a for-loop variable over a module-level literal (or a zip of them)."""
    literals = _literals(tree)
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For):
            continue
        it, target = loop.iter, loop.target
        if isinstance(it, ast.Name) and it.id in literals:
            pairs = [(target, literals[it.id])]
        elif (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "zip"
            and isinstance(target, ast.Tuple)
        ):
            pairs = [
                (t, literals[a.id])
                for t, a in zip(target.elts, it.args)
                if isinstance(a, ast.Name) and a.id in literals
            ]
        else:
            continue
        keys = [v for tgt, items in pairs for item in items for v in _bind(tgt, item, name)]
        if keys:
            return keys
    return None


def _used_keys() -> tuple[dict[str, set[str]], list[str]]:
    """Every translation key the code asks for, by file; and the ``t()`` calls that could not be resolved."""
    used: dict[str, set[str]] = {}
    unresolved = []
    for path in SOURCE_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys = used.setdefault(path.relative_to(ROOT).as_posix(), set())
        for node in ast.walk(tree):
            if not _is_t_call(node):
                continue
            arg = node.args[0]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                keys.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant) and len(arg.values) == 2:
                prefix = arg.values[0].value
                if prefix not in FSTRING_VALUES:
                    unresolved.append(
                        f"{where}: f-string key with prefix {prefix!r} (add its values to FSTRING_VALUES)"
                    )
                else:
                    keys.update(prefix + v for v in FSTRING_VALUES[prefix])
            elif isinstance(arg, ast.Name) and (resolved := _keys_of_name(tree, arg.id)) is not None:
                keys.update(resolved)
            elif (
                isinstance(arg, ast.Subscript)
                and isinstance(arg.slice, ast.Constant)
                and arg.slice.value == headlines.LABEL_KEY
            ):  # t(figure["label_key"]): the headlines' labels
                keys.update(label for label, _, _ in headlines.HEADLINES)
            elif isinstance(arg, ast.Name) and arg.id == "key" and path.name == "i18n.py":
                continue  # the definition of t() passing its own parameter on
            else:
                unresolved.append(f"{where}: {ast.unparse(arg)}")
    return used, unresolved


def test_both_languages_have_the_same_non_empty_keys():
    tables = _tables()
    assert set(tables) == {"en", "vi"} == set(i18n.LANGUAGES)
    assert set(tables["en"]) == set(tables["vi"]), {
        "only in en": sorted(set(tables["en"]) - set(tables["vi"])),
        "only in vi": sorted(set(tables["vi"]) - set(tables["en"])),
    }
    empty = [(lang, key) for lang, table in tables.items() for key, text in table.items() if not str(text).strip()]
    assert not empty


def test_placeholders_match_between_languages():
    import string

    tables = _tables()
    fields = {
        lang: {key: {f for _, f, _, _ in string.Formatter().parse(text) if f} for key, text in table.items()}
        for lang, table in tables.items()
    }
    differing = {k: (fields["en"][k], fields["vi"][k]) for k in fields["en"] if fields["en"][k] != fields["vi"].get(k)}
    assert not differing


def test_every_key_used_in_the_code_exists():
    used, unresolved = _used_keys()
    assert not unresolved, "t() calls whose key the test cannot work out"
    assert used["pages/home.py"] >= {"home_title", "home_national"}  # the scan works
    assert used["ui/home_view.py"] >= {"metric_rd", "metric_g5", "metric_population"}  # the headline cards
    tables = _tables()
    missing = {f: sorted(keys - set(tables["en"])) for f, keys in used.items() if keys - set(tables["en"])}
    assert not missing


@pytest.mark.parametrize(
    ("value", "decimals", "vi", "en"),
    [
        (10.3, 1, "10,3", "10.3"),
        (10.3, None, "10,3", "10.3"),
        (1861, 0, "1.861", "1,861"),
        (1861, None, "1.861", "1,861"),
        (39.52, None, "39,52", "39.52"),
        (8.2, None, "8,2", "8.2"),
        (101_300_000, None, "101.300.000", "101,300,000"),
        (370, 0, "370", "370"),
    ],
)
def test_format_number(value, decimals, vi, en):
    assert i18n.format_number(value, decimals, "vi") == vi
    assert i18n.format_number(value, decimals, "en") == en


def test_format_date():
    assert i18n.format_date("2025-11-03", "vi") == "03/11/2025"
    assert i18n.format_date("2025-11-03", "en") == "2025-11-03"
    assert i18n.format_date("", "vi") == ""


@pytest.mark.parametrize(("lang", "word"), [("en", "synthetic"), ("vi", "minh họa")])
def test_synthetic_status_is_marked_in_both_languages(lang, word):
    """Synthetic values carry a label of their own that the banner refers to.

    (The label was "🧪 synthetic"; it is now plain text, "synthetic (demo)", so it needs no emoji font.)
    """
    tables = _tables()
    label = tables[lang]["status_synthetic"]
    assert word in label.lower()
    others = {tables[lang][f"status_{s}"] for s in schema.STATUSES if s != schema.STATUS_SYNTHETIC}
    assert label not in others and not any(label in o or o in label for o in others)
    assert i18n.t("status_synthetic", lang) == label
    marker = "🧪" if "🧪" in label else label
    assert marker in tables[lang]["synthetic_banner"], "the banner should name the label it refers to"
