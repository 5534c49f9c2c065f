"""geo.choropleth: class breaks, palettes, the feature collection and the legend, with values worked out by hand."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest

from geo import boundaries
from geo import choropleth as c

NAN = float("nan")


# --- class breaks ---------------------------------------------------------------------------------
def test_quantile_breaks_of_one_to_ten():
    # quantiles at 0, .2, .4, .6, .8, 1 of 1..10 (linear): 1 + 9 * q
    result = c.classify(range(1, 11))
    assert result.breaks == pytest.approx((1.0, 2.8, 4.6, 6.4, 8.2, 10.0))
    assert result.classes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert result.counts() == [2, 2, 2, 2, 2]
    assert result.centre is None


def test_a_value_on_an_inner_edge_goes_to_the_upper_class_and_the_top_value_to_the_last():
    result = c.classify([0, 10, 20, 30, 40, 50], k=5)  # edges 0, 10, 20, 30, 40, 50
    assert result.breaks == pytest.approx((0, 10, 20, 30, 40, 50))
    assert result.classes.tolist() == [0, 1, 2, 3, 4, 4]


def test_quantile_ties_merge_classes():
    # quantiles of 1, 1, 1, 1, 2: 1, 1, 1, 1, 1.2, 2 -> edges 1, 1.2, 2: two classes
    result = c.classify([1, 1, 1, 1, 2])
    assert result.breaks == pytest.approx((1.0, 1.2, 2.0))
    assert result.classes.tolist() == [0, 0, 0, 0, 1]
    assert result.n == 2


def test_nice_breaks():
    # range 19 / 5 = 3.8 -> width 5, from 0 to 20: four classes
    result = c.classify([0, 3, 7, 12, 19], scheme="nice")
    assert result.breaks == (0.0, 5.0, 10.0, 15.0, 20.0)
    assert result.classes.tolist() == [0, 0, 1, 2, 3]


def test_nice_breaks_widen_until_at_most_k_classes():
    # 3.2 .. 21.2: 18 / 5 = 3.6 -> 5 gives 0..25 (5 classes)
    result = c.classify([3.2, 10.0, 21.2], scheme="nice")
    assert result.breaks == (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)
    assert result.classes.tolist() == [0, 2, 4]
    # 1 .. 99: 98 / 5 = 19.6 -> 20 gives 0..100 (5 classes)
    assert c.classify([1, 99], scheme="nice").breaks == (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)


def test_missing_values_get_class_minus_one():
    # quantiles of 1 and 2: 1, 1.2, 1.4, 1.6, 1.8, 2
    result = c.classify([NAN, 1.0, 2.0, NAN])
    assert result.classes.tolist() == [-1, 0, 4, -1]
    assert result.counts() == [1, 0, 0, 0, 1]


def test_all_missing_and_all_equal():
    none = c.classify([NAN, NAN])
    assert none.classes.tolist() == [-1, -1] and none.n == 1
    same = c.classify([4.0, 4.0, NAN])
    assert same.breaks == (4.0, 4.0) and same.classes.tolist() == [0, 0, -1]


@pytest.mark.parametrize(
    ("x", "step"), [(3.8, 5.0), (0.42, 0.5), (2.0, 2.0), (1234, 2000.0), (0.021, 0.025), (7, 10.0)]
)
def test_nice_step(x, step):
    assert c.nice_step(x) == pytest.approx(step)


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="scheme"):
        c.classify([1, 2], scheme="jenks")


# --- diverging classes ------------------------------------------------------------------------------
def test_diverging_quantile_breaks_are_symmetric_around_the_national_average():
    # national 10; differences -5, -2, 0, 2, 5; |d| sorted 0, 2, 2, 5, 5
    # quantile .2 = 0 + .8 * 2 = 1.6; quantile .6 = 2 + .4 * 3 = 3.2; outer edge max |d| = 5
    result = c.classify_diverging([5, 8, 10, 12, 15, NAN], centre=10)
    assert result.breaks == pytest.approx((-5, -3.2, -1.6, 1.6, 3.2, 5))
    assert result.classes.tolist() == [0, 1, 2, 3, 4, -1]
    assert result.centre == 10.0


def test_diverging_nice_breaks():
    # largest |d| 5: width nice(2 * 5 / 5) = 2, middle class -1..1
    result = c.classify_diverging([5, 8, 10, 12, 15], centre=10, scheme="nice")
    assert result.breaks == (-5.0, -3.0, -1.0, 1.0, 3.0, 5.0)
    assert result.classes.tolist() == [0, 1, 2, 3, 4]


def test_the_national_average_itself_is_in_the_middle_class():
    # Thái Nguyên 10.3 against 8.2, and provinces exactly on the average
    result = c.classify_diverging([8.2, 8.2, 10.3, 6.1], centre=8.2)
    assert result.classes.tolist()[:2] == [2, 2]
    assert result.classes[2] > 2 and result.classes[3] < 2


def test_equal_distances_on_either_side_fall_in_mirrored_classes():
    # |d| = 0, 1, 1, 2, 2 (two each side); quantile .2 of 0,1,1,2,2 = .8 -> 1/2 (smallest |d| / 2 floor),
    # quantile .6 = 1.4: edges ±0.8, ±1.4, ±2
    result = c.classify_diverging([-2, -1, 0, 1, 2], centre=0)
    assert result.breaks == pytest.approx((-2, -1.4, -0.8, 0.8, 1.4, 2))
    assert result.classes.tolist() == [0, 1, 2, 3, 4]
    nice = c.classify_diverging([-1, 1, -5, 5], centre=0, scheme="nice")  # width 2: a value on ±1 leaves the middle
    assert nice.classes.tolist() == [1, 3, 0, 4]


def test_diverging_with_every_value_on_the_centre():
    result = c.classify_diverging([3.0, 3.0, NAN], centre=3.0)
    assert result.classes.tolist() == [2, 2, -1]


def test_diverging_needs_a_centre_and_an_odd_k():
    with pytest.raises(ValueError, match="centre"):
        c.classify_diverging([1, 2], centre=NAN)
    with pytest.raises(ValueError, match="odd"):
        c.classify_diverging([1, 2], centre=1.5, k=4)


# --- palettes -----------------------------------------------------------------------------------------
def test_sequential_palettes_run_light_to_dark():
    def lightness(colour: str) -> float:
        r, g, b, _ = c.hex_to_rgba(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for name in c.PALETTES:
        colours = c.palette("value", name)
        assert len(colours) == 5 and len(set(colours)) == 5
        shades = [lightness(x) for x in colours]
        assert shades == sorted(shades, reverse=True), name


def test_diverging_palette_is_blue_for_better_and_turns_round_for_lower_is_better():
    higher = c.palette("difference", "viridis", direction="higher")
    assert higher == ["#e66101", "#fdb863", "#f2efe8", "#92c5de", "#2166ac"]
    assert c.palette("difference", "viridis", direction="lower") == higher[::-1]
    assert c.palette("difference", "cividis") == higher  # only high_contrast changes the diverging one
    assert c.palette("difference", "high_contrast")[0] == "#a63603"


def test_fewer_classes_spread_over_the_palette():
    full = c.palette("value", "viridis")
    assert c.palette("value", "viridis", n=3) == [full[0], full[2], full[4]]
    assert c.palette("value", "viridis", n=1) == [full[2]]


def test_hex_to_rgba():
    assert c.hex_to_rgba("#21918c") == [33, 145, 140, 255]
    assert c.hex_to_rgba("ffffff", 128) == [255, 255, 255, 128]


# --- the feature collection ---------------------------------------------------------------------------
def _table(rows):
    return pd.DataFrame(rows, columns=["geo_code", "value", "status", "value_qualifier", "origin"])


def _collection(table, classes, colours, **kwargs):
    geojson = boundaries.geojson_dict("2025")
    return geojson, c.feature_collection(geojson, table, classes, colours, **kwargs)


def _props(collection) -> dict:
    return {f["properties"]["code"]: f["properties"] for f in collection["features"]}


def test_diverging_colours_are_centred_on_the_national_average():
    # national 8.2: Hà Nội on it, Thái Nguyên above (better), Cao Bằng below (worse)
    table = _table(
        [("01", 8.2, "reported", "", "own"), ("19", 10.3, "reported", "", "own"), ("04", 6.1, "reported", "", "own")]
    )
    classes = c.classify_diverging(table["value"], centre=8.2)
    colours = c.palette("difference", "viridis", direction="higher")
    _, collection = _collection(table, classes, colours)
    props = _props(collection)
    assert props["01"]["fill"] == c.hex_to_rgba("#f2efe8")  # the neutral middle colour
    assert props["19"]["fill"] == c.hex_to_rgba("#2166ac")  # blue: better
    assert props["04"]["fill"] == c.hex_to_rgba("#e66101")  # orange: worse
    # lower is better (tasks late): the same values swap sides
    lower = c.palette("difference", "viridis", direction="lower")
    props = _props(_collection(table, classes, lower)[1])
    assert props["19"]["fill"] == c.hex_to_rgba("#e66101") and props["04"]["fill"] == c.hex_to_rgba("#2166ac")


def test_no_data_colour_and_dashed_outline():
    table = _table([("01", 5.0, "reported", "", "own")])
    classes = c.classify(table["value"])
    _, collection = _collection(table, classes, c.palette("value", n=classes.n))
    props = _props(collection)
    assert len(props) == 34
    empty = props["19"]  # not in the table at all
    assert empty["no_data"] is True and empty["value"] is None and empty["class"] == -1
    assert empty["fill"] == c.NO_DATA_RGBA == [189, 189, 189, 255]
    assert empty["dash"] == [4, 3] and empty["line"] == c.LINE_NO_DATA
    assert empty["status"] == "" and empty["synthetic"] is False
    # a NaN value in the table is no data too
    table = _table([("01", 5.0, "reported", "", "own"), ("19", NAN, "", "", "")])
    props = _props(_collection(table, c.classify(table["value"]), ["#440154"])[1])
    assert props["19"]["no_data"] is True and props["19"]["fill"] == c.NO_DATA_RGBA
    assert props["01"]["fill"] == [68, 1, 84, 255] and props["01"]["dash"] == [0, 0]


def test_payload_properties_and_geometry():
    table = _table([("19", 10.3, "reported", "about", "own"), ("01", 9.0, "derived", "", "converted")])
    classes = c.classify(table["value"])
    colours = c.palette("value", n=classes.n)
    geojson, collection = _collection(
        table, classes, colours, tooltips={"19": "Thái Nguyên\nValue: ≈10.3"}, names={"19": "Thái Nguyên"}
    )
    original = copy.deepcopy(geojson)
    props = _props(collection)
    tn = props["19"]
    assert tn["name"] == "Thái Nguyên" and tn["name_vi"] == "Thái Nguyên" and tn["layout"] == "2025"
    assert tn["value"] == 10.3 and isinstance(tn["value"], float)
    assert tn["status"] == "reported" and tn["qualifier"] == "about" and tn["origin"] == "own"
    # two values, five quantile classes from 9.0 to 10.3: Thái Nguyên in the top one
    assert tn["class"] == 4 and tn["fill"] == c.hex_to_rgba(colours[4])
    assert tn["tooltip"] == "Thái Nguyên\nValue: ≈10.3"
    assert tn["line"] == c.LINE_DEFAULT and tn["line_width"] == 1.0
    assert props["01"]["origin"] == "converted" and props["01"]["class"] == 0
    assert props["79"]["name"] == "Ho Chi Minh City"  # no names given: the English name
    by_code = {f["properties"]["code"]: f["geometry"] for f in geojson["features"]}
    assert all(f["geometry"] == by_code[f["properties"]["code"]] for f in collection["features"])
    assert geojson == original, "the input GeoJSON must not change"
    json.dumps(collection, allow_nan=False)  # valid JSON: no NaN anywhere


def test_synthetic_flag_and_outline():
    table = _table([("19", 10.9, "synthetic", "", "own"), ("01", 9.0, "reported", "", "own")])
    classes = c.classify(table["value"])
    props = _props(_collection(table, classes, c.palette("value", n=classes.n))[1])
    assert props["19"]["synthetic"] is True and props["19"]["line"] == c.LINE_SYNTHETIC == [255, 255, 255, 255]
    assert props["19"]["line_width"] == 2.0
    assert props["01"]["synthetic"] is False and props["01"]["line"] == c.LINE_DEFAULT


def test_selected_province_has_a_thick_black_outline():
    table = _table([("19", 10.9, "synthetic", "", "own")])
    classes = c.classify(table["value"])
    props = _props(_collection(table, classes, ["#440154"], selected="19")[1])
    assert props["19"]["selected"] is True and props["19"]["line"] == [0, 0, 0, 255]
    assert props["19"]["line_width"] == 4.0
    assert props["19"]["synthetic"] is True  # still flagged, for the tooltip and the legend


# --- legend and tooltip -----------------------------------------------------------------------------
def test_legend_entries_with_counts_and_no_data():
    classes = c.classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN])
    colours = c.palette("value")
    entries = c.legend_entries(classes, colours, "{:.1f}".format, no_data_label="No data")
    assert [e.label for e in entries] == ["1.0 – 2.8", "2.8 – 4.6", "4.6 – 6.4", "6.4 – 8.2", "8.2 – 10.0", "No data"]
    assert [e.count for e in entries] == [2, 2, 2, 2, 2, 1]
    assert [e.colour for e in entries] == colours + [c.NO_DATA_HEX]
    assert entries[-1].kind == "no_data" and {e.kind for e in entries[:-1]} == {"class"}


def test_diverging_legend_labels_are_signed():
    classes = c.classify_diverging([5, 8, 10, 12, 15], centre=10, scheme="nice")
    labels = [e.label for e in c.legend_entries(classes, c.palette("difference"), "{:g}".format)]
    assert labels == ["−5 – −3", "−3 – −1", "−1 – +1", "+1 – +3", "+3 – +5"]


LABELS = {
    "value": "Value",
    "rank": "Rank",
    "national": "National average",
    "status": "Status",
    "source": "Source",
    "no_data": "No data",
    "qualifier": {"about": "≈", "more than": ">"},
}


def test_tooltip_text():
    row = {
        "name": "Thái Nguyên",
        "value": 10.3,
        "value_qualifier": "about",
        "unit": "per 10,000",
        "rank": 1,
        "rank_of": 34,
        "national_value": 8.2,
        "status": "reported",
        "source": "Tỉnh ủy Thái Nguyên",
        "note": "Computed from the 63-province layout.",
    }
    assert c.tooltip_text(row, LABELS, "{:g}".format).splitlines() == [
        "Thái Nguyên",
        "Value: ≈10.3 per 10,000",
        "Computed from the 63-province layout.",
        "Rank: 1 / 34",
        "National average: 8.2 per 10,000",
        "Status: reported",
        "Source: Tỉnh ủy Thái Nguyên",
    ]


def test_tooltip_without_data_or_national_value():
    assert c.tooltip_text({"name": "Bắc Kạn", "value": NAN}, LABELS, str) == "Bắc Kạn\nNo data"
    row = {
        "name": "Hà Nội",
        "value": 5.0,
        "value_qualifier": "",
        "unit": "",
        "rank": pd.NA,
        "rank_of": 0,
        "national_value": math.nan,
        "status": "synthetic (demo)",
        "source": "",
    }
    assert c.tooltip_text(row, LABELS, "{:g}".format) == "Hà Nội\nValue: 5\nStatus: synthetic (demo)"


def test_classes_counts_match_values():
    values = np.arange(63, dtype=float)
    classes = c.classify(values)
    assert sum(classes.counts()) == 63 and classes.n == 5
