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
# # 6. Back-propagation: the whole algorithm
#
# Lesson 5 trained one sample through a tiny network by hand. This lesson writes the same
# thing for any number of layers and a whole batch at once, in four equations and a dozen
# lines of numpy, checks it, and trains a network on XOR.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - write the training loop: forward pass (keeping every $Z$ and $A$), loss, backward pass,
#   update;
# - derive the four back-propagation equations, with the shape of every array;
# - read them in Nielsen's book, CS231n's code and lesson 5's signals.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives** (continued). You can also
#
# - say which loss scale (mean or sum) a gradient belongs to;
# - check a whole network's gradients numerically;
# - explain why one layer cannot learn XOR, and train a network that does.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lessons 1–5, above all lesson 5's error term
# $\delta = \partial L / \partial z$.
#
# **Estimated time.** 75 minutes, plus as long as you like in the playground. Sections
# headed "Optional" go deeper: skip them on a first pass.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: the derivation is the heart; do it on the board with the shapes written
# under every symbol, and let the room predict each shape before the cell prints it. The
# optional sections are left out of the deck. The playground at the end is best driven live:
# ask for a prediction before every click.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, data, get_activation, numerical_gradient, relative_error
from course_lib.drawing import plot_decision_boundary, show_figure, show_picture
from course_lib.lessons import figure_text

np.set_printoptions(precision=6, suppress=True)

# %% [markdown]
# ## The loop
#
# Repeat until the loss is small enough:
#
# 1. **forward pass**: compute and keep every layer's weighted sum $Z$ and activation $A$;
# 2. **loss**: one number, how wrong the outputs are;
# 3. **backward pass**: the error of the output layer, then of each layer before it;
#    from those, every weight's and bias's gradient;
# 4. **update**: move every parameter a little against its gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Results flow forward, error flows backward. In `course_lib` the loop is a few lines:

# %%
def training_loop(net, X, Y, epochs, learning_rate):
    for epoch in range(epochs):
        grads = net.backward(X, Y)      # 1-3: forward (cached), loss, backward
        net.step(grads, learning_rate)  # 4: W -= learning_rate * dL/dW, for every layer


# %% [markdown]
# The rest of the lesson opens `backward`.

# %% [markdown]
# ## Shapes first: one row per sample
#
# A batch $X$ holds $n$ samples, one per **row**. Layers count from 1, and $A^0 = X$.
# Layer $l$ has weights $W^l$, shape $(n_l, n_{l-1})$, row $k$ holding the weights *into*
# unit $k$, and biases $b^l$, shape $(n_l,)$:
#
# $$Z^l = A^{l-1} (W^l)^{\top} + b^l, \qquad A^l = f(Z^l).$$
#
# $Z^l$ and $A^l$ are $(n, n_l)$: lesson 5's $z^l = W^l a^{l-1} + b^l$, one row per sample.
# (Superscripts count layers, not powers.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The example below has 3 inputs, 4 hidden tanh units and 2 sigmoid outputs ($L = 2$), on a
# batch of 5:

# %%
rng = np.random.default_rng(6)
net = MLP([3, 4, 2], hidden_activation="tanh", output_activation="sigmoid", loss="mse", seed=6)
X = rng.normal(size=(5, 3))
Y = rng.uniform(size=(5, 2))
W1, W2 = net.weights          # W^1 and W^2
b1, b2 = net.biases

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first:** the shapes of $Z^1$, $A^1$, $Z^2$ and $A^2$.

# %% slideshow={"slide_type": "subslide"} tags=["worked:forward"]
Z1 = X @ W1.T + b1
A1 = np.tanh(Z1)
Z2 = A1 @ W2.T + b2
A2 = 1 / (1 + np.exp(-Z2))    # the network's output
loss = np.mean((A2 - Y) ** 2)  # course_lib's mse: the mean over all n k entries
for name, array in [("X", X), ("Z1", Z1), ("A1", A1), ("Z2", Z2), ("A2", A2)]:
    print(f"{name:>2} shape {array.shape}")
print(f"loss = {loss:.10f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Answer</summary>
#
# $Z^1$ and $A^1$ are $(5, 4)$, $Z^2$ and $A^2$ are $(5, 2)$: $n$ rows, one column per
# unit of the layer.
#
# </details>

# %% [markdown]
# ## Four equations, derived
#
# Write $\Delta^l = \partial L / \partial Z^l$ for the **error term** of layer $l$: shaped
# like $Z^l$, entry $(i, k)$ says how the loss changes with the weighted sum of unit $k$ on
# sample $i$. It is lesson 5's $\delta^l$, one row per sample.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each follows from lesson 4's chain rule, one entry at a time: a sum over every path to
# the loss.
#
# **1. Output error.** $A^L = f(Z^L)$ entry by entry, so $Z^L[i,k]$ reaches the
# loss only through $A^L[i,k]$: one path, one product.
#
# $$\Delta^L = \frac{\partial L}{\partial A^L} \odot f'(Z^L) \qquad (n, n_L)$$
#
# For `mse`, $L = \frac{1}{nk}\sum_{i,k}(A^L - Y)_{ik}^2$, the first factor is
# $\frac{2}{nk}(A^L - Y)$. Softmax with cross-entropy gives $\Delta^L = (P - Y)/n$ (see the
# optional section below).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **2. The error of the layer before.** $A^l[i,j]$ feeds every unit $k$ of layer $l+1$
# through $Z^{l+1}[i,k] = \sum_j A^l[i,j]\,W^{l+1}[k,j] + b^{l+1}[k]$: one path per unit
# $k$, each with slope $W^{l+1}[k,j]$:
#
# $$\frac{\partial L}{\partial A^l[i,j]} = \sum_k \Delta^{l+1}[i,k]\,W^{l+1}[k,j]
#   \;\Longrightarrow\; \Delta^l = (\Delta^{l+1} W^{l+1}) \odot f'(Z^l)
#   \qquad (n, n_{l+1})(n_{l+1}, n_l) \to (n, n_l)$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# **3. Weight gradient.** $W^l[k,j]$ enters $Z^l[i,k]$ for **every** sample $i$, with slope
# $A^{l-1}[i,j]$; the chain rule adds the paths:
#
# $$\frac{\partial L}{\partial W^l[k,j]} = \sum_i \Delta^l[i,k]\,A^{l-1}[i,j]
#   \;\Longrightarrow\; \frac{\partial L}{\partial W^l} = (\Delta^l)^{\top} A^{l-1}
#   \qquad (n_l, n)(n, n_{l-1}) \to (n_l, n_{l-1})$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# **4. Bias gradient.** $b^l[k]$ enters $Z^l[i,k]$ with slope 1, for every sample:
#
# $$\frac{\partial L}{\partial b^l} = \sum_i \Delta^l[i, :] \qquad (n_l,)$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# The sum over the batch in 3 and 4 is not a choice: it is the chain rule adding one path
# per sample.

# %% [markdown]
# ### The equations as code
#
# In code the names carry the layer's number: `delta2` is $\Delta^2$, `grad_W1` is
# $\partial L/\partial W^1$. The slopes use the cached activations:
# $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$.
#
# **Predict first:** the shape of $\partial L / \partial W^1$.

# %% slideshow={"slide_type": "subslide"} tags=["worked:backward"]
delta2 = 2 / Y.size * (A2 - Y) * A2 * (1 - A2)       # 1. output error, (5, 2)
delta1 = (delta2 @ W2) * (1 - A1**2)                 # 2. error of the hidden layer, (5, 4)
grad_W2, grad_b2 = delta2.T @ A1, delta2.sum(axis=0)  # 3 and 4 for layer 2
grad_W1, grad_b1 = delta1.T @ X, delta1.sum(axis=0)   # 3 and 4 for layer 1 (A^0 is X)
names = ["delta2", "delta1", "grad_W2", "grad_b2", "grad_W1", "grad_b1"]
for name, array in zip(names, [delta2, delta1, grad_W2, grad_b2, grad_W1, grad_b1]):
    print(f"{name:>7} shape {array.shape}")
print("grad_W1 =", grad_W1)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Answer</summary>
#
# $(4, 3)$, the shape of $W^1$: every parameter's gradient is shaped like the parameter.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# `MLP.backward` runs the same equations in a loop over the layers. Its lists count from 0:
# `net.weights[0]` is $W^1$, `grads.deltas[l-1]` is $\Delta^l$. It agrees with ours to the
# last few bits (which bits depends on the processor, so the cell prints a verdict):

# %% tags=["worked:library"]
grads = net.backward(X, Y)
gap_gradients = max(np.max(np.abs(mine - theirs)) for mine, theirs
                    in zip([grad_W1, grad_b1, grad_W2, grad_b2], grads.parameters()))
gap_deltas = max(np.max(np.abs(mine - theirs)) for mine, theirs
                 in zip([delta1, delta2], grads.deltas))
print(f"library loss = {grads.loss:.10f}")
print("grads.weights, grads.biases = [grad_W1, grad_W2], [grad_b1, grad_b2]"
      f" to within 1e-12: {gap_gradients < 1e-12}")
print(f"grads.deltas = [delta1, delta2] to within 1e-12: {gap_deltas < 1e-12}")

# %% [markdown]
# ### One algorithm, other notations
#
# | this course | Nielsen, ch. 2 (one sample) | CS231n |
# | --- | --- | --- |
# | 1. $\Delta^L$ | BP1: $\delta^L = \nabla_a C \odot \sigma'(z^L)$ | `dout` from the loss and activation |
# | 2. $\Delta^l$ | BP2: $\delta^l = ((w^{l+1})^{\top} \delta^{l+1}) \odot \sigma'(z^l)$ | `dx = dout @ w.T`, then `relu_backward(dx, cache)` |
# | 3. $\partial L/\partial W^l$ | BP4: $\partial C/\partial w^l_{jk} = a^{l-1}_k \delta^l_j$ | `dw = x.T @ dout` |
# | 4. $\partial L/\partial b^l$ | BP3: $\partial C/\partial b^l_j = \delta^l_j$ | `db = dout.sum(axis=0)` |
#
# CS231n's `dout` is $\partial L/\partial$(a layer's output): $\Delta^l$ at `affine_backward`.
# Its `w` is our $(W^l)^{\top}$.

# %% [markdown]
# ### The library's lists, and lesson 5's signals
#
# James D. McCaffrey's **signals** are minus $\delta$ for his loss $\frac{1}{2}\sum (t - y)^2$:
#
# | this course | McCaffrey | course_lib |
# | --- | --- | --- |
# | $Z^l$ | sums | `trace.zs[l-1]` |
# | $A^l$ | outputs | `trace.activations[l]` |
# | $\Delta^l$ | minus the signal | `grads.deltas[l-1]` |
# | $-\Delta^l$ | signal: output (step 5), hidden (step 7) | `grads.signals[l-1]` |
# | $\partial L/\partial W^l$ | minus "gradient" (signal × input) | `grads.weights[l-1]` |
#
# His **weight delta** is the update $\eta$ × signal × input, not $\delta$.

# %% [markdown]
# ## One loss scale: the mean
#
# A gradient belongs to a loss, and a loss can be a **sum** over the batch or a **mean**.
# This course uses means: `mse` and `binary_cross_entropy` average over all $nk$ entries
# (so `mse`'s output error carries $\frac{2}{nk}$), `cross_entropy` over the $n$ samples.

# %% [markdown] slideshow={"slide_type": "subslide"}
# A mean's gradient is an average of per-sample gradients: its size does not grow with the
# batch. The same network on batches of 5 and 50:

# %% tags=["worked:scale"]
def gradient_norm(n, scale):
    """||dL/dW1|| on a batch of n samples (seeded), for L = mean or sum of squared errors."""
    batch_rng = np.random.default_rng(n)
    Xb, Yb = batch_rng.normal(size=(n, 3)), batch_rng.uniform(size=(n, 2))
    g = net.backward(Xb, Yb).weights[0]     # dL/dW^1 of the mean
    return np.linalg.norm(g * (Yb.size if scale == "sum" else 1))   # sum = n k times the mean


for n in (5, 50):
    mean_norm, sum_norm = gradient_norm(n, "mean"), gradient_norm(n, "sum")
    print(f"n = {n:>2}: mean {mean_norm:.6f}   sum {sum_norm:.6f}"
          f"   sum / mean = {sum_norm / mean_norm:.1f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The mean's gradient stays about the same size; the sum's is $nk$ times larger, 10 and then
# 100 times. Switching from mean to sum? Divide the learning rate by $nk$ for the same steps.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Optional: softmax with cross-entropy, derived
#
# For $k$ classes the output layer is a softmax, $P_{ij} = e^{Z_{ij}} / \sum_m e^{Z_{im}}$
# (here $Z = Z^L$ and $P = A^L$), and the loss is the categorical cross-entropy, the mean
# over the batch of $-\sum_k Y_{ik} \log P_{ik}$ (lesson 2), with one-hot rows $Y$.

# %% [markdown] slideshow={"slide_type": "skip"}
# Softmax is *not*
# elementwise: every $P_{ik}$ depends on every $Z_{ij}$, with
# $\partial P_{ik}/\partial Z_{ij} = P_{ik}(\mathbb{1}[k = j] - P_{ij})$. So equation 1's
# product becomes a sum over $k$:
#
# $$\Delta^L_{ij} = \sum_k \underbrace{\frac{-Y_{ik}}{n P_{ik}}}_{\partial L/\partial P_{ik}}
#   \, P_{ik}(\mathbb{1}[k = j] - P_{ij})
#   = -\frac{1}{n}\Big(Y_{ij} - P_{ij} \sum_k Y_{ik}\Big) = \frac{P_{ij} - Y_{ij}}{n},$$
#
# because each row of $Y$ sums to 1. The $P_{ik}$ cancels, and with it the danger of
# dividing by a probability near 0.

# %% [markdown] slideshow={"slide_type": "skip"}
# course_lib uses this **fused** form. Check it against
# the unfused chain, Jacobian and all:

# %% slideshow={"slide_type": "skip"} tags=["worked:softmax"]
Z = rng.normal(size=(4, 3)) * 2                      # 4 samples, 3 classes
Y_onehot = np.eye(3)[[0, 2, 1, 2]]
P = np.exp(Z - Z.max(axis=1, keepdims=True))
P /= P.sum(axis=1, keepdims=True)
n = len(Z)
dL_dP = -Y_onehot / (n * P)                           # the cross-entropy's gradient, (4, 3)
jacobian = P[:, :, None] * (np.eye(3) - P[:, None, :])  # (4, 3, 3): [i, k, j] = dP_ik / dZ_ij
unfused = np.einsum("ik,ikj->ij", dL_dP, jacobian)    # sum over k, sample by sample
fused = (P - Y_onehot) / n
print("fused (P - Y) / n =")
print(fused)
print(f"the same as the unfused chain to within 1e-12: {np.max(np.abs(fused - unfused)) < 1e-12}")
softmax_net = MLP([3, 3], "tanh", "softmax", "cross_entropy", seed=0)
softmax_net.weights, softmax_net.biases = [np.eye(3)], [np.zeros(3)]   # so that Z^1 = the inputs
library_delta = softmax_net.backward(Z, Y_onehot).deltas[-1]           # Delta^L, here L = 1
print(f"the same as MLP.backward's output error to within 1e-12: {np.max(np.abs(fused - library_delta)) < 1e-12}")

# %% [markdown]
# ## A gradient check of the whole network
#
# One wrong equation and training still runs; it just learns badly. So check every gradient
# against lesson 4's centred difference, **entry by entry**: the worst relative error
# $|a - n| / (|a| + |n|)$ over all entries must stay below $10^{-6}$.

# %% slideshow={"slide_type": "subslide"}
CASES = [  # (layer sizes, hidden activation, output activation, loss)
    ([2, 3, 1], "sigmoid", "sigmoid", "mse"),
    ([3, 5, 4, 2], "tanh", "sigmoid", "binary_cross_entropy"),
    ([4, 6, 3], "relu", "softmax", "cross_entropy"),
    ([2, 4, 4, 3], "leaky_relu", "softmax", "cross_entropy"),
    ([3, 2, 2], "identity", "identity", "mse"),
]


def worst_relative_error(sizes, hidden, output, loss, seed=1):
    check_rng = np.random.default_rng(seed)
    check_net = MLP(sizes, hidden, output, loss, seed=seed, init="normal", weight_scale=1.0)
    Xc = check_rng.normal(size=(12, sizes[0]))               # a batch of 12
    if loss == "cross_entropy":
        Yc = check_rng.integers(0, sizes[-1], size=12)       # class labels
    else:
        Yc = check_rng.uniform(size=(12, sizes[-1]))
    analytic = check_net.backward(Xc, Yc).parameters()
    numeric = [numerical_gradient(lambda _: check_net.loss(Xc, Yc), p)
               for p in check_net.parameters()]
    return max(relative_error(a, g) for a, g in zip(analytic, numeric))


# %% slideshow={"slide_type": "subslide"} tags=["worked:gradcheck"]
for sizes, hidden, output, loss_name in CASES:
    error = worst_relative_error(sizes, hidden, output, loss_name)
    print(f"{str(sizes):>16} {hidden:>10} -> {output:<8} {loss_name:<21}"
          f" worst relative error below 1e-7: {error < 1e-7}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every entry of every gradient agrees to better than $10^{-7}$. The cell prints the
# verdict, not the error: differences this small depend on the machine's rounding.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Optional: why entry by entry, and when a check fails
#
# A single error for a whole array, divided by its largest entry, would let a wrong sign on
# a small entry pass; the worst entry's relative error does not.

# %% [markdown] slideshow={"slide_type": "skip"}
# Two cautions when a check fails. ReLU has a kink at 0: if some $z$ lies within
# $h = 10^{-5}$ of it, the centred difference straddles the kink and disagrees; look at the
# smallest $|z|$ before suspecting the code.

# %% [markdown] slideshow={"slide_type": "skip"}
# And the centred difference is itself accurate only to about $10^{-11}$ in
# absolute terms, so an entry far below $10^{-5}$ (leaky ReLU's slope of 0.01 makes such
# entries in deep networks) can miss the rule with no bug at all: check on a network whose
# gradient entries are well above that, rather than loosen the rule.

# %% [markdown]
# ## XOR: what one layer cannot do
#
# XOR outputs 1 when exactly one of its two inputs is 1. In 1969 Minsky and Papert proved
# that a **single-layer perceptron** cannot compute it: one layer draws one straight line,
# and no line puts $(0,1)$ and $(1,0)$ on one side and $(0,0)$ and $(1,1)$ on the other.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first:** train a single layer (a sigmoid unit, cross-entropy) on XOR for 2000
# epochs. What will it output on the four points?

# %% slideshow={"slide_type": "fragment"} tags=["worked:xor-single"]
X_xor, y_xor = data.xor()
single = MLP([2, 1], output_activation="sigmoid", loss="binary_cross_entropy", seed=0)
for epoch in range(2000):
    single.step(single.backward(X_xor, y_xor), learning_rate=1.0)
print("outputs:", single.forward(X_xor).ravel())
print(f"loss = {single.loss(X_xor, y_xor):.6f}   (log 2 = {np.log(2):.6f})")

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Answer</summary>
#
# 0.5 everywhere: the best a single line can do is to refuse to decide. The loss is stuck at
# $\log 2$, the loss of a coin toss. By symmetry the gradient at zero weights is exactly 0,
# and the weights go there.
#
# </details>

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Optional: the proof in four inequalities
#
# The perceptron outputs 1 when $w_1 x_1 + w_2 x_2 + b > 0$. The four points force:
#
# | $x_1$ | $x_2$ | XOR | so |
# | --- | --- | --- | --- |
# | 0 | 0 | 0 | $b \le 0$ |
# | 0 | 1 | 1 | $w_2 + b > 0$ |
# | 1 | 0 | 1 | $w_1 + b > 0$ |
# | 1 | 1 | 0 | $w_1 + w_2 + b \le 0$ |
#
# Adding the middle two gives $w_1 + w_2 + 2b > 0$, so $w_1 + w_2 + b > -b \ge 0$,
# contradicting the last row.

# %% [markdown]
# ### Two hidden units are enough
#
# A hidden layer of two tanh units can draw two lines, and the output unit combines them.
# Back-propagation finds such lines by itself. The loop is the one from the start of the
# lesson, full batch, learning rate 1:

# %% tags=["worked:xor-trained"]
xor_net = MLP([2, 2, 1], hidden_activation="tanh", output_activation="sigmoid",
              loss="binary_cross_entropy", seed=0)
losses, snapshots = [], {}
for epoch in range(1001):
    if epoch in (0, 25, 100, 1000):
        snapshots[epoch] = xor_net.copy()
    grads = xor_net.backward(X_xor, y_xor)
    losses.append(grads.loss)
    xor_net.step(grads, learning_rate=1.0)
print("outputs after 1000 epochs:", snapshots[1000].forward(X_xor).ravel())
print(f"loss at epoch 0 = {losses[0]:.6f}, at epoch 1000 = {losses[1000]:.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The loss curve, and the decision boundary as it forms (the black line: output 0.5):

# %%
fig, axes = plt.subplots(1, 5, figsize=(9, 2.2), layout="constrained")
axes[0].plot(losses)
axes[0].set(xlabel="epoch", ylabel="loss", yscale="log", title="training loss")
axes[0].grid(alpha=0.3)
for ax, (epoch, snapshot) in zip(axes[1:], snapshots.items()):
    plot_decision_boundary(snapshot, X_xor, y_xor, ax=ax, resolution=80)
    ax.set_title(f"epoch {epoch}")
    ax.get_legend().remove()
show_figure(figure_text.backprop_xor(losses, snapshots, X_xor, y_xor))

# %% [markdown] slideshow={"slide_type": "fragment"}
# For 25 epochs the loss hardly moves (near $\log 2$) while the hidden units find their
# lines; then it drops fast.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Not every start succeeds: with `seed=1`
# the same network gets $(0,0)$ and $(1,0)$ right but stays undecided, at 0.5, on the other
# two: a local minimum. In the playground below, *new weights* gives another start.

# %% [markdown]
# ## An analogy (only an analogy): the CEO and the managers
#
# Picture the network as a company, outputs at the top. The CEO (an output unit) hears from
# the market how far the results are from the target: the output error.

# %% [markdown] slideshow={"slide_type": "subslide"}
# She passes the feedback down to each manager in proportion to how much she relied on them
# (the weight); each manager scales it by how much their own work could change (the slope
# $f'(z)$) and passes it on.

# %% slideshow={"slide_type": "skip"}
def draw_company():
    """The analogy's picture: feedback flowing down from the CEO through the managers to the staff."""
    fig, ax = plt.subplots(figsize=(7, 3.4))
    levels = {"CEO\n(output)": [(0.5, 0.85)], "manager\n(hidden)": [(0.25, 0.5), (0.75, 0.5)],
              "staff\n(inputs)": [(0.1, 0.15), (0.4, 0.15), (0.6, 0.15), (0.9, 0.15)]}
    for label, spots in levels.items():
        for x, y in spots:
            ax.add_patch(plt.Circle((x, y), 0.06, color="tab:blue", alpha=0.25))
        ax.text(-0.06, spots[0][1], label, ha="right", va="center")
    for upper, lower in ((levels["CEO\n(output)"], levels["manager\n(hidden)"]),
                         (levels["manager\n(hidden)"], levels["staff\n(inputs)"])):
        for xu, yu in upper:
            for xl, yl in lower:
                ax.annotate("", xy=(xl, yl + 0.07), xytext=(xu, yu - 0.07),
                            arrowprops=dict(arrowstyle="->", color="tab:purple", lw=1.2))
    ax.text(1.02, 0.68, "feedback × how much\nshe relied on them (weight)", va="center")
    ax.text(1.02, 0.33, "× how much their work\ncould change (slope f′)", va="center")
    ax.set(xlim=(-0.35, 1.5), ylim=(0.0, 1.0), title="Analogy: feedback flows down the company")
    ax.axis("off")
    show_figure(figure_text.company())


# %%
draw_company()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Then every link is strengthened or weakened by the feedback at its upper end times what
# flowed along it (gradient = error × input).
#
# Where the analogy breaks: nobody negotiates. The feedback is exact arithmetic, every
# "manager" sums the feedback from *all* the units above it, and every link adjusts at once,
# after the feedback has reached the bottom.

# %% [markdown]
# ## The training playground
#
# `course_lib.widgets.playground` trains an `MLP` on 2-D data while you watch, like
# TensorFlow Playground: press **play**, or **step** one epoch at a time. Each node is a
# small heatmap of its output over the input plane; links are blue for positive weights,
# orange for negative.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Right: the output over the plane. Below: the train and test loss, and each layer's
# gradient norm $\lVert \partial L/\partial W^l \rVert$, per epoch. Pick a sample with the
# *backward pass* slider to see where it pushes each weight
# ($-\partial L/\partial W$) and each node's signal $-\partial L/\partial z$: its tile's border,
# with the numbers in the readout.

# %%
from course_lib.widgets.playground import playground

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
playground()

# %% [markdown] slideshow={"slide_type": "subslide"}
# After 60 epochs on three spirals, with the backward pass of training sample 5 drawn (a
# still picture for slides and readers without a live kernel):

# %%
from course_lib.widgets.playground_draw import describe, draw
from course_lib.widgets.playground_model import PlaygroundModel

# %%
still = PlaygroundModel({"dataset": "spiral", "classes": 3, "hidden": (8, 8),
                         "learning_rate": 0.1, "features": ("x1", "x2", "sin(x1)", "sin(x2)"),
                         "sample": 5, "show_test": True})

# %% slideshow={"slide_type": "subslide"}
still.step(60)
show_picture(describe(still), draw(still))

# %% [markdown]
# ### Experiment 1: the learning rate
#
# The circle data, a 4-2 network of tanh units. **Predict first:** after 100 epochs, which
# of the learning rates 0.001, 0.03 and 3 leaves the lowest training loss? The same runs,
# without the widget:

# %% slideshow={"slide_type": "fragment"} tags=["worked:experiment-learning-rate"]
for rate in (0.001, 0.03):
    model = PlaygroundModel({"dataset": "circle", "learning_rate": rate})
    model.step(100)
    print(f"learning rate {rate:>5}: train loss {model.history.train_loss[-1]:.4f}, "
          f"test accuracy {model.accuracy('test'):.3f}")
model = PlaygroundModel({"dataset": "circle", "learning_rate": 3.0})
model.step(100)
print("learning rate   3.0: train loss above 0.1 after 100 epochs: "
      f"{model.history.train_loss[-1] > 0.1}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Answer</summary>
#
# 0.001 crawls: after 100 epochs the loss has hardly left $\log 2 \approx 0.69$. 0.03
# learns the circle. 3 takes steps so large that it overshoots; its loss ends higher than
# 0.03's. Its run is chaotic: where it ends depends on the last bits of the rounding, so
# two machines print different losses (the cell prints only what every machine sees). Now
# drag the slider yourself and watch the loss curve and the gradient norms.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
playground(controls=["play", "step", "reset", "learning_rate"], dataset="circle")

# %% [markdown]
# ### Experiment 2: sigmoid, tanh and ReLU on the circle
#
# **Predict first:** which activation learns the circle fastest in 100 epochs, at learning
# rate 0.03? Watch the gradient-norm panel: where are the gradients smallest?

# %% slideshow={"slide_type": "fragment"} tags=["worked:experiment-activation"]
for activation in ("sigmoid", "tanh", "relu"):
    model = PlaygroundModel({"dataset": "circle", "activation": activation, "init_seed": 1})
    model.step(100)
    first = model.history.grad_norms[0]
    print(f"{activation:>7}: train loss {model.history.train_loss[-1]:.4f}, "
          f"gradient norm of W1 in epoch 1: {first[0]:.2e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Answer</summary>
#
# Sigmoid is slowest, hardly off $\log 2$, and its first layer's gradient is the smallest of
# the three: its slope is at most 1/4, and the error picks up that factor at every layer it
# passes (lesson 7 returns to this). Tanh (slope up to 1) does better, and ReLU (slope 1
# where a unit is active) best, on this start. The widget below starts from other weights
# (the playground's default seed): choose relu there and the second hidden layer starts
# *dead* (its units output 0 for every sample), its gradient-norm curves drop out, and
# nothing learns until you press *new weights*.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
playground(controls=["play", "reset", "new_weights", "activation"], dataset="circle")

# %% [markdown]
# ### Experiment 3: a network too small for the spiral
#
# Two interleaved spirals need a boundary that winds around twice. **Predict first:** can
# one hidden layer of 2 units learn them? And two layers of 8?

# %% slideshow={"slide_type": "fragment"} tags=["worked:experiment-spiral"]
for hidden in ((2,), (8, 8)):
    model = PlaygroundModel({"dataset": "spiral", "hidden": hidden, "learning_rate": 0.03,
                             "features": ("x1", "x2", "sin(x1)", "sin(x2)")})
    model.step(200)
    print(f"hidden {str(hidden):>6}: train accuracy {model.accuracy('train'):.3f}, "
          f"test accuracy {model.accuracy('test'):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Answer</summary>
#
# Two units can draw little more than two lines, far from a spiral: about two points in
# three come out right. Two layers of eight get almost all of them. In the widget, change *hidden layers*
# and the features, and press *show me the code* to see the exact run.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
playground(controls=["play", "reset", "features", "hidden", "learning_rate", "code"],
           dataset="spiral")

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Optional: your own data, and the code of a run
#
# Every control is live; *reset* restarts from the same weights, so two runs differ only in
# what you changed. The playground takes your own data too, with any number of classes (a
# softmax output then): `playground(X, y)` with `X` of shape (n, 2) and `y` of n labels. Its
# `.net` is the trained `MLP`, its `.settings` a dictionary that rebuilds the setup
# (`playground(settings=...)`), and `.code()` the plain course_lib code of the run. The code
# for a short run:

# %% slideshow={"slide_type": "skip"} tags=["worked:code"]
model = PlaygroundModel({"dataset": "xor", "hidden": (3,), "learning_rate": 0.1})
model.step(5)
print(model.code())

# %% [markdown]
# ## Summary
#
# - Training repeats forward pass (keep every $Z^l$ and $A^l$), loss, backward pass, update.
# - With one row per sample and $\Delta^l = \partial L / \partial Z^l$:
#
# $$\Delta^L = \frac{\partial L}{\partial A^L} \odot f'(Z^L), \qquad
#   \Delta^l = (\Delta^{l+1} W^{l+1}) \odot f'(Z^l),$$
# $$\frac{\partial L}{\partial W^l} = (\Delta^l)^{\top} A^{l-1}, \qquad
#   \frac{\partial L}{\partial b^l} = \sum_i \Delta^l[i,:].$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - Nielsen's $\delta^l$, CS231n's `dout` into a layer and `grads.deltas[l-1]` are all
#   $\Delta^l$; lesson 5's signal is $-\Delta^l$.
# - The course's losses are means, so gradients do not grow with the batch.
# - Check gradients numerically, entry by entry.
# - One layer cannot compute XOR; a hidden layer of two units, trained by
#   back-propagation, can.

# %% [markdown]
# ## Check your understanding
#
# 1. A layer has 8 inputs and 5 units, and the batch holds 32 samples. What are the shapes
#    of $\Delta^l$, $A^{l-1}$ and $\partial L/\partial W^l$?
#
# <details><summary>Answer</summary>
#
# $\Delta^l$ is $(32, 5)$, $A^{l-1}$ is $(32, 8)$, and $(\Delta^l)^{\top} A^{l-1}$ is
# $(5, 8)$, the shape of $W^l$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 2. You change a loss from the mean over a batch of 64 to the sum. What must happen to the
#    learning rate to keep the same steps?
#
# <details><summary>Answer</summary>
#
# Divide it by 64 (by $nk$ for a mean over all entries with $k$ outputs): the sum's
# gradient is that many times larger.
#
# </details>
#
# 3. CS231n's `affine_backward` returns `dw` of shape (8, 5) for a layer of 8 inputs and
#    5 units. How do you get our $\partial L/\partial W^l$ from it?
#
# <details><summary>Answer</summary>
#
# Transpose it: CS231n stores `w` as (inputs, units), the transpose of our $W^l$, so its
# `dw = x.T @ dout` is $\big((\Delta^l)^{\top} A^{l-1}\big)^{\top}$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 4. A gradient check reports a worst relative error of 0.9 for one bias, and $10^{-9}$ for
#    everything else. What does that suggest?
#
# <details><summary>Answer</summary>
#
# A bug in that bias's gradient (a missing sum over the batch, a wrong sign): values
# that disagree by a factor or in sign give errors near 1. (With ReLU, first rule out a $z$
# sitting on the kink.)
#
# </details>
#
# 5. Why can a network with a hidden layer learn XOR when a single layer cannot?
#
# <details><summary>Answer</summary>
#
# Each hidden unit draws a line; the output combines them, so the boundary can be the band
# between two lines. A single layer draws one line, and no line separates XOR's classes.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Write the full backward pass yourself, for any depth and a whole batch, gradient-checked,
# in the graded exercise **`exercises/ex06_mlp_backward.ipynb`**
# ([open it](../exercises/ex06_mlp_backward.ipynb)). Then hunt down six planted bugs in someone
# else's backward pass with your own gradient checker, in
# **`exercises/ex06_find_the_bugs.ipynb`** ([open it](../exercises/ex06_find_the_bugs.ipynb)).
