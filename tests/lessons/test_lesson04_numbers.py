"""Recompute, in plain Python and numpy, every number lesson 04 prints.

The lesson differentiates with ``course_lib.Value`` and ``numerical_gradient``; here
every derivative is written out by hand (the chain rule on paper) and every centred
difference is evaluated directly with ``math``.
"""

import math
import re

import numpy as np
import pytest

from finite_differences import centred_differences
from notebook_outputs import load, numbers, printed, safely_rounded, verdict_holds

ROUND_OFF = 2.3e-16  # about two units in the last place of a sine near 0.84: one per evaluation


@pytest.fixture(scope="module")
def notebook():
    return load("04_chain_rule_and_computational_graphs")


def after(line, marker):
    """The numbers in ``line`` after the last ``marker``."""
    return numbers(line.rsplit(marker, 1)[1])


def test_secant_slopes(notebook):
    lines = printed(notebook, "worked:secant").splitlines()
    assert len(lines) == 4
    for line in lines:
        h, slope = numbers(line)
        assert slope == pytest.approx(((3 + h) ** 2 - 9) / h, abs=5e-7)
        assert slope == pytest.approx(6 + h, abs=5e-7)  # (3 + h)^2 = 9 + 6h + h^2


def test_centred_differences(notebook):
    first, *rows = printed(notebook, "worked:centred").splitlines()
    exact = math.cos(1.0)
    assert after(first, "=")[0] == pytest.approx(exact, abs=5e-13)
    errors, eps = {}, np.finfo(float).eps
    assert [numbers(row)[0] for row in rows] == [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-12]
    for row in rows:
        h = numbers(row)[0]
        direct = abs((math.sin(1.0 + h) - math.sin(1.0 - h)) / (2 * h) - exact)
        errors[h] = direct
        if "truncation" in row:
            # A measured error, printed only where round-off is under a hundredth of it, so its two
            # digits are the same on every processor.
            error = float(re.search(r"error (\S+)", row).group(1))
            truncation = float(row.rsplit("= ", 1)[1].rstrip(")"))
            assert f"{direct:.1e}" == f"{error:.1e}" and safely_rounded(
                direct / 10 ** math.floor(math.log10(direct)), 1, 10 * ROUND_OFF / h / direct
            )
            assert truncation == float(f"{math.cos(1.0) * h**2 / 6:.1e}") and error == truncation
        else:
            bound = float(re.search(r"error < (\S+)", row).group(1))
            round_off = float(row.rsplit("= ", 1)[1].rstrip(")"))
            assert "round-off" in row and round_off == float(f"{eps / h:.0e}") and bound == float(f"{10 * eps / h:.0e}")
            assert direct * 3 < bound, h  # the bound holds with room for another machine's rounding
    # The h^2 law: a tenth of h gives a hundredth of the error, down to h = 1e-4 ...
    hs = sorted(errors, reverse=True)
    for big, small in zip(hs[:3], hs[1:4]):
        assert 90 < errors[big] / errors[small] < 110
        assert errors[big] == pytest.approx(math.cos(1.0) * big**2 / 6, rel=0.01)  # |sin'''(1)| h^2 / 6
    # ... then round-off wins: the smallest error sits near h = 1e-5 and very small h is worse.
    assert min(errors, key=errors.get) in (1e-5, 1e-6)
    assert errors[1e-12] > errors[1e-8] > errors[1e-5]


def test_chain_rule(notebook):
    rule, numerical, error = printed(notebook, "worked:chain-rule").splitlines()
    x = 1.5
    by_hand = math.cos(x * x) * 2 * x
    direct = (math.sin((x + 1e-5) ** 2) - math.sin((x - 1e-5) ** 2)) / 2e-5
    assert after(rule, "=")[0] == pytest.approx(by_hand, abs=5e-9)
    assert after(numerical, ":")[0] == pytest.approx(direct, abs=5e-9)
    assert safely_rounded(direct, 8, 1e-10) and safely_rounded(by_hand, 8, 1e-12)
    assert verdict_holds(abs(direct - by_hand) / (abs(direct) + abs(by_hand)), error)


def graph_values(text: str) -> dict:
    """The values a graph's description gives, by label: "z (4) = the sum of x (1.5) and y (2.5)"."""
    return {name: float(value) for name, value in re.findall(r"(\w+) \(([-\d.]+)\)", text)}


def test_graph_forward(notebook):
    values = graph_values(printed(notebook, "worked:graph-forward"))  # the figure's text form
    x, y = 1.5, 2.5
    assert values == pytest.approx({"x": x, "y": y, "z": x + y, "constant": 2, "q": 2 * (x + y)})


def test_graph_backward_edge_by_edge(notebook):
    local, by_hand, automatic = printed(notebook, "worked:graph-backward").splitlines()
    z = 1.5 + 2.5
    # q = 2 * z: dq/d(2) = z and dq/dz = 2; z = x + y: dz/dx = dz/dy = 1.
    np.testing.assert_allclose(numbers(local.split(":", 1)[1]), [2, z, 2, 1, 1])
    dq_dz = 2.0
    dq_dx = dq_dy = dq_dz * 1.0
    np.testing.assert_allclose([float(v) for v in re.findall(r"= ([-\d.]+)", by_hand)], [dq_dz, dq_dx, dq_dy])
    grads = dict(re.findall(r"(\w)\.grad = ([-\d.]+)", automatic))
    assert {k: float(v) for k, v in grads.items()} == {"z": dq_dz, "x": dq_dx, "y": dq_dy}


def test_neuron(notebook):
    output, backward, numerical, error = printed(notebook, "worked:neuron").splitlines()
    w1, w2, b, x1, x2 = -0.5, 0.8, 0.3, 2.0, -1.0
    a = math.tanh(w1 * x1 + w2 * x2 + b)
    slope = 1 - a * a  # tanh' = 1 - tanh^2
    grads = np.array([slope * x1, slope * x2, slope])
    assert after(output, "=")[0] == pytest.approx(a, abs=5e-11)
    np.testing.assert_allclose(after(backward, "="), grads, atol=5e-11)
    np.testing.assert_allclose(after(numerical, "="), grads, atol=5e-9)
    assert all(safely_rounded(g, 8, 1e-10) for g in grads)
    numeric = np.array(centred_differences(lambda p: math.tanh(p[0] * x1 + p[1] * x2 + p[2]), [w1, w2, b], 1e-5))
    assert verdict_holds(float(np.max(np.abs(numeric - grads) / (np.abs(numeric) + np.abs(grads)))), error)


def tiny_network_by_hand():
    """Loss and gradients of the 2-2-1 network, back-propagated on paper; order W1 (rows), b1, W2, b2."""
    W1, b1 = np.array([[0.5, -0.3], [0.8, 0.2]]), np.array([0.1, -0.1])
    W2, b2 = np.array([1.2, -0.7]), 0.05
    x, target = np.array([1.0, -2.0]), 1.0
    h = np.tanh(W1 @ x + b1)
    out = 1 / (1 + math.exp(-(W2 @ h + b2)))
    loss = (out - target) ** 2
    d_out = 2 * (out - target) * out * (1 - out)  # through the square, then the sigmoid
    d_hidden = d_out * W2 * (1 - h**2)  # through W2, then tanh
    grads = np.concatenate([np.outer(d_hidden, x).ravel(), d_hidden, d_out * h, [d_out]])
    return loss, grads


def test_tiny_network(notebook):
    first, *rows, error = printed(notebook, "worked:tiny-network").splitlines()
    loss, grads = tiny_network_by_hand()
    assert after(first, "=")[0] == pytest.approx(loss, abs=5e-11)
    assert len(rows) == 9
    names = ["W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "b1[0]", "b1[1]", "W2[0]", "W2[1]", "b2"]
    for row, name, grad in zip(rows, names, grads):
        label, rest = row.split(":", 1)
        assert label.strip() == name
        backward, numerical = numbers(rest)
        assert backward == pytest.approx(grad, abs=5e-11), name
        assert numerical == pytest.approx(grad, abs=5e-9) and safely_rounded(grad, 8, 1e-10), name
    assert "agree: relative error < 1e-8" in error


def test_counting(notebook):
    header, *rows = printed(notebook, "worked:counting").splitlines()
    assert len(rows) == 3
    for row in rows:
        hidden, P, nodes, passes, work, forward, backward, reverse_work = numbers(row)
        H = int(hidden)
        # Graph size, counted on paper: each hidden unit has 3 parameters, 2 constant inputs, 2 products,
        # 2 sums and a tanh (10 nodes); the output adds H + 1 parameters, H products, H sums, the sigmoid,
        # the target, the subtraction and the square: 13H + 5 nodes. Every node feeds exactly one other
        # (a tree), so there are 13H + 4 edges.
        n_nodes, n_edges = 13 * H + 5, 13 * H + 4
        assert P == 4 * H + 1 and nodes == n_nodes
        assert passes == 2 * P  # a centred difference: two evaluations per parameter
        assert work == passes * n_nodes
        assert (forward, backward) == (1, 1)
        assert reverse_work == n_nodes + n_edges
        assert row.rstrip().endswith("| agree")
    assert [numbers(row)[0] for row in rows] == [2, 8, 32]


# ---------------------------------------------------------------- fan-out, gates, shape rule
def test_fan_out_forward(notebook):
    x, y = 2.0, 5.0
    a = x * y
    values = graph_values(printed(notebook, "worked:fan-out-forward"))
    assert values == pytest.approx({"x": x, "y": y, "a": a, "constant": 3, "b": 3 * a, "f": a + 3 * a})


def test_fan_out_backward_three_ways(notebook):
    lines = printed(notebook, "worked:fan-out-backward").splitlines()
    assert lines[0] == "reverse topological order: ['f', 'b', '3', 'a', 'y', 'x']"
    x, y = 2.0, 5.0
    # f = a + 3a = 4xy on paper: df/da = 1 + 3 (two paths), df/dx = 4y, df/dy = 4x
    right = [1 + 3, 4 * y, 4 * x]
    overwritten = [3, 3 * y, 3 * x]  # "=": the path through b (visited second) replaces the direct one
    early = [4, 1 * y, 1 * x]  # a passes on before b has added its 3: only the direct path reaches x, y
    expected = {
        "+= in reverse topological order": right,
        "=  in place of +=": overwritten,
        "+= but a before b": early,
        "f.backward()": right,
    }
    for line in lines[1:]:
        name, values = line.split(":", 1)
        assert numbers(values) == pytest.approx(expected[name.strip()]), name


def test_gates(notebook):
    lines = printed(notebook, "worked:gates").splitlines()
    x, y, g = 2.0, -1.0, 1.5
    expected = [(g, g), (g * y, g * x), (g if x > y else 0.0, 0.0 if x > y else g)]  # distribute, swap, route
    assert len(lines) == 3
    for line, (gx, gy) in zip(lines, expected):
        assert after(line, "x.grad =")[0] == pytest.approx(gx) and after(line, "y.grad =")[0] == pytest.approx(gy)


def test_shape_rule(notebook):
    lines = printed(notebook, "worked:shape-rule").splitlines()
    rng = np.random.default_rng(4)
    A = rng.normal(size=(3, 4))
    W, bias = rng.normal(size=(2, 4)), rng.normal(size=2)
    delta = rng.normal(size=(3, 2))

    def loss(W, A, bias):
        return float(np.sum((A @ W.T + bias) * delta))

    # The loss is linear in each argument, so a unit step gives each partial derivative exactly.
    def exact_partials(f, P):
        out = np.zeros_like(P)
        for index in np.ndindex(P.shape):
            bumped = P.copy()
            bumped[index] += 1.0
            out[index] = f(bumped) - f(P)
        return out

    dW = exact_partials(lambda P: loss(P, A, bias), W)
    dA = exact_partials(lambda P: loss(W, P, bias), A)
    db = exact_partials(lambda P: loss(W, A, P), bias)
    np.testing.assert_allclose(delta.T @ A, dW, atol=1e-12)
    np.testing.assert_allclose(delta @ W, dA, atol=1e-12)
    np.testing.assert_allclose(delta.sum(axis=0), db, atol=1e-12)
    shapes = [re.search(r"shape (\([\d, ]*\))", line).group(1) for line in lines]
    assert shapes == [str(dW.shape), str(dA.shape), str(db.shape)]
    assert all(line.rstrip().endswith("agree: relative error < 1e-8") for line in lines)
