"""Home: national headline numbers with dates and sources, and what the dashboard holds."""

import streamlit as st

from analysis.benchmarking import latest_values
from data import export, schema
from ui import loaders, sidebar, widgets
from ui.i18n import format_compact, format_date, format_number, t

# 1. title and help
sel = sidebar.selection()
st.title(t("home_title"))
st.caption(t("home_intro"))

# 2-4. data: the latest reported national figures
national = latest_values(loaders.observations(geo_levels=("nation",), statuses=(schema.STATUS_REPORTED,)))
by_indicator = national.set_index(schema.INDICATOR)
catalogue = loaders.indicators().set_index(schema.INDICATOR)
sources = loaders.sources()

# 5. headline metrics: (label key, indicator, denominator indicator for "x of y")
HEADLINES = [
    ("metric_rd", "rd_staff_per_10k", None),
    ("metric_g5", "g5_population_coverage", None),
    ("metric_gov_tasks", "gov_programme_tasks_done", "gov_programme_tasks_total"),
    ("metric_plan02", "plan02_tasks_done", "plan02_tasks_total"),
    ("metric_population", "population", None),
]
st.subheader(t("home_national"))
shown = []
cards = st.columns(3) + st.columns(3)
for column, (label, ind, total) in zip(cards, HEADLINES):
    if ind not in by_indicator.index:
        continue
    row = by_indicator.loc[ind]
    value = widgets.qualifier_mark(row[schema.QUALIFIER]) + format_compact(row[schema.VALUE], sel.lang)
    if total and total in by_indicator.index:
        value += " / " + format_number(by_indicator.loc[total, schema.VALUE], 0, sel.lang)
    if catalogue.loc[ind, "short_unit"] == "%":
        value += "%"
    with column:
        st.metric(t(label), value, help=row[schema.NOTE] or None, border=True)
        period = row[schema.PERIOD]
        st.caption(t("metric_on", period=format_date(period, sel.lang) if len(period) == 10 else period))
    shown.append(row[schema.SOURCE_ID])
widgets.source_line(shown, sources)

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
st.subheader(t("home_real"))
real = loaders.reported_by_source(sel.show_doubtful)
n_real = int(real["n_values"].sum()) if len(real) else 0
newest = str(real["newest"].max()) if len(real) else ""
st.caption(t("home_real_summary", n=format_number(n_real, 0, sel.lang),
             indicators=format_number(real[schema.INDICATOR].nunique(), 0, sel.lang),
             sources=format_number(real[schema.SOURCE_ID].nunique(), 0, sel.lang),
             newest=format_date(newest, sel.lang) if newest else "–"))
if sel.show_synthetic and "synthetic" in by_status.index and by_status.sum():
    share = by_status["synthetic"] / by_status.sum()
    st.caption(t("home_real_synthetic_share", share=format_number(100 * share, 1, sel.lang)))
names_of = catalogue["name_vi" if sel.lang == "vi" else "name_en"]
producers = sources.set_index(schema.SOURCE_ID)["producer_vi" if sel.lang == "vi" else "producer"]
st.dataframe(
    real.assign(indicator=real[schema.INDICATOR].map(names_of), source=real[schema.SOURCE_ID].map(producers),
                newest=real["newest"].map(lambda d: format_date(d, sel.lang)))[
        ["indicator", "source", "n_values", "n_places", "newest"]],
    hide_index=True, width="stretch", height=280, key="home_real_table",
    column_config={"indicator": t("col_indicator"), "source": t("col_source"),
                   "n_values": st.column_config.NumberColumn(t("home_real_values")),
                   "n_places": st.column_config.NumberColumn(t("home_real_places")),
                   "newest": t("home_real_newest")},
)
st.page_link("pages/coverage.py", label=t("home_real_coverage_link"), icon=":material/grid_on:")

# milestones of the steering committees
st.subheader(t("home_milestones"))
events = loaders.milestones()
labelled = events.assign(
    place=export.place_names(events, loaders.provinces(), loaders.regions(), sel.lang),
    kind=events[schema.MILESTONE_KIND].map(lambda k: t(f"milestone_kind_{k}")),
    text=events[schema.MILESTONE_TEXT_VI if sel.lang == "vi" else schema.MILESTONE_TEXT_EN],
    date=events[schema.DATE].map(lambda d: format_date(d, sel.lang)),
)
st.dataframe(
    labelled[[schema.DATE, "place", "kind", "text"]],
    hide_index=True,
    width="stretch",
    column_config={schema.DATE: t("col_period"), "place": t("col_place"), "kind": " ", "text": st.column_config.TextColumn(t("col_note"), width="large")},
)
widgets.source_line(events[schema.SOURCE_ID], sources)
