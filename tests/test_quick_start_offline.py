"""The README's first command starts a server that contacts no host but its own, and lets this machine edit.

The server is started exactly as the README says (``python -m streamlit run serve.py`` from the project folder,
nothing else on the command line; only the port comes from the environment, so the test never collides with a
dashboard already running on 8501). A ``sitecustomize`` module on ``PYTHONPATH`` installs a Python audit hook
that writes down every ``socket.connect`` and every name lookup of the server process; after the server has
answered its health check and served the app, every address written down must be a loopback one.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START_TIMEOUT_S = 150  # serve.py answers once warm: it waits up to 60 s for the warm-up

SITECUSTOMIZE = r"""
import json, os, sys

_LOG = os.environ["VN57_CONNECT_LOG"]


def _write(event, address):
    try:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"event": event, "address": [str(a) for a in address] if isinstance(address, tuple)
                                  else str(address)}) + "\n")
    except Exception:
        pass


def _hook(event, args):
    if event in ("socket.connect", "socket.bind"):
        _write(event, args[1])
    elif event == "socket.getaddrinfo":
        _write(event, (args[0], args[1]))


sys.addaudithook(_hook)
_write("loaded", sys.argv[0])
"""


def readme_first_command() -> str:
    """The server part of the README's first command (after ``&&``)."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.+?)\n", text, re.S)
    assert block, "the README has no Quick start code block"
    return block.group(1).split("&&")[-1].strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host in ("localhost", "", "None"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def test_the_readme_first_command_listens_on_localhost_and_connects_nowhere(tmp_path):
    command = readme_first_command()
    assert command == "python -m streamlit run serve.py"
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "connects.jsonl"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(PYTHONPATH=os.pathsep.join([str(hook_dir), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               VN57_CONNECT_LOG=str(log), VN57_DATA_DIR=str(tmp_path / "data"), STREAMLIT_SERVER_PORT=str(port),
               PYTHONUNBUFFERED="1")  # fmt: skip
    argv = command.split()
    argv[0] = sys.executable  # the same "python" as the tests
    out = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as answer:  # noqa: S310
                    if answer.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "the server did not start:\n" + (tmp_path / "server.log").read_text(errors="replace")[-3000:]
                )
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://localhost:{port}/", timeout=10) as answer:  # noqa: S310
            assert answer.status == 200
        time.sleep(2)  # let anything started in the background after the start try to connect
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        out.close()
    banner = (tmp_path / "server.log").read_text(errors="replace")
    assert f"URL: http://localhost:{port}" in banner and "External URL" not in banner and "Network URL" not in banner
    assert log.exists(), "the audit hook was not loaded (sitecustomize)"
    seen = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert seen[0]["event"] == "loaded"
    binds = [e["address"] for e in seen if e["event"] == "socket.bind"]
    # the hook sees the server's own socket, bound to loopback (not to every interface)
    assert any(
        isinstance(a, list) and a[1] == str(port) and a[0] in ("localhost", "127.0.0.1", "::1") for a in binds
    ), binds
    outside = []
    for entry in seen:
        if entry["event"] not in ("socket.connect", "socket.getaddrinfo"):
            continue
        address = entry["address"]
        host = address[0] if isinstance(address, list) else address
        if isinstance(address, str) and address.startswith("/"):  # a Unix socket
            continue
        if not _is_loopback(host):
            outside.append(entry)
    assert outside == [], f"connections or lookups beyond this machine: {outside}"
