"""Lesson 09's mini-batch widget and the runs behind it, driven headlessly."""

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from course_lib import CourseError, MLP, ShapeError, data, train
from course_lib.drawing.described import AUDIENCE_PX
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.minibatch import (
    BATCH_SIZES,
    CHOSEN,
    FULL,
    LEARNING_RATES,
    RED,
    MinibatchExplorer,
    minibatch_explorer,
    minibatch_grid,
    sgd_runs,
)
from course_lib.widgets.plot_axes import Picture
from test_widget_text_size import layout_problems

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


def line(widget, name):
    """The (x, y) a curve ("chosen" or "full-batch") was drawn from in the last update."""
    xs, ys = widget.drawn_curves()[name]
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def shown(widget) -> np.ndarray:
    """The picture the image widget holds, decoded: (height, width, 3) device pixels."""
    return np.asarray(Image.open(io.BytesIO(bytes(widget.image.value))).convert("RGB"))


def texts(widget) -> list[str]:
    """The texts drawn in the picture the image widget shows."""
    return [text for *_, text in widget.canvas.text_boxes]


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
    # Drawn with raster (no matplotlib figure) at twice the pixels each way of the 900 x 380 shown.
    assert isinstance(widget.canvas, Picture)
    assert Image.open(io.BytesIO(bytes(widget.image.value))).size == (1800, 760)
    assert (widget.image.layout.width, widget.image.layout.height) == ("900px", "380px")
    assert widget.canvas.png() == bytes(widget.image.value)  # the image shows the canvas as last drawn


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_every_batch_size(widget, grid, batch_size):
    before = bytes(widget.image.value)
    widget.controls["batch_size"].value = batch_size
    i, r = grid.batch_sizes.index(batch_size), widget.value("learning_rate")
    xs, ys = line(widget, "chosen")
    np.testing.assert_array_equal(xs, grid.runs[i].examples_seen)
    np.testing.assert_allclose(ys, np.minimum(grid.runs[i].loss[r], 1e6))
    assert widget.marked_cell() == (r, i)
    assert f"B = {batch_size}, η = {LEARNING_RATES[r]:.2g}: {grid.runs[i].steps} steps" in texts(widget)  # title
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
    assert ("diverged" in texts(widget)) == diverged  # the red note beside the curves
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


# ------------------------------------------------------------------ the picture
def test_the_heat_map_shows_every_final_loss(widget, grid):
    """Each cell's centre has its final loss's colour (grey where the run diverged); the white dots sit on
    each batch size's best rate and the black circle on the chosen pair."""
    pixels, s, m = shown(widget), widget.canvas.scale, widget.map_axes
    colours = widget.map_colours(grid.final_loss)
    assert len({tuple(c) for c in colours[np.isfinite(grid.final_loss)]}) > 10  # the colours do tell losses apart
    assert {tuple(c) for c in colours[~np.isfinite(grid.final_loss)]} == {(191, 191, 191)}
    best = set(widget.best_cells())
    assert best == {(int(k), i) for i, k in enumerate(np.argmin(grid.final_loss, axis=1))}
    for i in range(len(grid.batch_sizes)):
        for k in range(len(grid.learning_rates)):
            x, y = (round(float(v) * s) for v in m.px(k, i))
            expected = (255, 255, 255) if (k, i) in best else tuple(colours[i, k])
            assert tuple(pixels[y, x]) == expected, (k, i)
    # The circle: black pixels about 8 CSS px left and right of the chosen cell's centre, none at the centre.
    assert ring(widget, *widget.marked_cell()) and widget.marked_cell() == (6, grid.batch_sizes.index(16))
    widget.controls["batch_size"].value = 1
    widget.controls["learning_rate"].value = 0
    assert widget.marked_cell() == (0, 0)
    assert ring(widget, 0, 0) and not ring(widget, 6, grid.batch_sizes.index(16))  # it moved with the sliders


def ring(widget, k: int, i: int) -> bool:
    """Is the heat map's cell (rate k, batch size i) circled: black on the row through its centre, on both
    sides 7 to 9 CSS px out, and not black at the centre?"""
    pixels, s = shown(widget), widget.canvas.scale
    x, y = (float(v) * s for v in widget.map_axes.px(k, i))
    row = pixels[round(y)]
    left, right = row[round(x - 9 * s) : round(x - 7 * s) + 1], row[round(x + 7 * s) : round(x + 9 * s) + 1]
    black = [bool(np.any(side.sum(axis=1) == 0)) for side in (left, right)]
    return all(black) and tuple(row[round(x)]) != (0, 0, 0)


def test_the_curves_are_drawn_where_their_data_are(widget, grid):
    """Blue pixels on the chosen run's recorded losses (on the log axis), the dashed grey full-batch curve
    beside it; a diverged run's curve runs up to the top of the axes, no further, and the red note appears."""
    pixels, s, ax = shown(widget), widget.canvas.scale, widget.curve_axes
    xs, ys = line(widget, "chosen")
    px, py = ax.px(xs, np.log10(ys))
    inside = (py > ax.top) & (py < ax.bottom)
    assert inside.sum() > 100
    on = [tuple(pixels[round(y * s), round(x * s)]) == CHOSEN for x, y in zip(px[inside], py[inside])]
    assert np.mean(on) > 0.8  # the legend's box is drawn over a few of them
    box = pixels[round(ax.top * s) + s : round(ax.bottom * s), round(ax.left * s) + s : round(ax.right * s)]
    assert np.all(box == FULL, axis=2).sum() > 500  # the full-batch curve (and its legend's sample)
    assert not np.any(np.all(pixels == RED, axis=2))
    widget.controls["learning_rate"].value = len(LEARNING_RATES) - 1  # rate 10: B = 16 diverges
    assert np.isinf(grid.final_loss[grid.batch_sizes.index(16), -1])
    pixels = shown(widget)
    assert np.any(np.all(pixels == RED, axis=2)) and "diverged" in texts(widget)
    top = round(ax.top * s)
    assert np.any(np.all(pixels[top : top + 2 * s] == CHOSEN, axis=2))  # up to the top edge...
    assert not np.any(np.all(pixels[: top - 1] == CHOSEN, axis=2))  # ... and not over the title


def test_the_pictures_text_is_20_px_and_never_overlaps(widget, grid):
    """In every state a lecturer reaches: every batch size with the smallest, the largest (diverging) and a
    middle rate; every text at least 20 px on the page, none cut off at the edge or over another."""
    problems = layout_problems(widget.canvas)
    for rate_index in (0, len(LEARNING_RATES) - 1, 6, 12):
        widget.controls["learning_rate"].value = rate_index
        for batch_size in BATCH_SIZES:
            widget.controls["batch_size"].value = batch_size
            problems += [f"rate {rate_index}, B = {batch_size}: {p}" for p in layout_problems(widget.canvas)]
    assert widget.canvas.smallest_text >= AUDIENCE_PX
    assert not problems, problems[:5]
    labels = set(texts(widget))
    assert {"learning rate η", "examples seen", "final loss; grey: diverged", "full batch", "chosen B"} <= labels
    assert {str(b) for b in BATCH_SIZES} <= labels and {"0.01", "0.1", "1", "10"} <= labels
