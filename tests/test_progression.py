"""The progression rule, case by case: each branch, each edge, each sentence a person reads."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from backcare.catalog import CatalogError, load_catalog
from backcare.prescription import Kind, Prescription
from backcare.progression import (
    DEFAULT_LADDERS,
    RULE,
    SOURCES,
    Action,
    Ladder,
    LadderError,
    ProgressionRule,
    SessionRecord,
    ladder_for,
    records_from_frame,
    step_down,
    step_up,
    suggest,
    suggest_for_routine,
)
from backcare.routine import Routine, RoutineItem

HOLD = DEFAULT_LADDERS[Kind.HOLD]
REPS = DEFAULT_LADDERS[Kind.REPS]
MAY = dt.date(2025, 5, 1)


def hold(seconds: int = 30, sets: int = 1) -> Prescription:
    return Prescription(Kind.HOLD, sets=sets, hold_seconds=seconds)


def reps(n: int = 15, sets: int = 1) -> Prescription:
    return Prescription(Kind.REPS, sets=sets, reps=n, rest_seconds=20)


def sessions(
    n: int,
    *,
    start: dt.date = MAY,
    pain: int | None = 2,
    morning: str | None = "same",
    full: bool = True,
    sets: int | None = 1,
    amount: int | None = 30,
    every: int = 1,
    first_id: int = 1,
) -> list[SessionRecord]:
    return [
        SessionRecord(
            day=start + dt.timedelta(days=i * every),
            done_in_full=full,
            pain_during=pain,
            morning=morning,
            sets=sets,
            amount=amount,
            session_id=first_id + i,
        )
        for i in range(n)
    ]


def change(record: SessionRecord, **fields: object) -> SessionRecord:
    return dataclasses.replace(record, **fields)


# -- progress ----------------------------------------------------------------------------
def test_three_good_sessions_at_30_s_suggest_45_s_in_the_issues_words():
    s = suggest("calf_stretch", hold(30), sessions(3), HOLD)
    assert s.action is Action.PROGRESS
    assert s.proposed == hold(45)
    assert s.reason == (
        "Held 30 s in full on your last 3 sessions, pain during 2/10, mornings the same: try 45 s."
    )
    assert s.based_on == 3 and s.last_day == dt.date(2025, 5, 3)


def test_pain_exactly_5_is_still_acceptable_and_mixed_scores_say_at_most():
    records = sessions(3)
    records[1] = change(records[1], pain_during=5)
    records[2] = change(records[2], morning="better")
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.PROGRESS
    assert "pain during at most 5/10, mornings the same or better: try 45 s." in s.reason


def test_only_the_last_three_sessions_count():
    records = sessions(5)
    records[0] = change(records[0], done_in_full=False, morning=None)
    records[1] = change(records[1], pain_during=None)
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.PROGRESS
    assert s.based_on == 5


@pytest.mark.parametrize(
    ("current", "expected", "words"),
    [
        (reps(15), reps(18), "Did 15 reps in full on your last 3 sessions"),
        (reps(18), reps(20), "try 20 reps."),
        (reps(20), reps(20, sets=2), "try a second set (2 sets of 20 reps)."),
        (hold(45), hold(60), "try 60 s."),
        (hold(60), hold(60, sets=2), "try a second set (2 × 60 s)."),
    ],
)
def test_the_ladder_one_step_at_a_time(current, expected, words):
    amount = current.hold_seconds or current.reps
    records = sessions(3, amount=amount, sets=current.sets)
    ladder = HOLD if current.kind is Kind.HOLD else REPS
    s = suggest("x", current, records, ladder)
    assert s.action is Action.PROGRESS
    assert s.proposed == expected
    assert words in s.reason


@pytest.mark.parametrize("current", [hold(60, sets=2), reps(20, sets=2)])
def test_top_of_the_ladder_keeps_it(current):
    records = sessions(3, amount=current.hold_seconds or current.reps, sets=2)
    s = suggest("x", current, records, HOLD if current.kind is Kind.HOLD else REPS)
    assert s.action is Action.TOP
    assert s.proposed is None
    assert s.reason.endswith("that is the top of its ladder; keep it as it is.")


def test_off_ladder_values_step_to_the_next_rung():
    assert step_up(hold(40), HOLD) == hold(45)
    assert step_up(hold(20), HOLD) == hold(30)  # a trainer's shorter start
    assert step_up(hold(90), HOLD) == hold(90, sets=2)
    assert step_up(hold(30, sets=2), HOLD) == hold(45, sets=2)  # a workday break's two sets
    assert step_down(hold(40), HOLD) == hold(30)
    assert step_down(hold(45, sets=2), HOLD) == hold(45)  # a set fewer first
    assert step_down(hold(60, sets=2), HOLD) == hold(60)  # undoes the last step up
    assert step_down(hold(30), HOLD) is None
    assert step_down(hold(20), HOLD) is None
    assert step_up(Prescription(Kind.ROLL, hold_seconds=60), None) is None
    assert step_down(Prescription(Kind.ROLL, hold_seconds=60), None) is None


def test_a_step_never_leaves_the_allowed_ranges():
    ladder = Ladder("reps", (40, 50), max_sets=5)
    assert step_up(reps(50, sets=5), ladder) is None


# -- stay ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2])
def test_too_few_sessions_stay(n):
    s = suggest("calf_stretch", hold(30), sessions(n), HOLD)
    assert s.action is Action.STAY
    assert s.proposed is None
    start = {0: "No sessions at 30 s yet", 1: "1 session at 30 s so far"}.get(
        n, f"{n} sessions at 30 s so far"
    )
    assert s.reason.startswith(f"{start}: after 3 in a row")


def test_a_skipped_exercise_stays():
    records = sessions(3)
    records[1] = change(records[1], done_in_full=False, pain_during=None, morning="same")
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.STAY
    assert s.reason == "Not done in full on 2 May (skipped or stopped early): keep 30 s for now."


def test_a_missing_pain_score_stays():
    records = sessions(3)
    records[2] = change(records[2], pain_during=None)
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.STAY
    assert s.reason.startswith("No pain-during score for 3 May: keep 30 s for now")


def test_a_missing_morning_answer_stays():
    records = sessions(3)
    records[0] = change(records[0], morning=None)
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.STAY
    assert s.reason.startswith("No next-morning answer yet after 1 May: keep 30 s for now")


def test_one_worse_morning_stays():
    records = sessions(3)
    records[1] = change(records[1], morning="worse")
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.STAY
    assert s.reason == "Your back was worse the morning after 2 May: keep 30 s for now."


def test_sessions_before_the_last_change_do_not_count():
    earlier = sessions(3, amount=30)
    now = sessions(1, amount=45, start=dt.date(2025, 5, 4), first_id=4)
    s = suggest("calf_stretch", hold(45), earlier + now, HOLD)
    assert s.action is Action.STAY
    assert s.based_on == 1
    assert s.reason.startswith("1 session at 45 s so far")


def test_pain_before_an_ease_off_does_not_ease_off_again():
    painful = sessions(2, amount=45, pain=7)
    after = sessions(1, amount=30, start=dt.date(2025, 5, 3), first_id=3)
    s = suggest("calf_stretch", hold(30), painful + after, HOLD)
    assert s.action is Action.STAY


def test_records_without_the_prescription_count_as_current():
    s = suggest("calf_stretch", hold(45), sessions(3, sets=None, amount=None), HOLD)
    assert s.action is Action.PROGRESS and s.proposed == hold(60)


def test_order_of_records_does_not_matter_and_same_day_sessions_order_by_id():
    records = sessions(3)
    same_day = [change(records[2], session_id=10, morning="worse"), records[2]]
    s = suggest("calf_stretch", hold(30), [records[1], *same_day, records[0]], HOLD)
    # the last three by (day, id) are 2 May, 3 May (#3) and 3 May (#10, worse morning)
    assert s.action is Action.STAY
    assert "worse the morning after 3 May" in s.reason
    assert s.evidence == (2, 3, 10)


def test_a_roll_has_no_ladder_and_stays():
    roll = Prescription(Kind.ROLL, hold_seconds=60)
    s = suggest("foot_ball_roll", roll, sessions(3, amount=60), None)
    assert s.action is Action.STAY
    assert s.reason.startswith("Rolled 60 s in full on your last 3 sessions")
    assert "no step to take" in s.reason


# -- ease off --------------------------------------------------------------------------------
def test_pain_above_5_eases_off_one_step():
    records = sessions(3, amount=45)
    records[2] = change(records[2], pain_during=6)
    s = suggest("calf_stretch", hold(45), records, HOLD)
    assert s.action is Action.EASE_OFF
    assert s.proposed == hold(30)
    assert s.reason == "Pain during reached 6/10 on 3 May (above 5): ease off to 30 s."


def test_one_painful_session_is_enough_even_when_too_few():
    records = sessions(1, amount=20, pain=8, sets=2)
    s = suggest("side_lying_leg_raise", reps(20, sets=2), records, REPS)
    assert s.action is Action.EASE_OFF
    assert s.proposed == reps(20)
    assert s.reason.endswith("ease off to 20 reps.")


def test_two_worse_mornings_in_a_week_ease_off():
    records = sessions(3, amount=45, every=3)  # 1, 4, 7 May
    records[0] = change(records[0], morning="worse")
    records[2] = change(records[2], morning="worse")
    s = suggest("calf_stretch", hold(45), records, HOLD)
    assert s.action is Action.EASE_OFF
    assert s.proposed == hold(30)
    assert s.reason == (
        "Your back was worse on 2 mornings this week after sessions with it: ease off to 30 s."
    )


def test_two_worse_mornings_more_than_a_week_apart_do_not_ease_off():
    records = sessions(4, amount=45, every=4)  # 1, 5, 9, 13 May
    records[0] = change(records[0], morning="worse")
    records[2] = change(records[2], morning="worse")
    s = suggest("calf_stretch", hold(45), records, HOLD)
    assert s.action is Action.STAY
    assert "worse the morning after 9 May" in s.reason


def test_pain_at_the_lowest_step_suggests_leaving_it_out():
    records = sessions(2)
    records[1] = change(records[1], pain_during=7)
    s = suggest("calf_stretch", hold(30), records, HOLD)
    assert s.action is Action.LEAVE_OUT
    assert s.proposed is None
    assert s.reason == (
        "Pain during reached 7/10 on 2 May (above 5), and 30 s is already its lowest step: "
        "leave this exercise out for now and talk to a physiotherapist or doctor if it keeps "
        "hurting."
    )


def test_pain_on_two_sessions_at_one_level_suggests_leaving_it_out():
    records = sessions(3, amount=60)
    records[0] = change(records[0], pain_during=6)
    records[2] = change(records[2], pain_during=8)
    s = suggest("calf_stretch", hold(60), records, HOLD)
    assert s.action is Action.LEAVE_OUT
    assert "reached 8/10 on 3 May (above 5), on 2 of your last 3 sessions" in s.reason
    assert "talk to a physiotherapist or doctor" in s.reason


def test_a_painful_roll_is_left_out():
    roll = Prescription(Kind.ROLL, hold_seconds=60)
    s = suggest("foot_ball_roll", roll, sessions(1, amount=60, pain=6), None)
    assert s.action is Action.LEAVE_OUT


def test_ease_off_wins_over_missing_data():
    records = sessions(3, amount=45, pain=None, morning=None)
    records[1] = change(records[1], pain_during=9, done_in_full=False)
    assert suggest("x", hold(45), records, HOLD).action is Action.EASE_OFF


# -- the rule's parameters --------------------------------------------------------------------
def test_every_parameter_has_a_source_and_the_rule_is_one_object():
    names = {f.name for f in dataclasses.fields(ProgressionRule)}
    assert names <= set(SOURCES)
    assert "Thomeé" in SOURCES["pain_acceptable"] and "Silbernagel" in SOURCES["pain_acceptable"]
    assert "ladder" in SOURCES
    assert "5/10" in RULE.describe() and "3 sessions" in RULE.describe()


def test_changing_the_rule_changes_the_suggestion():
    stricter = ProgressionRule(sessions_needed=4, pain_acceptable=3)
    records = sessions(3, amount=45)
    records[2] = change(records[2], pain_during=4)
    assert suggest("x", hold(45), records, HOLD).action is Action.PROGRESS
    eased = suggest("x", hold(45), records, HOLD, stricter)
    assert eased.action is Action.EASE_OFF
    assert eased.reason.startswith("Pain during reached 4/10 on 3 May (above 3)")
    assert suggest("x", hold(45), sessions(3, amount=45), HOLD, stricter).action is Action.STAY


@pytest.mark.parametrize(
    "bad",
    [
        {"sessions_needed": 0},
        {"pain_acceptable": -1},
        {"pain_acceptable": 11},
        {"worse_mornings_to_ease": 0},
        {"painful_sessions_to_leave_out": 0},
    ],
)
def test_a_rule_with_impossible_numbers_is_refused(bad):
    with pytest.raises(ValueError):
        ProgressionRule(**bad)


def test_the_data_mark_changes_when_new_data_arrive():
    before = suggest("x", hold(30), sessions(3), HOLD)
    again = suggest("x", hold(30), sessions(3), HOLD)
    after = suggest("x", hold(30), sessions(4), HOLD)
    assert before.data_mark == again.data_mark
    assert before.data_mark != after.data_mark


# -- a trainer's own exercise with its own ladder ----------------------------------------------
MY_EXERCISES = """
format = "backcare.catalog"
version = 1

[[exercise]]
id = "wall_sit"
name = "Wall sit"
group = "deep_core"
targets = ["quadriceps"]
equipment = ["wall"]
kind = "hold"
sides = "both"
prescription = { sets = 1, hold_seconds = 20 }
ladder = { steps = [20, 30, 40], max_sets = 3 }
cues = ["Back to the wall.", "Slide down.", "Hold."]
"""


@pytest.fixture
def trainer_catalog(tmp_path):
    path = tmp_path / "my_exercises.toml"
    path.write_text(MY_EXERCISES, encoding="utf-8")
    return load_catalog(user_path=path)


def test_a_trainers_exercise_climbs_its_own_ladder(trainer_catalog):
    wall_sit = trainer_catalog["wall_sit"]
    ladder = ladder_for(wall_sit)
    assert ladder == Ladder("hold_seconds", (20, 30, 40), max_sets=3)
    s = suggest("wall_sit", hold(20), sessions(3, amount=20), ladder)
    assert s.action is Action.PROGRESS and s.proposed == hold(30)
    s = suggest("wall_sit", hold(40, sets=2), sessions(3, amount=40, sets=2), ladder)
    assert s.proposed == hold(40, sets=3)
    assert "try one more set (3 × 40 s)." in s.reason
    s = suggest("wall_sit", hold(40, sets=3), sessions(3, amount=40, sets=3), ladder)
    assert s.action is Action.TOP
    painful = sessions(1, amount=20, pain=6)
    assert suggest("wall_sit", hold(20), painful, ladder).action is Action.LEAVE_OUT
    # the bundled hold of the same kind keeps the source's ladder
    assert ladder_for(trainer_catalog["calf_stretch"]) == HOLD


@pytest.mark.parametrize(
    ("ladder", "words"),
    [
        ("{ steps = [30, 20] }", "must rise"),
        ("{ steps = [5, 30] }", "outside the allowed range 10-180"),
        ("{ steps = [] }", "1 to 8 steps"),
        ("{ steps = [30, 45], max_sets = 9 }", "max_sets must be from 1 to 5"),
        ("{ steps = [30, 45], top = 2 }", "unknown ladder field(s): top"),
        ("{ max_sets = 2 }", "needs its steps"),
        ('"30, 45"', "must be a table"),
        ('{ steps = ["30"] }', "not a whole number"),
    ],
)
def test_a_bad_ladder_is_refused_naming_the_exercise_and_field(tmp_path, ladder, words):
    path = tmp_path / "my_exercises.toml"
    text = MY_EXERCISES.replace("{ steps = [20, 30, 40], max_sets = 3 }", ladder)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(user_path=path)
    assert "exercise 'wall_sit': field 'ladder'" in str(caught.value)
    assert words in str(caught.value)


def test_ladder_errors_directly():
    with pytest.raises(LadderError):
        Ladder("sets", (1, 2))
    with pytest.raises(LadderError):
        Ladder("reps", "15")  # type: ignore[arg-type]


# -- frames and routines ---------------------------------------------------------------------
def test_records_from_a_frame_with_gaps():
    frame = pd.DataFrame(
        {
            "exercise_id": ["calf_stretch", "calf_stretch", "dead_bug_heel_touch"],
            "day": [pd.Timestamp("2025-05-01"), dt.date(2025, 5, 2), pd.Timestamp("2025-05-02")],
            "done_in_full": [True, False, True],
            "pain_during": pd.array([3, pd.NA, 1], dtype="Int64"),
            "morning": ["same", None, ""],
            "sets": [1, 1, 1],
            "amount": [30.0, float("nan"), 15.0],
            "session_id": [1, 2, 2],
        }
    )
    grouped = records_from_frame(frame)
    assert grouped["calf_stretch"] == [
        SessionRecord(dt.date(2025, 5, 1), True, 3, "same", 1, 30, 1),
        SessionRecord(dt.date(2025, 5, 2), False, None, None, 1, None, 2),
    ]
    assert grouped["dead_bug_heel_touch"][0].morning is None
    with pytest.raises(ValueError, match="lacks column"):
        records_from_frame(frame.drop(columns=["morning"]))


def test_a_record_with_impossible_values_is_refused():
    with pytest.raises(ValueError):
        SessionRecord(MAY, True, pain_during=11)
    with pytest.raises(ValueError):
        SessionRecord(MAY, True, morning="awful")


def test_suggestions_for_a_whole_routine_in_its_order():
    catalog = load_catalog(include_user=False)
    routine = Routine(
        "Evening",
        (
            RoutineItem("dead_bug_heel_touch", catalog["dead_bug_heel_touch"].prescription),
            RoutineItem("calf_stretch", catalog["calf_stretch"].prescription),
            RoutineItem("foot_ball_roll", catalog["foot_ball_roll"].prescription),
        ),
    )
    rows = []
    for day in range(3):
        for exercise_id, amount in (("dead_bug_heel_touch", 15), ("calf_stretch", 30)):
            pain = 7 if exercise_id == "calf_stretch" and day == 2 else 1
            rows.append(
                {
                    "exercise_id": exercise_id,
                    "day": MAY + dt.timedelta(days=day),
                    "done_in_full": True,
                    "pain_during": pain,
                    "morning": "better",
                    "sets": 1,
                    "amount": amount,
                    "session_id": day + 1,
                }
            )
    result = suggest_for_routine(routine, catalog, pd.DataFrame(rows))
    assert [s.exercise_id for s in result] == [
        "dead_bug_heel_touch",
        "calf_stretch",
        "foot_ball_roll",
    ]
    assert [s.action for s in result] == [Action.PROGRESS, Action.LEAVE_OUT, Action.STAY]
    assert result[0].reason == (
        "Did 15 reps in full on your last 3 sessions, pain during 1/10, mornings better: "
        "try 18 reps."
    )
    assert result[2].reason.startswith("No sessions at 60 s yet")
