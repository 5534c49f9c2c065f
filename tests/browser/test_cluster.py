"""deploy/cluster.sh end to end: PostgreSQL, two app processes, nginx; an import seen everywhere; a process killed.

One cluster for the module (``cluster.sh up --replicas 2`` in a temporary folder, on free ports):

1. Every page through nginx in Chromium: no exception, no request leaving the machine.
2. A file imported through the first process's Import page (Chromium, on that process's own port)
   shows through nginx in sessions of both processes (protocol-level sessions,
   ``benchmarks/st_protocol.py``; nginx's access log says which process served each sticky id).
3. During load through nginx the first process is killed: its sessions reconnect through nginx to
   the other one and show the same numbers, with no exception.
4. ``cluster.sh down`` stops exactly what ``up`` started: no process of it is left.

Thái Nguyên reported 10.3 R&D staff per 10,000 on 2025-11-03; the file adds 5.5 for Hà Nội (01).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from benchmarks.bench_load import consecutive_free_ports, free_port
from benchmarks.st_protocol import Session, cookie_of
from tests.pg_support import pg_bin, skip_or_fail

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "cluster.sh"
IND = "rd_staff_per_10k"
QUERY = f"lang=en&ind={IND}&synthetic=0"
#: Every page of app.py's navigation: Home at "/", the others at their url_path.
PAGES = ["/"] + [
    f"/{path}" for path in re.findall(r'url_path="([\w-]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
]
SESSIONS = 6


@pytest.fixture(scope="module")
def cluster():
    if pg_bin() is None or shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        skip_or_fail("PostgreSQL or nginx is not installed (apt-get install postgresql nginx): cluster test skipped")
    folder = Path(tempfile.mkdtemp(prefix="vn57-cluster-test-"))
    folder.chmod(0o755)
    first = consecutive_free_ports(2)
    env = {**os.environ, "VN57_APP_PORT": str(first), "VN57_HTTP_PORT": str(free_port()), "VN57_PG_PORT": str(free_port()),
           "VN57_LISTEN": "127.0.0.1", "PYTHON": sys.executable, "VN57_CLUSTER_DIR": str(folder)}  # fmt: skip
    up = subprocess.run(
        ["bash", str(SCRIPT), "up", "--replicas", "2"], env=env, capture_output=True, text=True, timeout=480
    )
    info = {"dir": folder, "env": env, "apps": [f"http://127.0.0.1:{first}", f"http://127.0.0.1:{first + 1}"],
            "nginx": f"http://127.0.0.1:{env['VN57_HTTP_PORT']}", "ports": (first, first + 1)}  # fmt: skip
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield info
    finally:
        subprocess.run(["bash", str(SCRIPT), "down"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def _started_pids(folder: Path) -> dict[str, int]:
    return {p.stem: int(p.read_text()) for p in (folder / "pids").glob("*.pid")}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _context(browser, base_url: str, outside: list[str]):
    context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 1000})

    def handler(route, request):
        host = re.sub(r"^[a-z]+://([^/:]+).*$", r"\1", request.url)
        if request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", handler)
    return context


def test_every_page_through_nginx_opens_with_no_exception_and_stays_local(cluster, browser, helpers):
    outside: list[str] = []
    context = _context(browser, cluster["nginx"], outside)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        for path in PAGES:
            page.goto(f"{path}?lang=en", wait_until="domcontentloaded")
            helpers.wait_for_idle(page, timeout_s=120)
            helpers.assert_no_exception(page)
    finally:
        context.close()
    assert outside == []


def _upstreams(folder: Path) -> dict[str, str]:
    """Sticky id -> the process (port) nginx sent it to, from nginx's access log."""
    found = {}
    for line in (folder / "nginx" / "logs" / "access.log").read_text().splitlines():
        match = re.search(r"upstream=(.+?) node=(\S+)", line)  # a failed-over request lists several: the last served
        if match and match.group(1) != "-":
            found[match.group(2)] = match.group(1).split(",")[-1].strip().rsplit(":", 1)[-1]
    return found


async def _logged_upstream(folder: Path, node: str, timeout_s: float = 10.0) -> str:
    """The process nginx sent sticky id ``node`` to; nginx logs a request after answering it, so wait for the line."""
    deadline = time.monotonic() + timeout_s
    while (port := _upstreams(folder).get(node)) is None:
        assert time.monotonic() < deadline, f"nginx logged no request of sticky id {node} in {timeout_s:.0f} s"
        await asyncio.sleep(0.05)
    return port


async def _sessions_through_nginx(cluster: dict, per_process: int) -> list[Session]:
    """Sessions through nginx, each with nginx's sticky cookie, until every process has ``per_process`` of them."""
    sessions, count = [], dict.fromkeys((str(p) for p in cluster["ports"]), 0)
    for _ in range(40):
        cookie = await asyncio.to_thread(cookie_of, cluster["nginx"])
        port = await _logged_upstream(cluster["dir"], cookie.split("=", 1)[1])
        if count[port] >= per_process:
            continue
        count[port] += 1
        session = Session(cluster["nginx"], "compare", QUERY, cookie=cookie)
        await session.connect()
        sessions.append(session)
        if min(count.values()) >= per_process:
            return sessions
    raise AssertionError(f"nginx did not spread 40 sticky ids over both processes: {count}")


def _in_a_thread(make_coroutine):
    """Run a coroutine to the end in its own thread (Playwright's sync API keeps a loop running in this one)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result(timeout=600)


def _values(run) -> dict[str, float]:
    assert run.exceptions == [], run.exceptions
    table = next(t for t in run.tables if "rank_of" in t.columns)
    shown = table[table["value"].notna()]
    return dict(zip(shown["geo_code"], shown["value"]))


def test_an_import_through_one_process_shows_through_nginx_on_both(cluster, browser, helpers, tmp_path):
    upload = tmp_path / "ha-noi.csv"
    upload.write_text("geo_level,layout,geo_code,indicator_id,period,value,status,source_id\n"
                      f"province,2025,01,{IND},2025-11-03,5.5,reported,thainguyen_2025_11_03\n", encoding="utf-8")  # fmt: skip
    outside: list[str] = []
    context = _context(browser, cluster["apps"][0], outside)  # the first process, on its own port
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto("/import?lang=en", wait_until="domcontentloaded")
        helpers.wait_for_idle(page, timeout_s=120)
        page.locator('[class*="st-key-import_file_"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(upload)
        )
        helpers.wait_for_idle(page)
        for key in ("import_start", "import_confirm"):
            page.locator(f".st-key-{key} button").first.click()
            helpers.wait_for_idle(page)
        helpers.assert_no_exception(page)
        page.get_by_text("Imported as batch 2", exact=False).first.wait_for(state="visible")
    finally:
        context.close()
    assert outside == []

    async def look():
        sessions = await _sessions_through_nginx(cluster, SESSIONS // 2)
        try:
            return {s.cookie.split("=", 1)[1]: _values(await s.run()) for s in sessions}
        finally:
            for s in sessions:
                await s.close()

    seen = _in_a_thread(look)
    assert all(v == {"01": 5.5, "19": 10.3} for v in seen.values()), seen
    served_by = {node: port for node, port in _upstreams(cluster["dir"]).items() if node in seen}
    assert set(served_by.values()) == {str(p) for p in cluster["ports"]}, served_by  # both processes served sessions


def test_a_killed_process_sessions_reconnect_to_the_other_and_see_the_same_data(cluster):
    pids = _started_pids(cluster["dir"])
    first_port = str(cluster["ports"][0])

    async def load_then_kill():
        sessions = await _sessions_through_nginx(cluster, SESSIONS // 2)
        try:
            before = [_values(await s.run()) for s in sessions]
            on_first = [s for s in sessions if _upstreams(cluster["dir"]).get(s.cookie.split("=", 1)[1]) == first_port]
            assert on_first, "no session landed on the first process"
            os.kill(pids["app-1"], signal.SIGKILL)
            after = []
            for session in sessions:
                try:
                    run = await session.run()
                except (ConnectionError, OSError):
                    await asyncio.sleep(1.0)  # Streamlit's client shows "CONNECTING" and tries again
                    await session.reconnect()
                    run = await session.run()
                after.append(_values(run))
            return before, after, len(on_first)
        finally:
            for s in sessions:
                await s.close()

    before, after, moved = _in_a_thread(load_then_kill)
    assert moved >= 1
    assert before == after == [{"01": 5.5, "19": 10.3}] * SESSIONS


def test_down_stops_exactly_what_up_started(cluster):
    pids = _started_pids(cluster["dir"])
    assert set(pids) == {"postgres", "app-1", "app-2", "nginx"}
    done = subprocess.run(
        ["bash", str(SCRIPT), "down"], env=cluster["env"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [name for name, pid in pids.items() if _alive(pid)] == []
    assert list((cluster["dir"] / "pids").glob("*.pid")) == []
