"""The widgets' one network diagram: node places and links drawn by weight, shared by the playground and the stepper."""
from __future__ import annotations

import numpy as np

from course_lib.widgets import playground_draw, stepper
from course_lib.widgets.network_diagram import FAINT, draw_links, node_centres, pale
from course_lib.widgets.raster import BLUE, ORANGE, WHITE, Canvas


def test_nodes_sit_in_columns_centred_on_the_tallest_layer():
    centres = node_centres([2, 4, 1], left=10, right=110, top=0, row_gap=20)
    assert [x for x, _ in (column[0] for column in centres)] == [10, 60, 110]
    assert [y for _, y in centres[1]] == [10, 30, 50, 70]            # the tallest fills the body
    assert [y for _, y in centres[0]] == [30, 50]                    # the others centred on it
    assert centres[2] == [(110, 40)]


def test_both_widgets_place_their_nodes_here():
    assert playground_draw.node_positions([2, 3, 1]) == node_centres(
        [2, 3, 1], playground_draw.NET_LEFT + playground_draw.TILE / 2,
        playground_draw.NET_RIGHT - playground_draw.TILE / 2, playground_draw.NET_TOP, playground_draw.ROW, rows=8)
    w = stepper.backprop_stepper()
    w.update()
    assert w.centres == node_centres(w.net.sizes, stepper.LEFT, stepper.WIDTH - stepper.RIGHT, stepper.TOP, w.row_gap)


def test_a_link_shows_its_sign_by_colour_and_its_size_by_width():
    canvas = Canvas(100, 60)
    ends = {(0, 0, 0): ((0, 10), (99, 10)), (0, 1, 0): ((0, 30), (99, 30)), (0, 2, 0): ((0, 50), (99, 50))}
    draw_links(canvas, ends, [np.array([[2.0], [-0.5], [0.001]])], scale=2.0, widest=6, faint_below=0.02)
    pixels = canvas.pixels
    assert tuple(pixels[10, 50]) == BLUE and tuple(pixels[30, 50]) == ORANGE and tuple(pixels[50, 50]) == FAINT

    def width(row):
        return int(np.sum(np.any(pixels[row - 6:row + 7, 50] != WHITE, axis=1)))

    assert width(10) == 7 and width(30) == 2 and width(50) == 1     # 1 + 6 * size, size = |w| / scale


def test_the_strongest_link_lies_on_top_and_a_non_finite_one_is_left_out():
    canvas = Canvas(60, 60)
    crossing = {(0, 0, 0): ((0, 0), (59, 59)), (0, 0, 1): ((0, 59), (59, 0))}
    draw_links(canvas, crossing, [np.array([[-3.0, 0.1]])], scale=3.0, widest=4)
    assert tuple(canvas.pixels[30, 30]) == ORANGE
    draw_links(canvas, crossing, [np.array([[0.1, -3.0]])], scale=3.0, widest=4)
    assert tuple(canvas.pixels[30, 30]) == ORANGE
    blank = Canvas(60, 60)
    draw_links(blank, crossing, [np.array([[np.nan, np.inf]])], scale=1.0, widest=4, paler=0.35)
    assert np.all(blank.pixels == WHITE)
    assert pale((0, 0, 0), 0.5) == (128, 128, 128)
