"""One notebook's change put on top of another's, when both saved the browser store at once.

In the browser (see :mod:`.browser`) every open notebook has its own kernel and its own copy
of the database, saved whole to one file. Each write starts from the file as it is, but
another notebook may save during the write (a guided session recording a step while a
check-in is saved elsewhere). Then the file no longer holds the state this write started
from (the *base*), and writing our copy over it would erase the other notebook's change.

:func:`merge` instead applies this notebook's change (what differs between the base and our
copy, row by row, keyed by each table's integer primary key) to the file's new state. Rows
keep their ids, so an id a page holds (a running session, a check-in it can undo) still
names the same row afterwards. When both changes touch the same row, or both added a row
with the same id (two check-ins saved in the same instant), the change cannot be put on top
of the other honestly: :func:`merge` returns ``None``, and the caller saves nothing and says
so (the person saves again; nothing is lost without a word).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

__all__ = ["merge", "row_tables"]

Rows = dict[int, tuple[object, ...]]


@contextlib.contextmanager
def _opened(image: bytes) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        if image:
            conn.deserialize(image)
        yield conn
    finally:
        conn.close()


def row_tables(conn: sqlite3.Connection) -> dict[str, str] | None:
    """Each table's name and its integer primary key column; ``None`` when a table has no
    such key (then rows cannot be matched by id, and nothing is merged)."""
    tables = {}
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    for (name,) in names:
        keys = [row for row in conn.execute(f'PRAGMA table_info("{name}")') if row[5]]
        if len(keys) != 1 or str(keys[0][2]).upper() != "INTEGER":
            return None
        tables[name] = keys[0][1]
    return tables


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _rows(conn: sqlite3.Connection, table: str, key: str, columns: list[str]) -> Rows:
    names = ", ".join(f'"{c}"' for c in columns)
    return {row[0]: row[1:] for row in conn.execute(f'SELECT "{key}", {names} FROM "{table}"')}


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def merge(base: bytes, ours: sqlite3.Connection, theirs: bytes) -> bytes | None:
    """The database ``theirs`` (the file as another notebook saved it) with the change from
    ``base`` to ``ours`` applied; ``None`` when the two changes touch the same rows, the
    schemas differ, or the result would break a constraint."""
    with _opened(base) as was, _opened(theirs) as now:
        tables = row_tables(ours)
        if (
            tables is None
            or row_tables(was) != tables
            or row_tables(now) != tables
            or not _version(ours) == _version(was) == _version(now)
        ):
            return None
        now.execute("PRAGMA foreign_keys = OFF")  # checked once, after every row is in
        now.execute("BEGIN")
        try:
            for table, key in tables.items():
                if not _apply(table, key, was, ours, now):
                    now.execute("ROLLBACK")
                    return None
            if now.execute("PRAGMA foreign_key_check").fetchall():
                now.execute("ROLLBACK")
                return None
            now.execute("COMMIT")
        except sqlite3.IntegrityError:  # e.g. two rows for the same step of a session
            now.execute("ROLLBACK")
            return None
        return now.serialize()


def _apply(
    table: str,
    key: str,
    was: sqlite3.Connection,
    ours: sqlite3.Connection,
    now: sqlite3.Connection,
) -> bool:
    """Put our changes to ``table`` into ``now``; False at the first row both changed."""
    columns = _columns(ours, table)
    if _columns(was, table) != columns or _columns(now, table) != columns:
        return False
    before = _rows(was, table, key, columns)
    mine = _rows(ours, table, key, columns)
    current = _rows(now, table, key, columns)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    for row_id in sorted(before.keys() | mine.keys()):
        old, new = before.get(row_id), mine.get(row_id)
        if old == new or current.get(row_id) == new:
            continue  # not changed by us, or already as we want it
        if current.get(row_id) != old:
            return False  # the other notebook changed (or added) this very row
        if new is None:
            now.execute(f'DELETE FROM "{table}" WHERE "{key}" = ?', (row_id,))
        elif old is None:
            now.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', new)
        else:
            sets = ", ".join(f'"{c}" = ?' for c in columns)
            now.execute(f'UPDATE "{table}" SET {sets} WHERE "{key}" = ?', (*new, row_id))
    return True
