"""From uploaded bytes to an import report, and from a report to a batch in the store.

:func:`analyse` reads, recognises and validates a file without writing anything; its
:class:`Report` lists what was detected and every problem (file, row, column). :func:`commit`
writes the report's valid rows as one batch, in one transaction.

Decisions:

* A file with problems is refused whole; :func:`commit` with ``valid_only=True`` imports its
  valid rows, and only when the user asked for it. File-level problems (unreadable, too large,
  formulas, unrecognised layout, missing columns) can never be skipped.
* Conflicts with the store: a row whose key (place, layout, indicator, period, status, target
  date) is stored, in a batch not undone, with another value is a problem; with the same value
  it is skipped as already stored. To replace stored values, undo their batch first.
* The same file again (same sha256) is reported; when all its values are stored already the
  file is refused, naming the earlier batch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from data import schema
from data.importers.core import (
    ENV_MAX_MB,
    LAYOUTS,
    READERS,
    FileRefused,
    Grid,
    Layout,
    Limits,
    Options,
    refuse,
    safe_name,
)
from data.observations import Problem, ValidationError, check_observations
from data.store import KIND_IMPORT, Store, same_value

_LOG = logging.getLogger(__name__)
_MB = 1024 * 1024
UNRECOGNISED = (
    "the layout is not recognised: expected the tidy columns (indicator_id, period, value and a place), "
    "the reporting template, or a yearbook table (places as rows, periods as columns)."
)
#: Keys of :attr:`Report.detected`, in the order they are shown.
DETECTED_KEYS = (
    "format", "encoding", "separator", "sheet", "layout", "header_rows", "place_column", "decimal",
    "indicator", "unit_in_file", "status", "source", "footnotes", "headings", "ignored_columns", "earlier_import",
)  # fmt: skip
PROBLEM_COLUMNS = ("file", "row", "column", "message")

Progress = Callable[[float, str], None]


@dataclasses.dataclass
class Report:
    """What :func:`analyse` found in one file."""

    file_name: str
    sha256: str
    size: int
    detected: dict[str, str]
    fatal: list[Problem]  # file-level: the file cannot be imported at all
    problems: list[Problem]  # row-level: the file is refused unless only valid rows are imported
    valid: pd.DataFrame  # rows ready to be stored
    importer: str | None = None
    rows_read: int = 0  # values found (rows of a tidy file, filled cells of a wide table)
    rows_missing: int = 0  # empty or marked missing, skipped
    rows_invalid: int = 0  # with at least one problem
    rows_stored: int = 0  # stored already with the same value, skipped
    rows_repeated: int = 0  # identical repeats within the file, merged
    preview: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    tasks: pd.DataFrame | None = None  # a task list's valid tasks (data/tasks.py); None for observations

    @property
    def refused(self) -> bool:
        return bool(self.fatal or self.problems)

    def can_import(self, valid_only: bool = False) -> bool:
        """Whether :func:`commit` may write: no file-level problem, rows to add, and no problem unless ``valid_only``."""
        rows = self.valid if self.tasks is None else self.tasks
        if self.fatal or rows.empty:
            return False
        return valid_only or not self.problems

    def skipped(self, valid_only: bool = False) -> int:
        """Rows of the file that an import leaves out."""
        return self.rows_missing + self.rows_stored + self.rows_repeated + (self.rows_invalid if valid_only else 0)

    def problem_table(self) -> pd.DataFrame:
        """Every problem, file-level first, as a table (file, row, column, message) for display and download."""
        rows = [(p.file, "" if p.row is None else str(p.row), p.column or "", p.message)
                for p in [*self.fatal, *self.problems]]  # fmt: skip
        return pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS), dtype="str")

    def detected_items(self) -> list[tuple[str, str]]:
        """What was detected, in :data:`DETECTED_KEYS` order, then anything else."""
        keys = [k for k in DETECTED_KEYS if k in self.detected] + [k for k in self.detected if k not in DETECTED_KEYS]
        return [(k, self.detected[k]) for k in keys]


def read_grid(file_name: str, raw: bytes, options: Options, limits: Limits) -> Grid:
    """The bytes as a grid of text cells, by the first reader that claims them (see :data:`READERS`)."""
    if not raw:
        raise refuse(file_name, "the file is empty.")
    if len(raw) > limits.max_bytes:
        raise refuse(
            file_name,
            f"the file is {len(raw) / _MB:.1f} MB; at most {limits.max_mb:g} MB are accepted (setting {ENV_MAX_MB}).",
        )
    reader = next(r for r in sorted(READERS.values(), key=lambda r: r.order) if r.matches(raw))
    return reader.read(file_name, raw, options, limits)


def choose_layout(grid: Grid, options: Options) -> Layout:
    """The layout the user chose, else the one that recognises the grid best."""
    if options.importer:
        if options.importer not in LAYOUTS:
            raise refuse(grid.file_name, f"there is no layout {options.importer!r}; the layouts are {', '.join(LAYOUTS)}.")
        layout = LAYOUTS[options.importer]
        if layout.score(grid) <= 0:
            raise refuse(grid.file_name, f"the file does not have the {layout.label} layout that was chosen.")
        return layout
    score, best = max(((layout.score(grid), layout.name) for layout in LAYOUTS.values()), default=(0.0, ""))
    if score <= 0:
        raise refuse(grid.file_name, UNRECOGNISED)
    return LAYOUTS[best]


def analyse(
    file_name: str,
    raw: bytes,
    options: Options | None = None,
    *,
    store: Store | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read, recognise and validate an uploaded file; nothing is written.

    Parameters
    ----------
    file_name : str
        As uploaded; only its last part is kept, for messages (never used as a path).
    raw : bytes
        The file's content.
    options : Options, optional
        What the user chose; everything else is detected.
    store : Store, optional
        When given, rows are checked against the stored values and earlier imports.
    limits : Limits, optional
        Largest file and row count; defaults to :class:`Limits` defaults.
    progress : callable, optional
        ``progress(fraction, stage)`` between the stages.

    Returns
    -------
    Report
    """
    options, limits = options or Options(), limits or Limits()
    step = progress or (lambda fraction, stage: None)
    name = safe_name(file_name)
    report = Report(name, hashlib.sha256(raw).hexdigest(), len(raw), {}, [], [], schema.empty_observations())
    try:
        step(0.05, "read")
        grid = read_grid(name, raw, options, limits)
        report.detected.update(grid.detected)
        layout = choose_layout(grid, options)
        report.importer = layout.name
        step(0.3, "recognise")
        parsed = layout.parse(grid, options)
        report.detected.update(parsed.detected)
        if parsed.frame.empty:
            raise refuse(name, "every value is empty or marked missing (.., -, …)." if parsed.missing
                         else "the file has no data rows.")  # fmt: skip
        step(0.5, "validate")
        if layout.kind == "tasks":
            return _task_report(report, parsed, store, options, step)
        checked = check_observations(parsed.frame, file_name=name, lines=parsed.lines, columns=parsed.columns)
    except ValidationError as exc:  # FileRefused, or required columns missing
        report.fatal = list(exc.problems)
        return report
    except Exception as exc:  # never a traceback for a file: name it, log the details
        _LOG.exception("import of %s failed", name)
        report.fatal = [Problem(name, None, None, f"the file cannot be read ({type(exc).__name__}).")]
        return report

    frame = checked.frame
    bad = checked.bad.copy()
    problems: list[Problem] = []
    for pos, column, message in parsed.problems:
        problems.append(Problem(name, int(parsed.lines[pos]), parsed.columns(pos, column), message))
        bad[pos] = True
    bad[np.asarray(parsed.also_bad, dtype=np.int64)] = True
    said = {(p.row, p.column) for p in problems}
    problems += [p for p in checked.problems if (p.row, p.column) not in said]

    stored = np.zeros(len(frame), dtype=bool)
    if store is not None:
        step(0.7, "compare")
        problems += _against_store(store, frame, bad, stored, name, parsed)
    problems = sorted(dict.fromkeys(problems), key=lambda p: (p.row or 0, p.column or ""))
    keep = ~bad & ~stored
    valid = frame[keep]
    unique = valid.drop_duplicates(list(schema.KEY_COLUMNS)).reset_index(drop=True)
    report.problems = problems
    report.valid = unique
    report.rows_read = len(frame)
    report.rows_missing = parsed.missing
    report.rows_invalid = int(bad.sum())
    report.rows_stored = int((stored & ~bad).sum())
    report.rows_repeated = len(valid) - len(unique)
    report.preview = frame.head(50)
    if store is not None:
        _earlier_imports(store, report)
    step(1.0, "done")
    return report


def _against_store(store: Store, frame: pd.DataFrame, bad: np.ndarray, stored: np.ndarray, name: str, parsed) -> list[Problem]:
    """Problems for rows whose stored value differs; marks rows stored with the same value."""
    candidates = np.flatnonzero(~bad)
    if not len(candidates):
        return []
    found = store.stored_matches(frame.iloc[candidates])
    if found.empty:
        return []
    positions = candidates[found["position"].to_numpy()]
    incoming = frame[schema.VALUE].to_numpy()[positions]
    same = same_value(found["stored_value"].to_numpy(), incoming)
    stored[positions[same]] = True
    problems = []
    for pos, value, old, batch, file in zip(
        positions[~same], incoming[~same], found["stored_value"].to_numpy()[~same],
        found[schema.BATCH_ID].to_numpy()[~same], found["file_name"].to_numpy()[~same],
    ):  # fmt: skip
        bad[pos] = True
        problems.append(Problem(
            name, int(parsed.lines[pos]), parsed.columns(int(pos), schema.VALUE),
            f"{value:g} differs from the stored value {old:g} (batch {int(batch)}, file {file!r}) for the same "
            "place, indicator, period and status: undo that batch first to replace it",
        ))
    stored[bad] = False
    return problems


def _earlier_imports(store: Store, report: Report) -> None:
    earlier = store.imports_of(report.sha256)
    if earlier.empty:
        return
    last = earlier.iloc[0]
    when = pd.Timestamp(last["created_at"]).strftime("%Y-%m-%d %H:%M")
    batch = int(last[schema.BATCH_ID])
    if pd.isna(last["undone_at"]):
        text = f"this file was already imported as batch {batch} on {when} by {last['user_name'] or 'unknown'}"
        report.detected["earlier_import"] = text
        if report.valid.empty and not report.problems and report.rows_stored:
            report.fatal.append(Problem(
                report.file_name, None, None,
                f"{text}: all its values are stored already. Undo batch {batch} first to import it again.",
            ))
    else:
        report.detected["earlier_import"] = f"imported before as batch {batch} on {when}, since undone"


def _task_report(report: Report, parsed, store: Store | None, options: Options, step: Progress) -> Report:
    """The report of a task list: its valid tasks, every problem, and snapshots stored already (data/tasks.py)."""
    from data import tasks

    lang = options.lang or "en"
    checked = tasks.check_tasks(parsed.frame, file_name=report.file_name, lines=parsed.lines, column=parsed.columns,
                                lang=lang)  # fmt: skip
    report.detected.update(checked.notes)
    report.problems = checked.problems
    report.tasks = checked.frame
    report.rows_read = len(parsed.frame)
    report.rows_invalid = int(checked.bad.sum())
    report.preview = checked.frame.head(50)
    if store is not None and not checked.frame.empty:
        step(0.7, "compare")
        for hit in tasks.stored_snapshots(store, checked.frame).itertuples(index=False):
            hit = hit._asdict()
            report.fatal.append(Problem(report.file_name, None, None, tasks.say(
                "stored", lang, programme=hit[schema.PROGRAMME], date=hit[schema.AS_OF], batch=int(hit[schema.BATCH_ID]),
                file=hit["file_name"])))  # fmt: skip
        _earlier_imports(store, report)
    step(1.0, "done")
    return report


def commit(
    report: Report,
    store: Store,
    *,
    user: str,
    valid_only: bool = False,
    progress: Callable[[float], None] | None = None,
) -> dict:
    """Write the report's valid rows as one import batch (one transaction); returns the batch.

    Raises
    ------
    ValueError
        When the report may not be imported (see :meth:`Report.can_import`) or ``user`` is empty.
    data.store.StoredConflictError
        When values were stored since the file was checked that contradict it; nothing is written.
    """
    if not user:
        raise ValueError("An import needs the name of who makes it.")
    if not report.can_import(valid_only):
        raise ValueError(f"{report.file_name}: the file is refused (see its problems); nothing was imported.")
    skipped = report.skipped(valid_only)
    detail = (
        f"{report.file_name} ({report.importer}): {len(report.valid if report.tasks is None else report.tasks)} "
        f"rows to add; skipped {report.rows_missing} "
        f"without a value, {report.rows_invalid if valid_only else 0} with problems, {report.rows_repeated} repeated, "
        f"{report.rows_stored} stored already"
    )
    if report.tasks is not None:  # a task list: its tasks, as one batch of the task register
        batch_id = store.add_task_batch(report.tasks, file_name=report.file_name, sha256=report.sha256, user=user,
                                        rows_skipped=skipped, detail=detail.replace("rows to add", "tasks to add"))
        return store.batch(batch_id)
    batch_id = store.add_batch(
        report.valid, kind=KIND_IMPORT, file_name=report.file_name, sha256=report.sha256, user=user,
        rows_skipped=skipped, detail=detail,
        progress=(lambda done, total: progress(done / max(total, 1))) if progress else None,
    )  # fmt: skip
    return store.batch(batch_id)


__all__ = ["FileRefused", "Report", "analyse", "choose_layout", "commit", "read_grid"]
