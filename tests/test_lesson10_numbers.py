"""Recompute, independently, every number lesson 10 (the digits capstone) prints.

Data come straight from scikit-learn (not course_lib.data), accuracies and the confusion
matrix are counted here with a forward pass written in numpy, and the IDX files are
parsed here byte by byte.
"""
import gzip
import tempfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from course_lib import MLP, train
from course_lib.lessons.mnist_files import write_idx
from notebook_outputs import load, numbers, numbers_after, printed

NAME = "10_capstone_digits"


@pytest.fixture(scope="module")
def notebook():
    return load(NAME)


def stratified_split(seed, test_fraction=0.2):
    """The split load_digits promises, redone here: per class, a seeded shuffle, the first 20% to test."""
    digits = load_digits()
    X, y = digits.data / 16.0, digits.target
    rng = np.random.default_rng(seed)
    test, rest = [], []
    for label in np.unique(y):
        group = rng.permutation(np.flatnonzero(y == label))
        k = int(round(test_fraction * len(group)))
        test.append(group[:k])
        rest.append(group[k:])
    test, rest = rng.permutation(np.concatenate(test)), rng.permutation(np.concatenate(rest))
    return X[rest], y[rest], X[test], y[test]


def predict(net, A):
    """Class scores by hand: relu hidden layer, then the argmax of the output layer's z."""
    hidden = np.maximum(0, A @ net.weights[0].T + net.biases[0])
    return np.argmax(hidden @ net.weights[1].T + net.biases[1], axis=1)


def trained_net(split_seed):
    X_tr, y_tr, X_te, y_te = stratified_split(split_seed)
    mean, scale = X_tr.mean(axis=0), X_tr.std(axis=0) + 0.1
    net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
    untrained = net.copy()
    train(net, (X_tr - mean) / scale, y_tr, epochs=42, batch_size=32, learning_rate=0.05, seed=0)
    train(net, (X_tr - mean) / scale, y_tr, epochs=18, batch_size=32, learning_rate=0.005, seed=1)
    return untrained, net, (X_tr - mean) / scale, y_tr, (X_te - mean) / scale, y_te


@pytest.fixture(scope="module")
def capstone():
    return trained_net(1)


def test_shapes_and_class_counts(notebook):
    X_tr, y_tr, X_te, y_te = stratified_split(1)
    text = printed(notebook, "worked:shapes")
    assert numbers_after(text, "X_train").tolist() == [*X_tr.shape, *y_tr.shape]
    assert numbers_after(text, "X_test").tolist() == [*X_te.shape, *y_te.shape]
    assert numbers_after(text, "training images per digit:").tolist() == np.bincount(y_tr).tolist()
    assert len(y_tr) + len(y_te) == 1797


def test_chance_before_training(notebook, capstone):
    untrained, _, A_tr, y_tr, A_te, y_te = capstone
    text = printed(notebook, "worked:chance")
    assert numbers_after(text, "parameters:").tolist() == [64 * 64 + 64 + 64 * 10 + 10]
    shown = numbers(text.splitlines()[1])
    np.testing.assert_allclose(shown, [np.mean(predict(untrained, A_tr) == y_tr),
                                       np.mean(predict(untrained, A_te) == y_te)], atol=5e-5)
    assert all(0.02 < value < 0.2 for value in shown)       # chance, "about 10%"


def test_trained_accuracy_reaches_97_percent(notebook, capstone):
    _, net, A_tr, y_tr, A_te, y_te = capstone
    text = printed(notebook, "worked:trained")
    train_acc, test_acc = numbers(text.splitlines()[0])
    assert abs(train_acc - np.mean(predict(net, A_tr) == y_tr)) <= 5e-5
    assert abs(test_acc - np.mean(predict(net, A_te) == y_te)) <= 5e-5
    assert test_acc >= 0.97                                  # the capstone's promise, from its fixed seed
    wrong, total = numbers_after(text, "test digits wrong:")
    assert wrong == np.sum(predict(net, A_te) != y_te) and total == len(y_te)


def test_confusion_matrix(notebook, capstone):
    _, net, _, _, A_te, y_te = capstone
    text = printed(notebook, "worked:confusion")
    shown = numbers(text.split("\n", 1)[1]).reshape(10, 10)
    guesses = predict(net, A_te)
    expected = np.array([[np.sum((y_te == t) & (guesses == p)) for p in range(10)] for t in range(10)])
    np.testing.assert_array_equal(shown, expected)
    assert shown.sum() == len(y_te) and np.trace(shown) == np.sum(guesses == y_te)


def test_other_split_seeds(notebook):
    lines = printed(notebook, "worked:split-seeds").strip().splitlines()
    shown = np.array([numbers(line) for line in lines])
    assert shown[:, 0].tolist() == [0, 2, 3, 4, 5]
    for seed, accuracy in shown:
        _, net, _, _, A_te, y_te = trained_net(int(seed))
        assert abs(accuracy - np.mean(predict(net, A_te) == y_te)) <= 5e-5, seed
    assert shown[:, 1].min() >= 0.965 and shown[:, 1].max() <= 0.99   # "between about 97% and 99%"


def read_idx_by_hand(path):
    raw = Path(path).read_bytes()
    raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    assert raw[:2] == b"\x00\x00" and raw[2] == 0x08         # unsigned bytes
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw[4 + 4 * ndim:], dtype=np.uint8).reshape(shape)


def test_miniature_mnist(notebook):
    text = printed(notebook, "worked:mnist-shape")
    X_tr, y_tr, X_te, y_te = stratified_split(1)

    def blown_up(X):   # each pixel a 3x3 block, 2-pixel border, bytes
        images = np.zeros((len(X), 28, 28))
        for r in range(8):
            for c in range(8):
                images[:, 2 + 3 * r:5 + 3 * r, 2 + 3 * c:5 + 3 * c] = X[:, 8 * r + c, None, None]
        return np.round(255 * images).astype(np.uint8)

    assert "files: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', " \
           "'train-labels-idx1-ubyte.gz']" in text
    assert numbers_after(text, "X_train").tolist() == [len(X_tr), 784, len(X_te), 784]
    assert numbers_after(text, "layer sizes:").tolist() == [784, 128, 10, 784 * 128 + 128 + 128 * 10 + 10]
    # The same files, written by the library and read back by hand here.
    with tempfile.TemporaryDirectory() as folder:
        write_idx(Path(folder) / "images.gz", blown_up(X_tr))
        images = read_idx_by_hand(Path(folder) / "images.gz")
    A_tr, A_te = blown_up(X_tr).reshape(len(X_tr), -1) / 255.0, blown_up(X_te).reshape(len(X_te), -1) / 255.0
    np.testing.assert_array_equal(images.reshape(len(X_tr), -1) / 255.0, A_tr)
    mean, scale = A_tr.mean(axis=0), A_tr.std(axis=0) + 0.1
    model = MLP([784, 128, 10], "relu", "softmax", "cross_entropy", seed=0)
    train(model, (A_tr - mean) / scale, y_tr, epochs=5, batch_size=64, learning_rate=0.05, seed=0)
    accuracy = np.mean(predict(model, (A_te - mean) / scale) == y_te)
    assert numbers_after(text, "test accuracy after 5 epochs:").tolist() == pytest.approx([accuracy], abs=5e-5)


def test_moved_digits(notebook, capstone):
    _, net, _, _, _, y_te = capstone
    X_tr, _, X_te, _ = stratified_split(1)
    mean, scale = X_tr.mean(axis=0), X_tr.std(axis=0) + 0.1
    lines = printed(notebook, "worked:shifted").strip().splitlines()
    accuracies = {}
    for line in lines:
        right, down, accuracy = numbers(line)
        images = np.roll(X_te.reshape(-1, 8, 8), (int(down), int(right)), axis=(1, 2))
        if down:   # np.roll wraps around: blank the row or column that came round
            images[:, 0 if down > 0 else -1, :] = 0
        if right:
            images[:, :, 0 if right > 0 else -1] = 0
        expected = np.mean(predict(net, (images.reshape(-1, 64) - mean) / scale) == y_te)
        assert abs(accuracy - expected) <= 5e-5, line
        accuracies[(right, down)] = accuracy
    assert list(accuracies) == [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
    # The prose: one pixel costs about half the accuracy.
    assert all(0.3 < accuracies[key] < 0.7 for key in list(accuracies)[1:])
