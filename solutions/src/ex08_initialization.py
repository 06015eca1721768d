# ---
# jupyter:
#   course_exercise:
#     id: ex08_initialization
#     title: "Exercise 8: initialisers and symmetry"
#     lesson: "08"
# ---

# %% [markdown]
# # Exercise 8: initialisers and symmetry (10 points)
#
# Lesson 8 showed that equal starting weights keep every hidden unit a copy of the others,
# and that random weights break that symmetry. Here you write the initialisers, and a
# measurement that tells the two cases apart.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `constant_init`: every weight the same number (the symmetric case) | 2 |
# | 2 | `random_init`: normal random weights that break the symmetry | 3 |
# | 3 | `init_std`: the Xavier/Glorot and He standard deviations | 2 |
# | 4 | `symmetry_after_training`: train, then measure how different the hidden units became | 3 |
#
# **Conventions** (as in `course_lib`). `sizes` lists the layer sizes, inputs first, e.g.
# `[2, 4, 1]`. An initialiser returns a pair `(weights, biases)`: `weights[l]` has shape
# (`sizes[l+1]`, `sizes[l]`), so row $j$ holds the weights *into* unit $j$, and `biases[l]`
# has shape (`sizes[l+1]`,). All biases start at 0.
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test cell prints
# `passed: ...` for every check that holds; a failing check says what it expected, what came
# back and gives a hint. The grader runs more checks than you see here, on inputs it draws at
# random. Before you submit, use **Kernel > Restart Kernel and Run All Cells**.
#
# Write the initialisers yourself with numpy: do not build a `course_lib.MLP` to get its
# weights in parts 1–3. In part 4 you may use `MLP` (its `backward` and `step`) or
# `course_lib.train`. The grader cannot tell how you computed an answer, but the point is that
# you can.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import MLP, train
from course_lib.exercises import check_close, check_shape, check_true

# XOR, the four points of lesson 1.
X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])


def row_spread(W):
    """The largest difference between any row of W and its first row: 0 when all rows are equal."""
    W = np.asarray(W, dtype=float)
    return float(np.max(np.abs(W - W[0])))


# %% [markdown]
# ## Part 1: the symmetric case (2 points)
#
# Write `constant_init(sizes, value)`: every weight equal to `value`, every bias 0. (With
# `value = 0` this is the all-zero start of lesson 8.)

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "constant_init", "schema_version": 3}
def constant_init(sizes, value):
    """Weights all equal to value, biases 0. Returns (weights, biases): [(sizes[l+1], sizes[l])], [(sizes[l+1],)]."""
    ### BEGIN SOLUTION
    weights = [np.full((n_out, n_in), float(value)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    return weights, biases
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "constant_init_tests", "points": 2, "schema_version": 3}
_w, _b = constant_init([2, 4, 1], 0.5)
check_true("constant_init([2, 4, 1], 0.5) gives one matrix and one bias vector per layer", len(_w) == len(_b) == 2,
           f"got {len(_w)} weight matrices and {len(_b)} bias vectors", hint="a network of sizes [2, 4, 1] has 2 layers")
check_shape("weights[0] of sizes [2, 4, 1]", _w[0], (4, 2), hint="(units of this layer, units of the layer before)")
check_shape("weights[1] of sizes [2, 4, 1]", _w[1], (1, 4))
check_close("constant_init([2, 4, 1], 0.5)", (_w, _b),
            ([np.full((4, 2), 0.5), np.full((1, 4), 0.5)], [np.zeros(4), np.zeros(1)]),
            hint="every weight equals the value; every bias is 0")
### BEGIN HIDDEN TESTS
_w, _b = constant_init([3, 5, 2, 1], -0.25)
check_close("constant_init([3, 5, 2, 1], -0.25)", (_w, _b),
            ([np.full((5, 3), -0.25), np.full((2, 5), -0.25), np.full((1, 2), -0.25)],
             [np.zeros(5), np.zeros(2), np.zeros(1)]))
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: random weights break the symmetry (3 points)
#
# Write `random_init(sizes, scale, seed)`: make one generator `rng = np.random.default_rng(seed)`
# and draw the layers **in order**, each with `rng.normal(0.0, scale, size=(n_out, n_in))`;
# biases 0. (Drawing in this order makes your weights reproducible, so they can be compared
# with the expected ones.) Lesson 8's small random weights: `scale = 0.1`, variance 0.01.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "random_init", "schema_version": 3}
def random_init(sizes, scale, seed):
    """Normal(0, scale) weights drawn layer by layer from default_rng(seed), biases 0. Returns (weights, biases)."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, scale, size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    return weights, biases
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "random_init_tests", "points": 3, "schema_version": 3}
_w, _b = random_init([2, 4, 1], 0.1, seed=0)
check_shape("weights[0] of random_init([2, 4, 1], 0.1, 0)", _w[0], (4, 2))
check_true("the rows of weights[0] differ (the symmetry is broken)", row_spread(_w[0]) > 0,
           "all hidden units start with the same weights", hint="draw every weight separately at random")
_rng = np.random.default_rng(0)
check_close("random_init([2, 4, 1], 0.1, seed=0)", (_w, _b),
            ([_rng.normal(0.0, 0.1, size=(4, 2)), _rng.normal(0.0, 0.1, size=(1, 4))], [np.zeros(4), np.zeros(1)]),
            hint="one generator for all layers, drawn in order, with rng.normal(0.0, scale, size=(n_out, n_in))")
_big, _ = random_init([400, 300], 0.05, seed=1)
check_close("the standard deviation of a 300 x 400 layer drawn with scale 0.05", _big[0].std(), 0.05, rtol=0.02,
            hint="scale is the standard deviation, not the variance")
### BEGIN HIDDEN TESTS
_w, _b = random_init([3, 6, 6, 2], 0.3, seed=88)
_rng = np.random.default_rng(88)
check_close("random_init([3, 6, 6, 2], 0.3, seed=88)", (_w, _b),
            ([_rng.normal(0.0, 0.3, size=s) for s in [(6, 3), (6, 6), (2, 6)]], [np.zeros(6), np.zeros(6), np.zeros(2)]))
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: scales from the layer sizes (2 points)
#
# Write `init_std(kind, n_in, n_out)` returning the standard deviation of a layer with `n_in`
# inputs and `n_out` outputs: $\sqrt{2/(n_\text{in}+n_\text{out})}$ for `kind == "xavier"`,
# $\sqrt{2/n_\text{in}}$ for `kind == "he"`. For any other `kind`, raise a `ValueError` whose
# message names the two valid kinds.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "init_std", "schema_version": 3}
def init_std(kind, n_in, n_out):
    """Standard deviation of the initial weights of an (n_out, n_in) layer for 'xavier' or 'he': a float."""
    ### BEGIN SOLUTION
    if kind == "xavier":
        return float(np.sqrt(2.0 / (n_in + n_out)))
    if kind == "he":
        return float(np.sqrt(2.0 / n_in))
    raise ValueError(f"unknown kind {kind!r}: use 'xavier' or 'he'")
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "init_std_tests", "points": 2, "schema_version": 3}
check_close("init_std('xavier', 400, 100)", init_std("xavier", 400, 100), np.sqrt(2 / 500),
            hint="Xavier/Glorot: sqrt(2 / (n_in + n_out))")
check_close("init_std('he', 400, 100)", init_std("he", 400, 100), np.sqrt(2 / 400),
            hint="He: sqrt(2 / n_in); ReLU halves the second moment E[a^2], the 2 makes up for it")
try:
    init_std("uniform", 4, 4)
    _raised = ""
except ValueError as error:
    _raised = str(error)
check_true("init_std('uniform', 4, 4) raises a ValueError naming the valid kinds",
           "xavier" in _raised and "he" in _raised, f"the message was {_raised!r}" if _raised else "nothing was raised",
           hint="raise ValueError(\"... use 'xavier' or 'he'\")")
### BEGIN HIDDEN TESTS
check_close("init_std of a 64 -> 64 layer", [init_std("xavier", 64, 64), init_std("he", 64, 64)],
            [np.sqrt(1 / 64), np.sqrt(2 / 64)])
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: does the symmetry break? (3 points)
#
# Write `symmetry_after_training(weights, biases, X, Y, hidden_activation, epochs,
# learning_rate)`: build a network with these starting parameters (hidden units
# `hidden_activation`, a **sigmoid output** and **binary cross-entropy**), train it by
# **full-batch** gradient descent for `epochs` steps with `learning_rate`, and return
# `row_spread` of its first weight matrix (a `float`): 0 when every hidden unit is still a copy
# of the first, larger the more they differ.
#
# With `course_lib`: `MLP(sizes, hidden_activation, "sigmoid", "binary_cross_entropy")`, then
# set `net.weights` and `net.biases` to **copies** of the starting parameters, and either loop
# `net.step(net.backward(X, Y), learning_rate)` or call `train(net, X, Y, epochs=...,
# batch_size=None, learning_rate=...)`.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "symmetry_after_training", "schema_version": 3}
def symmetry_after_training(weights, biases, X, Y, hidden_activation, epochs, learning_rate):
    """row_spread of the first weight matrix after full-batch training from (weights, biases): a float.

    Shapes: weights[l] (sizes[l+1], sizes[l]), biases[l] (sizes[l+1],), X (n, sizes[0]), Y (n, 1).
    """
    ### BEGIN SOLUTION
    sizes = [np.shape(weights[0])[1]] + [np.shape(W)[0] for W in weights]
    net = MLP(sizes, hidden_activation, "sigmoid", "binary_cross_entropy")
    net.weights = [np.array(W, dtype=float) for W in weights]
    net.biases = [np.array(b, dtype=float) for b in biases]
    for _ in range(epochs):
        net.step(net.backward(X, Y), learning_rate)
    return row_spread(net.weights[0])
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "symmetry_after_training_tests", "points": 3, "schema_version": 3}
# Starting weights made here, not with your initialisers, so this part is tested on its own.
_start = ([np.full((4, 2), 0.5), np.full((1, 4), 0.5)], [np.zeros(4), np.zeros(1)])
_rng = np.random.default_rng(0)
_random_start = ([_rng.normal(0, 0.1, size=(4, 2)), _rng.normal(0, 0.1, size=(1, 4))], [np.zeros(4), np.zeros(1)])
check_close("symmetry_after_training from equal weights (0.5) on XOR, tanh, 200 epochs",
            symmetry_after_training(*_start, X_XOR, Y_XOR, "tanh", 200, 1.0), 0.0, atol=1e-12,
            hint="equal rows get equal updates: the spread must stay 0. Train a network, do not just measure the start")
check_close("the starting weights are left unchanged", _start,
            ([np.full((4, 2), 0.5), np.full((1, 4), 0.5)], [np.zeros(4), np.zeros(1)]),
            hint="give the network copies of the starting arrays (np.array(W)), or training changes them in place")
_moved = symmetry_after_training(*_random_start, X_XOR, Y_XOR, "tanh", 500, 1.0)
check_true("symmetry_after_training from random weights on XOR grows beyond the starting spread",
           _moved > 2 * row_spread(_random_start[0][0]),
           f"the spread after training is {_moved:.4g}, barely more than at the start",
           hint="train for `epochs` full-batch steps before measuring")
_net = MLP([2, 4, 1], "tanh", "sigmoid", "binary_cross_entropy")
_net.weights, _net.biases = [W.copy() for W in _random_start[0]], [np.zeros(4), np.zeros(1)]
for _ in range(500):
    _net.step(_net.backward(X_XOR, Y_XOR), 1.0)
check_close("symmetry_after_training from random weights (std 0.1), tanh, 500 epochs", _moved,
            row_spread(_net.weights[0]), rtol=1e-6,
            hint="sigmoid output, binary cross-entropy, full batch (all four points every step)")
### BEGIN HIDDEN TESTS
for _name in ("sigmoid", "relu"):
    check_close(f"symmetry_after_training from equal weights with {_name} units",
                symmetry_after_training([np.full((6, 2), 0.3), np.full((1, 6), 0.3)], [np.zeros(6), np.zeros(1)],
                                        X_XOR, Y_XOR, _name, 100, 0.5), 0.0, atol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# XOR from the two starts, for each hidden activation. The symmetric start stays a single
# unit: its rows never part. The random start breaks the symmetry, but how fast the rows part
# depends on the activation.

# %% tags=["worked:try-it"]
for name in ("tanh", "sigmoid", "relu"):
    for label, start in (("equal 0.5", constant_init([2, 4, 1], 0.5)), ("random 0.1", random_init([2, 4, 1], 0.1, 0))):
        spread = symmetry_after_training(*start, X_XOR, Y_XOR, name, 2000, 1.0)
        print(f"{name:>7}, {label:>10} start: rows of W1 differ by {spread:.4f} after 2000 epochs")


# %% [markdown]
# With tanh and ReLU the rows are far apart after 2000 epochs, and XOR is solved. With sigmoid
# they have hardly moved (0.17, from 0.12 at the start): the network is still on lesson 8's
# plateau, its loss at $\ln 2$. Run it for 4000 epochs and it gets there too. Then try
# `constant_init(..., 0.0)`: is it different?
