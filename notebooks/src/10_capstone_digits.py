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
# # 10. Capstone: handwritten digits
#
# Everything comes together: the course's own `MLP`, trained by mini-batch
# back-propagation, learns to read handwritten digits. It starts at chance, and after a
# second or two of training reads about 99% of digits it has never seen.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - split images three ways, and standardise them with training statistics;
# - train a classifier and stop early on validation digits;
# - diagnose it by its confusion matrix and mistakes;
# - show what the hidden units respond to;
# - report the test accuracy once, and what it promises;
# - run MNIST's 784-128-10 shape, and know what to learn next.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lessons 1–9, above all lesson 6 (training a network) and lesson 9
# (mini-batches, validation data, early stopping).
#
# **Estimated time.** 60 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: ask for the accuracy of the untrained network before showing it (most say
# 0% or 50%); ask which digits will be confused before the confusion matrix. The hidden-unit
# pictures are a good moment to stop and let the room guess what each unit detects.

# %% slideshow={"slide_type": "skip"}
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sklearn.datasets import load_digits

from course_lib import MLP, data, train
from course_lib.drawing import show_figure
from course_lib.lessons import figure_text
from course_lib.lessons.mnist_files import load_mnist, write_idx

np.set_printoptions(linewidth=100)


# %% [markdown] slideshow={"slide_type": "skip"}
# The pictures of this lesson are drawn by the small functions below, so that each slide shows
# the one line that matters. Nothing in them is new.

# %% slideshow={"slide_type": "skip"}
def show_digits(images, titles, width=1.0, height=1.3):
    """A row (or rows of 10) of 8x8 images, each with its title; images (k, 64)."""
    rows = (len(images) + 9) // 10
    columns = min(len(images), 10)
    fig, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    for ax, image, title in zip(axes.flat, images, titles):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(title)
    for ax in axes.flat:
        ax.axis("off")


def plot_learning_curves(history, best_epoch):
    """Loss and accuracy per epoch, training and validation; a dotted line at the epoch early stopping kept."""
    epochs = np.arange(1, len(history.loss) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 2.8), layout="constrained")
    for ax, key, label in zip(axes, ("loss", "accuracy"), ("cross-entropy loss", "accuracy")):
        ax.plot(epochs, getattr(history, key), ls="--", label="training")
        ax.plot(epochs, getattr(history, "val_" + key), label="validation")
        ax.axvline(best_epoch, color="0.4", ls=":", label=f"kept: epoch {best_epoch}")
        ax.set(xlabel="epoch", ylabel=label)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper")
    axes[0].set_yscale("log")
    axes[1].set_ylim(0.85, 1.005)


def plot_confusion(confusion):
    """The confusion matrix as a picture, counts written in."""
    fig, ax = plt.subplots(figsize=(4.4, 4.0), layout="constrained")
    ax.imshow(confusion, cmap="Blues")
    for (i, j), count in np.ndenumerate(confusion):
        if count:
            ax.text(j, i, count, ha="center", va="center", color="white" if i == j else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit")


def show_hidden_units(net, A_train, X_train, scale, units=32):
    """Per unit: its weights times its pixels' spread (top), the mean of its 20 favourite digits (bottom)."""
    hidden = np.maximum(0, A_train @ net.weights[0].T + net.biases[0])      # (n, 64) activations
    push = net.weights[0] * (X_train.std(axis=0) / scale)                   # weight x typical pixel change
    fig, axes = plt.subplots(4, units // 2, figsize=(9, 2.8))
    for unit in range(units):
        row, column = 2 * (unit // (units // 2)), unit % (units // 2)
        reach = np.abs(push[unit]).max()
        axes[row, column].imshow(push[unit].reshape(8, 8), cmap="RdBu", vmin=-reach, vmax=reach)
        favourites = np.argsort(hidden[:, unit])[-20:]
        axes[row + 1, column].imshow(X_train[favourites].mean(axis=0).reshape(8, 8), cmap="gray_r")
    for ax in axes.flat:
        ax.axis("off")


# %% [markdown]
# ## The data: 1797 small digits
#
# 8×8 pixels, 17 grey levels, bundled with scikit-learn: no download. Each image is a row
# of 64 numbers in $[0, 1]$. Lesson 9's three parts: 20% are the **test** set, read once at
# the very end; 20% of the rest are the **validation** set, for every choice; the network
# trains on what is left.

# %% [markdown] slideshow={"slide_type": "skip"}
# `course_lib.data.load_digits` reads the digits and splits off the test set, and
# `data.validation_split` carves the validation set out of the rest. Both split stratified
# by class, so every digit is equally represented in every part.

# %% tags=["worked:shapes"]
# split.X_test, split.y_test: read once, at the end
split = data.load_digits(test_fraction=0.2, seed=1)
X_train, y_train, X_val, y_val = data.validation_split(split.X_train, split.y_train,
                                                       fraction=0.2, seed=2)
print("X_train", X_train.shape, " X_val", X_val.shape, " X_test", split.X_test.shape)
print("training images per digit:", np.bincount(y_train))

# %% slideshow={"slide_type": "subslide"}
show_digits(X_train[:20], [str(label) for label in y_train[:20]], width=0.9, height=1.1)
show_figure(figure_text.first_digits(y_train[:20]))

# %% [markdown]
# ### Who wrote them
#
# These digits are the test part of the UCI "optdigits" collection. scikit-learn's own
# description of them (`load_digits().DESCR`) says who wrote it:

# %% tags=["worked:writers"]
description = " ".join(load_digits().DESCR.split())
start = description.index("From a total")
print(description[start:description.index(".", start) + 1])

# %% [markdown] slideshow={"slide_type": "subslide"}
# So all 1797 digits come from 13 writers, about 140 each, and a random split puts every
# writer on both sides. The test accuracy below is for new digits by writers the network
# has already seen. A new writer's digits will be harder, by an amount these data cannot
# measure: they do not record who wrote which digit.

# %% [markdown]
# ## Standardise with the training set's statistics
#
# Shift and scale every pixel to mean 0 and spread about 1, so one learning rate suits
# every first-layer weight. Mean and spread come from the **training** images only: the
# validation and test images stand for digits that arrive later.

# %% [markdown] slideshow={"slide_type": "skip"}
# Pixels near the border are almost always 0, those in the middle vary a lot; unscaled, the
# weights of the busy pixels would get much larger gradients than the rest. Nothing about
# the other images may leak into training, not even their mean. (The $+0.1$ keeps
# always-blank pixels from being divided by zero.)

# %%
mean, scale = X_train.mean(axis=0), X_train.std(axis=0) + 0.1
A_train = (X_train - mean) / scale
A_val = (X_val - mean) / scale
A_test = (split.X_test - mean) / scale

# %% [markdown]
# ## The network, before training
#
# 64 inputs, 64 ReLU hidden units, 10 softmax outputs (one per digit), mean cross-entropy:
# the network of lesson 6, only wider.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** With its random initial weights, what fraction of the validation digits
# does the network classify correctly?
#
# <details><summary>Answer</summary>
#
# About 10%, chance: random weights give an arbitrary digit for each image. (Here 7%: a random
# network prefers some classes, and there are only 287 validation images.)
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:chance"]
net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
print("parameters:", net.n_parameters)
print(f"untrained: training accuracy {net.accuracy(A_train, y_train):.4f}, "
      f"validation accuracy {net.accuracy(A_val, y_val):.4f}")

# %% [markdown]
# ## Training, watched on validation digits
#
# Batches of 32 (lesson 9), rate 0.2, 150 epochs: a second or two. After every epoch
# `train` measures the validation digits, and `keep_best` keeps a copy of the network at
# the lowest validation loss: early stopping, as in lesson 9. The validation digits teach
# the network nothing; they only choose the epoch.

# %% tags=["worked:trained"] slideshow={"slide_type": "subslide"}
best = {}


def keep_best(epoch, history, net):                     # train calls it after every epoch
    if history.val_loss[-1] == min(history.val_loss):
        best.update(epoch=epoch, net=net.copy())


history = train(net, A_train, y_train, epochs=150, batch_size=32, learning_rate=0.2, seed=0,
                validation=(A_val, y_val), callback=keep_best)
net = best["net"]  # early stopping: keep the best epoch's network
print(f"lowest validation loss at epoch {best['epoch']} of 150")
print(f"training accuracy {net.accuracy(A_train, y_train):.4f},"
      f" validation accuracy {net.accuracy(A_val, y_val):.4f}")
print(f"validation digits wrong: {np.sum(net.predict(A_val) != y_val)} of {len(y_val)}")

# %% [markdown]
# ## Learning curves
#
# Loss and accuracy per epoch, on the training images (measured during each epoch) and on
# the validation images (after each epoch). The dotted line: the epoch early stopping kept.

# %%
plot_learning_curves(history, best["epoch"])
show_figure(figure_text.learning_curves(history, best["epoch"]))

# %% [markdown]
# After the dotted line the validation loss falls no further, while the training loss
# still does: the later epochs only fit what is particular to the training images.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The rate, the 64 hidden units and lesson 9's weight decay (`train(..., weight_decay=λ)`)
# are choices too: try others, and judge them on the validation digits only.

# %% [markdown]
# ## Which digits does it confuse?
#
# A **confusion matrix** counts, for every true digit (row), how often each digit was
# predicted (column), here on the validation digits. A perfect classifier has everything
# on the diagonal.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** Which pairs of digits would you expect a network to mix up?
#
# <details><summary>Answer</summary>
#
# Pairs that share strokes: 1 and 7, 3 and 8, 5 and 9, 4 and 9, 8 and 1. Which ones it
# actually confuses depends on the training run; the few mistakes below are scattered.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:confusion"]
predicted = net.predict(A_val)  # the validation digits: the test set stays unread
confusion = np.zeros((10, 10), dtype=int)
for true, guess in zip(y_val, predicted):
    confusion[true, guess] += 1
print("rows: true digit, columns: predicted digit")
print(confusion)

# %% slideshow={"slide_type": "subslide"}
plot_confusion(confusion)
show_figure(figure_text.confusion_matrix(confusion))

# %% [markdown]
# ## The digits it gets wrong
#
# Each picture: a validation digit, true digit → the network's answer, and the probability
# it gave that answer. Would you have read them right?

# %%
wrong = np.flatnonzero(predicted != y_val)
sure = net.forward(A_val[wrong]).max(axis=1)           # the probability of its (wrong) answer
show_digits(X_val[wrong], [f"{y_val[i]} → {predicted[i]}\n{p:.0%}"
                           for i, p in zip(wrong, sure)])
show_figure(figure_text.wrong_digits(y_val[wrong], predicted[wrong], sure))

# %% [markdown]
# Some are hard even for a person. Look at the probabilities too: *wrong and sure* (90% and
# more) is a different problem from a network that hesitates.

# %% [markdown]
# ## What the hidden units look for
#
# Top rows: each unit's 64 incoming weights as an 8×8 image (blue excites, red inhibits).
# Bottom rows: the average of the 20 training digits that excite that unit most.

# %% [markdown] slideshow={"slide_type": "skip"}
# Hidden unit $j$ computes $\text{relu}(\mathbf{w}_j \cdot \mathbf{a} + b_j)$ on the
# standardised pixels $\mathbf{a}$. A weight on a pixel that hardly ever changes does little,
# so each weight is drawn multiplied by how much its pixel varies (its spread in the training
# set, divided by the standardising scale): what remains is how hard each pixel pushes.

# %% slideshow={"slide_type": "subslide"}
show_hidden_units(net, A_train, X_train, scale)
show_figure(figure_text.hidden_units(32, net.weights[0].shape[0]))

# %% [markdown]
# The weights are hard to read; the digits each unit likes are not. Units specialise: one
# fires for zeros, another for a stroke that several digits share. Nobody told them to:
# back-propagation found these detectors because they help.

# %% [markdown]
# ## Try it: move a digit
#
# People read a digit wherever it sits in the box. Does the network?

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** Move every validation digit by one pixel, to the right. Does the
# accuracy stay near 99%?
#
# <details><summary>Answer</summary>
#
# No: it falls to about half, or less. Each pixel has its own weights, trained on digits
# that sat where the training digits sat; moved by one pixel, the ink lands on weights
# trained for something else. Noise of a similar size hurts far less (try it in the widget).
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:shifted"]
from course_lib.widgets.digit_reader import digit_reader, shifted

for right, down in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]:
    moved = shifted(X_val, right, down)
    accuracy = net.accuracy((moved - mean) / scale, y_val)
    print(f"moved {right:+d} right, {down:+d} down: validation accuracy {accuracy:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Pick a digit, move it, add noise; the readout also gives the accuracy on all 287 digits
# changed the same way. (The widget calls them held-out digits; here they are the validation
# digits.) It reads the network trained above, so run the lesson's cells in order first.

# %% tags=["nbval-ignore-output"]
digit_reader(net, X_val, y_val, mean, scale)

# %% [markdown] slideshow={"slide_type": "skip"}
# Two remedies, both in practice everywhere: train on moved copies of the training digits
# (more labelled data, lesson 9, made for free), and **convolutional networks**, which share
# one small set of weights across every position of the image, so a pattern is recognised
# wherever it appears.

# %% [markdown]
# ## The test set, once
#
# Every choice is made, on the validation digits. Now, and only now, the test digits.

# %% tags=["worked:test-once"]
print(f"test accuracy {net.accuracy(A_test, split.y_test):.4f}:"
      f" {np.sum(net.predict(A_test) != split.y_test)} of {len(split.y_test)}"
      " test digits wrong")

# %% [markdown]
# That is the number to report: about 99% on new digits by the 13 writers the network has
# seen. For a new writer's digits, expect less.

# %% [markdown]
# ### Optional: is 99% luck of the split?
#
# 359 test images are one sample. Re-run the whole recipe (split three ways, standardise,
# train with early stopping, test once) for five other split seeds:

# %% slideshow={"slide_type": "subslide"}
def recipe(split_seed):
    """Split, standardise, train, stop early as above; return (kept epoch, test accuracy)."""
    parts = data.load_digits(test_fraction=0.2, seed=split_seed)
    X_tr, y_tr, X_va, y_va = data.validation_split(parts.X_train, parts.y_train,
                                                   fraction=0.2, seed=2)
    mu, sd = X_tr.mean(axis=0), X_tr.std(axis=0) + 0.1
    model, kept = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0), {}

    def keep(epoch, history, model):
        if history.val_loss[-1] == min(history.val_loss):
            kept.update(epoch=epoch, model=model.copy())

    train(model, (X_tr - mu) / sd, y_tr, epochs=150, batch_size=32, learning_rate=0.2, seed=0,
          validation=((X_va - mu) / sd, y_va), callback=keep)
    return kept["epoch"], kept["model"].accuracy((parts.X_test - mu) / sd, parts.y_test)


# %% tags=["worked:split-seeds"]
for split_seed in (0, 2, 3, 4, 5):
    epoch, accuracy = recipe(split_seed)
    print(f"split seed {split_seed}: kept epoch {epoch:3d}, test accuracy {accuracy:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Between about 96% and 99%: the split moves the result by a point or two, a handful of
# images out of 359, and our split's number sits at the top. Report accuracy with that
# uncertainty in mind.

# %% [markdown]
# ## The MNIST shape: 784 → 128 → 10
#
# Lesson 1 drew the classic MNIST network: 28×28 = 784 inputs, 128 hidden units, 10
# outputs. MNIST is not bundled and cannot be downloaded while the lessons run; but with its
# four IDX files, the same code trains that exact shape.

# %% [markdown] slideshow={"slide_type": "skip"}
# MNIST has 60 000 training and 10 000 test images of 28×28 pixels. `load_mnist(folder)`
# (from `course_lib.lessons.mnist_files`) reads its four files, plain or `.gz`, and returns
# a split like `load_digits`, with pixels scaled to $[0, 1]$.

# %% slideshow={"slide_type": "subslide"}
def train_mnist_shape(folder, epochs=10, hidden=128):
    """Train 784 -> hidden -> 10 on the MNIST files in ``folder``; return the net and its t10k
    accuracy."""
    X_tr, y_tr, X_te, y_te = load_mnist(folder)
    mu, sd = X_tr.mean(axis=0), X_tr.std(axis=0) + 0.1
    model = MLP([X_tr.shape[1], hidden, 10], "relu", "softmax", "cross_entropy", seed=0)
    train(model, (X_tr - mu) / sd, y_tr, epochs=epochs, batch_size=64, learning_rate=0.05,
          seed=0)
    return model, model.accuracy((X_te - mu) / sd, y_te)


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Your own MNIST run.** Put `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
# `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` (from
# http://yann.lecun.com/exdb/mnist/ or a mirror) in a folder, say `data/mnist` next to this
# notebook, and run `model, accuracy = train_mnist_shape("data/mnist")`.

# %% [markdown] slideshow={"slide_type": "skip"}
# It has 101 770 parameters and 60 000 images to learn from, so expect seconds per epoch
# rather than milliseconds; this network is usually reported at about 97-98% on MNIST's
# test set.

# %% [markdown] slideshow={"slide_type": "subslide"}
# So that this notebook runs anywhere, here is a **miniature MNIST** instead: the digits above
# blown up to 28×28 (each pixel a 3×3 block, plus a 2-pixel border as in MNIST), stored as bytes
# 0-255 in four IDX files with MNIST's names, in a temporary folder.

# %%
def as_mnist_images(X):
    """Digits (n, 64) in [0, 1] -> (n, 28, 28) uint8: 3x3 blocks per pixel, 2-pixel border."""
    images = np.kron(X.reshape(-1, 8, 8), np.ones((3, 3)))
    return np.pad(np.round(255 * images), ((0, 0), (2, 2), (2, 2))).astype(np.uint8)


# %% [markdown] slideshow={"slide_type": "subslide"}
# Its "t10k" files hold our validation digits, so the test digits stay read once. The same
# function trains 784-128-10:

# %% tags=["worked:mnist-shape"]
with tempfile.TemporaryDirectory() as folder:
    folder = Path(folder)
    write_idx(folder / "train-images-idx3-ubyte.gz", as_mnist_images(X_train))
    write_idx(folder / "train-labels-idx1-ubyte.gz", y_train.astype(np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte.gz", as_mnist_images(X_val))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", y_val.astype(np.uint8))
    print("files:", sorted(path.name for path in folder.iterdir()))
    mini = load_mnist(folder)
    print("X_train", mini.X_train.shape, " X_test", mini.X_test.shape)
    model, accuracy = train_mnist_shape(folder, epochs=5)
print("layer sizes:", model.sizes, " parameters:", model.n_parameters)
print(f"accuracy on the validation digits after 5 epochs: {accuracy:.4f}")

# %% [markdown]
# Same layer sizes and parameter count as on real MNIST; only the images are fewer and
# blockier. The function does not care where the files came from.

# %% [markdown]
# ## What next: better steps
#
# - **Momentum**: $v \leftarrow \mu v - \eta g,\; w \leftarrow w + v$ ($\mu \approx 0.9$).
#   Steps build up where the gradient keeps its sign and cancel where it flips.
# - **Adam**: each weight's step is divided by a running estimate of its gradient's size,
#   so every weight moves by about $\eta$.

# %% [markdown] slideshow={"slide_type": "skip"}
# In code, momentum is three lines per parameter (`velocities` starts as zeros shaped like
# the parameters):
#
# ```python
# for w, g, v in zip(net.parameters(), grads.parameters(), velocities):
#     v *= 0.9
#     v -= learning_rate * g
#     w += v
# ```
#
# Adam (Kingma and Ba, 2015) keeps two running means per weight,
# $m \leftarrow \beta_1 m + (1-\beta_1) g$ and $s \leftarrow \beta_2 s + (1-\beta_2) g^2$
# (typically $\beta_1 = 0.9$, $\beta_2 = 0.999$), and steps
# $w \leftarrow w - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)$, where $\hat m, \hat s$ are
# $m, s$ divided by $1-\beta^t$ after $t$ steps, to undo their start at zero.

# %% [markdown]
# ## What next: the same loop at scale
#
# PyTorch, JAX and TensorFlow do what `course_lib` does, for billions of parameters: a
# forward pass that records a computational graph (lesson 4), `loss.backward()` (lesson 6),
# an optimiser step, mini-batches (lesson 9), on GPUs. The loop you wrote is the loop they run.

# %% [markdown] slideshow={"slide_type": "skip"}
# A GPU computes a batch of hundreds of images in about the time of one, which is why
# mini-batches are the norm. The next idea for images is the **convolutional network**, which
# shares a small set of weights across all positions of the image instead of connecting
# every pixel to every unit.

# %% [markdown]
# ## Where it came from
#
# - Werbos, PhD thesis, Harvard, 1974: back-propagation for networks.
# - Rumelhart, Hinton and Williams, *Nature*, 1986: it becomes widely known.
# - Hinton, Osindero and Teh, 2006: deep belief networks; deep nets can be trained.
# - Krizhevsky, Sutskever and Hinton, 2012: AlexNet wins ImageNet, on GPUs.
# - LeCun, Bengio and Hinton, "Deep learning", *Nature* 521 (2015) 436-444: a good next read.

# %% [markdown]
# ## Summary
#
# - Images become rows of pixels; standardise them with the **training** set's mean and
#   spread, never another set's.
# - Validation curves choose when to stop (early stopping); the test set is read once, at
#   the end: about 99%, for new digits by writers the network has seen.
# - The confusion matrix and the mistakes show *what* goes wrong.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - Hidden units become detectors, of whole digits or shared strokes, that nobody designed.
# - The same code trains MNIST's 784-128-10 shape from its IDX files; momentum, Adam and
#   frameworks do the same at scale.

# %% [markdown]
# ## Check your understanding
#
# 1. Why compute the standardisation's mean and spread on the training set only?
#
# <details><summary>Answer</summary>
#
# The test set stands for future data. Using its statistics would let information about it
# into the model, and the test accuracy would no longer measure performance on truly new data.
#
# </details>
#
# 2. The untrained network scores 8% on one run and 13% on another seed. Is one of them
#    better?
#
# <details><summary>Answer</summary>
#
# No: both are chance, about 10% for ten classes. The difference is which classes the
# random weights happen to favour, and the sampling noise of a few hundred images.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. The training accuracy reaches 100% while the validation accuracy stays near 99%.
#    Should you train longer?
#
# <details><summary>Answer</summary>
#
# Not for the validation accuracy's sake: the validation loss has stopped falling, which is
# where early stopping keeps the weights. More labelled data (lesson 09), or a network that
# shares weights across the image (a convolutional network), would help more.
#
# </details>
#
# 4. How many weights and biases does the 784-128-10 network have?
#
# <details><summary>Answer</summary>
#
# $784 \times 128 + 128 = 100\,480$ in the first layer and $128 \times 10 + 10 = 1290$ in
# the second: 101 770.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. A hidden unit's weight picture is blue in the centre and red around it. What kind of
#    digit images make it fire strongly?
#
# <details><summary>Answer</summary>
#
# Images with ink in the centre and little around it, such as a 1. A 0, with a hole in the
# centre and ink around, would push its input negative and, through the ReLU, silence it.
#
# </details>
#
# 6. A friend's digit reader scores 99% on a random split of these 1797 digits. Will it read
#    your handwriting that well?
#
# <details><summary>Answer</summary>
#
# Probably not. The 1797 digits come from 13 writers, and a random split puts each of them
# on both sides: 99% is for new digits by familiar writers. Your handwriting is a new writer.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Train your own digit reader, with your own back-propagation and training loop, in the graded
# exercise **`exercises/ex10_digits.ipynb`** ([open it](../exercises/ex10_digits.ipynb)): choose
# on validation digits; the grader judges it on new digits it draws and keeps to itself.
