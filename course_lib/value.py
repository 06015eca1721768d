"""Scalar reverse-mode automatic differentiation on an explicit computational graph.

Every arithmetic operation on a ``Value`` creates a new ``Value`` that remembers
its inputs and the local derivative of its output with respect to each input.
``backward()`` then walks the graph from the output back to the leaves and applies
the chain rule: each node's gradient is the sum, over the nodes that use it, of
(their gradient) x (the local derivative).
"""

from __future__ import annotations

import math
import numbers

from .validation import CourseError, NonFiniteError

__all__ = ["Value", "topological_order"]


def _as_float(x, what: str) -> float:
    # bool is a numbers.Real, but Value(True) is almost always a slip.
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise CourseError(f"{what} must be a real number (int or float), got {type(x).__name__}: {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise NonFiniteError(f"{what} must be finite, got {x}")
    return x


def _wrap(x) -> Value:
    return x if isinstance(x, Value) else Value(_as_float(x, "the other operand"))


# Why an operation can have no finite real value or derivative, by operation.
_WHY = {
    "/": "division by zero",
    "exp": "exp overflows for inputs above about 709",
    "log": "log is only defined for positive numbers",
    "**": "x ** k is a real number for x > 0, for x < 0 only with a whole k, for x = 0 only with k >= 1 "
    "(below that its derivative is infinite), and overflows past about 1e308",
}


def _node(op: str, parents: tuple, rule) -> Value:
    """The node of ``op`` applied to ``parents``. ``rule(*their data)`` is the operation's math: its
    value, then its local derivative with respect to each parent.

    The operations hold only that math. When Python refuses it (1/0, math.log(0), an overflow,
    math.pow(-8, 0.5)) or a result is infinite, this is the one place that says so, naming the
    operation and its inputs, so the error points at the op rather than at a later NaN.
    """
    inputs = tuple(p.data for p in parents)
    try:
        data, *local_grads = rule(*inputs)
        finite = all(math.isfinite(g) for g in (data, *local_grads))
    except (ArithmeticError, ValueError):
        finite = False
    if not finite:
        why = _WHY.get("**" if op.startswith("**") else op, "the result overflows past about 1e308; rescale the inputs")
        given = ", ".join(f"{x:.4g}" for x in inputs)
        raise NonFiniteError(f"'{op}' applied to ({given}) has no finite real value or derivative: {why}")
    out = Value(data)
    out.op, out.parents, out.local_grads = op, parents, tuple(float(g) for g in local_grads)
    return out


class Value:
    """A scalar in a computational graph: ``data``, and ``grad`` = d(output)/d(this).

    ``Value(data, label="")`` makes a leaf. ``+ - * /`` (with Values or plain numbers on
    either side), unary ``-``, ``** number`` and the methods ``tanh``, ``exp``, ``log``,
    ``sigmoid``, ``relu`` make new nodes whose ``op`` names the operation, whose
    ``parents`` are the input Values and whose ``local_grads[i]`` is
    d(this)/d(parents[i]). A leaf has ``op == ''`` and no parents.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads")

    def __init__(self, data, label: str = ""):
        if not isinstance(label, str):
            raise CourseError(f"label must be a string, got {type(label).__name__}: {label!r}")
        self.data = _as_float(data, "Value data")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    # Each operation's rule: its value, then the local derivatives backward() will multiply by.
    def __add__(self, other) -> Value:
        return _node("+", (self, _wrap(other)), lambda a, b: (a + b, 1.0, 1.0))

    def __radd__(self, other) -> Value:
        return _wrap(other) + self

    def __sub__(self, other) -> Value:
        return _node("-", (self, _wrap(other)), lambda a, b: (a - b, 1.0, -1.0))

    def __rsub__(self, other) -> Value:
        return _wrap(other) - self

    def __mul__(self, other) -> Value:
        return _node("*", (self, _wrap(other)), lambda a, b: (a * b, b, a))

    def __rmul__(self, other) -> Value:
        return _wrap(other) * self

    def __truediv__(self, other) -> Value:
        return _node("/", (self, _wrap(other)), lambda a, b: (a / b, 1.0 / b, -a / (b * b)))

    def __rtruediv__(self, other) -> Value:
        return _wrap(other) / self

    def __neg__(self) -> Value:
        return _node("neg", (self,), lambda a: (-a, -1.0))

    def __pow__(self, exponent) -> Value:
        if isinstance(exponent, Value):
            raise CourseError("the exponent must be a plain number, not a Value; for x ** y use (y * x.log()).exp()")
        k = _as_float(exponent, "the exponent")
        # math.pow, unlike **, refuses a negative base with a fractional exponent instead of going complex.
        return _node(f"**{k:g}", (self,), lambda x: (math.pow(x, k), k * math.pow(x, k - 1) if k != 0 else 0.0))

    def tanh(self) -> Value:
        """Hyperbolic tangent; local derivative 1 - tanh(x)**2."""
        return _node("tanh", (self,), lambda x: ((t := math.tanh(x)), 1.0 - t * t))

    def exp(self) -> Value:
        """e**x; local derivative e**x."""
        return _node("exp", (self,), lambda x: ((e := math.exp(x)), e))

    def log(self) -> Value:
        """Natural logarithm, defined for data > 0; local derivative 1/x."""
        return _node("log", (self,), lambda x: (math.log(x), 1.0 / x))

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1/(1+e**-x); local derivative s(1-s)."""
        # Only ever exponentiate a non-positive number, so neither branch can overflow.
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            e = math.exp(self.data)
            s = e / (1.0 + e)
        return _node("sigmoid", (self,), lambda x: (s, s * (1.0 - s)))

    def relu(self) -> Value:
        """max(0, x); local derivative 1 for x > 0, else 0 (the usual choice at 0)."""
        return _node("relu", (self,), lambda x: (max(x, 0.0), 1.0 if x > 0 else 0.0))

    def backward(self) -> None:
        """Set ``self.grad = 1`` and add d(self)/d(node) to ``grad`` of every node below.

        Gradients accumulate: calling ``backward()`` again adds the same gradients a
        second time (like PyTorch), so call ``zero_grad()`` between passes. Each pass
        propagates only its own contribution, so two passes give exactly twice one.
        """
        upstream = {self: 1.0}  # this pass's d(self)/d(node), kept apart from older grads
        for node in reversed(topological_order(self)):
            g = upstream.pop(node, 0.0)
            if node is self:
                node.grad = 1.0
            else:
                node.grad += g
            for parent, local in zip(node.parents, node.local_grads):
                upstream[parent] = upstream.get(parent, 0.0) + local * g

    def zero_grad(self) -> None:
        """Reset ``grad`` to 0 on this node and every node it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on (and ``root``), each once, parents before children.

    Leaves come first and ``root`` last. The depth-first search keeps an explicit
    stack instead of recursing, so graphs far deeper than Python's recursion limit work.
    """
    if not isinstance(root, Value):
        raise CourseError(f"expected a Value, got {type(root).__name__}: {root!r}")
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            # Reversed so the first parent is visited first: leaves come out in reading order.
            stack.extend((p, False) for p in reversed(node.parents) if p not in seen)
    return order
