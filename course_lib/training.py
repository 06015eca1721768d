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
    """Training blew up: the loss became infinite or NaN, or grew enormously. ``what`` says how, in
    words ("the loss grew to 3.1e+04")."""

    def __init__(self, message: str, what: str = ""):
        super().__init__(message)
        self.what = what


class Divergence:
    """The rule that says a run blew up: a batch loss that is NaN or infinite, or more than
    ``factor`` times the first batch loss this rule saw. One rule can watch several ``train`` calls
    that continue one run, so "the first loss" stays the run's first."""

    def __init__(self, factor: float = 1e4):
        self.factor = real_number(factor, "the divergence factor", positive=True)
        self.first_loss = None

    def verdict(self, loss: float) -> str | None:
        """What went wrong with this batch loss, in words, or None if nothing did."""
        if self.first_loss is None and np.isfinite(loss):
            self.first_loss = max(abs(loss), 1e-12)
        if not np.isfinite(loss):
            return "the loss became NaN or infinite"
        if abs(loss) > self.factor * self.first_loss:
            return f"the loss grew to {loss:.3g}"
        return None


@dataclass
class History:
    """Per-epoch record of a training run; every list has one entry per epoch.

    ``loss`` and ``accuracy`` are averaged over the epoch's batches (measured as
    training went, weighted by batch size); ``grad_norms``, when asked for, is each layer's
    ||dL/dW^l|| of the data loss, a plain mean over the epoch's batches: how strongly each
    layer is pushed (lesson 7's vanishing gradients).
    ``val_loss`` and ``val_accuracy`` are measured on the validation data after each epoch, and stay empty without it. Every loss here
    is the data's loss alone, without the weight-decay penalty, so runs with
    different penalties compare fairly.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)  # if asked for: per epoch, each layer's ||dL/dW^l||

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


def l1_penalty(rate: float):
    """A ``penalty`` hook for ``train``: the L1 penalty ``rate * sum_l sum|W^l|``, whose gradient
    ``rate * sign(W^l)`` it adds to each weight's gradient (biases are not penalised)."""
    rate = real_number(rate, "the L1 rate", minimum=0.0)

    def add_l1_gradient(grads, net):
        for W, g in zip(net.weights, grads.weights):
            g += rate * np.sign(W)

    return add_l1_gradient


def train(
    net,
    X,
    Y,
    *,
    epochs: int = 10,
    batch_size: int | None = 32,
    learning_rate: float = 0.1,
    seed=0,
    validation: tuple | None = None,
    callback=None,
    weight_decay: float = 0.0,
    penalty=None,
    divergence: Divergence | None = None,
    record_grad_norms: bool = False,
) -> History:
    """Train ``net`` in place by mini-batch gradient descent; return its ``History``.

    Parameters
    ----------
    net : a ``course_lib.MLP``.
    X : (n_samples, sizes[0]) inputs.  Y : targets, as ``MLP.backward`` takes them.
    epochs : passes over the data.  batch_size : samples per step (None: all).
    learning_rate : the step size eta in ``w <- w - eta dL/dw``.
    seed : seed of the shuffling, or a ``numpy.random.Generator`` to go on shuffling with.
    validation : optional ``(X_val, Y_val)`` measured after each epoch.
    callback : optional ``callback(epoch, history, net)`` called after each epoch
        (epoch counts from 1); returning ``False`` stops training early.
    weight_decay : lambda of the L2 penalty ``(lambda/2) sum_l ||W^l||^2`` (0: none). Each
        step then follows the gradient of loss + penalty: ``dL/dW^l + lambda W^l``.
    penalty : optional ``penalty(grads, net)`` that adds another penalty's gradient to
        ``grads`` in place before each step (L1, say); the losses recorded stay the data's.
    divergence : the ``Divergence`` rule to judge the batch losses by (default: a new one,
        a loss over 1e4 times the first).
    record_grad_norms : also record ``history.grad_norms`` (it costs about a tenth more time).

    Raises ``DivergenceError`` (with the epoch, batch and a suggestion) when the loss
    becomes NaN or infinite or explodes, or the weights do, instead of carrying on with NaN
    weights. The weights are then as the last step taken left them.
    """
    epochs = whole_number(epochs, "epochs", 0)
    learning_rate = real_number(learning_rate, "learning_rate", positive=True)
    weight_decay = real_number(weight_decay, "weight_decay", minimum=0.0)
    # The whole data set is checked once here; each batch then goes straight to the
    # network's unchecked math (the documented fast path), as slices of checked arrays.
    X, Y = net.prepare(X, Y)
    labels = labels_from_outputs(Y, net.output_activation)  # once, not at every batch
    n = X.shape[0]
    if n == 0:
        raise CourseError(f"X has shape {X.shape}: training needs at least one sample")
    batch_size = n if batch_size is None else whole_number(batch_size, "batch_size (or None for all)", 1)
    if validation is not None:
        X_val, Y_val = net.prepare(*validation)
        val_labels = labels_from_outputs(Y_val, net.output_activation)

    rng = np.random.default_rng(seed)  # a Generator given as seed is used as it is
    divergence = Divergence() if divergence is None else divergence
    if not isinstance(divergence, Divergence):
        raise CourseError(f"divergence must be a Divergence rule, e.g. Divergence(1e4), got {divergence!r}")
    if penalty is not None and not callable(penalty):
        raise CourseError(f"penalty must be a function penalty(grads, net), e.g. l1_penalty(0.01), got {penalty!r}")
    history = History()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        loss_sum, correct, norms = 0.0, 0, np.zeros(len(net.weights))
        for batch, start in enumerate(range(0, n, batch_size), start=1):
            index = order[start : start + batch_size]
            Xb, Yb = X[index], Y[index]
            # Overflow on the way to divergence is expected; it is reported below, in words.
            with np.errstate(all="ignore"):
                grads = net.backward_unchecked(net.trace_unchecked(Xb), Yb)
            loss = grads.loss
            what = divergence.verdict(loss)
            if what is not None:
                raise _diverged(what, epoch, batch, divergence, learning_rate)
            if record_grad_norms:
                norms += [np.sqrt(np.sum(g * g)) for g in grads.weights]
            if weight_decay:
                add_weight_decay(grads, net, weight_decay)  # dL/dW^l += lambda W^l; biases untouched
            if penalty is not None:
                penalty(grads, net)
            net.step_unchecked(grads, learning_rate)
            loss_sum += loss * len(index)
            correct += _count_correct(grads.trace.activations[-1], labels[index], net)
        if not all(np.isfinite(p).all() for p in net.parameters()):
            raise _diverged("the weights became NaN or infinite", epoch, batch, divergence, learning_rate)
        history.loss.append(loss_sum / n)
        history.accuracy.append(correct / n)
        if record_grad_norms:
            history.grad_norms.append((norms / batch).tolist())
        if validation is not None:
            trace = net.trace_unchecked(X_val)
            history.val_loss.append(net.loss_unchecked(trace, Y_val))
            history.val_accuracy.append(_count_correct(trace.activations[-1], val_labels, net) / X_val.shape[0])
        if callback is not None and callback(epoch, history, net) is False:
            break
    return history


def _diverged(what: str, epoch: int, batch: int, divergence: Divergence, learning_rate: float) -> DivergenceError:
    if divergence.first_loss is None:
        start = "no finite loss came before it"
    else:
        start = (
            "it started" if what.startswith("the loss") else "the loss started"
        ) + f" at {divergence.first_loss:.3g}"
    return DivergenceError(
        f"training diverged at epoch {epoch}, batch {batch}: {what} "
        f"({start}) with learning_rate={learning_rate:g}. "
        f"Try a smaller learning rate, e.g. {learning_rate / 10:g}.",
        what,
    )
