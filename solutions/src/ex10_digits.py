# ---
# jupyter:
#   course_exercise:
#     id: ex10_digits
#     title: "Exercise 10: read handwritten digits"
#     lesson: "10"
# ---

# %% [markdown]
# # Exercise 10: read handwritten digits (10 points)
#
# The capstone of the course: train a network that reads the 8×8 handwritten digits of
# lesson 10, and prove it on digits it has never seen.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `scaling`: the standardisation, from training images only | 2 |
# | 2 | `confusion_matrix`: count which digit is taken for which | 2 |
# | 3 | `train_digits`: a trained network reaching 95% on held-out digits | 6 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test cell
# prints `passed: ...` for every check that holds; a failing check says what it
# expected, what came back, and gives a hint. Before you submit, use
# **Kernel > Restart Kernel and Run All Cells**.
#
# **How Part 3 is graded.** The grader calls your `train_digits` on a share of the
# digits it chooses, turned or mirrored in a way it also chooses, and measures the
# accuracy **itself**, with its own forward pass, on the remaining digits, turned the
# same way. Those held-out digits never enter your notebook's kernel. So your function
# must really learn from the images it is given. Training must finish within a minute on
# the grader's machine; a few seconds is plenty.
#
# **What you may use.** `course_lib.MLP` and `course_lib.train` are allowed in Part 3 (the
# point is a network that works). In Parts 1 and 2 write the numpy yourself: do not use
# scikit-learn's `StandardScaler` or `confusion_matrix`. The grader cannot tell how you
# computed an answer; the point is that you can.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import MLP, get_activation, train
from course_lib.data import load_digits, validation_split
from course_lib.exercises import check_close, check_shape, check_true

# The capstone's split: 1438 training digits, 359 held out as the test set (rows of 64 pixels in [0, 1]).
SPLIT = load_digits(test_fraction=0.2, seed=1)
# Lesson 10's validation digits, for your choices: 287 carved out of the 1438 training digits.
FIT = validation_split(SPLIT.X_train, SPLIT.y_train, fraction=0.2, seed=2)
N_CLASSES = 10


def predict_digits(params, X):
    """The grader's forward pass (given, not an exercise): X (n, 64) -> predicted digits (n,)."""
    f = get_activation(params["hidden_activation"])
    a = (np.asarray(X, dtype=float) - params["mean"]) / params["scale"]
    for W, b in zip(params["weights"][:-1], params["biases"][:-1]):
        a = f(a @ W.T + b)
    return np.argmax(a @ params["weights"][-1].T + params["biases"][-1], axis=1)

# %% [markdown]
# ## Part 1: standardise with training statistics (2 points)
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "scaling_tests", "points": 2, "schema_version": 3}
_mean, _scale = scaling(np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]]))
check_close("the mean of scaling([[0, 1], [2, 1], [4, 1]])", _mean, [2.0, 1.0],
            hint="average each COLUMN: X_train.mean(axis=0)")
check_close("the scale of scaling([[0, 1], [2, 1], [4, 1]])", _scale, [np.sqrt(8 / 3) + 0.1, 0.1],
            hint="the population standard deviation of each column (np.std, ddof=0) plus 0.1")
_mean, _scale = scaling(SPLIT.X_train)
check_shape("the mean of the training digits", _mean, (64,))
check_true("standardised training digits have mean 0 in every pixel",
           bool(np.allclose(((SPLIT.X_train - _mean) / _scale).mean(axis=0), 0.0)),
           "some pixel's mean is not 0", hint="subtract the column means of X_train")
### BEGIN HIDDEN TESTS
_X = np.random.default_rng(3).normal(2.0, 3.0, size=(50, 7))
check_close("scaling of random data: mean", scaling(_X)[0], _X.mean(axis=0))
check_close("scaling of random data: scale", scaling(_X)[1], _X.std(axis=0) + 0.1)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: the confusion matrix (2 points)
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "confusion_tests", "points": 2, "schema_version": 3}
check_close("confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)",
            confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), 3),
            np.array([[1, 0, 0], [0, 1, 1], [0, 0, 1]]),
            hint="row = true class, column = predicted class; the true 1 predicted as 2 goes to [1, 2]")
check_close("confusion_matrix of a class never predicted", confusion_matrix(np.array([1, 1]), np.array([0, 0]), 2),
            np.array([[0, 0], [2, 0]]), hint="count every sample once, in row y_true, column y_pred")
### BEGIN HIDDEN TESTS
_t, _p = np.random.default_rng(4).integers(0, 10, size=(2, 200))
check_close("confusion_matrix of 200 random labels",
            confusion_matrix(_t, _p, 10), np.array([[np.sum((_t == i) & (_p == j)) for j in range(10)] for i in range(10)]))
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: train a digit reader (6 points)
#
# Write `train_digits(X_train, y_train, seed)` that trains a network on the images
# `X_train` (n, 64) with integer labels `y_train` (n,) in 0..9, and returns a dict of plain
# values the grader can use without your code:
#
# ```python
# {"mean": mean, "scale": scale,           # from your scaling(X_train): inputs become (X - mean) / scale
#  "weights": [W0, W1, ...],               # W_l of shape (sizes[l+1], sizes[l]), sizes[0] = 64
#  "biases": [b0, b1, ...],                # b_l of shape (sizes[l+1],), the last layer has 10 units
#  "hidden_activation": "relu"}            # a name for course_lib.get_activation
# ```
#
# The grader predicts like this: standardise with your `mean` and `scale`, apply
# `hidden_activation` after every layer but the last, and take the index of the largest of
# the last layer's 10 scores. `predict_digits(params, X)`, given in the setup cell, does
# exactly that, so you can measure your network the way the grader will.
#
# The choices are yours; make them on validation digits, as lesson 10 does. Lesson 10's
# recipe works: `MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=seed)`,
# mini-batches of 32, learning rate 0.2 for up to 150 epochs, keeping the network of the
# epoch with the lowest validation loss (early stopping, with a `callback` as in lessons 9
# and 10). Your function gets training images only, so it carves its validation images out
# of them: `validation_split(X_train, y_train, fraction=0.2, seed=seed)`. To compare other
# choices, train on `FIT.X_train` and measure on `FIT.X_val`. Leave `SPLIT.X_test` alone:
# the test cell reads it once. Use `seed` for everything random, so that the same call
# returns the same network. Return copies of the arrays (`W.copy()`).
#
# Points: 1 for well-formed parameters of a 64-input, 10-class network; 2 for at least 95%
# on the notebook's held-out `SPLIT.X_test` after training on `SPLIT.X_train`; 3 for at
# least 95% on the grader's own held-out digits after training on the grader's share.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "train", "schema_version": 3}
def train_digits(X_train, y_train, seed=0):
    """Train a digit classifier. X_train (n, 64) in [0, 1], y_train (n,) ints 0..9, seed an int.

    Returns {"mean": (64,), "scale": (64,), "weights": [...], "biases": [...], "hidden_activation": str}.
    """
    ### BEGIN SOLUTION
    # Validation images carved out of the training images: they choose the epoch, and teach nothing.
    X_fit, y_fit, X_val, y_val = validation_split(X_train, y_train, fraction=0.2, seed=seed)
    mean, scale = scaling(X_fit)
    net = MLP([X_fit.shape[1], 64, N_CLASSES], "relu", "softmax", "cross_entropy", seed=seed)
    best = {}

    def keep_best(epoch, history, net):
        if history.val_loss[-1] == min(history.val_loss):
            best["net"] = net.copy()

    train(net, (X_fit - mean) / scale, y_fit, epochs=150, batch_size=32, learning_rate=0.2, seed=seed,
          validation=((X_val - mean) / scale, y_val), callback=keep_best)
    net = best["net"]                     # early stopping: the epoch of the lowest validation loss
    return {"mean": mean, "scale": scale, "weights": [W.copy() for W in net.weights],
            "biases": [b.copy() for b in net.biases], "hidden_activation": "relu"}
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "train_tests", "points": 6, "schema_version": 3}
_params = train_digits(SPLIT.X_train, SPLIT.y_train, seed=0)
check_true("train_digits returns a dict with mean, scale, weights, biases and hidden_activation",
           isinstance(_params, dict) and {"mean", "scale", "weights", "biases", "hidden_activation"} <= set(_params),
           f"it returned {type(_params).__name__}",
           hint="return {'mean': ..., 'scale': ..., 'weights': [...], 'biases': [...], 'hidden_activation': 'relu'}")
check_close("the first layer takes 64 pixels and the last gives 10 scores",
            (_params["weights"][0].shape[1], _params["weights"][-1].shape[0]), (64, 10),
            hint="sizes must start with 64 (the pixels) and end with 10 (one score per digit)")
_held_out = float(np.mean(predict_digits(_params, SPLIT.X_test) == SPLIT.y_test))
check_true("accuracy on the held-out split is at least 95%", bool(_held_out >= 0.95),
           f"the held-out accuracy is {_held_out:.1%}",
           hint="standardise the inputs, then check the learning rate and the number of epochs")
### BEGIN HIDDEN TESTS
_mirrored = SPLIT.X_train.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)
_params = train_digits(_mirrored, SPLIT.y_train, seed=3)
check_true("at least 95% on mirrored held-out digits after training on mirrored digits",
           bool(np.mean(predict_digits(_params, SPLIT.X_test.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64))
                        == SPLIT.y_test) >= 0.95), "the accuracy is below 95%")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Which digits does your network confuse? Train it on `FIT.X_train`, predict the validation
# digits (held out from its training), and look at the confusion matrix off its diagonal.
# The test split stays out of it: the test cell above has read it once.

# %% tags=["worked:confusion"]
params = train_digits(FIT.X_train, FIT.y_train, seed=1)
counts = confusion_matrix(FIT.y_val, predict_digits(params, FIT.X_val), N_CLASSES)
print("held-out accuracy at least 95%:", np.trace(counts) / counts.sum() >= 0.95)
print("every held-out digit counted once:", counts.sum() == len(FIT.y_val))
