"""The app page: the six parts of the workbook as tabs over one store, ready at once.

:class:`AppPage` shows the start page, the planner, the guided session, the diary, the
progress dashboard and the trainer kit as tabs. They are the very same apps the notebooks
show; here they share one store and one catalog, so a person added or a routine saved in
one tab is there in the others. A tab is built the first time it is opened, so the page
comes up quickly.

The page remembers the last person and routine (:mod:`backcare.preferences`): the person
chosen in any tab is chosen in all of them and is chosen again next time; the routine used
last is offered first in the guided session and in the planner's saved list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from ..preferences import load_preferences, remember
from ..routine import RoutineError, load_routine
from .common import Messages, open_catalog, open_store

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..store import Store
    from .people import PersonPicker

__all__ = ["PARTS", "AppPage"]

#: (key, tab title) of the six parts, in the order a new user meets them.
PARTS: tuple[tuple[str, str], ...] = (
    ("start", "Start here"),
    ("plan", "Plan a routine"),
    ("session", "Guided session"),
    ("log", "Log discomfort"),
    ("progress", "Progress"),
    ("trainer", "Trainer kit"),
)


class AppPage(widgets.VBox):
    """The six parts as tabs; ``parts[key]`` is a part's app once its tab was opened
    (or :meth:`part` built it)."""

    person_id = traitlets.Int(None, allow_none=True)

    def __init__(
        self, store: Store | None = None, catalog: Catalog | None = None, **kwargs: Any
    ) -> None:
        self.messages = Messages()
        self.catalog = open_catalog(self.messages, catalog)
        self.store = open_store(self.messages, store)
        self.remembered = load_preferences()
        self.parts: dict[str, widgets.Widget] = {}
        self._slots = {key: widgets.VBox() for key, _ in PARTS}
        for key, slot in self._slots.items():
            slot.add_class(f"backcare-app-part-{key}")
        self.tabs = widgets.Tab(
            children=list(self._slots.values()), titles=[title for _, title in PARTS]
        )
        self.tabs.add_class("backcare-app-tabs")
        super().__init__([self.messages, self.tabs], **kwargs)
        self.person_id = self._remembered_person()
        self.add_class("backcare-app")
        guard = self.messages.guard
        self.tabs.observe(guard(self._on_tab), names="selected_index")
        self.observe(guard(self._on_person), names="person_id")
        self.tabs.selected_index = 0
        guard(self.part)("start")

    # -- parts ---------------------------------------------------------------------------
    def _factories(self) -> dict[str, Callable[[], widgets.Widget]]:
        from .log import CheckInApp
        from .planner import PlannerApp
        from .progress import ProgressApp
        from .session import SessionApp
        from .start import StartPage
        from .trainer import TrainerApp

        store, catalog = self.store, self.catalog
        return {
            "start": lambda: StartPage(store=store, catalog=catalog),
            "plan": lambda: PlannerApp(catalog=catalog, store=store),
            "session": lambda: SessionApp(store=store, catalog=catalog),
            "log": lambda: CheckInApp(store),
            "progress": lambda: ProgressApp(store=store, catalog=catalog),
            "trainer": lambda: TrainerApp(store=store, catalog=catalog),
        }

    def part(self, key: str) -> widgets.Widget:
        """The part ``key``, built on first use and placed in its tab."""
        if key not in self.parts:
            part = self._factories()[key]()
            self.parts[key] = part
            self._slots[key].children = [part]
            self._join(key, part)
        return self.parts[key]

    def show(self, key: str) -> widgets.Widget:
        """Bring the tab ``key`` to the front (building it if needed)."""
        self.tabs.selected_index = [k for k, _ in PARTS].index(key)
        return self.part(key)

    def _on_tab(self, change: dict[str, Any]) -> None:
        index = change["new"]
        if index is not None:
            part = self.part(PARTS[index][0])
            if PARTS[index][0] == "progress":
                part.refresh()  # entries made in the other tabs since it was drawn
            elif PARTS[index][0] == "start":
                part.refresh()

    # -- one person, one routine across the tabs -------------------------------------------
    def _pickers(self, key: str, part: widgets.Widget) -> list[PersonPicker]:
        """The person pickers of a part that choose among this page's people."""
        names = {
            "plan": "person",
            "session": "person_picker",
            "log": "person",
            "progress": "picker",
            "trainer": "client_picker",
        }
        picker = getattr(part, names.get(key, ""), None)
        if picker is None or getattr(picker, "store", None) is not self.store:
            return []  # e.g. the progress page while it shows the demo data
        return [picker]

    def _join(self, key: str, part: widgets.Widget) -> None:
        for picker in self._pickers(key, part):
            if self.person_id is None or self.person_id not in [v for _, v in picker.options]:
                self.person_id = picker.person_id
            traitlets.link((self, "person_id"), (picker, "person_id"))
        if key == "session":
            self._offer_remembered_routine_in_session(part)
            part.routine_choice.observe(
                self.messages.guard(lambda _: self._remember_session_routine(part)),
                names="value",
            )
        elif key == "plan":
            self._offer_remembered_routine_in_planner(part)
            part.saved.observe(
                self.messages.guard(lambda change: self._remember_file(change["new"])),
                names="value",
            )

    def _remembered_person(self) -> int | None:
        uid = self.remembered.person_uid
        for person in self.store.people():
            if person.uid == uid:
                return person.id
        return None

    def _on_person(self, change: dict[str, Any]) -> None:
        if change["new"] is None:
            return
        uid = self.store.person(change["new"]).uid
        if uid != self.remembered.person_uid:
            self.remembered = remember(person_uid=uid)

    def _remember_routine(self, name: str | None) -> None:
        if name and name != self.remembered.routine:
            self.remembered = remember(routine=name)

    def _remember_session_routine(self, session: Any) -> None:
        routine = getattr(session, "routine", None)
        self._remember_routine(routine.name if routine is not None else None)

    def _remember_file(self, path: Any) -> None:
        if path is None:
            return
        try:
            self._remember_routine(load_routine(path, self.catalog).name)
        except (RoutineError, OSError):
            return

    def _offer_remembered_routine_in_session(self, session: Any) -> None:
        name = self.remembered.routine
        if not name:
            return
        for label, value in session.routine_choice.options:
            if label.startswith(f"{name} ("):
                session.routine_choice.value = value
                return

    def _offer_remembered_routine_in_planner(self, planner: Any) -> None:
        name = self.remembered.routine
        if not name:
            return
        for label, path in planner.saved.options:
            if label == name or label.startswith(f"{name}, saved "):
                planner.saved.value = path
                return
