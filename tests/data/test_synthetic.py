"""The synthetic demonstration series: reproducible, consistent across layouts, through the facts."""

import pandas as pd
import pytest

from analysis import aggregation
from data import observations
from scripts import make_synthetic


@pytest.fixture(scope="module")
def synthetic():
    return observations.read_observations(observations.SYNTHETIC_FILE)


def test_committed_file_is_what_the_seeded_script_writes(synthetic):
    fresh = make_synthetic.generate()
    assert len(fresh) == len(synthetic)
    pd.testing.assert_series_equal(fresh["value"], synthetic["value"], check_names=False, atol=1e-9)
    assert (synthetic["status"] == "synthetic").all()
    assert (synthetic["note"].str.contains("not real data")).all()


def test_the_34_layout_is_the_63_layout_aggregated_by_the_rules(synthetic):
    old = synthetic[synthetic["layout"] == "2008"]
    new = synthetic[synthetic["layout"] == "2025"]
    again = aggregation.to_new_layout(old)
    again = again[again["indicator_id"] != "population"]
    key = ["geo_code", "indicator_id", "period"]
    merged = new.merge(again, on=key, suffixes=("", "_again"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["value"] - merged["value_again"]).abs().max() < 1e-3


def test_every_province_of_both_layouts_has_series(synthetic):
    per_layout = synthetic.groupby("layout")["geo_code"].nunique().to_dict()
    assert per_layout == {"2008": 63, "2025": 34}


@pytest.mark.parametrize(
    "indicator, reported",
    [
        ("r57_tasks_done", 83),
        ("r57_tasks_total", 156),
        ("r57_tasks_in_progress", 72),
        ("r57_tasks_late", 1),
        ("rd_staff", 1861),
        ("st_teams", 36),
        ("st_projects_provincial", 131),
        ("fibre_households", 100),
    ],
)
def test_thai_nguyen_series_pass_through_the_reported_point(synthetic, indicator, reported):
    # reported on 2025-11-03, between the quarter ends 2025-09-30 (Q3) and 2025-12-31 (Q4)
    tn = synthetic[
        (synthetic["layout"] == "2025") & (synthetic["geo_code"] == "19") & (synthetic["indicator_id"] == indicator)
    ]
    q3, q4 = (tn.set_index("period").loc[p, "value"] for p in ("2025-Q3", "2025-Q4"))
    assert min(q3, q4) - 0.5 <= reported <= max(q3, q4) + 0.5


def test_national_rd_density_of_the_series_is_the_reported_8_2():
    both = observations.bundled_observations()
    new = both[(both["layout"] == "2025") & (both["status"].isin(["synthetic", "reported"]))]
    staff = new[(new["indicator_id"] == "rd_staff") & new["period"].isin(["2025-Q3", "2025-Q4"])]
    pop = new[(new["indicator_id"] == "population") & (new["period"] == "2025")]["value"].sum()
    q3, q4 = (staff[staff["period"] == p]["value"].sum() * 1e4 / pop for p in ("2025-Q3", "2025-Q4"))
    # linear between 2025-09-30 and 2025-12-31 at 2025-11-03 (34 of 92 days)
    assert q3 + (q4 - q3) * 34 / 92 == pytest.approx(8.2, abs=0.05)


def test_split_integer_adds_up():
    parts = make_synthetic.split_integer(157, pd.Series([1.0, 2.0, 3.5]).to_numpy())
    assert parts.sum() == 157 and all(parts >= 0)
