"""People in the store: whose log it is (add, rename, archive, the default person) and each
person's time zone (an IANA name: their days, weeks and times are counted in it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..zones import ZoneError, check_zone, zone_of
from .connection import StoreBase
from .errors import InputError
from .fields import _int_id, _name, _new_uid
from .times import _iso, _now

ZONE_SOURCES = ("browser", "person", "offset")
_COLUMNS = "id, uid, name, archived, created_at, zone, zone_source"

__all__ = ["People", "Person"]


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    uid: str
    name: str
    archived: bool
    created_at: dt.datetime
    zone: str | None = None  # IANA name; None until the browser or the person gives one
    zone_source: str | None = None  # "browser", "person", or "offset" (a guess)

    @property
    def tz(self) -> dt.tzinfo:
        """The person's zone (the kernel's while none is known)."""
        return zone_of(self.zone)


class People(StoreBase):
    """The people a store holds."""

    @staticmethod
    def _person(row: Sequence[Any]) -> Person:
        return Person(
            id=row[0],
            uid=row[1],
            name=row[2],
            archived=bool(row[3]),
            created_at=dt.datetime.fromisoformat(row[4]),
            zone=row[5],
            zone_source=row[6],
        )

    def add_person(self, name: str, zone: str | None = None) -> Person:
        name = _name(name, "name")
        zone = None if zone is None else _zone_name(zone)
        uid, created = _new_uid(), _iso(_now())
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO people (uid, name, archived, created_at, zone, zone_source) "
                "VALUES (?, ?, 0, ?, ?, ?)",
                (uid, name, created, zone, None if zone is None else "person"),
            )
        return self.person(int(cur.lastrowid or 0))

    def person(self, person_id: int) -> Person:
        row = self._one(
            f"SELECT {_COLUMNS} FROM people WHERE id = ?",
            (_int_id(person_id, "person"),),
        )
        if row is None:
            raise InputError(f"there is no person with id {person_id!r}")
        return self._person(row)

    def people(self, include_archived: bool = False) -> list[Person]:
        sql = f"SELECT {_COLUMNS} FROM people"
        if not include_archived:
            sql += " WHERE archived = 0"
        return [self._person(r) for r in self._conn.execute(sql + " ORDER BY id")]

    def rename_person(self, person_id: int, name: str) -> Person:
        name = _name(name, "name")
        self.person(person_id)
        with self._write() as conn:
            conn.execute("UPDATE people SET name = ? WHERE id = ?", (name, person_id))
        return self.person(person_id)

    def archive_person(self, person_id: int, archived: bool = True) -> Person:
        self.person(person_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE people SET archived = ? WHERE id = ?", (int(bool(archived)), person_id)
            )
        return self.person(person_id)

    def default_person(self) -> Person:
        """The first active person; "Me" is created when there is nobody yet."""
        active = self.people()
        if active:
            return active[0]
        return self.add_person("Me")

    def has_data(self, person_id: int) -> bool:
        """Whether a person has any check-in, session or saved routine."""
        pid = _int_id(person_id, "person")
        row = self._one(
            "SELECT EXISTS (SELECT 1 FROM checkins WHERE person_id = ?) "
            "OR EXISTS (SELECT 1 FROM sessions WHERE person_id = ?) "
            "OR EXISTS (SELECT 1 FROM plans WHERE person_id = ?)",
            (pid, pid, pid),
        )
        return bool(row and row[0])

    # -- time zones ----------------------------------------------------------------------
    def set_zone(self, person_id: int, zone: str, source: str = "person") -> Person:
        """Set a person's time zone (an IANA name such as ``America/New_York``)."""
        if source not in ZONE_SOURCES:
            raise InputError(f"a zone comes from {', '.join(ZONE_SOURCES)}, not {source!r}")
        name = _zone_name(zone)
        pid = self._require_person(person_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE people SET zone = ?, zone_source = ? WHERE id = ?", (name, source, pid)
            )
        return self.person(pid)

    def zone_from_browser(self, person_id: int, zone: str) -> bool:
        """Take the zone the person's browser reports, unless the person has one already
        (from their browser or chosen by them; a zone guessed from an old check-in's offset
        gives way). Returns whether the zone was set."""
        person = self.person(person_id)
        if person.zone is not None and person.zone_source != "offset":
            return False
        if person.zone == zone and person.zone_source == "browser":
            return False
        self.set_zone(person.id, zone, "browser")
        return True

    def zone(self, person_id: int | None) -> dt.tzinfo:
        """The person's zone: every day, week and time of theirs is counted in it. The
        kernel's while the person has none (or for ``None``)."""
        if person_id is None:
            return zone_of(None)
        row = self._one("SELECT zone FROM people WHERE id = ?", (_int_id(person_id, "person"),))
        return zone_of(row[0] if row else None)

    def _require_person(self, person_id: object) -> int:
        pid = _int_id(person_id, "person")
        if self._one("SELECT 1 FROM people WHERE id = ?", (pid,)) is None:
            raise InputError(f"unknown person (id {person_id!r}); choose someone from the list")
        return pid


def _zone_name(zone: object) -> str:
    try:
        return check_zone(zone)
    except ZoneError as exc:
        raise InputError(str(exc)) from None
