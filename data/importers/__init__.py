"""Importers of uploaded files: tidy CSV/XLSX, the reporting template, and yearbook tables.

Usage::

    from data import importers
    report = importers.analyse("report.csv", raw_bytes, store=store)   # reads and validates, writes nothing
    if report.can_import():
        batch = importers.commit(report, store, user="editor@example.org")

Readers (bytes -> grid of text cells) and layouts (grid -> tidy rows) register themselves in
:data:`READERS` and :data:`LAYOUTS` when their modules are imported below; see
:mod:`data.importers.core`. The reporting template is written by :func:`template_bytes`.
"""

from data.importers import (  # noqa: F401  (readers register themselves)  # noqa: F401  (layouts register themselves)
    tasks,
    template,
    text,
    tidy,
    xlsx,
    yearbook,
)
from data.importers.core import LAYOUTS, READERS, FileRefused, Limits, Options, safe_name
from data.importers.pipeline import DETECTED_KEYS, Report, analyse, commit
from data.importers.template import template_bytes

__all__ = [
    "DETECTED_KEYS", "LAYOUTS", "READERS", "FileRefused", "Limits", "Options", "Report", "analyse", "commit",
    "safe_name", "template_bytes",
]  # fmt: skip
