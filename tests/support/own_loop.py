"""Run a coroutine on an event loop of its own, in a thread of its own.

The widget tests imitate a kernel with ``asyncio.run``. After the browser tests,
Playwright's loop stays marked as running in the main thread, where ``asyncio.run``
refuses to start; a fresh thread has no loop of anyone else's.
"""

from __future__ import annotations

import asyncio
import threading


def run_in_own_loop(coroutine):
    """``asyncio.run(coroutine)`` in a new thread; returns its result or raises its exception."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed back to the test's own thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def set_back_to_back(make_widget, control: str, values, settle_s: float):
    """In a kernel's event loop, make a widget and set its ``control`` to each of ``values`` back to back, as
    queued comm messages arrive, then give its put-off redraw ``settle_s``: (the widget, the redraws they caused)."""

    async def drag():
        widget = make_widget()
        drawn = widget.updates
        for value in values:
            widget.controls[control].value = value
        await asyncio.sleep(settle_s)
        return widget, widget.updates - drawn

    return run_in_own_loop(drag())
