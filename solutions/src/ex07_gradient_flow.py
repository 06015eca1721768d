# ---
# jupyter:
#   course_exercise:
#     id: ex07_gradient_flow
#     title: "Exercise 7: gradient flow and dead units"
#     lesson: "07"
# ---

# %% [markdown]
# # Exercise 7: gradient flow and dead units (10 points)
#
# Lesson 7 measured how large each layer's gradient is in a deep network, and counted ReLU
# units that never switch on. Here you write those measurements yourself.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `gradient_norms`: the size of every layer's weight gradient | 2 |
# | 2 | `error_norms`: the size of the error term at every layer, by the backward recurrence | 3 |
# | 3 | `dead_units`: which hidden units are dead on a batch | 3 |
# | 4 | `count_dead`: how many hidden units of a `course_lib` network are dead | 2 |
#
# **Conventions** (the course's notation). Layers are numbered from 1: layer $l = 1, \dots, L$
# has weights $W^l$ of shape (`sizes[l]`, `sizes[l-1]`). A batch has one sample per row; the
# forward pass keeps the weighted sums $Z^l$, of shape (n, `sizes[l]`). The error term
# $\Delta^l = \partial L / \partial Z^l$ has the same shape as $Z^l$, and flows backward by
#
# $$\Delta^l = \bigl(\Delta^{l+1} W^{l+1}\bigr) \odot f'(Z^l).$$
#
# Your functions take `course_lib`'s Python lists, which count from 0: `weights[l-1]` is $W^l$
# and `zs[l-1]` is $Z^l$. In code the recurrence reads
# `delta = (delta_above @ weights[l]) * f'(zs[l-1])`.
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test cell prints
# `passed: ...` for every check that holds; a failing check says what it expected, what came
# back and gives a hint. The grader runs more checks than you see here, on inputs it draws at
# random. Before you submit, use **Kernel > Restart Kernel and Run All Cells**.
#
# Write the measurements with numpy yourself: do not call
# `course_lib.widgets.gradient_flow.layer_gradient_norms`. You may use `course_lib.MLP`
# (its `trace` and `backward`) and `get_activation`. The grader cannot tell how you computed
# an answer, but the point is that you can.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import MLP, get_activation
from course_lib.exercises import check_close, check_shape, check_true

# An example: a 2-6-5-4-1 sigmoid network and a batch of 8 samples.
_example_rng = np.random.default_rng(7)
SIZES_EXAMPLE = [2, 6, 5, 4, 1]
WEIGHTS_EXAMPLE = [_example_rng.normal(0, 0.7, size=(n_out, n_in))
                   for n_in, n_out in zip(SIZES_EXAMPLE[:-1], SIZES_EXAMPLE[1:])]
BIASES_EXAMPLE = [_example_rng.normal(0, 0.5, size=n_out) for n_out in SIZES_EXAMPLE[1:]]
X_EXAMPLE = _example_rng.normal(size=(8, 2))
Y_EXAMPLE = _example_rng.integers(0, 2, size=(8, 1)).astype(float)


def example_net(weights, biases, hidden_activation="sigmoid"):
    """A course_lib MLP (sigmoid output, binary cross-entropy) holding copies of these parameters."""
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    net = MLP(sizes, hidden_activation, "sigmoid", "binary_cross_entropy")
    net.weights, net.biases = [np.array(W, dtype=float) for W in weights], [np.array(b, dtype=float) for b in biases]
    return net


# %% [markdown]
# ## Part 1: the size of every layer's gradient (2 points)
#
# Write `gradient_norms(grad_weights)`: given a list of $L$ gradient matrices (any shapes),
# return an array of shape ($L$,) whose entry $l$ is the **Frobenius norm** of
# `grad_weights[l]`, the square root of the sum of its squared entries.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "gradient_norms", "schema_version": 3}
def gradient_norms(grad_weights):
    """Frobenius norm of each matrix. Shapes: list of L arrays (any shapes) -> (L,)."""
    ### BEGIN SOLUTION
    return np.array([np.sqrt(np.sum(np.square(np.asarray(g, dtype=float)))) for g in grad_weights])
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "gradient_norms_tests", "points": 2, "schema_version": 3}
_norms = gradient_norms([np.array([[3.0, 4.0]]), np.array([[1.0], [-2.0], [2.0]])])
check_shape("gradient_norms of two matrices", _norms, (2,), hint="one number per matrix")
check_close("gradient_norms of [[3, 4]] and [[1], [-2], [2]]", _norms, np.array([5.0, 3.0]),
            hint="sqrt(3^2 + 4^2) = 5: square every entry, sum them all, take the square root")
_grads = example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE).backward(X_EXAMPLE, Y_EXAMPLE).weights
check_close("gradient_norms of the example network's gradients", gradient_norms(_grads),
            np.array([np.linalg.norm(g) for g in _grads]))
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(707)
_mats = [_rng.normal(size=(4, 3)), _rng.normal(size=(1, 7)), _rng.normal(size=(2, 2)) * 1e-9]
check_close("gradient_norms of random matrices, one tiny", gradient_norms(_mats),
            np.array([np.sqrt((m ** 2).sum()) for m in _mats]), rtol=1e-9, atol=0)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: the error term, layer by layer (3 points)
#
# The gradient of layer $l$ is $(\Delta^l)^\top A^{l-1}$: the error term times the activations
# the layer reads. Write `error_norms(weights, zs, delta_out, hidden_activation)` that starts
# from the output layer's error term `delta_out` $= \Delta^L$ (shape (n, `sizes[-1]`)), runs the
# recurrence above down to $\Delta^1$, and returns an array of shape ($L$,) whose entry `l-1` is
# the Frobenius norm of $\Delta^l$ (the last entry is the norm of `delta_out` itself).
#
# `zs[l]` are the forward pass's weighted sums; every layer below the output uses
# `hidden_activation` (a name such as `"sigmoid"`); `get_activation(name).derivative(z)` gives
# $f'(z)$.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "error_norms", "schema_version": 3}
def error_norms(weights, zs, delta_out, hidden_activation):
    """||delta_l|| for every layer l, from the output's error term backward.

    Shapes: weights[l] (sizes[l+1], sizes[l]); zs[l] (n, sizes[l+1]); delta_out (n, sizes[-1]) -> (L,).
    """
    ### BEGIN SOLUTION
    slope = get_activation(hidden_activation).derivative
    delta = np.asarray(delta_out, dtype=float)
    norms = [np.linalg.norm(delta)]
    for l in range(len(weights) - 2, -1, -1):
        delta = (delta @ weights[l + 1]) * slope(zs[l])
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "error_norms_tests", "points": 3, "schema_version": 3}
_one = error_norms([np.eye(2), np.array([[2.0, 0.0]])], [np.zeros((1, 2)), np.zeros((1, 1))],
                   np.array([[1.0]]), "identity")
check_close("error_norms of an identity network with W_1 = [[2, 0]] and delta_out = [[1]]", _one,
            np.array([2.0, 1.0]), hint="Delta^1 = (Delta^2 @ W^2) * f'(Z^1) = [[2, 0]], whose norm is 2 "
                                       "(W^2 is weights[1], Z^1 is zs[0]); the last entry is the norm of "
                                       "delta_out itself")
_net = example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE)
_g = _net.backward(X_EXAMPLE, Y_EXAMPLE)
_mine = error_norms(WEIGHTS_EXAMPLE, _g.trace.zs, _g.deltas[-1], "sigmoid")
check_shape("error_norms of the 4-layer example", _mine, (4,), hint="one norm per layer, the output layer last")
check_close("error_norms of the example against course_lib's deltas", _mine,
            np.array([np.linalg.norm(d) for d in _g.deltas]),
            hint="Delta^l = (Delta^(l+1) @ W^(l+1)) * f'(Z^l): the weights of the layer ABOVE "
                 "(weights[l]) and the slope at this layer's own sums (zs[l-1])")
check_true("the error term shrinks towards the input in the sigmoid example", bool(np.all(np.diff(_mine) > 0)),
           "each layer back should multiply the error by a sigmoid slope of at most 1/4")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(717)
_sizes = [3, 5, 5, 5, 2]
_Ws = [_rng.normal(size=(m, k)) for k, m in zip(_sizes[:-1], _sizes[1:])]
_bs = [_rng.normal(size=m) for m in _sizes[1:]]
_X, _Y = _rng.normal(size=(6, 3)), _rng.integers(0, 2, size=(6, 2)).astype(float)
for _name in ("tanh", "relu"):
    _g = example_net(_Ws, _bs, _name).backward(_X, _Y)
    check_close(f"error_norms of a 3-5-5-5-2 {_name} network", error_norms(_Ws, _g.trace.zs, _g.deltas[-1], _name),
                np.array([np.linalg.norm(d) for d in _g.deltas]))
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: dead units (3 points)
#
# A ReLU unit is **dead** on a batch when its weighted sum is $\le 0$ for *every* sample: it
# outputs 0 everywhere and its weights get a gradient of exactly 0. Write
# `dead_units(hidden_zs)`: given a list with one (n, units) array of weighted sums per hidden
# layer, return a list of boolean arrays, one of shape (units,) per layer, `True` where the
# unit is dead.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "dead_units", "schema_version": 3}
def dead_units(hidden_zs):
    """Which units have z <= 0 on every sample. Shapes: list of (n, units_l) -> list of (units_l,) bool."""
    ### BEGIN SOLUTION
    return [np.all(np.asarray(z) <= 0, axis=0) for z in hidden_zs]
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "dead_units_tests", "points": 3, "schema_version": 3}
_z = np.array([[-1.0, 0.5, 0.0, -2.0],
               [-3.0, -0.1, 0.0, 4.0]])
_dead = dead_units([_z])
check_true("dead_units returns one array per layer", isinstance(_dead, list) and len(_dead) == 1,
           f"expected a list of 1 array, got {type(_dead).__name__}")
check_shape("dead_units of a layer of 4 units", _dead[0], (4,), hint="one entry per unit (column), not per sample")
check_close("dead_units of [[-1, 0.5, 0, -2], [-3, -0.1, 0, 4]]", _dead[0], np.array([True, False, True, False]),
            hint="dead means z <= 0 for EVERY sample (row); z = 0 counts as dead, ReLU's slope there is 0")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(727)
_zs = [_rng.normal(size=(5, 6)) - _rng.choice([0.0, 5.0], size=6), _rng.normal(size=(5, 3)) - 4.0]
check_close("dead_units of two random layers", dead_units(_zs), [np.all(z <= 0, axis=0) for z in _zs])
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: count the dead units of a network (2 points)
#
# Write `count_dead(net, X)`: the total number of dead units, over all **hidden** layers, of
# the `course_lib` network `net` on the batch `X` (n, `sizes[0]`). `net.trace(X).zs` gives
# every layer's weighted sums; the last of them belongs to the output layer, which is not
# hidden. Use your `dead_units`. Return a plain `int`.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "count_dead", "schema_version": 3}
def count_dead(net, X):
    """Number of dead hidden units of ``net`` on X (n, sizes[0]): an int."""
    ### BEGIN SOLUTION
    return int(sum(np.sum(mask) for mask in dead_units(net.trace(X).zs[:-1])))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "count_dead_tests", "points": 2, "schema_version": 3}
_biased = example_net(WEIGHTS_EXAMPLE, [b - 3.0 for b in BIASES_EXAMPLE[:-1]] + [BIASES_EXAMPLE[-1]], "relu")
_expected = sum(int(np.sum(np.all(z <= 0, axis=0))) for z in _biased.trace(X_EXAMPLE).zs[:-1])
check_close("count_dead of the example with hidden biases lowered by 3", count_dead(_biased, X_EXAMPLE), _expected,
            hint="count over the hidden layers only: leave out the last entry of net.trace(X).zs")
check_true("count_dead returns an int", isinstance(count_dead(_biased, X_EXAMPLE), int),
           "return int(...) of the total")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(737)
_net = MLP([3, 8, 8, 8, 1], "relu", "sigmoid", "binary_cross_entropy", init="he", seed=3)
_net.biases = [_rng.normal(-1.0, 1.0, size=b.shape) for b in _net.biases]
_X = _rng.normal(size=(20, 3))
check_close("count_dead of a 3-8-8-8-1 network with random biases", count_dead(_net, _X),
            sum(int(np.sum(np.all(z <= 0, axis=0))) for z in _net.trace(_X).zs[:-1]))
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Your measurements on the networks of lesson 7: ten hidden layers of 32 units, initial
# weights with standard deviation 0.2. Which activation's error term vanishes? Then lower the
# hidden biases of the ReLU network to $-1$ and count its dead units.

# %% tags=["worked:try-it"]
rng = np.random.default_rng(0)
X_try = rng.normal(size=(100, 2))
Y_try = (X_try[:, :1] * X_try[:, 1:] > 0).astype(float)
for name in ("sigmoid", "tanh", "relu"):
    net = MLP([2] + [32] * 10 + [1], name, "sigmoid", "binary_cross_entropy", init="normal", weight_scale=0.2, seed=0)
    grads = net.backward(X_try, Y_try)
    norms = error_norms(net.weights, grads.trace.zs, grads.deltas[-1], name)
    print(f"{name:>8}: first/last error norm {norms[0] / norms[-1]:.1e}, "
          f"gradient norms from {gradient_norms(grads.weights)[0]:.1e} to {gradient_norms(grads.weights)[-1]:.1e}")
relu_net = MLP([2] + [32] * 10 + [1], "relu", "sigmoid", "binary_cross_entropy", init="normal", weight_scale=0.2,
               seed=0)
for b in relu_net.biases[:-1]:
    b[:] = -1.0
print("dead ReLU units with biases at -1:", count_dead(relu_net, X_try), "of", 32 * 10)


# %% [markdown]
# What the numbers say. Sigmoid's error term vanishes: about a millionth at the first layer,
# about 4 times smaller at every layer. ReLU's shrinks too, only more slowly: about 0.8 times
# a layer ($0.2 \times \sqrt{32} \times \sqrt{1/2} \approx 0.8$), a tenth after ten layers.
# tanh's grows a little. The gradient norms also carry the activations (lesson 7), so they can
# tell a different story: look at the error terms to see what the backward pass does.
