"""Page-speed benchmark: the app's pages side by side with two reference pages.

Run from anywhere:  python benchmarks/bench_pages.py  [--strict]

What is measured, each target in its own fresh Python process (so one target's
imports and caches never help another), with VN57_DATA_DIR set to one temp dir
for the whole run:

* store: opening the store at app start (``time_store_open`` below): the
  import of the loader module, the first open in an empty data dir, and a
  reopen of that same dir from a new process (the usual app start).
  Goal: both opens under 0.3 s.
* bare_page.py (``st.write("hello")``) and reference_page.py (63-bar Altair
  chart + st.dataframe + st.metric over a cached 20,000-row frame), and every
  page in PAGES, run with streamlit.testing.v1.AppTest (default_timeout=60):
  - cold: the first run in the fresh process. Includes the page's own imports
    and every cache cold; excludes Python start-up and the common stack
    (streamlit, numpy, pandas, altair), imported before timing.
  - first: a new AppTest after st.cache_data.clear() (imports and
    st.cache_resource warm, as on a running server; st.cache_data cold).
  - warm: median of 5 further runs of that same AppTest.
  The scan for installed v2 components, which every new AppTest repeats but a
  server does once at start, is memoised after the warm-up and timed nowhere.
  Goals: page warm / reference warm <= 3, page first / reference first <= 2.
  reference warm / bare warm is printed for context (about 6 expected).

App pages are run through app.py (AppTest.from_file("app.py") +
switch_page(page)), falling back to AppTest.from_file(page) when that raises;
the method used is shown in the table.
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
]

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
APP = REPO_ROOT / "app.py"
BARE = BENCH_DIR / "bare_page.py"
REFERENCE = BENCH_DIR / "reference_page.py"

DEFAULT_TIMEOUT_S = 60
WARM_RERUNS = 5
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


def _measure(make_at, label: str, cold_at=None) -> dict:
    """cold / first / warm timings for one way of opening a page (see module doc).

    ``cold_at``: an (AppTest, seconds) pair whose run already was the cold run.
    """
    import streamlit as st

    if cold_at is None:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = make_at()
        cold = _timed_run(at)
    else:
        at, cold = cold_at
    errors = _exceptions(at)
    if errors:
        raise RuntimeError(f"{label}: exception on the page: {errors[0]}")

    at = make_at()
    st.cache_data.clear()
    first = _timed_run(at)
    warm = [_timed_run(at) for _ in range(WARM_RERUNS)]
    errors = _exceptions(at)
    if errors:
        raise RuntimeError(f"{label}: exception on rerun: {errors[0]}")
    decks = [len(e.proto.json) for e in at.get("deck_gl_json_chart")]  # bytes of each pydeck map sent
    return {"method": label, "cold_s": cold, "first_s": first, "warm_s": statistics.median(warm), "warm_all_s": warm,
            "deck_bytes": decks}


def _measure_via_app(page_rel: str) -> dict:
    """Open ``page_rel`` as the app does: AppTest(app.py) + switch_page (``?a=1&b=2``: the link's parameters)."""
    from urllib.parse import parse_qsl

    from streamlit.testing.v1 import AppTest

    page_rel, _, query = page_rel.partition("?")
    params = parse_qsl(query)
    page_abs = str((REPO_ROOT / page_rel).resolve())
    # Before the first run switch_page() guesses the page from its filename
    # (right when url_path is the file's stem, or for the default page). The
    # cold run checks the guess against what st.navigation registered; if it
    # was wrong, that run showed another page: switch and run again.
    at = AppTest.from_file(str(APP), default_timeout=DEFAULT_TIMEOUT_S)
    at.query_params.update(params)
    at.switch_page(page_rel)
    guessed = at._page_hash
    cold = _timed_run(at)
    if _exceptions(at):
        raise RuntimeError(f"app.py + switch_page: {_exceptions(at)[0]}")
    try:
        guess_ok = at._resolve_page_hash(page_abs) == guessed
    except Exception:  # noqa: BLE001 - private API; fall back to run-then-switch
        guess_ok = False
    if not guess_ok:
        at.switch_page(page_rel)
        cold = _timed_run(at)

    def make():
        fresh = AppTest.from_file(str(APP), default_timeout=DEFAULT_TIMEOUT_S)
        fresh.query_params.update(params)
        if not guess_ok:
            fresh.run()
        return fresh.switch_page(page_rel)

    label = "app.py + switch_page" if guess_ok else "app.py, run, switch_page (cold after default page)"
    return _measure(make, label, cold_at=(at, cold))


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


def measure_target(kind: str, target: str) -> dict:
    from streamlit.testing.v1 import AppTest

    # Common stack that any real page imports: not part of any page's cost.
    import altair  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    _scan_components_once()
    AppTest.from_file(str(BARE), default_timeout=DEFAULT_TIMEOUT_S).run()  # warm AppTest itself

    if kind == "script":
        return _measure(lambda: AppTest.from_file(target, default_timeout=DEFAULT_TIMEOUT_S), "AppTest.from_file")

    failures = []
    if APP.exists():
        try:
            return _measure_via_app(target)
        except Exception as exc:  # noqa: BLE001 - try the other way
            failures.append(f"via app.py: {exc}")
    try:
        page_abs = str(REPO_ROOT / target.partition("?")[0])
        label = "page file" + (" (cold after failed app.py try)" if failures else "")
        return _measure(lambda: AppTest.from_file(page_abs, default_timeout=DEFAULT_TIMEOUT_S), label)
    except Exception as exc:  # noqa: BLE001
        failures.append(f"page file: {exc}")
    raise RuntimeError("; ".join(failures))


# --------------------------------------------------------------------------- map payload
def _map_payload(rows: list[tuple[str, dict]]) -> list[str]:
    """Lines on what the map sends: the boundary GeoJSON per layout and the whole deck JSON."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from geo.boundaries import payload_bytes
    except ImportError:  # no geo package: nothing to report
        return []
    decks = {name: r.get("deck_bytes") for name, r in rows if r.get("deck_bytes")}
    out = ["### Map payload (bytes sent to the browser)", "", "| layout | boundary GeoJSON (geo.boundaries.payload_bytes) | whole deck JSON (page) |", "| --- | ---: | ---: |"]
    for layout in ("2025", "2008"):
        page = "pages/map.py" + ("" if layout == "2025" else f"?layout={layout}")
        deck = decks.get(page)
        out.append(f"| {layout} | {payload_bytes(layout):,} | {'–' if not deck else f'{deck[0]:,}'} |")
    out.append("")
    return out


# --------------------------------------------------------------------------- driver
def _worker(spec: str) -> None:
    os.chdir(REPO_ROOT)
    sys.path.insert(0, str(REPO_ROOT))
    kind, _, target = spec.partition(":")
    try:
        if kind == "store":
            result = time_store_open()
        elif kind == "forecasts":
            result = time_forecasts()
        else:
            result = measure_target(kind, target)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result = {"error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_MARK + json.dumps(result), flush=True)


def _spawn(spec: str, env: dict) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", spec]
    try:
        proc = subprocess.run(
            cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {WORKER_TIMEOUT_S} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    tail = (proc.stderr or proc.stdout)[-1500:]
    return {"error": f"worker exited {proc.returncode} without a result: {tail}"}


def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _mark(value: float | None, goal: float, below: bool = True) -> str:
    if value is None:
        return "–"
    ok = value < goal if below else value <= goal
    return f"{value:.2f} {'ok' if ok else 'OVER'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker)
        return 0

    import streamlit

    with tempfile.TemporaryDirectory(prefix="vn57_bench_") as data_dir:
        env = dict(os.environ)
        env.update(
            VN57_DATA_DIR=data_dir,
            STREAMLIT_LOG_LEVEL="error",
            STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        )
        t_start = time.perf_counter()
        store_first = _spawn("store", env)
        store_again = _spawn("store", env) if store_first.get("available") and "error" not in store_first else None
        rows: list[tuple[str, dict]] = [
            ("bare_page.py", _spawn(f"script:{BARE}", env)),
            ("reference_page.py", _spawn(f"script:{REFERENCE}", env)),
        ]
        missing = [p for p in PAGES if not (REPO_ROOT / p.partition("?")[0]).exists()]
        for page in PAGES:
            if page not in missing:
                rows.append((page, _spawn(f"page:{page}", env)))
        forecasts = _spawn("forecasts:", env)
        total_s = time.perf_counter() - t_start

    bare, ref = rows[0][1], rows[1][1]
    missed = []
    out = []
    out.append(f"## Page speed benchmark ({_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC)")
    out.append("")
    out.append(
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs. "
        f"Rerun: `python benchmarks/bench_pages.py`"
    )
    out.append("")
    out.append("### Store open at app start")
    out.append("")
    if "error" in store_first:
        out.append(f"store: error: {store_first['error']}")
        missed.append("store")
    elif not store_first.get("available"):
        out.append("store: not available")
    else:
        out.append(f"| step ({store_first['how']}) | seconds |")
        out.append("| --- | ---: |")
        out.append(f"| import loader module | {_s(store_first['import_s'])} |")
        out.append(f"| first open, empty data dir | {_s(store_first['open_s'])} |")
        if store_again and "error" not in store_again:
            reopen = store_again["open_s"]
            out.append(f"| reopen, new process (app start) | {_s(reopen)} |")
            out.append("")
            first_open = store_first["open_s"]
            out.append(
                f"Goal: under {GOAL_STORE_S} s. Reopen (usual app start): {_mark(reopen, GOAL_STORE_S)}; "
                f"first open (builds the store): {_mark(first_open, GOAL_STORE_S)}"
            )
            if reopen >= GOAL_STORE_S or first_open >= GOAL_STORE_S:
                missed.append("store")
        else:
            out.append(f"| reopen, new process | error: {(store_again or {}).get('error')} |")
            missed.append("store")
    out.append("")
    out.append("### Pages (AppTest, seconds)")
    out.append("")
    out.append(
        "| page | method | cold (new process) | first (cache_data cleared) | warm rerun (median of 5) "
        f"| first / reference (goal <= {GOAL_FIRST_RATIO:g}) | warm / reference (goal <= {GOAL_WARM_RATIO:g}) |"
    )
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in rows:
        if "error" in r:
            out.append(f"| {name} | error: {r['error'][:300].replace('|', '/')} | | | | | |")
            if name not in ("bare_page.py", "reference_page.py"):
                missed.append(name)
            continue
        if name in ("bare_page.py", "reference_page.py"):
            first_r = warm_r = "(reference)" if name == "reference_page.py" else "–"
        else:
            fr = _ratio(r["first_s"], ref.get("first_s"))
            wr = _ratio(r["warm_s"], ref.get("warm_s"))
            first_r = _mark(fr, GOAL_FIRST_RATIO, below=False)
            warm_r = _mark(wr, GOAL_WARM_RATIO, below=False)
            if fr is None or fr > GOAL_FIRST_RATIO or wr is None or wr > GOAL_WARM_RATIO:
                missed.append(name)
        out.append(
            f"| {name} | {r['method']} | {_s(r['cold_s'])} | {_s(r['first_s'])} | {_s(r['warm_s'])} "
            f"| {first_r} | {warm_r} |"
        )
    for page in missing:
        out.append(f"| {page} | not found | | | | | |")
    out.append("")
    out.extend(_map_payload(rows))
    out.append("### Forecasting every target of the sample data (analysis.forecasting.forecast_targets)")
    out.append("")
    if "error" in forecasts:
        out.append(f"forecasts: error: {forecasts['error']}")
    else:
        out.append(f"| run ({forecasts['observations']} observations) | targets | robust-trend models | seconds (median of 3) | statuses |")
        out.append("| --- | ---: | ---: | ---: | --- |")
        for name, run in forecasts["runs"].items():
            statuses = ", ".join(f"{k} {v}" for k, v in run["statuses"].items())
            out.append(f"| {name} | {run['targets']} | {run['models']} | {_s(run['seconds'])} | {statuses} |")
    out.append("")
    ctx = _ratio(ref.get("warm_s"), bare.get("warm_s"))
    out.append(
        "Context: reference warm / bare warm = "
        + ("–" if ctx is None else f"{ctx:.1f}")
        + " (about 6 expected)."
    )
    out.append("")
    out.append(
        "cold = first run in a fresh process (page imports and all caches cold); "
        "first = new AppTest after st.cache_data.clear(); warm = same AppTest rerun. "
        f"Whole benchmark: {total_s:.0f} s."
    )
    if missed:
        out.append("")
        out.append("Goals missed: " + ", ".join(missed))
    print("\n".join(out))
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
