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
# Lesson 04 drew expressions as graphs: values flow forward along the edges,
# derivatives flow back, and at every node the chain rule multiplies the
# derivative arriving from above by the node's own *local* derivative. Here you
# do that by hand, then teach a tiny autodiff class three of its rules, and
# finally check it against numerical derivatives.
#
# | part | what you write | points |
# | --- | --- | --- |
# | 1 | `local_derivatives` and `chain_rule_gradients` for $f = (xy + z)\,w$ | 3 |
# | 2 | `neuron_gradients`: back through a sigmoid neuron | 2 |
# | 3 | `mul_backward`, `pow_backward`, `tanh_backward`: rules of the `Scalar` class | 3 |
# | 4 | `numerical_partials`: check the graph against numerical derivatives | 2 |
#
# **How to work.** Fill in each cell marked `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the test cell below it. A test
# cell prints `passed: ...` for every check that holds; a failing check says what
# it expected, what came back and gives a hint. The grader runs more checks than
# you see here, on inputs it picks at random, so make your functions work for any
# valid input. Before you submit, use **Kernel > Restart Kernel and Run All
# Cells** to make sure the notebook runs from top to bottom.
#
# Work the derivatives out yourself: do not use `course_lib.Value` or
# `course_lib.numerical_gradient`, which do this for you. (The grader cannot
# tell how you computed an answer; the point is that you can.)

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "setup", "schema_version": 3}
import math

import numpy as np

from course_lib.exercises import check_close, check_true

# %% [markdown]
# ## Part 1: by hand through $f = (xy + z)\,w$ (3 points)
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
#    exactly these keys: `"df/dq"`, `"df/dw"`, `"dq/dp"`, `"dq/dz"`, `"dp/dx"`,
#    `"dp/dy"`.
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "by_hand_tests", "points": 3, "schema_version": 3}
check_close("local_derivatives(2, -3, 4, 0.5)", local_derivatives(2.0, -3.0, 4.0, 0.5),
            {"df/dq": 0.5, "df/dw": -2.0, "dq/dp": 1.0, "dq/dz": 1.0, "dp/dx": -3.0, "dp/dy": 2.0},
            hint="the local derivative of a product by one factor is the OTHER factor; of a sum by a term, 1")
check_close("chain_rule_gradients(2, -3, 4, 0.5)", chain_rule_gradients(2.0, -3.0, 4.0, 0.5),
            {"q": 0.5, "w": -2.0, "p": 0.5, "z": 0.5, "x": -1.5, "y": 1.0},
            hint="multiply the derivative arriving from above by the local derivative, e.g. df/dx = df/dp * dp/dx")
### BEGIN HIDDEN TESTS
for _x, _y, _z, _w in np.random.default_rng(404).normal(size=(3, 4)):
    _q = _x * _y + _z
    check_close("local_derivatives at random inputs", local_derivatives(_x, _y, _z, _w),
                {"df/dq": _w, "df/dw": _q, "dq/dp": 1.0, "dq/dz": 1.0, "dp/dx": _y, "dp/dy": _x})
    check_close("chain_rule_gradients at random inputs", chain_rule_gradients(_x, _y, _z, _w),
                {"q": _w, "w": _q, "p": _w, "z": _w, "x": _w * _y, "y": _w * _x})
### END HIDDEN TESTS

# %% [markdown]
# ## Part 2: back through a sigmoid neuron (2 points)
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


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "neuron_tests", "points": 2, "schema_version": 3}
# At z = 0 the sigmoid is 1/2 and its slope 1/4: easy to check by hand.
check_close("neuron_gradients(x1=2, x2=-1, w1=0.5, w2=1, b=0)", neuron_gradients(2.0, -1.0, 0.5, 1.0, 0.0),
            {"z": 0.0, "a": 0.5, "da/dz": 0.25, "da/dw1": 0.5, "da/dw2": -0.25, "da/db": 0.25,
             "da/dx1": 0.125, "da/dx2": 0.25},
            hint="da/dw1 = da/dz * x1 and da/dx1 = da/dz * w1: the other factor of the product")
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
                 "da/dx1": _s * _w1, "da/dx2": _s * _w2})
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3: teach a tiny autodiff class its rules (3 points)
#
# The class `Scalar` below (run its cell, you need not change it) records every
# operation as a node of a graph, like `course_lib.Value`. Its `backward()` visits
# the nodes from the output back to the inputs, and at each node asks the
# operation's **backward rule**: *given the gradient `grad_out` of the final
# output with respect to this node, what does each input of the operation
# receive?* The answer is `grad_out` times that input's local derivative, and
# `backward()` adds it to the input's `grad` (adding, because a value used twice
# gets a contribution from each use).
#
# The rule for `+` is written for you: `a + b` passes `grad_out` unchanged to
# both inputs. Write the three others; each takes plain floats (the inputs' data)
# and returns plain floats:
#
# - `mul_backward(a, b, grad_out)` for `a * b`: returns the pair `(grad_a, grad_b)`;
# - `pow_backward(a, k, grad_out)` for `a ** k` with a constant number `k`: returns `grad_a`;
# - `tanh_backward(a, grad_out)` for `tanh(a)`: returns `grad_a`
#   (the derivative of $\tanh$ is $1 - \tanh^2$).

# %% nbgrader={"grade": false, "solution": false, "locked": true, "grade_id": "scalar_class", "schema_version": 3}
class Scalar:
    """A number in a computational graph: ``data``, ``grad`` = d(output)/d(this), and its parents.

    ``rule(grad_out)`` returns one gradient contribution per parent (a tuple).
    Supports ``+``, ``*`` (with Scalars or numbers), ``** number`` and ``.tanh()``.
    """

    def __init__(self, data, parents=(), rule=None):
        self.data, self.grad, self.parents, self.rule = float(data), 0.0, parents, rule

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data + other.data, (self, other), lambda g: (g, g))

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.data * other.data, (self, other), lambda g: mul_backward(self.data, other.data, g))

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(self, k):
        return Scalar(self.data ** k, (self,), lambda g: (pow_backward(self.data, k, g),))

    def tanh(self):
        return Scalar(math.tanh(self.data), (self,), lambda g: (tanh_backward(self.data, g),))

    def backward(self):
        """Set every grad below this node to d(this)/d(node)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # depth-first: each node after everything it was computed from
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack += [(node, True)] + [(parent, False) for parent in node.parents]
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # from the output back towards the inputs
            if node.rule is not None:
                for parent, contribution in zip(node.parents, node.rule(node.grad)):
                    parent.grad += contribution


# %% nbgrader={"grade": false, "solution": true, "locked": false, "grade_id": "rules", "schema_version": 3}
def mul_backward(a, b, grad_out):
    """Backward rule of out = a * b. a, b, grad_out: floats -> (grad_a, grad_b), two floats."""
    ### BEGIN SOLUTION
    return b * grad_out, a * grad_out
    ### END SOLUTION


def pow_backward(a, k, grad_out):
    """Backward rule of out = a ** k for a constant k. a, k, grad_out: floats -> grad_a, a float."""
    ### BEGIN SOLUTION
    return k * a ** (k - 1) * grad_out
    ### END SOLUTION


def tanh_backward(a, grad_out):
    """Backward rule of out = tanh(a). a, grad_out: floats -> grad_a, a float."""
    ### BEGIN SOLUTION
    t = math.tanh(a)
    return (1.0 - t * t) * grad_out
    ### END SOLUTION


# %% nbgrader={"grade": true, "solution": false, "locked": true, "grade_id": "rules_tests", "points": 3, "schema_version": 3}
check_close("mul_backward(2, -3, grad_out=1.5)", mul_backward(2.0, -3.0, 1.5), (-4.5, 3.0),
            hint="each input receives grad_out times the OTHER input")
check_close("pow_backward(3, 2, grad_out=1)", pow_backward(3.0, 2, 1.0), 6.0, hint="d(a^k)/da = k a^(k-1)")
check_close("pow_backward(2, -1, grad_out=0.5)", pow_backward(2.0, -1, 0.5), -0.125,
            hint="d(1/a)/da = -1/a^2; do not forget to multiply by grad_out")
check_close("tanh_backward(0, grad_out=2)", tanh_backward(0.0, 2.0), 2.0, hint="tanh has slope 1 at 0")
# The rules at work: g = (x y + x^3) with x used twice, so x collects two contributions.
_x, _y = Scalar(2.0), Scalar(-1.0)
(_x * _y + _x ** 3).backward()
check_close("x.grad for g = x*y + x**3 at x = 2, y = -1", _x.grad, 11.0,
            hint="dg/dx = y + 3x^2 = -1 + 12: both uses of x must contribute")
check_close("y.grad for g = x*y + x**3 at x = 2, y = -1", _y.grad, 2.0)
### BEGIN HIDDEN TESTS
for _a, _b, _g in np.random.default_rng(424).normal(size=(3, 3)):
    check_close("mul_backward at random inputs", mul_backward(_a, _b, _g), (_b * _g, _a * _g))
    check_close("pow_backward(a, 3, g) at random inputs", pow_backward(_a, 3, _g), 3 * _a ** 2 * _g)
    check_close("pow_backward(|a|, 0.5, g) at random inputs", pow_backward(abs(_a), 0.5, _g), 0.5 / np.sqrt(abs(_a)) * _g)
    check_close("tanh_backward at random inputs", tanh_backward(_a, _g), _g / np.cosh(_a) ** 2)
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
# $g(x, y, z) = \tanh(x y + z^2)\cdot x$ backwards and compares its gradients
# with yours.

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
check_close("numerical_partials(x * y, at [3, 5])", numerical_partials(lambda x, y: x * y, [3.0, 5.0]),
            np.array([5.0, 3.0]), rtol=1e-7, hint="nudge ONE argument at a time by +h and -h, divide by 2h")
check_close("numerical_partials(x ** 2 + y, at [1, 0], h=0.1)",
            numerical_partials(lambda x, y: x ** 2 + y, [1.0, 0.0], h=0.1), np.array([2.0, 1.0]), rtol=1e-9,
            hint="a one-sided difference gives 2.1 for the first entry; use the centred one")


def _g(x, y, z):
    return (x * y + z ** 2).tanh() * x


_inputs = [Scalar(v) for v in (0.7, -0.4, 0.5)]
_g(*_inputs).backward()
_backprop = np.array([v.grad for v in _inputs])
_numeric = numerical_partials(lambda x, y, z: _g(Scalar(x), Scalar(y), Scalar(z)).data, [0.7, -0.4, 0.5])
check_close("the Scalar graph's gradients of tanh(x y + z^2) x against numerical_partials", _backprop, _numeric,
            rtol=1e-6, hint="if only these disagree, look again at your Part 3 rules")
_error = np.max(np.abs(_backprop - _numeric)) / np.max(np.abs(_backprop) + np.abs(_numeric))
check_true("relative error of back-propagation against numerical_partials below 1e-8", bool(_error < 1e-8),
           f"the relative error is {_error:.1e}")
### BEGIN HIDDEN TESTS
_f3 = lambda a, b, c: np.sin(a) * b ** 2 + np.exp(c) * a
for _v in np.random.default_rng(434).normal(size=(3, 3)):
    _a, _b, _c = _v
    check_close("numerical_partials at random points", numerical_partials(_f3, list(_v)),
                np.array([np.cos(_a) * _b ** 2 + np.exp(_c), 2 * np.sin(_a) * _b, np.exp(_c) * _a]), rtol=1e-6)
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
