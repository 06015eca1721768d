"""The learner's self-checks: failures are AssertionErrors whose message explains and hints."""

import numpy as np
import pytest

from course_lib.exercises import CheckFailure, check_close, check_gradient, check_shape, check_true, explain_mismatch


def failure(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        function(*args, **kwargs)
    assert isinstance(info.value, AssertionError)  # nbgrader and pytest count it as a failed test
    return str(info.value)


def test_passing_checks_print_what_passed(capsys):
    check_close("neuron(x, w, b)", np.float64(0.5), 0.5)
    check_shape("Z", np.zeros((3, 4)), (3, None))
    check_true("rows sum to 1", True, "they do not")
    check_gradient("d/dx sum(x^2)", lambda v: float(np.sum(v**2)), np.array([1.0, -2.0]), np.array([2.0, -4.0]))
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
    message = failure(
        check_close, "layer_forward(X, W, b)", np.array([1.0, 2.0]), np.array([1.0, 2.5]), hint="add b to every row"
    )
    lines = message.splitlines()
    assert lines[0] == "layer_forward(X, W, b) is not right yet."
    assert lines[1] == "  problem:  largest difference 0.5 at index (1,) (expected 2.5, got 2); 1 of 2 entries differ"
    assert lines[2].startswith("  expected: [1. , 2.5]")
    assert lines[3].startswith("  got:      [1., 2.]")
    assert lines[4] == "  hint:     add b to every row"


@pytest.mark.parametrize(
    "got, expected, words",
    [
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
    ],
)
def test_mismatches_are_diagnosed(got, expected, words):
    assert words in explain_mismatch(got, expected)


@pytest.mark.parametrize(
    "got, expected",
    [
        (0.5, np.float64(0.5)),
        (np.array(0.5), 0.5),
        ([1.0, 2.0], np.array([1.0, 2.0])),
        ((np.ones(2), 3), (np.ones(2), 3.0)),
        ([np.ones(2), np.zeros(1)], (np.ones(2), np.zeros(1))),
        (1.0 + 1e-9, 1.0),
        ({"a": np.ones(2)}, {"a": np.ones(2)}),
        (None, None),
        ("relu", "relu"),
    ],
)
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

    def f(v):  # gradient 2 v / 3
        return float(np.mean(v**2))

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
    nested = failure(
        check_close, "grads", ([np.ones(2)], [np.ones(3), np.ones(2)]), ([np.ones(2)], [np.zeros(3), np.ones(2)])
    )
    assert nested.startswith("grads, item [1][0] is not right yet.")


def test_checked_call_turns_an_error_into_an_explained_failure():
    from course_lib.exercises.checks import checked_call

    def forward(W, X):
        return X @ W  # W not transposed

    message = failure(checked_call, "forward(W, X)", forward, np.ones((4, 3)), np.ones((5, 3)), hint="Z = X W^T")
    assert message.startswith("forward(W, X) is not right yet.")
    assert "forward() raised ValueError: matmul" in message and "called with array (4, 3), array (5, 3)" in message
    assert "in the line:  return X @ W  # W not transposed" in message
    assert (
        "X @ W multiplies (5, 3) by (4, 3): the columns of the first (3) must equal the rows of the second (4)"
        in message
    )
    assert "did you forget to transpose W? W.T is (3, 4), which fits" in message
    assert "is a matrix missing its transpose?" in message and "hint:     Z = X W^T" in message
    assert "gufunc signature" not in message  # numpy's jargon names no array
    assert checked_call("f", lambda x: 2 * x, 3) == 6
    with pytest.raises(NotImplementedError):  # a stub's own message is clearer than any explanation
        checked_call("f", lambda: (_ for _ in ()).throw(NotImplementedError("Part 1: f() is still to write")))


def test_a_dict_may_hold_more_keys_than_asked_for_but_not_fewer():
    from course_lib.exercises.checks import explain_mismatch

    assert explain_mismatch({"x": 1.0, "mine": 2.0}, {"x": 1.0}) is None
    problem = explain_mismatch({"mine": 2.0}, {"x": 1.0, "y": 3.0})
    assert "'x', 'y' are missing" in problem


# ---------------------------------------------------------------- issue 22, item 13: the common mistakes, named


def _raised(function, *args):
    from course_lib.exercises.checks import checked_call

    return failure(checked_call, "f(...)", function, *args, hint="the hint")


def test_a_traceback_with_lines_only_still_names_the_slip(monkeypatch):
    """Python 3.10's traceback gives a frame's line but not where in it the error arose (3.11 added the
    columns): the slip is then read from the whole statement, and the same words come out."""
    import traceback

    real = traceback.extract_tb

    class LineOnly:  # the fields a 3.10 FrameSummary has
        def __init__(self, summary):
            self.filename, self.lineno, self.name, self.line = (
                summary.filename,
                summary.lineno,
                summary.name,
                summary.line,
            )

    monkeypatch.setattr(traceback, "extract_tb", lambda tb, limit=None: [LineOnly(s) for s in real(tb, limit)])

    def layer(X, W, b):
        return W @ X.T + b  # the product the wrong way round: (4, 3) + (4,)

    message = _raised(layer, np.ones((3, 2)), np.ones((4, 2)), np.ones(4))
    assert "in the line:  return W @ X.T + b" in message
    assert "W @ X.T + b combines (4, 3) with (4,) entry by entry" in message

    def forward(X, W):
        Z = X @ W
        return Z

    message = _raised(forward, np.ones((5, 3)), np.ones((4, 3)))
    assert "X @ W multiplies (5, 3) by (4, 3)" in message and "did you forget to transpose W?" in message


def test_a_shape_error_names_the_function_the_line_both_shapes_and_the_slip():
    def layer(X, W, b):
        return W @ X.T + b  # the product the wrong way round: (4, 3) + (4,)

    message = _raised(layer, np.ones((3, 2)), np.ones((4, 2)), np.ones(4))
    assert "layer() raised ValueError: operands could not be broadcast" in message
    assert "W @ X.T + b combines (4, 3) with (4,) entry by entry" in message
    assert "W @ X.T would fit transposed, as (3, 4)" in message

    def softmax(Z):
        e = np.exp(Z)
        return e / e.sum(axis=1)  # keepdims missing

    message = _raised(softmax, np.ones((2, 3)))
    assert "e.sum(axis=1) has one entry per row of the other (2)" in message and "keepdims=True" in message

    def backward(delta, A):
        return delta @ A  # (Delta)^T A was meant

    message = _raised(backward, np.ones((5, 4)), np.ones((5, 3)))
    assert "delta @ A multiplies (5, 4) by (5, 3)" in message and "did you forget to transpose delta?" in message

    def already_transposed(X, W):
        return X @ W.T  # W was stored (n_in, n_out)

    message = _raised(already_transposed, np.ones((5, 3)), np.ones((3, 4)))
    assert "did you transpose W when you should not have? W is (3, 4), which fits" in message

    def swapped(a, b):
        return np.dot(a, b)

    message = _raised(swapped, np.ones((2, 5)), np.ones((3, 2)))
    assert (
        "np.dot(a, b) multiplies (2, 5) by (3, 2)" in message
        and "are the factors in the wrong order? b @ a fits" in message
    )


def test_an_error_in_a_helper_names_the_helper_and_its_caller():
    def helper(a, b):
        return a @ b

    def outer(a, b):
        return helper(a, b)

    message = _raised(outer, np.ones((2, 3)), np.ones((2, 3)))
    assert "helper() (called by outer()) raised ValueError" in message and "in the line:  return a @ b" in message


def test_other_errors_show_the_line_and_the_arrays_in_it():
    def neuron(x, w):
        z = w * x  # the dot product's sum left out
        return float(z)

    message = _raised(neuron, np.ones(3), np.ones(3))
    assert "neuron() raised TypeError" in message and "there, z is (3,)" in message
    assert "a whole array was turned into one number" in message


def test_returns_names_the_values_a_function_must_return_together():
    from course_lib.exercises.checks import checked_call

    assert checked_call("f", lambda: (1, 2), returns=("A1", "Y_hat")) == (1, 2)
    message = failure(
        checked_call, "two_layer_forward(...)", lambda: np.ones((2, 1)), returns=("A1", "Y_hat"), hint="h"
    )
    assert (
        "expected 2 values, (A1, Y_hat), got an array of shape (2, 1); return them together: return A1, Y_hat"
        in message
    )
    assert "is a `return` missing?" in failure(checked_call, "f", lambda: None, returns=("A1", "Y_hat"))


@pytest.mark.parametrize(
    "got, expected, words",
    [
        (0.21, 0.07, "got 0.21, which is 3 times the expected value 0.07: a constant factor is missing or extra"),
        (0.07 / 5, 0.07, "which is 1/5 of the expected value"),
        (-0.5, 0.5, "the number has the wrong sign"),
        (
            np.ones((4, 4)),
            np.ones(4),
            "a (4,) array met a (4, 1) array entry by entry, and numpy spread them out to (4, 4)",
        ),
        (np.ones((4, 4)), np.ones((4, 1)), "numpy spread them out to (4, 4)"),
        (np.ones(5), np.ones(4), "a sum, mean or argmax over the wrong axis?"),
        (np.ones((5, 4)), np.ones(4), "one axis too many: a sum or mean over axis 0 left out?"),
        (np.ones(4), np.ones((5, 4)), "one axis too few"),
        (
            np.array([[1.0, 3.0], [2.0, 5.0]]),
            np.array([[1.0, 2.0], [2.0, 4.0]]),
            "every row is off by the same amounts, [0., 1.]",
        ),
        (np.array([1.5, 2.5, 3.5]), np.array([1.0, 2.0, 3.0]), "every entry is off by the same amount, +0.5"),
        (np.ones((3, 2)), np.ones((2, 3)) * 2, "rows and columns are swapped"),
        (np.ones((3, 5)), np.ones((5, 2)), "the rows or the columns count the wrong thing"),
    ],
)
def test_common_slips_are_named(got, expected, words):
    assert words in explain_mismatch(got, expected)


def test_an_accidental_ratio_is_not_called_a_factor():
    assert "times the expected" not in explain_mismatch(0.2890505, 0.1)
    assert "times the expected" not in explain_mismatch(0.3, 0.1001)


def test_check_shape_and_check_true_show_what_came_back():
    message = failure(check_shape, "path", np.array([0.6, 1.08]), (3,), hint="h")
    assert "  expected: an array of shape (3,)" in message and "  got:      [0.6 , 1.08]  (shape (2,))" in message
    message = failure(
        check_true,
        "the bias is one number",
        False,
        "a bias is one number",
        got=np.ones(3),
        expected="one float",
        hint="h",
    )
    assert "  expected: one float" in message and "  got:      [1., 1., 1.]  (shape (3,))" in message
    message = failure(check_true, "a count", False, "a count is whole", got=2.5, hint="h")
    assert "  got:      2.5  (a number)" in message


def test_a_list_of_arrays_is_shown_by_its_items_shapes():
    from course_lib.exercises.checks import show

    assert (
        show([np.ones((5, 4)), np.zeros(2)])
        == "a list of 2 items: [0] array of shape (5, 4); [1] [0., 0.]  (shape (2,))"
    )


@pytest.mark.parametrize(
    "got, expected, words",
    [
        (np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]), "the entries are right but in reverse order"),
        (
            np.array([True, False, False]),
            np.array([True, False, True]),
            "1 of 3 true/false entries differ (the first at index (2,): expected True, got False)",
        ),
        (np.array([[1, 0], [1, 1]]), np.array([[1, 1], [0, 1]]), "the numbers are right but transposed"),
        ([4, 4], [4, 4, 2], "expected 3 values, got 2"),
        (np.array([[0, 0], [1, 0]]), np.array([[0, 0], [2, 0]]), "largest difference 1 at index (1, 0)"),  # no "factor"
        ([np.ones((2, 2)), np.ones((2, 2))], [np.ones((2, 2)), np.zeros((2, 2))], "item 1: "),  # arrays named by item
    ],
)
def test_more_slips_are_named(got, expected, words):
    assert words in explain_mismatch(got, expected)


def test_a_list_of_equal_shaped_arrays_is_checked_item_by_item():
    message = failure(check_close, "weights", [np.ones((2, 2)), np.ones((2, 2))], [np.ones((2, 2)), np.zeros((2, 2))])
    assert message.startswith("weights, item [1] is not right yet.")


def test_shape_error_advice_is_shared_with_the_grader():
    from course_lib.exercises.checks import SCALAR_ADVICE, SHAPE_ADVICE, shape_error_advice

    assert (
        shape_error_advice("ValueError", "operands could not be broadcast together with shapes (4,3) (4,)")
        == SHAPE_ADVICE
    )
    assert shape_error_advice("TypeError", "only length-1 arrays can be converted to Python scalars") == SCALAR_ADVICE
    assert shape_error_advice("ZeroDivisionError", "division by zero") is None


def test_check_shape_names_an_axis_of_length_one():
    assert "an extra or missing axis of length 1" in failure(check_shape, "m", np.ones((2, 1)), (2,))
    assert "a sum, mean or argmax over the wrong axis?" in failure(check_shape, "m", np.ones(5), (4,))


def test_show_gives_numbers_as_numbers():
    from course_lib.exercises.checks import show

    assert show([np.float64(0.8), 2, 0.5]) == "[0.8, 2, 0.5]" and show((3,)) == "(3,)"


def test_a_factor_is_named_for_real_numbers_and_not_for_counts():
    assert "every entry is 2 times the expected value" in explain_mismatch(
        np.array([[-2.0, 0.0]]), np.array([[-1.0, 0.0]])
    )
    assert "times" not in explain_mismatch(np.array([[-2, 0]]), np.array([[-1, 0]]))  # counts
    assert "times" not in explain_mismatch(26, 13) and "2 times" in explain_mismatch(26.0, 13.0)
    assert "times" not in explain_mismatch(np.array([[-1.3, 0.0]]), np.array([[-1.0, 0.0]]))  # not a whole factor
