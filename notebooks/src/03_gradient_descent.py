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
# # 3. Gradient descent: why we follow the slope instead of searching
#
# A network learns by changing its weights until the loss is small. Trying weights is hopeless,
# and we will work out exactly how hopeless. Walking downhill works, and the size of each step,
# the learning rate, decides whether the walk arrives, wobbles or runs away.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - count the combinations a brute-force search must try, and say why that rules it out
#   (the curse of dimensionality);
# - apply the update $w \leftarrow w - \eta\, \mathrm{d}L / \mathrm{d}w$ by hand on one and two weights;
# - predict from the learning rate whether descent converges, oscillates or diverges, and
#   recognise a diverging training run from its error message.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lessons 1 and 2. A derivative as "the slope of a curve" is all the
# calculus needed; lesson 4 explains how the slopes are computed.
#
# **Estimated time.** 45 minutes.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from course_lib import MLP, DivergenceError, train
from course_lib.drawing import show_figure
from course_lib.lessons import figure_text
from course_lib.lessons.big_numbers import format_cost_table, search_cost_table
from course_lib.lessons.descent import gradient_descent
from course_lib.lessons.search_race import LeastSquares, random_search
from course_lib.widgets.descent import parabola_path, learning_rate_explorer

# %% [markdown]
# ## Why not simply search for the weights?
#
# Let every weight take one of 1,000 values, say $-5.000, -4.990, \dots, 4.990$. Two weights
# mean $1000 \times 1000 = 10^6$ combinations, $N$ weights $1000^N$. At $10^9$ loss evaluations
# per second that takes
#
# $$ t = \frac{1000^N}{10^9} \text{ seconds.} $$

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first:** how long for 5 weights? For the weights of the
# $784 \to 128 \to 10$ network that reads handwritten digits at the end of the course?

# %% [markdown] slideshow={"slide_type": "notes"}
# Collect a few guesses for 5 weights before running the cell; most people guess seconds or
# minutes. The surprise is the point: the next row multiplies by 1,000 again.

# %% slideshow={"slide_type": "subslide"} tags=["worked:search-table"]
digit_network = MLP([784, 128, 10]).n_parameters
table = search_cost_table([1, 2, 3, 4, 5, 6, 9, 10, 100, digit_network],
                          values_per_weight=1000, tries_per_second=10**9)
print(format_cost_table(table))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two weights take a millisecond, four about 17 minutes, five about 11.6 days. At nine
# weights the search outlasts the universe (13.8 billion years so far), and a real
# network's number has more than 300,000 digits.

# %% [markdown] slideshow={"slide_type": "skip"}
# The numbers are exact: `course_lib.lessons.big_numbers` keeps $1000^N$ as a Python integer,
# because a float overflows past about $10^{308}$.

# %% [markdown]
# ### The curse of dimensionality
#
# Each extra weight multiplies the work by 1,000: the cost grows *exponentially* with the
# number of dimensions. This is the **curse of dimensionality**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Random search (draw weights at random, keep the best) needs no grid, but in many dimensions
# almost all of the box is far from the best point. We need a method whose cost per step does
# not explode: the slopes say, for *every* weight at once, which way is downhill.

# %% [markdown]
# ## A race: random search against gradient descent
#
# A small problem with two weights: fit a line $\hat y = w_1 x + w_2$ to 30 noisy points by
# minimising the mean squared error
#
# $$ L(w_1, w_2) = \frac{1}{n} \sum_{i=1}^{n} \left(w_1 x_i + w_2 - y_i\right)^2 . $$
#
# `LeastSquares` holds the loss and its slopes, and also solves the problem exactly by
# linear algebra, so we can see how close each racer gets.

# %% tags=["worked:best-line"]
rng = np.random.default_rng(0)
x = rng.uniform(-1, 2, 30)
y = 1.5 * x - 1.0 + rng.normal(0, 0.3, 30)
# columns: x and 1 (the intercept)
line = LeastSquares(np.column_stack([x, np.ones_like(x)]), y)
best_w = line.minimum()
print(f"best line: slope {best_w[0]:.4f}, intercept {best_w[1]:.4f},"
      f" loss {line.loss(best_w):.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Random search draws 1,000 candidate lines with both weights between $-4$ and $4$.
# Gradient descent starts at $(w_1, w_2) = (-3, 3)$ and takes 40 steps with learning
# rate $\eta = 0.3$ (the rule is explained below).

# %% [markdown] slideshow={"slide_type": "skip"}
# One step needs the loss and its slopes; lesson 4 shows the slopes cost about as much as a
# loss evaluation or two, so we charge descent 3 evaluations per step, to be fair to random
# search.

# %% tags=["worked:race"]
search = random_search(line.loss, low=[-4, -4], high=[4, 4], n_tries=1000, seed=1)
descent = gradient_descent(line.loss, line.gradient,
                           start=[-3, 3], learning_rate=0.3, steps=40)
best_loss = line.loss(best_w)
print(f"random search, 1000 evaluations : w = {np.round(search.best_point, 4)}, "
      f"loss {search.best_loss:.6f}, excess {search.best_loss - best_loss:.2e}")
print(f"gradient descent, 40 steps (120): w = {np.round(descent.final_point, 4)}, "
      f"loss {descent.final_loss:.6f}, excess {descent.final_loss - best_loss:.2e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The *excess* is how far above the best possible loss each racer ended; against the work done,
# on a log scale:

# %%
fig, ax = plt.subplots(figsize=(6.5, 2.25))
ax.semilogy(np.arange(1, 1001), search.best_losses - best_loss,
            label="random search (best so far)")
ax.semilogy(3 * np.arange(41), descent.losses - best_loss, "o-", ms=3,
            label="gradient descent")
ax.set(xlabel="loss evaluations", ylabel="loss above the best",
       title="Fitting a line: two weights")
ax.legend()
ax.grid(alpha=0.3)
show_figure(figure_text.search_race(search, descent, best_loss))

# %% [markdown] slideshow={"slide_type": "subslide"}
# With two weights random search does find a decent line, slowly: each halving of the excess
# costs more tries than the last. Gradient descent gains a constant factor per step.

# %% [markdown]
# ## Gradient descent: stepping downhill
#
# Picture yourself on a mountainside in thick fog, trying to reach the valley floor. You
# cannot see the valley, but you can feel the slope under your feet. So you step downhill,
# feel the slope again, and repeat. Big steps may carry you across the valley; tiny steps
# take all day.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Write the slope of the loss along weight $w$ as $\mathrm{d}L/\mathrm{d}w$ (how much $L$ rises
# per unit step in $w$; lesson 4 computes it). A step is
#
# $$ w \leftarrow w - \eta \, \frac{\mathrm{d}L}{\mathrm{d}w} . $$
#
# The minus sign goes downhill: where the loss rises to the right (positive slope), $w$
# moves left. The **learning rate** $\eta$ sets the step size.

# %% [markdown]
# ### One weight
#
# Take $L(w) = (w - 1)^2$, whose minimum is at $w = 1$ and whose derivative is
# $\mathrm{d}L/\mathrm{d}w = 2(w - 1)$. Start at $w = -2$ with $\eta = 0.1$:

# %% tags=["worked:descent-1d"]
w, eta = -2.0, 0.1
for step in range(6):
    slope = 2 * (w - 1)
    print(f"step {step}: w = {w:.6f}   L(w) = {(w - 1) ** 2:.6f}   dL/dw = {slope:.6f}")
    w = w - eta * slope

# %% [markdown]
# Each step covers 20% of the remaining distance to the minimum: the distance shrinks from
# 3 to 2.4, 1.92, ... . **Try it:** change `eta` to 0.5, then to 1.2, and run the cell again.

# %% [markdown]
# ### Two weights: the loss surface of the line fit
#
# With two weights the loss is a surface over the $(w_1, w_2)$ plane, drawn as contour lines.
# Each weight has its own slope; together they form the **gradient**, which points
# straight uphill. Descent steps against it: two runs from $(-3, 3)$.

# %% tags=["worked:descent-2d"]
slow = gradient_descent(line.loss, line.gradient, start=[-3, 3], learning_rate=0.1, steps=20)
fast = gradient_descent(line.loss, line.gradient, start=[-3, 3], learning_rate=0.5, steps=20)
for run in (slow, fast):
    print(f"learning rate {run.learning_rate}:")
    for k in (0, 1, 2, 3, 20):
        print(f"  step {k:>2}: w = ({run.path[k, 0]:.6f}, {run.path[k, 1]:.6f})"
              f"   loss {run.losses[k]:.6f}")

# %% slideshow={"slide_type": "subslide"}
w1, w2 = np.meshgrid(np.linspace(-4, 4, 160), np.linspace(-4, 4, 160))
surface = np.mean((w1[..., None] * x + w2[..., None] - y) ** 2, axis=-1)  # loss on the grid
fig, ax = plt.subplots(figsize=(4.6, 3.1))
ax.contour(w1, w2, surface, levels=np.geomspace(0.1, 60, 14), cmap="viridis", linewidths=0.8)
for run, colour, shape in ((slow, "tab:blue", "o-"), (fast, "tab:red", "s--")):
    ax.plot(*run.path.T, shape, color=colour, ms=3, lw=1, label=f"η = {run.learning_rate}")
ax.plot(*best_w, "*", color="gold", mec="black", ms=14, label="minimum")
ax.set(xlabel="slope $w_1$", ylabel="intercept $w_2$", aspect="equal")
# beside the axes: inside them, it hid the path
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
show_figure(figure_text.descent_contours(best_w, slow, fast))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The small learning rate walks smoothly, but still has some way to go after 20 steps.
# The larger one zig-zags across the narrow valley and yet gets closer. Every step sets off at
# right angles to the contour line through its starting point: that is what "steepest descent" means.

# %% [markdown]
# ## The learning rate: too small, just right, too large
#
# Back to one weight, with a bowl $L(w) = \tfrac{a}{2}(w - m)^2$ of curvature $a$ and minimum
# at $m$. A step moves $w$ to $w - \eta a (w - m)$, so the distance to the minimum is
# multiplied by the same factor every step:
#
# $$ w_{k+1} - m = (1 - \eta a)\,(w_k - m), \qquad w_k - m = (1 - \eta a)^k \,(w_0 - m). $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# That makes the regimes exact:
#
# | learning rate | factor $1 - \eta a$ | what happens |
# | --- | --- | --- |
# | $\eta < 1/a$ | between 0 and 1 | converges, never overshooting |
# | $\eta = 1/a$ | 0 | lands on the minimum in one step |
# | $1/a < \eta < 2/a$ | between $-1$ and 0 | overshoots every step, but converges |
# | $\eta = 2/a$ | $-1$ | bounces between two points forever |
# | $\eta > 2/a$ | below $-1$ | overshoots further each time: diverges |
#
# %% [markdown] slideshow={"slide_type": "subslide"}
# For $L(w) = (w-1)^2$ the curvature is $a = 2$, so the thresholds are $\eta = 0.5$ and
# $\eta = 1$. **Predict first:** the behaviour for $\eta = 0.1, 0.4, 0.8, 1.1$.
#
# <details><summary>Answer (open after you have guessed)</summary>
#
# Factors $+0.8$, $+0.2$, $-0.6$, $-1.2$: 0.1 crawls in from one side, 0.4 arrives fast, 0.8
# overshoots to and fro but converges, 1.1 overshoots further each step and diverges.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:regimes"]
for eta in (0.1, 0.4, 0.8, 1.1):
    path = parabola_path(eta, steps=6, curvature=2.0, minimum=1.0, start=-2.0)
    print(f"eta = {eta}: factor {1 - 2 * eta:+.1f}, w =",
          np.array2string(path, precision=4, floatmode="fixed"))

# %% [markdown]
# ### Try it: the learning-rate slider
#
# Move the learning rate (a log-scale slider) across 0.5 and across 1 and watch the path on
# the bowl (left) and the loss per step (right).

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Try:** find the slowest rate that still gets the loss below 0.01 in 10 steps; set exactly
# 0.5; push just past 1 and raise the number of steps.

# %% tags=["nbval-ignore-output"]
learning_rate_explorer(learning_rate=0.1, steps=10)

# %% [markdown]
# ## When the learning rate is far too large
#
# `course_lib.train` watches for this. If the loss becomes infinite or NaN, or grows far
# beyond where it started, it raises a `DivergenceError` that says what happened and what to
# try. A one-neuron linear network (the line fit, weights starting at 0), trained twice:

# %% tags=["worked:divergence"] slideshow={"slide_type": "subslide"}
for learning_rate in (0.1, 1.0):
    net = MLP([1, 1], hidden_activation="identity", output_activation="identity", loss="mse")
    net.weights = [np.zeros((1, 1))]  # start from slope 0 (the bias starts at 0 too)
    try:
        history = train(net, x[:, None], y, epochs=50, batch_size=None,
                        learning_rate=learning_rate)
        print(f"learning_rate={learning_rate}: final loss {history.loss[-1]:.6f}, "
              f"slope {net.weights[0][0, 0]:.4f}, intercept {net.biases[0][0]:.4f}")
    except DivergenceError as error:
        print(f"learning_rate={learning_rate}: DivergenceError: {error}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With $\eta = 1$ every step overshoots further than the last: by epoch 7 the loss was over
# $10^4$ times its starting value. The cure is the one the message suggests: a smaller
# learning rate.

# %% [markdown]
# ## Optional: the same race in more dimensions
#
# Now fit $d$ weights (a linear model with $d$ inputs, 200 samples) for $d = 1, 2, 5, 10, 20$.
# Random search gets 1,000 evaluations in the box $[-2, 2]^d$; gradient descent gets 30
# steps (90 evaluations) from $w = 0$ with $\eta = 0.2$. **Predict first:** which column grows
# with $d$, and by how much? (The answer is folded after the table.)

# %% slideshow={"slide_type": "subslide"} tags=["worked:curse-race"]
print(f"{'d':>3}  {'random search excess':>21}"
      f"  {'gradient descent excess':>24}  {'kept per step':>13}")
for d in [1, 2, 5, 10, 20]:
    data = np.random.default_rng(d)
    X_d = data.normal(size=(200, d))
    y_d = X_d @ data.uniform(-1, 1, d) + data.normal(0, 0.1, 200)
    problem = LeastSquares(X_d, y_d)
    floor = problem.loss(problem.minimum())
    tries = random_search(problem.loss, -2 * np.ones(d), 2 * np.ones(d), n_tries=1000, seed=0)
    steps = gradient_descent(problem.loss, problem.gradient, np.zeros(d),
                             learning_rate=0.2, steps=30)
    # distance left after one step, in the slowest direction
    kept = np.max(np.abs(1 - 0.2 * problem.curvatures()))
    print(f"{d:>3}  {tries.best_loss - floor:>21.2e}"
          f"  {steps.final_loss - floor:>24.2e}  {kept:>13.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# <details><summary>Answer (open after you have guessed)</summary>
#
# Both grow. Random search goes from a near miss to useless: at $d = 20$ its best line is
# worse than guessing zero. Gradient descent's excess grows about 40,000-fold, yet stays below
# $10^{-6}$.
#
# </details>
#
# Descent's growth comes from **conditioning**, not from the count of weights as such. A valley
# that is steep one way and flat another is *badly conditioned*: the learning rate must suit the
# steep side, so the flat side is walked slowly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The last column is the fraction of the distance to the best point that one step leaves, in
# the direction where the valley is flattest. It creeps from 0.66 to 0.79 as $d$ grows, and
# after 30 steps that difference is raised to the 30th power.

# %% [markdown]
# ## Optional: many weights, the steepest direction sets the limit
#
# A real network's loss is not one bowl, but near a minimum it looks like a bowl in every
# direction, with a different curvature in each. The line fit's loss is exactly such a bowl.

# %% tags=["worked:curvatures"]
curvatures = line.curvatures()
print(f"curvatures of the line-fit bowl: {curvatures[0]:.4f} and {curvatures[1]:.4f}")
print(f"descent diverges above eta = 2 / {curvatures[1]:.4f} = {2 / curvatures[1]:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The steepest direction sets the limit: $\eta = 0.5$ is just below $2/a_{\max}$, which is
# why that run zig-zagged. The flattest direction decides how long the walk takes, which is
# why $\eta = 0.1$ was still on its way. Learning rates used in practice are often around
# 0.01 to 0.1.

# %% [markdown] slideshow={"slide_type": "subslide"}
# It also explains the divergence above: $\eta = 1$ is above $2/a_{\max} \approx 0.57$, so in the
# steepest direction the distance to the minimum grows by a factor of about $|1 - 3.5| = 2.5$
# per step, and the loss by about $2.5^2 \approx 6$.

# %% [markdown] slideshow={"slide_type": "skip"}
# How `line.curvatures()` finds them is in the next Optional section.

# %% [markdown]
# ## Optional: the calculus behind this lesson
#
# *Curvatures.* For a loss of several weights, the matrix of second derivatives is the
# **Hessian**; for the line fit it is $2X^\top X / n$ (here $X$ has a column of $x$ and a column
# of ones). Its eigenvalues are the bowl's curvatures along its axes, and its eigenvectors the
# axes themselves: that is what `line.curvatures()` computes.

# %% [markdown] slideshow={"slide_type": "skip"}
# *Steepest descent.* Write the gradient as $\nabla L = (\partial L/\partial w_1, \dots)$.
# For a small step $\Delta w$, the change in loss is approximately
# $\Delta L \approx \nabla L \cdot \Delta w = \lVert \nabla L \rVert \, \lVert \Delta w \rVert \cos\theta$,
# where $\theta$ is the angle between the step and the gradient. Among all steps of a given
# length, $\cos\theta = -1$ (stepping exactly against the gradient) lowers the loss most.
# That is the direction $-\nabla L$, and gradient descent takes it with length
# $\eta \lVert \nabla L \rVert$: long strides on steep ground, short ones near the bottom,
# where the gradient fades. Computing $\nabla L$ for all weights at once is the job of
# back-propagation, the subject of the coming lessons.

# %% [markdown]
# ## Summary
#
# - Searching $N$ weights costs $1000^N$ evaluations: a millisecond for 2, 11.6 days for 5,
#   longer than the age of the universe from 9 on (the curse of dimensionality).
# - Random search gets worse with every weight added; a gradient step uses the slopes of all
#   the weights at once.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - Gradient descent repeats $w \leftarrow w - \eta\, \mathrm{d}L/\mathrm{d}w$: feel the slope,
#   step downhill, repeat.
# - On a bowl of curvature $a$: $\eta < 1/a$ converges smoothly, $1/a < \eta < 2/a$ oscillates
#   but converges, $\eta > 2/a$ diverges; too small an $\eta$ crawls.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - `course_lib.train` stops a diverging run with a `DivergenceError` that suggests a smaller rate.

# %% [markdown]
# ## Check your understanding
#
# 1. A model has 6 weights, each allowed 1,000 values. At $10^9$ tries per second, roughly how
#    long does exhaustive search take?
#
# <details><summary>Answer</summary>
#
# $1000^6 / 10^9 = 10^9$ seconds, about 31.7 years.
#
# </details>
#
# 2. Why does adding one weight multiply, rather than add to, the search time?
#
# <details><summary>Answer</summary>
#
# Every value of the new weight must be tried together with every combination of the old
# ones, so the number of combinations is multiplied by 1,000.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. At $w = 4$ the derivative of the loss is $\mathrm{d}L/\mathrm{d}w = 6$. With $\eta = 0.05$,
#    where does one step of gradient descent go?
#
# <details><summary>Answer</summary>
#
# $w \leftarrow 4 - 0.05 \times 6 = 3.7$. The slope is positive (the loss rises to the right),
# so the step goes left.
#
# </details>
#
# 4. For $L(w) = 2(w - 3)^2$, which learning rates make gradient descent diverge?
#
# <details><summary>Answer</summary>
#
# $L(w) = \tfrac{a}{2}(w - 3)^2$ with $a = 4$, so descent diverges for $\eta > 2/a = 0.5$
# (and bounces forever at exactly 0.5).
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. Training prints a `DivergenceError` at epoch 3. What is the first thing to try?
#
# <details><summary>Answer</summary>
#
# Lower the learning rate, for example by a factor of 10, as the message suggests. The steps
# overshoot the valley by more each time.
#
# </details>

# %% [markdown]
# ## Exercise
#
# The graded exercise **`exercises/ex03_gradient_descent.ipynb`** has you run gradient
# descent on a curve and on a quadratic bowl, and predict, and then measure, whether a
# learning rate will work. Fill in the cells marked `# YOUR CODE HERE`, then restart the
# kernel and run all cells before you hand it in.
