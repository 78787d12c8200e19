"""The routine planner's view: pick groups and prescriptions, see the time, save.

``PlannerApp`` wraps a :class:`backcare.planner.PlannerModel`. Controls write to the model;
the duration, the table and the hints follow the model's traits. No rule about routines
lives here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..catalog import Catalog, Exercise
from ..figures import Figures
from ..planner import PlannerModel
from ..prescription import ALLOWED, Kind, limits_text
from ..progression.advice import Advisor
from ..routine import TIMING_LIMITS, Routine, RoutineError, ScheduleKind, load_routine
from ..store import Store
from ..timeline import format_duration
from ..zones import today_in
from .common import Messages, esc, open_catalog, open_store
from .following import FollowingNow
from .people import PersonPicker
from .pictures import ExercisePicture, open_figures
from .suggestions import SuggestionsPanel
from .trainer import RoutineUpload
from .zone import ZoneControl

__all__ = ["ExerciseRow", "PlannerApp"]

_SIDES_TEXT = {
    "each": "each side in turn",
    "both": "both sides at once",
    "alternating": "alternating",
}


class ExerciseRow(widgets.HBox):
    """One exercise: on/off, sets, hold or reps (and the hold within a rep), a hint."""

    def __init__(
        self,
        model: PlannerModel,
        exercise: Exercise,
        messages: Messages,
        figures: Figures | None = None,
    ) -> None:
        self.model, self.exercise = model, exercise
        p = model.prescriptions[exercise.id]
        self.picture = ExercisePicture(exercise, figures or open_figures(messages))
        self.enabled = widgets.Checkbox(
            value=model.enabled.get(exercise.id, True),
            description=exercise.name,
            indent=False,
            layout=widgets.Layout(width="240px"),
        )
        self.enabled.add_class("backcare-exercise-toggle")
        self.fields: dict[str, widgets.BoundedIntText] = {}
        labels = {
            "sets": "sets",
            "hold_seconds": "hold s",
            "reps": "reps",
            "rep_hold_seconds": "hold/rep s",
        }
        if exercise.kind is Kind.ROLL:
            labels["hold_seconds"] = "roll s"
        for field in ("sets", "hold_seconds", "reps", "rep_hold_seconds"):
            value = getattr(p, field)
            if value is None:
                continue
            low, high = ALLOWED[field]
            box = widgets.BoundedIntText(
                value=value,
                min=low,
                max=high,
                description=labels[field],
                layout=widgets.Layout(width="150px"),
                style={"description_width": "70px"},
            )
            box.add_class(f"backcare-{field.replace('_', '-')}")
            box.observe(messages.guard(self._on_field(field)), names="value")
            self.fields[field] = box
        self.hint = widgets.HTML()
        self.enabled.observe(messages.guard(self._on_enabled), names="value")
        super().__init__(
            [
                self.picture,
                self.enabled,
                *self.fields.values(),
                widgets.HTML(f"<i>{esc(_SIDES_TEXT[exercise.sides.value])}</i>"),
                self.hint,
            ]
        )
        self.add_class("backcare-exercise-row")
        self.layout.align_items = "center"
        self.refresh()

    def _on_enabled(self, change: dict[str, Any]) -> None:
        self.model.set_enabled(self.exercise.id, change["new"])

    def _on_field(self, field: str):
        def handler(change: dict[str, Any]) -> None:
            self.model.set_prescription(self.exercise.id, **{field: change["new"]})

        return handler

    def refresh(self) -> None:
        """Show the model's values (after a load or reset) and any out-of-recommended note."""
        p = self.model.prescriptions[self.exercise.id]
        self.enabled.value = self.model.enabled.get(self.exercise.id, True)
        for field, box in self.fields.items():
            box.value = getattr(p, field)
        self.picture.show(self.model.timing.rep_seconds, p.rep_hold_seconds)
        notes = p.outside_recommended()
        self.hint.value = (
            f'<span class="backcare-hint" style="color:#8a5a00">beyond the usual '
            f"range: {esc('; '.join(notes))}</span>"
            if notes
            else ""
        )
        visible = self.exercise.group in self.model.groups
        self.layout.display = "flex" if visible else "none"


class PlannerApp(widgets.VBox):
    """Plan a routine: groups, exercises, prescriptions, schedule; live duration; save/load."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        model: PlannerModel | None = None,
        store: Store | None = None,
        **kwargs: Any,
    ) -> None:
        self.messages = Messages()
        guard = self.messages.guard
        self._syncing = False
        self.model = model or PlannerModel(open_catalog(self.messages, catalog))
        catalog = self.model.catalog
        self.store = open_store(self.messages, store)
        self.person = PersonPicker(self.store, description="Plan for")

        # -- groups ----------------------------------------------------------------------
        self.group_boxes = {
            g.id: widgets.Checkbox(
                value=g.id in self.model.groups,
                description=g.name,
                indent=False,
                tooltip=g.why,
                layout=widgets.Layout(width="160px"),
            )
            for g in catalog.groups
        }
        for group_id, box in self.group_boxes.items():
            box.add_class("backcare-group-toggle")
            box.add_class(f"backcare-group-{group_id}")
            box.observe(guard(self._group_handler(group_id)), names="value")
        why = "".join(f"<li><b>{esc(g.name)}</b>: {esc(g.why)}</li>" for g in catalog.groups)

        # -- exercises -------------------------------------------------------------------
        figures = open_figures(self.messages)
        self.rows = {
            e.id: ExerciseRow(self.model, e, self.messages, figures) for e in catalog.exercises
        }

        # -- schedule --------------------------------------------------------------------
        s = self.model.schedule
        self.schedule_kind = widgets.ToggleButtons(
            options=[("Evening session", "evening"), ("Workday breaks", "workday")],
            value=s.kind.value,
            description="When",
        )
        self.evening_time = widgets.TimePicker(value=s.time, description="at")
        self.every_hours = widgets.BoundedFloatText(
            value=s.every_hours, min=0.5, max=4, step=0.5, description="every (h)"
        )
        self.work_start = widgets.TimePicker(value=s.start, description="from")
        self.work_end = widgets.TimePicker(value=s.end, description="to")
        self.schedule_text = widgets.HTML()
        for control in (
            self.schedule_kind,
            self.evening_time,
            self.every_hours,
            self.work_start,
            self.work_end,
        ):
            control.observe(guard(self._on_schedule), names="value")

        # -- timing ----------------------------------------------------------------------
        t = self.model.timing
        self.timing_fields: dict[str, widgets.ValueWidget] = {}
        for name, label in (
            ("get_ready_seconds", "get ready (s)"),
            ("switch_seconds", "switch sides (s)"),
            ("rest_between_exercises_seconds", "rest between exercises (s)"),
        ):
            low, high = TIMING_LIMITS[name]
            self.timing_fields[name] = widgets.BoundedIntText(
                value=getattr(t, name), min=low, max=high, description=label
            )
        low, high = TIMING_LIMITS["rep_seconds"]
        self.timing_fields["rep_seconds"] = widgets.BoundedFloatText(
            value=t.rep_seconds, min=low, max=high, step=0.5, description="seconds a rep"
        )
        self.timing_fields["self_paced_reps"] = widgets.Checkbox(
            value=t.self_paced_reps,
            description="I set my own pace for reps (press Done after each set)",
            indent=False,
            layout=widgets.Layout(width="auto"),  # as wide as its words
        )
        for name, control in self.timing_fields.items():
            control.add_class(f"backcare-timing-{name.replace('_', '-')}")
            if isinstance(control, widgets.BoundedIntText | widgets.BoundedFloatText):
                control.style = {"description_width": "180px"}
            control.observe(guard(self._timing_handler(name)), names="value")
        low, high = ALLOWED["rest_seconds"]
        self.rest_between_sets = widgets.BoundedIntText(
            value=self._current_rest_between_sets(),
            min=low,
            max=high,
            description="rest between sets (s)",
            style={"description_width": "180px"},
        )
        self.rest_between_sets.add_class("backcare-rest-between-sets")
        self.rest_between_sets.observe(guard(self._on_rest_between_sets), names="value")
        # Folded until opened: the fields themselves live inside the fold-out.
        self.timing_box = widgets.Accordion(
            children=[
                widgets.VBox(
                    [
                        widgets.HTML("<small>These apply to the whole routine.</small>"),
                        self.rest_between_sets,
                        *self.timing_fields.values(),
                    ]
                )
            ],
            selected_index=None,
        )
        self.timing_box.set_title(0, "Timing: get-ready, rests, side switches, tempo")
        self.timing_box.add_class("backcare-timing")

        # -- result ----------------------------------------------------------------------
        self.duration = widgets.HTML()
        self.duration.add_class("backcare-duration")
        self.table = widgets.HTML()
        self.table.add_class("backcare-routine-table")

        # -- name, save, load ------------------------------------------------------------
        self.name = widgets.Text(
            value=self.model.name,
            description="Name",
            placeholder="e.g. Evening stretch",
            continuous_update=True,
        )
        self.name.add_class("backcare-routine-name")
        widgets.link((self.name, "value"), (self.model, "name"))
        self.save_button = widgets.Button(
            description="Save routine", icon="save", button_style="primary"
        )
        self.save_button.add_class("backcare-save")
        self.save_button.on_click(guard(self._on_save))
        self.saved = widgets.Dropdown(description="Saved", options=[])
        self.saved.add_class("backcare-saved")
        self.load_button = widgets.Button(description="Load", icon="folder-open")
        self.load_button.add_class("backcare-load")
        self.load_button.on_click(guard(self._on_load))
        self.reset_button = widgets.Button(description="Start over", icon="undo")
        self.reset_button.on_click(guard(self._on_reset))
        self.upload = RoutineUpload(catalog, self.store, person=lambda: self.person.person_id)
        self.following = FollowingNow(
            self.store, catalog, lambda: self.person.person_id, self.messages
        )
        self.zone = ZoneControl(
            self.store, lambda: self.person.person_id, self.messages, self._show_schedule
        )
        self.person.observe(guard(lambda _: self._on_person()), names="person_id")
        self.upload.on_loaded(self._on_uploaded)
        self._refresh_saved()
        # -- what next? (the progression rule's suggestions for the person's plans) ----------
        self.suggestions = SuggestionsPanel(Advisor(self.store, catalog), decide=True)
        self.suggestions.on_accepted(self._on_suggestion_accepted)
        self.person.observe(
            guard(lambda _: self.suggestions.show(self.person.person_id)), "person_id"
        )

        self.model.observe(
            self._on_model,
            names=["routine", "groups", "prescriptions", "enabled", "schedule", "name", "timing"],
        )
        super().__init__(
            [
                widgets.HTML("<h3>1. Choose groups</h3>"),
                widgets.HBox(list(self.group_boxes.values())),
                widgets.HTML(
                    f"<details><summary>Why these groups?</summary><ul>{why}</ul></details>"
                ),
                widgets.HTML(
                    "<h3>2. Adjust exercises</h3><small>Untick an exercise to leave it "
                    f"out. {esc(limits_text())}</small>"
                ),
                widgets.VBox(list(self.rows.values())),
                widgets.HTML("<h3>3. When</h3>"),
                self.schedule_kind,
                widgets.HBox([self.evening_time, self.every_hours, self.work_start, self.work_end]),
                self.schedule_text,
                self.timing_box,
                widgets.HTML("<h3>4. Your routine</h3>"),
                self.duration,
                self.table,
                widgets.HBox([self.name, self.person]),
                self.following,
                self.zone,
                widgets.HBox([self.save_button, self.reset_button]),
                self.messages,
                widgets.HTML("<h3>5. Open a saved or handed-over routine</h3>"),
                widgets.HBox([self.saved, self.load_button]),
                self.upload,
                self.suggestions,
            ],
            **kwargs,
        )
        self.add_class("backcare-planner")
        self._show_routine()
        self._show_schedule()
        guard(self.suggestions.show)(self.person.person_id)

    # -- handlers -------------------------------------------------------------------------
    def _group_handler(self, group_id: str):
        def handler(change: dict[str, Any]) -> None:
            self.model.set_group(group_id, change["new"])

        return handler

    def _timing_handler(self, name: str):
        def handler(change: dict[str, Any]) -> None:
            if not self._syncing:
                self.model.set_timing(**{name: change["new"]})

        return handler

    def _on_rest_between_sets(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self.model.set_rest_between_sets(change["new"])

    def _on_schedule(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        if change["owner"] is self.schedule_kind:
            self.model.set_schedule_kind(ScheduleKind(change["new"]))
            return
        if None in (self.evening_time.value, self.work_start.value, self.work_end.value):
            raise ValueError("enter a time in each time box")
        self.model.set_schedule(
            time=self.evening_time.value,
            every_hours=float(self.every_hours.value),
            start=self.work_start.value,
            end=self.work_end.value,
        )
        self.messages.clear()

    def _on_save(self, _button: widgets.Button) -> None:
        routine = self.model.validated_routine()
        path = self.model.save()
        person_id = self.person.person_id
        if person_id is None:
            person_id = self.store.default_person().id
            self.person.refresh()
        followed = self.following.save(routine, person_id)
        self._refresh_saved(select=path.name)
        self.suggestions.show(person_id)
        self.messages.success(
            f"Saved “{routine.name}” for {self.store.person(person_id).name}, "
            f"as {path.name} in your data folder. {followed}"
        )

    def _on_suggestion_accepted(self, _plan_uid: str, routine: Routine) -> None:
        """Show the plan's new version (saved by the panel) in the planner."""
        self.model.load(routine)
        self._sync_controls()

    def _on_person(self) -> None:
        self.zone.refresh()
        self.following.refresh(self.model.routine)
        self._show_schedule()

    def _on_uploaded(self, routine: Routine) -> None:
        self.model.load(routine)
        self._sync_controls()
        saved = self.upload.saved_path
        self._refresh_saved(select=saved.name if saved else None)

    def _on_load(self, _button: widgets.Button) -> None:
        if not self.saved.value:
            raise ValueError("there is no saved routine yet: save one first")
        routine = self.model.load_file(self.saved.value)
        self._sync_controls()
        self.messages.success(f"Loaded “{routine.name}”.")

    def _on_reset(self, _button: widgets.Button) -> None:
        self.model.reset()
        self._sync_controls()
        self.messages.info("Back to all four groups with the usual prescriptions.")

    def _on_model(self, change: dict[str, Any]) -> None:
        if change["name"] in ("groups", "prescriptions", "enabled", "timing"):
            for row in self.rows.values():
                row.refresh()
        if change["name"] == "schedule":
            self._show_schedule()
        if change["name"] in ("schedule", "name"):
            self.following.propose(self.model.routine)
        self._show_routine()

    # -- showing ----------------------------------------------------------------------------
    def _sync_controls(self) -> None:
        """Put the model's state into every control (after load or reset).

        The routine-wide controls (schedule, timing, rest between sets) only show the model
        here; their handlers are quiet meanwhile, so showing a value never rewrites the plan.
        """
        self._syncing = True
        try:
            self._show_model_in_controls()
        finally:
            self._syncing = False

    def _show_model_in_controls(self) -> None:
        for group_id, box in self.group_boxes.items():
            box.value = group_id in self.model.groups
        for row in self.rows.values():
            row.refresh()
        s = self.model.schedule
        self.schedule_kind.value = s.kind.value
        self.evening_time.value, self.every_hours.value = s.time, s.every_hours
        self.work_start.value, self.work_end.value = s.start, s.end
        self.name.value = self.model.name
        for name, control in self.timing_fields.items():
            control.value = getattr(self.model.timing, name)
        self.rest_between_sets.value = self._current_rest_between_sets()

    def _current_rest_between_sets(self) -> int:
        """The rest of the first exercise switched on (they are set together here)."""
        routine = self.model.routine
        first = routine.items[0].exercise_id if routine else self.model.catalog.exercises[0].id
        return self.model.prescriptions[first].rest_seconds

    def _show_routine(self) -> None:
        routine = self.model.routine
        if routine is None:
            self.duration.value = (
                '<div style="font-size:1.4em">No exercises chosen yet: tick a group above.</div>'
            )
            self.table.value = ""
            return
        count = len(routine.items)
        self.duration.value = (
            f'<div style="font-size:1.4em"><b>{format_duration(self.model.duration_seconds)}</b>'
            f" for {count} exercise{'s' if count != 1 else ''}, "
            "rests and side switches included</div>"
        )
        self.table.value = routine.table(self.model.catalog).to_html(
            index=False, escape=True, classes="backcare-table", border=0
        )

    def _show_schedule(self) -> None:
        workday = self.model.is_workday
        self.evening_time.layout.display = "none" if workday else "flex"
        for control in (self.every_hours, self.work_start, self.work_end):
            control.layout.display = "flex" if workday else "none"
        today = today_in(self.store.zone(self.person.person_id))  # the person's own today
        per_day = self.model.schedule.planned_per_day(today)
        self.schedule_text.value = (
            f"<small>{esc(self.model.schedule.describe())} ({per_day} planned today).</small>"
        )

    def _refresh_saved(self, select: str | None = None) -> None:
        files = self.model.saved()
        self.saved.options = list(zip(self._saved_labels(files), files, strict=True))
        chosen = [p for p in files if p.name == select] or files[:1]
        self.saved.value = chosen[0] if chosen else None

    def _saved_labels(self, files: list[Path]) -> list[str]:
        """Each file's routine name (the file name only when it cannot be read); a name
        saved more than once also shows when, newest first as the files are."""
        names = []
        for path in files:
            try:
                names.append(load_routine(path, self.model.catalog).name)
            except (RoutineError, OSError, ValueError):
                names.append(f"{path.stem} (cannot be read)")
        labels = []
        for name, path in zip(names, files, strict=True):
            if names.count(name) > 1:
                stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
                name = f"{name}, saved {stamp:%a %d %b %Y %H:%M}"
            labels.append(name)
        return labels
