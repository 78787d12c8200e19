"""One click, one file: a button that downloads a file the kernel makes, or opens it in a
new browser tab (a handout, ready to print).

:class:`FileButton` is a small anywidget (its JavaScript, ``file_button.js``, ships beside
this module). A click asks the kernel for the file; the kernel calls ``make()``, which
returns a :class:`FilePayload` (or ``None`` after showing a message), and sends the bytes
back; the browser saves them or opens them, all within the same click. ``click()`` does the
kernel's half for tests and for code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import anywidget
import traitlets

__all__ = ["FileButton", "FilePayload"]


@dataclass(frozen=True, slots=True)
class FilePayload:
    """A file made for the person: its bytes, the name it is saved under, its type."""

    data: bytes
    filename: str
    mime: str


def _source() -> str:
    return resources.files(__package__).joinpath("file_button.js").read_text(encoding="utf-8")


class FileButton(anywidget.AnyWidget):
    """A button that downloads (``mode="download"``) or opens (``mode="open"``) a file."""

    _esm = traitlets.Unicode(_source()).tag(sync=True)
    #: The words on the button (named as on ``widgets.Button``).
    description = traitlets.Unicode("").tag(sync=True)
    icon = traitlets.Unicode("download").tag(sync=True)
    #: Shown on hover (not ``tooltip``: the widgets' own tooltip needs a description).
    hint = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    button_style = traitlets.Unicode("").tag(sync=True)
    mode = traitlets.Enum(["download", "open"], default_value="download").tag(sync=True)

    def __init__(
        self,
        description: str,
        make: Callable[[], FilePayload | None],
        *,
        mode: str = "download",
        icon: str | None = None,
        hint: str = "",
        **kwargs: Any,
    ) -> None:
        if icon is None:
            icon = "external-link" if mode == "open" else "download"
        super().__init__(description=description, mode=mode, icon=icon, hint=hint, **kwargs)
        self._make = make
        #: The file sent last (for tests, and to say what was made).
        self.last: FilePayload | None = None
        self.on_msg(self._receive)

    def _receive(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "request":
            self.click(request_id=str(content.get("id", ""))[:100])

    def click(self, request_id: str | None = None) -> FilePayload | None:
        """Make the file and send it to the browser; ``None`` if nothing could be made."""
        payload = None if self.disabled else self._make()
        if payload is None:
            self.send({"type": "failed", "id": request_id})
            return None
        self.last = payload
        self.send(
            {
                "type": "file",
                "id": request_id,
                "filename": payload.filename,
                "mime": payload.mime,
                "mode": self.mode,
            },
            buffers=[payload.data],
        )
        return payload
