"""Ladders: the steps a suggested progression climbs for one exercise.

A :class:`Ladder` lists the steps of an exercise's main number (hold seconds or reps), lowest
first, and the most sets it may grow to once the top step is reached. The default ladders keep
to the source's ranges (holds 30 -> 45 -> 60 s, reps 15 -> 18 -> 20, then a second set); a
trainer's own exercise may bring its own in ``my_exercises.toml``
(``ladder = { steps = [20, 30, 40], max_sets = 3 }``). A ball roll has none: it stays at about
a minute. :func:`step_up` and :func:`step_down` move one step and never leave the allowed
ranges of :mod:`backcare.prescription`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..prescription import ALLOWED, Kind, Prescription, PrescriptionError

__all__ = ["DEFAULT_LADDERS", "Ladder", "LadderError", "ladder_for", "step_down", "step_up"]


class LadderError(ValueError):
    """A ladder is malformed; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Ladder:
    """The steps for an exercise's main number (hold seconds or reps), lowest first, and the
    most sets it may grow to once the top step is reached."""

    field: str  # "hold_seconds" or "reps"
    steps: tuple[int, ...]
    max_sets: int = 2

    def __post_init__(self) -> None:
        if self.field not in ("hold_seconds", "reps"):
            raise LadderError("a ladder climbs 'hold_seconds' or 'reps'")
        steps = self.steps
        if isinstance(steps, str | bytes) or not isinstance(steps, Sequence):
            raise LadderError("ladder steps must be a list of whole numbers")
        if not 1 <= len(steps) <= 8:
            raise LadderError("a ladder needs 1 to 8 steps")
        low, high = ALLOWED[self.field]
        for value in steps:
            if isinstance(value, bool) or not isinstance(value, int):
                raise LadderError(f"ladder step {value!r} is not a whole number")
            if not low <= value <= high:
                raise LadderError(
                    f"ladder step {value} is outside the allowed range {low}-{high} "
                    f"for {self.field}"
                )
        if list(steps) != sorted(set(steps)):
            raise LadderError("ladder steps must rise, each step larger than the one before")
        object.__setattr__(self, "steps", tuple(steps))
        low, high = ALLOWED["sets"]
        if isinstance(self.max_sets, bool) or not isinstance(self.max_sets, int):
            raise LadderError("max_sets must be a whole number")
        if not low <= self.max_sets <= high:
            raise LadderError(f"max_sets must be from {low} to {high}")

    @classmethod
    def from_dict(cls, kind: Kind | str, data: object) -> Ladder:
        """Build from a catalog table ``{ steps = [...], max_sets = n }``."""
        if not isinstance(data, Mapping):
            raise LadderError("ladder must be a table like { steps = [30, 45, 60], max_sets = 2 }")
        unknown = set(data) - {"steps", "max_sets"}
        if unknown:
            raise LadderError(f"unknown ladder field(s): {', '.join(sorted(unknown))}")
        if "steps" not in data:
            raise LadderError("a ladder needs its steps, e.g. steps = [30, 45, 60]")
        kind = Kind(kind)
        name = "hold_seconds" if kind.is_timed else "reps"
        steps = data["steps"]
        if not isinstance(steps, list):
            raise LadderError("ladder steps must be a list of whole numbers")
        return cls(name, tuple(steps), data.get("max_sets", 2))


#: The ladders of the bundled exercises, by kind (a ball roll has none).
DEFAULT_LADDERS: Mapping[Kind, Ladder | None] = {
    Kind.HOLD: Ladder("hold_seconds", (30, 45, 60), max_sets=2),
    Kind.ROLL: None,
    Kind.REPS: Ladder("reps", (15, 18, 20), max_sets=2),
    Kind.REPS_HOLD: Ladder("reps", (15, 18, 20), max_sets=2),
}


class _HasLadder(Protocol):
    kind: Kind


def ladder_for(exercise: _HasLadder) -> Ladder | None:
    """The exercise's own ladder (a trainer's exercise may bring one), else its kind's."""
    own = getattr(exercise, "ladder", None)
    if own is not None:
        return own
    return DEFAULT_LADDERS[exercise.kind]


def step_up(prescription: Prescription, ladder: Ladder | None) -> Prescription | None:
    """One step up: the next larger hold or reps; at the top step, one more set; ``None`` at
    the top of the ladder (or when the result would leave the allowed ranges)."""
    if ladder is None:
        return None
    value = getattr(prescription, ladder.field)
    higher = [v for v in ladder.steps if v > value]
    try:
        if higher:
            return prescription.with_(**{ladder.field: higher[0]})
        if prescription.sets < ladder.max_sets:
            return prescription.with_(sets=prescription.sets + 1)
    except PrescriptionError:
        return None
    return None


def step_down(prescription: Prescription, ladder: Ladder | None) -> Prescription | None:
    """One step down: a set fewer first (undoing the last step up), then the next smaller hold
    or reps; ``None`` when there is no lower step."""
    if ladder is None:
        return None
    if prescription.sets > 1:
        return prescription.with_(sets=prescription.sets - 1)
    value = getattr(prescription, ladder.field)
    lower = [v for v in ladder.steps if v < value]
    if lower:
        return prescription.with_(**{ladder.field: lower[-1]})
    return None
