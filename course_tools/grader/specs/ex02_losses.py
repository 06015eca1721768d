"""Grading spec of ex02_losses: MSE, binary and categorical cross-entropy with gradients (10 points)."""
import numpy as np

from course_tools.grader.spec import Spec, call

# The exercise is writing the losses: the library's losses and activations are off limits while grading.
SPEC = Spec("ex02_losses", forbidden=["course_lib.losses", "course_lib.activations"])
mse = SPEC.part("mse_tests", "Part 1: mean squared error")
bce = SPEC.part("bce_tests", "Part 2: binary cross-entropy")
softmax_ce = SPEC.part("softmax_ce_tests", "Part 3: softmax and cross-entropy")

MSE_Y_HAT, MSE_Y = np.array([[0.9], [0.2], [0.6]]), np.array([[1.0], [0.0], [1.0]])
BCE_Z, BCE_Y = np.array([[2.0], [-1.0], [0.0]]), np.array([[1.0], [0.0], [1.0]])
CE_Z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
CE_Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def _one_hot(rng, n, k):
    return np.eye(k)[rng.integers(0, k, size=n)]


def _pair(rng, shape):
    return rng.normal(size=shape), rng.normal(size=shape)


@mse.check("mse_loss on the test cell's example and a random batch", points=1,
           hint="square the errors, then average over every entry")
def mse_example(rng):
    return [call("mse_loss", MSE_Y_HAT, MSE_Y), call("mse_loss", *_pair(rng, (3, 1)))]


@mse.check("mse_gradient on the test cell's example and a random batch", points=1,
           hint="differentiate (y_hat - y)^2 / N by one entry y_hat; N counts every entry")
def mse_gradient_example(rng):
    return [call("mse_gradient", MSE_Y_HAT, MSE_Y), call("mse_gradient", *_pair(rng, (3, 1)))]


@mse.check("mse_loss and mse_gradient on random batches", points=1, hidden=True,
           hint="N counts every entry (samples times outputs), not only the samples")
def mse_random(rng):
    probes = []
    for shape in [(4, 3), (1, 1), (6, 2)]:
        P, T = rng.normal(size=shape), rng.normal(size=shape)
        probes += [call("mse_loss", P, T), call("mse_gradient", P, T)]
    return probes


@bce.check("bce_from_logits on the test cell's example and a random batch", points=1,
           hint="average softplus(z) - y z over all entries; softplus(0) = log 2")
def bce_example(rng):
    Z, Y = rng.normal(size=(3, 1)) * 2, rng.integers(0, 2, size=(3, 1)).astype(float)
    return [call("bce_from_logits", BCE_Z, BCE_Y), call("bce_from_logits", Z, Y)]


@bce.check("bce_from_logits stays finite for scores far from 0", points=1, hidden=True,
           hint="softplus(z) = max(z, 0) + log(1 + exp(-|z|)) never overflows")
def bce_stable(rng):
    Z = rng.uniform(200, 1000, size=(4, 1)) * np.array([[1.0], [-1.0], [1.0], [-1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return [call("bce_from_logits", Z, Y), call("bce_from_logits", np.array([[1000.0], [-1000.0]]), Y[:2])]


@bce.check("bce_gradient_from_logits on random batches, including large scores", points=1, hidden=True,
           hint="d/dz log(1 + e^z) = e^z / (1 + e^z), computed without overflow; keep the 1/N of the mean")
def bce_gradient_random(rng):
    probes = []
    for shape, scale in [((3, 1), 1.0), ((4, 2), 3.0), ((2, 3), 300.0)]:
        Z, Y = rng.normal(size=shape) * scale, rng.integers(0, 2, size=shape).astype(float)
        probes.append(call("bce_gradient_from_logits", Z, Y))
    probes.append(call("bce_gradient_from_logits", BCE_Z, BCE_Y))
    return probes


@softmax_ce.check("softmax on the test cell's example, on huge scores and on random scores", points=1,
                  hint="subtract each row's maximum, exponentiate, divide by the row's sum")
def softmax_example(rng):
    return [call("softmax", CE_Z), call("softmax", np.array([[1000.0, 0.0, -1000.0], [5.0, 5.0, 5.0]])),
            call("softmax", rng.normal(size=(2, 3)) * 2)]


@softmax_ce.check("cross_entropy_from_logits on the test cell's example and a random batch", points=1,
                  hint="average over the samples (rows), not over every entry")
def ce_example(rng):
    return [call("cross_entropy_from_logits", CE_Z, CE_Y),
            call("cross_entropy_from_logits", rng.normal(size=(2, 3)) * 2, _one_hot(rng, 2, 3))]


@softmax_ce.check("cross_entropy_gradient on the test cell's example and a random batch", points=1,
                  hint="d/dz of log sum_j e^z_j is a softmax entry; divide by the number of samples")
def ce_gradient_example(rng):
    return [call("cross_entropy_gradient", CE_Z, CE_Y),
            call("cross_entropy_gradient", rng.normal(size=(2, 3)) * 2, _one_hot(rng, 2, 3))]


@softmax_ce.check("softmax, cross-entropy and its gradient on random large scores", points=1, hidden=True,
                  hint="take each row's maximum out before any exp, in the loss as well as in softmax")
def ce_random(rng):
    probes = []
    for n, k, scale in [(1, 2, 1.0), (5, 4, 50.0), (3, 10, 400.0)]:
        Z, Y = rng.normal(size=(n, k)) * scale, _one_hot(rng, n, k)
        probes += [call("softmax", Z), call("cross_entropy_from_logits", Z, Y), call("cross_entropy_gradient", Z, Y)]
    return probes
