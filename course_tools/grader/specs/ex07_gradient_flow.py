"""Grading spec of ex07_gradient_flow: predict the per-layer factor of the error term, measure it, explain a mismatch.

Parts 1 and 3 are concept items: predictions and explanations made from lesson 7's
argument, graded on scenarios drawn afresh (hidden until grades are published), each
failure explained. Part 2 grades the learner's own forward and backward passes on fresh
networks. ``MLP`` and every library route that would measure for them are blocked.
"""

import numpy as np

from course_tools.grader.spec import Spec, call, single_number

SPEC = Spec(
    "ex07_gradient_flow", learner_writes=("forward pass", "backward pass", "numerical gradients", "training loop")
)

# The typical slope a norm sees, sqrt(E[f'(z)^2]) for z symmetric about 0 and near it (the reference's rule).
TYPICAL_SLOPE = {
    "identity": 1.0,
    "relu": np.sqrt(0.5),
    "leaky_relu": np.sqrt((1 + 0.01**2) / 2),
    "sigmoid": 0.25,
    "tanh": 1.0,
}
PREDICTION_RTOL = 0.08

# Scenario regions for Part 3, each clearly one cause (tests/grader/test_exercise_ex07_gradient_flow.py measures them).
AS_PREDICTED = {
    "relu": (0.2, 4.0),
    "leaky_relu": (0.2, 4.0),
    "identity": (0.2, 4.0),
    "sigmoid": (0.2, 1.0),
    "tanh": (0.2, 0.6),
}


def _width(rng):
    return int(rng.integers(16, 129))


def as_predicted(rng, activation):
    """(activation, n, sigma, bias) whose measured factor stays within about 20% of the prediction."""
    n = _width(rng)
    low, high = AS_PREDICTED[activation]
    return activation, n, float(rng.uniform(low, high) / np.sqrt(n)), 0.0


def saturated(rng, activation, by):
    """A sigmoid or tanh scenario saturated by large weights (by="weights") or by a large bias (by="bias")."""
    n = _width(rng)
    if by == "weights":
        low, high = (3.0, 8.0) if activation == "tanh" else (8.0, 16.0)
        return activation, n, float(rng.uniform(low, high) / np.sqrt(n)), 0.0
    low, high = (2.5, 4.0) if activation == "tanh" else (4.0, 5.0)
    return activation, n, float(rng.uniform(0.2, 1.0) / np.sqrt(n)), float(rng.choice([-1, 1]) * rng.uniform(low, high))


def switched_off(rng):
    """A ReLU scenario whose negative biases switch most units off."""
    n = _width(rng)
    return "relu", n, float(rng.uniform(0.5, 1.5) / np.sqrt(n)), float(rng.uniform(-2.0, -1.0))


def _factor_feedback(got, expected, probe):
    """Accept a prediction within 8% of the rule; otherwise say which slip it looks like."""
    value = single_number(got)
    if value is None:
        return "expected one finite number, the factor per layer"
    ratio = value / expected
    if abs(ratio - 1) <= PREDICTION_RTOL:
        return None
    activation, n = probe.inputs["_arg0"], probe.inputs["_arg1"]
    said = f"your factor is {ratio:.3g} times the rule's {expected:.4g}"
    slips = [
        (
            np.sqrt(n),
            "you multiplied by sigma * n: a matrix of n random columns multiplies a typical vector's "
            "norm by sigma * sqrt(n)",
        ),
        (1 / np.sqrt(n), "the weights' gain is sigma * sqrt(n), not sigma"),
    ]
    if activation in ("relu", "leaky_relu"):
        slips += [
            (
                np.sqrt(0.5),
                "you used ReLU's mean slope 1/2; a norm adds up squares, so the typical slope is "
                "the root of the mean of f'(z)^2",
            ),
            (np.sqrt(2.0), "ReLU's slope is 1 on only about half the units and 0 on the rest"),
        ]
    elif activation == "sigmoid":
        slips += [(4.0, "an unsaturated sigmoid's slope is about 1/4, not 1")]
    elif activation == "tanh":
        slips += [(0.25, "tanh's slope near 0 is 1 (sigmoid's is 1/4)")]
    for factor, advice in slips:
        if abs(ratio / factor - 1) <= PREDICTION_RTOL:
            return f"{said}: {advice}"
    return f"{said}: one step back multiplies by the weights' gain on a typical vector and by the typical slope"


CAUSE_FEEDBACK = {
    "as predicted": "here every z stays where the slope is what the prediction assumed (ReLU's and the identity's "
    "slopes do not depend on the scale; small weights keep sigmoid and tanh near 0)",
    "saturated units": "large weights or a large bias put z far from 0, where sigmoid and tanh are flat: the typical "
    "slope is far below its value at 0",
    "units switched off": "a negative bias puts most ReLU units' z below 0 for most samples: slope 0 on far more "
    "than half the units, and whole layers die",
}


def _cause_feedback(got, expected, probe):
    if got == expected:
        return None
    if got not in CAUSE_FEEDBACK:
        return f"expected one of {tuple(CAUSE_FEEDBACK)}, got {got!r}"
    return f"this scenario is {expected!r}, not {got!r}: {CAUSE_FEEDBACK[expected]}"


# ---------------------------------------------------------------- part 1
predictions = SPEC.part("predictions_tests", "Part 1: predict")


@predictions.check(
    "predicted_factor for ReLU and leaky ReLU units at random widths and weight scales",
    points=1,
    hidden=True,
    compare=_factor_feedback,
    hint="lesson 7, 'What sets delta's factor': the weights' gain times the typical slope",
)
def factor_relu(rng):
    return [call("predicted_factor", *as_predicted(rng, name)[:3]) for name in ("relu", "relu", "leaky_relu")]


@predictions.check(
    "predicted_factor for sigmoid and tanh units at random widths and unsaturating weight scales",
    points=1,
    hidden=True,
    compare=_factor_feedback,
    hint="lesson 7, 'What sets delta's factor': which slope does an unsaturated unit have?",
)
def factor_sigmoid_tanh(rng):
    return [call("predicted_factor", *as_predicted(rng, name)[:3]) for name in ("sigmoid", "tanh", "sigmoid")]


@predictions.check(
    "predicted_factor for identity, ReLU and sigmoid units at random widths and weight scales",
    points=1,
    hidden=True,
    compare=_factor_feedback,
    hint="lesson 7, 'What sets delta's factor': the gain is the same for every activation, the slopes are not",
)
def factor_mixed(rng):
    return [call("predicted_factor", *as_predicted(rng, name)[:3]) for name in ("identity", "relu", "sigmoid")]


def _layer_count_case(rng):
    """(factor, ratio) whose answer is not within 1e-6 of a whole number (no rounding edge)."""
    while True:
        factor, ratio = float(rng.uniform(0.1, 0.95)), float(10 ** rng.uniform(-8, -0.5))
        exact = np.log(ratio) / np.log(factor)
        if abs(exact - round(exact)) > 1e-6:
            return factor, ratio


@predictions.check(
    "layers_until at random factors and ratios",
    points=1,
    hidden=True,
    hint="lesson 7, check your understanding 2: the factors multiply, so k layers give factor ** k; "
    "the answer is the smallest such k",
)
def layers(rng):
    return [call("layers_until", *_layer_count_case(rng)) for _ in range(4)]


# ---------------------------------------------------------------- part 2
measurements = SPEC.part("measurements_tests", "Part 2: measure")
_F = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}


def _network(rng, sizes, scale):
    weights = [rng.normal(0, scale, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    return weights, [rng.normal(0, 0.5, size=m) for m in sizes[1:]]


@measurements.check(
    "error_norms of the 2-2-1 identity example, and of a random 2-2-1 tanh network",
    points=1,
    rtol=1e-7,
    atol=1e-12,
    hint="lesson 6, 'Four equations, derived': Delta^l needs the weights of the layer above and the "
    "slope at this layer's own Z; the last entry is the norm of delta_out",
)
def errors_example(rng):
    weights, biases = _network(rng, [2, 2, 1], 0.8)
    return [
        call(
            "error_norms",
            [np.eye(2), np.array([[2.0, 0.0]])],
            [np.zeros(2), np.zeros(1)],
            np.array([[1.0, -1.0]]),
            np.array([[1.0]]),
            "identity",
        ),
        call("error_norms", weights, biases, rng.normal(size=(3, 2)), rng.normal(size=(3, 1)), "tanh"),
    ]


@measurements.check(
    "error_norms of random networks of 2 to 8 layers, every activation, batches of 1 to 20",
    points=1,
    hidden=True,
    rtol=1e-7,
    atol=1e-14,
    hint="run the forward pass to get every hidden Z^l, then go down from Delta^L to Delta^1",
)
def errors_random(rng):
    probes = []
    for depth, name in zip((1, 2, 4, 7, 3), ("tanh", "relu", "leaky_relu", "sigmoid", "identity")):
        sizes = [int(rng.integers(1, 6))] + [int(n) for n in rng.integers(2, 9, size=depth)] + [int(rng.integers(1, 4))]
        weights, biases = _network(rng, sizes, 0.8)
        batch = int(rng.integers(1, 21))
        probes.append(
            call(
                "error_norms",
                weights,
                biases,
                rng.normal(size=(batch, sizes[0])),
                rng.normal(size=(batch, sizes[-1])),
                name,
            )
        )
    return probes


def _dead_network(rng):
    """A ReLU network with negative biases, one hidden layer of zero weights (z exactly 0) at random."""
    sizes = [int(rng.integers(2, 5))] + [int(n) for n in rng.integers(3, 8, size=int(rng.integers(1, 4)))] + [1]
    weights = [rng.normal(size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(-1.0, 1.0, size=m) for m in sizes[1:]]
    if rng.random() < 0.5:
        layer = int(rng.integers(0, len(sizes) - 2))
        weights[layer][:] = 0.0
        biases[layer][:] = 0.0
    return weights, biases, rng.normal(size=(int(rng.integers(1, 10)), sizes[0]))


@measurements.check(
    "dead_units of the example (Z^1 = [[-1, 0.5, 0, -2], [-3, -0.1, 0, 4]]) and of random ReLU "
    "networks with negative biases, some with a layer whose z is exactly 0",
    points=1,
    hint="a unit is dead when no sample makes it output anything: a z of exactly 0 outputs 0 and has "
    "slope 0; one boolean array per hidden layer, not for the output layer",
)
def dead(rng):
    example = call(
        "dead_units",
        [np.eye(4), np.ones((1, 4))],
        [np.zeros(4), np.zeros(1)],
        np.array([[-1.0, 0.5, 0.0, -2.0], [-3.0, -0.1, 0.0, 4.0]]),
    )
    return [example] + [call("dead_units", *_dead_network(rng)) for _ in range(3)]


# ---------------------------------------------------------------- part 3
explanation = SPEC.part("explanation_tests", "Part 3: explain")


@explanation.check(
    "mismatch_cause for sigmoid and tanh scenarios, unsaturated and saturated",
    points=1,
    hidden=True,
    compare=_cause_feedback,
    hint="lesson 7: where do large weights or a large bias put z, and what is the slope there? Measure the "
    "scenario with your error_norms",
)
def causes_squashing(rng):
    cases = [
        as_predicted(rng, "tanh"),
        saturated(rng, "tanh", "weights"),
        as_predicted(rng, "sigmoid"),
        saturated(rng, "sigmoid", "bias"),
        saturated(rng, str(rng.choice(["sigmoid", "tanh"])), "bias"),
    ]
    return [call("mismatch_cause", *case) for case in cases]


@explanation.check(
    "mismatch_cause for ReLU scenarios with biases 0 and negative, and leaky ReLU and identity ones",
    points=1,
    hidden=True,
    compare=_cause_feedback,
    hint="lesson 7: where do large weights or a large bias put z, and what is the slope there? Measure the "
    "scenario with your error_norms",
)
def causes_relu(rng):
    cases = [
        as_predicted(rng, "relu"),
        switched_off(rng),
        switched_off(rng),
        as_predicted(rng, "leaky_relu"),
        as_predicted(rng, "identity"),
    ]
    return [call("mismatch_cause", *case) for case in cases]


@explanation.check(
    "mismatch_cause for random scenarios of every kind",
    points=1,
    hidden=True,
    compare=_cause_feedback,
    hint="lesson 7: where do large weights or a large bias put z, and what is the slope there? Measure the "
    "scenario with your error_norms",
)
def causes_mixed(rng):
    cases = [
        switched_off(rng),
        saturated(rng, "sigmoid", "weights"),
        saturated(rng, "tanh", "bias"),
        as_predicted(rng, str(rng.choice(list(AS_PREDICTED)))),
    ]
    return [call("mismatch_cause", *cases[i]) for i in rng.permutation(len(cases))]
