"""The catalogue describes every indicator in the data, and every described indicator is used
(or deliberately listed as empty): the same two-way check as Our World in Data's ETL."""

import pytest

from data import catalogue, observations

REQUIRED = [
    "r57_tasks_total",
    "r57_tasks_done",
    "r57_tasks_in_progress",
    "r57_tasks_late",
    "r57_tasks_done_share",
    "rd_staff",
    "rd_staff_per_10k",
    "g5_population_coverage",
    "fibre_households",
    "st_projects_provincial",
    "st_projects_national",
    "st_teams",
    "hq_workers_trained",
    "budget_share_stidx",
    "communes_it_infra",
    "officials_digital_share",
    "population",
]


@pytest.fixture(scope="module")
def cat():
    return catalogue.indicators().set_index("indicator_id")


def test_issue_indicators_are_described(cat):
    missing = [i for i in REQUIRED if i not in cat.index]
    assert missing == []


def test_every_indicator_in_the_data_is_described_and_every_described_one_is_used(cat):
    used = set(observations.bundled_observations()["indicator_id"])
    assert used - set(cat.index) == set()
    unused = set(cat.index) - used
    assert unused == set(cat.index[cat["expected_empty"]])


@pytest.mark.parametrize(
    "indicator, rule, direction",
    [
        ("r57_tasks_done", "sum", "higher"),
        ("r57_tasks_late", "sum", "lower"),
        ("r57_tasks_done_share", "ratio", "higher"),
        ("rd_staff_per_10k", "ratio", "higher"),
        ("g5_population_coverage", "population_weighted", "higher"),
        ("budget_share_stidx", "none", "higher"),
        ("pii_rank", "none", "lower"),
    ],
)
def test_rules_and_directions(cat, indicator, rule, direction):
    assert cat.loc[indicator, "aggregation"] == rule
    assert cat.loc[indicator, "direction"] == direction


def test_ratios_name_their_inputs(cat):
    assert tuple(cat.loc["rd_staff_per_10k", ["numerator", "denominator", "scale"]]) == (
        "rd_staff",
        "population",
        10000.0,
    )
    assert tuple(cat.loc["r57_tasks_done_share", ["numerator", "denominator", "scale"]]) == (
        "r57_tasks_done",
        "r57_tasks_total",
        100.0,
    )


def test_shares_are_bounded_0_to_100(cat):
    shares = cat[cat["short_unit"] == "%"]
    assert len(shares) >= 5
    assert (shares["min"] == 0).all() and (shares["max"] == 100).all()


def test_pillars_are_the_five_objectives_then_cross_cutting_and_context():
    pillars = catalogue.pillars()
    assert list(pillars["pillar"]) == [
        "research",
        "digital_economy",
        "infrastructure",
        "human_resources",
        "digital_government",
        "implementation",
        "context",
    ]


def test_bad_catalogue_is_refused_with_the_field_named(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text(
        '[pillars.x]\nname_en="X"\nname_vi="X"\norder=1\n'
        '[indicators.a]\nname_en="A"\nname_vi="A"\nunit="u"\nshort_unit="u"\npillar="x"\n'
        'unit_vi="u"\nshort_unit_vi="u"\ndirection="up"\naggregation="sum"\ndescription="d"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError, match=r"The 'a.direction' parameter must be one of \{'higher', 'lower'\}. Got 'up' instead."
    ):
        catalogue.indicators(bad)


def test_every_source_has_a_citation_with_its_url():
    sources = catalogue.sources()
    for row in sources.itertuples():
        assert row.citation.startswith(row.producer)
        if row.url:
            assert row.url in row.citation
