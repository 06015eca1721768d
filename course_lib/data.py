"""Data sets for the course: small 2-D toy problems, the 8x8 digits, and MNIST.

Every generator is seeded, so the same call always gives the same data. Inputs
``X`` are float64 of shape ``(n_samples, n_features)``; labels ``y`` are int64
class numbers of shape ``(n_samples,)``. Toy generators shuffle their points
and keep the classes balanced (class sizes differ by at most one).
"""
from __future__ import annotations

import gzip
import inspect
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .validation import CourseError, ShapeError, as_array, lookup, whole_number


class Split(NamedTuple):
    """A train/test split: ``X_train (n_train, ...)``, ``y_train (n_train, ...)``, same for test."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


# ---------------------------------------------------------------- helpers
def _check_number(value, name: str, low: float = 0.0, high: float = np.inf, strict: bool = False) -> float:
    """Return ``value`` as a float if it is a finite number in [low, high] (in (low, high) when ``strict``)."""
    numeric = isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and np.isfinite(value)
    if not numeric or not (low < value < high if strict else low <= value <= high):
        where = f"strictly between {low} and {high}" if strict else f">= {low}" if high == np.inf else \
            f"in [{low}, {high}]"
        raise CourseError(f"{name} must be a finite number {where}, got {value!r}")
    return float(value)


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
    noise = _check_number(noise, "noise")
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
    noise = _check_number(noise, "noise")
    factor = _check_number(factor, "factor", 0.0, 1.0, strict=True)
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
    noise = _check_number(noise, "noise")
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
    spread = _check_number(spread, "spread")
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
    test_fraction = _check_number(test_fraction, "test_fraction", 0.0, 1.0, strict=True)
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


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> Split:
    """scikit-learn's 1797 8x8 handwritten digits (bundled, works offline).

    Returns a stratified ``Split``: ``X_* (n, 64)`` float64 pixels in [0, 1], ``y_* (n,)`` int64 in 0..9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    X = digits.data.astype(np.float64) / 16.0
    return train_test_split(X, digits.target.astype(np.int64), test_fraction, seed)


# ---------------------------------------------------------------- MNIST's IDX files
IDX_DTYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path) -> np.ndarray:
    """Read an IDX file (MNIST's format), gzipped or not; returns its array in native byte order.

    Layout: two zero bytes, a dtype code, the number of dimensions, one big-endian
    int32 size per dimension, then the big-endian data.
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise CourseError(f"{path} looks gzipped but cannot be decompressed: {exc}") from None
    if len(raw) < 4 or raw[:2] != b"\x00\x00":
        raise CourseError(f"{path} is not an IDX file: the magic number must start with two zero bytes, "
                          f"got {raw[:4].hex(' ') or 'an empty file'}")
    code, ndim = raw[2], raw[3]
    if code not in IDX_DTYPES:
        valid = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise CourseError(f"{path} has unknown IDX dtype code 0x{code:02X}; valid codes are {valid}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise CourseError(f"{path} is truncated: its header needs {header} bytes for {ndim} dimensions, "
                          f"but the file has {len(raw)} bytes")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        problem = "is truncated" if len(raw) < expected else "has extra bytes at the end"
        raise CourseError(f"{path} {problem}: shape {shape} of {dtype.name} needs {expected} bytes "
                          f"(header included), but the file has {len(raw)} bytes")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def write_idx(path, array) -> None:
    """Write ``array`` (any shape) as an IDX file; gzipped when ``path`` ends in ``.gz``.

    The dtype must be one IDX can hold: uint8, int8, int16, int32, float32 or float64.
    """
    array = as_array(array, "array", finite=False)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        names = ", ".join(dtype.name for dtype in codes)
        raise CourseError(f"IDX cannot store dtype {array.dtype}; use one of {names}, "
                          f"e.g. array.astype(np.int32)")
    if array.ndim > 255 or any(size > 2**31 - 1 for size in array.shape):
        raise ShapeError(f"IDX cannot store shape {array.shape}: at most 255 dimensions of < 2**31 each")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">i4").tobytes()
    raw = header + array.astype(IDX_DTYPES[code]).tobytes()
    Path(path).write_bytes(gzip.compress(raw) if str(path).endswith(".gz") else raw)


MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def load_mnist(directory) -> Split:
    """Read MNIST's four IDX files (plain or ``.gz``) from ``directory``. Downloads nothing.

    Returns a ``Split``: ``X_train (60000, 784)``, ``X_test (10000, 784)`` float64
    pixels in [0, 1] (images flattened row by row), ``y_* (n,)`` int64 in 0..9.
    """
    folder = Path(directory)
    found, missing = {}, []
    for name in MNIST_FILES:
        candidates = [folder / name, folder / (name + ".gz")]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            missing.append(name)
        found[name] = path
    if missing:
        raise CourseError(
            f"MNIST files missing in {folder.resolve()}: {', '.join(missing)} (with or without .gz). "
            "Download the four files from http://yann.lecun.com/exdb/mnist/ or a mirror such as "
            "https://ossci-datasets.s3.amazonaws.com/mnist/ and put them in that folder.")
    arrays = [read_idx(found[name]) for name in MNIST_FILES]
    result = []
    for (images, labels), part in zip((arrays[:2], arrays[2:]), ("train", "t10k")):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ShapeError(f"MNIST {part} images have shape {images.shape} and labels {labels.shape}; "
                             "expected (n, rows, cols) and (n,)")
        result += [images.reshape(len(images), -1).astype(np.float64) / 255.0, labels.astype(np.int64)]
    return Split(*result)
