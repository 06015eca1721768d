# ---
# jupyter:
#   course_exercise:
#     id: ex06_mlp_backward
#     title: "Exercise 6: the full backward pass"
#     lesson: "06"
# ---

# %% [markdown]
# # Exercise 6: the full backward pass (10 points)
#
# You will build a gradient checker for arrays, then the vectorised backward pass
# of a multi-layer perceptron of any depth, for a whole batch at once, and check
# the one with the other. Lesson 6 (`notebooks/06_backpropagation.ipynb`) derives
# the equations you need, with the shape of every array: keep it open beside you.
#
# **You will be able to:**
#
# - estimate the gradient of any function of an array by centred differences, and
#   judge an analytic gradient against it by the course's rule;
# - predict the shape of every error term and gradient before you compute it;
# - turn lesson 6's equations into a backward pass for any depth, with no loop over samples;
# - tell from a gradient check what kind of bug a backward pass has.
#
# **Expected time:** about 90 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | your own gradient checker: `numerical_gradient_of` and `relative_errors` | 2 |
# | 2 | `forward_with_cache` and `network_loss`: the forward pass and its loss | 1 |
# | 3 | `output_delta`: the error term of the output layer, for both losses | 1 |
# | 4 | `hidden_delta`: one step of the error flowing backward | 1 |
# | 5 | predictions before you run: shapes, the course's rule, a scaled gradient | 2 |
# | 6 | `mlp_backward`: $\partial L/\partial W^l$ and $\partial L/\partial b^l$ for every layer, from the equations | 3 |
#
# **The network**, in lesson 6's notation. Layers count from 1: layer
# $l = 1, \dots, L$ has weights $W^l$ of shape (`sizes[l]`, `sizes[l-1]`) and
# biases $b^l$ of shape (`sizes[l]`,). A batch `X` has one sample per row, shape
# (n, `sizes[0]`), so
#
# $$Z^l = A^{l-1} (W^l)^\top + b^l, \qquad A^l = f(Z^l), \qquad A^0 = X,$$
#
# where $f$ is the hidden activation in every layer but the last, layer $L$,
# which uses the output activation. Your functions take and return Python lists,
# which count from 0, as `course_lib` does: `weights[l-1]` is $W^l$ and
# `biases[l-1]` is $b^l$ (so `weights[0]` is $W^1$).
#
# **The loss follows from the output activation**, as lesson 6 pairs them:
#
# - an elementwise output (`"sigmoid"`, `"tanh"`, `"identity"`, ...): the mean
#   squared error over **all** $n \times k$ entries of the output,
#   $L = \frac{1}{nk}\sum (A^L - Y)^2$, as `course_lib`'s `"mse"`;
# - a `"softmax"` output ($k \ge 2$ classes, `Y` one-hot, one row per sample): the
#   categorical cross-entropy, a mean over the **batch** of $n$ samples,
#   $L = -\frac{1}{n}\sum_{i,j} Y_{ij} \log P_{ij}$ with $P = A^L$, as `course_lib`'s
#   `"cross_entropy"`.
#
# **Activations** are given by name (`"sigmoid"`, `"tanh"`, `"relu"`,
# `"identity"`, `"softmax"`, ...). `get_activation(name)` (imported in the setup cell)
# gives an object `f` with `f(z)` and, for the elementwise ones, its derivative
# `f.derivative(z)`: use them, activations are not what this exercise is about.
# (Softmax is not elementwise, so `get_activation("softmax").derivative` raises an
# error; Part 3 says what to do instead.)
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. The grader runs more checks than
# you see here, on arrays, networks and batches it picks at random. Before you
# submit, use **Kernel > Restart Kernel and Run All Cells**.
#
# **What you may use:** numpy, `get_activation`, and your own functions from
# earlier parts. Write the passes with **no loop over samples** (loop over layers
# only).
#
# {{ not allowed while graded }}
#
# The test cells use some of them to check you. The grader also runs `mlp_backward` on a
# 32-128-128-10 network and 512 samples, where only back-propagation finishes in time
# (numerical differences would take minutes).

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import MLP, get_activation
from course_lib.exercises import check_close, check_gradient, check_shape, check_true
from course_lib.exercises.checks import checked_call

# An example 3-4-2 network and a batch of 5 samples.
_example_rng = np.random.default_rng(6)
SIZES_EXAMPLE = [3, 4, 2]
WEIGHTS_EXAMPLE = [_example_rng.normal(0, 0.8, size=(n_out, n_in))
                   for n_in, n_out in zip(SIZES_EXAMPLE[:-1], SIZES_EXAMPLE[1:])]
BIASES_EXAMPLE = [_example_rng.normal(0, 0.5, size=n_out) for n_out in SIZES_EXAMPLE[1:]]
X_EXAMPLE = _example_rng.normal(size=(5, 3))
Y_EXAMPLE = _example_rng.uniform(size=(5, 2))
# The same network with a softmax output: one-hot targets of 2 classes for the 5 samples.
Y_ONEHOT_EXAMPLE = np.eye(2)[[0, 1, 1, 0, 1]]

# %% [markdown]
# ## Part 1: your own gradient checker (2 points)
#
# Every backward pass in this course is checked against numbers that need no
# calculus: nudge one entry $x_i$ of the input by a small $h$ both ways and watch
# the function,
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h\,e_i) - f(x - h\,e_i)}{2h},$$
#
# where $e_i$ is 1 at entry $i$ and 0 elsewhere. Write two functions.
#
# - `numerical_gradient_of(f, x, h=1e-5)`: `x` is a float64 array of **any shape**
#   (a vector, a weight matrix, a 3-d array) and `f(x)` returns a number; return
#   the centred difference of every entry, an array shaped like `x`. Nudge `x`
#   **itself**, in place, and put each entry back before the next, so `x` is
#   unchanged at the end. Why in place: in Part 6 the function you differentiate is
#   a network's loss, which reads the weights from its list `weights`, not from its
#   argument. A nudged copy would never reach it. (`np.ndindex(x.shape)` walks
#   through every index of an array of any shape.)
# - `relative_errors(analytic, numeric)`: entry by entry,
#   $\dfrac{|a - n|}{|a| + |n|}$, an array of their shape. Where both entries are
#   exactly 0 they agree: the error is 0, not NaN.
#
# The course's rule, in float64 with $h = 10^{-5}$, reads the **worst** entry: below
# $10^{-6}$ the gradients agree; above $10^{-4}$ there is a bug; in between, look
# closer. Entry by entry on purpose: dividing by the largest entry instead would
# let a wrong sign in a tiny entry pass.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "checker", "schema_version": 3}
def numerical_gradient_of(f, x, h=1e-5):
    """Centred-difference gradient of the number f(x) with respect to every entry of x.

    Shapes: x (any shape, float64) -> an array of x's shape. x is nudged in place one entry at
    a time and put back, so f may read it through another reference; x is unchanged at the end.
    """
    ### BEGIN SOLUTION
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        up = float(f(x))
        x[index] = original - h
        down = float(f(x))
        x[index] = original
        grad[index] = (up - down) / (2 * h)
    return grad
    ### END SOLUTION


def relative_errors(analytic, numeric):
    """Entry by entry |a - n| / (|a| + |n|), and 0 where both entries are exactly 0.

    Shapes: analytic and numeric alike (any shape) -> that shape.
    """
    ### BEGIN SOLUTION
    a, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    total = np.abs(a) + np.abs(n)
    return np.abs(a - n) / np.where(total == 0, 1.0, total)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "checker_tests", "points": 2, "schema_version": 3}
_CENTRED_HINT = "(f(x + h e_i) - f(x - h e_i)) / (2h) for every entry i"
_SHAPE_HINT = "walk through every index of x, whatever its shape: np.ndindex(x.shape)"
_x = np.array([1.0, -2.0, 0.5])
check_close("numerical_gradient_of(sum of x^2) at [1, -2, 0.5]",
            checked_call("numerical_gradient_of(sum of x^2)", numerical_gradient_of,
                         lambda v: float(np.sum(v ** 2)), _x.copy(), hint=_CENTRED_HINT),
            2 * _x, rtol=1e-7, hint=_CENTRED_HINT)
_M = np.arange(6.0).reshape(2, 3) / 4
check_close("numerical_gradient_of(sum of sin) for a (2, 3) array",
            checked_call("numerical_gradient_of for a (2, 3) array", numerical_gradient_of,
                         lambda v: float(np.sum(np.sin(v))), _M.copy(), hint=_SHAPE_HINT),
            np.cos(_M), rtol=1e-7, hint=_SHAPE_HINT)
_weights = [np.array([[0.5, -1.0], [2.0, 0.25]])]
_before = _weights[0].copy()
_g = numerical_gradient_of(lambda _: float(np.sum(_weights[0] ** 3)), _weights[0])
check_close("numerical_gradient_of a function that reads x through a list, not through its argument", _g,
            3 * _before ** 2, rtol=1e-7, hint="nudge x itself (x[index] = ...), not a copy of it: "
                                               "the function sees x only through the list")
check_close("x after numerical_gradient_of", _weights[0], _before, rtol=0, atol=1e-15,
            hint="put every entry back to its original value after nudging it")
_RELATIVE_HINT = "|a - n| / (|a| + |n|) entry by entry; where both are exactly 0 the error is 0, not NaN"
check_close("relative_errors([1, 2, 0], [1, -2, 0])",
            checked_call("relative_errors([1, 2, 0], [1, -2, 0])", relative_errors, np.array([1.0, 2.0, 0.0]),
                         np.array([1.0, -2.0, 0.0]), hint=_RELATIVE_HINT),
            np.array([0.0, 1.0, 0.0]), hint=_RELATIVE_HINT)
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(660)
_T = _rng.normal(size=(2, 3, 2))
_C = _rng.normal(size=(2, 3, 2))
check_close("numerical_gradient_of for a (2, 3, 2) array",
            numerical_gradient_of(lambda v: float(np.sum(np.tanh(v) * _C)), _T.copy()),
            _C * (1 - np.tanh(_T) ** 2), rtol=1e-6, atol=1e-9, hint=_SHAPE_HINT)
_A, _N = _rng.normal(size=(3, 4)), _rng.normal(size=(3, 4))
_A[1, 2] = _N[1, 2] = 0.0
check_close("relative_errors of two (3, 4) arrays with an entry 0 in both", relative_errors(_A, _N),
            np.where(np.abs(_A) + np.abs(_N) == 0, 0.0,
                     np.abs(_A - _N) / np.maximum(np.abs(_A) + np.abs(_N), 1e-300)), hint=_RELATIVE_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: the forward pass, with a cache, and its loss (1 point)
#
# The backward pass needs every weighted sum and every activation of the forward
# pass. Write `forward_with_cache(weights, biases, X, hidden_activation,
# output_activation)` returning the pair `(zs, activations)`:
#
# - `zs`: a list of $L$ arrays, `zs[l-1]` $= Z^l$ of shape (n, `sizes[l]`);
# - `activations`: a list of $L + 1$ arrays, `activations[l]` $= A^l$ of shape
#   (n, `sizes[l]`), so `activations[0]` is `X` and the last one is the
#   network's output $A^L$.
#
# Then write `network_loss(weights, biases, X, Y, hidden_activation,
# output_activation)`: the loss of the network on the batch, a number, by the pairing
# above (the mean squared error over all $nk$ entries, or the cross-entropy over
# the $n$ samples for a softmax output). Part 6 differentiates it numerically.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "forward", "schema_version": 3}
def forward_with_cache(weights, biases, X, hidden_activation, output_activation):
    """Forward pass of an MLP keeping every z and activation.

    Shapes: weights[l-1] = W^l (sizes[l], sizes[l-1]), biases[l-1] = b^l (sizes[l],), X (n, sizes[0]).
    Returns (zs, activations): zs[l-1] = Z^l (n, sizes[l]) for l = 1..L; activations[l] = A^l
    (n, sizes[l]), the activation of zs[l-1], and activations[0] is X.
    """
    ### BEGIN SOLUTION
    zs, activations = [], [np.asarray(X, dtype=float)]
    last = len(weights) - 1
    for l, (W, b) in enumerate(zip(weights, biases)):
        f = get_activation(output_activation if l == last else hidden_activation)
        zs.append(activations[-1] @ W.T + b)
        activations.append(f(zs[-1]))
    return zs, activations
    ### END SOLUTION


def network_loss(weights, biases, X, Y, hidden_activation, output_activation):
    """The loss on the batch: mse over all n k entries, or the cross-entropy over n samples for softmax.

    Shapes: as forward_with_cache; Y (n, sizes[-1]), one-hot for a softmax output. Returns a float.
    """
    ### BEGIN SOLUTION
    output = forward_with_cache(weights, biases, X, hidden_activation, output_activation)[1][-1]
    Y = np.asarray(Y, dtype=float)
    if output_activation == "softmax":
        return float(-np.sum(Y * np.log(output)) / Y.shape[0])
    return float(np.mean((output - Y) ** 2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "forward_tests", "points": 1, "schema_version": 3}
def _example_net(weights, biases, hidden_activation, output_activation):
    """A course_lib MLP holding these parameters, to check answers against (its loss paired with the output)."""
    loss = "cross_entropy" if output_activation == "softmax" else "mse"
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], hidden_activation, output_activation, loss)
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    return net


_FORWARD_HINT = "Z^l = A^(l-1) (W^l)^T + b^l: W^l is (sizes[l], sizes[l-1]) and A^(l-1) has one row per sample"
_zs, _acts = checked_call("forward_with_cache on the 3-4-2 example", forward_with_cache, WEIGHTS_EXAMPLE,
                          BIASES_EXAMPLE, X_EXAMPLE, "tanh", "sigmoid", hint=_FORWARD_HINT,
                          returns=("zs", "activations"))
check_close("number of zs and of activations", (len(_zs), len(_acts)), (2, 3),
            hint="one z per layer; activations also hold X at index 0")
check_shape("zs[0] of the 3-4-2 example", _zs[0], (5, 4), hint="one row per sample, one column per hidden unit")
_trace = _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "sigmoid").trace(X_EXAMPLE)
check_close("zs of the example against course_lib's MLP", _zs, _trace.zs, hint=_FORWARD_HINT)
check_close("activations of the example against course_lib's MLP", _acts, _trace.activations,
            hint="the last layer uses the output activation, every other layer the hidden one")
check_close("network_loss of the example (sigmoid output, mse)",
            checked_call("network_loss on the example", network_loss, WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE,
                         Y_EXAMPLE, "tanh", "sigmoid", hint="the loss reads the last of forward_with_cache's activations"),
            _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "sigmoid").loss(X_EXAMPLE, Y_EXAMPLE),
            hint="the mean of the squared differences over ALL n k = 10 entries")
check_close("network_loss of the example with a softmax output (cross-entropy)",
            network_loss(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, Y_ONEHOT_EXAMPLE, "tanh", "softmax"),
            _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "softmax").loss(X_EXAMPLE, Y_ONEHOT_EXAMPLE),
            hint="-(1/n) sum of Y * log P: a mean over the n = 5 samples, not over all n k entries")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(606)
_Ws = [_rng.normal(size=(4, 2)), _rng.normal(size=(3, 4)), _rng.normal(size=(1, 3))]
_bs = [_rng.normal(size=4), _rng.normal(size=3), _rng.normal(size=1)]
_X = _rng.normal(size=(7, 2))
_zs, _acts = forward_with_cache(_Ws, _bs, _X, "relu", "identity")
_trace = _example_net(_Ws, _bs, "relu", "identity").trace(_X)
check_close("zs of a 2-4-3-1 relu network", _zs, _trace.zs, hint=_FORWARD_HINT)
check_close("activations of a 2-4-3-1 relu network", _acts, _trace.activations,
            hint="the last layer uses the output activation, every other layer the hidden one")
_Y = _rng.normal(size=(7, 1))
check_close("network_loss of a 2-4-3-1 relu network", network_loss(_Ws, _bs, _X, _Y, "relu", "identity"),
            np.mean((_acts[-1] - _Y) ** 2), hint="the mean of the squared differences over ALL n k entries")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: the output layer's error term (1 point)
#
# Back-propagation starts at the output with the error term
# $\Delta^L = \partial L/\partial Z^L$. Write
# `output_delta(output, Y, z_out, output_activation)`: `output` is $A^L$
# (`activations[-1]`), `z_out` is $Z^L$ (`zs[-1]`), all of shape (n, k), and the
# result $\Delta^L$ has that shape too. It handles both losses:
#
# - **an elementwise output with the mean squared error** over all $n k$ entries:
#
#   $$\frac{\partial L}{\partial A^L} = \frac{2}{n k}\,(A^L - Y), \qquad
#   \Delta^L = \frac{\partial L}{\partial A^L} \odot f'(Z^L),$$
#
#   where $\odot$ multiplies entry by entry;
# - **a softmax output with the cross-entropy** (`output_activation == "softmax"`,
#   `Y` one-hot): there is no elementwise $f'$ to multiply by. Lesson 6 (the section
#   "Optional: softmax with cross-entropy, derived") chains the cross-entropy's
#   gradient through the softmax's Jacobian, and almost everything cancels: use the
#   result it arrives at.
#   Mind the scale: this loss is a mean over the $n$ samples, not over all $n k$
#   entries. (Half of the point.)

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "output_delta", "schema_version": 3}
def output_delta(output, Y, z_out, output_activation):
    """dL/dz of the output layer: mean squared error over all entries, or cross-entropy for softmax.

    Shapes: output, Y, z_out (n, k) -> (n, k).
    """
    ### BEGIN SOLUTION
    Y = np.asarray(Y, dtype=float)
    if output_activation == "softmax":
        # the softmax's Jacobian cancels against dL/dP = -Y / (n P): the fused error
        return (output - Y) / Y.shape[0]
    return 2.0 / Y.size * (output - Y) * get_activation(output_activation).derivative(z_out)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "output_delta_tests", "points": 1, "schema_version": 3}
_z = np.array([[0.0, 1.0]])
check_close("output_delta for identity outputs [0, 1] and targets [1, 1]",
            checked_call("output_delta for identity outputs", output_delta, _z, np.array([[1.0, 1.0]]), _z,
                         "identity", hint="dL/dA^L times f'(Z^L), entry by entry: both are (n, k)"),
            np.array([[-1.0, 0.0]]), hint="2 / (n k) * (output - Y): here n k = 2, so the first entry is (0 - 1) = -1")
_net = _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "sigmoid")
_trace = _net.trace(X_EXAMPLE)  # course_lib's forward pass, so this test needs only your output_delta
_delta = output_delta(_trace.activations[-1], Y_EXAMPLE, _trace.zs[-1], "sigmoid")
check_shape("output_delta on the example", _delta, (5, 2),
            hint="Delta^L has the shape of A^L: one row per sample, one column per output")
check_close("output_delta on the example against course_lib's MLP", _delta,
            _net.backward(X_EXAMPLE, Y_EXAMPLE).deltas[-1],
            hint="divide by the number of ALL entries, n * k = 10, and multiply by the sigmoid's slope")
check_close("output_delta for a softmax output [0.5, 0.5] and the one-hot target [1, 0]",
            output_delta(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), np.zeros((1, 2)), "softmax"),
            np.array([[-0.5, 0.5]]), hint="lesson 6's fused output error: no f'(z) for a softmax")
_net = _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "softmax")
_trace = _net.trace(X_EXAMPLE)
check_close("output_delta on the example with a softmax output against course_lib's MLP",
            output_delta(_trace.activations[-1], Y_ONEHOT_EXAMPLE, _trace.zs[-1], "softmax"),
            _net.backward(X_EXAMPLE, Y_ONEHOT_EXAMPLE).deltas[-1],
            hint="the cross-entropy is a mean over the n = 5 samples, not over all n * k entries")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(616)
_Z, _Y = _rng.normal(size=(6, 3)), _rng.uniform(size=(6, 3))
_T = np.tanh(_Z)
check_close("output_delta for tanh outputs", output_delta(_T, _Y, _Z, "tanh"), 2 / 18 * (_T - _Y) * (1 - _T ** 2),
            hint="2 / (n k) with n k = 18 here, times tanh's slope at z_out")
_P = np.exp(_Z) / np.exp(_Z).sum(axis=1, keepdims=True)
_Y = np.eye(3)[[2, 0, 1, 1, 0, 2]]
check_close("output_delta for softmax outputs of 6 samples, 3 classes", output_delta(_P, _Y, _Z, "softmax"),
            (_P - _Y) / 6, hint="a mean over the n = 6 samples: divide by n, not by n k")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: the error flows backward one layer (1 point)
#
# Given the error term $\Delta^{l+1}$ of the layer above, (n, `sizes[l+1]`), the
# error term of hidden layer $l$ is
#
# $$\Delta^l = \bigl(\Delta^{l+1} W^{l+1}\bigr) \odot f'(Z^l),$$
#
# of shape (n, `sizes[l]`): each unit collects the errors of the units it feeds,
# weighted by the connecting weights, and scales them by its own slope. Write
# `hidden_delta(delta_next, W_next, z, hidden_activation)`, where `delta_next` is
# $\Delta^{l+1}$, `W_next` is $W^{l+1}$ (`weights[l]`) and `z` is $Z^l$
# (`zs[l-1]`).

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "hidden_delta", "schema_version": 3}
def hidden_delta(delta_next, W_next, z, hidden_activation):
    """dL/dz of a hidden layer from the error term of the layer above.

    Shapes: delta_next (n, m), W_next (m, h), z (n, h) -> (n, h).
    """
    ### BEGIN SOLUTION
    return (delta_next @ W_next) * get_activation(hidden_activation).derivative(z)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "hidden_delta_tests", "points": 1, "schema_version": 3}
_d = checked_call("hidden_delta from 2 units above to 3 units", hidden_delta, np.array([[1.0, -1.0]]),
                  np.array([[0.5, 2.0, 0.0], [1.5, 1.0, -1.0]]), np.zeros((1, 3)), "identity",
                  hint="Delta^(l+1) is (n, 2) and W^(l+1) is (2, 3): which product gives (n, 3)?")
check_shape("hidden_delta from 2 units above to 3 units", _d, (1, 3),
            hint="Delta^(l+1) is (n, 2) and W^(l+1) is (2, 3): which product gives (n, 3)?")
check_close("hidden_delta with identity units", _d, np.array([[-1.0, 1.0, 1.0]]),
            hint="unit j collects sum_k delta_next[k] * W_next[k, j]")
_net = _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "sigmoid")
_deltas = _net.backward(X_EXAMPLE, Y_EXAMPLE).deltas
check_close("hidden_delta on the example against course_lib's MLP",
            hidden_delta(_deltas[1], WEIGHTS_EXAMPLE[1], _net.trace(X_EXAMPLE).zs[0], "tanh"), _deltas[0],
            hint="multiply by the slope of the HIDDEN activation at this layer's z")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(626)
_dn, _Wn, _z = _rng.normal(size=(4, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=(4, 5))
check_close("hidden_delta with relu units", hidden_delta(_dn, _Wn, _z, "relu"), (_dn @ _Wn) * (_z > 0),
            hint="multiply by the slope of the HIDDEN activation at this layer's z")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 5: predict before you run (2 points)
#
# Three questions to answer **before** you write the backward pass, on paper
# first. Each answer is a small function, so that it holds for every network, not
# only the one in the question; the grader asks it about networks and numbers it
# picks.
#
# **A.** A 2-3-1 network (`sizes = [2, 3, 1]`) gets a batch of $n = 5$ samples.
# Which shape has $\partial L/\partial W^1$, and which $\Delta^1$? Write
# `gradient_shapes(sizes, l, n)` returning the pair (shape of
# $\partial L/\partial W^l$, shape of $\Delta^l$), each a tuple of two ints, for
# layer `l` counted from 1. (0.5 points)
#
# **B.** Your checker reports a worst relative error of $3 \times 10^{-5}$. Do the
# gradients agree, is it a bug, or should you look closer? Write
# `verdict_for(error)` returning `"agree"`, `"look closer"` or `"bug"` by the
# course's rule. (0.5 points)
#
# **C.** A backward pass forgets the $\frac{1}{n}$ of the cross-entropy on a batch
# of $n = 4$, so it returns 4 times every right gradient. What relative error does
# your checker show on each entry? And a backward pass with a flipped sign, $-1$
# times the right gradient? Write `error_of_scaled_gradient(c)`: the relative
# error of every entry of $c\,g$ against the right gradient $g$ (any $c$, and
# $g \neq 0$). Derive it from Part 1's formula: the answer does not depend on $g$.
# (1 point)

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predictions", "schema_version": 3}
def gradient_shapes(sizes, l, n):
    """(shape of dL/dW^l, shape of Delta^l) for layer sizes `sizes` and a batch of n samples, l from 1.

    Shapes: sizes a list of ints (sizes[0] inputs); returns a pair of tuples of two ints.
    """
    ### BEGIN SOLUTION
    return (sizes[l], sizes[l - 1]), (n, sizes[l])
    ### END SOLUTION


def verdict_for(error):
    """The course's rule for a worst relative error (float64, h = 1e-5): "agree", "look closer" or "bug"."""
    ### BEGIN SOLUTION
    if error < 1e-6:
        return "agree"
    if error > 1e-4:
        return "bug"
    return "look closer"
    ### END SOLUTION


def error_of_scaled_gradient(c):
    """The relative error of each entry of c * g against g (g != 0): a number, the same for every entry."""
    ### BEGIN SOLUTION
    return abs(c - 1) / (abs(c) + 1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predictions_tests", "points": 2, "schema_version": 3}
_shapes = checked_call("gradient_shapes([2, 3, 1], 1, 5)", gradient_shapes, [2, 3, 1], 1, 5,
                       hint="layers count from 1: W^l is (sizes[l], sizes[l-1])")
check_true("gradient_shapes returns two shapes of two numbers each",
           isinstance(_shapes, (tuple, list)) and len(_shapes) == 2
           and all(isinstance(s, (tuple, list)) and len(s) == 2 for s in _shapes),
           "the answer is a pair of shapes", got=_shapes, expected="((rows, columns), (rows, columns))",
           hint="return a pair like ((rows, columns), (rows, columns))")
_verdict = checked_call("verdict_for(3e-5)", verdict_for, 3e-5, hint="compare the error with 1e-6 and with 1e-4")
check_true("verdict_for(3e-5) is one of the three verdicts", _verdict in ("agree", "look closer", "bug"),
           "the answer is one of three verdicts", got=_verdict, expected='"agree", "look closer" or "bug"',
           hint='return exactly "agree", "look closer" or "bug"')
_error = checked_call("error_of_scaled_gradient(4)", error_of_scaled_gradient, 4.0,
                      hint="put a = c g and n = g into |a - n| / (|a| + |n|)")
check_true("error_of_scaled_gradient(4) is a relative error, between 0 and 1",
           np.ndim(_error) == 0 and isinstance(_error, (int, float, np.number)) and 0.0 <= float(_error) <= 1.0,
           "a relative error is one number from 0 to 1", got=_error, expected="one number from 0 to 1",
           hint="|a - n| / (|a| + |n|) is never negative and never above 1")
### BEGIN HIDDEN TESTS
check_close("A: the shapes of dL/dW^1 and Delta^1 in a 2-3-1 network, 5 samples", gradient_shapes([2, 3, 1], 1, 5),
            ((3, 2), (5, 3)), hint="dL/dW^l = (Delta^l)^T A^(l-1) has the shape of W^l, (n_l, n_(l-1)): the "
                                   "product sums over the batch, so n is gone; Delta^l has one row per sample")
check_close("A: the shapes for layer 2 of a 4-6-3 network, 7 samples", gradient_shapes([4, 6, 3], 2, 7),
            ((3, 6), (7, 3)), hint="dL/dW^l has the shape of W^l; Delta^l has one row per sample, one column per unit")
check_close("B: the verdict for a relative error of 3e-5", verdict_for(3e-5), "look closer",
            hint="below 1e-6 agree, above 1e-4 a bug; between, neither: look closer (a kink of ReLU near a "
                 "nudged entry, or entries too small for float64's centred difference)")
check_close("B: the verdicts for 2e-9 and 0.02", (verdict_for(2e-9), verdict_for(0.02)), ("agree", "bug"),
            hint="below 1e-6 agree, above 1e-4 a bug")
check_close("C: the relative error of 4 g against g", error_of_scaled_gradient(4.0), 0.6,
            hint="|c g - g| / (|c g| + |g|): |g| cancels, leaving |c - 1| / (|c| + 1); 3/5 for c = 4")
check_close("C: the relative error of -g against g", error_of_scaled_gradient(-1.0), 1.0,
            hint="a flipped sign gives the largest relative error there is, 1")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 6: the whole backward pass (3 points)
#
# Write `mlp_backward(weights, biases, X, Y, hidden_activation, output_activation)`
# returning `(grad_weights, grad_biases)`, two lists of $L$ arrays shaped like
# `weights` and `biases`: `grad_weights[l-1]` is $\partial L/\partial W^l$ and
# `grad_biases[l-1]` is $\partial L/\partial b^l$. These are lesson 6's equations
# for a batch, one row per sample; you have written the first two already.
#
# | quantity | equation | shape |
# | --- | --- | --- |
# | $\Delta^L$ | Part 3 | (n, `sizes[L]`) |
# | $\Delta^l$, $l < L$ | $\bigl(\Delta^{l+1} W^{l+1}\bigr) \odot f'(Z^l)$ (Part 4) | (n, `sizes[l]`) |
# | $\partial L/\partial W^l$ | $(\Delta^l)^\top A^{l-1}$ | (`sizes[l]`, `sizes[l-1]`) |
# | $\partial L/\partial b^l$ | $\sum_i \Delta^l[i, :]$, a sum over the samples | (`sizes[l]`,) |
#
# Every quantity on the right must exist before you use it: decide in which order
# to walk the layers, and what to keep from the forward pass. Nothing below the
# output layer depends on the loss, so one loop serves both losses: a point for
# the mean squared error, a point for softmax with cross-entropy, and a point for
# random networks of 1 to 4 layers and the large one. The test cell compares every
# gradient with a numerical gradient of the loss.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "backward", "schema_version": 3}
def mlp_backward(weights, biases, X, Y, hidden_activation, output_activation):
    """Gradients of the loss (mse, or cross-entropy for a softmax output) for every weight and bias.

    Shapes: weights[l-1] = W^l (sizes[l], sizes[l-1]), biases[l-1] = b^l (sizes[l],), X (n, sizes[0]),
    Y (n, sizes[-1]). Returns (grad_weights, grad_biases), lists shaped like weights and biases.
    """
    ### BEGIN SOLUTION
    zs, activations = forward_with_cache(weights, biases, X, hidden_activation, output_activation)
    delta = output_delta(activations[-1], Y, zs[-1], output_activation)
    grad_weights, grad_biases = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grad_weights[l] = delta.T @ activations[l]
        grad_biases[l] = delta.sum(axis=0)
        if l > 0:
            delta = hidden_delta(delta, weights[l], zs[l - 1], hidden_activation)
    return grad_weights, grad_biases
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "backward_tests", "points": 3, "schema_version": 3}
_HINTS = {"weights": "the table's row for dL/dW^l: (Delta^l)^T A^(l-1) has the shape of W^l",
          "biases": "the table's row for dL/db^l: a sum over the samples (the rows of Delta^l), one entry per unit"}


def _gradient_check(weights, biases, X, Y, hidden_activation, output_activation, label):
    """Compare mlp_backward with numerical gradients of course_lib's loss, parameter by parameter."""
    result = checked_call(f"mlp_backward on the {label} network", mlp_backward, weights, biases, X, Y,
                          hidden_activation, output_activation, returns=("grad_weights", "grad_biases"),
                          hint="write the shape of every factor beside each row of the table")
    check_true(f"mlp_backward on the {label} network returns two lists of {len(weights)} arrays",
               all(isinstance(grads, (list, tuple)) and len(grads) == len(weights) for grads in result),
               "grad_weights and grad_biases are lists with one array per layer", got=result,
               expected=f"two lists of {len(weights)} arrays, shaped like weights and biases",
               hint="one gradient per layer in each list, layer 1 first: grad_weights[l-1] is dL/dW^l")
    grad_weights, grad_biases = result
    for kind, params, grads in (("weights", weights, grad_weights), ("biases", biases, grad_biases)):
        for l, param in enumerate(params):
            def loss(value, kind=kind, l=l):
                net = _example_net(weights, biases, hidden_activation, output_activation)
                getattr(net, kind)[l] = value
                return net.loss(X, Y)
            check_gradient(f"{label}: d loss / d {kind}[{l}]", loss, param, grads[l],
                           hint=f"{_HINTS[kind]}; {kind}[{l}] has the shape {param.shape}")


_gradient_check(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, Y_EXAMPLE, "tanh", "sigmoid", "3-4-2 tanh/sigmoid")
_gradient_check(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, Y_ONEHOT_EXAMPLE, "tanh", "softmax",
                "3-4-2 tanh/softmax with cross-entropy")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(636)
_sizes = [2, 5, 4, 3]
_Ws = [_rng.normal(size=(m, n)) for n, m in zip(_sizes[:-1], _sizes[1:])]
_bs = [_rng.normal(size=m) for m in _sizes[1:]]
_X, _Y = _rng.normal(size=(8, 2)), _rng.normal(size=(8, 3))
_gradient_check(_Ws, _bs, _X, _Y, "sigmoid", "identity", "2-5-4-3 sigmoid/identity")
_grads = _example_net(_Ws, _bs, "relu", "tanh").backward(_X, _Y)
check_close("mlp_backward of a relu/tanh network against course_lib", mlp_backward(_Ws, _bs, _X, _Y, "relu", "tanh"),
            (_grads.weights, _grads.biases), hint="nothing below the output layer depends on the loss or the activations' names")
_Y = np.eye(3)[_rng.integers(0, 3, size=8)]
_gradient_check(_Ws, _bs, _X, _Y, "relu", "softmax", "2-5-4-3 relu/softmax with cross-entropy")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it: your checker on your backward pass
#
# The test cell above used the library's checker. Now use yours: the cell below
# differentiates your `network_loss` numerically with your `numerical_gradient_of`,
# compares with your `mlp_backward` by your `relative_errors`, and reads the worst
# entry of each parameter by your `verdict_for`. The loss reads the weights from
# the lists, which is why Part 1 nudges in place.
#
# Then plant a bug: divide `grad_weights[0]` by 2 before the comparison, or swap
# `"tanh"` for `"relu"` in one of the calls. **Predict first** which verdicts change,
# and what relative error Part 5's question C gives for $c = 1/2$.

# %% tags=["worked:own-checker"]
def own_check(weights, biases, X, Y, hidden, output):
    grad_weights, grad_biases = mlp_backward(weights, biases, X, Y, hidden, output)
    for kind, params, grads in (("W", weights, grad_weights), ("b", biases, grad_biases)):
        for l, (param, grad) in enumerate(zip(params, grads), start=1):
            numeric = numerical_gradient_of(lambda _: network_loss(weights, biases, X, Y, hidden, output), param)
            print(f"{kind}^{l}: {verdict_for(relative_errors(grad, numeric).max())}")


own_check([W.copy() for W in WEIGHTS_EXAMPLE], [b.copy() for b in BIASES_EXAMPLE], X_EXAMPLE, Y_EXAMPLE,
          "tanh", "sigmoid")

# %% [markdown]
# ## Try it: one step down the loss
#
# One step of gradient descent with your gradients should lower the loss, as
# long as the step is not too long. Lesson 3 suggested learning rates around 0.01
# to 0.1; the cell below tries 1, 10 and 100.
#
# **Why so large?** A learning rate only means something together with the
# loss's scale. Lesson 3 showed that descent overshoots when the rate exceeds
# $2/a$ for the curvature $a$ of the loss; a flatter loss allows, and needs, larger
# rates. This exercise's mean squared error averages over all $n k = 10$ entries, so
# every output error carries the factor $2/(nk) = 0.2$, and the sigmoid's slope
# (at most $1/4$) shrinks it further: the gradients are small and the loss is flat.
# With a *summed* loss every gradient would be $nk$ times larger and the same
# steps would take a rate $nk$ times smaller (the second column below). So a rate
# tuned for one network does not carry over: it depends on the loss's convention,
# on the number of outputs $k$, on the output activation and, for a summed loss,
# on the batch size $n$ (the course's means keep it independent of $n$, lesson 6).
# Find it by trying, as here.
#
# Which rate overshoots? Try a few between 10 and 100 to find the best single step.

# %% tags=["worked:one-step"]
def mse_of(weights, biases):
    output = forward_with_cache(weights, biases, X_EXAMPLE, "tanh", "sigmoid")[1][-1]
    return np.mean((output - Y_EXAMPLE) ** 2)


grad_weights, grad_biases = mlp_backward(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, Y_EXAMPLE, "tanh", "sigmoid")
entries = Y_EXAMPLE.size  # n k: a summed loss has gradients this many times larger
for rate in (1.0, 10.0, 100.0):
    stepped_weights = [W - rate * g for W, g in zip(WEIGHTS_EXAMPLE, grad_weights)]
    stepped_biases = [b - rate * g for b, g in zip(BIASES_EXAMPLE, grad_biases)]
    print(f"rate {rate:>5} (summed loss: {rate / entries:>4}): loss {mse_of(WEIGHTS_EXAMPLE, BIASES_EXAMPLE):.5f} "
          f"-> {mse_of(stepped_weights, stepped_biases):.5f}")
