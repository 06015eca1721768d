"""Tests of course_lib.data: toy generators, labels, splits, digits and the IDX/MNIST readers."""

import gzip
import struct

import numpy as np
import pytest

from course_lib.data import (
    Split,
    ValidationSplit,
    blobs,
    circles,
    load_digits,
    moons,
    one_hot,
    spirals,
    toy_dataset,
    train_test_split,
    validation_split,
    xor,
)
from course_lib.lessons.mnist_files import load_mnist, read_idx, write_idx
from course_lib.validation import CourseError, ShapeError, UnknownNameError

# (generator, keyword arguments, expected number of classes)
GENERATORS = [
    (moons, {}, 2),
    (moons, {"n_samples": 51, "noise": 0.3}, 2),
    (circles, {}, 2),
    (circles, {"n_samples": 33, "factor": 0.3}, 2),
    (spirals, {}, 3),
    (spirals, {"n_samples": 100, "n_classes": 4}, 4),
    (blobs, {}, 3),
    (blobs, {"n_samples": 50, "n_classes": 5, "spread": 0.5}, 5),
]
IDS = [f"{make.__name__}-{i}" for i, (make, _, _) in enumerate(GENERATORS)]
DEFAULT_SIZES = {"moons": 200, "circles": 200, "spirals": 300, "blobs": 200}


# ---------------------------------------------------------------- toy data sets
def test_xor_points_and_labels():
    X, y = xor()
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and y.dtype == np.int64
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))
    assert {tuple(row) for row in X} == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize("make, kwargs, n_classes", GENERATORS, ids=IDS)
def test_generator_shapes_dtypes_and_balance(make, kwargs, n_classes):
    X, y = make(**kwargs)
    n = kwargs.get("n_samples", DEFAULT_SIZES[make.__name__])
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == n_classes
    assert counts.max() - counts.min() <= 1
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make, kwargs, n_classes", GENERATORS, ids=IDS)
def test_generator_is_deterministic(make, kwargs, n_classes):
    X1, y1 = make(**kwargs, seed=7)
    X2, y2 = make(**kwargs, seed=7)
    X3, _ = make(**kwargs, seed=8)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize("make, kwargs, n_classes", GENERATORS, ids=IDS)
def test_generator_shuffles_classes(make, kwargs, n_classes):
    _, y = make(**kwargs)
    assert not np.all(np.diff(y) >= 0), "points should not come sorted by class"


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = moons(100, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(*upper.T), 1.0) and np.all(upper[:, 1] >= 0)
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0) and np.all(lower[:, 1] <= 0.5)


def test_circles_without_noise_have_the_two_radii():
    X, y = circles(60, noise=0.0, factor=0.4)
    radius = np.hypot(*X.T)
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.4)


def test_blobs_are_centred_apart():
    X, y = blobs(600, n_classes=3, spread=0.1)
    centres = np.array([X[y == k].mean(axis=0) for k in range(3)])
    assert np.allclose(np.hypot(*centres.T), 3.0, atol=0.05)


@pytest.mark.parametrize(
    "make, kwargs",
    [
        (moons, {"n_samples": 0}),
        (moons, {"noise": -0.1}),
        (moons, {"n_samples": 2.5}),
        (circles, {"factor": 1.0}),
        (circles, {"factor": 0.0}),
        (circles, {"noise": float("nan")}),
        (spirals, {"n_classes": 0}),
        (spirals, {"n_samples": 2, "n_classes": 3}),
        (blobs, {"spread": -1.0}),
        (blobs, {"n_samples": True}),
    ],
)
def test_generator_rejects_bad_arguments(make, kwargs):
    with pytest.raises(CourseError):
        make(**kwargs)


def test_toy_dataset_looks_up_by_name():
    for name in ("xor", "moons", "circles", "spirals", "blobs"):
        X, y = toy_dataset(name)
        assert X.shape[1] == 2 and len(X) == len(y)
    X, y = toy_dataset("moons", n_samples=50, noise=0.2, seed=3)
    X2, y2 = moons(50, noise=0.2, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)


def test_toy_dataset_unknown_name_lists_valid_names():
    with pytest.raises(UnknownNameError) as info:
        toy_dataset("moon")
    message = str(info.value)
    assert "'moon'" in message
    for name in ("xor", "moons", "circles", "spirals", "blobs"):
        assert repr(name) in message


def test_toy_dataset_unknown_argument_lists_accepted_ones():
    with pytest.raises(CourseError, match="n_samples, noise, seed"):
        toy_dataset("moons", n_points=10)


# ---------------------------------------------------------------- one_hot
def test_one_hot_values():
    Y = one_hot(np.array([2, 0, 1, 2]))
    assert Y.dtype == np.float64
    assert np.array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert one_hot([1, 0], n_classes=4).shape == (2, 4)
    assert np.array_equal(one_hot([1.0, 0.0]), [[0, 1], [1, 0]])
    assert one_hot(np.array([], dtype=int), n_classes=3).shape == (0, 3)


@pytest.mark.parametrize(
    "labels, n_classes, match",
    [
        ([0, -1, 2], None, "negative"),
        ([0, 1.5], None, "whole numbers"),
        ([0, 3], 3, "too large"),
        ([[0, 1]], None, "dimension"),
        (["a", "b"], None, "whole numbers"),
    ],
)
def test_one_hot_errors(labels, n_classes, match):
    with pytest.raises(CourseError, match=match):
        one_hot(labels, n_classes)


# ---------------------------------------------------------------- train_test_split
def _indexed_data(n=100, n_classes=4):
    """X whose first column is the row number, so rows can be traced through a split."""
    X = np.column_stack([np.arange(n), np.zeros(n)]).astype(float)
    y = np.arange(n) % n_classes
    return X, y


def test_split_sizes_disjoint_and_complete():
    X, y = _indexed_data()
    split = train_test_split(X, y, test_fraction=0.2, seed=1)
    assert isinstance(split, Split)
    assert split.X_train.shape == (80, 2) and split.X_test.shape == (20, 2)
    assert split.y_train.shape == (80,) and split.y_test.shape == (20,)
    train_ids, test_ids = split.X_train[:, 0].astype(int), split.X_test[:, 0].astype(int)
    assert not set(train_ids) & set(test_ids)
    assert sorted(np.concatenate([train_ids, test_ids])) == list(range(100))
    assert np.array_equal(split.y_train, y[train_ids]) and np.array_equal(split.y_test, y[test_ids])


def test_split_is_reproducible_and_seeded():
    X, y = _indexed_data()
    a, b = train_test_split(X, y, seed=5), train_test_split(X, y, seed=5)
    c = train_test_split(X, y, seed=6)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not np.array_equal(a.X_test, c.X_test)


def test_split_is_stratified():
    X = np.zeros((200, 3))
    y = np.repeat([0, 1, 2], [120, 60, 20])  # unequal classes
    split = train_test_split(X, y, test_fraction=0.25)
    assert np.array_equal(np.bincount(split.y_test), [30, 15, 5])
    assert np.array_equal(np.bincount(split.y_train), [90, 45, 15])
    assert not np.all(np.diff(split.y_test) >= 0), "the test set should be shuffled, not sorted by class"


def test_split_of_non_label_targets():
    X, _ = _indexed_data(50)
    Y = np.random.default_rng(0).normal(size=(50, 3))  # e.g. regression targets
    split = train_test_split(X, Y, test_fraction=0.2)
    assert split.y_train.shape == (40, 3) and split.y_test.shape == (10, 3)
    assert np.array_equal(split.y_test, Y[split.X_test[:, 0].astype(int)])


def test_split_errors():
    X, y = _indexed_data()
    with pytest.raises(ShapeError, match=r"\(100, 2\).*\(99,\)"):
        train_test_split(X, y[:-1])
    for fraction in (0.0, 1.0, -0.1, 2):
        with pytest.raises(CourseError, match="test_fraction"):
            train_test_split(X, y, test_fraction=fraction)
    with pytest.raises(CourseError, match="empty"):
        train_test_split(X[:2], y[:2], test_fraction=0.1)


def test_validation_split_carves_from_the_training_part_only():
    X, y = _indexed_data()
    split = train_test_split(X, y, test_fraction=0.2, seed=1)
    carved = validation_split(split.X_train, split.y_train, fraction=0.25, seed=2)
    assert isinstance(carved, ValidationSplit)
    assert carved.X_train.shape == (60, 2) and carved.X_val.shape == (20, 2)
    train_ids, val_ids = carved.X_train[:, 0].astype(int), carved.X_val[:, 0].astype(int)
    # Together exactly the old training part; nothing from the test part; labels follow their rows.
    assert sorted(np.concatenate([train_ids, val_ids])) == sorted(split.X_train[:, 0].astype(int))
    assert not set(np.concatenate([train_ids, val_ids])) & set(split.X_test[:, 0].astype(int))
    assert np.array_equal(carved.y_train, y[train_ids]) and np.array_equal(carved.y_val, y[val_ids])
    again = validation_split(split.X_train, split.y_train, fraction=0.25, seed=2)
    assert all(np.array_equal(p, q) for p, q in zip(carved, again))


def test_validation_split_is_stratified_and_checked():
    X, y = np.zeros((200, 3)), np.repeat([0, 1, 2], [120, 60, 20])
    carved = validation_split(X, y, fraction=0.25)
    assert np.array_equal(np.bincount(carved.y_val), [30, 15, 5])
    for fraction in (0.0, 1.0, float("nan"), "0.2"):
        with pytest.raises(CourseError, match="fraction .of the training data kept for validation."):
            validation_split(X, y, fraction=fraction)


# ---------------------------------------------------------------- digits
def test_load_digits_offline_shapes_and_range():
    split = load_digits()
    X_train, y_train, X_test, y_test = split
    assert len(X_train) + len(X_test) == 1797
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0 and X_train.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    assert abs(len(X_test) / 1797 - 0.2) < 0.01
    again = load_digits()
    assert all(np.array_equal(p, q) for p, q in zip(split, again))


# ---------------------------------------------------------------- IDX files
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28),
        np.array([5, 0, 4, 1, 9], dtype=np.uint8),
        np.array([-128, 0, 127], dtype=np.int8),
        np.array([[-300, 2], [3, 30000]], dtype=np.int16),
        np.array([-(2**31), 0, 2**31 - 1], dtype=np.int32),
        np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4),
        np.array([np.pi, -np.e, 1e-300], dtype=np.float64),
    ],
    ids=["ubyte-3d", "labels-1d", "byte", "short", "int", "float", "double"],
)
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, array, suffix):
    path = tmp_path / ("data.idx" + suffix)
    write_idx(path, array)
    back = read_idx(path)
    assert back.shape == array.shape
    assert back.dtype == array.dtype
    assert np.array_equal(back, array)
    back[...] = 0  # the result is an ordinary, writable array


def test_idx_bytes_follow_the_format(tmp_path):
    """Check the layout byte by byte, written independently with struct."""
    array = np.array([[1, 2, 3], [4, 5, 258]], dtype=np.int16)
    write_idx(tmp_path / "a.idx", array)
    expected = bytes([0, 0, 0x0B, 2]) + struct.pack(">ii", 2, 3) + struct.pack(">6h", 1, 2, 3, 4, 5, 258)
    assert (tmp_path / "a.idx").read_bytes() == expected
    write_idx(tmp_path / "a.idx.gz", array)
    assert gzip.decompress((tmp_path / "a.idx.gz").read_bytes()) == expected


def test_read_idx_hand_written_file(tmp_path):
    raw = bytes([0, 0, 0x0D, 1]) + struct.pack(">i", 3) + struct.pack(">3f", 1.5, -2.0, 0.25)
    (tmp_path / "f.idx").write_bytes(raw)
    assert np.array_equal(read_idx(tmp_path / "f.idx"), np.array([1.5, -2.0, 0.25], dtype=np.float32))
    (tmp_path / "f.gz").write_bytes(gzip.compress(raw))  # gzip recognised by content
    assert np.array_equal(read_idx(str(tmp_path / "f.gz")), [1.5, -2.0, 0.25])


def test_read_idx_bad_magic(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x08\x01" + struct.pack(">i", 1) + b"\x00")
    with pytest.raises(CourseError, match="magic"):
        read_idx(tmp_path / "bad")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(CourseError, match="magic"):
        read_idx(tmp_path / "empty")


def test_read_idx_unknown_dtype_code(tmp_path):
    (tmp_path / "bad").write_bytes(bytes([0, 0, 0x0A, 1]) + struct.pack(">i", 1) + b"\x00")
    with pytest.raises(CourseError, match="0x0A"):
        read_idx(tmp_path / "bad")


def test_read_idx_truncated_data_names_both_byte_counts(tmp_path):
    path = tmp_path / "images"
    write_idx(path, np.zeros((3, 4, 4), dtype=np.uint8))  # 4 + 12 header + 48 data = 64 bytes
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(CourseError, match=r"truncated.*64 bytes.*54 bytes"):
        read_idx(path)


def test_read_idx_truncated_header_and_extra_bytes(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + struct.pack(">i", 5))
    with pytest.raises(CourseError, match=r"truncated.*16 bytes.*8 bytes"):
        read_idx(path)
    write_idx(path, np.zeros(4, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(CourseError, match="extra bytes"):
        read_idx(path)


def test_write_idx_rejects_dtype_idx_cannot_hold(tmp_path):
    with pytest.raises(CourseError, match="int64.*int32"):
        write_idx(tmp_path / "x", np.arange(3, dtype=np.int64))


# ---------------------------------------------------------------- MNIST
def _fake_mnist(folder, n_train=20, n_test=10, gz=("train-images-idx3-ubyte",)):
    """Write a tiny MNIST look-alike; the files named in ``gz`` are gzipped."""
    rng = np.random.default_rng(0)
    data = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test).astype(np.uint8),
    }
    data["train-images-idx3-ubyte"][0, 0, 0] = 255  # the full range occurs
    for name, array in data.items():
        write_idx(folder / (name + (".gz" if name in gz else "")), array)
    return data


def test_load_mnist_reads_fake_folder(tmp_path):
    data = _fake_mnist(tmp_path)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path)
    assert X_train.shape == (20, 784) and X_test.shape == (10, 784)
    assert y_train.shape == (20,) and y_test.shape == (10,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    assert np.allclose(X_train[3].reshape(28, 28) * 255, data["train-images-idx3-ubyte"][3])
    assert np.array_equal(y_test, data["t10k-labels-idx1-ubyte"])
    assert isinstance(load_mnist(str(tmp_path)), tuple)


def test_load_mnist_missing_files_are_listed(tmp_path):
    _fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    (tmp_path / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(CourseError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte" in message and "train-images-idx3-ubyte" in message
    assert "train-labels-idx1-ubyte" not in message
    assert "mnist" in message.lower() and "http" in message


def test_load_mnist_missing_folder(tmp_path):
    with pytest.raises(CourseError, match="missing"):
        load_mnist(tmp_path / "nowhere")


def test_load_mnist_mismatched_counts(tmp_path):
    _fake_mnist(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(9, dtype=np.uint8))
    with pytest.raises(ShapeError, match="t10k"):
        load_mnist(tmp_path)
