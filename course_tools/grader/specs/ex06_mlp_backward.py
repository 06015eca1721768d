"""Grading spec of ex06_mlp_backward: a gradient checker, forward with a cache, error terms, predictions,
the full backward pass.

Elementwise outputs go with the mean squared error over all n k entries; a softmax output with the
cross-entropy, a mean over the n samples (one-hot targets), whose output error is (P - Y) / n.
"""

import numpy as np

from course_tools.grader.spec import Spec, call, code, probe

# The exercise is the gradient checker and the backward pass: the library's network, losses, numerical
# gradients and relative errors, its training loop and lesson 5's recipe are off limits.
SPEC = Spec(
    "ex06_mlp_backward",
    learner_writes=("forward pass", "backward pass", "losses", "numerical gradients", "training loop"),
)

# Backpropagation handles this network and batch in milliseconds; numerical differences need two
# forward passes of the whole batch per parameter (about 22,000 of them), minutes in all.
BIG = ([32, 128, 128, 10], "tanh", "sigmoid", 512)

_EXAMPLE = [code("WEIGHTS_EXAMPLE"), code("BIASES_EXAMPLE"), code("X_EXAMPLE")]
_ELEMENTWISE = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "identity": lambda z: z,
}
_TABLE = "write the shape of every factor beside the row of Part 6's table"


def _network(rng, sizes, n):
    """Random weights [(sizes[l+1], sizes[l])], biases [(sizes[l+1],)] and a batch X (n, sizes[0]), Y (n, sizes[-1])."""
    weights = [rng.normal(0, 0.8, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
    return weights, biases, rng.normal(size=(n, sizes[0])), rng.uniform(size=(n, sizes[-1]))


def _classifier(rng, sizes, n):
    """As _network, with one-hot targets Y (n, sizes[-1]) of random classes, for a softmax output."""
    weights, biases, X, _ = _network(rng, sizes, n)
    return weights, biases, X, np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# A network of each depth, with each hidden/output pairing the instructions allow.
_CASES = [
    ([4, 3], "tanh", "sigmoid", 6),  # one layer: the output layer only
    ([2, 5, 3], "relu", "identity", 1),  # a batch of one sample
    ([3, 4, 4, 2], "sigmoid", "tanh", 7),
    ([2, 6, 3, 5, 1], "leaky_relu", "sigmoid", 5),
]
# Softmax classifiers of each depth, with cross-entropy: 2 to 4 classes.
_SOFTMAX_CASES = [
    ([3, 4], "tanh", "softmax", 6),
    ([2, 5, 3], "relu", "softmax", 1),
    ([4, 3, 6, 2], "sigmoid", "softmax", 7),
]

# ---------------------------------------------------------------- part 1
checker = SPEC.part("checker_tests", "Part 1: your own gradient checker")


@checker.check(
    "numerical_gradient_of on random arrays of rank 1, 2 and 3 (one with h = 0.01)",
    points=0.5,
    rtol=1e-6,
    atol=1e-7,
    hint="(f(x + h e_i) - f(x - h e_i)) / (2h) for every index i of x, with the h you are given",
)
def numerical_gradient_shapes(rng):
    probes = []
    for shape, h in (((4,), None), ((3, 2), None), ((2, 3, 2), 0.01)):
        x, c = rng.normal(size=shape), rng.normal(size=shape)
        source = "numerical_gradient_of(lambda v: float(np.sum(np.sin(v) * c + v ** 3)), x"
        probes.append(
            probe(source + (", h)" if h else ")"), x=x, c=c, **({"h": h} if h else {})).describe(
                f"numerical_gradient_of(sum of sin(x) * c + x^3) for x of shape {shape}" + (f", h = {h}" if h else "")
            )
        )
    return probes


@checker.check(
    "numerical_gradient_of a function that reads x through a list, and x afterwards",
    points=0.5,
    rtol=1e-6,
    atol=1e-7,
    hint="nudge x itself (x[index] = ...), not a copy, and put every entry back after nudging it",
)
def numerical_gradient_in_place(rng):
    probes = []
    for shape in ((2, 3), (5,)):
        x, c = rng.normal(size=shape), rng.normal(size=shape)
        probes.append(
            probe(
                "held = [x]\n"
                "gradient = numerical_gradient_of(lambda _: float(np.sum(np.tanh(held[0]) * c)), held[0])\n"
                "result = (gradient, held[0])",
                x=x,
                c=c,
            ).describe(f"(numerical_gradient_of(a loss reading x of shape {shape} through a list), x after the call)")
        )
    return probes


@checker.check(
    "relative_errors([1, 2, 0], [1, -2, 0]) and random (3, 4) arrays with an entry 0 in both",
    points=0.5,
    hint="|a - n| / (|a| + |n|) entry by entry; where both are exactly 0 the error is 0",
)
def relative_errors_example(rng):
    a, n = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    i, j = rng.integers(0, 3), rng.integers(0, 4)
    a[i, j] = n[i, j] = 0.0
    return [
        call("relative_errors", np.array([1.0, 2.0, 0.0]), np.array([1.0, -2.0, 0.0])),
        call("relative_errors", a, n),
    ]


@checker.check(
    "relative_errors on random arrays of rank 1 to 3: zeros, opposite signs, near agreement",
    points=0.5,
    hidden=True,
    hint="|a - n| / (|a| + |n|) entry by entry, an array of their shape; 0 where both are 0",
)
def relative_errors_random(rng):
    probes = []
    for shape in ((6,), (2, 5), (3, 2, 2)):
        a = rng.normal(size=shape)
        n = a * (1 + rng.choice([1e-9, 1e-5, 0.3, -2.0], size=shape))
        flat_a, flat_n = a.reshape(-1), n.reshape(-1)
        k = rng.integers(0, a.size)
        flat_a[k] = flat_n[k] = 0.0
        probes.append(call("relative_errors", a, n))
    return probes


# ---------------------------------------------------------------- part 2
forward = SPEC.part("forward_tests", "Part 2: the forward pass, with a cache, and its loss")


@forward.check(
    "forward_with_cache on the 3-4-2 example and random networks of 1 to 4 layers",
    points=0.5,
    hint="Z^l = A^(l-1) (W^l)^T + b^l; activations[0] is X; the last layer uses the output activation",
)
def forward_random(rng):
    probes = [call("forward_with_cache", *_EXAMPLE, "tanh", "sigmoid")]
    for sizes, hidden, output, n in _CASES + _SOFTMAX_CASES[-1:]:
        weights, biases, X, _ = _network(rng, sizes, n)
        probes.append(call("forward_with_cache", weights, biases, X, hidden, output))
    return probes


@forward.check(
    "network_loss on the example and on random networks, mse and softmax with cross-entropy",
    points=0.5,
    hint="mse: the mean over ALL n k entries; softmax: -(1/n) sum of Y log P, over n samples",
)
def network_loss_random(rng):
    probes = [
        call("network_loss", *_EXAMPLE, code("Y_EXAMPLE"), "tanh", "sigmoid"),
        call("network_loss", *_EXAMPLE, code("Y_ONEHOT_EXAMPLE"), "tanh", "softmax"),
    ]
    for sizes, hidden, output, n in _CASES[2:]:
        probes.append(call("network_loss", *_network(rng, sizes, n), hidden, output))
    for sizes, hidden, output, n in _SOFTMAX_CASES[::2]:
        probes.append(call("network_loss", *_classifier(rng, sizes, n), hidden, output))
    return probes


# ---------------------------------------------------------------- part 3
out_delta = SPEC.part("output_delta_tests", "Part 3: the output layer's error term")


@out_delta.check(
    "output_delta for identity outputs [0, 1] against targets [1, 1], and for random batches "
    "with sigmoid, tanh and identity outputs",
    points=0.5,
    hint="2 / (n k) * (output - Y) * f'(z), with n k the number of ALL entries",
)
def output_delta_elementwise(rng):
    z = np.array([[0.0, 1.0]])
    probes = [call("output_delta", z, np.array([[1.0, 1.0]]), z, "identity")]
    for name, (n, k) in zip(_ELEMENTWISE, ((5, 2), (3, 4), (1, 3))):
        z = rng.normal(size=(n, k))
        probes.append(call("output_delta", _ELEMENTWISE[name](z), rng.uniform(size=(n, k)), z, name))
    return probes


@out_delta.check(
    "output_delta for a softmax output [0.5, 0.5] against the one-hot target [1, 0], and for "
    "random softmax batches of 1 to 6 samples and 2 to 5 classes",
    points=0.5,
    hint="softmax with cross-entropy: (P - Y) / n, n the number of samples (rows), no f'(z)",
)
def output_delta_softmax(rng):
    probes = [call("output_delta", np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), np.zeros((1, 2)), "softmax")]
    for n, k in ((6, 3), (1, 5), (4, 2)):
        z = rng.normal(0, 2, size=(n, k))
        probes.append(call("output_delta", _softmax(z), np.eye(k)[rng.integers(0, k, size=n)], z, "softmax"))
    return probes


# ---------------------------------------------------------------- part 4
hid_delta = SPEC.part("hidden_delta_tests", "Part 4: the error flows backward one layer")


@hid_delta.check(
    "hidden_delta with identity units from 2 units above to 3, and random layers with tanh, sigmoid and relu units",
    points=1,
    hint="Delta^l = (Delta^(l+1) W^(l+1)) * f'(Z^l): (n, m) times (m, h) gives (n, h)",
)
def hidden_delta_random(rng):
    probes = [
        call(
            "hidden_delta",
            np.array([[1.0, -1.0]]),
            np.array([[0.5, 2.0, 0.0], [1.5, 1.0, -1.0]]),
            np.zeros((1, 3)),
            "identity",
        )
    ]
    for name, (n, m, h) in zip(("tanh", "sigmoid", "relu"), ((4, 3, 5), (1, 2, 2), (6, 1, 3))):
        probes.append(
            call("hidden_delta", rng.normal(size=(n, m)), rng.normal(size=(m, h)), rng.normal(size=(n, h)), name)
        )
    return probes


# ---------------------------------------------------------------- part 5
predictions = SPEC.part("predictions_tests", "Part 5: predict before you run")


@predictions.check(
    "A: the shapes of dL/dW^l and Delta^l (the 2-3-1 network with 5 samples, and random ones)",
    points=0.5,
    hidden=True,
    hint="dL/dW^l = (Delta^l)^T A^(l-1) has the shape of W^l, (n_l, n_(l-1)): the product sums "
    "over the batch, so n is gone; Delta^l = dL/dZ^l has one row per sample, (n, n_l)",
)
def shapes_prediction(rng):
    probes = [call("gradient_shapes", [2, 3, 1], 1, 5)]
    for _ in range(3):
        sizes = [int(s) for s in rng.integers(1, 9, size=int(rng.integers(2, 5)))]
        probes.append(call("gradient_shapes", sizes, int(rng.integers(1, len(sizes))), int(rng.integers(1, 40))))
    return probes


@predictions.check(
    "B: the course's verdict for a relative error of 3e-5, and for random errors",
    points=0.5,
    hidden=True,
    hint="below 1e-6 agree, above 1e-4 a bug; between, neither: look closer (a kink of ReLU near "
    "a nudged entry, or entries too small for float64's centred difference)",
)
def verdict_prediction(rng):
    probes = [call("verdict_for", 3e-5)]
    for low, high in ((-13, -6.2), (-5.8, -4.2), (-3.8, 0)):
        probes.append(call("verdict_for", float(10 ** rng.uniform(low, high))))
    return probes


@predictions.check(
    "C: the relative error of c g against g (c = 4, -1, and random c)",
    points=1,
    hidden=True,
    hint="|c g - g| / (|c g| + |g|): |g| cancels; a forgotten 1/n = 1/4 shows 3/5 = 0.6 on "
    "every entry, a flipped sign 1",
)
def scaled_gradient_prediction(rng):
    return [call("error_of_scaled_gradient", 4.0), call("error_of_scaled_gradient", -1.0)] + [
        call("error_of_scaled_gradient", float(c))
        for c in (rng.uniform(0.05, 0.95), rng.uniform(1.5, 30), -rng.uniform(0.1, 10))
    ]


# ---------------------------------------------------------------- part 6
backward = SPEC.part("backward_tests", "Part 6: the whole backward pass")


@backward.check(
    "mlp_backward on the 3-4-2 example and a random 3-4-2 network (tanh hidden, sigmoid output, mse)",
    points=1,
    hint=_TABLE + "; move the error down with the weights of the layer ABOVE",
)
def backward_example(rng):
    return [
        call("mlp_backward", *_EXAMPLE, code("Y_EXAMPLE"), "tanh", "sigmoid"),
        call("mlp_backward", *_network(rng, [3, 4, 2], 5), "tanh", "sigmoid"),
    ]


@backward.check(
    "mlp_backward on the 3-4-2 example and random classifiers of 1 to 3 layers with a softmax output and cross-entropy",
    points=1,
    hint="Part 3's softmax error starts the pass; the layers below it are as for mse",
)
def backward_softmax(rng):
    return [call("mlp_backward", *_EXAMPLE, code("Y_ONEHOT_EXAMPLE"), "tanh", "softmax")] + [
        call("mlp_backward", *_classifier(rng, sizes, n), hidden, output)
        for sizes, hidden, output, n in [([3, 4, 2], "tanh", "softmax", 5)] + _SOFTMAX_CASES
    ]


@backward.check(
    "mlp_backward on random networks of 1 to 4 layers, batches of 1 to 7 samples, and a large one",
    points=1,
    hidden=True,
    hint="every layer gets both of the table's gradients, the first layer too; a one-layer network "
    "has only the output's error term",
)
def backward_random(rng):
    probes = []
    for sizes, hidden, output, n in _CASES:
        weights, biases, X, Y = _network(rng, sizes, n)
        probes.append(call("mlp_backward", weights, biases, X, Y, hidden, output))
    sizes, hidden, output, n = BIG
    probes.append(
        call("mlp_backward", *_network(rng, sizes, n), hidden, output).describe(
            f"mlp_backward on a {'-'.join(map(str, sizes))} network, {n} samples (backpropagation takes "
            "milliseconds; numerical differences would take minutes)"
        )
    )
    return probes
