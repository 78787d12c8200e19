"""One date format, the person's (issue 16, item 7): the diary writes dates the way the
person's browser does, which is the order its date picker shows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from backcare.store import Store
from backcare.ui.dates import DEFAULT_STYLE, DateStyle, format_date, format_when
from backcare.ui.log import CheckInApp

US = {"order": "MDY", "separator": "/", "hour12": True}
GERMAN = {"order": "DMY", "separator": ".", "hour12": False}
AT = dt.datetime(2026, 11, 29, 14, 5, tzinfo=ZoneInfo("Europe/Berlin"))


def test_the_browsers_convention_is_followed() -> None:
    us, german = DateStyle.from_browser(US), DateStyle.from_browser(GERMAN)
    assert format_when(AT, us) == "Sun 11/29/2026 2:05 PM"
    assert format_when(AT, german) == "Sun 29.11.2026 14:05"
    assert format_when(AT, german, zone=True) == "Sun 29.11.2026 14:05 CET"
    assert format_date(AT.date(), DateStyle("YMD", "-")) == "Sun 2026-11-29"
    assert format_when(AT.replace(hour=0), us).endswith(" 12:05 AM")


def test_an_odd_report_falls_back_to_the_default() -> None:
    for report in (None, [], {"order": "<b>", "separator": "x" * 50, "hour12": "yes"}):
        assert DateStyle.from_browser(report) == DEFAULT_STYLE


def test_the_diary_table_and_entries_write_the_browsers_dates() -> None:
    store = Store(":memory:")
    me = store.add_person("Me")
    store.set_zone(me.id, "Europe/Berlin")  # times are shown in the person's zone
    store.add_checkin(me.id, 4, at=AT, note="evening")
    app = CheckInApp(store)
    app.dates.convention = US  # what an en-US browser reports
    assert "11/29/2026 2:05 PM" in app.table.value
    assert "Sun 29 Nov" not in app.table.value  # no second format beside it
    assert app.entries.label.startswith("Sun 11/29/2026 2:05 PM")
    app.dates.convention = GERMAN
    assert "29.11.2026 14:05" in app.table.value
    assert app.entries.label.startswith("Sun 29.11.2026 14:05")
    app.discomfort.value = 3
    app.submit.click()
    assert app.messages.kind == "success"
    assert "." in app.messages.text.split(",", 1)[1]  # "Saved: 3/10, Sun 29.11.2026 ..."
