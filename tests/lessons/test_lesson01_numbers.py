"""Lesson 01's printed numbers, recomputed with plain numpy written here.

The inputs of each worked example (the weights, the input) are read from what the
notebook printed where it printed them, or restated here; every result is
recomputed independently and compared with the printed text.
"""

import re

import numpy as np
import pytest

from course_lib import MLP
from notebook_outputs import load, numbers, numbers_after, printed

NOTEBOOK = "01_neurons_and_forward_pass"
PRINTED_DIGITS = 5e-5  # the notebook prints 4 decimals


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.fixture(scope="module")
def nb():
    return load(NOTEBOOK)


def test_single_neuron(nb):
    text = printed(nb, "worked:neuron")
    x, w, b = np.array([1.0, 2.0]), np.array([0.5, -0.25]), 0.1
    z = x[0] * w[0] + x[1] * w[1] + b
    assert numbers_after(text, "z = w·x + b =") == pytest.approx([z], abs=PRINTED_DIGITS)
    assert numbers_after(text, "a = sigmoid(z) =") == pytest.approx([sigmoid(z)], abs=PRINTED_DIGITS)
    assert sigmoid(z) > 0.5


def test_digit_network_shapes_and_parameter_count(nb):
    text = printed(nb, "worked:shapes")
    shapes = re.findall(r"(W|b)(\d) shape \(([\d, ]*)\)", text)
    found = {f"{kind}{layer}": tuple(int(n) for n in dims.split(",") if n.strip()) for kind, layer, dims in shapes}
    assert found == {"W1": (128, 784), "b1": (128,), "W2": (10, 128), "b2": (10,)}
    total = 128 * 784 + 128 + 10 * 128 + 10
    assert numbers_after(text, "weights and biases in total:") == pytest.approx([total])
    assert total == 101770


def test_fake_image_scores(nb):
    text = printed(nb, "worked:fake-image")
    assert "x shape (784,)" in text and "z1 = W1 x + b1 shape (128,)" in text
    assert "output shape (10,)" in text
    # The random weights are the example's input; the pass itself is recomputed by hand.
    net = MLP([784, 128, 10], seed=0)
    W1, W2 = net.weights
    image = np.random.default_rng(0).random(784)
    hidden = np.tanh(W1 @ image)  # biases start at zero
    scores = sigmoid(W2 @ hidden)
    assert not net.biases[0].any() and not net.biases[1].any()
    assert numbers_after(text, "scores =") == pytest.approx(scores, abs=PRINTED_DIGITS)


def test_small_network_weights_are_readable(nb):
    text = printed(nb, "worked:network")
    assert numbers_after(text, "x =") == pytest.approx([1.0, 2.0])
    assert numbers_after(text, "W1 =").reshape(3, 2) == pytest.approx(np.array([[0.5, -0.5], [1.0, 0.25], [-1.0, 0.5]]))
    assert numbers_after(text, "b1 =") == pytest.approx([0.1, -0.5, 0.2])
    assert numbers_after(text, "W2 =").reshape(2, 3) == pytest.approx(np.array([[1.0, -0.5, 2.0], [-1.0, 1.5, 0.5]]))
    assert numbers_after(text, "b2 =") == pytest.approx([0.0, -0.5])


def test_forward_pass_every_z_and_a(nb):
    setup = printed(nb, "worked:network")
    x = numbers_after(setup, "x =")
    W1, b1 = numbers_after(setup, "W1 =").reshape(3, 2), numbers_after(setup, "b1 =")
    W2, b2 = numbers_after(setup, "W2 =").reshape(2, 3), numbers_after(setup, "b2 =")
    # neuron by neuron, as on paper
    z1 = np.array([sum(W1[j, i] * x[i] for i in range(2)) + b1[j] for j in range(3)])
    a1 = np.array([max(0.0, v) for v in z1])
    z2 = np.array([sum(W2[j, i] * a1[i] for i in range(3)) + b2[j] for j in range(2)])
    a2 = sigmoid(z2)

    text = printed(nb, "worked:forward-pass")
    for label, expected in (("z1 =", z1), ("a1 =", a1), ("z2 =", z2), ("a2 =", a2)):
        assert numbers_after(text, label) == pytest.approx(expected, abs=PRINTED_DIGITS), label
    # the readable values the text around the cell quotes
    assert z1 == pytest.approx([-0.4, 1.0, 0.2])
    assert z2 == pytest.approx([-0.1, 1.1])
    assert a2 == pytest.approx([0.475, 0.750], abs=5e-4)


def test_the_notebook_says_the_library_agrees(nb):
    cells = [c for c in nb.cells if c.cell_type == "code" and "small.trace" in c.source]
    assert len(cells) == 1
    text = "".join(o.get("text", "") for o in cells[0].outputs)
    assert "agrees with the hand computation: True" in text
    library_zs = numbers(text.splitlines()[0].split(":", 1)[1])
    assert library_zs == pytest.approx([-0.4, 1.0, 0.2, -0.1, 1.1], abs=PRINTED_DIGITS)


def test_xor_one_neuron_never_gets_all_four(nb):
    text = printed(nb, "worked:xor-one-neuron")
    assert numbers_after(text, "points right:") == pytest.approx([0, 1, 2, 3, 4])
    counts = numbers_after(text, "how many tries:")
    # The same 100,000 random neurons, scored point by point in a loop.
    tries = np.random.default_rng(1).normal(0, 3, size=(100_000, 3))
    points = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
    right = np.zeros(len(tries), dtype=int)
    for (x1, x2), label in points:
        right += (tries[:, 0] * x1 + tries[:, 1] * x2 + tries[:, 2] > 0).astype(int) == label
    assert counts == pytest.approx(np.bincount(right, minlength=5))
    assert counts[4] == 0 and counts.sum() == 100_000


def test_no_line_separates_xor():
    # The folded argument, checked on a fine grid of (w1, w2, b): no setting gets all four.
    grid = np.linspace(-5, 5, 41)
    w1, w2, b = np.meshgrid(grid, grid, grid, indexing="ij")
    ok = (b <= 0) & (w2 + b > 0) & (w1 + b > 0) & (w1 + w2 + b <= 0)
    assert not ok.any()


def test_batch_rows_are_single_samples(nb):
    text = printed(nb, "worked:batch")
    assert "X (5, 784) @ W1.T (784, 128) + b1 (128,) -> Z1 (5, 128)" in text
    assert "row 2 of Z1 equals W1 x + b1 for sample 2: True" in text
    assert "net.forward(X) shape (5, 10)" in text
