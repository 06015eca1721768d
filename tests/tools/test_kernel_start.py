"""A notebook whose kernel does not answer at first is started again, in every run that starts kernels."""
from __future__ import annotations

import subprocess
import sys

import nbval.kernel
import pytest

import kernel_start
from notebook_outputs import ROOT


def test_a_kernel_that_does_not_answer_is_started_again(monkeypatch):
    calls = []

    def answers_on_the_third_try(**kwargs):
        calls.append(kwargs)
        if len(calls) < 3:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return "manager", "client"

    monkeypatch.setattr(kernel_start, "_start_once", answers_on_the_third_try)
    assert nbval.kernel.start_new_kernel(kernel_name="python3") == ("manager", "client")
    assert len(calls) == 3


def test_a_kernel_that_never_answers_still_fails(monkeypatch):
    def never(**kwargs):
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(kernel_start, "_start_once", never)
    with pytest.raises(RuntimeError, match="didn't respond"):
        nbval.kernel.start_new_kernel(kernel_name="python3")


@pytest.mark.parametrize("args", [[], ["-o", "addopts=", "--nbval", "-p", "kernel_start"]],
                         ids=["the project's options", "the BLAS guard's options"])
def test_runs_of_notebooks_alone_load_it(args):
    """`course.py test notebooks` reads no conftest under tests/, so the project's options load it."""
    run = subprocess.run([sys.executable, "-m", "pytest", "notebooks/00_course_map.ipynb", "--co", "-q",
                          "--trace-config", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "PLUGIN registered: <module 'kernel_start'" in run.stdout, run.stdout[-2000:]
