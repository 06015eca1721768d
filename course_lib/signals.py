"""The seven-step "signal" recipe of back-propagation, for a network with one hidden layer.

James D. McCaffrey's way of saying back-propagation (from his talks on it), turned
into one small function per step, numbered as he numbers them. Arrays hold one row per sample: ``X (n, p)`` inputs, ``hidden (n, h)``,
``output`` and targets ``T (n, k)``; ``W_hidden (h, p)``, ``W_out (k, h)`` as in
``course_lib.MLP`` (``z = W a_prev + b``).

1. Goal: change the weights and biases so the outputs y move toward the targets t.
2. Each parameter changes by its "weight delta", learning rate x its gradient (the update,
   not the textbook error term delta):                         ``signal_update``
3. A weight's gradient = signal of the node it points to x its input value:
   ``weight_gradients`` (a bias's input is always 1: ``bias_gradients``).
4. Hidden-to-output gradients: output signals x hidden values (step 3).
5. Output signal = (t - y) x f'(z_out):                        ``output_layer_signals``
6. Input-to-hidden gradients: hidden signals x input values (step 3).
7. Hidden signal = (sum over outputs of signal x connecting weight) x f'(z_hidden):
   ``hidden_layer_signals``.

``recipe_step`` runs all seven in the order the work needs: 5 and 7, then 4 and 6, then 2
(the stepper widget replays them node by node).

Which loss, and which sign
--------------------------
The recipe's signal ``(t - y) f'(z)`` is exactly ``-dE/dz`` for the half sum of
squares ``E = 1/2 sum_samples sum_outputs (t - y)^2`` (``loss="half_sse"``).
course_lib's ``mse`` is the mean over all ``n * k`` numbers,
``L = 1/(n k) sum (y - t)^2``, so ``L = (2 / (n k)) E`` and every signal, gradient
and step is ``2 / (n k)`` times the recipe's (``mse_scale``; ``loss="mse"``
applies it). For ONE sample with TWO outputs the factor is 2 / 2 = 1: the
recipe's numbers are the library's to the last digit.

With either loss, signal = ``-dL/dz`` (``MLP.backward``'s ``grads.signals``;
its ``grads.deltas`` are the textbook ``dL/dz``), the recipe's gradient is
``-dL/dw``, and the update ``w + eta * signal * input`` equals the textbook
``w - eta * dL/dw`` (``delta_update``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation, get_activation
from .validation import CourseError, as_inputs, as_parameters, as_targets, lookup, real_number

LOSS_SCALES = {
    # (n_samples, n_outputs) -> the factor turning recipe signals into -dL/dz of that loss.
    "half_sse": lambda n, k: 1.0,
    "mse": lambda n, k: 2.0 / (n * k),
}


def mse_scale(n_samples: int, n_outputs: int) -> float:
    """``2 / (n_samples * n_outputs)``: course_lib's mse signals are the recipe's times this."""
    return LOSS_SCALES["mse"](n_samples, n_outputs)


def _elementwise(activation) -> Activation:
    """The recipe's activations, checked once where a network enters (``one_hidden_layer``)."""
    f = get_activation(activation)
    if f.name == "softmax":
        raise CourseError(
            "the signal recipe here needs an elementwise activation (sigmoid, tanh, identity, relu, "
            "leaky_relu); a softmax output goes with cross-entropy, whose output signal is simply t - y"
        )
    return f


# ---------------------------------------------------------------- the steps
def forward(X, W_hidden, b_hidden, W_out, b_out, hidden_activation="sigmoid", output_activation="sigmoid"):
    """The forward pass: ``z_hidden, hidden, z_out, output``.

    Shapes: X (n, p), W_hidden (h, p), b_hidden (h,), W_out (k, h), b_out (k,)
    -> z_hidden, hidden (n, h) and z_out, output (n, k).
    """
    z_hidden = X @ W_hidden.T + b_hidden
    hidden = get_activation(hidden_activation)(z_hidden)
    z_out = hidden @ W_out.T + b_out
    output = get_activation(output_activation)(z_out)
    return z_hidden, hidden, z_out, output


def output_layer_signals(T, output, z_out, activation="sigmoid", scale: float = 1.0) -> np.ndarray:
    """Step 5: ``scale * (t - y) * f'(z_out)``, one signal per sample and output node.

    Shapes: T, output, z_out (n, k) -> (n, k). ``scale`` is 1 for the recipe's own
    loss and ``mse_scale(n, k)`` for course_lib's mse.
    """
    return scale * (T - output) * get_activation(activation).derivative(z_out)


def hidden_layer_signals(out_signals, W_out, z_hidden, activation="sigmoid") -> np.ndarray:
    """Step 7: ``(sum_k out_signals[:, k] * W_out[k, j]) * f'(z_hidden[:, j])``.

    The sum runs over the output nodes hidden node j feeds: the matrix product
    with ``W_out`` (its transpose in column-vector notation). Shapes:
    out_signals (n, k), W_out (k, h), z_hidden (n, h) -> (n, h).
    """
    return (out_signals @ W_out) * get_activation(activation).derivative(z_hidden)


def weight_gradients(signals, inputs) -> np.ndarray:
    """Steps 3, 4, 6: gradient of the weight from node i to node j = signal_j * input_i.

    Summed over the samples of a batch. Shapes: signals (n, m) of the receiving
    layer, inputs (n, q) of the sending layer -> (m, q), shaped like the weights.
    This is the recipe's "gradient": it equals ``-dL/dW``.
    """
    return signals.T @ inputs


def bias_gradients(signals) -> np.ndarray:
    """A bias is a weight whose input is always 1: the signals summed over samples. (n, m) -> (m,)."""
    return signals.sum(axis=0)


def signal_update(param, gradient, learning_rate: float) -> np.ndarray:
    """Step 2 in the signal convention: ``param + learning_rate * gradient`` (a new array).

    ``gradient`` is the recipe's (signal x input); shapes alike, any shape.
    """
    return param + learning_rate * gradient


def delta_update(param, dL_dparam, learning_rate: float) -> np.ndarray:
    """The textbook step: ``param - learning_rate * dL/dparam``. Same result as ``signal_update``."""
    return param - learning_rate * dL_dparam


# ---------------------------------------------------------------- all seven steps
@dataclass
class RecipeStep:
    """Every quantity of one training step by the recipe.

    ``z_hidden``, ``hidden``, ``hidden_signals``: (n, h); ``z_out``, ``output``,
    ``output_layer_signals``: (n, k); gradients ``grad_W_hidden`` (h, p), ``grad_b_hidden``
    (h,), ``grad_W_out`` (k, h), ``grad_b_out`` (k,) (the recipe's, = -dL/dparam);
    the updated parameters ``new_*`` shaped like the parameters; ``scale`` the loss
    factor applied to the signals (see ``LOSS_SCALES``).
    """

    X: np.ndarray
    T: np.ndarray
    z_hidden: np.ndarray
    hidden: np.ndarray
    z_out: np.ndarray
    output: np.ndarray
    output_signals: np.ndarray
    hidden_signals: np.ndarray
    grad_W_out: np.ndarray
    grad_b_out: np.ndarray
    grad_W_hidden: np.ndarray
    grad_b_hidden: np.ndarray
    new_W_hidden: np.ndarray
    new_b_hidden: np.ndarray
    new_W_out: np.ndarray
    new_b_out: np.ndarray
    scale: float


def one_hidden_layer(net):
    """The parameters and activations of a (checked) MLP with exactly one hidden layer."""
    sizes = getattr(net, "sizes", None)
    if sizes is None or len(sizes) != 3:
        raise CourseError(
            f"the signal recipe here is for a network with exactly one hidden layer, "
            f"e.g. MLP([2, 2, 2]); got layer sizes {sizes}"
        )
    as_parameters(net.weights, net.biases, sizes, net.dtype)
    W_hidden, W_out = (np.asarray(W, dtype=np.float64) for W in net.weights)
    b_hidden, b_out = (np.asarray(b, dtype=np.float64) for b in net.biases)
    return W_hidden, b_hidden, W_out, b_out, _elementwise(net.hidden_activation), _elementwise(net.output_activation)


def samples(X, T, n_in: int, n_out: int):
    """X as (n, n_in) and T as (n, n_out) float64; a single sample may be 1-D."""
    X, _ = as_inputs(X, n_in, np.float64)
    return X, as_targets(T, X.shape[0], n_out, np.float64)


def recipe_step(net, X, T, learning_rate: float, loss: str = "mse") -> RecipeStep:
    """One training step of ``net`` (an MLP with one hidden layer) by the seven-step recipe.

    X: (n, p) or one sample (p,); T: (n, k) or (k,). ``loss="mse"`` scales the
    signals by ``mse_scale(n, k)`` so they equal ``net.backward(X, T).signals`` for
    course_lib's mse; ``loss="half_sse"`` keeps the recipe's raw ``(t - y) f'(z)``.
    ``net`` is not changed: the updated parameters are in the result.
    """
    W_hidden, b_hidden, W_out, b_out, f_hidden, f_out = one_hidden_layer(net)
    X, T = samples(X, T, W_hidden.shape[1], W_out.shape[0])
    scale = lookup(loss, LOSS_SCALES, "loss")(*T.shape)
    learning_rate = real_number(learning_rate, "learning_rate", positive=True)

    z_hidden, hidden, z_out, output = forward(X, W_hidden, b_hidden, W_out, b_out, f_hidden, f_out)
    s_out = output_layer_signals(T, output, z_out, f_out, scale)  # step 5
    s_hidden = hidden_layer_signals(s_out, W_out, z_hidden, f_hidden)  # step 7
    grad_W_out, grad_b_out = weight_gradients(s_out, hidden), bias_gradients(s_out)  # step 4
    grad_W_hidden, grad_b_hidden = weight_gradients(s_hidden, X), bias_gradients(s_hidden)  # step 6
    return RecipeStep(  # step 2
        X,
        T,
        z_hidden,
        hidden,
        z_out,
        output,
        s_out,
        s_hidden,
        grad_W_out,
        grad_b_out,
        grad_W_hidden,
        grad_b_hidden,
        signal_update(W_hidden, grad_W_hidden, learning_rate),
        signal_update(b_hidden, grad_b_hidden, learning_rate),
        signal_update(W_out, grad_W_out, learning_rate),
        signal_update(b_out, grad_b_out, learning_rate),
        scale,
    )
