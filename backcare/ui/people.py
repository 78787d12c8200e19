"""The "whose data" picker every notebook shows: a drop-down of the active people in a store.

The picker only reads the store. Its ``person_id`` trait follows the chosen person (``None``
when nobody is active) so views can ``observe`` it or ``traitlets.link`` to it. After people
are added, renamed or archived elsewhere (the client manager), call :meth:`refresh`.
Names are shown as plain option labels, never as HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["PersonPicker"]


class PersonPicker(widgets.Dropdown):
    """A "Whose data" drop-down of the store's active people."""

    person_id = traitlets.Int(None, allow_none=True)

    def __init__(self, store: Store, **kwargs: Any) -> None:
        kwargs.setdefault("description", "Whose data")
        kwargs.setdefault("style", {"description_width": "initial"})
        super().__init__(**kwargs)
        self.store = store
        self.add_class("backcare-person")
        self.add_class("backcare-person-picker")
        self.observe(self._on_value, names="value")
        self.observe(self._on_person_id, names="person_id")
        self.refresh()

    def _on_value(self, change: dict[str, Any]) -> None:
        self.person_id = change["new"]

    def _on_person_id(self, change: dict[str, Any]) -> None:
        if change["new"] != self.value:
            self.select(change["new"])

    def refresh(self) -> None:
        """Reload the active people, keeping the choice while that person is still active."""
        current = self.value
        people = self.store.people()
        ids = [p.id for p in people]
        self.options = [(p.name, p.id) for p in people]
        self.value = current if current in ids else (ids[0] if ids else None)
        self.person_id = self.value

    def select(self, person_id: int | None) -> None:
        """Choose a person by id (reloading first if they were added elsewhere)."""
        if person_id is None:
            return
        if person_id not in [value for _, value in self.options]:
            self.refresh()
        if person_id in [value for _, value in self.options]:
            self.value = person_id
        else:
            self.person_id = self.value  # unknown or archived: keep the current choice
