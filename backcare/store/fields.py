"""Checks of single values written to the store: scores, notes, names, ids, seconds.

Each check returns the clean value or raises :class:`InputError` with a sentence for the
user; the store's methods and the import's validators both use them (one rule, one place).
"""

from __future__ import annotations

import json
import math
import numbers
import uuid
from collections.abc import Mapping, Sequence

from ..progression.rule import MORNING_ANSWERS
from ..routine import RoutineError, text_problem, validate_name
from .errors import InputError

__all__ = [
    "CONTEXTS",
    "MAX_NOTE",
    "PEG_ITEMS",
    "SESSION_STATUSES",
    "SIDES",
    "STEP_STATUSES",
]

MAX_NOTE = 1000
CONTEXTS = ("daily", "before", "after")
SESSION_STATUSES = ("started", "completed", "stopped")
STEP_STATUSES = ("planned", "done", "skipped")
SIDES = ("left", "right", "alternating")
PEG_ITEMS = ("peg_pain", "peg_enjoyment", "peg_activity")
MAX_MARK = 2000  # a declined suggestion's plan, exercise and data mark
MAX_SETTINGS = 2000  # a person's session settings, as JSON text


def _score(value: object, what: str) -> int:
    """A whole number from 0 to 10."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{what} must be a whole number from 0 to 10, not {value!r}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise InputError(f"{what} must be a whole number from 0 to 10, not {value!r}")
        number = int(as_float)
    if not 0 <= number <= 10:
        raise InputError(f"{what} must be from 0 to 10, not {number}")
    return number


def _peg(value: object) -> tuple[int, int, int] | tuple[None, None, None]:
    if value is None:
        return (None, None, None)
    if isinstance(value, Mapping):
        value = tuple(value.get(k) for k in ("pain", "enjoyment", "activity"))
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
        raise InputError("the PEG answers must be three scores: pain, enjoyment, activity")
    labels = ("PEG pain", "PEG enjoyment of life", "PEG general activity")
    pain, enjoyment, activity = (_score(v, label) for v, label in zip(value, labels, strict=True))
    return (pain, enjoyment, activity)


def _note(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError("the note must be text")
    note = value.strip()
    if len(note) > MAX_NOTE:
        raise InputError(f"the note is {len(note):,} characters long; the limit is {MAX_NOTE:,}")
    problem = text_problem(note, newlines=True)
    if problem:
        raise InputError(f"the note {problem}")
    return note


def _context(value: object) -> str:
    if value not in CONTEXTS:
        raise InputError(f"the context must be one of {', '.join(CONTEXTS)}, not {value!r}")
    return str(value)


def _morning(value: object) -> str | None:
    """The next-morning answer: better, same or worse (``None`` or empty: not answered)."""
    if value is None or value == "":
        return None
    if value not in MORNING_ANSWERS:
        raise InputError(
            f"the morning answer must be one of {', '.join(MORNING_ANSWERS)}, not {value!r}"
        )
    return str(value)


def _name(value: object, what: str = "name") -> str:
    try:
        return validate_name(value, what)
    except RoutineError as exc:
        raise InputError(str(exc)) from None


def _decision_text(value: object, what: str) -> str:
    """One part of a declined suggestion: which plan, which exercise, which data."""
    if not isinstance(value, str) or not value or len(value) > MAX_MARK:
        raise InputError(f"which {what} was declined? (a short text is needed)")
    return value


def _settings_json(value: object) -> str:
    """A person's session settings: a few plain values (on/off, numbers, a voice's name),
    as the JSON text kept in the store."""
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, bool | int | float | str) for k, v in value.items()
    ):
        raise InputError("settings are a few plain values (on/off, numbers)")
    try:
        text = json.dumps(dict(value), sort_keys=True, allow_nan=False)
    except ValueError:
        raise InputError("settings hold a number that is not a number") from None
    if len(text) > MAX_SETTINGS:
        raise InputError("settings are a few plain values, not a document")
    return text


def _new_uid() -> str:
    return uuid.uuid4().hex


def _int_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"the {what} id must be a whole number, not {value!r}")
    return int(value)


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"seconds must be a number, not {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or seconds > 24 * 3600:
        raise InputError(f"seconds must be from 0 to a day, not {value!r}")
    return seconds
