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
# Time to put it all together: the vectorised backward pass of a multi-layer
# perceptron of any depth, for a whole batch at once, checked against numerical
# gradients. Lesson 6 (`notebooks/06_backpropagation.ipynb`) derives the four
# equations you need, with the shape of every array: keep it open beside you.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `forward_with_cache`: the forward pass keeping every $z$ and activation | 2 |
# | 2 | `output_delta`: the error term of the output layer, for both losses | 2 |
# | 3 | `hidden_delta`: one step of the error flowing backward | 2 |
# | 4 | `mlp_backward`: $\partial L/\partial W$ and $\partial L/\partial b$ for every layer | 4 |
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
# error; Part 2 says what to do instead.)
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. The grader runs more checks than
# you see here, on networks and batches it picks at random. Before you submit,
# use **Kernel > Restart Kernel and Run All Cells**.
#
# Write the passes yourself with numpy and **no loop over samples** (loop over
# layers only): do not call `course_lib.MLP` (its `forward`, `trace` or
# `backward`), `course_lib.get_loss`, `course_lib.numerical_gradient`,
# `course_lib.signals` (lesson 5's recipe) or the playground's training code. The
# tests here use some of them to check you; while the grader scores your notebook they raise an
# error, and it runs `mlp_backward` on a 32-128-128-10 network and 512 samples,
# where only backpropagation finishes in time (numerical differences would take
# minutes).

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import MLP, get_activation
from course_lib.exercises import check_close, check_gradient, check_shape

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
# ## Part 1: the forward pass, with a cache (2 points)
#
# The backward pass needs every weighted sum and every activation of the forward
# pass. Write `forward_with_cache(weights, biases, X, hidden_activation,
# output_activation)` returning the pair `(zs, activations)`:
#
# - `zs`: a list of $L$ arrays, `zs[l-1]` $= Z^l$ of shape (n, `sizes[l]`);
# - `activations`: a list of $L + 1$ arrays, `activations[l]` $= A^l$ of shape
#   (n, `sizes[l]`), so `activations[0]` is `X` and the last one is the
#   network's output $A^L$.

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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "forward_tests", "points": 2, "schema_version": 3}
def _example_net(weights, biases, hidden_activation, output_activation):
    """A course_lib MLP holding these parameters, to check answers against (its loss paired with the output)."""
    loss = "cross_entropy" if output_activation == "softmax" else "mse"
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], hidden_activation, output_activation, loss)
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    return net


_zs, _acts = forward_with_cache(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, "tanh", "sigmoid")
check_close("number of zs and of activations", (len(_zs), len(_acts)), (2, 3),
            hint="one z per layer; activations also hold X at index 0")
check_shape("zs[0] of the 3-4-2 example", _zs[0], (5, 4), hint="one row per sample, one column per hidden unit")
check_close("zs[0] of the example", _zs[0], X_EXAMPLE @ WEIGHTS_EXAMPLE[0].T + BIASES_EXAMPLE[0],
            hint="Z = A W^T + b with one sample per row of A")
_trace = _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "sigmoid").trace(X_EXAMPLE)
check_close("zs of the example against course_lib's MLP", _zs, _trace.zs,
            hint="the last layer uses the output activation, every other layer the hidden one")
check_close("activations of the example against course_lib's MLP", _acts, _trace.activations)
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(606)
_Ws = [_rng.normal(size=(4, 2)), _rng.normal(size=(3, 4)), _rng.normal(size=(1, 3))]
_bs = [_rng.normal(size=4), _rng.normal(size=3), _rng.normal(size=1)]
_X = _rng.normal(size=(7, 2))
_zs, _acts = forward_with_cache(_Ws, _bs, _X, "relu", "identity")
_trace = _example_net(_Ws, _bs, "relu", "identity").trace(_X)
check_close("zs of a 2-4-3-1 relu network", _zs, _trace.zs)
check_close("activations of a 2-4-3-1 relu network", _acts, _trace.activations)
_zs, _acts = forward_with_cache(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, X_EXAMPLE, "tanh", "softmax")
check_close("activations of the example with a softmax output", _acts,
            _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "softmax").trace(X_EXAMPLE).activations)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: the output layer's error term (2 points)
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
#   entries. (1 of the 2 points)

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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "output_delta_tests", "points": 2, "schema_version": 3}
_z = np.array([[0.0, 1.0]])
check_close("output_delta for identity outputs [0, 1] and targets [1, 1]",
            output_delta(_z, np.array([[1.0, 1.0]]), _z, "identity"), np.array([[-1.0, 0.0]]),
            hint="2 / (n k) * (output - Y): here n k = 2, so the first entry is (0 - 1) = -1")
_net = _example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE, "tanh", "sigmoid")
_trace = _net.trace(X_EXAMPLE)  # course_lib's forward pass, so this test needs only your output_delta
_delta = output_delta(_trace.activations[-1], Y_EXAMPLE, _trace.zs[-1], "sigmoid")
check_shape("output_delta on the example", _delta, (5, 2))
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
check_close("output_delta for tanh outputs", output_delta(_T, _Y, _Z, "tanh"), 2 / 18 * (_T - _Y) * (1 - _T ** 2))
_P = np.exp(_Z) / np.exp(_Z).sum(axis=1, keepdims=True)
_Y = np.eye(3)[[2, 0, 1, 1, 0, 2]]
check_close("output_delta for softmax outputs of 6 samples, 3 classes", output_delta(_P, _Y, _Z, "softmax"),
            (_P - _Y) / 6)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: the error flows backward one layer (2 points)
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "hidden_delta_tests", "points": 2, "schema_version": 3}
_d = hidden_delta(np.array([[1.0, -1.0]]), np.array([[0.5, 2.0, 0.0], [1.5, 1.0, -1.0]]), np.zeros((1, 3)), "identity")
check_shape("hidden_delta from 2 units above to 3 units", _d, (1, 3),
            hint="delta_next (n, 2) @ W_next (2, 3) gives (n, 3)")
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
check_close("hidden_delta with relu units", hidden_delta(_dn, _Wn, _z, "relu"), (_dn @ _Wn) * (_z > 0))
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: the whole backward pass (4 points)
#
# Write `mlp_backward(weights, biases, X, Y, hidden_activation, output_activation)`
# returning `(grad_weights, grad_biases)`, two lists of $L$ arrays shaped like
# `weights` and `biases`:
#
# 1. run `forward_with_cache`;
# 2. start with `output_delta` for $\Delta^L$, then for $l = L$ down to $1$:
#    $\partial L/\partial W^l = (\Delta^l)^\top A^{l-1}$ (summing over the batch by
#    the matrix product) and $\partial L/\partial b^l = $ the column sums of
#    $\Delta^l$, stored as `grad_weights[l-1]` and `grad_biases[l-1]`;
# 3. before moving down a layer, get $\Delta^{l-1}$ with `hidden_delta`.
#
# Nothing below the output layer depends on the loss: with Part 2 handling both,
# the same loop serves elementwise outputs with the mean squared error and softmax
# outputs with the cross-entropy (each is half of the points). The test cell
# compares every gradient with a numerical gradient of the loss.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "backward", "schema_version": 3}
def mlp_backward(weights, biases, X, Y, hidden_activation, output_activation):
    """Gradients of the loss (mse, or cross-entropy for a softmax output) for every weight and bias.

    Shapes: weights[l] (sizes[l+1], sizes[l]), biases[l] (sizes[l+1],), X (n, sizes[0]),
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "backward_tests", "points": 4, "schema_version": 3}
def _gradient_check(weights, biases, X, Y, hidden_activation, output_activation, label):
    """Compare mlp_backward with numerical gradients of course_lib's loss, parameter by parameter."""
    grad_weights, grad_biases = mlp_backward(weights, biases, X, Y, hidden_activation, output_activation)
    for kind, params, grads in (("weights", weights, grad_weights), ("biases", biases, grad_biases)):
        for l, param in enumerate(params):
            def loss(value, kind=kind, l=l):
                net = _example_net(weights, biases, hidden_activation, output_activation)
                getattr(net, kind)[l] = value
                return net.loss(X, Y)
            check_gradient(f"{label}: d loss / d {kind}[{l}]", loss, param, grads[l],
                           hint=f"{kind} gradients must have the shape of {kind}[{l}], {param.shape}")


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
            (_grads.weights, _grads.biases))
_Y = np.eye(3)[_rng.integers(0, 3, size=8)]
_gradient_check(_Ws, _bs, _X, _Y, "relu", "softmax", "2-5-4-3 relu/softmax with cross-entropy")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
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
