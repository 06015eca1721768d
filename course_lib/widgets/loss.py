"""Lesson 02's widget: squared error and binary cross-entropy side by side.

One sigmoid output p (the predicted probability of class 1) against a target
y of 0 or 1. The picture shows both losses as functions of p, the current p
marked on each, and each loss's tangent there: its slope is how hard gradient
descent would push p. Near a confident wrong answer cross-entropy's slope
explodes while squared error's stays small.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..validation import CourseError
from .base import LessonWidget
from .plot_axes import Picture, PixelAxes
from .raster import GREY

_MINUS = "\u2212"


def squared_error_and_slope(p, y):
    """(p - y)^2 and its slope 2 (p - y): the MSE of one output. p, y: same shape."""
    return (p - y) ** 2, 2 * (p - y)


def cross_entropy_and_slope(p, y):
    """-[y log p + (1 - y) log(1 - p)] and its slope (p - y) / (p (1 - p)), for 0 < p < 1."""
    return -(y * np.log(p) + (1 - y) * np.log1p(-p)), (p - y) / (p * (1 - p))


class LossExplorer(LessonWidget):
    """Slider ``p`` (0.01 to 0.99) and toggle ``target`` (0 or 1).

    After each update ``losses`` and ``slopes`` map "mse" and "bce" to the current value and
    dL/dp; ``curves`` maps them to the loss along ``CURVE_P``; ``tangents`` to the drawn tangent's
    ends ((p0, p1), (L0, L1)). The picture is drawn from these arrays (``plot_axes`` on ``raster``),
    a few milliseconds a frame at the size it is shown, so it follows the slider while dragged.
    """

    PICTURE = (
        "Squared error and cross-entropy plotted against the predicted probability p for the chosen "
        "target, with the current p marked on both curves and each curve's slope there drawn as a "
        "dark tangent line."
    )

    Y_MAX = 5.0  # top of the plot; cross-entropy at p = 0.01 is about 4.6
    TANGENT_HALF = 0.16  # half the drawn tangent's length, as a fraction of the plot's width
    CURVE_P = np.linspace(0.002, 0.998, 400)
    WIDTH, HEIGHT = 700, 300
    COLOURS = {"mse": ((31, 119, 180), (25, 25, 112)), "bce": ((255, 127, 14), (139, 69, 19))}  # curve, tangent

    def __init__(self, p: float = 0.7, target: int = 1):
        if target not in (0, 1):
            raise CourseError(f"target must be 0 or 1, got {target!r}")
        if not 0.01 <= p <= 0.99:
            raise CourseError(f"p must lie between 0.01 and 0.99 (a probability away from 0 and 1), got {p!r}")
        controls = {
            "p": widgets.FloatSlider(
                value=p,
                min=0.01,
                max=0.99,
                step=0.01,
                description="p",
                continuous_update=True,
                readout_format=".2f",
                style={"description_width": "20px"},
                layout=widgets.Layout(width="420px"),
            ),
            "target": widgets.ToggleButtons(
                options=[("y = 0", 0), ("y = 1", 1)], value=target, description="target", style={"button_width": "auto"}
            ),
        }
        self.canvas = Picture(self.WIDTH, self.HEIGHT)
        self.axes = PixelAxes(self.canvas, (72, 36, self.WIDTH - 16, self.HEIGHT - 54), (0.0, 1.0), (0.0, self.Y_MAX))
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{self.WIDTH}px", height=f"{self.HEIGHT}px")
        # On a slide: the two controls in a row above, the table of numbers beside the picture (notebooks/rise.css).
        self.add_class("course-controls-above")

    def update(self) -> None:
        p, y = float(self.value("p")), int(self.value("target"))
        mse, mse_slope = squared_error_and_slope(p, y)
        bce, bce_slope = cross_entropy_and_slope(p, y)
        self.losses = {"mse": float(mse), "bce": float(bce)}
        self.slopes = {"mse": float(mse_slope), "bce": float(bce_slope)}
        self.curves = {
            "mse": squared_error_and_slope(self.CURVE_P, y)[0],
            "bce": cross_entropy_and_slope(self.CURVE_P, y)[0],
        }
        self.tangents = {
            name: (self._tangent_x(p, self.slopes[name]), self._tangent_y(p, name)) for name in self.curves
        }
        self.image.value = self._draw(p, y)  # the picture first: it should never lag the numbers
        self.readout.value = self._readout(p, y)

    def _draw(self, p: float, y: int) -> bytes:
        c, ax = self.canvas, self.axes
        c.clear()
        ax.frame(
            title=f"target y = {y}: both losses are 0 at p = {y}",
            xlabel="predicted probability of class 1, p",
            ylabel="loss",
        )
        ax.vline(y, GREY, dashed=True)
        for name in ("mse", "bce"):
            colour, dark = self.COLOURS[name]
            ax.plot(self.CURVE_P, self.curves[name], colour, width=3)
        for name in ("mse", "bce"):
            colour, dark = self.COLOURS[name]
            (x0, x1), (y0, y1) = self.tangents[name]
            ax.plot(np.array([x0, x1]), np.array([y0, y1]), dark, width=3)
            ax.marker(p, self.losses[name], colour, radius=6)
        entries = [
            ("squared error (p − y)²", self.COLOURS["mse"][0]),
            ("binary cross-entropy", self.COLOURS["bce"][0]),
            ("dark: each one's slope at p", self.COLOURS["mse"][1]),
        ]
        ax.legend(entries, x=(ax.left + ax.right) / 2 - ax.legend_width(entries) / 2)
        return c.png()

    def _tangent_x(self, p: float, slope: float) -> np.ndarray:
        # Equal drawn length whatever the slope: shrink the p-step as the line steepens on screen.
        steepness = slope / self.Y_MAX * self.axes.height / self.axes.width
        half = self.TANGENT_HALF / np.hypot(1.0, steepness)
        return np.array([p - half, p + half])

    def _tangent_y(self, p: float, name: str) -> np.ndarray:
        xs = self._tangent_x(p, self.slopes[name])
        return self.losses[name] + self.slopes[name] * (xs - p)

    def _readout(self, p: float, y: int) -> str:
        def number(name, value, digits=4):
            return f"<span data-name='{name}'>{value:.{digits}f}</span>"

        ratio = abs(self.slopes["bce"] / self.slopes["mse"])
        bce_formula = f"{_MINUS}log p" if y == 1 else f"{_MINUS}log(1 {_MINUS} p)"
        cell = "style='padding: 1px 14px 1px 0; text-align: {}'"
        # Formulas and numbers never break across lines (a narrow column wraps the names instead).
        left, right = cell.format("left"), cell.format("right; white-space: nowrap")
        formula = cell.format("left; white-space: nowrap")
        row = "<tr><td {l}>{}</td><td {f}>{}</td><td {r}>{}</td><td {r}>{}</td></tr>"
        return (
            "<table style='font-family: monospace; border-collapse: collapse; margin-bottom: 4px'>"
            + row.format("loss", "formula", "value", "slope dL/dp", l=left, f=formula, r=right).replace("td", "th")
            + row.format(
                "squared error",
                f"(p {_MINUS} y)²",
                number("mse", self.losses["mse"]),
                number("mse-slope", self.slopes["mse"]),
                l=left,
                f=formula,
                r=right,
            )
            + row.format(
                "binary cross-entropy",
                bce_formula,
                number("bce", self.losses["bce"]),
                number("bce-slope", self.slopes["bce"]),
                l=left,
                f=formula,
                r=right,
            )
            + "</table>"
            f"At p = {number('p', p, 2)} with y = {y}, cross-entropy's slope is "
            f"{number('slope-ratio', ratio, 2)} times as steep as squared error's."
        )


def loss_explorer(p: float = 0.7, target: int = 1) -> LossExplorer:
    """A widget comparing squared error and binary cross-entropy for one prediction.

    Controls: ``"p"`` (slider, 0.01 to 0.99: the predicted probability of class 1,
    so of the true class when the target is 1) and ``"target"`` (toggle, 0 or 1).
    """
    return LossExplorer(p=p, target=target)
