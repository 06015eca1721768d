"""How close does a course_lib training step come to the machine's limit?

The limit: numpy's rate on one large matrix product (2048 x 2048 x 2048) on the
same machine, in the same run, with the same number of threads. The work: one
training step of the MNIST-shaped network (784-128-10, tanh hidden layer, softmax +
cross-entropy), counted as the multiply-adds of its matrix products, 2 flops each:

    forward    Z1 = X W1^T (n x 784 x 128)    Z2 = A1 W2^T (n x 128 x 10)
    backward   dW2 = D2^T A1 (10 x n x 128)   D2 W2 (n x 10 x 128)   dW1 = D1^T X (128 x n x 784)

(no product for the gradient with respect to the input X, which no one needs).
Everything else a step does (bias adds, tanh, softmax, the loss, the update)
is work too but is not counted: the achieved rate is the counted flops over the
whole step's time. Two measurements of that time:

- ``step``: ``net.backward_unchecked(net.trace_unchecked(Xb), Yb)`` then ``net.step_unchecked(...)``,
  what ``train`` runs for each batch, on batches already in memory;
- ``train``: a whole epoch of ``course_lib.train`` over 60,000 samples, per step:
  the above plus gathering each shuffled batch from the 188 MB (float32) data
  set and the loss and accuracy record.

Times are the least thread-CPU time of several tries (``_common.best_cpu_seconds``),
for the GEMM as for the steps, so another program taking the core does not count.
Then a profile of the step, part by part, says where the time goes.

    python3 benchmarks/machine_limit.py             # 1 thread
    python3 benchmarks/machine_limit.py --quick     # small sizes: a smoke run
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from threadpoolctl import threadpool_limits

import course_lib

from _common import best_cpu_seconds, blas_kernel, describe, load_average, openblas_settings
from _results import record

SIZES = (784, 128, 10)
GOALS = {("float32", 256): 0.85, ("float32", 64): 0.70}  # issue 14, single thread


def counted_flops(n: int) -> int:
    """2 x the multiply-adds of one step's products at batch n (see the module docstring)."""
    n_in, n_hidden, n_out = SIZES
    forward = n * n_in * n_hidden + n * n_hidden * n_out
    backward = n_out * n * n_hidden + n * n_out * n_hidden + n_hidden * n * n_in
    return 2 * (forward + backward)


def torch_gemm_rate(dtype: str, size: int, tries: int, threads: int) -> float | None:
    """Flops per second of PyTorch's size^3 product (its own BLAS, MKL on x86), or None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    A = torch.rand(size, size, dtype=getattr(torch, dtype))
    C = torch.empty(size, size, dtype=A.dtype)
    return 2 * size**3 / best_cpu_seconds(lambda: torch.mm(A, A, out=C), tries, threads=threads)


def gemm_rate(dtype: str, size: int, tries: int, threads: int) -> float:
    """Flops per second of numpy's size^3 matrix product, the best of ``tries``."""
    rng = np.random.default_rng(0)
    A, B = rng.random((size, size)).astype(dtype), rng.random((size, size)).astype(dtype)
    C = np.empty((size, size), dtype=dtype)
    seconds = best_cpu_seconds(lambda: np.matmul(A, B, out=C), tries, threads=threads)
    return 2 * size**3 / seconds


class Problem:
    """The net, a data set, and a few pre-gathered batches for the step measurements."""

    def __init__(self, dtype: str, batch: int, n_samples: int):
        rng = np.random.default_rng(0)
        self.X = rng.standard_normal((n_samples, SIZES[0])).astype(dtype)
        self.y = rng.integers(0, SIZES[-1], n_samples)
        self.net = course_lib.MLP(SIZES, "tanh", "softmax", "cross_entropy", seed=1, dtype=dtype)
        X, Y = self.net.prepare(self.X[: 8 * batch], self.y[: 8 * batch])
        # Eight different batches in turn, so the step does not always find its batch in the cache.
        self.batches = [(X[i : i + batch].copy(), Y[i : i + batch].copy()) for i in range(0, 8 * batch, batch)]
        self.batch, self.turn = batch, 0

    def step(self):
        Xb, Yb = self.batches[self.turn % len(self.batches)]
        self.turn += 1
        with np.errstate(all="ignore"):
            grads = self.net.backward_unchecked(self.net.trace_unchecked(Xb), Yb)
        self.net.step_unchecked(grads, 1e-3)  # small steps: the weights stay sensible through every try

    def epoch(self):
        course_lib.train(self.net, self.X, self.y, epochs=1, batch_size=self.batch, learning_rate=1e-3, seed=0)


def profile(problem: Problem, tries: int, threads: int) -> list[tuple[str, float, int]]:
    """(part, best seconds, counted flops) for each piece of one step, in the order the step runs them."""
    net = problem.net
    Xb, Yb = problem.batches[0]
    (W1, W2), (b1, b2) = net.weights, net.biases
    grads = net.backward_unchecked(net.trace_unchecked(Xb), Yb)
    Z1, Z2 = grads.trace.zs
    A1, P = grads.trace.activations[1], grads.trace.activations[2]
    D2, D1 = grads.deltas[1], grads.deltas[0]
    n = Xb.shape[0]
    parts = [
        ("forward product X @ W1.T", lambda: Xb @ W1.T, 2 * n * SIZES[0] * SIZES[1]),
        ("add b1, tanh", lambda: np.tanh(Z1 + b1), 0),
        ("forward product A1 @ W2.T, add b2", lambda: A1 @ W2.T + b2, 2 * n * SIZES[1] * SIZES[2]),
        ("softmax", lambda: net.output_activation(Z2), 0),
        ("output error (P - Y) / n", lambda: net.loss_function.gradient_from_logits(P, Yb), 0),
        ("dW2 = D2.T @ A1, db2", lambda: (D2.T @ A1, D2.sum(axis=0)), 2 * n * SIZES[1] * SIZES[2]),
        (
            "D2 @ W2, tanh backward",
            lambda: net.hidden_activation.backward(D2 @ W2, Z1, A1),
            2 * n * SIZES[1] * SIZES[2],
        ),
        ("weight-gradient product dW1 = D1.T @ X", lambda: D1.T @ Xb, 2 * n * SIZES[0] * SIZES[1]),
        ("db1 = D1.sum(axis=0)", lambda: D1.sum(axis=0), 0),
        ("loss (cross-entropy from the logits)", lambda: net.loss_unchecked(grads.trace, Yb), 0),
        ("update W -= eta dW, b -= eta db (4 arrays)", lambda: net.step_unchecked(grads, 0.0), 0),
    ]
    return [(name, best_cpu_seconds(work, tries, inner=5, threads=threads), flops) for name, work, flops in parts]


def fixed_cost(dtype: str, batch: int, tries: int, threads: int) -> float:
    """Seconds of one step of a 2-2-10 network on ``batch`` samples: the same calls, almost no product arithmetic."""
    rng = np.random.default_rng(0)
    net = course_lib.MLP((2, 2, SIZES[-1]), "tanh", "softmax", "cross_entropy", seed=1, dtype=dtype)
    X, Y = net.prepare(rng.standard_normal((batch, 2)), rng.integers(0, SIZES[-1], batch))

    def step():
        net.step_unchecked(net.backward_unchecked(net.trace_unchecked(X), Y), 1e-3)

    return best_cpu_seconds(step, tries, inner=10, threads=threads)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small sizes and few tries: a smoke run")
    parser.add_argument(
        "--information",
        action="store_true",
        help="record the rows as information, without goals (run_all.py's second run, "
        "with the machine's OpenBLAS overrides)",
    )
    args, _ = parser.parse_known_args(argv)
    gemm_size, n_samples, tries = (256, 2_000, 2) if args.quick else (2048, 60_000, 7)
    step_tries = 3 if args.quick else 40
    with threadpool_limits(limits=args.threads):
        print(describe(args.threads))
        clock = "thread-CPU time" if args.threads == 1 else "wall-clock time"
        print(f"limit: a {gemm_size}^3 matrix product; times: least {clock} of several tries\n", flush=True)
        rows = []
        for dtype in ("float32", "float64"):
            peak = gemm_rate(dtype, gemm_size, tries, args.threads)
            print(f"{dtype}: numpy's {gemm_size}^3 product runs at {peak / 1e9:.1f} GFLOP/s", flush=True)
            theirs = torch_gemm_rate(dtype, gemm_size, tries, args.threads)
            if theirs is not None and not args.information:
                # For comparisons with PyTorch: its BLAS may run other kernels than numpy's.
                print(f"{dtype}: PyTorch's {gemm_size}^3 product runs at {theirs / 1e9:.1f} GFLOP/s", flush=True)
                record(
                    "machine limit",
                    f"{dtype} {gemm_size}^3 GEMM rate, PyTorch (its own BLAS) / numpy",
                    round(theirs / peak, 3),
                    "",
                    note=f"{theirs / 1e9:.0f} against {peak / 1e9:.0f} GFLOP/s; information",
                )
            for batch in (64, 256):
                problem = Problem(dtype, batch, n_samples)
                step = best_cpu_seconds(problem.step, step_tries, inner=10, threads=args.threads)
                epoch = best_cpu_seconds(problem.epoch, 1 if args.quick else 3, threads=args.threads)
                per_step = epoch / -(-n_samples // batch)
                parts = profile(problem, step_tries, args.threads)
                fixed = fixed_cost(dtype, batch, step_tries, args.threads)
                rows.append(
                    dict(dtype=dtype, batch=batch, peak=peak, step=step, train=per_step, parts=parts, fixed=fixed)
                )
                print(
                    f"  batch {batch}: step {step * 1e6:.0f} us = {counted_flops(batch) / step / peak:.0%} of the "
                    f"product's rate; train {per_step * 1e6:.0f} us a step = {counted_flops(batch) / per_step / peak:.0%}",
                    flush=True,
                )
    print(f"load average at the end: {load_average()}\n")
    print(
        "| dtype | batch | GEMM GFLOP/s | step us | step GFLOP/s | step / GEMM | products alone / GEMM "
        "| train() us a step | train() / GEMM | goal (step / GEMM) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        flops = counted_flops(r["batch"])
        products = sum(seconds for _, seconds, f in r["parts"] if f)
        goal = None if args.information else GOALS.get((r["dtype"], r["batch"]))
        fraction = flops / r["step"] / r["peak"]
        print(
            f"| {r['dtype']} | {r['batch']} | {r['peak'] / 1e9:.1f} | {r['step'] * 1e6:.0f} | "
            f"{flops / r['step'] / 1e9:.1f} | {fraction:.0%} | {flops / products / r['peak']:.0%} | "
            f"{r['train'] * 1e6:.0f} | {flops / r['train'] / r['peak']:.0%} | {'' if goal is None else f'>= {goal:.0%}'} |"
        )
        where = f"batch {r['batch']} {r['dtype']}, {args.threads} thread{'s' * (args.threads > 1)}"
        if args.information:
            where += f", numpy's OpenBLAS on {blas_kernel()} kernels ({openblas_settings()})"
        record(
            "machine limit",
            f"{where}: training step rate / {gemm_size}^3 GEMM rate",
            round(fraction, 3),
            "",
            goal=None if goal is None else f">= {goal:.2f}",
            met=None if goal is None else fraction >= goal,
            note=f"products alone {flops / products / r['peak']:.0%} of GEMM; GEMM {r['peak'] / 1e9:.0f} GFLOP/s",
        )
        record(
            "machine limit",
            f"{where}: a step inside train() (shuffled gather, records) / GEMM rate",
            round(flops / r["train"] / r["peak"], 3),
            "",
            note="information",
        )
    for r in rows:
        print(
            f"\nwhere a step's time goes, batch {r['batch']} {r['dtype']} (each part timed alone, best of "
            f"{step_tries}; the step: {r['step'] * 1e6:.0f} us)"
        )
        print(f"{'part':<44} {'us':>7} {'share':>6} {'GFLOP/s':>8} {'of GEMM':>8}")
        for name, seconds, flops in r["parts"]:
            rate = f"{flops / seconds / 1e9:8.1f} {flops / seconds / r['peak']:8.0%}" if flops else ""
            print(f"{name:<44} {seconds * 1e6:7.1f} {seconds / r['step']:6.0%} {rate}")
        rest = r["step"] - sum(seconds for _, seconds, _ in r["parts"])
        print(f"{'the rest (Python, calls, caches), by difference':<44} {rest * 1e6:7.1f} {rest / r['step']:6.0%}")
        print(
            f"the same step for a 2-2-10 network (the same numpy calls, the same 10-wide output layer, almost no "
            f"products) takes {r['fixed'] * 1e6:.1f} us = {r['fixed'] / r['step']:.0%} of this step"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
