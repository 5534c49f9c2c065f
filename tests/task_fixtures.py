"""A hand-built task list of a province, as a secretariat writes it (shared by the task register's tests).

Thái Nguyên's programme, 13 rows under two headings (one cancelled), reported on 30/09/2025. The
expected counts are worked out by hand in the tests that use it, from the table below:

====  =========================  ===============  ==============  =====================
STT   lead department            deadline         status column   counted on 30/09/2025
====  =========================  ===============  ==============  =====================
1     Sở Khoa học và Công nghệ   30/06/2025       Đã hoàn thành   done
2     Sở Khoa học và Công nghệ   Quý IV/2025      Đang thực hiện  in progress
3     Sở Giáo dục và Đào tạo     Quý II/2025      Đang thực hiện  late (deadline passed)
4     Văn phòng UBND tỉnh        2025             Đã hoàn thành   done
5     Sở Khoa học và Công nghệ   31/12/2025       Chưa thực hiện  not started
6     Sở Nội vụ                  Tháng 8/2025     Chậm tiến độ    late
7     Sở Tài chính               15/10/2025       Đang thực hiện  in progress (due in 15 days)
8     Sở Tài chính               31/07/2025       Quá hạn         late
9     Sở Nội vụ                  Năm 2026         Đã hoàn thành   done
10    Văn phòng UBND tỉnh        20/10/2025       Đã hoàn thành   done
11    Công an tỉnh               Thường xuyên     Đã hoàn thành   done
12    Sở Tài chính               30/06/2026       Đã hủy          cancelled
13    Sở Giáo dục và Đào tạo     30/09/2025       Đã hoàn thành   done
====  =========================  ===============  ==============  =====================
"""

from __future__ import annotations

from tests.import_fixtures import xlsx_bytes

TITLE = [
    "UBND TỈNH THÁI NGUYÊN",
    "DANH MỤC NHIỆM VỤ THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 15-CTr/TU NGÀY 10/03/2025",
    "(Số liệu đến ngày 30/09/2025)",
]
HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn hoàn thành", "Tình trạng", "Ghi chú"]
ROWS = [
    ["I", "KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO", "", "", "", ""],
    [
        "1",
        "Ban hành quy chế quản lý nhiệm vụ khoa học và công nghệ",
        "Sở Khoa học và Công nghệ",
        "30/06/2025",
        "Đã hoàn thành",
        "",
    ],
    ["2", "Xây dựng Trung tâm dữ liệu tỉnh", "Sở Khoa học và Công nghệ", "Quý IV/2025", "Đang thực hiện", ""],
    ["3", "Đề án đào tạo nhân lực bán dẫn", "Sở Giáo dục và Đào tạo", "Quý II/2025", "Đang thực hiện", ""],
    ["4", "Số hóa hồ sơ thủ tục hành chính", "Văn phòng UBND tỉnh", "2025", "Đã hoàn thành", ""],
    ["5", "Phủ sóng 5G các khu công nghiệp", "Sở Khoa học và Công nghệ", "31/12/2025", "Chưa thực hiện", ""],
    ["6", "Đào tạo kỹ năng số cho cán bộ, công chức", "Sở Nội vụ", "Tháng 8/2025", "Chậm tiến độ", ""],
    ["7", "Triển khai nền tảng thanh toán số", "Sở Tài chính", "15/10/2025", "Đang thực hiện", ""],
    ["II", "CHÍNH QUYỀN SỐ", "", "", "", ""],
    ["8", "Thành lập Quỹ đổi mới sáng tạo của tỉnh", "Sở Tài chính", "31/07/2025", "Quá hạn", "chờ ý kiến Bộ"],
    ["9", "Chính quyền số cấp xã", "Sở Nội vụ", "Năm 2026", "Đã hoàn thành", ""],
    ["10", "Cổng dữ liệu mở của tỉnh", "Văn phòng UBND tỉnh", "20/10/2025", "Đã hoàn thành", ""],
    ["11", "Giám sát an toàn thông tin mạng", "Công an tỉnh", "Thường xuyên", "Đã hoàn thành", ""],
    ["12", "Quy hoạch khu công nghệ cao", "Sở Tài chính", "30/06/2026", "Đã hủy", ""],
    ["13", "Chương trình STEM trong trường học", "Sở Giáo dục và Đào tạo", "30/09/2025", "Đã hoàn thành", ""],
]
#: File rows of the tasks (title 3 rows, header on row 4, so STT 1 is on row 6).
FIRST_TASK_ROW = 6


def hand_rows(title: list[str] | None = None, rows: list[list[str]] | None = None) -> list[list[str]]:
    """Title rows, header and task rows as a grid of cells."""
    return (
        [[line] + [""] * 5 for line in (TITLE if title is None else title)]
        + [HEADER]
        + (ROWS if rows is None else rows)
    )


def hand_csv(title: list[str] | None = None, rows: list[list[str]] | None = None) -> bytes:
    """The table as UTF-8 CSV (cells quoted, so commas in titles are safe)."""
    lines = [",".join('"' + c.replace('"', '""') + '"' for c in r) for r in hand_rows(title, rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def hand_xlsx() -> bytes:
    """The table as an XLSX workbook with one sheet."""
    return xlsx_bytes({"Danh mục": hand_rows()})
