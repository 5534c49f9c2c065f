"""Cached loaders: the one place where pages get data. Streamlit caching lives here only.

``st.cache_resource`` holds the store (one DuckDB connection per process, a cursor per query);
``st.cache_data`` holds query results keyed by their filters (tuples, so they hash).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import export, registry, schema
from data.store import Store, open_store


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The store, opened (and created from the bundled data if new) once per process."""
    return open_store()


@st.cache_data(show_spinner=False)
def indicators() -> pd.DataFrame:
    return store().indicators()


@st.cache_data(show_spinner=False)
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


@st.cache_data(show_spinner=False, max_entries=64)
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
    """Observations matching the filters (see :meth:`data.store.Store.observations`)."""
    return store().observations(
        indicators=_listed(indicators),
        layouts=_listed(layouts),
        geo_levels=_listed(geo_levels),
        geo_codes=_listed(geo_codes),
        province_codes=_listed(province_codes),
        statuses=_listed(statuses),
        date_from=date_from,
        date_to=date_to,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def labelled_observations(lang: str, **filters) -> pd.DataFrame:
    """:func:`observations` with place, indicator and source names (see :func:`data.export.labelled`)."""
    obs = observations(**filters)
    return export.labelled(obs, provinces(), indicators(), sources(), regions(), lang=lang)


@st.cache_data(show_spinner=False)
def summary(statuses: tuple[str, ...]) -> pd.DataFrame:
    """Counts of observations, indicators and sources per status (see :meth:`data.store.Store.summary`)."""
    return store().summary(list(statuses))


@st.cache_data(show_spinner=False)
def period_dates() -> list[str]:
    """Every distinct period end date in the store, sorted."""
    return store().distinct(schema.DATE)
