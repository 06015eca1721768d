"""Grading spec of ex01_neuron_and_layer: a neuron, a layer, a two-layer forward pass, predictions (10 points).

Part 4 is a concept item: a network's parameter count and the bias that centres a sigmoid neuron,
asked about networks and inputs drawn afresh, each wrong answer explained by the slip it looks like.
"""

import numpy as np

from course_tools.grader.spec import Spec, call, probe, single_number

# The learner writes the forward pass and counts the parameters: the network class (its forward, trace and
# n_parameters) and the library's activations would do that work.
SPEC = Spec("ex01_neuron_and_layer", learner_writes=("activations", "forward pass"))
neuron = SPEC.part("neuron_tests", "Part 1: one neuron")
layer = SPEC.part("layer_tests", "Part 2: a layer")
two_layer = SPEC.part("two_layer_tests", "Part 3: two layers")
predictions = SPEC.part("predictions_tests", "Part 4: predict")

SIGN_HINT = "sigmoid(z) = 1 / (1 + exp(-z)); sigmoid(0) is 0.5"


@neuron.check("sigmoid on the test cell's values and a random array", points=1, hint=SIGN_HINT)
def sigmoid_example(rng):
    return [call("sigmoid", np.array([-2.0, 0.0, 3.0])), call("sigmoid", rng.uniform(-10, 10, size=4))]


@neuron.check(
    "neuron on the worked example and a random neuron",
    points=1,
    hint="z = w·x + b (-0.9 in the worked example), then the sigmoid",
)
def neuron_example(rng):
    return [
        call("neuron", np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0]), 0.1),
        call("neuron", rng.normal(size=3), rng.normal(size=3), float(rng.normal())),
    ]


@neuron.check(
    "sigmoid and neuron on random inputs",
    points=1,
    hidden=True,
    hint="the dot product runs over all inputs; the bias is added once; then the sigmoid",
)
def neuron_random(rng):
    probes = [call("neuron", rng.normal(size=n), rng.normal(size=n), float(rng.normal())) for n in (1, 4, 9)]
    probes.append(call("sigmoid", rng.uniform(-30, 30, size=(3, 2))))
    probes.append(call("sigmoid", float(rng.uniform(-5, 5))))
    return probes


@layer.check(
    "layer_forward on the test cell's example and random values of its shapes",
    points=0.5,
    hint="Z = X @ W.T + b: one row per sample, one column per neuron",
)
def layer_example(rng):
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    W = np.array([[0.5, -1.0], [2.0, 0.0], [-0.5, 0.25], [1.0, 1.0]])
    return [
        call("layer_forward", X, W, np.array([0.0, 1.0, -1.0, 0.5])),
        call("layer_forward", rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=4)),
    ]


@layer.check(
    "layer_forward on random shapes, including one sample and one input",
    points=0.5,
    hidden=True,
    hint="use the sizes of the arguments, never fixed numbers; add b to every row",
)
def layer_random(rng):
    shapes = [(1, 1, 1), (5, 3, 2), tuple(int(n) for n in rng.integers(2, 9, size=3)), (2, 784, 128)]
    return [
        call("layer_forward", rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out))
        for n, n_in, n_out in shapes
    ]


def _network(rng, n, n_in, n_hidden, n_out):
    return (
        rng.normal(size=(n, n_in)),
        rng.normal(size=(n_hidden, n_in)) * 0.5,
        rng.normal(size=n_hidden),
        rng.normal(size=(n_out, n_hidden)) * 0.5,
        rng.normal(size=n_out),
    )


@two_layer.check(
    "two_layer_forward on the test cell's example and random values of its shapes",
    points=2,
    hint="A1 = tanh(X W1^T + b1) and Y_hat = sigmoid(A1 W2^T + b2); return (A1, Y_hat)",
)
def two_layer_example(rng):
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    W1, b1 = np.array([[1.0, -1.0], [0.5, 0.5], [-2.0, 1.0]]), np.array([0.0, 0.1, 0.2])
    return [
        call("two_layer_forward", X, W1, b1, np.array([[1.0, -2.0, 0.5]]), np.array([0.3])),
        call("two_layer_forward", *_network(rng, 2, 2, 3, 1)),
    ]


@two_layer.check(
    "the hidden activations A1 and the output Y_hat on random inputs, and the digit network's shapes, 784 -> 128 -> 10",
    points=2,
    hidden=True,
    hint="A1 = tanh(X W1^T + b1) is the first item of the pair; the output layer reads A1 (not X) and "
    "applies the sigmoid; nothing in the function may assume a size",
)
def two_layer_random(rng):
    X, W1, b1, W2, b2 = _network(rng, 6, 4, 5, 3)
    hidden = probe("result = two_layer_forward(X, W1, b1, W2, b2)[0]", X=X, W1=W1, b1=b1, W2=W2, b2=b2).describe(
        f"A1 of two_layer_forward with X {X.shape}, W1 {W1.shape}, W2 {W2.shape}"
    )
    X, W1, b1, W2, b2 = _network(rng, 7, 3, 4, 2)
    output = probe("result = two_layer_forward(X, W1, b1, W2, b2)[1]", X=X, W1=W1, b1=b1, W2=W2, b2=b2).describe(
        f"Y_hat of two_layer_forward with X {X.shape}, W1 {W1.shape}, W2 {W2.shape}"
    )
    X, W1, b1, W2, b2 = _network(rng, 5, 784, 128, 10)
    digits = call("two_layer_forward", rng.random((5, 784)), W1 * 0.05, b1, W2, b2).describe(
        "two_layer_forward on the digit network's shapes, 784 -> 128 -> 10"
    )
    return [hidden, output, digits]


# ---------------------------------------------------------------- part 4
def count_slips(sizes):
    """(wrong count, what it forgot) for the usual slips in counting a network's parameters, in order."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(n_out * n_in for n_in, n_out in pairs)
    biases = sum(sizes[1:])
    return [
        (weights, "you counted the weights only: every neuron of layers 1 to L also has its own bias"),
        (weights + biases + sizes[0], "the inputs are not neurons: they pass their values on and have no bias"),
        (weights + sum(sizes[:-1]), "a layer has one bias per neuron (its n_l), not one per input it reads"),
        (int(np.prod(sizes)), "the layers' counts add up; the sizes of all layers do not multiply"),
        (
            sum(sizes),
            "that is the number of neurons and inputs; a layer of n_l neurons reading n_(l-1) values "
            "has n_l x n_(l-1) weights",
        ),
    ]


def _count_feedback(got, expected, probe):
    value = single_number(got)
    if value is None:
        return "expected one whole number, the count of weights and biases"
    if value == expected:
        return None
    sizes = probe.inputs["_arg0"]
    for wrong, advice in count_slips(sizes):
        if value == wrong and wrong != expected:
            return f"{sizes} has {expected:g} parameters, not {value:g}: {advice}"
    return (
        f"{sizes} has {expected:g} parameters, not {value:g}: layer l has n_l x n_(l-1) weights "
        f"and n_l biases; add them up over the layers"
    )


def _bias_feedback(got, expected, probe):
    value = single_number(got)
    if value is None:
        return "expected one number, the bias"
    if abs(value - expected) <= 1e-9 + 1e-7 * abs(expected):
        return None
    x, w = np.asarray(probe.inputs["_arg0"]), np.asarray(probe.inputs["_arg1"])
    said = f"the bias is {expected:.4g}, not {value:.4g}"
    if abs(value + expected) <= 1e-9 + 1e-7 * abs(expected):
        return f"{said}: sign. sigmoid(z) = 0.5 where z = w . x + b = 0, so b = -(w . x)"
    if abs(value - 0.5) < 1e-12:
        return f"{said}: 0.5 is the output you want; the bias is the number that makes z = 0"
    if value == 0:
        return f"{said}: a zero bias gives 0.5 only when w . x is 0 already"
    if abs(value + float(np.sum(x) + np.sum(w))) < 1e-9 or abs(value + float(np.sum(x))) < 1e-9:
        return f"{said}: w . x sums the products w_i x_i"
    return f"{said}: sigmoid(z) is 0.5 exactly where z = 0"


def _random_sizes(rng, layers):
    return [int(n) for n in rng.integers(1, 40, size=layers + 1)]


@predictions.check(
    "A: parameter_count of the digit network and of random networks of 1 to 4 layers",
    points=1,
    hidden=True,
    compare=_count_feedback,
    hint="lesson 1, 'A layer is a matrix product': W^l has n_l x n_(l-1) entries and b^l has n_l",
)
def count_prediction(rng):
    return [call("parameter_count", [784, 128, 10])] + [
        call("parameter_count", _random_sizes(rng, layers)) for layers in (1, 2, 3, 4)
    ]


@predictions.check(
    "B: bias_for_half for the worked example's inputs and for random neurons",
    points=1,
    hidden=True,
    compare=_bias_feedback,
    hint="lesson 1, 'The activation function': where is sigmoid(z) = 0.5?",
)
def bias_prediction(rng):
    probes = [call("bias_for_half", np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0]))]
    for n in (1, 3, int(rng.integers(4, 10))):
        probes.append(call("bias_for_half", rng.normal(size=n), rng.normal(size=n)))
    return probes
