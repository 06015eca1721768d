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
# # 8. Initialisation and symmetry
#
# Before the first step of gradient descent, every weight needs a value. It is tempting to
# start them all at zero, or all at the same number.

# %% [markdown] slideshow={"slide_type": "skip"}
# This lesson shows, with measurements,
# why that fails, in two different ways that are easy to confuse, and what a good random
# start looks like: the right *kind* of randomness (to break the symmetry) at the right
# *scale* (so signals neither vanish nor saturate).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - explain why all-zero weights freeze a network completely, and point at the zero that does it;
# - show that equal non-zero weights keep every hidden unit identical forever (the symmetry
#   never breaks), so a layer acts as one unit;
# - break the symmetry with small random weights.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives** (continued). You can also
#
# - see in per-layer activation statistics what a too-small and a too-large scale do;
# - choose between Xavier/Glorot and He initialisation, and say why ReLU wants the larger one.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lessons 1–7, in particular the backward pass (lesson 6) and vanishing
# gradients (lesson 7).
#
# **Estimated time.** 45 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: keep the two failures apart: zero weights and equal weights fail in different
# ways, and the reasons (which zero multiplies what, and why equal units get equal updates) are
# the point. Ask the room before each experiment; the equal-weights one surprises people because
# the loss does go down a little.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, data, train

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## All-zero weights
#
# XOR, the four points of lesson 1, and a 2–4–1 network whose weights and biases all start at
# 0 (`init="zeros"`). We train 5000 full-batch steps with a learning rate of 1, once each with
# tanh, sigmoid and ReLU hidden units.

# %% slideshow={"slide_type": "subslide"}
X_xor, y_xor = data.xor()
HIDDEN = ["tanh", "sigmoid", "relu"]


def xor_net(hidden, **init):
    """A 2-4-1 network for XOR: `hidden` units, a sigmoid output and binary cross-entropy."""
    return MLP([2, 4, 1], hidden, "sigmoid", "binary_cross_entropy", seed=0, **init)


def train_xor(net, epochs=5000):
    """Full-batch gradient descent on the four XOR points, learning rate 1."""
    return train(net, X_xor, y_xor, epochs=epochs, batch_size=None, learning_rate=1.0, seed=0)


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** Which weights move during training: the hidden layer's, the output
# layer's, both, or neither? What accuracy do you expect?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# Neither, for all three activations: $W_1$ and $W_2$ stay exactly 0, the loss stays at
# $\ln 2$ and the accuracy at 0.5. The reason follows the numbers.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:zeros"]
for hidden in HIDDEN:
    net = xor_net(hidden, init="zeros")
    history = train_xor(net)
    print(f"{hidden:>7}: max |W1| = {np.max(np.abs(net.weights[0]))}, max |W2| = {np.max(np.abs(net.weights[1]))}, "
          f"loss {history.loss[0]:.6f} -> {history.loss[-1]:.6f}, accuracy {net.accuracy(X_xor, y_xor)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Exactly 0.0 after 5000 steps. Look at the very first step's gradients, for sigmoid hidden
# units (the least obvious case):

# %% tags=["worked:zero-gradients"]
net = xor_net("sigmoid", init="zeros")
grads = net.backward(X_xor, y_xor)
print("hidden activations (every sample):", grads.trace.activations[1][0])
print("output error terms delta_out:", grads.deltas[1][:, 0])
print("dL/dW2 =", grads.weights[1][0], " dL/db2 =", grads.biases[1])
print("dL/dW1 =", grads.weights[0].ravel(), " dL/db1 =", grads.biases[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why, step by step (lesson 6's equations):
#
# - **$W_1$ cannot move because $W_2 = 0$.** A hidden unit's error term is
#   $\delta_1 = (\delta_2 W_2) \odot f'(z_1)$: every hidden unit's gradient is multiplied by a
#   zero weight, whatever the activation. So $\partial L/\partial W_1 = \delta_1^\top X = 0$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **$W_2$ cannot move either.** $\partial L/\partial W_2 = \delta_2^\top a_1$. With tanh and ReLU
#   the hidden outputs are $f(0) = 0$, so this is 0. With sigmoid they are $f(0) = 0.5$, so it is
#   $0.5 \sum_i \delta_{2,i}$; the output is 0.5 for every sample, so the four error terms are
#   $\pm 0.125$: XOR has two targets of each class, so they cancel exactly. The output bias
#   stays at 0 too.

# %% [markdown] slideshow={"slide_type": "subslide"}
# - Nothing moved, so the next step sees the same zeros: the network is frozen for good.

# %% [markdown]
# ## Equal non-zero weights
#
# Now every weight starts at 0.5 (biases 0). The gradients are no longer zero, so the weights
# do move.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** After 5000 steps from equal weights, how many *different* rows does
# $W_1$ (4 rows, one per hidden unit) have?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# One. All four rows stay exactly equal, to the last bit, for all three activations. Every
# hidden unit computes the same weighted sum from the same inputs, sends it through the same
# weight to the output, and so receives the same error term and the same update: the four
# hidden units are copies of one unit, and a single hidden unit cannot solve XOR. The loss
# stays far above that of the random starts in the next section.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:equal"]
def equal_net(hidden, value=0.5):
    net = xor_net(hidden)
    net.weights = [np.full_like(W, value) for W in net.weights]
    return net


for hidden in HIDDEN:
    net = equal_net(hidden)
    history = train_xor(net)
    W1 = net.weights[0]
    print(f"{hidden:>7}: rows of W1 differ by at most {np.max(np.abs(W1 - W1[0]))}, "
          f"each row = {W1[0]}, loss {history.loss[-1]:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# With tanh and sigmoid the loss does go down from $\ln 2 \approx 0.6931$ (the one "unit" fits
# what one unit can), which makes this failure easy to miss; with ReLU it goes back to
# $\ln 2$. The picture: each hidden unit's first weight during training, from
# equal weights and from small random ones (next section).

# %% slideshow={"slide_type": "subslide"}
def weight_paths(net, epochs=1500):
    """W1[:, 0] after every epoch: (epochs, 4)."""
    path = []
    train(net, X_xor, y_xor, epochs=epochs, batch_size=None, learning_rate=1.0, seed=0,
          callback=lambda epoch, history, net: path.append(net.weights[0][:, 0].copy()))
    return np.array(path)


# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 2.8), sharey=True, layout="constrained")
for ax, (title, net) in zip(axes, [("equal start (0.5)", equal_net("tanh")),
                                   ("random start (std 0.1)", xor_net("tanh", init="normal", weight_scale=0.1))]):
    ax.plot(weight_paths(net))
    ax.set_title(f"tanh units, {title}")
    ax.set_xlabel("epoch")
axes[0].set_ylabel("first weight of each hidden unit")
plt.show()

# %% [markdown]
# On the left the four lines are drawn on top of each other: one line. On the right they part.

# %% [markdown]
# ## Small random weights break the symmetry
#
# Draw every weight from a normal distribution with mean 0 and standard deviation 0.1
# (variance 0.01): `init="normal", weight_scale=0.1`. The units now start different, get
# different error terms, and specialise.

# %% slideshow={"slide_type": "subslide"} tags=["worked:random"]
random_histories = {}
for hidden in HIDDEN:
    net = xor_net(hidden, init="normal", weight_scale=0.1)
    random_histories[hidden] = train_xor(net)
    W1 = net.weights[0]
    print(f"{hidden:>7}: rows of W1 differ by up to {np.max(np.abs(W1 - W1[0])):.4f}, "
          f"loss {random_histories[hidden].loss[-1]:.4f}, accuracy {net.accuracy(X_xor, y_xor)}")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
for hidden in HIDDEN:
    ax.plot(random_histories[hidden].loss, label=hidden)
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("XOR from small random weights (std 0.1)")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# All three solve XOR. The sigmoid network sits on a plateau at $\ln 2$ for about 3000 epochs
# first: with weights of 0.1 and a sigmoid slope of at most 1/4, its gradients are tiny, the
# same effect as lesson 7's, in miniature. Small is good for breaking symmetry; *too* small is
# the next problem.

# %% [markdown]
# ## The scale matters
#
# In a deep network each layer computes $z = W a + b$. With $n$ inputs and weights of standard
# deviation $\sigma$, $\operatorname{Var}(z) \approx n\,\sigma^2\,\operatorname{Var}(a)$: every
# layer multiplies the spread of the signal by about $\sigma\sqrt{n}$ (times what the
# activation does to it).

# %% [markdown] slideshow={"slide_type": "subslide"}
# - $\sigma\sqrt{n} \ll 1$: the activations shrink layer after layer towards 0, and so do the
#   gradients (they are products of the same small weights).
# - $\sigma\sqrt{n} \gg 1$: tanh and sigmoid **saturate** (outputs pinned at the ends, slope
#   near 0) and the gradients vanish through the slopes instead.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The measurement: a tanh network with 10 hidden layers of 64 units on the circles data,
# with weights of standard deviation 0.01, 0.05, 0.5 and 1 ($\sigma\sqrt{64} = 0.08$ to 8).
# For each hidden layer: the standard deviation of its activations, and the fraction of
# saturated units ($|a| > 0.99$).

# %%
X, y = data.circles(200, seed=0)
DEEP = [2] + [64] * 10 + [1]
SCALES = [0.01, 0.05, 0.5, 1.0]


def deep_tanh(**init):
    return MLP(DEEP, "tanh", "sigmoid", "binary_cross_entropy", seed=0, **init)


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** With standard deviation 1, what fraction of the last hidden layer's
# outputs are saturated: about 1%, 10%, or most of them?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# Most: about 70% of them are beyond $\pm 0.99$, where tanh's slope is below 0.02. With 0.01
# the opposite happens: the last layer's outputs are around $10^{-12}$.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:scale-stats"]
spread = {}
for scale in SCALES:
    net = deep_tanh(init="normal", weight_scale=scale)
    hidden_outputs = net.trace(X).activations[1:-1]
    spread[scale] = [a.std() for a in hidden_outputs]
    saturated = np.mean(np.abs(hidden_outputs[-1]) > 0.99)
    first_gradient = np.linalg.norm(net.backward(X, y).weights[0])
    print(f"std {scale:>4}: activation std layer 1 {spread[scale][0]:.1e}, layer 10 {spread[scale][-1]:.1e}; "
          f"saturated in layer 10: {saturated:.0%}; first layer's gradient {first_gradient:.1e}")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
for scale in SCALES:
    ax.semilogy(range(1, 11), spread[scale], marker="o", label=f"std {scale}")
ax.set_xlabel("hidden layer")
ax.set_ylabel("std of the activations (log)")
ax.set_title("tanh, 10 hidden layers of 64: the signal on the way forward")
ax.legend(ncol=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# At 0.01 and 0.05 the signal dies on the way forward, and the first layer's gradient with it
# ($10^{-13}$ and $10^{-6}$).

# %% [markdown] slideshow={"slide_type": "subslide"}
# At 0.5 and 1 it does not die, but about half or more of the last
# layer's units are pinned at $\pm 1$, where their slope is almost 0, and the gradients are
# huge (15 and 370 for the first layer): training would need a tiny learning rate. The good
# scale lies between, and it depends on $n$.

# %% [markdown]
# ## Xavier/Glorot and He: the scale chosen from the layer sizes
#
# Choose $\sigma$ so that $n\,\sigma^2 \operatorname{Var}(a)$ keeps the variance the same from
# layer to layer:
#
# | name | standard deviation | meant for | `MLP(..., init=...)` |
# | --- | --- | --- | --- |
# | Xavier / Glorot (2010) | $\sqrt{2/(n_\text{in} + n_\text{out})}$ | tanh, sigmoid | `"xavier"` (the default) |
# | He (2015) | $\sqrt{2/n_\text{in}}$ | ReLU | `"he"` |

# %% [markdown] slideshow={"slide_type": "subslide"}
# For a square layer Xavier is $\sqrt{1/n}$, so $\sigma\sqrt{n} = 1$: right for tanh, which is
# linear near 0. ReLU sets half its inputs to zero, which halves the variance at every layer;
# He's extra factor 2 makes up for exactly that.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same deep network for both (8 hidden layers of 32 units, the three-class spirals, softmax
# output), with ReLU and tanh units, once with each initialisation. First the activation
# statistics:

# %% slideshow={"slide_type": "subslide"} tags=["worked:xavier-he-stats"]
X_spiral, y_spiral = data.spirals(300, 3, seed=0)
SPIRAL_NET = [2] + [32] * 8 + [3]
RUNS = [("relu", "xavier"), ("relu", "he"), ("tanh", "xavier"), ("tanh", "he")]


def spiral_net(hidden, init):
    return MLP(SPIRAL_NET, hidden, "softmax", "cross_entropy", init=init, seed=0)


stds = {}
for hidden, init in RUNS:
    stds[hidden, init] = [a.std() for a in spiral_net(hidden, init).trace(X_spiral).activations[1:-1]]
    print(f"{hidden:>4} + {init:<6}: activation std per layer", " ".join(f"{s:.3f}" for s in stds[hidden, init]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ReLU with Xavier loses about 40% of the spread at every layer (the halved variance, plus
# the small first layer): from 0.08 to 0.003 over eight layers. ReLU with He keeps most of it
# (0.33 to 0.14). tanh keeps it with either; with He its outputs are larger, further from the
# linear part but not saturated.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now train each for 100 epochs (mini-batches of 32,
# learning rate 0.05):

# %% tags=["worked:xavier-he-training"]
spiral_histories = {}
for hidden, init in RUNS:
    net = spiral_net(hidden, init)
    spiral_histories[hidden, init] = history = train(net, X_spiral, y_spiral, epochs=100, batch_size=32,
                                                     learning_rate=0.05, seed=0)
    print(f"{hidden:>4} + {init:<6}: loss after epoch 1 {history.loss[0]:.3f}, 10 {history.loss[9]:.3f}, "
          f"100 {history.loss[99]:.3f}; accuracy {net.accuracy(X_spiral, y_spiral):.3f}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 3), layout="constrained")
for hidden, init in RUNS:
    ax = axes[0] if hidden == "relu" else axes[1]
    ax.plot(spiral_histories[hidden, init].loss, label=init)
for ax, hidden in zip(axes, ["relu", "tanh"]):
    ax.set_title(f"{hidden} units, 8 hidden layers")
    ax.set_xlabel("epoch")
    ax.legend()
axes[0].set_ylabel("training loss")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# With ReLU units, Xavier's shrinking signal costs a slow start: after 10 epochs the loss is
# still near $\ln 3 \approx 1.1$ (chance for three classes), while He's is down to 0.25.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Here
# tanh also starts faster with He's larger weights (the first layer has only 2 inputs, so its
# Xavier scale is small). All four get there in the end on this small problem; in deeper
# networks the difference decides whether training starts at all.

# %% [markdown]
# ## Try it: the initial scale, layer by layer
#
# Each column of the picture is one hidden layer of a deep network (64 units per layer, 200
# inputs from the circles data); its colours show how that layer's outputs are spread (a
# histogram turned on its side: dark where many outputs lie). Below, each layer's standard
# deviation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Drag the scale and watch the columns collapse to a thin line at 0 (vanishing) or
# split to the two ends $\pm 1$ (saturation); choose *xavier* or *he* to see where they put
# the scale.

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.init_scale import init_scale_explorer

init_scale_explorer()

# %% [markdown]
# ## Summary
#
# - **All-zero weights freeze training**: every hidden unit's error term is multiplied by a zero
#   outgoing weight, so $W_1$ never moves, and $W_2$ sees zero (or perfectly cancelling) inputs.
# - **Equal weights** move, but every hidden unit stays a copy of the others (the rows of $W_1$
#   stay exactly equal): the layer acts as one unit. The symmetry never breaks.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - **Small random weights** (e.g. normal, variance 0.01) break the symmetry.
# - **The scale matters**: each layer multiplies the signal's spread by about $\sigma\sqrt{n}$.
#   Too small and activations and gradients vanish; too large and tanh/sigmoid saturate.
# - **Xavier/Glorot** ($\sqrt{2/(n_\text{in}+n_\text{out})}$) suits tanh and sigmoid; **He**
#   ($\sqrt{2/n_\text{in}}$) suits ReLU, which discards half the variance at each layer.

# %% [markdown]
# ## Check your understanding
#
# 1. All weights start at 0 but the biases at random values. Does training still freeze?
#
# <details><summary>Answer</summary>
#
# Yes, at first: $W_2 = 0$ still multiplies every hidden unit's error term, so $W_1$ gets no
# gradient. $W_2$ can now move (the hidden outputs $f(b_1)$ differ from unit to unit), and once
# it is non-zero $W_1$ follows. Random biases alone are a weak, slow way to break the symmetry.
#
# </details>
#
# 2. The network with equal initial weights trains (its loss goes down). Why can it never
#    classify all four XOR points right, however long it trains?
#
# <details><summary>Answer</summary>
#
# Its four hidden units stay copies of each other, so they act as one hidden unit, and one
# hidden unit draws one line: it can get at most three of the four XOR points right.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. A layer has 400 inputs and 100 outputs. What standard deviation does Xavier give? He?
#
# <details><summary>Answer</summary>
#
# Xavier: $\sqrt{2/500} \approx 0.063$. He: $\sqrt{2/400} \approx 0.071$.
#
# </details>
#
# 4. Your deep tanh network's hidden units are almost all at $\pm 1$ at the start. Should
#    you make the initial weights larger or smaller, and why does it matter for learning?
#
# <details><summary>Answer</summary>
#
# Smaller. At $\pm 1$ tanh's slope is almost 0, so the error terms, multiplied by the slope at
# every layer, vanish, and the early layers do not learn.
#
# </details>
#
# 5. Why does ReLU want a larger initial scale than tanh?
#
# <details><summary>Answer</summary>
#
# ReLU outputs 0 for the negative half of its inputs, which halves the variance passed on at
# every layer; He's factor 2 in $\sigma^2 = 2/n_\text{in}$ makes up for it.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Write an initialiser and catch the symmetric case in the graded exercise
# **`exercises/ex08_initialization.ipynb`** ([open it](../exercises/ex08_initialization.ipynb)).
