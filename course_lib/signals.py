"""The seven-step "signal" recipe of back-propagation, for a network with one hidden layer.

One practitioner's way of saying back-propagation, turned into one small function
per step. Arrays hold one row per sample: ``X (n, p)`` inputs, ``hidden (n, h)``,
``output`` and targets ``T (n, k)``; ``W_hidden (h, p)``, ``W_out (k, h)`` as in
``course_lib.MLP`` (``z = W a_prev + b``).

1. Goal: change the weights and biases so the outputs y move toward the targets t.
2. Each parameter changes by learning rate x its gradient:     ``signal_update``
3. A weight's gradient = signal of the node it points to x its input value:
   ``weight_gradients`` (a bias's input is always 1: ``bias_gradients``).
4. Output signal = (t - y) x f'(z_out):                        ``output_signals``
5. Hidden signal = (sum over outputs of signal x connecting weight) x f'(z_hidden):
   ``hidden_signals``.
6. Hidden-to-output gradients: output signals x hidden values (step 3).
7. Input-to-hidden gradients: hidden signals x input values (step 3).

``recipe_step`` runs all seven; ``training_events`` lists them node by node for
the stepper widget.

Which loss, and which sign
--------------------------
The recipe's signal ``(t - y) f'(z)`` is exactly ``-dE/dz`` for the half sum of
squares ``E = 1/2 sum_samples sum_outputs (t - y)^2`` (``loss="half_sse"``).
course_lib's ``mse`` is the mean over all ``n * k`` numbers,
``L = 1/(n k) sum (y - t)^2``, so ``L = (2 / (n k)) E`` and every signal, gradient
and step is ``2 / (n k)`` times the recipe's (``mse_scale``; ``loss="mse"``
applies it). For ONE sample with TWO outputs the factor is 2 / 2 = 1: the
recipe's numbers are the library's to the last digit.

With either loss, signal = ``-dL/dz`` (``MLP.backward``'s ``grads.signals``;
its ``grads.deltas`` are the textbook ``dL/dz``), the recipe's gradient is
``-dL/dw``, and the update ``w + eta * signal * input`` equals the textbook
``w - eta * dL/dw`` (``delta_update``).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from .activations import Activation, get_activation
from .validation import CourseError, ShapeError, as_array, lookup, real_number

LOSS_SCALES = {
    # (n_samples, n_outputs) -> the factor turning recipe signals into -dL/dz of that loss.
    "half_sse": lambda n, k: 1.0,
    "mse": lambda n, k: 2.0 / (n * k),
}


def mse_scale(n_samples: int, n_outputs: int) -> float:
    """``2 / (n_samples * n_outputs)``: course_lib's mse signals are the recipe's times this."""
    return LOSS_SCALES["mse"](n_samples, n_outputs)


def _elementwise(activation) -> Activation:
    f = get_activation(activation)
    if f.name == "softmax":
        raise CourseError(
            "the signal recipe here needs an elementwise activation (sigmoid, tanh, identity, relu, "
            "leaky_relu); a softmax output goes with cross-entropy, whose output signal is simply t - y"
        )
    return f


# ---------------------------------------------------------------- the steps
def forward(X, W_hidden, b_hidden, W_out, b_out, hidden_activation="sigmoid", output_activation="sigmoid"):
    """The forward pass: ``z_hidden, hidden, z_out, output``.

    Shapes: X (n, p), W_hidden (h, p), b_hidden (h,), W_out (k, h), b_out (k,)
    -> z_hidden, hidden (n, h) and z_out, output (n, k).
    """
    z_hidden = X @ W_hidden.T + b_hidden
    hidden = _elementwise(hidden_activation)(z_hidden)
    z_out = hidden @ W_out.T + b_out
    output = _elementwise(output_activation)(z_out)
    return z_hidden, hidden, z_out, output


def output_signals(T, output, z_out, activation="sigmoid", scale: float = 1.0) -> np.ndarray:
    """Step 4: ``scale * (t - y) * f'(z_out)``, one signal per sample and output node.

    Shapes: T, output, z_out (n, k) -> (n, k). ``scale`` is 1 for the recipe's own
    loss and ``mse_scale(n, k)`` for course_lib's mse.
    """
    return scale * (T - output) * _elementwise(activation).derivative(z_out)


def hidden_signals(out_signals, W_out, z_hidden, activation="sigmoid") -> np.ndarray:
    """Step 5: ``(sum_k out_signals[:, k] * W_out[k, j]) * f'(z_hidden[:, j])``.

    The sum runs over the output nodes hidden node j feeds: the matrix product
    with ``W_out`` (its transpose in column-vector notation). Shapes:
    out_signals (n, k), W_out (k, h), z_hidden (n, h) -> (n, h).
    """
    return (out_signals @ W_out) * _elementwise(activation).derivative(z_hidden)


def weight_gradients(signals, inputs) -> np.ndarray:
    """Steps 3, 6, 7: gradient of the weight from node i to node j = signal_j * input_i.

    Summed over the samples of a batch. Shapes: signals (n, m) of the receiving
    layer, inputs (n, q) of the sending layer -> (m, q), shaped like the weights.
    This is the recipe's "gradient": it equals ``-dL/dW``.
    """
    return signals.T @ inputs


def bias_gradients(signals) -> np.ndarray:
    """A bias is a weight whose input is always 1: the signals summed over samples. (n, m) -> (m,)."""
    return signals.sum(axis=0)


def signal_update(param, gradient, learning_rate: float) -> np.ndarray:
    """Step 2 in the signal convention: ``param + learning_rate * gradient`` (a new array).

    ``gradient`` is the recipe's (signal x input); shapes alike, any shape.
    """
    return param + learning_rate * gradient


def delta_update(param, dL_dparam, learning_rate: float) -> np.ndarray:
    """The textbook step: ``param - learning_rate * dL/dparam``. Same result as ``signal_update``."""
    return param - learning_rate * dL_dparam


# ---------------------------------------------------------------- all seven steps
@dataclass
class RecipeStep:
    """Every quantity of one training step by the recipe.

    ``z_hidden``, ``hidden``, ``hidden_signals``: (n, h); ``z_out``, ``output``,
    ``output_signals``: (n, k); gradients ``grad_W_hidden`` (h, p), ``grad_b_hidden``
    (h,), ``grad_W_out`` (k, h), ``grad_b_out`` (k,) (the recipe's, = -dL/dparam);
    the updated parameters ``new_*`` shaped like the parameters; ``scale`` the loss
    factor applied to the signals (see ``LOSS_SCALES``).
    """

    X: np.ndarray
    T: np.ndarray
    z_hidden: np.ndarray
    hidden: np.ndarray
    z_out: np.ndarray
    output: np.ndarray
    output_signals: np.ndarray
    hidden_signals: np.ndarray
    grad_W_out: np.ndarray
    grad_b_out: np.ndarray
    grad_W_hidden: np.ndarray
    grad_b_hidden: np.ndarray
    new_W_hidden: np.ndarray
    new_b_hidden: np.ndarray
    new_W_out: np.ndarray
    new_b_out: np.ndarray
    scale: float


def _one_hidden_layer(net):
    """The parameters and activations of a (checked) MLP with exactly one hidden layer."""
    sizes = getattr(net, "sizes", None)
    if sizes is None or len(sizes) != 3:
        raise CourseError(f"the signal recipe here is for a network with exactly one hidden layer, "
                          f"e.g. MLP([2, 2, 2]); got layer sizes {sizes}")
    net.check_parameters()
    W_hidden, W_out = (np.asarray(W, dtype=np.float64) for W in net.weights)
    b_hidden, b_out = (np.asarray(b, dtype=np.float64) for b in net.biases)
    return W_hidden, b_hidden, W_out, b_out, _elementwise(net.hidden_activation), _elementwise(net.output_activation)


def _samples(X, T, n_in: int, n_out: int):
    """X as (n, n_in) and T as (n, n_out) float64; a single sample may be 1-D."""
    X = as_array(X, "X", dtype=np.float64)
    T = as_array(T, "the targets T", dtype=np.float64)
    given_X, given_T = X.shape, T.shape
    X = X[None, :] if X.ndim == 1 else X
    T = T[None, :] if T.ndim == 1 else T
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ShapeError(f"X has shape {given_X}, expected (n_samples, {n_in}) or ({n_in},) for this network")
    if T.shape != (X.shape[0], n_out):
        raise ShapeError(f"the targets T have shape {given_T}, expected ({X.shape[0]}, {n_out}) for X of shape "
                         f"{given_X}: one row per sample of X, one column per output node")
    return X, T


def recipe_step(net, X, T, learning_rate: float, loss: str = "mse") -> RecipeStep:
    """One training step of ``net`` (an MLP with one hidden layer) by the seven-step recipe.

    X: (n, p) or one sample (p,); T: (n, k) or (k,). ``loss="mse"`` scales the
    signals by ``mse_scale(n, k)`` so they equal ``net.backward(X, T).signals`` for
    course_lib's mse; ``loss="half_sse"`` keeps the recipe's raw ``(t - y) f'(z)``.
    ``net`` is not changed: the updated parameters are in the result.
    """
    W_hidden, b_hidden, W_out, b_out, f_hidden, f_out = _one_hidden_layer(net)
    X, T = _samples(X, T, W_hidden.shape[1], W_out.shape[0])
    scale = lookup(loss, LOSS_SCALES, "loss")(*T.shape)
    learning_rate = real_number(learning_rate, "learning_rate", positive=True)

    z_hidden, hidden, z_out, output = forward(X, W_hidden, b_hidden, W_out, b_out, f_hidden, f_out)
    s_out = output_signals(T, output, z_out, f_out, scale)                        # step 4
    s_hidden = hidden_signals(s_out, W_out, z_hidden, f_hidden)                   # step 5
    grad_W_out, grad_b_out = weight_gradients(s_out, hidden), bias_gradients(s_out)          # step 6
    grad_W_hidden, grad_b_hidden = weight_gradients(s_hidden, X), bias_gradients(s_hidden)   # step 7
    return RecipeStep(                                                            # step 2
        X, T, z_hidden, hidden, z_out, output, s_out, s_hidden,
        grad_W_out, grad_b_out, grad_W_hidden, grad_b_hidden,
        signal_update(W_hidden, grad_W_hidden, learning_rate), signal_update(b_hidden, grad_b_hidden, learning_rate),
        signal_update(W_out, grad_W_out, learning_rate), signal_update(b_out, grad_b_out, learning_rate),
        scale,
    )


def example_network():
    """The lesson's 2-2-2 sigmoid network, input and targets: ``(net, x (2,), target (2,))``.

    Hidden weights 0.15, 0.20 / 0.25, 0.30 with bias 0.35; output weights
    0.40, 0.45 / 0.50, 0.55 with bias 0.60; input (0.05, 0.10); targets (0.01, 0.99).
    """
    from .network import MLP

    net = MLP([2, 2, 2], "sigmoid", "sigmoid", "mse")
    net.weights = [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])]
    net.biases = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
    return net, np.array([0.05, 0.10]), np.array([0.01, 0.99])


# ---------------------------------------------------------------- events, for the stepper
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
    W_hidden, b_hidden, W_out, b_out, f_hidden, f_out = _one_hidden_layer(net)
    X, T = _samples(x, target, W_hidden.shape[1], W_out.shape[0])
    if X.shape[0] != 1:
        raise ShapeError(f"the stepper follows one sample: x must have shape ({X.shape[1]},), got {np.shape(x)}")
    step = recipe_step(net, X, T, learning_rate, loss="half_sse")
    # Diagram layer l = 0, 1, 2: its node names and values, and the weights coming into it.
    inputs = SimpleNamespace(names=[f"x{i + 1}" for i in range(X.shape[1])], a=X[0])
    hidden = SimpleNamespace(names=[f"h{j + 1}" for j in range(len(b_hidden))], word="hidden", f=f_hidden,
                             z=step.z_hidden[0], a=step.hidden[0], s=step.hidden_signals[0], W=W_hidden,
                             b=b_hidden, new_W=step.new_W_hidden, new_b=step.new_b_hidden)
    output = SimpleNamespace(names=[f"y{k + 1}" for k in range(len(b_out))], word="output", f=f_out,
                             z=step.z_out[0], a=step.output[0], s=step.output_signals[0], W=W_out,
                             b=b_out, new_W=step.new_W_out, new_b=step.new_b_out, t=T[0])
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
            events.append(Event("forward", "z", l, j, None, f"weighted sum into {here.word} node {name}",
                                f"z({name})", f"{terms} + b({name})", f"{nums} + {_n(here.b[j])}", float(here.z[j])))
            events.append(Event("forward", "a", l, j, None, f"{here.word} node {name} applies {here.f.name}",
                                name, f"{f_name}(z({name}))", f"{f_name}({_n(here.z[j])})", float(here.a[j])))
    return events


def _backward_events(layers) -> list[Event]:
    """Step 4 for each output node, then step 5 for each hidden node."""
    hidden, output = layers[1], layers[2]
    events = []
    for k, name in enumerate(output.names):
        d_sym, d_num = _derivative_text(output.f, name, output.z[k], output.a[k])
        events.append(Event("backward", "signal", 2, k, None, f"signal of output node {name}", f"s({name})",
                            f"(t{k + 1} - {name}) \u00d7 {d_sym}",
                            f"({_n(output.t[k])} - {_n(output.a[k])}) \u00d7 {d_num}", float(output.s[k])))
    for j, name in enumerate(hidden.names):
        d_sym, d_num = _derivative_text(hidden.f, name, hidden.z[j], hidden.a[j])
        terms = " + ".join(f"s({y}) {_weight_name(layers, 2, k, j)}" for k, y in enumerate(output.names))
        nums = " + ".join(f"{_n(s)} \u00d7 {_n(w)}" for s, w in zip(output.s, output.W[:, j]))
        events.append(Event("backward", "signal", 1, j, None, f"signal of hidden node {name}, from the output signals",
                            f"s({name})", f"({terms}) \u00d7 {d_sym}", f"({nums}) \u00d7 {d_num}", float(hidden.s[j])))
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
                events.append(Event("update", "weight", l, j, i, f"weight from {source} to {name}", f"new {w}",
                                    f"{w} + \u03b7 s({name}) {source}",
                                    f"{old} + {_n(eta)} \u00d7 {s} \u00d7 {_n(before.a[i])}",
                                    float(here.new_W[j, i]), UPDATE_DIGITS))
            events.append(Event("update", "bias", l, j, None, f"bias of {name} (its input is always 1)",
                                f"new b({name})", f"b({name}) + \u03b7 s({name})",
                                f"{_n(here.b[j], UPDATE_DIGITS)} + {_n(eta)} \u00d7 {s}",
                                float(here.new_b[j]), UPDATE_DIGITS))
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
        z=[[None] * n for n in sizes], a=[[None] * n for n in sizes], signal=[[None] * n for n in sizes],
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
