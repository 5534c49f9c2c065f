"""Coverage: which province has a reported, derived, target or synthetic value of which indicator."""

import datetime as dt
import functools

import streamlit as st

from data import schema
from ui import coverage_view as cv
from ui import loaders, sidebar, state, widgets
from ui.i18n import t

# 1. title and help
sel = sidebar.selection()
st.title(t("coverage_title"))
st.caption(t("coverage_intro"))

# 2. the period range, in the URL
years = loaders.province_years(sel.layout, sel.statuses)
if not years:
    st.warning(t("coverage_empty"))
    widgets.two_ways_on(key="coverage_none_demo", offer_demo=not sel.show_synthetic)
    st.stop()
first, last = state.url_range("cov_years", t("coverage_years"), years) if len(years) > 1 else (years[0], years[0])

# 3. the grid, its colours, its counts and the provinces that never reported (computed once per data version)
date_from, date_to = cv.year_span(first, last)
view = cv.grid_view(sel.layout, sel.statuses, date_from, date_to, sel.lang)
names = cv.names(sel)
wide = view["wide"]

# 4. draw: legend, grid (click a cell to open its values), counts, never-reported provinces, download
st.caption(cv.legend_text())
event = st.dataframe(
    view["styler"],
    key="coverage_grid",
    on_select="rerun",
    selection_mode="single-cell",
    height=min(38 * (len(wide) + 1), 900),
    width="stretch",
)
cv.counts(view, sel.lang)

stamp = dt.date.today().isoformat()
st.download_button(
    t("download_csv"),
    data=functools.partial(cv.to_csv_bytes, wide),
    file_name=f"vn57-coverage-{sel.layout}-{stamp}.csv",
    mime="text/csv",
    key="coverage_download",
    on_click="ignore",
    icon=":material/download:",
)

# 5. the values of one cell: the clicked one, or the one chosen here
st.subheader(t("coverage_cell_title"))
code, indicator = cv.cell_choice(event, view, names)
if code and indicator:
    values = loaders.labelled_observations(
        sel.lang,
        indicators=(indicator,),
        layouts=(sel.layout,),
        geo_levels=("province",),
        province_codes=(code,),
        statuses=sel.statuses,
        date_from=date_from,
        date_to=date_to,
    )
    if values.empty:
        widgets.no_reported_values(
            names.indicator(indicator),
            t(f"layout_{sel.layout}"),
            key="coverage_cell_demo",
            offer_demo=not sel.show_synthetic,
        )
    else:
        widgets.synthetic_banner(values[schema.STATUS])
        widgets.observation_table(values, key="coverage_cell_values")
        widgets.source_line(values[schema.SOURCE_ID].unique(), loaders.sources())
