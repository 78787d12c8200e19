"""The trainer kit: clients, a printable plan, calendar reminders, a plan to hand over.

* :class:`RoutineUpload` takes a routine file (a plan handed over by a trainer, or one
  saved earlier), checks it like every import (size, JSON, format, exercises, names) and
  saves it: as a routine file in the user's data folder, and in the store for the chosen
  person. Any notebook can place it; ``routine`` holds the last routine loaded and
  :meth:`RoutineUpload.on_loaded` calls back with it.
* :class:`TrainerApp` is the trainer's page: the client manager, a client and one of their
  routines (or a template), then three buttons, each giving a one-click link and a copy in
  the exports folder: the handout, the calendar file, and the plan file for the client.

Building the files is the job of :mod:`backcare.handout`, :mod:`backcare.ics` and
:mod:`backcare.routine`; this module only wires widgets to them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import ipywidgets as widgets
import traitlets

from .. import paths
from ..catalog import Catalog
from ..handout import handout_filename, plan_file_stem, render_handout
from ..ics import calendar_filename, routine_calendar
from ..routine import (
    MAX_ROUTINE_BYTES,
    Routine,
    RoutineError,
    Schedule,
    ScheduleKind,
    routine_from_json,
    save_routine,
    templates,
)
from ..timeline import format_duration
from ..zones import local_timezone_name, today_in
from .clients import ClientManager
from .common import Messages, esc, open_catalog, open_store
from .file_button import FileButton, FilePayload
from .following import FollowingNow
from .people import PersonPicker

__all__ = ["RoutineUpload", "TrainerApp", "plan_file_bytes", "plan_filename"]

WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


# -- pure helpers ---------------------------------------------------------------------------
def _exercises(count: int) -> str:
    return f"{count} exercise" + ("s" if count != 1 else "")


def plan_file_bytes(routine: Routine) -> bytes:
    """The routine as the JSON file a client uploads (the same format as saved routines)."""
    return (json.dumps(routine.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def plan_filename(routine: Routine, person_name: str | None = None) -> str:
    return f"plan-{plan_file_stem(routine, person_name)}.json"


# -- the upload -----------------------------------------------------------------------------
class RoutineUpload(widgets.VBox):
    """Upload a routine file; it is checked, then saved as a file and for the chosen person.

    ``person``: a callable returning the person's id (or ``None``), so the widget always
    saves for whoever is chosen in the surrounding page at the moment of the upload.
    """

    routine = traitlets.Any(None, allow_none=True)

    def __init__(
        self,
        catalog: Catalog,
        store: Any = None,
        person: Callable[[], int | None] | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.person = person or (lambda: None)
        self.folder = folder
        self.saved_path: Path | None = None
        self._callbacks: list[Callable[[Routine], None]] = []
        self.messages = Messages()
        self.upload = widgets.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description="Upload a plan",
            layout=widgets.Layout(width="auto"),
            icon="upload",
        )
        self.upload.add_class("backcare-routine-upload")
        self.upload.observe(self.messages.guard(self._on_upload), names="value")
        super().__init__([self.upload, self.messages])
        self.add_class("backcare-upload")

    def on_loaded(self, callback: Callable[[Routine], None]) -> None:
        """Call ``callback(routine)`` after each routine accepted."""
        self._callbacks.append(callback)

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        try:
            first = files[0]
            self.load(bytes(first["content"]), str(first.get("name", "the file")), first)
        finally:
            self.upload.value = ()  # so the same file can be chosen again

    def load(self, data: bytes, filename: str, meta: dict[str, Any] | None = None) -> Routine:
        """Check ``data`` and save the routine; raises ``ValueError`` with the reason."""
        name = Path(filename).name or "the file"
        size = int((meta or {}).get("size", len(data)))
        if max(size, len(data)) > MAX_ROUTINE_BYTES:
            raise RoutineError(
                f"{name} is too large to be a routine plan "
                f"({max(size, len(data)):,} bytes; the limit is {MAX_ROUTINE_BYTES:,})."
            )
        if not name.lower().endswith(".json"):
            raise RoutineError(f"{name} is not a .json routine file.")
        routine = routine_from_json(data, self.catalog, source=name)
        person_id = self.person()
        replaced = False
        if self.store is not None and person_id is not None:
            existing = {s.name for s in self.store.routines(person_id, self.catalog)}
            replaced = routine.name in existing
            self.store.save_routine(person_id, routine)
        self.saved_path = save_routine(routine, self.folder)
        self.routine = routine
        whose = ""
        if self.store is not None and person_id is not None:
            whose = f" for {self.store.person(person_id).name}"
        action = "replaced the earlier version" if replaced else "saved"
        self.messages.success(
            f"Loaded {routine.name!s} ({_exercises(len(routine.items))}, "
            f"{format_duration(routine.duration_seconds(self.catalog))}) and {action}{whose}. "
            "It is ready in the planner and the timer."
        )
        for callback in self._callbacks:
            callback(routine)
        return routine


# -- the trainer's page ---------------------------------------------------------------------
@dataclass(frozen=True)
class _Option:
    label: str
    routine: Routine
    saved: bool


class TrainerApp(widgets.VBox):
    """Clients, their routines, and the three files a trainer hands over."""

    def __init__(self, store: Any = None, catalog: Catalog | None = None) -> None:
        self.messages = Messages()
        self.catalog = open_catalog(self.messages, catalog)
        self.store = open_store(self.messages, store)
        self._options: list[_Option] = []
        self.last_files: dict[str, Path] = {}
        self._payloads: dict[str, FilePayload] = {}
        self._build()
        self._wire()
        self._refresh_routines()
        self._schedule_from_routine()
        super().__init__(self._layout())
        self.add_class("backcare-trainer")

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.clients = ClientManager(self.store)
        self.client_picker = PersonPicker(self.store, description="Client")
        self.clients.add_picker(self.client_picker)
        # As wide as the longest routine's name ("Evening for Dana ..." was cut short).
        self.routine_choice = widgets.Dropdown(
            description="Routine", layout=widgets.Layout(width="auto", max_width="100%")
        )
        self.routine_choice.add_class("backcare-trainer-routine")
        self.routine_info = widgets.HTML()
        self.assign_button = widgets.Button(
            description="Save for this client",
            icon="save",
            layout=widgets.Layout(width="auto", flex="0 0 auto"),
            tooltip="Keep this routine",
        )
        self.assign_button.add_class("backcare-trainer-assign")
        self.upload = RoutineUpload(self.catalog, self.store, person=self._person_id)
        self.following = FollowingNow(self.store, self.catalog, self._person_id, self.messages)

        guard = self.messages.guard
        # One click each: "Open" shows the handout in a new tab, ready to print.
        self.handout_button = FileButton(
            "Open the handout to print",
            guard(lambda: self._file("handout", self.make_handout)),
            mode="open",
            icon="print",
            hint="Opens in a new tab; print it there or save it as PDF",
        )
        self.handout_button.add_class("backcare-trainer-handout")
        self.handout_download = FileButton(
            "Download the handout", guard(lambda: self._file("handout", self.make_handout))
        )
        self.handout_download.add_class("backcare-trainer-handout-download")

        style = {"description_width": "110px"}
        self.start_date = widgets.DatePicker(
            description="First day", value=dt.date.today(), style=style
        )
        self.start_date.add_class("backcare-calendar-start")
        self.kind = widgets.ToggleButtons(
            options=[
                ("Evening", ScheduleKind.EVENING.value),
                ("Workday", ScheduleKind.WORKDAY.value),
            ],
            description="Reminders",
            style=style,
        )
        self.kind.add_class("backcare-calendar-kind")
        self.evening_time = widgets.TimePicker(
            description="Evening at", value=dt.time(21, 0), style=style
        )
        self.work_start = widgets.TimePicker(
            description="Work from", value=dt.time(9, 0), style=style
        )
        self.work_end = widgets.TimePicker(description="until", value=dt.time(17, 0), style=style)
        self.every_hours = widgets.Dropdown(
            description="A break every",
            options=[("1 hour", 1.0), ("1.5 hours", 1.5), ("2 hours", 2.0)],
            value=2.0,
            style=style,
        )
        self.weekdays_only = widgets.Checkbox(description="Monday to Friday only", value=False)
        self.weeks = widgets.BoundedIntText(
            description="For weeks", value=4, min=1, max=52, style=style
        )
        zones = sorted(available_timezones() | {"UTC"})
        self.timezone = widgets.Dropdown(
            description="Time zone",
            options=zones,
            value=local_timezone_name() if local_timezone_name() in zones else "UTC",
            style=style,
        )
        self.timezone.add_class("backcare-calendar-zone")
        self.calendar_button = FileButton(
            "Download the calendar file",
            guard(lambda: self._file("calendar", self.make_calendar)),
            icon="calendar",
        )
        self.calendar_button.add_class("backcare-trainer-calendar")

        self.plan_button = FileButton(
            "Download the plan file for the client",
            guard(lambda: self._file("plan", self.make_plan_file)),
            icon="share",
        )
        self.plan_button.add_class("backcare-trainer-plan")

    def _layout(self) -> list[widgets.Widget]:
        def heading(text: str) -> widgets.HTML:
            return widgets.HTML(f"<h3 style='margin:12px 0 4px 0'>{esc(text)}</h3>")

        self.evening_box = widgets.VBox([self.evening_time])
        self.workday_box = widgets.VBox([self.work_start, self.work_end, self.every_hours])
        self._show_kind()
        return [
            heading("1. Clients"),
            self.clients,
            heading("2. Whose plan, which routine"),
            # Wraps on a narrow screen rather than squeezing the button's words.
            widgets.HBox(
                [self.client_picker, self.routine_choice, self.assign_button],
                layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
            ),
            self.routine_info,
            self.following,
            widgets.HTML(
                "<i>Received a plan file from a trainer, or saved one earlier? "
                "Upload it here to keep it for the chosen client.</i>"
            ),
            self.upload,
            heading("3. Printable handout"),
            widgets.HBox(
                [self.handout_button, self.handout_download],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
            heading("4. Calendar reminders"),
            self.start_date,
            self.kind,
            self.evening_box,
            self.workday_box,
            self.weekdays_only,
            self.weeks,
            self.timezone,
            widgets.HTML(
                "<i>Binder and most servers run on UTC: pick the zone the client lives in.</i>"
            ),
            self.calendar_button,
            heading("5. Hand the plan over"),
            self.plan_button,
            self.messages,
        ]

    def _wire(self) -> None:
        guard = self.messages.guard
        self.client_picker.observe(guard(lambda _: self._refresh_routines()), names="person_id")
        self.client_picker.observe(guard(lambda _: self._zone_from_client()), names="person_id")
        self.clients.on_change(guard(self._refresh_routines))
        self.routine_choice.observe(guard(lambda _: self._on_routine()), names="value")
        self.kind.observe(guard(self._on_kind), names="value")
        self.assign_button.on_click(guard(lambda _: self.save_for_client()))
        self.upload.on_loaded(guard(self._after_upload))
        self.following.on_change = guard(lambda: self._refresh_routines())

    # -- state -----------------------------------------------------------------------------
    def _person_id(self) -> int | None:
        return self.client_picker.person_id

    @property
    def person_name(self) -> str | None:
        person_id = self._person_id()
        return None if person_id is None else self.store.person(person_id).name

    @property
    def routine(self) -> Routine:
        index = self.routine_choice.value
        if index is None or not 0 <= index < len(self._options):
            raise ValueError("Choose a routine first.")
        return self._options[index].routine

    def _refresh_routines(
        self, select_name: str | None = None, uploaded: Routine | None = None
    ) -> None:
        person_id = self._person_id()
        current = None
        if self.routine_choice.value is not None and self._options:
            current = self._options[self.routine_choice.value].label
        options: list[_Option] = []
        if person_id is not None:
            for saved in self.store.routines(person_id, self.catalog):
                options.append(_Option(f"{saved.name} (saved)", saved.routine, True))
        saved_names = {o.routine.name for o in options}
        for routine in templates(self.catalog):
            if routine.name not in saved_names:
                options.append(_Option(f"{routine.name} (template)", routine, False))
        if uploaded is not None and uploaded.name not in {o.routine.name for o in options}:
            # kept as a file only (no client chosen yet): still offered for this page
            options.append(_Option(f"{uploaded.name} (uploaded)", uploaded, False))
        self._options = options
        labels = [o.label for o in options]
        self.routine_choice.options = [(label, i) for i, label in enumerate(labels)]
        if select_name is not None:
            wanted = next((i for i, o in enumerate(options) if o.routine.name == select_name), 0)
        elif current in labels:
            wanted = labels.index(current)
        else:
            wanted = 0
        self.routine_choice.value = wanted
        self.assign_button.disabled = person_id is None
        self._on_routine()
        self.following.refresh(self.routine if options else None)

    def _on_routine(self) -> None:
        if not self._options or self.routine_choice.value is None:
            return
        routine = self.routine
        self.routine_info.value = (
            f"<div class='backcare-trainer-summary'>{esc(routine.name)}: "
            f"{_exercises(len(routine.items))}, "
            f"{esc(format_duration(routine.duration_seconds(self.catalog)))}; "
            f"{esc(routine.schedule.describe())}.</div>"
        )
        self._schedule_from_routine()
        if hasattr(self, "following"):
            self.following.propose(routine)

    def _schedule_from_routine(self) -> None:
        if not self._options or self.routine_choice.value is None:
            return
        schedule = self.routine.schedule
        self.kind.value = schedule.kind.value
        self.evening_time.value = schedule.time
        self.work_start.value = schedule.start
        self.work_end.value = schedule.end
        if schedule.every_hours in [v for _, v in self.every_hours.options]:
            self.every_hours.value = schedule.every_hours
        self.weekdays_only.value = schedule.weekdays == WEEKDAYS

    def _on_kind(self, change: dict[str, Any]) -> None:
        if change["new"] == ScheduleKind.WORKDAY.value:
            self.weekdays_only.value = True  # breaks belong to working days
        self._show_kind()

    def _show_kind(self) -> None:
        evening = self.kind.value == ScheduleKind.EVENING.value
        if hasattr(self, "evening_box"):
            self.evening_box.layout.display = "" if evening else "none"
            self.workday_box.layout.display = "none" if evening else ""

    def _zone_from_client(self) -> None:
        """Reminders in the client's own zone and from the client's today, when known."""
        person_id = self._person_id()
        zone = None if person_id is None else self.store.person(person_id).zone
        if zone in self.timezone.options:
            self.timezone.value = zone
        if person_id is not None:
            self.start_date.value = today_in(self.store.zone(person_id))

    def _after_upload(self, routine: Routine) -> None:
        self._refresh_routines(select_name=routine.name, uploaded=routine)

    # -- actions ---------------------------------------------------------------------------
    def save_for_client(self) -> int:
        person_id = self._person_id()
        if person_id is None:
            raise ValueError("Add or choose a client first.")
        routine = self.routine
        followed = self.following.save(routine, person_id)
        self._refresh_routines(select_name=routine.name)
        self.messages.success(f"Saved {routine.name} for {self.person_name}. {followed}")
        return self.store.routines(person_id, self.catalog)[0].id

    def _offer(self, kind: str, data: bytes, filename: str, mime: str, label: str) -> Path:
        """Save a copy in the exports folder; its button hands the same bytes over."""
        path = paths.write_export(data, filename)
        self.last_files[kind] = path
        self._payloads[kind] = FilePayload(data, filename, mime)
        return path

    def _file(self, kind: str, make: Callable[[], Path]) -> FilePayload:
        """Make the file of ``kind`` now (from the current choices) for its button."""
        make()
        return self._payloads[kind]

    def make_handout(self) -> Path:
        routine, person = self.routine, self.person_name
        page = render_handout(routine, self.catalog, person)
        path = self._offer(
            "handout",
            page.encode("utf-8"),
            handout_filename(routine, person),
            "text/html",
            "Open or download the handout",
        )
        self.messages.success(
            f"Handout ready (a copy is saved as {path.name} in the exports folder). "
            "Print it from its tab, or save it as PDF from the browser's print dialog."
        )
        return path

    def calendar_schedule(self) -> Schedule:
        """The schedule the calendar controls describe (the routine's, as edited here)."""
        start, end = self.work_start.value, self.work_end.value
        evening_time = self.evening_time.value
        if evening_time is None or start is None or end is None:
            raise ValueError("Fill in every time (hours and minutes).")
        return Schedule(
            kind=ScheduleKind(self.kind.value),
            time=evening_time,
            every_hours=float(self.every_hours.value),
            start=start,
            end=end,
            weekdays=WEEKDAYS if self.weekdays_only.value else EVERY_DAY,
        )

    def make_calendar(self) -> Path:
        if self.start_date.value is None:
            raise ValueError("Choose the first day of the reminders.")
        routine = replace(self.routine, schedule=self.calendar_schedule())
        data = routine_calendar(
            routine,
            self.catalog,
            self.start_date.value,
            weeks=int(self.weeks.value),
            tz=self.timezone.value,
            person=self.person_name,
        )
        filename = calendar_filename(routine, self.person_name)
        path = self._offer(
            "calendar", data, filename, "text/calendar", "Download the calendar file"
        )
        self.messages.success(
            f"Calendar file ready: {routine.schedule.describe()}, for {self.weeks.value} weeks "
            f"from {self.start_date.value:%d %b %Y} ({self.timezone.value}). "
            "Open it with the client's calendar app."
        )
        return path

    def make_plan_file(self) -> Path:
        routine, person = self.routine, self.person_name
        path = self._offer(
            "plan",
            plan_file_bytes(routine),
            plan_filename(routine, person),
            "application/json",
            "Download the plan file",
        )
        self.messages.success(
            f"Plan file ready ({path.name}). The client uploads it in their own notebook "
            "(the planner or the trainer kit); the guided session then offers it too."
        )
        return path

    def choices(self) -> Sequence[str]:
        """The routine labels on offer (for tests and browser checks)."""
        return [o.label for o in self._options]
