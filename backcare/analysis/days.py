"""Days and periods: which calendar day a time stamp falls on, and ranges of days.

Internally a day is a whole number: days since 1970-01-01. Days are calendar days on the clock
the time stamps were written in (a check-in at 23:30 local time counts for that evening,
whatever the offset), unless a ``zone`` is given: then each time stamp is first moved to that
zone (the person's own), so days are counted on the person's clock. Every other analysis module
counts days through the functions here, so this is the one place where the day of a time stamp
is decided.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

# Internally a day is a whole number: days since 1970-01-01 on the time stamp's own clock.
# Missing time stamps get _NO_DAY, which sorts before every real day, so range checks drop them.
_NO_DAY = np.iinfo(np.int64).min


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday is 0)


def day_of(times: pd.Series, zone: Any = None) -> pd.Series:
    """The calendar day of each time stamp as naive midnight timestamps: on its own clock, or
    in ``zone`` (a ``zoneinfo.ZoneInfo`` or zone name) when given."""
    times = in_zone(times, zone)
    if len(times) == 0:
        return pd.Series([], index=times.index, dtype="datetime64[us]")
    if _is_datetime(times):
        return pd.Series(_stamps(_day_numbers(times)), index=times.index, name=times.name)
    # mixed offsets come as objects: take each one's wall-clock date
    days = pd.to_datetime(times.map(lambda t: None if pd.isna(t) else _as_day(t)), errors="coerce")
    return days.astype("datetime64[us]")


def _is_datetime(times: pd.Series) -> bool:
    return isinstance(times.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        times.dtype
    )


def in_zone(times: pd.Series, zone: Any = None) -> pd.Series:
    """The time stamps moved to ``zone`` (zone-aware ones only); unchanged when ``zone`` is None."""
    if zone is None or len(times) == 0:
        return times
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times.dt.tz_convert(zone)
    if pd.api.types.is_datetime64_dtype(times.dtype):
        return times  # naive stamps have no zone to move from
    return times.map(
        lambda t: (
            t if pd.isna(t) or pd.Timestamp(t).tzinfo is None else pd.Timestamp(t).tz_convert(zone)
        )
    )


def _day_numbers(times: pd.Series, zone: Any = None) -> np.ndarray:
    """Day numbers (int64) of the time stamps on their own clock (or in ``zone``); ``_NO_DAY``
    where missing."""
    times = in_zone(times, zone)
    if len(times) == 0:
        return np.zeros(0, dtype="int64")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        wall = np.asarray(times.array.tz_localize(None))
    elif pd.api.types.is_datetime64_dtype(times.dtype):
        wall = times.to_numpy()
    else:
        wall = day_of(times).to_numpy()
    return wall.astype("datetime64[D]").view("int64")


def _stamps(day_numbers: np.ndarray) -> np.ndarray:
    """Day numbers back to naive midnight ``datetime64[us]`` values (NaT for ``_NO_DAY``)."""
    return np.asarray(day_numbers, dtype="int64").view("datetime64[D]").astype("datetime64[us]")


def _day_number(value: Any) -> int:
    return _as_day(value).toordinal() - _EPOCH_ORDINAL


def _stamp(day_number: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day_number), "D")).as_unit("us")


def _as_day(value: dt.date | dt.datetime | str | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize().as_unit("us")


def _day_range(start: Any, end: Any) -> pd.DatetimeIndex:
    first, last = _as_day(start), _as_day(end)
    if last < first:
        return pd.DatetimeIndex([], dtype="datetime64[us]", name="day")
    return pd.date_range(first, last, freq="D", name="day").as_unit("us")


def _weekdays(first_day: int, count: int) -> np.ndarray:
    """Weekday (Monday 0) of ``count`` days from day number ``first_day`` on."""
    return (np.arange(first_day, first_day + count, dtype="int64") + _EPOCH_WEEKDAY) % 7


def first_activity_day(sessions: pd.DataFrame, checkins: pd.DataFrame) -> pd.Timestamp | None:
    """The first day with a session or a check-in, or ``None`` when there is neither."""
    first = _first_day(sessions, checkins)
    return None if first is None else _stamp(first)


def _first_day(sessions: pd.DataFrame, checkins: pd.DataFrame) -> int | None:
    found = []
    for frame, column in ((sessions, "started_at"), (checkins, "at")):
        if len(frame):
            days = _day_numbers(frame[column])
            days = days[days != _NO_DAY]
            if len(days):
                found.append(int(days.min()))
    return min(found) if found else None


def _utc_microseconds(times: pd.Series) -> np.ndarray:
    """Time stamps as microseconds since 1970 UTC (``_NO_DAY`` where missing)."""
    if _is_datetime(times):
        values = times.array
        if values.unit != "us":
            values = values.as_unit("us")
        return values.asi8.copy()  # UTC for zone-aware stamps, the wall clock for naive ones
    stamps = pd.to_datetime(times, utc=True)
    return np.asarray(stamps.dt.tz_localize(None).to_numpy(), dtype="datetime64[us]").view("int64")
