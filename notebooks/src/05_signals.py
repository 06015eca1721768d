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
# in the words of one practitioner's recipe: every node gets a **signal**, and every weight
# moves by *learning rate × signal × input*.
#
# **Learning objectives.** After this lesson you can
#
# - compute the signal of every output and hidden node of a small network, with numbers;
# - turn signals into weight gradients and updated weights;
# - check the result three independent ways: `MLP.backward`, the autodiff type `Value`,
#   and numerical gradients;
# - translate between the recipe's signal (target − output, added) and the textbook
#   error term $\delta = \partial L / \partial z$ (subtracted).
#
# **Prerequisites.** Lessons 1–4: the forward pass, mean squared error, gradient descent,
# the chain rule and `Value`.
#
# **Estimated time.** 45 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: the whole lesson is one training step of one sample. Have the room predict
# the sign of each signal before the cell runs; the hidden signals (tiny, and both negative)
# surprise most people. The stepper near the end replays everything node by node.

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, Value, numerical_gradient
from course_lib.drawing.plots import draw_network

np.set_printoptions(precision=8, suppress=True)

# %% [markdown]
# ## The recipe in seven steps
#
# 1. **Goal:** adjust the weights and biases so the computed outputs match the known targets.
# 2. Each weight changes by learning rate × the weight's gradient (the recipe calls this
#    change the weight's *delta*; it is not the textbook $\delta$ met further down).
# 3. A weight's gradient = the **signal** of the node it points to × its input value.
# 4. Output signal = (target − output) × derivative of the output activation.
# 5. Hidden signal = (sum over output nodes of output signal × connecting weight)
#    × derivative of the hidden activation.
# 6. Hidden-to-output gradients: output signals × hidden values (rule 3).
# 7. Input-to-hidden gradients: hidden signals × input values (rule 3 again).
#
# In symbols, with $\sigma'(z) = \sigma(z)\,(1-\sigma(z))$ for a sigmoid node:
#
# $$s_k = (t_k - y_k)\,\sigma'(z_k), \qquad
#   s_j = \Big(\sum_k s_k\, w_{kj}\Big)\,\sigma'(z_j), \qquad
#   w_{ji} \leftarrow w_{ji} + \eta\, s_j\, a_i .$$

# %% [markdown]
# ## A network small enough to work by hand
#
# Two inputs, two hidden nodes, two outputs, all sigmoid, with weights chosen to be easy
# to read. Row $j$ of a weight matrix holds the weights *into* node $j$ ($z = Wa + b$).

# %%
net = MLP([2, 2, 2], "sigmoid", "sigmoid", "mse")
net.weights = [np.array([[0.15, 0.20], [0.25, 0.30]]),   # into h1, h2 from x1, x2
               np.array([[0.40, 0.45], [0.50, 0.55]])]   # into y1, y2 from h1, h2
net.biases = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
x, t = np.array([0.05, 0.10]), np.array([0.01, 0.99])     # one sample and its targets
eta = 0.5                                                 # the learning rate

# %% [markdown] slideshow={"slide_type": "fragment"}
# The picture: line width shows the size of each weight (all positive, so all blue).

# %%
names = [["x1", "x2"], ["h1", "h2"], ["y1", "y2"]]
draw_network(net, node_values=[x, None, None], node_labels=names)
plt.show()

# %% [markdown]
# ## Forward pass: cache every $z$ and $a$
#
# Back-propagation needs the values the forward pass computed, so we keep them all.
# The loss is course_lib's mean squared error, the mean over the two outputs.

# %% tags=["worked:forward"]
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


W1, W2 = net.weights
b1, b2 = net.biases
z_hidden = W1 @ x + b1
hidden = sigmoid(z_hidden)
z_out = W2 @ hidden + b2
output = sigmoid(z_out)
loss = np.mean((output - t) ** 2)
print("z_hidden =", z_hidden)
print("hidden   =", hidden)
print("z_out    =", z_out)
print("output   =", output)
print(f"loss     = {loss:.8f}")

# %% [markdown]
# ## Step 4: output signals
#
# How far each output is from its target, times how strongly that output reacts to its
# weighted sum. A sigmoid reacts most at $z = 0$ (slope 1/4) and hardly at all when
# saturated.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** Which output signal will be negative, and which positive?

# %% tags=["worked:output-signals"]
error = t - output
slope_out = output * (1 - output)     # sigmoid'(z_out) = y (1 - y)
signal_out = error * slope_out
print("error      =", error)
print("slope_out  =", slope_out)
print("signal_out =", signal_out)

# %% [markdown] slideshow={"slide_type": "fragment"}
# $y_1 = 0.75$ is far above its target 0.01, so its signal is negative (push it down);
# $y_2 = 0.77$ is below 0.99, so its signal is positive (push it up).

# %% [markdown]
# ## Step 5: hidden signals, error flows backward
#
# A hidden node has no target of its own. Its signal is gathered from the output signals,
# each weighted by the connection it travels back along, then scaled by the hidden node's
# own slope:
#
# $$s_{h_j} = \Big(\sum_k s_{y_k}\, w_{kj}\Big)\,\sigma'(z_{h_j})
#   \quad\Longleftrightarrow\quad
#   \mathbf{s}_h = \big(W_2^{\top}\,\mathbf{s}_y\big) \odot \sigma'(\mathbf{z}_h).$$
#
# Think of a company: the CEO (an output node) learns from the market how far off the
# results are. She passes that feedback to each manager in proportion to how much she
# relied on them (the weight); each manager scales it by how much their own work could
# have changed (the slope) and passes it on to their staff.

# %% tags=["worked:hidden-signals"]
from_outputs = W2.T @ signal_out      # entry j: sum over k of signal_out[k] * W2[k, j]
slope_hidden = hidden * (1 - hidden)
signal_hidden = from_outputs * slope_hidden
print("from_outputs  =", from_outputs)
print("slope_hidden  =", slope_hidden)
print("signal_hidden =", signal_hidden)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The hidden signals are 4 to 16 times smaller than the output signals: the weights
# (below 1) and the sigmoid's slope (at most 1/4) both shrink the error on its way back.
# Lesson 7 returns to this when the network gets deep.

# %% [markdown]
# ## Steps 3, 6, 7: gradient = signal × input
#
# The weight from node $i$ to node $j$ gets signal of $j$ × value of $i$: for a whole
# layer that is an outer product. A bias is a weight whose input is always 1.

# %% tags=["worked:gradients"]
grad_W2 = np.outer(signal_out, hidden)       # row k, column j: signal of y_k * h_j
grad_b2 = signal_out
grad_W1 = np.outer(signal_hidden, x)         # row j, column i: signal of h_j * x_i
grad_b1 = signal_hidden
print("grad_W2 =", grad_W2)
print("grad_b2 =", grad_b2)
print("grad_W1 =", grad_W1)
print("grad_b1 =", grad_b1)

# %% [markdown]
# ## Step 2: update every weight and bias
#
# Each parameter moves by $\eta$ × its gradient, *added*, because a signal already points
# the way the output should go. Every update uses the signals computed with the old
# weights, so the order of the updates does not matter.

# %% tags=["worked:updates"]
new_W1, new_b1 = W1 + eta * grad_W1, b1 + eta * grad_b1
new_W2, new_b2 = W2 + eta * grad_W2, b2 + eta * grad_b2
updated = net.copy()
updated.weights, updated.biases = [new_W1, new_W2], [new_b1, new_b2]
X, T = x[None, :], t[None, :]                # the library wants one row per sample
print("new_W1 =", new_W1)
print("new_b1 =", new_b1)
print("new_W2 =", new_W2)
print("new_b2 =", new_b2)
print(f"loss before = {net.loss(X, T):.8f}")
print(f"loss after  = {updated.loss(X, T):.8f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss went down. One step is small; lesson 6 repeats it thousands of times.

# %% [markdown]
# ## The same numbers, three more ways
#
# A hand calculation deserves a check. Four routes to the gradients:
#
# - the recipe by hand (above);
# - `MLP.backward`, whose `grads.signals` are the recipe's signals and whose
#   `grads.weights` are $\partial L/\partial W$, i.e. **minus** the recipe's gradients;
# - the autodiff type `Value` from lesson 4, on the same network built from scalars;
# - numerical gradients: nudge each weight by $\pm h$ and watch the loss.

# %% tags=["worked:backward"]
grads = net.backward(X, T)
print("grads.signals[1] =", grads.signals[1][0], " (output layer)")
print("grads.signals[0] =", grads.signals[0][0], " (hidden layer)")

# %% [markdown]
# To build the network from `Value`s, every weight becomes a leaf; `backward()` on the
# loss fills in every `grad`.

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
        grads += [np.array([[w.grad for w in row] for row in W]), np.array([v.grad for v in b])]
    return grads


# %% [markdown] slideshow={"slide_type": "subslide"}
# All four side by side, in the order $W_1, b_1, W_2, b_2$; the recipe's gradients are
# $-\partial L/\partial w$, so we compare them with minus each method's.

# %% tags=["worked:agreement"]
recipe = [grad_W1, grad_b1, grad_W2, grad_b2]
autodiff = value_network_gradients(net, x, t)
numerical = [numerical_gradient(lambda _: net.loss(X, T), p) for p in net.parameters()]


def max_difference(mine, theirs):
    return max(np.max(np.abs(a + b)) for a, b in zip(mine, theirs))   # + : opposite signs


differences = {"MLP.backward": max_difference(recipe, grads.parameters()),
               "Value (autodiff)": max_difference(recipe, autodiff),
               "numerical": max_difference(recipe, numerical)}
for method, difference in differences.items():
    print(f"{method:>16}: max difference {difference:.10f}")
assert max(differences.values()) < 1e-9

# %% [markdown]
# Ten zeros after the decimal point: the recipe *is* back-propagation. (The numerical
# gradient is an approximation, good here to about $10^{-11}$; the other two agree with
# the hand calculation to within rounding in the last binary digit.)

# %% [markdown]
# ## Two sign conventions, one update
#
# Textbooks define the **error term** of layer $l$ as $\delta^l = \partial C/\partial z^l$
# and write the same recurrence with the opposite sign:
#
# $$\delta^L = \nabla_a C \odot f'(z^L), \qquad
#   \delta^l = \big((W^{l+1})^{\top}\,\delta^{l+1}\big) \odot f'(z^l), \qquad
#   \frac{\partial C}{\partial W^l} = \delta^l\,(a^{l-1})^{\top}, \qquad
#   W^l \leftarrow W^l - \eta\,\frac{\partial C}{\partial W^l}.$$
#
# For one sample with two outputs, $\nabla_a C = \tfrac{2}{2}(y - t) = y - t$, so
# $\delta = -s$ exactly: the signal convention adds $\eta\, s\, a$, the delta convention
# subtracts $\eta\,\delta\, a$. Same step.

# %% tags=["worked:conventions"]
delta_out = (output - t) * slope_out                     # textbook: dC/dz of the outputs
delta_hidden = (W2.T @ delta_out) * slope_hidden         # the recurrence
W1_delta_way = W1 - eta * np.outer(delta_hidden, x)      # dC/dW1 = delta (a_prev)^T
W2_delta_way = W2 - eta * np.outer(delta_out, hidden)
print("delta_out    =", delta_out)
print("delta_hidden =", delta_hidden)
print("W1 by -= eta * delta * input =", W1_delta_way)
print("W2 by -= eta * delta * input =", W2_delta_way)
print(f"max difference from += eta * signal * input: "
      f"{max(np.max(np.abs(W1_delta_way - new_W1)), np.max(np.abs(W2_delta_way - new_W2))):.10f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# `net.step(grads, eta)` is the delta convention (`param -= eta * grad`); the library's
# `grads.deltas` are the $\delta$s and `grads.signals` are simply `-grads.deltas`.

# %% tags=["worked:net-step"]
stepped = net.copy()
stepped.step(grads, eta)
gap = max(np.max(np.abs(a - b)) for a, b in zip(stepped.parameters(), updated.parameters()))
print(f"net.step versus the recipe's update: max difference {gap:.10f}")
assert gap < 1e-12

# %% [markdown]
# ## The recipe as library code
#
# `course_lib.signals` holds the same seven steps as small functions (`output_signals`,
# `hidden_signals`, `weight_gradients`, `signal_update`, ...), one line of `recipe_step`
# per step. Read it next to this notebook.

# %% tags=["worked:recipe-step"]
from course_lib.signals import recipe_step

step = recipe_step(net, x, t, eta)
print("output signals:", step.output_signals[0])
print("hidden signals:", step.hidden_signals[0])
print(f"new W2, max difference from ours: {np.max(np.abs(step.new_W_out - new_W2)):.10f}")

# %% [markdown]
# ### Optional: batches, and the mean in the loss
#
# The recipe's signal $(t - y)\,f'(z)$ is exactly $-\partial E/\partial z$ for the
# *half sum of squares* $E = \tfrac12 \sum_{\text{samples}} \sum_{\text{outputs}} (t - y)^2$.
# course_lib's mean squared error divides by all $n k$ numbers instead:
# $L = \tfrac{1}{nk}\sum (y - t)^2 = \tfrac{2}{nk}\,E$. So every signal, gradient and step
# of the library is $\tfrac{2}{nk}$ times the raw recipe's. With $n = 1$ sample and $k = 2$
# outputs the factor is 1, which is why all the numbers above agreed. On a batch of 4:

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
# ## Watch it step by step
#
# The stepper walks the same training step node by node: forward (each node's $z$, then
# its activation), backward (each node's signal), then every weight and bias update. Use
# *Next* and *Previous*, drag the slider, or click the slider and use the arrow keys.
# Before each step, **predict** the number, then check it against the formula below the
# picture.

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.stepper import backprop_stepper

backprop_stepper()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Try it with another sample: `backprop_stepper(x=np.array([1.0, -1.0]))`, or a bigger
# learning rate: `backprop_stepper(learning_rate=2.0)`.

# %% [markdown]
# ## Summary
#
# - A node's **signal** says which way, and how hard, its weighted sum should move:
#   $(t - y)\,f'(z)$ at an output, $\big(\sum_k s_k w_{kj}\big) f'(z_j)$ at a hidden node.
# - A weight's gradient is the signal of the node it points to × its input; every weight
#   moves by $+\eta$ × that.
# - The textbook $\delta = \partial L/\partial z$ is minus the signal, and its update
#   subtracts: the same step.
# - By hand, `MLP.backward`, `Value` autodiff and numerical gradients give the same numbers
#   (up to the factor $2/(nk)$ of the mean on batches).

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
# 2. Why are the hidden signals much smaller than the output signals here?
#
# <details><summary>Answer</summary>
#
# On its way back each output signal is multiplied by a weight below 1, and then by the
# hidden sigmoid's slope $h(1 - h)$, at most $1/4$ (here about 0.24). The two shrinkings
# multiply.
#
# </details>
#
# 3. You compute the textbook $\delta = \partial L/\partial z$ but update with
#    `w += eta * delta * input`. What happens to the loss?
#
# <details><summary>Answer</summary>
#
# It goes up (for a small enough step): that is gradient *ascent*. The signal convention
# adds because $s = -\delta$; with $\delta$ you must subtract.
#
# </details>
#
# 4. A batch holds 10 samples and the network has 2 outputs. By what factor do
#    `grads.signals` differ from the raw recipe's $(t - y)\,f'(z)$?
#
# <details><summary>Answer</summary>
#
# $2/(nk) = 2/20 = 0.1$: course_lib's mse is the mean of all 20 squared errors, while the
# raw recipe's signals belong to half their sum.
#
# </details>
#
# 5. An input is exactly 0. What is the gradient of every weight leaving that input?
#
# <details><summary>Answer</summary>
#
# Zero: gradient = signal × input = signal × 0. Those weights do not move this step, which
# is right, since they had no effect on the output.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Practise the recipe in the graded exercise **`exercises/ex05_signals.ipynb`**
# ([open it](../exercises/ex05_signals.ipynb)): fill in the marked cells and run its checks
# before you hand it in.
