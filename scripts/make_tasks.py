"""Generate the demonstration task lists: ``python -m scripts.make_tasks`` writes ``data/sample/tasks_demo.csv``.

THESE TASKS ARE NOT REAL. They let the Tasks page show a register (status history, departments,
late tasks, burn-up) before a province imports its own; every row has data status ``synthetic``
and source ``synthetic_demo``, so they appear only when the sidebar shows synthetic values, and
every table, chart and download that shows them says so.

How they are made (seed :data:`SEED`, so every run writes the same file):

1. A few provinces of the 34-province layout (:data:`PROVINCES`), each with one programme of N tasks
   spread over the catalogue's five pillars and ten lead departments.
2. Each task gets a start day, a deadline (a month end, a quarter end or a year end between mid-2025
   and end-2026) and, for some, a completion day. On each reporting date (month ends, and
   Thái Nguyên's report date 2025-11-03) a task is done when completed by then, in progress when
   started, else not started; the store's rule then counts it late once its deadline has passed
   undone (:func:`data.tasks.counted_status`).
3. Thái Nguyên is held to its reported counts on 2025-11-03: 156 tasks, 83 done, 72 in progress,
   1 late (none not started), by choosing which tasks are completed by then and giving exactly one
   open task a deadline before that day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data import schema
from data import tasks as register

SEED = 57
NOTE = "Synthetic demonstration task (scripts/make_tasks.py, seed 57): not real data."
NOTE_VI = "Nhiệm vụ minh họa tổng hợp (scripts/make_tasks.py, hạt giống 57): không phải số liệu thật."
START = dt.date(2025, 3, 1)  # programmes were adopted in the spring of 2025
#: code (2025 layout) -> (tasks, reporting dates)
TN = "19"
TN_DATE = "2025-11-03"
TN_COUNTS = {"total": 156, "done": 83, "in progress": 72, "late": 1}
MONTH_ENDS = ["2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31"]
PROVINCES = {
    TN: (156, [*MONTH_ENDS, TN_DATE]),
    "52": (120, [*MONTH_ENDS, "2025-11-30"]),  # Gia Lai
    "01": (210, [*MONTH_ENDS, "2025-11-30"]),  # Hà Nội
    "48": (90, [*MONTH_ENDS, "2025-11-30"]),  # Đà Nẵng
}
PILLARS = ("research", "digital_economy", "infrastructure", "human_resources", "digital_government")
THEMES = {
    "research": "nhiệm vụ khoa học và công nghệ",
    "digital_economy": "phát triển kinh tế số",
    "infrastructure": "hạ tầng số",
    "human_resources": "đào tạo nhân lực số",
    "digital_government": "chính quyền số",
}
DEPARTMENTS = (
    "Sở Khoa học và Công nghệ",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Giáo dục và Đào tạo",
    "Văn phòng UBND tỉnh",
    "Công an tỉnh",
    "Sở Công Thương",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
)
WORDS = {
    "done": "Đã hoàn thành",
    "in progress": "Đang thực hiện",
    "not started": "Chưa thực hiện",
    "late": "Chậm tiến độ",
}


def _day(offset: int) -> str:
    return (START + dt.timedelta(days=int(offset))).isoformat()


def _deadlines(rng: np.random.Generator, n: int) -> np.ndarray:
    """Month, quarter and year ends between 2025-06-30 and 2026-12-31, with the text a secretariat writes."""
    choices = [
        (schema.parse_period(f"{y}-{m:02d}")[2].isoformat(), f"{schema.parse_period(f'{y}-{m:02d}')[2]:%d/%m/%Y}")
        for y in (2025, 2026)
        for m in range(1, 13)
        if (y, m) >= (2025, 6)
    ]
    choices += [
        (schema.parse_period(f"{y}-Q{q}")[2].isoformat(), f"Quý {'I II III IV'.split()[q - 1]}/{y}")
        for y in (2025, 2026)
        for q in range(1, 5)
        if (y, q) >= (2025, 2)
    ]
    choices += [("2025-12-31", "Năm 2025"), ("2026-12-31", "Năm 2026")]
    picked = rng.integers(0, len(choices), size=n)
    return np.array([choices[i] for i in picked], dtype=object)


def province_tasks(code: str, n: int, dates: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """The snapshots of one province's demonstration programme (one row per task and reporting date)."""
    deadlines = _deadlines(rng, n)
    deadline = np.array([d for d, _ in deadlines])
    started = np.array([_day(o) for o in rng.integers(0, 200, size=n)])
    completed = np.array([_day(o) if o < 640 else "" for o in rng.integers(60, 700, size=n)])
    if code == TN:  # exactly 83 done by the report date, one open task past its deadline, the rest started and not due
        order = rng.permutation(n)
        done, late, open_ = order[:83], order[83:84], order[84:]
        completed[done] = [
            _day(o) for o in rng.integers(60, (dt.date.fromisoformat(TN_DATE) - START).days + 1, size=83)
        ]
        completed[late] = "2025-12-15"
        completed[open_] = [_day(o) for o in rng.integers(250, 700, size=len(open_))]
        deadline[late], deadlines[late, 1] = "2025-09-30", "Quý III/2025"
        safe = [d for d in _deadlines(rng, 400) if d[0] >= TN_DATE][: len(open_)]
        deadline[open_] = [d for d, _ in safe]
        deadlines[open_, 1] = [text for _, text in safe]
        # every start is within 200 days of 2025-03-01, before the report date: no task is "not started" then
    pillar = np.array(PILLARS)[rng.integers(0, len(PILLARS), size=n)]
    department = np.array(DEPARTMENTS)[rng.integers(0, len(DEPARTMENTS), size=n)]
    programme = "Kế hoạch minh họa thực hiện Nghị quyết 57 (tổng hợp, không phải số liệu thật)"
    rows = []
    for as_of in dates:
        done = (completed != "") & (completed <= as_of)
        begun = started <= as_of
        status = np.where(done, "done", np.where(begun, "in progress", "not started"))
        if code == TN and as_of == TN_DATE:
            status[late] = "late"  # the report calls it late
        for i in range(n):
            rows.append(
                {
                    schema.LAYOUT: schema.LAYOUT_2025,
                    schema.GEO_CODE: code,
                    schema.PROGRAMME: programme,
                    schema.PROGRAMME_NUMBER: f"DEMO-{code}",
                    schema.PROGRAMME_DATE: START.isoformat(),
                    schema.AS_OF: as_of,
                    schema.TASK_ID: f"DEMO-{code}-{i + 1:03d}",
                    schema.TASK_TITLE: f"Nhiệm vụ minh họa {i + 1:03d}: {THEMES[pillar[i]]}",
                    schema.PILLAR: pillar[i],
                    schema.LEAD_DEPARTMENT: department[i],
                    schema.DEADLINE: deadline[i],
                    schema.DEADLINE_TEXT: deadlines[i, 1],
                    schema.STATUS_IN_FILE: status[i],
                    schema.COMPLETED_ON: completed[i] if done[i] else "",
                    schema.NOTE: NOTE,
                    schema.NOTE_VI: NOTE_VI,
                    schema.STATUS: schema.STATUS_SYNTHETIC,
                    schema.SOURCE_ID: register.DEMO_SOURCE,
                }
            )
    frame = pd.DataFrame(rows)
    frame[schema.TASK_STATUS] = register.counted_status(
        frame[schema.STATUS_IN_FILE], frame[schema.DEADLINE], frame[schema.AS_OF]
    )
    return frame


def demo_tasks(seed: int = SEED) -> pd.DataFrame:
    """Every demonstration register, in :data:`data.tasks.TASK_COLUMNS` order."""
    rng = np.random.default_rng(seed)
    frames = [province_tasks(code, n, dates, rng) for code, (n, dates) in PROVINCES.items()]
    return pd.concat(frames, ignore_index=True).reindex(columns=list(register.TASK_COLUMNS))


def main() -> None:
    frame = demo_tasks()
    frame.to_csv(register.DEMO_FILE, index=False, lineterminator="\n")
    print(f"wrote {len(frame)} rows ({frame[schema.GEO_CODE].nunique()} provinces) to {register.DEMO_FILE.name}")


if __name__ == "__main__":
    main()
