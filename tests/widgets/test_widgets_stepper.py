"""Headless tests of lesson 05's back-propagation stepper: press buttons, read the readout."""

import html
import math
import re

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from course_lib import MLP
from course_lib.validation import CourseError
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.stepper import HIGHLIGHT_RGB, NODE_R, backprop_stepper

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def lesson_expectations(eta=0.5):
    """Per event of the lesson's network, (numbers in the formula, result), all computed here.

    The network is written out again on purpose, so the test does not trust the library's copy.
    """
    W1, b1 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([0.35, 0.35])
    W2, b2 = np.array([[0.40, 0.45], [0.50, 0.55]]), np.array([0.60, 0.60])
    x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    z1 = W1 @ x + b1
    h = sigma(z1)
    z2 = W2 @ h + b2
    y = sigma(z2)
    s_y = (t - y) * y * (1 - y)
    s_h = (W2.T @ s_y) * h * (1 - h)
    expected = []
    for W, b, z, a, inputs in ((W1, b1, z1, h, x), (W2, b2, z2, y, h)):
        for j in range(2):
            expected.append(([W[j, 0], inputs[0], W[j, 1], inputs[1], b[j]], z[j]))
            expected.append(([z[j]], a[j]))
    for k in range(2):
        expected.append(([t[k], y[k], y[k], 1 - y[k]], s_y[k]))
    for j in range(2):
        expected.append(([s_y[0], W2[0, j], s_y[1], W2[1, j], h[j], 1 - h[j]], s_h[j]))
    for W, b, s, inputs in ((W1, b1, s_h, x), (W2, b2, s_y, h)):
        for j in range(2):
            for i in range(2):
                expected.append(([W[j, i], eta, s[j], inputs[i]], W[j, i] + eta * s[j] * inputs[i]))
            expected.append(([b[j], eta, s[j]], b[j] + eta * s[j]))
    return expected


def formula(widget):
    """The readout's formula line split into (numbers shown in the substitution, result)."""
    found = re.search(r"<code class='formula'>(.*?)</code>", widget.readout.value)
    assert found, widget.readout.value
    parts = html.unescape(found.group(1)).split(" = ")
    assert len(parts) == 4, parts
    return [float(v) for v in NUMBER.findall(parts[2])], float(parts[3])


def same_to_digits(shown, exact, digits):
    """``shown`` is ``exact`` rounded to ``digits`` significant digits."""
    if exact == 0:
        return shown == 0
    unit = 10.0 ** (math.floor(math.log10(abs(exact))) - digits + 1)
    return abs(shown - exact) <= 0.5 * unit * (1 + 1e-9)


def assert_formula(widget, numbers, result):
    """Numbers to 4 significant digits, except an update's old and new weight, to 6."""
    shown_numbers, shown_result = formula(widget)
    assert len(shown_numbers) == len(numbers), (shown_numbers, numbers)
    update = "new " in widget.readout.value
    for n, (shown, exact) in enumerate(zip(shown_numbers, numbers)):
        assert same_to_digits(shown, exact, 6 if update and n == 0 else 4), (shown, exact, widget.readout.value)
    assert same_to_digits(shown_result, result, 6 if update else 4), (shown_result, result, widget.readout.value)


def highlighted_centres(widget):
    """Centres of the nodes whose ring the PNG draws in the highlight colour (read from the pixels)."""
    pixels = np.asarray(Image.open(io.BytesIO(widget.image.value)).convert("RGB")).astype(int)
    s = widget.canvas.scale  # device pixels per CSS pixel
    found = []
    for column in widget.centres:
        for x, y in column:
            ring = pixels[int(round(y * s)), int(round((x + NODE_R - 1) * s))]  # the ring's right-hand side
            if np.abs(ring - HIGHLIGHT_RGB).max() <= 3:
                found.append((x, y))
    return found


def test_picture_is_drawn_at_its_shown_size_with_labels_clear_of_each_other():
    w = backprop_stepper()
    height, width = np.asarray(Image.open(io.BytesIO(w.image.value))).shape[:2]
    s = w.canvas.scale  # drawn at twice the pixel density it is shown at
    assert s == 2 and (w.image.layout.width, w.image.layout.height) == (f"{width // s}px", f"{height // s}px")
    assert w.row_gap - 2 * NODE_R >= 60, "a node's signal and the next node's value need two text lines between them"
    w.controls["step"].value = 24  # the last update: the bias of y2
    assert w.caption == "b(y2): 0.6 -> 0.619049", "an update is said under the picture, not on a line"
    w.controls["step"].value = 13  # first weight update
    assert w.caption.startswith("w(h1 <- x1): 0.15 -> ")
    w.controls["step"].value = 12
    assert w.caption == ""


def test_controls_and_defaults():
    w = backprop_stepper()
    assert isinstance(w, LessonWidget)
    assert list(w.controls) == ["previous", "next", "reset", "step"]
    for name in ("previous", "next", "reset"):
        assert isinstance(w.controls[name], widgets.Button)
    slider = w.controls["step"]
    assert isinstance(slider, widgets.IntSlider)
    assert (slider.min, slider.value, slider.max) == (0, 0, 24)
    assert "Step 0 of 24" in w.readout.value and "x1 = 0.05" in w.readout.value
    assert w.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert highlighted_centres(w) == []


def test_pressing_next_walks_every_event_with_correct_numbers():
    w = backprop_stepper()
    expected = lesson_expectations()
    assert len(expected) == 24
    previous_image = w.image.value
    for n, (numbers, result) in enumerate(expected, start=1):
        w.controls["next"].click()
        assert w.value("step") == n
        assert f"Step {n} of 24" in w.readout.value
        assert_formula(w, numbers, result)
        assert w.image.value != previous_image, f"the picture did not change at step {n}"
        previous_image = w.image.value
        assert len(highlighted_centres(w)) == 1


def test_setting_the_slider_is_the_same_as_pressing():
    pressed, slid = backprop_stepper(), backprop_stepper()
    for _ in range(11):
        pressed.controls["next"].click()
    slid.controls["step"].value = 11
    assert pressed.readout.value == slid.readout.value
    assert pressed.image.value == slid.image.value
    numbers, result = lesson_expectations()[10]
    assert_formula(slid, numbers, result)
    assert "signal of hidden node h1" in slid.readout.value


def test_each_press_updates_once():
    w = backprop_stepper()
    before = w.updates
    w.controls["next"].click()
    w.controls["next"].click()
    w.controls["previous"].click()
    assert w.updates == before + 3 and w.value("step") == 1


def test_highlight_follows_the_current_node():
    w = backprop_stepper()
    w.controls["step"].value = 1  # z of h1
    (h1,) = highlighted_centres(w)
    w.controls["step"].value = 9  # signal of y1
    (y1,) = highlighted_centres(w)
    w.controls["step"].value = 12  # signal of h2
    (h2,) = highlighted_centres(w)
    assert h1[0] == h2[0] < y1[0]  # hidden column left of the output column
    assert h1[1] < h2[1]  # h1 drawn above h2 (pixel rows grow downwards)


def test_reset_and_bounds():
    w = backprop_stepper()
    start_readout, start_image = w.readout.value, w.image.value
    w.controls["previous"].click()
    assert w.value("step") == 0
    w.controls["step"].value = 24
    w.controls["next"].click()
    assert w.value("step") == 24
    numbers, result = lesson_expectations()[-1]
    assert_formula(w, numbers, result)
    w.controls["reset"].click()
    assert w.value("step") == 0
    assert w.readout.value == start_readout and w.image.value == start_image
    w.controls["step"].value = 99  # the slider clamps to its maximum
    assert w.value("step") == 24


def test_learning_rate_changes_only_the_updates():
    w = backprop_stepper(learning_rate=2.0)
    expected = lesson_expectations(eta=2.0)
    for step in (9, 13, 24):
        w.controls["step"].value = step
        assert_formula(w, *expected[step - 1])


def test_own_network_with_tanh_hidden_layer():
    net = MLP([3, 2, 1], "tanh", "sigmoid", "mse", seed=4)
    net.biases = [np.array([0.1, -0.2]), np.array([0.3])]
    x, t = np.array([0.5, -1.0, 2.0]), np.array([0.8])
    w = backprop_stepper(net, x, t, learning_rate=0.1)
    assert w.controls["step"].max == 2 * 3 + 3 + (2 * 4 + 1 * 3)  # forward, signals, updates
    W1, W2 = net.weights
    h = np.tanh(W1 @ x + net.biases[0])
    y = sigma(W2 @ h + net.biases[1])
    s_y = (t - y) * y * (1 - y)
    s_h = (W2.T @ s_y) * (1 - h**2)
    w.controls["step"].value = 7  # signal of y1
    assert_formula(w, [t[0], y[0], y[0], 1 - y[0]], s_y[0])
    w.controls["step"].value = 9  # signal of h2
    assert_formula(w, [s_y[0], W2[0, 1], 1 - h[1] ** 2], s_h[1])
    w.controls["step"].value = 12  # new w(h1 <- x3)
    assert_formula(w, [W1[0, 2], 0.1, s_h[0], x[2]], W1[0, 2] + 0.1 * s_h[0] * x[2])


def test_clear_errors():
    net = MLP([2, 2, 2])
    with pytest.raises(CourseError, match="give the sample x and its target"):
        backprop_stepper(net)
    with pytest.raises(CourseError, match="one hidden layer"):
        backprop_stepper(MLP([2, 2, 2, 2]), np.zeros(2), np.zeros(2))
    with pytest.raises(CourseError, match="learning_rate"):
        backprop_stepper(learning_rate=-1)
    with pytest.raises(CourseError, match="at most 8 nodes"):
        backprop_stepper(MLP([9, 2, 1]), np.zeros(9), np.zeros(1))
