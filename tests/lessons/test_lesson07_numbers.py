"""Recompute every number lesson 07 prints, and the claims its prose makes, with the plain implementation in
plain_network.py and backward passes written out here."""

import re

import numpy as np
import pytest

import plain_network as plain
from course_lib import MLP, data
from notebook_outputs import load, numbers, numbers_after, printed, safely_rounded

LESSON = "07_activations_and_vanishing_gradients"
ACTIVATIONS = ["sigmoid", "tanh", "relu"]


@pytest.fixture(scope="module")
def notebook():
    return load(LESSON)


@pytest.fixture(scope="module")
def circles():
    X, y = data.circles(200, seed=0)
    return X, y.reshape(-1, 1).astype(float)


@pytest.fixture(scope="module")
def moons():
    X, y = data.moons(200, seed=0)
    return X, y.reshape(-1, 1).astype(float)


def start_weights(sizes, scale=0.2, init="normal", seed=0):
    """The lesson's seeded initial weights (its stated inputs), taken from MLP's constructor."""
    net = MLP(sizes, "tanh", init=init, weight_scale=scale, seed=seed)
    return [W.copy() for W in net.weights], [b.copy() for b in net.biases]


def deep_norms(activation, X, Y):
    weights, biases = start_weights([2] + [32] * 10 + [1])
    grads, _ = plain.backward(weights, biases, X, Y, activation)
    return np.array([np.sqrt(np.sum(g * g)) for g in grads])


def e_numbers(text):
    return [float(s) for s in re.findall(r"[-+]?\d\.\d+e[-+]\d+", text)]


def test_slopes(notebook):
    text = printed(notebook, "worked:slopes")
    s3 = 1 / (1 + np.exp(-3.0))
    expected = {
        "sigmoid": [s3 * (1 - s3), 0.25, s3 * (1 - s3)],
        "tanh": [1 / np.cosh(3.0) ** 2, 1.0, 1 / np.cosh(3.0) ** 2],
        "relu": [0.0, 0.0, 1.0],
        "leaky_relu": [0.01, 0.01, 1.0],
    }
    for name, values in expected.items():
        line = next(line for line in text.splitlines() if line.strip().startswith(name + ":"))
        shown = numbers(line.split(":", 1)[1])[[1, 3, 5]]  # skip the -3, 0, 3 inside f'(...)
        np.testing.assert_allclose(shown, values, atol=5e-5 * 1.001, err_msg=name)


def test_linear_collapse(notebook):
    text = printed(notebook, "worked:collapse")
    rng = np.random.default_rng(7)
    weights, _ = start_weights([3, 4, 4, 2], scale=1.0, seed=7)
    biases = [rng.normal(size=W.shape[0]) for W in weights]
    W1, W2, W3 = weights
    b1, b2, b3 = biases
    W_one = W3 @ (W2 @ W1)  # the other association from the lesson's
    b_one = W3 @ (W2 @ b1 + b2) + b3
    np.testing.assert_allclose(numbers_after(text, "W_one ="), W_one.ravel(), atol=5e-5 * 1.001)
    np.testing.assert_allclose(numbers_after(text, "b_one ="), b_one, atol=5e-5 * 1.001)
    X_probe = rng.normal(size=(6, 3))
    deep = plain.forward(weights, biases, X_probe, "identity", "identity")[1][-1]
    assert np.max(np.abs(deep - (X_probe @ W_one.T + b_one))) < 5e-11
    assert numbers(text.splitlines()[-1].split(":")[-1]).tolist() == [0.0]


def deltas_activations_gradients(activation, X, Y):
    """Every layer's ||Delta^l||, ||A^(l-1)|| and ||dL/dW^l|| (l = 1..11), by a backward pass written out here.

    Delta^L = (A^L - Y) / n for a sigmoid output with binary cross-entropy;
    Delta^l = (Delta^(l+1) W^(l+1)) * f'(Z^l); dL/dW^l = (Delta^l)^T A^(l-1).
    """
    weights, biases = start_weights([2] + [32] * 10 + [1])
    zs, acts = plain.forward(weights, biases, X, activation)
    deltas = [None] * len(weights)
    deltas[-1] = (acts[-1] - Y) / Y.size
    for l in range(len(weights) - 2, -1, -1):  # 0-based: deltas[l] is Delta^(l+1)
        deltas[l] = (deltas[l + 1] @ weights[l + 1]) * plain.slope(activation, zs[l])
    grads = [d.T @ a for d, a in zip(deltas, acts[:-1])]

    def frob(M):
        return float(np.sqrt(np.sum(M * M)))

    return (
        np.array([frob(d) for d in deltas]),
        np.array([frob(a) for a in acts[:-1]]),
        np.array([frob(g) for g in grads]),
        zs,
    )


@pytest.fixture(scope="module")
def deep(circles):
    return {name: deltas_activations_gradients(name, *circles) for name in ACTIVATIONS}


def e_safe(value, noise=1e-9):
    """A value printed with .1e reads the same anywhere within a relative ``noise`` of it."""
    return f"{value * (1 - noise):.1e}" == f"{value * (1 + noise):.1e}"


def per_layer(norms):
    """The geometric mean of the 10 steps from layer 11 back to layer 1."""
    return (norms[0] / norms[-1]) ** (1 / 10)


def test_layer_table(notebook, deep):
    text = printed(notebook, "worked:layer-norms")
    for name in ACTIVATIONS:
        d, a, g, _ = deep[name]
        line = next(l for l in text.splitlines() if l.strip().startswith(name + ":"))
        shown = e_numbers(line)
        exact = [d[-1], d[0], a[-1], a[0], g[-1], g[0]]
        assert len(shown) == 6
        for s, e in zip(shown, exact):
            assert plain.shown_in_e_format(s, e) and e_safe(e), (name, s, e)
        factor = float(re.search(r"×(\d+\.\d+) a layer", line).group(1))
        assert abs(factor - per_layer(d)) <= 0.005 * 1.001 and safely_rounded(per_layer(d), 2, 1e-9), name
    # The gradient really is the product the lesson says: (Delta^l)^T A^(l-1) is never larger than the two norms.
    for name in ACTIVATIONS:
        d, a, g, _ = deep[name]
        assert np.all(g <= d * a * (1 + 1e-12))


def test_the_prose_about_the_table(deep):
    (sd, sa, sg, szs), (td, ta, tg, _), (rd, ra, rg, rzs) = (deep[n] for n in ACTIVATIONS)
    # Sigmoid: the first layer's gradient about 8 million times smaller; delta shrinks about 4x at every layer.
    assert 7e6 < sg[-1] / sg[0] < 9e6
    steps = sd[:-1] / sd[1:]
    assert np.all((0.2 < steps) & (steps < 0.35)), steps
    assert 3.5 < 1 / per_layer(sd) < 4.5
    # "At least 4^10 smaller from the slopes alone": no sigmoid slope in the network exceeds 1/4 ...
    assert max(np.max(plain.slope("sigmoid", z)) for z in szs[:-1]) <= 0.25
    # ... and the weights gave some of it back: delta fell by less than 4^10.
    assert sd[0] / sd[-1] > 4.0**-10
    # Sigmoid's outputs sit near 0.5 in every layer (so ||A|| is about 0.5 sqrt(200 * 32) = 40 throughout).
    weights, biases = start_weights([2] + [32] * 10 + [1])
    acts = plain.forward(weights, biases, data.circles(200, seed=0)[0], "sigmoid")[1]
    assert all(0.45 < a.mean() < 0.55 for a in acts[1:-1])
    # ReLU: delta shrinks tenfold from layer 11 to layer 1, the activations shrink going forward from 11 to 0.41,
    # and the gradient comes out flat.
    assert 0.08 < rd[0] / rd[-1] < 0.12
    assert f"{ra[0]:.0f}" == "11" and f"{ra[-1]:.2f}" == "0.41"
    assert rg.max() / rg.min() < 2 and 0.5 < rg[0] / rg[-1] < 2
    # tanh, the mirror image: delta grows towards the input, the activations towards the output; flat gradient.
    assert td[0] / td[-1] > 1.5 and ta[-1] / ta[0] > 1.5
    assert tg.max() / tg.min() < 2 and 0.5 < tg[0] / tg[-1] < 2
    # "Sigmoid's outputs sit near 0.5 in every layer, so nothing offsets delta's fall": sigmoid's gradient,
    # unlike the others, falls at every layer towards the input, and by more than delta does.
    assert np.all(np.diff(sg) > 0)
    assert sg[-1] / sg[0] > sd[-1] / sd[0]


def test_the_factor_per_layer(notebook, deep):
    text = printed(notebook, "worked:factor")
    gain = 0.2 * np.sqrt(32)
    for name in ACTIVATIONS:
        d, _, _, zs = deep[name]
        typical = np.sqrt(np.mean([np.mean(plain.slope(name, z) ** 2) for z in zs[:-1]]))
        line = next(l for l in text.splitlines() if l.strip().startswith(name + ":"))
        shown = numbers(line.split(":", 1)[1])
        assert shown.tolist()[:1] == [1.13]
        for value, exact in zip(shown[[1, 2, 3]], (typical, gain * typical, per_layer(d))):
            assert abs(value - exact) <= 0.005 * 1.001 and safely_rounded(exact, 2, 1e-9), (name, value, exact)
        assert abs(gain * typical - per_layer(d)) < 0.02  # the product predicts the measured factor
    # The lesson's reading: ReLU's slope is 1 on half the units, a factor of sqrt(1/2); 1.13 sqrt(1/2) = 0.80.
    relu_zs = deep["relu"][3][:-1]
    assert 0.45 < np.mean([np.mean(z > 0) for z in relu_zs]) < 0.55
    assert f"{gain * np.sqrt(0.5):.2f}" == "0.80" and f"{gain:.2f}" == "1.13"
    # Summary: x0.25 with sigmoid, x0.79 with ReLU, x1.08 with tanh.
    assert [f"{per_layer(deep[n][0]):.2f}" for n in ("sigmoid", "relu", "tanh")] == ["0.25", "0.79", "1.08"]


def test_twenty_sigmoid_layers():
    # Check-your-understanding 2: shrinking 4x at each of 20 layers is about 10^-12.
    assert abs(np.log10(4.0**-20) + 12) < 0.1


def test_deep_training(notebook, circles):
    text = printed(notebook, "worked:deep-training")
    X, Y = circles
    for name in ACTIVATIONS:
        weights, biases = start_weights([2] + [32] * 10 + [1])
        trained, trained_b, _ = plain.sgd(
            weights, biases, X, Y, name, epochs=100, batch_size=20, learning_rate=0.1, seed=0
        )
        line = next(l for l in text.splitlines() if l.strip().startswith(name + ":"))
        loss = float(re.search(r"loss (\d\.\d+)", line).group(1))
        acc = float(re.search(r"accuracy (\d\.\d+)", line).group(1))
        assert abs(loss - plain.loss(trained, trained_b, X, Y, name)) <= 5e-4 * 1.001, name
        assert abs(acc - plain.accuracy(trained, trained_b, X, Y, name)) <= 5e-4 * 1.001, name
        moved = [np.linalg.norm(W - W0) / np.linalg.norm(W0) for W, W0 in zip(trained, weights)]
        first, last = e_numbers(line)
        assert plain.shown_in_e_format(first, moved[0]) and plain.shown_in_e_format(last, moved[-1]), name
        if name == "sigmoid":
            assert abs(loss - np.log(2)) < 0.01 and acc == 0.5  # "stuck at chance"


def test_blind_spot_of_a_global_relative_error(notebook, circles):
    text = printed(notebook, "worked:blind-spot")
    weights, biases = start_weights([2] + [32] * 10 + [1])
    grads, _ = plain.backward(weights, biases, *circles, "sigmoid")
    largest = max(np.max(np.abs(g)) for g in grads)
    global_error = np.max(np.abs(grads[0])) / (2 * largest)  # |a - 0| / max(|a| + |n|) over every entry
    assert plain.shown_in_e_format(e_numbers(text.splitlines()[0])[0], global_error)
    assert "passes 1e-6: True" in text and global_error < 1e-6
    assert e_numbers(text.splitlines()[1]) == [1.0]  # a zeroed entry is 100% wrong


def test_gradient_check_of_the_small_network(notebook, circles):
    text = printed(notebook, "worked:gradcheck")
    X, Y = circles[0][:20], circles[1][:20]
    weights, biases = start_weights([2, 8, 8, 8, 8, 1], scale=0.5)
    analytic, _ = plain.backward(weights, biases, X, Y, "sigmoid")
    lines = text.splitlines()
    assert len(lines) == 5
    for l, line in enumerate(lines):
        assert plain.shown_in_e_format(e_numbers(line)[0], np.max(np.abs(analytic[l])))
        assert line.endswith("below 1e-6: True")

        def loss_of(W, l=l):
            trial = list(weights)
            trial[l] = W
            return plain.loss(trial, biases, X, Y, "sigmoid")

        numeric = plain.centred_gradient(loss_of, weights[l], 1e-5)
        errors = np.abs(analytic[l] - numeric) / (np.abs(analytic[l]) + np.abs(numeric))
        assert errors.max() < 1e-6, (l, errors.max())


def dead_run(activation, learning_rate, moons, bias=0.0):
    """The lesson's train_counting_dead, re-done: (weights, biases, dead counts per epoch)."""
    X, Y = moons
    weights, biases = start_weights([2, 32, 32, 1], init="he")
    biases = [np.full_like(b, bias) for b in biases[:-1]] + [biases[-1]]

    def dead(ws, bs):
        zs = plain.forward(ws, bs, X, activation)[0]
        return sum(int(np.sum(np.max(z, axis=0) <= 0)) for z in zs[:-1])

    counts = [dead(weights, biases)]
    ws, bs, _ = plain.sgd(
        weights,
        biases,
        X,
        Y,
        activation,
        epochs=100,
        batch_size=20,
        learning_rate=learning_rate,
        seed=0,
        after_epoch=lambda w, b: counts.append(dead(w, b)),
    )
    return ws, bs, counts


def test_dead_units_by_learning_rate(notebook, moons):
    text = printed(notebook, "worked:dead-by-rate")
    for rate in (0.1, 1.0, 2.0):
        ws, bs, counts = dead_run("relu", rate, moons)
        line = next(l for l in text.splitlines() if l.startswith(f"learning rate {rate}:"))
        start, end, total, acc = numbers(line.split(":", 1)[1])
        assert (start, end, total) == (counts[0], counts[-1], 64), rate
        assert abs(acc - plain.accuracy(ws, bs, *moons, "relu")) <= 5e-4 * 1.001


def test_units_die_in_waves(moons):
    # The lesson's reading of its picture: at learning rate 2.0 a jump in the first epoch and a second wave later.
    _, _, counts = dead_run("relu", 2.0, moons)
    assert counts[1] - counts[0] >= 10 and counts[80] - counts[40] >= 10
    assert max(counts[l] - counts[l + 1] for l in range(100)) <= 4  # the count hardly ever goes down


def test_why_dead_units_stay_dead(notebook, moons):
    text = printed(notebook, "worked:why-dead")
    ws, bs, _ = dead_run("relu", 2.0, moons)
    z_first = plain.forward(ws, bs, moons[0], "relu")[0][0]
    dead = np.max(z_first, axis=0) <= 0
    grads, _ = plain.backward(ws, bs, *moons, "relu")
    assert numbers_after(text, "first hidden layer:")[0] == dead.sum()
    assert np.max(np.abs(grads[0][dead])) == 0.0
    assert numbers_after(text, "largest |gradient|").tolist() == [0.0]
    dead_bias, live_bias = numbers(text.splitlines()[-1])
    assert abs(dead_bias - bs[0][dead].mean()) <= 5e-4 * 1.001
    assert abs(live_bias - bs[0][~dead].mean()) <= 5e-4 * 1.001
    assert dead_bias < live_bias


def test_dead_units_by_bias(notebook, moons):
    text = printed(notebook, "worked:dead-by-bias")
    for bias in (0.0, -1.0, -2.0):
        ws, bs, counts = dead_run("relu", 0.1, moons, bias=bias)
        line = next(l for l in text.splitlines() if l.startswith(f"initial bias {bias:+.1f}:"))
        start, end, total, acc = numbers(line.split(":", 1)[1])
        assert (start, end, total) == (counts[0], counts[-1], 64), bias
        assert abs(acc - plain.accuracy(ws, bs, *moons, "relu")) <= 5e-4 * 1.001


def test_leaky_relu_remedy(notebook, moons):
    text = printed(notebook, "worked:leaky")
    for name in ("relu", "leaky_relu"):
        ws, bs, counts = dead_run(name, 2.0, moons)
        grads, _ = plain.backward(ws, bs, *moons, name)
        zero = sum(int(np.sum(np.all(g == 0, axis=1))) for g in grads[:-1])
        line = next(l for l in text.splitlines() if l.strip().startswith(f"{name}, learning rate 2.0:"))
        silent, frozen, acc = numbers(line.split(":", 1)[1])
        assert (silent, frozen) == (counts[-1], zero), name
        assert abs(acc - plain.accuracy(ws, bs, *moons, name)) <= 5e-4 * 1.001
        if name == "leaky_relu":
            assert zero == 0 and acc == 1.0
