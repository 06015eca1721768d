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
# # 7. Activations and vanishing gradients
#
# Every hidden unit passes its weighted sum through an activation $f$. Back-propagation
# multiplies the error by $f'(z)$ at every layer on its way back, so the choice of $f$
# decides whether a deep network's first layers hear anything at all.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - draw sigmoid, tanh, ReLU and leaky ReLU with their derivatives, and say where each slope
#   is largest and where it is zero;
# - show with numbers that a deep network *without* a nonlinearity is one linear layer;
# - count dead ReLU units, say what kills them, and use leaky ReLU as one remedy.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives** (continued). You can also
#
# - measure each layer's error term $\delta$, activations and gradient in a deep network, and
#   explain from the weights' scale and the slopes why $\delta$ vanishes with sigmoid units,
#   shrinks slowly with ReLU and holds with tanh at the same weights;
# - (optional) check tiny gradients with an **element-wise** relative error.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lessons 1–6: the forward pass, the losses, gradient descent, the chain
# rule, signals, and the full backward pass of `MLP`.
#
# **Estimated time.** 50 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: the core is the per-layer gradient picture. Ask the room to guess
# how much smaller the first layer's gradient is in the 10-layer sigmoid network before
# showing it; most guess 10x, and the printed ratio surprises them. The widget at the
# end lets the room find the depth and scale where tanh starts to vanish too.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, data, get_activation, numerical_gradient, relative_error, train
from course_lib.drawing import show_figure
from course_lib.lessons import figure_text

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The activations and their slopes
#
# | name | $f(z)$ | $f'(z)$ | largest slope |
# | --- | --- | --- | --- |
# | sigmoid | $1/(1+e^{-z})$ | $f(z)\,(1-f(z))$ | $1/4$, at $z=0$ |
# | tanh | $\tanh z$ | $1-\tanh^2 z$ | $1$, at $z=0$ |
# | ReLU | $\max(0, z)$ | $1$ for $z>0$, $0$ for $z<0$ | $1$ |
# | leaky ReLU | $\max(0.01 z, z)$ | $1$ for $z>0$, $0.01$ for $z<0$ | $1$ |

# %% [markdown] slideshow={"slide_type": "subslide"}
# Sigmoid and tanh **saturate**: far from 0 they flatten out and their slope goes to 0.
# ReLU never saturates for $z > 0$, but its slope is exactly 0 for every $z < 0$.

# %% slideshow={"slide_type": "subslide"}
z = np.linspace(-5, 5, 401)
names = ["sigmoid", "tanh", "relu", "leaky_relu"]
fig, axes = plt.subplots(1, 4, figsize=(9, 2.6), sharex=True, layout="constrained")
for ax, name in zip(axes, names):
    f = get_activation(name)
    ax.plot(z, f(z), label="$f(z)$")
    ax.plot(z, f.derivative(z), "--", label="$f'(z)$")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set(title=name, xlabel="$z$", ylim=(-1.2, 2.2))
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper")
show_figure(figure_text.activation_slopes(names, z, get_activation))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The numbers behind the picture: each derivative at $z = 0$ and at $z = \pm 3$.

# %% tags=["worked:slopes"]
for name in names:
    slope = get_activation(name).derivative(np.array([-3.0, 0.0, 3.0]))
    print(f"{name:>10}: f'(-3) = {slope[0]:.4f}   f'(0) = {slope[1]:.4f}"
          f"   f'(3) = {slope[2]:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Which one outputs what? **Sigmoid** gives a number in $(0, 1)$: a probability, so it suits
# the output of a yes/no classifier (with binary cross-entropy, lesson 2). **ReLU** suits
# most hidden layers: cheap, and slope 1 wherever it is active. **tanh** is a sigmoid
# stretched to $(-1, 1)$ and centred at 0, with four times the slope.

# %% [markdown]
# ## Without a nonlinearity, depth collapses
#
# Take away the activation (use the identity, $f(z) = z$). Then a layer is
# $a^l = W^l a^{l-1} + b^l$, and three layers are
#
# $$W^3\big(W^2(W^1 x + b^1) + b^2\big) + b^3
#   = \underbrace{W^3 W^2 W^1}_{W} x + \underbrace{W^3 W^2 b^1 + W^3 b^2 + b^3}_{b}:$$
#
# one layer, whatever the depth.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** A 3–4–4–2 network with identity activations has $16 + 20 + 10 = 46$
# parameters. How many numbers does the single layer that does exactly the same job need?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# $2 \times 3 + 2 = 8$: a 2×3 matrix and 2 biases. The other 38 parameters buy nothing,
# as the next cell shows.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:collapse"]
rng = np.random.default_rng(7)
linear = MLP([3, 4, 4, 2], "identity", "identity", init="normal", weight_scale=1.0, seed=7)
linear.biases = [rng.normal(size=b.shape) for b in linear.biases]
(W1, W2, W3), (b1, b2, b3) = linear.weights, linear.biases
W_one = W3 @ W2 @ W1
b_one = W3 @ W2 @ b1 + W3 @ b2 + b3
X_probe = rng.normal(size=(6, 3))
gap = np.max(np.abs(linear.forward(X_probe) - (X_probe @ W_one.T + b_one)))
print("W_one =", W_one)
print("b_one =", b_one)
print(f"max difference between the 3-layer network and the single layer: {gap:.10f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# So a linear network, however deep, can only draw straight decision boundaries: it cannot
# solve XOR. Put a nonlinearity between the layers and the collapse stops. Below, the same
# random 1–8–8–8–1 networks with identity and with tanh units, their output along a line of
# inputs:

# %% slideshow={"slide_type": "subslide"}
x_line = np.linspace(-3, 3, 200)[:, None]
fig, axes = plt.subplots(1, 2, figsize=(9, 2.7), layout="constrained")
for ax, name in zip(axes, ["identity", "tanh"]):
    for seed in range(5):
        net = MLP([1, 8, 8, 8, 1], name, "identity", init="normal", weight_scale=0.8,
                  seed=seed)
        ax.plot(x_line[:, 0], net.forward(x_line)[:, 0])
    ax.set(title=f"hidden activation: {name}", xlabel="input $x$")
axes[0].set_ylabel("network output")
show_figure(figure_text.linear_collapse(x_line))

# %% [markdown]
# Five random identity networks: five straight lines. Five tanh networks: five curves.

# %% [markdown]
# ## Gradients per layer: where they vanish
#
# Going back one layer, the error term is multiplied by the layer's weights and by
# the slope of its activation:
#
# $$\delta^{l} = \big((W^{l+1})^{\top} \delta^{l+1}\big) \odot f'(z^{l}).$$
#
# A sigmoid's slope is at most $1/4$, so ten layers back the slopes alone make the error term
# at least $4^{10} \approx 10^6$ times smaller; the weights can give some of that back.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The experiment: three networks with 10 hidden layers of 32 units each, identical except for
# the hidden activation, on the circles data. **The initialisation is set explicitly**: every
# weight drawn from a normal distribution with standard deviation 0.2 (`init="normal"`,
# `weight_scale=0.2`), biases 0, not the library's default, which lesson 8 derives.

# %%
X, y = data.circles(200, seed=0)
SIZES = [2] + [32] * 10 + [1]
ACTIVATIONS = ["sigmoid", "tanh", "relu"]


def deep_net(activation):
    return MLP(SIZES, activation, "sigmoid", "binary_cross_entropy",
               init="normal", weight_scale=0.2, seed=0)


# %% [markdown] slideshow={"slide_type": "subslide"}
# Layer $l$'s gradient pairs its error term with the activations it reads:
# $\partial L/\partial W^l = (\Delta^l)^\top A^{l-1}$. We measure all three per layer. The
# library's lists count from 0: `grads.deltas[l-1]` is $\Delta^l$,
# `grads.trace.activations[l-1]` is $A^{l-1}$, `grads.weights[l-1]` is $\partial L/\partial W^l$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** In the sigmoid network, how much smaller is the gradient of the first
# layer's weights than the gradient of the output layer's: 10 times? 1000 times? More?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# About 8 million times smaller ($2.6 \times 10^{-1}$ against $3.3 \times 10^{-8}$, printed
# below). The error term $\delta$ shrinks about 4 times at every layer on its way back: the
# weights multiply it by about $0.2 \times \sqrt{32} \approx 1.13$, the sigmoid's slopes by
# at most $1/4$. The gradient also carries the activations, so its ratio is not exactly
# $4^{-10}$.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:layer-norms"]
delta_norms, act_norms, grad_norms = {}, {}, {}
for name in ACTIVATIONS:
    grads = deep_net(name).backward(X, y)
    # ||Delta^l||, ||A^(l-1)|| and ||dL/dW^l|| for l = 1..11
    delta_norms[name] = np.array([np.linalg.norm(d) for d in grads.deltas])
    act_norms[name] = np.array([np.linalg.norm(a) for a in grads.trace.activations[:-1]])
    grad_norms[name] = np.array([np.linalg.norm(g) for g in grads.weights])
print("from the output layer (l = 11) back to the first (l = 1):")
for name in ACTIVATIONS:
    d, a, g = delta_norms[name], act_norms[name], grad_norms[name]
    per_layer = (d[0] / d[-1]) ** (1 / 10)
    print(f"{name:>8}: ‖Δ‖ {d[-1]:.1e} → {d[0]:.1e} (×{per_layer:.2f} a layer)"
          f"   ‖A‖ {a[-1]:.1e} → {a[0]:.1e}   ‖∂L/∂W‖ {g[-1]:.1e} → {g[0]:.1e}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(9, 2.8), sharey=True, layout="constrained")
layers = np.arange(1, len(SIZES))
for ax, name in zip(axes, ACTIVATIONS):
    ax.semilogy(layers, delta_norms[name], "o-", label=r"error term $\|\Delta^l\|$")
    ax.semilogy(layers, act_norms[name], "s-", label=r"activations read $\|A^{l-1}\|$")
    ax.semilogy(layers, grad_norms[name], "D-",
                label=r"gradient $\|\partial L / \partial W^l\|$")
    ax.set(xticks=[1, 6, 11], title=name)
fig.supxlabel("layer $l$ (11 = output layer)")
axes[0].set_ylabel("size (log scale)")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3)
show_figure(figure_text.layer_norms(ACTIVATIONS, grad_norms))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The gradient multiplies the two trends. With ReLU, $\delta$ shrinks tenfold from layer 11
# to layer 1, while the activations shrink going *forward* (11 to 0.41): small $\delta$ meets
# large activations, so the gradient comes out flat.

# %% [markdown] slideshow={"slide_type": "fragment"}
# tanh is the mirror image: both grow slowly. Sigmoid's outputs sit near 0.5 in every layer, so
# nothing offsets $\delta$'s fall.

# %% [markdown] slideshow={"slide_type": "subslide"}
# What sets $\delta$'s factor: each step back multiplies it by $(W^{l+1})^\top$, about
# $\sigma\sqrt{n} = 0.2 \times \sqrt{32} \approx 1.13$ on a typical vector, and by the
# slopes (typical slope: the root mean square of $f'(z)$ over the hidden units):

# %% tags=["worked:factor"]
gain = 0.2 * np.sqrt(32)
for name in ACTIVATIONS:
    slopes = [get_activation(name).derivative(z) for z in deep_net(name).trace(X).zs[:-1]]
    typical = np.sqrt(np.mean([np.mean(s**2) for s in slopes]))
    measured = (delta_norms[name][0] / delta_norms[name][-1]) ** (1 / 10)
    print(f"{name:>8}: {gain:.2f} × typical slope {typical:.2f} = {gain * typical:.2f};"
          f" measured ×{measured:.2f} a layer")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Sigmoid's slopes, at most $1/4$, make $\delta$ vanish. ReLU's slope is 1 on half the units and
# 0 on the rest, a factor of $\sqrt{1/2}$. tanh's are near 1. Whether $\delta$ shrinks or
# grows is the weights' scale times the slopes; lesson 8 chooses the scale.

# %% [markdown]
# ### What vanishing does to training
#
# Train all three for 100 epochs (mini-batches of 20, learning rate 0.1). A layer whose
# gradient is $10^{-7}$ of the others hardly moves. We measure how far each layer's weights
# travelled, relative to where they started: $\|W_{\text{end}} - W_{\text{start}}\| /
# \|W_{\text{start}}\|$.

# %% slideshow={"slide_type": "subslide"} tags=["worked:deep-training"]
histories, moved = {}, {}
for name in ACTIVATIONS:
    net = deep_net(name)
    start = [W.copy() for W in net.weights]
    histories[name] = train(net, X, y, epochs=100, batch_size=20, learning_rate=0.1, seed=0)
    moved[name] = [np.linalg.norm(W - W0) / np.linalg.norm(W0)
                   for W, W0 in zip(net.weights, start)]
    print(f"{name:>8}: loss {net.loss(X, y):.3f}, accuracy {net.accuracy(X, y):.3f}, "
          f"first layer moved {moved[name][0]:.1e}, output layer moved {moved[name][-1]:.1e}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(9, 2.85), layout="constrained")
for (name, style, shape) in zip(ACTIVATIONS, ("-", "--", ":"), ("o", "s", "D")):
    axes[0].plot(histories[name].loss, ls=style, label=name)
    axes[1].semilogy(layers, moved[name], marker=shape, ls=style, label=name)
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("training loss")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper")
axes[1].set_xticks(layers[::2])
axes[1].set_xlabel("weight layer")
axes[1].set_ylabel("relative change of W (log)")
show_figure(figure_text.deep_training(ACTIVATIONS, histories, moved))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The sigmoid network is stuck at chance (loss $\ln 2 \approx 0.693$, accuracy 0.5): its
# first layers have barely moved from their random start, so the layers above them learn from
# noise. tanh and ReLU solve the task.

# %% [markdown] slideshow={"slide_type": "subslide"}
# This is the **vanishing gradient problem**; it kept deep
# networks out of reach until the late 2000s. Its cures: activations that do not saturate
# (ReLU), initial weights scaled to the layer sizes (lesson 8), and, beyond this course,
# normalisation layers and skip connections.

# %% [markdown]
# ### Optional: checking gradients that are tiny on purpose
#
# Are gradients of $10^{-8}$ real, or a bug? A gradient check answers that, but only if it
# compares **each entry with its own size**. The course's relative error is element-wise:
#
# $$\text{error} = \max_{i} \frac{|a_i - n_i|}{|a_i| + |n_i|}, \qquad
#   \text{below } 10^{-6} \text{ in float64 (} h = 10^{-5} \text{): the gradients agree.}$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# Dividing by the *largest* entry of the whole network instead would be blind to the first
# layers. Here is a bug that such a check cannot see: the first layer's gradient replaced by
# zeros, in the 10-layer sigmoid network.

# %% tags=["worked:blind-spot"]
true_grads = deep_net("sigmoid").backward(X, y).weights
buggy_grads = [np.zeros_like(true_grads[0])] + true_grads[1:]
true_all = np.concatenate([g.ravel() for g in true_grads])
buggy_all = np.concatenate([g.ravel() for g in buggy_grads])
global_error = (np.max(np.abs(true_all - buggy_all))
                / np.max(np.abs(true_all) + np.abs(buggy_all)))
element_error = relative_error(buggy_all, true_all)
print(f"divided by the largest entry of the network: {global_error:.1e}"
      f"  (passes 1e-6: {global_error < 1e-6})")
print(f"element-wise relative error:                 {element_error:.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The element-wise error is 1: at least one entry is completely wrong.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now the real check, on a
# network shallow enough for centred differences to be accurate: a gradient entry of
# $10^{-8}$ is below what a float64 centred difference can resolve (it measures a change in
# the loss of about $10^{-12}$), so a check of the 10-layer network itself would fail for the
# check's sake, not the gradient's.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Four sigmoid layers of 8 units, 20 samples, the course's $h = 10^{-5}$:

# %% tags=["worked:gradcheck"]
small = MLP([2, 8, 8, 8, 8, 1], "sigmoid", "sigmoid", "binary_cross_entropy",
            init="normal", weight_scale=0.5, seed=0)
X_small, y_small = X[:20], y[:20]
analytic = small.backward(X_small, y_small).weights
for l, W in enumerate(small.weights):
    numeric = numerical_gradient(lambda _: small.loss(X_small, y_small), W)
    error = relative_error(analytic[l], numeric)
    print(f"layer {l + 1}: largest |dL/dW| = {np.max(np.abs(analytic[l])):.1e}, "
          f"element-wise relative error below 1e-6: {error < 1e-6}")

# %% [markdown]
# Every layer agrees, from gradients of $10^{-1}$ down to $10^{-4}$: the shrinking is real,
# not a bug.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Check.** A gradient check reports a relative error of $10^{-7}$ when it divides by the
# largest gradient entry of the network. Why is that no proof that the first layer is right?
#
# <details><summary>Answer</summary>
#
# If the first layer's gradients are $10^{-8}$ of the largest ones, even an all-zero or
# sign-flipped first layer changes that ratio by only about $10^{-8}$: well inside the
# $10^{-7}$ reported. Compare entry by entry.
#
# </details>

# %% [markdown]
# ## Dead ReLU units
#
# ReLU's slope is 0 for $z < 0$. A hidden unit whose weighted sum is negative for **every**
# training example outputs 0 everywhere and gets a gradient of exactly 0 on every example:
# its weights never change again. It is **dead**. We count them during training:

# %% slideshow={"slide_type": "subslide"}
X_moons, y_moons = data.moons(200, seed=0)


def dead_units(net, X):
    """Hidden units with z <= 0 on every row of X, summed over the hidden layers."""
    return sum(int(np.sum(np.all(z <= 0, axis=0))) for z in net.trace(X).zs[:-1])


def train_counting_dead(activation, learning_rate, bias=0.0):
    """Train a 2-32-32-1 net on the moons for 100 epochs; return it and its dead-unit count
    per epoch."""
    net = MLP([2, 32, 32, 1], activation, "sigmoid", "binary_cross_entropy", init="he", seed=0)
    for b in net.biases[:-1]:
        b[:] = bias
    counts = [dead_units(net, X_moons)]
    train(net, X_moons, y_moons, epochs=100, batch_size=20, learning_rate=learning_rate,
          seed=0, callback=lambda epoch, history, net: counts.append(dead_units(net, X_moons)))
    return net, counts


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** Of 64 hidden ReLU units, 4 are dead at the start. After training with a
# learning rate of 0.1, and with 2.0: more, fewer, or the same?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# With 0.1 a couple even come back to life (a unit is dead for the data, but the layer below
# it still learns, which can move its inputs). With 2.0, 40 of the 64 are dead at the end and
# accuracy drops:
# one large step can push a unit's bias or weights so far that its $z$ is negative for every
# example, and from then on nothing moves it back.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:dead-by-rate"]
runs = {}
for rate in (0.1, 1.0, 2.0):
    net, counts = train_counting_dead("relu", rate)
    runs[rate] = counts
    print(f"learning rate {rate}: dead units {counts[0]} -> {counts[-1]} of 64, "
          f"accuracy {net.accuracy(X_moons, y_moons):.3f}")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
for (rate, counts), style in zip(runs.items(), ("-", "--", ":")):
    ax.plot(counts, ls=style, label=f"learning rate {rate}")
ax.set_xlabel("epoch")
ax.set_ylabel("dead hidden units (of 64)")
fig.legend(loc="outside right upper")
show_figure(figure_text.dead_units(runs))

# %% [markdown] slideshow={"slide_type": "subslide"}
# With learning rate 2.0 the units die in waves: a jump in the very first epoch, when the
# gradients are largest, and a second one later on. The count hardly ever goes down: a dead
# unit comes back only if the layer below happens to change its inputs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: why the dead stay dead, and a second way to kill units
#
# Look inside the network trained with learning rate 2.0. Every incoming weight of a dead
# unit gets a gradient of exactly 0, so nothing can move it; and the dead units' biases ended up
# lower, on average, than the live ones'.

# %% tags=["worked:why-dead"]
net, _ = train_counting_dead("relu", 2.0)
z_first = net.trace(X_moons).zs[0]
dead_first = np.all(z_first <= 0, axis=0)
grads = net.backward(X_moons, y_moons)
print(f"first hidden layer: {dead_first.sum()} dead units")
print("largest |gradient| of a dead unit's incoming weights: "
      f"{np.max(np.abs(grads.weights[0][dead_first])):.1f}")
print(f"mean bias of the dead units: {net.biases[0][dead_first].mean():.3f}, "
      f"of the live ones: {net.biases[0][~dead_first].mean():.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The second way to kill units: a **negative bias** at the start. With all hidden biases at
# $-2$, most units are dead before the first step, and a learning rate that is fine otherwise
# cannot revive them.

# %% tags=["worked:dead-by-bias"]
for bias in (0.0, -1.0, -2.0):
    net, counts = train_counting_dead("relu", 0.1, bias=bias)
    print(f"initial bias {bias:+.1f}: dead units {counts[0]} -> {counts[-1]} of 64, "
          f"accuracy {net.accuracy(X_moons, y_moons):.3f}")

# %% [markdown] slideshow={"slide_type": "skip"}
# (A warning about
# experiments like this one: at still larger learning rates the outcome becomes chaotic, and a
# change in the 14th digit of one initial weight changes how many units die.)

# %% [markdown]
# ### One remedy: leaky ReLU
#
# Leaky ReLU keeps a slope of 0.01 for $z < 0$. A unit that is negative everywhere is
# *silent* but not dead: its gradient is small, never exactly zero, so it can still learn its
# way back.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same large learning rate, with leaky ReLU (a "silent" unit here is one with
# $z \le 0$ everywhere, the ReLU definition of dead):

# %% tags=["worked:leaky"]
for name in ("relu", "leaky_relu"):
    net, counts = train_counting_dead(name, 2.0)
    frozen = sum(int(np.sum(np.all(g == 0, axis=1)))
                 for g in net.backward(X_moons, y_moons).weights[:-1])
    print(f"{name:>10}, learning rate 2.0: {counts[-1]:2d} silent units,"
          f" {frozen:2d} with zero gradient, accuracy {net.accuracy(X_moons, y_moons):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With leaky ReLU no unit's gradient is ever exactly zero, and the network classifies every
# example right where the ReLU network stalls.

# %% [markdown] slideshow={"slide_type": "skip"}
# (ReLU has more zero-gradient units than dead ones: a unit alive only where every unit it
# feeds is off hears no error.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The other remedies: a smaller learning rate, and biases that do not start negative. (A leaky
# unit far on the negative side still learns slowly: with biases at $-2$ it does not rescue
# the network within 100 epochs. Try it.)

# %% [markdown]
# ## Try it: gradient flow
#
# Choose the activation, the depth and the initial standard deviation; the bars show each
# layer's $\|\partial L/\partial W^l\|$ at the start of training, on a log scale (red: below a
# millionth of the output layer's).

# %% [markdown] slideshow={"slide_type": "subslide"}
# Things to find:
#
# - the depth at which sigmoid's first layer falls below $10^{-6}$ of the output layer;
# - an initial scale at which **tanh**'s gradients are tiny in *every* layer (the signal dies
#   on the way forward, lesson 8), and one where they grow huge;

# %% [markdown] slideshow={"slide_type": "subslide"}
# - why **identity** never vanishes at scale $1/\sqrt{32} \approx 0.18$, and what it cannot
#   learn anyway (without a nonlinearity, depth collapses);
# - what ReLU does at scale 0.05, and at scale 0.5.

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.gradient_flow import gradient_flow_explorer

gradient_flow_explorer()

# %% [markdown]
# ### Optional: watch it train in the playground
#
# Lesson 6's playground, with only the controls that matter here: the activation and the
# hidden layers. It starts six hidden layers of 8 units with sigmoid units on the circle data.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Press play and watch the lowest chart, each layer's gradient norm per epoch: the curves are
# spread over three orders of magnitude, the first layer's at the bottom.

# %% [markdown] slideshow={"slide_type": "skip"}
# (The playground
# starts from Xavier weights, lesson 8's cure, which softens the effect but does not remove
# it.)

# %% [markdown]
# Then switch to tanh and ReLU, press reset, and play again.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
from course_lib.widgets.playground import playground

playground(controls=["play", "step", "reset", "activation", "hidden"], dataset="circle",
           hidden=(8, 8, 8, 8, 8, 8), activation="sigmoid", learning_rate=0.3)

# %% [markdown] slideshow={"slide_type": "subslide"}
# And dead units live: ReLU units with a learning rate of 3. Play, and read the count of dead
# ReLUs in the readout; then set the learning rate to 0.03, reset, and play again.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
from course_lib.widgets.playground import playground

playground(controls=["play", "reset", "learning_rate"], dataset="circle",
           hidden=(8, 8, 8), activation="relu", learning_rate=3.0)

# %% [markdown]
# ## Summary
#
# - Without a nonlinear activation, any number of layers is one linear layer.
# - Sigmoid's slope is at most 1/4 and tanh's at most 1; both go to 0 when they saturate.
#   ReLU's slope is 1 for $z > 0$ and 0 below.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - Each layer back multiplies $\delta$ by about $\sigma\sqrt{n}$ times the typical slope.
#   Here: ×0.25 a layer with sigmoid (the first layers barely learn), ×0.79 with ReLU, ×1.08
#   with tanh.
# - $\partial L/\partial W^l$ also carries the activations $A^{l-1}$: look at $\delta$ per
#   layer, not only at the gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - A ReLU unit negative on every example is dead: gradient exactly 0 forever. Large learning
#   rates and negative biases kill units; leaky ReLU keeps a small slope so units can recover.
# - Sigmoid suits a binary output; ReLU suits most hidden layers.

# %% [markdown]
# ## Check your understanding
#
# 1. A network has 5 layers with identity activations. Can it learn XOR?
#
# <details><summary>Answer</summary>
#
# No. It is one linear layer in disguise (without a nonlinearity, depth collapses), and XOR's classes cannot be separated
# by one straight line.
#
# </details>
#
# 2. In a 20-layer sigmoid network the error term shrinks 4 times at every layer. Roughly how
#    much smaller is it at the first layer than at the output layer?
#
# <details><summary>Answer</summary>
#
# About $4^{-20} \approx 10^{-12}$: the factors multiply. Such a layer does not learn at all.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. Why does a dead ReLU unit never come back by itself, while a "silent" leaky ReLU unit can?
#
# <details><summary>Answer</summary>
#
# The gradient of each incoming weight is the unit's error term times its input, and the error
# term contains $f'(z)$, which for ReLU is exactly 0 when $z < 0$ on every example. For leaky
# ReLU it is 0.01: small, but the weights still move.
#
# </details>
#
# 4. Your output is a probability of "yes". Which activation for the output layer, and which
#    for the hidden layers?
#
# <details><summary>Answer</summary>
#
# Sigmoid for the output (a number in (0, 1), with binary cross-entropy); ReLU (or leaky
# ReLU, or tanh) for the hidden layers.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Predict the error term's factor per layer, then measure it, in the graded exercise
# **`exercises/ex07_gradient_flow.ipynb`** ([open it](../exercises/ex07_gradient_flow.ipynb)).
