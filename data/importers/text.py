"""Delimited text (CSV, TSV): encoding, separator and the grid of cells.

Encodings: a byte-order mark says UTF-8 or UTF-16; UTF-16 without one shows by its zero bytes;
then UTF-8 if the bytes are valid UTF-8, else Windows-1258 (Vietnamese Windows), whose text
decodes to base letters plus combining tone marks and is normalised to NFC like everything else.
Separators: comma, semicolon or tab, whichever splits the most lines into the same number of
cells. Files of other kinds (images, PDF, archives, old .xls) are named and refused.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter

import numpy as np
import pandas as pd

from data.importers.core import ENV_MAX_ROWS, Grid, Limits, Options, Reader, refuse, register_reader
from data.messages import Message

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE (no BOM)",
    "utf-16-be": "UTF-16 BE (no BOM)",
    "cp1258": "Windows-1258 (Vietnamese)",
}
#: Start of files that are certainly not a text table, and what they are.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "imp_kind_png"),
    (b"\xff\xd8\xff", "imp_kind_jpeg"),
    (b"GIF87a", "imp_kind_gif"),
    (b"GIF89a", "imp_kind_gif"),
    (b"%PDF-", "imp_kind_pdf"),
    (b"\x1f\x8b", "imp_kind_gzip"),
    (b"7z\xbc\xaf\x27\x1c", "imp_kind_7z"),
    (b"Rar!\x1a\x07", "imp_kind_rar"),
    (b"\x7fELF", "imp_kind_program"),
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def not_a_table(file_name: str, raw: bytes):
    """The refusal for a file that is certainly no table, or None."""
    if raw.startswith(OLE_SIGNATURE):
        return refuse(file_name, Message.of("imp_old_xls"))
    for signature, what in SIGNATURES:
        if raw.startswith(signature):
            return refuse(file_name, Message.of("imp_not_table", what=Message.of(what)))
    return None


def decode(file_name: str, raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode the bytes; returns the NFC text and the encoding's name for the report.

    Raises
    ------
    FileRefused
        When the bytes are not text in the given (or any supported) encoding.
    """
    if encoding:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise refuse(
                file_name, Message.of("imp_cannot_decode_as", encoding=ENCODINGS.get(encoding, encoding))
            ) from None
        label = ENCODINGS.get(encoding, encoding) + " (chosen)"
    elif raw.startswith(b"\xef\xbb\xbf"):
        text, label = _strict(file_name, raw, "utf-8-sig"), ENCODINGS["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, label = _strict(file_name, raw, "utf-16"), ENCODINGS["utf-16"]
    elif (guess := _utf16_without_bom(raw)) is not None:
        text, label = _strict(file_name, raw, guess), ENCODINGS[guess]
    else:
        try:
            text, label = raw.decode("utf-8"), ENCODINGS["utf-8"]
        except UnicodeDecodeError:
            try:
                text, label = raw.decode("cp1258"), ENCODINGS["cp1258"] + ": not valid UTF-8"
            except UnicodeDecodeError:
                raise refuse(file_name, Message.of("imp_not_text")) from None
    text = text.lstrip("\ufeff")
    if "\x00" in text or _control_share(text) > 0.01:
        raise refuse(file_name, Message.of("imp_binary"))
    return unicodedata.normalize("NFC", text), label


def _strict(file_name: str, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise refuse(file_name, Message.of("imp_bad_bom", encoding=ENCODINGS[encoding])) from None


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\r\n\t")
    return bad / len(sample)


def sniff_separator(text: str) -> str:
    """The separator that splits the most lines into the same number (> 1) of cells.

    Examples
    --------
    >>> sniff_separator("a;b;c\\n1,5;2;3\\n4;5,5;6\\n")
    ';'
    """
    lines = [line for line in text.splitlines()[:400] if line.strip()][:200]
    best, chosen = (0, 0), ","
    for sep in SEPARATORS:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=sep) if len(row) > 1)
        if not widths:
            continue
        width, often = max(widths.items(), key=lambda item: (item[1], item[0]))
        if (often, width) > best:
            best, chosen = (often, width), sep
    return chosen


def read_text(file_name: str, raw: bytes, options: Options, limits: Limits) -> Grid:
    """Read delimited text into a grid of stripped text cells (rows numbered from 1, blank lines kept)."""
    if (refusal := not_a_table(file_name, raw)) is not None:
        raise refusal
    text, encoding = decode(file_name, raw, options.encoding)
    if not text.strip():
        raise refuse(file_name, Message.of("imp_empty"))
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > limits.max_rows + 1:
        raise refuse(file_name, too_many_rows(lines, limits))
    sep = options.separator or sniff_separator(text)
    detected = {
        "format": "CSV (delimited text)",
        "encoding": encoding,
        "separator": SEPARATORS.get(sep, repr(sep)) + ("" if not options.separator else " (chosen)"),
    }
    sample = [row for row in csv.reader(text.splitlines()[:200], delimiter=sep)]
    try:
        cells = _cells(text, sep, max((len(r) for r in sample), default=1))
    except pd.errors.ParserError:  # a later row has more cells than the first ones: count them all
        try:
            cells = _cells(text, sep, 1 + max(line.count(sep) for line in text.splitlines()))
        except (pd.errors.ParserError, ValueError) as exc:
            raise refuse(
                file_name, Message.of("imp_cannot_split", separator=SEPARATORS.get(sep, sep), error=str(exc))
            ) from None
    used = [c for c in cells.columns if (cells[c] != "").any()]
    cells = cells.loc[:, : max(used, default=0)]  # drop empty columns at the right only
    for col in cells.columns:
        cells[col] = cells[col].str.strip()
    return Grid(file_name, cells, np.arange(1, len(cells) + 1), detected, {"separator": sep})


def _cells(text: str, sep: str, width: int) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        names=range(width),
        index_col=False,
        dtype=str,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
    )


def too_many_rows(count: int | None, limits: Limits) -> Message:
    """The refusal for a file over the row limit."""
    if count is None:
        return Message.of("imp_too_many_rows_more", limit=f"{limits.max_rows:,}", setting=ENV_MAX_ROWS)
    return Message.of("imp_too_many_rows", n=f"{count:,}", limit=f"{limits.max_rows:,}", setting=ENV_MAX_ROWS)


register_reader(Reader("text", matches=lambda raw: True, read=read_text, order=99))
