"""The whole loop in the kernel: sessions with pain-during scores and next-morning answers ->
the suggestion -> accept in the planner -> the plan's new version is what the next guided
session runs, and adherence before the change is unchanged."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from backcare import analysis
from backcare.catalog import Catalog
from backcare.progression import Action
from backcare.progression.advice import Advisor, SuggestionGone
from backcare.routine import Routine, RoutineItem, Schedule
from backcare.store import Store
from backcare.ui.planner import PlannerApp
from backcare.ui.progress import ProgressApp
from backcare.ui.session import SessionApp

UTC = dt.UTC
TODAY = dt.datetime.now(UTC).date()
START = TODAY - dt.timedelta(days=5)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "loop.sqlite3") as s:
        yield s


def _routine(catalog: Catalog) -> Routine:
    return Routine(
        "Evening",
        (
            RoutineItem("calf_stretch", catalog["calf_stretch"].prescription),
            RoutineItem("dead_bug_heel_touch", catalog["dead_bug_heel_touch"].prescription),
        ),
        schedule=Schedule(time=dt.time(18, 0)),
    )


def _session(
    store: Store,
    person_id: int,
    routine: Routine,
    catalog: Catalog,
    day: dt.date,
    pain: dict[str, int],
    *,
    skip: str | None = None,
) -> int:
    """A session as the guided timer records it: start, each work step, pain during, end."""
    at = dt.datetime.combine(day, dt.time(18, 0), UTC)
    session_id = store.start_session(person_id, routine, catalog, started_at=at)
    for step in routine.steps(catalog):
        if step.kind.is_work:
            at += dt.timedelta(seconds=step.seconds)
            status = "skipped" if step.exercise_id == skip else "done"
            store.record_step(session_id, step.index, status, step.seconds, at=at)
    for exercise_id, score in pain.items():
        store.record_pain_during(session_id, exercise_id, score, at=at)
    store.finish_session(session_id, at=at)
    return session_id


def _morning(store: Store, person_id: int, day: dt.date, answer: str) -> None:
    at = dt.datetime.combine(day, dt.time(8, 0), UTC)
    store.add_checkin(person_id, 3, at=at, morning=answer)


def _adherence(store: Store, person_id: int, catalog: Catalog) -> pd.DataFrame:
    sessions = store.sessions_frame(person_id)
    plan = store.plan_history(person_id, catalog)
    end = pd.Timestamp(TODAY - dt.timedelta(days=1))
    return analysis.adherence(sessions, plan, pd.Timestamp(START), end)


@pytest.fixture
def pat(store: Store, catalog: Catalog) -> int:
    """Three evenings done in full with little pain, each next morning the same or better."""
    person_id = store.add_person("Pat", zone="UTC").id
    routine = _routine(catalog)
    store.save_routine(person_id, routine, on=START)
    for n, morning in zip(range(3), ("same", "better", "same"), strict=True):
        day = START + dt.timedelta(days=n)
        _session(
            store, person_id, routine, catalog, day, {"calf_stretch": 2, "dead_bug_heel_touch": 1}
        )
        _morning(store, person_id, day + dt.timedelta(days=1), morning)
    return person_id


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()


def test_suggest_accept_and_the_next_session_runs_the_new_version(
    store: Store, catalog: Catalog, pat: int, loop: asyncio.AbstractEventLoop
) -> None:
    before = _adherence(store, pat, catalog)
    assert before["done"].sum() == 3

    # the dashboard shows the suggestion and its reason
    dashboard = ProgressApp(store=store, catalog=catalog)
    dashboard.picker.select(pat)
    text = dashboard.suggestions.body.children
    shown = " ".join(
        getattr(w, "value", "") for row in text for w in getattr(row, "children", [row])
    )
    assert (
        "Held 30 s in full on your last 3 sessions, pain during 2/10, mornings the same or "
        "better: try 45 s." in shown
    )
    calf_name = catalog["calf_stretch"].name
    assert f"step up: {calf_name}" in dashboard.overview_html.value

    # the planner offers it; accepting saves a new version of the plan from today
    planner = PlannerApp(catalog=catalog, store=store)
    planner.person.select(pat)
    panel = planner.suggestions
    plan_uid = panel.plan_uid("Evening")
    accept, _decline = panel.buttons[(plan_uid, "calf_stretch")]
    accept.click()
    assert panel.messages.kind == "success", panel.messages.text
    assert planner.model.prescriptions["calf_stretch"].hold_seconds == 45  # shown in the planner
    assert planner.model.enabled["calf_stretch"]

    history = store.plan_history(pat, catalog)
    saves = [e for e in history.events if e.routine is not None]
    assert [e.on for e in saves] == [START, TODAY]
    assert saves[0].routine.items[0].prescription.hold_seconds == 30  # earlier: unchanged
    assert saves[1].routine.items[0].prescription.hold_seconds == 45
    assert saves[1].routine.items[1] == saves[0].routine.items[1]  # the other exercise kept
    pd.testing.assert_frame_equal(_adherence(store, pat, catalog), before)

    # the calf stretch starts afresh at 45 s; the dead bug still waits
    advisor = Advisor(store, catalog)
    waiting = {s.exercise_id: s for _name, s in advisor.waiting(pat)}
    assert set(waiting) == {"dead_bug_heel_touch"}
    calf = next(
        s for a in advisor.advice(pat) for s in a.suggestions if s.exercise_id == "calf_stretch"
    )
    assert calf.action is Action.STAY and calf.reason.startswith("No sessions at 45 s yet")

    # the next guided session runs the new version
    session = SessionApp(store=store, catalog=catalog, loop=loop)
    session.person_picker.select(pat)
    assert session.routine is not None and session.routine.name == "Evening"
    assert session.routine.items[0].prescription.hold_seconds == 45
    session.start()
    started = store.sessions_frame(pat).iloc[-1]
    ran = store.session_routine(int(started["session_id"]), catalog)
    assert ran.items[0].prescription.hold_seconds == 45
    steps = store.steps_frame(pat)
    calf_steps = steps.loc[
        (steps["session_id"] == started["session_id"])
        & (steps["exercise_id"] == "calf_stretch")
        & steps["is_work"]
    ]
    assert set(calf_steps["planned_seconds"]) == {45.0}


def test_declining_is_remembered_until_new_data_arrive(
    store: Store, catalog: Catalog, pat: int
) -> None:
    planner = PlannerApp(catalog=catalog, store=store)
    planner.person.select(pat)
    panel = planner.suggestions
    plan_uid = panel.plan_uid("Evening")
    _accept, decline = panel.buttons[(plan_uid, "dead_bug_heel_touch")]
    decline.click()
    assert panel.messages.kind == "info"
    assert (plan_uid, "dead_bug_heel_touch") not in panel.buttons
    assert {s.exercise_id for _n, s in Advisor(store, catalog).waiting(pat)} == {"calf_stretch"}
    assert len(store.plan_history(pat, catalog).events) == 1  # nothing saved

    # a new session, its pain scored and the next morning answered: offered again
    routine = store.routines(pat, catalog)[0].routine
    day = START + dt.timedelta(days=3)
    _session(store, pat, routine, catalog, day, {"calf_stretch": 2, "dead_bug_heel_touch": 1})
    _morning(store, pat, day + dt.timedelta(days=1), "same")
    panel.show(pat)
    assert (plan_uid, "dead_bug_heel_touch") in panel.buttons


def test_an_ease_off_and_a_stale_suggestion(store: Store, catalog: Catalog, pat: int) -> None:
    routine = store.routines(pat, catalog)[0].routine
    advisor = Advisor(store, catalog)
    advice = advisor.advice(pat)[0]
    shown = next(s for s in advice.suggestions if s.exercise_id == "dead_bug_heel_touch")
    # a painful session arrives after the suggestion was shown
    day = START + dt.timedelta(days=3)
    _session(store, pat, routine, catalog, day, {"calf_stretch": 2, "dead_bug_heel_touch": 7})
    with pytest.raises(SuggestionGone):
        advisor.accept(pat, advice.plan_uid, shown)
    assert len(store.plan_history(pat, catalog).events) == 1
    now = next(
        s for s in advisor.advice(pat)[0].suggestions if s.exercise_id == "dead_bug_heel_touch"
    )
    # at 15 reps, the lowest step, easing off means leaving it out for now
    assert now.action is Action.LEAVE_OUT
    assert "talk to a physiotherapist or doctor" in now.reason
    new = advisor.accept(pat, advice.plan_uid, now)
    assert [i.exercise_id for i in new.items] == ["calf_stretch"]
    assert [i.exercise_id for i in store.routines(pat, catalog)[0].routine.items] == [
        "calf_stretch"
    ]


def test_a_skipped_exercise_holds_its_step(store: Store, catalog: Catalog, pat: int) -> None:
    routine = store.routines(pat, catalog)[0].routine
    day = START + dt.timedelta(days=3)
    _session(store, pat, routine, catalog, day, {"dead_bug_heel_touch": 1}, skip="calf_stretch")
    _morning(store, pat, day + dt.timedelta(days=1), "same")
    advice = Advisor(store, catalog).advice(pat)[0]
    calf = next(s for s in advice.suggestions if s.exercise_id == "calf_stretch")
    assert calf.action is Action.STAY
    assert calf.reason.startswith(f"Not done in full on {day.day} {day:%b}")


def test_the_trainer_overview_lists_waiting_suggestions_warnings_first(
    store: Store, catalog: Catalog, pat: int
) -> None:
    sore = store.add_person("Sore", zone="UTC").id
    routine = _routine(catalog).with_prescription("calf_stretch", hold_seconds=45)
    store.save_routine(sore, routine, on=START)
    for n in range(3):
        day = START + dt.timedelta(days=n)
        pain = {"calf_stretch": 7 if n == 2 else 3, "dead_bug_heel_touch": 2}
        _session(store, sore, routine, catalog, day, pain)
        _morning(store, sore, day + dt.timedelta(days=1), "same")
    dashboard = ProgressApp(store=store, catalog=catalog)
    overview = dashboard.overview_html.value
    row = next(r for r in overview.split("<tr>") if "<td>Sore</td>" in r)
    calf, bug = catalog["calf_stretch"].name, catalog["dead_bug_heel_touch"].name
    assert f"ease off: {calf}; step up: {bug}" in row
    row = next(r for r in overview.split("<tr>") if "<td>Pat</td>" in r)
    assert f"step up: {calf}; step up: {bug}" in row


def test_accepting_a_suggestion_overtaken_by_new_data_says_so_and_saves_nothing(
    store: Store, catalog: Catalog, pat: int
) -> None:
    planner = PlannerApp(catalog=catalog, store=store)
    planner.person.select(pat)
    panel = planner.suggestions
    plan_uid = panel.plan_uid("Evening")
    accept, _decline = panel.buttons[(plan_uid, "calf_stretch")]
    routine = store.routines(pat, catalog)[0].routine
    _session(store, pat, routine, catalog, START + dt.timedelta(days=3), {"calf_stretch": 8})
    accept.click()
    assert panel.messages.kind == "error"
    assert panel.messages.text.startswith("New data have arrived since this suggestion was shown")
    assert len(store.plan_history(pat, catalog).events) == 1
    shown = " ".join(
        getattr(w, "value", "")
        for row in panel.body.children
        for w in getattr(row, "children", [row])
    )
    assert "Pain during reached 8/10" in shown  # the new suggestion is on screen
