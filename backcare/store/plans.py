"""Routines saved for a person: the plans that drive planned sessions."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..routine import Routine, RoutineError
from .errors import InputError
from .fields import _int_id, _new_uid
from .people import People
from .times import _iso, _now

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["Plans", "SavedRoutine"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SavedRoutine:
    id: int
    name: str
    routine: Routine
    saved_at: dt.datetime


class Plans(People):
    """A person's saved routines."""

    def save_routine(self, person_id: int, routine: Routine) -> int:
        """Save ``routine`` for a person; a routine of the same name is replaced."""
        pid = self._require_person(person_id)
        if not isinstance(routine, Routine):
            raise InputError("only a Routine can be saved")
        text = json.dumps(routine.to_dict(), sort_keys=True)
        saved = _iso(_now())
        with self._write() as conn:
            row = conn.execute(
                "SELECT id FROM routines WHERE person_id = ? AND name = ?", (pid, routine.name)
            ).fetchone()
            if row is not None:
                conn.execute(
                    "UPDATE routines SET routine_json = ?, saved_at = ? WHERE id = ?",
                    (text, saved, row[0]),
                )
                return int(row[0])
            cur = conn.execute(
                "INSERT INTO routines (uid, person_id, name, routine_json, saved_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (_new_uid(), pid, routine.name, text, saved),
            )
            return int(cur.lastrowid or 0)

    def routines(self, person_id: int, catalog: Catalog) -> list[SavedRoutine]:
        """A person's saved routines, newest first; ones the catalog cannot read are left out
        (and logged)."""
        pid = self._require_person(person_id)
        saved = []
        rows = self._conn.execute(
            "SELECT id, name, routine_json, saved_at FROM routines WHERE person_id = ? "
            "ORDER BY saved_at DESC, id DESC",
            (pid,),
        )
        for rid, name, text, saved_at in rows:
            try:
                routine = Routine.from_dict(json.loads(text), catalog)
            except (RoutineError, ValueError) as exc:
                log.warning("saved routine %r cannot be read: %s", name, exc)
                continue
            saved.append(SavedRoutine(rid, name, routine, dt.datetime.fromisoformat(saved_at)))
        return saved

    def delete_routine(self, routine_id: int) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM routines WHERE id = ?", (_int_id(routine_id, "routine"),))
