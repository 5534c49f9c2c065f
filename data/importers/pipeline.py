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

from data import catalogue, definitions, schema
from data.importers import xlsx
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
from data.messages import Message
from data.observations import Problem, ValidationError, check_observations
from data.store import KIND_IMPORT, Store, same_value

_LOG = logging.getLogger(__name__)
_MB = 1024 * 1024
#: Keys of :attr:`Report.detected`, in the order they are shown.
DETECTED_KEYS = (
    "format", "format_note", "encoding", "separator", "sheet", "layout", "header_rows", "place_column", "decimal",
    "indicator", "unit_in_file", "status", "source", "footnotes", "headings", "ignored_columns", "ignored_cells",
    "definitions", "confidence", "earlier_import",
)  # fmt: skip
#: Below this confidence the best layout is a guess: the user chooses.
WEAK = 0.6
#: Two layouts whose confidences are this close: the user chooses.
CLOSE = 0.15
#: Rows shown for each candidate layout when the user must choose.
CHOICE_ROWS = 5
#: File name endings and the reader they announce.
EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "text", ".tsv": "text", ".txt": "text"}
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
    task_renames: pd.DataFrame | None = None  # a task list's renamed tasks (data/tasks.py: RENAME_COLUMNS)
    #: Confidence of each layout that recognised the file (0 to 1), best first.
    confidence: dict[str, float] = dataclasses.field(default_factory=dict)
    #: When the layout is uncertain: each candidate's first rows as it would read them.
    choices: list[Choice] = dataclasses.field(default_factory=list)
    #: Indicators and sources the file defines (its ``indicators`` and ``sources`` sheets or side files).
    definitions: definitions.Definitions = dataclasses.field(default_factory=definitions.Definitions)

    @property
    def refused(self) -> bool:
        return bool(self.fatal or self.problems)

    @property
    def mostly_invalid(self) -> bool:
        """More than half of the rows with a value fail: the file is misread, not a file with a few bad rows."""
        rows = self.valid if self.tasks is None else self.tasks
        considered = self.rows_invalid + len(rows) + self.rows_stored + self.rows_repeated
        return self.rows_invalid * 2 > considered

    def can_import(self, valid_only: bool = False) -> bool:
        """Whether :func:`commit` may write: no file-level problem, rows to add, and no problem unless ``valid_only``.

        Importing only the valid rows is refused when most rows fail (:attr:`mostly_invalid`).
        """
        rows = self.valid if self.tasks is None else self.tasks
        if self.fatal or rows.empty:
            return False
        if not self.problems:
            return True
        return valid_only and not self.mostly_invalid

    def mostly_invalid_problem(self) -> Problem:
        """Why importing only the valid rows is refused (see :attr:`mostly_invalid`)."""
        total = self.rows_invalid + len(self.valid) + self.rows_stored + self.rows_repeated
        return Problem.of(
            self.file_name, None, None, Message.of("imp_mostly_invalid", bad=self.rows_invalid, total=total)
        )

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


class ImportRefused(ValueError):
    """:func:`commit` was asked to write a report that may not be written; ``problem`` says why, in any language."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem

    def text(self, lang: str = "en") -> str:
        return self.problem.full(lang)


@dataclasses.dataclass
class Choice:
    """A layout that could read the file, with its confidence and the first rows as it reads them."""

    name: str
    label: str
    confidence: float
    preview: pd.DataFrame  # empty when it cannot read the file; then ``problem`` says why
    problem: str = ""


def read_grid(file_name: str, raw: bytes, options: Options, limits: Limits) -> Grid:
    """The bytes as a grid of text cells, by the first reader that claims them (see :data:`READERS`).

    The content decides the reader, never the file name; when the name's ending announces
    another format, ``detected["format_note"]`` says so.
    """
    if not raw:
        raise refuse(file_name, Message.of("imp_empty"))
    if len(raw) > limits.max_bytes:
        raise refuse(file_name, Message.of("imp_too_big", size=f"{len(raw) / _MB:.1f}", limit=f"{limits.max_mb:g}",
                                           setting=ENV_MAX_MB))  # fmt: skip
    reader = next(r for r in sorted(READERS.values(), key=lambda r: r.order) if r.matches(raw))
    grid = reader.read(file_name, raw, options, limits)
    ending = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    announced = EXTENSIONS.get(ending)
    if announced and announced != reader.name:
        what = Message.of("imp_what_xlsx" if reader.name == "xlsx" else "imp_what_text")
        grid.detected["format_note"] = Message.of("imp_format_note", ending=ending, what=what)
    return grid


def layout_scores(grid: Grid) -> dict[str, float]:
    """Each layout's confidence that it recognises the grid (0 to 1), best first; zeros left out."""
    scores = {name: float(layout.score(grid)) for name, layout in LAYOUTS.items()}
    return dict(sorted(((n, v) for n, v in scores.items() if v > 0), key=lambda item: -item[1]))


def choose_layout(grid: Grid, options: Options, scores: dict[str, float] | None = None) -> Layout:
    """The layout the user chose, else the one that recognises the grid best.

    Raises
    ------
    FileRefused
        When the chosen layout does not fit, no layout recognises the grid, or the best is weak
        (below :data:`WEAK`) or close to the next (within :data:`CLOSE`): then the user chooses.
    """
    if options.importer:
        if options.importer not in LAYOUTS:
            raise refuse(grid.file_name, Message.of("imp_no_layout", name=options.importer, names=", ".join(LAYOUTS)))
        layout = LAYOUTS[options.importer]
        if layout.score(grid) <= 0:
            raise refuse(grid.file_name, Message.of("imp_not_chosen_layout", label=layout.label))
        return layout
    scores = layout_scores(grid) if scores is None else scores
    if not scores:
        raise refuse(grid.file_name, Message.of("imp_unrecognised"))
    ranked = list(scores.items())
    best, top = ranked[0]
    if top < WEAK or (len(ranked) > 1 and ranked[1][1] >= top - CLOSE):
        said = "; ".join(f"{LAYOUTS[n].label}: {v:.2f}" for n, v in ranked)
        raise refuse(grid.file_name, Message.of("imp_uncertain", said=said))
    return LAYOUTS[best]


def _choices(grid: Grid, options: Options, scores: dict[str, float]) -> list[Choice]:
    """Each candidate layout's reading of the first rows (for the user to choose)."""
    out = []
    for name, confidence in scores.items():
        layout = LAYOUTS[name]
        try:
            parsed = layout.parse(grid, options)
            shown = parsed.frame.head(CHOICE_ROWS).reset_index(drop=True)
            missing = [c for c in schema.REQUIRED_COLUMNS if c not in parsed.frame]
            said = f"required column is missing: {', '.join(missing)}" if missing else ""
            out.append(Choice(name, layout.label, confidence, shown, said))
        except ValidationError as exc:
            out.append(
                Choice(name, layout.label, confidence, pd.DataFrame(), "; ".join(p.message for p in exc.problems))
            )
        except Exception as exc:  # a reading that fails is shown as failing, never raised
            out.append(Choice(name, layout.label, confidence, pd.DataFrame(), type(exc).__name__))
    return out


def analyse(
    file_name: str,
    raw: bytes,
    options: Options | None = None,
    *,
    store: Store | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    side_files: list[tuple[str, bytes]] | None = None,
) -> Report:
    """Read, recognise and validate an uploaded file; nothing is written.

    The file's own indicators and sources (the ``indicators`` and ``sources`` sheets of a
    workbook, or ``side_files``: CSV or XLSX tables with those columns) are checked first; the
    observations are then checked against the store's definitions plus these.

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
    side_files : list of (name, bytes), optional
        Tables of indicators or sources that come with a tidy file.

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
        scores = layout_scores(grid)
        report.confidence = scores
        if scores:
            report.detected["confidence"] = ", ".join(f"{LAYOUTS[n].name} {v:.2f}" for n, v in scores.items())
        try:
            layout = choose_layout(grid, options, scores)
        except FileRefused:
            if not options.importer and scores:
                report.choices = _choices(grid, options, scores)
            raise
        report.importer = layout.name
        report.definitions = read_definitions(name, raw, grid, side_files or [], store, limits)
        if not report.definitions.empty:
            own = report.definitions
            report.detected["definitions"] = Message.of(
                "imp_definitions", indicators=len(own.indicators), sources=len(own.sources),
                names=", ".join([*own.indicators[schema.INDICATOR], *own.sources[schema.SOURCE_ID]]))  # fmt: skip
        step(0.3, "recognise")
        parsed = layout.parse(grid, options)
        report.detected.update(parsed.detected)
        if parsed.frame.empty:
            raise refuse(name, Message.of("imp_all_missing" if parsed.missing else "imp_no_rows"))
        step(0.5, "validate")
        if layout.kind == "tasks":
            return _task_report(report, parsed, store, options, step)
        known_bad = np.zeros(len(parsed.frame), dtype=bool)
        known_bad[[pos for pos, _, _ in parsed.problems]] = True
        known_bad[np.asarray(parsed.also_bad, dtype=np.int64)] = True
        checked = check_observations(parsed.frame, file_name=name, lines=parsed.lines, columns=parsed.columns,
                                     known_bad=known_bad, **_definitions(store, report.definitions))  # fmt: skip
    except ValidationError as exc:  # FileRefused, or required columns missing
        report.fatal = list(exc.problems)
        return report
    except Exception as exc:  # never a traceback for a file: name it, log the details
        _LOG.exception("import of %s failed", name)
        report.fatal = [Problem.of(name, None, None, Message.of("imp_unreadable", kind=type(exc).__name__))]
        return report

    frame = checked.frame
    bad = checked.bad.copy()
    problems: list[Problem] = []
    for pos, column, message in parsed.problems:
        problems.append(Problem.of(name, int(parsed.lines[pos]), parsed.columns(pos, column), message))
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


def _definitions(store: Store | None, own: definitions.Definitions) -> dict:
    """The indicators and sources to check against: the store's (bundled plus imported), else the bundled
    files; then the file's own."""
    indicators = store.indicators() if store is not None else catalogue.indicators()
    sources = store.sources() if store is not None else catalogue.sources()
    if not own.indicators.empty:
        indicators = pd.concat([indicators, own.indicators.reindex(columns=indicators.columns)], ignore_index=True)
    if not own.sources.empty:
        sources = pd.concat([sources, own.sources.reindex(columns=sources.columns)], ignore_index=True)
    return {"indicators": indicators, "sources": sources}


def read_definitions(name: str, raw: bytes, grid: Grid, side_files: list[tuple[str, bytes]], store: Store | None,
                     limits: Limits) -> definitions.Definitions:  # fmt: skip
    """The file's own indicators and sources: sheets of its workbook, or side files; checked against the store.

    Raises
    ------
    FileRefused
        Listing every problem of those tables (file, sheet, row, column): definitions are never
        imported in part.
    """
    tables: list[tuple[str, str, str | None, Grid]] = []  # (kind, file, sheet, grid)
    for sheet in (definitions.SHEET_INDICATORS, definitions.SHEET_SOURCES):
        if sheet in grid.meta.get("sheets", ()) and not grid.detected.get("sheet", "").startswith(sheet):
            found = xlsx.read_named_sheet(name, raw, sheet, limits)
            if found is not None and definitions.kind_of(list(found.cells.iloc[0])) == sheet:
                tables.append((sheet, name, sheet, found))
    for side_name, side_raw in side_files:
        side_name = safe_name(side_name)
        side = read_grid(side_name, side_raw, Options(), limits)
        kind = definitions.kind_of(list(side.cells.iloc[0])) if len(side.cells) else None
        if kind is None:
            raise refuse(side_name, Message.of("def_side_unknown"))
        tables.append((kind, side_name, None, side))
    own = definitions.Definitions()
    problems: list[Problem] = []
    stored_ind = store.imported_indicators() if store is not None else pd.DataFrame()
    stored_src = store.imported_sources() if store is not None else pd.DataFrame()
    for kind, file, sheet, table in tables:
        if kind == definitions.SHEET_INDICATORS:
            frame, found = definitions.check_indicators(table.cells, table.rows, file_name=file, sheet=sheet,
                                                        bundled=catalogue.indicators(), stored=stored_ind)  # fmt: skip
            own.indicators = (
                pd.concat([own.indicators, frame], ignore_index=True) if not frame.empty else own.indicators
            )
        else:
            frame, found = definitions.check_sources(table.cells, table.rows, file_name=file, sheet=sheet,
                                                     bundled=catalogue.sources(), stored=stored_src)  # fmt: skip
            own.sources = pd.concat([own.sources, frame], ignore_index=True) if not frame.empty else own.sources
        problems += found
    if problems:
        raise FileRefused(problems)
    return own


def _against_store(
    store: Store, frame: pd.DataFrame, bad: np.ndarray, stored: np.ndarray, name: str, parsed
) -> list[Problem]:
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
        problems.append(
            Problem.of(
                name,
                int(parsed.lines[pos]),
                parsed.columns(int(pos), schema.VALUE),
                Message.of("imp_stored_differs", value=float(value), old=float(old), batch=int(batch), file=str(file)),
            )
        )
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
            report.fatal.append(
                Problem.of(
                    report.file_name,
                    None,
                    None,
                    Message.of(
                        "imp_already_imported", batch=batch, when=when, user=str(last["user_name"] or "unknown")
                    ),
                )
            )
    else:
        report.detected["earlier_import"] = f"imported before as batch {batch} on {when}, since undone"


def _task_report(report: Report, parsed, store: Store | None, options: Options, step: Progress) -> Report:
    """The report of a task list: its valid tasks, every problem, and snapshots stored already (data/tasks.py)."""
    from data import tasks

    lang = options.lang or "en"
    checked = tasks.check_tasks(parsed.frame, file_name=report.file_name, lines=parsed.lines, column=parsed.columns,
                                lang=lang, renames=options.renames)  # fmt: skip
    report.detected.update(checked.notes)
    report.problems = checked.problems
    report.tasks = checked.frame
    report.task_renames = checked.renames
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
        if valid_only and report.mostly_invalid and not report.fatal:
            raise ImportRefused(report.mostly_invalid_problem())
        raise ImportRefused(Problem.of(report.file_name, None, None, Message.of("imp_refused")))
    skipped = report.skipped(valid_only)
    detail = (
        f"{report.file_name} ({report.importer}): {len(report.valid if report.tasks is None else report.tasks)} "
        f"rows to add; skipped {report.rows_missing} "
        f"without a value, {report.rows_invalid if valid_only else 0} with problems, {report.rows_repeated} repeated, "
        f"{report.rows_stored} stored already"
    )
    if report.tasks is not None:  # a task list: its tasks, as one batch of the task register
        batch_id = store.add_task_batch(
            report.tasks,
            file_name=report.file_name,
            sha256=report.sha256,
            user=user,
            rows_skipped=skipped,
            detail=detail.replace("rows to add", "tasks to add"),
            renames=report.task_renames,
        )
        return store.batch(batch_id)
    batch_id = store.add_batch(
        report.valid, kind=KIND_IMPORT, file_name=report.file_name, sha256=report.sha256, user=user,
        rows_skipped=skipped, detail=detail, indicators=report.definitions.indicators, sources=report.definitions.sources,
        progress=(lambda done, total: progress(done / max(total, 1))) if progress else None,
    )  # fmt: skip
    return store.batch(batch_id)


__all__ = ["Choice", "FileRefused", "Report", "analyse", "choose_layout", "commit", "layout_scores", "read_grid"]
