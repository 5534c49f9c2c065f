"""Profile: every indicator of one province against the nation and its peers; its targets; its sources."""

import streamlit as st

from data import registry, schema
from ui import loaders, sidebar, views, widgets
from ui import profile_view as pv
from ui.i18n import t

# 1. the province (the sidebar's, or chosen here, which sets the sidebar's) and the print view
sel = sidebar.selection()
views.print_view(sel.lang)
code = views.choose_province(sel)
if not code:  # the sidebar's "whole country": the national profile
    st.title(t("profile_title", place=t("profile_whole_country")))
    st.caption(t("profile_national_intro", layout=views.layout_short(sel.layout)))
    national = pv.national_profile(sel.layout, sel.statuses, sel.lang)
    widgets.synthetic_banner(national[schema.STATUS])
    if national.empty:
        st.info(t("profile_empty"))
    else:
        pv.national_table(national)
    st.stop()
place = views.province_names(sel.layout, sel.lang)[code]
st.title(t("profile_title", place=place))
st.caption(t("profile_intro", layout=views.layout_short(sel.layout)))

# 2-3. cached data: every indicator at its latest period, benchmarked
profile = loaders.province_profile(code, sel.layout, sel.statuses)
shown = pv.labelled(profile, sel.lang)
widgets.synthetic_banner(list(profile[schema.STATUS]) + list(profile[schema.NATIONAL_STATUS]))

# 4. against the nation and the peers
st.subheader(t("profile_indicators"))
if shown.empty:
    st.info(t("profile_empty"))
else:
    pv.thin_note(shown)
    pv.against_nation(shown, place, sel.lang)
    pv.indicator_table(shown)

# 5. targets: its own, and its predecessors' (never merged into a number), with a forecast
st.subheader(t("profile_targets"))
mine = loaders.forecasts_for(tuple(registry.with_predecessors(sel.layout, code)), sel.show_synthetic)
if mine.empty:
    st.caption(t("profile_no_targets"))
else:
    labelled = views.label_targets(mine, sel.lang, of_province=(sel.layout, code))
    views.targets_table(labelled, sel.lang, key="profile_targets")
    chosen = views.target_choice(labelled, "target")
    views.forecast_chart(chosen, sel)

# 6. sources
st.subheader(t("profile_sources"))
pv.sources_list(profile, mine, sel.lang)
