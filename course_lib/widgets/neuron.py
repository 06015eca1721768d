"""Lesson 01's widget: one neuron with two inputs, a = f(w1 x1 + w2 x2 + b).

Drag the weights and the bias, pick an activation, and watch the neuron's
output over the input plane (left) and along the input x1 (right), with the
numbers for one fixed example input in the readout.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..activations import ACTIVATION_NAMES, get_activation
from ..validation import as_array, lookup
from .base import LessonWidget

# Softmax needs several outputs to share a total; a single neuron has one.
NEURON_ACTIVATIONS = tuple(name for name in ACTIVATION_NAMES if name != "softmax")


class NeuronExplorer(LessonWidget):
    """Sliders ``w1``, ``w2``, ``b`` and a dropdown ``activation`` for one 2-input neuron.

    ``example`` (shape (2,)) is the input whose z and a the readout spells out;
    the heat map covers [-LIMIT, LIMIT]^2 with RESOLUTION points per axis.
    After each update ``z`` and ``a`` hold the example's numbers.
    """

    LIMIT = 3.0
    RESOLUTION = 121
    BOUNDED = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # the squashing functions' ranges

    def __init__(self, w1=1.0, w2=0.5, b=-1.0, activation="sigmoid", example=(1.0, 2.0)):
        lookup(activation, dict.fromkeys(NEURON_ACTIVATIONS), "neuron activation")
        self.example = as_array(example, "example", shape=(2,), dtype=float)
        slider = dict(min=-3.0, max=3.0, step=0.1, continuous_update=False, readout_format=".1f",
                      layout=widgets.Layout(width="240px"))
        controls = {
            "w1": widgets.FloatSlider(value=w1, description="w1", **slider),
            "w2": widgets.FloatSlider(value=w2, description="w2", **slider),
            "b": widgets.FloatSlider(value=b, description="b", **slider),
            "activation": widgets.Dropdown(options=NEURON_ACTIVATIONS, value=activation, description="f",
                                           layout=widgets.Layout(width="200px")),
        }
        grid = np.linspace(-self.LIMIT, self.LIMIT, self.RESOLUTION)
        self.x1_grid, self.x2_grid = np.meshgrid(grid, grid)  # (RESOLUTION, RESOLUTION), x2 along rows
        super().__init__(controls, figsize=(8.0, 3.4))

    def _build(self) -> None:
        """Make the axes and artists once; ``update`` only changes their data (much faster)."""
        fig = self.figure
        # Fixed positions (figure fractions) leave room for the widest tick labels, so no layout
        # engine has to re-measure every text on each move: that was most of an update's time.
        fig.set_layout_engine("none")
        self.plane_ax = fig.add_axes((0.07, 0.14, 0.32, 0.76))
        colour_ax = fig.add_axes((0.40, 0.14, 0.017, 0.76))
        self.line_ax = fig.add_axes((0.62, 0.14, 0.36, 0.76))
        star = dict(marker="*", markersize=13, color="gold", markeredgecolor="black", linestyle="none")
        self._image = self.plane_ax.imshow(np.zeros_like(self.x1_grid), origin="lower", cmap="RdBu_r",
                                           extent=(-self.LIMIT, self.LIMIT) * 2, interpolation="bilinear",
                                           gid="output-plane")
        self._colourbar = fig.colorbar(self._image, cax=colour_ax)
        self._zero_line = None
        self.plane_ax.plot(*self.example, **star, gid="example-plane")
        self.plane_ax.set(xlabel="$x_1$", ylabel="$x_2$")
        self.plane_ax.set_title("output over the input plane\n(dashed line: z = 0)", fontsize=9)

        x1 = self.x1_grid[0]
        (self._curve,) = self.line_ax.plot(x1, np.zeros_like(x1), color="tab:purple", lw=2, gid="output-along-x1")
        (self._star,) = self.line_ax.plot([self.example[0]], [0.0], **star, gid="example-line")
        self.line_ax.axhline(0, color="0.7", lw=0.8)
        self.line_ax.set(xlabel="$x_1$", ylabel="a", xlim=(-self.LIMIT, self.LIMIT))
        self.line_ax.set_title(f"along $x_1$, with $x_2$ = {self.example[1]:g}", fontsize=9)
        self.line_ax.grid(alpha=0.3)

    def update(self) -> None:
        w = np.array([self.value("w1"), self.value("w2")])
        b = self.value("b")
        f = get_activation(self.value("activation"))
        self.z = float(w @ self.example + b)
        self.a = float(f(np.array(self.z)))
        if not hasattr(self, "_image"):
            self._build()

        z_grid = w[0] * self.x1_grid + w[1] * self.x2_grid + b
        a_grid = f(z_grid)
        self._image.set_data(a_grid)
        self._image.set_clim(*self._colour_range(f.name, a_grid))
        self._colourbar.locator = MaxNLocator(nbins=4)  # set_clim resets it to the crowded default
        self._colourbar.set_label(f"a = {f.name}(z)")
        if self._zero_line is not None:
            self._zero_line.remove()
            self._zero_line = None
        if z_grid.min() < 0 < z_grid.max():
            self._zero_line = self.plane_ax.contour(self.x1_grid, self.x2_grid, z_grid, levels=[0.0],
                                                    colors="black", linestyles="dashed", linewidths=1)

        x1 = self.x1_grid[0]
        self._curve.set_ydata(f(w[0] * x1 + w[1] * self.example[1] + b))
        self._star.set_ydata([self.a])
        low, high = self.BOUNDED.get(f.name) or self._value_range(self._curve.get_ydata())
        self.line_ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
        self.readout.value = self._readout(w, b, f.name)
        self.render()

    @staticmethod
    def _value_range(values: np.ndarray) -> tuple[float, float]:
        """A y range holding 0 and the values, at least 1 tall, so tiny slopes do not look steep."""
        low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
        if high - low < 1.0:
            if high > 0 or low == 0:
                high = low + 1.0
            else:
                low = high - 1.0
        return low, high

    @staticmethod
    def _colour_range(name: str, a_grid: np.ndarray) -> tuple[float, float]:
        """Fixed ranges for the squashing functions, so colours compare across settings."""
        if name in NeuronExplorer.BOUNDED:
            return NeuronExplorer.BOUNDED[name]
        reach = max(float(np.abs(a_grid).max()), 1e-9)
        return -reach, reach

    def _readout(self, w: np.ndarray, b: float, name: str) -> str:
        x1, x2 = self.example
        return (
            f"<div style='font-family: monospace'>example input x = ({x1:g}, {x2:g})<br>"
            f"z = w1·x1 + w2·x2 + b = ({w[0]:g})({x1:g}) + ({w[1]:g})({x2:g}) + ({b:g})"
            f" = <b><span data-name='z'>{self.z:.4f}</span></b><br>"
            f"a = {name}(z) = <b><span data-name='a'>{self.a:.4f}</span></b></div>"
        )


def neuron_explorer(w1: float = 1.0, w2: float = 0.5, b: float = -1.0, activation: str = "sigmoid",
                    example=(1.0, 2.0)) -> NeuronExplorer:
    """A widget for one neuron a = f(w1 x1 + w2 x2 + b); drive it through ``.controls``.

    Controls: ``"w1"``, ``"w2"``, ``"b"`` (sliders from -3 to 3) and ``"activation"``
    (any of ``NEURON_ACTIVATIONS``). ``example``: the input (x1, x2) spelled out in the readout.
    """
    return NeuronExplorer(w1=w1, w2=w2, b=b, activation=activation, example=example)
