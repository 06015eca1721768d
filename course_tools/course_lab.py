"""How the course's JupyterLab is set up, wherever it runs: for learners (``course.py lab``), for decks
(``course.py slides``), on a hub (binder/postBuild) and in the browser tests. Standard library only:
``course.py`` imports it before the course's environment exists.

- A saved notebook keeps each widget's picture, not a view of a model that dies with the kernel
  (``lab_extension``, which hooks every save, autosave included).
- A lesson opens with nothing to save (``lab_extension`` again).
- In a deck, Shift+Enter runs a slide's cell and stays on the slide.
- JupyterLab asks nothing on the first screen: no "Would you like to get notified about official
  Jupyter news?" pop-up, and no update check, which would also reach for the internet.
- ipywidgets' slider handles and Play buttons have names a screen reader can say: the course's own small
  JupyterLab plugin gives them (``web/labextension``, plain JavaScript with nothing to build).
- The learner's lab opens the course's own workspace: the course map, with the file browser at the
  course's root (``exercises/`` and ``notebooks/``), at an address that says so.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"course_tools.lab_extension": True}}}
# JupyterLab's defaults for settings a learner has not chosen; it merges every file of overrides.d.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # In a deck (jupyterlab-rise's page, body.rise-enabled) Shift+Enter runs the cell and stays: it also
    # selected the next cell, and the deck followed it to the next slide, leaving a new widget off screen.
    # A code line longer than its cell wraps instead of running out of sight: at a deck's 20 px code
    # about 97 characters fit, and on a laptop fewer.
    "@jupyterlab/notebook-extension:tracker": {"codeCellConfig": {"lineWrap": True}},
    "@jupyterlab/shortcuts-extension:shortcuts": {
        "shortcuts": [
            {
                "command": "notebook:run-cell",
                "keys": ["Shift Enter"],
                "selector": f"body.rise-enabled .jp-Notebook.jp-mod-{mode}",
            }
            for mode in ("editMode", "commandMode")
        ]
    },
}
LAB_EXTENSION = Path(__file__).resolve().parent / "web" / "labextension"  # its package.json names it
COURSE_MAP = "notebooks/00_course_map.ipynb"
WORKSPACE = "backprop-course"
FIRST_LAYOUT = {
    "data": {
        "layout-restorer:data": {
            "main": {
                "dock": {"type": "tab-area", "currentIndex": 0, "widgets": [f"notebook:{COURSE_MAP}"]},
                "current": f"notebook:{COURSE_MAP}",
            },
            "left": {"collapsed": False, "visible": True, "current": "filebrowser", "widgets": ["filebrowser"]},
        },
        f"notebook:{COURSE_MAP}": {"data": {"path": COURSE_MAP, "factory": "Notebook"}},
        "file-browser-filebrowser:cwd": {"path": ""},
    },
    "metadata": {"id": WORKSPACE},
}


def _write(path: Path, content: dict) -> Path:
    text = json.dumps(content, indent=2) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def install(prefix: Path) -> list[Path]:
    """Set up the JupyterLab of the environment at ``prefix`` for the course (its server extension and
    its default settings); return the files written. Run again, it changes nothing."""
    prefix = Path(prefix)
    return [
        _write(prefix / "etc" / "jupyter" / "jupyter_server_config.d" / f"{WORKSPACE}.json", SERVER_CONFIG),
        _write(prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / f"{WORKSPACE}.json", LAB_SETTINGS),
        *_copy_lab_extension(prefix / "share" / "jupyter" / "labextensions"),
    ]


def _copy_lab_extension(labextensions: Path) -> list[Path]:
    """The course's JupyterLab plugin, where JupyterLab and jupyterlab-rise look for prebuilt extensions."""
    name = json.loads((LAB_EXTENSION / "package.json").read_text(encoding="utf-8"))["name"]
    written = []
    for source in sorted(LAB_EXTENSION.rglob("*")):
        if source.is_file():
            target = labextensions / name / source.relative_to(LAB_EXTENSION)
            if not target.exists() or target.read_bytes() != source.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            written.append(target)
    return written


def workspace_file(folder: Path) -> Path:
    """Where JupyterLab keeps the course's workspace in ``folder`` (jupyterlab_server's ``slugify``)."""
    return Path(folder) / f"{WORKSPACE}-{hashlib.sha256(WORKSPACE.encode()).hexdigest()[:4]}.jupyterlab-workspace"


def learner_options(root: Path) -> list[str]:
    """The learner's lab, rooted at the course folder ``root``: its first visit shows ``FIRST_LAYOUT``;
    later visits show the layout the learner left, which JupyterLab saves in the same workspace."""
    folder = Path(root) / ".lab-workspaces"
    if not workspace_file(folder).exists():
        _write(workspace_file(folder), FIRST_LAYOUT)
    return [
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={folder}",
        f"--LabApp.default_url=/lab/workspaces/{WORKSPACE}",
    ]


def stop(process: subprocess.Popen | None) -> None:
    """Stop a JupyterLab server (its kernels go with it): terminate, and kill it if it lingers past 15 s."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
