# ---
# jupyter:
#   course_exercise:
#     id: ex09_train_classifier
#     title: "Exercise 9: train a classifier that generalises"
#     lesson: "09"
# ---

# %% [markdown]
# # Exercise 9: train a classifier that generalises (10 points)
#
# You have the gradients; now write the training loop around them. The data are
# three interleaved spiral arms (`course_lib.data.spirals`), and the goal is a
# network that classifies points it has **never seen** correctly at least 90% of
# the time.
#
# **Objectives.** After this exercise you can
#
# - shuffle and cut data into mini-batches, epoch after epoch;
# - turn a network's parameters into predictions and an accuracy;
# - read training and validation curves: which epoch's weights to keep, and which data
#   judge which choice;
# - search for a learning rate, a network size and a number of epochs that work, judging
#   every choice on validation points.
#
# **Expected time:** about 90 minutes, most of it in Part 4's search.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `minibatches`: shuffle and cut the data into batches | 2 |
# | 2 | `predict` and `accuracy`: from a network's parameters to its answers | 1 |
# | 3 | `epoch_to_keep`, `judged_on`: read the curves, choose the data | 2 |
# | 4 | `train_classifier`: the training loop, reaching 90% on held-out data | 5 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. Part 3's test cell checks only the
# form of your answers: the grader grades them, on curves it draws at random. Before
# you submit, use **Kernel > Restart Kernel and Run All Cells**.
#
# **How Part 4 is graded.** The grader calls your `train_classifier` on a fresh
# sample of spirals (turned by a random angle, perhaps mirrored), takes the
# parameters it returns, and measures the accuracy **itself**, with its own
# forward pass, on another fresh sample, turned the same way, that your function
# never saw. So your loop must really learn from the data it is given.
# Training must finish within a minute on the grader's machine; a few seconds is
# plenty.
#
# {{ not allowed while graded }}
#
# **What you may use.** For the gradients, `course_lib.MLP`'s `backward` and `step` (or your
# `mlp_backward` from exercise 6): this exercise is about the loop, and Part 2 about reading
# the network's outputs yourself.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib import MLP, get_activation
from course_lib.exercises import check_close, check_shape, check_true
from course_lib.exercises.checks import checked_call
from course_lib.data import spirals, train_test_split, validation_split

# 600 points on 3 spiral arms: 450 to train on, 150 held out as the test set (read once, by Part 4's test cell).
SPLIT = train_test_split(*spirals(n_samples=600, noise=0.3, seed=0), test_fraction=0.25, seed=0)
# For your choices: 90 validation points carved out of the 450 training points (lesson 9).
FIT = validation_split(SPLIT.X_train, SPLIT.y_train, fraction=0.2, seed=0)
N_CLASSES = 3

# Part 3: the data that may decide something, and the decisions.
DATA = ("training", "validation", "test")
DECISIONS = {
    "gradient steps": "the points whose loss the gradient of every step is computed on",
    "learning rate": "which of the learning rates 0.01, 0.1 and 1 to use",
    "hidden units": "how many hidden units the network has",
    "weight decay": "the weight decay λ",
    "epoch": "the epoch whose weights you keep",
    "report": "the accuracy you report as your network's, once every choice is made",
}

# %% [markdown]
# ## Part 1: mini-batches (2 points)
#
# One *epoch* of mini-batch gradient descent visits every training sample once,
# in a fresh random order, a batch at a time. Write `minibatches(n_samples,
# batch_size, rng)` returning a list of integer index arrays: shuffle the indices
# `0 .. n_samples - 1` with `rng.permutation`, then cut them into consecutive
# batches of `batch_size`; the last batch holds whatever is left (it may be
# smaller). Every index appears in exactly one batch. `rng` is a
# `numpy.random.Generator`.
#
# Example: 10 samples in batches of 4 give three batches of sizes 4, 4 and 2.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "minibatches", "schema_version": 3}
def minibatches(n_samples, batch_size, rng):
    """The sample indices 0..n_samples-1 shuffled by rng and cut into batches.

    n_samples, batch_size: ints >= 1; rng: a numpy Generator. Returns a list of int
    arrays of shape (batch_size,), the last one possibly shorter, together holding
    every index exactly once.
    """
    ### BEGIN SOLUTION
    order = rng.permutation(n_samples)
    return [order[start:start + batch_size] for start in range(0, n_samples, batch_size)]
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "minibatches_tests", "points": 2, "schema_version": 3}
_CUT_HINT = "cut the shuffled indices at 0, 4, 8: the last batch keeps the remaining 2"
_batches = checked_call("minibatches(10, 4, rng)", minibatches, 10, 4, np.random.default_rng(0), hint=_CUT_HINT)
check_true("minibatches(10, 4, rng) is a list of arrays of indices",
           isinstance(_batches, list) and all(np.ndim(b) == 1 for b in _batches), "expected a list of 1-d arrays",
           got=_batches, expected="a list of 3 int arrays, of 4, 4 and 2 indices", hint=_CUT_HINT)
check_close("the batch sizes of minibatches(10, 4, rng)", [len(b) for b in _batches], [4, 4, 2], hint=_CUT_HINT)
check_close("all indices of minibatches(10, 4, rng), sorted", np.sort(np.concatenate(_batches)), np.arange(10),
            hint="every sample index 0..9 must appear exactly once")
# Shuffled means a new random order each call: not the original order, nor its reverse, nor any fixed order.
_orders = [np.concatenate(minibatches(100, 100, np.random.default_rng(seed))) for seed in (1, 2, 3)]
_correlations = [abs(np.corrcoef(np.arange(100), order)[0, 1]) for order in _orders]
check_true("minibatches(100, 100, rng) shuffles: no order shared by three generators",
           not np.array_equal(_orders[0], _orders[1]) and not np.array_equal(_orders[1], _orders[2]),
           "three generators with different seeds gave the same order", got=_orders[0][:12],
           expected="a different order for each generator",
           hint="shuffle with rng.permutation(n_samples) before cutting, using the rng you are given")
check_true("minibatches(100, 100, rng) shuffles: position and index unrelated",
           max(_correlations) < 0.5, f"position and index correlate by {max(_correlations):.2f} (sorted or reversed?)",
           got=_orders[int(np.argmax(_correlations))][:12], expected="indices in no order, correlation below 0.5",
           hint="shuffle with rng.permutation(n_samples) before cutting")
### BEGIN HIDDEN TESTS
_batches = minibatches(97, 10, np.random.default_rng(7))
check_close("batch sizes of minibatches(97, 10, rng)", [len(b) for b in _batches], [10] * 9 + [7], hint=_CUT_HINT)
check_close("all indices of minibatches(97, 10, rng)", np.sort(np.concatenate(_batches)), np.arange(97),
            hint="every sample index must appear exactly once")
check_close("minibatches(3, 5, rng) gives one short batch", [len(b) for b in minibatches(3, 5, np.random.default_rng(0))], [3],
            hint="a batch size larger than the data gives one batch of everything")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: from parameters to answers (1 point)
#
# A network is handed around as a dict of plain values, the way the grader
# receives it from you:
#
# ```python
# params = {"weights": [W0, W1, ...],        # W_l of shape (sizes[l+1], sizes[l])
#           "biases": [b0, b1, ...],         # b_l of shape (sizes[l+1],)
#           "hidden_activation": "tanh"}     # a name for course_lib.get_activation
# ```
#
# Every layer but the last applies the hidden activation to $Z_l = A_l W_l^\top + b_l$.
# The predicted class of a sample is the index of the largest entry of the last
# layer's $Z$: whatever output activation you trained with (softmax, sigmoid or
# none), it never changes which entry is largest, so you can leave it out.
#
# 1. `predict(params, X)`: the predicted classes of `X` (n, `sizes[0]`), an int
#    array of shape (n,).
# 2. `accuracy(params, X, y)`: the fraction of samples whose predicted class equals
#    the label in `y` (n,), a float between 0 and 1.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predict", "schema_version": 3}
def predict(params, X):
    """Predicted class of every sample. params: a dict as above; X (n, sizes[0]) -> int array (n,)."""
    ### BEGIN SOLUTION
    f = get_activation(params["hidden_activation"])
    a = np.asarray(X, dtype=float)
    weights, biases = params["weights"], params["biases"]
    for W, b in zip(weights[:-1], biases[:-1]):
        a = f(a @ W.T + b)
    return np.argmax(a @ weights[-1].T + biases[-1], axis=1)
    ### END SOLUTION


def accuracy(params, X, y):
    """Fraction of samples classified right. X (n, sizes[0]), y (n,) int labels -> float."""
    ### BEGIN SOLUTION
    return float(np.mean(predict(params, X) == np.asarray(y)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predict_tests", "points": 1, "schema_version": 3}
# A hand-made 2-2-3 network: hidden units copy the inputs (identity); class scores x1, x2 and 0.5.
_params = {"weights": [np.eye(2), np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])],
           "biases": [np.zeros(2), np.array([0.0, 0.0, 0.5])], "hidden_activation": "identity"}
_X = np.array([[2.0, 1.0], [0.0, 3.0], [0.1, 0.2], [-1.0, 0.4]])
_ARGMAX_HINT = "the class is the index of the largest score in each ROW (argmax along axis 1)"
check_close("predict(hand-made network, 4 points)",
            checked_call("predict(hand-made network, 4 points)", predict, _params, _X,
                         hint="Z^l = A^(l-1) (W^l)^T + b^l, layer by layer; then " + _ARGMAX_HINT),
            np.array([0, 1, 2, 2]), hint=_ARGMAX_HINT)
check_close("accuracy(hand-made network, 4 points, labels [0, 1, 1, 2])",
            checked_call("accuracy(hand-made network, 4 points, labels [0, 1, 1, 2])", accuracy, _params, _X,
                         np.array([0, 1, 1, 2]), hint="compare predict's classes with y, entry by entry"),
            0.75, hint="3 of the 4 predictions match: the mean of a true/false array")
_net = MLP([2, 8, 3], "tanh", "softmax", "cross_entropy", seed=3)
_params = {"weights": _net.weights, "biases": _net.biases, "hidden_activation": "tanh"}
check_close("predict of a random tanh network against course_lib", predict(_params, SPLIT.X_test),
            _net.predict(SPLIT.X_test), hint="apply the hidden activation to every layer except the last")
### BEGIN HIDDEN TESTS
_net = MLP([2, 5, 4, 3], "relu", "sigmoid", "mse", seed=11)
_params = {"weights": _net.weights, "biases": _net.biases, "hidden_activation": "relu"}
check_close("predict of a 2-5-4-3 relu network", predict(_params, SPLIT.X_train), _net.predict(SPLIT.X_train),
            hint="any number of layers: loop over them, the hidden activation on all but the last")
check_close("accuracy of a 2-5-4-3 relu network", accuracy(_params, SPLIT.X_train, SPLIT.y_train),
            np.mean(_net.predict(SPLIT.X_train) == SPLIT.y_train), hint="the fraction of samples predicted right")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: read the curves, choose the data (2 points)
#
# Two questions about lesson 9's discipline, answered by code so the grader can ask them on
# cases of its own.
#
# 1. `epoch_to_keep(train_losses, val_losses)`: a run recorded the mean training loss and
#    the validation loss after every epoch, in two lists of the same length; entry 0 is
#    epoch 1. The run saved the weights after every epoch. Return the number of the epoch
#    (counting from 1) whose weights you keep, as an int.
# 2. `judged_on(decision)`: for each key of `DECISIONS`, the data that decide it: one of
#    `DATA` (`"training"`, `"validation"` or `"test"`).
#
# Example: a validation loss lowest at epoch 15, and a training loss that still falls at
# epoch 1000. Which weights do you keep?

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "curves", "schema_version": 3}
def epoch_to_keep(train_losses, val_losses):
    """The epoch (1 = the first) whose weights to keep. train_losses, val_losses: sequences of equal length."""
    ### BEGIN SOLUTION
    return int(np.argmin(val_losses)) + 1        # the validation loss chooses; entry 0 is epoch 1
    ### END SOLUTION


def judged_on(decision):
    """The data that decide DECISIONS[decision]: one of DATA."""
    ### BEGIN SOLUTION
    return {"gradient steps": "training", "learning rate": "validation", "hidden units": "validation",
            "weight decay": "validation", "epoch": "validation", "report": "test"}[decision]
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "curves_tests", "points": 2, "schema_version": 3}
_epochs = np.arange(1, 1001)
_train = 1.0 / np.sqrt(_epochs)                          # still falling at epoch 1000
_val = 0.5 + 0.002 * (_epochs - 15) ** 2 / (1 + 0.01 * (_epochs - 15) ** 2)   # lowest at epoch 15
_answer = checked_call("epoch_to_keep of the example", epoch_to_keep, list(_train), list(_val),
                       hint="which curve tells you how the network does on data it did not train on?")
check_true("epoch_to_keep of the example returns an epoch number", isinstance(_answer, (int, np.integer))
           and 1 <= _answer <= 1000, "an epoch is a whole number from 1 to 1000", got=_answer,
           expected="an int from 1 to 1000", hint="an int from 1 to len(val_losses); entry 0 is epoch 1")
for _decision in DECISIONS:
    _answer = checked_call(f"judged_on({_decision!r})", judged_on, _decision,
                           hint="the test set decides nothing but the report; what tunes a choice?")
    check_true(f"judged_on({_decision!r}) is one of DATA", _answer in DATA, "the answer is one of DATA", got=_answer,
               expected=" or ".join(map(repr, DATA)), hint=f"return one of {DATA}")
### BEGIN HIDDEN TESTS
check_close("epoch_to_keep of the example", epoch_to_keep(list(_train), list(_val)), 15,
            hint="the epoch of the lowest VALIDATION loss; entry 0 is epoch 1")
check_close("epoch_to_keep when the validation loss still falls at the end",
            epoch_to_keep([3.0, 2.0, 1.0], [3.0, 2.5, 2.4]), 3, hint="the lowest validation loss may be the last")
for _decision, _data in [("gradient steps", "training"), ("learning rate", "validation"), ("hidden units", "validation"),
                         ("weight decay", "validation"), ("epoch", "validation"), ("report", "test")]:
    check_close(f"judged_on({_decision!r})", judged_on(_decision), _data,
                hint="steps fit the training data, choices are made on validation data, the test set only reports")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: the training loop (5 points)
#
# **The goal:** a network that classifies spiral points it has never seen, with
# at least 90% accuracy on fresh held-out data, trained within the time limit
# (a minute on the grader's machine; a few seconds is plenty).
#
# Write `train_classifier(X_train, y_train, seed)` that builds a network, trains
# it on `X_train` (n, 2) with integer labels `y_train` (n,) in 0, 1, 2, and
# returns its parameters as a dict like in Part 2 (copies of the arrays, as plain
# numpy arrays). Use `seed` for everything random (the initial weights and the
# shuffling), so that the same call always returns the same network.
#
# **Every choice is yours:** the layer sizes, the activations, the loss (and the
# targets it needs), the learning rate and whether it changes, the batch size
# and the number of epochs. Lessons 6 to 9 give you what you need to choose: which
# output and loss suit three classes, how much network a spiral needs, what a
# learning rate too large or too small looks like.
#
# **Choose on validation data, as lesson 9 does.** Train on `FIT.X_train`
# (`FIT.y_train`), measure each choice on the validation points `FIT.X_val`
# (`FIT.y_val`), which the setup cell carved out of the training points, and keep
# what does best there. Leave `SPLIT.X_test` alone: the test cell below trains
# your final choice on all 450 training points and reads the test split once.
#
# Points: 1 for returning well-formed parameters for a 2-input, 3-class network;
# 1 for at least 90% on held-out spirals like the notebook's after training on
# `SPLIT.X_train` (the test cell checks `SPLIT.X_test`; the grader draws its own
# fresh points); 3 for at least 90% on the grader's own fresh held-out data after
# training on fresh data.
#
# <details><summary>Stuck? How to search</summary>
#
# Change one thing at a time, and judge every run on `FIT.X_val`, never on `SPLIT.X_test`.
#
# 1. **Make the training loss fall.** Print it every 10 epochs. Try learning rates a factor
#    of 10 apart (0.01, 0.1, 1, ...): too small and it barely moves; too large and it jumps
#    about, grows, or turns into NaN. Keep the largest rate whose loss falls steadily.
# 2. **Make the network able to fit.** If the *training* accuracy stays well below 90%, the
#    network cannot draw three spirals: give it more hidden units or another layer, or more
#    epochs, and go back to step 1.
# 3. **Read the validation curve.** Print the validation loss beside the training loss.
#    Still falling at the end: train longer. Lowest somewhere in the middle while the
#    training loss goes on falling: stop near that epoch (Part 3), or add weight decay.
# 4. **Check the seed.** Run your final choice with two or three seeds: a recipe that works
#    for one seed only is luck, and the grader uses seeds of its own.
#
# Lessons 6 to 9 say which output and loss suit three classes, and what one-hot targets are.
#
# </details>

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "train", "schema_version": 3}
def train_classifier(X_train, y_train, seed=0):
    """Train a network on 2-D points with labels 0..2; return its parameters.

    X_train (n, 2) float, y_train (n,) int; seed an int. Returns a dict with
    "weights" (list of (sizes[l+1], sizes[l]) arrays), "biases" (list of
    (sizes[l+1],) arrays) and "hidden_activation" (an activation name).
    """
    ### BEGIN SOLUTION
    net = MLP([2, 32, 32, N_CLASSES], "tanh", "softmax", "cross_entropy", seed=seed)
    targets = np.eye(N_CLASSES)[y_train]
    rng = np.random.default_rng(seed)
    for epoch in range(200):
        # Big steps to find the spirals, then smaller ones to settle into the minimum found.
        learning_rate = 0.3 if epoch < 150 else 0.075
        for batch in minibatches(len(X_train), 32, rng):
            net.step(net.backward(X_train[batch], targets[batch]), learning_rate)
    return {"weights": [W.copy() for W in net.weights], "biases": [b.copy() for b in net.biases],
            "hidden_activation": "tanh"}
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "train_tests", "points": 5, "schema_version": 3}
_params = checked_call("train_classifier(X_train, y_train, seed=0)", train_classifier, SPLIT.X_train, SPLIT.y_train,
                       seed=0, hint="build the network, then loop over epochs and minibatches: forward, backward, step")
check_true("train_classifier returns a dict with weights, biases and hidden_activation",
           isinstance(_params, dict) and {"weights", "biases", "hidden_activation"} <= set(_params),
           "expected a dict with the keys weights, biases and hidden_activation", got=_params,
           expected="{'weights': [...], 'biases': [...], 'hidden_activation': ...}",
           hint="return {'weights': [...], 'biases': [...], 'hidden_activation': 'tanh'}")
check_close("the first layer takes 2 inputs and the last gives 3 scores",
            (_params["weights"][0].shape[1], _params["weights"][-1].shape[0]), (2, 3),
            hint="sizes must start with 2 (the point's coordinates) and end with 3 (one score per class)")
_held_out = checked_call("accuracy(your network, the held-out split)", accuracy, _params, SPLIT.X_test, SPLIT.y_test,
                         hint="Part 2's accuracy, on the dict your train_classifier returned")
check_true("accuracy on the held-out split is at least 90%", bool(_held_out >= 0.9),
           f"the held-out accuracy is {_held_out:.1%}", got=_held_out, expected="0.9 or more",
           hint="train longer or with a larger learning rate; watch the loss go down epoch by epoch")
### BEGIN HIDDEN TESTS
_turn = np.array([[np.cos(2.0), -np.sin(2.0)], [np.sin(2.0), np.cos(2.0)]]).T * np.array([-1.0, 1.0])
_X, _y = spirals(n_samples=450, noise=0.3, seed=77)
_params = train_classifier(_X @ _turn, _y, seed=5)
_X_new, _y_new = spirals(n_samples=900, noise=0.3, seed=78)
check_true("accuracy on fresh turned data after training on other fresh turned data is at least 90%",
           bool(accuracy(_params, _X_new @ _turn, _y_new) >= 0.9), "the accuracy is below 90%",
           hint="train on the data you are given: nothing about these spirals may be built in")
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# How does the validation accuracy change with the number of epochs? Train on
# `FIT.X_train` and measure on `FIT.X_val`, as below. Then change the training to
# stop after fewer epochs (or use a tiny learning rate) and watch the validation
# accuracy fall back towards chance, 1 in 3. The test split stays out of it.

# %% tags=["worked:held-out"]
params = train_classifier(FIT.X_train, FIT.y_train, seed=1)
print("training accuracy at least 90%:", accuracy(params, FIT.X_train, FIT.y_train) >= 0.9)
print("validation accuracy at least 90%:", accuracy(params, FIT.X_val, FIT.y_val) >= 0.9)
