"""Tests of course_lib.value: every gradient against centred finite differences."""

import math
import warnings
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.drawing import draw_graph
from course_lib.drawing.described import SLIDE_FIGURE_PX
from course_lib.drawing.style import DPI, TEXT_PT
from course_lib.value import Value, topological_order
from course_lib.validation import CourseError, NonFiniteError, UnknownNameError
from finite_differences import centred_differences

PAGE_W = SLIDE_FIGURE_PX / DPI - 0.2  # a graph figure, with the inline backend's 0.1 in padding each side


def assert_relative_close(analytic, numeric, rtol=1e-6, atol=1e-9):
    """|a - n| <= rtol * max(|a|, |n|) + atol, elementwise, with a readable message."""
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        error = abs(a - n) / max(abs(a), abs(n), atol)
        assert abs(a - n) <= atol or error <= rtol, (
            f"input {i}: backward gives {a!r}, finite difference {n!r} (relative error {error:.2e})"
        )


def check_gradients(build, point):
    """Backpropagate through ``build(*values)`` at ``point`` and compare with finite differences."""
    leaves = [Value(x) for x in point]
    out = build(*leaves)
    out.backward()
    numeric = centred_differences(lambda p: build(*[Value(x) for x in p]).data, point, 1e-6)
    assert_relative_close([v.grad for v in leaves], numeric)
    return out


# (name, function of Values, point, forward value by an independent route)
OPERATIONS = [
    ("add", lambda x, y: x + y, [0.7, -1.3], 0.7 - 1.3),
    ("add number right", lambda x: x + 2, [0.7], 2.7),
    ("add number left", lambda x: 2 + x, [0.7], 2.7),
    ("sub", lambda x, y: x - y, [0.7, -1.3], 2.0),
    ("sub number right", lambda x: x - 2, [0.7], -1.3),
    ("sub number left", lambda x: 2 - x, [0.7], 1.3),
    ("mul", lambda x, y: x * y, [0.7, -1.3], -0.91),
    ("mul number right", lambda x: x * 3, [0.7], 2.1),
    ("mul number left", lambda x: 3 * x, [0.7], 2.1),
    ("div", lambda x, y: x / y, [0.7, -1.3], 0.7 / -1.3),
    ("div number right", lambda x: x / 4, [0.7], 0.175),
    ("div number left", lambda x: 4 / x, [0.7], 4 / 0.7),
    ("neg", lambda x: -x, [0.7], -0.7),
    ("square", lambda x: x**2, [-1.3], 1.69),
    ("cube", lambda x: x**3, [-1.3], -2.197),
    ("inverse", lambda x: x**-1, [-1.3], 1 / -1.3),
    ("square root", lambda x: x**0.5, [1.7], math.sqrt(1.7)),
    ("power -1.5", lambda x: x**-1.5, [1.7], 1.7**-1.5),
    ("power 0", lambda x: x**0, [1.7], 1.0),
    ("tanh", lambda x: x.tanh(), [0.4], np.tanh(0.4)),
    ("exp", lambda x: x.exp(), [0.4], np.exp(0.4)),
    ("log", lambda x: x.log(), [0.4], np.log(0.4)),
    ("sigmoid positive", lambda x: x.sigmoid(), [0.4], 1 / (1 + np.exp(-0.4))),
    ("sigmoid negative", lambda x: x.sigmoid(), [-2.5], 1 / (1 + np.exp(2.5))),
    ("relu positive", lambda x: x.relu(), [0.4], 0.4),
    ("relu negative", lambda x: x.relu(), [-0.4], 0.0),
    ("composite", lambda x, y: (x * y + x.exp()) / (1 + y**2) - (x - y).tanh(), [0.3, -0.8], None),
]


@pytest.mark.parametrize("name, build, point, expected", OPERATIONS, ids=[op[0] for op in OPERATIONS])
def test_operation_forward_and_gradient(name, build, point, expected):
    out = check_gradients(build, point)
    if expected is not None:
        assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_op_names_parents_and_local_grads():
    x, y = Value(2.0, "x"), Value(5.0, "y")
    assert (x.op, x.parents, x.local_grads) == ("", (), ())
    p = x * y
    assert p.op == "*" and p.parents == (x, y) and p.local_grads == (5.0, 2.0)
    assert (x**2).op == "**2" and (x**0.5).op == "**0.5"
    assert [op.op for op in (x + y, x - y, x / y, -x, x.tanh(), x.exp(), x.log(), x.sigmoid(), x.relu())] == [
        "+",
        "-",
        "/",
        "neg",
        "tanh",
        "exp",
        "log",
        "sigmoid",
        "relu",
    ]


def test_brief_example_chain_rule():
    x, y = Value(3.0, "x"), Value(-1.0, "y")
    z = x + y
    q = 2 * z
    q.backward()
    assert q.data == 4.0
    assert z.grad == 2.0  # dq/dz
    assert x.grad == 2.0 and y.grad == 2.0  # dq/dx = dq/dz * dz/dx = 2 * 1


def neuron(x1, x2, w1, w2, b):
    return (w1 * x1 + w2 * x2 + b).tanh()


def test_neuron_gradients():
    out = check_gradients(neuron, [2.0, 0.0, -3.0, 1.0, 6.8813735870195432])
    assert out.data == pytest.approx(math.sqrt(0.5), rel=1e-12)  # b was chosen for this


def network_2_2_1(x1, x2, a11, a12, a21, a22, b1, b2, v1, v2, c, target=0.25):
    """Two tanh hidden units, a sigmoid output and a squared error."""
    h1 = (a11 * x1 + a12 * x2 + b1).tanh()
    h2 = (a21 * x1 + a22 * x2 + b2).tanh()
    y = (v1 * h1 + v2 * h2 + c).sigmoid()
    return (y - target) ** 2


def test_tiny_network_gradients():
    point = [0.5, -1.2, 0.3, -0.7, 0.9, 0.2, 0.1, -0.4, 1.1, -0.6, 0.05]
    check_gradients(network_2_2_1, point)


def test_tiny_network_matches_hand_written_backprop():
    x = np.array([0.5, -1.2])
    A, bias, v, c = np.array([[0.3, -0.7], [0.9, 0.2]]), np.array([0.1, -0.4]), np.array([1.1, -0.6]), 0.05
    h = np.tanh(A @ x + bias)
    y = 1 / (1 + np.exp(-(v @ h + c)))
    delta_out = 2 * (y - 0.25) * y * (1 - y)
    delta_hidden = delta_out * v * (1 - h**2)
    leaves = [Value(t) for t in [*x, *A.ravel(), *bias, *v, c]]
    network_2_2_1(*leaves).backward()
    expected = [*(A.T @ delta_hidden), *np.outer(delta_hidden, x).ravel(), *delta_hidden, *(delta_out * h), delta_out]
    assert_relative_close([leaf.grad for leaf in leaves], expected, rtol=1e-12)


def test_accumulation_when_a_node_is_reused():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0
    c = Value(1.5)
    out = c * 2 + c.exp() + c**2  # c used in three places
    out.backward()
    assert c.grad == pytest.approx(2 + math.exp(1.5) + 2 * 1.5, rel=1e-12)
    check_gradients(lambda c: c * 2 + c.exp() + c**2, [1.5])


def test_backward_twice_accumulates_exactly_and_zero_grad_resets():
    x, y = Value(1.5), Value(-2.0)
    z = x * y
    q = z * z + z  # the intermediate z is reused, so stale intermediate grads would show
    q.backward()
    first = (x.grad, y.grad, z.grad)
    q.backward()
    assert (x.grad, y.grad, z.grad) == tuple(2 * g for g in first)
    assert q.grad == 1.0
    q.zero_grad()
    assert [v.grad for v in (x, y, z, q)] == [0.0, 0.0, 0.0, 0.0]
    q.backward()
    assert (x.grad, y.grad, z.grad) == first


def test_topological_order_lists_each_node_once_after_its_parents():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    z = x * y
    out = (z + x).tanh() * z
    order = topological_order(out)
    assert order[-1] is out and len(order) == len({id(v) for v in order}) == 6
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        assert all(position[id(p)] < position[id(v)] for p in v.parents)
    assert order[0] is x  # leaves first, in reading order
    with pytest.raises(CourseError, match="expected a Value"):
        topological_order(3.0)


def test_long_chain_does_not_recurse():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.data == 100_000.5
    assert x.grad == 1.0
    assert len(topological_order(y)) == 200_001  # chain nodes, constants and x
    y.zero_grad()
    assert x.grad == 0.0


def test_sigmoid_is_stable_for_large_inputs():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        big, small = Value(1000.0), Value(-1000.0)
        s_big, s_small = big.sigmoid(), small.sigmoid()
        s_big.backward()
        s_small.backward()
    assert s_big.data == 1.0 and s_small.data == 0.0
    assert big.grad == 0.0 and small.grad == 0.0
    assert Value(-30.0).sigmoid().data == pytest.approx(1 / (1 + math.exp(30)), rel=1e-14)


def test_repr():
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0.0)"
    assert repr(Value(2, label="w1")) == "Value(data=2.0, grad=0.0, label='w1')"


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Value("abc"), CourseError, "real number.*'abc'"),
        (lambda: Value(float("nan")), NonFiniteError, "finite"),
        (lambda: Value(math.inf), NonFiniteError, "finite"),
        (lambda: Value(True), CourseError, "real number"),
        (lambda: Value(1.0, label=3), CourseError, "label"),
        (lambda: Value(-1).log(), NonFiniteError, r"'log' applied to \(-1\).*log is only defined for positive"),
        (lambda: Value(0).log(), NonFiniteError, r"'log' applied to \(0\).*positive"),
        (lambda: Value(1.0) + "a", CourseError, "real number"),
        (lambda: "a" * Value(1.0), CourseError, "real number"),
        (lambda: Value(1.0) * float("nan"), NonFiniteError, "finite"),
        (lambda: Value(1.0) / 0, NonFiniteError, r"'/' applied to \(1, 0\).*division by zero"),
        (lambda: 1 / Value(0.0), NonFiniteError, r"'/' applied to \(1, 0\).*division by zero"),
        (lambda: Value(2.0) ** Value(3.0), CourseError, "exponent must be a plain number"),
        (lambda: Value(-8.0) ** 0.5, NonFiniteError, r"'\*\*0.5' applied to \(-8\).*for x < 0 only with a whole k"),
        (lambda: Value(0.0) ** -1, NonFiniteError, r"'\*\*-1' applied to \(0\).*for x = 0 only with k >= 1"),
        (lambda: Value(0.0) ** 0.5, NonFiniteError, r"'\*\*0.5' applied to \(0\).*its derivative is infinite"),
        (lambda: Value(10.0) ** 400, NonFiniteError, r"'\*\*400' applied to \(10\).*overflows"),
        (lambda: Value(1000.0).exp(), NonFiniteError, r"'exp' applied to \(1000\).*overflow"),
        (lambda: Value(1e200) * Value(1e200), NonFiniteError, r"'\*' applied to \(1e\+200, 1e\+200\).*overflows"),
        (lambda: Value(-2.0) ** 3, None, None),
    ],
)
def test_clear_errors(make, error, message):
    if error is None:  # a whole exponent of a negative base is fine
        assert make().data == -8.0
        return
    with pytest.raises(error, match=message):
        make()
    assert issubclass(error, CourseError)


def value_texts(ax):
    return [t.get_text() for t in ax.texts if "data " in t.get_text()]


def test_draw_graph_brief_example():
    x, y = Value(3.0, "x"), Value(-1.0, "y")
    z = x + y
    z.label = "z"
    q = 2 * z
    q.label = "q"
    q.backward()
    ax = draw_graph(q)
    try:
        assert isinstance(ax, Axes)
        texts = value_texts(ax)
        assert len(texts) == len(topological_order(q)) == 5  # x, y, z, the constant 2, q
        for v in topological_order(q):
            assert sum(f"data {v.data:.4g}" in t and (not v.label or v.label in t) for t in texts) >= 1
        assert any("grad 2" in t and "x" in t for t in texts)
        ops = [t.get_text() for t in ax.texts if "data " not in t.get_text()]
        assert sorted(ops) == sorted(["+", "\u00d7"])
        ax.figure.canvas.draw()
    finally:
        plt.close(ax.figure)


def test_draw_graph_into_given_axes_without_grad():
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    out = neuron(*[Value(t) for t in [2.0, 0.0, -3.0, 1.0, 0.5]])
    assert draw_graph(out, ax=ax, show_grad=False) is ax
    texts = value_texts(ax)
    assert len(texts) == len(topological_order(out))
    assert not any("grad" in t for t in texts)
    fig.canvas.draw()


def network_graph(samples):
    """The 2-2-1 network's squared error summed over ``samples`` (x1, x2, target), sharing weights."""
    weights = [
        Value(t, name)
        for t, name in zip([0.3, -0.7, 0.9, 0.2, 0.1, -0.4, 1.1, -0.6, 0.05], "a11 a12 a21 a22 b1 b2 v1 v2 c".split())
    ]
    loss = sum(network_2_2_1(Value(x1), Value(x2), *weights, target=t) for x1, x2, t in samples)
    loss.backward()
    return loss


def drawn_boxes(ax):
    return [p.get_bbox() for p in ax.patches if p.get_gid() == "value"]


def box_text(v):
    """The text ``draw_graph`` writes in ``v``'s box: label ("constant" for an unlabelled leaf), data, grad."""
    label = v.label or ("" if v.parents else "constant")
    return "\n".join(([label] if label else []) + [f"data {v.data:.4g}", f"grad {v.grad:.4g}"])


def box_of(ax, value):
    """The bounding box of the one box that shows ``value``."""
    texts = [t for t in ax.texts if t.get_text() == box_text(value)]
    assert len(texts) == 1
    x, y = texts[0].get_position()
    return next(b for b in drawn_boxes(ax) if b.x0 < x < b.x1 and b.y0 < y < b.y1)


def assert_drawn_once_and_apart(ax, root):
    """Every Value has exactly one box with its text, every edge one arrow, and nothing overlaps."""
    values = topological_order(root)
    assert Counter(value_texts(ax)) == Counter(box_text(v) for v in values)
    boxes = drawn_boxes(ax)
    circles = [p for p in ax.patches if p.get_gid() == "op"]
    assert len(boxes) == len(values)
    assert len(circles) == sum(1 for v in values if v.parents)
    edges = [p for p in ax.patches if p.get_gid() == "edge"]
    assert len(edges) == sum(len(v.parents) for v in values)
    assert len([p for p in ax.patches if p.get_gid() == "result"]) == len(circles)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), f"boxes {a} and {b} overlap"
    for c in circles:
        cx, cy = c.center
        assert not any(b.x0 - c.radius < cx < b.x1 + c.radius and b.y0 - c.radius < cy < b.y1 + c.radius for b in boxes)
    # Edges spanning several levels bend between boxes instead of running behind them.
    for line in ax.lines:
        for px, py in line.get_xydata()[1:]:
            assert not any(b.x0 <= px <= b.x1 and b.y0 <= py <= b.y1 for b in boxes)


@pytest.mark.parametrize("direction", ["right", "down", None])
@pytest.mark.parametrize(
    "samples", [[(0.5, -1.2, 0.25)], [(0.5, -1.2, 0.25), (1.0, 0.3, 0.9)]], ids=["29 nodes", "50 nodes"]
)
def test_draw_graph_of_a_network_keeps_boxes_apart(samples, direction):
    loss = network_graph(samples)
    ax = draw_graph(loss, direction=direction)
    try:
        assert_drawn_once_and_apart(ax, loss)
        width, height = ax.figure.get_size_inches()
        assert 4 < width <= PAGE_W + 1e-9 and 1 < height <= 15 + 1e-9
        ax.figure.canvas.draw()
    finally:
        plt.close(ax.figure)


def lesson_tiny_network():
    """Lesson 4's tiny network: each input a fresh labelled Value per product, so 31 Values in a tree."""
    W1 = [Value(w, f"W1[{i},{j}]") for (i, j), w in zip([(0, 0), (0, 1), (1, 0), (1, 1)], [0.5, -0.3, 0.8, 0.2])]
    b1 = [Value(0.1, "b1[0]"), Value(-0.1, "b1[1]")]
    W2, b2 = [Value(1.2, "W2[0]"), Value(-0.7, "W2[1]")], Value(0.05, "b2")
    h = [(W1[2 * j] * Value(1.0, "x1") + W1[2 * j + 1] * Value(-2.0, "x2") + b1[j]).tanh() for j in range(2)]
    loss = ((W2[0] * h[0] + W2[1] * h[1] + b2).sigmoid() - Value(1.0, "target")) ** 2
    loss.backward()
    return loss


def test_draw_graph_fits_the_notebook_with_readable_text():
    loss = lesson_tiny_network()
    assert len(topological_order(loss)) == 31
    ax = draw_graph(loss)
    try:
        # Shown at its own size: 10.8 in plus the inline backend's 0.1 in padding on each side is
        # 1,100 px at 100 dpi, which a slide shows unshrunk, so its text stays its size on screen. This
        # graph is on no slide: too tall at the course's size, it is drawn smaller, but at 8 pt or more.
        width, height = ax.figure.get_size_inches()
        assert width <= PAGE_W + 1e-9 and height <= 15 + 1e-9
        assert min(t.get_fontsize() for t in ax.texts) >= 8
        # Too wide to run left to right at 8 pt, so data flows down: the loss is the lowest box.
        assert box_of(ax, loss).y0 == min(b.y0 for b in drawn_boxes(ax))
        assert_drawn_once_and_apart(ax, loss)
    finally:
        plt.close(ax.figure)
    ax = draw_graph(loss, direction="right")  # forced: fits 10.8 in only with smaller text
    try:
        assert ax.figure.get_size_inches()[0] <= PAGE_W + 1e-9
        assert min(t.get_fontsize() for t in ax.texts) < 8
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("direction", ["right", "down", None])
def test_draw_graph_honours_the_direction(direction):
    """Each op circle sits between its output box and that box's inputs, along the chosen flow."""
    x = Value(3.0, "x")
    z = x * 2 + x
    z.label = "z"
    z.backward()
    ax = draw_graph(z, direction=direction)
    try:
        assert_drawn_once_and_apart(ax, z)
        out, leaf = box_of(ax, z), box_of(ax, x)
        centre = np.array([(out.x0 + out.x1) / 2, (out.y0 + out.y1) / 2])
        circles = [p for p in ax.patches if p.get_gid() == "op"]
        cx, cy = min((p.center for p in circles), key=lambda c: np.hypot(*(np.array(c) - centre)))  # z's '+'
        if direction == "down":
            assert leaf.y0 > out.y1 and out.y1 < cy < leaf.y0  # inputs above, output below
            assert cx == pytest.approx((out.x0 + out.x1) / 2)
        else:  # a small graph fits left to right at the course's text size, so that is the default
            assert leaf.x1 < out.x0 and leaf.x1 < cx < out.x0
            assert cy == pytest.approx((out.y0 + out.y1) / 2)
            assert min(t.get_fontsize() for t in ax.texts) == TEXT_PT
    finally:
        plt.close(ax.figure)


def compact_texts(ax):
    """Each compact box's text, the key's last."""
    return [t.get_text() for t in ax.texts if t.get_fontsize() == TEXT_PT and "\n" in t.get_text()]


def test_compact_boxes_fit_lesson_4s_neuron_left_to_right_at_the_course_text_size():
    """Lesson 4's neuron, a = tanh(w1 x1 + w2 x2 + b), is five levels of boxes: with 'data -0.09035' in every
    box it needs 16 in at 20 px; compact boxes (3 digits, a key naming the lines) need 10.6."""
    w1, x1, w2, x2, b = Value(-0.5, "w1"), Value(2.0, "x1"), Value(0.8, "w2"), Value(-1.0, "x2"), Value(0.3, "b")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    a.backward()
    ax = draw_graph(a, direction="right", compact=True)
    try:
        assert ax.figure.get_size_inches()[0] <= PAGE_W + 1e-9
        assert min(t.get_fontsize() for t in ax.texts if t.get_text() not in ("\u00d7", "+", "tanh")) == TEXT_PT
        texts = compact_texts(ax)
        assert "w1\n-0.5\n0.361" in texts and "x1\n2\n-0.0904" in texts and "a\n-0.905\n1" in texts
        assert "\n-1.8\n0.181" in texts, "an unlabelled box keeps an empty first line, so its numbers line up"
        assert not any("data" in t or "grad" in t for t in texts if t != "name\ndata\ngrad")
        key = [p.get_bbox() for p in ax.patches if p.get_gid() == "key"]
        assert len(key) == 1 and "name\ndata\ngrad" in texts
        assert not any(key[0].overlaps(box) for box in drawn_boxes(ax))
    finally:
        plt.close(ax.figure)


def test_a_compact_graphs_key_fits_its_box_when_every_number_is_short():
    x, y = Value(3.0, "x"), Value(2.0, "y")
    q = x * y
    q.label = "q"
    q.backward()
    ax = draw_graph(q, compact=True)
    try:
        renderer = ax.figure.canvas.get_renderer()
        key = next(p for p in ax.patches if p.get_gid() == "key").get_window_extent(renderer)
        text = next(t for t in ax.texts if t.get_text() == "name\ndata\ngrad").get_window_extent(renderer)
        assert key.x0 < text.x0 and text.x1 < key.x1 and key.y0 < text.y0 and text.y1 < key.y1
    finally:
        plt.close(ax.figure)


def test_a_compact_graphs_key_goes_above_when_its_corner_is_taken():
    x = Value(3.0, "x")
    y = x * 2
    y.label = "y"
    y.backward()
    plain = draw_graph(y, direction="right", compact=True)
    try:
        key = [p.get_bbox() for p in plain.patches if p.get_gid() == "key"][0]
        boxes = drawn_boxes(plain)
        assert not any(key.overlaps(box) for box in boxes)
        assert key.y0 > max(box.y1 for box in boxes), "a one-row graph has its top-right corner taken by y"
        assert plain.get_ylim()[1] >= key.y1
    finally:
        plt.close(plain.figure)


def test_draw_graph_rejects_an_unknown_direction():
    with pytest.raises(UnknownNameError, match="'up'.*'right', 'down'"):
        draw_graph(Value(1.0) * 2, direction="up")


def test_draw_graph_labels_wrapped_numbers_constant():
    x = Value(1.5, "x")
    out = 2 * x - Value(4.0)  # a wrapped number and an unlabelled leaf: both read "constant"
    out.backward()
    ax = draw_graph(out)
    try:
        texts = value_texts(ax)
        assert sorted(t.splitlines()[0] for t in texts) == ["constant", "constant", "data -1", "data 3", "x"]
        assert "constant\ndata 2\ngrad 1.5" in texts and "constant\ndata 4\ngrad -1" in texts
    finally:
        plt.close(ax.figure)


def test_draw_graph_shows_reused_nodes_and_long_edges():
    a = Value(3.0, "a")
    out = a * a + a
    out.backward()
    ax = draw_graph(out)
    try:
        assert len(value_texts(ax)) == 3
        assert any("grad 7" in t for t in value_texts(ax))  # d(a*a + a)/da = 2a + 1
        assert len(ax.lines) == 1  # a -> '+' skips a column, so it is routed with a bend
        ax.figure.canvas.draw()
    finally:
        plt.close(ax.figure)
