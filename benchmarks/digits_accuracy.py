"""Accuracy at equal budget: the capstone's digits network trained by course_lib, PyTorch and scikit-learn.

Each tool trains the lesson 10 network (64-64-10, ReLU, softmax + cross-entropy)
on lesson 10's split of the digits (``load_digits(test_fraction=0.2, seed=1)``),
standardised as there, with the capstone's schedule: plain
mini-batch SGD, batch 32, 42 epochs at learning rate 0.05 then 18 at 0.005, no
momentum, no weight decay, no early stopping. Then each predicts the 359 test
digits. Each tool starts from its own usual random weights and shuffles in its
own way (PyTorch here starts from course_lib's weights, as train_speed.py does,
with its own shuffling), for several seeds; the table gives the mean test
accuracy and its spread over the seeds, and the mean training time.

    python3 benchmarks/digits_accuracy.py              # 5 seeds
    python3 benchmarks/digits_accuracy.py --quick      # 1 seed, 3 + 1 epochs
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from course_lib import MLP, data, train

from _common import describe
from _results import record

SCHEDULE = ((42, 0.05), (18, 0.005))  # (epochs, learning rate), lesson 10
BATCH = 32


def course_lib_accuracy(split, seed: int, schedule) -> float:
    # Seed 0 is lesson 10's run exactly (network seed 0, shuffling seeds 0 then 1): 354 of 359.
    net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=seed)
    for part, (epochs, rate) in enumerate(schedule):
        train(
            net,
            split.X_train,
            split.y_train,
            epochs=epochs,
            batch_size=BATCH,
            learning_rate=rate,
            seed=1000 * seed + part,
        )
    return net.accuracy(split.X_test, split.y_test)


def torch_accuracy(torch, split, seed: int, schedule) -> float:
    start = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=seed)
    first, second = (torch.nn.Linear(64, 64, dtype=torch.float64), torch.nn.Linear(64, 10, dtype=torch.float64))
    with torch.no_grad():
        for linear, W in zip((first, second), start.weights):
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.zero_()
    model = torch.nn.Sequential(first, torch.nn.ReLU(), second)
    X, y = torch.from_numpy(split.X_train), torch.from_numpy(split.y_train)
    loss_function = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    for epochs, rate in schedule:
        optimizer = torch.optim.SGD(model.parameters(), lr=rate)
        for _ in range(epochs):
            order = torch.randperm(len(y), generator=generator)
            for begin in range(0, len(y), BATCH):
                index = order[begin : begin + BATCH]
                loss = loss_function(model(X[index]), y[index])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
    with torch.no_grad():
        predicted = model(torch.from_numpy(split.X_test)).argmax(dim=1).numpy()
    return float(np.mean(predicted == split.y_test))


def sklearn_accuracy(split, seed: int, schedule) -> float:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(64,),
        activation="relu",
        solver="sgd",
        batch_size=BATCH,
        learning_rate="constant",
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=10**9,
        early_stopping=False,
        shuffle=True,
        warm_start=True,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: the point
        for epochs, rate in schedule:  # warm_start: the second fit goes on from the first's weights
            model.set_params(max_iter=epochs, learning_rate_init=rate)
            model.fit(split.X_train, split.y_train)
    return float(model.score(split.X_test, split.y_test))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 seed, 3 + 1 epochs: a smoke run")
    args, _ = parser.parse_known_args(argv)
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        sys.exit("digits_accuracy.py needs PyTorch: `python3 course.py bench` installs it (or pip install torch).")
    torch.set_num_threads(1)
    schedule = ((3, 0.05), (1, 0.005)) if args.quick else SCHEDULE
    seeds = range(1 if args.quick else args.seeds)
    split = data.load_digits(test_fraction=0.2, seed=1)  # lesson 10's split
    mean, std = split.X_train.mean(axis=0), split.X_train.std(axis=0) + 0.1  # as lesson 10 standardises
    split = split._replace(X_train=(split.X_train - mean) / std, X_test=(split.X_test - mean) / std)
    tools = {
        "course_lib": course_lib_accuracy,
        "PyTorch": lambda *a: torch_accuracy(torch, *a),
        "scikit-learn": sklearn_accuracy,
    }
    with threadpool_limits(limits=1):
        print(describe(1))
        print(
            f"{len(split.y_train)} training and {len(split.y_test)} test digits; schedule {schedule}, batch {BATCH}; "
            f"{len(seeds)} seed(s)\n"
        )
        for run in tools.values():  # one untimed epoch each: first-call costs (imports, set-up) are not timed
            run(split, 0, ((1, 0.05),))
        accuracy = {name: [] for name in tools}
        seconds = {name: [] for name in tools}
        for seed in seeds:
            for name, run in tools.items():
                start = time.perf_counter()
                accuracy[name].append(run(split, seed, schedule))
                seconds[name].append(time.perf_counter() - start)
    epochs = sum(e for e, _ in schedule)
    print(f"| tool | test accuracy, mean | min - max over seeds | seconds for {epochs} epochs |")
    print("|---|---|---|---|")
    for name in tools:
        a = accuracy[name]
        print(
            f"| {name} | {statistics.mean(a):.4f} | {min(a):.4f} - {max(a):.4f} | {statistics.mean(seconds[name]):.2f} |"
        )
        record(
            "accuracy at equal budget",
            f"digits test accuracy, {name}, {epochs} epochs, mean of {len(a)} seeds",
            round(statistics.mean(a), 4),
            "",
            note=f"min {min(a):.4f}, max {max(a):.4f}; {statistics.mean(seconds[name]):.2f} s to train",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
