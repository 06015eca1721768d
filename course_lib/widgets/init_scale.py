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
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from course_lib import MLP, data
from course_lib.validation import CourseError, real_number

from ..drawing.described import plain_log_labels
from .base import CSS_DPI, TEXT_PT, LessonWidget
from .blit import BlitPicture
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
        super().__init__(controls, figsize=(9.0, 3.3), dpi=2 * CSS_DPI)  # drawn at twice the size shown

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
        self.render()

    def layer_scale(self, init: str, scale: float) -> float:
        """The standard deviation of a 64 -> 64 layer's weights under ``init``."""
        return {"normal": scale, "xavier": np.sqrt(2.0 / (2 * WIDTH)), "he": np.sqrt(2.0 / WIDTH)}[init]

    def _setup_axes(self) -> None:
        """Build both panels once; updates only replace the image data, the line and the labels."""
        fig = self.figure
        fig.set_layout_engine("none")  # a fixed layout: recomputing the constrained one costs a third of a render
        self._hist_ax = fig.add_axes((0.1, 0.2, 0.5, 0.68))
        self._std_ax = fig.add_axes((0.72, 0.2, 0.265, 0.68))
        self._image = self._hist_ax.imshow(
            np.zeros((BINS, DEPTH)),
            origin="lower",
            aspect="auto",
            cmap="Blues",
            vmin=0.0,
            vmax=0.25,
            interpolation="nearest",
            extent=(0.5, DEPTH + 0.5, 0.0, 1.0),
        )
        self._hist_ax.set_xticks(range(1, DEPTH + 1))
        self._hist_ax.yaxis.set_major_locator(MaxNLocator(5))
        self._hist_ax.set_xlabel("hidden layer", fontsize=TEXT_PT)
        self._hist_ax.set_ylabel("output value", fontsize=TEXT_PT)
        (self._std_line,) = self._std_ax.semilogy(range(1, DEPTH + 1), np.ones(DEPTH), "o-", gid="stds")
        self._std_ax.set_ylim(STD_FLOOR / 2, 10.0)
        # Few fixed ticks: laying out tick labels is most of a render's cost.
        self._std_ax.yaxis.set_major_locator(FixedLocator([1e-12, 1e-8, 1e-4, 1.0]))
        self._std_ax.yaxis.set_minor_locator(NullLocator())
        self._std_ax.set_xticks([1, 4, 7, 10])
        self._std_ax.set_xlabel("hidden layer", fontsize=TEXT_PT)
        self._std_ax.set_title("std of the outputs", fontsize=TEXT_PT)
        self._std_ax.grid(alpha=0.3)
        for ax in (self._hist_ax, self._std_ax):
            ax.tick_params(labelsize=TEXT_PT)
        self._title = self._hist_ax.set_title(" ", fontsize=TEXT_PT)
        plain_log_labels(fig)  # 1e-8, not 10 to a superscript drawn at 70%
        width, height = fig.canvas.get_width_height()  # shown at half its drawn size: sharp on any screen
        self.image.layout = widgets.Layout(width=f"{width // 2}px", height=f"{height // 2}px")
        # The image is drawn over the background, so the frame around it is drawn again on top.
        self._picture = BlitPicture(fig, [self._image, *self._hist_ax.spines.values(), self._std_line, self._title])
        self._shown_range = None

    def _draw(self, activation: str, init: str, scale: float) -> None:
        if not hasattr(self, "_image"):
            self._setup_axes()
        low, high = value_range(activation)
        self._image.set_data(self.histograms)
        self._image.set_extent((0.5, DEPTH + 0.5, low, high))
        if self._shown_range != (low, high):  # new axis limits and ticks: the background is drawn again
            self._hist_ax.set_ylim(low, high)
            self._picture.invalidate()
            self._shown_range = (low, high)
        self._std_line.set_ydata(np.clip(self.stds, STD_FLOOR, None))
        sigma = self.layer_scale(init, scale)
        self._title.set_text(f"{activation}, {init}: weight std {sigma:.3f}, σ√64 = {sigma * 8:.2f}")

    def render(self) -> None:
        """Only the histograms, the line and the title are redrawn (BlitPicture) until the value range changes."""
        self.image.value = self._picture.png()

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
