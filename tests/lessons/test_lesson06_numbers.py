"""Recompute, by independent routes, every number lesson 06 prints.

Independent means: per-sample loops instead of the lesson's matrix products, finite
differences instead of derived formulas, and plain training loops written here instead of
the playground's model. Only the starting weights are taken from ``MLP`` (they are the
lesson's inputs, drawn by its seed).
"""

import contextlib
import io
import math
import re

import numpy as np
import pytest

from course_lib import MLP
from course_lib.playground_data import playground_data
from course_lib.widgets.playground_model import PlaygroundModel
from finite_differences import centred_differences_in_place
from notebook_outputs import load, numbers, numbers_after, printed


@pytest.fixture(scope="module")
def notebook():
    return load("06_backpropagation")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ----------------------------------------------------------------- the worked 3-4-2 network
@pytest.fixture(scope="module")
def example():
    """The lesson's network, batch and the loop-by-loop forward and backward pass."""
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    Z = rng.normal(size=(4, 3)) * 2  # drawn next, by the softmax cell
    start = MLP([3, 4, 2], seed=6)
    W1, W2 = start.weights  # layers count from 1, as in the lesson: W1 is W^1
    b1, b2 = start.biases
    n, k = Y.shape
    loss = 0.0
    gW1, gb1, gW2, gb2 = np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)
    delta1, delta2 = np.zeros((n, 4)), np.zeros((n, 2))
    for i in range(n):  # one sample at a time, one unit at a time: the chain rule written out
        h = [math.tanh(sum(W1[j, m] * X[i, m] for m in range(3)) + b1[j]) for j in range(4)]
        out = [1 / (1 + math.exp(-(sum(W2[q, j] * h[j] for j in range(4)) + b2[q]))) for q in range(2)]
        loss += sum((out[q] - Y[i, q]) ** 2 for q in range(2)) / (n * k)
        d_out = [2 / (n * k) * (out[q] - Y[i, q]) * out[q] * (1 - out[q]) for q in range(2)]
        d_hid = [sum(d_out[q] * W2[q, j] for q in range(2)) * (1 - h[j] ** 2) for j in range(4)]
        delta2[i], delta1[i] = d_out, d_hid
        for q in range(2):
            gb2[q] += d_out[q]
            for j in range(4):
                gW2[q, j] += d_out[q] * h[j]
        for j in range(4):
            gb1[j] += d_hid[j]
            for m in range(3):
                gW1[j, m] += d_hid[j] * X[i, m]
    return dict(
        X=X, Y=Y, Z=Z, W1=W1, W2=W2, b1=b1, b2=b2, loss=loss, grads=[gW1, gb1, gW2, gb2], deltas=[delta1, delta2]
    )


def test_forward_shapes_and_loss(notebook, example):
    text = printed(notebook, "worked:forward")
    shapes = {
        line.split()[0]: tuple(int(v) for v in numbers(line.split("shape")[1]))
        for line in text.splitlines()
        if "shape" in line
    }
    assert shapes == {"X": (5, 3), "Z1": (5, 4), "A1": (5, 4), "Z2": (5, 2), "A2": (5, 2)}
    assert numbers_after(text, "loss =")[0] == pytest.approx(example["loss"], abs=5.1e-11)


def test_backward_shapes_and_weight_gradient(notebook, example):
    text = printed(notebook, "worked:backward")
    shapes = {
        line.split()[0]: tuple(int(v) for v in numbers(line.split("shape")[1]))
        for line in text.splitlines()
        if " shape " in line
    }
    assert shapes == {
        "delta2": (5, 2),
        "delta1": (5, 4),
        "grad_W2": (2, 4),
        "grad_b2": (2,),
        "grad_W1": (4, 3),
        "grad_b1": (4,),
    }
    shown = numbers_after(text, "grad_W1 =")
    np.testing.assert_allclose(shown, example["grads"][0].ravel(), rtol=0, atol=5.1e-7)


def test_library_agrees(notebook, example):
    text = printed(notebook, "worked:library")
    assert numbers_after(text, "library loss =")[0] == pytest.approx(example["loss"], abs=5.1e-11)
    assert (
        "grads.weights, grads.biases = [grad_W1, grad_W2], [grad_b1, grad_b2] to within 1e-12: True"
        in text.splitlines()
    )
    assert "grads.deltas = [delta1, delta2] to within 1e-12: True" in text.splitlines()
    net = MLP([3, 4, 2], "tanh", "sigmoid", "mse", seed=6)
    grads = net.backward(example["X"], example["Y"])
    for mine, theirs in zip(example["grads"], grads.parameters()):
        np.testing.assert_allclose(theirs, mine, rtol=1e-12, atol=1e-17)
    # The verdicts, with room to spare: the lesson's matrix products and the loops above differ
    # only by rounding, thousands of times below 1e-12.
    for mine, theirs in zip(example["grads"] + example["deltas"], grads.parameters() + grads.deltas):
        assert np.max(np.abs(theirs - mine)) < 1e-12 / 30


def test_mean_against_sum(notebook, example):
    text = printed(notebook, "worked:scale")
    W1, W2, b1, b2 = example["W1"], example["W2"], example["b1"], example["b2"]
    mean_norms = []
    for line, n in zip([l for l in text.splitlines() if l.startswith("n =")], (5, 50)):
        batch_rng = np.random.default_rng(n)
        Xb, Yb = batch_rng.normal(size=(n, 3)), batch_rng.uniform(size=(n, 2))

        def sum_of_squares(W):  # the "sum" loss, differentiated numerically
            return np.sum((sigmoid(np.tanh(Xb @ W.T + b1) @ W2.T + b2) - Yb) ** 2)

        W, h = W1.copy(), 1e-6
        grad_sum = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            W[index] += h
            up = sum_of_squares(W)
            W[index] -= 2 * h
            down = sum_of_squares(W)
            W[index] += h
            grad_sum[index] = (up - down) / (2 * h)
        mean_norm, sum_norm = np.linalg.norm(grad_sum) / Yb.size, np.linalg.norm(grad_sum)
        shown = numbers(line)
        assert shown[0] == n
        np.testing.assert_allclose(shown[1:3], [mean_norm, sum_norm], rtol=1e-6, atol=5.1e-7)
        assert shown[3] == pytest.approx(n * 2, abs=0.05)
        mean_norms.append(mean_norm)
    # "The mean's gradient stays about the same size; the sum's is nk times larger": within 1.5 times
    # for the mean, while the batch grows tenfold.
    assert 1 / 1.5 < mean_norms[1] / mean_norms[0] < 1.5


def test_fused_softmax_error(notebook, example):
    text = printed(notebook, "worked:softmax")
    Z, labels = example["Z"], [0, 2, 1, 2]

    def cross_entropy(Zm):  # the mean over samples of -log of the true class's probability
        return np.mean([-(Zm[i, c] - math.log(sum(math.exp(v) for v in Zm[i]))) for i, c in enumerate(labels)])

    numeric = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += 1e-6
        down[index] -= 1e-6
        numeric[index] = (cross_entropy(up) - cross_entropy(down)) / 2e-6
    shown = numbers_after(text, "fused (P - Y) / n =")
    np.testing.assert_allclose(shown, numeric.ravel(), rtol=0, atol=6e-7)
    # The verdict, with room to spare: the fused form and the chain through softmax's Jacobian,
    # entry by entry in plain Python, differ only by rounding.
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    n, k = Z.shape
    onehot = np.eye(k)[labels]
    chain = [
        [sum(-onehot[i, m] / (n * P[i, m]) * P[i, m] * ((m == j) - P[i, j]) for m in range(k)) for j in range(k)]
        for i in range(n)
    ]
    assert np.max(np.abs((P - onehot) / n - np.array(chain))) < 1e-12 / 30
    assert "the same as the unfused chain to within 1e-12: True" in text
    assert "the same as MLP.backward's output error to within 1e-12: True" in text


# ----------------------------------------------------------------- the gradient check
ACTIVATION = {
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z, a: np.where(z > 0, 1.0, 0.01)),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
}


def my_loss_and_grads(Ws, bs, X, Y, hidden, output, loss):
    """A separate implementation: forward, loss and backward, unfused where possible."""
    f, df = ACTIVATION[hidden]
    As, Zs = [X], []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        Z = As[-1] @ W.T + b
        Zs.append(Z)
        if l < len(Ws) - 1:
            As.append(f(Z))
        elif output == "softmax":
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            As.append(E / E.sum(axis=1, keepdims=True))
        else:
            As.append(ACTIVATION[output][0](Z))
    A, n = As[-1], len(X)
    if loss == "mse":
        value = np.sum((A - Y) ** 2) / Y.size
        delta = 2 * (A - Y) / Y.size * ACTIVATION[output][1](Zs[-1], A)
    elif loss == "binary_cross_entropy":
        value = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / Y.size
        delta = (A - Y) / Y.size
    else:
        value = -np.sum(Y * np.log(A)) / n
        delta = (A - Y) / n
    grads = [None] * (2 * len(Ws))
    for l in range(len(Ws) - 1, -1, -1):
        grads[2 * l], grads[2 * l + 1] = delta.T @ As[l], delta.sum(axis=0)
        if l:
            delta = (delta @ Ws[l]) * df(Zs[l - 1], As[l])
    return value, grads


def test_gradient_check_of_whole_networks(notebook):
    text = printed(notebook, "worked:gradcheck")
    lines = [line for line in text.splitlines() if "worst relative error" in line]
    cases = [
        ([2, 3, 1], "sigmoid", "sigmoid", "mse"),
        ([3, 5, 4, 2], "tanh", "sigmoid", "binary_cross_entropy"),
        ([4, 6, 3], "relu", "softmax", "cross_entropy"),
        ([2, 4, 4, 3], "leaky_relu", "softmax", "cross_entropy"),
        ([3, 2, 2], "identity", "identity", "mse"),
    ]
    assert len(lines) == len(cases)
    for line, (sizes, hidden, output, loss) in zip(lines, cases):
        assert str(sizes) in line and hidden in line and loss in line
        assert line.endswith("worst relative error below 1e-7: True"), line
        rng = np.random.default_rng(1)
        start = MLP(sizes, hidden, output, loss, seed=1, init="normal", weight_scale=1.0)
        Ws, bs = [W.copy() for W in start.weights], [b.copy() for b in start.biases]
        X = rng.normal(size=(12, sizes[0]))
        Y = (
            np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=12)]
            if loss == "cross_entropy"
            else rng.uniform(size=(12, sizes[-1]))
        )
        _, analytic = my_loss_and_grads(Ws, bs, X, Y, hidden, output, loss)
        # The library's gradients are the same numbers (to rounding) ...
        library = start.backward(X, Y.argmax(axis=1) if loss == "cross_entropy" else Y).parameters()
        for mine, theirs in zip(analytic, library):
            np.testing.assert_allclose(theirs, mine, rtol=1e-9, atol=1e-15)
        # ... and agree with centred differences of this file's loss, entry by entry.
        worst = 0.0
        for p, g in zip([q for pair in zip(Ws, bs) for q in pair], analytic):
            for index in np.ndindex(p.shape):
                keep = p[index]
                p[index] = keep + 1e-5
                up = my_loss_and_grads(Ws, bs, X, Y, hidden, output, loss)[0]
                p[index] = keep - 1e-5
                down = my_loss_and_grads(Ws, bs, X, Y, hidden, output, loss)[0]
                p[index] = keep
                numeric = (up - down) / 2e-5
                worst = max(worst, abs(g[index] - numeric) / max(abs(g[index]) + abs(numeric), 1e-300))
        assert worst < 1e-7, (line, worst)  # the printed verdict, recomputed with this file's own loss


# ----------------------------------------------------------------- XOR
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def test_single_layer_cannot_learn_xor(notebook):
    text = printed(notebook, "worked:xor-single")
    start = MLP([2, 1], seed=0)
    w, b = start.weights[0][0].copy(), float(start.biases[0][0])
    for _ in range(2000):  # gradient descent on mean binary cross-entropy: dL/dz = (p - y) / n
        p = sigmoid(XOR_X @ w + b)
        w -= 1.0 * XOR_X.T @ (p - XOR_Y) / 4
        b -= 1.0 * np.sum(p - XOR_Y) / 4
    p = sigmoid(XOR_X @ w + b)
    np.testing.assert_allclose(numbers_after(text, "outputs:"), p, atol=5.1e-7)
    loss = -np.mean(XOR_Y * np.log(p) + (1 - XOR_Y) * np.log(1 - p))
    shown = numbers_after(text, "loss =")
    assert shown[0] == pytest.approx(loss, abs=5.1e-7) and shown[2] == pytest.approx(math.log(2), abs=5.1e-7)


def test_two_hidden_units_learn_xor(notebook):
    text = printed(notebook, "worked:xor-trained")
    start = MLP([2, 2, 1], seed=0)
    W1, b1 = start.weights[0].copy(), start.biases[0].copy()
    W2, b2 = start.weights[1][0].copy(), float(start.biases[1][0])
    losses = []
    for epoch in range(1001):
        H = np.tanh(XOR_X @ W1.T + b1)
        p = sigmoid(H @ W2 + b2)
        losses.append(-np.mean(XOR_Y * np.log(p) + (1 - XOR_Y) * np.log(1 - p)))
        if epoch == 1000:
            outputs = p
        d_out = (p - XOR_Y) / 4
        d_hid = np.outer(d_out, W2) * (1 - H**2)
        W2 = W2 - d_out @ H
        b2 = b2 - d_out.sum()
        W1 = W1 - d_hid.T @ XOR_X
        b1 = b1 - d_hid.sum(axis=0)
    np.testing.assert_allclose(numbers_after(text, "outputs after 1000 epochs:"), outputs, atol=5.1e-7)
    shown = numbers(text.splitlines()[-1])
    np.testing.assert_allclose(shown, [0, losses[0], 1000, losses[1000]], atol=5.1e-7)
    assert np.all((outputs > 0.5) == (XOR_Y == 1))
    # "For 25 epochs the loss hardly moves (near log 2) while the hidden units find their lines; then it drops fast."
    assert all(abs(loss - math.log(2)) < 0.01 for loss in losses[:26])
    plateau_rate = (losses[0] - losses[25]) / 25  # loss lost per epoch on the plateau
    drop_rate = (losses[25] - losses[150]) / 125  # and afterwards: over ten times faster
    assert drop_rate > 10 * plateau_rate and losses[150] < 0.15 * losses[25]


# ----------------------------------------------------------------- the playground experiments
def plain_run(
    epochs, dataset="circle", learning_rate=0.03, activation="tanh", hidden=(4, 2), features=("x1", "x2"), init_seed=0
):
    """The playground's run, as a plain loop: data, 50 % split, features, mini-batches of 10, shuffled by seed 0."""
    X_raw, labels = playground_data(dataset, 400, 0.0, 2, 0)
    order = np.random.default_rng(0).permutation(400)
    train, test = np.sort(order[:200]), np.sort(order[200:])
    table = {"x1": X_raw[:, 0], "x2": X_raw[:, 1], "sin(x1)": np.sin(X_raw[:, 0]), "sin(x2)": np.sin(X_raw[:, 1])}
    F = np.column_stack([table[f] for f in features])
    net = MLP([len(features), *hidden, 1], activation, "sigmoid", "binary_cross_entropy", seed=init_seed)
    rng = np.random.default_rng(0)
    first_norms = None
    for epoch in range(epochs):
        shuffled = rng.permutation(200)
        norms = []
        for start in range(0, 200, 10):
            batch = train[shuffled[start : start + 10]]
            grads = net.backward(F[batch], labels[batch])
            norms.append([np.linalg.norm(g) for g in grads.weights])
            net.step(grads, learning_rate)
        if epoch == 0:
            first_norms = np.mean(norms, axis=0)
    p_train, p_test = net.forward(F[train])[:, 0], net.forward(F[test])[:, 0]
    y_train, y_test = labels[train], labels[test]
    train_loss = -np.mean(y_train * np.log(p_train) + (1 - y_train) * np.log(1 - p_train))
    return dict(
        train_loss=train_loss,
        train_accuracy=np.mean((p_train > 0.5) == y_train),
        test_accuracy=np.mean((p_test > 0.5) == y_test),
        first_norms=first_norms,
    )


def test_experiment_learning_rate(notebook):
    lines = printed(notebook, "worked:experiment-learning-rate").splitlines()
    assert len(lines) == 3
    runs = {rate: plain_run(100, learning_rate=rate) for rate in (0.001, 0.03, 3.0)}
    for line, rate in zip(lines, (0.001, 0.03)):
        np.testing.assert_allclose(
            numbers(line), [rate, runs[rate]["train_loss"], runs[rate]["test_accuracy"]], atol=5.1e-4
        )
    # Rate 3 is chaotic (its loss depends on rounding): only the verdict is printed, and it holds.
    assert lines[2].endswith("above 0.1 after 100 epochs: True") and runs[3.0]["train_loss"] > 0.1
    assert runs[0.03]["train_loss"] < min(runs[3.0]["train_loss"], runs[0.001]["train_loss"])  # what the answer says


def test_experiment_activation(notebook):
    lines = printed(notebook, "worked:experiment-activation").splitlines()
    for line, activation in zip(lines, ("sigmoid", "tanh", "relu")):
        run = plain_run(100, activation=activation, init_seed=1)
        assert line.strip().startswith(activation)
        shown = numbers(line)
        assert shown[0] == pytest.approx(run["train_loss"], abs=5.1e-5)
        assert shown[-1] == pytest.approx(run["first_norms"][0], rel=0.006)  # printed to 3 digits
    losses = [numbers(line)[0] for line in lines]
    assert losses[2] < losses[1] < losses[0]
    # The answer: sigmoid hardly off log 2, and its first layer's gradient the smallest of the three.
    assert losses[0] > math.log(2) - 0.01
    first_norms = [numbers(line)[-1] for line in lines]
    assert first_norms[0] < min(first_norms[1:])


def test_experiment_spiral(notebook):
    lines = printed(notebook, "worked:experiment-spiral").splitlines()
    for line, hidden in zip(lines, ((2,), (8, 8))):
        run = plain_run(200, dataset="spiral", hidden=hidden, features=("x1", "x2", "sin(x1)", "sin(x2)"))
        shown = numbers(line.split(":", 1)[1])
        np.testing.assert_allclose(shown, [run["train_accuracy"], run["test_accuracy"]], atol=5.1e-4)


def test_printed_code_reproduces_its_run(notebook):
    code = printed(notebook, "worked:code")
    scope = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(code, scope)
    run = plain_run(5, dataset="xor", learning_rate=0.1, hidden=(3,))
    assert float(out.getvalue().split()[-1]) == pytest.approx(run["train_loss"], rel=1e-12)


def test_the_stuck_start_the_lesson_mentions():
    # "with seed=1 the same network gets (0,0) and (1,0) right but stays undecided, at 0.5, on the other two"
    net = MLP([2, 2, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=1)
    for _ in range(1000):
        net.step(net.backward(XOR_X, XOR_Y), 1.0)
    out = net.forward(XOR_X)[:, 0]
    assert out[0] < 0.01 and out[2] > 0.99 and abs(out[1] - 0.5) < 0.01 and abs(out[3] - 0.5) < 0.01


def test_relu_at_the_playgrounds_default_weights_starts_with_a_dead_second_layer():
    """Experiment 2's answer: at the widget's default start, relu's second hidden layer is dead and stays so."""
    model = PlaygroundModel({"dataset": "circle", "activation": "relu"})
    last_hidden = len(model.settings.hidden)  # activations[l] is layer l's output; [0] is the input
    assert not model.net.trace(model.X_train).activations[last_hidden].any(), "every unit outputs 0 everywhere"
    model.step(100)
    assert not model.net.trace(model.X_train).activations[last_hidden].any()
    assert model.history.train_loss[-1] > 0.68  # hardly off log 2: nothing learnt


# ----------------------------------------------------------------- the notation tables
def table_rows(notebook, heading):
    """The body rows of the markdown table in the cell opening with ``heading``, as lists of cell texts."""
    cells = [cell for cell in notebook.cells if cell.cell_type == "markdown" and cell.source.startswith(heading)]
    assert len(cells) == 1, f"expected one cell opening with {heading!r}, found {len(cells)}"
    lines = [line for line in cells[0].source.splitlines() if line.startswith("|")]
    return [[part.strip() for part in line.strip().strip("|").split("|")] for line in lines[2:]]


def maths(text):
    return re.findall(r"\$([^$]+)\$", text)


def codes(text):
    return re.findall(r"`([^`]+)`", text)


RELU = (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float))
SIGMOID = (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)))


@pytest.fixture(scope="module")
def mapped():
    """A 3-5-4-2 relu/sigmoid network under course_lib's mean squared error, with every quantity of the
    course's notation computed here: Z^l and A^l by a plain forward pass, Delta^l = dL/dZ^l and dL/dW^l,
    dL/db^l by centred differences of the loss (the definitions, not the lesson's formulas). Lists are
    indexed by the layer number l = 1..L (index 0 of Z, W, b and Delta is unused)."""
    sizes = [3, 5, 4, 2]
    net = MLP(sizes, "relu", "sigmoid", "mse", seed=3, init="normal", weight_scale=0.9)
    rng = np.random.default_rng(16)
    net.biases = [rng.normal(0, 0.5, size=k) for k in sizes[1:]]  # no sum sits exactly at relu's kink
    X, Y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    L = len(sizes) - 1
    W = [None] + [w.copy() for w in net.weights]
    b = [None] + [v.copy() for v in net.biases]

    def f(l):
        return SIGMOID if l == L else RELU

    def loss_from(l, Zl):
        """The loss when layer l's weighted sums are Zl, everything after it as usual."""
        A = f(l)[0](Zl)
        for m in range(l + 1, L + 1):
            A = f(m)[0](A @ W[m].T + b[m])
        return np.sum((A - Y) ** 2) / Y.size

    Z, A = [None], [X]
    for l in range(1, L + 1):
        Z.append(A[l - 1] @ W[l].T + b[l])
        A.append(f(l)[0](Z[l]))
    assert min(np.min(np.abs(z)) for z in Z[1:]) > 1e-3, "no weighted sum near relu's kink"
    h = 1e-6
    Delta, gW, gb = [None], [None], [None]
    for l in range(1, L + 1):
        Delta.append(centred_differences_in_place(lambda: loss_from(l, Z[l]), Z[l], h))
        for store, param in ((gW, W[l]), (gb, b[l])):
            store.append(centred_differences_in_place(lambda: loss_from(l, A[l - 1] @ W[l].T + b[l]), param, h))
    return dict(net=net, X=X, Y=Y, L=L, W=W, b=b, Z=Z, A=A, Delta=Delta, gW=gW, gb=gb, f=f)


def close(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-10)


def test_library_column_of_the_table_is_the_library(notebook, mapped):
    """Every course_lib expression in the table, evaluated for l = 1..L, is the quantity its row names."""
    m = mapped
    net, L = m["net"], m["L"]
    grads, trace = net.backward(m["X"], m["Y"]), net.trace(m["X"])
    quantity = {
        "W^l": lambda l: m["W"][l],
        "Z^l": lambda l: m["Z"][l],
        "A^l": lambda l: m["A"][l],
        r"\Delta^l": lambda l: m["Delta"][l],
        r"-\Delta^l": lambda l: -m["Delta"][l],
        r"\partial L/\partial W^l": lambda l: m["gW"][l],
        r"\partial L/\partial b^l": lambda l: m["gb"][l],
    }
    seen = set()
    for course, _, library in table_rows(notebook, "### The library's lists"):
        expressions = codes(library)
        symbols = maths(course)[: len(expressions)]
        assert expressions and len(symbols) == len(expressions), (course, library)
        for symbol, expression in zip(symbols, expressions):
            seen.add(expression)
            for l in range(1, L + 1):
                got = eval(expression, {"net": net, "grads": grads, "trace": trace, "l": l})
                close(got, quantity[symbol.strip()](l))
    assert {
        "grads.deltas[l-1]",
        "grads.signals[l-1]",
        "grads.weights[l-1]",
        "trace.zs[l-1]",
        "trace.activations[l]",
    } <= seen
    close(trace.activations[0], m["X"])  # "A^0 = X"
    for signal, delta in zip(grads.signals, grads.deltas):  # signals are exactly minus the deltas
        assert np.array_equal(signal, -delta)


def test_the_lessons_mapping_sentence_names_the_library_lists(notebook):
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "`net.weights[0]` is $W^1$, `grads.deltas[l-1]` is $\\Delta^l$" in text


def test_recipe_column_signals_and_weight_delta(notebook, mapped):
    """McCaffrey's column: for his loss 1/2 sum (t - y)^2 on one sample, the output signal (t - y) f'(z) and
    the hidden signal (sum_k s_k w_kj) f'(z_j) are minus dL/dz, his gradient signal x input is minus
    dL/dw, and his weight delta eta x gradient is the update, not delta."""
    rows = table_rows(notebook, "### The library's lists")
    recipe = {maths(course)[0].strip(): words for course, words, _ in rows}
    assert "minus the signal" in recipe[r"\Delta^l"]
    assert "output (step 5)" in recipe[r"-\Delta^l"] and "hidden (step 7)" in recipe[r"-\Delta^l"]
    assert "signal × input" in recipe[r"\partial L/\partial W^l"] and "minus" in recipe[r"\partial L/\partial W^l"]
    m = mapped
    W, b, f, L = m["W"], m["b"], m["f"], m["L"]
    x, t = m["X"][0], m["Y"][0]

    def half_squared(Ws):
        a = x
        for l in range(1, L + 1):
            a = f(l)[0](Ws[l] @ a + b[l])
        return 0.5 * np.sum((t - a) ** 2)

    zs, a_s = [None], [x]
    for l in range(1, L + 1):  # one sample, column vectors: z^l = W^l a^(l-1) + b^l
        zs.append(W[l] @ a_s[-1] + b[l])
        a_s.append(f(l)[0](zs[-1]))
    signals = {L: (t - a_s[L]) * f(L)[1](zs[L])}  # his step 5
    for l in range(L - 1, 0, -1):  # his step 7, layer by layer
        signals[l] = np.array(
            [sum(signals[l + 1][k] * W[l + 1][k, j] for k in range(len(signals[l + 1]))) for j in range(len(zs[l]))]
        ) * f(l)[1](zs[l])
    eta = 0.05
    for l in range(1, L + 1):
        numeric = np.zeros_like(W[l])
        for index in np.ndindex(W[l].shape):
            up = [None] + [w.copy() for w in W[1:]]
            down = [None] + [w.copy() for w in W[1:]]
            up[l][index] += 1e-6
            down[l][index] -= 1e-6
            numeric[index] = (half_squared(up) - half_squared(down)) / 2e-6
        gradient = np.outer(signals[l], a_s[l - 1])  # his gradient: signal x input
        close(gradient, -numeric)
        weight_delta = eta * gradient  # his "weight delta": added to the weight
        close(W[l] + weight_delta, W[l] - eta * numeric)  # the same step as W -= eta dL/dW
        # signal = -dL/dz: dL/dW^l = (dL/dz^l) (a^(l-1))^T, so minus the signal times the input
        close(-np.outer(signals[l], a_s[l - 1]), numeric)


def test_nielsen_column_per_sample(notebook, mapped):
    """BP1-BP4 for one sample at a time (column vectors) give the rows of Delta^l and, summed, the gradients."""
    rows = table_rows(notebook, "### One algorithm, other notations")
    assert [row[1].split(":")[0] for row in rows] == ["BP1", "BP2", "BP4", "BP3"]
    m = mapped
    W, f, L, Z, A, Delta = m["W"], m["f"], m["L"], m["Z"], m["A"], m["Delta"]
    n = len(m["X"])
    for i in range(n):
        z = {l: Z[l][i] for l in range(1, L + 1)}
        a = {l: A[l][i] for l in range(0, L + 1)}
        grad_a = 2 * (a[L] - m["Y"][i]) / m["Y"].size  # nabla_a C of this sample's share of the mean
        delta = {L: grad_a * f(L)[1](z[L])}  # BP1
        for l in range(L - 1, 0, -1):
            delta[l] = (W[l + 1].T @ delta[l + 1]) * f(l)[1](z[l])  # BP2
        for l in range(1, L + 1):
            close(delta[l], Delta[l][i])
    for l in range(1, L + 1):
        bp3 = sum(Delta[l][i] for i in range(n))
        bp4 = np.array(
            [
                [sum(A[l - 1][i, k] * Delta[l][i, j] for i in range(n)) for k in range(W[l].shape[1])]
                for j in range(W[l].shape[0])
            ]
        )
        close(bp3, m["gb"][l])
        close(bp4, m["gW"][l])


def test_cs231n_column(notebook, mapped):
    """The CS231n column's code, run with its conventions (x: a layer's input, w: (D, M), the transpose of
    W^l; dout: dL/d(the affine layer's output) = Delta^l), gives our gradients and the error one layer down."""
    rows = table_rows(notebook, "### One algorithm, other notations")
    column = [codes(row[2]) for row in rows]
    assert column[1] == ["dx = dout @ w.T", "relu_backward(dx, cache)"]
    assert column[2] == ["dw = x.T @ dout"] and column[3] == ["db = dout.sum(axis=0)"]
    cell = next(
        c
        for c in notebook.cells
        if c.cell_type == "markdown" and c.source.startswith("### One algorithm, other notations")
    )
    assert "Its `w` is our $(W^l)^{\\top}$" in cell.source

    def relu_backward(dout, cache):  # CS231n's: the cache of a relu layer is its input
        return dout * (cache > 0)

    m = mapped
    for l in range(1, m["L"] + 1):
        scope = {"dout": m["Delta"][l], "x": m["A"][l - 1], "w": m["W"][l].T, "relu_backward": relu_backward}
        for statement in column[1][:1] + column[2] + column[3]:
            exec(statement, scope)
        close(scope["dw"], m["gW"][l].T)
        close(scope["db"], m["gb"][l])
        if l > 1:  # dx is dL/dA^(l-1); through relu_backward with the cache Z^(l-1) it is Delta^(l-1)
            close(eval(column[1][1], {**scope, "cache": m["Z"][l - 1]}), m["Delta"][l - 1])


def test_the_loss_scales_the_lesson_states():
    """ "`mse` and `binary_cross_entropy` average over all nk entries, `cross_entropy` over the n samples"."""
    rng = np.random.default_rng(61)
    Z, Y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 3))
    labels = rng.integers(0, 3, size=6)
    for loss, output, target, value in (
        ("mse", "identity", Y, sum((Z[i, k] - Y[i, k]) ** 2 for i in range(6) for k in range(3)) / 18),
        (
            "binary_cross_entropy",
            "sigmoid",
            Y,
            -sum(
                Y[i, k] * math.log(sigmoid(Z[i, k])) + (1 - Y[i, k]) * math.log(1 - sigmoid(Z[i, k]))
                for i in range(6)
                for k in range(3)
            )
            / 18,
        ),
        (
            "cross_entropy",
            "softmax",
            labels,
            -sum(Z[i, labels[i]] - math.log(sum(math.exp(v) for v in Z[i])) for i in range(6)) / 6,
        ),
    ):
        net = MLP([3, 3], "tanh", output, loss)
        net.weights, net.biases = [np.eye(3)], [np.zeros(3)]  # so that Z^1 = the inputs
        assert net.loss(Z, target) == pytest.approx(value, rel=1e-12)
