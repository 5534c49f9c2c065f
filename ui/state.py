"""Widgets whose values live in the URL, so a copied link reproduces the view.

Each helper seeds the widget's session state from the query string the first time it is drawn,
draws the widget with that key, and writes the chosen value back to the query string (removing
it when it equals the default, to keep links short). Values not among the options are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

#: The sidebar's "show synthetic values" switch (ui.sidebar draws it; ui.widgets switches it on from a page).
SYNTHETIC_KEY = "synthetic"


def _seed(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _write(key: str, value, default) -> None:
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif isinstance(value, list):
        st.query_params[key] = [str(v) for v in value]
    else:
        st.query_params[key] = str(value)


def seed_choice(key: str, options: Sequence, default) -> None:
    """Put the URL's value (or the default) into session state before anything reads it.

    Lets text drawn before the widget (its own label, say) already follow the URL.
    """
    from_url = st.query_params.get(key)
    _seed(key, from_url if from_url in options else default)
    if st.session_state[key] not in options:
        st.session_state[key] = default


def url_selectbox(widget: Callable, key: str, label: str, options: Sequence, default, **kwargs):
    """A single-choice widget (``st.selectbox``, ``st.radio``, ``st.segmented_control``...) kept in the URL."""
    options = list(options)
    seed_choice(key, options, default)
    value = widget(label, options=options, key=key, **kwargs)
    _write(key, value, default)
    return value


def url_multiselect(key: str, label: str, options: Sequence, default: Sequence = (), **kwargs) -> list:
    """``st.multiselect`` kept in the URL as a repeated parameter (``?p=01&p=79``)."""
    options = list(options)
    if key not in st.session_state:
        from_url = [v for v in st.query_params.get_all(key) if v in options]
        st.session_state[key] = from_url or list(default)
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = st.multiselect(label, options=options, key=key, **kwargs)
    _write(key, list(value), list(default))
    return list(value)


def url_toggle(key: str, label: str, default: bool = True, **kwargs) -> bool:
    """``st.toggle`` kept in the URL as ``1`` or ``0``."""
    from_url = st.query_params.get(key)
    _seed(key, default if from_url not in ("0", "1") else from_url == "1")
    value = st.toggle(label, key=key, **kwargs)
    _write(key, "1" if value else "0", "1" if default else "0")
    return value


def url_range(key: str, label: str, options: Sequence[str], **kwargs) -> tuple[str, str]:
    """``st.select_slider`` over ordered options, kept in the URL as ``from~to``.

    The slider gets its start value through ``value=`` (a pair), because Streamlit decides from
    ``value`` alone that a select slider is a range; seeding session state is not enough.
    """
    options = list(options)
    default = (options[0], options[-1])
    parts = tuple((st.query_params.get(key) or "").split("~"))
    initial = parts if len(parts) == 2 and all(p in options for p in parts) else default
    current = st.session_state.get(key)
    if current is not None and not (
        isinstance(current, (tuple, list)) and len(current) == 2 and all(p in options for p in current)
    ):
        del st.session_state[key]
    value = tuple(st.select_slider(label, options=options, value=initial, key=key, **kwargs))
    _write(key, "~".join(value), "~".join(default))
    return value
