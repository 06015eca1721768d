"""The reference solutions of exercises 3, 4, 5, 6 and 9, checked against independent computations.

Each exercise's setup and solution cells are run (as the grader does) and the
functions they define are compared with routes that share none of their code:
closed forms, ``course_lib.Value``, ``course_lib.numerical_gradient``,
``MLP.trace`` / ``MLP.backward`` / ``MLP.step``, and ``course_lib.signals``.
The numbers the try-it cells print are recomputed the same way. The last tests
check the exercise-9 spec's own judgement of a trained network.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib import MLP, Value, numerical_gradient
from course_lib import signals as recipe
from course_lib.data import spirals
from course_tools.grader import reference
from course_tools.exercises import read_exercise
from course_tools.grader.specs import ex09_train_classifier as ex09_spec
from notebook_outputs import load, numbers, printed

ROOT = Path(__file__).resolve().parents[2]


def solution(exercise_id: str) -> dict:
    """A private copy of the names the exercise's setup and solution cells define."""
    return dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / f"{exercise_id}.py")))


def shown(exercise_id: str, tag: str) -> str:
    """What the solution notebook's cell tagged ``tag`` printed."""
    return printed(load(exercise_id, folder="solutions"), tag)


def net_with(weights, biases, hidden="sigmoid", output="sigmoid", loss="mse") -> MLP:
    """A course_lib MLP holding copies of these parameters."""
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], hidden, output, loss)
    net.weights, net.biases = [np.array(W, dtype=float) for W in weights], [np.array(b, dtype=float) for b in biases]
    return net


# ====================================================================== ex03
@pytest.fixture(scope="module")
def ex03():
    return solution("ex03_gradient_descent")


def test_ex03_descent_1d_matches_the_closed_form(ex03):
    # On (x - c)^2 each step multiplies the distance to c by (1 - 2 eta).
    for c, x0, eta, n in [(3.0, 0.0, 0.1, 3), (-1.5, 4.0, 0.35, 12), (0.5, 0.5, 0.2, 0)]:
        path = ex03["gradient_descent_1d"](lambda x: 2 * (x - c), x0, eta, n)
        assert path.shape == (n + 1,)
        np.testing.assert_allclose(path, c + (x0 - c) * (1 - 2 * eta) ** np.arange(n + 1), rtol=1e-12, atol=1e-12)


def test_ex03_bowl_gradient_matches_numerical_gradient(ex03):
    rng = np.random.default_rng(3)
    for d in (2, 3, 5):
        M = rng.normal(size=(d, d))
        A, b, p = M @ M.T + np.eye(d), rng.normal(size=d), rng.normal(size=d)
        numeric = numerical_gradient(lambda q: 0.5 * q @ A @ q - b @ q, p.copy())
        np.testing.assert_allclose(ex03["bowl_gradient"](A, b, p), numeric, rtol=1e-7, atol=1e-8)


def test_ex03_descent_2d_matches_matrix_powers(ex03):
    # p_t = p* + (I - eta A)^t (p0 - p*), with p* = A^-1 b.
    rng = np.random.default_rng(33)
    for A, b, p0, eta, n in [
        (np.diag([3.0, 1.0]), np.array([3.0, -1.0]), np.zeros(2), 0.1, 2),
        (np.array([[2.0, 0.5], [0.5, 1.0]]), rng.normal(size=2), rng.normal(size=2), 0.3, 25),
    ]:
        p_star = np.linalg.solve(A, b)
        step = np.eye(2) - eta * A
        want = [p_star + np.linalg.matrix_power(step, t) @ (p0 - p_star) for t in range(n + 1)]
        np.testing.assert_allclose(ex03["gradient_descent_2d"](A, b, p0, eta, n), want, rtol=1e-10, atol=1e-12)
    # The example of the test cell: two steps from the origin.
    np.testing.assert_allclose(
        ex03["gradient_descent_2d"](np.diag([3.0, 1.0]), np.array([3.0, -1.0]), np.zeros(2), 0.1, 2),
        [[0, 0], [0.3, -0.1], [0.51, -0.19]],
        atol=1e-12,
    )


@pytest.mark.parametrize(
    "curvature, rate",
    [
        (4.0, 0.1),
        (4.0, 0.25),
        (4.0, 0.4),
        (4.0, 0.5),
        (4.0, 0.6),
        (0.3, 7.0),
        (10.0, 0.09),
        (10.0, 0.19),
        (10.0, 0.21),
        (2.0, 0.5),
    ],
)
def test_ex03_regime_describes_what_descent_does(ex03, curvature, rate):
    # Run 200 steps on curvature/2 x^2 from x = 1 and name what the iterates did, by the lesson's words.
    xs = [1.0]
    for _ in range(200):
        xs.append(xs[-1] - rate * curvature * xs[-1])
    xs = np.array(xs)
    if xs[1] == 0.0:
        behaviour = "converges in one step"
    elif abs(xs[-1]) > 1.0:
        behaviour = "diverges"
    elif abs(xs[-1]) == 1.0:
        behaviour = "oscillates forever"
    elif np.any(xs[1:] < 0):
        behaviour = "oscillates but converges"
    else:
        behaviour = "converges"
    assert ex03["learning_rate_regime"](curvature, rate) == behaviour
    assert ex03["regime_of_path"](xs[:6], 0.0) == behaviour
    assert ex03["regime_of_path"](xs[:6] + 3.5, 3.5) == behaviour  # the same run, shifted


def test_ex03_regime_labels_are_the_lessons(ex03):
    from course_lib.widgets import descent as lesson

    lesson_labels = {
        label.split(":")[0]
        for label in (lesson.CONVERGES, lesson.ONE_STEP, lesson.OSCILLATES, lesson.BOUNCES, lesson.DIVERGES)
    }
    for curvature, rate in [(4.0, 0.1), (4.0, 0.25), (4.0, 0.4), (4.0, 0.5), (4.0, 0.6)]:
        assert ex03["learning_rate_regime"](curvature, rate) == lesson.descent_regime(rate, curvature).split(":")[0]
        assert ex03["learning_rate_regime"](curvature, rate) in lesson_labels


def test_ex03_largest_stable_rate_separates_convergence_from_divergence(ex03):
    A = np.array([[2.0, 0.7], [0.7, 1.0]])
    limit = ex03["largest_stable_learning_rate"](A)
    for factor, converges in ((0.98, True), (1.02, False)):
        p = np.array([1.0, -1.0])
        for _ in range(2000):
            p = p - factor * limit * (A @ p)
        assert (np.linalg.norm(p) < 1e-3) == converges


def test_ex03_try_it_numbers(ex03):
    text = shown("ex03_gradient_descent", "worked:regimes")
    lines = text.strip().splitlines()
    expected = ["converges", "converges in one step", "oscillates but converges", "oscillates forever", "diverges"]
    for line, rate, label in zip(lines, (0.1, 0.25, 0.4, 0.5, 0.6), expected):
        assert re.search(rf"predicted {label}\s+measured {label}\s+iterates", line), line
        values = numbers(line.split("iterates")[1])
        np.testing.assert_allclose(values, np.round((1 - 4.0 * rate) ** np.arange(6), 4), atol=1e-12)
    assert len(lines) == 5


# ====================================================================== ex04
@pytest.fixture(scope="module")
def ex04():
    return solution("ex04_computational_graph")


@pytest.mark.parametrize("x, y, z, w", [(2.0, -3.0, 4.0, 0.5), (0.3, 1.7, -0.2, -1.1), (-1.0, -1.0, 5.0, 2.5)])
def test_ex04_by_hand_matches_value_graph(ex04, x, y, z, w):
    xv, yv, zv, wv = Value(x), Value(y), Value(z), Value(w)
    p = xv * yv
    q = p + zv
    f = q * wv
    f.backward()
    local = ex04["local_derivatives"](x, y, z, w)
    # Value keeps each node's local derivative with respect to each parent.
    assert local == pytest.approx(
        {
            "df/dq": f.local_grads[0],
            "df/dw": f.local_grads[1],
            "dq/dp": q.local_grads[0],
            "dq/dz": q.local_grads[1],
            "dp/dx": p.local_grads[0],
            "dp/dy": p.local_grads[1],
        }
    )
    grads = ex04["chain_rule_gradients"](x, y, z, w)
    assert grads == pytest.approx({"q": q.grad, "w": wv.grad, "p": p.grad, "z": zv.grad, "x": xv.grad, "y": yv.grad})


@pytest.mark.parametrize(
    "x1, x2, w1, w2, b", [(2.0, -1.0, 0.5, 1.0, 0.0), (1.0, 3.0, -0.4, 0.2, 0.1), (-0.7, 0.4, 2.2, -1.3, 0.9)]
)
def test_ex04_neuron_matches_value_graph(ex04, x1, x2, w1, w2, b):
    inputs = {name: Value(v) for name, v in zip(("x1", "x2", "w1", "w2", "b"), (x1, x2, w1, w2, b))}
    z = inputs["w1"] * inputs["x1"] + inputs["w2"] * inputs["x2"] + inputs["b"]
    a = z.sigmoid()
    a.backward()
    want = {"z": z.data, "a": a.data, "da/dz": z.grad}
    want.update({f"da/d{name}": v.grad for name, v in inputs.items()})
    assert ex04["neuron_gradients"](x1, x2, w1, w2, b) == pytest.approx(want, rel=1e-12)


def test_ex04_backward_matches_value_and_numerical_gradients(ex04):
    Scalar = ex04["Scalar"]
    rng = np.random.default_rng(4)
    for x0, y0, z0 in rng.uniform(-1.5, 1.5, size=(5, 3)):
        mine = [Scalar(v) for v in (x0, y0, z0)]
        theirs = [Value(float(v)) for v in (x0, y0, z0)]
        for x, y, z in (mine, theirs):
            h = (x * y + z**2 + x**3).tanh()
            out = h * y + h * h  # h and y each used twice
            out.backward()
        np.testing.assert_allclose([v.grad for v in mine], [v.grad for v in theirs], rtol=1e-12)

        def g(values):
            x, y, z = values
            t = math.tanh(x * y + z**2 + x**3)
            return t * y + t * t

        numeric = numerical_gradient(g, np.array([x0, y0, z0]))
        np.testing.assert_allclose([v.grad for v in mine], numeric, rtol=1e-6, atol=1e-9)


def test_ex04_topological_order_is_complete_unique_and_ordered(ex04):
    Scalar = ex04["Scalar"]
    x, y = Scalar(0.5), Scalar(-2.0)
    a = x * y
    out = (a + x).tanh() * a + a**2
    order = ex04["topological_order"](out)
    reachable, stack = set(), [out]
    while stack:  # everything out depends on, found here without any order
        node = stack.pop()
        if node not in reachable:
            reachable.add(node)
            stack.extend(node.parents)
    assert len(order) == len(set(order)) == len(reachable) and set(order) == reachable
    assert order[-1] is out
    assert all(order.index(p) < order.index(n) for n in order for p in n.parents)


def test_ex04_numerical_partials_match_analytic(ex04):
    partials = ex04["numerical_partials"]
    np.testing.assert_allclose(partials(lambda a, b: a * b, [3.0, 5.0]), [5.0, 3.0], rtol=1e-8)
    np.testing.assert_allclose(
        partials(lambda a, b, c: math.exp(a) * b + c**3, [0.2, -1.0, 0.5]),
        [math.exp(0.2) * -1.0, math.exp(0.2), 0.75],
        rtol=1e-7,
    )
    # h is the half-width of a centred difference: for x^2 at 1 the estimate is exactly 2 for any h.
    assert partials(lambda a: a**2, [1.0], h=0.25)[0] == pytest.approx(2.0, rel=1e-12)


def test_ex04_try_it_numbers():
    x, y = Value(1.5), Value(0.5)
    out = (x * y).tanh() + x**2
    out.backward()
    text = shown("ex04_computational_graph", "worked:scalar-graph")
    np.testing.assert_allclose(numbers(text), [out.data, x.grad, y.grad], atol=5e-7)


# ====================================================================== ex05
@pytest.fixture(scope="module")
def ex05():
    return solution("ex05_signals")


def example_net(ns) -> MLP:
    return net_with([ns["W1_EXAMPLE"], ns["W2_EXAMPLE"]], [ns["B1_EXAMPLE"], ns["B2_EXAMPLE"]])


def test_ex05_signals_match_course_lib_recipe_and_mlp(ex05):
    net = example_net(ex05)
    x, t = ex05["X_EXAMPLE"], ex05["T_EXAMPLE"]
    trace = net.trace(x[None, :])
    hidden, output = trace.activations[1][0], trace.activations[2][0]
    out_sig = ex05["output_signals"](t, output)
    np.testing.assert_allclose(out_sig, recipe.output_layer_signals(t[None], output[None], trace.zs[1])[0], rtol=1e-12)
    hid_sig = ex05["hidden_signals"](out_sig, net.weights[1], hidden)
    np.testing.assert_allclose(
        hid_sig, recipe.hidden_layer_signals(out_sig[None], net.weights[1], trace.zs[0])[0], rtol=1e-12
    )
    # One sample, two outputs: course_lib's mse signals are exactly the recipe's (factor 2 / (1 * 2) = 1).
    grads = net.backward(x[None, :], t[None, :])
    np.testing.assert_allclose(out_sig, grads.signals[1][0], rtol=1e-12)
    np.testing.assert_allclose(hid_sig, grads.signals[0][0], rtol=1e-12)
    np.testing.assert_allclose(ex05["signal_gradients"](hid_sig, x), -grads.weights[0], rtol=1e-12)
    np.testing.assert_allclose(ex05["signal_gradients"](out_sig, hidden), -grads.weights[1], rtol=1e-12)


@pytest.mark.parametrize("hidden_kind", ["sigmoid", "tanh", "relu"])
def test_ex05_softmax_and_hidden_kinds_match_mlp_backward(ex05, hidden_kind):
    rng = np.random.default_rng(55)
    for _ in range(3):
        W1, b1, W2, b2 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(3, 4)) * 3, rng.normal(size=3)
        x, t = rng.normal(size=3), np.eye(3)[rng.integers(3)]
        net = net_with([W1, W2], [b1, b2], hidden=hidden_kind, output="softmax", loss="cross_entropy")
        trace = net.trace(x[None])
        grads = net.backward(x[None], t[None])  # one sample: dL/dz of the mean is dL/dz itself
        out_sig = ex05["softmax_output_signals"](t, trace.zs[1][0])
        np.testing.assert_allclose(out_sig, grads.signals[1][0], rtol=1e-10, atol=1e-14)
        hid_sig = ex05["hidden_signals"](out_sig, W2, trace.activations[1][0], hidden_kind)
        np.testing.assert_allclose(hid_sig, grads.signals[0][0], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("p, h, k", [(2, 2, 2), (3, 4, 2), (5, 3, 1), (2, 6, 4)])
def test_ex05_both_steps_equal_mlp_step(ex05, p, h, k):
    rng = np.random.default_rng(p * 100 + h * 10 + k)
    x, t = rng.normal(size=p), rng.uniform(size=k)
    W1, b1, W2, b2 = rng.normal(size=(h, p)), rng.normal(size=h), rng.normal(size=(k, h)), rng.normal(size=k)
    net = net_with([W1, W2], [b1, b2])
    # E = 1/2 sum (t - y)^2 = (k / 2) * course_lib's mse for one sample, so scale the rate by k / 2.
    net.step(net.backward(x[None], t[None]), 0.4 * k / 2)
    want = [net.weights[0], net.biases[0], net.weights[1], net.biases[1]]
    kept = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    for step in ("signal_step", "delta_step"):
        got = ex05[step](x, t, W1, b1, W2, b2, 0.4)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
        for original, after in zip(kept, (W1, b1, W2, b2)):
            np.testing.assert_array_equal(original, after)


def test_ex05_example_step_matches_numerical_gradient(ex05):
    params = [ex05[name].copy() for name in ("W1_EXAMPLE", "B1_EXAMPLE", "W2_EXAMPLE", "B2_EXAMPLE")]
    x, t, rate = ex05["X_EXAMPLE"], ex05["T_EXAMPLE"], ex05["RATE_EXAMPLE"]

    def half_sse(W1, b1, W2, b2):
        y = 1 / (1 + np.exp(-(W2 @ (1 / (1 + np.exp(-(W1 @ x + b1)))) + b2)))
        return 0.5 * np.sum((t - y) ** 2)

    got = ex05["signal_step"](x, t, *params, rate)
    for i, param in enumerate(params):
        numeric = numerical_gradient(lambda q: half_sse(*params[:i], q, *params[i + 1 :]), param.copy())
        np.testing.assert_allclose(got[i], param - rate * numeric, rtol=1e-8, atol=1e-10)


def test_ex05_try_it_numbers(ex05):
    net = example_net(ex05)
    x, t = ex05["X_EXAMPLE"][None], ex05["T_EXAMPLE"][None]
    rows = []
    for _ in range(4):
        y = net.forward(x)[0]
        rows.append([*np.round(y, 4), 0.5 * np.sum((t[0] - y) ** 2)])
        net.step(net.backward(x, t), ex05["RATE_EXAMPLE"])  # factor 1: one sample, two outputs
    text = shown("ex05_signals", "worked:repeated-steps")
    got = np.array([numbers(line)[1:] for line in text.strip().splitlines()])  # drop the step count
    np.testing.assert_allclose(got, rows, atol=5e-6)


# ====================================================================== ex06
@pytest.fixture(scope="module")
def ex06():
    return solution("ex06_mlp_backward")


CASES_06 = [
    ([3, 4, 2], "tanh", "sigmoid", 5),
    ([4, 3], "sigmoid", "identity", 6),
    ([2, 5, 1], "relu", "sigmoid", 1),
    ([3, 6, 4, 2], "leaky_relu", "tanh", 7),
    ([2, 3, 3, 3, 2], "sigmoid", "sigmoid", 4),
    # softmax outputs go with the cross-entropy and one-hot targets
    ([3, 4, 3], "tanh", "softmax", 5),
    ([4, 2], "sigmoid", "softmax", 6),
    ([2, 5, 4, 4], "relu", "softmax", 1),
]


def random_network(sizes, n, seed, output="sigmoid"):
    """Random parameters and a batch; one-hot targets for a softmax output, values in [0, 1) otherwise."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.8, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
    X = rng.normal(size=(n, sizes[0]))
    if output == "softmax":
        return weights, biases, X, np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
    return weights, biases, X, rng.uniform(size=(n, sizes[-1]))


def loss_of(output):
    return "cross_entropy" if output == "softmax" else "mse"


@pytest.mark.parametrize("index", range(len(CASES_06)))
def test_ex06_passes_match_mlp(ex06, index):
    sizes, hidden, output, n = CASES_06[index]
    weights, biases, X, Y = random_network(sizes, n, seed=60 + index, output=output)
    net = net_with(weights, biases, hidden, output, loss_of(output))
    trace = net.trace(X)
    zs, activations = ex06["forward_with_cache"](weights, biases, X, hidden, output)
    for got, want in zip(zs + activations, trace.zs + trace.activations):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    grads = net.backward(X, Y)
    np.testing.assert_allclose(ex06["output_delta"](activations[-1], Y, zs[-1], output), grads.deltas[-1], rtol=1e-12)
    for l in range(len(weights) - 1):
        np.testing.assert_allclose(
            ex06["hidden_delta"](grads.deltas[l + 1], weights[l + 1], zs[l], hidden),
            grads.deltas[l],
            rtol=1e-12,
            atol=1e-15,
        )
    grad_weights, grad_biases = ex06["mlp_backward"](weights, biases, X, Y, hidden, output)
    for got, want in zip(grad_weights + grad_biases, grads.weights + grads.biases):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("index", range(len(CASES_06)))
def test_ex06_backward_passes_gradient_check(ex06, index):
    sizes, hidden, output, n = CASES_06[index]
    weights, biases, X, Y = random_network(sizes, n, seed=70 + index, output=output)
    grad_weights, grad_biases = ex06["mlp_backward"](weights, biases, X, Y, hidden, output)
    net = net_with(weights, biases, hidden, output, loss_of(output))  # the exercise's loss for this output
    for kind, grads in (("weights", grad_weights), ("biases", grad_biases)):
        for l, param in enumerate(getattr(net, kind)):
            numeric = numerical_gradient(lambda _: net.loss(X, Y), param)
            np.testing.assert_allclose(grads[l], numeric, rtol=1e-5, atol=1e-8)


def test_ex06_try_it_numbers(ex06):
    weights, biases = ex06["WEIGHTS_EXAMPLE"], ex06["BIASES_EXAMPLE"]
    X, Y = ex06["X_EXAMPLE"], ex06["Y_EXAMPLE"]
    net = net_with(weights, biases, "tanh", "sigmoid")
    grads = net.backward(X, Y)
    rows = []
    for rate in (1.0, 10.0, 100.0):
        stepped = net.copy()
        stepped.step(grads, rate)
        rows.append([rate, rate / Y.size, net.loss(X, Y), stepped.loss(X, Y)])
    text = shown("ex06_mlp_backward", "worked:one-step")
    got = np.array([numbers(line) for line in text.strip().splitlines()])
    np.testing.assert_allclose(got, rows, atol=5e-6)
    # the second column's claim: a summed loss has gradients n k times larger, so rate / (n k) takes the same step
    summed = numerical_gradient(lambda _: np.sum((net.forward(X) - Y) ** 2), net.weights[0])
    np.testing.assert_allclose(summed, Y.size * grads.weights[0], rtol=1e-6)
    assert Y.size == 10 and rows[0][2] > rows[0][3] > rows[1][3]  # 1 and 10 lower the loss, 10 more
    assert rows[2][3] > rows[2][2]  # the largest rate overshoots, as the text says


# ====================================================================== ex09
@pytest.fixture(scope="module")
def ex09():
    return solution("ex09_train_classifier")


def test_ex09_minibatches_cover_every_index_once(ex09):
    for n, size in [(10, 4), (97, 10), (64, 16), (3, 5), (1, 1)]:
        batches = ex09["minibatches"](n, size, np.random.default_rng(n))
        assert [len(b) for b in batches] == [size] * (n // size) + ([n % size] if n % size else [])
        np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    first = np.concatenate(ex09["minibatches"](50, 7, np.random.default_rng(1)))
    assert not np.array_equal(first, np.arange(50))


def test_ex09_predict_and_accuracy_match_mlp(ex09):
    X, y = spirals(n_samples=200, noise=0.3, seed=9)
    for sizes, hidden, output in [
        ([2, 8, 3], "tanh", "softmax"),
        ([2, 5, 4, 3], "relu", "sigmoid"),
        ([2, 3], "tanh", "identity"),
    ]:
        net = MLP(sizes, hidden, output, "mse", seed=sum(sizes))
        params = {"weights": net.weights, "biases": net.biases, "hidden_activation": hidden}
        np.testing.assert_array_equal(ex09["predict"](params, X), net.predict(X))
        assert ex09["accuracy"](params, X, y) == pytest.approx(net.accuracy(X, y), abs=0)


def test_ex09_spec_turns_points_rigidly():
    X = np.random.default_rng(0).normal(size=(20, 2))
    for angle, mirror in ((0.0, False), (1.1, False), (2.5, True)):
        T = ex09_spec.turned(X, angle, mirror)
        np.testing.assert_allclose(np.linalg.norm(T, axis=1), np.linalg.norm(X, axis=1))  # lengths kept
        np.testing.assert_allclose(T @ T.T, X @ X.T, atol=1e-12)  # so are all angles between points
    np.testing.assert_allclose(ex09_spec.turned(np.array([[1.0, 0.0]]), np.pi / 2, True), [[0.0, 1.0]], atol=1e-15)


@pytest.mark.parametrize(
    "train_seed, held_out_seed, seed, angle, mirror",
    [(101, 202, 0, 0.0, False), (303, 404, 7, 1.0, True), (505, 606, 3, 4.0, False)],
)
def test_ex09_reference_training_generalises(ex09, train_seed, held_out_seed, seed, angle, mirror):
    X, y = spirals(n_samples=450, noise=0.3, seed=train_seed)
    X = ex09_spec.turned(X, angle, mirror)
    params = ex09["train_classifier"](X, y, seed=seed)
    assert ex09_spec.params_problem(params) is None
    X_new, y_new = spirals(n_samples=900, noise=0.3, seed=held_out_seed)
    net = net_with(params["weights"], params["biases"], params["hidden_activation"], "softmax", "cross_entropy")
    assert net.accuracy(ex09_spec.turned(X_new, angle, mirror), y_new) >= 0.95  # a margin above the grader's 90%
    again = ex09["train_classifier"](X, y, seed=seed)
    for a, b in zip(params["weights"] + params["biases"], again["weights"] + again["biases"]):
        np.testing.assert_array_equal(a, b)  # the same seed gives the same network


def test_ex09_try_it_statements(ex09):
    fit = ex09["FIT"]  # choices are judged on validation points carved out of the training split
    params = ex09["train_classifier"](fit.X_train, fit.y_train, seed=1)
    net = net_with(params["weights"], params["biases"], params["hidden_activation"], "softmax", "cross_entropy")
    text = shown("ex09_train_classifier", "worked:held-out")
    claims = [line.rsplit(":", 1)[1].strip() == "True" for line in text.strip().splitlines()]
    assert claims == [net.accuracy(fit.X_train, fit.y_train) >= 0.9, net.accuracy(fit.X_val, fit.y_val) >= 0.9]


# ---------------------------------------------------------------- the ex09 spec's judgement
def good_params():
    net = MLP([2, 4, 3], "tanh", "softmax", "cross_entropy", seed=0)
    return {"weights": net.weights, "biases": net.biases, "hidden_activation": "tanh"}


@pytest.mark.parametrize(
    "break_it, words",
    [
        (lambda p: p.pop("biases"), "keys"),
        (lambda p: p.update(hidden_activation="swish"), "swish"),
        (lambda p: p.update(hidden_activation="softmax"), "softmax"),
        (lambda p: p["weights"].__setitem__(0, p["weights"][0].T), "shape"),
        (lambda p: p["biases"].__setitem__(1, np.zeros(4)), "biases[1]"),
        (lambda p: p["weights"][1].__setitem__((0, 0), np.nan), "NaN"),
        (lambda p: p.update(weights=p["weights"][:1], biases=p["biases"][:1]), "4 scores, expected 3"),
    ],
)
def test_ex09_spec_explains_malformed_parameters(break_it, words):
    params = good_params()
    assert ex09_spec.params_problem(params) is None
    break_it(params)
    problem = ex09_spec.params_problem(params)
    assert problem is not None and words in problem


def test_ex09_spec_measures_accuracy_with_its_own_forward_pass():
    X, y = spirals(n_samples=300, noise=0.3, seed=5)
    untrained = good_params()
    net = net_with(untrained["weights"], untrained["biases"], "tanh", "softmax", "cross_entropy")
    np.testing.assert_array_equal(ex09_spec.grader_predict(untrained, X), net.predict(X))
    problem = ex09_spec.held_out_problem(untrained, X, y, "test points")
    assert f"{net.accuracy(X, y):.1%} of test points" in problem
    # A network that gets every point right passes: swap in the labels it predicts.
    assert ex09_spec.held_out_problem(untrained, X, net.predict(X), "test points") is None
