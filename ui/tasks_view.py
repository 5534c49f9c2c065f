"""The Tasks page's parts: the register of the sidebar's choice, filters, counts, tables, burn-up and downloads.

Numbers come from :mod:`analysis.tasks` over the stored registers (:func:`ui.loaders.task_list`).
Everything drawn is computed once per data version (:func:`ui.loaders.per_data_version`, shared, not
copied): what does not depend on the filters per scope (:func:`scope`, :func:`overview`), the rest per
scope and filters (:func:`filtered_view`), so a rerun only draws. Tables show at most
:data:`MAX_ROWS_SHOWN` rows; the downloads hold every filtered task and are built only when asked.
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
from ui.i18n import format_date, format_number, localized, localized_text, t

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
MAX_ROWS_SHOWN = 500  # rows of a task table on screen; the downloads hold every filtered task
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


@loaders.per_data_version(max_entries=32, shared=True)
def scope(layout: str, province: str | None, statuses: tuple[str, ...], lang: str) -> pd.DataFrame:
    """Every snapshot of the registers of a province (its own and its predecessors', apart) or of all, labelled.

    Shared, not copied: callers must not change the frame returned.
    """
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


@loaders.per_data_version(max_entries=32, shared=True)
def overview(layout: str, province: str | None, statuses: tuple[str, ...], lang: str) -> dict:
    """What the page shows whatever the filters: the latest snapshots, filter options, programmes, side tables.

    Keys: ``latest`` (the latest snapshot of each programme), ``place``, ``data_statuses``, ``as_of``
    (dates in words), ``pillars`` (code -> name), ``departments``, ``programmes`` (key -> label, sorted
    by label), ``reported_derived`` and ``ranking`` (tables as shown, or None), ``national`` (caption
    and source ids, or None). Shared, not copied: callers must not change it.
    """
    frame = scope.fresh(layout, province, statuses, lang)
    if frame.empty:
        return {"latest": frame}
    # every programme's robust trend in one child process (scikit-learn stays out of the server), so
    # that choosing a programme below finds its finish forecast's fit ready (analysis.robust_fit)
    analysis.prefit_finish(frame, loaders.indicators.fresh())
    latest = analysis.latest(frame)
    labels = dict(zip(frame[KEY], frame[PROGRAMME_LABEL]))
    return {
        "latest": latest,
        "place": frame[PLACE].iloc[0] if province else "",
        "data_statuses": tuple(frame[schema.STATUS].unique()),
        "as_of": ", ".join(format_date(d, lang) for d in sorted(set(latest[schema.AS_OF]))),
        "pillars": {p: n for p, n in sorted(zip(latest[schema.PILLAR], latest[PILLAR_NAME])) if p},
        "departments": sorted(d for d in set(latest[schema.LEAD_DEPARTMENT]) if d),
        "programmes": dict(sorted(labels.items(), key=lambda item: item[1])),
        "reported_derived": _reported_and_derived_table(frame, lang),
        "ranking": None if province else _ranking_table(latest, lang),
        "national": None if province else _national(lang),
    }


def filters(view: dict, lang: str) -> tuple[dict, int]:
    """Pillar, department and status filters (in the URL) and the "due within" setting.

    Returns the choices (column -> chosen values, as tuples: the key of :func:`filtered_view`) and the days.
    """
    cols = st.columns([2, 2, 2, 1])
    pillar_names = view["pillars"]
    with cols[0]:
        pillars = state.url_multiselect(
            "tpillar",
            t("tasks_filter_pillar"),
            list(pillar_names),
            format_func=pillar_names.get,
            placeholder=t("tasks_all"),
        )
    with cols[1]:
        departments = state.url_multiselect(
            "tdept", t("tasks_filter_department"), view["departments"], placeholder=t("tasks_all")
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
    choices = {
        schema.PILLAR: tuple(pillars),
        schema.LEAD_DEPARTMENT: tuple(departments),
        schema.TASK_STATUS: tuple(statuses),
    }
    return choices, int(days)


@loaders.per_data_version(max_entries=64, shared=True)
def filtered_view(
    layout: str,
    province: str | None,
    statuses: tuple[str, ...],
    lang: str,
    pillars: tuple[str, ...],
    departments: tuple[str, ...],
    task_statuses: tuple[str, ...],
    days: int,
) -> dict:
    """Everything the page draws from the filtered latest tasks, as shown (headers and words in ``lang``).

    Keys: ``totals`` (:func:`analysis.tasks.totals`), ``by_status`` (chart frame), ``departments``
    (table), ``late`` and ``due`` (rows shown, count), ``rows`` (the list shown), ``n`` (tasks
    filtered) and ``raw`` (every filtered task, for the downloads). Shared, not copied: callers must
    not change it.
    """
    latest = overview.fresh(layout, province, statuses, lang)["latest"]
    shown = views.filtered(
        latest,
        {
            schema.PILLAR: list(pillars),
            schema.LEAD_DEPARTMENT: list(departments),
            schema.TASK_STATUS: list(task_statuses),
        },
    )
    late, due = analysis.late_tasks(shown), analysis.due_within(shown, days)
    return {
        "totals": analysis.totals(shown),
        "by_status": _status_frame(shown, lang),
        "departments": _department_frame(shown, lang),
        "late": (task_rows(late.head(MAX_ROWS_SHOWN), lang).iloc[:, :6], len(late)),
        "due": (task_rows(due.head(MAX_ROWS_SHOWN), lang).iloc[:, :6], len(due)),
        "rows": task_rows(shown.head(MAX_ROWS_SHOWN), lang),
        "n": len(shown),
        "raw": _download_rows(shown, lang),
    }


def _download_rows(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every filtered task with its machine columns, the note in ``lang`` (``note_vi`` in Vietnamese, else ``note``)."""
    raw = shown.drop(columns=[KEY, PROGRAMME_LABEL, PILLAR_NAME, schema.NOTE_VI], errors="ignore")
    return raw.assign(**{schema.NOTE: localized_text(shown, schema.NOTE, lang)}) if schema.NOTE in shown else raw


def metrics(view: dict, lang: str) -> None:
    """Total, done, in progress, late and done share of the tasks shown (latest snapshot of each programme)."""
    got = view["totals"]
    cols = st.columns(5)
    for col, (key, count) in zip(cols, METRICS):
        col.metric(t(key), format_number(int(got[count]), 0, lang))
    share = got[analysis.DONE_SHARE]
    cols[4].metric(t("tasks_metric_share"), "–" if pd.isna(share) else f"{format_number(float(share), 1, lang)} %")


def _status_frame(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts = shown[schema.TASK_STATUS].value_counts()
    return pd.DataFrame(
        {
            charts.LABEL: [status_word(s, lang) for s in schema.TASK_STATUSES],
            schema.VALUE: [int(counts.get(s, 0)) for s in schema.TASK_STATUSES],
        }
    )


def status_chart(view: dict, lang: str) -> None:
    colours = {status_word(s, lang): c for s, c in STATUS_COLOURS.items()}
    charts.show(
        charts.task_statuses,
        view["by_status"],
        title=t("tasks_by_status"),
        count_title=t("tasks_count"),
        status_title=t("tasks_filter_status"),
        colours=colours,
        key="tasks_status_chart",
    )


def _department_frame(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    table = analysis.by_department(shown)
    headers = {column: t(key, lang) for column, key in DEPARTMENT_COLUMNS}
    return table[list(headers)].rename(columns=headers).round({t("tasks_col_share", lang): 1})


def department_table(view: dict) -> None:
    st.markdown(f"**{t('tasks_by_department')}**")
    st.dataframe(view["departments"], hide_index=True, key="tasks_departments", width="stretch")


def task_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Readable columns of a task list (place, programme, task, department, deadline, status...)."""
    out = pd.DataFrame(
        {
            t("tasks_col_place", lang): frame[PLACE],
            t("tasks_col_programme", lang): frame[schema.PROGRAMME],
            t("tasks_col_task", lang): frame[schema.TASK_TITLE],
            t("tasks_col_department", lang): frame[schema.LEAD_DEPARTMENT],
            t("tasks_col_deadline", lang): each_unique(frame[schema.DEADLINE], lambda d: format_date(d, lang)),
            t("tasks_col_status", lang): each_unique(frame[schema.TASK_STATUS], lambda s: status_word(s, lang)),
            t("tasks_col_status_in_file", lang): each_unique(
                frame[schema.STATUS_IN_FILE], lambda s: status_word(s, lang) if s else ""
            ),
            t("tasks_col_pillar", lang): frame[PILLAR_NAME],
            t("tasks_col_as_of", lang): each_unique(frame[schema.AS_OF], lambda d: format_date(d, lang)),
            t("tasks_col_data_status", lang): each_unique(
                frame[schema.STATUS], lambda s: widgets.status_label(s, lang)
            ),
        }
    )
    return out


def _capped_table(rows: pd.DataFrame, total: int, key: str, lang: str) -> None:
    """A task table of at most :data:`MAX_ROWS_SHOWN` rows, saying so when there are more."""
    if total > len(rows):
        st.caption(t("rows_capped", shown=format_number(len(rows), 0, lang), total=format_number(total, 0, lang)))
    st.dataframe(rows, hide_index=True, key=key, width="stretch")


def late_and_due(view: dict, days: int, lang: str) -> None:
    (late, n_late), (due, n_due) = view["late"], view["due"]
    left, right = st.columns(2)
    with left:
        st.subheader(t("tasks_late", n=format_number(n_late, 0, lang)))
        if not n_late:
            st.caption(t("tasks_late_none"))
        else:
            _capped_table(late, n_late, "tasks_late_table", lang)
    with right:
        st.subheader(t("tasks_due", days=days, n=format_number(n_due, 0, lang)))
        if not n_due:
            st.caption(t("tasks_due_none"))
        else:
            _capped_table(due, n_due, "tasks_due_table", lang)


@loaders.per_data_version(max_entries=64, shared=True)
def programme_view(layout: str, province: str | None, statuses: tuple[str, ...], lang: str, key: str) -> dict:
    """Burn-up series, pace needed and finish forecast of a programme (:func:`analysis.tasks.finish_forecast`).

    Shared, not copied: callers must not change it.
    """
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


def burn_up(view: dict, sel) -> None:
    """A programme choice (when there are several), its burn-up chart and the forecast of its finish."""
    st.subheader(t("tasks_burn_up"))
    labels = view["programmes"]
    key = st.selectbox(t("tasks_programme"), list(labels), format_func=labels.get, key="tasks_programme")
    chosen = programme_view(sel.layout, sel.province, data_statuses(sel), sel.lang, key)
    charts.show(
        charts.burn_up,
        chosen["done"],
        chosen["needed"],
        chosen["trend"],
        title=labels[key],
        y_title=t("tasks_count"),
        date_title=t("tasks_date"),
        series_title=t("tasks_programme"),
        key="tasks_burn_up_chart",
    )
    text = widgets.plain(" ".join(chosen["text"].split()))  # escaped: the programme's name comes from a file
    st.markdown(f"**{text}**")
    st.caption(t("tasks_forecast_rule"))


def _reported_and_derived_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame | None:
    """Counts reported in the press beside those computed from the register (same province and date), as shown."""
    obs = loaders.observations.fresh(
        indicators=tuple(analysis.INDICATORS.values()), geo_levels=("province",), statuses=(schema.STATUS_REPORTED,)
    )
    derived = loaders.task_observations.fresh()
    places = set(zip(frame[schema.LAYOUT], frame[schema.GEO_CODE]))
    table = analysis.reported_and_derived(obs, derived)
    table = table[[p in places for p in zip(table[schema.LAYOUT], table[schema.GEO_CODE])]]
    if table.empty:
        return None
    names = views.names(lang)
    return pd.DataFrame(
        {
            t("tasks_col_place", lang): [
                registry.province_name(lay, code, lang)
                for lay, code in zip(table[schema.LAYOUT], table[schema.GEO_CODE])
            ],
            t("tasks_col_as_of", lang): [format_date(d, lang) for d in table[schema.DATE]],
            t("tasks_col_indicator", lang): table[schema.INDICATOR].map(names),
            t("tasks_col_reported", lang): table[analysis.REPORTED],
            t("tasks_col_derived", lang): table[analysis.DERIVED].round(1),
            t("tasks_col_difference", lang): table[analysis.DIFFERENCE].round(1),
        }
    )


def reported_and_derived(view: dict) -> None:
    """Counts reported in the press beside those computed from the register, for the same province and date."""
    if view["reported_derived"] is None:
        return
    st.subheader(t("tasks_reported_derived"))
    st.caption(t("tasks_reported_derived_help"))
    st.dataframe(view["reported_derived"], hide_index=True, key="tasks_reported_derived", width="stretch")


def _ranking_table(latest: pd.DataFrame, lang: str) -> pd.DataFrame:
    table = analysis.ranking(analysis.counts(latest))
    return pd.DataFrame(
        {
            t("tasks_col_rank", lang): range(1, len(table) + 1),
            t("tasks_col_place", lang): [
                registry.province_name(lay, code, lang)
                for lay, code in zip(table[schema.LAYOUT], table[schema.GEO_CODE])
            ],
            t("tasks_col_as_of", lang): [format_date(d, lang) for d in table[schema.AS_OF]],
            t("tasks_col_done", lang): table[analysis.DONE],
            t("tasks_col_total", lang): table[analysis.TOTAL],
            t("tasks_col_share", lang): table[analysis.DONE_SHARE].astype(float).round(1),
            t("tasks_col_data_status", lang): [widgets.status_label(s, lang) for s in table[schema.STATUS]],
        }
    )


def _national(lang: str) -> tuple[str, tuple[str, ...]] | None:
    """The Government's latest reported done and total tasks (ministries and localities together), and their sources."""
    nation = loaders.observations.fresh(
        indicators=(NATION_TOTAL, NATION_DONE), geo_levels=("nation",), statuses=(schema.STATUS_REPORTED,)
    )
    if not {NATION_TOTAL, NATION_DONE} <= set(nation[schema.INDICATOR]):
        return None
    last = nation[nation[schema.DATE] == nation[schema.DATE].max()].set_index(schema.INDICATOR)[schema.VALUE]
    if not {NATION_TOTAL, NATION_DONE} <= set(last.index):
        return None
    done, total = float(last[NATION_DONE]), float(last[NATION_TOTAL])
    text = t(
        "tasks_national",
        lang,
        done=format_number(done, 0, lang),
        total=format_number(total, 0, lang),
        share=f"{format_number(100 * done / total, 1, lang)} %",
        date=format_date(nation[schema.DATE].max(), lang),
    )
    return text, tuple(sorted(set(nation[schema.SOURCE_ID])))


def ranking(view: dict) -> None:
    """Provinces by done share (their latest date), and the Government's figure, labelled as not comparable."""
    st.subheader(t("tasks_ranking"))
    st.dataframe(view["ranking"], hide_index=True, key="tasks_ranking", width="stretch")
    if view["national"]:
        text, sources = view["national"]
        st.caption(text)
        widgets.source_line(sources, loaders.sources.fresh())


def task_list(view: dict, sel) -> None:
    """The filtered tasks (at most :data:`MAX_ROWS_SHOWN` on screen), and all of them as CSV and XLSX, built on click."""
    st.subheader(t("tasks_list", n=format_number(view["n"], 0, sel.lang)))
    _capped_table(view["rows"], view["n"], "tasks_table", sel.lang)
    raw = view["raw"]
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
            sources=loaders.sources.fresh(),
            indicators=loaders.indicators.fresh(),
            title=t("tasks_xlsx_title"),
        ),
        file_name="vn57-tasks.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
