"""The timer engine, stepped with a fake clock: no test waits in real time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backcare.catalog import Catalog
from backcare.prescription import Kind, Prescription
from backcare.routine import Routine, RoutineItem, Timing, evening_session, from_groups
from backcare.timeline import Step, StepKind, build_timeline
from backcare.timer import (
    EventKind,
    RepPhase,
    SessionRecorder,
    SessionTimer,
    TimerError,
    TimerEvent,
    TimerState,
)


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def simple_steps() -> tuple[Step, ...]:
    """get ready 5 s, hold 30 s, rest 10 s, hold 20 s, done."""
    raw = [
        Step(0, StepKind.GET_READY, 5.0, "Get ready"),
        Step(1, StepKind.HOLD, 30.0, "Stretch A", exercise_id="a"),
        Step(2, StepKind.REST, 10.0, "Rest"),
        Step(3, StepKind.HOLD, 20.0, "Stretch B", exercise_id="b"),
        Step(4, StepKind.DONE, 0.0, "Well done"),
    ]
    return tuple(raw)


def make(steps=None) -> tuple[SessionTimer, FakeClock, list[TimerEvent]]:
    clock = FakeClock()
    timer = SessionTimer(steps or simple_steps(), clock=clock)
    events: list[TimerEvent] = []
    timer.subscribe(events.append)
    return timer, clock, events


def kinds(events: list[TimerEvent]) -> list[tuple[str, int | None]]:
    return [(e.kind.value, e.step.index if e.step else None) for e in events]


def test_ready_then_start_runs_the_first_step() -> None:
    timer, clock, events = make()
    assert timer.state is TimerState.READY
    assert timer.remaining() == 5.0
    clock.advance(100)  # time before start does not count
    assert timer.remaining() == 5.0
    timer.start()
    assert timer.state is TimerState.RUNNING
    assert kinds(events) == [("step_started", 0)]
    clock.advance(2)
    assert timer.remaining() == pytest.approx(3.0)


def test_steps_end_at_their_deadlines_without_drift() -> None:
    timer, clock, events = make()
    timer.start()
    start = clock.now
    clock.advance(5 + 30 + 3)  # a late tick: two steps are due at once
    snap = timer.tick()
    assert snap.step.index == 2
    assert snap.remaining == pytest.approx(7.0)  # the rest began at its deadline, not now
    completed = [e for e in events if e.kind is EventKind.STEP_COMPLETED]
    assert [e.at - start for e in completed] == [5.0, 35.0]
    assert [e.performed_seconds for e in completed] == [5.0, 30.0]


def test_whole_run_to_finished_emits_every_event_in_order() -> None:
    timer, clock, events = make()
    timer.start()
    for _ in range(70):
        clock.advance(1)
        timer.tick()
    assert timer.state is TimerState.FINISHED
    assert not timer.stopped
    assert kinds(events) == [
        ("step_started", 0),
        ("step_completed", 0),
        ("step_started", 1),
        ("step_completed", 1),
        ("step_started", 2),
        ("step_completed", 2),
        ("step_started", 3),
        ("step_completed", 3),
        ("step_started", 4),
        ("finished", 4),
    ]
    snap = timer.snapshot()
    assert snap.session_fraction == 1.0
    assert snap.step.kind is StepKind.DONE


def test_pause_freezes_remaining_time_and_resume_continues() -> None:
    timer, clock, _ = make()
    timer.start()
    clock.advance(8)  # 3 s into the first hold
    timer.pause()
    assert timer.state is TimerState.PAUSED
    frozen = timer.tick().remaining
    assert frozen == pytest.approx(27.0)
    clock.advance(500)
    assert timer.tick().remaining == pytest.approx(frozen)
    assert timer.index == 1
    assert timer.deadline() is None
    assert timer.next_change_at() is None
    timer.resume()
    clock.advance(4)
    assert timer.tick().remaining == pytest.approx(23.0)
    timer.toggle_pause()
    assert timer.state is TimerState.PAUSED
    timer.toggle_pause()
    assert timer.state is TimerState.RUNNING


def test_start_while_paused_resumes() -> None:
    timer, _clock, _ = make()
    timer.start()
    timer.pause()
    timer.start()
    assert timer.state is TimerState.RUNNING


def test_actions_that_do_not_fit_the_state_are_refused() -> None:
    timer, _, events = make()
    for action in (timer.pause, timer.resume, timer.skip, timer.back, timer.done):
        with pytest.raises(TimerError):
            action()
    timer.start()
    with pytest.raises(TimerError):
        timer.start()
    with pytest.raises(TimerError):
        timer.resume()
    with pytest.raises(TimerError, match="reps"):
        timer.done()  # get-ready is not a set of reps
    assert kinds(events) == [("step_started", 0)]


def test_skip_records_the_time_spent_and_moves_on() -> None:
    timer, clock, events = make()
    timer.start()
    clock.advance(5)
    timer.tick()
    clock.advance(12)
    timer.skip()
    assert timer.index == 2
    skipped = [e for e in events if e.kind is EventKind.STEP_SKIPPED]
    assert len(skipped) == 1
    assert skipped[0].step.index == 1
    assert skipped[0].performed_seconds == pytest.approx(12.0)
    assert timer.remaining() == pytest.approx(10.0)


def test_skip_while_paused_stays_paused() -> None:
    timer, clock, _ = make()
    timer.start()
    timer.pause()
    timer.skip()
    assert (timer.index, timer.state) == (1, TimerState.PAUSED)
    clock.advance(50)
    assert timer.remaining() == 30.0


def test_back_returns_to_the_start_of_the_previous_step() -> None:
    timer, clock, events = make()
    timer.start()
    clock.advance(5 + 10)
    timer.tick()
    assert timer.index == 1
    timer.back()
    assert timer.index == 0
    assert timer.remaining() == pytest.approx(5.0)
    timer.back()  # the first step restarts itself
    assert timer.index == 0
    assert events[-1].kind is EventKind.STEP_STARTED
    clock.advance(1)
    assert timer.remaining() == pytest.approx(4.0)


def test_stop_finishes_early_and_tells_listeners() -> None:
    timer, clock, events = make()
    timer.start()
    clock.advance(7)
    timer.stop()
    assert timer.state is TimerState.FINISHED
    assert timer.stopped
    assert events[-1].kind is EventKind.STOPPED
    assert events[-1].step.index == 1
    assert events[-1].performed_seconds == pytest.approx(2.0)
    clock.advance(100)
    assert timer.tick().step.index == 1  # nothing moves after a stop
    timer.stop()  # stopping twice is harmless
    assert sum(e.kind is EventKind.STOPPED for e in events) == 1


def test_stop_before_start_emits_nothing() -> None:
    timer, _, events = make()
    timer.stop()
    assert timer.state is TimerState.FINISHED
    assert events == []


def test_restart_goes_back_to_ready() -> None:
    timer, clock, events = make()
    timer.start()
    clock.advance(20)
    timer.tick()
    timer.restart()
    assert events[-1].kind is EventKind.STOPPED
    assert (timer.state, timer.index) == (TimerState.READY, 0)
    assert timer.remaining() == 5.0
    timer.start()
    clock.advance(6)
    assert timer.tick().step.index == 1


def reps_steps(self_paced: bool, hold: int | None = None) -> tuple[Step, ...]:
    rep_seconds = 3.0 + (hold or 0)
    return (
        Step(
            0,
            StepKind.REPS,
            5 * rep_seconds,
            "Reps",
            exercise_id="r",
            reps=5,
            rep_seconds=rep_seconds,
            rep_hold_seconds=hold,
            self_paced=self_paced,
        ),
        Step(1, StepKind.DONE, 0.0, "Well done"),
    )


def test_rep_counter_follows_the_tempo() -> None:
    timer, clock, _ = make(reps_steps(self_paced=False))
    timer.start()
    assert timer.tick().rep == 1
    clock.advance(3.1)
    assert timer.tick().rep == 2
    clock.advance(6)
    assert timer.tick().rep == 4
    clock.advance(5.8)  # 14.9 s: still the fifth rep
    assert timer.tick().rep == 5
    clock.advance(0.2)
    assert timer.tick().state is TimerState.FINISHED


def test_self_paced_set_waits_for_done() -> None:
    timer, clock, events = make(reps_steps(self_paced=True))
    timer.start()
    assert timer.deadline() is None
    clock.advance(60)  # far beyond its 15 s estimate
    snap = timer.tick()
    assert snap.state is TimerState.RUNNING
    assert snap.waiting_for_done
    assert snap.rep == 5  # the counter stops at the last rep
    assert snap.display_seconds == 60  # counts up
    timer.done()
    assert timer.state is TimerState.FINISHED
    completed = [e for e in events if e.kind is EventKind.STEP_COMPLETED]
    assert completed[0].performed_seconds == pytest.approx(60.0)


def test_self_paced_next_change_counts_whole_seconds() -> None:
    timer, clock, _ = make(reps_steps(self_paced=True))
    timer.start()
    clock.advance(0.4)
    # the next change is the end of the lift (1.5 s in), before the second mark
    assert timer.next_change_at() == pytest.approx(clock.now + 0.6)
    clock.advance(1.3)  # 1.7 s
    assert timer.next_change_at() == pytest.approx(clock.now + 0.3)


def test_prone_cobra_hold_phase_inside_each_rep() -> None:
    timer, clock, _ = make(reps_steps(self_paced=False, hold=3))  # 1.5 lift, 3 hold, 1.5 lower
    timer.start()
    seen = []
    for _ in range(12):  # two reps at 0.5 s
        snap = timer.tick()
        seen.append((snap.rep, snap.phase))
        clock.advance(0.5)
    assert seen[:3] == [(1, RepPhase.LIFT)] * 3
    assert seen[3:9] == [(1, RepPhase.HOLD)] * 6
    assert seen[9:12] == [(1, RepPhase.LOWER)] * 3
    assert timer.tick().rep == 2
    assert timer.tick().phase is RepPhase.LIFT


def test_prone_cobra_from_the_catalog_has_a_hold(catalog: Catalog) -> None:
    routine = Routine(
        "Cobra",
        (RoutineItem("prone_cobra", Prescription(Kind.REPS_HOLD, reps=15, rep_hold_seconds=4)),),
    )
    steps = build_timeline(routine, catalog)
    timer, clock, _ = make(steps)
    timer.start()
    clock.advance(5)  # get ready
    timer.tick()
    assert timer.step.kind is StepKind.REPS
    clock.advance(1.5 + 2)  # into the 4 s hold
    assert timer.tick().phase is RepPhase.HOLD


def test_next_change_is_the_next_whole_second_of_the_deadline() -> None:
    timer, clock, _ = make()
    timer.start()
    clock.advance(0.3)
    assert timer.next_change_at() == pytest.approx(clock.now + 0.7)
    clock.advance(0.7)  # exactly on a second mark: the next one is a full second away
    assert timer.next_change_at() == pytest.approx(clock.now + 1.0)
    clock.advance(3.5)  # 0.5 s left
    assert timer.next_change_at() == pytest.approx(timer.deadline())


def test_display_seconds_rounds_up() -> None:
    timer, clock, _ = make()
    timer.start()
    assert timer.tick().display_seconds == 5
    clock.advance(0.2)
    assert timer.tick().display_seconds == 5
    clock.advance(0.8)
    assert timer.tick().display_seconds == 4


def test_progress_fractions() -> None:
    timer, clock, _ = make()
    timer.start()
    clock.advance(5 + 15)
    snap = timer.tick()
    assert snap.step_fraction == pytest.approx(0.5)
    assert snap.session_fraction == pytest.approx(20 / 65)
    assert (snap.step_number, snap.step_count) == (2, 5)


def test_an_empty_timeline_is_refused() -> None:
    with pytest.raises(TimerError):
        SessionTimer(())


@pytest.mark.parametrize("self_paced", [False, True])
def test_a_routine_of_all_four_groups_runs_to_the_end(catalog: Catalog, self_paced: bool) -> None:
    routine = evening_session(catalog)
    routine = replace(routine, timing=Timing(self_paced_reps=self_paced))
    steps = routine.steps(catalog)
    assert len(routine.groups(catalog)) == 4
    timer, clock, events = make(steps)
    timer.start()
    guard = 0
    while timer.state is not TimerState.FINISHED:
        guard += 1
        assert guard < 10_000
        next_at = timer.next_change_at()
        if next_at is None or timer.tick().waiting_for_done:
            clock.advance(10)
            timer.done()
            continue
        clock.now = next_at
        timer.tick()
    completed = [e.step.index for e in events if e.kind is EventKind.STEP_COMPLETED]
    assert completed == list(range(len(steps) - 1))
    assert events[-1].kind is EventKind.FINISHED
    exercises = {e.step.exercise_id for e in events if e.step.kind.is_work}
    assert exercises == set(catalog)


class MemoryStore:
    """Just enough of the store's contract to watch the recorder's calls."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def start_session(self, person_id, routine, catalog):
        self.calls.append(("start", person_id, routine.name))
        return len([c for c in self.calls if c[0] == "start"])

    def record_step(self, session_id, step_index, status="done", performed_seconds=0.0):
        self.calls.append(("step", session_id, step_index, status, performed_seconds))

    def finish_session(self, session_id, status="completed"):
        self.calls.append(("finish", session_id, status))


def test_recorder_writes_each_step_as_it_completes(catalog: Catalog) -> None:
    routine = from_groups(catalog, ["upper_back"], name="Upper")
    timer, clock, _ = make(routine.steps(catalog))
    store = MemoryStore()
    recorder = SessionRecorder(store, 7, routine, catalog)
    timer.subscribe(recorder)
    assert store.calls == []
    timer.start()
    assert store.calls == [("start", 7, "Upper")]
    clock.advance(5)
    timer.tick()
    assert store.calls[-1] == ("step", 1, 0, "done", 5.0)
    clock.advance(10)
    timer.skip()
    assert store.calls[-1] == ("step", 1, 1, "skipped", 10.0)
    timer.stop()
    assert store.calls[-1] == ("finish", 1, "stopped")
    assert recorder.status == "stopped"
    assert recorder.done_exercises == []
    # a restart begins a new session
    timer.restart()
    timer.start()
    assert store.calls[-1] == ("start", 7, "Upper")
    assert recorder.session_id == 2


def test_pause_as_of_an_earlier_moment_counts_only_the_time_before_it() -> None:
    timer, clock, events = make()
    timer.start()
    clock.advance(5 + 20)  # 20 s into the 30 s hold: the last sign of anybody following
    followed_until = clock.now
    clock.advance(15)  # the hold's deadline passed while nobody was there
    timer.pause(at=followed_until)
    assert timer.state is TimerState.PAUSED
    assert timer.index == 1 and timer.remaining() == pytest.approx(10.0)
    assert [e.kind for e in events].count(EventKind.STEP_COMPLETED) == 1  # the get-ready only


def test_start_at_a_later_step_carries_on_a_session() -> None:
    timer, clock, events = make()
    timer.start(3)
    assert timer.index == 3 and kinds(events) == [("step_started", 3)]
    with pytest.raises(TimerError):
        SessionTimer(simple_steps(), clock=clock).start(9)
