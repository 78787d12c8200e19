"""The timeline: how a routine unfolds step by step."""

from __future__ import annotations

import itertools

from backcare.routine import Routine, RoutineItem, Timing, evening_session
from backcare.timeline import StepKind


def _only(catalog, exercise_id, **changes):
    p = catalog[exercise_id].prescription.with_(**changes)
    return Routine("t", (RoutineItem(exercise_id, p),), timing=Timing(get_ready_seconds=5))


def test_each_side_in_turn_with_a_switch_step(catalog) -> None:
    steps = _only(catalog, "kneeling_hip_flexor", sets=2).steps(catalog)
    kinds = [(s.kind.value, s.side, s.set_number) for s in steps]
    assert kinds == [
        ("get_ready", None, None),
        ("hold", "left", 1), ("switch", "right", 1), ("hold", "right", 1),
        ("rest", None, 1),
        ("hold", "left", 2), ("switch", "right", 2), ("hold", "right", 2),
        ("done", None, None),
    ]  # fmt: skip
    assert steps[1].title.endswith("(left side)")


def test_every_step_knows_what_comes_next(catalog) -> None:
    steps = evening_session(catalog).steps(catalog)
    for step, following in itertools.pairwise(steps):
        assert step.next_title == following.title
    assert steps[-1].next_title == ""
    assert [s.index for s in steps] == list(range(len(steps)))


def test_rest_between_exercises_announces_the_next_one(catalog) -> None:
    steps = evening_session(catalog).steps(catalog)
    rests = [s for s in steps if s.kind is StepKind.REST and s.exercise_id is None]
    assert len(rests) == 8
    assert "Static calf stretch" in rests[0].detail


def test_reps_carry_count_tempo_and_hold(catalog) -> None:
    (step,) = [s for s in _only(catalog, "prone_cobra").steps(catalog) if s.kind.is_work]
    assert (step.reps, step.rep_hold_seconds, step.rep_seconds) == (15, 3, 6.0)
    assert step.side is None
    (bug,) = [s for s in _only(catalog, "dead_bug_heel_touch").steps(catalog) if s.kind.is_work]
    assert bug.side == "alternating" and bug.reps == 30


def test_self_paced_reps_are_marked(catalog) -> None:
    routine = Routine(
        "t",
        (RoutineItem("side_lying_leg_raise", catalog["side_lying_leg_raise"].prescription),),
        timing=Timing(self_paced_reps=True),
    )
    assert all(s.self_paced for s in routine.steps(catalog) if s.kind is StepKind.REPS)
