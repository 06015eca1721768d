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
of arithmetic; the picture is redrawn by blitting (only the moving parts are drawn).
"""

from __future__ import annotations


import ipywidgets as widgets
import numpy as np

from ..validation import CourseError, ShapeError, as_array

from .base import CSS_DPI, TEXT_PT, LessonWidget
from .blit import BlitPicture
from .single_thread import one_blas_thread

__all__ = ["shifted", "noisy", "DigitReader", "digit_reader"]


SIDE = 8  # the digits are 8 x 8 pixels
MAX_SHIFT = 2
MAX_NOISE = 0.5


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
        # Drawn at twice the pixels of its on-screen size (630 x 252): sharp on dense screens and projectors.
        super().__init__(controls, figsize=(7.0, 2.8), dpi=2 * CSS_DPI)
        self.image.layout = widgets.Layout(width=f"{7.0 * CSS_DPI:.0f}px", height=f"{2.8 * CSS_DPI:.0f}px")

    def images(self) -> np.ndarray:
        """Every test image moved and noised as the controls say: (n, 64)."""
        moved = shifted(self.X, int(self.value("right")), int(self.value("down")))
        return noisy(moved, float(self.value("noise")), self.pattern)

    def _setup_axes(self) -> None:
        fig = self.figure
        fig.set_layout_engine("none")  # fixed: a constrained layout would be recomputed every render
        self._image_ax, self._bar_ax = fig.subplots(
            1, 2, gridspec_kw=dict(width_ratios=(1, 2.2), left=0.03, right=0.98, bottom=0.22, top=0.84, wspace=0.4)
        )
        self._image = self._image_ax.imshow(np.zeros((SIDE, SIDE)), cmap="gray_r", vmin=0, vmax=1)
        self._image_ax.set_xticks([])
        self._image_ax.set_yticks([])
        self._image_title = self._image_ax.set_title(" ", fontsize=TEXT_PT)
        self._bars = self._bar_ax.bar(range(10), np.zeros(10), color="0.7")
        self._bar_ax.set_ylim(0, 1.05)
        self._bar_ax.set_xticks(range(10))
        self._bar_ax.set_yticks([0, 0.5, 1])
        self._bar_ax.tick_params(labelsize=TEXT_PT)
        self._bar_ax.set_xlabel("digit", fontsize=TEXT_PT)
        self._bar_ax.set_ylabel("probability", fontsize=TEXT_PT)
        self._bar_title = self._bar_ax.set_title(" ", fontsize=TEXT_PT)
        self._picture = BlitPicture(fig, (self._image, self._image_title, self._bar_title, *self._bars))

    def update(self) -> None:
        if not hasattr(self, "_image"):
            self._setup_axes()
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
        self._image.set_data(images[index].reshape(SIDE, SIDE))
        self._image_title.set_text(f"true digit: {truth}")
        for k, bar in enumerate(self._bars):
            bar.set_height(self.probabilities[k])
            bar.set_color(("tab:blue" if guess == truth else "tab:red") if k == guess else "0.7")
        self._bar_title.set_text(f"the network reads {guess} ({self.probabilities[guess]:.0%})")
        verdict = "right" if guess == truth else "<b>wrong</b>"
        self.readout.value = (
            f"Held-out digit {index} (a {truth}): the network reads {guess} with probability "
            f"{self.probabilities[guess]:.1%}: {verdict}.<br>"
            f"All {len(self.y)} held-out digits moved {right} right and {down} down, noise {noise:.2f}: "
            f"accuracy {self.accuracy:.1%}."
        )
        self.render()

    def render(self) -> None:
        """Only the moving artists are redrawn over the axes drawn once (``blit.BlitPicture``)."""
        self.image.value = self._picture.png()


def digit_reader(net, X, y, mean, scale, digit: int = 0) -> DigitReader:
    """A widget to test a trained digit network on moved and noisy digits.

    net: a network taking 64 standardised pixels (``net.forward`` gives (n, 10) probabilities);
    X (n, 64) raw test images in [0, 1], y (n,) their labels; mean, scale (64,): the
    standardisation the network was trained with, applied as ``(X - mean) / scale``.
    """
    return DigitReader(net, X, y, mean, scale, digit)
