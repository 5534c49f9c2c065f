"""Excel workbooks (XLSX), read safely and at a cost bounded by the filled cells.

* The archive is checked before anything is parsed: a damaged or truncated file, a ZIP that is
  no workbook, or one that would unpack to more than the limit (a "zip bomb") is refused.
* A streaming pre-scan (:func:`prescan`) reads the sheet's XML in chunks and notes where the
  filled cells are, without keeping their values. It finds the table: the block of columns and
  rows that holds most filled cells. Cells far outside it (a stray cell at XFD1, a note a
  thousand rows below) are left out and named in a warning; the table's rows and columns are
  checked against the limits before any value is read.
* Values are then read with python-calamine, which holds a sheet as a dense grid from its first
  to its last filled cell: when cells were left out, it reads a copy of the sheet without them,
  so the grid is the table and no bigger.
* XML declaring a DTD or entities is refused. Formulas are never evaluated, and cached results
  are not trusted either: a cell holding a formula refuses the file, naming the cell.
* Numbers keep their exact value; dates become ISO dates; text is normalised to NFC.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import posixpath
import re
import unicodedata
import zipfile
from xml.sax.saxutils import unescape

import numpy as np
import pandas as pd
from defusedxml import ElementTree as SafeTree

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
from data.messages import Message
from data.observations import Problem

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
MAX_MEMBERS = 10_000
#: Widest table read (columns); wider tables are refused, naming the limit.
MAX_COLUMNS = 1_000
#: Empty columns (rows) that split a sheet into separate blocks; the block with most cells is the table.
COLUMN_GAP = 3
ROW_GAP = 100
#: Cells left out of the table named one by one in the warning, before the rest are counted.
SHOWN_STRAYS = 5
#: The reporting template's marker, in cell A1 of its "lists" sheet.
TEMPLATE_MARK = "vn57-template"
#: Formula cells named one by one before the rest are counted.
SHOWN_FORMULAS = 10
CHUNK_BYTES = 1 << 20
_MB = 1024 * 1024
DAMAGED = Message.of("imp_damaged")
ENTITIES = Message.of("imp_entities")
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
#: The reference of a filled cell (one with a value, inline text or a formula), as Excel and most writers put it...
_FILLED_FAST = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:v|f|is)\b')
#: ...and with a namespace prefix or the reference after other attributes.
_FILLED = re.compile(rb"<" + _NS + rb"c\s[^>]*?\br=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*>\s*<" + _NS + rb"(?:v|f|is)\b")
#: A cell holding a formula: its reference.
_FORMULA_CELL = re.compile(rb"<" + _NS + rb"c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*>\s*<" + _NS + rb"f\b")
_ANY_FORMULA = re.compile(rb"<" + _NS + rb"f[\s>/]")
_ANY_CELL = re.compile(
    rb"<" + _NS + rb"c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?(?:/>|>.*?</" + _NS + rb"c>)", re.DOTALL
)
_DIMENSION = re.compile(rb"<" + _NS + rb"dimension\b[^>]*/>")
_FORMULA_TEXT = re.compile(rb"<" + _NS + rb"f\b[^>]*>(.*?)</" + _NS + rb"f>|<" + _NS + rb"f\b[^>]*/>", re.DOTALL)


def is_zip(raw: bytes) -> bool:
    return raw[:4] in ZIP_SIGNATURES


def _check_archive(file_name: str, raw: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refuse(file_name, DAMAGED) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise refuse(file_name, Message.of("imp_zip_not_xlsx"))
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > MAX_MEMBERS or unpacked > limits.max_unpacked_bytes:
        raise refuse(file_name, Message.of("imp_unpack_limit", size=f"{unpacked / _MB:,.0f}",
                                           limit=f"{limits.max_unpacked_mb:g}", setting=ENV_MAX_UNPACKED_MB))  # fmt: skip
    return archive


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
    if isinstance(value, _dt.timedelta):
        return str(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def column_text(values: tuple) -> tuple[np.ndarray, np.ndarray]:
    """One column of calamine values as text (see :func:`cell_text`), and which cells were numbers; vectorised.

    Examples
    --------
    >>> text, number = column_text(("a ", 2025.0, 10.3, True, "", _dt.date(2025, 11, 3)))
    >>> text.tolist(), number.tolist()
    (['a', '2025', '10.3', 'TRUE', '', '2025-11-03'], [False, True, True, False, False, False])
    """
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    kinds = pd.Series(cells, dtype=object).map(type).to_numpy()
    text = np.empty(len(cells), dtype=object)
    is_str = kinds == str  # noqa: E721 - element-wise over an array of types, not one comparison
    is_float = (kinds == float) | (kinds == int)  # noqa: E721
    if is_str.any():  # each distinct text once: a column repeats its places, indicators, periods...
        codes, distinct = pd.factorize(cells[is_str])
        cleaned = np.array([unicodedata.normalize("NFC", str(v)).strip() for v in distinct] + [""], dtype=object)
        text[is_str] = cleaned[codes]
    if is_float.any():
        numbers = cells[is_float].astype(np.float64)
        whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 1e15)
        shown = np.empty(len(numbers), dtype=object)
        shown[whole] = numbers[whole].astype(np.int64).astype(str)
        shown[~whole] = [repr(x) for x in numbers[~whole].tolist()]
        text[is_float] = shown
    other = ~is_str & ~is_float
    for i in np.flatnonzero(other):  # booleans, dates, times: few
        text[i] = cell_text(cells[i])
    return text, is_float


def _letters_to_index(letters: bytes) -> int:
    """``b"A"`` -> 0, ``b"XFD"`` -> 16383."""
    index = 0
    for byte in letters:
        index = index * 26 + (byte - 64)
    return index - 1


# --- the workbook's sheets -------------------------------------------------------------------------------
def _safe_xml(file_name: str, data: bytes):
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise refuse(file_name, ENTITIES)
    try:
        return SafeTree.fromstring(data)
    except Exception:  # defusedxml refusals and parse errors alike
        raise refuse(file_name, DAMAGED) from None


def sheet_paths(file_name: str, archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML in the archive, in workbook order."""
    book = _safe_xml(file_name, archive.read("xl/workbook.xml"))
    try:
        rels = _safe_xml(file_name, archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter() if r.tag.endswith("Relationship")}
    except KeyError:
        targets = {}
    names = set(archive.namelist())
    found: dict[str, str] = {}
    for number, sheet in enumerate((e for e in book.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"), start=1):
        rid = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid) or f"worksheets/sheet{number}.xml"
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if path in names:
            found[str(sheet.get("name"))] = path
    return found


# --- the pre-scan ------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Scan:
    """Where a sheet's filled cells are (0-based rows and columns), and its formulas."""

    rows: np.ndarray
    cols: np.ndarray
    formulas: list[tuple[int, int, str]]  # (row, col, formula text) of the first few
    formula_count: int

    @property
    def cells(self) -> int:
        return len(self.rows)


def prescan(file_name: str, archive: zipfile.ZipFile, path: str) -> Scan:
    """Stream a sheet's XML and note the position of every filled cell (values are not kept).

    Reads :data:`CHUNK_BYTES` at a time, cut after the last complete row; memory grows with the
    number of filled cells only (two integers each), never with the sheet's nominal size. The
    references are found by a regular expression and decoded with NumPy, a chunk at a time.
    """
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    formulas: list[tuple[int, int, str]] = []
    count = 0
    tail = b""
    first = True
    with archive.open(path) as member:
        while True:
            chunk = member.read(CHUNK_BYTES)
            data = tail + chunk
            if first:
                if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
                    raise refuse(file_name, ENTITIES)
                first = False
            if chunk:
                cut = data.rfind(b"row>") + 4  # after the last row tag: no cell is cut in two
                if cut < 4:  # no row tag yet: read on
                    tail = data
                    continue
                data, tail = data[:cut], data[cut:]
            else:
                tail = b""
            refs = _FILLED_FAST.findall(data)
            values = data.count(b"</v>") + data.count(b":v>") + data.count(b"</is>") + data.count(b":is>")
            if len(refs) < values:  # a namespace prefix, or the reference after other attributes
                refs = _FILLED.findall(data)
                if len(refs) < values:
                    raise _no_references(file_name)
            if refs:
                found_rows, found_cols = decode_references(refs)
                rows.append(found_rows)
                cols.append(found_cols)
            if _ANY_FORMULA.search(data):
                for match in _FORMULA_CELL.finditer(data):
                    count += 1
                    if len(formulas) < SHOWN_FORMULAS:
                        text = _FORMULA_TEXT.search(data, match.start())
                        formula = unescape(text.group(1).decode("utf-8", "replace")) if text and text.group(1) else ""
                        formulas.append((int(match.group(2)) - 1, _letters_to_index(match.group(1)), formula))
            if not chunk:
                break

    def as_array(parts):
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    return Scan(as_array(rows), as_array(cols), formulas, count)


def decode_references(refs: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """0-based rows and columns of cell references, decoded with NumPy (no Python step per cell).

    Examples
    --------
    >>> [a.tolist() for a in decode_references([b"A1", b"XFD1", b"AB12"])]
    [[0, 0, 11], [0, 16383, 27]]
    """
    raw = np.array(refs, dtype="S10").view(np.uint8).reshape(-1, 10)
    byte = [raw[:, k].astype(np.int64) for k in range(10)]
    col = byte[0] - 64
    for k in (1, 2):
        letter = byte[k] >= 65
        col = np.where(letter, col * 26 + (byte[k] - 64), col)
    row = np.zeros(len(raw), dtype=np.int64)
    for k in range(1, 10):
        digit = (byte[k] >= 48) & (byte[k] <= 57)
        row = np.where(digit, row * 10 + (byte[k] - 48), row)
    return row - 1, col - 1


def _no_references(file_name: str) -> FileRefused:
    return refuse(file_name, Message.of("imp_no_references"))


@dataclasses.dataclass(frozen=True)
class Table:
    """The block of a sheet read as the table (0-based, inclusive), and the cells left out."""

    top: int
    bottom: int
    left: int
    right: int
    strays: list[str]  # references of the cells left out (the first few)
    stray_count: int


def _blocks(values: np.ndarray, gap: int) -> list[tuple[int, int, int]]:
    """Runs of sorted positions split where more than ``gap`` positions in a row are empty: (first, last, cells)."""
    unique, counts = np.unique(values, return_counts=True)
    if not len(unique):
        return []
    splits = np.flatnonzero(np.diff(unique) > gap + 1) + 1
    out = []
    for part_values, part_counts in zip(np.split(unique, splits), np.split(counts, splits)):
        out.append((int(part_values[0]), int(part_values[-1]), int(part_counts.sum())))
    return out


def find_table(scan: Scan) -> Table:
    """The block of columns, then of rows within them, holding most filled cells."""
    left, right, _ = max(_blocks(scan.cols, COLUMN_GAP), key=lambda b: b[2])
    inside = (scan.cols >= left) & (scan.cols <= right)
    top, bottom, _ = max(_blocks(scan.rows[inside], ROW_GAP), key=lambda b: b[2])
    kept = inside & (scan.rows >= top) & (scan.rows <= bottom)
    out = np.flatnonzero(~kept)
    strays = [f"{column_letter(int(scan.cols[i]))}{int(scan.rows[i]) + 1}" for i in out[:SHOWN_STRAYS]]
    return Table(top, bottom, left, right, strays, len(out))


def _without_strays(archive: zipfile.ZipFile, path: str, table: Table) -> bytes:
    """A copy of the workbook whose sheet ``path`` holds only the table's cells (and no stated dimension)."""

    def keep(match: re.Match) -> bytes:
        row, col = int(match.group(2)) - 1, _letters_to_index(match.group(1))
        inside = table.top <= row <= table.bottom and table.left <= col <= table.right
        return match.group(0) if inside else b""

    sheet = _DIMENSION.sub(b"", _ANY_CELL.sub(keep, archive.read(path)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for info in archive.infolist():
            out.writestr(info.filename, sheet if info.filename == path else archive.read(info.filename))
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------------------------------------
def read_xlsx(file_name: str, raw: bytes, options: Options, limits: Limits) -> Grid:
    """Read one worksheet (``options.sheet``, else "data", else the first) into a grid of text cells."""
    archive = _check_archive(file_name, raw, limits)
    try:
        paths = sheet_paths(file_name, archive)
        sheets = list(paths)
        if not sheets:
            raise refuse(file_name, Message.of("imp_no_sheets"))
        if options.sheet and options.sheet not in sheets:
            raise refuse(
                file_name, Message.of("imp_no_sheet_named", name=options.sheet, sheets=", ".join(map(repr, sheets)))
            )
        name = options.sheet or _default_sheet(file_name, archive, paths, sheets)
        grid = read_sheet(file_name, raw, archive, paths, name, limits)
        grid.detected = {"format": "XLSX (Excel workbook)", "sheet": name + (f" (of {len(sheets)})" if len(sheets) > 1 else ""),
                         **grid.detected}  # fmt: skip
        grid.meta["sheets"] = sheets
        grid.meta["sheet_name"] = name
        if "lists" in sheets:
            marker = _first_cell(raw, "lists")
            if marker.startswith(TEMPLATE_MARK):
                grid.meta["template"] = marker
        return grid
    except FileRefused:
        raise
    except Exception as exc:  # calamine and zipfile raise many kinds; none may reach the user as a traceback
        raise _unreadable(file_name, exc) from None


def read_sheet(file_name: str, raw: bytes, archive: zipfile.ZipFile, paths: dict[str, str], name: str,
               limits: Limits) -> Grid:  # fmt: skip
    """One sheet as a grid: pre-scan, find the table, refuse formulas and limits, then read with calamine."""
    scan = prescan(file_name, archive, paths[name])
    if scan.formula_count:
        raise _formulas(file_name, scan)
    if not scan.cells:
        raise refuse(file_name, Message.of("imp_sheet_empty", name=name))
    table = find_table(scan)
    height, width = table.bottom - table.top + 1, table.right - table.left + 1
    if height > limits.max_rows + 1:
        raise refuse(file_name, too_many_rows(None, limits))
    if width > MAX_COLUMNS:
        raise refuse(file_name, Message.of("imp_too_wide", name=name, width=f"{width:,}", limit=f"{MAX_COLUMNS:,}"))
    detected: dict[str, str] = {}
    source = raw
    if table.stray_count:
        source = _without_strays(archive, paths[name], table)
        rest = table.stray_count - len(table.strays)
        detected["ignored_cells"] = Message.of(
            "imp_ignored_cells", n=table.stray_count, cells=", ".join(table.strays),
            table=f"{column_letter(table.left)}{table.top + 1}:{column_letter(table.right)}{table.bottom + 1}",
            more=Message.of("imp_ignored_more", n=rest) if rest > 0 else "")  # fmt: skip
    import python_calamine  # here: only when a workbook is read, not with the Import page

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
    try:
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=True)
        first_row, first_col = sheet.start or (0, 0)
    finally:
        book.close()
    if not values or not any(any(v not in ("", None) for v in r) for r in values):
        raise refuse(file_name, Message.of("imp_sheet_empty", name=name))
    columns = [column_text(column) for column in zip(*values)]
    cells = pd.DataFrame({i: text for i, (text, _) in enumerate(columns)}, dtype="str")
    numeric = np.column_stack([kind for _, kind in columns]) if columns else np.zeros((0, 0), dtype=bool)
    used = [c for c in cells.columns if (cells[c] != "").any()]
    cells = cells.loc[:, : max(used)]
    numeric = numeric[:, : cells.shape[1]]
    rows = np.arange(first_row + 1, first_row + 1 + len(cells))
    letters = [column_letter(first_col + i) for i in range(cells.shape[1])]
    return Grid(file_name, cells, rows, detected, {}, letters=letters, numeric=numeric)


def read_named_sheet(file_name: str, raw: bytes, name: str, limits: Limits) -> Grid | None:
    """The sheet ``name`` of a workbook as a grid, or None when the workbook has no such sheet."""
    archive = _check_archive(file_name, raw, limits)
    paths = sheet_paths(file_name, archive)
    if name not in paths:
        return None
    try:
        return read_sheet(file_name, raw, archive, paths, name, limits)
    except FileRefused:
        raise
    except Exception as exc:
        raise _unreadable(file_name, exc) from None


def _first_cell(raw: bytes, name: str) -> str:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    try:
        first = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=1)
    finally:
        book.close()
    return cell_text(first[0][0]) if first and first[0] else ""


def _formulas(file_name: str, scan: Scan) -> FileRefused:
    problems = []
    for row, col, formula in scan.formulas:
        letter = column_letter(col)
        problems.append(
            Problem.of(
                file_name, row + 1, letter, Message.of("imp_formula", cell=f"{letter}{row + 1}", formula=formula[:60])
            )
        )
    if scan.formula_count > SHOWN_FORMULAS:
        problems.append(
            Problem.of(file_name, None, None, Message.of("imp_more_formulas", n=scan.formula_count - SHOWN_FORMULAS))
        )
    return FileRefused(problems)


def _unreadable(file_name: str, exc: Exception) -> FileRefused:
    text = f"{type(exc).__name__}: {exc}"
    if "DTD" in text or "ntit" in text:
        return refuse(file_name, ENTITIES)
    return refuse(file_name, DAMAGED)


#: The reporting template's sheet of tasks (data/importers/tasks.py).
TASKS_SHEET = "tasks"


def _default_sheet(file_name: str, archive: zipfile.ZipFile, paths: dict[str, str], sheets: list[str]) -> str:
    """ "data", else the first sheet; the template's "tasks" sheet when its "data" sheet holds nothing below the header."""
    if "data" not in sheets:
        return sheets[0]
    if TASKS_SHEET in sheets and not (prescan(file_name, archive, paths["data"]).rows > 0).any():
        return TASKS_SHEET
    return "data"


register_reader(Reader("xlsx", matches=is_zip, read=read_xlsx, order=10))
