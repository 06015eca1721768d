"""No library route does an exercise's work while it is graded (issue 20, item 1).

For every exercise, ``route_walker.py`` calls every public callable of the
``course_lib`` the grader stages for it: functions, classes, methods and properties,
on objects the constructor made and on objects unpickled without ``__init__``.
Inputs are a small network, its data and the objects the real library makes from
them. The answers it looks for are computed here, independently, with plain numpy
(``plain_network``): for each kind of work the exercise's learner writes, the
values that work produces. The test fails naming any callable that returns such
an answer, or leaves one in its arguments or object (a weight update divided by
the learning rate is a gradient). A control walks the full library and must find
the routes a red team used: otherwise the walk could not fail.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import plain_network as plain

import course_lib
from course_tools.grader import catalog, routes, staging

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
SUPPORT = HERE.parent / "support"
RATES = (1.0, 0.5)
ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
NETS = (([3, 4, 2], "tanh", "sigmoid", "mse"), ([3, 4, 3], "relu", "softmax", "cross_entropy"))
PLAIN_KIND = {"mse": "mse", "cross_entropy": "ce", "binary_cross_entropy": "bce"}


def _data():
    rng = np.random.default_rng(20)
    X = rng.normal(size=(7, 3))  # 7 samples: an accuracy of k/7 is no round number found by chance
    Y2 = (rng.uniform(size=(7, 2)) > 0.5).astype(float)
    y3 = np.array([2, 0, 1, 2, 1, 0, 0])
    Y3 = np.eye(3)[y3]
    return X, Y2, y3, Y3


def _deltas(weights, biases, X, Y, hidden, output, kind):
    """Every Delta^l = dL/dZ^l, by the recurrence written out (plain_network gives dW and db only)."""
    zs, acts = plain.forward(weights, biases, X, hidden, output)
    if kind == "ce":
        delta = (acts[-1] - Y) / Y.shape[0]
    elif kind == "bce":
        delta = (acts[-1] - Y) / Y.size
    else:
        delta = 2.0 * (acts[-1] - Y) / Y.size * plain.slope(output, zs[-1])
    deltas = [delta]
    for l in range(len(weights) - 1, 0, -1):
        delta = (delta @ weights[l]) * plain.slope(hidden, zs[l - 1])
        deltas.insert(0, delta)
    return deltas


def _quadratic():
    A = np.array([[1.5, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 0.8]])
    b = np.array([0.4, -1.1, 0.7])
    return A, b


def _loss_of(point):
    A, b = _quadratic()
    return float(0.5 * point @ A @ point - b @ point)


def _gradient_of(point):
    A, b = _quadratic()
    return A @ point - b


def pool() -> dict:
    """Inputs by parameter name, and the answers each kind of work produces on them."""
    X, Y2, y3, Y3 = _data()
    nets = [course_lib.MLP(sizes, hidden, output, loss, seed=3) for sizes, hidden, output, loss in NETS]
    targets = [Y2, Y3]
    answers, graded_labels = [], []

    def answer(kind, label, value):
        value = np.asarray(value, dtype=float)
        round_constant = np.all(value == value.flat[0]) and value.flat[0] in (0.0, 0.5, 1.0, -1.0, 2.0)
        assert not round_constant, f"{label} is a round constant, which many a routine returns by chance"
        answers.append((kind, label, value))

    Z = np.random.default_rng(21).normal(size=(7, 3))
    for name in ACTIVATIONS:
        answer("activations", f"{name}(Z)", plain.f(name, Z))
        if name not in ("softmax", "identity"):  # the identity's slope is all ones, found everywhere by chance
            answer("activations", f"{name}'(Z)", plain.slope(name, Z))
    logits = np.random.default_rng(22).normal(size=(7, 3))  # not Z: softmax(Z) is itself an answer
    P3 = plain.f("softmax", logits)
    P2 = plain.f("sigmoid", logits[:, :2])
    for P, Y in ((P2, Y2), (P3, Y3)):
        answer("losses", "mean squared error", np.mean((P - Y) ** 2))
        answer("losses", "its gradient", 2 * (P - Y) / P.size)
        answer("losses", "binary cross-entropy", -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))
        answer("losses", "its gradient", (P - Y) / (P * (1 - P)) / P.size)
        answer("losses", "the gradient from the logits", (P - Y) / P.size)
    answer("losses", "cross-entropy", -np.mean(np.sum(Y3 * np.log(P3), axis=1)))
    answer("losses", "its gradient", -Y3 / P3 / len(Y3))
    answer("losses", "the gradient from the logits", (P3 - Y3) / len(Y3))

    for net, Y, (_, hidden, output, loss) in zip(nets, targets, NETS):
        kind = PLAIN_KIND[loss]
        W, b = net.weights, net.biases
        zs, acts = plain.forward(W, b, X, hidden, output)
        for l, (z, a) in enumerate(zip(zs, acts[1:]), start=1):
            answer("forward pass", f"Z^{l}", z)
            answer("forward pass", f"A^{l}", a)
        answer("losses", "the network's loss", plain.loss(W, b, X, Y, hidden, output, kind))
        gW, gb = plain.backward(W, b, X, Y, hidden, output, kind)
        for l, delta in enumerate(_deltas(W, b, X, Y, hidden, output, kind), start=1):
            answer("backward pass", f"Delta^{l}", delta)
        for l, (g, h) in enumerate(zip(gW, gb), start=1):
            answer("backward pass", f"dL/dW^{l}", g)  # within 1e-5, numerical estimates of it are found too
            answer("backward pass", f"dL/db^{l}", h)
            for rate in RATES:  # one step is an update; a training loop's answer is where many steps end
                answer("update", f"W^{l} after a step of {rate}", W[l - 1] - rate * g)
                answer("update", f"b^{l} after a step of {rate}", b[l - 1] - rate * h)
        for rate in RATES:
            later, _, _ = plain.sgd(
                W, b, X, Y, hidden, epochs=2, batch_size=None, learning_rate=rate, output=output, kind=kind
            )
            for l, w in enumerate(later, start=1):
                answer("training loop", f"W^{l} after two epochs at {rate}", w)
        labels = acts[-1].argmax(axis=1)
        answer("predictions", "the predicted labels", labels)
        # The accuracy is left out: a fraction k/7 is what any count over the 7 samples returns by chance.
        # MLP.accuracy is closed by name (routes.WORK) and ends in MLP.predict, whose labels are looked for.
        wrong = labels.copy()
        wrong[:4] = (wrong[:4] + 1) % acts[-1].shape[1]
        graded_labels.append(wrong)
    for sizes, *_ in NETS:
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            answer("initialisation", f"He's std for {n_in} inputs", np.sqrt(2 / n_in))
            answer("initialisation", f"Xavier's std for {n_in}, {n_out}", np.sqrt(2 / (n_in + n_out)))

    start = np.array([1.0, -2.0, 0.5])
    answer("numerical gradients", "the gradient of f at x", _gradient_of(start))
    for rate in RATES:
        path = [start]
        for _ in range(5):
            path.append(path[-1] - rate * _gradient_of(path[-1]))
        answer("descent", f"the path at rate {rate}", np.array(path))
        answer("descent", f"the path at rate {rate} without its start", np.array(path[1:]))
        answer("descent", f"the end point at rate {rate}", path[-1])

    a, b_, c = course_lib.Value(1.3), course_lib.Value(-0.7), course_lib.Value(2.1)
    root = (a * b_ + c).tanh() * a
    t = np.tanh(1.3 * -0.7 + 2.1)
    answer("scalar graph", "d out / d a", t + 1.3 * (1 - t * t) * -0.7)
    answer("scalar graph", "d out / d b", 1.3 * (1 - t * t) * 1.3)
    answer("scalar graph", "d out / d c", 1.3 * (1 - t * t))

    net_a = nets[0]
    grads = [net.backward(X, Y) for net, Y in zip(nets, targets)]
    traces = [net.trace(X) for net in nets]
    inputs = {
        "X": [X],
        "x": [start, X[0]],
        "Y": targets,
        "T": [Y2],
        "t": [Y2[0]],
        "y": graded_labels,
        "z": [Z],
        "Z": [Z],
        "P": [P2, P3],
        "Y_hat": [P2, P3],
        "a": [plain.f("tanh", Z)],
        "grad_a": [Z[:, ::-1].copy()],
        "w": [X[1]],
        "b": [0.3],
        "W": [net_a.weights[0]],
        "learning_rate": list(RATES),
        "lr": list(RATES),
        "rate": list(RATES),
        "name": list(ACTIVATIONS) + ["mse", "binary_cross_entropy", "cross_entropy"],
        "activation": list(ACTIVATIONS),
        "hidden_activation": ["tanh", "relu"],
        "output_activation": ["sigmoid"],
        "hidden": ["tanh"],
        "output": ["sigmoid"],
        "loss": ["mse", "cross_entropy", _loss_of],
        "kind": ["mse"],
        "net": nets,
        "model": nets,
        "net_or_sizes": nets,
        "grads": grads,
        "trace": traces,
        "sizes": [sizes for sizes, *_ in NETS],
        "weights": [net_a.weights],
        "biases": [net_a.biases],
        "W_hidden": [net_a.weights[0]],
        "b_hidden": [net_a.biases[0]],
        "W_out": [net_a.weights[1]],
        "b_out": [net_a.biases[1]],
        "W1": [net_a.weights[0]],
        "b1": [net_a.biases[0]],
        "W2": [net_a.weights[1]],
        "b2": [net_a.biases[1]],
        "W_next": [net_a.weights[1]],
        "z_hidden": [Z[:, :4] if Z.shape[1] >= 4 else np.tile(Z, 2)[:, :4]],
        "z_out": [Z[:, :2]],
        "inputs": [X],
        "signals": [Z[:, :2]],
        "out_signals": [Z[:, :2]],
        "param": [net_a.weights[1]],
        "gradient": [_gradient_of],
        "f": [_loss_of],
        "start": [start],
        "steps": [5],
        "epochs": [1, 2],
        "batch_size": [None, 5],
        "seed": [0],
        "n_samples": [20],
        "n_in": [3],
        "n_out": [2],
        "n_inputs": [3],
        "n_outputs": [2],
        "n_train": [10],
        "noise": [0.1],
        "n_classes": [3],
        "analytic": [grads[0].weights[0]],
        "numeric": [grads[0].weights[0] * 1.001],
        "init": ["he", "xavier"],
        "weight_scale": [0.5],
        "depth": [3],
        "width": [4],
        "scale": [1.0],
        "data": [1.3],
        "label": ["a"],
        "root": [root],
        "node": [root],
        "n_done": [3],
        "dL_dparam": [grads[0].weights[1]],
        "weight_decay": [0.1],
        "learning_rates": [np.array(RATES)],
        "target": [Y2[0]],
        "n": [7],
        "train_ratio": [0.5],
        "record_every": [1],
        "resolution": [5],
        "activations_out": [P2],
        "which": ["train"],
        "layer": [0],
        "to": [0],
        "source": [1],
        "value": [0.7],
        "names": [["x1", "x2"]],
        "outputs": [P3],
        "mean": [0.0],
        "digit": [3],
        "object of MLP": nets,
        "object of Gradients": grads,
        "object of Trace": traces,
        "object of Value": [root],
    }
    return {"inputs": inputs, "answers": answers, "rates": list(RATES)}


def walk(staged_top: str, tmp_path: Path, kinds) -> dict:
    data = pool()
    data["answers"] = [entry for entry in data["answers"] if entry[0] in kinds]
    pool_file, out = tmp_path / "pool.pickle", tmp_path / "report.json"
    pool_file.write_bytes(pickle.dumps(data))
    # The pool holds objects of this module's making, so the walker must be able to import it by name.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, str(SUPPORT / "route_walker.py"), staged_top, str(pool_file), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


def _computing(report: dict) -> dict:
    return {name: entry["detail"] for name, entry in report.items() if entry["verdict"] == "computes"}


def test_the_walk_finds_the_routes_a_red_team_used(tmp_path):
    """Nothing closed: the walk must find the library doing ex06's and ex10's work, or it proves nothing."""
    open_library = staging.staged_library((), "nothing")
    report = walk(open_library, tmp_path, set(routes.WORK))
    found = _computing(report)
    for route in (
        "course_lib.network.MLP.backward",
        "course_lib.network.MLP.forward",
        "course_lib.training.train",
        "course_lib.gradcheck.numerical_gradient",
        "course_lib.network.MLP.step",
        "course_lib.losses.CrossEntropy.gradient_from_logits",
        "course_lib.activations.Sigmoid.derivative",
        "course_lib.lessons.descent.descent_path",
        "course_lib.value.Value.backward",
        "course_lib.network.MLP.predict",
    ):
        assert route in found, f"the walk missed {route}: {report.get(route)}"


@pytest.mark.parametrize("exercise", catalog.known_ids())
def test_no_library_route_computes_a_graded_answer(exercise, tmp_path):
    spec = catalog.load(exercise)[1]
    report = walk(staging.staged_library(spec.learner_writes, exercise), tmp_path, set(spec.learner_writes))
    found = _computing(report)
    counts = {}
    for entry in report.values():
        counts[entry["verdict"]] = counts.get(entry["verdict"], 0) + 1
    print(f"{exercise}: {len(report)} callables: {counts}")
    assert not found, f"{exercise}: library routes still compute graded answers: " + "; ".join(
        f"{name} ({detail})" for name, detail in sorted(found.items())
    )
