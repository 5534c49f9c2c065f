"""Targets: every target of every province and of the nation, with a status light, most at risk first."""

import streamlit as st

from analysis import forecasting
from data import schema
from ui import loaders, sidebar, state, views, widgets
from ui import targets_view as tv
from ui.i18n import t

# 1. title and the rule
sel = sidebar.selection()
st.title(t("targets_title"))
st.caption(t("targets_intro"))
with st.expander(t("targets_rule_title")):
    st.markdown(t("targets_rule"))

# 2-3. every target with its forecast (cached), labelled
pillars, places = tv.filter_options(sel.show_synthetic, sel.lang)

# filters, in the URL
cols = st.columns(3)
with cols[0]:
    chosen_pillars = state.url_multiselect("pillar", t("targets_pillar"), list(pillars.index), format_func=pillars.get,
                                           placeholder=t("targets_all"))
with cols[1]:
    chosen_status = state.url_multiselect("status", t("col_forecast_status"), forecasting.STATUSES,
                                          format_func=lambda s: views.light(s, sel.lang), placeholder=t("targets_all"))
with cols[2]:
    chosen_places = state.url_multiselect("place", t("targets_place"), list(places), format_func=places.get,
                                          placeholder=t("targets_all"))
found = tv.shown(sel.show_synthetic, sel.lang, tuple(chosen_pillars), tuple(chosen_status), tuple(chosen_places))
shown = found.frame

# 5. the table (sorted by risk: moving away first, achieved last), a chart of the paces, one forecast
st.caption(found.count_line)
widgets.synthetic_banner([schema.STATUS_SYNTHETIC] if found.synthetic else [])
if shown.empty:
    st.warning(t("targets_none"))
    st.stop()
views.targets_table(shown, sel.lang, key="targets_table")
widgets.source_line(found.sources, loaders.sources())
views.progress_chart(shown, sel.lang, found.progress)
st.subheader(t("targets_forecast"))
chosen = views.target_choice(shown, "target", found.options)
views.forecast_chart(chosen, sel, tv.forecast_chart_rows)
