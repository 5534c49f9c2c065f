"""Excel workbooks (XLSX), read safely.

* The archive is checked before anything is parsed: a damaged or truncated file, a ZIP that is
  no workbook, or one that would unpack to more than the limit (a "zip bomb") is refused.
* openpyxl parses the XML through defusedxml (installed, so ``openpyxl.xml.DEFUSEDXML`` is True):
  no entity expansion, no external entities.
* Formulas are never evaluated, and cached results are not trusted either: a cell holding a
  formula refuses the file, naming the cell (``load_workbook(data_only=False)``).
* Numbers keep their exact value; dates become ISO dates; text is normalised to NFC.
"""

from __future__ import annotations

import datetime as _dt
import io
import unicodedata
import zipfile

import numpy as np
import openpyxl
import pandas as pd
from defusedxml import DefusedXmlException

from data.importers.core import (
    ENV_MAX_UNPACKED_MB,
    FileRefused,
    Grid,
    Limits,
    Options,
    Reader,
    column_letter,
    refuse,
    register_reader,
)
from data.importers.text import too_many_rows
from data.observations import Problem

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
MAX_MEMBERS = 10_000
#: The reporting template's marker, in cell A1 of its "lists" sheet.
TEMPLATE_MARK = "vn57-template"
#: Formula cells named one by one before the rest are counted.
SHOWN_FORMULAS = 10
_MB = 1024 * 1024
DAMAGED = (
    "the Excel file is damaged or incomplete: it cannot be opened as an XLSX workbook. "
    "Open it in Excel, save it again and upload the new file."
)


def is_zip(raw: bytes) -> bool:
    return raw[:4] in ZIP_SIGNATURES


def _check_archive(file_name: str, raw: bytes, limits: Limits) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refuse(file_name, DAMAGED) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise refuse(file_name, "this is a ZIP archive, not an Excel workbook (XLSX).")
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > MAX_MEMBERS or unpacked > limits.max_unpacked_bytes:
        raise refuse(
            file_name,
            f"the workbook would unpack to {unpacked / _MB:,.0f} MB; at most {limits.max_unpacked_mb:g} MB "
            f"are accepted (setting {ENV_MAX_UNPACKED_MB}).",
        )


def cell_text(value: object) -> str:
    """A cell's value as text: exact numbers, ISO dates, NFC text.

    Examples
    --------
    >>> cell_text(2025.0), cell_text(10.3), cell_text(_dt.datetime(2025, 11, 3)), cell_text(None)
    ('2025', '10.3', '2025-11-03', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def read_xlsx(file_name: str, raw: bytes, options: Options, limits: Limits) -> Grid:
    """Read one worksheet (``options.sheet``, else "data", else the first) into a grid of text cells."""
    _check_archive(file_name, raw, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl and its XML parser raise many kinds; none may reach the user as a traceback
        raise _unreadable(file_name, exc) from None
    try:
        return _read_book(file_name, book, options, limits)
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet inside a readable archive
        raise _unreadable(file_name, exc) from None
    finally:
        book.close()


def _unreadable(file_name: str, exc: Exception) -> FileRefused:
    seen = exc
    while seen is not None and not isinstance(seen, DefusedXmlException):
        seen = seen.__cause__ or seen.__context__
    if seen is not None:
        return refuse(file_name, "the workbook's XML declares entities or a DTD, which are refused for safety.")
    return refuse(file_name, DAMAGED)


def _read_book(file_name: str, book, options: Options, limits: Limits) -> Grid:
    sheets = [ws.title for ws in book.worksheets]
    if not sheets:
        raise refuse(file_name, "the workbook has no worksheet.")
    if options.sheet and options.sheet not in sheets:
        raise refuse(file_name, f"the workbook has no sheet {options.sheet!r}; its sheets are {', '.join(map(repr, sheets))}.")
    name = options.sheet or _default_sheet(book, sheets)
    rows: list[list[str]] = []
    numbers: list[list[bool]] = []
    formulas: list[Problem] = []
    found = 0
    for cells in book[name].iter_rows():
        if len(rows) >= limits.max_rows + 1:
            raise refuse(file_name, too_many_rows(None, limits))
        line, kinds = [], []
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                found += 1
                if found <= SHOWN_FORMULAS:
                    col = column_letter(len(line))
                    where = f"{col}{len(rows) + 1}"
                    formulas.append(Problem(
                        file_name, len(rows) + 1, col,
                        f"cell {where} holds a formula ({str(cell.value)[:60]}); formulas are never evaluated: "
                        "replace it with its value.",
                    ))
            line.append(cell_text(cell.value))
            kinds.append(isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool))
        rows.append(line)
        numbers.append(kinds)
    if found:
        if found > SHOWN_FORMULAS:
            formulas.append(Problem(file_name, None, None, f"{found - SHOWN_FORMULAS} more cells hold formulas."))
        raise FileRefused(formulas)
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0 or not any(any(r) for r in rows):
        raise refuse(file_name, f"the sheet {name!r} is empty.")
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="str")
    used = [c for c in cells.columns if (cells[c] != "").any()]
    cells = cells.loc[:, : max(used)]
    numeric = np.array([k + [False] * (width - len(k)) for k in numbers], dtype=bool)[:, : cells.shape[1]]
    detected = {"format": "XLSX (Excel workbook)", "sheet": name + (f" (of {len(sheets)})" if len(sheets) > 1 else "")}
    meta = {"sheets": sheets, "sheet_name": name}
    if "lists" in sheets:
        first = next(book["lists"].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
        if str(first[0] or "").startswith(TEMPLATE_MARK):
            meta["template"] = str(first[0])
    return Grid(file_name, cells, np.arange(1, len(cells) + 1), detected, meta,
                letters=[column_letter(i) for i in range(cells.shape[1])], numeric=numeric)


#: The reporting template's sheet of tasks (data/importers/tasks.py).
TASKS_SHEET = "tasks"


def _default_sheet(book, sheets: list[str]) -> str:
    """"data", else the first sheet; the template's "tasks" sheet when its "data" sheet holds nothing below the header."""
    if "data" not in sheets:
        return sheets[0]
    if TASKS_SHEET in sheets:
        data_rows = book["data"].iter_rows(min_row=2, values_only=True)
        if not any(v not in (None, "") for row in data_rows for v in row):
            return TASKS_SHEET
    return "data"


register_reader(Reader("xlsx", matches=is_zip, read=read_xlsx, order=10))
