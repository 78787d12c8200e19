"""The browser half of the guided session: one anywidget that draws, speaks and listens.

:class:`FocusView` carries, and only carries:

* ``plan``: the timeline as the browser draws it (titles, lengths, tempo, cues), sent once
  when a session is chosen or started;
* ``run``: where the session is, sent at each change only (a step begins, pause, skip,
  stop): the step, its time left and the kernel's ``time.monotonic()`` at sending;
* ``settings``: the person's voice, beeps, volume, rep counting and wake-lock choices;
* ``sounds``: the tones (:mod:`backcare.sound`) as data URLs, sent once.

From the browser come heartbeats (``beat``; those marked ``sync`` are answered at once with
the kernel's clock so the page can place the kernel's end times on its own clock), goodbyes
(``gone``), keys (``key``) and the wake lock's fate (``wake``). Each goes to a callback the app
sets; nothing is decided here. The JavaScript lives beside this file (``cues.js``,
``countdown.js``, ``focus.css``) and ships in the wheel.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

import anywidget
import traitlets

from ...sound import finish_chime, step_beep, tick_beep

__all__ = ["FocusView", "front_end_source"]

_FILES = ("cues.js", "countdown.js")


def front_end_source() -> str:
    """The ES module: the helpers (cues.js) joined in front of the view (countdown.js)."""
    folder = resources.files(__package__)
    return "\n".join(folder.joinpath(name).read_text(encoding="utf-8") for name in _FILES)


def _css() -> str:
    return resources.files(__package__).joinpath("focus.css").read_text(encoding="utf-8")


def _data_url(wav: bytes) -> str:
    return "data:audio/wav;base64," + base64.b64encode(wav).decode("ascii")


class FocusView(anywidget.AnyWidget):
    """The countdown, the step's words and figure, voice, wake lock and keys (browser side)."""

    _esm = traitlets.Unicode(front_end_source()).tag(sync=True)
    _css = traitlets.Unicode(_css()).tag(sync=True)
    plan = traitlets.Dict().tag(sync=True)
    run = traitlets.Dict().tag(sync=True)
    settings = traitlets.Dict().tag(sync=True)
    sounds = traitlets.Dict().tag(sync=True)

    def __init__(self, clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.sounds = {
            "beep": _data_url(step_beep()),
            "tick": _data_url(tick_beep()),
            "end": _data_url(finish_chime()),
        }
        self.on_beat: Callable[[str, bool], None] | None = None
        self.on_gone: Callable[[str], None] | None = None
        self.on_key: Callable[[str], None] | None = None
        self.on_wake: Callable[[str, str], None] | None = None
        self.wake_status = ""  # the browser's last word on the wake lock
        self.on_msg(self._receive)

    def _receive(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "beat":
            # Answer first when asked: the page measures the round trip to set its clock.
            if content.get("sync", True):
                self.send({"type": "clock", "t": content.get("t"), "k": self.clock()})
            if self.on_beat is not None:
                self.on_beat(str(content.get("view", "")), bool(content.get("visible", True)))
        elif kind == "gone" and self.on_gone is not None:
            self.on_gone(str(content.get("view", "")))
        elif kind == "key" and self.on_key is not None:
            self.on_key(str(content.get("action", "")))
        elif kind == "wake":
            self.wake_status = str(content.get("status", ""))
            if self.on_wake is not None:
                self.on_wake(self.wake_status, str(content.get("detail", "")))
