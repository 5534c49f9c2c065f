"""Benchmark of provinces against the nation, their peers and each other, checked against hand calculations.

Registry facts used: new Thái Nguyên (2025, 19) = old Bắc Kạn (06) + old Thái Nguyên (19); new Gia Lai
(2025, 52) = old Bình Định (52, North Central and Central Coast) + old Gia Lai (64, Central Highlands);
Hà Nội (01) was not merged. The 2025 layout has 34 provinces, the 2008 one 63.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import benchmarking as bm
from data import registry, schema

CODES_2025 = sorted(registry.provinces("2025")["code"])


def make_obs(rows) -> pd.DataFrame:
    """Observation frame from tuples (geo_level, layout, code, indicator, period, value, status)."""
    records = []
    for level, layout, code, ind, period, value, status in rows:
        granularity, _, end = schema.parse_period(period)
        records.append(
            {
                schema.GEO_LEVEL: level,
                schema.LAYOUT: layout,
                schema.GEO_CODE: code,
                schema.INDICATOR: ind,
                schema.PERIOD: period,
                schema.GRANULARITY: granularity,
                schema.DATE: end.isoformat(),
                schema.VALUE: float(value),
                schema.QUALIFIER: "",
                schema.UNIT: "",
                schema.STATUS: status,
                schema.TARGET_DATE: "",
                schema.SOURCE_ID: "src_" + status,
                schema.NOTE: "",
                schema.DERIVED_FROM: "",
            }
        )
    return pd.DataFrame(records, columns=list(schema.OBSERVATION_COLUMNS))


def by_code(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index(schema.GEO_CODE)


# --- the Thái Nguyên report of 2025-11-03 -------------------------------------------------------
def test_thai_nguyen_against_the_national_average():
    # reported: Thái Nguyên 10.3 R&D staff per 10,000; the nation 8.2 on the same day
    obs = make_obs(
        [
            ("province", "2025", "19", "rd_staff_per_10k", "2025-11-03", 10.3, "reported"),
            ("nation", "", "VN", "rd_staff_per_10k", "2025-11-03", 8.2, "reported"),
        ]
    )
    table = bm.benchmark(obs, "rd_staff_per_10k", "2025-11-03", "2025")
    assert list(table.columns) == list(bm.BENCHMARK_COLUMNS)
    assert len(table) == 34 and table[schema.GEO_CODE].tolist() == CODES_2025
    row = by_code(table).loc["19"]
    assert row[schema.VALUE] == 10.3 and row[schema.STATUS] == "reported"
    assert row[schema.NATIONAL_VALUE] == 8.2 and row[schema.NATIONAL_STATUS] == "reported"
    assert row[schema.NATIONAL_PERIOD] == "2025-11-03"
    assert row[schema.DIFFERENCE] == pytest.approx(10.3 - 8.2) == pytest.approx(2.1)
    assert row[schema.RATIO] == pytest.approx(10.3 / 8.2) == pytest.approx(1.256, abs=5e-4)
    assert (row[schema.RANK], row[schema.RANK_OF]) == (1, 1)
    assert math.isnan(row[schema.PERCENTILE]) and math.isnan(row[schema.Z_SCORE])  # one value: no spread
    assert row[schema.QUARTILE] == 1
    assert row[schema.PEER_GROUP] == "NMM" and row[schema.PEER_AVERAGE] == 10.3


def test_a_province_without_a_value_is_listed_as_no_data():
    obs = make_obs([("province", "2025", "19", "rd_staff_per_10k", "2025-11-03", 10.3, "reported")])
    row = by_code(bm.benchmark(obs, "rd_staff_per_10k", "2025-11-03", "2025")).loc["01"]  # Hà Nội: nothing
    assert math.isnan(row[schema.VALUE])
    assert row[schema.STATUS] == "" and row[schema.SOURCE_ID] == ""
    assert pd.isna(row[schema.RANK]) and row[schema.RANK_OF] == 1
    assert math.isnan(row[schema.DIFFERENCE])
    assert math.isnan(row[schema.NATIONAL_VALUE])  # no national row, one province is not the country


# --- ranks -------------------------------------------------------------------------------------------
def test_ties_share_the_best_rank_and_percentiles_count_strictly_worse():
    # 5, 5, 3 (higher is better): ranks 1, 1, 3. Percentile: share of the 2 others it beats strictly:
    # each 5 beats only the 3 -> 50; the 3 beats none -> 0. Quartiles floor(4 * (rank - 1) / 3) + 1: 1, 1, 3.
    obs = make_obs(
        [
            ("province", "2025", "01", "st_teams", "2025-Q4", 5, "reported"),
            ("province", "2025", "04", "st_teams", "2025-Q4", 5, "reported"),
            ("province", "2025", "08", "st_teams", "2025-Q4", 3, "reported"),
        ]
    )
    t = by_code(bm.benchmark(obs, "st_teams", "2025-Q4", "2025"))
    assert t.loc[["01", "04", "08"], schema.RANK].tolist() == [1, 1, 3]
    assert set(t[schema.RANK_OF]) == {3}
    assert t.loc[["01", "04", "08"], schema.PERCENTILE].tolist() == [50.0, 50.0, 0.0]
    assert t.loc[["01", "04", "08"], schema.QUARTILE].tolist() == [1, 1, 3]
    # z-scores: mean 13/3, sample sd sqrt(((2/3)^2 * 2 + (4/3)^2) / 2) = sqrt(4/3)
    sd = math.sqrt(4 / 3)
    assert t.loc["08", schema.Z_SCORE] == pytest.approx((3 - 13 / 3) / sd)


def test_lower_is_better_ranks_the_smallest_first():
    # late tasks: fewer is better, so 0 late is rank 1 and 4 late is rank 3
    obs = make_obs(
        [
            ("province", "2025", "01", "r57_tasks_late", "2025-Q4", 4, "reported"),
            ("province", "2025", "04", "r57_tasks_late", "2025-Q4", 0, "reported"),
            ("province", "2025", "08", "r57_tasks_late", "2025-Q4", 2, "reported"),
        ]
    )
    t = by_code(bm.benchmark(obs, "r57_tasks_late", "2025-Q4", "2025"))
    assert t.loc[["04", "08", "01"], schema.RANK].tolist() == [1, 2, 3]
    assert t.loc["04", schema.PERCENTILE] == 100.0 and t.loc["01", schema.PERCENTILE] == 0.0
    assert set(t[schema.DIRECTION]) == {"lower"}


# --- the national value -----------------------------------------------------------------------------
def _all_2025(ind, period, values, status="reported"):
    return [("province", "2025", code, ind, period, v, status) for code, v in zip(CODES_2025, values)]


def test_national_count_is_the_sum_of_every_province_and_marked_derived():
    # 34 provinces with 1, 2, ..., 34 teams: the nation has 34 * 35 / 2 = 595
    obs = make_obs(_all_2025("st_teams", "2025-Q4", range(1, 35)))
    row = bm.benchmark(obs, "st_teams", "2025-Q4", "2025").iloc[0]
    assert row[schema.NATIONAL_VALUE] == 595.0
    assert row[schema.NATIONAL_STATUS] == "derived"
    assert row[schema.NATIONAL_DERIVED_FROM] == "sum of all 34 provinces (2025 layout)"


def test_a_missing_province_means_no_computed_national_value():
    obs = make_obs(_all_2025("st_teams", "2025-Q4", range(1, 35))[1:])  # Hà Nội missing
    assert math.isnan(bm.benchmark(obs, "st_teams", "2025-Q4", "2025").iloc[0][schema.NATIONAL_VALUE])


def test_national_ratio_is_recomputed_from_the_sums():
    # every province 100 R&D staff, population 100,000 except Hà Nội with 1,000,000:
    # nation = 10,000 * 3,400 / (33 * 100,000 + 1,000,000) = 34,000,000 / 4,300,000 = 7.907
    # (the plain mean of the provinces' rates, Hà Nội's 1 and 33 times 10, would be 331 / 34 = 9.74)
    pops = [1_000_000] + [100_000] * 33
    obs = make_obs(_all_2025("rd_staff", "2025-Q4", [100] * 34) + _all_2025("population", "2025", pops))
    table = by_code(bm.benchmark(obs, "rd_staff_per_10k", "2025-Q4", "2025"))
    assert table[schema.NATIONAL_VALUE].iloc[0] == pytest.approx(10_000 * 3_400 / 4_300_000)
    assert table.loc["01", schema.VALUE] == pytest.approx(1.0)  # 10,000 * 100 / 1,000,000, derived here
    assert table.loc["01", schema.STATUS] == "derived"
    assert table.loc["01", schema.DERIVED_FROM] == "10000 × rd_staff / population"
    assert table.loc["04", schema.VALUE] == pytest.approx(10.0)


def test_national_share_is_population_weighted():
    # 5G coverage 50% in Hà Nội (population 1,000,000) and 10% elsewhere (100,000 each):
    # (0.5 * 1,000,000 + 0.1 * 3,300,000) / 4,300,000 = 830,000 / 4,300,000 = 19.30%
    pops = [1_000_000] + [100_000] * 33
    obs = make_obs(
        _all_2025("g5_population_coverage", "2025-Q4", [50] + [10] * 33) + _all_2025("population", "2025", pops)
    )
    row = bm.benchmark(obs, "g5_population_coverage", "2025-Q4", "2025").iloc[0]
    assert row[schema.NATIONAL_VALUE] == pytest.approx(100 * 830_000 / 4_300_000)


def test_rule_none_gives_no_national_value():
    obs = make_obs(_all_2025("budget_share_stidx", "2025", [2.0] * 34))
    assert math.isnan(bm.benchmark(obs, "budget_share_stidx", "2025", "2025").iloc[0][schema.NATIONAL_VALUE])


def test_reported_national_value_beats_the_computed_one_and_matches_a_point_in_time_date():
    # a reported national count on 2025-12-31 (a day) is the value at the end of 2025-Q4
    obs = make_obs(
        _all_2025("st_teams", "2025-Q4", [1] * 34) + [("nation", "", "VN", "st_teams", "2025-12-31", 40, "reported")]
    )
    row = bm.benchmark(obs, "st_teams", "2025-Q4", "2025").iloc[0]
    assert (row[schema.NATIONAL_VALUE], row[schema.NATIONAL_STATUS], row[schema.NATIONAL_PERIOD]) == (
        40.0,
        "reported",
        "2025-12-31",
    )
    # but a national figure of another period is not used: 2025-Q3 has none of its own -> computed
    obs = make_obs(
        _all_2025("st_teams", "2025-Q3", [1] * 34) + [("nation", "", "VN", "st_teams", "2025-12-31", 40, "reported")]
    )
    row = bm.benchmark(obs, "st_teams", "2025-Q3", "2025").iloc[0]
    assert (row[schema.NATIONAL_VALUE], row[schema.NATIONAL_STATUS]) == (34.0, "derived")


# --- peers and change -----------------------------------------------------------------------------
def test_peer_group_of_a_2025_province_is_the_region_of_its_seat():
    # Gia Lai (2025, 52) has the code of Bình Định (NCC), whose capital Quy Nhơn is the seat;
    # Tây Ninh (2025, 80) has the code of Long An (MRD), seat Tân An.
    peers = bm.peer_groups("2025")
    assert (peers["52"], peers["80"], peers["19"], peers["01"]) == ("NCC", "MRD", "NMM", "RRD")
    assert bm.peer_groups("2008")["64"] == "CH"  # old Gia Lai stays in the Central Highlands


def test_peer_average_and_change_since_the_previous_period():
    # NCC in 2025: Thanh Hóa 38, Nghệ An 40, Gia Lai 52 -> (10 + 20 + 60) / 3 = 30; Hà Nội (RRD) alone
    obs = make_obs(
        [
            ("province", "2025", "38", "st_teams", "2025-Q4", 10, "reported"),
            ("province", "2025", "40", "st_teams", "2025-Q4", 20, "reported"),
            ("province", "2025", "52", "st_teams", "2025-Q4", 60, "reported"),
            ("province", "2025", "01", "st_teams", "2025-Q4", 90, "reported"),
            ("province", "2025", "52", "st_teams", "2025-Q3", 45, "reported"),
            ("province", "2025", "52", "st_teams", "2025-11-03", 50, "reported"),  # a day: not the previous quarter
        ]
    )
    t = by_code(bm.benchmark(obs, "st_teams", "2025-Q4", "2025"))
    assert t.loc["52", schema.PEER_AVERAGE] == pytest.approx(30.0) and t.loc["52", schema.PEER_COUNT] == 3
    assert t.loc["01", schema.PEER_AVERAGE] == 90.0
    assert t.loc["52", schema.PREVIOUS_PERIOD] == "2025-Q3"
    assert (t.loc["52", schema.PREVIOUS_VALUE], t.loc["52", schema.CHANGE]) == (45.0, 15.0)
    assert math.isnan(t.loc["38", schema.CHANGE])


# --- values across layouts -------------------------------------------------------------------------
def test_values_of_the_2025_layout_include_aggregated_counts_rates_and_shares():
    obs = make_obs(
        [
            # count: 100 + 900 = 1,000 R&D staff in new Thái Nguyên
            ("province", "2008", "06", "rd_staff", "2025-Q2", 100, "reported"),
            ("province", "2008", "19", "rd_staff", "2025-Q2", 900, "reported"),
            # rate: 10,000 * 1,000 / (300,000 + 1,500,000) = 5.556 (the mean of 3.33 and 6.0 would be 4.67)
            ("province", "2008", "06", "population", "2025", 300_000, "reported"),
            ("province", "2008", "19", "population", "2025", 1_500_000, "reported"),
            # share: Bình Định 30 of 60, old Gia Lai 10 of 40 -> 40 of 100 = 40% (mean of shares 37.5%)
            ("province", "2008", "52", "r57_tasks_done", "2025-Q2", 30, "reported"),
            ("province", "2008", "64", "r57_tasks_done", "2025-Q2", 10, "synthetic"),
            ("province", "2008", "52", "r57_tasks_total", "2025-Q2", 60, "reported"),
            ("province", "2008", "64", "r57_tasks_total", "2025-Q2", 40, "reported"),
            # a target never enters a value
            ("province", "2008", "52", "rd_staff_per_10k", "2025-Q2", 12, "target"),
        ]
    )
    staff = bm.values_for_layout(obs, "rd_staff", "2025")
    assert staff[[schema.GEO_CODE, schema.VALUE, schema.STATUS]].values.tolist() == [["19", 1000.0, "derived"]]
    rate = bm.values_for_layout(obs, "rd_staff_per_10k", "2025")
    assert rate[schema.GEO_CODE].tolist() == ["19"]  # nothing for Gia Lai: the target is not a value
    assert rate[schema.VALUE].iloc[0] == pytest.approx(10_000 * 1_000 / 1_800_000)
    assert (
        rate[schema.DERIVED_FROM].iloc[0] == "10000 × sum(rd_staff) / sum(population) of 2008-layout provinces 06, 19"
    )
    share = bm.values_for_layout(obs, "r57_tasks_done_share", "2025")
    assert share[schema.VALUE].tolist() == [pytest.approx(40.0)]
    assert share[schema.STATUS].tolist() == ["synthetic"]  # one input (old Gia Lai's done) is synthetic
    assert bm.periods_for(obs, "rd_staff", "2025") == ["2025-Q2"]


def test_own_values_win_and_reported_beats_synthetic():
    obs = make_obs(
        [
            ("province", "2025", "19", "rd_staff", "2025-Q2", 999, "synthetic"),
            ("province", "2008", "06", "rd_staff", "2025-Q2", 100, "reported"),
            ("province", "2008", "19", "rd_staff", "2025-Q2", 900, "reported"),
            ("province", "2025", "19", "rd_staff", "2025-Q3", 1100, "reported"),
            ("province", "2008", "06", "rd_staff", "2025-Q3", 1, "synthetic"),
            ("province", "2008", "19", "rd_staff", "2025-Q3", 1, "synthetic"),
        ]
    )
    values = bm.values_for_layout(obs, "rd_staff", "2025").set_index(schema.PERIOD)
    assert (values.loc["2025-Q2", schema.VALUE], values.loc["2025-Q2", schema.STATUS]) == (1000.0, "derived")
    assert (values.loc["2025-Q3", schema.VALUE], values.loc["2025-Q3", schema.STATUS]) == (1100.0, "reported")


def test_an_unmerged_province_keeps_its_value_in_the_2008_layout():
    obs = make_obs(
        [
            ("province", "2025", "01", "population", "2025", 8_718_000, "reported"),  # Hà Nội, not merged
            ("province", "2025", "19", "population", "2025", 1_799_489, "reported"),  # merged: cannot be split
            ("province", "2025", "01", "pii_rank", "2025", 1, "reported"),  # rank among 34: never crosses
        ]
    )
    values = bm.values_for_layout(obs, "population", "2008")
    assert values[[schema.GEO_CODE, schema.VALUE, schema.STATUS]].values.tolist() == [["01", 8_718_000.0, "derived"]]
    assert "territory unchanged" in values[schema.DERIVED_FROM].iloc[0]
    assert bm.values_for_layout(obs, "pii_rank", "2008").empty


@pytest.mark.filterwarnings("error")
def test_an_unmerged_province_keeps_its_value_when_no_row_has_a_qualifier():
    # a qualifier column with nothing in it reads as float64 (all NaN); the value still crosses, qualifier ""
    obs = make_obs([("province", "2025", "01", "population", "2025", 8_718_000, "reported")])
    obs[schema.QUALIFIER] = float("nan")
    values = bm.values_for_layout(obs, "population", "2008")
    assert values[[schema.GEO_CODE, schema.VALUE, schema.QUALIFIER]].values.tolist() == [["01", 8_718_000.0, ""]]


def test_per_10k_is_derived_from_count_and_population_when_not_reported():
    # Thái Nguyên: 10,000 × 1,861 / 1,799,489 = 10.342 (reported as 10.3)
    obs = make_obs(
        [
            ("province", "2025", "19", "rd_staff", "2025-11-03", 1861, "reported"),
            ("province", "2025", "19", "population", "2025", 1_799_489, "reported"),
        ]
    )
    row = by_code(bm.benchmark(obs, "rd_staff_per_10k", "2025-11-03", "2025")).loc["19"]
    assert row[schema.VALUE] == pytest.approx(10_000 * 1861 / 1_799_489) == pytest.approx(10.342, abs=1e-3)
    assert (row[schema.STATUS], row[schema.SOURCE_ID]) == ("derived", "derived_here")
    assert row[schema.DERIVED_FROM] == "10000 × rd_staff / population"
    # with the reported ratio present, the reported one is shown
    obs = pd.concat([obs, make_obs([("province", "2025", "19", "rd_staff_per_10k", "2025-11-03", 10.3, "reported")])])
    assert by_code(bm.benchmark(obs, "rd_staff_per_10k", "2025-11-03", "2025")).loc["19", schema.VALUE] == 10.3


def test_benchmark_of_the_bundled_data():
    """The store's own data: Thái Nguyên 10.3 against 8.2, reported values only."""
    from data import observations

    obs = observations.bundled_observations()
    real = obs[obs[schema.STATUS] != "synthetic"]
    assert bm.periods_for(real, "rd_staff_per_10k", "2025") == ["2025-11-03"]
    t = bm.benchmark(real, "rd_staff_per_10k", "2025-11-03", "2025")
    shown = t[t[schema.VALUE].notna()]
    assert shown[
        [schema.GEO_CODE, schema.VALUE, schema.NATIONAL_VALUE, schema.RANK, schema.RANK_OF]
    ].values.tolist() == [["19", 10.3, 8.2, 1, 1]]
    assert shown[schema.SOURCE_ID].tolist() == ["thainguyen_2025_11_03"]
