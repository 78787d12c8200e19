"""Pieces every view shares: a message area, error reporting, downloads, escaping.

Rules the views follow:

* Text a user typed is passed through :func:`esc` before it goes into any HTML.
* A callback's exception reaches the user: wrap handlers with :meth:`Messages.guard`.
  Expected problems (``ValueError`` and its subclasses: bad scores, bad files, names)
  are shown as they are; anything else is shown as an unexpected error with its type.
"""

from __future__ import annotations

import base64
import functools
import html
import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as widgets

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..store import Store

__all__ = ["LINK_BUTTON_STYLE", "Messages", "download_link", "esc", "open_catalog", "open_store"]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def esc(text: object) -> str:
    """HTML-escape anything shown in an HTML widget (quotes included)."""
    return html.escape(str(text), quote=True)


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

    def guard(self, handler: F) -> F:
        """Wrap a widget callback so its exceptions are shown here, not lost in the log."""

        @functools.wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except ValueError as exc:
                self.error(str(exc))
            except Exception as exc:
                log.error("unexpected error in %s\n%s", handler.__name__, traceback.format_exc())
                self.error(f"Unexpected error ({type(exc).__name__}): {exc}")
            return None

        return wrapper  # type: ignore[return-value]


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

    When the user's data file cannot be opened (damaged, foreign, newer), the reason is shown
    in ``messages``, the file is left untouched, and a throw-away in-memory store is used so
    the page still works; nothing entered then is kept.
    """
    from ..store import Store, StoreOpenError

    if store is not None:
        return store
    try:
        return Store()
    except StoreOpenError as exc:
        messages.error(f"{exc} Until then this page works on a temporary log that is not kept.")
        return Store(":memory:")


def open_catalog(messages: Messages, catalog: Catalog | None = None) -> Catalog:
    """``catalog`` if given, else the bundled one merged with the user's own exercises.

    A mistake in the user's ``my_exercises.toml`` is shown in ``messages`` and the nine
    bundled exercises are used, so one bad line does not lock the user out.
    """
    from ..catalog import CatalogError, load_catalog

    if catalog is not None:
        return catalog
    try:
        return load_catalog()
    except CatalogError as exc:
        messages.error(f"Your own exercises could not be read ({exc}); showing the nine bundled.")
        return load_catalog(include_user=False)
