"""The deployment files agree with each other: compose.yaml, nginx.conf and cluster.sh name the same services and ports.

No Docker here: compose.yaml is parsed, not run (deploy/cluster.sh, run by tests/browser/test_cluster.py,
starts the same services from Debian's packages).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from data.importers import Limits

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _script_defaults() -> dict[str, int]:
    text = (DEPLOY / "cluster.sh").read_text()
    found = dict(re.findall(r': "\$\{(VN57_\w+_PORT|VN57_IMPORT_MAX_MB):=(\d+)\}"', text))
    found["REPLICAS"] = re.search(r"^REPLICAS=(\d+)$", text, re.M).group(1)
    return {k: int(v) for k, v in found.items()}


def test_compose_has_the_scripts_services_on_the_scripts_ports():
    defaults = _script_defaults()
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    apps = [f"app-{n}" for n in range(1, defaults["REPLICAS"] + 1)]
    assert set(services) == {"postgres", "nginx", *apps}
    assert services["postgres"]["command"][services["postgres"]["command"].index("-p") + 1] == str(
        defaults["VN57_PG_PORT"]
    )
    for n, name in enumerate(apps):
        port = defaults["VN57_APP_PORT"] + n
        app = services[name]
        assert f"--server.port {port}" in " ".join(app["command"].split()), name
        assert f"--server.maxUploadSize {defaults['VN57_IMPORT_MAX_MB']}" in app["command"], name
        assert f"127.0.0.1:{port}/_stcore/health" in " ".join(app["healthcheck"]["test"]), name
        assert f":{defaults['VN57_PG_PORT']}/" in app["environment"]["VN57_STORE_URL"], name
        assert app["environment"]["STREAMLIT_SERVER_COOKIE_SECRET"]  # one secret for every replica
    assert "./nginx.conf:/etc/vn57/nginx.conf:ro" in services["nginx"]["volumes"]
    assert set(services["nginx"]["depends_on"]) == set(apps)


def test_nginx_conf_serves_the_scripts_ports_with_stickiness_websockets_and_uploads():
    defaults = _script_defaults()
    conf = (DEPLOY / "nginx.conf").read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:(\d+) ", conf, re.M)
    assert [int(p) for p in servers] == [defaults["VN57_APP_PORT"] + n for n in range(defaults["REPLICAS"])]
    assert re.search(rf"listen 127\.0\.0\.1:{defaults['VN57_HTTP_PORT']};\s+# @listen", conf)
    assert "hash $vn57_node consistent;" in conf and "add_header Set-Cookie $vn57_set_cookie always;" in conf
    stream = conf[conf.index("location /_stcore/stream") :]
    for line in (
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header Host $http_host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ):
        assert line in stream[: stream.index("}")], line
    assert "proxy_http_version 1.1;" in conf and "location = /_stcore/health" in conf
    body_mb = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert body_mb > defaults["VN57_IMPORT_MAX_MB"] == Limits.from_settings({}, {}).max_mb


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed")
    (tmp_path / "logs").mkdir()
    (tmp_path / "tmp").mkdir()
    done = subprocess.run([nginx, "-t", "-c", str(DEPLOY / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == 0, done.stderr
