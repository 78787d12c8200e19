"""One click, one file (issue 16, item 5): the button's kernel half, without a browser."""

from __future__ import annotations

from backcare.store import InputError
from backcare.ui.common import Messages, download_link
from backcare.ui.file_button import FileButton, FilePayload


def _recording(button: FileButton) -> list[tuple[dict, list]]:
    sent: list[tuple[dict, list]] = []
    button.send = lambda content, buffers=None: sent.append((content, buffers or []))
    return sent


def test_a_click_in_the_browser_gets_the_file_at_once() -> None:
    made: list[int] = []

    def make() -> FilePayload:
        made.append(1)
        return FilePayload(b"zip bytes", "backcare-export.zip", "application/zip")

    button = FileButton("Download all my data", make)
    sent = _recording(button)
    button._receive(button, {"type": "request", "id": "click-1"}, [])
    assert made == [1]  # made when asked, so never stale
    ((content, buffers),) = sent
    assert content == {
        "type": "file",
        "id": "click-1",
        "filename": "backcare-export.zip",
        "mime": "application/zip",
        "mode": "download",
    }
    assert bytes(buffers[0]) == b"zip bytes"


def test_open_mode_and_a_failure_that_shows_a_message() -> None:
    messages = Messages()

    def broken() -> FilePayload:
        raise InputError("choose a routine first")

    button = FileButton("Open the handout", messages.guard(broken), mode="open")
    assert button.icon == "external-link"
    sent = _recording(button)
    assert button.click(request_id="x") is None
    assert sent == [({"type": "failed", "id": "x"}, [])]  # the browser does nothing
    assert messages.kind == "error" and "choose a routine first" in messages.text


def test_a_disabled_button_makes_nothing() -> None:
    made: list[int] = []
    button = FileButton("Download", lambda: made.append(1) or None, disabled=True)
    _recording(button)
    assert button.click() is None and made == []


def test_ready_made_links_look_like_buttons() -> None:
    html = download_link(b"a,b\n", "numbers.csv", "text/csv", "Download the numbers (CSV)")
    assert 'role="button"' in html and "background:" in html and "fa-download" in html
    assert 'download="numbers.csv"' in html
