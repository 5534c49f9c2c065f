"""Data explorer: filter observations, read units, status and sources, download exactly that."""

import datetime as dt
import functools

import streamlit as st

from data import __version__, export, schema
from ui import loaders, sidebar, state, views, widgets
from ui.i18n import localized, t

MAX_ROWS_SHOWN = 2_000  # on screen; the downloads hold every row of the filter

# 1. title and help
sel = sidebar.selection()
st.title(t("explorer_title"))
st.caption(t("explorer_intro"))

# 2. filters, every one mirrored in the URL
catalogue = loaders.indicators()
names = localized(catalogue.set_index(schema.INDICATOR), "name", sel.lang)
provinces = loaders.provinces(sel.layout)
province_names = localized(provinces.set_index(schema.CODE), "name", sel.lang)
months = sorted({d[:7] for d in loaders.period_dates()})
left, right = st.columns(2)
with left:
    chosen = state.url_multiselect("ind", t("filter_indicators"), names.index, format_func=names.get,
                                   placeholder=t("filter_indicators_placeholder"))
    places = state.url_multiselect("p", t("filter_places"), province_names.index, format_func=province_names.get,
                                   placeholder=t("filter_places_placeholder"))
    levels = state.url_multiselect("geo", t("filter_levels"), schema.GEO_LEVELS, default=schema.GEO_LEVELS,
                                   format_func=lambda v: t(f"level_{v}", sel.lang))
with right:
    widgets.follow_default("st", list(sel.statuses))  # all statuses chosen stays "all" when the sidebar adds one
    statuses = state.url_multiselect("st", t("filter_status"), sel.statuses, default=sel.statuses,
                                     format_func=functools.partial(widgets.status_label, lang=sel.lang))
    first, last = state.url_range("period", t("filter_period"), months)

# 3. cached query with that selection
filters = dict(
    indicators=tuple(chosen) or None,
    layouts=(sel.layout,),
    geo_levels=tuple(levels),
    province_codes=tuple(places) or None,
    statuses=tuple(statuses),
    **dict(zip(("date_from", "date_to"), schema.month_span(first, last))),
)
table = loaders.labelled_observations(sel.lang, **filters)

# 5. draw
st.caption(views.rows_caption(len(table), sel.lang))
if table.empty:
    st.warning(t("no_rows"))
else:
    widgets.synthetic_banner(table[schema.STATUS])
    widgets.observation_table(table, key="explorer_table", max_rows=MAX_ROWS_SHOWN)

described = export.filter_description(indicators=chosen, layout=sel.layout, provinces=places, geo_levels=levels,
                                       statuses=statuses, first=first, last=last, lang=sel.lang)
stamp = dt.date.today().isoformat()
labelled_headers = st.checkbox(t("export_labelled_headers"), key="download_labelled",
                               help=t("export_labelled_headers_help"))
labels_in = sel.lang if labelled_headers else None
buttons = st.columns(2)
buttons[0].download_button(
    t("download_csv"), data=functools.partial(export.to_csv_bytes, table, labels_in),
    file_name=f"vn57-observations-{stamp}.csv",
    mime="text/csv", key="download_csv", on_click="ignore", help=t("download_help"), icon=":material/download:",
)
buttons[1].download_button(
    t("download_xlsx"),
    data=functools.partial(export.to_xlsx_bytes, table, filters=described, sources=loaders.sources(),
                           indicators=catalogue, labels_in=labels_in),
    file_name=f"vn57-observations-{stamp}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_xlsx", on_click="ignore", help=t("download_help"), icon=":material/download:",
)

# 6. sources and citation
widgets.source_line(table[schema.SOURCE_ID].unique(), loaders.sources())
with st.expander(t("citation_title")):
    st.code(t("citation_text", app=export.APP_NAME, version=__version__, date=stamp), language=None)
