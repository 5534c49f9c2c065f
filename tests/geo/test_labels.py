"""geo.labels: province names placed on the fitted map without overlapping (worked by hand)."""

from __future__ import annotations

import math

import pytest

from geo import labels


def test_text_box_of_a_name_at_14_px():
    # 6 characters at 0.6 x 14 px = 50.4 px wide, plus a 2 px halo each side; one line of 1.25 x 14 = 17.5 px, plus 1 px
    assert labels.text_box("Ha Noi", 100, 50, 14) == pytest.approx((100 - 27.2, 50 - 9.75, 100 + 27.2, 50 + 9.75))


def test_fit_centres_the_bounds_and_keeps_one_scale():
    # a 10 x 20 degree box around the equator: Mercator y of +-10 degrees is -+0.17543 rad; x spans 0.17453 rad.
    # The 400 x 400 frame is limited by the height: scale = 400 / 0.35087 = 1140.0 px per radian.
    fit = labels.fit((100.0, -10.0, 110.0, 10.0), 400, 400)
    assert fit.scale == pytest.approx(400 / (2 * math.log(math.tan(math.pi / 4 + math.radians(5)))), rel=1e-9)
    x0, y0 = fit.to_px(100.0, 10.0)
    x1, y1 = fit.to_px(110.0, -10.0)
    assert (y0, y1) == pytest.approx((0.0, 400.0))
    assert (x0 + x1) / 2 == pytest.approx(200.0)  # centred horizontally
    assert fit.to_lonlat(*fit.to_px(105.5, 3.25)) == pytest.approx((105.5, 3.25))


def test_larger_province_keeps_its_name_and_the_smaller_one_moves_down():
    # Ha Noi's box spans y 90.25..109.75; Bac Ninh at y 110 would overlap, so would 19.5 px up (90.5);
    # 19.5 px down (129.5) is free.
    placed = labels.place_labels(
        [("01", "Ha Noi", 100, 100, 9.0), ("27", "Bac Ninh", 100, 110, 1.0)], font_px=14, width=400, height=400
    )
    assert [(p.code, p.text, p.kind, p.y) for p in placed] == [
        ("01", "Ha Noi", labels.NAME, 100.0),
        ("27", "Bac Ninh", labels.NAME, 129.5),
    ]


def test_crowded_provinces_get_numbers_then_nothing_and_the_key_lists_them():
    # five provinces on one point of a 120 x 40 frame: the first keeps its name (box 16..104 x 10.25..29.75);
    # a shift of 19.5 px up or down, or of a name's half width plus 14 px sideways, leaves the frame, and a
    # number ("1", 12.4 px wide) at the centre or 18.2 px sideways still overlaps the name: nothing is written
    anchors = [(f"{i:02d}", f"Province {i}", 60, 20, 10 - i) for i in range(5)]
    placed = labels.place_labels(anchors, font_px=14, width=120, height=40)
    assert placed[0].kind == labels.NAME and placed[0].text == "Province 0"
    assert all(p.kind == labels.NUMBER for p in placed[1:])
    assert [p.number for p in placed[1:]] == [1, 2, 3, 4] and [p.text for p in placed[1:]] == ["", "", "", ""]
    boxes = [p.box(14) for p in placed if p.text]
    assert not any(labels.overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert labels.key_entries(placed) == [(1, "Province 1"), (2, "Province 2"), (3, "Province 3"), (4, "Province 4")]


def test_labels_stay_inside_the_frame_and_off_reserved_boxes():
    placed = labels.place_labels(
        [("01", "Near the edge", 5, 50, 1.0)], font_px=14, width=400, height=100, reserved=[(0, 0, 400, 20)]
    )
    left, top, right, bottom = placed[0].box(14)
    assert left >= 0 and top >= 20 and right <= 400 and bottom <= 100


def test_a_size_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="'font_px' parameter must be positive. Got 0"):
        labels.place_labels([], font_px=0, width=10, height=10)


def test_a_number_goes_where_the_name_does_not_fit():
    # two provinces 30 px apart in a 200 x 40 frame: "Long name B" (11 chars, 96.4 px) overlaps "Name A"
    # everywhere, but its number "1" fits 30 px to the right of A's box (A spans 72.8..127.2)
    placed = labels.place_labels(
        [("01", "Name A", 100, 20, 2.0), ("02", "Long name B", 130, 20, 1.0)], font_px=14, width=200, height=40
    )
    assert placed[1].kind == labels.NUMBER and placed[1].text == "1"
    assert not labels.overlaps(placed[0].box(14), placed[1].box(14))
