"""axe-core in the browser tests: run it on a page, keep its serious and critical violations, report them.

axe-core (the engine behind most accessibility checkers) comes inside the ``axe-playwright-python``
package of the test extra, so it runs offline. ``check`` injects it into a page, runs axe's default
rules within a context, and returns the violations of impact "serious" or "critical" with where they
are; it prints every count, so the run's log lists them per page. Used by the two accessibility test
modules: ``test_browser_accessibility_pages`` (the book and the decks) and
``test_browser_accessibility`` (the course's DOM in JupyterLab, and the keyboard).
"""

from __future__ import annotations

import importlib.resources
import re

import pytest

from course_tools.web_assets import CONTRAST_CSS

BAD = ("serious", "critical")
CODE = ".jp-InputArea-editor"  # code cells' syntax colours: checked by tests/tools/test_colour_and_contrast.py instead

RUN_JS = """async ([context, upstream]) => {
  const result = await axe.run(context || document, {resultTypes: ['violations']});
  const inside = (rule, node) => {
    const marker = upstream[rule];
    const element = marker && node.target.length === 1 && document.querySelector(node.target[0]);
    return !!(element && element.closest(marker));
  };
  return result.violations.filter((v) => %s.includes(v.impact)).map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    upstream: v.nodes.filter((n) => inside(v.id, n)).length,
    where: v.nodes.filter((n) => !inside(v.id, n)).map((n) =>
      n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim())
  }));
}""" % list(BAD)

# Each formula MathJax drew, and each that carries its MathML for screen readers.
MATHML_JS = """() => ({formulas: document.querySelectorAll('mjx-container').length,
  assistive: document.querySelectorAll('mjx-container mjx-assistive-mml math').length})"""

COUNTS: dict[str, dict[str, int]] = {}


# The code colours the course sets (contrast.css): axe leaves code cells out (CODE), so each kind of page
# checks that they reached it, by reading what its body computes.
COURSE_CODE_COLOURS = dict(
    re.findall(r"--jp-mirror-editor-([a-z-]+)-color:\s*(#[0-9a-fA-F]{6})", CONTRAST_CSS.read_text())
)
SHOWN_COLOURS_JS = """(names) => Object.fromEntries(names.map((name) => [name,
  getComputedStyle(document.body).getPropertyValue(`--jp-mirror-editor-${name}-color`).trim().toLowerCase()]))"""


def code_colours_problem(page, where: str) -> str | None:
    """What differs between the code colours ``page`` shows and the course's, or None."""
    shown = page.evaluate(SHOWN_COLOURS_JS, list(COURSE_CODE_COLOURS))
    wrong = {name: shown[name] for name, colour in COURSE_CODE_COLOURS.items() if shown[name] != colour.lower()}
    if wrong:
        return f"{where} shows code colours other than contrast.css's (AA on #f5f5f5): {wrong}"
    return None


def axe_source() -> str:
    try:
        return (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pytest.fail(
            "axe-core is missing: the test extra installs it (pip install -e '.[test]', package axe-playwright-python)",
            pytrace=False,
        )


# ipywidgets 8.1's front end gives a slider's handle (noUiSlider) no accessible name and the Play control's
# icon buttons no text. The course's JupyterLab plugin names them (course_tools/web/labextension), so they
# are judged like everything else; ``check``'s ``upstream`` stays for a rule a test must count but not judge.
def check(page, where: str, context, upstream: dict | None = None) -> list[dict]:
    """axe's serious and critical violations on ``page`` within ``context``, less those ``upstream``
    names (rule -> a selector its elements' paths contain); every count is printed."""
    page.add_script_tag(content=axe_source())
    found = page.evaluate(RUN_JS, [context, upstream or {}])
    kept = [violation for violation in found if violation["where"]]
    left_out = {violation["rule"]: violation["upstream"] for violation in found if violation["upstream"]}
    COUNTS[where] = {v["rule"]: len(v["where"]) for v in kept}
    print(
        f"\naxe, serious or critical: {where}: {sum(COUNTS[where].values())} {COUNTS[where] or ''}"
        + (f"; upstream's, counted and not judged: {left_out}" if left_out else "")
    )
    return kept


def report(where: str, found: list[dict]) -> str:
    lines = [f"{where}: {len(found)} serious or critical axe rules fail"]
    for v in found:
        lines.append(f"  {v['rule']} ({v['impact']}, {len(v['where'])} elements): {v['help']}")
        lines.extend(f"      {w}" for w in v["where"][:4])
    return "\n".join(lines)
