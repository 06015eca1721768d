"""Training: XOR to 100%, mini-batches, history, callback, divergence in words."""
import warnings

import numpy as np
import pytest

from course_lib import MLP, CourseError, DivergenceError, train
from course_lib.data import load_digits, moons, train_test_split, xor


def test_xor_reaches_100_percent():
    X, y = xor()
    net = MLP([2, 3, 1], "tanh", "sigmoid", "mse", seed=0)
    history = train(net, X, y, epochs=2000, batch_size=4, learning_rate=0.5)
    assert net.accuracy(X, y) == 1.0
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < 0.01 < history.loss[0]


def test_a_single_layer_cannot_learn_xor():
    # Minsky and Papert's point: no line separates XOR's classes.
    X, y = xor()
    net = MLP([2, 1], "identity", "sigmoid", "binary_cross_entropy", seed=0)
    train(net, X, y, epochs=2000, batch_size=4, learning_rate=0.5)
    assert net.accuracy(X, y) <= 0.75


def test_history_has_one_entry_per_epoch_and_validation():
    X, y = moons(200, seed=0)
    split = train_test_split(X, y, seed=0)
    net = MLP([2, 8, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=0)
    history = train(net, split.X_train, split.y_train, epochs=30, batch_size=16, learning_rate=0.5,
                    validation=(split.X_test, split.y_test))
    assert history.epochs == 30
    assert len(history.accuracy) == len(history.val_loss) == len(history.val_accuracy) == 30
    assert history.val_accuracy[-1] == pytest.approx(net.accuracy(split.X_test, split.y_test))
    assert history.val_loss[-1] == pytest.approx(net.loss(split.X_test, split.y_test))
    assert history.val_accuracy[-1] > 0.85


def test_same_seed_same_run():
    X, y = moons(100, seed=1)
    runs = []
    for _ in range(2):
        net = MLP([2, 5, 1], seed=3)
        runs.append(train(net, X, y, epochs=5, batch_size=10, learning_rate=0.3, seed=7).loss)
    assert runs[0] == runs[1]


def test_full_batch_equals_manual_steps():
    X, y = moons(50, seed=2)
    a, b = MLP([2, 4, 1], seed=0), MLP([2, 4, 1], seed=0)
    train(a, X, y, epochs=3, batch_size=None, learning_rate=0.2)
    for _ in range(3):
        b.step(b.backward(X, y), 0.2)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_callback_sees_each_epoch_and_can_stop():
    X, y = xor()
    seen = []

    def stop_after_three(epoch, history, net):
        seen.append((epoch, history.epochs))
        return epoch < 3

    history = train(MLP([2, 3, 1]), X, y, epochs=10, callback=stop_after_three)
    assert seen == [(1, 1), (2, 2), (3, 3)]
    assert history.epochs == 3


def test_divergence_is_reported_in_words():
    X, y = moons(100, seed=0)
    net = MLP([2, 16, 1], "relu", "identity", "mse", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no wall of overflow warnings either
        with pytest.raises(DivergenceError) as info:
            train(net, X * 100, y, epochs=50, batch_size=10, learning_rate=10.0)
    message = str(info.value)
    assert "diverged at epoch" in message
    assert "learning_rate=10" in message
    assert "smaller learning rate, e.g. 1" in message


def test_bad_arguments():
    X, y = xor()
    with pytest.raises(CourseError, match="batch_size"):
        train(MLP([2, 1]), X, y, batch_size=0)
    with pytest.raises(CourseError, match="learning_rate"):
        train(MLP([2, 1]), X, y, learning_rate=float("nan"))
    with pytest.raises(CourseError, match="learning_rate must be a positive number, got .0.1."):
        train(MLP([2, 1]), X, y, learning_rate="0.1")
    with pytest.raises(CourseError, match="epochs"):
        train(MLP([2, 1]), X, y, epochs=-1)


def test_digits_train_offline_to_high_accuracy():
    split = load_digits(seed=0)
    net = MLP([64, 32, 10], "tanh", "softmax", "cross_entropy", seed=0)
    train(net, split.X_train, split.y_train, epochs=15, batch_size=32, learning_rate=0.2)
    assert net.accuracy(split.X_test, split.y_test) > 0.9
