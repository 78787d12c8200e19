"""Managing clients: add, rename, archive and bring back the people whose data is kept.

:class:`ClientManager` is a small form over the store's people. Archiving hides a person
from every picker but keeps all their routines, sessions and check-ins; it can be undone
at once, or later by showing archived people and choosing "Bring back".

After each change the manager refreshes every picker registered with
:meth:`ClientManager.add_picker` (any widget with a ``refresh()`` method, above all the shared
"whose data" :class:`backcare.ui.people.PersonPicker`), so archived people drop out of them.

Names are checked by the store (not empty, at most 80 characters, no control characters);
the manager also refuses a name that another person already has. Names appear only as
plain option labels or through escaped messages, never as raw HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as widgets
import traitlets

from .common import Messages, esc
from .people import People

__all__ = ["ClientManager"]


class _Refreshable(Protocol):
    def refresh(self) -> None: ...


class ClientManager(widgets.VBox):
    """Add, rename, archive and unarchive the people in ``store``."""

    #: Bumped after every change to the people, for views that observe it.
    version = traitlets.Int(0)

    def __init__(self, store: Any) -> None:
        self.store = store
        self.people = People.of(store)
        self._pickers: list[_Refreshable] = []
        self._listeners: list[Callable[[], None]] = []
        self._undo_person: int | None = None
        self.messages = Messages()
        guard = self.messages.guard

        self.new_name = widgets.Text(placeholder="New client's name", description="Name")
        self.new_name.add_class("backcare-client-name")
        self.add_button = widgets.Button(description="Add client", icon="user-plus")
        self.add_button.add_class("backcare-client-add")

        self.people_list = widgets.Select(description="People", rows=6)
        self.people_list.add_class("backcare-client-list")
        self.show_archived = widgets.Checkbox(value=False, description="Show archived")
        self.show_archived.add_class("backcare-client-show-archived")

        self.rename_box = widgets.Text(placeholder="New name", description="Rename to")
        self.rename_box.add_class("backcare-client-rename-name")
        self.rename_button = widgets.Button(description="Rename", icon="pencil")
        self.rename_button.add_class("backcare-client-rename")
        self.archive_button = widgets.Button(description="Archive", icon="archive")
        self.archive_button.add_class("backcare-client-archive")
        self.undo_button = widgets.Button(
            description="Undo archive", icon="undo", layout=widgets.Layout(display="none")
        )
        self.undo_button.add_class("backcare-client-undo")

        self.add_button.on_click(guard(lambda _: self.add(self.new_name.value)))
        self.rename_button.on_click(guard(lambda _: self.rename_selected(self.rename_box.value)))
        self.archive_button.on_click(guard(lambda _: self.toggle_archive_selected()))
        self.undo_button.on_click(guard(lambda _: self.undo_archive()))
        self.show_archived.observe(guard(lambda _: self.refresh()), names="value")
        self.people_list.observe(guard(lambda _: self._sync_buttons()), names="value")

        super().__init__(
            [
                widgets.HBox([self.new_name, self.add_button]),
                widgets.HBox([self.people_list, self.show_archived]),
                widgets.HBox([self.rename_box, self.rename_button]),
                widgets.HBox([self.archive_button, self.undo_button]),
                self.messages,
            ]
        )
        self.add_class("backcare-clients")
        # Someone added in any picker on this store shows in the list at once.
        self.people.observe(guard(lambda _: self.refresh()), names="version")
        self.refresh()

    # -- wiring ----------------------------------------------------------------------------
    def add_picker(self, picker: _Refreshable) -> None:
        """Refresh ``picker`` after every change to the people."""
        self._pickers.append(picker)

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every change to the people."""
        self._listeners.append(callback)

    # -- actions ---------------------------------------------------------------------------
    def add(self, name: str) -> Any:
        """Add a person; an empty, too long or already used name is refused with a message."""
        clean = self._valid_new_name(name)
        person = self.store.add_person(clean)
        self.new_name.value = ""
        self._changed(select=person.id)
        self.messages.success(f"Added {person.name}.")
        return person

    def rename_selected(self, name: str) -> Any:
        person_id = self._selected()
        old = self.store.person(person_id)
        clean = self._valid_new_name(name, except_id=person_id)
        person = self.store.rename_person(person_id, clean)
        self.rename_box.value = ""
        self._changed(select=person.id)
        self.messages.success(f"Renamed {old.name} to {person.name}.")
        return person

    def toggle_archive_selected(self) -> Any:
        """Archive the chosen person, or bring them back if they are archived."""
        person_id = self._selected()
        person = self.store.person(person_id)
        if person.archived:
            return self.unarchive(person_id)
        return self.archive(person_id)

    def archive(self, person_id: int) -> Any:
        person = self.store.archive_person(person_id, True)
        self._undo_person = person.id
        self._changed()
        self.undo_button.layout.display = ""
        self.messages.info(
            f"Archived {person.name}: hidden from the lists, their data is kept. "
            "Undo, or tick 'Show archived' to bring them back later."
        )
        return person

    def unarchive(self, person_id: int) -> Any:
        person = self.store.archive_person(person_id, False)
        self._undo_person = None
        self.undo_button.layout.display = "none"
        self._changed(select=person.id)
        self.messages.success(f"{person.name} is back in the lists.")
        return person

    def undo_archive(self) -> Any:
        if self._undo_person is None:
            raise ValueError("There is no archive to undo.")
        return self.unarchive(self._undo_person)

    # -- display ---------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        """Reload the list (archived people too when asked), keeping or setting the choice."""
        current = self.people_list.value if select is None else select
        people = self.store.people(include_archived=self.show_archived.value)
        self.people_list.options = [
            (p.name + (" (archived)" if p.archived else ""), p.id) for p in people
        ]
        ids = [p.id for p in people]
        if current in ids:
            self.people_list.value = current
        elif ids:
            self.people_list.value = ids[0]
        else:
            self.people_list.value = None
        self._sync_buttons()

    def summary_html(self) -> str:
        """The active people as an escaped HTML list (for a page or a report)."""
        items = "".join(f"<li>{esc(p.name)}</li>" for p in self.store.people())
        return f'<ul class="backcare-client-summary">{items}</ul>'

    # -- helpers ---------------------------------------------------------------------------
    def _selected(self) -> int:
        if self.people_list.value is None:
            raise ValueError("Choose a person in the list first.")
        return int(self.people_list.value)

    def _valid_new_name(self, name: str, except_id: int | None = None) -> str:
        return self.people.check_new_name(name, except_id)

    def _sync_buttons(self) -> None:
        chosen = self.people_list.value
        self.rename_button.disabled = chosen is None
        self.archive_button.disabled = chosen is None
        archived = chosen is not None and self.store.person(chosen).archived
        self.archive_button.description = "Bring back" if archived else "Archive"
        self.archive_button.icon = "box-open" if archived else "archive"

    def _changed(self, select: int | None = None) -> None:
        self.people.changed()
        self.refresh(select=select)
        for picker in self._pickers:
            picker.refresh()
        self.version += 1
        for callback in self._listeners:
            callback()
