# ---
# jupyter:
#   course_exercise:
#     id: ex01_neuron_and_layer
#     title: "Exercise 1: a neuron, a layer, a forward pass"
#     lesson: "01"
# ---

# %% [markdown]
# # Exercise 1: a neuron, a layer, a forward pass (10 points)
#
# Lesson 1 showed how a neuron turns inputs into one number and how a layer of neurons is a
# single matrix product, for one sample and for a whole batch ($Z = XW^\top + \mathbf{b}$). Here you write both yourself, then chain two layers into a network.
#
# **Objectives.** After this exercise you can
#
# - compute a sigmoid neuron's output from its inputs, weights and bias;
# - write a whole layer, for a whole batch, as one matrix product;
# - chain two layers into a forward pass;
# - say, without running anything, how many parameters a network has and what a bias does.
#
# **Expected time:** about 30 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `sigmoid(z)` and `neuron(x, w, b)` | 3 |
# | 2 | `layer_forward(X, W, b)` | 1 |
# | 3 | `two_layer_forward(X, W1, b1, W2, b2)` | 4 |
# | 4 | `parameter_count(sizes)` and `bias_for_half(x, w)`: predictions | 2 |
#
# **How to work.** Replace each `# YOUR CODE HERE` and `raise NotImplementedError()` with your
# code, then run the test cell under it: it prints `passed: ...` for every check, or tells you
# what it expected, what your function returned, and a hint. Before you submit, run
# *Kernel > Restart Kernel and Run All Cells* and make sure every test cell passes.
#
# **What you may use.** numpy (`np.exp`, `np.tanh`, `@`, `.T`, broadcasting) and your own
# functions from earlier parts.
#
# {{ not allowed while graded }}
#
# The setup cell imports only the self-check helpers. The grader runs hidden tests on inputs
# it picks when it grades, so a function that only fits the visible tests will lose points.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib.exercises import check_close, check_shape, check_true
from course_lib.exercises.checks import checked_call

# %% [markdown]
# ## Part 1: one neuron (3 points)
#
# A neuron multiplies each input by its weight, adds the products and a bias, and passes the
# sum through an activation function:
#
# $$z = \mathbf{w} \cdot \mathbf{x} + b = \sum_i w_i x_i + b, \qquad a = \sigma(z) = \frac{1}{1 + e^{-z}} .$$
#
# 1. `sigmoid(z)`: the logistic sigmoid of every entry of `z` (a number or an array of any
#    shape; return the same shape).
# 2. `neuron(x, w, b)`: the output $a$ of one sigmoid neuron. `x` and `w` have shape `(n_inputs,)`,
#    `b` is a number; return a float.
#
# Inputs to these tests stay between -30 and 30, so the plain formula is fine here (exercise 2
# deals with huge inputs).

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "neuron", "schema_version": 3}
def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), entry by entry. Shapes: z (any) -> same shape."""
    ### BEGIN SOLUTION
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    ### END SOLUTION


def neuron(x, w, b):
    """One sigmoid neuron: sigmoid(w . x + b). Shapes: x (n_inputs,), w (n_inputs,), b scalar -> float."""
    ### BEGIN SOLUTION
    z = np.dot(w, x) + b
    return float(sigmoid(z))
    ### END SOLUTION


# %% [markdown]
# The checks use a neuron with inputs $\mathbf{x} = (1, 2, -1)$, weights $\mathbf{w} = (0.5, -0.25, 1)$
# and bias $b = 0.1$. Work out $z$ by hand first: the hint in the test says whether you got it right.

# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "neuron_tests", "points": 3, "schema_version": 3}
_SIGMOID_HINT = "sigmoid(0) must be 0.5; check the sign inside exp: 1 / (1 + exp(-z))"
_NEURON_HINT = "z = w·x + b is ONE number (a dot product sums the products), and the output is sigmoid(z)"
check_close("sigmoid([-2, 0, 3])",
            checked_call("sigmoid([-2, 0, 3])", sigmoid, np.array([-2.0, 0.0, 3.0]), hint=_SIGMOID_HINT),
            np.array([0.1192029220, 0.5, 0.9525741268]), hint=_SIGMOID_HINT)
x, w, b = np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0]), 0.1
check_close("neuron(x, w, b)", checked_call("neuron(x, w, b)", neuron, x, w, b, hint=_NEURON_HINT), 0.2890504974,
            hint="z = w·x + b = 0.5 - 0.5 - 1 + 0.1 = -0.9, and the output is sigmoid(-0.9)")
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(101)
for n in (1, 4, 9):
    x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
    check_close(f"neuron with {n} inputs", neuron(x, w, b), 1 / (1 + np.exp(-(x @ w + b))), hint=_NEURON_HINT)
z = rng.normal(size=(3, 2)) * 5
check_close("sigmoid of a (3, 2) array", sigmoid(z), 1 / (1 + np.exp(-z)),
            hint="apply the formula entry by entry: np.exp works on a whole array of any shape")
### END HIDDEN TESTS

# %% [markdown]
# **Try it.** Change the bias and watch the output move. Which way does a larger bias push it,
# and why can it never reach 1?

# %%
x, w = np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0])
for bias in (0.1, 1.0, 3.0):
    print(f"b = {bias:3.1f}:  a = {neuron(x, w, bias):.4f}")

# %% [markdown]
# ## Part 2: a layer (1 point)
#
# A layer is many neurons reading the same inputs. Row $j$ of the weight matrix $W$ holds the
# weights of neuron $j$, so $W$ has shape `(n_out, n_in)` and the bias $\mathbf{b}$ has shape
# `(n_out,)`. With a batch of samples in the rows of $X$ (shape `(n_samples, n_in)`), the whole
# layer's weighted sums are one matrix product:
#
# $$Z = X W^\top + \mathbf{b}, \qquad Z \text{ of shape } (n_\text{samples}, n_\text{out}),$$
#
# the bias being added to every row (numpy broadcasting does that for you).
#
# Write `layer_forward(X, W, b)` returning $Z$ (no activation here). No loops over samples or
# neurons: one matrix product (lesson 1, "A batch of inputs at once").

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "layer", "schema_version": 3}
def layer_forward(X, W, b):
    """Weighted sums of a layer, Z = X W^T + b.

    Shapes: X (n_samples, n_in), W (n_out, n_in), b (n_out,) -> Z (n_samples, n_out).
    """
    ### BEGIN SOLUTION
    return X @ W.T + b
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "layer_tests", "points": 1, "schema_version": 3}
X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])                      # 3 samples, 2 inputs
W = np.array([[0.5, -1.0], [2.0, 0.0], [-0.5, 0.25], [1.0, 1.0]])        # 4 neurons
b = np.array([0.0, 1.0, -1.0, 0.5])
_LAYER_SHAPES = "X is (3, 2) and W is (4, 2); Z is (3, 4), one row per sample, one column per neuron: which product gives that?"
_Z = checked_call("layer_forward(X, W, b)", layer_forward, X, W, b, hint=_LAYER_SHAPES)
check_shape("layer_forward(X, W, b)", _Z, (3, 4), hint=_LAYER_SHAPES)
check_close("layer_forward(X, W, b)", _Z,
            np.array([[-1.5, 3.0, -1.0, 3.5], [1.0, 1.0, -1.25, -0.5], [1.0, 7.0, -2.375, 4.0]]),
            hint="Z[i, j] = sum over k of X[i, k] * W[j, k], plus b[j]")
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(102)
for n, n_in, n_out in [(1, 1, 1), (5, 3, 2), (2, 784, 128)]:
    X, W, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
    check_close(f"layer_forward with X {X.shape} and W {W.shape}", layer_forward(X, W, b),
                np.einsum("ik,jk->ij", X, W) + b, hint="Z = X W^T + b for any numbers of samples, inputs and neurons")
### END HIDDEN TESTS

# %% [markdown]
# **Try it.** Lesson 1's digit network has 784 inputs and 128 hidden neurons. Predict the shape of
# $Z$ for a batch of 5 images, then run the cell.

# %%
images = np.random.default_rng(0).random((5, 784))
W1_digits, b1_digits = np.zeros((128, 784)), np.zeros(128)
print("Z shape:", layer_forward(images, W1_digits, b1_digits).shape)

# %% [markdown]
# ## Part 3: a forward pass through two layers (4 points)
#
# Chain two layers: a hidden layer with the $\tanh$ activation, then an output layer with the
# sigmoid,
#
# $$A_1 = \tanh(X W_1^\top + \mathbf{b}_1), \qquad \hat{Y} = \sigma(A_1 W_2^\top + \mathbf{b}_2).$$
#
# Write `two_layer_forward(X, W1, b1, W2, b2)` returning the pair `(A1, Y_hat)`: the hidden
# activations (which back-propagation will need later) and the output. Use your `layer_forward`
# and `sigmoid`, and `np.tanh`.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "two_layer", "schema_version": 3}
def two_layer_forward(X, W1, b1, W2, b2):
    """Forward pass of a tanh hidden layer and a sigmoid output layer.

    Shapes: X (n_samples, n_in), W1 (n_hidden, n_in), b1 (n_hidden,), W2 (n_out, n_hidden),
    b2 (n_out,) -> (A1 (n_samples, n_hidden), Y_hat (n_samples, n_out)).
    """
    ### BEGIN SOLUTION
    A1 = np.tanh(layer_forward(X, W1, b1))
    Y_hat = sigmoid(layer_forward(A1, W2, b2))
    return A1, Y_hat
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "two_layer_tests", "points": 4, "schema_version": 3}
X = np.array([[1.0, 2.0], [-1.0, 0.5]])
W1, b1 = np.array([[1.0, -1.0], [0.5, 0.5], [-2.0, 1.0]]), np.array([0.0, 0.1, 0.2])
W2, b2 = np.array([[1.0, -2.0, 0.5]]), np.array([0.3])
A1, Y_hat = checked_call("two_layer_forward(X, W1, b1, W2, b2)", two_layer_forward, X, W1, b1, W2, b2,
                         returns=("A1", "Y_hat"), hint="the hidden layer reads X with W1 and b1, the output layer "
                                                       "reads A1 with W2 and b2")
check_close("A1", A1, np.array([[-0.7615941560, 0.9216685544, 0.1973753202],
                                [-0.9051482536, -0.1488850336, 0.9910074537]]),
            hint="A1 = tanh(X W1^T + b1); the first row's sums are -1, 1.6, 0.2")
check_close("Y_hat", Y_hat, np.array([[0.0991912108], [0.5468931661]]),
            hint="Y_hat = sigmoid(A1 W2^T + b2): the output layer reads A1, not X")
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(103)
X, W1, b1 = rng.normal(size=(6, 4)), rng.normal(size=(5, 4)), rng.normal(size=5)
W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=3)
A1, Y_hat = two_layer_forward(X, W1, b1, W2, b2)
check_close("A1 on random inputs", A1, np.tanh(X @ W1.T + b1), hint="A1 = tanh(X W1^T + b1)")
check_close("Y_hat on random inputs", Y_hat, 1 / (1 + np.exp(-(np.tanh(X @ W1.T + b1) @ W2.T + b2))),
            hint="Y_hat = sigmoid(A1 W2^T + b2)")
### END HIDDEN TESTS

# %% [markdown]
# **Try it.** The output is a probability-like number per sample. Change `b2` to a large positive
# value: what happens to `Y_hat`, and why?
#
# That is the whole forward pass. Exercise 2 measures how wrong `Y_hat` is with a loss.

# %%
X = np.array([[1.0, 2.0], [-1.0, 0.5]])
W1, b1 = np.array([[1.0, -1.0], [0.5, 0.5], [-2.0, 1.0]]), np.array([0.0, 0.1, 0.2])
W2 = np.array([[1.0, -2.0, 0.5]])
for bias in (0.3, 3.0):
    print(f"b2 = {bias}:  Y_hat =", two_layer_forward(X, W1, b1, W2, np.array([bias]))[1].ravel().round(4))

# %% [markdown]
# ## Part 4: predict before you run (2 points)
#
# Two questions to answer on paper first. Each answer is a small function, so that it holds for
# every network, not only one example: the grader asks it about networks it picks.
#
# **A.** A network has layer sizes `sizes`: `sizes[0]` inputs, then the number of neurons of each
# layer, the output layer last (lesson 1's digit network is `[784, 128, 10]`). Every neuron of
# every layer has its own weights and its own bias. How many numbers must training learn? Write
# `parameter_count(sizes)` returning that number as an int. (1 point)
#
# **B.** A sigmoid neuron reads the inputs `x` with the weights `w`. Which bias makes it output
# exactly 0.5, whatever the inputs' size? Write `bias_for_half(x, w)` returning that bias as a
# float. (1 point)
#
# The test cell checks only the form of your answers; the grader checks the values.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predictions", "schema_version": 3}
def parameter_count(sizes):
    """The number of weights and biases of a fully connected network with these layer sizes.

    sizes: a list of ints, sizes[0] inputs, sizes[-1] outputs -> an int.
    """
    ### BEGIN SOLUTION
    return int(sum(n_out * n_in + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])))
    ### END SOLUTION


def bias_for_half(x, w):
    """The bias b that makes sigmoid(w . x + b) exactly 0.5. Shapes: x (n_inputs,), w (n_inputs,) -> float."""
    ### BEGIN SOLUTION
    return float(-np.dot(w, x))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predictions_tests", "points": 2, "schema_version": 3}
_count = checked_call("parameter_count([2, 3, 1])", parameter_count, [2, 3, 1],
                      hint="walk through the pairs of neighbouring sizes, one layer each")
check_true("parameter_count([2, 3, 1]) is a whole number", isinstance(_count, (int, float, np.number))
           and float(_count) == int(_count) > 0,
           "a count of parameters is a positive whole number", got=_count, expected="a positive int",
           hint="count numbers, one per weight and one per bias")
_bias = checked_call("bias_for_half(x, w)", bias_for_half, np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0]),
                     hint="w . x is one number: a dot product")
check_true("bias_for_half(x, w) is one number", np.ndim(_bias) == 0, "the bias of one neuron is a single number",
           got=_bias, expected="one float", hint="return a single float: the bias")
### BEGIN HIDDEN TESTS
check_close("A: parameter_count([2, 3, 1])", parameter_count([2, 3, 1]), 13,
            hint="layer 1 has 3 x 2 weights and 3 biases, layer 2 has 1 x 3 weights and 1 bias")
check_close("A: parameter_count of the digit network [784, 128, 10]", parameter_count([784, 128, 10]), 101770,
            hint="784 x 128 + 128 weights and biases in layer 1, 128 x 10 + 10 in layer 2")
check_close("A: parameter_count([5, 4, 4, 2])", parameter_count([5, 4, 4, 2]), 54,
            hint="each layer has n_out x n_in weights and n_out biases; add up the three layers")
check_close("B: bias_for_half for x = (1, 2, -1), w = (0.5, -0.25, 1)",
            bias_for_half(np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0])), 1.0,
            hint="sigmoid(z) = 0.5 exactly where z = 0, so b must cancel w . x, which is -1 here")
_x, _w = np.random.default_rng(104).normal(size=(2, 6))
check_close("B: bias_for_half for 6 random inputs", bias_for_half(_x, _w), -float(_x @ _w),
            hint="b must cancel w . x, whatever the inputs")
### END HIDDEN TESTS
