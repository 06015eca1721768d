"""In a deck's kernel: the cells before a slide's cell run first, quietly, when it needs them.

A lesson's cells build on each other: a slide's cell reads ``net`` that a slide before it trained.
A lecturer who jumps to a slide and runs its cell first (a fresh deck, or after a restart) met
``NameError``, or worse, silently used an object in an earlier state. The course's server extension
(``lab_extension``) starts a deck's kernel with the lesson's set-up and then ``install``, which hands
it every code cell of the lesson in order. Before a cell runs, if it is one of them and needs names
an earlier cell makes, every earlier cell this kernel has not run yet runs first, in order, with its
output held back; then the cell itself runs, in the state an in-order run would have given it. A
cell the lecturer has edited is not one of them, and runs as it is.

This module runs inside the kernel: it imports only IPython (and closes matplotlib's figures).
"""
from __future__ import annotations

import sys


class CellsBefore:
    """A ``pre_run_cell`` handler. ``cells``: [(source, needs_cells_before)] of the lesson's code cells after
    its set-up, in order; ``ran`` holds the positions of those this kernel has run."""

    def __init__(self, shell, cells):
        self.shell = shell
        self.cells = [(source.strip(), bool(needs)) for source, needs in cells]
        self.position = {}
        for k, (source, _) in enumerate(self.cells):
            self.position.setdefault(source, k)
        self.ran = set()

    def __call__(self, info) -> None:
        k = self.position.get((getattr(info, "raw_cell", "") or "").strip())
        if k is None:
            return
        missing = [j for j in range(k) if j not in self.ran]
        if self.cells[k][1] and missing:
            self.run_quietly(missing)
        self.ran.add(k)

    def run_quietly(self, positions) -> None:
        from IPython.utils.capture import capture_output

        count = len(positions)
        # One line, so a slide that had room for its output still has: the room sees why it takes a moment.
        print(f"First running the lesson's {count} cell{'s' * (count > 1)} before this one: it builds on them.",
              flush=True)
        failed = None
        # Run as plain Python in the kernel's namespace (magics translated), not as IPython cells: no
        # history, no events, no echo of a last expression, and a failure is reported here, in one line.
        with capture_output(display=True):
            for j in positions:
                self.ran.add(j)
                try:
                    code = compile(self.shell.transform_cell(self.cells[j][0]), f"<lesson cell {j + 1}>", "exec")
                    exec(code, self.shell.user_ns)
                except Exception as error:
                    failed = f"the lesson's code cell {j + 1} failed: {type(error).__name__}: {error}"
                    break
        if "matplotlib.pyplot" in sys.modules:   # their figures are not this cell's to show
            sys.modules["matplotlib.pyplot"].close("all")
        if failed:
            print(f"Stopped: {failed}", flush=True)


def install(shell, cells) -> CellsBefore:
    """Run ``CellsBefore(shell, cells)`` before every cell of this kernel."""
    handler = CellsBefore(shell, cells)
    shell.events.register("pre_run_cell", handler)
    return handler
