"""The check-in app driven in the kernel: set values, click, assert on the store."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from backcare import paths
from backcare.store import Store
from backcare.ui.log import CheckInApp, CheckInLog

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def app() -> CheckInApp:
    return CheckInApp(Store(":memory:"))


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


def _link_bytes(html: str) -> bytes:
    match = re.search(r'href="data:[^;]+;base64,([^"]+)"', html)
    assert match, html
    return base64.b64decode(match.group(1))


def test_form_shows_anchors_and_defaults(app: CheckInApp) -> None:
    assert "0 = no pain" in app.anchors.value and "10 = the worst" in app.anchors.value
    assert (app.discomfort.min, app.discomfort.max) == (0, 10)
    assert app.context.value == "daily"
    assert app.date.value == dt.date.today()
    assert app.person.person_id == app.store.default_person().id
    assert all(s.disabled for s in app.peg_sliders.values())


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
    assert app.discomfort.value == 0 and app.note.value == ""  # ready for the next one


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
    app.date.value = dt.date(2024, 2, 29)
    app.time.value = dt.time(7, 45)
    app.discomfort.value = 5
    app.submit.click()
    at = app.store.checkins_frame()["at"].iloc[0]
    assert (at.year, at.month, at.day, at.hour, at.minute) == (2024, 2, 29, 7, 45)


def test_invalid_input_writes_nothing(app: CheckInApp) -> None:
    app.note.value = "x" * 1001
    app.submit.click()
    assert app.messages.kind == "error" and "1,000" in app.messages.text
    app.note.value = "fine"
    app.date.value = dt.date.today() + dt.timedelta(days=5)
    app.submit.click()
    assert app.messages.kind == "error" and "future" in app.messages.text
    app.date.value = None
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
    app.time.value = dt.time(11, 0)
    app.submit.click()
    assert app.store.checkin(checkin_id)["at"].astimezone().time() == dt.time(11, 0)


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
    assert "<script>" not in app.export_links.value


def test_recent_table_follows_the_person(app: CheckInApp) -> None:
    me = app.person_id
    other = app.store.add_person("Client B")
    app.person.refresh()
    app.note.value = "mine"
    app.submit.click()
    app.person.value = other.id
    assert "mine" not in app.table.value
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
    zipped = _link_bytes(app.export_links.value)
    saved = list(paths.exports_dir().glob("backcare-me-*.zip"))
    assert len(saved) == 1 and saved[0].read_bytes() == zipped
    app.export_json_button.click()
    as_json = _link_bytes(app.export_links.value)

    fresh = CheckInApp(Store(":memory:"))
    fresh_me = fresh.person_id
    _upload(fresh, zipped, "mine.zip")
    assert fresh.messages.kind == "success"
    assert "added 1 person" in fresh.messages.text and "2 check-ins" in fresh.messages.text
    assert fresh.upload.value == ()
    imported = [p for p in fresh.store.people() if p.id != fresh_me]
    assert [p.name for p in imported] == ["Me"]
    assert sorted(fresh.store.checkins_frame(imported[0].id)["note"]) == ["=1+2", "ok"]
    _upload(fresh, as_json, "mine.json")  # the same data again: nothing added
    assert "added nothing" in fresh.messages.text
    assert len(fresh.store.checkins_frame()) == 2


def test_export_everyone(app: CheckInApp) -> None:
    app.store.add_person("Client")
    app.export_scope.value = "all"
    app.export_json_button.click()
    assert b'"Client"' in _link_bytes(app.export_links.value)
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
    app.submit.click()
    document = app.store.export_json().decode()
    other = CheckInApp(Store(":memory:"))
    hostile = document.replace('"context": "daily"', f'"context": "{HOSTILE}"')
    other.import_bytes(hostile.encode(), "x.json")
    assert other.messages.kind == "error" and "rejected 1 row" in other.messages.text
    assert "<script>" not in other.import_details.value
    assert "&lt;script&gt;" in other.import_details.value  # the reason quotes it, escaped
    assert "check-in 1" in other.import_details.value


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
