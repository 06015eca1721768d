"""Grading spec of ex03_gradient_descent: descent in 1-D and on a bowl, learning-rate regimes predicted and measured,
the number of steps predicted.

Part 4 is a concept item: how many steps descent needs to shrink its distance to the minimum, asked for
curvatures, rates and ratios drawn afresh on both sides of 1/k, each wrong answer explained by its slip.
"""

import numpy as np

from course_tools.grader.spec import Spec, call, code, single_number

# The learner writes the descent loop and the regimes: the library's descent loop (course_lib.lessons.descent),
# lesson 3's widget model (parabola_path, descent_regime), training and numerical gradients would do that work.
SPEC = Spec("ex03_gradient_descent", learner_writes=("descent", "numerical gradients", "training loop"))


def _bowl(rng, d):
    """A random symmetric positive-definite A (d, d) with curvatures in about [0.5, 5], and b (d,)."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = Q @ np.diag(rng.uniform(0.5, 5.0, size=d)) @ Q.T
    return (A + A.T) / 2, rng.normal(size=d)


# ---------------------------------------------------------------- part 1
descent_1d = SPEC.part("gradient_descent_1d_tests", "Part 1: gradient descent on a curve")


@descent_1d.check(
    "(x - 3)^2 with rate 0.1 and 3 steps, from 0 and from a random start",
    points=1,
    hint="return n_steps + 1 iterates, x0 first, each x - learning_rate * df(x)",
)
def descent_1d_example(rng):
    return [
        call("gradient_descent_1d", code("lambda x: 2 * (x - 3)"), 0.0, 0.1, 3),
        call("gradient_descent_1d", code("lambda x: 2 * (x - 3)"), float(rng.uniform(-5, 5)), 0.1, 3),
    ]


@descent_1d.check(
    "random quadratics and a quartic, random starts, rates and step counts (0 included)",
    points=0.5,
    hidden=True,
    rtol=1e-9,
    hint="x0 first, then x <- x - learning_rate * df(x) for each of the n_steps steps",
)
def descent_1d_random(rng):
    a, c = float(rng.uniform(0.5, 3.0)), float(rng.uniform(-4, 4))
    probes = [
        call(
            "gradient_descent_1d",
            code(f"lambda x: {2 * a!r} * (x - {c!r})"),
            float(rng.uniform(-5, 5)),
            float(rng.uniform(0.01, 0.4)),
            int(rng.integers(5, 30)),
        ),
        call(
            "gradient_descent_1d",
            code("lambda x: 4 * x ** 3 - 3.0"),
            float(rng.uniform(0.5, 1.5)),
            float(rng.uniform(0.005, 0.03)),
            int(rng.integers(10, 40)),
        ),
        call("gradient_descent_1d", code("lambda x: x"), float(rng.uniform(-1, 1)), 0.1, 0),
    ]
    return probes


@descent_1d.check(
    "a diverging run and a one-step run: large rates must be followed, not stopped",
    points=0.5,
    hidden=True,
    rtol=1e-9,
    hint="take exactly n_steps steps, whatever happens to x",
)
def descent_1d_regimes(rng):
    c = float(rng.uniform(-2, 2))
    return [
        call("gradient_descent_1d", code(f"lambda x: 4.0 * (x - {c!r})"), float(rng.uniform(-3, 3)), 0.7, 8),
        call("gradient_descent_1d", code(f"lambda x: 4.0 * (x - {c!r})"), float(rng.uniform(-3, 3)), 0.25, 3),
    ]


# ---------------------------------------------------------------- part 2
bowl = SPEC.part("bowl_tests", "Part 2: descent on a quadratic bowl")


@bowl.check(
    "bowl_gradient: the example and random bowls in 2-D and 3-D",
    points=0.5,
    hint="the gradient of 1/2 p^T A p - b^T p is A p - b",
)
def bowl_gradient_probes(rng):
    probes = [call("bowl_gradient", np.array([[3.0, 0.0], [0.0, 1.0]]), np.array([3.0, -1.0]), np.zeros(2))]
    for d in (2, 3):
        A, b = _bowl(rng, d)
        probes.append(call("bowl_gradient", A, b, rng.normal(size=d)))
    return probes


@bowl.check(
    "gradient_descent_2d: the example bowl with rate 0.1 and 2 steps, from (0, 0) and a random start",
    points=0.5,
    hint="return an array (n_steps + 1, d): row 0 is p0, each next row p - rate * (A p - b)",
)
def descent_2d_example(rng):
    A, b = np.array([[3.0, 0.0], [0.0, 1.0]]), np.array([3.0, -1.0])
    return [
        call("gradient_descent_2d", A, b, np.zeros(2), 0.1, 2),
        call("gradient_descent_2d", A, b, rng.normal(size=2), 0.1, 2),
    ]


@bowl.check(
    "gradient_descent_2d on random bowls in 2-D and 3-D",
    points=1,
    hidden=True,
    rtol=1e-9,
    hint="one row per iterate, p0 first; nothing in the update depends on the dimension",
)
def descent_2d_random(rng):
    probes = []
    for d in (2, 3):
        A, b = _bowl(rng, d)
        rate = float(rng.uniform(0.1, 1.0) / np.linalg.eigvalsh(A).max())
        probes.append(call("gradient_descent_2d", A, b, rng.normal(size=d), rate, int(rng.integers(5, 40))))
    return probes


# ---------------------------------------------------------------- part 3
regime = SPEC.part("regime_tests", "Part 3: will this learning rate work? Predict, then measure")


def _run(curvature, rate, start, minimum, steps=6):
    """Gradient descent's iterates on curvature/2 (x - minimum)^2, written out here (not the submission's)."""
    path = [start]
    for _ in range(steps):
        path.append(path[-1] - rate * curvature * (path[-1] - minimum))
    return np.array(path)


@regime.check(
    "regime_of_path on runs with curvature 4 and rates 0.1, 0.25, 0.4, 0.5, 0.6 from a random start",
    points=1,
    hint="signs and sizes of the distance to the minimum: same side or not, shrinking, equal or growing",
)
def path_examples(rng):
    start, minimum = float(rng.uniform(2, 4)), float(rng.uniform(-1, 1))
    return [call("regime_of_path", _run(4.0, rate, start, minimum), minimum) for rate in (0.1, 0.25, 0.4, 0.5, 0.6)]


@regime.check(
    "regime_of_path on random runs of every kind (boundaries with exact powers of two)",
    points=1,
    hidden=True,
    hint="compare sizes with np.isclose(rtol=1e-9, atol=0); a distance below 1e-12 of the first is 0",
)
def path_random(rng):
    k = float(2.0 ** rng.integers(-2, 4))  # rate x curvature exactly 1 or 2
    probes = [
        call("regime_of_path", _run(k, 1.0 / k, -1.5, 0.5), 0.5),
        call("regime_of_path", _run(k, 2.0 / k, 2.5, 0.5), 0.5),
    ]
    for low, high in ((0.05, 0.95), (1.05, 1.95), (2.05, 6.0)):
        curvature = float(rng.uniform(0.2, 10.0))
        minimum = float(rng.uniform(-3, 3))
        probes.append(
            call(
                "regime_of_path",
                _run(
                    curvature,
                    float(rng.uniform(low, high) / curvature),
                    minimum + float(rng.choice([-1, 1]) * rng.uniform(0.5, 3)),
                    minimum,
                ),
                minimum,
            )
        )
    return probes


@regime.check(
    "learning_rate_regime at curvature 4 for the five example rates, on the boundaries and at random",
    points=1,
    hidden=True,
    hint="one step multiplies the distance by 1 - rate x curvature: 0 lands, -1 bounces, below -1 grows",
)
def regime_predicted(rng):
    k = float(2.0 ** rng.integers(-2, 4))  # powers of two keep rate x curvature exact
    probes = [call("learning_rate_regime", 4.0, rate) for rate in (0.1, 0.25, 0.4, 0.5, 0.6)]
    probes += [call("learning_rate_regime", k, 1.0 / k), call("learning_rate_regime", k, 2.0 / k)]
    for low, high in ((0.05, 0.95), (1.05, 1.95), (2.05, 6.0)):
        curvature = float(rng.uniform(0.2, 10.0))
        probes.append(call("learning_rate_regime", curvature, float(rng.uniform(low, high) / curvature)))
    return probes


@regime.check(
    "largest_stable_learning_rate on the example and on random bowls",
    points=1,
    hidden=True,
    hint="2 divided by the LARGEST eigenvalue of A",
)
def stable_rate(rng):
    return [call("largest_stable_learning_rate", np.array([[3.0, 0.0], [0.0, 1.0]]))] + [
        call("largest_stable_learning_rate", _bowl(rng, d)[0]) for d in (2, 3)
    ]


# ---------------------------------------------------------------- part 4
steps = SPEC.part("steps_tests", "Part 4: how many steps? Predict")


def step_slips(curvature, rate, ratio):
    """(wrong count, advice) for the usual slips in predicting the number of steps."""
    exact = np.log(ratio) / np.log(abs(1 - rate * curvature))
    slips = [
        (
            np.floor(exact),
            "one step short: after that many steps the distance is still above ratio x d_0; "
            "take the first whole t with |1 - rate x curvature|^t <= ratio (round up)",
        ),
        (
            np.ceil(exact) + 1,
            "one step too many: the distance is below ratio x d_0 a step earlier (t counts steps; t = 0 is the start)",
        ),
    ]
    if 0 < rate * curvature < 1:
        slips.append(
            (
                np.ceil(np.log(ratio) / np.log(rate * curvature)),
                "the factor per step is 1 - rate x curvature, not rate x curvature",
            )
        )
    return slips


def _steps_feedback(got, expected, probe):
    value = single_number(got)
    curvature, rate, ratio = (probe.inputs[f"_arg{i}"] for i in range(3))
    factor = 1 - rate * curvature
    if value is None:
        if factor < 0:
            return (
                f"expected a finite number of steps; here the factor per step is {factor:.3g}, negative: the "
                "distance changes sign every step, and its SIZE shrinks by |1 - rate x curvature|"
            )
        return "expected one finite number, a count of steps"
    if value == expected:
        return None
    said = f"with curvature {curvature:.3g}, rate {rate:.3g} and ratio {ratio:.3g} it takes {expected:g} steps, not {value:g}"
    if value != round(value):
        return f"{said}: a number of steps is whole: the first whole t with |1 - rate x curvature|^t <= ratio"
    for wrong, advice in step_slips(curvature, rate, ratio):
        if value == wrong and wrong != expected:
            return f"{said}: {advice}"
    return f"{said}: each step multiplies the distance by 1 - rate x curvature (lesson 3)"


def _steps_case(rng, low, high):
    """(curvature, rate, ratio) with rate x curvature in (low, high), the answer not near a whole number."""
    while True:
        curvature = float(rng.uniform(0.2, 20.0))
        rate = float(rng.uniform(low, high) / curvature)
        ratio = float(10 ** rng.uniform(-8, -0.5))
        exact = np.log(ratio) / np.log(abs(1 - rate * curvature))
        if abs(exact - round(exact)) > 1e-6 and exact < 1e5:
            return curvature, rate, ratio


@steps.check(
    "steps_to_shrink for rates below 1/curvature (descent on one side of the minimum), at random",
    points=1,
    hidden=True,
    compare=_steps_feedback,
    hint="lesson 3: every step multiplies the distance to the minimum by the same factor",
)
def steps_monotone(rng):
    return [call("steps_to_shrink", 4.0, 0.1, 0.001)] + [
        call("steps_to_shrink", *_steps_case(rng, 0.05, 0.95)) for _ in range(3)
    ]


@steps.check(
    "steps_to_shrink for rates between 1/curvature and 2/curvature (descent that oscillates), at random",
    points=1,
    hidden=True,
    compare=_steps_feedback,
    hint="the factor is negative here: the distance flips sign every step; what happens to its size?",
)
def steps_oscillating(rng):
    return [call("steps_to_shrink", 4.0, 0.45, 0.001)] + [
        call("steps_to_shrink", *_steps_case(rng, 1.05, 1.95)) for _ in range(3)
    ]
