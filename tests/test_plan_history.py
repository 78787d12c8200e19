"""Plans with a history and each person's own days: the numbers a person would expect.

Each test is one of the cases a new user met: a re-save mid-period, a renamed variant, two
schedules followed on purpose, retire and resume, and people in New York and Tokyo while
the kernel runs on UTC (as in Binder).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from backcare import analysis
from backcare.catalog import Catalog
from backcare.plan_history import PlanEvent, PlanHistory, suggest_replacement
from backcare.routine import Routine, Schedule, ScheduleKind, evening_session, workday_break
from backcare.store import MIGRATIONS, SCHEMA_VERSION, Store
from backcare.ui.progress import ProgressApp, ProgressModel
from backcare.ui.session import SessionApp
from tests.test_store import _V1_BY_HAND

START = dt.date(2026, 1, 5)  # a Monday


@pytest.fixture
def kernel_on_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The kernel's clock on UTC, as in Binder, whatever the machine running the tests."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(kernel_on_utc: None) -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


def _day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _session(store: Store, person_id: int, routine: Routine, catalog: Catalog, when) -> int:
    """A session with its first exercise step done (that makes it count as done)."""
    sid = store.start_session(person_id, routine, catalog, started_at=when)
    first = next(s for s in routine.steps(catalog) if s.kind.is_work)
    store.record_step(sid, first.index, "done", first.seconds, at=when)
    store.finish_session(sid, "completed", at=when)
    return sid


def _report(store: Store, catalog: Catalog, person_id: int, first: int, last: int):
    model = ProgressModel(store, catalog, today=_day(last))
    model.person_id = person_id
    model.start_date, model.end_date = _day(first), _day(last)
    model.range_key = "custom"
    return model.report()


def _at(n: int, hour: int = 20, minute: int = 0) -> dt.datetime:
    """A wall-clock time on day ``n`` (no offset: the person's own zone)."""
    return dt.datetime.combine(_day(n), dt.time(hour, minute))


# -- plans with a history ---------------------------------------------------------------------
def test_a_resave_mid_period_keeps_the_start_28_of_28(store: Store, catalog: Catalog) -> None:
    me = store.add_person("Kim", zone="Europe/Paris")
    routine = evening_session(catalog)
    first = store.save_routine(me.id, routine, on=_day(0))
    for n in range(27):
        _session(store, me.id, routine, catalog, _at(n))
    longer = routine.with_prescription(routine.items[0].exercise_id, sets=2)
    assert store.save_routine(me.id, longer, on=_day(27)) == first  # same plan, new version
    _session(store, me.id, longer, catalog, _at(27))

    history = store.plan_history(me.id, catalog)
    (plan,) = history.plans()
    assert plan.versions == 2 and plan.started_on == _day(0) and plan.routine == longer
    assert [(p.version, p.start, p.end) for p in history.periods] == [
        (1, _day(0), _day(27)),
        (2, _day(27), None),
    ]
    report = _report(store, catalog, me.id, 0, 27)
    assert int(report.daily["planned"].sum()) == 28 and int(report.daily["done"].sum()) == 28
    assert any("28 of 28 planned sessions (100 %)" in s for s in report.sentences)


def test_a_renamed_variant_replaces_the_plan(store: Store, catalog: Catalog) -> None:
    me = store.add_person("Kim", zone="Europe/Paris")
    evening = evening_session(catalog)
    store.save_routine(me.id, evening, on=_day(0))
    short = evening_session(catalog, ["deep_core"]).renamed("Evening (short)")
    # the same kind of schedule: by default the new routine replaces the one followed
    assert suggest_replacement(short, store.plan_history(me.id, catalog).following())
    store.save_routine(me.id, short, on=_day(10))
    for n in range(28):
        _session(store, me.id, evening if n < 10 else short, catalog, _at(n))
    assert [s.name for s in store.routines(me.id, catalog)] == ["Evening (short)"]
    report = _report(store, catalog, me.id, 0, 27)
    assert int(report.daily["planned"].sum()) == 28
    assert any("28 of 28 planned sessions (100 %)" in s for s in report.sentences)


def test_two_schedules_followed_on_purpose_both_count(store: Store, catalog: Catalog) -> None:
    me = store.add_person("Kim", zone="Europe/Paris")
    evening, breaks = evening_session(catalog), workday_break(catalog)
    assert breaks.schedule.times_on(_day(0)) == [
        dt.time(11),
        dt.time(13),
        dt.time(15),
        dt.time(17),
    ]
    store.save_plan(me.id, evening, on=_day(0))
    store.save_plan(me.id, breaks, on=_day(0))  # added alongside
    assert len(store.routines(me.id, catalog)) == 2
    for n in range(7):  # every evening of one week, no breaks
        _session(store, me.id, evening, catalog, _at(n))
    report = _report(store, catalog, me.id, 0, 6)
    # 7 evenings + 4 breaks on each of 5 workdays = 27 planned; 7 done is 26 %
    assert int(report.daily["planned"].sum()) == 27
    assert any("7 of 27 planned sessions (26 %)" in s for s in report.sentences)
    # the person meant only the evenings: retiring the breaks from the start says so
    plan_uid = next(s.plan_uid for s in store.routines(me.id, catalog) if s.name == breaks.name)
    store.retire_plan(me.id, plan_uid, on=_day(0))
    report = _report(store, catalog, me.id, 0, 6)
    assert any("7 of 7 planned sessions (100 %)" in s for s in report.sentences)
    assert [s.name for s in store.routines(me.id, catalog)] == [evening.name]


def test_retire_resume_and_undo(store: Store, catalog: Catalog) -> None:
    me = store.add_person("Kim", zone="Europe/Paris")
    routine = evening_session(catalog)
    store.save_routine(me.id, routine, on=_day(0))
    (saved,) = store.routines(me.id, catalog)
    store.retire_plan(me.id, saved.plan_uid, on=_day(10))
    assert store.routines(me.id, catalog) == []
    store.resume_plan(me.id, saved.plan_uid, on=_day(20))
    for n in [*range(10), *range(20, 30)]:
        _session(store, me.id, routine, catalog, _at(n))
    report = _report(store, catalog, me.id, 0, 29)
    assert int(report.daily["planned"].sum()) == 20
    assert report.daily.loc[str(_day(15)), "planned"] == 0
    assert any("20 of 20 planned sessions (100 %)" in s for s in report.sentences)
    # the history travels with an export, and importing it twice adds nothing
    with Store(":memory:") as other:
        other.import_bytes(store.export_json(), "kim.json")
        assert other.import_bytes(store.export_zip(), "kim.zip").total_added == 0
        kim = other.people()[0]
        assert kim.zone == "Europe/Paris"
        periods = other.plan_history(kim.id, catalog).periods
        assert [(p.start, p.end) for p in periods] == [(_day(0), _day(10)), (_day(20), None)]
    # undo takes back the latest change only: the resume
    assert store.undo_plan_change(me.id) == "resume"
    report = _report(store, catalog, me.id, 0, 29)
    assert int(report.daily["planned"].sum()) == 10
    assert store.undo_plan_change(me.id) == "retire"
    assert store.undo_plan_change(me.id) == "save"
    assert store.undo_plan_change(me.id) is None
    assert store.plan_history(me.id, catalog).plans() == []


def test_several_changes_on_one_day_leave_the_last() -> None:
    catalog_free = Routine("Evening", (), Schedule())
    at = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    events = [
        PlanEvent("p", "save", _day(0), at, catalog_free, id=1),
        PlanEvent("p", "retire", _day(3), at, id=2),
        PlanEvent("p", "resume", _day(3), at + dt.timedelta(minutes=1), id=3),
    ]
    history = PlanHistory(events)
    assert [len(history.in_force(_day(n))) for n in (0, 2, 3, 4)] == [1, 1, 1, 1]
    assert history.following()[0].started_on == _day(0)
    with pytest.raises(ValueError, match="carries a routine"):
        PlanEvent("p", "save", _day(0), at)


# -- each person's own days -------------------------------------------------------------------
def _weeknights() -> Schedule:
    return Schedule(ScheduleKind.EVENING, time=dt.time(20, 30), weekdays=(0, 1, 2, 3, 4))


def test_new_york_evenings_count_on_new_york_days(store: Store, catalog: Catalog) -> None:
    assert dt.datetime.now().astimezone().utcoffset() == dt.timedelta(0)  # the kernel: UTC
    ny = store.add_person("Ana", zone="America/New_York")
    routine = Routine("Weeknights", evening_session(catalog).items, _weeknights())
    store.save_routine(ny.id, routine, on=_day(0))
    for n in range(14):
        if _day(n).weekday() < 5:
            _session(store, ny.id, routine, catalog, _at(n, 20, 30))
            store.add_checkin(ny.id, 4, at=_at(n, 20, 30))
    frame = store.checkins_frame(ny.id)
    assert set(frame["at"].dt.day_of_week) == {0, 1, 2, 3, 4}  # in UTC these are Tue-Sat
    assert set(frame["at"].dt.strftime("%H:%M")) == {"20:30"}
    first = store.checkin(int(frame["checkin_id"].iloc[0]))
    assert first["at"].utcoffset() == dt.timedelta(hours=-5)  # the offset it was written with
    exported = store.export_records(ny.id)["checkins"][0]["at"]
    assert exported == "2026-01-05T20:30:00-05:00"

    report = _report(store, catalog, ny.id, 0, 13)
    assert any("10 of 10 planned sessions (100 %)" in s for s in report.sentences)
    saturdays = report.daily[report.daily.index.day_of_week == 5]
    assert saturdays["done"].sum() == 0 and saturdays["planned"].sum() == 0
    assert report.daily.loc[str(_day(0)), "done"] == 1  # Monday, not Tuesday
    assert analysis.day_of(frame["at"]).iloc[0] == dt.datetime(2026, 1, 5)


def test_the_dashboard_opened_first_takes_the_browser_zone(store: Store, catalog: Catalog) -> None:
    """A New York person whose zone no page has read yet opens the dashboard first."""
    ana = store.add_person("Ana")  # no zone yet: days would be the kernel's (UTC)
    routine = Routine("Weeknights", evening_session(catalog).items, _weeknights())
    store.save_routine(ana.id, routine, on=_day(0))
    new_york = ZoneInfo("America/New_York")
    for n in range(14):
        if _day(n).weekday() < 5:
            _session(store, ana.id, routine, catalog, _at(n, 20, 30).replace(tzinfo=new_york))
    app = ProgressApp(store, catalog, today=_day(13))
    app.start_picker.value, app.end_picker.value = _day(0), _day(13)
    app.range_picker.value = "custom"
    saturday = str(_day(5))
    # counted on the kernel's (UTC) days, Monday's session lands on Tuesday, Friday's on Saturday
    assert app.report.daily.loc[str(_day(0)), "done"] == 0
    assert app.report.daily.loc[saturday, "done"] == 1
    app.browser_zone.zone = "America/New_York"  # what the front end reports
    assert store.person(ana.id).zone == "America/New_York"
    assert any("10 of 10 planned sessions (100 %)" in s for s in app.report.sentences)
    assert "10 of 10 planned sessions" in app.summary.value
    assert app.report.daily.loc[str(_day(0)), "done"] == 1  # Monday, not Tuesday
    assert app.report.daily.loc[saturday, "done"] == 0


def test_the_session_page_takes_the_browser_zone_but_not_over_a_choice(store: Store) -> None:
    ana = store.add_person("Ana")
    kim = store.add_person("Kim")
    store.set_zone(kim.id, "Asia/Tokyo", "person")
    app = SessionApp(store)
    app.person_picker.select(ana.id)
    app.browser_zone.zone = "America/New_York"
    assert store.person(ana.id).zone_source == "browser"
    assert store.person(ana.id).zone == "America/New_York"
    app.person_picker.select(kim.id)  # chosen by the person: the browser does not override
    assert store.person(kim.id).zone == "Asia/Tokyo"
    app.close()


def test_the_demo_dashboard_writes_no_zone() -> None:
    app = ProgressApp(Store.demo())
    zones = {p.id: p.zone for p in app.model.store.people()}
    app.browser_zone.zone = "America/New_York"
    assert {p.id: p.zone for p in app.model.store.people()} == zones


def test_tokyo_mornings_and_everyone_at_once(store: Store, catalog: Catalog) -> None:
    tokyo = store.add_person("Yui", zone="Asia/Tokyo")
    ny = store.add_person("Ana", zone="America/New_York")
    mornings = Routine("Mornings", evening_session(catalog).items, Schedule(time=dt.time(7, 30)))
    store.save_routine(tokyo.id, mornings, on=_day(0))
    store.save_routine(ny.id, Routine("Weeknights", mornings.items, _weeknights()), on=_day(0))
    for n in range(7):
        _session(store, tokyo.id, mornings, catalog, _at(n, 7, 30))
        store.add_checkin(tokyo.id, 3, at=_at(n, 7, 30))  # 22:30 UTC the day before
        if _day(n).weekday() < 5:
            _session(store, ny.id, mornings, catalog, _at(n, 20, 30))
    frame = store.checkins_frame(tokyo.id)
    assert frame["at"].dt.date.tolist() == [_day(n) for n in range(7)]
    assert frame["at"].iloc[0].isoformat() == "2026-01-05T07:30:00+09:00"
    report = _report(store, catalog, tokyo.id, 0, 6)
    assert any("7 of 7 planned sessions (100 %)" in s for s in report.sentences)
    # everyone at once (the trainer overview): each person on their own days
    everyone = store.checkins_frame()
    assert str(everyone["at"].dt.tz) == "UTC"  # their zones differ
    model = ProgressModel(store, catalog, today=_day(6))
    model.person_id = tokyo.id
    overview = model.overview().set_index("name")
    assert overview.loc["Yui", "planned_4w"] == 7 and overview.loc["Yui", "done_4w"] == 7
    assert overview.loc["Ana", "planned_4w"] == 5 and overview.loc["Ana", "done_4w"] == 5


def test_zone_from_the_browser_and_from_the_person(store: Store) -> None:
    me = store.add_person("Kim")
    assert me.zone is None
    assert store.zone_from_browser(me.id, "Asia/Tokyo")
    assert store.person(me.id).zone == "Asia/Tokyo"
    store.set_zone(me.id, "Europe/Lisbon")  # chosen in the app: the browser no longer overrides
    assert not store.zone_from_browser(me.id, "Asia/Tokyo")
    assert store.person(me.id).zone == "Europe/Lisbon"
    for bad in ("Mars/Olympus", "", "../../etc/passwd", 5):
        with pytest.raises(ValueError, match="time zone"):
            store.set_zone(me.id, bad)  # type: ignore[arg-type]
    assert store.person(me.id).zone == "Europe/Lisbon"


def test_a_version_1_export_imports_as_plans(store: Store, catalog: Catalog) -> None:
    """An export written before plans had a history: each routine becomes a plan that starts
    on the day of its first session when that is before the day it was (re-)saved."""
    me = store.add_person("Kim")
    routine = evening_session(catalog)
    store.save_routine(me.id, routine, on=_day(0))
    for n in range(28):
        _session(store, me.id, routine, catalog, _at(n))
    document = json.loads(store.export_json())
    save = document["plan_events"][0]
    document["version"] = 1
    document["routines"] = [
        {
            "uid": document["plans"][0]["uid"],
            "person_uid": document["plans"][0]["person_uid"],
            "name": routine.name,
            "routine": save["routine"],
            "saved_at": f"{_day(27)}T21:00:00+00:00",  # re-saved on the last day
        }
    ]
    del document["plans"], document["plan_events"]
    for person in document["people"]:
        del person["zone"], person["zone_source"]
    data = json.dumps(document).encode()
    with Store(":memory:") as fresh:
        report = fresh.import_bytes(data, "old.json")
        assert report.rejected == [] and report.added["plans"] == 1
        kim = fresh.people()[0]
        (period,) = fresh.plan_history(kim.id, catalog).periods
        assert period.start == _day(0)
        again = fresh.import_bytes(data, "old.json")
        assert again.total_added == 0


# -- migration from every earlier schema version ----------------------------------------------
def _old_store(path, version: int, catalog: Catalog) -> None:
    """A store written by schema ``version`` (1 or 2) with real data: a routine re-saved on
    28 May (which moved its saved_at), done every evening since 2 May, check-ins at +02:00."""
    conn = sqlite3.connect(path)
    conn.executescript(_V1_BY_HAND)
    if version == 2:
        conn.executescript(f"BEGIN;\n{MIGRATIONS[1]}\nPRAGMA user_version = 2;\nCOMMIT;")
    routine = json.dumps(evening_session(catalog).to_dict(), sort_keys=True)
    with conn:
        conn.execute(
            "INSERT INTO routines VALUES (1, ?, 1, 'Evening session', ?, ?)",
            ("d" * 32, routine, "2023-05-28T21:30:00+02:00"),
        )
        for n, day in enumerate(range(2, 29), start=1):
            started = f"2023-05-{day:02d}T20:00:00+02:00"
            conn.execute(
                "INSERT INTO sessions (id, uid, person_id, routine_name, routine_json, "
                "started_at, ended_at, status) VALUES (?, ?, 1, 'Evening session', ?, ?, ?, "
                "'completed')",
                (n, f"{n:032x}", routine, started, started),
            )
            conn.execute(
                "INSERT INTO steps (uid, session_id, step_index, kind, exercise_id, group_id, "
                "planned_seconds, performed_seconds, status, completed_at) VALUES "
                "(?, ?, 0, 'hold', 'lat_stretch', 'upper_back', 30, 30, 'done', ?)",
                (f"{n + 100:032x}", n, started),
            )
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_migrating_real_data_dates_plans_and_guesses_zones(
    tmp_path, version: int, catalog: Catalog, kernel_on_utc: None
) -> None:
    path = tmp_path / f"v{version}.sqlite3"
    _old_store(path, version, catalog)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (person,) = store.people()
        # the first check-in was written at +02:00: a guess, until the browser says more
        assert (person.zone, person.zone_source) == ("Etc/GMT-2", "offset")
        assert store.checkins_frame(person.id)["at"].dt.strftime("%H:%M").tolist() == [
            "21:00",
            "21:00",
        ]
        # the plan starts with its first session, not on the day of its re-save
        (plan,) = store.plan_history(person.id, catalog).plans()
        assert plan.started_on == dt.date(2023, 5, 2) and plan.active
        daily = analysis.adherence(
            store.sessions_frame(person.id),
            store.plan_history(person.id, catalog),
            dt.date(2023, 5, 2),
            dt.date(2023, 5, 28),
        )
        assert (int(daily["planned"].sum()), int(daily["done"].sum())) == (27, 27)
        assert store.zone_from_browser(person.id, "Europe/Berlin")
        assert store.person(person.id).zone_source == "browser"
        assert store.integrity_check() == "ok"
    backup = tmp_path / f"v{version}.sqlite3.v{version}.bak"
    with contextlib.closing(sqlite3.connect(backup)) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == version
        assert old.execute("SELECT saved_at FROM routines").fetchone()[0].startswith("2023-05-28")
    with Store(path) as again:  # opening again changes nothing
        assert len(again.plan_history(1, catalog).events) == 1


def test_plan_rows_are_checked_one_by_one(store: Store, catalog: Catalog) -> None:
    """Each record kind has its own validator: a bad plan change or zone is refused with a
    reason and nothing else of the file is lost."""
    me = store.add_person("Kim", zone="Europe/Paris")
    store.save_routine(me.id, evening_session(catalog), on=_day(0))
    document = json.loads(store.export_json())
    good = document["plan_events"][0]
    document["plan_events"] += [
        {**good, "uid": "1" * 32, "kind": "delete"},
        {**good, "uid": "2" * 32, "routine": None},  # a save without a routine
        {**good, "uid": "3" * 32, "kind": "retire"},  # a retire carrying one
        {**good, "uid": "4" * 32, "on_day": "5th of May"},
    ]
    with Store(":memory:") as fresh:
        report = fresh.import_bytes(json.dumps(document).encode(), "odd.json")
        reasons = " ".join(why for _, why in report.rejected)
        assert len(report.rejected) == 4, report.rejected
        assert "kind" in reasons and "routine" in reasons and "date" in reasons
        assert report.added["plan_events"] == 1  # the good save came in
    document["people"][0]["zone"] = "Mars/Olympus"
    with Store(":memory:") as fresh:
        report = fresh.import_bytes(json.dumps(document).encode(), "odd.json")
        assert report.rejected[0] == (
            "person 1",
            "zone: 'Mars/Olympus' is not a known time zone; choose one such as Europe/Paris",
        )
        assert fresh.people() == []  # the person was refused, and so their plans
