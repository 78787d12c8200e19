""" "Following now" in the planner and the trainer kit, and the person's zone in the log:
callbacks run in the kernel (set values, click, assert on the store)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from backcare.catalog import Catalog
from backcare.routine import evening_session, workday_break
from backcare.store import Store
from backcare.ui.following import ALONGSIDE
from backcare.ui.log import CheckInApp
from backcare.ui.planner import PlannerApp
from backcare.ui.trainer import TrainerApp
from backcare.ui.zone import BrowserZone


@pytest.fixture
def kernel_on_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _buttons(app, css: str) -> list:
    return [b for b in _walk(app.following) if css in getattr(b, "_dom_classes", ())]


def _walk(widget) -> Iterator:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_planner_replaces_by_default_adds_alongside_retires_and_undoes(catalog: Catalog) -> None:
    store = Store(":memory:")
    app = PlannerApp(catalog, store=store)
    app.save_button.click()
    me = store.default_person().id
    assert [s.name for s in store.routines(me, catalog)] == [app.model.name]
    assert "Following now" in app.following.title.value
    assert app.model.name in app.following.rows.children[0].children[0].value

    # a renamed variant on the same (evening) schedule replaces it by default
    app.name.value = "Evening (short)"
    assert app.following.mode.value != ALONGSIDE
    app.save_button.click()
    assert app.messages.kind == "success", app.messages.text
    assert "replaces" in app.messages.text
    (saved,) = store.routines(me, catalog)
    assert saved.name == "Evening (short)"
    assert store.plan_history(me, catalog).plans()[0].versions == 2

    # workday breaks: another kind of schedule, added alongside by default
    app.schedule_kind.value = "workday"
    app.name.value = "Breaks"
    assert app.following.mode.value == ALONGSIDE
    app.save_button.click()
    assert "alongside 1 other routine" in app.messages.text
    assert {s.name for s in store.routines(me, catalog)} == {"Evening (short)", "Breaks"}

    # retire the breaks, then undo the retirement
    retire = next(
        b
        for row in app.following.rows.children
        if "Breaks" in row.children[0].value
        for b in row.children[1:]
    )
    retire.click()
    assert "Retired “Breaks”" in app.messages.text
    assert [s.name for s in store.routines(me, catalog)] == ["Evening (short)"]
    assert "Retired" in " ".join(getattr(w, "value", "") for w in _walk(app.following))
    resume = _buttons(app, "backcare-plan-resume")
    assert len(resume) == 1
    app.following.undo_button.click()
    assert {s.name for s in store.routines(me, catalog)} == {"Evening (short)", "Breaks"}
    assert "Undid the last retirement" in app.messages.text


def test_trainer_kit_follows_for_the_client(catalog: Catalog) -> None:
    store = Store(":memory:")
    ann = store.add_person("Ann")
    app = TrainerApp(store, catalog)
    app.client_picker.person_id = ann.id
    labels = app.choices()
    app.routine_choice.value = next(i for i, label in enumerate(labels) if "Evening" in label)
    app.save_for_client()
    assert [s.name for s in store.routines(ann.id, catalog)] == [evening_session(catalog).name]
    app.routine_choice.value = next(
        i for i, label in enumerate(app.choices()) if workday_break(catalog).name in label
    )
    assert app.following.mode.value == ALONGSIDE  # another kind of schedule
    app.following.mode.value = store.routines(ann.id, catalog)[0].plan_uid  # replace on purpose
    app.save_for_client()
    assert [s.name for s in store.routines(ann.id, catalog)] == [workday_break(catalog).name]
    assert "replaces" in app.messages.text


def test_the_browser_zone_reaches_the_store_and_the_log_agrees(
    catalog: Catalog, kernel_on_utc: None
) -> None:
    store = Store(":memory:")
    app = CheckInApp(store)
    assert isinstance(app.zone.browser, BrowserZone)
    assert store.people() == []  # opening the page wrote nothing
    app.zone.browser.zone = "America/New_York"  # what the front end reports
    typed = dt.datetime(2026, 1, 5, 20, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    app.when.value = typed.astimezone(dt.UTC)  # the picker sends an instant
    app.discomfort.value = 4
    app.submit.click()
    assert app.messages.kind == "success", app.messages.text
    assert "Mon 05/01/2026 20:30" in app.messages.text
    me = store.people()[0]
    assert me.zone == "America/New_York" and me.zone_source == "browser"
    row = store.checkin(int(store.checkins_frame(me.id)["checkin_id"].iloc[0]))
    assert row["at"].isoformat() == "2026-01-05T20:30:00-05:00"
    assert "Mon 05/01/2026 20:30" in app.table.value
    assert app.zone.picker.value == "America/New_York"
    # changed in the app: the table follows, the entry's instant does not change
    app.zone.picker.value = "Asia/Tokyo"
    assert store.person(me.id).zone_source == "person"
    assert "Tue 06 Jan 2026 10:30" in app.table.value
    app.zone.browser.zone = "Europe/Paris"  # a later browser no longer overrides a choice
    assert store.person(me.id).zone == "Asia/Tokyo"


def test_the_browser_zone_widget_ships_its_module() -> None:
    widget = BrowserZone()
    source = widget._esm if isinstance(widget._esm, str) else ""
    assert "resolvedOptions().timeZone" in source
