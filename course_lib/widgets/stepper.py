"""Lesson 05's stepper: walk one training step through a small network, node by node.

The step slider is the single source of truth: Previous, Next and Reset only move
it, so every way of stepping (buttons, dragging, arrow keys on the focused slider)
goes through the same ``update``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from ..lessons.mazur_example import example_network
from .stepper_events import state_after, training_events
from ..validation import CourseError
from .base import LessonWidget
from .network_diagram import MAX_NODES, NODE_R, centre_links, draw_links, draw_node, node_centres
from .plot_axes import INK, TEXT_PX, Picture
from .raster import WHITE

PHASE_WORDS = {"forward": "forward pass", "backward": "backward pass", "update": "weight updates"}
# The picture, drawn from numbers with Pillow at the size it is shown (WIDTH px wide).
WIDTH, TOP, BOTTOM, LEFT, RIGHT = 720, 52, 40, 70, 130
HIGHLIGHT_RGB = (230, 120, 0)  # the node, weight or bias the current step is about
SIGNAL_RGB = (148, 103, 189)  # signals, and the arrows gathering them
NODE_FILL = (250, 250, 250)


def arrow(canvas, start, end, colour, shrink: float = 0.0, width: int = 3, head: float = 12.0) -> None:
    """A straight arrow from ``start`` to ``end`` (pixels), both ends pulled in by ``shrink``."""
    (x0, y0), (x1, y1) = start, end
    length = float(np.hypot(x1 - x0, y1 - y0))
    if length <= 2 * shrink:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    a = (x0 + ux * shrink, y0 + uy * shrink)
    b = (x1 - ux * shrink, y1 - uy * shrink)
    base = (b[0] - ux * head, b[1] - uy * head)
    canvas.line([a, base], colour, width=width)
    canvas.polygon(
        [b, (base[0] - uy * head / 2, base[1] + ux * head / 2), (base[0] + uy * head / 2, base[1] - ux * head / 2)],
        fill=colour,
    )


class BackpropStepper(LessonWidget):
    """Previous / Next / Reset buttons and a ``step`` slider over ``training_events``.

    Step 0 is the network before the training step; step k shows the first k
    events. ``events`` holds the list; ``net``, ``x`` (p,) and ``target`` (k,) what
    it was made from.
    """

    PICTURE = (
        "The network as a diagram: input, hidden and output nodes joined by links drawn thicker for "
        "larger weights, the numbers computed so far written beside the nodes, the targets beside the "
        "outputs; each step of the training step adds the next number."
    )

    def __init__(self, net, x, target, learning_rate: float):
        self.events = training_events(net, x, target, learning_rate)  # checks every argument
        if max(net.sizes) > MAX_NODES:
            raise CourseError(
                f"the stepper prints a number at every node, so it takes at most {MAX_NODES} nodes "
                f"per layer; this network has layer sizes {net.sizes}"
            )
        self.net = net
        self.x, self.target = (np.asarray(v, dtype=np.float64).reshape(-1) for v in (x, target))
        self.names = [[f"{letter}{i + 1}" for i in range(n)] for letter, n in zip("xhy", net.sizes)]
        slider = widgets.IntSlider(
            value=0,
            min=0,
            max=len(self.events),
            description="step",
            continuous_update=True,
            layout=widgets.Layout(width="340px"),
        )
        buttons = {
            name: widgets.Button(description=text, icon=icon, layout=widgets.Layout(width="auto"))
            for name, text, icon in (
                ("previous", "Previous", "arrow-left"),
                ("next", "Next", "arrow-right"),
                ("reset", "Reset", "refresh"),
            )
        }
        buttons["previous"].on_click(lambda _: self._move(-1))
        buttons["next"].on_click(lambda _: self._move(+1))
        buttons["reset"].on_click(lambda _: setattr(self.controls["step"], "value", 0))
        super().__init__({**buttons, "step": slider})

    def _move(self, by: int) -> None:
        slider = self.controls["step"]
        slider.value = min(max(slider.value + by, slider.min), slider.max)

    @property
    def current_event(self):
        """The event shown at the current step (None at step 0)."""
        step = self.value("step")
        return self.events[step - 1] if step else None

    def update(self) -> None:
        step = self.value("step")
        event = self.current_event
        state = state_after(self.net, self.x, self.events, step)
        self.highlighted = [] if event is None else [(event.layer, event.node)]
        phase = "before the step" if event is None else PHASE_WORDS[event.phase]
        self.title = f"step {step} of {len(self.events)}: {phase}"
        self.caption = self._caption(event)
        self.image.value = self._draw(state, event)  # the picture first: it should never lag the text
        self.readout.value = self._readout(step, event)

    # ------------------------------------------------------------------ layout
    def _layout(self) -> None:
        """Node centres in pixels, ``centres[l][j]``, once: each layer a column, its nodes top to bottom."""
        sizes = self.net.sizes
        tallest = max(sizes)
        # A node's value above it and its signal below, each a 20 px line: rows never closer than that needs.
        self.row_gap = max(112 if tallest <= 3 else 440 // tallest, 2 * NODE_R + 2 * (TEXT_PX + 8))
        self.height = int(TOP + self.row_gap * tallest + BOTTOM)
        self.centres = node_centres(sizes, LEFT, WIDTH - RIGHT, TOP, self.row_gap)
        self.canvas = Picture(WIDTH, self.height)
        self.image.layout = widgets.Layout(width=f"{WIDTH}px", height=f"{self.height}px")

    def _caption(self, event) -> str:
        """The change a weight or bias update makes, said once under the picture, clear of every line."""
        if event is None or event.kind not in ("weight", "bias"):
            return ""
        l, j = event.layer, event.node
        if event.kind == "weight":
            old = float(self.net.weights[l - 1][j, event.source])
            name = f"w({self.names[l][j]} <- {self.names[l - 1][event.source]})"
        else:
            old = float(self.net.biases[l - 1][j])
            name = f"b({self.names[l][j]})"
        return f"{name}: {old:.6g} -> {event.value:.6g}"

    # ------------------------------------------------------------------ drawing
    def _draw(self, state, event) -> bytes:
        if not hasattr(self, "centres"):
            self._layout()
        c, at = self.canvas, self.centres
        c.clear()
        c.text((10, 8), self.title, INK)
        # Links by weight (updated weights as they change), pale so the numbers over them stay readable.
        biggest = max(float(np.abs(W).max()) for W in state.weights) or 1.0
        draw_links(c, centre_links(at), state.weights, biggest, widest=4, paler=0.35)
        if event is not None and event.kind == "weight":
            c.line([at[event.layer - 1][event.source], at[event.layer][event.node]], HIGHLIGHT_RGB, width=6)
        if event is not None and event.kind == "signal" and event.layer < len(at) - 1:
            # A hidden signal is gathered from the output signals: arrows point backward.
            for out in at[event.layer + 1]:
                arrow(c, out, at[event.layer][event.node], SIGNAL_RGB, shrink=NODE_R + 6)
        last = len(at) - 1
        for l, column in enumerate(at):
            for j, (x, y) in enumerate(column):
                ring = HIGHLIGHT_RGB if (l, j) in self.highlighted else INK
                draw_node(c, (x, y), self.names[l][j], NODE_FILL, ring, 4 if ring == HIGHLIGHT_RGB else 2)
                value = state.a[l][j] if state.a[l][j] is not None else state.z[l][j]
                if value is not None:
                    prefix = "" if state.a[l][j] is not None else "z="
                    c.text((x, y - NODE_R - 5), f"{prefix}{value:.4g}", INK, anchor="md", background=WHITE)
                if state.signal[l][j] is not None:
                    c.text(
                        (x, y + NODE_R + 5), f"s={state.signal[l][j]:.4g}", SIGNAL_RGB, anchor="ma", background=WHITE
                    )
                if l == last:
                    c.text((x + NODE_R + 10, y), f"t={self.target[j]:.4g}", (90, 90, 90), anchor="lm")
        if self.caption:
            c.text((10, self.height - 10), self.caption, HIGHLIGHT_RGB, anchor="ld")
        return c.png()

    def _readout(self, step: int, event) -> str:
        if event is None:
            inputs = ", ".join(f"{n} = {v:.4g}" for n, v in zip(self.names[0], self.x))
            targets = ", ".join(f"t{k + 1} = {v:.4g}" for k, v in enumerate(self.target))
            return (
                f"<p><b>Step 0 of {len(self.events)}</b>: the inputs {inputs} are in place; the targets are "
                f"{targets}. Press <i>Next</i> (or focus the slider and use the arrow keys).</p>"
            )
        return (
            f"<p><b>Step {step} of {len(self.events)}</b> ({PHASE_WORDS[event.phase]}): "
            f"{html.escape(event.title)}<br><code class='formula'>{html.escape(event.text())}</code></p>"
        )


def backprop_stepper(net=None, x=None, target=None, learning_rate: float = 0.5) -> BackpropStepper:
    """A widget stepping through one training step of a one-hidden-layer network.

    ``net``: a ``course_lib.MLP`` with one hidden layer (default: the lesson's 2-2-2
    sigmoid network, ``course_lib.lessons.mazur_example.example_network``); ``x`` (p,) one
    sample and ``target`` (k,) its target (defaults: the lesson's; with your own
    network give both). ``learning_rate``: the eta of the updates. Controls:
    ``previous``, ``next``, ``reset`` (buttons) and ``step`` (IntSlider, 0 to the
    number of events).
    """
    if net is not None and (x is None or target is None):
        raise CourseError("with your own network, give the sample x and its target too")
    default_net, default_x, default_target = example_network()
    net = default_net if net is None else net
    x = default_x if x is None else x
    target = default_target if target is None else target
    return BackpropStepper(net, x, target, learning_rate)
