import pandas as pd

from analysis.benchmarking import latest_values


def test_latest_value_per_place_indicator_and_status():
    obs = pd.DataFrame({
        "geo_level": ["nation"] * 3 + ["province"],
        "layout": ["", "", "", "2025"],
        "geo_code": ["VN", "VN", "VN", "19"],
        "indicator_id": ["g5_population_coverage"] * 4,
        "status": ["reported", "reported", "target", "reported"],
        "date": ["2025-10-31", "2025-06-30", "2025-12-31", "2025-11-03"],
        "value": [39.52, 26.0, 90.0, 100.0],
    })
    out = latest_values(obs)
    assert sorted(zip(out["geo_code"], out["status"], out["value"])) == [
        ("19", "reported", 100.0), ("VN", "reported", 39.52), ("VN", "target", 90.0),
    ]


def test_empty_in_empty_out():
    empty = pd.DataFrame(columns=["geo_level", "layout", "geo_code", "indicator_id", "status", "date", "value"])
    pd.testing.assert_frame_equal(latest_values(empty), empty)
