"""analysis.map_data: the map's table (benchmark plus origin) and the centre of the diverging colours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import map_data
from data import schema


def _obs(rows) -> pd.DataFrame:
    """Province rows: (layout, code, indicator, period, value, status)."""
    frame = pd.DataFrame(rows, columns=["layout", "geo_code", "indicator_id", "period", "value", "status"])
    frame["geo_level"] = "province"
    frame["granularity"] = frame["period"].map(lambda p: schema.parse_period(p)[0])
    frame["date"] = frame["period"].map(lambda p: schema.parse_period(p)[2].isoformat())
    frame = frame.reindex(columns=list(schema.OBSERVATION_COLUMNS))
    text = [c for c in schema.OBSERVATION_COLUMNS if c != schema.VALUE]
    frame[text] = frame[text].astype(object).fillna("")  # as the store returns them
    return frame


def test_own_values_of_the_layout():
    obs = _obs(
        [
            ("2025", "19", "rd_staff", "2025-Q4", 1861.0, "reported"),
            ("2025", "01", "rd_staff", "2025-Q4", 5000.0, "synthetic"),
        ]
    )
    table = map_data.map_table(obs, "rd_staff", "2025-Q4", "2025")
    assert len(table) == 34 and table["geo_code"].is_monotonic_increasing
    shown = table[table["value"].notna()].set_index("geo_code")
    assert shown["value"].to_dict() == {"01": 5000.0, "19": 1861.0}
    assert set(shown["origin"]) == {"own"}
    assert set(table.loc[table["value"].isna(), "origin"]) == {""}
    assert shown.loc["01", "rank"] == 1 and shown.loc["19", "rank"] == 2  # more staff ranks first


def test_2008_values_aggregate_onto_the_2025_map():
    # new Thái Nguyên (19) = old Thái Nguyên (19) + Bắc Kạn (06): counts add up
    obs = _obs(
        [
            ("2008", "19", "rd_staff", "2025-Q4", 900.0, "reported"),
            ("2008", "06", "rd_staff", "2025-Q4", 100.0, "reported"),
        ]
    )
    table = map_data.map_table(obs, "rd_staff", "2025-Q4", "2025").set_index("geo_code")
    assert table.loc["19", "value"] == 1000.0
    assert table.loc["19", "status"] == "derived" and table.loc["19", "origin"] == "converted"
    assert table["value"].notna().sum() == 1


def test_a_merged_provinces_value_does_not_reach_its_old_provinces():
    """Thái Nguyên's 10.3 per 10,000 (2025) is not the rate of old Thái Nguyên or Bắc Kạn; Hà Nội was not merged."""
    obs = _obs(
        [
            ("2025", "19", "rd_staff_per_10k", "2025-11-03", 10.3, "reported"),
            ("2025", "01", "rd_staff_per_10k", "2025-11-03", 9.0, "reported"),
        ]
    )
    table = map_data.map_table(obs, "rd_staff_per_10k", "2025-11-03", "2008").set_index("geo_code")
    assert len(table) == 63
    assert np.isnan(table.loc["19", "value"]) and np.isnan(table.loc["06", "value"])
    assert table.loc["01", "value"] == 9.0 and table.loc["01", "origin"] == "converted"
    assert table.loc["01", "status"] == "derived"


def test_a_ratio_recomputed_from_its_own_layouts_inputs_is_own():
    obs = _obs(
        [
            ("2025", "19", "rd_staff", "2025", 1861.0, "reported"),
            ("2025", "19", "population", "2025", 1_799_489.0, "reported"),
        ]
    )
    table = map_data.map_table(obs, "rd_staff_per_10k", "2025", "2025").set_index("geo_code")
    assert table.loc["19", "value"] == pytest.approx(10.34, abs=0.01)
    assert table.loc["19", "origin"] == "own"


def test_centre():
    values = pd.DataFrame({"value": [10.0, 30.0, np.nan, np.nan], "national_value": np.nan})
    assert map_data.centre(values, "ratio") == (20.0, "provinces_mean")
    assert map_data.centre(values.assign(national_value=8.2), "ratio") == (8.2, "national")
    assert map_data.centre(values.assign(national_value=8.2), "population_weighted") == (8.2, "national")
    # counts: the national total over the 4 provinces of the layout, not the total itself
    assert map_data.centre(values.assign(national_value=100.0), "sum") == (25.0, "national_per_province")
    one = pd.DataFrame({"value": [10.3, np.nan], "national_value": np.nan})
    assert map_data.centre(one, "ratio") == (None, "")
