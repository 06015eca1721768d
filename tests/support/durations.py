"""Reading lesson 03's big numbers and durations back, independently of course_lib.

Both the lesson's number test and the helpers' unit test parse text such as
'2.296 × 10^305283' or '11.57 days' into a base-10 logarithm, which works far
beyond the range of floats.
"""

from __future__ import annotations

import math
import re

# Seconds per unit, written out independently of the library.
UNIT_SECONDS = {
    "nanosecond": 1e-9,
    "microsecond": 1e-6,
    "millisecond": 1e-3,
    "second": 1.0,
    "minute": 60.0,
    "hour": 3600.0,
    "day": 86400.0,
    "year": 365.25 * 86400.0,
}
LOG10_AGE_OF_UNIVERSE_S = math.log10(13.8e9 * 365.25 * 86400)


def number_log10(text: str) -> float:
    """log10 of '16.67', '1,000,000', '10^300' or '2.296 × 10^305283'."""
    match = re.fullmatch(r"(?:([\d.]+) × )?10\^(\d+)", text)
    if match:
        return (math.log10(float(match.group(1))) if match.group(1) else 0.0) + int(match.group(2))
    return math.log10(float(text.replace(",", "")))


def duration_log10(text: str) -> float:
    """log10 of the seconds a phrase like '11.57 days' or '2.296 times the age of the universe' means."""
    universe = re.fullmatch(r"(.+) times the age of the universe", text)
    if universe:
        return number_log10(universe.group(1)) + LOG10_AGE_OF_UNIVERSE_S
    match = re.fullmatch(r"(.+?) (billion |million )?(\w+?)s?", text)
    scale = {"billion ": 9, "million ": 6, None: 0}[match.group(2)]
    return number_log10(match.group(1)) + scale + math.log10(UNIT_SECONDS[match.group(3)])
