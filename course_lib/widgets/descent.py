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

import math
from fractions import Fraction

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullFormatter

from ..lessons.descent import descent_path
from ..validation import CourseError, real_number, whole_number

from .base import LessonWidget

__all__ = ["quadratic_loss", "parabola_path", "descent_regime", "LearningRateExplorer", "learning_rate_explorer"]

CONVERGES = "converges"
ONE_STEP = "converges in one step"
OSCILLATES = "oscillates but converges"
BOUNCES = "oscillates forever: it neither converges nor diverges"
DIVERGES = "diverges: try a smaller learning rate"


def quadratic_loss(w, curvature: float = 2.0, minimum: float = 1.0):
    """L(w) = curvature/2 * (w - minimum)^2, elementwise on a number or an array of any shape."""
    return 0.5 * curvature * (np.asarray(w, dtype=np.float64) - minimum) ** 2


def parabola_path(learning_rate: float, steps: int, curvature: float = 2.0, minimum: float = 1.0,
                  start: float = -2.0) -> np.ndarray:
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


class LearningRateExplorer(LessonWidget):
    """Gradient descent's path on ``quadratic_loss`` (left) and its loss per step (right).

    Controls: ``learning_rate`` (log-scale slider, from 0.01/a to 2.5/a) and
    ``steps`` (1 to 50). ``path`` holds the current points (steps + 1,) and
    ``losses`` their losses; the readout names the regime and the final w and loss.
    """

    def __init__(self, learning_rate: float = 0.1, steps: int = 10, curvature: float = 2.0,
                 minimum: float = 1.0, start: float = -2.0):
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
        # Start the slider's 0.01-decade grid at the default so the arrow keys can come back to it.
        exponent, step = math.log10(learning_rate), 0.01
        lowest = exponent - math.ceil((exponent - math.log10(low)) / step - 1e-9) * step
        highest = lowest + math.ceil((math.log10(high) - lowest) / step - 1e-9) * step
        controls = {
            "learning_rate": widgets.FloatLogSlider(
                value=learning_rate, base=10, min=lowest, max=highest, step=step,
                description="learning rate η", readout_format=".3g", continuous_update=False,
                style={"description_width": "initial"}),
            "steps": widgets.IntSlider(value=int(steps), min=1, max=50, description="steps",
                                       continuous_update=False),
        }
        self.path = np.array([self.start])
        self.losses = quadratic_loss(self.path, self.curvature, self.minimum)
        super().__init__(controls, figsize=(9.0, 3.4))

    def update(self) -> None:
        eta, steps = float(self.value("learning_rate")), int(self.value("steps"))
        a, m = self.curvature, self.minimum
        self.path = parabola_path(eta, steps, a, m, self.start)
        with np.errstate(over="ignore"):  # a diverging path's loss may overflow to inf: drawn off the chart
            self.losses = quadratic_loss(self.path, a, m)
        regime = descent_regime(eta, a)
        self._draw(eta, regime)
        self._write_readout(eta, steps, regime)
        self.render()

    def _setup_axes(self) -> None:
        """Draw what never changes (the bowl, start, minimum, labels) once; keep the artists to update."""
        fig, a, m = self.figure, self.curvature, self.minimum
        # A fixed layout: the constrained one would be recomputed at every render, costing ~40% of it.
        fig.set_layout_engine("none")
        self._curve_ax, self._loss_ax = fig.subplots(1, 2, gridspec_kw=dict(
            width_ratios=(1.25, 1), left=0.065, right=0.985, bottom=0.14, top=0.85, wspace=0.26))
        curve_ax, loss_ax = self._curve_ax, self._loss_ax
        self._reach = reach = 1.6 * abs(self.start - m)
        grid = np.linspace(m - reach, m + reach, 200)
        curve_ax.plot(grid, quadratic_loss(grid, a, m), color="0.55", lw=1.5, label="loss $L(w)$")
        (self._path_line,) = curve_ax.plot([], [], "-o", ms=4, lw=1, alpha=0.85, gid="path", label="steps of descent")
        curve_ax.plot([self.start], [quadratic_loss(self.start, a, m)], "s", color="black", ms=6, label="start")
        curve_ax.plot([m], [0.0], "*", color="gold", mec="black", ms=13, zorder=5, label="minimum")
        top = float(quadratic_loss(m + reach, a, m))
        curve_ax.set_xlim(m - reach, m + reach)
        curve_ax.set_ylim(-0.06 * top, 1.08 * top)
        curve_ax.set_xlabel("weight $w$")
        curve_ax.set_ylabel("loss")

        (self._loss_line,) = loss_ax.plot([], [], "-o", ms=3, gid="loss-per-step")
        loss_ax.set_yscale("log")
        loss_ax.yaxis.set_minor_formatter(NullFormatter())  # a narrow range would label minor ticks, cluttering
        loss_ax.axhline(float(quadratic_loss(self.start, a, m)), color="0.6", lw=0.8, ls="--")
        self._zero_note = loss_ax.text(0.97, 0.25, "", transform=loss_ax.transAxes, ha="right", va="center",
                                       fontsize=9)
        loss_ax.set_xlabel("step")
        loss_ax.set_ylabel("loss (log scale)")
        loss_ax.set_title("loss after each step", fontsize=10)
        loss_ax.grid(alpha=0.3, which="both")

    def _draw(self, eta: float, regime: str) -> None:
        if not hasattr(self, "_curve_ax"):
            self._setup_axes()
        m = self.minimum
        colour = "tab:red" if regime in (DIVERGES, BOUNCES) else "tab:blue"
        self._path_line.set_data(self.path, self.losses)
        self._path_line.set_color(colour)
        self._curve_ax.legend(loc="upper center", ncol=2, fontsize=7, framealpha=0.85)  # anew: the colour changes
        outside = np.flatnonzero(~(np.abs(self.path - m) <= self._reach))
        title = f"η = {eta:.3g}: {regime.split(':')[0]}"
        if outside.size:
            title += f"\n(from step {outside[0]} on, the path leaves the picture)"
        self._curve_ax.set_title(title, fontsize=10)

        # A log axis cannot show 0 (eta = 1/a lands exactly on the minimum): leave those points out and say so.
        positive = self.losses > 0
        steps = np.arange(self.path.size)
        shown = np.minimum(self.losses[positive], 1e300)
        self._loss_line.set_data(steps[positive], shown)
        self._loss_line.set_color(colour)
        zero = np.flatnonzero(~positive)
        self._zero_note.set_text(f"loss exactly 0\nfrom step {zero[0]} on" if zero.size else "")
        low, high = float(shown.min()), float(shown.max())
        widen = max(3.0, np.sqrt(100.0 * low / high))  # show at least two decades
        self._loss_ax.set_ylim(low / widen, high * widen)
        self._loss_ax.set_xlim(-0.5, self.path.size - 0.5)

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


def learning_rate_explorer(learning_rate: float = 0.1, steps: int = 10, curvature: float = 2.0,
                           minimum: float = 1.0, start: float = -2.0) -> LearningRateExplorer:
    """A widget to watch gradient descent converge, oscillate or diverge as the learning rate changes.

    The loss is ``L(w) = curvature/2 (w - minimum)^2``, so the thresholds are exact:
    below ``1/curvature`` descent converges, between ``1/curvature`` and
    ``2/curvature`` it oscillates but converges, above ``2/curvature`` it diverges.
    Controls: ``learning_rate`` (log scale, 0.01/curvature to 2.5/curvature) and ``steps`` (1-50).
    """
    return LearningRateExplorer(learning_rate, steps, curvature, minimum, start)
