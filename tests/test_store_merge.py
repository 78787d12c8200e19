"""Two notebooks saving the browser store at the same moment (run under CPython).

Each open notebook in JupyterLite has its own kernel and its own copy of the database, saved
whole to one file on the drive. The race: notebook B starts a write from the file, notebook A
saves while B's write runs, then B saves. Here A's save is made to happen inside B's, by
running it just before B's own save (a faithful interleaving of the two kernels).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from backcare.store import Store
from backcare.store import browser as browser_mode
from backcare.store.merge import merge, row_tables

from .drive import drive_rows


@pytest.fixture
def during_next_save(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], object]], None]:
    """``during_next_save(action)``: the next save of any store first runs ``action`` (the
    other notebook saving in the middle of this one's write)."""
    original = browser_mode.DatabaseImage.save
    pending: list[Callable[[], object]] = []

    def save(self: browser_mode.DatabaseImage, conn: sqlite3.Connection) -> None:
        if pending:
            pending.pop()()
        original(self, conn)

    monkeypatch.setattr(browser_mode.DatabaseImage, "save", save)
    return pending.append


def test_a_save_in_the_middle_of_another_write_is_kept(
    in_browser, drive_file: Path, during_next_save
) -> None:
    with Store(drive_file) as log_page, Store(drive_file) as session_page:
        ann = log_page.add_person("Ann")
        session_page.people()  # the session page has read the file
        checkin: list[int] = []
        during_next_save(lambda: checkin.append(log_page.add_checkin(ann.id, 5, note="03")))
        ben = session_page.add_person("Ben")
        # Both changes are in the file, each row with the id its page was given.
        assert drive_rows(drive_file, "SELECT id, name FROM people ORDER BY id") == [
            (ann.id, "Ann"),
            (ben.id, "Ben"),
        ]
        assert drive_rows(drive_file, "SELECT id, note FROM checkins") == [(checkin[0], "03")]
        # And each page sees both.
        assert list(session_page.checkins_frame()["note"]) == ["03"]
        assert sorted(p.name for p in log_page.people()) == ["Ann", "Ben"]


def test_an_undo_during_another_write_is_kept(
    in_browser, drive_file: Path, during_next_save
) -> None:
    with Store(drive_file) as log_page, Store(drive_file) as other:
        ann = log_page.add_person("Ann")
        wrong = log_page.add_checkin(ann.id, 9, note="typed 9, meant 3")
        other.people()
        during_next_save(lambda: log_page.delete_checkin(wrong))
        other.add_person("Ben")
        assert drive_rows(drive_file, "SELECT note FROM checkins") == []
        assert drive_rows(drive_file, "SELECT name FROM people ORDER BY id") == [("Ann",), ("Ben",)]


def test_two_checkins_in_the_same_instant_one_is_refused_in_words(
    in_browser, drive_file: Path, during_next_save
) -> None:
    """Both pages add a check-in with the same next id: the later one cannot be put on top
    without changing an id a page holds, so it is not saved, and the page is told."""
    with Store(drive_file) as first, Store(drive_file) as second:
        ann = first.add_person("Ann")
        second.people()
        during_next_save(lambda: first.add_checkin(ann.id, 5, note="from the log"))
        with pytest.raises(browser_mode.SaveClashError, match="Not saved"):
            second.add_checkin(ann.id, 4, note="after the session")
        assert drive_rows(drive_file, "SELECT note FROM checkins") == [("from the log",)]
        # The refused page now holds the file's version, not a row that is nowhere else.
        assert list(second.checkins_frame()["note"]) == ["from the log"]
        second.add_checkin(ann.id, 4, note="after the session")  # saving again works
    notes = sorted(n for (n,) in drive_rows(drive_file, "SELECT note FROM checkins"))
    assert notes == ["after the session", "from the log"]


def test_a_change_with_the_same_size_and_time_is_still_seen(in_browser, drive_file: Path) -> None:
    """SQLite files grow by whole pages and the drive's clock has a tick: a save by another
    page can leave size and time as they were. A write still starts from the new contents."""
    with Store(drive_file) as first, Store(drive_file) as second:
        ann = first.add_person("Ann")
        second.people()
        before = drive_file.stat()
        first.add_checkin(ann.id, 5, note="from the log")
        os.utime(drive_file, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert drive_file.stat().st_size == before.st_size  # the case this test is about
        second.add_checkin(ann.id, 4, note="after the session")  # no clash: it saw the first
    notes = sorted(n for (n,) in drive_rows(drive_file, "SELECT note FROM checkins"))
    assert notes == ["after the session", "from the log"]


def test_two_pages_opening_a_new_store_at_once(
    in_browser, drive_file: Path, during_next_save
) -> None:
    opened: list[Store] = []
    during_next_save(lambda: opened.append(Store(drive_file)))
    with Store(drive_file) as second:
        with opened[0] as first:
            first.add_person("Ann")
        assert [p.name for p in second.people()] == ["Ann"]
        assert second.integrity_check() == "ok"


def test_every_table_can_be_merged_row_by_row() -> None:
    """Merging matches rows by an integer primary key: every table of the store needs one
    (a new table without it would make every clash a refusal)."""
    with Store(":memory:") as store:
        tables = row_tables(store._conn)
    assert tables is not None
    assert {"people", "checkins", "sessions", "steps", "plans"} <= set(tables)


def _database(sql: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(sql)
    return conn


def test_merge_refuses_a_row_both_changed() -> None:
    base = _database(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t VALUES (1, 'a');"
    )
    ours = _database(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t VALUES (1, 'b');"
    )
    theirs = _database(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t VALUES (1, 'c');"
    )
    assert merge(base.serialize(), ours, theirs.serialize()) is None
    same = _database(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t VALUES (1, 'b');"
    )
    merged = merge(base.serialize(), ours, same.serialize())  # both made the same change
    assert merged is not None
    result = sqlite3.connect(":memory:")
    result.deserialize(merged)
    assert result.execute("SELECT id, x FROM t").fetchall() == [(1, "b")]


def test_merge_keeps_their_rows_and_adds_ours() -> None:
    schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);"
    base = _database(schema + "INSERT INTO t VALUES (1, 'a');")
    ours = _database(schema + "INSERT INTO t VALUES (1, 'a'); INSERT INTO t VALUES (3, 'ours');")
    theirs = _database(schema + "INSERT INTO t VALUES (1, 'a'); INSERT INTO t VALUES (2, 'x');")
    merged = merge(base.serialize(), ours, theirs.serialize())
    assert merged is not None
    result = sqlite3.connect(":memory:")
    result.deserialize(merged)
    assert result.execute("SELECT id, x FROM t ORDER BY id").fetchall() == [
        (1, "a"),
        (2, "x"),
        (3, "ours"),
    ]
