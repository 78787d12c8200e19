"""The next-morning question in the check-in log, driven in the kernel."""

from __future__ import annotations

import datetime as dt

import pytest

from backcare.catalog import Catalog
from backcare.routine import evening_session
from backcare.store import Store
from backcare.ui.log import CheckInApp

NOW = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


@pytest.fixture
def store() -> Store:
    s = Store(":memory:")
    s.add_person("Me", zone="UTC")
    return s


def _session_yesterday(store: Store, catalog: Catalog) -> None:
    me = store.people()[0].id
    routine = evening_session(catalog, ["deep_core"])
    start = NOW - dt.timedelta(days=1)
    session_id = store.start_session(me, routine, catalog, started_at=start)
    store.finish_session(session_id, at=start + dt.timedelta(minutes=5))


def _visible(app: CheckInApp) -> bool:
    return app.morning_box.layout.display != "none"


def test_no_session_no_question(store: Store) -> None:
    app = CheckInApp(store)
    assert not _visible(app)


def test_the_first_daily_checkin_after_a_session_asks_and_keeps_the_answer(
    store: Store, catalog: Catalog
) -> None:
    _session_yesterday(store, catalog)
    app = CheckInApp(store)
    assert _visible(app)
    assert (
        "Compared with usual, is your back this morning better" in app.morning_box.children[0].value
    )
    assert app.morning.value is None  # not chosen for the person
    app.context.value = "after"  # only a daily check-in asks it
    assert not _visible(app)
    app.context.value = "daily"
    assert _visible(app)
    app.morning.value = "worse"
    app.discomfort.value = 4
    app.submit.click()
    assert app.messages.kind == "success", app.messages.text
    frame = store.checkins_frame()
    assert frame["morning"].tolist() == ["worse"]
    assert not _visible(app)  # asked once: the next check-in does not ask again
    assert "morning: worse" in app.table.value


def test_skipping_the_question_saves_no_answer(store: Store, catalog: Catalog) -> None:
    _session_yesterday(store, catalog)
    app = CheckInApp(store)
    app.discomfort.value = 2
    app.submit.click()
    assert store.checkins_frame()["morning"].tolist() == [None]


def test_editing_an_answered_checkin_shows_and_changes_its_answer(
    store: Store, catalog: Catalog
) -> None:
    _session_yesterday(store, catalog)
    me = store.people()[0].id
    store.add_checkin(me, 3, at=NOW, morning="same")
    app = CheckInApp(store)
    assert not _visible(app)
    app.entries.value = store.checkins_frame()["checkin_id"].iloc[0]
    app.edit_button.click()
    assert _visible(app) and app.morning.value == "same"
    app.morning.value = "better"
    app.submit.click()
    assert store.checkins_frame()["morning"].tolist() == ["better"]
    assert not _visible(app)
