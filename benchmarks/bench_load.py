"""Load benchmark: K concurrent sessions on one app process, then on two behind nginx, in one run.

Run from anywhere:  python benchmarks/bench_load.py  [--sessions 20] [--seconds 60] [--seed 57] [--json FILE]

What it does, all on this machine (loopback only; at most 50 sessions and 300 s a phase):

1. ``deploy/cluster.sh up --replicas 2`` in a temporary folder, on free ports: a throwaway
   PostgreSQL cluster, two app processes over it, nginx in front (cookie-hash stickiness).
2. Warm-up: one session per process changes the Compare page's indicator through every option, so
   both processes start the measured phases with the same caches.
3. Phase "1 process": K sessions on the first process directly. Phase "2 processes": K sessions
   through nginx (each gets nginx's cookie first, so they spread over both processes and stay).
   Each session opens the Compare page (``/compare``), then again and again: thinks 1 to 3 seconds
   (seeded random), picks another indicator (seeded random) and waits for the rerun to finish.
   Sessions start spread over the first 2 seconds.
   Then, unless ``--capacity-seconds 0``, the same two phases without thinking (each session sends
   its next change as soon as its rerun finished): the capacity of one process and of two.
4. Prints per phase: reruns, reruns per second, p50/p95/max rerun latency (request to
   ``script_finished``), errors (exceptions in the page, failed or lost runs), the app processes'
   resident memory (largest sum seen, sampled each second), and the clients' own CPU time (this
   process: the clients are protocol-level, :mod:`benchmarks.st_protocol`, not browsers, so they
   leave the cores to the servers). Then the goals: p95 <= 1 s with 2 processes, and 2 processes
   serving >= 1.6 times the reruns per second of 1.
5. ``deploy/cluster.sh down``: nothing is left running.

Sessions think between reruns, so reruns per second are bounded by K / (think + latency): the ratio
only exceeds 1 when one process cannot keep up. The capacity phases (no thinking) measure what two
processes can serve against one whatever the demand. Figures are noisy on a shared machine: compare the
two phases of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import os
import platform
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.st_protocol import RunFailed, Session, cookie_of  # noqa: E402

PAGE, QUERY, WIDGET = "compare", "lang=en&synthetic=0", "ind"
MAX_SESSIONS, MAX_SECONDS = 50, 300
GOAL_P95_S, GOAL_RATIO = 1.0, 1.6
CAPACITY_ONE, CAPACITY_TWO = "1 process, no think", "2 processes, no think"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def consecutive_free_ports(count: int) -> int:
    """A first port with ``count`` free ports from it (the app processes' consecutive ports)."""
    for _ in range(50):
        first = random.randint(20_000, 40_000)
        try:
            sockets = []
            for port in range(first, first + count):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                sockets.append(s)
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes (MB), from /proc."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def loopback_only(url: str) -> str:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"bench_load: loads go to this machine only, not {host}")
    return url


async def _session(
    base: str, number: int, seed: int, stop_at: float, out: dict, with_cookie: bool, think: bool = True
) -> None:
    rng = random.Random(seed * 1000 + number)
    cookie = await asyncio.to_thread(cookie_of, base) if with_cookie else None
    session = Session(base, PAGE, QUERY, cookie=cookie)
    try:
        await session.connect()
        first = await session.run()
        out["first_loads"].append(first.seconds)
        while True:
            pause = rng.uniform(1.0, 3.0)  # drawn even without thinking: the same choices follow
            await asyncio.sleep(pause if think else 0)
            if time.monotonic() >= stop_at:
                break
            options = list(session.widgets[WIDGET].options)
            session.set_widget(WIDGET, rng.choice(options))
            run = await session.run()
            out["latencies"].append(run.seconds)
            if run.exceptions:
                out["errors"].append(f"session {number}: {run.exceptions[0]}")
    except (RunFailed, ConnectionError, OSError, KeyError) as exc:
        out["errors"].append(f"session {number}: {type(exc).__name__}: {exc}")
    finally:
        await session.close()


async def _sample_rss(pids: list[int], stop_at: float, out: dict) -> None:
    while time.monotonic() < stop_at:
        out["rss_mb"] = max(out["rss_mb"], rss_mb(pids))
        await asyncio.sleep(1.0)


async def phase(
    base: str, sessions: int, seconds: float, seed: int, pids: list[int], with_cookie: bool, think: bool = True
) -> dict:
    out = {"latencies": [], "first_loads": [], "errors": [], "rss_mb": 0.0}
    cpu_before, started = cpu_seconds(), time.monotonic()
    stop_at = started + seconds

    async def delayed(i: int):
        await asyncio.sleep(2.0 * i / sessions)
        await _session(base, i, seed, stop_at, out, with_cookie, think)

    await asyncio.gather(_sample_rss(pids, stop_at, out), *(delayed(i) for i in range(sessions)))
    elapsed = time.monotonic() - started
    lat = sorted(out["latencies"])
    return {
        "reruns": len(lat),
        "reruns_per_s": len(lat) / elapsed,
        "p50_s": statistics.median(lat) if lat else float("nan"),
        "p95_s": lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan"),
        "max_s": lat[-1] if lat else float("nan"),
        "first_load_p50_s": statistics.median(out["first_loads"]) if out["first_loads"] else float("nan"),
        "errors": len(out["errors"]),
        "error_examples": out["errors"][:3],
        "server_rss_mb": out["rss_mb"],
        "client_cpu_s": cpu_seconds() - cpu_before,
        "seconds": elapsed,
    }


async def warm_up(base: str) -> None:
    """Every indicator once on this process (its caches then match the other's)."""
    session = Session(base, PAGE, QUERY)
    await session.connect()
    try:
        await session.run()
        for option in list(session.widgets[WIDGET].options):
            session.set_widget(WIDGET, option)
            await session.run()
    finally:
        await session.close()


def cluster(command: str, folder: Path, env: dict) -> None:
    subprocess.run(["bash", str(REPO_ROOT / "deploy" / "cluster.sh"), command, "--replicas", "2", "--dir", str(folder)],
                   env=env, check=True, timeout=300)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each measured phase")
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--capacity-seconds", type=float, default=30.0,
                        help="length of each capacity phase (no thinking); 0 to skip them")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 5 <= args.seconds <= MAX_SECONDS:
        raise SystemExit(f"bench_load: 1 to {MAX_SESSIONS} sessions, 5 to {MAX_SECONDS} seconds a phase")

    folder = Path(tempfile.mkdtemp(prefix="vn57-bench-load-"))
    folder.chmod(0o755)
    app_port, http_port, pg_port = consecutive_free_ports(2), free_port(), free_port()
    env = {**os.environ, "VN57_APP_PORT": str(app_port), "VN57_HTTP_PORT": str(http_port), "VN57_PG_PORT": str(pg_port),
           "VN57_LISTEN": "127.0.0.1", "PYTHON": sys.executable}  # fmt: skip
    direct = loopback_only(f"http://127.0.0.1:{app_port}")
    second = loopback_only(f"http://127.0.0.1:{app_port + 1}")
    balanced = loopback_only(f"http://127.0.0.1:{http_port}")
    results = {}
    cluster("up", folder, env)
    try:
        pids = [int((folder / "pids" / f"app-{n}.pid").read_text()) for n in (1, 2)]

        async def run_all():
            await asyncio.gather(warm_up(direct), warm_up(second))
            results["1 process"] = await phase(direct, args.sessions, args.seconds, args.seed, pids[:1], False)
            results["2 processes + nginx"] = await phase(balanced, args.sessions, args.seconds, args.seed, pids, True)
            if args.capacity_seconds:
                seconds = args.capacity_seconds
                results[CAPACITY_ONE] = await phase(direct, args.sessions, seconds, args.seed, pids[:1], False, False)
                results[CAPACITY_TWO] = await phase(balanced, args.sessions, seconds, args.seed, pids, True, False)

        asyncio.run(run_all())
    finally:
        cluster("down", folder, env)

    one, two = results["1 process"], results["2 processes + nginx"]
    ratio = two["reruns_per_s"] / one["reruns_per_s"] if one["reruns_per_s"] else float("nan")
    print(f"\nbench_load: {args.sessions} sessions, {args.seconds:g} s a phase, think 1-3 s, seed {args.seed}, "
          f"page /{PAGE} changing '{WIDGET}'; PostgreSQL store")  # fmt: skip
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{_dt.datetime.now():%Y-%m-%d %H:%M}")  # fmt: skip
    header = (
        f"{'':22}{'reruns':>7}{'/s':>7}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'1st p50':>9}{'errors':>7}"
        f"{'RSS MB':>8}{'client CPU s':>13}"
    )
    print(header)
    for name, r in results.items():
        print(f"{name:22}{r['reruns']:>7}{r['reruns_per_s']:>7.2f}{r['p50_s']:>8.2f}{r['p95_s']:>8.2f}{r['max_s']:>8.2f}"
              f"{r['first_load_p50_s']:>9.2f}{r['errors']:>7}{r['server_rss_mb']:>8.0f}{r['client_cpu_s']:>13.2f}")  # fmt: skip
        for example in r["error_examples"]:
            print(f"    error: {example}")
    p95_ok, ratio_ok = two["p95_s"] <= GOAL_P95_S, ratio >= GOAL_RATIO
    print(f"goal p95 <= {GOAL_P95_S:g} s with 2 processes: {two['p95_s']:.2f} s -> {'met' if p95_ok else 'NOT met'}")
    print(f"goal reruns/s 2 vs 1 >= {GOAL_RATIO:g}: {ratio:.2f}x -> {'met' if ratio_ok else 'NOT met'}")
    capacity = None
    if CAPACITY_ONE in results:
        capacity = results[CAPACITY_TWO]["reruns_per_s"] / results[CAPACITY_ONE]["reruns_per_s"]
        print(f"capacity (no thinking) 2 vs 1: {capacity:.2f}x -> {'met' if capacity >= GOAL_RATIO else 'NOT met'}")
        bound = args.sessions / (2.0 + one["p50_s"])
        print(f"  with thinking, {args.sessions} sessions ask for at most about {bound:.1f} reruns/s "
              f"(a 2 s mean pause plus the rerun): when one process keeps up, two cannot serve much more")  # fmt: skip
    print(
        f"rerun: python benchmarks/bench_load.py --sessions {args.sessions} --seconds {args.seconds:g} --seed {args.seed}"
    )
    if args.json:
        figures = {"sessions": args.sessions, "seconds": args.seconds, "seed": args.seed, "phases": results,
                   "ratio": ratio, "capacity_ratio": capacity}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
