"""The rule's input frame from sessions, steps, pain-during scores and next-morning answers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from backcare.prescription import Kind, Prescription
from backcare.progression.records import (
    exercise_records,
    morning_answers,
    morning_question_due,
)

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")


def at(day: int, hour: int, tz: dt.tzinfo = UTC) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(2025, 5, day, hour, 0, tzinfo=tz))


def sessions_frame(*starts: pd.Timestamp) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "session_id": list(range(1, len(starts) + 1)),
            "started_at": list(starts),
            "status": ["completed"] * len(starts),
        }
    )


def checkins_frame(*rows: tuple[pd.Timestamp, str | None, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "checkin_id": list(range(1, len(rows) + 1)),
            "at": [r[0] for r in rows],
            "morning": [r[1] for r in rows],
            "context": [r[2] for r in rows],
        }
    )


def test_the_first_daily_checkin_on_a_later_day_answers_for_the_session():
    sessions = sessions_frame(at(1, 18), at(2, 18), at(5, 18))
    checkins = checkins_frame(
        (at(1, 19), None, "after"),  # right after the session: not a morning
        (at(2, 8), "same", "daily"),
        (at(2, 9), "worse", "daily"),  # a second check-in that day does not count
        (at(3, 8), "better", "daily"),
        (at(7, 8), "worse", "daily"),
    )
    answers = morning_answers(sessions, checkins)
    assert answers.to_dict() == {1: "same", 2: "better", 3: "worse"}


def test_a_checkin_after_the_next_session_day_answers_only_for_that_one():
    sessions = sessions_frame(at(1, 18), at(2, 18))
    checkins = checkins_frame((at(3, 8), "better", "daily"))
    assert morning_answers(sessions, checkins).to_dict() == {1: None, 2: "better"}


def test_no_answer_when_nobody_asked_or_it_was_left_blank():
    sessions = sessions_frame(at(1, 18), at(3, 18))
    checkins = checkins_frame((at(2, 8), None, "daily"))
    assert morning_answers(sessions, checkins).to_dict() == {1: None, 2: None}
    assert morning_answers(sessions, checkins.iloc[0:0]).to_dict() == {1: None, 2: None}


def test_days_are_the_persons_days():
    # 21:00 in New York on 1 May is 01:00 UTC on 2 May: the same evening, not the next morning
    sessions = sessions_frame(at(1, 18, NEW_YORK).tz_convert(UTC))
    checkins = checkins_frame(
        (at(1, 21, NEW_YORK).tz_convert(UTC), "worse", "daily"),
        (at(2, 7, NEW_YORK).tz_convert(UTC), "same", "daily"),
    )
    assert morning_answers(sessions, checkins, NEW_YORK).to_dict() == {1: "same"}
    assert morning_answers(sessions, checkins).to_dict() == {1: "worse"}  # on UTC's days


def test_the_question_is_due_at_the_first_daily_checkin_after_a_session():
    sessions = sessions_frame(at(1, 18))
    none = checkins_frame()
    assert not morning_question_due(sessions.iloc[0:0], none, at(2, 8))  # no session yet
    assert not morning_question_due(sessions, none, at(1, 21))  # the same evening
    assert morning_question_due(sessions, none, at(2, 8))
    assert morning_question_due(sessions, none, at(4, 8))  # a few days later, still the first
    answered = checkins_frame((at(2, 8), "same", "daily"))
    assert not morning_question_due(sessions, answered, at(2, 20))
    assert not morning_question_due(sessions, answered, at(3, 8))
    assert morning_question_due(sessions, answered, at(2, 20), ignore_checkin=1)  # editing it
    after_only = checkins_frame((at(1, 19), None, "after"))
    assert morning_question_due(sessions, after_only, at(2, 8))


def _steps(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "session_id": [r[0] for r in rows],
            "exercise_id": [r[1] for r in rows],
            "status": [r[2] for r in rows],
            "is_work": [True] * len(rows),
        }
    )


def test_exercise_records_join_everything_per_session_and_exercise():
    sessions = sessions_frame(at(1, 18), at(2, 18))
    steps = _steps(
        [
            (1, "calf_stretch", "done"),
            (1, "calf_stretch", "done"),  # the other side
            (1, "dead_bug_heel_touch", "done"),
            (2, "calf_stretch", "done"),
            (2, "calf_stretch", "skipped"),  # one side skipped: not in full
            (2, "dead_bug_heel_touch", "planned"),  # stopped before it
        ]
    )
    steps = pd.concat(
        [
            steps,
            pd.DataFrame(  # a rest step is no exercise
                {"session_id": [1], "exercise_id": [None], "status": ["done"], "is_work": [False]}
            ),
        ],
        ignore_index=True,
    )
    checkins = checkins_frame((at(2, 8), "same", "daily"), (at(3, 8), "worse", "daily"))
    hold = Prescription(Kind.HOLD, hold_seconds=45)
    reps = Prescription(Kind.REPS, sets=2, reps=18)
    prescriptions = {
        1: {"calf_stretch": hold, "dead_bug_heel_touch": reps},
        2: {"calf_stretch": hold, "dead_bug_heel_touch": reps},
    }
    pain = pd.DataFrame(
        {
            "session_id": [1, 1, 2],
            "exercise_id": ["calf_stretch", "dead_bug_heel_touch", "calf_stretch"],
            "pain_during": [3, None, 6],
        }
    )
    frame = exercise_records(steps, sessions, checkins, prescriptions, pain)
    got = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert got == [
        {
            "exercise_id": "calf_stretch",
            "day": dt.date(2025, 5, 1),
            "done_in_full": True,
            "pain_during": 3,
            "morning": "same",
            "sets": 1,
            "amount": 45,
            "session_id": 1,
        },
        {
            "exercise_id": "dead_bug_heel_touch",
            "day": dt.date(2025, 5, 1),
            "done_in_full": True,
            "pain_during": None,
            "morning": "same",
            "sets": 2,
            "amount": 18,
            "session_id": 1,
        },
        {
            "exercise_id": "calf_stretch",
            "day": dt.date(2025, 5, 2),
            "done_in_full": False,
            "pain_during": 6,
            "morning": "worse",
            "sets": 1,
            "amount": 45,
            "session_id": 2,
        },
        {
            "exercise_id": "dead_bug_heel_touch",
            "day": dt.date(2025, 5, 2),
            "done_in_full": False,
            "pain_during": None,
            "morning": "worse",
            "sets": 2,
            "amount": 18,
            "session_id": 2,
        },
    ]


def test_exercise_records_of_nothing_is_an_empty_frame_with_the_columns():
    empty = exercise_records(_steps([]), sessions_frame(), checkins_frame(), {}, None)
    assert empty.empty
    assert list(empty.columns)[:5] == [
        "exercise_id",
        "day",
        "done_in_full",
        "pain_during",
        "morning",
    ]
