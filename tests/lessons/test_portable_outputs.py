"""Every lesson and solution prints the same on other processors: nbval again, under other BLAS kernels.

The stored outputs are compared by nbval on this machine's own kernel in the main run. A number
that is rounding noise (a right gradient's relative error, the last digit of a centred
difference) or that comes from a chaotic run differs on another processor, and an instructor
with another laptop sees the test command fail. So the notebooks run once more under each of
two other OpenBLAS kernels, with numpy's own AVX2 and AVX-512 loops switched off as well,
which is what a machine without those instructions computes. Any cell whose output changes
fails here, on the authors' own machine, before it lands.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys

import pytest

from notebook_outputs import ROOT

pytestmark = pytest.mark.slow

# Kernels every processor of the architecture can run (OpenBLAS's names).
OTHER_KERNELS = {
    "x86_64": ("Prescott", "Sandybridge"),  # SSE3 only; AVX without AVX2
    "aarch64": ("ARMV8", "CORTEXA57"),
}.get(platform.machine(), ())

PROBE = """
import json
import numpy as np
from threadpoolctl import threadpool_info
from numpy._core._multiarray_umath import __cpu_dispatch__
blas = [info.get("architecture") for info in threadpool_info() if info.get("internal_api") == "openblas"]
print(json.dumps({"blas": blas, "dispatch": list(__cpu_dispatch__)}))
"""


def probe(env: dict) -> dict:
    """Which OpenBLAS kernel and which of numpy's optional loops a Python started with ``env`` uses."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def environment_for(kernel: str) -> dict:
    env = dict(os.environ)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_CORETYPE"] = kernel
    env["OPENBLAS_NUM_THREADS"] = "1"  # one core each: the rest of the suite may be using the other
    # numpy's loops for instructions beyond the baseline (AVX2, AVX-512 ...), off: its sin, exp and
    # sums then round as on a processor without them.
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(probe(dict(os.environ))["dispatch"])
    return env


@pytest.mark.skipif(not OTHER_KERNELS, reason=f"no other OpenBLAS kernels listed for {platform.machine()}")
@pytest.mark.parametrize("kernel", OTHER_KERNELS)
def test_stored_outputs_hold_under_another_blas_kernel(kernel):
    env = environment_for(kernel)
    default = probe(dict(os.environ))["blas"]
    switched = probe(env)["blas"]
    assert switched and switched != default, (
        f"OPENBLAS_CORETYPE={kernel} did not change numpy's BLAS kernel ({default} -> {switched}): "
        "this check would compare the machine's own kernel with itself"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "notebooks",
            "solutions",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "tests/support/sanitize.cfg",
            "-p",
            "kernel_start",
            "--color=no",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    failed = re.findall(r"^FAILED (.+?)(?: - |$)", run.stdout, re.M)
    assert run.returncode == 0, (
        f"Under OpenBLAS's {kernel} kernel ({switched[0]}), without numpy's {env['NPY_DISABLE_CPU_FEATURES']} "
        f"loops, {len(failed)} cell(s) print something else than the stored output: {failed}.\n"
        "Print what every machine computes alike: a verdict ('agree: relative error < 1e-8'), an order of "
        "magnitude, or a value rounded with a margin a test shows is safe; and no chaotic run.\n" + run.stdout[-6000:]
    )
