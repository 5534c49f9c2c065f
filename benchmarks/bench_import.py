"""Import benchmark: validate and store 200,000 tidy rows (CSV and XLSX) and analyse a stray-cell workbook,
side by side with plain pandas.read_csv / read_excel of the same files.

Run from anywhere:  python benchmarks/bench_import.py  [--rows 200000] [--repeats 3] [--only csv,xlsx,stray]
                    [--with-stray-reference] [--strict]

What is measured, each run in a fresh Python process (imports done before timing):

* import: ``data.importers.analyse`` (read the bytes, detect encoding, separator, layout and decimal
  mark, validate every row, compare with the store) then ``data.importers.commit`` (one transaction
  into a fresh store that holds the bundled data, opened before timing). Time of each step and total.
* reference: ``pandas.read_csv`` of the same file with default options (the floor of "reading a CSV");
  and, for context, ``read_csv(dtype=str, keep_default_na=False)`` (every cell as text, as an import reads it).

Time: median over ``--repeats`` processes. Memory, in separate processes (tracing slows the code):
the tracemalloc peak (Python and NumPy allocations) and the rise of the process's peak resident set
size over its size before the step (``VmHWM`` in ``/proc/self/status``: also counts Arrow and DuckDB memory).
Goal: import total under 5 s on the 2-core CI machine. Results go to benchmarks/results/ (ignored by git).

XLSX (issue 10): the same 200,000 rows as a workbook, imported (pre-scan, python-calamine, validation,
store), next to ``pandas.read_excel(engine="calamine")`` of the same file: goal under 10 s. The stray-cell
workbook: 3,000 tidy rows plus one cell at XFD1 (about 100 KB), analysed (pre-scan, table found,
read, validated), next to ``read_excel`` of the same table without the stray cell: goal under 2 s and
under 100 MB peak RSS growth. ``read_excel`` of the stray-cell file itself holds a 3,000 x 16,384 grid
(over 1 GB): it runs only with ``--with-stray-reference``.
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
    inds = [i for i, high in zip(cat["indicator_id"], cat["max"]) if i != "pii_rank" and (high != high or high >= 100)][
        :16
    ]
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


def make_xlsx(path: Path, rows: int) -> None:
    """The rows of :func:`make_csv` as a one-sheet workbook (inline text, numbers as numbers), written directly."""
    import zipfile

    csv_path = path.with_suffix(".for-xlsx.csv")
    make_csv(csv_path, rows)
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    csv_path.unlink()

    def cell(ref: str, text: str, number: bool = False) -> str:
        return f'<c r="{ref}"><v>{text}</v></c>' if number else f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    out = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           "<sheetData>"]  # fmt: skip
    for r, line in enumerate(lines, start=1):
        values = line.split(",")
        out.append(f'<row r="{r}">' + "".join(cell(f"{chr(65 + j)}{r}", v, number=(r > 1 and j == 5))
                                             for j, v in enumerate(values)) + "</row>")  # fmt: skip
    out.append("</sheetData></worksheet>")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                      '<Default Extension="xml" ContentType="application/xml"/>'
                      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'  # noqa: E501 - one XML element
                      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'  # noqa: E501 - one XML element
                      "</Types>")  # fmt: skip
        book.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{rels}"><Relationship Id="rId1" '
                                     f'Type="{kind}/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        book.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} {rel_ns}><sheets>'
                                         '<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
        book.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{rels}"><Relationship '
                                                    f'Id="rId1" Type="{kind}/worksheet" Target="worksheets/sheet1.xml"/>'
                                                    "</Relationships>")  # fmt: skip
        book.writestr("xl/worksheets/sheet1.xml", "".join(out))


def make_stray(path: Path, clean_path: Path, rows: int = 3000) -> None:
    """A workbook of ``rows`` tidy rows with one stray cell at XFD1 (as openpyxl writes it), and the same without it."""
    import openpyxl

    sys.path.insert(0, str(REPO_ROOT))
    from data import registry

    codes = list(registry.provinces("2025")["code"])
    for target, stray in ((path, True), (clean_path, False)):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "data"
        sheet.append(["geo_level", "layout", "geo_code", "indicator_id", "period", "value", "status", "source_id"])
        for i in range(rows):
            day = _dt.date(2000, 1, 1) + _dt.timedelta(days=i // len(codes))
            sheet.append(
                ["province", "2025", codes[i % len(codes)], "rd_staff", day.isoformat(), i, "reported", "derived_here"]
            )
        if stray:
            sheet["XFD1"] = "stray"
        book.save(target)


WORKER = r"""
import json, os, sys, time, tracemalloc
sys.path.insert(0, os.environ["REPO_ROOT"])
target, mode, csv_path, store_path = sys.argv[1:5]
import pandas as pd
from data import importers
from data.store import open_store

def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

def peak_kb():
    # VmHWM: this process's own peak since exec (getrusage's ru_maxrss keeps the peak of the forking
    # parent across exec, so a child started by a big parent would report the parent's size)
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

raw = open(csv_path, "rb").read()
db = open_store(store_path) if target in ("import", "xlsx_import") else None
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
elif target in ("xlsx_reference", "stray_reference", "stray_reference_clean"):
    frame = pd.read_excel(csv_path, engine="calamine")
    result["rows"] = len(frame)
elif target == "stray_analyse":
    report = importers.analyse("stray.xlsx", raw)
    assert not report.fatal, [str(p) for p in report.fatal][:3]
    result["rows"] = len(report.valid) + report.rows_invalid
    result["ignored"] = str(report.detected.get("ignored_cells", ""))
else:
    report = importers.analyse("bench.xlsx" if csv_path.endswith(".xlsx") else "bench.csv", raw, store=db)
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
result["rss_rise_mb"] = max(0, peak_kb() - base) / 1024
print("BENCH_RESULT " + json.dumps(result))
"""


def run(target: str, mode: str, csv_path: Path, workdir: Path) -> dict:
    store_path = workdir / f"store-{target}-{mode}-{os.getpid()}-{len(list(workdir.iterdir()))}.duckdb"
    if target in (
        "import",
        "xlsx_import",
    ):  # a fresh store with the bundled data, built before the timed process starts
        subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[2]); "
                        "from data.store import open_store; open_store(sys.argv[1]).close()",
                        str(store_path), str(REPO_ROOT)], check=True)  # fmt: skip
    env = {**os.environ, "REPO_ROOT": str(REPO_ROOT), "VN57_DATA_DIR": str(workdir)}
    done = subprocess.run([sys.executable, "-c", WORKER, target, mode, str(csv_path), str(store_path)],
                          capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=600)  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if done.returncode or line is None:
        raise SystemExit(f"{target}/{mode} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[len(MARK) :])


def _median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0] if k.endswith("_s") or k == "rss_rise_mb"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="csv,xlsx,stray", help="comma-separated: csv, xlsx, stray")
    parser.add_argument("--with-stray-reference", action="store_true",
                        help="also read_excel the stray-cell file itself (holds over 1 GB)")  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    results: dict = {"rows": args.rows}
    goals: list[tuple[str, bool, str]] = []
    with tempfile.TemporaryDirectory(prefix="vn57-bench-import-") as tmp:
        workdir = Path(tmp)
        if "csv" in parts:
            csv_path = workdir / "bench.csv"
            make_csv(csv_path, args.rows)
            results["csv_mb"] = csv_path.stat().st_size / 2**20
            targets = ("reference", "reference_text", "import")
            timed = {t: [run(t, "time", csv_path, workdir) for _ in range(args.repeats)] for t in targets}
            memory = {t: run(t, "memory", csv_path, workdir) for t in targets}
            results["csv"] = {"time": {t: _median(r) for t, r in timed.items()}, "memory": memory}
        if "xlsx" in parts:
            xlsx_path = workdir / "bench.xlsx"
            make_xlsx(xlsx_path, args.rows)
            results["xlsx_mb"] = xlsx_path.stat().st_size / 2**20
            timed = {
                t: [run(t, "time", xlsx_path, workdir) for _ in range(args.repeats)]
                for t in ("xlsx_reference", "xlsx_import")
            }
            results["xlsx"] = {"time": {t: _median(r) for t, r in timed.items()}}
        if "stray" in parts:
            stray, clean = workdir / "stray.xlsx", workdir / "clean.xlsx"
            make_stray(stray, clean)
            results["stray_kb"] = stray.stat().st_size / 1024
            targets = ["stray_reference_clean", "stray_analyse"] + (
                ["stray_reference"] if args.with_stray_reference else []
            )
            timed = {t: [run(t, "time", clean if t == "stray_reference_clean" else stray, workdir)
                         for _ in range(args.repeats)] for t in targets}  # fmt: skip
            results["stray"] = {"time": {t: _median(r) for t, r in timed.items()}}
    load = os.getloadavg()[0]
    results["load_average"] = load
    print(f"Import benchmark: {args.rows:,} tidy rows; {args.repeats} run(s) each, every run a fresh process; "
          f"Python {platform.python_version()} on {os.cpu_count()} CPU(s), load average {load:.1f}")  # fmt: skip
    if load > (os.cpu_count() or 1):
        print("note: the machine is busy (load above the CPU count): wall times are inflated, CPU times less so")
    if "csv" in results:
        med = results["csv"]["time"]
        ref, text, imp = med["reference"]["total_s"], med["reference_text"]["total_s"], med["import"]["total_s"]
        peak = {t: m["tracemalloc_peak_mb"] for t, m in results["csv"]["memory"].items()}
        rows = [
            ("time, median (s)", f"{ref:.2f}", f"{text:.2f}", f"{imp:.2f}", f"{imp / ref:.1f}x"),
            ("CPU time, median (s)", f"{med['reference']['cpu_s']:.2f}", f"{med['reference_text']['cpu_s']:.2f}",
             f"{med['import']['cpu_s']:.2f}", f"{med['import']['cpu_s'] / med['reference']['cpu_s']:.1f}x"),
            ("  of which validate (analyse)", "", "", f"{med['import']['analyse_s']:.2f}", ""),
            ("  of which store (commit)", "", "", f"{med['import']['commit_s']:.2f}", ""),
            ("peak RSS rise (MB)", f"{med['reference']['rss_rise_mb']:.0f}", f"{med['reference_text']['rss_rise_mb']:.0f}",
             f"{med['import']['rss_rise_mb']:.0f}", f"{med['import']['rss_rise_mb'] / max(med['reference']['rss_rise_mb'], 1):.1f}x"),
            ("tracemalloc peak (MB)", f"{peak['reference']:.0f}", f"{peak['reference_text']:.0f}", f"{peak['import']:.0f}",
             f"{peak['import'] / max(peak['reference'], 1):.1f}x"),
        ]  # fmt: skip
        print(f"\nCSV, {results['csv_mb']:.1f} MB")
        print(f"{'':30} {'read_csv':>9} {'as text':>9} {'import':>9} {'import/read_csv':>16}")
        for label, a, b, c, d in rows:
            print(f"{label:30} {a:>9} {b:>9} {c:>9} {d:>16}")
        goals.append(("CSV import under 5 s", imp < GOAL_S, f"{imp:.2f} s"))
    if "xlsx" in results:
        med = results["xlsx"]["time"]
        ref, imp = med["xlsx_reference"]["total_s"], med["xlsx_import"]["total_s"]
        print(f"\nXLSX, {results['xlsx_mb']:.1f} MB")
        print(f"{'':30} {'read_excel':>11} {'import':>9} {'import/read_excel':>18}")
        print(f"{'time, median (s)':30} {ref:>11.2f} {imp:>9.2f} {imp / ref:>17.1f}x")
        print(f"{'CPU time, median (s)':30} {med['xlsx_reference']['cpu_s']:>11.2f} {med['xlsx_import']['cpu_s']:>9.2f} "
              f"{med['xlsx_import']['cpu_s'] / med['xlsx_reference']['cpu_s']:>17.1f}x")  # fmt: skip
        print(f"{'  of which validate (analyse)':30} {'':>11} {med['xlsx_import']['analyse_s']:>9.2f}")
        print(f"{'  of which store (commit)':30} {'':>11} {med['xlsx_import']['commit_s']:>9.2f}")
        print(
            f"{'peak RSS rise (MB)':30} {med['xlsx_reference']['rss_rise_mb']:>11.0f} {med['xlsx_import']['rss_rise_mb']:>9.0f}"
        )
        goals.append(("XLSX import under 10 s", imp < 10.0, f"{imp:.2f} s"))
    if "stray" in results:
        med = results["stray"]["time"]
        ref, ana = med["stray_reference_clean"], med["stray_analyse"]
        print(f"\nStray-cell workbook, {results['stray_kb']:.0f} KB (one cell at XFD1)")
        header = f"{'':30} {'read_excel, table only':>23} {'analyse':>9}"
        if "stray_reference" in med:
            header += f" {'read_excel, as is':>18}"
        print(header)
        line = f"{'time, median (s)':30} {ref['total_s']:>23.2f} {ana['total_s']:>9.2f}"
        mem = f"{'peak RSS rise (MB)':30} {ref['rss_rise_mb']:>23.0f} {ana['rss_rise_mb']:>9.0f}"
        if "stray_reference" in med:
            line += f" {med['stray_reference']['total_s']:>18.2f}"
            mem += f" {med['stray_reference']['rss_rise_mb']:>18.0f}"
        print(line)
        print(mem)
        goals.append(("stray-cell workbook analysed under 2 s", ana["total_s"] < 2.0, f"{ana['total_s']:.2f} s"))
        goals.append(
            ("stray-cell workbook under 100 MB growth", ana["rss_rise_mb"] < 100, f"{ana['rss_rise_mb']:.0f} MB")
        )
    print()
    for goal, met, got in goals:
        print(f"goal: {goal} -> {'met' if met else 'MISSED'} ({got})")
    RESULTS.mkdir(exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results["goals"] = {goal: met for goal, met, _ in goals}
    (RESULTS / f"import-{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    ok = all(met for _, met, _ in goals)
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
