"""The reference solutions of ex01 and ex02 agree with course_lib, computed by its own code paths.

The solution notebooks' visible tests compare the reference solutions with the
numbers printed in the exercises (nbval runs them), and the grader compares
submissions with the reference solutions; this file closes the loop by checking
the references against the library, which the lessons' own tests cover.
"""

import numpy as np
import pytest

from course_lib import MLP, get_activation, get_loss
from course_lib.gradcheck import numerical_gradient
from course_lib.losses import LOSSES
from course_tools.grader import catalog, reference

RNG = np.random.default_rng(2024)


@pytest.fixture(scope="module")
def ex01():
    return reference.namespace(catalog.load("ex01_neuron_and_layer")[0])


@pytest.fixture(scope="module")
def ex02():
    return reference.namespace(catalog.load("ex02_losses")[0])


def test_ex01_sigmoid_and_neuron_match_the_library(ex01):
    sigmoid = get_activation("sigmoid")
    z = RNG.uniform(-30, 30, size=(4, 3))
    assert np.allclose(ex01["sigmoid"](z), sigmoid(z), rtol=1e-12)
    x, w, b = RNG.normal(size=5), RNG.normal(size=5), 0.3
    net = MLP([5, 1], output_activation="sigmoid")
    net.weights[0], net.biases[0] = w[None, :], np.array([b])
    assert np.isclose(ex01["neuron"](x, w, b), net.forward(x[None, :])[0, 0], rtol=1e-12)


@pytest.mark.parametrize("n, n_in, n_hidden, n_out", [(1, 1, 1, 1), (6, 4, 5, 3), (3, 784, 128, 10)])
def test_ex01_forward_passes_match_an_mlp(ex01, n, n_in, n_hidden, n_out):
    net = MLP([n_in, n_hidden, n_out], hidden_activation="tanh", output_activation="sigmoid", seed=7)
    net.biases = [RNG.normal(size=n_hidden), RNG.normal(size=n_out)]
    X = RNG.normal(size=(n, n_in))
    trace = net.trace(X)
    assert np.allclose(ex01["layer_forward"](X, net.weights[0], net.biases[0]), trace.zs[0], rtol=1e-12)
    A1, Y_hat = ex01["two_layer_forward"](X, net.weights[0], net.biases[0], net.weights[1], net.biases[1])
    assert np.allclose(A1, trace.activations[1], rtol=1e-12)
    assert np.allclose(Y_hat, net.forward(X), rtol=1e-12)


def test_ex02_mse_matches_the_library(ex02):
    P, Y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    assert np.isclose(ex02["mse_loss"](P, Y), get_loss("mse")(P, Y), rtol=1e-12)
    assert np.allclose(ex02["mse_gradient"](P, Y), get_loss("mse").gradient(P, Y), rtol=1e-12)


def test_ex02_binary_cross_entropy_matches_the_library_and_its_numerical_gradient(ex02):
    bce = LOSSES["binary_cross_entropy"]
    Z, Y = RNG.normal(size=(6, 2)) * 4, RNG.integers(0, 2, size=(6, 2)).astype(float)
    assert np.isclose(ex02["bce_from_logits"](Z, Y), bce.from_logits(Z, Y), rtol=1e-12)
    assert np.isclose(ex02["bce_from_logits"](Z, Y), bce(get_activation("sigmoid")(Z), Y), rtol=1e-9)
    numeric = numerical_gradient(lambda S: ex02["bce_from_logits"](S, Y), Z.copy())
    assert np.allclose(ex02["bce_gradient_from_logits"](Z, Y), numeric, atol=1e-8)
    huge = np.array([[1000.0], [-1000.0]])
    assert ex02["bce_from_logits"](huge, np.array([[0.0], [1.0]])) == pytest.approx(1000.0)


def test_ex02_softmax_cross_entropy_matches_the_library_and_its_numerical_gradient(ex02):
    ce, softmax = LOSSES["cross_entropy"], get_activation("softmax")
    Z = RNG.normal(size=(4, 5)) * 3
    Y = np.eye(5)[RNG.integers(0, 5, size=4)]
    assert np.allclose(ex02["softmax"](Z), softmax(Z), rtol=1e-12)
    assert np.isclose(ex02["cross_entropy_from_logits"](Z, Y), ce(softmax(Z), Y), rtol=1e-9)
    numeric = numerical_gradient(lambda S: ex02["cross_entropy_from_logits"](S, Y), Z.copy())
    assert np.allclose(ex02["cross_entropy_gradient"](Z, Y), numeric, atol=1e-8)
    big = Z * 300
    assert np.isclose(ex02["cross_entropy_from_logits"](big, Y), ce.from_logits(big, Y), rtol=1e-12)
