"""Grading spec of ex04_computational_graph: the chain rule by hand, backward rules, numerical partials."""
from course_tools.grader.spec import Spec, call, code, probe

SPEC = Spec("ex04_computational_graph")


def _floats(rng, n, low=-2.0, high=2.0):
    return [float(v) for v in rng.uniform(low, high, size=n)]


# ---------------------------------------------------------------- part 1
by_hand = SPEC.part("by_hand_tests", "Part 1: by hand through f = (xy + z) w")


@by_hand.check("local_derivatives and chain_rule_gradients at x=2, y=-3, z=4, w=0.5 and at a random point",
               points=1, hint="a product's local derivative by one factor is the other factor; a sum's is 1")
def by_hand_example(rng):
    point = _floats(rng, 4)
    return [call("local_derivatives", 2.0, -3.0, 4.0, 0.5), call("chain_rule_gradients", 2.0, -3.0, 4.0, 0.5),
            call("local_derivatives", *point), call("chain_rule_gradients", *point)]


@by_hand.check("local_derivatives at random inputs", points=1, hidden=True,
               hint="df/dw is q = x y + z, the value arriving at the last product")
def by_hand_local(rng):
    return [call("local_derivatives", *_floats(rng, 4)) for _ in range(3)]


@by_hand.check("chain_rule_gradients at random inputs", points=1, hidden=True,
               hint="each derivative is the one of the node above times a local derivative")
def by_hand_chain(rng):
    return [call("chain_rule_gradients", *_floats(rng, 4)) for _ in range(3)]


# ---------------------------------------------------------------- part 2
neuron = SPEC.part("neuron_tests", "Part 2: back through a sigmoid neuron")


@neuron.check("neuron_gradients at the two examples of the notebook and at a random point", points=1,
              hint="da/dz = a (1 - a), then multiply by the other factor of each product")
def neuron_examples(rng):
    return [call("neuron_gradients", 2.0, -1.0, 0.5, 1.0, 0.0), call("neuron_gradients", 1.0, 3.0, -0.4, 0.2, 0.1),
            call("neuron_gradients", *_floats(rng, 5))]


@neuron.check("neuron_gradients at random inputs, including a strongly negative z", points=1, hidden=True)
def neuron_random(rng):
    probes = [call("neuron_gradients", *_floats(rng, 5)) for _ in range(3)]
    probes.append(call("neuron_gradients", 1.0, 1.0, -20.0, float(rng.uniform(-1, 1)), -5.0))
    return probes


# ---------------------------------------------------------------- part 3
rules = SPEC.part("rules_tests", "Part 3: teach a tiny autodiff class its rules")

_GRAPH = """x, y = Scalar(x0), Scalar(y0)
out = (x * y + x ** 3).tanh() * y
out.backward()
result = [x.grad, y.grad]"""


@rules.check("the rules at the notebook's examples and at random inputs of the same kind", points=1,
             hint="mul: grad_out times the other input; pow: k a^(k-1) grad_out; tanh: (1 - tanh(a)^2) grad_out")
def rules_examples(rng):
    a, b, g = _floats(rng, 3)
    return [call("mul_backward", 2.0, -3.0, 1.5), call("pow_backward", 3.0, 2, 1.0),
            call("pow_backward", 2.0, -1, 0.5), call("tanh_backward", 0.0, 2.0),
            call("mul_backward", a, b, g), call("pow_backward", a, 2, g), call("tanh_backward", b, g)]


@rules.check("each rule at random inputs (cubes, negative and fractional powers)", points=1, hidden=True)
def rules_random(rng):
    a, b, g = _floats(rng, 3)
    return [call("mul_backward", a, b, g), call("pow_backward", a, 3, g), call("pow_backward", abs(a) + 0.1, -2, g),
            call("pow_backward", abs(a) + 0.1, 0.5, g), call("tanh_backward", 3 * a, g)]


@rules.check("Scalar.backward() on tanh(x y + x^3) y, where x and y are used twice", points=1, hidden=True,
             hint="a Scalar's grad collects one contribution from every use")
def rules_graph(rng):
    x0, y0 = _floats(rng, 2, -1.0, 1.0)
    return probe(_GRAPH, x0=x0, y0=y0).describe(f"grads of tanh(x y + x^3) y at x={x0:.3g}, y={y0:.3g}")


# ---------------------------------------------------------------- part 4
numerical = SPEC.part("numerical_tests", "Part 4: check the graph against numerical derivatives")


@numerical.check("numerical_partials of x y at [3, 5] and at a random point, and of x^2 + y at [1, 0] with h = 0.1",
                 points=1, hint="nudge one argument at a time by +h and -h and divide by 2h")
def numerical_examples(rng):
    return [call("numerical_partials", code("lambda x, y: x * y"), [3.0, 5.0]),
            call("numerical_partials", code("lambda x, y: x * y"), _floats(rng, 2, -5.0, 5.0)),
            call("numerical_partials", code("lambda x, y: x ** 2 + y"), [1.0, 0.0], h=0.1)]


@numerical.check("numerical_partials of functions of 1 to 4 arguments at random points, with large and small h",
                 points=1, hidden=True, hint="return one partial derivative per argument, as an array")
def numerical_random(rng):
    return [
        call("numerical_partials", code("lambda a: np.exp(a)"), _floats(rng, 1)),
        call("numerical_partials", code("lambda a, b, c: np.sin(a) * b ** 2 + np.exp(c) * a"), _floats(rng, 3)),
        call("numerical_partials", code("lambda a, b, c, d: a * b * c * d + c ** 3"), _floats(rng, 4),
             h=float(rng.uniform(0.05, 0.3))),
    ]
