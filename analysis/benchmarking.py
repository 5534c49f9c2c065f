"""Benchmarking of province values: each province against the nation, its peers and the others.

Public contract (stable; the Map page's tooltips and the Compare and Profile pages use it)
========================================================================================

``benchmark(obs, indicator, period, layout, *, indicators=None, provinces=None) -> DataFrame``
    One row per province of ``layout`` (63 or 34 rows, sorted by code), provinces without a value
    included with ``value`` NaN and empty text, so "no data" can be listed. Columns, in order
    (names are constants of :mod:`data.schema`, shown here by value):

    ============================ ===================================================================
    ``geo_code``                 province code in ``layout``
    ``value``                    the province's value in ``period`` (NaN: no data)
    ``status``                   ``reported``, ``derived`` or ``synthetic`` ("" without a value)
    ``source_id``                key of ``data/sources.toml`` (``derived_here``/``synthetic_demo``
                                 for values computed here)
    ``value_qualifier``          ``about``, ``more than``... as the source says
    ``derived_from``             for derived values: the inputs and the rule
    ``national_value``           the nation's value (NaN when there is none, see below)
    ``national_status``          its status ("" when none)
    ``national_source_id``       its source
    ``national_period``          its period (the same as ``period``, or the same date)
    ``national_derived_from``    how it was computed, when it was
    ``difference``               value - national_value
    ``ratio``                    value / national_value
    ``rank``                     1 = best by the indicator's direction; ties share the best rank
                                 (method "min"); <NA> without a value
    ``rank_of``                  number of provinces with a value
    ``percentile``               0-100: share of the *other* provinces with a value that this one
                                 does strictly better than; NaN with fewer than two values
    ``quartile``                 1 (best quarter) to 4: floor(4 * (rank - 1) / rank_of) + 1
    ``z_score``                  (value - mean) / standard deviation (ddof=1) of the provinces'
                                 values; not turned round for "lower is better"
    ``peer_group``               GSO region code (see "Peer groups")
    ``peer_average``             unweighted mean of the values of the peer group's provinces,
                                 this one included
    ``peer_count``               provinces of the peer group with a value
    ``previous_period``          the latest earlier period of the same granularity that has values
    ``previous_value``           the province's value then
    ``change``                   value - previous_value
    ``indicator_id``, ``period``, ``date`` (end of the period), ``layout``, ``unit``,
    ``direction`` (``higher`` or ``lower`` is better)
    ============================ ===================================================================

``periods_for(obs, indicator, layout, *, indicators=None) -> list[str]``
    Periods in which at least one province of ``layout`` has a value (own or converted), oldest
    first (by end date, then label).

``values_for_layout(obs, indicator, layout, *, indicators=None) -> DataFrame``
    Every province value of an indicator in a layout, one row per (province, period), tidy
    observation columns. Besides the layout's own rows it holds, at lower precedence:

    * ratios recomputed from their numerator and denominator in the same layout (R&D staff per
      10,000 from R&D staff and population), marked ``derived`` with their inputs
      (:func:`analysis.aggregation.derive_ratio`);
    * for the 2025 layout, values aggregated from the 2008 layout by the catalogue rule
      (:func:`analysis.aggregation.to_new_layout`: counts add, ratios recomputed, coverage
      population-weighted, rule ``none`` never);
    * for the 2008 layout, the value of an unmerged province (same code, same territory in both
      layouts, e.g. Hà Nội) from the 2025 layout, for every rule but ``none``.

    Precedence per (province, period): reported, then derived, then synthetic; within a status,
    the layout's own row, then a ratio recomputed in the layout, then a converted value. A
    converted or recomputed value is ``synthetic`` when any input is. Targets never enter.

National value
    The nation's row of the data for the indicator and period (exact period, or, for
    point-in-time reports, a day-dated row on the period's end date, or a period ending on the
    day asked for); otherwise computed from every province of the layout by the aggregation
    rule (:func:`analysis.aggregation.to_nation`: sum for counts, ratio of sums, population-weighted
    shares; rule ``none`` gives no national value), marked ``derived`` (``synthetic`` when an input
    is). A partial sum is never shown as the nation's: every province must have a value.

Peer groups
    The six GSO socio-economic regions. 2008 layout: the province's region in the registry.
    2025 layout: the region of the 2008 province with the same code. Every 2025 code is the code
    of one of its predecessors, the one whose capital became the seat (Gia Lai 52 = Bình Định,
    seat Quy Nhơn: North Central and Central Coast; Tây Ninh 80 = Long An, seat Tân An: Mekong
    River Delta), so this is the region of the province's seat.

Callers filter ``obs`` to the statuses they show (the sidebar's synthetic switch) before calling.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from analysis import aggregation
from data import catalogue, registry, schema

_PLACE = [schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE, schema.INDICATOR, schema.STATUS]
VALUE_STATUSES = (schema.STATUS_REPORTED, schema.STATUS_DERIVED, schema.STATUS_SYNTHETIC)
_STATUS_ORDER = {schema.STATUS_REPORTED: 0, schema.STATUS_DERIVED: 1, schema.STATUS_SYNTHETIC: 2}
_REAL_STATUSES = (schema.STATUS_REPORTED, schema.STATUS_DERIVED)
_OWN, _RECOMPUTED, _CONVERTED = 0, 1, 2
_ORDER = "_order"

#: Columns of :func:`benchmark`, in order.
BENCHMARK_COLUMNS = (
    schema.GEO_CODE,
    schema.VALUE,
    schema.STATUS,
    schema.SOURCE_ID,
    schema.QUALIFIER,
    schema.DERIVED_FROM,
    schema.NATIONAL_VALUE,
    schema.NATIONAL_STATUS,
    schema.NATIONAL_SOURCE_ID,
    schema.NATIONAL_PERIOD,
    schema.NATIONAL_DERIVED_FROM,
    schema.DIFFERENCE,
    schema.RATIO,
    schema.RANK,
    schema.RANK_OF,
    schema.PERCENTILE,
    schema.QUARTILE,
    schema.Z_SCORE,
    schema.PEER_GROUP,
    schema.PEER_AVERAGE,
    schema.PEER_COUNT,
    schema.PREVIOUS_PERIOD,
    schema.PREVIOUS_VALUE,
    schema.CHANGE,
    schema.INDICATOR,
    schema.PERIOD,
    schema.DATE,
    schema.LAYOUT,
    schema.UNIT,
    schema.DIRECTION,
)
_TEXT = (schema.STATUS, schema.SOURCE_ID, schema.QUALIFIER, schema.DERIVED_FROM)


def latest_values(obs: pd.DataFrame) -> pd.DataFrame:
    """The most recent observation of each place, indicator and status.

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations with at least :data:`data.schema.OBSERVATION_COLUMNS`' place columns,
        ``indicator_id``, ``status`` and ``date``.

    Returns
    -------
    pandas.DataFrame
        One row per (geo_level, layout, geo_code, indicator_id, status): the row with the latest
        ``date``. Ties on date keep the last row given. Same columns as ``obs``.

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": ["nation"] * 2, "layout": ["", ""], "geo_code": ["VN"] * 2,
    ...     "indicator_id": ["g5_population_coverage"] * 2, "status": ["reported"] * 2,
    ...     "date": ["2025-06-30", "2025-10-31"], "value": [26.0, 39.52]})
    >>> latest_values(obs)["value"].tolist()
    [39.52]
    """
    if obs.empty:
        return obs.copy()
    ordered = obs.sort_values(schema.DATE, kind="stable")
    return ordered.drop_duplicates(_PLACE, keep="last").sort_index().reset_index(drop=True)


# --- values of a layout ------------------------------------------------------------------------------
def indexed_catalogue(indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The catalogue indexed by indicator id (accepts it indexed or not; default: the bundled one)."""
    cat = indicators if indicators is not None else catalogue.indicators()
    return cat if cat.index.name == schema.INDICATOR else cat.set_index(schema.INDICATOR)


def inputs_of(indicator: str, indicators: pd.DataFrame | None = None) -> list[str]:
    """The indicator and what its aggregation needs (numerator, denominator, population).

    Examples
    --------
    >>> inputs_of("rd_staff_per_10k")
    ['population', 'rd_staff', 'rd_staff_per_10k']
    """
    cat = indexed_catalogue(indicators)
    found = {indicator}
    if indicator in cat.index:
        spec = cat.loc[indicator]
        if spec["aggregation"] == "ratio":
            found |= {spec["numerator"], spec["denominator"]}
        if spec["aggregation"] == "population_weighted" or spec["denominator"] == aggregation.POPULATION:
            found.add(aggregation.POPULATION)
    return sorted(found)


def _own(obs: pd.DataFrame, indicators, layout: str) -> pd.DataFrame:
    mask = (
        (obs[schema.GEO_LEVEL] == "province")
        & (obs[schema.LAYOUT] == layout)
        & obs[schema.INDICATOR].isin(list(indicators))
        & obs[schema.STATUS].isin(VALUE_STATUSES)
    )
    return obs.loc[mask].reindex(columns=list(schema.OBSERVATION_COLUMNS))


def _best(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep one row per key: best status first, then the lowest ``_order``."""
    if frame.empty:
        return frame.drop(columns=[_ORDER], errors="ignore").reset_index(drop=True)
    rank = frame[schema.STATUS].map(_STATUS_ORDER).fillna(9) * 10 + frame[_ORDER]
    ordered = frame.assign(_rank=rank).sort_values("_rank", kind="stable")
    return ordered.drop_duplicates(keys).drop(columns=["_rank", _ORDER]).reset_index(drop=True)


def _layout_values(
    obs: pd.DataFrame, wanted, layout: str, cat: pd.DataFrame, convert: bool = True, recompute: bool = True
) -> pd.DataFrame:
    """Values of every indicator in ``wanted`` for the provinces of ``layout`` (see the module doc).

    ``convert=False`` leaves out values converted from the other layout; ``recompute=False``
    leaves out ratios recomputed from their inputs (not needed as inputs of an aggregation,
    which recomputes ratios from the sums). Values that could not win over the layout's own
    (see :func:`_settled`) are not computed at all.
    """
    wanted = sorted(set(wanted) & set(cat.index))
    cat_frame = cat.reset_index()
    own = _own(obs, wanted, layout)
    settled = _settled(own, obs, layout, cat)
    parts = [own.assign(**{_ORDER: _OWN})]
    present = set(obs.loc[obs[schema.LAYOUT] == layout, schema.INDICATOR])
    for ind in wanted if recompute else []:
        if cat.loc[ind, "aggregation"] == "ratio" and cat.loc[ind, "numerator"] in present:
            numerator = (obs[schema.INDICATOR] == cat.loc[ind, "numerator"]) & (obs[schema.LAYOUT] == layout)
            useless = numerator & obs[schema.PERIOD].isin({p for i, p in settled if i == ind})
            if (numerator & ~useless).any():
                parts.append(
                    aggregation.derive_ratio(obs[~useless], ind, layout, cat_frame).assign(**{_ORDER: _RECOMPUTED})
                )
    if convert and layout == schema.LAYOUT_2025:
        convertible = [i for i in wanted if cat.loc[i, "aggregation"] != "none"]
        needed = sorted({i for ind in convertible for i in inputs_of(ind, cat)})
        old_rows = obs[(obs[schema.LAYOUT] == schema.LAYOUT_2008) & obs[schema.INDICATOR].isin(needed)]
        # a converted value exists for the periods of its driving input (a ratio's numerator, else itself)
        driver = {i: cat.loc[i, "numerator"] if cat.loc[i, "aggregation"] == "ratio" else i for i in convertible}
        open_periods = {
            p
            for i in convertible
            for p in set(old_rows.loc[old_rows[schema.INDICATOR] == driver[i], schema.PERIOD])
            if (i, p) not in settled
        }
        if open_periods:
            old_rows = old_rows[
                old_rows[schema.PERIOD].isin(open_periods) | (old_rows[schema.INDICATOR] == aggregation.POPULATION)
            ]
            old = _layout_values(old_rows, needed, schema.LAYOUT_2008, cat, convert=False, recompute=False)
            if not old.empty:
                new = aggregation.to_new_layout(old, cat_frame, only=convertible)
                parts.append(new.assign(**{_ORDER: _CONVERTED}))
    elif convert and layout == schema.LAYOUT_2008:
        parts.append(_same_territory(_layout_values(obs, wanted, schema.LAYOUT_2025, cat, convert=False), cat))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return schema.empty_observations()
    both = pd.concat(parts, ignore_index=True)
    return _best(both, [schema.INDICATOR, schema.GEO_CODE, schema.PERIOD])


def _settled(own: pd.DataFrame, obs: pd.DataFrame, layout: str, cat: pd.DataFrame) -> set[tuple[str, str]]:
    """(indicator, period) pairs for which no recomputed or converted value could replace an own one.

    Every province of the layout has its own value, and either none is synthetic (an own reported
    or derived value beats any computed one) or no input of the indicator has a real value in
    that period anywhere (a computed value would be synthetic too, and the own one wins a tie).
    """
    if own.empty:
        return set()
    n = len(registry.provinces(layout))
    flagged = own.assign(_synthetic=own[schema.STATUS] == schema.STATUS_SYNTHETIC)
    groups = flagged.groupby([schema.INDICATOR, schema.PERIOD]).agg(
        _n=(schema.GEO_CODE, "nunique"), _synthetic=("_synthetic", "any")
    )
    full = groups[groups["_n"] == n]
    real = obs[(obs[schema.GEO_LEVEL] == "province") & obs[schema.STATUS].isin(_REAL_STATUSES)]
    real_pairs = set(zip(real[schema.INDICATOR], real[schema.PERIOD]))
    found = set()
    for (ind, period), synthetic in full["_synthetic"].items():
        if not synthetic or not any(
            (i, period) in real_pairs for i in inputs_of(ind, cat) if i != aggregation.POPULATION
        ):
            found.add((ind, period))
    return found


def _same_territory(new: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """2025 values of the provinces that were not merged, as values of the same 2008 province."""
    xwalk = registry.crosswalk()
    alone = xwalk.groupby(schema.NEW_CODE)[schema.OLD_CODE].transform("size") == 1
    same = set(xwalk.loc[alone & (xwalk[schema.OLD_CODE] == xwalk[schema.NEW_CODE]), schema.NEW_CODE])
    rules = new[schema.INDICATOR].map(cat["aggregation"])
    out = new[new[schema.GEO_CODE].isin(same) & (rules != "none")].copy()
    out[schema.LAYOUT] = schema.LAYOUT_2008
    synthetic = out[schema.STATUS] == schema.STATUS_SYNTHETIC
    out[schema.STATUS] = np.where(synthetic, schema.STATUS_SYNTHETIC, schema.STATUS_DERIVED)
    out[schema.SOURCE_ID] = np.where(synthetic, "synthetic_demo", "derived_here")
    out[schema.DERIVED_FROM] = (
        "value of the same province in the 2025 layout (" + out[schema.GEO_CODE] + "), territory unchanged"
    )
    out[schema.QUALIFIER] = out[schema.QUALIFIER].astype(object).fillna("")  # an all-empty column reads as float64
    return out.assign(**{_ORDER: _CONVERTED})


def values_for_layout(
    obs: pd.DataFrame,
    indicator: str,
    layout: str,
    *,
    indicators: pd.DataFrame | None = None,
    with_inputs: bool = False,
) -> pd.DataFrame:
    """Every province value of ``indicator`` in ``layout``, converted ones included (see the module doc).

    ``with_inputs=True`` also returns the values of its inputs (numerator, denominator,
    population). Such a frame, with the nation's rows added, can stand in for ``obs`` in
    :func:`benchmark`, :func:`periods_for` and :func:`national_values` of the same indicator and
    layout, with the same results and without converting again.

    Returns
    -------
    pandas.DataFrame
        Tidy observation columns, one row per (indicator, province, period), sorted by indicator,
        code and date.

    Examples
    --------
    Old Thái Nguyên (19) and Bắc Kạn (06) make new Thái Nguyên (19): their staff add up.

    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2008", "geo_code": ["06", "19"],
    ...     "indicator_id": "rd_staff", "period": "2025-Q4", "granularity": "quarter",
    ...     "date": "2025-12-31", "value": [100.0, 900.0], "status": "reported"})
    >>> values_for_layout(obs, "rd_staff", "2025")[["geo_code", "value", "status"]].values.tolist()
    [['19', 1000.0, 'derived']]
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = indexed_catalogue(indicators)
    wanted = inputs_of(indicator, cat)
    obs = _restrict(obs, wanted)
    values = _layout_values(obs, wanted if with_inputs else [indicator], layout, cat)
    return values.sort_values([schema.INDICATOR, schema.GEO_CODE, schema.DATE], kind="stable").reset_index(drop=True)


def _restrict(obs: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    return obs[obs[schema.INDICATOR].isin(indicators)].reindex(columns=list(schema.OBSERVATION_COLUMNS))


def periods_for(obs: pd.DataFrame, indicator: str, layout: str, *, indicators: pd.DataFrame | None = None) -> list[str]:
    """Periods with at least one province value of ``indicator`` in ``layout`` (own or converted), oldest first."""
    values = values_for_layout(obs, indicator, layout, indicators=indicators)
    return _sorted_periods(values)


def _sorted_periods(values: pd.DataFrame) -> list[str]:
    periods = values[[schema.DATE, schema.PERIOD]].drop_duplicates().sort_values([schema.DATE, schema.PERIOD])
    return [str(p) for p in periods[schema.PERIOD].drop_duplicates()]


# --- national values ------------------------------------------------------------------------------
def _nation_rows(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    mask = (
        (obs[schema.GEO_LEVEL] == "nation")
        & (obs[schema.INDICATOR] == indicator)
        & obs[schema.STATUS].isin(VALUE_STATUSES)
    )
    rows = obs.loc[mask].reindex(columns=list(schema.OBSERVATION_COLUMNS)).assign(**{_ORDER: _OWN})
    return _best(rows, [schema.PERIOD])


def _national_at(
    own: pd.DataFrame, inputs: pd.DataFrame, indicator: str, period: str, layout: str, cat: pd.DataFrame
) -> pd.Series | None:
    """The nation's value for one period: its own row (period, or point-in-time date), else computed."""
    granularity, _, end = schema.parse_period(period)
    exact = own[own[schema.PERIOD] == period]
    if exact.empty:
        point = (own[schema.GRANULARITY] == "day") | (granularity == "day")
        exact = own[(own[schema.DATE] == end.isoformat()) & point]
    if not exact.empty:
        return exact.iloc[0]
    spec = cat.loc[indicator]
    if spec["aggregation"] == "none":
        return None
    driver = spec["numerator"] if spec["aggregation"] == "ratio" else indicator
    provinces_with = inputs.loc[
        (inputs[schema.INDICATOR] == driver) & (inputs[schema.PERIOD] == period), schema.GEO_CODE
    ]
    if provinces_with.nunique() < len(registry.provinces(layout)):
        return None  # a partial sum is never the nation's
    at = inputs[(inputs[schema.PERIOD] == period) | (inputs[schema.INDICATOR] == aggregation.POPULATION)]
    computed = aggregation.to_nation(at, indicator, layout, cat.reset_index())
    computed = computed[computed[schema.PERIOD] == period]
    return None if computed.empty else computed.iloc[0]


def national_values(
    obs: pd.DataFrame, indicator: str, layout: str, *, indicators: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The nation's value in every period: its own rows, else computed from the provinces of ``layout``.

    Returns
    -------
    pandas.DataFrame
        Nation rows (tidy observation columns), one per period, oldest first. Own rows (reported
        first) win over computed ones for the same period.
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = indexed_catalogue(indicators)
    obs = _restrict(obs, inputs_of(indicator, cat))
    parts = [_nation_rows(obs, indicator).assign(**{_ORDER: _OWN})]
    if indicator in cat.index and cat.loc[indicator, "aggregation"] != "none":
        inputs = _layout_values(obs, inputs_of(indicator, cat), layout, cat)
        parts.append(aggregation.to_nation(inputs, indicator, layout, cat.reset_index()).assign(**{_ORDER: _CONVERTED}))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return schema.empty_observations()
    out = _best(pd.concat(parts, ignore_index=True), [schema.PERIOD])
    return out.sort_values([schema.DATE, schema.PERIOD]).reset_index(drop=True)


# --- the benchmark -----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def _peer_groups(layout: str) -> dict[str, str]:
    old = registry.provinces(schema.LAYOUT_2008).set_index(schema.CODE)[schema.REGION]
    return {code: old.get(code, "") for code in registry.provinces(layout)[schema.CODE]}


def peer_groups(layout: str) -> dict[str, str]:
    """GSO region code of every province of ``layout``, by code (see "Peer groups" above).

    Examples
    --------
    >>> [peer_groups("2025")[code] for code in ("52", "80", "19")]
    ['NCC', 'MRD', 'NMM']
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    return dict(_peer_groups(layout))


def benchmark(
    obs: pd.DataFrame,
    indicator: str,
    period: str,
    layout: str,
    *,
    indicators: pd.DataFrame | None = None,
    provinces: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each province of ``layout`` against the nation, its peers and the others (see the module doc).

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations of both layouts and the nation, filtered to the statuses to show. For a
        ratio, include its numerator and denominator; for population-weighted shares, population.
    indicator : str
        Key of the catalogue.
    period : str
        Period label (``2025-Q4``, ``2025-11-03``...).
    layout : {"2008", "2025"}
    indicators : pandas.DataFrame, optional
        The catalogue (:func:`data.catalogue.indicators`), indexed or not.
    provinces : pandas.DataFrame, optional
        The registry (:func:`data.registry.provinces`); only its rows of ``layout`` are used.

    Returns
    -------
    pandas.DataFrame
        :data:`BENCHMARK_COLUMNS`, one row per province of the layout, sorted by code.

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": ["province", "nation"], "layout": ["2025", ""],
    ...     "geo_code": ["19", "VN"], "indicator_id": "rd_staff_per_10k", "period": "2025-11-03",
    ...     "granularity": "day", "date": "2025-11-03", "value": [10.3, 8.2], "status": "reported"})
    >>> row = benchmark(obs, "rd_staff_per_10k", "2025-11-03", "2025").set_index("geo_code").loc["19"]
    >>> [float(row[c]) for c in ("value", "national_value", "rank", "rank_of")]
    [10.3, 8.2, 1.0, 1.0]
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = indexed_catalogue(indicators)
    obs = _restrict(obs, inputs_of(indicator, cat))
    inputs = _layout_values(obs, inputs_of(indicator, cat), layout, cat)
    values = inputs[inputs[schema.INDICATOR] == indicator]
    national = _national_at(_nation_rows(obs, indicator), inputs, indicator, period, layout, cat)
    return _table(values, national, indicator, period, layout, cat, provinces)


def _codes(layout: str, provinces: pd.DataFrame | None) -> pd.Series:
    frame = provinces if provinces is not None else registry.provinces(layout)
    if schema.LAYOUT in frame:
        frame = frame[frame[schema.LAYOUT] == layout]
    return frame[schema.CODE].sort_values().reset_index(drop=True)


def _table(
    values: pd.DataFrame,
    national: pd.Series | None,
    indicator: str,
    period: str,
    layout: str,
    cat: pd.DataFrame,
    provinces: pd.DataFrame | None,
) -> pd.DataFrame:
    """The benchmark frame (:data:`BENCHMARK_COLUMNS`), built column by column from plain arrays."""
    spec = cat.loc[indicator]
    granularity, _, end = schema.parse_period(period)
    codes = _codes(layout, provinces).to_numpy(dtype=object)
    n_rows = len(codes)
    now = values[values[schema.PERIOD] == period]
    row_of = {code: i for i, code in enumerate(now[schema.GEO_CODE])}
    at = [row_of.get(code, -1) for code in codes]

    def pick(column: str, missing):
        found = now[column].to_numpy(dtype=object)
        return [found[i] if i >= 0 and not _blank(found[i]) else missing for i in at]

    out: dict[str, object] = {schema.GEO_CODE: codes}
    value = np.array(pick(schema.VALUE, np.nan), dtype="float64")
    out[schema.VALUE] = value
    for col in _TEXT:
        out[col] = [str(v) for v in pick(col, "")]

    def nat(col: str, default=""):
        found = default if national is None else national[col]
        return default if _blank(found) else found

    national_value = float(nat(schema.VALUE, np.nan))
    out[schema.NATIONAL_VALUE] = np.full(n_rows, national_value)
    for col, name in (
        (schema.STATUS, schema.NATIONAL_STATUS),
        (schema.SOURCE_ID, schema.NATIONAL_SOURCE_ID),
        (schema.PERIOD, schema.NATIONAL_PERIOD),
        (schema.DERIVED_FROM, schema.NATIONAL_DERIVED_FROM),
    ):
        out[name] = [str(nat(col))] * n_rows
    out[schema.DIFFERENCE] = value - national_value
    out[schema.RATIO] = value / national_value if national_value else np.full(n_rows, np.nan)

    ascending = spec["direction"] == "lower"
    series = pd.Series(value)
    n = int(np.isfinite(value).sum())
    rank = series.rank(method="min", ascending=ascending).to_numpy()
    out[schema.RANK] = rank
    out[schema.RANK_OF] = np.full(n_rows, n)
    if catalogue.is_rank(str(spec["unit"])):  # a published rank is the rank, in its own field (63, 34...)
        field = pd.to_numeric(pd.Series(pick(schema.RANK_OF, np.nan)), errors="coerce").to_numpy()
        out[schema.RANK] = value
        out[schema.RANK_OF] = np.where(np.isfinite(field) & np.isfinite(value), field, n)
    worse = n - series.rank(method="max", ascending=ascending).to_numpy()
    out[schema.PERCENTILE] = 100.0 * worse / (n - 1) if n > 1 else np.full(n_rows, np.nan)
    out[schema.QUARTILE] = np.floor(4 * (rank - 1) / max(n, 1)) + 1
    std = float(np.nanstd(value, ddof=1)) if n > 1 else np.nan
    out[schema.Z_SCORE] = (value - np.nanmean(value)) / std if n > 1 and std > 0 else np.full(n_rows, np.nan)

    peers = peer_groups(layout)
    group = [peers.get(code, "") or "" for code in codes]
    sums: dict[str, list[float]] = {}
    for g, v in zip(group, value):
        if np.isfinite(v):
            sums.setdefault(g, []).append(v)
    out[schema.PEER_GROUP] = group
    out[schema.PEER_AVERAGE] = [float(np.mean(sums[g])) if g in sums else np.nan for g in group]
    out[schema.PEER_COUNT] = [len(sums.get(g, ())) for g in group]

    earlier = values[(values[schema.GRANULARITY] == granularity) & (values[schema.DATE] < end.isoformat())]
    previous = _sorted_periods(earlier)[-1] if not earlier.empty else ""
    before = earlier[earlier[schema.PERIOD] == previous]
    before = dict(zip(before[schema.GEO_CODE], before[schema.VALUE]))
    previous_value = np.array([before.get(code, np.nan) for code in codes], dtype="float64")
    out[schema.PREVIOUS_PERIOD] = [previous] * n_rows
    out[schema.PREVIOUS_VALUE] = previous_value
    out[schema.CHANGE] = value - previous_value

    out[schema.INDICATOR] = [indicator] * n_rows
    out[schema.PERIOD] = [period] * n_rows
    out[schema.DATE] = [end.isoformat()] * n_rows
    out[schema.LAYOUT] = [layout] * n_rows
    out[schema.UNIT] = [spec["unit"]] * n_rows
    out[schema.DIRECTION] = [spec["direction"]] * n_rows
    frame = pd.DataFrame(out, columns=list(BENCHMARK_COLUMNS))
    for col in (schema.RANK, schema.RANK_OF, schema.QUARTILE, schema.PEER_COUNT):
        frame[col] = frame[col].astype("Int64")
    return frame


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def province_profile(
    obs: pd.DataFrame,
    geo_code: str,
    layout: str,
    *,
    indicators: pd.DataFrame | None = None,
    provinces: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every indicator of one province at its latest period, benchmarked (the Profile page).

    Returns
    -------
    pandas.DataFrame
        One row per indicator the province has a value for: the province's row of
        :func:`benchmark` at the latest period it has a reported or derived value in (by end date;
        on equal dates the finer period); synthetic values only for an indicator it has no other
        value of, so a demonstration value never hides a real one. Columns
        :data:`BENCHMARK_COLUMNS`, in catalogue order.
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = indexed_catalogue(indicators)
    obs = obs.reindex(columns=list(schema.OBSERVATION_COLUMNS))
    present = set(obs[schema.INDICATOR]) & set(cat.index)
    wanted = sorted({i for ind in present for i in inputs_of(ind, cat)})
    inputs = _layout_values(obs, wanted, layout, cat)
    mine = inputs[inputs[schema.GEO_CODE] == geo_code]
    fine = {g: i for i, g in enumerate(schema.GRANULARITIES)}
    real = mine[schema.STATUS] != schema.STATUS_SYNTHETIC
    mine = mine.assign(_fine=mine[schema.GRANULARITY].map(fine), _real=real).sort_values(
        ["_real", schema.DATE, "_fine"]
    )
    latest = mine.drop_duplicates(schema.INDICATOR, keep="last").set_index(schema.INDICATOR)[schema.PERIOD]
    rows = []
    by_indicator = dict(tuple(inputs.groupby(schema.INDICATOR)))
    nation = obs[obs[schema.GEO_LEVEL] == "nation"]
    nation_by = dict(tuple(nation.groupby(schema.INDICATOR)))
    for ind in [i for i in cat.index if i in latest.index]:
        needed = pd.concat([by_indicator[i] for i in inputs_of(ind, cat) if i in by_indicator], ignore_index=True)
        values = by_indicator[ind]
        national = _national_at(
            _nation_rows(nation_by.get(ind, nation.iloc[:0]), ind), needed, ind, latest[ind], layout, cat
        )
        table = _table(values, national, ind, latest[ind], layout, cat, provinces)
        rows.append(table[table[schema.GEO_CODE] == geo_code])
    if not rows:
        return pd.DataFrame(columns=list(BENCHMARK_COLUMNS))
    return pd.concat(rows, ignore_index=True)


#: Fewer provinces than this with a value: a rank or a peer average says nothing ("Rank 1/1").
MIN_REPORTING = 3


def sparse_reason(rank_of: float, peer_count: float) -> tuple[bool, bool]:
    """Whether a province's rank, and its peer average, are too thin to show.

    Parameters
    ----------
    rank_of : float
        How many provinces have a value (``rank_of`` of :func:`benchmark`; NaN without a rank).
    peer_count : float
        How many provinces of the peer group have a value, the province included (``peer_count``).

    Returns
    -------
    (bool, bool)
        ``(rank too thin, peer average too thin)``: fewer than :data:`MIN_REPORTING` provinces rank, or
        fewer than two peers (an average of one is the province's own value).

    Examples
    --------
    >>> sparse_reason(1, 1), sparse_reason(34, 5), sparse_reason(float("nan"), 0)
    ((True, True), (False, False), (True, True))
    """
    thin_rank = pd.isna(rank_of) or rank_of < MIN_REPORTING
    thin_peers = pd.isna(peer_count) or peer_count < 2
    return bool(thin_rank), bool(thin_peers)


def national_row(national: pd.DataFrame, provinces: pd.DataFrame, total: int) -> dict | None:
    """One indicator of the national profile: the nation's latest value and how many provinces report then.

    Parameters
    ----------
    national : pandas.DataFrame
        :func:`national_values` of the indicator (one row per period, oldest first).
    provinces : pandas.DataFrame
        The layout's province values of the indicator (tidy rows, any period).
    total : int
        Number of provinces of the layout.

    Returns
    -------
    dict or None
        ``period``, ``value``, ``status``, ``source_id``, ``qualifier`` of the latest national row,
        ``reporting`` (provinces with a value in that period) and ``total``; None without a national value.

    Examples
    --------
    >>> nat = pd.DataFrame({"period": ["2025-Q2", "2025-10"], "date": ["2025-06-30", "2025-10-31"],
    ...     "value": [26.0, 39.52], "status": "reported", "source_id": "mst", "value_qualifier": ""})
    >>> prov = pd.DataFrame({"period": ["2025-10", "2025-10", "2025-Q2"], "geo_code": ["01", "19", "01"],
    ...     "value": [50.0, float("nan"), 30.0]})
    >>> row = national_row(nat, prov, 34)
    >>> row["period"], row["value"], row["reporting"], row["total"]
    ('2025-10', 39.52, 1, 34)
    """
    have = national[national[schema.VALUE].notna()]
    if have.empty:
        return None
    latest = have.sort_values(schema.DATE, kind="stable").iloc[-1]
    same = provinces[(provinces[schema.PERIOD] == latest[schema.PERIOD]) & provinces[schema.VALUE].notna()]
    return {
        schema.PERIOD: str(latest[schema.PERIOD]),
        schema.VALUE: float(latest[schema.VALUE]),
        schema.STATUS: str(latest[schema.STATUS]),
        schema.SOURCE_ID: str(latest[schema.SOURCE_ID]),
        schema.QUALIFIER: str(latest.get(schema.QUALIFIER) or ""),
        "reporting": int(same[schema.GEO_CODE].nunique()),
        "total": int(total),
    }


def indicators_with_values(obs: pd.DataFrame, layout: str, indicators: pd.DataFrame | None = None) -> list[str]:
    """Indicators that have province values (not targets) in a layout, own or convertible, in catalogue order.

    In the 2025 layout every indicator with province values counts (values of the 2008 layout are
    converted to it); in the 2008 layout an indicator counts if it has values of that layout, or
    values of the other layout and an aggregation rule (``aggregation != "none"``).

    Parameters
    ----------
    obs : pandas.DataFrame
        Province observations (``geo_level``, ``layout``, ``indicator_id``, ``status``).
    layout : {"2008", "2025"}
    indicators : pandas.DataFrame, optional
        The catalogue (``indicator_id``, ``aggregation``); the bundled one by default.

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": "province", "layout": ["2025", "2025", "2008"],
    ...                     "indicator_id": ["pii_score", "population", "rd_staff_per_10k"],
    ...                     "status": ["reported", "reported", "target"]})
    >>> indicators_with_values(obs, "2025")
    ['pii_score', 'population']
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = indexed_catalogue(indicators)
    values = obs[(obs[schema.GEO_LEVEL] == "province") & (obs[schema.STATUS] != schema.STATUS_TARGET)]
    present = set(values[schema.INDICATOR])
    if layout == schema.LAYOUT_2025:
        return [i for i in cat.index if i in present]
    own = set(values.loc[values[schema.LAYOUT] == layout, schema.INDICATOR])
    return [i for i in cat.index if i in own or (i in present and cat.loc[i, "aggregation"] != "none")]


def nearest_period(periods: list[str], period: str) -> str:
    """``period`` if it is among ``periods`` (oldest first), else the latest one ending on or before it, else the first.

    Empty when there are no periods. Used to pair a second indicator with the first one's period.

    Examples
    --------
    >>> nearest_period(["2025-Q1", "2025-Q3", "2026"], "2025-Q3")
    '2025-Q3'
    >>> nearest_period(["2025-Q1", "2025-Q3", "2026"], "2025-11")
    '2025-Q3'
    >>> nearest_period(["2025-Q3"], "2024"), nearest_period([], "2025")
    ('2025-Q3', '')
    """
    if not periods or period in periods:
        return period if periods else ""
    end = schema.parse_period(period)[2]
    before = [p for p in periods if schema.parse_period(p)[2] <= end]
    return before[-1] if before else periods[0]
