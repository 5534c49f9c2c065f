"""Task register benchmark: import and show a register of 2,000 tasks with 12 monthly status snapshots.

Run from anywhere:  python benchmarks/bench_tasks.py  [--tasks 2000] [--snapshots 12] [--strict]

Each step runs in a fresh Python process (imports done before timing), on one store made for the run
(a fresh copy of the bundled store in a temp dir, ``VN57_STORE``):

* import: the register as one task list in the template's ``tasks`` columns (a row per task and
  reporting date: 24,000 rows for 2,000 tasks x 12 month ends, as a CSV), through
  ``data.importers.analyse`` then ``data.importers.commit`` (one batch, one transaction). Also, for
  context, one snapshot (2,000 tasks) as a Vietnamese XLSX table (STT, Nội dung nhiệm vụ, Cơ quan chủ
  trì, Thời hạn, Tình trạng) with title rows, analysed only.
  Goal: the whole register imported in under 3 s.
* page: ``benchmarks/reference_page.py`` and the Tasks page of the register's province (synthetic
  values off, so only the imported register shows), measured as bench_pages.py measures pages
  (first after ``st.cache_data.clear()``: median of 3; warm: median of 5 reruns, alternating with the
  reference). Also the Tasks page of all provinces. Goal: Tasks page warm / reference warm <= 3.

Results are printed as a Markdown table (and written to benchmarks/results/, ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"
MARK = "BENCH_RESULT "
GOAL_IMPORT_S = 3.0
GOAL_WARM_RATIO = 3.0
PROVINCE, CODE = "Hà Nội", "01"
DEPARTMENTS = (
    "Sở Khoa học và Công nghệ",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Giáo dục và Đào tạo",
    "Văn phòng UBND",
    "Công an thành phố",
    "Sở Công Thương",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa và Thể thao",
    "Sở Tư pháp",
)
PILLARS = ("research", "digital_economy", "infrastructure", "human_resources", "digital_government")
WORDS = {"done": "Đã hoàn thành", "in progress": "Đang thực hiện", "not started": "Chưa thực hiện"}


def month_ends(count: int) -> list[str]:
    """``count`` month ends from 2025-07-31 on."""
    out, year, month = [], 2025, 7
    for _ in range(count):
        nxt = _dt.date(year + month // 12, month % 12 + 1, 1)
        out.append((nxt - _dt.timedelta(days=1)).isoformat())
        year, month = year + month // 12, month % 12 + 1
    return out


def register_rows(tasks: int, snapshots: int, seed: int = 57) -> list[dict]:
    """Rows of a synthetic register (for timing only): each task's status on each month end."""
    import numpy as np

    rng = np.random.default_rng(seed)
    start = _dt.date(2025, 3, 1)
    begun = [start + _dt.timedelta(days=int(d)) for d in rng.integers(0, 300, tasks)]
    finished = [start + _dt.timedelta(days=int(d)) for d in rng.integers(60, 900, tasks)]
    deadline = [start + _dt.timedelta(days=int(d)) for d in rng.integers(90, 700, tasks)]
    dates = month_ends(snapshots)
    rows = []
    for as_of in dates:
        day = _dt.date.fromisoformat(as_of)
        for i in range(tasks):
            status = "done" if finished[i] <= day else "in progress" if begun[i] <= day else "not started"
            rows.append(
                {
                    "province": PROVINCE,
                    "programme": "Kế hoạch thử tải 2.000 nhiệm vụ",
                    "as_of": day.strftime("%d/%m/%Y"),
                    "task_id": f"T{i + 1:05d}",
                    "task_title": f"Nhiệm vụ thử tải số {i + 1}",
                    "pillar": PILLARS[i % len(PILLARS)],
                    "lead_department": DEPARTMENTS[i % len(DEPARTMENTS)],
                    "deadline": deadline[i].strftime("%d/%m/%Y"),
                    "status": WORDS[status],
                    "completed_on": finished[i].strftime("%d/%m/%Y") if status == "done" else "",
                    "note": "",
                }
            )
    return rows


def register_csv(tasks: int, snapshots: int) -> bytes:
    import pandas as pd

    buffer = io.StringIO()
    pd.DataFrame(register_rows(tasks, snapshots)).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def snapshot_xlsx(tasks: int) -> bytes:
    """One snapshot as a Vietnamese table with title rows (the shape secretariats send)."""
    import openpyxl

    rows = register_rows(tasks, 1)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"UBND THÀNH PHỐ {PROVINCE.upper()}"])
    sheet.append(["DANH MỤC NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ 99-KH/TU NGÀY 01/03/2025"])
    sheet.append([f"(Số liệu đến ngày {rows[0]['as_of']})"])
    sheet.append(["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn hoàn thành", "Tình trạng"])
    for i, row in enumerate(rows, start=1):
        sheet.append([i, row["task_title"], row["lead_department"], row["deadline"], row["status"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- workers
def work_import(tasks: int, snapshots: int) -> dict:
    from data import importers
    from data.importers import Limits, Options
    from data.store import open_store

    raw = register_csv(tasks, snapshots)
    xlsx = snapshot_xlsx(tasks)
    store = open_store(os.environ["VN57_STORE"])
    limits = Limits(max_rows=1_000_000)
    t0 = time.perf_counter()
    report = importers.analyse("register.csv", raw, Options(), store=store, limits=limits)
    analyse_s = time.perf_counter() - t0
    if not report.can_import():
        raise RuntimeError(f"refused: {[str(p) for p in (report.fatal + report.problems)[:3]]}")
    t0 = time.perf_counter()
    batch = importers.commit(report, store, user="bench")
    commit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = importers.analyse("snapshot.xlsx", xlsx, Options(), limits=limits)
    xlsx_s = time.perf_counter() - t0
    store.close()
    return {
        "rows": len(report.tasks),
        "batch_rows": int(batch["rows_added"]),
        "analyse_s": analyse_s,
        "commit_s": commit_s,
        "total_s": analyse_s + commit_s,
        "xlsx_rows": len(table.tasks),
        "xlsx_analyse_s": xlsx_s,
        "csv_bytes": len(raw),
        "xlsx_bytes": len(xlsx),
    }


PAGES = ("pages/tasks.py?province=01&synthetic=0", "pages/tasks.py?synthetic=0")
ROUNDS, WARM_RERUNS = 3, 5


def work_pages() -> dict:
    """The Tasks page (one province, and all) alternating with the reference page in this process.

    As ``benchmarks/bench_pages.py`` measures pages: first = a new AppTest after ``st.cache_data.clear()``
    (imports and cache_resource warm), warm = the same AppTest rerun; medians, page over reference.
    """
    sys.path.insert(0, str(BENCH_DIR))
    import bench_pages as bp  # the page measurement of bench_pages.py, reused
    import streamlit as st

    bp._scan_components_once()
    for page in ("reference", *PAGES):  # imports and cache_resource warm, as on a running server
        at = bp._app_test(page, False)
        at.run()
        if at.exception:
            return {"error": f"{page}: {bp._exceptions(at)[0]}"}
    out = {}
    for page in PAGES:
        firsts, warms, last = {"reference": [], "page": []}, {"reference": [], "page": []}, {}
        for _ in range(ROUNDS):
            for who, target in (("reference", "reference"), ("page", page)):
                st.cache_data.clear()
                last[who] = bp._app_test(target, False)
                firsts[who].append(bp._timed_run(last[who]))
        for _ in range(WARM_RERUNS):
            for who in ("reference", "page"):
                warms[who].append(bp._timed_run(last[who]))
        med = {
            f"{kind}_{who}": statistics.median(values[who])
            for kind, values in (("first", firsts), ("warm", warms))
            for who in ("reference", "page")
        }
        out[page] = {
            **med,
            "first_ratio": med["first_page"] / med["first_reference"],
            "warm_ratio": med["warm_page"] / med["warm_reference"],
        }
    return {"pages": out}


def _worker(spec: str, tasks: int, snapshots: int) -> None:
    os.chdir(REPO_ROOT)
    sys.path.insert(0, str(REPO_ROOT))
    try:
        result = work_import(tasks, snapshots) if spec == "import" else work_pages()
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(MARK + json.dumps(result), flush=True)


def _spawn(spec: str, env: dict, tasks: int, snapshots: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", spec, "--tasks", str(tasks),
           "--snapshots", str(snapshots)]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    return {"error": f"worker exited {proc.returncode}: {(proc.stderr or proc.stdout)[-1500:]}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--snapshots", type=int, default=12)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.tasks, args.snapshots)
        return 0
    with tempfile.TemporaryDirectory(prefix="vn57-bench-tasks-") as folder:
        env = {**os.environ, "VN57_STORE": str(Path(folder) / "bench.duckdb"), "PYTHONPATH": str(REPO_ROOT)}
        imported = _spawn("import", env, args.tasks, args.snapshots)
        pages = _spawn("pages", env, args.tasks, args.snapshots)
    lines = [f"## Task register benchmark ({_dt.date.today()}, {args.tasks:,} tasks x {args.snapshots} snapshots)", ""]
    missed = "error" in imported
    if "error" in imported:
        lines.append(f"import: ERROR {imported['error']}")
    else:
        ok = imported["total_s"] < GOAL_IMPORT_S
        missed |= not ok
        lines += [
            "| import | rows | seconds | goal |",
            "| --- | ---: | ---: | --- |",
            f"| register CSV: analyse | {imported['rows']:,} | {imported['analyse_s']:.3f} | |",
            f"| register CSV: commit (one batch) | {imported['batch_rows']:,} | {imported['commit_s']:.3f} | |",
            f"| register CSV: total | {imported['rows']:,} | {imported['total_s']:.3f} | < {GOAL_IMPORT_S:g} s "
            f"{'met' if ok else 'MISSED'} |",
            f"| one snapshot, Vietnamese XLSX table: analyse | {imported['xlsx_rows']:,} "
            f"| {imported['xlsx_analyse_s']:.3f} | |",
            "",
        ]
    lines += [
        "| page | first s (reference) | warm s (reference) | first / reference (goal <= 2) "
        "| warm / reference (goal <= 3) |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    if "error" in pages:
        lines.append(f"| ERROR {pages['error'][:300]} | | | | |")
        missed = True
    for page, r in pages.get("pages", {}).items():
        ok_first, ok_warm = r["first_ratio"] <= 2, r["warm_ratio"] <= GOAL_WARM_RATIO
        missed |= not ok_warm
        lines.append(
            f"| {page} | {r['first_page']:.3f} ({r['first_reference']:.3f}) | {r['warm_page']:.3f} "
            f"({r['warm_reference']:.3f}) | {r['first_ratio']:.2f} {'met' if ok_first else 'MISSED'} "
            f"| {r['warm_ratio']:.2f} {'met' if ok_warm else 'MISSED'} |"
        )
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"tasks-{_dt.datetime.now():%Y%m%d-%H%M%S}.md").write_text(text + "\n", encoding="utf-8")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
