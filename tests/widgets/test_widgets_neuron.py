"""The neuron explorer, driven headlessly: sliders and dropdown in, readout and picture out.

Every expected number is recomputed here with plain numpy formulas, not course_lib's.
"""

import io
import re

import numpy as np
import pytest
from PIL import Image

from course_lib import ACTIVATION_NAMES, CourseError, ShapeError, UnknownNameError
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.neuron import neuron_explorer

REFERENCE = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
}


def readout_number(widget, name):
    match = re.search(rf"data-name='{name}'>([-+0-9.eE]+)<", widget.readout.value)
    assert match, f"no {name!r} in readout {widget.readout.value!r}"
    return float(match.group(1))


def picture(widget):
    """The widget's PNG as an (h, w, 3) uint8 array."""
    return np.asarray(Image.open(io.BytesIO(widget.image.value)).convert("RGB"))


@pytest.fixture(scope="module")
def shared():
    """One widget for the per-activation tests: building one per case is slow."""
    return neuron_explorer()


@pytest.fixture(scope="module")
def shared_off_centre():
    return neuron_explorer(example=(1.5, -2.0))


def set_controls(widget, **values):
    for name, value in values.items():
        widget.controls[name].value = value


def test_is_a_lesson_widget_with_the_promised_controls():
    widget = neuron_explorer()
    assert isinstance(widget, LessonWidget)
    assert set(widget.controls) == {"w1", "w2", "b", "activation"}
    assert tuple(widget.controls["activation"].options) == tuple(n for n in ACTIVATION_NAMES if n != "softmax")
    assert set(REFERENCE) == set(widget.controls["activation"].options)
    assert bytes(widget.image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_readout_matches_an_independent_computation(shared_off_centre, name):
    widget = shared_off_centre
    set_controls(widget, w1=-1.2, w2=0.7, b=0.4, activation=name)
    z = -1.2 * 1.5 + 0.7 * -2.0 + 0.4
    assert readout_number(widget, "z") == pytest.approx(z, abs=5e-5)
    assert readout_number(widget, "a") == pytest.approx(float(REFERENCE[name](np.array(z))), abs=5e-5)
    # the readout spells out the arithmetic with the current numbers
    assert "(-1.2)(1.5) + (0.7)(-2) + (0.4)" in widget.readout.value
    assert f"{name}(z)" in widget.readout.value


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_pictures_plot_the_neuron_output(shared, name):
    widget = shared
    set_controls(widget, activation=name, w1=0.8, w2=-1.5, b=0.3)
    f = REFERENCE[name]
    x = widget.curve_x
    np.testing.assert_allclose(x[[0, -1]], [-3.0, 3.0])
    np.testing.assert_allclose(widget.curve_y, f(0.8 * x + -1.5 * widget.example[1] + 0.3), atol=1e-12)

    # The left picture: the output at every pixel's (x1, x2), rows from x2 = 3 at the top down to -3.
    x1_grid, x2_grid = widget.plane_axes.pixel_grid()
    assert x1_grid[0, 0] < x1_grid[0, -1] and x2_grid[0, 0] > x2_grid[-1, 0]
    assert -3 < x1_grid.min() < -2.95 and 2.95 < x2_grid.max() < 3
    np.testing.assert_allclose(widget.plane, f(0.8 * x1_grid - 1.5 * x2_grid + 0.3), atol=1e-12)
    # ... and the PNG shows those colours there (the dashed line, the star and a label cover a little).
    axes, s = widget.plane_axes, widget.canvas.scale  # the PNG has s x s device pixels per CSS pixel
    shown = picture(widget)[
        int(axes.top) * s : (int(axes.top) + axes.height) * s : s,
        int(axes.left) * s : (int(axes.left) + axes.width) * s : s,
    ]
    same = np.all(np.abs(shown.astype(int) - widget.colours(widget.plane).astype(int)) <= 1, axis=-1)
    assert same.mean() > 0.9, f"only {same.mean():.0%} of the plane's pixels have the colour of their value"
    a = float(f(np.array(0.8 * widget.example[0] - 1.5 * widget.example[1] + 0.3)))
    assert widget.a == pytest.approx(a)


def test_dashed_line_is_where_z_is_zero():
    widget = neuron_explorer()
    set_controls(widget, w1=1.0, w2=2.0, b=-0.5)
    ends = widget.zero_line
    assert ends is not None and len(ends) == 2, "the z = 0 line is drawn when it crosses the plane"
    for x1, x2 in ends:
        assert 1.0 * x1 + 2.0 * x2 - 0.5 == pytest.approx(0.0, abs=1e-9)
        assert max(abs(x1), abs(x2)) == pytest.approx(3.0), "each end lies on the edge of the plane"
    set_controls(widget, w1=0.1, w2=0.1, b=2.9)  # z > 0 everywhere on [-3, 3]^2
    assert widget.zero_line is None


def test_moving_a_control_redraws_the_picture():
    widget = neuron_explorer()
    before, updates = widget.image.value, widget.updates
    widget.controls["b"].value = 2.0
    assert widget.updates == updates + 1
    assert widget.image.value != before
    after_b = widget.image.value
    widget.controls["activation"].value = "tanh"
    assert widget.image.value != after_b
    # Drawn at the size it is shown, at twice the pixel density (sharp on high-density screens and
    # on a projector the deck is scaled up for): the image widget's CSS size is half the PNG's.
    height, width = picture(widget).shape[:2]
    assert widget.canvas.scale == 2
    assert (widget.image.layout.width, widget.image.layout.height) == (f"{width // 2}px", f"{height // 2}px")


def test_sliders_follow_a_drag_with_steps_wide_enough_to_aim():
    widget = neuron_explorer()
    for name in ("w1", "w2", "b"):
        slider = widget.controls[name]
        assert slider.continuous_update, f"{name} must redraw while dragged"
        steps = round((slider.max - slider.min) / slider.step)
        assert int(slider.layout.width.removesuffix("px")) >= 4 * steps, f"{name}: {steps} steps on a short track"


def test_colours_span_only_the_values_shown():
    widget = neuron_explorer(activation="sigmoid")
    assert widget.colour_range == (0.0, 1.0) and widget.colour_middle == 0.5
    widget.controls["activation"].value = "tanh"
    assert widget.colour_range == (-1.0, 1.0)
    set_controls(widget, activation="identity", w1=1.0, w2=1.0, b=0.0)
    low, high = widget.colour_range
    assert (low, high) == pytest.approx((widget.plane.min(), widget.plane.max()))
    assert 5.9 < high < 6.0
    # ReLU is never negative: no blue half of the bar going unused.
    set_controls(widget, activation="relu", w1=1.0, w2=0.5, b=-1.0)
    assert widget.colour_range == (0.0, pytest.approx(widget.plane.max()))
    white = widget.colours(np.array([0.0]))[0]
    assert np.all(white > 240), "0 is drawn white"


def test_bad_arguments_are_explained():
    with pytest.raises(UnknownNameError, match="softmax"):
        neuron_explorer(activation="softmax")
    with pytest.raises(UnknownNameError, match="'relu'"):
        neuron_explorer(activation="rectifier")
    with pytest.raises(ValueError, match="example"):
        neuron_explorer(example=(1.0, 2.0, 3.0))


# ----------------------------------------------------------------- labelled points: XOR
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def right_side_by_hand(w1, w2, b):
    """How many XOR points lie on their label's side of w1 x1 + w2 x2 + b = 0, point by point."""
    return sum(int((w1 * x1 + w2 * x2 + b > 0) == (label == 1)) for (x1, x2), label in zip(XOR_X, XOR_Y))


@pytest.mark.slow
def test_points_on_the_right_side_are_counted_and_xor_never_gets_all_four():
    widget = neuron_explorer(points="xor")
    assert readout_number(widget, "right-side") == widget.on_right_side == right_side_by_hand(1.0, 0.5, -1.0)
    rng = np.random.default_rng(1)
    seen = set()
    for w1, w2, b in np.round(rng.uniform(-3, 3, size=(150, 3)), 1):
        widget.controls["w1"].value, widget.controls["w2"].value, widget.controls["b"].value = w1, w2, b
        assert widget.on_right_side == right_side_by_hand(w1, w2, b)
        seen.add(widget.on_right_side)
    assert max(seen) == 3, "one neuron never puts all four XOR points on the right side"
    widget.controls["w1"].value, widget.controls["w2"].value, widget.controls["b"].value = 1.0, 1.0, -0.5
    assert widget.on_right_side == 3  # one line can get three of four


def test_any_labelled_points_and_clear_errors():
    X, y = np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([1, 0])
    assert neuron_explorer(w1=1.0, w2=1.0, b=0.0, points=(X, y)).on_right_side == 2
    assert neuron_explorer().on_right_side is None
    with pytest.raises(CourseError, match="0 or 1"):
        neuron_explorer(points=(X, np.array([2, 0])))
    with pytest.raises(ShapeError, match=r"labels y has shape \(2,\), expected \(3,\)"):
        neuron_explorer(points=(np.zeros((3, 2)), y))
