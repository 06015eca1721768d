"""Tests of course_lib.signals: the seven-step recipe against MLP.backward and finite differences."""

import numpy as np
import pytest

from course_lib import MLP
from course_lib.lessons.mazur_example import example_network
from course_lib.signals import (
    bias_gradients,
    delta_update,
    forward,
    hidden_layer_signals,
    mse_scale,
    output_layer_signals,
    recipe_step,
    signal_update,
    weight_gradients,
)
from course_lib.widgets.stepper_events import state_after, training_events
from course_lib.validation import CourseError, ShapeError, UnknownNameError
from finite_differences import centred_differences_in_place

ACTIVATION_PAIRS = [
    ("sigmoid", "sigmoid"),
    ("tanh", "sigmoid"),
    ("relu", "identity"),
    ("leaky_relu", "tanh"),
    ("sigmoid", "identity"),
]


def random_case(seed, hidden_activation="sigmoid", output_activation="sigmoid"):
    """A random MLP with one hidden layer (random biases too), a batch X and targets T."""
    rng = np.random.default_rng(seed)
    p, h, k, n = (int(v) for v in rng.integers(1, 6, size=4))
    net = MLP([p, h, k], hidden_activation, output_activation, "mse", seed=seed)
    net.biases = [rng.normal(size=h), rng.normal(size=k)]
    return net, rng.normal(size=(n, p)), rng.uniform(0.0, 1.0, size=(n, k))


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def half_sse(net, X, T):
    """1/2 sum over samples and outputs of (t - y)^2, computed from scratch."""
    a = X
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ W.T + b
        name = (net.hidden_activation if l == 0 else net.output_activation).name
        a = {
            "sigmoid": sigma,
            "tanh": np.tanh,
            "identity": lambda v: v,
            "relu": lambda v: np.maximum(v, 0),
            "leaky_relu": lambda v: np.where(v > 0, v, 0.01 * v),
        }[name](z)
    return 0.5 * np.sum((T - a) ** 2)


# ---------------------------------------------------------------- the recipe equals back-propagation
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("hidden_activation, output_activation", ACTIVATION_PAIRS)
def test_mse_recipe_equals_minus_backward(seed, hidden_activation, output_activation):
    net, X, T = random_case(seed, hidden_activation, output_activation)
    step = recipe_step(net, X, T, 0.1, loss="mse")
    grads = net.backward(X, T)
    np.testing.assert_allclose(step.output_signals, -grads.deltas[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(step.hidden_signals, -grads.deltas[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(step.output_signals, grads.signals[1], rtol=1e-12, atol=1e-15)
    for mine, theirs in zip(
        [step.grad_W_hidden, step.grad_b_hidden, step.grad_W_out, step.grad_b_out], grads.parameters()
    ):
        np.testing.assert_allclose(mine, -theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_raw_recipe_is_library_signal_divided_by_two_over_nk(seed):
    net, X, T = random_case(seed, "tanh", "sigmoid")
    n, k = T.shape
    raw = recipe_step(net, X, T, 0.1, loss="half_sse")
    grads = net.backward(X, T)
    # The factor, measured: the mse loss over the half sum of squares, both computed here.
    half_sse_value = 0.5 * float(np.sum((net.forward(X) - T) ** 2))
    assert mse_scale(n, k) == pytest.approx(net.loss(X, T) / half_sse_value, rel=1e-12)
    np.testing.assert_allclose(raw.output_signals * (2.0 / (n * k)), grads.signals[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(raw.hidden_signals * (2.0 / (n * k)), grads.signals[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(raw.grad_W_hidden * (2.0 / (n * k)), -grads.weights[0], rtol=1e-12, atol=1e-15)


def test_one_sample_two_outputs_needs_no_scaling():
    net, x, t = example_network()
    raw = recipe_step(net, x, t, 0.5, loss="half_sse")
    library = recipe_step(net, x, t, 0.5, loss="mse")
    assert raw.scale == library.scale == 1.0
    np.testing.assert_array_equal(raw.output_signals, library.output_signals)
    np.testing.assert_array_equal(raw.new_W_hidden, library.new_W_hidden)


# ---------------------------------------------------------------- gradients against finite differences
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("hidden_activation, output_activation", ACTIVATION_PAIRS)
def test_raw_recipe_gradients_are_minus_numerical_gradients_of_half_sse(seed, hidden_activation, output_activation):
    net, X, T = random_case(seed + 10, hidden_activation, output_activation)
    step = recipe_step(net, X, T, 0.1, loss="half_sse")
    params = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    recipe = [step.grad_W_hidden, step.grad_b_hidden, step.grad_W_out, step.grad_b_out]
    for param, gradient in zip(params, recipe):
        numeric = centred_differences_in_place(lambda: half_sse(net, X, T), param, 1e-6)
        np.testing.assert_allclose(gradient, -numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", range(4))
def test_mse_recipe_gradients_are_minus_numerical_gradients_of_net_loss(seed):
    net, X, T = random_case(seed + 20)
    step = recipe_step(net, X, T, 0.1, loss="mse")
    numeric = centred_differences_in_place(lambda: net.loss(X, T), net.weights[1], 1e-6)
    np.testing.assert_allclose(step.grad_W_out, -numeric, rtol=1e-6, atol=1e-9)
    numeric = centred_differences_in_place(lambda: net.loss(X, T), net.biases[0], 1e-6)
    np.testing.assert_allclose(step.grad_b_hidden, -numeric, rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- both update conventions
@pytest.mark.parametrize("seed", range(5))
def test_signal_update_equals_delta_update_and_net_step(seed):
    net, X, T = random_case(seed + 30, "tanh", "sigmoid")
    eta = 0.3
    step = recipe_step(net, X, T, eta)
    grads = net.backward(X, T)
    stepped = net.copy()
    stepped.step(grads, eta)
    ours = [step.new_W_hidden, step.new_b_hidden, step.new_W_out, step.new_b_out]
    for mine, param, grad, after_step in zip(ours, net.parameters(), grads.parameters(), stepped.parameters()):
        np.testing.assert_allclose(mine, delta_update(param, grad, eta), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(mine, after_step, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(mine, param - eta * grad, rtol=1e-13, atol=1e-15)


def test_recipe_step_leaves_the_network_alone():
    net, x, t = example_network()
    before = [p.copy() for p in net.parameters()]
    recipe_step(net, x, t, 0.5)
    for p, q in zip(before, net.parameters()):
        np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------- the free functions, by hand
def test_free_functions_on_hand_numbers():
    X = np.array([[1.0, -2.0]])
    W_hidden, b_hidden = np.array([[0.5, 0.25], [-1.0, 0.0], [0.0, 2.0]]), np.array([0.1, 0.2, 0.3])
    W_out, b_out = np.array([[1.0, -1.0, 0.5]]), np.array([-0.5])
    z_hidden, hidden, z_out, output = forward(X, W_hidden, b_hidden, W_out, b_out, "tanh", "sigmoid")
    np.testing.assert_allclose(z_hidden, [[0.1, -0.8, -3.7]])
    np.testing.assert_allclose(hidden, np.tanh([[0.1, -0.8, -3.7]]))
    expected_z_out = np.tanh(0.1) - np.tanh(-0.8) + 0.5 * np.tanh(-3.7) - 0.5
    np.testing.assert_allclose(z_out, [[expected_z_out]])
    y = sigma(expected_z_out)
    s_out = output_layer_signals(np.array([[1.0]]), output, z_out, "sigmoid")
    np.testing.assert_allclose(s_out, [[(1 - y) * y * (1 - y)]])
    s_hidden = hidden_layer_signals(s_out, W_out, z_hidden, "tanh")
    np.testing.assert_allclose(s_hidden, s_out[0, 0] * W_out * (1 - np.tanh(z_hidden) ** 2))
    np.testing.assert_allclose(weight_gradients(s_hidden, X), s_hidden.T * X)
    assert weight_gradients(s_hidden, X).shape == W_hidden.shape
    np.testing.assert_allclose(bias_gradients(np.array([[1.0, 2.0], [3.0, 4.0]])), [4.0, 6.0])
    np.testing.assert_allclose(signal_update(np.array([1.0]), np.array([2.0]), 0.5), [2.0])
    np.testing.assert_allclose(delta_update(np.array([1.0]), np.array([2.0]), 0.5), [0.0])


def test_output_signals_scale_multiplies():
    T, Y, Z = np.array([[0.2, 0.9]]), np.array([[0.6, 0.3]]), np.array([[0.4, -0.8]])
    np.testing.assert_allclose(output_layer_signals(T, Y, Z, "identity", scale=0.25), 0.25 * (T - Y))


def test_example_network_reproduces_mazurs_published_forward_pass():
    # Mazur's post prints these outputs and this total error (1/2 sum of squares) for his network.
    net, x, t = example_network()
    out = net.forward(x)
    np.testing.assert_allclose(out, [0.75136507, 0.772928465], rtol=1e-8)
    assert 0.5 * float(np.sum((t - out) ** 2)) == pytest.approx(0.298371109, rel=1e-8)


# ---------------------------------------------------------------- events
def test_events_come_in_order_and_match_an_independent_step():
    net, x, t = example_network()
    eta = 0.5
    events = training_events(net, x, t, eta)
    phases = [e.phase for e in events]
    assert phases == ["forward"] * 8 + ["backward"] * 4 + ["update"] * 12
    assert [e.kind for e in events[:8]] == ["z", "a"] * 4
    assert [(e.layer, e.node) for e in events[:8:2]] == [(1, 0), (1, 1), (2, 0), (2, 1)]
    assert [(e.layer, e.node) for e in events[8:12]] == [(2, 0), (2, 1), (1, 0), (1, 1)]

    W1, W2 = net.weights
    b1, b2 = net.biases
    h = sigma(W1 @ x + b1)
    y = sigma(W2 @ h + b2)
    s_y = (t - y) * y * (1 - y)
    s_h = (W2.T @ s_y) * h * (1 - h)
    expected = [*np.ravel(np.column_stack([W1 @ x + b1, h])), *np.ravel(np.column_stack([W2 @ h + b2, y])), *s_y, *s_h]
    for layer, (W, b, s, inputs) in enumerate([(W1, b1, s_h, x), (W2, b2, s_y, h)]):
        for j in range(2):
            expected += [*(W[j] + eta * s[j] * inputs), b[j] + eta * s[j]]
    np.testing.assert_allclose([e.value for e in events], expected, rtol=1e-13)
    # the textbook example's well-known value of the updated w(y1 <- h1)
    assert events[18].quantity == "new w(y1\u2190h1)" and round(events[18].value, 8) == 0.35891648


def test_state_after_collects_the_events():
    net, x, t = example_network()
    events = training_events(net, x, t, 0.5)
    start = state_after(net, x, events, 0)
    assert start.a[0] == [0.05, 0.10] and start.a[1] == [None, None] and start.signal[2] == [None, None]
    middle = state_after(net, x, events, 9)
    assert middle.signal[2][0] == events[8].value and middle.signal[2][1] is None
    assert middle.a[2] == [events[5].value, events[7].value]
    done = state_after(net, x, events, len(events))
    step = recipe_step(net, x, t, 0.5)
    np.testing.assert_array_equal(done.weights[0], step.new_W_hidden)
    np.testing.assert_array_equal(done.biases[1], step.new_b_out)
    np.testing.assert_array_equal(net.weights[0], [[0.15, 0.20], [0.25, 0.30]])  # untouched
    with pytest.raises(CourseError, match="0..24"):
        state_after(net, x, events, 25)


# ---------------------------------------------------------------- clear errors
def test_clear_errors():
    net, x, t = example_network()
    with pytest.raises(CourseError, match="exactly one hidden layer"):
        recipe_step(MLP([2, 3, 3, 2]), x, t, 0.5)
    with pytest.raises(CourseError, match="elementwise"):
        recipe_step(MLP([2, 2, 2], "sigmoid", "softmax", "cross_entropy"), x, t, 0.5)
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        recipe_step(net, x, np.array([0.1, 0.2, 0.3]), 0.5)
    with pytest.raises(ShapeError, match="expected"):
        recipe_step(net, np.ones((2, 3)), np.ones((2, 2)), 0.5)
    with pytest.raises(UnknownNameError, match="half_sse"):
        recipe_step(net, x, t, 0.5, loss="sse")
    for bad in (0, -1.0, float("nan"), True, "0.1"):
        with pytest.raises(CourseError, match="learning_rate"):
            recipe_step(net, x, t, bad)
    with pytest.raises(ShapeError, match="one sample"):
        training_events(net, np.ones((3, 2)), np.ones((3, 2)), 0.5)
