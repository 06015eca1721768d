# ---
# jupyter:
#   course_exercise:
#     id: ex08_initialization
#     title: "Exercise 8: derive the initial scale, and catch the symmetric start"
#     lesson: "08"
# ---

# %% [markdown]
# # Exercise 8: derive the initial scale, and catch the symmetric start (10 points)
#
# Lesson 8 derived the initial scale of the weights from the second moment $E[z^2]$, and showed
# that a start with equal weights never breaks its symmetry. Here you carry the derivation to
# cases the lesson did not work out, predict what a scale does before you measure it, and show
# with numbers why a zero start stays stuck.
#
# **Objectives.** After this exercise you can
#
# - derive the standard deviation that keeps $E[z^2]$ steady from layer to layer, for ReLU and
#   for leaky ReLU of any slope;
# - predict, layer by layer, what a given initialisation (Xavier, or any other) does to the
#   second moment of a deep ReLU network, and check it with a forward pass you write;
# - compute what the first gradient step does from an all-zero start, and show that equal
#   hidden units stay equal while they train.
#
# **Expected time:** about 75 minutes. This exercise asks more derivation than exercise 7.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `steady_std`: the scale that keeps $E[z^2]$ steady, derived | 3 |
# | 2 | `predicted_moments`: what a scale does to $E[z^2]$, layer by layer, predicted | 3 |
# | 3 | `second_moments`: the same, measured | 1 |
# | 4 | `zero_start_gradients`, `spread_after_steps`: the symmetric starts | 3 |

# %% [markdown]
# **Conventions** (the course's notation). Layers are numbered from 1: $A^0 = X$, one sample
# per row; layer $l = 1, \dots, L$ has weights $W^l$ of shape ($n_l$, $n_{l-1}$), so
# $n_\text{in} = n_{l-1}$ and $n_\text{out} = n_l$, and bias $b^l$;
# $Z^l = A^{l-1} (W^l)^\top + b^l$ and, in the hidden layers, $A^l = f(Z^l)$. Python lists
# count from 0: `weights[l-1]` is $W^l$, `biases[l-1]` is $b^l$, and `sizes[l]` is $n_l$.
# The second moment of a layer is the mean of the squares of all entries of $Z^l$.
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. The test cells of
# Parts 1, 2 and 4 check only the form of your answers: your derivations and predictions are
# graded by the grader, on cases it draws at random. Before you submit, use
# **Kernel > Restart Kernel and Run All Cells**.
#
# {{ not allowed while graded }}
#
# Write the passes with numpy. `get_activation(name)` is allowed.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import get_activation
from course_lib.exercises import check_close, check_shape, check_true
from course_lib.exercises.checks import checked_call

# XOR, the four points of lesson 8.
X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])


def row_spread(M):
    """The largest difference between any row of M and its first row: 0 when all rows are equal."""
    M = np.asarray(M, dtype=float)
    return float(np.max(np.abs(M - M[0])))


def drawn_network(sizes, stds, seed=0):
    """Weights drawn normal with mean 0 and standard deviation stds[l-1] for layer l, biases 0.

    Returns (weights, biases): weights[l-1] of shape (sizes[l], sizes[l-1]), biases[l-1] of shape (sizes[l],).
    """
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, std, size=(n_out, n_in)) for n_in, n_out, std in zip(sizes[:-1], sizes[1:], stds)]
    return weights, [np.zeros(n_out) for n_out in sizes[1:]]


# %% [markdown]
# ## Part 1: derive the steady scale (3 points)
#
# Hidden units are **leaky ReLU** units with slope `negative_slope` below 0 (0 is ReLU, 1 the
# identity): $f(z) = z$ for $z > 0$ and `negative_slope` $\times z$ otherwise. The weights of
# a layer with $n_\text{in}$ inputs and $n_\text{out}$ units are drawn independently, normal
# with mean 0; biases are 0.
#
# Write `steady_std(n_in, n_out, negative_slope)`: the standard deviation of those weights for
# which $E[z^2]$ is the same in this layer as in the layer before it. Derive it on paper first,
# the way lesson 8 did for ReLU, then write your result as a function.
#
# <details><summary>Stuck?</summary>
#
# Lesson 8, section "Xavier/Glorot and He: the scale chosen from the layer sizes": the first
# slide gives $E[z^2]$ of a layer from $E[a^2]$ of the layer before; the second says what ReLU
# does to $E[a^2]$. For a leaky unit, split $E[a^2]$ into the half where $z > 0$ and the half
# where $z < 0$. The optional section "the algebra behind the two scales" has the steps.
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "derivation", "schema_version": 3}
def steady_std(n_in, n_out, negative_slope):
    """Standard deviation of the weights that keeps E[z^2] steady through leaky ReLU layers: a float."""
    ### BEGIN SOLUTION
    # E[z^2] = n_in sigma^2 E[a^2], and E[a^2] = (1 + slope^2) / 2 * E[z^2] for z symmetric about 0.
    return float(np.sqrt(2.0 / ((1.0 + negative_slope**2) * n_in)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "derivation_tests", "points": 3, "schema_version": 3}
_STEADY_HINT = "E[z^2] = n_in sigma^2 E[a^2]; what fraction of E[z^2] is E[a^2] for this slope?"
_std = checked_call("steady_std(256, 128, 0.0)", steady_std, 256, 128, 0.0, hint=_STEADY_HINT)
check_true("steady_std(256, 128, 0.0) is a positive number",
           isinstance(_std, (int, float, np.floating)) and np.isfinite(_std) and _std > 0,
           "a standard deviation is one positive number", got=_std, expected="one float above 0",
           hint="return one float, a standard deviation")
check_true("steady_std(256, 128, 0.0) is a standard deviation below 1", _std < 1,
           "weights that large make a layer of 256 inputs explode", got=_std, expected="a float well below 1",
           hint="a standard deviation, not a variance or its inverse")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(801)
for _ in range(6):
    _n_in, _n_out, _slope = int(_rng.integers(1, 2000)), int(_rng.integers(1, 2000)), float(_rng.uniform(0, 1))
    check_close(f"steady_std({_n_in}, {_n_out}, {_slope:.3f})", steady_std(_n_in, _n_out, _slope),
                np.sqrt(2 / ((1 + _slope**2) * _n_in)), rtol=1e-6,
                hint=_STEADY_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: predict what a scale does (3 points)
#
# A network has ReLU hidden units and biases 0; layer $l$'s weights are drawn with standard
# deviation `stds[l-1]`. Write `predicted_moments(sizes, stds)`: an array of shape ($L$,) whose
# entry `l-1` is your prediction of $E[(Z^l)^2] / E[(Z^1)^2]$, layer $l$'s second moment
# relative to the first layer's (so the first entry is 1). The last layer reads ReLU outputs
# like the others.
#
# Then, **before you run anything**, write down your answer to this: a deep ReLU network whose
# layers are all 64 units wide is drawn with **Xavier**'s scale, $\sigma^2 = 2/(n_\text{in} +
# n_\text{out})$ (lesson 8's table). By what factor does $E[z^2]$ change per layer? And if the
# widths alternate 64, 256, 64, 256, ...? Part 3 and the Try it measure both.
#
# <details><summary>Stuck?</summary>
#
# Lesson 8, the first two slides of "Xavier/Glorot and He": one layer's $E[z^2]$ from the layer
# before, through ReLU. Apply it once per layer; the factors multiply.
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "prediction", "schema_version": 3}
def predicted_moments(sizes, stds):
    """Predicted E[(Z^l)^2] / E[(Z^1)^2] for l = 1..L through ReLU hidden layers.

    sizes: [n_0, n_1, ..., n_L]; stds: L standard deviations, stds[l-1] for layer l. Returns shape (L,).
    """
    ### BEGIN SOLUTION
    ratios = [1.0]
    for l in range(1, len(stds)):                 # layer l + 1 reads relu(Z^l) through n_l inputs
        ratios.append(ratios[-1] * sizes[l] * stds[l] ** 2 / 2.0)
    return np.array(ratios)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "prediction_tests", "points": 3, "schema_version": 3}
_sizes = [64, 64, 64, 64, 1]
_xavier = [np.sqrt(2 / (n_in + n_out)) for n_in, n_out in zip(_sizes[:-1], _sizes[1:])]
_MOMENTS_HINT = "E[(Z^(l+1))^2] = n_l sigma_(l+1)^2 E[(A^l)^2], and ReLU halves E[z^2]"
_moments = checked_call("predicted_moments for a 64-64-64-64-1 network", predicted_moments, _sizes, _xavier,
                        hint=_MOMENTS_HINT)
check_shape("predicted_moments for a 64-64-64-64-1 network", _moments, (4,), hint="one entry per layer, 1 to L")
_moments = np.asarray(_moments, dtype=float)
check_close("the first entry of predicted_moments (layer 1 relative to itself)", _moments[0], 1.0,
            hint="entry l-1 is E[(Z^l)^2] / E[(Z^1)^2]")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(802)
_sizes = [int(n) for n in _rng.integers(2, 300, size=6)]
_stds = [float(s) for s in _rng.uniform(0.01, 0.3, size=5)]
_expected = np.cumprod([1.0] + [_sizes[l] * _stds[l] ** 2 / 2 for l in range(1, 5)])
check_close("predicted_moments of a random ReLU network", predicted_moments(_sizes, _stds), _expected, rtol=0.02,
            hint=_MOMENTS_HINT)
check_close("predicted_moments of the 64-wide Xavier network", predicted_moments([64] * 5 + [1], [1 / 8] * 4 + [np.sqrt(2 / 65)]),
            [1.0, 0.5, 0.25, 0.125, 0.0625 * 64 * (2 / 65)], rtol=0.02,
            hint="with sigma^2 = 1/64 each ReLU layer halves E[z^2]; the last layer has its own sigma")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: measure it (1 point)
#
# Write `second_moments(weights, biases, X, negative_slope)`: run the forward pass (leaky ReLU
# hidden units with this slope; the output layer's activation does not matter) and return an
# array of shape ($L$,) whose entry `l-1` is $E[(Z^l)^2]$, the mean of the squares of every
# entry of $Z^l$.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "measurement", "schema_version": 3}
def second_moments(weights, biases, X, negative_slope):
    """Mean of Z^l squared for l = 1..L through leaky ReLU hidden layers.

    Shapes: weights[l-1] (n_l, n_(l-1)); biases[l-1] (n_l,); X (n, n_0) -> (L,).
    """
    ### BEGIN SOLUTION
    moments, a = [], np.asarray(X, dtype=float)
    for W, b in zip(weights, biases):
        z = a @ np.asarray(W).T + b
        moments.append(np.mean(z**2))
        a = np.where(z > 0, z, negative_slope * z)
    return np.array(moments)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "measurement_tests", "points": 1, "schema_version": 3}
_measured = checked_call("second_moments of a 2-1-1 network", second_moments,
                         [np.array([[1.0, -1.0]]), np.array([[2.0]])], [np.zeros(1), np.array([1.0])],
                         np.array([[3.0, 1.0], [1.0, 3.0]]), 0.5,
                         hint="Z^l = A^(l-1) (W^l)^T + b^l, one row per sample; leaky ReLU between layers")
check_shape("second_moments of a 2-1-1 network", _measured, (2,), hint="one entry per layer")
check_close("second_moments of a 2-1-1 network with slope 0.5 (Z^1 = [[2], [-2]])", _measured, np.array([4.0, 13.0]),
            hint="Z^1 = [[2], [-2]] gives A^1 = [[2], [-1]]; then Z^2 = 2 A^1 + 1; mean of the squares")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(803)
_Ws, _bs = drawn_network([5, 7, 6, 2], [0.5, 0.4, 0.3], seed=803)
_bs = [_rng.normal(size=b.shape) for b in _bs]
_X = _rng.normal(size=(9, 5))
_a, _expected = _X, []
for _W, _b in zip(_Ws, _bs):
    _z = _a @ _W.T + _b
    _expected.append(np.mean(_z * _z))
    _a = np.maximum(_z, 0.2 * _z)
check_close("second_moments of a random 5-7-6-2 network, slope 0.2", second_moments(_Ws, _bs, _X, 0.2), _expected,
            hint="the mean of Z^l squared over every sample and unit, layer by layer; leaky ReLU keeps 0.2 z below 0")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: the symmetric starts (3 points)
#
# A network with one hidden layer: $W^1$ ($n_\text{hidden}$, $n_\text{in}$), $b^1$, $W^2$
# (1, $n_\text{hidden}$), $b^2$; hidden units `hidden` (`"tanh"`, `"sigmoid"` or `"relu"`), a
# **sigmoid output** and the **binary cross-entropy**, averaged over the $n$ samples.
#
# 1. `zero_start_gradients(hidden, n_in, n_hidden, Y)` (2 points): every weight and bias is 0.
#    Without running anything, work out $\partial L/\partial W^1$ and $\partial L/\partial W^2$
#    for the targets `Y` (shape ($n$, 1)) and *any* inputs $X$ ($n$, $n_\text{in}$), and
#    return them as a pair of arrays. Which zero makes each of them what it is?
# 2. `spread_after_steps(W1, b1, W2, b2, X, Y, hidden, steps, learning_rate)` (1 point): take
#    `steps` full-batch steps of gradient descent from these parameters, with gradients you
#    compute yourself, and return `row_spread` of $\partial L/\partial W^1$ at the parameters
#    reached: how different the hidden units' gradients are. Leave the arrays you were given
#    unchanged.
#
# <details><summary>Stuck?</summary>
#
# Lesson 8, "All-zero weights": the slides after the printout say which factor in each gradient
# is zero, and why sigmoid units are the least obvious case. What does a sigmoid unit output
# when its sum is 0? The gradients themselves: lesson 6, "Four equations, derived", and
# "One loss scale: the mean" for the factor $1/n$.
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "symmetry", "schema_version": 3}
def zero_start_gradients(hidden, n_in, n_hidden, Y):
    """dL/dW^1 (n_hidden, n_in) and dL/dW^2 (1, n_hidden) at the all-zero start, for targets Y (n, 1)."""
    ### BEGIN SOLUTION
    a_hidden = 0.5 if hidden == "sigmoid" else 0.0             # f(0): every hidden unit outputs the same
    delta_out = (0.5 - np.asarray(Y, dtype=float)) / len(Y)    # sigmoid(0) - y, over n
    grad_W2 = np.full((1, n_hidden), a_hidden * delta_out.sum())
    return np.zeros((n_hidden, n_in)), grad_W2                 # W^2 = 0 multiplies every hidden error term
    ### END SOLUTION


def spread_after_steps(W1, b1, W2, b2, X, Y, hidden, steps, learning_rate):
    """row_spread of dL/dW^1 after `steps` full-batch steps: a float.

    Shapes: W1 (h, n_in), b1 (h,), W2 (1, h), b2 (1,), X (n, n_in), Y (n, 1).
    """
    ### BEGIN SOLUTION
    f = get_activation(hidden)
    W1, b1, W2, b2 = (np.array(p, dtype=float) for p in (W1, b1, W2, b2))
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)

    def gradients():
        Z1 = X @ W1.T + b1
        A1 = f(Z1)
        Y_hat = 1.0 / (1.0 + np.exp(-(A1 @ W2.T + b2)))
        delta2 = (Y_hat - Y) / len(X)                          # sigmoid output with binary cross-entropy
        delta1 = (delta2 @ W2) * f.derivative(Z1)
        return delta1.T @ X, delta1.sum(axis=0), delta2.T @ A1, delta2.sum(axis=0)

    for _ in range(steps):
        g_W1, g_b1, g_W2, g_b2 = gradients()
        W1, b1, W2, b2 = W1 - learning_rate * g_W1, b1 - learning_rate * g_b1, W2 - learning_rate * g_W2, \
            b2 - learning_rate * g_b2
    return row_spread(gradients()[0])
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "symmetry_tests", "points": 3, "schema_version": 3}
_g1, _g2 = checked_call("zero_start_gradients('tanh', 2, 4, Y_XOR)", zero_start_gradients, "tanh", 2, 4, Y_XOR,
                        returns=("dL/dW^1", "dL/dW^2"),
                        hint="what do the hidden units output when every sum is 0, and what multiplies their error terms?")
check_shape("dL/dW^1 from zero_start_gradients('tanh', 2, 4, Y_XOR)", np.asarray(_g1), (4, 2),
            hint="(n_hidden, n_in), like W^1")
check_shape("dL/dW^2 from zero_start_gradients('tanh', 2, 4, Y_XOR)", np.asarray(_g2), (1, 4),
            hint="(1, n_hidden), like W^2")
_start = [np.full((4, 2), 0.5), np.zeros(4), np.full((1, 4), 0.5), np.zeros(1)]
_spread = checked_call("spread_after_steps from equal weights, 1 step", spread_after_steps, *_start, X_XOR, Y_XOR, "tanh",
                       1, 1.0, hint="take `steps` full-batch steps, then return row_spread of dL/dW^1")
check_true("spread_after_steps returns a number", isinstance(_spread, (float, np.floating)),
           "the spread is one number", got=_spread, expected="a float",
           hint="return row_spread(...) of the gradient, a float")
check_close("the starting arrays after spread_after_steps", _start,
            [np.full((4, 2), 0.5), np.zeros(4), np.full((1, 4), 0.5), np.zeros(1)],
            hint="work on copies (np.array(W1)): updating in place changes the caller's arrays")
_rng = np.random.default_rng(0)
_random_start = [_rng.normal(0, 0.1, size=(4, 2)), np.zeros(4), _rng.normal(0, 0.1, size=(1, 4)), np.zeros(1)]
_random_spread = spread_after_steps(*_random_start, X_XOR, Y_XOR, "tanh", 0, 1.0)
check_true("the hidden units' gradients differ from a random start", _random_spread > 0, "they came out equal",
           got=_random_spread, expected="a spread above 0", hint="with steps = 0, measure the gradient at the start")
### BEGIN HIDDEN TESTS
for _name, _Y in (("tanh", Y_XOR), ("relu", np.array([[1.0], [0.0], [1.0]])),
                  ("sigmoid", np.array([[1.0], [1.0], [0.0], [1.0], [1.0]]))):
    _expected_W2 = np.full((1, 3), (0.5 if _name == "sigmoid" else 0.0) * np.mean(0.5 - _Y))
    check_close(f"zero_start_gradients({_name!r}, 2, 3, Y) for {len(_Y)} targets",
                tuple(np.asarray(g, dtype=float) for g in zero_start_gradients(_name, 2, 3, _Y)),
                (np.zeros((3, 2)), _expected_W2), atol=1e-12,
                hint="what do the hidden units output when every sum is 0, and what multiplies their error terms?")
check_close("spread_after_steps from equal weights, 50 steps", spread_after_steps(*_start, X_XOR, Y_XOR, "sigmoid", 50, 1.0),
            0.0, atol=1e-12, hint="hidden units that start equal get equal gradients, step after step")
_W1, _b1, _W2, _b2 = (np.array(p) for p in _random_start)
_f = get_activation("tanh")
for _ in range(20):
    _Z1 = X_XOR @ _W1.T + _b1
    _D2 = (1 / (1 + np.exp(-(_f(_Z1) @ _W2.T + _b2))) - Y_XOR) / 4
    _D1 = (_D2 @ _W2) * _f.derivative(_Z1)
    _W1, _b1, _W2, _b2 = _W1 - _D1.T @ X_XOR, _b1 - _D1.sum(0), _W2 - _D2.T @ _f(_Z1), _b2 - _D2.sum(0)
_Z1 = X_XOR @ _W1.T + _b1
_D1 = ((1 / (1 + np.exp(-(_f(_Z1) @ _W2.T + _b2))) - Y_XOR) / 4 @ _W2) * _f.derivative(_Z1)
check_close("spread_after_steps from the random start, 20 steps", spread_after_steps(*_random_start, X_XOR, Y_XOR, "tanh", 20, 1.0),
            row_spread(_D1.T @ X_XOR), rtol=1e-7,
            hint="each step moves all four parameters at once by the gradients of the same forward pass")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# First, your prediction against your measurement: a ReLU network of six layers whose widths
# alternate 64 and 256, drawn with Xavier's scale and with your `steady_std`, on 1,000 samples.
# Write down your prediction for the last layer before you run the cell.

# %% tags=["worked:try-it-moments"]
sizes = [64, 256, 64, 256, 64, 256, 64]
X_try = np.random.default_rng(1).normal(size=(1000, 64))
for label, stds in [("xavier", [np.sqrt(2 / (n_in + n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]),
                    ("steady", [steady_std(n_in, n_out, 0.0) for n_in, n_out in zip(sizes[:-1], sizes[1:])])]:
    predicted = predicted_moments(sizes, stds)
    measured = second_moments(*drawn_network(sizes, stds, seed=0), X_try, 0.0)
    print(f"{label:>6}: predicted E[z²] relative to layer 1:", " ".join(f"{r:.2f}" for r in predicted))
    print(f"{'':>6}  measured                          :", " ".join(f"{r:.2f}" for r in measured / measured[0]))

# %% [markdown]
# Then the starts of lesson 8 on XOR, 2–4–1 with tanh units: how different are the hidden units'
# gradients after 0, 1 and 100 steps? And what does the zero start give for XOR's targets, and
# for AND's ($0, 0, 0, 1$), with sigmoid hidden units?

# %% tags=["worked:try-it-symmetry"]
rng = np.random.default_rng(0)
starts = {"zero": [np.zeros((4, 2)), np.zeros(4), np.zeros((1, 4)), np.zeros(1)],
          "equal 0.5": [np.full((4, 2), 0.5), np.zeros(4), np.full((1, 4), 0.5), np.zeros(1)],
          "random 0.1": [rng.normal(0, 0.1, size=(4, 2)), np.zeros(4), rng.normal(0, 0.1, size=(1, 4)), np.zeros(1)]}
for label, start in starts.items():
    spreads = [spread_after_steps(*start, X_XOR, Y_XOR, "tanh", steps, 1.0) for steps in (0, 1, 100)]
    print(f"{label:>10} start: spread of the hidden units' gradients after 0, 1, 100 steps:",
          ", ".join(f"{s:.6f}" for s in spreads))
for name, targets in (("XOR", Y_XOR), ("AND", np.array([[0.0], [0.0], [0.0], [1.0]]))):
    grad_W1, grad_W2 = zero_start_gradients("sigmoid", 2, 4, targets)
    print(f"zero start, sigmoid units, {name}: largest |dL/dW1| = {np.max(np.abs(grad_W1)):.3f}, "
          f"dL/dW2 =", " ".join(f"{g:.4f}" for g in np.ravel(grad_W2)))

# %% [markdown]
# Questions to answer for yourself: how far did Xavier's prediction and your measurement agree,
# and why does the measurement wander a little from layer to layer? With AND's targets the zero
# start does move $W^2$: do its hidden units ever become different? Try it with your own
# training loop.
