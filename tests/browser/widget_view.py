"""Handle one live course widget in the page as a person would, and read what it shows.

A ``LessonWidget`` is shown as a VBox: a row of controls, an image (the PNG
figure, as a blob: URL) and an HTML readout. ``WidgetView`` finds those parts,
moves sliders with the keyboard or the mouse, picks dropdown options, clicks
buttons, and waits until both the readout and the picture have changed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from labpage import BrowserTimeout, LabNotebook, PlaywrightError, wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

MINUS = "\u2212"  # ipywidgets' slider readouts write negative numbers with a real minus sign

# SHA-256 of the bytes behind the <img>'s src: the blob: URL changes on every
# update, so only the content tells whether the picture really changed.
IMAGE_DIGEST_JS = """
async (img) => {
  if (!img.src) return '';
  const response = await fetch(img.src);
  const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
  return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('');
}
"""


def number(text: str) -> float:
    """A number as a widget shows it ('−1.0' with a Unicode minus included)."""
    return float(text.strip().replace(MINUS, "-"))


@dataclass(frozen=True)
class Snapshot:
    """What the widget shows at one moment: ``readout`` text, image ``src`` and image ``digest``."""

    readout: str
    src: str
    digest: str


class WidgetView:
    """The first widget shown in the output of cell ``index`` of a notebook open in ``lab``.

    Failure messages name the notebook and the cell, and quote what the kernel
    wrote to stderr from widget callbacks meanwhile (their exceptions land there).
    """

    def __init__(self, lab: LabNotebook, index: int, timeout_s: float = 30):
        self.lab = lab
        self.page: Page = lab.page
        self.where = f"{lab.facts.name} {lab.facts.cells[index].label}"
        self.root: Locator = (
            lab.cell(index).locator(".jp-Cell-outputArea .jp-OutputArea-output > .jupyter-widgets").first
        )
        try:
            self.root.wait_for(state="visible", timeout=timeout_s * 1000)
        except PlaywrightError:
            raise AssertionError(
                f"{self.where}: no rendered widget in this cell's output after {timeout_s:.0f} s"
            ) from None

    # -- parts --------------------------------------------------------------------
    @property
    def image(self) -> Locator:
        return self.root.locator(":scope > img.widget-image").first

    @property
    def readout(self) -> Locator:
        return self.root.locator(":scope > .widget-html .widget-html-content").first

    def control(self, kind: str, label: str) -> Locator:
        """The control of class ``widget-<kind>`` whose description label reads ``label``."""
        label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
        found = self.root.locator(f".widget-{kind}").filter(has=self.page.locator(".widget-label", has_text=label_re))
        if found.count() != 1:
            raise AssertionError(f"{self.where}: expected one {kind} labelled {label!r}, found {found.count()}")
        return found

    def readout_number(self, name: str) -> float:
        """The number the readout shows in ``<span data-name=name>``."""
        span = self.readout.locator(f"[data-name='{name}']")
        if span.count() != 1:
            raise AssertionError(
                f"{self.where}: the readout has no single value named {name!r}: {self.readout.inner_text()!r}"
            )
        return number(span.inner_text())

    def slider_value(self, label: str) -> float:
        """The value the slider's own readout shows (what the person reads next to it)."""
        return number(self.control("slider", label).locator(".widget-readout").inner_text())

    # -- looking --------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        src = self.image.get_attribute("src") or ""
        return Snapshot(self.readout.inner_text(), src, self.image.evaluate(IMAGE_DIGEST_JS))

    def wait_for_change(self, before: Snapshot, action: str, timeout_s: float = 20) -> Snapshot:
        """Wait until readout and picture both differ from ``before``; fail naming ``action`` if not.

        Also fails if a widget callback wrote to stderr meanwhile (a warning or an exception).
        """
        seen = self.lab.callback_output_count()
        try:
            wait_until(
                self.page,
                """([root, readout, src]) => {
                const img = root.querySelector(':scope > img.widget-image');
                const text = root.querySelector(':scope > .widget-html .widget-html-content');
                return img && text && img.getAttribute('src') !== src && text.innerText !== readout;
            }""",
                "the readout and the picture to change",
                timeout_s,
                arg=[self.root.element_handle(), before.readout, before.src],
            )
        except BrowserTimeout as timeout:
            now = self.snapshot()
            state = (
                f"readout {'unchanged' if now.readout == before.readout else 'changed'}, "
                f"image {'unchanged' if now.src == before.src else 'changed'}"
            )
            raise AssertionError(
                f"{self.where}: after {action}, {timeout} ({state}; readout now {now.readout!r})."
                + self._callback_report(seen)
            ) from None
        self._settle()
        after = self.snapshot()
        if after.digest == before.digest:
            raise AssertionError(
                f"{self.where}: after {action}, the picture's src changed but its PNG bytes "
                "are identical: the figure was not redrawn for the new value"
            )
        report = self._callback_report(seen)
        if report:
            raise AssertionError(f"{self.where}: after {action}, the widget callback wrote to stderr." + report)
        return after

    def _settle(self, quiet_s: float = 0.5, timeout_s: float = 10) -> None:
        """Wait until readout and picture stay the same for ``quiet_s``: a drag may send several values."""
        look = lambda: (self.readout.inner_text(), self.image.get_attribute("src"))  # noqa: E731
        deadline, last, since = time.monotonic() + timeout_s, look(), time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < quiet_s:
            time.sleep(0.1)
            now = look()
            if now != last:
                last, since = now, time.monotonic()

    def _callback_report(self, since: int) -> str:
        texts = self.lab.callback_output(since)
        if not texts:
            return ""
        return (
            "\nThe kernel wrote to stderr meanwhile (JupyterLab shows this only in its Log Console):\n"
            + "".join(texts).strip()[-3000:]
        )

    # -- doing ----------------------------------------------------------------------------
    def press_on_slider(self, label: str, key: str, times: int = 1) -> None:
        """Focus the slider's handle (as a click or Tab would) and press ``key`` ``times`` times."""
        handle = self.control("slider", label).locator(".noUi-handle")
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def drag_slider(self, label: str, fraction: float) -> None:
        """Drag the slider's handle with the mouse to ``fraction`` (0 left end, 1 right end) of its track."""
        slider = self.control("slider", label)
        handle, track = slider.locator(".noUi-handle"), slider.locator(".noUi-base")
        handle.scroll_into_view_if_needed()
        start, box = handle.bounding_box(), track.bounding_box()
        y = start["y"] + start["height"] / 2
        self.page.mouse.move(start["x"] + start["width"] / 2, y)
        self.page.mouse.down()
        # Beyond the ends is fine: the slider stops at its limits, as it would for a person.
        self.page.mouse.move(box["x"] + fraction * box["width"], y, steps=8)
        self.page.mouse.up()

    def select(self, label: str, option: str) -> None:
        self.control("dropdown", label).locator("select").select_option(option)

    def click_button(self, text: str) -> None:
        button = self.root.locator("button.widget-button", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
        if button.count() != 1:
            raise AssertionError(f"{self.where}: expected one button {text!r}, found {button.count()}")
        button.click()

    def click_toggle(self, label: str, option: str) -> None:
        """Click the button ``option`` of the ToggleButtons labelled ``label``."""
        group = self.control("toggle-buttons", label)
        group.locator("button", has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")).click()


def widget_of(notebook, call: str, lesson_runs, request, which: int = 0) -> "WidgetView":
    """The live widget of ``notebook``'s cells that call ``call`` (the first, or ``which``), after the lesson's run.

    Fails the test with a clear message when the lesson, the cell or the widget is missing.
    """
    import pytest

    if not notebook.exists():
        pytest.fail(f"no lesson notebook matches {notebook.relative_to(notebook.parents[1])}", pytrace=False)
    run = lesson_runs.get(notebook, request.node)
    cells = run.notebook.facts.cells_calling(call)
    if not cells:
        pytest.fail(f"{notebook.name}: no code cell calls {call}", pytrace=False)
    try:
        return WidgetView(run.notebook, cells[which].index)
    except AssertionError as missing:
        pytest.fail(f"{missing}" + (f"\nThe lesson's run reported: {run.error}" if run.error else ""), pytrace=False)
