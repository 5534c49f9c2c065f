"""Compare: provinces ranked on one indicator against the nation and their peers; a scatter; trends."""

import streamlit as st

from data import schema
from ui import compare_view as cv
from ui import loaders, sidebar, state, views, widgets
from ui.i18n import t

# 1. title and help
sel = sidebar.selection()
st.title(t("compare_title"))
st.caption(t("compare_intro"))

# 2. choices, every one in the URL
names = views.names(sel.lang)
choices = loaders.benchmark_indicators(sel.layout, sel.statuses)
missing = widgets.asked_but_missing("ind", choices)
if missing:  # a link asked for an indicator without a value to show here
    widgets.no_reported_values(names.get(missing, missing), t(f"layout_{sel.layout}"), key="compare_show_demo",
                               offer_demo=not sel.show_synthetic)
if not choices:
    st.warning(t("compare_no_values"))
    widgets.two_ways_on(key="compare_none_demo", offer_demo=not sel.show_synthetic)
    st.stop()
regions = views.region_names(sel.lang)
cols = st.columns([3, 2, 3])
with cols[0]:
    ind = state.url_selectbox(st.selectbox, "ind", t("compare_indicator"), choices,
                              default=loaders.default_indicator(sel.layout, sel.statuses, choices, cv.DEFAULT_INDICATOR),
                              format_func=names.get)
periods = loaders.benchmark_periods(ind, sel.layout, sel.statuses)
with cols[1]:
    period = state.url_selectbox(st.selectbox, "period", t("compare_period"), periods[::-1] or [""],
                                 default=loaders.default_period(ind, sel.layout, sel.statuses) or (periods[-1] if periods else ""),
                                 format_func=lambda p: views.period_text(p, sel.lang))
with cols[2]:
    peer_filter = state.url_multiselect("region", t("compare_regions"), regions.index, format_func=regions.get,
                                        placeholder=t("compare_all_regions"))
if not periods:  # the chosen indicator has no value here: say so, offer to import or to show demonstration values
    widgets.no_reported_values(names.get(ind, ind), t(f"layout_{sel.layout}"), key="compare_show_demo",
                               offer_demo=not sel.show_synthetic)
    st.stop()

# 3. cached benchmark, then labels
table = loaders.benchmark(ind, period, sel.layout, sel.statuses)
shown = cv.shown_benchmark(ind, period, sel.layout, sel.statuses, sel.lang, tuple(peer_filter))
widgets.synthetic_banner(list(shown[schema.STATUS]) + [table[schema.NATIONAL_STATUS].iloc[0]])
if not set(table[schema.STATUS]) & {schema.STATUS_REPORTED, schema.STATUS_DERIVED}:  # demonstration values only
    widgets.no_reported_values(names.get(ind, ind), t(f"layout_{sel.layout}"), key="compare_no_reported",
                               offer_demo=False)
cv.national_metric(table, ind, sel.lang)

# 4. ranking: bars with the national rule, then the table with sparklines
ranked = shown[shown[schema.VALUE].notna()].sort_values([schema.RANK, views.PLACE])
if ranked.empty:
    st.info(t("compare_no_values_period"))
else:
    cv.ranking_chart(ranked, table, ind, period, sel)
    widgets.source_line(views.sources_of((ranked, schema.SOURCE_ID), (table, schema.NATIONAL_SOURCE_ID)), loaders.sources())
cv.ranking_table(ind, period, peer_filter, sel)
cv.no_data_caption(shown, sel.lang)

# 5. scatter of two indicators, with the nation
st.subheader(t("compare_scatter"))
others = [i for i in choices if i != ind]
if others:
    ind2 = state.url_selectbox(st.selectbox, "ind2", t("compare_second"), others,
                               default=cv.DEFAULT_SECOND if cv.DEFAULT_SECOND in others else others[0], format_func=names.get)
    cv.scatter(ind, ind2, period, peer_filter, sel)

# 6. trends of chosen provinces, with the nation
st.subheader(t("compare_trends"))
province_names = views.province_names(sel.layout, sel.lang)
top = ranked[schema.GEO_CODE].head(3).tolist()
default = [sel.province] if sel.province in province_names.index else top
picked = state.url_multiselect("p", t("compare_trend_places"), province_names.index, default=default,
                               format_func=province_names.get, placeholder=t("compare_trend_placeholder"))
cv.trends(ind, picked, sel)
