"""Check-ins: how much discomfort (0-10, PEG optional) a person felt, and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import InputError
from .fields import PEG_ITEMS, _context, _int_id, _morning, _new_uid, _note, _peg, _score
from .sessions import Sessions
from .times import _iso, _when

__all__ = ["Checkins"]


class Checkins(Sessions):
    """Adding, changing, deleting and restoring check-ins."""

    def _checkin_values(
        self,
        person_id: object,
        discomfort: object,
        at: object,
        peg: object,
        note: object,
        context: object,
        session_id: object,
        morning: object = None,
    ) -> dict[str, object]:
        values: dict[str, object] = {"person_id": self._require_person(person_id)}
        zone = self.zone(values["person_id"])  # type: ignore[arg-type]
        values.update(_checkin_fields(discomfort, at, peg, note, context, zone, morning))
        values["session_id"] = None if session_id is None else self._require_session(session_id)
        return values

    def check_checkin(
        self,
        discomfort: object,
        at: object = None,
        peg: object = None,
        note: object = "",
        context: object = "daily",
        person_id: int | None = None,
        morning: object = None,
    ) -> None:
        """Raise :class:`InputError` when :meth:`add_checkin` would refuse these values
        (the person aside); writes nothing."""
        zone = None if person_id is None else self.zone(self._require_person(person_id))
        _checkin_fields(discomfort, at, peg, note, context, zone, morning)

    def add_checkin(
        self,
        person_id: int,
        discomfort: int,
        at: dt.datetime | None = None,
        peg: Sequence[int] | None = None,
        note: str = "",
        context: str = "daily",
        session_id: int | None = None,
        morning: str | None = None,
    ) -> int:
        """Log how much discomfort (0-10) a person feels now (or at ``at``); ``morning`` is the
        next-morning answer (better, same or worse than usual) when it was asked."""
        values = self._checkin_values(
            person_id, discomfort, at, peg, note, context, session_id, morning
        )
        values["uid"] = _new_uid()
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self._write() as conn:
            cur = conn.execute(
                f"INSERT INTO checkins ({columns}) VALUES ({marks})", tuple(values.values())
            )
        return int(cur.lastrowid or 0)

    def checkin(self, checkin_id: int) -> dict[str, Any]:
        """One check-in as a plain dict (the form :meth:`restore_checkin` takes back)."""
        row = self._conn.execute(
            "SELECT id, uid, person_id, at, discomfort, peg_pain, peg_enjoyment, peg_activity, "
            "note, context, session_id, morning FROM checkins WHERE id = ?",
            (_int_id(checkin_id, "check-in"),),
        ).fetchone()
        if row is None:
            raise InputError(f"there is no check-in with id {checkin_id!r} (deleted already?)")
        keys = (
            "id",
            "uid",
            "person_id",
            "at",
            "discomfort",
            *PEG_ITEMS,
            "note",
            "context",
            "session_id",
            "morning",
        )
        record = dict(zip(keys, row, strict=True))
        record["at"] = dt.datetime.fromisoformat(record["at"])
        return record

    def update_checkin(self, checkin_id: int, **fields: Any) -> dict[str, Any]:
        """Change some fields of a check-in; returns the check-in as it was (for undo).

        Fields: ``discomfort``, ``at``, ``peg`` (or ``peg_pain``/``peg_enjoyment``/
        ``peg_activity``), ``note``, ``context``, ``session_id``, ``person_id``, ``morning``."""
        before = self.checkin(checkin_id)
        allowed = {"discomfort", "at", "peg", "note", "context", "session_id", "person_id"}
        allowed.add("morning")
        allowed |= set(PEG_ITEMS)
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"a check-in has no field {', '.join(sorted(unknown))}")
        peg: object = (before["peg_pain"], before["peg_enjoyment"], before["peg_activity"])
        if peg == (None, None, None):
            peg = None
        if "peg" in fields:
            peg = fields["peg"]
        elif set(PEG_ITEMS) & set(fields):
            merged = {k: fields.get(k, before[k]) for k in PEG_ITEMS}
            peg = None if all(v is None for v in merged.values()) else tuple(merged.values())
        values = self._checkin_values(
            fields.get("person_id", before["person_id"]),
            fields.get("discomfort", before["discomfort"]),
            fields.get("at", before["at"]),
            peg,
            fields.get("note", before["note"]),
            fields.get("context", before["context"]),
            fields.get("session_id", before["session_id"]),
            fields.get("morning", before["morning"]),
        )
        assignments = ", ".join(f"{k} = ?" for k in values)
        with self._write() as conn:
            conn.execute(
                f"UPDATE checkins SET {assignments} WHERE id = ?",
                (*values.values(), before["id"]),
            )
        return before

    def delete_checkin(self, checkin_id: int) -> dict[str, Any]:
        """Delete a check-in; returns it as a dict that :meth:`restore_checkin` puts back."""
        before = self.checkin(checkin_id)
        with self._write() as conn:
            conn.execute("DELETE FROM checkins WHERE id = ?", (before["id"],))
        return before

    def restore_checkin(self, row: Mapping[str, Any]) -> int:
        """Put back a check-in as it was (undo of a delete or of an edit); returns its id."""
        try:
            uid = str(row["uid"])
            peg = tuple(row.get(k) for k in PEG_ITEMS)
            values = self._checkin_values(
                row["person_id"],
                row["discomfort"],
                row["at"],
                None if all(v is None for v in peg) else peg,
                row.get("note", ""),
                row.get("context", "daily"),
                row.get("session_id"),
                row.get("morning"),
            )
        except KeyError as exc:
            raise InputError(f"cannot restore the check-in: {exc.args[0]} is missing") from None
        with self._write() as conn:
            existing = conn.execute("SELECT id FROM checkins WHERE uid = ?", (uid,)).fetchone()
            if existing is not None:
                assignments = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE checkins SET {assignments} WHERE id = ?",
                    (*values.values(), existing[0]),
                )
                return int(existing[0])
            wanted = row.get("id")
            free = (
                wanted is not None
                and conn.execute("SELECT 1 FROM checkins WHERE id = ?", (wanted,)).fetchone()
                is None
            )
            values = {"id": wanted if free else None, "uid": uid, **values}
            columns = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cur = conn.execute(
                f"INSERT INTO checkins ({columns}) VALUES ({marks})", tuple(values.values())
            )
            return int(cur.lastrowid or 0)


def _checkin_fields(
    discomfort: object,
    at: object,
    peg: object,
    note: object,
    context: object,
    zone: dt.tzinfo | None = None,
    morning: object = None,
) -> dict[str, object]:
    """A check-in's own values, checked (the person and session are checked by the store).
    A time without an offset is a wall-clock time in ``zone`` (the person's); the offset it
    is written with is kept."""
    values: dict[str, object] = {
        "discomfort": _score(discomfort, "discomfort"),
        "at": _iso(_when(at, "check-in time", zone=zone)),
        "note": _note(note),
        "context": _context(context),
        "morning": _morning(morning),
    }
    values.update(zip(PEG_ITEMS, _peg(peg), strict=True))
    return values
