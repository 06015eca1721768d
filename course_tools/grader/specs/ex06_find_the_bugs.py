"""Grading spec of ex06_find_the_bugs: a gradient checker, two predictions, and six planted bugs, one point each.

Each bug is graded on its own. Its fix is checked on fresh networks on which that bug changes the
result; the other bugs may still be there, so the grader accepts the given code with this bug fixed
and any set of the others fixed (it computes every such variant itself, below), and says so when
the result is the given code's with this bug still in it. The line of each bug is checked with it,
in the hidden check.
"""

from itertools import combinations

import numpy as np

from course_lib import get_activation
from course_lib.exercises.checks import explain_mismatch
from course_tools.grader.spec import Spec, call, code, probe

# The exercise is the checker and the backward pass: the library's network, gradient checks, losses,
# back-propagation recipe and training loop are off limits.
SPEC = Spec(
    "ex06_find_the_bugs",
    learner_writes=("forward pass", "backward pass", "losses", "update", "numerical gradients", "training loop"),
)

LINES = {"one_over_n": 6, "fan_out": 10, "axis": 11, "transposed": 13, "derivative": 14, "sign": 20}
BACKWARD_BUGS = ("transposed", "derivative", "axis", "one_over_n", "fan_out")
WHAT = {
    "transposed": "a product with a transposed matrix",
    "derivative": "a missing activation derivative",
    "axis": "a sum over the wrong axis",
    "one_over_n": "a missing 1/n",
    "fan_out": "= where the fan-out needs +=",
    "sign": "a sign error in the update",
}
STILL_THERE = {
    "transposed": "dL/dA^(l-1) is Delta^l W^l; with W^l transposed the error reaches the wrong units",
    "derivative": "the error of a hidden layer is dL/dA^(l-1) times f'(Z^(l-1)); the slope is missing",
    "axis": "dL/db^l sums Delta^l over the samples, the rows (axis 0), giving one entry per unit",
    "one_over_n": "the loss is a mean over the n samples, so Delta^L = (P - Y) / n: every gradient is n times too large",
    "fan_out": "W^l feeds the layer and the penalty, so its gradient is the sum of both shares; the penalty's is lost",
}


# ---------------------------------------------------------------- the grader's own back-propagation
def _forward(weights, biases, X, hidden):
    f = get_activation(hidden)
    zs, activations = [], [X]
    for l, (W, b) in enumerate(zip(weights, biases), start=1):
        zs.append(activations[-1] @ W.T + b)
        if l < len(weights):
            activations.append(f(zs[-1]))
        else:
            e = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
            activations.append(e / e.sum(axis=1, keepdims=True))
    return zs, activations


def variant(weights, biases, X, Y, hidden, lam, bugs=()):
    """(grad_weights, grad_biases) of the exercise's loss as the given code computes them with ``bugs``
    still in it (none: the right gradients); None where that code raises (a transposed non-square W)."""
    f = get_activation(hidden)
    zs, activations = _forward(weights, biases, X, hidden)
    L = len(weights)
    delta = activations[L] - Y
    if "one_over_n" not in bugs:
        delta = delta / len(X)
    grad_weights, grad_biases = [None] * L, [None] * L
    for l in range(L, 0, -1):
        share = delta.T @ activations[l - 1]
        grad_weights[l - 1] = share if "fan_out" in bugs else lam * weights[l - 1] + share
        grad_biases[l - 1] = delta.sum(axis=1 if "axis" in bugs else 0)
        if l > 1:
            W = weights[l - 1]
            if "transposed" in bugs:
                if W.shape[0] != W.shape[1]:
                    return None
                grad_a = delta @ W.T
            else:
                grad_a = delta @ W
            delta = grad_a if "derivative" in bugs else grad_a * f.derivative(zs[l - 2])
    return grad_weights, grad_biases


def _same(got, want) -> bool:
    return want is not None and explain_mismatch(got, want, rtol=1e-6, atol=1e-9) is None


def _subsets(items):
    return [set(c) for r in range(len(items) + 1) for c in combinations(items, r)]


def _network(rng, sizes, n):
    weights = [rng.normal(0, 0.8, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
    return weights, biases, rng.normal(size=(n, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]


def fix_probe(rng, bug, sizes, n, hidden, lam):
    """backward(...) on a fresh network on which ``bug`` changes the result whatever the other bugs do."""
    others = [b for b in BACKWARD_BUGS if b != bug]
    for _ in range(100):
        weights, biases, X, Y = _network(rng, sizes, n)
        accepted = [variant(weights, biases, X, Y, hidden, lam, s) for s in _subsets(others)]
        rejected = [variant(weights, biases, X, Y, hidden, lam, s | {bug}) for s in _subsets(others)]
        if not any(_same(a, r) for a in accepted if a is not None for r in rejected):
            break
    else:  # pragma: no cover - the configurations below always show their bug
        raise RuntimeError(f"no network on which {bug} shows: {sizes}, n={n}, {hidden}, lam={lam}")
    return call("backward", weights, biases, X, Y, hidden, lam).keep(bug=bug, accepted=accepted, rejected=rejected)


def _judge(got, expected, probe):
    """A line: the key's number. A fix: the given code with this bug fixed (and any others), else why not."""
    bug = probe.private["bug"]
    if probe.private.get("line"):
        line = got.get(bug) if isinstance(got, dict) else None
        if isinstance(line, bool) or not isinstance(line, (int, float)) or line != LINES[bug]:
            return f"bug_lines()[{bug!r}] is {line!r}: that is not the line of {WHAT[bug]}"
        return None
    if any(_same(got, want) for want in probe.private["accepted"] if want is not None):
        return None
    if any(_same(got, want) for want in probe.private["rejected"]):
        return f"{WHAT[bug]} is still there: {STILL_THERE[bug]}"
    problem = explain_mismatch(got, expected, rtol=1e-6, atol=1e-9)
    return (
        "this is neither the right gradients nor the given code with this bug fixed (change only the "
        f"buggy lines); against the right gradients: {problem}"
    )


def _line_probe(rng, bug):
    # The answer is a fixed number; the random salt only makes this probe's inputs fresh, as every check's must be.
    return probe("bug_lines()", salt=int(rng.integers(1 << 30))).keep(bug=bug, line=True).describe("bug_lines()")


# Where each backward bug shows (Part 2's visible_bugs): its visible check uses the example's shape,
# its hidden one several sizes, a batch of one where the bug shows with one sample, and each activation.
# Only "transposed" meets a non-square W^l (l >= 2), where the given code raises.
_CASES = {
    "transposed": (
        [([2, 3, 3, 3], 5, "tanh", 0.05)],
        [
            ([3, 5, 2], 1, "identity", 0.0),
            ([2, 4, 4], 1, "sigmoid", 0.1),
            ([4, 3, 6, 2], 3, "relu", 0.0),
            ([3, 4, 4, 4], 6, "leaky_relu", 0.02),
        ],
    ),
    "derivative": (
        [([2, 3, 3, 3], 5, "tanh", 0.05)],
        [([3, 4, 4], 1, "sigmoid", 0.0), ([2, 3, 3, 3], 4, "leaky_relu", 0.1), ([5, 2, 2], 7, "tanh", 0.0)],
    ),
    "axis": (
        [([2, 3, 3, 3], 5, "tanh", 0.05)],
        [
            ([4, 3], 1, "identity", 0.0),
            ([3, 4, 4], 4, "relu", 0.1),
            ([2, 2, 2, 2], 2, "sigmoid", 0.0),
            ([5, 3, 3], 3, "tanh", 0.3),
        ],
    ),
    "one_over_n": (
        [([2, 3, 3, 3], 5, "tanh", 0.05)],
        [([4, 3], 6, "identity", 0.0), ([3, 4, 4], 2, "relu", 0.1), ([2, 3, 3, 3], 9, "sigmoid", 0.0)],
    ),
    "fan_out": (
        [([2, 3, 3, 3], 5, "tanh", 0.05)],
        [
            ([4, 3], 1, "identity", 0.5),
            ([3, 4, 4], 1, "sigmoid", 0.1),
            ([2, 3, 3, 3], 4, "relu", 0.02),
            ([5, 2, 2], 6, "leaky_relu", 1.0),
        ],
    ),
}


# ---------------------------------------------------------------- Part 1: the checker
gradient = SPEC.part("checker_gradient_tests", "Part 1: centred differences")
_FUNCTIONS = [
    "lambda v: float(np.sum(v ** 3))",
    "lambda v: float(np.sum(np.sin(v)) * v.flat[0])",
    "lambda v: float(np.log(1 + np.sum(v ** 2)))",
]
_UNCHANGED = "x_before = x.copy()\ng = centred_gradient(f, x)\nresult = (g, x_before, x)"


@gradient.check(
    "centred_gradient of sum(x^3) at [1, 2] and at a random vector",
    points=0.5,
    rtol=1e-7,
    hint="(f(x + h e_i) - f(x - h e_i)) / (2 h) for each entry i, shaped like x",
)
def gradient_example(rng):
    return [
        call("centred_gradient", code(_FUNCTIONS[0]), np.array([1.0, 2.0])),
        call("centred_gradient", code(_FUNCTIONS[0]), rng.normal(size=2)),
    ]


@gradient.check(
    "centred_gradient of several functions of vectors and matrices, x left unchanged",
    points=0.5,
    hidden=True,
    rtol=1e-7,
    hint="nudge a copy of x (or put each entry back): the caller's x must not move",
)
def gradient_random(rng):
    return [
        probe(_UNCHANGED, f=code(source), x=rng.normal(size=shape)).describe(
            f"centred_gradient({source}, x of shape {shape}) and x before and after"
        )
        for source, shape in zip(_FUNCTIONS, [(3, 2), (4,), (2, 3)])
    ]


error = SPEC.part("checker_error_tests", "Part 1: the element-wise relative error")


@error.check(
    "elementwise_relative_error of [1, 3] against [1, 1], of zeros, and of random arrays",
    points=0.5,
    hint="|a - b| / (|a| + |b|), entry by entry, and 0 where both entries are 0",
)
def error_example(rng):
    return [
        call("elementwise_relative_error", np.array([1.0, 3.0]), np.array([1.0, 1.0])),
        call("elementwise_relative_error", np.zeros(2), np.zeros(2)),
        call("elementwise_relative_error", rng.normal(size=3), rng.normal(size=3)),
    ]


@error.check(
    "elementwise_relative_error of matrices: a flipped sign, a factor, zeros in both, and random ones",
    points=0.5,
    hidden=True,
    hint="|a - b| / (|a| + |b|), entry by entry, and 0 where both entries are 0",
)
def error_random(rng):
    a = rng.normal(size=(3, 4))
    b = rng.normal(size=(3, 4))
    a[0, 0] = b[0, 0] = 0.0
    return [
        call("elementwise_relative_error", a, -a),
        call("elementwise_relative_error", a, 3 * a),
        call("elementwise_relative_error", a, b),
    ]


# ---------------------------------------------------------------- Part 2: predictions
scaled = SPEC.part("predict_scaled_tests", "Part 2: the relative error of a scaled gradient")


@scaled.check(
    "relative_error_of_scaled at c = 5 (a missing 1/n on 5 samples) and at a random factor",
    points=0.5,
    hint="|c g - g| / (|c g| + |g|): the g cancels",
)
def scaled_example(rng):
    return [call("relative_error_of_scaled", 5.0), call("relative_error_of_scaled", float(rng.uniform(0.1, 10)))]


@scaled.check(
    "relative_error_of_scaled for a flipped sign and random factors of both signs",
    points=0.5,
    hidden=True,
    hint="|c - 1| / (|c| + 1); a flipped sign (c = -1) gives 1",
)
def scaled_random(rng):
    return [call("relative_error_of_scaled", c) for c in (-1.0, *rng.uniform(-10, 10, size=3))]


visible = SPEC.part("visible_tests", "Part 2: which bugs a checker can see")
_ACTIVATIONS = ["tanh", "sigmoid", "relu", "leaky_relu", "identity"]
WHY_VISIBLE = (
    "a batch of one hides the missing 1/n; lam = 0 hides the fan-out; identity units hide the missing "
    "derivative; one layer hides both bugs of the step between layers; the sign is never a gradient's"
)


def _visible_compare(got, expected, probe):
    if not isinstance(got, (list, tuple)) or list(got) != list(expected):
        wrong = (
            sorted(set(got) ^ set(expected))
            if isinstance(got, (list, tuple)) and all(isinstance(k, str) for k in got)
            else None
        )
        return f"expected {expected!r}" + (f" (look again at {wrong})" if wrong else "")
    return None


@visible.check(
    "visible_bugs for the example (5 samples, lam 0.05, tanh, 3 layers) and a random configuration",
    points=0.5,
    compare=_visible_compare,
    hint=WHY_VISIBLE,
)
def visible_example(rng):
    return [
        call("visible_bugs", 5, 0.05, "tanh", 3),
        call(
            "visible_bugs",
            int(rng.integers(2, 9)),
            float(rng.choice([0.0, 0.1])),
            str(rng.choice(_ACTIVATIONS)),
            int(rng.integers(1, 4)),
        ),
    ]


@visible.check(
    "visible_bugs for random configurations: a batch of one, no penalty, identity units, one layer",
    points=0.5,
    hidden=True,
    compare=_visible_compare,
    hint=WHY_VISIBLE,
)
def visible_random(rng):
    fixed = [(1, 0.0, "identity", 2), (8, 0.1, "relu", 1), (1, 0.3, "sigmoid", 4), (3, 0.0, "identity", 1)]
    drawn = [
        (
            int(rng.integers(1, 9)),
            float(rng.choice([0.0, 0.01, 1.0])),
            str(rng.choice(_ACTIVATIONS)),
            int(rng.integers(1, 5)),
        )
        for _ in range(4)
    ]
    return [call("visible_bugs", *case) for case in fixed + drawn]


# ---------------------------------------------------------------- Part 3: the bugs, one part each
def _register(bug, title):
    part = SPEC.part(f"{bug}_tests", f"Part 3: {title}")
    visible_cases, hidden_cases = _CASES[bug]

    @part.check(
        f"backward on a random network shaped like the example: {title} fixed",
        points=0.5,
        compare=_judge,
        hint=STILL_THERE[bug],
    )
    def visible(rng):
        return [fix_probe(rng, bug, *case) for case in visible_cases]

    @part.check(
        f"the line of {title}, and its fix on fresh networks: several sizes, a batch of one, each hidden activation",
        points=0.5,
        hidden=True,
        compare=_judge,
        hint=STILL_THERE[bug],
    )
    def hidden(rng):
        return [_line_probe(rng, bug)] + [fix_probe(rng, bug, *case) for case in hidden_cases]


for _bug in BACKWARD_BUGS:
    _register(_bug, WHAT[_bug])


sign = SPEC.part("sign_tests", f"Part 3: {WHAT['sign']}")


def _judge_step(got, expected, probe):
    if probe.private.get("line"):
        return _judge(got, expected, probe)
    problem = explain_mismatch(got, expected, rtol=1e-6, atol=1e-9)
    if problem and _same(got, probe.private["uphill"]):
        return "the weights still move uphill: a step goes against the gradient, W - rate * dL/dW"
    return problem


def _step_probe(rng, shapes, rate):
    weights = [rng.normal(size=s) for s in shapes]
    biases = [rng.normal(size=s[0]) for s in shapes]
    grad_weights = [rng.normal(size=s) for s in shapes]
    grad_biases = [rng.normal(size=s[0]) for s in shapes]
    uphill = (
        [W + rate * g for W, g in zip(weights, grad_weights)],
        [b - rate * g for b, g in zip(biases, grad_biases)],
    )
    return call("sgd_step", weights, biases, grad_weights, grad_biases, rate).keep(uphill=uphill)


@sign.check(
    "sgd_step on the test cell's example and on a random 2-3-2 network",
    points=0.5,
    compare=_judge_step,
    hint="move every parameter against its gradient: p - rate * dL/dp",
)
def sign_example(rng):
    example = call(
        "sgd_step", [np.array([[1.0, 2.0]])], [np.array([0.5])], [np.array([[1.0, -1.0]])], [np.array([2.0])], 0.1
    ).keep(uphill=([np.array([[1.1, 1.9]])], [np.array([0.3])]))
    return [example, _step_probe(rng, [(3, 2), (2, 3)], 0.5)]


@sign.check(
    f"the line of {WHAT['sign']}, and sgd_step on fresh networks of 1 to 3 layers",
    points=0.5,
    hidden=True,
    compare=_judge_step,
    hint="move every parameter against its gradient: p - rate * dL/dp",
)
def sign_random(rng):
    return [
        _line_probe(rng, "sign"),
        _step_probe(rng, [(4, 3)], float(rng.uniform(0.01, 1))),
        _step_probe(rng, [(5, 2), (5, 5), (3, 5)], float(rng.uniform(0.01, 1))),
    ]
