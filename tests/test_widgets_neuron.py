"""The neuron explorer, driven headlessly: sliders and dropdown in, readout and picture out.

Every expected number is recomputed here with plain numpy formulas, not course_lib's.
"""
import io
import re

import matplotlib.image as mpimg
import numpy as np
import pytest

from course_lib import ACTIVATION_NAMES, UnknownNameError
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


def artist(ax_list, gid):
    found = [a for ax in ax_list for a in (*ax.lines, *ax.images) if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist {gid!r}, found {len(found)}"
    return found[0]


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
    x = np.linspace(-widget.LIMIT, widget.LIMIT, widget.RESOLUTION)
    f = REFERENCE[name]
    x2_example = widget.example[1]

    curve = artist(widget.figure.axes, "output-along-x1")
    np.testing.assert_allclose(curve.get_xdata(), x)
    np.testing.assert_allclose(curve.get_ydata(), f(0.8 * x + -1.5 * x2_example + 0.3), atol=1e-12)

    plane = artist(widget.figure.axes, "output-plane")
    assert tuple(plane.get_extent()) == (-3.0, 3.0, -3.0, 3.0) and plane.origin == "lower"
    x1_grid, x2_grid = np.meshgrid(x, x)        # rows follow x2 upwards, columns x1
    np.testing.assert_allclose(np.asarray(plane.get_array()), f(0.8 * x1_grid - 1.5 * x2_grid + 0.3), atol=1e-12)

    a = float(f(np.array(0.8 * widget.example[0] - 1.5 * x2_example + 0.3)))
    star = artist(widget.figure.axes, "example-line")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((widget.example[0], a))
    star = artist(widget.figure.axes, "example-plane")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx(tuple(widget.example))


def test_dashed_line_is_where_z_is_zero():
    widget = neuron_explorer()
    set_controls(widget, w1=1.0, w2=2.0, b=-0.5)
    plane_ax = widget.figure.axes[0]
    paths = [path for collection in plane_ax.collections for path in collection.get_paths() if len(path.vertices)]
    assert paths, "the z = 0 line is drawn when it crosses the plane"
    for path in paths:
        x1, x2 = path.vertices.T
        np.testing.assert_allclose(1.0 * x1 + 2.0 * x2 - 0.5, 0.0, atol=1e-9)


def test_moving_a_control_redraws_the_picture():
    widget = neuron_explorer()
    before, updates = widget.image.value, widget.updates
    widget.controls["b"].value = 2.0
    assert widget.updates == updates + 1
    assert widget.image.value != before
    after_b = widget.image.value
    widget.controls["activation"].value = "tanh"
    assert widget.image.value != after_b
    pixels = mpimg.imread(io.BytesIO(widget.image.value))
    width, height = widget.figure.get_size_inches() * widget.figure.dpi
    assert pixels.shape[:2] == (round(height), round(width))


def test_colours_keep_a_fixed_scale_for_squashing_functions():
    widget = neuron_explorer(activation="sigmoid")
    assert artist(widget.figure.axes, "output-plane").get_clim() == (0.0, 1.0)
    widget.controls["activation"].value = "tanh"
    assert artist(widget.figure.axes, "output-plane").get_clim() == (-1.0, 1.0)
    set_controls(widget, activation="identity", w1=1.0, w2=1.0, b=0.0)
    assert artist(widget.figure.axes, "output-plane").get_clim() == pytest.approx((-6.0, 6.0))


def test_bad_arguments_are_explained():
    with pytest.raises(UnknownNameError, match="softmax"):
        neuron_explorer(activation="softmax")
    with pytest.raises(UnknownNameError, match="'relu'"):
        neuron_explorer(activation="rectifier")
    with pytest.raises(ValueError, match="example"):
        neuron_explorer(example=(1.0, 2.0, 3.0))
