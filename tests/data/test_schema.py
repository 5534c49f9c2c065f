import datetime as dt

import pytest

from data import schema


@pytest.mark.parametrize(
    "label, expected",
    [
        ("2025", ("year", dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        ("2025-H1", ("half", dt.date(2025, 1, 1), dt.date(2025, 6, 30))),
        ("2025-H2", ("half", dt.date(2025, 7, 1), dt.date(2025, 12, 31))),
        ("2025-Q1", ("quarter", dt.date(2025, 1, 1), dt.date(2025, 3, 31))),
        ("2024-Q4", ("quarter", dt.date(2024, 10, 1), dt.date(2024, 12, 31))),
        ("2024-02", ("month", dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("2025-11-03", ("day", dt.date(2025, 11, 3), dt.date(2025, 11, 3))),
        (" 2025-12 ", ("month", dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
    ],
)
def test_parse_period(label, expected):
    assert schema.parse_period(label) == expected


@pytest.mark.parametrize("label", ["2025-Q5", "2025-13", "25", "Q1 2025", "2025-02-30", "", "2025/11/03"])
def test_parse_period_refuses_bad_labels(label):
    with pytest.raises(ValueError, match="Cannot read the period|day is out of range|month must be"):
        schema.parse_period(label)


def test_parse_period_message_names_the_forms():
    with pytest.raises(ValueError) as info:
        schema.parse_period("Q1 2025")
    assert (
        str(info.value) == "Cannot read the period 'Q1 2025': expected YYYY, YYYY-H1, YYYY-Q1, YYYY-MM or YYYY-MM-DD."
    )


@pytest.mark.parametrize(
    "day, layout",
    [
        ("2025-06-30", "2008"),
        ("2025-07-01", "2025"),
        (dt.date(2008, 8, 1), "2008"),
        (dt.datetime(2025, 7, 1, 9), "2025"),
    ],
)
def test_layout_for_date(day, layout):
    assert schema.layout_for_date(day) == layout


def test_check_choice_message():
    with pytest.raises(ValueError) as info:
        schema.check_choice("layout", "2020", schema.LAYOUTS)
    assert str(info.value) == "The 'layout' parameter must be one of {'2008', '2025'}. Got '2020' instead."


def test_empty_observations_has_every_column_and_float_values():
    frame = schema.empty_observations()
    assert list(frame.columns) == list(schema.OBSERVATION_COLUMNS)
    assert frame.empty and frame[schema.VALUE].dtype == "float64"
