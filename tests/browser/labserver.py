"""Start and stop a throw-away JupyterLab server for the browser tests.

The server runs the Python that runs pytest (``sys.executable``), so the
kernel is this environment's ``python3`` with ``course_lib`` importable, but
everything it writes goes to a temporary directory: its HOME, Jupyter config,
data, settings and workspaces, and the root folder it serves, which is a copy
of ``notebooks/`` so the tests never touch the committed notebooks.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from course_tools import course_lab

# Talks to the local server directly, whatever proxy the environment names.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Settings the tests need from JupyterLab, written as the user's own settings.
USER_SETTINGS = {
    # Attach every cell to the DOM, so a test can find cell N as the Nth cell
    # element and read its outputs without scrolling it into view first.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
    # A page a test leaves cleared must not be written back to the served copy two minutes later, where
    # a later test would open it without outputs; the one test about saving saves explicitly.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {
        "autosave": False,
    },
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """One JupyterLab server serving a copy of ``notebooks`` from ``workdir``.

    ``url`` is its base URL (ends with '/'), ``root`` the folder it serves,
    ``log_path`` the file its output goes to. Use as a context manager, or call
    ``start()`` and ``stop()``.
    """

    def __init__(self, notebooks: Path, workdir: Path, repo: Path, startup_timeout: float = 90.0):
        self.notebooks = Path(notebooks)
        self.workdir = Path(workdir)
        self.repo = Path(repo)
        self.startup_timeout = startup_timeout
        self.root = self.workdir / "root"
        self.log_path = self.workdir / "jupyterlab-server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None
        self._log = None

    # -- set-up -------------------------------------------------------------
    def environment(self) -> dict:
        """The server's environment: private Jupyter folders, the real kernelspec and extensions."""
        home = self.workdir / "home"
        folders = {
            "HOME": home,
            "JUPYTER_CONFIG_DIR": home / "jupyter-config",
            "JUPYTER_DATA_DIR": home / "jupyter-data",
            "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
            "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
            "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
            "IPYTHONDIR": home / "ipython",
            "MPLCONFIGDIR": home / "matplotlib",
        }
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "JPY_"))}
        env.update({key: str(value) for key, value in folders.items()})
        # The kernelspec and the lab extensions (ipywidgets, jupyterlab-rise) live here.
        env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
        env["JUPYTER_CONFIG_PATH"] = str(Path(sys.prefix) / "etc" / "jupyter")
        # The kernel starts in the served copy, so course_lib must come from the checkout.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.repo), os.environ.get("PYTHONPATH")]))
        env.pop("MPLBACKEND", None)  # the kernel must pick its inline backend, as for a learner
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _write_settings(self, env: dict) -> None:
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
        for name, values in USER_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=1), encoding="utf-8")

    def _copy_notebooks(self) -> None:
        shutil.copytree(self.notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))

    def _warm_matplotlib(self, env: dict) -> None:
        """Build matplotlib's font cache in the new HOME now, so no cell prints
        'Matplotlib is building the font cache' to stderr during the tests."""
        subprocess.run(
            [sys.executable, "-c", "import matplotlib.font_manager"],
            env=env,
            cwd=self.workdir,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # containers and CI runners often run as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.token=",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--PasswordIdentityProvider.hashed_password=",
            "--PasswordIdentityProvider.password_required=False",
            # The tests' own REST calls (shutting kernels down) carry no XSRF cookie; nothing else can reach
            # this throw-away server, which listens on 127.0.0.1 only.
            "--ServerApp.disable_check_xsrf=True",
            # Lets the tests ask the running app about kernels and cells (window.jupyterapp).
            "--LabApp.expose_app_in_browser=True",
            # Announcements off on the server side too: no feed, no update check.
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # never asks PyPI for extension listings
        ]

    # -- life cycle -----------------------------------------------------------
    def start(self) -> "LabServer":
        env = self.environment()
        course_lab.install(Path(sys.prefix))  # as course.py does: the course's server extension and settings
        self._write_settings(env)
        self._copy_notebooks()
        self._warm_matplotlib(env)
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            self.command(), env=env, cwd=self.root, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        probe = self.url + "api/status"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {self.process.returncode} before answering; "
                    f"its log:\n{self.log_tail()}"
                )
            try:
                with _LOCAL.open(probe, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise TimeoutError(
            f"JupyterLab did not answer {probe} within {self.startup_timeout:.0f} s; its log:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """Terminate the server (kernels go with it); kill it if it lingers."""
        course_lab.stop(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "LabServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers for the tests --------------------------------------------------
    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API (``path`` below ``/api/``); return the decoded JSON or None."""
        request = urllib.request.Request(self.url + "api/" + path, method=method)
        with _LOCAL.open(request, timeout=15) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self, path: str | None = None) -> None:
        """End the sessions (and kernels) of notebook ``path``, or every one when ``path`` is None,
        so a finished lesson stops using CPU and memory."""
        for session in self.api("GET", "sessions") or []:
            if path is None or session.get("path") == path:
                self.api("DELETE", f"sessions/{session['id']}")
        if path is None:
            for kernel in self.api("GET", "kernels") or []:
                self.api("DELETE", f"kernels/{kernel['id']}")
