"""Presentation mode for meeting rooms: no sidebar, no Streamlit chrome, large type.

Turned on by the sidebar toggle or by ``?present=1`` in a shared link. The sidebar widgets are
still drawn (they keep the language, layout and province in the URL) but hidden by CSS. The CSS is
a fixed string: no data or user text goes into it, and it loads no outside font.
"""

from __future__ import annotations

import streamlit as st

PRESENT_KEY = "present"

_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stMainMenu"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.5rem 2.5rem 1rem 2.5rem; max-width: 100%; }
html, body, [data-testid="stApp"] { font-size: 22px; }
[data-testid="stMetricValue"] { font-size: 3.2rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
h1 { font-size: 3rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem; }
</style>
"""


def is_presenting() -> bool:
    """Whether presentation mode is on (session state, seeded from ``?present=1``)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) == "1"
    return bool(st.session_state[PRESENT_KEY])


def apply_chrome() -> None:
    """Hide the sidebar and Streamlit's chrome and enlarge the type (call once per run)."""
    st.html(_CSS)
