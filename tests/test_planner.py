"""The planner, model and view, driven in the kernel without a browser."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from backcare import paths
from backcare.planner import PlannerModel, format_duration
from backcare.prescription import PrescriptionError
from backcare.routine import Schedule, ScheduleKind, Timing, evening_session, save_routine
from backcare.store import Store
from backcare.ui.planner import PlannerApp


def test_format_duration() -> None:
    assert format_duration(45) == "45 s"
    assert format_duration(60) == "1 min"
    assert format_duration(855) == "14 min 15 s"


def test_model_defaults_to_all_groups_and_updates_duration(catalog) -> None:
    model = PlannerModel(catalog)
    assert model.routine.groups(catalog) == tuple(g.id for g in catalog.groups)
    full = model.duration_seconds
    assert full == evening_session(catalog).duration_seconds(catalog)
    model.set_group("foot_calf", False)
    assert model.duration_seconds < full
    model.set_enabled("prone_cobra", False)
    assert "prone_cobra" not in [i.exercise_id for i in model.routine.items]


def test_model_refuses_out_of_range_and_keeps_state(catalog) -> None:
    model = PlannerModel(catalog)
    before = model.prescriptions
    with pytest.raises(PrescriptionError, match="1-5"):
        model.set_prescription("calf_stretch", sets=9)
    assert model.prescriptions == before


def test_no_group_means_no_routine(catalog) -> None:
    model = PlannerModel(catalog)
    for group in catalog.groups:
        model.set_group(group.id, False)
    assert model.routine is None and model.duration_seconds == 0
    with pytest.raises(ValueError, match="at least one exercise"):
        model.save()


def test_app_builds_from_all_four_groups_shows_duration_and_saves(catalog) -> None:
    app = PlannerApp(catalog)
    assert "14 min 15 s" in app.duration.value
    assert "Dead bug heel touch" in app.table.value
    app.name.value = "Evening, all groups"
    app.save_button.click()
    assert app.messages.kind == "success"
    (saved,) = paths.routines_dir().glob("*.json")
    data = json.loads(saved.read_text())
    assert data["name"] == "Evening, all groups"
    assert len(data["items"]) == 9
    assert app.saved.value == saved


def test_group_toggle_hides_rows_and_changes_duration(catalog) -> None:
    app = PlannerApp(catalog)
    before = app.duration.value
    app.group_boxes["upper_back"].value = False
    assert app.duration.value != before
    assert app.rows["prone_cobra"].layout.display == "none"
    assert "Prone cobra" not in app.table.value


def test_prescription_controls_write_to_the_model(catalog) -> None:
    app = PlannerApp(catalog)
    app.rows["calf_stretch"].fields["hold_seconds"].value = 60
    assert app.model.prescriptions["calf_stretch"].hold_seconds == 60
    app.rows["calf_stretch"].fields["sets"].value = 3
    assert "sets 3" in app.rows["calf_stretch"].hint.value
    app.rows["calf_stretch"].fields["sets"].value = 99  # a bounded control clamps
    assert app.model.prescriptions["calf_stretch"].sets == 5


def test_exercise_switch_off(catalog) -> None:
    app = PlannerApp(catalog)
    app.rows["lat_stretch"].enabled.value = False
    assert "Kneeling lat stretch" not in app.table.value


def test_hostile_name_is_escaped_and_saved_safely(catalog) -> None:
    app = PlannerApp(catalog)
    app.name.value = "<img src=x onerror=alert(1)>"
    app.save_button.click()
    assert "<img" not in app.messages.value
    assert "&lt;img" in app.messages.value
    (saved,) = paths.routines_dir().glob("*.json")
    assert saved.parent == paths.routines_dir()


def test_empty_name_gets_a_message_and_writes_nothing(catalog) -> None:
    app = PlannerApp(catalog)
    app.name.value = "   "
    app.save_button.click()
    assert app.messages.kind == "error" and "empty" in app.messages.text
    assert not list(paths.routines_dir().glob("*.json"))


def test_load_a_saved_routine_restores_controls(catalog) -> None:
    routine = evening_session(catalog, ["upper_back"]).with_prescription("prone_cobra", reps=20)
    save_routine(routine.renamed("Upper back only"))
    app = PlannerApp(catalog)
    app._refresh_saved()
    app.load_button.click()
    assert app.messages.kind == "success"
    assert app.group_boxes["upper_back"].value and not app.group_boxes["foot_calf"].value
    assert app.rows["prone_cobra"].fields["reps"].value == 20
    assert app.name.value == "Upper back only"
    app.reset_button.click()
    assert all(box.value for box in app.group_boxes.values())


def test_load_with_nothing_saved_says_so(catalog) -> None:
    app = PlannerApp(catalog)
    app.load_button.click()
    assert app.messages.kind == "error" and "no saved routine" in app.messages.text


def test_workday_schedule(catalog) -> None:
    app = PlannerApp(catalog)
    app.schedule_kind.value = "workday"
    app.every_hours.value = 1.0
    assert app.model.schedule.every_hours == 1.0
    assert app.evening_time.layout.display == "none"
    assert "every 1 hour" in app.schedule_text.value


def test_two_apps_do_not_interfere(catalog) -> None:
    first, second = PlannerApp(catalog), PlannerApp(catalog)
    first.group_boxes["deep_core"].value = False
    assert second.model.groups == tuple(g.id for g in catalog.groups)


def test_save_also_keeps_the_routine_for_the_chosen_person(catalog) -> None:
    store = Store(":memory:")
    client = store.add_person("Client <A>")
    app = PlannerApp(catalog, store=store)
    app.person.select(client.id)
    app.group_boxes["foot_calf"].value = False
    app.name.value = "Desk breaks"
    app.save_button.click()
    (saved,) = store.routines(client.id, catalog)
    assert saved.routine.name == "Desk breaks"
    assert "foot_calf" not in saved.routine.groups(catalog)
    assert "Client &lt;A&gt;" in app.messages.value


def test_save_with_nobody_yet_creates_the_default_person(catalog) -> None:
    store = Store(":memory:")
    app = PlannerApp(catalog, store=store)
    assert app.person.person_id is None
    app.save_button.click()
    (person,) = store.people()
    assert store.routines(person.id, catalog)
    assert app.person.person_id == person.id


def test_a_handed_over_plan_opens_in_the_planner(catalog) -> None:
    plan = evening_session(catalog, ["deep_core"]).renamed("From your trainer")
    plan = plan.with_prescription("dead_bug_heel_touch", reps=20)
    app = PlannerApp(catalog, store=Store(":memory:"))
    app.upload.load(json.dumps(plan.to_dict()).encode(), "plan.json")
    assert app.name.value == "From your trainer"
    assert [box.value for box in app.group_boxes.values()] == [False, False, False, True]
    assert app.rows["dead_bug_heel_touch"].fields["reps"].value == 20
    assert app.saved.value.name == "from-your-trainer.json"


def test_a_damaged_data_file_is_reported_and_kept(catalog, data_dir) -> None:
    paths.store_path().write_bytes(b"not a database at all")
    app = PlannerApp(catalog)
    assert app.messages.kind == "error" and "not a backcare data file" in app.messages.text
    assert paths.store_path().read_bytes() == b"not a database at all"
    app.save_button.click()  # still plans and saves the file
    assert list(paths.routines_dir().glob("*.json"))


def test_timing_controls_change_the_duration_and_are_saved(catalog) -> None:
    app = PlannerApp(catalog, store=Store(":memory:"))
    before = app.model.duration_seconds
    app.timing_fields["rest_between_exercises_seconds"].value = 0
    assert app.model.duration_seconds == before - 8 * 20  # eight rests between nine exercises
    app.timing_fields["rep_seconds"].value = 4.0
    app.timing_fields["self_paced_reps"].value = True
    app.rows["prone_cobra"].fields["sets"].value = 2
    app.rest_between_sets.value = 45
    assert {p.rest_seconds for p in app.model.prescriptions.values()} == {45}
    app.name.value = "Slow and steady"
    app.save_button.click()
    data = json.loads(next(paths.routines_dir().glob("*.json")).read_text())
    assert data["timing"]["rep_seconds"] == 4.0 and data["timing"]["self_paced_reps"] is True
    assert data["timing"]["rest_between_exercises_seconds"] == 0
    cobra = next(i for i in data["items"] if i["exercise"] == "prone_cobra")
    assert cobra["prescription"]["rest_seconds"] == 45


def test_loading_restores_timing_controls(catalog) -> None:
    routine = replace(evening_session(catalog, ["deep_core"]), timing=Timing(get_ready_seconds=10))
    routine = routine.with_prescription("dead_bug_heel_touch", rest_seconds=60)
    app = PlannerApp(catalog, store=Store(":memory:"))
    app.model.load(routine)
    app._sync_controls()
    assert app.timing_fields["get_ready_seconds"].value == 10
    assert app.rest_between_sets.value == 60


def test_loading_keeps_each_exercises_rest_and_the_weekdays(catalog) -> None:
    routine = replace(
        evening_session(catalog, ["upper_back"]),
        schedule=Schedule(ScheduleKind.EVENING, weekdays=(1, 3)),
    ).with_prescription("prone_cobra", rest_seconds=25)
    save_routine(routine.renamed("Tuesdays and Thursdays"))
    app = PlannerApp(catalog, store=Store(":memory:"))
    app.rest_between_sets.value = 40  # the shared box shows something else before loading
    app._refresh_saved()
    app.load_button.click()
    assert app.model.prescriptions["prone_cobra"].rest_seconds == 25
    assert app.model.prescriptions["lat_stretch"].rest_seconds == 15
    assert app.model.schedule.weekdays == (1, 3)
    assert app.model.routine.schedule.weekdays == (1, 3)


def test_start_over_restores_the_usual_rests(catalog) -> None:
    app = PlannerApp(catalog, store=Store(":memory:"))
    app.rest_between_sets.value = 40
    app.reset_button.click()
    assert app.model.prescriptions["calf_stretch"].rest_seconds == 15
    assert app.model.prescriptions["side_lying_leg_raise"].rest_seconds == 20


def test_switching_to_workday_breaks_means_weekdays(catalog) -> None:
    app = PlannerApp(catalog, store=Store(":memory:"))
    app.schedule_kind.value = "workday"
    assert app.model.schedule.weekdays == (0, 1, 2, 3, 4)
    app.every_hours.value = 1.5  # changing the hours keeps the days
    assert app.model.schedule.weekdays == (0, 1, 2, 3, 4)
    app.schedule_kind.value = "evening"
    assert app.model.schedule.weekdays == tuple(range(7))


# -- issue 16, item 9: planner details ------------------------------------------------------
def _descendants(widget) -> list:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _descendants(child)
    return found


def test_timing_fold_out_folds_its_fields(catalog) -> None:
    """Every timing field lives inside the fold-out, which starts folded."""
    app = PlannerApp(catalog, store=Store(":memory:"))
    inside = _descendants(app.timing_box)
    fields = [app.rest_between_sets, *app.timing_fields.values()]
    assert len(fields) == 6
    assert all(any(f is w for w in inside) for f in fields)
    assert app.timing_box.selected_index is None  # folded
    outside = [w for w in _descendants(app) if not any(w is i for i in inside)]
    assert not any(f is w for f in fields for w in outside)


def test_saved_list_shows_routine_names(catalog) -> None:
    app = PlannerApp(catalog, store=Store(":memory:"))
    app.name.value = "Evening stretch for Dana"
    app.save_button.click()
    labels = [label for label, _ in app.saved.options]
    assert labels == ["Evening stretch for Dana"]
    assert app.saved.label == "Evening stretch for Dana"


def test_durations_are_minutes_and_seconds_everywhere(catalog) -> None:
    """The total and the table's rows say "2 min 6 s", never decimal minutes."""
    app = PlannerApp(catalog, store=Store(":memory:"))
    for group in ("upper_back", "foot_calf", "hip_pelvis"):
        app.group_boxes[group].value = False
    total = format_duration(app.model.duration_seconds)
    assert total in app.duration.value
    rows = app.model.routine.table(catalog)["time"]
    for text in rows:
        assert text in app.table.value
        assert "." not in text and ("min" in text or text.endswith(" s"))
    assert format_duration(126) == "2 min 6 s"
