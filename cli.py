"""Command line for people who automate their reports, over the same code as the Import page.

Usage (from the project folder)::

    python -m cli check FILE [--json] [--definitions FILE ...]
    python -m cli import FILE [--indicator ID] [--source ID] [--valid-rows-only] [--user NAME] [--definitions FILE ...]
    python -m cli tasks FILE [--province CODE] [--programme TEXT] [--as-of YYYY-MM-DD] [--valid-rows-only]
                        [--user NAME] [--rename OLD=NEW ...]
    python -m cli batches
    python -m cli undo BATCH_ID [--user NAME]
    python -m cli export [--indicator ID ...] [--layout 2008|2025] [--status S ...] [--from P] [--to P]
                         --format csv|xlsx --out FILE
    python -m cli deck [--province CODE] [--layout 2008|2025] [--indicator ID ...] [--period P] [--synthetic]
                       --out FILE.pptx

Every command takes ``--store PATH`` (else ``$VN57_STORE``, else ``$VN57_DATA_DIR/vn57.duckdb``,
else ``.data/vn57.duckdb``) and ``--lang en|vi`` (the language of its messages).

Exit codes: 0 done; 1 refused, with the problems listed; 2 a usage error (unknown option,
missing file, bad value).

A command is one function ``run(args, out) -> int`` registered with :func:`command` together
with a function adding its arguments; :func:`main` only dispatches.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from data import export, importers, registry, schema
from data.importers import Options
from data.messages import t
from data.store import Store, StoreWriteError, open_store

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
LANGUAGES = ("en", "vi")
#: Problems printed one per line before the rest are counted (``check --json`` lists them all).
SHOWN_PROBLEMS = 200


class UsageError(Exception):
    """A usage error found after parsing (a missing file, an unknown indicator): exit code 2."""


@dataclasses.dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None]):
    """Register ``run(args, out) -> exit code`` as the command ``name``."""

    def register(run):
        COMMANDS[name] = Command(name, help, arguments, run)
        return run

    return register


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--store", metavar="PATH", default=default, help="the store (a DuckDB file)")
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS if suppress else "en",
                        help="language of the messages (en, vi)")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cli", description=__doc__.splitlines()[0])
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in COMMANDS.values():
        child = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        _common(child, suppress=True)  # also accepted after the command
        cmd.arguments(child)
    return parser


def _store(args: argparse.Namespace, read_only: bool = False) -> Store:
    return open_store(args.store or None, read_only=read_only)


def _read_file(path: str) -> tuple[str, bytes]:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    return file.name, file.read_bytes()


def _print_problems(report, lang: str, out: TextIO) -> None:
    problems = [*report.fatal, *report.problems]
    for p in problems[:SHOWN_PROBLEMS]:
        print(p.full(lang), file=out)
    if len(problems) > SHOWN_PROBLEMS:
        print(t("cli_more_problems", lang, n=len(problems) - SHOWN_PROBLEMS), file=out)
    if report.choices:
        for choice in report.choices:
            print(t("cli_choice", lang, layout=choice.name, confidence=f"{choice.confidence:.2f}"), file=out)
            shown = (
                choice.preview.to_string(index=False, max_colwidth=30) if not choice.preview.empty else choice.problem
            )
            print("  " + shown.replace("\n", "\n  "), file=out)


# --- check --------------------------------------------------------------------------------------------------
def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _reading_arguments(p)


def _reading_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reader", choices=sorted(importers.LAYOUTS), help="the layout of the file (default: detected)")
    p.add_argument("--sheet", help="the sheet of a workbook")
    p.add_argument("--indicator", metavar="ID", help="the indicator of a yearbook table")
    p.add_argument("--source", metavar="ID", help="the source of a yearbook table")
    p.add_argument("--definitions", metavar="FILE", nargs="+", action="extend", default=[],
                   help="tables of the file's own indicators or sources (CSV or XLSX), for a tidy file")  # fmt: skip


def _options(args: argparse.Namespace) -> Options:
    return Options(importer=args.reader, sheet=args.sheet, indicator=args.indicator, source_id=args.source)


def _files(args: argparse.Namespace) -> tuple[tuple[str, bytes], list[tuple[str, bytes]]]:
    """The file and its side files, read before the store is opened (a missing file is a usage error)."""
    return _read_file(args.file), [_read_file(path) for path in args.definitions]


def _analyse(args: argparse.Namespace, store: Store, files):
    (name, raw), side = files
    return importers.analyse(name, raw, _options(args), store=store, limits=importers.Limits.from_settings(),
                             side_files=side)  # fmt: skip


def _to_add(report) -> int:
    """Rows an import would add: observations, or the tasks of a task list."""
    return len(report.valid if report.tasks is None else report.tasks)


def report_json(report, lang: str) -> dict:
    """The report as plain data: detected facts, counts, every problem with row and column."""
    return {
        "file": report.file_name,
        "sha256": report.sha256,
        "layout": report.importer,
        "confidence": report.confidence,
        "detected": dict(report.detected_items()),
        "rows": {"read": report.rows_read, "valid": _to_add(report), "invalid": report.rows_invalid,
                 "missing": report.rows_missing, "stored_already": report.rows_stored, "repeated": report.rows_repeated},
        "refused": report.refused,
        "problems": [{"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column, "message": p.text(lang)}
                     for p in [*report.fatal, *report.problems]],
        "choices": [{"layout": c.name, "confidence": c.confidence, "problem": c.problem,
                     "first_rows": c.preview.to_dict(orient="records")} for c in report.choices],
        "definitions": {"indicators": sorted(report.definitions.indicators[schema.INDICATOR]),
                        "sources": sorted(report.definitions.sources[schema.SOURCE_ID])},
    }  # fmt: skip


@command("check", "read and validate a file; store nothing", _check_arguments)
def check(args: argparse.Namespace, out: TextIO) -> int:
    files = _files(args)
    store = _store(args)
    try:
        report = _analyse(args, store, files)
    finally:
        store.close()
    if args.json:
        print(json.dumps(report_json(report, args.lang), ensure_ascii=False, indent=2, default=str), file=out)
        return EXIT_REFUSED if report.refused else EXIT_OK
    for key, value in report.detected_items():
        print(f"{key}: {value.text(args.lang) if hasattr(value, 'text') else value}", file=out)
    print(t("cli_counts", args.lang, read=report.rows_read, valid=_to_add(report), invalid=report.rows_invalid,
            missing=report.rows_missing, stored=report.rows_stored), file=out)  # fmt: skip
    if report.refused:
        print(t("cli_refused", args.lang, n=len(report.fatal) + len(report.problems)), file=out)
        _print_problems(report, args.lang, out)
        return EXIT_REFUSED
    print(t("cli_check_ok", args.lang, n=_to_add(report)), file=out)
    return EXIT_OK


# --- import -------------------------------------------------------------------------------------------------
def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    _reading_arguments(p)
    p.add_argument("--valid-rows-only", action="store_true", help="import the valid rows of a file with problems")
    p.add_argument("--user", metavar="NAME", help="who imports (recorded with the batch; default: the login name)")


def _user(args: argparse.Namespace) -> str:
    if args.user:
        return args.user
    try:
        return f"cli ({getpass.getuser()})"
    except Exception:  # no login name in a container
        return "cli"


@command("import", "check a file and store it as one batch", _import_arguments)
def import_(args: argparse.Namespace, out: TextIO) -> int:
    files = _files(args)
    store = _store(args)
    try:
        report = _analyse(args, store, files)
        batch = _commit_or_refuse(args, report, store, out, nothing_to_add=not _to_add(report))
    finally:
        store.close()
    if not isinstance(batch, dict):
        return batch
    print(t("cli_imported", args.lang, batch=int(batch[schema.BATCH_ID]), added=int(batch["rows_added"]),
            skipped=int(batch["rows_skipped"])), file=out)  # fmt: skip
    return EXIT_OK


def _commit_or_refuse(args: argparse.Namespace, report, store: Store, out: TextIO, *, nothing_to_add: bool):
    """Store an analysed file as one batch (its ``batches`` row as a dict), or print why not and return the exit code."""
    if not report.can_import(args.valid_rows_only):
        if nothing_to_add and not report.refused:
            print(t("cli_nothing", args.lang), file=out)
            return EXIT_OK
        if args.valid_rows_only and report.mostly_invalid and not report.fatal:
            print(report.mostly_invalid_problem().full(args.lang), file=out)
        else:
            print(t("cli_refused", args.lang, n=len(report.fatal) + len(report.problems)), file=out)
        _print_problems(report, args.lang, out)
        return EXIT_REFUSED
    try:
        return importers.commit(report, store, user=_user(args), valid_only=args.valid_rows_only)
    except (ValueError, StoreWriteError) as exc:
        print(t("cli_not_imported", args.lang, error=_error_text(exc, args.lang)), file=out)
        return EXIT_REFUSED


def _error_text(exc: Exception, lang: str) -> str:
    return exc.text(lang) if hasattr(exc, "text") else str(exc)


# --- batches and undo ---------------------------------------------------------------------------------------
@command(
    "batches", "list every batch of the store, newest first", lambda p: p.add_argument("--json", action="store_true")
)
def batches(args: argparse.Namespace, out: TextIO) -> int:
    store = _store(args, read_only=False)
    try:
        table = store.batches()
    finally:
        store.close()
    columns = [
        schema.BATCH_ID,
        "created_at",
        "kind",
        "file_name",
        "rows_added",
        "rows_skipped",
        "user_name",
        "undone_at",
    ]
    table = table[columns]
    if args.json:
        print(table.to_json(orient="records", date_format="iso", force_ascii=False), file=out)
    else:
        print(table.to_string(index=False), file=out)
    return EXIT_OK


def _undo_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("batch", metavar="BATCH_ID", type=int)
    p.add_argument("--user", metavar="NAME", help="who undoes (recorded; default: the login name)")


@command("undo", "undo an import batch (its rows are hidden everywhere)", _undo_arguments)
def undo(args: argparse.Namespace, out: TextIO) -> int:
    store = _store(args)
    try:
        store.undo_batch(args.batch, user=_user(args))
    except (ValueError, StoreWriteError) as exc:
        print(t("cli_not_undone", args.lang, error=_error_text(exc, args.lang)), file=out)
        return EXIT_REFUSED
    finally:
        store.close()
    print(t("cli_undone", args.lang, batch=args.batch), file=out)
    return EXIT_OK


# --- export -------------------------------------------------------------------------------------------------
def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--indicator", metavar="ID", nargs="+", action="extend", help="indicators (default: all)")
    p.add_argument(
        "--layout", choices=schema.LAYOUTS, default=schema.LAYOUT_2025, help="province layout (default 2025)"
    )
    p.add_argument("--status", metavar="S", nargs="+", action="extend", choices=schema.STATUSES,
                   help="statuses (default: reported, target, derived; synthetic only when named)")  # fmt: skip
    p.add_argument("--from", dest="date_from", metavar="P", help="first period (2024, 2025-Q1, 2025-06...)")
    p.add_argument("--to", dest="date_to", metavar="P", help="last period")
    p.add_argument("--format", choices=("csv", "xlsx"), required=True)
    p.add_argument("--out", metavar="FILE", required=True)


def _period_bound(label: str | None, end: bool) -> str | None:
    if not label:
        return None
    try:
        _, start, stop = schema.parse_period(label)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return (stop if end else start).isoformat()


@command("export", "write observations to a CSV or XLSX file, with names, units and sources", _export_arguments)
def export_(args: argparse.Namespace, out: TextIO) -> int:
    statuses = args.status or [s for s in schema.STATUSES if s != schema.STATUS_SYNTHETIC]
    store = _store(args)
    try:
        indicators, sources = store.indicators(), store.sources()
        unknown = sorted(set(args.indicator or []) - set(indicators[schema.INDICATOR]))
        if unknown:
            raise UsageError(t("cli_unknown_indicator", args.lang, ids=", ".join(unknown)))
        obs = store.observations(indicators=args.indicator, layouts=[args.layout], statuses=statuses,
                                 date_from=_period_bound(args.date_from, False), date_to=_period_bound(args.date_to, True))  # fmt: skip
    finally:
        store.close()
    table = export.labelled(obs, registry.provinces(), indicators, sources, registry.regions(), lang=args.lang)
    if args.format == "csv":
        data = export.to_csv_bytes(table)
    else:
        filters = {"indicators": ", ".join(args.indicator or []) or "all", "layout": args.layout,
                   "statuses": ", ".join(statuses), "period": f"{args.date_from or '…'} to {args.date_to or '…'}",
                   "language": args.lang}  # fmt: skip
        data = export.to_xlsx_bytes(table, filters=filters, sources=sources, indicators=indicators)
    Path(args.out).write_bytes(data)
    print(t("cli_exported", args.lang, rows=len(table), file=args.out), file=out)
    if (table[schema.STATUS] == schema.STATUS_SYNTHETIC).any():
        print(t("cli_synthetic", args.lang), file=out)
    return EXIT_OK


# --- tasks: a task list as one batch of the task register ----------------------------------------------------------
def _tasks_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    p.add_argument("--province", metavar="CODE",
                   help="the province when the title rows do not name it: a name, or a code of the layout in force "
                        "on the reporting date (--layout to choose)")  # fmt: skip
    p.add_argument("--layout", choices=schema.LAYOUTS, help="the layout of a --province code (default: of --as-of)")
    p.add_argument("--programme", metavar="TEXT", help="the programme (plan) when the title rows do not name it")
    p.add_argument(
        "--as-of", dest="as_of", metavar="YYYY-MM-DD", help="the reporting date when the title rows do not say"
    )
    p.add_argument("--sheet", help="the sheet of a workbook")
    p.add_argument("--valid-rows-only", action="store_true", help="import the valid tasks of a file with problems")
    p.add_argument("--user", metavar="NAME", help="who imports (recorded with the batch; default: the login name)")
    p.add_argument("--rename", metavar="OLD=NEW", action="append", default=[],
                   help="a renamed task: its old code or title = its new one (repeat for several); its earlier "
                        "snapshots continue under the new id")  # fmt: skip


def _renames(pairs: list[str]) -> tuple[tuple[str, str], ...] | None:
    """``--rename OLD=NEW`` options as pairs; a usage error when one is not such a pair."""
    from data.tasks import parse_renames

    try:
        return parse_renames(pairs) or None
    except ValueError as exc:
        raise UsageError(f"--rename {str(exc)!r}: write OLD=NEW") from None


def _as_of(text: str | None) -> str | None:
    """``--as-of`` as an ISO date (dd/mm/yyyy accepted too); a usage error when it names no day."""
    if not text:
        return None
    from data.tasks import deadline_of

    day = deadline_of(text)
    if not day or not _is_day(text, day):
        raise UsageError(f"--as-of {text!r}: not a date (YYYY-MM-DD)")
    return day


def _is_day(text: str, day: str) -> bool:
    """Whether ``text`` names one day (not a month, quarter or year ending on ``day``)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return len(digits) == 8 and day.replace("-", "") in (digits, digits[4:] + digits[2:4] + digits[:2])


def _province(code: str | None, layout: str | None, as_of: str | None) -> str | None:
    """``--province`` as a name the importer reads: a code becomes its province's name in the layout meant."""
    if not code or not code.strip().isdigit():
        return code
    layout = layout or (schema.layout_for_date(as_of) if as_of else schema.LAYOUT_2025)
    table = registry.provinces(layout)
    found = table[table[schema.CODE] == code.strip().zfill(2)]
    if found.empty:
        raise UsageError(f"--province {code!r}: no such province code in layout {layout}")
    return str(found[schema.NAME_VI].iloc[0])


@command("tasks", "check a task list and store it as one batch of the task register", _tasks_arguments)
def tasks_(args: argparse.Namespace, out: TextIO) -> int:
    name, raw = _read_file(args.file)
    as_of = _as_of(args.as_of)
    options = Options(importer="tasks", sheet=args.sheet, province=_province(args.province, args.layout, as_of),
                      programme=args.programme, as_of=as_of, lang=args.lang, renames=_renames(args.rename))  # fmt: skip
    store = _store(args)
    try:
        report = importers.analyse(name, raw, options, store=store, limits=importers.Limits.from_settings())
        for key, value in report.detected_items():
            print(f"{key}: {value.text(args.lang) if hasattr(value, 'text') else value}", file=out)
        nothing = report.tasks is not None and report.tasks.empty
        batch = _commit_or_refuse(args, report, store, out, nothing_to_add=nothing)
    finally:
        store.close()
    if not isinstance(batch, dict):
        return batch
    print(t("cli_tasks_imported", args.lang, batch=int(batch[schema.BATCH_ID]), added=int(batch["rows_added"]),
            skipped=int(batch["rows_skipped"])), file=out)  # fmt: skip
    return EXIT_OK


# --- deck ---------------------------------------------------------------------------------------------------
def _deck_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--province", metavar="CODE", help="a province of the layout (default: the whole country)")
    p.add_argument(
        "--layout", choices=schema.LAYOUTS, default=schema.LAYOUT_2025, help="province layout (default 2025)"
    )
    p.add_argument("--indicator", metavar="ID", nargs="+", action="extend",
                   help="one slide each, in this order (default: the Presentation page's deck)")  # fmt: skip
    p.add_argument("--period", metavar="P", help="the period of every slide (default: each indicator's latest)")
    p.add_argument("--synthetic", action="store_true", help="show synthetic (demonstration) values, watermarked")
    p.add_argument("--out", metavar="FILE.pptx", required=True)


@contextlib.contextmanager
def _app_store(path: str | None):
    """The app's loaders (:mod:`ui.loaders`) on the store ``path`` (or the default one) for the time of a command.

    The loaders open the store named by the environment; their caches are keyed by the store's
    location and data version, so nothing read from another store is ever reused.
    """
    from data.store import URL_ENV, is_url
    from ui import loaders

    saved = {key: os.environ.get(key) for key in ("VN57_STORE", URL_ENV)}
    if path:
        os.environ.pop("VN57_STORE" if is_url(path) else URL_ENV, None)
        os.environ[URL_ENV if is_url(path) else "VN57_STORE"] = path
    loaders.store.clear()
    try:
        handle = loaders.store()
        try:
            yield loaders
        finally:
            handle.close()
    finally:
        loaders.store.clear()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@command(
    "deck",
    "write the Presentation page's meeting deck (PowerPoint, 16:9) to a file, in --lang's language",
    _deck_arguments,
)
def deck(args: argparse.Namespace, out: TextIO) -> int:
    from streamlit import logger

    logger.set_log_level("error")  # no "bare mode" warnings: the app's caches work without a server
    from ui import deck_view, present, sidebar

    if args.period:
        _period_bound(args.period, False)  # a usage error when it is not a period
    folder = Path(args.out).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{args.out}: no such folder")
    with _app_store(args.store) as loaders:
        sel = sidebar.Selection(lang=args.lang, layout=args.layout, show_synthetic=args.synthetic,
                                province=args.province)  # fmt: skip
        if args.province and args.province not in set(loaders.provinces(args.layout)[schema.CODE]):
            print(t("cli_deck_unknown_province", args.lang, code=args.province, layout=args.layout), file=out)
            return EXIT_REFUSED
        known = set(loaders.indicators()[schema.INDICATOR])
        unknown = sorted(set(args.indicator or []) - known)
        if unknown:
            print(t("cli_unknown_indicator", args.lang, ids=", ".join(unknown)), file=out)
            return EXIT_REFUSED
        available = loaders.benchmark_indicators(sel.layout, sel.statuses)
        chosen = args.indicator or present.default_deck(
            available, [i for i, _ in loaders.ranked_choices(sel.layout, sel.statuses)]
        )
        built = deck_view.assemble(sel, list(dict.fromkeys(chosen)), args.period)
    if built.skipped:
        print(t("cli_deck_skipped", args.lang, ids=", ".join(built.skipped)), file=out)
    if not built.shown:
        print(t("cli_deck_nothing", args.lang), file=out)
        return EXIT_REFUSED
    Path(args.out).write_bytes(built.data)
    print(t("cli_deck_written", args.lang, file=args.out, slides=built.slides, n=len(built.shown)), file=out)
    if built.synthetic:
        print(t("cli_deck_synthetic", args.lang), file=out)
    return EXIT_OK


# --- dispatch -----------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Parse ``argv``, run the command; returns the exit code (0 done, 1 refused, 2 usage error)."""
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints the usage and exits 2 (0 for --help)
        return int(exc.code or 0)
    args.lang = getattr(args, "lang", None) or "en"
    args.store = getattr(args, "store", None)
    try:
        return COMMANDS[args.command].run(args, out)
    except UsageError as exc:
        print(f"{parser.prog} {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreWriteError as exc:
        print(_error_text(exc, args.lang), file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
