"""What the data covers: reported values per indicator and province, and each page's default choice.

Pure functions on tidy observation frames (:data:`data.schema.OBSERVATION_COLUMNS`); no Streamlit.

* :func:`reported_counts` counts the reported province values of each indicator and period in a layout;
* :func:`default_choice` picks the indicator and period with the most of them (the default of every
  page), ties broken by the catalogue's order of preference;
* :func:`coverage_grid` says, for each province and indicator, whether a reported, derived, target or
  synthetic value exists in a range of dates, with a letter per status so it reads in black and white;
* :func:`coverage_counts` and :func:`never_reported` summarise the grid.
"""

from __future__ import annotations

import pandas as pd

from data import schema

#: Best status first: a cell shows the best status it has.
STATUS_ORDER = (schema.STATUS_REPORTED, schema.STATUS_DERIVED, schema.STATUS_TARGET, schema.STATUS_SYNTHETIC)
#: One letter per status (the same in both languages: R, D, T, S), and "" for no value.
LETTERS = {
    schema.STATUS_REPORTED: "R",
    schema.STATUS_DERIVED: "D",
    schema.STATUS_TARGET: "T",
    schema.STATUS_SYNTHETIC: "S",
}
CELL = "cell"  # the grid's status column: a status, or "" for none
LETTER = "letter"
COUNT = "n_reported"


def _provinces(obs: pd.DataFrame, layout: str) -> pd.DataFrame:
    return obs[(obs[schema.GEO_LEVEL] == "province") & (obs[schema.LAYOUT] == layout)]


def reported_counts(obs: pd.DataFrame, layout: str) -> pd.DataFrame:
    """Reported province values of each indicator and period in ``layout``.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``period``, ``date``, ``n_reported`` (distinct provinces), most first.

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2008", "geo_code": ["01", "02", "01"],
    ...     "indicator_id": ["a", "a", "b"], "period": "2022", "date": "2022-12-31", "status": "reported"})
    >>> reported_counts(obs, "2008").values.tolist()
    [['a', '2022', '2022-12-31', 2], ['b', '2022', '2022-12-31', 1]]
    """
    rows = _provinces(obs, layout)
    rows = rows[rows[schema.STATUS] == schema.STATUS_REPORTED]
    counts = (
        rows.groupby([schema.INDICATOR, schema.PERIOD, schema.DATE])[schema.GEO_CODE]
        .nunique()
        .rename(COUNT)
        .reset_index()
    )
    return counts.sort_values([COUNT, schema.DATE], ascending=[False, False], kind="stable").reset_index(drop=True)


def default_choice(
    obs: pd.DataFrame,
    layout: str,
    *,
    preference: list[str] | tuple[str, ...] = (),
    never: set[str] | frozenset[str] = frozenset(),
    candidates: list[str] | None = None,
) -> tuple[str, str] | None:
    """The (indicator, period) with the most reported province values in ``layout``.

    Ties go to the indicator that comes first in ``preference`` (then to the earlier in ``candidates``,
    else by name), and between periods of one indicator to the latest. Indicators in ``never`` (sizes of
    places) are never chosen; with ``candidates`` given, only those are. None when no indicator has a
    reported province value.

    Examples
    --------
    Three reported values of ``a`` in 2022 beat two of ``b``; a tie of ``b`` and ``c`` goes to the preferred.

    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2008",
    ...     "geo_code": ["01", "02", "04", "01", "02", "01", "02"],
    ...     "indicator_id": ["a", "a", "a", "b", "b", "c", "c"], "period": "2022", "date": "2022-12-31",
    ...     "status": "reported"})
    >>> default_choice(obs, "2008", preference=["c", "b"])
    ('a', '2022')
    >>> default_choice(obs[obs.indicator_id != "a"], "2008", preference=["c", "b"])
    ('c', '2022')
    """
    ranked = ranked_choices(obs, layout, preference=preference, never=never, candidates=candidates)
    return ranked[0] if ranked else None


def ranked_choices(
    obs: pd.DataFrame,
    layout: str,
    *,
    preference: list[str] | tuple[str, ...] = (),
    never: set[str] | frozenset[str] = frozenset(),
    candidates: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Every indicator with reported province values, each with its best period, best first.

    The order of :func:`default_choice`: most reported province values, then ``preference``, then
    ``candidates``' order, then name; each indicator's period is the one with most values (the latest of
    a tie). The Presentation page's deck starts from it.
    """
    counts = reported_counts(obs, layout)
    counts = counts[~counts[schema.INDICATOR].isin(set(never))]
    if candidates is not None:
        counts = counts[counts[schema.INDICATOR].isin(set(candidates))]
    order = list(preference) + [i for i in (candidates or []) if i not in preference]
    rank = {ind: i for i, ind in enumerate(order)}
    best = counts.assign(
        _pref=counts[schema.INDICATOR].map(lambda i: rank.get(i, len(rank))),
    ).sort_values([COUNT, "_pref", schema.INDICATOR, schema.DATE], ascending=[False, True, True, False], kind="stable")
    best = best.drop_duplicates(schema.INDICATOR)
    return [(str(i), str(p)) for i, p in zip(best[schema.INDICATOR], best[schema.PERIOD])]


def best_period(obs: pd.DataFrame, indicator: str, layout: str) -> str | None:
    """The period of ``indicator`` with the most reported province values in ``layout`` (latest of a tie).

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2008", "geo_code": ["01", "02", "01"],
    ...     "indicator_id": "a", "period": ["2022", "2022", "2023"], "date": ["2022-12-31", "2022-12-31",
    ...     "2023-12-31"], "status": "reported"})
    >>> best_period(obs, "a", "2008")
    '2022'
    """
    counts = reported_counts(obs[obs[schema.INDICATOR] == indicator], layout)
    return None if counts.empty else str(counts[schema.PERIOD].iloc[0])


def coverage_grid(
    obs: pd.DataFrame,
    layout: str,
    codes: list[str],
    indicators: list[str],
    *,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Whether each province of ``codes`` has a value of each indicator between two dates, by status.

    Returns
    -------
    pandas.DataFrame
        One row per (province, indicator): ``geo_code``, ``indicator_id``, ``cell`` (the best status
        present, in :data:`STATUS_ORDER`, or ""), ``letter`` (R, D, T, S or ""), ``n_values`` (values of
        any shown status in the range).

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2025", "geo_code": ["01", "01", "79"],
    ...     "indicator_id": ["a", "a", "a"], "period": ["2024", "2025", "2025"],
    ...     "date": ["2024-12-31", "2025-12-31", "2025-12-31"], "status": ["synthetic", "reported", "target"]})
    >>> coverage_grid(obs, "2025", ["01", "79", "31"], ["a"])[["geo_code", "letter", "n_values"]].values.tolist()
    [['01', 'R', 2], ['79', 'T', 1], ['31', '', 0]]
    """
    rows = _provinces(obs, layout)
    rows = rows[rows[schema.GEO_CODE].isin(codes) & rows[schema.INDICATOR].isin(indicators)]
    if date_from:
        rows = rows[rows[schema.DATE] >= date_from]
    if date_to:
        rows = rows[rows[schema.DATE] <= date_to]
    position = {s: i for i, s in enumerate(STATUS_ORDER)}
    ranked = rows.assign(_p=rows[schema.STATUS].map(position).fillna(len(position)))
    grouped = ranked.groupby([schema.GEO_CODE, schema.INDICATOR])
    best = grouped["_p"].min()
    sizes = grouped.size()
    index = pd.MultiIndex.from_product([list(codes), list(indicators)], names=[schema.GEO_CODE, schema.INDICATOR])
    best = best.reindex(index)
    cell = best.map(lambda p: STATUS_ORDER[int(p)] if pd.notna(p) and int(p) < len(STATUS_ORDER) else "")
    out = pd.DataFrame(
        {CELL: cell.to_numpy(), "n_values": sizes.reindex(index).fillna(0).astype(int).to_numpy()}, index=index
    ).reset_index()
    out[LETTER] = out[CELL].map(LETTERS).fillna("")
    return out[[schema.GEO_CODE, schema.INDICATOR, CELL, LETTER, "n_values"]]


def coverage_counts(grid: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Provinces with a reported value per indicator, and indicators with a reported value per province.

    Examples
    --------
    >>> grid = pd.DataFrame({"geo_code": ["01", "01", "79", "79"], "indicator_id": ["a", "b", "a", "b"],
    ...                      "cell": ["reported", "target", "reported", ""]})
    >>> per_indicator, per_province = coverage_counts(grid)
    >>> per_indicator.to_dict(), per_province.to_dict()
    ({'a': 2, 'b': 0}, {'01': 1, '79': 1})
    """
    reported = grid[CELL] == schema.STATUS_REPORTED
    per_indicator = reported.groupby(grid[schema.INDICATOR], sort=False).sum().astype(int)
    per_province = reported.groupby(grid[schema.GEO_CODE], sort=False).sum().astype(int)
    return per_indicator, per_province


def never_reported(grid: pd.DataFrame) -> list[str]:
    """Provinces of the grid without a reported value of any of its indicators, in grid order."""
    _, per_province = coverage_counts(grid)
    return [code for code, n in per_province.items() if n == 0]
