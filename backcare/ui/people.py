"""The "whose data" picker every app shows, and the people model the pickers share.

* :class:`People` is the model: the people of one store, with the one rule for a new name
  (not empty, not too long, not already used). Every view on the same store gets the same
  ``People`` (:meth:`People.of`); after any change to the people it bumps ``version``, so
  every open picker (and the trainer's client list) shows a new person at once, without
  re-running anything.
* :class:`PersonPicker` is the view: a drop-down of the active people and, beside it,
  "Add a person" (a name box and an Add button), wherever a person is chosen. Its
  ``person_id`` trait follows the chosen person (``None`` when nobody is active) so views
  can ``observe`` it or ``traitlets.link`` to it.

Names are shown as plain option labels, never as HTML.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets as widgets
import traitlets

from ..routine import RoutineError, validate_name
from .common import Messages

if TYPE_CHECKING:
    from ..store import Person, Store

__all__ = ["People", "PersonPicker"]


class People(traitlets.HasTraits):
    """The people of one store, shared by every view on it; ``version`` bumps on change."""

    version = traitlets.Int(0)

    #: One model per store object (weakly held: a closed, dropped store takes it along).
    _by_store: ClassVar[weakref.WeakKeyDictionary[Any, People]] = weakref.WeakKeyDictionary()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    @classmethod
    def of(cls, store: Store) -> People:
        """The shared model of ``store`` (made on first use)."""
        model = cls._by_store.get(store)
        if model is None:
            model = cls._by_store[store] = cls(store)
        return model

    def active(self) -> list[Person]:
        return list(self.store.people())

    def check_new_name(self, name: str, except_id: int | None = None) -> str:
        """The cleaned name, or ``ValueError`` with a sentence a person can act on."""
        try:
            clean = validate_name(name, "name")
        except RoutineError as exc:
            text = str(exc)
            raise ValueError(f"{text[0].upper()}{text[1:]}; nothing was changed.") from None
        for person in self.store.people(include_archived=True):
            if person.id != except_id and person.name.casefold() == clean.casefold():
                where = " (archived)" if person.archived else ""
                raise ValueError(f"There is already someone called {person.name}{where}.")
        return clean

    def add(self, name: str) -> Person:
        """Add a person (the name checked first); every picker on this store sees them."""
        person = self.store.add_person(self.check_new_name(name))
        self.changed()
        return person

    def changed(self) -> None:
        """Tell every view on this store that the people changed (added, renamed, archived)."""
        self.version += 1


class PersonPicker(widgets.HBox):
    """A "Whose data" drop-down of the store's active people, with "Add a person"."""

    person_id = traitlets.Int(None, allow_none=True)
    value = traitlets.Int(None, allow_none=True)

    def __init__(
        self,
        store: Store,
        *,
        description: str = "Whose data",
        can_add: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("style", None)
        self.store = store
        self.people = People.of(store)
        self.dropdown = widgets.Dropdown(
            description=description,
            style={"description_width": "initial"},
            # As wide as the longest name (never squeezed), with room even when empty.
            layout=widgets.Layout(width="auto", min_width="10em", flex="0 0 auto"),
        )
        self.add_button = widgets.Button(
            description="Add a person",
            icon="user-plus",
            tooltip="Add someone to the list",
            layout=widgets.Layout(width="auto"),
        )
        self.add_button.add_class("backcare-person-add-open")
        if not can_add:  # e.g. a page showing the demo data, where nobody can be added
            self.add_button.layout.display = "none"
        self.new_name = widgets.Text(
            placeholder="Their name", layout=widgets.Layout(width="auto", display="none")
        )
        self.new_name.add_class("backcare-person-new-name")
        self.confirm = widgets.Button(
            description="Add",
            button_style="primary",
            layout=widgets.Layout(width="auto", display="none"),
        )
        self.confirm.add_class("backcare-person-add")
        self.cancel = widgets.Button(
            description="Cancel", layout=widgets.Layout(width="auto", display="none")
        )
        self.cancel.add_class("backcare-person-add-cancel")
        self.messages = Messages()
        super().__init__(
            [
                self.dropdown,
                self.add_button,
                self.new_name,
                self.confirm,
                self.cancel,
                self.messages,
            ],
            **kwargs,
        )
        self.layout.flex_flow = "row wrap"
        self.layout.align_items = "center"
        self.add_class("backcare-person")
        self.add_class("backcare-person-picker")
        traitlets.link((self, "value"), (self.dropdown, "value"))
        self.observe(self._on_value, names="value")
        self.observe(self._on_person_id, names="person_id")
        guard = self.messages.guard
        self.add_button.on_click(guard(lambda _: self.show_adder(True)))
        self.cancel.on_click(guard(lambda _: self.show_adder(False)))
        self.confirm.on_click(guard(lambda _: self.add(self.new_name.value)))
        self.people.observe(guard(lambda _: self.refresh()), names="version")
        self.refresh()

    # -- the drop-down's face, for code written against a plain Dropdown ---------------------
    @property
    def options(self) -> tuple[tuple[str, int], ...]:
        return tuple(self.dropdown.options)

    @property
    def label(self) -> str | None:
        return self.dropdown.label

    @property
    def description(self) -> str:
        return self.dropdown.description

    @description.setter
    def description(self, text: str) -> None:
        self.dropdown.description = text

    @property
    def disabled(self) -> bool:
        return self.dropdown.disabled

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        for control in (self.dropdown, self.add_button, self.new_name, self.confirm):
            control.disabled = flag

    # -- behaviour ---------------------------------------------------------------------------
    def _on_value(self, change: dict[str, Any]) -> None:
        self.person_id = change["new"]

    def _on_person_id(self, change: dict[str, Any]) -> None:
        if change["new"] != self.value:
            self.select(change["new"])

    def show_adder(self, show: bool) -> None:
        """Show (or fold away) the name box with Add and Cancel."""
        self.add_button.layout.display = "none" if show else ""
        for control in (self.new_name, self.confirm, self.cancel):
            control.layout.display = "" if show else "none"
        if not show:
            self.new_name.value = ""
            self.messages.clear()

    def add(self, name: str) -> Person:
        """Add a person and choose them here; a bad name is refused with a message."""
        person = self.people.add(name)
        self.show_adder(False)
        self.select(person.id)
        self.messages.success(f"Added {person.name}.")
        return person

    def refresh(self) -> None:
        """Reload the active people, keeping the choice while that person is still active."""
        current = self.value
        people = self.store.people()
        ids = [p.id for p in people]
        self.dropdown.options = [(p.name, p.id) for p in people]
        self.value = current if current in ids else (ids[0] if ids else None)
        self.person_id = self.value
        self.add_button.tooltip = (
            "Nobody is in the list yet: add the first person" if not ids else "Add a person"
        )

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
