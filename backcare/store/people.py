"""People in the store: whose log it is (add, rename, archive, the default person)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .connection import StoreBase
from .errors import InputError
from .fields import _int_id, _name, _new_uid
from .times import _iso, _now

__all__ = ["People", "Person"]


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    uid: str
    name: str
    archived: bool
    created_at: dt.datetime


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
        )

    def add_person(self, name: str) -> Person:
        name = _name(name, "name")
        uid, created = _new_uid(), _iso(_now())
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO people (uid, name, archived, created_at) VALUES (?, ?, 0, ?)",
                (uid, name, created),
            )
        return self.person(int(cur.lastrowid or 0))

    def person(self, person_id: int) -> Person:
        row = self._one(
            "SELECT id, uid, name, archived, created_at FROM people WHERE id = ?",
            (_int_id(person_id, "person"),),
        )
        if row is None:
            raise InputError(f"there is no person with id {person_id!r}")
        return self._person(row)

    def people(self, include_archived: bool = False) -> list[Person]:
        sql = "SELECT id, uid, name, archived, created_at FROM people"
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
            "OR EXISTS (SELECT 1 FROM routines WHERE person_id = ?)",
            (pid, pid, pid),
        )
        return bool(row and row[0])

    def _require_person(self, person_id: object) -> int:
        pid = _int_id(person_id, "person")
        if self._one("SELECT 1 FROM people WHERE id = ?", (pid,)) is None:
            raise InputError(f"unknown person (id {person_id!r}); choose someone from the list")
        return pid
