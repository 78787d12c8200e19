"""Suggestions for a person's plans, and what the person decides about them.

:class:`Advisor` reads one person's record from the store (sessions, steps, pain-during
scores, next-morning answers), runs the rule (:func:`backcare.progression.rule.suggest`) for
every exercise of every plan the person follows, and carries out a decision:

* **accept**: the plan gets a new version from today with the suggested prescription (or
  without the exercise); nothing planned earlier is rewritten, so adherence before the change
  stays as it was;
* **decline**: the suggestion is not offered again until new data arrive (a new session with
  that exercise changes its :attr:`Suggestion.data_mark`).

Where the store's shape matters (the plans in force, saving a plan version, reading the
pain-during scores and the declines) this module calls the store in one small function
each, so the rule never depends on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from .ladder import ladder_for
from .records import exercise_records
from .rule import RULE, Action, ProgressionRule, Suggestion, records_from_frame, suggest

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..routine import Routine

__all__ = ["Advisor", "PlanAdvice", "SuggestionGone"]


class SuggestionGone(ValueError):
    """The suggestion shown is no longer the rule's answer (new data, or the plan changed)."""


@dataclass(frozen=True)
class PlanAdvice:
    """The suggestions for one plan (``plan_uid``, its name now), in the plan's order;
    ``declined`` holds the exercise ids whose current suggestion the person declined."""

    plan_uid: str
    plan_name: str
    routine: Routine
    suggestions: tuple[Suggestion, ...]
    declined: frozenset[str] = frozenset()

    def waiting(self) -> list[Suggestion]:
        """Suggestions that would change the plan and are not declined."""
        return [
            s
            for s in self.suggestions
            if s.action.changes_plan and s.exercise_id not in self.declined
        ]


# -- the store, one small function each ---------------------------------------------------
def _plans_in_force(store: Any, person_id: int, catalog: Catalog) -> list[tuple[str, str, Any]]:
    """``(plan uid, name, routine)`` of each plan the person follows now."""
    return [(s.plan_uid, s.name, s.routine) for s in store.routines(person_id, catalog)]


def _save_version(
    store: Any, person_id: int, plan_uid: str, routine: Routine, today: dt.date
) -> None:
    """Save ``routine`` as the plan's new version from ``today`` (earlier days keep theirs)."""
    store.save_plan(person_id, routine, plan_uid=plan_uid, on=today)


def _pain_during(store: Any, person_id: int) -> pd.DataFrame:
    """``session_id``, ``exercise_id``, ``pain_during`` (0-10) for the person's sessions."""
    return store.pain_during_frame(person_id)


def _declined(store: Any, person_id: int) -> dict[tuple[str, str], str]:
    """``(plan uid, exercise id) -> data mark`` of the suggestions the person declined."""
    return store.declined_suggestions(person_id)


def _decline(store: Any, person_id: int, plan_uid: str, suggestion: Suggestion) -> None:
    store.decline_suggestion(person_id, plan_uid, suggestion.exercise_id, suggestion.data_mark)


def _zone(store: Any, person_id: int) -> dt.tzinfo:
    """The person's time zone."""
    return store.zone(person_id)


# -- the advisor --------------------------------------------------------------------------
class Advisor:
    """The rule applied to one store; no widgets."""

    def __init__(
        self,
        store: Any,
        catalog: Catalog,
        *,
        rule: ProgressionRule = RULE,
        today: dt.date | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.rule = rule
        self._today = today
        # what each session asked for, read once: a session's routine never changes
        self._asked: dict[int, dict[str, Any]] = {}

    def today(self, person_id: int) -> dt.date:
        """Today in the person's zone (or the day given when the advisor was made)."""
        if self._today is not None:
            return self._today
        return dt.datetime.now(_zone(self.store, person_id)).date()

    def records(self, person_id: int) -> pd.DataFrame:
        """The rule's input for one person: a row per session and exercise."""
        store = self.store
        sessions = store.sessions_frame(person_id)
        steps = store.steps_frame(person_id)
        checkins = store.checkins_frame(person_id)
        for session_id in map(int, sessions["session_id"]):
            if session_id in self._asked:
                continue
            try:
                routine = store.session_routine(session_id, self.catalog)
            except ValueError:  # a session of an exercise this catalog no longer has
                self._asked[session_id] = {}
                continue
            self._asked[session_id] = {i.exercise_id: i.prescription for i in routine.items}
        prescriptions = {int(sid): self._asked[int(sid)] for sid in sessions["session_id"]}
        return exercise_records(
            steps,
            sessions,
            checkins,
            prescriptions,
            _pain_during(store, person_id),
            _zone(store, person_id),
        )

    def advice(self, person_id: int) -> list[PlanAdvice]:
        """A :class:`PlanAdvice` for each plan the person follows."""
        grouped = records_from_frame(self.records(person_id))
        declined = _declined(self.store, person_id)
        out = []
        for plan_uid, name, routine in _plans_in_force(self.store, person_id, self.catalog):
            suggestions = []
            for item in routine.items:
                if item.exercise_id not in self.catalog:
                    continue
                suggestions.append(
                    suggest(
                        item.exercise_id,
                        item.prescription,
                        grouped.get(item.exercise_id, ()),
                        ladder_for(self.catalog[item.exercise_id]),
                        self.rule,
                    )
                )
            gone = frozenset(
                s.exercise_id
                for s in suggestions
                if declined.get((plan_uid, s.exercise_id)) == s.data_mark
            )
            out.append(PlanAdvice(plan_uid, name, routine, tuple(suggestions), gone))
        return out

    def waiting(self, person_id: int) -> list[tuple[str, Suggestion]]:
        """``(plan name, suggestion)`` for every suggestion waiting for a decision."""
        return [(a.plan_name, s) for a in self.advice(person_id) for s in a.waiting()]

    def _current(
        self, person_id: int, plan_uid: str, exercise_id: str
    ) -> tuple[Routine, Suggestion]:
        for advice in self.advice(person_id):
            if advice.plan_uid != plan_uid:
                continue
            for s in advice.suggestions:
                if s.exercise_id == exercise_id:
                    return advice.routine, s
        raise SuggestionGone("That plan has no suggestion for this exercise any more; look again.")

    def accept(self, person_id: int, plan_uid: str, shown: Suggestion) -> Routine:
        """Save the plan's new version from today with ``shown`` applied; returns it.

        ``shown`` must still be the rule's answer (same data and same proposal), otherwise
        :class:`SuggestionGone` is raised and nothing is saved."""
        routine, now = self._current(person_id, plan_uid, shown.exercise_id)
        if now.data_mark != shown.data_mark or now.proposed != shown.proposed:
            raise SuggestionGone(
                "New data have arrived since this suggestion was shown; here is the new one."
            )
        if not now.action.changes_plan:
            raise SuggestionGone(
                "This suggestion keeps the plan as it is; there is nothing to save."
            )
        if now.action is Action.LEAVE_OUT:
            items = tuple(i for i in routine.items if i.exercise_id != now.exercise_id)
            if not items:
                raise ValueError(
                    f"“{routine.name}” has no other exercise: to pause it, retire the plan in "
                    "the planner instead."
                )
            new = replace(routine, items=items)
        else:
            assert now.proposed is not None
            changes = {
                k: v for k, v in now.proposed.to_dict().items() if getattr(now.current, k) != v
            }
            new = routine.with_prescription(now.exercise_id, **changes)
        _save_version(self.store, person_id, plan_uid, new, self.today(person_id))
        return new

    def decline(self, person_id: int, plan_uid: str, shown: Suggestion) -> None:
        """Do not offer ``shown`` again until new data arrive."""
        _routine, now = self._current(person_id, plan_uid, shown.exercise_id)
        if now.data_mark != shown.data_mark:
            raise SuggestionGone(
                "New data have arrived since this suggestion was shown; here is the new one."
            )
        _decline(self.store, person_id, plan_uid, now)
