"""Exercises 1 to 5 each end with a graded concept item (a prediction); its common wrong answer scores 0 and is told why.

- The reference answer of each item is recomputed here by an independent route (a count written out, a run
  of descent, a sigmoid evaluated, a loss computed from probabilities).
- Each item's feedback names the slips it claims to recognise.
- Graded by course-grade: the solution with only the concept cell replaced by its common wrong answer keeps
  every other part and scores 0 on the concept part, with that slip's feedback in the output.
- Each exercise states its objectives and an expected time that rises with the exercise number.
"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from course_tools.grader import reference
from course_tools.exercises import read_exercise
from course_tools.grader.source import ROOT
from course_tools.grader.specs import ex01_neuron_and_layer as ex01
from course_tools.grader.specs import ex02_losses as ex02
from course_tools.grader.specs import ex03_gradient_descent as ex03
from course_tools.grader.specs import ex04_computational_graph as ex04
from course_tools.grader.specs import ex05_signals as ex05
from course_tools.lesson_text import exercise_facts

EXERCISES = [
    "ex01_neuron_and_layer",
    "ex02_losses",
    "ex03_gradient_descent",
    "ex04_computational_graph",
    "ex05_signals",
]


@pytest.fixture(scope="module")
def ns():
    return {e: dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / f"{e}.py"))) for e in EXERCISES}


def _call(*args):
    return SimpleNamespace(inputs={f"_arg{i}": value for i, value in enumerate(args)})


# ----------------------------------------------------------------- the reference answers, by other routes
def test_ex01_parameter_count_and_centring_bias(ns):
    count, bias = ns["ex01_neuron_and_layer"]["parameter_count"], ns["ex01_neuron_and_layer"]["bias_for_half"]
    for sizes in ([784, 128, 10], [2, 3, 1], [5, 4, 4, 2], [1, 1]):
        shapes = [(m, k) for k, m in zip(sizes[:-1], sizes[1:])]
        listed = [np.zeros(shape) for shape in shapes] + [np.zeros(m) for m, _ in shapes]
        assert count(sizes) == sum(array.size for array in listed)
    assert count([784, 128, 10]) == 101770
    rng = np.random.default_rng(1)
    for n in (1, 3, 8):
        x, w = rng.normal(size=(2, n))
        assert abs(1 / (1 + math.exp(-(sum(w * x) + bias(x, w)))) - 0.5) < 1e-12


def test_ex02_uniform_guess_and_scaled_probability(ns):
    guess, scaled = ns["ex02_losses"]["uniform_guess_loss"], ns["ex02_losses"]["loss_after_scaling"]
    for k in (2, 10, 1000):
        p = np.full(k, 1.0 / k)  # equal scores: softmax gives every class 1/k
        assert abs(guess(k) - (-math.log(p[0]))) < 1e-12
    for loss, factor in ((1.2, 0.5), (2.5, 4.0), (0.1, 1.05)):
        p = math.exp(-loss)
        assert abs(scaled(loss, factor) - (-math.log(factor * p))) < 1e-12


def test_ex03_steps_match_runs(ns):
    steps = ns["ex03_gradient_descent"]["steps_to_shrink"]
    rng = np.random.default_rng(3)
    for low, high in ((0.05, 0.95), (1.05, 1.95)):
        for _ in range(20):
            curvature, rate, ratio = ex03._steps_case(rng, low, high)
            x, minimum, t = 2.0, 0.5, 0
            while abs(x - minimum) > ratio * 1.5:  # starting distance 1.5
                x, t = x - rate * curvature * (x - minimum), t + 1
            assert steps(curvature, rate, ratio) == t


def test_ex04_loss_evaluations_are_counted(ns):
    evaluations = ns["ex04_computational_graph"]["loss_evaluations"]
    calls = []

    def f(*v):
        calls.append(v)
        return sum(x * x for x in v)

    for n in (1, 4, 9):
        point, h = [0.3] * n, 1e-5
        calls.clear()
        [
            (f(*point[:i], point[i] + h, *point[i + 1 :]) - f(*point[:i], point[i] - h, *point[i + 1 :]))
            for i in range(n)
        ]
        assert evaluations(n, "centred") == len(calls)
        calls.clear()
        base = f(*point)
        [f(*point[:i], point[i] + h, *point[i + 1 :]) - base for i in range(n)]
        assert evaluations(n, "one-sided") == len(calls)
        assert evaluations(n, "reverse") == 1


def test_ex05_moves_and_order(ns):
    moves, before = ns["ex05_signals"]["weight_moves"], ns["ex05_signals"]["must_come_before"]
    rng = np.random.default_rng(5)
    for _ in range(30):
        t, y = rng.uniform(0.02, 0.98, size=2)
        value = rng.choice([-1, 1]) * rng.uniform(0.1, 3)
        w = 0.7 + 0.5 * (t - y) * y * (1 - y) * value  # one recipe step with rate 0.5
        assert moves(t, y, value) == ("up" if w > 0.7 else "down")
    assert moves(0.9, 0.3, 0.0) == "stays"
    # The steps' inputs, read off lesson 5's formulas: 5 uses t, y; 7 uses 5's signals and W2; 4 uses 5 and h;
    # 6 uses 7 and x; 2 changes W2, so it must wait for everything that reads it (7) and for the gradients.
    uses = {5: set(), 7: {5}, 4: {5}, 6: {7}, 2: {4, 6, 7}}

    def reaches(a, b):
        return a in uses[b] or any(reaches(a, c) for c in uses[b])

    for a in uses:
        for b in uses:
            if a != b:
                assert before(a, b) == reaches(a, b), (a, b)


# ----------------------------------------------------------------- feedback names each slip
def test_ex01_feedback():
    sizes = [784, 128, 10]
    right = 101770
    assert ex01._count_feedback(right, right, _call(sizes)) is None
    assert "weights only" in ex01._count_feedback(784 * 128 + 128 * 10, right, _call(sizes))
    assert "no bias" in ex01._count_feedback(right + 784, right, _call(sizes))
    assert "one per input" in ex01._count_feedback(784 * 128 + 128 * 10 + 784 + 128, right, _call(sizes))
    assert "do not multiply" in ex01._count_feedback(784 * 128 * 10, right, _call(sizes))
    x, w = np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0])
    assert ex01._bias_feedback(1.0, 1.0, _call(x, w)) is None
    assert "sign" in ex01._bias_feedback(-1.0, 1.0, _call(x, w))
    assert "output you want" in ex01._bias_feedback(0.5, 1.0, _call(x, w))
    assert "zero bias" in ex01._bias_feedback(0.0, 1.0, _call(x, w))


def test_ex02_feedback():
    assert ex02._guess_feedback(math.log(10), math.log(10), _call(10)) is None
    assert "base 2" in ex02._guess_feedback(math.log2(10), math.log(10), _call(10))
    assert "probability each class gets" in ex02._guess_feedback(0.1, math.log(10), _call(10))
    assert "no sum over k" in ex02._guess_feedback(10 * math.log(10), math.log(10), _call(10))
    assert "not a right answer" in ex02._guess_feedback(0.0, math.log(10), _call(10))
    right = 1.2 + math.log(2)
    assert ex02._scaling_feedback(right, right, _call(1.2, 0.5)) is None
    assert "sign" in ex02._scaling_feedback(1.2 - math.log(2), right, _call(1.2, 0.5))
    assert "not a factor on it" in ex02._scaling_feedback(0.6, right, _call(1.2, 0.5))
    assert "old loss is still there" in ex02._scaling_feedback(math.log(2), right, _call(1.2, 0.5))


def test_ex03_feedback():
    assert ex03._steps_feedback(14, 14, _call(4.0, 0.1, 0.001)) is None
    assert "one step short" in ex03._steps_feedback(13, 14, _call(4.0, 0.1, 0.001))
    assert "one step too many" in ex03._steps_feedback(15, 14, _call(4.0, 0.1, 0.001))
    assert "not rate x curvature" in ex03._steps_feedback(
        math.ceil(math.log(0.001) / math.log(0.4)), 14, _call(4.0, 0.1, 0.001)
    )
    assert "is whole" in ex03._steps_feedback(13.5, 14, _call(4.0, 0.1, 0.001))
    # Oscillating descent without the absolute value: the log of a negative factor is NaN.
    assert "negative" in ex03._steps_feedback(float("nan"), 31, _call(4.0, 0.45, 0.001))


def test_ex04_feedback():
    assert ex04._cost_feedback(2000, 2000, _call(1000, "centred")) is None
    assert "twice per parameter" in ex04._cost_feedback(1000, 2000, _call(1000, "centred"))
    assert "f(v) itself is needed" in ex04._cost_feedback(1000, 1001, _call(1000, "one-sided"))
    assert "does not nudge" in ex04._cost_feedback(1000, 1, _call(1000, "reverse"))
    assert "not an evaluation of the loss" in ex04._cost_feedback(2, 1, _call(1000, "reverse"))


def test_ex05_feedback():
    assert ex05._moves_feedback("up", "up", _call(1.0, 0.5, 2.0)) is None
    assert "sign" in ex05._moves_feedback("down", "up", _call(1.0, 0.5, 2.0))
    assert "input's sign" in ex05._moves_feedback("up", "down", _call(0.9, 0.3, -2.0))
    assert "input is 0" in ex05._moves_feedback("up", "stays", _call(0.9, 0.3, 0.0))
    assert "one of" in ex05._moves_feedback("left", "up", _call(1.0, 0.5, 2.0))
    assert ex05._order_feedback(True, True, _call(5, 7)) is None
    assert "OLD weights" in ex05._order_feedback(True, False, _call(2, 7))
    assert "OLD weights" in ex05._order_feedback(False, True, _call(7, 2))
    assert "not the order of the work" in ex05._order_feedback(True, False, _call(4, 7))
    assert "True or False" in ex05._order_feedback("yes", True, _call(5, 7))


# ----------------------------------------------------------------- the common wrong answers, graded
WRONG = {
    "ex01_neuron_and_layer": (
        "predictions",
        """def parameter_count(sizes):
    return sum(n_out * n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def bias_for_half(x, w):
    return float(np.dot(w, x))
""",
        ["weights only", "sign"],
    ),
    "ex02_losses": (
        "predictions",
        """def uniform_guess_loss(k):
    return 1.0 / k


def loss_after_scaling(loss, factor):
    return loss + np.log(factor)
""",
        ["probability each class gets", "sign"],
    ),
    "ex03_gradient_descent": (
        "steps",
        """def steps_to_shrink(curvature, learning_rate, ratio):
    return int(np.log(ratio) / np.log(abs(1 - learning_rate * curvature)))
""",
        ["one step short", "one step short"],
    ),
    "ex04_computational_graph": (
        "cost",
        """def loss_evaluations(n_parameters, method):
    return n_parameters
""",
        ["twice per parameter", "does not nudge"],
    ),
    "ex05_signals": (
        "predictions",
        """def weight_moves(target, output, input_value):
    change = (output - target) * input_value
    return "up" if change > 0 else "down" if change < 0 else "stays"


def must_come_before(a, b):
    return a < b
""",
        ["sign", "OLD weights"],
    ),
}


def _with_wrong_concept(tmp_path, exercise):
    grade_id, source, _ = WRONG[exercise]
    nb = json.loads((ROOT / "solutions" / f"{exercise}.ipynb").read_text())
    cells = [cell for cell in nb["cells"] if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(cells) == 1
    cells[0]["source"] = source
    path = tmp_path / f"{exercise}.ipynb"
    path.write_text(json.dumps(nb))
    return str(path)


@pytest.mark.slow
def test_the_common_wrong_answer_scores_zero_with_its_feedback(tmp_path):
    from course_tools.grader.cli import grade_many
    from course_tools.grader.grade import Options

    paths = {exercise: _with_wrong_concept(tmp_path, exercise) for exercise in EXERCISES}
    results, failures = grade_many(list(paths.values()), Options(), jobs=2, progress=False)
    assert failures == []
    for exercise, path in paths.items():
        result = next(r for r in results if r.submission == path)
        concept = f"{WRONG[exercise][0]}_tests"
        tests = [t for t in result.tests if t.part == concept]
        others = [t for t in result.tests if t.part != concept]
        assert len(tests) == 2 and all(t.score == 0 for t in tests), (exercise, [(t.name, t.output) for t in tests])
        for test, feedback in zip(tests, WRONG[exercise][2]):
            assert feedback in test.output, (exercise, test.name, test.output)
        assert all(t.score == t.max_score for t in others), (
            exercise,
            [t.name for t in others if t.score < t.max_score],
        )
        assert result.score == result.max_score - 2 == 8


# ----------------------------------------------------------------- objectives, time and points
def test_each_exercise_states_objectives_rising_times_and_ten_points():
    facts = {f.id: f for f in exercise_facts()}
    times = [facts[e].minutes for e in EXERCISES]
    assert None not in times and times == sorted(times) and len(set(times)) == len(times), times
    assert all(facts[e].points == 10 for e in EXERCISES)
    for exercise in EXERCISES:
        text = (ROOT / "solutions" / "src" / f"{exercise}.py").read_text(encoding="utf-8")
        opening = text.split("# %%", 2)[1]
        assert "**Objectives.**" in opening and "**Expected time:** about" in opening
