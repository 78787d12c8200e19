"""The asyncio task that wakes the guided session when something is due.

:class:`TimerDriver` runs on the kernel's event loop. It sleeps until the next moment the
session must act (a step's deadline from ``time.monotonic()``, or the moment a silent view
would count as gone), then calls ``refresh``; a button press, a key or a heartbeat wakes it
at once. It never calls ``time.sleep`` and never busy-waits, and it does not wake every
second: the browser draws the countdown by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import Callable

__all__ = ["TimerDriver"]

log = logging.getLogger(__name__)


class TimerDriver:
    """Runs ``refresh`` whenever the display is due to change, on an asyncio event loop.

    ``refresh()`` updates the view and returns the monotonic time of the next change,
    ``None`` to wait until :meth:`wake` is called (paused), or ``False`` when there is nothing
    left to do (the task then ends). An exception from ``refresh`` ends the task and is handed
    to ``on_error``, which shows it in the view.
    """

    def __init__(
        self,
        refresh: Callable[[], float | bool | None],
        on_error: Callable[[BaseException], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresh = refresh
        self._on_error = on_error
        self.clock = clock
        self.task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Create the task on ``loop`` (the kernel's running loop) unless one is running."""
        if self.running:
            self.wake()
            return
        self._loop = loop
        self._wake = asyncio.Event()
        self.task = loop.create_task(self._run())

    def wake(self) -> None:
        """Refresh now (after a button press) instead of at the next planned moment."""
        if self._wake is None or self._loop is None or self._loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._wake.set()
        else:
            self._loop.call_soon_threadsafe(self._wake.set)

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def _run(self) -> None:
        assert self._wake is not None
        try:
            while True:
                self._wake.clear()
                next_at = self._refresh()
                if next_at is False:
                    return
                if next_at is None or next_at is True:
                    await self._wake.wait()
                    continue
                delay = max(0.0, float(next_at) - self.clock())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("the session timer failed\n%s", traceback.format_exc())
            self._on_error(exc)
