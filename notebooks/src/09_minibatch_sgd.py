# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 9. Mini-batches and stochastic gradient descent
#
# So far every step used the gradient over the *whole* training set: with a million
# examples, a million backward passes per step. This lesson steps on the gradient of a
# small random **batch** instead: a noisy estimate, thousands of times cheaper, and the way
# every large network is trained.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - say why a batch's gradient is a noisy, unbiased estimate, and how the noise shrinks;
# - write the mini-batch loop: epochs, shuffling, batches, steps;
# - compare full-batch, mini-batch and single-example descent.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives** (continued). You can also
#
# - match the learning rate to the batch size;
# - choose on validation data, and read the test set once;
# - stop early, and add L2 weight decay (its gradient, checked).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lesson 3 (gradient descent and the learning rate), lesson 6 (training
# a network with `MLP.backward` and `MLP.step`), lesson 2 (cross-entropy).
#
# **Estimated time.** 75 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: the one idea is "a batch's gradient estimates the full gradient". Everything
# else (noise, epochs, the learning-rate/batch-size link) follows from it. Ask the room to
# predict before each run; the "sorted data, no shuffling" run is the crowd-pleaser.

# %% slideshow={"slide_type": "skip"}
import time

import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, data, numerical_gradient, relative_error, train, verdict
from course_lib.drawing import plot_decision_boundary, show_figure
from course_lib.drawing.plots import CLASS_MARKERS
from course_lib.lessons import figure_text
from course_lib.training import add_weight_decay, l2_penalty
from course_lib.widgets.minibatch import minibatch_explorer, minibatch_grid
from course_lib.widgets.raster import CLASS_COLOURS
from course_lib.widgets.playground import playground

np.set_printoptions(precision=4, suppress=True)


# %% [markdown] slideshow={"slide_type": "skip"}
# The pictures of this lesson are drawn by the small functions below, so that each slide shows
# the one line that matters. Read them if you like; nothing in them is new.

# %% slideshow={"slide_type": "skip"}
def plot_losses(curves, x="seen", xlabel="examples seen", ax=None, **style):
    """One line per run: curves maps a label to a record of run_sgd (below); the caller adds the legend."""
    ax = ax or plt.subplots(figsize=(7, 2.75), layout="constrained")[1]
    for (label, record), dashes in zip(curves.items(), ("-", "--", ":", "-.")):
        ax.plot(record[x], record["loss"], label=label, ls=dashes, **style)
    ax.set_yscale("log")
    ax.tick_params(axis="y", which="minor", labelleft=False)   # powers of ten only: fewer, larger labels
    ax.set_xlabel(xlabel)
    ax.set_ylabel("training loss")   # on all 256 points
    return ax


def plot_batch_noise(ax, record, batch_size, title):
    """Each step's batch loss, its running mean over 50 steps, and the loss on all the data."""
    seen = batch_size * np.arange(1, len(record["batch_losses"]) + 1)   # examples seen after each step
    ax.plot(seen, record["batch_losses"], color="0.75", lw=0.6, label="loss of each batch")
    smooth = np.convolve(record["batch_losses"], np.ones(50) / 50, mode="valid")
    ax.plot(seen[49:], smooth, color="tab:orange", ls="--", label="running mean of 50 batches")
    ax.plot(record["seen"], record["loss"], color="tab:blue", label="loss on all 256 points")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 30)
    ax.set_title(title)
    ax.set_xlabel("examples seen")


def plot_rates(grid):
    """Final training loss against the learning rate, one line per batch size (gaps: diverged)."""
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.9, len(grid.batch_sizes)))
    for B, losses, colour in zip(grid.batch_sizes, grid.final_loss, colours):
        ax.plot(grid.learning_rates, np.where(np.isfinite(losses), losses, np.nan), "-o", ms=3, color=colour,
                label=f"B = {B}")
    ax.set(xscale="log", yscale="log", xlabel="learning rate η", ylabel="training loss after 30 epochs")
    ax.set_title("7680 examples each (a gap: diverged)")
    fig.legend(loc="outside right upper")


def plot_data_sizes(sizes, trained, X_new, y_new, shown=(12, 96, 3072)):
    """Accuracy against training-set size, then the decision boundaries of three of the networks."""
    fig = plt.figure(figsize=(9, 2.7), layout="constrained")
    ax = fig.add_subplot(1, 4, 1)
    ax.semilogx(sizes, [trained[s][0].accuracy(trained[s][1], trained[s][2]) for s in sizes], "o-",
                label="training set")
    ax.semilogx(sizes, [trained[s][0].accuracy(X_new, y_new) for s in sizes], "s--", label="3000 new points")
    ax.axhline(1 / 3, color="0.7", ls="--", lw=0.8)
    ax.set(xlabel="labelled training points", ylabel="accuracy")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2)
    for k, size in enumerate(shown, start=2):
        net_n, X_n, y_n = trained[size]
        ax = plot_decision_boundary(net_n, X_n, y_n, ax=fig.add_subplot(1, 4, k), resolution=120)
        ax.set_title(f"{size} points")
        if ax.get_legend() is not None:
            ax.get_legend().remove()


def plot_early_stopping(history, best_epoch):
    """Training and validation loss per epoch, and a line at the epoch of lowest validation loss."""
    fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, label="training loss")
    ax.plot(epochs, history.val_loss, ls="--", label="validation loss")
    ax.axvline(best_epoch, color="0.4", ls=":", label=f"lowest validation loss: epoch {best_epoch}")
    ax.set(xscale="log", yscale="log", xlabel="epoch", ylabel="cross-entropy loss")
    fig.legend(loc="outside lower center", ncol=2)


def plot_boundaries(nets, X, y):
    """One decision-boundary picture per (title, network) in ``nets``, each with the points X (n, 2), y (n,)."""
    fig, axes = plt.subplots(1, len(nets), figsize=(3.1 * len(nets), 2.9), layout="constrained")
    for ax, (title, net_shown) in zip(axes, nets.items()):
        plot_decision_boundary(net_shown, X, y, ax=ax, resolution=150)
        ax.set_title(title)
        if ax.get_legend() is not None:
            ax.get_legend().remove()


# %% [markdown]
# ## The data: three spirals
#
# 256 labelled points on three interleaved spiral arms (the widget's held-out points and the
# last section's come from the same source). Targets are one-hot rows for the softmax output
# and the cross-entropy loss.

# %%
X, y = data.spirals(n_samples=256, noise=0.3, seed=0)
Y = np.eye(3)[y]                        # one-hot targets, (256, 3)
n = len(X)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(3.2, 3.0))
for k in range(3):
    ax.scatter(X[y == k, 0], X[y == k, 1], color=np.array(CLASS_COLOURS[k]) / 255,
               marker=CLASS_MARKERS[k], s=12)
ax.set(aspect="equal", title="256 training points, 3 classes")
show_figure(figure_text.spiral_points(y))

# %% [markdown]
# ## The gradient of a batch is a mean
#
# course_lib's losses are **means** over the samples: $L = \frac1n \sum_i \ell_i$. So the
# gradient of the loss over the whole training set is the mean of the $n$ per-example
# gradients:
#
# $$\nabla L = \frac1n \sum_{i=1}^{n} \nabla \ell_i .$$
#
# Check it on a fresh network: one backward pass over all 256 points against 256 backward
# passes of one point each, averaged.

# %% tags=["worked:mean-gradient"] slideshow={"slide_type": "subslide"}
net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)
full = np.concatenate([g.ravel() for g in net.backward(X, Y).parameters()])
singles = [np.concatenate([g.ravel() for g in
                           net.backward(X[i:i + 1], Y[i:i + 1]).parameters()])
           for i in range(n)]
gap = np.max(np.abs(full - np.mean(singles, axis=0)))
print(f"{full.size} gradient entries;"
      f" full gradient = mean of singles to within 1e-12: {gap < 1e-12}")

# %% [markdown]
# So the gradient of a random **batch** of $B$ points, $\nabla L_B = \frac1B \sum_{i \in
# \text{batch}} \nabla \ell_i$, is the mean of a random sample of those 256 vectors. On
# average it equals the full gradient (it is *unbiased*), but any one batch misses it by
# some amount: the **gradient noise**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** A batch of 4 points estimates the full gradient with some typical
# error. With a batch 4 times larger (16 points), is the error 4 times smaller, 2 times
# smaller, or about the same?
#
# <details><summary>Answer</summary>
#
# About 2 times smaller. The error of a mean of $B$ independent samples shrinks like
# $1/\sqrt{B}$: four times the data halves the noise. (Drawing without replacement from
# only 256 points shrinks it a little more, and to exactly zero when the batch is the
# whole set: the factor $\sqrt{(n-B)/(n-1)}$ below.)
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# Measure it: cut 20 shuffles of the data into batches of $B$, and compare every batch
# gradient with the full one. The *relative error* is $\lVert \nabla L_B - \nabla L \rVert /
# \lVert \nabla L \rVert$, root-mean-squared over all batches. Statistics predicts it from
# the spread $\sigma$ of the single-example gradients around their mean:
# $\frac{\sigma}{\lVert\nabla L\rVert}\,\frac{1}{\sqrt B}\sqrt{\frac{n-B}{n-1}}$ with
# $\sigma^2 = \frac1n\sum_i \lVert \nabla\ell_i - \nabla L\rVert^2$.

# %% tags=["worked:gradient-noise"] slideshow={"slide_type": "subslide"}
singles = np.array(singles)                                   # (256, n_parameters)
sigma = np.sqrt(np.mean(np.sum((singles - full) ** 2, axis=1)))
rng = np.random.default_rng(0)
batch_sizes = [1, 4, 16, 64, 256]
measured, predicted = [], []
for B in batch_sizes:
    errors = []
    for _ in range(20):
        order = rng.permutation(n)
        for start in range(0, n, B):
            batch_gradient = singles[order[start:start + B]].mean(axis=0)
            errors.append(np.sum((batch_gradient - full) ** 2))
    measured.append(np.sqrt(np.mean(errors)) / np.linalg.norm(full))
    predicted.append(sigma / np.linalg.norm(full) / np.sqrt(B) * np.sqrt((n - B) / (n - 1)))
    print(f"B = {B:3d}: relative error {measured[-1]:.4f} measured,"
          f" {predicted[-1]:.4f} predicted")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(4.6, 2.6))
B = np.arange(1, 256)
ax.loglog(B, sigma / np.linalg.norm(full) / np.sqrt(B) * np.sqrt((n - B) / (n - 1)),
          label="predicted")
ax.loglog(batch_sizes[:-1], measured[:-1], "o", label="measured")
ax.set(xlabel="batch size B", ylabel="relative error of\nthe batch gradient")
ax.legend()
show_figure(figure_text.batch_gradient_error(n, batch_sizes, measured))

# %% [markdown]
# The two columns agree to within 3%: the formula foretells the noise. The noise itself is
# large: one example misses the full gradient by about five times its length, a batch of
# 64 by more than half. Yet even one example's gradient points downhill *on average*, at
# 1/256 of the cost. That trade is what this lesson is about.

# %% [markdown]
# ## The mini-batch loop
#
# An **epoch** is one pass over the data: shuffle, cut into batches of $B$, one step per
# batch.
#
# - $B = n$: full-batch descent;
# - $B = 1$: **stochastic** gradient descent;
# - between: **mini-batch** descent.
#
# In code: `for epoch ...: order = rng.permutation(n)`, then for each slice `batch` of
# `order`, `net.step(net.backward(X[batch], Y[batch]), eta)`. The notebook's `run_sgd`
# below is exactly that, plus records for the pictures.

# %% [markdown] slideshow={"slide_type": "skip"}
# `run_sgd` records the loss on the whole training set every 32 examples seen, and the time
# spent on training steps only (not on the recording).

# %% slideshow={"slide_type": "skip"}
def run_sgd(batch_size, learning_rate, X, Y, epochs=30, shuffle=True, seed=0, record_every=32):
    """Train a fresh 2-16-3 network by mini-batch descent; return it and its records.

    records: examples seen, training loss there, seconds of training so far, and every batch's loss.
    """
    net = MLP([2, 16, 3], "tanh", "softmax", "cross_entropy", seed=0)
    rng = np.random.default_rng(seed)
    seen, seconds = [0], [0.0]
    loss, batch_losses = [net.loss(X, Y)], []
    clock = 0.0
    for epoch in range(epochs):
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        for start in range(0, len(X), batch_size):
            tic = time.perf_counter()
            batch = order[start:start + batch_size]
            grads = net.backward(X[batch], Y[batch])
            net.step(grads, learning_rate)
            clock += time.perf_counter() - tic
            batch_losses.append(grads.loss)
            total = epoch * len(X) + start + len(batch)
            if total % record_every == 0 or len(batch) >= record_every:
                seen.append(total)
                loss.append(net.loss(X, Y))
                seconds.append(clock)
    return net, {"seen": np.array(seen), "loss": np.array(loss), "seconds": np.array(seconds),
                 "batch_losses": np.array(batch_losses)}


# %% [markdown]
# ## Three ways down the same hill
#
# Full batch ($B = 256$), mini-batches ($B = 16$) and single examples ($B = 1$), each for
# 30 epochs, so each sees exactly the same $30 \times 256 = 7680$ examples: equal
# **compute**, counted in per-example gradients. Each gets a learning rate that suits it
# (the reason they differ is the subject of a later section).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** Which of the three reaches the lowest loss after 7680 examples? And if
# you plot against wall-clock seconds instead, does the order change?
#
# <details><summary>Answer</summary>
#
# Per example seen, the small batches win by far: $B = 1$ makes 7680 steps, full batch
# makes 30, and 30 steps are nowhere near enough. Per second the picture shifts: one step
# costs a fixed overhead (Python, numpy calls) plus work proportional to $B$, so
# single-example steps are slow *per example*, and mini-batches come out ahead. On a GPU,
# where a batch of hundreds costs about as much as a batch of one, the shift is even larger.
#
# </details>

# %% tags=["worked:three-ways"] slideshow={"slide_type": "subslide"}
settings = {"full batch, B = 256, η = 3.16": (256, 10 ** 0.5),
            "mini-batch, B = 16, η = 3.16": (16, 10 ** 0.5),
            "single example, B = 1, η = 0.316": (1, 10 ** -0.5)}
runs = {name: run_sgd(B, eta, X, Y) for name, (B, eta) in settings.items()}
for name, (net_run, record) in runs.items():
    print(f"{name:>32}: {len(record['batch_losses']):4d} steps,"
          f" {record['seen'][-1]} examples seen")

# %% slideshow={"slide_type": "subslide"}
records = {name: record for name, (_, record) in runs.items()}
fig, (left, right) = plt.subplots(1, 2, figsize=(10.7, 2.7), sharey=True, layout="constrained")
plot_losses(records, ax=left)
plot_losses(records, x="seconds", xlabel="seconds of training (this run)",
            ax=right)
right.set_ylabel("")
fig.legend(*left.get_legend_handles_labels(), loc="outside right upper")
show_figure(figure_text.three_ways(records))

# %% [markdown]
# Per example seen, small batches win by far. Against the clock, single examples pay for
# 7680 steps' overhead, and mini-batches come out ahead.

# %% [markdown] slideshow={"slide_type": "skip"}
# The right-hand picture changes a little every time you run it: wall-clock time depends on
# the machine and on what else it is doing. On another machine the last stretch of the two
# fast runs may differ a little too: at learning rates this close to the edge of stability,
# the last rounding bit of a sum can change which way the weights wander. The shape of the
# curves stays. That is why the course counts **examples seen**
# when it compares methods, and measures time only as a second opinion.

# %% [markdown]
# ## Optional: noise in the loss curve
#
# The loss of each *batch*, which the loop gets for free, jumps around: easy points give a
# low loss, hard ones a high loss. It estimates the full loss, as noisily as the batch is
# small. Below: with its running mean over 50 steps, and the loss on all the data.

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), sharey=True, layout="constrained")
for ax, name in zip(axes, ["single example, B = 1, η = 0.316",
                           "mini-batch, B = 16, η = 3.16"]):
    plot_batch_noise(ax, records[name], batch_size=settings[name][0], title=name)
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3)
show_figure(figure_text.batch_noise())

# %% [markdown]
# A single batch's loss says little; a running mean, or the loss on a fixed set, says how
# training is going. The noise is not only a nuisance: it jostles the weights out of flat
# spots and shallow dips that full-batch descent would settle in.

# %% [markdown]
# ## Shuffling and epochs
#
# Why shuffle every epoch? Suppose the data arrive sorted by class, as files often are:
# first all of class 0, then class 1, then class 2. Train on them in that order, in batches
# of 16 at $\eta = 1$ for 30 epochs, without shuffling; and once more, shuffling every epoch.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** Each batch now holds a single class. What will the loss on the whole
# training set do during an epoch?
#
# <details><summary>Answer</summary>
#
# It swings. Sixteen batches of class 0 in a row teach the network "everything is class 0",
# and the loss on the other classes climbs; then class 1 takes over, then class 2. Each
# batch gradient is a terrible estimate of the full gradient, because the batch is not a
# random sample. Shuffling makes every batch a fair sample, so its gradient is unbiased.
#
# </details>

# %% slideshow={"slide_type": "subslide"}
by_class = np.argsort(y, kind="stable")
X_sorted, Y_sorted = X[by_class], Y[by_class]
_, sorted_run = run_sgd(16, 1.0, X=X_sorted, Y=Y_sorted, shuffle=False)
_, shuffled_run = run_sgd(16, 1.0, X=X_sorted, Y=Y_sorted, shuffle=True)
ax = plot_losses({"sorted by class, never shuffled": sorted_run,
                  "shuffled every epoch": shuffled_run})
ax.figure.legend(loc="outside lower center", ncol=2)
show_figure(figure_text.sorted_batches(sorted_run, shuffled_run))

# %% [markdown]
# Shuffling once is not enough either: with a fixed order the same batches push in the same
# sequence every epoch. A fresh permutation per epoch, as `run_sgd` and `course_lib.train`
# use, gives fresh batches every time.

# %% [markdown]
# ## Learning rate and batch size go together
#
# With the **mean** over the batch, a step's length does not grow with $B$. At **equal
# compute** a batch of $B$ buys $B$ times fewer steps, so each must be longer: the best
# learning rate **grows with the batch size**, until it meets lesson 3's stability limit.

# %% [markdown] slideshow={"slide_type": "skip"}
# Whatever $B$ is, a batch gradient aims on average at the full gradient, so a step's useful
# part is $\eta$ times the full gradient. To travel as far in $B$ times fewer steps, the rate
# must grow, roughly in proportion to $B$ (the "linear scaling rule"), up to lesson 3's
# limit: beyond about $2/\text{curvature}$ descent diverges, however large the batch.
#
# The grid below trained every batch size from 1 to 256 with 15 learning rates from 0.003
# to 10, each for 30 epochs (the same 7680 examples), all from the same initial weights.

# %% slideshow={"slide_type": "subslide"}
grid = minibatch_grid()      # every batch size x every rate, 30 epochs each (about 3 seconds)
plot_rates(grid)
show_figure(figure_text.rate_grid(grid))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The best rate moves right as the batch grows: about 0.3 for single examples, about 3 for
# batches of 8 to 16. From $B = 64$ on no rate does well in 30 epochs. **At equal compute,
# moderate batches win**, with $\eta$ chosen to match $B$.

# %% [markdown] slideshow={"slide_type": "skip"}
# Read the picture from left to right: each curve falls as the rate grows (longer steps),
# reaches its best, then rises or stops (overshooting, divergence). For large batches the
# rate cannot grow past the stability limit, and 120 or fewer steps are simply too few.

# %% [markdown]
# ## Try it: batch size and learning rate
#
# Drag the sliders. Left: the loss of the chosen pair against examples seen (grey dashes:
# full batch, same rate). Right: the final loss of every pair, yours circled, each batch
# size's best rate a white dot.

# %% [markdown] slideshow={"slide_type": "skip"}
# Things to try:
#
# - Start at $B = 16$, $\eta = 0.1$: slow. Raise $\eta$ until the loss is lowest. Then go
#   one step further.
# - Now halve $B$ repeatedly, keeping $\eta$: the curve gets noisier, and soon diverges. What
#   rate suits $B = 1$?
# - At $B = 256$ (full batch), is there any rate that does well in 30 steps?

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "subslide"}
minibatch_explorer()

# %% [markdown]
# ## Optional: the same in the playground
#
# Lesson 6's playground, with only the controls this lesson is about: press play, then
# change the batch size and the learning rate while it trains. Watch how noisy the loss
# curve gets at batch size 1, and how slow it is at 30.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "subslide"}
playground(dataset="spiral", classes=3, hidden=(8, 8), learning_rate=0.3, batch_size=16,
           controls=["play", "step", "reset", "learning_rate", "batch_size"])

# %% [markdown]
# ## More labelled data, better weights
#
# Does the *amount* of labelled data matter? Train one network on 12 to 3072 spiral points;
# measure its accuracy on 3000 points it never saw.

# %% [markdown] slideshow={"slide_type": "skip"}
# Every set of 96 points or more gets the same compute (61 440 examples seen, in batches of
# 16 at $\eta = 1$): a smaller set is simply repeated for more epochs. The three smallest
# sets stop after 1000 epochs (12 000 to 48 000 examples), which is plenty for them. (Six
# points would be too few: that run's boundaries depend on rounding in the last bit, so its
# accuracy would differ from one processor to the next.)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** With 12 labelled points the network can reach 100% on its *training*
# set. Will its accuracy on new points be near 100%, near chance (33%), or between?
#
# <details><summary>Answer</summary>
#
# Between, and well below 100%: 12 points leave most of the spirals unexplored, so the
# network draws boundaries that fit its 12 points and little else (**overfitting**). With
# more data the training accuracy falls a little, the test accuracy rises a lot, and the two
# meet. Networks usually need thousands of labelled examples.
#
# </details>

# %% tags=["worked:data-size"] slideshow={"slide_type": "subslide"}
X_new, y_new = data.spirals(n_samples=3000, noise=0.3, seed=99)
sizes = [12, 24, 48, 96, 192, 384, 768, 1536, 3072]
trained = {}
print("  n   train acc   test acc")
for size in sizes:
    X_n, y_n = data.spirals(n_samples=size, noise=0.3, seed=10)
    epochs = min(61440 // size, 1000)           # the three smallest sets stop at 1000 epochs
    net_n, _ = run_sgd(16, 1.0, epochs=epochs, X=X_n, Y=np.eye(3)[y_n], record_every=10**9)
    trained[size] = (net_n, X_n, y_n)
    print(f"{size:4d}   {net_n.accuracy(X_n, y_n):8.4f}   {net_n.accuracy(X_new, y_new):8.4f}")

# %% slideshow={"slide_type": "subslide"}
plot_data_sizes(sizes, trained, X_new, y_new)
show_figure(figure_text.data_sizes(sizes, trained, X_new, y_new))

# %% [markdown]
# With few points the boundaries follow the points the network happened to see; with
# thousands they follow the spirals. More labelled data is the most reliable way to better
# weights; the next lesson's digits have about 1150 training images, enough for about 99%.

# %% [markdown]
# ## Choosing on validation data
#
# Every choice so far was judged by a number. If that number comes from the points you
# report on, the report flatters you: you kept whatever suited them. So cut labelled data
# in three:

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **training** points: the steps learn from them;
# - **validation** points: every choice is judged on them;
# - **test** points: read once, at the end.

# %% [markdown] slideshow={"slide_type": "subslide"}
# A small, hard problem: two half-moons whose points overlap. Of 200 labelled points,
# `data.validation_split` keeps half for validation; 3000 more are the test set.

# %% tags=["worked:moons-split"]
X_moons, y_moons = data.moons(n_samples=200, noise=0.4, seed=3)
fit = data.validation_split(X_moons, y_moons, fraction=0.5, seed=0)  # fit.X_train, fit.X_val
# the test set: read once, at the end
X_test, y_test = data.moons(n_samples=3000, noise=0.4, seed=99)
print("training", fit.X_train.shape, " validation", fit.X_val.shape, " test", X_test.shape)

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(7, 3.0), sharey=True, layout="constrained")
parts = [(fit.X_train, fit.y_train, "100 training points"),
         (fit.X_val, fit.y_val, "100 validation points")]
for ax, (X_part, y_part, title) in zip(axes, parts):
    for k in range(2):
        ax.scatter(X_part[y_part == k, 0], X_part[y_part == k, 1],
                   color=np.array(CLASS_COLOURS[k]) / 255, marker=CLASS_MARKERS[k], s=14)
    ax.set(aspect="equal", title=title)
show_figure(figure_text.moons_split(fit))

# %% [markdown]
# ## Early stopping
#
# A 2-64-64-2 network has over 4000 weights for 100 points: enough to learn every point,
# noise and all. `train` measures the validation set after every epoch; the callback
# `keep_best` keeps a copy of the network at each new low of the validation loss.

# %% slideshow={"slide_type": "subslide"}
def train_moons(weight_decay=0.0):
    """A fresh 2-64-64-2 network trained 1000 epochs on fit's 100 training points.

    Returns the network, its History, and {"epoch", "net"} at the lowest validation loss.
    """
    net = MLP([2, 64, 64, 2], "tanh", "softmax", "cross_entropy", seed=0)
    best = {}

    def keep_best(epoch, history, net):                     # train calls it after every epoch
        if history.val_loss[-1] == min(history.val_loss):
            best.update(epoch=epoch, net=net.copy())

    history = train(net, fit.X_train, fit.y_train, epochs=1000, batch_size=16,
                    learning_rate=0.3, seed=0, validation=(fit.X_val, fit.y_val),
                    weight_decay=weight_decay, callback=keep_best)
    return net, history, best


# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** The training loss falls for all 1000 epochs. What does the validation
# loss do?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# For about a hundred epochs it stays low, bumping up and down, while the network learns
# the broad shape of the moons. Then it climbs, to four times its lowest: the network
# learns the noise of its own 100 points, bends its boundary round single points, and grows
# ever surer. A sure answer that is wrong, for a validation point in the overlap, costs a
# lot of loss.
#
# </details>

# %% tags=["worked:early-stopping"] slideshow={"slide_type": "subslide"}
net_end, history, best = train_moons()
print(f"lowest validation loss {min(history.val_loss):.2f} at epoch {best['epoch']}: "
      f"validation accuracy {best['net'].accuracy(fit.X_val, fit.y_val):.2f}")
print(f"after 1000 epochs: validation loss {history.val_loss[-1]:.2f},"
      f" validation accuracy {history.val_accuracy[-1]:.2f},"
      f" training accuracy {net_end.accuracy(fit.X_train, fit.y_train):.2f}")

# %% slideshow={"slide_type": "subslide"}
plot_early_stopping(history, best["epoch"])
show_figure(figure_text.early_stopping(history, best["epoch"]))

# %% [markdown]
# Training longer made the network worse on new points. **Early stopping** keeps the
# network of the lowest validation loss (or stops there): validation chooses the epochs.

# %% [markdown]
# ## L2 weight decay
#
# Islands around single points need large weights. **L2 weight decay** makes large weights
# cost something: it adds $\lambda/2$ times the sum of the squared weights (not the biases)
# to the loss:
#
# $$L_\lambda = L + \frac{\lambda}{2} \sum_{l=1}^{L} \lVert W^{l} \rVert^2 .$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# The derivative of $\frac{\lambda}{2} w^2$ is $\lambda w$, so each weight's gradient gains
# one term:
#
# $$\frac{\partial L_\lambda}{\partial W^{l}} = \frac{\partial L}{\partial W^{l}} + \lambda W^{l} .$$
#
# Back-propagation is unchanged. After it, one line for each weight matrix `W` and its
# gradient `grad_W`: `grad_W += weight_decay * W`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# A step becomes $W^{l} \leftarrow (1 - \eta\lambda)\, W^{l} - \eta\, \partial L / \partial W^{l}$:
# each step shrinks every weight a little, hence "decay". `train(..., weight_decay=λ)` adds
# the line before every step. The playground's L2 regularisation is the same penalty.

# %% [markdown]
# ### The penalty's gradient, checked
#
# New gradient code gets checked. On a small 2-8-8-2 network with $\lambda = 0.1$, compare
# $\partial L/\partial W^l + \lambda W^l$ with centred differences of $L_\lambda$, entry by entry.

# %% tags=["worked:penalty-gradcheck"]
small = MLP([2, 8, 8, 2], "tanh", "softmax", "cross_entropy", seed=1)
lam = 0.1
# dL/dW^l + λ W^l
grads = add_weight_decay(small.backward(fit.X_train, fit.y_train), small, lam)


def penalised_loss(_):
    return small.loss(fit.X_train, fit.y_train) + l2_penalty(small, lam)


for l, W in enumerate(small.weights, start=1):
    numeric = numerical_gradient(penalised_loss, W)  # nudges W in place, entry by entry
    print(f"dL_λ/dW^{l}: {verdict(relative_error(grads.weights[l - 1], numeric), bound=1e-6)}")

# %% [markdown]
# ### How much penalty? Ask the validation set
#
# Three more 1000-epoch runs, with $\lambda$ = 0.001, 0.01 and 0.1, join the run above
# ($\lambda = 0$); the validation points judge them.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** What happens to the sum of the squared weights as $\lambda$ grows? And
# what would a very large $\lambda$ do to the network's answers?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# The weights shrink, by a lot: the penalty pulls each one towards zero at every step. With
# a very large $\lambda$ the penalty wins outright: every weight goes to zero, and the
# network gives every point the same answer. Here that happens at $\lambda = 0.3$.
#
# </details>

# %% tags=["worked:weight-decay"] slideshow={"slide_type": "subslide"}
runs = {0.0: net_end}
validation = {0.0: (history.val_loss[-1], history.val_accuracy[-1])}
for lam in (0.001, 0.01, 0.1):
    net_lam, history_lam, _ = train_moons(weight_decay=lam)
    runs[lam] = net_lam
    validation[lam] = (history_lam.val_loss[-1], history_lam.val_accuracy[-1])
print("    λ   validation loss   validation accuracy   sum of squared weights")
for lam, net_lam in runs.items():
    squares = sum(np.sum(W ** 2) for W in net_lam.weights)
    print(f"{lam:5g}   {validation[lam][0]:15.2f}   {validation[lam][1]:19.2f}"
          f"   {squares:22.1f}")
chosen = max(runs, key=lambda lam: validation[lam][1])
print(f"highest validation accuracy: λ = {chosen:g}")

# %% slideshow={"slide_type": "subslide"}
plot_boundaries({"λ = 0, 1000 epochs": net_end,
                 f"λ = 0, stopped at epoch {best['epoch']}": best["net"],
                 f"λ = {chosen:g}, 1000 epochs": runs[chosen]}, fit.X_train, fit.y_train)
accuracies = [validation[0.0][1], best["net"].accuracy(fit.X_val, fit.y_val),
              validation[chosen][1]]
show_figure(figure_text.decay_boundaries(best["epoch"], chosen, accuracies))

# %% [markdown]
# Without a penalty the boundary bends to take in single training points; stopped early,
# or penalised, it stays smooth. The validation set chose $\lambda$ by the accuracy we will
# report (by validation loss, 0.01 would have won narrowly; either is fair if the test set
# plays no part). It chooses the learning rate or the network's size the same way.

# %% [markdown]
# ## The test set, once
#
# Every choice is made: now, and only now, the test points.

# %% tags=["worked:test-once"]
final = runs[chosen]
print(f"test accuracy of the chosen network (λ = {chosen:g}):"
      f" {final.accuracy(X_test, y_test):.3f}")

# %% [markdown]
# Lower than the validation accuracy that chose it: the best of four scores on 100 points
# is partly luck, and the test points took part in no choice. Change $\lambda$ now because
# of this number, and the test set becomes a second validation set.

# %% [markdown]
# ## Summary
#
# - The gradient of a batch's mean loss is an unbiased estimate of the full gradient; its
#   noise shrinks like $1/\sqrt{B}$ (to zero when the batch is the whole set).
# - An epoch is one pass over the data: shuffle, cut into batches, one step per batch.
#   Without shuffling, sorted data give biased batches and a swinging loss.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - At equal compute, small batches win per example seen; per second, moderate ones win.
# - A single batch's loss is noisy: judge by a running mean or a fixed set.
# - With the mean over the batch, a bigger batch wants a bigger learning rate, up to the
#   stability limit.
# - More labelled data gives better weights.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (choosing)
#
# - Train on the training set, choose on the validation set, read the test set once, last.
# - Early stopping keeps the weights of the epoch of lowest validation loss.
# - L2 weight decay adds $\frac{\lambda}{2}\sum_l \lVert W^l\rVert^2$ to the loss, so
#   $\lambda W^l$ to each $\partial L/\partial W^l$: one line after back-propagation.

# %% [markdown]
# ## Check your understanding
#
# 1. A training set has 50 000 examples. How many steps does one epoch take with $B = 100$?
#
# <details><summary>Answer</summary>
#
# 500. Each step uses 100 examples, and an epoch uses each example once.
#
# </details>
#
# 2. You double the batch size and keep the learning rate and the number of epochs. What
#    happens to the number of steps, and what would you change to make up for it?
#
# <details><summary>Answer</summary>
#
# Half as many steps, each about as long as before (the mean gradient does not grow with
# $B$). Roughly double the learning rate, as long as that stays below the rate where
# training diverges.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. If the loss were the *sum* over the batch instead of the mean, how would the best
#    learning rate depend on $B$?
#
# <details><summary>Answer</summary>
#
# The gradient would be $B$ times larger, so the same rate would take $B$ times longer steps:
# the rate would have to *shrink* as $1/B$ to keep the same steps. The mean convention keeps
# a rate meaningful across batch sizes.
#
# </details>
#
# 4. The batch loss printed during training jumps between 0.1 and 0.9. Is training broken?
#
# <details><summary>Answer</summary>
#
# Not necessarily: each batch is a different small sample. Look at the running mean, or the
# loss on a fixed validation set; if those fall, training works.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. Your network scores 100% on its 50 training examples and 60% on new ones. Name two
#    remedies suggested by this lesson.
#
# <details><summary>Answer</summary>
#
# More labelled data, first of all (the data-size curve). Also: stop early, add an L2
# penalty, or use a smaller network, so it cannot fit the 50 points exactly; choose among
# them on validation data.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 6. You train with 20 learning rates and report the best of their 20 test accuracies. Why
#    is that number too good, and what should you have done?
#
# <details><summary>Answer</summary>
#
# The test set chose the rate, so the number includes the luck of that choice. Choose the
# rate on a validation set carved from the training data, then report the test accuracy of
# the chosen network once.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Write the mini-batch iterator and a training loop of your own in the graded exercise
# **`exercises/ex09_train_classifier.ipynb`**
# ([open it](../exercises/ex09_train_classifier.ipynb)): make your choices on a validation
# split carved from its training points; the grader trains your network on fresh spirals and
# judges it on points it never saw.
