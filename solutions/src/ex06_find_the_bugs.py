# ---
# jupyter:
#   course_exercise:
#     id: ex06_find_the_bugs
#     title: "Exercise 6b: find the bugs in a backward pass"
#     lesson: "06"
# ---

# %% [markdown]
# # Exercise 6b: find the bugs in a backward pass (10 points, about 45 minutes)
#
# Someone wrote the backward pass of a small network and it does not learn. It has **six
# bugs**, of the kinds everyone makes. You will build a gradient checker, use it to find
# each bug, say which line it is on, and fix it. Do this one after Exercise 6.
#
# **You will be able to:**
#
# - write a gradient checker for arrays: centred differences and the element-wise relative error;
# - read a checker's verdicts layer by layer and parameter by parameter, and tell a bug from its fingerprint;
# - design a test in which one bug shows and the others hide (a batch of one, no penalty, one layer);
# - find the bug a gradient checker cannot see.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | your gradient checker: `centred_gradient` and `elementwise_relative_error` | 2 |
# | 2 | two predictions: `relative_error_of_scaled` and `visible_bugs` | 2 |
# | 3 | the six bugs: `bug_lines`, and the fixed `backward` and `sgd_step` (1 point a bug) | 6 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. The grader runs more
# checks than you see, on networks it picks at random: several sizes, a batch of one, each
# hidden activation. Before you submit, use **Kernel > Restart Kernel and Run All Cells**.
#
# {{ not allowed while graded }}
#
# The test cells use some of them to check you; your own code must not.

# %% [markdown]
# ## The network
#
# In lesson 6's notation, one sample per row: $Z^l = A^{l-1}(W^l)^\top + b^l$, $A^0 = X$, and
# $A^l = f(Z^l)$ with the hidden activation $f$, except the last layer $L$, a softmax:
# $P = A^L$. Python lists count from 0: `weights[l-1]` is $W^l$, `zs[l-1]` is $Z^l$,
# `activations[l]` is $A^l$. The loss is the cross-entropy, a mean over the $n$ samples,
# plus a penalty on large weights (lesson 9 comes back to it):
#
# $$L = -\frac{1}{n}\sum_{i,j} Y_{ij}\log P_{ij} + \frac{\lambda}{2}\sum_{l}\lVert W^l\rVert^2 .$$
#
# The setup cell gives `forward` and `loss`. **Both are right**: trust them.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import get_activation
from course_lib.exercises import check_close, check_gradient, check_shape, check_true
from course_lib.exercises.checks import checked_call


def forward(weights, biases, X, hidden_activation):
    """Forward pass with a softmax output. Shapes: weights[l-1] = W^l (n_l, n_(l-1)), biases[l-1] = b^l (n_l,),
    X (n, n_0). Returns (zs, activations): zs[l-1] = Z^l (n, n_l); activations[l] = A^l, activations[0] = X."""
    f = get_activation(hidden_activation)
    zs, activations = [], [np.asarray(X, dtype=float)]
    for l, (W, b) in enumerate(zip(weights, biases), start=1):
        zs.append(activations[-1] @ W.T + b)
        if l < len(weights):
            activations.append(f(zs[-1]))
        else:
            e = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
            activations.append(e / e.sum(axis=1, keepdims=True))
    return zs, activations


def loss(weights, biases, X, Y, hidden_activation, lam):
    """Mean cross-entropy over the n samples plus lam / 2 * (sum of every squared weight). Y (n, k) one-hot."""
    P = forward(weights, biases, X, hidden_activation)[1][-1]
    return -np.sum(Y * np.log(P)) / len(X) + lam / 2 * sum(np.sum(W ** 2) for W in weights)


# The example: 2 inputs, two hidden layers of 3 tanh units, 3 classes; 5 samples; penalty 0.05.
_example_rng = np.random.default_rng(66)
SIZES_EXAMPLE = [2, 3, 3, 3]
WEIGHTS_EXAMPLE = [_example_rng.normal(0, 0.8, size=(m, k)) for k, m in zip(SIZES_EXAMPLE[:-1], SIZES_EXAMPLE[1:])]
BIASES_EXAMPLE = [_example_rng.normal(0, 0.5, size=m) for m in SIZES_EXAMPLE[1:]]
X_EXAMPLE = _example_rng.normal(size=(5, 2))
Y_EXAMPLE = np.eye(3)[[0, 2, 1, 1, 0]]
LAM_EXAMPLE = 0.05
BUGS = ("transposed", "derivative", "axis", "one_over_n", "fan_out", "sign")

# %% [markdown]
# ## Part 1: your gradient checker (2 points)
#
# Write `centred_gradient(f, x, h=1e-5)`: `f` maps an array shaped like `x` to a number; return
# the array of centred differences $\bigl(f(x + h e_i) - f(x - h e_i)\bigr)/2h$, one per entry
# $i$ of `x`, shaped like `x`. Leave `x` as you found it (nudge a copy, or put each entry back).
#
# Then write `elementwise_relative_error(a, b)`: for two arrays of one shape, the array of
# $|a - b| / (|a| + |b|)$, entry by entry, with 0 where both entries are 0. The course's rule:
# below $10^{-6}$ the gradients agree; above $10^{-4}$ there is a bug.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "checker_gradient", "schema_version": 3}
def centred_gradient(f, x, h=1e-5):
    """Centred differences of the scalar function f at x. Shapes: x (any) -> same shape; x is left unchanged."""
    ### BEGIN SOLUTION
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "checker_gradient_tests", "points": 1, "schema_version": 3}
_CENTRED_HINT = "(f(x + h e_i) - f(x - h e_i)) / (2 h) for each entry i"
_SHAPE_HINT = "one difference per entry of x, whatever its shape: np.ndindex(x.shape) walks through them"
_x = np.array([1.0, 2.0])
_g = checked_call("centred_gradient of sum(x^3) at [1, 2]", centred_gradient, lambda v: np.sum(v ** 3), _x,
                  hint=_CENTRED_HINT)
check_close("centred_gradient of sum(x^3) at [1, 2]", _g, np.array([3.0, 12.0]), rtol=1e-8, hint=_CENTRED_HINT)
check_close("x after the call", _x, np.array([1.0, 2.0]), hint="nudge a copy of x, not x itself")
_M = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
check_shape("centred_gradient of a (2, 3) matrix",
            checked_call("centred_gradient of a (2, 3) matrix", centred_gradient, lambda v: np.sum(np.sin(v)), _M,
                         hint=_SHAPE_HINT), (2, 3), hint=_SHAPE_HINT)
### BEGIN HIDDEN TESTS
check_close("centred_gradient of sum(sin) on a matrix", centred_gradient(lambda v: np.sum(np.sin(v)), _M),
            np.cos(_M), rtol=1e-8, hint=_SHAPE_HINT)
_v = np.random.default_rng(61).normal(size=(3, 2))
check_close("centred_gradient of sum(v^2) * v[0, 0]", centred_gradient(lambda v: np.sum(v ** 2) * v[0, 0], _v),
            2 * _v * _v[0, 0] + np.eye(1, 6).reshape(3, 2) * np.sum(_v ** 2), rtol=1e-7,
            hint="nudge one entry at a time: f sees x + h e_i, with every other entry as it was")
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "checker_error", "schema_version": 3}
def elementwise_relative_error(a, b):
    """|a - b| / (|a| + |b|) entry by entry, 0 where both are 0. Shapes: a, b (same shape) -> same shape."""
    ### BEGIN SOLUTION
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.abs(a) + np.abs(b)
    return np.abs(a - b) / np.where(scale == 0, 1.0, scale)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "checker_error_tests", "points": 1, "schema_version": 3}
check_close("elementwise_relative_error([1, 3], [1, 1])",
            checked_call("elementwise_relative_error([1, 3], [1, 1])", elementwise_relative_error,
                         np.array([1.0, 3.0]), np.array([1.0, 1.0]), hint="entry by entry, no sum: two arrays in, "
                                                                          "one array of their shape out"),
            np.array([0.0, 0.5]), hint="|3 - 1| / (|3| + |1|) = 0.5")
check_close("elementwise_relative_error where both are 0", elementwise_relative_error(np.zeros(2), np.zeros(2)),
            np.zeros(2), hint="define the error as 0 where both entries are 0, not 0 / 0")
### BEGIN HIDDEN TESTS
_a = np.random.default_rng(62).normal(size=(3, 4))
check_close("elementwise_relative_error of a flipped sign", elementwise_relative_error(_a, -_a), np.ones((3, 4)),
            hint="|a - (-a)| / (|a| + |-a|) = 1 in every entry")
check_close("elementwise_relative_error of a matrix", elementwise_relative_error(_a, 2 * _a), np.full((3, 4), 1 / 3),
            hint="|a - 2a| / (|a| + |2a|) = 1/3 in every entry")
### END HIDDEN TESTS

# %% [markdown]
# ## The backward pass with six bugs
#
# Here it is. The cell is locked: **do not edit it**; Part 3 asks for a fixed copy. It has
# exactly one bug of each kind:
#
# | key | the bug |
# | --- | --- |
# | `"transposed"` | a product with a transposed matrix |
# | `"derivative"` | a missing activation derivative |
# | `"axis"` | a sum over the wrong axis |
# | `"one_over_n"` | a missing $1/n$ |
# | `"fan_out"` | `=` where a value used twice needs `+=` (lesson 4's fan-out: its gradients add) |
# | `"sign"` | a sign error in the update |
#
# The right equations, from lesson 6: $\Delta^L = (P - Y)/n$;
# $\Delta^{l} = (\Delta^{l+1} W^{l+1}) \odot f'(Z^{l})$;
# $\partial L/\partial W^l = (\Delta^l)^\top A^{l-1} + \lambda W^l$ (the penalty adds its share);
# $\partial L/\partial b^l = \sum_i \Delta^l[i,:]$; and a step moves every parameter against its gradient.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "buggy_code", "schema_version": 3}
def buggy_backward(weights, biases, X, Y, hidden_activation, lam):
    """Gradients of loss(...) for every weight and bias: two lists shaped like weights and biases."""
    f = get_activation(hidden_activation)
    zs, activations = forward(weights, biases, X, hidden_activation)
    L = len(weights)
    delta = activations[L] - Y                               # Delta^L, the output error
    grad_weights, grad_biases = [None] * L, [None] * L
    for l in range(L, 0, -1):                                # l = L, L-1, ..., 1
        grad_weights[l - 1] = lam * weights[l - 1]           # the penalty's share of dL/dW^l
        grad_weights[l - 1] = delta.T @ activations[l - 1]   # the layer's share
        grad_biases[l - 1] = delta.sum(axis=1)               # dL/db^l
        if l > 1:
            grad_a = delta @ weights[l - 1].T                # dL/dA^(l-1)
            delta = grad_a                                   # Delta^(l-1) = dL/dZ^(l-1)
    return grad_weights, grad_biases


def buggy_sgd_step(weights, biases, grad_weights, grad_biases, rate):
    """One step of gradient descent: new lists of weights and biases (the old ones unchanged)."""
    new_weights = [W + rate * g for W, g in zip(weights, grad_weights)]
    new_biases = [b - rate * g for b, g in zip(biases, grad_biases)]
    return new_weights, new_biases

# %% [markdown]
# The cell again, with its line numbers (JupyterLab shows the same ones with **View > Show Line
# Numbers**). Part 3 asks for these numbers.

# %%
import linecache

for number, line in enumerate(linecache.getlines(buggy_backward.__code__.co_filename), start=1):
    print(f"{number:2}  {line}", end="")

# %% [markdown]
# ## Part 2: predict before you measure (2 points)
#
# **Predict first.** A bug that scales a gradient leaves a fingerprint in the checker. Say the
# backward pass returns $c\,g$ where the true gradient is $g$, in every entry ($c \ne 0$). Work
# out, on paper, the relative error your checker reports, then write it as
# `relative_error_of_scaled(c)`. What does a missing $1/n$ give on the example's $n = 5$? A
# flipped sign?
#
# Then: a check can only find a bug that changes its numbers. Write
# `visible_bugs(n, lam, hidden_activation, layers)`: the sorted list of the keys above whose bug
# changes what the checker sees on a batch of `n` samples, penalty `lam`, hidden units
# `hidden_activation` and `layers` layers (so $L$ = `layers`; a network of random weights, at
# least 2 classes, some relu units off). Example: `visible_bugs(5, 0.05, "tanh", 3)` is the
# example's list.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predict_scaled", "schema_version": 3}
def relative_error_of_scaled(c):
    """The element-wise relative error of c * g against g, for any g without zero entries. c (float) -> float."""
    ### BEGIN SOLUTION
    return abs(c - 1) / (abs(c) + 1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predict_scaled_tests", "points": 1, "schema_version": 3}
_SCALED_HINT = "|c g - g| / (|c g| + |g|): the g cancels"
_one = checked_call("relative_error_of_scaled(1)", relative_error_of_scaled, 1.0, hint=_SCALED_HINT)
check_true("relative_error_of_scaled(1) is 0", np.ndim(_one) == 0 and _one == 0, "an exact gradient has no error",
           got=_one, expected="0", hint=_SCALED_HINT)
_five = checked_call("relative_error_of_scaled(5)", relative_error_of_scaled, 5.0, hint=_SCALED_HINT)
check_true("relative_error_of_scaled(5) lies between 0 and 1", np.ndim(_five) == 0 and 0 <= _five <= 1,
           "|a - b| <= |a| + |b|, so the error is at most 1", got=_five, expected="one number from 0 to 1",
           hint=_SCALED_HINT)
### BEGIN HIDDEN TESTS
for _c in (5.0, -1.0, 0.25, -3.0):
    check_close(f"relative_error_of_scaled({_c})", relative_error_of_scaled(_c), abs(_c - 1) / (abs(_c) + 1),
                hint=_SCALED_HINT)
### END HIDDEN TESTS

# %% [markdown]
# <details><summary>Answer (open after you have guessed)</summary>
#
# $|cg - g| / (|cg| + |g|) = |c - 1| / (|c| + 1)$: the same in every entry. A missing $1/n$
# with $n = 5$ gives $4/6 \approx 0.67$ everywhere; a flipped sign gives exactly 1. So when
# every entry of a gradient shows the same error, look for a missing factor, and ask which
# factor gives that error.
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "visible", "schema_version": 3}
def visible_bugs(n, lam, hidden_activation, layers):
    """The sorted keys of the bugs a gradient checker can see with n samples, penalty lam, this hidden
    activation (a name) and this many layers. -> list of str."""
    ### BEGIN SOLUTION
    seen = ["axis"]                                   # shapes differ for any batch
    if n > 1:
        seen.append("one_over_n")                     # n = 1 divides by 1
    if lam != 0:
        seen.append("fan_out")                        # without a penalty its share is zero
    if layers > 1:
        seen.append("transposed")                     # only the step between layers uses W^(l+1)
        if hidden_activation != "identity":
            seen.append("derivative")                 # identity's slope is 1 everywhere
    return sorted(seen)                               # "sign" never: the update is no gradient
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "visible_tests", "points": 1, "schema_version": 3}
_seen = checked_call('visible_bugs(5, 0.05, "tanh", 3)', visible_bugs, 5, 0.05, "tanh", 3,
                     hint="start from every key and take out the ones each setting hides")
check_true("visible_bugs gives a list of keys", isinstance(_seen, list) and set(_seen) <= set(BUGS),
           "the answer is a list of keys of the table", got=_seen, expected=f"a list of some of {BUGS}",
           hint="use the keys of the table, spelt as there")
check_true("visible_bugs is sorted", _seen == sorted(_seen), "the keys are not in alphabetical order", got=_seen,
           expected=repr(sorted(_seen)), hint="return sorted(...)")
### BEGIN HIDDEN TESTS
for _case, _want in (((5, 0.05, "tanh", 3), ["axis", "derivative", "fan_out", "one_over_n", "transposed"]),
                     ((1, 0.0, "identity", 2), ["axis", "transposed"]),
                     ((8, 0.1, "relu", 1), ["axis", "fan_out", "one_over_n"])):
    check_close(f"visible_bugs{_case}", list(visible_bugs(*_case)), _want,
                hint="one sample hides the 1/n, lam = 0 the fan-out, identity units the derivative, one layer "
                     "the step between layers; the sign is never seen")
### END HIDDEN TESTS

# %% [markdown]
# <details><summary>Answer (open after you have guessed)</summary>
#
# On the example, five: every bug but `"sign"`, which is in the update, not in a gradient. A
# batch of one hides the missing $1/n$; $\lambda = 0$ hides the fan-out (the penalty's share is
# zero); identity units hide the missing derivative (slope 1); one layer hides both bugs of the
# step between layers. Turn this round and you have a way to find a bug: **change one of these
# and watch which disagreements go away.**
# </details>

# %% [markdown]
# ## Try it: run your checker on the buggy code
#
# The cell below runs your checker on every parameter, top layer first, and prints one verdict
# each. Change the arguments of the last line (a batch of one: `X_EXAMPLE[:1], Y_EXAMPLE[:1]`;
# `lam=0.0`; `"identity"`; a one-layer network `[WEIGHTS_EXAMPLE[0][:3]]`...) and watch which
# verdicts change.

# %%
def report(backward_pass, weights, biases, X, Y, hidden_activation, lam):
    """Your checker on every parameter, top layer first: one verdict a line."""
    grad_weights, grad_biases = backward_pass(weights, biases, X, Y, hidden_activation, lam)
    for l in range(len(weights), 0, -1):
        for name, params, grads in (("W", weights, grad_weights), ("b", biases, grad_biases)):
            def loss_of(value):
                changed = [value if k == l - 1 else p for k, p in enumerate(params)]
                pair = (changed, biases) if name == "W" else (weights, changed)
                return loss(*pair, X, Y, hidden_activation, lam)
            numeric = centred_gradient(loss_of, params[l - 1])
            analytic = np.asarray(grads[l - 1], dtype=float)
            if analytic.shape != numeric.shape:
                print(f"{name}^{l}: shape {analytic.shape}, expected {numeric.shape}")
                continue
            worst = elementwise_relative_error(analytic, numeric).max()
            print(f"{name}^{l}: " + ("agree" if worst < 1e-6 else "BUG" if worst > 1e-4 else "look closer"))


report(buggy_backward, WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, Y_EXAMPLE, "tanh", LAM_EXAMPLE)

# %% [markdown]
# <details><summary>Stuck? How to corner a bug with the checker</summary>
#
# - **Shapes first.** A gradient of the wrong shape is a bug in the line that made it: which
#   product or sum gives that shape?
# - **Top layer first.** $\partial L/\partial W^L$ needs only $\Delta^L$ and the lines inside the
#   loop. If it agrees and layer $L-1$ does not, the bug is in the step from $\Delta^L$ to
#   $\Delta^{L-1}$.
# - **Weights and biases apart.** Both use the same $\Delta^l$: if one agrees and the other does
#   not, the bug is in the line only the other one uses.
# - **Look at the numbers, not only the verdict.** Print `analytic / numeric`: the same ratio in
#   every entry is a missing factor (which one?); a ratio of $-1$ is a sign.
# - **Switch one thing off at a time** (Part 2): a batch of one, `lam=0.0`, `"identity"` units,
#   one layer. A disagreement that goes away tells you which ingredient the bug lives in.
# - **Fix one bug, then run the checker again.** Bugs hide each other.
# </details>

# %% [markdown]
# ## Part 3: the six bugs (6 points, 1 a bug)
#
# Write `bug_lines()`, returning a dict from each key of the table to the line number of its bug
# in the locked cell. Then copy that cell's two functions into the cell below, rename them
# `backward` and `sgd_step`, and fix them: change only the buggy lines. Each bug earns its point
# when its line is right **and** it is fixed (the grader checks each fix on networks where
# that bug shows, whether or not the others are fixed).
#
# The checker cannot find one of the bugs. Once the gradients agree, take a few steps with
# `sgd_step` and watch the loss (the last cell does this).

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "bug_lines", "schema_version": 3}
def bug_lines():
    """{key: line number of that bug in the locked cell}, for the six keys of BUGS."""
    ### BEGIN SOLUTION
    return {"one_over_n": 6, "fan_out": 10, "axis": 11, "transposed": 13, "derivative": 14, "sign": 20}
    ### END SOLUTION


# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "fixed_code", "schema_version": 3}
def backward(weights, biases, X, Y, hidden_activation, lam):
    """Gradients of loss(...) for every weight and bias: two lists shaped like weights and biases."""
    ### BEGIN SOLUTION
    f = get_activation(hidden_activation)
    zs, activations = forward(weights, biases, X, hidden_activation)
    L = len(weights)
    delta = (activations[L] - Y) / len(X)                    # Delta^L, the output error
    grad_weights, grad_biases = [None] * L, [None] * L
    for l in range(L, 0, -1):                                # l = L, L-1, ..., 1
        grad_weights[l - 1] = lam * weights[l - 1]           # the penalty's share of dL/dW^l
        grad_weights[l - 1] += delta.T @ activations[l - 1]  # the layer's share
        grad_biases[l - 1] = delta.sum(axis=0)               # dL/db^l
        if l > 1:
            grad_a = delta @ weights[l - 1]                  # dL/dA^(l-1)
            delta = grad_a * f.derivative(zs[l - 2])         # Delta^(l-1) = dL/dZ^(l-1)
    return grad_weights, grad_biases
    ### END SOLUTION


def sgd_step(weights, biases, grad_weights, grad_biases, rate):
    """One step of gradient descent: new lists of weights and biases (the old ones unchanged)."""
    ### BEGIN SOLUTION
    new_weights = [W - rate * g for W, g in zip(weights, grad_weights)]
    new_biases = [b - rate * g for b, g in zip(biases, grad_biases)]
    return new_weights, new_biases
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "transposed_tests", "points": 1, "schema_version": 3}
# A product with a transposed matrix. The test: a 3-5-2 network of identity units, one sample, no penalty.
_lines = checked_call("bug_lines()", bug_lines, hint="return a dict from each key of the table to a line number")
_line = _lines.get("transposed") if isinstance(_lines, dict) else None
check_true("bug_lines()['transposed'] is a line of the locked cell", isinstance(_line, int) and 1 <= _line <= 22,
           "each key maps to the number of a line of the locked cell, 1 to 22", got=_lines,
           expected="a dict with the six keys of BUGS, each mapped to an int from 1 to 22",
           hint="the numbers printed beside the locked cell, or View > Show Line Numbers")
_r = np.random.default_rng(63)
_Ws, _bs = [_r.normal(size=(5, 3)), _r.normal(size=(2, 5))], [_r.normal(size=5), _r.normal(size=2)]
_X, _Y = _r.normal(size=(1, 3)), np.eye(2)[[1]]
_TRANSPOSED_HINT = "W^2 is (2, 5): which product of Delta^2 (1, 2) with W^2 gives dL/dA^1 (1, 5)?"
_gW = checked_call("backward on a 3-5-2 network of identity units, one sample", backward, _Ws, _bs, _X, _Y,
                   "identity", 0.0, returns=("grad_weights", "grad_biases"), hint=_TRANSPOSED_HINT)[0]
check_gradient("d loss / d W^1 of a 3-5-2 network of identity units, one sample, lam = 0",
               lambda W: loss([W, _Ws[1]], _bs, _X, _Y, "identity", 0.0), _Ws[0], _gW[0], hint=_TRANSPOSED_HINT)
### BEGIN HIDDEN TESTS
check_close("the line of the transposed product", _line, 13, hint="the line that makes dL/dA^(l-1)")
_Z1 = _X @ _Ws[0].T + _bs[0]
_P = forward(_Ws, _bs, _X, "sigmoid")[1][-1]
_up = (_P - _Y) @ _Ws[1]
_s = 1 / (1 + np.exp(-_Z1))
_got = backward(_Ws, _bs, _X, _Y, "sigmoid", 0.0)[0][0]
check_true("d loss / d W^1 of the 3-5-2 network with sigmoid units",
           any(np.allclose(_got, (_up * d).T @ _X, rtol=1e-6, atol=1e-9) for d in (_s * (1 - _s), 1.0)),
           "Delta^2 @ W^2, not Delta^2 @ (W^2)^T", got=_got, hint="dL/dA^(l-1) = Delta^l W^l, (n, n_l) times (n_l, n_(l-1))")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "derivative_tests", "points": 1, "schema_version": 3}
# A missing activation derivative. The test: a 3-4-4 network (square W^2), one sample, no penalty.
_lines = checked_call("bug_lines()", bug_lines, hint="return a dict from each key of the table to a line number")
_line = _lines.get("derivative") if isinstance(_lines, dict) else None
check_true("bug_lines()['derivative'] is a line of the locked cell", isinstance(_line, int) and 1 <= _line <= 22,
           "each key maps to the number of a line of the locked cell, 1 to 22", got=_lines,
           expected="a dict with the six keys of BUGS, each mapped to an int from 1 to 22",
           hint="the numbers printed beside the locked cell, or View > Show Line Numbers")
_r = np.random.default_rng(64)
_Ws, _bs = [_r.normal(size=(4, 3)), _r.normal(size=(4, 4))], [_r.normal(size=4), _r.normal(size=4)]
_X, _Y = _r.normal(size=(1, 3)), np.eye(4)[[2]]
_Z1 = _X @ _Ws[0].T + _bs[0]
_P = forward(_Ws, _bs, _X, "tanh")[1][-1]
_got = checked_call("backward on a 3-4-4 tanh network, one sample", backward, _Ws, _bs, _X, _Y, "tanh", 0.0,
                   returns=("grad_weights", "grad_biases"),
                   hint="Delta^(l-1) = dL/dA^(l-1) * f'(Z^(l-1)): every factor is (n, n_(l-1))")[0][0]
check_true("d loss / d W^1 of a 3-4-4 tanh network carries tanh's slope 1 - tanh(Z^1)^2",
           any(np.allclose(_got, (((_P - _Y) @ W) * (1 - np.tanh(_Z1) ** 2)).T @ _X, rtol=1e-6, atol=1e-9)
               for W in (_Ws[1], _Ws[1].T)),
           "Delta^1 = dL/dA^1 * f'(Z^1): the error of a hidden layer passes through its units' slopes", got=_got,
           hint="Delta^(l-1) = dL/dA^(l-1) * f'(Z^(l-1)), entry by entry; zs[l - 2] is Z^(l-1)")
### BEGIN HIDDEN TESTS
check_close("the line of the missing derivative", _line, 14, hint="the line that makes Delta^(l-1)")
_Z1 = _X @ _Ws[0].T + _bs[0]
_P = forward(_Ws, _bs, _X, "sigmoid")[1][-1]
_s = 1 / (1 + np.exp(-_Z1))
_got = backward(_Ws, _bs, _X, _Y, "sigmoid", 0.0)[0][0]
check_true("d loss / d W^1 of the 3-4-4 network with sigmoid units",
           any(np.allclose(_got, (((_P - _Y) @ W) * _s * (1 - _s)).T @ _X, rtol=1e-6, atol=1e-9)
               for W in (_Ws[1], _Ws[1].T)), "multiply by f'(Z^(l-1))", got=_got,
           hint="f.derivative(zs[l - 2]) is sigmoid's slope for sigmoid units")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "axis_tests", "points": 1, "schema_version": 3}
# A sum over the wrong axis. The test: a one-layer network (4 inputs, 3 classes), one sample.
_lines = checked_call("bug_lines()", bug_lines, hint="return a dict from each key of the table to a line number")
_line = _lines.get("axis") if isinstance(_lines, dict) else None
check_true("bug_lines()['axis'] is a line of the locked cell", isinstance(_line, int) and 1 <= _line <= 22,
           "each key maps to the number of a line of the locked cell, 1 to 22", got=_lines,
           expected="a dict with the six keys of BUGS, each mapped to an int from 1 to 22",
           hint="the numbers printed beside the locked cell, or View > Show Line Numbers")
_r = np.random.default_rng(65)
_W, _b, _X, _Y = _r.normal(size=(3, 4)), _r.normal(size=3), _r.normal(size=(1, 4)), np.eye(3)[[0]]
_gb = checked_call("backward on a one-layer network, one sample", backward, [_W], [_b], _X, _Y, "tanh", 0.0,
                   returns=("grad_weights", "grad_biases"), hint="sum Delta^l over the samples, the rows")[1]
check_shape("d loss / d b^1 of a one-layer network", _gb[0], (3,), hint="one entry per unit of the layer")
check_gradient("d loss / d b^1 of a one-layer network, one sample", lambda b: loss([_W], [b], _X, _Y, "tanh", 0.0),
               _b, _gb[0], hint="sum Delta^l over the samples, the rows")
### BEGIN HIDDEN TESTS
check_close("the line of the sum over the wrong axis", _line, 11, hint="the line that makes dL/db^l")
_X, _Y = _r.normal(size=(6, 4)), np.eye(3)[[0, 1, 2, 2, 1, 0]]
_P = forward([_W], [_b], _X, "tanh")[1][-1]
_got = backward([_W], [_b], _X, _Y, "tanh", 0.0)[1][0]
check_true("d loss / d b^1 of a one-layer network on 6 samples",
           any(np.shape(_got) == (3,) and np.allclose(_got, (_P - _Y).sum(axis=0) / m) for m in (1, 6)),
           "sum over the rows: axis=0", got=_got, expected="an array of shape (3,): Delta^1 summed over the 6 samples",
           hint="sum over the rows: axis=0")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "one_over_n_tests", "points": 1, "schema_version": 3}
# A missing 1/n. The test: a one-layer network (4 inputs, 3 classes), 6 samples, no penalty.
_lines = checked_call("bug_lines()", bug_lines, hint="return a dict from each key of the table to a line number")
_line = _lines.get("one_over_n") if isinstance(_lines, dict) else None
check_true("bug_lines()['one_over_n'] is a line of the locked cell", isinstance(_line, int) and 1 <= _line <= 22,
           "each key maps to the number of a line of the locked cell, 1 to 22", got=_lines,
           expected="a dict with the six keys of BUGS, each mapped to an int from 1 to 22",
           hint="the numbers printed beside the locked cell, or View > Show Line Numbers")
_r = np.random.default_rng(66)
_W, _b, _X, _Y = _r.normal(size=(3, 4)), _r.normal(size=3), _r.normal(size=(6, 4)), np.eye(3)[[0, 1, 2, 2, 1, 0]]
_gW = checked_call("backward on a one-layer network, 6 samples", backward, [_W], [_b], _X, _Y, "tanh", 0.0,
                   returns=("grad_weights", "grad_biases"), hint="the loss is a mean over the n samples")[0]
check_gradient("d loss / d W^1 of a one-layer network, 6 samples, lam = 0",
               lambda W: loss([W], [_b], _X, _Y, "tanh", 0.0), _W, _gW[0], hint="the loss is a mean over the n samples")
### BEGIN HIDDEN TESTS
check_close("the line of the missing 1/n", _line, 6, hint="the line that makes Delta^L")
_X, _Y = _r.normal(size=(9, 4)), np.eye(3)[_r.integers(0, 3, size=9)]
_P = forward([_W], [_b], _X, "relu")[1][-1]
check_close("d loss / d W^1 of a one-layer network, 9 samples", backward([_W], [_b], _X, _Y, "relu", 0.0)[0][0],
            (_P - _Y).T @ _X / 9, hint="the loss is a mean over the n = 9 samples")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "fan_out_tests", "points": 1, "schema_version": 3}
# = where fan-out needs +=. The test: a one-layer network (4 inputs, 3 classes), one sample, lam = 0.3.
_lines = checked_call("bug_lines()", bug_lines, hint="return a dict from each key of the table to a line number")
_line = _lines.get("fan_out") if isinstance(_lines, dict) else None
check_true("bug_lines()['fan_out'] is a line of the locked cell", isinstance(_line, int) and 1 <= _line <= 22,
           "each key maps to the number of a line of the locked cell, 1 to 22", got=_lines,
           expected="a dict with the six keys of BUGS, each mapped to an int from 1 to 22",
           hint="the numbers printed beside the locked cell, or View > Show Line Numbers")
_r = np.random.default_rng(67)
_W, _b, _X, _Y = _r.normal(size=(3, 4)), _r.normal(size=3), _r.normal(size=(1, 4)), np.eye(3)[[1]]
_gW = checked_call("backward on a one-layer network, one sample, lam = 0.3", backward, [_W], [_b], _X, _Y, "tanh",
                   0.3, returns=("grad_weights", "grad_biases"),
                   hint="W^l feeds the layer and the penalty: both shares of its gradient must add up")[0]
check_gradient("d loss / d W^1 of a one-layer network, one sample, lam = 0.3",
               lambda W: loss([W], [_b], _X, _Y, "tanh", 0.3), _W, _gW[0],
               hint="W^l feeds the layer and the penalty: both shares of its gradient must add up")
### BEGIN HIDDEN TESTS
check_close("the line of the fan-out", _line, 10, hint="the line that overwrites the penalty's share")
_P = forward([_W], [_b], _X, "sigmoid")[1][-1]
check_close("d loss / d W^1 with lam = 1.5", backward([_W], [_b], _X, _Y, "sigmoid", 1.5)[0][0],
            (_P - _Y).T @ _X + 1.5 * _W, hint="both shares of dL/dW^l add up: the layer's and lam W^l")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "sign_tests", "points": 1, "schema_version": 3}
# A sign error in the update. The test: one step on random parameters and gradients.
_lines = checked_call("bug_lines()", bug_lines, hint="return a dict from each key of the table to a line number")
_line = _lines.get("sign") if isinstance(_lines, dict) else None
check_true("bug_lines()['sign'] is a line of the locked cell", isinstance(_line, int) and 1 <= _line <= 22,
           "each key maps to the number of a line of the locked cell, 1 to 22", got=_lines,
           expected="a dict with the six keys of BUGS, each mapped to an int from 1 to 22",
           hint="the numbers printed beside the locked cell, or View > Show Line Numbers")
_new_W, _new_b = checked_call("sgd_step of a one-layer network", sgd_step, [np.array([[1.0, 2.0]])], [np.array([0.5])],
                              [np.array([[1.0, -1.0]])], [np.array([2.0])], 0.1, returns=("new_weights", "new_biases"),
                              hint="every parameter moves against its gradient: W - rate * dL/dW")
check_close("sgd_step's weights after one step of rate 0.1", _new_W[0], np.array([[0.9, 2.1]]),
            hint="move against the gradient: W - rate * dL/dW")
check_close("sgd_step's biases after one step of rate 0.1", _new_b[0], np.array([0.3]),
            hint="move against the gradient: b - rate * dL/db")
### BEGIN HIDDEN TESTS
check_close("the line of the sign error", _line, 20, hint="the line that moves the weights")
_r = np.random.default_rng(68)
_p = [_r.normal(size=(3, 2)), _r.normal(size=(2, 3))]
_g = [_r.normal(size=(3, 2)), _r.normal(size=(2, 3))]
_q, _h = [_r.normal(size=3), _r.normal(size=2)], [_r.normal(size=3), _r.normal(size=2)]
_new_W, _new_b = sgd_step(_p, _q, _g, _h, 0.7)
check_close("sgd_step on a 2-3-2 network", (_new_W, _new_b),
            ([p - 0.7 * g for p, g in zip(_p, _g)], [q - 0.7 * h for q, h in zip(_q, _h)]),
            hint="every parameter moves against its gradient")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it: does it learn now?
#
# Your checker on your fixed `backward`, then 20 steps of `sgd_step` on the example batch at
# rate 0.5: the loss should fall at every step.

# %%
report(backward, WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, Y_EXAMPLE, "tanh", LAM_EXAMPLE)

# %% tags=["worked:learns"]
weights, biases = WEIGHTS_EXAMPLE, BIASES_EXAMPLE
losses = [loss(weights, biases, X_EXAMPLE, Y_EXAMPLE, "tanh", LAM_EXAMPLE)]
for step in range(20):
    grad_weights, grad_biases = backward(weights, biases, X_EXAMPLE, Y_EXAMPLE, "tanh", LAM_EXAMPLE)
    weights, biases = sgd_step(weights, biases, grad_weights, grad_biases, 0.5)
    losses.append(loss(weights, biases, X_EXAMPLE, Y_EXAMPLE, "tanh", LAM_EXAMPLE))
print("the loss falls at every step:", all(after < before for before, after in zip(losses, losses[1:])))
print(f"from {losses[0]:.2f} to {losses[-1]:.2f}")
