"""Times in the store: timezone-aware ``datetime``s kept as ISO 8601 text with their offset."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..zones import kernel_zone
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FUTURE_TOLERANCE"]

FUTURE_TOLERANCE = dt.timedelta(days=1)
#: The years a stored time may fall in: every later reader (pandas among them, which stops
#: in 2262) can handle these, so a time outside them is refused where it is typed or imported.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _aware(value: object, what: str, zone: dt.tzinfo | None = None) -> dt.datetime:
    """A timezone-aware datetime from a datetime or ISO 8601 text; a naive one (or a date,
    taken at noon) is a wall-clock time in ``zone`` (the person's), else the kernel's."""
    pandas = sys.modules.get("pandas")  # a Timestamp can only come from a loaded pandas
    if pandas is not None and isinstance(value, pandas.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip()[:64])
        except ValueError:
            raise InputError(f"the {what} {value[:64]!r} is not a date and time") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if not isinstance(value, dt.datetime):
        raise InputError(f"the {what} must be a date and time")
    _check_year(value, what)
    try:
        offset = value.utcoffset()
    except (ValueError, TypeError):
        raise InputError(f"the {what} has a time zone that cannot be read") from None
    if offset is None:
        try:  # naive: a wall-clock time in the person's zone, else the kernel's
            value = value.replace(tzinfo=zone) if zone is not None else value.astimezone()
            offset = value.utcoffset()
        except (OverflowError, OSError, ValueError):
            raise InputError(f"the {what} cannot be placed in this time zone") from None
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        raise InputError(
            f"the {what} has a time-zone offset with seconds ({_offset_text(offset)}); "
            "give the offset in hours and minutes, such as +01:00"
        )
    return value


def _check_year(value: dt.datetime, what: str) -> None:
    """Refuse years no later reader can handle (checked on the wall-clock time, before any
    conversion that could itself fail at the ends of the calendar)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InputError(
            f"the {what} is in the year {value.year}; backcare keeps times from "
            f"{FIRST_YEAR} to {LAST_YEAR}, so please check the date"
        )


def _offset_text(offset: dt.timedelta) -> str:
    sign = "-" if offset < dt.timedelta(0) else "+"
    seconds = abs(offset).total_seconds()
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{int(hours):02d}:{int(minutes):02d}:{secs:02g}"


def _when(
    value: object, what: str, *, future_ok: bool = False, zone: dt.tzinfo | None = None
) -> dt.datetime:
    """A time a person gave or a file holds (now when ``None``, a naive one in ``zone``
    when given), checked by the one rule for stored times: timezone-aware, an offset in
    whole minutes, a year from :data:`FIRST_YEAR` to :data:`LAST_YEAR`, and (unless
    ``future_ok``) not more than a day ahead."""
    now = _now() if zone is None else dt.datetime.now(zone)
    at = now if value is None else _aware(value, what, zone)
    if not future_ok and at > _now() + FUTURE_TOLERANCE:
        raise InputError(
            f"the {what} {at:%Y-%m-%d %H:%M} is more than a day in the future; "
            "please check the date"
        )
    return at


def _iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds")


def _parse_iso(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _times(values: Sequence[str | None], zone: dt.tzinfo | None = None) -> pd.Series:
    """ISO texts with (possibly different) offsets as one tz-aware column in ``zone`` (the
    person's; the kernel's when ``None``)."""
    import pandas as pd  # here, not at the top: the start page opens without pandas

    series = pd.to_datetime(pd.Series(list(values), dtype=object), utc=True, format="ISO8601")
    return series.dt.tz_convert(zone if zone is not None else kernel_zone())
