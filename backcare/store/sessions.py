"""Sessions in the store: the steps a timeline plans, each marked done or skipped when it
happens, the end of the session and which exercises hurt."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from ..routine import Routine
from .errors import InputError
from .fields import _int_id, _new_uid, _seconds
from .people import People
from .times import _iso, _when

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["Sessions"]


class Sessions(People):
    """Sessions: prescribed steps beside performed ones."""

    def start_session(
        self,
        person_id: int,
        routine: Routine,
        catalog: Catalog,
        started_at: dt.datetime | None = None,
    ) -> int:
        """Record the start of a session and every step the timeline plans, as "planned"."""
        pid = self._require_person(person_id)
        start = _when(started_at, "start time", zone=self.zone(pid))
        steps = routine.steps(catalog)
        rows = []
        for step in steps:
            group = catalog[step.exercise_id].group if step.exercise_id in catalog else None
            rows.append(
                (
                    _new_uid(),
                    step.index,
                    step.kind.value,
                    step.exercise_id,
                    group,
                    step.side,
                    step.set_number,
                    float(step.seconds),
                )
            )
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (uid, person_id, routine_name, routine_json, started_at, "
                "status) VALUES (?, ?, ?, ?, ?, 'started')",
                (_new_uid(), pid, routine.name, json.dumps(routine.to_dict()), _iso(start)),
            )
            session_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO steps (uid, session_id, step_index, kind, exercise_id, group_id, "
                "side, set_number, planned_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(r[0], session_id, *r[1:]) for r in rows],
            )
        return session_id

    def _session_zone(self, session_id: object) -> dt.tzinfo:
        """The zone of the person whose session it is (the kernel's if unknown)."""
        row = self._one(
            "SELECT person_id FROM sessions WHERE id = ?", (_int_id(session_id, "session"),)
        )
        return self.zone(row[0] if row else None)

    def _require_session(self, session_id: object) -> int:
        sid = _int_id(session_id, "session")
        if self._one("SELECT 1 FROM sessions WHERE id = ?", (sid,)) is None:
            raise InputError(f"there is no session with id {session_id!r}")
        return sid

    def record_step(
        self,
        session_id: int,
        step_index: int,
        status: str = "done",
        performed_seconds: float = 0.0,
        at: dt.datetime | None = None,
    ) -> None:
        """Mark one planned step done or skipped, when it happens."""
        if status not in ("done", "skipped"):
            raise InputError(f"a step is 'done' or 'skipped', not {status!r}")
        seconds = _seconds(performed_seconds)
        when = _iso(_when(at, "step time", zone=self._session_zone(session_id)))
        sid = _int_id(session_id, "session")
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE steps SET status = ?, performed_seconds = ?, completed_at = ? "
                "WHERE session_id = ? AND step_index = ?",
                (status, seconds, when, sid, int(step_index)),
            )
            if cur.rowcount == 0:
                raise InputError(f"session {session_id!r} has no step {step_index!r}")

    def finish_session(
        self, session_id: int, status: str = "completed", at: dt.datetime | None = None
    ) -> None:
        if status not in ("completed", "stopped"):
            raise InputError(f"a session ends 'completed' or 'stopped', not {status!r}")
        when = _iso(_when(at, "end time", zone=self._session_zone(session_id)))
        sid = self._require_session(session_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?", (status, when, sid)
            )

    def record_hurt(
        self, session_id: int, exercise_id: str, hurt: bool, at: dt.datetime | None = None
    ) -> None:
        """Note whether an exercise hurt during a session (the latest answer counts)."""
        sid = self._require_session(session_id)
        if not isinstance(exercise_id, str) or not exercise_id:
            raise InputError("which exercise hurt? (an exercise id is needed)")
        when = _iso(_when(at, "time", zone=self._session_zone(session_id)))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO hurts (uid, session_id, exercise_id, hurt, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, exercise_id) DO UPDATE SET hurt = excluded.hurt, "
                "at = excluded.at",
                (_new_uid(), sid, exercise_id, int(bool(hurt)), when),
            )

    def session_routine(self, session_id: int, catalog: Catalog) -> Routine:
        """The routine as it was when the session started."""
        row = self._one(
            "SELECT routine_json FROM sessions WHERE id = ?", (_int_id(session_id, "session"),)
        )
        if row is None:
            raise InputError(f"there is no session with id {session_id!r}")
        return Routine.from_dict(json.loads(row[0]), catalog)
