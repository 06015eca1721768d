"""Grading spec of ex02_losses: MSE, binary and categorical cross-entropy with gradients, predictions (10 points).

Part 4 is a concept item: the cross-entropy of a uniform guess and the effect on the loss of scaling the true
class's probability, asked on cases drawn afresh, each wrong answer explained by the slip it looks like.
"""

import numpy as np

from course_tools.grader.spec import Spec, call, single_number

# The exercise is writing the losses: the library's losses and activations are off limits while grading, and so
# is the network, whose loss and backward compute every loss and gradient here (a one-layer identity MLP).
SPEC = Spec("ex02_losses", learner_writes=("activations", "losses", "numerical gradients"))
mse = SPEC.part("mse_tests", "Part 1: mean squared error")
bce = SPEC.part("bce_tests", "Part 2: binary cross-entropy")
softmax_ce = SPEC.part("softmax_ce_tests", "Part 3: softmax and cross-entropy")
predictions = SPEC.part("predictions_tests", "Part 4: predict before you compute")

MSE_Y_HAT, MSE_Y = np.array([[0.9], [0.2], [0.6]]), np.array([[1.0], [0.0], [1.0]])
BCE_Z, BCE_Y = np.array([[2.0], [-1.0], [0.0]]), np.array([[1.0], [0.0], [1.0]])
CE_Z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
CE_Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def _one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


def _pair(rng, shape):
    return rng.normal(size=shape), rng.normal(size=shape)


@mse.check(
    "mse_loss on the test cell's example and a random batch",
    points=0.5,
    hint="square the errors, then average over every entry",
)
def mse_example(rng):
    return [call("mse_loss", MSE_Y_HAT, MSE_Y), call("mse_loss", *_pair(rng, (3, 1)))]


@mse.check(
    "mse_gradient on the test cell's example and a random batch",
    points=0.5,
    hint="differentiate (y_hat - y)^2 / N by one entry y_hat; N counts every entry",
)
def mse_gradient_example(rng):
    return [call("mse_gradient", MSE_Y_HAT, MSE_Y), call("mse_gradient", *_pair(rng, (3, 1)))]


@mse.check(
    "mse_loss and mse_gradient on random batches",
    points=1,
    hidden=True,
    hint="N counts every entry (samples times outputs), not only the samples",
)
def mse_random(rng):
    probes = []
    for shape in [(4, 3), (1, 1), (6, 2)]:
        P, T = rng.normal(size=shape), rng.normal(size=shape)
        probes += [call("mse_loss", P, T), call("mse_gradient", P, T)]
    return probes


@bce.check(
    "bce_from_logits on the test cell's example and a random batch",
    points=1,
    hint="average softplus(z) - y z over all entries; softplus(0) = log 2",
)
def bce_example(rng):
    Z, Y = rng.normal(size=(3, 1)) * 2, rng.integers(0, 2, size=(3, 1)).astype(float)
    return [call("bce_from_logits", BCE_Z, BCE_Y), call("bce_from_logits", Z, Y)]


@bce.check(
    "bce_from_logits stays finite for scores far from 0",
    points=1,
    hidden=True,
    hint="softplus(z) = max(z, 0) + log(1 + exp(-|z|)) never overflows",
)
def bce_stable(rng):
    Z = rng.uniform(200, 1000, size=(4, 1)) * np.array([[1.0], [-1.0], [1.0], [-1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return [call("bce_from_logits", Z, Y), call("bce_from_logits", np.array([[1000.0], [-1000.0]]), Y[:2])]


@bce.check(
    "bce_gradient_from_logits on random batches, including large scores",
    points=1,
    hidden=True,
    hint="d/dz log(1 + e^z) = e^z / (1 + e^z), computed without overflow; keep the 1/N of the mean",
)
def bce_gradient_random(rng):
    probes = []
    for shape, scale in [((3, 1), 1.0), ((4, 2), 3.0), ((2, 3), 300.0)]:
        Z, Y = rng.normal(size=shape) * scale, rng.integers(0, 2, size=shape).astype(float)
        probes.append(call("bce_gradient_from_logits", Z, Y))
    probes.append(call("bce_gradient_from_logits", BCE_Z, BCE_Y))
    return probes


@softmax_ce.check(
    "softmax on the test cell's example, on huge scores and on random scores",
    points=0.5,
    hint="subtract each row's maximum, exponentiate, divide by the row's sum",
)
def softmax_example(rng):
    return [
        call("softmax", CE_Z),
        call("softmax", np.array([[1000.0, 0.0, -1000.0], [5.0, 5.0, 5.0]])),
        call("softmax", rng.normal(size=(2, 3)) * 2),
    ]


@softmax_ce.check(
    "cross_entropy_from_logits on the test cell's example and a random batch",
    points=0.5,
    hint="average over the samples (rows), not over every entry",
)
def ce_example(rng):
    return [
        call("cross_entropy_from_logits", CE_Z, CE_Y),
        call("cross_entropy_from_logits", rng.normal(size=(2, 3)) * 2, _one_hot(rng, 2, 3)),
    ]


@softmax_ce.check(
    "cross_entropy_gradient on the test cell's example and a random batch",
    points=1,
    hint="d/dz of log sum_j e^z_j is a softmax entry; divide by the number of samples",
)
def ce_gradient_example(rng):
    return [
        call("cross_entropy_gradient", CE_Z, CE_Y),
        call("cross_entropy_gradient", rng.normal(size=(2, 3)) * 2, _one_hot(rng, 2, 3)),
    ]


@softmax_ce.check(
    "softmax, cross-entropy and its gradient on random large scores",
    points=1,
    hidden=True,
    hint="take each row's maximum out before any exp, in the loss as well as in softmax",
)
def ce_random(rng):
    probes = []
    for n, k, scale in [(1, 2, 1.0), (5, 4, 50.0), (3, 10, 400.0)]:
        Z, Y = rng.normal(size=(n, k)) * scale, _one_hot(rng, n, k)
        probes += [call("softmax", Z), call("cross_entropy_from_logits", Z, Y), call("cross_entropy_gradient", Z, Y)]
    return probes


# ---------------------------------------------------------------- part 4
def _close(a, b):
    return abs(a - b) <= 1e-9 + 1e-7 * abs(b)


def guess_slips(k):
    """(wrong value, advice) for the usual slips about a uniform guess over k classes."""
    return [
        (np.log2(k), "that is log base 2; the course's losses use the natural log, np.log"),
        (np.log10(k), "that is log base 10; the course's losses use the natural log, np.log"),
        (1.0 / k, "1/k is the probability each class gets; the loss is minus its log"),
        (1.0 - 1.0 / k, "1 - 1/k is the probability given to the wrong classes; the loss is -log of the true one's"),
        (k * np.log(k), "only the true class's term counts (the one-hot target zeroes the others): no sum over k"),
        (np.log(k) / k, "the one-hot target keeps one term, -log(1/k), and nothing divides it by k"),
        (0.0, "equal scores are a guess, not a right answer: the true class gets only 1/k"),
    ]


def _guess_feedback(got, expected, probe):
    value = single_number(got)
    if value is None:
        return "expected one finite number, the loss"
    if _close(value, expected):
        return None
    k = probe.inputs["_arg0"]
    said = f"with k = {k} the loss is {expected:.4g}, not {value:.4g}"
    for wrong, advice in guess_slips(k):
        if _close(value, wrong):
            return f"{said}: {advice}"
    return f"{said}: equal scores give each class the probability 1/k"


def scaling_slips(loss, factor):
    """(wrong value, advice) for the usual slips about scaling the true class's probability."""
    return [
        (loss + np.log(factor), "sign: more probability on the true class must LOWER the loss; the loss is -log p"),
        (loss * factor, "the loss is -log p, so a factor on p is a term added to the loss, not a factor on it"),
        (loss / factor, "the loss is -log p, so a factor on p is a term added to the loss, not a divisor"),
        (loss - factor, "the loss changes by -log(factor), not by the factor itself"),
        (loss - np.log10(factor), "the course's losses use the natural log, np.log"),
        (-np.log(factor), "the old loss is still there: -log(factor p) = -log p - log(factor)"),
    ]


def _scaling_feedback(got, expected, probe):
    value = single_number(got)
    if value is None:
        return "expected one finite number, the new loss"
    if _close(value, expected):
        return None
    loss, factor = probe.inputs["_arg0"], probe.inputs["_arg1"]
    said = f"from {loss:.4g} with the factor {factor:.4g} the loss becomes {expected:.4g}, not {value:.4g}"
    for wrong, advice in scaling_slips(loss, factor):
        if _close(value, wrong):
            return f"{said}: {advice}"
    return f"{said}: the loss is -log p of the true class"


@predictions.check(
    "A: uniform_guess_loss for 10 classes and for random numbers of classes",
    points=1,
    hidden=True,
    compare=_guess_feedback,
    hint="lesson 2, 'Categorical cross-entropy, with softmax': equal scores, equal probabilities",
)
def guess_prediction(rng):
    return [call("uniform_guess_loss", 10)] + [
        call("uniform_guess_loss", int(k)) for k in (rng.integers(2, 6), rng.integers(6, 100), rng.integers(100, 5000))
    ]


def _scaling_case(rng, more):
    """(loss, factor) with the new probability at most 1: factor <= e^loss."""
    loss = float(rng.uniform(0.3, 5.0))
    factor = float(rng.uniform(1.05, min(np.exp(loss), 20.0))) if more else float(rng.uniform(0.01, 0.95))
    return loss, factor


@predictions.check(
    "B: loss_after_scaling for random losses, the probability scaled down and up",
    points=1,
    hidden=True,
    compare=_scaling_feedback,
    hint="lesson 2, 'A confident wrong answer': what does a factor of 10 on p do to -log p?",
)
def scaling_prediction(rng):
    return [call("loss_after_scaling", 1.2, 0.5)] + [
        call("loss_after_scaling", *_scaling_case(rng, more)) for more in (False, True, False, True)
    ]
