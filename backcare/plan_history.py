"""Plans with a history: which routine a person followed on which day.

A person *follows* routines. Each followed routine (a *plan*) is a line of events that are
only ever added, never rewritten:

* ``save``: a new version of the plan's routine, in force from its day on (the first save
  is the plan's start date; saving a plan that was retired resumes it);
* ``retire``: from its day on, the plan plans nothing;
* ``resume``: from its day on, the plan's latest version is in force again.

Every event takes effect on a calendar day in the person's own time zone; several events on
one day leave the state after the last of them. A day's planned sessions are the sum over
the versions in force that day, so re-saving a routine (even under a new name) never moves
its start, and two routines count twice only when the person follows both on purpose.

:class:`PlanHistory` is the pure model over a person's events (no store, no widgets);
:func:`backcare.analysis.adherence` counts the planned sessions from its ``periods``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .routine import Routine

__all__ = [
    "FollowedPlan",
    "InForce",
    "PlanEvent",
    "PlanEventKind",
    "PlanHistory",
    "suggest_replacement",
]


class PlanEventKind(StrEnum):
    SAVE = "save"
    RETIRE = "retire"
    RESUME = "resume"


@dataclass(frozen=True, slots=True)
class PlanEvent:
    """One change to a followed plan, taking effect on ``on`` (a day in the person's zone)."""

    plan_uid: str
    kind: PlanEventKind
    on: dt.date
    at: dt.datetime  # when it was recorded
    routine: Routine | None = None  # the new version, for a save
    uid: str = ""
    id: int = 0  # the store's row id: the order events were recorded in

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PlanEventKind(self.kind))
        if (self.kind is PlanEventKind.SAVE) != (self.routine is not None):
            raise ValueError("a save carries a routine; a retire or resume does not")

    @property
    def order(self) -> tuple[dt.date, dt.datetime, int]:
        return (self.on, self.at, self.id)


@dataclass(frozen=True, slots=True)
class InForce:
    """A version of a plan in force from ``start`` up to ``end`` (excluded; ``None``: still)."""

    plan_uid: str
    version: int  # 1 for the plan's first save
    routine: Routine
    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class FollowedPlan:
    """A plan as it stands after all its events."""

    plan_uid: str
    routine: Routine  # the latest version
    versions: int
    started_on: dt.date  # the day of the first save
    active: bool  # False once retired (until resumed or saved again)
    changed_on: dt.date  # the day of the last event

    @property
    def name(self) -> str:
        return self.routine.name


class PlanHistory:
    """A person's plan events and what follows from them (pure; built by the store)."""

    def __init__(self, events: Iterable[PlanEvent] = ()) -> None:
        self.events: tuple[PlanEvent, ...] = tuple(sorted(events, key=lambda e: e.order))
        self._periods, self._plans = self._replay()

    def __repr__(self) -> str:
        return f"PlanHistory({len(self.events)} events, {len(self._plans)} plans)"

    def _replay(self) -> tuple[list[InForce], dict[str, FollowedPlan]]:
        periods: list[InForce] = []
        plans: dict[str, FollowedPlan] = {}
        by_plan: dict[str, list[PlanEvent]] = {}
        for event in self.events:
            by_plan.setdefault(event.plan_uid, []).append(event)
        for plan_uid, events in by_plan.items():
            routine: Routine | None = None
            version, active = 0, False
            states: list[tuple[dt.date, Routine | None, int]] = []  # after each day's events
            for day, todays in itertools.groupby(events, key=lambda e: e.on):
                for event in todays:
                    if event.kind is PlanEventKind.SAVE:
                        routine, version, active = event.routine, version + 1, True
                    elif event.kind is PlanEventKind.RETIRE:
                        active = False
                    elif routine is not None:
                        active = True
                states.append((day, routine if active else None, version))
            for n, (day, in_force, number) in enumerate(states):
                if in_force is not None:
                    end = states[n + 1][0] if n + 1 < len(states) else None
                    periods.append(InForce(plan_uid, number, in_force, day, end))
            first_save = next((e.on for e in events if e.kind is PlanEventKind.SAVE), None)
            if routine is not None and first_save is not None:
                plans[plan_uid] = FollowedPlan(
                    plan_uid, routine, version, first_save, active, events[-1].on
                )
        periods.sort(key=lambda p: (p.start, p.plan_uid))
        return periods, plans

    # -- reading ----------------------------------------------------------------------------
    @property
    def periods(self) -> list[InForce]:
        """Every stretch of days a version was in force, by start day."""
        return list(self._periods)

    def plans(self) -> list[FollowedPlan]:
        """Every plan, the ones followed now first, then by the day they last changed."""
        return sorted(
            self._plans.values(),
            key=lambda p: (not p.active, -p.changed_on.toordinal(), p.name),
        )

    def plan(self, plan_uid: str) -> FollowedPlan:
        return self._plans[plan_uid]

    def following(self) -> list[FollowedPlan]:
        """The plans in force after every event (what the person follows now)."""
        return [p for p in self.plans() if p.active]

    def retired(self) -> list[FollowedPlan]:
        return [p for p in self.plans() if not p.active]

    def in_force(self, day: dt.date) -> list[InForce]:
        """The versions in force on ``day``."""
        return [p for p in self._periods if p.covers(day)]

    def first_day(self) -> dt.date | None:
        return self._periods[0].start if self._periods else None


def suggest_replacement(routine: Routine, following: Sequence[FollowedPlan]) -> str | None:
    """The plan a newly saved ``routine`` should replace by default, or ``None`` (add it
    alongside): a followed plan of the same name, else one on the same kind of schedule."""
    for plan in following:
        if plan.name == routine.name:
            return plan.plan_uid
    for plan in following:
        if plan.routine.schedule.kind is routine.schedule.kind:
            return plan.plan_uid
    return None
