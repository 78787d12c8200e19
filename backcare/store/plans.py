"""Plans with a history: the routines a person follows, one event a change, never rewritten.

Saving a routine adds a *version* to a plan (a new plan when it is added alongside the
others); retiring and resuming add events too; nothing planned earlier is changed. The
events are read back as a :class:`~backcare.plan_history.PlanHistory`, which says which
versions were in force on which day (the person's own days). Undo removes the latest event.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plan_history import PlanEvent, PlanEventKind, PlanHistory, suggest_replacement
from ..routine import Routine, RoutineError, Schedule
from .errors import InputError
from .fields import _int_id, _new_uid
from .people import People
from .times import _iso

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["Plans", "SavedRoutine"]

log = logging.getLogger(__name__)

_EVENT_SQL = (
    "SELECT e.id, e.uid, p.uid, e.kind, e.routine_json, e.on_day, e.at FROM plan_events e "
    "JOIN plans p ON p.id = e.plan_id WHERE p.person_id = ? ORDER BY e.on_day, e.id"
)


@dataclass(frozen=True, slots=True)
class SavedRoutine:
    """A routine a person follows now: its latest version (``saved_at``: when it was saved)
    and the plan it belongs to (``started_on``: the day of the plan's first save)."""

    id: int
    name: str
    routine: Routine
    saved_at: dt.datetime
    plan_uid: str = ""
    started_on: dt.date | None = None


class Plans(People):
    """The plans each person follows, with their history."""

    # -- writing ---------------------------------------------------------------------------
    def save_plan(
        self,
        person_id: int,
        routine: Routine,
        *,
        plan_uid: str | None = None,
        on: dt.date | None = None,
    ) -> str:
        """Save ``routine`` as a new version of the plan ``plan_uid`` (it replaces that plan's
        routine from ``on``, today by default), or as a new plan followed alongside the
        others when ``plan_uid`` is ``None``. Returns the plan's uid."""
        pid = self._require_person(person_id)
        if not isinstance(routine, Routine):
            raise InputError("only a Routine can be saved")
        text = json.dumps(routine.to_dict(), sort_keys=True)
        day = self._plan_day(pid, on)
        with self._write() as conn:
            if plan_uid is None:
                plan_uid = _new_uid()
                cur = conn.execute(
                    "INSERT INTO plans (uid, person_id) VALUES (?, ?)", (plan_uid, pid)
                )
                plan_id = int(cur.lastrowid or 0)
            else:
                plan_id = self._plan_id(pid, plan_uid)
            self._add_event(conn, plan_id, PlanEventKind.SAVE, text, day, pid)
        return plan_uid

    def retire_plan(self, person_id: int, plan_uid: str, on: dt.date | None = None) -> None:
        """Stop following a plan from ``on`` (today by default): it plans nothing from then."""
        self._plan_event(person_id, plan_uid, PlanEventKind.RETIRE, on)

    def resume_plan(self, person_id: int, plan_uid: str, on: dt.date | None = None) -> None:
        """Follow a retired plan again (its latest version) from ``on`` (today by default)."""
        self._plan_event(person_id, plan_uid, PlanEventKind.RESUME, on)

    def undo_plan_change(self, person_id: int) -> str | None:
        """Take back the person's latest plan change (save, retire or resume); a plan left
        without events goes too. Returns the kind of change undone, or ``None``."""
        pid = self._require_person(person_id)
        with self._write() as conn:
            row = conn.execute(
                "SELECT e.id, e.kind, e.plan_id FROM plan_events e JOIN plans p "
                "ON p.id = e.plan_id WHERE p.person_id = ? ORDER BY e.id DESC LIMIT 1",
                (pid,),
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM plan_events WHERE id = ?", (row[0],))
            conn.execute(
                "DELETE FROM plans WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM plan_events WHERE plan_id = ?)",
                (row[2], row[2]),
            )
        return str(row[1])

    def save_routine(self, person_id: int, routine: Routine, *, on: dt.date | None = None) -> int:
        """Save ``routine`` for a person the way the app does by default: it replaces the
        plan followed now under the same name, else the one on the same kind of schedule,
        else it is followed alongside. Returns the plan's id."""
        pid = self._require_person(person_id)
        history = self._events_history(pid, None)
        target = suggest_replacement(routine, history.following())
        plan_uid = self.save_plan(pid, routine, plan_uid=target, on=on)
        return self._plan_id(pid, plan_uid)

    def delete_routine(self, routine_id: int) -> None:
        """Retire the plan with this id from today (its history is kept)."""
        row = self._one(
            "SELECT person_id, uid FROM plans WHERE id = ?", (_int_id(routine_id, "routine"),)
        )
        if row is not None:
            self.retire_plan(row[0], row[1])

    # -- reading ---------------------------------------------------------------------------
    def plan_history(self, person_id: int, catalog: Catalog) -> PlanHistory:
        """Every plan change of a person, as a :class:`PlanHistory` (versions the catalog
        cannot read are left out, and logged)."""
        return self._events_history(self._require_person(person_id), catalog)

    def routines(self, person_id: int, catalog: Catalog) -> list[SavedRoutine]:
        """The routines a person follows now (the latest version of each plan not retired),
        the most recently changed first."""
        pid = self._require_person(person_id)
        history = self._events_history(pid, catalog)
        ids = dict(self._conn.execute("SELECT uid, id FROM plans WHERE person_id = ?", (pid,)))
        saved = []
        for plan in history.following():
            last_save = max(
                (e for e in history.events if e.plan_uid == plan.plan_uid and e.routine),
                key=lambda e: e.order,
            )
            saved.append(
                SavedRoutine(
                    ids[plan.plan_uid],
                    plan.name,
                    plan.routine,
                    last_save.at,
                    plan.plan_uid,
                    plan.started_on,
                )
            )
        return saved

    # -- helpers ---------------------------------------------------------------------------
    def _events_history(self, pid: int, catalog: Catalog | None) -> PlanHistory:
        events = []
        for row_id, uid, plan_uid, kind, text, on_day, at in self._conn.execute(_EVENT_SQL, (pid,)):
            routine = None
            if text is not None:
                try:
                    data = json.loads(text)
                    routine = (
                        Routine.from_dict(data, catalog)
                        if catalog is not None
                        else _routine_outline(data)
                    )
                except (RoutineError, ValueError) as exc:
                    log.warning("a saved routine cannot be read: %s", exc)
                    continue
            events.append(
                PlanEvent(
                    plan_uid,
                    PlanEventKind(kind),
                    dt.date.fromisoformat(on_day),
                    dt.datetime.fromisoformat(at),
                    routine,
                    uid,
                    row_id,
                )
            )
        return PlanHistory(events)

    def _plan_id(self, pid: int, plan_uid: object) -> int:
        row = self._one("SELECT id FROM plans WHERE uid = ? AND person_id = ?", (plan_uid, pid))
        if row is None:
            raise InputError("that plan is not one of this person's; choose it from the list")
        return int(row[0])

    def _plan_day(self, pid: int, on: object) -> str:
        if on is None:
            return dt.datetime.now(self.zone(pid)).date().isoformat()
        if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
            raise InputError("the plan's day must be a date")
        return on.isoformat()

    def _plan_event(
        self, person_id: int, plan_uid: str, kind: PlanEventKind, on: dt.date | None
    ) -> None:
        pid = self._require_person(person_id)
        plan_id = self._plan_id(pid, plan_uid)
        day = self._plan_day(pid, on)
        with self._write() as conn:
            self._add_event(conn, plan_id, kind, None, day, pid)

    def _add_event(
        self,
        conn: sqlite3.Connection,
        plan_id: int,
        kind: PlanEventKind,
        text: str | None,
        day: str,
        pid: int,
    ) -> None:
        conn.execute(
            "INSERT INTO plan_events (uid, plan_id, kind, routine_json, on_day, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_new_uid(), plan_id, kind.value, text, day, _iso(dt.datetime.now(self.zone(pid)))),
        )


def _routine_outline(data: object) -> Routine:
    """A routine read without a catalog: name and schedule are what choosing a plan to
    replace needs (its exercises are checked when it is read with the catalog)."""
    if not isinstance(data, dict):
        raise RoutineError("not a routine")
    return Routine(str(data.get("name", "")), (), Schedule.from_dict(data.get("schedule", {})))
