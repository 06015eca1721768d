"""Searching for weights versus following the gradient (lesson 03).

Two ideas live here. First, what trying every combination of weights would cost:
with ``v`` values per weight, ``N`` weights give ``v**N`` combinations, a number
that leaves floating point behind after a few hundred weights, so it is kept as a
Python integer and the times as exact fractions. Second, a race on one loss
function between random search (guess, keep the best) and gradient descent
(step downhill: ``w <- w - eta * dL/dw``), each returning its whole history.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .training import DivergenceError
from .validation import CourseError, ShapeError, as_array, real_number, whole_number

__all__ = [
    "SECONDS_PER_YEAR", "AGE_OF_UNIVERSE_SECONDS", "combinations", "search_seconds", "format_number",
    "human_duration", "SearchCost", "search_cost_table", "format_cost_table", "LeastSquares",
    "SearchRun", "random_search", "DescentRun", "gradient_descent",
]

SECONDS_PER_YEAR = 31_557_600  # a Julian year of 365.25 days, exactly
AGE_OF_UNIVERSE_YEARS = 13_800_000_000  # 13.8 billion years (Planck 2018: 13.79)
AGE_OF_UNIVERSE_SECONDS = AGE_OF_UNIVERSE_YEARS * SECONDS_PER_YEAR

# (seconds per unit, name): the largest unit not bigger than the duration is used.
_UNITS = (
    (Fraction(1, 10**9), "nanosecond"), (Fraction(1, 10**6), "microsecond"), (Fraction(1, 1000), "millisecond"),
    (Fraction(1), "second"), (Fraction(60), "minute"), (Fraction(3600), "hour"), (Fraction(86400), "day"),
    (Fraction(SECONDS_PER_YEAR), "year"),
)


# ---------------------------------------------------------------- exhaustive search cost
def _positive_exact(value, name: str) -> Fraction:
    """A positive finite int, float or Fraction as an exact Fraction (1e9 is exactly 10**9)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CourseError(f"{name} must be a positive number, got {type(value).__name__}: {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise CourseError(f"{name} must be finite, got {value!r}")
    exact = Fraction(value)
    if exact <= 0:
        raise CourseError(f"{name} must be a positive number, got {value!r}")
    return exact


def combinations(n_weights: int, values_per_weight: int = 1000) -> int:
    """How many weight settings exhaustive search must try: ``values_per_weight ** n_weights``, exactly."""
    return whole_number(values_per_weight, "values_per_weight", 1) ** whole_number(n_weights, "n_weights", 0)


def search_seconds(n_weights: int, values_per_weight: int = 1000, tries_per_second=10**9) -> Fraction:
    """Seconds to try every combination at ``tries_per_second``, as an exact ``Fraction``."""
    return Fraction(combinations(n_weights, values_per_weight)) / _positive_exact(tries_per_second, "tries_per_second")


def _floor_log10(x: Fraction) -> int:
    """The integer e with 10**e <= x < 10**(e + 1), for x > 0, exactly (x may have 300,000 digits)."""
    # math.log10 takes huge ints without overflow; its guess is then corrected exactly.
    e = math.floor(math.log10(x.numerator) - math.log10(x.denominator))
    while Fraction(10) ** e > x:
        e -= 1
    while Fraction(10) ** (e + 1) <= x:
        e += 1
    return e


def _significant(x: Fraction, digits: int) -> tuple[int, int]:
    """x rounded to ``digits`` significant digits, as (mantissa m, exponent e): x ~ m * 10**(e - digits + 1).

    10**(digits - 1) <= m < 10**digits; halves round up.
    """
    e = _floor_log10(x)
    m = math.floor(x / Fraction(10) ** (e - digits + 1) + Fraction(1, 2))
    if m == 10**digits:  # 9.9996 rounded to 4 digits is 10.00: one more power of ten
        m, e = m // 10, e + 1
    return m, e


def format_number(x, digits: int = 4) -> str:
    """A positive number (int, float or Fraction) to ``digits`` significant digits, for people.

    Between 0.0001 and 10**15 it is written out (``16.67``, ``0.001``,
    ``1,000,000``); beyond, as ``2.296 × 10^305283`` (or ``10^300`` when the
    mantissa is 1). Exact: numbers with hundreds of thousands of digits are fine.
    """
    digits = whole_number(digits, "digits", 1)
    x = _positive_exact(x, "the number")
    m, e = _significant(x, digits)
    mantissa = Decimal(m).scaleb(-(digits - 1)).normalize()  # in [1, 10), trailing zeros dropped
    if -4 <= e < 15:
        value = Decimal(m).scaleb(e - digits + 1)
        text = f"{value:,f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"10^{e}" if mantissa == 1 else f"{mantissa:f} × 10^{e}"


def _count(text: str, unit: str) -> str:
    return f"{text} {unit}" + ("" if text == "1" else "s")


def _rounded(x: Fraction, digits: int) -> Fraction:
    m, e = _significant(x, digits)
    return m * Fraction(10) ** (e - digits + 1)


def human_duration(seconds, digits: int = 4) -> str:
    """A duration in seconds (exact or float) in the largest fitting unit, to ``digits`` digits.

    Nanoseconds up to years (``"16.67 minutes"``, ``"11.57 days"``,
    ``"31.69 million years"``); from the age of the universe (13.8 billion
    years) on it says ``"2.296 times the age of the universe"``.
    """
    digits = whole_number(digits, "digits", 1)
    if isinstance(seconds, numbers.Real) and not isinstance(seconds, bool) and seconds == 0:
        return "0 seconds"
    exact = _positive_exact(seconds, "seconds")
    # Units are chosen after rounding, so 59.99996 s reads "1 minute", not "60 seconds".
    if _rounded(exact / AGE_OF_UNIVERSE_SECONDS, digits) >= 1:
        return f"{format_number(exact / AGE_OF_UNIVERSE_SECONDS, digits)} times the age of the universe"
    for size, unit in reversed(_UNITS):
        amount = exact / size
        if _rounded(amount, digits) >= 1:
            break
    if unit == "year":
        for scale, word in ((10**9, "billion"), (10**6, "million")):
            if _rounded(amount / scale, digits) >= 1:
                return f"{format_number(amount / scale, digits)} {word} years"
    return _count(format_number(amount, digits), unit)


@dataclass(frozen=True)
class SearchCost:
    """One row of the exhaustive-search table: ``combinations`` is an exact int, ``seconds`` a Fraction."""

    n_weights: int
    combinations: int
    seconds: Fraction
    duration: str


def search_cost_table(n_weights=(1, 2, 3, 4, 5, 6, 10, 100), values_per_weight: int = 1000,
                      tries_per_second=10**9, digits: int = 4) -> list[SearchCost]:
    """The cost of trying every combination, one ``SearchCost`` per entry of ``n_weights``."""
    if isinstance(n_weights, (int, np.integer)):
        n_weights = [n_weights]
    rows = []
    for n in n_weights:
        seconds = search_seconds(n, values_per_weight, tries_per_second)
        rows.append(SearchCost(int(n), combinations(n, values_per_weight), seconds, human_duration(seconds, digits)))
    return rows


def format_cost_table(rows: list[SearchCost], digits: int = 4) -> str:
    """The table as text: weights, combinations, time to try them all."""
    lines = [f"{'weights':>8}  {'combinations':>22}  time to try them all"]
    for row in rows:
        lines.append(f"{row.n_weights:>8,}  {format_number(row.combinations, digits):>22}  {row.duration}")
    return "\n".join(lines)


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


# ---------------------------------------------------------------- the race
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
    w = np.atleast_1d(as_array(start, "start", dtype=np.float64)).copy()
    if w.ndim != 1:
        raise ShapeError(f"start must be a 1-D array of weights, got shape {w.shape}")
    learning_rate = real_number(learning_rate, "learning_rate", positive=True)
    steps = whole_number(steps, "steps", 0)
    path, losses = [w.copy()], [float(loss(w))]
    for step in range(1, steps + 1):
        g = np.atleast_1d(np.asarray(gradient(w), dtype=np.float64))
        if g.shape != w.shape:
            raise ShapeError(f"gradient(w) has shape {g.shape} but w has shape {w.shape}; they must match")
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, in words
            w = w - learning_rate * g
            value = float(loss(w)) if np.all(np.isfinite(w)) else math.inf
        if not math.isfinite(value):
            raise DivergenceError(f"gradient descent diverged at step {step}: the weights or the loss became "
                                  f"infinite or NaN with learning_rate={learning_rate:g}. "
                                  f"Try a smaller learning rate, e.g. {learning_rate / 10:g}.")
        path.append(w.copy())
        losses.append(value)
    return DescentRun(np.array(path), np.array(losses), float(learning_rate))
