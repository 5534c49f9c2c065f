"""Home: national headline numbers with dates and sources, and what the dashboard holds."""

import streamlit as st

from analysis import headlines
from analysis.benchmarking import latest_values
from data import schema
from ui import home_view, loaders, sidebar, widgets
from ui.i18n import t

# 1. title and help
sel = sidebar.selection()
st.title(t("home_title"))
st.caption(t("home_intro"))

# 2-4. data: the latest reported national figures
national = latest_values(loaders.observations(geo_levels=("nation",), statuses=(schema.STATUS_REPORTED,)))
catalogue = loaders.indicators().set_index(schema.INDICATOR)
sources = loaders.sources()

# 5. headline metrics (analysis/headlines.py: which indicators, "x / y" pairs, percentages)
figures = headlines.headline_figures(national, loaders.indicators())
st.subheader(t("home_national"))
home_view.headline_cards(figures, sel.lang)
widgets.source_line(figures[schema.SOURCE_ID], sources)

# what the dashboard holds
st.subheader(t("home_holds"))
counts = loaders.summary(sel.statuses).set_index("status")
home_view.holds(counts, sel.lang)
by_status = counts.drop(index="all", errors="ignore")["observations"].sort_values(ascending=False)
widgets.synthetic_banner(by_status.index)
st.caption(t("home_statuses"))
st.dataframe(
    by_status.rename(index=widgets.status_label).rename_axis(t("col_status")).reset_index(name=t("holds_observations")),
    hide_index=True,
    width="content",
)

# how much of it is real: reported values per indicator and source, the newest, the synthetic share
home_view.how_much_is_real(sel, by_status, catalogue, sources)

# milestones of the steering committees
st.subheader(t("home_milestones"))
home_view.milestones(loaders.milestones(), sel.lang)
