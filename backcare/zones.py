"""Each person's own days: time zones by IANA name (``America/New_York``).

A person's calendar days, weeks, "today" and every time shown are in their own zone, never
the kernel's (Binder runs on UTC). The zone comes from the person's browser the first time
(:mod:`backcare.ui.browser_zone`) and can be changed in the app. This module checks zone
names and answers "which day / what time is it there" with :mod:`zoneinfo`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "ZoneError",
    "check_zone",
    "kernel_zone",
    "local_timezone",
    "local_timezone_name",
    "now_in",
    "today_in",
    "zone_names",
    "zone_of",
]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


class ZoneError(ValueError):
    """A time zone name that is not a known IANA zone; the message is meant for the user."""


def check_zone(name: object) -> str:
    """The zone name, checked: a known IANA zone such as ``Europe/Paris``, or ZoneError."""
    if not isinstance(name, str) or not name.strip():
        raise ZoneError("the time zone must be a name such as Europe/Paris")
    name = name.strip()
    if len(name) > 64 or not _NAME.match(name):
        raise ZoneError(f"{name[:64]!r} is not a time zone name (for example Europe/Paris)")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ZoneError(
            f"{name!r} is not a known time zone; choose one such as Europe/Paris"
        ) from None
    return name


def local_timezone_name() -> str | None:
    """The IANA name of the kernel's time zone (``Europe/Paris``), or ``None`` if unknown."""
    candidates = [os.environ.get("TZ", "").lstrip(":").strip()]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and _zone(name) is not None:
            return name
    return None


def local_timezone() -> dt.tzinfo:
    """The kernel's zone: a :class:`ZoneInfo` when it has a name, else its fixed UTC offset."""
    name = local_timezone_name()
    if name is not None:
        return ZoneInfo(name)
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def kernel_zone() -> dt.tzinfo:
    """The zone of the machine the kernel runs on (used only until a person has one)."""
    return _kernel_zone(os.environ.get("TZ"))


@functools.lru_cache(maxsize=8)
def _kernel_zone(_tz_variable: str | None) -> dt.tzinfo:
    """Looked up once for each value of ``TZ`` (reading the zone files takes a while)."""
    return local_timezone()


def zone_of(name: str | None) -> dt.tzinfo:
    """A person's zone from its name; the kernel's when the name is unknown or missing."""
    return (_zone(name) if name else None) or kernel_zone()


def now_in(zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.now(zone)


def today_in(zone: dt.tzinfo) -> dt.date:
    """Today's date in ``zone`` (which may differ from the kernel's date)."""
    return dt.datetime.now(zone).date()


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name known here, sorted (for a picker)."""
    return tuple(sorted(available_timezones() | {"UTC"}))
