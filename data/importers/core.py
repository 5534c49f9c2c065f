"""What every importer shares: options, limits, the grid of text cells, and the two registries.

An upload goes through two steps, each chosen from a registry, so the core never branches on a
format or a layout by name:

1. a *reader* (:data:`READERS`: XLSX workbook, delimited text) turns the bytes into a :class:`Grid`
   of text cells, reporting what it detected (format, encoding, separator, sheet);
2. a *layout* importer (:data:`LAYOUTS`: tidy, reporting template, statistical yearbook) scores
   how well it recognises the grid, and the best one turns it into raw tidy rows
   (:class:`Parsed`), which :func:`data.observations.check_observations` then validates.

A reader or layout registers itself with :func:`register_reader` / :func:`register_layout` when
its module is imported (``data/importers/__init__.py`` imports them all).
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from data.messages import Message
from data.observations import Problem, ValidationError

#: Defaults of the limits (see :class:`Limits`).
DEFAULT_MAX_MB = 20
DEFAULT_MAX_ROWS = 500_000
DEFAULT_MAX_UNPACKED_MB = 200
#: Environment variables overriding the limits (secrets ``[vn57] import_max_mb`` etc. come next).
ENV_MAX_MB = "VN57_IMPORT_MAX_MB"
ENV_MAX_ROWS = "VN57_IMPORT_MAX_ROWS"
ENV_MAX_UNPACKED_MB = "VN57_IMPORT_MAX_UNPACKED_MB"


class FileRefused(ValidationError):
    """The file as a whole cannot be imported (unreadable, too large, formulas, unknown layout...).

    Unlike row problems, these cannot be skipped by importing only the valid rows.
    """


@dataclasses.dataclass(frozen=True)
class Limits:
    """Largest upload accepted: bytes, data rows, and bytes a workbook may unpack to."""

    max_mb: float = DEFAULT_MAX_MB
    max_rows: int = DEFAULT_MAX_ROWS
    max_unpacked_mb: float = DEFAULT_MAX_UNPACKED_MB

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)

    @classmethod
    def from_settings(cls, environ: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Limits:
        """Limits from the environment (``VN57_IMPORT_MAX_MB``...), else secrets ``[vn57]``, else defaults.

        Examples
        --------
        >>> Limits.from_settings({"VN57_IMPORT_MAX_ROWS": "1000"}, {"import_max_mb": 5})
        Limits(max_mb=5.0, max_rows=1000, max_unpacked_mb=200.0)
        """
        environ = os.environ if environ is None else environ
        secrets = secrets or {}

        def pick(env: str, key: str, default: float, kind: type) -> float:
            raw = environ.get(env) or secrets.get(key)
            try:
                value = kind(float(raw)) if raw not in (None, "") else kind(default)
            except (TypeError, ValueError):
                raise ValueError(
                    f"The setting {env} (or secrets [vn57] {key}) must be a number. Got {raw!r}."
                ) from None
            if value <= 0:
                raise ValueError(f"The setting {env} (or secrets [vn57] {key}) must be positive. Got {raw!r}.")
            return value

        return cls(
            max_mb=pick(ENV_MAX_MB, "import_max_mb", DEFAULT_MAX_MB, float),
            max_rows=pick(ENV_MAX_ROWS, "import_max_rows", DEFAULT_MAX_ROWS, int),
            max_unpacked_mb=pick(ENV_MAX_UNPACKED_MB, "import_max_unpacked_mb", DEFAULT_MAX_UNPACKED_MB, float),
        )


@dataclasses.dataclass(frozen=True)
class Options:
    """What the user said about the file; ``None`` (or "") means "detect it".

    ``indicator``, ``status``, ``source_id`` and ``layout`` fill what a yearbook table leaves out
    (its title row may name the indicator); ``layout`` is the province layout of the template.
    """

    importer: str | None = None  # a key of LAYOUTS
    encoding: str | None = None  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1258
    separator: str | None = None  # ",", ";" or "\t"
    decimal: str | None = None  # "." or ","
    sheet: str | None = None
    indicator: str | None = None
    status: str | None = None
    source_id: str | None = None
    layout: str | None = None
    #: Task lists (data/importers/tasks.py): province, programme and reporting date when the title rows do not say.
    province: str | None = None
    programme: str | None = None
    as_of: str | None = None
    #: Language of the messages of task lists ("en" or "vi").
    lang: str | None = None
    #: Task lists: renamed tasks, (old code or title, new code or title) pairs (data/tasks.py: rename_table).
    renames: tuple[tuple[str, str], ...] | None = None


@dataclasses.dataclass
class Grid:
    """The cells of one table as text: ``cells`` has columns 0..n-1; ``rows`` holds each line's file row."""

    file_name: str
    cells: pd.DataFrame
    rows: np.ndarray
    detected: dict[str, str]
    #: Extra facts for layouts (the template's marker, say).
    meta: dict = dataclasses.field(default_factory=dict)
    #: Column label for a problem: spreadsheet letters for a workbook, else None (header text is used).
    letters: list[str] | None = None
    #: True for cells that were numbers in a workbook (exact already: no decimal mark to guess).
    numeric: np.ndarray | None = None


@dataclasses.dataclass
class Parsed:
    """Raw tidy rows taken out of a grid, before validation.

    ``frame`` holds text cells in the tidy columns; ``lines`` the file row of each; ``columns``
    names, for a row position and a tidy column, the file's column a problem lies in.
    ``problems`` are those found while reading (unknown place names...), ``missing`` counts values
    left empty or marked missing (``..``, ``-``, ``…``), which are skipped, not refused.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    columns: Callable[[int, str], str]
    detected: dict[str, str]
    problems: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)  # (position, column, message)
    missing: int = 0
    #: Positions refused while reading whose message is given once, on another position (same table row).
    also_bad: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Reader:
    """Turns bytes into a :class:`Grid`. ``matches(raw)`` says whether the bytes are for this reader."""

    name: str
    matches: Callable[[bytes], bool]
    read: Callable[[str, bytes, Options, Limits], Grid]
    order: int = 50  # readers are tried by increasing order; the text reader is the last resort


@dataclasses.dataclass(frozen=True)
class Layout:
    """A layout importer: ``score(grid)`` in [0, 1] (0 = not this layout); ``parse(grid, options)``."""

    name: str
    label: str
    score: Callable[[Grid], float]
    parse: Callable[[Grid, Options], Parsed]
    kind: str = "observations"  # or "tasks": rows for the task register (data/tasks.py)


READERS: dict[str, Reader] = {}
LAYOUTS: dict[str, Layout] = {}


def register_reader(reader: Reader) -> Reader:
    READERS[reader.name] = reader
    return reader


def register_layout(layout: Layout) -> Layout:
    LAYOUTS[layout.name] = layout
    return layout


def refuse(file_name: str, message: Message | str, row: int | None = None, column: str | None = None) -> FileRefused:
    """A :class:`FileRefused` with one problem (a catalogue :class:`~data.messages.Message`, shown in any language)."""
    return FileRefused([Problem.of(file_name, row, column, message)])


# --- text helpers shared by the layouts ------------------------------------------------------------
#: Cells that mean "no value" in statistical tables: empty, "..", "...", "…", "-" and dashes.
MISSING_MARKERS = ("", "..", "...", "…", "-", "–", "—")


def is_missing(values: pd.Series) -> pd.Series:
    """True where a cell holds no value (see :data:`MISSING_MARKERS`)."""
    return values.isin(MISSING_MARKERS)


def fold(text: object) -> str:
    """Lower-case ASCII form of a label, for matching headers: "Tỉnh/Thành phố" -> "tinh/thanh pho".

    Examples
    --------
    >>> fold("  Quý I/2025 ")
    'quy i/2025'
    """
    text = unicodedata.normalize("NFKC", str(text)).translate(str.maketrans({"Đ": "D", "đ": "d"}))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.casefold()).strip()


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def safe_name(name: str) -> str:
    """A file name fit for messages and the batches table: no folders, no control characters, short.

    The uploaded name is only ever shown and recorded, never used as a path.

    Examples
    --------
    >>> safe_name("../../etc/passwd\\x00.csv")
    'passwd.csv'
    """
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    return (base or "upload")[:120]
