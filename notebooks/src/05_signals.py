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
# # 5. Signals: back-propagation in seven steps
#
# Lesson 4 showed that the chain rule, run backward through a computational graph, gives
# every derivative in one pass. This lesson does that for a whole (tiny) network, by hand,
# with James D. McCaffrey's seven-step recipe: every node gets a **signal**, and every weight
# moves by *learning rate × signal × input*.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - compute every node's signal, and derive the hidden formula from lesson 4's fan-out rule;
# - turn signals into weight and bias changes, and check them against back-propagation;
# - translate between the signal and the textbook error term $\delta^l = \partial L/\partial z^l$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lessons 1–4: the forward pass, mean squared error, gradient descent,
# the chain rule and `Value`.
#
# **Estimated time.** 60 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# The core of the lesson is one training step of one sample. Have the room predict the sign
# of each output signal before the cell runs. The two-paths derivation is the moment the
# recipe stops being a recipe. The optional sections (softmax, the batch factor, XOR with a
# hidden layer) are for a second session or for reading alone.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, Value, numerical_gradient
from course_lib.drawing import plot_decision_boundary, show_figure, show_picture
from course_lib.lessons import figure_text
from course_lib.lessons.mazur_example import example_network
from course_lib.signals import recipe_step
from course_lib.widgets.network_diagram import network_picture

np.set_printoptions(precision=8, suppress=True)

# %% [markdown]
# ## The recipe in seven steps
#
# James D. McCaffrey's summary, in his numbering:
#
# 1. **Goal:** outputs that match the targets.
# 2. Each weight changes by a *weight delta*: learning rate × its gradient.
# 3. A weight's gradient = **signal** of the node it points to × its input.
# 4. Hidden-to-output gradients: output signal × hidden value.
# 5. Output signal = (target − output) × the output activation's slope.
# 6. Input-to-hidden gradients: hidden signal × input.
# 7. Hidden signal = (Σ output signal × connecting weight) × the hidden slope.

# %% [markdown] slideshow={"slide_type": "fragment"}
# The work runs 5, 7 (signals, from the outputs back), then 4, 6 (gradients), then 2.

# %% [markdown] slideshow={"slide_type": "skip"}
# **Credit.** The seven steps are from McCaffrey's blog posts about his talks on
# back-propagation (he also wrote *Keras Succinctly* and *SciPy Programming Succinctly*);
# the wording here is ours.

# %% [markdown] slideshow={"slide_type": "subslide"}
# In symbols, for sigmoid nodes, with $\sigma'(z) = \sigma(z)\,(1-\sigma(z))$ and $w_{kj}$ the
# weight from hidden node $j$ into output $k$:
#
# $$s_k = (t_k - y_k)\,\sigma'(z_k), \qquad
#   s_j = \Big(\sum_k s_k\, w_{kj}\Big)\,\sigma'(z_j), \qquad
#   w_{ji} \leftarrow w_{ji} + \eta\, s_j\, a_i .$$
#
# Other units change only the slope: $1 - \tanh^2 z$ for tanh; for ReLU, 1 where $z > 0$, else 0.

# %% [markdown] slideshow={"slide_type": "fragment"}
# The recipe's "gradient" $s_j a_i$ points *downhill*: it is $-\partial L/\partial w_{ji}$. To keep
# one meaning for "gradient" ($\partial L/\partial w$, as in lesson 3), the code calls it `step_W`.

# %% [markdown]
# ### Two kinds of delta
#
# McCaffrey's *weight delta* is a weight's change: $\eta \times$ signal × input. The textbook's
# $\delta^l = \partial L/\partial z^l$ (lesson 6, and most books) is a node's error term: minus
# its signal, with no $\eta$ and no input. This lesson says *step* for the first and keeps
# $\delta$ for the second.

# %% [markdown]
# ## A network small enough to work by hand
#
# Two inputs, two hidden nodes, two outputs, all sigmoid. Layer 1 is the hidden layer
# ($a^1 = h$), layer 2 the outputs ($a^2 = y$), and $a^0 = x$. Row $j$ of $W^l$ holds the
# weights *into* node $j$: $z^l = W^l a^{l-1} + b^l$.

# %%
net, x, t = example_network()     # x = (0.05, 0.10), targets t = (0.01, 0.99)
eta = 0.5                         # the learning rate
W1, W2 = net.weights              # net.weights[l-1] is W^l: W1 into h1, h2; W2 into y1, y2
b1, b2 = net.biases
print("W1 =", W1, " b1 =", b1)
print("W2 =", W2, " b2 =", b2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Credit.** The network, its input, targets and $\eta = 0.5$ are Matt Mazur's published
# example, "A Step by Step Backpropagation Example" (2015). His post updates only the weights;
# this lesson updates the biases too.

# %%
names = [["x1", "x2"], ["h1", "h2"], ["y1", "y2"]]
diagram = network_picture(net, names, [x, None, None])   # the inputs' values above them
show_picture(figure_text.mazur_network(x, W1, W2), diagram)

# %% [markdown]
# ## Forward pass: cache every $z$ and $a$
#
# Back-propagation needs the values the forward pass computed, so we keep them all.

# %% tags=["worked:forward"]
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


z_hidden = W1 @ x + b1            # z^1
hidden = sigmoid(z_hidden)        # a^1 = h
z_out = W2 @ hidden + b2          # z^2
output = sigmoid(z_out)           # a^2 = y
loss = np.mean((output - t) ** 2)
print("z_hidden =", z_hidden)
print("hidden   =", hidden)
print("z_out    =", z_out)
print("output   =", output)
print(f"loss     = {loss:.8f}")

# %% [markdown]
# ## Step 5: output signals
#
# How far each output is from its target, times how strongly that output reacts to its
# weighted sum. A sigmoid reacts most at $z = 0$ (slope 1/4) and hardly at all when saturated.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** Which output signal will be negative, and which positive?
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# $y_1 = 0.75$ is far above its target 0.01, so its signal is negative (push it down);
# $y_2 = 0.77$ is below 0.99, so its signal is positive (push it up).
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:output-signals"]
error = t - output
slope_out = output * (1 - output)     # sigmoid'(z^2) = y (1 - y)
signal_out = error * slope_out        # the signals of layer 2
print("error      =", error)
print("slope_out  =", slope_out)
print("signal_out =", signal_out)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why $(t - y)\,\sigma'(z)$? The loss is the mean over the two outputs,
# $L = \tfrac12\big[(y_1 - t_1)^2 + (y_2 - t_2)^2\big]$, so $\partial L/\partial y_k = y_k - t_k$,
# and the chain rule through $y_k = \sigma(z_k)$ gives
# $\partial L/\partial z_k = (y_k - t_k)\,\sigma'(z_k) = -s_k$. **A signal is minus the
# derivative of the loss by the node's weighted sum.**

# %% [markdown]
# ## Step 7: hidden signals, error flows backward
#
# A hidden node has no target of its own. Its signal is gathered from the output signals,
# each weighted by the connection it travels back along, then scaled by the node's own slope:
#
# $$s^1_j = \Big(\sum_k s^2_k\, W^2_{kj}\Big)\,\sigma'(z^1_j)
#   \quad\Longleftrightarrow\quad
#   \mathbf{s}^1 = \big((W^2)^{\top}\,\mathbf{s}^2\big) \odot \sigma'(\mathbf{z}^1).$$

# %% tags=["worked:hidden-signals"]
from_outputs = W2.T @ signal_out      # entry j: sum over k of signal_out[k] * W2[k, j]
slope_hidden = hidden * (1 - hidden)
signal_hidden = from_outputs * slope_hidden   # the signals of layer 1
print("from_outputs  =", from_outputs)
print("slope_hidden  =", slope_hidden)
print("signal_hidden =", signal_hidden)

# %% [markdown] slideshow={"slide_type": "skip"}
# Think of a company: the CEO (an output) hears from the market how far off the results are,
# and passes that on to each manager in proportion to how much she relied on them (the weight).

# %% [markdown]
# ### Why the hidden formula is true: two paths from $h_1$
#
# $h_1$ feeds **both** outputs: the graph fans out at $h_1$, like $a$ in lesson 4.
# A nudge to $z_{h_1}$ reaches the loss along two paths, through $z_{y_1}$ and through $z_{y_2}$,
# and the chain rule adds them:
#
# $$\frac{\partial L}{\partial z_{h_1}}
#   = \Big(\frac{\partial L}{\partial z_{y_1}} W^2_{11} + \frac{\partial L}{\partial z_{y_2}} W^2_{21}\Big)\,\sigma'(z_{h_1}).$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# With $s = -\partial L/\partial z$ that *is* step 7. Let `Value` build the graph and check:

# %% tags=["worked:two-paths"] slideshow={"slide_type": "subslide"}
z_h = [sum((Value(w) * xi for w, xi in zip(row, x)), Value(b)) for row, b in zip(W1, b1)]
h = [z.sigmoid() for z in z_h]
z_y = [sum((Value(w) * hj for w, hj in zip(row, h)), Value(b)) for row, b in zip(W2, b2)]
L = sum((z.sigmoid() - tk) ** 2 for z, tk in zip(z_y, t)) / 2      # mean over the 2 outputs
L.backward()
path_1 = z_y[0].grad * W2[0, 0] * slope_hidden[0]      # dL/dz_y1 * W2[0, 0] * sigma'(z_h1)
path_2 = z_y[1].grad * W2[1, 0] * slope_hidden[0]      # dL/dz_y2 * W2[1, 0] * sigma'(z_h1)
print(f"dL/dz_y1, dL/dz_y2 from Value:  {z_y[0].grad:+.8f}  {z_y[1].grad:+.8f}")
print(f"path through y1:                {path_1:+.8f}")
print(f"path through y2:                {path_2:+.8f}")
print(f"sum of the two paths:           {path_1 + path_2:+.8f}")
print(f"dL/dz_h1 from Value:            {z_h[0].grad:+.8f}")
print(f"minus the recipe's signal:      {-signal_hidden[0]:+.8f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Step 7 is the sum over paths, nothing more. The hidden signals come out several times smaller
# than the output signals: weights below 1 and the sigmoid's slope (at most 1/4) both shrink the
# error on its way back. Lesson 7 returns to this.

# %% tags=["worked:shrink"]
# every output / hidden pair
ratios = np.abs(signal_out)[:, None] / np.abs(signal_hidden)[None, :]
print(f"|output signal| / |hidden signal|: from {ratios.min():.1f} to {ratios.max():.1f}")

# %% [markdown]
# ## Steps 3, 4, 6: signal × input
#
# A weight $w_{ji}$ enters only $z_j = \dots + w_{ji} a_i + \dots$, so $\partial z_j/\partial w_{ji} = a_i$
# (lesson 4: multiply swaps) and the weight's step direction is $s_j a_i$. For a whole layer
# that is an outer product. A bias is a weight whose input is always 1.

# %% tags=["worked:gradients"]
step_W2 = np.outer(signal_out, hidden)  # row k, column j: signal of y_k * h_j  (= -dL/dW^2)
step_b2 = signal_out
step_W1 = np.outer(signal_hidden, x)    # row j, column i: signal of h_j * x_i  (= -dL/dW^1)
step_b1 = signal_hidden
print("step_W2 =", step_W2)
print("step_b2 =", step_b2)
print("step_W1 =", step_W1)
print("step_b1 =", step_b1)

# %% [markdown]
# ## Step 2: update every weight and bias
#
# Each parameter gets $\eta$ × its step *added* (a signal points the way the output should go),
# all from the old weights' signals.

# %% tags=["worked:updates"]
new_W1, new_b1 = W1 + eta * step_W1, b1 + eta * step_b1
new_W2, new_b2 = W2 + eta * step_W2, b2 + eta * step_b2
updated = net.copy()
updated.weights, updated.biases = [new_W1, new_W2], [new_b1, new_b2]
X, T = x[None, :], t[None, :]                # the library wants one row per sample
print("new_W1 =", new_W1)
print("new_b1 =", new_b1)
print("new_W2 =", new_W2)
print("new_b2 =", new_b2)
print(f"loss before = {net.loss(X, T):.8f}")
print(f"loss after  = {updated.loss(X, T):.8f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The loss went down. Mazur's post updates the weights only:

# %% tags=["worked:weights-only"]
weights_only = net.copy()
weights_only.weights = [new_W1, new_W2]      # biases left as they were
print(f"loss after, weights only = {weights_only.loss(X, T):.9f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Careful:** Mazur's post prints 0.291027924 here, but the right value is the one above: his own
# updated weights give it, and his figure is what you get if step 7 uses the *updated* $W^2$
# instead of the $W^2$ the forward pass used.

# %% [markdown]
# ## The recipe is back-propagation
#
# `MLP.backward` is the library's back-propagation (lesson 6 writes it). Its
# `grads.signals[l-1]` are layer $l$'s signals, and its gradients $\partial L/\partial W^l$ are
# **minus** the recipe's steps. Side by side:

# %% tags=["worked:backward"]
grads = net.backward(X, T)
print("grads.signals[1] =", grads.signals[1][0], " (output layer)")
print("grads.signals[0] =", grads.signals[0][0], " (hidden layer)")
recipe = [step_W1, step_b1, step_W2, step_b2]
gap = max(np.max(np.abs(mine + theirs)) for mine, theirs in zip(recipe, grads.parameters()))
print(f"recipe's steps against -dL/dW, -dL/db: max difference {gap:.10f}")

# %% [markdown]
# ## Two sign conventions, one update
#
# Textbooks use the error term $\delta^l = \partial L/\partial z^l = -\mathbf{s}^l$, from the last
# layer $L$ (here 2) back:
#
# $$\delta^L = \frac{\partial L}{\partial a^L} \odot f'(z^L), \quad
#   \delta^l = \big((W^{l+1})^{\top}\,\delta^{l+1}\big) \odot f'(z^l), \quad
#   \frac{\partial L}{\partial W^l} = \delta^l\,(a^{l-1})^{\top}, \quad
#   \frac{\partial L}{\partial b^l} = \delta^l.$$
#
# The signal convention adds $\eta\, \mathbf{s}^l (a^{l-1})^{\top}$; the delta convention
# subtracts $\eta\,\delta^l (a^{l-1})^{\top}$. Same step:

# %% tags=["worked:conventions"] slideshow={"slide_type": "subslide"}
delta2 = (output - t) * slope_out                        # textbook: dL/dz^2, the outputs
delta1 = (W2.T @ delta2) * slope_hidden                  # the recurrence: dL/dz^1
W1_delta_way = W1 - eta * np.outer(delta1, x)            # dL/dW^1 = delta^1 (a^0)^T
W2_delta_way = W2 - eta * np.outer(delta2, hidden)       # dL/dW^2 = delta^2 (a^1)^T
print("delta2 =", delta2)
print("delta1 =", delta1)
print("W1 by -= eta * delta * input =", W1_delta_way)
print("W2 by -= eta * delta * input =", W2_delta_way)
gap = max(np.max(np.abs(W1_delta_way - new_W1)), np.max(np.abs(W2_delta_way - new_W2)))
print(f"max difference from += eta * signal * input: {gap:.10f}")

# %% [markdown]
# ## Watch it step by step
#
# The stepper walks the same training step node by node: forward (each node's $z$, then its
# activation), backward (each node's signal), then every weight and bias update.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Use *Next* and *Previous*, drag the slider, or use the arrow keys on it. Before each step,
# **predict** the number, then check the formula the stepper prints.

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.stepper import backprop_stepper

backprop_stepper()

# %% [markdown] slideshow={"slide_type": "skip"}
# Try it with another sample: `backprop_stepper(x=np.array([1.0, -1.0]))`, or a bigger
# learning rate: `backprop_stepper(learning_rate=2.0)`.

# %% [markdown]
# ## Optional: two more checks, autodiff and numerical gradients
#
# Two routes that share no code with the recipe: `Value` autodiff on the same network built
# from scalars (every weight a leaf), and numerical gradients (nudge each parameter by $\pm h$
# and watch the loss).

# %%
def value_network_gradients(net, x, t):
    """dL/dW and dL/db of every layer, by scalar autodiff on the same network."""
    Ws = [[[Value(w) for w in row] for row in W] for W in net.weights]
    bs = [[Value(b) for b in B] for B in net.biases]
    a = list(x)
    for W, b in zip(Ws, bs):
        a = [sum((w * ai for w, ai in zip(row, a)), bias).sigmoid() for row, bias in zip(W, b)]
    loss = sum((y - tk) ** 2 for y, tk in zip(a, t)) / len(t)
    loss.backward()
    grads = []
    for W, b in zip(Ws, bs):
        grads += [np.array([[w.grad for w in row] for row in W]),
                  np.array([v.grad for v in b])]
    return grads


# %% [markdown] slideshow={"slide_type": "subslide"}
# `numerical_gradient(f, p)` nudges the entries of the array `p` it is given, one at a time.
# `loss_with` copies the network, puts the nudged array in place of one parameter
# ($W^1, b^1, W^2, b^2$ in that order), and returns the loss.

# %%
def loss_with(index, value):
    """The loss of a copy of ``net`` whose parameter number ``index`` (W1, b1, W2, b2) is
    ``value``."""
    trial = net.copy()
    trial.parameters()[index][...] = value   # parameters() returns the copy's own arrays
    return trial.loss(X, T)


# %% tags=["worked:agreement"] slideshow={"slide_type": "subslide"}
autodiff = value_network_gradients(net, x, t)
numerical = [numerical_gradient(lambda value, i=i: loss_with(i, value), p.copy())
             for i, p in enumerate(net.parameters())]


def max_difference(mine, theirs):
    return max(np.max(np.abs(a + b)) for a, b in zip(mine, theirs))   # + : opposite signs


differences = {"Value (autodiff)": max_difference(recipe, autodiff),
               "numerical": max_difference(recipe, numerical)}
for method, difference in differences.items():
    print(f"{method:>16}: max difference {difference:.10f}")
assert max(differences.values()) < 1e-9

# %% [markdown] slideshow={"slide_type": "skip"}
# The numerical gradient is an approximation, good here to about $10^{-11}$; autodiff agrees
# with the hand calculation to within rounding in the last binary digit.

# %% [markdown]
# ## Optional: a softmax output with cross-entropy
#
# With $y = \text{softmax}(z)$ and $L = -\sum_k t_k \log y_k$ (one-hot $t$), each $z_j$ reaches
# the loss through **every** $y_k$: $\partial y_k/\partial z_j = y_k(\mathbb{1}[k = j] - y_j)$. Sum the paths:
#
# $$\frac{\partial L}{\partial z_j} = \sum_k \Big(-\frac{t_k}{y_k}\Big) y_k\big(\mathbb{1}[k=j] - y_j\big)
#   = -t_j + y_j \sum_k t_k = y_j - t_j .$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the output signal (step 5) is simply $s = t - y$: the softmax's slopes cancel, as the
# sigmoid's did with binary cross-entropy in lesson 2. Check it, with tanh and with ReLU
# hidden units, against `MLP.backward`:

# %% tags=["worked:other-units"] slideshow={"slide_type": "subslide"}
t_class = np.array([0.0, 1.0])                  # one-hot: the sample is class 2
for hidden_kind, slope in [("tanh", lambda z, a: 1 - a**2),
                           ("relu", lambda z, a: (z > 0).astype(float))]:
    other = MLP([2, 2, 2], hidden_kind, "softmax", "cross_entropy")
    # the same numbers
    other.weights, other.biases = [W1.copy(), W2.copy()], [b1.copy(), b2.copy()]
    z_h2 = W1 @ x + b1
    a_h2 = np.tanh(z_h2) if hidden_kind == "tanh" else np.maximum(z_h2, 0)
    z_o2 = W2 @ a_h2 + b2
    y2 = np.exp(z_o2) / np.exp(z_o2).sum()      # softmax
    s_out = t_class - y2                        # step 5 with softmax + cross-entropy
    s_hid = (W2.T @ s_out) * slope(z_h2, a_h2)  # step 7 with the hidden unit's slope
    library = other.backward(x[None, :], t_class[None, :])
    gap = max(np.max(np.abs(s_out - library.signals[1][0])),
              np.max(np.abs(s_hid - library.signals[0][0])))
    print(f"{hidden_kind:>4} hidden, softmax output: signal_out = {s_out},"
          f" signal_hidden = {s_hid}")
    print(f"{'':>4} max difference from MLP.backward: {gap:.10f}")

# %% [markdown]
# ## Optional: the recipe as library code
#
# `course_lib.signals` holds the same recipe as small functions (`output_layer_signals`,
# `hidden_layer_signals`, `weight_gradients`, `signal_update`, ...), chained by `recipe_step`.
# Read it next to this notebook.

# %% tags=["worked:recipe-step"]
step = recipe_step(net, x, t, eta)
print("output signals:", step.output_signals[0])
print("hidden signals:", step.hidden_signals[0])
print(f"new W2, max difference from ours: {np.max(np.abs(step.new_W_out - new_W2)):.10f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# `net.step(grads, eta)` is the delta convention (`param -= eta * grad`); the library's
# `grads.deltas[l-1]` is $\delta^l$, and `grads.signals` is simply `-grads.deltas`.

# %% tags=["worked:net-step"]
stepped = net.copy()
stepped.step(grads, eta)
gap = max(np.max(np.abs(a - b)) for a, b in zip(stepped.parameters(), updated.parameters()))
print(f"net.step versus the recipe's update: max difference {gap:.10f}")
assert gap < 1e-12

# %% [markdown]
# ### Optional: batches, and the mean in the loss
#
# The recipe's signal $(t - y)\,f'(z)$ is exactly $-\partial E/\partial z$ for the
# *half sum of squares* $E = \tfrac12 \sum_{\text{samples}} \sum_{\text{outputs}} (t - y)^2$.
# course_lib's mean squared error divides by all $n k$ numbers instead:
# $L = \tfrac{1}{nk}\sum (y - t)^2 = \tfrac{2}{nk}\,E$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# So every signal, gradient and step of the library is $\tfrac{2}{nk}$ times the raw recipe's.
# With $n = 1$ sample and $k = 2$ outputs the factor is 1, which is why all the numbers above
# agreed. On a batch of 4:

# %% tags=["worked:batch"]
rng = np.random.default_rng(5)
X_batch, T_batch = rng.uniform(0, 1, (4, 2)), rng.uniform(0.01, 0.99, (4, 2))
raw = recipe_step(net, X_batch, T_batch, eta, loss="half_sse")
library = net.backward(X_batch, T_batch)
print("library signals / raw recipe signals =", library.signals[1] / raw.output_signals)
print("expected factor 2 / (n k) =", 2 / (4 * 2))

# %% [markdown] slideshow={"slide_type": "fragment"}
# A constant factor only rescales the learning rate: `recipe_step(..., loss="mse")` applies
# it, and then the recipe and `MLP.backward` agree on batches too.

# %% [markdown]
# ## Optional: many steps, a network learns XOR
#
# One step lowered the loss a little. Lesson 1 showed one neuron cannot compute XOR; three tanh
# hidden units can, if training finds the weights. Here is the recipe, 300 times, on all four XOR
# samples at once.

# %% [markdown] slideshow={"slide_type": "skip"}
# Lesson 6 does it again with the general algorithm.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first:** will the loss fall steadily, or stall for a while first?

# %% slideshow={"slide_type": "subslide"} tags=["worked:xor"]
X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T_xor = np.array([[0.0], [1.0], [1.0], [0.0]])
xor_net = MLP([2, 3, 1], "tanh", "sigmoid", "mse", seed=0)    # small random weights
losses, snapshots = [], {}
for k in range(301):
    losses.append(xor_net.loss(X_xor, T_xor))
    if k in (0, 30, 300):
        snapshots[k] = xor_net.copy()
    s = recipe_step(xor_net, X_xor, T_xor, learning_rate=2.0)  # steps 1-7 on the batch
    xor_net.weights = [s.new_W_hidden, s.new_W_out]
    xor_net.biases = [s.new_b_hidden, s.new_b_out]
print("loss at steps 0, 10, 30, 100, 300:",
      np.round([losses[k] for k in (0, 10, 30, 100, 300)], 5))
print("outputs after 300 steps:", snapshots[300].forward(X_xor).ravel().round(3),
      "targets: 0 1 1 0")

# %% [markdown]
# <details><summary>Answer (open after you have guessed)</summary>
#
# It stalls: for about 30 steps the loss hardly moves from its start near 0.25, while the
# small random weights line up; then it falls a hundredfold by step 300.
#
# </details>

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 4, figsize=(10.5, 2.6), layout="constrained")
axes[0].plot(losses, lw=2)
axes[0].set(title="loss", xlabel="step", yscale="log")
axes[0].grid(alpha=0.3)
for ax, k in zip(axes[1:], (0, 30, 300)):
    plot_decision_boundary(snapshots[k], X_xor, T_xor[:, 0].astype(int), ax=ax, resolution=80)
    ax.set(title=f"after {k} steps", xticks=[0, 1], yticks=[0, 1])
    ax.get_legend().remove()
show_figure(figure_text.recipe_xor(losses, snapshots, X_xor, T_xor))

# %% [markdown]
# The boundary bends: the hidden units each draw a line, and the output combines them into a
# band through the two 0s, with a 1 on either side.

# %% [markdown] slideshow={"slide_type": "skip"}
# Why $\eta = 2$, far above lesson 3's 0.01 to 0.1? The library's mean squared error divides by
# all $nk = 4$ numbers, so each signal is $2/(nk) = 1/2$ of the raw recipe's: $\eta = 2$ here is
# a raw-recipe step of 1, on a tiny, well-behaved problem. The right rate depends on the loss's
# scale convention; always check it before copying a learning rate.

# %% [markdown]
# ## Summary
#
# - A node's **signal** is $-\partial L/\partial z$: $(t - y)\,f'(z)$ at a sigmoid output with
#   squared error (step 5), $\big(\sum_k s_k w_{kj}\big) f'(z_j)$ at a hidden node (step 7), the
#   sum over the paths through the outputs it feeds.
# - A weight moves by $+\eta$ × signal × input (McCaffrey's weight delta); a bias by $+\eta$ × signal.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - The textbook error term $\delta^l = \partial L/\partial z^l$ is minus the signal, and its
#   update subtracts.
# - The recipe's numbers are the library's back-propagation (`MLP.backward`), digit for digit.

# %% [markdown]
# ## Check your understanding
#
# 1. The output signal of $y_2$ is positive. Does the update make $w(y_2 \leftarrow h_1)$
#    larger or smaller, and why is that the right direction?
#
# <details><summary>Answer</summary>
#
# Larger: the change is $\eta\, s_{y_2} h_1$, and both the signal and $h_1$ are positive.
# A larger weight raises $z_{y_2}$ and so $y_2$, which is below its target 0.99.
#
# </details>
#
# 2. A hidden node feeds three output nodes. How many terms does its signal's sum have, and why?
#
# <details><summary>Answer</summary>
#
# Three: one per path from the node to the loss. A value that feeds several nodes collects
# the sum of their contributions (lesson 4's fan-out rule).
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. You compute the textbook $\delta^l = \partial L/\partial z^l$ but update with
#    `w += eta * delta * input`. What happens to the loss?
#
# <details><summary>Answer</summary>
#
# It goes up (for a small enough step): that is gradient *ascent*. The signal convention
# adds because $s = -\delta$; with $\delta$ you must subtract.
#
# </details>
#
# 4. A ReLU hidden unit has $z = -0.3$ for this sample. What is its signal?
#
# <details><summary>Answer</summary>
#
# Zero: its slope $f'(z)$ is 0 for $z < 0$, so nothing flows back through it, and its
# incoming weights do not move this step.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. (Optional section.) Why does a softmax output with cross-entropy have signal $t - y$, with
#    no $f'(z)$ factor?
#
# <details><summary>Answer</summary>
#
# The $-t_k/y_k$ of the log's derivative cancels the $y_k$ in the softmax's derivative; summed
# over the paths through all outputs, what is left is $y - t = -s$.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Practise the recipe in the graded exercise **`exercises/ex05_signals.ipynb`**
# ([open it](../exercises/ex05_signals.ipynb)): output and hidden signals for sigmoid, tanh
# and ReLU units, a softmax output with cross-entropy, and one training step in both sign
# conventions.
