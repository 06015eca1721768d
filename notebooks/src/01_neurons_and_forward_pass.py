# %% [markdown]
# # 1. Neurons and the forward pass
#
# A neural network is built from one small part repeated many times: the neuron.
# This lesson takes a single neuron apart, stacks neurons into a layer, and then
# pushes numbers through a small network by hand, looking at every value on the way.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
# - compute a neuron's output $a = f(\mathbf{w}\cdot\mathbf{x} + b)$ by hand and with numpy;
# - write a layer as a matrix product and give the shape of every weight matrix and bias;
# - say why one neuron cannot compute XOR;
# - carry out a forward pass, for one sample and for a batch, and check it against `course_lib`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lesson 0; numpy arrays and the `@` operator; a matrix-vector product.
#
# **Estimated time.** 45 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# The whole lesson is arithmetic. Keep asking the room to predict a number before running a
# cell; the ReLU example in the forward pass is the one most people get wrong.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import ACTIVATION_NAMES, MLP, get_activation
from course_lib.drawing import show_figure, show_picture
from course_lib.widgets.network_diagram import network_picture
from course_lib.lessons import figure_text

np.set_printoptions(precision=4, suppress=True)  # short, readable numbers in printed arrays

# %% [markdown]
# ## One neuron
#
# A neuron receives inputs $x_1, \dots, x_n$. It multiplies each by a **weight**, adds the
# products together with a **bias**, and passes the sum through an **activation function** $f$:
#
# $$z = \mathbf{w}\cdot\mathbf{x} + b = \sum_{i=1}^{n} w_i x_i + b, \qquad a = f(z).$$

# %% [markdown] slideshow={"slide_type": "skip"}
# A weight says how much an input matters and in which direction; the bias shifts the sum
# before $f$ sees it. We call $z$ the weighted sum (or pre-activation) and $a$ the activation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** With $\mathbf{x} = (1, 2)$, $\mathbf{w} = (0.5, -0.25)$ and $b = 0.1$, what is $z$?
# Is $a = \text{sigmoid}(z)$ above or below $0.5$?
#
# <details><summary>Answer</summary>
#
# The two products cancel ($0.5 - 0.5$), so only the bias is left: $z = 0.1$, and the sigmoid
# of a small positive number is a little above $0.5$. Run the cell to check.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:neuron"]
x = np.array([1.0, 2.0])
w = np.array([0.5, -0.25])
b = 0.1
z = w @ x + b
a = get_activation("sigmoid")(z)
print(f"z = w·x + b = {z:.4f}")
print(f"a = sigmoid(z) = {a:.4f}")

# %% [markdown]
# ### The activation function
#
# The activation decides what the neuron does with its sum. Five of them work entry by entry:
#
# - identity $f(z) = z$; sigmoid $f(z) = 1 / (1 + e^{-z})$, between 0 and 1; tanh, between $-1$ and 1;
# - ReLU $f(z) = \max(0, z)$; leaky ReLU, like ReLU with a small slope for $z < 0$.

# %% slideshow={"slide_type": "subslide"}
z_values = np.linspace(-4, 4, 201)
names = [name for name in ACTIVATION_NAMES if name != "softmax"]
fig, axes = plt.subplots(1, len(names), figsize=(10.8, 2.4), layout="constrained")
for ax, name in zip(axes, names):
    ax.plot(z_values, get_activation(name)(z_values), lw=2)
    ax.set(title=name, xlabel="z", xticks=[-4, 0, 4])
    ax.grid(alpha=0.3)
# no shared y axis: sigmoid and tanh would look flat beside relu
axes[0].set_ylabel("a = f(z)")
show_figure(figure_text.activation_panels(names, z_values))

# %% [markdown]
# The sixth, softmax, works on a whole layer at once and turns scores into probabilities:
# it belongs to lesson 2. Why a network needs a *nonlinear* $f$ at all is lesson 7's story.

# %% [markdown]
# ## Explore one neuron
#
# The widget is a neuron with two inputs. The left picture colours the input plane
# $(x_1, x_2)$ by the neuron's output; the dashed line is where $z = 0$. The right picture
# follows the output along $x_1$; the star is the example input the readout spells out.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Try:** set $w_2 = 0$: which way does the dashed line turn? With `relu`, make $b$ very
# negative: where is the neuron still "on"?

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.neuron import neuron_explorer

neuron_explorer()

# %% [markdown]
# The weights tilt the dashed line, the bias slides it, and their size sets how steeply the
# output changes across it. Every neuron in a network cuts the input space this way.

# %% [markdown]
# ## One neuron cannot compute XOR
#
# XOR ("exactly one input is on") is 1 at $(0, 1)$ and $(1, 0)$, 0 at $(0, 0)$ and $(1, 1)$.
# A neuron says "on" on one side of its line $z = 0$.
#
# **Predict first.** Can any line put the two 1s on one side and the 0s on the other?
# Try it in the explorer above.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Instead of dragging sliders, try 100,000 random neurons and count how many of the four
# points each one gets right (output above 0.5 means "1"):

# %% tags=["worked:xor-one-neuron"]
X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y_xor = np.array([0, 1, 1, 0])
tries = np.random.default_rng(1).normal(0, 3, size=(100_000, 3))  # columns w1, w2, b
z_all = tries[:, :2] @ X_xor.T + tries[:, 2:]  # (100000, 4): z of each try, each point
correct = ((z_all > 0) == y_xor).sum(axis=1)   # sigmoid(z) > 0.5 exactly when z > 0
print("points right:   ", np.arange(5))
print("how many tries: ", np.bincount(correct, minlength=5))

# %% [markdown] slideshow={"slide_type": "subslide"}
# No try gets all four right, and none ever will:
#
# <details><summary>Why not (the answer to the prediction)</summary>
#
# We would need $b < 0$ for $(0,0)$, $w_1 + b > 0$ and $w_2 + b > 0$ for the two 1s, and
# $w_1 + w_2 + b < 0$ for $(1,1)$. Adding the middle two gives $w_1 + w_2 + 2b > 0$, so
# $w_1 + w_2 + b > -b > 0$: a contradiction. No straight line separates XOR.
#
# </details>

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(4.2, 2.7))
ax.scatter(*X_xor[y_xor == 1].T, s=120, marker="s", color="tab:orange", edgecolors="black",
           label="XOR = 1", zorder=3)
ax.scatter(*X_xor[y_xor == 0].T, s=120, marker="o", color="tab:blue", edgecolors="black",
           label="XOR = 0", zorder=3)
best = tries[np.argmax(correct)]  # one of the best tries: 3 of 4
line_x = np.linspace(-0.5, 1.5, 2)
ax.plot(line_x, -(best[0] * line_x + best[2]) / best[1], "k--", label="a best neuron's line")
ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$")
# beside the axes: over them it hid the square at (1, 1)
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
show_figure(figure_text.xor_best_line(correct.max()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Try it yourself:** black squares (XOR = 1) on the red side of the line, white ones
# on the blue side. The readout counts them.

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.neuron import neuron_explorer

neuron_explorer(w1=1.0, w2=1.0, b=-0.5, points="xor")

# %% [markdown]
# This is Minsky and Papert's 1969 observation. A network with a **hidden layer** between
# input and output can bend the boundary: lesson 5 trains one on XOR.

# %% [markdown]
# ## A layer is a matrix product
#
# A layer is many neurons reading the same inputs. Each neuron's weights are one row of a
# matrix $W$, the biases a vector $\mathbf{b}$:
#
# $$\mathbf{z} = W\mathbf{a}_{\text{prev}} + \mathbf{b}, \qquad \mathbf{a} = f(\mathbf{z}),
# \qquad z_j = \sum_i W_{ji}\, a_{\text{prev},i} + b_j .$$
#
# Row $j$ of $W$ belongs to neuron $j$, column $i$ to input $i$: $W$ has shape
# **(neurons, inputs)**, and $\mathbf{b}$ one entry per neuron.

# %% [markdown]
# ### Shapes for handwritten digits
#
# A 28×28 image has 784 pixels. Take 128 hidden neurons and 10 output neurons, one score per
# digit. **Predict first:** what shapes do $W_1$, $\mathbf{b}_1$, $W_2$, $\mathbf{b}_2$ have,
# and how many numbers does the network hold?
#
# <details><summary>Answer</summary>
#
# $W_1$ is 128×784, $\mathbf{b}_1$ has 128 entries, $W_2$ is 10×128, $\mathbf{b}_2$ has 10:
# $100\,480 + 1\,290 = 101\,770$ numbers. The cell below checks.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:shapes"]
net = MLP([784, 128, 10], seed=0)  # random weights: nothing learned yet
for l, (W, bias) in enumerate(zip(net.weights, net.biases), start=1):
    print(f"W{l} shape {W.shape}   b{l} shape {bias.shape}")
print(f"weights and biases in total: {net.n_parameters}")

# %% [markdown]
# Training (from lesson 3 on) is the search for good values of all of them.

# %% [markdown]
# ### One fake image through the network
#
# We do not need real digits to check the shapes: random pixel values in $[0, 1)$ will do.

# %% tags=["worked:fake-image"]
rng = np.random.default_rng(0)
image = rng.random(784)                       # stands in for 28x28 pixel intensities
z1 = net.weights[0] @ image + net.biases[0]   # (128, 784) @ (784,) + (128,)
print(f"x shape {image.shape}  ->  z1 = W1 x + b1 shape {z1.shape}")
scores = net.forward(image)
print(f"output shape {scores.shape}")
print("scores =", scores)

# %% [markdown]
# Ten scores, one per digit class. The network is untrained, so they mean nothing yet;
# lesson 10 trains this very shape until the largest score names the right digit.

# %% [markdown]
# ### A batch of inputs at once: $Z = XW^\top + \mathbf{b}$
#
# Networks process many samples at once. `course_lib` stores one sample per **row**: a batch $X$
# has shape (samples, inputs), and a layer computes
#
# $$Z = X W^\top + \mathbf{b}, \qquad Z_{nj} = \sum_i X_{ni} W_{ji} + b_j .$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# Row $n$ of $Z$ is $W\mathbf{x}_n + \mathbf{b}$ for sample $n$: the same layer, done for all
# samples in one matrix product. Numpy adds the bias to every row (broadcasting).

# %% tags=["worked:batch"]
batch = rng.random((5, 784))                  # five fake images, one per row
Z1 = batch @ net.weights[0].T + net.biases[0]
print(f"X {batch.shape} @ W1.T {net.weights[0].T.shape}"
      f" + b1 {net.biases[0].shape} -> Z1 {Z1.shape}")
print("row 2 of Z1 equals W1 x + b1 for sample 2:",
      np.allclose(Z1[2], net.weights[0] @ batch[2] + net.biases[0]))
print(f"net.forward(X) shape {net.forward(batch).shape}")

# %% [markdown]
# ## A forward pass by hand
#
# Now a network small enough to follow every number: 2 inputs, 3 hidden neurons with ReLU,
# 2 output neurons with sigmoid. The weights are set by hand to readable values.

# %% tags=["worked:network"]
small = MLP([2, 3, 2], hidden_activation="relu", output_activation="sigmoid")
small.weights[0] = np.array([[0.5, -0.5], [1.0, 0.25], [-1.0, 0.5]])
small.biases[0] = np.array([0.1, -0.5, 0.2])
small.weights[1] = np.array([[1.0, -0.5, 2.0], [-1.0, 1.5, 0.5]])
small.biases[1] = np.array([0.0, -0.5])
x = np.array([1.0, 2.0])
for name, value in [("x", x), ("W1", small.weights[0]), ("b1", small.biases[0]),
                    ("W2", small.weights[1]), ("b2", small.biases[1])]:
    print(f"{name} =", value)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The diagram draws each weight as a line: blue for positive, orange for negative, thicker for
# larger. Read off $W_1$'s first row in the lines that end at the top hidden neuron.

# %%
node_names = [["x1", "x2"], ["h1", "h2", "h3"], ["y1", "y2"]]
show_picture(figure_text.small_network(small), network_picture(small, node_names))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** Compute $\mathbf{z}_1 = W_1\mathbf{x} + \mathbf{b}_1$ on paper. Which hidden
# neuron will ReLU switch off? Then run the layers one at a time.
#
# <details><summary>Answer</summary>
#
# $\mathbf{z}_1 = (-0.4, 1.0, 0.2)$: h1's sum is negative, so ReLU outputs 0 and h1 contributes
# nothing to the outputs for this input. The outputs are $\text{sigmoid}(-0.1) \approx 0.475$
# and $\text{sigmoid}(1.1) \approx 0.750$.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:forward-pass"]
z1 = small.weights[0] @ x + small.biases[0]
a1 = np.maximum(z1, 0)               # ReLU
z2 = small.weights[1] @ a1 + small.biases[1]
a2 = 1 / (1 + np.exp(-z2))           # sigmoid
print("z1 =", z1)
print("a1 =", a1)
print("z2 =", z2)
print("a2 =", a2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# `MLP.trace` does the same pass and keeps every $z$ and $a$ (lesson 6 needs them all for the
# backward pass). It agrees with our hand computation:

# %%
trace = small.trace(x[None, :])       # a batch of one sample
print("library z1, z2:", trace.zs[0][0], trace.zs[1][0])
print("agrees with the hand computation:",
      np.allclose(trace.zs[0][0], z1) and np.allclose(trace.activations[2][0], a2))

# %% slideshow={"slide_type": "subslide"}
with_values = network_picture(small, node_names, [x, a1, a2])   # each node's value above it
show_picture(figure_text.small_network_values(x, a1, a2), with_values)

# %% [markdown]
# ### Input nodes pass values on unchanged
#
# An input node has no weights, no bias and no activation. It *is* the data, handed on as it
# is (an identity).

# %% [markdown] slideshow={"slide_type": "skip"}
# The left column of the diagram holds no neurons in the sense above. That is why `trace.activations[0]` is the input itself, and why a "2-3-2 network" has
# three columns of nodes but only two weight matrices.

# %%
print("activations[0] equals x:", np.array_equal(trace.activations[0][0], x))
print(f"weight layers: {small.n_layers}, zs: {len(trace.zs)},"
      f" activations: {len(trace.activations)}")

# %% [markdown]
# **Try:** change `x` to `[0.0, 0.0]` and rerun the last few cells. Which numbers are left?
# (Only the biases survive the first layer.)

# %% [markdown]
# ## Summary
#
# - A neuron computes $a = f(\mathbf{w}\cdot\mathbf{x} + b)$: weighted sum, bias, activation.
# - A layer is a matrix product: $\mathbf{z} = W\mathbf{a}_{\text{prev}} + \mathbf{b}$ with $W$ of shape
#   (neurons, inputs); for a batch, $Z = XW^\top + \mathbf{b}$, one sample per row.
# - One neuron draws one straight line, so it cannot compute XOR.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - A forward pass applies the layers in turn, each activation feeding the next layer.
# - Input nodes pass the data on unchanged; the weight layers do the computing.

# %% [markdown]
# ## Check your understanding
#
# 1. A layer has 20 inputs and 7 neurons. What are the shapes of $W$ and $\mathbf{b}$?
#
# <details><summary>Answer</summary>
#
# $W$ is 7×20 (one row per neuron, one column per input) and $\mathbf{b}$ has 7 entries.
#
# </details>
#
# 2. In the 2-3-2 network, hidden neuron h1 had $z = -0.4$. What would change in the outputs
#    if its outgoing weights were doubled?
#
# <details><summary>Answer</summary>
#
# Nothing, for this input: ReLU made $a = 0$, and $0$ times any weight is $0$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. How many weights and biases does a 784-128-10 network have?
#
# <details><summary>Answer</summary>
#
# $784 \cdot 128 + 128 + 128 \cdot 10 + 10 = 101\,770$.
#
# </details>
#
# 4. Why does the input layer have no weight matrix of its own?
#
# <details><summary>Answer</summary>
#
# Input nodes compute nothing: they hold the data and pass it on unchanged. The first weight
# matrix belongs to the connections from the inputs to the first hidden layer.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Open `exercises/ex01_neuron_and_layer.ipynb`: you will write a neuron, a layer for a whole
# batch and a two-layer forward pass yourself; its self-check cells tell you whether the shapes
# and numbers are right before you submit.
# Next: lesson 2, **Loss functions**, how a network measures how wrong it is.
