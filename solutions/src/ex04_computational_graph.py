# ---
# jupyter:
#   course_exercise:
#     id: ex04_computational_graph
#     title: "Exercise 4: the chain rule on a computational graph"
#     lesson: "04"
# ---

# %% [markdown]
# # Exercise 4: the chain rule on a computational graph (10 points)
#
# Lesson 4 drew expressions as graphs: values flow forward along the edges,
# derivatives flow back, and at every node the chain rule multiplies the
# derivative arriving from above by the node's own *local* derivative. Here you
# do that by hand, then write the backward pass of a tiny autodiff class yourself
# (the order of the visit and the adding up where a value is used twice), check it
# against numerical derivatives, and finally weigh what each method costs.
#
# **Objectives.** After this exercise you can
#
# - apply the chain rule node by node on a graph, by hand;
# - write the backward pass of a small autodiff class: the order of the visit, and adding up
#   where a value is used twice;
# - check back-propagation against centred differences by the course's rule;
# - say what each way of computing a gradient costs.
#
# **Expected time:** about 55 minutes.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `local_derivatives` and `chain_rule_gradients` for $f = (xy + z)\,w$ | 2 |
# | 2 | `neuron_gradients`: back through a sigmoid neuron | 1 |
# | 3 | `topological_order` and `backward`: the backward pass of the `Scalar` class | 3 |
# | 4 | `numerical_partials`: check the graph against numerical derivatives | 2 |
# | 5 | `loss_evaluations`: the cost of a gradient, predicted | 2 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. The grader runs more checks than
# you see here, on inputs it picks at random, so make your functions work for any
# valid input. Before you submit, use **Kernel > Restart Kernel and Run All
# Cells** to make sure the notebook runs from top to bottom.
#
# **What you may use.** Python, `math` and numpy, and your own functions from
# earlier parts.
#
# {{ not allowed while graded }}
#
# The setup cell imports only the self-check helpers.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import math

import numpy as np

from course_lib.exercises import check_close, check_true
from course_lib.exercises.checks import checked_call

# %% [markdown]
# ## Part 1: by hand through $f = (xy + z)\,w$ (2 points)
#
# Name the intermediate nodes: $p = x\,y$, then $q = p + z$, then $f = q\,w$.
#
# ```
#  x ─┐
#     (×)── p ─┐
#  y ─┘        (+)── q ─┐
#         z ───┘        (×)── f
#                  w ───┘
# ```
#
# 1. `local_derivatives(x, y, z, w)` returns a dict of the six **local**
#    derivatives, each node's output differentiated by one of its own inputs, with
#    these keys: `"df/dq"`, `"df/dw"`, `"dq/dp"`, `"dq/dz"`, `"dp/dx"`, `"dp/dy"`.
#    (A dict may hold keys of your own as well: only the keys asked for are checked,
#    in every part.)
# 2. `chain_rule_gradients(x, y, z, w)` returns a dict of the derivative of $f$
#    with respect to **every** node, keys `"q"`, `"w"`, `"p"`, `"z"`, `"x"`,
#    `"y"` (so `grads["x"]` is $\partial f/\partial x$). Work backwards from $f$:
#    each one is the derivative of the node above times a local derivative, e.g.
#    $\frac{\partial f}{\partial p} = \frac{\partial f}{\partial q}\cdot\frac{\partial q}{\partial p}$.
#    Build them from your `local_derivatives`.
#
# Example: at $x = 2, y = -3, z = 4, w = 0.5$ the forward pass gives
# $p = -6$, $q = -2$, $f = -1$, and $\partial f/\partial x = w \cdot 1 \cdot y = -1.5$.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "by_hand", "schema_version": 3}
def local_derivatives(x, y, z, w):
    """The six local derivatives of f = (x*y + z) * w, with p = x*y and q = p + z.

    x, y, z, w: floats. Returns a dict of floats with keys
    "df/dq", "df/dw", "dq/dp", "dq/dz", "dp/dx", "dp/dy".
    """
    ### BEGIN SOLUTION
    p = x * y
    q = p + z
    return {"df/dq": w, "df/dw": q, "dq/dp": 1.0, "dq/dz": 1.0, "dp/dx": y, "dp/dy": x}
    ### END SOLUTION


def chain_rule_gradients(x, y, z, w):
    """df/d(node) for every node of f = (x*y + z) * w.

    x, y, z, w: floats. Returns a dict of floats with keys "q", "w", "p", "z", "x", "y".
    """
    ### BEGIN SOLUTION
    local = local_derivatives(x, y, z, w)
    grads = {"q": local["df/dq"], "w": local["df/dw"]}
    grads["p"] = grads["q"] * local["dq/dp"]
    grads["z"] = grads["q"] * local["dq/dz"]
    grads["x"] = grads["p"] * local["dp/dx"]
    grads["y"] = grads["p"] * local["dp/dy"]
    return grads
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "by_hand_tests", "points": 2, "schema_version": 3}
_LOCAL_HINT = "the local derivative of a product by one factor is the OTHER factor; of a sum by a term, 1"
_CHAIN_HINT = "multiply the derivative arriving from above by the local derivative, e.g. df/dx = df/dp * dp/dx"
check_close("local_derivatives(2, -3, 4, 0.5)",
            checked_call("local_derivatives(2, -3, 4, 0.5)", local_derivatives, 2.0, -3.0, 4.0, 0.5, hint=_LOCAL_HINT),
            {"df/dq": 0.5, "df/dw": -2.0, "dq/dp": 1.0, "dq/dz": 1.0, "dp/dx": -3.0, "dp/dy": 2.0}, hint=_LOCAL_HINT)
check_close("chain_rule_gradients(2, -3, 4, 0.5)",
            checked_call("chain_rule_gradients(2, -3, 4, 0.5)", chain_rule_gradients, 2.0, -3.0, 4.0, 0.5,
                         hint=_CHAIN_HINT),
            {"q": 0.5, "w": -2.0, "p": 0.5, "z": 0.5, "x": -1.5, "y": 1.0}, hint=_CHAIN_HINT)
### BEGIN HIDDEN TESTS
for _x, _y, _z, _w in np.random.default_rng(404).normal(size=(3, 4)):
    _q = _x * _y + _z
    check_close("local_derivatives at random inputs", local_derivatives(_x, _y, _z, _w),
                {"df/dq": _w, "df/dw": _q, "dq/dp": 1.0, "dq/dz": 1.0, "dp/dx": _y, "dp/dy": _x}, hint=_LOCAL_HINT)
    check_close("chain_rule_gradients at random inputs", chain_rule_gradients(_x, _y, _z, _w),
                {"q": _w, "w": _q, "p": _w, "z": _w, "x": _w * _y, "y": _w * _x}, hint=_CHAIN_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: back through a sigmoid neuron (1 point)
#
# A neuron with two inputs computes $z = w_1 x_1 + w_2 x_2 + b$ and then
# $a = \sigma(z) = 1/(1 + e^{-z})$. The sigmoid's local derivative is
# $\frac{da}{dz} = a\,(1 - a)$, and $z$ is a sum of products, so the chain rule
# gives, for instance, $\frac{\partial a}{\partial w_1} = \frac{da}{dz}\cdot x_1$.
#
# Write `neuron_gradients(x1, x2, w1, w2, b)` returning a dict with keys
# `"z"`, `"a"` (the forward values), `"da/dz"`, and the derivatives of $a$ with
# respect to every input of the graph: `"da/dw1"`, `"da/dw2"`, `"da/db"`,
# `"da/dx1"`, `"da/dx2"`. Use `math.exp` (or `np.exp`) for the sigmoid.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "neuron", "schema_version": 3}
def neuron_gradients(x1, x2, w1, w2, b):
    """Forward and backward through a = sigmoid(w1*x1 + w2*x2 + b).

    All arguments are floats. Returns a dict of floats with keys
    "z", "a", "da/dz", "da/dw1", "da/dw2", "da/db", "da/dx1", "da/dx2".
    """
    ### BEGIN SOLUTION
    z = w1 * x1 + w2 * x2 + b
    a = 1.0 / (1.0 + math.exp(-z))
    da_dz = a * (1.0 - a)
    return {"z": z, "a": a, "da/dz": da_dz, "da/dw1": da_dz * x1, "da/dw2": da_dz * x2,
            "da/db": da_dz, "da/dx1": da_dz * w1, "da/dx2": da_dz * w2}
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "neuron_tests", "points": 1, "schema_version": 3}
# At z = 0 the sigmoid is 1/2 and its slope 1/4: easy to check by hand.
_NEURON_HINT = "da/dw1 = da/dz * x1 and da/dx1 = da/dz * w1: the other factor of the product"
check_close("neuron_gradients(x1=2, x2=-1, w1=0.5, w2=1, b=0)",
            checked_call("neuron_gradients(2, -1, 0.5, 1, 0)", neuron_gradients, 2.0, -1.0, 0.5, 1.0, 0.0,
                         hint=_NEURON_HINT),
            {"z": 0.0, "a": 0.5, "da/dz": 0.25, "da/dw1": 0.5, "da/dw2": -0.25, "da/db": 0.25,
             "da/dx1": 0.125, "da/dx2": 0.25}, hint=_NEURON_HINT)
_grads = neuron_gradients(1.0, 3.0, -0.4, 0.2, 0.1)
check_close("neuron_gradients(1, 3, -0.4, 0.2, 0.1)['a']", _grads["a"], 0.574442516811659,
            hint="z = -0.4 * 1 + 0.2 * 3 + 0.1 = 0.3, then a = 1 / (1 + exp(-0.3))")
check_close("neuron_gradients(1, 3, -0.4, 0.2, 0.1)['da/dw2']", _grads["da/dw2"], 0.7333749350722376,
            hint="a (1 - a) times x2 = 3")
### BEGIN HIDDEN TESTS
for _x1, _x2, _w1, _w2, _b in np.random.default_rng(414).normal(size=(3, 5)):
    _z = _w1 * _x1 + _w2 * _x2 + _b
    _a = 1 / (1 + np.exp(-_z))
    _s = _a * (1 - _a)
    check_close("neuron_gradients at random inputs", neuron_gradients(_x1, _x2, _w1, _w2, _b),
                {"z": _z, "a": _a, "da/dz": _s, "da/dw1": _s * _x1, "da/dw2": _s * _x2, "da/db": _s,
                 "da/dx1": _s * _w1, "da/dx2": _s * _w2}, hint=_NEURON_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: write the backward pass yourself (3 points)
#
# The class `Scalar` below (run its cell; you need not change it) records every
# operation as a node of a graph, like `course_lib.Value`: each node keeps its
# `parents` (the Scalars it was computed from) and `local_grads`, where
# `local_grads[i]` is the derivative of the node by `parents[i]`. Its method
# `backward()` calls **your** function `backward(root)`. Write:
#
# 1. `topological_order(root)`: a list of every Scalar that `root` depends on, and
#    `root` itself, **each exactly once**, every node **after all of its parents**
#    (so `root` comes last). A depth-first search does it: visit a node's parents
#    first, then append the node; remember which nodes you have seen.
# 2. `backward(root)`: set `node.grad` to $\partial\,\text{root}/\partial\,\text{node}$
#    for every node of the graph. Start every grad at 0 (so a second call gives the
#    same answer), set `root.grad = 1`, then visit the nodes in **reverse**
#    topological order; each node passes `node.grad * local_grads[i]` to `parents[i]`,
#    which **adds** it to its `grad`.
#
# Lesson 4 showed why both matter: a value used twice (`a + a`, or $a$ in
# $f = a + 3a$) must collect a contribution from each use, and a node may pass its
# gradient on only once every node that uses it has passed theirs.

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "scalar_class", "schema_version": 3}
class Scalar:
    """A number in a computational graph: ``data``, ``grad``, ``parents`` and ``local_grads``.

    ``local_grads[i]`` is d(this)/d(parents[i]). Supports ``+``, ``*`` (with Scalars
    or numbers on either side), ``** number`` and ``.tanh()``.
    """

    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.grad = float(data), 0.0
        self.parents, self.local_grads = tuple(parents), tuple(local_grads)

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data * other.data, (self, other), (other.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(self, k):
        return Scalar(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return Scalar(t, (self,), (1.0 - t * t,))

    def backward(self):
        """Set every node's grad to d(this)/d(node), by your backward()."""
        backward(self)


# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "backward", "schema_version": 3}
def topological_order(root):
    """Every Scalar root depends on, and root, each once, every node after all of its parents.

    root: a Scalar. Returns a list of Scalars whose last entry is root.
    """
    ### BEGIN SOLUTION
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)  # after all of its parents

    visit(root)
    return order
    ### END SOLUTION


def backward(root):
    """Set node.grad = d root / d node for every node of root's graph. root: a Scalar. Returns None."""
    ### BEGIN SOLUTION
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):  # every user of a node comes before the node itself
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "backward_tests", "points": 3, "schema_version": 3}
_a = Scalar(3.0)
_f = _a + _a
_order = checked_call("topological_order(a + a)", topological_order, _f,
                      hint="visit a node's parents first, then append the node; skip nodes already seen")
check_close("len(topological_order(a + a))", len(_order), 2, hint="each node once: a appears as a parent twice")
check_true("topological_order(a + a) ends with the root", len(_order) > 0 and _order[-1] is _f,
           "the last entry is not the root", got=[getattr(_node, "data", _node) for _node in _order],
           expected="[3.0, 6.0]: a, then the root a + a (the data of each node)",
           hint="append a node after all of its parents: the root depends on everything, so it comes last")
checked_call("f.backward() for f = a + a", _f.backward,
             hint="walk the order backwards from the root, whose grad is 1; each node passes grad * local_grad "
                  "to each parent")
check_close("a.grad for f = a + a", _a.grad, 2.0, hint="a feeds f twice: two contributions of 1, ADDED (+=)")
_x, _y = Scalar(2.0), Scalar(5.0)
_p = _x * _y
_q = 3 * _p
_f = _p + _q                      # lesson 4's fan-out: p feeds q and f
_order = topological_order(_f)
check_true("topological_order: every node after all of its parents",
           all(_parent in _order and _order.index(_parent) < _order.index(_node)
               for _node in _order for _parent in _node.parents),
           "some node comes before one of its parents, or a parent is missing",
           got=[getattr(_node, "data", _node) for _node in _order],
           expected="each node's data after its parents': x 2.0 and y 5.0 before p 10.0; p and the constant 3.0 "
                    "before q 30.0; f 40.0 last",
           hint="append a node only after visiting all its parents")
_f.backward()
check_close("p.grad, x.grad, y.grad for p = x y, q = 3 p, f = p + q at x = 2, y = 5",
            [_p.grad, _x.grad, _y.grad], [4.0, 20.0, 8.0],
            hint="f = 4 x y; p must collect both paths (1 + 3) before it passes its grad on")
_f.backward()
check_close("the same grads after calling backward() a second time", [_p.grad, _x.grad, _y.grad], [4.0, 20.0, 8.0],
            hint="start every node's grad at 0 before the pass")
_x, _y = Scalar(2.0), Scalar(-1.0)
(_x * _y + _x ** 3).backward()
check_close("x.grad, y.grad for g = x y + x^3 at x = 2, y = -1", [_x.grad, _y.grad], [11.0, 2.0],
            hint="dg/dx = y + 3x^2: both uses of x contribute")
### BEGIN HIDDEN TESTS
for _x0, _y0, _z0 in np.random.default_rng(424).uniform(-1.5, 1.5, size=(3, 3)):
    _x, _y, _z = Scalar(_x0), Scalar(_y0), Scalar(_z0)
    _h = (_x * _y + _z ** 2).tanh()
    _out = _h * _h + _h * _x       # h used three times, x twice
    _out.backward()
    _t = np.tanh(_x0 * _y0 + _z0 ** 2)
    _dh = 2 * _t + _x0
    _dinner = _dh * (1 - _t ** 2)
    check_close("grads of h h + h x with h = tanh(x y + z^2)", [_x.grad, _y.grad, _z.grad],
                [_dinner * _y0 + _t, _dinner * _x0, _dinner * 2 * _z0],
                hint="h is used three times and x twice: every use adds its contribution (+=)")
_chain = _start = Scalar(0.3)
for _ in range(300):
    _chain = _chain * 1.01 + _start     # _start used 301 times, along a 300-step chain
_chain.backward()
check_close("d/dstart of a 300-step chain that reuses start", _start.grad,
            sum(1.01 ** _k for _k in range(301)), rtol=1e-9,
            hint="one topological order, visited once: a node's grad is complete before it passes it on")
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4: check the graph against numerical derivatives (2 points)
#
# The backward pass is only trusted once it agrees with a derivative computed a
# completely different way. Write `numerical_partials(f, values, h)`: `f` takes
# several numbers as separate arguments, `f(*values)`, and returns one number;
# return the array of its centred-difference partial derivatives,
#
# $$\frac{\partial f}{\partial v_i} \approx \frac{f(\dots, v_i + h, \dots) - f(\dots, v_i - h, \dots)}{2h},$$
#
# nudging one argument at a time and keeping the others as given. Shape: `(len(values),)`.
#
# The test cell then runs the `Scalar` graph of
# $g(x, y, z) = \tanh(x y + z^2)\cdot x$ backwards, with your `backward`, and
# compares its gradients $a_i$ with your numerical ones $n_i$ (with $h = 10^{-5}$) by
# the course's rule: the **relative error of each entry**,
# $|a_i - n_i| \,/\, (|a_i| + |n_i|)$, below $10^{-6}$ means they agree, above
# $10^{-4}$ means a bug. Each entry on its own scale, because dividing every
# difference by the largest entry instead hides a wrong small one: $[1, 10^{-8}]$
# against $[1, -10^{-8}]$ scores $10^{-8}$ that way, and 1 entry by entry.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "numerical", "schema_version": 3}
def numerical_partials(f, values, h=1e-6):
    """Centred-difference partial derivatives of f at values.

    f: a function of len(values) numbers returning a number; values: a list of
    floats; h: a small positive float. Returns a float array of shape (len(values),).
    """
    ### BEGIN SOLUTION
    partials = np.empty(len(values))
    for i in range(len(values)):
        up, down = list(values), list(values)
        up[i] += h
        down[i] -= h
        partials[i] = (f(*up) - f(*down)) / (2 * h)
    return partials
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "numerical_tests", "points": 2, "schema_version": 3}
_NUDGE_HINT = "nudge ONE argument at a time by +h and -h, divide by 2h"
check_close("numerical_partials(x * y, at [3, 5])",
            checked_call("numerical_partials(x * y, at [3, 5])", numerical_partials, lambda x, y: x * y, [3.0, 5.0],
                         hint=_NUDGE_HINT),
            np.array([5.0, 3.0]), rtol=1e-7, hint=_NUDGE_HINT)
check_close("numerical_partials(x ** 2 + y, at [1, 0], h=0.1)",
            numerical_partials(lambda x, y: x ** 2 + y, [1.0, 0.0], h=0.1), np.array([2.0, 1.0]), rtol=1e-9,
            hint="a one-sided difference gives 2.1 for the first entry; use the centred one")


def _g(x, y, z):
    return (x * y + z ** 2).tanh() * x


_inputs = [Scalar(v) for v in (0.7, -0.4, 0.5)]
_g(*_inputs).backward()
_backprop = np.array([v.grad for v in _inputs])
_numeric = numerical_partials(lambda x, y, z: _g(Scalar(x), Scalar(y), Scalar(z)).data, [0.7, -0.4, 0.5], h=1e-5)
check_close("the Scalar graph's gradients of tanh(x y + z^2) x against numerical_partials", _backprop, _numeric,
            rtol=1e-6, hint="if only these disagree, look again at your Part 3 backward")
_errors = np.abs(_backprop - _numeric) / np.maximum(np.abs(_backprop) + np.abs(_numeric), np.finfo(float).tiny)
check_true("relative error of every entry of back-propagation against numerical_partials below 1e-6",
           bool(np.max(_errors) < 1e-6), f"the largest relative error, entry by entry, is {np.max(_errors):.1e}",
           hint="if only this disagrees, look again at your Part 3 backward")
### BEGIN HIDDEN TESTS
_f3 = lambda a, b, c: np.sin(a) * b ** 2 + np.exp(c) * a
for _v in np.random.default_rng(434).normal(size=(3, 3)):
    _a, _b, _c = _v
    check_close("numerical_partials at random points", numerical_partials(_f3, list(_v)),
                np.array([np.cos(_a) * _b ** 2 + np.exp(_c), 2 * np.sin(_a) * _b, np.exp(_c) * _a]), rtol=1e-6,
                hint=_NUDGE_HINT)
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Build your own expression from `Scalar`s, call `backward()`, and compare the
# `grad` of each input with `numerical_partials`. What happens to `x.grad` if you
# use `x` three times?

# %% tags=["worked:scalar-graph"]
x, y = Scalar(1.5), Scalar(0.5)
out = (x * y).tanh() + x ** 2
out.backward()
print(f"out = {out.data:.6f}, d out/dx = {x.grad:.6f}, d out/dy = {y.grad:.6f}")

# %% [markdown]
# ## Part 5: what does a gradient cost? Predict (2 points)
#
# A loss depends on $P$ parameters, and you want all $P$ partial derivatives at one point.
# Count the work in **evaluations of the loss** (forward passes); a backward pass is not
# one. Write `loss_evaluations(n_parameters, method)` returning that count, an int, for
#
# - `"centred"`: centred differences, like your `numerical_partials`;
# - `"one-sided"`: one-sided differences, $\bigl(f(\dots, v_i + h, \dots) - f(v)\bigr)/h$ for every $i$;
# - `"reverse"`: back-propagation, like your `backward`.
#
# The test cell checks only the form of your answer; the grader checks the values, for
# numbers of parameters it picks.

# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "cost", "schema_version": 3}
def loss_evaluations(n_parameters, method):
    """How many times the loss is evaluated to get all n_parameters partial derivatives at one point.

    n_parameters: an int >= 1; method: "centred", "one-sided" or "reverse". Returns an int.
    """
    ### BEGIN SOLUTION
    if method == "centred":
        return 2 * n_parameters        # f(v + h e_i) and f(v - h e_i) for every i
    if method == "one-sided":
        return n_parameters + 1        # f(v + h e_i) for every i, and f(v) once
    return 1                           # one forward pass; the backward pass gives every derivative
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "cost_tests", "points": 2, "schema_version": 3}
for _method in ("centred", "one-sided", "reverse"):
    _count = checked_call(f"loss_evaluations(1000, {_method!r})", loss_evaluations, 1000, _method,
                          hint="count the calls of the loss each method makes; method is one of three strings")
    check_true(f"loss_evaluations(1000, {_method!r}) is a whole number",
               isinstance(_count, (int, float, np.number)) and np.isfinite(_count) and float(_count) == int(_count) >= 1,
               "a count of evaluations is a positive whole number", got=_count, expected="a positive int",
               hint="a count of forward passes: a positive int")
### BEGIN HIDDEN TESTS
check_close("loss_evaluations(1000, 'centred')", loss_evaluations(1000, "centred"), 2000,
            hint="every parameter is nudged up and down: two evaluations each")
check_close("loss_evaluations(1000, 'one-sided')", loss_evaluations(1000, "one-sided"), 1001,
            hint="one nudged evaluation per parameter, and f(v) itself once, shared by all")
check_close("loss_evaluations(1000, 'reverse')", loss_evaluations(1000, "reverse"), 1,
            hint="one forward pass keeps every value; one backward pass then gives all the derivatives")
check_close("loss_evaluations(7, ...) for the three methods",
            [loss_evaluations(7, "centred"), loss_evaluations(7, "one-sided"), loss_evaluations(7, "reverse")],
            [14, 8, 1], hint="2n, n + 1 and 1 evaluations: only reverse mode does not grow with n")
### END HIDDEN TESTS
