"""Recompute, independently, every number lesson 09 prints, and check the claims its prose makes.

The gradients here are written out in numpy (not ``MLP.backward``); the training runs use
``course_lib.train`` (not the lesson's own loop), and accuracies are counted here.
"""
import numpy as np
import pytest

from course_lib import MLP, data, train
from notebook_outputs import load, numbers, printed

NAME = "09_minibatch_sgd"


@pytest.fixture(scope="module")
def notebook():
    return load(NAME)


@pytest.fixture(scope="module")
def spirals():
    X, y = data.spirals(n_samples=256, noise=0.3, seed=0)
    return X, y, np.eye(3)[y]


def initial_parameters():
    net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)   # the lesson's starting weights
    return [p.copy() for p in net.parameters()]


def per_example_gradients(params, X, Y):
    """Gradient of each example's cross-entropy, flattened in the order W1, b1, W2, b2: (n, 99)."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1.T + b1)                                  # (n, 16)
    z = h @ W2.T + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = p - Y                                                  # one example: d(-log p_y)/dz
    dh = (dz @ W2) * (1 - h ** 2)
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
                squares.append(np.sum((singles[order[start:start + B]].mean(axis=0) - full) ** 2))
        measured = np.sqrt(np.mean(squares)) / norm
        predicted = np.sqrt(sigma2 / B * (n - B) / (n - 1)) / norm
        shown_B, shown_measured, shown_predicted = numbers(line)
        assert shown_B == B
        assert abs(shown_measured - measured) <= 5e-5 and abs(shown_predicted - predicted) <= 5e-5, line
    # The prose: 4 times the batch roughly halves the error.
    ratios = [numbers(a)[1] / numbers(b)[1] for a, b in zip(lines[:3], lines[1:4])]
    assert all(1.8 < r < 2.4 for r in ratios), ratios


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
    assert 0.1 <= best[1] <= 0.6                               # "about 0.3 for single examples"
    assert 1.7 <= best[8] <= 6 and 1.7 <= best[16] <= 6        # "about 3 for batches of 8 to 16"
    assert all(lowest[B] > 0.5 for B in (64, 128, 256))        # "from B = 64 on no rate does well"
    assert all(lowest[B] < 0.1 for B in (1, 2, 4, 8, 16)) and lowest[32] < 0.5
    # The best rate grows with the batch while batches are small. (Only robust facts: near the edge of
    # stability the last rounding bit can change a run, so exact best rates may differ between machines.)
    assert best[1] < best[4] <= best[16] and best[16] / best[1] >= 5
