"""Task lists: the reporting template's ``tasks`` sheet and the usual Vietnamese task tables.

A secretariat's table has a header row such as ``STT | Nội dung nhiệm vụ | Cơ quan chủ trì |
Thời hạn hoàn thành | Tình trạng`` (or ``Kết quả thực hiện``), maybe below title rows that name the
province, the programme and the reporting date::

    UBND TỈNH THÁI NGUYÊN
    DANH MỤC NHIỆM VỤ THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 15-CTr/TU NGÀY 10/03/2025
    (Số liệu đến ngày 03/11/2025)

Rows whose ``STT`` is a Roman numeral or a letter, or that have neither a deadline nor a status, are
headings (``I. KHOA HỌC, CÔNG NGHỆ``) and are skipped. Province, programme and reporting date come
from a column of the row, else from the reading options (the page, or ``--province``,
``--programme``, ``--as-of``), else from the title rows; when none gives them the file is refused
with a message saying where to give them. Validation is :func:`data.tasks.check_tasks`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data import catalogue, registry, schema, tasks
from data.importers.core import FileRefused, Grid, Layout, Options, Parsed, fold, register_layout
from data.importers.tidy import PLACE_HEADERS
from data.importers.xlsx import TASKS_SHEET
from data.observations import Problem

PROVINCE = "province"
#: Folded header text -> column of the raw task rows.
HEADERS = {
    **{h: PROVINCE for h in PLACE_HEADERS},
    **dict.fromkeys(("stt", "tt", "so tt", "no", "no."), "stt"),
    **dict.fromkeys(("ma", "ma nhiem vu", "ma so", "task id", "task_id", "id", "code", "ky hieu"), schema.TASK_ID),
    **dict.fromkeys(
        (
            "nhiem vu",
            "noi dung nhiem vu",
            "noi dung",
            "ten nhiem vu",
            "task",
            "title",
            "task_title",
            "noi dung cong viec",
            "cong viec",
            "nhiem vu, giai phap",
            "ten nhiem vu, de an",
        ),
        schema.TASK_TITLE,
    ),
    **dict.fromkeys(
        (
            "co quan chu tri",
            "don vi chu tri",
            "co quan, don vi chu tri",
            "co quan chu tri thuc hien",
            "chu tri",
            "lead department",
            "lead_department",
            "department",
            "co quan thuc hien",
            "don vi thuc hien",
            "co quan, don vi thuc hien",
        ),
        schema.LEAD_DEPARTMENT,
    ),
    **dict.fromkeys(
        (
            "thoi han",
            "thoi gian hoan thanh",
            "thoi han hoan thanh",
            "deadline",
            "han hoan thanh",
            "thoi gian thuc hien",
        ),
        schema.DEADLINE,
    ),
    **dict.fromkeys(
        (
            "tinh trang",
            "ket qua thuc hien",
            "tien do",
            "trang thai",
            "tinh trang thuc hien",
            "status",
            "ket qua",
            "tien do thuc hien",
        ),
        schema.STATUS_IN_FILE,
    ),
    **dict.fromkeys(("ngay hoan thanh", "completed on", "completed_on", "completion date"), schema.COMPLETED_ON),
    **dict.fromkeys(("linh vuc", "tru cot", "pillar", "nhom nhiem vu"), schema.PILLAR),
    **dict.fromkeys(("ghi chu", "note"), schema.NOTE),
    **dict.fromkeys(("note_vi", "note (vi)", "ghi chu (tieng viet)", "ghi chu tieng viet"), schema.NOTE_VI),
    **dict.fromkeys(("programme", "chuong trinh", "ke hoach"), schema.PROGRAMME),
    **dict.fromkeys(("programme_number", "so chuong trinh", "so hieu"), schema.PROGRAMME_NUMBER),
    **dict.fromkeys(("programme_date", "ngay ban hanh"), schema.PROGRAMME_DATE),
    **dict.fromkeys(("as_of", "as of", "ngay so lieu", "so lieu den ngay", "ngay bao cao"), schema.AS_OF),
    schema.SOURCE_ID: schema.SOURCE_ID,
    schema.LAYOUT: schema.LAYOUT,
    **dict.fromkeys(
        (
            "renamed from",
            "renamed_from",
            "old id",
            "old code",
            "old title",
            "previous title",
            "ma cu",
            "ten cu",
            "doi ten tu",
            "ten nhiem vu cu",
            "ma nhiem vu cu",
        ),
        tasks.RENAMED_FROM,
    ),
}
HEADER_SEARCH_ROWS = 30
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{1,2}) thang (\d{1,2}) nam (\d{4})"
_AS_OF = re.compile(r"(?:den|toi|tinh den|as of|as at|up to)\s+(?:het\s+)?(?:ngay|date)?\s*(?:" + _DATE + ")")
_ON_DATE = re.compile(r"ngay\s+(?:" + _DATE + ")")
_NUMBER = re.compile(r"(?:số|so|no\.?)\s*([0-9]+\s*[-/]\s*[0-9A-Za-zĐđ][0-9A-Za-zĐđ/\-]*)", re.IGNORECASE)
_PROGRAMME_WORDS = re.compile(r"\b(?:chuong trinh|ke hoach|programme|program|plan)\b")
_HEADING_NUMBER = re.compile(r"^(?:[ivxlc]+|[a-z])[.)]?$")


def find_header(grid: Grid) -> int | None:
    """Position of the header: the first top row with a task column and a status, deadline or department column."""
    for pos, row in enumerate(grid.cells.head(HEADER_SEARCH_ROWS).itertuples(index=False)):
        found = {HEADERS.get(fold(c)) for c in row}
        if schema.TASK_TITLE in found and found & {schema.STATUS_IN_FILE, schema.DEADLINE, schema.LEAD_DEPARTMENT}:
            return pos
    return None


def score(grid: Grid) -> float:
    return 0.95 if find_header(grid) is not None else 0.0


def _iso(match: re.Match) -> str:
    day, month, year = (match.group(i) for i in (1, 2, 3)) if match.group(1) else (match.group(i) for i in (4, 5, 6))
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def read_title(lines: list[str]) -> dict[str, str]:
    """Province name, programme (name, number, date) and reporting date stated in title rows.

    Examples
    --------
    >>> found = read_title(["UBND TỈNH THÁI NGUYÊN", "CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 15-CTr/TU NGÀY 10/03/2025",
    ...                     "(Số liệu đến ngày 03/11/2025)"])
    >>> [found[k] for k in ("province", "programme", "programme_number", "programme_date", "as_of")]
    ['Thái Nguyên', 'CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 15-CTr/TU', '15-CTr/TU', '2025-03-10', '2025-11-03']
    """
    found: dict[str, str] = {}
    for line in lines:
        words = fold(line)
        if schema.AS_OF not in found and (hit := _AS_OF.search(words)):
            found[schema.AS_OF] = _date_in(hit.group(0))
        if schema.PROGRAMME not in found and _PROGRAMME_WORDS.search(words):
            start = _PROGRAMME_WORDS.search(words).start()
            name = line[start:] if len(line) == len(words) else line
            if (cut := re.search(r"\(?\s*(?:so lieu|tinh|cap nhat)?\s*" + _AS_OF.pattern, fold(name))) is not None:
                name = name[: cut.start()]
            if on := _ON_DATE.search(fold(name)):
                found[schema.PROGRAMME_DATE] = _date_in(on.group(0))
                name = name[: on.start()]
            found[schema.PROGRAMME] = name.strip(" ()-,;:")
            if number := _NUMBER.search(name):
                found[schema.PROGRAMME_NUMBER] = re.sub(r"\s+", "", number.group(1))
    province = _province_in(" | ".join(lines), found.get(schema.AS_OF))
    if province:
        found[PROVINCE] = province
    return found


def _date_in(text: str) -> str:
    hit = re.search(_DATE, text)
    return _iso(hit)


def _province_in(text: str, as_of: str | None) -> str | None:
    """The longest province name (of the layout in force on ``as_of``, else of either) written in ``text``."""
    words = f" {re.sub(r'[^0-9a-z]+', ' ', fold(text))} "
    table = registry.provinces(schema.layout_for_date(as_of) if as_of else None)
    best = None
    for name in table[schema.NAME_VI]:
        key = f" {re.sub(r'[^0-9a-z]+', ' ', fold(name)).strip()} "
        if key in words and (best is None or len(name) > len(best)):
            best = name
    return best


def parse(grid: Grid, options: Options) -> Parsed:
    """Raw task rows of the grid, with province, programme and reporting date filled in (see the module doc)."""
    lang = getattr(options, "lang", None) or "en"
    head = find_header(grid)
    header = list(grid.cells.iloc[head])
    where: dict[str, int] = {}
    ignored = []
    for idx, text in enumerate(header):
        col = HEADERS.get(fold(text))
        if col and col not in where:
            where[col] = idx
        elif text:
            ignored.append(text)
    title_lines = [" ".join(c for c in row if c) for row in grid.cells.iloc[:head].itertuples(index=False)]
    title = read_title([line for line in title_lines if line])
    body = grid.cells.iloc[head + 1 :]
    lines = np.asarray(grid.rows[head + 1 :])
    frame = pd.DataFrame({col: body[idx].to_numpy() for col, idx in where.items()})
    for col in (schema.TASK_TITLE, schema.STATUS_IN_FILE, schema.DEADLINE, "stt"):
        if col not in frame:
            frame[col] = ""
    filled = (frame != "").any(axis=1).to_numpy()
    heading = (
        tasks.each_unique(frame["stt"], lambda v: bool(_HEADING_NUMBER.match(fold(v)))).astype(bool)
        | ((frame[schema.STATUS_IN_FILE] == "") & (frame[schema.DEADLINE] == ""))
    ).to_numpy() & filled
    keep = filled & ~heading
    frame, lines = frame[keep].reset_index(drop=True), lines[keep]
    detected = {
        "layout": "task list (STT, nhiệm vụ, cơ quan chủ trì, thời hạn, tình trạng)",
        "header_rows": f"row {grid.rows[head]}",
    }
    if grid.meta.get("template"):
        detected["layout"] = "reporting template, tasks sheet"
    if heading.any():
        detected["headings"] = str(int(heading.sum()))
    if ignored:
        detected["ignored_columns"] = ", ".join(ignored)
    fatal = []
    for col, given, key in (
        (PROVINCE, options_value(options, "province"), "no_province"),
        (schema.PROGRAMME, options_value(options, "programme"), "no_programme"),
        (schema.AS_OF, options_value(options, "as_of"), "no_as_of"),
    ):
        default = given or title.get(col, "")
        if col not in frame:
            frame[col] = default
        else:
            frame[col] = frame[col].where(frame[col] != "", default)
        if default:
            detected[f"task_{col}"] = default + ("" if given else " (title rows)")
        if (frame[col] == "").any():
            fatal.append(Problem(grid.file_name, None, col, tasks.say(key, lang)))
    for col in (schema.PROGRAMME_NUMBER, schema.PROGRAMME_DATE):
        if col not in frame and col in title:
            frame[col] = title[col]
    if fatal and len(frame):
        raise FileRefused(fatal)
    letters = grid.letters

    def column(position: int, col: str) -> str:
        if col not in where:
            return col
        return f"{header[where[col]]} ({letters[where[col]]})" if letters else header[where[col]]

    return Parsed(frame.drop(columns=["stt"]), lines, column, detected)


def options_value(options: Options, name: str) -> str:
    return str(getattr(options, name, None) or "").strip()


register_layout(
    Layout(
        "tasks", "task list (tasks sheet or STT / Nhiệm vụ / Thời hạn / Tình trạng table)", score, parse, kind="tasks"
    )
)


# --- the template's tasks sheet ------------------------------------------------------------------------
TASK_SHEET_COLUMNS = (
    PROVINCE,
    schema.PROGRAMME,
    schema.PROGRAMME_NUMBER,
    schema.PROGRAMME_DATE,
    schema.AS_OF,
    schema.TASK_ID,
    schema.TASK_TITLE,
    schema.PILLAR,
    schema.LEAD_DEPARTMENT,
    schema.DEADLINE,
    "status",
    schema.COMPLETED_ON,
    schema.NOTE,
    tasks.RENAMED_FROM,
)
STATUS_CHOICES = ("Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Chậm tiến độ", "Đã hủy")
TASK_INSTRUCTIONS = [
    ("", ""),
    (
        "Trang 'tasks': mỗi dòng là một nhiệm vụ của chương trình, kế hoạch tại ngày số liệu (as_of).",
        "The 'tasks' sheet: each row is one task of the programme on the reporting date (as_of).",
    ),
    (
        "Nhập trang 'tasks' khi trang 'data' để trống (hoặc chọn trang 'tasks' trong tùy chọn đọc tệp).",
        "The 'tasks' sheet is imported when the 'data' sheet is empty "
        "(or choose the sheet 'tasks' in the reading options).",
    ),
    (
        "deadline, as_of, programme_date: dd/mm/yyyy, Quý II/2025, Tháng 6/2025 hoặc năm 2025.",
        "deadline, as_of, programme_date: dd/mm/yyyy, Quý II/2025, Tháng 6/2025 or a year.",
    ),
    (
        "status: chọn trong danh sách; nhiệm vụ chưa hoàn thành đã quá hạn được tính là chậm tiến độ.",
        "status: choose from the list; a task not done past its deadline counts as late.",
    ),
    (
        "task_id: mã của nhiệm vụ nếu có; để trống thì tên nhiệm vụ là mã.",
        "task_id: the task's own code if it has one; when empty, its title identifies it.",
    ),
    (
        "renamed_from: nhiệm vụ đổi mã hoặc đổi tên thì ghi mã cũ (hoặc tên cũ) để giữ lịch sử; "
        "để trống thì nhiệm vụ có tên mới được tính là nhiệm vụ mới.",
        "renamed_from: for a task whose code or title changed, its old code (or old title) keeps its history; "
        "left empty, a task under a new title counts as a new task.",
    ),
]


def add_tasks_sheet(book, lists, notes, layout: str, data_rows: int) -> None:
    """Add the ``tasks`` sheet (drop-downs for province, pillar and status) to the reporting template."""
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(TASKS_SHEET, 1)
    pillars = catalogue.pillars()
    provinces = list(registry.provinces(layout)[schema.NAME_VI])
    for letter, title, values in (
        ("J", schema.PILLAR, list(pillars["name_vi"])),
        ("K", "status", list(STATUS_CHOICES)),
        ("L", "province (tasks)", provinces),
    ):
        lists[f"{letter}2"] = title
        lists[f"{letter}2"].font = Font(bold=True)
        for row, value in enumerate(values, start=3):
            cell = lists[f"{letter}{row}"]
            cell.value = value
            cell.data_type = TYPE_STRING
        lists.column_dimensions[letter].width = 30
    fill = PatternFill("solid", fgColor="E2EFDA")
    for idx, name in enumerate(TASK_SHEET_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=idx, value=name)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = 50 if name in (schema.TASK_TITLE, schema.NOTE) else 20
        for row in range(2, data_rows + 2):
            sheet.cell(row=row, column=idx).number_format = "@"
    sheet.freeze_panes = "A2"
    letter_of = {name: sheet.cell(row=1, column=i).column_letter for i, name in enumerate(TASK_SHEET_COLUMNS, start=1)}
    for name, source, count in (
        (PROVINCE, "L", len(provinces)),
        (schema.PILLAR, "J", len(pillars)),
        ("status", "K", len(STATUS_CHOICES)),
    ):
        rule = DataValidation(type="list", formula1=f"=lists!${source}$3:${source}${2 + count}", allow_blank=True)
        rule.error = f"Choose a value from the list / Chọn một giá trị trong danh sách ({name})."
        rule.errorTitle = name
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(f"{letter_of[name]}2:{letter_of[name]}{data_rows + 1}")
    start = notes.max_row + 1
    for offset, (vi, en) in enumerate(TASK_INSTRUCTIONS):
        for col, text in ((1, vi), (2, en)):
            cell = notes.cell(row=start + offset, column=col, value=text)
            cell.data_type = TYPE_STRING


# --- for the command line ---------------------------------------------------------------------------------------
def import_task_list(
    path,
    store,
    *,
    user: str,
    province: str | None = None,
    programme: str | None = None,
    as_of: str | None = None,
    lang: str = "en",
    valid_only: bool = False,
):
    """Read a task list file and, when it can be imported, write it as one batch (``--province``, ``--programme``,
    ``--as-of`` of the command line fill what its title rows leave out).

    Returns
    -------
    (data.importers.Report, dict or None)
        The report (every problem with its row and column, in ``lang``) and the batch written, or None
        when the file is refused (nothing is written).
    """
    from pathlib import Path

    from data.importers.pipeline import analyse, commit

    file = Path(path)
    options = Options(importer="tasks", province=province, programme=programme, as_of=as_of, lang=lang)
    report = analyse(file.name, file.read_bytes(), options, store=store)
    if not report.can_import(valid_only):
        return report, None
    return report, commit(report, store, user=user, valid_only=valid_only)
