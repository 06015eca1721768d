"""Training: XOR to 100%, mini-batches, history, callback, divergence in words, L2 weight decay, the penalty hook,
one run continued over several calls (the playground trains so, an epoch a call)."""

import copy
import warnings

import numpy as np
import pytest

from course_lib import MLP, CourseError, DivergenceError, train
from course_lib.data import load_digits, moons, train_test_split, xor
from course_lib.training import Divergence, add_weight_decay, l1_penalty, l2_penalty
from finite_differences import centred_differences_in_place


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
    history = train(
        net,
        split.X_train,
        split.y_train,
        epochs=30,
        batch_size=16,
        learning_rate=0.5,
        validation=(split.X_test, split.y_test),
    )
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
    for bad in (-0.1, float("nan"), float("inf"), "0.01", None):
        with pytest.raises(CourseError, match="weight_decay"):
            train(MLP([2, 1]), X, y, weight_decay=bad)


# ---------------------------------------------------------------- L2 weight decay
def _penalised_loss_by_hand(net, X, labels, weight_decay):
    """Mean cross-entropy of a tanh-softmax net, plus (lambda/2) sum of squared weights, in plain numpy."""
    a = X
    for W, b in zip(net.weights[:-1], net.biases[:-1]):
        a = np.tanh(a @ W.T + b)
    z = a @ net.weights[-1].T + net.biases[-1]
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    data_loss = -np.mean(log_p[np.arange(len(labels)), labels])
    return data_loss + 0.5 * weight_decay * sum(np.sum(W**2) for W in net.weights)


def test_l2_penalty_is_half_lambda_times_the_squared_weights():
    net = MLP([3, 4, 2], seed=1)
    net.biases[0][:] = 100.0  # biases are not penalised
    by_hand = 0.5 * 0.3 * (np.sum(net.weights[0] ** 2) + np.sum(net.weights[1] ** 2))
    assert l2_penalty(net, 0.3) == pytest.approx(by_hand, rel=1e-14)
    assert l2_penalty(net, 0.0) == 0.0


def test_penalised_gradient_agrees_with_centred_differences_element_wise():
    rng = np.random.default_rng(4)
    X, labels = rng.normal(size=(12, 3)), rng.integers(0, 3, size=12)
    net = MLP([3, 5, 4, 3], "tanh", "softmax", "cross_entropy", seed=2)
    for b in net.biases:
        b[:] = rng.normal(0, 0.5, b.shape)
    lam, h = 0.2, 1e-5
    grads = add_weight_decay(net.backward(X, labels), net, lam)
    for kind in ("weights", "biases"):
        for l, param in enumerate(getattr(net, kind)):
            numeric = centred_differences_in_place(lambda: _penalised_loss_by_hand(net, X, labels, lam), param, h)
            analytic = getattr(grads, kind)[l]
            errors = np.abs(analytic - numeric) / (np.abs(analytic) + np.abs(numeric))
            assert errors.max() < 1e-6, (kind, l, errors.max())
    # The penalty moved the weights' gradients by exactly lambda W and left the biases' alone.
    plain = net.backward(X, labels)
    for W, g, g0 in zip(net.weights, grads.weights, plain.weights):
        np.testing.assert_allclose(g - g0, lam * W, rtol=1e-12, atol=1e-15)
    for g, g0 in zip(grads.biases, plain.biases):
        np.testing.assert_array_equal(g, g0)


def test_weight_decay_zero_changes_nothing():
    X, y = moons(80, seed=3)
    runs = []
    for kwargs in ({}, {"weight_decay": 0.0}, {"weight_decay": 0}):
        net = MLP([2, 6, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=1)
        history = train(net, X, y, epochs=5, batch_size=16, learning_rate=0.5, seed=2, validation=(X, y), **kwargs)
        runs.append((net.parameters(), history))
    for params, history in runs[1:]:
        assert all(np.array_equal(p, q) for p, q in zip(params, runs[0][0]))  # bit for bit
        assert history == runs[0][1]


def test_weight_decay_steps_along_the_penalised_gradient():
    X, y = moons(50, seed=2)
    a, b = MLP([2, 4, 1], seed=0), MLP([2, 4, 1], seed=0)
    train(a, X, y, epochs=3, batch_size=None, learning_rate=0.2, weight_decay=0.05)
    for _ in range(3):
        grads = b.backward(X, y)
        for W, g in zip(b.weights, grads.weights):
            W -= 0.2 * (g + 0.05 * W)  # (1 - eta lambda) W - eta dL/dW
        for bias, g in zip(b.biases, grads.biases):
            bias -= 0.2 * g
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_weight_decay_keeps_the_weights_small_and_the_history_unpenalised():
    X, y = moons(100, noise=0.3, seed=0)
    sizes = []
    for lam in (0.0, 0.01):
        net = MLP([2, 16, 16, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=0)
        history = train(net, X, y, epochs=200, batch_size=16, learning_rate=0.5, weight_decay=lam, validation=(X, y))
        sizes.append(sum(np.sum(W**2) for W in net.weights))
        # The recorded losses are the data's loss alone: the validation loss is net.loss, without the penalty.
        assert history.val_loss[-1] == pytest.approx(net.loss(X, y), rel=1e-12)
    assert sizes[1] < sizes[0] / 3


def test_digits_train_offline_to_high_accuracy():
    split = load_digits(seed=0)
    net = MLP([64, 32, 10], "tanh", "softmax", "cross_entropy", seed=0)
    train(net, split.X_train, split.y_train, epochs=15, batch_size=32, learning_rate=0.2)
    assert net.accuracy(split.X_test, split.y_test) > 0.9


# ----------------------------------------------------------------- one run over several calls; the hooks
def _moons_net(seed=0):
    X, y = moons(120, noise=0.2, seed=seed)
    return MLP([2, 5, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=seed), X, y


def test_a_run_continued_call_by_call_is_the_run_in_one_call():
    whole, X, y = _moons_net()
    train(whole, X, y, epochs=4, batch_size=16, learning_rate=0.3, seed=5)
    parts = _moons_net()[0]
    rng, rule = np.random.default_rng(5), Divergence()
    for _ in range(4):
        train(parts, X, y, epochs=1, batch_size=16, learning_rate=0.3, seed=rng, divergence=rule)
    for a, b in zip(whole.parameters(), parts.parameters()):
        np.testing.assert_array_equal(a, b)


def test_one_divergence_rule_judges_against_the_runs_first_loss():
    net, X, y = _moons_net()
    rule = Divergence()
    train(net, X, y, epochs=1, batch_size=16, learning_rate=0.3, divergence=rule)
    first = rule.first_loss
    train(net, X, y, epochs=1, batch_size=16, learning_rate=0.3, divergence=rule)
    assert rule.first_loss == first > 0.3  # still the first epoch's first batch loss
    rule.first_loss = 1e-9  # a run that had once nearly no loss at all
    with pytest.raises(DivergenceError, match=r"batch 1: the loss grew to .* \(it started at 1e-09\)") as error:
        train(net, X, y, epochs=1, batch_size=16, learning_rate=0.3, divergence=rule)
    assert error.value.what.startswith("the loss grew to")
    rule = Divergence()
    assert rule.verdict(float("nan")) == "the loss became NaN or infinite" and rule.first_loss is None
    assert rule.verdict(0.7) is None and rule.first_loss == 0.7  # the first finite loss is the yardstick


def test_no_samples_is_a_clear_error():
    net = MLP([2, 1], "identity", "sigmoid", "binary_cross_entropy")
    with pytest.raises(CourseError, match=r"X has shape \(0, 2\): training needs at least one sample"):
        train(net, np.zeros((0, 2)), np.zeros(0))


def test_weights_that_overflow_on_the_last_step_are_a_divergence():
    net, X, y = _moons_net()

    def blow_up(grads, net):
        grads.weights[0][0, 0] = np.inf

    with pytest.raises(DivergenceError, match="epoch 1, batch 1: the weights became NaN or infinite"):
        train(net, X, y, epochs=1, batch_size=None, learning_rate=0.1, penalty=blow_up)


def test_the_l1_hook_adds_rate_times_the_sign_of_each_weight():
    net, X, y = _moons_net()
    by_hand = copy.deepcopy(net)
    train(net, X, y, epochs=1, batch_size=None, learning_rate=0.2, penalty=l1_penalty(0.05))
    grads = by_hand.backward(X, y)
    for W, g in zip(by_hand.weights, grads.weights):
        g += 0.05 * np.sign(W)  # d/dW of 0.05 * sum|W|; biases untouched
    by_hand.step(grads, 0.2)
    for a, b in zip(net.parameters(), by_hand.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    with pytest.raises(CourseError, match="L1 rate"):
        l1_penalty(-1.0)
    with pytest.raises(CourseError, match=r"penalty must be a function penalty\(grads, net\)"):
        train(net, X, y, epochs=1, penalty=0.05)
    with pytest.raises(CourseError, match="divergence must be a Divergence rule"):
        train(net, X, y, epochs=1, divergence=1e4)


def test_grad_norms_are_each_layers_gradient_norm_averaged_over_the_batches():
    net, X, y = _moons_net()
    before = copy.deepcopy(net)
    assert train(copy.deepcopy(net), X, y, epochs=1).grad_norms == []  # only when asked for
    history = train(net, X, y, epochs=1, batch_size=None, learning_rate=0.2, record_grad_norms=True)
    grads = before.backward(X, y)
    np.testing.assert_allclose(history.grad_norms[0], [np.linalg.norm(g) for g in grads.weights], rtol=1e-12)
    history = train(net, X, y, epochs=2, batch_size=40, learning_rate=0.2, record_grad_norms=True)  # 3 batches
    assert len(history.grad_norms) == 2 and all(len(norms) == 2 for norms in history.grad_norms)
