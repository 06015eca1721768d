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
trains, so the picture follows the slider without a backlog. The picture is drawn from numbers
with Pillow (``plot_axes`` on ``raster``) at the size it is shown: the heat map and the axes once, the
curves and the circle per move.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


import ipywidgets as widgets
import numpy as np

from ..data import spirals
from ..network import MLP
from ..validation import CourseError, ShapeError, as_array, whole_number

from .base import LessonWidget
from .plot_axes import TEXT_PX, Picture, PixelAxes, colour_bar, decade_label
from .raster import BLACK, WHITE, colourize, lut_through
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


# The picture, drawn from numbers with Pillow (``plot_axes`` on ``raster``) at the size it is shown
# (and twice that in pixels). Boxes are (left, top, right, bottom) in CSS pixels: room on the left of
# each for its two-line axis label and tick labels, above for a title, below for ticks and a label.
WIDTH, HEIGHT = 900, 380
CURVE_BOX = (144, 36, 430, 328)
MAP_BOX = (572, 36, 812, 328)  # 15 rates x 9 batch sizes: 16 px a column
BAR_BOX = (826, 36, 842, 328)
CHOSEN, FULL, START_LINE = (31, 119, 180), (140, 140, 140), (204, 204, 204)  # matplotlib's tab:blue, 0.55, 0.8
RED, DIVERGED_CELL = (214, 39, 40), (191, 191, 191)  # tab:red; grey 0.75 for a diverged run's cell
DRAWN_CAP = 1e6  # a diverged run's loss (up to inf) is drawn at most this high: far above the axes
# Viridis (matplotlib's default map: dark blue through green to yellow, read by colour-blind readers too),
# sampled at 17 even steps and interpolated: dark for the lowest loss, yellow for the highest.
_VIRIDIS = (
    (68, 1, 84), (72, 24, 106), (71, 45, 123), (66, 64, 134), (59, 82, 139), (51, 99, 141),
    (44, 114, 142), (38, 130, 142), (33, 145, 140), (31, 160, 136), (40, 174, 128), (63, 188, 115),
    (94, 201, 98), (132, 212, 75), (173, 220, 48), (216, 226, 25), (253, 231, 37),
)  # fmt: skip


# Computed by raster's function, not one of this module's: the grader closes this module's functions
# for some exercises, and the module must still import.
VIRIDIS = lut_through(_VIRIDIS)


def _visible_pieces(px: np.ndarray, py: np.ndarray, top: float, bottom: float) -> list[np.ndarray]:
    """The polyline through (px, py) cut to the rows top..bottom: (n, 2) pieces, each ending exactly at the
    edge where the curve leaves (a diverged run's curve runs up to the top edge, not to its last point inside)."""
    pieces, current = [], []

    def close():
        if len(current) > 1:
            pieces.append(np.array(current))
        current.clear()

    for x0, y0, x1, y1 in zip(px[:-1], py[:-1], px[1:], py[1:]):
        if y1 != y0:  # the part of the segment between the two edges, as fractions of the way along it
            ta, tb = (top - y0) / (y1 - y0), (bottom - y0) / (y1 - y0)
            lo, hi = max(0.0, min(ta, tb)), min(1.0, max(ta, tb))
        else:
            lo, hi = (0.0, 1.0) if top <= y0 <= bottom else (1.0, 0.0)
        if lo > hi:
            close()
            continue
        end = (x0 + hi * (x1 - x0), y0 + hi * (y1 - y0))
        if not (current and lo == 0.0):  # the segment starts a new piece (at the edge it comes in through)
            close()
            current.append((x0 + lo * (x1 - x0), y0 + lo * (y1 - y0)))
        current.append(end)
        if hi < 1.0:  # it leaves through an edge
            close()
    close()
    return pieces


def _dashes(piece: np.ndarray, dash: float = 7.0, gap: float = 5.0) -> list[np.ndarray]:
    """A polyline (n, 2) cut into dashes of ``dash`` pixels along its length, ``gap`` pixels apart."""
    steps = np.hypot(*np.diff(piece, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    dashes, start = [], 0.0
    while start < along[-1]:
        stop = min(start + dash, along[-1])
        inner = (along > start) & (along < stop)
        ends = [np.interp(s, along, piece[:, k]) for s in (start, stop) for k in (0, 1)]
        dashes.append(np.vstack([ends[:2], piece[inner], ends[2:]]))
        start += dash + gap
    return dashes


class MinibatchExplorer(LessonWidget):
    """Left: training loss against examples seen for the chosen batch size and learning
    rate (grey: full-batch descent at the same rate). Right: the final loss of every
    pair on the grid, the chosen one circled. Controls: ``learning_rate`` and
    ``batch_size`` (both snap to the grid); the readout gives steps, loss and test accuracy.

    The picture is drawn from numbers with Pillow (``plot_axes`` on ``raster``) into ``canvas``: what never
    changes (the heat map, the colour bar, axes and labels) once, then per update only the curves, the
    circle, the title and the notes. ``drawn_curves()`` and ``marked_cell()`` give what was drawn last.
    """

    PICTURE = (
        "Left: the training loss against examples seen for the chosen batch size and learning rate, "
        "with full-batch descent at the same rate in grey. Right: a grid of the final loss for every "
        "batch size and rate, the chosen pair circled."
    )

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
        self.canvas = Picture(WIDTH, HEIGHT)
        grid = self.grid
        finite = grid.final_loss[np.isfinite(grid.final_loss)]
        self.start_loss = float(grid.runs[0].loss[0, 0])
        # Data units of the curves: x examples seen, y log10 of the loss (the axis is a log scale).
        self.curve_axes = PixelAxes(
            self.canvas,
            CURVE_BOX,
            (0, grid.epochs * grid.n_train),
            (np.log10(0.5 * finite.min()), np.log10(3 * self.start_loss)),
        )
        # The heat map's cells sit at whole numbers: x the rate's index, y the batch size's (1 at the bottom).
        self.map_axes = PixelAxes(self.canvas, MAP_BOX, (-0.5, len(rates) - 0.5), (-0.5, len(sizes) - 0.5))
        self.colour_range = (float(np.log10(finite.min())), float(np.log10(self.start_loss)))  # log10 of the loss
        self.best = np.argmin(grid.final_loss, axis=1)  # each batch size's best rate, by index
        self._draw_still()
        super().__init__(controls)
        self.image.layout = widgets.Layout(width=f"{WIDTH}px", height=f"{HEIGHT}px")

    @property
    def learning_rate(self) -> float:
        """The chosen learning rate (the slider holds its index in the grid)."""
        return float(self.grid.learning_rates[self.value("learning_rate")])

    @property
    def run(self) -> tuple[SGDRuns, int]:
        """The runs of the chosen batch size and the index of the chosen rate among them."""
        return self.grid.runs[self.grid.batch_sizes.index(self.value("batch_size"))], self.value("learning_rate")

    # ------------------------------------------------------------------ drawn once
    def map_colours(self, final_loss: np.ndarray) -> np.ndarray:
        """The heat map's colour of each final loss: viridis over log10 of the loss between the best run's
        and the starting loss, grey where the run diverged (inf or NaN). (..., 3) uint8."""
        with np.errstate(divide="ignore", invalid="ignore"):
            shown = np.log10(np.asarray(final_loss, dtype=np.float64))
        rgb = colourize(shown, *self.colour_range, lut=VIRIDIS)
        rgb[~np.isfinite(shown)] = DIVERGED_CELL
        return rgb

    def _draw_still(self) -> None:
        """Everything that no slider changes, kept as the background each update starts from."""
        c, grid = self.canvas, self.grid
        c.clear()
        ax = self.curve_axes
        ax.hline(float(np.log10(self.start_loss)), START_LINE)  # the starting loss: where every run begins
        seen = range(0, grid.epochs * grid.n_train + 1, 2500)
        ax.frame(xlabel="examples seen", xticks=seen, xtick_labels=map(str, seen), yticks=[], grid=False)
        decades = range(int(np.ceil(ax.ylim[0])), int(np.floor(ax.ylim[1])) + 1)
        ax.log_ticks(list(decades))  # its y label would be one line: ours takes two, beside the widest tick label
        ax.side_label("training\nloss", max(c.text_width(decade_label(d), TEXT_PX) for d in decades))

        m = self.map_axes
        cols, rows = m.pixel_grid()  # data coordinates of each pixel: round to the cell it lies in
        cells = self.map_colours(grid.final_loss)
        m.image(cells[np.rint(rows).astype(int), np.rint(cols).astype(int)])
        decades = [k for k, r in enumerate(grid.learning_rates) if np.isclose(np.log10(r), round(np.log10(r)))]
        m.frame(
            title="final loss; grey: diverged",
            xlabel="learning rate η",
            ylabel="batch\nsize B",
            grid=False,
            xticks=decades,
            xtick_labels=[_rate_label(grid.learning_rates[k]) for k in decades],
            yticks=range(len(grid.batch_sizes)),
            ytick_labels=[str(b) for b in grid.batch_sizes],
        )
        for i, k in enumerate(self.best):  # white dots: each batch size's best rate
            x, y = (float(v) for v in m.px(k, i))
            c.ellipse((x - 3, y - 3, x + 3, y + 3), fill=WHITE)
        self._colour_bar()
        self._still = c.image.copy(), list(c.texts)

    def _colour_bar(self) -> None:
        low, high = self.colour_range
        ticks = [(d, decade_label(d)) for d in range(int(np.ceil(low)), int(np.floor(high)) + 1)]
        colour_bar(self.canvas, BAR_BOX, low, high, lambda values: colourize(values, low, high, lut=VIRIDIS), ticks)

    # ------------------------------------------------------------------ drawn per update
    def update(self) -> None:
        grid = self.grid
        runs, r = self.run
        batch = self.value("batch_size")
        diverged = bool(runs.diverged[r])
        self.title = f"B = {batch}, η = {_rate_label(self.learning_rate)}: {runs.steps} steps"
        self.note = "diverged" if diverged else ""
        full = grid.runs[-1]
        self._curves = {
            "chosen": (runs.examples_seen, np.minimum(runs.loss[r], DRAWN_CAP)),
            "full-batch": (full.examples_seen, np.minimum(full.loss[r], DRAWN_CAP)),
        }
        self._marked = (int(r), grid.batch_sizes.index(batch))
        self._draw()
        self._write_readout(runs, r, batch, diverged)
        self.render()

    def _draw(self) -> None:
        c, ax, m = self.canvas, self.curve_axes, self.map_axes
        still, texts = self._still
        c.image.paste(still)
        c.texts = list(texts)
        for name, colour in (("full-batch", FULL), ("chosen", CHOSEN)):
            x, y = self._curves[name]
            px, py = ax.px(x, np.log10(y))
            for piece in _visible_pieces(px, py, ax.top, ax.bottom):
                for part in _dashes(piece) if name == "full-batch" else [piece]:
                    c.line(part, colour, width=2)
        # Lower left in the curves' box, drawn over them: full batch (dashed grey), then the chosen B (blue).
        entries = (("full batch", FULL, True), ("chosen B", CHOSEN))
        ax.legend(entries, x=ax.left + 6, y=ax.bottom - 6 - ax.legend_height(entries))
        if self.note:  # mid-height: a diverged run's curve leaves through the top, near the starting loss's line
            c.text((ax.right - 9, ax.top + 0.45 * (ax.bottom - ax.top)), self.note, RED, anchor="rm")
        ax.title(self.title)
        x, y = (float(v) for v in m.px(*self._marked))
        c.ellipse((x - 8, y - 8, x + 8, y + 8), outline=BLACK, width=2)

    def render(self) -> None:
        """The canvas as drawn into the image widget, as PNG."""
        self.image.value = self.canvas.png()

    def drawn_curves(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What the curves were drawn from: {"chosen": (x, y), "full-batch": (x, y)}, x the examples seen and
        y the training loss, capped at ``DRAWN_CAP`` (the axes cut a curve off at their top edge)."""
        return {name: (x.copy(), y.copy()) for name, (x, y) in self._curves.items()}

    def marked_cell(self) -> tuple[int, int]:
        """The heat map's circled cell: (index of the chosen rate, index of the chosen batch size)."""
        return self._marked

    def best_cells(self) -> list[tuple[int, int]]:
        """The heat map's white dots: (index of the best rate, index of the batch size), one per batch size."""
        return [(int(k), i) for i, k in enumerate(self.best)]

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
