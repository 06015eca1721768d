"""Lessons 07 and 08's widgets in JupyterLab, handled as a learner handles them.

Each test takes the lesson's run (shared with its run-all test), finds the widget's cell, presses
an arrow key on a slider, drags one, clicks toggle buttons, and checks that the picture was redrawn
and that the readout shows the right numbers: recomputed here with plain numpy (tests/support/plain_network.py)
from the network the controls describe, never through course_lib's network code.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from latency import judge, measure_slider
from notebook_facts import lesson
from widget_view import WidgetView, number, widget_of
import plain_network as plain

from course_lib import data  # the data sets are the widgets' inputs, not their computation

pytestmark = pytest.mark.browser


def record_latency(view: WidgetView, label: str, name: str) -> None:
    """Time single key presses on slider ``label``, press to new picture, and write them down (reported, not
    judged: the machine is shared; the course's target is 150 ms)."""
    handle = view.control("slider", label).locator(".noUi-handle")
    times = measure_slider(view.page, handle, view.image, presses=6)
    judge(times, view.where, f"{name} {label}")


def seeded_weights(sizes, scale):
    """MLP's init="normal" draw, written out: one generator (seed 0), standard normals times the scale."""
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((n_out, n_in)) * scale for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return weights, [np.zeros(n_out) for n_out in sizes[1:]]


def log_slider_value(view: WidgetView, label: str) -> float:
    """The exact value a log slider sent: 10 to the exponent its handle reports."""
    return 10 ** float(view.control("slider", label).locator(".noUi-handle").get_attribute("aria-valuetext"))


def active_toggle(view: WidgetView, label: str) -> str:
    return view.control("toggle-buttons", label).locator("button.mod-active").inner_text().strip()


# ----------------------------------------------------------------- lesson 07: gradient flow
def check_gradient_flow(view: WidgetView, action: str) -> str:
    """The readout's ratio of first to last layer gradient norm and its gain, recomputed; returns the readout."""
    activation = active_toggle(view, "activation")
    depth = int(view.slider_value("hidden layers"))
    scale = log_slider_value(view, "initial scale (std)")
    X, y = data.circles(100, seed=0)
    weights, biases = seeded_weights([2] + [32] * depth + [1], scale)
    grads, _ = plain.backward(weights, biases, X, y.reshape(-1, 1).astype(float), activation)
    norms = [np.sqrt(np.sum(g * g)) for g in grads]
    text = view.readout.inner_text()
    shown = re.search(r"first layer's gradient is ([-+0-9.e]+) times", text)
    assert shown, f"{view.where}: after {action}, the readout has an unexpected form: {text!r}"
    ratio = norms[0] / norms[-1]
    assert float(f"{ratio:.2g}") == number(shown.group(1)), (
        f"{view.where}: after {action}, with {activation}, {depth} hidden layers and std {scale:.4g}, the readout "
        f"shows a ratio of {shown.group(1)}; expected {ratio:.2g}"
    )
    gain = re.search(r"= ([0-9.]+) × √32 = ([0-9.e+-]+):", text)
    assert gain and math.isclose(float(gain.group(1)), scale, abs_tol=5.1e-4), f"{view.where}: {text!r}"
    assert float(gain.group(2)) == float(f"{scale * math.sqrt(32):.3g}"), f"{view.where}: {text!r}"
    return text


@pytest.mark.parametrize("notebook", [lesson("07")], ids=["07"])
def test_gradient_flow_depth_activation_and_scale(notebook, lesson_runs, request):
    view = widget_of(notebook, "gradient_flow_explorer(", lesson_runs, request)
    assert "(vanishing)" in check_gradient_flow(view, "running the cell")

    depth = view.slider_value("hidden layers")
    before = view.snapshot()
    view.press_on_slider("hidden layers", "ArrowRight")
    view.wait_for_change(before, "pressing ArrowRight on the depth slider")
    assert view.slider_value("hidden layers") == depth + 1
    check_gradient_flow(view, "pressing ArrowRight on the depth slider")

    before = view.snapshot()
    view.click_toggle("activation", "relu")
    view.wait_for_change(before, "clicking relu")
    assert "no vanishing" in check_gradient_flow(view, "clicking relu")

    scale = log_slider_value(view, "initial scale (std)")
    before = view.snapshot()
    view.drag_slider("initial scale (std)", 0.1)
    view.wait_for_change(before, "dragging the scale slider to the left")
    assert log_slider_value(view, "initial scale (std)") < scale
    text = check_gradient_flow(view, "dragging the scale slider to the left")
    assert "tiny" in text, f"{view.where}: at a small scale every ReLU layer's gradient is tiny: {text!r}"
    record_latency(view, "hidden layers", "lesson07-gradient-flow")


# ----------------------------------------------------------------- lesson 08: the initial scale
def check_init_scale(view: WidgetView, action: str) -> str:
    """The readout's output spreads of layers 1 and 10, recomputed from the controls; returns the readout."""
    activation, init = active_toggle(view, "activation"), active_toggle(view, "init")
    scale = {"normal": log_slider_value(view, "std (normal)"), "xavier": None, "he": None}[init]
    X, _ = data.circles(200, seed=0)
    sizes = [2] + [64] * 10 + [1]
    if init == "normal":
        weights, biases = seeded_weights(sizes, scale)
    else:  # each layer's own standard deviation from its sizes, drawn from the same single generator
        rng = np.random.default_rng(0)
        weights = [
            rng.standard_normal((n_out, n_in))
            * (math.sqrt(2 / (n_in + n_out)) if init == "xavier" else math.sqrt(2 / n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [np.zeros(n_out) for n_out in sizes[1:]]
    with np.errstate(over="ignore"):
        outputs = plain.forward(weights, biases, X, activation)[1][1:-1]
    stds = [np.sqrt(np.mean((a - a.mean()) ** 2)) for a in outputs]
    text = view.readout.inner_text()
    shown = re.search(r"layer 1 ([-+0-9.e]+), layer 10 ([-+0-9.e]+?)\.?\s", text + " ")
    assert shown, f"{view.where}: after {action}, the readout has an unexpected form: {text!r}"
    for value, exact in zip(shown.groups(), (stds[0], stds[-1])):
        assert float(value) == float(f"{exact:.2g}"), (
            f"{view.where}: after {action} ({activation}, {init}, std {scale}), the readout shows output stds "
            f"{shown.groups()}; expected {stds[0]:.2g} and {stds[-1]:.2g}"
        )
    return text


@pytest.mark.parametrize("notebook", [lesson("08")], ids=["08"])
def test_init_scale_slider_and_initialisers(notebook, lesson_runs, request):
    view = widget_of(notebook, "init_scale_explorer(", lesson_runs, request)
    assert "vanishing" in check_init_scale(view, "running the cell")

    scale = log_slider_value(view, "std (normal)")
    before = view.snapshot()
    view.press_on_slider("std (normal)", "ArrowRight")
    view.wait_for_change(before, "pressing ArrowRight on the scale slider")
    assert math.isclose(log_slider_value(view, "std (normal)"), scale * 10**0.01, rel_tol=1e-6)
    check_init_scale(view, "pressing ArrowRight on the scale slider")

    before = view.snapshot()
    view.drag_slider("std (normal)", 0.95)
    view.wait_for_change(before, "dragging the scale slider to the right")
    assert "saturated" in check_init_scale(view, "dragging the scale slider to the right")

    for activation, init, verdict in (("relu", "xavier", "vanishing"), ("relu", "he", "survives")):
        before = view.snapshot()
        if active_toggle(view, "activation") != activation:
            view.click_toggle("activation", activation)
            view.wait_for_change(before, f"clicking {activation}")
            before = view.snapshot()
        view.click_toggle("init", init)
        view.wait_for_change(before, f"clicking {init}")
        text = check_init_scale(view, f"clicking {init}")
        assert verdict in text and "slider is off" in text, f"{view.where}: {activation} with {init}: {text!r}"
        slider = view.control("slider", "std (normal)")
        assert slider.locator("[disabled]").count() > 0, f"{view.where}: the scale slider should be disabled for {init}"

    before = view.snapshot()
    view.click_toggle("init", "normal")
    view.wait_for_change(before, "clicking normal")
    record_latency(view, "std (normal)", "lesson08-init-scale")
