"""Data sets for the course: small 2-D toy problems and the 8x8 handwritten digits.

Every generator is seeded, so the same call always gives the same data. Inputs
``X`` are float64 of shape ``(n_samples, n_features)``; labels ``y`` are int64
class numbers of shape ``(n_samples,)``. Toy generators shuffle their points
and keep the classes balanced (class sizes differ by at most one). MNIST's own
file format is read by ``course_lib.lessons.mnist_files``.
"""

from __future__ import annotations

import inspect
from typing import NamedTuple

import numpy as np

from .validation import CourseError, ShapeError, as_array, lookup, real_number, whole_number
from .validation import one_hot as one_hot  # the encoder lives with as_targets, its user; named here too


class Split(NamedTuple):
    """A train/test split: ``X_train (n_train, ...)``, ``y_train (n_train, ...)``, same for test."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


class ValidationSplit(NamedTuple):
    """Training data with a validation set carved out: ``X_train (n_train, ...)``, ``y_train (n_train, ...)``,
    ``X_val (n_val, ...)``, ``y_val (n_val, ...)``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


# ---------------------------------------------------------------- helpers
def _check_sizes(n_samples, n_classes) -> tuple[int, int]:
    n_samples, n_classes = whole_number(n_samples, "n_samples", 1), whole_number(n_classes, "n_classes", 1)
    if n_samples < n_classes:
        raise CourseError(f"n_samples ({n_samples}) must be at least n_classes ({n_classes})")
    return n_samples, n_classes


def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """Split ``n_samples`` into ``n_classes`` sizes that differ by at most one."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def _finish(parts: list[np.ndarray], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Stack per-class point arrays ``(n_k, 2)`` into shuffled ``X (n, 2)`` and ``y (n,)``."""
    X = np.concatenate(parts).astype(np.float64)
    y = np.concatenate([np.full(len(part), k, dtype=np.int64) for k, part in enumerate(parts)])
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------------------------------------------------------------- toy data sets
def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points: ``X (4, 2)`` corners of the unit square, ``y (4,)`` = x1 XOR x2."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def moons(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles. Returns ``X (n_samples, 2)``, ``y (n_samples,)`` in {0, 1}.

    Class 0 lies on the upper unit half circle, class 1 on a lower one shifted to
    (1, 0.5); ``noise`` is the standard deviation of added Gaussian noise.
    """
    n_samples, _ = _check_sizes(n_samples, 2)
    noise = real_number(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n_samples, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    parts = [p + rng.normal(0, noise, p.shape) for p in (upper, lower)]
    return _finish(parts, rng)


def circles(
    n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius ``factor`` (class 1) inside a unit circle (class 0).

    Returns ``X (n_samples, 2)``, ``y (n_samples,)`` in {0, 1}; ``0 < factor < 1``.
    """
    n_samples, _ = _check_sizes(n_samples, 2)
    noise = real_number(noise, "noise", minimum=0.0)
    factor = real_number(factor, "factor", between=(0.0, 1.0))
    rng = np.random.default_rng(seed)
    parts = []
    for radius, n in zip((1.0, factor), _class_sizes(n_samples, 2)):
        angle = rng.uniform(0, 2 * np.pi, n)
        ring = radius * np.column_stack([np.cos(angle), np.sin(angle)])
        parts.append(ring + rng.normal(0, noise, ring.shape))
    return _finish(parts, rng)


def spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms around the origin, radius up to 1.

    Returns ``X (n_samples, 2)``, ``y (n_samples,)`` in 0..n_classes-1. ``noise``
    is the standard deviation of the noise added to each point's angle (radians).
    """
    n_samples, n_classes = _check_sizes(n_samples, n_classes)
    noise = real_number(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(seed)
    parts = []
    for k, n in enumerate(_class_sizes(n_samples, n_classes)):
        radius = np.linspace(0.05, 1.0, n)
        angle = 2 * np.pi * k / n_classes + 4.0 * radius + rng.normal(0, noise, n)
        parts.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(parts, rng)


def blobs(
    n_samples: int = 200, n_classes: int = 3, spread: float = 1.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs with standard deviation ``spread``, centred evenly on a circle of radius 3.

    Returns ``X (n_samples, 2)``, ``y (n_samples,)`` in 0..n_classes-1.
    """
    n_samples, n_classes = _check_sizes(n_samples, n_classes)
    spread = real_number(spread, "spread", minimum=0.0)
    rng = np.random.default_rng(seed)
    parts = []
    for k, n in enumerate(_class_sizes(n_samples, n_classes)):
        centre = 3.0 * np.array([np.cos(2 * np.pi * k / n_classes), np.sin(2 * np.pi * k / n_classes)])
        parts.append(centre + rng.normal(0, spread, (n, 2)))
    return _finish(parts, rng)


TOY_DATASETS = {"xor": xor, "moons": moons, "circles": circles, "spirals": spirals, "blobs": blobs}


def toy_dataset(name: str, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """Make a toy data set by name ('xor', 'moons', 'circles', 'spirals', 'blobs').

    ``kwargs`` go to the generator, e.g. ``toy_dataset("moons", noise=0.2)``.
    Returns ``X (n_samples, 2)``, ``y (n_samples,)``.
    """
    make = lookup(name, TOY_DATASETS, "data set")
    try:
        inspect.signature(make).bind(**kwargs)
    except TypeError:
        accepted = ", ".join(inspect.signature(make).parameters) or "no arguments"
        raise CourseError(f"{name} got unexpected arguments {sorted(kwargs)}; it accepts: {accepted}") from None
    return make(**kwargs)


# ---------------------------------------------------------------- labels and splits
def train_test_split(X, y, test_fraction: float = 0.2, seed: int = 0) -> Split:
    """Shuffle and split ``X (n, ...)`` and ``y (n, ...)`` into a ``Split``.

    When ``y`` holds integer class labels ``(n,)`` the split is stratified: each
    class gives about ``test_fraction`` of its points to the test set.
    """
    X = as_array(X, "X", finite=False)
    y = as_array(y, "y", finite=False)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ShapeError(f"X has shape {X.shape} and y has shape {y.shape}; they need the same number of rows")
    test_fraction = real_number(test_fraction, "test_fraction", between=(0.0, 1.0))
    rng = np.random.default_rng(seed)
    if y.ndim == 1 and y.dtype.kind in "iu":
        groups = [np.flatnonzero(y == label) for label in np.unique(y)]
    else:
        groups = [np.arange(len(y))]
    test, train = [], []
    for group in groups:
        group = rng.permutation(group)
        n_test = int(round(test_fraction * len(group)))
        test.append(group[:n_test])
        train.append(group[n_test:])
    test, train = rng.permutation(np.concatenate(test)), rng.permutation(np.concatenate(train))
    if len(test) == 0 or len(train) == 0:
        raise CourseError(
            f"test_fraction={test_fraction} of {len(y)} samples leaves the "
            f"{'test' if len(test) == 0 else 'training'} set empty"
        )
    return Split(X[train], y[train], X[test], y[test])


def validation_split(X_train, y_train, fraction: float = 0.2, seed: int = 0) -> ValidationSplit:
    """Carve a validation set out of training data ``X_train (n, ...)``, ``y_train (n, ...)``.

    The validation set is for every choice (learning rate, size, when to stop, the
    weight decay); the test set, split off before, stays unread until the end.
    Shuffled and stratified like ``train_test_split``: about ``fraction`` of each
    class goes to ``X_val``, the rest stays in ``X_train``.
    """
    fraction = real_number(fraction, "fraction (of the training data kept for validation)", between=(0.0, 1.0))
    return ValidationSplit(*train_test_split(X_train, y_train, test_fraction=fraction, seed=seed))


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Split:
    """scikit-learn's 1797 8x8 handwritten digits (bundled, works offline).

    Returns a stratified ``Split``: ``X_* (n, 64)`` float64 pixels in [0, 1], ``y_* (n,)`` int64 in 0..9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    X = digits.data.astype(np.float64) / 16.0
    return train_test_split(X, digits.target.astype(np.int64), test_fraction, seed)
