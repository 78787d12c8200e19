"""The guided session's timer: a state machine over a timeline, driven by an injected clock.

:class:`SessionTimer` walks the steps of :func:`backcare.timeline.build_timeline`. It never
sleeps and never reads the wall clock itself: every answer (time left, the current rep, the
phase inside a rep) is computed from ``clock()``, a callable returning monotonic seconds. In
the notebook that is :func:`time.monotonic`; in tests it is a fake clock stepped by hand.

States: ``ready`` (not started), ``running``, ``paused`` and ``finished`` (the routine ended
or was stopped). A timed step ends at its deadline; the next step starts *at that deadline*,
not when someone next looks, so no drift builds up however late :meth:`SessionTimer.tick`
is called. A self-paced set of reps waits for :meth:`SessionTimer.done`.

Listeners receive :class:`TimerEvent`s (step started, completed, skipped; finished; stopped)
as they happen, so :class:`SessionRecorder` can write each completed step to the store at
once: a session stopped early, or a kernel that dies, keeps what was done.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from .timeline import Step, StepKind

__all__ = [
    "EventKind",
    "RepPhase",
    "SessionRecorder",
    "SessionTimer",
    "Snapshot",
    "TimerError",
    "TimerEvent",
    "TimerState",
    "Unfinished",
    "resume_unfinished",
    "unfinished_session",
]

Clock = Callable[[], float]


class TimerError(ValueError):
    """An action that does not fit the timer's state (e.g. pausing before starting)."""


class TimerState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class EventKind(StrEnum):
    STEP_STARTED = "step_started"
    STEP_COMPLETED = "step_completed"
    STEP_SKIPPED = "step_skipped"
    FINISHED = "finished"  # the whole routine ran to its end
    STOPPED = "stopped"  # the user stopped before the end


class RepPhase(StrEnum):
    """Where in one rep the user is: lifting, holding at the top, or lowering."""

    LIFT = "lift"
    HOLD = "hold"
    LOWER = "lower"


@dataclass(frozen=True, slots=True)
class TimerEvent:
    """Something that happened. ``performed_seconds`` is the time spent in ``step``."""

    kind: EventKind
    step: Step | None
    performed_seconds: float = 0.0
    at: float = 0.0  # clock time


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a view shows at one moment; computed, never stored."""

    state: TimerState
    step: Step
    step_number: int  # 1-based
    step_count: int
    elapsed: float  # in the current step
    remaining: float  # in the current step (0 when self-paced and past its estimate)
    step_fraction: float  # 0-1
    session_fraction: float  # 0-1
    rep: int | None = None  # 1-based, reps steps only
    phase: RepPhase | None = None
    waiting_for_done: bool = False  # a self-paced set: the user says when it is done

    @property
    def display_seconds(self) -> int:
        """The whole seconds a countdown shows (rounded up, as a kitchen timer does)."""
        if self.step.self_paced:
            return int(self.elapsed)
        return max(0, math.ceil(self.remaining - 1e-9))


Listener = Callable[[TimerEvent], None]


class SessionTimer:
    """Start, pause, resume, skip, back, restart, stop, done; and what the clock says now."""

    def __init__(self, steps: Sequence[Step], clock: Clock = time.monotonic) -> None:
        self.steps: tuple[Step, ...] = tuple(steps)
        if not self.steps:
            raise TimerError("the routine has no steps")
        self.clock = clock
        self.state = TimerState.READY
        self.index = 0
        self.stopped = False
        self._listeners: list[Listener] = []
        self._elapsed_before = 0.0  # step time banked before the current run segment
        self._segment_start: float | None = None  # clock time the current run segment began
        self._planned_before = [0.0]
        for step in self.steps:
            self._planned_before.append(self._planned_before[-1] + step.seconds)

    # -- listeners -------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, kind: EventKind, step: Step | None, performed: float = 0.0, at=None) -> None:
        event = TimerEvent(kind, step, performed, self.clock() if at is None else at)
        for listener in list(self._listeners):
            listener(event)

    # -- reading ---------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.steps[self.index]

    @property
    def total_seconds(self) -> float:
        return self._planned_before[-1]

    def elapsed(self, now: float | None = None) -> float:
        """Seconds spent in the current step, pauses excluded."""
        if self._segment_start is None:
            return self._elapsed_before
        now = self.clock() if now is None else now
        return self._elapsed_before + max(0.0, now - self._segment_start)

    def remaining(self, now: float | None = None) -> float:
        """Seconds left in the current step (its estimate, for a self-paced set)."""
        return max(0.0, self.step.seconds - self.elapsed(now))

    def deadline(self) -> float | None:
        """The clock time the current step ends, when running and not self-paced."""
        if self.state is not TimerState.RUNNING or self._segment_start is None:
            return None
        if self.step.self_paced:
            return None
        return self._segment_start + (self.step.seconds - self._elapsed_before)

    def rep(self, elapsed: float | None = None) -> tuple[int | None, RepPhase | None]:
        """The current rep (1-based) and phase, from the elapsed time and the tempo."""
        step = self.step
        if step.kind is not StepKind.REPS or not step.reps or not step.rep_seconds:
            return None, None
        elapsed = self.elapsed() if elapsed is None else elapsed
        done_reps = int(elapsed // step.rep_seconds)
        rep = min(step.reps, done_reps + 1)
        into = elapsed - done_reps * step.rep_seconds if done_reps < step.reps else step.rep_seconds
        lift, hold, _ = _phase_lengths(step)
        if into < lift:
            phase = RepPhase.LIFT
        elif into < lift + hold:
            phase = RepPhase.HOLD
        else:
            phase = RepPhase.LOWER
        return rep, phase

    def next_change_at(self) -> float | None:
        """The clock time the display next changes (a whole second or a rep phase).

        ``None`` when nothing changes by itself (ready, paused, finished). The driver sleeps
        until then; this is what keeps it free of drift.
        """
        if self.state is not TimerState.RUNNING or self._segment_start is None:
            return None
        now = self.clock()
        elapsed = self.elapsed(now)
        candidates = []
        deadline = self.deadline()
        if deadline is not None:
            left = deadline - now
            whole = math.ceil(left - 1e-9) - 1  # the next whole second of time left
            candidates.append(deadline - max(0, whole))
        else:  # self-paced: count up in whole seconds
            candidates.append(now + (math.floor(elapsed + 1e-9) + 1 - elapsed))
        step = self.step
        if step.kind is StepKind.REPS and step.rep_seconds and step.reps:
            done_reps = int(elapsed // step.rep_seconds)
            if done_reps < step.reps:
                base = done_reps * step.rep_seconds
                for boundary in _phase_boundaries(step):
                    if base + boundary > elapsed + 1e-9:
                        candidates.append(now + (base + boundary - elapsed))
                        break
        return min(candidates)

    def snapshot(self) -> Snapshot:
        """What to show now (call :meth:`tick` first to let due steps end)."""
        now = self.clock()
        elapsed = self.elapsed(now)
        step = self.step
        if self.state is TimerState.FINISHED and not self.stopped:
            step_fraction, session_fraction = 1.0, 1.0
        else:
            step_fraction = min(1.0, elapsed / step.seconds) if step.seconds else 0.0
            done = self._planned_before[self.index] + min(elapsed, step.seconds)
            session_fraction = min(1.0, done / self.total_seconds) if self.total_seconds else 0.0
        rep, phase = self.rep(elapsed)
        return Snapshot(
            state=self.state,
            step=step,
            step_number=self.index + 1,
            step_count=len(self.steps),
            elapsed=elapsed,
            remaining=self.remaining(now),
            step_fraction=step_fraction,
            session_fraction=session_fraction,
            rep=rep,
            phase=phase,
            waiting_for_done=(
                self.state in (TimerState.RUNNING, TimerState.PAUSED) and step.self_paced
            ),
        )

    # -- acting ----------------------------------------------------------------------------
    def start(self, index: int = 0) -> None:
        """Begin at step ``index`` (from ``ready``; 0 is the first), or resume when paused.

        A later ``index`` carries on a session that was left part-way (its earlier steps
        were recorded before)."""
        if self.state is TimerState.PAUSED:
            self.resume()
            return
        if self.state is not TimerState.READY:
            raise TimerError(f"cannot start: the timer is {self.state.value}")
        if not 0 <= index < len(self.steps):
            raise TimerError(f"there is no step {index + 1} to start at")
        self.state = TimerState.RUNNING
        self._enter(index, self.clock())

    def pause(self, at: float | None = None) -> None:
        """Pause now, or as of the earlier clock time ``at`` (when nobody was following since).

        With ``at``, only the steps whose deadlines came before ``at`` end; the time after it
        does not count."""
        if self.state is not TimerState.RUNNING:
            raise TimerError(f"cannot pause: the timer is {self.state.value}")
        now = self.clock()
        until = now if at is None else min(now, max(at, self._segment_start or at))
        self.tick(until)
        if self.state is not TimerState.RUNNING:  # the routine ended on this tick
            return
        self._elapsed_before = self.elapsed(until)
        self._segment_start = None
        self.state = TimerState.PAUSED

    def resume(self) -> None:
        if self.state is not TimerState.PAUSED:
            raise TimerError(f"cannot resume: the timer is {self.state.value}")
        self._segment_start = self.clock()
        self.state = TimerState.RUNNING

    def toggle_pause(self) -> None:
        """Pause when running, resume when paused."""
        if self.state is TimerState.PAUSED:
            self.resume()
        else:
            self.pause()

    def tick(self, until: float | None = None) -> Snapshot:
        """End every step whose deadline has passed (by ``until``, default now); report."""
        while self.state is TimerState.RUNNING:
            deadline = self.deadline()
            if deadline is None or (self.clock() if until is None else until) < deadline:
                break
            step = self.step
            self._emit(EventKind.STEP_COMPLETED, step, step.seconds, at=deadline)
            self._advance(deadline)
        return self.snapshot()

    def done(self) -> None:
        """The user finished a set of reps (self-paced, or early): record it as done."""
        self._require_active("mark a set done")
        if self.step.kind is not StepKind.REPS:
            raise TimerError("'done' is for a set of reps; use skip to move on")
        now = self.clock()
        self._emit(EventKind.STEP_COMPLETED, self.step, self.elapsed(now), at=now)
        self._advance(now)

    def skip(self) -> None:
        """Leave the current step unfinished and go to the next."""
        self._require_active("skip")
        self.tick()
        if self.state is TimerState.FINISHED:
            return
        now = self.clock()
        self._emit(EventKind.STEP_SKIPPED, self.step, self.elapsed(now), at=now)
        self._advance(now)

    def back(self) -> None:
        """Go back to the start of the previous step (the first step restarts itself)."""
        self._require_active("go back")
        self.tick()
        if self.state is TimerState.FINISHED:
            return
        now = self.clock()
        self._enter(max(0, self.index - 1), now)

    def restart(self) -> None:
        """Back to ``ready`` at the first step (a run in progress is stopped first)."""
        if self.state in (TimerState.RUNNING, TimerState.PAUSED):
            self.stop()
        self.state = TimerState.READY
        self.stopped = False
        self.index = 0
        self._elapsed_before = 0.0
        self._segment_start = None

    def stop(self) -> None:
        """End the session now; what was completed stays completed."""
        if self.state is TimerState.FINISHED:
            return
        if self.state is TimerState.RUNNING:
            self.tick()
            if self.state is TimerState.FINISHED:
                return
        was_started = self.state is not TimerState.READY
        self._elapsed_before = self.elapsed()
        self._segment_start = None
        self.state = TimerState.FINISHED
        self.stopped = True
        if was_started:
            self._emit(EventKind.STOPPED, self.step, self._elapsed_before)

    # -- inside ----------------------------------------------------------------------------
    def _require_active(self, what: str) -> None:
        if self.state not in (TimerState.RUNNING, TimerState.PAUSED):
            raise TimerError(f"cannot {what}: the timer is {self.state.value}")

    def _enter(self, index: int, at: float) -> None:
        self.index = index
        self._elapsed_before = 0.0
        self._segment_start = at if self.state is TimerState.RUNNING else None
        step = self.step
        self._emit(EventKind.STEP_STARTED, step, at=at)
        if step.kind is StepKind.DONE:
            self._segment_start = None
            self.state = TimerState.FINISHED
            self._emit(EventKind.FINISHED, step, at=at)

    def _advance(self, at: float) -> None:
        if self.index + 1 < len(self.steps):
            self._enter(self.index + 1, at)
        else:  # a timeline without a closing DONE step
            self._segment_start = None
            self._elapsed_before = self.step.seconds
            self.state = TimerState.FINISHED
            self._emit(EventKind.FINISHED, self.step, at=at)


def _phase_lengths(step: Step) -> tuple[float, float, float]:
    """Lift, hold and lower within one rep: the hold in the middle, lift and lower equal."""
    rep_seconds = float(step.rep_seconds or 0)
    hold = float(step.rep_hold_seconds or 0)
    move = max(0.0, rep_seconds - hold) / 2
    return move, hold, move


def _phase_boundaries(step: Step) -> list[float]:
    lift, hold, lower = _phase_lengths(step)
    bounds = [lift, lift + hold, lift + hold + lower]
    return sorted({b for b in bounds if b > 0})


# -- recording ------------------------------------------------------------------------------
class StoreLike(Protocol):
    def start_session(self, person_id: int, routine: Any, catalog: Any) -> int: ...
    def record_step(
        self, session_id: int, step_index: int, status: str = ..., performed_seconds: float = ...
    ) -> None: ...
    def finish_session(self, session_id: int, status: str = ...) -> None: ...


class SessionRecorder:
    """Writes a timer's events to the store as they happen.

    The session row is created when the first step starts; each completed or skipped step is
    written at once; the end marks the session ``completed`` or ``stopped``. Nothing is held
    back in memory, so a kernel that dies mid-session leaves every finished step recorded.
    """

    def __init__(self, store: StoreLike, person_id: int, routine: Any, catalog: Any) -> None:
        self.store = store
        self.person_id = person_id
        self.routine = routine
        self.catalog = catalog
        self.session_id: int | None = None
        self.status: str | None = None  # "completed" or "stopped" once over
        self.done_exercises: list[str] = []  # exercise ids with at least one set done

    def __call__(self, event: TimerEvent) -> None:
        starting = event.kind is EventKind.STEP_STARTED
        if starting and (self.session_id is None or self.status is not None):
            # the first step, or the first step of a run after a restart: a new session
            self.session_id = self.store.start_session(self.person_id, self.routine, self.catalog)
            self.status = None
            self.done_exercises = []
        if self.session_id is None:
            return
        step = event.step
        if event.kind in (EventKind.STEP_COMPLETED, EventKind.STEP_SKIPPED) and step is not None:
            status = "done" if event.kind is EventKind.STEP_COMPLETED else "skipped"
            self.store.record_step(
                self.session_id,
                step.index,
                status=status,
                performed_seconds=round(event.performed_seconds, 3),
            )
            if (
                status == "done"
                and step.kind.is_work
                and step.exercise_id
                and step.exercise_id not in self.done_exercises
            ):
                self.done_exercises.append(step.exercise_id)
        elif event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            if event.kind is EventKind.FINISHED and step is not None and step.kind is StepKind.DONE:
                self.store.record_step(self.session_id, step.index, status="done")
            self.status = "completed" if event.kind is EventKind.FINISHED else "stopped"
            self.store.finish_session(self.session_id, status=self.status)

    def check_in_after(self, discomfort: int, hurt: dict[str, bool]) -> None:
        """The after-session check-in: the score, tied to this session, and for each
        exercise asked about whether it hurt."""
        if self.session_id is None:
            raise ValueError("there is no recorded session to check in for")
        self.store.add_checkin(
            self.person_id, discomfort, context="after", session_id=self.session_id
        )
        for exercise_id, hurt_now in hurt.items():
            self.store.record_hurt(self.session_id, exercise_id, hurt_now)


# -- an unfinished session ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Unfinished:
    """A session left part-way (its page closed, its kernel stopped): where it can carry on."""

    session_id: int
    person_id: int
    routine_name: str
    started_at: Any  # a timestamp
    resume_at: int  # the first step not done or skipped
    step_count: int
    done_work: int
    planned_work: int
    done_exercises: tuple[str, ...]


def unfinished_session(store: Any, person_id: int | None, exclude: set[int]) -> Unfinished | None:
    """The person's latest session still marked started, unless it is in ``exclude``.

    A session that reached its last step is not unfinished (only its end was not written);
    it is left for :meth:`SessionRecorder` or the person's choice like any other."""
    if store is None or person_id is None:
        return None
    sessions = store.sessions_frame(person_id)
    open_ = sessions[(sessions["status"] == "started") & ~sessions["session_id"].isin(exclude)]
    if open_.empty:
        return None
    row = open_.iloc[-1]
    steps = store.steps_frame(person_id)
    mine = steps[steps["session_id"] == row["session_id"]].sort_values("step_index")
    waiting = mine[(mine["status"] == "planned") & (mine["kind"] != StepKind.DONE.value)]
    if waiting.empty:
        return None
    work = mine[mine["is_work"]]
    done = work[work["status"] == "done"]
    return Unfinished(
        session_id=int(row["session_id"]),
        person_id=int(row["person_id"]),
        routine_name=str(row["routine_name"]),
        started_at=row["started_at"],
        resume_at=int(waiting["step_index"].min()),
        step_count=len(mine),
        done_work=len(done),
        planned_work=len(work),
        done_exercises=tuple(dict.fromkeys(str(e) for e in done["exercise_id"].dropna())),
    )


def resume_unfinished(
    store: Any, offer: Unfinished, catalog: Any
) -> tuple[Any, list[Step], SessionRecorder]:
    """What carrying on ``offer`` needs: its routine, its steps, and a recorder that writes
    into the same session row (so its steps done before still count once).

    Raises ``ValueError`` when the exercises changed since the session started, so its steps
    no longer line up."""
    routine = store.session_routine(offer.session_id, catalog)
    timeline = list(routine.steps(catalog))
    if len(timeline) != offer.step_count:
        raise ValueError(
            "The exercises have changed since this session started, so it cannot carry "
            "on where it stopped; end it instead (what was done is kept)."
        )
    recorder = SessionRecorder(store, offer.person_id, routine, catalog)
    recorder.session_id = offer.session_id
    recorder.done_exercises = list(offer.done_exercises)
    return routine, timeline, recorder
