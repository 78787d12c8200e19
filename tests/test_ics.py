"""Calendar reminders: the .ics file parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from backcare.catalog import Catalog
from backcare.ics import calendar_filename, routine_calendar
from backcare.routine import Schedule, ScheduleKind, evening_session, workday_break
from backcare.zones import local_timezone, local_timezone_name

THURSDAY = dt.date(2025, 3, 27)
NOW = dt.datetime(2025, 3, 20, 8, 0, tzinfo=dt.UTC)


def _events(data: bytes) -> list:
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def test_evening_daily(catalog: Catalog) -> None:
    routine = evening_session(catalog)
    routine = replace(routine, schedule=replace(routine.schedule, time=dt.time(20, 30)))
    data = routine_calendar(routine, catalog, THURSDAY, weeks=4, tz="Europe/Berlin", now=NOW)
    (event,) = _events(data)
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2025, 3, 27, 20, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert str(start.tzinfo) == "Europe/Berlin"
    rule = event["RRULE"]
    assert rule["FREQ"] == ["DAILY"]
    until = rule["UNTIL"][0]
    assert until == dt.datetime(2025, 4, 23, 23, 59, 59, tzinfo=ZoneInfo("Europe/Berlin"))
    assert "Evening session" in event["SUMMARY"]
    assert "about 14 minutes" in event["SUMMARY"]
    assert event.decoded("DURATION") == dt.timedelta(minutes=14)
    description = str(event["DESCRIPTION"])
    for item in routine.items:
        assert catalog[item.exercise_id].name in description
    # The zone is defined in the file, so any calendar app can place the event.
    zones = Calendar.from_ical(data).walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]


def test_evening_on_chosen_days_starts_on_first_of_them(catalog: Catalog) -> None:
    routine = evening_session(catalog)
    routine = replace(routine, schedule=Schedule(ScheduleKind.EVENING, weekdays=(0, 2)))
    (event,) = _events(routine_calendar(routine, catalog, THURSDAY, tz="UTC", now=NOW))
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["RRULE"]["BYDAY"] == ["MO", "WE"]
    assert event.decoded("DTSTART").date() == dt.date(2025, 3, 31)  # the next Monday


def test_workday_breaks_every_two_hours_on_weekdays(catalog: Catalog) -> None:
    routine = workday_break(catalog, "hip_pelvis", every_hours=2.0)
    events = _events(routine_calendar(routine, catalog, THURSDAY, tz="Europe/London", now=NOW))
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert [s.time() for s in starts] == [dt.time(h) for h in (11, 13, 15, 17)]
    assert {s.date() for s in starts} == {THURSDAY}
    for event in events:
        assert event["RRULE"]["FREQ"] == ["WEEKLY"]
        assert event["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
        assert event["SUMMARY"].startswith("Workday break: Hip & pelvis (about")
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_workday_hours_change_the_events(catalog: Catalog) -> None:
    routine = workday_break(catalog, "upper_back")
    schedule = replace(routine.schedule, every_hours=1.5, start=dt.time(8, 0), end=dt.time(12, 30))
    routine = replace(routine, schedule=schedule)
    saturday = dt.date(2025, 3, 29)
    events = _events(routine_calendar(routine, catalog, saturday, tz="UTC", now=NOW))
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert [s.strftime("%H:%M") for s in starts] == ["09:30", "11:00", "12:30"]
    assert {s.date() for s in starts} == {dt.date(2025, 3, 31)}  # weekend skipped


def test_reminder_alarm_and_no_end(catalog: Catalog) -> None:
    data = routine_calendar(
        evening_session(catalog), catalog, THURSDAY, weeks=None, reminder_minutes=10, now=NOW
    )
    (event,) = _events(data)
    assert "UNTIL" not in event["RRULE"] and "COUNT" not in event["RRULE"]
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == dt.timedelta(minutes=-10)
    quiet = routine_calendar(
        evening_session(catalog), catalog, THURSDAY, reminder_minutes=None, now=NOW
    )
    assert not _events(quiet)[0].walk("VALARM")


def test_stable_uids_so_a_new_file_updates_the_old(catalog: Catalog) -> None:
    routine = evening_session(catalog)
    first = _events(routine_calendar(routine, catalog, THURSDAY, tz="UTC", now=NOW))
    later = _events(routine_calendar(routine, catalog, THURSDAY, tz="UTC"))
    assert first[0]["UID"] == later[0]["UID"]


def test_fixed_offset_written_in_utc(catalog: Catalog) -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    (event,) = _events(routine_calendar(evening_session(catalog), catalog, THURSDAY, tz=plus_two))
    start = event.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(0)
    assert start == dt.datetime(2025, 3, 27, 19, 0, tzinfo=dt.UTC)  # 21:00 at +02:00


def test_bad_arguments(catalog: Catalog) -> None:
    routine = evening_session(catalog)
    with pytest.raises(ValueError, match="time zone"):
        routine_calendar(routine, catalog, THURSDAY, tz="Mars/Olympus")
    with pytest.raises(ValueError, match="weeks"):
        routine_calendar(routine, catalog, THURSDAY, weeks=0)
    with pytest.raises(ValueError, match="reminder"):
        routine_calendar(routine, catalog, THURSDAY, reminder_minutes=-5)


def test_local_zone_and_file_name(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Chicago")
    assert local_timezone_name() == "America/Chicago"
    assert local_timezone() == ZoneInfo("America/Chicago")
    (event,) = _events(routine_calendar(evening_session(catalog), catalog, THURSDAY))
    assert str(event.decoded("DTSTART").tzinfo) == "America/Chicago"
    assert calendar_filename(evening_session(catalog), "Sam") == "reminders-sam-evening-session.ics"


def test_two_clients_calendars_never_share_an_event(catalog) -> None:
    routine = evening_session(catalog)
    day = dt.date(2026, 12, 1)

    def uids(person: str) -> set[str]:
        cal = Calendar.from_ical(routine_calendar(routine, catalog, day, tz="UTC", person=person))
        return {str(event["uid"]) for event in cal.walk("VEVENT")}

    assert uids("Ann") == uids("Ann")  # stable: a new file updates the same events
    assert uids("Ann").isdisjoint(uids("Bob"))
