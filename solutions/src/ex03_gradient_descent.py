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
# Lesson 3 replaced blind search with a rule: step downhill,
# $w \leftarrow w - \eta\,\frac{dL}{dw}$. Here you write that rule yourself, first
# in one dimension, then on a bowl of several weights; then you predict from the
# learning rate what descent will do, check the prediction against a run, and predict
# how long it takes.
#
# **Objectives.** After this exercise you can
#
# - write gradient descent in one dimension and on a bowl of many weights;
# - tell from a run what descent did, and predict it from the learning rate and the curvature;
# - find the largest learning rate a bowl allows;
# - predict how many steps descent needs to get close to the minimum.
#
# **Expected time:** about 45 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `gradient_descent_1d`: the iterates of gradient descent on a curve | 2 |
# | 2 | `bowl_gradient` and `gradient_descent_2d`: descent on a quadratic bowl | 2 |
# | 3 | `regime_of_path`, `learning_rate_regime` and `largest_stable_learning_rate` | 4 |
# | 4 | `steps_to_shrink`: how long descent takes, predicted | 2 |
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
# **What you may use.** numpy, including `np.linalg.eigvalsh` where Part 3 says so,
# and your own functions from earlier parts.
#
# {{ not allowed while graded }}

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib.exercises import check_close, check_shape, check_true
from course_lib.exercises.checks import checked_call

# %% [markdown]
# ## Part 1: gradient descent on a curve (2 points)
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
_STEP_HINT = "step AGAINST the derivative: x - learning_rate * df(x)"
_path = checked_call("gradient_descent_1d(df, 0, 0.1, 3)", gradient_descent_1d, lambda x: 2 * (x - 3), 0.0, 0.1, 3,
                     hint=_STEP_HINT)
check_shape("gradient_descent_1d(..., n_steps=3)", _path, (4,),
            hint="return the starting point and every step: n_steps + 1 numbers")
check_close("gradient_descent_1d on (x - 3)^2 from 0 with rate 0.1", _path, np.array([0.0, 0.6, 1.08, 1.464]),
            hint=_STEP_HINT)
check_close("gradient_descent_1d on (x - 3)^2 after 200 steps", gradient_descent_1d(lambda x: 2 * (x - 3), 0.0, 0.1, 200)[-1],
            3.0, rtol=1e-9, hint="the minimum of (x - 3)^2 is at x = 3")
### BEGIN HIDDEN TESTS
check_shape("gradient_descent_1d(..., n_steps=0)", gradient_descent_1d(lambda x: 1.0, 0.5, 0.1, 0), (1,),
            hint="with no steps the path is the starting point alone")
_df = lambda x: 4 * x ** 3 - 3.0  # derivative of x^4 - 3x
_expected = [1.5]
for _ in range(25):
    _expected.append(_expected[-1] - 0.02 * _df(_expected[-1]))
check_close("gradient_descent_1d on x^4 - 3x", gradient_descent_1d(_df, 1.5, 0.02, 25), np.array(_expected), rtol=1e-12,
            hint=_STEP_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: descent on a quadratic bowl (2 points)
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
# 1. `bowl_gradient(A, b, p)`: the gradient $A\,p - b$, shape `(d,)`.
# 2. `gradient_descent_2d(A, b, p0, learning_rate, n_steps)`: the iterates
#    $p_{t+1} = p_t - \eta\,\nabla f(p_t)$ stacked into an array of shape
#    `(n_steps + 1, d)`, row 0 being `p0`. Use your `bowl_gradient`.
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "bowl_tests", "points": 2, "schema_version": 3}
_A = np.array([[3.0, 0.0], [0.0, 1.0]])  # a bowl three times as steep along p1 as along p2
_b = np.array([3.0, -1.0])  # so the minimum is at A^-1 b = (1, -1)
_BOWL_HINT = "the gradient of 1/2 p^T A p - b^T p is A p - b, a vector like p"
check_close("bowl_gradient(A, b, [0, 0])",
            checked_call("bowl_gradient(A, b, [0, 0])", bowl_gradient, _A, _b, np.zeros(2), hint=_BOWL_HINT),
            np.array([-3.0, 1.0]), hint="at p = 0 the gradient A p - b is just -b")
_path = checked_call("gradient_descent_2d(A, b, [0, 0], 0.1, 2)", gradient_descent_2d, _A, _b, np.zeros(2), 0.1, 2,
                     hint="row t + 1 is row t minus learning_rate times the gradient at row t")
check_shape("gradient_descent_2d(..., n_steps=2)", _path, (3, 2), hint="one row per iterate, p0 included")
check_close("gradient_descent_2d from (0, 0) with rate 0.1", _path, np.array([[0.0, 0.0], [0.3, -0.1], [0.51, -0.19]]),
            hint="p1 = p0 - 0.1 (A p0 - b) = (0.3, -0.1): step against the gradient")
check_close("gradient_descent_2d after 300 steps", gradient_descent_2d(_A, _b, np.zeros(2), 0.1, 300)[-1],
            np.array([1.0, -1.0]), rtol=1e-8, hint="the iterates should settle where A p = b")
# The gradient is the slope along each axis: compare with centred differences (lesson 4).
_f = lambda p: 0.5 * p @ _A @ p - _b @ p
_p = np.array([0.5, 2.0])
_slopes = [(_f(_p + 1e-5 * _e) - _f(_p - 1e-5 * _e)) / 2e-5 for _e in np.eye(2)]
check_close("bowl_gradient(A, b, [0.5, 2]) against centred differences along each axis",
            bowl_gradient(_A, _b, _p), np.array(_slopes), rtol=1e-6, hint=_BOWL_HINT)
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(313)
_M = _rng.normal(size=(3, 3))
_A3 = _M @ _M.T + np.eye(3)
_b3, _p3 = _rng.normal(size=3), _rng.normal(size=3)
check_close("bowl_gradient in 3-D", bowl_gradient(_A3, _b3, _p3), _A3 @ _p3 - _b3, hint=_BOWL_HINT)
_eta = 1.0 / np.linalg.eigvalsh(_A3).max()
_expected = [_p3]
for _ in range(40):
    _expected.append(_expected[-1] - _eta * (_A3 @ _expected[-1] - _b3))
check_close("gradient_descent_2d in 3-D", gradient_descent_2d(_A3, _b3, _p3, _eta, 40), np.array(_expected), rtol=1e-10,
            hint="nothing in the update depends on the dimension: len(p0) columns")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: will this learning rate work? Predict, then measure (4 points)
#
# Lesson 3 named five things gradient descent can do on a bowl, and its widget uses
# these five labels: `"converges"`, `"converges in one step"`,
# `"oscillates but converges"`, `"oscillates forever"` and `"diverges"`.
#
# 1. **Measure** (2 points). `regime_of_path(path, minimum)` gets the iterates of a
#    run of gradient descent on a one-dimensional bowl with its minimum at `minimum`
#    (an array like the one your `gradient_descent_1d` returns, at least 3 points,
#    not starting at the minimum) and names what the run did, using one of the five
#    labels. Decide from the distances to the minimum, step after step: their signs
#    and their sizes. Treat sizes that agree to within a relative $10^{-9}$ as equal
#    (use `np.isclose(a, b, rtol=1e-9, atol=0)`), and a distance below $10^{-12}$ times
#    the first one as zero.
# 2. **Predict** (1 point). `learning_rate_regime(curvature, learning_rate)` names,
#    *without running anything*, what descent on $f(x) = \tfrac{k}{2}(x - m)^2$
#    (curvature $k > 0$) will do. Lesson 3 showed that one step multiplies the distance
#    to the minimum by the same factor every time; work out which values of that
#    factor give which label. The self-check compares your prediction with your
#    measurement on many runs.
# 3. **Many weights** (1 point). On a bowl with a symmetric matrix $A$, each eigenvector
#    direction behaves like its own one-dimensional bowl whose curvature is the
#    eigenvalue. `largest_stable_learning_rate(A)` returns the largest $\eta$ that
#    diverges in no direction (at exactly that rate the steepest direction oscillates
#    forever). Here you may use `np.linalg.eigvalsh`, which returns the eigenvalues of
#    a symmetric matrix.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "regime", "schema_version": 3}
def regime_of_path(path, minimum):
    """What a run of gradient descent on a 1-D bowl did, from its iterates.

    path: float array of shape (n,), n >= 3, path[0] != minimum; minimum: a float.
    Returns one of "converges", "converges in one step", "oscillates but converges",
    "oscillates forever", "diverges".
    """
    ### BEGIN SOLUTION
    distance = np.asarray(path, dtype=float) - minimum
    if abs(distance[1]) < 1e-12 * abs(distance[0]):
        return "converges in one step"
    if np.isclose(abs(distance[1]), abs(distance[0]), rtol=1e-9, atol=0):
        return "oscillates forever"
    if abs(distance[1]) > abs(distance[0]):
        return "diverges"
    return "oscillates but converges" if distance[1] * distance[0] < 0 else "converges"
    ### END SOLUTION


def learning_rate_regime(curvature, learning_rate):
    """What gradient descent on f(x) = curvature / 2 * (x - m)^2 will do, predicted from the rate.

    curvature, learning_rate: positive floats. Returns one of "converges",
    "converges in one step", "oscillates but converges", "oscillates forever", "diverges".
    """
    ### BEGIN SOLUTION
    factor = 1.0 - learning_rate * curvature  # the distance to the minimum is multiplied by this each step
    if factor == 0:
        return "converges in one step"
    if factor > 0:
        return "converges"
    if factor > -1:
        return "oscillates but converges"
    return "oscillates forever" if factor == -1 else "diverges"
    ### END SOLUTION


def largest_stable_learning_rate(A):
    """The largest learning rate that diverges in no direction of the bowl 1/2 p^T A p - b^T p.

    Shapes: A (d, d), symmetric with positive eigenvalues -> a float.
    """
    ### BEGIN SOLUTION
    return float(2.0 / np.linalg.eigvalsh(np.asarray(A, dtype=float)).max())
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "regime_tests", "points": 4, "schema_version": 3}
# Measured: runs on f(x) = 2 (x - 1)^2 (curvature 4, minimum 1) from x = 3.
for _rate, _label in [(0.1, "converges"), (0.25, "converges in one step"), (0.4, "oscillates but converges"),
                      (0.5, "oscillates forever"), (0.6, "diverges")]:
    _run = checked_call(f"gradient_descent_1d(df, 3, {_rate}, 6)", gradient_descent_1d, lambda x: 4.0 * (x - 1.0), 3.0,
                        _rate, 6, hint="Part 1's function, run on a new bowl")
    _hint = "look at the distance to the minimum: does it change sign? does it shrink, stay or grow?"
    check_close(f"regime_of_path(the run with learning rate {_rate}, minimum=1)",
                checked_call(f"regime_of_path(the run with learning rate {_rate}, minimum=1)", regime_of_path, _run,
                             1.0, hint=_hint), _label, hint=_hint)
# Predicted: the same five rates, without running anything.
for _rate, _label in [(0.1, "converges"), (0.25, "converges in one step"), (0.4, "oscillates but converges"),
                      (0.5, "oscillates forever"), (0.6, "diverges")]:
    _hint = "one step multiplies the distance to the minimum by 1 - learning_rate * curvature"
    check_close(f"learning_rate_regime(curvature=4, learning_rate={_rate})",
                checked_call(f"learning_rate_regime(4, {_rate})", learning_rate_regime, 4.0, _rate, hint=_hint),
                _label, hint=_hint)
# Prediction against measurement on many random bowls and rates.
for _k, _eta in np.random.default_rng(0).uniform([0.5, 0.01], [5.0, 1.0], size=(20, 2)):
    _run = gradient_descent_1d(lambda x: _k * (x + 2.0), 1.0, _eta, 4)
    check_close(f"learning_rate_regime({_k:.3f}, {_eta:.3f}) against regime_of_path of the run",
                learning_rate_regime(_k, _eta), regime_of_path(_run, -2.0),
                hint="the prediction and the measurement disagree: the factor 1 - learning_rate * curvature "
                     "decides both; compare it with 1, 0 and -1")
check_close("largest_stable_learning_rate for curvatures 3 and 1",
            checked_call("largest_stable_learning_rate(A)", largest_stable_learning_rate,
                         np.array([[3.0, 0.0], [0.0, 1.0]]), hint="the steepest direction (curvature 3) sets the limit"),
            2.0 / 3.0,
            hint="the steepest direction (curvature 3) sets the limit")
### BEGIN HIDDEN TESTS
for _k, _eta, _regime in [(8.0, 0.25, "oscillates forever"), (2.0, 0.5, "converges in one step"),
                          (0.5, 4.5, "diverges"), (100.0, 0.001, "converges"), (8.0, 0.2, "oscillates but converges")]:
    check_close(f"learning_rate_regime({_k}, {_eta})", learning_rate_regime(_k, _eta), _regime,
                hint="one step multiplies the distance to the minimum by 1 - learning_rate * curvature")
    _run = gradient_descent_1d(lambda x: _k * (x - 0.5), -1.5, _eta, 5)
    check_close(f"regime_of_path of the run with curvature {_k}, rate {_eta}", regime_of_path(_run, 0.5), _regime,
                hint="look at the distance to the minimum: does it change sign? does it shrink, stay or grow?")
_M = np.random.default_rng(333).normal(size=(3, 3))
_A3 = _M @ _M.T + 0.5 * np.eye(3)
check_close("largest_stable_learning_rate in 3-D", largest_stable_learning_rate(_A3),
            2.0 / np.linalg.eigvalsh(_A3).max(), hint="the largest curvature is A's largest eigenvalue")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Run the cell below: it takes a few steps on $f(x) = 2x^2$ (curvature 4) with a
# learning rate from each regime, and prints the prediction next to the measurement.
# Predict the signs and sizes before you look, then change the rates and the curvature.

# %% tags=["worked:regimes"]
for rate in (0.1, 0.25, 0.4, 0.5, 0.6):
    xs = gradient_descent_1d(lambda x: 4.0 * x, 1.0, rate, 5)
    print(f"rate {rate}: predicted {learning_rate_regime(4.0, rate):<24} measured {regime_of_path(xs, 0.0):<24}"
          f" iterates", np.round(xs, 4))

# %% [markdown]
# ## Part 4: how many steps? Predict (2 points)
#
# Descent on $f(x) = \tfrac{k}{2}(x - m)^2$ starts at a distance $d_0 \ne 0$ from the
# minimum, with a learning rate that converges. After how many steps is the distance
# at most `ratio` times $d_0$, for the first time? Answer without running descent:
# Part 3's reasoning gives it. Write `steps_to_shrink(curvature, learning_rate, ratio)`
# returning that number of steps, an int, for $0 < \eta k < 2$, $\eta k \ne 1$ and
# $0 < \text{ratio} < 1$. The grader asks about rates on both sides of $1/k$.
#
# The test cell checks only the form of your answer; the grader checks the values.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "steps", "schema_version": 3}
def steps_to_shrink(curvature, learning_rate, ratio):
    """The fewest steps after which |x_t - m| <= ratio * |x_0 - m|, on f(x) = curvature / 2 * (x - m)^2.

    curvature, learning_rate: positive floats with 0 < learning_rate * curvature < 2, not 1;
    ratio: a float in (0, 1). Returns an int.
    """
    ### BEGIN SOLUTION
    factor = abs(1.0 - learning_rate * curvature)  # each step multiplies the distance by this
    return int(np.ceil(np.log(ratio) / np.log(factor)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "steps_tests", "points": 2, "schema_version": 3}
_steps = checked_call("steps_to_shrink(4, 0.1, 0.001)", steps_to_shrink, 4.0, 0.1, 0.001,
                      hint="each step multiplies the distance by |1 - learning_rate * curvature|")
check_true("steps_to_shrink(4, 0.1, 0.001) is a whole number of steps",
           isinstance(_steps, (int, float, np.number)) and np.isfinite(_steps) and float(_steps) == int(_steps) > 0,
           "a number of steps is a positive whole number", got=_steps, expected="a positive int",
           hint="a count of steps: a positive int")
### BEGIN HIDDEN TESTS
check_close("steps_to_shrink(4, 0.1, 0.001)", steps_to_shrink(4.0, 0.1, 0.001), 14,
            hint="each step multiplies the distance by 1 - 0.4 = 0.6; 0.6^14 < 0.001 < 0.6^13")
check_close("steps_to_shrink(4, 0.45, 0.001)", steps_to_shrink(4.0, 0.45, 0.001), 31,
            hint="the factor is 1 - 1.8 = -0.8: the sign flips every step, the size shrinks by 0.8")
for _k, _eta, _ratio in [(2.0, 0.05, 0.1), (10.0, 0.15, 1e-4), (0.5, 3.1, 0.02)]:
    _distance, _t = 1.0, 0
    while abs(_distance) > _ratio:
        _distance, _t = _distance * (1 - _eta * _k), _t + 1
    check_close(f"steps_to_shrink({_k}, {_eta}, {_ratio}) against a run", steps_to_shrink(_k, _eta, _ratio), _t,
                hint="after t steps the distance is |1 - learning_rate * curvature|^t times the first; round up")
### END HIDDEN TESTS
