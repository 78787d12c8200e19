"""The store: people, saved routines, sessions (prescribed beside performed) and check-ins.

One SQLite file in the user's data folder (:func:`backcare.paths.store_path`), opened with
the standard library's :mod:`sqlite3`:

* WAL journal, a busy timeout and short ``BEGIN IMMEDIATE`` transactions, one per event,
  written when the event happens (a check-in, a step done, a session finished);
* ``PRAGMA application_id`` marks the file as backcare's and ``PRAGMA user_version`` holds
  the schema version; :data:`MIGRATIONS` upgrade an older file step by step (a copy of the
  old file is kept beside it first);
* a file that is not a backcare database (garbage, another program's SQLite file, a newer
  schema, a damaged file) raises :class:`StoreOpenError` and is left exactly as it is;
* every row has a ``uid`` (uuid4 hex) so an export can be imported into another store, and
  imported again, without duplicates;
* times are timezone-aware ``datetime``s kept as ISO 8601 text with their UTC offset.

Invalid input raises :class:`InputError` (a ``ValueError``) whose message is meant for the
user. A :class:`Store` owns its connection; two stores in one process do not share state.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
import math
import numbers
import os
import re
import sqlite3
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from . import paths
from .routine import ROUTINE_FORMAT, Routine, RoutineError, validate_name
from .timeline import StepKind

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = [
    "APPLICATION_ID",
    "CONTEXTS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_IMPORT_BYTES",
    "MAX_NOTE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ImportReport",
    "InputError",
    "Person",
    "SavedRoutine",
    "Store",
    "StoreOpenError",
    "local_zone",
    "neutralise_cell",
]

log = logging.getLogger(__name__)

APPLICATION_ID = 0x42434B31  # "BCK1": marks an SQLite file as a backcare store
EXPORT_FORMAT = "backcare.export"
EXPORT_VERSION = 1
CSV_MANIFEST_FORMAT = "backcare.export.csv"
MAX_NOTE = 1000
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
FUTURE_TOLERANCE = dt.timedelta(days=1)
CONTEXTS = ("daily", "before", "after")
SESSION_STATUSES = ("started", "completed", "stopped")
STEP_STATUSES = ("planned", "done", "skipped")
SIDES = ("left", "right", "alternating")
PEG_ITEMS = ("peg_pain", "peg_enjoyment", "peg_activity")
_SQLITE_HEADER = b"SQLite format 3\x00"
_UID = re.compile(r"^[0-9a-f]{32}$")


class InputError(ValueError):
    """A value or a file was refused; the message says why, in words fit for the user."""


class StoreOpenError(RuntimeError):
    """The database file cannot be used as a backcare store; it was left untouched."""


# -- schema --------------------------------------------------------------------------------
_V1 = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE TABLE routines (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    routine_json TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    UNIQUE (person_id, name)
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    routine_name TEXT NOT NULL,
    routine_json TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'started'
);
CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    step_index INTEGER NOT NULL,
    kind TEXT NOT NULL,
    exercise_id TEXT,
    group_id TEXT,
    side TEXT,
    set_number INTEGER,
    planned_seconds REAL NOT NULL,
    performed_seconds REAL NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'planned',
    completed_at TEXT,
    UNIQUE (session_id, step_index)
);
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    at TEXT NOT NULL,
    discomfort INTEGER NOT NULL CHECK (discomfort BETWEEN 0 AND 10),
    note TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT 'daily'
);
"""

_V2 = """
ALTER TABLE checkins ADD COLUMN peg_pain INTEGER CHECK (peg_pain BETWEEN 0 AND 10);
ALTER TABLE checkins ADD COLUMN peg_enjoyment INTEGER CHECK (peg_enjoyment BETWEEN 0 AND 10);
ALTER TABLE checkins ADD COLUMN peg_activity INTEGER CHECK (peg_activity BETWEEN 0 AND 10);
ALTER TABLE checkins ADD COLUMN session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL;
CREATE TABLE hurts (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    hurt INTEGER NOT NULL CHECK (hurt IN (0, 1)),
    at TEXT NOT NULL,
    UNIQUE (session_id, exercise_id)
);
CREATE INDEX checkins_person_at ON checkins (person_id, at);
CREATE INDEX sessions_person_started ON sessions (person_id, started_at);
CREATE INDEX routines_person ON routines (person_id);
"""

# Pain during each exercise of a session (0-10, the pain-monitoring model) and each person's
# session settings (voice, beeps, volume...) as one small JSON record.
_V3 = """
CREATE TABLE pain_during (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    exercise_id TEXT NOT NULL,
    pain_during INTEGER NOT NULL CHECK (pain_during BETWEEN 0 AND 10),
    at TEXT NOT NULL,
    UNIQUE (session_id, exercise_id)
);
CREATE TABLE person_settings (
    person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    settings_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

#: Forward migrations: ``MIGRATIONS[n]`` takes a store from version ``n`` to ``n + 1``.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(MIGRATIONS)


# -- records -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Person:
    id: int
    uid: str
    name: str
    archived: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SavedRoutine:
    id: int
    name: str
    routine: Routine
    saved_at: dt.datetime


@dataclass
class ImportReport:
    """What an import did: rows added, updated and skipped per table, rows rejected and why,
    and routines whose name was already taken by a different routine (which copy was kept)."""

    filename: str = ""
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (which row, why)
    updated: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)  # the log's own copy was newer
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (which row, what was done)
    people_added: list[str] = field(default_factory=list)  # uids of people new to the log

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def summary(self) -> str:
        """One sentence: what was added, updated, skipped (already here), kept and rejected."""

        def counts(table: dict[str, int]) -> str:
            parts = [f"{n} {_plural(name, n)}" for name, n in table.items() if n]
            return ", ".join(parts) if parts else "nothing"

        source = f"From {self.filename}: " if self.filename else ""
        text = f"{source}added {counts(self.added)}"
        if self.total_updated:
            text += f"; updated {counts(self.updated)} with the file's newer copy"
        if self.total_skipped:
            text += f"; skipped {counts(self.skipped)} already in the log"
        if sum(self.kept.values()):
            text += f"; kept {counts(self.kept)} of the log's own, newer than the file's"
        if self.rejected:
            n = len(self.rejected)
            text += f"; rejected {n} {'row' if n == 1 else 'rows'}"
        if self.rejected or self.conflicts:
            text += " (details listed below)"
        return text + "."

    def details(self) -> list[str]:
        """One line per rejected row (which row and why), then one per routine conflict."""
        return [f"{where}: {why}" for where, why in (*self.rejected, *self.conflicts)]


_SINGULAR = {
    "people": ("person", "people"),
    "routines": ("routine", "routines"),
    "sessions": ("session", "sessions"),
    "steps": ("step", "steps"),
    "hurts": ("hurt flag", "hurt flags"),
    "checkins": ("check-in", "check-ins"),
}


def _plural(table: str, n: int) -> str:
    one, many = _SINGULAR.get(table, (table, table))
    return one if n == 1 else many


# -- time ------------------------------------------------------------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _aware(value: object, what: str) -> dt.datetime:
    """A timezone-aware datetime from a datetime (naive: local time) or ISO 8601 text."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"the {what} {value!r} is not a date and time") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if not isinstance(value, dt.datetime):
        raise InputError(f"the {what} must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.astimezone()  # naive: taken as local time
    return value


def _when(value: object, what: str, *, future_ok: bool = False) -> dt.datetime:
    at = _now() if value is None else _aware(value, what)
    if not future_ok and at > _now() + FUTURE_TOLERANCE:
        raise InputError(
            f"the {what} {at:%Y-%m-%d %H:%M} is more than a day in the future; "
            "please check the date"
        )
    return at


def _iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds")


def _parse_iso(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def local_zone() -> dt.tzinfo:
    """The machine's time zone (a named zone when it can be found, else today's offset)."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError, ValueError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    for name in names:
        if name:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError, OSError):
                return ZoneInfo(name)
    return _now().tzinfo or dt.UTC


def _times(values: Sequence[str | None]) -> pd.Series:
    """ISO texts with (possibly different) offsets as one tz-aware column in local time."""
    series = pd.to_datetime(pd.Series(list(values), dtype=object), utc=True, format="ISO8601")
    return series.dt.tz_convert(local_zone())


# -- validation ----------------------------------------------------------------------------
def _score(value: object, what: str) -> int:
    """A whole number from 0 to 10."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{what} must be a whole number from 0 to 10, not {value!r}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise InputError(f"{what} must be a whole number from 0 to 10, not {value!r}")
        number = int(as_float)
    if not 0 <= number <= 10:
        raise InputError(f"{what} must be from 0 to 10, not {number}")
    return number


def _peg(value: object) -> tuple[int, int, int] | tuple[None, None, None]:
    if value is None:
        return (None, None, None)
    if isinstance(value, Mapping):
        value = tuple(value.get(k) for k in ("pain", "enjoyment", "activity"))
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
        raise InputError("the PEG answers must be three scores: pain, enjoyment, activity")
    labels = ("PEG pain", "PEG enjoyment of life", "PEG general activity")
    pain, enjoyment, activity = (_score(v, label) for v, label in zip(value, labels, strict=True))
    return (pain, enjoyment, activity)


def _note(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError("the note must be text")
    note = value.strip()
    if len(note) > MAX_NOTE:
        raise InputError(f"the note is {len(note):,} characters long; the limit is {MAX_NOTE:,}")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in note):
        raise InputError("the note contains control characters")
    return note


def _context(value: object) -> str:
    if value not in CONTEXTS:
        raise InputError(f"the context must be one of {', '.join(CONTEXTS)}, not {value!r}")
    return str(value)


def _name(value: object, what: str = "name") -> str:
    try:
        return validate_name(value, what)
    except RoutineError as exc:
        raise InputError(str(exc)) from None


def _new_uid() -> str:
    return uuid.uuid4().hex


def neutralise_cell(value: object) -> object:
    """Make a text cell safe for a spreadsheet: text a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading ``'``. Text already
    starting with ``'`` gets one more, so :func:`_unneutralise` restores the exact text.
    Numbers are left as they are."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r'":
        return "'" + value
    return value


def _unneutralise(value: str) -> str:
    return value[1:] if value.startswith("'") else value


# -- export/import layout ------------------------------------------------------------------
# Each table's exported fields, the text fields among them (neutralised in CSV) and the
# type of each for reading CSV back.
_EXPORT_FIELDS: dict[str, dict[str, str]] = {
    "people": {"uid": "text", "name": "text", "archived": "bool", "created_at": "text"},
    "routines": {
        "uid": "text",
        "person_uid": "text",
        "name": "text",
        "routine": "json",
        "saved_at": "text",
    },
    "sessions": {
        "uid": "text",
        "person_uid": "text",
        "routine_name": "text",
        "routine": "json",
        "started_at": "text",
        "ended_at": "text",
        "status": "text",
    },
    "steps": {
        "uid": "text",
        "session_uid": "text",
        "step_index": "int",
        "kind": "text",
        "exercise_id": "text",
        "group": "text",
        "side": "text",
        "set_number": "int",
        "planned_seconds": "float",
        "performed_seconds": "float",
        "status": "text",
        "completed_at": "text",
    },
    "hurts": {
        "uid": "text",
        "session_uid": "text",
        "exercise_id": "text",
        "hurt": "bool",
        "at": "text",
    },
    "checkins": {
        "uid": "text",
        "person_uid": "text",
        "at": "text",
        "discomfort": "int",
        "peg_pain": "int",
        "peg_enjoyment": "int",
        "peg_activity": "int",
        "note": "text",
        "context": "text",
        "session_uid": "text",
    },
}
_TABLES = tuple(_EXPORT_FIELDS)


# -- the store -------------------------------------------------------------------------------
class Store:
    """People, routines, sessions and check-ins in one SQLite file (or in memory)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.is_demo = False
        if path is None:
            path = paths.store_path()
        self.path: str = os.fspath(path)
        self.in_memory = self.path == ":memory:"
        if not self.in_memory:
            self._check_file(Path(self.path))
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreOpenError(f"cannot open the data file {self.path}: {exc}") from None
        try:
            self._inspect()
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not self.in_memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # -- opening -------------------------------------------------------------------------
    @staticmethod
    def _check_file(path: Path) -> None:
        if path.exists() and not path.is_file():
            raise StoreOpenError(f"{path} is not a file, so it cannot hold the backcare log")
        if path.is_file() and path.stat().st_size > 0:
            with path.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
            if header != _SQLITE_HEADER:
                raise StoreOpenError(
                    f"{path} is not a backcare data file (it is not an SQLite database). "
                    "It was left as it is; move or rename it to start a new log."
                )
        path.parent.mkdir(parents=True, exist_ok=True)

    def _inspect(self) -> None:
        """Refuse foreign, newer or damaged databases before anything is written."""
        try:
            app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            tables = self._conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if app_id == APPLICATION_ID:
                check = self._conn.execute("PRAGMA quick_check").fetchone()[0]
            else:
                check = "ok"
        except sqlite3.DatabaseError as exc:
            raise StoreOpenError(
                f"{self.path} cannot be read as a backcare data file ({exc}). "
                "It was left as it is; move or rename it to start a new log."
            ) from None
        if app_id != APPLICATION_ID and (app_id != 0 or tables or version):
            raise StoreOpenError(
                f"{self.path} is an SQLite database of another program, not a backcare log. "
                "It was left as it is; move or rename it to start a new log."
            )
        if version > SCHEMA_VERSION:
            raise StoreOpenError(
                f"{self.path} was written by a newer backcare (data version {version}; this "
                f"one reads up to {SCHEMA_VERSION}). Update backcare to open it; the file "
                "was left as it is."
            )
        if check != "ok":
            raise StoreOpenError(
                f"{self.path} is damaged ({check}). It was left as it is; restore it from "
                "an export or move it away to start a new log."
            )

    def _migrate(self) -> None:
        version = self.schema_version
        if version == SCHEMA_VERSION:
            return
        if version > 0 and not self.in_memory:
            backup = Path(f"{self.path}.v{version}.bak")
            if not backup.exists():
                with contextlib.closing(sqlite3.connect(backup)) as copy:
                    self._conn.backup(copy)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            script = MIGRATIONS[target - 1]
            try:
                self._conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreOpenError(
                    f"could not upgrade {self.path} to data version {target}: {exc}"
                ) from None

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @classmethod
    def demo(cls) -> Store:
        """A throw-away in-memory store holding the bundled demo data."""
        source = paths.demo_dir() / "demo_export.json"
        if not source.is_file():
            raise FileNotFoundError(
                f"the demo data file {source} is missing; it is made by backcare.demo "
                "(run `python -m backcare.demo` in the checkout)"
            )
        store = cls(":memory:")
        report = store.import_bytes(source.read_bytes(), source.name)
        if report.rejected:
            log.warning("demo data: %s", "; ".join(report.details()))
        store.is_demo = True
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken at once (``BEGIN IMMEDIATE``)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _one(self, sql: str, args: Sequence[object] = ()) -> tuple[Any, ...] | None:
        return self._conn.execute(sql, args).fetchone()

    def integrity_check(self) -> str:
        """SQLite's own full check of the file: ``"ok"`` when sound."""
        return str(self._one("PRAGMA integrity_check")[0])  # type: ignore[index]

    # -- people --------------------------------------------------------------------------
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

    # -- routines ------------------------------------------------------------------------
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

    # -- sessions ------------------------------------------------------------------------
    def start_session(
        self,
        person_id: int,
        routine: Routine,
        catalog: Catalog,
        started_at: dt.datetime | None = None,
    ) -> int:
        """Record the start of a session and every step the timeline plans, as "planned"."""
        pid = self._require_person(person_id)
        start = _when(started_at, "start time")
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
        when = _iso(_when(at, "step time"))
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
        when = _iso(_when(at, "end time"))
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
        when = _iso(_when(at, "time"))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO hurts (uid, session_id, exercise_id, hurt, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, exercise_id) DO UPDATE SET hurt = excluded.hurt, "
                "at = excluded.at",
                (_new_uid(), sid, exercise_id, int(bool(hurt)), when),
            )

    def record_pain_during(
        self, session_id: int, exercise_id: str, pain: int, at: dt.datetime | None = None
    ) -> None:
        """How much an exercise hurt while it was done (0-10); the latest answer counts."""
        sid = self._require_session(session_id)
        if not isinstance(exercise_id, str) or not exercise_id:
            raise InputError("which exercise was it? (an exercise id is needed)")
        score = _score(pain, "pain during the exercise")
        when = _iso(_when(at, "time"))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO pain_during (uid, session_id, exercise_id, pain_during, at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, exercise_id) DO UPDATE SET "
                "pain_during = excluded.pain_during, at = excluded.at",
                (_new_uid(), sid, exercise_id, score, when),
            )

    def pain_during_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """One row an exercise asked about: session_id, person_id, exercise_id,
        pain_during (0-10), at."""
        sql = (
            "SELECT pd.session_id, s.person_id, pd.exercise_id, pd.pain_during, pd.at "
            "FROM pain_during pd JOIN sessions s ON s.id = pd.session_id"
        )
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE s.person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql + " ORDER BY pd.at, pd.id", args).fetchall()
        columns = ["session_id", "person_id", "exercise_id", "pain_during", "at"]
        frame = pd.DataFrame(rows, columns=columns).astype(
            {"session_id": "int64", "person_id": "int64", "pain_during": "int64"}
        )
        frame["at"] = _times(frame["at"].tolist())
        return frame

    def cue_settings(self, person_id: int) -> dict[str, Any] | None:
        """The person's saved session settings (``None`` before any were saved)."""
        row = self._one(
            "SELECT settings_json FROM person_settings WHERE person_id = ?",
            (self._require_person(person_id),),
        )
        return json.loads(row[0]) if row else None

    def save_cue_settings(self, person_id: int, settings: Mapping[str, Any]) -> None:
        """Keep the person's session settings (a small record of plain values)."""
        pid = self._require_person(person_id)
        if not isinstance(settings, Mapping) or not all(
            isinstance(v, bool | int | float | str) for v in settings.values()
        ):
            raise InputError("settings are a few plain values (on/off, numbers)")
        text = json.dumps(dict(settings), sort_keys=True)
        if len(text) > 2000:
            raise InputError("settings are a few plain values, not a document")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO person_settings (person_id, settings_json, updated_at) "
                "VALUES (?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
                "settings_json = excluded.settings_json, updated_at = excluded.updated_at",
                (pid, text, _iso(_now())),
            )

    def session_routine(self, session_id: int, catalog: Catalog) -> Routine:
        """The routine as it was when the session started."""
        row = self._one(
            "SELECT routine_json FROM sessions WHERE id = ?", (_int_id(session_id, "session"),)
        )
        if row is None:
            raise InputError(f"there is no session with id {session_id!r}")
        return Routine.from_dict(json.loads(row[0]), catalog)

    def steps_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """Every planned step beside what was performed, one row a step."""
        sql = (
            "SELECT st.session_id, s.person_id, st.step_index, st.kind, st.exercise_id, "
            "st.group_id, st.side, st.set_number, st.planned_seconds, st.performed_seconds, "
            "st.status, st.completed_at, h.hurt FROM steps st "
            "JOIN sessions s ON s.id = st.session_id "
            "LEFT JOIN hurts h ON h.session_id = st.session_id AND h.exercise_id = st.exercise_id"
        )
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE s.person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql + " ORDER BY st.session_id, st.step_index", args).fetchall()
        columns = [
            "session_id",
            "person_id",
            "step_index",
            "kind",
            "exercise_id",
            "group",
            "side",
            "set_number",
            "planned_seconds",
            "performed_seconds",
            "status",
            "completed_at",
            "hurt",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        frame = frame.astype(
            {
                "session_id": "int64",
                "person_id": "int64",
                "step_index": "int64",
                "set_number": "Int64",
                "planned_seconds": "float64",
                "performed_seconds": "float64",
                "hurt": "boolean",
            }
        )
        frame["completed_at"] = _times(frame["completed_at"].tolist())
        frame["is_work"] = frame["kind"].isin([k.value for k in StepKind if k.is_work])
        return frame

    def sessions_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """One row a session: when, how it ended, and how much of the planned work was done.

        ``planned_steps``, ``done_steps`` and ``skipped_steps`` count work steps only (holds
        and sets of reps); ``completion`` is done / planned work steps (0-1)."""
        sql = "SELECT id, person_id, routine_name, started_at, ended_at, status FROM sessions"
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql + " ORDER BY started_at, id", args).fetchall()
        base = pd.DataFrame(
            rows,
            columns=["session_id", "person_id", "routine_name", "started_at", "ended_at", "status"],
        ).astype({"session_id": "int64", "person_id": "int64"})
        # Per-session sums over the work steps, done by SQLite in one pass (the steps table's
        # (session_id, step_index) index keeps each list in the order the steps were planned).
        work_kinds = ", ".join(f"'{k.value}'" for k in StepKind if k.is_work)
        where = " AND s.person_id = ?" if person_id is not None else ""
        stats = self._conn.execute(
            "SELECT st.session_id, count(*), sum(st.status = 'done'), "
            "sum(st.status = 'skipped'), sum(st.planned_seconds), sum(st.performed_seconds), "
            "coalesce(group_concat(DISTINCT st.group_id), ''), "
            "coalesce(group_concat(DISTINCT st.exercise_id), '') "
            "FROM steps st JOIN sessions s ON s.id = st.session_id "
            f"WHERE st.kind IN ({work_kinds}){where} GROUP BY st.session_id",
            args,
        ).fetchall()
        hurts = self._conn.execute(
            "SELECT h.session_id, group_concat(DISTINCT h.exercise_id) FROM hurts h "
            f"JOIN sessions s ON s.id = h.session_id WHERE h.hurt{where} GROUP BY h.session_id",
            args,
        ).fetchall()
        sums = pd.DataFrame(
            stats,
            columns=[
                "session_id",
                "planned_steps",
                "done_steps",
                "skipped_steps",
                "planned_seconds",
                "performed_seconds",
                "groups",
                "exercises",
            ],
        ).astype({"session_id": "int64"})
        hurt = pd.DataFrame(hurts, columns=["session_id", "hurt_exercises"]).astype(
            {"session_id": "int64"}
        )
        base = base.merge(sums, on="session_id", how="left").merge(
            hurt, on="session_id", how="left"
        )
        base = base.fillna(
            {
                "planned_steps": 0,
                "done_steps": 0,
                "skipped_steps": 0,
                "planned_seconds": 0.0,
                "performed_seconds": 0.0,
                "groups": "",
                "exercises": "",
                "hurt_exercises": "",
            }
        ).astype(
            {
                "planned_steps": "int64",
                "done_steps": "int64",
                "skipped_steps": "int64",
                "planned_seconds": "float64",
                "performed_seconds": "float64",
                "hurt_exercises": "str",
            }
        )
        planned = base["planned_steps"].where(base["planned_steps"] > 0)
        base["completion"] = (base["done_steps"] / planned).astype("float64")
        base["started_at"] = _times(base["started_at"].tolist())
        base["ended_at"] = _times(base["ended_at"].tolist())
        base = base.sort_values(["started_at", "session_id"], kind="stable")
        base = base.reset_index(drop=True)
        order = [
            "session_id",
            "person_id",
            "routine_name",
            "started_at",
            "ended_at",
            "status",
            "planned_steps",
            "done_steps",
            "skipped_steps",
            "completion",
            "groups",
            "exercises",
            "planned_seconds",
            "performed_seconds",
            "hurt_exercises",
        ]
        return base[order]

    # -- check-ins -----------------------------------------------------------------------
    def _checkin_values(
        self,
        person_id: object,
        discomfort: object,
        at: object,
        peg: object,
        note: object,
        context: object,
        session_id: object,
    ) -> dict[str, object]:
        values: dict[str, object] = {"person_id": self._require_person(person_id)}
        values.update(_checkin_fields(discomfort, at, peg, note, context))
        values["session_id"] = None if session_id is None else self._require_session(session_id)
        return values

    def check_checkin(
        self,
        discomfort: object,
        at: object = None,
        peg: object = None,
        note: object = "",
        context: object = "daily",
    ) -> None:
        """Raise :class:`InputError` when :meth:`add_checkin` would refuse these values
        (the person aside); writes nothing."""
        _checkin_fields(discomfort, at, peg, note, context)

    def add_checkin(
        self,
        person_id: int,
        discomfort: int,
        at: dt.datetime | None = None,
        peg: Sequence[int] | None = None,
        note: str = "",
        context: str = "daily",
        session_id: int | None = None,
    ) -> int:
        """Log how much discomfort (0-10) a person feels now (or at ``at``)."""
        values = self._checkin_values(person_id, discomfort, at, peg, note, context, session_id)
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
            "note, context, session_id FROM checkins WHERE id = ?",
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
        )
        record = dict(zip(keys, row, strict=True))
        record["at"] = dt.datetime.fromisoformat(record["at"])
        return record

    def update_checkin(self, checkin_id: int, **fields: Any) -> dict[str, Any]:
        """Change some fields of a check-in; returns the check-in as it was (for undo).

        Fields: ``discomfort``, ``at``, ``peg`` (or ``peg_pain``/``peg_enjoyment``/
        ``peg_activity``), ``note``, ``context``, ``session_id``, ``person_id``."""
        before = self.checkin(checkin_id)
        allowed = {"discomfort", "at", "peg", "note", "context", "session_id", "person_id"}
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

    def last_discomfort(self, person_id: int | None) -> int | None:
        """The score of a person's latest check-in (by its time), or ``None``."""
        if person_id is None:
            return None
        frame = self.checkins_frame(person_id)
        return None if frame.empty else int(frame["discomfort"].iloc[-1])

    def checkins_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """Check-ins in time order; ``peg`` is the mean of the three items (NaN if absent)."""
        sql = (
            "SELECT id, person_id, at, discomfort, peg_pain, peg_enjoyment, peg_activity, note, "
            "context, session_id FROM checkins"
        )
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql, args).fetchall()
        columns = [
            "checkin_id",
            "person_id",
            "at",
            "discomfort",
            *PEG_ITEMS,
            "note",
            "context",
            "session_id",
        ]
        frame = pd.DataFrame(rows, columns=columns).astype(
            {
                "checkin_id": "int64",
                "person_id": "int64",
                "discomfort": "int64",
                "peg_pain": "float64",
                "peg_enjoyment": "float64",
                "peg_activity": "float64",
                "session_id": "Int64",
            }
        )
        frame["at"] = _times(frame["at"].tolist())
        frame["peg"] = frame[list(PEG_ITEMS)].mean(axis=1, skipna=False)
        frame = frame.sort_values(["at", "checkin_id"], kind="stable").reset_index(drop=True)
        return frame[
            [
                "checkin_id",
                "person_id",
                "at",
                "discomfort",
                *PEG_ITEMS,
                "peg",
                "note",
                "context",
                "session_id",
            ]
        ]

    # -- export ---------------------------------------------------------------------------
    def export_records(self, person_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every table (or one person's rows) as plain records keyed by uid, not by id."""
        where_person = ""
        args: tuple[object, ...] = ()
        if person_id is not None:
            args = (self._require_person(person_id),)
            where_person = " WHERE p.id = ?"
        q = self._conn.execute
        people = [
            {"uid": u, "name": n, "archived": bool(a), "created_at": c}
            for u, n, a, c in q(
                f"SELECT p.uid, p.name, p.archived, p.created_at FROM people p{where_person} "
                "ORDER BY p.id",
                args,
            )
        ]
        routines = [
            {"uid": u, "person_uid": pu, "name": n, "routine": json.loads(j), "saved_at": s}
            for u, pu, n, j, s in q(
                "SELECT r.uid, p.uid, r.name, r.routine_json, r.saved_at FROM routines r "
                f"JOIN people p ON p.id = r.person_id{where_person} ORDER BY r.id",
                args,
            )
        ]
        sessions = [
            {
                "uid": u,
                "person_uid": pu,
                "routine_name": n,
                "routine": json.loads(j),
                "started_at": s,
                "ended_at": e,
                "status": st,
            }
            for u, pu, n, j, s, e, st in q(
                "SELECT s.uid, p.uid, s.routine_name, s.routine_json, s.started_at, s.ended_at, "
                f"s.status FROM sessions s JOIN people p ON p.id = s.person_id{where_person} "
                "ORDER BY s.id",
                args,
            )
        ]
        step_keys = list(_EXPORT_FIELDS["steps"])
        steps = [
            dict(zip(step_keys, row, strict=True))
            for row in q(
                "SELECT st.uid, s.uid, st.step_index, st.kind, st.exercise_id, st.group_id, "
                "st.side, st.set_number, st.planned_seconds, st.performed_seconds, st.status, "
                "st.completed_at FROM steps st JOIN sessions s ON s.id = st.session_id "
                f"JOIN people p ON p.id = s.person_id{where_person} ORDER BY st.id",
                args,
            )
        ]
        hurts = [
            {"uid": u, "session_uid": su, "exercise_id": e, "hurt": bool(h), "at": a}
            for u, su, e, h, a in q(
                "SELECT h.uid, s.uid, h.exercise_id, h.hurt, h.at FROM hurts h "
                "JOIN sessions s ON s.id = h.session_id "
                f"JOIN people p ON p.id = s.person_id{where_person} ORDER BY h.id",
                args,
            )
        ]
        checkin_keys = list(_EXPORT_FIELDS["checkins"])
        checkins = [
            dict(zip(checkin_keys, row, strict=True))
            for row in q(
                "SELECT c.uid, p.uid, c.at, c.discomfort, c.peg_pain, c.peg_enjoyment, "
                "c.peg_activity, c.note, c.context, s.uid FROM checkins c "
                "JOIN people p ON p.id = c.person_id "
                f"LEFT JOIN sessions s ON s.id = c.session_id{where_person} ORDER BY c.id",
                args,
            )
        ]
        return {
            "people": people,
            "routines": routines,
            "sessions": sessions,
            "steps": steps,
            "hurts": hurts,
            "checkins": checkins,
        }

    def export_json(self, person_id: int | None = None) -> bytes:
        """One JSON file holding everything (or one person's data)."""
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _iso(_now()),
            "schema_version": SCHEMA_VERSION,
            **self.export_records(person_id),
        }
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def export_zip(self, person_id: int | None = None) -> bytes:
        """A zip of CSV files, one a table, with a small manifest. Text a spreadsheet would
        run as a formula is neutralised (see :func:`neutralise_cell`)."""
        records = self.export_records(person_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table, fields in _EXPORT_FIELDS.items():
                text = io.StringIO()
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(list(fields))
                for record in records[table]:
                    writer.writerow(
                        [_csv_cell(record.get(name), kind) for name, kind in fields.items()]
                    )
                archive.writestr(f"{table}.csv", text.getvalue().encode("utf-8"))
            manifest = {
                "format": CSV_MANIFEST_FORMAT,
                "version": EXPORT_VERSION,
                "exported_at": _iso(_now()),
                "tables": {t: len(records[t]) for t in _TABLES},
                "note": "Text cells that start like a spreadsheet formula begin with a quote '.",
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        return buffer.getvalue()

    # -- import ---------------------------------------------------------------------------
    def import_bytes(self, data: bytes, filename: str = "the file") -> ImportReport:
        """Import an export (JSON or zip of CSVs). The whole file is checked first; valid
        rows not already here are then written in one transaction; rows already here (same
        uid) are skipped, so importing the same file twice adds nothing.

        A routine whose name the person already uses for a different routine is not dropped:
        the copy saved last is kept and the report says which (``updated``/``kept`` and
        ``conflicts``). ``people_added`` holds the uids of the people the import added."""
        records = _read_export(data, filename)
        report = ImportReport(filename=filename)
        plan = self._validate_import(records, report)
        self._apply_import(plan, report)
        return report

    def _validate_import(
        self, records: dict[str, list[Any]], report: ImportReport
    ) -> dict[str, list[dict[str, Any]]]:
        def existing(table: str) -> set[str]:
            return {r[0] for r in self._conn.execute(f"SELECT uid FROM {table}")}

        store_people = existing("people")
        store_sessions = existing("sessions")
        plan: dict[str, list[dict[str, Any]]] = {t: [] for t in _TABLES}
        known = {"people": set(store_people), "sessions": set(store_sessions)}
        validators: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "people": _valid_person,
            "routines": _valid_routine,
            "sessions": _valid_session,
            "steps": _valid_step,
            "hurts": _valid_hurt,
            "checkins": _valid_checkin,
        }
        parents = {
            "routines": ("person_uid", "people"),
            "sessions": ("person_uid", "people"),
            "steps": ("session_uid", "sessions"),
            "hurts": ("session_uid", "sessions"),
            "checkins": ("person_uid", "people"),
        }
        for table in _TABLES:
            seen: set[str] = set()
            for n, raw in enumerate(records.get(table, []), start=1):
                where = f"{_plural(table, 1)} {n}"
                try:
                    if not isinstance(raw, dict):
                        raise InputError("is not a record")
                    row = validators[table](raw)
                    if row["uid"] in seen:
                        raise InputError("appears twice in the file")
                    if table in parents:
                        key, parent = parents[table]
                        if row[key] not in known[parent]:
                            raise InputError(
                                f"belongs to a {_plural(parent, 1)} that is neither in the "
                                "file nor in the log (or was rejected)"
                            )
                    session_uid = row.get("session_uid") if table == "checkins" else None
                    if session_uid is not None and session_uid not in known["sessions"]:
                        row["session_uid"] = None  # the session itself was not kept
                except InputError as exc:
                    report.rejected.append((where, str(exc)))
                    continue
                seen.add(row["uid"])
                if table in known:
                    known[table].add(row["uid"])
                plan[table].append(row)
        return plan

    def _apply_import(self, plan: dict[str, list[dict[str, Any]]], report: ImportReport) -> None:
        inserts = {
            "people": (
                "INSERT OR IGNORE INTO people (uid, name, archived, created_at) "
                "VALUES (:uid, :name, :archived, :created_at)"
            ),
            "routines": (
                "INSERT INTO routines (uid, person_id, name, routine_json, saved_at) "
                "SELECT :uid, id, :name, :routine_json, :saved_at FROM people WHERE uid = "
                ":person_uid"
            ),
            "sessions": (
                "INSERT OR IGNORE INTO sessions (uid, person_id, routine_name, routine_json, "
                "started_at, ended_at, status) SELECT :uid, id, :routine_name, :routine_json, "
                ":started_at, :ended_at, :status FROM people WHERE uid = :person_uid"
            ),
            "steps": (
                "INSERT OR IGNORE INTO steps (uid, session_id, step_index, kind, exercise_id, "
                "group_id, side, set_number, planned_seconds, performed_seconds, status, "
                "completed_at) SELECT :uid, id, :step_index, :kind, :exercise_id, :group, "
                ":side, :set_number, :planned_seconds, :performed_seconds, :status, "
                ":completed_at FROM sessions WHERE uid = :session_uid"
            ),
            "hurts": (
                "INSERT OR IGNORE INTO hurts (uid, session_id, exercise_id, hurt, at) "
                "SELECT :uid, id, :exercise_id, :hurt, :at FROM sessions WHERE uid = :session_uid"
            ),
            "checkins": (
                "INSERT OR IGNORE INTO checkins (uid, person_id, at, discomfort, peg_pain, "
                "peg_enjoyment, peg_activity, note, context, session_id) "
                "SELECT :uid, p.id, :at, :discomfort, :peg_pain, :peg_enjoyment, :peg_activity, "
                ":note, :context, (SELECT id FROM sessions WHERE uid = :session_uid) "
                "FROM people p WHERE p.uid = :person_uid"
            ),
        }
        with self._write() as conn:
            for table in _TABLES:
                outcomes = dict.fromkeys(("added", "skipped", "updated", "kept"), 0)
                for row in plan[table]:
                    if table == "routines":
                        outcome = _import_routine(conn, inserts[table], row, report)
                    else:
                        cur = conn.execute(inserts[table], row)
                        outcome = "added" if cur.rowcount > 0 else "skipped"
                        if table == "people" and outcome == "added":
                            report.people_added.append(row["uid"])
                    outcomes[outcome] += 1
                report.added[table] = outcomes["added"]
                report.skipped[table] = outcomes["skipped"]
                if outcomes["updated"]:
                    report.updated[table] = outcomes["updated"]
                if outcomes["kept"]:
                    report.kept[table] = outcomes["kept"]


# -- helpers -------------------------------------------------------------------------------
def _import_routine(
    conn: sqlite3.Connection, insert: str, row: Mapping[str, Any], report: ImportReport
) -> str:
    """Bring in one routine; returns "added", "skipped", "updated" or "kept".

    The log's routine is the one with the same uid or, failing that, the same person and
    name. Identical content is skipped. Different content keeps the copy saved last: the
    file's replaces the log's ("updated") or the log's stays ("kept"); either way the
    report lists it, so nothing changes silently. Importing the same file again finds
    identical content (or the log's newer copy) and changes nothing.
    """
    person = conn.execute("SELECT id FROM people WHERE uid = ?", (row["person_uid"],)).fetchone()
    if person is None:  # the plan only holds routines of known people; be safe anyway
        return "skipped"
    local = conn.execute(
        "SELECT id, routine_json, saved_at FROM routines WHERE uid = ?", (row["uid"],)
    ).fetchone()
    if local is None:
        local = conn.execute(
            "SELECT id, routine_json, saved_at FROM routines WHERE person_id = ? AND name = ?",
            (person[0], row["name"]),
        ).fetchone()
    if local is None:
        conn.execute(insert, row)
        return "added"
    local_id, local_json, local_saved = local
    if local_json == row["routine_json"]:
        return "skipped"
    theirs = dt.datetime.fromisoformat(row["saved_at"])
    ours = dt.datetime.fromisoformat(local_saved)
    name = row["name"]
    where = f"routine '{name}'"
    stamp = "%Y-%m-%d %H:%M %z"
    if theirs > ours:
        conn.execute(
            "UPDATE routines SET routine_json = ?, saved_at = ? WHERE id = ?",
            (row["routine_json"], row["saved_at"], local_id),
        )
        report.conflicts.append(
            (
                where,
                f"differs from the one in the log; the file's copy (saved {theirs:{stamp}}) "
                f"is newer and replaced the log's (saved {ours:{stamp}})",
            )
        )
        return "updated"
    report.conflicts.append(
        (
            where,
            f"differs from the one in the log; the log's copy (saved {ours:{stamp}}) "
            f"is {'as new as' if theirs == ours else 'newer than'} the file's "
            f"(saved {theirs:{stamp}}) and was kept",
        )
    )
    return "kept"


def _checkin_fields(
    discomfort: object, at: object, peg: object, note: object, context: object
) -> dict[str, object]:
    """A check-in's own values, checked (the person and session are checked by the store)."""
    values: dict[str, object] = {
        "discomfort": _score(discomfort, "discomfort"),
        "at": _iso(_when(at, "check-in time")),
        "note": _note(note),
        "context": _context(context),
    }
    values.update(zip(PEG_ITEMS, _peg(peg), strict=True))
    return values


def _int_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"the {what} id must be a whole number, not {value!r}")
    return int(value)


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"seconds must be a number, not {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or seconds > 24 * 3600:
        raise InputError(f"seconds must be from 0 to a day, not {value!r}")
    return seconds


def _csv_cell(value: object, kind: str) -> object:
    if value is None:
        return ""
    if kind == "json":
        return neutralise_cell(json.dumps(value, sort_keys=True))
    if kind == "bool":
        return "1" if value else "0"
    if kind == "text":
        return neutralise_cell(str(value))
    return value


def _from_csv_cell(text: str, kind: str) -> object:
    if kind == "text":
        return _unneutralise(text) if text != "" else None
    if text == "":
        return None
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "bool":
        return {"1": True, "0": False, "true": True, "false": False}.get(text.lower(), text)
    try:  # json
        return json.loads(_unneutralise(text))
    except ValueError:
        return text


def _read_export(data: bytes, filename: str) -> dict[str, list[Any]]:
    """Parse an export file into records per table, or raise :class:`InputError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputError("the upload did not arrive as a file")
    data = bytes(data)
    if not data.strip():
        raise InputError(f"{filename} is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError(
            f"{filename} is {len(data) / 1e6:.1f} MB; the limit for an import is "
            f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        )
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data, filename)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(
            f"{filename} is neither a backcare JSON export nor a zip of CSV files"
        ) from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise InputError(
            f"{filename} is not a backcare export (format should be {EXPORT_FORMAT!r}, "
            f"found {found!r})"
        )
    _check_version(document.get("version"), filename)
    records: dict[str, list[Any]] = {}
    for table in _TABLES:
        rows = document.get(table, [])
        if not isinstance(rows, list):
            raise InputError(f"{filename}: {table!r} must be a list of records")
        records[table] = rows
    return records


def _check_version(version: object, filename: str) -> None:
    if version != EXPORT_VERSION:
        raise InputError(
            f"{filename} is an export of version {version!r}, which this backcare cannot read "
            f"(it reads version {EXPORT_VERSION})"
        )


def _read_zip(data: bytes, filename: str) -> dict[str, list[Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{filename} is not a readable zip file") from None
    with archive:
        if sum(info.file_size for info in members.values()) > MAX_UNZIPPED_BYTES:
            raise InputError(f"{filename} unpacks to more than the import limit")
        if "manifest.json" not in members:
            raise InputError(f"{filename} is not a backcare export (it has no manifest.json)")
        try:
            manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
        except (ValueError, zipfile.BadZipFile, OSError):
            raise InputError(f"{filename}: manifest.json cannot be read") from None
        if not isinstance(manifest, dict) or manifest.get("format") != CSV_MANIFEST_FORMAT:
            raise InputError(f"{filename} is not a backcare CSV export (unknown manifest)")
        _check_version(manifest.get("version"), filename)
        records: dict[str, list[Any]] = {}
        for table, fields in _EXPORT_FIELDS.items():
            name = f"{table}.csv"
            if name not in members:
                records[table] = []
                continue
            try:
                text = archive.read(name).decode("utf-8-sig")
            except (UnicodeDecodeError, zipfile.BadZipFile, OSError):
                raise InputError(f"{filename}: {name} cannot be read as UTF-8 text") from None
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None)
            if header is None or set(header) - set(fields) or "uid" not in header:
                raise InputError(f"{filename}: {name} does not have the expected columns")
            rows = []
            for cells in reader:
                if not cells:
                    continue
                if len(cells) != len(header):
                    rows.append(None)  # rejected at validation, with its number
                    continue
                rows.append(
                    {
                        column: _from_csv_cell(cell, fields[column])
                        for column, cell in zip(header, cells, strict=True)
                    }
                )
            records[table] = rows
    return records


# -- validation of imported rows -----------------------------------------------------------
def _uid(raw: Mapping[str, Any], key: str = "uid", *, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not _UID.match(value):
        raise InputError(f"{key} {value!r} is not a valid id (32 hexadecimal characters)")
    return value


def _text_field(raw: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be text")
    return value


def _time_field(
    raw: Mapping[str, Any], key: str, *, optional: bool = False, future_ok: bool = False
) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be a date and time")
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{key} {value!r} is not a date and time") from None
    if at.tzinfo is None:
        raise InputError(f"{key} {value!r} has no time zone")
    if not future_ok and at > _now() + FUTURE_TOLERANCE:
        raise InputError(f"{key} {value} is more than a day in the future")
    return _iso(at)


def _choice_field(raw: Mapping[str, Any], key: str, choices: Sequence[str | None]) -> Any:
    value = raw.get(key)
    if value not in choices:
        raise InputError(f"{key} {value!r} is not one of {', '.join(map(str, choices))}")
    return value


def _bool_field(raw: Mapping[str, Any], key: str) -> int:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{key} must be true or false")
    return int(value)


def _number_field(raw: Mapping[str, Any], key: str) -> float:
    try:
        return _seconds(raw.get(key, 0.0))
    except InputError as exc:
        raise InputError(f"{key}: {exc}") from None


def _optional_int(raw: Mapping[str, Any], key: str, low: int, high: int) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or not low <= value <= high
    ):
        raise InputError(f"{key} must be a whole number from {low} to {high}")
    return int(value)


def _routine_json(raw: Mapping[str, Any]) -> str:
    routine = raw.get("routine")
    if not isinstance(routine, dict) or routine.get("format") != ROUTINE_FORMAT:
        raise InputError("routine is not a backcare routine")
    return json.dumps(routine, sort_keys=True)


def _valid_person(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "name": _name(raw.get("name"), "name"),
        "archived": _bool_field(raw, "archived"),
        "created_at": _time_field(raw, "created_at"),
    }


def _valid_routine(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        "name": _name(raw.get("name"), "routine name"),
        "routine_json": _routine_json(raw),
        "saved_at": _time_field(raw, "saved_at"),
    }


def _valid_session(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        "routine_name": _name(raw.get("routine_name"), "routine name"),
        "routine_json": _routine_json(raw),
        "started_at": _time_field(raw, "started_at"),
        "ended_at": _time_field(raw, "ended_at", optional=True),
        "status": _choice_field(raw, "status", SESSION_STATUSES),
    }


def _valid_step(raw: dict[str, Any]) -> dict[str, Any]:
    step_index = _optional_int(raw, "step_index", 0, 100_000)
    if step_index is None:
        raise InputError("step_index is missing")
    return {
        "uid": _uid(raw),
        "session_uid": _uid(raw, "session_uid"),
        "step_index": step_index,
        "kind": _choice_field(raw, "kind", [k.value for k in StepKind]),
        "exercise_id": _text_field(raw, "exercise_id", optional=True),
        "group": _text_field(raw, "group", optional=True),
        "side": _choice_field(raw, "side", (*SIDES, None)),
        "set_number": _optional_int(raw, "set_number", 1, 1000),
        "planned_seconds": _number_field(raw, "planned_seconds"),
        "performed_seconds": _number_field(raw, "performed_seconds"),
        "status": _choice_field(raw, "status", STEP_STATUSES),
        "completed_at": _time_field(raw, "completed_at", optional=True),
    }


def _valid_hurt(raw: dict[str, Any]) -> dict[str, Any]:
    exercise = _text_field(raw, "exercise_id")
    if not exercise:
        raise InputError("exercise_id is empty")
    return {
        "uid": _uid(raw),
        "session_uid": _uid(raw, "session_uid"),
        "exercise_id": exercise,
        "hurt": _bool_field(raw, "hurt"),
        "at": _time_field(raw, "at"),
    }


def _valid_checkin(raw: dict[str, Any]) -> dict[str, Any]:
    peg_values = [raw.get(k) for k in PEG_ITEMS]
    peg = None if all(v is None for v in peg_values) else _peg(peg_values)
    row = {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        "at": _time_field(raw, "at"),
        "discomfort": _score(raw.get("discomfort"), "discomfort"),
        "note": _note(raw.get("note") or ""),
        "context": _context(raw.get("context", "daily")),
        "session_uid": _uid(raw, "session_uid", optional=True),
    }
    row.update(zip(PEG_ITEMS, peg or (None, None, None), strict=True))
    return row
