"""Export (JSON and a zip of CSVs) and import: round trips, idempotence, per person,
neutralised formulas, and files that must be refused without writing anything."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from backcare import paths
from backcare.catalog import Catalog
from backcare.routine import Timing, workday_break
from backcare.store import (
    EXPORT_FORMAT,
    MAX_IMPORT_BYTES,
    ImportReport,
    InputError,
    Store,
    neutralise_cell,
)

HOSTILE = "<script>alert(1)</script>"


def _fill(store: Store, catalog: Catalog) -> tuple[int, int]:
    """Two people with a routine, a session and check-ins each."""
    ann = store.add_person("Ann")
    bob = store.add_person(HOSTILE)
    for person, base in ((ann, 2), (bob, 6)):
        routine = workday_break(catalog)
        store.save_routine(person.id, routine)
        sid = store.start_session(person.id, routine, catalog)
        work = [s for s in routine.steps(catalog) if s.kind.is_work]
        store.record_step(sid, work[0].index, "done", 30.0)
        store.record_step(sid, work[1].index, "skipped")
        store.record_hurt(sid, work[0].exercise_id, True)
        store.record_pain_during(sid, work[0].exercise_id, base + 1)
        store.finish_session(sid, "stopped")
        store.add_checkin(person.id, base, context="before", session_id=sid)
        store.add_checkin(person.id, base + 1, peg=(base, 3, 4), note="=SUM(A1:A9)")
        store.add_checkin(person.id, base - 1, note="-2 better\nsecond line, with a comma")
        plan_uid = store.export_records(person.id)["plans"][0]["uid"]
        store.decline_suggestion(person.id, plan_uid, work[0].exercise_id, f"data-{base}")
        store.save_cue_settings(person.id, {"speak": base > 4, "volume": 0.5, "voice": "=x"})
    return ann.id, bob.id


def _comparable(store: Store) -> dict[str, list]:
    """The data a person would recognise, without local ids."""
    records = store.export_records()
    for table in records.values():
        table.sort(key=lambda r: r["uid"])
    return records


@pytest.mark.parametrize("kind", ["json", "zip"])
def test_round_trip_everything(catalog: Catalog, kind: str) -> None:
    with Store(":memory:") as source, Store(":memory:") as target:
        _fill(source, catalog)
        data = source.export_json() if kind == "json" else source.export_zip()
        report = target.import_bytes(data, f"export.{kind}")
        assert report.rejected == []
        assert report.added == {
            "people": 2,
            "plans": 2,
            "plan_events": 2,
            "sessions": 2,
            "steps": len(source.steps_frame()),
            "hurts": 2,
            "pain_during": 2,
            "checkins": 6,
            "declined": 2,
            "settings": 2,
        }
        assert _comparable(target) == _comparable(source)
        # what the person chose around their sessions comes back with the rest
        for person in source.people():
            (twin,) = [p for p in target.people() if p.uid == person.uid]
            assert target.cue_settings(twin.id) == source.cue_settings(person.id)
            assert target.declined_suggestions(twin.id) == source.declined_suggestions(person.id)
        pd.testing.assert_frame_equal(
            target.pain_during_frame().drop(columns=["session_id", "person_id"]),
            source.pain_during_frame().drop(columns=["session_id", "person_id"]),
        )
        pd.testing.assert_frame_equal(
            target.checkins_frame().drop(columns=["checkin_id", "person_id", "session_id"]),
            source.checkins_frame().drop(columns=["checkin_id", "person_id", "session_id"]),
        )
        cols = ["completion", "done_steps", "skipped_steps", "hurt_exercises", "groups"]
        pd.testing.assert_frame_equal(target.sessions_frame()[cols], source.sessions_frame()[cols])


@pytest.mark.parametrize("kind", ["json", "zip"])
def test_import_twice_adds_nothing(catalog: Catalog, kind: str) -> None:
    with Store(":memory:") as source, Store(":memory:") as target:
        _fill(source, catalog)
        data = source.export_json() if kind == "json" else source.export_zip()
        target.import_bytes(data, "first")
        before = _comparable(target)
        again = target.import_bytes(data, "second")
        assert again.total_added == 0
        assert again.skipped["checkins"] == 6 and again.skipped["people"] == 2
        assert "added nothing" in again.summary()
        assert _comparable(target) == before
        # and importing into the store it came from adds nothing either
        assert source.import_bytes(data, "own").total_added == 0


def test_the_latest_declined_suggestion_and_settings_count(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(":memory:") as laptop, Store(":memory:") as phone:
        ann, _ = _fill(laptop, catalog)
        phone.import_bytes(laptop.export_json(), "first.json")
        (twin,) = [p.id for p in phone.people() if p.name == "Ann"]
        # an hour later, on the phone: a new data mark and louder beeps
        later = dt.datetime.now().astimezone() + dt.timedelta(hours=1)
        for module in ("decisions", "session_notes"):
            monkeypatch.setattr(f"backcare.store.{module}._now", lambda: later)
        (key,) = phone.declined_suggestions(twin)
        phone.decline_suggestion(twin, *key, "data-later")
        phone.save_cue_settings(twin, {"speak": False, "volume": 1.0, "voice": "=x"})
        # the laptop's older copy does not undo them ...
        report = phone.import_bytes(laptop.export_json(ann), "old.json")
        assert report.kept == {"declined": 1, "settings": 1}
        assert "kept 1 declined suggestion, 1 person's session settings of the log's own" in (
            report.summary()
        )
        assert phone.declined_suggestions(twin)[key] == "data-later"
        assert phone.cue_settings(twin)["volume"] == 1.0
        # ... and the phone's newer copy replaces the laptop's
        report = laptop.import_bytes(phone.export_zip(twin), "phone.zip")
        assert report.updated == {"declined": 1, "settings": 1}
        assert laptop.declined_suggestions(ann)[key] == "data-later"
        assert laptop.cue_settings(ann)["volume"] == 1.0


def test_settings_in_a_file_are_plain_values(catalog: Catalog) -> None:
    with Store(":memory:") as source, Store(":memory:") as target:
        _fill(source, catalog)
        document = json.loads(source.export_json())
        document["settings"][0]["settings"] = {"voice": {"nested": [1, 2]}}
        document["declined"][0]["data_mark"] = ""
        report = target.import_bytes(json.dumps(document).encode(), "edited.json")
        assert (
            "person's session settings 1",
            "settings are a few plain values (on/off, numbers)",
        ) in (report.rejected)
        assert any(
            where == "declined suggestion 1" and "which mark was declined" in why
            for where, why in report.rejected
        )
        assert report.added["settings"] == 1 and report.added["checkins"] == 6


def test_export_one_person(catalog: Catalog) -> None:
    with Store(":memory:") as source, Store(":memory:") as target:
        ann, bob = _fill(source, catalog)
        document = json.loads(source.export_json(ann))
        assert document["format"] == EXPORT_FORMAT and document["version"] == 2
        assert [p["name"] for p in document["people"]] == ["Ann"]
        assert len(document["checkins"]) == 3 and len(document["sessions"]) == 1
        report = target.import_bytes(source.export_zip(bob), "bob.zip")
        assert report.added["people"] == 1 and report.added["checkins"] == 3
        assert [p.name for p in target.people()] == [HOSTILE]


def test_merge_adds_only_new_rows(catalog: Catalog) -> None:
    with Store(":memory:") as phone, Store(":memory:") as laptop:
        ann, _ = _fill(phone, catalog)
        laptop.import_bytes(phone.export_json(), "first.json")
        phone.add_checkin(ann, 9, note="new one")
        report = laptop.import_bytes(phone.export_json(), "second.json")
        assert report.added["checkins"] == 1
        assert report.total_added == 1
        assert "added 1 check-in" in report.summary()
        assert "new one" in set(laptop.checkins_frame()["note"])


def _routine_conflict(catalog: Catalog, *, file_newer: bool) -> tuple[Store, bytes, str]:
    """A laptop and a phone share Ann; each then saves its own routine called "Lunch"
    (different content, different uid). Returns the laptop, the phone's export and the
    text of the phone's routine."""
    phone = Store(":memory:")
    laptop = Store(":memory:")
    ann = phone.add_person("Ann")
    laptop.import_bytes(phone.export_json(), "people.json")
    base = replace(workday_break(catalog), name="Lunch")
    phone_routine = replace(base, timing=Timing(rest_between_exercises_seconds=30))
    phone.save_routine(ann.id, phone_routine)
    laptop.save_routine(laptop.default_person().id, base)
    document = json.loads(phone.export_json())
    laptop_saved = laptop.export_records()["plan_events"][0]["at"]
    shift = dt.timedelta(hours=1 if file_newer else -1)
    document["plan_events"][0]["at"] = (dt.datetime.fromisoformat(laptop_saved) + shift).isoformat()
    phone_json = json.dumps(phone_routine.to_dict(), sort_keys=True)
    phone.close()
    return laptop, json.dumps(document).encode(), phone_json


def _followed(laptop: Store, catalog: Catalog) -> list[tuple[str, str]]:
    """The routines Ann follows now on the laptop, as (name, content)."""
    ann = laptop.default_person().id
    return [
        (s.name, json.dumps(s.routine.to_dict(), sort_keys=True))
        for s in laptop.routines(ann, catalog)
    ]


def test_same_name_routine_newer_in_file_joins_the_plan_and_is_followed(
    catalog: Catalog,
) -> None:
    laptop, data, phone_json = _routine_conflict(catalog, file_newer=True)
    with laptop:
        report = laptop.import_bytes(data, "phone.json")
        # one plan, two versions: the phone's, saved last, is followed now
        assert _followed(laptop, catalog) == [("Lunch", phone_json)]
        assert report.added == {**report.added, "plans": 0, "plan_events": 1}
        assert len(laptop.export_records()["plans"]) == 1
        history = laptop.plan_history(laptop.default_person().id, catalog)
        assert [p.versions for p in history.plans()] == [2]
        assert "added 1 plan change" in report.summary()
        assert any("Lunch" in line and "saved last" in line for line in report.details())
        # the same file again changes nothing
        before = laptop.export_records()
        again = laptop.import_bytes(data, "phone.json")
        assert laptop.export_records() == before
        assert again.total_added == 0 and again.total_updated == 0


def test_same_name_routine_older_in_file_keeps_the_log_s_version(catalog: Catalog) -> None:
    laptop, data, phone_json = _routine_conflict(catalog, file_newer=False)
    with laptop:
        report = laptop.import_bytes(data, "phone.json")
        (followed,) = _followed(laptop, catalog)
        assert followed[0] == "Lunch" and followed[1] != phone_json
        assert report.added["plan_events"] == 1  # kept in the history, not in force
        before = laptop.export_records()
        laptop.import_bytes(data, "phone.json")
        assert laptop.export_records() == before


def test_same_name_identical_routine_is_skipped(catalog: Catalog) -> None:
    with Store(":memory:") as phone, Store(":memory:") as laptop:
        ann = phone.add_person("Ann")
        laptop.import_bytes(phone.export_json(), "people.json")
        phone.save_routine(ann.id, workday_break(catalog))
        laptop.save_routine(laptop.default_person().id, workday_break(catalog))
        report = laptop.import_bytes(phone.export_json(), "phone.json")
        assert report.skipped["plan_events"] == 1 and report.added["plan_events"] == 0
        assert report.total_updated == 0 and not report.kept
        assert len(_followed(laptop, catalog)) == 1


def test_report_names_the_people_it_added(catalog: Catalog) -> None:
    with Store(":memory:") as source, Store(":memory:") as target:
        _fill(source, catalog)
        report = target.import_bytes(source.export_json(), "all.json")
        assert sorted(report.people_added) == sorted(p.uid for p in source.people())
        assert target.import_bytes(source.export_json(), "all.json").people_added == []


def test_csv_formulas_are_neutralised(catalog: Catalog) -> None:
    with Store(":memory:") as store:
        person = store.add_person("=HYPERLINK(1)")
        store.add_checkin(person.id, 4, note="+1 again")
        store.add_checkin(person.id, 3, note="@here")
        store.add_checkin(person.id, 2, note="-2 better")
        store.add_checkin(person.id, 1, note="'quoted")
        store.add_checkin(person.id, 0, note="plain")
        archive = zipfile.ZipFile(io.BytesIO(store.export_zip()))
        people = list(csv.DictReader(io.StringIO(archive.read("people.csv").decode())))
        assert people[0]["name"] == "'=HYPERLINK(1)"
        checkins = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
        notes = [row["note"] for row in checkins]
        assert notes == ["'+1 again", "'@here", "'-2 better", "''quoted", "plain"]
        for row in checkins:
            assert not row["note"].startswith(("=", "+", "-", "@", "\t", "\r"))
            assert row["discomfort"].isdigit()  # numbers stay numbers
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["tables"]["checkins"] == 5
        # and the exact text comes back on import
        with Store(":memory:") as other:
            other.import_bytes(store.export_zip(), "x.zip")
            assert list(other.checkins_frame()["note"]) == [
                "+1 again",
                "@here",
                "-2 better",
                "'quoted",
                "plain",
            ]
            assert other.people()[0].name == "=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("-x", "'-x"), ("ok", "ok"), (-3, -3), (2.5, 2.5), ("", ""), (None, None)],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


# -- refusals: nothing written --------------------------------------------------------------
def _export(catalog: Catalog) -> dict:
    with Store(":memory:") as source:
        _fill(source, catalog)
        return json.loads(source.export_json())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n binary", "neither"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "not a backcare export"),
        (json.dumps({"format": "other.app", "version": 1}).encode(), "not a backcare export"),
        (json.dumps({"format": EXPORT_FORMAT, "version": 3}).encode(), "version 3"),
        (json.dumps({"format": EXPORT_FORMAT}).encode(), "version None"),
        (json.dumps({"format": EXPORT_FORMAT, "version": 1, "people": {}}).encode(), "list"),
        (b"PK\x03\x04 broken zip", "zip"),
    ],
)
def test_bad_files_are_refused(data: bytes, message: str) -> None:
    with Store(":memory:") as store:
        with pytest.raises(InputError, match=message):
            store.import_bytes(data, "upload.bin")
        assert store.people() == [] and store.checkins_frame().empty


def test_oversized_file_is_refused() -> None:
    with Store(":memory:") as store:
        data = b'{"format": "backcare.export", "version": 1, "pad": "' + b"x" * MAX_IMPORT_BYTES
        with pytest.raises(InputError, match="too large"):
            store.import_bytes(data + b'"}', "huge.json")
        assert store.people() == []


def test_zip_without_manifest_or_wrong_version(catalog: Catalog) -> None:
    with Store(":memory:") as store:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("checkins.csv", "uid,note\n")
        with pytest.raises(InputError, match="manifest"):
            store.import_bytes(buffer.getvalue(), "x.zip")
        _fill(store, catalog)
        original = zipfile.ZipFile(io.BytesIO(store.export_zip()))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in original.namelist():
                content = original.read(name)
                if name == "manifest.json":
                    manifest = json.loads(content)
                    manifest["version"] = 7
                    content = json.dumps(manifest).encode()
                archive.writestr(name, content)
        with Store(":memory:") as fresh:
            with pytest.raises(InputError, match="version 7"):
                fresh.import_bytes(buffer.getvalue(), "x.zip")
            assert fresh.people() == []


def test_invalid_rows_are_rejected_with_reasons(catalog: Catalog) -> None:
    document = _export(catalog)
    checkins = document["checkins"]
    checkins[0]["discomfort"] = 11
    checkins[2]["at"] = (dt.datetime.now().astimezone() + dt.timedelta(days=5)).isoformat()
    checkins[3]["discomfort"] = "a lot"
    checkins[4]["note"] = "x" * 1001
    checkins[5]["person_uid"] = "f" * 32  # nobody
    # a third person is refused (empty name), and so is their check-in
    document["people"].append({**document["people"][0], "uid": "e" * 32, "name": ""})
    checkins.append({**checkins[1], "uid": "d" * 32, "person_uid": "e" * 32})
    with Store(":memory:") as store:
        report = store.import_bytes(json.dumps(document).encode(), "edited.json")
        reasons = " | ".join(report.details())
        assert "0 to 10" in reasons
        assert "whole number" in reasons
        assert "future" in reasons
        assert "neither in the file nor in the log" in reasons
        assert "1,000" in reasons
        assert "empty" in reasons
        assert report.added["people"] == 2
        assert report.added["checkins"] == 1  # only Ann's second one is sound
        assert len(report.rejected) == 7
        assert store.checkins_frame()["discomfort"].between(0, 10).all()
        assert "rejected" in report.summary()


def test_invalid_row_shapes(catalog: Catalog) -> None:
    document = _export(catalog)
    document["checkins"].append("not a record")
    document["checkins"].append(dict(document["checkins"][0]))  # duplicate uid
    document["steps"][0]["kind"] = "dance"
    document["sessions"][0]["routine"] = {"format": "nope"}
    with Store(":memory:") as store:
        report = store.import_bytes(json.dumps(document).encode(), "x.json")
        reasons = report.details()
        assert any("not a record" in r for r in reasons)
        assert any("twice" in r for r in reasons)
        assert any("kind" in r for r in reasons)
        assert any("routine" in r for r in reasons)


def test_report_summary_reads_well() -> None:
    report = ImportReport(
        filename="a.zip",
        added={"people": 1, "checkins": 2},
        skipped={"checkins": 1},
        rejected=[("check-in 4", "discomfort must be from 0 to 10, not 12")],
    )
    text = report.summary()
    assert text.startswith("From a.zip: added 1 person, 2 check-ins")
    assert "skipped 1 check-in" in text and "rejected 1 row" in text
    assert report.details() == ["check-in 4: discomfort must be from 0 to 10, not 12"]


# -- the demo store -------------------------------------------------------------------------
def test_demo_store_reads_the_bundled_export(catalog: Catalog) -> None:
    source = paths.demo_dir() / "demo_export.json"
    assert source.is_file(), f"the committed demo export is missing: {source}"
    store = Store.demo()
    assert store.is_demo
    assert store.people()
    assert not store.checkins_frame().empty


def test_demo_store_missing_file_is_clear(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "demo_dir", lambda: tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="demo"):
        Store.demo()
