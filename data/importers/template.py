"""The reporting template: an XLSX workbook that provinces fill in and upload.

* ``data``: one row per value, the tidy columns with the place as a name (:data:`COLUMNS`);
  drop-down lists of the places of the layout in force (the whole country and the provinces),
  of the indicators, statuses, qualifiers, sources and layouts.
* ``lists``: the lists behind the drop-downs; every indicator with its names and unit, to look
  up. Cell A1 holds the marker (:data:`data.importers.xlsx.TEMPLATE_MARK`) with the layout.
* ``instructions``: how to fill it in, in Vietnamese and English.

The sheet holds no formula (an upload with formulas is refused): the unit is filled in from the
indicator when the file is imported, so the ``unit`` column may stay empty.
"""

from __future__ import annotations

import io
import re

from data import catalogue, definitions, registry, schema
from data.importers.core import Grid, Layout, Options, Parsed, register_layout
from data.importers.tidy import parse_table
from data.importers.xlsx import TASKS_SHEET, TEMPLATE_MARK

TEMPLATE_VERSION = "1"
#: Columns of the data sheet, in order.
COLUMNS = (
    "province", schema.LAYOUT, schema.INDICATOR, schema.PERIOD, schema.VALUE, schema.QUALIFIER,
    schema.UNIT, schema.STATUS, schema.TARGET_DATE, schema.SOURCE_ID, schema.NOTE,
)  # fmt: skip
#: Rows of the data sheet that get the drop-down lists.
DATA_ROWS = 2000
NATION_NAME = "Cả nước"

INSTRUCTIONS = [
    ("Mẫu báo cáo số liệu — Nghị quyết 57", "Reporting template — Resolution 57"),
    ("", ""),
    ("Mỗi dòng của trang 'data' là một số liệu.", "Each row of the 'data' sheet is one value."),
    ("province: chọn tỉnh, thành phố (hoặc 'Cả nước') trong danh sách.",
     "province: choose the province (or 'Cả nước', the whole country) from the list."),
    ("layout: để trống để dùng {layout} ({n} tỉnh, thành); 2008 = 63 tỉnh, 2025 = 34 tỉnh.",
     "layout: leave empty for {layout} ({n} provinces); 2008 = 63 provinces, 2025 = 34."),
    ("indicator_id: chọn chỉ tiêu; tên và đơn vị của từng chỉ tiêu ở trang 'lists'.",
     "indicator_id: choose the indicator; the names and unit of each are on the 'lists' sheet."),
    ("period: 2025, 2025-H1, 2025-Q3, 2025-11 hoặc 2025-11-03 (nhập dạng văn bản).",
     "period: 2025, 2025-H1, 2025-Q3, 2025-11 or 2025-11-03 (typed as text)."),
    ("value: một con số, không có đơn vị; dấu thập phân là dấu chấm hoặc dấu phẩy.",
     "value: a number without its unit; the decimal mark may be a point or a comma."),
    ("value_qualifier: để trống, hoặc about / more than / at least / less than khi nguồn nói vậy.",
     "value_qualifier: empty, or about / more than / at least / less than when the source says so."),
    ("unit: để trống — đơn vị được điền theo chỉ tiêu khi nhập.",
     "unit: leave empty — it is filled in from the indicator on import."),
    ("status: reported (số liệu báo cáo) hoặc target (chỉ tiêu kế hoạch).",
     "status: reported (a reported figure) or target (a goal)."),
    ("target_date: hạn của chỉ tiêu kế hoạch (YYYY-MM-DD), để trống nếu nguồn không nêu.",
     "target_date: a target's deadline (YYYY-MM-DD); empty when the source gives none."),
    ("source_id: chọn nguồn trong danh sách, hoặc mã của một nguồn mới khai báo ở trang 'sources'.",
     "source_id: choose the source from the list, or the id of a new source described on the 'sources' sheet."),
    ("Chỉ tiêu riêng: khai báo ở trang 'indicators' (mã, tên, mô tả và đơn vị bằng hai thứ tiếng, lớn hơn hay nhỏ "
     "hơn là tốt hơn, cách cộng gộp, khoảng hợp lệ, trụ cột); không được trùng mã với chỉ tiêu có sẵn.",
     "Own indicators: describe them on the 'indicators' sheet (id, names, descriptions and units in both languages, "
     "whether higher or lower is better, aggregation rule, valid range, pillar); an id may not repeat a bundled one."),
    ("Nguồn riêng: khai báo ở trang 'sources' (mã, cơ quan ban hành, tiêu đề, địa chỉ web, ngày công bố, giấy phép).",
     "Own sources: describe them on the 'sources' sheet (id, producer, title, URL, date published, licence)."),
    ("note: điều nguồn nói quanh con số (không bắt buộc).", "note: what the source says around the number (optional)."),
    ("", ""),
    ("Không dùng công thức: tệp có công thức sẽ bị từ chối.", "Do not use formulas: a file with formulas is refused."),
    ("Tải tệp lên trang 'Nhập dữ liệu'; mọi lỗi được liệt kê theo dòng và cột.",
     "Upload the file on the 'Import' page; every problem is listed by row and column."),
]  # fmt: skip


def _marker(layout: str) -> str:
    return f"{TEMPLATE_MARK} v{TEMPLATE_VERSION} layout={layout}"


def template_bytes(layout: str = schema.LAYOUT_2025) -> bytes:
    """The reporting template for a province layout, as XLSX bytes.

    Examples
    --------
    >>> template_bytes("2025")[:2]
    b'PK'
    """
    # openpyxl (and lxml) are imported when a template is asked for, not with the Import page (about 15 MB)
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    schema.check_choice("layout", layout, schema.LAYOUTS)
    provinces = registry.provinces(layout)
    places = [NATION_NAME, *provinces[schema.NAME_VI]]
    inds = catalogue.indicators()
    sources = list(catalogue.sources()[schema.SOURCE_ID])
    book = Workbook()
    data = book.active
    data.title = "data"
    lists = book.create_sheet("lists")
    notes = book.create_sheet("instructions")
    own_indicators = book.create_sheet(definitions.SHEET_INDICATORS)
    own_sources = book.create_sheet(definitions.SHEET_SOURCES)

    # lists: the marker, then one list per column
    lists["A1"] = _marker(layout)
    columns = {
        "A": ("province", places),
        "B": (schema.INDICATOR, list(inds[schema.INDICATOR])),
        "C": ("name_vi", list(inds["name_vi"])),
        "D": ("name_en", list(inds["name_en"])),
        "E": (schema.UNIT, list(inds["unit"])),
        "F": (schema.STATUS, list(schema.STATUSES)),
        "G": (schema.QUALIFIER, [q for q in schema.QUALIFIERS if q]),
        "H": (schema.SOURCE_ID, sources),
        "I": (schema.LAYOUT, list(schema.LAYOUTS)),
        "J": ("pillar", list(catalogue.pillars()["pillar"])),
        "K": ("direction", list(catalogue.DIRECTIONS)),
        "L": ("aggregation", list(catalogue.AGGREGATIONS)),
    }
    for letter, (title, values) in columns.items():
        lists[f"{letter}2"] = title
        lists[f"{letter}2"].font = Font(bold=True)
        for row, value in enumerate(values, start=3):
            cell = lists[f"{letter}{row}"]
            cell.value = value
            cell.data_type = TYPE_STRING
        lists.column_dimensions[letter].width = 18 if letter != "C" and letter != "D" else 50

    # data: header, text format, drop-downs
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for idx, name in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=idx, value=name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        data.column_dimensions[cell.column_letter].width = 22 if name != schema.NOTE else 60
        for row in range(2, DATA_ROWS + 2):
            data.cell(row=row, column=idx).number_format = "@"  # typed text stays text (2025-11 is no date)
    data.freeze_panes = "A2"
    letter_of = {name: data.cell(row=1, column=i).column_letter for i, name in enumerate(COLUMNS, start=1)}
    lists_of = {"province": "A", schema.INDICATOR: "B", schema.STATUS: "F", schema.QUALIFIER: "G",
                schema.SOURCE_ID: "H", schema.LAYOUT: "I"}  # fmt: skip
    for name, source_letter in lists_of.items():
        last = 2 + len(columns[source_letter][1])
        rule = DataValidation(
            type="list", formula1=f"=lists!${source_letter}$3:${source_letter}${last}", allow_blank=True
        )
        rule.error = f"Choose a value from the list / Chọn một giá trị trong danh sách ({name})."
        rule.errorTitle = name
        rule.showErrorMessage = True
        if name in (schema.INDICATOR, schema.SOURCE_ID):  # an own indicator or source is allowed: warn only
            rule.errorStyle = "warning"
            rule.error = ("Not in the list: describe it on the 'indicators' / 'sources' sheet. / Không có trong danh "
                          "sách: hãy khai báo ở trang 'indicators' / 'sources'.")  # fmt: skip
        data.add_data_validation(rule)
        rule.add(f"{letter_of[name]}2:{letter_of[name]}{DATA_ROWS + 1}")
    hint = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="0", allow_blank=True)
    hint.prompt = "Để trống: đơn vị được điền khi nhập. / Leave empty: filled in from the indicator."
    hint.promptTitle = "unit"
    hint.showInputMessage = True
    hint.showErrorMessage = False
    data.add_data_validation(hint)
    hint.add(f"{letter_of[schema.UNIT]}2:{letter_of[schema.UNIT]}{DATA_ROWS + 1}")

    # own indicators and sources: a header row each, drop-downs for the closed lists
    for sheet, fields in ((own_indicators, definitions.INDICATOR_FIELDS), (own_sources, definitions.SOURCE_FIELDS)):
        for idx, name in enumerate(fields, start=1):
            cell = sheet.cell(row=1, column=idx, value=name)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            sheet.column_dimensions[cell.column_letter].width = 24
        sheet.freeze_panes = "A2"
    for field, source_letter in (("pillar", "J"), ("direction", "K"), ("aggregation", "L")):
        letter = own_indicators.cell(row=1, column=definitions.INDICATOR_FIELDS.index(field) + 1).column_letter
        last = 2 + len(columns[source_letter][1])
        rule = DataValidation(
            type="list", formula1=f"=lists!${source_letter}$3:${source_letter}${last}", allow_blank=True
        )
        own_indicators.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}500")

    # instructions, both languages side by side
    notes["A1"], notes["B1"] = "Tiếng Việt", "English"
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    for row, (vi, en) in enumerate(INSTRUCTIONS, start=2):
        for col, text in ((1, vi), (2, en)):
            cell = notes.cell(row=row, column=col, value=text.format(layout=layout, n=len(provinces)))
            cell.data_type = TYPE_STRING
    notes["A2"].font = notes["B2"].font = Font(bold=True, size=13)
    notes.column_dimensions["A"].width = notes.column_dimensions["B"].width = 90
    from data.importers.tasks import add_tasks_sheet

    add_tasks_sheet(book, lists, notes, layout, DATA_ROWS)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _layout_of(grid: Grid) -> str | None:
    found = re.search(r"layout=(\d{4})", grid.meta.get("template", ""))
    return found.group(1) if found and found.group(1) in schema.LAYOUTS else None


def score(grid: Grid) -> float:
    on_tasks = grid.meta.get("sheet_name") == TASKS_SHEET  # the tasks sheet is read by data/importers/tasks.py
    return 1.0 if grid.meta.get("template") and grid.cells.shape[0] > 0 and not on_tasks else 0.0


def parse(grid: Grid, options: Options) -> Parsed:
    layout = options.layout or _layout_of(grid)
    parsed = parse_table(grid, options, layout, f"reporting template ({layout} layout)")
    return parsed


register_layout(Layout("template", "reporting template (XLSX)", score, parse))
