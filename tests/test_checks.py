"""The learner's self-checks: failures are AssertionErrors whose message explains and hints."""
import numpy as np
import pytest

from course_lib.exercises import (CheckFailure, check_close, check_gradient, check_shape, check_true,
                               explain_mismatch)


def failure(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        function(*args, **kwargs)
    assert isinstance(info.value, AssertionError)  # nbgrader and pytest count it as a failed test
    return str(info.value)


def test_passing_checks_print_what_passed(capsys):
    check_close("neuron(x, w, b)", np.float64(0.5), 0.5)
    check_shape("Z", np.zeros((3, 4)), (3, None))
    check_true("rows sum to 1", True, "they do not")
    check_gradient("d/dx sum(x^2)", lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0]), np.array([2.0, -4.0]))
    assert capsys.readouterr().out.splitlines() == [
        "passed: neuron(x, w, b)",
        "passed: Z has shape (3, 4)",
        "passed: rows sum to 1",
        "passed: d/dx sum(x^2) matches the numerical gradient",
    ]


def test_quiet_checks_print_nothing(capsys):
    check_close("x", 1.0, 1.0, quiet=True)
    assert capsys.readouterr().out == ""


def test_a_failure_names_the_check_and_shows_expected_got_and_hint():
    message = failure(check_close, "layer_forward(X, W, b)", np.array([1.0, 2.0]), np.array([1.0, 2.5]),
                      hint="add b to every row")
    lines = message.splitlines()
    assert lines[0] == "layer_forward(X, W, b) is not right yet."
    assert lines[1] == "  problem:  largest difference 0.5 at index (1,) (expected 2.5, got 2); 1 of 2 entries differ"
    assert lines[2].startswith("  expected: [1. , 2.5]")
    assert lines[3].startswith("  got:      [1., 2.]")
    assert lines[4] == "  hint:     add b to every row"


@pytest.mark.parametrize("got, expected, words", [
    (np.ones((2, 3)), np.ones((3, 2)), "transposed"),
    (np.arange(6.0).reshape(3, 1, 2), np.arange(6.0).reshape(3, 2), "arranged in the wrong shape"),
    (np.array([0.5]), 0.5, "arranged in the wrong shape"),
    (-np.array([1.0, 2.0]), np.array([1.0, 2.0]), "sign is flipped"),
    (np.array([2.0, 4.0]) / 3, np.array([2.0, 4.0]), "0.333333 times the expected value"),
    (np.array([1.0, np.inf]), np.array([1.0, 2.0]), "NaN or infinity (first at index (1,))"),
    (np.array([np.nan, 1.0]), np.array([1.0, 2.0]), "NaN or infinity (first at index (0,))"),
    (None, 1.0, "is a `return` missing"),
    (np.ones(4), 3.0, "an array came back where a single number was expected"),
    (2.0, np.ones(3), "a single number came back where an array was expected"),
    ("0.5", 0.5, "expected a number, got a string"),
    ((1.0, 2.0, 3.0), (np.ones(2), np.ones(2)), "expected 2 values, got 3"),
    ((np.ones(2), np.zeros(2)), (np.ones(2), np.ones(2)), "item 1: "),
    ({"w": 1.0}, {"b": 1.0}, "the keys are ['w'], expected ['b']"),
    (np.array([True, False]), np.array([True, True]), "1 of 2 true/false entries differ"),
])
def test_mismatches_are_diagnosed(got, expected, words):
    assert words in explain_mismatch(got, expected)


@pytest.mark.parametrize("got, expected", [
    (0.5, np.float64(0.5)),
    (np.array(0.5), 0.5),
    ([1.0, 2.0], np.array([1.0, 2.0])),
    ((np.ones(2), 3), (np.ones(2), 3.0)),
    ([np.ones(2), np.zeros(1)], (np.ones(2), np.zeros(1))),
    (1.0 + 1e-9, 1.0),
    ({"a": np.ones(2)}, {"a": np.ones(2)}),
    (None, None),
    ("relu", "relu"),
])
def test_matches_are_accepted(got, expected):
    assert explain_mismatch(got, expected) is None


def test_tolerances_are_respected():
    assert explain_mismatch(1.001, 1.0, rtol=1e-2) is None
    assert explain_mismatch(1.001, 1.0, rtol=1e-6) is not None


def test_overflowing_values_raise_no_warning():
    with np.errstate(all="raise"):
        assert "largest difference" in explain_mismatch(np.array([1e308, 1.0]), np.array([-1e308, 1.0]))


def test_check_shape_reports_transposed_and_non_arrays():
    assert "it looks transposed" in failure(check_shape, "Z", np.zeros((4, 3)), (3, 4))
    assert "expected an array of shape (3, any), got None" in failure(check_shape, "Z", None, (3, None))


def test_check_true_explains():
    message = failure(check_true, "rows sum to 1", False, "row 0 sums to 1.2", hint="divide by the row sum")
    assert "row 0 sums to 1.2" in message and "divide by the row sum" in message
    with pytest.raises(TypeError):
        check_true("x", np.array([True, True]), "arrays are ambiguous")


def test_check_gradient_finds_a_missing_factor_and_a_wrong_shape():
    x = np.array([[1.0, -2.0, 0.5]])
    f = lambda v: float(np.mean(v ** 2))  # gradient 2 v / 3
    message = failure(check_gradient, "mse gradient", f, x, 2 * x, hint="divide by N")
    assert "relative error" in message and "3 times the expected value" in message and "(numerical)" in message
    assert "transposed" in failure(check_gradient, "mse gradient", f, x, (2 * x / 3).T)


def test_single_number_mismatches_are_explained_not_crashed():
    # Regression: a plain-number result once met item assignment on a numpy scalar.
    from course_lib.exercises import explain_mismatch

    assert "expected 0, got 0.1" in explain_mismatch(0.1, 0.0)
    message = explain_mismatch(1.00001, 1.0)
    assert "largest difference" in message and "times the expected value" not in message


def test_a_failure_inside_a_list_names_and_shows_the_item_that_differs():
    # issue 22, item 13: "item 2: largest difference 1.09" used to print every item, item 0 first
    got = [np.ones(2), np.ones((2, 3)), np.zeros(2)]
    expected = [np.ones(2), np.ones((2, 3)), np.array([1.09, 0.0])]
    lines = failure(check_close, "zs of the example", got, expected, hint="look at layer 3").splitlines()
    assert lines[0] == "zs of the example, item [2] is not right yet."
    assert lines[1].startswith("  problem:  largest difference 1.09 at index (0,) (expected 1.09, got 0)")
    assert lines[2] == "  expected: [1.09, 0.  ]  (shape (2,))"
    assert lines[3] == "  got:      [0., 0.]  (shape (2,))"
    nested = failure(check_close, "grads", ([np.ones(2)], [np.ones(3), np.ones(2)]),
                     ([np.ones(2)], [np.zeros(3), np.ones(2)]))
    assert nested.startswith("grads, item [1][0] is not right yet.")


def test_checked_call_turns_an_error_into_an_explained_failure():
    from course_lib.exercises.checks import checked_call

    def forward(W, X):
        return X @ W  # W not transposed

    message = failure(checked_call, "forward(W, X)", forward, np.ones((4, 3)), np.ones((5, 3)), hint="Z = X W^T")
    assert message.startswith("forward(W, X) is not right yet.")
    assert "it raised ValueError: matmul" in message and "called with array (4, 3), array (5, 3)" in message
    assert "is a matrix missing its transpose?" in message and "hint:     Z = X W^T" in message
    assert checked_call("f", lambda x: 2 * x, 3) == 6
    with pytest.raises(NotImplementedError):  # a stub's own message is clearer than any explanation
        checked_call("f", lambda: (_ for _ in ()).throw(NotImplementedError("Part 1: f() is still to write")))


def test_a_dict_may_hold_more_keys_than_asked_for_but_not_fewer():
    from course_lib.exercises.checks import explain_mismatch

    assert explain_mismatch({"x": 1.0, "mine": 2.0}, {"x": 1.0}) is None
    problem = explain_mismatch({"mine": 2.0}, {"x": 1.0, "y": 3.0})
    assert "'x', 'y' are missing" in problem
