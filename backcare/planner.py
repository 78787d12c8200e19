"""The routine planner's model: choices in, a validated :class:`Routine` out.

``PlannerModel`` holds what the user picks (groups, exercises switched on or off,
prescriptions, schedule, name) as traits and derives the routine and its duration from
them. It knows nothing of widgets; :class:`backcare.ui.planner.PlannerApp` wraps it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import traitlets as t

from .catalog import Catalog, load_catalog
from .prescription import Prescription
from .routine import (
    Routine,
    RoutineItem,
    Schedule,
    ScheduleKind,
    Timing,
    list_saved_routines,
    load_routine,
    save_routine,
    validate_name,
)
from .timeline import format_duration

__all__ = ["PlannerModel", "format_duration"]


class PlannerModel(t.HasTraits):
    """What the planner shows, as traits; ``routine`` and ``duration_seconds`` follow."""

    name = t.Unicode("My routine")
    groups = t.Tuple()  # chosen group ids, in catalog order
    enabled = t.Dict()  # exercise id -> bool (switched on)
    prescriptions = t.Dict()  # exercise id -> Prescription
    schedule = t.Instance(Schedule)
    timing = t.Instance(Timing)

    routine = t.Instance(Routine, allow_none=True, read_only=True)
    duration_seconds = t.Float(0.0, read_only=True)

    def __init__(self, catalog: Catalog | None = None, **kwargs: Any) -> None:
        self.catalog = catalog or load_catalog()
        kwargs.setdefault("groups", tuple(g.id for g in self.catalog.groups))
        kwargs.setdefault("enabled", {e.id: True for e in self.catalog.exercises})
        kwargs.setdefault("prescriptions", {e.id: e.prescription for e in self.catalog.exercises})
        kwargs.setdefault("schedule", Schedule())
        kwargs.setdefault("timing", Timing())
        super().__init__(**kwargs)
        self._update()

    # -- derived state ----------------------------------------------------------------
    @t.observe("name", "groups", "enabled", "prescriptions", "schedule", "timing")
    def _on_change(self, change: dict[str, Any]) -> None:
        self._update()

    def _update(self) -> None:
        items = tuple(
            RoutineItem(e.id, self.prescriptions[e.id])
            for e in self.catalog.in_groups(self.groups)
            if self.enabled.get(e.id, True)
        )
        try:
            name = validate_name(self.name, "routine name")
        except ValueError:
            name = "Untitled routine"
        routine = (
            Routine(name=name, items=items, schedule=self.schedule, timing=self.timing)
            if items
            else None
        )
        self.set_trait("routine", routine)
        self.set_trait(
            "duration_seconds", routine.duration_seconds(self.catalog) if routine else 0.0
        )

    # -- editing ----------------------------------------------------------------------
    def set_group(self, group_id: str, chosen: bool) -> None:
        self.catalog.group(group_id)  # KeyError for an unknown group
        wanted = set(self.groups) | {group_id} if chosen else set(self.groups) - {group_id}
        self.groups = tuple(g.id for g in self.catalog.groups if g.id in wanted)

    def set_enabled(self, exercise_id: str, on: bool) -> None:
        self.catalog[exercise_id]
        self.enabled = {**self.enabled, exercise_id: bool(on)}

    def set_prescription(self, exercise_id: str, **changes: int) -> Prescription:
        """Change one exercise's prescription; a value out of range raises and changes nothing."""
        new = self.prescriptions[exercise_id].with_(**changes)
        self.prescriptions = {**self.prescriptions, exercise_id: new}
        return new

    def set_schedule(self, **changes: Any) -> None:
        """Change the schedule (kind, time, every_hours, start, end, weekdays)."""
        data = {f: getattr(self.schedule, f) for f in Schedule.__dataclass_fields__}
        data.update(changes)
        self.schedule = Schedule(**data)

    def set_schedule_kind(self, kind: ScheduleKind) -> None:
        """Switch between evening sessions (every day) and workday breaks (Monday to Friday)."""
        kind = ScheduleKind(kind)
        if kind is self.schedule.kind:
            return
        weekdays = (0, 1, 2, 3, 4) if kind is ScheduleKind.WORKDAY else tuple(range(7))
        self.set_schedule(kind=kind, weekdays=weekdays)

    def set_timing(self, **changes: Any) -> None:
        """Change the routine-wide timing (get-ready, side switch, rests, tempo, self-paced)."""
        self.timing = replace(self.timing, **changes)

    def set_rest_between_sets(self, seconds: int) -> None:
        """One rest length between sets for every exercise; out of range raises, changes nothing."""
        self.prescriptions = {
            exercise_id: p.with_(rest_seconds=seconds)
            for exercise_id, p in self.prescriptions.items()
        }

    def reset(self) -> None:
        """Back to every group with the source's default prescriptions."""
        fresh = PlannerModel(self.catalog)
        with self.hold_trait_notifications():
            for name in ("groups", "enabled", "prescriptions", "schedule", "timing"):
                setattr(self, name, getattr(fresh, name))

    def load(self, routine: Routine) -> None:
        """Show a saved (or uploaded) routine for editing."""
        chosen = {item.exercise_id for item in routine.items}
        with self.hold_trait_notifications():
            self.name = routine.name
            self.groups = routine.groups(self.catalog)
            self.enabled = {e.id: e.id in chosen for e in self.catalog.exercises}
            self.prescriptions = {
                **{e.id: e.prescription for e in self.catalog.exercises},
                **{item.exercise_id: item.prescription for item in routine.items},
            }
            self.schedule = routine.schedule
            self.timing = routine.timing

    # -- files ------------------------------------------------------------------------
    def validated_routine(self) -> Routine:
        """The routine to save or run, or a ``ValueError`` saying what is missing."""
        name = validate_name(self.name, "routine name")
        if self.routine is None:
            raise ValueError("switch on at least one exercise (choose a group first)")
        return self.routine.renamed(name)

    def save(self, folder: Path | None = None) -> Path:
        return save_routine(self.validated_routine(), folder)

    def saved(self, folder: Path | None = None) -> list[Path]:
        return list_saved_routines(folder)

    def load_file(self, path: Path) -> Routine:
        routine = load_routine(path, self.catalog)
        self.load(routine)
        return routine

    def planned_sessions(self, day: dt.date) -> int:
        return self.schedule.planned_per_day(day) if self.schedule else 0

    @property
    def is_workday(self) -> bool:
        return self.schedule.kind is ScheduleKind.WORKDAY
