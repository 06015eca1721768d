"""How live is the training playground? Change-to-picture time per control, and frames per second while playing.

Every control of ``course_lib.widgets.playground`` is changed the way the browser
changes it (a new ``value`` on the control, or a button click) and timed from the
change to the handler's return, by which time the new PNG is in ``image.value`` and
the readout is written: the kernel's whole share of the latency. (The browser then
only decodes one PNG.) Each control alternates between two values, so every change
is a real one. Play is timed two ways: tick by tick (one epoch of training plus a redraw
per tick, the path without an event loop), and as it runs in JupyterLab, as an asyncio task
on an event loop for a few seconds, counting the frames it draws.

    python3 benchmarks/playground_latency.py                # 21 changes per control
    python3 benchmarks/playground_latency.py --repeats 51

Budgets (issue 11): a change shows its new picture within 150 ms (median); while
playing, at least 10 frames per second with the default network and data. This script
reports; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import PIL

from _common import cpu_name

from course_lib.widgets.playground import PLAY_INTERVAL_MS, playground

ROOT = Path(__file__).resolve().parents[1]

CHANGE_BUDGET_MS = 150.0
FPS_BUDGET = 10.0


def changes(pg) -> dict:
    """Control name -> a function making one change (alternating between two values each call)."""
    c = pg.controls

    def toggle(name, a, b):
        return lambda: setattr(c[name], "value", b if c[name].value == a else a)

    def weight():
        pg.weight_value.value = 0.5 if pg.weight_value.value != 0.5 else -0.5

    def play_tick():
        c["play"].value += 1

    return {
        "play (one tick)": play_tick,
        "step": lambda: c["step"].click(),
        "reset": lambda: c["reset"].click(),
        "new_weights": lambda: c["new_weights"].click(),
        "learning_rate": toggle("learning_rate", 0.03, 0.1),
        "activation": toggle("activation", "tanh", "relu"),
        "regularization": toggle("regularization", "none", "L2"),
        "regularization_rate": toggle("regularization_rate", 0.0, 0.01),
        "dataset": toggle("dataset", "circle", "spiral"),
        "classes (spiral)": toggle("classes", 2, 3),
        "noise": toggle("noise", 0, 10),
        "train_ratio": toggle("train_ratio", 50, 60),
        "batch_size": toggle("batch_size", 10, 12),
        "regenerate": lambda: c["regenerate"].click(),
        "features": toggle("features", ("x1", "x2"), ("x1", "x2", "x1^2")),
        "hidden": toggle("hidden", "4, 2", "4, 3"),
        "show_test": toggle("show_test", False, True),
        "discretize": toggle("discretize", False, True),
        "sample": toggle("sample", -1, 5),
        "edit_weight": weight,
        "code (text, no picture)": toggle("code", False, True),
    }


def percentile(values, q) -> float:
    return float(np.percentile(np.asarray(values), q))


def time_controls(repeats: int) -> list[tuple[str, float, float]]:
    rows = []
    for name in changes(playground()):
        pg = playground()
        pg.controls["play"].playing = True
        for _ in range(20):  # a trained-looking picture, as a learner would see it
            pg.controls["play"].value += 1
        pg.controls["play"].playing = name.startswith("play")
        if name.startswith("classes"):
            pg.controls["dataset"].value = "spiral"
        change = changes(pg)[name]
        change()  # warm: first-use costs (font loading, a new layout's background) are not what a drag feels
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            change()
            times.append((time.perf_counter() - start) * 1000)
        rows.append((name, statistics.median(times), percentile(times, 90)))
    return rows


def time_play(ticks: int, **settings) -> tuple[float, float]:
    """(median ms per tick, frames per second the kernel can draw) while playing."""
    pg = playground(**settings)
    pg.controls["play"].playing = True
    times = []
    for _ in range(ticks):
        start = time.perf_counter()
        pg.controls["play"].value += 1
        times.append((time.perf_counter() - start) * 1000)
    frames = pg.frames
    assert frames >= ticks, "every tick must have drawn a picture (no event loop here)"
    median = statistics.median(times)
    return median, 1000.0 / median


def time_play_task(seconds: float, **settings) -> float:
    """Frames per second the play task draws on an event loop (as in a Jupyter kernel) in ``seconds``."""
    pg = playground(**settings)

    async def session():
        pg.controls["play"].playing = True
        await asyncio.sleep(seconds)
        pg.controls["play"].playing = False
        await asyncio.sleep(0.2)

    before = pg.frames
    asyncio.run(session())
    return (pg.frames - before - 1) / seconds  # the last frame is the one drawn on stopping


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=21, help="changes timed per control (default 21)")
    parser.add_argument("--ticks", type=int, default=100, help="play ticks timed (default 100)")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores, load average {load:.2f} before the run")
    print(f"software: Python {platform.python_version()}, numpy {np.__version__}, Pillow {PIL.__version__}")
    print(
        f"\nchange -> new picture ready, {args.repeats} changes per control (budget: median <= "
        f"{CHANGE_BUDGET_MS:.0f} ms)"
    )
    print(f"{'control':<22} {'median ms':>10} {'p90 ms':>8} {'budget ms':>10}  within")
    for name, median, p90 in time_controls(args.repeats):
        print(
            f"{name:<22} {median:>10.1f} {p90:>8.1f} {CHANGE_BUDGET_MS:>10.0f}  "
            f"{'yes' if median <= CHANGE_BUDGET_MS else 'NO'}"
        )

    print(
        f"\nplaying: one epoch + one redraw per frame, {args.ticks} frames timed one by one (budget: >= "
        f"{FPS_BUDGET:.0f} frames/s; the play task aims for a frame every {PLAY_INTERVAL_MS} ms = "
        f"{1000 / PLAY_INTERVAL_MS:.1f}/s), and the play task itself on an event loop for 3 s"
    )
    print(f"{'setup':<44} {'ms/frame':>8} {'frames/s the kernel can draw':>29} {'play task frames/s':>19}")
    for label, settings in (
        ("default (circle, 4-2 tanh, batch 10)", {}),
        (
            "spiral, 3 classes, 8-8-8 relu, 7 features",
            dict(
                dataset="spiral",
                classes=3,
                hidden=(8, 8, 8),
                activation="relu",
                features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"),
            ),
        ),
        ("6 layers of 8, batch 1 (the heaviest)", dict(hidden=(8,) * 6, batch_size=1)),
    ):
        median, fps = time_play(args.ticks, **settings)
        print(f"{label:<44} {median:>8.1f} {fps:>29.1f} {time_play_task(3.0, **settings):>19.1f}")
    after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average after the run: {after:.2f}")


if __name__ == "__main__":
    main()
