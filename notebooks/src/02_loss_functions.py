# %% [markdown]
# # 2. Loss functions
#
# A forward pass gives predictions. To improve them, training needs one number that says how
# wrong they are: the **loss** (also called cost or error). This lesson builds the two losses the
# course uses and shows that the choice changes how a network learns.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
# - compute mean squared error and cross-entropy (binary with sigmoid, categorical with
#   softmax) by hand and check them against the library;
# - explain why cross-entropy punishes a confident wrong answer harder than squared error
#   and why a sigmoid network learns faster with it;
# - say why code must never take $\log 0$, and how `course_lib` avoids it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lesson 1 (forward pass, sigmoid); logarithms and $e^x$.
#
# **Estimated time.** 45 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# The key moments are the table of a confident wrong answer (ask for a guess of the
# cross-entropy at p = 0.001; most people guess something near 1) and the two training curves.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import binary_cross_entropy, cross_entropy, get_activation, get_loss, mse
from course_lib.drawing import show_figure
from course_lib.lessons import figure_text

np.set_printoptions(precision=4, suppress=True)  # short, readable numbers in printed arrays

# %% [markdown]
# ## One number for "how wrong"
#
# A loss $L(\hat{Y}, Y)$ compares the predictions $\hat{Y}$ with the targets $Y$ and returns one
# number. It is $0$ when every prediction is right and grows as they drift away. Training
# (lesson 3) changes the weights to push $L$ down, so the loss decides what "better" means,
# and how loudly each mistake is heard.

# %% [markdown]
# ## Mean squared error
#
# Square each gap between prediction and target, then average:
#
# $$L_{\text{MSE}} = \frac{1}{N}\sum_{i=1}^{N} (\hat{y}_i - y_i)^2 .$$
#
# The mean is over **all $N$ elements** of $\hat{Y}$ (every output of every sample), as
# PyTorch's `MSELoss` does by default: three samples with two outputs give $N = 6$.

# %% tags=["worked:mse"] slideshow={"slide_type": "subslide"}
Y_hat = np.array([[0.8, 0.1], [0.3, 0.6], [0.5, 0.5]])   # 3 samples, 2 outputs each
Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
squared = (Y_hat - Y) ** 2
print("squared gaps =", squared)
print(f"MSE by hand     = {squared.mean():.6f}")
print(f"MSE course_lib  = {mse(Y_hat, Y):.6f}")
print(f"per-sample sum, then mean over samples = {squared.sum(axis=1).mean():.6f}")

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Which mean?
#
# The last line is another convention you will meet in books: sum over the outputs, average over
# the samples. It is the same loss times the number of outputs (2 here); some books also put a
# $\frac{1}{2}$ in front. Constant factors do not move the minimum, but they scale every
# gradient, and so the learning rate that works. Whenever you compare numbers, check the convention.

# %% [markdown]
# ## Binary cross-entropy, for a sigmoid output
#
# For a yes/no question a network has one sigmoid output $p$: the probability it gives to
# class 1. With targets $y \in \{0, 1\}$:
#
# $$L_{\text{BCE}} = -\frac{1}{N}\sum_{i=1}^{N} \big[\, y_i \log p_i + (1 - y_i)\log(1 - p_i) \,\big].$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# For each sample only one term survives: $-\log p$ when $y = 1$ and $-\log(1 - p)$ when $y = 0$.
# Either way it is **minus the log of the probability given to the right answer**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Predict first.** Four samples: $p = 0.9, 0.2, 0.6, 0.99$ with targets $1, 0, 0, 1$.
# Which sample costs the most?
#
# <details><summary>Answer</summary>
#
# The third: its target is 0, yet it gave class 1 a probability of 0.6, leaving only 0.4 for
# the right answer, and $-\log 0.4 \approx 0.92$.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:bce"]
p = np.array([[0.9], [0.2], [0.6], [0.99]])   # (samples, 1): one sigmoid output each
y = np.array([[1.0], [0.0], [0.0], [1.0]])
per_sample = -(y * np.log(p) + (1 - y) * np.log(1 - p))
print("per-sample loss =", per_sample.ravel())
print(f"BCE by hand     = {per_sample.mean():.6f}")
print(f"BCE course_lib  = {binary_cross_entropy(p, y):.6f}")

# %% [markdown]
# ## Categorical cross-entropy, with softmax
#
# With $K$ classes (ten digits, say) the output layer gives $K$ scores $z_k$. **Softmax** turns
# them into probabilities that are positive and sum to 1:
#
# $$p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \qquad
# L_{\text{CE}} = -\frac{1}{n}\sum_{i=1}^{n}\sum_{k=1}^{K} y_{ik}\log p_{ik}.$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# The targets $y_{ik}$ are one-hot (1 for the true class, 0 elsewhere), so again each sample
# contributes $-\log(\text{probability of its true class})$; the mean is over the $n$ samples.

# %% tags=["worked:ce"] slideshow={"slide_type": "subslide"}
Z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])   # scores: 2 samples, 3 classes
labels = np.array([0, 2])                             # the true classes
Y = np.eye(3)[labels]                                 # one-hot rows
P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
print("P =", P)
print("softmax agrees with course_lib:", np.allclose(P, get_activation("softmax")(Z)))
per_sample = -np.log(P[np.arange(2), labels])
print("per-sample loss =", per_sample)
print(f"CE by hand     = {per_sample.mean():.6f}")
print(f"CE course_lib  = {cross_entropy(P, Y):.6f}")

# %% [markdown]
# The first sample's true class has the largest score and costs little. The second sample's
# true class has the *smallest* score, gets under 3% of the probability, and dominates the loss.

# %% [markdown]
# ## A confident wrong answer
#
# One sigmoid output, target $y = 1$, and $p$ (the probability of the true class) falling
# towards 0. Squared error is $(1 - p)^2$, cross-entropy $-\log p$. **Predict first:** each
# at $p = 0.001$?
#
# <details><summary>Answer</summary>
#
# Squared error $0.998$, just under its ceiling of 1; cross-entropy $-\log 0.001 \approx 6.9$.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:confident-wrong"]
print("target y = 1; p is the probability given to it")
print("    p      squared error   cross-entropy")
for p_true in [0.9, 0.5, 0.1, 0.01, 0.001]:
    print(f"{p_true:<6}  {(1 - p_true) ** 2:14.4f}  {-np.log(p_true):14.4f}")

# %% [markdown]
# Squared error can never exceed 1, however wrong the network is. Cross-entropy grows without
# bound: each factor of 10 less probability on the truth adds $\log 10 \approx 2.3$.

# %% slideshow={"slide_type": "subslide"}
p_grid = np.linspace(0.001, 0.999, 500)
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(p_grid, (1 - p_grid) ** 2, lw=2, label="squared error $(1 - p)^2$")
ax.plot(p_grid, -np.log(p_grid), lw=2, ls="--", label="cross-entropy $-\\log p$")
ax.set(xlabel="probability of the true class, p", ylabel="loss", ylim=(0, 5))
ax.legend()
ax.grid(alpha=0.3)
show_figure(figure_text.loss_against_p())

# %% [markdown]
# ## Never take $\log 0$
#
# A probability that is exactly 0 for the true class makes $-\log p$ infinite: the mean loss
# is infinite, the gradients NaN, and training is over. It happens sooner than you think.

# %% [markdown] slideshow={"slide_type": "fragment"}
# A float64 holds about 16 digits, so $1 + e^{-37} \approx 1 + 8.5 \times 10^{-17}$ rounds to
# exactly 1. A sigmoid output of a score of 37 *is* 1.0, and $\log(1 - p) = \log 0$.

# %% tags=["worked:log0"]
z = np.array([[37.0]])                # a score that is very sure of class 1 ...
target = np.array([[0.0]])            # ... but the truth is class 0
p_one = get_activation("sigmoid")(z)
print(f"sigmoid(37) = {float(p_one[0, 0])!r}, exactly 1.0: {p_one[0, 0] == 1.0}")
with np.errstate(divide="ignore"):    # numpy would warn about log(0); here we want to see it
    print("-log(1 - p) =", -np.log(1 - p_one[0, 0]))
print(f"BCE from p, clipped at 1e-12 = {binary_cross_entropy(p_one, target):.4f}")
print(f"BCE from z, no p formed      = "
      f"{get_loss('binary_cross_entropy').from_logits(z, target):.4f}")

# %% [markdown]
# ### How `course_lib` avoids it
#
# From probabilities, `course_lib` clips $p$ into $[10^{-12}, 1 - 10^{-12}]$, so the loss is
# capped near $-\log 10^{-12} \approx 27.63$: finite, though not the true value. From the scores
# it uses an identity that never forms $p$ and gives the exact loss, 37:
#
# $$-\big[y\log\sigma(z) + (1-y)\log(1-\sigma(z))\big] = \log(1 + e^{z}) - yz .$$

# %% [markdown] slideshow={"slide_type": "skip"}
# Networks in this course compute their cross-entropy from $z$. Exercise 2 asks you to write
# that stable form yourself, with $\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})$ so that
# `exp` never sees a large positive number.

# %% [markdown]
# ## Explore the losses
#
# Move $p$ and flip the target. Each dark line is the loss's tangent at $p$: its slope
# $dL/dp$ is how hard gradient descent would push $p$.
#
# **Try:** with target 1, drag $p$ down to 0.01. Which slope is steeper, and by how much?
# Flip the target to 0: what happens to the picture?

# %% tags=["nbval-ignore-output"]
from course_lib.widgets.loss import loss_explorer

loss_explorer()

# %% [markdown]
# ## The loss choice changes learning
#
# The weights reach $p$ through $z$, with $p = \sigma(z)$. How hard does each loss push on $z$,
# for one output with target $y$?
#
# $$\frac{\partial}{\partial z}(p - y)^2 = 2(p - y)\,p(1 - p), \qquad
# \frac{\partial}{\partial z}\big[-y\log p - (1-y)\log(1-p)\big] = p - y .$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# The sigmoid's slope $p(1 - p)$ stays in the squared error's push but cancels from the
# cross-entropy's. **Predict first:** at $z = -6$ with $y = 1$ (confidently wrong), which push
# is larger?
#
# <details><summary>Where these come from</summary>
#
# Lesson 4 derives such formulas with the chain rule. $\sigma'(z) = \sigma(z)(1 - \sigma(z)) = p(1 - p)$. Squared error: $2(p - y) \cdot p(1 - p)$.
# Cross-entropy: $\frac{\partial}{\partial p} = -\frac{y}{p} + \frac{1 - y}{1 - p}
# = \frac{p - y}{p(1 - p)}$, and times $p(1 - p)$ that is $p - y$.
#
# </details>

# %% tags=["worked:dz"] slideshow={"slide_type": "subslide"}
z = np.array([-6.0, -3.0, 0.0, 3.0])
p = get_activation("sigmoid")(z)
print("target y = 1")
print("    z        p        dMSE/dz    dBCE/dz")
for z_k, p_k in zip(z, p):
    print(f"{z_k:5.1f}  {p_k:7.4f}  {2 * (p_k - 1) * p_k * (1 - p_k):9.4f}  {p_k - 1:9.4f}")

# %% [markdown]
# At $z = -6$ the network is badly wrong, yet squared error barely pushes ($-0.0049$): the sigmoid
# is flat there. Cross-entropy pushes with almost full force ($-0.9975$).

# %% [markdown]
# ### Two training runs, one network
#
# One sigmoid neuron, $p = \sigma(wx + b)$, two samples: $x = 1$ is class 1, $x = -1$ is class 0.
# It starts **confidently wrong**: $w = -4$, $b = 0$. Each step moves $w$ and $b$ downhill on the
# loss (lesson 3); only the loss differs between the runs.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first.** After 20 steps, which run gives the right class more than half the
# probability?

# %% slideshow={"slide_type": "subslide"} tags=["worked:loss-choice"]
x_two, y_two = np.array([1.0, -1.0]), np.array([1.0, 0.0])
# dL/dz, mean over samples
push_on_z = {"squared error": lambda p, y: 2 * (p - y) * p * (1 - p) / len(y),
             "cross-entropy": lambda p, y: (p - y) / len(y)}
right_class = {}
for name, push in push_on_z.items():
    w, b, history = -4.0, 0.0, []
    for step in range(61):
        p = 1 / (1 + np.exp(-(w * x_two + b)))
        history.append(np.mean(np.where(y_two == 1, p, 1 - p)))  # mean p of the right class
        g = push(p, y_two)
        # learning rate 1.0; dz/dw = x, dz/db = 1
        w, b = w - 1.0 * np.sum(g * x_two), b - 1.0 * np.sum(g)
    right_class[name] = np.array(history)
    print(f"{name:>13}: right-class probability at steps 0, 10, 20, 40, 60 =",
          right_class[name][[0, 10, 20, 40, 60]])

# %% [markdown]
# <details><summary>Answer</summary>
#
# Cross-entropy: it is past 0.9 by step 20. Squared error spends some 30 steps on the flat part
# of the sigmoid, where its push is tiny, before it moves at all.
#
# </details>

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.5, 3.05))
for name, history in right_class.items():
    ax.plot(history, lw=2, ls="-" if name == "squared error" else "--", label=name)
ax.set(xlabel="training step", ylabel="probability of the right class", ylim=(0, 1))
ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
ax.legend()
ax.grid(alpha=0.3)
show_figure(figure_text.right_class_runs(right_class))

# %% [markdown]
# This is why sigmoid and softmax outputs are paired with cross-entropy, and a first taste of
# lesson 7's vanishing gradients.

# %% [markdown]
# ## Summary
#
# - A loss turns predictions and targets into one number to minimise.
# - MSE averages squared gaps over all elements; cross-entropy averages $-\log$ of the probability
#   given to the true class (binary: sigmoid output; categorical: softmax output).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - Squared error is at most 1 for probabilities; cross-entropy grows without bound as a confident
#   answer turns out wrong, and keeps pushing hard where squared error goes quiet: from a
#   confidently wrong start, a sigmoid neuron learns far faster with cross-entropy.
# - Never evaluate $\log 0$: clip probabilities, or better, compute the loss from the scores $z$.

# %% [markdown]
# ## Check your understanding
#
# 1. Predictions $\hat{Y}$ of shape (4, 3) have squared gaps summing to 6. What is the MSE in the
#    course's convention?
#
# <details><summary>Answer</summary>
#
# $6 / 12 = 0.5$: the mean is over all $4 \times 3 = 12$ elements.
#
# </details>
#
# 2. A sigmoid output gives $p = 0.8$ and the target is 0. What is the binary cross-entropy?
#
# <details><summary>Answer</summary>
#
# Only the $(1 - y)\log(1 - p)$ term survives: $-\log 0.2 \approx 1.609$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. Softmax gives the true class a probability of $0.5$ in one sample and $0.05$ in another.
#    How much more does the second cost?
#
# <details><summary>Answer</summary>
#
# $-\log 0.05 - (-\log 0.5) = \log 10 \approx 2.303$ more ($2.996$ against $0.693$).
#
# </details>
#
# 4. Why compute cross-entropy from the scores $z$ rather than from $p$?
#
# <details><summary>Answer</summary>
#
# $p$ can round to exactly 0 or 1 in floating point, and then $\log p$ or $\log(1 - p)$ is
# $-\infty$. The formula in $z$ never forms $p$, stays finite and exact, and gives the simple
# gradient $p - y$.
#
# </details>

# %% [markdown]
# ## Exercise
#
# Open `exercises/ex02_losses.ipynb`: you will write these losses yourself, stable for huge
# scores, and derive the push $\partial L/\partial z$ of each; its self-check cells compare
# your derivatives with numerical ones.
# Next: lesson 3, how the loss tells us which way to move the weights.
