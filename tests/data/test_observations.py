"""Validation of tidy observation files: every problem named with file, row and column."""

import pandas as pd
import pytest

from data import observations
from data.observations import ValidationError, prepare_observations


def good_row(**changes):
    row = {
        "geo_level": "province",
        "layout": "2025",
        "geo_code": "19",
        "indicator_id": "rd_staff",
        "period": "2025-11-03",
        "value": "1861",
        "status": "reported",
        "source_id": "thainguyen_2025_11_03",
    }
    row.update(changes)
    return row


def frame(*rows):
    return pd.DataFrame(list(rows), dtype=str)


def problems_of(raw, file_name="upload.csv"):
    with pytest.raises(ValidationError) as info:
        prepare_observations(raw, file_name=file_name)
    return [str(p) for p in info.value.problems]


def test_good_rows_get_unit_granularity_and_date():
    out = prepare_observations(frame(good_row(), good_row(indicator_id="rd_staff_per_10k", value="10.3")))
    assert out["unit"].tolist() == ["persons", "persons per 10,000 inhabitants"]
    assert out["granularity"].tolist() == ["day", "day"]
    assert out["date"].tolist() == ["2025-11-03", "2025-11-03"]
    assert out["value"].tolist() == [1861.0, 10.3]


def test_codes_lose_nothing_when_written_as_numbers():
    out = prepare_observations(frame(good_row(geo_code="1", layout="2025")))
    assert out["geo_code"].iloc[0] == "01"


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"geo_code": "02"}, "upload.csv, row 2, column 'geo_code': no province '02' in the 2025 layout"),
        (
            {"layout": "2020"},
            "upload.csv, row 2, column 'layout': '2020' is not a layout: use 2008 (63 provinces) or 2025 (34)",
        ),
        (
            {"geo_level": "district"},
            "upload.csv, row 2, column 'geo_level': 'district' is not one of province, region, nation",
        ),
        ({"indicator_id": "rd_people"}, "upload.csv, row 2, column 'indicator_id': unknown indicator 'rd_people'"),
        ({"value": "1.861,0"}, "upload.csv, row 2, column 'value': '1.861,0' is not a number"),
        ({"value": ""}, "upload.csv, row 2, column 'value': '' is not a number"),
        ({"value": "inf"}, "upload.csv, row 2, column 'value': 'inf' is not a number"),
        (
            {"period": "Q4/2025"},
            "upload.csv, row 2, column 'period': Cannot read the period 'Q4/2025': expected YYYY, YYYY-H1, YYYY-Q1, YYYY-MM or YYYY-MM-DD.",
        ),
        (
            {"status": "estimate"},
            "upload.csv, row 2, column 'status': 'estimate' is not one of reported, target, derived, synthetic",
        ),
        ({"source_id": "facebook"}, "upload.csv, row 2, column 'source_id': unknown source 'facebook'"),
        (
            {"indicator_id": "g5_population_coverage", "value": "120"},
            "upload.csv, row 2, column 'value': 120 is outside the valid range of 'g5_population_coverage' (0 to 100)",
        ),
        (
            {"value": "-5"},
            "upload.csv, row 2, column 'value': -5 is outside the valid range of 'rd_staff' (0 to no limit)",
        ),
        (
            {"unit": "%"},
            "upload.csv, row 2, column 'unit': unit '%' differs from the catalogue's 'persons' for 'rd_staff'",
        ),
        (
            {"target_date": "2030-12-31"},
            "upload.csv, row 2, column 'target_date': only a row with status 'target' has a target date",
        ),
        (
            {"status": "target", "target_date": "end of 2030"},
            "upload.csv, row 2, column 'target_date': cannot read the date 'end of 2030': use YYYY-MM-DD",
        ),
        (
            {"geo_level": "nation", "geo_code": "VNM"},
            "upload.csv, row 2, column 'geo_code': the whole country has code 'VN'",
        ),
        ({"geo_level": "region", "geo_code": "XX"}, "upload.csv, row 2, column 'geo_code': unknown region 'XX'"),
        (
            {"value_qualifier": "roughly"},
            "upload.csv, row 2, column 'value_qualifier': 'roughly' is not one of ('', 'about', 'more than', 'at least', 'less than', 'at most')",
        ),
    ],
)
def test_each_bad_cell_is_named(changes, expected):
    assert problems_of(frame(good_row(**changes))) == [expected]


def test_missing_required_columns_are_all_listed():
    raw = frame(good_row()).drop(columns=["value", "source_id"])
    assert problems_of(raw) == [
        "upload.csv, column 'value': required column is missing",
        "upload.csv, column 'source_id': required column is missing",
    ]


def test_every_problem_of_every_row_is_reported_in_row_order():
    raw = frame(good_row(), good_row(value="abc"), good_row(indicator_id="nope", period="2025-99"))
    assert problems_of(raw) == [
        "upload.csv, row 3, column 'value': 'abc' is not a number",
        "upload.csv, row 4, column 'indicator_id': unknown indicator 'nope'",
        "upload.csv, row 4, column 'period': Cannot read the period '2025-99': expected YYYY, YYYY-H1, YYYY-Q1, YYYY-MM or YYYY-MM-DD.",
    ]


def test_conflicting_duplicates_are_refused_but_identical_ones_merge():
    assert problems_of(frame(good_row(), good_row(value="1900"))) == [
        "upload.csv, row 2, column 'value': conflicts with another row for the same place, indicator, period and status",
        "upload.csv, row 3, column 'value': conflicts with another row for the same place, indicator, period and status",
    ]
    assert len(prepare_observations(frame(good_row(), good_row()))) == 1


def test_error_message_summarises_the_first_problems():
    raw = frame(*[good_row(value="x")] * 7)
    with pytest.raises(ValidationError) as info:
        prepare_observations(raw, file_name="big.csv")
    assert str(info.value).startswith("7 problem(s): big.csv, row 2, column 'value': 'x' is not a number;")
    assert str(info.value).endswith("(and 2 more)")


def test_read_observations_names_the_file(tmp_path):
    path = tmp_path / "province report.csv"
    frame(good_row(geo_code="99")).to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(ValidationError, match="province report.csv, row 2, column 'geo_code'"):
        observations.read_observations(path)


def test_bundled_files_are_valid():
    both = observations.bundled_observations()
    assert set(both["status"]) == {"reported", "target", "synthetic"}
    assert (both["source_id"] != "").all() and (both["unit"] != "").all()
