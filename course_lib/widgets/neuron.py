"""Lesson 01's widget: one neuron with two inputs, a = f(w1 x1 + w2 x2 + b).

Drag the weights and the bias, pick an activation, and watch the neuron's
output over the input plane (left) and along the input x1 (right), with the
numbers for one fixed example input in the readout. Give it labelled ``points``
(for instance ``"xor"``) and it marks them on the plane and counts how many the
neuron puts on the right side of its line z = 0. The picture follows the
sliders while they are dragged: it is drawn straight from numpy arrays
(``plot_axes`` on ``raster``), a few milliseconds per frame, at the size it is shown.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..activations import ACTIVATION_NAMES, get_activation
from ..data import xor
from ..validation import CourseError, as_array, lookup
from .base import LessonWidget
from .plot_axes import INK, Picture, PixelAxes, colour_bar
from .raster import _nice_ticks, colourize, diverging_lut

# Softmax needs several outputs to share a total; a single neuron has one.
NEURON_ACTIVATIONS = tuple(name for name in ACTIVATION_NAMES if name != "softmax")
RED, BLUE_, WHITE_ = (178, 24, 43), (33, 102, 172), (247, 247, 247)  # matplotlib's RdBu ends and middle
PURPLE, GOLD = (148, 103, 189), (255, 200, 0)
WIDTH, HEIGHT = 760, 328  # the picture's size on screen, in CSS pixels (drawn at twice that)


class NeuronExplorer(LessonWidget):
    """Sliders ``w1``, ``w2``, ``b`` and a dropdown ``activation`` for one 2-input neuron.

    ``example`` (shape (2,)) is the input whose z and a the readout spells out. After each
    update: ``z`` and ``a`` hold the example's numbers; ``plane`` (h, w) the output at every
    pixel of the left picture (``plane_axes.pixel_grid()`` gives each pixel's (x1, x2));
    ``colour_range`` the (low, high) the colours span, with white at ``colour_middle``;
    ``curve_x``, ``curve_y`` the right picture's curve; ``zero_line`` the two ends (x1, x2)
    of the dashed z = 0 line in the plane, or None when it misses the plane. With ``points``
    (X (n, 2), labels y (n,) of 0 and 1): ``on_right_side`` counts the points with z > 0
    exactly when their label is 1.
    """

    PICTURE = (
        "Left: the input plane (x1, x2) shaded by the neuron's output, a dashed line where z = 0, the "
        "example input marked with a star. Right: the output along x1 through the example."
    )

    LIMIT = 3.0
    BOUNDED = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # the squashing functions' ranges

    def __init__(self, w1=1.0, w2=0.5, b=-1.0, activation="sigmoid", example=(1.0, 2.0), points=None):
        lookup(activation, dict.fromkeys(NEURON_ACTIVATIONS), "neuron activation")
        self.example = as_array(example, "example", shape=(2,), dtype=float)
        self.points, self.labels = self._labelled_points(points)
        self.on_right_side = None
        # 61 values from -3 to 3 on a track wide enough to aim at each (about 4 px apart).
        slider = dict(
            min=-3.0,
            max=3.0,
            step=0.1,
            continuous_update=True,
            readout_format=".1f",
            style={"description_width": "28px"},
            layout=widgets.Layout(width="330px"),
        )
        controls = {
            "w1": widgets.FloatSlider(value=w1, description="w1", **slider),
            "w2": widgets.FloatSlider(value=w2, description="w2", **slider),
            "b": widgets.FloatSlider(value=b, description="b", **slider),
            "activation": widgets.Dropdown(
                options=NEURON_ACTIVATIONS,
                value=activation,
                description="f",
                style={"description_width": "28px"},
                layout=widgets.Layout(width="190px"),
            ),
        }
        self.canvas = Picture(WIDTH, HEIGHT)
        limits = (-self.LIMIT, self.LIMIT)
        # Margins for 20 px text: a title line above each box, tick labels and an axis label below it.
        self.plane_axes = PixelAxes(self.canvas, (70, 46, 298, 274), limits, limits)
        self.plane_axes.title_gap = 12  # clear of the colour bar's top tick label, beside it
        self.bar_box = (310, 46, 324, 274)
        self.line_axes = PixelAxes(self.canvas, (446, 46, 745, 274), limits, (0.0, 1.0))
        self.line_axes.title_gap = 12
        self.x1_grid, self.x2_grid = self.plane_axes.pixel_grid()  # (228, 228): one value per pixel
        self.curve_x = np.linspace(-self.LIMIT, self.LIMIT, 299)
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{WIDTH}px", height=f"{HEIGHT}px")

    def update(self) -> None:
        w = np.array([self.value("w1"), self.value("w2")])
        b = float(self.value("b"))
        f = get_activation(self.value("activation"))
        self.z = float(w @ self.example + b)
        self.a = float(f(np.array(self.z)))
        self.plane = f(w[0] * self.x1_grid + w[1] * self.x2_grid + b)
        self.curve_y = f(w[0] * self.curve_x + w[1] * self.example[1] + b)
        self.colour_range, self.colour_middle = self._colour_range(f.name, self.plane)
        self.zero_line = self._zero_line(w, b)
        if self.points is not None:
            self.on_right_side = int(np.sum((self.points @ w + b > 0) == (self.labels == 1)))
        self.image.value = self._draw(f.name)  # the picture first: it should never lag the numbers
        self.readout.value = self._readout(w, b, f.name)

    # ------------------------------------------------------------------ numbers behind the picture
    @staticmethod
    def _labelled_points(points):
        """(X (n, 2), y (n,)) from ``points``: None, "xor", or a pair (X, y) with labels 0 and 1."""
        if points is None:
            return None, None
        X, y = xor() if isinstance(points, str) and points == "xor" else points
        X = as_array(X, "the points' X", shape=(None, 2), dtype=float)
        y = as_array(y, "the points' labels y", shape=(len(X),))
        if not np.isin(y, (0, 1)).all():
            raise CourseError(f"the points' labels must be 0 or 1 (one neuron draws one line), got {np.unique(y)}")
        return X, y.astype(int)

    @classmethod
    def _colour_range(cls, name: str, values: np.ndarray) -> tuple[tuple[float, float], float]:
        """((low, high), middle): fixed for the squashing functions, so colours compare across settings;
        otherwise just the values shown, 0 in white, so no part of the colour bar goes unused."""
        if name in cls.BOUNDED:
            low, high = cls.BOUNDED[name]
            return (low, high), (low + high) / 2
        low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
        if high - low < 1e-9:
            high = low + 1e-9
        return (low, high), 0.0

    def colours(self, values: np.ndarray) -> np.ndarray:
        """The colour of each output value: blue below the middle, white at it, red above. (..., 3) uint8."""
        (low, high), middle = self.colour_range, self.colour_middle
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(
                values >= middle,
                (values - middle) / max(high - middle, 1e-12),
                -(middle - values) / max(middle - low, 1e-12),
            )
        return colourize(np.clip(t, -1.0, 1.0), -1.0, 1.0, diverging_lut(BLUE_, WHITE_, RED))

    def _zero_line(self, w: np.ndarray, b: float):
        """The ends of {w1 x1 + w2 x2 + b = 0} inside the square [-LIMIT, LIMIT]^2, or None."""
        L = self.LIMIT
        ends = []
        if abs(w[1]) > 1e-12:
            for x1 in (-L, L):
                x2 = -(w[0] * x1 + b) / w[1]
                if -L <= x2 <= L:
                    ends.append((x1, x2))
        if abs(w[0]) > 1e-12:
            for x2 in (-L, L):
                x1 = -(w[1] * x2 + b) / w[0]
                if -L <= x1 <= L:
                    ends.append((x1, x2))
        unique = []
        for point in ends:
            if all(np.hypot(point[0] - q[0], point[1] - q[1]) > 1e-9 for q in unique):
                unique.append(point)
        return tuple(unique[:2]) if len(unique) >= 2 else None

    def y_range(self, name: str) -> tuple[float, float]:
        """The right picture's y range: the function's range if bounded, else the curve's with 0, at least 1 tall."""
        if name in self.BOUNDED:
            return self.BOUNDED[name]
        low, high = min(float(self.curve_y.min()), 0.0), max(float(self.curve_y.max()), 0.0)
        if high - low < 1.0:
            if high > 0 or low == 0:
                high = low + 1.0
            else:
                low = high - 1.0
        return low, high

    # ------------------------------------------------------------------ drawing
    def _draw(self, name: str) -> bytes:
        c = self.canvas
        c.clear()
        plane = self.plane_axes
        plane.image(self.colours(self.plane))
        if self.zero_line is not None:
            plane.segment(*self.zero_line, INK, width=2, dashed=True)
        plane.frame(title=f"a = {name}(z) over the input plane", xlabel="x1", ylabel="x2", grid=False)
        if self.zero_line is not None:  # the key to the dashed line, only when there is one
            c.text((plane.left + 4, plane.bottom - 4), "dashed: z = 0", INK, anchor="lb", background=(255, 255, 255))
        if self.points is not None:
            for (x1, x2), label in zip(self.points, self.labels):
                plane.marker(x1, x2, (255, 255, 255) if label == 0 else INK, shape="square", radius=7)
        plane.marker(*self.example, GOLD, shape="star", radius=9)
        self._colour_bar(name)

        low, high = self.y_range(name)
        pad = 0.05 * (high - low)
        line = self.line_axes
        line.ylim = (low - pad, high + pad)
        line.frame(title=f"along x1, with x2 = {self.example[1]:g}", xlabel="x1", ylabel="a")
        line.hline(0.0)
        line.plot(self.curve_x, self.curve_y, PURPLE, width=3)
        line.marker(self.example[0], self.a, GOLD, shape="star", radius=9)
        return c.png()

    def _colour_bar(self, name: str) -> None:
        low, high = self.colour_range
        ticks = [(tick, f"{tick:.3g}") for tick in _nice_ticks(low, high, count=4)]
        colour_bar(self.canvas, self.bar_box, low, high, self.colours, ticks)

    def _readout(self, w: np.ndarray, b: float, name: str) -> str:
        x1, x2 = self.example
        return (
            f"<div style='font-family: monospace'>example input x = ({x1:g}, {x2:g})<br>"
            f"z = w1·x1 + w2·x2 + b = ({w[0]:g})({x1:g}) + ({w[1]:g})({x2:g}) + ({b:g})"
            f" = <b><span data-name='z'>{self.z:.4f}</span></b><br>"
            f"a = {name}(z) = <b><span data-name='a'>{self.a:.4f}</span></b>"
            + (
                ""
                if self.points is None
                else f"<br>points on the right side of z = 0 (black squares: label 1, white: label 0): "
                f"<b><span data-name='right-side'>{self.on_right_side}</span> of {len(self.points)}</b>"
            )
            + "</div>"
        )


def neuron_explorer(
    w1: float = 1.0, w2: float = 0.5, b: float = -1.0, activation: str = "sigmoid", example=(1.0, 2.0), points=None
) -> NeuronExplorer:
    """A widget for one neuron a = f(w1 x1 + w2 x2 + b); drive it through ``.controls``.

    Controls: ``"w1"``, ``"w2"``, ``"b"`` (sliders from -3 to 3) and ``"activation"``
    (any of ``NEURON_ACTIVATIONS``). ``example``: the input (x1, x2) spelled out in the readout.
    ``points``: labelled points to mark and count, ``"xor"`` or a pair (X (n, 2), y (n,) of 0/1).
    """
    return NeuronExplorer(w1=w1, w2=w2, b=b, activation=activation, example=example, points=points)
