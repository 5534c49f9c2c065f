"""Import benchmark: validate and store a 200,000-row tidy CSV, side by side with plain pandas.read_csv.

Run from anywhere:  python benchmarks/bench_import.py  [--rows 200000] [--repeats 3] [--strict]

What is measured, each run in a fresh Python process (imports done before timing):

* import: ``data.importers.analyse`` (read the bytes, detect encoding, separator, layout and decimal
  mark, validate every row, compare with the store) then ``data.importers.commit`` (one transaction
  into a fresh store that holds the bundled data, opened before timing). Time of each step and total.
* reference: ``pandas.read_csv`` of the same file with default options (the floor of "reading a CSV");
  and, for context, ``read_csv(dtype=str, keep_default_na=False)`` (every cell as text, as an import reads it).

Time: median over ``--repeats`` processes. Memory, in separate processes (tracing slows the code):
the tracemalloc peak (Python and NumPy allocations) and the rise of the process's peak resident set
size over its size before the step (``resource.getrusage``: also counts Arrow and DuckDB memory).
Goal: import total under 5 s on the 2-core CI machine. Results go to benchmarks/results/ (ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
GOAL_S = 5.0
MARK = "BENCH_RESULT "


def make_csv(path: Path, rows: int) -> None:
    """``rows`` distinct tidy rows: 63 provinces x 16 indicators x days, values within every range."""
    sys.path.insert(0, str(REPO_ROOT))
    from data import catalogue, registry

    codes = list(registry.provinces("2008")["code"])
    cat = catalogue.indicators()
    inds = [i for i, high in zip(cat["indicator_id"], cat["max"]) if i != "pii_rank" and (high != high or high >= 100)][:16]
    day = _dt.date(2000, 1, 1)
    out = ["geo_level,layout,geo_code,indicator_id,period,value,status,source_id"]
    n = 0
    while n < rows:
        label = day.isoformat()
        for code in codes:
            for ind in inds:
                if n == rows:
                    break
                out.append(f"province,2008,{code},{ind},{label},{(n * 37 % 10000) / 100:.2f},reported,derived_here")
                n += 1
        day += _dt.timedelta(days=1)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


WORKER = r"""
import json, os, resource, sys, time, tracemalloc
sys.path.insert(0, os.environ["REPO_ROOT"])
target, mode, csv_path, store_path = sys.argv[1:5]
import pandas as pd
from data import importers
from data.store import open_store

def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

raw = open(csv_path, "rb").read()
db = open_store(store_path) if target == "import" else None
result = {}
if mode == "memory":
    tracemalloc.start()
base = rss_kb()
c0 = time.process_time()
t0 = time.perf_counter()
if target == "reference":
    frame = pd.read_csv(csv_path)
    result["rows"] = len(frame)
elif target == "reference_text":
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    result["rows"] = len(frame)
else:
    report = importers.analyse("bench.csv", raw, store=db)
    t1 = time.perf_counter()
    assert report.can_import(), [str(p) for p in report.fatal + report.problems][:3]
    batch = importers.commit(report, db, user="bench")
    result["analyse_s"] = t1 - t0
    result["commit_s"] = time.perf_counter() - t1
    result["rows"] = int(batch["rows_added"])
result["total_s"] = time.perf_counter() - t0
result["cpu_s"] = time.process_time() - c0
if mode == "memory":
    result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
result["rss_rise_mb"] = max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print("BENCH_RESULT " + json.dumps(result))
"""


def run(target: str, mode: str, csv_path: Path, workdir: Path) -> dict:
    store_path = workdir / f"store-{target}-{mode}-{os.getpid()}-{len(list(workdir.iterdir()))}.duckdb"
    if target == "import":  # a fresh store with the bundled data, built before the timed process starts
        subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[2]); "
                        "from data.store import open_store; open_store(sys.argv[1]).close()",
                        str(store_path), str(REPO_ROOT)], check=True)  # fmt: skip
    env = {**os.environ, "REPO_ROOT": str(REPO_ROOT), "VN57_DATA_DIR": str(workdir)}
    done = subprocess.run([sys.executable, "-c", WORKER, target, mode, str(csv_path), str(store_path)],
                          capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=600)  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if done.returncode or line is None:
        raise SystemExit(f"{target}/{mode} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[len(MARK):])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vn57-bench-import-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "bench.csv"
        make_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 2**20
        targets = ("reference", "reference_text", "import")
        timed = {t: [run(t, "time", csv_path, workdir) for _ in range(args.repeats)] for t in targets}
        memory = {t: run(t, "memory", csv_path, workdir) for t in targets}
    load = os.getloadavg()[0]
    med = {t: {k: statistics.median(r[k] for r in runs) for k in runs[0] if k.endswith("_s")} for t, runs in timed.items()}
    rss = {t: statistics.median(r["rss_rise_mb"] for r in runs) for t, runs in timed.items()}
    ref, text, imp = med["reference"]["total_s"], med["reference_text"]["total_s"], med["import"]["total_s"]
    peak = {t: m["tracemalloc_peak_mb"] for t, m in memory.items()}
    rows = [
        ("time, median (s)", f"{ref:.2f}", f"{text:.2f}", f"{imp:.2f}", f"{imp / ref:.1f}x"),
        ("CPU time, median (s)", f"{med['reference']['cpu_s']:.2f}", f"{med['reference_text']['cpu_s']:.2f}",
         f"{med['import']['cpu_s']:.2f}", f"{med['import']['cpu_s'] / med['reference']['cpu_s']:.1f}x"),
        ("  of which validate (analyse)", "", "", f"{med['import']['analyse_s']:.2f}", ""),
        ("  of which store (commit)", "", "", f"{med['import']['commit_s']:.2f}", ""),
        ("peak RSS rise (MB)", f"{rss['reference']:.0f}", f"{rss['reference_text']:.0f}", f"{rss['import']:.0f}",
         f"{rss['import'] / max(rss['reference'], 1):.1f}x"),
        ("tracemalloc peak (MB)", f"{peak['reference']:.0f}", f"{peak['reference_text']:.0f}", f"{peak['import']:.0f}",
         f"{peak['import'] / max(peak['reference'], 1):.1f}x"),
    ]  # fmt: skip
    print(f"Import benchmark: {args.rows:,} tidy rows, {size_mb:.1f} MB CSV; {args.repeats} runs each; "
          f"Python {platform.python_version()} on {os.cpu_count()} CPU(s), load average {load:.1f}")  # fmt: skip
    if load > (os.cpu_count() or 1):
        print("note: the machine is busy (load above the CPU count): wall times are inflated, CPU times less so")
    print(f"{'':30} {'read_csv':>9} {'as text':>9} {'import':>9} {'import/read_csv':>16}")
    for label, a, b, c, d in rows:
        print(f"{label:30} {a:>9} {b:>9} {c:>9} {d:>16}")
    ok = imp < GOAL_S
    print(f"goal: import under {GOAL_S:.0f} s -> {'met' if ok else 'MISSED'} ({imp:.2f} s)")
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"import-{stamp}.json").write_text(json.dumps(
        {"rows": args.rows, "csv_mb": size_mb, "load_average": load, "time": med, "rss_rise_mb": rss, "memory": memory,
         "goal_met": ok}, indent=2))
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
