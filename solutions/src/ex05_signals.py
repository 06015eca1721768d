# ---
# jupyter:
#   course_exercise:
#     id: ex05_signals
#     title: "Exercise 5: signals"
#     lesson: "05"
# ---

# %% [markdown]
# # Exercise 5: signals (10 points)
#
# Lesson 5 told back-propagation as James D. McCaffrey's recipe of *signals*, and
# derived it: a node's signal is $-\partial L/\partial z$. For a network with
# sigmoid units, target $t$ and output $y$:
#
# - an output node's signal is $(t - y)\, f'(z)$;
# - a hidden node's signal is (the sum over output nodes of their signal times the
#   connecting weight) $\times\, f'(z)$;
# - a weight's gradient (in this recipe) is the signal of the node it points to
#   times the value flowing in along it; a bias's input is always 1;
# - every parameter then moves by learning rate $\times$ gradient, **added**:
#   $w \leftarrow w + \eta \cdot \text{signal} \cdot \text{input}$.
#
# For the sigmoid $f(z) = 1/(1+e^{-z})$ the derivative is $f'(z) = f(z)\,(1 - f(z))$,
# so you never need $z$ itself: $f'(z) = y(1-y)$ for a node whose output is $y$.
# Other units change only that slope, and a softmax output with cross-entropy has
# the signal $t - y$ (lesson 5's optional section derives it). You will write the
# signals for all of these, then run one training step of a sigmoid network the
# recipe's way and the textbook way, and see that they agree.
#
# **Objectives.** After this exercise you can
#
# - compute output and hidden signals for sigmoid, tanh, ReLU and softmax units;
# - turn signals into the recipe's weight gradients;
# - take one training step by the recipe and by the textbook's error terms, and say why they agree;
# - predict which way a weight moves, and which steps of the recipe need which others first.
#
# **Expected time:** about 60 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `output_signals` (sigmoid, squared error) and `softmax_output_signals` (softmax, cross-entropy) | 2 |
# | 2 | `hidden_signals` for sigmoid, tanh and ReLU hidden units | 2 |
# | 3 | `signal_gradients` | 1 |
# | 4 | `signal_step` and `delta_step`: one update, two conventions | 3 |
# | 5 | `weight_moves` and `must_come_before`: predictions | 2 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. The grader runs more checks than
# you see here, on inputs it picks at random, so make your functions work for any
# valid input. Before you submit, use **Kernel > Restart Kernel and Run All
# Cells** to make sure the notebook runs from top to bottom.
#
# **What you may use.** numpy, the `sigmoid` the setup cell defines (for forward
# passes), and your own functions from earlier parts.
#
# {{ not allowed while graded }}
#
# Finite differences of your own are no way round either: the grader runs `delta_step` on a
# 600-600-100 network, which back-propagation updates in milliseconds and numerical
# differences could not finish in time. (The test cells import `numerical_gradient`
# themselves, to check your steps.)
#
# **Shapes and names.** As everywhere in the course, layers are numbered from 1:
# layer 1 is the hidden layer, layer 2 the output layer, and `W1`, `b1`, `W2`, `b2`
# are $W^1, b^1, W^2, b^2$. A weight matrix has one row per node it feeds *into*:
# `W1` is (hidden, inputs) and `W2` is (outputs, hidden), so $z^l = W^l a^{l-1} + b^l$.
# Everything in this exercise is one sample: vectors are 1-D arrays.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import get_activation
from course_lib.exercises import check_close, check_shape, check_true
from course_lib.exercises.checks import checked_call

sigmoid = get_activation("sigmoid")  # sigmoid(z) works elementwise on arrays

# The 2-2-2 example network of this exercise: one sample x with targets t.
X_EXAMPLE = np.array([0.6, -0.4])
T_EXAMPLE = np.array([0.9, 0.1])
W1_EXAMPLE = np.array([[0.3, -0.2], [0.5, 0.4]])   # (hidden, inputs)
B1_EXAMPLE = np.array([0.1, -0.1])
W2_EXAMPLE = np.array([[0.7, -0.3], [-0.5, 0.6]])  # (outputs, hidden)
B2_EXAMPLE = np.array([0.0, 0.2])
RATE_EXAMPLE = 0.5

# %% [markdown]
# ## Part 1: output signals (2 points)
#
# 1. `output_signals(targets, outputs)`: $(t - y)\, y\,(1 - y)$ for every output node,
#    where the outputs $y$ come from sigmoid units and the loss is the squared error.
#    The inputs are arrays of the same shape; return an array of that shape.
#    Example: with targets `[1, 0]` and outputs `[0.5, 0.5]` the signals are
#    $0.5 \cdot 0.25 = 0.125$ and $-0.125$: the first output should go up, the second down.
# 2. `softmax_output_signals(targets, scores)`: the signals of a **softmax** output
#    layer under the **cross-entropy** loss, from the layer's scores $z$ (one sample,
#    shape `(k,)`; one-hot targets). First the outputs $y = \text{softmax}(z)$ (take the
#    maximum score out before `np.exp`: scores may be in the hundreds), then the signal,
#    $-\partial L/\partial z$.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "output_signals", "schema_version": 3}
def output_signals(targets, outputs):
    """(t - y) * f'(z) for sigmoid output nodes, using f'(z) = y (1 - y).

    Shapes: targets, outputs (k,) -> (k,) (any shape works, elementwise).
    """
    ### BEGIN SOLUTION
    targets, outputs = np.asarray(targets, dtype=float), np.asarray(outputs, dtype=float)
    return (targets - outputs) * outputs * (1.0 - outputs)
    ### END SOLUTION


def softmax_output_signals(targets, scores):
    """-dL/dz of a softmax output layer under cross-entropy, from its scores z.

    Shapes: targets (k,) one-hot, scores (k,) -> (k,).
    """
    ### BEGIN SOLUTION
    scores = np.asarray(scores, dtype=float)
    e = np.exp(scores - scores.max())
    return np.asarray(targets, dtype=float) - e / e.sum()   # t - y: the softmax's slopes cancel
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "output_signals_tests", "points": 2, "schema_version": 3}
_OUTPUT_HINT = "(target - output) times the sigmoid's slope output * (1 - output)"
_SOFTMAX_HINT = "equal scores give y = 1/3 each; the signal of a softmax with cross-entropy is -dL/dz = t - y"
check_close("output_signals([1, 0], [0.5, 0.5])",
            checked_call("output_signals([1, 0], [0.5, 0.5])", output_signals, np.array([1.0, 0.0]),
                         np.array([0.5, 0.5]), hint=_OUTPUT_HINT),
            np.array([0.125, -0.125]), hint=_OUTPUT_HINT)
check_close("output_signals([0.9, 0.1], [0.8, 0.3])", output_signals(np.array([0.9, 0.1]), np.array([0.8, 0.3])),
            np.array([0.1 * 0.8 * 0.2, -0.2 * 0.3 * 0.7]),
            hint="the signal is positive when the output should grow: target - output, not output - target")
check_close("softmax_output_signals([0, 1, 0], scores [0, 0, 0])",
            checked_call("softmax_output_signals([0, 1, 0], scores [0, 0, 0])", softmax_output_signals,
                         np.array([0.0, 1.0, 0.0]), np.zeros(3), hint=_SOFTMAX_HINT),
            np.array([-1 / 3, 2 / 3, -1 / 3]), hint=_SOFTMAX_HINT)
check_close("softmax_output_signals([1, 0], scores [400, 0])",
            softmax_output_signals(np.array([1.0, 0.0]), np.array([400.0, 0.0])), np.array([0.0, 0.0]), atol=1e-12,
            hint="subtract the largest score before np.exp, or e^400 overflows")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(505)
_t, _y = _rng.uniform(size=(2, 5))
check_close("output_signals for 5 outputs", output_signals(_t, _y), (_t - _y) * _y * (1 - _y), hint=_OUTPUT_HINT)
_z = _rng.normal(size=4) * 3
_onehot = np.eye(4)[2]
check_close("softmax_output_signals for 4 classes", softmax_output_signals(_onehot, _z),
            _onehot - np.exp(_z) / np.exp(_z).sum(), hint=_SOFTMAX_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: hidden signals (2 points)
#
# A hidden node $j$ gathers the signals of the output nodes it feeds, each
# weighted by the connecting weight $W^2_{kj}$ (entry `[k, j]` of `W_out`), and
# multiplies the sum by its own slope $f'(z_j)$:
#
# $$\text{signal}_j = \Bigl(\sum_k \text{signal}_k\, W^2_{kj}\Bigr)\, f'(z_j).$$
#
# Write `hidden_signals(out_signals, W_out, hidden, activation="sigmoid")`, where
# `hidden` holds the hidden nodes' outputs $h = f(z)$ and `activation` is
# `"sigmoid"`, `"tanh"` or `"relu"`. Write each slope in terms of $h$ (work out
# $\tanh'$ and ReLU's slope from lesson 5; for ReLU, $h > 0$ exactly when $z > 0$).
# With `W_out` of shape (outputs, hidden), the sum over $k$ is a matrix product:
# think about which side `out_signals` goes on.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "hidden_signals", "schema_version": 3}
def hidden_signals(out_signals, W_out, hidden, activation="sigmoid"):
    """Signals of hidden nodes from the signals of the layer they feed.

    Shapes: out_signals (k,), W_out (k, h), hidden (h,) the nodes' outputs -> (h,).
    activation: "sigmoid", "tanh" or "relu".
    """
    ### BEGIN SOLUTION
    hidden = np.asarray(hidden, dtype=float)
    slope = {"sigmoid": lambda h: h * (1.0 - h), "tanh": lambda h: 1.0 - h ** 2,
             "relu": lambda h: (h > 0).astype(float)}[activation](hidden)
    return (np.asarray(out_signals, dtype=float) @ np.asarray(W_out, dtype=float)) * slope
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "hidden_signals_tests", "points": 2, "schema_version": 3}
_HIDDEN_HINT = "hidden node j sums signal_k * W_out[k, j] over the outputs k (a column of W_out), times h_j (1 - h_j)"
_sig = checked_call("hidden_signals([0.125, -0.125], W_out, [0.5, 0.5])", hidden_signals, np.array([0.125, -0.125]),
                    np.array([[0.4, 0.8], [0.2, -0.8]]), np.array([0.5, 0.5]), hint=_HIDDEN_HINT)
check_shape("hidden_signals(...) for 2 outputs and 2 hidden nodes", _sig, (2,),
            hint="one signal per hidden node: W_out is (outputs, hidden), so the sum runs over its rows")
check_close("hidden_signals([0.125, -0.125], W_out, [0.5, 0.5])", _sig, np.array([0.00625, 0.05]), hint=_HIDDEN_HINT)
_sig = checked_call("hidden_signals for 3 outputs and 2 hidden nodes", hidden_signals, np.array([1.0, 0.0, 0.0]),
                    np.arange(6.0).reshape(3, 2), np.array([0.5, 0.9]),
                    hint="out_signals (3,) and W_out (3, 2): which product gives one sum per hidden node, (2,)?")
check_close("hidden_signals for 3 outputs and 2 hidden nodes", _sig, np.array([0.0, 1.0 * 0.9 * 0.1]),
            hint="out_signals (3,) @ W_out (3, 2) gives one sum per hidden node")
_W = np.array([[0.4, 0.8], [0.2, -0.8]])
check_close("hidden_signals([0.125, -0.125], W_out, h = [0.5, -0.5], 'tanh')",
            hidden_signals(np.array([0.125, -0.125]), _W, np.array([0.5, -0.5]), "tanh"),
            np.array([0.025 * 0.75, 0.2 * 0.75]), hint="tanh'(z) = 1 - tanh(z)^2 = 1 - h^2")
check_close("hidden_signals([0.125, -0.125], W_out, h = [0.0, 1.5], 'relu')",
            hidden_signals(np.array([0.125, -0.125]), _W, np.array([0.0, 1.5]), "relu"),
            np.array([0.0, 0.2]), hint="ReLU's slope is 1 where the unit is on (h > 0) and 0 where it is off")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(515)
_s, _W, _h = _rng.normal(size=4), _rng.normal(size=(4, 3)), _rng.uniform(size=3)
check_close("hidden_signals for 4 outputs and 3 hidden nodes", hidden_signals(_s, _W, _h),
            np.array([sum(_s[k] * _W[k, j] for k in range(4)) * _h[j] * (1 - _h[j]) for j in range(3)]),
            hint=_HIDDEN_HINT)
_ht = np.tanh(_rng.normal(size=3))
check_close("tanh hidden_signals for 4 outputs and 3 hidden nodes", hidden_signals(_s, _W, _ht, "tanh"),
            np.array([sum(_s[k] * _W[k, j] for k in range(4)) * (1 - _ht[j] ** 2) for j in range(3)]),
            hint="tanh'(z) = 1 - tanh(z)^2 = 1 - h^2")
_hr = np.maximum(_rng.normal(size=3), 0)
check_close("relu hidden_signals for 4 outputs and 3 hidden nodes", hidden_signals(_s, _W, _hr, "relu"),
            np.array([sum(_s[k] * _W[k, j] for k in range(4)) * (_hr[j] > 0) for j in range(3)]),
            hint="ReLU's slope is 1 where the unit is on (h > 0) and 0 where it is off")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: gradients in the signal recipe (1 point)
#
# In the recipe, the gradient of the weight from node $i$ into node $j$ is
# $\text{signal}_j \times \text{input}_i$. Write `signal_gradients(signals,
# inputs)` returning all of them as a matrix shaped like the weight matrix:
# entry `[j, i]` is `signals[j] * inputs[i]`, shape (len(signals), len(inputs)).
# (The bias gradients are then simply the signals, since a bias's input is 1.)

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "signal_gradients", "schema_version": 3}
def signal_gradients(signals, inputs):
    """The recipe's weight gradients: signal of the receiving node x value flowing in.

    Shapes: signals (n_to,), inputs (n_from,) -> (n_to, n_from), like the weight matrix.
    """
    ### BEGIN SOLUTION
    return np.outer(np.asarray(signals, dtype=float), np.asarray(inputs, dtype=float))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "signal_gradients_tests", "points": 1, "schema_version": 3}
_GRADIENTS_HINT = "shaped like the weight matrix: one row per receiving node, one column per input"
_grad = checked_call("signal_gradients([0.5, -1, 2], [4, 3])", signal_gradients, np.array([0.5, -1.0, 2.0]),
                     np.array([4.0, 3.0]), hint=_GRADIENTS_HINT)
check_shape("signal_gradients(3 signals, 2 inputs)", _grad, (3, 2), hint=_GRADIENTS_HINT)
check_close("signal_gradients([0.5, -1, 2], [4, 3])", _grad, np.array([[2.0, 1.5], [-4.0, -3.0], [8.0, 6.0]]),
            hint="entry [j, i] is signal j times input i: every signal meets every input")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(525)
_s, _a = _rng.normal(size=4), _rng.normal(size=5)
check_close("signal_gradients(4 signals, 5 inputs)", signal_gradients(_s, _a),
            np.array([[_s[j] * _a[i] for i in range(5)] for j in range(4)]),
            hint="entry [j, i] is signal j times input i: every signal meets every input")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: one training step, two ways (3 points)
#
# Both functions take one sample `x` (inputs,) with targets `t` (outputs,), the
# parameters `W1, b1, W2, b2` of a network with sigmoid hidden and output units,
# and a learning rate, and return the **updated** parameters as a tuple
# `(W1_new, b1_new, W2_new, b2_new)` (new arrays; do not change the ones passed in).
# Start each with the forward pass: $h = a^1 = \sigma(W^1 x + b^1)$ and
# $y = a^2 = \sigma(W^2 h + b^2)$.
#
# 1. `signal_step`: the recipe of Parts 1 to 3. Output signals, then hidden
#    signals (computed with the *old* `W2`, the one the forward pass used), then
#    the recipe's gradients, and every parameter moves by **+** learning rate
#    $\times$ gradient (1.5 points).
# 2. `delta_step`: the textbook way. For the loss $E = \tfrac12 \sum_k (t_k - y_k)^2$
#    the error terms are $\delta^2 = \partial E/\partial z^2 = (y - t)\,y(1 - y)$
#    (the outputs) and $\delta^1 = \big((W^2)^\top \delta^2\big)\, h(1 - h)$ (the hidden
#    layer); then $\partial E/\partial W^2 = \delta^2 h^\top$, $\partial E/\partial b^2 = \delta^2$,
#    $\partial E/\partial W^1 = \delta^1 x^\top$ and $\partial E/\partial b^1 = \delta^1$; every
#    parameter moves by **−** learning rate $\times$ $\partial E/\partial(\text{parameter})$
#    (1.5 points). Write it from these formulas, without calling your Part 1 to 3 functions.
#
# The signal is exactly $-\delta$, so the two steps must give the same numbers.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "steps", "schema_version": 3}
def signal_step(x, t, W1, b1, W2, b2, learning_rate):
    """One update of a sigmoid network by the signal recipe (parameters move by +rate x gradient).

    Shapes: x (p,), t (k,), W1 (h, p), b1 (h,), W2 (k, h), b2 (k,); learning_rate a float.
    Returns (W1_new, b1_new, W2_new, b2_new), shaped like W1, b1, W2, b2.
    """
    ### BEGIN SOLUTION
    hidden = sigmoid(W1 @ x + b1)
    output = sigmoid(W2 @ hidden + b2)
    out_sig = output_signals(t, output)
    hid_sig = hidden_signals(out_sig, W2, hidden)
    return (W1 + learning_rate * signal_gradients(hid_sig, x), b1 + learning_rate * hid_sig,
            W2 + learning_rate * signal_gradients(out_sig, hidden), b2 + learning_rate * out_sig)
    ### END SOLUTION


def delta_step(x, t, W1, b1, W2, b2, learning_rate):
    """One gradient-descent update of a sigmoid network on E = 1/2 sum (t - y)^2 (param -= rate x dE/dparam).

    Shapes: x (p,), t (k,), W1 (h, p), b1 (h,), W2 (k, h), b2 (k,); learning_rate a float.
    Returns (W1_new, b1_new, W2_new, b2_new), shaped like W1, b1, W2, b2.
    """
    ### BEGIN SOLUTION
    hidden = sigmoid(W1 @ x + b1)
    output = sigmoid(W2 @ hidden + b2)
    delta2 = (output - t) * output * (1.0 - output)        # dE/dz^2
    delta1 = (W2.T @ delta2) * hidden * (1.0 - hidden)     # dE/dz^1
    return (W1 - learning_rate * np.outer(delta1, x), b1 - learning_rate * delta1,
            W2 - learning_rate * np.outer(delta2, hidden), b2 - learning_rate * delta2)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "steps_tests", "points": 3, "schema_version": 3}
from course_lib import numerical_gradient  # for checking your steps here; not for your answers

_example = (X_EXAMPLE, T_EXAMPLE, W1_EXAMPLE, B1_EXAMPLE, W2_EXAMPLE, B2_EXAMPLE, RATE_EXAMPLE)
_params = [W1_EXAMPLE, B1_EXAMPLE, W2_EXAMPLE, B2_EXAMPLE]
_names = ["W1_new", "b1_new", "W2_new", "b2_new"]


def _half_squared_error(W1, b1, W2, b2):
    y = sigmoid(W2 @ sigmoid(W1 @ X_EXAMPLE + b1) + b2)
    return 0.5 * np.sum((T_EXAMPLE - y) ** 2)


# The expected step, by an independent route: numerical gradients of E, nudging one parameter at a time.
_expected = []
for _i, _p in enumerate(_params):
    _numeric = numerical_gradient(lambda q: _half_squared_error(*_params[:_i], q, *_params[_i + 1:]), _p.copy())
    _expected.append(_p - RATE_EXAMPLE * _numeric)
_originals = [p.copy() for p in _params]
_results = {}
for _step, _hint in [(signal_step, "signal = (t - y) y (1 - y); ADD rate * signal * input"),
                     (delta_step, "delta = (y - t) y (1 - y); SUBTRACT rate * delta * input")]:
    _new = checked_call(f"{_step.__name__} on the example", _step, *_example, returns=tuple(_names), hint=_hint)
    _results[_step.__name__] = list(_new)
    for _name, _got, _want in zip(_names, _new, _expected):
        check_close(f"{_step.__name__}(...) {_name} against numerical gradients", _got, _want, rtol=1e-7, atol=1e-10,
                    hint=_hint)
check_close("the example's parameters after both steps (they must not change)", _params, _originals,
            hint="build new arrays (W1 + ...), do not update in place (W1 += ...)")
check_close("signal_step and delta_step agree", _results["signal_step"], _results["delta_step"],
            hint="both move every parameter the same way: + rate x signal is - rate x delta, as signal = -delta")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(535)
_x, _t = _rng.normal(size=3), _rng.uniform(size=2)
_W1, _b1, _W2, _b2 = _rng.normal(size=(4, 3)), _rng.normal(size=4), _rng.normal(size=(2, 4)), _rng.normal(size=2)
_h = 1 / (1 + np.exp(-(_W1 @ _x + _b1)))
_y = 1 / (1 + np.exp(-(_W2 @ _h + _b2)))
_delta2 = (_y - _t) * _y * (1 - _y)
_delta1 = (_W2.T @ _delta2) * _h * (1 - _h)
_want = [_W1 - 0.3 * np.outer(_delta1, _x), _b1 - 0.3 * _delta1, _W2 - 0.3 * np.outer(_delta2, _h),
         _b2 - 0.3 * _delta2]
check_close("signal_step on a 3-4-2 network", list(signal_step(_x, _t, _W1, _b1, _W2, _b2, 0.3)), _want,
            hint="signal = (t - y) y (1 - y); ADD rate * signal * input")
check_close("delta_step on a 3-4-2 network", list(delta_step(_x, _t, _W1, _b1, _W2, _b2, 0.3)), _want,
            hint="delta = (y - t) y (1 - y); SUBTRACT rate * delta * input")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Repeat the step a few times on the example and watch the outputs move towards
# the targets $[0.9, 0.1]$. Try a larger learning rate: does it get there faster?

# %% tags=["worked:repeated-steps"]
params = (W1_EXAMPLE, B1_EXAMPLE, W2_EXAMPLE, B2_EXAMPLE)
for step in range(4):
    W1, b1, W2, b2 = params
    y = sigmoid(W2 @ sigmoid(W1 @ X_EXAMPLE + b1) + b2)
    print(f"after {step} steps: outputs {np.round(y, 4)}, E = {0.5 * np.sum((T_EXAMPLE - y) ** 2):.5f}")
    params = signal_step(X_EXAMPLE, T_EXAMPLE, *params, RATE_EXAMPLE)

# %% [markdown]
# ## Part 5: predict before you run (2 points)
#
# Two questions about the recipe, to answer on paper first. Each answer is a small function,
# so that it holds in every case; the grader asks it about cases it picks.
#
# **A.** A weight carries the value `input_value` into a sigmoid output node whose output is
# `output` and whose target is `target`. One step of the recipe, with a positive learning
# rate: does the weight go `"up"`, `"down"`, or does it stay (`"stays"`)? Write
# `weight_moves(target, output, input_value)` returning one of these three strings. (1 point)
#
# **B.** McCaffrey numbers the recipe's steps 2 (update every weight and bias), 4
# (hidden-to-output gradients), 5 (output signals), 6 (input-to-hidden gradients) and 7 (hidden
# signals). Some steps need the result of another. Write `must_come_before(a, b)`, for two
# different step numbers, returning `True` when step `a` must be done before step `b` in a
# correct training step, and `False` when `b` can be done first. (1 point)
#
# The test cell checks only the form of your answers; the grader checks the values.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predictions", "schema_version": 3}
def weight_moves(target, output, input_value):
    """Which way one step of the recipe moves a weight into a sigmoid output node: "up", "down" or "stays".

    target, output (in (0, 1)), input_value: floats -> str.
    """
    ### BEGIN SOLUTION
    change = (target - output) * output * (1.0 - output) * input_value  # signal x input, added
    return "up" if change > 0 else "down" if change < 0 else "stays"
    ### END SOLUTION


def must_come_before(a, b):
    """True when McCaffrey's step a must be done before step b (a != b, both in 2, 4, 5, 6, 7) -> bool."""
    ### BEGIN SOLUTION
    before = {2: {4, 5, 6, 7}, 4: {5}, 5: set(), 6: {5, 7}, 7: {5}}  # step: the steps whose results it uses
    return a in before[b]
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predictions_tests", "points": 2, "schema_version": 3}
_moves = checked_call("weight_moves(1, 0.5, 2)", weight_moves, 1.0, 0.5, 2.0,
                      hint="the sign of signal x input says which way the weight moves")
check_true("weight_moves(1, 0.5, 2) is one of the three answers", _moves in ("up", "down", "stays"),
           "the answer is one of three words", got=_moves, expected='"up", "down" or "stays"',
           hint='return exactly "up", "down" or "stays"')
_before = checked_call("must_come_before(5, 7)", must_come_before, 5, 7,
                       hint="which results does step 7 use? a step that makes one of them comes first")
check_true("must_come_before(5, 7) is True or False", isinstance(_before, (bool, np.bool_)),
           "the answer is a bool", got=_before, expected="True or False", hint="return a bool")
### BEGIN HIDDEN TESTS
check_close("A: weight_moves(1, 0.5, 2)", weight_moves(1.0, 0.5, 2.0), "up",
            hint="the signal (t - y) y (1 - y) is positive and the input is positive: the step adds a positive number")
check_close("A: weight_moves(0.1, 0.8, 1.5) and (0.9, 0.3, -2) and (0.9, 0.3, 0)",
            [weight_moves(0.1, 0.8, 1.5), weight_moves(0.9, 0.3, -2.0), weight_moves(0.9, 0.3, 0.0)],
            ["down", "down", "stays"], hint="the step is + rate x signal x input: both signs count")
check_close("B: the steps that need another first",
            [must_come_before(5, 7), must_come_before(7, 6), must_come_before(5, 4), must_come_before(4, 2),
             must_come_before(7, 2)], [True] * 5,
            hint="hidden signals use the output signals and the OLD weights: the update comes last")
check_close("B: pairs in either order",
            [must_come_before(4, 5), must_come_before(2, 7), must_come_before(4, 7), must_come_before(7, 4),
             must_come_before(4, 6), must_come_before(6, 4)], [False] * 6,
            hint="McCaffrey's numbers are not the order of the work; 4 and 7 do not need each other")
### END HIDDEN TESTS
