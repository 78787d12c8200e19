"""One validator per record kind of an export: each returns the row ready to write or
raises :class:`InputError` saying what is wrong with it. Single values are checked by the
same rules the store applies when a person types them (:mod:`backcare.store.fields`)."""

from __future__ import annotations

import datetime as dt
import json
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...catalog import Catalog
from ...plan_history import PlanEventKind
from ...routine import ROUTINE_FORMAT, Routine, RoutineError, text_problem
from ...timeline import StepKind
from ...zones import ZoneError, check_zone
from ..errors import InputError
from ..fields import (
    PEG_ITEMS,
    SESSION_STATUSES,
    SIDES,
    STEP_STATUSES,
    _context,
    _decision_text,
    _morning,
    _name,
    _note,
    _peg,
    _score,
    _seconds,
    _settings_json,
)
from ..people import ZONE_SOURCES
from ..times import FUTURE_TOLERANCE, _iso, _now, _when

PLAN_EVENT_KINDS = tuple(k.value for k in PlanEventKind)

__all__ = ["VALIDATORS"]

_UID = re.compile(r"^[0-9a-f]{32}$")
MAX_ID_TEXT = 100  # an exercise or group id (the catalog allows 40 characters)


def _uid(raw: Mapping[str, Any], key: str = "uid", *, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not _UID.match(value):
        raise InputError(f"{key} {value!r} is not a valid id (32 hexadecimal characters)")
    return value


def _text_field(raw: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be text")
    if len(value) > MAX_ID_TEXT:
        raise InputError(f"{key} is longer than {MAX_ID_TEXT} characters")
    problem = text_problem(value)
    if problem:
        raise InputError(f"{key} {problem}")
    return value


def _time_field(
    raw: Mapping[str, Any], key: str, *, optional: bool = False, future_ok: bool = False
) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be a date and time")
    try:
        at = dt.datetime.fromisoformat(value[:64])
    except ValueError:
        raise InputError(f"{key} {value[:64]!r} is not a date and time") from None
    if at.tzinfo is None:
        raise InputError(f"{key} {value!r} has no time zone")
    return _iso(_when(at, f"time in {key}", future_ok=future_ok))  # the rule used when typing


def _choice_field(raw: Mapping[str, Any], key: str, choices: Sequence[str | None]) -> Any:
    value = raw.get(key)
    if value not in choices:
        raise InputError(f"{key} {value!r} is not one of {', '.join(map(str, choices))}")
    return value


def _bool_field(raw: Mapping[str, Any], key: str) -> int:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{key} must be true or false")
    return int(value)


def _number_field(raw: Mapping[str, Any], key: str) -> float:
    try:
        return _seconds(raw.get(key, 0.0))
    except InputError as exc:
        raise InputError(f"{key}: {exc}") from None


def _optional_int(raw: Mapping[str, Any], key: str, low: int, high: int) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or not low <= value <= high
    ):
        raise InputError(f"{key} must be a whole number from {low} to {high}")
    return int(value)


def _routine_json(raw: Mapping[str, Any]) -> str:
    routine = raw.get("routine")
    if not isinstance(routine, dict) or routine.get("format") != ROUTINE_FORMAT:
        raise InputError("routine is not a backcare routine")
    items = routine.get("items")
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("exercise"), str) for item in items
    ):
        raise InputError("routine: 'items' must be a list of exercises")
    return json.dumps(routine, sort_keys=True)


def _readable_routine(raw: Mapping[str, Any], catalog: Catalog) -> str:
    """A saved routine's JSON, refused unless the planner and the timer can read it (the
    rule the routine files follow: :meth:`backcare.routine.Routine.from_dict`)."""
    text = _routine_json(raw)
    try:
        Routine.from_dict(raw["routine"], catalog)
    except RoutineError as exc:
        raise InputError(f"routine cannot be used: {exc}") from None
    return text


def _valid_person(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "name": _name(raw.get("name"), "name"),
        "archived": _bool_field(raw, "archived"),
        "created_at": _time_field(raw, "created_at"),
        **_zone_fields(raw),
    }


def _zone_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    zone = raw.get("zone")
    if zone is None:
        return {"zone": None, "zone_source": None}
    try:
        name = check_zone(zone)
    except ZoneError as exc:
        raise InputError(f"zone: {exc}") from None
    source = raw.get("zone_source") or "person"
    if source not in ZONE_SOURCES:
        raise InputError(f"zone_source {source!r} is not one of {', '.join(ZONE_SOURCES)}")
    return {"zone": name, "zone_source": source}


def _day_field(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        raise InputError(f"{key} must be a date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{key} {value!r} is not a date (YYYY-MM-DD)") from None
    if day > (_now() + FUTURE_TOLERANCE).date() + dt.timedelta(days=366):
        raise InputError(f"{key} {value} is more than a year ahead")
    return day.isoformat()


def _valid_plan(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    return {"uid": _uid(raw), "person_uid": _uid(raw, "person_uid")}


def _valid_plan_event(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    kind = _choice_field(raw, "kind", PLAN_EVENT_KINDS)
    if kind == "save":
        routine_json = _readable_routine(raw, catalog)
    elif raw.get("routine") is not None:
        raise InputError(f"a {kind} carries no routine")
    else:
        routine_json = None
    return {
        "uid": _uid(raw),
        "plan_uid": _uid(raw, "plan_uid"),
        "kind": kind,
        "routine_json": routine_json,
        "on_day": _day_field(raw, "on_day"),
        "at": _time_field(raw, "at"),
    }


def _valid_session(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        "routine_name": _name(raw.get("routine_name"), "routine name"),
        "routine_json": _routine_json(raw),
        "started_at": _time_field(raw, "started_at"),
        "ended_at": _time_field(raw, "ended_at", optional=True),
        "status": _choice_field(raw, "status", SESSION_STATUSES),
    }


def _valid_step(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    step_index = _optional_int(raw, "step_index", 0, 100_000)
    if step_index is None:
        raise InputError("step_index is missing")
    return {
        "uid": _uid(raw),
        "session_uid": _uid(raw, "session_uid"),
        "step_index": step_index,
        "kind": _choice_field(raw, "kind", [k.value for k in StepKind]),
        "exercise_id": _text_field(raw, "exercise_id", optional=True),
        "group": _text_field(raw, "group", optional=True),
        "side": _choice_field(raw, "side", (*SIDES, None)),
        "set_number": _optional_int(raw, "set_number", 1, 1000),
        "planned_seconds": _number_field(raw, "planned_seconds"),
        "performed_seconds": _number_field(raw, "performed_seconds"),
        "status": _choice_field(raw, "status", STEP_STATUSES),
        "completed_at": _time_field(raw, "completed_at", optional=True),
    }


def _exercise_field(raw: dict[str, Any]) -> str:
    exercise = _text_field(raw, "exercise_id")
    if not exercise:
        raise InputError("exercise_id is empty")
    return exercise


def _valid_hurt(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "session_uid": _uid(raw, "session_uid"),
        "exercise_id": _exercise_field(raw),
        "hurt": _bool_field(raw, "hurt"),
        "at": _time_field(raw, "at"),
    }


def _valid_pain_during(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "session_uid": _uid(raw, "session_uid"),
        "exercise_id": _exercise_field(raw),
        "pain_during": _score(raw.get("pain_during"), "pain during the exercise"),
        "at": _time_field(raw, "at"),
    }


def _valid_checkin(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    peg_values = [raw.get(k) for k in PEG_ITEMS]
    peg = None if all(v is None for v in peg_values) else _peg(peg_values)
    row = {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        "at": _time_field(raw, "at"),
        "discomfort": _score(raw.get("discomfort"), "discomfort"),
        "note": _note(raw.get("note") or ""),
        "context": _context(raw.get("context", "daily")),
        "session_uid": _uid(raw, "session_uid", optional=True),
        "morning": _morning(raw.get("morning")),
    }
    row.update(zip(PEG_ITEMS, peg or (None, None, None), strict=True))
    return row


def _valid_declined(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    try:
        parts = {
            key: _decision_text(raw.get(key), what)
            for key, what in (
                ("plan_uid", "plan"),
                ("exercise_id", "exercise"),
                ("data_mark", "mark"),
            )
        }
    except InputError as exc:
        raise InputError(f"a declined suggestion: {exc}") from None
    return {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        **parts,
        "at": _time_field(raw, "at"),
    }


def _valid_settings(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "person_uid": _uid(raw, "person_uid"),
        "settings_json": _settings_json(raw.get("settings")),
        "updated_at": _time_field(raw, "updated_at"),
    }


#: The validator of each exported table's rows.
VALIDATORS: dict[str, Callable[[dict[str, Any], Catalog], dict[str, Any]]] = {
    "people": _valid_person,
    "plans": _valid_plan,
    "plan_events": _valid_plan_event,
    "sessions": _valid_session,
    "steps": _valid_step,
    "hurts": _valid_hurt,
    "pain_during": _valid_pain_during,
    "checkins": _valid_checkin,
    "declined": _valid_declined,
    "settings": _valid_settings,
}
