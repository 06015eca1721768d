"""A multi-layer perceptron whose code follows the equations of the course.

For layer ``l`` (counting from 0 at the first weight matrix)::

    z[l] = a[l] @ W[l].T + b[l]        # the math's z = W a_prev + b, one row per sample
    a[l+1] = f(z[l])                   # f is the hidden activation, or the output one

and back-propagation, with ``delta[l] = dL/dz[l]`` (the textbook error term)::

    delta[last] = dL/da_out * f'(z[last])             # fused to (P - Y)/n for softmax + cross-entropy
    delta[l]    = (delta[l+1] @ W[l+1]) * f'(z[l])    # error flows backward
    dL/dW[l]    = delta[l].T @ a[l]                   # summed over the batch by the matrix product
    dL/db[l]    = delta[l].sum(axis=0)

Everything is vectorised over the batch: a row of ``X`` is one sample.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation
from .losses import FUSED_OUTPUT, Loss, get_loss
from .validation import CourseError, ShapeError, as_array, lookup, real_number

_INITS = {
    # Each maps (n_in, n_out, weight_scale) to the standard deviation of the normal draw.
    "xavier": lambda n_in, n_out, scale: np.sqrt(2.0 / (n_in + n_out)),
    "he": lambda n_in, n_out, scale: np.sqrt(2.0 / n_in),
    "normal": lambda n_in, n_out, scale: scale,
    "zeros": lambda n_in, n_out, scale: 0.0,
}
INIT_NAMES = tuple(_INITS)


@dataclass
class Trace:
    """What a forward pass computed, kept for the backward pass.

    ``zs[l]``: (n_samples, sizes[l+1]), the weighted sums of layer l.
    ``activations[l]``: (n_samples, sizes[l]); ``activations[0]`` is the input X
    and ``activations[-1]`` the network's output.
    """

    zs: list
    activations: list


@dataclass
class Gradients:
    """The result of ``MLP.backward``: dL/dparam for every parameter, and more.

    ``weights[l]``: (sizes[l+1], sizes[l]) and ``biases[l]``: (sizes[l+1],), shaped like
    the parameters. ``deltas[l]``: (n_samples, sizes[l+1]), the error term dL/dz of
    layer l. ``signals[l]`` is ``-deltas[l]``, the "signal" of the seven-step recipe.
    ``loss`` is the loss at the forward pass; ``trace`` that pass's zs and activations.
    """

    weights: list
    biases: list
    deltas: list = field(default_factory=list)
    loss: float = float("nan")
    trace: Trace | None = None

    @property
    def signals(self) -> list:
        """Each layer's signal, (target - output) flavoured: exactly ``-deltas[l]``."""
        return [-delta for delta in self.deltas]

    def parameters(self) -> list:
        """The gradients in the order of ``MLP.parameters()``: [dW0, db0, dW1, db1, ...]."""
        return [g for pair in zip(self.weights, self.biases) for g in pair]


class MLP:
    """A fully connected feed-forward network trained by back-propagation.

    Parameters
    ----------
    sizes : layer sizes, inputs first, e.g. ``[784, 128, 10]``.
    hidden_activation, output_activation : activation names (see ``ACTIVATION_NAMES``).
    loss : loss name (see ``LOSS_NAMES``).
    seed : seed of the random initial weights.
    dtype : ``"float64"`` (default) or ``"float32"``, kept end to end.
    init : ``"xavier"`` (default), ``"he"``, ``"normal"`` (std ``weight_scale``) or ``"zeros"``.
    weight_scale : standard deviation for ``init="normal"`` (0.1: variance 0.01).

    Attributes ``weights[l]`` (sizes[l+1], sizes[l]) and ``biases[l]`` (sizes[l+1],)
    may be assigned to set a network by hand; they are checked at the next use.
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
        sizes = list(sizes) if not isinstance(sizes, (str, bytes)) else None
        if not sizes or len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in sizes):
            raise CourseError(f"sizes must list at least two positive whole numbers (inputs, ..., outputs), got {sizes!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise CourseError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        self.sizes = [int(n) for n in sizes]
        self.hidden_activation = get_activation(hidden_activation)
        self.output_activation = get_activation(output_activation)
        self.loss_function = get_loss(loss)
        if self.output_activation.name == "softmax" and self.sizes[-1] < 2:
            raise CourseError("a softmax output needs at least 2 output units; use 'sigmoid' for one unit")
        # With its matching output, a cross-entropy's dL/dz is simply (P - Y) / n: use it.
        self.fused = FUSED_OUTPUT.get(self.loss_function.name) == self.output_activation.name
        std_of = lookup(init, _INITS, "init")
        rng = np.random.default_rng(seed)
        self.weights = []
        self.biases = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            # Draw in float64 whatever the dtype, so float32 and float64 nets start alike.
            W = rng.standard_normal((n_out, n_in)) * std_of(n_in, n_out, weight_scale)
            self.weights.append(W.astype(self.dtype))
            self.biases.append(np.zeros(n_out, dtype=self.dtype))

    # ----------------------------------------------------------------- helpers
    def __repr__(self) -> str:
        return (
            f"MLP({self.sizes}, hidden_activation={self.hidden_activation.name!r}, "
            f"output_activation={self.output_activation.name!r}, loss={self.loss_function.name!r}, "
            f"dtype={self.dtype.name!r})"
        )

    @property
    def n_layers(self) -> int:
        """The number of weight layers (one less than ``len(sizes)``)."""
        return len(self.sizes) - 1

    @property
    def n_parameters(self) -> int:
        """How many numbers training adjusts: every weight and bias."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    def activation(self, layer: int) -> Activation:
        """The activation applied after weight layer ``layer``."""
        return self.output_activation if layer == self.n_layers - 1 else self.hidden_activation

    def parameters(self) -> list:
        """The parameter arrays themselves (not copies): [W0, b0, W1, b1, ...]."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def copy(self) -> "MLP":
        """An independent network with the same settings and parameter values."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.weights = [W.copy() for W in self.weights]
        twin.biases = [b.copy() for b in self.biases]
        return twin

    def check_parameters(self) -> None:
        """Check every weight and bias has its layer's shape; convert to the net's dtype.

        Called before each public pass, so parameters set by hand (even as lists) work,
        and a wrong shape is reported by name instead of failing inside a matrix product.
        """
        if len(self.weights) != self.n_layers or len(self.biases) != self.n_layers:
            raise ShapeError(
                f"the network has {self.n_layers} layers but {len(self.weights)} weight matrices "
                f"and {len(self.biases)} bias vectors"
            )
        for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            for params, name, shape in ((self.weights, "weights", (n_out, n_in)), (self.biases, "biases", (n_out,))):
                p = params[l]
                if not (isinstance(p, np.ndarray) and p.dtype == self.dtype and p.shape == shape):
                    params[l] = as_array(p, f"{name}[{l}]", shape=shape, dtype=self.dtype)

    def _inputs(self, X) -> tuple[np.ndarray, bool]:
        """X as a (n_samples, n_in) array of the net's dtype, and whether it was one sample."""
        X = as_array(X, "X", dtype=self.dtype)
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ShapeError(
                f"X has shape {X.shape if not single else X.shape[1:]}, expected (n_samples, {self.sizes[0]}): "
                f"the network's first layer takes {self.sizes[0]} inputs"
            )
        return X, single

    def targets(self, Y, n_samples: int) -> np.ndarray:
        """Y as a (n_samples, n_out) array of the net's dtype.

        Accepts (n_samples, n_out); (n_samples,) for a single output unit; (n_out,) for
        a single sample; and, for several outputs, (n_samples,) integer class labels,
        turned into one-hot rows.
        """
        Y = as_array(Y, "Y")
        n_out = self.sizes[-1]
        if Y.ndim == 1 and n_samples == 1 and Y.shape[0] == n_out > 1:
            Y = Y[None, :]  # the targets of a single sample given as a flat row
        if Y.ndim == 1 and n_out > 1 and Y.shape[0] == n_samples:
            if Y.dtype.kind not in "iu" and not np.all(np.mod(Y, 1) == 0):
                raise CourseError("a 1-D Y for several outputs must hold whole-number class labels")
            labels = Y.astype(np.int64)
            if labels.min(initial=0) < 0 or labels.max(initial=0) >= n_out:
                raise CourseError(f"class labels must lie in 0..{n_out - 1}, got {labels.min()}..{labels.max()}")
            Y = np.zeros((n_samples, n_out), dtype=self.dtype)
            Y[np.arange(n_samples), labels] = 1
            return Y
        given = Y.shape
        if Y.ndim == 1 and n_out == 1:
            Y = Y[:, None]
        if Y.shape != (n_samples, n_out):
            raise ShapeError(
                f"Y has shape {given}, expected ({n_samples}, {n_out}): one row per sample of X "
                f"and one column per output unit"
            )
        return Y.astype(self.dtype, copy=False)

    # ------------------------------------------------------------ the passes
    def trace(self, X) -> Trace:
        """Forward pass keeping every z and activation. X: (n_samples, sizes[0])."""
        self.check_parameters()
        return self._trace(self._inputs(X)[0])

    def _trace(self, X: np.ndarray) -> Trace:
        zs, activations = [], [X]
        a = X
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W.T
            z += b
            a = self.activation(l)(z)
            zs.append(z)
            activations.append(a)
        return Trace(zs, activations)

    def forward(self, X) -> np.ndarray:
        """The network's output. X: (n_samples, sizes[0]) -> (n_samples, sizes[-1]).

        A single sample of shape (sizes[0],) gives an output of shape (sizes[-1],).
        """
        self.check_parameters()
        X, single = self._inputs(X)
        out = self._trace(X).activations[-1]
        return out[0] if single else out

    def loss(self, X, Y) -> float:
        """The loss of the network's output on X against targets Y (see ``targets``)."""
        self.check_parameters()
        X, _ = self._inputs(X)
        return self._loss(self._trace(X), self.targets(Y, X.shape[0]))

    def _loss(self, trace: Trace, Y: np.ndarray) -> float:
        if self.fused:
            return self.loss_function.from_logits(trace.zs[-1], Y)
        return self.loss_function(trace.activations[-1], Y)

    def backward(self, X, Y) -> Gradients:
        """Forward then backward pass: dL/dparam for every weight and bias.

        X: (n_samples, sizes[0]); Y: (n_samples, sizes[-1]) or labels (see ``targets``).
        Returns ``Gradients`` with ``weights[l]``, ``biases[l]`` shaped like the
        parameters, and each layer's ``deltas[l]`` / ``signals[l]`` (n_samples, sizes[l+1]).
        """
        self.check_parameters()
        X, _ = self._inputs(X)
        return self._backward(X, self.targets(Y, X.shape[0]))

    def _backward(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        trace = self._trace(X)
        zs, activations = trace.zs, trace.activations
        output = activations[-1]
        if self.fused:
            delta = self.loss_function.gradient_from_logits(output, Y)
        else:
            grad_output = self.loss_function.gradient(output, Y)
            delta = self.output_activation.backward(grad_output, zs[-1], output)
        last = self.n_layers - 1
        deltas, grad_W, grad_b = [None] * self.n_layers, [None] * self.n_layers, [None] * self.n_layers
        for l in range(last, -1, -1):
            deltas[l] = delta
            grad_W[l] = delta.T @ activations[l]
            grad_b[l] = delta.sum(axis=0)
            if l > 0:
                delta = self.hidden_activation.backward(delta @ self.weights[l], zs[l - 1], activations[l])
        return Gradients(grad_W, grad_b, deltas, self._loss(trace, Y), trace)

    def step(self, grads: Gradients, learning_rate: float) -> None:
        """Plain gradient descent, in place: param -= learning_rate * grad."""
        learning_rate = real_number(learning_rate, "learning_rate", positive=True)
        for params, grad_list, name in ((self.weights, grads.weights, "weights"), (self.biases, grads.biases, "biases")):
            for l, (p, g) in enumerate(zip(params, grad_list)):
                if p.shape != np.shape(g):
                    raise ShapeError(f"grads.{name}[{l}] has shape {np.shape(g)} but {name}[{l}] has shape {p.shape}")
        self._step(grads, learning_rate)

    def _step(self, grads: Gradients, learning_rate: float) -> None:
        # A numpy float64 rate (e.g. from np.logspace) would make every float32 product
        # float64 first; a Python float takes the array's dtype.
        learning_rate = float(learning_rate)
        for W, g in zip(self.weights, grads.weights):
            W -= learning_rate * g
        for b, g in zip(self.biases, grads.biases):
            b -= learning_rate * g

    # ---------------------------------------------------------- predictions
    def predict(self, X) -> np.ndarray:
        """Predicted class labels, (n_samples,) int.

        Several outputs: the index of the largest. One output: 1 when it is above the
        midpoint of the output activation's range (0 for tanh, 0.5 otherwise).
        """
        out = np.atleast_2d(self.forward(X))
        if out.shape[1] > 1:
            return out.argmax(axis=1)
        threshold = 0.0 if self.output_activation.name == "tanh" else 0.5
        return (out[:, 0] > threshold).astype(np.int64)

    def accuracy(self, X, y) -> float:
        """Fraction of samples classified right. y: labels (n,), one-hot (n, k) or (n, 1) of 0/1."""
        X, _ = self._inputs(X)
        labels = as_array(y, "y")
        if labels.ndim == 2 and labels.shape[1] > 1:
            labels = labels.argmax(axis=1)
        labels = labels.reshape(-1)
        if labels.shape[0] != X.shape[0]:
            raise ShapeError(f"y has {labels.shape[0]} labels but X has {X.shape[0]} samples")
        if self.sizes[-1] == 1 and self.output_activation.name == "tanh":
            labels = labels > 0
        return float(np.mean(self.predict(X) == labels))
