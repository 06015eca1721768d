"""Latest value wins: a widget that skips the pictures nobody would see while a slider is dragged.

A dragged slider sends a value every few milliseconds; the kernel handles them one at
a time, in order. If every value were drawn, a slow picture would build a backlog and
the widget would keep redrawing long after the hand stopped. Instead: a change that
starts right after the previous one finished was waiting in the queue, so newer values
are probably behind it. Its redraw is put off briefly (on the kernel's event loop) and
done once, from the controls' values at that time: the latest. A change that arrives
when the kernel was idle is drawn at once, and without an event loop (a script, a test)
every change is drawn at once.
"""
from __future__ import annotations

import asyncio
import time

QUEUED_GAP_S = 0.010      # a change starting this soon after the last one ended was waiting in the queue
COALESCE_DELAY_S = 0.030  # ... so its redraw waits this long for newer values
MAX_FRAME_GAP_S = 0.5     # but while changes pour in, the picture is never older than this


class LatestValueWins:
    """Mixin placed before ``LessonWidget``: same ``update()``, drawn at most once per burst of queued changes."""

    _last_done = float("-inf")
    _last_drawn = float("-inf")
    _flush_pending = False

    def _on_change(self, change=None) -> None:
        started = time.perf_counter()
        queued = (change is not None and started - self._last_done < QUEUED_GAP_S
                  and started - self._last_drawn < MAX_FRAME_GAP_S)
        if queued and self._flush_later():
            self._last_done = time.perf_counter()
            return
        self._draw_now()
        self._last_done = time.perf_counter()

    def _flush_later(self) -> bool:
        """Schedule one redraw shortly; False when there is no event loop to run it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if not self._flush_pending:
            self._flush_pending = True
            loop.call_later(COALESCE_DELAY_S, self._flush)
        return True

    def _flush(self) -> None:
        self._flush_pending = False
        self._draw_now()

    def _draw_now(self) -> None:
        self.update()
        self.updates += 1
        self._last_drawn = time.perf_counter()
