"""Recompute, in plain Python and numpy, every number lesson 03 prints.

The lesson computes through ``course_lib.lessons`` and ``course_lib.train``; here the
same quantities come from closed forms: exact integer powers, the normal equations,
and ``w_k = w* + (I - eta H)^k (w_0 - w*)`` for gradient descent on a quadratic.
"""

import math
import re

import numpy as np
import pytest

from durations import duration_log10
from notebook_outputs import load, numbers, numbers_after, printed


@pytest.fixture(scope="module")
def notebook():
    return load("03_gradient_descent")


def line_data():
    """The lesson's 30 points, drawn the way its text says: x ~ U(-1, 2), y = 1.5x - 1 + N(0, 0.3)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 2, 30)
    y = 1.5 * x - 1.0 + rng.normal(0, 0.3, 30)
    return x, y


def line_loss(x, y, slope, intercept):
    """Mean squared error of the line, vectorised over arrays of slopes and intercepts."""
    slope, intercept = np.asarray(slope)[..., None], np.asarray(intercept)[..., None]
    return np.mean((slope * x + intercept - y) ** 2, axis=-1)


def normal_equations(x, y):
    """(slope, intercept) minimising the squared error, by Cramer's rule, and the Hessian 2/n [[Sxx, Sx], [Sx, n]]."""
    n, sx, sxx, sy, sxy = len(x), x.sum(), (x * x).sum(), y.sum(), (x * y).sum()
    det = sxx * n - sx * sx
    best = np.array([(sxy * n - sx * sy) / det, (sxx * sy - sx * sxy) / det])
    return best, 2.0 / n * np.array([[sxx, sx], [sx, n]])


def descent_iterate(hessian, best, start, eta, k):
    """Gradient descent on a quadratic after k steps, by the closed form."""
    step = np.eye(len(best)) - eta * hessian
    return best + np.linalg.matrix_power(step, k) @ (np.asarray(start, float) - best)


# ---------------------------------------------------------------- the search table


def table_rows(notebook):
    rows = []
    for line in printed(notebook, "worked:search-table").splitlines()[1:]:
        n, count, duration = re.fullmatch(r"\s*([\d,]+)\s+(\S+)\s+(.+)", line).groups()
        rows.append((int(n.replace(",", "")), count, duration))
    return rows


def test_search_table_counts_and_times(notebook):
    rows = table_rows(notebook)
    assert [n for n, _, _ in rows][:5] == [1, 2, 3, 4, 5]
    for n, count, duration in rows:
        if "^" in count:
            assert count == f"10^{3 * n}"
        else:
            assert int(count.replace(",", "")) == 1000**n
        # 1000^n tries at 10^9 per second take 10^(3n - 9) seconds; 4 digits are printed.
        assert abs(duration_log10(duration) - (3 * n - 9)) < math.log10(1.0005), (n, duration)


def test_search_table_has_the_briefs_figures_and_the_digit_network(notebook):
    rows = {n: duration for n, _, duration in table_rows(notebook)}
    assert rows[2] == "1 millisecond"  # 10^6 / 10^9 s
    assert rows[4] == f"{1000 / 60:.2f} minutes"  # 10^3 s
    assert rows[5] == f"{1e6 / 86400:.2f} days"  # 10^6 s
    assert rows[9].endswith("times the age of the universe")
    assert rows[6].endswith("years") and "universe" not in rows[6]
    digit_network = 784 * 128 + 128 + 128 * 10 + 10
    assert max(rows) == digit_network


# ---------------------------------------------------------------- the race
def test_best_line(notebook):
    x, y = line_data()
    best, _ = normal_equations(x, y)
    slope, intercept, loss = numbers(printed(notebook, "worked:best-line"))
    assert slope == pytest.approx(best[0], abs=5e-5) and intercept == pytest.approx(best[1], abs=5e-5)
    assert loss == pytest.approx(float(line_loss(x, y, *best)), abs=5e-7)


def test_race(notebook):
    x, y = line_data()
    best, hessian = normal_equations(x, y)
    floor = float(line_loss(x, y, *best))
    text = printed(notebook, "worked:race")
    search_line, descent_line = text.splitlines()

    # Random search: the documented draws, U(-4, 4)^2 from default_rng(1), losses computed here.
    points = np.random.default_rng(1).uniform([-4, -4], [4, 4], size=(1000, 2))
    losses = line_loss(x, y, points[:, 0], points[:, 1])
    champion = points[np.argmin(losses)]
    w1, w2, loss, excess = numbers(search_line.split(":", 1)[1])
    np.testing.assert_allclose([w1, w2], champion, atol=5e-5)
    assert loss == pytest.approx(losses.min(), abs=5e-7)
    assert excess == pytest.approx(losses.min() - floor, rel=6e-3, abs=0)

    # Gradient descent: 40 steps from (-3, 3) with eta = 0.3.
    w40 = descent_iterate(hessian, best, [-3, 3], 0.3, 40)
    w1, w2, loss, excess = numbers(descent_line.split(":", 1)[1])
    np.testing.assert_allclose([w1, w2], w40, atol=5e-5)
    assert loss == pytest.approx(float(line_loss(x, y, *w40)), abs=5e-7)
    gap = w40 - best
    assert excess == pytest.approx(0.5 * gap @ hessian @ gap, rel=6e-3, abs=0)  # the exact excess of a quadratic
    assert "40 steps (120)" in descent_line and "1000 evaluations" in search_line


def test_curse_race(notebook):
    lines = printed(notebook, "worked:curse-race").splitlines()[1:]
    assert len(lines) == 5
    for line in lines:
        d, search_excess, descent_excess, kept = numbers(line)
        d = int(d)
        data = np.random.default_rng(d)
        X = data.normal(size=(200, d))
        y = X @ data.uniform(-1, 1, d) + data.normal(0, 0.1, 200)
        gram = X.T @ X / 200
        best = np.linalg.solve(gram, X.T @ y / 200)

        def excess(w):  # loss(w) - loss(best) for least squares: (w - best)^T (X^T X / n) (w - best)
            gap = np.atleast_2d(w) - best
            return np.einsum("ij,jk,ik->i", gap, gram, gap)

        tries = np.random.default_rng(0).uniform(-2 * np.ones(d), 2 * np.ones(d), size=(1000, d))
        losses = np.mean((tries @ X.T - y) ** 2, axis=1)
        assert search_excess == pytest.approx(excess(tries[np.argmin(losses)])[0], rel=6e-3, abs=0)
        if d == 20:  # "at d = 20 its best line is worse than guessing zero"
            assert search_excess > excess(np.zeros(d))[0]
        w30 = descent_iterate(2 * gram, best, np.zeros(d), 0.2, 30)
        assert descent_excess == pytest.approx(excess(w30)[0], rel=6e-3, abs=1e-15)
        # the slowest direction keeps |1 - eta * a| of its distance per step, a = 2 sigma^2 / n
        # for the singular values sigma of X (an independent route to the curvatures)
        sigma = np.linalg.svd(X, compute_uv=False)
        assert kept == pytest.approx(np.max(np.abs(1 - 0.2 * 2 * sigma**2 / 200)), abs=5e-4)
    search = [numbers(line)[1] for line in lines]
    assert search == sorted(search)  # the curse: random search gets worse with every added dimension
    descent = [numbers(line)[2] for line in lines]
    assert 2e4 < descent[-1] / descent[0] < 6e4 and max(descent) < 1e-6  # "about 40,000-fold, below 1e-6"
    kept = [numbers(line)[3] for line in lines]
    assert kept[0] == pytest.approx(0.66, abs=5e-3) and kept[-1] == pytest.approx(0.79, abs=5e-3)


# ---------------------------------------------------------------- descent by hand
def test_descent_1d(notebook):
    lines = printed(notebook, "worked:descent-1d").splitlines()
    assert len(lines) == 6
    for k, line in enumerate(lines):
        step, w, loss, slope = numbers(line)
        exact = 1 + 0.8**k * (-2 - 1)  # L = (w - 1)^2, eta = 0.1: distance x (1 - 2 eta) per step
        assert step == k
        assert w == pytest.approx(exact, abs=5e-7)
        assert loss == pytest.approx((exact - 1) ** 2, abs=5e-7)
        assert slope == pytest.approx(2 * (exact - 1), abs=5e-7)


def test_descent_2d(notebook):
    x, y = line_data()
    best, hessian = normal_equations(x, y)
    text = printed(notebook, "worked:descent-2d")
    blocks = re.split(r"learning rate ", text)[1:]
    assert len(blocks) == 2
    for block, eta in zip(blocks, (0.1, 0.5)):
        assert float(block.split(":")[0]) == eta
        for line in block.splitlines()[1:]:
            k, w1, w2, loss = numbers(line)
            w = descent_iterate(hessian, best, [-3, 3], eta, int(k))
            np.testing.assert_allclose([w1, w2], w, atol=5e-7)
            assert loss == pytest.approx(float(line_loss(x, y, *w)), abs=5e-7)


def test_regimes(notebook):
    lines = printed(notebook, "worked:regimes").splitlines()
    assert len(lines) == 4
    for line in lines:
        eta, factor, *path = numbers(line)
        assert factor == pytest.approx(1 - 2 * eta, abs=0.05)
        exact = [1 + (1 - 2 * eta) ** k * (-3) for k in range(7)]
        np.testing.assert_allclose(path, exact, atol=5e-5)


def test_curvatures(notebook):
    x, y = line_data()
    _, hessian = normal_equations(x, y)
    (a, b), (c, d) = hessian
    mean, spread = (a + d) / 2, math.sqrt(((a - d) / 2) ** 2 + b * c)  # eigenvalues of a symmetric 2x2
    text = printed(notebook, "worked:curvatures")
    low, high = numbers_after(text, "curvatures of the line-fit bowl:")
    assert low == pytest.approx(mean - spread, abs=5e-5) and high == pytest.approx(mean + spread, abs=5e-5)
    _, _, limit = numbers(text.splitlines()[1])
    assert limit == pytest.approx(2 / (mean + spread), abs=5e-5)


def test_divergence(notebook):
    x, y = line_data()
    best, hessian = normal_equations(x, y)
    good, bad = printed(notebook, "worked:divergence").splitlines()

    # Full-batch training: the loss recorded for epoch 50 is measured before its step.
    _, loss, slope, intercept = numbers(good)
    w49, w50 = (descent_iterate(hessian, best, [0, 0], 0.1, k) for k in (49, 50))
    assert loss == pytest.approx(float(line_loss(x, y, *w49)), abs=5e-7)
    assert [slope, intercept] == pytest.approx(list(w50), abs=5e-5)

    # eta = 1: find the first epoch whose loss exceeds 10^4 times the first one.
    first = float(line_loss(x, y, 0.0, 0.0))
    k = next(k for k in range(100) if line_loss(x, y, *descent_iterate(hessian, best, [0, 0], 1.0, k)) > 1e4 * first)
    grown = float(line_loss(x, y, *descent_iterate(hessian, best, [0, 0], 1.0, k)))
    assert "DivergenceError" in bad and "Try a smaller learning rate" in bad
    match = re.search(
        r"epoch (\d+), batch 1: the loss grew to (\S+) \(it started at (\S+)\) "
        r"with learning_rate=(\S+)\. Try a smaller learning rate, e\.g\. (\S+)\.$",
        bad,
    )
    assert bad.startswith("learning_rate=1.0:") and float(match.group(4)) == 1.0 and float(match.group(5)) == 0.1
    assert int(match.group(1)) == k + 1  # epochs count from 1, and epoch k + 1 starts from w_k
    assert float(match.group(2)) == pytest.approx(grown, rel=6e-3)
    assert float(match.group(3)) == pytest.approx(first, rel=6e-3)


def test_divergence_prose(notebook):
    # Main path: "by epoch 7 the loss was over 10^4 times its starting value", as the error message prints.
    _, bad = printed(notebook, "worked:divergence").splitlines()
    match = re.search(r"epoch (\d+), batch 1: the loss grew to (\S+) \(it started at (\S+)\)", bad)
    assert int(match.group(1)) == 7 and float(match.group(2)) > 1e4 * float(match.group(3))
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "by epoch 7 the loss was over\n$10^4$ times its starting value" in prose
    # Optional: "above 2/a_max ~ 0.57 ... grows by about |1 - 3.5| = 2.5 per step, the loss by about 2.5^2 ~ 6".
    x, y = line_data()
    _, hessian = normal_equations(x, y)
    steepest = np.linalg.eigvalsh(hessian).max()
    assert round(2 / steepest, 2) == 0.57 and round(steepest, 1) == 3.5
    assert round(abs(1 - 1.0 * steepest), 1) == 2.5 and round((1 - steepest) ** 2) == 6


def test_conditioning_and_curvatures_are_optional(notebook):
    # Lesson 3's main path stops short of conditioning and the Hessian's eigenvalues (before the chain rule).
    heading = None
    for cell in notebook.cells:
        first = cell.source.lstrip().split("\n", 1)[0]
        if cell.cell_type == "markdown" and re.match(r"#{1,4} ", first):
            heading = first
        if {"worked:curse-race", "worked:curvatures"} & set(cell.metadata.get("tags", [])):
            assert heading.startswith("## Optional:"), (heading, cell.metadata["tags"])
