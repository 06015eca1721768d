"""Activation functions and their derivatives, looked up by name.

An activation ``f`` turns a neuron's weighted sum ``z`` into its output
``a = f(z)``. Back-propagation needs ``f'(z)``; for the elementwise functions
that is one number per neuron, for softmax it is a matrix (every output depends
on every input), so each activation offers ``backward(grad_a, z, a)``: given
``dL/da`` it returns ``dL/dz``, whatever the shape of the derivative.

All arrays below have shape ``(n_samples, n_units)`` unless said otherwise;
the elementwise functions accept any shape.
"""

from __future__ import annotations

import numpy as np

from .validation import CourseError, lookup


class Activation:
    """An activation function ``a = f(z)`` with its derivative.

    Subclasses implement ``__call__`` and ``derivative``; ``backward`` is the
    chain rule for an elementwise function and is overridden by softmax.
    """

    name = "activation"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """f(z), same shape as z."""
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """f'(z) elementwise, same shape as z."""
        raise NotImplementedError

    def backward(self, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """dL/dz from dL/da (all the same shape); ``a`` is ``f(z)``, passed to save recomputing it."""
        return grad_a * self.derivative(z)

    def __repr__(self) -> str:
        return f"<activation {self.name!r}>"


class Identity(Activation):
    """f(z) = z: a linear unit (and what an input node does)."""

    name = "identity"

    def __call__(self, z):
        return np.asarray(z)

    def derivative(self, z):
        return np.ones_like(z)

    def backward(self, grad_a, z, a):
        return grad_a


class Sigmoid(Activation):
    """The logistic function 1 / (1 + e^-z), squashing into (0, 1); f' = f (1 - f)."""

    name = "sigmoid"

    def __call__(self, z):
        z = np.asarray(z)
        # e^-|z| never overflows: for negative z use e^z / (1 + e^z) instead.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(z, np.float32), copy=False)

    def derivative(self, z):
        s = self(z)
        return s * (1.0 - s)

    def backward(self, grad_a, z, a):
        return grad_a * a * (1.0 - a)


class Tanh(Activation):
    """The hyperbolic tangent, squashing into (-1, 1); f' = 1 - f^2."""

    name = "tanh"

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z):
        t = np.tanh(z)
        return 1.0 - t * t

    def backward(self, grad_a, z, a):
        # Written in place to save two temporaries in the training loop's hot path.
        grad_z = np.multiply(a, a)
        np.subtract(1.0, grad_z, out=grad_z)
        grad_z *= grad_a
        return grad_z


class ReLU(Activation):
    """The rectified linear unit max(0, z); f' is 1 for z > 0 and 0 otherwise."""

    name = "relu"

    def __call__(self, z):
        return np.maximum(z, 0)

    def derivative(self, z):
        return (np.asarray(z) > 0).astype(np.result_type(z, np.float32))

    def backward(self, grad_a, z, a):
        return np.where(z > 0, grad_a, 0).astype(grad_a.dtype, copy=False)


class LeakyReLU(Activation):
    """max(slope * z, z): like ReLU but with a small slope for z < 0, so units never die."""

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01):
        self.slope = slope

    def __call__(self, z):
        z = np.asarray(z)
        return np.where(z > 0, z, self.slope * z)

    def derivative(self, z):
        z = np.asarray(z)
        return np.where(z > 0, 1.0, self.slope).astype(np.result_type(z, np.float32), copy=False)

    def backward(self, grad_a, z, a):
        return np.where(z > 0, grad_a, self.slope * grad_a)


class Softmax(Activation):
    """Turns a row of scores into probabilities: e^z_i / sum_j e^z_j, row by row.

    Shapes: z (n_samples, n_classes) -> a (n_samples, n_classes), rows summing to 1.
    Its derivative is a matrix per sample (``jacobian``), not one number per unit.
    """

    name = "softmax"

    def __call__(self, z):
        z = np.asarray(z)
        # Subtracting the row maximum changes nothing mathematically and keeps e^z <= 1.
        shifted = z - z.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, z):
        raise CourseError(
            "softmax has no elementwise derivative: each output depends on every input. "
            "Use Softmax.jacobian(z) for the (n_samples, k, k) matrix, or backward(grad_a, z, a)."
        )

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        """da_i/dz_j = a_i (delta_ij - a_j). Shapes: z (n, k) -> (n, k, k)."""
        a = self(np.atleast_2d(z))
        return a[:, :, None] * (np.eye(a.shape[1], dtype=a.dtype) - a[:, None, :])

    def backward(self, grad_a, z, a):
        # The Jacobian-vector product without building the Jacobian: a * (g - sum(g * a)).
        return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    act.name: act for act in (Identity(), Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softmax())
}
ACTIVATION_NAMES = tuple(ACTIVATIONS)


def get_activation(name: str | Activation) -> Activation:
    """The activation called ``name`` (one of ``ACTIVATION_NAMES``); an ``Activation`` passes through."""
    if isinstance(name, Activation):
        return name
    return lookup(name, ACTIVATIONS, "activation")


def decision_threshold(activation: str | Activation) -> float:
    """Where a single output unit switches class: the middle of its range (0 for tanh, 0.5 otherwise)."""
    return 0.0 if get_activation(activation).name == "tanh" else 0.5


def labels_from_outputs(outputs: np.ndarray, activation: str | Activation) -> np.ndarray:
    """The class each row of a network's outputs stands for: the course's one rule.

    outputs: (n_samples, n_out) -> (n_samples,) int. Several outputs: the index of
    the largest. One output: 1 above ``decision_threshold`` of the output activation.
    """
    outputs = np.atleast_2d(outputs)
    if outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    return (outputs[:, 0] > decision_threshold(activation)).astype(np.int64)
