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
# # 4. The chain rule and computational graphs
#
# Gradient descent (lesson 3) needs the derivative of the loss with respect to every weight.
# The chain rule turns a chain of simple functions into derivatives; a *computational graph*
# makes the chain visible: values flow forward, derivatives flow backward.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
#
# - estimate a derivative with a centred difference and a sensible step $h$;
# - run the chain rule backward through a graph: add where a value feeds several nodes,
#   visit in reverse topological order;
# - check a graph's gradients numerically, and give a vectorised gradient's shape;
# - say why one backward pass gives *all* the derivatives.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Prerequisites.** Lesson 3 (gradient descent). Derivatives of $x^2$, $\sin x$ and
# $\tanh x$ from school calculus help, but each one used is stated.
#
# **Estimated time.** 60 minutes.

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np

from course_lib import Value, numerical_gradient, relative_error, verdict
from course_lib.drawing import describe_graph, draw_graph, show_figure
from course_lib.lessons import figure_text
from course_lib.value import topological_order

# %% [markdown]
# ## Derivatives are rates of change
#
# The derivative $f'(x)$ says how fast $f$ changes when $x$ changes: nudge $x$ by a small
# $h$ and $f$ moves by about $f'(x)\,h$. It is the limit of the slope of a secant line,
#
# $$ f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h} . $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# For $f(x) = x^2$ at $x = 3$ the derivative is $2x = 6$. **Predict first:** the secant slopes
# for $h = 1, 0.1, 0.01, 0.001$.
#
# <details><summary>Answer</summary>
#
# $6 + h$: expand $(3 + h)^2 = 9 + 6h + h^2$. So 7, 6.1, 6.01, 6.001.
#
# </details>

# %% slideshow={"slide_type": "fragment"} tags=["worked:secant"]
def f(x):
    return x**2


for h in (1, 0.1, 0.01, 0.001):
    print(f"h = {h:<6} slope of the secant = {(f(3 + h) - f(3)) / h:.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The slopes close in on 6 as $h$ shrinks. The tangent line at $x = 3$ is the limit of the
# secants:

# %%
xs = np.linspace(0.5, 4.6, 200)
fig, ax = plt.subplots(figsize=(6, 2.1))
ax.plot(xs, f(xs), color="black", label="$f(x) = x^2$")
for h, shade in ((1, "0.75"), (0.5, "0.55")):
    slope = (f(3 + h) - f(3)) / h
    ax.plot(xs, f(3) + slope * (xs - 3), color=shade, ls="--",
            label=f"secant, h = {h}: slope {slope:g}")
ax.plot(xs, f(3) + 6 * (xs - 3), color="tab:red", label="tangent: slope 6")
ax.plot([3], [9], "o", color="tab:red")
ax.set(ylim=(-2, 22))   # x along the bottom, as in the legend's f(x)
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
show_figure(figure_text.secants(f))

# %% [markdown]
# ## Numerical derivatives: the centred difference
#
# The *centred* difference looks both ways,
#
# $$ f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}, $$
#
# and is far more accurate than the one-sided (forward) difference above: its error shrinks
# like $h^2$ instead of $h$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# `course_lib.numerical_gradient(f, x, h)` computes it for every entry of an array `x`. Try it
# on $\sin$ at $x = 1$, whose exact derivative is $\cos 1$:

# %%
def sine(x):
    return np.sin(x[0])


exact = math.cos(1.0)
eps = np.finfo(float).eps                    # 2.2e-16: the gap between 1 and the next float

# %% tags=["worked:centred"] slideshow={"slide_type": "subslide"}
print(f"exact derivative cos(1) = {exact:.12f}")
for h in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-12):
    error = abs(numerical_gradient(sine, np.array([1.0]), h=h)[0] - exact)
    # the two effects, as derived below
    truncation, round_off = h**2 / 6 * math.cos(1.0), eps / h
    if truncation > 100 * round_off:
        print(f"h = {h:.0e}   error {error:.1e}   (truncation h²/6·cos 1 = {truncation:.1e})")
    else:
        print(f"h = {h:.0e}   error < {10 * round_off:.0e}"
              f"   (round-off: about eps/h = {round_off:.0e})")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The error falls a hundredfold for every tenfold smaller $h$ (the $h^2$ law) until about
# $h = 10^{-5}$, and then *grows* again: round-off.

# %% [markdown] slideshow={"slide_type": "skip"}
# Round-off errors are noise: their digits differ from one processor to the next, so the table
# shows only their size.

# %% [markdown] slideshow={"slide_type": "skip"}
# A float carries about 16 significant digits, so $f(x+h)$ and $f(x-h)$ each have an error near
# $10^{-16}$, and dividing their difference by a tiny $2h$ magnifies it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# On a log-log plot the two effects make a V. Too large $h$: truncation error. Too small $h$:
# round-off.

# %%
hs = np.geomspace(1e-13, 1e-1, 61)
centred = [abs(numerical_gradient(sine, np.array([1.0]), h=h)[0] - exact) for h in hs]
forward = [abs((math.sin(1 + h) - math.sin(1)) / h - exact) for h in hs]
fig, ax = plt.subplots(figsize=(6, 2.4))
ax.loglog(hs, forward, ".-", label="forward difference: error ~ $h$")
ax.loglog(hs, centred, "s--", ms=3, label="centred difference: error ~ $h^2$")
ax.set(xlabel="step $h$", ylabel="|estimate − cos(1)|")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
ax.grid(alpha=0.3, which="major")
show_figure(figure_text.difference_errors(hs, forward, centred))

# %% [markdown] slideshow={"slide_type": "subslide"}
# In practice $h$ between $10^{-4}$ and $10^{-6}$ works well in double precision
# (`numerical_gradient` uses $10^{-5}$). Numerical derivatives are slow but need nothing except
# the function itself: the perfect *check* for derivatives computed any other way.

# %% [markdown] slideshow={"slide_type": "-"}
# ### Optional: where $h$ and $h^2$ come from

# %% [markdown] slideshow={"slide_type": "skip"}
#
# Taylor's theorem gives $f(x \pm h) = f(x) \pm h f'(x) + \tfrac{h^2}{2} f''(x) \pm \tfrac{h^3}{6}
# f'''(x) + \dots$. The forward difference is then $f'(x) + \tfrac{h}{2} f''(x) + \dots$: an error
# proportional to $h$. In the centred difference the $h^2$ terms cancel, leaving
# $f'(x) + \tfrac{h^2}{6} f'''(x) + \dots$. With round-off $\varepsilon \approx 10^{-16}$ per
# evaluation, the total error is about $\tfrac{h^2}{6}|f'''| + \varepsilon / h$, smallest near
# $h \approx \varepsilon^{1/3} \approx 5 \times 10^{-6}$, which matches the bottom of the V.

# %% [markdown]
# ## The chain rule
#
# A network is functions inside functions. If $q$ depends on $z$ and $z$ on $x$, a nudge to
# $x$ moves $z$ by $\tfrac{\mathrm{d}z}{\mathrm{d}x}$ times as much, and that moves $q$ by
# $\tfrac{\mathrm{d}q}{\mathrm{d}z}$ times *that*. Rates multiply:
#
# $$ \frac{\mathrm{d}q}{\mathrm{d}x} = \frac{\mathrm{d}q}{\mathrm{d}z} \cdot \frac{\mathrm{d}z}{\mathrm{d}x} . $$

# %% [markdown] slideshow={"slide_type": "fragment"}
# Example: $q = \sin(z)$ with $z = x^2$, so $\tfrac{\mathrm{d}q}{\mathrm{d}x} = \cos(x^2) \cdot 2x$.
# Check it at $x = 1.5$ against a centred difference:

# %% tags=["worked:chain-rule"]
x0 = 1.5
chain_rule = math.cos(x0**2) * 2 * x0  # dq/dz * dz/dx
numeric = numerical_gradient(lambda x: np.sin(x[0] ** 2), np.array([x0]))[0]
print(f"chain rule: cos(x^2) * 2x = {chain_rule:.8f}")
print(f"numerical:                  {numeric:.8f}")
print(verdict(relative_error(chain_rule, numeric)))

# %% [markdown]
# ## Computational graphs
#
# A computational graph draws a calculation as boxes (values) and circles (operations), with
# arrows from the values each operation reads. The smallest interesting example:
#
# $$ z = x + y, \qquad q = 2z . $$
#
# The course's `Value` type builds the graph as it computes: each `+`, `*`, `tanh`, ... makes a
# new `Value` that remembers its inputs.

# %% tags=["worked:graph-forward"] slideshow={"slide_type": "subslide"}
x, y = Value(1.5, label="x"), Value(2.5, label="y")
z = x + y
z.label = "z"
q = 2 * z
q.label = "q"
draw_graph(q, show_grad=False)  # each box shows its value: data
show_figure(describe_graph(q, show_grad=False) + " Data flows left to right.")

# %% [markdown]
# Data flows forward, left to right. The constant 2 became a box of its own: to the graph it
# is just another input.

# %% [markdown]
# ### Backward, edge by edge
#
# Now the derivatives flow right to left, starting at the output with
# $\tfrac{\mathrm{d}q}{\mathrm{d}q} = 1$. Each operation knows its *local* derivatives: for
# $q = 2z$, $\tfrac{\mathrm{d}q}{\mathrm{d}z} = 2$; for $z = x + y$,
# $\tfrac{\mathrm{d}z}{\mathrm{d}x} = \tfrac{\mathrm{d}z}{\mathrm{d}y} = 1$. Crossing an edge
# backward multiplies by the local derivative: that is the chain rule.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict first:** $\tfrac{\mathrm{d}q}{\mathrm{d}x}$.
#
# <details><summary>Answer</summary>
#
# $\tfrac{\mathrm{d}q}{\mathrm{d}z}\cdot\tfrac{\mathrm{d}z}{\mathrm{d}x} = 2 \cdot 1 = 2$, and the same for $y$.
#
# </details>

# %% slideshow={"slide_type": "subslide"} tags=["worked:graph-backward"]
print(f"local derivatives stored in the graph: q by its inputs (2, z): {q.local_grads}; "
      f"z by (x, y): {z.local_grads}")
dq_dq = 1.0
dq_dz = dq_dq * 2.0      # edge q <- z: local derivative dq/dz = 2
dq_dx = dq_dz * 1.0      # edge z <- x: local derivative dz/dx = 1
dq_dy = dq_dz * 1.0      # edge z <- y: local derivative dz/dy = 1
print(f"by hand:     dq/dz = {dq_dz}, dq/dx = dq/dz * dz/dx = {dq_dx}, dq/dy = {dq_dy}")
q.backward()
print(f"q.backward(): z.grad = {z.grad}, x.grad = {x.grad}, y.grad = {y.grad}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# `backward()` does exactly this, from the output back to the inputs. Every box now shows its
# `grad`, the derivative of $q$ by that value:

# %%
draw_graph(q)
show_figure(describe_graph(q) + " Every grad is dq by that value, found right to left.")

# %% [markdown]
# Read the result as rates: raising $x$ by 0.001 raises $q$ by 0.002. **Try it:** change
# `q = 2 * z` to `q = z * z` above and predict the new gradients before re-running.

# %% [markdown]
# ## When one value feeds two nodes
#
# In a network, a hidden value feeds *every* node of the next layer. Take
#
# $$ a = x\,y, \qquad b = 3a, \qquad f = a + b , $$
#
# where $a$ feeds both $b$ and $f$: the graph **fans out** at $a$. With $x = 2$, $y = 5$:

# %% tags=["worked:fan-out-forward"] slideshow={"slide_type": "subslide"}
x, y = Value(2.0, label="x"), Value(5.0, label="y")
a = x * y
a.label = "a"
b = 3 * a
b.label = "b"
f = a + b
f.label = "f"
draw_graph(f, show_grad=False)
show_figure(describe_graph(f, show_grad=False)
            + " The graph fans out at a, which feeds both b and f.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# A nudge to $a$ reaches $f$ along **two paths**: directly ($\partial f/\partial a = 1$) and
# through $b$ ($\partial f/\partial b \cdot \partial b/\partial a = 1 \cdot 3$). Both changes
# arrive at $f$, so their effects **add**:
#
# $$ \frac{\partial f}{\partial a} = 1 + 3 = 4, \qquad
#    \frac{\partial f}{\partial x} = \frac{\partial f}{\partial a}\cdot y = 20 . $$
#
# (Check: $f = 4xy$.) This is the **multivariable chain rule**: sum over the paths.

# %% [markdown] slideshow={"slide_type": "subslide"}
# A backward pass in a few lines: each node, in the order given, passes its gradient to its
# inputs.

# %%
def backward_pass(root, order, accumulate=True):
    """d root / d node for every node, visiting ``order`` (each node passes its grad to its
    inputs)."""
    grad = {root: 1.0}
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            contribution = grad.get(node, 0.0) * local
            grad[parent] = grad.get(parent, 0.0) + contribution if accumulate else contribution
    return grad


# %% [markdown] slideshow={"slide_type": "subslide"}
# Run it three ways: right, with `=` for `+=`, and visiting $a$ before $b$ is done.

# %% tags=["worked:fan-out-backward"]
right_order = list(reversed(topological_order(f)))
print("reverse topological order:", [node.label or f"{node.data:g}" for node in right_order])
wrong_order = [f, a, b] + [node for node in right_order if node not in (f, a, b)]
for name, order, accumulate in [("+= in reverse topological order", right_order, True),
                                ("=  in place of +=", right_order, False),
                                ("+= but a before b", wrong_order, True)]:
    grad = backward_pass(f, order, accumulate)
    print(f"{name:>32}: df/da = {grad[a]:g}, df/dx = {grad[x]:g}, df/dy = {grad[y]:g}")
f.backward()
print(f"{'f.backward()':>32}: df/da = {a.grad:g}, df/dx = {x.grad:g}, df/dy = {y.grad:g}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With `=`, the contribution through $b$ overwrites the direct one: $\partial f/\partial a = 3$,
# and $x$ gets 15 instead of 20. Visiting $a$ before $b$ is done sends $x$ and $y$ a gradient
# with only one of $a$'s two paths in it: 5 instead of 20.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why reverse topological order
#
# A node may pass its gradient on only when it is **complete**: every node that uses it has
# sent its contribution. A *topological order* lists every node after all of its inputs; read
# backwards, every user of a node comes before it. `topological_order` finds one by a
# depth-first search.

# %% [markdown] slideshow={"slide_type": "notes"}
# The `a + a` case (one node using the same value twice) is the one learners meet in the
# exercise: ask the room what `x.grad` is for `f = x + x` before showing anything.

# %% [markdown]
# ### What each gate does to the gradient
#
# Three local rules cover most of a network (names from Stanford's CS231n notes):
#
# - **add distributes**: both inputs get the incoming gradient unchanged;
# - **multiply swaps**: each input gets the incoming gradient times the *other* input;
# - **max routes**: the larger input gets it all, the other 0 (ReLU is $\max(0, z)$).

# %% tags=["worked:gates"]
for gate, build in [("add  x + y", lambda x, y: x + y), ("mul  x * y", lambda x, y: x * y),
                    ("max  relu(x - y) + y", lambda x, y: (x - y).relu() + y)]:
    x, y = Value(2.0), Value(-1.0)
    out = 1.5 * build(x, y)          # an incoming gradient of 1.5
    out.backward()
    print(f"{gate:<21} at x = 2, y = -1, incoming 1.5:"
          f" x.grad = {x.grad:+.1f}, y.grad = {y.grad:+.1f}")

# %% [markdown]
# ## A single neuron as a graph
#
# A neuron computes $a = \tanh(w_1 x_1 + w_2 x_2 + b)$. As a graph it is two products, two
# sums and a $\tanh$, whose local derivative is $1 - \tanh^2$. We build it from `Value`s, and
# draw it with compact boxes: name, data and grad, to 3 digits, as the dashed key says.

# %%
def neuron(w1, w2, b, x1=2.0, x2=-1.0):
    """The output a = tanh(w1 x1 + w2 x2 + b) as a Value; the weights are Values."""
    # labelled, so the graph names the inputs
    z = w1 * Value(x1, label="x1") + w2 * Value(x2, label="x2") + b
    z.label = "z"
    return z.tanh()


weights = [Value(-0.5, label="w1"), Value(0.8, label="w2"), Value(0.3, label="b")]
a = neuron(*weights)
a.label = "a"
a.backward()

# %% slideshow={"slide_type": "subslide"}
draw_graph(a, direction="right", compact=True)  # 3-digit numbers, named by the dashed key
show_figure(describe_graph(a)
            + " The grads of w1, w2 and b are what a step of training would use.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Is every gradient right? `numerical_gradient` nudges each weight in turn and re-runs the
# neuron on plain numbers. The course's rule for the entry-by-entry *relative* error: below
# $10^{-6}$ they agree; above $10^{-4}$ there is a bug.

# %% tags=["worked:neuron"]
analytic = np.array([w.grad for w in weights])
numeric = numerical_gradient(lambda p: neuron(*[Value(v) for v in p]).data,
                             np.array([-0.5, 0.8, 0.3]))
print(f"a = {a.data:.10f}")
print("backward  da/d(w1, w2, b) =",
      np.array2string(analytic, precision=10, floatmode="fixed"))
print("numerical da/d(w1, w2, b) =",
      np.array2string(numeric, precision=8, floatmode="fixed"))
error = relative_error(analytic, numeric)
print(verdict(error))
assert error < 1e-7, "backward and numerical gradients disagree"

# %% [markdown] slideshow={"slide_type": "fragment"}
# Note the pattern, which lesson 5 builds on: $\partial a / \partial w_1 = (1 - a^2)\, x_1$,
# the derivative of the activation times the input the weight multiplies.

# %% [markdown]
# ## A tiny network
#
# Two inputs, two $\tanh$ hidden units, one sigmoid output, and the squared error against a
# target: nine parameters in all, passed as one list.

# %% [markdown] slideshow={"slide_type": "skip"}
# The same function builds wider networks, which we will need at the end. The list holds the
# hidden weights row by row, the hidden biases, the output weights, the output bias.

# %%
def network_loss(params, hidden=2, x=(1.0, -2.0), target=1.0):
    """Squared error of a 2-hidden-1 network (tanh, then sigmoid) as a Value.

    params: 4 * hidden + 1 Values: W1 (hidden x 2, row by row), b1 (hidden), W2 (hidden), b2.
    """
    W1, b1 = params[:2 * hidden], params[2 * hidden:3 * hidden]
    W2, b2 = params[3 * hidden:4 * hidden], params[4 * hidden]
    # A fresh input Value for every product, as a plain number would get:
    # the graph stays a tree.
    h = [(W1[2 * j] * Value(x[0], label="x1") + W1[2 * j + 1] * Value(x[1], label="x2")
          + b1[j]).tanh()
         for j in range(hidden)]
    output = sum((w * h_j for w, h_j in zip(W2, h)), b2).sigmoid()
    for j, h_j in enumerate(h):
        h_j.label = f"h[{j}]"
    output.label = "output"
    return (output - Value(target, label="target")) ** 2


# %% slideshow={"slide_type": "subslide"}
names = ["W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "b1[0]", "b1[1]", "W2[0]", "W2[1]", "b2"]
start = np.array([0.5, -0.3, 0.8, 0.2, 0.1, -0.1, 1.2, -0.7, 0.05])
params = [Value(v, label=name) for v, name in zip(start, names)]
loss = network_loss(params)
loss.label = "loss"
loss.backward()

# %% slideshow={"slide_type": "skip"}
draw_graph(loss)  # too wide to run left to right at a readable size, so it runs top to bottom
show_figure(describe_graph(loss) + " The graph runs top to bottom.")

# %% [markdown]
# The graph has thirty-one boxes for nine parameters, drawn top to bottom so that the text
# stays readable. `x1` and `x2` appear once per hidden unit. Each parameter reaches the loss
# along one path, so its gradient is a single product of local derivatives.

# %% [markdown] slideshow={"slide_type": "notes"}
# The graph itself is left out of the deck: top to bottom it is too tall for a slide. Show it
# in the notebook, and point at one parameter's single path down to the loss.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The check, parameter by parameter, against `numerical_gradient`:

# %% tags=["worked:tiny-network"]
analytic = np.array([p.grad for p in params])
numeric = numerical_gradient(lambda p: network_loss([Value(v) for v in p]).data, start.copy())
print(f"loss = {loss.data:.10f}")
for name, g_back, g_num in zip(names, analytic, numeric):
    print(f"{name:>8}: backward {g_back:+.10f}   numerical {g_num:+.8f}")
error = relative_error(analytic, numeric)
print(verdict(error))
assert error < 1e-7, "backward and numerical gradients disagree"

# %% [markdown]
# ## From scalars to arrays: the shape rule
#
# Lesson 1 wrote a batch layer as $Z = AW^\top + \mathbf{b}$, with $A$ (samples, inputs)
# and $W$ (outputs, inputs). The gradient arriving from above, $\delta = \partial L/\partial Z$, is
# shaped like $Z$: (samples, outputs).

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The shape rule:** $\partial L/\partial W$ has $W$'s shape. Summing $\delta_{nj} A_{ni}$ over
# the samples gives the one product of $\delta$ and $A$ with that shape:
#
# $$ \frac{\partial L}{\partial W} = \delta^\top A, \qquad
#    \frac{\partial L}{\partial A} = \delta\, W, \qquad
#    \frac{\partial L}{\partial \mathbf{b}} = \textstyle\sum_{\text{samples}} \delta . $$

# %% [markdown] slideshow={"slide_type": "skip"}
# Why a sum over the samples: every sample is a path from $W_{ji}$ to the loss, and where paths
# meet, their contributions add.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Check all three against `numerical_gradient` on small random arrays:

# %% tags=["worked:shape-rule"]
rng = np.random.default_rng(4)
A = rng.normal(size=(3, 4))                # 3 samples, 4 inputs
W, bias = rng.normal(size=(2, 4)), rng.normal(size=2)
delta = rng.normal(size=(3, 2))            # stands in for dL/dZ arriving from above


def loss_of(W, A, bias):
    return np.sum((A @ W.T + bias) * delta)   # a loss whose dL/dZ is exactly delta


numeric_W = numerical_gradient(lambda W_: loss_of(W_, A, bias), W.copy())
numeric_A = numerical_gradient(lambda A_: loss_of(W, A_, bias), A.copy())
numeric_b = numerical_gradient(lambda b_: loss_of(W, A, b_), bias.copy())
checks = {"dL/dW = delta.T @ A": (delta.T @ A, numeric_W),
          "dL/dA = delta @ W": (delta @ W, numeric_A),
          "dL/db = delta.sum(axis=0)": (delta.sum(axis=0), numeric_b)}
for name, (rule, numeric) in checks.items():
    print(f"{name:<26} shape {str(rule.shape):<7} {verdict(relative_error(rule, numeric))}")

# %% [markdown]
# ## Why reverse mode: a million derivatives in one pass
#
# A million parameters need a million derivatives per training step. How much work?
#
# - **Numerically**: two forward passes per parameter, $2P$ in all (*forward mode* also
#   needs a pass per parameter).
# - **Reverse mode** (back-propagation): one forward and one backward pass, crossing every
#   edge once, give *all* $P$ derivatives.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Let us count, not time: wrap the loss so it counts its calls, then compute the gradient both
# ways for networks of growing width.

# %% [markdown] slideshow={"slide_type": "skip"}
# The *work* column counts elementary operations: each forward pass computes every node of the
# graph once, and the backward pass does one multiply-add per edge.

# %% [markdown] slideshow={"slide_type": "notes"}
# Ask first: how many loss evaluations does a centred-difference gradient of a
# one-million-parameter network need? Collect guesses, then run the cell and compare the columns.

# %%
def count_calls(function):
    """Wrap ``function`` so that ``wrapped.calls`` counts how often it ran."""
    def wrapped(*args):
        wrapped.calls += 1
        return function(*args)
    wrapped.calls = 0
    return wrapped


# %% tags=["worked:counting"] slideshow={"slide_type": "subslide"}
print(f"{'hidden':>6} {'P':>4} {'nodes':>5} | {'numerical: passes':>17} {'work':>6} | "
      f"{'reverse: passes':>15} {'work':>4} | check")
for hidden in (2, 8, 32):
    point = np.random.default_rng(hidden).normal(0, 0.5, 4 * hidden + 1)
    loss_of = count_calls(lambda p: network_loss([Value(v) for v in p], hidden).data)
    numeric = numerical_gradient(loss_of, point.copy())
    build = count_calls(network_loss)
    values = [Value(v) for v in point]
    loss = build(values, hidden)  # forward pass(es) ...
    loss.backward()               # ... and one backward pass
    nodes = topological_order(loss)
    edges = sum(len(node.parents) for node in nodes)  # backward does one multiply-add per edge
    error = relative_error([v.grad for v in values], numeric)
    print(f"{hidden:>6} {len(point):>4} {len(nodes):>5} | {loss_of.calls:>17}"
          f" {loss_of.calls * len(nodes):>6} | {f'{build.calls} + 1':>15}"
          f" {len(nodes) + edges:>4} | {verdict(error).split(':')[0]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The numerical method's work grows like $P \times$ (size of the graph), roughly $P^2$; reverse
# mode's like the size of the graph: a forward pass and a backward pass of similar cost. With a
# million parameters: two million forward passes against the cost of about two. So every
# deep-learning library back-propagates, and keeps numerical gradients for tests.

# %% [markdown]
# ### Optional: when forward mode wins

# %% [markdown] slideshow={"slide_type": "skip"}
#
# Reverse mode pays one backward pass *per output*; forward mode pays one pass *per input*.
# A loss is one number depending on many parameters, so reverse mode wins by a factor of
# about $P$. For a function with one input and many outputs (say, a simulation's whole state
# as a function of one time step) the roles swap and forward mode is cheaper. Reverse mode
# also has a price: it must keep every intermediate value of the forward pass until the
# backward pass has used it, which is why training needs much more memory than prediction.

# %% [markdown]
# ## Summary
#
# - The centred difference $\tfrac{f(x+h) - f(x-h)}{2h}$ estimates a derivative with error
#   $\sim h^2$, until round-off takes over below about $h = 10^{-5}$.
# - The chain rule multiplies rates: $\tfrac{\mathrm{d}q}{\mathrm{d}x} =
#   \tfrac{\mathrm{d}q}{\mathrm{d}z}\tfrac{\mathrm{d}z}{\mathrm{d}x}$.
# - `backward()` runs derivatives back through the graph, multiplying local derivatives. Where
#   a value feeds several nodes the contributions **add**; nodes go in reverse topological order.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Summary (continued)
#
# - Add distributes, multiply swaps, max routes. Vectorised: $\partial L/\partial W = \delta^\top A$
#   has $W$'s shape.
# - Numerical (and forward-mode) gradients cost a pass per parameter; reverse mode gets all
#   of them from one forward and one backward pass.

# %% [markdown]
# ## Check your understanding
#
# 1. For $f(x) = x^3$ at $x = 2$, what does the forward difference with $h = 0.1$ give, and
#    what is the exact derivative?
#
# <details><summary>Answer</summary>
#
# $(2.1^3 - 8)/0.1 = (9.261 - 8)/0.1 = 12.61$; the exact derivative is $3x^2 = 12$.
#
# </details>
#
# 2. Why does the centred-difference error grow again when $h$ becomes very small?
#
# <details><summary>Answer</summary>
#
# Round-off: $f(x+h)$ and $f(x-h)$ are nearly equal, so their difference keeps few correct
# digits, and dividing by the tiny $2h$ magnifies the error, roughly like $\varepsilon / h$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. In the graph $z = x + y$, $q = z \cdot z$ with $x = 1$, $y = 2$, what are
#    $\tfrac{\mathrm{d}q}{\mathrm{d}z}$ and $\tfrac{\mathrm{d}q}{\mathrm{d}x}$?
#
# <details><summary>Answer</summary>
#
# $z = 3$ and $\tfrac{\mathrm{d}q}{\mathrm{d}z} = 2z = 6$; since $\tfrac{\mathrm{d}z}{\mathrm{d}x} = 1$,
# $\tfrac{\mathrm{d}q}{\mathrm{d}x} = 6 \cdot 1 = 6$ (and the same for $y$).
#
# </details>
#
# 4. A neuron computes $a = \tanh(w x + b)$. Write $\partial a / \partial w$ with the chain rule.
#
# <details><summary>Answer</summary>
#
# With $z = wx + b$: $\tfrac{\partial a}{\partial w} = \tfrac{\mathrm{d}a}{\mathrm{d}z}
# \tfrac{\partial z}{\partial w} = (1 - \tanh^2 z)\, x = (1 - a^2)\, x$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 5. A model has 10,000 parameters. How many loss evaluations does a centred-difference
#    gradient need, and how many passes does back-propagation need?
#
# <details><summary>Answer</summary>
#
# $2 \times 10{,}000 = 20{,}000$ evaluations, against one forward and one backward pass.
#
# </details>

# %% [markdown]
# ## Exercise
#
# The graded exercise **`exercises/ex04_computational_graph.ipynb`** has you back-propagate
# by hand through a small graph and a sigmoid neuron, write a numerical check, and write the
# `backward()` of a tiny autodiff class yourself: the order and the `+=`. Fill in the cells marked `# YOUR CODE HERE`,
# then restart the kernel and run all cells before you hand it in.
