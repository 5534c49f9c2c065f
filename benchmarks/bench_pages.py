"""Page-speed benchmark: every page of the app side by side with a reference page, at 1x and 10x the data.

Run from anywhere:

    python benchmarks/bench_pages.py                 # bundled data (1x)
    python benchmarks/bench_pages.py --scale 10      # 1x and 10x, in one run
    python benchmarks/bench_pages.py --scale 10 --json   # one JSON object on standard output
    python benchmarks/bench_pages.py --scale 10 --readme # also rewrite README.md's figures

What is measured (the machine is shared and noisy, so only ratios measured side by side count):

* per scale, ONE worker process with its own store (``benchmarks/scaled_store.py``: the bundled
  data, plus monthly synthetic rows for every province and indicator up to ``scale`` times the
  bundled rows; synthetic values are switched on for the run with ``?synthetic=1``). Every page is
  run under ``streamlit.testing.v1.AppTest`` through ``app.py``, alternating with the reference
  page (``reference_page.py``: 63-bar altair chart, st.dataframe and st.metric over a cached
  20,000-row frame) in rounds:
  - first: a new AppTest after ``st.cache_data.clear()`` (imports and cache_resource warm, as on
    a running server), reference then page, ``ROUNDS`` times;
  - warm: the same AppTest rerun, reference and page alternating, ``WARM_RERUNS`` times each.
  Ratios are medians of the page over medians of the reference. Goals: first <= 2, warm <= 3.
  After every page has run, the worker's resident memory (VmRSS, VmHWM) is read: the same
  Python work a server process does for one session of each page.
* start (1x, needs /usr/bin/chromium): ``streamlit run serve.py`` as the README starts it (the
  seconds until its health check answers are written down), each page visited in a new
  headless-Chromium session, first visit after the start against two later visits (navigation to
  idle); then the server's resident memory. Goals: at most 2 times; at most 300 MB.
* store open at app start, the map payload and forecasting every target, as before.
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
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a script: make scripts/ and the app's packages importable
    sys.path.insert(0, str(REPO_ROOT))

# Pages of the app to benchmark, relative to the repo root: add a page here.
PAGES = [
    "pages/home.py",
    "pages/explorer.py",
    "pages/compare.py",
    "pages/profile.py",
    "pages/targets.py",
    "pages/map.py",  # 34-province layout (the default)
    "pages/map.py?layout=2008",  # a query string is set as the link's parameters
    "pages/present.py?present=1&province=19",  # the meeting-room slide
    "pages/import.py",
    "pages/tasks.py",
    "pages/coverage.py",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
APP = REPO_ROOT / "app.py"
BARE = BENCH_DIR / "bare_page.py"
REFERENCE = BENCH_DIR / "reference_page.py"

DEFAULT_TIMEOUT_S = 60
WARM_RERUNS = 5
ROUNDS = 3  # first runs of each page (and of the reference beside it) per scale
WORKER_TIMEOUT_S = 600
GOAL_STORE_S = 0.3
GOAL_WARM_RATIO = 3.0
GOAL_FIRST_RATIO = 2.0
RESULT_MARK = "BENCH_RESULT "


# --------------------------------------------------------------------------- store
def time_store_open() -> dict:
    """Time opening the store the way the app does at start. Adjust here.

    Prefers ``ui.loaders.open_store()`` (the app's cached loader); else
    ``data.store.open_store()``, whose default path follows VN57_DATA_DIR.
    Returns ``{"available": False}`` if neither exists.
    """
    import importlib
    import importlib.util

    candidates = [
        ("ui.loaders", "ui.loaders.open_store()", lambda fn: fn()),
        ("data.store", "data.store.open_store()", lambda fn: fn()),
    ]
    for module_name, how, call in candidates:
        try:
            found = importlib.util.find_spec(module_name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            continue
        t0 = time.perf_counter()
        module = importlib.import_module(module_name)
        import_s = time.perf_counter() - t0
        fn = getattr(module, "open_store", None)
        if fn is None:
            continue
        t0 = time.perf_counter()
        store = call(fn)
        open_s = time.perf_counter() - t0
        if module_name == "data.store" and hasattr(store, "close"):
            store.close()  # checkpoint, so the reopen is not timing a WAL replay
        return {"available": True, "how": how, "import_s": import_s, "open_s": open_s}
    return {"available": False}


# --------------------------------------------------------------------------- forecasts
def time_forecasts() -> dict:
    """Time forecasting every target of the bundled sample data, with and without synthetic values.

    ``analysis.forecasting.forecast_targets`` over ``data.observations.bundled_observations()``
    (what the Targets page does on a cold cache), after one untimed run that loads the imports.
    """
    from analysis import forecasting
    from data import observations, schema

    obs = observations.bundled_observations()
    forecasting.forecast_targets(obs, show_synthetic=True)  # warm-up: imports, catalogue, registry
    runs = {}
    for show in (True, False):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            table = forecasting.forecast_targets(obs, show_synthetic=show)
            times.append(time.perf_counter() - t0)
        runs["with synthetic" if show else "without synthetic"] = {
            "seconds": statistics.median(times),
            "targets": len(table),
            "models": int((table[schema.METHOD] == forecasting.METHOD_MODEL).sum()),
            "statuses": table[schema.FORECAST_STATUS].value_counts().to_dict(),
        }
    return {"available": True, "observations": len(obs), "runs": runs}


# --------------------------------------------------------------------------- pages
def _exceptions(at) -> list[str]:
    return [str(getattr(e, "message", e))[:500] for e in at.exception]


def _timed_run(at) -> float:
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0


def _scan_components_once() -> None:
    """Each new AppTest scans every installed distribution for v2 component
    manifests on its first run (~0.15 s here); a real server does that once at
    start. Memoise the scan so "first" measures the page, not that scan."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # other Streamlit versions: nothing to do
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is None:
        return
    memo: list = []

    def scan_once(*args, **kwargs):
        if not memo:
            memo.append(scan(*args, **kwargs))
        return memo[0]

    manifest_scanner.scan_component_manifests = scan_once


def _as_on_a_running_server() -> None:
    """Make each AppTest run behave as a rerun on a running server in two respects where AppTest differs.

    - AppTest builds a new ``ScriptCache`` for every run, so app.py and the page are compiled again
      (with Streamlit's magic rewrite) on every rerun; a server compiles each script once. Here one
      cache is shared by every run, as the server's is.
    - AppTest resets ``PagesManager.uses_pages_directory`` before every run, so a page beside a
      ``pages/`` folder first runs on its own (Streamlit's old multipage mode) until
      :func:`ui.sidebar.selection` sends it through app.py with ``st.rerun()``: every rerun ran the
      page twice. A server clears that flag for good in its first session's ``st.navigation``
      (the warm-up below has run every page), so here it stays cleared.
    Call after the warm-up; the reference page (no ``pages/`` folder beside it) is affected alike.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared

    class ServerPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False  # as after the server's first st.navigation

    app_test.PagesManager = ServerPagesManager


# --------------------------------------------------------------------------- alternating, per scale
def _app_test(page: str, synthetic: bool):
    """A fresh AppTest of ``page`` (``pages/x.py?a=1``) opened through app.py, or the reference page."""
    from urllib.parse import parse_qsl

    from streamlit.testing.v1 import AppTest

    if page == "reference":
        return AppTest.from_file(str(REFERENCE), default_timeout=DEFAULT_TIMEOUT_S)
    page_rel, _, query = page.partition("?")
    at = AppTest.from_file(str(APP), default_timeout=DEFAULT_TIMEOUT_S)
    at.query_params.update(parse_qsl(query))
    if synthetic:
        at.query_params["synthetic"] = "1"
    return at.switch_page(page_rel)


def _memory_mb() -> dict:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return {"rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}


def measure_scale(scale: int) -> dict:
    """Every page alternating with the reference page in this process, on a store ``scale`` times the bundled one."""
    import streamlit as st

    from benchmarks import scaled_store

    rows = scaled_store.build(Path(os.environ["VN57_DATA_DIR"]) / "vn57.duckdb", scale)
    import altair  # noqa: F401 - common stack, not any page's cost
    import pandas  # noqa: F401

    _scan_components_once()
    synthetic = scale > 1
    for page in ["reference", *PAGES]:  # imports and cache_resource warm, as on a running server
        at = _app_test(page, synthetic)
        at.run()
        if at.exception:
            return {"error": f"{page}: {_exceptions(at)[0]}"}
    _as_on_a_running_server()
    from ui import warmup

    warmup.start().join()  # the app's background warm-up (started by the first run) is over, as on a running server
    pages = {}
    for page in PAGES:
        firsts = {"reference": [], "page": []}
        for _ in range(ROUNDS):
            for who, target in (("reference", "reference"), ("page", page)):
                st.cache_data.clear()
                at = _app_test(target, synthetic)
                firsts[who].append(_timed_run(at))
                if who == "reference":
                    ref_at = at
                else:
                    page_at = at
        if page_at.exception:
            return {"error": f"{page}: {_exceptions(page_at)[0]}"}
        warms = {"reference": [], "page": []}
        for _ in range(WARM_RERUNS):
            warms["reference"].append(_timed_run(ref_at))
            warms["page"].append(_timed_run(page_at))
        med = {
            k: statistics.median(v)
            for k, v in (
                ("first_page", firsts["page"]),
                ("first_ref", firsts["reference"]),
                ("warm_page", warms["page"]),
                ("warm_ref", warms["reference"]),
            )
        }
        pages[page] = {
            **{f"{k}_s": v for k, v in med.items()},
            "first_ratio": med["first_page"] / med["first_ref"],
            "warm_ratio": med["warm_page"] / med["warm_ref"],
        }
    return {"scale": scale, "rows": rows, "synthetic_on": synthetic, "pages": pages, **_memory_mb()}


def _url(page: str) -> str:
    path, _, query = page.partition("?")
    stem = Path(path).stem
    return ("/" if stem == "home" else f"/{stem}") + (f"?{query}" if query else "")


def measure_start_in_browser(script: str = "serve.py") -> dict:
    """Each page's first visit after a server start against a later visit, in headless Chromium; server memory.

    The server is started as the README does (``streamlit run serve.py``; ``script`` names another) on a
    store built before; ``healthy_s`` is the time from the command to its health check's first answer.
    Every visit is a new browser context (a new session). Time = from navigation to the app idle.
    """
    from scripts import live_app

    if not Path(live_app.CHROMIUM).exists():
        return {"error": f"{live_app.CHROMIUM} not found: start-up and memory need a browser"}
    with tempfile.TemporaryDirectory(prefix="vn57_bench_start_") as data_dir:
        subprocess.run([sys.executable, "-c", "from data import store; store.open_store().close()"], cwd=REPO_ROOT,
                       env=_env(data_dir), check=True)  # fmt: skip
        began = time.perf_counter()
        with live_app.serve(data_dir, script=script) as (base, proc), live_app.chromium() as browser:
            healthy_s = time.perf_counter() - began
            visits: dict[str, list[float]] = {page: [] for page in PAGES}
            for _ in range(3):  # first visits, then two later ones
                for page in PAGES:
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    tab = context.new_page()
                    t0 = time.perf_counter()
                    tab.goto(base + _url(page))
                    live_app.wait_for_idle(tab, quiet_s=0.3)
                    visits[page].append(time.perf_counter() - t0 - 0.3)
                    context.close()
            rss = live_app.resident_mb(proc.pid)
    pages = {
        page: {"first_visit_s": v[0], "later_visit_s": statistics.median(v[1:]),
               "start_ratio": v[0] / statistics.median(v[1:])}
        for page, v in visits.items()
    }  # fmt: skip
    return {"pages": pages, "server_rss_mb": rss, "healthy_s": healthy_s}


# --------------------------------------------------------------------------- driver
def _worker(spec: str) -> None:
    os.chdir(REPO_ROOT)
    sys.path.insert(0, str(REPO_ROOT))
    kind, _, target = spec.partition(":")
    try:
        if kind == "scale":
            result = measure_scale(int(target))
        elif kind == "store":
            result = time_store_open()
        elif kind == "forecasts":
            result = time_forecasts()
        else:
            raise ValueError(f"unknown worker kind {kind!r}")
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_MARK + json.dumps(result), flush=True)


def _spawn(spec: str, env: dict) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", spec]
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {WORKER_TIMEOUT_S} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    tail = (proc.stderr or proc.stdout)[-1500:]
    return {"error": f"worker exited {proc.returncode} without a result: {tail}"}


def _page_name(page: str) -> str:
    return page.replace("pages/", "").replace(".py", "")


def _env(data_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        VN57_DATA_DIR=data_dir,
        STREAMLIT_LOG_LEVEL="error",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def run(scales: list[int]) -> dict:
    """Measure everything; returns the JSON-able result (see the module docstring)."""
    import streamlit

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    result: dict = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "goals": {
            "first_ratio": GOAL_FIRST_RATIO,
            "warm_ratio": GOAL_WARM_RATIO,
            "start_ratio": 2.0,
            "rss_mb": 300,
            "store_open_s": GOAL_STORE_S,
        },
    }
    with tempfile.TemporaryDirectory(prefix="vn57_bench_") as data_dir:
        env = _env(data_dir)
        result["store_first_open"] = _spawn("store", env)
        result["store_reopen"] = _spawn("store", env)
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix=f"vn57_bench_x{scale}_") as data_dir:
            result[f"scale_{scale}"] = _spawn(f"scale:{scale}", _env(data_dir))
    try:
        result["start"] = measure_start_in_browser()
    except Exception as exc:  # noqa: BLE001 - reported with the figures
        result["start"] = {"error": f"{type(exc).__name__}: {exc}"}
    with tempfile.TemporaryDirectory(prefix="vn57_bench_fc_") as data_dir:
        result["forecasts"] = _spawn("forecasts:", _env(data_dir))
    result["load_average"] = {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)}
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def _missed(result: dict) -> list[str]:
    goals, missed = result["goals"], []
    for key, block in result.items():
        if not key.startswith("scale_"):
            continue
        if "error" in block:
            missed.append(f"{key}: {block['error'][:200]}")
            continue
        for page, r in block["pages"].items():
            for figure in ("first_ratio", "warm_ratio"):
                if r[figure] > goals[figure]:
                    missed.append(f"{key} {_page_name(page)} {figure} {r[figure]:.2f}")
    start = result.get("start", {})
    if "error" in start:
        missed.append(f"start: {start['error'][:200]}")
    for page, r in start.get("pages", {}).items():
        if r["start_ratio"] > goals["start_ratio"]:
            missed.append(f"start {_page_name(page)} {r['start_ratio']:.2f}")
    if start.get("server_rss_mb", 0) > goals["rss_mb"]:
        missed.append(f"server memory {start['server_rss_mb']:.0f} MB")
    return missed


def markdown(result: dict) -> str:
    """The figures as the README shows them."""
    scales = sorted(int(k.split("_")[1]) for k in result if k.startswith("scale_"))
    out = [
        f"Latest run: {result['date']}, {result['machine']}, Python {result['python']}, Streamlit "
        f"{result['streamlit']}; load average {result['load_average']['before']} before and "
        f"{result['load_average']['after']} after; {result['seconds']:.0f} s in all. Written by "
        f"`python benchmarks/bench_pages.py --scale {max(scales)} --readme`. Ratios: the page's median over the "
        "reference page's median, measured alternately in one process.",
        "",
    ]
    columns = " | ".join(f"first / ref, {s}x | warm / ref, {s}x" for s in scales)
    header = f"| page | {columns} | first after start / later first |"
    out += [header, "|---" * (2 * len(scales) + 2) + "|"]
    for page in PAGES:
        cells = []
        for s in scales:
            block = result[f"scale_{s}"]
            r = block.get("pages", {}).get(page)
            cells += ["error", "error"] if r is None else [f"{r['first_ratio']:.2f}", f"{r['warm_ratio']:.2f}"]
        start = result.get("start", {}).get("pages", {}).get(page, {})
        cells.append(f"{start['start_ratio']:.2f}" if "start_ratio" in start else "–")
        out.append(f"| {_page_name(page)} | " + " | ".join(cells) + " |")
    out.append("")
    for s in scales:
        block = result[f"scale_{s}"]
        if "error" in block:
            out.append(f"- {s}x: error: {block['error'][:300]}")
            continue
        ref = next(iter(block["pages"].values()))
        out.append(
            f"- {s}x: {block['rows']:,} stored rows; reference page first run {ref['first_ref_s']:.3f} s, warm rerun "
            f"{ref['warm_ref_s']:.3f} s; the AppTest worker's memory after every page: {block['rss_mb']:.0f} MB "
            f"resident (peak {block['peak_rss_mb']:.0f} MB; AppTest and the reference page included)."
        )
    start = result.get("start", {})
    if "server_rss_mb" in start:
        out.append(
            f"- Start-up, in headless Chromium against `streamlit run serve.py` (1x): health check answered "
            f"{start.get('healthy_s', float('nan')):.1f} s after the command (once warm); first visit of each page "
            f"after that / median of two later visits (column above); server memory after visiting every "
            f"page three times: {start['server_rss_mb']:.0f} MB resident."
        )
    first, again = result["store_first_open"], result["store_reopen"]
    if first.get("available") and again.get("available"):
        out.append(
            f"- Store open at app start: {again['open_s']:.3f} s (reopen), {first['open_s']:.3f} s (first build); "
            f"goal {GOAL_STORE_S} s."
        )
    forecasts = result.get("forecasts", {})
    if forecasts.get("available"):
        runs = "; ".join(
            f"{name}: {run['seconds']:.2f} s for {run['targets']} targets" for name, run in forecasts["runs"].items()
        )
        out.append(f"- Forecasting every target of the bundled data (`forecast_targets`): {runs}.")
    goals = result["goals"]
    out.append(
        f"- Goals: first <= {goals['first_ratio']:g}, warm <= {goals['warm_ratio']:g} at every scale; first run after "
        f"start <= {goals['start_ratio']:g} x a later first run; memory <= {goals['rss_mb']} MB."
    )
    missed = _missed(result)
    out.append("- Missed: " + ("; ".join(missed) if missed else "none") + ".")
    return "\n".join(out)


README_START, README_END = "<!-- benchmark figures -->", "<!-- /benchmark figures -->"


def write_readme(text: str) -> None:
    readme = REPO_ROOT / "README.md"
    body = readme.read_text(encoding="utf-8")
    start = body.index(README_START) + len(README_START)
    end = body.index(README_END, start)
    readme.write_text(body[:start] + "\n\n" + text + "\n\n" + body[end:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, default=1, help="also measure at this many times the bundled data")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--readme", action="store_true", help="write the figures into README.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument("--pages", help="only pages whose path contains one of these comma-separated words")
    args = parser.parse_args()
    if args.pages:
        words = args.pages.split(",")
        PAGES[:] = [p for p in PAGES if any(w in p for w in words)]
        os.environ["VN57_BENCH_PAGES"] = ",".join(PAGES)  # the worker processes measure the same
    elif os.environ.get("VN57_BENCH_PAGES"):
        PAGES[:] = os.environ["VN57_BENCH_PAGES"].split(",")
    if args.worker:
        _worker(args.worker)
        return 0
    if args.scale < 1:
        parser.error("--scale must be 1 or more")
    result = run(sorted({1, args.scale}))
    text = markdown(result)
    if args.readme:
        write_readme(text)
    print(json.dumps(result, indent=1) if args.json else text)
    return 1 if (args.strict and _missed(result)) else 0


if __name__ == "__main__":
    sys.exit(main())
