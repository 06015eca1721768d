"""Lesson 03's helpers: the exhaustive-search cost table, random search and gradient descent."""

import math
from fractions import Fraction

import numpy as np
import pytest

from course_lib import CourseError, DivergenceError, ShapeError, numerical_gradient
from course_lib.lessons.big_numbers import (
    AGE_OF_UNIVERSE_SECONDS,
    combinations,
    format_cost_table,
    format_number,
    human_duration,
    search_cost_table,
    search_seconds,
)
from course_lib.lessons.descent import gradient_descent
from course_lib.lessons.search_race import LeastSquares, random_search
from durations import UNIT_SECONDS, duration_log10


@pytest.mark.parametrize("n", [0, 1, 2, 5, 17, 300])
def test_combinations_is_the_exact_power(n):
    expected = 1
    for _ in range(n):
        expected *= 1000
    assert combinations(n) == expected
    assert isinstance(combinations(n), int)
    assert combinations(n, values_per_weight=7) == 7**n


def test_search_seconds_is_exact():
    assert search_seconds(2) == Fraction(1, 1000)
    assert search_seconds(4) == 1000
    assert search_seconds(5, tries_per_second=1e9) == 10**6  # a float rate is taken exactly
    assert search_seconds(3, values_per_weight=10, tries_per_second=4) == Fraction(250)


@pytest.mark.parametrize("n, text", [(2, "1 millisecond"), (4, "16.67 minutes"), (5, "11.57 days")])
def test_the_briefs_figures(n, text):
    # 10^6 / 10^9 s = 1 ms; 10^12 / 10^9 s = 1000 s = 16.67 min; 10^15 / 10^9 s = 10^6 s = 11.57 days.
    assert human_duration(search_seconds(n)) == text
    assert abs(1000**n / 1e9 / UNIT_SECONDS[text.split()[1].rstrip("s")] - float(text.split()[0])) < 0.005


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 100, 101_770])
def test_every_duration_reads_back_to_the_right_time(n):
    text = human_duration(search_seconds(n))
    exact_log10 = 3 * n - 9  # log10(1000^n / 10^9)
    # 4 significant digits: the read-back is within 0.05% of the truth.
    assert abs(duration_log10(text) - exact_log10) < math.log10(1.0005), text


def test_age_of_the_universe_boundary():
    assert AGE_OF_UNIVERSE_SECONDS == 13_800_000_000 * 31_557_600
    assert human_duration(AGE_OF_UNIVERSE_SECONDS) == "1 times the age of the universe"
    assert human_duration(search_seconds(9)) == "2.296 times the age of the universe"
    assert human_duration(search_seconds(8)).endswith("million years")


def test_rounding_picks_the_unit_after_rounding():
    assert human_duration(59.99996) == "1 minute"
    assert human_duration(59.9) == "59.9 seconds"
    assert human_duration(1) == "1 second"
    assert human_duration(0) == "0 seconds"
    assert human_duration(1e-12) == "0.001 nanoseconds"


def test_format_number():
    assert format_number(1_000_000) == "1,000,000"
    assert format_number(10**15) == "10^15"
    assert format_number(10**300) == "10^300"
    assert format_number(Fraction(2, 3)) == "0.6667"
    assert format_number(0.001) == "0.001"
    assert format_number(9.99996) == "10"
    assert format_number(2 * 10**20, digits=3) == "2 × 10^20"
    assert format_number(1234.5678, digits=2) == "1,200"


def test_huge_numbers_stay_exact():
    # 1000^101770 has 305,311 digits: far past float range and Python's int-to-str limit.
    text = format_number(combinations(101_770))
    assert text == "10^305310"
    assert human_duration(search_seconds(101_770)).endswith(" × 10^305283 times the age of the universe")


def test_table_rows_and_text():
    rows = search_cost_table([2, 4, 5])
    assert [r.n_weights for r in rows] == [2, 4, 5]
    assert [r.combinations for r in rows] == [10**6, 10**12, 10**15]
    assert [r.duration for r in rows] == ["1 millisecond", "16.67 minutes", "11.57 days"]
    text = format_cost_table(rows)
    assert len(text.splitlines()) == 4
    assert "1,000,000" in text and "11.57 days" in text


@pytest.mark.parametrize(
    "call",
    [
        lambda: combinations(-1),
        lambda: combinations(2.5),
        lambda: combinations(True),
        lambda: combinations(3, values_per_weight=0),
        lambda: search_seconds(2, tries_per_second=0),
        lambda: search_seconds(2, tries_per_second=float("inf")),
        lambda: search_seconds(2, tries_per_second="fast"),
        lambda: human_duration(-1),
        lambda: format_number(0),
        lambda: format_number(5, digits=0),
    ],
)
def test_bad_input_is_refused_clearly(call):
    with pytest.raises(CourseError):
        call()


# ---------------------------------------------------------------- LeastSquares
def line_problem(seed=0, n=25):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 2, n)
    y = 0.7 * x + 0.4 + rng.normal(0, 0.2, n)
    return x, y, LeastSquares(np.column_stack([x, np.ones(n)]), y)


def test_least_squares_loss_gradient_and_minimum():
    x, y, problem = line_problem()
    w = np.array([0.3, -0.2])
    assert problem.loss(w) == pytest.approx(sum((0.3 * xi - 0.2 - yi) ** 2 for xi, yi in zip(x, y)) / len(x))
    numeric = numerical_gradient(problem.loss, w.copy())
    np.testing.assert_allclose(problem.gradient(w), numeric, rtol=1e-7, atol=1e-10)
    # The minimum by the normal equations, solved by Cramer's rule.
    sxx, sx, sxy, sy, n = (x * x).sum(), x.sum(), (x * y).sum(), y.sum(), len(x)
    det = sxx * n - sx * sx
    np.testing.assert_allclose(problem.minimum(), [(sxy * n - sx * sy) / det, (sxx * sy - sx * sxy) / det])
    np.testing.assert_allclose(problem.gradient(problem.minimum()), 0, atol=1e-12)
    hessian = 2 * np.array([[sxx, sx], [sx, n]]) / n
    trace, det_h = np.trace(hessian), np.linalg.det(hessian)
    disc = math.sqrt(trace**2 / 4 - det_h)
    np.testing.assert_allclose(problem.curvatures(), [trace / 2 - disc, trace / 2 + disc])


def test_least_squares_checks_shapes():
    with pytest.raises(ShapeError):
        LeastSquares(np.ones((5, 2)), np.ones(4))
    _, _, problem = line_problem()
    with pytest.raises(ShapeError, match=r"w has shape \(3,\), expected \(2,\)"):
        problem.loss(np.ones(3))


# ---------------------------------------------------------------- random search
def test_random_search_history():
    _, _, problem = line_problem()
    run = random_search(problem.loss, [-3, -3], [3, 3], n_tries=200, seed=5)
    assert run.points.shape == (200, 2) and run.losses.shape == (200,)
    assert np.all(run.points >= -3) and np.all(run.points <= 3)
    expected_points = np.random.default_rng(5).uniform([-3, -3], [3, 3], size=(200, 2))
    np.testing.assert_array_equal(run.points, expected_points)
    np.testing.assert_allclose(run.losses, [problem.loss(p) for p in expected_points])
    best = run.best_losses
    assert np.all(np.diff(best) <= 0)
    assert best[-1] == run.best_loss == min(run.losses)
    assert problem.loss(run.best_point) == run.best_loss
    assert run.best_loss >= problem.loss(problem.minimum())


def test_random_search_is_reproducible_and_seeded():
    f = lambda w: float(np.sum(w**2))  # noqa: E731
    a, b = random_search(f, -1, 1, 50, seed=3), random_search(f, -1, 1, 50, seed=3)
    np.testing.assert_array_equal(a.points, b.points)
    assert a.points.shape == (50, 1)
    assert not np.array_equal(a.points, random_search(f, -1, 1, 50, seed=4).points)


@pytest.mark.parametrize(
    "args, error",
    [
        (([0, 0], [1]), ShapeError),
        (([1, 0], [0, 1]), CourseError),
        (([0], [1], 0), CourseError),
    ],
)
def test_random_search_refuses_bad_boxes(args, error):
    low, high, *rest = args
    with pytest.raises(error):
        random_search(lambda w: 0.0, low, high, *(rest or [10]))


# ---------------------------------------------------------------- gradient descent
def test_gradient_descent_matches_the_closed_form():
    _, _, problem = line_problem()
    run = gradient_descent(problem.loss, problem.gradient, [2.0, -1.0], learning_rate=0.2, steps=30)
    assert run.path.shape == (31, 2) and run.losses.shape == (31,)
    # Linear gradient: w_k - w* = (I - eta H)^k (w_0 - w*), with H the Hessian.
    H = 2 * problem.X.T @ problem.X / len(problem.y)
    w_star = problem.minimum()
    for k in (0, 1, 7, 30):
        expected = w_star + np.linalg.matrix_power(np.eye(2) - 0.2 * H, k) @ (np.array([2.0, -1.0]) - w_star)
        np.testing.assert_allclose(run.path[k], expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(run.losses, [problem.loss(w) for w in run.path])
    assert run.final_loss == run.losses[-1] and np.array_equal(run.final_point, run.path[-1])
    assert np.all(np.diff(run.losses) <= 0)  # eta below 1/a_max: the loss only goes down


def test_gradient_descent_one_dimension_and_zero_steps():
    run = gradient_descent(lambda w: float((w[0] - 1) ** 2), lambda w: 2 * (w - 1), -2.0, 0.1, 3)
    np.testing.assert_allclose(run.path[:, 0], [-2.0, -1.4, -0.92, -0.536])
    assert gradient_descent(lambda w: 0.0, lambda w: 0 * w, [1.0, 2.0], 0.1, 0).path.shape == (1, 2)


def test_gradient_descent_reports_divergence():
    with pytest.raises(DivergenceError, match=r"diverged at step \d+.*learning_rate=10.*e\.g\. 1\b"):
        gradient_descent(lambda w: float(w @ w), lambda w: 2 * w, [1.0], learning_rate=10, steps=2000)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"learning_rate": 0}, CourseError),
        ({"learning_rate": float("nan")}, CourseError),
        ({"steps": -1}, CourseError),
        ({"start": [[1.0]]}, ShapeError),
        ({"gradient": lambda w: np.ones(3)}, ShapeError),
    ],
)
def test_gradient_descent_refuses_bad_input(kwargs, error):
    arguments = {
        "loss": lambda w: float(w @ w),
        "gradient": lambda w: 2 * w,
        "start": [1.0],
        "learning_rate": 0.1,
        "steps": 3,
        **kwargs,
    }
    with pytest.raises(error):
        gradient_descent(**arguments)
