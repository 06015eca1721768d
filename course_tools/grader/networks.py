"""The grader's own view of a network that a submission returns as plain arrays.

Exercises that ask for a trained network (ex09, ex10) get back a dict of weights,
biases and a hidden activation's name. The grader never runs the learner's forward
pass: ``network_problem`` says in words what is wrong with such a dict, and
``network_scores`` computes the outputs with the grader's own numpy.
"""

from __future__ import annotations

import numpy as np

from course_lib import get_activation


def network_problem(params, n_inputs: int, n_classes: int, max_parameters: int, classes: str = "class") -> str | None:
    """Why ``params`` ({"weights", "biases", "hidden_activation", ...}) is not a well-formed
    ``n_inputs`` -> ``n_classes`` network; None when it is. ``classes`` names one output ("digit")."""
    if not isinstance(params, dict) or not {"weights", "biases", "hidden_activation"} <= set(params):
        return "expected a dict with keys 'weights', 'biases' and 'hidden_activation'"
    weights, biases, name = params["weights"], params["biases"], params["hidden_activation"]
    if not isinstance(weights, (list, tuple)) or not isinstance(biases, (list, tuple)) or not weights:
        return "'weights' and 'biases' must be non-empty lists of arrays"
    if len(weights) != len(biases):
        return f"there are {len(weights)} weight matrices but {len(biases)} bias vectors"
    if not isinstance(name, str):
        return f"'hidden_activation' must be an activation name (a string), got {type(name).__name__}"
    try:
        if get_activation(name).name == "softmax":
            return "'hidden_activation' cannot be 'softmax'; use e.g. 'tanh' or 'relu'"
    except (KeyError, ValueError) as exc:  # course_lib's UnknownNameError lists the valid names
        return str(exc)
    n_in, total = n_inputs, 0
    for l, (W, b) in enumerate(zip(weights, biases)):
        if not isinstance(W, np.ndarray) or not isinstance(b, np.ndarray) or W.dtype.kind != "f" or b.dtype.kind != "f":
            return f"weights[{l}] and biases[{l}] must be float arrays"
        if W.ndim != 2 or W.shape[1] != n_in:
            return f"weights[{l}] has shape {W.shape}, expected (units, {n_in}): each layer takes the previous one's outputs"
        if b.shape != (W.shape[0],):
            return f"biases[{l}] has shape {b.shape}, expected ({W.shape[0]},) to match weights[{l}]"
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            return f"weights[{l}] or biases[{l}] hold NaN or infinity: training diverged (learning rate too large?)"
        n_in, total = W.shape[0], total + W.size + b.size
    if n_in != n_classes:
        return f"the last layer gives {n_in} scores, expected {n_classes} (one per {classes})"
    if total > max_parameters:
        return f"the network has {total} parameters; keep it under {max_parameters}"
    return None


def network_labels(params, A: np.ndarray) -> np.ndarray:
    """The class of each row of inputs A (n, n_inputs): the hidden activation after every layer but the
    last, then the largest of the last layer's scores. params: accepted by ``network_problem``. -> (n,) int."""
    f = get_activation(params["hidden_activation"])
    for W, b in zip(params["weights"][:-1], params["biases"][:-1]):
        A = f(A @ np.asarray(W, dtype=np.float64).T + b)
    return np.argmax(A @ np.asarray(params["weights"][-1], dtype=np.float64).T + params["biases"][-1], axis=1)


def accuracy_shortfall(
    params,
    X: np.ndarray,
    y: np.ndarray,
    *,
    problem,
    predict,
    target: float,
    where: str,
    n_classes: int,
    verb: str = "classifies",
) -> str | None:
    """Why the network ``params`` falls short of ``target`` accuracy on X, y; None when it reaches it.

    ``problem(params)`` explains a malformed network first; ``predict(params, X)`` gives labels (n,);
    ``where`` names the data in the message ("the grader's held-out digits").
    """
    why = problem(params)
    if why:
        return why
    with np.errstate(all="ignore"):  # an overflowing network is simply wrong, not an error of the grader
        score = float(np.mean(predict(params, X) == y))
    if score >= target:
        return None
    return (
        f"the trained network {verb} {score:.1%} of {where} correctly; it needs at least {target:.0%} "
        f"(chance is {1 / n_classes:.0%})"
    )
