"""The course's JupyterLab set-up (course_tools/course_lab.py) and its server extension (lab_extension.py)."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from course_tools import course_lab, lab_extension

ROOT = Path(__file__).resolve().parents[2]


def run(coroutine):
    """Run ``coroutine`` to its end on a thread of its own: an earlier test of the session may have left
    an event loop running on this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_install_writes_the_extension_and_the_settings_once(tmp_path):
    written = course_lab.install(tmp_path)
    config, settings = (json.loads(path.read_text()) for path in written[:2])
    assert config["ServerApp"]["jpserver_extensions"] == {"course_tools.lab_extension": True}
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    # The course's JupyterLab plugin, where JupyterLab finds prebuilt extensions, with what it names to load.
    plugin = tmp_path / "share" / "jupyter" / "labextensions" / "backprop-course-access"
    package = json.loads((plugin / "package.json").read_text())
    assert (plugin / package["jupyterlab"]["_build"]["load"]).is_file() and (plugin / "static/lab.css").is_file()
    static = {plugin / "static" / name for name in ("remoteEntry.js", "lab.css", "contrast.css")}
    assert set(written[2:]) == {plugin / "package.json", *static}
    stamps = [path.stat().st_mtime_ns for path in written]
    assert course_lab.install(tmp_path) == written
    assert [path.stat().st_mtime_ns for path in written] == stamps, "a second install must change nothing"


def test_the_first_visit_shows_the_course_map_and_a_later_one_what_the_learner_left(tmp_path):
    options = course_lab.learner_options(tmp_path)
    assert f"--ServerApp.root_dir={tmp_path}" in options
    assert "--LabApp.default_url=/lab/workspaces/backprop-course" in options
    workspace = course_lab.workspace_file(tmp_path / ".lab-workspaces")
    layout = json.loads(workspace.read_text())
    assert layout["data"]["layout-restorer:data"]["main"]["current"] == "notebook:notebooks/00_course_map.ipynb"
    assert layout["data"]["file-browser-filebrowser:cwd"] == {"path": ""}
    workspace.write_text('{"data": {}, "metadata": {"id": "backprop-course"}}')  # as JupyterLab saves it
    course_lab.learner_options(tmp_path)
    assert json.loads(workspace.read_text())["data"] == {}, "the learner's own layout must be kept"


def test_the_workspace_file_is_where_jupyterlab_looks_for_it(tmp_path):
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    assert course_lab.workspace_file(tmp_path).name == slugify(course_lab.WORKSPACE) + WORKSPACE_EXTENSION


INFO = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python", "file_extension": ".py"}


def notebook(language_info: dict) -> dict:
    return {"type": "notebook", "content": {"metadata": {"language_info": language_info}, "cells": []}}


def test_a_lesson_is_served_with_what_its_kernel_will_report():
    served = lab_extension.with_kernel_language_info(notebook({"name": "python"}), INFO)
    assert served["content"]["metadata"]["language_info"] == INFO


def test_a_notebook_that_says_something_else_is_served_as_it_is():
    for stored in ({"name": "python", "version": "3.12.1"}, {"name": "R"}):
        assert lab_extension.with_kernel_language_info(notebook(stored), INFO)["content"]["metadata"] == {
            "language_info": stored
        }
    other = {"type": "file", "content": "x = 1"}
    assert lab_extension.with_kernel_language_info(dict(other), INFO) == other


def test_the_contents_manager_is_hooked_whether_it_is_async_or_not():
    saved = []

    class Manager:
        def register_pre_save_hook(self, hook):
            saved.append(hook)

        def get(self, path, content=True):
            return notebook({"name": "python"})

    class AsyncManager(Manager):
        async def get(self, path, content=True):
            return notebook({"name": "python"})

    for manager in (Manager(), AsyncManager()):
        lab_extension.hook_contents_manager({"contents_manager": manager})
        model = manager.get("lesson.ipynb")
        model = run(model) if asyncio.iscoroutine(model) else model
        assert model["content"]["metadata"]["language_info"] == lab_extension.kernel_language_info()
    assert saved == [lab_extension.keep_pictures] * 2


@pytest.mark.slow
def test_every_lessons_set_up_runs_alone_in_a_fresh_kernel():
    """What the lab runs when a lesson's kernel starts must run before anything else has."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"))
    failed = {}
    try:
        for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
            code = lab_extension.setup_code(json.loads(path.read_text()))
            assert code, f"{path.name} has no cell tagged {lab_extension.SETUP_TAG!r}"
            client.execute_interactive("%reset -f", timeout=60, output_hook=lambda message: None)
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda message: None)
            if reply["content"]["status"] != "ok":
                failed[path.name] = f"{reply['content']['ename']}: {reply['content']['evalue']}"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert not failed, failed


def lesson_with_setup(folder: Path) -> Path:
    notebook = folder / "notebooks" / "06_backpropagation.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {"tags": ["setup"]},
                        "source": ["import numpy as np\n", "x = np.ones(2)"],
                    },
                    {"cell_type": "code", "metadata": {}, "source": "y = x + 1"},
                ]
            }
        )
    )
    return notebook


def test_a_kernel_finds_its_notebook_by_path_or_by_the_name_a_deck_gives(tmp_path):
    notebook = lesson_with_setup(tmp_path)
    assert lab_extension.find_notebook(tmp_path, "notebooks/06_backpropagation.ipynb", "x") == notebook
    # jupyterlab-rise starts a session under a random id with only the file's name
    assert lab_extension.find_notebook(tmp_path, "30552b68-94bf-4aa5", "06_backpropagation.ipynb") == notebook
    assert lab_extension.find_notebook(tmp_path, "30552b68-94bf-4aa5", "console-1") is None


def test_a_notebooks_kernel_is_started_with_its_set_up(tmp_path):
    """The session's start passes the notebook's set-up to its kernel's start, and only to it."""
    notebook = lesson_with_setup(tmp_path / "root")
    started, folders = [], []

    class Kernels:
        async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
            started.append(kwargs.get("extra_arguments", []))
            folders.append(path)
            return "k1"

    class Sessions:
        async def start_kernel_for_session(self, session_id, path, name, type, kernel_name, kernel_id=None):
            return await kernels.start_kernel(path=path, kernel_name=kernel_name)

    class Contents:
        root_dir = str(tmp_path / "root")

    kernels, sessions = Kernels(), Sessions()
    lab_extension.hook_kernels({"session_manager": sessions, "kernel_manager": kernels, "contents_manager": Contents()})

    async def open_lesson_then_a_console():
        await sessions.start_kernel_for_session(
            session_id="s1", path="3f2b-uuid", name=notebook.name, type="notebook", kernel_name="python3"
        )
        await sessions.start_kernel_for_session(
            session_id="s2", path="console-1", name="", type="console", kernel_name="python3"
        )

    run(open_lesson_then_a_console())
    (option,), plain = started
    assert plain == [] and option.startswith("--IPKernelApp.exec_files=")
    script = Path(option.split("=", 1)[1])
    # A deck (a session named by an id) also gets the lesson's other cells, to run before a slide's cell.
    assert script.read_text().startswith("import numpy as np\nx = np.ones(2)\n")
    assert "_install_cells_before(get_ipython(), [('', 'y = x + 1', False)], ['np', 'x'])" in script.read_text()
    assert folders[0] == "notebooks"  # a deck's kernel runs in the lesson's folder, not the server's root
    run(
        sessions.start_kernel_for_session(
            session_id="s3",
            path="notebooks/06_backpropagation.ipynb",
            name=notebook.name,
            type="notebook",
            kernel_name="python3",
        )
    )
    lab = Path(started[-1][0].split("=", 1)[1])
    assert lab.read_text() == "import numpy as np\nx = np.ones(2)\n"  # in the lab, the set-up alone


def test_the_set_up_scripts_go_when_the_server_ends(tmp_path):
    """Each server start writes its set-up scripts to a folder of its own, which must not outlive it."""
    import subprocess
    import sys

    program = f"""
import asyncio
from pathlib import Path
from course_tools import lab_extension

class Kernels:
    async def start_kernel(self, **kwargs):
        print(kwargs["extra_arguments"][0].split("=", 1)[1])

class Sessions:
    async def start_kernel_for_session(self, session_id, path, name, type, kernel_name):
        return await kernels.start_kernel(path=path, kernel_name=kernel_name)

class Contents:
    root_dir = {str(tmp_path)!r}

kernels, sessions = Kernels(), Sessions()
lab_extension.hook_kernels({{"session_manager": sessions, "kernel_manager": kernels, "contents_manager": Contents()}})
asyncio.run(sessions.start_kernel_for_session("s", "notebooks/06_backpropagation.ipynb", "06_backpropagation.ipynb",
                                              "notebook", "python3"))
"""
    lesson_with_setup(tmp_path)
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    script = Path(done.stdout.strip())
    assert script.name == "06_backpropagation-setup.py"
    assert not script.parent.exists(), f"{script.parent} outlived the server"
