"""The learning-rate widget, driven headlessly: set the sliders, check the verdict, numbers and picture."""

import re

import ipywidgets as widgets
import numpy as np
import pytest

from course_lib import CourseError
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.descent import (
    LearningRateExplorer,
    parabola_path,
    descent_regime,
    learning_rate_explorer,
    quadratic_loss,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def iterate(eta, steps, a=2.0, m=1.0, w=-2.0):
    """Gradient descent on a/2 (w - m)^2 by the closed form w_k = m + (1 - eta a)^k (w_0 - m)."""
    return np.array([m + (1 - eta * a) ** k * (w - m) for k in range(steps + 1)])


def readout_number(widget, name):
    """The number after 'After N steps: ... name = ' in the readout."""
    tail = widget.readout.value.split("After", 1)[1]
    return float(re.search(rf"\b{name} = ([-+0-9.e]+)", tail).group(1))


def plotted_path(widget):
    return widget.path, widget.losses


@pytest.fixture
def widget():
    return learning_rate_explorer()


def test_structure(widget):
    assert isinstance(widget, LessonWidget) and isinstance(widget, LearningRateExplorer)
    assert set(widget.controls) == {"learning_rate", "steps"}
    assert isinstance(widget.controls["learning_rate"], widgets.SelectionSlider)
    assert isinstance(widget.controls["steps"], widgets.IntSlider)
    assert widget.value("learning_rate") == 0.1 and widget.value("steps") == 10
    assert bytes(widget.image.value).startswith(PNG_SIGNATURE)
    assert widget.updates == 1
    # The slider spans all regimes, from 0.01/a to 2.5/a with a = 2, passes through the default,
    # reaches both thresholds exactly, and shows each rate as the readout prints it.
    slider = widget.controls["learning_rate"]
    rates = [value for _, value in slider.options]
    assert rates == sorted(rates) and rates[0] == 0.005 and rates[-1] == 1.25
    assert {0.1, 0.5, 1.0} <= set(rates)
    assert [label for label, _ in slider.options] == [f"{rate:.6g}" for rate in rates]
    ratios = np.array(rates[1:]) / np.array(rates[:-1])
    assert ratios.max() <= 2.0 + 1e-12, "no gap wider than a doubling"
    assert slider.continuous_update and widget.controls["steps"].continuous_update


def test_an_off_grid_default_is_offered_too():
    w = learning_rate_explorer(learning_rate=0.37)
    assert w.value("learning_rate") == 0.37 and "η = 0.37;" in w.readout.value


# (learning rate, the verdict for a = 2: thresholds 1/a = 0.5 and 2/a = 1)
REGIMES = [
    (0.01, "converges"),
    (0.1, "converges"),
    (0.45, "converges"),
    (0.5, "converges in one step"),
    (0.6, "oscillates but converges"),
    (0.95, "oscillates but converges"),
    (1.0, "oscillates forever"),
    (1.05, "diverges: try a smaller learning rate"),
    (1.25, "diverges: try a smaller learning rate"),
]


@pytest.mark.parametrize("eta, verdict", REGIMES)
def test_each_regime_verdict_numbers_and_picture(widget, eta, verdict):
    before_png, before_path = bytes(widget.image.value), plotted_path(widget)[0].copy()
    updates = widget.updates
    widget.controls["learning_rate"].value = eta
    assert widget.updates == updates + (eta != 0.1)
    text = widget.readout.value
    assert f"<b>{verdict}" in text
    factor = 1 - 2 * eta
    if 0 < factor < 1:
        assert "oscillat" not in text and "diverge" not in text
    path = iterate(eta, 10)
    np.testing.assert_allclose(readout_number(widget, "w"), path[-1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(readout_number(widget, "loss"), (path[-1] - 1) ** 2, rtol=1e-5, atol=1e-6)
    xs, ys = plotted_path(widget)
    np.testing.assert_allclose(xs, path, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ys, (path - 1) ** 2, rtol=1e-12, atol=1e-12)
    if eta != 0.1:
        assert bytes(widget.image.value) != before_png
        assert not np.allclose(xs, before_path)
    # The readout's verdict agrees with the regime the path shows.
    distances = np.abs(path - 1)
    if "diverges" in verdict:
        assert distances[-1] > distances[0]
    elif "forever" in verdict:
        assert distances[-1] == pytest.approx(distances[0])
    else:
        assert distances[-1] < distances[0]
        crosses = np.any((path[1:] - 1) * (path[:-1] - 1) < 0)  # strictly from one side to the other
        assert crosses == ("oscillates" in verdict)


def test_progress_and_the_crawling_hint(widget):
    widget.controls["learning_rate"].value = 0.01
    covered = 100 * (1 - 0.98**10)  # each step keeps 1 - 0.01 * 2 of the distance
    assert f"covered {covered:.1f}% of the way" in widget.readout.value
    assert "crawls" in widget.readout.value
    widget.controls["learning_rate"].value = 0.3
    assert f"covered {100 * (1 - 0.4**10):.1f}%" in widget.readout.value and "crawls" not in widget.readout.value
    widget.controls["learning_rate"].value = 1.1
    assert "covered" not in widget.readout.value


def test_steps_slider_changes_the_path(widget):
    widget.controls["learning_rate"].value = 0.8
    widget.controls["steps"].value = 25
    xs, _ = plotted_path(widget)
    assert xs.size == 26
    np.testing.assert_allclose(xs, iterate(0.8, 25))
    assert "After 25 steps" in widget.readout.value
    steps, losses = widget.loss_points
    np.testing.assert_array_equal(steps, np.arange(26))
    np.testing.assert_allclose(losses, (iterate(0.8, 25) - 1) ** 2)


def test_divergence_is_flagged_in_the_picture(widget):
    widget.controls["learning_rate"].value = 1.2
    title = widget.title
    assert "diverges" in title and "leaves the picture" in title
    assert widget.title.startswith("learning rate 1.2:")


def test_exact_minimum_is_not_drawn_on_the_log_axis(widget):
    widget.controls["learning_rate"].value = 0.5
    np.testing.assert_array_equal(widget.loss_points[0], [0])  # only the start has a loss above 0
    assert widget.zero_note == "loss 0 from step 1"


def test_thresholds_follow_the_curvature():
    w = learning_rate_explorer(learning_rate=0.2, steps=5, curvature=4.0, minimum=-1.0, start=2.0)
    assert "1/a = 0.25 and 2/a = 0.5" in w.readout.value
    for eta in (0.2, 0.3, 0.6):
        w.controls["learning_rate"].value = eta
        expected = iterate(eta, 5, a=4.0, m=-1.0, w=2.0)
        np.testing.assert_allclose(plotted_path(w)[0], expected)
        np.testing.assert_allclose(readout_number(w, "w"), expected[-1], rtol=1e-5)
    assert "diverges" in w.readout.value


def test_regime_function_uses_exact_thresholds():
    assert descent_regime(0.25, 4.0) == "converges in one step"
    assert descent_regime(0.5, 4.0).startswith("oscillates forever")
    assert descent_regime(np.nextafter(0.5, 0), 4.0) == "oscillates but converges"
    assert descent_regime(np.nextafter(0.5, 1), 4.0).startswith("diverges")
    assert descent_regime(0.1, 3.0) == "converges"  # 0.1 * 3 is not exactly 1 in floats, and below it
    with pytest.raises(CourseError):
        descent_regime(0.0, 2.0)


def test_path_and_loss_helpers():
    np.testing.assert_allclose(parabola_path(0.3, 4, curvature=2.0, minimum=1.0, start=-2.0), iterate(0.3, 4))
    assert quadratic_loss(3.0, curvature=4.0, minimum=1.0) == pytest.approx(8.0)
    with pytest.raises(CourseError):
        parabola_path(0.1, -1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"learning_rate": 0},
        {"learning_rate": 5.0},
        {"steps": 0},
        {"steps": 51},
        {"curvature": -1.0},
        {"start": 1.0},
        {"minimum": float("nan")},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(CourseError):
        learning_rate_explorer(**kwargs)
