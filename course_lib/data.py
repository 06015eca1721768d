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


def circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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


def spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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


def blobs(n_samples: int = 200, n_classes: int = 3, spread: float = 1.0,
          seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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


# ---------------------------------------------------------------- the playground's data sets
# TensorFlow Playground's problems, in its square [-6, 6]^2: four to classify, two to fit a number to.
PLAYGROUND_DOMAIN = 6.0
PLAYGROUND_CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
PLAYGROUND_REGRESSION = ("plane", "bumps")   # the target is a number from -1 to 1, not a class
PLAYGROUND_DATASETS = PLAYGROUND_CLASSIFICATION + PLAYGROUND_REGRESSION
# 'bumps': a bump up (+1) or down (-1) at each of six centres, alternating like a chessboard.
BUMPS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))
BUMP_WIDTH = 1.2


def regression_target(name: str, X: np.ndarray) -> np.ndarray:
    """The number a regression data set asks for at each point: X (n, 2) -> (n,), from -1 to 1.

    'plane': ``(x1 + x2) / 12``, a tilted plane. 'bumps': the sum of six Gaussian bumps of height
    +1 or -1 (``BUMPS``), clipped to [-1, 1].
    """
    if name == "plane":
        return np.clip((X[:, 0] + X[:, 1]) / (2 * PLAYGROUND_DOMAIN), -1.0, 1.0)
    total = np.zeros(len(X))
    for cx, cy, height in BUMPS:
        total += height * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * BUMP_WIDTH ** 2))
    return np.clip(total, -1.0, 1.0)


def _playground_class(name: str, k: int, m: int, classes: int, jitter: float, rng) -> np.ndarray:
    """The ``m`` points (m, 2) of class ``k`` of a playground classification set."""
    if name == "circle":
        # Class 1 (blue) in the middle, class 0 (orange) in a ring: a gap between them.
        radius = rng.uniform(0, 2.5, m) if k == 1 else rng.uniform(3.5, 5.0, m)
        angle = rng.uniform(0, 2 * np.pi, m)
        points = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    elif name == "xor":
        # Class 1 where x1 and x2 share a sign; kept 0.3 off the axes so the labels are clean.
        sign = np.where(rng.uniform(size=m) < 0.5, 1.0, -1.0)
        signs = np.column_stack([sign, sign if k == 1 else -sign])
        points = rng.uniform(0.3, 5.0, (m, 2)) * signs
    elif name == "gauss":
        turn = np.pi / 4 + np.pi + 2 * np.pi * k / classes
        return 3.5 * np.array([np.cos(turn), np.sin(turn)]) + rng.normal(0, 0.6 + 2 * jitter, (m, 2))
    else:  # spiral
        radius = np.linspace(0.1, 5.0, m)
        angle = 1.75 * 2 * np.pi * radius / 5.0 + 2 * np.pi * k / classes
        points = radius[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return points + rng.normal(0, jitter, points.shape) if jitter > 0 else points


def playground_data(name: str, n_samples: int = 400, noise: float = 0.0, classes: int = 2,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One of the playground's data sets: X (n_samples, 2) in about [-6, 6]^2, and y (n_samples,).

    Classification, y int labels: 'circle' (class 1 inside, class 0 in a ring around it), 'xor'
    (the sign of x1 * x2), 'gauss' (``classes`` Gaussian clouds) or 'spiral' (``classes``
    interleaved arms). Circle and xor always have 2 classes; classes are balanced.
    Regression, y floats from -1 to 1 (``regression_target``): 'plane' or 'bumps', points uniform
    over the square; ``classes`` is ignored.
    ``noise`` in percent (0-50) moves points by Gaussian noise of standard deviation
    ``3 * noise / 100`` (for 'gauss' it widens the clouds; for regression the target is read at
    the moved point while the point is drawn where it was, so the targets are noisy).
    The order is shuffled; the same arguments give the same data.
    """
    lookup(name, {n: n for n in PLAYGROUND_DATASETS}, "data set")
    n = whole_number(n_samples, "n_samples", 2)
    noise = real_number(noise, "noise")
    if not 0 <= noise <= 50:
        raise CourseError(f"noise is a percentage from 0 to 50, got {noise:g}")
    rng = np.random.default_rng(seed)
    jitter = 3.0 * noise / 100
    if name in PLAYGROUND_REGRESSION:
        X = rng.uniform(-PLAYGROUND_DOMAIN + 0.5, PLAYGROUND_DOMAIN - 0.5, (n, 2))
        moved = X + rng.normal(0, jitter, X.shape) if noise > 0 else X
        return X, regression_target(name, moved)
    classes = 2 if name in ("circle", "xor") else whole_number(classes, "classes", 2)
    sizes = _class_sizes(n, classes)
    X = np.concatenate([_playground_class(name, k, m, classes, jitter, rng) for k, m in enumerate(sizes)])
    y = np.concatenate([np.full(m, k, dtype=np.int64) for k, m in enumerate(sizes)])
    order = rng.permutation(n)
    return X[order], y[order]


# The playground's input features, each a function of the two coordinates X (n, 2) -> (n,).
FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}


def feature_columns(X: np.ndarray, names) -> np.ndarray:
    """The network's inputs: X (n, 2) -> (n, len(names)), one column per feature name (see ``FEATURES``)."""
    names = list(names)
    if not names:
        raise CourseError(f"choose at least one input feature from: {', '.join(FEATURES)}")
    return np.column_stack([lookup(name, FEATURES, "feature")(X) for name in names])


# ---------------------------------------------------------------- labels and splits
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
        raise CourseError(f"label {labels.max()} (index {int(np.argmax(labels))}) is too large for "
                          f"n_classes={n_classes}; labels must be in 0..{n_classes - 1}")
    encoded = np.zeros((len(labels), n_classes), dtype=np.float64)
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


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
        raise CourseError(f"test_fraction={test_fraction} of {len(y)} samples leaves the "
                          f"{'test' if len(test) == 0 else 'training'} set empty")
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


def split_indices(n: int, train_ratio: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..n-1 and cut it: (train (n_train,), test (n - n_train,)), n_train = round(n * train_ratio / 100).

    At least one training sample; 100 % keeps every sample for training and no test data.
    """
    n_train = min(max(int(round(n * train_ratio / 100)), 1), n)
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Split:
    """scikit-learn's 1797 8x8 handwritten digits (bundled, works offline).

    Returns a stratified ``Split``: ``X_* (n, 64)`` float64 pixels in [0, 1], ``y_* (n,)`` int64 in 0..9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    X = digits.data.astype(np.float64) / 16.0
    return train_test_split(X, digits.target.astype(np.int64), test_fraction, seed)
