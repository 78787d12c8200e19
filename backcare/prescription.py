"""Prescriptions: how much of an exercise to do.

A :class:`Prescription` says how many sets, how long each hold (or roll) lasts, how many
reps, how long to hold inside each rep, and how long to rest between sets. Which of those
apply follows from the exercise's :class:`Kind`; how sides are handled from its
:class:`Sides`.

Two ranges matter for each number: the range the source recommends (:data:`RECOMMENDED`)
and a wider range a trainer may still choose (:data:`ALLOWED`). A value outside the allowed
range is refused with a :class:`PrescriptionError` that names the range.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

__all__ = [
    "ALLOWED",
    "RECOMMENDED",
    "Kind",
    "Prescription",
    "PrescriptionError",
    "Sides",
    "limits_text",
]


class Kind(StrEnum):
    """How an exercise is performed."""

    HOLD = "hold"  # a static stretch, counted down
    ROLL = "roll"  # a timed self-massage, counted down
    REPS = "reps"  # repetitions at a tempo
    REPS_HOLD = "reps_hold"  # repetitions with a short hold at the top of each

    @property
    def is_timed(self) -> bool:
        return self in (Kind.HOLD, Kind.ROLL)


class Sides(StrEnum):
    """How the two sides of the body are worked."""

    EACH = "each"  # one side, then the other
    BOTH = "both"  # both at once
    ALTERNATING = "alternating"  # left and right in turn within one set


# (low, high) inclusive, in the unit the field names.
RECOMMENDED: dict[str, tuple[int, int]] = {
    "sets": (1, 2),
    "hold_seconds": (30, 60),
    "reps": (15, 20),
    "rep_hold_seconds": (3, 5),
    "rest_seconds": (10, 30),
}

ALLOWED: dict[str, tuple[int, int]] = {
    "sets": (1, 5),
    "hold_seconds": (10, 180),
    "reps": (1, 50),
    "rep_hold_seconds": (1, 10),
    "rest_seconds": (0, 180),
}


def limits_text() -> str:
    """What the planner's numbers mean: the source's usual dose, and what the boxes accept."""
    r, a = RECOMMENDED, ALLOWED
    return (
        f"The usual dose is {r['sets'][0]}-{r['sets'][1]} sets of {r['hold_seconds'][0]}-"
        f"{r['hold_seconds'][1]} s holds or {r['reps'][0]}-{r['reps'][1]} reps, with "
        f"{r['rest_seconds'][0]}-{r['rest_seconds'][1]} s rests. The boxes accept "
        f"{a['sets'][0]}-{a['sets'][1]} sets, {a['hold_seconds'][0]}-{a['hold_seconds'][1]} s "
        f"holds and {a['reps'][0]}-{a['reps'][1]} reps, room for a trainer's own choice; "
        "these are the workbook's input limits, not medical ones. Build up in small steps and "
        "ease off if anything hurts."
    )


_FIELDS_FOR_KIND: dict[Kind, frozenset[str]] = {
    Kind.HOLD: frozenset({"sets", "hold_seconds", "rest_seconds"}),
    Kind.ROLL: frozenset({"sets", "hold_seconds", "rest_seconds"}),
    Kind.REPS: frozenset({"sets", "reps", "rest_seconds"}),
    Kind.REPS_HOLD: frozenset({"sets", "reps", "rep_hold_seconds", "rest_seconds"}),
}

DEFAULT_REST_SECONDS = 15


class PrescriptionError(ValueError):
    """A prescription value is missing, of the wrong type, or out of its allowed range."""


@dataclass(frozen=True, slots=True)
class Prescription:
    """How much of one exercise to do. Fields that do not apply to its kind are ``None``."""

    kind: Kind
    sets: int = 1
    hold_seconds: int | None = None
    reps: int | None = None
    rep_hold_seconds: int | None = None
    rest_seconds: int = DEFAULT_REST_SECONDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _as_kind(self.kind))
        needed = _FIELDS_FOR_KIND[self.kind]
        for name in ALLOWED:
            value = getattr(self, name)
            if name not in needed:
                if value is not None and name not in ("sets", "rest_seconds"):
                    raise PrescriptionError(
                        f"{name} does not apply to a {self.kind.value} exercise"
                    )
                continue
            if value is None:
                raise PrescriptionError(f"a {self.kind.value} exercise needs {name}")
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                    object.__setattr__(self, name, value)
                else:
                    raise PrescriptionError(f"{name} must be a whole number, not {value!r}")
            low, high = ALLOWED[name]
            if not low <= value <= high:
                raise PrescriptionError(
                    f"{name} = {value} is outside the allowed range {low}-{high}"
                )

    @classmethod
    def default(cls, kind: Kind | str) -> Prescription:
        """The source's starting point for an exercise of this kind."""
        kind = _as_kind(kind)
        if kind is Kind.ROLL:
            return cls(kind, sets=1, hold_seconds=60)
        if kind is Kind.HOLD:
            return cls(kind, sets=1, hold_seconds=30)
        if kind is Kind.REPS_HOLD:
            return cls(kind, sets=1, reps=15, rep_hold_seconds=3, rest_seconds=20)
        return cls(kind, sets=1, reps=15, rest_seconds=20)

    @classmethod
    def from_dict(cls, kind: Kind | str, data: dict[str, Any]) -> Prescription:
        """Build from a mapping (catalog or JSON), refusing unknown keys."""
        if not isinstance(data, dict):
            raise PrescriptionError(f"a prescription must be a table of values, not {data!r}")
        unknown = set(data) - set(ALLOWED)
        if unknown:
            raise PrescriptionError(f"unknown prescription field(s): {', '.join(sorted(unknown))}")
        base = cls.default(kind)
        merged = {k: v for k, v in asdict(base).items() if k != "kind"}
        merged.update(data)
        return cls(_as_kind(kind), **merged)

    def to_dict(self) -> dict[str, int]:
        """The fields that apply, for JSON and TOML."""
        return {name: getattr(self, name) for name in ALLOWED if getattr(self, name) is not None}

    def with_(self, **changes: int) -> Prescription:
        """A copy with some fields changed, validated again."""
        return replace(self, **changes)

    def outside_recommended(self) -> list[str]:
        """Fields set outside the source's recommended range (allowed, but worth a note)."""
        notes = []
        for name, (low, high) in RECOMMENDED.items():
            value = getattr(self, name)
            if name == "hold_seconds" and self.kind is Kind.ROLL:
                continue  # a roll's minute is its own rule
            if value is not None and not low <= value <= high:
                notes.append(f"{name} {value} (recommended {low}-{high})")
        return notes

    def describe(self, sides: Sides | str = Sides.BOTH) -> str:
        """A short human description, e.g. ``2 x 30 s hold, each side``."""
        sides = Sides(sides)
        sets = f"{self.sets} set" + ("s" if self.sets != 1 else "")
        if self.kind.is_timed:
            what = f"{self.hold_seconds} s " + ("roll" if self.kind is Kind.ROLL else "hold")
        else:
            what = f"{self.reps} reps"
            if self.rep_hold_seconds:
                what += f", {self.rep_hold_seconds} s hold each"
        side_text = {
            Sides.EACH: ", each side",
            Sides.ALTERNATING: " a side, alternating",
            Sides.BOTH: "",
        }[sides]
        return f"{sets} of {what}{side_text}"


def _as_kind(kind: Kind | str) -> Kind:
    try:
        return Kind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in Kind)
        raise PrescriptionError(f"unknown kind {kind!r}; choose one of {choices}") from None
