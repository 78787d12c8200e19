"""Every notebook in JupyterLab in Chromium: it runs with no error output and its main
interaction works. Each test leaves a screenshot of the notebook in use: ``make screenshots``
puts them in docs/screenshots, a plain test run in the ignored tests/artifacts/.

All tests share one JupyterLab server (and so one backcare data folder, ``lab.server.data_dir``);
each test looks only at what it added itself, so their order does not matter.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from backcare.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def store_of(server) -> Store:
    return Store(server.data_dir / "backcare.sqlite3")


def test_start_here_runs(lab) -> None:
    app = lab.open_and_run("00_start_here.ipynb", ".backcare-start-page")
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


def test_guided_session_pause_resume_skip_finish(lab, flows) -> None:
    flows.write_short_routine(lab.server)
    app = lab.open_and_run("02_guided_session.ipynb", ".backcare-session")
    flows.guided_session_flow(
        lab.page, app, lab.server, on_paused=lambda: lab.screenshot("02_guided_session.ipynb")
    )


def test_log_checkin_appears_in_table(lab, flows) -> None:
    app = lab.open_and_run("03_log_discomfort.ipynb", ".backcare-log")
    flows.checkin_flow(lab.page, app, lab.server, note="browser check-in, lab")
    lab.screenshot("03_log_discomfort.ipynb")


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
