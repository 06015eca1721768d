"""The JavaScript and CSS the handouts and the static book embed: reveal.js and MathJax.

Both come from the npm registry at build time, never from a CDN when a page is read: a handout
or a book page makes no request to the internet. ``course_tools/web/package.json`` names the
versions and ``package-lock.json`` their hashes; ``npm ci`` installs them once into
``build/web-assets/`` (ignored by git), and later builds reuse that copy::

    from course_tools.web_assets import ensure_assets
    assets = ensure_assets()          # runs npm ci the first time (needs node and npm, and the registry)
    assets.mathjax                    # .../mathjax/es5/tex-svg-full.js: TeX to SVG, fonts included
    assets.reveal                     # .../reveal.js (dist/, plugin/)

MathJax's ``tex-svg-full.js`` is one file holding every TeX extension and the glyphs it draws,
so a page that loads it needs nothing else: no web fonts, no extension fetched on demand.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = Path(__file__).resolve().parent / "web"
ASSETS = ROOT / "build" / "web-assets"
# The text contrast every page of the course shares; the JupyterLab plugin links it too (lab.css).
CONTRAST_CSS = SPEC / "labextension" / "static" / "contrast.css"

# MathJax 3, told where the lessons' math is: $...$ and $$...$$ as in JupyterLab. Code and
# preformatted text are left alone. ``fontCache: 'global'`` draws each glyph once per page.
# Assistive MathML: beside each drawn formula MathJax puts its MathML, visually hidden, which screen
# readers read (the SVG itself is hidden from them). tex-svg-full.js holds the extension and turns it
# on by default; it is said here so that a change of MathJax's defaults cannot turn it off unnoticed.
MATHJAX_CONFIG = """window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true},
  options: {skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code'],
            enableAssistiveMml: true, menuOptions: {settings: {assistiveMml: true}}},
  svg: {fontCache: 'global'},
  startup: {typeset: true}
};"""


class AssetError(RuntimeError):
    """The web assets could not be installed: says what is missing and what to do."""


@dataclass(frozen=True)
class Assets:
    """Where the installed packages are: ``modules`` (node_modules), ``reveal`` and ``mathjax`` (the script)."""

    modules: Path

    @property
    def reveal(self) -> Path:
        return self.modules / "reveal.js"

    @property
    def mathjax(self) -> Path:
        return self.modules / "mathjax" / "es5" / "tex-svg-full.js"

    def versions(self) -> dict[str, str]:
        return {
            name: json.loads((self.modules / name / "package.json").read_text(encoding="utf-8"))["version"]
            for name in ("reveal.js", "mathjax")
        }


def _wanted() -> dict[str, str]:
    return json.loads((SPEC / "package.json").read_text(encoding="utf-8"))["dependencies"]


def _installed(folder: Path) -> bool:
    modules = folder / "node_modules"
    try:
        return all(
            json.loads((modules / name / "package.json").read_text(encoding="utf-8"))["version"] == version
            for name, version in _wanted().items()
        )
    except (OSError, ValueError, KeyError):
        return False


def ensure_assets(folder: Path = ASSETS, quiet: bool = False) -> Assets:
    """Install the pinned reveal.js and MathJax into ``folder`` unless they are there already; return where."""
    folder = Path(folder)
    if not _installed(folder):
        npm = shutil.which("npm")
        if npm is None:
            raise AssetError(
                "npm is not installed: the handouts and the book take reveal.js and MathJax from the "
                "npm registry when they are built. Install Node.js (with npm), e.g. apt-get install npm"
            )
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(SPEC / name, folder / name)
        if not quiet:
            print(f"Installing reveal.js and MathJax from the npm registry into {folder} (once) ...", flush=True)
        result = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not _installed(folder):
            raise AssetError(
                f"npm ci in {folder} failed (exit {result.returncode}); is the npm registry "
                f"reachable?\n{result.stderr.strip()}"
            )
    return Assets(folder / "node_modules")


# ----------------------------------------------------------------- inlining, for self-contained files
def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def script_tag(path: Path) -> str:
    """``path``'s JavaScript inside a <script> element (a literal "</script" in it would end the element)."""
    code = Path(path).read_text(encoding="utf-8")
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE) + "</script>"


_IMPORT = re.compile(r"@import\s+url\(\s*['\"]?([^'\")]+)['\"]?\s*\)\s*;")
_FONT_FACE = re.compile(r"@font-face\s*\{(.*?)\}", re.S)
_WOFF = re.compile(r"url\(\s*['\"]?([^'\")]+\.woff)['\"]?\s*\)\s*format\(\s*['\"]?woff['\"]?\s*\)")


def inline_css(path: Path) -> str:
    """The CSS in ``path`` with its @imports pulled in and its web fonts as data: URIs.

    Of each @font-face only the WOFF source is kept (every browser in use reads it; the EOT and
    TTF copies would triple the size). Nothing in the result refers to another file.
    """
    path = Path(path)
    css = path.read_text(encoding="utf-8")

    def font_face(match: re.Match) -> str:
        body = match.group(1)
        woff = _WOFF.search(body)
        if woff is None:
            return ""  # a face with no WOFF copy: the fallback fonts serve
        rules = [line.strip() for line in body.split(";") if line.strip() and not line.strip().startswith("src")]
        source = data_uri(path.parent / woff.group(1), "font/woff")
        return "@font-face {" + "; ".join(rules + [f"src: url({source}) format('woff')"]) + "; }"

    css = _FONT_FACE.sub(font_face, css)  # before the imports: theirs are inlined already
    css = _IMPORT.sub(lambda match: inline_css(path.parent / match.group(1)), css)
    leftover = re.findall(r"url\(\s*['\"]?(?!data:)([^'\")]+)", css)
    if leftover:
        raise AssetError(f"{path.name} still refers to other files after inlining: {leftover[:3]}")
    return css


# ----------------------------------------------------------------- a notebook as a static page shows it
STATIC_LIVE_NOTE = "A live widget: run this lesson in JupyterLab to use it."
STATIC_WIDGET_NOTE = f"{STATIC_LIVE_NOTE} (This is a picture of how it starts.)"


def static_notebook(nb):
    """A copy of the executed notebook ``nb`` for a page with no kernel: each widget output keeps only
    its picture (course_tools/widget_snapshots.py), with a line saying where it is live."""
    import copy

    from course_lib.drawing.described import LIVE_NOTE, SNAPSHOT_NOTE

    from .widget_snapshots import WIDGET_MIME

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME not in data and not str(data.get("text/plain", "")).startswith(LIVE_NOTE):
                continue
            data.pop(WIDGET_MIME, None)
            html = data.get("text/html", f"<p><i>{SNAPSHOT_NOTE}</i></p>")
            data["text/html"] = html.replace(SNAPSHOT_NOTE, STATIC_WIDGET_NOTE).replace(LIVE_NOTE, STATIC_LIVE_NOTE)
            data["text/plain"] = STATIC_WIDGET_NOTE if "<img" in html else STATIC_LIVE_NOTE
    return nb
