"""Who may change data: pure checks, no Streamlit (the page side is ``ui/auth.py``).

Viewers never change data. Importing and undoing need an editor, decided in this order:

1. ``oidc``: an identity provider is configured for ``st.login`` (an ``[auth]`` section in
   ``.streamlit/secrets.toml``): a logged-in user whose e-mail is in ``[vn57] editors`` edits.
2. ``password``: ``[vn57] editor_password_hash`` holds a password hash (:func:`hash_password`,
   scrypt with a random salt): whoever gives the password edits, in that session. Wrong
   passwords slow the next attempts down (:class:`Throttle`), per session and per client; the app
   keeps the counts in the store, so every app process behind a load balancer agrees.
3. ``loopback``: neither is configured, the server listens on the loopback interface only
   (``server.address`` 127.0.0.1, localhost or ::1) and the request names this machine in its
   ``Host`` header (localhost, 127.0.0.1 or ::1, any port): whoever can reach it is on this
   machine, and edits. A request with another Host came through a proxy or a tunnel on this
   machine, which may let anyone in: ``foreign_host``, nobody edits.
4. ``locked``: neither is configured and the server may be reached from other machines (an
   empty address or 0.0.0.0 listens on every interface): nobody edits until one is configured.

Failed passwords slow down the next attempts per session and per client (:class:`Throttle`); the
client is the address the request came from, or, when it came from a trusted proxy
(``[vn57] trusted_proxies`` or ``VN57_TRUSTED_PROXIES``, e.g. nginx on 127.0.0.1), the address
that proxy put in ``X-Forwarded-For`` (:func:`client_address`), so one client cannot lock every
editor out.

Make a hash with ``python -m data.auth`` (asks for the password twice).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets as _secrets
import threading
import time
from collections.abc import Callable, Mapping

MODE_OIDC = "oidc"
MODE_PASSWORD = "password"
MODE_LOOPBACK = "loopback"
MODE_LOCKED = "locked"
MODE_FOREIGN_HOST = "foreign_host"
MODES = (MODE_OIDC, MODE_PASSWORD, MODE_LOOPBACK, MODE_LOCKED, MODE_FOREIGN_HOST)
#: Host names (without the port) that name this machine.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
ENV_TRUSTED_PROXIES = "VN57_TRUSTED_PROXIES"

#: scrypt cost (2**14, r=8: about 16 MB and a few tens of milliseconds per check).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_PREFIX = "scrypt"
LOOPBACK_NAMES = ("localhost",)


def hash_password(
    password: str, *, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> str:
    """Hash a password with scrypt and a random 16-byte salt.

    Returns
    -------
    str
        ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>``: put it in secrets as
        ``[vn57] editor_password_hash``.

    Examples
    --------
    >>> encoded = hash_password("correct horse", n=2**10)
    >>> encoded.startswith("scrypt$1024$8$1$"), verify_password("correct horse", encoded)
    (True, True)
    """
    if not password:
        raise ValueError("The password must not be empty.")
    salt = salt or _secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"{_PREFIX}${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the hash; compares in constant time. A malformed hash never matches."""
    try:
        prefix, n, r, p, salt, expected = str(encoded).split("$")
        if prefix != _PREFIX:
            return False
        salt_bytes, expected_bytes = base64.b64decode(salt, validate=True), base64.b64decode(expected, validate=True)
        digest = hashlib.scrypt(
            str(password).encode("utf-8"), salt=salt_bytes, n=int(n), r=int(r), p=int(p), dklen=len(expected_bytes)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected_bytes)


def is_loopback_only(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this machine only.

    Examples
    --------
    >>> [is_loopback_only(a) for a in ("127.0.0.1", "localhost", "::1", "", None, "0.0.0.0", "192.168.1.5")]
    [True, True, True, False, False, False, False]
    """
    text = (address or "").strip().strip("[]").lower()
    if not text:
        return False  # an empty address listens on every interface
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _section(settings: Mapping | None, key: str) -> Mapping:
    try:
        value = (settings or {}).get(key)
    except Exception:  # a secrets object without that key, or without a file
        return {}
    return value if isinstance(value, Mapping) else {}


def oidc_configured(secrets: Mapping | None) -> bool:
    """Whether secrets configure an identity provider for ``st.login`` (``[auth]`` with a client, or named providers)."""
    auth = _section(secrets, "auth")
    if not auth:
        return False
    if auth.get("client_id") and auth.get("server_metadata_url"):
        return True
    return any(isinstance(v, Mapping) and v.get("client_id") for v in auth.values())


def editor_emails(secrets: Mapping | None) -> frozenset[str]:
    """The allow-list ``[vn57] editors``, lower-cased."""
    listed = _section(secrets, "vn57").get("editors") or []
    if isinstance(listed, str):
        listed = [listed]
    return frozenset(str(e).strip().lower() for e in listed if str(e).strip())


def password_hash(secrets: Mapping | None) -> str:
    return str(_section(secrets, "vn57").get("editor_password_hash") or "")


def login_provider(secrets: Mapping | None) -> str | None:
    """``[vn57] login_provider``: the ``[auth.<name>]`` provider ``st.login`` should use (default: ``[auth]`` itself)."""
    return _section(secrets, "vn57").get("login_provider") or None


def host_name(host: str | None) -> str:
    """The host of a ``Host`` header without its port, lower-case: ``"[::1]:8501"`` -> ``"::1"``.

    Examples
    --------
    >>> host_name("LocalHost:8501"), host_name("[::1]:8501"), host_name("127.0.0.1"), host_name("::1")
    ('localhost', '::1', '127.0.0.1', '::1')
    """
    text = (host or "").strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def access_mode(secrets: Mapping | None, server_address: str | None, host: str | None = None) -> str:
    """Which of :data:`MODES` applies (see the module docstring).

    ``host`` is the request's ``Host`` header; None when there is no HTTP request behind the
    session (a test harness), which a browser never sends.

    Examples
    --------
    >>> access_mode({}, "127.0.0.1"), access_mode({}, "0.0.0.0"), access_mode({"vn57": {"editor_password_hash": "x"}}, "")
    ('loopback', 'locked', 'password')
    >>> access_mode({}, "localhost", "localhost:8501"), access_mode({}, "localhost", "dashboard.example.org")
    ('loopback', 'foreign_host')
    """
    if oidc_configured(secrets):
        return MODE_OIDC
    if password_hash(secrets):
        return MODE_PASSWORD
    if not is_loopback_only(server_address):
        return MODE_LOCKED
    if host is not None and host_name(host) not in LOOPBACK_HOSTS:
        return MODE_FOREIGN_HOST
    return MODE_LOOPBACK


def trusted_proxies(secrets: Mapping | None, environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Addresses of the proxies whose ``X-Forwarded-For`` is believed: ``VN57_TRUSTED_PROXIES`` (comma-separated),
    else ``[vn57] trusted_proxies``; none by default."""
    import os

    environ = os.environ if environ is None else environ
    raw = environ.get(ENV_TRUSTED_PROXIES) or _section(secrets, "vn57").get("trusted_proxies") or []
    if isinstance(raw, str):
        raw = raw.split(",")
    return frozenset(str(a).strip() for a in raw if str(a).strip())


def client_address(remote: str | None, forwarded_for: str | None, trusted: frozenset[str]) -> str:
    """The client of a request: the address it came from, or, from a trusted proxy, the one the proxy forwarded.

    ``X-Forwarded-For`` lists the addresses a request passed, the client first; each proxy appends
    the one it saw. Read from the right, the first address that is not a trusted proxy is the
    client (a client cannot forge what the trusted proxies appended after its own list).

    Examples
    --------
    >>> trusted = frozenset({"127.0.0.1"})
    >>> client_address("127.0.0.1", "203.0.113.7", trusted), client_address("127.0.0.1", "6.6.6.6, 203.0.113.7", trusted)
    ('203.0.113.7', '203.0.113.7')
    >>> client_address("198.51.100.2", "1.2.3.4", trusted), client_address("127.0.0.1", None, frozenset())
    ('198.51.100.2', '127.0.0.1')
    """
    remote = (remote or "unknown").strip()
    if remote not in trusted or not forwarded_for:
        return remote
    for hop in reversed([a.strip() for a in str(forwarded_for).split(",") if a.strip()]):
        if hop not in trusted:
            return hop
    return remote


def is_editor_email(email: str | None, allowed: frozenset[str]) -> bool:
    """Whether a logged-in e-mail is on the allow-list (case does not matter)."""
    return bool(email) and str(email).strip().lower() in allowed


class MemoryBook:
    """Failure counts kept in this process (the store keeps them for the app: :class:`data.store.Store` has the same methods)."""

    def __init__(self):
        self._keys: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def auth_failures(self, keys) -> dict[str, tuple[int, float]]:
        with self._lock:
            return {k: self._keys[k] for k in keys if k in self._keys}

    def auth_failed(self, key: str, now: float, delay_of: Callable[[int], float]) -> float:
        with self._lock:
            count = self._keys.get(key, (0, 0.0))[0] + 1
            delay = float(delay_of(count))
            self._keys[key] = (count, now + delay)
        return delay

    def auth_cleared(self, keys) -> None:
        with self._lock:
            for key in keys:
                self._keys.pop(key, None)


class Throttle:
    """Exponential slow-down after failed password attempts, per key (a session, a client address).

    After the k-th failure in a row for a key, no attempt for that key is checked for
    ``base * 2 ** (k - 1)`` seconds, capped at ``cap``. A success clears the key. The counts live in
    ``book``: this process's memory by default; the app gives its store (with a wall clock), so
    every process and session agrees.

    Examples
    --------
    >>> clock = iter([0.0, 0.0, 0.5, 0.5, 1.5]).__next__
    >>> throttle = Throttle(base=1.0, cap=8.0, clock=clock)
    >>> throttle.failed(["s1"]), throttle.wait(["s1"]), throttle.failed(["s1"]), throttle.wait(["s1"])
    (1.0, 1.0, 2.0, 2.0)
    """

    def __init__(self, base: float = 1.0, cap: float = 60.0, clock: Callable[[], float] = time.monotonic, book=None):
        self.base, self.cap, self._clock = base, cap, clock
        self._book = book if book is not None else MemoryBook()

    def _delay(self, count: int) -> float:
        return min(self.cap, self.base * 2 ** (count - 1))

    def wait(self, keys) -> float:
        """Seconds before any of ``keys`` may try again (0 when it may now)."""
        now = self._clock()
        return max([0.0] + [until - now for _, until in self._book.auth_failures(list(keys)).values()])

    def failed(self, keys) -> float:
        """Record a failure for every key; returns the delay now imposed (the longest)."""
        now = self._clock()
        return max([0.0] + [self._book.auth_failed(key, now, self._delay) for key in keys])

    def succeeded(self, keys) -> None:
        self._book.auth_cleared(list(keys))

    def failures(self, key: str) -> int:
        return self._book.auth_failures([key]).get(key, (0, 0.0))[0]


def main() -> None:  # pragma: no cover - interactive
    import getpass

    first = getpass.getpass("Editor password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("The two passwords differ.")
    print("Add to .streamlit/secrets.toml:\n\n[vn57]\neditor_password_hash = " + f'"{hash_password(first)}"')


if __name__ == "__main__":  # pragma: no cover
    main()
