"""Loss functions with their gradients, looked up by name.

A loss turns the gap between predictions ``Y_hat`` and targets ``Y`` into one
number. Every loss here is a mean, so its size does not grow with the batch:

- ``mse``: mean over *all* elements of (Y_hat - Y)^2 (PyTorch's ``MSELoss``).
- ``binary_cross_entropy``: mean over all elements of
  -[y log p + (1 - y) log(1 - p)], for sigmoid outputs.
- ``cross_entropy``: mean over samples of -sum_k y_k log p_k, for softmax outputs.

Each takes ``Y_hat, Y`` of shape ``(n_samples, n_outputs)`` and returns a float;
``gradient`` returns dL/dY_hat with the same shape. The cross-entropies also have
``*_from_logits`` forms that take the pre-activation ``z``: they never evaluate
``log(0)`` and give the famously simple gradient ``(softmax(z) - Y) / n``.

The classes hold only the math, as the activations do: ``MLP`` hands them arrays it has
already checked. What a learner types enters through the functions at the bottom
(``mse``, ``binary_cross_entropy``, ``cross_entropy``), which check it once.
"""

from __future__ import annotations

import numpy as np

from .validation import check_same_shape, lookup

# Probabilities are kept this far from 0 and 1 before taking a log, so log(0) is never reached.
_EPS = 1e-12


def _log_clipped(p: np.ndarray) -> np.ndarray:
    eps = max(_EPS, float(np.finfo(np.result_type(p, np.float32)).tiny))
    return np.log(np.clip(p, eps, None))


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _logsumexp(z: np.ndarray) -> np.ndarray:
    """log(sum_k e^z_k) per row, shifted by the row maximum so nothing overflows. (n, k) -> (n,)."""
    peak = z.max(axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(z - peak), axis=-1)) + peak[..., 0]


class Loss:
    """A loss L(Y_hat, Y) -> float with its gradient dL/dY_hat."""

    name = "loss"

    def __call__(self, Y_hat: np.ndarray, Y: np.ndarray) -> float:
        """The loss, a float. Shapes: Y_hat, Y (n_samples, n_outputs)."""
        raise NotImplementedError

    def gradient(self, Y_hat: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """dL/dY_hat, shape (n_samples, n_outputs)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<loss {self.name!r}>"


class MeanSquaredError(Loss):
    """mean((Y_hat - Y)^2) over every element; gradient 2 (Y_hat - Y) / Y.size."""

    name = "mse"

    def __call__(self, Y_hat, Y):
        diff = Y_hat - Y
        return float(np.mean(diff * diff))

    def gradient(self, Y_hat, Y):
        return (2.0 / Y.size) * (Y_hat - Y)


class BinaryCrossEntropy(Loss):
    """mean(-[Y log P + (1 - Y) log(1 - P)]) over every element; P are probabilities."""

    name = "binary_cross_entropy"

    def __call__(self, P, Y):
        return float(-np.mean(Y * _log_clipped(P) + (1 - Y) * _log_clipped(1 - P)))

    def gradient(self, P, Y):
        # In float32, 1 - 1e-12 rounds to 1: keep at least one float step away from 0 and 1.
        eps = max(_EPS, float(np.finfo(np.result_type(P, np.float32)).eps))
        P = np.clip(P, eps, 1 - eps)
        return (P - Y) / (P * (1 - P)) / Y.size

    def from_logits(self, Z, Y) -> float:
        """The same loss computed from z with P = sigmoid(z): log(0) is never evaluated."""
        # -[y log s(z) + (1-y) log(1-s(z))] simplifies to softplus(z) - y z.
        return float(np.mean(_softplus(Z) - Y * Z))

    def gradient_from_logits(self, P, Y) -> np.ndarray:
        """dL/dz for P = sigmoid(z): (P - Y) / Y.size, the sigmoid's derivative cancelled."""
        return (P - Y) / Y.size


class CrossEntropy(Loss):
    """mean over samples of -sum_k Y_k log P_k; each row of P is a probability distribution."""

    name = "cross_entropy"

    def __call__(self, P, Y):
        return float(-np.sum(Y * _log_clipped(P)) / Y.shape[0])

    def gradient(self, P, Y):
        return -Y / np.clip(P, _EPS, None) / Y.shape[0]

    def from_logits(self, Z, Y) -> float:
        """The same loss from scores z with P = softmax(z): logsumexp(z) - sum_k Y_k z_k, averaged."""
        lse = _logsumexp(Z)  # one per sample
        # -log softmax(z)_k = lse - z_k, weighted by Y_k and summed over everything at once
        # (np.vdot flattens): train evaluates this at every step, and one sum is the cheapest.
        return float(np.vdot(Y, lse[..., None] - Z) / lse.size)

    def gradient_from_logits(self, P, Y) -> np.ndarray:
        """dL/dz for P = softmax(z): (P - Y) / n_samples, the softmax Jacobian cancelled."""
        return (P - Y) / Y.shape[0]


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (MeanSquaredError(), BinaryCrossEntropy(), CrossEntropy())}
LOSS_NAMES = tuple(LOSSES)

# The output activation each cross-entropy fuses with (dL/dz = (P - Y) / n).
FUSED_OUTPUT = {"binary_cross_entropy": "sigmoid", "cross_entropy": "softmax"}


def get_loss(name: str | Loss) -> Loss:
    """The loss called ``name`` (one of ``LOSS_NAMES``); a ``Loss`` passes through."""
    if isinstance(name, Loss):
        return name
    return lookup(name, LOSSES, "loss")


def _checked(Y_hat, Y) -> tuple[np.ndarray, np.ndarray]:
    Y_hat, Y = np.asarray(Y_hat), np.asarray(Y)
    check_same_shape(Y_hat, Y, "the predictions Y_hat", "the targets Y")
    return Y_hat, Y


def mse(Y_hat, Y) -> float:
    """Mean squared error over every element. Shapes: Y_hat, Y (n_samples, n_outputs) -> float."""
    return LOSSES["mse"](*_checked(Y_hat, Y))


def binary_cross_entropy(P, Y) -> float:
    """Binary cross-entropy of probabilities P against 0/1 targets Y, same shape -> float."""
    return LOSSES["binary_cross_entropy"](*_checked(P, Y))


def cross_entropy(P, Y) -> float:
    """Categorical cross-entropy of row-distributions P (n, k) against one-hot Y (n, k) -> float."""
    return LOSSES["cross_entropy"](*_checked(P, Y))
