"""The store's schema, its forward migrations and the checks made before a file is used.

``PRAGMA application_id`` marks a file as backcare's and ``PRAGMA user_version`` holds the
schema version; :data:`MIGRATIONS` upgrade an older file step by step, after a copy of the
old file is kept beside it (``<file>.v<N>.bak``). A file that is not a backcare database
(garbage, another program's SQLite file, a newer schema, a damaged file) raises
:class:`StoreOpenError` and is left exactly as it is.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from .errors import StoreOpenError

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "check_file", "inspect", "migrate"]

APPLICATION_ID = 0x42434B31  # "BCK1": marks an SQLite file as a backcare store
_SQLITE_HEADER = b"SQLite format 3\x00"

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
_V3_SESSION_NOTES = """
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
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3_SESSION_NOTES)
SCHEMA_VERSION = len(MIGRATIONS)


def check_file(path: Path) -> None:
    """Refuse a path that is not a file or a file that is not an SQLite database."""
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


def inspect(conn: sqlite3.Connection, path: str) -> None:
    """Refuse foreign, newer or damaged databases before anything is written."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if app_id == APPLICATION_ID:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        else:
            check = "ok"
    except sqlite3.DatabaseError as exc:
        raise StoreOpenError(
            f"{path} cannot be read as a backcare data file ({exc}). "
            "It was left as it is; move or rename it to start a new log."
        ) from None
    if app_id != APPLICATION_ID and (app_id != 0 or tables or version):
        raise StoreOpenError(
            f"{path} is an SQLite database of another program, not a backcare log. "
            "It was left as it is; move or rename it to start a new log."
        )
    if version > SCHEMA_VERSION:
        raise StoreOpenError(
            f"{path} was written by a newer backcare (data version {version}; this "
            f"one reads up to {SCHEMA_VERSION}). Update backcare to open it; the file "
            "was left as it is."
        )
    if check != "ok":
        raise StoreOpenError(
            f"{path} is damaged ({check}). It was left as it is; restore it from "
            "an export or move it away to start a new log."
        )


def migrate(conn: sqlite3.Connection, path: str, in_memory: bool) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION`, keeping a copy of an older file first."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    if version > 0 and not in_memory:
        backup = Path(f"{path}.v{version}.bak")
        if not backup.exists():
            with contextlib.closing(sqlite3.connect(backup)) as copy:
                conn.backup(copy)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[target - 1]
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreOpenError(
                f"could not upgrade {path} to data version {target}: {exc}"
            ) from None
