"""Access control, the pure part: password hashes, the loopback rule, the mode, the slow-down after failures."""

from __future__ import annotations

import hmac

import pytest

from data import auth

FAST = {"n": 2**10}  # a cheaper scrypt for the tests; the parameters travel inside the hash


def test_a_password_hash_is_salted_and_verified():
    first, second = auth.hash_password("Mật khẩu 57", **FAST), auth.hash_password("Mật khẩu 57", **FAST)
    assert first != second  # a random salt each time
    assert first.startswith("scrypt$1024$8$1$") and len(first.split("$")) == 6
    assert auth.verify_password("Mật khẩu 57", first) and auth.verify_password("Mật khẩu 57", second)
    assert not auth.verify_password("mật khẩu 57", first)
    assert not auth.verify_password("", first)


def test_the_default_cost_is_scrypt_2_14():
    assert auth.hash_password("x").startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize("broken", ["", "plain", "md5$abc", "scrypt$1024$8$1$!!$!!", "scrypt$x$8$1$AA==$AA==", None])
def test_a_malformed_hash_never_matches(broken):
    assert auth.verify_password("anything", broken) is False


def test_the_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    auth.verify_password("x", auth.hash_password("y", **FAST))
    assert calls == [1]


def test_an_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError, match="must not be empty"):
        auth.hash_password("")


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("LOCALHOST", True), ("::1", True), ("[::1]", True), ("127.0.0.2", True),
    ("", False), (None, False), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("10.0.0.1", False),
    ("example.org", False), ("localhost.example.org", False),
])  # fmt: skip
def test_loopback_only(address, loopback):
    assert auth.is_loopback_only(address) is loopback


OIDC = {"auth": {"client_id": "id", "client_secret": "s", "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
                 "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c"},
        "vn57": {"editors": ["Ana@Example.org", " binh@example.org "]}}  # fmt: skip
NAMED = {"auth": {"redirect_uri": "x", "cookie_secret": "c", "google": {"client_id": "id", "client_secret": "s",
                                                                        "server_metadata_url": "u"}}}  # fmt: skip
PASSWORD = {"vn57": {"editor_password_hash": "scrypt$1024$8$1$AA==$AA=="}}


@pytest.mark.parametrize(("secrets", "address", "mode"), [
    (OIDC, "0.0.0.0", "oidc"), (NAMED, "", "oidc"), ({**OIDC, **PASSWORD, "auth": OIDC["auth"]}, "", "oidc"),
    (PASSWORD, "0.0.0.0", "password"), (PASSWORD, "127.0.0.1", "password"),
    ({}, "127.0.0.1", "loopback"), ({}, "localhost", "loopback"), ({}, "::1", "loopback"),
    ({}, "", "locked"), ({}, "0.0.0.0", "locked"), ({}, "192.168.1.20", "locked"), (None, None, "locked"),
    ({"auth": {"cookie_secret": "only"}}, "0.0.0.0", "locked"),
])  # fmt: skip
def test_the_access_mode(secrets, address, mode):
    assert auth.access_mode(secrets, address) == mode


def test_the_editor_allow_list_ignores_case_and_spaces():
    allowed = auth.editor_emails(OIDC)
    assert allowed == {"ana@example.org", "binh@example.org"}
    assert auth.is_editor_email("ANA@example.org", allowed)
    assert not auth.is_editor_email("eve@example.org", allowed)
    assert not auth.is_editor_email(None, allowed) and not auth.is_editor_email("", allowed)
    assert auth.editor_emails({"vn57": {"editors": "solo@example.org"}}) == {"solo@example.org"}
    assert auth.editor_emails({}) == frozenset()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_failed_attempts_slow_down_exponentially_per_session_and_per_client_up_to_a_cap():
    clock = Clock()
    throttle = auth.Throttle(base=1.0, cap=8.0, clock=clock)
    keys = ["session:a", "client:10.0.0.5"]
    assert throttle.wait(keys) == 0
    delays = [throttle.failed(keys) for _ in range(6)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert throttle.wait(keys) == 8.0
    clock.now += 5
    assert throttle.wait(keys) == 3.0
    # a new session from the same client still waits: the client key carries the failures
    assert throttle.wait(["session:b", "client:10.0.0.5"]) == 3.0
    # another client in another session does not
    assert throttle.wait(["session:c", "client:10.0.0.6"]) == 0
    clock.now += 3
    assert throttle.wait(keys) == 0
    assert throttle.failures("client:10.0.0.5") == 6
    throttle.succeeded(keys)
    assert throttle.failures("client:10.0.0.5") == 0 and throttle.failed(keys) == 1.0


def test_the_slow_down_counts_live_in_the_store_so_every_process_agrees(store_target):
    """Two handles on one store stand for two app processes: a failure counted by one holds back the other."""
    from data import store

    first, second = store.open_store(store_target), store.open_store(store_target)
    clock = Clock()
    one = auth.Throttle(base=1.0, cap=8.0, clock=clock, book=first)
    other = auth.Throttle(base=1.0, cap=8.0, clock=clock, book=second)
    keys = ["session:a", "client:10.0.0.5"]
    assert [one.failed(keys), other.failed(keys), one.failed(keys)] == [1.0, 2.0, 4.0]
    assert other.wait(keys) == 4.0 and other.failures("client:10.0.0.5") == 3
    assert other.wait(["session:b", "client:10.0.0.6"]) == 0
    clock.now += 4
    assert one.wait(keys) == 0
    other.succeeded(keys)
    assert one.failures("session:a") == 0 and one.failed(keys) == 1.0
    first.close()
    second.close()
