"""What the session says and when (backcare.cues), who is following (backcare.presence), and
the words of the focus view (backcare.ui.session.display)."""

from __future__ import annotations

import pytest

from backcare.catalog import Catalog
from backcare.cues import CueSettings, cue_plan, step_cues
from backcare.prescription import Kind, Prescription
from backcare.presence import HIDDEN_TIMEOUT, LOST_GRACE, VISIBLE_TIMEOUT, Presence
from backcare.routine import Routine, RoutineItem, Timing, evening_session
from backcare.timeline import Step, StepKind
from backcare.ui.session.display import ending, focus_plan, step_where


def said(cues: list[dict]) -> list[tuple[float, str]]:
    return [(cue["at"], cue["say"]) for cue in cues]


def test_get_ready_names_the_exercise_and_counts_down_the_last_three_seconds() -> None:
    ready = Step(0, StepKind.GET_READY, 10.0, "Get ready")
    hold = Step(1, StepKind.HOLD, 30.0, "Calf stretch in a lunge (left side)", exercise_id="c")
    assert said(step_cues(ready, hold)) == [
        (0, "Get ready: Calf stretch in a lunge"),
        (7, "3"),
        (8, "2"),
        (9, "1"),
    ]
    assert step_cues(ready, hold)[0]["sound"] == "beep"


def test_switch_rest_last_set_and_the_end() -> None:
    switch = Step(2, StepKind.SWITCH, 5.0, "Switch sides", side="right")
    rest = Step(3, StepKind.REST, 20.0, "Rest")
    last = Step(4, StepKind.HOLD, 30.0, "X", exercise_id="x", set_number=2, sets=2)
    right = Step(5, StepKind.HOLD, 30.0, "X", exercise_id="x", side="right", set_number=2, sets=2)
    done = Step(6, StepKind.DONE, 0.0, "Well done")
    assert said(step_cues(switch, None))[0] == (0, "Switch sides")
    assert said(step_cues(rest, None))[0] == (0, "Rest")
    assert said(step_cues(last, None))[0] == (0, "Last set")
    first = Step(
        4, StepKind.HOLD, 30.0, "X (left side)", exercise_id="x", side="left", set_number=1, sets=2
    )
    assert said(step_cues(first, None, previous=rest))[0] == (0, "X, left side")
    assert said(step_cues(first, None, previous=Step(0, StepKind.GET_READY, 5, "Get ready")))[
        0
    ] == (0, "Left side")
    assert said(step_cues(right, None))[0] == (0, "Right side")
    (end,) = step_cues(done, None)
    assert end["sound"] == "end" and "Well done" in end["say"]


def test_reps_are_counted_at_the_tempo_only_when_chosen() -> None:
    reps = Step(1, StepKind.REPS, 20.0, "Y", exercise_id="y", reps=5, rep_seconds=4.0)
    assert [w for _, w in said(step_cues(reps, None))] == ["Y", "3", "2", "1"]
    counted = said(step_cues(reps, None, count_reps=True))
    assert counted[:5] == [(0, "Y"), (4, "2"), (8, "3"), (12, "4"), (16, "5")]
    self_paced = Step(
        1, StepKind.REPS, 20.0, "Y", exercise_id="y", reps=5, rep_seconds=4.0, self_paced=True
    )
    assert [w for _, w in said(step_cues(self_paced, None, count_reps=True))] == ["Y"]


def test_a_whole_routine_has_a_cue_at_every_step_start(catalog: Catalog) -> None:
    steps = evening_session(catalog).steps(catalog)
    plan = cue_plan(steps)
    assert len(plan) == len(steps)
    assert all(cues and cues[0]["at"] == 0 for cues in plan)
    assert all(
        cue["at"] <= step.seconds for step, cues in zip(steps, plan, strict=True) for cue in cues
    )


@pytest.mark.parametrize(
    "data", [{"volume": 101}, {"volume": "loud"}, {"voice": "yes"}, {"volume": True}]
)
def test_bad_settings_are_refused(data) -> None:
    with pytest.raises(ValueError):
        CueSettings.from_dict(data)


def test_settings_round_trip_and_ignore_unknown_keys() -> None:
    settings = CueSettings(voice=False, volume=30)
    assert CueSettings.from_dict({**settings.to_dict(), "colour": "red"}) == settings
    assert CueSettings.from_dict(None) == CueSettings()


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_presence_counts_views_until_they_fall_silent_or_say_goodbye() -> None:
    clock = Clock()
    presence = Presence(clock)
    assert not presence.lost()  # nobody ever reported: nothing to wait for
    presence.beat("a")
    presence.beat("b", visible=False)
    clock.now += VISIBLE_TIMEOUT + 0.1
    assert presence.alive() == ["b"] and not presence.lost()  # a hidden tab gets longer
    presence.gone("b")
    assert presence.lost() and presence.said_goodbye
    assert presence.last_seen() == clock.now
    presence.beat("c")
    assert not presence.lost() and not presence.said_goodbye
    clock.now += HIDDEN_TIMEOUT
    assert presence.lost() and presence.last_seen() == clock.now - HIDDEN_TIMEOUT


def test_a_session_pauses_at_the_last_heartbeat_after_the_grace() -> None:
    clock = Clock()
    presence = Presence(clock)
    assert presence.pause_at() is None  # nobody ever reported
    presence.beat("a")
    heard = clock.now
    clock.now += VISIBLE_TIMEOUT + 0.5  # the tab closed without a goodbye
    assert presence.pause_at() is None  # the grace starts now
    assert presence.next_check_at() == clock.now + LOST_GRACE
    clock.now += LOST_GRACE
    assert presence.pause_at() == heard  # dated back to the last heartbeat
    presence.beat("a")
    presence.gone("a")  # a goodbye needs no grace
    assert presence.pause_at() == clock.now


def test_a_heartbeat_in_the_grace_keeps_the_session_running() -> None:
    clock = Clock()
    presence = Presence(clock)
    presence.beat("a")
    clock.now += VISIBLE_TIMEOUT + 0.5
    assert presence.pause_at() is None
    presence.beat("a")  # a busy kernel let the queued heartbeat through
    clock.now += LOST_GRACE
    assert presence.pause_at() is None and not presence.lost()


def test_focus_words_for_sides_and_sets() -> None:
    left = Step(
        1, StepKind.HOLD, 30.0, "A (left side)", exercise_id="a", side="left", set_number=1, sets=2
    )
    both = Step(2, StepKind.REPS, 30.0, "B", exercise_id="b", set_number=2, sets=2)
    rest = Step(3, StepKind.REST, 30.0, "Rest", exercise_id="b", set_number=1, sets=2)
    assert step_where(left) == "Left side · set 1 of 2"
    assert step_where(both) == "Both sides at once · set 2 of 2"
    assert step_where(rest) == "After set 1 of 2"


def test_focus_plan_carries_lengths_and_the_time_before_each_step(catalog: Catalog) -> None:
    routine = Routine(
        "Cobra",
        (RoutineItem("prone_cobra", Prescription(Kind.REPS_HOLD, reps=5, rep_hold_seconds=3)),),
        timing=Timing(get_ready_seconds=5),
    )
    plan = focus_plan(routine.steps(catalog))
    steps = plan["steps"]
    assert [s["before"] for s in steps[:2]] == [0.0, 5.0]
    assert plan["total"] == sum(s["seconds"] for s in steps)


def test_the_end_is_only_well_done_when_something_was_done() -> None:
    assert ending(False, 3)[0] == "Well done"
    assert ending(True, 3)[0] == "Stopped"
    assert "skipped" in ending(False, 0)[0]
