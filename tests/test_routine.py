"""Routines: templates, schedules, durations and versioned JSON files."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from backcare import paths
from backcare.routine import (
    Routine,
    RoutineError,
    RoutineItem,
    Schedule,
    ScheduleKind,
    Timing,
    evening_session,
    from_groups,
    list_saved_routines,
    load_routine,
    routine_from_json,
    save_routine,
    workday_break,
)
from backcare.timeline import StepKind, format_duration


def test_evening_template_has_all_groups(catalog) -> None:
    routine = evening_session(catalog)
    assert routine.groups(catalog) == tuple(g.id for g in catalog.groups)
    assert len(routine.items) == 9
    assert routine.schedule.kind is ScheduleKind.EVENING


def test_workday_break_is_one_group_and_fits_a_short_break(catalog) -> None:
    for group in catalog.groups:
        routine = workday_break(catalog, group.id)
        assert routine.groups(catalog) == (group.id,)
        minutes = routine.duration_seconds(catalog) / 60
        assert 5 <= minutes <= 10, (group.id, minutes)  # the source's 5-10 minutes
        if len(routine.items) > 1:
            assert all(item.prescription.sets == 2 for item in routine.items)
        else:  # the deep core has one exercise: 3 sets of 20 (noted in the catalog)
            (item,) = routine.items
            assert (item.prescription.sets, item.prescription.reps) == (3, 20)
            assert round(minutes, 2) == 6.75


def test_duration_counts_holds_sides_sets_rests_and_transitions(catalog) -> None:
    timing = Timing(get_ready_seconds=5, switch_seconds=5, rest_between_exercises_seconds=20)
    calf = catalog["calf_stretch"]
    one = Routine("calf", (RoutineItem("calf_stretch", calf.prescription),), timing=timing)
    # get ready 5 + left 30 + switch 5 + right 30
    assert one.duration_seconds(catalog) == 70
    two_sets = one.with_prescription("calf_stretch", sets=2, rest_seconds=15)
    # + rest 15 + left 30 + switch 5 + right 30
    assert two_sets.duration_seconds(catalog) == 70 + 80
    lat = RoutineItem("lat_stretch", catalog["lat_stretch"].prescription)
    both = Routine("two", (one.items[0], lat), timing=timing)
    assert both.duration_seconds(catalog) == 70 + 20 + 30


def test_reps_duration_uses_the_tempo_and_the_hold_inside_each_rep(catalog) -> None:
    timing = Timing(get_ready_seconds=0, rep_seconds=3.0)
    cobra = Routine(
        "c", (RoutineItem("prone_cobra", catalog["prone_cobra"].prescription),), timing=timing
    )
    assert cobra.duration_seconds(catalog) == 15 * (3 + 3)
    bug = Routine(
        "d",
        (RoutineItem("dead_bug_heel_touch", catalog["dead_bug_heel_touch"].prescription),),
        timing=timing,
    )
    assert bug.duration_seconds(catalog) == 2 * 15 * 3  # 15 a side, alternating


def test_duration_is_the_sum_of_the_timeline(catalog) -> None:
    routine = evening_session(catalog)
    steps = routine.steps(catalog)
    assert steps[0].kind is StepKind.GET_READY and steps[-1].kind is StepKind.DONE
    assert routine.duration_seconds(catalog) == sum(s.seconds for s in steps)
    assert 10 * 60 < routine.duration_seconds(catalog) < 20 * 60


def test_table_lists_each_exercise_with_minutes(catalog) -> None:
    routine = from_groups(catalog, ["upper_back"])
    table = routine.table(catalog)
    assert list(table["exercise"]) == [e.name for e in catalog.in_group("upper_back")]
    steps = routine.steps(catalog)
    for item, shown in zip(routine.items, table["time"], strict=True):
        seconds = sum(s.seconds for s in steps if s.exercise_id == item.exercise_id)
        assert shown == format_duration(seconds)
    assert all(re.fullmatch(r"(\d+ min)?( ?\d+ s)?", t) for t in table["time"]), table["time"]
    assert not any("." in t for t in table["time"])  # never decimal minutes


def test_equipment_is_listed_once(catalog) -> None:
    equipment = evening_session(catalog).equipment(catalog)
    assert len(equipment) == len(set(equipment))
    assert "door frame" in equipment


def test_names_are_checked(catalog) -> None:
    with pytest.raises(RoutineError, match="empty"):
        from_groups(catalog, ["deep_core"], name="   ")
    with pytest.raises(RoutineError, match="longer"):
        from_groups(catalog, ["deep_core"], name="x" * 81)
    with pytest.raises(RoutineError, match="control"):
        from_groups(catalog, ["deep_core"], name="a\x00b")
    with pytest.raises(RoutineError, match="at least one group"):
        from_groups(catalog, [])


def test_schedules() -> None:
    evening = Schedule(ScheduleKind.EVENING, time=dt.time(21, 30))
    assert evening.times_on(dt.date(2026, 11, 25)) == [dt.time(21, 30)]
    work = Schedule(
        ScheduleKind.WORKDAY,
        every_hours=1.5,
        start=dt.time(9),
        end=dt.time(17),
        weekdays=(0, 1, 2, 3, 4),
    )
    wednesday, saturday = dt.date(2026, 11, 25), dt.date(2026, 11, 28)
    assert work.times_on(wednesday)[:2] == [dt.time(10, 30), dt.time(12, 0)]
    assert work.planned_per_day(wednesday) == 5
    assert work.planned_per_day(saturday) == 0
    assert "weekdays" in work.describe()
    with pytest.raises(RoutineError, match="start before"):
        Schedule(ScheduleKind.WORKDAY, start=dt.time(17), end=dt.time(9))
    with pytest.raises(RoutineError, match=r"0\.5-4"):
        Schedule(every_hours=12)
    with pytest.raises(RoutineError, match="weekdays"):
        Schedule(weekdays=(9,))


def test_save_and_load_round_trip_in_the_user_folder(catalog, data_dir) -> None:
    routine = workday_break(catalog, "upper_back").with_prescription("prone_cobra", reps=18)
    path = save_routine(routine)
    assert path.parent == paths.routines_dir()
    assert str(path).startswith(str(data_dir))
    data = json.loads(path.read_text())
    assert data["format"] == "backcare.routine" and data["version"] == 1
    assert load_routine(path, catalog) == routine
    assert list_saved_routines() == [path]


def test_hostile_names_cannot_escape_the_folder(catalog, data_dir) -> None:
    routine = from_groups(catalog, ["deep_core"], name="../../etc/passwd <script>")
    path = save_routine(routine)
    assert path.parent == paths.routines_dir()
    assert path.name == "etc-passwd-script.json"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="something"), "not a backcare routine"),
        (lambda d: d.update(version=99), r"version 99"),
        (lambda d: d.update(items=[]), "non-empty list"),
        (lambda d: d["items"][0].update(exercise="moonwalk"), "unknown exercise 'moonwalk'"),
        (lambda d: d["items"][0]["prescription"].update(sets=40), r"item 1 .*1-5"),
        (lambda d: d.update(name=""), "empty"),
        (lambda d: d["timing"].update(speed=2), "timing"),
        (lambda d: d["schedule"].update(time="25:99"), "schedule"),
    ],
)
def test_loading_names_what_is_wrong(catalog, tmp_path, mutate, message) -> None:
    data = evening_session(catalog).to_dict()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RoutineError, match=message) as err:
        load_routine(path, catalog)
    assert str(path) in str(err.value)


def test_not_json_and_oversized(catalog) -> None:
    with pytest.raises(RoutineError, match="not valid JSON"):
        routine_from_json("{nope", catalog)
    with pytest.raises(RoutineError, match="too large"):
        routine_from_json(" " * 300_000, catalog)


def test_names_that_reduce_to_the_same_file_do_not_overwrite_each_other(catalog) -> None:
    first = save_routine(from_groups(catalog, ["deep_core"], name="Core!"))
    second = save_routine(from_groups(catalog, ["upper_back"], name="core"))
    again = save_routine(from_groups(catalog, ["foot_calf"], name="Core!"))
    assert first.name == "core.json" and second.name == "core-2.json"
    assert again == first  # the same name replaces its own file
    assert load_routine(second, catalog).groups(catalog) == ("upper_back",)
    assert load_routine(first, catalog).groups(catalog) == ("foot_calf",)
    (paths.routines_dir() / "broken.json").write_text("{not json")
    assert save_routine(from_groups(catalog, ["deep_core"], name="Broken")).name == "broken-2.json"
