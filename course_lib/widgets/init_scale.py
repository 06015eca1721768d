"""Lesson 08's widget: the initial weight scale, and how each hidden layer's outputs spread.

A deep network ``2 -> 64 -> ... -> 64 -> 1`` (``DEPTH`` hidden layers) starts
from the chosen initialisation; one forward pass over the circles data gives
every hidden layer's outputs. The left picture is one histogram per layer,
turned on its side (a column per layer, dark where many outputs lie); the right
one each layer's standard deviation on a log scale.

Each layer multiplies the spread of the signal by about ``sigma * sqrt(n)``
(times what the activation does), so a small scale collapses the columns to a
line at 0 (vanishing) and a large one pushes tanh and sigmoid outputs to the
ends of their range (saturation).

The picture is drawn from numbers with Pillow (``plot_axes`` on ``raster``) at the size it is shown.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import MLP, data
from course_lib.validation import CourseError, real_number

from .base import LessonWidget
from .plot_axes import INK, Picture, PixelAxes
from .raster import colourize, ramp_lut
from .single_thread import one_blas_thread

__all__ = [
    "SCALE_ACTIVATIONS",
    "INITS",
    "DEPTH",
    "WIDTH",
    "value_range",
    "hidden_outputs",
    "layer_histograms",
    "saturated_fraction",
    "InitScaleExplorer",
    "init_scale_explorer",
]

SCALE_ACTIVATIONS = ("tanh", "sigmoid", "relu")
INITS = ("normal", "xavier", "he")
DEPTH, WIDTH, BINS = 10, 64, 40
SCALES = (0.01, 2.0)
STD_FLOOR = 1e-14  # standard deviations below this are drawn at the floor
# The picture, in the pixels it is shown at (drawn at twice that): a heat map cell is 36 x 5 px.
PICTURE_SIZE = (850, 297)
HIST_BOX = (190, 40, 190 + 36 * DEPTH, 40 + 5 * BINS)  # left, top, right, bottom
STD_BOX = (630, 40, 840, 40 + 5 * BINS)
SHADES = ramp_lut((247, 251, 255), (8, 48, 107))  # white to dark blue, as matplotlib's "Blues"
LINE = (31, 119, 180)


def value_range(activation: str) -> tuple[float, float]:
    """The range of outputs the histograms cover: the activation's own range (ReLU: 0 to 2, the rest clipped)."""
    return {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 2.0)}[activation]


def hidden_outputs(activation: str, init: str, weight_scale: float, X) -> list:
    """Every hidden layer's outputs at initialisation: DEPTH arrays of shape (n_samples, WIDTH)."""
    net = MLP(
        [X.shape[1]] + [WIDTH] * DEPTH + [1],
        activation,
        "sigmoid",
        "binary_cross_entropy",
        init=init,
        weight_scale=weight_scale,
        seed=0,
    )
    with np.errstate(over="ignore"):  # a huge ReLU scale may overflow: shown clipped at the top of the range
        return net.trace(X).activations[1:-1]


def layer_histograms(outputs: list, activation: str) -> np.ndarray:
    """Fraction of each layer's outputs in each of BINS equal bins of ``value_range``: (BINS, len(outputs)).

    Outputs outside the range are counted in the end bins; each column sums to 1.
    """
    low, high = value_range(activation)
    edges = np.linspace(low, high, BINS + 1)
    columns = []
    for a in outputs:
        counts, _ = np.histogram(np.clip(np.nan_to_num(a, posinf=high, neginf=low), low, high), bins=edges)
        columns.append(counts / a.size)
    return np.array(columns).T


def saturated_fraction(a: np.ndarray, activation: str) -> float:
    """Fraction of outputs where the activation is flat: within 0.01 of tanh's or sigmoid's ends; ReLU's exact 0."""
    if activation == "tanh":
        return float(np.mean(np.abs(a) > 0.99))
    if activation == "sigmoid":
        return float(np.mean((a < 0.01) | (a > 0.99)))
    return float(np.mean(a <= 0))


class InitScaleExplorer(LessonWidget):
    """Per-layer output histograms and standard deviations of a deep network at initialisation.

    Controls: ``activation`` (tanh, sigmoid, relu), ``init`` (normal, xavier, he) and
    ``weight_scale`` (the standard deviation for ``init="normal"``; log slider 0.01-2,
    disabled for xavier and he, which choose it from the layer sizes). After each
    update ``histograms`` is (BINS, DEPTH) and ``stds`` is (DEPTH,).
    """

    PICTURE = (
        "Left: a column per hidden layer of a deep network at initialisation, shaded by how many of "
        "its outputs take each value (a histogram drawn as shades). Right: each layer's standard "
        "deviation of the outputs on a log scale: watch whether the spread shrinks, holds or piles up "
        "at the activation's limits."
    )

    def __init__(
        self, activation: str = "tanh", init: str = "normal", weight_scale: float = 0.05, n_samples: int = 200
    ):
        if activation not in SCALE_ACTIVATIONS:
            raise CourseError(f"activation must be one of {', '.join(SCALE_ACTIVATIONS)}; got {activation!r}")
        if init not in INITS:
            raise CourseError(f"init must be one of {', '.join(INITS)}; got {init!r}")
        weight_scale = real_number(weight_scale, "weight_scale", positive=True)
        if not SCALES[0] <= weight_scale <= SCALES[1]:
            raise CourseError(f"weight_scale must lie in [{SCALES[0]}, {SCALES[1]}], got {weight_scale:g}")
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or not 2 <= n_samples <= 2000:
            raise CourseError(f"n_samples must be a whole number from 2 to 2000, got {n_samples!r}")
        self.X, _ = data.circles(int(n_samples), seed=0)
        self.histograms, self.stds = np.zeros((BINS, DEPTH)), np.zeros(DEPTH)
        controls = {
            "activation": widgets.ToggleButtons(
                options=SCALE_ACTIVATIONS, value=activation, description="activation", style={"button_width": "auto"}
            ),
            "init": widgets.ToggleButtons(
                options=INITS, value=init, description="init", style={"button_width": "auto"}
            ),
            "weight_scale": widgets.FloatLogSlider(
                value=weight_scale,
                base=10,
                min=np.log10(SCALES[0]),
                max=np.log10(SCALES[1]),
                step=0.01,
                readout_format=".3f",
                description="std (normal)",
                continuous_update=True,
                style={"description_width": "initial"},
            ),
        }
        width, height = PICTURE_SIZE
        self.canvas = Picture(width, height)
        self.hist_axes = PixelAxes(self.canvas, HIST_BOX, (0.5, DEPTH + 0.5), value_range(activation))
        # Data units: y is log10 of the standard deviation.
        self.std_axes = PixelAxes(self.canvas, STD_BOX, (0.5, DEPTH + 0.5), (np.log10(STD_FLOOR / 2), 1.0))
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{width}px", height=f"{height}px")

    def update(self) -> None:
        activation, init = self.value("activation"), self.value("init")
        scale = float(self.value("weight_scale"))
        self.controls["weight_scale"].disabled = init != "normal"
        with one_blas_thread():
            outputs = hidden_outputs(activation, init, scale, self.X)
            self.histograms = layer_histograms(outputs, activation)
            self.stds = np.array([float(np.std(a)) for a in outputs])
            self.saturated = saturated_fraction(outputs[-1], activation)
        self._draw(activation, init, scale)
        self._write_readout(activation, init, scale)

    def layer_scale(self, init: str, scale: float) -> float:
        """The standard deviation of a 64 -> 64 layer's weights under ``init``."""
        return {"normal": scale, "xavier": np.sqrt(2.0 / (2 * WIDTH)), "he": np.sqrt(2.0 / WIDTH)}[init]

    def _draw(self, activation: str, init: str, scale: float) -> None:
        """Left: the histograms as shades, a column per layer; right: each layer's std on a log axis."""
        c, hist, std = self.canvas, self.hist_axes, self.std_axes
        c.clear()
        hist.ylim = value_range(activation)
        shades = colourize(self.histograms[::-1], 0.0, 0.25, SHADES)  # the first row is the top bin
        hist.image(np.repeat(np.repeat(shades, 5, axis=0), 36, axis=1))
        sigma = self.layer_scale(init, scale)
        self.title = f"{activation}, {init}: weight std {sigma:.3f}, σ√64 = {sigma * 8:.2f}"
        hist.frame(
            title=self.title, xlabel="hidden layer", ylabel="output value", grid=False, xticks=range(1, DEPTH + 1)
        )
        std.frame(title="std of the outputs", xlabel="hidden layer", xticks=[1, 4, 7, 10], yticks=[])
        std.log_ticks((-12, -8, -4, 0), grid=True)
        layers = np.arange(1, DEPTH + 1)
        self._drawn_stds = np.clip(np.nan_to_num(self.stds, nan=STD_FLOOR), STD_FLOOR, None)
        std.plot(layers, np.log10(self._drawn_stds), LINE)
        for layer, value in zip(layers, np.log10(self._drawn_stds)):
            std.marker(layer, value, LINE, radius=4, outline=LINE)
        c.rectangle(STD_BOX, outline=INK)  # the frame over the grid lines
        self.image.value = c.png()

    def drawn_histograms(self) -> np.ndarray:
        """The shaded cells as drawn, (BINS, DEPTH), first row the lowest bin: the histograms themselves."""
        return self.histograms.copy()

    def drawn_stds(self) -> np.ndarray:
        """The points of the std line as drawn, (DEPTH,): the stds, those below STD_FLOOR at the floor."""
        return self._drawn_stds.copy()

    def _write_readout(self, activation: str, init: str, scale: float) -> None:
        first, last = self.stds[0], self.stds[-1]
        flat = {"tanh": "at ±1 (|a| > 0.99)", "sigmoid": "at 0 or 1 (within 0.01)", "relu": "exactly 0"}[activation]
        if last < 0.1 * first:
            verdict = f"<b>vanishing</b>: the signal shrinks layer after layer (to {last / first:.2g} of layer 1's)"
        elif activation != "relu" and self.saturated > 0.3:
            verdict = "<b>saturated</b>: many outputs sit where the slope is almost 0"
        elif last > 10 * first:
            verdict = f"<b>exploding</b>: the signal grows layer after layer (to {last / first:.2g} times layer 1's)"
        else:
            verdict = "the spread survives the depth"
        note = " (the slider is off: xavier and he pick the scale from the layer sizes)" if init != "normal" else ""
        self.readout.value = (
            f"{verdict}.<br>Output std: layer 1 {first:.2g}, layer {DEPTH} {last:.2g}. "
            f"In layer {DEPTH}, {self.saturated:.0%} of the outputs are {flat}.{note}"
        )


def init_scale_explorer(
    activation: str = "tanh", init: str = "normal", weight_scale: float = 0.05
) -> InitScaleExplorer:
    """A widget: choose the activation, the initialisation and its scale; see every hidden layer's output spread.

    The network has ``DEPTH`` hidden layers of ``WIDTH`` units and reads 200 points of the circles data.
    """
    return InitScaleExplorer(activation, init, weight_scale)
