"""The task register in numbers: counts, departments, late and due tasks, burn-up and finish forecast.

Every function takes a frame of stored tasks (:func:`data.tasks.read_tasks`: one row per task and
reporting date, the columns of :data:`data.tasks.TASK_COLUMNS`) and returns a frame; none reads a
file or the store.

Counting rules (as the reports count: Thái Nguyên's 83 done + 72 in progress + 1 late = 156):

* ``total`` = tasks of the plan that are not cancelled; each task has exactly one counted status
  (``task_status``: :func:`data.tasks.counted_status`, late whenever its deadline passed undone);
* ``done_share`` = 100 * done / total (NaN when total is 0).

Derived observations (:func:`derived_observations`) carry these counts to every page as the
catalogue's ``r57_tasks_total``, ``r57_tasks_done``, ``r57_tasks_in_progress``, ``r57_tasks_late``
and ``r57_tasks_done_share``, per province and reporting date (all programmes of the province on
that date together), status ``derived`` (``synthetic`` for demonstration lists), inputs named in
``derived_from``. A reported count for the same province and date stays beside them:
:func:`reported_and_derived` shows both and their difference.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from analysis import forecasting
from data import schema
from data import tasks as register

DONE, IN_PROGRESS, NOT_STARTED, LATE, CANCELLED = schema.TASK_STATUSES
TOTAL, DONE_SHARE = "total", "done_share"
#: Count columns of :func:`counts` and :func:`by_department`.
COUNT_COLUMNS = (TOTAL, DONE, IN_PROGRESS, NOT_STARTED, LATE, CANCELLED, DONE_SHARE)
#: Count column -> indicator of the catalogue.
INDICATORS = {
    TOTAL: "r57_tasks_total",
    DONE: "r57_tasks_done",
    IN_PROGRESS: "r57_tasks_in_progress",
    LATE: "r57_tasks_late",
    DONE_SHARE: "r57_tasks_done_share",
}
DERIVED_SOURCE = "derived_here"
DAYS_DUE = 30  # default horizon of "due soon"
PROGRAMME_DEADLINE = "programme_deadline"
REPORTED, DERIVED, DIFFERENCE = "reported", "derived", "difference"


def _tally(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Counts of each counted status per ``keys``, with total (cancelled left out) and done share."""
    table = pd.crosstab([frame[k] for k in keys], frame[schema.TASK_STATUS]) if len(frame) else pd.DataFrame()
    table = table.reindex(columns=list(schema.TASK_STATUSES), fill_value=0).astype("int64")
    table[TOTAL] = table[[DONE, IN_PROGRESS, NOT_STARTED, LATE]].sum(axis=1)
    table[DONE_SHARE] = np.where(
        table[TOTAL] > 0, 100.0 * table[DONE] / table[TOTAL].where(table[TOTAL] > 0, 1), np.nan
    )
    table = table.reset_index() if len(table) else pd.DataFrame(columns=keys + list(table.columns))
    return table.reindex(columns=keys + list(COUNT_COLUMNS))


def counts(tasks: pd.DataFrame, by_programme: bool = False) -> pd.DataFrame:
    """Tasks per counted status, total and done share, per province, reporting date and data status.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Stored tasks (columns of :data:`data.tasks.TASK_COLUMNS`).
    by_programme : bool
        Count each programme apart (else all programmes of a province on a date together).

    Returns
    -------
    pandas.DataFrame
        ``layout``, ``geo_code``, (``programme``), ``as_of``, ``status`` and :data:`COUNT_COLUMNS`.

    Examples
    --------
    >>> t = pd.DataFrame({"layout": "2025", "geo_code": "19", "programme": "P", "as_of": "2025-11-03",
    ...                   "status": "reported", "task_status": ["done", "done", "late", "cancelled"]})
    >>> counts(t)[["total", "done", "late", "cancelled", "done_share"]].values.tolist()
    [[3.0, 2.0, 1.0, 1.0, 66.66666666666667]]
    """
    keys = (
        [schema.LAYOUT, schema.GEO_CODE] + ([schema.PROGRAMME] if by_programme else []) + [schema.AS_OF, schema.STATUS]
    )
    return _tally(tasks, keys)


def totals(tasks: pd.DataFrame) -> dict:
    """:data:`COUNT_COLUMNS` over every task of ``tasks`` together (done share NaN when there is none).

    Examples
    --------
    >>> totals(pd.DataFrame({"task_status": ["done", "late", "cancelled"]}))["done_share"]
    50.0
    """
    table = _tally(tasks.assign(_all=1), ["_all"])
    if table.empty:
        return {c: 0 for c in COUNT_COLUMNS} | {DONE_SHARE: float("nan")}
    return {c: float(table[c].iloc[0]) if c == DONE_SHARE else int(table[c].iloc[0]) for c in COUNT_COLUMNS}


def latest(tasks: pd.DataFrame) -> pd.DataFrame:
    """The latest snapshot of each programme of each province (its tasks on its latest reporting date)."""
    if tasks.empty:
        return tasks
    last = tasks.groupby([schema.LAYOUT, schema.GEO_CODE, schema.PROGRAMME])[schema.AS_OF].transform("max")
    return tasks[tasks[schema.AS_OF] == last].reset_index(drop=True)


def status_history(tasks: pd.DataFrame) -> pd.DataFrame:
    """Each task's counted status on each reporting date: one row per task of a programme, one column per date.

    A task keeps one row across snapshots as long as its id does (a renamed task mapped to its new id
    by :func:`data.tasks.read_tasks` keeps its history); "" where a snapshot does not list it.

    Examples
    --------
    >>> t = pd.DataFrame({"layout": "2025", "geo_code": "19", "programme": "P", "task_id": ["a", "a", "b"],
    ...                   "as_of": ["2025-09-30", "2025-11-03", "2025-11-03"], "task_status": ["late", "done", "done"]})
    >>> status_history(t).values.tolist()
    [['late', 'done'], ['', 'done']]
    """
    keys = [schema.LAYOUT, schema.GEO_CODE, schema.PROGRAMME, schema.TASK_ID]
    table = tasks.pivot_table(index=keys, columns=schema.AS_OF, values=schema.TASK_STATUS, aggfunc="first")
    return table.fillna("").rename_axis(columns=None)


def by_department(snapshot: pd.DataFrame) -> pd.DataFrame:
    """Counts per lead department, worst first: most late tasks, then lowest done share, then name.

    Examples
    --------
    >>> s = pd.DataFrame({"lead_department": ["A", "A", "B", "B"], "task_status": ["done", "done", "late", "done"]})
    >>> by_department(s)[["lead_department", "total", "late", "done_share"]].values.tolist()
    [['B', 2, 1, 50.0], ['A', 2, 0, 100.0]]
    """
    table = _tally(snapshot, [schema.LEAD_DEPARTMENT])
    for col in COUNT_COLUMNS[:-1]:
        table[col] = table[col].astype("int64")
    return table.sort_values(
        [LATE, DONE_SHARE, schema.LEAD_DEPARTMENT], ascending=[False, True, True], na_position="last"
    ).reset_index(drop=True)


def late_tasks(snapshot: pd.DataFrame) -> pd.DataFrame:
    """Tasks counted late, oldest deadline first (then department and task)."""
    late = snapshot[snapshot[schema.TASK_STATUS] == LATE]
    return late.sort_values([schema.DEADLINE, schema.LEAD_DEPARTMENT, schema.TASK_ID]).reset_index(drop=True)


def due_within(snapshot: pd.DataFrame, days: int = DAYS_DUE) -> pd.DataFrame:
    """Open tasks (in progress or not started) whose deadline falls in the ``days`` after the reporting date.

    A deadline on the reporting date itself has not passed yet and is due.
    """
    if snapshot.empty:
        return snapshot
    as_of = pd.to_datetime(snapshot[schema.AS_OF])
    deadline = pd.to_datetime(snapshot[schema.DEADLINE].where(snapshot[schema.DEADLINE] != ""), errors="coerce")
    open_task = snapshot[schema.TASK_STATUS].isin([IN_PROGRESS, NOT_STARTED])
    due = open_task & (deadline >= as_of) & (deadline <= as_of + pd.Timedelta(days=int(days)))
    return snapshot[due.to_numpy()].sort_values([schema.DEADLINE, schema.TASK_ID]).reset_index(drop=True)


def programme_deadline(tasks: pd.DataFrame) -> pd.DataFrame:
    """Each programme's deadline: the latest deadline of its tasks ("" when none has one)."""
    keys = [schema.LAYOUT, schema.GEO_CODE, schema.PROGRAMME]
    return (
        tasks.groupby(keys)[schema.DEADLINE].max().rename(PROGRAMME_DEADLINE).reset_index()
        if len(tasks)
        else pd.DataFrame(columns=keys + [PROGRAMME_DEADLINE])
    )


def burn_up(tasks: pd.DataFrame) -> pd.DataFrame:
    """Done and total over time of each programme (one row per reporting date): the burn-up chart's data."""
    table = counts(tasks, by_programme=True)
    return table[[schema.LAYOUT, schema.GEO_CODE, schema.PROGRAMME, schema.AS_OF, schema.STATUS, TOTAL, DONE]]


def finish_forecast(
    history: pd.DataFrame, deadline: str, *, layout: str, code: str, indicators: pd.DataFrame | None = None
) -> forecasting.Forecast:
    """When will every task be done? The existing pace rule (:func:`analysis.forecasting.forecast`).

    The done counts of one programme (``history``: rows of :func:`burn_up`) are observations of
    ``r57_tasks_done``; the target is the latest total by the programme's ``deadline``. With no
    observation before it, the count starts from zero on the day of Resolution 57 (the catalogue's
    ``baseline_zero_on``); with one to three snapshots the projection is the observed pace carried
    on (a statement about pace, not a model), with four or more a robust linear trend.

    Returns
    -------
    analysis.forecasting.Forecast
        ``row[PROJECTED_DATE]`` is the date all tasks are done at the trend ("" when never),
        ``row[FORECAST_STATUS]`` whether that is on time; ``history`` and ``trend`` for a chart.
    """
    obs, target = _finish_inputs(history, deadline, layout=layout, code=code)
    return forecasting.forecast(obs, target, show_synthetic=True, indicators=indicators)


def _finish_inputs(history: pd.DataFrame, deadline: str, *, layout: str, code: str) -> tuple[pd.DataFrame, dict]:
    """The observations and the target of :func:`finish_forecast`."""
    history = history.sort_values(schema.AS_OF)
    obs = pd.DataFrame(
        {
            schema.GEO_LEVEL: "province",
            schema.LAYOUT: layout,
            schema.GEO_CODE: code,
            schema.INDICATOR: INDICATORS[DONE],
            schema.PERIOD: history[schema.AS_OF].to_numpy(),
            schema.GRANULARITY: "day",
            schema.DATE: history[schema.AS_OF].to_numpy(),
            schema.VALUE: history[DONE].astype(float).to_numpy(),
            schema.STATUS: schema.STATUS_DERIVED,
            schema.SOURCE_ID: DERIVED_SOURCE,
        }
    )
    target = {
        schema.GEO_LEVEL: "province",
        schema.LAYOUT: layout,
        schema.GEO_CODE: code,
        schema.INDICATOR: INDICATORS[DONE],
        schema.PERIOD: deadline or "",
        schema.DATE: history[schema.AS_OF].iloc[0],
        schema.VALUE: float(history[TOTAL].iloc[-1]),
        schema.TARGET_DATE: deadline or "",
        schema.STATUS: schema.STATUS_TARGET,
        schema.SOURCE_ID: DERIVED_SOURCE,
    }
    return obs, target


def prefit_finish(tasks: pd.DataFrame, indicators: pd.DataFrame | None = None) -> int:
    """Fit at once the robust trends of the finish forecasts of every programme of ``tasks``.

    :func:`finish_forecast` of a programme with four or more reporting dates fits a robust trend,
    in a child process when the server has not imported scikit-learn
    (:mod:`analysis.robust_fit`): one child per programme, unless they were all fitted together
    before, by this function (:func:`analysis.forecasting.prefit`, per programme as each has its own
    observations). The finish forecasts of programmes of ``tasks`` (each programme's
    :func:`burn_up` and :func:`programme_deadline`) then find their fits in the memo.

    Returns
    -------
    int
        The number of trends fitted or found in the memo.
    """
    pairs = []
    for (layout, code, _), rows in tasks.groupby([schema.LAYOUT, schema.GEO_CODE, schema.PROGRAMME], sort=False):
        deadline = programme_deadline(rows)[PROGRAMME_DEADLINE].iloc[0]
        pairs.append(_finish_inputs(burn_up(rows), deadline, layout=layout, code=code))
    return forecasting.prefit_pairs(pairs, show_synthetic=True, indicators=indicators)


def required_pace(history: pd.DataFrame, deadline: str, start: str) -> pd.DataFrame:
    """The pace needed: a straight line from no task done on ``start`` to all done on ``deadline``."""
    if not deadline or history.empty:
        return pd.DataFrame(columns=[schema.DATE, DONE])
    total = float(history.sort_values(schema.AS_OF)[TOTAL].iloc[-1])
    return pd.DataFrame({schema.DATE: [start, deadline], DONE: [0.0, total]})


def derived_observations(tasks: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The counts of :func:`counts` as tidy observations (see the module doc), inputs named.

    Returns
    -------
    pandas.DataFrame
        :data:`data.schema.OBSERVATION_COLUMNS`; one row per province, reporting date, data status
        and indicator of :data:`INDICATORS`.
    """
    table = counts(tasks)
    if table.empty:
        return schema.empty_observations()
    with_batch = tasks if schema.BATCH_ID in tasks else tasks.assign(**{schema.BATCH_ID: 0})
    info = (
        with_batch.groupby([schema.LAYOUT, schema.GEO_CODE, schema.AS_OF, schema.STATUS])
        .agg(
            programmes=(schema.PROGRAMME, lambda p: "; ".join(sorted(set(p)))),
            batches=(schema.BATCH_ID, lambda b: ", ".join(str(int(x)) for x in sorted(set(b)))),
        )
        .reset_index()
    )
    table = table.merge(info, on=[schema.LAYOUT, schema.GEO_CODE, schema.AS_OF, schema.STATUS])
    units = {}
    if indicators is not None and len(indicators):
        units = indicators.set_index(schema.INDICATOR)["unit"].to_dict()
    frames = []
    for column, indicator in INDICATORS.items():
        rule = (
            "100 * done / total"
            if column == DONE_SHARE
            else f"tasks counted {column}"
            if column != TOTAL
            else "tasks not cancelled"
        )
        synthetic = table[schema.STATUS] == schema.STATUS_SYNTHETIC
        frames.append(
            pd.DataFrame(
                {
                    schema.GEO_LEVEL: "province",
                    schema.LAYOUT: table[schema.LAYOUT],
                    schema.GEO_CODE: table[schema.GEO_CODE],
                    schema.INDICATOR: indicator,
                    schema.PERIOD: table[schema.AS_OF],
                    schema.GRANULARITY: "day",
                    schema.DATE: table[schema.AS_OF],
                    schema.VALUE: table[column].astype(float),
                    schema.QUALIFIER: "",
                    schema.UNIT: units.get(indicator, "percent of planned tasks" if column == DONE_SHARE else "tasks"),
                    schema.STATUS: np.where(synthetic, schema.STATUS_SYNTHETIC, schema.STATUS_DERIVED),
                    schema.TARGET_DATE: "",
                    schema.SOURCE_ID: np.where(synthetic, register.DEMO_SOURCE, DERIVED_SOURCE),
                    schema.NOTE: "",
                    schema.DERIVED_FROM: "task register ("
                    + table["programmes"]
                    + "; batch "
                    + table["batches"]
                    + "): "
                    + table[TOTAL].astype(int).astype(str)
                    + " tasks as of "
                    + table[schema.AS_OF]
                    + "; "
                    + rule,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out[out[schema.VALUE].notna()]
    out = out.reindex(columns=list(schema.OBSERVATION_COLUMNS))
    text = [c for c in schema.OBSERVATION_COLUMNS if c != schema.VALUE]
    out[text] = out[text].astype(object).fillna("")  # every other field as text, empty when unused (no rank...)
    return out.reset_index(drop=True)


def reported_and_derived(obs: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Reported task counts beside the counts derived from a register, for the same province and date.

    Both are kept; nothing is replaced. ``difference`` = derived - reported.

    Returns
    -------
    pandas.DataFrame
        ``layout``, ``geo_code``, ``indicator_id``, ``date``, ``reported``, ``derived``,
        ``difference`` (rows where both exist), ordered by place, date and indicator.
    """
    keys = [schema.LAYOUT, schema.GEO_CODE, schema.INDICATOR, schema.DATE]
    wanted = obs[
        (obs[schema.STATUS] == schema.STATUS_REPORTED)
        & obs[schema.INDICATOR].isin(INDICATORS.values())
        & (obs[schema.GEO_LEVEL] == "province")
    ]
    left = wanted[keys + [schema.VALUE]].rename(columns={schema.VALUE: REPORTED})
    right = derived[derived[schema.STATUS] == schema.STATUS_DERIVED][keys + [schema.VALUE]].rename(
        columns={schema.VALUE: DERIVED}
    )
    both = left.merge(right, on=keys)
    both[DIFFERENCE] = both[DERIVED] - both[REPORTED]
    order = {ind: i for i, ind in enumerate(INDICATORS.values())}
    return (
        both.sort_values(keys[:2] + [schema.DATE], kind="stable")
        .sort_values(
            keys[:2] + [schema.DATE, schema.INDICATOR],
            key=lambda s: s.map(order) if s.name == schema.INDICATOR else s,
        )
        .reset_index(drop=True)
    )


def ranking(snapshot_counts: pd.DataFrame) -> pd.DataFrame:
    """Provinces by done share, highest first (one row per province: its latest date)."""
    if snapshot_counts.empty:
        return snapshot_counts
    last = snapshot_counts.sort_values(schema.AS_OF).groupby([schema.LAYOUT, schema.GEO_CODE]).tail(1)
    return last.sort_values([DONE_SHARE, schema.GEO_CODE], ascending=[False, True]).reset_index(drop=True)


def days_between(start: str, end: str) -> int:
    """Days from one ISO date to another."""
    return (_dt.date.fromisoformat(end) - _dt.date.fromisoformat(start)).days


def select(
    obs: pd.DataFrame,
    *,
    indicators=None,
    layouts=None,
    geo_levels=None,
    geo_codes=None,
    province_codes=None,
    statuses=None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Rows of ``obs`` matching the filters of :meth:`data.store.Store.observations` (``None``: no filter).

    ``layouts`` and ``province_codes`` restrict province rows only, as in the store.
    """
    keep = pd.Series(True, index=obs.index)
    for column, values in (
        (schema.INDICATOR, indicators),
        (schema.GEO_LEVEL, geo_levels),
        (schema.GEO_CODE, geo_codes),
        (schema.STATUS, statuses),
    ):
        if values is not None:
            keep &= obs[column].isin(list(values))
    province = obs[schema.GEO_LEVEL] == "province"
    for column, values in ((schema.LAYOUT, layouts), (schema.GEO_CODE, province_codes)):
        if values is not None:
            keep &= ~province | obs[column].isin(list(values))
    if date_from:
        keep &= obs[schema.DATE] >= date_from
    if date_to:
        keep &= obs[schema.DATE] <= date_to
    return obs[keep]


def without_reported(derived: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """Derived counts of the places and dates that have no count in ``obs`` (their reported ones).

    Other pages show one value per place, indicator and period: where the press reported counts for
    a province and date, those are shown there, and the register's counts stay beside them on the
    Tasks page (:func:`reported_and_derived`). All five counts of a place and date go together, so a
    share is never computed from a reported numerator and a derived denominator.

    Examples
    --------
    >>> d = pd.DataFrame({"geo_code": ["19", "19", "52"], "layout": "2025", "date": "2025-11-03",
    ...                   "indicator_id": ["r57_tasks_done", "r57_tasks_total", "r57_tasks_done"]})
    >>> o = pd.DataFrame({"geo_code": ["19"], "layout": "2025", "date": "2025-11-03",
    ...                   "indicator_id": ["r57_tasks_total"]})
    >>> without_reported(d, o)["geo_code"].tolist()
    ['52']
    """
    keys = [schema.LAYOUT, schema.GEO_CODE, schema.DATE]
    counted = obs[obs[schema.INDICATOR].isin(INDICATORS.values())]
    if counted.empty or derived.empty:
        return derived
    taken = pd.MultiIndex.from_frame(counted[keys].astype(str).drop_duplicates())
    mine = pd.MultiIndex.from_frame(derived[keys].astype(str))
    return derived[~mine.isin(taken)]
