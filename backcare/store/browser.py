"""The store in the browser (JupyterLite's Pyodide kernel): SQLite in memory, saved whole.

SQLite cannot work on JupyterLite's drive itself (its file locks and partial writes break
there: "database disk image is malformed", "disk I/O error"). In the browser the store
therefore keeps the database in memory and treats the file on the drive as an image of it:

* opening reads the whole file into memory (an empty database when there is none yet);
* before every write the file is read again when it changed since this kernel last saw it,
  so a check-in saved from another notebook (another kernel) is kept, not overwritten;
* after every write the whole database is written back to the file at once.

The drive keeps the file in the browser's own storage, so it survives a reload and a
browser restart (and is gone when the browser's data for the site is cleared).
This module holds only that rule; :class:`~backcare.store.connection.StoreBase` calls it.
It runs the same under CPython, where the tests exercise it.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from .errors import StoreOpenError

__all__ = ["DatabaseImage", "in_browser"]


def in_browser() -> bool:
    """True in a WebAssembly Python (Pyodide), where the store keeps its data in memory."""
    return sys.platform == "emscripten"


class DatabaseImage:
    """A file holding a whole SQLite database, loaded into and saved from a memory one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) at the last load or save

    def _signature(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def load(self, conn: sqlite3.Connection) -> None:
        """Replace the memory database's contents with the file's (if there is a file)."""
        signature = self._signature()
        if signature is not None:
            try:
                conn.deserialize(self.path.read_bytes())
            except sqlite3.DatabaseError as exc:
                raise StoreOpenError(
                    f"{self.path} could not be read as a backcare data file ({exc}). It was "
                    "left as it is; restore it from a backup download or move it away."
                ) from None
        self._seen = signature

    def refresh(self, conn: sqlite3.Connection) -> bool:
        """Load the file again if it changed since it was last loaded or saved here."""
        if self._signature() == self._seen:
            return False
        self.load(conn)
        return True

    def save(self, conn: sqlite3.Connection) -> None:
        """Write the whole database to the file: to a temporary file first, then renamed
        over it, so a reader never finds half a database."""
        data = conn.serialize()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".saving")
        temporary.write_bytes(data)
        try:
            temporary.replace(self.path)
        except OSError:  # a drive that cannot rename: write the file itself
            self.path.write_bytes(data)
            temporary.unlink(missing_ok=True)
        self._seen = self._signature()
