"""The next-morning answer and declined suggestions in the store: written, read, migrated,
exported and imported."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from backcare.store import MIGRATIONS, SCHEMA_VERSION, InputError, Store

AT = dt.datetime(2025, 5, 2, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))


@pytest.fixture
def store() -> Store:
    with Store(":memory:") as s:
        yield s


def test_a_morning_answer_is_kept_with_its_checkin(store: Store) -> None:
    me = store.add_person("Me").id
    first = store.add_checkin(me, 3, at=AT, morning="better")
    store.add_checkin(me, 4, at=AT + dt.timedelta(hours=1))
    assert store.checkins_frame(me)["morning"].tolist() == ["better", None]
    assert store.checkin(first)["morning"] == "better"
    before = store.update_checkin(first, morning="worse")
    assert before["morning"] == "better"
    assert store.checkin(first)["morning"] == "worse"
    store.update_checkin(first, discomfort=2)  # other edits keep the answer
    assert store.checkin(first)["morning"] == "worse"
    gone = store.delete_checkin(first)
    store.restore_checkin(gone)
    assert store.checkin(first)["morning"] == "worse"
    store.update_checkin(first, morning=None)
    assert store.checkin(first)["morning"] is None


@pytest.mark.parametrize("bad", ["awful", "Better", 1, True])
def test_a_bad_morning_answer_is_refused_and_nothing_written(store: Store, bad: object) -> None:
    me = store.add_person("Me").id
    with pytest.raises(InputError, match="morning answer must be one of better, same, worse"):
        store.add_checkin(me, 3, at=AT, morning=bad)
    with pytest.raises(InputError):
        store.check_checkin(3, at=AT, morning=bad)
    assert store.checkins_frame(me).empty


def test_morning_answers_travel_in_exports_and_import_once(store: Store) -> None:
    me = store.add_person("Me").id
    store.add_checkin(me, 3, at=AT, morning="same")
    store.add_checkin(me, 5, at=AT + dt.timedelta(days=1))
    for data, name in ((store.export_json(), "x.json"), (store.export_zip(), "x.zip")):
        with Store(":memory:") as other:
            report = other.import_bytes(data, name)
            assert not report.rejected
            assert other.checkins_frame()["morning"].tolist() == ["same", None]
            again = other.import_bytes(data, name)
            assert again.total_added == 0
            assert len(other.checkins_frame()) == 2


def test_an_export_with_a_bad_morning_answer_rejects_that_row_only(store: Store) -> None:
    me = store.add_person("Me").id
    store.add_checkin(me, 3, at=AT, morning="same")
    store.add_checkin(me, 4, at=AT + dt.timedelta(days=1), morning="worse")
    document = json.loads(store.export_json())
    document["checkins"][1]["morning"] = "<b>awful</b>"
    with Store(":memory:") as other:
        report = other.import_bytes(json.dumps(document).encode(), "x.json")
        assert other.checkins_frame()["morning"].tolist() == ["same"]
        assert any("morning answer" in why for _where, why in report.rejected)


def test_an_older_export_without_morning_answers_still_imports(store: Store) -> None:
    me = store.add_person("Me").id
    store.add_checkin(me, 3, at=AT)
    document = json.loads(store.export_json())
    for row in document["checkins"]:
        del row["morning"]
    with Store(":memory:") as other:
        report = other.import_bytes(json.dumps(document).encode(), "old.json")
        assert not report.rejected
        assert other.checkins_frame()["morning"].tolist() == [None]


def test_migrating_a_version_2_store_keeps_its_checkins(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    conn.execute(
        "INSERT INTO people (uid, name, created_at) VALUES (?, 'Old', '2024-01-01T10:00:00+00:00')",
        ("a" * 32,),
    )
    conn.execute(
        "INSERT INTO checkins (uid, person_id, at, discomfort) VALUES (?, 1, ?, 4)",
        ("b" * 32, "2024-01-02T08:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        frame = store.checkins_frame()
        assert frame["discomfort"].tolist() == [4]
        assert frame["morning"].tolist() == [None]
        store.add_checkin(1, 2, at=AT, morning="better")
        store.decline_suggestion(1, "a" * 32, "calf_stretch", "progress|3|2025-05-01|1,2,3")
        assert store.integrity_check() == "ok"
    assert Path(f"{path}.v2.bak").is_file()


def test_a_declined_suggestion_is_remembered_per_plan_and_exercise(store: Store) -> None:
    me = store.add_person("Me").id
    other = store.add_person("Other").id
    assert store.declined_suggestions(me) == {}
    store.decline_suggestion(me, "Evening", "calf_stretch", "mark-1")
    store.decline_suggestion(me, "Evening", "calf_stretch", "mark-2")  # the latest counts
    store.decline_suggestion(me, "Breaks", "calf_stretch", "mark-3")
    assert store.declined_suggestions(me) == {
        ("Evening", "calf_stretch"): "mark-2",
        ("Breaks", "calf_stretch"): "mark-3",
    }
    assert store.declined_suggestions(other) == {}
    with pytest.raises(InputError):
        store.decline_suggestion(999, "Evening", "calf_stretch", "mark")
    with pytest.raises(InputError):
        store.decline_suggestion(me, "", "calf_stretch", "mark")
