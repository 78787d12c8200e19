"""The flows run both in JupyterLab and in Voila (and the guided session in JupyterLite):
a short routine followed to its end, and a check-in saved; each checks what reached the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import PlaywrightTimeout, Server, wait_for_text_change

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from backcare.store import Store

__all__ = [
    "SHORT_ROUTINE",
    "assert_session_recorded",
    "checkin_flow",
    "guided_session_flow",
    "open_store",
    "run_guided_session",
    "short_routine_json",
    "write_short_routine",
]

SHORT_ROUTINE = "Browser test routine"


def short_routine_json() -> dict[str, Any]:
    """A routine of about 15 s: 3 s to get ready, a 10 s hold (the shortest allowed), one rep."""
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


def write_short_routine(server: Server) -> str:
    """Put the short routine where the guided session lists routine files; return its name."""
    folder = server.data_dir / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "browser-test.json").write_text(json.dumps(short_routine_json()), encoding="utf-8")
    return SHORT_ROUTINE


def open_store(server: Server) -> Store:
    """The server's store, as the kernels it started write it."""
    from backcare.store import Store

    return Store(server.data_dir / "backcare.sqlite3")


def guided_session_flow(
    page: Page, app: Locator, server: Server, on_paused: Callable[[], object] | None = None
) -> None:
    """:func:`run_guided_session`, then the session is in the server's store."""
    run_guided_session(page, app, on_paused)
    with open_store(server) as store:
        assert_session_recorded(store.sessions_frame(), store.steps_frame())


def run_guided_session(
    page: Page, app: Locator, on_paused: Callable[[], object] | None = None
) -> None:
    """Choose the short routine; start, see the countdown move, pause (it stops), resume,
    skip the hold, let the last step run out, until the after-session check-in shows."""
    choice = app.locator(".backcare-routine-choice select")
    option = choice.locator("option", has_text=SHORT_ROUTINE)
    try:
        option.wait_for(state="attached", timeout=15_000)
    except PlaywrightTimeout:
        shown = choice.locator("option").all_text_contents()
        messages = app.locator(".backcare-messages").all_inner_texts()
        pytest.fail(f"{SHORT_ROUTINE!r} is not offered: {shown}; messages: {messages}")
    choice.select_option(label=option.text_content())
    app.locator(".backcare-routine-info", has_text=SHORT_ROUTINE).wait_for()
    countdown = app.locator(".bc-number")
    title = app.locator(".bc-title")
    pause = app.locator("button.backcare-pause")

    app.locator("button.backcare-start").click()
    wait_for_text_change(countdown, countdown.inner_text())  # it moves by itself
    # Into the 10 s hold, then pause: the countdown stops.
    title.filter(has_text="Kneeling lat stretch").wait_for(timeout=15_000)
    wait_for_text_change(countdown, countdown.inner_text())
    pause.click()
    app.locator("button.backcare-pause", has_text="Resume").wait_for()
    if on_paused is not None:
        on_paused()
    frozen = countdown.inner_text()
    page.wait_for_timeout(2_500)  # longer than a tick: a running countdown would have moved
    assert countdown.inner_text() == frozen, "the countdown moved while paused"
    assert "Kneeling lat stretch" in title.inner_text()
    # Resume: it moves again.
    pause.click()
    wait_for_text_change(countdown, frozen, timeout_ms=5_000)
    # Skip the rest of the hold: on to the prone cobra, which runs out by itself.
    app.locator("button.backcare-skip").click()
    title.filter(has_text="Prone cobra").wait_for(timeout=5_000)
    title.filter(has_text="Well done").wait_for(timeout=20_000)
    assert countdown.inner_text().strip() == "✓"
    app.locator(".backcare-after").wait_for(state="visible")


def assert_session_recorded(sessions: Any, steps: Any) -> Any:
    """The short routine's session (frames as the store gives them) is there, completed,
    with the hold skipped and the cobra done; returns its row."""
    mine = sessions[sessions["routine_name"] == SHORT_ROUTINE]
    assert len(mine) == 1, sessions
    session = mine.iloc[0]
    assert session["status"] == "completed"
    assert session["done_steps"] >= 1 and session["skipped_steps"] >= 1
    work = steps[(steps["session_id"] == session["session_id"]) & steps["exercise_id"].notna()]
    by_exercise = dict(zip(work["exercise_id"], work["status"], strict=False))
    assert by_exercise.get("lat_stretch") == "skipped", work
    assert by_exercise.get("prone_cobra") == "done", work
    return session


def checkin_flow(page: Page, app: Locator, server: Server, note: str, score: int = 7) -> None:
    """Score, note, save: the entry shows in the recent table and is in the store."""
    app.locator(".backcare-discomfort .widget-readout").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(score))
    page.keyboard.press("Enter")
    app.locator(".backcare-note textarea").fill(note)
    app.locator("button.backcare-submit").click()
    table = app.locator(".backcare-recent")
    row = table.locator("tr", has_text=note)
    row.wait_for(timeout=15_000)
    assert f"{score}/10" in row.inner_text()
    table.scroll_into_view_if_needed()
    with open_store(server) as store:
        frame = store.checkins_frame()
    mine = frame[frame["note"] == note]
    assert list(mine["discomfort"]) == [score], frame
