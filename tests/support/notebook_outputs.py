"""Read what an executed notebook printed, so tests can recompute its numbers.

A worked-example cell carries a tag such as ``worked:forward-pass`` in its
source header (``# %% tags=["worked:forward-pass"]``); tests fetch that cell's
printed text with ``printed(notebook, tag)`` and parse numbers out of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[2]

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def load(name: str, folder: str = "notebooks") -> nbformat.NotebookNode:
    """The executed notebook ``folder/name`` (``.ipynb`` may be left off)."""
    path = ROOT / folder / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    return nbformat.read(path, as_version=4)


def printed(nb: nbformat.NotebookNode, tag: str) -> str:
    """All text the cell tagged ``tag`` printed or displayed as plain text."""
    cells = [cell for cell in nb.cells if tag in cell.metadata.get("tags", [])]
    if len(cells) != 1:
        raise LookupError(f"expected exactly one cell tagged {tag!r}, found {len(cells)}")
    parts = []
    for output in cells[0].get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "text/plain" in output.get("data", {}):
            parts.append(output.data["text/plain"])
    return "".join(parts)


def numbers(text: str) -> np.ndarray:
    """Every number in ``text``, in order, as a float64 array."""
    return np.array([float(match) for match in _NUMBER.findall(text)])


def numbers_after(text: str, label: str) -> np.ndarray:
    """The numbers on the line(s) starting with ``label`` up to the next line that starts a new label.

    For output like ``z1 = [0.1 0.2]`` use ``numbers_after(text, "z1 =")``.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(label):
            chunk = [line.strip()[len(label) :]]
            for more in lines[i + 1 :]:
                if re.match(r"^\s*[A-Za-z_]", more) or not more.strip():
                    break
                chunk.append(more)
            return numbers(" ".join(chunk))
    raise LookupError(f"no line starting with {label!r} in:\n{text}")


def safely_rounded(value: float, decimals: int, noise: float) -> bool:
    """True when ``value`` shown with ``decimals`` decimals reads the same anywhere within ``noise`` of it.

    A printed number must not depend on the processor: rounding noise of ``noise`` (from a
    different BLAS kernel or maths library) may not carry it across a rounding boundary.
    """
    shown = {f"{value + offset:.{decimals}f}" for offset in (-noise, 0.0, noise)}
    return len(shown) == 1


def verdict_holds(error: float, line: str) -> bool:
    """True when ``line`` states the gradient-check verdict for ``error`` with room to spare.

    A right gradient's relative error is noise that varies twentyfold between processors
    (1.4e-11 against 3.3e-10 seen); the printed bound must sit at least 30 times above it.
    """
    match = re.search(r"relative error < (\S+)", line)
    if match is None:
        return False
    return error * 30 < float(match.group(1))
