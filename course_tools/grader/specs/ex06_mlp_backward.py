"""Grading spec of ex06_mlp_backward: forward with a cache, error terms, the full backward pass.

Elementwise outputs go with the mean squared error over all n k entries; a softmax output with the
cross-entropy, a mean over the n samples (one-hot targets), whose output error is (P - Y) / n.
"""
import numpy as np

from course_tools.grader.spec import Spec, call, code

# The exercise is the backward pass: the library's network, losses and numerical gradients are off limits.
SPEC = Spec("ex06_mlp_backward", forbidden=["course_lib.MLP", "course_lib.get_loss", "course_lib.numerical_gradient",
                                          "course_lib.signals", "course_lib.widgets.playground_model"])

# Backpropagation handles this network and batch in milliseconds; numerical differences need two
# forward passes of the whole batch per parameter (about 22,000 of them), minutes in all.
BIG = ([32, 128, 128, 10], "tanh", "sigmoid", 512)

_EXAMPLE = [code("WEIGHTS_EXAMPLE"), code("BIASES_EXAMPLE"), code("X_EXAMPLE")]
_ELEMENTWISE = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "identity": lambda z: z,
}


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
_CASES = [([4, 3], "tanh", "sigmoid", 6),                # one layer: the output layer only
          ([2, 5, 3], "relu", "identity", 1),            # a batch of one sample
          ([3, 4, 4, 2], "sigmoid", "tanh", 7),
          ([2, 6, 3, 5, 1], "leaky_relu", "sigmoid", 5)]
# Softmax classifiers of each depth, with cross-entropy: 2 to 4 classes.
_SOFTMAX_CASES = [([3, 4], "tanh", "softmax", 6),
                  ([2, 5, 3], "relu", "softmax", 1),
                  ([4, 3, 6, 2], "sigmoid", "softmax", 7)]

# ---------------------------------------------------------------- part 1
forward = SPEC.part("forward_tests", "Part 1: the forward pass, with a cache")


@forward.check("forward_with_cache on the 3-4-2 example and a random 3-4-2 network (tanh hidden, sigmoid output)",
               points=1, hint="Z = A W^T + b; activations[0] is X; the last layer uses the output activation")
def forward_example(rng):
    weights, biases, X, _ = _network(rng, [3, 4, 2], 5)
    return [call("forward_with_cache", *_EXAMPLE, "tanh", "sigmoid"),
            call("forward_with_cache", weights, biases, X, "tanh", "sigmoid")]


@forward.check("forward_with_cache on random networks of 1 to 4 layers with several activations", points=1,
               hidden=True)
def forward_random(rng):
    probes = []
    for sizes, hidden, output, n in _CASES + _SOFTMAX_CASES[-1:]:
        weights, biases, X, _ = _network(rng, sizes, n)
        probes.append(call("forward_with_cache", weights, biases, X, hidden, output))
    return probes


# ---------------------------------------------------------------- part 2
out_delta = SPEC.part("output_delta_tests", "Part 2: the output layer's error term")


@out_delta.check("output_delta for identity outputs [0, 1] against targets [1, 1], and for random ones", points=0.5,
                 hint="2 / (n k) * (output - Y) * f'(z), with n k the number of ALL entries")
def output_delta_example(rng):
    z, random_z = np.array([[0.0, 1.0]]), rng.normal(size=(1, 2))
    return [call("output_delta", z, np.array([[1.0, 1.0]]), z, "identity"),
            call("output_delta", random_z, rng.normal(size=(1, 2)), random_z, "identity")]


@out_delta.check(
    "output_delta for random batches with sigmoid, tanh and identity outputs", points=0.5, hidden=True)
def output_delta_random(rng):
    probes = []
    for name, (n, k) in zip(_ELEMENTWISE, ((5, 2), (3, 4), (1, 3))):
        z = rng.normal(size=(n, k))
        probes.append(call("output_delta", _ELEMENTWISE[name](z), rng.uniform(size=(n, k)), z, name))
    return probes


@out_delta.check("output_delta for a softmax output [0.5, 0.5] against the one-hot target [1, 0], and for "
                 "random 2-class scores", points=0.5,
                 hint="softmax with cross-entropy: (P - Y) / n, n the number of samples (rows), no f'(z)")
def output_delta_softmax_example(rng):
    z = rng.normal(size=(1, 2))
    return [call("output_delta", np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), np.zeros((1, 2)), "softmax"),
            call("output_delta", _softmax(z), np.eye(2)[rng.integers(0, 2, size=1)], z, "softmax")]


@out_delta.check("output_delta for random softmax batches of 1 to 6 samples and 2 to 5 classes", points=0.5,
                 hidden=True, hint="the cross-entropy is a mean over the n samples, not over all n k entries")
def output_delta_softmax_random(rng):
    probes = []
    for n, k in ((6, 3), (1, 5), (4, 2)):
        z = rng.normal(0, 2, size=(n, k))
        probes.append(call("output_delta", _softmax(z), np.eye(k)[rng.integers(0, k, size=n)], z, "softmax"))
    return probes


# ---------------------------------------------------------------- part 3
hid_delta = SPEC.part("hidden_delta_tests", "Part 3: the error flows backward one layer")


@hid_delta.check("hidden_delta with identity units, from 2 units above to 3: the example and random values",
                 points=1, hint="delta_next (n, m) @ W_next (m, h), times the hidden slope f'(z)")
def hidden_delta_example(rng):
    return [call("hidden_delta", np.array([[1.0, -1.0]]), np.array([[0.5, 2.0, 0.0], [1.5, 1.0, -1.0]]),
                 np.zeros((1, 3)), "identity"),
            call("hidden_delta", rng.normal(size=(1, 2)), rng.normal(size=(2, 3)), rng.normal(size=(1, 3)), "identity")]


@hid_delta.check("hidden_delta for random layers with tanh, sigmoid and relu units", points=1, hidden=True)
def hidden_delta_random(rng):
    probes = []
    for name, (n, m, h) in zip(("tanh", "sigmoid", "relu"), ((4, 3, 5), (1, 2, 2), (6, 1, 3))):
        probes.append(call("hidden_delta", rng.normal(size=(n, m)), rng.normal(size=(m, h)),
                           rng.normal(size=(n, h)), name))
    return probes


# ---------------------------------------------------------------- part 4
backward = SPEC.part("backward_tests", "Part 4: the whole backward pass")


@backward.check("mlp_backward on the 3-4-2 example and a random 3-4-2 network (tanh hidden, sigmoid output)",
                points=1, hint="dL/dW_l = delta_l^T A_l, dL/db_l = delta_l summed over the rows; "
                               "move the delta down with the weights of the layer ABOVE")
def backward_example(rng):
    return [call("mlp_backward", *_EXAMPLE, code("Y_EXAMPLE"), "tanh", "sigmoid"),
            call("mlp_backward", *_network(rng, [3, 4, 2], 5), "tanh", "sigmoid")]


@backward.check("mlp_backward on the 3-4-2 example and a random 3-4-2 network with a softmax output and "
                "cross-entropy (tanh hidden)", points=1,
                hint="the output error of softmax with cross-entropy is (P - Y) / n; the layers below are as for mse")
def backward_softmax_example(rng):
    return [call("mlp_backward", *_EXAMPLE, code("Y_ONEHOT_EXAMPLE"), "tanh", "softmax"),
            call("mlp_backward", *_classifier(rng, [3, 4, 2], 5), "tanh", "softmax")]


@backward.check("mlp_backward on random networks of 1 to 4 layers, batches of 1 to 7 samples", points=1,
                hidden=True, hint="every layer gets dL/dW_l = delta_l^T A_l and dL/db_l = delta_l summed over the rows; "
                     "a one-layer network has only the output delta")
def backward_random(rng):
    probes = []
    for sizes, hidden, output, n in _CASES:
        weights, biases, X, Y = _network(rng, sizes, n)
        probes.append(call("mlp_backward", weights, biases, X, Y, hidden, output))
    sizes, hidden, output, n = BIG
    probes.append(call("mlp_backward", *_network(rng, sizes, n), hidden, output).describe(
        f"mlp_backward on a {'-'.join(map(str, sizes))} network, {n} samples (backpropagation takes "
        "milliseconds; numerical differences would take minutes)"))
    return probes


@backward.check("mlp_backward on random softmax classifiers with cross-entropy, 1 to 3 layers, 2 to 4 classes",
                points=1, hidden=True,
                hint="start from the output error (P - Y) / n, then move down the layers as for mse")
def backward_softmax_random(rng):
    return [call("mlp_backward", *_classifier(rng, sizes, n), hidden, output)
            for sizes, hidden, output, n in _SOFTMAX_CASES]
