"""What the map shows for one indicator, period and layout: the benchmark, and where values come from.

The values, ranks and national values are :func:`analysis.benchmarking.benchmark`'s, so the map
agrees with every other page. That includes its rule for data of the other layout:

* **2008 data on the 34-province map**: aggregated by the indicator's catalogue rule
  (:func:`analysis.aggregation.to_new_layout`: counts add up, ratios are recomputed from their
  numerator and denominator, coverage shares are population-weighted; a new province gets a
  value only when every old province that formed it has one; rule ``none`` never).
* **2025 data on the 63-province map**: only for the provinces whose territory did not change
  (same code, not merged), for every rule but ``none``. A merged province's value is never given
  to the old provinces it was formed from, not even a rate or a share (the rate of Thái Nguyên
  after the merger is not the rate of old Thái Nguyên or of Bắc Kạn): those stay empty.

This module adds what only the map needs: whether each value is the layout's own or converted
from the other layout (``origin``), and the centre of the diverging colours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.benchmarking import benchmark
from data import catalogue, schema

ORIGIN = "origin"
OWN, CONVERTED = "own", "converted"
#: Kinds of centre returned by :func:`centre`.
CENTRE_NATIONAL, CENTRE_PER_PROVINCE, CENTRE_PROVINCES = "national", "national_per_province", "provinces_mean"
_VALUE_STATUSES = (schema.STATUS_REPORTED, schema.STATUS_DERIVED, schema.STATUS_SYNTHETIC)


def _catalogue(indicators: pd.DataFrame | None) -> pd.DataFrame:
    cat = indicators if indicators is not None else catalogue.indicators()
    return cat if cat.index.name == schema.INDICATOR else cat.set_index(schema.INDICATOR)


def with_origin(
    table: pd.DataFrame,
    obs: pd.DataFrame,
    indicator: str,
    period: str,
    layout: str,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add to a benchmark table whether each value is the layout's own or converted from the other layout.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.benchmarking.benchmark` of ``indicator``, ``period`` and ``layout``.
    obs : pandas.DataFrame
        The observations the benchmark was computed from (province rows of ``layout`` suffice).
    indicator, period, layout : str
        What the table is of.
    indicators : pandas.DataFrame, optional
        The catalogue.

    Returns
    -------
    pandas.DataFrame
        ``table`` sorted by code, plus column ``origin``: ``own`` when the layout has a row of the
        indicator (or, for a ratio, of its numerator) for that province and period, ``converted``
        when the value came from the other layout, ``""`` without a value.
    """
    spec = _catalogue(indicators).loc[indicator]
    own_inputs = {indicator} | ({spec["numerator"]} if spec["aggregation"] == "ratio" else set())
    own = obs[
        (obs[schema.GEO_LEVEL] == "province")
        & (obs[schema.LAYOUT] == layout)
        & obs[schema.INDICATOR].isin(own_inputs)
        & (obs[schema.PERIOD] == period)
        & obs[schema.STATUS].isin(_VALUE_STATUSES)
    ]
    table = table.sort_values(schema.GEO_CODE).reset_index(drop=True)
    has_value = table[schema.VALUE].notna()
    is_own = table[schema.GEO_CODE].isin(set(own[schema.GEO_CODE]))
    table[ORIGIN] = np.where(~has_value, "", np.where(is_own, OWN, CONVERTED))
    return table


def map_table(
    obs: pd.DataFrame, indicator: str, period: str, layout: str, indicators: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per province of ``layout``: the benchmark of ``indicator`` in ``period``, with its origin.

    The page gets the same through :func:`ui.loaders.map_table` (cached benchmark plus :func:`with_origin`).

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations of both layouts and the nation, filtered to the statuses to show.
    indicator, period, layout : str
        What to map.
    indicators : pandas.DataFrame, optional
        The catalogue.

    Returns
    -------
    pandas.DataFrame
        :data:`analysis.benchmarking.BENCHMARK_COLUMNS` (``value`` NaN without data) plus
        ``origin``: ``own`` when the layout has a row of the indicator (or, for a ratio, of its
        numerator) for that province and period, ``converted`` when the value comes from the
        other layout, ``""`` without a value. Sorted by code.

    Examples
    --------
    Hà Nội (01) was not merged: its 2025 value shows on the 63-province map, converted.

    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2025", "geo_code": ["01", "19"],
    ...     "indicator_id": "rd_staff", "period": "2025-Q4", "granularity": "quarter",
    ...     "date": "2025-12-31", "value": [5000.0, 1861.0], "status": "reported"})
    >>> table = map_table(obs, "rd_staff", "2025-Q4", "2008")
    >>> table.loc[table["value"].notna(), ["geo_code", "value", "status", "origin"]].values.tolist()
    [['01', 5000.0, 'derived', 'converted']]
    """
    cat = _catalogue(indicators)
    table = benchmark(obs, indicator, period, layout, indicators=cat)
    return with_origin(table, obs, indicator, period, layout, cat)


def centre(table: pd.DataFrame, aggregation: str) -> tuple[float | None, str]:
    """The value the diverging colours are centred on, and what it is.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`map_table` (columns ``value`` and ``national_value``).
    aggregation : str
        The indicator's catalogue rule.

    Returns
    -------
    tuple of (float or None, str)
        * the national value (kind ``national``) for rates, shares and other non-additive values;
        * for counts (rule ``sum``) the national total divided by the number of provinces of
          the layout (``national_per_province``): a province's count is compared with the
          average province, not with the whole country;
        * without a national value, the unweighted mean of the provinces with a value
          (``provinces_mean``), when at least two have one;
        * else ``(None, "")``.

    Examples
    --------
    >>> table = pd.DataFrame({"value": [10.0, 30.0, np.nan, np.nan], "national_value": np.nan})
    >>> centre(table, "ratio")
    (20.0, 'provinces_mean')
    >>> centre(table.assign(national_value=100.0), "sum")
    (25.0, 'national_per_province')
    """
    national = table["national_value"].dropna()
    if len(national):
        value = float(national.iloc[0])
        if aggregation == "sum":
            return value / len(table), CENTRE_PER_PROVINCE
        return value, CENTRE_NATIONAL
    values = table[schema.VALUE].dropna()
    if len(values) >= 2:
        return float(values.mean()), CENTRE_PROVINCES
    return None, ""
