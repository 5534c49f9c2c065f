"""Files to import, built in code, and a snapshot of the store to compare before and after.

Shared by tests/data/test_importers.py, tests/data/test_template.py, tests/data/test_store_kill.py and
tests/app/test_import_page.py (imported as ``tests.import_fixtures``).
"""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pandas as pd

TIDY_HEADER = ("geo_level", "layout", "geo_code", "indicator_id", "period", "value", "status", "source_id")
#: A valid tidy row: Hà Nội (2025 layout), R&D staff, 2026-Q1 (no bundled value has that period).
GOOD = {
    "geo_level": "province", "layout": "2025", "geo_code": "01", "indicator_id": "rd_staff",
    "period": "2026-Q1", "value": "30000", "status": "reported", "source_id": "derived_here",
}  # fmt: skip
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def row(**changes) -> dict:
    return {**GOOD, **changes}


def tidy_text(rows: list[dict], sep: str = ",", header=None) -> str:
    """A tidy table as text (no quoting: values must not hold the separator)."""
    header = list(header or rows[0].keys())
    lines = [sep.join(header)] + [sep.join(str(r.get(c, "")) for c in header) for r in rows]
    return "\n".join(lines) + "\n"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters (ê, ơ, ư...) plus combining tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets, each a list of rows; strings starting with "=" become formulas."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for values in rows:
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot(store) -> dict[str, pd.DataFrame]:
    """Everything the store holds, rows of undone batches included, in a fixed order."""
    tables = {}
    for table, order in (
        ("batches", "batch_id"),
        ("audit", "audit_id"),
        ("meta", "key"),
        ("observations", "batch_id, geo_level, layout, geo_code, indicator_id, period, status, target_date"),
    ):
        tables[table] = store._query(f"SELECT * FROM {table} ORDER BY {order}")
    return tables


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


_PRISTINE: list = []


def fresh_store(folder):
    """A store holding the bundled data only, in ``folder``: a copy of one built once per test session."""
    import shutil
    import tempfile
    from pathlib import Path

    from data import store

    if not _PRISTINE:
        first = Path(tempfile.mkdtemp(prefix="vn57-pristine-")) / "pristine.duckdb"
        store.open_store(first).close()
        _PRISTINE.append(first)
    target = Path(folder) / "s.duckdb"
    shutil.copyfile(_PRISTINE[0], target)
    return store.open_store(target)


def use_fresh_app_store(tmp_path, monkeypatch):
    """Point the app (ui.loaders.store) at a fresh copy of the bundled store, with cold caches."""
    import streamlit as st

    from ui import loaders, warmup

    # the app's background warm-up (once per process, started by the first page run) reads the store:
    # over before the store is replaced, so it never caches one store's data under another's version
    warmup.start().join()
    fresh_store(tmp_path).close()
    monkeypatch.setenv("VN57_STORE", str(tmp_path / "s.duckdb"))
    loaders.store.clear()
    st.cache_data.clear()
