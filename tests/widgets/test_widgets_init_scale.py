"""Lesson 08's initial-scale widget, driven headlessly: every control, histograms and spreads against plain numpy."""

import re

import ipywidgets as widgets
import numpy as np
import pytest
from own_loop import set_back_to_back

import plain_network as plain
from course_lib import CourseError, MLP, data
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.init_scale import (
    SCALE_ACTIVATIONS,
    BINS,
    DEPTH,
    INITS,
    WIDTH,
    InitScaleExplorer,
    init_scale_explorer,
    value_range,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def expected(activation, init, scale):
    """Per-layer histograms (BINS, DEPTH), stds (DEPTH,) and the last layer's outputs, by the plain forward pass."""
    net = MLP([2] + [WIDTH] * DEPTH + [1], activation, init=init, weight_scale=scale, seed=0)  # the seeded start
    X, _ = data.circles(200, seed=0)
    with np.errstate(over="ignore"):
        outputs = plain.forward(net.weights, net.biases, X, activation)[1][1:-1]
    low, high = value_range(activation)
    width = (high - low) / BINS
    columns = []
    for a in outputs:
        index = np.clip(np.floor((np.clip(a, low, high) - low) / width), 0, BINS - 1).astype(int)
        columns.append(np.bincount(index.ravel(), minlength=BINS) / a.size)
    return np.array(columns).T, np.array([np.sqrt(np.mean((a - a.mean()) ** 2)) for a in outputs]), outputs[-1]


def check_against_plain(widget, activation, init, scale):
    hist, stds, last = expected(activation, init, scale)
    # Bin edges computed two ways may put a value lying exactly on an edge in neighbouring bins: allow that rarely.
    assert np.abs(widget.histograms - hist).sum() <= 2e-3 * DEPTH
    np.testing.assert_allclose(widget.histograms.sum(axis=0), 1.0)
    np.testing.assert_allclose(widget.stds, stds, rtol=1e-6)
    np.testing.assert_allclose(widget.drawn_stds(), np.clip(stds, 1e-14, None), rtol=1e-6)
    np.testing.assert_allclose(widget.drawn_histograms(), widget.histograms)
    return last


def readout_std(widget, layer):
    return float(re.search(rf"layer {layer} ([-+0-9.e]+?)\.?(?:\s|$)", widget.readout.value).group(1))


@pytest.fixture
def widget():
    return init_scale_explorer()


def test_structure_and_defaults(widget):
    assert isinstance(widget, LessonWidget) and isinstance(widget, InitScaleExplorer)
    assert set(widget.controls) == {"activation", "init", "weight_scale"}
    assert tuple(widget.controls["activation"].options) == SCALE_ACTIVATIONS
    assert tuple(widget.controls["init"].options) == INITS
    slider = widget.controls["weight_scale"]
    assert isinstance(slider, widgets.FloatLogSlider) and slider.continuous_update and not slider.disabled
    assert bytes(widget.image.value).startswith(PNG_SIGNATURE)
    assert widget.histograms.shape == (BINS, DEPTH) and widget.stds.shape == (DEPTH,)
    check_against_plain(widget, "tanh", "normal", 0.05)
    assert "<b>vanishing</b>" in widget.readout.value  # the lesson's 0.05: the signal dies


@pytest.mark.parametrize(
    "scale, verdict", [(0.01, "vanishing"), (0.125, "survives"), (1.0, "saturated"), (2.0, "saturated")]
)
def test_scale_slider_with_tanh(widget, scale, verdict):
    before = bytes(widget.image.value)
    widget.controls["weight_scale"].value = scale
    last = check_against_plain(widget, "tanh", "normal", scale)
    assert verdict in widget.readout.value
    assert bytes(widget.image.value) != before
    saturated = np.mean(np.abs(last) > 0.99)
    assert f"{saturated:.0%} of the outputs are at ±1" in widget.readout.value
    assert readout_std(widget, DEPTH) == pytest.approx(float(f"{widget.stds[-1]:.2g}"))
    assert f"σ√64 = {scale * 8:.2f}" in widget.title


@pytest.mark.parametrize("activation", SCALE_ACTIVATIONS)
@pytest.mark.parametrize("init", INITS)
def test_every_activation_and_init(widget, activation, init):
    widget.controls["activation"].value = activation
    widget.controls["init"].value = init
    check_against_plain(widget, activation, init, 0.05)
    assert widget.controls["weight_scale"].disabled == (init != "normal")
    assert widget.hist_axes.ylim == value_range(activation)
    sigma = {"normal": 0.05, "xavier": np.sqrt(2 / 128), "he": np.sqrt(2 / 64)}[init]
    assert f"weight std {sigma:.3f}" in widget.title


def test_relu_needs_he(widget):
    widget.controls["activation"].value = "relu"
    widget.controls["init"].value = "xavier"
    assert "<b>vanishing</b>" in widget.readout.value  # halves the variance at every layer
    widget.controls["init"].value = "he"
    assert "survives" in widget.readout.value
    widget.controls["init"].value = "normal"
    widget.controls["weight_scale"].value = 1.0
    assert "<b>exploding</b>" in widget.readout.value
    last = check_against_plain(widget, "relu", "normal", 1.0)
    assert f"{np.mean(last <= 0):.0%} of the outputs are exactly 0" in widget.readout.value


@pytest.mark.parametrize(
    "kwargs", [{"activation": "softmax"}, {"init": "zeros"}, {"weight_scale": 0.0}, {"weight_scale": 5.0}]
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(CourseError):
        init_scale_explorer(**kwargs)


def test_queued_changes_are_drawn_once_with_the_latest_value(in_a_kernel):
    """In a kernel (an event loop running), values that waited in the queue give one redraw, of the last one."""
    scales = [float(scale) for scale in np.geomspace(0.05, 1.0, 10)]
    widget, redraws = set_back_to_back(init_scale_explorer, "weight_scale", scales, settle_s=0.3)
    assert redraws < 10, "every queued value was drawn: a backlog"
    check_against_plain(widget, "tanh", "normal", widget.value("weight_scale"))
    assert widget.value("weight_scale") == pytest.approx(1.0, rel=0.03)


def test_the_picture_shows_the_setting_and_only_the_setting(widget):
    """Each setting draws its own picture, and coming back to a setting draws the same picture again."""
    first = bytes(widget.image.value)
    pictures = {first}
    for scale in (0.1, 0.5, 1.5):
        widget.controls["weight_scale"].value = scale
        pictures.add(bytes(widget.image.value))
    widget.controls["activation"].value = "sigmoid"  # another value range: other ticks on the left
    pictures.add(bytes(widget.image.value))
    assert len(pictures) == 5
    widget.controls["activation"].value = "tanh"
    widget.controls["weight_scale"].value = 0.05
    assert bytes(widget.image.value) == first


def test_the_shades_follow_the_histograms(widget):
    """Where a layer's outputs pile up, its column is darkest: the drawn cell at the fullest bin is darker
    than an empty one (white at 0, dark blue at a quarter of the outputs or more)."""
    import io

    from PIL import Image

    from course_lib.widgets.init_scale import HIST_BOX

    pixels = np.asarray(Image.open(io.BytesIO(widget.image.value)).convert("RGB"), dtype=int)
    left, top, right, bottom = HIST_BOX

    def shade(layer: int, b: int) -> int:  # the sum of R, G and B at the centre of bin b's cell, device pixels
        return pixels[2 * (bottom - 5 * b - 3), 2 * (left + 36 * layer + 18)].sum()

    for layer in (0, DEPTH - 1):
        full, empty = int(np.argmax(widget.histograms[:, layer])), int(np.argmin(widget.histograms[:, layer]))
        assert shade(layer, full) < shade(layer, empty) - 200, (layer, full, empty)


def test_drawn_at_twice_its_shown_size_and_short_enough_to_see_controls_and_readout_together(widget):
    """The PNG holds twice the pixels of the size it is shown at each way (sharp on a projector and on
    high-density screens, as the README says of every widget picture), and is shown at most 300 px tall."""
    import io

    from PIL import Image

    width, height = Image.open(io.BytesIO(widget.image.value)).size
    assert width % 2 == 0 and height % 2 == 0, (width, height)
    assert (widget.image.layout.width, widget.image.layout.height) == (f"{width // 2}px", f"{height // 2}px")
    assert height // 2 <= 300
