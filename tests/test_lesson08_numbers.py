"""Recompute every number lesson 08 prints, with the plain implementation in plain_network.py."""
import re

import numpy as np
import pytest

import plain_network as plain
from course_lib import MLP, data
from notebook_outputs import load, numbers, numbers_after, printed

LESSON = "08_initialization_and_symmetry"
HIDDEN = ["tanh", "sigmoid", "relu"]
HALF_UNIT_4 = 5e-5 * 1.001
HALF_UNIT_3 = 5e-4 * 1.001

# XOR written out here, not loaded: the four corners and their labels.
X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture(scope="module")
def notebook():
    return load(LESSON)


def line_of(text, start):
    return next(line for line in text.splitlines() if line.strip().startswith(start))


def xor_train(hidden, weights, biases, epochs=5000, after_epoch=None):
    return plain.sgd(weights, biases, X_XOR, Y_XOR, hidden, epochs=epochs, batch_size=None, learning_rate=1.0,
                     after_epoch=after_epoch)


def test_data_is_xor():
    X, y = data.xor()
    np.testing.assert_array_equal(X, X_XOR)
    np.testing.assert_array_equal(np.ravel(y), Y_XOR[:, 0])


def test_zero_weights_freeze(notebook):
    text = printed(notebook, "worked:zeros")
    zeros = [np.zeros((4, 2)), np.zeros((1, 4))], [np.zeros(4), np.zeros(1)]
    for hidden in HIDDEN:
        ws, bs, losses = xor_train(hidden, *zeros)
        assert all(np.all(W == 0) for W in ws) and all(np.all(b == 0) for b in bs), hidden
        line = line_of(text, hidden + ":")
        w1, w2, loss_start, loss_end, acc = numbers(line.replace("W1", "W").replace("W2", "W"))
        assert (w1, w2) == (0.0, 0.0)
        assert abs(loss_start - np.log(2)) <= 5e-7 * 1.001 and abs(loss_end - losses[-1]) <= 5e-7 * 1.001
        assert acc == plain.accuracy(ws, bs, X_XOR, Y_XOR, hidden) == 0.5


def test_first_step_gradients_with_sigmoid_units(notebook):
    text = printed(notebook, "worked:zero-gradients")
    zeros_W, zeros_b = [np.zeros((4, 2)), np.zeros((1, 4))], [np.zeros(4), np.zeros(1)]
    (g1, g2), (gb1, gb2) = plain.backward(zeros_W, zeros_b, X_XOR, Y_XOR, "sigmoid")
    np.testing.assert_array_equal(numbers_after(text, "hidden activations (every sample):"), np.full(4, 0.5))
    delta_out = (0.5 - Y_XOR[:, 0]) / 4            # sigmoid(0) - target, over the 4 entries
    np.testing.assert_array_equal(numbers_after(text, "output error terms delta_out:"), delta_out)
    assert numbers(line_of(text, "dL/dW2")).tolist() == [2.0] + [0.0] * 4 + [2.0, 0.0]   # the "2"s of the labels
    assert numbers(line_of(text, "dL/dW1")).tolist() == [1.0] + [0.0] * 8 + [1.0] + [0.0] * 4
    for g in (g1, g2, gb1, gb2):
        assert np.all(g == 0)


def equal_start(value=0.5):
    return [np.full((4, 2), value), np.full((1, 4), value)], [np.zeros(4), np.zeros(1)]


def test_equal_weights_stay_equal(notebook):
    text = printed(notebook, "worked:equal")
    for hidden in HIDDEN:
        ws, bs, losses = xor_train(hidden, *equal_start())
        line = line_of(text, hidden + ":")
        differ = float(re.search(r"at most ([-0-9.e]+)", line).group(1))
        row = numbers(re.search(r"each row = \[([^\]]*)\]", line).group(1))
        loss = float(re.search(r"loss ([0-9.]+)", line).group(1))
        assert differ == 0.0 and np.max(np.abs(ws[0] - ws[0][0])) == 0.0, hidden
        np.testing.assert_allclose(row, ws[0][0], atol=HALF_UNIT_4)
        assert abs(loss - losses[-1]) <= HALF_UNIT_4
        assert loss > 0.4                                   # far from solving XOR


def test_random_weights_break_the_symmetry(notebook):
    text = printed(notebook, "worked:random")
    for hidden in HIDDEN:
        start = MLP([2, 4, 1], hidden, init="normal", weight_scale=0.1, seed=0)   # the lesson's seeded draw
        ws, bs, losses = xor_train(hidden, start.weights, start.biases)
        line = line_of(text, hidden + ":")
        differ, loss, acc = numbers(line.split(":", 1)[1].replace("W1", "W"))
        assert abs(differ - np.max(np.abs(ws[0] - ws[0][0]))) <= HALF_UNIT_4
        assert abs(loss - losses[-1]) <= HALF_UNIT_4
        assert acc == plain.accuracy(ws, bs, X_XOR, Y_XOR, hidden) == 1.0


def test_sigmoid_plateau_claim():
    start = MLP([2, 4, 1], "sigmoid", init="normal", weight_scale=0.1, seed=0)
    _, _, losses = xor_train("sigmoid", start.weights, start.biases)
    escape = int(np.argmax(np.array(losses) < 0.6))
    assert 2000 < escape < 4000                     # "a plateau at ln 2 for about 3000 epochs"
    assert abs(losses[1000] - np.log(2)) < 1e-3


def test_scale_statistics(notebook):
    text = printed(notebook, "worked:scale-stats")
    X, y = data.circles(200, seed=0)
    Y = y.reshape(-1, 1).astype(float)
    for scale in (0.01, 0.05, 0.5, 1.0):
        start = MLP([2] + [64] * 10 + [1], "tanh", init="normal", weight_scale=scale, seed=0)
        _, acts = plain.forward(start.weights, start.biases, X, "tanh")
        stds = [np.sqrt(np.mean((a - a.mean()) ** 2)) for a in acts[1:-1]]
        saturated = np.mean(np.abs(acts[-2]) > 0.99)
        grads, _ = plain.backward(start.weights, start.biases, X, Y, "tanh")
        line = line_of(text, f"std {scale:>4}:")
        shown = [float(s) for s in re.findall(r"\d\.\d+e[-+]\d+", line)]
        assert len(shown) == 3
        assert plain.shown_in_e_format(shown[0], stds[0]) and plain.shown_in_e_format(shown[1], stds[-1]), scale
        assert plain.shown_in_e_format(shown[2], np.linalg.norm(grads[0])), scale
        percent = float(re.search(r"layer 10: (\d+)%", line).group(1))
        assert abs(percent - 100 * saturated) <= 0.5 * 1.001


def spiral_setup():
    X, y = data.spirals(300, 3, seed=0)
    return X, np.eye(3)[y]


def test_xavier_and_he_statistics(notebook):
    text = printed(notebook, "worked:xavier-he-stats")
    X, _ = spiral_setup()
    sizes = [2] + [32] * 8 + [3]
    for hidden, init in [("relu", "xavier"), ("relu", "he"), ("tanh", "xavier"), ("tanh", "he")]:
        start = MLP(sizes, hidden, init=init, seed=0)
        # The draws' standard deviations are the published formulas.
        for W in start.weights:
            n_out, n_in = W.shape
            assert abs(W.std() / (np.sqrt(2 / (n_in + n_out)) if init == "xavier" else np.sqrt(2 / n_in)) - 1) < 0.5
        acts = plain.forward(start.weights, start.biases, X, hidden, "softmax")[1][1:-1]
        stds = [np.sqrt(np.mean((a - a.mean()) ** 2)) for a in acts]
        shown = numbers(line_of(text, f"{hidden:>4} + {init:<6}:").split("layer", 1)[1])
        np.testing.assert_allclose(shown, stds, atol=5e-4 * 1.001, err_msg=f"{hidden} {init}")


def test_xavier_and_he_training(notebook):
    text = printed(notebook, "worked:xavier-he-training")
    X, Y = spiral_setup()
    sizes = [2] + [32] * 8 + [3]
    for hidden, init in [("relu", "xavier"), ("relu", "he"), ("tanh", "xavier"), ("tanh", "he")]:
        start = MLP(sizes, hidden, init=init, seed=0)
        epoch_losses = []     # the loss the library reports per epoch: the batch losses as training went

        ws, bs = [W.copy() for W in start.weights], [b.copy() for b in start.biases]
        rng = np.random.default_rng(0)
        for _ in range(100):
            order, total = rng.permutation(300), 0.0
            for first in range(0, 300, 32):
                rows = order[first:first + 32]
                total += plain.loss(ws, bs, X[rows], Y[rows], hidden, "softmax", "ce") * len(rows)
                gW, gb = plain.backward(ws, bs, X[rows], Y[rows], hidden, "softmax", "ce")
                ws = [W - 0.05 * g for W, g in zip(ws, gW)]
                bs = [b - 0.05 * g for b, g in zip(bs, gb)]
            epoch_losses.append(total / 300)
        line = line_of(text, f"{hidden:>4} + {init:<6}:")
        loss1, loss10, loss100, acc = (float(v) for v in re.findall(r"\d+\.\d+", line))
        for shown, exact in ((loss1, epoch_losses[0]), (loss10, epoch_losses[9]), (loss100, epoch_losses[99])):
            assert abs(shown - exact) <= HALF_UNIT_3, (hidden, init, shown, exact)
        assert abs(acc - plain.accuracy(ws, bs, X, np.argmax(Y, axis=1), hidden, "softmax")) <= HALF_UNIT_3
