"""PATH for the subprocesses the tests start: this environment's scripts, then the system's.

A tool that starts another tool by name (nbgrader starts ``alembic``) must find
the copy installed in the environment under test. Leaving out every other PATH
entry (``/usr/local/bin``, pyenv shims, ``~/.local/bin``) makes a test fail here,
as it would on a fresh machine, instead of passing thanks to a global install.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

SCRIPTS = Path(sysconfig.get_path("scripts"))
SYSTEM_FOLDERS = ("/usr/bin", "/bin")


def only_this_environment(environ: dict | None = None) -> dict:
    """A copy of ``environ`` (default: ours) whose PATH is this environment's scripts plus the system's."""
    environ = dict(os.environ if environ is None else environ)
    environ["PATH"] = os.pathsep.join([str(SCRIPTS), *SYSTEM_FOLDERS])
    return environ
