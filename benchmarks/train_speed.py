"""How fast does course_lib train, next to PyTorch and scikit-learn doing the same work?

Plain mini-batch SGD (no momentum, no weight decay), the same batch size, the same
learning rate, the same number of epochs, in float32 and float64:

- ``digits``: the capstone's network (lesson 10), 64-64-10, ReLU hidden layer,
  softmax + cross-entropy, batch 32, learning rate 0.05, on the 1,437 standardised
  training digits; timed over 10 epochs and reported per epoch;
- ``mnist``: the MNIST-shaped network, 784-128-10, tanh hidden layer, softmax +
  cross-entropy, 60,000 random inputs of MNIST's shape with random labels,
  learning rate 0.05, batch 64 and 256; one epoch.

The tools:

- course_lib: ``course_lib.train(net, X, y, ...)``, the function learners call
  (its time includes train's one-off input checks and its loss and accuracy record);
- course_lib before the library restructure (commit b563c9a, issue 9), loaded from
  git under another name, so both versions are timed in the same run;
- PyTorch (CPU, eager): the same loop by hand, ``nn.Linear`` layers holding copies
  of the course_lib net's starting weights, ``nn.CrossEntropyLoss``, ``optim.SGD``,
  the same shuffled order, the same loss and accuracy sums;
- scikit-learn: ``MLPClassifier(solver="sgd", momentum=0, alpha=0,
  learning_rate="constant", tol=0, early_stopping=False)`` with the same batch
  size, ``fit`` for the same number of epochs (its own initial weights and order).

After the first repeat the script checks that course_lib and PyTorch (and both
course_lib versions) end with the same weights, up to rounding, and fails
otherwise: a speed comparison of different computations would mean nothing.

    python3 benchmarks/train_speed.py                 # 1 thread, 5 repeats
    python3 benchmarks/train_speed.py --quick         # tiny sizes, a smoke run
    python3 benchmarks/train_speed.py --threads 2 --cases mnist --repeats 9

Ratios are course_lib's time over the other tool's: below 1 means course_lib is faster.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import course_lib
from course_lib import data

from _common import ROOT, alternate, blas_kernel, describe, load_average, median, openblas_settings
from _results import record

BEFORE_COMMIT = "b563c9a"  # the library before the restructure of issue 9
LEARNING_RATE = 0.05
DATA_SEED, NET_SEED, SHUFFLE_SEED = 0, 1, 2
# After training, the nets' weights may differ only by rounding: the libraries sum in
# different orders, and float32 keeps about 7 digits.
WEIGHT_TOLERANCE = {"float32": 1e-4, "float64": 1e-10}


# ----------------------------------------------------------------------------- the cases
def digits_data(dtype: str, quick: bool):
    """The capstone's standardised training digits: X (1437, 64) of ``dtype``, labels y (1437,)."""
    split = data.load_digits(test_fraction=0.2, seed=1)  # lesson 10's split
    mean, std = split.X_train.mean(axis=0), split.X_train.std(axis=0) + 0.1  # as lesson 10
    X, y = ((split.X_train - mean) / std).astype(dtype), split.y_train
    return (X[:200], y[:200]) if quick else (X, y)


def mnist_data(dtype: str, quick: bool):
    """Random MNIST-shaped inputs X (60000, 784) of ``dtype`` and labels y in 0..9."""
    n = 1_000 if quick else 60_000
    rng = np.random.default_rng(DATA_SEED)
    return rng.standard_normal((n, 784)).astype(dtype), rng.integers(0, 10, n)


def cases(names, dtypes, quick: bool) -> list[dict]:
    found = []
    for dtype in dtypes:
        if "digits" in names:
            found.append(
                dict(
                    name="digits",
                    sizes=(64, 64, 10),
                    hidden="relu",
                    batch=32,
                    epochs=2 if quick else 10,
                    dtype=dtype,
                    data=digits_data,
                )
            )
        if "mnist" in names:
            for batch in (64, 256):
                found.append(
                    dict(
                        name="mnist",
                        sizes=(784, 128, 10),
                        hidden="tanh",
                        batch=batch,
                        epochs=1,
                        dtype=dtype,
                        data=mnist_data,
                    )
                )
    return found


# ----------------------------------------------------------------------------- the tools
def library_at(commit: str):
    """course_lib as it was at ``commit``, imported as the package ``course_lib_<commit>``."""
    name = f"course_lib_{commit}"
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "course_lib"], capture_output=True, check=True
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="course_lib_before_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "course_lib").rename(folder / name)
    for path in (folder / name).rglob("*.py"):  # a few modules import their package by name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("from course_lib.", f"from {name}.").replace("import course_lib.", f"import {name}."),
            encoding="utf-8",
        )
    sys.path.insert(0, str(folder))
    return importlib.import_module(name)


def course_runner(library, case, X, y):
    def setup():
        return library.MLP(
            case["sizes"], case["hidden"], "softmax", "cross_entropy", seed=NET_SEED, dtype=case["dtype"]
        )

    def work(net):
        history = library.train(
            net, X, y, epochs=case["epochs"], batch_size=case["batch"], learning_rate=LEARNING_RATE, seed=SHUFFLE_SEED
        )
        return history.loss[-1], history.accuracy[-1]

    return setup, work


def torch_runner(torch, case, X, y):
    dtype = getattr(torch, case["dtype"])

    def setup():
        # The same starting weights as course_lib's net: nn.Linear stores W as (n_out, n_in) too.
        net = course_lib.MLP(
            case["sizes"], case["hidden"], "softmax", "cross_entropy", seed=NET_SEED, dtype=case["dtype"]
        )
        layers = []
        for l, (W, b) in enumerate(zip(net.weights, net.biases)):
            linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(W))
                linear.bias.copy_(torch.from_numpy(b))
            layers.append(linear)
            if l < len(net.weights) - 1:
                layers.append(torch.nn.ReLU() if case["hidden"] == "relu" else torch.nn.Tanh())
        return torch.nn.Sequential(*layers)

    def work(model):
        n = X.shape[0]
        X_all, y_all = torch.from_numpy(X), torch.from_numpy(y)  # views, no copies
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        loss_function = torch.nn.CrossEntropyLoss()
        rng = np.random.default_rng(SHUFFLE_SEED)  # course_lib.train's order: one permutation per epoch
        for _ in range(case["epochs"]):
            order = torch.from_numpy(rng.permutation(n))
            loss_sum, correct = 0.0, 0
            for start in range(0, n, case["batch"]):
                index = order[start : start + case["batch"]]
                Xb, yb = X_all[index], y_all[index]
                output = model(Xb)
                loss = loss_function(output, yb)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * len(index)
                correct += int((output.argmax(dim=1) == yb).sum())
        return loss_sum / n, correct / n

    return setup, work


def sklearn_runner(case, X, y):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    def setup():
        return MLPClassifier(
            hidden_layer_sizes=case["sizes"][1:-1],
            activation=case["hidden"],
            solver="sgd",
            batch_size=case["batch"],
            learning_rate="constant",
            learning_rate_init=LEARNING_RATE,
            momentum=0.0,
            nesterovs_momentum=False,
            alpha=0.0,
            max_iter=case["epochs"],
            shuffle=True,
            tol=0.0,
            n_iter_no_change=10**9,
            early_stopping=False,
            random_state=NET_SEED,
        )

    def work(model):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: the point
            model.fit(X, y)
        return model.loss_, float("nan")

    return setup, work


def weight_difference(course_net, other) -> float:
    """Largest |difference| over every weight and bias, relative to that parameter's largest entry."""
    if hasattr(other, "weights"):  # another course_lib version
        theirs = [p for pair in zip(other.weights, other.biases) for p in pair]
    else:  # a torch.nn.Sequential
        theirs = [p.detach().numpy() for layer in other if hasattr(layer, "weight") for p in (layer.weight, layer.bias)]
    ours = [p for pair in zip(course_net.weights, course_net.biases) for p in pair]
    return max(float(np.max(np.abs(a - b)) / np.max(np.abs(a))) for a, b in zip(ours, theirs))


# ----------------------------------------------------------------------------- the run
def run_case(case, tools, repeats: int, quick: bool) -> dict:
    X, y = case["data"](case["dtype"], quick)
    runs = {}
    for name, tool in tools.items():
        if name == "scikit-learn":
            runs[name] = sklearn_runner(case, X, y)
        elif name == "PyTorch":
            runs[name] = torch_runner(tool, case, X, y)
        else:
            runs[name] = course_runner(tool, case, X, y)
    # One short untimed round first, so no first-call costs (imports, allocations) are timed.
    warm = dict(case, epochs=1)
    first = slice(0, min(len(y), 4 * case["batch"]))
    for name, tool in tools.items():
        setup, work = (
            sklearn_runner(warm, X[first], y[first])
            if name == "scikit-learn"
            else torch_runner(tool, warm, X[first], y[first])
            if name == "PyTorch"
            else course_runner(tool, warm, X[first], y[first])
        )
        work(setup())
    times = alternate(runs, repeats)
    result = dict(case, n=len(y), times=times, agreement={})
    course_net = times["course_lib"]["state"][0]
    for name in tools:
        if name not in ("course_lib", "scikit-learn"):
            result["agreement"][name] = weight_difference(course_net, times[name]["state"][0])
    for name in tools:
        result[name] = median(times[name]["wall"]) / case["epochs"]
        result[name + " cpu"] = median(times[name]["cpu"]) / case["epochs"]
    return result


def label(case) -> str:
    return f"{case['name']} {'-'.join(map(str, case['sizes']))} batch {case['batch']} {case['dtype']}"


def report(results, tools, threads: int, information: bool = False) -> int:
    others = [name for name in tools if name != "course_lib"]
    header = (
        "| case | "
        + " | ".join(f"{name} s/epoch" for name in tools)
        + " | "
        + " | ".join(f"course_lib / {name} (CPU)" for name in others)
        + " |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in results:
        cells = [f"{r[name]:.3f}" for name in tools]
        cells += [f"{r['course_lib'] / r[name]:.2f} ({r['course_lib cpu'] / r[name + ' cpu']:.2f})" for name in others]
        lines.append(f"| {label(r)} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    print()
    failed = False
    for r in results:
        for name, difference in r["agreement"].items():
            tolerance = WEIGHT_TOLERANCE[r["dtype"]]
            agree = difference <= tolerance
            failed |= not agree
            print(
                f"{label(r)}: course_lib and {name} weights {'agree' if agree else 'DISAGREE'} after training "
                f"(max relative difference {difference:.1e}, tolerance {tolerance:.0e})"
            )
    # With one thread, the process's CPU time is the work itself: on a shared machine the wall
    # clock adds the waits for a core, at random. So one thread is judged on CPU time.
    judged = "CPU time" if threads == 1 else "wall-clock time"
    print(f"goals judged on {judged} per epoch (median of the repeats)")
    for r in results:
        for name in others:
            ratio, cpu_ratio = r["course_lib"] / r[name], r["course_lib cpu"] / r[name + " cpu"]
            value = cpu_ratio if threads == 1 else ratio
            if name == "PyTorch":
                goal, met = "<= 1 (no slower)", value <= 1
            elif name == "scikit-learn":
                goal, met = "< 1 (faster)", value < 1
            else:
                goal, met = "<= 1.05 (no slowdown beyond noise)", value <= 1.05
            where = label(r)
            if information:  # a second run in another setting: shown, not judged
                goal, met = None, None
                where += f", numpy's OpenBLAS on {blas_kernel()} kernels ({openblas_settings()})"
            record(
                "training speed",
                f"{where}: course_lib / {name}, {judged} per epoch",
                round(value, 3),
                "x",
                goal=goal,
                met=met,
                note=f"{r['course_lib cpu' if threads == 1 else 'course_lib']:.3f} s vs "
                f"{r[name + ' cpu' if threads == 1 else name]:.3f} s; "
                f"{'wall-clock' if threads == 1 else 'CPU-time'} ratio {ratio if threads == 1 else cpu_ratio:.2f}",
            )
    if failed:
        print("ERROR: the tools did not compute the same thing; the timings are not comparable", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for every tool (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per tool and case (default 5)")
    parser.add_argument("--cases", nargs="+", default=["digits", "mnist"], choices=["digits", "mnist"])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    parser.add_argument("--before", default=BEFORE_COMMIT, help="also time course_lib at this commit ('' to skip)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one repeat: a smoke run")
    parser.add_argument(
        "--information",
        action="store_true",
        help="record the ratios without goals (run_all.py's second run, with the machine's OpenBLAS overrides)",
    )
    args, _ = parser.parse_known_args(argv)  # run_all.py passes some options to every script
    repeats = 1 if args.quick else args.repeats
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        sys.exit("train_speed.py needs PyTorch: `python3 course.py bench` installs it (or pip install torch).")
    torch.set_num_threads(args.threads)
    tools = {"course_lib": course_lib}
    if args.before:
        try:
            tools[f"course_lib@{args.before}"] = library_at(args.before)
        except subprocess.CalledProcessError as error:  # e.g. a shallow clone without that commit
            print(f"course_lib at {args.before} not timed: git could not read it ({error.stderr.decode().strip()})")
    tools["PyTorch"] = torch
    tools["scikit-learn"] = None
    with threadpool_limits(limits=args.threads):
        print(describe(args.threads))
        print(
            f"torch {torch.__version__} ({'MKL' if torch.backends.mkl.is_available() else 'own BLAS'}, "
            f"{torch.get_num_threads()} thread(s)); scikit-learn {importlib.import_module('sklearn').__version__}"
        )
        print(
            f"median of {repeats} alternating repeat(s); s/epoch is wall-clock, (CPU) the process-CPU-time ratio\n",
            flush=True,
        )
        results = []
        for case in cases(args.cases, args.dtypes, args.quick):
            results.append(run_case(case, tools, repeats, args.quick))
            print(f"  {label(case)}: " + ", ".join(f"{name} {results[-1][name]:.3f} s" for name in tools), flush=True)
    print(f"load average at the end: {load_average()}\n")
    return report(results, tools, args.threads, args.information)


if __name__ == "__main__":
    sys.exit(main())
