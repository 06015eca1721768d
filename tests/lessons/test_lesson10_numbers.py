"""Recompute, independently, every number lesson 10 (the digits capstone) prints, and check its prose.

Data come straight from scikit-learn (not course_lib.data), with the three-way split redone
here; the networks are trained by a loop written here over ``plain_network`` (not
``course_lib.train``); accuracies and the confusion matrix are counted here with a forward pass
written in numpy, and the IDX files are parsed here byte by byte. Every training run is also
started from weights nudged by 1e-13 and gives the same printed numbers: the runs are not
chaotic, so every processor prints the same.
"""

import gzip
import tempfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

import plain_network as plain
from course_lib import MLP, train
from course_lib.lessons.mnist_files import write_idx
from notebook_outputs import load, numbers, numbers_after, printed

NAME = "10_capstone_digits"


@pytest.fixture(scope="module")
def notebook():
    return load(NAME)


def stratified(X, y, fraction, seed):
    """The split course_lib.data promises, redone here: per class, a seeded shuffle, the first `fraction` held out.
    Returns (kept X, kept y, held-out X, held-out y)."""
    rng = np.random.default_rng(seed)
    held, kept = [], []
    for label in np.unique(y):
        group = rng.permutation(np.flatnonzero(y == label))
        k = int(round(fraction * len(group)))
        held.append(group[:k])
        kept.append(group[k:])
    held, kept = rng.permutation(np.concatenate(held)), rng.permutation(np.concatenate(kept))
    return X[kept], y[kept], X[held], y[held]


def three_way(split_seed):
    """Training, validation and test digits as the lesson cuts them: test 20%, then validation 20% of the rest."""
    digits = load_digits()
    X_rest, y_rest, X_te, y_te = stratified(digits.data / 16.0, digits.target, 0.2, split_seed)
    X_tr, y_tr, X_va, y_va = stratified(X_rest, y_rest, 0.2, 2)
    return X_tr, y_tr, X_va, y_va, X_te, y_te


def predict(weights, biases, A):
    """Class scores by hand: relu hidden layer, then the argmax of the output layer's z."""
    hidden = np.maximum(0, A @ weights[0].T + biases[0])
    return np.argmax(hidden @ weights[1].T + biases[1], axis=1)


def plain_run(A_tr, y_tr, A_va, y_va, nudge=0.0, epochs=150):
    """The lesson's training with early stopping, by a loop written here over plain_network's gradients.

    Starts from MLP(seed=0)'s weights (times 1 + nudge), shuffles like course_lib.train (a fresh permutation
    per epoch, seed 0), batches of 32, rate 0.2. Returns (best epoch, its weights, its biases, validation
    losses, training losses per epoch measured on all training images).
    """
    start = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
    weights, biases = [W * (1 + nudge) for W in start.weights], [b.copy() for b in start.biases]
    Y, Y_va = np.eye(10)[y_tr], np.eye(10)[y_va]
    rng = np.random.default_rng(0)
    val_losses, train_losses, best = [], [], None
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(Y))
        for first in range(0, len(Y), 32):
            rows = order[first : first + 32]
            grad_W, grad_b = plain.backward(weights, biases, A_tr[rows], Y[rows], "relu", "softmax", "ce")
            weights = [W - 0.2 * g for W, g in zip(weights, grad_W)]
            biases = [b - 0.2 * g for b, g in zip(biases, grad_b)]
        val_losses.append(plain.loss(weights, biases, A_va, Y_va, "relu", "softmax", "ce"))
        train_losses.append(plain.loss(weights, biases, A_tr, Y, "relu", "softmax", "ce"))
        if val_losses[-1] == min(val_losses):
            best = (epoch, weights, biases)
    return (*best, np.array(val_losses), np.array(train_losses))


def standardised(split_seed):
    X_tr, y_tr, X_va, y_va, X_te, y_te = three_way(split_seed)
    mean, scale = X_tr.mean(axis=0), X_tr.std(axis=0) + 0.1
    return (X_tr - mean) / scale, y_tr, (X_va - mean) / scale, y_va, (X_te - mean) / scale, y_te


@pytest.fixture(scope="module")
def capstone():
    """The lesson's split and its kept network, run from three starts: as drawn and nudged by +-1e-13."""
    A_tr, y_tr, A_va, y_va, A_te, y_te = standardised(1)
    runs = [plain_run(A_tr, y_tr, A_va, y_va, nudge) for nudge in (0.0, 1e-13, -1e-13)]
    return runs, (A_tr, y_tr, A_va, y_va, A_te, y_te)


def test_shapes_and_class_counts(notebook):
    X_tr, y_tr, X_va, y_va, X_te, y_te = three_way(1)
    text = printed(notebook, "worked:shapes")
    assert numbers_after(text, "X_train").tolist() == [*X_tr.shape, *X_va.shape, *X_te.shape]
    assert numbers_after(text, "training images per digit:").tolist() == np.bincount(y_tr).tolist()
    assert len(y_tr) + len(y_va) + len(y_te) == 1797
    # The prose: "20% are the test set; 20% of the rest are the validation set".
    assert abs(len(y_te) / 1797 - 0.2) < 0.01 and abs(len(y_va) / (len(y_tr) + len(y_va)) - 0.2) < 0.01


def test_who_wrote_the_digits(notebook):
    text = printed(notebook, "worked:writers").strip()
    description = " ".join(load_digits().DESCR.split())
    assert text == "From a total of 43 people, 30 contributed to the training set and different 13 to the test set."
    assert text in description
    assert "This is a copy of the test set of the UCI ML hand-written digits datasets" in description
    # The prose: "all 1797 digits come from 13 writers, about 140 each"; "they do not record who wrote which".
    assert len(load_digits().target) == 1797 and 130 < 1797 / 13 < 150
    assert set(load_digits().keys()) == {"data", "target", "frame", "feature_names", "target_names", "images", "DESCR"}


def test_chance_before_training(notebook):
    A_tr, y_tr, A_va, y_va, _, _ = standardised(1)
    untrained = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
    text = printed(notebook, "worked:chance")
    assert numbers_after(text, "parameters:").tolist() == [64 * 64 + 64 + 64 * 10 + 10]
    shown = numbers(text.splitlines()[1])
    np.testing.assert_allclose(
        shown,
        [
            np.mean(predict(untrained.weights, untrained.biases, A_tr) == y_tr),
            np.mean(predict(untrained.weights, untrained.biases, A_va) == y_va),
        ],
        atol=5e-5,
    )
    assert all(0.02 < value < 0.2 for value in shown)  # chance, "about 10%"
    assert round(100 * shown[1]) == 7  # "(Here 7% ... only 287 validation images.)"


@pytest.mark.slow
def test_early_stopping_on_validation_digits(notebook, capstone):
    runs, (A_tr, y_tr, A_va, y_va, _, _) = capstone
    lines = printed(notebook, "worked:trained").strip().splitlines()
    shown_epoch, shown_of = numbers(lines[0])
    shown_train, shown_val = numbers(lines[1])
    wrong, total = numbers_after(lines[2], "validation digits wrong:")
    for epoch, weights, biases, val_losses, train_losses in runs:
        assert epoch == shown_epoch and shown_of == len(val_losses) == 150
        assert np.sort(val_losses)[1] - val_losses.min() > 1e-7  # a clear lowest epoch, not a rounding tie
        assert abs(shown_train - np.mean(predict(weights, biases, A_tr) == y_tr)) <= 5e-5
        assert abs(shown_val - np.mean(predict(weights, biases, A_va) == y_va)) <= 5e-5
        assert wrong == np.sum(predict(weights, biases, A_va) != y_va) and total == len(y_va) == 287
    # The prose: after the kept epoch the validation loss falls no further, while the training loss still does.
    epoch, _, _, val_losses, train_losses = runs[0]
    assert val_losses[epoch:].min() > val_losses[epoch - 1]
    assert train_losses[-1] < 0.7 * train_losses[epoch - 1]
    assert shown_val > 0.985  # "near 99%" (question 3, the moved digits)


@pytest.mark.slow
def test_confusion_matrix_of_validation_digits(notebook, capstone):
    runs, (_, _, A_va, y_va, _, _) = capstone
    text = printed(notebook, "worked:confusion")
    shown = numbers(text.split("\n", 1)[1]).reshape(10, 10)
    for _, weights, biases, _, _ in runs:
        guesses = predict(weights, biases, A_va)
        expected = np.array([[np.sum((y_va == t) & (guesses == p)) for p in range(10)] for t in range(10)])
        np.testing.assert_array_equal(shown, expected)
    assert shown.sum() == len(y_va)


@pytest.mark.slow
def test_moved_digits(notebook, capstone):
    runs, _ = capstone
    X_tr, _, X_va, y_va, _, _ = three_way(1)
    mean, scale = X_tr.mean(axis=0), X_tr.std(axis=0) + 0.1
    lines = printed(notebook, "worked:shifted").strip().splitlines()
    accuracies = {}
    for line in lines:
        right, down, accuracy = numbers(line)
        images = np.roll(X_va.reshape(-1, 8, 8), (int(down), int(right)), axis=(1, 2))
        if down:  # np.roll wraps around: blank the row or column that came round
            images[:, 0 if down > 0 else -1, :] = 0
        if right:
            images[:, :, 0 if right > 0 else -1] = 0
        for _, weights, biases, _, _ in runs:
            expected = np.mean(predict(weights, biases, (images.reshape(-1, 64) - mean) / scale) == y_va)
            assert abs(accuracy - expected) <= 5e-5, line
        accuracies[(right, down)] = accuracy
    assert list(accuracies) == [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
    # The prose: one pixel costs about half the accuracy, or more.
    assert all(0.3 < accuracies[key] < 0.6 for key in list(accuracies)[1:])


@pytest.mark.slow
def test_the_test_set_once(notebook, capstone):
    runs, (_, _, _, _, A_te, y_te) = capstone
    text = printed(notebook, "worked:test-once")
    accuracy, wrong, total = numbers(text)
    for _, weights, biases, _, _ in runs:
        assert abs(accuracy - np.mean(predict(weights, biases, A_te) == y_te)) <= 5e-5
        assert wrong == np.sum(predict(weights, biases, A_te) != y_te) and total == len(y_te) == 359
    assert 0.985 <= accuracy < 0.995  # "about 99%"
    # The lesson reads its test digits once: one cell, the one that prints this, measures the network on them.
    uses = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and "A_test" in cell.source and "(A_test" in cell.source
    ]
    assert len(uses) == 1 and "worked:test-once" in uses[0].metadata.get("tags", [])


@pytest.mark.slow
def test_other_split_seeds(notebook):
    lines = printed(notebook, "worked:split-seeds").strip().splitlines()
    shown = np.array([numbers(line) for line in lines])
    assert shown[:, 0].tolist() == [0, 2, 3, 4, 5]
    for seed, epoch, accuracy in shown:
        A_tr, y_tr, A_va, y_va, A_te, y_te = standardised(int(seed))
        for nudge in (0.0, 1e-13):
            best_epoch, weights, biases, _, _ = plain_run(A_tr, y_tr, A_va, y_va, nudge)
            assert best_epoch == epoch, (seed, nudge)
            assert abs(accuracy - np.mean(predict(weights, biases, A_te) == y_te)) <= 5e-5, (seed, nudge)
    # The prose: "between about 96% and 99%", "our split's number sits at the top".
    assert shown[:, 2].min() >= 0.96 and shown[:, 2].max() <= 0.99
    ours = numbers(printed(notebook, "worked:test-once"))[0]
    assert ours >= shown[:, 2].max()


def read_idx_by_hand(path):
    raw = Path(path).read_bytes()
    raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    assert raw[:2] == b"\x00\x00" and raw[2] == 0x08  # unsigned bytes
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw[4 + 4 * ndim :], dtype=np.uint8).reshape(shape)


@pytest.mark.slow  # a training run of seconds: the full run's, not the quick one's
def test_miniature_mnist(notebook):
    text = printed(notebook, "worked:mnist-shape")
    X_tr, y_tr, X_va, y_va, _, _ = three_way(1)

    def blown_up(X):  # each pixel a 3x3 block, 2-pixel border, bytes
        images = np.zeros((len(X), 28, 28))
        for r in range(8):
            for c in range(8):
                images[:, 2 + 3 * r : 5 + 3 * r, 2 + 3 * c : 5 + 3 * c] = X[:, 8 * r + c, None, None]
        return np.round(255 * images).astype(np.uint8)

    assert (
        "files: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', "
        "'train-labels-idx1-ubyte.gz']" in text
    )
    assert numbers_after(text, "X_train").tolist() == [len(X_tr), 784, len(X_va), 784]
    assert numbers_after(text, "layer sizes:").tolist() == [784, 128, 10, 784 * 128 + 128 + 128 * 10 + 10]
    # The same files, written by the library and read back by hand here.
    with tempfile.TemporaryDirectory() as folder:
        write_idx(Path(folder) / "images.gz", blown_up(X_tr))
        images = read_idx_by_hand(Path(folder) / "images.gz")
    A_tr, A_va = blown_up(X_tr).reshape(len(X_tr), -1) / 255.0, blown_up(X_va).reshape(len(X_va), -1) / 255.0
    np.testing.assert_array_equal(images.reshape(len(X_tr), -1) / 255.0, A_tr)
    mean, scale = A_tr.mean(axis=0), A_tr.std(axis=0) + 0.1
    shown = numbers_after(text, "accuracy on the validation digits after 5 epochs:").tolist()
    for nudge in (0.0, 1e-13):  # not chaotic: a nudged start gives the same accuracy
        model = MLP([784, 128, 10], "relu", "softmax", "cross_entropy", seed=0)
        for W in model.weights:
            W *= 1 + nudge
        train(model, (A_tr - mean) / scale, y_tr, epochs=5, batch_size=64, learning_rate=0.05, seed=0)
        accuracy = np.mean(predict(model.weights, model.biases, (A_va - mean) / scale) == y_va)
        assert shown == pytest.approx([accuracy], abs=5e-5), nudge
