"""Times in the store: timezone-aware ``datetime``s kept as ISO 8601 text with their offset."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from .errors import InputError

__all__ = ["FUTURE_TOLERANCE", "local_zone"]

FUTURE_TOLERANCE = dt.timedelta(days=1)


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _aware(value: object, what: str) -> dt.datetime:
    """A timezone-aware datetime from a datetime (naive: local time) or ISO 8601 text."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"the {what} {value!r} is not a date and time") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if not isinstance(value, dt.datetime):
        raise InputError(f"the {what} must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.astimezone()  # naive: taken as local time
    return value


def _when(value: object, what: str, *, future_ok: bool = False) -> dt.datetime:
    at = _now() if value is None else _aware(value, what)
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


def local_zone() -> dt.tzinfo:
    """The machine's time zone (a named zone when it can be found, else today's offset)."""
    names = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError, ValueError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    for name in names:
        if name:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError, OSError):
                return ZoneInfo(name)
    return _now().tzinfo or dt.UTC


def _times(values: Sequence[str | None]) -> pd.Series:
    """ISO texts with (possibly different) offsets as one tz-aware column in local time."""
    series = pd.to_datetime(pd.Series(list(values), dtype=object), utc=True, format="ISO8601")
    return series.dt.tz_convert(local_zone())
