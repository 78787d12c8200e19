"""Opening a store's SQLite file and writing to it in short transactions.

WAL journal, a busy timeout and short ``BEGIN IMMEDIATE`` transactions, one per event,
written when the event happens. :class:`StoreBase` owns the connection; the parts of
:class:`~backcare.store.Store` (people, plans, sessions, ...) build on it.

Two things can stand between a person and their log, and both are said in words:

* **a read-only file or folder**: the store opens read-only (everything can be read and
  exported) and every attempt to save raises :class:`InputError` saying why and what to do;
* **another program writing** (another notebook, a backup or sync tool holding the write
  lock): a write waits up to :data:`LOCK_WAIT_SECONDS`, telling the listeners added with
  :meth:`StoreBase.on_wait` how long it has waited (the pages show it), then gives up with a
  sentence instead of freezing.

In the browser (JupyterLite) the database lives in memory and is saved whole to the file
after each write: see :mod:`.browser`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self

from .. import paths
from .browser import DatabaseImage, SaveClashError, in_browser
from .errors import InputError, StoreOpenError
from .schema import check_file, inspect, migrate

__all__ = ["LOCK_WAIT_SECONDS", "StoreBase", "StoreBusyError"]

#: How long a write waits for another program's write lock before it gives up.
LOCK_WAIT_SECONDS = 6.0
_STEP_MS = 250  # one wait between two reports of progress
_BUSY_MS = 10_000  # reads (and the opening checks) wait this long for a lock


class StoreBusyError(InputError):
    """Another program held the data file's write lock for too long; nothing was written."""


class StoreBase:
    """The connection to one SQLite file (or to memory), opened, checked and migrated."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.is_demo = False
        self.read_only_reason = ""
        self._wait_listeners: list[Callable[[float, float], None]] = []
        if path is None:
            try:
                path = paths.store_path()
            except paths.DataFolderError as exc:
                raise StoreOpenError(str(exc)) from None
        self.path: str = os.fspath(path)
        self.in_memory = self.path == ":memory:"
        # In the browser the database lives in memory, saved whole to the file after each
        # write (SQLite cannot work on the browser's drive itself): see .browser.
        self._image = (
            DatabaseImage(Path(self.path)) if in_browser() and not self.in_memory else None
        )
        if not self.in_memory:
            check_file(Path(self.path))
            self.read_only_reason = _read_only_reason(Path(self.path))
        self._db = self._connect()
        try:
            if self._image is not None:
                self._image.load(self._db)
            self._prepare()
            if self._image is not None and not self.read_only_reason:
                self._save_opened_image()
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreOpenError(_open_problem(self.path, exc)) from None
        except BaseException:
            self._db.close()
            raise

    def _save_opened_image(self) -> None:
        """Save the browser store as opened (and perhaps migrated). If another notebook made
        or migrated the file at the same moment, start again from theirs."""
        assert self._image is not None
        try:
            self._image.save(self._db)
        except SaveClashError:  # the image now holds the other notebook's file
            self._prepare()
            self._image.save(self._db)

    def _prepare(self) -> None:
        """Check, configure and migrate the file. SQLite answers "busy" at once, without
        waiting, in a few cases (changing the journal mode while another program opens the
        same new file); those steps are retried for up to the busy timeout."""
        deadline = time.monotonic() + _BUSY_MS / 1000
        while True:
            try:
                inspect(self._conn, self.path)
                self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
                self._conn.execute("PRAGMA foreign_keys = ON")
                image = self._image is not None
                if self.read_only_reason:
                    migrate(
                        self._conn,
                        self.path,
                        self.in_memory,
                        image=image,
                        read_only=self.read_only_reason,
                    )
                    return
                if not self.in_memory and not image:
                    self._conn.execute("PRAGMA journal_mode = WAL")
                    self._conn.execute("PRAGMA synchronous = FULL")
                migrate(self._conn, self.path, self.in_memory, image=image)
                return
            except (sqlite3.Error, StoreOpenError) as exc:
                cause = (
                    (exc.__cause__ or exc.__context__) if isinstance(exc, StoreOpenError) else exc
                )
                busy = isinstance(cause, sqlite3.Error) and _is_busy(cause)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _connect(self) -> sqlite3.Connection:
        """A connection: read-write, or read-only (``immutable`` when the folder cannot
        hold SQLite's side files either)."""
        options = {"timeout": _BUSY_MS / 1000, "isolation_level": None, "check_same_thread": False}
        try:
            if self._image is not None:
                return sqlite3.connect(":memory:", **options)  # type: ignore[arg-type]
            if not self.read_only_reason:
                return sqlite3.connect(self.path, **options)  # type: ignore[arg-type]
            uri = "file:" + urllib.parse.quote(str(Path(self.path).resolve()))
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, **options)  # type: ignore[arg-type]
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                conn.close()
                conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, **options)  # type: ignore[arg-type]
            return conn
        except sqlite3.Error as exc:
            raise StoreOpenError(_open_problem(self.path, exc)) from None

    @property
    def read_only(self) -> bool:
        """Whether nothing can be saved (see :attr:`read_only_reason`)."""
        return bool(self.read_only_reason)

    @property
    def _conn(self) -> sqlite3.Connection:
        """The connection; in the browser, first brought up to date with the file when
        another notebook saved it since (never inside a transaction)."""
        if self._image is not None and not self._db.in_transaction:
            self._image.refresh(self._db)
        return self._db

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def on_wait(self, listener: Callable[[float, float], None]) -> None:
        """Call ``listener(waited_seconds, limit_seconds)`` while a write waits for another
        program's lock (about four times a second)."""
        self._wait_listeners.append(listener)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken at once (``BEGIN IMMEDIATE``)."""
        if self.read_only_reason:
            raise InputError(f"Nothing can be saved: {self.read_only_reason}")
        if self._image is not None:  # start from the file as it is, to the byte
            self._image.refresh(self._db, exact=True)
        self._begin()
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise InputError(_write_problem(self.path, exc)) from None
        if self._image is not None:
            self._image.save(self._db)

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting in short steps for another program's write lock and
        reporting each step, up to :data:`LOCK_WAIT_SECONDS`."""
        start = time.monotonic()
        self._conn.execute(f"PRAGMA busy_timeout = {_STEP_MS}")
        try:
            while True:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise InputError(_write_problem(self.path, exc)) from None
                waited = time.monotonic() - start
                if waited >= LOCK_WAIT_SECONDS:
                    raise StoreBusyError(
                        f"The data file {self.path} is being changed by another program (another "
                        f"notebook using backcare, or a backup or sync tool), and it stayed "
                        f"busy for {LOCK_WAIT_SECONDS:.0f} seconds, so this was not saved. "
                        "Close the other notebooks or wait for the other program to finish, "
                        "then try again."
                    )
                for listener in self._wait_listeners:
                    with contextlib.suppress(Exception):
                        listener(waited, LOCK_WAIT_SECONDS)
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")

    def _one(self, sql: str, args: Sequence[object] = ()) -> tuple[Any, ...] | None:
        return self._conn.execute(sql, args).fetchone()

    def integrity_check(self) -> str:
        """SQLite's own full check of the file: ``"ok"`` when sound."""
        return str(self._one("PRAGMA integrity_check")[0])  # type: ignore[index]


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _read_only_reason(path: Path) -> str:
    """Why nothing can be written to ``path`` (empty when it can)."""
    advice = (
        "Make it writable (check its permissions), or set BACKCARE_DATA_DIR to a folder you "
        "can write to and restart the kernel; your entries can still be read and exported."
    )
    if path.exists() and not os.access(path, os.W_OK):
        return f"the data file {path} is read-only. {advice}"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        if not path.exists():
            raise StoreOpenError(
                f"The data folder {path.parent} is read-only, so the log cannot be created "
                "there. Make the folder writable, or set BACKCARE_DATA_DIR to a folder you can "
                "write to and restart the kernel."
            )
        return f"the data folder {path.parent} is read-only. {advice}"
    return ""


def _open_problem(path: str, exc: sqlite3.Error) -> str:
    if _is_busy(exc):
        return (
            f"The data file {path} is locked by another program (another notebook using "
            "backcare, or a backup or sync tool). Close it or wait for it to finish, then "
            "open this page again."
        )
    return (
        f"The data file {path} cannot be opened ({exc}). It was left as it is; check that "
        "the folder is still there and readable."
    )


def _write_problem(path: str, exc: sqlite3.Error) -> str:
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    if code & 0xFF == sqlite3.SQLITE_READONLY or "readonly" in str(exc):
        return (
            f"Nothing can be saved: the data file {path} has become read-only. Make it "
            "writable again (check its permissions and the disk), then try again."
        )
    if code & 0xFF == sqlite3.SQLITE_FULL:
        return (
            f"Nothing was saved: the disk holding {path} is full. Free some space, then try again."
        )
    return (
        f"Nothing was saved: the data file {path} could not be written ({exc}). Check the "
        "disk and the file's permissions, then try again."
    )
