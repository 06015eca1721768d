"""Gradient descent on a function of a few weights: ``w <- w - eta * dL/dw``, step by step.

One loop serves lesson 03's race (``gradient_descent``, which stops with a clear
message when the steps diverge) and its learning-rate widget (``descent_path``,
which lets a diverging path run to infinity so the picture can show it).
Training a network is the same step on every weight: ``course_lib.training``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..training import DivergenceError
from ..validation import ShapeError, as_array, real_number, whole_number


def descent_path(gradient, start, learning_rate: float, steps: int) -> np.ndarray:
    """The iterates w_0 = start, ..., w_steps of ``w <- w - learning_rate * gradient(w)``: (steps + 1, d).

    ``start`` is (d,) or a number; ``gradient`` maps (d,) to (d,). Once an iterate
    overflows to infinity the path stays there (with its sign) instead of turning NaN.
    """
    w = np.atleast_1d(as_array(start, "start", dtype=np.float64)).copy()
    if w.ndim != 1:
        raise ShapeError(f"start must be a 1-D array of weights, got shape {w.shape}")
    learning_rate = real_number(learning_rate, "learning_rate", positive=True)
    path = np.empty((whole_number(steps, "steps", 0) + 1, w.size))
    path[0] = w
    for step in range(1, len(path)):
        if np.all(np.isfinite(w)):
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is the caller's to report
                g = np.atleast_1d(np.asarray(gradient(w), dtype=np.float64))
                if g.shape != w.shape:
                    raise ShapeError(f"gradient(w) has shape {g.shape} but w has shape {w.shape}; they must match")
                w = w - learning_rate * g
        path[step] = w
    return path


@dataclass
class DescentRun:
    """Gradient descent's history: ``path (steps + 1, d)`` starting at ``path[0]``, ``losses (steps + 1,)``."""

    path: np.ndarray
    losses: np.ndarray
    learning_rate: float

    @property
    def final_point(self) -> np.ndarray:
        """(d,): where the last step landed."""
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def gradient_descent(loss, gradient, start, learning_rate: float, steps: int) -> DescentRun:
    """Take ``steps`` steps of ``w <- w - learning_rate * gradient(w)`` from ``start (d,)``.

    ``loss`` maps ``w (d,)`` to a float and ``gradient`` maps it to ``(d,)``.
    Raises ``DivergenceError`` (naming the step) if the weights or loss stop being finite.
    """
    path = descent_path(gradient, start, learning_rate, steps)
    losses = np.empty(len(path))
    for step, w in enumerate(path):
        with np.errstate(over="ignore", invalid="ignore"):
            losses[step] = float(loss(w)) if np.all(np.isfinite(w)) else math.inf
        if not math.isfinite(losses[step]):
            raise DivergenceError(
                f"gradient descent diverged at step {step}: the weights or the loss became "
                f"infinite or NaN with learning_rate={learning_rate:g}. "
                f"Try a smaller learning rate, e.g. {learning_rate / 10:g}."
            )
    return DescentRun(path, losses, float(learning_rate))
