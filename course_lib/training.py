"""Mini-batch stochastic gradient descent, with a history and a divergence alarm.

Each epoch shuffles the samples, cuts them into batches, and for every batch
runs forward, backward and one gradient-descent step. Full-batch descent is
``batch_size=None``; pure SGD is ``batch_size=1``.

L2 weight decay (``weight_decay=lam``) adds the penalty ``(lam/2) sum_l ||W^l||^2``
to the loss: weights only, not biases. Its gradient is ``lam W^l``, so the whole
change to back-propagation is one line, ``dL/dW^l += lam W^l`` (``add_weight_decay``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import labels_from_outputs
from .validation import CourseError, real_number, whole_number


class DivergenceError(CourseError, ArithmeticError):
    """Training blew up: the loss became infinite or NaN, or grew enormously."""


@dataclass
class History:
    """Per-epoch record of a training run; every list has one entry per epoch.

    ``loss`` and ``accuracy`` are averaged over the epoch's batches (measured as
    training went); ``val_loss`` and ``val_accuracy`` are measured on the
    validation data after each epoch, and stay empty without it. Every loss here
    is the data's loss alone, without the weight-decay penalty, so runs with
    different penalties compare fairly.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs were completed."""
        return len(self.loss)


def _count_correct(output: np.ndarray, labels: np.ndarray, net) -> int:
    """How many rows of the batch the net got right. output: (n, n_out), labels: (n,)."""
    return int(np.count_nonzero(labels_from_outputs(output, net.output_activation) == labels))


def l2_penalty(net, weight_decay: float) -> float:
    """The L2 penalty ``(weight_decay / 2) * sum_l ||W^l||^2`` of ``net``'s weights (biases are not penalised)."""
    weight_decay = real_number(weight_decay, "weight_decay", minimum=0.0)
    return 0.5 * weight_decay * sum(float(np.sum(W * W)) for W in net.weights)


def add_weight_decay(grads, net, weight_decay: float):
    """Turn the gradients of the loss into those of loss + ``l2_penalty``, in place; return ``grads``.

    ``grads.weights[l-1]`` (the gradient for ``W^l``, shaped like ``net.weights[l-1]``) gains
    ``weight_decay * W^l``; ``grads.biases`` are left alone.
    """
    weight_decay = real_number(weight_decay, "weight_decay", minimum=0.0)
    for W, g in zip(net.weights, grads.weights):
        g += weight_decay * W
    return grads


def train(
    net,
    X,
    Y,
    *,
    epochs: int = 10,
    batch_size: int | None = 32,
    learning_rate: float = 0.1,
    seed: int | None = 0,
    validation: tuple | None = None,
    callback=None,
    divergence_factor: float = 1e4,
    weight_decay: float = 0.0,
) -> History:
    """Train ``net`` in place by mini-batch gradient descent; return its ``History``.

    Parameters
    ----------
    net : a ``course_lib.MLP``.
    X : (n_samples, sizes[0]) inputs.  Y : targets, as ``MLP.backward`` takes them.
    epochs : passes over the data.  batch_size : samples per step (None: all).
    learning_rate : the step size eta in ``w <- w - eta dL/dw``.
    seed : seed of the shuffling.
    validation : optional ``(X_val, Y_val)`` measured after each epoch.
    callback : optional ``callback(epoch, history, net)`` called after each epoch
        (epoch counts from 1); returning ``False`` stops training early.
    divergence_factor : stop when a batch loss exceeds this multiple of the first one.
    weight_decay : lambda of the L2 penalty ``(lambda/2) sum_l ||W^l||^2`` (0: none). Each
        step then follows the gradient of loss + penalty: ``dL/dW^l + lambda W^l``.

    Raises ``DivergenceError`` (with the epoch, batch and a suggestion) when the loss
    becomes NaN or infinite or explodes, instead of carrying on with NaN weights.
    """
    epochs = whole_number(epochs, "epochs", 0)
    learning_rate = real_number(learning_rate, "learning_rate", positive=True)
    weight_decay = real_number(weight_decay, "weight_decay", minimum=0.0)
    # The whole data set is checked once here; each batch then goes straight to the
    # network's unchecked math (the documented fast path), as slices of checked arrays.
    X, Y = net.prepare(X, Y)
    labels = labels_from_outputs(Y, net.output_activation)  # once, not at every batch
    n = X.shape[0]
    batch_size = n if batch_size is None else whole_number(batch_size, "batch_size (or None for all)", 1)
    if validation is not None:
        X_val, Y_val = net.prepare(*validation)
        val_labels = labels_from_outputs(Y_val, net.output_activation)

    rng = np.random.default_rng(seed)
    history = History()
    first_loss = None
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        loss_sum, correct = 0.0, 0
        for batch, start in enumerate(range(0, n, batch_size), start=1):
            index = order[start : start + batch_size]
            Xb, Yb = X[index], Y[index]
            # Overflow on the way to divergence is expected; it is reported below, in words.
            with np.errstate(all="ignore"):
                grads = net.backward_unchecked(Xb, Yb)
            loss = grads.loss
            if first_loss is None:
                first_loss = max(abs(loss), 1e-12)
            if not np.isfinite(loss) or abs(loss) > divergence_factor * first_loss:
                what = "became NaN or infinite" if not np.isfinite(loss) else f"grew to {loss:.3g}"
                raise DivergenceError(
                    f"training diverged at epoch {epoch}, batch {batch}: the loss {what} "
                    f"(it started at {first_loss:.3g}) with learning_rate={learning_rate:g}. "
                    f"Try a smaller learning rate, e.g. {learning_rate / 10:g}."
                )
            if weight_decay:
                add_weight_decay(grads, net, weight_decay)   # dL/dW^l += lambda W^l; biases untouched
            net.step_unchecked(grads, learning_rate)
            loss_sum += loss * len(index)
            correct += _count_correct(grads.trace.activations[-1], labels[index], net)
        history.loss.append(loss_sum / n)
        history.accuracy.append(correct / n)
        if validation is not None:
            trace = net.trace_unchecked(X_val)
            history.val_loss.append(net.loss_unchecked(trace, Y_val))
            history.val_accuracy.append(_count_correct(trace.activations[-1], val_labels, net) / X_val.shape[0])
        if callback is not None and callback(epoch, history, net) is False:
            break
    return history
