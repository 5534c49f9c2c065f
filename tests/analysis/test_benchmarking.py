import pandas as pd
import pytest

from analysis.benchmarking import latest_values


def test_latest_value_per_place_indicator_and_status():
    obs = pd.DataFrame(
        {
            "geo_level": ["nation"] * 3 + ["province"],
            "layout": ["", "", "", "2025"],
            "geo_code": ["VN", "VN", "VN", "19"],
            "indicator_id": ["g5_population_coverage"] * 4,
            "status": ["reported", "reported", "target", "reported"],
            "date": ["2025-10-31", "2025-06-30", "2025-12-31", "2025-11-03"],
            "value": [39.52, 26.0, 90.0, 100.0],
        }
    )
    out = latest_values(obs)
    assert sorted(zip(out["geo_code"], out["status"], out["value"])) == [
        ("19", "reported", 100.0),
        ("VN", "reported", 39.52),
        ("VN", "target", 90.0),
    ]


def test_empty_in_empty_out():
    empty = pd.DataFrame(columns=["geo_level", "layout", "geo_code", "indicator_id", "status", "date", "value"])
    pd.testing.assert_frame_equal(latest_values(empty), empty)


# --- rules moved out of ui/: which indicators a layout can show, the period paired with another ----------
def _province_rows(*rows):
    return pd.DataFrame(rows, columns=["geo_level", "layout", "indicator_id", "status"])


def test_indicators_with_values_in_2025_count_every_province_value_but_not_targets():
    from analysis.benchmarking import indicators_with_values

    cat = pd.DataFrame({"indicator_id": ["a", "b", "c"], "aggregation": ["sum", "none", "mean"]})
    obs = _province_rows(
        ("province", "2008", "b", "reported"),
        ("province", "2025", "a", "synthetic"),
        ("province", "2025", "c", "target"),
        ("nation", "", "c", "reported"),
    )
    assert indicators_with_values(obs, "2025", cat) == ["a", "b"]  # catalogue order; c has only a target


def test_indicators_with_values_in_2008_need_own_values_or_a_rule_to_convert():
    from analysis.benchmarking import indicators_with_values

    cat = pd.DataFrame({"indicator_id": ["a", "b", "c"], "aggregation": ["sum", "none", "mean"]})
    obs = _province_rows(
        ("province", "2025", "a", "reported"),
        ("province", "2025", "b", "reported"),
        ("province", "2008", "c", "derived"),
    )
    # b has 2025 values only and no rule to bring them to 2008; a can be converted; c is its own
    assert indicators_with_values(obs, "2008", cat) == ["a", "c"]
    assert indicators_with_values(obs.iloc[0:0], "2008", cat) == []


@pytest.mark.parametrize(
    ("periods", "period", "expected"),
    [
        (["2025-Q1", "2025-Q3"], "2025-Q3", "2025-Q3"),  # the same period
        (["2025-Q1", "2025-Q3", "2026"], "2025-11", "2025-Q3"),  # Q3 ends 2025-09-30, before November's end
        (["2025-Q1", "2025-Q3"], "2025-H1", "2025-Q1"),  # H1 ends 2025-06-30: Q1 is the latest before
        (["2025-Q3"], "2024", "2025-Q3"),  # nothing before: the first
        ([], "2025", ""),
    ],
)
def test_nearest_period(periods, period, expected):
    from analysis.benchmarking import nearest_period

    assert nearest_period(periods, period) == expected
