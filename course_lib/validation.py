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
    """An input holds NaN or infinity, or an operation has no finite real result (log(0), 1/0, an overflow)."""


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
        raise CourseError(
            f"{name} must be an array of numbers, but its rows have different lengths or hold non-numbers"
        )
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


def real_number(
    value,
    name: str,
    *,
    positive: bool = False,
    minimum: float | None = None,
    between: tuple[float, float] | None = None,
) -> float:
    """``value`` as a float; ``CourseError`` unless it is a finite real number.

    ``positive``: it must be > 0; ``minimum``: >= minimum; ``between=(low, high)``:
    strictly inside that open interval.
    """
    is_real = isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_))
    if not is_real or not np.isfinite(value) or (positive and value <= 0):
        raise CourseError(f"{name} must be a {'positive' if positive else 'finite'} number, got {value!r}")
    if minimum is not None and value < minimum:
        raise CourseError(f"{name} must be a finite number >= {minimum}, got {value!r}")
    if between is not None and not between[0] < value < between[1]:
        raise CourseError(
            f"{name} must be a finite number strictly between {between[0]} and {between[1]}, got {value!r}"
        )
    return float(value)


# ------------------------------------------------------- the network's inputs
# MLP's public methods accept what a learner naturally types (lists, one sample,
# class labels) and hand its math clean arrays; the conversions live here so the
# math in network.py reads like the equations.


def layer_sizes(sizes) -> list[int]:
    """``sizes`` as a list of at least two positive ints (inputs, ..., outputs)."""
    listed = list(sizes) if not isinstance(sizes, (str, bytes)) and np.iterable(sizes) else None
    if (
        not listed
        or len(listed) < 2
        or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in listed)
    ):
        raise CourseError(f"sizes must list at least two positive whole numbers (inputs, ..., outputs), got {sizes!r}")
    return [int(n) for n in listed]


def as_parameters(weights: list, biases: list, sizes: list, dtype) -> None:
    """Convert, in place, every ``weights[l]`` (sizes[l+1], sizes[l]) and ``biases[l]`` (sizes[l+1],) to ``dtype``.

    Parameters set by hand (even as nested lists) then work, and a wrong shape is
    reported by name instead of failing inside a matrix product.
    """
    n_layers = len(sizes) - 1
    if len(weights) != n_layers or len(biases) != n_layers:
        raise ShapeError(
            f"the network has {n_layers} layers but {len(weights)} weight matrices and {len(biases)} bias vectors"
        )
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        for params, name, shape in ((weights, "weights", (n_out, n_in)), (biases, "biases", (n_out,))):
            p = params[l]
            if not (isinstance(p, np.ndarray) and p.dtype == dtype and p.shape == shape):
                params[l] = as_array(p, f"{name}[{l}]", shape=shape, dtype=dtype)


def as_inputs(X, n_inputs: int, dtype) -> tuple[np.ndarray, bool]:
    """X as a (n_samples, n_inputs) array of ``dtype``, and whether it was a single sample (n_inputs,)."""
    X = as_array(X, "X", dtype=dtype)
    single = X.ndim == 1
    if single:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != n_inputs:
        raise ShapeError(
            f"X has shape {X.shape[1:] if single else X.shape}, expected (n_samples, {n_inputs}): "
            f"the network's first layer takes {n_inputs} inputs"
        )
    return X, single


def one_hot(y, n_classes: int | None = None) -> np.ndarray:
    """One-hot encode labels ``y (n,)`` into float64 ``(n, n_classes)``.

    ``n_classes`` defaults to ``max(y) + 1``. Labels must be whole numbers in 0..n_classes-1.
    """
    y = as_array(y, "y", ndim=1)
    if y.dtype.kind not in "iuf" or (y.dtype.kind == "f" and not np.all(y == np.round(y))):
        raise CourseError(f"labels y must be whole numbers 0, 1, 2, ..., got dtype {y.dtype} with values like {y[:5]}")
    labels = y.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise CourseError(f"labels y must not be negative, got {labels.min()} at index {int(np.argmin(labels))}")
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 0
    n_classes = whole_number(n_classes, "n_classes", 0)
    if labels.size and labels.max() >= n_classes:
        raise CourseError(
            f"label {labels.max()} (index {int(np.argmax(labels))}) is too large for "
            f"n_classes={n_classes}; labels must be in 0..{n_classes - 1}"
        )
    encoded = np.zeros((len(labels), n_classes), dtype=np.float64)
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


def as_targets(Y, n_samples: int, n_outputs: int, dtype) -> np.ndarray:
    """Y as a (n_samples, n_outputs) array of ``dtype``.

    Accepts (n_samples, n_outputs); (n_samples,) for a single output unit;
    (n_outputs,) for a single sample; and, for several outputs, (n_samples,)
    whole-number class labels, turned into one-hot rows.
    """
    Y = as_array(Y, "Y")
    if Y.ndim == 1 and n_samples == 1 and Y.shape[0] == n_outputs > 1:
        Y = Y[None, :]
    if Y.ndim == 1 and n_outputs > 1 and Y.shape[0] == n_samples:
        try:
            return one_hot(Y, n_outputs).astype(dtype, copy=False)
        except CourseError as error:
            raise CourseError(f"a 1-D Y for {n_outputs} outputs holds class labels, one per sample: {error}") from None
    given = Y.shape
    if Y.ndim == 1 and n_outputs == 1:
        Y = Y[:, None]
    if Y.shape != (n_samples, n_outputs):
        raise ShapeError(
            f"Y has shape {given}, expected ({n_samples}, {n_outputs}): one row per sample of X "
            f"and one column per output unit"
        )
    return Y.astype(dtype, copy=False)


def as_labels(y, n_samples: int) -> np.ndarray:
    """Class labels (n_samples,) from labels (n,), one-hot rows (n, k) or a (n, 1) column."""
    labels = as_array(y, "y")
    labels = (labels.argmax(axis=1) if labels.ndim == 2 and labels.shape[1] > 1 else labels).reshape(-1)
    if labels.shape[0] != n_samples:
        raise ShapeError(f"y has {labels.shape[0]} labels but X has {n_samples} samples")
    return labels
