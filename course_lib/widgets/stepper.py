"""Lesson 05's stepper: walk one training step through a small network, node by node.

The step slider is the single source of truth: Previous, Next and Reset only move
it, so every way of stepping (buttons, dragging, arrow keys on the focused slider)
goes through the same ``update``.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Circle

from ..drawing.plots import HIGHLIGHT, draw_network
from ..lessons.mazur_example import example_network
from .stepper_events import state_after, training_events
from ..validation import CourseError
from .base import LessonWidget

PHASE_WORDS = {"forward": "forward pass", "backward": "backward pass", "update": "weight updates"}
SIGNAL_COLOUR = "tab:purple"
MAX_NODES = 8


class BackpropStepper(LessonWidget):
    """Previous / Next / Reset buttons and a ``step`` slider over ``training_events``.

    Step 0 is the network before the training step; step k shows the first k
    events. ``events`` holds the list; ``net``, ``x`` (p,) and ``target`` (k,) what
    it was made from.
    """

    def __init__(self, net, x, target, learning_rate: float):
        self.events = training_events(net, x, target, learning_rate)  # checks every argument
        if max(net.sizes) > MAX_NODES:
            raise CourseError(f"the stepper prints a number at every node, so it takes at most {MAX_NODES} nodes "
                              f"per layer; this network has layer sizes {net.sizes}")
        self.net = net
        self.x, self.target = (np.asarray(v, dtype=np.float64).reshape(-1) for v in (x, target))
        self.names = [[f"{letter}{i + 1}" for i in range(n)] for letter, n in zip("xhy", net.sizes)]
        slider = widgets.IntSlider(value=0, min=0, max=len(self.events), description="step",
                                   continuous_update=True, layout=widgets.Layout(width="340px"))
        buttons = {name: widgets.Button(description=text, icon=icon, layout=widgets.Layout(width="110px"))
                   for name, text, icon in (("previous", "Previous", "arrow-left"), ("next", "Next", "arrow-right"),
                                            ("reset", "Reset", "refresh"))}
        buttons["previous"].on_click(lambda _: self._move(-1))
        buttons["next"].on_click(lambda _: self._move(+1))
        buttons["reset"].on_click(lambda _: setattr(self.controls["step"], "value", 0))
        super().__init__({**buttons, "step": slider}, figsize=(7.0, 3.3))

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
        self.figure.clear()
        ax = self.figure.add_subplot()
        highlight = None if event is None else {(event.layer, event.node)}
        draw_network(state, ax=ax, node_labels=self.names, highlight=highlight)
        # draw_network adds one Circle per node, layer by layer, each layer top to bottom.
        centres = [p.center for p in ax.patches if isinstance(p, Circle)]
        at = [centres[sum(state.sizes[:l]):sum(state.sizes[:l + 1])] for l in range(len(state.sizes))]
        self._annotate(ax, state, at, event)
        phase = "before the step" if event is None else PHASE_WORDS[event.phase]
        ax.set_title(f"step {step} of {len(self.events)}: {phase}", fontsize=10)
        self.render()
        self.readout.value = self._readout(step, event)

    def _annotate(self, ax, state, at, event) -> None:
        """Values above the nodes (z until the activation is known), signals below, targets right."""
        box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)
        last = len(state.sizes) - 1
        for l, centres in enumerate(at):
            for j, (x, y) in enumerate(centres):
                above = state.a[l][j] if state.a[l][j] is not None else state.z[l][j]
                if above is not None:
                    prefix = "" if state.a[l][j] is not None else "z="
                    ax.text(x, y + 0.36, f"{prefix}{above:.4g}", ha="center", va="bottom", fontsize=8,
                            bbox=box, zorder=5)
                if state.signal[l][j] is not None:
                    ax.text(x, y - 0.36, f"s={state.signal[l][j]:.4g}", ha="center", va="top", fontsize=8,
                            color=SIGNAL_COLOUR, bbox=box, zorder=5)
                if l == last:
                    ax.text(x + 0.42, y, f"t={self.target[j]:.4g}", ha="left", va="center", fontsize=8,
                            color="0.35", zorder=5)
        if event is None:
            return
        l, j = event.layer, event.node
        if event.kind == "signal" and l < last:
            # A hidden signal is gathered from the output signals: arrows point backward.
            for x_out in at[l + 1]:
                ax.annotate("", xy=at[l][j], xytext=x_out, zorder=2,
                            arrowprops=dict(arrowstyle="-|>", color=SIGNAL_COLOUR, lw=2, shrinkA=22, shrinkB=24))
        elif event.kind == "weight":
            (x0, y0), (x1, y1) = at[l - 1][event.source], at[l][j]
            ax.plot([x0, x1], [y0, y1], color=HIGHLIGHT, lw=3.5, alpha=0.9, zorder=2, solid_capstyle="round")
            old = float(self.net.weights[l - 1][j, event.source])
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, f"{old:.6g} \u2192 {event.value:.6g}", ha="center",
                    va="center", fontsize=8, bbox=dict(box, ec=HIGHLIGHT), zorder=6)
        elif event.kind == "bias":
            old = float(self.net.biases[l - 1][j])
            ax.text(at[l][j][0] - 0.42, at[l][j][1] + 0.36, f"b: {old:.6g} \u2192 {event.value:.6g}", ha="right",
                    va="bottom", fontsize=8, bbox=dict(box, ec=HIGHLIGHT), zorder=6)

    def _readout(self, step: int, event) -> str:
        if event is None:
            inputs = ", ".join(f"{n} = {v:.4g}" for n, v in zip(self.names[0], self.x))
            targets = ", ".join(f"t{k + 1} = {v:.4g}" for k, v in enumerate(self.target))
            return (f"<p><b>Step 0 of {len(self.events)}</b>: the inputs {inputs} are in place; the targets are "
                    f"{targets}. Press <i>Next</i> (or focus the slider and use the arrow keys).</p>")
        return (f"<p><b>Step {step} of {len(self.events)}</b> ({PHASE_WORDS[event.phase]}): "
                f"{html.escape(event.title)}<br><code class='formula'>{html.escape(event.text())}</code></p>")


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
