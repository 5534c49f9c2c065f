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
  (cold, first after ``st.cache_data.clear()``, warm: median of 5 reruns). Also the Tasks page of all
  provinces. Goal: Tasks page warm / reference warm <= 3.

Results are printed as a Markdown table (and written to benchmarks/results/, ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import os
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


def work_page(target: str) -> dict:
    sys.path.insert(0, str(BENCH_DIR))
    import bench_pages  # noqa: PLC0415 - the page measurement of bench_pages.py, reused

    kind, _, page = target.partition(":")
    return bench_pages.measure_target(kind, page)


def _worker(spec: str, tasks: int, snapshots: int) -> None:
    os.chdir(REPO_ROOT)
    sys.path.insert(0, str(REPO_ROOT))
    try:
        result = work_import(tasks, snapshots) if spec == "import" else work_page(spec)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(MARK + json.dumps(result), flush=True)


def _spawn(spec: str, env: dict, tasks: int, snapshots: int) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        spec,
        "--tasks",
        str(tasks),
        "--snapshots",
        str(snapshots),
    ]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
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
        reference = _spawn(f"script:{BENCH_DIR / 'reference_page.py'}", env, args.tasks, args.snapshots)
        province = _spawn(f"page:pages/tasks.py?province={CODE}&synthetic=0", env, args.tasks, args.snapshots)
        everyone = _spawn("page:pages/tasks.py?synthetic=0", env, args.tasks, args.snapshots)
    lines = [f"## Task register benchmark ({_dt.date.today()}, {args.tasks:,} tasks x {args.snapshots} snapshots)", ""]
    if "error" in imported:
        lines.append(f"import: ERROR {imported['error']}")
    else:
        ok = imported["total_s"] < GOAL_IMPORT_S
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
        "| page | cold s | first s | warm s | warm / reference (goal <= 3) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    missed = "error" in imported or imported["total_s"] >= GOAL_IMPORT_S
    ref_warm = reference.get("warm_s")
    for name, result in (
        ("reference_page.py", reference),
        (f"Tasks, province {CODE}", province),
        ("Tasks, all", everyone),
    ):
        if "error" in result:
            lines.append(f"| {name} | ERROR {result['error'][:200]} | | | |")
            missed = True
            continue
        ratio = result["warm_s"] / ref_warm if ref_warm else None
        mark = (
            ""
            if name.startswith("reference") or ratio is None
            else f"{ratio:.2f} {'met' if ratio <= GOAL_WARM_RATIO else 'MISSED'}"
        )
        missed |= bool(ratio and not name.startswith("reference") and ratio > GOAL_WARM_RATIO)
        lines.append(f"| {name} | {result['cold_s']:.3f} | {result['first_s']:.3f} | {result['warm_s']:.3f} | {mark} |")
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"tasks-{_dt.datetime.now():%Y%m%d-%H%M%S}.md").write_text(text + "\n", encoding="utf-8")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
