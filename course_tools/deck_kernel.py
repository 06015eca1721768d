"""In a deck's kernel: the cells before a slide's cell run first, quietly, when it needs them.

A lesson's cells build on each other: a slide's cell reads ``net`` that a slide before it trained.
A lecturer who jumps to a slide and runs its cell first (a fresh deck, or after a restart) met
``NameError``, or worse, silently used an object in an earlier state. The course's server extension
(``lab_extension``) starts a deck's kernel with the lesson's set-up and then ``install``, which hands
it every code cell of the lesson in order. Before a cell runs, if it is one of them (found by its
cell id, or else by its text) and it needs names an earlier cell makes, every earlier cell this
kernel has not run yet runs first, in order, as the lesson has it, with its output held back; then
the cell itself runs, in the state an in-order run would have given it. A cell the lecturer edited
is judged by what it now reads.

This module runs inside the kernel: it imports IPython, ``cell_names`` and (to close figures) matplotlib.
"""

from __future__ import annotations

import sys

from .cell_names import needs_cells_before


class CellsBefore:
    """A ``pre_run_cell`` handler. ``cells``: [(cell id, source, needs_cells_before)] of the lesson's code cells
    after its set-up, in order; ``setup_names``: what the set-up defines; ``ran``: positions run here."""

    def __init__(self, shell, cells, setup_names=()):
        self.shell = shell
        self.cells = [(cell_id, source.strip(), bool(needs)) for cell_id, source, needs in cells]
        self.setup_names = set(setup_names)
        self.by_id = {cell_id: k for k, (cell_id, _, _) in enumerate(self.cells) if cell_id}
        self.by_text = {}
        for k, (_, source, _) in enumerate(self.cells):
            self.by_text.setdefault(source, k)  # the first of two alike: the id tells them apart where sent
        self.ran = set()

    def __call__(self, info) -> None:
        source = (getattr(info, "raw_cell", "") or "").strip()
        k = self.by_id.get(getattr(info, "cell_id", None))
        if k is None:
            k = self.by_text.get(source)
        if k is None:
            return  # not one of the lesson's cells: the lecturer's own
        needs = self.cells[k][2] if source == self.cells[k][1] else needs_cells_before(source, self.setup_names)
        missing = [j for j in range(k) if j not in self.ran]
        if needs and missing:
            self.run_quietly(missing)
        self.ran.add(k)

    def run_quietly(self, positions) -> None:
        from IPython.utils.capture import capture_output

        count = len(positions)
        # One line, so a slide that had room for its output still has: the room sees why it takes a moment.
        print(
            f"First running the lesson's {count} cell{'s' * (count > 1)} before this one: it builds on them.",
            flush=True,
        )
        stopped = None
        try:
            # Run as plain Python in the kernel's namespace (magics translated), not as IPython cells: no
            # history, no events, no echo of a last expression, and a failure is reported here, in one line.
            with capture_output(display=True):
                for j in positions:
                    try:
                        code = compile(self.shell.transform_cell(self.cells[j][1]), f"<lesson cell {j + 1}>", "exec")
                        exec(code, self.shell.user_ns)
                    except Exception as error:
                        stopped = f"the lesson's code cell {j + 1} failed: {type(error).__name__}: {error}"
                        break
                    self.ran.add(j)  # only once it has run to its end: a failed cell is tried again next time
        except KeyboardInterrupt:
            stopped = "interrupted"
        finally:
            if "matplotlib.pyplot" in sys.modules:  # their figures are not this cell's to show
                sys.modules["matplotlib.pyplot"].close("all")
        if stopped:
            print(f"Stopped: {stopped}", flush=True)


def install(shell, cells, setup_names=()) -> CellsBefore:
    """Run ``CellsBefore(shell, cells, setup_names)`` before every cell of this kernel."""
    handler = CellsBefore(shell, cells, setup_names)
    shell.events.register("pre_run_cell", handler)
    return handler
