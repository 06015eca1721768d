"""Lesson 07's widget: how large each layer's gradient is, for a chosen activation, depth and initial scale.

A deep network ``2 -> width -> ... -> width -> 1`` (``depth`` hidden layers, a
sigmoid output and binary cross-entropy) starts from normal weights of standard
deviation ``weight_scale`` and zero biases. One backward pass on a fixed batch of
the circles data gives ``dL/dW[l]`` for every layer; the picture shows the size
(Frobenius norm) of each on a log scale, input layer on the left.

Going back one layer multiplies the error term by the layer's weights and by the
slope ``f'(z)`` of its activation, so each layer's factor is roughly
``weight_scale * sqrt(width) * typical f'(z)``: below 1 the gradients shrink
geometrically towards the input (vanish), above 1 they grow (explode).

The picture is drawn from numbers with Pillow (``plot_axes`` on ``raster``) at the size it is shown.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import MLP, data
from course_lib.validation import CourseError, real_number

from .base import LessonWidget
from .plot_axes import INK, Picture, PixelAxes
from .single_thread import one_blas_thread

__all__ = ["FLOW_ACTIVATIONS", "deep_network", "layer_gradient_norms", "GradientFlowExplorer", "gradient_flow_explorer"]

FLOW_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
DEPTHS = (1, 30)
SCALES = (0.01, 1.0)
FLOOR = 1e-16  # norms below this are drawn at the floor (and said so): a log axis cannot go on forever
CEILING = 1e8
# The picture, drawn from numbers with Pillow at the size it is shown (and twice that in pixels).
WIDTH, HEIGHT = 720, 297
BAR, TINY_BAR = (31, 119, 180), (214, 39, 40)  # a layer's bar; red below a millionth of the output layer's
DECADES = (-16, -12, -8, -4, 0, 4, 8)  # the log axis's ticks, 1e-16 to 1e8


def deep_network(activation: str, depth: int, weight_scale: float, width: int = 32, seed: int = 0) -> MLP:
    """The widget's network: sizes [2] + [width] * depth + [1], init="normal" with std ``weight_scale``."""
    return MLP(
        [2] + [width] * depth + [1],
        activation,
        "sigmoid",
        "binary_cross_entropy",
        init="normal",
        weight_scale=weight_scale,
        seed=seed,
    )


def layer_gradient_norms(net: MLP, X, Y) -> np.ndarray:
    """The Frobenius norm of dL/dW[l] for every weight layer l; shape (net.n_layers,).

    X: (n_samples, sizes[0]); Y: targets as ``MLP.backward`` takes them. Entry 0 is
    the layer next to the input, the last entry the output layer.
    """
    grads = net.backward(X, Y)
    return np.array([np.sqrt(np.sum(g.astype(np.float64) ** 2)) for g in grads.weights])


def _whole(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise CourseError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


class GradientFlowExplorer(LessonWidget):
    """Per-layer gradient norms of a deep network at initialisation.

    Controls: ``activation`` (one of ``FLOW_ACTIVATIONS``), ``depth`` (hidden layers,
    1-30) and ``weight_scale`` (std of the initial weights, log slider 0.01-1).
    After each update ``norms`` holds ||dL/dW[l]|| for l = 0 .. depth, (depth + 1,).
    """

    PICTURE = (
        "A bar per weight layer of a deep network at initialisation, from the layer next to the "
        "input on the left to the output layer as the last bar: the size of that layer's weight "
        "gradient on a log scale; bars below a millionth of the output layer's are red."
    )

    def __init__(
        self,
        activation: str = "sigmoid",
        depth: int = 10,
        weight_scale: float = 0.2,
        width: int = 32,
        n_samples: int = 100,
    ):
        if activation not in FLOW_ACTIVATIONS:
            raise CourseError(f"activation must be one of {', '.join(FLOW_ACTIVATIONS)}; got {activation!r}")
        depth = _whole(depth, "depth", *DEPTHS)
        weight_scale = real_number(weight_scale, "weight_scale", positive=True)
        if not SCALES[0] <= weight_scale <= SCALES[1]:
            raise CourseError(f"weight_scale must lie in [{SCALES[0]}, {SCALES[1]}], got {weight_scale:g}")
        self.width = _whole(width, "width", 1, 256)
        self.X, self.y = data.circles(_whole(n_samples, "n_samples", 2, 1000), seed=0)
        self.norms = np.zeros(depth + 1)
        controls = {
            "activation": widgets.ToggleButtons(
                options=FLOW_ACTIVATIONS, value=activation, description="activation", style={"button_width": "auto"}
            ),
            "depth": widgets.IntSlider(
                value=depth,
                min=DEPTHS[0],
                max=DEPTHS[1],
                description="hidden layers",
                continuous_update=True,
                style={"description_width": "initial"},
            ),
            "weight_scale": widgets.FloatLogSlider(
                value=weight_scale,
                base=10,
                min=-2.0,
                max=0.0,
                step=0.01,
                description="initial scale (std)",
                readout_format=".3f",
                continuous_update=True,
                style={"description_width": "initial"},
            ),
        }
        self.canvas = Picture(WIDTH, HEIGHT)
        # Data units: x the layer number, y log10 of the norm; the ticks' labels leave room for the y label.
        self.axes = PixelAxes(
            self.canvas,
            (150, 36, WIDTH - 12, HEIGHT - 58),
            (0.3, DEPTHS[1] + 1.7),
            (np.log10(FLOOR * 0.5), np.log10(CEILING) + 0.3),
        )
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{WIDTH}px", height=f"{HEIGHT}px")

    def update(self) -> None:
        activation, depth = self.value("activation"), int(self.value("depth"))
        scale = float(self.value("weight_scale"))
        net = deep_network(activation, depth, scale, self.width)
        with np.errstate(all="ignore"), one_blas_thread():  # exploding settings overflow: drawn at the ceiling
            self.norms = layer_gradient_norms(net, self.X, self.y)
        self.title = f"{activation}, {depth} hidden layers of {self.width}, initial std {scale:.3f}"
        self.image.value = self._draw()
        self._write_readout(activation, scale)

    def _draw(self) -> bytes:
        """A bar per weight layer on a log axis from 1e-16 to 1e8, the same axes for every setting."""
        c, ax = self.canvas, self.axes
        c.clear()
        ax.frame(
            xlabel="weight layer (1: next to the input; last: output layer)",
            xticks=[1, 5, 10, 15, 20, 25, 31],
            yticks=[],
        )
        ax.log_ticks(DECADES, ylabel="|dL/dW|", grid=True)
        c.text(((ax.left + ax.right) / 2, 4), self.title, INK, anchor="ma")
        self._drawn = np.clip(np.nan_to_num(self.norms, nan=CEILING, posinf=CEILING), FLOOR, CEILING)
        tiny = self.norms < 1e-6 * self.norms[-1]
        for l, norm in enumerate(self._drawn):
            (left, top), (right, bottom) = (
                ax.px(l + 1 + side * 0.4, y) for side, y in ((-1, np.log10(norm)), (1, ax.ylim[0]))
            )
            c.rectangle((left, top, right, bottom), fill=TINY_BAR if tiny[l] else BAR)
        c.rectangle((ax.left, ax.top, ax.right, ax.bottom), outline=INK)
        return c.png()

    def drawn_norms(self) -> np.ndarray:
        """The bar heights as drawn, (depth + 1,): the norms clipped to [FLOOR, CEILING]."""
        return self._drawn.copy()

    def _write_readout(self, activation: str, scale: float) -> None:
        first, last = float(self.norms[0]), float(self.norms[-1])
        gain = scale * np.sqrt(self.width)
        largest = float(np.max(self.norms))
        if not np.all(np.isfinite(self.norms)):
            verdict = "<b>the gradients overflow</b>: the initial weights are far too large"
        elif last == 0.0 or first == 0.0:
            verdict = "<b>some layer's gradient is exactly 0</b>"
        else:
            ratio = first / last
            trend = "vanishing" if ratio < 1e-3 else "growing towards the input" if ratio > 1e3 else "no vanishing"
            verdict = f"the first layer's gradient is <b>{ratio:.2g}</b> times the output layer's ({trend})"
            if largest < 1e-6:
                verdict += (
                    f"; but <b>every</b> layer's gradient is tiny (largest {largest:.2g}): the signal "
                    f"dies on the way forward, the initial scale is too small"
                )
            elif largest > 1e3:
                verdict += (
                    f"; but the gradients are <b>huge</b> (largest {largest:.2g}): the initial scale is too large"
                )
        below = int(np.sum(self.norms < FLOOR))
        note = f" {below} layer(s) lie below {FLOOR:g} and are drawn at the bottom." if below else ""
        self.readout.value = (
            f"{verdict}.<br>Weight scale × √width = {scale:.3f} × √{self.width} = {gain:.3g}: each layer back "
            f"multiplies the error by about this times the activation's typical slope.{note} "
            f"Red bars: below a millionth of the output layer's gradient."
        )


def gradient_flow_explorer(
    activation: str = "sigmoid", depth: int = 10, weight_scale: float = 0.2, width: int = 32
) -> GradientFlowExplorer:
    """A widget: pick the activation, the depth and the initial weight scale; see every layer's gradient norm.

    The network is ``deep_network(activation, depth, weight_scale, width)`` on 100
    points of the circles data; the bars are ``layer_gradient_norms`` on a log scale.
    """
    return GradientFlowExplorer(activation, depth, weight_scale, width)
