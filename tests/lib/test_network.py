"""MLP: the public contract, backward against numerical gradients, dtypes, clear errors."""

import warnings

import numpy as np
import pytest

from course_lib import MLP, CourseError, NonFiniteError, ShapeError, UnknownNameError, check_network_gradients
from course_lib.gradcheck import numerical_gradient, relative_error

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]
OUTPUTS = [
    ("sigmoid", "mse"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "mse"),
    ("identity", "mse"),
    ("tanh", "mse"),
]
SIZES = [[3, 2], [3, 4, 2], [2, 5, 3, 2]]


def random_problem(sizes, output, seed=0, n=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    if output == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
    else:
        Y = rng.integers(0, 2, size=(n, sizes[-1])).astype(float)
    return X, Y


def randomise_biases(net, seed):
    # Non-zero biases keep ReLU units off their kink at exactly z = 0 in a gradient check.
    rng = np.random.default_rng(seed)
    for l, b in enumerate(net.biases):
        net.biases[l] = rng.uniform(0.05, 0.3, size=b.shape) * rng.choice([-1, 1], size=b.shape)


@pytest.mark.parametrize("sizes", SIZES, ids=str)
@pytest.mark.parametrize("output, loss", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backward_matches_numerical_gradients(hidden, output, loss, sizes):
    net = MLP(sizes, hidden, output, loss, seed=1)
    randomise_biases(net, 2)
    X, Y = random_problem(sizes, output)
    report = check_network_gradients(net, X, Y)
    assert report.passed, str(report)


def test_the_contract_shapes():
    net = MLP([784, 128, 10], "tanh", "softmax", "cross_entropy", seed=0)
    assert [W.shape for W in net.weights] == [(128, 784), (10, 128)]
    assert [b.shape for b in net.biases] == [(128,), (10,)]
    X = np.random.default_rng(0).uniform(size=(5, 784))
    y = np.array([0, 3, 9, 1, 1])
    assert net.forward(X).shape == (5, 10)
    assert isinstance(net.loss(X, y), float)
    grads = net.backward(X, y)
    assert [g.shape for g in grads.weights] == [(128, 784), (10, 128)]
    assert [g.shape for g in grads.biases] == [(128,), (10,)]
    assert [d.shape for d in grads.deltas] == [(5, 128), (5, 10)]
    assert net.n_parameters == 784 * 128 + 128 + 128 * 10 + 10


def test_forward_is_z_equals_W_a_plus_b_by_hand():
    net = MLP([2, 2, 1], "tanh", "sigmoid", seed=0)
    net.weights[0] = [[0.1, -0.2], [0.3, 0.4]]
    net.biases[0] = [0.0, 0.5]
    net.weights[1] = [[1.0, -1.0]]
    net.biases[1] = [0.25]
    x = np.array([1.0, 2.0])
    h = np.tanh(np.array([0.1 - 0.4, 0.3 + 0.8 + 0.5]))
    y = 1 / (1 + np.exp(-(h[0] - h[1] + 0.25)))
    np.testing.assert_allclose(net.forward(x), [y], rtol=1e-12)
    np.testing.assert_allclose(net.forward(x[None, :]), [[y]], rtol=1e-12)


def test_signals_follow_the_recipe_and_the_loss_is_reported():
    net = MLP([2, 3, 2], "sigmoid", "sigmoid", "mse", seed=4)
    X, Y = random_problem([2, 3, 2], "sigmoid")
    grads = net.backward(X, Y)
    # The recipe's output signal, written out by hand: (t - y) y (1 - y), times mse's 2 / (n k).
    out = net.forward(X)
    np.testing.assert_allclose(grads.signals[1], 2 / Y.size * (Y - out) * out * (1 - out), rtol=1e-12)
    assert grads.loss == pytest.approx(float(np.mean((out - Y) ** 2)), rel=1e-12)
    # dL/dW is the batch sum of (delta outer input): the recipe's "signal times input".
    np.testing.assert_allclose(grads.weights[1], -grads.signals[1].T @ grads.trace.activations[1])


def test_deltas_are_dL_dz():
    net = MLP([2, 3, 2], "tanh", "softmax", "cross_entropy", seed=5)
    X, Y = random_problem([2, 3, 2], "softmax", n=3)
    grads = net.backward(X, Y)
    z_hidden = grads.trace.zs[0].copy()

    def loss_from_hidden_z(z):
        a = np.tanh(z)
        scores = a @ net.weights[1].T + net.biases[1]
        scores -= scores.max(axis=1, keepdims=True)
        logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        return -np.sum(Y * logp) / len(Y)

    assert relative_error(grads.deltas[0], numerical_gradient(loss_from_hidden_z, z_hidden)) < 1e-7


def test_step_is_plain_gradient_descent():
    net = MLP([2, 3, 1], seed=0)
    X, Y = random_problem([2, 3, 1], "sigmoid")
    before = [p.copy() for p in net.parameters()]
    grads = net.backward(X, Y)
    net.step(grads, 0.5)
    for old, new, g in zip(before, net.parameters(), grads.parameters()):
        np.testing.assert_allclose(new, old - 0.5 * g)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept_end_to_end(dtype):
    net = MLP([3, 4, 3], "relu", "softmax", "cross_entropy", dtype=dtype, seed=0)
    X = np.random.default_rng(0).normal(size=(6, 3))  # float64 input is converted once
    y = np.array([0, 1, 2, 0, 1, 2])
    assert net.forward(X).dtype == dtype
    grads = net.backward(X, y)
    assert all(g.dtype == dtype for g in grads.parameters())
    assert all(d.dtype == dtype for d in grads.deltas)
    net.step(grads, 0.1)
    assert all(p.dtype == dtype for p in net.parameters())


def test_float32_and_float64_agree():
    X, Y = random_problem([3, 4, 2], "softmax")
    single = MLP([3, 4, 2], "tanh", "softmax", "cross_entropy", dtype="float32", seed=3)
    double = MLP([3, 4, 2], "tanh", "softmax", "cross_entropy", dtype="float64", seed=3)
    for a, b in zip(single.backward(X, Y).parameters(), double.backward(X, Y).parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_labels_and_one_hot_targets_are_the_same():
    net = MLP([2, 3, 3], "tanh", "softmax", "cross_entropy", seed=0)
    X = np.random.default_rng(1).normal(size=(4, 2))
    labels = np.array([2, 0, 1, 2])
    assert net.loss(X, labels) == net.loss(X, np.eye(3)[labels])


def test_weights_set_by_assignment_are_used_and_checked():
    net = MLP([2, 1], "identity", "identity", seed=0)
    net.weights[0] = [[2.0, 3.0]]
    net.biases[0] = [1.0]
    assert net.forward([1.0, 1.0]).tolist() == [6.0]
    net.weights[0] = np.zeros((2, 1))
    with pytest.raises(ShapeError, match=r"weights\[0\] has shape \(2, 1\), expected \(1, 2\)"):
        net.forward([1.0, 1.0])


def test_zero_initialisation_never_breaks_symmetry():
    net = MLP([2, 4, 1], "tanh", "sigmoid", init="zeros", seed=0)
    net.weights[1][:] = 0.5  # even with output weights that differ from zero...
    X, Y = random_problem([2, 4, 1], "sigmoid")
    for _ in range(20):
        net.step(net.backward(X, Y), 0.5)
    W = net.weights[0]
    np.testing.assert_allclose(W, np.broadcast_to(W[0], W.shape))  # ...every hidden unit stays the same


def test_predict_and_accuracy():
    net = MLP([2, 1], "identity", "sigmoid", seed=0)
    net.weights[0] = [[1.0, 0.0]]
    net.biases[0] = [0.0]
    X = np.array([[2.0, 0.0], [-2.0, 0.0], [1.0, 5.0]])
    assert net.predict(X).tolist() == [1, 0, 1]
    assert net.accuracy(X, [1, 1, 1]) == pytest.approx(2 / 3)


def test_copy_is_independent():
    net = MLP([2, 2, 1], seed=0)
    twin = net.copy()
    twin.weights[0] += 1
    assert not np.allclose(twin.weights[0], net.weights[0])


class TestClearErrors:
    net = MLP([2, 3, 1], seed=0)

    def test_wrong_number_of_input_features(self):
        with pytest.raises(ShapeError, match=r"X has shape \(4, 3\), expected \(n_samples, 2\)"):
            self.net.forward(np.zeros((4, 3)))

    def test_wrong_target_shape_names_both(self):
        with pytest.raises(ShapeError, match=r"Y has shape \(3,\), expected \(4, 1\)"):
            self.net.backward(np.zeros((4, 2)), np.zeros(3))

    def test_non_finite_input(self):
        with pytest.raises(NonFiniteError, match="X contains non-finite"):
            self.net.forward(np.array([[0.0, np.nan]]))

    def test_ragged_input(self):
        with pytest.raises(CourseError, match="X must be an array of numbers"):
            self.net.forward([[1.0, 2.0], [3.0]])

    def test_unknown_names(self):
        with pytest.raises(UnknownNameError, match="valid activation names are: 'identity'"):
            MLP([2, 1], hidden_activation="tahn")
        with pytest.raises(UnknownNameError, match="valid loss names"):
            MLP([2, 1], loss="cross-entropy")
        with pytest.raises(UnknownNameError, match="'xavier', 'he', 'normal', 'zeros'"):
            MLP([2, 1], init="glorot")

    def test_bad_sizes_and_dtype(self):
        with pytest.raises(CourseError, match="at least two positive whole numbers"):
            MLP([2])
        with pytest.raises(CourseError, match="'float32' or 'float64'"):
            MLP([2, 1], dtype="int32")

    def test_softmax_needs_two_outputs(self):
        with pytest.raises(CourseError, match="softmax output needs at least 2"):
            MLP([2, 1], output_activation="softmax")

    def test_bad_labels(self):
        net = MLP([2, 3], "tanh", "softmax", "cross_entropy")
        with pytest.raises(CourseError, match=r"holds class labels, one per sample: label 3 .* labels must be in 0..2"):
            net.backward(np.zeros((2, 2)), [0, 3])

    def test_bad_learning_rate_and_gradients(self):
        grads = self.net.backward(np.zeros((1, 2)), [1.0])
        with pytest.raises(CourseError, match="learning_rate must be a positive number"):
            self.net.step(grads, -1)
        grads.weights[0] = np.zeros((2, 2))
        with pytest.raises(
            ShapeError, match=r"grads.weights\[0\] has shape \(2, 2\) but weights\[0\] has shape \(3, 2\)"
        ):
            self.net.step(grads, 0.1)


def test_no_warnings_at_extreme_inputs():
    net = MLP([2, 3, 3], "sigmoid", "softmax", "cross_entropy", seed=0)
    X = np.array([[1e4, -1e4], [-1e4, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss = net.loss(X, [0, 1])
            grads = net.backward(X, [0, 1])
    assert np.isfinite(loss)
    assert all(np.all(np.isfinite(g)) for g in grads.parameters())


def test_a_single_sample_may_be_given_flat():
    net = MLP([2, 3, 2], "sigmoid", "sigmoid", "mse", seed=0)
    x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    assert net.loss(x, t) == net.loss(x[None, :], t[None, :])
    flat, batch = net.backward(x, t), net.backward(x[None, :], t[None, :])
    for a, b in zip(flat.parameters(), batch.parameters()):
        np.testing.assert_array_equal(a, b)


def test_backward_takes_the_cache_of_a_forward_pass_already_run(monkeypatch):
    """CS231n's forward -> cache -> backward(cache): a learner's trace is used as it is, not recomputed."""
    net = MLP([3, 4, 2], "tanh", "softmax", "cross_entropy", seed=2)
    X, y = np.random.default_rng(0).standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    trace = net.trace(X)
    runs = []
    forward = net.trace_unchecked
    monkeypatch.setattr(net, "trace_unchecked", lambda X: runs.append(1) or forward(X))
    from_trace, from_inputs = net.backward(trace, y), net.backward(X, y)
    assert len(runs) == 1, "the forward pass ran again for a trace the learner already had"
    for a, b in zip(from_trace.parameters(), from_inputs.parameters()):
        np.testing.assert_array_equal(a, b)
    assert from_trace.trace is trace and from_trace.loss == from_inputs.loss
    with pytest.raises(ShapeError, match=r"layer sizes \[3, 4, 2\], not \[3, 5, 2\]"):
        MLP([3, 5, 2], "tanh", "softmax", "cross_entropy").backward(trace, y)
    with pytest.raises(ShapeError, match=r"Y has shape \(4,\), expected \(5, 2\)"):
        net.backward(trace, np.zeros(4))
