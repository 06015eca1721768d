"""Lesson 09's mini-batch widget and the runs behind it, driven headlessly."""

import ipywidgets as widgets
import numpy as np
import pytest

from course_lib import CourseError, MLP, ShapeError, data, train
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.minibatch import (
    BATCH_SIZES,
    LEARNING_RATES,
    MinibatchExplorer,
    minibatch_explorer,
    minibatch_grid,
    sgd_runs,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def spirals():
    return data.spirals(n_samples=256, noise=0.3, seed=0)


@pytest.fixture(scope="module")
def grid():
    return minibatch_grid()


@pytest.fixture
def widget(grid):
    return minibatch_explorer()


def line(widget, gid):
    (found,) = [l for l in widget.figure.axes[0].lines + widget.figure.axes[1].lines if l.get_gid() == gid]
    return np.asarray(found.get_xdata(), dtype=float), np.asarray(found.get_ydata(), dtype=float)


# ------------------------------------------------------------------ the runs
@pytest.mark.parametrize(
    "batch_size, rate, epochs", [(16, 0.1, 3), (1, 0.05, 2), (64, 1.0, 5), (256, 1.78, 4), (100, 0.3, 3)]
)
def test_each_run_is_what_course_lib_train_gives(spirals, batch_size, rate, epochs):
    # Away from the edge of stability the trajectories agree to rounding: same start, same batches, same steps.
    X, y = spirals
    runs = sgd_runs(X, y, [0.01, rate], batch_size, epochs)
    net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)
    train(net, X, y, epochs=epochs, batch_size=batch_size, learning_rate=rate, seed=0)
    for mine, theirs in zip(runs.weights + runs.biases, net.weights + net.biases):
        np.testing.assert_allclose(mine[1], theirs, rtol=1e-9, atol=1e-11)
    assert runs.steps == epochs * -(-256 // batch_size)
    assert abs(runs.loss[1, -1] - net.loss(X, np.eye(3)[y])) < 1e-10
    np.testing.assert_array_equal(runs.predict(X)[1], net.predict(X))
    assert runs.accuracy(X, y)[1] == pytest.approx(net.accuracy(X, y))


def test_losses_recorded_every_64_examples(spirals):
    X, y = spirals
    runs = sgd_runs(X, y, [0.1], 8, 2)
    np.testing.assert_array_equal(runs.examples_seen, np.arange(0, 513, 64))
    runs = sgd_runs(X, y, [0.1], 8, 2, record_every=32)
    np.testing.assert_array_equal(runs.examples_seen, np.arange(0, 513, 32))
    big = sgd_runs(X, y, [0.1], 100, 2)  # batches larger than 64: after every step, last batch short
    np.testing.assert_array_equal(big.examples_seen, [0, 100, 200, 256, 356, 456, 512])
    assert big.loss.shape == (1, 7)


def test_divergence_is_detected(spirals):
    X, y = spirals
    runs = sgd_runs(X, y, [0.1, 1000.0], 16, 2)
    assert runs.diverged.tolist() == [False, True]
    assert np.all(np.isfinite(runs.loss[0]))


def test_clear_errors(spirals):
    X, y = spirals
    with pytest.raises(ShapeError, match=r"\(256, 2\).*\(10,\)"):
        sgd_runs(X, y[:10], [0.1], 16, 1)
    with pytest.raises(CourseError, match="learning_rates must be positive"):
        sgd_runs(X, y, [0.1, -1.0], 16, 1)
    with pytest.raises(CourseError, match="batch_size"):
        sgd_runs(X, y, [0.1], 0, 1)
    with pytest.raises(CourseError, match=r"batch_size must be one of \[1, 2, 4"):
        minibatch_explorer(batch_size=3)
    with pytest.raises(CourseError, match="learning_rate must be one of the grid's rates"):
        minibatch_explorer(learning_rate=0.123)


def test_grid_is_at_equal_compute(grid):
    assert grid.batch_sizes == BATCH_SIZES and grid.n_train == 256
    np.testing.assert_allclose(grid.learning_rates, LEARNING_RATES)
    for B, runs in zip(grid.batch_sizes, grid.runs):
        assert runs.steps * B == 30 * 256 and runs.examples_seen[-1] == 30 * 256
    assert grid.final_loss.shape == grid.test_accuracy.shape == (9, 15)
    assert np.all(np.isnan(grid.test_accuracy[~np.isfinite(grid.final_loss)]))
    assert np.isinf(grid.final_loss[0, -1])  # single examples at rate 10 blow up


# ------------------------------------------------------------------ the widget
def test_structure(widget, grid):
    assert isinstance(widget, LessonWidget) and isinstance(widget, MinibatchExplorer)
    assert set(widget.controls) == {"learning_rate", "batch_size"}
    assert all(isinstance(c, widgets.SelectionSlider) for c in widget.controls.values())
    assert all(c.continuous_update for c in widget.controls.values())
    assert widget.learning_rate == pytest.approx(0.1) and widget.value("batch_size") == 16
    assert bytes(widget.image.value).startswith(PNG_SIGNATURE)
    assert widget.updates == 1
    labels = [label for label, _ in widget.controls["batch_size"].options]
    assert labels[-1] == "256 (all)" and labels[0] == "1"
    # The picture is shown at 10 x 4.2 inches at 90 pixels an inch, and drawn at twice the pixels each way.
    from PIL import Image
    import io

    assert Image.open(io.BytesIO(bytes(widget.image.value))).size == (1800, 756)  # twice the 900 x 378 shown
    assert (widget.image.layout.width, widget.image.layout.height) == ("900px", "378px")


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_every_batch_size(widget, grid, batch_size):
    before = bytes(widget.image.value)
    widget.controls["batch_size"].value = batch_size
    i, r = grid.batch_sizes.index(batch_size), widget.value("learning_rate")
    xs, ys = line(widget, "chosen")
    np.testing.assert_array_equal(xs, grid.runs[i].examples_seen)
    np.testing.assert_allclose(ys, np.minimum(grid.runs[i].loss[r], 1e6))
    mx, my = line(widget, "marker")
    assert (mx.tolist(), my.tolist()) == ([r], [i])
    text = widget.readout.value
    assert f"B = {batch_size}," in text and f"{grid.runs[i].steps} steps" in text
    assert f"best rate on the grid is η = {grid.best_rates()[i]:.2g}" in text
    assert f"{100 * grid.test_accuracy[i, r]:.1f}%" in text
    if batch_size != 16:
        assert bytes(widget.image.value) != before


@pytest.mark.parametrize("rate_index", range(len(LEARNING_RATES)))
def test_every_learning_rate(widget, grid, rate_index):
    widget.controls["learning_rate"].value = rate_index
    assert widget.learning_rate == LEARNING_RATES[rate_index]
    i = grid.batch_sizes.index(16)
    _, ys = line(widget, "chosen")
    np.testing.assert_allclose(ys, np.minimum(grid.runs[i].loss[rate_index], 1e6))
    _, full = line(widget, "full-batch")
    np.testing.assert_allclose(full, np.minimum(grid.runs[-1].loss[rate_index], 1e6))
    diverged = not np.isfinite(grid.final_loss[i, rate_index])
    assert ("diverged" in widget.readout.value) == diverged
    assert ("smaller learning rate" in widget.readout.value) == diverged
    if not diverged:
        assert f"Final training loss {grid.runs[i].loss[rate_index, -1]:.3g}" in widget.readout.value


def test_updates_only_redraw(widget, monkeypatch):
    # Moving a slider must not train anything: the grid is computed once.
    import course_lib.widgets.minibatch as module

    monkeypatch.setattr(module, "sgd_runs", lambda *a, **k: pytest.fail("a slider move trained a network"))
    for value in (1, 4, 256):
        widget.controls["batch_size"].value = value
    widget.controls["learning_rate"].value = 3
    assert widget.updates == 5
