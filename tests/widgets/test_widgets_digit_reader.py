"""Lesson 10's digit-reader widget, driven headlessly: every control, numbers recomputed by hand."""

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from course_lib import CourseError, MLP, ShapeError
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.digit_reader import (
    BAR,
    BLOCK,
    RIGHT_GUESS,
    WRONG_GUESS,
    DigitReader,
    digit_reader,
    noisy,
    shifted,
)
from course_lib.widgets.plot_axes import TEXT_PX
from test_widget_text_size import layout_problems

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(40, 64)) * (rng.uniform(size=(40, 64)) < 0.4)
    y = rng.integers(0, 10, size=40)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 0.1
    net = MLP([64, 16, 10], "relu", "softmax", "cross_entropy", seed=3)
    return net, X, y, mean, scale


@pytest.fixture
def widget(setup):
    return digit_reader(*setup)


def by_hand(net, images, mean, scale):
    """Softmax probabilities written out: relu hidden layer, softmax output."""
    h = np.maximum(0, ((images - mean) / scale) @ net.weights[0].T + net.biases[0])
    z = h @ net.weights[1].T + net.biases[1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def moved_by_hand(X, right, down):
    out = np.zeros((len(X), 8, 8))
    for r in range(8):
        for c in range(8):
            if 0 <= r - down < 8 and 0 <= c - right < 8:
                out[:, r, c] = X.reshape(-1, 8, 8)[:, r - down, c - right]
    return out.reshape(-1, 64)


@pytest.mark.parametrize("right, down", [(0, 0), (1, 0), (-2, 0), (0, 1), (2, -1), (-1, -2)])
def test_shifted_moves_ink_by_whole_pixels(setup, right, down):
    X = setup[1]
    np.testing.assert_array_equal(shifted(X, right, down), moved_by_hand(X, right, down))


def test_noisy_is_clipped_and_reproducible():
    X = np.full((2, 64), 0.5)
    pattern = np.linspace(-3, 3, 128).reshape(2, 64)
    out = noisy(X, 0.3, pattern)
    np.testing.assert_allclose(out, np.clip(0.5 + 0.3 * pattern, 0, 1))
    assert out.min() == 0.0 and out.max() == 1.0
    np.testing.assert_array_equal(noisy(X, 0.0, pattern), X)


def test_clear_errors(setup):
    net, X, y, mean, scale = setup
    with pytest.raises(ShapeError, match=r"rows of 64 pixels, got shape \(40, 63\)"):
        shifted(X[:, :63])
    with pytest.raises(CourseError, match="net must take 64 inputs"):
        digit_reader(MLP([2, 3, 10]), X, y, mean, scale)
    with pytest.raises(CourseError, match="digit must be an index 0..39"):
        DigitReader(net, X, y, mean, scale, digit=40)
    with pytest.raises(ShapeError):
        digit_reader(net, X, y[:5], mean, scale)


def test_structure(widget):
    assert isinstance(widget, LessonWidget)
    assert set(widget.controls) == {"digit", "right", "down", "noise"}
    assert all(c.continuous_update for c in widget.controls.values())
    assert isinstance(widget.controls["noise"], widgets.FloatSlider)
    assert (widget.controls["right"].min, widget.controls["right"].max) == (-2, 2)
    assert bytes(widget.image.value).startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(bytes(widget.image.value))).size == (1260, 504)  # twice the 630 x 252 shown
    assert (widget.image.layout.width, widget.image.layout.height) == ("630px", "252px")
    assert bytes(widget.image.value) == widget.canvas.png()  # drawn from numbers (plot_axes on raster)
    assert widget.updates == 1


def shown(widget) -> np.ndarray:
    """The picture the image widget holds, decoded: (height, width, 3) device pixels."""
    return np.asarray(Image.open(io.BytesIO(bytes(widget.image.value))).convert("RGB")).astype(int)


def check_picture(widget, probabilities, digit, guess, truth):
    """The PNG itself shows the digit's grey blocks, the bars' heights and the guessed bar's colour."""
    pixels, s = shown(widget), widget.canvas.scale
    # Left: each image pixel a BLOCK x BLOCK square of one grey, white for 0 and black for 1 (gray_r).
    ax = widget.digit_axes
    for r in range(8):
        for c in range(8):
            x0, y0 = round((ax.left + 1 + c * BLOCK) * s), round((ax.top + 1 + r * BLOCK) * s)
            block = pixels[y0 : y0 + BLOCK * s, x0 : x0 + BLOCK * s]
            assert (block == block[0, 0]).all(), f"block ({r}, {c}) is not one colour"
            assert block[0, 0, 0] == block[0, 0, 1] == block[0, 0, 2]
            assert abs(block[0, 0, 0] - 255 * (1 - digit[r, c])) <= 1, (r, c, block[0, 0], digit[r, c])
    # Right: down the middle of each bar, as many pixels of its colour as its probability is tall.
    bars = widget.bar_axes
    for k, p in enumerate(probabilities):
        colour = (RIGHT_GUESS if guess == truth else WRONG_GUESS) if k == guess else BAR
        x = round(float(bars.px(k, 0)[0]) * s)
        column = pixels[round(bars.top * s) + s : round(bars.bottom * s), x]
        drawn = int(np.all(column == colour, axis=1).sum())
        assert abs(drawn - p * (bars.bottom - bars.top) / 1.05 * s) <= 2 * s, (k, p, drawn)
        assert np.all(column[~np.all(column == colour, axis=1)] == 255), f"bar {k}: stray ink"


def check(widget, setup):
    net, X, y, mean, scale = setup
    right, down = widget.value("right"), widget.value("down")
    level, index = widget.value("noise"), widget.value("digit")
    images = np.clip(moved_by_hand(X, right, down) + level * widget.pattern, 0, 1)
    p = by_hand(net, images, mean, scale)
    np.testing.assert_allclose(widget.probabilities, p[index], rtol=1e-12, atol=1e-15)
    accuracy = np.mean(p.argmax(axis=1) == y)
    assert widget.accuracy == pytest.approx(accuracy)
    guess = int(p[index].argmax())
    text = widget.readout.value
    assert (
        f"Held-out digit {index} (a {y[index]}): the network reads {guess} with probability {p[index, guess]:.1%}"
        in text
    )
    assert f"moved {right} right and {down} down, noise {level:.2f}: accuracy {accuracy:.1%}" in text
    assert ("<b>wrong</b>" in text) == (guess != y[index])
    np.testing.assert_allclose(widget.drawn_bars(), p[index])
    np.testing.assert_allclose(widget.drawn_digit(), images[index].reshape(8, 8))
    colours = [(RIGHT_GUESS if guess == y[index] else WRONG_GUESS) if k == guess else BAR for k in range(10)]
    assert widget.drawn_bar_colours() == colours
    titles = [text for *_, text in widget.canvas.text_boxes]
    assert f"true digit: {y[index]}" in titles
    assert f"the network reads {guess} ({p[index, guess]:.0%})" in titles
    check_picture(widget, p[index], images[index].reshape(8, 8), guess, int(y[index]))


@pytest.mark.parametrize(
    "name, values",
    [
        ("digit", [1, 17, 39, 0]),
        ("right", [1, 2, -1, -2, 0]),
        ("down", [-2, -1, 1, 2]),
        ("noise", [0.05, 0.25, 0.5, 0.0]),
    ],
)
def test_every_control(widget, setup, name, values):
    check(widget, setup)
    for value in values:
        before = bytes(widget.image.value)
        widget.controls[name].value = value
        check(widget, setup)
        assert bytes(widget.image.value) != before or name == "noise" and value == 0.0


def test_noise_is_the_same_pattern_each_time(widget, setup):
    widget.controls["noise"].value = 0.3
    first = widget.probabilities.copy()
    widget.controls["noise"].value = 0.1
    widget.controls["noise"].value = 0.3
    np.testing.assert_array_equal(widget.probabilities, first)


def test_the_pictures_text_is_20_px_and_never_overlaps(widget):
    """Every title, tick and axis label at TEXT_PX or more, inside the picture and clear of the others."""
    problems = layout_problems(widget.canvas)
    for state in (dict(digit=39), dict(right=2, down=-2, noise=0.5), dict(right=-2, down=2), dict(noise=0.0)):
        for name, value in state.items():
            widget.controls[name].value = value
        problems += [f"{state}: {problem}" for problem in layout_problems(widget.canvas)]
        texts = [text for *_, text in widget.canvas.text_boxes]
        assert {"digit", "probability", "0", "0.5", "1", *map(str, range(10))} <= set(texts)
    assert widget.canvas.smallest_text >= TEXT_PX
    assert not problems, problems


def test_a_right_answer_is_blue_and_a_wrong_one_red(setup):
    """The guessed bar takes the verdict's colour; every other bar stays grey."""
    net, X, y, mean, scale = setup
    widget = digit_reader(net, X, y, mean, scale)
    verdicts = set()
    for index in range(len(y)):
        widget.controls["digit"].value = index
        guess = int(np.argmax(widget.probabilities))
        colours = widget.drawn_bar_colours()
        assert colours[guess] == (RIGHT_GUESS if guess == y[index] else WRONG_GUESS)
        assert all(colour == BAR for k, colour in enumerate(colours) if k != guess)
        verdicts.add(guess == y[index])
    assert verdicts == {True, False}, "the data should give the network both right and wrong answers"
