"""Lesson 03's race: random search (guess, keep the best) against gradient descent.

Both run on the same loss, a least-squares line fit whose exact minimum is known,
and both return their whole history, so the lesson can plot who gets closer for
the same number of loss evaluations. Gradient descent is ``lessons.descent``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import CourseError, ShapeError, as_array, whole_number


# ---------------------------------------------------------------- a loss to race on
class LeastSquares:
    """The mean squared error of a linear model, with its gradient and its exact minimum.

    ``loss(w) = mean((X @ w - y)**2)`` for inputs ``X (n_samples, n_weights)``,
    targets ``y (n_samples,)`` and weights ``w (n_weights,)``. A column of ones in
    ``X`` makes its weight an intercept: ``X = [x, 1]`` fits the line ``y = slope x + intercept``.
    """

    def __init__(self, X, y):
        self.X = as_array(X, "X", ndim=2, dtype=np.float64)
        self.y = as_array(y, "y", shape=(self.X.shape[0],), dtype=np.float64)
        self.n_weights = self.X.shape[1]

    def _weights(self, w) -> np.ndarray:
        return as_array(w, "w", shape=(self.n_weights,), dtype=np.float64)

    def loss(self, w) -> float:
        """The loss at ``w (n_weights,)``."""
        residual = self.X @ self._weights(w) - self.y
        return float(residual @ residual / len(self.y))

    def gradient(self, w) -> np.ndarray:
        """dL/dw = 2 X^T (X w - y) / n_samples, shape (n_weights,)."""
        residual = self.X @ self._weights(w) - self.y
        return 2.0 * (self.X.T @ residual) / len(self.y)

    def minimum(self) -> np.ndarray:
        """The best weights (n_weights,), by linear algebra (least squares), for reference."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]

    def curvatures(self) -> np.ndarray:
        """Eigenvalues of the Hessian 2 X^T X / n, ascending: gradient descent needs eta < 2 / largest."""
        return np.linalg.eigvalsh(2.0 * self.X.T @ self.X / len(self.y))


@dataclass
class SearchRun:
    """Random search's history: ``points (n_tries, d)`` tried, in order, and their ``losses (n_tries,)``."""

    points: np.ndarray
    losses: np.ndarray

    @property
    def best_losses(self) -> np.ndarray:
        """(n_tries,): the best loss found after each try, never increasing."""
        return np.minimum.accumulate(self.losses)

    @property
    def best_index(self) -> int:
        """Which try was best (the first of equals)."""
        return int(np.argmin(self.losses))

    @property
    def best_point(self) -> np.ndarray:
        """(d,): the best weights found."""
        return self.points[self.best_index]

    @property
    def best_loss(self) -> float:
        return float(self.losses[self.best_index])


def random_search(loss, low, high, n_tries: int, seed: int = 0) -> SearchRun:
    """Evaluate ``loss`` at ``n_tries`` points drawn uniformly from the box ``low <= w <= high``.

    ``loss`` maps ``w (d,)`` to a float; ``low`` and ``high`` are ``(d,)`` (or
    numbers, for d = 1). The points are ``np.random.default_rng(seed).uniform(low,
    high, size=(n_tries, d))``, so a run can be reproduced.
    """
    low = np.atleast_1d(as_array(low, "low", dtype=np.float64))
    high = np.atleast_1d(as_array(high, "high", dtype=np.float64))
    if low.ndim != 1 or low.shape != high.shape:
        raise ShapeError(f"low and high must be 1-D and alike, got shapes {low.shape} and {high.shape}")
    if np.any(low >= high):
        raise CourseError(f"every entry of low must be below high, got low={low} and high={high}")
    n_tries = whole_number(n_tries, "n_tries", 1)
    points = np.random.default_rng(seed).uniform(low, high, size=(n_tries, low.size))
    losses = np.array([float(loss(w)) for w in points])
    return SearchRun(points, losses)
