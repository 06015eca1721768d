"""The backprop stepper's script: one training step as a list of events, node by node.

Each ``Event`` is one number the seven-step recipe computes, with its formula in
symbols and with the values filled in; ``state_after`` replays the first few
events to tell the diagram what is known so far. The math itself comes from
``course_lib.signals.recipe_step``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from ..activations import Activation
from ..signals import one_hidden_layer, recipe_step, samples
from ..validation import CourseError, ShapeError, as_array


@dataclass(frozen=True)
class Event:
    """One thing computed during a training step, with its formula.

    ``phase``: "forward", "backward" or "update". ``layer``, ``node``: the node
    concerned in the diagram (0 inputs, 1 hidden, 2 outputs; for an update, the
    node the weight points to). ``source``: for a weight update the sending node's
    index, None otherwise. ``quantity`` names what is computed ("z(h1)", "s(y1)",
    "new w(y1<-h1)"), ``formula`` gives it in symbols and ``numbers`` with the values
    (4 significant digits; 6 for the weight being updated); ``value`` is the result at
    full precision and ``digits`` how many significant digits ``text()`` shows of it.
    ``kind`` is "z", "a", "signal", "weight" or "bias".
    """

    phase: str
    kind: str
    layer: int
    node: int
    source: int | None
    title: str
    quantity: str
    formula: str
    numbers: str
    value: float
    digits: int = 4

    def text(self) -> str:
        """``quantity = formula = numbers = value`` on one line, value to ``digits`` significant digits."""
        return f"{self.quantity} = {self.formula} = {self.numbers} = {self.value:.{self.digits}g}"


# An update changes a weight by little, so weights are shown with more digits than the rest.
UPDATE_DIGITS = 6


def _n(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant digits, negatives in brackets so they read inside sums."""
    text = f"{float(value):.{digits}g}"
    return f"({text})" if value < 0 else text


_F_NAMES = {"sigmoid": "\u03c3", "tanh": "tanh", "identity": "", "relu": "relu", "leaky_relu": "leaky_relu"}


def _derivative_text(f: Activation, name: str, z: float, a: float) -> tuple[str, str]:
    """f'(z) for node ``name`` in symbols and in numbers (for a sigmoid: a (1 - a))."""
    if f.name == "sigmoid":
        return f"{name} (1 - {name})", f"{_n(a)} \u00d7 {_n(1 - a)}"
    symbol = {"tanh": f"(1 - {name}\u00b2)"}.get(f.name, f"f'(z({name}))")
    return symbol, _n(float(f.derivative(np.array(z))))


def training_events(net, x, target, learning_rate: float = 0.5) -> list[Event]:
    """Everything one training step computes, in order, as a list of ``Event``.

    Forward: for each hidden then each output node, its z and then its activation.
    Backward: each output node's signal, then each hidden node's. Updates: for each
    receiving node (hidden first), its incoming weights then its bias. Uses the
    recipe's loss 1/2 sum (t - y)^2 (for two outputs, course_lib's mse exactly).
    ``net``: an MLP with one hidden layer; x: (p,) one sample; target: (k,).
    """
    W_hidden, b_hidden, W_out, b_out, f_hidden, f_out = one_hidden_layer(net)
    X, T = samples(x, target, W_hidden.shape[1], W_out.shape[0])
    if X.shape[0] != 1:
        raise ShapeError(f"the stepper follows one sample: x must have shape ({X.shape[1]},), got {np.shape(x)}")
    step = recipe_step(net, X, T, learning_rate, loss="half_sse")
    # Diagram layer l = 0, 1, 2: its node names and values, and the weights coming into it.
    inputs = SimpleNamespace(names=[f"x{i + 1}" for i in range(X.shape[1])], a=X[0])
    hidden = SimpleNamespace(
        names=[f"h{j + 1}" for j in range(len(b_hidden))],
        word="hidden",
        f=f_hidden,
        z=step.z_hidden[0],
        a=step.hidden[0],
        s=step.hidden_signals[0],
        W=W_hidden,
        b=b_hidden,
        new_W=step.new_W_hidden,
        new_b=step.new_b_hidden,
    )
    output = SimpleNamespace(
        names=[f"y{k + 1}" for k in range(len(b_out))],
        word="output",
        f=f_out,
        z=step.z_out[0],
        a=step.output[0],
        s=step.output_signals[0],
        W=W_out,
        b=b_out,
        new_W=step.new_W_out,
        new_b=step.new_b_out,
        t=T[0],
    )
    layers = [inputs, hidden, output]
    return _forward_events(layers) + _backward_events(layers) + _update_events(layers, float(learning_rate))


def _weight_name(layers, l: int, j: int, i: int) -> str:
    return f"w({layers[l].names[j]}\u2190{layers[l - 1].names[i]})"


def _forward_events(layers) -> list[Event]:
    """Each hidden, then each output node: its weighted sum z, then its activation."""
    events = []
    for l in (1, 2):
        here, before = layers[l], layers[l - 1]
        f_name = _F_NAMES.get(here.f.name, "f")
        for j, name in enumerate(here.names):
            terms = " + ".join(f"{_weight_name(layers, l, j, i)} {x}" for i, x in enumerate(before.names))
            nums = " + ".join(f"{_n(w)} \u00d7 {_n(a)}" for w, a in zip(here.W[j], before.a))
            events.append(
                Event(
                    "forward",
                    "z",
                    l,
                    j,
                    None,
                    f"weighted sum into {here.word} node {name}",
                    f"z({name})",
                    f"{terms} + b({name})",
                    f"{nums} + {_n(here.b[j])}",
                    float(here.z[j]),
                )
            )
            events.append(
                Event(
                    "forward",
                    "a",
                    l,
                    j,
                    None,
                    f"{here.word} node {name} applies {here.f.name}",
                    name,
                    f"{f_name}(z({name}))",
                    f"{f_name}({_n(here.z[j])})",
                    float(here.a[j]),
                )
            )
    return events


def _backward_events(layers) -> list[Event]:
    """Step 5 for each output node, then step 7 for each hidden node (McCaffrey's numbers)."""
    hidden, output = layers[1], layers[2]
    events = []
    for k, name in enumerate(output.names):
        d_sym, d_num = _derivative_text(output.f, name, output.z[k], output.a[k])
        events.append(
            Event(
                "backward",
                "signal",
                2,
                k,
                None,
                f"signal of output node {name}",
                f"s({name})",
                f"(t{k + 1} - {name}) \u00d7 {d_sym}",
                f"({_n(output.t[k])} - {_n(output.a[k])}) \u00d7 {d_num}",
                float(output.s[k]),
            )
        )
    for j, name in enumerate(hidden.names):
        d_sym, d_num = _derivative_text(hidden.f, name, hidden.z[j], hidden.a[j])
        terms = " + ".join(f"s({y}) {_weight_name(layers, 2, k, j)}" for k, y in enumerate(output.names))
        nums = " + ".join(f"{_n(s)} \u00d7 {_n(w)}" for s, w in zip(output.s, output.W[:, j]))
        events.append(
            Event(
                "backward",
                "signal",
                1,
                j,
                None,
                f"signal of hidden node {name}, from the output signals",
                f"s({name})",
                f"({terms}) \u00d7 {d_sym}",
                f"({nums}) \u00d7 {d_num}",
                float(hidden.s[j]),
            )
        )
    return events


def _update_events(layers, eta: float) -> list[Event]:
    """Step 2 for each receiving node, hidden first: its incoming weights, then its bias."""
    events = []
    for l in (1, 2):
        here, before = layers[l], layers[l - 1]
        for j, name in enumerate(here.names):
            s = _n(here.s[j])
            for i, source in enumerate(before.names):
                w = _weight_name(layers, l, j, i)
                old = _n(here.W[j, i], UPDATE_DIGITS)
                events.append(
                    Event(
                        "update",
                        "weight",
                        l,
                        j,
                        i,
                        f"weight from {source} to {name}",
                        f"new {w}",
                        f"{w} + \u03b7 s({name}) {source}",
                        f"{old} + {_n(eta)} \u00d7 {s} \u00d7 {_n(before.a[i])}",
                        float(here.new_W[j, i]),
                        UPDATE_DIGITS,
                    )
                )
            events.append(
                Event(
                    "update",
                    "bias",
                    l,
                    j,
                    None,
                    f"bias of {name} (its input is always 1)",
                    f"new b({name})",
                    f"b({name}) + \u03b7 s({name})",
                    f"{_n(here.b[j], UPDATE_DIGITS)} + {_n(eta)} \u00d7 {s}",
                    float(here.new_b[j]),
                    UPDATE_DIGITS,
                )
            )
    return events


def state_after(net, x, events: list[Event], n_done: int) -> SimpleNamespace:
    """What is known after the first ``n_done`` events of ``training_events(net, x, ...)``.

    x: (p,) the sample. Returns a snapshot for drawing: ``sizes``, ``weights`` and
    ``biases`` (with the updates done so far; ``weights[l]`` shaped like
    ``net.weights[l]``), and per diagram layer
    ``z``, ``a``, ``signal``: lists of floats, None where not computed yet.
    """
    if not 0 <= n_done <= len(events):
        raise CourseError(f"n_done must lie in 0..{len(events)}, got {n_done}")
    sizes = list(net.sizes)
    state = SimpleNamespace(
        sizes=sizes,
        weights=[np.array(W, dtype=np.float64) for W in net.weights],
        biases=[np.array(b, dtype=np.float64) for b in net.biases],
        z=[[None] * n for n in sizes],
        a=[[None] * n for n in sizes],
        signal=[[None] * n for n in sizes],
    )
    state.a[0] = [float(v) for v in as_array(x, "x", shape=(sizes[0],), dtype=np.float64)]
    for event in events[:n_done]:
        l, j = event.layer, event.node
        if event.kind == "z":
            state.z[l][j] = event.value
        elif event.kind == "a":
            state.a[l][j] = event.value
        elif event.kind == "signal":
            state.signal[l][j] = event.value
        elif event.kind == "weight":
            state.weights[l - 1][j, event.source] = event.value
        else:
            state.biases[l - 1][j] = event.value
    return state
