"""How fast does course_lib train, next to PyTorch doing exactly the same work?

One epoch of plain mini-batch SGD on an MNIST-shaped problem: a 784-128-10
network (tanh hidden layer, softmax output, cross-entropy loss), 60,000 random
inputs with random labels, learning rate 0.05, for batch sizes 64 and 256 in
float32 and float64.

- course_lib runs ``course_lib.train(net, X, y, epochs=1, ...)``, the function
  learners call, so its time includes train's one-off input checks (finite
  values, labels to one-hot rows) and its per-batch loss and accuracy record.
- PyTorch (CPU, eager, no compile) runs the same loop by hand: ``nn.Linear``
  layers started from the course_lib net's weights, ``nn.Tanh``,
  ``nn.CrossEntropyLoss`` (mean), ``torch.optim.SGD`` without momentum or
  weight decay, the same shuffled order cut into the same batches, the same
  dtype; and, like ``train``, it adds up the loss and the correct predictions.

The two alternate within one run (which goes first switches every repeat) and
the table reports the median of the repeats. Both use the same number of
threads, for numpy's BLAS through threadpoolctl and for PyTorch through
``torch.set_num_threads``. After the first repeat the script checks that both
nets end the epoch with the same weights (the same math, up to rounding) and
stops with an error if they do not: a speed comparison of different
computations would mean nothing.

    python3 benchmarks/train_speed.py                  # 1 thread, 5 repeats
    python3 benchmarks/train_speed.py --threads 2 --repeats 9
    python3 benchmarks/train_speed.py --samples 2000 --repeats 1   # a quick smoke run

The ratio is course_lib's time over PyTorch's: below 1 means course_lib is faster.
The times are wall-clock medians. The CPU-time ratio beside them (medians of the
process's CPU seconds) is a cross-check on a shared machine, where waiting for
a core inflates wall-clock times at random; with more than one thread it adds
up every thread's work, spinning included, so there the wall-clock ratio rules.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

# Let the script run from a checkout where the course is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import course_lib  # noqa: E402

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("train_speed.py needs PyTorch: `python3 course.py bench` installs it (or pip install torch).")

SIZES = (784, 128, 10)
LEARNING_RATE = 0.05
DATA_SEED, NET_SEED, SHUFFLE_SEED = 0, 1, 2
# After one epoch the two nets' weights may differ only by rounding: summation
# order differs between the libraries, and float32 keeps about 7 digits.
WEIGHT_TOLERANCE = {"float32": 1e-4, "float64": 1e-10}


def make_data(n_samples: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Random MNIST-shaped inputs X (n_samples, 784) of ``dtype`` and labels y (n_samples,) in 0..9."""
    rng = np.random.default_rng(DATA_SEED)
    X = rng.standard_normal((n_samples, SIZES[0])).astype(dtype)
    y = rng.integers(0, SIZES[-1], n_samples)
    return X, y


def make_course_net(dtype: str) -> course_lib.MLP:
    """The 784-128-10 tanh/softmax/cross-entropy net, the same initial weights every call."""
    return course_lib.MLP(SIZES, "tanh", "softmax", "cross_entropy", seed=NET_SEED, dtype=dtype)


def torch_twin(net: course_lib.MLP) -> "torch.nn.Sequential":
    """The same network in PyTorch, its Linear layers holding copies of net's weights and biases."""
    dtype = getattr(torch, net.dtype.name)
    layers = []
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))  # both store W as (n_out, n_in)
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if l < net.n_layers - 1:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def course_epoch(net: course_lib.MLP, X: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[float, float]:
    """One epoch of course_lib.train; returns (mean loss, accuracy) as train records them."""
    history = course_lib.train(net, X, y, epochs=1, batch_size=batch_size,
                               learning_rate=LEARNING_RATE, seed=SHUFFLE_SEED)
    return history.loss[0], history.accuracy[0]


def torch_epoch(model, X: np.ndarray, y: np.ndarray, batch_size: int) -> tuple[float, float]:
    """The same epoch in PyTorch; returns (mean loss, accuracy) summed the way train does."""
    # course_lib.train draws epoch 1's order as default_rng(seed).permutation(n); the
    # weight check after the first repeat confirms both really saw the same batches.
    n = X.shape[0]
    order = torch.from_numpy(np.random.default_rng(SHUFFLE_SEED).permutation(n))
    X_all, y_all = torch.from_numpy(X), torch.from_numpy(y)  # views, no copies
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_function = torch.nn.CrossEntropyLoss()
    loss_sum, correct = 0.0, 0
    for start in range(0, n, batch_size):
        index = order[start : start + batch_size]
        Xb, yb = X_all[index], y_all[index]
        output = model(Xb)
        loss = loss_function(output, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(index)
        correct += int((output.argmax(dim=1) == yb).sum())
    return loss_sum / n, correct / n


def weight_difference(net: course_lib.MLP, model) -> float:
    """Largest |course_lib - PyTorch| over every weight and bias, relative to that parameter's largest entry."""
    linears = [layer for layer in model if isinstance(layer, torch.nn.Linear)]
    worst = 0.0
    for W, b, linear in zip(net.weights, net.biases, linears):
        for ours, theirs in ((W, linear.weight), (b, linear.bias)):
            theirs = theirs.detach().numpy()
            worst = max(worst, float(np.max(np.abs(ours - theirs)) / np.max(np.abs(ours))))
    return worst


def timed(function, *args) -> tuple[float, float, object]:
    """Run ``function(*args)``; return its wall-clock seconds, its process CPU seconds and its result."""
    gc.collect()  # start each run with no garbage pending from the previous one
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def run_case(dtype: str, batch_size: int, n_samples: int, repeats: int) -> dict:
    """Time both libraries ``repeats`` times, alternating; check the first repeat's weights agree."""
    X, y = make_data(n_samples, dtype)
    warm = slice(0, min(n_samples, 4 * batch_size))  # a few batches each, so no first-call costs are timed
    course_epoch(make_course_net(dtype), X[warm], y[warm], batch_size)
    torch_epoch(torch_twin(make_course_net(dtype)), X[warm], y[warm], batch_size)

    times = {"course_lib": [], "PyTorch": []}
    cpu_times = {"course_lib": [], "PyTorch": []}
    case = {"dtype": dtype, "batch": batch_size}
    for repeat in range(repeats):
        net = make_course_net(dtype)
        model = torch_twin(net)
        runs = [("course_lib", course_epoch, net), ("PyTorch", torch_epoch, model)]
        for name, epoch, subject in runs if repeat % 2 == 0 else runs[::-1]:
            seconds, cpu_seconds, (loss, accuracy) = timed(epoch, subject, X, y, batch_size)
            times[name].append(seconds)
            cpu_times[name].append(cpu_seconds)
            case.setdefault(f"{name} loss", loss)
            case.setdefault(f"{name} accuracy", accuracy)
        if repeat == 0:
            case["weight difference"] = weight_difference(net, model)
    case["course_lib"] = statistics.median(times["course_lib"])
    case["PyTorch"] = statistics.median(times["PyTorch"])
    case["ratio"] = case["course_lib"] / case["PyTorch"]
    case["cpu ratio"] = statistics.median(cpu_times["course_lib"]) / statistics.median(cpu_times["PyTorch"])
    case["times"] = times
    return case


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-minute load average, or "unknown" where the system does not report one."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def describe_setup(threads: int, n_samples: int, repeats: int) -> str:
    blas = [
        f"{info['internal_api']} {info.get('version')} ({info.get('architecture', '?')}, "
        f"{info['num_threads']} thread{'s' * (info['num_threads'] != 1)}) from {Path(info['filepath']).name}"
        for info in threadpool_info() if info["user_api"] == "blas"
    ]
    torch_blas = "MKL" if torch.backends.mkl.is_available() else "its bundled BLAS"
    return "\n".join([
        f"date: {datetime.date.today().isoformat()}",
        f"machine: {cpu_name()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}",
        f"numpy BLAS: {'; '.join(blas) or 'unknown'}",
        f"PyTorch: {torch_blas}, torch.get_num_threads() = {torch.get_num_threads()}",
        f"threads: {threads} for both; 1-minute load average before the run: {load_average()} "
        "(near 0 on an idle machine; higher means other programs compete for the CPU: noisier times)",
        f"work: one epoch of {n_samples:,} samples, {SIZES[0]}-{SIZES[1]}-{SIZES[2]} tanh/softmax/cross-entropy, "
        f"SGD lr={LEARNING_RATE}; median of {repeats} alternating repeat{'s' * (repeats != 1)}",
        "course_lib: course_lib.train(epochs=1); PyTorch: the same loop by hand (gather, forward, loss, "
        "backward, step, loss and accuracy sums)",
    ])


def table(cases: list[dict]) -> str:
    header = ("| dtype   | batch | course_lib (s) | PyTorch (s) | course_lib / PyTorch | same, CPU time "
              "| weights max rel. diff |")
    lines = [header, "|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|"]
    for case in cases:
        lines.append(
            f"| {case['dtype']:<7} | {case['batch']:>5} | {case['course_lib']:>14.3f} | {case['PyTorch']:>11.3f} "
            f"| {case['ratio']:>20.2f} | {case['cpu ratio']:>14.2f} | {case['weight difference']:>21.1e} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for numpy's BLAS and for PyTorch (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs per library and case (default 5)")
    parser.add_argument("--samples", type=int, default=60_000, help="samples in the epoch (default 60000)")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    args = parser.parse_args(argv)
    if args.threads < 1 or args.repeats < 1 or args.samples < 1 or min(args.batch_sizes) < 1:
        parser.error("--threads, --repeats, --samples and --batch-sizes must be positive")

    torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads):
        print(describe_setup(args.threads, args.samples, args.repeats), flush=True)
        cases = []
        for dtype in args.dtypes:
            for batch_size in args.batch_sizes:
                case = run_case(dtype, batch_size, args.samples, args.repeats)
                cases.append(case)
                spread = ", ".join(f"{name} {min(t):.3f}-{max(t):.3f} s" for name, t in case["times"].items())
                print(f"  {dtype} batch {batch_size}: ratio {case['ratio']:.2f} (range {spread})", flush=True)
    print(f"load average after the run: {load_average()}")
    print()
    print(table(cases))
    print()
    failed = False
    for case in cases:
        tolerance = WEIGHT_TOLERANCE[case["dtype"]]
        same = case["weight difference"] <= tolerance
        failed |= not same
        print(
            f"{case['dtype']} batch {case['batch']}: weights {'agree' if same else 'DISAGREE'} "
            f"(max relative difference {case['weight difference']:.1e}, tolerance {tolerance:.0e}); "
            f"epoch loss {case['course_lib loss']:.6f} vs {case['PyTorch loss']:.6f}, "
            f"accuracy {case['course_lib accuracy']:.4f} vs {case['PyTorch accuracy']:.4f}"
        )
    slower = [f"{c['dtype']} batch {c['batch']}" for c in cases if c["ratio"] > 1]
    print("course_lib is no slower than PyTorch in every case" if not slower
          else f"course_lib is slower than PyTorch in: {', '.join(slower)}")
    if failed:
        print("ERROR: the two libraries did not compute the same thing; the timings are not comparable", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
