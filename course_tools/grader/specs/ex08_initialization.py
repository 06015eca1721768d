"""Grading spec of ex08_initialization: constant and random initialisers, Xavier/He scales, symmetry after training.

The symmetric case is graded by behaviour: a network trained from the learner's
``constant_init`` must keep identical hidden units, one trained from the
learner's ``random_init`` must not.
"""
import numpy as np

from course_tools.grader.spec import Spec, call, probe

SPEC = Spec("ex08_initialization")

_XOR = (np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([[0.0], [1.0], [1.0], [0.0]]))


def _sizes(rng, depth):
    """Random layer sizes: 1-4 inputs, `depth` hidden layers of 2-7 units, 1 output."""
    return [int(rng.integers(1, 5))] + [int(n) for n in rng.integers(2, 8, size=depth)] + [1]


def _batch(rng, n, n_in):
    """A random batch X (n, n_in) with 0/1 targets Y (n, 1) holding both classes."""
    Y = np.zeros((n, 1))
    Y[rng.permutation(n)[: n // 2]] = 1.0
    return rng.normal(size=(n, n_in)), Y


# ---------------------------------------------------------------- part 1
constant = SPEC.part("constant_init_tests", "Part 1: the symmetric case")


@constant.check("constant_init([2, 4, 1], 0.5), and random sizes and values", points=1,
                hint="weights[l] has shape (sizes[l+1], sizes[l]) and every entry equals the value; biases are 0")
def constant_example(rng):
    return [call("constant_init", [2, 4, 1], 0.5), call("constant_init", _sizes(rng, 1), float(rng.normal()))]


@constant.check("constant_init of random networks of 1 to 3 layers, including the value 0", points=1, hidden=True)
def constant_random(rng):
    return [call("constant_init", _sizes(rng, 2), float(rng.normal())), call("constant_init", _sizes(rng, 0), 0.0),
            call("constant_init", _sizes(rng, 1), float(rng.uniform(-2, 2)))]


# ---------------------------------------------------------------- part 2
random = SPEC.part("random_init_tests", "Part 2: random weights break the symmetry")


@random.check("random_init([2, 4, 1], 0.1, seed=0), and random sizes, scales and seeds", points=1,
              hint="one generator np.random.default_rng(seed) for all layers, drawn in order with "
                   "rng.normal(0.0, scale, size=(n_out, n_in)); biases 0")
def random_example(rng):
    return [call("random_init", [2, 4, 1], 0.1, 0),
            call("random_init", _sizes(rng, 1), float(rng.uniform(0.01, 1.0)), int(rng.integers(0, 10**6)))]


@random.check("random_init of random networks of 1 to 4 layers", points=1, hidden=True)
def random_random(rng):
    return [call("random_init", _sizes(rng, depth), float(rng.uniform(0.01, 1.0)), int(rng.integers(0, 10**6)))
            for depth in (0, 2, 3)]


_BREAKS = """weights, biases = random_init(sizes, 0.1, seed)
net = MLP(sizes, "tanh", "sigmoid", "binary_cross_entropy")
net.weights, net.biases = [np.array(W, dtype=float) for W in weights], [np.array(b, dtype=float) for b in biases]
for _ in range(100):
    net.step(net.backward(X, Y), 1.0)
result = row_spread(net.weights[0])"""


def _at_least(minimum):
    def compare(got, expected, probe):
        if not isinstance(got, float) or not np.isfinite(got):
            return f"expected a number, got {got!r}"
        return None if got >= minimum else (f"the hidden units of a network trained from random_init stay within "
                                            f"{got:.3g} of each other: the symmetry did not break")
    return compare


@random.check("a network trained from random_init ends with different hidden units (the symmetry breaks)", points=1,
              hidden=True, compare=_at_least(1e-3), reference=False,
              hint="every weight must be drawn separately: equal rows stay equal forever")
def random_breaks_symmetry(rng):
    X, Y = _batch(rng, 8, 2)
    return [probe(_BREAKS, sizes=[2, 5, 1], seed=int(rng.integers(0, 10**6)), X=X, Y=Y)]


# ---------------------------------------------------------------- part 3
std = SPEC.part("init_std_tests", "Part 3: scales from the layer sizes")


@std.check("init_std('xavier', 400, 100) and init_std('he', 400, 100), and for random layer sizes", points=1,
           hint="Xavier/Glorot: sqrt(2 / (n_in + n_out)); He: sqrt(2 / n_in)")
def std_example(rng):
    n_in, n_out = (int(n) for n in rng.integers(1, 1000, size=2))
    return [call("init_std", "xavier", 400, 100), call("init_std", "he", 400, 100),
            call("init_std", "xavier", n_in, n_out), call("init_std", "he", n_in, n_out)]


def _value_error_naming_both(got, expected, probe):
    if got == "no error":
        return "nothing was raised for an unknown kind; raise a ValueError"
    if not (isinstance(got, str) and got.startswith("ValueError:")):
        return f"expected a ValueError, got {got}"
    return None if ("xavier" in got and "he" in got.split(":", 1)[1]) else f"the message should name 'xavier' and 'he': {got}"


_UNKNOWN = """try:
    init_std(kind, 4, 4)
    result = "no error"
except Exception as error:
    result = f"{type(error).__name__}: {error}\""""


@std.check("an unknown kind raises a ValueError whose message names 'xavier' and 'he'", points=1, hidden=True,
           compare=_value_error_naming_both, reference=False,
           hint="raise ValueError(\"unknown kind ...: use 'xavier' or 'he'\")")
def std_unknown(rng):
    return [probe(_UNKNOWN, kind=str(rng.choice(["uniform", "glorot", "kaiming", "normal"])))]


# ---------------------------------------------------------------- part 4
symmetry = SPEC.part("symmetry_after_training_tests", "Part 4: does the symmetry break?")

# Part 4 gets its starting weights from the grader, not from the learner's initialisers, so a mistake in
# parts 1-2 costs points only there.


def _equal_start(sizes, value):
    return ([np.full((m, k), value) for k, m in zip(sizes[:-1], sizes[1:])], [np.zeros(m) for m in sizes[1:]])


@symmetry.check("from equal weights (0.5) on XOR the spread stays 0; from random ones (std 0.1) it matches the "
                "expected spread", points=1, atol=1e-12, rtol=1e-6,
                hint="build an MLP (sigmoid output, binary cross-entropy) with copies of the starting parameters, "
                     "train full batch for `epochs` steps, return row_spread(net.weights[0])")
def symmetry_example(rng):
    X, Y = _XOR
    random_start = ([rng.normal(0, 0.1, size=(4, 2)), rng.normal(0, 0.1, size=(1, 4))], [np.zeros(4), np.zeros(1)])
    return [call("symmetry_after_training", *_equal_start([2, 4, 1], 0.5), X, Y, "tanh", 200, 1.0),
            call("symmetry_after_training", *random_start, X, Y, "tanh", 500, 1.0)]


@symmetry.check("random starting weights, batches and activations (tanh, sigmoid, relu): the expected spread",
                points=1, hidden=True, atol=1e-12, rtol=1e-6)
def symmetry_random(rng):
    probes = []
    for hidden in ("tanh", "sigmoid", "relu"):
        sizes = [2, int(rng.integers(3, 7)), 1]
        weights = [rng.normal(0, 0.5, size=(sizes[1], 2)), rng.normal(0, 0.5, size=(1, sizes[1]))]
        biases = [rng.normal(0, 0.1, size=sizes[1]), np.zeros(1)]
        X, Y = _batch(rng, 10, 2)
        probes.append(call("symmetry_after_training", weights, biases, X, Y, hidden, 50, 0.5))
    return probes


@symmetry.check("a symmetric start stays symmetric with every activation, random equal values and random data",
                points=1, hidden=True, atol=1e-12, rtol=1e-6,
                hint="equal rows get equal updates: the spread of a symmetric start must stay 0")
def symmetry_constant(rng):
    probes = []
    for hidden in ("tanh", "sigmoid", "relu"):
        X, Y = _batch(rng, 6, 2)
        start = _equal_start([2, int(rng.integers(2, 7)), 1], float(rng.uniform(0.1, 1.0)))
        probes.append(call("symmetry_after_training", *start, X, Y, hidden, 60, 1.0))
    return probes
