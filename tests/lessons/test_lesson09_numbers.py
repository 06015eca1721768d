"""Recompute, independently, every number lesson 09 prints, and check the claims its prose makes.

The gradients here are written out in numpy (not ``MLP.backward``); the data-size runs use
``course_lib.train`` (not the lesson's own loop), the validation and weight-decay runs a loop of
their own over ``plain_network`` (not ``course_lib.train``), and accuracies are counted here.
"""

import numpy as np
import pytest

import plain_network as plain
from course_lib import MLP, data, train
from notebook_outputs import load, numbers, numbers_after, printed, safely_rounded, verdict_holds

NAME = "09_minibatch_sgd"


@pytest.fixture(scope="module")
def notebook():
    return load(NAME)


@pytest.fixture(scope="module")
def spirals():
    X, y = data.spirals(n_samples=256, noise=0.3, seed=0)
    return X, y, np.eye(3)[y]


def initial_parameters():
    net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)  # the lesson's starting weights
    return [p.copy() for p in net.parameters()]


def per_example_gradients(params, X, Y):
    """Gradient of each example's cross-entropy, flattened in the order W1, b1, W2, b2: (n, 99)."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1.T + b1)  # (n, 16)
    z = h @ W2.T + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = p - Y  # one example: d(-log p_y)/dz
    dh = (dz @ W2) * (1 - h**2)
    gW2 = dz[:, :, None] * h[:, None, :]
    gW1 = dh[:, :, None] * X[:, None, :]
    return np.concatenate([gW1.reshape(len(X), -1), dh, gW2.reshape(len(X), -1), dz], axis=1)


def test_full_gradient_is_the_mean_of_single_ones(notebook, spirals):
    X, y, Y = spirals
    text = printed(notebook, "worked:mean-gradient")
    singles = per_example_gradients(initial_parameters(), X, Y)
    net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)
    full = np.concatenate([g.ravel() for g in net.backward(X, Y).parameters()])
    assert numbers(text)[0] == singles.shape[1] == 99
    # The verdict holds with room to spare: rounding leaves differences near 1e-16.
    assert np.max(np.abs(full - singles.mean(axis=0))) < 1e-14
    assert text.strip().endswith("to within 1e-12: True")


def test_gradient_noise_measured_and_predicted(notebook, spirals):
    X, y, Y = spirals
    singles = per_example_gradients(initial_parameters(), X, Y)
    full, n = singles.mean(axis=0), len(X)
    norm = np.linalg.norm(full)
    sigma2 = np.mean([np.dot(g - full, g - full) for g in singles])
    rng = np.random.default_rng(0)
    lines = printed(notebook, "worked:gradient-noise").strip().splitlines()
    assert len(lines) == 5
    for line, B in zip(lines, [1, 4, 16, 64, 256]):
        squares = []
        for _ in range(20):
            order = rng.permutation(n)
            for start in range(0, n, B):
                squares.append(np.sum((singles[order[start : start + B]].mean(axis=0) - full) ** 2))
        measured = np.sqrt(np.mean(squares)) / norm
        predicted = np.sqrt(sigma2 / B * (n - B) / (n - 1)) / norm
        shown_B, shown_measured, shown_predicted = numbers(line)
        assert shown_B == B
        assert abs(shown_measured - measured) <= 5e-5 and abs(shown_predicted - predicted) <= 5e-5, line
    # The prose: 4 times the batch roughly halves the error.
    ratios = [numbers(a)[1] / numbers(b)[1] for a, b in zip(lines[:3], lines[1:4])]
    assert all(1.8 < r < 2.4 for r in ratios), ratios
    # "The measured and predicted columns agree to within 3%"; "one example misses the full gradient by
    # about five times its length; a batch of 64 still misses by more than half its length".
    table = np.array([numbers(line) for line in lines[:4]])
    assert np.all(np.abs(table[:, 1] - table[:, 2]) <= 0.03 * table[:, 2]), table
    assert 4.5 <= table[0, 1] <= 5.5 and 0.5 < table[3, 1] < 1.0


def test_three_ways_see_the_same_examples(notebook):
    lines = printed(notebook, "worked:three-ways").strip().splitlines()
    expected = {256: 30, 16: 480, 1: 7680}
    for line in lines:
        B = int(numbers(line.split("B =")[1])[0])
        steps, seen = numbers(line.split(":")[1])
        assert steps == expected[B] == 30 * 256 // B and seen == 30 * 256


@pytest.mark.slow
def test_data_size_table(notebook):
    lines = printed(notebook, "worked:data-size").strip().splitlines()[1:]
    X_new, y_new = data.spirals(n_samples=3000, noise=0.3, seed=99)
    shown = np.array([numbers(line) for line in lines])
    assert shown[:, 0].tolist() == [12, 24, 48, 96, 192, 384, 768, 1536, 3072]
    test_accuracy = []
    for size, train_acc, test_acc in shown:
        X_n, y_n = data.spirals(n_samples=int(size), noise=0.3, seed=10)
        # The run is not chaotic: starting weights nudged in their last bits end at the same accuracies,
        # so every processor's rounding prints the same table.
        for nudge in (0.0, 1e-13, -1e-13, 1e-12):
            net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)
            for W in net.weights:
                W *= 1 + nudge
            train(net, X_n, y_n, epochs=min(61440 // int(size), 1000), batch_size=16, learning_rate=1.0, seed=0)

            def counted(X, y):
                h = np.tanh(X @ net.weights[0].T + net.biases[0])
                return np.mean(np.argmax(h @ net.weights[1].T + net.biases[1], axis=1) == y)

            assert abs(train_acc - counted(X_n, y_n)) <= 5e-5, (size, nudge)
            assert abs(test_acc - counted(X_new, y_new)) <= 5e-5, (size, nudge)
        test_accuracy.append(test_acc)
    # The prose: the smallest sets fit their training points exactly, and test accuracy rises a lot with data.
    assert np.all(shown[:4, 1] == 1.0)
    assert test_accuracy[-1] > test_accuracy[0] + 0.15 and max(test_accuracy) > 0.99


def test_prose_about_the_grid():
    from course_lib.widgets.minibatch import minibatch_grid

    grid = minibatch_grid()
    best = dict(zip(grid.batch_sizes, grid.best_rates()))
    lowest = dict(zip(grid.batch_sizes, grid.final_loss.min(axis=1)))
    assert 0.1 <= best[1] <= 0.6  # "about 0.3 for single examples"
    assert 1.7 <= best[8] <= 6 and 1.7 <= best[16] <= 6  # "about 3 for batches of 8 to 16"
    assert all(lowest[B] > 0.5 for B in (64, 128, 256))  # "from B = 64 on no rate does well"
    assert all(lowest[B] < 0.1 for B in (1, 2, 4, 8, 16)) and lowest[32] < 0.5
    # The best rate grows with the batch while batches are small. (Only robust facts: near the edge of
    # stability the last rounding bit can change a run, so exact best rates may differ between machines.)
    assert best[1] < best[4] <= best[16] and best[16] / best[1] >= 5


# ---------------------------------------------------------------- choosing on validation data
def moons_split():
    X, y = data.moons(n_samples=200, noise=0.4, seed=3)
    carved = data.validation_split(X, y, fraction=0.5, seed=0)
    X_test, y_test = data.moons(n_samples=3000, noise=0.4, seed=99)
    return carved, X_test, y_test


def plain_moons_run(weight_decay, nudge=0.0, epochs=1000):
    """The lesson's train_moons, redone with plain_network's gradients and a loop written here.

    Starts from MLP(seed=0)'s weights (scaled by 1 + nudge), shuffles like course_lib.train (a fresh
    rng.permutation per epoch, seed 0), steps W <- W - eta (dL/dW + lambda W), b <- b - eta dL/db.
    Returns (final weights, final biases, validation losses per epoch, (epoch, weights, biases) of the lowest).
    """
    fit, _, _ = moons_split()
    start = MLP([2, 64, 64, 2], "tanh", "softmax", "cross_entropy", seed=0)
    weights = [W * (1 + nudge) for W in start.weights]
    biases = [b.copy() for b in start.biases]
    Y, Y_val = np.eye(2)[fit.y_train], np.eye(2)[fit.y_val]
    rng = np.random.default_rng(0)
    val_losses, best = [], None
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(Y))
        for first in range(0, len(Y), 16):
            rows = order[first : first + 16]
            grad_W, grad_b = plain.backward(weights, biases, fit.X_train[rows], Y[rows], "tanh", "softmax", "ce")
            weights = [W - 0.3 * (g + weight_decay * W) for W, g in zip(weights, grad_W)]
            biases = [b - 0.3 * g for b, g in zip(biases, grad_b)]
        val_losses.append(plain.loss(weights, biases, fit.X_val, Y_val, "tanh", "softmax", "ce"))
        if val_losses[-1] == min(val_losses):
            best = (epoch, weights, biases)
    return weights, biases, np.array(val_losses), best


def moons_accuracy(weights, biases, X, y):
    return plain.accuracy(weights, biases, X, y, "tanh", "softmax")


def test_moons_split_sizes(notebook):
    text = printed(notebook, "worked:moons-split")
    fit, X_test, _ = moons_split()
    assert numbers(text).tolist() == [100, 2, 100, 2, 3000, 2]
    assert len(fit.X_train) == len(fit.X_val) == 100 and len(X_test) == 3000
    # The prose: "A 2-64-64-2 network has over 4000 weights for 100 points".
    assert 4000 < 2 * 64 + 64 * 64 + 64 * 2 < 4500


@pytest.fixture(scope="module")
def moons_runs():
    """Every lambda of the sweep, run plainly; each also nudged by +-1e-13 to show the run is not chaotic."""
    return {lam: [plain_moons_run(lam, nudge) for nudge in (0.0, 1e-13, -1e-13)] for lam in (0.0, 0.001, 0.01, 0.1)}


@pytest.mark.slow
def test_early_stopping(notebook, moons_runs):
    fit, _, _ = moons_split()
    first, second = printed(notebook, "worked:early-stopping").strip().splitlines()
    shown_low, shown_epoch, shown_best_accuracy = numbers(first)
    shown_end, shown_end_val, shown_end_train = numbers(second.split(":", 1)[1])
    for weights, biases, val_losses, (epoch, best_W, best_b) in moons_runs[0.0]:
        assert epoch == shown_epoch == np.argmin(val_losses) + 1
        # The lowest is a clear minimum: the next lowest epoch is more than rounding away.
        assert np.sort(val_losses)[1] - val_losses.min() > 1e-6
        assert safely_rounded(val_losses.min(), 2, 1e-6) and f"{val_losses.min():.2f}" == f"{shown_low:.2f}"
        assert moons_accuracy(best_W, best_b, fit.X_val, fit.y_val) == shown_best_accuracy
        assert safely_rounded(val_losses[-1], 2, 1e-6) and f"{val_losses[-1]:.2f}" == f"{shown_end:.2f}"
        assert moons_accuracy(weights, biases, fit.X_val, fit.y_val) == shown_end_val
        assert abs(moons_accuracy(weights, biases, fit.X_train, fit.y_train) - shown_end_train) < 0.005
    # The prose: low and bumpy for about a hundred epochs, then a climb to four times the lowest; worse on new points.
    val_losses = moons_runs[0.0][0][2]
    assert val_losses[:100].max() < 1.6 * val_losses.min() and np.median(val_losses[:100]) < 1.2 * val_losses.min()
    assert val_losses[-1] > 4 * val_losses.min() and np.all(val_losses[900:] > 2.5 * val_losses.min())
    assert shown_end_val < shown_best_accuracy and shown_end_train > shown_end_val


def test_penalty_gradient_check(notebook):
    fit, _, _ = moons_split()
    small = MLP([2, 8, 8, 2], "tanh", "softmax", "cross_entropy", seed=1)
    weights, biases, lam = [W.copy() for W in small.weights], [b.copy() for b in small.biases], 0.1
    Y = np.eye(2)[fit.y_train]
    grad_W, _ = plain.backward(weights, biases, fit.X_train, Y, "tanh", "softmax", "ce")
    lines = printed(notebook, "worked:penalty-gradcheck").strip().splitlines()
    assert len(lines) == 3
    for l, line in enumerate(lines):

        def penalised(W_l):
            trial = weights[:l] + [W_l] + weights[l + 1 :]
            return plain.loss(trial, biases, fit.X_train, Y, "tanh", "softmax", "ce") + 0.5 * lam * sum(
                np.sum(W**2) for W in trial
            )

        analytic = grad_W[l] + lam * weights[l]
        numeric = plain.centred_gradient(penalised, weights[l], 1e-5)
        error = np.max(np.abs(analytic - numeric) / (np.abs(analytic) + np.abs(numeric)))
        assert line.startswith(f"dL_λ/dW^{l + 1}: agree") and "< 1e-6" in line
        assert verdict_holds(error, line), (line, error)
        # And the check has teeth: without the penalty's gradient the same comparison fails loudly.
        assert np.max(np.abs(grad_W[l] - numeric) / (np.abs(grad_W[l]) + np.abs(numeric))) > 1e-2


@pytest.mark.slow
def test_weight_decay_sweep(notebook, moons_runs):
    fit, X_test, y_test = moons_split()
    lines = printed(notebook, "worked:weight-decay").strip().splitlines()
    rows = np.array([numbers(line) for line in lines[1:5]])
    assert rows[:, 0].tolist() == [0.0, 0.001, 0.01, 0.1]
    for lam, shown_loss, shown_accuracy, shown_squares in rows:
        for weights, biases, val_losses, _ in moons_runs[lam]:  # the same table from every nudged start
            squares = sum(np.sum(W**2) for W in weights)
            assert safely_rounded(val_losses[-1], 2, 1e-6) and f"{val_losses[-1]:.2f}" == f"{shown_loss:.2f}", lam
            assert moons_accuracy(weights, biases, fit.X_val, fit.y_val) == shown_accuracy, lam
            assert safely_rounded(squares, 1, 1e-6) and f"{squares:.1f}" == f"{shown_squares:.1f}", lam
    chosen = rows[np.argmax(rows[:, 2]), 0]
    assert np.sum(rows[:, 2] == rows[:, 2].max()) == 1  # no tie to break
    assert numbers_after(lines[5], "highest validation accuracy:").tolist() == [chosen]
    # The prose: "by validation loss, 0.01 would have won narrowly".
    by_loss = rows[np.argmin(rows[:, 1]), 0]
    assert by_loss == 0.01 and sorted(rows[:, 1])[1] - rows[:, 1].min() < 0.1
    # The prose: the weights shrink by a lot as lambda grows; the penalised boundary took in no single points.
    assert np.all(np.diff(rows[:, 3]) < 0) and rows[0, 3] > 50 * rows[-1, 3]
    # The test set, once: the chosen network, counted here; lower than the validation accuracy that chose it.
    weights, biases, _, _ = moons_runs[chosen][0]
    shown_test = numbers(printed(notebook, "worked:test-once"))
    assert shown_test.tolist() == pytest.approx([chosen, moons_accuracy(weights, biases, X_test, y_test)], abs=5e-4)
    for weights, biases, _, _ in moons_runs[chosen][1:]:
        assert moons_accuracy(weights, biases, X_test, y_test) == pytest.approx(shown_test[1], abs=5e-4)
    assert shown_test[1] < rows[:, 2].max()


@pytest.mark.slow
def test_a_very_large_penalty_leaves_one_answer_for_every_point():
    # The answer to the prediction: "every weight goes to zero, and the network gives every point the same
    # answer. Here that happens at lambda = 0.3."
    fit, X_test, _ = moons_split()
    weights, biases, _, _ = plain_moons_run(0.3)
    assert sum(np.sum(W**2) for W in weights) < 1e-12
    probabilities = plain.forward(weights, biases, X_test, "tanh", "softmax")[1][-1]
    assert np.ptp(probabilities, axis=0).max() < 1e-9


def test_the_playgrounds_l2_is_the_same_penalty():
    # The prose: "The playground's L2 regularisation is the same penalty": lambda W^l added to each weight
    # gradient, biases untouched. An epoch of the playground against that rule written out by hand.
    import copy

    from course_lib.widgets.playground_model import PlaygroundModel

    model = PlaygroundModel({"dataset": "gauss", "regularization": "L2", "regularization_rate": 0.03})
    by_hand = copy.deepcopy(model.net)
    model.step(1)
    s, n = model.settings, len(model.X_train)
    order = np.random.default_rng(s.shuffle_seed).permutation(n)
    for start in range(0, n, s.batch_size):
        batch = order[start : start + s.batch_size]
        grads = by_hand.backward(model.X_train[batch], model.y_train[batch])
        for W, g in zip(by_hand.weights, grads.weights):
            g += 0.03 * W
        by_hand.step(grads, s.learning_rate)
    for p, q in zip(model.net.parameters(), by_hand.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


def test_what_the_lesson_says_of_the_next_lessons_digits():
    # "the next lesson's digits have about 1150 training images, enough for about 99%"
    capstone = load("10_capstone_digits")
    assert numbers_after(printed(capstone, "worked:shapes"), "X_train")[0] == 1151
    assert 0.985 <= numbers(printed(capstone, "worked:test-once"))[0] < 0.995
