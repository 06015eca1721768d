"""A deck's kernel runs the cells before a slide's cell when it needs them (course_tools/deck_kernel.py).

A lecturer may run any slide's cell first. Each case starts a real kernel the way the course's server
extension starts a deck's: ``IPKernelApp.exec_files`` with the lesson's set-up and ``deck_kernel.install``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course_tools import lab_extension

ROOT = Path(__file__).resolve().parents[2]
NOTE = "First running the lesson's"


def code_cell(source: str, setup: bool = False) -> dict:
    code_cell.count = getattr(code_cell, "count", 0) + 1
    return {
        "cell_type": "code",
        "id": f"cell-{code_cell.count}",
        "metadata": {"tags": ["setup"] if setup else []},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


class DeckKernel:
    """A kernel started as a deck's: ``run(code)`` -> (status, stdout, error text)."""

    def __init__(self, notebook: Path, folder: Path):
        from jupyter_client.manager import start_new_kernel

        options = lab_extension.setup_arguments(notebook, folder, deck=True)
        self.ids = [cell_id for cell_id, _, _ in lab_extension.deck_cells(json.loads(notebook.read_text()))]
        assert options, f"{notebook.name}: no set-up to start a deck's kernel with"
        self.manager, self.client = start_new_kernel(
            kernel_name="python3", cwd=str(notebook.parent), extra_arguments=options
        )

    def run_cell_with_id(self, position: int, code: str) -> tuple[str, str, str]:
        """Run ``code`` as the lesson's code cell ``position`` (after the set-up), sent with that cell's id as
        JupyterLab sends it, whatever its text now."""
        return self.run(code, cell_id=self.ids[position])

    def run(self, code: str, timeout: float = 600, cell_id: str | None = None) -> tuple[str, str, str]:
        out, errors = [], []

        def hook(message):
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")

        if cell_id is None:
            reply = self.client.execute_interactive(code, timeout=timeout, output_hook=hook)
        else:  # jupyter_client's execute takes no cell id: send the request with one, as JupyterLab does
            content = {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            }
            message = self.client.session.msg("execute_request", content, metadata={"cellId": cell_id})
            self.client.shell_channel.send(message)
            mine = message["header"]["msg_id"]
            while True:
                output = self.client.get_iopub_msg(timeout=timeout)
                if output["parent_header"].get("msg_id") != mine:
                    continue
                if output["header"]["msg_type"] == "status" and output["content"]["execution_state"] == "idle":
                    break
                hook(output)
            reply = self.client.get_shell_msg(timeout=timeout)
            assert reply["parent_header"]["msg_id"] == mine
        return reply["content"]["status"], "".join(out), "".join(errors)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture
def small_lesson(tmp_path):
    def make(*sources):
        path = tmp_path / "01_small.ipynb"
        cells = [code_cell("import numpy as np", setup=True)] + [code_cell(source) for source in sources]
        path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
        kernel = DeckKernel(path, tmp_path)
        made.append(kernel)
        return kernel

    made = []
    yield make
    for kernel in made:
        kernel.close()


def test_which_cells_need_the_cells_before_them():
    notebook = {
        "cells": [
            code_cell("import numpy as np\nfrom course_lib import MLP", setup=True),
            code_cell("net = MLP([2, 1])"),
            code_cell("print(np.pi, len([1]))"),
            code_cell("net.weights[0][:] = 0"),
            code_cell("def f(x):\n    return x + 1\nf(2)"),
        ]
    }
    assert [(source, needs) for _, source, needs in lab_extension.deck_cells(notebook)] == [
        ("net = MLP([2, 1])", False),
        ("print(np.pi, len([1]))", False),
        ("net.weights[0][:] = 0", True),
        ("def f(x):\n    return x + 1\nf(2)", False),
    ]


@pytest.mark.parametrize(
    "source, needs",
    [
        ("a *= 3", True),
        ("X = X / 255", True),
        ("net = net.fit(1)", True),  # read before the cell binds them
        ("b = 2\nprint(b)", False),
        ("x = !ls\nprint(x)", False),
        ("%timeit np.ones(3)", False),
        ("def f():\n    return later\nlater = 1", True),  # a function's body reads outside
        ("print(\n", True),  # does not parse: the safe side
    ],
)
def test_a_name_read_before_the_cell_binds_it_comes_from_outside(source, needs):
    assert lab_extension.needs_cells_before(source, {"np"}) is needs


def test_a_slides_cell_run_first_runs_the_cells_it_builds_on_once(small_lesson):
    kernel = small_lesson("a = np.ones(2)", "a *= 3", "print('sum', a.sum())")
    status, out, _ = kernel.run("print('sum', a.sum())")
    assert status == "ok" and f"{NOTE} 2 cells before this one" in out and "sum 6.0" in out
    # Run again, and after re-running one cell: nothing more runs on its own (a lecturer's re-run is theirs).
    status, out, _ = kernel.run("a *= 3")
    assert status == "ok" and NOTE not in out
    status, out, _ = kernel.run("print('sum', a.sum())")
    assert NOTE not in out and "sum 18.0" in out
    # A cell the lecturer edited is not the lesson's: it runs as it is.
    status, out, _ = kernel.run("print('edited', a.sum() + 1)")
    assert NOTE not in out and "edited 19.0" in out


def test_a_cell_that_needs_nothing_before_it_runs_alone(small_lesson):
    kernel = small_lesson("print('first')", "print('second', np.pi > 3)")
    status, out, _ = kernel.run("print('second', np.pi > 3)")
    assert status == "ok" and out == "second True\n"


def test_an_earlier_cell_that_fails_is_named_and_stops_the_run(small_lesson):
    kernel = small_lesson("b = 1 / 0", "c = 2", "print(b + c)")
    status, out, error = kernel.run("print(b + c)")
    assert "Stopped: the lesson's code cell 1 failed: ZeroDivisionError" in out
    assert status == "error" and error.startswith("NameError")
    # A failed cell is not counted as run: the next cell that needs it tries it again.
    status, out, error = kernel.run("print(b + c)")
    assert "Stopped: the lesson's code cell 1 failed" in out


def test_an_edited_cell_is_judged_by_what_it_now_reads(small_lesson):
    kernel = small_lesson("a = np.ones(2)", "print('fine', np.pi > 3)")
    status, out, _ = kernel.run("print('edited', np.pi > 3, a.sum())")  # not the lesson's text, no id
    assert status == "error"  # an unknown cell runs as it is
    kernel2 = small_lesson("a = np.ones(2)", "print('fine', np.pi > 3)")
    status, out, _ = kernel2.run_cell_with_id(1, "print('edited', a.sum())")  # the lesson's cell 2, edited
    assert status == "ok" and NOTE in out and "edited 2.0" in out


def printed(outputs: list) -> str:
    """What a cell's stored outputs say in text: its stdout, its value's text and its figures' descriptions."""
    return "".join(
        "".join(o["text"]) if o.get("name") == "stdout" else "".join(o["data"]["text/plain"]) + "\n"
        for o in outputs
        if o.get("name") == "stdout"
        or o.get("output_type") in ("execute_result", "display_data")
        and "text/plain" in o["data"]
    )


def last_cell_needing_others(notebook: dict) -> int:
    """The index (among all cells) of the lesson's last code cell that needs earlier cells, with text output."""
    setup = set().union(
        *(
            lab_extension.module_names(lab_extension._source(c))[0]
            for c in notebook["cells"]
            if c["cell_type"] == "code" and lab_extension._is_setup(c)
        )
    )
    found = [
        k
        for k, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code"
        and not lab_extension._is_setup(cell)
        and printed(cell["outputs"])
        and "nbval-ignore-output" not in cell["metadata"].get("tags", [])
        and lab_extension.needs_cells_before(lab_extension._source(cell), setup)
    ]
    return found[-1]


@pytest.mark.slow
@pytest.mark.parametrize(
    "lesson", sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb") if not p.name.startswith("00"))
)  # the course map runs no code
def test_a_lessons_late_slide_run_first_prints_what_the_lesson_stored(lesson, tmp_path):
    """The state the replay builds is an in-order run's: the slide prints what the lesson, run in order, stored."""
    path = ROOT / "notebooks" / lesson
    notebook = json.loads(path.read_text())
    index = last_cell_needing_others(notebook)
    cell = notebook["cells"][index]
    stored = printed(cell["outputs"])
    kernel = DeckKernel(path, tmp_path)
    try:
        status, out, error = kernel.run(lab_extension._source(cell))
    finally:
        kernel.close()
    assert status == "ok", f"{lesson} cell {index} run first in a deck: {error}\n{out}"
    lines = out.splitlines(keepends=True)
    assert lines[0].startswith(NOTE), out
    assert "".join(lines[1:]) == stored, f"{lesson} cell {index}: printed\n{''.join(lines[1:])}\nstored\n{stored}"
