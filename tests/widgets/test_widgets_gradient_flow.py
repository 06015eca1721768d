"""Lesson 07's gradient-flow widget, driven headlessly: every control, the bars against plain numpy, the readout."""

import re

import ipywidgets as widgets
import numpy as np
import pytest
from own_loop import set_back_to_back

import plain_network as plain
from course_lib import CourseError, data
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.gradient_flow import (
    FLOW_ACTIVATIONS,
    FLOOR,
    GradientFlowExplorer,
    deep_network,
    gradient_flow_explorer,
    layer_gradient_norms,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def expected_norms(activation, depth, scale, width=32):
    """||dL/dW[l]|| by the plain implementation, from the widget network's seeded initial weights."""
    net = deep_network(activation, depth, scale, width)
    X, y = data.circles(100, seed=0)
    grads, _ = plain.backward(net.weights, net.biases, X, y.reshape(-1, 1).astype(float), activation)
    return np.array([np.sqrt(np.sum(g * g)) for g in grads])


def ratio_in_readout(widget):
    return float(re.search(r"is <b>([-+0-9.e]+)</b> times", widget.readout.value).group(1))


@pytest.fixture
def widget():
    return gradient_flow_explorer()


def test_structure_and_defaults(widget):
    assert isinstance(widget, LessonWidget) and isinstance(widget, GradientFlowExplorer)
    assert set(widget.controls) == {"activation", "depth", "weight_scale"}
    assert isinstance(widget.controls["activation"], widgets.ToggleButtons)
    assert tuple(widget.controls["activation"].options) == FLOW_ACTIVATIONS
    assert isinstance(widget.controls["depth"], widgets.IntSlider)
    assert isinstance(widget.controls["weight_scale"], widgets.FloatLogSlider)
    for name in ("depth", "weight_scale"):
        assert widget.controls[name].continuous_update  # the picture follows the drag
    assert (widget.value("activation"), widget.value("depth"), widget.value("weight_scale")) == ("sigmoid", 10, 0.2)
    assert bytes(widget.image.value).startswith(PNG_SIGNATURE)
    assert widget.updates == 1


def test_default_is_the_lessons_vanishing_sigmoid(widget):
    exact = expected_norms("sigmoid", 10, 0.2)
    np.testing.assert_allclose(widget.norms, exact, rtol=1e-9)
    np.testing.assert_allclose(widget.drawn_norms(), exact, rtol=1e-9)
    assert "(vanishing)" in widget.readout.value and "tiny" not in widget.readout.value
    assert plain.shown_in_e_format(ratio_in_readout(widget), exact[0] / exact[-1])
    assert "0.200 × √32 = 1.13" in widget.readout.value


@pytest.mark.parametrize("activation", FLOW_ACTIVATIONS)
def test_every_activation(widget, activation):
    before = bytes(widget.image.value)
    widget.controls["activation"].value = activation
    exact = expected_norms(activation, 10, 0.2)
    np.testing.assert_allclose(widget.norms, exact, rtol=1e-9)
    np.testing.assert_allclose(widget.drawn_norms(), exact, rtol=1e-9)
    assert widget.title.startswith(activation + ",")
    if activation != "sigmoid":
        assert bytes(widget.image.value) != before
        assert "no vanishing" in widget.readout.value  # at this scale only sigmoid vanishes


def test_depth_slider_sets_the_number_of_bars(widget):
    for depth in (1, 4, 30):
        widget.controls["depth"].value = depth
        assert widget.norms.shape == (depth + 1,)
        assert widget.drawn_norms().shape == (depth + 1,)
        np.testing.assert_allclose(widget.norms, expected_norms("sigmoid", depth, 0.2), rtol=1e-9)
    # Deeper sigmoid networks vanish further.
    assert widget.norms[0] / widget.norms[-1] < 1e-15


def test_scale_slider_and_the_floor(widget):
    widget.controls["activation"].value = "tanh"
    widget.controls["weight_scale"].value = 0.05  # tanh vanishes too when the weights are small
    exact = expected_norms("tanh", 10, 0.05)
    np.testing.assert_allclose(widget.norms, exact, rtol=1e-9)
    assert "no vanishing" in widget.readout.value  # the ratio stays near 1 ...
    assert exact.max() < 1e-6 and "<b>every</b> layer's gradient is tiny" in widget.readout.value  # ... all tiny
    widget.controls["activation"].value = "sigmoid"
    widget.controls["depth"].value = 30
    widget.controls["weight_scale"].value = 0.01
    below = int(np.sum(widget.norms < FLOOR))
    assert below > 0 and f"{below} layer(s) lie below" in widget.readout.value
    np.testing.assert_allclose(widget.drawn_norms()[widget.norms < FLOOR], FLOOR)
    assert "0.010 × √32 = 0.0566" in widget.readout.value


def test_large_scale_explodes_for_identity(widget):
    widget.controls["activation"].value = "identity"
    widget.controls["weight_scale"].value = 1.0
    exact = expected_norms("identity", 10, 1.0)
    np.testing.assert_allclose(widget.norms, exact, rtol=1e-9)
    assert exact.max() > 1e3 and "<b>huge</b>" in widget.readout.value
    assert f"largest {exact.max():.2g}" in widget.readout.value


def test_helper_matches_plain_backprop():
    net = deep_network("relu", 3, 0.3, width=5, seed=4)
    X, y = data.circles(20, seed=1)
    np.testing.assert_allclose(layer_gradient_norms(net, X, y), expected_norms_of(net, X, y, "relu"), rtol=1e-12)


def expected_norms_of(net, X, y, activation):
    grads, _ = plain.backward(net.weights, net.biases, X, y.reshape(-1, 1).astype(float), activation)
    return [np.linalg.norm(g) for g in grads]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"activation": "softmax"},
        {"depth": 0},
        {"depth": 31},
        {"depth": 2.5},
        {"weight_scale": 0.0},
        {"weight_scale": 2.0},
        {"width": 0},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(CourseError):
        gradient_flow_explorer(**kwargs)


def test_queued_changes_are_drawn_once_with_the_latest_value(in_a_kernel):
    """In a kernel (an event loop running), values that waited in the queue give one redraw, of the last one."""
    widget, redraws = set_back_to_back(gradient_flow_explorer, "depth", range(11, 21), settle_s=0.2)
    assert redraws < 10, "every queued value was drawn: a backlog"
    assert widget.norms.shape == (21,)  # the picture shows the latest depth, 20
    np.testing.assert_allclose(widget.norms, expected_norms("sigmoid", 20, 0.2), rtol=1e-9)


def test_every_setting_draws_its_own_picture(widget):
    """Every change of a control redraws the picture (drawn whole from numbers, a few milliseconds a frame)."""
    pictures = {bytes(widget.image.value)}
    for depth in (3, 17, 30):
        widget.controls["depth"].value = depth
        pictures.add(bytes(widget.image.value))
    widget.controls["activation"].value = "relu"
    pictures.add(bytes(widget.image.value))
    assert len(pictures) == 5
    assert all(p.startswith(PNG_SIGNATURE) for p in pictures)


def test_drawn_at_twice_its_shown_size_and_short_enough_to_see_controls_and_readout_together(widget):
    """The PNG holds twice the pixels of the size it is shown at each way (sharp on a projector and on
    high-density screens, as the README says of every widget picture), and is shown at most 300 px tall."""
    import io

    from PIL import Image

    width, height = Image.open(io.BytesIO(widget.image.value)).size
    assert width % 2 == 0 and height % 2 == 0, (width, height)
    assert (widget.image.layout.width, widget.image.layout.height) == (f"{width // 2}px", f"{height // 2}px")
    assert height // 2 <= 300
