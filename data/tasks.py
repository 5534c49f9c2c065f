"""The task register: a province's Resolution 57 task list, one row per task and reporting date.

A secretariat keeps its programme's tasks in a spreadsheet (which task, which department leads,
which deadline, which status) and reports it monthly or quarterly. Each import of such a list is a
*snapshot* of one programme of one province on one reporting date; the snapshots together are the
tasks' status history. This module holds what the store needs for them:

* the ``tasks`` table (:data:`TASK_COLUMNS` plus ``batch_id``), created by :func:`create_table`
  (an idempotent step of the store's schema, portable SQL);
* the reading of status words, deadlines and task ids (:func:`status_of_word`,
  :func:`deadline_of`, :func:`task_key`), and the rule that makes a task late
  (:func:`counted_status`);
* :func:`check_tasks`, which validates raw rows (every problem with its file row and column, in
  the page's language), and :meth:`data.store.Store.add_task_batch`, which writes a snapshot as one import batch (one
  transaction, audited, undone like any import: :meth:`data.store.Store.undo_batch`);
* :func:`read_tasks`: stored tasks of batches not undone, renamed tasks under their new id.

A task's id is the table's own code, else its title folded (:func:`task_key`), so a renamed task is a
new task unless the user maps it: a ``renamed from`` column (``renamed_from``, ``mã cũ``, ``tên cũ``)
naming the task's old code or title, or pairs ``OLD=NEW`` given with the import (the Import page,
``--rename`` on the command line). The mapping is stored with the batch (``task_renames``: one row per
programme of a province, reporting date, old and new id; undone with the batch) and
:func:`read_tasks` carries the old id's earlier snapshots over to the new id (:func:`apply_renames`),
so the task's status history is one.

Statuses exclude each other, as in the reports (Thái Nguyên on 2025-11-03: 83 done + 72 in progress
+ 1 late = 156): ``done``, ``in progress``, ``not started``, ``late``, ``cancelled``. A task that is
not done (nor cancelled) is ``late`` once its deadline has passed by the reporting date, whatever the
status column says; the status the file gave is kept beside it (``status_in_file``).

A programme belongs to the province that adopted it, in the layout in force on the reporting date:
Bình Định's Programme 32 (reported before 1 July 2025) stays Bình Định's (layout 2008), and is shown
under Gia Lai as its predecessor's, never merged into Gia Lai's counts.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

import i18n
from data import catalogue, names, schema
from data.observations import Problem

DONE, IN_PROGRESS, NOT_STARTED, LATE, CANCELLED = schema.TASK_STATUSES
#: Columns of the tasks table (and of a checked task frame), in order.
TASK_COLUMNS = (
    schema.LAYOUT,
    schema.GEO_CODE,
    schema.PROGRAMME,
    schema.PROGRAMME_NUMBER,
    schema.PROGRAMME_DATE,
    schema.AS_OF,
    schema.TASK_ID,
    schema.TASK_TITLE,
    schema.PILLAR,
    schema.LEAD_DEPARTMENT,
    schema.DEADLINE,
    schema.DEADLINE_TEXT,
    schema.TASK_STATUS,
    schema.STATUS_IN_FILE,
    schema.COMPLETED_ON,
    schema.NOTE,
    schema.STATUS,
    schema.SOURCE_ID,
    schema.NOTE_VI,
)
#: A snapshot: one programme of one province on one reporting date.
SNAPSHOT_KEY = (schema.LAYOUT, schema.GEO_CODE, schema.PROGRAMME, schema.AS_OF)
#: Source of tasks imported from a file (the file itself is named in the batch).
REGISTER_SOURCE = "task_register"
DEMO_SOURCE = "synthetic_demo"
DEMO_FILE = Path(__file__).resolve().parent / "sample" / "tasks_demo.csv"

#: The raw column naming a task's former id (its old code, or its old title); not stored with the task.
RENAMED_FROM = "renamed_from"
OLD_ID, NEW_ID = "old_id", "new_id"
#: Columns of the ``task_renames`` table (and of :attr:`CheckedTasks.renames`), besides ``batch_id``.
RENAME_COLUMNS = (*SNAPSHOT_KEY, OLD_ID, NEW_ID)

DDL = (
    "CREATE TABLE IF NOT EXISTS tasks ("
    + ", ".join(f"{c} VARCHAR" for c in TASK_COLUMNS if c != schema.NOTE_VI)  # note_vi: a later step
    + f", {schema.BATCH_ID} INTEGER)"
)


def create_table(connection) -> None:
    """The schema step of the task register: create the ``tasks`` table if it is missing (idempotent)."""
    connection.execute(DDL)


def add_note_vi(connection) -> None:
    """The schema step of the tasks' Vietnamese notes: ``note_vi`` on ``tasks``, "" for rows stored before (idempotent)."""
    connection.execute(f"ALTER TABLE tasks ADD COLUMN IF NOT EXISTS {schema.NOTE_VI} VARCHAR DEFAULT ''")
    connection.execute(f"UPDATE tasks SET {schema.NOTE_VI} = '' WHERE {schema.NOTE_VI} IS NULL")


RENAMES_DDL = (
    "CREATE TABLE IF NOT EXISTS task_renames ("
    + ", ".join(f"{c} VARCHAR" for c in RENAME_COLUMNS)
    + f", {schema.BATCH_ID} INTEGER)"
)


def create_renames_table(connection) -> None:
    """The schema step of renamed tasks: create the ``task_renames`` table if it is missing (idempotent)."""
    connection.execute(RENAMES_DDL)


# --- messages in both languages ------------------------------------------------------------------
#: Messages of this module live in ``i18n/translations/tasks.toml`` as ``task_problem_<key>``.
MESSAGE_PREFIX = "task_problem_"


def say(key: str, lang: str | None = "en", **values) -> str:
    """A message of this module in ``lang`` ("en" or "vi"), fields filled in (``i18n/translations/tasks.toml``)."""
    return i18n.t(MESSAGE_PREFIX + key, lang if lang in i18n.LANGUAGES else "en", **values)


# --- words and dates --------------------------------------------------------------------------------
def _fold(text: object) -> str:
    from data.importers.core import fold  # late: data.importers imports this module

    return fold(text)


#: Status words (folded: lower case, no diacritics) -> status; the longest word that starts the
#: cell wins, so "Đã hoàn thành; ban hành Quyết định số 12" is done.
STATUS_WORDS = {
    "da hoan thanh": DONE,
    "hoan thanh": DONE,
    "done": DONE,
    "completed": DONE,
    "complete": DONE,
    "xong": DONE,
    "da xong": DONE,
    "dang thuc hien": IN_PROGRESS,
    "dang trien khai": IN_PROGRESS,
    "in progress": IN_PROGRESS,
    "ongoing": IN_PROGRESS,
    "dang lam": IN_PROGRESS,
    "dang": IN_PROGRESS,
    "chua thuc hien": NOT_STARTED,
    "chua trien khai": NOT_STARTED,
    "chua bat dau": NOT_STARTED,
    "not started": NOT_STARTED,
    "chua": NOT_STARTED,
    "cham tien do": LATE,
    "cham": LATE,
    "qua han": LATE,
    "tre han": LATE,
    "late": LATE,
    "overdue": LATE,
    "behind schedule": LATE,
    "dang thuc hien nhung cham": LATE,
    "dang thuc hien, cham tien do": LATE,
    "da huy": CANCELLED,
    "huy": CANCELLED,
    "huy bo": CANCELLED,
    "khong thuc hien": CANCELLED,
    "dung thuc hien": CANCELLED,
    "cancelled": CANCELLED,
    "canceled": CANCELLED,
}
_WORDS_LONGEST_FIRST = sorted(STATUS_WORDS, key=len, reverse=True)
#: Deadlines that name no date: a standing task ("thường xuyên"), or every year.
OPEN_DEADLINES = ("thuong xuyen", "hang nam", "hang quy", "hang thang", "lien tuc", "ongoing", "regular", "annually")


@functools.lru_cache(maxsize=4096)
def status_of_word(text: object) -> str | None:
    """The status a cell's words name, or None.

    Examples
    --------
    >>> status_of_word("Đã hoàn thành"), status_of_word("Quá hạn"), status_of_word("Chưa thực hiện")
    ('done', 'late', 'not started')
    >>> status_of_word("in progress"), status_of_word("maybe")
    ('in progress', None)
    """
    words = _fold(text).strip(" .;:-")
    if words in schema.TASK_STATUSES:
        return words
    for word in _WORDS_LONGEST_FIRST:
        if words == word or (words.startswith(word) and not words[len(word)].isalnum()):
            return STATUS_WORDS[word]
    return None


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


@functools.lru_cache(maxsize=8192)
def deadline_of(text: object) -> str | None:
    """The last day a deadline allows, as an ISO date; "" for none; None when unreadable.

    A day (``30/06/2025``, ``2025-06-30``) is itself; a month, quarter (``Quý II/2025``), half or
    year is its last day; a standing task (``Thường xuyên``) or an empty cell has no deadline.

    Examples
    --------
    >>> deadline_of("30/06/2025"), deadline_of("Quý II/2025"), deadline_of("Năm 2025"), deadline_of("Tháng 9/2025")
    ('2025-06-30', '2025-06-30', '2025-12-31', '2025-09-30')
    >>> deadline_of("Thường xuyên"), deadline_of(""), deadline_of("soon")
    ('', '', None)
    """
    from data.importers.periods import period_label  # late: data.importers imports this module

    raw = str(text or "").strip()
    if not raw or _fold(raw).strip(" .") in OPEN_DEADLINES:
        return ""
    if iso := _ISO.match(raw):
        raw = "-".join(iso.groups())
    label, _ = period_label(raw)
    if label is None:
        words = re.sub(r"^(?:truoc|trong|den|by|before|within)\s+(?:ngay\s+)?", "", _fold(raw))
        label, _ = period_label(words) if words != _fold(raw) else (None, False)
    if label is None:
        return None
    try:
        return schema.parse_period(label)[2].isoformat()
    except ValueError:
        return None


def task_key(title: object) -> str:
    """The id of a task without a code of its own: its title folded, punctuation and spaces collapsed.

    Examples
    --------
    >>> task_key("  Xây dựng Trung tâm dữ liệu tỉnh. ")
    'xay dung trung tam du lieu tinh'
    """
    return re.sub(r"[^0-9a-z]+", " ", _fold(title)).strip()


def counted_status(status_in_file: pd.Series, deadline: pd.Series, as_of: pd.Series) -> pd.Series:
    """The status counted: ``late`` when not done nor cancelled and the deadline passed by the reporting date.

    Dates are ISO text, so they compare as text; an empty deadline never passes.

    Examples
    --------
    >>> counted_status(pd.Series(["in progress", "done", "not started"]), pd.Series(["2025-06-30"] * 3),
    ...                pd.Series(["2025-11-03"] * 3)).tolist()
    ['late', 'done', 'late']
    """
    passed = (deadline != "") & (deadline < as_of)
    open_task = ~status_in_file.isin([DONE, CANCELLED])
    return status_in_file.where(~(passed & open_task), LATE)


def _shown_date(iso: str, lang: str | None) -> str:
    """dd/mm/yyyy in Vietnamese, ISO in English."""
    return i18n.format_date(iso, lang) if lang and len(iso) == 10 else iso


def each_unique(values: pd.Series, fn) -> pd.Series:
    """``fn`` of every value, computed once per distinct value (a register repeats its titles in every snapshot).

    Examples
    --------
    >>> each_unique(pd.Series(["a", "b", "a"]), str.upper).tolist()
    ['A', 'B', 'A']
    """
    distinct = pd.unique(values)
    return pd.Series(pd.Categorical(values, categories=distinct).codes, index=values.index).map(
        dict(enumerate(fn(v) for v in distinct))
    )


# --- checking raw rows -------------------------------------------------------------------------------
@dataclasses.dataclass
class CheckedTasks:
    """What :func:`check_tasks` made of raw rows: the valid tasks, problems, and what to tell the user."""

    frame: pd.DataFrame  # valid rows, :data:`TASK_COLUMNS`
    problems: list[Problem]
    bad: np.ndarray  # per raw row
    notes: dict[str, str]
    #: Renamed tasks of the valid rows (:data:`RENAME_COLUMNS`), stored with the batch.
    renames: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=list(RENAME_COLUMNS)))


def _pillars() -> dict[str, str]:
    """Folded pillar ids and names (both languages) -> pillar id."""
    table = catalogue.pillars()
    found = {}
    for row in table.itertuples(index=False):
        pid = row.pillar
        for text in (pid, row.name_en, row.name_vi):
            found[_fold(text)] = pid
    return found


def check_tasks(
    raw: pd.DataFrame,
    *,
    file_name: str,
    lines: np.ndarray,
    column: callable,
    lang: str = "en",
    status: str = schema.STATUS_REPORTED,
    source_id: str = REGISTER_SOURCE,
    renames: tuple[tuple[str, str], ...] | None = None,
) -> CheckedTasks:
    """Validate raw task rows (text cells) into the tasks of one or more snapshots.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text columns: ``province`` (a name or a code of ``layout``), ``layout`` (may be empty: the
        layout in force on the reporting date), :data:`data.schema.PROGRAMME`,
        ``PROGRAMME_NUMBER``, ``PROGRAMME_DATE``, ``AS_OF``, ``TASK_ID`` (may be empty),
        ``TASK_TITLE``, ``PILLAR``, ``LEAD_DEPARTMENT``, ``DEADLINE`` (as written),
        ``STATUS_IN_FILE`` (as written), ``COMPLETED_ON``, ``NOTE``; missing columns count as empty.
    file_name : str
        Named in every problem.
    lines : numpy.ndarray
        The file row of each raw row.
    column : callable
        ``column(position, name)``: the file's column (letter or header) a problem lies in.
    lang : {"en", "vi"}
        Language of the messages.
    status : str
        Data status of the rows (``reported``, or ``synthetic`` for demonstration lists).
    renames : tuple of (old, new), optional
        Renamed tasks given with the import (besides a :data:`RENAMED_FROM` column): each task's old
        and new code or title (see :func:`rename_table`).

    Returns
    -------
    CheckedTasks
        ``frame`` holds the valid rows with :data:`TASK_COLUMNS`, ``task_status`` counted by
        :func:`counted_status`; a row with any problem is left out and marked in ``bad``.
    """
    n = len(raw)
    text = {
        c: (raw[c].fillna("").astype(str).str.strip() if c in raw else pd.Series([""] * n, index=raw.index))
        for c in ("province", schema.LAYOUT, *TASK_COLUMNS, RENAMED_FROM)
    }
    problems: list[Problem] = []
    bad = np.zeros(n, dtype=bool)

    def problem(pos: int, col: str, key: str, **values) -> None:
        problems.append(Problem(file_name, int(lines[pos]), column(pos, col), say(key, lang, **values)))
        bad[pos] = True

    out = pd.DataFrame(index=raw.index)
    # reporting date, then the province in the layout of that date
    as_of = each_unique(text[schema.AS_OF], lambda v: deadline_of(v) if v else "")
    for pos in np.flatnonzero(as_of.isna().to_numpy()):
        problem(pos, schema.AS_OF, "bad_date", value=text[schema.AS_OF].iloc[pos])
    out[schema.AS_OF] = as_of.fillna("")
    out[schema.LAYOUT], out[schema.GEO_CODE] = "", ""
    places = pd.DataFrame({"p": text["province"], "d": out[schema.AS_OF], "l": text[schema.LAYOUT]})
    for (place, day, layout), rows in places.groupby(["p", "d", "l"], sort=False).groups.items():
        if not place or not day:
            continue
        try:
            ref = names.resolve_name(place, date=day, layout=layout if layout in schema.LAYOUTS else None)
            if ref.level != "province":
                raise ValueError(say("no_province", lang))
        except ValueError as exc:
            for pos in raw.index.get_indexer(rows):
                problem(pos, "province", "bad_province", value=place, reason=str(exc))
            continue
        out.loc[rows, schema.LAYOUT], out.loc[rows, schema.GEO_CODE] = ref.layout, ref.code
    for col in (schema.PROGRAMME, schema.PROGRAMME_NUMBER, schema.TASK_TITLE, schema.LEAD_DEPARTMENT, schema.NOTE,
                schema.NOTE_VI):  # fmt: skip
        out[col] = each_unique(text[col], lambda v: " ".join(v.split()))
    programme_date = each_unique(text[schema.PROGRAMME_DATE], lambda v: deadline_of(v) if v else "")
    for pos in np.flatnonzero(programme_date.isna().to_numpy()):
        problem(pos, schema.PROGRAMME_DATE, "bad_date", value=text[schema.PROGRAMME_DATE].iloc[pos])
    out[schema.PROGRAMME_DATE] = programme_date.fillna("")
    for pos in np.flatnonzero((out[schema.TASK_TITLE] == "").to_numpy()):
        problem(pos, schema.TASK_TITLE, "no_title")
    own = text[schema.TASK_ID]
    out[schema.TASK_ID] = own.where(own != "", each_unique(out[schema.TASK_TITLE], task_key))
    # pillar: an id or a name of the catalogue's pillars
    known = _pillars()
    pillar = each_unique(text[schema.PILLAR], lambda v: "" if not v else known.get(_fold(v)))
    allowed = ", ".join(dict.fromkeys(known.values()))
    for pos in np.flatnonzero(pillar.isna().to_numpy()):
        problem(pos, schema.PILLAR, "bad_pillar", value=text[schema.PILLAR].iloc[pos], allowed=allowed)
    out[schema.PILLAR] = pillar.fillna("")
    # deadline, completion date, status
    out[schema.DEADLINE_TEXT] = text[schema.DEADLINE]
    deadline = each_unique(text[schema.DEADLINE], deadline_of)
    for pos in np.flatnonzero(deadline.isna().to_numpy()):
        problem(pos, schema.DEADLINE, "bad_date", value=text[schema.DEADLINE].iloc[pos])
    out[schema.DEADLINE] = deadline.fillna("")
    completed = each_unique(text[schema.COMPLETED_ON], deadline_of)
    for pos in np.flatnonzero(completed.isna().to_numpy()):
        problem(pos, schema.COMPLETED_ON, "bad_date", value=text[schema.COMPLETED_ON].iloc[pos])
    out[schema.COMPLETED_ON] = completed.fillna("")
    words = text[schema.STATUS_IN_FILE]
    read = each_unique(words, status_of_word)
    for pos in np.flatnonzero(read.isna().to_numpy()):
        value = words.iloc[pos]
        if value:
            problem(pos, schema.STATUS_IN_FILE, "bad_status", value=value)
        else:
            problem(pos, schema.STATUS_IN_FILE, "no_status")
    out[schema.STATUS_IN_FILE] = read.fillna("")
    out[schema.TASK_STATUS] = counted_status(out[schema.STATUS_IN_FILE], out[schema.DEADLINE], out[schema.AS_OF])
    out[schema.STATUS] = status
    out[schema.SOURCE_ID] = text[schema.SOURCE_ID].where(text[schema.SOURCE_ID] != "", source_id)
    # the same task twice in one snapshot
    key = out[schema.LAYOUT].astype(str)
    for col in (*SNAPSHOT_KEY[1:], schema.TASK_ID):
        key = key + "\x1f" + out[col].astype(str)
    first = pd.Series(np.arange(n), index=raw.index).groupby(key.to_numpy()).transform("min").to_numpy()
    for pos in np.flatnonzero(first != np.arange(n)):
        if out[schema.TASK_ID].iloc[pos]:
            problem(
                pos,
                schema.TASK_ID if own.iloc[pos] else schema.TASK_TITLE,
                "repeated",
                value=out[schema.TASK_ID].iloc[pos],
                other=int(lines[first[pos]]),
            )
    notes = {}
    turned = (out[schema.TASK_STATUS] == LATE) & (out[schema.STATUS_IN_FILE] != LATE) & ~bad
    if turned.any():
        rows = [int(lines[p]) for p in np.flatnonzero(turned.to_numpy())]
        shown = ", ".join(map(str, rows[:20])) + (", …" if len(rows) > 20 else "")
        dates = [_shown_date(d, lang) for d in sorted(set(out.loc[turned, schema.AS_OF]))]
        notes["late_by_deadline"] = say("late_by_deadline", lang, n=len(rows), date=", ".join(dates), rows=shown)
    renamed = rename_table(out, text[RENAMED_FROM], own != "", renames or (), problem, file_name, lang)
    for pos in np.flatnonzero(renamed["bad"]):
        bad[pos] = True
    frame = out.loc[~bad, list(TASK_COLUMNS)].reset_index(drop=True)
    table = renamed["table"]
    kept = table[~bad[table["_pos"].to_numpy(dtype=int)]]
    problems += renamed["file_problems"]
    if len(kept):
        notes["renamed"] = say("renamed", lang, n=len(kept.drop_duplicates([OLD_ID, NEW_ID])),
                               pairs=", ".join(f"{o} → {n}" for o, n in kept[[OLD_ID, NEW_ID]].drop_duplicates()
                                               .head(10).itertuples(index=False)))  # fmt: skip
    renames_out = kept[list(RENAME_COLUMNS)].drop_duplicates().reset_index(drop=True)
    return CheckedTasks(frame, sorted(problems, key=lambda p: (p.row or 0, p.column or "")), bad, notes, renames_out)


def parse_renames(lines) -> tuple[tuple[str, str], ...]:
    """``OLD=NEW`` pairs (lines of a text, or a list) as (old, new); empty lines skipped.

    Raises ``ValueError`` naming the first line that is not such a pair.

    Examples
    --------
    >>> parse_renames("NV-03 = NV-03a\\n\\nSố hóa hồ sơ=Số hóa hồ sơ thủ tục hành chính")
    (('NV-03', 'NV-03a'), ('Số hóa hồ sơ', 'Số hóa hồ sơ thủ tục hành chính'))
    """
    found = []
    for line in lines.splitlines() if isinstance(lines, str) else lines:
        if not str(line).strip():
            continue
        old, sep, new = str(line).partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValueError(str(line).strip())
        found.append((old.strip(), new.strip()))
    return tuple(found)


def rename_table(out, renamed_from, has_code, pairs, problem, file_name: str, lang: str) -> dict:
    """The renamed tasks of checked rows: from the :data:`RENAMED_FROM` column and from the pairs given.

    A row's old id is the code it names when the row has a code of its own, else the old title folded
    (:func:`task_key`). A pair ``(old, new)`` applies to the rows whose id is ``new`` (a code, or a
    title folded); its ``old`` is read the same way. Problems (through ``problem(pos, column, key)``):
    a task renamed from a task still listed in the same snapshot. A pair whose new task is in no row
    is a problem of the file.

    Returns
    -------
    dict
        ``table`` (:data:`RENAME_COLUMNS` and ``_pos``, the raw row), ``bad`` (raw rows with a
        problem) and ``file_problems``.
    """
    n = len(out)
    bad = np.zeros(n, dtype=bool)
    old = pd.Series([""] * n, index=out.index, dtype=object)
    source = pd.Series([RENAMED_FROM] * n, index=out.index, dtype=object)
    written = renamed_from != ""
    old[written] = np.where(has_code[written], renamed_from[written], each_unique(renamed_from[written], task_key))
    ids = out[schema.TASK_ID]
    file_problems = []
    for before, after in pairs:
        before, after = str(before).strip(), str(after).strip()
        hit = ids == after
        if not hit.any():
            hit = ~has_code & (ids == task_key(after))
        if not hit.any():
            file_problems.append(Problem(file_name, None, schema.TASK_ID, say("rename_unknown", lang, new=after)))
            continue
        mapped = np.where(has_code[hit], before, task_key(before))
        old[hit], source[hit] = mapped, "rename"
    chosen = (old != "") & (old != ids)
    key = (
        out[schema.LAYOUT] + "\x1f" + out[schema.GEO_CODE] + "\x1f" + out[schema.PROGRAMME] + "\x1f" + out[schema.AS_OF]
    )
    listed = set(zip(key, ids))
    for pos in np.flatnonzero(chosen.to_numpy()):
        if (key.iloc[pos], old.iloc[pos]) in listed:
            column = RENAMED_FROM if source.iloc[pos] == RENAMED_FROM else schema.TASK_ID
            problem(pos, column, "rename_still_listed", old=old.iloc[pos])
            bad[pos] = True
    table = out.loc[chosen, list(SNAPSHOT_KEY)].assign(
        **{OLD_ID: old[chosen], NEW_ID: ids[chosen], "_pos": np.flatnonzero(chosen.to_numpy())}
    )
    return {"table": table.reset_index(drop=True), "bad": bad, "file_problems": file_problems}


# --- the store (called by data.store.Store.add_task_batch and the readers below; portable SQL) ------------------
def _snapshot_filter(keys: pd.DataFrame, alias: str) -> tuple[str, list]:
    """``(a.layout = ? AND ...) OR ...`` over the snapshot keys given, and its parameters."""
    one = "(" + " AND ".join(f"{alias}.{c} = ?" for c in SNAPSHOT_KEY) + ")"
    return " OR ".join([one] * len(keys)) or "FALSE", [v for row in keys.itertuples(index=False) for v in row]


def stored_snapshots(store, frame: pd.DataFrame) -> pd.DataFrame:
    """Snapshots of ``frame`` (:data:`SNAPSHOT_KEY`) stored already in batches not undone, with batch and file."""
    keys = frame[list(SNAPSHOT_KEY)].drop_duplicates()
    where, params = _snapshot_filter(keys, "t")
    return store._query(
        f"SELECT DISTINCT {', '.join('t.' + c for c in SNAPSHOT_KEY)}, t.{schema.BATCH_ID}, b.file_name "
        f"FROM tasks t JOIN batches b ON b.{schema.BATCH_ID} = t.{schema.BATCH_ID} "
        f"WHERE b.undone_at IS NULL AND ({where}) ORDER BY t.{schema.BATCH_ID}",
        params,
    )


def as_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The task columns of ``frame`` as text, no missing values (as stored)."""
    return frame.reindex(columns=list(TASK_COLUMNS)).fillna("").astype(str).reset_index(drop=True)


def stored_in(cur, rows: pd.DataFrame) -> str | None:
    """Inside a write transaction: why ``rows`` may not be written (a snapshot stored already), or None."""
    where, params = _snapshot_filter(rows[list(SNAPSHOT_KEY)].drop_duplicates(), "t")
    hit = cur.execute(
        f"SELECT t.{schema.PROGRAMME}, t.{schema.AS_OF}, t.{schema.BATCH_ID}, b.file_name FROM tasks t "
        f"JOIN batches b ON b.{schema.BATCH_ID} = t.{schema.BATCH_ID} WHERE b.undone_at IS NULL AND ({where}) LIMIT 1",
        params,
    ).fetchone()
    if hit is None:
        return None
    return say("stored", "en", programme=hit[0], date=hit[1], batch=int(hit[2]), file=hit[3])


def insert(cur, rows: pd.DataFrame, batch_id: int) -> None:
    """Insert task rows (:func:`as_rows`) under ``batch_id``, inside the caller's transaction."""
    cur.load("tasks", [*TASK_COLUMNS, schema.BATCH_ID], rows.assign(**{schema.BATCH_ID: int(batch_id)}))


def insert_renames(cur, renames: pd.DataFrame, batch_id: int) -> None:
    """Insert renamed tasks (:data:`RENAME_COLUMNS`) under ``batch_id``, inside the caller's transaction."""
    rows = renames.reindex(columns=list(RENAME_COLUMNS)).fillna("").astype(str).reset_index(drop=True)
    cur.load("task_renames", [*RENAME_COLUMNS, schema.BATCH_ID], rows.assign(**{schema.BATCH_ID: int(batch_id)}))


def replace_bundled(cur, batch_id: int, frame: pd.DataFrame) -> None:
    """Put the bundled (demonstration) tasks under the bundled batch ``batch_id`` (inside its transaction)."""
    cur.execute(f"DELETE FROM tasks WHERE {schema.BATCH_ID} NOT IN (SELECT {schema.BATCH_ID} FROM batches)")
    if not frame.empty:
        insert(cur, as_rows(frame), batch_id)


def bundled_tasks() -> pd.DataFrame:
    """The demonstration task lists shipped in ``data/sample/tasks_demo.csv`` (synthetic), or an empty frame."""
    if not DEMO_FILE.exists():
        return pd.DataFrame(columns=list(TASK_COLUMNS))
    return pd.read_csv(DEMO_FILE, dtype=str, keep_default_na=False).reindex(columns=list(TASK_COLUMNS)).fillna("")


def read_tasks(store, *, statuses: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every stored task of batches not undone (``statuses``: data statuses to keep), with its batch id.

    Returns
    -------
    pandas.DataFrame
        :data:`TASK_COLUMNS` and ``batch_id``, sorted by place, programme, reporting date and task.
    """
    where, params = ["b.undone_at IS NULL"], []
    if statuses is not None:
        where.append(f"t.{schema.STATUS} IN ({', '.join('?' * len(statuses)) or 'NULL'})")
        params.extend(statuses)
    cols = ", ".join(f"t.{c}" for c in TASK_COLUMNS) + f", t.{schema.BATCH_ID}"
    return apply_renames(_read(store, cols, where, params), read_renames(store))


def read_renames(store) -> pd.DataFrame:
    """Renamed tasks of batches not undone (:data:`RENAME_COLUMNS`), oldest reporting date first."""
    cols = ", ".join(f"r.{c}" for c in RENAME_COLUMNS)
    return store._query(
        f"SELECT {cols} FROM task_renames r JOIN batches b ON b.{schema.BATCH_ID} = r.{schema.BATCH_ID} "
        f"WHERE b.undone_at IS NULL ORDER BY r.{schema.AS_OF}, r.{schema.BATCH_ID}",
        [],
    )


def apply_renames(frame: pd.DataFrame, renames: pd.DataFrame) -> pd.DataFrame:
    """Tasks with each renamed task's earlier snapshots carried over to its new id (its status history is one).

    A rename (old -> new) stated on a reporting date applies to the old id's rows of the same programme
    of the same province dated before it; renames apply oldest first, so a task renamed twice ends
    under its latest id.

    Examples
    --------
    >>> t = pd.DataFrame({"layout": "2025", "geo_code": "19", "programme": "P", "task_id": ["a", "b", "a"],
    ...                   "as_of": ["2025-09-30", "2025-10-31", "2025-12-31"]})
    >>> r = pd.DataFrame({"layout": ["2025"], "geo_code": ["19"], "programme": ["P"], "as_of": ["2025-10-31"],
    ...                   "old_id": ["a"], "new_id": ["b"]})
    >>> apply_renames(t, r)["task_id"].tolist()
    ['b', 'b', 'a']
    """
    if renames.empty or frame.empty:
        return frame
    ids = frame[schema.TASK_ID].copy()
    for rename in renames.itertuples(index=False):
        hit = (
            (ids == getattr(rename, OLD_ID))
            & (frame[schema.AS_OF] < rename.as_of)
            & (frame[schema.PROGRAMME] == rename.programme)
            & (frame[schema.GEO_CODE] == rename.geo_code)
            & (frame[schema.LAYOUT] == rename.layout)
        )
        ids[hit] = getattr(rename, NEW_ID)
    if ids.equals(frame[schema.TASK_ID]):
        return frame
    return frame.assign(**{schema.TASK_ID: ids})


def _read(store, cols: str, where: list[str], params: list) -> pd.DataFrame:
    return store._query(
        f"SELECT {cols} FROM tasks t JOIN batches b ON b.{schema.BATCH_ID} = t.{schema.BATCH_ID} "
        f"WHERE {' AND '.join(where)} ORDER BY t.{schema.LAYOUT}, t.{schema.GEO_CODE}, t.{schema.PROGRAMME}, "
        f"t.{schema.AS_OF}, t.{schema.TASK_ID}",
        params,
    )
