"""Correct work keeps its points, wrong work loses them, and every message says plainly why (issue 13).

Each test grades a crafted submission in the sandbox: the cases where correct
work used to lose points (output without a newline, names that clash with the
grader's helpers, slow answer cells, restarts counted per submission, state
leaking between parts, ``exit()``), verdicts that used to be decided inside the
kernel, and the messages that used to mislead.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grader_fixtures import (
    POINTS,
    ROOT,
    SELF_CONTAINED_TWO_LAYER,
    SIGMOID,
    STUDENT,
    TOTAL,
    answer,
    solved,
    with_answers,
    write,
)

from course_tools.grader import catalog
from course_tools.grader.grade import Options, cell_timeout, grade_file
from course_tools.grader.transport import kernel_helpers, loads

pytestmark = pytest.mark.slow

OPTIONS = dict(seed=5, timeout=5, memory_mb=768)
EX05 = ROOT / "solutions" / "ex05_signals.ipynb"
EX09_STUDENT = ROOT / "exercises" / "ex09_train_classifier.ipynb"


def grade(nb, tmp_path: Path, name: str = "submission", **options):
    return grade_file(write(nb, tmp_path / f"{name}.ipynb"), Options(**{**OPTIONS, **options}))


def scores(result) -> dict:
    return {grade_id: score for grade_id, _, score, _ in result.parts()}


def everything(result) -> str:
    return "\n".join([t.output for t in result.tests] + result.notes)


def assert_blocked_by_the_rule(nb, tmp_path, monkeypatch, exercise: str, part: str, rule: str | None = None):
    """``nb`` scores 0 on ``part`` and is told the borrowed code is unavailable; with the spec's rule switched off
    (its ``learner_writes`` entry ``rule``, or all of them) it scores, so the test would catch the rule going."""
    result = grade(nb, tmp_path)
    assert scores(result)[part] == 0
    assert f"is not available while {exercise} is graded" in everything(result)
    spec = catalog.load(exercise)[1]
    kept = () if rule is None else tuple(name for name in spec.learner_writes if name != rule)
    monkeypatch.setattr(spec, "learner_writes", kept)
    assert scores(grade(nb, tmp_path, "allowed"))[part] > 0


# ---------------------------------------------------------------- correct work keeps its points


def test_output_without_a_trailing_newline_costs_nothing(tmp_path):
    chatty = answer("neuron").replace("    z = np.dot(w, x) + b", "    print('.', end='')\n    z = np.dot(w, x) + b")
    chatty += "\nprint('\\repoch 1', end='')\n"
    assert "print('.', end='')" in chatty
    assert grade(solved(neuron=chatty), tmp_path).score == TOTAL


def test_names_that_clash_with_the_graders_helpers_cost_nothing(tmp_path):
    clash = """import builtins
class _Float(float):
    pass
builtins.float = _Float
type = "tanh"
isinstance = len = json = None

def sigmoid(z):  # a learner's own code that needs none of the names above
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))

def neuron(x, w, b):
    return np.float64(sigmoid(np.dot(w, x) + b))
"""
    assert grade(solved(neuron=clash), tmp_path).score == TOTAL


def test_an_answer_cell_gets_the_time_the_exercise_allows(tmp_path, monkeypatch):
    ex09 = catalog.load("ex09_train_classifier")[1]
    assert cell_timeout(ex09, Options(timeout=10)) == 60  # "training must finish within a minute"
    _, ex01 = catalog.load("ex01_neuron_and_layer")
    slow = answer("neuron") + "\nimport time\ntime.sleep(3)  # a demo call at the end of the cell\n"
    assert scores(grade(solved(neuron=slow), tmp_path, "short", timeout=2))["neuron_tests"] == 0
    monkeypatch.setattr(ex01.checks[0], "timeout", 6.0)  # as if the exercise allowed 6 s
    assert grade(solved(neuron=slow), tmp_path, "allowed", timeout=2).score == TOTAL


def test_restarts_are_counted_per_part(tmp_path):
    loop = "def {name}(*args):\n    while True:\n        pass\n"
    nb = solved(
        neuron=SIGMOID + loop.format(name="neuron"),
        layer=loop.format(name="layer_forward"),
        two_layer=SELF_CONTAINED_TWO_LAYER,
    )
    result = grade(nb, tmp_path, timeout=1, max_restarts=1)
    assert scores(result)["two_layer_tests"] == POINTS["two_layer_tests"]  # the hangs above did not use up its restarts
    assert scores(result)["layer_tests"] == 0 and "hung or crashed the kernel" in everything(result)


def test_example_inputs_are_copies_so_parts_do_not_leak_into_each_other(tmp_path):
    steps = answer("steps", EX05).replace(
        "    hidden = sigmoid(W1 @ x + b1)\n    output = sigmoid(W2 @ hidden + b2)\n    out_sig",
        "    hidden = sigmoid(W1 @ x + b1)\n    output = sigmoid(W2 @ hidden + b2)\n    W1 += 1.0  # in place!\n    out_sig",
        1,
    )
    assert "in place!" in steps
    result = grade(solved_ex05(steps=steps), tmp_path)
    delta = [t for t in result.tests if t.name.startswith("delta_step")]
    assert delta and all(t.passed for t in delta), [t.output for t in delta]
    signal = [t for t in result.tests if t.name.startswith("signal_step")]
    assert not any(t.passed for t in signal)


def test_exit_in_an_answer_cell_is_that_cells_clear_failure(tmp_path):
    for call in ("exit()", "quit()", "get_ipython().ask_exit()"):
        result = grade(solved(two_layer=answer("two_layer") + f"\n{call}\n"), tmp_path)
        assert result.score == TOTAL and not result.notes, call  # the kernel survived: no restart
    result = grade(
        solved(two_layer=answer("two_layer") + "\nexit()\n" + "\ndef two_layer_forward(*a):\n    return 0\n"), tmp_path
    )
    assert scores(result)["two_layer_tests"] == POINTS["two_layer_tests"]  # what came after exit() did not run


def test_numpy_strings_are_strings():
    enc = kernel_helpers()["_enc"]
    for value in (np.str_("relu"), np.array("relu"), np.select([True], ["relu"], default="tanh")):
        assert loads(json.dumps(enc(value))) == "relu"
    assert loads(json.dumps(enc(np.array(["a", "b"])))) == ["a", "b"]


# ---------------------------------------------------------------- verdicts decided in the grader


def solved_ex05(**codes) -> dict:
    return with_answers(EX05, **codes)


def test_the_unchanged_inputs_verdict_cannot_be_flipped_in_the_kernel(tmp_path):
    cheat = (
        answer("steps", EX05)
        + """
_delta_step = delta_step
def delta_step(x, t, W1, b1, W2, b2, learning_rate):
    new = _delta_step(x, t, W1, b1, W2, b2, learning_rate)
    W1 += 1.0  # the caller's array changes
    return new

np.array_equal = lambda *args, **kwargs: True
np.allclose = np.isclose = lambda *args, **kwargs: True
"""
    )
    result = grade(solved_ex05(steps=cheat), tmp_path)
    example = next(t for t in result.tests if t.name.startswith("delta_step on the 2-2-2"))
    assert example.passed  # its values are right
    unchanged = next(t for t in result.tests if t.name.startswith("delta_step on random"))
    assert not unchanged.passed and "after delta_step" in unchanged.output


def test_minibatches_must_follow_the_seed_it_is_given(tmp_path):
    reversed_batches = """def minibatches(n_samples, batch_size, rng):
    order = np.arange(n_samples)[::-1]
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]
"""
    result = grade(with_answers(EX09_STUDENT, minibatches=reversed_batches), tmp_path)
    hidden = next(t for t in result.tests if t.part == "minibatches_tests" and t.hidden)
    # Caught either way: a reversed order is no shuffle, and it is the same for every seed.
    assert not hidden.passed and (
        "different seeds gave the same order" in hidden.output
        or "keep (or reverse) their original order" in hidden.output
    )


# ---------------------------------------------------------------- clear messages


def test_a_stub_in_a_helper_is_named_as_the_helpers(tmp_path):
    nb = with_answers(STUDENT, neuron=answer("neuron"), two_layer=answer("two_layer"))  # layer_forward: stub
    result = grade(nb, tmp_path)
    two_layer = [t.output for t in result.tests if t.part == "two_layer_tests"]
    assert all("inside layer_forward(): the starter stub of layer_forward" in text for text in two_layer)


def test_an_answer_in_an_unmarked_cell_is_explained(tmp_path):
    nb = solved(neuron=SIGMOID + "def neuron(x, w, b):\n    return _weighted(x, w, b)\n")
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "def _weighted(x, w, b):\n    return float(sigmoid(np.dot(w, x) + b))\n",
        }
    )
    result = grade(nb, tmp_path)
    assert "defined in a cell you added, but the grader runs only the marked answer cells" in everything(result)


def test_a_huge_return_value_is_called_too_large(tmp_path):
    huge = answer("layer") + "\n_layer = layer_forward\ndef layer_forward(X, W, b):\n    return np.zeros(3_000_000)\n"
    result = grade(solved(layer=huge), tmp_path)
    assert "too large to send to the grader" in everything(result)


def test_a_wrong_item_of_a_tuple_is_shown_alone(tmp_path):
    off = answer("two_layer").replace("    return A1, Y_hat", "    return A1, Y_hat + 0.5")
    result = grade(solved(two_layer=off), tmp_path)
    text = next(t.output for t in result.tests if t.part == "two_layer_tests" and not t.passed)
    assert ", item [1]" in text  # names the output that is wrong; A1 is not shown as a mismatch


# ---------------------------------------------------------------- the learning goal enforced

EX06 = ROOT / "solutions" / "ex06_mlp_backward.ipynb"

BORROWED_BACKWARD = (
    answer("backward", EX06)
    + """

def mlp_backward(weights, biases, X, Y, hidden_activation, output_activation):
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], hidden_activation, output_activation, "mse")
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    grads = net.backward(X, Y)
    return grads.weights, grads.biases
"""
)


def test_the_library_function_that_would_do_the_work_is_unavailable(tmp_path, monkeypatch):
    disguised = '__name__ = "course_lib.network"  # posing as the library\n' + BORROWED_BACKWARD
    assert scores(grade(with_answers(EX06, backward=disguised), tmp_path, "disguised"))["backward_tests"] == 0
    assert_blocked_by_the_rule(
        with_answers(EX06, backward=BORROWED_BACKWARD), tmp_path, monkeypatch, "ex06_mlp_backward", "backward_tests"
    )


# The red team's route: an MLP made without __init__, one step of train at rate 1; the change is the gradient.
TRAINED_BACKWARD = (
    answer("backward", EX06)
    + """

import course_lib


def mlp_backward(weights, biases, X, Y, hidden_activation, output_activation):
    net = object.__new__(course_lib.MLP)
    twin = course_lib.MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], hidden_activation,
                          output_activation, "mse")
    net.__dict__.update(twin.__dict__)
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    course_lib.train(net, X, Y, epochs=1, learning_rate=1.0, batch_size=None)
    return ([W - W_new for W, W_new in zip(weights, net.weights)],
            [b - b_new for b, b_new in zip(biases, net.biases)])
"""
)


def test_a_training_step_cannot_stand_in_for_the_backward_pass(tmp_path, monkeypatch):
    """(The same submission through the Gradescope zip: test_grader_gradescope.py.)"""
    assert_blocked_by_the_rule(
        with_answers(EX06, backward=TRAINED_BACKWARD), tmp_path, monkeypatch, "ex06_mlp_backward", "backward_tests"
    )


BORROWED_HIDDEN_DELTA = """from course_lib.signals import hidden_layer_signals


def hidden_delta(delta_next, W_next, z, hidden_activation):
    return hidden_layer_signals(delta_next, W_next, z, hidden_activation)   # the recipe's step 5 is this part
"""


def test_the_signal_recipe_is_unavailable_for_the_backward_pass(tmp_path, monkeypatch):
    assert_blocked_by_the_rule(
        with_answers(EX06, hidden_delta=BORROWED_HIDDEN_DELTA),
        tmp_path,
        monkeypatch,
        "ex06_mlp_backward",
        "hidden_delta_tests",
        rule="backward pass",
    )


EX04 = ROOT / "solutions" / "ex04_computational_graph.ipynb"

BORROWED_ORDER = """import course_lib.value as library_value

library_value.Value = Scalar   # the library's type check now lets the exercise's Scalars through


def topological_order(root):
    return library_value.topological_order(root)   # Part 3's depth-first search, borrowed


def backward(root):
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local
"""


def test_the_value_graph_is_unavailable_for_the_scalar_backward_pass(tmp_path, monkeypatch):
    assert_blocked_by_the_rule(
        with_answers(EX04, backward=BORROWED_ORDER),
        tmp_path,
        monkeypatch,
        "ex04_computational_graph",
        "backward_tests",
        rule="scalar graph",
    )


NUMERICAL_DELTA_STEP = (
    answer("steps", EX05)
    + """

def delta_step(x, t, W1, b1, W2, b2, learning_rate):
    def error(W1, b1, W2, b2):
        return 0.5 * np.sum((t - sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2)) ** 2)
    params = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + 1e-6
            up = error(*params)
            p[i] = old - 1e-6
            down = error(*params)
            p[i] = old
            g[i] = (up - down) / 2e-6
        grads.append(g)
    return tuple(p - learning_rate * g for p, g in zip(params, grads))
"""
)


def test_finite_differences_in_place_of_backpropagation_run_out_of_time(tmp_path, monkeypatch):
    result = grade(with_answers(EX05, steps=NUMERICAL_DELTA_STEP), tmp_path, timeout=5)
    example = next(t for t in result.tests if t.name.startswith("delta_step on the 2-2-2"))
    big = next(t for t in result.tests if t.name.startswith("delta_step on random"))
    assert example.passed and not big.passed and "did not finish within 5 s" in big.output
    from course_tools.grader.specs import ex05_signals

    monkeypatch.setattr(ex05_signals, "BIG", (3, 3, 2))  # without the big network it would pass
    result = grade(with_answers(EX05, steps=NUMERICAL_DELTA_STEP), tmp_path, "small", timeout=5)
    assert next(t for t in result.tests if t.name.startswith("delta_step on random")).passed
