"""The store's browser mode (JupyterLite), run under CPython: the database in memory, the
file on the drive written whole after every write and read again before the next one."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from backcare import paths
from backcare.store import Store, StoreOpenError
from backcare.store import browser as browser_mode

from .drive import drive_rows


def test_not_in_the_browser_here() -> None:
    assert browser_mode.in_browser() is False


def test_sqlite_never_opens_the_drive_file(in_browser, drive_file: Path) -> None:
    with Store(drive_file) as store:
        (main,) = [row for row in store._conn.execute("PRAGMA database_list") if row[1] == "main"]
        assert main[2] == "", "the database must be in memory, not on the drive"
        person = store.add_person("Ann")
        store.add_checkin(person.id, 4, note="after the walk")
    siblings = sorted(p.name for p in drive_file.parent.iterdir())
    assert siblings == ["backcare.sqlite3"], "no journal, WAL or temporary file left behind"


def test_every_write_is_on_the_drive_at_once(in_browser, drive_file: Path) -> None:
    with Store(drive_file) as store:
        person = store.add_person("Ann")
        assert drive_rows(drive_file, "SELECT name FROM people") == [("Ann",)]
        store.add_checkin(person.id, 6, note="stiff morning")
        # Not closed yet: the check-in is already in the file.
        assert drive_rows(drive_file, "SELECT discomfort, note FROM checkins") == [
            (6, "stiff morning")
        ]


def test_a_reload_finds_the_diary(in_browser, drive_file: Path) -> None:
    with Store(drive_file) as store:
        person = store.add_person("Ann")
        store.add_checkin(person.id, 3)
    with Store(drive_file) as again:  # a new kernel after a reload or a browser restart
        frame = again.checkins_frame()
    assert list(frame["discomfort"]) == [3]


def test_two_notebooks_at_once_lose_nothing(in_browser, drive_file: Path) -> None:
    """Each open notebook has its own kernel and its own copy; each write starts from the
    file as the other left it."""
    with Store(drive_file) as first, Store(drive_file) as second:
        ann = first.add_person("Ann")
        # The second notebook sees the first one's person without writing anything.
        assert [p.name for p in second.people()] == ["Ann"]
        first.add_checkin(ann.id, 5, note="from notebook 03")
        second.add_checkin(ann.id, 4, note="from notebook 02")
        first.add_checkin(ann.id, 3, note="from notebook 03 again")
    notes = sorted(n for (n,) in drive_rows(drive_file, "SELECT note FROM checkins"))
    assert notes == ["from notebook 02", "from notebook 03", "from notebook 03 again"]


def test_a_failed_write_changes_nothing_on_the_drive(in_browser, drive_file: Path) -> None:
    with Store(drive_file) as store:
        person = store.add_person("Ann")
        before = drive_file.read_bytes()
        with pytest.raises(ValueError):
            store.add_checkin(person.id, 11)
        assert drive_file.read_bytes() == before


def test_a_damaged_drive_file_is_named_and_left_alone(in_browser, drive_file: Path) -> None:
    drive_file.parent.mkdir(parents=True)
    damaged = b"SQLite format 3\x00" + b"\x07" * 600
    drive_file.write_bytes(damaged)
    with pytest.raises(StoreOpenError, match="left as it is"):
        Store(drive_file)
    assert drive_file.read_bytes() == damaged


def test_the_image_reloads_only_when_the_file_changed(tmp_path: Path) -> None:
    path = tmp_path / "image.sqlite3"
    image = browser_mode.DatabaseImage(path)
    with (
        contextlib.closing(sqlite3.connect(":memory:", isolation_level=None)) as conn,
        contextlib.closing(sqlite3.connect(":memory:", isolation_level=None)) as other,
    ):
        image.load(conn)  # no file yet: an empty database
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        image.save(conn)
        assert image.refresh(conn) is False  # its own save is not news
        other_image = browser_mode.DatabaseImage(path)
        other_image.load(other)
        other.execute("INSERT INTO t VALUES (2)")
        other_image.save(other)
        assert image.refresh(conn) is True
        assert conn.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]


def test_the_browser_data_folder_is_on_the_drive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.setattr(paths.sys, "platform", "emscripten")
    assert paths.user_data_dir(create=False) == paths.BROWSER_DATA_DIR
    assert str(paths.BROWSER_DATA_DIR).startswith("/drive/")
