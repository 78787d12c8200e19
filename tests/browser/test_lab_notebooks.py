"""Every notebook in JupyterLab in Chromium: it runs with no error output and its main
interaction works. Each test leaves a screenshot of the notebook in use in docs/screenshots.

All tests share one JupyterLab server (and so one backcare data folder, ``lab.server.data_dir``);
each test looks only at what it added itself, so their order does not matter.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from backcare.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHORT_ROUTINE = "Browser test routine"


def short_routine_json() -> dict:
    """A routine of about 15 s: 3 s to get ready, a 10 s hold (the shortest allowed), one rep.

    Written into the server's data folder, where the guided session lists routine files.
    """
    return {
        "format": "backcare.routine",
        "version": 1,
        "name": SHORT_ROUTINE,
        "timing": {
            "get_ready_seconds": 3,
            "switch_seconds": 0,
            "rest_between_exercises_seconds": 0,
            "rep_seconds": 1.0,
            "self_paced_reps": False,
        },
        "items": [
            {"exercise": "lat_stretch", "prescription": {"sets": 1, "hold_seconds": 10}},
            {
                "exercise": "prone_cobra",
                "prescription": {"sets": 1, "reps": 1, "rep_hold_seconds": 1},
            },
        ],
    }


def store_of(server) -> Store:
    return Store(server.data_dir / "backcare.sqlite3")


def test_start_here_runs(lab) -> None:
    app = lab.open_and_run("00_start_here.ipynb", ".backcare-start")
    text = app.inner_text()
    # The start page names the data folder: here, the server's fresh one.
    assert str(lab.server.data_dir.resolve()) in text
    assert "Foot ball roll" in text  # the exercise overview
    lab.screenshot("00_start_here.ipynb")


def test_planner_duration_follows_groups(lab) -> None:
    app = lab.open_and_run("01_plan_a_routine.ipynb", ".backcare-planner")
    duration = app.locator(".backcare-duration")
    before = duration.inner_text()
    assert re.search(r"\d", before), f"no duration shown: {before!r}"
    # Untick one group: fewer exercises, a shorter routine, shown at once.
    group = app.locator(".backcare-group-upper_back input[type=checkbox]")
    group.click()
    after = lab.wait_for_text_change(duration, before)
    counts = [int(re.search(r"for (\d+) exercise", t).group(1)) for t in (before, after)]
    assert counts[1] < counts[0], (before, after)
    group.scroll_into_view_if_needed()
    lab.screenshot("01_plan_a_routine.ipynb")


def test_guided_session_pause_resume_skip_finish(lab) -> None:
    routines = lab.server.data_dir / "routines"
    routines.mkdir(parents=True, exist_ok=True)
    (routines / "browser-test.json").write_text(json.dumps(short_routine_json()))

    app = lab.open_and_run("02_guided_session.ipynb", ".backcare-session")
    choice = app.locator(".backcare-routine-choice select")
    option = choice.locator("option", has_text=SHORT_ROUTINE)
    try:
        option.wait_for(state="attached", timeout=15_000)
    except Exception:
        shown = choice.locator("option").all_text_contents()
        messages = app.locator(".backcare-messages").all_inner_texts()
        pytest.fail(f"{SHORT_ROUTINE!r} not offered: {shown}; messages: {messages}")
    label = option.text_content()
    choice.select_option(label=label)
    info = app.locator(".backcare-routine-info")
    lab.page.wait_for_function(
        "([el, name]) => el.textContent.includes(name)",
        arg=[info.element_handle(), SHORT_ROUTINE],
    )
    countdown = app.locator(".backcare-countdown")
    title = app.locator(".backcare-step-title")
    pause = app.locator("button.backcare-pause")

    app.locator("button.backcare-start").click()
    # The countdown moves by itself.
    first = countdown.inner_text()
    lab.wait_for_text_change(countdown, first)
    # Into the 10 s hold; then pause: the countdown stops.
    title.filter(has_text="Kneeling lat stretch").wait_for(timeout=15_000)
    lab.wait_for_text_change(countdown, countdown.inner_text())
    pause.click()
    lab.page.wait_for_function(
        "el => el.textContent.includes('Resume')", arg=pause.element_handle()
    )
    lab.screenshot("02_guided_session.ipynb")
    frozen = countdown.inner_text()
    lab.page.wait_for_timeout(2_500)  # longer than a tick: a running timer would have moved
    assert countdown.inner_text() == frozen
    assert "Kneeling lat stretch" in title.inner_text()
    # Resume: it moves again.
    pause.click()
    lab.wait_for_text_change(countdown, frozen, timeout_ms=5_000)
    # Skip the rest of the hold: on to the prone cobra, which runs out by itself.
    app.locator("button.backcare-skip").click()
    title.filter(has_text="Prone cobra").wait_for(timeout=5_000)
    title.filter(has_text="Well done").wait_for(timeout=20_000)
    assert countdown.inner_text().strip() == "✓"
    app.locator(".backcare-after").wait_for(state="visible")

    with store_of(lab.server) as store:
        sessions = store.sessions_frame()
        steps = store.steps_frame()
    mine = sessions[sessions["routine_name"] == SHORT_ROUTINE]
    assert len(mine) == 1, sessions
    session = mine.iloc[0]
    assert session["status"] == "completed"
    assert session["done_steps"] >= 1 and session["skipped_steps"] >= 1
    work = steps[(steps["session_id"] == session["session_id"]) & steps["exercise_id"].notna()]
    by_exercise = dict(zip(work["exercise_id"], work["status"], strict=False))
    assert by_exercise.get("lat_stretch") == "skipped", work
    assert by_exercise.get("prone_cobra") == "done", work


def test_log_checkin_appears_in_table(lab) -> None:
    app = lab.open_and_run("03_log_discomfort.ipynb", ".backcare-log")
    note = "browser check-in, lab"
    readout = app.locator(".backcare-discomfort .widget-readout")
    readout.click()
    lab.page.keyboard.press("Control+A")
    lab.page.keyboard.type("7")
    lab.page.keyboard.press("Enter")
    app.locator(".backcare-note textarea").fill(note)
    app.locator("button.backcare-submit").click()
    table = app.locator(".backcare-recent")
    table.filter(has_text=note).wait_for(timeout=15_000)
    row = table.locator("tr", has_text=note)
    assert "7/10" in row.inner_text()
    table.scroll_into_view_if_needed()
    lab.screenshot("03_log_discomfort.ipynb")

    with store_of(lab.server) as store:
        frame = store.checkins_frame()
    mine = frame[frame["note"] == note]
    assert list(mine["discomfort"]) == [7], frame


def seed_two_people(server) -> tuple[str, str]:
    """Two people with four weeks of different scores, so their charts differ."""
    names = ("Browser Ada", "Browser Ben")
    now = dt.datetime.now(dt.UTC)
    with store_of(server) as store:
        existing = {p.name for p in store.people()}
        for offset, name in enumerate(names):
            if name in existing:
                continue
            person = store.add_person(name)
            for day in range(28):
                score = (2 + day % 3) if offset == 0 else (8 - day // 7)
                store.add_checkin(person.id, score, at=now - dt.timedelta(days=day, hours=1))
    return names


def test_progress_figure_follows_person(lab) -> None:
    first_name, second_name = seed_two_people(lab.server)
    app = lab.open_and_run("04_progress.ipynb", ".backcare-progress")
    figure = app.locator("img.backcare-progress-figure")
    figure.wait_for(state="visible")
    lab.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 100", arg=figure.element_handle()
    )
    picker = app.locator(".backcare-progress-person select")
    picker.select_option(label=first_name)
    summary = app.locator(".backcare-progress-summary")
    summary.filter(has_text=first_name).wait_for(timeout=30_000)
    before = figure.get_attribute("src")
    picker.select_option(label=second_name)
    summary.filter(has_text=second_name).wait_for(timeout=30_000)
    lab.page.wait_for_function(
        "([img, old]) => img.getAttribute('src') !== old && img.complete && img.naturalWidth > 100",
        arg=[figure.element_handle(), before],
        timeout=30_000,
    )
    figure.scroll_into_view_if_needed()
    lab.screenshot("04_progress.ipynb")


def test_trainer_kit_adds_a_client(lab) -> None:
    app = lab.open_and_run("05_trainer_kit.ipynb", ".backcare-trainer")
    name = "Browser Client"
    app.locator(".backcare-client-name input").fill(name)
    app.locator("button.backcare-client-add").click()
    app.locator(".backcare-client-list option", has_text=name).wait_for(
        state="attached", timeout=15_000
    )
    lab.screenshot("05_trainer_kit.ipynb")
    with store_of(lab.server) as store:
        assert name in {p.name for p in store.people()}
