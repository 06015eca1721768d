"""Input checks that fail early with a message a learner can act on.

A numpy broadcasting error from deep inside a backward pass says little about
what went wrong. Every public function of the course checks its input with the
helpers here, so a mistake is reported where it was made, in the course's words.
"""
from __future__ import annotations

import numbers
from typing import Iterable, Mapping, TypeVar

import numpy as np

T = TypeVar("T")


class CourseError(ValueError):
    """Base class of the course's input errors (a ``ValueError``)."""


class ShapeError(CourseError):
    """An array has the wrong shape; the message names the expected and given shapes."""


class UnknownNameError(CourseError, KeyError):
    """A name (activation, loss, data set...) is not known; the message lists the valid ones."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0])


class NonFiniteError(CourseError):
    """An input holds NaN or infinity."""


def lookup(name: str, table: Mapping[str, T], kind: str) -> T:
    """Return ``table[name]``, or raise ``UnknownNameError`` listing the valid names.

    ``kind`` names what is looked up ("activation", "loss", ...) for the message.
    """
    if isinstance(name, str) and name in table:
        return table[name]
    valid = ", ".join(repr(key) for key in table)
    raise UnknownNameError(f"unknown {kind} {name!r}; valid {kind} names are: {valid}")


def describe_shape(shape: Iterable) -> str:
    """Format a shape, with ``None`` for "any size", as ``(n_samples, 3)``."""
    parts = ["any" if size is None else str(size) for size in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def as_array(
    value,
    name: str,
    *,
    ndim: int | None = None,
    shape: tuple | None = None,
    dtype=None,
    finite: bool = True,
) -> np.ndarray:
    """Convert ``value`` to an array and check it.

    Parameters
    ----------
    value : array-like
    name : what the array is called in the message, e.g. ``"X"``.
    ndim : required number of dimensions, or None for any.
    shape : required shape; an entry of None matches any size.
    dtype : convert to this dtype (no copy when it already matches).
    finite : reject NaN and infinity.

    Returns
    -------
    np.ndarray with the requested dtype.
    """
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise CourseError(f"{name} must be an array of numbers, got {type(value).__name__}: {exc}") from None
    if array.dtype == object:
        raise CourseError(f"{name} must be an array of numbers, but its rows have different lengths or hold non-numbers")
    if ndim is not None and array.ndim != ndim:
        raise ShapeError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if shape is not None:
        expected_ndim_ok = array.ndim == len(shape)
        sizes_ok = expected_ndim_ok and all(want is None or want == got for want, got in zip(shape, array.shape))
        if not sizes_ok:
            raise ShapeError(f"{name} has shape {array.shape}, expected {describe_shape(shape)}")
    if finite and array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        raise NonFiniteError(
            f"{name} contains non-finite values (NaN or infinity), first at index {tuple(int(i) for i in bad)}"
        )
    return array


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ShapeError`` naming both shapes unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ShapeError(f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; they must match")


def whole_number(value, name: str, minimum: int = 0) -> int:
    """``value`` as an int; ``CourseError`` unless it is a whole number >= ``minimum``.

    ``True`` and ``False`` are refused: a bool where a count belongs is almost always a slip.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise CourseError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def real_number(value, name: str, *, positive: bool = False) -> float:
    """``value`` as a float; ``CourseError`` unless it is a finite real number (> 0 when ``positive``)."""
    is_real = isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_))
    if not is_real or not np.isfinite(value) or (positive and value <= 0):
        raise CourseError(f"{name} must be a {'positive' if positive else 'finite'} number, got {value!r}")
    return float(value)
