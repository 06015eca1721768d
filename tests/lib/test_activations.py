"""Activations: values, derivatives against centred differences, stability, lookup errors."""

import warnings

import numpy as np
import pytest

from course_lib import ACTIVATION_NAMES, CourseError, UnknownNameError, get_activation
from course_lib.gradcheck import numerical_gradient, relative_error

ELEMENTWISE = [name for name in ACTIVATION_NAMES if name != "softmax"]


@pytest.fixture
def z():
    # Keep clear of ReLU's kink at 0, where the derivative is not defined.
    values = np.random.default_rng(0).normal(size=(5, 4)) * 2
    values[np.abs(values) < 1e-2] = 0.5
    return values


def test_each_name_finds_the_activation_of_that_name():
    for name in ACTIVATION_NAMES:
        assert get_activation(name).name == name
        assert get_activation(get_activation(name)) is get_activation(name)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_centred_differences(name, z):
    act = get_activation(name)
    numeric = numerical_gradient(lambda v: float(np.sum(act(v))), z.copy())
    assert relative_error(act.derivative(z), numeric) < 1e-8


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_backward_is_the_chain_rule(name, z):
    act = get_activation(name)
    upstream = np.random.default_rng(1).normal(size=z.shape)
    # d/dz of sum(upstream * f(z)) is exactly backward(upstream, z, f(z)).
    numeric = numerical_gradient(lambda v: float(np.sum(upstream * act(v))), z.copy())
    assert relative_error(act.backward(upstream, z, act(z)), numeric) < 1e-8


def test_known_values():
    assert get_activation("sigmoid")(np.array(0.0)) == 0.5
    np.testing.assert_allclose(get_activation("tanh")(np.array([0.5])), [np.tanh(0.5)])
    np.testing.assert_array_equal(get_activation("relu")(np.array([-2.0, 3.0])), [0.0, 3.0])
    np.testing.assert_allclose(get_activation("leaky_relu")(np.array([-2.0, 3.0])), [-0.02, 3.0])
    np.testing.assert_array_equal(get_activation("identity")(np.array([-2.0, 3.0])), [-2.0, 3.0])
    p = get_activation("softmax")(np.array([[1.0, 2.0, 3.0]]))
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(p, [e / e.sum()])


def test_extremes_are_exact_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = get_activation("sigmoid")(np.array([1000.0, -1000.0]))
            p = get_activation("softmax")(np.array([[1000.0, 0.0, -1000.0]]))
            d = get_activation("sigmoid").derivative(np.array([1000.0, -1000.0]))
            t = get_activation("tanh")(np.array([1000.0, -1000.0]))
    np.testing.assert_array_equal(s, [1.0, 0.0])
    np.testing.assert_array_equal(p, [[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(d, [0.0, 0.0])
    np.testing.assert_array_equal(t, [1.0, -1.0])


def test_sigmoid_keeps_precision_for_negative_inputs():
    # 1 / (1 + e^40) is about 4.2e-18: a naive 1 - sigmoid(40) would give 0.
    np.testing.assert_allclose(get_activation("sigmoid")(np.array([-40.0])), [1 / (1 + np.exp(40.0))], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_dtype_is_kept(name, dtype):
    act = get_activation(name)
    z = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    a = act(z)
    assert a.dtype == dtype
    assert act.backward(np.ones_like(z), z, a).dtype == dtype


def test_softmax_jacobian_matches_centred_differences():
    softmax = get_activation("softmax")
    z = np.array([[0.2, -1.0, 0.5]])
    jac = softmax.jacobian(z)[0]
    for i in range(3):
        numeric = numerical_gradient(lambda v: float(softmax(v)[0, i]), z.copy())
        assert relative_error(jac[i], numeric[0]) < 1e-8


def test_softmax_has_no_elementwise_derivative():
    with pytest.raises(CourseError, match="jacobian"):
        get_activation("softmax").derivative(np.zeros((1, 3)))


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(UnknownNameError) as info:
        get_activation("sigmod")
    message = str(info.value)
    assert "'sigmod'" in message
    for name in ACTIVATION_NAMES:
        assert repr(name) in message
