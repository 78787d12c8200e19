"""The trainer kit driven in the kernel: clients, handout, calendar, plan file, upload."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from backcare import paths
from backcare.catalog import Catalog
from backcare.routine import (
    MAX_ROUTINE_BYTES,
    evening_session,
    list_saved_routines,
    load_routine,
    workday_break,
)
from backcare.store import Store
from backcare.ui.clients import ClientManager
from backcare.ui.people import PersonPicker
from backcare.ui.trainer import RoutineUpload, TrainerApp, plan_file_bytes

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as opened:
        yield opened


def _add(manager: ClientManager, name: str) -> None:
    manager.new_name.value = name
    manager.add_button.click()


def _upload_value(data: bytes, name: str = "plan.json") -> tuple[dict, ...]:
    return (
        {
            "name": name,
            "type": "application/json",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        },
    )


# -- clients ---------------------------------------------------------------------------------
def test_add_rename_and_pickers_follow(store: Store) -> None:
    manager = ClientManager(store)
    picker = PersonPicker(store)
    manager.add_picker(picker)
    _add(manager, "  Ann   Lee ")
    assert [p.name for p in store.people()] == ["Ann Lee"]
    assert manager.messages.kind == "success"
    assert manager.new_name.value == ""
    assert picker.options == (("Ann Lee", store.people()[0].id),)
    assert picker.person_id == store.people()[0].id

    manager.rename_box.value = "Ann Smith"
    manager.rename_button.click()
    assert store.people()[0].name == "Ann Smith"
    assert picker.options[0][0] == "Ann Smith"
    assert manager.version == 2


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "empty"), ("   ", "empty"), ("x" * 81, "longer than 80"), ("a\x00b", "control")],
)
def test_bad_names_refused(store: Store, name: str, reason: str) -> None:
    manager = ClientManager(store)
    _add(manager, name)
    assert manager.messages.kind == "error"
    assert reason in manager.messages.text
    assert store.people(include_archived=True) == []


def test_duplicate_name_refused(store: Store) -> None:
    manager = ClientManager(store)
    _add(manager, "Ann")
    _add(manager, "ann")
    assert manager.messages.kind == "error" and "already" in manager.messages.text
    assert len(store.people()) == 1


def test_hostile_name_is_escaped(store: Store) -> None:
    manager = ClientManager(store)
    _add(manager, HOSTILE)
    assert store.people()[0].name == HOSTILE  # kept as typed
    assert HOSTILE in manager.messages.text
    assert HOSTILE not in manager.messages.value
    assert "&lt;script&gt;" in manager.messages.value
    assert HOSTILE not in manager.summary_html()


def test_archive_hides_keeps_data_and_undo(store: Store, catalog: Catalog) -> None:
    manager = ClientManager(store)
    picker = PersonPicker(store)
    manager.add_picker(picker)
    _add(manager, "Ann")
    _add(manager, "Bob")
    ann = next(p for p in store.people() if p.name == "Ann")
    store.save_routine(ann.id, evening_session(catalog))
    manager.people_list.value = ann.id
    manager.archive_button.click()

    assert [p.name for p in store.people()] == ["Bob"]
    assert [name for name, _ in picker.options] == ["Bob"]
    assert [name for name, _ in manager.people_list.options] == ["Bob"]
    assert [s.name for s in store.routines(ann.id, catalog)] == ["Evening session"]
    assert manager.undo_button.layout.display == ""

    manager.undo_button.click()
    assert {p.name for p in store.people()} == {"Ann", "Bob"}
    assert "Ann" in [name for name, _ in picker.options]
    assert manager.undo_button.layout.display == "none"
    manager.undo_button.click()
    assert manager.messages.kind == "error"


def test_unarchive_later_from_the_archived_list(store: Store) -> None:
    manager = ClientManager(store)
    _add(manager, "Ann")
    manager.archive_button.click()
    assert manager.people_list.options == ()
    manager.show_archived.value = True
    assert manager.people_list.options[0][0] == "Ann (archived)"
    assert manager.archive_button.description == "Bring back"
    manager.archive_button.click()
    assert [p.name for p in store.people()] == ["Ann"]


def test_rename_needs_a_choice(store: Store) -> None:
    manager = ClientManager(store)
    manager.rename_box.value = "Nobody"
    manager.rename_button.click()
    assert manager.messages.kind == "error"


def test_two_managers_do_not_share_state(store: Store) -> None:
    first, second = ClientManager(store), ClientManager(Store(":memory:"))
    _add(first, "Ann")
    assert second.people_list.options == ()
    assert second.version == 0


# -- the trainer app -------------------------------------------------------------------------
def test_empty_store_offers_templates(store: Store, catalog: Catalog) -> None:
    app = TrainerApp(store, catalog)
    assert app.client_picker.person_id is None
    assert all(label.endswith("(template)") for label in app.choices())
    assert len(app.choices()) == 1 + len(catalog.groups)
    assert app.assign_button.disabled
    app.assign_button.click()  # disabled in the page; a click from code must not write either
    assert app.messages.kind == "error"
    assert store.people() == []


def test_the_screen_gives_the_length_as_the_planner_does(store: Store, catalog: Catalog) -> None:
    # The evening session's steps add up to 855 s: the trainer reads the same 14 min 15 s as
    # the planner and the timer show, and the paper handout rounds it to whole minutes.
    app = TrainerApp(store, catalog)
    app.routine_choice.value = app.choices().index("Evening session (template)")
    assert "9 exercises, 14 min 15 s;" in app.routine_info.value
    _add(app.clients, "Ann")
    app.handout_button.click()
    assert "about 14 minutes" in app.last_files["handout"].read_text(encoding="utf-8")


def test_trainer_flow_writes_every_file(store: Store, catalog: Catalog, data_dir: Path) -> None:
    app = TrainerApp(store, catalog)
    _add(app.clients, "Ann")
    ann = store.people()[0]
    assert app.client_picker.person_id == ann.id

    app.routine_choice.value = app.choices().index("Workday break: Upper back (template)")
    app.assign_button.click()
    saved = store.routines(ann.id, catalog)
    assert [s.name for s in saved] == ["Workday break: Upper back"]
    assert app.choices()[app.routine_choice.value] == "Workday break: Upper back (saved)"

    app.handout_button.click()
    handout = app.last_files["handout"]
    assert handout.parent == paths.exports_dir()
    assert handout.is_relative_to(data_dir.resolve())
    page = handout.read_text(encoding="utf-8")
    assert "Doorway chest stretch" in page and "Ann" in page
    sent = app.handout_button.last
    assert sent.filename == "handout-ann-workday-break-upper-back.html"
    assert sent.mime == "text/html" and app.handout_button.mode == "open"  # opens in a tab
    assert app.handout_download.click().data == sent.data

    app.start_date.value = dt.date(2025, 3, 27)
    app.work_start.value = dt.time(8, 0)
    app.work_end.value = dt.time(12, 0)
    app.every_hours.value = 1.0
    app.timezone.value = "Europe/Paris"
    app.calendar_button.click()
    assert app.messages.kind == "success", app.messages.text
    events = list(Calendar.from_ical(app.last_files["calendar"].read_bytes()).walk("VEVENT"))
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert [s.hour for s in starts] == [9, 10, 11, 12]
    assert str(starts[0].tzinfo) == "Europe/Paris"
    assert events[0]["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    assert app.calendar_button.last.mime == "text/calendar"

    app.plan_button.click()
    plan = app.last_files["plan"]
    assert json.loads(plan.read_text(encoding="utf-8")) == saved[0].routine.to_dict()
    assert app.plan_button.last.mime == "application/json"


def test_evening_calendar_from_controls(store: Store, catalog: Catalog) -> None:
    app = TrainerApp(store, catalog)
    app.routine_choice.value = 0  # the evening template
    assert app.kind.value == "evening"
    app.evening_time.value = dt.time(20, 15)
    app.weeks.value = 2
    app.timezone.value = "UTC"
    app.calendar_button.click()
    (event,) = Calendar.from_ical(app.last_files["calendar"].read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART").time() == dt.time(20, 15)
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert app.last_files["calendar"].name == "reminders-evening-session.ics"


def test_bad_calendar_input_shows_a_message(store: Store, catalog: Catalog) -> None:
    app = TrainerApp(store, catalog)
    app.kind.value = "workday"
    app.work_start.value = dt.time(17, 0)
    app.work_end.value = dt.time(9, 0)
    app.calendar_button.click()
    assert app.messages.kind == "error"
    assert "start before it ends" in app.messages.text
    assert "calendar" not in app.last_files


def test_hostile_client_name_in_the_trainer(store: Store, catalog: Catalog) -> None:
    app = TrainerApp(store, catalog)
    _add(app.clients, HOSTILE)
    app.handout_button.click()
    page = app.last_files["handout"].read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert HOSTILE not in app.messages.value
    assert app.last_files["handout"].name == "handout-script-alert-1-script-evening-session.html"


def test_archived_client_leaves_the_trainer_picker(store: Store, catalog: Catalog) -> None:
    app = TrainerApp(store, catalog)
    _add(app.clients, "Ann")
    _add(app.clients, "Bob")
    app.client_picker.value = store.people()[0].id
    app.clients.people_list.value = store.people()[0].id
    app.clients.archive_button.click()
    assert [name for name, _ in app.client_picker.options] == ["Bob"]
    assert app.person_name == "Bob"


# -- handing a plan over ---------------------------------------------------------------------
def test_plan_round_trip_trainer_to_client(catalog: Catalog, data_dir: Path) -> None:
    trainer_store, client_store = Store(":memory:"), Store(":memory:")
    trainer = TrainerApp(trainer_store, catalog)
    _add(trainer.clients, "Ann")
    trainer.routine_choice.value = trainer.choices().index("Workday break: Deep core (template)")
    routine = trainer.routine.with_prescription("dead_bug_heel_touch", sets=2, reps=18)
    trainer_store.save_routine(trainer_store.people()[0].id, routine)
    trainer._refresh_routines(select_name=routine.name)
    trainer.plan_button.click()
    data = trainer.last_files["plan"].read_bytes()

    client = TrainerApp(client_store, catalog)
    _add(client.clients, "Me")
    me = client_store.people()[0]
    loaded: list = []
    client.upload.on_loaded(loaded.append)
    client.upload.upload.value = _upload_value(data, trainer.last_files["plan"].name)

    assert client.upload.messages.kind == "success", client.upload.messages.text
    assert loaded == [routine]
    assert client.upload.routine == routine
    assert [s.routine for s in client_store.routines(me.id, catalog)] == [routine]
    assert client.upload.upload.value == ()
    # Saved as a routine file too, where the planner and the timer look.
    files = list_saved_routines()
    assert len(files) == 1 and load_routine(files[0], catalog) == routine
    assert client.routine == routine  # the trainer page now shows it

    # The same file again: replaced, not duplicated.
    client.upload.upload.value = _upload_value(data)
    assert "replaced" in client.upload.messages.text
    assert len(client_store.routines(me.id, catalog)) == 1


def _good(catalog: Catalog) -> dict:
    """A valid plan file's content, to spoil in one place at a time."""
    return json.loads(plan_file_bytes(evening_session(catalog)))


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"{not json", "plan.json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "plan.json", "not UTF-8"),
        (b"[]", "plan.json", "JSON object"),
        (b'{"format": "something.else"}', "plan.json", "not a backcare routine"),
        (b" " * (MAX_ROUTINE_BYTES + 1), "plan.json", "too large"),
        (b"{}", "plan.exe", ".json"),
    ],
)
def test_bad_uploads_change_nothing(
    catalog: Catalog, store: Store, data: bytes, name: str, reason: str
) -> None:
    person = store.add_person("Ann")
    upload = RoutineUpload(catalog, store, person=lambda: person.id)
    upload.upload.value = _upload_value(data, name)
    assert upload.messages.kind == "error"
    assert reason in upload.messages.text
    assert upload.routine is None
    assert store.routines(person.id, catalog) == []
    assert list_saved_routines() == []
    assert upload.upload.value == ()


def test_unknown_exercise_and_bad_prescription(catalog: Catalog, store: Store) -> None:
    upload = RoutineUpload(catalog, store)
    plan = _good(catalog)
    plan["items"][0]["exercise"] = "handstand_pushup"
    upload.upload.value = _upload_value(json.dumps(plan).encode())
    assert upload.messages.kind == "error" and "unknown exercise" in upload.messages.text
    plan = _good(catalog)
    plan["items"][1]["prescription"]["hold_seconds"] = 999
    upload.upload.value = _upload_value(json.dumps(plan).encode())
    assert upload.messages.kind == "error" and "hold_seconds" in upload.messages.text
    assert list_saved_routines() == []


def test_hostile_routine_name_upload(catalog: Catalog, store: Store) -> None:
    person = store.add_person("Ann")
    upload = RoutineUpload(catalog, store, person=lambda: person.id)
    plan = _good(catalog)
    plan["name"] = f"../../{HOSTILE}"
    upload.upload.value = _upload_value(json.dumps(plan).encode(), "../../evil.json")
    assert upload.messages.kind == "success", upload.messages.text
    assert HOSTILE not in upload.messages.value
    assert upload.saved_path is not None
    assert upload.saved_path.parent == paths.routines_dir()
    assert store.routines(person.id, catalog)[0].name == f"../../{HOSTILE}"
    plan["name"] = "bad\x07name"
    upload.upload.value = _upload_value(json.dumps(plan).encode())
    assert upload.messages.kind == "error" and "control characters" in upload.messages.text


def test_upload_without_a_store_saves_the_file(catalog: Catalog) -> None:
    upload = RoutineUpload(catalog)
    routine = workday_break(catalog, "foot_calf")
    upload.upload.value = _upload_value(plan_file_bytes(routine))
    assert upload.messages.kind == "success"
    assert load_routine(upload.saved_path, catalog) == routine


def test_unreadable_data_file_falls_back_to_a_temporary_store(
    catalog: Catalog, data_dir: Path
) -> None:
    paths.store_path().write_bytes(b"this is not a database at all" * 100)
    app = TrainerApp(catalog=catalog)
    assert app.messages.kind == "error"
    assert "temporary log that is not kept" in app.messages.text
    assert app.store.in_memory
    _add(app.clients, "Ann")
    assert [p.name for p in app.store.people()] == ["Ann"]
    assert paths.store_path().read_bytes() == b"this is not a database at all" * 100


def test_default_store_is_the_data_folder(catalog: Catalog, data_dir: Path) -> None:
    app = TrainerApp(catalog=catalog)
    _add(app.clients, "Ann")
    app.store.close()
    with Store() as reopened:
        assert [p.name for p in reopened.people()] == ["Ann"]


def test_upload_with_no_client_yet_is_offered_on_the_page(store: Store, catalog: Catalog) -> None:
    app = TrainerApp(store, catalog)
    plan = evening_session(catalog, ["deep_core"]).renamed("Core only")
    app.upload.upload.value = _upload_value(plan_file_bytes(plan))
    assert app.messages.kind != "error", app.messages.text
    assert app.upload.messages.kind == "success"
    assert "1 exercise," in app.upload.messages.text  # one, not "1 exercises"
    assert app.routine.name == "Core only"
    assert "Core only (uploaded)" in app.choices()
    assert store.people() == []
