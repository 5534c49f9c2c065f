"""Presentation: one indicator per screen, a fitted map and headline numbers, for the meeting room."""

import streamlit as st

from data import schema
from ui import deck_view, fitted_map, loaders, map_view, present, sidebar, state, views, widgets
from ui.i18n import t

# 1. the selection: sidebar (language, layout, province) and the deck of indicators, all in the URL
sel = sidebar.selection()
available = loaders.benchmark_indicators(sel.layout, sel.statuses)
if not available:
    st.warning(t("map_no_periods"))
    widgets.two_ways_on(key="present_none_demo", offer_demo=not sel.show_synthetic)
    st.stop()
slides = present.deck(available, [i for i, _ in loaders.ranked_choices(sel.layout, sel.statuses)])
names = views.names(sel.lang)

# 2. controls in one row that wraps rather than cuts a label: previous / next (PageUp / PageDown), slide, auto
bar = st.container(horizontal=True, vertical_alignment="bottom", key="present_bar")
with bar:
    st.button(t("present_previous"), key="present_prev", on_click=present.step, args=(slides, -1),
              shortcut="PageUp", icon=":material/arrow_back:", width="content")
    indicator = state.url_selectbox(st.selectbox, present.SLIDE_KEY, t("present_slide"), slides, slides[0],
                                    format_func=present.slide_label(slides, names))
    st.button(t("present_next"), key="present_next", on_click=present.step, args=(slides, +1),
              shortcut="PageDown", icon=":material/arrow_forward:", width="content")
    seconds = state.url_selectbox(st.selectbox, present.AUTO_KEY, t("present_auto"), present.AUTO_CHOICES, 0,
                                  format_func=lambda s: t("present_auto_off", sel.lang) if s == 0
                                  else t("present_auto_every", sel.lang, s=s),
                                  width=190)
    periods = loaders.benchmark_periods(indicator, sel.layout, sel.statuses)
    if len(periods) > 1:  # the time-lapse: steps the map's period slider in the browser
        fitted_map.play_button("present_map")
    deck_view.draw_button(sel, slides)
    st.button(t("present_exit"), key="present_exit", on_click=lambda: st.session_state.update({present.PRESENT_KEY: False}),
              icon=":material/close_fullscreen:", disabled=not present.is_presenting(), width="content")

# 3. the latest period, high-contrast palette, classes shared by every period (the time-lapse)
if not periods:
    st.warning(t("map_no_periods"))
    st.stop()
period = loaders.default_period(indicator, sel.layout, sel.statuses) or periods[-1]
choice = map_view.Choice(indicator, period, "value", "high_contrast", "quantile", True, lapse=True)
view = map_view.prepare(sel, choice)
timeline = map_view.lapse(view, sel, periods, choice.palette, choice.scheme) if len(periods) > 1 else None

# 4. title, period, layout and unit; the map in a frame shaped for Viet Nam, numbers and legend beside it
st.title(widgets.plain(view.name), anchor=False)
st.caption(t("present_period", period=fitted_map.period_label(choice.period, sel.lang),
             layout=t(f"layout_{sel.layout}"), unit=widgets.plain(view.unit)))
left, right = st.columns([0.34, 0.66], gap="medium")
with left:
    spec, key_entries = fitted_map.spec(view, sel, timeline=timeline, names_on=True, selectable=False)
    frame = present.FRAME_HEIGHT if present.is_presenting() else present.FRAME_HEIGHT_WINDOWED
    fitted_map.draw(spec, "present_map", frame, play=timeline is not None)
with right:
    shown = list(view.table[schema.STATUS]) + ([schema.STATUS_SYNTHETIC] if timeline and timeline.synthetic else [])
    widgets.synthetic_banner(shown)  # the time-lapse's other periods count: the map shows them
    if not set(view.table[schema.STATUS]) & {schema.STATUS_REPORTED, schema.STATUS_DERIVED}:  # demonstration only
        widgets.no_reported_values(view.name, t(f"layout_{sel.layout}"), key="present_no_reported", offer_demo=False)
    for column, (label, value) in zip(st.columns(4), present.headlines(view, sel)):
        column.metric(label, value, border=True)
    legend, notes = st.columns([0.45, 0.55])
    with legend:
        map_view.draw_legend(view, timeline.legend if timeline else None, step=32, font=19, notes=False)
    with notes:
        map_view.draw_notes(view)
        fitted_map.draw_key(key_entries)
        map_view.draw_sources(view, sel, rule=False)
if int(seconds):
    present.auto_advance(slides, int(seconds))
