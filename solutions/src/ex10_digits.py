# ---
# jupyter:
#   course_exercise:
#     id: ex10_digits
#     title: "Exercise 10: read handwritten digits with your own back-propagation"
#     lesson: "10"
# ---

# %% [markdown]
# # Exercise 10: read handwritten digits with your own back-propagation (10 points)
#
# The capstone, and the hardest exercise of the course. Lesson 10 trained a digit reader with
# `course_lib.train`. Here nothing is done for you: you write the backward pass, the training
# loop and early stopping yourself, with numpy, and the grader judges your network on digits
# that no data set holds.
#
# **Objectives.** After this exercise you can
#
# - write the forward and backward pass of a ReLU network with a softmax output and
#   cross-entropy loss, for a batch, without a library;
# - train it with your own mini-batch loop, and stop early on validation digits you carve out
#   of the training digits yourself;
# - read a confusion matrix;
# - say how well a digit reader will do on digits unlike its test set, before you measure.
#
# **Expected time:** about 120 minutes. Exercises 6 (the backward pass) and 9 (the training
# loop) are the pieces; you may paste code you wrote there.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `scaling`: the standardisation, from training images only | 1 |
# | 2 | `loss_and_gradients`: the loss and its gradients, by back-propagation | 2 |
# | 3 | `confusion_matrix`: which digit is taken for which | 1 |
# | 4 | `expected_accuracy`: predict, before you measure | 1 |
# | 5 | `train_digits`: your own training loop, judged on digits it never saw | 5 |

# %% [markdown]
# **Conventions** (the course's notation). Layers are numbered from 1: $A^0 = X$, one image
# per row; layer $l = 1, \dots, L$ has weights $W^l$ of shape ($n_l$, $n_{l-1}$) and bias
# $b^l$; $Z^l = A^{l-1} (W^l)^\top + b^l$, $A^l = \mathrm{relu}(Z^l)$ in the hidden layers,
# and the last layer's $Z^L$ holds the 10 class scores. The error term is
# $\Delta^l = \partial L / \partial Z^l$. Python lists count from 0: `weights[l-1]` is $W^l$
# and `biases[l-1]` is $b^l$.
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test cell prints
# `passed: ...` for every check that holds; a failing check says what it expected, what came
# back, and gives a hint. Part 4's test cell checks only the form of your answers: the grader
# grades them. Before you submit, use **Kernel > Restart Kernel and Run All Cells**.
#
# {{ not allowed while graded }}
#
# `course_lib.data` (for `validation_split`) and `get_activation` are allowed. Do not use
# scikit-learn either: the point is that you can.
#
# **How Part 5 is graded.** The grader calls your `train_digits` on a share of the 1797 digits
# it chooses, all turned or mirrored in a way it also chooses. It then draws **new digits**
# from the ones it kept back: each is bent, turned by a few degrees, moved by a fraction of a
# pixel and drawn thicker or thinner, from a random seed drawn at grading time, and turned
# the same way as your training digits. It measures the accuracy **itself**, with its own
# forward pass. Those digits exist only in the grader, and no data set holds them: only a
# network that learned to read digits reads them. Training must finish within a minute on the
# grader's machine; a few seconds is plenty.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import get_activation
from course_lib.data import load_digits, validation_split
from course_lib.exercises import check_close, check_gradient, check_shape, check_true
from course_lib.exercises.checks import checked_call

# The capstone's split: 1438 training digits, 359 held out as the test set (rows of 64 pixels in [0, 1]).
SPLIT = load_digits(test_fraction=0.2, seed=1)
# Lesson 10's validation digits, for your choices: 287 carved out of the 1438 training digits.
FIT = validation_split(SPLIT.X_train, SPLIT.y_train, fraction=0.2, seed=2)
N_CLASSES = 10

# Part 4: the answers you may give, and the situations you give them for.
CHOICES = ("higher", "about the same", "lower")
SITUATIONS = {
    "new writer": "digits written by a 14th person, none of whose digits were among the 1797",
    "moved": "the test digits, each moved one pixel to the right; the network is not trained again",
    "mirrored test": "the test digits mirrored left to right; the network is not trained again",
    "mirrored everything": "every digit mirrored left to right, training, validation and test alike, "
                           "and your recipe run again from the start",
    "shuffled pixels": "the 64 pixels of every image put in one fixed shuffled order, the same for training, "
                       "validation and test digits, and your recipe run again from the start",
    "a tenth of the data": "a tenth of the training digits, chosen at random, and your recipe run again",
}


def predict_digits(params, X):
    """The grader's forward pass (given, not an exercise): X (n, 64) -> predicted digits (n,)."""
    f = get_activation(params["hidden_activation"])
    a = (np.asarray(X, dtype=float) - params["mean"]) / params["scale"]
    for W, b in zip(params["weights"][:-1], params["biases"][:-1]):
        a = f(a @ W.T + b)
    return np.argmax(a @ params["weights"][-1].T + params["biases"][-1], axis=1)

# %% [markdown]
# ## Part 1: standardise with training statistics (1 point)
#
# Write `scaling(X_train)` returning `(mean, scale)`: two arrays of shape `(n_features,)`,
# the mean of every column of `X_train` (n, n_features) and its standard deviation
# **plus 0.1** (so that a pixel that is always blank is not divided by zero). The network
# then sees `(X - mean) / scale`, for the training images and, with the *same* `mean` and
# `scale`, for any other image.
#
# Use numpy's population standard deviation (`np.std` with its default `ddof=0`).

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "scaling", "schema_version": 3}
def scaling(X_train):
    """Column means and spreads of the training inputs. X_train (n, d) -> (mean (d,), scale (d,))."""
    ### BEGIN SOLUTION
    X_train = np.asarray(X_train, dtype=float)
    return X_train.mean(axis=0), X_train.std(axis=0) + 0.1
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "scaling_tests", "points": 1, "schema_version": 3}
_mean, _scale = checked_call("scaling([[0, 1], [2, 1], [4, 1]])", scaling, np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]]),
                             returns=("mean", "scale"), hint="one mean and one spread per COLUMN (pixel)")
check_close("the mean of scaling([[0, 1], [2, 1], [4, 1]])", _mean, [2.0, 1.0],
            hint="average each COLUMN: X_train.mean(axis=0)")
check_close("the scale of scaling([[0, 1], [2, 1], [4, 1]])", _scale, [np.sqrt(8 / 3) + 0.1, 0.1],
            hint="the population standard deviation of each column (np.std, ddof=0) plus 0.1")
_mean, _scale = scaling(SPLIT.X_train)
check_shape("the mean of the training digits", _mean, (64,), hint="one mean per pixel (column): axis=0")
check_true("standardised training digits have mean 0 in every pixel",
           bool(np.allclose(((SPLIT.X_train - _mean) / _scale).mean(axis=0), 0.0)),
           "some pixel's mean is not 0", got=((SPLIT.X_train - _mean) / _scale).mean(axis=0),
           expected="64 zeros", hint="subtract the column means of X_train")
### BEGIN HIDDEN TESTS
_X = np.random.default_rng(3).normal(2.0, 3.0, size=(50, 7))
check_close("scaling of random data: mean", scaling(_X)[0], _X.mean(axis=0), hint="average each COLUMN: axis=0")
check_close("scaling of random data: scale", scaling(_X)[1], _X.std(axis=0) + 0.1,
            hint="the population standard deviation of each column (np.std, ddof=0) plus 0.1")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: the loss and its gradients (2 points)
#
# Write `loss_and_gradients(weights, biases, X, y)` for a network whose hidden layers use
# ReLU and whose last layer gives the class scores $Z^L$ (n, 10 or any number of classes).
# The probabilities are the softmax of each row of $Z^L$, and the loss is the **mean**
# cross-entropy over the $n$ rows of `X` (n, $n_0$), with integer labels `y` (n,). Return
# `(loss, grad_weights, grad_biases)`: the loss as a float, and two lists shaped like
# `weights` and `biases`, with $\partial L / \partial W^l$ and $\partial L / \partial b^l$.
#
# Everything you need is in lessons 5 and 6 and in exercise 6: the error term of the last
# layer for softmax with cross-entropy, how $\Delta$ goes back through a layer and a ReLU,
# and the gradients of the weights and biases from $\Delta^l$. Subtract each row's largest
# score before you exponentiate, so that large scores do not overflow.
#
# The grader also checks your function on a network of about 85,000 parameters and a batch of
# 500 images: back-propagation takes milliseconds there, numerical differences would take
# many minutes.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "gradients", "schema_version": 3}
def loss_and_gradients(weights, biases, X, y):
    """Mean softmax cross-entropy of a ReLU network and its gradients.

    weights[l-1] (n_l, n_(l-1)), biases[l-1] (n_l,) for l = 1..L; X (n, n_0); y (n,) ints in 0..n_L-1.
    Returns (loss: float, grad_weights: list like weights, grad_biases: list like biases).
    """
    ### BEGIN SOLUTION
    n, L = len(y), len(weights)
    activations, zs = [np.asarray(X, dtype=float)], []
    for l in range(1, L + 1):
        Z = activations[l - 1] @ weights[l - 1].T + biases[l - 1]
        zs.append(Z)
        activations.append(np.maximum(Z, 0.0))      # A^L is never used: Z^L are the scores
    shifted = zs[-1] - zs[-1].max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -log_p[rows, y].mean()
    delta = np.exp(log_p)                           # Delta^L = (P - Y) / n
    delta[rows, y] -= 1.0
    delta /= n
    grad_weights, grad_biases = [None] * L, [None] * L
    for l in range(L, 0, -1):
        grad_weights[l - 1] = delta.T @ activations[l - 1]
        grad_biases[l - 1] = delta.sum(axis=0)
        if l > 1:                                   # Delta^(l-1) = (Delta^l W^l) * relu'(Z^(l-1))
            delta = (delta @ weights[l - 1]) * (zs[l - 2] > 0)
    return float(loss), grad_weights, grad_biases
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "gradients_tests", "points": 2, "schema_version": 3}
_rng = np.random.default_rng(0)
_W = [_rng.normal(size=(4, 3)), _rng.normal(size=(3, 4))]
_b = [_rng.normal(size=4), _rng.normal(size=3)]
_X, _y = _rng.normal(size=(5, 3)), np.array([0, 2, 1, 2, 0])
_loss, _gW, _gb = checked_call("loss_and_gradients of a 3-4-3 network on 5 samples", loss_and_gradients, _W, _b, _X, _y,
                              returns=("loss", "grad_weights", "grad_biases"),
                              hint="the forward pass keeps every Z^l and A^l; the backward pass walks them from the top")
_scores = np.maximum(_X @ _W[0].T + _b[0], 0) @ _W[1].T + _b[1]
check_close("the loss of a 3-4-3 network on 5 samples", _loss,
            np.mean(np.log(np.exp(_scores).sum(axis=1)) - _scores[np.arange(5), _y]),
            hint="the mean over the rows of -log(softmax(Z^L)[label])")
check_gradient("the gradient of W^1", lambda W1: loss_and_gradients([W1, _W[1]], _b, _X, _y)[0], _W[0], _gW[0],
               hint="dL/dW^1 = (Delta^1)^T A^0, with Delta^1 = (Delta^2 W^2) * relu'(Z^1)")
check_gradient("the gradient of W^2", lambda W2: loss_and_gradients([_W[0], W2], _b, _X, _y)[0], _W[1], _gW[1],
               hint="Delta^2 = (softmax(Z^2) - one-hot labels) / n, then dL/dW^2 = (Delta^2)^T A^1")
check_gradient("the gradient of b^1", lambda b1: loss_and_gradients(_W, [b1, _b[1]], _X, _y)[0], _b[0], _gb[0],
               hint="dL/db^l sums Delta^l over the rows")
check_gradient("the gradient of b^2", lambda b2: loss_and_gradients(_W, [_b[0], b2], _X, _y)[0], _b[1], _gb[1],
               hint="dL/db^l sums Delta^l over the rows")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(8)
_W = [_rng.normal(size=(6, 5)), _rng.normal(size=(7, 6)), _rng.normal(size=(4, 7))]
_b = [_rng.normal(size=6), _rng.normal(size=7), _rng.normal(size=4)]
_X, _y = _rng.normal(size=(9, 5)), _rng.integers(0, 4, size=9)
_loss, _gW, _gb = loss_and_gradients(_W, _b, _X, _y)
for _l in range(3):
    check_gradient(f"the gradient of W^{_l + 1} of a 5-6-7-4 network",
                   lambda M: loss_and_gradients(_W[:_l] + [M] + _W[_l + 1:], _b, _X, _y)[0], _W[_l], _gW[_l],
                   hint="dL/dW^l = (Delta^l)^T A^(l-1), for every layer of any depth")
    check_gradient(f"the gradient of b^{_l + 1} of a 5-6-7-4 network",
                   lambda v: loss_and_gradients(_W, _b[:_l] + [v] + _b[_l + 1:], _X, _y)[0], _b[_l], _gb[_l],
                   hint="dL/db^l sums Delta^l over the rows")
check_close("the loss of scores near 1000 (no overflow)",
            loss_and_gradients([np.eye(2)], [np.zeros(2)], np.array([[1000.0, 0.0]]), np.array([0]))[0], 0.0,
            atol=1e-9, hint="subtract each row's largest score before np.exp")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: the confusion matrix (1 point)
#
# Write `confusion_matrix(y_true, y_pred, n_classes)`: an integer array of shape
# `(n_classes, n_classes)` whose entry `[i, j]` counts the samples of true class `i`
# predicted as class `j`. Rows are true classes, columns predictions; a perfect
# classifier puts everything on the diagonal. `y_true` and `y_pred` are integer arrays of
# the same shape `(n,)` with values in `0 .. n_classes - 1`.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "confusion", "schema_version": 3}
def confusion_matrix(y_true, y_pred, n_classes):
    """Counts of (true class, predicted class). y_true, y_pred (n,) ints -> (n_classes, n_classes) int array."""
    ### BEGIN SOLUTION
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "confusion_tests", "points": 1, "schema_version": 3}
check_close("confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)",
            checked_call("confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)", confusion_matrix, np.array([0, 1, 1, 2]),
                         np.array([0, 2, 1, 2]), 3, hint="an (n_classes, n_classes) array of counts, one per pair"),
            np.array([[1, 0, 0], [0, 1, 1], [0, 0, 1]]),
            hint="row = true class, column = predicted class; the true 1 predicted as 2 goes to [1, 2]")
check_close("confusion_matrix of a class never predicted", confusion_matrix(np.array([1, 1]), np.array([0, 0]), 2),
            np.array([[0, 0], [2, 0]]), hint="count every sample once, in row y_true, column y_pred")
### BEGIN HIDDEN TESTS
_t, _p = np.random.default_rng(4).integers(0, 10, size=(2, 200))
check_close("confusion_matrix of 200 random labels",
            confusion_matrix(_t, _p, 10), np.array([[np.sum((_t == i) & (_p == j)) for j in range(10)] for i in range(10)]),
            hint="count every sample once, in row y_true, column y_pred; pairs that repeat add up")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: predict before you measure (1 point)
#
# Your recipe (Part 5) reads about 98% of the test digits `SPLIT.X_test`. For each situation
# in `SITUATIONS`, what accuracy do you expect, compared with that: `"higher"`,
# `"about the same"` (within a point or so) or `"lower"`? Write
# `expected_accuracy(situation)` returning one of `CHOICES` for each key of `SITUATIONS`.
#
# Decide from what lessons 9 and 10 taught you, before you try anything. Some of these you
# can measure later, with your `train_digits`; one of them nobody can measure with these
# data. The grader asks about every situation and explains each answer it does not accept.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "concepts", "schema_version": 3}
def expected_accuracy(situation):
    """The accuracy you expect in SITUATIONS[situation], against the test digits': one of CHOICES."""
    ### BEGIN SOLUTION
    return {"new writer": "lower",              # 13 writers on both sides of the split; a 14th is new
            "moved": "lower",                   # every pixel has its own weights: the ink lands on others
            "mirrored test": "lower",           # the weights were trained for the upright shapes
            "mirrored everything": "about the same",    # a fixed reordering of the pixels, learnt afresh
            "shuffled pixels": "about the same",        # a dense layer does not know which pixels are neighbours
            "a tenth of the data": "lower"}[situation]  # less labelled data, worse weights (lesson 9)
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "concepts_tests", "points": 1, "schema_version": 3}
for _situation in SITUATIONS:
    _answer = checked_call(f"expected_accuracy({_situation!r})", expected_accuracy, _situation,
                           hint="ask what the weights were trained to see, and whether that changed")
    check_true(f"expected_accuracy({_situation!r}) is one of CHOICES", _answer in CHOICES, "the answer is one of CHOICES",
               got=_answer, expected=" or ".join(map(repr, CHOICES)), hint=f"return one of {CHOICES}")
### BEGIN HIDDEN TESTS
for _situation, _choice in [("new writer", "lower"), ("moved", "lower"), ("mirrored test", "lower"),
                            ("mirrored everything", "about the same"), ("shuffled pixels", "about the same"),
                            ("a tenth of the data", "lower")]:
    check_close(f"expected_accuracy({_situation!r})", expected_accuracy(_situation), _choice,
                hint="a dense layer gives every pixel its own weights and knows nothing of neighbours")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 5: train a digit reader, your own way (5 points)
#
# Write `train_digits(X_train, y_train, seed)` that trains a network on the images
# `X_train` (n, 64) with integer labels `y_train` (n,) in 0..9, **with your own loop and your
# own `loss_and_gradients`**, and returns a dict of plain values the grader can use without
# your code:
#
# ```python
# {"mean": mean, "scale": scale,           # from your scaling: inputs become (X - mean) / scale
#  "weights": [W1, W2, ...],               # W^l of shape (n_l, n_(l-1)), n_0 = 64
#  "biases": [b1, b2, ...],                # b^l of shape (n_l,), the last layer has 10 units
#  "hidden_activation": "relu"}            # the activation of every layer but the last
# ```
#
# The grader predicts like this: standardise with your `mean` and `scale`, apply
# `hidden_activation` after every layer but the last, and take the index of the largest of
# the last layer's 10 scores. `predict_digits(params, X)`, given in the setup cell, does
# exactly that, so you can measure your network the way the grader will.
#
# What your function must do, and what is yours to choose:
#
# - carve validation images out of the images it is given (`validation_split(X_train,
#   y_train, fraction=0.2, seed=seed)`), and standardise with the statistics of the rest;
# - initialise the weights (exercise 8 says how, for ReLU), shuffle and cut the images into
#   mini-batches every epoch (exercise 9), and step down your gradients;
# - after every epoch, measure the validation loss, and return the weights of the epoch
#   where it was lowest (early stopping, lesson 9), not those of the last epoch;
# - use `seed` for everything random, so that the same call returns the same network, and
#   return copies of the arrays.
#
# The layer sizes, the learning rate, the batch size and the number of epochs are your
# choices: make them on validation digits. Train on `FIT.X_train` and measure on
# `FIT.X_val`. Leave `SPLIT.X_test` alone: the test cell reads it once.
#
# Points: 1 for well-formed parameters of a 64-input, 10-class network; 1 for at least 95% on
# the notebook's test digits `SPLIT.X_test` and 90% on new digits the grader draws from them,
# after training on `SPLIT.X_train`; 3 for at least 90% on the grader's new digits after
# training on the grader's share, turned (see the top of the notebook).
#
# <details><summary>Stuck?</summary>
#
# Start small: one hidden layer, a few epochs, and print the training and validation loss
# after every epoch. Does the training loss fall? If not, look at the learning rate first,
# then at your gradients (Part 2's test cell). Does the validation loss stop falling while
# the training loss goes on? Then early stopping is doing its job. Lesson 10's numbers are a
# fair target: about 98% on validation digits.
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "train", "schema_version": 3}
def train_digits(X_train, y_train, seed=0):
    """Train a digit classifier. X_train (n, 64) in [0, 1], y_train (n,) ints 0..9, seed an int.

    Returns {"mean": (64,), "scale": (64,), "weights": [...], "biases": [...], "hidden_activation": str}.
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    # Validation images carved out of the training images: they choose the epoch, and teach nothing.
    X_fit, y_fit, X_val, y_val = validation_split(X_train, y_train, fraction=0.2, seed=seed)
    mean, scale = scaling(X_fit)
    A_fit, A_val = (X_fit - mean) / scale, (X_val - mean) / scale
    sizes = [A_fit.shape[1], 64, N_CLASSES]
    # He initialisation (exercise 8): keeps E[z^2] steady through ReLU layers.
    weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    best_loss, best = np.inf, None
    for epoch in range(100):
        order = rng.permutation(len(y_fit))
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            _, grad_weights, grad_biases = loss_and_gradients(weights, biases, A_fit[batch], y_fit[batch])
            for W, b, grad_W, grad_b in zip(weights, biases, grad_weights, grad_biases):
                W -= 0.1 * grad_W
                b -= 0.1 * grad_b
        val_loss = loss_and_gradients(weights, biases, A_val, y_val)[0]
        if val_loss < best_loss:            # early stopping: keep the epoch of the lowest validation loss
            best_loss, best = val_loss, ([W.copy() for W in weights], [b.copy() for b in biases])
    return {"mean": mean, "scale": scale, "weights": best[0], "biases": best[1], "hidden_activation": "relu"}
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "train_tests", "points": 5, "schema_version": 3}
_params = checked_call("train_digits(X_train, y_train, seed=0)", train_digits, SPLIT.X_train, SPLIT.y_train, seed=0,
                       hint="scale with the training statistics, then loop over epochs and minibatches")
check_true("train_digits returns a dict with mean, scale, weights, biases and hidden_activation",
           isinstance(_params, dict) and {"mean", "scale", "weights", "biases", "hidden_activation"} <= set(_params),
           "expected a dict with the keys mean, scale, weights, biases and hidden_activation", got=_params,
           expected="{'mean': ..., 'scale': ..., 'weights': [...], 'biases': [...], 'hidden_activation': ...}",
           hint="return {'mean': ..., 'scale': ..., 'weights': [...], 'biases': [...], 'hidden_activation': 'relu'}")
check_close("the first layer takes 64 pixels and the last gives 10 scores",
            (_params["weights"][0].shape[1], _params["weights"][-1].shape[0]), (64, 10),
            hint="sizes must start with 64 (the pixels) and end with 10 (one score per digit)")
_held_out = float(np.mean(predict_digits(_params, SPLIT.X_test) == SPLIT.y_test))
check_true("accuracy on the test split is at least 95%", bool(_held_out >= 0.95),
           f"the test accuracy is {_held_out:.1%}", got=_held_out, expected="0.95 or more",
           hint="print the training and validation loss every epoch: check the learning rate and your gradients")
### BEGIN HIDDEN TESTS
_mirrored = SPLIT.X_train.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)
_params = train_digits(_mirrored, SPLIT.y_train, seed=3)
check_true("at least 95% on mirrored test digits after training on mirrored digits",
           bool(np.mean(predict_digits(_params, SPLIT.X_test.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64))
                        == SPLIT.y_test) >= 0.95), "the accuracy is below 95%",
           hint="your recipe must learn any fixed arrangement of the pixels: nothing may be built in")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Which digits does your network confuse? Train it on `FIT.X_train`, predict the validation
# digits (held out from its training), and look at the confusion matrix off its diagonal.
# The test split stays out of it: the test cell above has read it once. Then measure two of
# Part 4's situations: mirror every digit and train again, or shuffle the pixels.

# %% tags=["worked:confusion"]
params = train_digits(FIT.X_train, FIT.y_train, seed=1)
counts = confusion_matrix(FIT.y_val, predict_digits(params, FIT.X_val), N_CLASSES)
print("validation accuracy at least 95%:", np.trace(counts) / counts.sum() >= 0.95)
print("every validation digit counted once:", counts.sum() == len(FIT.y_val))
