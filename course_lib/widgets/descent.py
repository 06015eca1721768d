"""Lesson 03's widget: gradient descent on a parabola, with a learning-rate slider.

On ``L(w) = a/2 (w - m)^2`` (curvature ``a``, minimum at ``m``) one step gives
``w - m <- (1 - eta a)(w - m)``: every step multiplies the distance to the
minimum by ``1 - eta a``. So the regimes are exact:

- ``eta < 1/a``: the factor is in (0, 1), descent converges without overshooting;
- ``eta = 1/a``: the factor is 0, one step lands on the minimum;
- ``1/a < eta < 2/a``: the factor is in (-1, 0), it overshoots each time but converges;
- ``eta = 2/a``: the factor is -1, it bounces between two points forever;
- ``eta > 2/a``: the factor is below -1, each overshoot is bigger: it diverges.
"""

from __future__ import annotations

from fractions import Fraction

import ipywidgets as widgets
import numpy as np

from ..lessons.descent import descent_path
from ..validation import CourseError, real_number, whole_number

from .base import LessonWidget
from .plot_axes import TEXT_PX, Picture, PixelAxes, star_points

__all__ = ["quadratic_loss", "parabola_path", "descent_regime", "LearningRateExplorer", "learning_rate_explorer"]

CONVERGES = "converges"
ONE_STEP = "converges in one step"
OSCILLATES = "oscillates but converges"
BOUNCES = "oscillates forever: it neither converges nor diverges"
DIVERGES = "diverges: try a smaller learning rate"


def quadratic_loss(w, curvature: float = 2.0, minimum: float = 1.0):
    """L(w) = curvature/2 * (w - minimum)^2, elementwise on a number or an array of any shape."""
    return 0.5 * curvature * (np.asarray(w, dtype=np.float64) - minimum) ** 2


def parabola_path(
    learning_rate: float, steps: int, curvature: float = 2.0, minimum: float = 1.0, start: float = -2.0
) -> np.ndarray:
    """The points w_0 = start, w_1, ..., w_steps of gradient descent on ``quadratic_loss``; shape (steps + 1,).

    Each step is ``w <- w - learning_rate * curvature * (w - minimum)``, by the
    course's one descent loop; a diverging path runs to +-inf, never NaN.
    """
    a = real_number(curvature, "curvature", positive=True)
    m = real_number(minimum, "minimum")
    return descent_path(lambda w: a * (w - m), real_number(start, "start"), learning_rate, steps)[:, 0]


def descent_regime(learning_rate: float, curvature: float = 2.0) -> str:
    """Which regime gradient descent on a parabola of this curvature is in (one of the module's five).

    Compared exactly (as fractions), so ``learning_rate = 1/curvature`` is recognised
    whenever the two floats' product is exactly 1.
    """
    eta = real_number(learning_rate, "learning_rate", positive=True)
    product = Fraction(eta) * Fraction(real_number(curvature, "curvature", positive=True))
    if product < 1:
        return CONVERGES
    if product == 1:
        return ONE_STEP
    if product < 2:
        return OSCILLATES
    return BOUNCES if product == 2 else DIVERGES


def _g(x: float) -> str:
    return f"{x:.6g}"


# The learning rates the slider offers, as multiples of 1/a: round numbers, denser near the two
# thresholds (1/a and 2/a, both exactly on the grid), from 0.01/a to 2.5/a.
RATE_GRID = (
    0.01,
    0.02,
    0.03,
    0.05,
    0.07,
    0.1,
    0.15,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.9,
    0.95,
    1.0,
    1.05,
    1.1,
    1.2,
    1.3,
    1.4,
    1.5,
    1.6,
    1.7,
    1.8,
    1.9,
    1.95,
    2.0,
    2.05,
    2.1,
    2.2,
    2.3,
    2.4,
    2.5,
)
BLUE, RED, GOLD = (31, 119, 180), (214, 39, 40), (255, 200, 0)
PATH_GREY = (140, 140, 140)


def rate_options(curvature: float, including: float) -> list[tuple[str, float]]:
    """(label, learning rate) pairs for the slider: RATE_GRID / curvature, plus ``including``; labels
    print the rate exactly as the readout does, so the slider and the text never disagree."""
    rates = sorted({c / curvature for c in RATE_GRID} | {float(including)})
    return [(_g(rate), rate) for rate in rates]


class LearningRateExplorer(LessonWidget):
    """Gradient descent's path on ``quadratic_loss`` (left) and its loss per step (right).

    Controls: ``learning_rate`` (a slider over round rates from 0.01/a to 2.5/a, roughly
    log-spaced, with 1/a and 2/a exactly on it) and ``steps`` (1 to 50). ``path`` holds the
    current points (steps + 1,) and ``losses`` their losses; the readout names the regime and
    the final w and loss. ``title`` is the left picture's title; ``loss_points`` the (step, loss)
    pairs the right picture shows (a loss of exactly 0 cannot sit on its log axis: ``zero_note``
    says so). Drawn from arrays (``plot_axes`` on ``raster``) at the size shown, while dragging.
    """

    PICTURE = (
        "Left: the loss curve over the weight w, a parabola, with the path of gradient descent drawn "
        "on it as dots joined step by step. Right: the loss at each step on a log scale."
    )

    WIDTH, HEIGHT = 820, 322

    def __init__(
        self,
        learning_rate: float = 0.1,
        steps: int = 10,
        curvature: float = 2.0,
        minimum: float = 1.0,
        start: float = -2.0,
    ):
        self.curvature = real_number(curvature, "curvature", positive=True)
        self.minimum = real_number(minimum, "minimum")
        self.start = real_number(start, "start")
        if self.start == self.minimum:
            raise CourseError("start must differ from minimum, or there is nothing to descend")
        learning_rate = real_number(learning_rate, "learning_rate", positive=True)
        low, high = 0.01 / self.curvature, 2.5 / self.curvature
        if not low <= learning_rate <= high:
            raise CourseError(f"learning_rate must lie in [{low:g}, {high:g}] (0.01/a to 2.5/a), got {learning_rate:g}")
        if not 1 <= whole_number(steps, "steps", 1) <= 50:
            raise CourseError(f"steps must be a whole number from 1 to 50, got {steps!r}")
        controls = {
            "learning_rate": widgets.SelectionSlider(
                options=rate_options(self.curvature, learning_rate),
                value=learning_rate,
                description="learning rate η",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="460px"),
            ),
            "steps": widgets.IntSlider(
                value=int(steps),
                min=1,
                max=50,
                description="steps",
                continuous_update=True,
                layout=widgets.Layout(width="360px"),
            ),
        }
        self.path = np.array([self.start])
        self.losses = quadratic_loss(self.path, self.curvature, self.minimum)
        a, m = self.curvature, self.minimum
        self._reach = reach = 1.6 * abs(self.start - m)
        self.canvas = Picture(self.WIDTH, self.HEIGHT)
        top = float(quadratic_loss(m + reach, a, m))
        self.curve_axes = PixelAxes(self.canvas, (84, 70, 440, 268), (m - reach, m + reach), (-0.06 * top, 1.08 * top))
        self.loss_axes = PixelAxes(self.canvas, (556, 70, 805, 268), (-0.5, 10.5), (-2.0, 1.0))
        self._bowl = np.linspace(m - reach, m + reach, 300)
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{self.WIDTH}px", height=f"{self.HEIGHT}px")

    def update(self) -> None:
        eta, steps = float(self.value("learning_rate")), int(self.value("steps"))
        a, m = self.curvature, self.minimum
        self.path = parabola_path(eta, steps, a, m, self.start)
        with np.errstate(over="ignore"):  # a diverging path's loss may overflow to inf: drawn off the chart
            self.losses = quadratic_loss(self.path, a, m)
        regime = descent_regime(eta, a)
        self.image.value = self._draw(eta, regime)  # the picture first: it should never lag the numbers
        self._write_readout(eta, steps, regime)

    def _draw(self, eta: float, regime: str) -> bytes:
        c, a, m = self.canvas, self.curvature, self.minimum
        c.clear()
        colour = RED if regime in (DIVERGES, BOUNCES) else BLUE
        outside = np.flatnonzero(~(np.abs(self.path - m) <= self._reach))
        self.title = f"learning rate {_g(eta)}: {regime.split(':')[0]}"  # the picture font has no Greek
        if outside.size:
            self.title += f" (from step {outside[0]} on, the path leaves the picture)"
        c.text((6, 4), self.title, (20, 20, 20) if colour == BLUE else RED)

        # Left: the bowl, the path of descent on it, start and minimum; the key sits above both, never under the path.
        ax = self.curve_axes
        ax.frame(xlabel="weight w", ylabel="loss")
        ax.plot(self._bowl, quadratic_loss(self._bowl, a, m), PATH_GREY, width=2)
        shown = np.abs(self.path - m) <= self._reach
        xs, ys = self.path[shown], self.losses[shown]
        if outside.size:
            xs, ys = xs[: outside[0]], ys[: outside[0]]
        ax.plot(xs, ys, colour, width=2)
        for x, y in zip(xs, ys):
            ax.marker(x, y, colour, radius=4, outline=None)
        ax.marker(self.start, float(quadratic_loss(self.start, a, m)), (0, 0, 0), shape="square", radius=5)
        ax.marker(m, 0.0, GOLD, shape="star", radius=10)
        self._key(6, 36, colour)

        # Right: loss per step on a log axis; a loss of exactly 0 has no place on it.
        positive = self.losses > 0
        steps = np.arange(self.path.size)
        shown_losses = np.minimum(self.losses[positive], 1e300)
        self.loss_points = (steps[positive], shown_losses)
        zero = np.flatnonzero(~positive)
        self.zero_note = f"loss 0 from step {zero[0]}" if zero.size else ""
        low, high = float(shown_losses.min()), float(shown_losses.max())
        widen = max(3.0, np.sqrt(100.0 * low / high))  # show at least two decades
        lo, hi = np.log10(low / widen), np.log10(high * widen)
        la = self.loss_axes
        la.xlim, la.ylim = (-0.5, self.path.size - 0.5), (lo, hi)
        decades = list(range(int(np.ceil(lo)), int(np.floor(hi)) + 1))
        if len(decades) > 6:
            decades = decades[:: int(np.ceil(len(decades) / 6))]
        la.frame(xlabel="step", yticks=[])
        la.log_ticks(decades, ylabel="loss")
        la.hline(float(np.log10(self.losses[0])), (170, 170, 170))
        la.plot(self.loss_points[0], np.log10(self.loss_points[1]), colour, width=2)
        for x, y in zip(*self.loss_points):
            la.marker(float(x), float(np.log10(y)), colour, radius=3, outline=None)
        if self.zero_note:
            c.text(
                (la.right - 6, la.bottom - 28), self.zero_note, (40, 40, 40), anchor="rb", background=(255, 255, 255)
            )
        return c.png()

    def _key(self, x: float, y: float, colour) -> None:
        c = self.canvas
        entries = [
            ("loss L(w)", "line", PATH_GREY),
            ("steps of descent", "dot", colour),
            ("start", "square", (0, 0, 0)),
            ("minimum", "star", GOLD),
        ]
        for label, kind, ink in entries:
            if kind == "line":
                c.line([(x, y + 10), (x + 20, y + 10)], ink, width=2)
            elif kind == "dot":
                c.ellipse((x + 4, y + 4, x + 16, y + 16), fill=ink)
            elif kind == "square":
                c.rectangle((x + 4, y + 4, x + 16, y + 16), fill=ink)
            else:
                c.polygon(star_points(x + 10, y + 10, 9), fill=ink, outline=(0, 0, 0))
            c.text((x + 26, y + 10), label, (40, 40, 40), anchor="lm")
            x += 26 + c.text_width(label, TEXT_PX) + 24

    def _write_readout(self, eta: float, steps: int, regime: str) -> None:
        a = self.curvature
        factor = 1.0 - eta * a
        w_final, loss_final = float(self.path[-1]), float(self.losses[-1])
        self.readout.value = (
            f"<b>{regime}</b><br>"
            f"η = {_g(eta)}; the thresholds are 1/a = {_g(1 / a)} and 2/a = {_g(2 / a)}. "
            f"Each step multiplies the distance to the minimum by 1 − ηa = {_g(factor)}.<br>"
            f"After {steps} steps: w = {_g(w_final)}, loss = {_g(loss_final)} "
            f"(start: w = {_g(self.start)}, loss = {_g(float(self.losses[0]))}; minimum at w = {_g(self.minimum)})."
        )
        if regime in (CONVERGES, OSCILLATES):
            covered = 100.0 * (1.0 - abs(w_final - self.minimum) / abs(self.start - self.minimum))
            hint = " Too small a learning rate crawls: try a larger one." if covered < 50 else ""
            self.readout.value += f"<br>It has covered {covered:.1f}% of the way to the minimum.{hint}"


def learning_rate_explorer(
    learning_rate: float = 0.1, steps: int = 10, curvature: float = 2.0, minimum: float = 1.0, start: float = -2.0
) -> LearningRateExplorer:
    """A widget to watch gradient descent converge, oscillate or diverge as the learning rate changes.

    The loss is ``L(w) = curvature/2 (w - minimum)^2``, so the thresholds are exact:
    below ``1/curvature`` descent converges, between ``1/curvature`` and
    ``2/curvature`` it oscillates but converges, above ``2/curvature`` it diverges.
    Controls: ``learning_rate`` (round rates, roughly log-spaced, from 0.01/curvature to
    2.5/curvature, with 1/curvature and 2/curvature exactly on the slider) and ``steps`` (1-50).
    """
    return LearningRateExplorer(learning_rate, steps, curvature, minimum, start)
