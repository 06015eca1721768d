"""Does this machine have what the course needs? The first lesson's set-up check.

The minimum versions are read from the installed course's own package metadata
(``pyproject.toml``'s ``requires-python`` and ``dependencies``), so there is no
second list here to drift out of step.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata

DISTRIBUTION = "backprop-course"


def course_requirements(distribution: str = DISTRIBUTION) -> tuple:
    """((name, version), ...): Python first, then every runtime dependency.

    A version like "1.24" is a minimum (``>=`` in pyproject.toml); "==8.1.2" is an
    exact pin, kept with its ``==`` so the check can tell the two apart.
    """
    info = metadata.metadata(distribution)
    needed = [("python", info["Requires-Python"].lstrip(">= "))]
    for requirement in metadata.requires(distribution) or []:
        if ";" in requirement:  # an extra's requirement (tests, benchmarks): not for taking the course
            continue
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(>=|==)\s*([0-9][0-9.]*)", requirement)
        if match:
            needed.append((match.group(1), ("==" if match.group(2) == "==" else "") + match.group(3)))
    return tuple(needed)


def _version_tuple(version: str) -> tuple:
    """(major, minor, ...) from the leading numeric part of a version string; () if none."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def _at_least(found: tuple, needed: tuple) -> bool:
    size = max(len(found), len(needed))
    return found + (0,) * (size - len(found)) >= needed + (0,) * (size - len(needed))


def installed_version(name: str) -> str | None:
    """The installed version of package ``name`` ("python" for the interpreter), or None."""
    if name == "python":
        return ".".join(str(part) for part in sys.version_info[:3])
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def environment_verdicts(requirements=None, version_of=installed_version) -> list[str]:
    """One line per requirement: "ok", "TOO OLD" or "MISSING", with the minimum needed.

    The lines name no installed version when all is well, so they read the same on
    every machine that can run the course. ``version_of(name)`` gives a version or None.
    """
    requirements = course_requirements() if requirements is None else requirements
    width = max(len(name) for name, _ in requirements)
    lines = []
    for name, wanted in requirements:
        found = version_of(name)
        exact = wanted.startswith("==")
        version = wanted.lstrip("=")
        relation = "==" if exact else ">="
        if found is None:
            verdict = f"MISSING: install {name} {relation} {version}"
        elif exact and _version_tuple(found) == _version_tuple(version):
            verdict = f"ok (== {version} required)"
        elif not exact and _at_least(_version_tuple(found), _version_tuple(version)):
            verdict = f"ok (>= {version} required)"
        else:
            verdict = f"{'WRONG VERSION' if exact else 'TOO OLD'}: found {found}, need {relation} {version}"
        lines.append(f"{name:<{width}}  {verdict}")
    return lines


def version_table(requirements=None, version_of=installed_version, columns: int = 2) -> str:
    """The versions in use, as aligned text in ``columns`` columns, read across (machine-dependent: for
    display only). Two columns keep the table short enough for its slide beside a widget."""
    requirements = course_requirements() if requirements is None else requirements
    width = max(len(name) for name, _ in requirements)
    cells = [f"{name:<{width}}  {version_of(name) or 'not installed'}" for name, _ in requirements]
    cell_width = max(len(cell) for cell in cells)
    rows = [cells[start : start + columns] for start in range(0, len(cells), columns)]
    return "\n".join("    ".join(f"{cell:<{cell_width}}" for cell in row).rstrip() for row in rows)
