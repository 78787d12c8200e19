"""Pieces every view shares: a message area, error reporting, downloads, escaping.

Rules the views follow:

* Text a user typed is passed through :func:`esc` before it goes into any HTML.
* A callback's exception reaches the user: wrap handlers with :meth:`Messages.guard`.
  Expected problems (backcare's own ``ValueError`` classes, and ``ValueError``s raised by
  backcare's code: bad scores, bad files, names) are shown as they are. Anything else is an
  unexpected error: its details go to the log file in the data folder
  (:func:`backcare.paths.error_log_path`) and the person reads a sentence that names that
  file, never a class name or Python's own text.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import linecache
import logging
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as widgets

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..store import Store

__all__ = [
    "LINK_BUTTON_STYLE",
    "Messages",
    "download_link",
    "esc",
    "is_expected",
    "open_catalog",
    "open_store",
    "prose",
    "readable",
    "report_unexpected",
    "watch_store",
]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def readable(text: object) -> str:
    """``text`` with lone surrogates (which no page can send) shown as U+FFFD."""
    value = str(text)
    if any("\ud800" <= c <= "\udfff" for c in value):
        value = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    return value


def esc(text: object) -> str:
    """HTML-escape anything shown in an HTML widget (quotes included)."""
    return html.escape(readable(text), quote=True)


def prose(html_text: str) -> str:
    """``html_text`` (already escaped) as a block of reading text. An HTML widget sets its
    lines 28 px apart, the height of a button, so that one line sits level with the controls
    beside it; a paragraph that wraps needs ordinary spacing to be read."""
    return f'<div class="backcare-prose" style="line-height:1.45">{html_text}</div>'


_PACKAGE = Path(__file__).resolve().parents[1]


def is_expected(exc: BaseException) -> bool:
    """Whether ``exc`` carries a message written for the user: a ``ValueError`` of one of
    backcare's own classes, or a plain ``ValueError`` raised by a ``raise`` in backcare's
    code (not one raised inside Python or a library, whose text is not for people)."""
    if not isinstance(exc, ValueError):
        return False
    if type(exc).__module__.split(".")[0] == "backcare":
        return True
    if type(exc) is not ValueError or exc.__traceback__ is None:
        return False
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    try:
        inside = Path(filename).resolve().is_relative_to(_PACKAGE)
    except (OSError, ValueError):
        inside = False
    return inside and linecache.getline(filename, tb.tb_lineno).strip().startswith("raise ")


def report_unexpected(exc: BaseException, doing: str) -> str:
    """Write ``exc``'s details to the error log; return the sentence to show the person."""
    from .. import paths

    details = "".join(traceback.format_exception(exc))
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    entry = f"--- {stamp} while {doing}\n{details}\n"
    log.error("unexpected error while %s\n%s", doing, details)
    written: Path | None = None
    for candidate in (paths.error_log_path, _fallback_log_path):
        try:
            path = candidate()
            with path.open("a", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(entry)
            written = path
            break
        except (OSError, ValueError):
            continue
    where = (
        f"The details were written to {written}; please send that file"
        if written is not None
        else "The details could not be written to a file; please describe what you did"
    )
    return (
        f"Something went wrong that backcare did not expect while {doing}, so it did not "
        f"finish. {where} to whoever looks after your backcare, and try again."
    )


def _fallback_log_path() -> Path:
    return Path(tempfile.gettempdir()) / "backcare-errors.log"


_STYLE = {
    "error": "color:#8a1c1c;background:#fdecea;border-left:4px solid #c62828;",
    "info": "color:#0d3c61;background:#e8f4fd;border-left:4px solid #1976d2;",
    "success": "color:#1e4620;background:#edf7ed;border-left:4px solid #2e7d32;",
}


class Messages(widgets.HTML):
    """One line of feedback under a form: errors, confirmations, hints.

    ``kind`` and ``text`` are kept as attributes so tests can assert on them without
    parsing HTML.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("backcare-messages")
        self.kind = ""
        self.text = ""

    def show(self, text: str, kind: str = "info", *, extra_html: str = "") -> None:
        text = readable(text)
        self.kind, self.text = kind, text
        body = esc(text) + (f" {extra_html}" if extra_html else "")
        self.value = (
            f'<div class="backcare-msg backcare-msg-{kind}" role="status" '
            f'style="{_STYLE[kind]}padding:6px 10px;margin:4px 0;border-radius:3px;">'
            f"{body}</div>"
        )

    def error(self, text: str) -> None:
        self.show(text, "error")

    def info(self, text: str, *, extra_html: str = "") -> None:
        self.show(text, "info", extra_html=extra_html)

    def success(self, text: str, *, extra_html: str = "") -> None:
        self.show(text, "success", extra_html=extra_html)

    def clear(self) -> None:
        self.kind, self.text, self.value = "", "", ""

    def failure(self, exc: BaseException, doing: str = "doing that") -> None:
        """Show ``exc``: its own message when it is one for people, else a sentence that
        names the error log (see :func:`report_unexpected`)."""
        if is_expected(exc):
            self.error(readable(exc))
        else:
            self.error(report_unexpected(exc, doing))

    def guard(self, handler: F) -> F:
        """Wrap a widget callback so its exceptions are shown here, not lost in the log."""

        @functools.wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except Exception as exc:
                self.failure(exc, _doing(handler))
            return None

        return wrapper  # type: ignore[return-value]


def _doing(handler: Callable[..., Any]) -> str:
    """``_on_save_click`` -> ``"save click"``: what the person was doing, roughly."""
    name = getattr(handler, "__name__", "")
    words = name.strip("_").removeprefix("on_").replace("_", " ").strip()
    if not words or not words.replace(" ", "").isalnum():
        return "working on this page"
    return f"handling '{words}'"


def download_link(data: bytes, filename: str, mime: str, label: str | None = None) -> str:
    """An HTML link that downloads ``data`` in one click, in JupyterLab, Voila and Binder.

    The bytes travel inside a ``data:`` URL, so no server route or file path is needed.
    """
    payload = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="backcare-download" download="{esc(filename)}" role="button" '
        f'href="data:{esc(mime)};base64,{payload}" target="_blank" style="{LINK_BUTTON_STYLE}">'
        f'<i class="fa fa-download" aria-hidden="true"></i> '
        f"{esc(label or 'Download ' + filename)}</a>"
    )


#: A link drawn like the widgets' own buttons (grey face, the same height), so a person
#: sees at once that it does something.
LINK_BUTTON_STYLE = (
    "display:inline-block;box-sizing:border-box;height:28px;line-height:28px;padding:0 12px;"
    "margin:2px 6px 2px 0;border-radius:2px;background:#eeeeee;color:rgba(0,0,0,.8);"
    "text-decoration:none;white-space:nowrap;font-size:13px;"
    "box-shadow:0 1px 2px rgba(0,0,0,.2)"
)


def open_store(messages: Messages, store: Store | None = None) -> Store:
    """``store`` if given, else the user's store.

    When the user's data file cannot be opened (damaged, foreign, newer, a data folder that
    cannot be used), the reason is shown in ``messages``, the file is left untouched, and a
    throw-away in-memory store is used so the page still works; nothing entered then is
    kept. A read-only file opens for reading and ``messages`` says why nothing can be saved;
    while a save waits for another program's lock, ``messages`` shows how long.
    """
    from ..store import Store, StoreOpenError

    if store is None:
        try:
            store = Store()
        except StoreOpenError as exc:
            messages.error(
                f"{readable(exc)} Until then this page works on a temporary log that is not kept."
            )
            store = Store(":memory:")
    watch_store(messages, store)
    return store


def watch_store(messages: Messages, store: Store) -> None:
    """Say in ``messages`` when ``store`` is read-only, and how long a save has waited while
    another program writes to the file."""
    if getattr(store, "read_only", False):
        messages.info(f"Your log is open for reading only: {readable(store.read_only_reason)}")
    if hasattr(store, "on_wait"):
        store.on_wait(functools.partial(_show_wait, messages))


def _show_wait(messages: Messages, waited: float, limit: float) -> None:
    messages.info(
        f"Waiting for the data file: another program is writing to it "
        f"({waited:.0f} of at most {limit:.0f} seconds)..."
    )


def open_catalog(messages: Messages, catalog: Catalog | None = None) -> Catalog:
    """``catalog`` if given, else the bundled one merged with the user's own exercises.

    A mistake in the user's ``my_exercises.toml`` is shown in ``messages`` and the nine
    bundled exercises are used, so one bad line does not lock the user out.
    """
    from ..catalog import load_catalog

    if catalog is not None:
        return catalog
    try:
        return load_catalog()
    except Exception as exc:
        if is_expected(exc):
            messages.error(
                f"Your own exercises could not be read, so the nine bundled ones are shown. "
                f"{readable(exc)} Fix that place in the file (or move the file away) and "
                "open the page again."
            )
        else:
            messages.error(report_unexpected(exc, "reading your own exercises"))
        return load_catalog(include_user=False)
