"""Aggregation of province values from the 63-province layout (2008) to the 34-province one (2025).

Each indicator carries its rule in the catalogue (``aggregation``):

* ``sum`` -- counts add up: ``y_new = sum(y_old)``;
* ``ratio`` -- recomputed from numerator and denominator:
  ``y_new = scale * sum(numerator_old) / sum(denominator_old)``;
* ``population_weighted`` -- ``y_new = sum(pop_old * y_old) / sum(pop_old)``;
* ``none`` -- not aggregated (a province's own target, a meeting date): left out.

A new province gets a value only when *every* old province that formed it has one, so a
partial sum is never shown as a total. Results are marked ``derived`` (or ``synthetic`` when
any input is synthetic) and say in ``derived_from`` which inputs and rule made them.
"""

from __future__ import annotations

import re

import pandas as pd

import i18n
from data import catalogue, registry, schema

POPULATION = "population"
_KEY = [schema.GEO_CODE, schema.PERIOD]


def _status_of(statuses: pd.Series) -> str:
    return schema.STATUS_SYNTHETIC if (statuses == schema.STATUS_SYNTHETIC).any() else schema.STATUS_DERIVED


def _province_values(obs: pd.DataFrame, indicator: str, layout: str) -> pd.DataFrame:
    mask = (
        (obs[schema.GEO_LEVEL] == "province")
        & (obs[schema.LAYOUT] == layout)
        & (obs[schema.INDICATOR] == indicator)
        & obs[schema.STATUS].isin([schema.STATUS_REPORTED, schema.STATUS_DERIVED, schema.STATUS_SYNTHETIC])
    )
    cols = [schema.GEO_CODE, schema.PERIOD, schema.GRANULARITY, schema.DATE, schema.VALUE, schema.STATUS]
    return obs.loc[mask, cols]


def _complete_groups(values: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Attach the new code; keep only (new code, period) groups where every predecessor is present."""
    new_of = dict(zip(crosswalk[schema.OLD_CODE], crosswalk[schema.NEW_CODE]))
    needed = crosswalk.groupby(schema.NEW_CODE)[schema.OLD_CODE].size()
    merged = values.assign(**{schema.NEW_CODE: values[schema.GEO_CODE].map(new_of)})
    merged = merged[merged[schema.NEW_CODE].notna()]
    if merged.empty:
        return merged.reset_index(drop=True)
    have = merged.groupby([schema.NEW_CODE, schema.PERIOD])[schema.GEO_CODE].transform("nunique")
    complete = have.to_numpy() == merged[schema.NEW_CODE].map(needed).to_numpy()
    return merged[complete].reset_index(drop=True)


def _population_for(obs: pd.DataFrame, layout: str, values: pd.DataFrame) -> pd.DataFrame:
    """Population of each row's province, and whether it is synthetic.

    Uses the population of the same period when there is one, else the latest one of the same
    or an earlier year, else the earliest known. Returns columns ``weight`` and ``weight_synthetic``.
    (Looked up in plain dictionaries, once per distinct province and period: a few hundred rows
    do not need the joins.)
    """
    pop = _province_values(obs, POPULATION, layout)
    result = pd.DataFrame({"weight": float("nan"), "weight_synthetic": False}, index=values.index)
    if pop.empty or values.empty:
        return result
    exact: dict[tuple[str, str], tuple[float, bool]] = {}
    yearly: dict[str, dict[int, tuple[float, bool]]] = {}
    for code, period, date, value, status in zip(
        pop[schema.GEO_CODE], pop[schema.PERIOD], pop[schema.DATE], pop[schema.VALUE], pop[schema.STATUS]
    ):
        found = (float(value), status == schema.STATUS_SYNTHETIC)
        exact.setdefault((code, period), found)
        yearly.setdefault(code, {})[int(str(date)[:4])] = found  # the last of a year wins
    ordered = {code: sorted(years.items()) for code, years in yearly.items()}

    def lookup(code: str, period: str, year: int) -> tuple[float, bool]:
        if (code, period) in exact:
            return exact[(code, period)]
        years = ordered.get(code)
        if not years:
            return float("nan"), False
        earlier = [found for y, found in years if y <= year]
        return earlier[-1] if earlier else years[0][1]

    keys = list(
        zip(values[schema.GEO_CODE], values[schema.PERIOD], values[schema.DATE].astype(str).str[:4].astype(int))
    )
    memo = {key: lookup(*key) for key in set(keys)}
    result["weight"] = [memo[key][0] for key in keys]
    result["weight_synthetic"] = [memo[key][1] for key in keys]
    return result


def _mark_synthetic_weights(frame: pd.DataFrame) -> pd.DataFrame:
    """A value computed with a synthetic weight is synthetic."""
    frame = frame.copy()
    frame.loc[frame["weight_synthetic"], schema.STATUS] = schema.STATUS_SYNTHETIC
    return frame


def _finish(frame: pd.DataFrame, indicator: str, unit: str, rule_text: str) -> pd.DataFrame:
    frame = frame.rename(columns={schema.NEW_CODE: schema.GEO_CODE})
    frame[schema.GEO_LEVEL] = "province"
    frame[schema.LAYOUT] = schema.LAYOUT_2025
    frame[schema.INDICATOR] = indicator
    frame[schema.UNIT] = unit
    frame[schema.QUALIFIER] = ""
    frame[schema.TARGET_DATE] = ""
    frame[schema.SOURCE_ID] = frame[schema.STATUS].map(
        {schema.STATUS_SYNTHETIC: "synthetic_demo", schema.STATUS_DERIVED: "derived_here"}
    )
    frame[schema.NOTE] = ""
    frame[schema.DERIVED_FROM] = rule_text + " of 2008-layout provinces " + frame["inputs"]
    return frame.reindex(columns=list(schema.OBSERVATION_COLUMNS))


def _group(merged: pd.DataFrame, value_col: str | dict) -> pd.DataFrame:
    """One row per (new code, period): granularity, date, status and the input codes.

    Vectorised (no Python function per group): a group is synthetic when any input is, and its
    inputs are every predecessor, since :func:`_complete_groups` keeps complete groups only.
    """
    keys = [schema.NEW_CODE, schema.PERIOD]
    flagged = merged.assign(_synthetic=merged[schema.STATUS] == schema.STATUS_SYNTHETIC)
    agg = flagged.groupby(keys).agg(
        granularity=(schema.GRANULARITY, "first"),
        date=(schema.DATE, "first"),
        _synthetic=("_synthetic", "any"),
    )
    agg[schema.STATUS] = agg.pop("_synthetic").map({True: schema.STATUS_SYNTHETIC, False: schema.STATUS_DERIVED})
    codes = merged[[schema.NEW_CODE, schema.GEO_CODE]].drop_duplicates().sort_values(schema.GEO_CODE)
    inputs = codes.groupby(schema.NEW_CODE)[schema.GEO_CODE].agg(", ".join)
    agg = agg.reset_index()
    agg["inputs"] = agg[schema.NEW_CODE].map(inputs)
    return agg


def to_new_layout(
    obs: pd.DataFrame, indicators: pd.DataFrame | None = None, *, only: list[str] | None = None
) -> pd.DataFrame:
    """Aggregate 2008-layout province observations to the 2025 layout, indicator by indicator.

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations (:data:`data.schema.OBSERVATION_COLUMNS`). Only province rows of the
        2008 layout with status reported, derived or synthetic are used; targets never aggregate.
    indicators : pandas.DataFrame, optional
        The catalogue (:func:`data.catalogue.indicators`); defaults to the bundled one.
    only : list of str, optional
        Aggregate these indicators only (their inputs must be in ``obs``); default: every one.

    Returns
    -------
    pandas.DataFrame
        Observations of the 2025 layout with status ``derived`` or ``synthetic`` and
        ``derived_from`` naming the rule and the old province codes. Empty (same columns) when
        nothing aggregates.

    Examples
    --------
    Thái Nguyên (2025, code 19) is old Thái Nguyên (19) plus Bắc Kạn (06); counts add up:

    >>> obs = pd.DataFrame({"geo_level": ["province"] * 2, "layout": ["2008"] * 2,
    ...     "geo_code": ["06", "19"], "indicator_id": ["rd_staff"] * 2, "period": ["2025-Q1"] * 2,
    ...     "granularity": ["quarter"] * 2, "date": ["2025-03-31"] * 2, "value": [100.0, 900.0],
    ...     "status": ["synthetic"] * 2})
    >>> to_new_layout(obs)[["geo_code", "value"]].values.tolist()
    [['19', 1000.0]]
    """
    cat = (indicators if indicators is not None else catalogue.indicators()).set_index(schema.INDICATOR)
    xwalk = registry.crosswalk()
    present = set(obs.loc[obs[schema.LAYOUT] == schema.LAYOUT_2008, schema.INDICATOR])
    # a ratio is recomputed whenever its numerator is there, even if the old ratio values are not
    wanted = present | set(cat.index[(cat["aggregation"] == "ratio") & cat["numerator"].isin(present)])
    if only is not None:
        wanted &= set(only)
    parts = []
    for ind in sorted(wanted & set(cat.index)):
        found = _aggregate(obs, cat.loc[ind], schema.LAYOUT_2008, xwalk)
        if found is not None:
            out, rule_text = found
            parts.append(_finish(out, ind, cat.loc[ind, "unit"], rule_text))
    if not parts:
        return schema.empty_observations()
    return pd.concat(parts, ignore_index=True)


def _aggregate(obs: pd.DataFrame, spec: pd.Series, layout: str, xwalk: pd.DataFrame) -> tuple[pd.DataFrame, str] | None:
    """Province values of ``layout`` grouped by ``xwalk`` (old_code -> new_code) with the indicator's rule.

    Returns the grouped frame (new code, period, granularity, date, status, inputs, value) and the
    rule in words, or None when the rule is ``none`` or no group is complete.
    """
    rule = spec["aggregation"]
    ind = spec.name
    if rule == "sum":
        merged = _complete_groups(_province_values(obs, ind, layout), xwalk)
        if merged.empty:
            return None
        out = _group(merged, schema.VALUE)
        out[schema.VALUE] = merged.groupby([schema.NEW_CODE, schema.PERIOD])[schema.VALUE].sum().to_numpy()
        return out, "sum"
    if rule == "population_weighted":
        values = _province_values(obs, ind, layout)
        values = values.join(_population_for(obs, layout, values)).dropna(subset=["weight"])
        values = _mark_synthetic_weights(values)
        merged = _complete_groups(values, xwalk)
        if merged.empty:
            return None
        out = _group(merged, schema.VALUE)
        merged["wv"] = merged[schema.VALUE] * merged["weight"]
        sums = merged.groupby([schema.NEW_CODE, schema.PERIOD])[["wv", "weight"]].sum()
        out[schema.VALUE] = (sums["wv"] / sums["weight"]).to_numpy()
        return out, "population-weighted mean"
    if rule == "ratio":
        out = _ratio_new_layout(obs, spec, xwalk, layout)
        if out is None:
            return None
        return out, f"{spec['scale']:g} × sum({spec['numerator']}) / sum({spec['denominator']})"
    return None


def to_nation(obs: pd.DataFrame, indicator: str, layout: str, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national value of an indicator computed from every province of a layout, by its catalogue rule.

    The same rules as :func:`to_new_layout` with the whole country as the one group: counts add up,
    ratios are recomputed from the sums of numerator and denominator, coverage shares are
    population-weighted, rule ``none`` gives nothing. A period gets a national value only when
    *every* province of the layout has one (a partial sum is never shown as the country's).

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations with the indicator (and its numerator, denominator or population).
        Give one value per province and period (see :func:`analysis.benchmarking.values_for_layout`).
    indicator : str
        Key of the catalogue.
    layout : {"2008", "2025"}
        Whose provinces are added up.
    indicators : pandas.DataFrame, optional
        The catalogue; defaults to the bundled one.

    Returns
    -------
    pandas.DataFrame
        Nation rows (``geo_code`` ``VN``, empty layout), one per complete period, status
        ``derived`` (``synthetic`` when any input is), ``derived_from`` naming the rule and layout.

    Examples
    --------
    >>> codes = sorted(registry.provinces("2025")["code"])
    >>> obs = pd.DataFrame({"geo_level": "province", "layout": "2025", "geo_code": codes,
    ...     "indicator_id": "r57_tasks_done", "period": "2025-Q4", "granularity": "quarter",
    ...     "date": "2025-12-31", "value": 10.0, "status": "reported"})
    >>> to_nation(obs, "r57_tasks_done", "2025")[["geo_code", "value", "status"]].values.tolist()
    [['VN', 340.0, 'derived']]
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = (indicators if indicators is not None else catalogue.indicators()).set_index(schema.INDICATOR)
    codes = registry.provinces(layout)[schema.CODE]
    whole = pd.DataFrame({schema.OLD_CODE: codes, schema.NEW_CODE: schema.NATION_CODE})
    found = _aggregate(obs, cat.loc[indicator], layout, whole) if indicator in cat.index else None
    if found is None:
        return schema.empty_observations()
    out, rule_text = found
    out = _finish(out, indicator, cat.loc[indicator, "unit"], rule_text)
    out[schema.GEO_LEVEL] = "nation"
    out[schema.LAYOUT] = ""
    out[schema.DERIVED_FROM] = f"{rule_text} of all {len(codes)} provinces ({layout} layout)"
    return out.reset_index(drop=True)


def _ratio_new_layout(
    obs: pd.DataFrame, spec: pd.Series, xwalk: pd.DataFrame, layout: str = schema.LAYOUT_2008
) -> pd.DataFrame | None:
    num = _province_values(obs, spec["numerator"], layout)
    if num.empty:
        return None
    num = _with_denominator(obs, spec, layout, num)
    merged = _complete_groups(num, xwalk)
    if merged.empty:
        return None
    out = _group(merged, schema.VALUE)
    sums = merged.groupby([schema.NEW_CODE, schema.PERIOD])[[schema.VALUE, "den"]].sum()
    out[schema.VALUE] = (spec["scale"] * sums[schema.VALUE] / sums["den"]).to_numpy()
    return out


def _with_denominator(obs: pd.DataFrame, spec: pd.Series, layout: str, num: pd.DataFrame) -> pd.DataFrame:
    """Attach column ``den`` (the ratio's denominator) to numerator rows; drop rows without one."""
    if spec["denominator"] == POPULATION:
        pop = _population_for(obs, layout, num)
        num = _mark_synthetic_weights(num.join(pop)).rename(columns={"weight": "den"})
    else:
        other = _province_values(obs, spec["denominator"], layout)[_KEY + [schema.VALUE, schema.STATUS]]
        both = num.reset_index().merge(other, on=_KEY, how="left", suffixes=("", "_den")).set_index("index")
        num = num.assign(den=both[schema.VALUE + "_den"])
        synth = both[schema.STATUS + "_den"] == schema.STATUS_SYNTHETIC
        num.loc[synth.reindex(num.index, fill_value=False), schema.STATUS] = schema.STATUS_SYNTHETIC
    num = num.dropna(subset=["den"])
    return num[num["den"] > 0]


def derive_ratio(
    obs: pd.DataFrame, indicator: str, layout: str, indicators: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Compute a ratio indicator for each province and period from its numerator and denominator.

    Parameters
    ----------
    obs : pandas.DataFrame
        Tidy observations holding the numerator (and denominator, or population) of ``indicator``.
    indicator : str
        An indicator whose catalogue rule is ``ratio``.
    layout : str
        ``"2008"`` or ``"2025"``.

    Returns
    -------
    pandas.DataFrame
        One row per province and period where both inputs exist, status ``derived`` (or
        ``synthetic`` when an input is), ``derived_from`` naming the formula.

    Raises
    ------
    ValueError
        If the indicator's rule is not ``ratio`` or the layout is unknown.

    Examples
    --------
    >>> obs = pd.DataFrame({"geo_level": ["province"] * 2, "layout": ["2025"] * 2,
    ...     "geo_code": ["19"] * 2, "indicator_id": ["rd_staff", "population"],
    ...     "period": ["2025", "2025"], "granularity": ["year"] * 2,
    ...     "date": ["2025-12-31"] * 2, "value": [1861.0, 1799489.0], "status": ["reported"] * 2})
    >>> round(float(derive_ratio(obs, "rd_staff_per_10k", "2025")["value"].iloc[0]), 2)
    10.34
    """
    schema.check_choice("layout", layout, schema.LAYOUTS)
    cat = (indicators if indicators is not None else catalogue.indicators()).set_index(schema.INDICATOR)
    spec = cat.loc[indicator]
    if spec["aggregation"] != "ratio":
        raise ValueError(f"The indicator {indicator!r} is not a ratio (its rule is {spec['aggregation']!r}).")
    out = _with_denominator(obs, spec, layout, _province_values(obs, spec["numerator"], layout))
    out[schema.VALUE] = spec["scale"] * out[schema.VALUE] / out["den"]
    out[schema.STATUS] = out[schema.STATUS].where(out[schema.STATUS] == schema.STATUS_SYNTHETIC, schema.STATUS_DERIVED)
    out[schema.GEO_LEVEL] = "province"
    out[schema.LAYOUT] = layout
    out[schema.INDICATOR] = indicator
    out[schema.UNIT] = spec["unit"]
    out[schema.QUALIFIER] = ""
    out[schema.TARGET_DATE] = ""
    out[schema.SOURCE_ID] = out[schema.STATUS].map(
        {schema.STATUS_SYNTHETIC: "synthetic_demo", schema.STATUS_DERIVED: "derived_here"}
    )
    out[schema.NOTE] = ""
    out[schema.DERIVED_FROM] = f"{spec['scale']:g} × {spec['numerator']} / {spec['denominator']}"
    return out.reindex(columns=list(schema.OBSERVATION_COLUMNS)).reset_index(drop=True)


_SUM = re.compile(r"\bsum\(")
_DERIVATIONS = (  # (message key, pattern of its English text as stored)
    ("derived_of_2008", re.compile(r"^(?P<rule>.+) of 2008-layout provinces (?P<inputs>.+)$")),
    ("derived_of_all", re.compile(r"^(?P<rule>.+) of all (?P<n>\d+) provinces \((?P<layout>\d{4}) layout\)$")),
    (
        "derived_same_province",
        re.compile(r"^value of the same province in the 2025 layout \((?P<code>[^)]+)\), territory unchanged$"),
    ),
)


def _rule_text(rule: str, lang: str) -> str:
    words = {"sum": "derived_rule_sum", "population-weighted mean": "derived_rule_weighted"}
    if rule in words:
        return i18n.t(words[rule], lang)
    return _SUM.sub(i18n.t("derived_rule_sum", lang) + "(", rule)  # "10000 × sum(rd_staff) / sum(population)"


def derivation_text(derived_from: object, lang: str) -> str:
    """A ``derived_from`` note written by this package, in ``lang`` (notes are stored in English).

    Text written otherwise (an importer's, a file's) is returned as it is.

    Examples
    --------
    >>> derivation_text("sum of 2008-layout provinces 06, 19", "vi")
    'tổng của các tỉnh theo đơn vị hành chính 2008: 06, 19'
    >>> derivation_text("10000 × sum(rd_staff) / sum(population) of all 34 provinces (2025 layout)", "vi")
    '10000 × tổng(rd_staff) / tổng(population) của cả 34 tỉnh, thành (đơn vị hành chính 2025)'
    >>> derivation_text("population-weighted mean of 2008-layout provinces 01", "en")
    'population-weighted mean of 2008-layout provinces 01'
    >>> derivation_text("from the yearbook", "vi"), derivation_text(None, "vi")
    ('from the yearbook', '')
    """
    if not isinstance(derived_from, str):
        return ""
    for key, pattern in _DERIVATIONS:
        found = pattern.match(derived_from)
        if found:
            values = found.groupdict()
            if "rule" in values:
                values["rule"] = _rule_text(values["rule"], lang)
            return i18n.t(key, lang, **values)
    return derived_from
