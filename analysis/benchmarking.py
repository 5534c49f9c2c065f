"""Benchmarking of province values: latest values, and (later) comparison with the nation."""

from __future__ import annotations

import pandas as pd

from data import schema

_PLACE = [schema.GEO_LEVEL, schema.LAYOUT, schema.GEO_CODE, schema.INDICATOR, schema.STATUS]


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
