"""The store in the browser (JupyterLite's Pyodide kernel): SQLite in memory, saved whole.

SQLite cannot work on JupyterLite's drive itself (its file locks and partial writes break
there: "database disk image is malformed", "disk I/O error"). In the browser the store
therefore keeps the database in memory and treats the file on the drive as an image of it:

* opening reads the whole file into memory (an empty database when there is none yet);
* before a read the file is loaded again when its size or time changed since this kernel
  last saw it; before every write it is read and compared byte for byte with what this
  kernel last loaded or saved (two saves within the drive's clock tick have the same time,
  and SQLite files grow by whole pages, so a size and a time can miss a change), so a
  check-in saved from another notebook (another kernel) is kept, not overwritten;
* after every write the whole database is written back to the file at once. If another
  notebook saved while this write ran, this write's change is put on top of theirs
  (:mod:`.merge`) instead of over it; when both touched the same rows, nothing of this
  write is saved and :class:`SaveClashError` says so.

What is left: the file is read one last time just before the new one is renamed over it,
and a save by another notebook in the instant between the two (a few milliseconds) would
still be lost.
Closing that too needs a lock, and JupyterLite's drive has none a synchronous write can
wait for (no exclusive create, and the browser's Web Locks answer only asynchronously).

The drive keeps the file in the browser's own storage, so it survives a reload and a
browser restart (and is gone when the browser's data for the site is cleared).
This module holds only that rule; :class:`~backcare.store.connection.StoreBase` calls it.
It runs the same under CPython, where the tests exercise it.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from .errors import InputError, StoreOpenError
from .merge import merge

__all__ = ["DatabaseImage", "SaveClashError", "in_browser"]


class SaveClashError(InputError):
    """Another notebook changed the same entries at the same moment; this write was not
    saved (the other one was)."""


def in_browser() -> bool:
    """True in a WebAssembly Python (Pyodide), where the store keeps its data in memory."""
    return sys.platform == "emscripten"


class DatabaseImage:
    """A file holding a whole SQLite database, loaded into and saved from a memory one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) at the last load or save
        self._base = b""  # the file's contents at the last load or save ("" when none)

    def _signature(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _contents(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""

    def load(self, conn: sqlite3.Connection, contents: bytes | None = None) -> None:
        """Replace the memory database's contents with the file's (if there is a file)."""
        signature = self._signature()
        data = self._contents() if contents is None else contents
        if data:
            try:
                conn.deserialize(data)
            except sqlite3.DatabaseError as exc:
                raise StoreOpenError(
                    f"{self.path} could not be read as a backcare data file ({exc}). It was "
                    "left as it is; restore it from a backup download or move it away."
                ) from None
        self._seen = signature
        self._base = data

    def refresh(self, conn: sqlite3.Connection, *, exact: bool = False) -> bool:
        """Load the file again if it changed since it was last loaded or saved here: by its
        size and time, or (``exact``, before a write) by its contents."""
        if exact:
            contents = self._contents()
            if contents == self._base:
                self._seen = self._signature()
                return False
            self.load(conn, contents)
            return True
        if self._signature() == self._seen:
            return False
        self.load(conn)
        return True

    def save(self, conn: sqlite3.Connection) -> None:
        """Write the whole database to the file: to a temporary file first, then renamed
        over it, so a reader never finds half a database. If the file changed since it was
        loaded (another notebook saved meanwhile), this change goes on top of that one; if
        both touched the same rows, the file's version is loaded and nothing is written."""
        data = conn.serialize()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".saving")
        temporary.write_bytes(data)
        # The last look at the file, as close to the rename as it can be.
        theirs = self._contents()
        if theirs and theirs != self._base:  # (no file: nothing of theirs to keep)
            merged = merge(self._base, conn, theirs)
            if merged is None:
                temporary.unlink(missing_ok=True)
                self.load(conn, theirs)
                raise SaveClashError(
                    "Not saved: another open notebook saved a change to the same entries at "
                    "the same moment, and its change was kept. Look over this page, then "
                    "save again."
                )
            conn.deserialize(merged)
            data = merged
            temporary.write_bytes(data)
        try:
            temporary.replace(self.path)
        except OSError:  # a drive that cannot rename: write the file itself
            self.path.write_bytes(data)
            temporary.unlink(missing_ok=True)
        self._seen = self._signature()
        self._base = data
