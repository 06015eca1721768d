# ---
# jupyter:
#   course_exercise:
#     id: ex03_gradient_descent
#     title: "Exercise 3: gradient descent"
#     lesson: "03"
# ---

# %% [markdown]
# # Exercise 3: gradient descent (10 points)
#
# Lesson 03 replaced blind search with a rule: step downhill,
# $w \leftarrow w - \eta\,\frac{dL}{dw}$. Here you write that rule yourself, first
# in one dimension, then on a two-dimensional bowl, and finally you predict from a
# single number whether a learning rate will work.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `numerical_derivative`: a centred difference | 2 |
# | 2 | `gradient_descent_1d`: the iterates of gradient descent on a curve | 2 |
# | 3 | `bowl_gradient` and `gradient_descent_2d`: descent on a quadratic bowl | 3 |
# | 4 | `learning_rate_regime` and `largest_stable_learning_rate` | 3 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. The grader runs more checks than
# you see here, on inputs it picks at random, so make your functions work for any
# valid input, not just the examples. Before you submit, use
# **Kernel > Restart Kernel and Run All Cells** to make sure the notebook runs
# from top to bottom.
#
# Use plain numpy. The grader cannot tell how you computed an answer, but the
# point is to write each rule yourself: do not call ready-made versions from
# `course_lib` (such as `course_lib.numerical_gradient`).

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib.exercises import check_close, check_shape, check_true

# %% [markdown]
# ## Part 1: a centred numerical derivative (2 points)
#
# The derivative of $f$ at $x$ is the slope of $f$ there. Nudging $x$ a little
# either way and measuring the rise over the run estimates it:
#
# $$f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}.$$
#
# This *centred* difference is far more accurate than the one-sided
# $\bigl(f(x + h) - f(x)\bigr)/h$: its error shrinks like $h^2$ instead of $h$.
#
# Write `numerical_derivative(f, x, h)` returning this estimate as a float.
# `f` takes one number and returns one number.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "numerical_derivative", "schema_version": 3}
def numerical_derivative(f, x, h=1e-5):
    """Centred-difference estimate of f'(x).

    f: a function of one float returning a float; x: a float; h: the step, a small
    positive float. Returns a float.
    """
    ### BEGIN SOLUTION
    return float((f(x + h) - f(x - h)) / (2 * h))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "numerical_derivative_tests", "points": 2, "schema_version": 3}
check_close("numerical_derivative(x ** 2, at x = 1, h = 0.1)", numerical_derivative(lambda x: x ** 2, 1.0, h=0.1), 2.0,
            rtol=1e-9, hint="a one-sided difference gives 2.1 here; step to x + h AND x - h and divide by 2h")
check_close("numerical_derivative(x ** 3, at x = 2)", numerical_derivative(lambda x: x ** 3, 2.0), 12.0,
            rtol=1e-7, hint="the derivative of x^3 is 3x^2, so the estimate should be very close to 12")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(303)
for _x in _rng.uniform(-2, 2, size=3):
    check_close(f"numerical_derivative(sin, at x = {_x:.3f})", numerical_derivative(np.sin, _x), np.cos(_x), rtol=1e-8)
    check_close(f"numerical_derivative(exp, at x = {_x:.3f}, h = 0.05)", numerical_derivative(np.exp, _x, h=0.05),
                (np.exp(_x + 0.05) - np.exp(_x - 0.05)) / 0.1, rtol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: gradient descent on a curve (2 points)
#
# Starting from $x_0$, gradient descent repeats
#
# $$x_{t+1} = x_t - \eta\, f'(x_t), \qquad t = 0, 1, \dots, n-1,$$
#
# with the learning rate $\eta$. Write `gradient_descent_1d(df, x0, learning_rate,
# n_steps)` that takes the *derivative* `df` (a function of one number) and returns
# **all the iterates** $x_0, x_1, \dots, x_n$ as a float array of shape
# `(n_steps + 1,)`, starting point included.
#
# Example: for $f(x) = (x - 3)^2$, $f'(x) = 2(x - 3)$; from $x_0 = 0$ with
# $\eta = 0.1$ the first step goes to $0 - 0.1 \cdot 2 \cdot (0 - 3) = 0.6$.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "gradient_descent_1d", "schema_version": 3}
def gradient_descent_1d(df, x0, learning_rate, n_steps):
    """Iterates of x <- x - learning_rate * df(x), starting at x0.

    df: the derivative, a function of one float; x0, learning_rate: floats;
    n_steps: int >= 0. Returns a float array of shape (n_steps + 1,): x0 first.
    """
    ### BEGIN SOLUTION
    xs = np.empty(n_steps + 1)
    xs[0] = x0
    for t in range(n_steps):
        xs[t + 1] = xs[t] - learning_rate * df(xs[t])
    return xs
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "gradient_descent_1d_tests", "points": 2, "schema_version": 3}
_path = gradient_descent_1d(lambda x: 2 * (x - 3), 0.0, 0.1, 3)
check_shape("gradient_descent_1d(..., n_steps=3)", _path, (4,),
            hint="return the starting point and every step: n_steps + 1 numbers")
check_close("gradient_descent_1d on (x - 3)^2 from 0 with rate 0.1", _path, np.array([0.0, 0.6, 1.08, 1.464]),
            hint="step AGAINST the derivative: x - learning_rate * df(x)")
check_close("gradient_descent_1d on (x - 3)^2 after 200 steps", gradient_descent_1d(lambda x: 2 * (x - 3), 0.0, 0.1, 200)[-1],
            3.0, rtol=1e-9, hint="the minimum of (x - 3)^2 is at x = 3")
### BEGIN HIDDEN TESTS
check_shape("gradient_descent_1d(..., n_steps=0)", gradient_descent_1d(lambda x: 1.0, 0.5, 0.1, 0), (1,))
_df = lambda x: 4 * x ** 3 - 3.0  # derivative of x^4 - 3x
_expected = [1.5]
for _ in range(25):
    _expected.append(_expected[-1] - 0.02 * _df(_expected[-1]))
check_close("gradient_descent_1d on x^4 - 3x", gradient_descent_1d(_df, 1.5, 0.02, 25), np.array(_expected), rtol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: descent on a quadratic bowl (3 points)
#
# A loss of two weights $p = (p_1, p_2)$ is a surface. Near its minimum it looks
# like a bowl,
#
# $$f(p) = \tfrac12\, p^\top A\, p - b^\top p,$$
#
# with a symmetric matrix $A$ whose eigenvalues are positive (the curvatures of
# the bowl along its axes) and a vector $b$. Its gradient is
# $\nabla f(p) = A\,p - b$, so the minimum is where $A\,p = b$.
#
# 1. `bowl_gradient(A, b, p)`: the gradient $A\,p - b$, shape `(d,)` (1 point).
# 2. `gradient_descent_2d(A, b, p0, learning_rate, n_steps)`: the iterates
#    $p_{t+1} = p_t - \eta\,\nabla f(p_t)$ stacked into an array of shape
#    `(n_steps + 1, d)`, row 0 being `p0` (2 points). Use your `bowl_gradient`.
#
# The names say 2-D because that is what you can picture, but write them for any
# dimension `d`.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "bowl", "schema_version": 3}
def bowl_gradient(A, b, p):
    """Gradient of f(p) = 1/2 p^T A p - b^T p at p, for symmetric A.

    Shapes: A (d, d), b (d,), p (d,) -> (d,).
    """
    ### BEGIN SOLUTION
    return np.asarray(A, dtype=float) @ np.asarray(p, dtype=float) - np.asarray(b, dtype=float)
    ### END SOLUTION


def gradient_descent_2d(A, b, p0, learning_rate, n_steps):
    """Iterates of p <- p - learning_rate * bowl_gradient(A, b, p), starting at p0.

    Shapes: A (d, d), b (d,), p0 (d,); learning_rate a float, n_steps an int >= 0.
    Returns a float array of shape (n_steps + 1, d) whose row t is p_t (row 0 is p0).
    """
    ### BEGIN SOLUTION
    path = np.empty((n_steps + 1, len(p0)))
    path[0] = p0
    for t in range(n_steps):
        path[t + 1] = path[t] - learning_rate * bowl_gradient(A, b, path[t])
    return path
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "bowl_tests", "points": 3, "schema_version": 3}
_A = np.array([[3.0, 0.0], [0.0, 1.0]])  # a bowl three times as steep along p1 as along p2
_b = np.array([3.0, -1.0])  # so the minimum is at A^-1 b = (1, -1)
check_close("bowl_gradient(A, b, [0, 0])", bowl_gradient(_A, _b, np.zeros(2)), np.array([-3.0, 1.0]),
            hint="at p = 0 the gradient A p - b is just -b")
_path = gradient_descent_2d(_A, _b, np.zeros(2), 0.1, 2)
check_shape("gradient_descent_2d(..., n_steps=2)", _path, (3, 2), hint="one row per iterate, p0 included")
check_close("gradient_descent_2d from (0, 0) with rate 0.1", _path, np.array([[0.0, 0.0], [0.3, -0.1], [0.51, -0.19]]))
check_close("gradient_descent_2d after 300 steps", gradient_descent_2d(_A, _b, np.zeros(2), 0.1, 300)[-1],
            np.array([1.0, -1.0]), rtol=1e-8, hint="the iterates should settle where A p = b")
# The gradient is the slope along each axis: compare with your Part 1 derivative.
_f = lambda p: 0.5 * p @ _A @ p - _b @ p
_p = np.array([0.5, 2.0])
_slopes = [numerical_derivative(lambda s: _f(_p + s * _e), 0.0) for _e in np.eye(2)]
check_close("bowl_gradient(A, b, [0.5, 2]) against numerical_derivative along each axis",
            bowl_gradient(_A, _b, _p), np.array(_slopes), rtol=1e-6)
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(313)
_M = _rng.normal(size=(3, 3))
_A3 = _M @ _M.T + np.eye(3)
_b3, _p3 = _rng.normal(size=3), _rng.normal(size=3)
check_close("bowl_gradient in 3-D", bowl_gradient(_A3, _b3, _p3), _A3 @ _p3 - _b3)
_eta = 1.0 / np.linalg.eigvalsh(_A3).max()
_expected = [_p3]
for _ in range(40):
    _expected.append(_expected[-1] - _eta * (_A3 @ _expected[-1] - _b3))
check_close("gradient_descent_2d in 3-D", gradient_descent_2d(_A3, _b3, _p3, _eta, 40), np.array(_expected), rtol=1e-10)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: will this learning rate work? (3 points)
#
# On the one-dimensional bowl $f(x) = \tfrac{k}{2} x^2$ with curvature $k > 0$
# (so $f'(x) = kx$), one step gives
#
# $$x_{t+1} = x_t - \eta k x_t = (1 - \eta k)\, x_t .$$
#
# Every step multiplies the distance to the minimum by $1 - \eta k$, so the
# product $\eta k$ alone decides what happens:
#
# | $\eta k$ | regime | what the iterates do |
# | --- | --- | --- |
# | $0 < \eta k \le 1$ | `"converges"` | approach the minimum from one side, never overshooting ($\eta k = 1$ lands on it in one step) |
# | $1 < \eta k \le 2$ | `"oscillates"` | overshoot every step, jumping from side to side (shrinking for $\eta k < 2$, bouncing for ever at exactly 2) |
# | $\eta k > 2$ | `"diverges"` | overshoot further every step: the distance grows without bound |
#
# 1. `learning_rate_regime(curvature, learning_rate)` returns one of the three
#    strings `"converges"`, `"oscillates"`, `"diverges"` (2 points).
# 2. On a bowl with matrix $A$, each eigenvector direction behaves like its own
#    1-D bowl with curvature equal to its eigenvalue, and the steepest one limits
#    the learning rate. `largest_stable_learning_rate(A)` returns the largest
#    $\eta$ that does not diverge in any direction: $2/\lambda_{\max}(A)$
#    (1 point). `np.linalg.eigvalsh` gives the eigenvalues of a symmetric matrix.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "regime", "schema_version": 3}
def learning_rate_regime(curvature, learning_rate):
    """The regime of gradient descent on f(x) = curvature / 2 * x^2.

    curvature, learning_rate: positive floats.
    Returns "converges", "oscillates" or "diverges".
    """
    ### BEGIN SOLUTION
    product = learning_rate * curvature
    if product <= 1:
        return "converges"
    if product <= 2:
        return "oscillates"
    return "diverges"
    ### END SOLUTION


def largest_stable_learning_rate(A):
    """2 / (the largest eigenvalue of A), for a symmetric A with positive eigenvalues.

    Shapes: A (d, d) -> a float.
    """
    ### BEGIN SOLUTION
    return float(2.0 / np.linalg.eigvalsh(np.asarray(A, dtype=float)).max())
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "regime_tests", "points": 3, "schema_version": 3}
check_close("learning_rate_regime(curvature=4, learning_rate=0.1)", learning_rate_regime(4.0, 0.1), "converges",
            hint="eta * k = 0.4: each step keeps 60% of the distance, same side")
check_close("learning_rate_regime(curvature=4, learning_rate=0.4)", learning_rate_regime(4.0, 0.4), "oscillates",
            hint="eta * k = 1.6: each step multiplies the distance by 1 - 1.6 = -0.6")
check_close("learning_rate_regime(curvature=4, learning_rate=0.6)", learning_rate_regime(4.0, 0.6), "diverges",
            hint="eta * k = 2.4: each step multiplies the distance by -1.4")
check_close("largest_stable_learning_rate for curvatures 3 and 1",
            largest_stable_learning_rate(np.array([[3.0, 0.0], [0.0, 1.0]])), 2.0 / 3.0,
            hint="the steepest direction (curvature 3) sets the limit 2 / 3")
### BEGIN HIDDEN TESTS
for _k, _eta, _regime in [(4.0, 0.25, "converges"), (4.0, 0.5, "oscillates"), (8.0, 0.25, "oscillates"),
                          (0.5, 4.5, "diverges"), (100.0, 0.001, "converges")]:
    check_close(f"learning_rate_regime({_k}, {_eta}) on the boundary or far from it",
                learning_rate_regime(_k, _eta), _regime)
# The named regime must match what the iterates actually do.
for _k, _eta in np.random.default_rng(323).uniform([0.5, 0.01], [5.0, 1.0], size=(6, 2)):
    _factor = 1.0 - _eta * _k  # from x = 1, step t lands on _factor ** t
    _observed = "diverges" if abs(_factor) > 1 else ("oscillates" if _factor < 0 else "converges")
    check_close(f"learning_rate_regime({_k:.3f}, {_eta:.3f})", learning_rate_regime(_k, _eta), _observed)
_M = np.random.default_rng(333).normal(size=(3, 3))
_A3 = _M @ _M.T + 0.5 * np.eye(3)
check_close("largest_stable_learning_rate in 3-D", largest_stable_learning_rate(_A3),
            2.0 / np.linalg.eigvalsh(_A3).max())
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Run the cell below: it takes a few steps on $f(x) = 2x^2$ (curvature 4) with a
# learning rate from each regime. Predict the signs and sizes before you look,
# then change the rates and the curvature.

# %% tags=["worked:regimes"]
for rate in (0.1, 0.4, 0.6):
    xs = gradient_descent_1d(lambda x: 4.0 * x, 1.0, rate, 5)
    print(f"rate {rate}: {learning_rate_regime(4.0, rate):>10}  iterates", np.round(xs, 4))
