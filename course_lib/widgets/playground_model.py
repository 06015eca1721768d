"""The training playground's state: data, features, network, training and history. No drawing here.

A ``PlaygroundModel`` holds everything a run depends on in a ``Settings``. Its data sets are
``course_lib.playground_data``'s (``playground_data``, ``feature_columns``, ``split_indices``) and each
epoch is one call of ``course_lib.train`` on a ``course_lib.MLP``, with a shuffling generator and
a ``Divergence`` rule that last the whole run, so ``code()`` prints reading-path code that
replays the run exactly::

    rng = np.random.default_rng(shuffle_seed)
    divergence = Divergence()
    train(net, X_train, y_train, epochs=12, batch_size=10, learning_rate=0.03,
          seed=rng, divergence=divergence)

Two classes use one sigmoid output with binary cross-entropy; more use softmax with categorical
cross-entropy. The two regression data sets ('plane', 'bumps': a number from -1 to 1 at each
point) use one linear output with the mean squared error, as TensorFlow Playground does. Every
loss is a mean over the batch, so the learning rate does not depend on the batch size.

Regularisation adds ``rate * sum|W|`` (L1, ``train``'s ``penalty=l1_penalty(rate)``) or
``rate/2 * sum W**2`` (L2, ``train``'s ``weight_decay=rate``) over every weight matrix (not the
biases) to the loss; the losses recorded and drawn are the data losses alone, and ``penalty()``
is the term for the weights as they are. A weight set by hand (``set_weight``) is part of the run
from then on: the current epoch's losses are those of the edited network.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from course_lib import MLP
from course_lib.playground_data import (
    PLAYGROUND_DOMAIN,
    PLAYGROUND_REGRESSION,
    feature_columns,
    playground_data,
    split_indices,
)
from course_lib.training import Divergence, DivergenceError, l1_penalty, train
from course_lib.validation import CourseError, ShapeError, UnknownNameError, as_array, real_number, whole_number

from .playground_code import run_code
from .playground_settings import (
    KEEPS_TRAINING,
    MAX_CLASSES,
    NEEDS_DATA,
    NEEDS_NETWORK,
    PLAYGROUND_ACTIVATIONS,
    SETTING_NAMES,
    Settings,
    check_setting,
)

__all__ = ["Curves", "PlaygroundModel"]


# ----------------------------------------------------------------- the model
@dataclass
class Curves:
    """What the playground draws over time, one entry per epoch: ``train_loss``/``test_loss`` from epoch 0 (before training) on; ``grad_norms``
    (epochs, n_layers): each layer's ||dL/dW|| averaged over the epoch's batches."""

    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)


class PlaygroundModel:
    """Data, features, an ``MLP`` and its training, driven by ``Settings``.

    ``X``, ``y``: the user's own data (X (n, 2), y (n,) labels of any kind), or None for the
    built-in data sets. After construction: ``X_raw`` (n, 2), ``labels`` (n,) ints 0..k-1,
    ``class_names``, ``train`` / ``test`` index arrays, ``X_train`` (n_train, n_features) etc.,
    ``net`` (the ``MLP``), ``epoch``, ``history``, ``diverged`` (a message or None).
    """

    def __init__(self, settings: Settings | dict | None = None, X=None, y=None):
        given = (
            {}
            if settings is None
            else (dataclasses.asdict(settings) if isinstance(settings, Settings) else dict(settings))
        )
        for name in given:
            if name not in SETTING_NAMES:
                raise UnknownNameError(f"unknown setting {name!r}; valid settings are: {', '.join(SETTING_NAMES)}")
        self.own_data = X is not None or y is not None
        if self.own_data:
            self._own_X, self._own_y, self._own_classes = self._check_own(X, y)
            given.setdefault("dataset", "own")
            if given["dataset"] != "own":
                raise CourseError("with your own X and y the dataset setting must be 'own'")
        elif given.get("dataset") == "own":
            raise CourseError("dataset 'own' needs your data: playground(X, y)")
        self.settings = Settings()
        for name, value in given.items():
            if name != "sample":
                setattr(self.settings, name, check_setting(name, value))
        self._make_data()
        if given.get("sample") is not None:
            self.settings.sample = check_setting("sample", given["sample"], len(self.train))
        self.reset()

    # ---------------------------------------------------------------- input checks
    @staticmethod
    def _check_own(X, y):
        X = as_array(X, "X", dtype=np.float64)
        y_array = np.asarray(y)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ShapeError(
                f"X has shape {X.shape}, expected (n_samples, 2): the playground draws two input "
                f"coordinates; y has shape {y_array.shape}"
            )
        if y_array.ndim == 2 and y_array.shape[1] == 1:
            y_array = y_array[:, 0]
        if y_array.ndim != 1 or y_array.shape[0] != X.shape[0]:
            raise ShapeError(
                f"X has shape {X.shape} but y has shape {np.shape(y)}: y needs one label per row of X, "
                f"shape ({X.shape[0]},)"
            )
        if y_array.dtype.kind in "fc":
            as_array(y_array, "y")  # NaN or infinity: say where
        classes, labels = np.unique(y_array, return_inverse=True)
        if len(classes) < 2:
            raise CourseError(
                f"y holds a single class ({classes[0]!r} for all {len(y_array)} samples): "
                f"a classifier needs at least two"
            )
        if len(classes) > MAX_CLASSES:
            if y_array.dtype.kind in "fc" and not np.all(np.mod(y_array, 1) == 0):
                raise CourseError(
                    f"y holds {len(classes)} different numbers, but your own data must be class labels: "
                    "the playground does regression only on its own data sets, 'plane' and 'bumps'"
                )
            raise CourseError(f"the playground colours at most {MAX_CLASSES} classes; y has {len(classes)}")
        return X, labels.astype(np.int64).reshape(-1), [str(c) for c in classes]

    # ---------------------------------------------------------------- data and network
    @property
    def regression(self) -> bool:
        """True for 'plane' and 'bumps': ``labels`` are numbers from -1 to 1, the output is linear, the loss MSE."""
        return self.settings.dataset in PLAYGROUND_REGRESSION

    @property
    def n_classes(self) -> int:
        """The number of classes; 0 for a regression data set."""
        return len(self.class_names)

    def _make_data(self) -> None:
        s = self.settings
        if self.own_data:
            self.X_raw, self.labels, self.class_names = self._own_X, self._own_y, list(self._own_classes)
        else:
            self.X_raw, self.labels = playground_data(s.dataset, s.n_samples, s.noise, s.classes, s.data_seed)
            self.class_names = [] if self.regression else [str(k) for k in range(int(self.labels.max()) + 1)]
        self.train, self.test = split_indices(len(self.labels), s.train_ratio, s.data_seed)
        self.domain = self._domain()
        if s.sample is not None and s.sample >= len(self.train):
            s.sample = None

    def _domain(self) -> tuple[float, float, float, float]:
        """(x1_min, x1_max, x2_min, x2_max) of the pictures."""
        if not self.own_data:
            return (-PLAYGROUND_DOMAIN, PLAYGROUND_DOMAIN, -PLAYGROUND_DOMAIN, PLAYGROUND_DOMAIN)
        low, high = self.X_raw.min(axis=0), self.X_raw.max(axis=0)
        pad = np.maximum(0.1 * (high - low), 1e-3 * np.maximum(np.abs(low), 1.0))
        pad = np.where(high - low > 0, pad, 1.0)
        return (float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1]))

    @property
    def sizes(self) -> list[int]:
        s = self.settings
        return [len(s.features), *s.hidden, self.n_classes if self.n_classes > 2 else 1]

    def network_spec(self) -> dict:
        """The ``MLP`` keyword arguments of this setup."""
        output, loss = (
            ("identity", "mse")
            if self.regression
            else ("sigmoid", "binary_cross_entropy")
            if self.n_classes == 2
            else ("softmax", "cross_entropy")
        )
        return dict(
            hidden_activation=PLAYGROUND_ACTIVATIONS[self.settings.activation],
            output_activation=output,
            loss=loss,
            seed=self.settings.init_seed,
        )

    def reset(self) -> None:
        """The same starting weights again (from ``init_seed``), epoch 0, an empty history."""
        s = self.settings
        features = feature_columns(self.X_raw, s.features)
        self.X_train, self.X_test = features[self.train], features[self.test]
        self.y_train, self.y_test = self.labels[self.train], self.labels[self.test]
        self.net = MLP(self.sizes, **self.network_spec())
        self.initial_parameters = [p.copy() for p in self.net.parameters()]
        self._rng = np.random.default_rng(s.shuffle_seed)
        self.epoch = 0
        self.diverged = None
        self._divergence = Divergence()  # one rule for the whole run: its first loss is epoch 1's first
        self.segments = []  # what happened since the reset, for code(): ("train", settings, epochs) / ("edit", ...)
        self.history = Curves()
        self._record_losses()

    def new_weights(self) -> None:
        """Other random starting weights (the next ``init_seed``), then ``reset``."""
        self.settings.init_seed += 1
        self.reset()

    def regenerate(self) -> None:
        """New data of the same kind (the next ``data_seed``) and a fresh network."""
        if self.own_data:
            raise CourseError("your own data cannot be regenerated; pass other X, y to playground()")
        self.settings.data_seed += 1
        self._make_data()
        self.reset()

    def set(self, **changes) -> str:
        """Change settings by name; return what had to happen: 'data', 'network', 'training' or 'view'.

        New data or a new architecture starts a new run (``reset``); the learning rate, batch
        size and penalty change the ongoing run, as in TensorFlow Playground.
        """
        checked = {}
        for name, value in changes.items():
            n_train = len(self.train) if name == "sample" else None
            checked[name] = check_setting(name, value, n_train)
        if "dataset" in checked and (checked["dataset"] == "own") != self.own_data:
            raise CourseError("dataset 'own' needs playground(X, y); with your own data it stays 'own'")
        changed = {n: v for n, v in checked.items() if getattr(self.settings, n) != v}
        for name, value in changed.items():
            setattr(self.settings, name, value)
        if changed.keys() & NEEDS_DATA:
            self._make_data()
            self.reset()
            return "data"
        if changed.keys() & NEEDS_NETWORK:
            self.reset()
            return "network"
        if changed.keys() & KEEPS_TRAINING:
            return "training"
        return "view"

    def set_weight(self, layer: int, to: int, source: int, value: float) -> None:
        """Set one weight by hand: ``net.weights[layer][to, source] = value`` (layer 0 takes the features)."""
        layer = whole_number(layer, "layer", 0)
        if layer >= self.net.n_layers:
            raise CourseError(f"layer must be 0 to {self.net.n_layers - 1}, got {layer}")
        W = self.net.weights[layer]
        to, source = whole_number(to, "to", 0), whole_number(source, "source", 0)
        if to >= W.shape[0] or source >= W.shape[1]:
            raise ShapeError(f"weights[{layer}] has shape {W.shape}; there is no entry [{to}, {source}]")
        W[to, source] = real_number(value, "value")
        self.segments.append(("edit", layer, to, source, float(value)))
        # The losses of epoch N are now those of the edited network: the readout, the header and the loss
        # chart's last point show the network as it is, not as it was before the edit.
        self.history.train_loss.pop()
        self.history.test_loss.pop()
        self._record_losses()

    # ---------------------------------------------------------------- training
    def _record_losses(self) -> None:
        with np.errstate(all="ignore"):
            self.history.train_loss.append(self.net.loss(self.X_train, self.y_train))
            self.history.test_loss.append(self.net.loss(self.X_test, self.y_test) if len(self.test) else math.nan)

    def step(self, epochs: int = 1) -> bool:
        """Train ``epochs`` epochs; False (with ``diverged`` set and the last good weights back) if it blew up."""
        self.diverged = None  # a new attempt: the message comes back if it diverges again
        for _ in range(whole_number(epochs, "epochs", 0)):
            if not self._epoch():
                return False
        return True

    def _epoch(self) -> bool:
        s, net = self.settings, self.net
        before = [p.copy() for p in net.parameters()]
        # A diverged epoch is undone whole, its shuffle too, so code() replays the run exactly.
        shuffle_state, first_loss = self._rng.bit_generator.state, self._divergence.first_loss
        try:
            # Overflow on the way to divergence is expected; it is reported in words, once.
            with np.errstate(all="ignore"):
                run = train(
                    net,
                    self.X_train,
                    self.y_train,
                    epochs=1,
                    batch_size=s.batch_size,
                    learning_rate=s.learning_rate,
                    seed=self._rng,
                    divergence=self._divergence,
                    record_grad_norms=True,
                    **self._penalty_arguments(),
                )
        except DivergenceError as error:
            return self._diverge(before, error.what, shuffle_state, first_loss)
        self.epoch += 1
        key = (s.learning_rate, s.batch_size, s.regularization, s.regularization_rate)
        if self.segments and self.segments[-1][0] == "train" and self.segments[-1][1] == key:
            self.segments[-1] = ("train", key, self.segments[-1][2] + 1)
        else:
            self.segments.append(("train", key, 1))
        self.history.grad_norms.append(np.array(run.grad_norms[0]))
        self._record_losses()
        return True

    def penalty(self) -> float:
        """The regularisation term of the current weights: ``rate * sum|W|`` (L1), ``rate/2 * sum W**2`` (L2), or 0.

        Summed over every weight matrix, not the biases. It is what the penalty adds to the loss that training
        minimises; the losses recorded in ``history`` are the data losses alone.
        """
        s = self.settings
        if s.regularization == "none" or s.regularization_rate == 0:
            return 0.0
        with np.errstate(all="ignore"):
            if s.regularization == "L1":
                return float(s.regularization_rate * sum(np.sum(np.abs(W)) for W in self.net.weights))
            return float(s.regularization_rate / 2 * sum(np.sum(W * W) for W in self.net.weights))

    def next_batch(self) -> np.ndarray:
        """The first mini-batch the next epoch will train on: positions in ``X_train`` (batch_size,) or fewer.

        Read from a copy of the shuffling generator, so looking changes nothing about the run.
        """
        return copy.deepcopy(self._rng).permutation(len(self.X_train))[: self.settings.batch_size]

    def _penalty_arguments(self) -> dict:
        """``train``'s arguments for the chosen penalty: L2 is its weight decay, L1 a penalty hook."""
        s = self.settings
        if s.regularization == "none" or s.regularization_rate == 0:
            return {}
        if s.regularization == "L2":
            return {"weight_decay": s.regularization_rate}
        return {"penalty": l1_penalty(s.regularization_rate)}

    def _diverge(self, before, what: str, shuffle_state, first_loss) -> bool:
        # The epoch is undone whole: weights, shuffle, and the first loss its rule may have taken.
        for p, saved in zip(self.net.parameters(), before):
            p[...] = saved
        self._rng.bit_generator.state = shuffle_state
        self._divergence.first_loss = first_loss
        lr = self.settings.learning_rate
        self.diverged = (
            f"Training diverged in epoch {self.epoch + 1}: {what} with learning rate {lr:g}. "
            f"Training stopped and the weights are back where they were after epoch {self.epoch}. "
            f"Try a smaller learning rate, e.g. {lr / 10:g}."
        )
        return False

    # ---------------------------------------------------------------- what the pictures need
    def grid(self, resolution: int) -> np.ndarray:
        """Points of a resolution x resolution grid over the domain, row 0 at the top: (resolution**2, 2)."""
        x0, x1, y0, y1 = self.domain
        xs = np.linspace(x0, x1, resolution)
        ys = np.linspace(y1, y0, resolution)
        gx, gy = np.meshgrid(xs, ys)
        return np.column_stack([gx.ravel(), gy.ravel()])

    def neuron_maps(self, resolution: int) -> list[np.ndarray]:
        """Every node's value over the grid: one (resolution, resolution, n_units) array per layer,
        the input features first and the network's output last."""
        F = feature_columns(self.grid(resolution), self.settings.features)
        with np.errstate(all="ignore"):
            trace = self.net.trace(F)
        return [a.reshape(resolution, resolution, -1) for a in trace.activations]

    def probabilities(self, activations_out: np.ndarray) -> np.ndarray:
        """Class probabilities (..., n_classes) from the network's output (..., n_out)."""
        if self.n_classes == 2:
            return np.concatenate([1 - activations_out, activations_out], axis=-1)
        return activations_out

    def sample_gradients(self):
        """``net.backward`` of the chosen training sample alone (``settings.sample``), or None."""
        i = self.settings.sample
        if i is None:
            return None
        with np.errstate(all="ignore"):
            return self.net.backward(self.X_train[i : i + 1], self.y_train[i : i + 1])

    def dead_units(self) -> list[int]:
        """Per hidden layer, how many units output 0 for every training sample (dead ReLUs)."""
        if self.settings.activation != "relu":
            return [0] * len(self.settings.hidden)
        with np.errstate(all="ignore"):
            trace = self.net.trace(self.X_train)
        return [int(np.sum(np.all(a <= 0, axis=0))) for a in trace.activations[1:-1]]

    def accuracy(self, which: str = "train") -> float:
        """The share of ``which`` ('train' or 'test') samples classified right; NaN without any, or for regression."""
        X, y = (self.X_train, self.y_train) if which == "train" else (self.X_test, self.y_test)
        if not len(y) or self.regression:
            return math.nan
        with np.errstate(all="ignore"):
            return self.net.accuracy(X, y)

    # ---------------------------------------------------------------- export
    def settings_dict(self) -> dict:
        """The setup as a plain dictionary: ``playground(settings=d)`` (with the same X, y if own) rebuilds it."""
        d = dataclasses.asdict(self.settings)
        d["features"], d["hidden"] = list(d["features"]), list(d["hidden"])
        return d

    def code(self) -> str:
        """Plain course_lib code that reproduces this run from epoch 0 to now, weight edits included."""
        return run_code(self)
