"""Shared AppTest helpers: open a page of the app through app.py, as a shared link would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def ok(at: AppTest) -> AppTest:
    """Fail with the page's own messages when it raised."""
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_page(page: str, **params) -> AppTest:
    """Run ``page`` inside app.py's navigation with ``params`` as the link's query parameters.

    ``lang`` defaults to English; a list value becomes a repeated parameter.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = params.pop("lang", "en")
    for key, value in params.items():
        at.query_params[key] = value
    return ok(at.switch_page(page).run())
