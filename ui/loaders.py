"""Cached loaders: where pages get data.

Every cached loader (``st.cache_data`` or :func:`per_data_version`) lives in this module, or in the
view module of the one page that uses it (``ui/<page>_view.py``: ``compare_view``,
``targets_view``), built on the loaders here. Process-wide objects that are not data are
cached beside their one user: the chart specs (:func:`ui.charts.chart_spec`), the password
throttle (:func:`ui.auth.throttle`), the background warm-up (:func:`ui.warmup.start`) and the
meeting-room map's boundary geometry (:mod:`ui.fitted_map`).
``tests/ui/test_cache_locations.py`` keeps this true.

``st.cache_resource`` holds the store (one DuckDB connection, or a small pool of PostgreSQL
connections, per process); results drawn from the data are cached under the store's data version
(:func:`per_data_version`), so an import or an undo made by any process, through any app process
behind the load balancer, shows on the next rerun of every session without a restart.
"""

from __future__ import annotations

import functools
import threading
import time
import zlib

import pandas as pd
import streamlit as st

from analysis import benchmarking, coverage, forecasting, map_data
from data import catalogue, export, registry, schema
from data.store import Store, open_store
from i18n import LANGUAGES, localized, localized_column


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The store, opened (and created from the bundled data if new) once per process."""
    return open_store()


#: How long a data version read from the store is trusted: at most one small query per this many
#: seconds per process, whatever the number of sessions and loaders; a write through this process's
#: store is seen at once (it counts its writes), one through another process within this time.
VERSION_TTL_S = 0.25
_version_seen: dict = {}
_version_lock = threading.Lock()


def data_version() -> tuple[str, int, int]:
    """The store's data version (:meth:`data.store.Store.data_version`): changes with every import, undo or reload.

    Read from the store at most once per :data:`VERSION_TTL_S` (and after every write of this
    process), so checking it on every loader call of every rerun stays cheap, even over PostgreSQL.
    """
    handle = store()
    mark = (id(handle), handle.location, handle.writes)  # an id may be reused by a later store
    now = time.monotonic()
    with _version_lock:
        seen = _version_seen.get("last")
        if seen and seen[0] == mark and now - seen[1] < VERSION_TTL_S:
            return seen[2]
    version = handle.data_version()
    with _version_lock:
        _version_seen["last"] = (mark, now, version)
    return version


_PER_VERSION: list = []  # every per_data_version loader, of any module


def per_data_version(max_entries: int = 64, *, shared: bool = False):
    """Cache a loader once per data version, for every session, across ``st.cache_data.clear()``.

    With ``shared=True`` every caller gets the one cached frame itself, not a copy: for large
    results that pages only read (copying 40,000 labelled rows costs more than the page). Callers
    must not change it.

    The loader becomes a ``st.cache_data`` function (each caller gets its own copy; cleared by
    :func:`clear_after_write`) over a ``st.cache_resource``, both keyed on :func:`data_version`
    (checked on every call, cheaply), so a new session or a cleared data cache does not recompute
    it, and no result of older data is ever returned (an import, an undo or a reload of the bundled
    data, by this process or another one, changes the version). The loader must read the store
    itself (:func:`_stored`), never another ``st.cache_data`` loader whose answer could be older
    than the version.
    """

    def wrap(fn):
        def once(version, *args, **kwargs):
            return fn(*args, **kwargs)

        def copied(version, *args, **kwargs):
            return computed(version, *args, **kwargs)

        # a distinct cache per loader, renewed when its code changes
        name = f"{fn.__qualname__}_v{zlib.crc32(fn.__code__.co_code):x}"
        once.__qualname__ = once.__name__ = name
        copied.__qualname__ = copied.__name__ = name + "_copy"
        once.__module__ = copied.__module__ = fn.__module__
        computed = st.cache_resource(show_spinner=False, max_entries=max_entries)(once)

        @functools.wraps(fn)
        def fresh(*args, **kwargs):  # this version's result itself, shared, not copied
            return computed(data_version(), *args, **kwargs)

        if shared:
            fresh.fresh = fresh
            fresh.clear = lambda: None  # entries of older versions are never returned
            _PER_VERSION.append(fresh)
            return fresh
        cached = st.cache_data(show_spinner=False, max_entries=max_entries)(copied)

        @functools.wraps(fn)
        def loader(*args, **kwargs):
            return cached(data_version(), *args, **kwargs)

        loader.fresh = fresh  # for other such loaders: this version's result, never an older cached copy
        loader.clear = cached.clear
        _PER_VERSION.append(loader)  # cleared by clear_after_write, wherever it is defined (ui.views...)
        return loader

    return wrap


def _stored(**filters) -> pd.DataFrame:
    """Observations straight from the store (for :func:`per_data_version` loaders); lists for tuples.

    Task counts derived from the task register (:func:`task_observations`) come with them.
    """
    return _with_task_counts(
        store().observations(**{k: _listed(v) if isinstance(v, tuple) else v for k, v in filters.items()}), filters
    )


@per_data_version(max_entries=4)
def indicators() -> pd.DataFrame:
    return store().indicators()


@per_data_version(max_entries=4)
def sources() -> pd.DataFrame:
    return store().sources()


@st.cache_data(show_spinner=False)
def milestones() -> pd.DataFrame:
    return store().milestones()


@st.cache_data(show_spinner=False)
def provinces(layout: str | None = None) -> pd.DataFrame:
    return registry.provinces(layout)


@st.cache_data(show_spinner=False)
def regions() -> pd.DataFrame:
    return registry.regions()


def _listed(values) -> list | None:
    return None if values is None else list(values)


@per_data_version(max_entries=64)
def observations(
    indicators: tuple[str, ...] | None = None,
    layouts: tuple[str, ...] | None = None,
    geo_levels: tuple[str, ...] | None = None,
    geo_codes: tuple[str, ...] | None = None,
    province_codes: tuple[str, ...] | None = None,
    statuses: tuple[str, ...] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Observations matching the filters (see :meth:`data.store.Store.observations`), derived task counts included."""
    return _stored(
        indicators=indicators,
        layouts=layouts,
        geo_levels=geo_levels,
        geo_codes=geo_codes,
        province_codes=province_codes,
        statuses=statuses,
        date_from=date_from,
        date_to=date_to,
    )


@per_data_version(max_entries=8, shared=True)
def labelled_observations(lang: str, **filters) -> pd.DataFrame:
    """:func:`observations` with place, indicator and source names (see :func:`data.export.labelled`).

    Shared, not copied (the explorer only reads it): do not change the frame returned. The last
    eight choices of filters are kept: one is about 4 MB with the bundled data and synthetic values
    shown, about 40 MB at ten times the data.
    """
    obs = _stored(**filters)
    return export.labelled(
        obs, registry.provinces(), indicators.fresh(), sources.fresh(), registry.regions(), lang=lang
    )


@per_data_version(max_entries=8)
def summary(statuses: tuple[str, ...]) -> pd.DataFrame:
    """Counts of observations, indicators and sources per status (see :meth:`data.store.Store.summary`)."""
    return store().summary(list(statuses))


@per_data_version(max_entries=2)
def period_dates() -> list[str]:
    """Every distinct period end date in the store, sorted."""
    return store().distinct(schema.DATE)


#: Loaders whose results no import or undo changes (the store handle, the registry, the catalogue).
_UNCHANGED_BY_WRITES = ("store", "milestones", "provinces", "regions")  # an import may define indicators and sources


def clear_after_write() -> None:
    """Forget every cached result drawn from observations, after an import or an undo.

    Every ``st.cache_data`` loader of this module is cleared except those of
    ``_UNCHANGED_BY_WRITES``, so a loader added later is covered without being listed here, and so is
    every :func:`per_data_version` loader of another module.
    ``st.cache_resource`` loaders (the store, lookups of the catalogue) are left alone.
    """
    from streamlit.runtime.caching.cache_data_api import CachedDataFuncInfo
    from streamlit.runtime.caching.cache_utils import CachedFunc

    for name, value in list(globals().items()):
        if (
            isinstance(value, CachedFunc)
            and isinstance(getattr(value, "_info", None), CachedDataFuncInfo)
            and name not in _UNCHANGED_BY_WRITES
        ):
            value.clear()
    for loader in _PER_VERSION:  # those of other modules (ui.views, ui.compare_view...)
        if loader.__name__ not in _UNCHANGED_BY_WRITES:
            loader.clear()


# --- the Map page (analysis/map_data.py) --------------------------------------------------------------
@per_data_version(max_entries=128)
def map_table(indicator: str, period: str, layout: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """:func:`benchmark` with each value's origin, own or converted (:func:`analysis.map_data.with_origin`)."""
    # one indicator and its inputs (numerator, denominator): never every indicator of the store
    provinces_obs = _stored(indicators=_inputs(indicator), geo_levels=("province",), statuses=statuses)
    return map_data.with_origin(
        benchmark.fresh(indicator, period, layout, statuses),
        provinces_obs,
        indicator,
        period,
        layout,
        indicators.fresh(),
    )


# --- Compare, Profile and Targets (analysis/benchmarking.py, analysis/forecasting.py) -----------------------
# Computed once per data version (per_data_version): a new session or st.cache_data.clear() does not
# recompute them; inside, other loaders are called through ``.fresh`` and observations come from _stored.
def _catalogue() -> pd.DataFrame:
    return indicators.fresh()


def _inputs(indicator: str) -> tuple[str, ...]:
    return tuple(benchmarking.inputs_of(indicator, _catalogue()))


@per_data_version(max_entries=128)
def layout_values(indicator: str, layout: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Province values of an indicator and its inputs in a layout (converted ones included), plus the nation's rows.

    Computed once per indicator, layout and statuses; the benchmark, periods, trends and national
    series below start from it (:func:`analysis.benchmarking.values_for_layout`, ``with_inputs``).
    """
    obs = _stored(indicators=_inputs(indicator), statuses=statuses)
    values = benchmarking.values_for_layout(obs, indicator, layout, indicators=_catalogue(), with_inputs=True)
    nation = obs[obs[schema.GEO_LEVEL] == "nation"]
    return pd.concat([values, nation.reindex(columns=values.columns)], ignore_index=True)


@per_data_version(max_entries=128)
def benchmark_periods(indicator: str, layout: str, statuses: tuple[str, ...]) -> list[str]:
    """Periods with province values of an indicator in a layout, oldest first."""
    return benchmarking.periods_for(
        layout_values.fresh(indicator, layout, statuses), indicator, layout, indicators=_catalogue()
    )


@per_data_version(max_entries=128)
def benchmark(indicator: str, period: str, layout: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Every province against the nation and its peers (:func:`analysis.benchmarking.benchmark`)."""
    return benchmarking.benchmark(
        layout_values.fresh(indicator, layout, statuses),
        indicator,
        period,
        layout,
        indicators=_catalogue(),
        provinces=registry.provinces(layout),
    )


@per_data_version(max_entries=128)
def province_series(indicator: str, layout: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Every province value of an indicator in a layout, all periods (for trends and sparklines)."""
    values = layout_values.fresh(indicator, layout, statuses)
    return values[(values[schema.GEO_LEVEL] == "province") & (values[schema.INDICATOR] == indicator)]


@per_data_version(max_entries=128)
def national_series(indicator: str, layout: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """The nation's value in every period, its own or computed from the layout's provinces."""
    return benchmarking.national_values(
        layout_values.fresh(indicator, layout, statuses), indicator, layout, indicators=_catalogue()
    )


@per_data_version(max_entries=32)
def benchmark_indicators(layout: str, statuses: tuple[str, ...]) -> list[str]:
    """Indicators that have province values in a layout (own or convertible), in catalogue order."""
    provinces_obs = _stored(geo_levels=("province",), statuses=statuses)
    return benchmarking.indicators_with_values(provinces_obs, layout, _catalogue())


@per_data_version(max_entries=64)
def province_profile(code: str, layout: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Every indicator of one province at its latest period, benchmarked."""
    return benchmarking.province_profile(
        _stored(statuses=statuses), code, layout, indicators=_catalogue(), provinces=registry.provinces(layout)
    )


@per_data_version(max_entries=8)
def forecasts(show_synthetic: bool) -> pd.DataFrame:
    """Every target with its forecast (:func:`analysis.forecasting.forecast_targets`), most at risk first."""
    statuses = tuple(s for s in schema.STATUSES if show_synthetic or s != schema.STATUS_SYNTHETIC)
    targeted = _stored(statuses=(schema.STATUS_TARGET,))[schema.INDICATOR].unique()
    needed = tuple(sorted({i for ind in targeted for i in _inputs(ind)}))
    return forecasting.forecast_targets(
        _stored(indicators=needed, statuses=statuses), show_synthetic=show_synthetic, indicators=_catalogue()
    )


@per_data_version(max_entries=64)
def forecasts_for(places: tuple[tuple[str, str], ...], show_synthetic: bool) -> pd.DataFrame:
    """The forecasts of the targets of some provinces, given as (layout, code) pairs (the Profile page)."""
    rows = _stored(geo_levels=("province",), statuses=(schema.STATUS_TARGET,))
    keys = pd.Series(list(zip(rows[schema.LAYOUT], rows[schema.GEO_CODE])), index=rows.index, dtype=object)
    rows = rows[keys.isin(places)]
    if rows.empty:
        return pd.DataFrame(columns=list(forecasting.FORECAST_COLUMNS))
    statuses = (schema.STATUS_REPORTED, schema.STATUS_DERIVED) + ((schema.STATUS_SYNTHETIC,) if show_synthetic else ())
    needed = tuple(sorted({i for ind in rows[schema.INDICATOR].unique() for i in _inputs(ind)}))
    values = _stored(indicators=needed, statuses=statuses)
    return forecasting.forecast_targets(
        pd.concat([values, rows], ignore_index=True), show_synthetic=show_synthetic, indicators=_catalogue()
    )


@per_data_version(max_entries=64)
def forecast_detail(
    geo_level: str, layout: str, code: str, indicator: str, period: str, target_date: str, show_synthetic: bool
) -> forecasting.Forecast:
    """One target's forecast with the series of its chart."""
    statuses = tuple(s for s in schema.STATUSES if show_synthetic or s != schema.STATUS_SYNTHETIC)
    obs = _stored(indicators=_inputs(indicator), statuses=statuses)
    rows = forecasting.targets(obs)
    match = rows[
        (rows[schema.GEO_LEVEL] == geo_level)
        & (rows[schema.LAYOUT].fillna("") == layout)
        & (rows[schema.GEO_CODE] == code)
        & (rows[schema.PERIOD] == period)
        & (rows[schema.TARGET_DATE].fillna("") == target_date)
    ]
    return forecasting.forecast(obs, match.iloc[0].to_dict(), show_synthetic=show_synthetic, indicators=_catalogue())


def lookups() -> dict:
    """Names and units for labels, built once per data version (read only).

    ``names[lang][indicator]``, ``specs[lang][indicator]`` (unit and short_unit in that language,
    decimals, aggregation, direction, pillar), ``provinces[(layout, lang)][code]``, ``regions[lang][region]``.
    An import may define indicators, so the lookups follow :func:`data_version`; cache_resource hands
    out the same dictionaries without copying them on every call.
    """
    return _lookups(data_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _lookups(version: tuple) -> dict:  # noqa: ARG001 (the cache key: not underscored, so it is hashed)
    cat = indicators.fresh().set_index(schema.INDICATOR)
    fields = ("unit", "short_unit", "decimals", "aggregation", "direction", "pillar")
    prov = provinces()
    reg = regions().set_index(schema.REGION_CODE)
    return {
        "names": {lang: localized(cat, "name", lang).to_dict() for lang in LANGUAGES},
        "specs": {
            lang: {ind: {f: cat.at[ind, localized_column(cat.columns, f, lang)] for f in fields} for ind in cat.index}
            for lang in LANGUAGES
        },
        "provinces": {
            (layout, lang): dict(
                zip(
                    prov.loc[prov[schema.LAYOUT] == layout, schema.CODE],
                    localized(prov.loc[prov[schema.LAYOUT] == layout], "name", lang),
                )
            )
            for layout in schema.LAYOUTS
            for lang in LANGUAGES
        },
        "regions": {lang: localized(reg, "name", lang).to_dict() for lang in LANGUAGES},
    }


@st.cache_data(show_spinner=False)
def pillars() -> pd.DataFrame:
    """The pillars of the catalogue (Programme 32's five objectives, cross-cutting, context)."""
    from data import catalogue

    return catalogue.pillars()


# --- real values first (issue 11): each page's default indicator and period ---------------------------------
@per_data_version(max_entries=32)
def ranked_choices(layout: str, statuses: tuple[str, ...]) -> list[tuple[str, str]]:
    """Indicators with reported province values in a layout, most values first, each with its best period.

    Only indicators a page can show (:func:`benchmark_indicators`); ties follow the catalogue's order of
    preference (:func:`data.catalogue.preference`), see :func:`analysis.coverage.ranked_choices`.
    """
    preference, never = catalogue.preference(layout)
    return coverage.ranked_choices(
        _stored(geo_levels=("province",), statuses=statuses),
        layout,
        preference=preference,
        never=never,
        candidates=benchmark_indicators.fresh(layout, statuses),
    )


def default_indicator(layout: str, statuses: tuple[str, ...], options: list[str], fallback: str) -> str:
    """A page's default indicator: the one with most reported province values, else ``fallback``, else the first."""
    ranked = [i for i, _ in ranked_choices(layout, statuses) if i in options]
    if ranked:
        return ranked[0]
    return fallback if fallback in options else options[0]


@per_data_version(max_entries=128)
def default_period(indicator: str, layout: str, statuses: tuple[str, ...]) -> str | None:
    """A page's default period of an indicator: the one with most reported province values, else the latest."""
    periods = benchmark_periods.fresh(indicator, layout, statuses)
    best = coverage.best_period(
        _stored(indicators=(indicator,), geo_levels=("province",), statuses=statuses), indicator, layout
    )
    if best in periods:
        return best
    return periods[-1] if periods else None


@per_data_version(max_entries=4)
def reported_by_source(show_doubtful: bool = False) -> pd.DataFrame:
    """Reported values per indicator and source: how many, of how many places, and the newest period's date.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``source_id``, ``n_values``, ``n_places``, ``newest`` (ISO date), most values first.
    """
    statuses = (schema.STATUS_REPORTED,) + ((schema.SHOW_DOUBTFUL,) if show_doubtful else ())
    rows = _stored(statuses=statuses)
    if rows.empty:
        return pd.DataFrame(columns=[schema.INDICATOR, schema.SOURCE_ID, "n_values", "n_places", "newest"])
    place = rows[schema.GEO_LEVEL] + ":" + rows[schema.LAYOUT].fillna("") + ":" + rows[schema.GEO_CODE]
    # places and dates counted as integer codes: aggregating text loads pyarrow's query engine (12 MB, for good)
    date_codes, dates = pd.factorize(rows[schema.DATE], sort=True)
    table = (
        rows[[schema.INDICATOR, schema.SOURCE_ID]]
        .assign(_place=pd.factorize(place)[0], _date=date_codes)
        .groupby([schema.INDICATOR, schema.SOURCE_ID])
        .agg(n_values=("_place", "size"), n_places=("_place", "nunique"), newest=("_date", "max"))
        .reset_index()
    )
    table["newest"] = dates.take(table["newest"], allow_fill=True, fill_value=None)  # -1: no date
    return table.sort_values(["n_values", schema.INDICATOR], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


# --- the coverage view (pages/coverage.py) ------------------------------------------------------------------
@per_data_version(max_entries=8)
def province_years(layout: str, statuses: tuple[str, ...]) -> list[str]:
    """Years with a province value of the layout (of the statuses shown), oldest first."""
    rows = _stored(geo_levels=("province",), layouts=(layout,), statuses=statuses)
    return sorted({d[:4] for d in rows[schema.DATE]})


@per_data_version(max_entries=32)
def coverage_grid(layout: str, statuses: tuple[str, ...], date_from: str, date_to: str) -> pd.DataFrame:
    """Provinces of a layout by the indicators with a value between two dates (:func:`analysis.coverage.coverage_grid`)."""
    rows = _stored(geo_levels=("province",), layouts=(layout,), statuses=statuses, date_from=date_from, date_to=date_to)
    present = set(rows[schema.INDICATOR])
    wanted = [i for i in indicators.fresh()[schema.INDICATOR] if i in present]
    codes = list(registry.provinces(layout)[schema.CODE])
    return coverage.coverage_grid(rows, layout, codes, wanted, date_from=date_from, date_to=date_to)


# --- the task register (data/tasks.py, analysis/tasks.py) --------------------------------------------------------
@per_data_version(max_entries=4)
def task_list(statuses: tuple[str, ...]) -> pd.DataFrame:
    """Every stored task (all snapshots) of batches not undone, of these data statuses."""
    from data import tasks as register

    return register.read_tasks(store(), statuses=list(statuses))


@per_data_version(max_entries=2)
def task_observations() -> pd.DataFrame:
    """Task counts per province and reporting date, derived from the stored registers (:mod:`analysis.tasks`)."""
    from analysis import tasks as task_analysis
    from data import tasks as register

    return task_analysis.derived_observations(register.read_tasks(store()), indicators.fresh())


def _with_task_counts(obs: pd.DataFrame, filters: dict) -> pd.DataFrame:
    """``obs`` and the derived task counts matching the same filters, in the store's order."""
    from analysis import tasks as task_analysis

    counts = task_observations.fresh()
    if counts.empty:
        return obs
    chosen = task_analysis.without_reported(task_analysis.select(counts, **filters), obs)
    if chosen.empty:
        return obs
    both = pd.concat([obs, chosen.assign(**{schema.BATCH_ID: float("nan")})], ignore_index=True)  # no one batch
    order = [schema.INDICATOR, schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE, schema.DATE]
    return both.sort_values(order, kind="stable").reset_index(drop=True)


@per_data_version(max_entries=32)
def forecasts_of(chosen: tuple[str, ...], show_synthetic: bool) -> pd.DataFrame:
    """The forecasts of the targets of some indicators only (the meeting deck), as :func:`forecasts` gives them.

    Only these targets are judged: a deck of six indicators does not wait for every target's forecast.
    """
    statuses = tuple(s for s in schema.STATUSES if show_synthetic or s != schema.STATUS_SYNTHETIC)
    needed = tuple(sorted({i for ind in chosen for i in _inputs(ind)}))
    obs = _stored(indicators=needed, statuses=statuses)
    obs = obs[(obs[schema.STATUS] != schema.STATUS_TARGET) | obs[schema.INDICATOR].isin(chosen)]
    return forecasting.forecast_targets(obs, show_synthetic=show_synthetic, indicators=_catalogue())
