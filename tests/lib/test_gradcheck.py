"""The gradient checker itself: it must pass right gradients and catch wrong ones."""

import numpy as np
import pytest

from course_lib import MLP, check_network_gradients, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)


def test_x_is_restored_after_nudging():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_needs_float64_arrays():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    # Entry by entry: the worst entry decides, however small the other entries are.
    assert relative_error([1.0, 100.0], [1.001, 100.0]) == pytest.approx(0.001 / 2.001)
    assert relative_error([1.0, 1e-8], [1.0, -1e-8]) == 1.0  # a sign error in a tiny entry is caught


def test_relative_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_check_network_gradients_catches_a_wrong_backward():
    net = MLP([2, 3, 1], "tanh", "sigmoid", "mse", seed=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    Y = np.array([0.0, 1.0, 1.0, 0.0])
    assert check_network_gradients(net, X, Y).passed

    class Broken(MLP):
        def backward(self, X, Y):
            grads = super().backward(X, Y)
            grads.weights[0] = grads.weights[0] * 1.01  # a 1% error must not slip through
            return grads

    broken = Broken([2, 3, 1], "tanh", "sigmoid", "mse", seed=0)
    report = check_network_gradients(broken, X, Y)
    assert not report.passed
    assert report.errors["weights[0]"] > 1e-3
    assert "FAILED" in str(report)


def test_check_network_gradients_works_on_float32_nets():
    net = MLP([2, 3, 2], "relu", "softmax", "cross_entropy", dtype="float32", seed=2)
    net.biases[0][:] = 0.1
    X = np.random.default_rng(1).normal(size=(5, 2))
    report = check_network_gradients(net, X, [0, 1, 1, 0, 1])
    assert report.passed, str(report)
    assert net.dtype == np.float32  # the original network is left alone
