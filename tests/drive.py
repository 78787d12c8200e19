"""The browser store's file on the drive, read as the tests of ``store/browser.py`` and
``store/merge.py`` see it."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def drive_rows(path: Path, sql: str) -> list[tuple]:
    """What the file on the drive holds, read by a plain SQLite of its own."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()
