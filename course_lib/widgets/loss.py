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

_MINUS = "\u2212"


def squared_error_and_slope(p, y):
    """(p - y)^2 and its slope 2 (p - y): the MSE of one output. p, y: same shape."""
    return (p - y) ** 2, 2 * (p - y)


def cross_entropy_and_slope(p, y):
    """-[y log p + (1 - y) log(1 - p)] and its slope (p - y) / (p (1 - p)), for 0 < p < 1."""
    return -(y * np.log(p) + (1 - y) * np.log1p(-p)), (p - y) / (p * (1 - p))


class LossExplorer(LessonWidget):
    """Slider ``p`` (0.01 to 0.99) and toggle ``target`` (0 or 1).

    After each update ``losses`` and ``slopes`` map "mse" and "bce" to the
    current value and dL/dp.
    """

    Y_MAX = 5.0           # top of the plot; cross-entropy at p = 0.01 is about 4.6
    TANGENT_HALF = 0.16   # half the drawn tangent's length, in axes fractions
    CURVE_P = np.linspace(0.002, 0.998, 400)

    def __init__(self, p: float = 0.7, target: int = 1):
        if target not in (0, 1):
            raise CourseError(f"target must be 0 or 1, got {target!r}")
        if not 0.01 <= p <= 0.99:
            raise CourseError(f"p must lie between 0.01 and 0.99 (a probability away from 0 and 1), got {p!r}")
        controls = {
            "p": widgets.FloatSlider(value=p, min=0.01, max=0.99, step=0.01, description="p",
                                     continuous_update=False, readout_format=".2f",
                                     layout=widgets.Layout(width="320px")),
            "target": widgets.ToggleButtons(options=[("y = 0", 0), ("y = 1", 1)], value=target,
                                            description="target", style={"button_width": "60px"}),
        }
        super().__init__(controls, figsize=(6.4, 3.6))

    def update(self) -> None:
        p, y = float(self.value("p")), int(self.value("target"))
        mse, mse_slope = squared_error_and_slope(p, y)
        bce, bce_slope = cross_entropy_and_slope(p, y)
        self.losses = {"mse": float(mse), "bce": float(bce)}
        self.slopes = {"mse": float(mse_slope), "bce": float(bce_slope)}

        fig = self.figure
        fig.clear()
        ax = fig.add_subplot()
        curves = {"mse": squared_error_and_slope(self.CURVE_P, y)[0], "bce": cross_entropy_and_slope(self.CURVE_P, y)[0]}
        labels = {"mse": "squared error $(p - y)^2$", "bce": "binary cross-entropy"}
        # Tangents in a darker shade of their curve, drawn on top of it so they stay visible.
        for name, colour, dark in (("mse", "tab:blue", "midnightblue"), ("bce", "tab:orange", "saddlebrown")):
            ax.plot(self.CURVE_P, curves[name], color=colour, lw=2.5, alpha=0.7, label=labels[name],
                    gid=f"{name}-curve")
            ax.plot(self._tangent_x(p, self.slopes[name]), self._tangent_y(p, name), color=dark, lw=1.8,
                    zorder=4, label=f"its slope at p = {p:.2f}", gid=f"{name}-tangent")
            ax.plot(p, self.losses[name], "o", color=colour, markeredgecolor="black", markersize=8, zorder=5,
                    gid=f"{name}-point")
        ax.axvline(y, color="0.5", lw=1, linestyle=":")
        ax.set(xlim=(0, 1), ylim=(0, self.Y_MAX), xlabel="predicted probability of class 1, p", ylabel="loss")
        ax.set_title(f"target y = {y}: the loss is 0 at p = {y}; dark lines are the tangents", fontsize=9)
        ax.legend(loc="upper center", fontsize=8, ncols=2)
        ax.grid(alpha=0.3)
        self.readout.value = self._readout(p, y)
        self.render()

    def _tangent_x(self, p: float, slope: float) -> np.ndarray:
        # Equal drawn length whatever the slope: shrink the p-step as the line steepens.
        width, height = self.figure.get_size_inches()
        steepness = slope / self.Y_MAX * height / width
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
        return (
            "<table style='font-family: monospace'>"
            "<tr><th>loss</th><th>formula</th><th>value</th><th>slope dL/dp</th></tr>"
            f"<tr><td>squared error</td><td>(p {_MINUS} y)²</td><td>{number('mse', self.losses['mse'])}</td>"
            f"<td>{number('mse-slope', self.slopes['mse'])}</td></tr>"
            f"<tr><td>binary cross-entropy</td><td>{bce_formula}</td><td>{number('bce', self.losses['bce'])}</td>"
            f"<td>{number('bce-slope', self.slopes['bce'])}</td></tr></table>"
            f"At p = {number('p', p, 2)} with y = {y}, cross-entropy's slope is "
            f"{number('slope-ratio', ratio, 2)} times as steep as squared error's."
        )


def loss_explorer(p: float = 0.7, target: int = 1) -> LossExplorer:
    """A widget comparing squared error and binary cross-entropy for one prediction.

    Controls: ``"p"`` (slider, 0.01 to 0.99: the predicted probability of class 1,
    so of the true class when the target is 1) and ``"target"`` (toggle, 0 or 1).
    """
    return LossExplorer(p=p, target=target)
