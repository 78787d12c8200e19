"""Each person's time zone in the app: taken from the browser the first time, changeable.

:class:`BrowserZone` is a small anywidget front-end piece that reads the browser's zone
(``Intl.DateTimeFormat().resolvedOptions().timeZone``) and sends it to the kernel, which
cannot see it (Binder runs on UTC). :class:`ZoneControl` shows the person's zone in a picker:
the browser's zone is stored for a person who has none yet (or only a guess from an old
check-in), and a zone chosen in the picker is the person's from then on. The rules live in
the store (:meth:`backcare.store.Store.zone_from_browser`, :meth:`~backcare.store.Store.set_zone`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ..zones import check_zone, zone_names, zone_of
from .common import Messages, esc

__all__ = ["BrowserZone", "ZoneControl", "take_browser_zone"]


class BrowserZone(anywidget.AnyWidget):
    """Invisible: reports the browser's IANA time zone in ``zone`` ("" until it has)."""

    _esm = Path(__file__).with_name("browser_zone.js")
    zone = traitlets.Unicode("").tag(sync=True)


def take_browser_zone(browser: BrowserZone, store: Any, person_id: int | None) -> bool:
    """Give ``person_id`` the zone ``browser`` reports when they have none of their own yet
    (the store's rule); returns whether their zone changed. Pages without a zone picker (the
    session, the dashboard) call it too, so whichever page a person opens first knows their
    days. Nothing is written to the demo or to a store open for reading only."""
    if person_id is None or not browser.zone:
        return False
    if getattr(store, "is_demo", False) or getattr(store, "read_only", False):
        return False
    return bool(store.zone_from_browser(person_id, check_zone(browser.zone)))


class ZoneControl(widgets.VBox):
    """The chosen person's zone: a picker, with the browser's zone taken the first time."""

    def __init__(
        self,
        store: Any,
        person: Callable[[], int | None],
        messages: Messages,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.person = person
        self.messages = messages
        self.on_change = on_change or (lambda: None)
        self._syncing = False
        self.browser = BrowserZone()
        self.picker = widgets.Dropdown(
            options=zone_names(),
            value=None,
            description="Time zone",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="320px"),
        )
        self.picker.add_class("backcare-zone")
        self.note = widgets.HTML()
        self.note.add_class("backcare-zone-note")
        self.browser.observe(messages.guard(self._on_browser), names="zone")
        self.picker.observe(messages.guard(self._on_pick), names="value")
        super().__init__([widgets.HBox([self.picker, self.note]), self.browser])
        self.add_class("backcare-zone-control")
        self.refresh()

    def tz(self) -> dt.tzinfo:
        """The zone times are counted in: the person's, else the browser's, else the kernel's."""
        person_id = self.person()
        if person_id is not None:
            zone = self.store.person(person_id).zone
            if zone:
                return zone_of(zone)
        return zone_of(self.browser.zone or None)

    def refresh(self) -> None:
        """Take the browser's zone for a person without one, and show the person's zone."""
        person_id = self.person()
        zone = None
        if person_id is not None:
            take_browser_zone(self.browser, self.store, person_id)
            zone = self.store.person(person_id).zone
        shown = zone or self.browser.zone or None
        self._syncing = True
        try:
            self.picker.value = shown if shown in self.picker.options else None
        finally:
            self._syncing = False
        if shown:
            self.note.value = f"<small>Days and times are counted in <b>{esc(shown)}</b>.</small>"
        else:
            self.note.value = "<small>Choose the time zone you live in.</small>"

    def _on_browser(self, _change: dict[str, Any]) -> None:
        self.refresh()
        self.on_change()

    def _on_pick(self, change: dict[str, Any]) -> None:
        if self._syncing or not change["new"]:
            return
        person_id = self.person()
        if person_id is None:
            raise ValueError("choose or add a person first; the zone is kept for each person")
        person = self.store.set_zone(person_id, change["new"], "person")
        self.refresh()
        self.messages.info(f"Days and times for {person.name} are now counted in {person.zone}.")
        self.on_change()
