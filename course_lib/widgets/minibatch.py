"""Lesson 09's widget: mini-batch gradient descent at equal compute, with learning-rate and batch-size sliders.

Every run sees the same number of training examples (``epochs`` passes over the
data), so a batch of ``B`` examples buys ``B`` times fewer steps than single-example
descent. Under the mean-over-batch convention a step's size does not grow with
``B``: the gradient is the *mean* of the batch's per-example gradients. So at equal
compute a bigger batch needs a bigger learning rate to travel as far, until the
rate hits the limit where descent becomes unstable.

``sgd_runs`` trains one small network (2 -> hidden tanh -> classes softmax, mean
cross-entropy) for several learning rates at once: the runs start from the same
weights and see the batches in the same order, so they differ only in the rate.
The widget computes every (batch size, learning rate) pair of its grid once, when
it is built, and then only looks results up: moving a slider redraws, it never
trains, so the picture follows the slider without a backlog.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


import ipywidgets as widgets
import numpy as np
from matplotlib.colors import LogNorm

from ..data import spirals
from ..network import MLP
from ..validation import CourseError, ShapeError, as_array, whole_number

from ..drawing.described import plain_log_labels
from .base import CSS_DPI, TEXT_PT, LessonWidget
from .blit import BlitPicture
from .single_thread import one_blas_thread

__all__ = [
    "SGDRuns",
    "sgd_runs",
    "MinibatchGrid",
    "minibatch_grid",
    "MinibatchExplorer",
    "minibatch_explorer",
    "BATCH_SIZES",
    "LEARNING_RATES",
]


BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)  # 256: the whole training set, full-batch descent
LEARNING_RATES = tuple(float(10 ** (k / 4)) for k in range(-10, 5))  # 0.0032 .. 10, four per decade
DIVERGED = 2.0  # a run that ends above this multiple of its starting loss (or at NaN) has diverged


@dataclass(frozen=True)
class SGDRuns:
    """Runs of mini-batch descent that differ only in the learning rate.

    ``learning_rates`` (R,); ``examples_seen`` (T,) the points where the loss on the
    whole training set was measured (0 first); ``loss`` (R, T) that loss (inf where it
    overflowed); ``steps`` how many updates each run made; ``weights`` and ``biases``: the
    final parameters, ``weights[l]`` (R, n_out, n_in), ``biases[l]`` (R, n_out).
    """

    batch_size: int
    learning_rates: np.ndarray
    examples_seen: np.ndarray
    loss: np.ndarray
    steps: int
    weights: tuple
    biases: tuple

    @property
    def diverged(self) -> np.ndarray:
        """(R,) bool: the run ended at NaN or infinity, or above ``DIVERGED`` times its starting loss."""
        return ~(self.loss[:, -1] <= DIVERGED * self.loss[:, 0])

    def predict(self, X) -> np.ndarray:
        """Predicted classes of every run: X (n, 2) -> (R, n) int."""
        scores = _forward(self.weights, self.biases, np.asarray(X, dtype=np.float64))[1]
        return scores.argmax(axis=2)

    def accuracy(self, X, y) -> np.ndarray:
        """Fraction right for every run: X (n, 2), y (n,) -> (R,)."""
        return np.mean(self.predict(X) == np.asarray(y)[None, :], axis=1)


def _forward(weights, biases, X: np.ndarray):
    """Hidden tanh activations (R, n, h) and softmax probabilities (R, n, k) of every run, for X (n, d)."""
    W1, W2 = weights
    b1, b2 = biases
    with np.errstate(all="ignore"):  # a diverged run overflows; its loss is reported as inf instead
        hidden = np.tanh(X @ W1.transpose(0, 2, 1) + b1[:, None, :])  # (R, n, h): one matmul per run
        z = hidden @ W2.transpose(0, 2, 1) + b2[:, None, :]
        z = z - z.max(axis=2, keepdims=True)  # softmax is unchanged by a shift; this avoids overflow
        p = np.exp(z)
        p /= p.sum(axis=2, keepdims=True)
    return hidden, p


def _loss(weights, biases, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Mean cross-entropy of every run on X (n, d), one-hot Y (n, k) -> (R,); inf where diverged."""
    p = _forward(weights, biases, X)[1]
    with np.errstate(all="ignore"):
        loss = -np.mean(np.sum(Y[None] * np.log(np.clip(p, 1e-300, None)), axis=2), axis=1)
    return np.where(np.isfinite(loss), loss, np.inf)


def sgd_runs(
    X, y, learning_rates, batch_size: int, epochs: int, hidden: int = 16, seed: int = 0, record_every: int = 64
) -> SGDRuns:
    """Train one network per learning rate by mini-batch descent; all alike but for the rate.

    X (n, d) inputs, y (n,) int class labels. The network is
    ``MLP([d, hidden, k], "tanh", "softmax", "cross_entropy", seed=seed)`` (its initial
    weights are copied into every run). Each epoch shuffles with
    ``np.random.default_rng(seed).permutation`` (one generator for the whole run, the
    way ``course_lib.train`` does it) and cuts the order into batches of
    ``batch_size``. Each step: gradient of the batch's *mean* loss, then
    ``param -= rate * gradient``. The loss on all of X is recorded at the start and
    whenever the number of examples seen reaches a multiple of ``record_every``
    (for batches larger than that, after every step).
    """
    X = as_array(X, "X", ndim=2, dtype=np.float64)
    labels = as_array(y, "y", ndim=1)
    if len(labels) != len(X):
        raise ShapeError(f"X has shape {X.shape} and y has shape {labels.shape}; they need the same number of rows")
    rates = np.asarray(learning_rates, dtype=np.float64).reshape(-1)
    if rates.size == 0 or not np.all(np.isfinite(rates) & (rates > 0)):
        raise CourseError(f"learning_rates must be positive numbers, got {learning_rates!r}")
    n, d = X.shape
    batch_size = min(whole_number(batch_size, "batch_size", 1), n)
    epochs = whole_number(epochs, "epochs", 1)
    record_every = whole_number(record_every, "record_every", 1)
    k = int(labels.max()) + 1
    Y = np.eye(k)[labels]
    start = MLP([d, whole_number(hidden, "hidden", 1), k], "tanh", "softmax", "cross_entropy", seed=seed)
    R = rates.size
    weights = [np.repeat(W[None], R, axis=0) for W in start.weights]
    biases = [np.repeat(b[None], R, axis=0) for b in start.biases]
    eta = rates[:, None]

    rng = np.random.default_rng(seed)
    seen, steps = 0, 0
    recorded_at, losses = [0], [_loss(weights, biases, X, Y)]
    for _ in range(epochs):
        order = rng.permutation(n)
        for begin in range(0, n, batch_size):
            batch = order[begin : begin + batch_size]
            Xb, Yb = X[batch], Y[batch]
            a1, p = _forward(weights, biases, Xb)
            with np.errstate(all="ignore"):
                dz2 = (p - Yb[None]) / len(batch)  # dL/dz of the mean cross-entropy
                gW2 = dz2.transpose(0, 2, 1) @ a1  # (R, k, h)
                dz1 = (dz2 @ weights[1]) * (1 - a1**2)  # (R, n, h)
                gW1 = dz1.transpose(0, 2, 1) @ Xb  # (R, h, d)
                for param, grad in (
                    (weights[0], gW1),
                    (biases[0], dz1.sum(axis=1)),
                    (weights[1], gW2),
                    (biases[1], dz2.sum(axis=1)),
                ):
                    param -= eta.reshape((R,) + (1,) * (param.ndim - 1)) * grad
            seen += len(batch)
            steps += 1
            if seen % record_every == 0 or len(batch) >= record_every or seen == epochs * n:
                if recorded_at[-1] != seen:
                    losses.append(_loss(weights, biases, X, Y))
                    recorded_at.append(seen)
    return SGDRuns(batch_size, rates, np.array(recorded_at), np.array(losses).T, steps, tuple(weights), tuple(biases))


@dataclass(frozen=True)
class MinibatchGrid:
    """Every (batch size, learning rate) run of the widget's grid, at equal compute.

    ``runs[i]``: the ``SGDRuns`` of ``batch_sizes[i]`` over all ``learning_rates``;
    ``final_loss`` (n_batch_sizes, n_rates) the training loss at the end (inf: the run diverged);
    ``test_accuracy`` (n_batch_sizes, n_rates) on the held-out points.
    """

    batch_sizes: tuple
    learning_rates: np.ndarray
    epochs: int
    runs: tuple
    final_loss: np.ndarray
    test_accuracy: np.ndarray
    n_train: int

    def best_rates(self) -> np.ndarray:
        """For each batch size, the learning rate with the lowest final training loss: (n_batch_sizes,)."""
        return self.learning_rates[np.argmin(self.final_loss, axis=1)]


@lru_cache(maxsize=4)
def minibatch_grid(
    epochs: int = 30, n_train: int = 256, noise: float = 0.3, hidden: int = 16, seed: int = 0
) -> MinibatchGrid:
    """The widget's grid on three spirals: ``n_train`` training points (seed ``seed``) and
    ``3 n_train`` held-out ones (seed ``seed + 1``), every batch size of ``BATCH_SIZES``
    (capped at ``n_train``) and learning rate of ``LEARNING_RATES``, ``epochs`` passes each.

    Cached: the notebook, the widget and the tests share one computation (about a second).
    """
    X, y = spirals(n_samples=n_train, noise=noise, seed=seed)
    X_test, y_test = spirals(n_samples=3 * n_train, noise=noise, seed=seed + 1)
    sizes = tuple(sorted({min(b, n_train) for b in BATCH_SIZES}))
    rates = np.array(LEARNING_RATES)
    with one_blas_thread():  # thousands of tiny products: BLAS threads would cost more than they give
        runs = tuple(sgd_runs(X, y, rates, b, epochs, hidden=hidden, seed=seed) for b in sizes)
    final = np.array([np.where(run.diverged, np.inf, run.loss[:, -1]) for run in runs])
    accuracy = np.array([run.accuracy(X_test, y_test) for run in runs])
    accuracy[~np.isfinite(final)] = np.nan
    return MinibatchGrid(sizes, rates, epochs, runs, final, accuracy, n_train)


def _rate_label(rate: float) -> str:
    return f"{rate:.2g}"


class MinibatchExplorer(LessonWidget):
    """Left: training loss against examples seen for the chosen batch size and learning
    rate (grey: full-batch descent at the same rate). Right: the final loss of every
    pair on the grid, the chosen one circled. Controls: ``learning_rate`` and
    ``batch_size`` (both snap to the grid); the readout gives steps, loss and test accuracy.
    """

    PICTURE = (
        "Left: the training loss against examples seen for the chosen batch size and learning rate, "
        "with full-batch descent at the same rate in grey. Right: a grid of the final loss for every "
        "batch size and rate, the chosen pair circled."
    )

    FIGSIZE = (10.0, 4.2)  # inches, at CSS_DPI on the page

    def __init__(self, learning_rate: float = 0.1, batch_size: int = 16, grid: MinibatchGrid | None = None):
        self.grid = minibatch_grid() if grid is None else grid
        rates, sizes = self.grid.learning_rates, self.grid.batch_sizes
        if batch_size not in sizes:
            raise CourseError(f"batch_size must be one of {list(sizes)}, got {batch_size!r}")
        rate_index = int(np.argmin(np.abs(np.log10(rates) - np.log10(float(learning_rate)))))
        if not np.isclose(rates[rate_index], learning_rate, rtol=1e-6):
            valid = ", ".join(_rate_label(r) for r in rates)
            raise CourseError(f"learning_rate must be one of the grid's rates ({valid}), got {learning_rate!r}")
        controls = {
            "learning_rate": widgets.SelectionSlider(
                options=[(_rate_label(r), i) for i, r in enumerate(rates)],
                value=rate_index,
                description="learning rate η",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="380px"),
            ),
            "batch_size": widgets.SelectionSlider(
                options=[(f"{b} (all)" if b == self.grid.n_train else str(b), b) for b in sizes],
                value=batch_size,
                description="batch size B",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="340px"),
            ),
        }
        # Drawn at twice the pixels of its on-screen size (900 x 378): sharp on dense screens and projectors.
        super().__init__(controls, figsize=self.FIGSIZE, dpi=2 * CSS_DPI)
        width, height = (round(inches * CSS_DPI) for inches in self.FIGSIZE)
        self.image.layout = widgets.Layout(width=f"{width}px", height=f"{height}px")

    @property
    def learning_rate(self) -> float:
        """The chosen learning rate (the slider holds its index in the grid)."""
        return float(self.grid.learning_rates[self.value("learning_rate")])

    @property
    def run(self) -> tuple[SGDRuns, int]:
        """The runs of the chosen batch size and the index of the chosen rate among them."""
        return self.grid.runs[self.grid.batch_sizes.index(self.value("batch_size"))], self.value("learning_rate")

    def _setup_axes(self) -> None:
        """Draw what never changes once (the heat map, labels); keep the artists that move."""
        fig, grid = self.figure, self.grid
        fig.set_layout_engine("none")  # a fixed layout: the constrained one would be recomputed every render
        self._curve_ax, self._map_ax = fig.subplots(
            1, 2, gridspec_kw=dict(width_ratios=(1.1, 1), left=0.105, right=0.89, bottom=0.19, top=0.89, wspace=0.42)
        )
        ax = self._curve_ax
        (self._full_line,) = ax.plot([], [], "--", color="0.55", lw=1.2, label="full batch", gid="full-batch")
        (self._line,) = ax.plot([], [], color="tab:blue", lw=1.4, label="chosen B", gid="chosen")
        ax.set_yscale("log")
        ax.set_xlim(0, grid.epochs * grid.n_train)
        finite = grid.final_loss[np.isfinite(grid.final_loss)]
        start_loss = float(grid.runs[0].loss[0, 0])
        ax.set_ylim(0.5 * finite.min(), 3 * start_loss)
        ax.axhline(start_loss, color="0.8", lw=0.8)
        ax.set_xticks(range(0, grid.epochs * grid.n_train + 1, 2500))
        ax.set_xlabel("examples seen", fontsize=TEXT_PT)
        ax.set_ylabel("training loss", fontsize=TEXT_PT)  # on a log scale, as the ticks say
        ax.tick_params(labelsize=TEXT_PT)
        ax.legend(loc="lower left", fontsize=TEXT_PT)
        # Mid-height: a diverged run's curve leaves through the top, and the starting loss's line is near it.
        self._diverged_note = ax.text(
            0.97, 0.55, "", transform=ax.transAxes, ha="right", va="center", color="tab:red", fontsize=TEXT_PT
        )

        shown = np.where(np.isfinite(grid.final_loss), grid.final_loss, np.nan)
        cmap = self._cmap()
        image = self._map_ax.imshow(
            shown, cmap=cmap, norm=LogNorm(vmin=finite.min(), vmax=start_loss), aspect="auto", origin="lower"
        )
        bar = fig.colorbar(image, ax=self._map_ax, fraction=0.05, pad=0.03)
        bar.ax.tick_params(labelsize=TEXT_PT)
        decades = [k for k, r in enumerate(grid.learning_rates) if np.isclose(np.log10(r), round(np.log10(r)))]
        self._map_ax.set_xticks(decades, [_rate_label(grid.learning_rates[k]) for k in decades])
        self._map_ax.set_yticks(range(len(grid.batch_sizes)), [str(b) for b in grid.batch_sizes])
        self._map_ax.tick_params(labelsize=TEXT_PT)
        self._map_ax.set_xlabel("learning rate η", fontsize=TEXT_PT)
        self._map_ax.set_ylabel("batch size B", fontsize=TEXT_PT)
        best = np.argmin(grid.final_loss, axis=1)
        self._map_ax.plot(best, range(len(grid.batch_sizes)), "w.", ms=5, gid="best-rates")
        self._map_ax.set_title("final loss; grey: diverged", fontsize=TEXT_PT)
        (self._marker,) = self._map_ax.plot([], [], "o", mfc="none", mec="black", mew=2, ms=11, gid="marker")
        self._title = ax.set_title(" ", fontsize=TEXT_PT)
        plain_log_labels(fig)  # 1e-3, not 10 to a superscript drawn at 70%
        # Only these change: draw everything else once and paste it back before each update (blitting).
        self._picture = BlitPicture(fig, (self._full_line, self._line, self._marker, self._diverged_note, self._title))

    @staticmethod
    def _cmap():
        from matplotlib import colormaps

        return colormaps["viridis"].with_extremes(bad="0.75")

    def update(self) -> None:
        if not hasattr(self, "_curve_ax"):
            self._setup_axes()
        grid = self.grid
        runs, r = self.run
        full = grid.runs[-1]
        batch = self.value("batch_size")
        self._line.set_data(runs.examples_seen, np.minimum(runs.loss[r], 1e6))
        self._full_line.set_data(full.examples_seen, np.minimum(full.loss[r], 1e6))
        self._marker.set_data([r], [grid.batch_sizes.index(batch)])
        diverged = bool(runs.diverged[r])
        self._diverged_note.set_text("diverged" if diverged else "")
        self._title.set_text(f"B = {batch}, η = {_rate_label(self.learning_rate)}: {runs.steps} steps")
        self._write_readout(runs, r, batch, diverged)
        self.render()

    def render(self) -> None:
        """Only the moving artists are redrawn over the axes drawn once (``blit.BlitPicture``)."""
        self.image.value = self._picture.png()

    def _write_readout(self, runs: SGDRuns, r: int, batch: int, diverged: bool) -> None:
        grid = self.grid
        i = grid.batch_sizes.index(batch)
        best = grid.best_rates()[i]
        text = (
            f"Batch size B = {batch}, learning rate η = {_rate_label(self.learning_rate)}: "
            f"{runs.steps} steps of {batch} example{'s' if batch > 1 else ''} "
            f"({grid.epochs} passes over {grid.n_train} examples). "
        )
        if diverged:
            text += "<b>It diverged</b>: the loss blew up. Try a smaller learning rate."
        else:
            text += f"Final training loss {runs.loss[r, -1]:.3g}, test accuracy {100 * grid.test_accuracy[i, r]:.1f}%."
        text += f"<br>For B = {batch} the best rate on the grid is η = {_rate_label(best)}."
        self.readout.value = text


def minibatch_explorer(learning_rate: float = 0.1, batch_size: int = 16) -> MinibatchExplorer:
    """A widget to see how batch size and learning rate interact at equal compute.

    Both sliders snap to the grid of ``minibatch_grid()`` (batch sizes ``BATCH_SIZES``,
    learning rates ``LEARNING_RATES``); building it the first time trains the whole grid
    (about a second), after which it only redraws.
    """
    return MinibatchExplorer(learning_rate, batch_size)
