"""Tasks: the task register of the sidebar's province (or of all), late tasks and owners, burn-up and forecast."""

import streamlit as st

from ui import sidebar, tasks_view, widgets
from ui.i18n import t

# 1. title and help
sel = sidebar.selection()
st.title(t("tasks_title"))
st.caption(t("tasks_intro"))

# 2-3. the registers of the sidebar's choice (own and predecessors', apart), computed once per data version
statuses = tasks_view.data_statuses(sel)
view = tasks_view.overview(sel.layout, sel.province, statuses, sel.lang)
if view["latest"].empty:
    st.info(t("tasks_none"))
    st.stop()
st.caption(t("tasks_scope_province", place=view["place"]) if sel.province else t("tasks_scope_all"))
widgets.synthetic_banner(view["data_statuses"])

# 4. the latest snapshot of each programme, filtered (computed once per data version and filters)
choices, days = tasks_view.filters(view, sel.lang)
st.caption(t("tasks_as_of", dates=view["as_of"]))
shown = tasks_view.filtered_view(sel.layout, sel.province, statuses, sel.lang, *choices.values(), days)

# 5. counts, status, departments, late and due tasks, burn-up, reported beside derived, ranking, the list
tasks_view.metrics(shown, sel.lang)
left, right = st.columns(2)
with left:
    tasks_view.status_chart(shown, sel.lang)
with right:
    tasks_view.department_table(shown)
tasks_view.late_and_due(shown, days, sel.lang)
tasks_view.burn_up(view, sel)
tasks_view.reported_and_derived(view)
if not sel.province:
    tasks_view.ranking(view)
tasks_view.task_list(shown, sel)
