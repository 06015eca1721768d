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

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - explain why all-zero weights freeze a network, and point at the zero that does it;
# - show that equal non-zero weights keep every hidden unit identical forever, so a layer acts
#   as one unit;
# - break the symmetry with small random weights.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives** (continued). You can also
#
# - see in per-layer statistics, forward and backward, what a too-small and a too-large scale do;
# - derive He's and Xavier/Glorot's scales from the second moments, and say why ReLU wants the
#   larger one.

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
from course_lib.drawing import show_figure
from course_lib.lessons import figure_text

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
# Neither, for all three activations: $W^1$ and $W^2$ stay exactly 0, the loss stays at
# $\ln 2$ and the accuracy at 0.5. The reason follows the numbers.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:zeros"]
for hidden in HIDDEN:
    net = xor_net(hidden, init="zeros")
    history = train_xor(net)
    print(f"{hidden:>7}: max |W1| = {np.max(np.abs(net.weights[0]))},"
          f" max |W2| = {np.max(np.abs(net.weights[1]))}, loss {history.loss[0]:.6f}"
          f" -> {history.loss[-1]:.6f}, accuracy {net.accuracy(X_xor, y_xor)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Exactly 0.0 after 5000 steps. Look at the very first step's gradients, for sigmoid hidden
# units (the least obvious case):

# %% tags=["worked:zero-gradients"]
net = xor_net("sigmoid", init="zeros")
grads = net.backward(X_xor, y_xor)
print("hidden activations (every sample):", grads.trace.activations[1][0])
print("output error terms Delta^2:", grads.deltas[1][:, 0])   # grads.deltas[l-1] is Delta^l
print("dL/dW2 =", grads.weights[1][0], " dL/db2 =", grads.biases[1])
print("dL/dW1 =", grads.weights[0].ravel(), " dL/db1 =", grads.biases[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why, step by step (lesson 6's equations):
#
# - **$W^1$ cannot move because $W^2 = 0$.** The hidden layer's error term is
#   $\Delta^1 = (\Delta^2 W^2) \odot f'(Z^1)$: every hidden unit's error is multiplied by a
#   zero weight, whatever the activation. So $\partial L/\partial W^1 = (\Delta^1)^\top X = 0$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **$W^2$ cannot move either.** $\partial L/\partial W^2 = (\Delta^2)^\top A^1$. With tanh and
#   ReLU the hidden outputs are $f(0) = 0$, so this is 0. With sigmoid they are $0.5$, so it is
#   $0.5 \sum_i \Delta^2_i$; the four error terms are $\pm 0.125$, two of each sign (XOR's two
#   classes), and cancel exactly. The output bias stays at 0 too.

# %% [markdown] slideshow={"slide_type": "subslide"}
# - Nothing moved, so the next step sees the same zeros: the network is frozen for good.

# %% [markdown]
# ## Equal non-zero weights
#
# Now every weight starts at 0.5 (biases 0). The gradients are no longer zero, so the weights
# do move.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** After 5000 steps from equal weights, how many *different* rows does
# $W^1$ (4 rows, one per hidden unit) have?
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
# $\ln 2$. Below, each hidden unit's first weight during training, from equal and from small
# random weights.

# %% slideshow={"slide_type": "subslide"}
def weight_paths(net, epochs=1500):
    """W1[:, 0] after every epoch: (epochs, 4)."""
    path = []
    train(net, X_xor, y_xor, epochs=epochs, batch_size=None, learning_rate=1.0, seed=0,
          callback=lambda epoch, history, net: path.append(net.weights[0][:, 0].copy()))
    return np.array(path)


# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 2.6), sharey=True, layout="constrained")
paths = {}
starts = [("equal start (0.5)", equal_net("tanh")),
          ("random start (std 0.1)", xor_net("tanh", init="normal", weight_scale=0.1))]
for ax, (title, net) in zip(axes, starts):
    paths[title] = weight_paths(net)
    ax.plot(paths[title])
    ax.set(title=f"tanh units, {title}", xlabel="epoch")
axes[0].set_ylabel("first weight of\neach hidden unit")
show_figure(figure_text.weight_paths(*paths.values()))

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
    random_histories[hidden] = history = train_xor(net)
    W1 = net.weights[0]
    print(f"{hidden:>7}: rows of W1 differ by up to {np.max(np.abs(W1 - W1[0])):.4f}, "
          f"loss {history.loss[-1]:.4f}, accuracy {net.accuracy(X_xor, y_xor)}")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
for hidden, style in zip(HIDDEN, ("-", "--", ":")):
    ax.plot(random_histories[hidden].loss, ls=style, label=hidden)
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("XOR from small random weights (std 0.1)")
fig.legend(loc="outside right upper")
show_figure(figure_text.random_start_losses(HIDDEN, random_histories))

# %% [markdown] slideshow={"slide_type": "subslide"}
# All three solve XOR. The sigmoid network first sits on a plateau at $\ln 2$ for about 3000
# epochs: with weights of 0.1 and slopes of at most 1/4, its gradients are tiny (lesson 7's
# effect, in miniature). Small breaks the symmetry; *too* small is the next problem.

# %% [markdown]
# ## The scale matters
#
# Each layer computes $z = W a + b$. With $n$ inputs and weights of standard deviation
# $\sigma$, it multiplies the size of the signal by about $\sigma\sqrt{n}$ (times what the
# activation does), and so does each step back for $\delta$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# - $\sigma\sqrt{n} \ll 1$: the activations shrink layer after layer towards 0, and so does
#   $\delta$ on its way back: every gradient is tiny.
# - $\sigma\sqrt{n} \gg 1$: tanh units **saturate** (outputs pinned at $\pm 1$, slope near 0),
#   but going back the large weights win over the flat slopes: $\delta$ grows towards the input
#   and the gradients **explode**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The measurement: a tanh network with 10 hidden layers of 64 units on the circles data,
# weights of standard deviation 0.01, 0.05, 0.5 and 1 ($\sigma\sqrt{64} = 0.08$ to 8).
# Forward: each layer's standard deviation and saturated units ($|a| > 0.99$). Backward:
# $\|\Delta^l\|$.

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
spread, backward = {}, {}
for scale in SCALES:
    grads = deep_tanh(init="normal", weight_scale=scale).backward(X, y)
    hidden_outputs = grads.trace.activations[1:-1]
    spread[scale] = [a.std() for a in hidden_outputs]
    backward[scale] = [np.linalg.norm(d) for d in grads.deltas]  # ||Delta^l||, l = 1..11
    saturated = np.mean(np.abs(hidden_outputs[-1]) > 0.99)
    d = backward[scale]
    print(f"std {scale:>4}: forward  activation std layer 1 {spread[scale][0]:.1e}"
          f" → layer 10 {spread[scale][-1]:.1e}, saturated in layer 10: {saturated:.0%}")
    print(f"    backward ‖Δ‖ layer 11 {d[-1]:.1e} → layer 1 {d[0]:.1e} (×{d[0] / d[-1]:.1e});"
          f" first layer's gradient {np.linalg.norm(grads.weights[0]):.1e}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained")
for scale, shape in zip(SCALES, "osD^"):
    axes[0].semilogy(range(1, 11), spread[scale], marker=shape, label=f"std {scale}")
    axes[1].semilogy(range(1, 12), backward[scale], marker=shape, label=f"std {scale}")
axes[0].set(xlabel="hidden layer", ylabel="log scale", title="forward: std of activations",
            xticks=[1, 4, 7, 10])
axes[1].set(xlabel="layer $l$ (11 = output layer)", xticks=[1, 6, 11],
            title=r"backward: error term $\|\Delta^l\|$")
fig.legend(*axes[1].get_legend_handles_labels(), loc="outside right upper")
show_figure(figure_text.scale_spread(SCALES, spread, backward))

# %% [markdown] slideshow={"slide_type": "subslide"}
# At 0.01 and 0.05 the signal dies on the way forward, and $\delta$ on the way back; the first
# layer's gradient is $10^{-13}$ and $10^{-6}$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# At 0.5 and 1 the signal does not die, but about half or more of the last layer's units are
# pinned at $\pm 1$, and $\delta$ *grows* on its way back: 420 and 8,600 times from the output
# layer to the first. The first layer's gradients (15 and 370) explode. The good scale lies
# between, and it depends on $n$.

# %% [markdown]
# ## Xavier/Glorot and He: the scale chosen from the layer sizes
#
# **Forward.** $z = \sum_{i=1}^{n_\text{in}} w_i a_i$ with weights of mean 0, drawn
# independently of the $a_i$. The cross terms average out (optional section below):
#
# $$E[z^2] = n_\text{in}\,\sigma^2\,E[a^2].$$
#
# It is the second moment $E[a^2]$, not the variance: a ReLU's outputs are never negative, so their
# mean is not 0.

# %% [markdown] slideshow={"slide_type": "subslide"}
# For tanh near 0, $a \approx z$: $E[z^2]$ stays steady when $\sigma^2 = 1/n_\text{in}$.
# ReLU zeroes the negative half of a symmetric $z$ and keeps the other half, so
# $E[a^2] = \tfrac12 E[z^2]$: it needs $\sigma^2 = 2/n_\text{in}$. That is **He**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Backward.** $\delta^l = \big((W^{l+1})^\top \delta^{l+1}\big) \odot f'(z^l)$ sums over the
# $n_\text{out}$ units that $W^{l+1}$ feeds, so
#
# $$E[(\delta^l)^2] = n_\text{out}\,\sigma^2\,E[(\delta^{l+1})^2]\,E[f'(z^l)^2]:$$
#
# steady when $\sigma^2 = 1/n_\text{out}$ for tanh ($f' \approx 1$), $2/n_\text{out}$ for ReLU.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Forward wants $1/n_\text{in}$, backward $1/n_\text{out}$. **Xavier/Glorot** takes the
# compromise $\sigma^2 = 2/(n_\text{in} + n_\text{out})$; He keeps the forward $2/n_\text{in}$.
# For a square layer both directions agree.
#
# | name | standard deviation | meant for | `MLP(..., init=...)` |
# | --- | --- | --- | --- |
# | Xavier / Glorot (2010) | $\sqrt{2/(n_\text{in} + n_\text{out})}$ | tanh, sigmoid | `"xavier"` (the default) |
# | He (2015) | $\sqrt{2/n_\text{in}}$ | ReLU | `"he"` |

# %% [markdown] slideshow={"slide_type": "subslide"}
# One deep network (8 hidden layers of 32 units, the three-class spirals, softmax output),
# with ReLU and with tanh units, from each initialisation. Forward $\sqrt{E[z^2]}$ and
# backward $\sqrt{E[\delta^2]}$ per hidden layer:

# %% slideshow={"slide_type": "subslide"} tags=["worked:xavier-he-stats"]
X_spiral, y_spiral = data.spirals(300, 3, seed=0)
SPIRAL_NET = [2] + [32] * 8 + [3]
RUNS = [("relu", "xavier"), ("relu", "he"), ("tanh", "xavier"), ("tanh", "he")]


def spiral_net(hidden, init):
    return MLP(SPIRAL_NET, hidden, "softmax", "cross_entropy", init=init, seed=0)


rms = lambda array: np.sqrt(np.mean(array**2))
forward, back = {}, {}
for hidden, init in RUNS:
    grads = spiral_net(hidden, init).backward(X_spiral, y_spiral)
    forward[hidden, init] = [rms(z) for z in grads.trace.zs[:-1]]   # hidden layers 1..8
    back[hidden, init] = [rms(d) for d in grads.deltas[:-1]]
    f, b = forward[hidden, init], back[hidden, init]
    print(f"{hidden:>4} + {init:<6}: forward √E[z²] layer 1 → 8: ×{f[-1] / f[0]:.2f}   "
          f"backward √E[δ²] layer 8 → 1: ×{b[0] / b[-1]:.2f}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
for (hidden, init), style in zip(RUNS, ["o-", "s-", "o--", "s--"]):
    axes[0].semilogy(range(1, 9), forward[hidden, init], style, label=f"{hidden} + {init}")
    axes[1].semilogy(range(1, 9), back[hidden, init], style, label=f"{hidden} + {init}")
axes[0].set_title(r"forward: $\sqrt{E[z^2]}$")
axes[1].set_title(r"backward: $\sqrt{E[\delta^2]}$")
for ax in axes:
    ax.set_xlabel("hidden layer")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper")
show_figure(figure_text.xavier_he_flow(RUNS, forward, back))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ReLU with Xavier ($\sigma^2 = 1/32$ between hidden layers, half what ReLU needs) loses the
# signal both ways: ×0.03 and ×0.08 over seven steps, where $\sqrt{1/2}$ a step gives 0.09.
# ReLU with He and tanh with Xavier keep it within a factor of 3 (32 units make each layer's
# draw noisy). tanh with He is too large: its $\delta$ grows.

# %% [markdown]
# ### Optional: the algebra behind the two scales
#
# Forward, with $E[w_i] = 0$, $E[w_i^2] = \sigma^2$, weights independent of each other and
# of the $a$'s:
#
# $$E[z^2] = \sum_{i,j} E[w_i w_j]\,E[a_i a_j] = \sum_i \sigma^2 E[a_i^2] = n_\text{in}\,\sigma^2\,E[a^2].$$
#
# With a bias of 0, $E[z] = 0$ too, so here $E[z^2]$ is also $z$'s variance.

# %% [markdown] slideshow={"slide_type": "subslide"}
# For a $z$ symmetric about 0, $\operatorname{relu}(z)^2$ is $z^2$ on the positive half and 0 on
# the other, so $E[\operatorname{relu}(z)^2] = \tfrac12 E[z^2]$. Its *variance* is smaller still:
# for a normal $z$, $E[\operatorname{relu}(z)] = \sqrt{E[z^2]/(2\pi)}$, so
# $\operatorname{Var} = (\tfrac12 - \tfrac1{2\pi}) E[z^2] \approx 0.34\,E[z^2]$. Checked on a
# million samples:

# %% tags=["worked:relu-moments"]
z_samples = np.random.default_rng(0).normal(size=1_000_000)
a_samples = np.maximum(z_samples, 0.0)
second = np.mean(a_samples**2) / np.mean(z_samples**2)
variance = np.var(a_samples) / np.mean(z_samples**2)
print(f"E[relu(z)²] / E[z²] = {second:.2f},   Var(relu(z)) / E[z²] = {variance:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The next layer reads $E[a^2]$, not $\operatorname{Var}(a)$: that is why the argument tracks
# second moments, and why He's factor is exactly 2.
#
# Backward, unit $j$ of layer $l$: $\delta^l_j = f'(z^l_j) \sum_{k=1}^{n_\text{out}}
# W^{l+1}_{kj}\,\delta^{l+1}_k$. Treating the weights as independent of the $\delta$'s and the
# slopes (the usual approximation), the same steps give
# $E[(\delta^l)^2] = n_\text{out}\,\sigma^2\,E[(\delta^{l+1})^2]\,E[f'(z^l)^2]$; ReLU's
# $E[f'^2] = \tfrac12$ asks for $\sigma^2 = 2/n_\text{out}$.

# %% [markdown]
# ### Optional: training from each start
#
# Now train each for 100 epochs (mini-batches of 32,
# learning rate 0.05):

# %% tags=["worked:xavier-he-training"]
spiral_histories = {}
for hidden, init in RUNS:
    net = spiral_net(hidden, init)
    spiral_histories[hidden, init] = history = train(net, X_spiral, y_spiral, epochs=100,
                                                     batch_size=32, learning_rate=0.05, seed=0)
    print(f"{hidden:>4} + {init:<6}: loss after epoch 1 {history.loss[0]:.3f},"
          f" 10 {history.loss[9]:.3f}, 100 {history.loss[99]:.3f};"
          f" accuracy {net.accuracy(X_spiral, y_spiral):.3f}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 3), layout="constrained")
for hidden, init in RUNS:
    ax = axes[0] if hidden == "relu" else axes[1]
    ax.plot(spiral_histories[hidden, init].loss, ls="-" if init == "xavier" else "--",
            label=init)
for ax, hidden in zip(axes, ["relu", "tanh"]):
    ax.set_title(f"{hidden} units, 8 hidden layers")
    ax.set_xlabel("epoch")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper")
axes[0].set_ylabel("training loss")
show_figure(figure_text.xavier_he_training(RUNS, spiral_histories))

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
# Each column of the picture is one hidden layer of a deep network (64 units, 200 points of
# the circles data), coloured by how its outputs are spread: a histogram on its side, dark
# where many lie. Beside it, each layer's standard deviation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Drag the scale: the columns collapse to a line at 0 (vanishing) or split to $\pm 1$
# (saturation). Choose *xavier* or *he* to see where they put the scale.

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.init_scale import init_scale_explorer

init_scale_explorer()

# %% [markdown]
# ## Summary
#
# - **All-zero weights freeze training**: every hidden unit's error term is multiplied by a zero
#   outgoing weight, so $W^1$ never moves, and $W^2$ sees zero (or cancelling) inputs.
# - **Equal weights** move, but the hidden units stay copies of each other: the layer acts as
#   one unit.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - **Small random weights** (e.g. normal, variance 0.01) break the symmetry.
# - **The scale matters**: each layer multiplies the signal, and $\delta$ coming back, by
#   about $\sigma\sqrt{n}$. Too small and both vanish; too large and tanh saturates while
#   the gradients explode.
# - Keeping $E[z^2]$ steady gives **He**'s $2/n_\text{in}$ for ReLU; **Xavier**'s
#   $2/(n_\text{in}+n_\text{out})$ balances forward and backward, for tanh.

# %% [markdown]
# ## Check your understanding
#
# 1. All weights start at 0 but the biases at random values. Does training still freeze?
#
# <details><summary>Answer</summary>
#
# Yes, at first: $W^2 = 0$ still multiplies every hidden unit's error term, so $W^1$ gets no
# gradient. $W^2$ can now move (the hidden outputs $f(b^1)$ differ from unit to unit), and once
# it is non-zero $W^1$ follows. Random biases alone are a weak, slow way to break the symmetry.
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
# Smaller. The weights are too large both ways. Forward, saturated units pass on little more
# than a sign. Backward, $\delta$ is multiplied by about $\sigma\sqrt{n}$ at every layer, more
# than the flat slopes take away: it grows towards the input (8,600 times over ten layers at
# standard deviation 1 in this lesson), and the first layers' gradients explode.
#
# </details>
#
# 5. Why does ReLU want a larger initial scale than tanh?
#
# <details><summary>Answer</summary>
#
# ReLU outputs 0 for the negative half of its inputs, which halves the second moment
# $E[a^2]$ passed on at every layer; He's factor 2 in $\sigma^2 = 2/n_\text{in}$ makes up
# for it.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Derive the initial scale, and catch the symmetric start, in the graded exercise
# **`exercises/ex08_initialization.ipynb`** ([open it](../exercises/ex08_initialization.ipynb)).
