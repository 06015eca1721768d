"""Exercise 6 assesses understanding (issue 20, items 3, 6 and 7; issue 22, item 13).

The learner writes their own array gradient checker and the backward pass from
the equations; borrowing the library's checker scores nothing for it; graded
predictions have answers that hold for every network; the opening states
objectives, time and points that add up to the grader's total; no line of an
answer sits in the instructions or the hints; and the self-checks explain the
common mistakes (an untransposed W, the bias summed over the wrong axis, a
missing 1/n) by naming the item that differs and the equation to look at.
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from grader_fixtures import ROOT, answer, with_answers, write
from notebook_outputs import load, printed

from course_lib import MLP, numerical_gradient, relative_errors
from course_lib.exercises import CheckFailure
from course_tools.grader import catalog
from course_tools.grader.grade import Options, grade_file
from course_tools.exercises import read_exercise

EXERCISE = "ex06_mlp_backward"
SOLUTION = ROOT / "solutions" / f"{EXERCISE}.ipynb"
STUDENT = ROOT / "exercises" / f"{EXERCISE}.ipynb"
SOURCE = ROOT / "solutions" / "src" / f"{EXERCISE}.py"


def spec():
    return catalog.load(EXERCISE)[1]


def markdown() -> list[str]:
    return [cell.source for cell in nbformat.read(SOLUTION, as_version=4).cells if cell.cell_type == "markdown"]


# ---------------------------------------------------------------- objectives, time and points


def test_the_opening_states_objectives_time_and_points_that_add_up_to_the_graders_total():
    opening = markdown()[0]
    assert "**You will be able to:**" in opening and re.search(r"\*\*Expected time:\*\* about \d+ minutes", opening)
    table = dict(
        re.findall(r"^# *\| (\d) \| .* \| ([\d.]+) \|$", "\n".join("# " + l for l in opening.splitlines()), re.M)
    )
    exercise = read_exercise(SOLUTION)
    tests = exercise.of_kind("test")
    assert [float(p) for p in table.values()] == [cell.points for cell in tests]
    assert [part.points for part in spec().parts] == [cell.points for cell in tests]
    assert sum(cell.points for cell in tests) == spec().points == 10
    assert "# Exercise 6: the full backward pass (10 points)" in opening
    # each part's heading says its points, as the table does
    headings = [re.search(r"^## Part (\d): .*\(([\d.]+) points?\)", text, re.M) for text in markdown()]
    assert [(h.group(1), float(h.group(2))) for h in headings if h] == [(k, float(v)) for k, v in table.items()]


# ---------------------------------------------------------------- no answer in the instructions


def _solution_lines() -> list[str]:
    """Every line of the answers that computes something (a bare `return zs, activations` is the interface)."""
    lines = []
    for cell in read_exercise(SOLUTION).of_kind("answer"):
        body = cell.solution.split("### BEGIN SOLUTION", 1)[-1] if "### BEGIN SOLUTION" in cell.solution else ""
        for region in cell.solution.split("### BEGIN SOLUTION")[1:]:
            for line in region.split("### END SOLUTION")[0].splitlines():
                code = line.split("#")[0].strip()
                if len(code) >= 12 and not code.startswith(("return", "if ", "for ", "else")):
                    lines.append(code)
                elif code.startswith("return ") and len(code) > 12:
                    lines.append(code[len("return ") :])
        assert body
    return [line for line in lines if re.search(r"[@*/+\-=(\[]", line)]


def test_no_line_of_an_answer_sits_in_the_instructions_or_the_hints():
    prose = "\n".join(markdown())
    hints = "\n".join(filter(None, (check.hint for check in spec().checks)))
    lines = _solution_lines()
    assert len(lines) > 15
    for line in lines:
        assert line not in prose and line not in hints, line
    for piece in ("delta.T @", ".sum(axis=0)", "@ W.T", "(output - Y) /"):
        assert piece not in prose and piece not in hints, piece


def test_part_6_gives_equations_and_shapes_not_a_numbered_recipe():
    part6 = next(text for text in markdown() if text.startswith("## Part 6"))
    assert not re.search(r"^\s*\d+\.\s", part6, re.M), "a numbered list of steps is back"
    for equation in (r"(\Delta^l)^\top A^{l-1}", r"\sum_i \Delta^l[i, :]", r"\bigl(\Delta^{l+1} W^{l+1}\bigr)"):
        assert equation in part6
    assert "(`sizes[l]`, `sizes[l-1]`)" in part6 and "(`sizes[l]`,)" in part6


def test_the_librarys_checkers_and_passes_are_closed():
    closed = set(spec().closed)
    assert {
        "course_lib.gradcheck",
        "course_lib.network.MLP.trace_unchecked",
        "course_lib.network.MLP.backward_unchecked",
        "course_lib.training",
        "course_lib.losses",
        "course_lib.signals",
    } <= closed


# ---------------------------------------------------------------- the predictions hold for every network


def _namespace() -> dict:
    from course_tools.grader import reference

    return dict(reference.namespace(read_exercise(SOURCE)))


@pytest.fixture(scope="module")
def ex06():
    return _namespace()


def test_predicted_shapes_are_the_shapes_backpropagation_produces(ex06):
    rng = np.random.default_rng(61)
    for sizes, n in (([2, 3, 1], 5), ([4, 6, 3], 7), ([3, 1, 5, 2], 1)):
        net = MLP(sizes, "tanh", "sigmoid", "mse", seed=1)
        X, Y = rng.normal(size=(n, sizes[0])), rng.uniform(size=(n, sizes[-1]))
        grads = net.backward(X, Y)
        for l in range(1, len(sizes)):
            assert ex06["gradient_shapes"](sizes, l, n) == (grads.weights[l - 1].shape, grads.deltas[l - 1].shape)
    assert ex06["gradient_shapes"]([2, 3, 1], 1, 5) == ((3, 2), (5, 3))


def test_a_scaled_gradient_has_the_predicted_relative_error_on_every_entry(ex06):
    g = np.random.default_rng(62).normal(size=(3, 4))
    for c in (4.0, -1.0, 0.5, 7.5, -3.0):
        np.testing.assert_allclose(relative_errors(c * g, g), ex06["error_of_scaled_gradient"](c), rtol=1e-12)
    assert ex06["error_of_scaled_gradient"](4.0) == pytest.approx(0.6)
    # a forgotten 1/n of the cross-entropy really is a factor n on every gradient
    rng = np.random.default_rng(63)
    weights, biases = [rng.normal(size=(3, 2)), rng.normal(size=(2, 3))], [rng.normal(size=3), rng.normal(size=2)]
    X, Y = rng.normal(size=(4, 2)), np.eye(2)[[0, 1, 1, 0]]
    right = ex06["mlp_backward"](weights, biases, X, Y, "tanh", "softmax")
    forgetful = dict(ex06)
    exec(answer("backward", SOLUTION), forgetful)  # mlp_backward bound to a forgetful output_delta
    forgetful["output_delta"] = lambda output, Y, z, name: output - Y
    wrong = forgetful["mlp_backward"](weights, biases, X, Y, "tanh", "softmax")
    for got, want in zip(wrong[0] + wrong[1], right[0] + right[1]):
        np.testing.assert_allclose(relative_errors(got, want), 0.6, rtol=1e-9)
    assert [ex06["verdict_for"](e) for e in (3e-5, 2e-9, 0.02)] == ["look closer", "agree", "bug"]


def test_the_own_checker_try_it_agrees_with_a_margin(ex06):
    weights, biases = ex06["WEIGHTS_EXAMPLE"], ex06["BIASES_EXAMPLE"]
    X, Y = ex06["X_EXAMPLE"], ex06["Y_EXAMPLE"]
    net = MLP([3, 4, 2], "tanh", "sigmoid", "mse")
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    grads = net.backward(X, Y)
    for kind in ("weights", "biases"):
        for l, param in enumerate(getattr(net, kind)):
            numeric = numerical_gradient(lambda _: net.loss(X, Y), param)
            assert relative_errors(getattr(grads, kind)[l], numeric).max() < 1e-8  # "agree" is 100x inside 1e-6
    assert printed(load(EXERCISE, folder="solutions"), "worked:own-checker").split() == [
        "W^1:",
        "agree",
        "W^2:",
        "agree",
        "b^1:",
        "agree",
        "b^2:",
        "agree",
    ]


# ---------------------------------------------------------------- the self-checks explain the common mistakes


def _run_part(test_id: str, **replacements: str) -> str:
    """Run the student notebook's setup, the solution's answers (some replaced) and the visible test cell
    ``test_id``; the CheckFailure message it raises."""
    solution = read_exercise(SOLUTION)
    student = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in nbformat.read(STUDENT, as_version=4).cells
        if "nbgrader" in cell.metadata
    }
    namespace: dict = {}
    for cell in solution.cells:
        if cell.kind == "setup":
            exec(cell.solution, namespace)
        elif cell.kind == "answer":
            code = cell.solution
            for old, new in replacements.items():
                if old in code:
                    code = code.replace(old, new)
            exec(code, namespace)
        elif cell.grade_id == test_id:
            with pytest.raises(CheckFailure) as failure:
                exec(student[test_id], namespace)
            return str(failure.value)
        else:  # an earlier part's test cell: it defines helpers (_example_net), its verdict does not matter here
            try:
                exec(student[cell.grade_id], namespace)
            except CheckFailure:
                pass
    raise AssertionError(f"no test cell {test_id}")


def test_an_untransposed_W_in_the_forward_pass_is_explained_not_a_bare_numpy_error():
    message = _run_part("forward_tests", **{"activations[-1] @ W.T + b": "activations[-1] @ W + b"})
    assert message.startswith("forward_with_cache on the 3-4-2 example is not right yet.")
    assert "ValueError: matmul" in message and "is a matrix missing its transpose?" in message
    assert "called with [(4, 3), (2, 4)], [(4,), (2,)], array (5, 3), 'tanh', 'sigmoid'" in message
    assert "hint:     Z^l = A^(l-1) (W^l)^T + b^l" in message


def test_an_untransposed_weight_gradient_is_called_transposed_and_points_at_the_equation():
    message = _run_part("backward_tests", **{"delta.T @ activations[l]": "activations[l].T @ delta"})
    assert "d loss / d weights[0]" in message and "the shape is (3, 4), expected (4, 3)" in message
    assert "the numbers are right but transposed" in message
    assert "(Delta^l)^T A^(l-1) has the shape of W^l" in message


def test_a_bias_gradient_summed_over_the_wrong_axis_is_explained():
    message = _run_part("backward_tests", **{"delta.sum(axis=0)": "delta.sum(axis=1)"})
    assert "d loss / d biases[0]" in message and "the shape is (5,), expected (4,)" in message
    assert "a sum over the samples (the rows of Delta^l), one entry per unit" in message


@pytest.mark.parametrize("test_id", ["output_delta_tests", "backward_tests"])
def test_a_missing_1_over_n_is_named_as_a_constant_factor(test_id):
    message = _run_part(test_id, **{"return (output - Y) / Y.shape[0]": "return output - Y"})
    assert "softmax" in message.splitlines()[0]
    assert "5 times the expected value: a constant factor is missing or extra" in message
    if test_id == "output_delta_tests":
        assert "a mean over the n = 5 samples" in message


def test_a_missing_1_over_nk_of_the_mse_is_named_as_a_constant_factor():
    message = _run_part("output_delta_tests", **{"2.0 / Y.size * (output - Y)": "2.0 * (output - Y)"})
    assert "times the expected value: a constant factor is missing or extra" in message
    assert "n * k = 10" in message or "n k = 2" in message


def test_a_checker_that_nudges_a_copy_is_told_to_nudge_x_itself():
    message = _run_part("checker_tests", **{"grad = np.zeros(x.shape)": "grad = np.zeros(x.shape)\n    x = x.copy()"})
    assert "reads x through a list" in message and "nudge x itself" in message


# ---------------------------------------------------------------- the grader: borrowed work scores nothing

BORROWED_CHECKER = """from course_lib import numerical_gradient, relative_errors as library_relative_errors


def numerical_gradient_of(f, x, h=1e-5):
    return numerical_gradient(f, x, h)


def relative_errors(analytic, numeric):
    return library_relative_errors(analytic, numeric)
"""

HALF_BORROWED_CHECKER = """from course_lib import numerical_gradient


def numerical_gradient_of(f, x, h=1e-5):
    return numerical_gradient(f, x, h)


def relative_errors(analytic, numeric):
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    total = np.abs(a) + np.abs(n)
    return np.abs(a - n) / np.where(total == 0, 1.0, total)
"""


def _grade(nb, tmp_path, name):
    result = grade_file(write(nb, tmp_path / f"{name}.ipynb"), Options(seed=6, timeout=10, memory_mb=1024))
    return result, {grade_id: score for grade_id, _, score, _ in result.parts()}


@pytest.mark.slow
def test_a_checker_borrowed_from_the_library_scores_zero_for_part_1(tmp_path):
    solved = {cell.grade_id: cell.solution for cell in read_exercise(SOLUTION).of_kind("answer")}
    result, scores = _grade(with_answers(STUDENT, **{**solved, "checker": BORROWED_CHECKER}), tmp_path, "borrowed")
    assert scores["checker_tests"] == 0 and result.score == 8
    text = "\n".join(t.output for t in result.tests)
    assert "course_lib.gradcheck.numerical_gradient is not available while ex06_mlp_backward is graded" in text
    # borrowing only numerical_gradient loses exactly its checks
    result, scores = _grade(with_answers(STUDENT, **{**solved, "checker": HALF_BORROWED_CHECKER}), tmp_path, "half")
    assert scores["checker_tests"] == 1 and result.score == 9
    # a transcription: lesson 6's forward and backward code (as the solution's Parts 2-4 and 6), lesson 6's
    # imported checker for Part 1, and no predictions: 6 of 10, where every part used to be transcribable
    transcribed = {k: v for k, v in solved.items() if k != "predictions"}
    result, scores = _grade(with_answers(STUDENT, **{**transcribed, "checker": BORROWED_CHECKER}), tmp_path, "copied")
    assert scores["checker_tests"] == scores["predictions_tests"] == 0 and result.score == 6
