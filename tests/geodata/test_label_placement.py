"""Label placement in Web-Mercator pixels: views fitted to bounds, boxes, and which labels give way."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geodata.label_placement import Viewport, area_name_points, fit_view, mark_boxes, place, text_boxes, text_width


def test_a_fitted_view_shows_the_bounds_whole_with_the_padding_and_projects_back():
    bounds = (97.5, 21.1, 108.5, 28.4)
    view = fit_view(bounds, 680, 620, 30)
    x, y = view.pixels([bounds[0], bounds[2]], [bounds[3], bounds[1]])
    assert x.min() >= 30 and y.min() >= 30 and x.max() <= 650 and y.max() <= 590
    assert max(x.min() - 30, 650 - x.max()) < 1 or max(y.min() - 30, 590 - y.max()) < 1  # as large as it fits
    lon, lat = view.degrees(x, y)
    assert np.allclose(lon, [97.5, 108.5]) and np.allclose(lat, [28.4, 21.1])
    assert view.pixels(view.lon, view.lat) == pytest.approx((340, 310))


def test_wide_characters_count_one_em_and_latin_less():
    assert text_width("友谊关", 12) == 36
    assert 30 < text_width("Hekou", 12) < 48 and text_width("Ruili", 12) < text_width("Wanding", 12)


def test_boxes_follow_the_anchor_the_offset_and_the_halo():
    start, end, middle = text_boxes([100] * 3, [50] * 3, ["河口"] * 3, [10] * 3, ["start", "end", "middle"],
                                    [[5, 0], [-5, 0], [0, 20]])
    assert start.tolist() == [103, 43, 127, 57]  # 20 px of text from x + 5, 2 px of halo round it
    assert end.tolist() == [73, 43, 97, 57]
    assert middle.tolist() == [88, 63, 112, 77]
    assert mark_boxes([0], [0], [16]).tolist() == [[-8, -8, 8, 8]]


def test_the_more_important_label_wins_whatever_the_order():
    boxes = np.array([[0, 0, 50, 10], [40, 0, 90, 10]])
    assert place(boxes, ["minor", "major"], [4, 1], 100, 100).tolist() == [False, True]
    assert place(boxes, ["major", "minor"], [1, 4], 100, 100).tolist() == [True, False]


def test_marks_always_show_and_block_other_names_but_a_name_may_touch_its_own_mark():
    boxes = np.array([[10, 10, 20, 20], [30, 10, 40, 20], [18, 12, 45, 18], [15, 12, 28, 18]])
    kept = place(boxes, ["a", "b", "a", "a"], [0, 0, 1, 1], 100, 100)
    # a's first candidate covers b's mark; its second touches only its own mark
    assert kept.tolist() == [True, True, False, True]
    overlapping_marks = np.array([[0, 0, 10, 10], [5, 5, 15, 15]])
    assert place(overlapping_marks, ["a", "b"], [0, 0], 100, 100).all()


def test_a_label_cut_at_the_edge_takes_its_next_candidate_or_none():
    boxes = np.array([[90, 0, 120, 10], [60, 0, 88, 10], [-5, 20, 10, 30]])
    assert place(boxes, ["a", "a", "b"], [1, 1, 1], 100, 100).tolist() == [False, True, False]


def test_an_area_is_named_inside_its_part_in_view_clear_of_the_edge():
    view = fit_view((100, 20, 110, 30), 600, 600, 0)
    half_out = shapely.box(95, 22, 102, 28)  # its western half is outside the view
    far = shapely.box(120, 40, 121, 41)
    (inside, outside) = area_name_points([half_out, far], view, 60, 20)
    assert outside == [] and len(inside) > 1
    x, y = view.pixels(*np.array(inside).T)
    assert (x >= 30).all() and (y >= 10).all() and (x <= 570).all()
    assert all(half_out.contains(shapely.Point(point)) for point in inside)
    assert Viewport(100, 20, 5, 10, 10).pixels(100, 20) == (5, 5)
