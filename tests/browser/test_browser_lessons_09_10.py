"""Lessons 09 and 10's widgets in JupyterLab, handled as a learner handles them.

The test takes the lesson's run (shared with its run-all test), finds the widget's cell,
presses arrow keys on the learning-rate slider and drags the batch-size slider, and checks
that the picture was redrawn and that the readout shows the right numbers: the steps from
the batch size shown, the final loss recomputed here by a plain numpy training loop (never
through course_lib's network code) for the batch size and learning rate the sliders show.
It also times key press to new picture (goal: median <= 150 ms) and checks that a drag ends
on the latest value. Lesson 10's digit reader must agree with the accuracies the lesson
prints for moved digits (which tests/lessons/test_lesson10_numbers.py recomputes).
"""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from latency import check_drag_settles, judge, measure_slider
from notebook_facts import lesson
from widget_view import WidgetView, number, widget_of
from notebook_outputs import load, numbers, printed

from course_lib import data  # the data set is the widget's input, not its computation

pytestmark = pytest.mark.browser

READOUT = re.compile(r"Batch size B = (?P<B>\d+), learning rate η = (?P<eta>[0-9.]+): (?P<steps>\d+) steps")
LOSS = re.compile(r"Final training loss (?P<loss>[0-9.e+-]+)")


def minibatch_widget(lesson_runs, request) -> WidgetView:
    return widget_of(lesson("09"), "minibatch_explorer(", lesson_runs, request)


def plain_final_loss(batch_size: int, rate: float, epochs: int = 30) -> float:
    """2-16-3 tanh/softmax network, Xavier start from seed 0, shuffled mini-batches, mean cross-entropy."""
    X, y = data.spirals(n_samples=256, noise=0.3, seed=0)
    Y = np.eye(3)[y]
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((16, 2)) * np.sqrt(2 / 18)
    W2 = rng.standard_normal((3, 16)) * np.sqrt(2 / 19)
    b1, b2 = np.zeros(16), np.zeros(3)

    def forward(A):
        h = np.tanh(A @ W1.T + b1)
        z = h @ W2.T + b2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        return h, p / p.sum(axis=1, keepdims=True)

    order_rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = order_rng.permutation(256)
        for start in range(0, 256, batch_size):
            i = order[start : start + batch_size]
            h, p = forward(X[i])
            dz = (p - Y[i]) / len(i)
            dh = (dz @ W2) * (1 - h**2)
            W2 -= rate * dz.T @ h
            b2 -= rate * dz.sum(axis=0)
            W1 -= rate * dh.T @ X[i]
            b1 -= rate * dh.sum(axis=0)
    return float(-np.mean(np.log(np.sum(forward(X)[1] * Y, axis=1))))


def check_readout(view: WidgetView, action: str, expect_loss: bool = True) -> tuple[int, float]:
    text = view.readout.inner_text()
    shown = READOUT.search(text)
    assert shown, f"{view.where}: after {action}, the readout has an unexpected form: {text!r}"
    B, eta = int(shown["B"]), number(shown["eta"])
    rate_label = view.control("slider", "learning rate η").locator(".widget-readout").inner_text().strip()
    batch_label = view.control("slider", "batch size B").locator(".widget-readout").inner_text().strip()
    assert number(rate_label) == eta and int(batch_label.split()[0]) == B, (
        f"{view.where}: after {action}, the sliders read {rate_label!r}, {batch_label!r} but the readout {text!r}"
    )
    assert int(shown["steps"]) == 30 * 256 // B, f"{view.where}: after {action}: {text!r}"
    if expect_loss:
        exact_rate = 10 ** (round(4 * np.log10(eta)) / 4)  # the grid's rate behind the 2-digit label
        loss = plain_final_loss(B, exact_rate)
        shown_loss = LOSS.search(text)
        assert shown_loss and float(shown_loss["loss"]) == float(f"{loss:.3g}"), (
            f"{view.where}: after {action}, with B = {B} and η = {exact_rate:.4g} the final loss is {loss:.4g}; "
            f"the readout says {text!r}"
        )
    return B, eta


def test_minibatch_sliders(lesson_runs, request):
    view = minibatch_widget(lesson_runs, request)
    assert check_readout(view, "running the cell") == (16, 0.1)

    before = view.snapshot()
    view.press_on_slider("learning rate η", "ArrowRight")
    view.wait_for_change(before, "pressing ArrowRight on the learning-rate slider")
    assert check_readout(view, "pressing ArrowRight on the learning-rate slider") == (16, 0.18)

    before = view.snapshot()
    view.drag_slider("batch size B", -0.2)  # past the left end: batch size 1
    view.wait_for_change(before, "dragging the batch-size slider to its left end")
    assert check_readout(view, "dragging the batch-size slider to its left end") == (1, 0.18)

    before = view.snapshot()
    view.drag_slider("batch size B", 1.2)  # past the right end: the whole set
    view.wait_for_change(before, "dragging the batch-size slider to its right end")
    assert check_readout(view, "dragging the batch-size slider to its right end") == (256, 0.18)
    assert "256 (all)" in view.control("slider", "batch size B").inner_text()


@pytest.mark.parametrize("label", ["learning rate η", "batch size B"])
def test_minibatch_redraws_within_goal(label, lesson_runs, request):
    view = minibatch_widget(lesson_runs, request)
    handle = view.control("slider", label).locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    view.press_on_slider(label, "Home")  # room to press ArrowRight ten times
    time.sleep(0.5)
    times = measure_slider(view.page, handle, view.image, presses=8)
    judge(times, view.where, f"09 minibatch_explorer {label}")


def test_minibatch_drag_ends_on_the_latest_value(lesson_runs, request):
    view = minibatch_widget(lesson_runs, request)
    check_drag_settles(view, "learning rate η", back_to=0.3)
    check_readout(view, "dragging the learning-rate slider", expect_loss=False)


# ----------------------------------------------------------------- lesson 10: the digit reader
def digit_widget(lesson_runs, request) -> WidgetView:
    return widget_of(lesson("10"), "digit_reader(", lesson_runs, request, which=-1)


def printed_accuracy(right: int, down: int) -> float:
    for line in printed(load("10_capstone_digits"), "worked:shifted").splitlines():
        shown = numbers(line)
        if (shown[0], shown[1]) == (right, down):
            return shown[2]
    raise LookupError((right, down))


def readout_accuracy(view: WidgetView, action: str, right: int, down: int) -> float:
    text = view.readout.inner_text()
    shown = re.search(r"moved (-?\d+) right and (-?\d+) down, noise ([0-9.]+): accuracy ([0-9.]+)%", text)
    assert shown, f"{view.where}: after {action}, the readout has an unexpected form: {text!r}"
    assert (int(shown[1]), int(shown[2])) == (right, down), f"{view.where}: after {action}: {text!r}"
    assert view.slider_value("move right") == right and view.slider_value("move down") == down
    return float(shown[4])


def test_digit_reader_moves_and_agrees_with_the_lesson(lesson_runs, request):
    view = digit_widget(lesson_runs, request)
    assert readout_accuracy(view, "running the cell", 0, 0) == round(100 * printed_accuracy(0, 0), 1)
    for key, label, (right, down) in (
        ("ArrowRight", "move right", (1, 0)),
        ("ArrowLeft", "move right", (0, 0)),
        ("ArrowLeft", "move down", (0, -1)),
    ):
        before = view.snapshot()
        view.press_on_slider(label, key)
        view.wait_for_change(before, f"pressing {key} on {label}")
        shown = readout_accuracy(view, f"pressing {key} on {label}", right, down)
        # The widget shows one decimal of a percentage, the lesson four of a fraction: 158/287 is 55.05...%,
        # "55.1%" and "0.5505". Agreeing means within both roundings (0.05 + 0.005 points).
        assert abs(shown - 100 * printed_accuracy(right, down)) <= 0.055 + 1e-9, (
            f"{view.where}: moved {right} right, {down} down the widget says {shown}% but the lesson printed "
            f"{printed_accuracy(right, down):.4f}"
        )


def test_digit_reader_redraws_within_goal(lesson_runs, request):
    view = digit_widget(lesson_runs, request)
    handle = view.control("slider", "held-out digit").locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    times = measure_slider(view.page, handle, view.image, presses=8)
    judge(times, view.where, "10 digit_reader held-out digit")
