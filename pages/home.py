"""Home: national headline numbers with dates and sources, and what the dashboard holds."""

import streamlit as st

from data import schema
from ui import home_view, loaders, sidebar, widgets
from ui.i18n import t

# 1. title and help
sel = sidebar.selection()
st.title(t("home_title"))
st.caption(t("home_intro"))

# 2-5. data and headline metrics: the latest reported national figures (analysis/headlines.py, cached)
sources = loaders.sources()
figures = home_view.national_headlines()
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
home_view.how_much_is_real(sel, by_status)

# milestones of the steering committees
st.subheader(t("home_milestones"))
home_view.milestones(sel.lang)
