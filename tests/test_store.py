"""The store: people, routines, sessions, check-ins, validation, opening files, migrations,
and durability under several writer processes and a killed writer."""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing as mp
import os
import signal
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest

from backcare import paths
from backcare.catalog import Catalog
from backcare.routine import evening_session, workday_break
from backcare.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    InputError,
    Store,
    StoreOpenError,
)

NOW = dt.datetime.now().astimezone()


@pytest.fixture
def store() -> Store:
    with Store(":memory:") as s:
        yield s


# -- people -----------------------------------------------------------------------------------
def test_default_person_is_created_once(store: Store) -> None:
    me = store.default_person()
    assert me.name == "Me"
    assert store.default_person().id == me.id
    assert len(store.people()) == 1


def test_has_data_sees_checkins_sessions_and_routines(store: Store, catalog: Catalog) -> None:
    people = [store.add_person(name) for name in ("Empty", "Logs", "Trains", "Plans")]
    store.add_checkin(people[1].id, 3)
    store.start_session(people[2].id, workday_break(catalog), catalog)
    store.save_routine(people[3].id, workday_break(catalog))
    assert [store.has_data(p.id) for p in people] == [False, True, True, True]


def test_people_add_rename_archive(store: Store) -> None:
    ann = store.add_person("  Ann   Lee ")
    bob = store.add_person("Bob")
    assert ann.name == "Ann Lee"
    assert len(ann.uid) == 32 and ann.uid != bob.uid
    assert ann.created_at.tzinfo is not None
    store.rename_person(ann.id, "Annie")
    assert store.person(ann.id).name == "Annie"
    store.archive_person(bob.id)
    assert [p.name for p in store.people()] == ["Annie"]
    assert [p.name for p in store.people(include_archived=True)] == ["Annie", "Bob"]
    store.archive_person(bob.id, archived=False)
    assert len(store.people()) == 2


@pytest.mark.parametrize("bad", ["", "   ", "x" * 81, "a\x00b", None, 42])
def test_bad_names_are_refused(store: Store, bad: object) -> None:
    with pytest.raises(InputError):
        store.add_person(bad)  # type: ignore[arg-type]
    assert store.people() == []


def test_unknown_person(store: Store) -> None:
    with pytest.raises(InputError, match="person"):
        store.person(99)
    with pytest.raises(InputError, match="unknown person"):
        store.add_checkin(99, 3)
    assert store.checkins_frame().empty


# -- routines -------------------------------------------------------------------------------
def test_save_routine_replaces_same_name(store: Store, catalog: Catalog) -> None:
    me = store.default_person()
    routine = evening_session(catalog)
    first = store.save_routine(me.id, routine)
    changed = routine.with_prescription(routine.items[0].exercise_id, sets=3)
    assert store.save_routine(me.id, changed) == first
    saved = store.routines(me.id, catalog)
    assert len(saved) == 1
    assert saved[0].routine == changed
    assert saved[0].saved_at.tzinfo is not None
    store.save_routine(me.id, workday_break(catalog))
    assert {s.name for s in store.routines(me.id, catalog)} == {
        routine.name,
        "Workday break: " + catalog.group("hip_pelvis").name,
    }
    other = store.add_person("Client")
    assert store.routines(other.id, catalog) == []


# -- sessions -------------------------------------------------------------------------------
def test_session_stores_planned_beside_performed(store: Store, catalog: Catalog) -> None:
    me = store.default_person()
    routine = workday_break(catalog)
    timeline = routine.steps(catalog)
    sid = store.start_session(me.id, routine, catalog)
    steps = store.steps_frame()
    assert len(steps) == len(timeline)
    assert (steps["status"] == "planned").all()
    assert list(steps["kind"]) == [s.kind.value for s in timeline]
    work = [s for s in timeline if s.kind.is_work]
    assert steps["is_work"].sum() == len(work)
    assert steps.loc[steps["is_work"], "group"].eq("hip_pelvis").all()

    store.record_step(sid, work[0].index, "done", performed_seconds=31.5)
    store.record_step(sid, work[1].index, "skipped")
    store.record_hurt(sid, work[0].exercise_id, True)
    store.finish_session(sid, "stopped")

    sessions = store.sessions_frame(me.id)
    row = sessions.iloc[0]
    assert row["status"] == "stopped"
    assert row["planned_steps"] == len(work)
    assert row["done_steps"] == 1 and row["skipped_steps"] == 1
    assert math.isclose(row["completion"], 1 / len(work))
    assert row["groups"] == "hip_pelvis"
    assert row["exercises"].split(",") == list(dict.fromkeys(s.exercise_id for s in work))
    assert row["hurt_exercises"] == work[0].exercise_id
    assert row["ended_at"] >= row["started_at"]
    done = store.steps_frame().set_index("step_index").loc[work[0].index]
    assert done["status"] == "done" and done["performed_seconds"] == 31.5
    assert done["completed_at"].tzinfo is not None
    # the routine is kept as it was when the session started
    assert store.session_routine(sid, catalog) == routine


def test_completion_counts_only_work_steps(store: Store, catalog: Catalog) -> None:
    me = store.default_person()
    routine = workday_break(catalog)
    sid = store.start_session(me.id, routine, catalog)
    for step in routine.steps(catalog):
        store.record_step(sid, step.index, "done")  # rests and switches too
    store.finish_session(sid)
    row = store.sessions_frame().iloc[0]
    assert row["completion"] == 1.0
    assert row["done_steps"] == sum(s.kind.is_work for s in routine.steps(catalog))


def test_session_bad_input(store: Store, catalog: Catalog) -> None:
    me = store.default_person()
    sid = store.start_session(me.id, workday_break(catalog), catalog)
    with pytest.raises(InputError):
        store.record_step(sid, 1, "maybe")
    with pytest.raises(InputError, match="no step"):
        store.record_step(sid, 999, "done")
    with pytest.raises(InputError):
        store.record_step(sid, 1, "done", performed_seconds=-3)
    with pytest.raises(InputError):
        store.finish_session(sid, "exploded")
    with pytest.raises(InputError):
        store.finish_session(12345)
    with pytest.raises(InputError, match="future"):
        store.start_session(me.id, workday_break(catalog), catalog, NOW + dt.timedelta(days=3))
    assert (store.steps_frame()["status"] == "planned").all()
    assert len(store.sessions_frame()) == 1


def test_empty_frames_have_columns(store: Store) -> None:
    assert list(store.sessions_frame().columns[:12]) == [
        "session_id",
        "person_id",
        "routine_name",
        "started_at",
        "ended_at",
        "status",
        "planned_steps",
        "done_steps",
        "skipped_steps",
        "completion",
        "groups",
        "exercises",
    ]
    assert {"session_id", "step_index", "kind", "status", "completed_at"} <= set(
        store.steps_frame().columns
    )
    checkins = store.checkins_frame()
    assert list(checkins.columns) == [
        "checkin_id",
        "person_id",
        "at",
        "discomfort",
        "peg_pain",
        "peg_enjoyment",
        "peg_activity",
        "peg",
        "note",
        "context",
        "session_id",
        "morning",
    ]
    assert isinstance(checkins["at"].dtype, pd.DatetimeTZDtype)


# -- check-ins ------------------------------------------------------------------------------
def test_checkin_round_trip(store: Store, catalog: Catalog) -> None:
    me = store.default_person()
    sid = store.start_session(me.id, workday_break(catalog), catalog)
    at = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    cid = store.add_checkin(
        me.id, 6, at=at, peg=(5, 4, 3), note="stiff", context="before", session_id=sid
    )
    store.add_checkin(me.id, 2)
    frame = store.checkins_frame(me.id)
    first = frame.iloc[0]
    assert first["checkin_id"] == cid
    assert first["at"] == pd.Timestamp(at)  # same instant, offset kept in the file
    assert first["discomfort"] == 6
    assert first["peg"] == 4.0
    assert first["note"] == "stiff" and first["context"] == "before"
    assert first["session_id"] == sid
    assert math.isnan(frame.iloc[1]["peg"])
    assert pd.isna(frame.iloc[1]["session_id"])
    assert store.checkin(cid)["at"] == at
    assert store.checkin(cid)["at"].utcoffset() == dt.timedelta(hours=-5)


def test_checkins_in_time_order_across_offsets(store: Store) -> None:
    me = store.default_person()
    utc = dt.UTC
    plus9 = dt.timezone(dt.timedelta(hours=9))
    store.add_checkin(me.id, 1, at=dt.datetime(2024, 1, 1, 12, 0, tzinfo=utc))
    store.add_checkin(me.id, 2, at=dt.datetime(2024, 1, 1, 18, 0, tzinfo=plus9))  # 09:00 UTC
    assert list(store.checkins_frame()["discomfort"]) == [2, 1]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"discomfort": 11}, "0 to 10"),
        ({"discomfort": -1}, "0 to 10"),
        ({"discomfort": 4.5}, "whole number"),
        ({"discomfort": "5"}, "whole number"),
        ({"discomfort": True}, "whole number"),
        ({"discomfort": float("nan")}, "whole number"),
        ({"discomfort": 3, "peg": (1, 2)}, "three"),
        ({"discomfort": 3, "peg": (1, 2, 11)}, "PEG"),
        ({"discomfort": 3, "note": "x" * 1001}, "1,000"),
        ({"discomfort": 3, "context": "lunch"}, "context"),
        ({"discomfort": 3, "at": NOW + dt.timedelta(days=2)}, "future"),
        ({"discomfort": 3, "at": "yesterday"}, "date"),
        ({"discomfort": 3, "session_id": 77}, "session"),
    ],
)
def test_bad_checkins_write_nothing(store: Store, fields: dict, message: str) -> None:
    me = store.default_person()
    with pytest.raises(InputError, match=message):
        store.add_checkin(me.id, **fields)
    assert store.checkins_frame().empty


def test_checkin_accepts_edges(store: Store) -> None:
    me = store.default_person()
    store.add_checkin(me.id, 0, note="x" * 1000)
    store.add_checkin(me.id, 10.0, at=NOW + dt.timedelta(hours=20), peg=(0, 10, 5))
    assert list(store.checkins_frame()["discomfort"]) == [0, 10]


def test_update_and_undo(store: Store) -> None:
    me = store.default_person()
    cid = store.add_checkin(me.id, 4, note="before edit")
    before = store.update_checkin(cid, discomfort=7, note="after edit", peg=(1, 2, 3))
    assert before["discomfort"] == 4
    row = store.checkin(cid)
    assert (row["discomfort"], row["note"], row["peg_pain"]) == (7, "after edit", 1)
    store.update_checkin(cid, peg_pain=9)
    assert store.checkin(cid)["peg_activity"] == 3 and store.checkin(cid)["peg_pain"] == 9
    with pytest.raises(InputError):
        store.update_checkin(cid, discomfort=12)
    with pytest.raises(InputError, match="no field"):
        store.update_checkin(cid, mood="good")
    assert store.checkin(cid)["discomfort"] == 7
    assert store.restore_checkin(before) == cid
    row = store.checkin(cid)
    assert (row["discomfort"], row["note"], row["peg_pain"]) == (4, "before edit", None)


def test_delete_and_undo(store: Store) -> None:
    me = store.default_person()
    keep = store.add_checkin(me.id, 1)
    gone = store.add_checkin(me.id, 5, note="oops", peg=(2, 2, 2))
    row = store.delete_checkin(gone)
    assert list(store.checkins_frame()["checkin_id"]) == [keep]
    with pytest.raises(InputError):
        store.delete_checkin(gone)
    assert store.restore_checkin(row) == gone
    frame = store.checkins_frame()
    assert list(frame["checkin_id"]) == [keep, gone]
    assert frame.iloc[1]["note"] == "oops" and frame.iloc[1]["peg"] == 2.0
    assert store.checkin(gone)["uid"] == row["uid"]


def test_two_stores_do_not_share_state() -> None:
    with Store(":memory:") as a, Store(":memory:") as b:
        a.add_checkin(a.default_person().id, 3)
        assert b.checkins_frame().empty
        assert b.people() == []


# -- opening files --------------------------------------------------------------------------
def test_default_path_is_in_the_data_folder(data_dir: Path) -> None:
    with Store() as store:
        store.add_checkin(store.default_person().id, 2)
    assert paths.store_path().parent == data_dir.resolve()
    with Store() as again:
        assert len(again.checkins_frame()) == 1
        assert again.integrity_check() == "ok"
        assert again._one("PRAGMA journal_mode")[0] == "wal"
        assert again._one("PRAGMA foreign_keys")[0] == 1
        assert again.schema_version == SCHEMA_VERSION


def _refused(path: Path, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreOpenError, match=match):
        Store(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_garbage_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "backcare.sqlite3"
    path.write_bytes(b"\x00\x01 not a database " * 100)
    _refused(path, "not a backcare data file")


def test_foreign_sqlite_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.close()
    _refused(path, "another program")


def test_newer_schema_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    _refused(path, "newer backcare")


def test_damaged_store_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    with Store(path) as store:
        me = store.default_person()
        for n in range(300):
            store.add_checkin(me.id, n % 11, note=f"note {n} " * 20)
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store._conn.execute("PRAGMA journal_mode = DELETE")
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = os.urandom(page * 4)  # scramble pages past the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreOpenError):
        Store(path)
    assert path.read_bytes() == bytes(data)


def test_directory_in_the_way(tmp_path: Path) -> None:
    folder = tmp_path / "dir.sqlite3"
    folder.mkdir()
    with pytest.raises(StoreOpenError, match="not a file"):
        Store(folder)


def test_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION


# -- migrations -----------------------------------------------------------------------------
# The version 1 schema, written out by hand as the first release created it.
_V1_BY_HAND = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE people (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)), created_at TEXT NOT NULL);
CREATE TABLE routines (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id), name TEXT NOT NULL,
    routine_json TEXT NOT NULL, saved_at TEXT NOT NULL, UNIQUE (person_id, name));
CREATE TABLE sessions (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id), routine_name TEXT NOT NULL,
    routine_json TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'started');
CREATE TABLE steps (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    step_index INTEGER NOT NULL, kind TEXT NOT NULL, exercise_id TEXT, group_id TEXT, side TEXT,
    set_number INTEGER, planned_seconds REAL NOT NULL, performed_seconds REAL NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'planned', completed_at TEXT, UNIQUE (session_id, step_index));
CREATE TABLE checkins (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,
    person_id INTEGER NOT NULL REFERENCES people(id), at TEXT NOT NULL,
    discomfort INTEGER NOT NULL CHECK (discomfort BETWEEN 0 AND 10),
    note TEXT NOT NULL DEFAULT '', context TEXT NOT NULL DEFAULT 'daily');
INSERT INTO people VALUES (1, '{"a" * 32}', 'Old timer', 0, '2023-05-01T10:00:00+02:00');
INSERT INTO checkins VALUES (1, '{"b" * 32}', 1, '2023-05-02T21:00:00+02:00', 6, 'first', 'daily');
INSERT INTO checkins VALUES (2, '{"c" * 32}', 1, '2023-05-03T21:00:00+02:00', 4, '', 'after');
PRAGMA user_version = 1;
"""


def test_migrations_are_listed_in_order() -> None:
    assert len(MIGRATIONS) == SCHEMA_VERSION >= 2


def test_migrating_from_version_1_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(_V1_BY_HAND)
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [p.name for p in store.people()] == ["Old timer"]
        frame = store.checkins_frame()
        assert list(frame["discomfort"]) == [6, 4]
        assert list(frame["note"]) == ["first", ""]
        assert frame["peg"].isna().all()
        # new columns work after the upgrade
        store.add_checkin(1, 3, peg=(3, 3, 3))
        assert store.checkins_frame()["peg"].iloc[-1] == 3.0
        assert store.integrity_check() == "ok"
    backup = Path(f"{path}.v1.bak")
    assert backup.is_file()
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT count(*) FROM checkins").fetchone()[0] == 2
    old.close()
    with Store(path) as again:  # opening again changes nothing
        assert len(again.checkins_frame()) == 3


def test_store_matches_the_hand_written_v1_plus_migrations(tmp_path: Path) -> None:
    """A fresh store and an upgraded v1 store end with the same tables and columns."""
    fresh_path, old_path = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    Store(fresh_path).close()
    conn = sqlite3.connect(old_path)
    conn.executescript(_V1_BY_HAND)
    conn.close()
    Store(old_path).close()

    def shape(path: Path) -> dict[str, list[str]]:
        with sqlite3.connect(path) as c:
            tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            result = {t: [r[1] for r in c.execute(f"PRAGMA table_info({t})")] for t in tables}
        c.close()
        return result

    assert shape(fresh_path) == shape(old_path)


# -- durability at small scale --------------------------------------------------------------
def _writer(path: str, person_id: int, count: int) -> None:
    with Store(path) as store:
        for n in range(count):
            store.add_checkin(person_id, n % 11, note=f"w{os.getpid()}-{n}")


def _endless_writer(path: str, person_id: int, log_path: str) -> None:
    with Store(path) as store, Path(log_path).open("a", encoding="utf-8") as committed:
        n = 0
        while True:
            cid = store.add_checkin(person_id, n % 11, note=f"endless {n}")
            committed.write(f"{cid}\n")
            committed.flush()
            n += 1


def test_several_writer_processes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with Store(path) as store:
        me = store.default_person()
    ctx = mp.get_context("spawn")
    writers = [ctx.Process(target=_writer, args=(str(path), me.id, 40)) for _ in range(3)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    with Store(path) as store:
        assert len(store.checkins_frame()) == 120
        assert store.integrity_check() == "ok"


def test_killed_writer_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    log_path = tmp_path / "committed.txt"
    with Store(path) as store:
        me = store.default_person()
    ctx = mp.get_context("spawn")
    for _ in range(3):
        writer = ctx.Process(target=_endless_writer, args=(str(path), me.id, str(log_path)))
        writer.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # wait until it has committed something
            if log_path.exists() and log_path.stat().st_size > 0:
                break
            time.sleep(0.02)
        time.sleep(0.1)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(10)
        assert writer.exitcode == -signal.SIGKILL
    committed = {int(line) for line in log_path.read_text().split()}
    assert committed
    with Store(path) as store:
        found = set(store.checkins_frame()["checkin_id"])
        assert committed <= found
        assert store.integrity_check() == "ok"
