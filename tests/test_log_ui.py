"""The check-in app driven in the kernel: set values, click, assert on the store."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from ipywidgets.widgets.trait_types import datetime_to_json

from backcare import paths
from backcare.catalog import Catalog
from backcare.diary import CheckInLog
from backcare.routine import workday_break
from backcare.store import Store
from backcare.ui.log import CheckInApp

HOSTILE = "<script>alert(1)</script>"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def app() -> CheckInApp:
    """The log of someone who has used it before: "Me" exists, no check-ins yet."""
    store = Store(":memory:")
    store.add_person("Me")
    return CheckInApp(store)


@pytest.fixture
def fresh_app() -> CheckInApp:
    """The log opened for the very first time (a fresh Binder): nobody in it."""
    return CheckInApp(Store(":memory:"))


@pytest.fixture(params=["UTC", "America/New_York"])
def kernel_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the kernel side in another time zone (Binder's kernels run on UTC)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def _backup(notes: tuple[str, ...] = ("first", "second")) -> bytes:
    """An export of someone's own log: "Me" with a check-in per note."""
    with Store(":memory:") as store:
        me = store.default_person().id
        for score, note in enumerate(notes, start=3):
            store.add_checkin(me, score, note=note)
        return store.export_json()


def _upload(app: CheckInApp, data: bytes, name: str) -> None:
    app.upload.value = (
        {
            "name": name,
            "type": "application/octet-stream",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )


def _sent_bytes(button) -> bytes:
    """What one click on a download button hands to the browser."""
    assert button.last is not None, "nothing was sent"
    return button.last.data


def test_form_shows_anchors_and_defaults(app: CheckInApp) -> None:
    assert "0 = no pain" in app.anchors.value and "10 = the worst" in app.anchors.value
    assert (app.discomfort.min, app.discomfort.max) == (0, 10)
    assert app.context.value == "daily"
    assert app.when.value.utcoffset() is not None  # timezone-aware
    assert abs(app.when.value - dt.datetime.now(dt.UTC)).total_seconds() < 120
    assert app.person.person_id == app.store.default_person().id
    assert all(s.disabled for s in app.peg_sliders.values())


def test_opening_the_log_writes_nobody(fresh_app: CheckInApp) -> None:
    assert fresh_app.store.people() == []
    assert fresh_app.person_id is None
    assert "Nobody is in the log yet" in fresh_app.table.value


def test_first_save_makes_me_and_chooses_it(fresh_app: CheckInApp) -> None:
    fresh_app.discomfort.value = 4
    fresh_app.submit.click()
    assert fresh_app.messages.kind == "success", fresh_app.messages.text
    people = fresh_app.store.people()
    assert [p.name for p in people] == ["Me"]
    assert fresh_app.person_id == people[0].id
    assert fresh_app.store.checkins_frame(people[0].id)["discomfort"].tolist() == [4]
    assert "4/10" in fresh_app.table.value


def test_refused_first_save_makes_nobody(fresh_app: CheckInApp) -> None:
    fresh_app.discomfort.value = 4
    fresh_app.note.value = "x" * 1001
    fresh_app.submit.click()
    assert fresh_app.messages.kind == "error" and "1,000" in fresh_app.messages.text
    assert fresh_app.store.people() == []


def test_restoring_a_backup_in_a_fresh_log_gives_one_me(fresh_app: CheckInApp) -> None:
    _upload(fresh_app, _backup(), "backup.json")
    assert fresh_app.messages.kind == "success", fresh_app.messages.text
    people = fresh_app.store.people()
    assert [p.name for p in people] == ["Me"]
    assert fresh_app.person_id == people[0].id
    assert "first" in fresh_app.table.value and "second" in fresh_app.table.value
    assert fresh_app.discomfort.value == 4  # the backup's last score
    fresh_app.discomfort.value = 6
    fresh_app.submit.click()
    assert len(fresh_app.store.people()) == 1
    assert len(fresh_app.store.checkins_frame(people[0].id)) == 3  # one history, not two


def test_import_shows_the_imported_person_instead_of_an_empty_one(app: CheckInApp) -> None:
    empty = app.person_id
    document = json.loads(_backup(("from the phone",)))
    document["people"][0]["name"] = "Ann"
    app.import_bytes(json.dumps(document).encode(), "ann.json")
    ann = next(p for p in app.store.people() if p.name == "Ann")
    assert app.person.value == ann.id and app.person_id == ann.id
    assert "from the phone" in app.table.value
    assert {p.id for p in app.store.people()} == {empty, ann.id}


def test_import_keeps_a_choice_that_has_data(app: CheckInApp) -> None:
    mine = app.person_id
    app.discomfort.value = 2
    app.note.value = "mine"
    app.submit.click()
    app.import_bytes(_backup(("someone else's",)), "other.json")
    assert app.person_id == mine
    assert len(app.store.people()) == 2
    assert "mine" in app.table.value


# -- the discomfort slider: no silent 0 -------------------------------------------------------
def test_untouched_slider_cannot_be_saved(app: CheckInApp) -> None:
    assert app.score_source == "unset"
    assert app.submit.disabled
    assert app.score_hint.layout.display != "none" and "slider" in app.score_hint.value
    app.note.value = "did not score"
    app.submit.click()  # a click from the kernel still reaches the handler: it refuses
    assert app.messages.kind == "error" and "slider" in app.messages.text
    assert app.store.checkins_frame().empty
    app.discomfort.value = 3
    assert not app.submit.disabled and app.score_hint.layout.display == "none"
    app.submit.click()
    assert app.store.checkins_frame()["discomfort"].tolist() == [3]


def test_no_pain_button_logs_zero(app: CheckInApp) -> None:
    app.zero_button.click()
    assert not app.submit.disabled and app.zero_button.layout.display == "none"
    app.submit.click()
    assert app.store.checkins_frame()["discomfort"].tolist() == [0]


def test_slider_starts_at_the_last_score(app: CheckInApp) -> None:
    now = dt.datetime.now().astimezone()
    app.model.add(app.person_id, 7, at=now - dt.timedelta(hours=1))
    app.model.add(app.person_id, 2, at=now - dt.timedelta(days=3))  # added later, older
    app.reset_form()
    assert app.discomfort.value == 7 and app.score_source == "last"
    assert not app.submit.disabled
    app.submit.click()  # keeping the last score is a choice the user can make
    assert app.store.checkins_frame()["discomfort"].tolist()[-1] == 7
    app.discomfort.value = 5
    app.submit.click()
    assert app.discomfort.value == 5  # the next check-in starts where this one ended


def test_slider_default_follows_the_person(app: CheckInApp) -> None:
    app.discomfort.value = 6
    app.submit.click()
    client = app.store.add_person("Client")
    app.person.select(client.id)
    assert app.score_source == "unset" and app.submit.disabled
    app.person.value = app.store.default_person().id
    assert app.discomfort.value == 6 and not app.submit.disabled
    app.discomfort.value = 9  # moved by hand: kept when the person changes
    app.person.value = client.id
    assert app.discomfort.value == 9 and app.score_source == "user"


def test_submit_logs_a_checkin(app: CheckInApp) -> None:
    app.discomfort.value = 6
    app.note.value = "after gardening"
    app.context.value = "after"
    app.submit.click()
    frame = app.store.checkins_frame()
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["discomfort"], row["note"], row["context"]) == (6, "after gardening", "after")
    assert abs(row["at"] - dt.datetime.now().astimezone()).total_seconds() < 60
    assert app.messages.kind == "success"
    assert "after gardening" in app.table.value
    assert app.note.value == "" and app.context.value == "daily"  # ready for the next one


def test_peg_items_are_optional(app: CheckInApp) -> None:
    app.discomfort.value = 3
    app.peg_include.value = True
    assert not any(s.disabled for s in app.peg_sliders.values())
    for value, slider in zip((4, 5, 6), app.peg_sliders.values(), strict=True):
        slider.value = value
    app.submit.click()
    app.discomfort.value = 2
    app.submit.click()
    frame = app.store.checkins_frame()
    assert frame["peg"].iloc[0] == 5.0
    assert frame["peg"].isna().iloc[1]


def test_chosen_date_and_time_are_used(app: CheckInApp) -> None:
    chosen = dt.datetime(2024, 2, 29, 7, 45, tzinfo=BERLIN)
    app.when.value = chosen
    app.discomfort.value = 5
    app.submit.click()
    row = app.store.checkin(int(app.store.checkins_frame()["checkin_id"].iloc[0]))
    assert row["at"] == chosen


def _browser_sends(app: CheckInApp, local: dt.datetime) -> None:
    """What the front end does when the user types ``local`` (their own clock) into the
    picker: it sends the instant's UTC fields (ipywidgets' serialize_datetime)."""
    utc = local.astimezone(dt.UTC)
    app.when.set_state(
        {
            "value": {
                "year": utc.year,
                "month": utc.month - 1,
                "date": utc.day,
                "hours": utc.hour,
                "minutes": utc.minute,
                "seconds": utc.second,
                "milliseconds": 0,
            }
        }
    )


def test_time_typed_in_berlin_is_saved_right_on_any_kernel(
    app: CheckInApp, kernel_zone: str
) -> None:
    typed = dt.datetime(2024, 6, 1, 21, 0, tzinfo=BERLIN)  # 19:00 UTC
    _browser_sends(app, typed)
    assert app.when.value == typed and app.when.value.utcoffset() is not None
    app.discomfort.value = 3
    app.submit.click()
    assert app.messages.kind == "success", app.messages.text
    row = app.store.checkin(int(app.store.checkins_frame()["checkin_id"].iloc[0]))
    assert row["at"] == typed  # the same instant, whatever zone the kernel runs in


def test_picker_sends_the_browser_an_instant(app: CheckInApp, kernel_zone: str) -> None:
    # The browser turns these UTC fields into its own local time (21:00 in Berlin).
    at = dt.datetime(2024, 6, 1, 21, 0, tzinfo=BERLIN)
    checkin_id = app.model.add(app.person_id, 4, at=at)
    app.entries.value = checkin_id
    app.edit_button.click()
    assert app.when.value == at
    sent = app.when.get_state()["value"]
    assert sent == datetime_to_json(at, None)
    assert (sent["hours"], sent["minutes"]) == (19, 0)


def test_invalid_input_writes_nothing(app: CheckInApp) -> None:
    app.discomfort.value = 4
    app.note.value = "x" * 1001
    app.submit.click()
    assert app.messages.kind == "error" and "1,000" in app.messages.text
    app.note.value = "fine"
    app.when.value = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    app.submit.click()
    assert app.messages.kind == "error" and "future" in app.messages.text
    app.when.value = None
    app.submit.click()
    assert app.messages.kind == "error" and "date" in app.messages.text
    assert app.store.checkins_frame().empty


def test_out_of_range_score_from_the_model(app: CheckInApp) -> None:
    # The slider cannot go past 10; the model behind it refuses as well.
    with pytest.raises(ValueError, match="0 to 10"):
        app.model.add(app.person_id, 11)
    assert app.store.checkins_frame().empty


def test_edit_and_undo_edit(app: CheckInApp) -> None:
    app.discomfort.value = 4
    app.note.value = "first"
    app.submit.click()
    checkin_id = int(app.store.checkins_frame()["checkin_id"].iloc[0])
    app.entries.value = checkin_id
    app.edit_button.click()
    assert app.discomfort.value == 4 and app.note.value == "first"
    assert app.submit.description == "Save changes"
    app.discomfort.value = 8
    app.note.value = "changed"
    app.submit.click()
    row = app.store.checkin(checkin_id)
    assert (row["discomfort"], row["note"]) == (8, "changed")
    assert len(app.store.checkins_frame()) == 1
    assert not app.undo_button.disabled
    app.undo_button.click()
    row = app.store.checkin(checkin_id)
    assert (row["discomfort"], row["note"]) == (4, "first")
    assert app.undo_button.disabled


def test_edit_keeps_original_time(app: CheckInApp) -> None:
    at = dt.datetime(2024, 5, 1, 9, 30, 17, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    checkin_id = app.model.add(app.person_id, 3, at=at)
    app.entries.value = checkin_id
    app.edit_button.click()
    app.discomfort.value = 2
    app.submit.click()
    row = app.store.checkin(checkin_id)
    assert row["at"] == at and row["at"].utcoffset() == dt.timedelta(hours=3)
    assert row["discomfort"] == 2
    # a time changed by hand is used
    app.entries.value = checkin_id
    app.edit_button.click()
    assert app.when.value == at
    app.when.value = at.replace(hour=11, minute=0, second=0)
    app.submit.click()
    assert app.store.checkin(checkin_id)["at"] == at.replace(hour=11, minute=0, second=0)


def test_delete_and_undo(app: CheckInApp) -> None:
    for score in (1, 7):
        app.discomfort.value = score
        app.submit.click()
    frame = app.store.checkins_frame()
    gone = int(frame["checkin_id"].iloc[1])
    app.entries.value = gone
    app.delete_button.click()
    assert list(app.store.checkins_frame()["discomfort"]) == [1]
    assert "Undo" in app.messages.text
    app.undo_button.click()
    assert list(app.store.checkins_frame()["discomfort"]) == [1, 7]
    assert gone in list(app.store.checkins_frame()["checkin_id"])
    app.undo_button.click()  # nothing left to undo: a message, no change
    assert app.messages.kind == "error"
    assert len(app.store.checkins_frame()) == 2


def test_hostile_text_is_escaped(app: CheckInApp) -> None:
    app.store.rename_person(app.person_id, HOSTILE)
    app.person.refresh()
    app.note.value = HOSTILE
    app.discomfort.value = 2
    app.submit.click()
    assert HOSTILE not in app.table.value
    assert "&lt;script&gt;" in app.table.value
    app.export_json_button.click()
    assert "<script>" not in app.takeaway.export_links.value


def test_recent_table_follows_the_person(app: CheckInApp) -> None:
    me = app.person_id
    other = app.store.add_person("Client B")
    app.person.refresh()
    app.discomfort.value = 2
    app.note.value = "mine"
    app.submit.click()
    app.person.value = other.id
    assert "mine" not in app.table.value
    app.discomfort.value = 3
    app.note.value = "theirs"
    app.submit.click()
    assert set(app.store.checkins_frame(other.id)["note"]) == {"theirs"}
    app.person.value = me
    assert "mine" in app.table.value and "theirs" not in app.table.value


def test_export_and_reimport_a_person(app: CheckInApp) -> None:
    for score, note in ((3, "=1+2"), (5, "ok")):
        app.discomfort.value = score
        app.note.value = note
        app.submit.click()
    app.export_zip_button.click()
    zipped = _sent_bytes(app.export_zip_button)
    assert app.export_zip_button.last.mime == "application/zip"
    saved = list(paths.exports_dir().glob("backcare-me-*.zip"))
    assert len(saved) == 1 and saved[0].read_bytes() == zipped
    app.export_json_button.click()
    as_json = _sent_bytes(app.export_json_button)

    fresh = CheckInApp(Store(":memory:"))
    _upload(fresh, zipped, "mine.zip")
    assert fresh.messages.kind == "success"
    assert "added 1 person" in fresh.messages.text and "2 check-ins" in fresh.messages.text
    assert fresh.upload.value == ()
    imported = fresh.store.people()
    assert [p.name for p in imported] == ["Me"] and fresh.person_id == imported[0].id
    assert sorted(fresh.store.checkins_frame(imported[0].id)["note"]) == ["=1+2", "ok"]
    _upload(fresh, as_json, "mine.json")  # the same data again: nothing added
    assert "added nothing" in fresh.messages.text
    assert len(fresh.store.checkins_frame()) == 2


def test_export_everyone(app: CheckInApp) -> None:
    app.store.add_person("Client")
    app.takeaway.export_scope.value = "all"
    app.export_json_button.click()
    assert b'"Client"' in _sent_bytes(app.export_json_button)
    assert list(paths.exports_dir().glob("backcare-everyone-*.json"))


def test_bad_upload_changes_nothing(app: CheckInApp) -> None:
    _upload(app, b"", "empty.json")
    assert app.messages.kind == "error" and "empty" in app.messages.text
    _upload(app, b"\x00garbage", "photo.zip")
    assert app.messages.kind == "error"
    _upload(app, b'{"format": "backcare.export", "version": 99}', "future.json")
    assert "version 99" in app.messages.text
    assert app.store.checkins_frame().empty
    assert len(app.store.people()) == 1


def test_rejected_rows_are_listed_escaped(app: CheckInApp) -> None:
    app.discomfort.value = 1
    app.submit.click()
    document = app.store.export_json().decode()
    other = CheckInApp(Store(":memory:"))
    hostile = document.replace('"context": "daily"', f'"context": "{HOSTILE}"')
    other.import_bytes(hostile.encode(), "x.json")
    assert other.messages.kind == "error" and "rejected 1 row" in other.messages.text
    assert "<script>" not in other.takeaway.import_details.value
    assert "&lt;script&gt;" in other.takeaway.import_details.value  # the reason quotes it, escaped
    assert "check-in 1" in other.takeaway.import_details.value


def test_default_store_in_data_folder_and_two_apps(data_dir) -> None:
    first = CheckInApp()
    second = CheckInApp()
    first.discomfort.value = 4
    first.submit.click()
    assert paths.store_path().is_file()
    assert second.store.checkins_frame()["discomfort"].tolist() == [4]
    assert second.model is not first.model and second.undo_button.disabled


def test_unreadable_data_file_is_reported_and_kept(data_dir) -> None:
    path = paths.store_path()
    path.write_bytes(b"my tax return, not a database")
    app = CheckInApp()
    assert app.messages.kind == "error" and "left as it is" in app.messages.text
    assert app.submit.disabled and app.upload.disabled
    assert path.read_bytes() == b"my tax return, not a database"


def test_model_alone_without_widgets() -> None:
    with Store(":memory:") as store:
        model = CheckInLog(store)
        me = store.default_person().id
        changes = []
        model.observe(lambda change: changes.append(change["new"]), names="changed")
        cid = model.add(me, 3)
        model.delete(cid)
        assert model.can_undo
        assert model.undo() == "delete"
        assert not model.can_undo
        assert changes == [1, 2, 3]
        assert len(model.recent(me)) == 1


def test_routine_conflict_on_import_is_shown(app: CheckInApp, catalog: Catalog) -> None:
    app.store.save_routine(app.person_id, workday_break(catalog))
    document = json.loads(app.store.export_json())
    document["plans"][0]["uid"] = "f" * 32  # saved elsewhere under the same name
    save = document["plan_events"][0]
    save["uid"], save["plan_uid"] = "e" * 32, "f" * 32
    save["routine"]["timing"]["rest_between_exercises_seconds"] = 30  # different content
    save["at"] = (dt.datetime.fromisoformat(save["at"]) + dt.timedelta(hours=1)).isoformat()
    app.import_bytes(json.dumps(document).encode(), "phone.json")
    assert app.messages.kind == "info" and "added 1 plan change" in app.messages.text
    assert "backcare-import-conflicts" in app.takeaway.import_details.value
    assert "saved last is followed now" in app.takeaway.import_details.value


def test_after_saving_the_entry_selector_chooses_the_new_entry(app: CheckInApp) -> None:
    """Issue 16, item 7: Edit right after Save edits the entry just saved, not an older one."""
    app.discomfort.value = 3
    app.note.value = "older"
    app.submit.click()
    older = app.entries.value
    assert older is not None
    app.discomfort.value = 6
    app.note.value = "newest"
    app.submit.click()
    newest = app.store.checkins_frame(app.person_id).iloc[-1]
    assert newest["note"] == "newest"
    assert app.entries.value == int(newest["checkin_id"]) != older
    app.edit_button.click()
    assert app.note.value == "newest"
    # Saving an edit of the older entry keeps that entry chosen.
    app.cancel_edit.click()
    app.entries.value = older
    app.edit_button.click()
    app.note.value = "older, edited"
    app.submit.click()
    assert app.entries.value == older
