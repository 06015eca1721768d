"""A multi-layer perceptron whose code follows the equations of the course.

Notation: the course's (Nielsen's). Layers count from 1: layer l = 1..L has weights W^l (n_l, n_(l-1))
and biases b^l (n_l,). A batch holds one sample per row, so the column-vector z^l = W^l a^(l-1) + b^l
becomes Z^l = A^(l-1) (W^l)^T + b^l; the error term Delta^l = dL/dZ^l is (n, n_l).

    forward:  Z^l = A^(l-1) (W^l)^T + b^l             A^l = f(Z^l),  A^0 = X
    backward: Delta^L = dL/dA^L * f'(Z^L)               (P - Y)/n for softmax + cross-entropy
              Delta^l = (Delta^(l+1) W^(l+1)) * f'(Z^l)    error flows backward
              dL/dW^l = (Delta^l)^T A^(l-1)                summed over the batch
              dL/db^l = the column sums of Delta^l
    step:     W^l -= eta * dL/dW^l,   b^l -= eta * dL/db^l

Python lists count from 0: ``weights[l-1]`` is W^l, ``trace.zs[l-1]`` Z^l, ``trace.activations[l]`` A^l
(``[0]`` is X), ``grads.deltas[l-1]`` Delta^l. In the methods ``l`` is a list index: ``weights[l]`` is W^(l+1).

The backward pass reads every Z^l and A^l from the forward pass's cache (a ``Trace``). The public methods
accept what a learner types (lists, one sample, class labels) and check it with ``validation``; the math
lives in the ``*_unchecked`` methods, which ``train`` calls after checking the whole data set once.

Scope: fully connected layers, one hidden activation, plain gradient descent (L2 weight decay is one line
in ``training``). No convolutions, momentum or dropout: the course's subject is back-propagation itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation, labels_from_outputs
from .losses import FUSED_OUTPUT, Loss, get_loss
from .validation import CourseError, ShapeError, as_inputs, as_labels, as_parameters, as_targets
from .validation import check_same_shape, layer_sizes, lookup, real_number

# Each maps (n_in, n_out, weight_scale) to the standard deviation of the normal draw.
_INITS = {
    "xavier": lambda n_in, n_out, scale: np.sqrt(2.0 / (n_in + n_out)),
    "he": lambda n_in, n_out, scale: np.sqrt(2.0 / n_in),
    "normal": lambda n_in, n_out, scale: scale,
    "zeros": lambda n_in, n_out, scale: 0.0,
}
INIT_NAMES = tuple(_INITS)


@dataclass
class Trace:
    """A forward pass's cache, lists from 0: ``zs[l-1]`` is Z^l and ``activations[l]`` A^l, (n, sizes[l]); [0] is X."""

    zs: list
    activations: list


@dataclass
class Gradients:
    """dL/dparam for every parameter, from ``MLP.backward``.

    Lists from 0: ``weights[l-1]`` is dL/dW^l and ``biases[l-1]`` dL/db^l, shaped like the
    parameters; ``deltas[l-1]`` is the error term Delta^l = dL/dZ^l, (n, sizes[l]), and
    ``signals[l-1]`` is -Delta^l. ``loss`` is the loss at the pass; ``trace`` its cache.
    """

    weights: list
    biases: list
    deltas: list = field(default_factory=list)
    loss: float = float("nan")
    trace: Trace | None = None

    @property
    def signals(self) -> list:
        """The recipe's signals, (target - output) flavoured: ``signals[l-1]`` is -Delta^l, minus ``deltas[l-1]``."""
        return [-delta for delta in self.deltas]

    def parameters(self) -> list:
        """The gradients in the order of ``MLP.parameters()``: [dL/dW^1, dL/db^1, dL/dW^2, dL/db^2, ...]."""
        return [g for pair in zip(self.weights, self.biases) for g in pair]


class MLP:
    """A fully connected feed-forward network trained by back-propagation.

    sizes: layer sizes, inputs first, e.g. ``[784, 128, 10]``. Activations and the
    loss are given by name. ``dtype`` ("float64" or "float32") is kept end to end.
    ``init``: "xavier" (default), "he", "normal" (std ``weight_scale``) or "zeros".
    ``weights[l-1]`` is W^l, (sizes[l], sizes[l-1]), and ``biases[l-1]`` is b^l, (sizes[l],)
    (lists count from 0); they may be set by hand and are checked at the next use.
    """

    def __init__(
        self,
        sizes,
        hidden_activation: str | Activation = "tanh",
        output_activation: str | Activation = "sigmoid",
        loss: str | Loss = "mse",
        *,
        seed: int | None = 0,
        dtype="float64",
        init: str = "xavier",
        weight_scale: float = 0.1,
    ):
        self.sizes = layer_sizes(sizes)
        self.n_layers = len(self.sizes) - 1  # weight layers, one fewer than layers of units
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise CourseError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        self.hidden_activation = get_activation(hidden_activation)
        self.output_activation = get_activation(output_activation)
        self.loss_function = get_loss(loss)
        if self.output_activation.name == "softmax" and self.sizes[-1] < 2:
            raise CourseError("a softmax output needs at least 2 output units; use 'sigmoid' for one unit")
        # With its matching output, a cross-entropy's dL/dz is simply (P - Y) / n: use it.
        self.fused = FUSED_OUTPUT.get(self.loss_function.name) == self.output_activation.name
        std_of = lookup(init, _INITS, "init")
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            # Drawn in float64 whatever the dtype, so float32 and float64 nets start alike.
            W = rng.standard_normal((n_out, n_in)) * std_of(n_in, n_out, weight_scale)
            self.weights.append(W.astype(self.dtype))
            self.biases.append(np.zeros(n_out, dtype=self.dtype))

    def activation(self, layer: int) -> Activation:
        """The activation of the weights ``weights[layer]``, i.e. of layer ``layer + 1``."""
        return self.output_activation if layer == self.n_layers - 1 else self.hidden_activation

    # ------------------------------------------------ the math: forward, backward, step
    def trace_unchecked(self, X: np.ndarray) -> Trace:
        """The forward pass, caching every Z^l and A^l (see ``Trace``). X: (n, sizes[0]) of the net's dtype."""
        zs, activations = [], [X]
        a = X
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W.T
            z += b
            a = self.activation(l)(z)
            zs.append(z)
            activations.append(a)
        return Trace(zs, activations)

    def loss_unchecked(self, trace: Trace, Y: np.ndarray) -> float:
        """The loss of a forward pass against targets Y (n, sizes[-1])."""
        if self.fused:
            return self.loss_function.from_logits(trace.zs[-1], Y)
        return self.loss_function(trace.activations[-1], Y)

    def backward_unchecked(self, trace: Trace, Y: np.ndarray) -> Gradients:
        """The error flowing backward through a forward pass's cache, Delta^L down to Delta^1. Y: (n, sizes[-1])."""
        zs, activations = trace.zs, trace.activations
        output = activations[-1]
        if self.fused:
            delta = self.loss_function.gradient_from_logits(output, Y)
        else:
            delta = self.output_activation.backward(self.loss_function.gradient(output, Y), zs[-1], output)
        deltas, grad_W, grad_b = [None] * self.n_layers, [None] * self.n_layers, [None] * self.n_layers
        for l in range(self.n_layers - 1, -1, -1):
            deltas[l] = delta
            grad_W[l] = delta.T @ activations[l]
            grad_b[l] = delta.sum(axis=0)
            if l > 0:
                delta = self.hidden_activation.backward(delta @ self.weights[l], zs[l - 1], activations[l])
        return Gradients(grad_W, grad_b, deltas, self.loss_unchecked(trace, Y), trace)

    def step_unchecked(self, grads: Gradients, learning_rate: float) -> None:
        """Gradient descent in place: param -= learning_rate * grad."""
        # A numpy float64 rate would promote every float32 product; a Python float does not.
        learning_rate = float(learning_rate)
        for param, grad in zip(self.parameters(), grads.parameters()):
            param -= learning_rate * grad

    # ------------------------------------------- the public API: check, then do the math
    def prepare(self, X, Y=None):
        """Checked arrays of the net's dtype: X as (n, sizes[0]); with Y, the pair (X, Y (n, sizes[-1]))."""
        as_parameters(self.weights, self.biases, self.sizes, self.dtype)
        X, _ = as_inputs(X, self.sizes[0], self.dtype)
        return X if Y is None else (X, as_targets(Y, X.shape[0], self.sizes[-1], self.dtype))

    def trace(self, X) -> Trace:
        """Forward pass keeping every z and activation. X: (n_samples, sizes[0])."""
        return self.trace_unchecked(self.prepare(X))

    def forward(self, X) -> np.ndarray:
        """The output. X: (n, sizes[0]) -> (n, sizes[-1]); one sample (sizes[0],) -> (sizes[-1],)."""
        out = self.trace(X).activations[-1]
        return out[0] if np.ndim(X) == 1 else out

    def loss(self, X, Y) -> float:
        """The loss on X against targets Y: (n, sizes[-1]), (n,) labels, or see ``validation.as_targets``."""
        X, Y = self.prepare(X, Y)
        return self.loss_unchecked(self.trace_unchecked(X), Y)

    def backward(self, X, Y) -> Gradients:
        """dL/dparam for every weight and bias, and every Delta^l = dL/dZ^l as ``grads.deltas[l-1]`` (``Gradients``).
        X: the inputs (n, sizes[0]), or the ``Trace`` of a forward pass already run on them, which is then reused."""
        trace = X if isinstance(X, Trace) else None
        if trace is not None and [a.shape[1] for a in trace.activations] != self.sizes:
            raise ShapeError(f"the trace is of layer sizes {[a.shape[1] for a in trace.activations]}, not {self.sizes}")
        X, Y = self.prepare(X if trace is None else trace.activations[0], Y)
        return self.backward_unchecked(trace or self.trace_unchecked(X), Y)

    def step(self, grads: Gradients, learning_rate: float) -> None:
        """Plain gradient descent, in place: param -= learning_rate * grad."""
        learning_rate = real_number(learning_rate, "learning_rate", positive=True)
        for name in ("weights", "biases"):
            for l, (p, g) in enumerate(zip(getattr(self, name), getattr(grads, name))):
                check_same_shape(np.asarray(g), p, f"grads.{name}[{l}]", f"{name}[{l}]")
        self.step_unchecked(grads, learning_rate)

    def predict(self, X) -> np.ndarray:
        """Predicted class labels (n_samples,) int, by ``activations.labels_from_outputs``."""
        return labels_from_outputs(np.atleast_2d(self.forward(X)), self.output_activation)

    def accuracy(self, X, y) -> float:
        """Fraction of samples classified right. y: labels (n,), one-hot (n, k) or (n, 1) of 0/1."""
        X = self.prepare(X)
        labels = as_labels(y, X.shape[0])
        if self.sizes[-1] == 1:
            labels = labels_from_outputs(labels[:, None], self.output_activation)
        predicted = labels_from_outputs(self.trace_unchecked(X).activations[-1], self.output_activation)
        return float(np.mean(predicted == labels))

    # ------------------------------------------------------------------- bookkeeping
    @property
    def n_parameters(self) -> int:
        """How many numbers training adjusts: every weight and bias."""
        return sum(np.size(W) + np.size(b) for W, b in zip(self.weights, self.biases))

    def parameters(self) -> list:
        """The parameter arrays themselves (not copies): [W^1, b^1, W^2, b^2, ...]."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def copy(self) -> "MLP":
        """An independent network with the same settings and parameter values."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.weights = [np.array(W, dtype=self.dtype) for W in self.weights]
        twin.biases = [np.array(b, dtype=self.dtype) for b in self.biases]
        return twin

    def astype(self, dtype) -> "MLP":
        """A copy of the network with every parameter converted to ``dtype``."""
        twin = self.copy()
        twin.dtype = np.dtype(dtype)
        as_parameters(twin.weights, twin.biases, twin.sizes, twin.dtype)
        return twin

    def __repr__(self) -> str:
        return (
            f"MLP({self.sizes}, hidden_activation={self.hidden_activation.name!r}, "
            f"output_activation={self.output_activation.name!r}, loss={self.loss_function.name!r}, "
            f"dtype={self.dtype.name!r})"
        )
