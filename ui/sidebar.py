"""The shared sidebar (language, province layout, synthetic and doubtful values), drawn once in ``app.py``."""

from __future__ import annotations

import dataclasses

import streamlit as st

from data import schema
from ui import i18n, loaders, present, state
from ui.i18n import t

LAYOUT_KEY = "layout"
SYNTHETIC_KEY = state.SYNTHETIC_KEY
DOUBTFUL_KEY = "doubtful"
#: Real values first: synthetic demonstration values and doubtful figures are off until switched on.
SHOW_SYNTHETIC_DEFAULT = False
SHOW_DOUBTFUL_DEFAULT = False
PROVINCE_KEY = "province"
_PENDING_PROVINCE = "_pending_province"


@dataclasses.dataclass(frozen=True)
class Selection:
    """What the sidebar chose; every page reads it through :func:`selection`."""

    lang: str
    layout: str
    show_synthetic: bool
    province: str | None = None  # code in ``layout``; None when no province is chosen
    show_doubtful: bool = False

    @property
    def statuses(self) -> tuple[str, ...]:
        """Statuses to show (all, or all but synthetic), plus :data:`data.schema.SHOW_DOUBTFUL` when doubtful
        figures are switched on (the store leaves them out otherwise)."""
        shown = tuple(s for s in schema.STATUSES if self.show_synthetic or s != schema.STATUS_SYNTHETIC)
        return shown + ((schema.SHOW_DOUBTFUL,) if self.show_doubtful else ())


def draw() -> Selection:
    """Draw the sidebar widgets (keys ``lang``, ``layout``, ``province``, ``synthetic``, ``doubtful``, all in the URL)."""
    state.seed_choice(i18n.LANG_KEY, i18n.LANGUAGES, i18n.browser_language())
    if _PENDING_PROVINCE in st.session_state:  # set by select_province() in the previous run
        st.session_state[PROVINCE_KEY] = st.session_state.pop(_PENDING_PROVINCE)
    lang = i18n.current_language()  # bound into option labels: they are formatted outside the run
    with st.sidebar:
        state.url_selectbox(
            st.radio,
            i18n.LANG_KEY,
            t("sidebar_language"),
            i18n.LANGUAGES,
            default=i18n.browser_language(),
            format_func=i18n.LANGUAGE_NAMES.get,
            horizontal=True,
        )
        state.url_selectbox(
            st.radio,
            LAYOUT_KEY,
            t("sidebar_layout"),
            (schema.LAYOUT_2025, schema.LAYOUT_2008),
            default=schema.LAYOUT_2025,
            format_func=lambda v: t(f"layout_{v}", lang),
        )
        layout = st.session_state[LAYOUT_KEY]
        names = i18n.localized(loaders.provinces(layout).set_index(schema.CODE), "name", lang)
        state.url_selectbox(
            st.selectbox,
            PROVINCE_KEY,
            t("sidebar_province"),
            [""] + list(names.index),
            default="",
            format_func=lambda code: names.get(code, t("sidebar_province_none", lang)),
        )
        state.url_toggle(
            SYNTHETIC_KEY, t("sidebar_show_synthetic"), default=SHOW_SYNTHETIC_DEFAULT, help=t("sidebar_synthetic_help")
        )
        state.url_toggle(
            DOUBTFUL_KEY, t("sidebar_show_doubtful"), default=SHOW_DOUBTFUL_DEFAULT, help=t("sidebar_doubtful_help")
        )
        state.url_toggle(present.PRESENT_KEY, t("sidebar_present"), default=False, help=t("sidebar_present_help"))
    return selection()


def select_province(code: str | None) -> None:
    """Choose a province for the whole app (from a map click, say) and rerun to show it.

    The sidebar's selectbox is already drawn when a page reacts to a click, and Streamlit forbids
    changing a drawn widget's value, so the choice is applied at the start of the next run.
    """
    st.session_state[_PENDING_PROVINCE] = code or ""
    st.rerun()


def _run_through_app() -> None:
    """Make sure the page runs inside ``app.py``'s navigation, never on its own.

    Streamlit 1.67 remembers that a ``pages/`` folder exists beside the main script and, until some
    session has run ``st.navigation``, runs a requested page file directly (its old multipage
    mode). The first visitor of a fresh server who opens a shared link such as ``/explorer``
    would then get the page without the sidebar, language or URL state. Clearing that flag and
    rerunning sends the run through ``app.py``, whose ``st.navigation`` opens the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def selection() -> Selection:
    """The current sidebar choice, read from session state (defaults when the sidebar is not drawn)."""
    _run_through_app()
    layout = st.session_state.get(LAYOUT_KEY) or schema.LAYOUT_2025
    return Selection(
        lang=i18n.current_language(),
        layout=layout if layout in schema.LAYOUTS else schema.LAYOUT_2025,
        show_synthetic=bool(st.session_state.get(SYNTHETIC_KEY, SHOW_SYNTHETIC_DEFAULT)),
        province=st.session_state.get(PROVINCE_KEY) or None,
        show_doubtful=bool(st.session_state.get(DOUBTFUL_KEY, SHOW_DOUBTFUL_DEFAULT)),
    )
