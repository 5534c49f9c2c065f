"""Home: national headline numbers with dates and sources, and what the dashboard holds."""

import streamlit as st

from analysis import headlines
from analysis.benchmarking import latest_values
from data import export, schema
from ui import home_view, loaders, sidebar, widgets
from ui.i18n import format_date, format_number, format_period, localized, t

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
cards = st.columns(3) + st.columns(3)
for column, figure in zip(cards, figures.to_dict("records")):
    with column:
        note = widgets.plain(figure[schema.NOTE]) if figure[schema.NOTE] else None
        st.metric(t(figure["label_key"]), widgets.headline_text(figure, sel.lang), help=note,
                  border=True)
        st.caption(t("metric_on", period=format_period(figure[schema.PERIOD], sel.lang)))
widgets.source_line(figures[schema.SOURCE_ID], sources)

# what the dashboard holds
st.subheader(t("home_holds"))
counts = loaders.summary(sel.statuses).set_index("status")
total = counts.loc["all"] if "all" in counts.index else {"indicators": 0, "observations": 0, "sources": 0}
cards = st.columns(4)
cards[0].metric(t("holds_provinces"), t("holds_provinces_value", n34=len(loaders.provinces("2025")), n63=len(loaders.provinces("2008"))))
cards[1].metric(t("holds_indicators"), format_number(total["indicators"], 0, sel.lang))
cards[2].metric(t("holds_observations"), format_number(total["observations"], 0, sel.lang))
cards[3].metric(t("holds_sources"), format_number(total["sources"], 0, sel.lang))
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
events = loaders.milestones()
labelled = events.assign(
    place=export.place_names(events, loaders.provinces(), loaders.regions(), sel.lang),
    kind=events[schema.MILESTONE_KIND].map(lambda k: t(f"milestone_kind_{k}")),
    text=localized(events, "text", sel.lang),
    date=events[schema.DATE].map(lambda d: format_date(d, sel.lang)),
)
st.dataframe(
    labelled[[schema.DATE, "place", "kind", "text"]],
    hide_index=True,
    width="stretch",
    column_config={schema.DATE: t("col_period"), "place": t("col_place"), "kind": " ",
                   "text": st.column_config.TextColumn(t("col_note"), width="large")},
)
widgets.source_line(events[schema.SOURCE_ID], sources)
