"""Tasks: the task register of the sidebar's province (or of all), late tasks and owners, burn-up and forecast."""

import streamlit as st

from analysis import tasks as analysis
from data import schema
from ui import sidebar, tasks_view, widgets
from ui.i18n import format_date, t

# 1. title and help
sel = sidebar.selection()
st.title(t("tasks_title"))
st.caption(t("tasks_intro"))

# 2-3. the registers of the sidebar's choice (own and predecessors', apart), cached per data version
frame = tasks_view.scope(sel.layout, sel.province, tasks_view.data_statuses(sel), sel.lang)
if frame.empty:
    st.info(t("tasks_none"))
    st.stop()
place = frame[tasks_view.PLACE].iloc[0] if sel.province else ""
st.caption(t("tasks_scope_province", place=place) if sel.province else t("tasks_scope_all"))
widgets.synthetic_banner(frame[schema.STATUS].unique())

# 4. the latest snapshot of each programme, filtered
latest = analysis.latest(frame)
shown, days = tasks_view.filters(latest, sel.lang)
st.caption(t("tasks_as_of", dates=", ".join(format_date(d, sel.lang) for d in sorted(set(latest[schema.AS_OF])))))

# 5. counts, status, departments, late and due tasks, burn-up, reported beside derived, ranking, the list
tasks_view.metrics(shown, sel.lang)
left, right = st.columns(2)
with left:
    tasks_view.status_chart(shown, sel.lang)
with right:
    tasks_view.department_table(shown, sel.lang)
tasks_view.late_and_due(shown, days, sel.lang)
tasks_view.burn_up(frame, sel)
tasks_view.reported_and_derived(frame, sel)
if not sel.province:
    tasks_view.ranking(frame, sel)
tasks_view.task_list(shown, sel)
