"""MNIST's IDX files: read them, write them, and load the four files of MNIST itself.

The course bundles no MNIST (lesson 10 trains on scikit-learn's 8x8 digits), and
downloads nothing. A learner who has MNIST's files runs the same network on them
with ``load_mnist(folder)``; the tests use small IDX files they write themselves.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from ..data import Split
from ..validation import CourseError, ShapeError, as_array

IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


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
        raise CourseError(
            f"{path} is not an IDX file: the magic number must start with two zero bytes, "
            f"got {raw[:4].hex(' ') or 'an empty file'}"
        )
    code, ndim = raw[2], raw[3]
    if code not in IDX_DTYPES:
        valid = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise CourseError(f"{path} has unknown IDX dtype code 0x{code:02X}; valid codes are {valid}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise CourseError(
            f"{path} is truncated: its header needs {header} bytes for {ndim} dimensions, "
            f"but the file has {len(raw)} bytes"
        )
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        problem = "is truncated" if len(raw) < expected else "has extra bytes at the end"
        raise CourseError(
            f"{path} {problem}: shape {shape} of {dtype.name} needs {expected} bytes "
            f"(header included), but the file has {len(raw)} bytes"
        )
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
        raise CourseError(f"IDX cannot store dtype {array.dtype}; use one of {names}, e.g. array.astype(np.int32)")
    if array.ndim > 255 or any(size > 2**31 - 1 for size in array.shape):
        raise ShapeError(f"IDX cannot store shape {array.shape}: at most 255 dimensions of < 2**31 each")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">i4").tobytes()
    raw = header + array.astype(IDX_DTYPES[code]).tobytes()
    Path(path).write_bytes(gzip.compress(raw) if str(path).endswith(".gz") else raw)


MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


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
            "https://ossci-datasets.s3.amazonaws.com/mnist/ and put them in that folder."
        )
    arrays = [read_idx(found[name]) for name in MNIST_FILES]
    result = []
    for (images, labels), part in zip((arrays[:2], arrays[2:]), ("train", "t10k")):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ShapeError(
                f"MNIST {part} images have shape {images.shape} and labels {labels.shape}; "
                "expected (n, rows, cols) and (n,)"
            )
        result += [images.reshape(len(images), -1).astype(np.float64) / 255.0, labels.astype(np.int64)]
    return Split(*result)
