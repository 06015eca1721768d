# ---
# jupyter:
#   course_exercise:
#     id: ex07_gradient_flow
#     title: "Exercise 7: predict the gradient flow, then measure it"
#     lesson: "07"
# ---

# %% [markdown]
# # Exercise 7: predict the gradient flow, then measure it (10 points)
#
# Lesson 7 measured the error term $\delta$ layer by layer and explained its size from the
# weights' scale and the activations' slopes. Here you make that argument yourself: first you
# predict, then you measure, then you explain where the two part.
#
# **Objectives.** After this exercise you can
#
# - predict, before running anything, by what factor $\|\Delta\|$ changes per layer for a given
#   activation, layer width and weight scale, and what that factor does over many layers;
# - measure it with a backward pass you write yourself;
# - say why a measurement leaves the prediction: saturated units or units switched off;
# - find the dead ReLU units of a network.
#
# **Expected time:** about 60 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `predicted_factor`, `layers_until`: predictions, made without running anything | 4 |
# | 2 | `error_norms`, `dead_units`: the measurements | 3 |
# | 3 | `mismatch_cause`: why a measurement differs from the prediction | 3 |

# %% [markdown]
# **Conventions** (the course's notation). Layers are numbered from 1: $A^0 = X$, one sample
# per row; layer $l = 1, \dots, L$ has weights $W^l$ of shape ($n_l$, $n_{l-1}$) and bias
# $b^l$; $Z^l = A^{l-1} (W^l)^\top + b^l$ and, in the hidden layers, $A^l = f(Z^l)$. The
# error term is $\Delta^l = \partial L / \partial Z^l$, of the same shape as $Z^l$. Your
# functions take Python lists, which count from 0: `weights[l-1]` is $W^l$ and
# `biases[l-1]` is $b^l$. The size of a matrix is its Frobenius norm, the square root of the
# sum of its squared entries.
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. The test cells of
# Parts 1 and 3 check only the form of your answers: your predictions are graded by the
# grader, on cases it draws at random. Before you submit, use
# **Kernel > Restart Kernel and Run All Cells**.
#
# {{ not allowed while graded }}
#
# Write the passes with numpy. `get_activation(name)` and its `.derivative` are allowed.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import get_activation
from course_lib.exercises import check_close, check_shape, check_true
from course_lib.exercises.checks import checked_call

ACTIVATIONS = ("identity", "relu", "leaky_relu", "sigmoid", "tanh")
CAUSES = ("as predicted", "saturated units", "units switched off")


def scenario(n, sigma, bias=0.0, depth=10, batch=200, seed=0):
    """The deep network of Parts 1 and 3: `depth` hidden layers of n units and one output unit.

    Weights normal with mean 0 and standard deviation sigma; every hidden bias equal to `bias`, the
    output bias 0; inputs X (batch, n) normal with standard deviation 1; and an error term
    delta_out (batch, 1) for the output layer. Returns (weights, biases, X, delta_out), with
    weights[l-1] of shape (n_l, n_(l-1)) and biases[l-1] of shape (n_l,).
    """
    rng = np.random.default_rng(seed)
    sizes = [n] * (depth + 1) + [1]
    weights = [rng.normal(0.0, sigma, size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.full(n_out, float(bias)) for n_out in sizes[1:-1]] + [np.zeros(1)]
    X = rng.normal(size=(batch, n))
    delta_out = rng.normal(size=(batch, 1))
    return weights, biases, X, delta_out


# %% [markdown]
# ## Part 1: predict (4 points)
#
# Take the network `scenario(n, sigma)` builds: ten hidden layers of $n$ units, weights drawn
# with mean 0 and standard deviation $\sigma$, biases 0, inputs of standard deviation 1.
# Do not run anything in this part: reason from lesson 7.
#
# 1. `predicted_factor(activation, n, sigma)` (3 points): by what factor does $\|\Delta^l\|$
#    change from one layer to the layer below it, in a typical layer? `activation` is one
#    of `ACTIVATIONS` (leaky ReLU with slope 0.01 below 0). For sigmoid and tanh, take the
#    units to be far from saturation, as they are when $\sigma\sqrt{n} \le 1$. Example: ReLU
#    units, $n = 64$, $\sigma = 0.1$. Write down your number before you write the function.
# 2. `layers_until(factor, ratio)` (1 point): if every layer back multiplies $\|\Delta\|$ by
#    `factor` (between 0 and 1), after how many layers back is it, for the first time, at most
#    `ratio` times its size at the output (`ratio` between 0 and 1)? Return an `int`.
#
# <details><summary>Stuck?</summary>
#
# Lesson 7, section "Gradients per layer: where they vanish": the slide that begins "What sets
# $\delta$'s factor" names the two things one step back multiplies by, and the slide after the
# printout says what each activation's slopes contribute. Which *typical* slope does a norm
# see, when it adds up squares? For `layers_until`, lesson 7's second check-your-understanding
# question.
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predictions", "schema_version": 3}
def predicted_factor(activation, n, sigma):
    """The factor by which ||Delta^l|| changes per layer back, predicted: a float.

    activation: one of ACTIVATIONS; n: units per hidden layer; sigma: standard deviation of the weights.
    """
    ### BEGIN SOLUTION
    typical_slope = {"identity": 1.0, "relu": np.sqrt(0.5), "leaky_relu": np.sqrt((1.0 + 0.01**2) / 2.0),
                     "sigmoid": 0.25, "tanh": 1.0}[activation]
    return float(sigma * np.sqrt(n) * typical_slope)
    ### END SOLUTION


def layers_until(factor, ratio):
    """The fewest layers back after which ||Delta|| is at most ratio times its size at the output: an int.

    factor, ratio: floats between 0 and 1 (exclusive).
    """
    ### BEGIN SOLUTION
    return int(np.ceil(np.log(ratio) / np.log(factor)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predictions_tests", "points": 4, "schema_version": 3}
_FACTOR_HINT = ("lesson 7: one step back multiplies by the weights' gain on a typical vector and by the "
                "activation's typical slope")
_mine = {name: checked_call(f"predicted_factor({name!r}, 64, 0.1)", predicted_factor, name, 64, 0.1,
                            hint=_FACTOR_HINT) for name in ACTIVATIONS}
for _name, _value in _mine.items():
    check_true(f"predicted_factor({_name!r}, 64, 0.1) is a positive number",
               isinstance(_value, (int, float, np.floating)) and np.isfinite(_value) and _value > 0,
               "the factor per layer is one positive number", got=_value, expected="one float above 0",
               hint="return one float: the factor per layer, not a list of layers")
_layers = checked_call("layers_until(0.5, 0.1)", layers_until, 0.5, 0.1, hint="the factors multiply: factor ** k")
check_true("layers_until(0.5, 0.1) is a whole number of layers", isinstance(_layers, (int, np.integer)),
           "a number of layers is an int", got=_layers, expected="an int", hint="return an int")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(701)
for _ in range(5):
    _n, _gain = int(_rng.integers(8, 257)), float(_rng.uniform(0.2, 1.0))
    _sigma = _gain / np.sqrt(_n)
    for _name, _slope in (("identity", 1.0), ("relu", np.sqrt(0.5)), ("leaky_relu", np.sqrt(0.5)),
                          ("sigmoid", 0.25), ("tanh", 1.0)):
        check_close(f"predicted_factor({_name!r}, {_n}, {_sigma:.4f})", predicted_factor(_name, _n, _sigma),
                    _gain * _slope, rtol=0.08,
                    hint=_FACTOR_HINT)
for _factor, _ratio in ((0.25, 1e-6), (0.8, 0.1), (0.93, 0.5)):
    check_close(f"layers_until({_factor}, {_ratio})", layers_until(_factor, _ratio),
                int(np.ceil(np.log(_ratio) / np.log(_factor))), hint="the factors multiply: factor ** k")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: measure (3 points)
#
# 1. `error_norms(weights, biases, X, delta_out, activation)` (2 points): run the forward
#    pass of the network (`activation` in every hidden layer), start from the output layer's
#    error term $\Delta^L$ = `delta_out` (shape ($n$, $n_L$)), carry the error term back to
#    layer 1, and return an array of shape ($L$,) whose entry `l-1` is $\|\Delta^l\|$ (the last
#    entry is $\|\Delta^L\|$ itself). The output layer's own activation does not matter here:
#    $\Delta^L$ is given.
# 2. `dead_units(weights, biases, X)` (1 point): the network's hidden units are ReLU units. A
#    hidden unit is **dead** on the batch `X` when it outputs 0 for every sample and so passes
#    no error back (`course_lib`'s ReLU has slope 0 at $z = 0$, as below it). Return a list with
#    one boolean array per hidden layer, of shape ($n_l$,), `True` where the unit is dead.
#
# <details><summary>Stuck?</summary>
#
# The backward pass: lesson 6, section "Four equations, derived" (the error term of a hidden
# layer), and the first slide of lesson 7's "Gradients per layer" (the same equation for one
# sample). Which layer's weights and which layer's $Z$ does $\Delta^l$ need? Dead units: lesson
# 7, section "Dead ReLU units".
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "measurements", "schema_version": 3}
def error_norms(weights, biases, X, delta_out, activation):
    """||Delta^l|| for l = 1..L, measured by a forward and a backward pass.

    Shapes: weights[l-1] (n_l, n_(l-1)); biases[l-1] (n_l,); X (n, n_0); delta_out (n, n_L) -> (L,).
    """
    ### BEGIN SOLUTION
    f = get_activation(activation)
    zs, a = [], np.asarray(X, dtype=float)
    for W, b in zip(weights[:-1], biases[:-1]):          # hidden layers 1..L-1
        zs.append(a @ np.asarray(W).T + b)
        a = f(zs[-1])
    delta = np.asarray(delta_out, dtype=float)
    norms = [np.linalg.norm(delta)]
    for l in range(len(weights) - 1, 0, -1):             # Delta^l from Delta^(l+1), l = L-1..1
        delta = (delta @ np.asarray(weights[l])) * f.derivative(zs[l - 1])
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])
    ### END SOLUTION


def dead_units(weights, biases, X):
    """Which hidden ReLU units output 0 on every row of X.

    Shapes: weights[l-1] (n_l, n_(l-1)); biases[l-1] (n_l,); X (n, n_0) -> list of L-1 bool arrays (n_l,).
    """
    ### BEGIN SOLUTION
    dead, a = [], np.asarray(X, dtype=float)
    for W, b in zip(weights[:-1], biases[:-1]):
        z = a @ np.asarray(W).T + b
        dead.append(np.all(z <= 0, axis=0))
        a = np.maximum(z, 0.0)
    return dead
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "measurements_tests", "points": 3, "schema_version": 3}
_NORMS_HINT = "Delta^l = (Delta^(l+1) W^(l+1)) * f'(Z^l), from the output down; one norm per layer"
_norms = checked_call("error_norms of a 2-2-1 identity network", error_norms, [np.eye(2), np.array([[2.0, 0.0]])],
                      [np.zeros(2), np.zeros(1)], np.array([[1.0, -1.0]]), np.array([[1.0]]), "identity",
                      hint=_NORMS_HINT)
check_shape("error_norms of a 2-2-1 identity network", _norms, (2,), hint="one norm per layer, the output layer last")
check_close("error_norms of the 2-2-1 identity network with W^2 = [[2, 0]] and delta_out = [[1]]", _norms,
            np.array([2.0, 1.0]),
            hint="the last entry is the norm of delta_out; Delta^1 then has entries 2 and 0")
_dead = checked_call("dead_units of a 4-1 network", dead_units, [np.eye(4), np.ones((1, 4))], [np.zeros(4), np.zeros(1)],
                     np.array([[-1.0, 0.5, 0.0, -2.0], [-3.0, -0.1, 0.0, 4.0]]),
                     hint="Z^l = A^(l-1) (W^l)^T + b^l for the hidden layers only, one row per sample")
check_true("dead_units returns one array per hidden layer", isinstance(_dead, list) and len(_dead) == 1,
           "one array per hidden layer, in a list", got=_dead, expected="a list of 1 array (the one hidden layer)",
           hint="the output layer has no ReLU units: leave it out")
check_shape("dead_units of a layer of 4 units", _dead[0], (4,), hint="one entry per unit (column), not per sample")
check_close("dead_units when Z^1 = [[-1, 0.5, 0, -2], [-3, -0.1, 0, 4]]", _dead[0],
            np.array([True, False, True, False]),
            hint="a unit is dead when NO sample makes it output anything; a sum of exactly 0 outputs 0 too")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(702)
for _name in ("tanh", "relu", "sigmoid"):
    _Ws = [_rng.normal(0, 0.6, size=s) for s in [(5, 3), (4, 5), (4, 4), (2, 4)]]
    _bs = [_rng.normal(0, 0.5, size=s[0]) for s in [(5, 3), (4, 5), (4, 4), (2, 4)]]
    _X, _D = _rng.normal(size=(6, 3)), _rng.normal(size=(6, 2))
    _f = get_activation(_name)
    _zs, _a = [], _X
    for _W, _b in zip(_Ws[:-1], _bs[:-1]):
        _zs.append(_a @ _W.T + _b)
        _a = _f(_zs[-1])
    _ds = [_D]
    for _l in (3, 2, 1):
        _ds.insert(0, (_ds[0] @ _Ws[_l]) * _f.derivative(_zs[_l - 1]))
    check_close(f"error_norms of a 3-5-4-4-2 {_name} network", error_norms(_Ws, _bs, _X, _D, _name),
                np.array([np.sqrt(np.sum(d**2)) for d in _ds]), hint=_NORMS_HINT)
_Ws = [_rng.normal(size=(6, 3)), np.zeros((3, 6)), _rng.normal(size=(1, 3))]
_bs = [_rng.normal(-1.0, 1.0, size=6), np.zeros(3), np.zeros(1)]
_X = _rng.normal(size=(9, 3))
_z1 = _X @ _Ws[0].T + _bs[0]
check_close("dead_units of a 3-6-3-1 network whose second layer has zero weights", dead_units(_Ws, _bs, _X),
            [np.all(_z1 <= 0, axis=0), np.ones(3, dtype=bool)],
            hint="a unit is dead when no sample makes it output anything; with zero weights and bias, z is 0")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: explain (3 points)
#
# Measure your prediction on the networks `scenario(n, sigma, bias)` builds (now with every
# hidden bias equal to `bias`), as many as you like. In some the measured factor per layer,
# $(\|\Delta^1\| / \|\Delta^{11}\|)^{1/10}$, stays within about 20% of `predicted_factor`; in
# others it falls far below.
#
# Write `mismatch_cause(activation, n, sigma, bias)`: for the scenario with these values,
# return one of the three strings in `CAUSES`:
#
# - `"as predicted"`: the measurement agrees with the prediction (within about 20%);
# - `"saturated units"`: it falls far below because the units sit where the activation is
#   flat;
# - `"units switched off"`: it falls far below because most ReLU units output 0.
#
# The grader asks about scenarios with sigmoid, tanh, ReLU, leaky ReLU and identity units,
# $n$ from 16 to 128, $\sigma\sqrt{n}$ from 0.2 to 16 and biases from $-5$ to 5, each clearly
# one of the three. Decide from what you understand; check with your measurements.
#
# <details><summary>Stuck?</summary>
#
# Where does each activation have its largest slope (lesson 7, "The activations and their
# slopes")? Where do large weights, or a large bias, put $z$? What does a negative bias do to a
# ReLU unit's output (lesson 7, "Optional: why the dead stay dead")?
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "explanation", "schema_version": 3}
def mismatch_cause(activation, n, sigma, bias):
    """Why the measured factor of scenario(n, sigma, bias) differs from the prediction: one of CAUSES."""
    ### BEGIN SOLUTION
    gain = sigma * np.sqrt(n)
    if activation == "relu" and bias < 0:
        return "units switched off"        # z below 0 for most samples: slope 0 on most units
    if activation == "tanh" and (gain >= 2.0 or abs(bias) >= 2.0):
        return "saturated units"           # |z| large: tanh's slope far below 1
    if activation == "sigmoid" and (gain >= 4.0 or abs(bias) >= 3.0):
        return "saturated units"           # |z| large: sigmoid's slope far below 1/4
    return "as predicted"
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "explanation_tests", "points": 3, "schema_version": 3}
for _case in [("relu", 64, 0.1, 0.0), ("tanh", 64, 0.5, 0.0), ("relu", 32, 0.2, -1.0)]:
    _answer = checked_call(f"mismatch_cause{_case}", mismatch_cause, *_case,
                           hint="measure the scenario with your error_norms, then ask where its z lie")
    check_true(f"mismatch_cause{_case} is one of CAUSES", _answer in CAUSES, "the answer is one of CAUSES",
               got=_answer, expected=" or ".join(map(repr, CAUSES)), hint=f"return one of {CAUSES}")
### BEGIN HIDDEN TESTS
for _case, _cause in [(("relu", 64, 0.1, 0.0), "as predicted"), (("identity", 32, 0.4, 0.0), "as predicted"),
                      (("sigmoid", 32, 0.1, 0.0), "as predicted"), (("tanh", 64, 0.05, 0.0), "as predicted"),
                      (("tanh", 64, 0.5, 0.0), "saturated units"), (("sigmoid", 16, 3.0, 0.0), "saturated units"),
                      (("tanh", 32, 0.1, -3.0), "saturated units"), (("sigmoid", 32, 0.1, 4.5), "saturated units"),
                      (("relu", 32, 0.2, -1.0), "units switched off"), (("relu", 100, 0.1, -2.0), "units switched off")]:
    check_close(f"mismatch_cause{_case}", mismatch_cause(*_case), _cause,
                hint="measure this scenario with your error_norms, then ask where its z lie")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Your predictions next to your measurements, on five networks of ten hidden layers. Before you
# run it, write down for each line whether you expect the two to agree.

# %% tags=["worked:try-it"]
for activation, n, sigma, bias in [("relu", 64, 0.1, 0.0), ("sigmoid", 32, 0.2, 0.0), ("tanh", 64, 0.5, 0.0),
                                   ("tanh", 32, 0.1, 2.5), ("relu", 32, 0.2, -1.0)]:
    weights, biases, X, delta_out = scenario(n, sigma, bias)
    norms = error_norms(weights, biases, X, delta_out, activation)
    measured = (norms[0] / norms[-1]) ** (1 / (len(norms) - 1))
    print(f"{activation:>7}, n = {n}, σ = {sigma}, bias {bias:+.1f}: predicted ×{predicted_factor(activation, n, sigma):.2f}"
          f" a layer, measured ×{measured:.2f}; {mismatch_cause(activation, n, sigma, bias)}")
weights, biases, X, _ = scenario(32, 0.2, -1.0)
print("dead units per hidden layer, ReLU with biases at -1:", [int(d.sum()) for d in dead_units(weights, biases, X)])
print("layers until sigmoid's factor leaves a millionth:", layers_until(predicted_factor("sigmoid", 32, 0.2), 1e-6))

# %% [markdown]
# Questions to answer for yourself: which lines agree, and why those? In the tanh network with
# $\sigma = 0.5$, does $\delta$ still grow towards the input, even though it grows far less than
# predicted? In the ReLU network with biases at $-1$, in which layer are all units dead, and what
# does that leave for the layers below it? Then change $n$, $\sigma$ and the bias and try to
# catch your `mismatch_cause` out.
