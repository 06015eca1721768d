"""Grading spec of ex01_neuron_and_layer: a neuron, a layer, a two-layer forward pass (10 points)."""
import numpy as np

from course_tools.grader.spec import Spec, call, probe

SPEC = Spec("ex01_neuron_and_layer")
neuron = SPEC.part("neuron_tests", "Part 1: one neuron")
layer = SPEC.part("layer_tests", "Part 2: a layer")
two_layer = SPEC.part("two_layer_tests", "Part 3: two layers")

SIGN_HINT = "sigmoid(z) = 1 / (1 + exp(-z)); sigmoid(0) is 0.5"


@neuron.check("sigmoid on the test cell's values and a random array", points=1, hint=SIGN_HINT)
def sigmoid_example(rng):
    return [call("sigmoid", np.array([-2.0, 0.0, 3.0])), call("sigmoid", rng.uniform(-10, 10, size=4))]


@neuron.check("neuron on the worked example and a random neuron", points=1,
              hint="z = w·x + b (-0.9 in the worked example), then the sigmoid")
def neuron_example(rng):
    return [call("neuron", np.array([1.0, 2.0, -1.0]), np.array([0.5, -0.25, 1.0]), 0.1),
            call("neuron", rng.normal(size=3), rng.normal(size=3), float(rng.normal()))]


@neuron.check("sigmoid and neuron on random inputs", points=1, hidden=True,
              hint="the dot product runs over all inputs; the bias is added once; then the sigmoid")
def neuron_random(rng):
    probes = [call("neuron", rng.normal(size=n), rng.normal(size=n), float(rng.normal())) for n in (1, 4, 9)]
    probes.append(call("sigmoid", rng.uniform(-30, 30, size=(3, 2))))
    probes.append(call("sigmoid", float(rng.uniform(-5, 5))))
    return probes


@layer.check("layer_forward on the test cell's example and random values of its shapes", points=1,
             hint="Z = X @ W.T + b: one row per sample, one column per neuron")
def layer_example(rng):
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    W = np.array([[0.5, -1.0], [2.0, 0.0], [-0.5, 0.25], [1.0, 1.0]])
    return [call("layer_forward", X, W, np.array([0.0, 1.0, -1.0, 0.5])),
            call("layer_forward", rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=4))]


@layer.check("layer_forward on random shapes, including one sample and one input", points=2, hidden=True,
             hint="use the sizes of the arguments, never fixed numbers; add b to every row")
def layer_random(rng):
    shapes = [(1, 1, 1), (5, 3, 2), tuple(int(n) for n in rng.integers(2, 9, size=3)), (2, 784, 128)]
    return [call("layer_forward", rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out))
            for n, n_in, n_out in shapes]


def _network(rng, n, n_in, n_hidden, n_out):
    return (rng.normal(size=(n, n_in)), rng.normal(size=(n_hidden, n_in)) * 0.5, rng.normal(size=n_hidden),
            rng.normal(size=(n_out, n_hidden)) * 0.5, rng.normal(size=n_out))


@two_layer.check("two_layer_forward on the test cell's example and random values of its shapes", points=1,
                 hint="A1 = tanh(X W1^T + b1) and Y_hat = sigmoid(A1 W2^T + b2); return (A1, Y_hat)")
def two_layer_example(rng):
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    W1, b1 = np.array([[1.0, -1.0], [0.5, 0.5], [-2.0, 1.0]]), np.array([0.0, 0.1, 0.2])
    return [call("two_layer_forward", X, W1, b1, np.array([[1.0, -2.0, 0.5]]), np.array([0.3])),
            call("two_layer_forward", *_network(rng, 2, 2, 3, 1))]


@two_layer.check("the hidden activations A1 on random inputs", points=1, hidden=True,
                 hint="A1 = tanh(X W1^T + b1), the first item of the pair")
def hidden_random(rng):
    X, W1, b1, W2, b2 = _network(rng, 6, 4, 5, 3)
    return probe("result = two_layer_forward(X, W1, b1, W2, b2)[0]", X=X, W1=W1, b1=b1, W2=W2, b2=b2).describe(
        f"A1 of two_layer_forward with X {X.shape}, W1 {W1.shape}, W2 {W2.shape}")


@two_layer.check("the output Y_hat on random inputs", points=1, hidden=True,
                 hint="the output layer reads A1 (not X) and applies the sigmoid")
def output_random(rng):
    X, W1, b1, W2, b2 = _network(rng, 7, 3, 4, 2)
    return probe("result = two_layer_forward(X, W1, b1, W2, b2)[1]", X=X, W1=W1, b1=b1, W2=W2, b2=b2).describe(
        f"Y_hat of two_layer_forward with X {X.shape}, W1 {W1.shape}, W2 {W2.shape}")


@two_layer.check("the digit network's shapes, 784 -> 128 -> 10", points=1, hidden=True,
                 hint="W1 is (128, 784) and W2 is (10, 128); nothing in the function may assume a size")
def digits_shapes(rng):
    X, W1, b1, W2, b2 = _network(rng, 5, 784, 128, 10)
    return call("two_layer_forward", rng.random((5, 784)), W1 * 0.05, b1, W2, b2)
