"""Numerical gradient checking: the test every back-propagation code must pass.

The centred difference ``(f(x + h) - f(x - h)) / 2h`` approximates a derivative
with an error of order h^2, using nothing but the function itself. Comparing it
with the analytic gradient by *relative* error makes the verdict independent of
the gradient's scale: below about 1e-7 is right, above 1e-4 is a bug.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import as_array, check_same_shape


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f`` at ``x``.

    ``f`` takes the array ``x`` and returns a float. ``x`` (any shape, float64) is
    nudged in place one entry at a time and restored, so ``f`` may also read it
    through another reference (e.g. a network's weight matrix).
    Returns an array shaped like ``x``.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical_gradient needs x as a float64 numpy array (it is nudged in place)")
    grad = np.zeros_like(x)
    flat = x.reshape(-1)  # a view: nudging flat nudges x
    grad_flat = grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + h
        up = float(f(x))
        flat[i] = original - h
        down = float(f(x))
        flat[i] = original
        grad_flat[i] = (up - down) / (2 * h)
    return grad


def relative_error(analytic, numeric) -> float:
    """max |a - n| / max(|a| + |n|) over all entries: 0 when equal, 1 when opposite.

    Shapes: ``analytic`` and ``numeric`` alike. Two all-zero arrays give 0.
    """
    a = as_array(analytic, "analytic gradient", dtype=np.float64)
    n = as_array(numeric, "numerical gradient", dtype=np.float64)
    check_same_shape(a, n, "the analytic gradient", "the numerical gradient")
    scale = np.max(np.abs(a) + np.abs(n), initial=0.0)
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - n)) / scale)


@dataclass
class GradCheckReport:
    """Relative error of each parameter's analytic gradient against the numerical one.

    ``errors`` maps names like ``"weights[0]"`` to relative errors.
    """

    errors: dict
    tolerance: float

    @property
    def max_error(self) -> float:
        """The worst relative error over all parameters."""
        return max(self.errors.values())

    @property
    def passed(self) -> bool:
        """True when every relative error is within the tolerance."""
        return self.max_error <= self.tolerance

    def __str__(self) -> str:
        rows = [f"{name:>12}: relative error {err:.2e}" for name, err in self.errors.items()]
        verdict = "PASSED" if self.passed else "FAILED"
        return "\n".join(rows + [f"gradient check {verdict} (tolerance {self.tolerance:.0e})"])


def check_gradients(net, X, Y, h: float = 1e-6, tolerance: float = 1e-6) -> GradCheckReport:
    """Compare ``net.backward`` with numerical gradients of ``net.loss`` for every parameter.

    ``net`` is a ``course_lib.MLP`` (a float64 copy is checked, so float32 nets work
    too); X: (n_samples, sizes[0]); Y: targets as ``MLP.backward`` takes them.
    Returns a ``GradCheckReport``; ``report.passed`` tells the verdict.
    """
    net = net.copy()
    if net.dtype != np.float64:
        net.dtype = np.dtype(np.float64)
        net.check_parameters()
    grads = net.backward(X, Y)
    errors = {}
    for kind in ("weights", "biases"):
        for l, param in enumerate(getattr(net, kind)):
            numeric = numerical_gradient(lambda _: net.loss(X, Y), param, h)
            errors[f"{kind}[{l}]"] = relative_error(getattr(grads, kind)[l], numeric)
    return GradCheckReport(errors, tolerance)
