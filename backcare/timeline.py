"""A routine expanded into the steps the timer walks through.

The timeline is the one place that knows how a routine unfolds in time: a get-ready
step, each set of each exercise (each side in turn, with a "switch sides" step between),
rests between sets and between exercises, and the end. The planner's duration is the sum of
these steps, so what the user is told before starting is what the timer will run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from .prescription import Kind, Sides

if TYPE_CHECKING:
    from .catalog import Catalog
    from .routine import Routine

__all__ = ["Step", "StepKind", "build_timeline", "format_duration", "total_seconds"]


def format_duration(seconds: float) -> str:
    """How long something takes, for people: ``126`` -> ``"2 min 6 s"``, ``45`` -> ``"45 s"``.

    The one way a duration is written on screen (never ``2.1`` minutes). Paper and calendar
    entries round to whole minutes instead (:func:`backcare.handout.minutes_text`).
    """
    seconds = max(0, round(seconds))
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


class StepKind(StrEnum):
    GET_READY = "get_ready"
    HOLD = "hold"  # a hold or a roll, counted down
    REPS = "reps"  # reps at a tempo (or self-paced, finished with "done")
    SWITCH = "switch"  # change sides
    REST = "rest"  # between sets or between exercises
    DONE = "done"

    @property
    def is_work(self) -> bool:
        """Whether the step is exercise itself (recorded as done or skipped)."""
        return self in (StepKind.HOLD, StepKind.REPS)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a session. ``seconds`` is the planned length (an estimate when self-paced)."""

    index: int
    kind: StepKind
    seconds: float
    title: str
    detail: str = ""
    exercise_id: str | None = None
    side: str | None = None  # "left", "right", "alternating" or None
    set_number: int | None = None
    sets: int | None = None
    reps: int | None = None
    rep_seconds: float | None = None  # tempo of one rep, its hold included
    rep_hold_seconds: int | None = None
    self_paced: bool = False
    next_title: str = ""


def build_timeline(routine: Routine, catalog: Catalog) -> tuple[Step, ...]:
    """Expand ``routine`` into steps, ending with a ``DONE`` step of zero seconds."""
    timing = routine.timing
    steps: list[Step] = []

    def add(kind: StepKind, seconds: float, title: str, **fields: object) -> None:
        steps.append(
            Step(index=len(steps), kind=kind, seconds=float(seconds), title=title, **fields)
        )  # type: ignore[arg-type]

    items = routine.items
    if items:
        add(
            StepKind.GET_READY,
            timing.get_ready_seconds,
            "Get ready",
            detail=catalog[items[0].exercise_id].cues[0],
        )
    for n, item in enumerate(items):
        exercise = catalog[item.exercise_id]
        p = item.prescription
        sides: Sequence[str | None]
        if exercise.sides is Sides.EACH:
            sides = ("left", "right")
        elif exercise.sides is Sides.ALTERNATING:
            sides = ("alternating",)
        else:
            sides = (None,)
        for set_number in range(1, p.sets + 1):
            for s, side in enumerate(sides):
                if s > 0:
                    add(
                        StepKind.SWITCH,
                        timing.switch_seconds,
                        "Switch sides",
                        detail=f"Get set for the {side} side.",
                        exercise_id=exercise.id,
                        side=side,
                        set_number=set_number,
                        sets=p.sets,
                    )
                title = exercise.name + (f" ({side} side)" if side in ("left", "right") else "")
                common = dict(
                    detail=" ".join(exercise.cues),
                    exercise_id=exercise.id,
                    side=side,
                    set_number=set_number,
                    sets=p.sets,
                )
                if exercise.kind.is_timed:
                    add(StepKind.HOLD, p.hold_seconds, title, **common)
                else:
                    rep_hold = p.rep_hold_seconds if exercise.kind is Kind.REPS_HOLD else None
                    rep_seconds = timing.rep_seconds + (rep_hold or 0)
                    reps = p.reps * (2 if side == "alternating" else 1)
                    add(
                        StepKind.REPS,
                        reps * rep_seconds,
                        title,
                        reps=reps,
                        rep_seconds=rep_seconds,
                        rep_hold_seconds=rep_hold,
                        self_paced=timing.self_paced_reps,
                        **common,
                    )
            if set_number < p.sets and p.rest_seconds:
                add(
                    StepKind.REST,
                    p.rest_seconds,
                    "Rest",
                    detail="Breathe and shake out.",
                    exercise_id=exercise.id,
                    set_number=set_number,
                    sets=p.sets,
                )
        if n < len(items) - 1 and timing.rest_between_exercises_seconds:
            nxt = catalog[items[n + 1].exercise_id]
            add(
                StepKind.REST,
                timing.rest_between_exercises_seconds,
                "Rest",
                detail=f"Next up: {nxt.name}. {nxt.cues[0]}",
            )
    add(StepKind.DONE, 0, "Well done", detail="That is the whole routine.")

    # Each step says what comes next (the last says nothing).
    return tuple(
        replace(step, next_title=steps[i + 1].title if i + 1 < len(steps) else "")
        for i, step in enumerate(steps)
    )


def total_seconds(steps: Sequence[Step]) -> float:
    """The planned length of a timeline."""
    return sum(step.seconds for step in steps)
