"""A notebook whose kernel does not answer at first is started again, in every run that starts kernels."""

from __future__ import annotations

import subprocess
import sys

import nbval.kernel
import pytest

import kernel_start
from notebook_outputs import ROOT


def test_a_kernel_that_does_not_answer_is_started_again(monkeypatch):
    calls, stopped = [], []

    def answers_on_the_third_try(kernel, kernel_name, **kwargs):
        calls.append(kernel_name)
        kernel.km = "a manager"  # started each time; the first two never bring their output channel up
        if len(calls) < 3:
            raise RuntimeError("Wasn't able to establish IOPub after 30 seconds.")

    monkeypatch.setattr(kernel_start, "_start_once", answers_on_the_third_try)
    monkeypatch.setattr(nbval.kernel.RunningKernel, "stop", lambda kernel: stopped.append(kernel))
    kernel = nbval.kernel.RunningKernel("python3")
    assert calls == ["python3"] * 3 and kernel.km == "a manager"
    assert stopped == [kernel, kernel], "each kernel that did not come up is stopped before the next is started"


def test_a_kernel_that_never_answers_still_fails(monkeypatch):
    def never(kernel, kernel_name, **kwargs):
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(kernel_start, "_start_once", never)
    with pytest.raises(RuntimeError, match="didn't respond"):
        nbval.kernel.RunningKernel("python3")


@pytest.mark.parametrize(
    "args",
    [[], ["-o", "addopts=", "--nbval", "-p", "kernel_start"]],
    ids=["the project's options", "the BLAS guard's options"],
)
def test_runs_of_notebooks_alone_load_it(args):
    """`course.py test notebooks` reads no conftest under tests/, so the project's options load it."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "notebooks/00_course_map.ipynb", "--co", "-q", "--trace-config", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "PLUGIN registered: <module 'kernel_start'" in run.stdout, run.stdout[-2000:]
