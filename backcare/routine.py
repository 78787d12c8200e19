"""Routines: an ordered list of exercises with prescriptions, a schedule and timing.

Two templates come from the source: an **evening session** (one, several or all groups
before bed) and **workday breaks** (one group's set, a few minutes, every 1-2 hours at
work). A routine's length follows from its timeline (:mod:`backcare.timeline`) and is known
before anyone starts. Routines are saved as versioned JSON files in the user's data folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .catalog import Catalog
from .prescription import Prescription, PrescriptionError, Sides
from .timeline import build_timeline, format_duration, total_seconds
from .userfiles import UserFileError, check_size, parse_json, read_limited

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BREAK_MINUTES",
    "ROUTINE_FORMAT",
    "ROUTINE_VERSION",
    "TIMING_LIMITS",
    "Routine",
    "RoutineError",
    "RoutineItem",
    "Schedule",
    "ScheduleKind",
    "Timing",
    "evening_session",
    "from_groups",
    "list_saved_routines",
    "load_routine",
    "routine_from_json",
    "save_routine",
    "templates",
    "text_problem",
    "validate_name",
    "workday_break",
]

ROUTINE_FORMAT = "backcare.routine"
ROUTINE_VERSION = 1
MAX_NAME = 80
MAX_ROUTINE_BYTES = 256 * 1024
MAX_ITEMS = 100


class RoutineError(UserFileError):
    """A routine (or its file) is invalid; the message says what is wrong."""


#: Invisible characters that reorder the text around them (used to disguise names).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(text: str, *, newlines: bool = False) -> str | None:
    """Why ``text`` cannot be stored and shown safely, or ``None``: control characters
    (tabs and line breaks only where ``newlines``), a lone surrogate (half of a character,
    which no file or page can hold) or a character that reverses the text's direction.
    Joined emoji (a zero-width joiner, a variation selector) are fine."""
    for c in text:
        category = unicodedata.category(c)
        if category == "Cs":
            return "contains a broken character (half of an emoji or accented letter)"
        if category == "Cc" and not (newlines and c in "\n\t\r"):
            return "contains control characters (such as a tab, a line break or a null byte)"
        if c in _BIDI_CONTROLS:
            return "contains an invisible character that reverses the text's direction"
    return None


def validate_name(name: object, what: str = "name") -> str:
    """A trimmed, printable name of 1-80 characters, or :class:`RoutineError`."""
    if not isinstance(name, str):
        raise RoutineError(f"the {what} must be text")
    name = " ".join(name.split())
    if not name:
        raise RoutineError(f"the {what} must not be empty")
    if len(name) > MAX_NAME:
        raise RoutineError(f"the {what} is longer than {MAX_NAME} characters")
    problem = text_problem(name)
    if problem:
        raise RoutineError(f"the {what} {problem}")
    return name


class ScheduleKind(StrEnum):
    EVENING = "evening"
    WORKDAY = "workday"


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a routine is meant to be done.

    Evening: once a day at ``time`` on ``weekdays``. Workday: every ``every_hours`` from
    ``start`` to ``end`` on ``weekdays`` (Monday is 0).
    """

    kind: ScheduleKind = ScheduleKind.EVENING
    time: dt.time = dt.time(21, 0)
    every_hours: float = 2.0
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 0)
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", ScheduleKind(self.kind))
        except ValueError:
            raise RoutineError(
                f"schedule kind must be 'evening' or 'workday', not {self.kind!r}"
            ) from None
        if not 0.5 <= float(self.every_hours) <= 4:
            raise RoutineError("a break every 0.5-4 hours, please")
        if self.kind is ScheduleKind.WORKDAY and self.start >= self.end:
            raise RoutineError("the workday must start before it ends")
        days = tuple(sorted(set(self.weekdays)))
        if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise RoutineError("weekdays must be a non-empty set of 0 (Monday) to 6 (Sunday)")
        object.__setattr__(self, "weekdays", days)

    def times_on(self, day: dt.date) -> list[dt.time]:
        """The planned start times on ``day`` (empty on a day off)."""
        if day.weekday() not in self.weekdays:
            return []
        if self.kind is ScheduleKind.EVENING:
            return [self.time]
        times = []
        at = dt.datetime.combine(day, self.start)
        end = dt.datetime.combine(day, self.end)
        step = dt.timedelta(hours=self.every_hours)
        at += step  # the first break comes after the first stretch of work
        while at <= end:
            times.append(at.time())
            at += step
        return times

    def planned_per_day(self, day: dt.date) -> int:
        return len(self.times_on(day))

    def describe(self) -> str:
        if self.kind is ScheduleKind.EVENING:
            return f"Evenings at {self.time:%H:%M}" + _days_text(self.weekdays)
        hours = f"{self.every_hours:g} hour" + ("s" if self.every_hours != 1 else "")
        return f"A break every {hours} from {self.start:%H:%M} to {self.end:%H:%M}" + _days_text(
            self.weekdays
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "time": self.time.isoformat("minutes"),
            "every_hours": self.every_hours,
            "start": self.start.isoformat("minutes"),
            "end": self.end.isoformat("minutes"),
            "weekdays": list(self.weekdays),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        unknown = set(data) - {"kind", "time", "every_hours", "start", "end", "weekdays"}
        if unknown:
            raise RoutineError(f"schedule: unknown setting(s) {_names(unknown)}")
        every = data.get("every_hours", 2.0)
        if isinstance(every, bool) or not isinstance(every, int | float):
            raise RoutineError(f"schedule: every_hours must be a number of hours, not {every!r}")
        weekdays = data.get("weekdays", list(range(7)))
        if not isinstance(weekdays, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in weekdays
        ):
            raise RoutineError("schedule: weekdays must be a list of 0 (Monday) to 6 (Sunday)")
        kind = data.get("kind", "evening")
        if kind not in ("evening", "workday"):
            raise RoutineError(f"schedule kind must be 'evening' or 'workday', not {kind!r}")
        try:
            return cls(
                kind=ScheduleKind(kind),
                time=_time_of_day(data, "time", "21:00"),
                every_hours=float(every),
                start=_time_of_day(data, "start", "09:00"),
                end=_time_of_day(data, "end", "17:00"),
                weekdays=tuple(weekdays),
            )
        except RoutineError as exc:
            raise RoutineError(f"schedule: {exc}") from None


def _names(keys: Iterable[object]) -> str:
    return ", ".join(repr(str(k)) for k in sorted(map(str, keys)))


def _time_of_day(data: dict[str, Any], key: str, default: str) -> dt.time:
    """A time of day such as ``"21:00"`` (no date, no time zone)."""
    value = data.get(key, default)
    try:
        if not isinstance(value, str) or len(value) > 15:
            raise ValueError
        time = dt.time.fromisoformat(value)
    except ValueError:
        raise RoutineError(f"{key} {value!r} is not a time of day like '21:00'") from None
    if time.tzinfo is not None:
        raise RoutineError(f"{key} {value!r} must be a time of day without a time zone")
    return time


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days_text(days: tuple[int, ...]) -> str:
    if days == tuple(range(7)):
        return ", every day"
    if days == tuple(range(5)):
        return ", on weekdays"
    return ", on " + ", ".join(_DAY_NAMES[d] for d in days)


#: Allowed (low, high) for each number in :class:`Timing`, in seconds.
TIMING_LIMITS: dict[str, tuple[float, float]] = {
    "get_ready_seconds": (0, 60),
    "switch_seconds": (0, 60),
    "rest_between_exercises_seconds": (0, 300),
    "rep_seconds": (1.0, 10.0),
}


@dataclass(frozen=True, slots=True)
class Timing:
    """Timing shared by all exercises of a routine."""

    get_ready_seconds: int = 5
    switch_seconds: int = 5
    rest_between_exercises_seconds: int = 20
    rep_seconds: float = 3.0  # tempo: one rep's lift and lower, before any hold
    self_paced_reps: bool = False  # a "done" button ends a set of reps instead of a counter

    def __post_init__(self) -> None:
        for name, (low, high) in TIMING_LIMITS.items():
            value = getattr(self, name)
            if name == "rep_seconds":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise RoutineError("rep_seconds (the tempo) must be a number of seconds")
                if not low <= value <= high:
                    raise RoutineError(f"rep_seconds (the tempo) must be from {low} to {high} s")
            elif not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise RoutineError(f"{name} must be a whole number from {low} to {high}")
        if not isinstance(self.self_paced_reps, bool):
            raise RoutineError("self_paced_reps must be true or false")


@dataclass(frozen=True, slots=True)
class RoutineItem:
    exercise_id: str
    prescription: Prescription


@dataclass(frozen=True)
class Routine:
    """A named, ordered list of exercises with prescriptions, a schedule and timing."""

    name: str
    items: tuple[RoutineItem, ...]
    schedule: Schedule = field(default_factory=Schedule)
    timing: Timing = field(default_factory=Timing)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", validate_name(self.name, "routine name"))
        object.__setattr__(self, "items", tuple(self.items))
        ids = [item.exercise_id for item in self.items]
        if len(set(ids)) != len(ids):
            raise RoutineError("an exercise appears twice in the routine")

    # -- derived -------------------------------------------------------------------
    def steps(self, catalog: Catalog):
        """The timeline the timer will run (see :func:`backcare.timeline.build_timeline`)."""
        return build_timeline(self, catalog)

    def duration_seconds(self, catalog: Catalog) -> float:
        return total_seconds(self.steps(catalog))

    def groups(self, catalog: Catalog) -> tuple[str, ...]:
        """The groups the routine touches, in catalog order."""
        present = {catalog[item.exercise_id].group for item in self.items}
        return tuple(g.id for g in catalog.groups if g.id in present)

    def equipment(self, catalog: Catalog) -> tuple[str, ...]:
        """Everything to have at hand, each item once, in order of first use."""
        seen: dict[str, None] = {}
        for item in self.items:
            for thing in catalog[item.exercise_id].equipment:
                seen.setdefault(thing, None)
        return tuple(seen)

    def table(self, catalog: Catalog) -> pd.DataFrame:
        """A readable table: one row an exercise, with its share of the routine's time
        (written as ``2 min 6 s``)."""
        import pandas as pd  # here only: the pages that never show this table start without it

        steps = self.steps(catalog)
        rows = []
        for item in self.items:
            exercise = catalog[item.exercise_id]
            seconds = sum(s.seconds for s in steps if s.exercise_id == item.exercise_id)
            rows.append(
                {
                    "exercise": exercise.name,
                    "group": catalog.group(exercise.group).name,
                    "prescription": item.prescription.describe(exercise.sides),
                    "sides": {
                        Sides.EACH: "each side",
                        Sides.BOTH: "both at once",
                        Sides.ALTERNATING: "alternating",
                    }[exercise.sides],
                    "time": format_duration(seconds),
                }
            )
        return pd.DataFrame(rows, columns=["exercise", "group", "prescription", "sides", "time"])

    # -- editing (returns new routines) -----------------------------------------------
    def renamed(self, name: str) -> Routine:
        return replace(self, name=name)

    def with_prescription(self, exercise_id: str, **changes: int) -> Routine:
        items = tuple(
            RoutineItem(i.exercise_id, i.prescription.with_(**changes))
            if i.exercise_id == exercise_id
            else i
            for i in self.items
        )
        return replace(self, items=items)

    # -- JSON --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": ROUTINE_FORMAT,
            "version": ROUTINE_VERSION,
            "name": self.name,
            "schedule": self.schedule.to_dict(),
            "timing": {
                "get_ready_seconds": self.timing.get_ready_seconds,
                "switch_seconds": self.timing.switch_seconds,
                "rest_between_exercises_seconds": self.timing.rest_between_exercises_seconds,
                "rep_seconds": self.timing.rep_seconds,
                "self_paced_reps": self.timing.self_paced_reps,
            },
            "items": [
                {"exercise": i.exercise_id, "prescription": i.prescription.to_dict()}
                for i in self.items
            ],
        }

    @classmethod
    def from_dict(cls, data: Any, catalog: Catalog) -> Routine:
        """Validate a routine's JSON form against the catalog, naming what is wrong."""
        if not isinstance(data, dict):
            raise RoutineError("a routine file must hold a JSON object")
        if data.get("format") != ROUTINE_FORMAT:
            raise RoutineError(
                f"this is not a backcare routine (format should be "
                f"{ROUTINE_FORMAT!r}, found {data.get('format')!r})"
            )
        version = data.get("version")
        if version != ROUTINE_VERSION:
            raise RoutineError(
                f"routine file version {version!r} is not supported "
                f"(this backcare reads version {ROUTINE_VERSION})"
            )
        raw_items = data.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise RoutineError("'items' must be a non-empty list of exercises")
        if len(raw_items) > MAX_ITEMS:
            raise RoutineError(f"a routine holds at most {MAX_ITEMS} exercises")
        items = []
        for n, raw in enumerate(raw_items, start=1):
            if not isinstance(raw, dict):
                raise RoutineError(f"item {n}: must be an object")
            exercise_id = raw.get("exercise")
            if not isinstance(exercise_id, str) or exercise_id not in catalog:
                raise RoutineError(
                    f"item {n}: unknown exercise {exercise_id!r}; it is not in the catalog "
                    "(add it to my_exercises.toml first if it is one of your own)"
                )
            try:
                prescription = Prescription.from_dict(
                    catalog[exercise_id].kind, raw.get("prescription", {})
                )
            except PrescriptionError as exc:
                raise RoutineError(f"item {n} ({exercise_id}): {exc}") from None
            items.append(RoutineItem(exercise_id, prescription))
        timing = data.get("timing", {})
        if not isinstance(timing, dict):
            raise RoutineError("'timing' must be an object")
        schedule = data.get("schedule", {})
        if not isinstance(schedule, dict):
            raise RoutineError("'schedule' must be an object")
        unknown = set(timing) - set(Timing.__dataclass_fields__)
        if unknown:
            known = _names(Timing.__dataclass_fields__)
            raise RoutineError(f"timing: unknown setting(s) {_names(unknown)} (known: {known})")
        try:
            timing_value = Timing(**timing)
        except RoutineError as exc:
            raise RoutineError(f"timing: {exc}") from None
        return cls(
            name=data.get("name"),
            items=tuple(items),
            schedule=Schedule.from_dict(schedule),
            timing=timing_value,
        )


# -- building ----------------------------------------------------------------------------
def from_groups(
    catalog: Catalog,
    groups: Iterable[str],
    name: str = "My routine",
    schedule: Schedule | None = None,
) -> Routine:
    """A routine of every exercise in the chosen groups, with default prescriptions."""
    exercises = catalog.in_groups(groups)
    if not exercises:
        raise RoutineError("choose at least one group")
    return Routine(
        name=name,
        items=tuple(RoutineItem(e.id, e.prescription) for e in exercises),
        schedule=schedule or Schedule(),
    )


def evening_session(catalog: Catalog, groups: Iterable[str] | None = None) -> Routine:
    """The evening template: the chosen groups (all by default) before bed."""
    groups = list(groups) if groups is not None else [g.id for g in catalog.groups]
    return from_groups(
        catalog,
        groups,
        name="Evening session",
        schedule=Schedule(ScheduleKind.EVENING, time=dt.time(21, 0)),
    )


BREAK_MINUTES = (5, 10)
"""How long a workday break lasts, in minutes (the source's 5-10)."""

_MOST_BREAK_SETS = 4


def workday_break(catalog: Catalog, group: str = "hip_pelvis", every_hours: float = 2.0) -> Routine:
    """The workday template: one group as a short break every 1-2 hours, lasting 5-10 minutes.

    Two sets of each exercise (the top of the usual 1-2), so a break of a group with two or
    three exercises lasts the 5-10 minutes the source suggests (:data:`BREAK_MINUTES`). A
    group too small for that (the deep core has one exercise: two sets of 15 dead bugs take
    about 3.4 minutes) first goes to the top of the usual reps (20), then adds sets until the
    break lasts 5 minutes; going past the usual 1-2 sets there is a deliberate deviation, noted
    in ``data/catalog.toml``.
    """
    name = f"Workday break: {catalog.group(group).name}"
    routine = from_groups(
        catalog,
        [group],
        name=name,
        schedule=Schedule(ScheduleKind.WORKDAY, every_hours=every_hours, weekdays=(0, 1, 2, 3, 4)),
    )
    for item in routine.items:
        routine = routine.with_prescription(item.exercise_id, sets=2)
    shortest = BREAK_MINUTES[0] * 60
    if routine.duration_seconds(catalog) < shortest:
        for item in routine.items:
            if item.prescription.reps is not None:
                routine = routine.with_prescription(item.exercise_id, reps=20)
    while routine.duration_seconds(catalog) < shortest:
        if all(i.prescription.sets >= _MOST_BREAK_SETS for i in routine.items):
            break
        for item in routine.items:
            routine = routine.with_prescription(
                item.exercise_id, sets=min(item.prescription.sets + 1, _MOST_BREAK_SETS)
            )
    return routine


def templates(catalog: Catalog) -> list[Routine]:
    """The ready-made starting points: the full evening session and a workday break a group."""
    return [evening_session(catalog)] + [workday_break(catalog, g.id) for g in catalog.groups]


# -- files -------------------------------------------------------------------------------
def save_routine(routine: Routine, folder: Path | None = None) -> Path:
    """Write ``routine`` as JSON in the routines folder; returns the file's path.

    The file name comes from the routine's name reduced to safe characters, so no name
    can write outside the folder. Saving again under the same name replaces the file; a
    different name that reduces to the same characters ("Core!" and "core") gets a file of
    its own, and so does a name whose file there cannot be read: nothing else is overwritten.
    """
    folder = folder or paths.routines_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = paths.slug(routine.name) or "routine"
    path, n = folder / f"{stem}.json", 2
    while path.exists() and _saved_name(path) != routine.name:
        path, n = folder / f"{stem}-{n}.json", n + 1
    tmp = path.with_suffix(".json.tmp")
    try:
        tmp.write_text(json.dumps(routine.to_dict(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise paths.DataFolderError(
            f"The routine could not be saved in {folder} ({exc.strerror or 'write error'}). "
            "Make the folder writable, or set BACKCARE_DATA_DIR to a folder you can write to."
        ) from None
    return path


def _saved_name(path: Path) -> str | None:
    """The routine name stored in ``path``, or ``None`` when it cannot be read."""
    try:
        data = parse_json(read_limited(path, MAX_ROUTINE_BYTES, "a routine"), str(path))
    except UserFileError:
        return None
    return data.get("name") if isinstance(data, dict) else None


def routine_from_json(text: str | bytes, catalog: Catalog, source: str = "the file") -> Routine:
    """Parse and validate a routine from JSON text (a saved file or an upload)."""
    try:
        check_size(len(text), MAX_ROUTINE_BYTES, source, "a routine")
        data = parse_json(text, source)
    except UserFileError as exc:
        raise RoutineError(str(exc)) from None
    try:
        return Routine.from_dict(data, catalog)
    except RoutineError as exc:
        raise RoutineError(f"{source}: {exc}") from None


def load_routine(path: Path, catalog: Catalog) -> Routine:
    """Load and validate a saved routine; the error names the file and the problem."""
    try:
        text = read_limited(Path(path), MAX_ROUTINE_BYTES, "a routine")
    except UserFileError as exc:
        raise RoutineError(str(exc)) from None
    return routine_from_json(text, catalog, source=str(path))


def list_saved_routines(folder: Path | None = None) -> list[Path]:
    """Saved routine files, newest first (none when the folder does not exist yet)."""
    folder = folder or paths.routines_dir(create=False)
    try:
        files = [(p.stat().st_mtime, p) for p in folder.glob("*.json") if p.is_file()]
    except OSError:
        return []
    return [p for _, p in sorted(files, key=lambda item: item[0], reverse=True)]
