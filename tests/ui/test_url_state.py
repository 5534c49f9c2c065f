"""ui.state: widgets whose value lives in the URL (seeded from it, written back, default left out).

Each test runs a tiny Streamlit script with AppTest. ``at.query_params`` plays the address bar:
seeded before the first run, read back after a run to see what the script wrote.
"""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

OPTIONS = ["alpha", "bravo", "charlie", "delta"]
RANGE_OPTIONS = ["2024-12", "2025-03", "2025-06", "2025-09", "2025-12"]


# --- scripts (run by AppTest.from_function: imports go inside) ---------------------------------------
def multiselect_script():
    import streamlit as st

    from ui import state

    value = state.url_multiselect("m", "Pick", ["alpha", "bravo", "charlie", "delta"], default=["alpha"])
    st.text(repr(value))


def selectbox_script(widget_name: str):
    import streamlit as st

    from ui import state

    value = state.url_selectbox(
        getattr(st, widget_name), "s", "Pick", ["alpha", "bravo", "charlie", "delta"], default="bravo"
    )
    st.text(repr(value))


def toggle_script(default: bool):
    import streamlit as st

    from ui import state

    value = state.url_toggle("on", "Switch", default=default)
    st.text(repr(value))


def range_script():
    import streamlit as st

    from ui import state

    value = state.url_range("r", "Period", ["2024-12", "2025-03", "2025-06", "2025-09", "2025-12"])
    st.text(repr(value))
    st.button("rerun", key="rerun")


def _app(script, params: dict | None = None, **kwargs) -> AppTest:
    at = AppTest.from_function(script, default_timeout=30, kwargs=kwargs or None)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _shown(at: AppTest):
    assert not at.exception, [e.message for e in at.exception]
    return ast.literal_eval(at.text[0].value)


# --- url_multiselect -------------------------------------------------------------------------------------
def test_multiselect_reads_repeated_url_parameter():
    at = _app(multiselect_script, {"m": ["bravo", "delta"]})
    assert _shown(at) == ["bravo", "delta"]
    assert at.multiselect(key="m").value == ["bravo", "delta"]
    assert list(at.query_params["m"]) == ["bravo", "delta"]


def test_multiselect_reads_single_url_parameter():
    assert _shown(_app(multiselect_script, {"m": "charlie"})) == ["charlie"]


def test_multiselect_ignores_unknown_values():
    assert _shown(_app(multiselect_script, {"m": ["zulu", "charlie"]})) == ["charlie"]
    assert _shown(_app(multiselect_script, {"m": "zulu"})) == ["alpha"]  # nothing valid: the default


def test_multiselect_default_is_not_written_to_the_url():
    at = _app(multiselect_script)
    assert _shown(at) == ["alpha"]
    assert "m" not in at.query_params


def test_multiselect_change_is_written_and_default_removed():
    at = _app(multiselect_script)
    at.multiselect(key="m").set_value(["delta", "bravo"]).run()
    assert _shown(at) == ["delta", "bravo"]
    assert list(at.query_params["m"]) == ["delta", "bravo"]
    at.multiselect(key="m").set_value(["alpha"]).run()
    assert "m" not in at.query_params


# --- url_selectbox ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("widget", ["selectbox", "radio"])
def test_selectbox_reads_url(widget):
    at = _app(selectbox_script, {"s": "delta"}, widget_name=widget)
    assert _shown(at) == "delta"
    assert at.query_params["s"] == "delta"


@pytest.mark.parametrize("widget", ["selectbox", "radio"])
def test_selectbox_ignores_invalid_url_value(widget):
    at = _app(selectbox_script, {"s": "zulu"}, widget_name=widget)
    assert _shown(at) == "bravo"
    assert "s" not in at.query_params  # the invalid value is dropped from the address too


@pytest.mark.parametrize("widget", ["selectbox", "radio"])
def test_selectbox_default_not_written_change_written(widget):
    at = _app(selectbox_script, widget_name=widget)
    assert _shown(at) == "bravo"
    assert "s" not in at.query_params
    getattr(at, widget)(key="s").set_value("charlie").run()
    assert _shown(at) == "charlie"
    assert at.query_params["s"] == "charlie"
    getattr(at, widget)(key="s").set_value("bravo").run()
    assert "s" not in at.query_params


# --- url_toggle ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("param", "default", "expected"), [("0", True, False), ("1", False, True), ("1", True, True)])
def test_toggle_reads_url(param, default, expected):
    assert _shown(_app(toggle_script, {"on": param}, default=default)) is expected


@pytest.mark.parametrize("param", ["yes", "true", "", "2"])
def test_toggle_ignores_invalid_url_value(param):
    at = _app(toggle_script, {"on": param}, default=True)
    assert _shown(at) is True
    assert "on" not in at.query_params


@pytest.mark.parametrize("default", [True, False])
def test_toggle_default_not_written_change_written(default):
    at = _app(toggle_script, default=default)
    assert _shown(at) is default
    assert "on" not in at.query_params
    at.toggle(key="on").set_value(not default).run()
    assert _shown(at) is (not default)
    assert at.query_params["on"] == ("0" if default else "1")
    at.toggle(key="on").set_value(default).run()
    assert "on" not in at.query_params


# --- url_range ------------------------------------------------------------------------------------------------
def test_range_reads_url():
    at = _app(range_script, {"r": "2025-03~2025-09"})
    assert _shown(at) == ("2025-03", "2025-09")
    assert tuple(at.select_slider(key="r").value) == ("2025-03", "2025-09")
    assert at.query_params["r"] == "2025-03~2025-09"


@pytest.mark.parametrize("param", ["2025-03", "2025-03~2030-01", "2025-03~2025-06~2025-09", "garbage", ""])
def test_range_ignores_invalid_url_value(param):
    at = _app(range_script, {"r": param})
    assert _shown(at) == (RANGE_OPTIONS[0], RANGE_OPTIONS[-1])
    assert "r" not in at.query_params


def test_range_default_not_written():
    at = _app(range_script)
    assert _shown(at) == (RANGE_OPTIONS[0], RANGE_OPTIONS[-1])
    assert "r" not in at.query_params


def test_range_survives_a_rerun():
    at = _app(range_script, {"r": "2025-03~2025-09"})
    at.button(key="rerun").click().run()
    assert _shown(at) == ("2025-03", "2025-09")
    assert at.query_params["r"] == "2025-03~2025-09"


def test_range_change_is_written():
    at = _app(range_script)
    at.select_slider(key="r").set_range("2025-06", "2025-12").run()
    assert _shown(at) == ("2025-06", "2025-12")
    assert at.query_params["r"] == "2025-06~2025-12"
