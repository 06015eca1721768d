"""Grading spec of ex08_initialization: the steady scale derived, its effect predicted and measured, the symmetric starts.

Parts 1, 2 and the zero start of Part 4 are concept items: a derivation and predictions,
graded on cases drawn afresh (hidden until grades are published), each failure explained
with the slip it looks like. Part 3 and the rest of Part 4 grade the learner's own forward
pass, backward pass and training loop. ``MLP``, ``train``, the losses and every library
route that would compute for them are blocked.
"""

import numpy as np

from course_lib.exercises import explain_mismatch
from course_tools.grader.spec import Spec, call, probe, single_number

SPEC = Spec(
    "ex08_initialization",
    learner_writes=(
        "forward pass",
        "backward pass",
        "losses",
        "initialisation",
        "numerical gradients",
        "training loop",
    ),
)

PREDICTION_RTOL = 0.02


def _first_match(value, candidates, rtol=1e-6):
    """The advice of the first (value, advice) candidate that ``value`` equals within rtol, else None."""
    for candidate, advice in candidates:
        if np.isfinite(candidate) and candidate != 0 and abs(value / candidate - 1) <= rtol:
            return advice
    return None


# ---------------------------------------------------------------- part 1
derivation = SPEC.part("derivation_tests", "Part 1: derive the steady scale")


def _std_feedback(got, expected, probe):
    """Exact up to rounding; otherwise name the slip: Xavier's n_out, the identity's 1/n_in, the variance, ..."""
    value = single_number(got)
    if value is None:
        return "expected one finite number, a standard deviation"
    if abs(value / expected - 1) <= 1e-6:
        return None
    n_in, n_out, slope = probe.inputs["_arg0"], probe.inputs["_arg1"], probe.inputs["_arg2"]
    advice = _first_match(
        value,
        [
            (
                np.sqrt(2 / (n_in + n_out)),
                "that is Xavier's compromise between forward and backward; keeping E[z^2] "
                "steady forward needs n_in only",
            ),
            (np.sqrt(2 / n_out), "the sum of one unit runs over its n_in inputs, not over the n_out units"),
            (np.sqrt(1 / n_in), "that keeps E[z^2] steady for the identity; ReLU passes on only half of E[z^2]"),
            (np.sqrt(2 / n_in), "that is He's ReLU scale: a leaky unit's negative half passes on slope^2 of its share"),
            (
                np.sqrt(2 / ((1 + slope) * n_in)),
                "the negative half passes on slope^2 times its share of E[z^2], not slope times",
            ),
            (expected**2, "that is the variance; return the standard deviation"),
        ],
    )
    return f"got {value:.6g}, expected {expected:.6g}" + (
        f": {advice}"
        if advice
        else ": write E[z^2] of this layer from E[a^2] of the layer before, and E[a^2] from E[z^2]"
    )


def _sizes(rng):
    return int(rng.integers(1, 2001)), int(rng.integers(1, 2001))


@derivation.check(
    "steady_std for ReLU (negative_slope 0) at random layer sizes",
    points=1,
    hidden=True,
    compare=_std_feedback,
    hint="lesson 8, 'Xavier/Glorot and He': E[z^2] of a layer from E[a^2] of the layer before, and "
    "E[a^2] from E[z^2] through the unit",
)
def std_relu(rng):
    return [call("steady_std", *_sizes(rng), 0.0) for _ in range(3)]


@derivation.check(
    "steady_std for leaky ReLU slopes between 0.1 and 0.9 at random layer sizes",
    points=1,
    hidden=True,
    compare=_std_feedback,
    hint="lesson 8, 'Xavier/Glorot and He': E[z^2] of a layer from E[a^2] of the layer before, and "
    "E[a^2] from E[z^2] through the unit",
)
def std_leaky(rng):
    return [call("steady_std", *_sizes(rng), float(rng.uniform(0.1, 0.9))) for _ in range(3)]


@derivation.check(
    "steady_std for the identity (slope 1), random slopes, and layers of 1 input",
    points=1,
    hidden=True,
    compare=_std_feedback,
    hint="lesson 8, 'Xavier/Glorot and He': E[z^2] of a layer from E[a^2] of the layer before, and "
    "E[a^2] from E[z^2] through the unit",
)
def std_mixed(rng):
    return [
        call("steady_std", *_sizes(rng), 1.0),
        call("steady_std", 1, int(rng.integers(1, 100)), 0.0),
        call("steady_std", *_sizes(rng), float(rng.uniform(0.0, 1.0))),
    ]


# ---------------------------------------------------------------- part 2
prediction = SPEC.part("prediction_tests", "Part 2: predict what a scale does")


def xavier(sizes):
    return [float(np.sqrt(2 / (n_in + n_out))) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _moments_feedback(got, expected, probe):
    problem = explain_mismatch(got, expected, rtol=PREDICTION_RTOL, atol=0.0)
    if problem is None:
        return None
    sizes, stds = probe.inputs["_arg0"], probe.inputs["_arg1"]
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return problem
    if got.shape != np.shape(expected):
        return problem
    alternatives = {
        "E[a^2] is half of E[z^2] through ReLU; your factors leave the halving out": np.cumprod(
            [1.0] + [sizes[l] * stds[l] ** 2 for l in range(1, len(stds))]
        ),
        "layer l+1 sums over its n_l inputs, not over its own n_(l+1) units": np.cumprod(
            [1.0] + [sizes[l + 1] * stds[l] ** 2 / 2 for l in range(1, len(stds))]
        ),
        "entry l-1 is E[(Z^l)^2] relative to layer 1, so the factors of the layers before l multiply": np.array(
            [1.0] + [sizes[l] * stds[l] ** 2 / 2 for l in range(1, len(stds))]
        ),
    }
    for advice, alternative in alternatives.items():
        if explain_mismatch(got, alternative, rtol=1e-6, atol=1e-12) is None:
            return f"{problem}: {advice}"
    return problem


@prediction.check(
    "predicted_moments of Xavier-drawn ReLU networks of equal widths (8 to 512) and random depths",
    points=1,
    hidden=True,
    compare=_moments_feedback,
    hint="lesson 8, 'Xavier/Glorot and He': E[z^2] of one layer from E[a^2] of the layer before",
)
def moments_xavier_equal(rng):
    probes = []
    for _ in range(2):
        sizes = [int(rng.integers(8, 513))] * int(rng.integers(3, 9))
        probes.append(call("predicted_moments", sizes, xavier(sizes)))
    return probes


@prediction.check(
    "predicted_moments of Xavier-drawn ReLU networks of random widths",
    points=1,
    hidden=True,
    compare=_moments_feedback,
    hint="Xavier's variance depends on n_in and n_out; which of them does E[z^2] forward depend on?",
)
def moments_xavier_widths(rng):
    probes = []
    for _ in range(2):
        sizes = [int(n) for n in rng.integers(2, 513, size=int(rng.integers(3, 9)))]
        probes.append(call("predicted_moments", sizes, xavier(sizes)))
    return probes


@prediction.check(
    "predicted_moments of ReLU networks with random standard deviations per layer",
    points=1,
    hidden=True,
    compare=_moments_feedback,
    hint="one layer multiplies E[z^2] by n_in sigma^2 times what ReLU keeps of it",
)
def moments_random(rng):
    probes = []
    for _ in range(2):
        sizes = [int(n) for n in rng.integers(2, 300, size=int(rng.integers(2, 8)))]
        probes.append(call("predicted_moments", sizes, [float(s) for s in rng.uniform(0.01, 0.5, size=len(sizes) - 1)]))
    return probes


# ---------------------------------------------------------------- part 3
measurement = SPEC.part("measurement_tests", "Part 3: measure it")


@measurement.check(
    "second_moments of the 2-1-1 example and of random networks (biases, slopes 0 to 1, batches of 1 to 30)",
    points=1,
    rtol=1e-7,
    atol=1e-12,
    hint="Z^l = A^(l-1) (W^l)^T + b^l with the leaky ReLU between hidden layers; E[(Z^l)^2] is the mean "
    "of every entry squared",
)
def moments_measured(rng):
    probes = [
        call(
            "second_moments",
            [np.array([[1.0, -1.0]]), np.array([[2.0]])],
            [np.zeros(1), np.array([1.0])],
            np.array([[3.0, 1.0], [1.0, 3.0]]),
            0.5,
        )
    ]
    for slope in (0.0, float(rng.uniform(0, 1)), 1.0):
        sizes = [int(n) for n in rng.integers(1, 9, size=int(rng.integers(2, 6)))]
        weights = [rng.normal(0, 0.7, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
        biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
        probes.append(
            call("second_moments", weights, biases, rng.normal(size=(int(rng.integers(1, 31)), sizes[0])), slope)
        )
    return probes


# ---------------------------------------------------------------- part 4
symmetry = SPEC.part("symmetry_tests", "Part 4: the symmetric starts")


def _targets(rng, balanced):
    """0/1 targets (n, 1): half of each class when balanced, otherwise a mean other than 1/2."""
    n = int(rng.integers(2, 7)) * 2 if balanced else int(rng.integers(3, 13))
    while True:
        Y = np.zeros((n, 1))
        Y[rng.permutation(n)[: n // 2 if balanced else int(rng.integers(0, n + 1))]] = 1.0
        if balanced or abs(Y.mean() - 0.5) > 0.05:
            return Y


def _zero_start_feedback(got, expected, probe):
    problem = explain_mismatch(got, expected, atol=1e-12)
    if problem is None:
        return None
    hidden = probe.inputs["_arg0"]
    try:
        grad_W1, grad_W2 = (np.asarray(g, dtype=float) for g in got)
    except (TypeError, ValueError):
        return problem
    if grad_W1.shape == expected[0].shape and np.any(grad_W1 != 0):
        return f"{problem}: W^2 = 0 multiplies every hidden unit's error term, so dL/dW^1 is 0 whatever the activation"
    if hidden == "sigmoid":
        return (
            f"{problem}: a sigmoid unit outputs 1/2 at z = 0, so every entry of dL/dW^2 is 1/2 times the sum of "
            "the output error terms (sigmoid(0) - y)/n: zero only when the classes balance"
        )
    return f"{problem}: {hidden}(0) = 0, so the hidden outputs that dL/dW^2 multiplies are all 0"


@symmetry.check(
    "zero_start_gradients with tanh units, and with sigmoid units and unbalanced targets",
    points=1,
    hidden=True,
    compare=_zero_start_feedback,
    hint="lesson 8, 'All-zero weights': which factor of each gradient is zero at the start?",
)
def zero_start_tanh_sigmoid(rng):
    return [
        call(
            "zero_start_gradients",
            "tanh",
            int(rng.integers(1, 5)),
            int(rng.integers(2, 8)),
            _targets(rng, bool(rng.integers(0, 2))),
        ),
        call("zero_start_gradients", "sigmoid", int(rng.integers(1, 5)), int(rng.integers(2, 8)), _targets(rng, False)),
    ]


@symmetry.check(
    "zero_start_gradients with ReLU units, and with sigmoid units and balanced or unbalanced targets",
    points=1,
    hidden=True,
    compare=_zero_start_feedback,
    hint="lesson 8, 'All-zero weights': which factor of each gradient is zero at the start?",
)
def zero_start_relu_sigmoid(rng):
    return [
        call("zero_start_gradients", "relu", int(rng.integers(1, 5)), int(rng.integers(2, 8)), _targets(rng, False)),
        call("zero_start_gradients", "sigmoid", int(rng.integers(1, 5)), int(rng.integers(2, 8)), _targets(rng, True)),
        call("zero_start_gradients", "sigmoid", int(rng.integers(1, 5)), int(rng.integers(2, 8)), _targets(rng, False)),
    ]


_UNCHANGED = """spread_after_steps(W1, b1, W2, b2, X, Y, hidden, steps, rate)
result = [W1, b1, W2, b2]"""


def _one_hidden(rng, equal):
    h, n_in = int(rng.integers(2, 7)), int(rng.integers(1, 4))
    if equal:
        value = float(rng.uniform(-1.0, 1.0))
        return [np.full((h, n_in), value), np.full(h, float(rng.normal())), np.full((1, h), value), np.zeros(1)]
    return [
        rng.normal(0, 0.5, size=(h, n_in)),
        rng.normal(0, 0.1, size=h),
        rng.normal(0, 0.5, size=(1, h)),
        rng.normal(0, 0.1, size=1),
    ]


@symmetry.check(
    "spread_after_steps from equal starts (stays 0) and from random ones (the expected spread), every "
    "activation, and the starting arrays left unchanged",
    points=1,
    rtol=1e-6,
    atol=1e-12,
    hint="sigmoid output with the binary cross-entropy averaged over the samples; take `steps` full-batch "
    "steps on copies of the parameters, then return row_spread of dL/dW^1 at the parameters reached",
)
def spread(rng):
    probes = []
    for hidden, equal in (
        ("tanh", True),
        ("sigmoid", True),
        ("relu", True),
        ("tanh", False),
        ("sigmoid", False),
        ("relu", False),
    ):
        start = _one_hidden(rng, equal)
        X = rng.normal(size=(int(rng.integers(3, 9)), start[0].shape[1]))
        Y = (rng.random(size=(len(X), 1)) < 0.5).astype(float)
        probes.append(
            call("spread_after_steps", *start, X, Y, hidden, int(rng.integers(0, 31)), float(rng.uniform(0.1, 1.0)))
        )
    start = _one_hidden(rng, False)
    X = rng.normal(size=(5, start[0].shape[1]))
    probes.append(
        probe(
            _UNCHANGED,
            W1=start[0],
            b1=start[1],
            W2=start[2],
            b2=start[3],
            X=X,
            Y=(rng.random(size=(5, 1)) < 0.5).astype(float),
            hidden="tanh",
            steps=3,
            rate=0.5,
        ).describe("the starting arrays after spread_after_steps(..., steps=3)")
    )
    return probes
