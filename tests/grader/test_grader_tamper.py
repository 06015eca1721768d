"""The grader is fair whatever it is given: each submission gets the right score and a clear reason.

All kernel-running submissions are graded once, two at a time, by a module
fixture (a short per-cell time limit keeps the hanging ones quick); each test
then checks one submission's score per part and its explanation.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader_fixtures import (
    POINTS,
    SELF_CONTAINED_TWO_LAYER,
    SIGMOID,
    SOLUTION,
    STUDENT,
    TOTAL,
    answer,
    load,
    points_but,
    sigmoid_alone,
    solved,
    with_answers,
    write,
)

from course_tools.grader.cli import grade_many
from course_tools.grader.grade import Options, grade_file

TIMEOUT = float(os.environ.get("GRADER_TEST_TIMEOUT", "3"))
pytestmark = pytest.mark.slow

LOOP_FOREVER = (
    SIGMOID
    + """
def neuron(x, w, b):
    import time
    while True:  # even swallows KeyboardInterrupt: only killing the kernel stops it
        try:
            time.sleep(0.2)
        except BaseException:
            pass
"""
)

MEMORY_BOMB = (
    SIGMOID
    + """
def neuron(x, w, b):
    hoard = []
    while True:
        hoard.append(np.ones(10**7))
"""
)

EXIT_IN_FUNCTION = (
    SIGMOID
    + """
def neuron(x, w, b):
    import os
    os._exit(1)
"""
)

SYS_EXIT = """def layer_forward(X, W, b):
    import sys
    sys.exit(0)
"""

FORGE_AND_FAKE = '''import builtins, json, re
_real_print = builtins.print


def print(*args, **kwargs):
    """Forge the grader's result lines with the worked example's answer."""
    text = " ".join(str(a) for a in args)
    marker = re.match(r"(@@course-grade-[0-9a-f]+@@)", text)
    if marker:
        return _real_print(marker.group(1) + json.dumps({"value": 0.2890504974}), **kwargs)
    return _real_print(*args, **kwargs)


builtins.print = print
_real_print(json.dumps({"score": 100, "execution_time": 1, "tests": []}))
with open("results.json", "w") as handle:
    handle.write(json.dumps({"score": 100}))


def sigmoid(z):
    raise NotImplementedError()


def neuron(x, w, b):
    return 0.2890504974
'''

TAMPERING = """import numpy
import numpy.testing
import course_lib.exercises.checks as checks

numpy.allclose = numpy.isclose = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = numpy.testing.assert_array_almost_equal = lambda *args, **kwargs: None
checks.check_close = checks.check_shape = lambda *args, **kwargs: None
checks.explain_mismatch = lambda *args, **kwargs: None


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.2890504974


class SneakyArray(numpy.ndarray):
    def __eq__(self, other):
        return numpy.ones(numpy.shape(other), dtype=bool)


def sigmoid(z):
    return numpy.zeros(numpy.shape(z)).view(SneakyArray)


def neuron(x, w, b):
    return AlwaysEqual()
"""


def _broken_cells() -> dict:
    nb = with_answers(STUDENT)
    nb["cells"] = [1, "text", None, {"cell_type": "code", "source": 5}] + nb["cells"]
    return nb


def _deleted() -> dict:
    nb = load(SOLUTION)
    nb["cells"] = [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        not in ("two_layer", "neuron_tests", "layer_tests", "two_layer_tests")
    ]
    return nb


def _reordered() -> dict:
    nb = load(SOLUTION)
    nb["cells"] = nb["cells"][::-1]
    return nb


def _duplicated() -> dict:
    nb = load(SOLUTION)
    index = next(
        i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "neuron"
    )
    stub = dict(nb["cells"][index], source="def neuron(x, w, b):\n    return 0.0\n")
    nb["cells"].insert(index, stub)  # a wrong copy first, the right one last
    return nb


def _tests_changed() -> dict:
    nb = load(STUDENT)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            cell["source"] = "pass  # every test passes now"
            meta["points"] = 100
        elif cell["cell_type"] == "markdown":
            cell["source"] = "Everything here is correct. Full marks."
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {
                "nbgrader": {
                    "grade": True,
                    "solution": False,
                    "locked": True,
                    "grade_id": "bonus",
                    "points": 1000,
                    "schema_version": 3,
                }
            },
            "source": "pass",
            "outputs": [],
            "execution_count": None,
        }
    )
    return nb


def _submissions(folder: Path) -> dict:
    transposed = answer("layer").replace("return X @ W.T + b", "return (X @ W.T + b).T")
    assert transposed != answer("layer")
    return {
        "correct": load(SOLUTION),
        "untouched": load(STUDENT),
        "partly": with_answers(STUDENT, neuron=answer("neuron"), layer=answer("layer")),
        "transposed": solved(layer=transposed),
        "syntax_error": solved(two_layer="def two_layer_forward(X, W1, b1, W2, b2)\n    return X\n"),
        "exception": solved(neuron=SIGMOID + "\ndef neuron(x, w, b):\n    return 1 / 0\n"),
        "deleted": _deleted(),
        "reordered": _reordered(),
        "duplicated": _duplicated(),
        "tests_changed": _tests_changed(),
        "infinite_loop": solved(neuron=LOOP_FOREVER),
        "memory_bomb": solved(neuron=MEMORY_BOMB),
        "exit_in_function": solved(neuron=EXIT_IN_FUNCTION),
        "exit_in_cell": solved(two_layer=answer("two_layer") + "\nimport os\nos._exit(0)\n"),
        "sys_exit": solved(layer=SYS_EXIT, two_layer=SELF_CONTAINED_TWO_LAYER),
        "fake_output": with_answers(STUDENT, neuron=FORGE_AND_FAKE),
        "tampering": with_answers(
            STUDENT,
            neuron=TAMPERING,
            layer="def layer_forward(X, W, b):\n    return 0.0\n",
            two_layer=SELF_CONTAINED_TWO_LAYER,
        ),
        "broken_cells": _broken_cells(),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    paths = {name: write(nb, folder / f"{name}.ipynb") for name, nb in _submissions(folder).items()}
    options = Options(timeout=TIMEOUT, memory_mb=768)
    results, failures = grade_many([str(p) for p in paths.values()], options, jobs=2, progress=False)
    assert failures == []
    by_path = {r.submission: r for r in results}
    found = {name: by_path[str(path)] for name, path in paths.items()}
    found["_folder"] = folder
    return found


def scores(result) -> dict:
    return {grade_id: score for grade_id, _, score, _ in result.parts()}


def explanation(result) -> str:
    return "\n".join([t.output for t in result.tests] + result.notes)


def assert_costs_only(result, explained: str, **kept) -> None:
    """Every part scores in full but those in ``kept`` (each scores the points given), and the feedback says
    ``explained``: one broken part costs nothing else, and the learner is told why."""
    assert scores(result) == points_but(**kept)
    assert explained in explanation(result)


def test_a_correct_submission_scores_full_marks(graded):
    result = graded["correct"]
    assert scores(result) == POINTS and result.score == result.max_score == TOTAL
    assert all(test.output.startswith("Passed") for test in result.tests)


def test_the_untouched_student_version_scores_zero(graded):
    result = graded["untouched"]
    assert result.score == 0 and result.max_score == TOTAL
    assert all("NotImplementedError: the starter stub is still there" in t.output for t in result.tests)


def test_a_partly_correct_submission_scores_exactly_its_right_parts(graded):
    assert scores(graded["partly"]) == points_but(two_layer_tests=0, predictions_tests=0)


def test_a_transposed_layer_is_diagnosed(graded):
    assert_costs_only(graded["transposed"], "transposed (rows and columns swapped)", layer_tests=0, two_layer_tests=0)


def test_a_syntax_error_fails_only_its_part(graded):
    assert_costs_only(graded["syntax_error"], "Your answer cell 'two_layer' raised SyntaxError", two_layer_tests=0)


def test_an_exception_in_one_function_leaves_the_rest_graded(graded):
    assert_costs_only(
        graded["exception"],
        "raised ZeroDivisionError: division by zero (in neuron, line 5: return 1 / 0)",
        neuron_tests=sigmoid_alone(),
    )


def test_deleted_cells_cost_only_what_they_held(graded):
    assert_costs_only(graded["deleted"], "no answer cell 'two_layer'", two_layer_tests=0)


def test_reordered_cells_change_nothing(graded):
    assert graded["reordered"].score == TOTAL


def test_of_duplicated_answer_cells_the_last_counts_and_that_is_said(graded):
    result = graded["duplicated"]
    assert result.score == TOTAL
    assert "Answer cell 'neuron' appears 2 times; the last one was graded." in result.notes


def test_edited_test_and_instruction_cells_are_ignored(graded):
    result = graded["tests_changed"]
    assert result.score == 0 and result.max_score == TOTAL
    assert [part for part, *_ in result.parts()] == list(POINTS)


def test_an_endless_loop_times_out_and_the_other_parts_are_scored(graded):
    result = graded["infinite_loop"]
    assert_costs_only(result, f"did not finish within {TIMEOUT:g} s", neuron_tests=sigmoid_alone())
    assert result.seconds < 60


def test_a_memory_bomb_fails_its_part_only(graded):
    result = graded["memory_bomb"]
    assert scores(result) == points_but(neuron_tests=sigmoid_alone())
    # Contained either way: MemoryError at the address-space limit, or (on a machine slow to hand
    # out pages) the time limit first.
    assert any(words in explanation(result) for words in ("raised MemoryError", "did not finish within"))


def test_a_function_killing_the_kernel_fails_alone(graded):
    result = graded["exit_in_function"]
    assert scores(result) == points_but(neuron_tests=sigmoid_alone())
    assert "stopped the Python kernel" in explanation(result)
    assert any("kernel was restarted" in note for note in result.notes)


def test_a_cell_killing_the_kernel_loses_only_its_own_definitions(graded):
    result = graded["exit_in_cell"]
    assert scores(result) == points_but(two_layer_tests=0)
    assert "Your answer cell 'two_layer' stopped the Python kernel" in explanation(result)


def test_sys_exit_in_a_function_is_an_explained_failure(graded):
    result = graded["sys_exit"]
    assert scores(result) == points_but(layer_tests=0)
    assert "raised SystemExit" in explanation(result) and "Do not call sys.exit()" in explanation(result)


def test_printed_fake_grades_forged_results_and_a_results_file_count_for_nothing(graded):
    result = graded["fake_output"]
    assert result.score == 0
    # The forged line passes the fixed worked example, but every check also has fresh inputs.
    neuron_check = next(t for t in result.tests if t.name.startswith("neuron on the worked example"))
    assert "largest difference" in neuron_check.output or "not right yet" in neuron_check.output


def test_tampering_with_numpy_the_checks_or_eq_gains_nothing(graded):
    result = graded["tampering"]
    assert scores(result) == {**{part: 0 for part in POINTS}, "two_layer_tests": POINTS["two_layer_tests"]}
    text = explanation(result)
    assert "returned an object of type AlwaysEqual" in text
    assert "sigmoid(array (3,)) is not right yet." in text


def test_cells_of_the_wrong_type_are_skipped(graded):
    result = graded["broken_cells"]
    assert result.score == 0 and result.max_score == TOTAL


def test_hidden_checks_are_marked_and_every_test_has_an_explanation(graded):
    result = graded["partly"]
    assert {t.hidden for t in result.tests} == {True, False}
    assert all(t.output for t in result.tests)


def test_a_slow_submission_cannot_exceed_the_time_budget(tmp_path):
    slow = (
        SIGMOID
        + "\ndef neuron(x, w, b):\n    import time\n    time.sleep(1.5)\n    return float(sigmoid(np.dot(w, x) + b))\n"
    )
    path = write(solved(neuron=slow), tmp_path / "slow.ipynb")
    result = grade_file(path, Options(timeout=TIMEOUT, budget=2.0, memory_mb=768))
    assert "used up the total time budget of 2 s" in explanation(result)
    assert 0 < result.score < TOTAL and result.seconds < 2.0 + 1.5 + 15  # + kernel start and shutdown
