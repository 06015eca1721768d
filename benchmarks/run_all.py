"""Run every benchmark script in benchmarks/, one after another, and print what they print.

    python3 benchmarks/run_all.py                          # every benchmark
    python3 benchmarks/run_all.py train_speed              # only the ones named
    python3 benchmarks/run_all.py train_speed -- --threads 2   # options after -- go to each script

``python3 course.py bench`` calls this. A benchmark script is any ``*.py`` file
here except this one and names starting with ``_`` (helpers). Each runs in its
own Python process, so one benchmark's thread settings or imports cannot change
another's timings; they run one at a time because they time themselves. The
exit status is 1 when any of them failed.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmark_scripts() -> list[Path]:
    """The benchmark scripts in this folder, sorted by name."""
    return sorted(path for path in HERE.glob("*.py") if path.name != Path(__file__).name and not path.name.startswith("_"))


def main(argv: list[str]) -> int:
    names, passed_on = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    scripts = benchmark_scripts()
    if names:
        known = {path.stem: path for path in scripts}
        unknown = [name for name in names if name.removesuffix(".py") not in known]
        if unknown:
            print(f"unknown benchmark(s) {', '.join(unknown)}; the benchmarks are: {', '.join(known)}", file=sys.stderr)
            return 2
        scripts = [known[name.removesuffix(".py")] for name in names]
    failed = []
    for script in scripts:
        print(f"=== {script.name} ===", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), *passed_on], cwd=HERE.parent)
        status = "ok" if result.returncode == 0 else f"FAILED (exit status {result.returncode})"
        print(f"=== {script.name}: {status} after {time.perf_counter() - start:.0f} s ===\n", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"{len(failed)} of {len(scripts)} benchmark(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all {len(scripts)} benchmark(s) ran")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
