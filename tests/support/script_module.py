"""Import a script that is no package's module (course.py, benchmarks/run_all.py) by its path, to call its functions."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def load_script(path: Path):
    """The module the script at ``path`` defines, run afresh (not put in sys.modules, so each test gets its own)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
