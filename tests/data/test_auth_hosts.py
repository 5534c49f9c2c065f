"""Editing on loopback needs a Host naming this machine; the password slow-down counts per client behind a trusted proxy."""

from __future__ import annotations

import pytest

from data import auth


@pytest.mark.parametrize(("host", "mode"), [
    (None, "loopback"),  # no HTTP request behind the session (a test harness)
    ("localhost:8501", "loopback"), ("LOCALHOST", "loopback"), ("127.0.0.1:8501", "loopback"), ("[::1]:8501", "loopback"),
    ("dashboard.example.org", "foreign_host"), ("abc.trycloudflare.com:443", "foreign_host"),
    ("192.168.1.20:8501", "foreign_host"), ("localhost.evil.example", "foreign_host"), ("127.0.0.1.nip.io", "foreign_host"),
])  # fmt: skip
def test_loopback_editing_needs_a_host_naming_this_machine(host, mode):
    assert auth.access_mode({}, "localhost", host) == mode
    assert auth.access_mode({}, "127.0.0.1", host) == mode


def test_a_password_or_login_decides_whatever_the_host():
    secrets = {"vn57": {"editor_password_hash": "scrypt$..."}}
    assert auth.access_mode(secrets, "localhost", "dashboard.example.org") == "password"
    assert auth.access_mode({}, "0.0.0.0", "localhost:8501") == "locked"  # listening on every interface: locked


def test_the_client_is_the_forwarded_address_only_behind_a_trusted_proxy():
    nginx = frozenset({"127.0.0.1"})
    assert auth.client_address("127.0.0.1", "203.0.113.7", nginx) == "203.0.113.7"
    # a client cannot choose its key by sending its own X-Forwarded-For: nginx appends the real address last
    assert auth.client_address("127.0.0.1", "10.9.9.9, 203.0.113.7", nginx) == "203.0.113.7"
    assert auth.client_address("198.51.100.2", "203.0.113.7", nginx) == "198.51.100.2"  # not from the proxy
    assert auth.client_address("127.0.0.1", "203.0.113.7", frozenset()) == "127.0.0.1"  # no proxy trusted


def test_trusted_proxies_from_the_environment_or_the_secrets():
    assert auth.trusted_proxies({}, {}) == frozenset()
    assert auth.trusted_proxies({"vn57": {"trusted_proxies": ["127.0.0.1", "::1"]}}, {}) == {"127.0.0.1", "::1"}
    assert auth.trusted_proxies({}, {"VN57_TRUSTED_PROXIES": "10.0.0.5, 127.0.0.1"}) == {"10.0.0.5", "127.0.0.1"}


def test_one_client_behind_the_proxy_cannot_lock_out_another():
    clock = iter([0.0] * 20).__next__
    throttle = auth.Throttle(base=1.0, cap=60.0, clock=clock)
    nginx = frozenset({"127.0.0.1"})
    attacker = "client:" + auth.client_address("127.0.0.1", "203.0.113.66", nginx)
    editor = "client:" + auth.client_address("127.0.0.1", "198.51.100.10", nginx)
    for _ in range(5):
        throttle.failed(["session:a", attacker])
    assert throttle.wait(["session:a", attacker]) > 0
    assert throttle.wait(["session:b", editor]) == 0
