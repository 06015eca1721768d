"""Grading spec of ex07_gradient_flow: gradient norms per layer, error norms by the recurrence, dead units."""
import numpy as np

from course_tools.grader.spec import Spec, call, code, probe

SPEC = Spec("ex07_gradient_flow")


def _network(rng, sizes, scale=0.8):
    """Random weights [(sizes[l+1], sizes[l])] and biases [(sizes[l+1],)]."""
    weights = [rng.normal(0, scale, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    return weights, [rng.normal(0, 0.5, size=m) for m in sizes[1:]]


def _forward_zs(weights, biases, X, hidden):
    """The weighted sums of every layer (sigmoid output), computed here so probes need only the learner's code."""
    f = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "identity": lambda z: z, "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}
    zs, a = [], X
    for l, (W, b) in enumerate(zip(weights, biases)):
        zs.append(a @ W.T + b)
        a = f["sigmoid" if l == len(weights) - 1 else hidden](zs[-1])
    return zs


def _dead_layers(rng, n, widths):
    """Hidden weighted sums (n, width) per layer, with about half the columns pushed below zero."""
    zs = []
    for width in widths:
        shift = rng.choice([0.0, 6.0], size=width)
        zs.append(rng.normal(size=(n, width)) - shift)
    return zs


# ---------------------------------------------------------------- part 1
norms = SPEC.part("gradient_norms_tests", "Part 1: the size of every layer's gradient")


@norms.check("gradient_norms of [[3, 4]] and [[1], [-2], [2]], and of random matrices of the same shapes", points=1,
             hint="square every entry, sum them all, take the square root: one number per matrix")
def norms_example(rng):
    return [call("gradient_norms", [np.array([[3.0, 4.0]]), np.array([[1.0], [-2.0], [2.0]])]),
            call("gradient_norms", [rng.normal(size=(1, 2)), rng.normal(size=(3, 1))])]


@norms.check("gradient_norms of random lists of matrices, including tiny and one-entry ones", points=1, hidden=True,
             rtol=1e-9, atol=0.0)
def norms_random(rng):
    return [call("gradient_norms", [rng.normal(size=(4, 3)), rng.normal(size=(1, 7)) * 1e-9]),
            call("gradient_norms", [rng.normal(size=(1, 1)), rng.normal(size=(5, 2)), rng.normal(size=(2, 6)) * 1e5]),
            call("gradient_norms", [rng.normal(size=(32, 32)) * 1e-12])]


# ---------------------------------------------------------------- part 2
errors = SPEC.part("error_norms_tests", "Part 2: the error term, layer by layer")


@errors.check("error_norms of the identity example and of the 2-6-5-4-1 sigmoid example, and of random ones", points=1,
              hint="Delta^l = (Delta^(l+1) W^(l+1)) * f'(Z^l), with W^(l+1) = weights[l] and Z^l = zs[l-1]; "
                   "the last entry is the norm of delta_out",
              rtol=1e-7, atol=1e-12)
def errors_example(rng):
    weights, biases = _network(rng, [2, 6, 5, 4, 1], scale=0.7)
    X = rng.normal(size=(8, 2))
    zs = _forward_zs(weights, biases, X, "sigmoid")
    return [call("error_norms", [np.eye(2), np.array([[2.0, 0.0]])], [np.zeros((1, 2)), np.zeros((1, 1))],
                 np.array([[1.0]]), "identity"),
            call("error_norms", code("WEIGHTS_EXAMPLE"), code("example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE)"
                                                              ".backward(X_EXAMPLE, Y_EXAMPLE).trace.zs"),
                 code("example_net(WEIGHTS_EXAMPLE, BIASES_EXAMPLE).backward(X_EXAMPLE, Y_EXAMPLE).deltas[-1]"),
                 "sigmoid"),
            call("error_norms", weights, zs, rng.normal(size=(8, 1)) * 0.1, "sigmoid")]


@errors.check("error_norms of random networks of 2 to 6 layers with tanh, relu, leaky_relu and sigmoid units",
              points=2, hidden=True, rtol=1e-7, atol=1e-14,
              hint="loop from the layer below the output down to layer 0, multiplying by the weights of the layer "
                   "above and by the hidden activation's slope at this layer's z")
def errors_random(rng):
    probes = []
    for sizes, hidden, n in (([3, 4], "tanh", 5), ([2, 5, 3], "relu", 1), ([3, 6, 6, 6, 2], "leaky_relu", 7),
                             ([2] + [8] * 5 + [1], "sigmoid", 10)):
        weights, biases = _network(rng, sizes)
        X = rng.normal(size=(n, sizes[0]))
        probes.append(call("error_norms", weights, _forward_zs(weights, biases, X, hidden),
                           rng.normal(size=(n, sizes[-1])), hidden))
    return probes


# ---------------------------------------------------------------- part 3
dead = SPEC.part("dead_units_tests", "Part 3: dead units")


@dead.check("dead_units of [[-1, 0.5, 0, -2], [-3, -0.1, 0, 4]] and of a random layer of the same shape", points=1,
            hint="a unit (column) is dead when z <= 0 for EVERY sample (row); z = 0 counts as dead")
def dead_example(rng):
    z = np.array([[-1.0, 0.5, 0.0, -2.0], [-3.0, -0.1, 0.0, 4.0]])
    return [call("dead_units", [z]), call("dead_units", _dead_layers(rng, 2, [4]))]


@dead.check("dead_units of random networks' hidden layers (1 to 3 layers, batches of 1 to 9)", points=2, hidden=True,
            hint="return a list with one boolean array of shape (units,) per layer")
def dead_random(rng):
    return [call("dead_units", _dead_layers(rng, 9, [6, 3])),
            call("dead_units", _dead_layers(rng, 1, [5])),
            call("dead_units", _dead_layers(rng, 4, [7, 7, 2]) + [np.zeros((4, 3))])]


# ---------------------------------------------------------------- part 4
count = SPEC.part("count_dead_tests", "Part 4: count the dead units of a network")

_COUNT = """net = MLP(sizes, "relu", "sigmoid", "binary_cross_entropy", init="he", seed=seed)
net.biases = [np.array(b) for b in biases]
result = count_dead(net, X)"""


def _count_probe(rng, sizes, n, bias_mean):
    biases = [rng.normal(bias_mean, 1.0, size=m) for m in sizes[1:]]
    return probe(_COUNT, sizes=sizes, seed=int(rng.integers(0, 1000)), biases=biases,
                 X=rng.normal(size=(n, sizes[0])))


@count.check("count_dead of the example with lowered biases, and of a random 2-6-5-4-1 ReLU network", points=1,
             hint="count over the hidden layers only: leave out the last entry of net.trace(X).zs")
def count_example(rng):
    example = probe("count_dead(example_net(WEIGHTS_EXAMPLE, [b - 3.0 for b in BIASES_EXAMPLE[:-1]] "
                    "+ [BIASES_EXAMPLE[-1]], 'relu'), X_EXAMPLE)")
    return [example, _count_probe(rng, [2, 6, 5, 4, 1], 8, -1.0)]


@count.check("count_dead of random ReLU networks of 1 to 3 hidden layers with random biases", points=1, hidden=True)
def count_random(rng):
    return [_count_probe(rng, [3, 8, 8, 8, 1], 20, -1.0), _count_probe(rng, [2, 10, 1], 5, -0.5),
            _count_probe(rng, [4, 6, 6, 3], 12, -2.0)]
