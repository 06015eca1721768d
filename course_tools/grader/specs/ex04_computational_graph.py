"""Grading spec of ex04_computational_graph: the chain rule by hand, the backward pass, numerical partials, the cost
of a gradient.

Part 5 is a concept item: how many evaluations of the loss each way of computing a gradient needs, asked for
numbers of parameters drawn afresh, each wrong answer explained by the slip it looks like.
"""

from course_tools.grader.spec import Spec, call, code, probe, single_number

# Learners write topological_order and backward (Part 3) and the centred differences (Part 4): the library's
# Value graph (its backward and topological_order, which accepts a Scalar once the module's Value is
# swapped for it) and numerical_gradient would do that work.
SPEC = Spec("ex04_computational_graph", learner_writes=("scalar graph", "numerical gradients"))


def _floats(rng, n, low=-2.0, high=2.0):
    return [float(v) for v in rng.uniform(low, high, size=n)]


# ---------------------------------------------------------------- part 1
by_hand = SPEC.part("by_hand_tests", "Part 1: by hand through f = (xy + z) w")


@by_hand.check(
    "local_derivatives and chain_rule_gradients at x=2, y=-3, z=4, w=0.5 and at a random point",
    points=1,
    hint="a product's local derivative by one factor is the other factor; a sum's is 1",
)
def by_hand_example(rng):
    point = _floats(rng, 4)
    return [
        call("local_derivatives", 2.0, -3.0, 4.0, 0.5),
        call("chain_rule_gradients", 2.0, -3.0, 4.0, 0.5),
        call("local_derivatives", *point),
        call("chain_rule_gradients", *point),
    ]


@by_hand.check(
    "local_derivatives at random inputs",
    points=0.5,
    hidden=True,
    hint="df/dw is q = x y + z, the value arriving at the last product",
)
def by_hand_local(rng):
    return [call("local_derivatives", *_floats(rng, 4)) for _ in range(3)]


@by_hand.check(
    "chain_rule_gradients at random inputs",
    points=0.5,
    hidden=True,
    hint="each derivative is the one of the node above times a local derivative",
)
def by_hand_chain(rng):
    return [call("chain_rule_gradients", *_floats(rng, 4)) for _ in range(3)]


# ---------------------------------------------------------------- part 2
neuron = SPEC.part("neuron_tests", "Part 2: back through a sigmoid neuron")


@neuron.check(
    "neuron_gradients at the two examples of the notebook and at a random point",
    points=0.5,
    hint="da/dz = a (1 - a), then multiply by the other factor of each product",
)
def neuron_examples(rng):
    return [
        call("neuron_gradients", 2.0, -1.0, 0.5, 1.0, 0.0),
        call("neuron_gradients", 1.0, 3.0, -0.4, 0.2, 0.1),
        call("neuron_gradients", *_floats(rng, 5)),
    ]


@neuron.check(
    "neuron_gradients at random inputs, including a strongly negative z",
    points=0.5,
    hidden=True,
    hint="da/dz = a (1 - a); each weight's derivative is da/dz times the other factor of its product",
)
def neuron_random(rng):
    probes = [call("neuron_gradients", *_floats(rng, 5)) for _ in range(3)]
    probes.append(call("neuron_gradients", 1.0, 1.0, -20.0, float(rng.uniform(-1, 1)), -5.0))
    return probes


# ---------------------------------------------------------------- part 3
backward_part = SPEC.part("backward_tests", "Part 3: write the backward pass yourself")

_TWICE = """a = Scalar(a0)
f = a + a
order = topological_order(f)
first = [len(order), order[-1] is f]
f.backward()
g = a * a
g.backward()
result = first + [f.grad, g.grad, a.grad]"""

_FAN_OUT = """x, y = Scalar(x0), Scalar(y0)
p = x * y
q = 3 * p
f = p + q
order = topological_order(f)
ok = [len(order), order[-1] is f,
      all(order.index(parent) < order.index(node) for node in order for parent in node.parents)]
f.backward()
once = [p.grad, q.grad, x.grad, y.grad]
f.backward()
result = ok + once + [p.grad, x.grad, y.grad]"""

_TANH = """x, y, z = Scalar(x0), Scalar(y0), Scalar(z0)
h = (x * y + z ** 2).tanh()
out = h * h + h * x
out.backward()
result = [x.grad, y.grad, z.grad, h.grad]"""

_CHAIN = """start = chain = Scalar(s0)
for _ in range(n):
    chain = chain * r + start
order = topological_order(chain)
chain.backward()
result = [len(order), start.grad]"""


@backward_part.check(
    "a + a and a * a, and lesson 4's fan-out p = x y, q = 3 p, f = p + q, at random values",
    points=1,
    hint="a value used twice collects a contribution from each use: += , not =",
)
def backward_examples(rng):
    a0 = float(rng.uniform(-2, 2))
    x0, y0 = _floats(rng, 2)
    return [
        probe(_TWICE, a0=a0).describe(f"a + a and a * a at a = {a0:.3g}: order length, root last, grads"),
        probe(_FAN_OUT, x0=x0, y0=y0).describe(
            f"the fan-out at x = {x0:.3g}, y = {y0:.3g}: order, grads, grads after a second backward()"
        ),
    ]


@backward_part.check(
    "tanh(x y + z^2) used three times, x used twice, at random points",
    points=1,
    hidden=True,
    hint="visit the nodes in reverse topological order, so h is complete before it passes its grad on",
)
def backward_random(rng):
    return [
        probe(_TANH, x0=x0, y0=y0, z0=z0).describe(
            f"grads of h h + h x, h = tanh(x y + z^2), at ({x0:.3g}, {y0:.3g}, {z0:.3g})"
        )
        for x0, y0, z0 in (_floats(rng, 3, -1.5, 1.5) for _ in range(2))
    ]


@backward_part.check(
    "a chain of a few hundred steps that reuses its start at every step",
    points=1,
    hidden=True,
    hint="each node once in the order (remember the nodes you have seen), every use adds",
)
def backward_chain(rng):
    n, r, s0 = int(rng.integers(150, 300)), float(rng.uniform(0.9, 1.05)), float(rng.uniform(-1, 1))
    return probe(_CHAIN, n=n, r=r, s0=s0).describe(f"chain of {n} steps, factor {r:.3g}: order length, d/dstart")


# ---------------------------------------------------------------- part 4
numerical = SPEC.part("numerical_tests", "Part 4: check the graph against numerical derivatives")


@numerical.check(
    "numerical_partials of x y at [3, 5] and at a random point, and of x^2 + y at [1, 0] with h = 0.1",
    points=1,
    hint="nudge one argument at a time by +h and -h and divide by 2h",
)
def numerical_examples(rng):
    return [
        call("numerical_partials", code("lambda x, y: x * y"), [3.0, 5.0]),
        call("numerical_partials", code("lambda x, y: x * y"), _floats(rng, 2, -5.0, 5.0)),
        call("numerical_partials", code("lambda x, y: x ** 2 + y"), [1.0, 0.0], h=0.1),
    ]


@numerical.check(
    "numerical_partials of functions of 1 to 4 arguments at random points, with large and small h",
    points=1,
    hidden=True,
    hint="return one partial derivative per argument, as an array",
)
def numerical_random(rng):
    return [
        call("numerical_partials", code("lambda a: np.exp(a)"), _floats(rng, 1)),
        call("numerical_partials", code("lambda a, b, c: np.sin(a) * b ** 2 + np.exp(c) * a"), _floats(rng, 3)),
        call(
            "numerical_partials",
            code("lambda a, b, c, d: a * b * c * d + c ** 3"),
            _floats(rng, 4),
            h=float(rng.uniform(0.05, 0.3)),
        ),
    ]


# ---------------------------------------------------------------- part 5
cost = SPEC.part("cost_tests", "Part 5: what does a gradient cost? Predict")


def cost_slips(n, method):
    """(wrong count, advice) for the usual slips in counting the loss evaluations of a gradient."""
    if method == "centred":
        return [
            (n, "a centred difference evaluates the loss twice per parameter, at v_i + h and at v_i - h"),
            (n + 1, "that is the one-sided count; a centred difference needs v_i + h and v_i - h, 2 per parameter"),
            (2 * n + 1, "a centred difference never needs f(v) itself: 2 per parameter"),
            (2, "every parameter needs its own nudged evaluations: the count grows with the parameters"),
        ]
    if method == "one-sided":
        return [
            (n, "f(v) itself is needed too, once, shared by every parameter"),
            (2 * n, "one-sided nudges only up, and f(v) is computed once for all: P + 1"),
            (2 * n + 1, "one-sided nudges only up: one evaluation per parameter, plus f(v) once"),
        ]
    return [
        (
            n,
            "back-propagation does not nudge parameters: one forward pass, then one backward pass gives all P "
            "derivatives",
        ),
        (2 * n, "that is the centred differences' count; back-propagation needs one forward pass"),
        (2, "the backward pass is not an evaluation of the loss: one forward pass, then one backward pass"),
        (0, "the backward pass needs the values of one forward pass first"),
    ]


def _cost_feedback(got, expected, probe):
    value = single_number(got)
    if value is None:
        return "expected one whole number, a count of forward passes"
    if value == expected:
        return None
    n, method = probe.inputs["_arg0"], probe.inputs["_arg1"]
    said = f"{method!r} with {n} parameters takes {expected:g} evaluations of the loss, not {value:g}"
    for wrong, advice in cost_slips(n, method):
        if value == wrong and wrong != expected:
            return f"{said}: {advice}"
    return f"{said}: lesson 4, 'Why reverse mode: a million derivatives in one pass'"


def _sizes(rng):
    return [int(rng.integers(2, 20)), int(rng.integers(20, 5000)), int(rng.integers(10**5, 10**7))]


@cost.check(
    "loss_evaluations for centred and one-sided differences, at random numbers of parameters",
    points=1,
    hidden=True,
    compare=_cost_feedback,
    hint="lesson 4, 'Numerical derivatives': count the loss evaluations each partial derivative needs",
)
def cost_numerical(rng):
    return [call("loss_evaluations", n, method) for n in [1000] + _sizes(rng) for method in ("centred", "one-sided")]


@cost.check(
    "loss_evaluations for back-propagation, at random numbers of parameters",
    points=1,
    hidden=True,
    compare=_cost_feedback,
    hint="lesson 4, 'Why reverse mode: a million derivatives in one pass'",
)
def cost_reverse(rng):
    return [call("loss_evaluations", n, "reverse") for n in [1000] + _sizes(rng)]
