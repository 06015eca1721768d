"""The widgets' one network diagram: node places and links drawn by weight, shared by the playground and the stepper."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import MLP, CourseError, ShapeError
from course_lib.drawing.described import AUDIENCE_PX
from course_lib.widgets import playground_draw, stepper
from course_lib.widgets.network_diagram import FAINT, LAYER_FILL, draw_links, network_picture, node_centres, pale
from course_lib.widgets.raster import BLUE, ORANGE, WHITE, Canvas
from test_widget_text_size import layout_problems

NAMES = [["x1", "x2"], ["h1", "h2", "h3"], ["y1", "y2"]]


def test_nodes_sit_in_columns_centred_on_the_tallest_layer():
    centres = node_centres([2, 4, 1], left=10, right=110, top=0, row_gap=20)
    assert [x for x, _ in (column[0] for column in centres)] == [10, 60, 110]
    assert [y for _, y in centres[1]] == [10, 30, 50, 70]  # the tallest fills the body
    assert [y for _, y in centres[0]] == [30, 50]  # the others centred on it
    assert centres[2] == [(110, 40)]


def test_both_widgets_place_their_nodes_here():
    assert playground_draw.node_positions([2, 3, 1]) == node_centres(
        [2, 3, 1],
        playground_draw.NET_LEFT + playground_draw.TILE / 2,
        playground_draw.NET_RIGHT - playground_draw.TILE / 2,
        playground_draw.NET_TOP,
        playground_draw.ROW,
        rows=8,
    )
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
        return int(np.sum(np.any(pixels[row - 6 : row + 7, 50] != WHITE, axis=1)))

    assert width(10) == 7 and width(30) == 2 and width(50) == 1  # 1 + 6 * size, size = |w| / scale


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


def test_a_lessons_diagram_names_every_node_and_writes_its_value_above_it():
    net = MLP([2, 3, 2], "relu", "sigmoid", seed=0)
    picture = network_picture(net, NAMES, [np.array([1.0, 2.0]), None, np.array([0.4751, 0.875])])
    shown = [text for _, text, _, _ in picture.texts]
    for text in (
        "x1",
        "x2",
        "h1",
        "h2",
        "h3",
        "y1",
        "y2",
        "1.00",
        "2.00",
        "0.48",
        "0.88",
        "input",
        "hidden",
        "output",
        "2 units",
        "3 units",
    ):
        assert text in shown, f"{text!r} is not in the diagram"
    assert not any(text in shown for text in ("0.00",)), "a layer given no values shows none"
    assert picture.smallest_text >= AUDIENCE_PX and not layout_problems(picture), layout_problems(picture)
    colours = {tuple(p) for p in picture.pixels.reshape(-1, 3)}
    assert all(LAYER_FILL[role] in colours for role in ("input", "hidden", "output")), "each layer's nodes filled"


def test_a_diagram_from_layer_sizes_draws_plain_links():
    picture = network_picture([2, 2, 1], [["a", "b"], ["c", "d"], ["e"]])
    colours = {tuple(p) for p in picture.pixels.reshape(-1, 3)}
    assert (170, 170, 170) in colours and BLUE not in colours and ORANGE not in colours


def test_a_diagram_refuses_labels_or_values_that_do_not_fit():
    with pytest.raises(
        ShapeError, match=r"node_labels gives \[2, 1, 2\] entries per layer; the layer sizes are \[2, 3, 2\]"
    ):
        network_picture([2, 3, 2], [["x1", "x2"], ["h1"], ["y1", "y2"]])
    with pytest.raises(ShapeError, match=r"node_labels gives \[2, None\] entries per layer"):
        network_picture([2, 1], [["a", "b"], None])
    with pytest.raises(ShapeError, match="node_values"):
        network_picture([2, 3, 2], NAMES, [[1.0], None, None])
    with pytest.raises(CourseError, match="at most 8 nodes per layer"):
        network_picture([2, 9, 1], [["a", "b"], [str(k) for k in range(9)], ["y"]])
