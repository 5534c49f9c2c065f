"""The Import page's parts: reading options, the report, confirmation, batches and undo.

Nothing from an uploaded file is ever rendered as HTML: tables go through ``st.dataframe``
(cells are text), and file names or messages shown in Markdown are escaped by :func:`md`.
Every write re-reads :func:`ui.auth.access` first and clears the cached queries after.
"""

from __future__ import annotations

import functools
import os

import pandas as pd
import streamlit as st

from data import export, importers, schema
from data.importers import Limits, Options, Report
from data.store import KIND_IMPORT, StoreUnavailable, StoreWriteError
from data.tasks import parse_renames
from ui import auth as auth_ui
from ui import loaders, widgets
from ui.i18n import current_language, format_number, localized, t

REPORT_KEY = "_import_report"  # (key of the upload and options, Report)
PENDING_KEY = "_import_pending"  # (sha256, valid_only) awaiting confirmation
GO_KEY = "_import_go"  # (sha256, valid_only) confirmed
UNDO_PENDING_KEY = "_undo_pending"  # batch id awaiting confirmation
UNDO_GO_KEY = "_undo_go"  # batch id confirmed
MESSAGE_KEY = "_import_message"  # what the last write did, shown once
UPLOADS_KEY = "_import_uploads"  # bumped after an import, so the uploader starts empty
#: (field of Report.detected, translation key)
DETECTED_LABELS = (
    ("format", "detected_format"), ("encoding", "detected_encoding"), ("separator", "detected_separator"),
    ("sheet", "detected_sheet"), ("layout", "detected_layout"), ("header_rows", "detected_header_rows"),
    ("place_column", "detected_place_column"), ("decimal", "detected_decimal"), ("indicator", "detected_indicator"),
    ("unit_in_file", "detected_unit_in_file"), ("status", "detected_status"), ("source", "detected_source"),
    ("footnotes", "detected_footnotes"), ("headings", "detected_headings"),
    ("ignored_columns", "detected_ignored_columns"), ("ignored_cells", "detected_ignored_cells"),
    ("definitions", "detected_definitions"), ("format_note", "detected_format_note"),
    ("confidence", "detected_confidence"), ("earlier_import", "detected_earlier_import"),
    ("task_province", "detected_task_province"), ("task_programme", "detected_task_programme"),
    ("task_as_of", "detected_task_as_of"), ("late_by_deadline", "detected_late_by_deadline"),
    ("renamed", "detected_renamed"),
)  # fmt: skip
#: Problems named in the red box; the rest are in the table below it and in the download.
SHOWN_PROBLEMS = 5
SIDE_KEY = "import_side"
#: Columns of the problem table, and the translation keys of their headers.
PROBLEM_HEADERS = (("file", "problem_col_file"), ("sheet", "problem_col_sheet"), ("row", "problem_col_row"),
                   ("column", "problem_col_column"), ("message", "problem_col_message"))  # fmt: skip
#: Columns of the batches table shown, and the translation keys of their headers.
BATCH_FIELDS = (schema.BATCH_ID, "created_at", "kind", "file_name", "sha256", "rows_added", "rows_skipped",
                "user_name", "undone_at", "undone_by")  # fmt: skip
BATCH_HEADERS = ("batch_col_batch", "batch_col_created", "batch_col_kind", "batch_col_file", "batch_col_sha",
                 "batch_col_added", "batch_col_skipped", "batch_col_user", "batch_col_undone", "batch_col_undone_by")  # fmt: skip
AUDIT_FIELDS = ("created_at", "action", schema.BATCH_ID, "user_name", "detail")
AUDIT_HEADERS = ("batch_col_created", "batch_col_action", "batch_col_batch", "batch_col_user", "batch_col_detail")
#: (option, translation key of its label)
OPTION_LABELS = (("importer", "import_option_layout"), ("encoding", "import_option_encoding"),
                 ("separator", "import_option_separator"), ("decimal", "import_option_decimal"))  # fmt: skip
OPTION_CHOICES = {
    "importer": ("", *importers.LAYOUTS),
    "encoding": ("", "utf-8", "utf-8-sig", "utf-16", "cp1258"),
    "separator": ("", ",", ";", "\t"),
    "decimal": ("", ".", ","),
}
_SHOWN = {",": "comma ,", ";": "semicolon ;", "\t": "tab", ".": "point .", "cp1258": "Windows-1258"}


def md(text: object) -> str:
    r"""Text safe to put inside Markdown: every Markdown sign escaped, line breaks flattened.

    Examples
    --------
    >>> md("![x](y) *b*")
    '\\!\\[x\\]\\(y\\) \\*b\\*'
    """
    return widgets.plain(" ".join(str(text).split()))


def limits() -> Limits:
    """The upload limits: environment, else secrets ``[vn57]``, else defaults."""
    return Limits.from_settings(os.environ, auth_ui.secrets().get("vn57") or {})


def template_button(layout: str) -> None:
    st.download_button(
        t("import_template"), data=functools.partial(importers.template_bytes, layout),
        file_name=f"vn57-template-{layout}.xlsx", key="import_template", on_click="ignore", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help=t("import_template_help", layout=t(f"layout_{layout}")),
    )  # fmt: skip


def show_message() -> None:
    """What the last import or undo did (once)."""
    done = st.session_state.pop(MESSAGE_KEY, None)
    if done and done[0] == "import":
        st.success(t("import_done", batch=done[1], added=format_number(done[2], 0), skipped=format_number(done[3], 0)))
        if done[4:] == ("tasks",):
            st.page_link("pages/tasks.py", label=t("import_done_tasks_link"), icon=":material/checklist:")
        else:
            st.page_link("pages/explorer.py", label=t("import_done_link"), icon=":material/table_view:")
    elif done:
        st.success(t("import_undo_done", batch=done[1]))


def upload(lim: Limits):
    """The uploader (a fresh one after each import)."""
    key = f"import_file_{st.session_state.get(UPLOADS_KEY, 0)}"
    st.caption(t("import_limits", mb=f"{lim.max_mb:g}", rows=format_number(lim.max_rows, 0)))
    return st.file_uploader(t("import_upload"), type=["csv", "tsv", "txt", "xlsx"], key=key,
                            max_upload_size=max(1, int(-(-lim.max_mb // 1))))  # fmt: skip


def reading_options(lang: str) -> Options:
    """The expander of reading options; empty choices mean "detect"."""
    auto = t("import_auto", lang)
    inds = localized(loaders.indicators().set_index(schema.INDICATOR), "name", lang)
    with st.expander(t("import_options")):
        left, right = st.columns(2)
        chosen = {}
        for name, option_label in OPTION_LABELS:
            box = left if name in ("importer", "encoding") else right
            chosen[name] = box.selectbox(
                t(option_label), OPTION_CHOICES[name], key=f"import_opt_{name}",
                format_func=lambda v: auto if not v else (importers.LAYOUTS[v].label if v in importers.LAYOUTS else _SHOWN.get(v, v)),
            )  # fmt: skip
        chosen["sheet"] = left.text_input(t("import_option_sheet"), key="import_opt_sheet").strip()
        chosen["indicator"] = right.selectbox(t("import_option_indicator"), ["", *inds.index], key="import_opt_indicator",
                                              format_func=lambda v: f"{inds[v]} ({v})" if v else auto)  # fmt: skip
        chosen["status"] = left.selectbox(t("import_option_status"), ["", *schema.STATUSES], key="import_opt_status",
                                          format_func=lambda v: t(f"status_{v}", lang) if v else auto)  # fmt: skip
        chosen["source_id"] = right.selectbox(t("import_option_source"), ["", *loaders.sources()[schema.SOURCE_ID]],
                                              key="import_opt_source", format_func=lambda v: v or auto)  # fmt: skip
    side_files_uploader()
    chosen.update(task_options(lang))
    return Options(**{k: (v or None) for k, v in chosen.items()}, lang=lang)


def side_files_uploader() -> None:
    """Own indicators and sources of a tidy file, uploaded as side files, in their own expander (read by :func:`_side_files`)."""
    with st.expander(t("import_side_title"), icon=":material/library_add:"):
        st.file_uploader(t("import_side_files"), type=["csv", "tsv", "txt", "xlsx"], accept_multiple_files=True,
                         key=f"{SIDE_KEY}_{st.session_state.get(UPLOADS_KEY, 0)}")  # fmt: skip


def task_options(lang: str) -> dict[str, str]:
    """Province, programme and reporting date of a task list whose title rows do not say them (data/importers/tasks.py)."""
    names = loaders.provinces(schema.LAYOUT_2025)[schema.NAME_VI].tolist()
    names += [n for n in loaders.provinces(schema.LAYOUT_2008)[schema.NAME_VI] if n not in names]
    with st.expander(t("import_task_options")):
        left, middle, right = st.columns(3)
        province = left.selectbox(t("import_option_task_province"), ["", *names], key="import_opt_task_province",
                                  format_func=lambda v: v or t("import_auto", lang))  # fmt: skip
        programme = middle.text_input(t("import_option_task_programme"), key="import_opt_task_programme").strip()
        as_of = right.text_input(t("import_option_task_as_of"), key="import_opt_task_as_of").strip()
        written = st.text_area(t("import_option_task_renames"), key="import_opt_task_renames", height=80)
        renames = []
        for line in written.splitlines():
            try:
                renames += parse_renames([line])
            except ValueError as exc:
                st.caption(t("import_option_task_renames_bad", line=str(exc)))
    return {"province": province, "programme": programme, "as_of": as_of, "renames": tuple(renames)}


def _side_files() -> list:
    return st.session_state.get(f"{SIDE_KEY}_{st.session_state.get(UPLOADS_KEY, 0)}") or []


def analyse_upload(uploaded, options: Options, lim: Limits) -> Report:
    """The report of the uploaded file (and its side files) with these options; computed once, kept for the reruns."""
    side = _side_files()
    key = (uploaded.file_id, uploaded.size, options, lim, tuple(f.file_id for f in side))
    kept = st.session_state.get(REPORT_KEY)
    if kept and kept[0] == key:
        return kept[1]
    bar = st.progress(0.0, text=t("import_reading"))
    report = importers.analyse(uploaded.name, uploaded.getvalue(), options, store=loaders.store(), limits=lim,
                               progress=lambda fraction, _stage: bar.progress(fraction, text=t("import_reading")),
                               side_files=[(f.name, f.getvalue()) for f in side])  # fmt: skip
    bar.empty()
    st.session_state[REPORT_KEY] = (key, report)
    return report


def show_report(report: Report, lang: str) -> None:
    """What was detected, the counts, a preview and every problem (downloadable)."""
    st.subheader(t("import_detected"))
    rows = []
    for field, detected_key in DETECTED_LABELS:
        if field in report.detected:
            rows.append((t(detected_key), _in(report.detected[field], lang)))
    st.dataframe(
        pd.DataFrame(rows, columns=[t("import_what"), t("import_found")]), hide_index=True, key="import_detected"
    )
    if not report.fatal:
        n = functools.partial(format_number, decimals=0, lang=lang)
        st.caption(t("import_counts", read=n(report.rows_read), valid=n(len(_rows(report))), invalid=n(report.rows_invalid),
                     missing=n(report.rows_missing), stored=n(report.rows_stored), repeated=n(report.rows_repeated)))  # fmt: skip
        with st.expander(t("import_preview")):
            if report.tasks is not None:  # a task list: its tasks as read (text cells only)
                shown = report.preview
            else:
                shown = export.labelled(report.preview, loaders.provinces(), loaders.indicators(), loaders.sources(),
                                        loaders.regions(), lang=lang)  # fmt: skip
            st.dataframe(shown, hide_index=True, key="import_preview")
    _problems(report, lang)


def _problems(report: Report, lang: str) -> None:
    """Every problem of the report as a table, downloadable."""
    if report.fatal or report.problems:
        problems = [*report.fatal, *report.problems]
        heading = (
            t("import_problems_fatal")
            if report.fatal
            else t("import_problems", n=format_number(len(problems), 0, lang))
        )
        st.error(red_box(heading, problems, lang), icon=":material/block:" if report.fatal else ":material/error:")
        if report.choices:
            show_choices(report, lang)
        table = problem_table(problems, lang)
        headers = {}
        for column, header in PROBLEM_HEADERS:
            headers[column] = t(header, lang)
        st.dataframe(table, hide_index=True, key="import_problems",
                     column_config={c: st.column_config.TextColumn(headers[c]) for c in table.columns})  # fmt: skip
        download = table.rename(columns=headers)
        st.download_button(t("import_problems_download"), data=export.to_csv_bytes(download),
                           file_name="import-problems.csv", mime="text/csv", key="import_problems_csv",
                           on_click="ignore", icon=":material/download:")  # fmt: skip


def _in(value, lang: str) -> str:
    """A detected value or message in ``lang`` (catalogue messages are translated; other text is as found)."""
    return value.text(lang) if hasattr(value, "text") else str(value)


def red_box(heading: str, problems: list, lang: str) -> str:
    """The red box's Markdown: the heading, the first problems (where and what, in ``lang``), how many more.

    Every problem is escaped (:func:`md`): cell values and file names are shown as typed, never rendered.
    """
    lines = [f"**{md(heading)}**", ""]
    lines += [f"- {md(p.full(lang))}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines += ["", md(t("import_problems_more", lang, n=format_number(len(problems) - SHOWN_PROBLEMS, 0, lang)))]
    return "\n".join(lines)


def problem_table(problems: list, lang: str) -> pd.DataFrame:
    """Every problem (file, sheet, row, column, message in ``lang``) for the table and the download."""
    rows = [
        (p.file, p.sheet or "", "" if p.row is None else str(p.row), p.column or "", p.text(lang)) for p in problems
    ]
    table = pd.DataFrame(rows, columns=["file", "sheet", "row", "column", "message"], dtype="str")
    return table if table["sheet"].ne("").any() else table.drop(columns="sheet")


def show_choices(report: Report, lang: str) -> None:
    """The candidate layouts, each with its first rows and a button to read the file that way."""
    st.warning(t("import_choose_layout", lang), icon=":material/help:")
    for choice in report.choices:
        st.caption(t("import_choice", lang, label=choice.label, confidence=format_number(choice.confidence, 2, lang)))
        if choice.preview.empty:
            st.caption(t("import_choice_cannot", lang, problem=md(choice.problem)))
        else:
            st.dataframe(choice.preview, hide_index=True, key=f"import_choice_{choice.name}")
        st.button(t("import_choice_button", lang, label=choice.label), key=f"import_choose_{choice.name}",
                  on_click=_set, args=("import_opt_importer", choice.name))  # fmt: skip


def import_controls(report: Report, editor: str, lang: str | None = None) -> None:
    """Valid-rows choice (refused when most rows fail), then Import… and its confirmation."""
    lang = lang or current_language()
    valid_only = False
    if report.fatal:
        return
    rows = _rows(report)
    if report.problems:
        if rows.empty:
            return
        if report.mostly_invalid:
            st.error(md(report.mostly_invalid_problem().text(lang)), icon=":material/block:")
            return
        valid_only = st.checkbox(t("import_valid_only", n=len(rows), bad=report.rows_invalid), key="import_valid_only")
    elif rows.empty:
        st.info(t("import_nothing"))
        return
    else:
        st.success(t("import_ok", n=format_number(len(rows), 0)))
    if not report.can_import(valid_only):
        return
    token = (report.sha256, valid_only)
    if st.session_state.get(PENDING_KEY) != token:
        st.button(t("import_start"), key="import_start", type="primary", icon=":material/upload:",
                  on_click=_set, args=(PENDING_KEY, token))  # fmt: skip
        return
    st.warning(t("import_confirm_text", n=format_number(len(rows), 0), who=md(editor)))
    yes, no = st.columns(2)
    no.button(t("import_cancel"), key="import_cancel", on_click=_set, args=(PENDING_KEY, None))
    yes.button(t("import_confirm"), key="import_confirm", type="primary", on_click=_set, args=(GO_KEY, token))
    if st.session_state.pop(GO_KEY, None) == token:
        _write_import(report, valid_only, lang)


def _rows(report: Report) -> pd.DataFrame:
    """The rows an import of the report writes: observations, or the tasks of a task list."""
    return report.valid if report.tasks is None else report.tasks


def _set(key: str, value) -> None:
    """Button callback: callbacks run before the script, so a click survives a rerun that the run may start with."""
    st.session_state[key] = value


def _write_import(report: Report, valid_only: bool, lang: str) -> None:
    acc = auth_ui.access()  # checked again right before writing
    st.session_state.pop(PENDING_KEY, None)
    if acc.editor is None:
        st.error(t("auth_viewer"))
        return
    bar = st.progress(0.0, text=t("import_writing"))
    try:
        batch = importers.commit(report, loaders.store(), user=acc.editor, valid_only=valid_only,
                                 progress=lambda fraction: bar.progress(fraction, text=t("import_writing")))  # fmt: skip
    except (ValueError, StoreUnavailable, StoreWriteError) as exc:  # refused, stored meanwhile, server lost, disk
        bar.empty()
        st.error(t("import_failed", error=md(_in(exc, lang))))
        return
    loaders.clear_after_write()
    st.session_state.pop(REPORT_KEY, None)
    st.session_state[UPLOADS_KEY] = st.session_state.get(UPLOADS_KEY, 0) + 1
    st.session_state[MESSAGE_KEY] = (
        "import",
        int(batch[schema.BATCH_ID]),
        int(batch["rows_added"]),
        int(batch["rows_skipped"]),
        *(("tasks",) if report.tasks is not None else ()),
    )
    st.rerun()


def batches_panel(editor: str | None) -> None:
    """Every batch with its details, undo (editors) and the audit trail."""
    st.subheader(t("import_batches"))
    store = loaders.store()
    batches = store.batches()
    imports = batches[batches["kind"] == KIND_IMPORT]
    if imports.empty:
        st.caption(t("import_batches_none"))
    batch_config = {}
    for field, batch_header in zip(BATCH_FIELDS, BATCH_HEADERS):
        batch_config[field] = st.column_config.Column(t(batch_header))
    st.dataframe(
        batches, column_order=BATCH_FIELDS, column_config=batch_config, hide_index=True, key="import_batch_table"
    )
    if editor is not None:
        _undo_controls(imports[imports["undone_at"].isna()])
    with st.expander(t("import_audit")):
        audit_config = {}
        for field, audit_header in zip(AUDIT_FIELDS, AUDIT_HEADERS):
            audit_config[field] = st.column_config.Column(t(audit_header))
        st.dataframe(
            store.audit(), column_order=AUDIT_FIELDS, column_config=audit_config, hide_index=True, key="import_audit"
        )


def _undo_controls(active: pd.DataFrame) -> None:
    if active.empty:
        st.caption(t("import_undo_none"))
        return
    rows = active.set_index(schema.BATCH_ID)
    choice = st.selectbox(t("import_undo_choose"), [int(b) for b in rows.index], key="undo_batch",
                          format_func=lambda b: f"{b} · {rows.at[b, 'file_name']} · {rows.at[b, 'rows_added']}")  # fmt: skip
    if st.session_state.get(UNDO_PENDING_KEY) != choice:
        st.button(
            t("import_undo_start"),
            key="undo_start",
            icon=":material/undo:",
            on_click=_set,
            args=(UNDO_PENDING_KEY, choice),
        )
        return
    st.warning(
        t(
            "import_undo_confirm_text",
            batch=choice,
            file=md(rows.at[choice, "file_name"]),
            rows=int(rows.at[choice, "rows_added"]),
        )
    )
    yes, no = st.columns(2)
    no.button(t("import_cancel"), key="undo_cancel", on_click=_set, args=(UNDO_PENDING_KEY, None))
    yes.button(t("import_undo_confirm"), key="undo_confirm", type="primary", on_click=_set, args=(UNDO_GO_KEY, choice))
    if st.session_state.pop(UNDO_GO_KEY, None) == choice:
        acc = auth_ui.access()  # checked again right before writing
        st.session_state.pop(UNDO_PENDING_KEY, None)
        if acc.editor is None:
            st.error(t("auth_viewer"))
            return
        try:
            loaders.store().undo_batch(choice, user=acc.editor)
        except (ValueError, StoreWriteError) as exc:
            st.error(t("import_failed", error=md(_in(exc, current_language()))))
            return
        loaders.clear_after_write()
        st.session_state.pop(REPORT_KEY, None)
        st.session_state[MESSAGE_KEY] = ("undo", choice)
        st.rerun()
