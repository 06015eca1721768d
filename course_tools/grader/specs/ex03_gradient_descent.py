"""Grading spec of ex03_gradient_descent: descent in 1-D and on a bowl, learning-rate regimes predicted and measured."""
import numpy as np

from course_tools.grader.spec import Spec, call, code

SPEC = Spec("ex03_gradient_descent")


def _bowl(rng, d):
    """A random symmetric positive-definite A (d, d) with curvatures in about [0.5, 5], and b (d,)."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = Q @ np.diag(rng.uniform(0.5, 5.0, size=d)) @ Q.T
    return (A + A.T) / 2, rng.normal(size=d)


# ---------------------------------------------------------------- part 1
descent_1d = SPEC.part("gradient_descent_1d_tests", "Part 1: gradient descent on a curve")


@descent_1d.check("(x - 3)^2 with rate 0.1 and 3 steps, from 0 and from a random start", points=1,
                  hint="return n_steps + 1 iterates, x0 first, each x - learning_rate * df(x)")
def descent_1d_example(rng):
    return [call("gradient_descent_1d", code("lambda x: 2 * (x - 3)"), 0.0, 0.1, 3),
            call("gradient_descent_1d", code("lambda x: 2 * (x - 3)"), float(rng.uniform(-5, 5)), 0.1, 3)]


@descent_1d.check("random quadratics and a quartic, random starts, rates and step counts (0 included)",
                  points=1, hidden=True, rtol=1e-9)
def descent_1d_random(rng):
    a, c = float(rng.uniform(0.5, 3.0)), float(rng.uniform(-4, 4))
    probes = [
        call("gradient_descent_1d", code(f"lambda x: {2 * a!r} * (x - {c!r})"), float(rng.uniform(-5, 5)),
             float(rng.uniform(0.01, 0.4)), int(rng.integers(5, 30))),
        call("gradient_descent_1d", code("lambda x: 4 * x ** 3 - 3.0"), float(rng.uniform(0.5, 1.5)),
             float(rng.uniform(0.005, 0.03)), int(rng.integers(10, 40))),
        call("gradient_descent_1d", code("lambda x: x"), float(rng.uniform(-1, 1)), 0.1, 0),
    ]
    return probes


@descent_1d.check("a diverging run and a one-step run: large rates must be followed, not stopped", points=1,
                  hidden=True, rtol=1e-9, hint="take exactly n_steps steps, whatever happens to x")
def descent_1d_regimes(rng):
    c = float(rng.uniform(-2, 2))
    return [call("gradient_descent_1d", code(f"lambda x: 4.0 * (x - {c!r})"), float(rng.uniform(-3, 3)), 0.7, 8),
            call("gradient_descent_1d", code(f"lambda x: 4.0 * (x - {c!r})"), float(rng.uniform(-3, 3)), 0.25, 3)]


# ---------------------------------------------------------------- part 2
bowl = SPEC.part("bowl_tests", "Part 2: descent on a quadratic bowl")


@bowl.check("bowl_gradient: the example and random bowls in 2-D and 3-D", points=1,
            hint="the gradient of 1/2 p^T A p - b^T p is A p - b")
def bowl_gradient_probes(rng):
    probes = [call("bowl_gradient", np.array([[3.0, 0.0], [0.0, 1.0]]), np.array([3.0, -1.0]), np.zeros(2))]
    for d in (2, 3):
        A, b = _bowl(rng, d)
        probes.append(call("bowl_gradient", A, b, rng.normal(size=d)))
    return probes


@bowl.check("gradient_descent_2d: the example bowl with rate 0.1 and 2 steps, from (0, 0) and a random start",
            points=1, hint="return an array (n_steps + 1, d): row 0 is p0, each next row p - rate * (A p - b)")
def descent_2d_example(rng):
    A, b = np.array([[3.0, 0.0], [0.0, 1.0]]), np.array([3.0, -1.0])
    return [call("gradient_descent_2d", A, b, np.zeros(2), 0.1, 2),
            call("gradient_descent_2d", A, b, rng.normal(size=2), 0.1, 2)]


@bowl.check("gradient_descent_2d on random bowls in 2-D and 3-D", points=1, hidden=True, rtol=1e-9)
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


@regime.check("regime_of_path on runs with curvature 4 and rates 0.1, 0.25, 0.4, 0.5, 0.6 from a random start",
              points=1, hint="signs and sizes of the distance to the minimum: same side or not, shrinking, equal or growing")
def path_examples(rng):
    start, minimum = float(rng.uniform(2, 4)), float(rng.uniform(-1, 1))
    return [call("regime_of_path", _run(4.0, rate, start, minimum), minimum) for rate in (0.1, 0.25, 0.4, 0.5, 0.6)]


@regime.check("regime_of_path on random runs of every kind (boundaries with exact powers of two)", points=1,
              hidden=True, hint="compare sizes with np.isclose(rtol=1e-9, atol=0); a distance below 1e-12 of the first is 0")
def path_random(rng):
    k = float(2.0 ** rng.integers(-2, 4))   # rate x curvature exactly 1 or 2
    probes = [call("regime_of_path", _run(k, 1.0 / k, -1.5, 0.5), 0.5),
              call("regime_of_path", _run(k, 2.0 / k, 2.5, 0.5), 0.5)]
    for low, high in ((0.05, 0.95), (1.05, 1.95), (2.05, 6.0)):
        curvature = float(rng.uniform(0.2, 10.0))
        minimum = float(rng.uniform(-3, 3))
        probes.append(call("regime_of_path", _run(curvature, float(rng.uniform(low, high) / curvature),
                                                  minimum + float(rng.choice([-1, 1]) * rng.uniform(0.5, 3)), minimum),
                           minimum))
    return probes


@regime.check("learning_rate_regime at curvature 4 for the five example rates, on the boundaries and at random",
              points=1, hidden=True,
              hint="one step multiplies the distance by 1 - rate x curvature: 0 lands, -1 bounces, below -1 grows")
def regime_predicted(rng):
    k = float(2.0 ** rng.integers(-2, 4))  # powers of two keep rate x curvature exact
    probes = [call("learning_rate_regime", 4.0, rate) for rate in (0.1, 0.25, 0.4, 0.5, 0.6)]
    probes += [call("learning_rate_regime", k, 1.0 / k), call("learning_rate_regime", k, 2.0 / k)]
    for low, high in ((0.05, 0.95), (1.05, 1.95), (2.05, 6.0)):
        curvature = float(rng.uniform(0.2, 10.0))
        probes.append(call("learning_rate_regime", curvature, float(rng.uniform(low, high) / curvature)))
    return probes


@regime.check("largest_stable_learning_rate on the example and on random bowls", points=1, hidden=True,
              hint="2 divided by the LARGEST eigenvalue of A")
def stable_rate(rng):
    return [call("largest_stable_learning_rate", np.array([[3.0, 0.0], [0.0, 1.0]]))] + [
        call("largest_stable_learning_rate", _bowl(rng, d)[0]) for d in (2, 3)]
