"""The national headline figures of the Home page: which indicators, and "x of y" pairs.

A pure function of the latest national values and the catalogue; the page only writes them out
(:func:`ui.widgets.headline_text`).
"""

from __future__ import annotations

import pandas as pd

from data import schema

#: (message key of the label, indicator, indicator of the total for "x / y" or None), in display order.
HEADLINES = (
    ("metric_rd", "rd_staff_per_10k", None),
    ("metric_g5", "g5_population_coverage", None),
    ("metric_gov_tasks", "gov_programme_tasks_done", "gov_programme_tasks_total"),
    ("metric_plan02", "plan02_tasks_done", "plan02_tasks_total"),
    ("metric_population", "population", None),
)
LABEL_KEY, TOTAL, IS_PERCENT = "label_key", "total", "is_percent"
COLUMNS = (
    LABEL_KEY,
    schema.INDICATOR,
    schema.VALUE,
    schema.QUALIFIER,
    TOTAL,
    IS_PERCENT,
    schema.PERIOD,
    schema.NOTE,
    schema.SOURCE_ID,
    schema.NOTE_VI,
)


def is_percent(short_unit: object) -> bool:
    """Whether a catalogue short unit is a percentage (written ``%`` right after the number).

    >>> is_percent("%"), is_percent("per 10,000"), is_percent(None)
    (True, False, False)
    """
    return str(short_unit).strip() == "%"


def headline_figures(national: pd.DataFrame, indicators: pd.DataFrame, headlines=HEADLINES) -> pd.DataFrame:
    """One row per headline whose indicator has a national value, in the order of ``headlines``.

    Parameters
    ----------
    national : pandas.DataFrame
        The latest national value of each indicator (:func:`analysis.benchmarking.latest_values`):
        ``indicator_id``, ``value``, ``value_qualifier``, ``period``, ``note``, ``source_id`` (and
        ``note_vi`` when it has one).
    indicators : pandas.DataFrame
        The catalogue (``indicator_id``, ``short_unit``).
    headlines : sequence of (label key, indicator, total indicator or None)

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; ``total`` is the total's value for an "x / y" figure (NaN when there is
        none or it has no value), ``is_percent`` from the indicator's short unit.

    Examples
    --------
    >>> national = pd.DataFrame({"indicator_id": ["done", "total", "share"], "value": [50.0, 70.0, 39.52],
    ...                          "value_qualifier": "", "period": "2025", "note": "", "source_id": "s"})
    >>> cat = pd.DataFrame({"indicator_id": ["done", "total", "share"], "short_unit": ["tasks", "tasks", "%"]})
    >>> chosen = [("a", "share", None), ("b", "missing", None), ("c", "done", "total")]
    >>> figures = headline_figures(national, cat, chosen)
    >>> figures[["label_key", "value", "total", "is_percent"]].to_dict("records")
    [{'label_key': 'a', 'value': 39.52, 'total': nan, 'is_percent': True}, \
{'label_key': 'c', 'value': 50.0, 'total': 70.0, 'is_percent': False}]
    """
    values = national.set_index(schema.INDICATOR)
    units = indicators.set_index(schema.INDICATOR)["short_unit"] if len(indicators) else pd.Series(dtype=object)
    rows = []
    for label, indicator, total in headlines:
        if indicator not in values.index:
            continue
        row = values.loc[indicator]
        rows.append(
            {
                LABEL_KEY: label,
                schema.INDICATOR: indicator,
                schema.VALUE: row[schema.VALUE],
                schema.QUALIFIER: row[schema.QUALIFIER],
                TOTAL: values.loc[total, schema.VALUE] if total and total in values.index else float("nan"),
                IS_PERCENT: is_percent(units.get(indicator)),
                schema.PERIOD: row[schema.PERIOD],
                schema.NOTE: row[schema.NOTE],
                schema.SOURCE_ID: row[schema.SOURCE_ID],
                schema.NOTE_VI: row.get(schema.NOTE_VI, ""),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
