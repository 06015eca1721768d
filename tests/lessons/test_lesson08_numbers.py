"""Recompute every number lesson 08 prints, and the claims its prose makes, with the plain implementation in
plain_network.py and backward passes written out here."""

import re

import numpy as np
import pytest

import plain_network as plain
from course_lib import MLP, data
from notebook_outputs import load, numbers, numbers_after, printed, safely_rounded

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
    return plain.sgd(
        weights,
        biases,
        X_XOR,
        Y_XOR,
        hidden,
        epochs=epochs,
        batch_size=None,
        learning_rate=1.0,
        after_epoch=after_epoch,
    )


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
    delta_out = (0.5 - Y_XOR[:, 0]) / 4  # sigmoid(0) - target, over the 4 entries
    np.testing.assert_array_equal(numbers_after(text, "output error terms Delta^2:"), delta_out)
    assert numbers(line_of(text, "dL/dW2")).tolist() == [2.0] + [0.0] * 4 + [2.0, 0.0]  # the "2"s of the labels
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
        assert loss > 0.4  # far from solving XOR


def test_random_weights_break_the_symmetry(notebook):
    text = printed(notebook, "worked:random")
    for hidden in HIDDEN:
        start = MLP([2, 4, 1], hidden, init="normal", weight_scale=0.1, seed=0)  # the lesson's seeded draw
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
    assert 2000 < escape < 4000  # "a plateau at ln 2 for about 3000 epochs"
    assert abs(losses[1000] - np.log(2)) < 1e-3


def deltas_written_out(weights, biases, X, Y, hidden, output="sigmoid"):
    """Every error term Delta^l = dL/dZ^l (0-based list: entry l-1 is Delta^l), by the recurrence written out here.

    Output layer: Delta^L = (A^L - Y) / Y.size for a sigmoid with binary cross-entropy, (P - Y) / n for a
    softmax with cross-entropy (Y one-hot). Then Delta^l = (Delta^(l+1) W^(l+1)) * f'(Z^l).
    """
    zs, acts = plain.forward(weights, biases, X, hidden, output)
    deltas = [None] * len(weights)
    deltas[-1] = (acts[-1] - Y) / (Y.size if output == "sigmoid" else Y.shape[0])
    for l in range(len(weights) - 2, -1, -1):
        deltas[l] = (deltas[l + 1] @ weights[l + 1]) * plain.slope(hidden, zs[l])
    return zs, acts, deltas


def frob(M):
    return float(np.sqrt(np.sum(M * M)))


def e_safe(value, noise=1e-9):
    """A value printed with .1e reads the same anywhere within a relative ``noise`` of it."""
    return f"{value * (1 - noise):.1e}" == f"{value * (1 + noise):.1e}"


@pytest.fixture(scope="module")
def deep_tanh_runs():
    X, y = data.circles(200, seed=0)
    Y = y.reshape(-1, 1).astype(float)
    runs = {}
    for scale in (0.01, 0.05, 0.5, 1.0):
        start = MLP([2] + [64] * 10 + [1], "tanh", init="normal", weight_scale=scale, seed=0)
        zs, acts, deltas = deltas_written_out(start.weights, start.biases, X, Y, "tanh")
        grads = [d.T @ a for d, a in zip(deltas, acts[:-1])]
        runs[scale] = dict(
            acts=acts,
            stds=[np.sqrt(np.mean((a - a.mean()) ** 2)) for a in acts[1:-1]],
            deltas=np.array([frob(d) for d in deltas]),
            grads=np.array([frob(g) for g in grads]),
        )
    return runs


def test_scale_statistics(notebook, deep_tanh_runs):
    text = printed(notebook, "worked:scale-stats")
    lines = text.splitlines()
    for scale, run in deep_tanh_runs.items():
        forward_index = next(i for i, l in enumerate(lines) if l.startswith(f"std {scale:>4}:"))
        forward_line, backward_line = lines[forward_index], lines[forward_index + 1]
        saturated = np.mean(np.abs(run["acts"][-2]) > 0.99)
        shown = [float(v) for v in re.findall(r"\d\.\d+e[-+]\d+", forward_line)]
        assert len(shown) == 2
        for value, exact in zip(shown, (run["stds"][0], run["stds"][-1])):
            assert plain.shown_in_e_format(value, exact) and e_safe(exact), scale
        percent = float(re.search(r"layer 10: (\d+)%", forward_line).group(1))
        assert abs(percent - 100 * saturated) <= 0.5 * 1.001
        assert backward_line.strip().startswith("backward")
        d = run["deltas"]
        shown = [float(v) for v in re.findall(r"\d\.\d+e[-+]\d+", backward_line)]
        assert len(shown) == 4
        for value, exact in zip(shown, (d[-1], d[0], d[0] / d[-1], run["grads"][0])):
            assert plain.shown_in_e_format(value, exact) and e_safe(exact), (scale, value, exact)


def test_what_the_scale_does(deep_tanh_runs):
    runs = deep_tanh_runs
    for scale in (0.01, 0.05):
        # sigma sqrt(n) << 1: the signal shrinks forward and delta backward by about sigma sqrt(64) a layer, and
        # every gradient is tiny (the first layer's 1e-13 and 1e-6).
        forward = (runs[scale]["stds"][-1] / runs[scale]["stds"][0]) ** (1 / 9)
        backward = (runs[scale]["deltas"][0] / runs[scale]["deltas"][-1]) ** (1 / 10)
        assert abs(forward / (8 * scale) - 1) < 0.15 and abs(backward / (8 * scale) - 1) < 0.15, scale
        assert np.all(np.diff(runs[scale]["deltas"]) > 0) and runs[scale]["grads"].max() < 1e-5
    assert np.floor(np.log10(runs[0.01]["grads"][0])) == -13 and np.floor(np.log10(runs[0.05]["grads"][0])) == -6
    for scale in (0.5, 1.0):
        # sigma sqrt(n) >> 1: about half or more of layer 10 saturated, and delta GROWS at every step back.
        assert np.mean(np.abs(runs[scale]["acts"][-2]) > 0.99) > 0.45
        assert np.all(np.diff(runs[scale]["deltas"]) < 0), scale
    growth = {scale: runs[scale]["deltas"][0] / runs[scale]["deltas"][-1] for scale in (0.5, 1.0)}
    assert round(growth[0.5], -1) == 420 and round(growth[1.0], -2) == 8600  # "420 and 8,600 times"
    assert round(runs[0.5]["grads"][0]) == 15 and round(runs[1.0]["grads"][0], -1) == 370
    # The predicted answer: at std 1 "about 70%" of layer 10 beyond +-0.99, where tanh's slope is below 0.02;
    # at 0.01 the last layer's outputs are around 1e-12.
    assert 0.65 < np.mean(np.abs(runs[1.0]["acts"][-2]) > 0.99) < 0.75
    saturated = runs[1.0]["acts"][-2][np.abs(runs[1.0]["acts"][-2]) > 0.99]
    assert np.all(1 - saturated**2 < 0.02)  # tanh's slope 1 - a^2 there is below 0.02
    assert -12.5 < np.log10(np.sqrt(np.mean(runs[0.01]["acts"][-2] ** 2))) < -11.5


def spiral_setup():
    X, y = data.spirals(300, 3, seed=0)
    return X, np.eye(3)[y]


SPIRAL_RUNS = [("relu", "xavier"), ("relu", "he"), ("tanh", "xavier"), ("tanh", "he")]


@pytest.fixture(scope="module")
def spiral_moments():
    X, Y = spiral_setup()
    moments = {}
    for hidden, init in SPIRAL_RUNS:
        start = MLP([2] + [32] * 8 + [3], hidden, init=init, seed=0)
        zs, _, deltas = deltas_written_out(start.weights, start.biases, X, Y, hidden, "softmax")

        def rms(M):
            return float(np.sqrt(np.sum(M * M) / M.size))

        moments[hidden, init] = ([rms(z) for z in zs[:-1]], [rms(d) for d in deltas[:-1]], start)
    return moments


def test_xavier_and_he_statistics(notebook, spiral_moments):
    text = printed(notebook, "worked:xavier-he-stats")
    for (hidden, init), (forward, backward, start) in spiral_moments.items():
        # The draws' standard deviations are the published formulas.
        for W in start.weights:
            n_out, n_in = W.shape
            assert abs(W.std() / (np.sqrt(2 / (n_in + n_out)) if init == "xavier" else np.sqrt(2 / n_in)) - 1) < 0.5
        # the line reads: forward ... layer 1 → 8: ×F   backward ... layer 8 → 1: ×B
        values = [float(v) for v in re.findall(r"×(\d+\.\d+)", line_of(text, f"{hidden:>4} + {init:<6}:"))]
        exact = (forward[-1] / forward[0], backward[0] / backward[-1])
        assert len(values) == 2
        for value, ratio in zip(values, exact):
            assert abs(value - ratio) <= 0.005 * 1.001 and safely_rounded(ratio, 2, 1e-9), (hidden, init, value, ratio)


def test_the_prose_about_xavier_and_he(spiral_moments):
    ratio = {key: (f[-1] / f[0], b[0] / b[-1]) for key, (f, b, _) in spiral_moments.items()}
    # ReLU with Xavier loses the signal both ways: x0.03 and x0.08 over seven steps; sqrt(1/2)^7 is 0.09.
    assert [f"{r:.2f}" for r in ratio["relu", "xavier"]] == ["0.03", "0.08"]
    assert f"{np.sqrt(0.5) ** 7:.2f}" == "0.09"
    assert np.isclose(2 / (32 + 32), 0.5 * 2 / 32)  # Xavier between 32-unit layers: half of He's 2/32
    # ReLU with He and tanh with Xavier stay within a factor of 3, both ways.
    for key in (("relu", "he"), ("tanh", "xavier")):
        assert all(1 / 3 < r < 3 for r in ratio[key]), key
    # tanh with He: delta grows towards the input.
    assert ratio["tanh", "he"][1] > 2


def test_second_moments_forward_and_backward():
    """E[z^2] = n_in sigma^2 E[a^2] forward and E[delta^2] = n_out sigma^2 E[delta^2] E[f'^2] backward, measured
    on wide random layers (Monte Carlo): He keeps ReLU's second moment steady forward and backward, Xavier's
    1/n halves it; 1/n_in is steady forward and 1/n_out backward when the two sizes differ."""
    rng = np.random.default_rng(8)
    n, samples = 512, 256

    def ratios(hidden, variance, widths, input_scale=1.0):
        """Per step: E[z^2] of the last layer over the first, and E[delta^2] of the first hidden layer over the last."""
        a = rng.normal(0.0, input_scale, size=(samples, widths[0]))
        zs, Ws = [], []
        for n_in, n_out in zip(widths[:-1], widths[1:]):
            W = rng.normal(0.0, np.sqrt(variance(n_in, n_out)), size=(n_out, n_in))
            z = a @ W.T
            zs.append(z)
            Ws.append(W)
            a = plain.f(hidden, z)
        delta = rng.normal(size=zs[-1].shape) * plain.slope(hidden, zs[-1])
        deltas = [delta]
        for l in range(len(Ws) - 1, 0, -1):
            delta = (delta @ Ws[l]) * plain.slope(hidden, zs[l - 1])
            deltas.append(delta)
        per_step = 1 / (len(Ws) - 1)
        forward = (np.mean(zs[-1] ** 2) / np.mean(zs[0] ** 2)) ** per_step
        backward = (np.mean(deltas[-1] ** 2) / np.mean(deltas[0] ** 2)) ** per_step
        return forward, backward

    square = [n] * 7
    he = ratios("relu", lambda n_in, n_out: 2 / n_in, square)
    xavier_relu = ratios("relu", lambda n_in, n_out: 2 / (n_in + n_out), square)
    assert all(abs(r - 1) < 0.05 for r in he), he  # He: steady both ways
    assert all(abs(r - 0.5) < 0.03 for r in xavier_relu), xavier_relu  # 1/n: ReLU halves the second moment
    tanh_small = ratios("tanh", lambda n_in, n_out: 1 / n_in, square, input_scale=0.1)
    assert all(abs(r - 1) < 0.05 for r in tanh_small), tanh_small  # tanh near 0 (a ~ z): 1/n is steady
    # Unequal sizes, identity units (f' = 1): 1/n_in is steady forward, 1/n_out backward, and neither is both.
    widening = [64, 128, 256, 512, 1024]  # every layer twice as wide as the one before
    fan_in = ratios("identity", lambda n_in, n_out: 1 / n_in, widening)
    fan_out = ratios("identity", lambda n_in, n_out: 1 / n_out, widening)
    assert abs(fan_in[0] - 1) < 0.05 and abs(fan_out[1] - 1) < 0.05, (fan_in, fan_out)
    assert abs(fan_in[1] - 1) > 0.3 and abs(fan_out[0] - 1) > 0.3


def test_relu_moments(notebook):
    text = printed(notebook, "worked:relu-moments")
    second, variance = numbers(text.replace("relu(z)²", "").replace("E[z²]", ""))
    # By integration against the normal density: E[relu(z)^2] = 1/2 and Var(relu(z)) = 1/2 - 1/(2 pi) for E[z^2] = 1.
    z = np.linspace(0.0, 12.0, 200_001)
    density = np.exp(-z * z / 2) / np.sqrt(2 * np.pi)

    def trapezoid(values):
        return float(np.sum((values[1:] + values[:-1]) / 2) * (z[1] - z[0]))

    exact_second, exact_mean = trapezoid(z * z * density), trapezoid(z * density)
    assert abs(exact_second - 0.5) < 1e-9 and abs(exact_second - exact_mean**2 - (0.5 - 1 / (2 * np.pi))) < 1e-9
    assert (second, variance) == (0.50, 0.34)
    assert f"{exact_second:.2f}" == "0.50" and f"{exact_second - exact_mean**2:.2f}" == "0.34"
    # The million-sample estimates the cell prints sit far from a rounding boundary.
    samples = np.random.default_rng(0).normal(size=1_000_000)
    relu = np.maximum(samples, 0.0)
    assert safely_rounded(np.mean(relu**2) / np.mean(samples**2), 2, 1e-6)
    assert safely_rounded(np.var(relu) / np.mean(samples**2), 2, 1e-6)


def test_question_three():
    assert f"{np.sqrt(2 / 500):.3f}" == "0.063" and f"{np.sqrt(2 / 400):.3f}" == "0.071"


def test_xavier_and_he_training(notebook):
    text = printed(notebook, "worked:xavier-he-training")
    X, Y = spiral_setup()
    sizes = [2] + [32] * 8 + [3]
    for hidden, init in [("relu", "xavier"), ("relu", "he"), ("tanh", "xavier"), ("tanh", "he")]:
        start = MLP(sizes, hidden, init=init, seed=0)
        epoch_losses = []  # the loss the library reports per epoch: the batch losses as training went

        ws, bs = [W.copy() for W in start.weights], [b.copy() for b in start.biases]
        rng = np.random.default_rng(0)
        for _ in range(100):
            order, total = rng.permutation(300), 0.0
            for first in range(0, 300, 32):
                rows = order[first : first + 32]
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
