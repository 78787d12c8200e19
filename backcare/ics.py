"""Calendar reminders: a routine's schedule as an iCalendar (``.ics``) file.

One file holds one recurring event per planned time of day:

* an **evening** routine gives one event at the chosen time, daily (``RRULE:FREQ=DAILY``)
  or on the chosen weekdays (``FREQ=WEEKLY;BYDAY=...``);
* a **workday** routine gives one event per break time (every N hours between the start
  and the end of the workday), each repeating weekly on the chosen weekdays.

Each event's summary names the routine and its length, its description lists the
exercises, and a reminder (``VALARM``) pops up a few minutes before.

Time zones. A calendar app needs to know which clock "21:00" is on, and a repeating event
must stay at 21:00 after a daylight-saving change. So the start carries a named time zone
(``TZID=Europe/Berlin``) and the file includes its ``VTIMEZONE`` definition. The zone is
the one given, else the kernel's own zone when its name can be found. When only a fixed
UTC offset is known, times are written in UTC; they are then right until the next
daylight-saving change. In Binder the kernel runs on UTC, so the trainer app lets the user
pick their zone. The file is built with the ``icalendar`` library, never by hand.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vRecur

from .catalog import Catalog
from .handout import SAFETY_NOTE, minutes_text, plan_file_stem, whole_minutes
from .routine import Routine, ScheduleKind
from .zones import check_zone, local_timezone

__all__ = [
    "DEFAULT_REMINDER_MINUTES",
    "MAX_WEEKS",
    "PRODID",
    "calendar_filename",
    "routine_calendar",
]

PRODID = "-//backcare//routine reminders//EN"
DEFAULT_REMINDER_MINUTES = 5
MAX_WEEKS = 104

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_UID_NAMESPACE = uuid.UUID("6f3a3c1e-3b0e-4d7b-9a52-6d1c2f7b9e10")


def _resolve_tz(tz: dt.tzinfo | str | None) -> dt.tzinfo:
    if tz is None:
        return local_timezone()
    if isinstance(tz, str):
        return ZoneInfo(check_zone(tz))
    return tz


def _first_on_or_after(start_date: dt.date, weekdays: tuple[int, ...]) -> dt.date:
    day = start_date
    while day.weekday() not in weekdays:
        day += dt.timedelta(days=1)
    return day


def _description(routine: Routine, catalog: Catalog) -> str:
    lines = [f"{routine.name}: {minutes_text(routine.duration_seconds(catalog))}."]
    lines.append(routine.schedule.describe() + ".")
    lines.append("")
    for number, item in enumerate(routine.items, start=1):
        exercise = catalog[item.exercise_id]
        lines.append(f"{number}. {exercise.name}: {item.prescription.describe(exercise.sides)}")
    equipment = routine.equipment(catalog)
    if equipment:
        lines += ["", "Have at hand: " + "; ".join(equipment) + "."]
    lines += ["", SAFETY_NOTE]
    return "\n".join(lines)


def routine_calendar(
    routine: Routine,
    catalog: Catalog,
    start_date: dt.date,
    weeks: int | None = 4,
    *,
    tz: dt.tzinfo | str | None = None,
    reminder_minutes: int | None = DEFAULT_REMINDER_MINUTES,
    now: dt.datetime | None = None,
    person: str | None = None,
) -> bytes:
    """The routine's schedule from ``start_date`` as an ``.ics`` file.

    ``weeks``: how long the reminders repeat (1-104 weeks), or ``None`` to repeat without
    end. ``tz``: a zone name or ``tzinfo``; the kernel's zone by default.
    ``reminder_minutes``: a pop-up that many minutes before (``None`` for none).
    ``person``: whose calendar it is; part of each event's stable UID.
    """
    if weeks is not None and (
        isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS
    ):
        raise ValueError(f"repeat for 1-{MAX_WEEKS} weeks, not {weeks!r}")
    if reminder_minutes is not None and not 0 <= reminder_minutes <= 120:
        raise ValueError("a reminder 0-120 minutes before, please")
    zone = _resolve_tz(tz)
    named_zone = isinstance(zone, ZoneInfo)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)

    schedule = routine.schedule
    seconds = routine.duration_seconds(catalog)
    length = dt.timedelta(minutes=whole_minutes(seconds))
    summary = f"{routine.name} ({minutes_text(seconds)})"
    description = _description(routine, catalog)
    first_day = _first_on_or_after(start_date, schedule.weekdays)

    rule: dict[str, object]
    if schedule.weekdays == tuple(range(7)):
        rule = {"FREQ": "DAILY"}
    else:
        rule = {"FREQ": "WEEKLY", "BYDAY": [_BYDAY[d] for d in schedule.weekdays]}
    if weeks is not None:
        last_day = start_date + dt.timedelta(days=7 * weeks - 1)
        until = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=zone)
        rule["UNTIL"] = until.astimezone(dt.UTC)  # RFC 5545: UTC when DTSTART has a zone

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"backcare: {routine.name}")

    for at in schedule.times_on(first_day):
        start = dt.datetime.combine(first_day, at, tzinfo=zone)
        if not named_zone:
            start = start.astimezone(dt.UTC)
        event = Event()
        # Stable per person, routine and time: a new file updates these events, and two
        # clients' calendars never share an event.
        key = f"{person or ''}|{routine.name}|{schedule.kind.value}|{at:%H:%M}|{start_date}"
        event.add("uid", f"{uuid.uuid5(_UID_NAMESPACE, key)}@backcare")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("duration", length)
        event.add("rrule", vRecur(rule))
        event.add("summary", summary)
        event.add("description", description)
        event.add(
            "categories",
            ["Back care", "Workday break" if schedule.kind is ScheduleKind.WORKDAY else "Evening"],
        )
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        if reminder_minutes is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Time for: {summary}")
            alarm.add("trigger", dt.timedelta(minutes=-reminder_minutes))
            event.add_component(alarm)
        calendar.add_component(event)

    if named_zone:
        calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_filename(routine: Routine, person_name: str | None = None) -> str:
    """A safe file name such as ``reminders-sam-evening-session.ics``."""
    return f"reminders-{plan_file_stem(routine, person_name)}.ics"
