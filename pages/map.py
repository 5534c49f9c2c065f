"""Map: one indicator for every province of the chosen layout, by value or against the national average."""

import streamlit as st

from data import schema
from ui import loaders, map_view, sidebar, widgets
from ui.i18n import t

# 1. title and help
sel = sidebar.selection()
st.title(t("map_title"))
st.caption(t("map_intro"))

# 2. indicator, period and colouring, every one mirrored in the URL
choice = map_view.controls(sel)
if choice is None or choice.period is None:
    if choice is None:
        st.warning(t("map_no_periods"))
        widgets.two_ways_on(key="map_none_demo", offer_demo=not sel.show_synthetic)
    else:  # the chosen indicator has no value in this layout: say so, offer two ways on
        widgets.no_reported_values(map_view.indicator_name(choice.indicator, sel.lang), t(f"layout_{sel.layout}"),
                                   key="map_show_demo", offer_demo=not sel.show_synthetic)
    map_view.draw_uploader(sel)
    st.stop()

# 3. data, classes, colours and legend (cached benchmark; the rest is light)
view = map_view.prepare(sel, choice)
if not set(view.table[schema.STATUS]) & {schema.STATUS_REPORTED, schema.STATUS_DERIVED}:  # demonstration values only
    widgets.no_reported_values(view.name, t(f"layout_{sel.layout}"), key="map_no_reported",
                               offer_demo=not sel.show_synthetic)

# 4. the map fitted to its frame (or pydeck to zoom and pan), its title and legend, the synthetic banner
map_view.draw_heading(view)
left, right = st.columns([3, 2])
with left:
    if choice.zoom:
        map_view.draw_map(view, sel)
        legend, shown = view.legend, view.table[schema.STATUS]
    else:  # with the time-lapse on, every period its slider reaches counts for the banner
        periods = loaders.benchmark_periods(choice.indicator, sel.layout, sel.statuses)
        legend, shown = map_view.draw_fitted(view, sel, periods)
with right:
    widgets.synthetic_banner(shown)
    map_view.draw_legend(view, legend)

# 5. what is missing, where the numbers come from, the boundaries' licence
map_view.draw_no_data(view)
map_view.draw_predecessor_ranks(view, sel)
st.caption(map_view.drawn_caption(view, sel.lang))
map_view.draw_sources(view, sel)

# 6. static map for slides, and the user's own boundaries
map_view.draw_downloads(view)
map_view.draw_uploader(sel)
