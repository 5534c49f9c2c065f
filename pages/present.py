"""Presentation: one indicator per screen, a large map and headline numbers, for the meeting room."""

import streamlit as st

from data import schema
from ui import loaders, map_view, present, sidebar, state, widgets
from ui.i18n import t

# 1. the selection: sidebar (language, layout, province) and the deck of indicators, all in the URL
sel = sidebar.selection()
available = loaders.benchmark_indicators(sel.layout, sel.statuses)
if not available:
    st.warning(t("map_no_periods"))
    widgets.two_ways_on(key="present_none_demo", offer_demo=not sel.show_synthetic)
    st.stop()
slides = present.deck(available, [i for i, _ in loaders.ranked_choices(sel.layout, sel.statuses)])
names = loaders.indicators().set_index(schema.INDICATOR)["name_vi" if sel.lang == "vi" else "name_en"]

# 2. controls: previous / next (also PageUp / PageDown, as sent by slide clickers), slide, auto-advance
bar = st.columns([1.4, 5, 1.4, 2, 2], vertical_alignment="bottom")
bar[0].button(t("present_previous"), key="present_prev", on_click=present.step, args=(slides, -1),
              shortcut="PageUp", icon=":material/arrow_back:")
with bar[1]:
    indicator = state.url_selectbox(st.selectbox, present.SLIDE_KEY, t("present_slide"), slides, slides[0],
                                    format_func=lambda i: f"{slides.index(i) + 1}/{len(slides)} · {names[i]}")
bar[2].button(t("present_next"), key="present_next", on_click=present.step, args=(slides, +1),
              shortcut="PageDown", icon=":material/arrow_forward:")
with bar[3]:
    seconds = state.url_selectbox(st.selectbox, present.AUTO_KEY, t("present_auto"), present.AUTO_CHOICES, 0,
                                  format_func=lambda s: t("present_auto_off") if s == 0 else t("present_auto_every", s=s))
bar[4].button(t("present_exit"), key="present_exit", on_click=lambda: st.session_state.update({present.PRESENT_KEY: False}),
              icon=":material/close_fullscreen:", disabled=not present.is_presenting())

# 3. the map of the latest period, high-contrast palette, classes and legend (ui/map_view, cached benchmark)
periods = loaders.benchmark_periods(indicator, sel.layout, sel.statuses)
if not periods:
    st.warning(t("map_no_periods"))
    st.stop()
period = loaders.default_period(indicator, sel.layout, sel.statuses) or periods[-1]
choice = map_view.Choice(indicator, period, "value", "high_contrast", "quantile", False)
view = map_view.prepare(sel, choice)

# 4. title, period and unit; the map large on the left, headline numbers and legend on the right
st.title(view.name)
st.caption(t("present_period", period=choice.period, layout=t(f"layout_{sel.layout}"), unit=view.unit))
left, right = st.columns([3, 1])
with left:
    map_view.draw_map(view, sel, height=present.MAP_HEIGHT)
with right:
    for label, value in present.headlines(view, sel):
        st.metric(label, value, border=True)
    map_view.draw_legend(view)
widgets.synthetic_banner(view.table[schema.STATUS])
if not set(view.table[schema.STATUS]) & {schema.STATUS_REPORTED, schema.STATUS_DERIVED}:  # demonstration values only
    widgets.no_reported_values(view.name, t(f"layout_{sel.layout}"), key="present_no_reported", offer_demo=False)
map_view.draw_sources(view, sel)
if int(seconds):
    present.auto_advance(slides, int(seconds))
