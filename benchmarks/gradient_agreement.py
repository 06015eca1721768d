"""Do course_lib's gradients agree with PyTorch autograd's, for every activation and loss?

For random networks of several shapes, every hidden activation, and every output
activation and loss the course pairs, the script computes dL/dW and dL/db with
``MLP.backward`` and with PyTorch autograd on the same float64 weights, inputs
and targets, and reports the largest element-wise relative difference
|a - t| / (|a| + |t|) over every entry of every parameter (the course's
``relative_error``). Both compute the same formulas in float64, so the only
differences are rounding: the goal is below 1e-10.

The PyTorch side is written from the loss definitions, not from course_lib's
code: mean squared error over every element, binary cross-entropy over every
element, cross-entropy as the mean over samples of -sum_k y_k log p_k (from the
logits, as ``log_softmax``, where the output is softmax).

    python3 benchmarks/gradient_agreement.py
    python3 benchmarks/gradient_agreement.py --quick
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from threadpoolctl import threadpool_limits

from course_lib import ACTIVATION_NAMES, MLP, relative_error
from course_lib.gradcheck import relative_errors

from _common import describe
from _results import record

GOAL = 1e-10
WELL_CONDITIONED = 100.0  # sum|terms| / |result| below this: a sum without heavy cancellation
SHAPES = ([3, 1], [4, 5, 3], [5, 8, 8, 3], [64, 64, 10], [784, 128, 10])
QUICK_SHAPES = ([3, 1], [4, 5, 3])
HIDDEN = [name for name in ACTIVATION_NAMES if name != "softmax"]
# (output activation, loss): mean squared error after every output; each cross-entropy
# after the output it is made for (course_lib fuses those two) and after the other one.
PAIRS = [(output, "mse") for output in ACTIVATION_NAMES] + [
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "cross_entropy"),
]
BATCH = 16


def targets(rng, n: int, k: int, loss: str) -> np.ndarray:
    if loss == "mse":
        return rng.standard_normal((n, k))
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, (n, k)).astype(np.float64)
    return np.eye(k)[rng.integers(0, k, n)]  # one-hot rows


def torch_gradients(torch, net: MLP, X, Y, hidden: str, output: str, loss: str):
    """dL/dW and dL/db by autograd, from the definitions; every tensor float64."""
    F = torch.nn.functional
    activation = {
        "identity": lambda z: z,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
        "softmax": lambda z: torch.softmax(z, dim=1),
    }
    params = [torch.tensor(p, requires_grad=True) for p in net.parameters()]
    a, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    for l in range(net.n_layers):
        W, b = params[2 * l], params[2 * l + 1]
        z = a @ W.T + b
        a = activation[output if l == net.n_layers - 1 else hidden](z)
    if loss == "mse":
        value = ((a - Y_t) ** 2).mean()
    elif loss == "binary_cross_entropy":
        value = F.binary_cross_entropy_with_logits(z, Y_t) if output == "sigmoid" else F.binary_cross_entropy(a, Y_t)
    elif output == "softmax":
        value = -(Y_t * F.log_softmax(z, dim=1)).sum() / Y_t.shape[0]
    else:
        value = -(Y_t * torch.log(a)).sum() / Y_t.shape[0]
    value.backward()
    return [p.grad.numpy() for p in params]


def cancellation(grads, theirs) -> tuple[float, float]:
    """Why the largest relative differences are rounding: how much the sums behind them cancel.

    Each entry of dL/dW[l] = delta[l].T @ a[l] (and dL/db[l]) is a sum over the batch.
    Rounding a sum can be off by about eps * sum|terms|: relative to the result, that is
    eps times the cancellation sum|terms| / |result|, large when the terms nearly cancel.
    Returns (the cancellation at the entry with the largest relative difference, and the
    largest relative difference among entries whose cancellation is below ``WELL_CONDITIONED``).
    """
    worst, at_worst, well_conditioned = -1.0, 1.0, 0.0
    for l, (delta, a) in enumerate(zip(grads.deltas, grads.trace.activations)):
        for ours, terms, other in (
            (grads.weights[l], np.abs(delta).T @ np.abs(a), theirs[2 * l]),
            (grads.biases[l], np.abs(delta).sum(axis=0), theirs[2 * l + 1]),
        ):
            relative = relative_errors(ours, other)
            ratio = terms / np.maximum(np.abs(ours), 1e-300)
            i = np.unravel_index(np.argmax(relative), relative.shape)
            if relative[i] > worst:
                worst, at_worst = float(relative[i]), float(ratio[i])
            well_conditioned = max(
                well_conditioned, float(np.max(relative, where=ratio < WELL_CONDITIONED, initial=0.0))
            )
    return at_worst, well_conditioned


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two small shapes only: a smoke run")
    args, _ = parser.parse_known_args(argv)
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        sys.exit("gradient_agreement.py needs PyTorch: `python3 course.py bench` installs it (or pip install torch).")
    torch.set_num_threads(1)  # one thread each, as everywhere in these benchmarks
    threadpool_limits(limits=1)
    print(describe(threads=1))
    print(f"torch {torch.__version__}; float64; batch of {BATCH}; goal: every entry within {GOAL:.0e}\n")
    rng = np.random.default_rng(0)
    worst_overall, rows = 0.0, []
    for sizes in QUICK_SHAPES if args.quick else SHAPES:
        for hidden in HIDDEN:
            for output, loss in PAIRS:
                if output == "softmax" and sizes[-1] < 2:
                    continue
                net = MLP(sizes, hidden, output, loss, seed=int(rng.integers(1 << 30)))
                for b in net.biases:  # non-zero biases, so every bias gradient is exercised
                    b[:] = rng.normal(0.0, 0.5, b.shape)
                X = rng.standard_normal((BATCH, sizes[0]))
                Y = targets(rng, BATCH, sizes[-1], loss)
                grads = net.backward(X, Y)
                ours = grads.parameters()
                theirs = torch_gradients(torch, net, X, Y, hidden, output, loss)
                worst = max(relative_error(a, t) for a, t in zip(ours, theirs))
                rows.append((sizes, hidden, output, loss, worst, cancellation(grads, theirs)))
                worst_overall = max(worst_overall, worst)
    rows.sort(key=lambda row: -row[4])
    print(f"{len(rows)} networks; the five largest differences:")
    print(
        f"{'shape':<16} {'hidden':<11} {'output':<9} {'loss':<21} {'max rel. diff':>13} "
        f"{'cancellation there':>18} {'diff / (eps x cancellation)':>27}"
    )
    eps = np.finfo(np.float64).eps
    for sizes, hidden, output, loss, worst, (ratio, _) in rows[:5]:
        print(
            f"{'-'.join(map(str, sizes)):<16} {hidden:<11} {output:<9} {loss:<21} {worst:>13.1e} "
            f"{ratio:>18.1e} {worst / (eps * ratio):>27.1f}"
        )
    conditioned = max(row[5][1] for row in rows)
    print(
        f"(cancellation: sum|terms| / |result| of the sum behind that entry.) Over the entries whose sums "
        f"cancel less than {WELL_CONDITIONED:.0f}-fold, the largest relative difference is {conditioned:.1e}."
    )
    met = worst_overall < GOAL
    print(
        f"\nlargest element-wise relative difference over all {len(rows)}: {worst_overall:.1e} "
        f"({'below' if met else 'NOT below'} {GOAL:.0e})"
    )
    record(
        "gradient agreement",
        f"course_lib vs PyTorch autograd, float64, {len(rows)} networks: largest element-wise relative difference",
        float(f"{worst_overall:.2e}"),
        "",
        goal=f"< {GOAL:.0e}",
        met=met,
        note=f"worst: {'-'.join(map(str, rows[0][0]))} {rows[0][1]}/{rows[0][2]}/{rows[0][3]}, at an entry whose "
        f"sum cancels {rows[0][5][0]:.0e}-fold; entries cancelling < {WELL_CONDITIONED:.0f}-fold: {conditioned:.0e}",
    )
    record(
        "gradient agreement",
        f"same, over the entries whose sums cancel less than {WELL_CONDITIONED:.0f}-fold",
        float(f"{conditioned:.2e}"),
        "",
        note="information: where rounding is not amplified by cancellation",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
