"""One way to write a date and a time on every page: the person's own, as their browser
writes it (the order its date pickers show), so the picker and the tables agree.

:class:`DateStyle` is the convention (``"DMY"``/``"MDY"``/``"YMD"``, the separator, a 12- or
24-hour clock) and :func:`format_when` writes a time with it. :class:`BrowserDates` is a
small anywidget that reads the browser's convention (``Intl.DateTimeFormat``) and sends it
to the kernel, which cannot see it. Until it has, the style is day-month-year on a 24-hour
clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["DEFAULT_STYLE", "BrowserDates", "DateStyle", "format_date", "format_when"]

_ORDERS = ("DMY", "MDY", "YMD")
_SEPARATORS = ("/", ".", "-", "/ ")


@dataclass(frozen=True, slots=True)
class DateStyle:
    """How dates are written: field order, separator, 12- or 24-hour clock."""

    order: str = "DMY"
    separator: str = "/"
    hour12: bool = False

    @classmethod
    def from_browser(cls, data: Any) -> DateStyle:
        """The browser's report, or the default for anything unexpected."""
        if not isinstance(data, dict):
            return DEFAULT_STYLE
        order = data.get("order")
        separator = data.get("separator")
        return cls(
            order=order if order in _ORDERS else DEFAULT_STYLE.order,
            separator=separator if separator in _SEPARATORS else DEFAULT_STYLE.separator,
            hour12=data.get("hour12") is True,
        )


DEFAULT_STYLE = DateStyle()


def format_date(day: dt.date, style: DateStyle = DEFAULT_STYLE, *, weekday: bool = True) -> str:
    """``Sun 29/11/2026`` (DMY), ``Sun 11/29/2026`` (MDY), ``Sun 2026-11-29`` (YMD)."""
    fields = {"D": f"{day.day:02d}", "M": f"{day.month:02d}", "Y": f"{day.year:04d}"}
    text = style.separator.join(fields[key] for key in style.order)
    return f"{day:%a} {text}" if weekday else text


def format_when(
    at: dt.datetime, style: DateStyle = DEFAULT_STYLE, *, zone: bool = False, weekday: bool = True
) -> str:
    """A date and a time in ``style``: ``Sun 29/11/2026 14:05`` or ``Sun 11/29/2026 2:05 PM``;
    ``zone=True`` adds the zone's abbreviation (which clock it is)."""
    clock = f"{(at.hour % 12) or 12}:{at:%M %p}" if style.hour12 else f"{at:%H:%M}"
    text = f"{format_date(at.date(), style, weekday=weekday)} {clock}"
    if zone and at.tzinfo is not None:
        text = f"{text} {at:%Z}".rstrip()
    return text


class BrowserDates(anywidget.AnyWidget):
    """Invisible: reports the browser's way of writing dates in ``convention`` ({} until it has)."""

    _esm = Path(__file__).with_name("browser_dates.js")
    convention = traitlets.Dict().tag(sync=True)

    def date_style(self) -> DateStyle:
        return DateStyle.from_browser(self.convention) if self.convention else DEFAULT_STYLE
