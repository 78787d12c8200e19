"""Who is following a session: the browser views that still report in.

A guided session's views (a browser tab, a second window, a notebook re-opened) each report
a heartbeat about once a second while they are shown, say when they are hidden, and say
goodbye when they are closed. :class:`Presence` keeps the last word of each view, on an
injected clock, and answers one question: is anybody still following?

A step counts as done only while somebody follows it, so when the last view is gone the
session pauses as of the moment that view was last heard from (:meth:`Presence.last_seen`).

Timing rules (seconds):

* a shown view that stays silent for :data:`VISIBLE_TIMEOUT` is gone (its tab was closed
  without a goodbye, its network dropped);
* a hidden view (another tab in front, the screen off) may be silent for
  :data:`HIDDEN_TIMEOUT`: browsers slow the timers of background tabs to one a minute, and a
  person who follows by voice with the page hidden is still following;
* a view that said goodbye is gone at once;
* once nobody follows, a running session pauses after :data:`LOST_GRACE` more seconds (a
  busy kernel may still hold heartbeats in its queue), or at once after a goodbye
  (:meth:`Presence.pause_at`).

Before any view has reported (a session driven from code, tests, the benchmark) there is
nobody to wait for and :meth:`Presence.lost` stays ``False``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["HIDDEN_TIMEOUT", "LOST_GRACE", "VISIBLE_TIMEOUT", "Presence"]

VISIBLE_TIMEOUT = 4.0
HIDDEN_TIMEOUT = 75.0
LOST_GRACE = 1.5


@dataclass(slots=True)
class _View:
    seen: float
    visible: bool


class Presence:
    """The views of one session and when each was last heard from."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._views: dict[str, _View] = {}
        self._last_seen: float | None = None
        self.said_goodbye = False  # the last view left by saying so (no need to wait)
        self._lost_since: float | None = None  # when nobody was found following

    @property
    def ever_seen(self) -> bool:
        """Whether any view has reported since the app was built."""
        return self._last_seen is not None

    def beat(self, view: str, visible: bool = True) -> None:
        """``view`` reports in (shown or hidden)."""
        now = self.clock()
        self._views[str(view)] = _View(now, bool(visible))
        self._last_seen = now
        self.said_goodbye = False
        self._lost_since = None

    def gone(self, view: str) -> None:
        """``view`` was closed."""
        if self._views.pop(str(view), None) is not None:
            self._last_seen = self.clock()
            self.said_goodbye = not self.alive()

    def _expiry(self, view: _View) -> float:
        return view.seen + (VISIBLE_TIMEOUT if view.visible else HIDDEN_TIMEOUT)

    def alive(self) -> list[str]:
        """The views still following now."""
        now = self.clock()
        return [name for name, view in self._views.items() if self._expiry(view) > now]

    def lost(self) -> bool:
        """True when views have reported before and none is left now."""
        return self.ever_seen and not self.alive()

    def last_seen(self) -> float | None:
        """When a view was last heard from (the time to pause a session at)."""
        alive = [self._views[name].seen for name in self.alive()]
        return max(alive) if alive else self._last_seen

    def pause_at(self) -> float | None:
        """For a running session: the moment to pause it at (the last heartbeat), once
        nobody has followed for :data:`LOST_GRACE` seconds or the last view said goodbye;
        ``None`` while somebody follows or the grace lasts."""
        if not self.lost():
            self._lost_since = None
            return None
        now = self.clock()
        if self._lost_since is None:
            self._lost_since = now
        if now - self._lost_since < LOST_GRACE and not self.said_goodbye:
            return None
        self._lost_since = None
        return self.last_seen()

    def restart_grace(self) -> None:
        """Give the full grace again (a session started or resumed by hand)."""
        self._lost_since = None

    def next_check_at(self) -> float | None:
        """When to ask :meth:`pause_at` again: the end of the grace, or when the first view
        still counted as following would expire (``None``: no need)."""
        if self._lost_since is not None:
            return self._lost_since + LOST_GRACE
        now = self.clock()
        expiries = [e for e in (self._expiry(v) for v in self._views.values()) if e > now]
        return min(expiries) if expiries else None
