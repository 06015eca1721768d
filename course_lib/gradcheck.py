"""Numerical gradient checking: the test every back-propagation code must pass.

The centred difference ``(f(x + h) - f(x - h)) / 2h`` approximates a derivative
with an error of order h^2, using nothing but the function itself. Comparing it
with the analytic gradient by *relative* error, entry by entry, makes the verdict
independent of each entry's scale: below 1e-6 is right, above 1e-4 is a bug (see ``relative_error``).
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


def relative_errors(analytic, numeric) -> np.ndarray:
    """Entry by entry, |a - n| / (|a| + |n|): 0 when equal, 1 when one is zero or they have opposite signs.

    Shapes: ``analytic`` and ``numeric`` alike; the result too. Where both entries
    are exactly zero the error is 0.
    """
    a = as_array(analytic, "analytic gradient", dtype=np.float64)
    n = as_array(numeric, "numerical gradient", dtype=np.float64)
    check_same_shape(a, n, "the analytic gradient", "the numerical gradient")
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), np.finfo(np.float64).tiny)


def relative_error(analytic, numeric) -> float:
    """The worst entry of ``relative_errors``. The course's rule, in float64 with h = 1e-5:
    below 1e-6 the gradients agree; above 1e-4 there is a bug; between, look closer.

    Element-wise on purpose: dividing by the largest entry instead would let a sign
    error in a tiny entry pass, e.g. [1, 1e-8] against [1, -1e-8] scores 1 here,
    not 1e-8. The price: the centred difference is only accurate to about 1e-11
    in absolute terms (rounding, eps * loss / h), so an entry much smaller than
    about 1e-5 cannot reach the rule. Compare gradients whose entries are well
    above that (scale the loss up, use fewer layers) rather than loosen the rule.
    """
    errors = relative_errors(analytic, numeric)
    return float(errors.max(initial=0.0))


def verdict(error: float, bound: float = 1e-8) -> str:
    """A relative error in words that every machine prints alike.

    A right gradient's error is rounding noise: 1e-11 with one processor's
    arithmetic, 3e-10 with another's. So it is reported as below ``bound``,
    never as its digits. A wrong gradient's error is large and the same
    everywhere, so its value is shown.
    """
    if error < bound:
        return f"agree: relative error < {bound:.0e}".replace("e-0", "e-")
    if error < 1e-6:
        return "agree: relative error < 1e-6"
    if error > 1e-4:
        return f"disagree: relative error {error:.1e}, a bug"
    return "look closer: relative error between 1e-6 and 1e-4"


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
        rows = [f"{name:>12}: {verdict(err, self.tolerance)}" for name, err in self.errors.items()]
        outcome = "PASSED" if self.passed else "FAILED"
        return "\n".join(rows + [f"gradient check {outcome} (tolerance {self.tolerance:.0e})"])


def check_network_gradients(net, X, Y, h: float = 1e-5, tolerance: float = 1e-6) -> GradCheckReport:
    """Compare ``net.backward`` with numerical gradients of ``net.loss`` for every parameter.

    ``net`` is a ``course_lib.MLP`` (a float64 copy is checked, so float32 nets work
    too); X: (n_samples, sizes[0]); Y: targets as ``MLP.backward`` takes them.
    Returns a ``GradCheckReport``; ``report.passed`` tells the verdict.
    """
    net = net.astype(np.float64)
    grads = net.backward(X, Y)
    errors = {}
    for kind in ("weights", "biases"):
        for l, param in enumerate(getattr(net, kind)):
            numeric = numerical_gradient(lambda _: net.loss(X, Y), param, h)
            errors[f"{kind}[{l}]"] = relative_error(getattr(grads, kind)[l], numeric)
    return GradCheckReport(errors, tolerance)
