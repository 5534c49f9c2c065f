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
[data-testid="stMainBlockContainer"] { padding: 1rem 2rem 0.5rem 2rem; max-width: 100%; }
html, body, [data-testid="stApp"] { font-size: clamp(14px, 2vh, 22px); }
[data-testid="stMetricValue"] { font-size: 2.1rem; }
[data-testid="stMetricLabel"] p { font-size: 1rem; }
h1 { font-size: 2.2rem !important; padding: 0.2rem 0 0 0 !important; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
[data-testid="stMetric"] { padding: 0.35rem 0.8rem !important; }
[data-testid="stAlert"] [data-testid="stMarkdownContainer"] p { font-size: 0.9rem; }
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


# --- the slide deck (pages/present.py) -----------------------------------------------------------
SLIDE_KEY = "slide"  # the indicator on screen, mirrored in the URL
DECK_KEY = "deck"  # the indicators to step through, repeated in the URL (?deck=a&deck=b)
AUTO_KEY = "auto"  # seconds between slides; 0 = off
DEFAULT_DECK = ("rd_staff_per_10k", "r57_tasks_done_share", "g5_population_coverage", "fibre_households")
AUTO_CHOICES = (0, 15, 30, 60)
MAP_HEIGHT = 700  # the pydeck map's height (zoom and pan)
#: The fitted map's frame (CSS): the screen's height less the controls, title and slider.
FRAME_HEIGHT = "calc(100vh - 13.5rem - 2.2rem)"
#: On a slide without presentation mode, Streamlit's header and padding take more room.
FRAME_HEIGHT_WINDOWED = "calc(100vh - 19rem)"
_LAST_MOVE = "_present_last_move"


def deck(available: list[str], ranked: list[str] | None = None) -> list[str]:
    """The indicators of the slide deck: from ``?deck=`` when given, else the first four of ``ranked``
    (most reported province values first), else the default four."""
    asked = [i for i in st.query_params.get_all(DECK_KEY) if i in available]
    chosen = asked or default_deck(available, ranked)
    slide = st.query_params.get(SLIDE_KEY)
    if slide in available and slide not in chosen:  # a shared link opens its slide, in the deck or not
        chosen = chosen + [slide]
    return chosen


def default_deck(available: list[str], ranked: list[str] | None = None) -> list[str]:
    """The deck without a choice: the first four of ``ranked`` that can be shown, else the default four."""
    best = [i for i in (ranked or []) if i in available][:4]
    return best or [i for i in DEFAULT_DECK if i in available] or available[:4]


def step(slides: list[str], by: int) -> None:
    """Button callback: move ``by`` slides (wrapping round). Runs before the widgets are drawn."""
    current = st.session_state.get(SLIDE_KEY)
    index = slides.index(current) if current in slides else 0
    st.session_state[SLIDE_KEY] = slides[(index + by) % len(slides)]


def auto_advance(slides: list[str], seconds: int) -> None:
    """Every ``seconds``, show the next slide (a fragment on a timer reruns the whole app)."""
    import time

    st.session_state[_LAST_MOVE] = time.monotonic()

    @st.fragment(run_every=seconds)
    def _tick() -> None:
        if time.monotonic() - st.session_state.get(_LAST_MOVE, 0.0) >= seconds - 0.5:
            step(slides, +1)
            st.rerun(scope="app")

    _tick()


def headlines(view, sel) -> list[tuple[str, str]]:
    """Four headline numbers for the slide: the chosen province against the nation, or the nation.

    With a province: its value, the national value, its rank and its gap to the nation. Without:
    the national value, the highest and lowest provinces, and how many provinces have a value.
    """
    from data import schema
    from ui import loaders, widgets
    from ui.i18n import format_number, localized, t

    spec = loaders.indicators().set_index(schema.INDICATOR).loc[view.choice.indicator]
    unit = str(localized(spec, "short_unit", sel.lang))

    def fmt(value, signed=False) -> str:
        if value is None or value != value:  # NaN
            return "–"
        text = format_number(float(value), int(spec["decimals"]), sel.lang)
        text = ("+" + text) if signed and value > 0 else text
        if unit == "%":  # a gap between two shares is in percentage points
            return f"{text} {t('present_points')}" if signed else f"{text}%"
        return text  # the unit is written once, under the title

    table = view.table.set_index(schema.GEO_CODE)
    national = table[schema.NATIONAL_VALUE].dropna()
    national_value = national.iloc[0] if len(national) else None
    has = table[table[schema.VALUE].notna()]
    if national_value is None:  # a rank, or no national value: best, last and how many have data
        return _without_nation(view, sel, has, table, fmt)
    if sel.province in has.index:
        row = has.loc[sel.province]
        return [
            (
                view.names.get(sel.province, sel.province),
                widgets.qualifier_mark(row[schema.QUALIFIER]) + fmt(row[schema.VALUE]),
            ),
            (t("present_national"), fmt(national_value)),
            (t("present_rank"), f"{int(row[schema.RANK])} / {int(row[schema.RANK_OF])}"),
            (t("present_gap"), fmt(row[schema.DIFFERENCE], signed=True)),
        ]
    best = has.sort_values(schema.RANK)
    top = best.index[0] if len(best) else None
    bottom = best.index[-1] if len(best) else None
    return [
        (t("present_national"), fmt(national_value)),
        (t("present_highest", name=view.names.get(top, "–")), fmt(best[schema.VALUE].iloc[0] if top else None)),
        (t("present_lowest", name=view.names.get(bottom, "–")), fmt(best[schema.VALUE].iloc[-1] if bottom else None)),
        (t("present_with_data"), f"{len(has)} / {len(table)}"),
    ]


def _without_nation(view, sel, has, table, fmt) -> list[tuple[str, str]]:
    """Headline numbers of an indicator without a national value (a rank): no gap to the nation.

    With a province: its value and its rank in the field; always the best and the last province with a
    value, and how many provinces have one.
    """
    from data import schema
    from ui import widgets
    from ui.i18n import t

    best = has.sort_values(schema.RANK, kind="stable")
    out = []
    if sel.province in has.index:
        row = has.loc[sel.province]
        out.append(
            (
                view.names.get(sel.province, sel.province),
                widgets.qualifier_mark(row[schema.QUALIFIER]) + fmt(row[schema.VALUE]),
            )
        )
    if len(best):
        top, bottom = best.index[0], best.index[-1]
        out.append((t("present_best", name=view.names.get(top, top)), fmt(best[schema.VALUE].iloc[0])))
        out.append((t("present_last", name=view.names.get(bottom, bottom)), fmt(best[schema.VALUE].iloc[-1])))
    out.append((t("present_with_data"), f"{len(has)} / {len(table)}"))
    return out


def slide_label(slides: list[str], names) -> object:
    """The slide selector's labels: "2/7 · name" (position in the deck, then the indicator's name)."""
    return lambda indicator: f"{slides.index(indicator) + 1}/{len(slides)} · {names[indicator]}"
