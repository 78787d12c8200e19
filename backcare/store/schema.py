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

# Version 3: plans with a history and each person's time zone.
# * people.zone: an IANA name; zone_source says where it came from ('browser', 'person', or
#   'offset': guessed from the first check-in's UTC offset, replaced by the browser's zone).
# * plans + plan_events replace routines (which a re-save rewrote in place): each saved
#   routine becomes a plan whose first save is dated by the earlier of its save and the
#   first session of that name (a re-save had moved saved_at to the day of the re-save).
_V3 = """
ALTER TABLE people ADD COLUMN zone TEXT;
ALTER TABLE people ADD COLUMN zone_source TEXT
    CHECK (zone_source IN ('browser', 'person', 'offset'));
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id)
);
CREATE TABLE plan_events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('save', 'retire', 'resume')),
    routine_json TEXT,
    on_day TEXT NOT NULL,
    at TEXT NOT NULL,
    CHECK ((kind = 'save') = (routine_json IS NOT NULL))
);
CREATE INDEX plans_person ON plans (person_id);
CREATE INDEX plan_events_plan ON plan_events (plan_id, on_day);
INSERT INTO plans (id, uid, person_id) SELECT id, uid, person_id FROM routines;
INSERT INTO plan_events (uid, plan_id, kind, routine_json, on_day, at)
SELECT r.uid, r.id, 'save', r.routine_json,
       min(substr(r.saved_at, 1, 10), coalesce((
           SELECT min(substr(s.started_at, 1, 10)) FROM sessions s
           WHERE s.person_id = r.person_id AND s.routine_name = r.name), '9999-12-31')),
       r.saved_at
FROM routines r;
DROP TABLE routines;
UPDATE people SET zone_source = 'offset', zone = (
    SELECT CASE
        WHEN substr(c.at, -6) IN ('+00:00', '-00:00') THEN 'UTC'
        WHEN substr(c.at, -2) = '00' AND substr(c.at, -6, 1) IN ('+', '-') THEN
            'Etc/GMT' || (CASE substr(c.at, -6, 1) WHEN '+' THEN '-' ELSE '+' END)
            || CAST(CAST(substr(c.at, -5, 2) AS INTEGER) AS TEXT)
    END
    FROM checkins c WHERE c.person_id = people.id ORDER BY c.at, c.id LIMIT 1
);
UPDATE people SET zone_source = NULL WHERE zone IS NULL;
"""

# The next-morning answer of the progression rule, and the suggestions a person declined
# (each until new data arrive: ``data_mark`` names the data it was based on).
_V4 = """
ALTER TABLE checkins ADD COLUMN morning TEXT CHECK (morning IN ('better', 'same', 'worse'));
CREATE TABLE declined_suggestions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    plan_uid TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    data_mark TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (person_id, plan_uid, exercise_id)
);
"""

# Version 5: pain during each exercise of a session (0-10, the pain-monitoring model) and each
# person's session settings (voice, beeps, volume...) as one small JSON record.
_V5 = """
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
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreOpenError(
            f"The folder {path.parent} for the data file cannot be made "
            f"({exc.strerror or 'input/output error'}). Set BACKCARE_DATA_DIR to a folder you "
            "can write to and restart the kernel."
        ) from None


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


def migrate(
    conn: sqlite3.Connection,
    path: str,
    in_memory: bool,
    image: bool = False,
    *,
    read_only: str = "",
) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION`, keeping a copy of an older file first.

    Every step runs in ONE exclusive transaction that reads the version again once it holds
    the lock: two programs opening a new file at the same instant take turns, and the second
    finds the schema made and does nothing. A read-only store that needs steps is refused.
    ``image``: the database is a memory copy of ``path`` (the browser, see :mod:`.browser`);
    the copy is then written as a whole file, never through SQLite on the drive.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION:
        return
    if read_only:
        raise StoreOpenError(
            f"{path} needs an upgrade to this backcare's data version, but {read_only}"
        )
    if version > 0 and not in_memory:
        backup = Path(f"{path}.v{version}.bak")
        if not backup.exists() and image:
            backup.write_bytes(conn.serialize())
        elif not backup.exists():
            with contextlib.closing(sqlite3.connect(backup)) as copy:
                conn.backup(copy)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StoreOpenError(
            f"could not upgrade {path} to data version {SCHEMA_VERSION}: {exc}. The file "
            "was left as it was."
        ) from None


def _statements(script: str) -> list[str]:
    """A migration script split into its statements (``;`` at the end of a line)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
