"""Editing rights on the page: who edits in this session, and the login widgets (rules: ``data/auth.py``).

:func:`access` is read on every run, and again right before any write, so a viewer never
reaches a write even through a stale button.
"""

from __future__ import annotations

import dataclasses
import getpass
import math
import time
import uuid
from collections.abc import Mapping

import streamlit as st

from data import auth
from ui import widgets
from ui.i18n import t

EDITOR_KEY = "_vn57_editor"  # who edits in this session, in password mode
SESSION_KEY = "_vn57_session_id"
TRY_KEY = "_vn57_password_try"


@dataclasses.dataclass(frozen=True)
class Access:
    """The session's rights: ``editor`` is the name recorded with each change, None for a viewer."""

    mode: str
    editor: str | None
    email: str | None = None


def secrets() -> Mapping:
    """``st.secrets`` as a dict; empty when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml, or an unreadable one: nothing is configured
        return {}


def server_address() -> str:
    return str(st.get_option("server.address") or "")


def _headers() -> dict:
    try:
        return dict(st.context.headers or {})
    except Exception:  # no browser context (AppTest)
        return {}


def _remote_address() -> str:
    """The address the session's request came from (a proxy's, behind one)."""
    try:
        return st.context.ip_address or "unknown"
    except Exception:  # no browser context (AppTest)
        return "unknown"


def request_host() -> str | None:
    """The ``Host`` header of the session's request; None without an HTTP request (a test harness)."""
    headers = {k.lower(): v for k, v in _headers().items()}
    return headers.get("host")


def throttle() -> auth.Throttle:
    """Failed password attempts, counted in the store: shared by every session of every app process."""
    from ui import loaders

    return auth.Throttle(clock=time.time, book=loaders.store())


def _local_user() -> str:
    try:
        return f"local ({getpass.getuser()})"
    except Exception:  # no login name in a container
        return "local"


def access() -> Access:
    """Who edits in this session, following :func:`data.auth.access_mode`."""
    conf = secrets()
    mode = auth.access_mode(conf, server_address(), request_host())
    if mode == auth.MODE_OIDC:
        logged_in = bool(st.user.get("is_logged_in", False))
        email = str(st.user.get("email") or "") if logged_in else None
        allowed = auth.is_editor_email(email, auth.editor_emails(conf))
        return Access(mode, email if allowed else None, email)
    if mode == auth.MODE_PASSWORD:
        return Access(mode, st.session_state.get(EDITOR_KEY))
    if mode == auth.MODE_LOOPBACK:
        return Access(mode, _local_user())
    return Access(mode, None)


def _client_keys() -> list[str]:
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = uuid.uuid4().hex
    forwarded = {k.lower(): v for k, v in _headers().items()}.get("x-forwarded-for")
    client = auth.client_address(_remote_address(), forwarded, auth.trusted_proxies(secrets()))
    return [f"session:{st.session_state[SESSION_KEY]}", f"client:{client}"]


def _try_password(name: str, password: str) -> None:
    keys = _client_keys()
    wait = throttle().wait(keys)
    if wait > 0:
        st.error(t("auth_wait", seconds=math.ceil(wait)))
        return
    if name.strip() and auth.verify_password(password, auth.password_hash(secrets())):
        throttle().succeeded(keys)
        st.session_state[EDITOR_KEY] = f"{name.strip()[:80]} (password)"
        st.rerun()
    st.error(t("auth_wrong", seconds=math.ceil(throttle().failed(keys))))


def draw(acc: Access) -> None:
    """Say who may edit, and offer the way in for this mode."""
    if acc.mode == auth.MODE_LOOPBACK:
        st.warning(t("auth_loopback", address=server_address()), icon=":material/lock_open:")
        st.caption(t("auth_editor", who=acc.editor))
    elif acc.mode == auth.MODE_LOCKED:
        st.error(t("auth_locked", address=server_address() or "0.0.0.0"), icon=":material/lock:")
    elif acc.mode == auth.MODE_FOREIGN_HOST:
        st.error(t("auth_foreign_host", host=widgets.plain(request_host() or "")), icon=":material/lock:")
    elif acc.mode == auth.MODE_OIDC:
        if acc.email:
            st.caption(t("auth_editor", who=acc.editor) if acc.editor else t("auth_not_editor", email=acc.email))
            st.button(t("auth_logout"), key="auth_logout", on_click=st.logout)
        else:
            from streamlit.auth_util import is_authlib_installed

            st.info(t("auth_viewer"), icon=":material/visibility:")
            if not is_authlib_installed():
                st.error(t("auth_no_authlib"))
            provider = auth.login_provider(secrets())
            st.button(t("auth_login"), key="auth_login", help=t("auth_login_help"), on_click=st.login,
                      args=(provider,) if provider else ())  # fmt: skip
    elif acc.editor:
        st.caption(t("auth_editor", who=acc.editor))
        st.button(t("auth_stop"), key="auth_stop", on_click=lambda: st.session_state.pop(EDITOR_KEY, None))
    else:
        if st.session_state.pop(TRY_KEY, False):  # set by the form's callback, which survives a rerun
            _try_password(st.session_state.get("auth_name", ""), st.session_state.get("auth_password", ""))
            st.session_state["auth_password"] = ""
        st.info(t("auth_viewer"), icon=":material/visibility:")
        with st.form("auth_password_form"):
            st.markdown(f"**{t('auth_password_title')}**")
            st.text_input(t("auth_name"), key="auth_name")
            st.text_input(t("auth_password"), type="password", key="auth_password")
            st.form_submit_button(
                t("auth_submit"), key="auth_submit", on_click=lambda: st.session_state.update({TRY_KEY: True})
            )
