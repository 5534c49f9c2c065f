"""The Tasks page's parts: the register of the sidebar's choice, filters, counts, tables, burn-up and downloads.

Numbers come from :mod:`analysis.tasks` over the stored registers (:func:`ui.loaders.task_list`);
what does not depend on the filters is computed once per data version (:func:`ui.loaders.per_data_version`).
Task titles and departments are text from uploaded files: they are shown in tables only, never as Markdown.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from analysis import forecasting
from analysis import tasks as analysis
from data import export, registry, schema
from data.tasks import each_unique
from ui import charts, loaders, state, views, widgets
from ui.i18n import format_date, format_number, localized, t

PLACE, PROGRAMME_LABEL, PILLAR_NAME = "place", "programme_label", "pillar_name"
KEY = "programme_key"  # "layout|code|programme"
DAYS_KEY = "tasks_days"
STATUS_COLOURS = {
    analysis.DONE: charts.GREEN,
    analysis.IN_PROGRESS: charts.BLUE,
    analysis.NOT_STARTED: charts.GREY,
    analysis.LATE: charts.VERMILLION,
    analysis.CANCELLED: charts.SKY,
}
RESOLUTION_DAY = "2024-12-22"
NATION_TOTAL, NATION_DONE = "gov_programme_tasks_total", "gov_programme_tasks_done"


#: (translation key, count column of analysis.tasks) of the numbers at the top of the page.
METRICS = (
    ("tasks_metric_total", "total"),
    ("tasks_metric_done", "done"),
    ("tasks_metric_in_progress", "in progress"),
    ("tasks_metric_late", "late"),
)
#: Columns of the department table (analysis.tasks.by_department) and the translation keys of their headers.
DEPARTMENT_COLUMNS = (
    ("lead_department", "tasks_col_department"),
    ("total", "tasks_col_total"),
    ("done", "tasks_col_done"),
    ("late", "tasks_col_late"),
    ("done_share", "tasks_col_share"),
    ("in progress", "tasks_col_in_progress"),
    ("not started", "tasks_col_not_started"),
)


def status_word(status: str, lang: str) -> str:
    """A counted status in words (``chậm tiến độ``)."""
    return t(f"task_status_{status.replace(' ', '_')}", lang)


def data_statuses(sel) -> tuple[str, ...]:
    """Data statuses of the registers to show: reported, and synthetic (demonstration) when the sidebar shows them."""
    return tuple(s for s in sel.statuses if s in (schema.STATUS_REPORTED, schema.STATUS_SYNTHETIC))


@loaders.per_data_version(max_entries=32)
def scope(layout: str, province: str | None, statuses: tuple[str, ...], lang: str) -> pd.DataFrame:
    """Every snapshot of the registers of a province (its own and its predecessors', apart) or of all, labelled."""
    frame = loaders.task_list.fresh(statuses)
    if province:
        places = registry.with_predecessors(layout, province)
        pairs = pd.Series(list(zip(frame[schema.LAYOUT], frame[schema.GEO_CODE])), index=frame.index, dtype=object)
        frame = frame[pairs.isin(places)]
    if frame.empty:
        return frame
    frame = frame.copy()
    keys = frame[[schema.LAYOUT, schema.GEO_CODE]].drop_duplicates()
    names = {}
    for lay, code in keys.itertuples(index=False):
        name = registry.province_name(lay, code, lang)
        own = (province and (lay, code) == (layout, province)) or (not province and lay == schema.LAYOUT_2025)
        names[(lay, code)] = name if own else t("tasks_predecessor", lang, place=name)
    frame[PLACE] = [names[p] for p in zip(frame[schema.LAYOUT], frame[schema.GEO_CODE])]
    frame[PROGRAMME_LABEL] = frame[PLACE] + " · " + frame[schema.PROGRAMME]
    frame[KEY] = frame[schema.LAYOUT] + "|" + frame[schema.GEO_CODE] + "|" + frame[schema.PROGRAMME]
    pillars = localized(loaders.pillars().set_index("pillar"), "name", lang)
    frame[PILLAR_NAME] = frame[schema.PILLAR].map(pillars).fillna("")
    return frame.reset_index(drop=True)


def filters(latest: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, int]:
    """Pillar, department and status filters (in the URL) and the "due within" setting; the filtered latest tasks."""
    cols = st.columns([2, 2, 2, 1])
    pillar_names = dict(zip(latest[schema.PILLAR], latest[PILLAR_NAME]))
    with cols[0]:
        pillars = state.url_multiselect(
            "tpillar",
            t("tasks_filter_pillar"),
            sorted(p for p in pillar_names if p),
            format_func=pillar_names.get,
            placeholder=t("tasks_all"),
        )
    with cols[1]:
        departments = state.url_multiselect(
            "tdept",
            t("tasks_filter_department"),
            sorted(d for d in set(latest[schema.LEAD_DEPARTMENT]) if d),
            placeholder=t("tasks_all"),
        )
    with cols[2]:
        statuses = state.url_multiselect(
            "tstatus",
            t("tasks_filter_status"),
            list(schema.TASK_STATUSES),
            format_func=lambda s: status_word(s, lang),
            placeholder=t("tasks_all"),
        )
    with cols[3]:
        days = st.number_input(
            t("tasks_days"), min_value=1, max_value=366, value=analysis.DAYS_DUE, step=1, key=DAYS_KEY
        )
    shown = views.filtered(
        latest, {schema.PILLAR: pillars, schema.LEAD_DEPARTMENT: departments, schema.TASK_STATUS: statuses}
    )
    return shown, int(days)


def metrics(shown: pd.DataFrame, lang: str) -> None:
    """Total, done, in progress, late and done share of the tasks shown (latest snapshot of each programme)."""
    got = analysis.totals(shown)
    cols = st.columns(5)
    for col, (key, count) in zip(cols, METRICS):
        col.metric(t(key), format_number(int(got[count]), 0, lang))
    share = got[analysis.DONE_SHARE]
    cols[4].metric(t("tasks_metric_share"), "–" if pd.isna(share) else f"{format_number(float(share), 1, lang)} %")


def status_chart(shown: pd.DataFrame, lang: str) -> None:
    counts = shown[schema.TASK_STATUS].value_counts()
    frame = pd.DataFrame(
        {
            charts.LABEL: [status_word(s, lang) for s in schema.TASK_STATUSES],
            schema.VALUE: [int(counts.get(s, 0)) for s in schema.TASK_STATUSES],
        }
    )
    colours = {status_word(s, lang): c for s, c in STATUS_COLOURS.items()}
    charts.show(
        charts.task_statuses,
        frame,
        title=t("tasks_by_status"),
        count_title=t("tasks_count"),
        status_title=t("tasks_filter_status"),
        colours=colours,
        key="tasks_status_chart",
    )


def department_table(shown: pd.DataFrame, lang: str) -> None:
    table = analysis.by_department(shown)
    st.markdown(f"**{t('tasks_by_department')}**")
    headers = {}
    for column, key in DEPARTMENT_COLUMNS:
        headers[column] = t(key)
    shown_table = table[list(headers)].rename(columns=headers).round({t("tasks_col_share"): 1})
    st.dataframe(shown_table, hide_index=True, key="tasks_departments", width="stretch")


def task_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Readable columns of a task list (place, programme, task, department, deadline, status...)."""
    out = pd.DataFrame(
        {
            t("tasks_col_place"): frame[PLACE],
            t("tasks_col_programme"): frame[schema.PROGRAMME],
            t("tasks_col_task"): frame[schema.TASK_TITLE],
            t("tasks_col_department"): frame[schema.LEAD_DEPARTMENT],
            t("tasks_col_deadline"): each_unique(frame[schema.DEADLINE], lambda d: format_date(d, lang)),
            t("tasks_col_status"): each_unique(frame[schema.TASK_STATUS], lambda s: status_word(s, lang)),
            t("tasks_col_status_in_file"): each_unique(
                frame[schema.STATUS_IN_FILE], lambda s: status_word(s, lang) if s else ""
            ),
            t("tasks_col_pillar"): frame[PILLAR_NAME],
            t("tasks_col_as_of"): each_unique(frame[schema.AS_OF], lambda d: format_date(d, lang)),
            t("tasks_col_data_status"): each_unique(frame[schema.STATUS], lambda s: widgets.status_label(s, lang)),
        }
    )
    return out


def late_and_due(shown: pd.DataFrame, days: int, lang: str) -> None:
    late, due = analysis.late_tasks(shown), analysis.due_within(shown, days)
    left, right = st.columns(2)
    with left:
        st.subheader(t("tasks_late", n=format_number(len(late), 0, lang)))
        if late.empty:
            st.caption(t("tasks_late_none"))
        else:
            st.dataframe(task_rows(late, lang).iloc[:, :6], hide_index=True, key="tasks_late_table", width="stretch")
    with right:
        st.subheader(t("tasks_due", days=days, n=format_number(len(due), 0, lang)))
        if due.empty:
            st.caption(t("tasks_due_none"))
        else:
            st.dataframe(task_rows(due, lang).iloc[:, :6], hide_index=True, key="tasks_due_table", width="stretch")


@loaders.per_data_version(max_entries=64)
def programme_view(layout: str, province: str | None, statuses: tuple[str, ...], lang: str, key: str) -> dict:
    """Burn-up series, pace needed and finish forecast of a programme (:func:`analysis.tasks.finish_forecast`)."""
    frame = scope.fresh(layout, province, statuses, lang)
    tasks_of = frame[frame[KEY] == key]
    lay, code, _ = key.split("|", 2)
    history = analysis.burn_up(tasks_of)
    deadline = analysis.programme_deadline(tasks_of)[analysis.PROGRAMME_DEADLINE].iloc[0]
    result = analysis.finish_forecast(history, deadline, layout=lay, code=code, indicators=loaders.indicators.fresh())
    row = result.row
    start = result.history[schema.DATE].iloc[0] if len(result.history) else history[schema.AS_OF].iloc[0]
    done = pd.concat(
        [
            pd.DataFrame(
                {
                    schema.DATE: history[schema.AS_OF],
                    schema.VALUE: history[analysis.DONE].astype(float),
                    charts.LABEL: t("tasks_series_done", lang),
                }
            ),
            pd.DataFrame(
                {
                    schema.DATE: history[schema.AS_OF],
                    schema.VALUE: history[analysis.TOTAL].astype(float),
                    charts.LABEL: t("tasks_series_total", lang),
                }
            ),
        ],
        ignore_index=True,
    )
    needed = analysis.required_pace(history, deadline, start).rename(columns={analysis.DONE: schema.VALUE})
    needed[charts.LABEL] = t("tasks_series_needed", lang)
    end = row[schema.PROJECTED_DATE] or deadline
    trend = result.trend[result.trend[schema.DATE] <= end] if len(result.trend) and end else result.trend
    trend = pd.DataFrame(
        {
            schema.DATE: trend.get(schema.DATE, []),
            schema.VALUE: trend.get(forecasting.TREND_FIT, []),
            charts.LABEL: t("tasks_series_trend", lang),
        }
    )
    if row[schema.PROJECTED_DATE]:
        text = t(
            "tasks_forecast",
            lang,
            total=format_number(row[schema.TARGET_VALUE], 0, lang),
            date=format_date(row[schema.PROJECTED_DATE], lang),
            deadline=format_date(deadline, lang) or "–",
            status=forecasting.status_text(row[schema.FORECAST_STATUS], lang),
        )
    else:
        text = t("tasks_forecast_never", lang, status=forecasting.status_text(row[schema.FORECAST_STATUS], lang))
    return {"done": done, "needed": needed, "trend": trend, "text": text, "row": row, "deadline": deadline}


def burn_up(frame: pd.DataFrame, sel) -> None:
    """A programme choice (when there are several), its burn-up chart and the forecast of its finish."""
    st.subheader(t("tasks_burn_up"))
    labels = dict(zip(frame[KEY], frame[PROGRAMME_LABEL]))
    key = st.selectbox(
        t("tasks_programme"), sorted(labels, key=labels.get), format_func=labels.get, key="tasks_programme"
    )
    view = programme_view(sel.layout, sel.province, data_statuses(sel), sel.lang, key)
    charts.show(
        charts.burn_up,
        view["done"],
        view["needed"],
        view["trend"],
        title=labels[key],
        y_title=t("tasks_count"),
        date_title=t("tasks_date"),
        series_title=t("tasks_programme"),
        key="tasks_burn_up_chart",
    )
    from ui.importing import md  # here: ui.importing loads the importers (openpyxl)

    st.markdown(f"**{md(view['text'])}**")  # escaped: the programme's name comes from a file
    st.caption(t("tasks_forecast_rule"))


def reported_and_derived(frame: pd.DataFrame, sel) -> None:
    """Counts reported in the press beside those computed from the register, for the same province and date."""
    obs = loaders.observations(
        indicators=tuple(analysis.INDICATORS.values()), geo_levels=("province",), statuses=(schema.STATUS_REPORTED,)
    )
    derived = loaders.task_observations()
    places = set(zip(frame[schema.LAYOUT], frame[schema.GEO_CODE]))
    table = analysis.reported_and_derived(obs, derived)
    table = table[[p in places for p in zip(table[schema.LAYOUT], table[schema.GEO_CODE])]]
    if table.empty:
        return
    st.subheader(t("tasks_reported_derived"))
    st.caption(t("tasks_reported_derived_help"))
    names = views.names(sel.lang)
    shown = pd.DataFrame(
        {
            t("tasks_col_place"): [
                registry.province_name(lay, code, sel.lang)
                for lay, code in zip(table[schema.LAYOUT], table[schema.GEO_CODE])
            ],
            t("tasks_col_as_of"): [format_date(d, sel.lang) for d in table[schema.DATE]],
            t("tasks_col_indicator"): table[schema.INDICATOR].map(names),
            t("tasks_col_reported"): table[analysis.REPORTED],
            t("tasks_col_derived"): table[analysis.DERIVED].round(1),
            t("tasks_col_difference"): table[analysis.DIFFERENCE].round(1),
        }
    )
    st.dataframe(shown, hide_index=True, key="tasks_reported_derived", width="stretch")


def ranking(frame: pd.DataFrame, sel) -> None:
    """Provinces by done share (their latest date), and the Government's figure, labelled as not comparable."""
    latest = analysis.latest(frame)
    table = analysis.ranking(analysis.counts(latest))
    st.subheader(t("tasks_ranking"))
    shown = pd.DataFrame(
        {
            t("tasks_col_rank"): range(1, len(table) + 1),
            t("tasks_col_place"): [
                registry.province_name(lay, code, sel.lang)
                for lay, code in zip(table[schema.LAYOUT], table[schema.GEO_CODE])
            ],
            t("tasks_col_as_of"): [format_date(d, sel.lang) for d in table[schema.AS_OF]],
            t("tasks_col_done"): table[analysis.DONE],
            t("tasks_col_total"): table[analysis.TOTAL],
            t("tasks_col_share"): table[analysis.DONE_SHARE].astype(float).round(1),
            t("tasks_col_data_status"): [widgets.status_label(s, sel.lang) for s in table[schema.STATUS]],
        }
    )
    st.dataframe(shown, hide_index=True, key="tasks_ranking", width="stretch")
    nation = loaders.observations(
        indicators=(NATION_TOTAL, NATION_DONE), geo_levels=("nation",), statuses=(schema.STATUS_REPORTED,)
    )
    if {NATION_TOTAL, NATION_DONE} <= set(nation[schema.INDICATOR]):
        last = nation[nation[schema.DATE] == nation[schema.DATE].max()].set_index(schema.INDICATOR)[schema.VALUE]
        if {NATION_TOTAL, NATION_DONE} <= set(last.index):
            done, total = float(last[NATION_DONE]), float(last[NATION_TOTAL])
            st.caption(
                t(
                    "tasks_national",
                    done=format_number(done, 0),
                    total=format_number(total, 0),
                    share=f"{format_number(100 * done / total, 1)} %",
                    date=format_date(nation[schema.DATE].max()),
                )
            )
            widgets.source_line(set(nation[schema.SOURCE_ID]), loaders.sources())


def task_list(shown: pd.DataFrame, sel) -> None:
    """The filtered tasks, and the same as CSV and XLSX (with the data status of every row)."""
    st.subheader(t("tasks_list", n=format_number(len(shown), 0, sel.lang)))
    rows = task_rows(shown, sel.lang)
    st.dataframe(rows, hide_index=True, key="tasks_table", width="stretch")
    raw = shown.drop(columns=[KEY, PROGRAMME_LABEL, PILLAR_NAME], errors="ignore")
    cols = st.columns(2)
    cols[0].download_button(
        t("tasks_download_csv"),
        data=functools.partial(export.to_csv_bytes, raw),
        file_name="vn57-tasks.csv",
        mime="text/csv",
        key="tasks_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    filters = {"province": sel.province or "all", "layout": sel.layout, "statuses": ", ".join(data_statuses(sel))}
    cols[1].download_button(
        t("tasks_download_xlsx"),
        key="tasks_xlsx",
        on_click="ignore",
        icon=":material/download:",
        data=functools.partial(
            export.to_xlsx_bytes,
            raw,
            filters=filters,
            sources=loaders.sources(),
            indicators=loaders.indicators(),
            title=t("tasks_xlsx_title"),
        ),
        file_name="vn57-tasks.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
