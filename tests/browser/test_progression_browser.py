"""What next? in Chromium: the suggestion is visible on the dashboard, and accepting it in the
planner changes the routine (a new plan version from today, earlier days untouched)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backcare.catalog import load_catalog
from backcare.routine import Routine, RoutineItem, Schedule
from backcare.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PERSON = "Browser Pia"
PLAN = "Pia's evening"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # ignored by git


def seed_pia(server) -> None:
    """Three evenings done in full, pain during 2/10, the mornings after the same."""
    catalog = load_catalog(include_user=False)
    today = dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=5)
    with Store(server.data_dir / "backcare.sqlite3") as store:
        if PERSON in {p.name for p in store.people()}:
            return
        pia = store.add_person(PERSON, zone="UTC").id
        routine = Routine(
            PLAN,
            (
                RoutineItem("calf_stretch", catalog["calf_stretch"].prescription),
                RoutineItem("dead_bug_heel_touch", catalog["dead_bug_heel_touch"].prescription),
            ),
            schedule=Schedule(time=dt.time(18, 0)),
        )
        store.save_routine(pia, routine, on=start)
        for n in range(3):
            day = start + dt.timedelta(days=n)
            at = dt.datetime.combine(day, dt.time(18, 0), dt.UTC)
            session_id = store.start_session(pia, routine, catalog, started_at=at)
            for step in routine.steps(catalog):
                if step.kind.is_work:
                    at += dt.timedelta(seconds=step.seconds)
                    store.record_step(session_id, step.index, "done", step.seconds, at=at)
            for exercise_id in ("calf_stretch", "dead_bug_heel_touch"):
                store.record_pain_during(session_id, exercise_id, 2, at=at)
            store.finish_session(session_id, at=at)
            morning = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(8, 0), dt.UTC)
            store.add_checkin(pia, 3, at=morning, morning="same")


def test_suggestion_on_the_dashboard_and_accepted_in_the_planner(lab) -> None:
    seed_pia(lab.server)
    ARTIFACTS.mkdir(exist_ok=True)

    # the dashboard shows the suggestion and its reason, and says what it is not
    app = lab.open_and_run("04_progress.ipynb", ".backcare-progress")
    app.locator(".backcare-progress-person select").select_option(label=PERSON)
    suggestion = app.locator(".backcare-suggestions .backcare-suggestion-calf_stretch")
    suggestion.filter(has_text="try 45 s").wait_for(timeout=60_000)
    assert "Held 30 s in full on your last 3 sessions, pain during 2/10" in suggestion.inner_text()
    note = app.locator(".backcare-suggestions-note").inner_text()
    assert "not treatment" in note and "sharp or worsening pain" in note
    assert app.locator(".backcare-suggestion-accept").count() == 0  # decided in the planner
    suggestion.scroll_into_view_if_needed()
    lab.page.screenshot(path=str(ARTIFACTS / "progression_dashboard.png"))

    # the planner: accept, and the routine shown changes to the new version
    app = lab.open_and_run("01_plan_a_routine.ipynb", ".backcare-planner")
    app.locator(".backcare-person select").first.select_option(label=PERSON)
    row = app.locator(".backcare-suggestions .backcare-suggestion-calf_stretch")
    row.filter(has_text="try 45 s").wait_for(timeout=60_000)
    row.scroll_into_view_if_needed()
    lab.page.screenshot(path=str(ARTIFACTS / "progression_planner_before.png"))
    row.locator("button.backcare-suggestion-accept").click()
    messages = app.locator(".backcare-suggestions .backcare-messages")
    messages.filter(has_text="Earlier days keep the plan they had").wait_for(timeout=30_000)
    table = app.locator(".backcare-routine-table")
    table.filter(has_text="1 set of 45 s hold, each side").wait_for(timeout=30_000)
    assert load_catalog(include_user=False)["dead_bug_heel_touch"].name in table.inner_text()
    row = app.locator(".backcare-suggestions .backcare-suggestion-calf_stretch")
    row.filter(has_text="No sessions at 45 s yet").wait_for(timeout=30_000)
    row.scroll_into_view_if_needed()
    lab.page.screenshot(path=str(ARTIFACTS / "progression_planner_after.png"))

    with Store(lab.server.data_dir / "backcare.sqlite3") as store:
        pia = next(p.id for p in store.people() if p.name == PERSON)
        history = store.plan_history(pia, load_catalog(include_user=False))
        saves = [e for e in history.events if e.routine is not None]
        holds = [e.routine.items[0].prescription.hold_seconds for e in saves]
        assert holds == [30, 45]
        assert saves[1].on == dt.datetime.now(dt.UTC).date()
