# ---
# jupyter:
#   course_exercise:
#     id: ex02_losses
#     title: "Exercise 2: loss functions and their gradients"
#     lesson: "02"
# ---

# %% [markdown]
# # Exercise 2: loss functions and their gradients (10 points)
#
# Lesson 2 turned the gap between predictions and targets into one number, the loss. Here you
# write the three losses of the course, stable for huge scores, and **derive** the gradient of
# each: the quantity back-propagation starts from. The self-checks compare your gradients with
# numerical ones, so a wrong derivation shows at once.
#
# **Objectives.** After this exercise you can
#
# - write the mean squared error, the binary and the categorical cross-entropy as means over a batch;
# - derive the gradient of each, and check it against numerical derivatives;
# - compute them stably for scores in the thousands;
# - read a cross-entropy: what a guess costs, and what a change of probability does to it.
#
# **Expected time:** about 40 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `mse_loss(Y_hat, Y)` and `mse_gradient(Y_hat, Y)` | 2 |
# | 2 | `bce_from_logits(Z, Y)` and `bce_gradient_from_logits(Z, Y)` | 3 |
# | 3 | `softmax(Z)`, `cross_entropy_from_logits(Z, Y)` and `cross_entropy_gradient(Z, Y)` | 3 |
# | 4 | `uniform_guess_loss(k)` and `loss_after_scaling(loss, factor)`: predictions | 2 |
#
# Every array has one row per sample: shape `(n_samples, n_outputs)`. Every loss is a **mean**, so
# it does not grow with the batch, and returns a Python `float`.
#
# **How to work.** Replace each `# YOUR CODE HERE` and `raise NotImplementedError()`, then run the
# test cell below. A failing check tells you what it expected, what came back and a hint. Before
# submitting, run *Kernel > Restart Kernel and Run All Cells*.
#
# **What you may use.** numpy (`np.exp`, `np.log`, `np.log1p`, `np.maximum`, `np.abs`, `.mean`,
# `.sum`, `.max`) and your own functions from earlier parts.
#
# {{ not allowed while graded }}
#
# The setup cell imports only the self-check helpers. Hidden tests run on inputs the grader
# picks, including very large scores.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import numpy as np

from course_lib.exercises import check_close, check_gradient, check_true
from course_lib.exercises.checks import checked_call

# %% [markdown]
# ## Part 1: mean squared error (2 points)
#
# Over all $N$ entries of the predictions $\hat{Y}$ and targets $Y$,
#
# $$L = \frac{1}{N} \sum (\hat{y} - y)^2 .$$
#
# Write `mse_loss` (a float; $N$ counts every entry, not only the samples) and `mse_gradient`:
# the array of $\partial L/\partial \hat{y}$ for every entry, shaped like `Y_hat`. Derive it: one
# entry $\hat{y}$ appears in exactly one term of the sum.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "mse", "schema_version": 3}
def mse_loss(Y_hat, Y):
    """Mean of (Y_hat - Y)^2 over every entry. Shapes: Y_hat, Y (n_samples, n_outputs) -> float."""
    ### BEGIN SOLUTION
    return float(np.mean((Y_hat - Y) ** 2))
    ### END SOLUTION


def mse_gradient(Y_hat, Y):
    """dL/dY_hat of mse_loss, entry by entry. Shapes: Y_hat, Y (n_samples, n_outputs) -> (n_samples, n_outputs)."""
    ### BEGIN SOLUTION
    return 2.0 * (Y_hat - Y) / Y.size
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "mse_tests", "points": 2, "schema_version": 3}
Y_hat = np.array([[0.9], [0.2], [0.6]])
Y = np.array([[1.0], [0.0], [1.0]])
_MSE_HINT = "the errors are -0.1, 0.2, -0.4: square them, then average over all N entries (a mean, not a sum)"
_MSE_GRADIENT_HINT = "differentiate (y_hat - y)^2 / N by y_hat; N is the number of entries"
check_close("mse_loss(Y_hat, Y)", checked_call("mse_loss(Y_hat, Y)", mse_loss, Y_hat, Y, hint=_MSE_HINT), 0.07,
            hint=_MSE_HINT)
_G = checked_call("mse_gradient(Y_hat, Y)", mse_gradient, Y_hat, Y, hint=_MSE_GRADIENT_HINT)
check_gradient("mse_gradient(Y_hat, Y)", lambda P: mse_loss(P, Y), Y_hat, _G, hint=_MSE_GRADIENT_HINT)
check_close("mse_gradient(Y_hat, Y)", _G, np.array([[-0.0666666667], [0.1333333333], [-0.2666666667]]),
            hint="2 (y_hat - y) / N for every entry, with N = 3 here")
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(201)
P, T = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
check_close("mse_loss on a (5, 3) batch", mse_loss(P, T), float(np.sum((P - T) ** 2) / 15),
            hint="average over all 15 entries, not over the 5 rows")
check_close("mse_gradient on a (5, 3) batch", mse_gradient(P, T), (P - T) * (2 / 15), hint=_MSE_GRADIENT_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: binary cross-entropy from the scores (3 points)
#
# For two classes a sigmoid output $p = \sigma(z)$ gives the probability of class 1, and the
# binary cross-entropy, averaged over all $N$ entries, is
# $L = -\frac{1}{N}\sum \left[y \log p + (1 - y)\log(1 - p)\right]$.
#
# Computed that way it breaks: for $z = 40$, $p$ rounds to exactly 1 and $\log(1 - p) = \log 0$.
# Written with the score $z$ itself the same loss is
#
# $$L = \frac{1}{N} \sum \left[\operatorname{softplus}(z) - y\, z\right], \qquad
# \operatorname{softplus}(z) = \log(1 + e^{z}) = \max(z, 0) + \log\left(1 + e^{-|z|}\right),$$
#
# and the right-hand form never overflows.
#
# Write `bce_from_logits(Z, Y)` (a float, finite even for $z = \pm 1000$) and
# `bce_gradient_from_logits(Z, Y)`: $\partial L/\partial z$ for every entry. **Derive it** from
# $\log(1 + e^{z}) - yz$; the result is short, and it must not overflow for $z = \pm 1000$ either.
# Targets are 0 or 1.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "bce", "schema_version": 3}
def bce_from_logits(Z, Y):
    """Binary cross-entropy of sigmoid(Z) against Y, computed stably from Z.

    Shapes: Z, Y (n_samples, n_outputs) -> float.
    """
    ### BEGIN SOLUTION
    softplus = np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))
    return float(np.mean(softplus - Y * Z))
    ### END SOLUTION


def bce_gradient_from_logits(Z, Y):
    """dL/dZ of bce_from_logits, entry by entry. Shapes: Z, Y (n_samples, n_outputs) -> same."""
    ### BEGIN SOLUTION
    e = np.exp(-np.abs(Z))  # sigmoid without overflow: e^-|z| <= 1
    P = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (P - Y) / Y.size
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "bce_tests", "points": 3, "schema_version": 3}
Z = np.array([[2.0], [-1.0], [0.0]])
Y = np.array([[1.0], [0.0], [1.0]])
_BCE_HINT = "for z = 0 and y = 1 the term is log 2 = 0.693; average softplus(z) - y z over all entries"
_STABLE_HINT = "compute softplus as max(z, 0) + log(1 + exp(-|z|)): exp never sees a large positive number"
_BCE_GRADIENT_HINT = "d/dz log(1 + e^z) = e^z / (1 + e^z); simplify, and keep the 1/N of the mean"
check_close("bce_from_logits(Z, Y)", checked_call("bce_from_logits(Z, Y)", bce_from_logits, Z, Y, hint=_BCE_HINT),
            0.3777789597, hint=_BCE_HINT)
check_close("bce_from_logits for scores of ±1000",
            checked_call("bce_from_logits for scores of ±1000", bce_from_logits, np.array([[1000.0], [-1000.0]]),
                         np.array([[0.0], [1.0]]), hint=_STABLE_HINT), 1000.0, hint=_STABLE_HINT)
check_gradient("bce_gradient_from_logits(Z, Y)", lambda S: bce_from_logits(S, Y), Z,
               checked_call("bce_gradient_from_logits(Z, Y)", bce_gradient_from_logits, Z, Y, hint=_BCE_GRADIENT_HINT),
               hint=_BCE_GRADIENT_HINT)
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(202)
S, T = rng.normal(size=(4, 2)) * 3, rng.integers(0, 2, size=(4, 2)).astype(float)
check_close("bce_from_logits on a (4, 2) batch", bce_from_logits(S, T),
            float(np.mean(np.logaddexp(0, S) - T * S)), hint="average over all 8 entries of a (4, 2) batch")
check_close("bce_gradient_from_logits on a (4, 2) batch", bce_gradient_from_logits(S, T),
            (1 / (1 + np.exp(-S)) - T) / 8, hint=_BCE_GRADIENT_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: softmax and the categorical cross-entropy (3 points)
#
# With $K$ classes the output layer's scores $Z$ (shape `(n, K)`) become probabilities row by row,
#
# $$P_{ik} = \operatorname{softmax}(Z)_{ik} = \frac{e^{z_{ik}}}{\sum_j e^{z_{ij}}} .$$
#
# Subtract each row's maximum before `np.exp`: the result is unchanged and $e^{1000}$ never
# happens. With one-hot targets $Y$, the cross-entropy averaged over the $n$ **samples** is
#
# $$L = \frac{1}{n} \sum_i \Big[\log \sum_j e^{z_{ij}} - \sum_k y_{ik} z_{ik}\Big] .$$
#
# (This is $-\frac{1}{n}\sum_i \sum_k y_{ik} \log P_{ik}$ rewritten so no $\log 0$ appears;
# compute $\log\sum_j e^{z_{ij}}$ with the row maximum taken out, too.) Write `softmax`,
# `cross_entropy_from_logits` (a float) and `cross_entropy_gradient`, the array of
# $\partial L/\partial z_{ik}$. **Derive it** from the form above (each row's targets sum to 1).

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "softmax_ce", "schema_version": 3}
def softmax(Z):
    """Row-wise softmax. Shapes: Z (n_samples, n_classes) -> (n_samples, n_classes), rows sum to 1."""
    ### BEGIN SOLUTION
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
    ### END SOLUTION


def cross_entropy_from_logits(Z, Y):
    """Mean over samples of -sum_k Y log softmax(Z), computed stably.

    Shapes: Z, Y (n_samples, n_classes), Y one-hot -> float.
    """
    ### BEGIN SOLUTION
    peak = Z.max(axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(Z - peak), axis=1)) + peak[:, 0]
    return float(np.mean(log_sum - np.sum(Y * Z, axis=1)))
    ### END SOLUTION


def cross_entropy_gradient(Z, Y):
    """dL/dZ of cross_entropy_from_logits, entry by entry. Shapes: Z, Y (n, K) -> (n, K)."""
    ### BEGIN SOLUTION
    return (softmax(Z) - Y) / Z.shape[0]
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "softmax_ce_tests", "points": 3, "schema_version": 3}
Z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
_SOFTMAX_HINT = "exponentiate, then divide each row by its own sum (axis=1, keepdims=True)"
_CE_HINT = "average over the 2 samples, not over all 6 entries"
_CE_GRADIENT_HINT = "d/dz_ik of log sum_j e^z_ij is a softmax entry; the mean is over the n samples (rows)"
check_close("softmax(Z)", checked_call("softmax(Z)", softmax, Z, hint=_SOFTMAX_HINT),
            np.array([[0.6590011389, 0.2424329707, 0.0985658904], [0.1161145347, 0.8579768106, 0.0259086547]]),
            hint=_SOFTMAX_HINT)
_P = checked_call("softmax of scores 1000, 0, -1000", softmax, np.array([[1000.0, 0.0, -1000.0]]),
                  hint="subtract each row's maximum before np.exp")
check_true("softmax of scores 1000, 0, -1000 is finite", bool(np.all(np.isfinite(_P))),
           "it holds NaN or infinity: np.exp(1000) overflows", got=_P, expected="[[1, 0, 0]], or nearly",
           hint="subtract each row's maximum before np.exp")
check_close("cross_entropy_from_logits(Z, Y)",
            checked_call("cross_entropy_from_logits(Z, Y)", cross_entropy_from_logits, Z, Y, hint=_CE_HINT),
            2.0351041117, hint=_CE_HINT)
check_gradient("cross_entropy_gradient(Z, Y)", lambda S: cross_entropy_from_logits(S, Y), Z,
               checked_call("cross_entropy_gradient(Z, Y)", cross_entropy_gradient, Z, Y, hint=_CE_GRADIENT_HINT),
               hint=_CE_GRADIENT_HINT)
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(203)
S = rng.normal(size=(5, 4)) * 50
T = np.eye(4)[rng.integers(0, 4, size=5)]
shifted = S - S.max(axis=1, keepdims=True)
P = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
check_close("softmax of large scores", softmax(S), P, hint="subtract each row's maximum before np.exp")
check_close("cross_entropy_from_logits of large scores", cross_entropy_from_logits(S, T),
            float(np.mean(-np.sum(T * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))), axis=1))),
            hint="log-sum-exp with each row's maximum taken out first; a mean over the 5 samples")
check_close("cross_entropy_gradient of large scores", cross_entropy_gradient(S, T), (P - T) / 5,
            hint=_CE_GRADIENT_HINT)
### END HIDDEN TESTS

# %% [markdown]
# **Try it.** A confident wrong answer costs far more than a hesitant one: compare the loss of
# scores that favour the wrong class a little and a lot.

# %%
Y_one = np.array([[1.0, 0.0]])
for wrong_score in (0.5, 2.0, 8.0):
    print(f"score of the wrong class {wrong_score:3.1f}:  loss = "
          f"{cross_entropy_from_logits(np.array([[0.0, wrong_score]]), Y_one):.4f}")

# %% [markdown]
# ## Part 4: predict before you compute (2 points)
#
# Two questions about the cross-entropy, to answer on paper first. Each answer is a small
# function, so that it holds for every case; the grader asks it about cases it picks.
#
# **A.** A classifier with $k$ classes has not learnt anything yet: its scores are all equal.
# What is its cross-entropy, on any sample? Write `uniform_guess_loss(k)`, a float, for any
# $k \ge 2$. (1 point)
#
# **B.** A sample's cross-entropy is `loss`. After one training step the network gives that
# sample's true class `factor` times the probability it gave before (a `factor` above 1 means
# more). What is the sample's loss now? Write `loss_after_scaling(loss, factor)`, a float.
# (1 point)
#
# The test cell checks only the form of your answers; the grader checks the values.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "predictions", "schema_version": 3}
def uniform_guess_loss(k):
    """Cross-entropy of a classifier whose k scores are all equal. k: an int >= 2 -> float."""
    ### BEGIN SOLUTION
    return float(np.log(k))
    ### END SOLUTION


def loss_after_scaling(loss, factor):
    """A sample's cross-entropy after the probability of its true class is multiplied by factor.

    loss: the cross-entropy before (a float >= 0); factor: a positive float -> float.
    """
    ### BEGIN SOLUTION
    return float(loss - np.log(factor))
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "predictions_tests", "points": 2, "schema_version": 3}
_guess = checked_call("uniform_guess_loss(10)", uniform_guess_loss, 10,
                      hint="equal scores: what probability does softmax give each of the k classes?")
check_true("uniform_guess_loss(10) is one positive number",
           np.ndim(_guess) == 0 and isinstance(_guess, (int, float, np.number)) and _guess > 0,
           "a loss is one number, above 0 for any guess that is not certain", got=_guess,
           expected="one number above 0", hint="a loss is one number, and a guess that is not certain costs more than 0")
_after = checked_call("loss_after_scaling(1.2, 0.5)", loss_after_scaling, 1.2, 0.5,
                      hint="the loss is -log p of the true class")
check_true("loss_after_scaling(1.2, 0.5) is one number", np.ndim(_after) == 0,
           "the loss of one sample is one number", got=_after, expected="one float",
           hint="return a single float: the new loss")
### BEGIN HIDDEN TESTS
check_close("A: uniform_guess_loss(10)", uniform_guess_loss(10), 2.302585093,
            hint="equal scores give every class the probability 1/k; the loss is -log of the true class's")
check_close("A: uniform_guess_loss(2) and (1000)", [uniform_guess_loss(2), uniform_guess_loss(1000)],
            [np.log(2.0), np.log(1000.0)], hint="the true class gets the probability 1/k whatever k is")
check_close("B: loss_after_scaling(1.2, 0.5)", loss_after_scaling(1.2, 0.5), 1.2 + np.log(2.0),
            hint="the loss is -log p: multiplying p by a factor adds -log(factor) to the loss")
check_close("B: loss_after_scaling(2.5, 4) and (0.1, 1.05)", [loss_after_scaling(2.5, 4.0), loss_after_scaling(0.1, 1.05)],
            [2.5 - np.log(4.0), 0.1 - np.log(1.05)], hint="a factor above 1 lowers the loss by log(factor)")
### END HIDDEN TESTS
