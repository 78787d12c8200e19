"""Opening a store's SQLite file and writing to it in short transactions.

WAL journal, a busy timeout and short ``BEGIN IMMEDIATE`` transactions, one per event,
written when the event happens. :class:`StoreBase` owns the connection; the parts of
:class:`~backcare.store.Store` (people, plans, sessions, ...) build on it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

from .. import paths
from .errors import StoreOpenError
from .schema import check_file, inspect, migrate

__all__ = ["StoreBase"]


class StoreBase:
    """The connection to one SQLite file (or to memory), opened, checked and migrated."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.is_demo = False
        if path is None:
            path = paths.store_path()
        self.path: str = os.fspath(path)
        self.in_memory = self.path == ":memory:"
        if not self.in_memory:
            check_file(Path(self.path))
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreOpenError(f"cannot open the data file {self.path}: {exc}") from None
        try:
            inspect(self._conn, self.path)
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not self.in_memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = FULL")
            migrate(self._conn, self.path, self.in_memory)
        except BaseException:
            self._conn.close()
            raise

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
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
