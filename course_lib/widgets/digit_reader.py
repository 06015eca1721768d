"""Lesson 10's widget: a trained digit reader, and how it copes with moved and noisy digits.

Pick a held-out digit (one the network was not trained on), move it by whole pixels, add noise, and watch the network's ten
probabilities. The readout also gives the accuracy on *all* the held-out digits moved and
noised the same way. The lesson: a fully connected network has one weight per pixel,
so a digit moved by a single pixel lands on weights trained for something else, and
accuracy collapses; noise of the same size hurts far less. (Convolutional networks share
weights across positions for exactly this reason.)

The noise is reproducible: each image gets a fixed pattern of standard normal numbers
(drawn once, from ``seed``), multiplied by the noise level, and the result is clipped to
[0, 1]. Every update is one forward pass of the whole test set, well under a millisecond
of arithmetic; the picture is drawn from numbers with Pillow (``plot_axes`` on ``raster``) at the
size it is shown, a few milliseconds.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..validation import CourseError, ShapeError, as_array

from .base import LessonWidget
from .plot_axes import INK, Picture, PixelAxes
from .raster import BLACK, WHITE, colourize, ramp_lut, upscale
from .single_thread import one_blas_thread

__all__ = ["shifted", "noisy", "DigitReader", "digit_reader"]


SIDE = 8  # the digits are 8 x 8 pixels
MAX_SHIFT = 2
MAX_NOISE = 0.5
# The picture, drawn from numbers with Pillow at the size it is shown (and twice that in pixels).
WIDTH, HEIGHT = 630, 252
BLOCK = 20  # each of the digit's 8 x 8 pixels is a BLOCK x BLOCK square on the page
DIGIT_FRAME = (14, 36, 14 + SIDE * BLOCK + 1, 36 + SIDE * BLOCK + 1)  # the frame's lines lie just outside the digit
BAR_BOX = (348, 34, 618, 200)  # the bar chart's axes; its y label and tick labels lie left of it
BAR_WIDTH = 0.8  # of the 1 between neighbouring digits
BAR, RIGHT_GUESS, WRONG_GUESS = (178, 178, 178), (31, 119, 180), (214, 39, 40)  # matplotlib's "0.7", tab:blue, tab:red
GREYS = ramp_lut(WHITE, BLACK)  # matplotlib's gray_r from 0 to 1: white paper, black ink


def shifted(X, right: int = 0, down: int = 0) -> np.ndarray:
    """Move every 8x8 image in X (n, 64) by whole pixels, filling the uncovered border with 0.

    ``right`` > 0 moves the ink right, ``down`` > 0 moves it down; ink pushed past the edge
    is lost. Returns a new (n, 64) array.
    """
    X = as_array(X, "X", ndim=2)
    if X.shape[1] != SIDE * SIDE:
        raise ShapeError(f"X must hold 8x8 images as rows of 64 pixels, got shape {X.shape}")
    images = X.reshape(-1, SIDE, SIDE)
    moved = np.zeros_like(images)
    rows_to, rows_from = slice(max(down, 0), SIDE + min(down, 0)), slice(max(-down, 0), SIDE + min(-down, 0))
    cols_to, cols_from = slice(max(right, 0), SIDE + min(right, 0)), slice(max(-right, 0), SIDE + min(-right, 0))
    moved[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return moved.reshape(-1, SIDE * SIDE)


def noisy(X, level: float, pattern) -> np.ndarray:
    """X (n, 64) plus ``level`` times the fixed noise ``pattern`` (same shape), clipped to [0, 1]."""
    X = as_array(X, "X", ndim=2)
    pattern = as_array(pattern, "pattern", shape=X.shape)
    return np.clip(X + level * pattern, 0.0, 1.0)


class DigitReader(LessonWidget):
    """Left: the chosen held-out digit as the network sees it. Right: its ten probabilities.

    Controls: ``digit`` (which test image), ``right`` and ``down`` (shift in pixels, -2..2),
    ``noise`` (0..0.5). ``probabilities`` (10,) and ``accuracy`` (on every test image moved
    and noised alike) hold the current numbers.
    """

    PICTURE = (
        "Left: the chosen held-out 8 by 8 digit as the network sees it, moved and noised, titled with "
        "its true digit. Right: a bar for each of the ten digits, its probability, titled with the "
        "network's answer."
    )

    def __init__(self, net, X, y, mean, scale, digit: int = 0, seed: int = 0):
        self.X = as_array(X, "X", ndim=2)
        self.y = as_array(y, "y", shape=(len(self.X),))
        if self.X.shape[1] != SIDE * SIDE:
            raise ShapeError(f"X must hold 8x8 images as rows of 64 pixels, got shape {self.X.shape}")
        self.mean = as_array(mean, "mean", shape=(SIDE * SIDE,))
        self.scale = as_array(scale, "scale", shape=(SIDE * SIDE,))
        if getattr(net, "sizes", [None])[0] != SIDE * SIDE:
            raise CourseError(f"net must take 64 inputs (the pixels), got {getattr(net, 'sizes', net)!r}")
        self.net = net
        if not 0 <= int(digit) < len(self.X):
            raise CourseError(f"digit must be an index 0..{len(self.X) - 1}, got {digit!r}")
        self.pattern = np.random.default_rng(seed).standard_normal(self.X.shape)
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "digit": widgets.IntSlider(
                value=int(digit),
                min=0,
                max=len(self.X) - 1,
                description="held-out digit",
                layout=widgets.Layout(width="330px"),
                **slider,
            ),
            "right": widgets.IntSlider(
                value=0,
                min=-MAX_SHIFT,
                max=MAX_SHIFT,
                description="move right",
                layout=widgets.Layout(width="230px"),
                **slider,
            ),
            "down": widgets.IntSlider(
                value=0,
                min=-MAX_SHIFT,
                max=MAX_SHIFT,
                description="move down",
                layout=widgets.Layout(width="230px"),
                **slider,
            ),
            "noise": widgets.FloatSlider(
                value=0.0,
                min=0.0,
                max=MAX_NOISE,
                step=0.05,
                description="noise",
                readout_format=".2f",
                layout=widgets.Layout(width="260px"),
                **slider,
            ),
        }
        # Laid out in the CSS pixels it is shown at and drawn at twice that: sharp on dense screens and projectors.
        self.canvas = Picture(WIDTH, HEIGHT)
        # The digit's axes: one data unit per image pixel, the first row at the top.
        self.digit_axes = PixelAxes(self.canvas, DIGIT_FRAME, (-0.5, SIDE - 0.5), (SIDE - 0.5, -0.5))
        self.bar_axes = PixelAxes(self.canvas, BAR_BOX, (-0.5 - BAR_WIDTH / 2, 9.5 + BAR_WIDTH / 2), (0.0, 1.05))
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{WIDTH}px", height=f"{HEIGHT}px")

    def images(self) -> np.ndarray:
        """Every test image moved and noised as the controls say: (n, 64)."""
        moved = shifted(self.X, int(self.value("right")), int(self.value("down")))
        return noisy(moved, float(self.value("noise")), self.pattern)

    def update(self) -> None:
        right, down, noise = int(self.value("right")), int(self.value("down")), float(self.value("noise"))
        if getattr(self, "_changed_by", None) != (right, down, noise):
            # A new move or noise: every test image changes. Choosing another digit reuses these.
            self._images = self.images()
            with one_blas_thread():  # small products: BLAS threads would cost more than the arithmetic
                self._scores = self.net.forward((self._images - self.mean) / self.scale)
            self.accuracy = float(np.mean(np.argmax(self._scores, axis=1) == self.y))
            self._changed_by = (right, down, noise)
        images, scores = self._images, self._scores
        index = int(self.value("digit"))
        self.probabilities = scores[index]
        guess, truth = int(np.argmax(self.probabilities)), int(self.y[index])
        self._digit = images[index].reshape(SIDE, SIDE)
        self._heights = np.clip(np.nan_to_num(self.probabilities), *self.bar_axes.ylim)  # a picture never stops
        self._colours = [(RIGHT_GUESS if guess == truth else WRONG_GUESS) if k == guess else BAR for k in range(10)]
        self._titles = (f"true digit: {truth}", f"the network reads {guess} ({self.probabilities[guess]:.0%})")
        verdict = "right" if guess == truth else "<b>wrong</b>"
        self.readout.value = (
            f"Held-out digit {index} (a {truth}): the network reads {guess} with probability "
            f"{self.probabilities[guess]:.1%}: {verdict}.<br>"
            f"All {len(self.y)} held-out digits moved {right} right and {down} down, noise {noise:.2f}: "
            f"accuracy {self.accuracy:.1%}."
        )
        self.render()

    def render(self) -> None:
        """Draw the picture from the numbers ``update`` left: the digit, its title, the ten bars and theirs."""
        c = self.canvas
        c.clear()
        digit = self.digit_axes
        # Each image pixel a crisp BLOCK x BLOCK square, inside the frame's lines.
        c.paste(upscale(colourize(self._digit, 0.0, 1.0, GREYS), BLOCK), digit.left + 1, digit.top + 1)
        digit.frame(title=self._titles[0], grid=False, xticks=[], yticks=[])
        bars = self.bar_axes
        bars.frame(
            title=self._titles[1],
            xlabel="digit",
            ylabel="probability",
            grid=False,
            xticks=range(10),
            yticks=[0, 0.5, 1],
        )
        for k, (height, colour) in enumerate(zip(self._heights, self._colours)):
            (left, top), (right, bottom) = (bars.px(k + side * BAR_WIDTH / 2, y) for side, y in ((-1, height), (1, 0)))
            c.rectangle((left, top, right, bottom), fill=colour)
        c.rectangle((bars.left, bars.top, bars.right, bars.bottom), outline=INK)  # the frame over the bars' feet
        self.image.value = c.png()

    def drawn_bars(self) -> np.ndarray:
        """The ten bar heights as drawn, (10,): the probabilities, within the axis's 0 to 1.05 (NaN as 0)."""
        return self._heights.copy()

    def drawn_bar_colours(self) -> list[tuple[int, int, int]]:
        """Each bar's colour as drawn: grey, the network's answer blue when it is right and red when wrong."""
        return list(self._colours)

    def drawn_digit(self) -> np.ndarray:
        """The digit image as drawn, (8, 8), 0 (white) to 1 (black): the chosen test image moved and noised."""
        return self._digit.copy()


def digit_reader(net, X, y, mean, scale, digit: int = 0) -> DigitReader:
    """A widget to test a trained digit network on moved and noisy digits.

    net: a network taking 64 standardised pixels (``net.forward`` gives (n, 10) probabilities);
    X (n, 64) raw test images in [0, 1], y (n,) their labels; mean, scale (64,): the
    standardisation the network was trained with, applied as ``(X - mean) / scale``.
    """
    return DigitReader(net, X, y, mean, scale, digit)
