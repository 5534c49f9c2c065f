"""Aggregation from the 63-province layout to the 34-province one, checked against hand sums.

Crosswalk facts used: new Thái Nguyên (19) = old Bắc Kạn (06) + old Thái Nguyên (19);
new Gia Lai (52) = old Bình Định (52) + old Gia Lai (64).
"""

from pathlib import Path

import pandas as pd
import pytest

from analysis import aggregation


def obs_frame(rows, period="2025-Q4", date="2025-12-31", granularity="quarter"):
    """Tiny observation frame: rows of (layout, code, indicator, value, status)."""
    return pd.DataFrame(
        [
            {
                "geo_level": "province",
                "layout": layout,
                "geo_code": code,
                "indicator_id": ind,
                "period": period,
                "granularity": granularity,
                "date": date,
                "value": float(value),
                "status": status,
            }
            for layout, code, ind, value, status in rows
        ]
    )


def values_of(frame, indicator):
    part = frame[frame["indicator_id"] == indicator]
    return dict(zip(part["geo_code"], part["value"]))


def test_counts_add_up():
    obs = obs_frame([("2008", "06", "rd_staff", 100, "reported"), ("2008", "19", "rd_staff", 900, "reported")])
    out = aggregation.to_new_layout(obs)
    assert values_of(out, "rd_staff") == {"19": 1000.0}
    row = out.iloc[0]
    assert (row["layout"], row["status"], row["source_id"]) == ("2025", "derived", "derived_here")
    assert row["derived_from"] == "sum of 2008-layout provinces 06, 19"
    assert row["unit"] == "persons" and row["period"] == "2025-Q4"


def test_a_partial_sum_is_never_shown_as_a_total():
    obs = obs_frame([("2008", "19", "rd_staff", 900, "reported")])  # Bắc Kạn (06) missing
    out = aggregation.to_new_layout(obs)
    assert out.empty and list(out.columns) == list(aggregation.schema.OBSERVATION_COLUMNS)


def test_rate_is_recomputed_from_numerator_and_population_not_averaged():
    # 06: 100 staff / 300,000 people = 3.33 per 10k; 19: 900 / 1,500,000 = 6.0 per 10k
    # new 19: 10,000 * 1,000 / 1,800,000 = 5.5556 (the plain mean would be 4.67)
    obs = pd.concat(
        [
            obs_frame([("2008", "06", "rd_staff", 100, "reported"), ("2008", "19", "rd_staff", 900, "reported")]),
            obs_frame(
                [
                    ("2008", "06", "population", 300_000, "reported"),
                    ("2008", "19", "population", 1_500_000, "reported"),
                ],
                period="2025",
                date="2025-12-31",
                granularity="year",
            ),
        ],
        ignore_index=True,
    )
    out = aggregation.to_new_layout(obs)
    assert values_of(out, "rd_staff_per_10k")["19"] == pytest.approx(10_000 * 1_000 / 1_800_000)
    assert out.loc[out["indicator_id"] == "rd_staff_per_10k", "derived_from"].iloc[0] == (
        "10000 × sum(rd_staff) / sum(population) of 2008-layout provinces 06, 19"
    )


def test_share_of_tasks_is_done_over_total():
    # Bình Định 30 of 60, old Gia Lai 10 of 40 -> new Gia Lai 40 of 100 = 40% (mean of shares: 37.5%)
    obs = obs_frame(
        [
            ("2008", "52", "r57_tasks_done", 30, "reported"),
            ("2008", "64", "r57_tasks_done", 10, "reported"),
            ("2008", "52", "r57_tasks_total", 60, "reported"),
            ("2008", "64", "r57_tasks_total", 40, "reported"),
        ]
    )
    out = aggregation.to_new_layout(obs)
    assert values_of(out, "r57_tasks_done_share") == {"52": pytest.approx(40.0)}
    assert values_of(out, "r57_tasks_done") == {"52": 40.0}
    assert values_of(out, "r57_tasks_total") == {"52": 100.0}


def test_population_weighted_share():
    # 50% of 1.5 million and 20% of 1.0 million -> 950,000 / 2,500,000 = 38%
    obs = pd.concat(
        [
            obs_frame(
                [
                    ("2008", "52", "g5_population_coverage", 50, "reported"),
                    ("2008", "64", "g5_population_coverage", 20, "reported"),
                ]
            ),
            obs_frame(
                [
                    ("2008", "52", "population", 1_500_000, "reported"),
                    ("2008", "64", "population", 1_000_000, "reported"),
                ],
                period="2025",
                date="2025-12-31",
                granularity="year",
            ),
        ],
        ignore_index=True,
    )
    out = aggregation.to_new_layout(obs)
    assert values_of(out, "g5_population_coverage") == {"52": pytest.approx(38.0)}


def test_not_aggregable_and_targets_stay_apart():
    obs = obs_frame(
        [
            ("2008", "52", "budget_share_stidx", 3, "reported"),
            ("2008", "64", "budget_share_stidx", 2, "reported"),
            ("2008", "52", "rd_staff_per_10k", 12, "target"),
            ("2008", "64", "rd_staff_per_10k", 9, "target"),
        ]
    )
    assert aggregation.to_new_layout(obs).empty


def test_one_synthetic_input_makes_the_result_synthetic():
    obs = obs_frame([("2008", "06", "st_teams", 4, "synthetic"), ("2008", "19", "st_teams", 32, "reported")])
    out = aggregation.to_new_layout(obs)
    assert out[["value", "status", "source_id"]].values.tolist() == [[36.0, "synthetic", "synthetic_demo"]]


def test_derive_ratio_for_thai_nguyen():
    # 10,000 × 1,861 / 1,799,489 = 10.3418 (reported as 10.3)
    obs = pd.concat(
        [
            obs_frame(
                [("2025", "19", "rd_staff", 1861, "reported")],
                period="2025-11-03",
                date="2025-11-03",
                granularity="day",
            ),
            obs_frame(
                [("2025", "19", "population", 1_799_489, "reported")],
                period="2025",
                date="2025-12-31",
                granularity="year",
            ),
        ],
        ignore_index=True,
    )
    out = aggregation.derive_ratio(obs, "rd_staff_per_10k", "2025")
    assert out["value"].iloc[0] == pytest.approx(10.3418, abs=1e-4)
    assert out[["status", "period", "derived_from"]].iloc[0].tolist() == [
        "derived",
        "2025-11-03",
        "10000 × rd_staff / population",
    ]


def test_derive_ratio_refuses_a_non_ratio():
    with pytest.raises(ValueError, match="The indicator 'rd_staff' is not a ratio"):
        aggregation.derive_ratio(obs_frame([]).reindex(columns=["geo_level"]), "rd_staff", "2025")


# --- derived_from notes in either language ---------------------------------------------------------
def _stored_notes() -> list[str]:
    """The distinct derived_from notes of the bundled synthetic file, as this package wrote them."""
    frame = pd.read_csv(
        Path(__file__).resolve().parents[2] / "data" / "sample" / "synthetic.csv", dtype=str, keep_default_na=False
    )
    return sorted({n for n in frame["derived_from"] if n})


def test_derivation_text_in_english_is_the_note_as_stored():
    from analysis.aggregation import derivation_text

    notes = _stored_notes() + [
        "value of the same province in the 2025 layout (19), territory unchanged",
        "sum of all 34 provinces (2025 layout)",
    ]
    assert [derivation_text(n, "en") for n in notes] == notes


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("sum of 2008-layout provinces 06, 19", "tổng của các tỉnh theo đơn vị hành chính 2008: 06, 19"),
        (
            "population-weighted mean of all 63 provinces (2008 layout)",
            "trung bình có trọng số theo dân số của cả 63 tỉnh, thành (đơn vị hành chính 2008)",
        ),
        (
            "value of the same province in the 2025 layout (01), territory unchanged",
            "giá trị của cùng tỉnh theo đơn vị hành chính 2025 (01), địa giới không đổi",
        ),
        ("10000 × rd_staff / population", "10000 × rd_staff / population"),  # a formula reads the same
        ("as published by the yearbook", "as published by the yearbook"),  # not written here: left as it is
    ],
)
def test_derivation_text_in_vietnamese(note, expected):
    from analysis.aggregation import derivation_text

    assert derivation_text(note, "vi") == expected


def test_every_bundled_note_written_in_words_reads_in_vietnamese():
    from analysis.aggregation import derivation_text

    worded = [n for n in _stored_notes() if " of " in n]
    assert worded and all(" of " not in derivation_text(n, "vi") for n in worded)
