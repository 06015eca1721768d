"""A second, deliberately plain implementation of the course's network, for tests of lessons 07 and 08.

The lessons print numbers computed with course_lib; their tests recompute them
here, written out from the equations with loops over layers, so a bug in
course_lib's MLP or train would show up as a mismatch. Only the initial weights
are taken from course_lib (they are the lessons' stated inputs: seeded draws).

Shapes: weights[l] (n_out, n_in), biases[l] (n_out,), X (n, n_in), Y (n, k).
"""

from __future__ import annotations

import numpy as np

from finite_differences import centred_differences_in_place

LEAK = 0.01


def f(name: str, z: np.ndarray) -> np.ndarray:
    """The activation called ``name`` applied to z."""
    if name == "sigmoid":
        with np.errstate(over="ignore"):  # exp(-z) overflows to inf for z < -709: sigmoid is then 0
            return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return z * (z > 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAK * z)
    if name == "identity":
        return z
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def slope(name: str, z: np.ndarray) -> np.ndarray:
    """f'(z) of the activation called ``name`` (ReLU's slope at 0 taken as 0, as course_lib does)."""
    if name == "sigmoid":
        s = f("sigmoid", z)
        return s - s * s
    if name == "tanh":
        return 1.0 / np.cosh(z) ** 2
    if name == "relu":
        return (z > 0) * 1.0
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAK)
    if name == "identity":
        return np.ones_like(z)
    raise ValueError(name)


def forward(weights, biases, X, hidden: str, output: str = "sigmoid"):
    """Every z and activation: (zs, activations) with activations[0] = X."""
    zs, acts = [], [np.asarray(X, dtype=float)]
    for l, (W, b) in enumerate(zip(weights, biases)):
        z = np.einsum("ni,oi->no", acts[-1], W) + b
        zs.append(z)
        acts.append(f(output if l == len(weights) - 1 else hidden, z))
    return zs, acts


def loss(weights, biases, X, Y, hidden: str, output: str = "sigmoid", kind: str = "bce") -> float:
    """Binary cross-entropy from the logits (``kind="bce"``, sigmoid output), cross-entropy (``"ce"``,
    softmax output, Y one-hot) or mean squared error."""
    zs, acts = forward(weights, biases, X, hidden, output)
    if kind == "ce":
        z = zs[-1]
        top = z.max(axis=1)
        return float(np.mean(top + np.log(np.exp(z - top[:, None]).sum(axis=1)) - np.sum(Y * z, axis=1)))
    if kind == "bce":
        z = zs[-1]
        return float(np.mean(np.logaddexp(0.0, z) - Y * z))
    return float(np.mean((acts[-1] - Y) ** 2))


def backward(weights, biases, X, Y, hidden: str, output: str = "sigmoid", kind: str = "bce"):
    """dL/dW[l] and dL/db[l] for every layer, by the textbook recurrence."""
    zs, acts = forward(weights, biases, X, hidden, output)
    if kind == "ce":
        delta = (acts[-1] - Y) / Y.shape[0]
    elif kind == "bce":
        delta = (acts[-1] - Y) / Y.size
    else:
        delta = 2.0 * (acts[-1] - Y) / Y.size * slope(output, zs[-1])
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        grad_W[l] = np.einsum("no,ni->oi", delta, acts[l])
        grad_b[l] = delta.sum(axis=0)
        if l:
            delta = np.einsum("no,oi->ni", delta, weights[l]) * slope(hidden, zs[l - 1])
    return grad_W, grad_b


def sgd(
    weights,
    biases,
    X,
    Y,
    hidden: str,
    *,
    epochs: int,
    batch_size: int | None,
    learning_rate: float,
    seed: int = 0,
    output: str = "sigmoid",
    kind: str = "bce",
    after_epoch=None,
):
    """Mini-batch gradient descent in course_lib's order (a fresh permutation per epoch); new copies returned.

    ``after_epoch(weights, biases)`` runs after every epoch. Returns (weights, biases, epoch_losses), the
    loss on the whole data after each epoch.
    """
    weights, biases = [W.copy() for W in weights], [b.copy() for b in biases]
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    size = n if batch_size is None else batch_size
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, size):
            rows = order[start : start + size]
            gW, gb = backward(weights, biases, X[rows], Y[rows], hidden, output, kind)
            weights = [W - learning_rate * g for W, g in zip(weights, gW)]
            biases = [b - learning_rate * g for b, g in zip(biases, gb)]
        losses.append(loss(weights, biases, X, Y, hidden, output, kind))
        if after_epoch is not None:
            after_epoch(weights, biases)
    return weights, biases, losses


def accuracy(weights, biases, X, y, hidden: str, output: str = "sigmoid") -> float:
    """Fraction right: for one sigmoid output, 1 when it exceeds 0.5; for several outputs, the largest."""
    p = forward(weights, biases, X, hidden, output)[1][-1]
    if p.shape[1] > 1:
        return float(np.mean(p.argmax(axis=1) == np.ravel(y)))
    return float(np.mean((p[:, 0] > 0.5) == (np.ravel(y) > 0.5)))


def centred_gradient(fun, x: np.ndarray, h: float) -> np.ndarray:
    """(fun(x + h e_i) - fun(x - h e_i)) / 2h for every entry i, on a copy of x."""
    x = x.copy()
    return centred_differences_in_place(lambda: fun(x), x, h)


def shown_in_e_format(shown: float, exact: float, digits: int = 1) -> bool:
    """True when ``exact`` printed with ``.{digits}e`` could read ``shown`` (half a unit in the last place)."""
    if shown == 0.0:
        return abs(exact) < 1e-300
    unit = 10.0 ** (np.floor(np.log10(abs(shown))) - digits)
    return abs(shown - exact) <= 0.5 * unit * 1.001
