"""Will each target be met? Pace, trend, projected value and date, and a status, for every target.

A target is an observation row with status ``target``: a value, a deadline (``target_date``,
possibly empty), the place (a province of either layout, or the nation) and the date it was set
(the row's date). For each one:

1. **Observations.** The place's values of the indicator (:func:`analysis.benchmarking.values_for_layout`
   for a province, so a 2025 province also gets values aggregated from its 2008 predecessors;
   :func:`analysis.benchmarking.national_values` for the nation). Reported and derived values
   are preferred: synthetic ones are used only when there is no real one *and* the caller allows
   them (``show_synthetic``, the sidebar's switch). The result says which statuses were used.
   Targets never enter as values.
2. **Baseline.** Indicators with ``baseline_zero_on`` in the catalogue (Resolution 57 task counts:
   nothing was done on 2024-12-22, the day of the Resolution) start from zero on that date, unless
   the data has an observation on or before it; the others start from their first observation.
3. **Status** (Eurostat SDG indicators / Open SDG "progress status", for a quantified target).
   With y_0 at t_0 the baseline, y_t at t the latest observation, y_T the target at the deadline
   T (time in years), d = +1 when higher is better and -1 otherwise:

   * observed growth g_o = (y_t / y_0) ** (1 / (t - t_0)) - 1,
   * required growth g_r = (y_T / y_0) ** (1 / (T - t_0)) - 1,
   * R = d * g_o / |g_r|.

   Target already met: ``achieved``; R >= 0.95 ``on_track``; 0.6 <= R < 0.95
   ``needs_acceleration``; 0 <= R < 0.6 ``limited_progress``; R < 0 ``moving_away``; no
   observation (or one, without a zero baseline) ``not_enough_data``. Growth rates break down for
   counts and shares that start at zero, so those (rule ``linear``; also any series with a
   baseline, latest value or target <= 0) compare paces instead: observed pace
   v_o = (y_t - y_0) / (t - t_0), required pace v_r = (y_T - y_0) / (T - t_0), R = d * v_o / |v_r|.
   A target with no deadline cannot be judged on time: it is ``no_deadline`` (or ``achieved``,
   or ``moving_away`` when the observed pace points away from it), and its pace and the date the
   pace reaches it are still given.
4. **Projection** (always linear; clipped to the indicator's valid range):

   * with :data:`MODEL_MIN_OBSERVATIONS` (4) observations or more, a robust linear trend
     (scikit-learn ``HuberRegressor``, epsilon 1.35, on the baseline and the observations, fitted
     in a child process for a server that has not imported scikit-learn: :mod:`analysis.robust_fit`;
     :func:`prefit` fits many targets' trends in one) with an
     80% interval from a residual bootstrap: residuals inflated by sqrt(n / (n - 2)) and resampled
     :data:`BOOTSTRAP` times (seed :data:`SEED`), each replicate refitted to the same Huber loss at
     the fit's scale (vectorised IRLS, so 400 refits cost milliseconds), plus one resampled
     residual for the noise of a single future value. Beyond the latest observation the band is
     never narrower than the trend's slope times 1 -/+ 1/sqrt(n): a short series says little about
     how long a trend lasts;
   * with one to three observations, the observed pace carried on from the latest observation,
     in a *pace band* that is not a statistical interval: the pace times 1 -/+ u, with
     u = max(1 / sqrt(n), half the relative spread of the paces between successive points). With
     one observation u = 1: anything from no further progress to twice the pace, and the text
     says it is a pace, not a model.

   It gives the projected value at the deadline with its band, and the date the target is
   reached (with the dates at the band's edges).
5. **Explanation**: one line in English and one in Vietnamese.

Entry points: :func:`forecast_targets` (one row per target, :data:`FORECAST_COLUMNS`, sorted by
risk) and :func:`forecast` (one target, with the series for its chart).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from typing import NamedTuple

import numpy as np
import pandas as pd

import i18n
from analysis import benchmarking, robust_fit
from analysis.robust_fit import HUBER_EPSILON
from data import catalogue, schema

ACHIEVED = "achieved"
ON_TRACK = "on_track"
NEEDS_ACCELERATION = "needs_acceleration"
LIMITED_PROGRESS = "limited_progress"
MOVING_AWAY = "moving_away"
NOT_ENOUGH_DATA = "not_enough_data"
NO_DEADLINE = "no_deadline"
MISSED = "missed"  # the deadline has passed and the last value on or before it fell short
MET_BY_DEADLINE = "met_by_deadline"  # the deadline has passed and the last value on or before it met the target
#: Forecast statuses, most at risk first (the value of :data:`data.schema.RISK`).
STATUSES = (
    MISSED,
    MOVING_AWAY,
    LIMITED_PROGRESS,
    NEEDS_ACCELERATION,
    NOT_ENOUGH_DATA,
    NO_DEADLINE,
    ON_TRACK,
    ACHIEVED,
    MET_BY_DEADLINE,
)
ON_TRACK_FROM = 0.95
ACCELERATE_FROM = 0.6

MODEL_MIN_OBSERVATIONS = 4
BOOTSTRAP = 400
SEED = 57
LEVEL = 0.80
DAYS_A_YEAR = 365.25
BASELINE = "baseline"  # status of the assumed zero point in the history of a forecast
METHOD_MODEL, METHOD_PACE, METHOD_NONE = "model", "pace", "none"
RULE_GROWTH, RULE_LINEAR = "growth", "linear"
ZERO_START, FIRST_OBSERVATION = "zero start", "first observation"
_REAL = (schema.STATUS_REPORTED, schema.STATUS_DERIVED)
_HORIZON_DAYS = 730  # the chart's trend goes at most two years past the latest observation (or the deadline)

#: Columns of :func:`forecast_targets`, in order.
FORECAST_COLUMNS = (
    schema.GEO_LEVEL,
    schema.LAYOUT,
    schema.GEO_CODE,
    schema.INDICATOR,
    schema.PERIOD,
    schema.SET_ON,
    schema.TARGET_VALUE,
    schema.QUALIFIER,
    schema.TARGET_DATE,
    schema.UNIT,
    schema.DIRECTION,
    schema.SOURCE_ID,
    schema.NOTE,
    schema.STATUSES_USED,
    schema.N_OBSERVATIONS,
    schema.METHOD,
    schema.BASELINE_DATE,
    schema.BASELINE_VALUE,
    schema.BASELINE_KIND,
    schema.LATEST_DATE,
    schema.LATEST_VALUE,
    schema.RULE,
    schema.OBSERVED_PACE,
    schema.REQUIRED_PACE,
    schema.OBSERVED_GROWTH,
    schema.REQUIRED_GROWTH,
    schema.PROGRESS_RATIO,
    schema.PROJECTED_VALUE,
    schema.PROJECTED_LOW,
    schema.PROJECTED_HIGH,
    schema.PROJECTED_DATE,
    schema.PROJECTED_DATE_EARLY,
    schema.PROJECTED_DATE_LATE,
    schema.FORECAST_STATUS,
    schema.RISK,
    schema.EXPLANATION_EN,
    schema.EXPLANATION_VI,
    schema.AT_DEADLINE_DATE,
    schema.AT_DEADLINE_VALUE,
    schema.AFTER_DEADLINE_DATE,
    schema.AFTER_DEADLINE_VALUE,
)
TREND_FIT, TREND_LOW, TREND_HIGH = "fit", "low", "high"


@dataclasses.dataclass(frozen=True)
class Forecast:
    """One target's forecast: its row of :func:`forecast_targets` and the series for a chart.

    ``history``: the points used (``date``, ``value``, ``status``, ``period``, ``source_id``),
    the assumed zero baseline included with status :data:`BASELINE`. ``trend``: ``date``,
    ``fit``, ``low``, ``high`` of the projection (empty when there is none).
    """

    row: dict
    history: pd.DataFrame
    trend: pd.DataFrame


# --- choosing the observations -----------------------------------------------------------------------
def targets(obs: pd.DataFrame) -> pd.DataFrame:
    """Every target row of ``obs`` (provinces of both layouts and the nation), in file order."""
    return obs[obs[schema.STATUS] == schema.STATUS_TARGET].reindex(columns=list(schema.OBSERVATION_COLUMNS))


def observations_for(
    obs: pd.DataFrame, target: dict, *, show_synthetic: bool, indicators: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The observations a target is judged on, and the statuses they have (see step 1 of the module doc).

    Returns
    -------
    (pandas.DataFrame, tuple of str)
        Tidy rows sorted by date, one per date (best status, then the finer period); the
        statuses used, sorted.
    """
    indicator = target[schema.INDICATOR]
    if target[schema.GEO_LEVEL] == "nation":
        values = benchmarking.national_values(obs, indicator, schema.LAYOUT_2025, indicators=indicators)
    else:
        values = benchmarking.values_for_layout(obs, indicator, target[schema.LAYOUT], indicators=indicators)
        values = values[values[schema.GEO_CODE] == target[schema.GEO_CODE]]
    real = values[values[schema.STATUS].isin(_REAL)]
    if real.empty and show_synthetic:
        real = values[values[schema.STATUS] == schema.STATUS_SYNTHETIC]
    fine = {g: i for i, g in enumerate(schema.GRANULARITIES)}
    statuses = {s: i for i, s in enumerate(schema.STATUSES)}
    order = real[schema.STATUS].map(statuses).astype(float) * 10 - real[schema.GRANULARITY].map(fine).astype(float)
    chosen = real.assign(_o=order).sort_values([schema.DATE, "_o"]).drop_duplicates(schema.DATE).drop(columns="_o")
    return chosen.reset_index(drop=True), tuple(sorted(set(chosen[schema.STATUS])))


# --- the arithmetic ---------------------------------------------------------------------------------------
def _day(text: str) -> _dt.date:
    return _dt.date.fromisoformat(str(text)[:10])


def _growth(y0: float, y1: float, years: float) -> float:
    return (y1 / y0) ** (1.0 / years) - 1.0


def _ratio(d: int, observed: float, required: float) -> float:
    if required == 0:
        return math.copysign(math.inf, d * observed) if observed else 0.0
    return d * observed / abs(required)


def status_of(ratio: float) -> str:
    """Status for a progress ratio R (target not met, deadline given).

    Examples
    --------
    >>> [status_of(r) for r in (1.2, 0.95, 0.63, 0.6, 0.2, 0.0, -0.1)]
    ['on_track', 'on_track', 'needs_acceleration', 'needs_acceleration', 'limited_progress', 'limited_progress', 'moving_away']
    """
    if ratio >= ON_TRACK_FROM:
        return ON_TRACK
    if ratio >= ACCELERATE_FROM:
        return NEEDS_ACCELERATION
    if ratio >= 0:
        return LIMITED_PROGRESS
    return MOVING_AWAY


def _huber(t: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Intercept, slope and scale of scikit-learn's robust ``HuberRegressor`` (:func:`analysis.robust_fit.huber_line`).

    Through :func:`analysis.robust_fit.huber_lines`: from its memo (filled for every target at once by
    :func:`prefit`), else fitted in a child process, so that a server never imports scikit-learn.
    """
    return robust_fit.huber_lines([(t, y)])[0]


def _huber_refits(t: np.ndarray, ys: np.ndarray, scale: float, iterations: int = 50) -> np.ndarray:
    """Intercepts and slopes minimising the same Huber loss, at the full fit's scale, for many series at once.

    Iteratively reweighted least squares (weights min(1, epsilon * scale / |residual|)), vectorised
    over the rows of ``ys``: the bootstrap's refits, without a solver call per replicate.
    """
    weights = np.ones_like(ys)
    scale = scale if scale > 0 else 1.0
    for _ in range(iterations):
        sw, swt, swtt = weights.sum(1), (weights * t).sum(1), (weights * t * t).sum(1)
        swy, swty = (weights * ys).sum(1), (weights * t * ys).sum(1)
        det = sw * swtt - swt**2
        slope = np.where(det > 0, (sw * swty - swt * swy) / np.where(det > 0, det, 1.0), 0.0)
        intercept = (swy - slope * swt) / sw
        residual = np.abs(ys - intercept[:, None] - slope[:, None] * t) / scale
        weights = np.where(residual <= HUBER_EPSILON, 1.0, HUBER_EPSILON / np.maximum(residual, 1e-12))
    return np.column_stack([intercept, slope])


def _model(t: np.ndarray, y: np.ndarray, grid: np.ndarray, seed: int) -> dict:
    """Robust trend and residual-bootstrap 80% band on ``grid`` (years since the baseline)."""
    a, b, scale = _huber(t, y)
    fitted = a + b * t
    n = len(t)
    residuals = (y - fitted) * math.sqrt(n / max(n - 2, 1))
    rng = np.random.default_rng(seed)
    params = _huber_refits(t, fitted + rng.choice(residuals, size=(BOOTSTRAP, n), replace=True), scale)
    noise = rng.choice(residuals, size=(BOOTSTRAP, 1), replace=True)
    paths = params[:, :1] + params[:, 1:] * grid[None, :] + noise
    tail = (1 - LEVEL) / 2 * 100
    return {
        "a": a,
        "b": b,
        "params": params,
        "fit": a + b * grid,
        "low": np.percentile(paths, tail, axis=0),
        "high": np.percentile(paths, 100 - tail, axis=0),
    }


# --- one target ------------------------------------------------------------------------------------------
class _Series(NamedTuple):
    """What a target is judged on (:func:`_series`): its indicator's catalogue row and the points used."""

    spec: pd.Series
    used: tuple[str, ...]  # the statuses of the observations
    n_obs: int  # observations (the assumed zero baseline not counted)
    history: pd.DataFrame  # date, value, status, period, source_id; the zero baseline included
    kind: str  # ZERO_START or FIRST_OBSERVATION


def _series(obs: pd.DataFrame, target: dict, *, show_synthetic: bool, cat: pd.DataFrame) -> _Series:
    """The observations of a target (step 1 of the module doc) with its baseline (step 2)."""
    spec = cat.loc[target[schema.INDICATOR]]
    chosen, used = observations_for(obs, target, show_synthetic=show_synthetic, indicators=cat)
    history = chosen[[schema.DATE, schema.VALUE, schema.STATUS, schema.PERIOD, schema.SOURCE_ID]].copy()
    zero_on = str(spec.get("baseline_zero_on") or "")
    kind = FIRST_OBSERVATION
    if zero_on and (history.empty or history[schema.DATE].min() > zero_on):
        kind = ZERO_START
        start = pd.DataFrame(
            [
                {
                    schema.DATE: zero_on,
                    schema.VALUE: 0.0,
                    schema.STATUS: BASELINE,
                    schema.PERIOD: zero_on,
                    schema.SOURCE_ID: "",
                }
            ]
        )
        history = pd.concat([start, history], ignore_index=True) if not history.empty else start
    elif zero_on:
        history = history[history[schema.DATE] >= history.loc[history[schema.DATE] <= zero_on, schema.DATE].max()]
    return _Series(spec, used, len(chosen), history.reset_index(drop=True), kind)


def _points(history: pd.DataFrame) -> tuple[_dt.date, np.ndarray, np.ndarray]:
    """The baseline's day, the days since it and the values of ``history`` (not empty), as the projection uses them."""
    base_day = _day(history[schema.DATE].iloc[0])
    days = np.array([(_day(x) - base_day).days for x in history[schema.DATE]], dtype=float)
    return base_day, days, history[schema.VALUE].to_numpy(dtype=float)


def _model_input(series: _Series) -> tuple[np.ndarray, np.ndarray] | None:
    """The (years, values) that :func:`_project` fits a robust trend to for this series, or None when it fits none."""
    if series.n_obs < MODEL_MIN_OBSERVATIONS or len(series.history) < 2:
        return None
    _, days, y = _points(series.history)
    return (days / DAYS_A_YEAR, y) if days[-1] > 0 else None


def _prefit(pairs: list[tuple[pd.DataFrame, dict]], show_synthetic: bool, cat: pd.DataFrame) -> list[_Series]:
    """The series of every (observations, target), after one :func:`analysis.robust_fit.huber_lines` call for all their fits."""
    prepared = [_series(obs, target, show_synthetic=show_synthetic, cat=cat) for obs, target in pairs]
    robust_fit.huber_lines([fit for fit in map(_model_input, prepared) if fit is not None])
    return prepared


def prefit(
    obs: pd.DataFrame,
    targets: pd.DataFrame | list[dict],
    *,
    show_synthetic: bool,
    indicators: pd.DataFrame | None = None,
) -> int:
    """Fit the robust trends of many targets' forecasts at once, so that :func:`forecast` finds them done.

    Each forecast of four or more observations fits one robust trend (:func:`_huber`); fitted one
    by one in a process that has not imported scikit-learn, each would start a child process of
    its own (:mod:`analysis.robust_fit`). Called first with every target, one child fits them all,
    and the forecasts that follow with the same arguments take their fits from its memo.
    :func:`forecast_targets` does this itself.

    Parameters
    ----------
    obs, show_synthetic, indicators
        As for :func:`forecast`.
    targets : pandas.DataFrame or list of dict
        Target rows (:func:`targets`).

    Returns
    -------
    int
        The number of trends fitted or found in the memo.
    """
    rows = targets.to_dict("records") if isinstance(targets, pd.DataFrame) else [dict(t) for t in targets]
    return prefit_pairs([(obs, row) for row in rows], show_synthetic=show_synthetic, indicators=indicators)


def prefit_pairs(
    pairs: list[tuple[pd.DataFrame, dict]], *, show_synthetic: bool, indicators: pd.DataFrame | None = None
) -> int:
    """:func:`prefit` of targets that each come with observations of their own: (observations, target) pairs."""
    cat = benchmarking.indexed_catalogue(indicators)
    prepared = _prefit([(obs, dict(target)) for obs, target in pairs], show_synthetic, cat)
    return sum(_model_input(s) is not None for s in prepared)


def forecast(
    obs: pd.DataFrame,
    target: dict,
    *,
    show_synthetic: bool,
    indicators: pd.DataFrame | None = None,
    today: _dt.date | None = None,
) -> Forecast:
    """Forecast one target (a row of :func:`targets`, as a dict or Series); see the module doc.

    ``today`` (default: the computer's date) decides whether the deadline has passed: then the target
    is judged on the last value observed on or before the deadline (:func:`judge_passed`), not projected.
    """
    target = dict(target)
    cat = benchmarking.indexed_catalogue(indicators)
    return _forecast(target, _series(obs, target, show_synthetic=show_synthetic, cat=cat), today)


def _forecast(target: dict, series: _Series, today: _dt.date | None) -> Forecast:
    """:func:`forecast` of a target whose series is known."""
    spec, history, kind = series.spec, series.history, series.kind
    d = 1 if spec["direction"] == "higher" else -1
    goal = float(target[schema.VALUE])
    deadline = _day(target[schema.TARGET_DATE]) if str(target.get(schema.TARGET_DATE) or "") else None
    row = {
        col: target.get(col, "")
        for col in (
            schema.GEO_LEVEL,
            schema.LAYOUT,
            schema.GEO_CODE,
            schema.INDICATOR,
            schema.PERIOD,
            schema.QUALIFIER,
            schema.TARGET_DATE,
            schema.SOURCE_ID,
            schema.NOTE,
        )
    }
    row.update(
        {
            schema.SET_ON: str(target.get(schema.DATE) or ""),
            schema.TARGET_VALUE: goal,
            schema.UNIT: spec["unit"],
            schema.DIRECTION: spec["direction"],
            schema.STATUSES_USED: ", ".join(series.used),
            schema.N_OBSERVATIONS: series.n_obs,
        }
    )
    row.update(_assess(history, kind, goal, deadline, d, spec, series.n_obs))
    row.update(judge_passed(history, goal, deadline, d, today or _dt.date.today()))
    if row[schema.AT_DEADLINE_DATE] or (deadline and deadline < (today or _dt.date.today())):
        # a passed deadline is judged on what was observed, never projected
        row.update(
            {
                schema.PROJECTED_VALUE: float("nan"),
                schema.PROJECTED_LOW: float("nan"),
                schema.PROJECTED_HIGH: float("nan"),
                schema.PROJECTED_DATE: "",
                schema.PROJECTED_DATE_EARLY: "",
                schema.PROJECTED_DATE_LATE: "",
            }
        )
        row["_trend"] = row["_trend"].iloc[0:0]
    row[schema.RISK] = STATUSES.index(row[schema.FORECAST_STATUS])
    trend = row.pop("_trend")
    units = {"en": str(spec.get("short_unit") or "")}
    units["vi"] = str(spec.get("short_unit_vi") or units["en"])
    row[schema.EXPLANATION_EN] = explain(row, "en", units["en"])
    row[schema.EXPLANATION_VI] = explain(row, "vi", units["vi"])
    return Forecast({c: row.get(c) for c in FORECAST_COLUMNS}, history, trend)


def judge_passed(history: pd.DataFrame, goal: float, deadline: _dt.date | None, d: int, today: _dt.date) -> dict:
    """Whether a target whose deadline has passed was met, on the last value observed on or before the deadline.

    Parameters
    ----------
    history : pandas.DataFrame
        The observations (``date``, ``value``, ``status``; an assumed zero baseline is ignored).
    goal : float
        The target value.
    deadline : datetime.date or None
        Without one, or before ``today``, nothing is judged (empty fields, no status).
    d : {1, -1}
        +1 when higher is better.
    today : datetime.date
        The date the deadline is compared with.

    Returns
    -------
    dict
        ``at_deadline_date``/``_value`` (the last value on or before the deadline),
        ``after_deadline_date``/``_value`` (the first value after it), and, when the deadline has
        passed, ``forecast_status``: ``met_by_deadline`` when ``d * (value - goal) >= 0``, ``missed``
        when not, ``not_enough_data`` with no value on or before the deadline.

    Examples
    --------
    5G coverage 39.52% on 2025-10-31 and 80% on 2026-03-31; target 90% by 2025-12-31, judged in 2026:

    >>> h = pd.DataFrame({"date": ["2025-06-30", "2025-10-31", "2026-03-31"], "value": [26.0, 39.52, 80.0],
    ...                   "status": "reported"})
    >>> out = judge_passed(h, 90.0, _dt.date(2025, 12, 31), 1, _dt.date(2026, 11, 29))
    >>> out["forecast_status"], out["at_deadline_value"], out["after_deadline_date"]
    ('missed', 39.52, '2026-03-31')
    """
    nan = float("nan")
    out = {
        schema.AT_DEADLINE_DATE: "",
        schema.AT_DEADLINE_VALUE: nan,
        schema.AFTER_DEADLINE_DATE: "",
        schema.AFTER_DEADLINE_VALUE: nan,
    }
    if deadline is None or deadline >= today:
        return out
    seen = history[history[schema.STATUS] != BASELINE]
    limit = deadline.isoformat()
    before, after = seen[seen[schema.DATE] <= limit], seen[seen[schema.DATE] > limit]
    if len(after):
        out.update(
            {
                schema.AFTER_DEADLINE_DATE: str(after[schema.DATE].iloc[0]),
                schema.AFTER_DEADLINE_VALUE: float(after[schema.VALUE].iloc[0]),
            }
        )
    if before.empty:
        out[schema.FORECAST_STATUS] = NOT_ENOUGH_DATA
        return out
    value = float(before[schema.VALUE].iloc[-1])
    out.update(
        {
            schema.AT_DEADLINE_DATE: str(before[schema.DATE].iloc[-1]),
            schema.AT_DEADLINE_VALUE: value,
            schema.FORECAST_STATUS: MET_BY_DEADLINE if d * (value - goal) >= 0 else MISSED,
        }
    )
    return out


def _assess(
    history: pd.DataFrame, kind: str, goal: float, deadline: _dt.date | None, d: int, spec: pd.Series, n_obs: int
) -> dict:
    nan = float("nan")
    out = {
        schema.METHOD: METHOD_NONE,
        schema.BASELINE_KIND: kind if len(history) else "",
        schema.BASELINE_DATE: "",
        schema.BASELINE_VALUE: nan,
        schema.LATEST_DATE: "",
        schema.LATEST_VALUE: nan,
        schema.RULE: "",
        schema.OBSERVED_PACE: nan,
        schema.REQUIRED_PACE: nan,
        schema.OBSERVED_GROWTH: nan,
        schema.REQUIRED_GROWTH: nan,
        schema.PROGRESS_RATIO: nan,
        schema.PROJECTED_VALUE: nan,
        schema.PROJECTED_LOW: nan,
        schema.PROJECTED_HIGH: nan,
        schema.PROJECTED_DATE: "",
        schema.PROJECTED_DATE_EARLY: "",
        schema.PROJECTED_DATE_LATE: "",
        schema.FORECAST_STATUS: NOT_ENOUGH_DATA,
        "_trend": pd.DataFrame(columns=[schema.DATE, TREND_FIT, TREND_LOW, TREND_HIGH]),
    }
    if history.empty or n_obs == 0:
        return out
    base_day, days, y = _points(history)
    y0, yt, tt = float(y[0]), float(y[-1]), float(days[-1])
    out.update(
        {
            schema.BASELINE_DATE: base_day.isoformat(),
            schema.BASELINE_VALUE: y0,
            schema.LATEST_DATE: history[schema.DATE].iloc[-1],
            schema.LATEST_VALUE: yt,
        }
    )
    met = d * (yt - goal) >= 0
    if met:
        out[schema.FORECAST_STATUS] = ACHIEVED
    if len(history) < 2 or tt <= 0:
        return out
    big_t = float((deadline - base_day).days) if deadline else None
    linear = kind == ZERO_START or min(y0, yt, goal) <= 0
    pace = (yt - y0) / tt
    out.update({schema.RULE: RULE_LINEAR if linear else RULE_GROWTH, schema.OBSERVED_PACE: pace})
    if not linear:
        out[schema.OBSERVED_GROWTH] = _growth(y0, yt, tt / DAYS_A_YEAR)
    if big_t is not None and big_t > 0:
        out[schema.REQUIRED_PACE] = (goal - y0) / big_t
        if linear:
            out[schema.PROGRESS_RATIO] = _ratio(d, pace, out[schema.REQUIRED_PACE])
        else:
            out[schema.REQUIRED_GROWTH] = _growth(y0, goal, big_t / DAYS_A_YEAR)
            out[schema.PROGRESS_RATIO] = _ratio(d, out[schema.OBSERVED_GROWTH], out[schema.REQUIRED_GROWTH])
    if not met:
        if big_t is None:
            out[schema.FORECAST_STATUS] = MOVING_AWAY if d * pace < 0 else NO_DEADLINE
        elif big_t > 0:
            out[schema.FORECAST_STATUS] = status_of(out[schema.PROGRESS_RATIO])
    out.update(_project(days, y, goal, big_t, d, spec, n_obs, base_day))
    return out


def _project(
    days: np.ndarray,
    y: np.ndarray,
    goal: float,
    big_t: float | None,
    d: int,
    spec: pd.Series,
    n_obs: int,
    base_day: _dt.date,
) -> dict:
    """Projected value at the deadline (with its band), date the target is reached, trend for the chart."""
    tt, yt = float(days[-1]), float(y[-1])
    low_cap = spec["min"] if pd.notna(spec["min"]) else -np.inf
    high_cap = spec["max"] if pd.notna(spec["max"]) else np.inf
    out: dict = {}

    def on(day: float) -> str:
        return (base_day + _dt.timedelta(days=int(round(day)))).isoformat()

    met = d * (yt - goal) >= 0
    if n_obs >= MODEL_MIN_OBSERVATIONS:
        out[schema.METHOD] = METHOD_MODEL
        reach_guess = _reach(float(y[0]), (yt - float(y[0])) / tt, goal, d) if tt else None
        end = _horizon(tt, big_t, reach_guess)
        grid = np.linspace(0.0, end, 40)
        if big_t is not None:
            grid = np.sort(np.append(grid, big_t))
        fit = _model(days / DAYS_A_YEAR, y, grid / DAYS_A_YEAR, SEED)  # the series of _model_input
        a, b = fit["a"], fit["b"] / DAYS_A_YEAR
        reach = None if met else _reach(a, b, goal, d)
        slopes = fit["params"][:, 1] / DAYS_A_YEAR
        found = [_reach(p[0], s, goal, d) for p, s in zip(fit["params"], slopes)]
        crossings = np.array([np.inf if c is None else c for c in found])
        edges = (
            list(np.percentile(crossings, [(1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100])) if not met else [None, None]
        )
        # A short series says little about how long a trend lasts: beyond the latest observation the
        # band is never narrower than the trend's slope times 1 -/+ 1/sqrt(n) (the pace band's floor).
        u = 1.0 / math.sqrt(n_obs)
        here = a + b * tt
        ahead = np.maximum(grid - tt, 0)
        floor = np.stack([here + b * (1 - u) * ahead, here + b * (1 + u) * ahead])
        low = np.where(grid > tt, np.minimum(fit["low"], floor.min(axis=0)), fit["low"])
        high = np.where(grid > tt, np.maximum(fit["high"], floor.max(axis=0)), fit["high"])
        if not met:
            fast = _reach(here - b * (1 + u) * tt, b * (1 + u), goal, d)
            slow = _reach(here - b * (1 - u) * tt, b * (1 - u), goal, d) if u < 1 else None
            edges = [min(edges[0], np.inf if fast is None else fast), max(edges[1], np.inf if slow is None else slow)]
        trend = pd.DataFrame({"t": grid, TREND_FIT: fit["fit"], TREND_LOW: low, TREND_HIGH: high})
    else:
        out[schema.METHOD] = METHOD_PACE
        pace = (yt - float(y[0])) / tt
        segments = np.diff(y) / np.diff(days)
        spread = (segments.max() - segments.min()) / (2 * abs(pace)) if len(segments) > 1 and pace else 0.0
        u = max(1.0 / math.sqrt(n_obs), float(spread))
        reach = None if met else _reach(yt - pace * tt, pace, goal, d)
        fast = _reach(yt - pace * (1 + u) * tt, pace * (1 + u), goal, d) if not met else None
        slow = _reach(yt - pace * (1 - u) * tt, pace * (1 - u), goal, d) if not met and u < 1 else None
        # the band starts at the latest observation: earlier points are data, not projection
        fast = None if fast is None else max(fast, tt)
        slow = None if slow is None else max(slow, tt)
        edges = sorted([fast or np.inf, slow or np.inf]) if not met else [None, None]
        end = _horizon(tt, big_t, reach)
        ahead = np.linspace(tt, end, 30)
        if big_t is not None and big_t > tt:
            ahead = np.sort(np.append(ahead, big_t))
        grid = np.concatenate([days[:-1], ahead])
        fit_line = np.interp(grid, days, y)
        fit_line[grid >= tt] = yt + pace * (grid[grid >= tt] - tt)
        lo = np.where(grid >= tt, yt + pace * (1 - u) * np.maximum(grid - tt, 0), fit_line)
        hi = np.where(grid >= tt, yt + pace * (1 + u) * np.maximum(grid - tt, 0), fit_line)
        trend = pd.DataFrame(
            {"t": grid, TREND_FIT: fit_line, TREND_LOW: np.minimum(lo, hi), TREND_HIGH: np.maximum(lo, hi)}
        )
    for col in (TREND_FIT, TREND_LOW, TREND_HIGH):
        trend[col] = trend[col].clip(low_cap, high_cap)
    if big_t is not None:
        at = trend.loc[(trend["t"] - big_t).abs().idxmin()]
        if big_t <= tt:  # the deadline has passed: what the data say then, no band
            value = float(np.interp(big_t, days, y))
            out.update({schema.PROJECTED_VALUE: value, schema.PROJECTED_LOW: value, schema.PROJECTED_HIGH: value})
        else:
            out.update(
                {
                    schema.PROJECTED_VALUE: float(at[TREND_FIT]),
                    schema.PROJECTED_LOW: float(at[TREND_LOW]),
                    schema.PROJECTED_HIGH: float(at[TREND_HIGH]),
                }
            )
    if reach is not None:
        out[schema.PROJECTED_DATE] = on(max(reach, tt))
    if not met and edges[0] is not None:
        out[schema.PROJECTED_DATE_EARLY] = on(max(edges[0], tt)) if np.isfinite(edges[0]) else ""
        out[schema.PROJECTED_DATE_LATE] = on(max(edges[1], tt)) if np.isfinite(edges[1]) else ""
    trend[schema.DATE] = [on(x) for x in trend.pop("t")]
    out["_trend"] = (
        trend[[schema.DATE, TREND_FIT, TREND_LOW, TREND_HIGH]].drop_duplicates(schema.DATE).reset_index(drop=True)
    )
    return out


def _reach(intercept: float, slope: float, goal: float, d: int) -> float | None:
    """Day at which ``intercept + slope * day`` reaches ``goal`` moving the right way; None if never."""
    if d * slope <= 0:
        return None
    return (goal - intercept) / slope


def _horizon(tt: float, big_t: float | None, reach: float | None) -> float:
    end = max(tt, big_t or tt)
    if reach is not None:
        end = max(end, min(reach, max(tt, big_t or 0) + _HORIZON_DAYS))
    return max(end, tt + 30)


# --- every target ----------------------------------------------------------------------------------------
def forecast_targets(
    obs: pd.DataFrame, *, show_synthetic: bool, indicators: pd.DataFrame | None = None, today: _dt.date | None = None
) -> pd.DataFrame:
    """One row per target of ``obs``: :data:`FORECAST_COLUMNS`, most at risk first, then by deadline.

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations holding the targets and the values they are judged on (both layouts and
        the nation; for ratios also their inputs).
    show_synthetic : bool
        Whether synthetic values may be used when a target has no reported or derived one.
    indicators : pandas.DataFrame, optional
        The catalogue.
    today : datetime.date, optional
        The date deadlines are compared with (default: the computer's date).
    """
    cat = benchmarking.indexed_catalogue(indicators if indicators is not None else catalogue.indicators())
    wanted = targets(obs).to_dict("records")
    # every robust fit at once (one child process), then the forecasts, which find them in the memo
    prepared = _prefit([(obs, target) for target in wanted], show_synthetic, cat)
    rows = [_forecast(target, series, today).row for target, series in zip(wanted, prepared)]
    frame = pd.DataFrame(rows, columns=list(FORECAST_COLUMNS))
    if frame.empty:
        return frame
    deadline = frame[schema.TARGET_DATE].replace("", "9999-12-31")
    return (
        frame.assign(_d=deadline)
        .sort_values([schema.RISK, "_d"], kind="stable")
        .drop(columns="_d")
        .reset_index(drop=True)
    )


# --- the explanation --------------------------------------------------------------------------------------
_TEXT = {
    "en": {
        "synthetic": "Synthetic (demo) data. ",
        "none": "No observation yet, so progress cannot be judged",
        "one": "One observation ({value} on {date}) since {start}: a pace of {pace} a day, not a model",
        "one_alone": "One observation ({value} on {date}) and no baseline: no pace can be worked out",
        "few": "{n} observations, latest {value} on {date}: a pace of {pace} a day since {start} (too few for a model)",
        "many": "{n} observations, latest {value} on {date}: robust linear trend {pace} a day",
        "zero": "zero on {date}",
        "first": "{value} on {date}",
        "target": "target {goal} by {deadline}",
        "target_open": "target {goal}, no deadline given",
        "met": "already met",
        "reach": "reached around {date}",
        "reach_band": "reached around {date} (between {early} and {late})",
        "never_late": "never at the slowest edge of the band",
        "never": "not reached at this pace",
        "needed": "{pace} a day was needed",
        ACHIEVED: "achieved",
        ON_TRACK: "on track",
        NEEDS_ACCELERATION: "needs acceleration",
        LIMITED_PROGRESS: "limited progress",
        MOVING_AWAY: "moving away",
        NOT_ENOUGH_DATA: "not enough data",
        NO_DEADLINE: "no deadline given",
        MISSED: "missed",
        MET_BY_DEADLINE: "met by the deadline",
    },
    "vi": {
        "synthetic": "Số liệu minh họa (không thật). ",
        "none": "Chưa có quan sát nào nên chưa đánh giá được tiến độ",
        "one": "Một quan sát ({value} ngày {date}) kể từ {start}: tốc độ {pace} mỗi ngày, chỉ là tốc độ, chưa phải mô hình",
        "one_alone": "Một quan sát ({value} ngày {date}) và không có mốc xuất phát: chưa tính được tốc độ",
        "few": "{n} quan sát, gần nhất {value} ngày {date}: tốc độ {pace} mỗi ngày kể từ {start} (quá ít để lập mô hình)",
        "many": "{n} quan sát, gần nhất {value} ngày {date}: xu hướng tuyến tính bền vững {pace} mỗi ngày",
        "zero": "mức 0 ngày {date}",
        "first": "{value} ngày {date}",
        "target": "mục tiêu {goal} trước {deadline}",
        "target_open": "mục tiêu {goal}, không có thời hạn",
        "met": "đã đạt",
        "reach": "đạt vào khoảng {date}",
        "reach_band": "đạt vào khoảng {date} (từ {early} đến {late})",
        "never_late": "không bao giờ ở cận chậm nhất",
        "never": "không đạt được với tốc độ này",
        "needed": "cần {pace} mỗi ngày",
        ACHIEVED: "đã đạt",
        ON_TRACK: "đúng tiến độ",
        NEEDS_ACCELERATION: "cần tăng tốc",
        LIMITED_PROGRESS: "tiến triển hạn chế",
        MOVING_AWAY: "đi ngược mục tiêu",
        NOT_ENOUGH_DATA: "chưa đủ số liệu",
        NO_DEADLINE: "không có thời hạn",
        MISSED: "không đạt đúng hạn",
        MET_BY_DEADLINE: "đạt đúng hạn",
    },
}


def status_text(status: str, lang: str) -> str:
    """The status in words (``needs acceleration`` / ``cần tăng tốc``)."""
    return _TEXT[lang][status]


_PLAIN = {
    "en": {
        "none": "No value observed yet: progress cannot be judged",
        "alone": "Only one value so far ({value} on {date}): no pace can be worked out yet",
        "met": "Latest value {value} on {date}: the target ({goal}) is already met",
        "passed": "Deadline {deadline} has passed: {value} on {date}, the last value on or before it",
        "passed_none": "Deadline {deadline} has passed with no value observed on or before it",
        "after": "first value after it: {value} on {date}",
        "verdict_met": "target {goal} met",
        "verdict_missed": "target {goal} not met",
        "pace": "At the pace seen since {start} ({pace} a year), about {value} by {deadline}",
        "times": "the target ({goal}) needs {k} times that pace",
        "enough": "that pace is enough for the target ({goal})",
        "away": "Since {start} the values have moved away from the target ({pace} a year)",
        "open": "At the pace seen since {start} ({pace} a year), the target ({goal}) is reached around {date}",
        "open_never": "At the pace seen since {start} ({pace} a year), the target ({goal}) is not reached",
        "points": "percentage points",
    },
    "vi": {
        "none": "Chưa có giá trị nào: chưa đánh giá được tiến độ",
        "alone": "Mới có một giá trị ({value} ngày {date}): chưa tính được nhịp độ",
        "met": "Giá trị gần nhất {value} ngày {date}: đã đạt mục tiêu ({goal})",
        "passed": "Đã qua hạn {deadline}: {value} ngày {date}, giá trị cuối cùng đến hạn",
        "passed_none": "Đã qua hạn {deadline} mà không có giá trị nào đến hạn",
        "after": "giá trị đầu tiên sau hạn: {value} ngày {date}",
        "verdict_met": "đạt mục tiêu {goal}",
        "verdict_missed": "không đạt mục tiêu {goal}",
        "pace": "Theo nhịp độ từ {start} ({pace} mỗi năm), đến {deadline} đạt khoảng {value}",
        "times": "mục tiêu ({goal}) cần nhịp độ gấp {k} lần",
        "enough": "nhịp độ đó đủ để đạt mục tiêu ({goal})",
        "away": "Từ {start} các giá trị đi ngược mục tiêu ({pace} mỗi năm)",
        "open": "Theo nhịp độ từ {start} ({pace} mỗi năm), đạt mục tiêu ({goal}) vào khoảng {date}",
        "open_never": "Theo nhịp độ từ {start} ({pace} mỗi năm), không đạt được mục tiêu ({goal})",
        "points": "điểm phần trăm",
    },
}


def explain(row: dict, lang: str, unit: str = "") -> str:
    """A one-line explanation of a forecast row in plain words, in ``en`` or ``vi`` (the formulas: :func:`method_text`).

    A deadline that has passed: the last value on or before it, the first one after it, met or not.
    Otherwise: "at the pace seen since <baseline date> (<pace> <unit> a year), about <value> by
    <deadline>; the target needs <k> times that pace", where k is the pace needed from the latest
    value to the deadline divided by the pace observed since the baseline.

    Examples
    --------
    >>> row = {"n_observations": 1, "method": "pace", "baseline_kind": "zero start", "baseline_date": "2024-12-22",
    ...        "baseline_value": 0.0, "latest_date": "2025-11-03", "latest_value": 83.0, "observed_pace": 83 / 316,
    ...        "target_value": 156.0, "target_date": "2025-12-31", "projected_value": 98.2,
    ...        "forecast_status": "needs_acceleration", "statuses_used": "reported", "at_deadline_date": ""}
    >>> text = explain(row, "en", "tasks")
    >>> text.split("; ")[0]
    'At the pace seen since 2024-12-22 (+95.9 tasks a year), about 98.2 tasks by 2025-12-31'
    >>> text.split("; ")[1]
    'the target (156 tasks) needs 4.79 times that pace — needs acceleration.'
    """
    w, status = _PLAIN[lang], row[schema.FORECAST_STATUS]
    unit = w["points"] if unit == "%" else unit

    def amount(value: float, recorded: bool = False, signed: bool = False) -> str:
        text = _num(abs(value) if signed else value, lang, recorded)
        if signed and np.isfinite(value):
            text = ("+" if value >= 0 else "−") + text
        if unit == w["points"] and not signed:
            return f"{text}%"
        return f"{text} {unit}".strip()

    goal = amount(row[schema.TARGET_VALUE], recorded=True)
    deadline = _date(row[schema.TARGET_DATE], lang)
    n = int(row[schema.N_OBSERVATIONS])
    latest = {"value": amount(row[schema.LATEST_VALUE], recorded=True), "date": _date(row[schema.LATEST_DATE], lang)}
    start = _date(row[schema.BASELINE_DATE], lang)
    observed_pace = row.get(schema.OBSERVED_PACE, np.nan)
    pace_year = observed_pace * DAYS_A_YEAR if np.isfinite(observed_pace) else np.nan
    if (
        row.get(schema.AT_DEADLINE_DATE)
        or status in (MISSED, MET_BY_DEADLINE)
        or (status == NOT_ENOUGH_DATA and row.get(schema.AFTER_DEADLINE_DATE))
    ):
        if row.get(schema.AT_DEADLINE_DATE):
            parts = [
                w["passed"].format(
                    deadline=deadline,
                    value=amount(row[schema.AT_DEADLINE_VALUE], recorded=True),
                    date=_date(row[schema.AT_DEADLINE_DATE], lang),
                )
            ]
        else:
            parts = [w["passed_none"].format(deadline=deadline)]
        if row.get(schema.AFTER_DEADLINE_DATE):
            parts.append(
                w["after"].format(
                    value=amount(row[schema.AFTER_DEADLINE_VALUE], recorded=True),
                    date=_date(row[schema.AFTER_DEADLINE_DATE], lang),
                )
            )
        if status in (MISSED, MET_BY_DEADLINE):
            parts.append(w["verdict_met" if status == MET_BY_DEADLINE else "verdict_missed"].format(goal=goal))
    elif n == 0:
        parts = [w["none"]]
    elif status == ACHIEVED:
        parts = [w["met"].format(goal=goal, **latest)]
    elif row[schema.METHOD] == METHOD_NONE or not np.isfinite(pace_year):
        parts = [w["alone"].format(**latest)]
    elif not row[schema.TARGET_DATE]:
        key = "open" if row.get(schema.PROJECTED_DATE) else "open_never"
        parts = [
            w[key].format(
                start=start,
                pace=amount(pace_year, signed=True),
                goal=goal,
                date=_date(row.get(schema.PROJECTED_DATE) or "", lang),
            )
        ]
    else:
        goal_value, latest_value = float(row[schema.TARGET_VALUE]), float(row[schema.LATEST_VALUE])
        left = (_day(row[schema.TARGET_DATE]) - _day(row[schema.LATEST_DATE])).days
        observed = float(row[schema.OBSERVED_PACE])
        towards = (goal_value - latest_value) * observed > 0 or goal_value == latest_value
        if not towards and observed != 0 and (goal_value - latest_value) * observed < 0:
            parts = [w["away"].format(start=start, pace=amount(pace_year, signed=True))]
        else:
            parts = [
                w["pace"].format(
                    start=start,
                    pace=amount(pace_year, signed=True),
                    deadline=deadline,
                    value=amount(row[schema.PROJECTED_VALUE]),
                )
            ]
            needed = (goal_value - latest_value) / left if left > 0 else np.inf
            k = needed / observed if observed else np.inf
            if np.isfinite(k) and k <= 1:
                parts.append(w["enough"].format(goal=goal))
            elif np.isfinite(k):
                parts.append(w["times"].format(goal=goal, k=_num(k, lang)))
    prefix = _TEXT[lang]["synthetic"] if schema.STATUS_SYNTHETIC in str(row[schema.STATUSES_USED]) else ""
    return prefix + "; ".join(parts) + " — " + _TEXT[lang][status] + "."


def _num(value: float, lang: str, recorded: bool = False) -> str:
    """A number for the text: as recorded (up to 4 decimals) or, for computed ones, to 2-3 significant digits."""
    if value is None or not np.isfinite(value):
        return "–"
    if recorded:
        return i18n.format_number(value, None, lang)
    digits = 0 if value == 0 else max(0, 2 - math.floor(math.log10(abs(value))))
    return i18n.format_number(value, digits, lang)


def _date(iso: str, lang: str) -> str:
    return i18n.format_date(iso, lang) if iso else ""


def method_text(row: dict, lang: str) -> str:
    """The method behind a forecast row, with its paces a day, rules and models (the page's "method" expander)."""
    w = _TEXT[lang]
    n = int(row[schema.N_OBSERVATIONS])
    latest = {"value": _num(row[schema.LATEST_VALUE], lang, True), "date": _date(row[schema.LATEST_DATE], lang)}
    start = (
        w["zero"].format(date=_date(row[schema.BASELINE_DATE], lang))
        if row[schema.BASELINE_KIND] == ZERO_START
        else w["first"].format(
            value=_num(row[schema.BASELINE_VALUE], lang, True), date=_date(row[schema.BASELINE_DATE], lang)
        )
    )
    pace = _num(row[schema.OBSERVED_PACE], lang)
    if n == 0:
        data = w["none"]
    elif row[schema.METHOD] == METHOD_NONE:
        data = w["one_alone"].format(**latest)
    elif row[schema.METHOD] == METHOD_MODEL:
        data = w["many"].format(n=n, pace=pace, **latest)
    elif n == 1:
        data = w["one"].format(start=start, pace=pace, **latest)
    else:
        data = w["few"].format(n=n, start=start, pace=pace, **latest)
    goal = _num(row[schema.TARGET_VALUE], lang, True)
    goal_text = (
        w["target"].format(goal=goal, deadline=_date(row[schema.TARGET_DATE], lang))
        if row[schema.TARGET_DATE]
        else w["target_open"].format(goal=goal)
    )
    parts = [data, goal_text]
    status = row[schema.FORECAST_STATUS]
    if status == ACHIEVED:
        parts[-1] += ": " + w["met"]
    elif row[schema.METHOD] != METHOD_NONE:
        if row[schema.PROJECTED_DATE]:
            early, late = row[schema.PROJECTED_DATE_EARLY], row[schema.PROJECTED_DATE_LATE]
            reach = (
                w["reach_band"].format(
                    date=_date(row[schema.PROJECTED_DATE], lang),
                    early=_date(early, lang),
                    late=_date(late, lang) or w["never_late"],
                )
                if early
                else w["reach"].format(date=_date(row[schema.PROJECTED_DATE], lang))
            )
        else:
            reach = w["never"]
        parts[-1] += ": " + reach
        if np.isfinite(row[schema.REQUIRED_PACE]):
            parts.append(w["needed"].format(pace=_num(row[schema.REQUIRED_PACE], lang)))
    prefix = w["synthetic"] if schema.STATUS_SYNTHETIC in str(row[schema.STATUSES_USED]) else ""
    return prefix + "; ".join(parts) + " — " + w[status] + "."


def uses_synthetic(forecasts: pd.DataFrame) -> pd.Series:
    """Whether each forecast used a synthetic value (its ``statuses_used`` lists ``synthetic``).

    Examples
    --------
    >>> rows = pd.DataFrame({"statuses_used": ["reported, synthetic", "reported", "", None]})
    >>> uses_synthetic(rows).tolist()
    [True, False, False, False]
    """
    used = forecasts[schema.STATUSES_USED].fillna("").astype(str).str.split(", ")
    return used.map(lambda statuses: schema.STATUS_SYNTHETIC in statuses).astype(bool)


def with_pillars(forecasts: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The forecasts with each indicator's pillar (``pillar`` column, from the catalogue).

    Examples
    --------
    >>> cat = pd.DataFrame({"indicator_id": ["a", "b"], "pillar": ["rd", "digital"]})
    >>> with_pillars(pd.DataFrame({"indicator_id": ["b", "c"]}), cat)["pillar"].tolist()
    ['digital', nan]
    """
    cat = benchmarking.indexed_catalogue(indicators)
    return forecasts.assign(pillar=forecasts[schema.INDICATOR].map(cat["pillar"]))
