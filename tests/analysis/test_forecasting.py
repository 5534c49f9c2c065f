"""Forecasts of targets: pace, trend, interval, status, checked against hand calculations.

The status rule (Eurostat SDG indicators / Open SDG), as analysis/forecasting.py reads it: with the
baseline y_0 at t_0, the latest observation y_t at t, the target y_T at the deadline T and d = +1 when
higher is better (-1 otherwise), R = d * g_o / |g_r| with growth rates g = (y / y_0) ** (1 / years) - 1,
or, for counts that start at zero (growth from zero is undefined), R = d * v_o / |v_r| with linear paces
v = (y - y_0) / days. Met: achieved; R >= 0.95 on track; 0.6 <= R < 0.95 needs acceleration;
0 <= R < 0.6 limited progress; R < 0 moving away.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analysis import forecasting as fc
from data import schema


def make_obs(rows) -> pd.DataFrame:
    """Observations from tuples (geo_level, layout, code, indicator, period, value, status[, target_date])."""
    records = []
    for level, layout, code, ind, period, value, status, *deadline in rows:
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
                schema.TARGET_DATE: deadline[0] if deadline else "",
                schema.SOURCE_ID: "src",
                schema.NOTE: "",
                schema.DERIVED_FROM: "",
            }
        )
    return pd.DataFrame(records, columns=list(schema.OBSERVATION_COLUMNS))


#: The date the projections below are made on: before their deadlines (2025-12-31, 2026-12-31).
AS_OF = dt.date(2025, 11, 30)


def only_target(obs: pd.DataFrame, *, show_synthetic: bool = True, today: dt.date = AS_OF) -> fc.Forecast:
    targets = fc.targets(obs)
    assert len(targets) == 1
    return fc.forecast(obs, targets.iloc[0].to_dict(), show_synthetic=show_synthetic, today=today)


def days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


# --- Thái Nguyên: 83 of 156 tasks on 2025-11-03 -------------------------------------------------
THAI_NGUYEN = [
    ("province", "2025", "19", "r57_tasks_done", "2025-11-03", 83, "reported"),
    ("province", "2025", "19", "r57_tasks_total", "2025-11-03", 156, "reported"),
]


def test_thai_nguyen_tasks_need_acceleration_to_finish_by_the_end_of_2025():
    """83 of 156 tasks done on 2025-11-03, none on 2024-12-22 (the Resolution): can all 156 be done by 2025-12-31?

    Tasks done is a count that starts at zero, so growth rates break down ((83 / 0) ** ... is
    undefined) and the rule compares linear paces instead:

    * 2024-12-22 -> 2025-11-03 is 9 + 304 + 3 = 316 days; observed pace v_o = (83 - 0) / 316 = 0.2627 a day;
    * 2024-12-22 -> 2025-12-31 is 9 + 365 = 374 days; required pace v_r = (156 - 0) / 374 = 0.4171 a day;
    * higher is better (d = +1): R = 0.2627 / 0.4171 = 0.630, in [0.6, 0.95): **needs acceleration**.

    At 0.2627 a day the 73 tasks left take 73 / 0.2627 = 277.9 more days: day 593.9 after
    2024-12-22, i.e. 2026-08-08, early August 2026. One observation is a pace, not a model: the band
    runs from no further progress (83) to twice the pace (83 + 2 * 0.2627 * 58 = 113.5 on 2025-12-31).
    """
    obs = make_obs(
        THAI_NGUYEN + [("province", "2025", "19", "r57_tasks_done", "2025-11-03", 156, "target", "2025-12-31")]
    )
    f = only_target(obs)
    row = f.row
    assert days("2024-12-22", "2025-11-03") == 316 and days("2024-12-22", "2025-12-31") == 374
    assert (row[schema.BASELINE_KIND], row[schema.BASELINE_DATE], row[schema.BASELINE_VALUE]) == (
        "zero start",
        "2024-12-22",
        0.0,
    )
    assert row[schema.RULE] == "linear" and row[schema.METHOD] == "pace"
    assert row[schema.OBSERVED_PACE] == pytest.approx(83 / 316) == pytest.approx(0.263, abs=5e-4)
    assert row[schema.REQUIRED_PACE] == pytest.approx(156 / 374) == pytest.approx(0.417, abs=5e-4)
    assert row[schema.PROGRESS_RATIO] == pytest.approx((83 / 316) / (156 / 374)) == pytest.approx(0.63, abs=5e-3)
    assert row[schema.FORECAST_STATUS] == "needs_acceleration"
    reach = dt.date(2024, 12, 22) + dt.timedelta(days=round(316 + 73 / (83 / 316)))
    assert reach == dt.date(2026, 8, 8)
    assert row[schema.PROJECTED_DATE] == reach.isoformat()
    # value at the deadline: 83 + 0.2627 * 58 = 98.2, band 83 to 113.5
    assert row[schema.PROJECTED_VALUE] == pytest.approx(83 + 83 / 316 * 58)
    assert row[schema.PROJECTED_LOW] == pytest.approx(83.0)
    assert row[schema.PROJECTED_HIGH] == pytest.approx(83 + 2 * 83 / 316 * 58)
    assert row[schema.PROJECTED_DATE_LATE] == ""  # at the slow edge (no progress) it is never reached
    assert row[schema.STATUSES_USED] == "reported" and row[schema.N_OBSERVATIONS] == 1
    # the one-line explanation in plain words (issue 13): the pace a year, the value at the deadline, and how many
    # times that pace the target needs from the latest value: (156 - 83) / 58 days = 1.2586 a day against
    # 83 / 316 = 0.26266 a day, 4.79 times; 0.26266 x 365.25 = 95.9 tasks a year
    assert row[schema.EXPLANATION_EN] == (
        "At the pace seen since 2024-12-22 (+95.9 tasks a year), about 98.2 tasks by 2025-12-31; "
        "the target (156 tasks) needs 4.79 times that pace — needs acceleration."
    )
    assert row[schema.EXPLANATION_VI] == (
        "Theo nhịp độ từ 22/12/2024 (+95,9 nhiệm vụ mỗi năm), đến 31/12/2025 đạt khoảng 98,2 nhiệm vụ; "
        "mục tiêu (156 nhiệm vụ) cần nhịp độ gấp 4,79 lần — cần tăng tốc."
    )
    # the formulas went to the method text
    assert "not a model" in fc.method_text(row, "en") and "chưa phải mô hình" in fc.method_text(row, "vi")
    # the chart's history starts from the assumed zero
    assert f.history[schema.STATUS].tolist() == ["baseline", "reported"]
    assert f.history[schema.VALUE].tolist() == [0.0, 83.0]


def test_a_target_without_a_deadline_still_gets_its_pace_and_date():
    obs = make_obs(THAI_NGUYEN + [("province", "2025", "19", "r57_tasks_done", "2025-11-03", 156, "target")])
    row = only_target(obs).row
    assert row[schema.TARGET_DATE] == ""
    assert row[schema.FORECAST_STATUS] == "no_deadline"
    assert row[schema.OBSERVED_PACE] == pytest.approx(83 / 316)
    assert math.isnan(row[schema.REQUIRED_PACE]) and math.isnan(row[schema.PROGRESS_RATIO])
    assert math.isnan(row[schema.PROJECTED_VALUE])
    assert row[schema.PROJECTED_DATE] == "2026-08-08"
    assert "no deadline given" in row[schema.EXPLANATION_EN]
    assert "không có thời hạn" in row[schema.EXPLANATION_VI]


def test_the_data_can_move_the_zero_baseline():
    # an observation before the Resolution (5 tasks on 2024-12-01) is the start, not zero on 2024-12-22
    obs = make_obs(
        [
            ("province", "2025", "19", "r57_tasks_done", "2024-12-01", 5, "reported"),
            ("province", "2025", "19", "r57_tasks_done", "2025-11-03", 83, "reported"),
            ("province", "2025", "19", "r57_tasks_done", "2025-11-03", 156, "target", "2025-12-31"),
        ]
    )
    row = only_target(obs).row
    assert (row[schema.BASELINE_KIND], row[schema.BASELINE_DATE], row[schema.BASELINE_VALUE]) == (
        "first observation",
        "2024-12-01",
        5.0,
    )
    assert row[schema.OBSERVED_PACE] == pytest.approx(78 / days("2024-12-01", "2025-11-03"))


# --- the growth rule ----------------------------------------------------------------------------
def test_national_5g_coverage_makes_limited_progress_towards_90_percent():
    """26% (2025-Q2, ends 2025-06-30) and 39.52% (2025-10, ends 2025-10-31); about 90% by 2025-12-31.

    Time in years: 123 / 365.25 and 184 / 365.25. g_o = (39.52 / 26) ** (365.25 / 123) - 1 = 2.467,
    g_r = (90 / 26) ** (365.25 / 184) - 1 = 10.76, R = 2.467 / 10.76 = 0.229: limited progress.
    """
    obs = make_obs(
        [
            ("nation", "", "VN", "g5_population_coverage", "2025-Q2", 26, "reported"),
            ("nation", "", "VN", "g5_population_coverage", "2025-10", 39.52, "reported"),
            ("nation", "", "VN", "g5_population_coverage", "2025-10", 90, "target", "2025-12-31"),
        ]
    )
    row = only_target(obs).row
    g_o = (39.52 / 26) ** (365.25 / 123) - 1
    g_r = (90 / 26) ** (365.25 / 184) - 1
    assert row[schema.RULE] == "growth"
    assert row[schema.OBSERVED_GROWTH] == pytest.approx(g_o) == pytest.approx(2.467, abs=1e-3)
    assert row[schema.REQUIRED_GROWTH] == pytest.approx(g_r) == pytest.approx(10.76, abs=1e-2)
    assert row[schema.PROGRESS_RATIO] == pytest.approx(g_o / g_r) == pytest.approx(0.229, abs=1e-3)
    assert row[schema.FORECAST_STATUS] == "limited_progress"
    # two observations: a pace (13.52 points in 123 days), band +/- 1 / sqrt(2) of it over the 61 days left
    pace = 13.52 / 123
    assert row[schema.METHOD] == "pace"
    assert row[schema.PROJECTED_VALUE] == pytest.approx(39.52 + pace * 61)
    assert row[schema.PROJECTED_LOW] == pytest.approx(39.52 + pace * (1 - 2**-0.5) * 61)
    assert row[schema.PROJECTED_HIGH] == pytest.approx(39.52 + pace * (1 + 2**-0.5) * 61)


def test_lower_is_better_indicator():
    """Innovation index rank (1 = best): 21 at the end of 2024, 15 a year later; target 5 by the end of 2027.

    d = -1. g_o = (15 / 21) ** (365.25 / 365) - 1 = -0.2858 (falling, which is good);
    g_r = (5 / 21) ** (365.25 / 1095) - 1 = -0.3804; R = -1 * -0.2858 / 0.3804 = 0.751: needs acceleration.
    A rank that rises to 25 instead moves away (R < 0).
    """
    base = [
        ("province", "2025", "52", "pii_rank", "2024", 21, "reported"),
        ("province", "2025", "52", "pii_rank", "2025", 5, "target", "2027-12-31"),
    ]
    row = only_target(make_obs(base + [("province", "2025", "52", "pii_rank", "2025", 15, "reported")])).row
    g_o = (15 / 21) ** (365.25 / 365) - 1
    g_r = (5 / 21) ** (365.25 / 1095) - 1
    assert row[schema.DIRECTION] == "lower"
    assert row[schema.PROGRESS_RATIO] == pytest.approx(-g_o / abs(g_r)) == pytest.approx(0.751, abs=1e-3)
    assert row[schema.FORECAST_STATUS] == "needs_acceleration"
    assert (
        only_target(make_obs(base + [("province", "2025", "52", "pii_rank", "2025", 25, "reported")])).row[
            schema.FORECAST_STATUS
        ]
        == "moving_away"
    )
    assert (
        only_target(make_obs(base + [("province", "2025", "52", "pii_rank", "2025", 4, "reported")])).row[
            schema.FORECAST_STATUS
        ]
        == "achieved"
    )


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (1.5, "on_track"),
        (0.95, "on_track"),
        (0.949, "needs_acceleration"),
        (0.6, "needs_acceleration"),
        (0.599, "limited_progress"),
        (0.0, "limited_progress"),
        (-0.01, "moving_away"),
    ],
)
def test_status_thresholds(ratio, status):
    assert fc.status_of(ratio) == status


# --- the model and its interval ------------------------------------------------------------------
def _linear_series(seed: int, noise: float = 1.0):
    """12 quarterly values on y = 20 + 0.05 * day (day 0 = 2023-12-31) plus N(0, noise); truth at 2027-12-31."""
    rng = np.random.default_rng(seed)
    quarters = [f"{y}-Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
    start = dt.date(2023, 12, 31)
    rows = []
    for q in quarters:
        day = (schema.parse_period(q)[2] - start).days
        rows.append(("province", "2025", "01", "st_teams", q, 20 + 0.05 * day + rng.normal(0, noise), "synthetic"))
    deadline = "2027-12-31"
    truth = 20 + 0.05 * (dt.date(2027, 12, 31) - start).days
    return rows + [("province", "2025", "01", "st_teams", "2026-Q4", 200, "target", deadline)], truth


def test_known_linear_trend_falls_inside_the_80_percent_interval():
    rows, truth = _linear_series(seed=0)
    row = only_target(make_obs(rows)).row
    assert row[schema.METHOD] == "model" and row[schema.N_OBSERVATIONS] == 12
    assert row[schema.PROJECTED_LOW] < truth < row[schema.PROJECTED_HIGH]
    assert row[schema.PROJECTED_VALUE] == pytest.approx(truth, rel=0.05)
    assert row[schema.STATUSES_USED] == "synthetic"
    assert row[schema.EXPLANATION_EN].startswith("Synthetic (demo) data.")
    # over several noise draws the band holds the truth most of the time (it is an 80% band, at least)
    inside = 0
    for seed in range(1, 11):
        rows, truth = _linear_series(seed)
        r = only_target(make_obs(rows)).row
        inside += r[schema.PROJECTED_LOW] <= truth <= r[schema.PROJECTED_HIGH]
    assert inside >= 8


def test_synthetic_values_are_used_only_when_allowed_and_never_over_reported_ones():
    rows, _ = _linear_series(seed=0)
    obs = make_obs(rows)
    hidden = only_target(obs, show_synthetic=False).row
    assert hidden[schema.FORECAST_STATUS] == "not_enough_data" and hidden[schema.STATUSES_USED] == ""
    assert hidden[schema.N_OBSERVATIONS] == 0
    # one reported value wins over twelve synthetic ones
    obs = pd.concat([obs, make_obs([("province", "2025", "01", "st_teams", "2026-12-31", 70, "reported")])])
    row = only_target(obs).row
    assert row[schema.STATUSES_USED] == "reported" and row[schema.N_OBSERVATIONS] == 1
    assert row[schema.FORECAST_STATUS] == "not_enough_data"  # one point, no zero start: no pace


def test_no_observation_at_all():
    obs = make_obs([("province", "2008", "52", "hq_workers_trained", "2025-03-04", 7500, "target")])
    row = only_target(obs).row
    assert row[schema.FORECAST_STATUS] == "not_enough_data" and row[schema.METHOD] == "none"
    assert row[schema.SET_ON] == "2025-03-04"
    assert row[schema.EXPLANATION_EN] == "No value observed yet: progress cannot be judged — not enough data."


def test_forecast_targets_sorts_by_risk_and_covers_every_target():
    obs = make_obs(
        THAI_NGUYEN
        + [
            ("province", "2025", "19", "r57_tasks_done", "2025-11-03", 156, "target", "2025-12-31"),
            ("province", "2025", "19", "r57_tasks_done", "2025-11-03", 80, "target", "2025-12-31"),  # already met
            ("nation", "", "VN", "g5_population_coverage", "2025-10", 90, "target", "2025-12-31"),  # no data
        ]
    )
    table = fc.forecast_targets(obs, show_synthetic=False, today=AS_OF)
    assert list(table.columns) == list(fc.FORECAST_COLUMNS)
    assert table[schema.FORECAST_STATUS].tolist() == ["needs_acceleration", "not_enough_data", "achieved"]
    assert table[schema.RISK].is_monotonic_increasing


def test_bundled_targets():
    """The targets of the bundled data: Bình Định's three, Gia Lai's, the nation's 5G, and (issue 11) the
    national targets of Resolution 57 and of the 2025 directives, one per indicator here."""
    from data import observations

    bundled = observations.bundled_observations()
    table = fc.forecast_targets(
        bundled[bundled[schema.DOUBTFUL] == ""], show_synthetic=False, today=AS_OF
    )  # as the app
    got = {(r[schema.GEO_CODE], r[schema.LAYOUT], r[schema.INDICATOR]): r for r in table.to_dict("records")}
    # the ministry's doubtful "over 90%" at the end of 2025 would meet the 5G target: it is kept out unless asked for
    with_doubt = fc.forecast_targets(bundled, show_synthetic=False, today=AS_OF)
    five_g = with_doubt[(with_doubt[schema.INDICATOR] == "g5_population_coverage")]
    assert five_g[schema.FORECAST_STATUS].tolist() == ["achieved"]
    national = {
        "rd_spending_gdp",
        "rd_social_funding_share",
        "budget_share_stidx",
        "rd_staff_per_10k",
        "st_orgs_ranked",
        "publications_growth",
        "patent_growth",
        "patent_commercial_share",
        "digital_economy_share_gso",
        "online_public_service_usage",
        "cashless_share",
        "innovative_enterprises_share",
        "tfp_contribution",
        "hightech_exports_share",
        "digital_competitiveness_rank_asean",
        "digital_competitiveness_rank",
        "egdi_rank_asean",
        "egdi_rank",
        "ai_rd_rank_asean",
        "digital_tech_enterprises_advanced",
        "hdi",
        "gii_rank",
        "online_dossiers_share",
        "business_procedures_online_share",
        "g5_population_coverage",
    }
    assert set(got) == {
        ("52", "2008", "hq_workers_trained"),
        ("52", "2008", "rd_staff_per_10k"),
        ("52", "2008", "officials_digital_share"),
        ("52", "2025", "budget_share_stidx"),
    } | {("VN", "", i) for i in national}
    assert len(table) == 31  # budget share and digital economy share have two deadlines each
    assert got[("VN", "", "g5_population_coverage")][schema.FORECAST_STATUS] == "limited_progress"
    assert got[("52", "2008", "rd_staff_per_10k")][schema.FORECAST_STATUS] == "not_enough_data"  # only synthetic data
    assert got[("52", "2025", "budget_share_stidx")][schema.TARGET_DATE] == "2026-12-31"
    # seen after its deadline (2025-12-31) the nation's 5G target is judged, not projected: 39.52% < 90%
    later = fc.forecast_targets(
        bundled[bundled[schema.DOUBTFUL] == ""], show_synthetic=False, today=dt.date(2026, 11, 29)
    )
    five_g = later[later[schema.INDICATOR] == "g5_population_coverage"].iloc[0]
    assert five_g[schema.FORECAST_STATUS] == "missed" and five_g[schema.AT_DEADLINE_VALUE] == 39.52


# --- deadlines that have passed (issue 13) -------------------------------------------------------------
FIVE_G = [
    ("nation", "", "VN", "g5_population_coverage", "2025-Q2", 26, "reported"),  # ends 2025-06-30
    ("nation", "", "VN", "g5_population_coverage", "2025-10", 39.52, "reported"),  # ends 2025-10-31
    ("nation", "", "VN", "g5_population_coverage", "2025-10", 90, "target", "2025-12-31"),
]


def test_a_passed_deadline_is_judged_on_the_last_value_before_it_not_projected():
    """5G coverage, 90% by 2025-12-31, seen on 2026-11-29: the last value on or before the deadline is
    39.52% (2025-10-31); 39.52 < 90 with higher better: missed. A value after the deadline (80%, 2026-03-31)
    is shown as the first one after it, and changes nothing."""
    obs = make_obs(FIVE_G + [("nation", "", "VN", "g5_population_coverage", "2026-03", 80, "reported")])
    row = only_target(obs, today=dt.date(2026, 11, 29)).row
    assert row[schema.FORECAST_STATUS] == "missed" and row[schema.RISK] == 0
    assert (row[schema.AT_DEADLINE_DATE], row[schema.AT_DEADLINE_VALUE]) == ("2025-10-31", 39.52)
    assert (row[schema.AFTER_DEADLINE_DATE], row[schema.AFTER_DEADLINE_VALUE]) == ("2026-03-31", 80.0)
    assert math.isnan(row[schema.PROJECTED_VALUE]) and row[schema.PROJECTED_DATE] == ""  # not a projection
    assert row[schema.EXPLANATION_EN] == (
        "Deadline 2025-12-31 has passed: 39.52% on 2025-10-31, the last value on or before it; "
        "first value after it: 80% on 2026-03-31; target 90% not met — missed."
    )
    assert row[schema.EXPLANATION_VI].startswith("Đã qua hạn 31/12/2025: 39,52")
    assert row[schema.EXPLANATION_VI].endswith("không đạt mục tiêu 90% — không đạt đúng hạn.")


def test_a_target_met_by_its_deadline_and_one_with_no_value_before_it():
    # 92% on 2025-12-31 (2025-Q4) meets 90%: met by the deadline, even if a later value falls back
    met = make_obs(
        FIVE_G
        + [
            ("nation", "", "VN", "g5_population_coverage", "2025-Q4", 92, "reported"),
            ("nation", "", "VN", "g5_population_coverage", "2026-Q1", 88, "reported"),
        ]
    )
    row = only_target(met, today=dt.date(2026, 11, 29)).row
    assert row[schema.FORECAST_STATUS] == "met_by_deadline"
    assert (row[schema.AT_DEADLINE_DATE], row[schema.AT_DEADLINE_VALUE]) == ("2025-12-31", 92.0)
    assert (row[schema.AFTER_DEADLINE_DATE], row[schema.AFTER_DEADLINE_VALUE]) == ("2026-03-31", 88.0)
    # only values after the deadline: it cannot be said whether it was met then
    late = make_obs(
        [
            ("nation", "", "VN", "g5_population_coverage", "2026-Q1", 95, "reported"),
            ("nation", "", "VN", "g5_population_coverage", "2026-Q1", 90, "target", "2025-12-31"),
        ]
    )
    row = only_target(late, today=dt.date(2026, 11, 29)).row
    assert row[schema.FORECAST_STATUS] == "not_enough_data" and row[schema.AT_DEADLINE_DATE] == ""
    assert row[schema.AFTER_DEADLINE_VALUE] == 95.0
    assert "no value observed on or before it" in row[schema.EXPLANATION_EN]


def test_before_the_deadline_the_same_target_is_projected():
    row = only_target(make_obs(FIVE_G), today=dt.date(2025, 11, 30)).row
    assert row[schema.FORECAST_STATUS] == "limited_progress" and row[schema.AT_DEADLINE_DATE] == ""
    assert np.isfinite(row[schema.PROJECTED_VALUE])
    # pace since 2025-06-30: (39.52 - 26) / 123 days x 365.25 = 40.1 points a year
    assert "(+40.1 percentage points a year)" in row[schema.EXPLANATION_EN]


# --- rules moved out of pages/targets.py: synthetic inputs, pillars ------------------------------------
def test_uses_synthetic_reads_the_list_of_statuses_not_a_substring():
    rows = pd.DataFrame({schema.STATUSES_USED: ["reported, synthetic", "synthetic", "reported", "", None, "derived"]})
    assert fc.uses_synthetic(rows).tolist() == [True, True, False, False, False, False]
    assert fc.uses_synthetic(rows.iloc[0:0]).tolist() == []


def test_with_pillars_joins_the_catalogue_pillar_and_keeps_rows_without_one():
    cat = pd.DataFrame({schema.INDICATOR: ["rd", "g5"], "pillar": ["science", "digital"]})
    forecasts = pd.DataFrame({schema.INDICATOR: ["g5", "rd", "unknown"], "x": [1, 2, 3]})
    out = fc.with_pillars(forecasts, cat)
    assert out["pillar"].tolist()[:2] == ["digital", "science"] and pd.isna(out["pillar"].iloc[2])
    assert out["x"].tolist() == [1, 2, 3] and "pillar" not in forecasts


# --- robust fits in one child process (analysis.robust_fit) ----------------------------------------------
def two_model_targets() -> pd.DataFrame:
    """Twelve quarterly values in two provinces (two robust trends), and a one-point pace target (none)."""
    first, _ = _linear_series(seed=0)
    second = [(lv, lay, "02", ind, p, v, s, *rest) for lv, lay, _, ind, p, v, s, *rest in _linear_series(seed=3)[0]]
    return make_obs(first + second + THAI_NGUYEN + [THAI_NGUYEN[0][:5] + (156, "target", "2025-12-31")])


@pytest.fixture
def fresh_memo():
    from analysis import robust_fit

    robust_fit.forget()
    yield
    robust_fit.forget()


@pytest.fixture
def children(monkeypatch, fresh_memo) -> list[int]:
    """The number of series sent to each child process; as in a server, scikit-learn is not loaded here."""
    import json
    import subprocess
    import sys

    from analysis import robust_fit

    started: list[int] = []
    real = subprocess.run

    def watched(command, *args, **kwargs):
        started.append(len(json.loads(kwargs["input"])))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(robust_fit.subprocess, "run", watched)
    monkeypatch.delitem(sys.modules, "sklearn")  # restored after the test
    return started


def test_forecast_targets_fits_every_robust_trend_in_one_child_with_the_same_numbers(children, monkeypatch):
    from analysis import robust_fit

    obs = two_model_targets()
    there = fc.forecast_targets(obs, show_synthetic=True, today=AS_OF)
    assert children == [2]  # one child for both trends
    for target in fc.targets(obs).to_dict("records"):  # then one target at a time (the detail page): the memo
        fc.forecast(obs, target, show_synthetic=True, today=AS_OF)
    assert children == [2]
    monkeypatch.undo()  # scikit-learn back: the same forecasts fitted in this process
    robust_fit.forget()
    here = fc.forecast_targets(obs, show_synthetic=True, today=AS_OF)
    assert (here[schema.METHOD] == "model").sum() == 2 and len(here) == 3
    pd.testing.assert_frame_equal(there, here, check_exact=True)


def test_prefit_fits_the_trends_of_the_targets_given_in_one_child(children):
    obs = two_model_targets()
    assert fc.prefit(obs, fc.targets(obs), show_synthetic=True) == 2
    assert fc.prefit(obs, fc.targets(obs), show_synthetic=False) == 0  # synthetic values hidden: no model
    assert children == [2]
    rows = [fc.forecast(obs, t, show_synthetic=True, today=AS_OF).row for t in fc.targets(obs).to_dict("records")]
    assert [r[schema.METHOD] for r in rows] == ["model", "model", "pace"] and children == [2]


def test_a_fresh_interpreter_forecasts_without_importing_scikit_learn(tmp_path):
    """As in an app server: the fits run in a child, and the forecasts are those of this process."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, datetime\n"
        "from analysis import forecasting\n"
        "from tests.analysis.test_forecasting import two_model_targets, AS_OF\n"
        "out = forecasting.forecast_targets(two_model_targets(), show_synthetic=True, today=AS_OF)\n"
        f"out.to_pickle({str(tmp_path / 'out.pkl')!r})\n"
        "print('sklearn' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip().splitlines()[-1] == "False"
    here = fc.forecast_targets(two_model_targets(), show_synthetic=True, today=AS_OF)
    assert (here[schema.METHOD] == "model").sum() == 2
    pd.testing.assert_frame_equal(pd.read_pickle(tmp_path / "out.pkl"), here, check_exact=True)
