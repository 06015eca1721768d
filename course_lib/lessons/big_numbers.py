"""What trying every combination of weights would cost (lesson 03), in exact numbers.

With ``v`` values per weight, ``N`` weights give ``v**N`` combinations, a number
that leaves floating point behind after a few hundred weights, so it is kept as a
Python integer and the times as exact fractions, formatted for reading.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from ..validation import CourseError, whole_number

SECONDS_PER_YEAR = 31_557_600  # a Julian year of 365.25 days, exactly
AGE_OF_UNIVERSE_YEARS = 13_800_000_000  # 13.8 billion years (Planck 2018: 13.79)
AGE_OF_UNIVERSE_SECONDS = AGE_OF_UNIVERSE_YEARS * SECONDS_PER_YEAR

# (seconds per unit, name): the largest unit not bigger than the duration is used.
_UNITS = (
    (Fraction(1, 10**9), "nanosecond"),
    (Fraction(1, 10**6), "microsecond"),
    (Fraction(1, 1000), "millisecond"),
    (Fraction(1), "second"),
    (Fraction(60), "minute"),
    (Fraction(3600), "hour"),
    (Fraction(86400), "day"),
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


def search_cost_table(
    n_weights=(1, 2, 3, 4, 5, 6, 10, 100), values_per_weight: int = 1000, tries_per_second=10**9, digits: int = 4
) -> list[SearchCost]:
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
