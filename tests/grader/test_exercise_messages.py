"""Every exercise's self-checks explain the common mistakes, as a learner sees them (issue 22, item 13).

Each case takes an exercise's solution, plants one common slip in an answer (an untransposed weight
matrix, a (n,) array where (n, 1) was meant, a sum where a mean was meant or a missing 1/n, a flipped
sign, a sum over the wrong axis, ...), runs the released exercise's cells in an IPython shell as
JupyterLab would (the setup cell, the answer cells, each visible test cell in order), and reads the
text the failing test cell shows. That text must name the check and the item that differs, show it
(expected and got, or the line that raised and the shapes in it), and give a hint.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from course_lib.exercises import CheckFailure
from course_tools.exercises import read_exercise

ROOT = Path(__file__).resolve().parents[2]


def _student_tests(exercise: str) -> dict[str, str]:
    """The released notebook's test cells (visible tests only), by grade_id."""
    nb = json.loads((ROOT / "exercises" / f"{exercise}.ipynb").read_text(encoding="utf-8"))
    cells = {}
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id and cell["metadata"]["nbgrader"].get("grade"):
            cells[grade_id] = "".join(cell["source"])
    return cells


def learner_sees(exercise: str, test_id: str, replacements: dict[str, str]) -> str:
    """What the learner sees from the test cell ``test_id`` after writing the solution with ``replacements``
    made (each ``old`` must occur in the answers). Earlier test cells run too; their verdicts do not matter."""
    main = sys.modules["__main__"]  # IPython puts its own __main__ there; multiprocessing in later tests needs ours
    try:
        return _run(exercise, test_id, replacements)
    finally:
        sys.modules["__main__"] = main


def _run(exercise: str, test_id: str, replacements: dict[str, str]) -> str:
    source = read_exercise(next((ROOT / "solutions" / "src").glob(f"{exercise}.py")))
    tests = _student_tests(exercise)
    unused = dict(replacements)
    shell = InteractiveShell.instance()
    shell.reset(new_session=False)
    for cell in source.cells:
        if cell.kind in ("setup", "answer"):
            code = cell.solution
            if cell.kind == "answer":
                for old, new in replacements.items():
                    if old in code:
                        code = code.replace(old, new)
                        unused.pop(old, None)
            with capture_output() as captured:
                result = shell.run_cell(code)
            assert result.success, captured.stdout + captured.stderr
        elif cell.kind == "test":
            with capture_output() as captured:
                result = shell.run_cell(tests[cell.grade_id])
            if cell.grade_id == test_id:
                assert not unused, f"not in the answers: {list(unused)}"
                shown = captured.stdout + captured.stderr
                assert isinstance(result.error_in_exec, CheckFailure), shown or repr(result.error_in_exec)
                return shown[shown.index(str(result.error_in_exec).splitlines()[0]) :]
    raise AssertionError(f"{exercise} has no test cell {test_id}")


def assert_explained(message: str, *words: str) -> None:
    """Names the check, shows the item (expected and got, or the line that raised), hints, and says ``words``."""
    lines = message.splitlines()
    assert lines[0].endswith(" is not right yet."), message
    assert "Traceback" not in message and "checks.py" not in message, message
    shows = (
        ("  expected: " in message and "  got:      " in message)
        or "in the line:  " in message
        or "  got:      " in message
    )
    assert shows, message
    assert re.search(r"^  hint:     \S", message, re.M), message
    for word in words:
        assert word in message, f"{word!r} not in\n{message}"


# (exercise, test cell, {old: new} in the answers, words the message must hold)
CASES = [
    # ---- exercise 1: a neuron and a layer
    pytest.param(
        "ex01_neuron_and_layer",
        "neuron_tests",
        {"np.exp(-np.asarray(z, dtype=float))": "np.exp(np.asarray(z, dtype=float))"},
        ["sigmoid([-2, 0, 3]) is not right yet.", "largest difference", "sign inside exp"],
        id="ex01-sigmoid-sign",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "neuron_tests",
        {"z = np.dot(w, x) + b": "z = w * x + b"},
        [
            "neuron(x, w, b) is not right yet.",
            "neuron() raised TypeError",
            "in the line:  return float(sigmoid(z))",
            "(a dot product sums the products)",
        ],
        id="ex01-neuron-no-sum",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "layer_tests",
        {"return X @ W.T + b": "return X @ W + b"},
        [
            "layer_forward(X, W, b) is not right yet.",
            "layer_forward() raised ValueError",
            "in the line:  return X @ W + b",
            "X @ W multiplies (3, 2) by (4, 2)",
            "did you forget to transpose W? W.T is (2, 4), which fits",
            "which product gives that?",
        ],
        id="ex01-untransposed-W",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "layer_tests",
        {"return X @ W.T + b": "return W @ X.T + b"},
        ["W @ X.T + b combines (4, 3) with (4,)", "W @ X.T would fit transposed, as (3, 4)"],
        id="ex01-product-in-the-wrong-order",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "layer_tests",
        {"return X @ W.T + b": "return X @ W.T"},
        [
            "layer_forward(X, W, b) is not right yet.",
            "every row is off by the same amounts, [ 0. , -1. ,  1. , -0.5]",
            "(a bias left out, or added twice?)",
            "plus b[j]",
        ],
        id="ex01-no-bias",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "two_layer_tests",
        {"return A1, Y_hat": "return Y_hat"},
        ["expected 2 values, (A1, Y_hat), got an array of shape (2, 1)", "return A1, Y_hat"],
        id="ex01-one-value-returned",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "two_layer_tests",
        {"Y_hat = sigmoid(layer_forward(A1, W2, b2))": "Y_hat = sigmoid(layer_forward(X, W2, b2))"},
        [
            "layer_forward() (called by two_layer_forward()) raised ValueError",
            "X @ W.T multiplies (2, 2) by (3, 1)",
            "the output layer reads A1",
        ],
        id="ex01-output-reads-X",
    ),
    pytest.param(
        "ex01_neuron_and_layer",
        "predictions_tests",
        {"return float(-np.dot(w, x))": "return -w * x"},
        ["bias_for_half(x, w) is one number is not right yet.", "got:      [", "expected: one float"],
        id="ex01-bias-not-a-number",
    ),
    # ---- exercise 2: losses
    pytest.param(
        "ex02_losses",
        "mse_tests",
        {"np.mean((Y_hat - Y) ** 2)": "np.sum((Y_hat - Y) ** 2)"},
        [
            "mse_loss(Y_hat, Y) is not right yet.",
            "which is 3 times the expected value 0.07",
            "a sum where a mean was meant",
            "a mean, not a sum",
        ],
        id="ex02-sum-instead-of-mean",
    ),
    pytest.param(
        "ex02_losses",
        "mse_tests",
        {"return 2.0 * (Y_hat - Y) / Y.size": "return 2.0 * (Y_hat - Y)"},
        [
            "mse_gradient(Y_hat, Y) is not right yet.",
            "every entry is 3 times the expected value",
            "(numerical)",
            "N is the number of entries",
        ],
        id="ex02-missing-1-over-n",
    ),
    pytest.param(
        "ex02_losses",
        "mse_tests",
        {"return 2.0 * (Y_hat - Y) / Y.size": "return 2.0 * (Y - Y_hat) / Y.size"},
        ["mse_gradient(Y_hat, Y) is not right yet.", "every entry has the wrong sign"],
        id="ex02-flipped-sign",
    ),
    pytest.param(
        "ex02_losses",
        "bce_tests",
        {"np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))": "np.log1p(np.exp(Z))"},
        ["bce_from_logits for scores of ±1000 is not right yet.", "NaN or infinity", "max(z, 0)"],
        id="ex02-unstable-softplus",
    ),
    pytest.param(
        "ex02_losses",
        "softmax_ce_tests",
        {"return e / e.sum(axis=1, keepdims=True)": "return e / e.sum(axis=1)"},
        [
            "softmax(Z) is not right yet.",
            "e / e.sum(axis=1) combines (2, 3) with (2,)",
            "summed over the wrong axis? (or make it a column, (2, 1), with keepdims=True)",
        ],
        id="ex02-softmax-without-keepdims",
    ),
    pytest.param(
        "ex02_losses",
        "softmax_ce_tests",
        {
            "e = np.exp(Z - Z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)": "e = np.exp(Z - Z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)"
        },
        ["softmax(Z) is not right yet.", "largest difference", "divide each row by its own sum"],
        id="ex02-softmax-wrong-axis",
    ),
    pytest.param(
        "ex02_losses",
        "softmax_ce_tests",
        {"return float(np.mean(log_sum - np.sum(Y * Z, axis=1)))": "return float(np.mean(Y * (log_sum[:, None] - Z)))"},
        [
            "cross_entropy_from_logits(Z, Y) is not right yet.",
            "1/3 of the expected value",
            "average over the 2 samples, not over all 6 entries",
        ],
        id="ex02-mean-over-all-entries",
    ),
    pytest.param(
        "ex02_losses",
        "predictions_tests",
        {"return float(np.log(k))": "return np.full(k, np.log(k))"},
        [
            "uniform_guess_loss(10) is one positive number is not right yet.",
            "(shape (10,))",
            "expected: one number above 0",
        ],
        id="ex02-loss-per-class",
    ),
    # ---- exercise 3: gradient descent
    pytest.param(
        "ex03_gradient_descent",
        "gradient_descent_1d_tests",
        {"xs[t] - learning_rate * df(xs[t])": "xs[t] + learning_rate * df(xs[t])"},
        [
            "gradient_descent_1d on (x - 3)^2 from 0 with rate 0.1 is not right yet.",
            "largest difference",
            "step AGAINST the derivative",
        ],
        id="ex03-ascent",
    ),
    pytest.param(
        "ex03_gradient_descent",
        "gradient_descent_1d_tests",
        {"    return xs\n": "    return xs[1:]\n"},
        [
            "gradient_descent_1d(..., n_steps=3) is not right yet.",
            "the shape is (3,), expected (4,)",
            "got:      [0.6  , 1.08 , 1.464]",
            "n_steps + 1 numbers",
        ],
        id="ex03-path-without-start",
    ),
    pytest.param(
        "ex03_gradient_descent",
        "bowl_tests",
        {"    return path\n": "    return path.T\n"},
        ["the shape is (2, 3), expected (3, 2); it looks transposed", "one row per iterate"],
        id="ex03-path-transposed",
    ),
    pytest.param(
        "ex03_gradient_descent",
        "bowl_tests",
        {
            "np.asarray(A, dtype=float) @ np.asarray(p, dtype=float) - np.asarray(b, dtype=float)": "np.asarray(b, dtype=float) - np.asarray(A, dtype=float) @ np.asarray(p, dtype=float)"
        },
        ["bowl_gradient(A, b, [0, 0]) is not right yet.", "every entry has the wrong sign"],
        id="ex03-gradient-sign",
    ),
    pytest.param(
        "ex03_gradient_descent",
        "regime_tests",
        {"if factor > -1:": "if factor >= -1:"},
        [
            "learning_rate_regime(curvature=4, learning_rate=0.5) is not right yet.",
            "expected the text 'oscillates forever', got 'oscillates but converges'",
            "1 - learning_rate * curvature",
        ],
        id="ex03-regime-boundary",
    ),
    # ---- exercise 4: the computational graph
    pytest.param(
        "ex04_computational_graph",
        "by_hand_tests",
        {'"dp/dx": y, "dp/dy": x}': '"dp/dx": x, "dp/dy": y}'},
        [
            "local_derivatives(2, -3, 4, 0.5), item ['dp/dx'] is not right yet.",
            "expected: -3",
            "got:      2",
            "the OTHER factor",
        ],
        id="ex04-product-rule",
    ),
    pytest.param(
        "ex04_computational_graph",
        "backward_tests",
        {"parent.grad += node.grad * local": "parent.grad = node.grad * local"},
        ["a.grad for f = a + a is not right yet.", "expected: 2", "got:      1", "ADDED (+=)"],
        id="ex04-assigned-not-added",
    ),
    pytest.param(
        "ex04_computational_graph",
        "backward_tests",
        {"        node.grad = 0.0\n": "        pass\n"},
        [
            "the same grads after calling backward() a second time is not right yet.",
            "expected: [4, 20, 8]",
            "start every node's grad at 0",
        ],
        id="ex04-grads-not-reset",
    ),
    pytest.param(
        "ex04_computational_graph",
        "backward_tests",
        {"        if node in seen:\n            return\n": ""},
        ["len(topological_order(a + a)) is not right yet.", "expected: 2", "got:      3", "each node once"],
        id="ex04-node-visited-twice",
    ),
    pytest.param(
        "ex04_computational_graph",
        "backward_tests",
        {"for node in reversed(order):": "for node in order:"},
        [
            "p.grad, x.grad, y.grad for p = x y, q = 3 p, f = p + q at x = 2, y = 5 is not right yet.",
            "got:      [1, 0, 0]",
            "p must collect both paths",
        ],
        id="ex04-wrong-direction",
    ),
    pytest.param(
        "ex04_computational_graph",
        "numerical_tests",
        {"partials[i] = (f(*up) - f(*down)) / (2 * h)": "partials[i] = (f(*up) - f(*values)) / h"},
        [
            "numerical_partials(x ** 2 + y, at [1, 0], h=0.1) is not right yet.",
            "(expected 2, got 2.1)",
            "use the centred one",
        ],
        id="ex04-one-sided-difference",
    ),
    # ---- exercise 5: signals
    pytest.param(
        "ex05_signals",
        "output_signals_tests",
        {
            "return (targets - outputs) * outputs * (1.0 - outputs)": "return (outputs - targets) * outputs * (1.0 - outputs)"
        },
        ["output_signals([1, 0], [0.5, 0.5]) is not right yet.", "every entry has the wrong sign"],
        id="ex05-flipped-sign",
    ),
    pytest.param(
        "ex05_signals",
        "hidden_signals_tests",
        {
            "(np.asarray(out_signals, dtype=float) @ np.asarray(W_out, dtype=float))": "(np.asarray(W_out, dtype=float) @ np.asarray(out_signals, dtype=float))"
        },
        ["hidden_signals([0.125, -0.125], W_out, [0.5, 0.5]) is not right yet.", "a column of W_out"],
        id="ex05-untransposed-W-square",
    ),
    pytest.param(
        "ex05_signals",
        "signal_gradients_tests",
        {
            "np.outer(np.asarray(signals, dtype=float), np.asarray(inputs, dtype=float))": "np.outer(np.asarray(inputs, dtype=float), np.asarray(signals, dtype=float))"
        },
        ["signal_gradients(3 signals, 2 inputs) is not right yet.", "it looks transposed"],
        id="ex05-outer-the-wrong-way-round",
    ),
    pytest.param(
        "ex05_signals",
        "steps_tests",
        {
            "W1 - learning_rate * np.outer(delta1, x), b1 - learning_rate * delta1,": "W1 - learning_rate * np.outer(delta1, x), b1 - learning_rate * delta1.sum(),"
        },
        ["delta_step(...) b1_new against numerical gradients is not right yet.", "SUBTRACT rate * delta * input"],
        id="ex05-bias-summed",
    ),
    pytest.param(
        "ex05_signals",
        "steps_tests",
        {
            "    return (W1 - learning_rate * np.outer(delta1, x), b1 - learning_rate * delta1,\n"
            "            W2 - learning_rate * np.outer(delta2, hidden), b2 - learning_rate * delta2)": "    return W1 - learning_rate * np.outer(delta1, x), b1 - learning_rate * delta1"
        },
        [
            "delta_step on the example is not right yet.",
            "expected 4 values, (W1_new, b1_new, W2_new, b2_new), got a tuple of 2 items",
            "got:      a tuple of 2 items: [0] array of shape (2, 2); [1] [ 0.113761, -0.111482]  (shape (2,))",
        ],
        id="ex05-two-arrays",
    ),
    # ---- exercise 6: the full backward pass (the two cases first)
    pytest.param(
        "ex06_mlp_backward",
        "forward_tests",
        {"output_activation if l == last else hidden_activation": "hidden_activation"},
        [
            "activations of the example against course_lib's MLP, item [2] is not right yet.",
            "  expected: [[0.363317, 0.080745],",
            "(shape (5, 2))\n  got:      [[-0.508715, -0.984687],",
            "the last layer uses the output activation",
        ],
        id="ex06-wrong-last-activation",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "forward_tests",
        {"activations[-1] @ W.T + b": "activations[-1] @ W + b"},
        [
            "forward_with_cache on the 3-4-2 example is not right yet.",
            "forward_with_cache() raised ValueError",
            "in the line:  zs.append(activations[-1] @ W + b)",
            "activations[-1] @ W multiplies (5, 3) by (4, 3)",
            "did you forget to transpose W? W.T is (3, 4), which fits",
            "Z^l = A^(l-1) (W^l)^T + b^l",
        ],
        id="ex06-untransposed-W",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "hidden_delta_tests",
        {"(delta_next @ W_next)": "(delta_next @ W_next.T)"},
        [
            "hidden_delta from 2 units above to 3 units is not right yet.",
            "delta_next @ W_next.T multiplies (1, 2) by (3, 2)",
            "did you transpose W_next when you should not have? W_next is (2, 3), which fits",
        ],
        id="ex06-transposed-W-next",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "backward_tests",
        {"delta.T @ activations[l]": "activations[l].T @ delta"},
        [
            "3-4-2 tanh/sigmoid: d loss / d weights[0] is not right yet.",
            "the shape is (3, 4), expected (4, 3); the numbers are right but transposed",
            "(shape (3, 4))",
            "(Delta^l)^T A^(l-1) has the shape of W^l",
        ],
        id="ex06-gradient-transposed",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "backward_tests",
        {"delta.sum(axis=0)": "delta.sum(axis=1)"},
        [
            "3-4-2 tanh/sigmoid: d loss / d biases[0] is not right yet.",
            "the shape is (5,), expected (4,)",
            "a sum, mean or argmax over the wrong axis?",
            "a sum over the samples",
        ],
        id="ex06-bias-wrong-axis",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "backward_tests",
        {"grad_biases[l] = delta.sum(axis=0)": "grad_biases[l] = delta"},
        [
            "d loss / d biases[0] is not right yet.",
            "the shape is (5, 4), expected (4,)",
            "one axis too many: a sum or mean over axis 0 left out?",
        ],
        id="ex06-bias-not-summed",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "backward_tests",
        {"delta.sum(axis=0)": "delta.sum(axis=0, keepdims=True)"},
        [
            "d loss / d biases[0] is not right yet.",
            "the shape is (1, 4), expected (4,)",
            "an extra or missing axis of length 1",
        ],
        id="ex06-bias-a-row",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "output_delta_tests",
        {"return (output - Y) / Y.shape[0]": "return output - Y"},
        ["softmax", "every entry is 5 times the expected value", "a mean over the n = 5 samples"],
        id="ex06-missing-1-over-n",
    ),
    pytest.param(
        "ex06_mlp_backward",
        "backward_tests",
        {"    return grad_weights, grad_biases\n": "    return grad_weights\n"},
        [
            "mlp_backward on the 3-4-2 tanh/sigmoid network returns two lists of 2 arrays is not right yet.",
            "got:      a list of 2 items: [0] array of shape (4, 3); [1] array of shape (2, 4)",
            "expected: two lists of 2 arrays, shaped like weights and biases",
        ],
        id="ex06-one-list-returned",
    ),
    # ---- exercise 6b: find the bugs (each bug left in the learner's copy)
    pytest.param(
        "ex06_find_the_bugs",
        "transposed_tests",
        {"grad_a = delta @ weights[l - 1]  ": "grad_a = delta @ weights[l - 1].T"},
        [
            "backward on a 3-5-2 network of identity units, one sample is not right yet.",
            "in the line:  grad_a = delta @ weights[l - 1].T",
            "delta @ weights[l - 1].T multiplies (1, 2) by (5, 2)",
            "did you transpose weights[l - 1] when you should not have? weights[l - 1] is (2, 5), which fits",
        ],
        id="ex06b-transposed",
    ),
    pytest.param(
        "ex06_find_the_bugs",
        "axis_tests",
        {"delta.sum(axis=0)": "delta.sum(axis=1)"},
        [
            "d loss / d b^1 of a one-layer network is not right yet.",
            "the shape is (1,), expected (3,)",
            "got:      [",
            "one entry per unit of the layer",
        ],
        id="ex06b-axis",
    ),
    pytest.param(
        "ex06_find_the_bugs",
        "one_over_n_tests",
        {"delta = (activations[L] - Y) / len(X)": "delta = activations[L] - Y"},
        [
            "d loss / d W^1 of a one-layer network, 6 samples, lam = 0 is not right yet.",
            "every entry is 6 times the expected value",
            "a mean over the n samples",
        ],
        id="ex06b-one-over-n",
    ),
    pytest.param(
        "ex06_find_the_bugs",
        "fan_out_tests",
        {"grad_weights[l - 1] += delta.T": "grad_weights[l - 1] = delta.T"},
        [
            "d loss / d W^1 of a one-layer network, one sample, lam = 0.3 is not right yet.",
            "(numerical)",
            "both shares of its gradient must add up",
        ],
        id="ex06b-fan-out",
    ),
    pytest.param(
        "ex06_find_the_bugs",
        "sign_tests",
        {"new_weights = [W - rate * g": "new_weights = [W + rate * g"},
        [
            "sgd_step's weights after one step of rate 0.1 is not right yet.",
            "got:      [[1.1, 1.9]]",
            "move against the gradient",
        ],
        id="ex06b-sign",
    ),
    pytest.param(
        "ex06_find_the_bugs",
        "sign_tests",
        {
            'return {"one_over_n": 6, "fan_out": 10, "axis": 11, "transposed": 13, "derivative": 14, "sign": 20}': "return [6, 10, 11, 13, 14, 20]"
        },
        [
            "bug_lines()['sign'] is a line of the locked cell is not right yet.",
            "got:      [6, 10, 11, 13, 14, 20]",
            "expected: a dict with the six keys of BUGS",
        ],
        id="ex06b-lines-as-a-list",
    ),
    pytest.param(
        "ex06_find_the_bugs",
        "checker_gradient_tests",
        {"grad[i] = (f(up) - f(down)) / (2 * h)": "grad[i] = (f(up) - f(x)) / h"},
        [
            "centred_gradient of sum(x^3) at [1, 2] is not right yet.",
            "largest difference",
            "(f(x + h e_i) - f(x - h e_i)) / (2 h)",
        ],
        id="ex06b-one-sided",
    ),
    # ---- exercise 7: gradient flow
    pytest.param(
        "ex07_gradient_flow",
        "measurements_tests",
        {
            "delta = (delta @ np.asarray(weights[l])) * f.derivative(zs[l - 1])": "delta = (delta @ np.asarray(weights[l]).T) * f.derivative(zs[l - 1])"
        },
        [
            "error_norms of a 2-2-1 identity network is not right yet.",
            "error_norms() raised ValueError",
            "delta @ np.asarray(weights[l]).T multiplies (1, 1) by (2, 1)",
            "did you transpose np.asarray(weights[l]) when you should not have?",
            "Delta^l = (Delta^(l+1) W^(l+1))",
        ],
        id="ex07-transposed-W",
    ),
    pytest.param(
        "ex07_gradient_flow",
        "measurements_tests",
        {"    return np.array(norms[::-1])": "    return np.array(norms)"},
        [
            "error_norms of the 2-2-1 identity network with W^2 = [[2, 0]] and delta_out = [[1]] is not right yet.",
            "the entries are right but in reverse order",
        ],
        id="ex07-norms-reversed",
    ),
    pytest.param(
        "ex07_gradient_flow",
        "measurements_tests",
        {"np.all(z <= 0, axis=0)": "np.all(z <= 0, axis=1)"},
        [
            "dead_units of a layer of 4 units is not right yet.",
            "the shape is (2,), expected (4,)",
            "a sum, mean or argmax over the wrong axis?",
            "one entry per unit (column), not per sample",
        ],
        id="ex07-dead-units-wrong-axis",
    ),
    pytest.param(
        "ex07_gradient_flow",
        "measurements_tests",
        {"np.all(z <= 0, axis=0)": "np.all(z < 0, axis=0)"},
        [
            "dead_units when Z^1 = [[-1, 0.5, 0, -2], [-3, -0.1, 0, 4]] is not right yet.",
            "1 of 4 true/false entries differ",
            "a sum of exactly 0 outputs 0 too",
        ],
        id="ex07-dead-units-strict",
    ),
    pytest.param(
        "ex07_gradient_flow",
        "predictions_tests",
        {"return float(sigma * np.sqrt(n) * typical_slope)": "return [sigma * np.sqrt(n) * typical_slope] * 10"},
        [
            "predicted_factor('identity', 64, 0.1) is a positive number is not right yet.",
            "got:      [0.8, 0.8, 0.8",
            "not a list of layers",
        ],
        id="ex07-factor-as-a-list",
    ),
    # ---- exercise 8: initialisation
    pytest.param(
        "ex08_initialization",
        "measurement_tests",
        {"z = a @ np.asarray(W).T + b": "z = a @ np.asarray(W) + b"},
        [
            "second_moments of a 2-1-1 network is not right yet.",
            "second_moments() raised ValueError",
            "a @ np.asarray(W) multiplies (2, 2) by (1, 2)",
            "did you forget to transpose np.asarray(W)? np.asarray(W).T is (2, 1), which fits",
        ],
        id="ex08-untransposed-W",
    ),
    pytest.param(
        "ex08_initialization",
        "measurement_tests",
        {"moments.append(np.mean(z**2))": "moments.append(np.sum(z**2))"},
        [
            "second_moments of a 2-1-1 network with slope 0.5 (Z^1 = [[2], [-2]]) is not right yet.",
            "every entry is 2 times the expected value",
            "mean of the squares",
        ],
        id="ex08-sum-instead-of-mean",
    ),
    pytest.param(
        "ex08_initialization",
        "measurement_tests",
        {"moments.append(np.mean(z**2))": "moments.append(np.mean(z**2, axis=0))"},
        [
            "second_moments of a 2-1-1 network is not right yet.",
            "got:      [[ 4.],",
            "an extra or missing axis of length 1",
            "one entry per layer",
        ],
        id="ex08-mean-over-one-axis",
    ),
    pytest.param(
        "ex08_initialization",
        "symmetry_tests",
        {"    return np.zeros((n_hidden, n_in)), grad_W2": "    return np.zeros((n_in, n_hidden)), grad_W2"},
        [
            "dL/dW^1 from zero_start_gradients('tanh', 2, 4, Y_XOR) is not right yet.",
            "the shape is (2, 4), expected (4, 2); it looks transposed",
            "(n_hidden, n_in), like W^1",
        ],
        id="ex08-gradient-transposed",
    ),
    # ---- exercise 9: training a classifier
    pytest.param(
        "ex09_train_classifier",
        "predict_tests",
        {
            "return np.argmax(a @ weights[-1].T + biases[-1], axis=1)": "return np.argmax(a @ weights[-1].T + biases[-1], axis=0)"
        },
        [
            "predict(hand-made network, 4 points) is not right yet.",
            "the shape is (3,), expected (4,)",
            "argmax over the wrong axis?",
            "argmax along axis 1",
        ],
        id="ex09-argmax-wrong-axis",
    ),
    pytest.param(
        "ex09_train_classifier",
        "predict_tests",
        {
            "a = f(a @ W.T + b)": "a = f(a @ W + b)",
            "return np.argmax(a @ weights[-1].T": "return np.argmax(a @ weights[-1]",
        },
        [
            "predict(hand-made network, 4 points) is not right yet.",
            "predict() raised ValueError",
            "a @ weights[-1] multiplies (4, 2) by (3, 2)",
            "did you forget to transpose weights[-1]? weights[-1].T is (2, 3), which fits",
        ],
        id="ex09-untransposed-W",
    ),
    pytest.param(
        "ex09_train_classifier",
        "minibatches_tests",
        {"order = rng.permutation(n_samples)": "order = np.arange(n_samples)"},
        [
            "minibatches(100, 100, rng) shuffles: no order shared by three generators is not right yet.",
            "got:      [ 0,  1,  2",
            "rng.permutation",
        ],
        id="ex09-not-shuffled",
    ),
    pytest.param(
        "ex09_train_classifier",
        "minibatches_tests",
        {
            "for start in range(0, n_samples, batch_size)]": "for start in range(0, n_samples - batch_size + 1, batch_size)]"
        },
        [
            "the batch sizes of minibatches(10, 4, rng) is not right yet.",
            "expected 3 values, got 2",
            "the last batch keeps the remaining 2",
        ],
        id="ex09-last-batch-dropped",
    ),
    pytest.param(
        "ex09_train_classifier",
        "curves_tests",
        {
            '"report": "test"}[decision]': '"report": "validation"}[decision]',
            "    return int(np.argmin(val_losses)) + 1": "    return 'fifteen'",
        },
        [
            "epoch_to_keep of the example returns an epoch number is not right yet.",
            "got:      'fifteen'  (a string)",
            "expected: an int from 1 to 1000",
        ],
        id="ex09-epoch-not-a-number",
    ),
    pytest.param(
        "ex05_signals",
        "output_signals_tests",
        {
            "return (targets - outputs) * outputs * (1.0 - outputs)": "return (targets.reshape(-1, 1) - outputs) * outputs * (1.0 - outputs)"
        },
        [
            "output_signals([1, 0], [0.5, 0.5]) is not right yet.",
            "the shape is (2, 2), expected (2,)",
            "a (2,) array met a (2, 1) array entry by entry, and numpy spread them out to (2, 2)",
        ],
        id="ex05-a-column-met-a-row",
    ),
    # ---- exercise 10: digits
    pytest.param(
        "ex10_digits",
        "scaling_tests",
        {
            "return X_train.mean(axis=0), X_train.std(axis=0) + 0.1": "return X_train.mean(axis=0, keepdims=True), X_train.std(axis=0) + 0.1"
        },
        [
            "the mean of scaling([[0, 1], [2, 1], [4, 1]]) is not right yet.",
            "the shape is (1, 2), expected (2,)",
            "the numbers are right but arranged in the wrong shape (an extra or missing axis of length 1?)",
        ],
        id="ex10-scaling-keepdims",
    ),
    pytest.param(
        "ex10_digits",
        "scaling_tests",
        {
            "return X_train.mean(axis=0), X_train.std(axis=0) + 0.1": "return X_train.mean(axis=1), X_train.std(axis=1) + 0.1"
        },
        [
            "the mean of scaling([[0, 1], [2, 1], [4, 1]]) is not right yet.",
            "the shape is (3,), expected (2,)",
            "over the wrong axis?",
            "average each COLUMN",
        ],
        id="ex10-scaling-wrong-axis",
    ),
    pytest.param(
        "ex10_digits",
        "gradients_tests",
        {"    delta /= n\n": ""},
        ["the gradient of W^1 is not right yet.", "every entry is 5 times the expected value"],
        id="ex10-missing-1-over-n",
    ),
    pytest.param(
        "ex10_digits",
        "gradients_tests",
        {"delta = (delta @ weights[l - 1]) * (zs[l - 2] > 0)": "delta = (delta @ weights[l - 1].T) * (zs[l - 2] > 0)"},
        [
            "loss_and_gradients of a 3-4-3 network on 5 samples is not right yet.",
            "delta @ weights[l - 1].T multiplies (5, 3) by (4, 3)",
            "did you transpose weights[l - 1] when you should not have? weights[l - 1] is (3, 4), which fits",
        ],
        id="ex10-transposed-W",
    ),
    pytest.param(
        "ex10_digits",
        "gradients_tests",
        {"grad_biases[l - 1] = delta.sum(axis=0)": "grad_biases[l - 1] = delta.sum(axis=1)"},
        ["the gradient of b^1 is not right yet.", "the shape is (5,), expected (4,)", "sums Delta^l over the rows"],
        id="ex10-bias-wrong-axis",
    ),
    pytest.param(
        "ex10_digits",
        "confusion_tests",
        {
            "np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)": "np.add.at(counts, (np.asarray(y_pred), np.asarray(y_true)), 1)"
        },
        [
            "confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3) is not right yet.",
            "the numbers are right but transposed",
            "row = true class",
        ],
        id="ex10-confusion-transposed",
    ),
    pytest.param(
        "ex10_digits",
        "confusion_tests",
        {
            "np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)": "counts[np.asarray(y_true), np.asarray(y_pred)] += 1"
        },
        [
            "confusion_matrix of a class never predicted is not right yet.",
            "(expected 2, got 1)",
            "count every sample once",
        ],
        id="ex10-confusion-repeats-lost",
    ),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # an unstable exp overflows, as the learner's would
@pytest.mark.parametrize("exercise, test_id, replacements, words", CASES)
def test_a_common_mistake_is_named_shown_and_hinted(exercise, test_id, replacements, words):
    assert_explained(learner_sees(exercise, test_id, replacements), *words)


def test_every_exercise_has_its_common_mistakes_tried():
    tried = {case.values[0] for case in CASES}
    assert tried == {path.stem for path in (ROOT / "solutions" / "src").glob("ex*.py")}


# ---------------------------------------------------------------- every check, in every exercise's source

CHECKS = {"check_close", "check_shape", "check_true", "check_gradient", "checked_call", "check_training_steps"}
SOURCES = sorted((ROOT / "solutions" / "src").glob("ex*.py"))


def _test_cells(path: Path):
    """(grade_id, visible code, hidden code) of each test cell, and the names the answer cells define."""
    exercise = read_exercise(path)
    answers = set()
    for cell in exercise.cells:
        if cell.kind == "answer":
            answers |= {node.name for node in ast.parse(cell.solution).body if isinstance(node, ast.FunctionDef)}
    cells = []
    for cell in exercise.cells:
        if cell.kind == "test":
            visible, _, rest = cell.solution.partition("### BEGIN HIDDEN TESTS")
            cells.append((cell.grade_id, visible, rest.partition("### END HIDDEN TESTS")[0]))
    return cells, answers


def _calls(code: str) -> list[ast.Call]:
    tree = ast.parse(code)
    return sorted(
        (node for node in ast.walk(tree) if isinstance(node, ast.Call)), key=lambda node: (node.lineno, node.col_offset)
    )


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_check_has_a_hint(path):
    """A check without a hint says what is wrong but not where to look; hidden checks too (nbgrader shows them)."""
    missing = []
    for grade_id, visible, hidden in _test_cells(path)[0]:
        for where, code in (("visible", visible), ("hidden", hidden)):
            for call in _calls(code):
                if (
                    isinstance(call.func, ast.Name)
                    and call.func.id in CHECKS
                    and not any(keyword.arg == "hint" for keyword in call.keywords)
                    and call.func.id != "check_training_steps"
                ):  # its hints are built in
                    missing.append(f"{grade_id} ({where}): {ast.unparse(call)[:90]}")
    assert not missing, "checks without a hint:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_a_learners_function_is_first_called_through_checked_call(path):
    """An error inside the learner's function (a numpy shape error) is explained, not a bare traceback: in each
    visible test cell the first call of each answer function goes through ``checked_call``."""
    cells, answers = _test_cells(path)
    bare = []
    for grade_id, visible, _ in cells:
        explained = set()
        for call in _calls(visible):
            if (
                isinstance(call.func, ast.Name)
                and call.func.id == "checked_call"
                and len(call.args) > 1
                and isinstance(call.args[1], ast.Name)
            ):
                explained.add(call.args[1].id)
            elif isinstance(call.func, ast.Name) and call.func.id in answers and call.func.id not in explained:
                bare.append(f"{grade_id}: {ast.unparse(call)[:90]}")
    assert not bare, "answer functions called bare before any checked_call:\n" + "\n".join(bare)


# ---------------------------------------------------------------- the grader says it in the same words

GRADER_MISMATCHES = [
    (0.21, 0.07),  # a sum where a mean was meant
    (np.ones((3, 4)), np.ones((4, 3))),  # untransposed
    (np.ones(5), np.ones(4)),  # a sum over the wrong axis
    (np.ones((4, 4)), np.ones(4)),  # (n,) met (n, 1)
    (-np.arange(1.0, 4.0), np.arange(1.0, 4.0)),  # a flipped sign
    ([np.ones((2, 2)), np.ones((2, 2))], [np.ones((2, 2)), 2 * np.ones((2, 2))]),  # item [1] of equal-shaped arrays
    ((np.ones(2), [np.ones(3), np.zeros(2)]), (np.ones(2), [np.ones(3), np.ones(2)])),  # nested: item [1][1]
    ({"W": np.ones(2), "b": np.zeros(2)}, {"W": np.ones(2), "b": np.ones(2)}),  # a dict's key
]


@pytest.mark.parametrize("got, expected", GRADER_MISMATCHES)
def test_the_grader_explains_a_wrong_answer_in_the_notebooks_words(got, expected):
    """The grader judges a returned value in its own process with the same functions: its text is the
    notebook's check_close text for a check of the same name and hint."""
    from course_lib.exercises import check_close
    from course_tools.grader.grade import judge
    from course_tools.grader.kernel import Outcome
    from course_tools.grader.spec import Spec, call
    from course_tools.grader.transport import dumps

    spec = Spec("ex99_example")
    part = spec.part("p", "Part")
    part.check("c", points=1, hint="the hint")(lambda rng: call("f", 1.0))
    check, probe = part.checks[0], call("f", 1.0)
    marker = "@@course-grade-test@@"
    graded = judge(check, probe, Outcome("ok", marker + '{"value": ' + dumps(got) + "}\n"), marker, expected, 10)
    with pytest.raises(CheckFailure) as failure:
        check_close(probe.description, got, expected, hint="the hint")
    assert graded == str(failure.value)


def test_the_grader_adds_the_notebooks_words_to_a_numpy_shape_error():
    from course_lib.exercises.checks import SHAPE_ADVICE
    from course_tools.grader.grade import _explain_error
    from course_tools.grader.spec import call

    payload = {
        "error": "ValueError",
        "function": "layer_forward",
        "where": "in layer_forward, line 6: return X @ W + b",
        "message": "matmul: Input operand 1 has a mismatch in its core dimension 0 (size 4 is different from 2)",
    }
    text = _explain_error(call("layer_forward", np.ones((3, 2))), payload, [])
    assert "(in layer_forward, line 6: return X @ W + b)" in text
    assert text.endswith(". " + SHAPE_ADVICE[0].upper() + SHAPE_ADVICE[1:]) and "missing its transpose?" in text
    plain = {"error": "ZeroDivisionError", "message": "division by zero", "where": "", "function": "f"}
    assert _explain_error(call("f", 1.0), plain, []).endswith("raised ZeroDivisionError: division by zero")


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_graders_check_has_a_hint(path):
    """The grader's checks (hidden ones too) end their feedback with a hint, as the notebook's do."""
    from course_tools.grader import catalog

    assert [check.name for check in catalog.load(path.stem)[1].checks if not check.hint] == []
