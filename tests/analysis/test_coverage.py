"""analysis.coverage on small frames, expected answers counted by hand; ranks never cross the merger."""

import pandas as pd

from analysis import benchmarking, coverage
from data import catalogue, observations


def _obs(rows):
    """rows: (layout, code, indicator, period, status)."""
    frame = pd.DataFrame(rows, columns=["layout", "geo_code", "indicator_id", "period", "status"])
    frame["geo_level"] = "province"
    frame["date"] = frame["period"].map(lambda p: f"{p}-12-31")
    frame["value"] = 1.0
    return frame


SMALL = _obs(
    [
        # "a": reported by 01, 02 and 04 in 2022 (3), by 01 in 2023 (1); "b": 01 and 02 in 2023 (2), 79 synthetic
        ("2008", "01", "a", "2022", "reported"),
        ("2008", "02", "a", "2022", "reported"),
        ("2008", "04", "a", "2022", "reported"),
        ("2008", "01", "a", "2023", "reported"),
        ("2008", "01", "b", "2023", "reported"),
        ("2008", "02", "b", "2023", "reported"),
        ("2008", "79", "b", "2023", "synthetic"),
        ("2008", "79", "b", "2024", "synthetic"),
        ("2008", "79", "b", "2025", "synthetic"),
        ("2008", "79", "b", "2026", "synthetic"),
        # "c": reported by 01 and 02 in 2023 (2, ties with "b"); "pop": all four, but never a default
        ("2008", "01", "c", "2023", "reported"),
        ("2008", "02", "c", "2023", "reported"),
        ("2008", "01", "pop", "2023", "reported"),
        ("2008", "02", "pop", "2023", "reported"),
        ("2008", "04", "pop", "2023", "reported"),
        ("2008", "79", "pop", "2023", "reported"),
        # another layout does not count
        ("2025", "01", "c", "2025", "reported"),
        ("2025", "79", "c", "2025", "reported"),
        ("2025", "31", "c", "2025", "reported"),
        ("2025", "22", "c", "2025", "reported"),
    ]
)


def test_the_default_is_the_indicator_with_most_reported_values():
    # hand count in 2008: a 3 (2022), b 2, c 2, pop 4 (never); synthetic rows of b do not count
    assert coverage.default_choice(SMALL, "2008", never={"pop"}) == ("a", "2022")
    assert coverage.default_choice(SMALL, "2008") == ("pop", "2023")  # without the never list
    # without "a", b and c tie at 2: the preference decides
    rest = SMALL[SMALL.indicator_id != "a"]
    assert coverage.default_choice(rest, "2008", never={"pop"}, preference=["c", "b"]) == ("c", "2023")
    assert coverage.default_choice(rest, "2008", never={"pop"}, preference=["b"]) == ("b", "2023")
    assert coverage.default_choice(rest, "2008", never={"pop"}) == ("b", "2023")  # then by name
    assert coverage.default_choice(SMALL, "2025") == ("c", "2025")
    assert coverage.default_choice(SMALL, "2008", candidates=["b"]) == ("b", "2023")
    assert coverage.default_choice(SMALL[SMALL.status == "synthetic"], "2008") is None


def test_ranked_choices_and_best_period():
    assert coverage.ranked_choices(SMALL, "2008", never={"pop"}, preference=["c"]) == [
        ("a", "2022"),
        ("c", "2023"),
        ("b", "2023"),
    ]
    assert coverage.best_period(SMALL, "a", "2008") == "2022"  # 3 values against 1 in 2023
    assert coverage.best_period(SMALL, "b", "2008") == "2023"  # the synthetic years do not count


def test_coverage_grid_counts_and_never_reported():
    grid = coverage.coverage_grid(SMALL, "2008", ["01", "02", "04", "79", "80"], ["a", "b"], date_from="2023-01-01")
    cells = {(r.geo_code, r.indicator_id): r.letter for r in grid.itertuples()}
    # from 2023 on: a only 01; b 01, 02 reported and 79 synthetic; 04 and 80 nothing
    assert cells == {
        ("01", "a"): "R",
        ("02", "a"): "",
        ("04", "a"): "",
        ("79", "a"): "",
        ("80", "a"): "",
        ("01", "b"): "R",
        ("02", "b"): "R",
        ("04", "b"): "",
        ("79", "b"): "S",
        ("80", "b"): "",
    }
    per_indicator, per_province = coverage.coverage_counts(grid)
    assert per_indicator.to_dict() == {"a": 1, "b": 2}
    assert per_province.to_dict() == {"01": 2, "02": 1, "04": 0, "79": 0, "80": 0}
    assert coverage.never_reported(grid) == ["04", "79", "80"]
    assert grid.set_index(["geo_code", "indicator_id"]).loc[("79", "b"), "n_values"] == 4  # 2023 to 2026


def test_a_cell_shows_its_best_status():
    frame = _obs([("2025", "01", "a", "2025", s) for s in ("synthetic", "target", "derived")])
    assert coverage.coverage_grid(frame, "2025", ["01"], ["a"])["letter"].tolist() == ["D"]
    frame = _obs([("2025", "01", "a", "2025", s) for s in ("synthetic", "target")])
    assert coverage.coverage_grid(frame, "2025", ["01"], ["a"])["letter"].tolist() == ["T"]


def test_rank_indicators_are_ranks_that_never_cross_the_merger():
    cat = catalogue.indicators().set_index("indicator_id")
    ranks = cat[cat["unit"] == "rank"]
    assert {"dti_rank", "pii_rank", "pci_rank", "gii_rank", "egdi_rank"} <= set(ranks.index)
    assert (ranks["direction"] == "lower").all() and (ranks["aggregation"] == "none").all()
    assert all(catalogue.is_rank(spec) for _, spec in ranks.iterrows())
    # an index's score and rank are one family
    assert cat.loc["dti_score", "family"] == cat.loc["dti_rank", "family"] == cat.loc["dti_gov_rank", "family"] == "dti"
    obs = observations.bundled_observations()
    obs = obs[obs["doubtful"] == ""]
    for indicator, period in (("dti_rank", "2022"), ("pii_rank", "2024"), ("pci_rank", "2024")):
        # 63-province ranks: none on the 34-province map, as a value or converted
        assert benchmarking.values_for_layout(obs, indicator, "2025").query(f"period == '{period}'").empty
        assert benchmarking.benchmark(obs, indicator, period, "2025")["value"].isna().all()
    # 34-province ranks (PII 2025) never on the 63-province map either
    assert benchmarking.values_for_layout(obs, "pii_rank", "2008").query("period == '2025'").empty


def test_a_published_rank_is_the_rank_in_its_own_field():
    """DTI 2023 is partial (12 provinces unflagged): Quảng Ngãi is 21st of 63, not 12th of 12."""
    obs = observations.bundled_observations()
    table = benchmarking.benchmark(obs[obs["doubtful"] == ""], "dti_rank", "2023", "2008").set_index("geo_code")
    assert table["value"].notna().sum() == 12
    assert (table.loc["51", "rank"], table.loc["51", "rank_of"]) == (21, 63)
    assert pd.isna(table["national_value"]).all()  # a rank has no national value
