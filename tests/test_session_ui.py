"""The guided session's app, driven in the kernel without a browser, and its asyncio driver.

Most tests use a fake clock and an event loop that never runs, calling ``app.refresh()`` the
way the driver would; a few run a real loop for a second or two (the driver itself). What the
browser draws is read from the focus view's ``plan`` and ``run`` (the browser's own drawing
is checked in tests/browser/test_session_focus.py).
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace

import pytest

from backcare import paths
from backcare.catalog import Catalog
from backcare.cues import CueSettings
from backcare.prescription import Kind, Prescription
from backcare.routine import Routine, RoutineItem, Timing, from_groups, save_routine
from backcare.sound import finish_chime, step_beep, tick_beep, tone_wav
from backcare.store import Store
from backcare.timeline import Step, StepKind
from backcare.timer import TimerState
from backcare.ui.session import SessionApp, format_clock
from backcare.ui.session.front import front_end_source


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A loop that is never run: tasks are created on it but do not advance by themselves."""
    loop = asyncio.new_event_loop()
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store(":memory:")
    yield store
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(store: Store, catalog: Catalog, clock: FakeClock, loop) -> SessionApp:
    return SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)


def shown(app: SessionApp) -> dict:
    """The step the browser is told to show, with the run's state."""
    run = app.front.run
    return {**app.front.plan["steps"][run["index"]], **run}


def choose(app: SessionApp, name_part: str) -> None:
    for label, value in app.routine_choice.options:
        if name_part in label:
            app.routine_choice.value = value
            return
    raise AssertionError(f"no routine like {name_part!r} in {app.routine_choice.options}")


def run_to_end(app: SessionApp, clock: FakeClock) -> int:
    """Jump from deadline to deadline (pressing Done on self-paced sets); count refreshes."""
    refreshes = 0
    while app.timer.state is not TimerState.FINISHED:
        refreshes += 1
        assert refreshes < 5000
        deadline = app.timer.deadline()
        if deadline is None:
            clock.now += 20
            app.done_button.click()
        else:
            clock.now = deadline
            app.refresh()
    return refreshes


def test_fresh_folder_defaults_to_a_template(app: SessionApp, store: Store) -> None:
    labels = [label for label, _ in app.routine_choice.options]
    assert "template" in labels[0]
    assert app.routine.name == "Evening session"
    step = shown(app)
    assert step["state"] == "ready" and step["remaining"] == 5
    assert step["title"] == "Get ready"
    assert "Foot ball roll" in step["next"]
    # the same length the planner shows for the evening template (tests/test_planner.py)
    assert "about 14 min 15 s." in app.routine_info.value
    assert app.pause_button.disabled and app.stop_button.disabled
    assert not app.start_button.disabled
    assert store.sessions_frame().empty
    assert store.people() == []  # nothing is written before the user starts
    app.start_button.click()
    (me,) = store.people()
    assert app.person_id == me.id
    assert list(store.sessions_frame()["person_id"]) == [me.id]


def test_widgets_carry_css_classes_for_browser_tests(app: SessionApp) -> None:
    for widget, css in [
        (app.front, "backcare-focus"),
        (app.start_button, "backcare-start"),
        (app.pause_button, "backcare-pause"),
        (app.skip_button, "backcare-skip"),
        (app.back_button, "backcare-back"),
        (app.stop_button, "backcare-stop"),
        (app.done_button, "backcare-done"),
        (app.settings_row.beeps, "backcare-sound"),
        (app.settings_row.voice, "backcare-voice"),
        (app.pain, "backcare-pain-during"),
        (app.after, "backcare-after"),
        (app, "backcare-session"),
    ]:
        assert css in widget._dom_classes


def test_start_records_a_session_and_counts_down(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    app.start_button.click()
    assert app.timer.state is TimerState.RUNNING
    assert app.driver.task is not None  # created on the kernel's loop
    assert app.start_button.disabled
    sessions = store.sessions_frame()
    assert list(sessions["status"]) == ["started"]
    sent = app.front.run
    clock.now += 2.5
    assert app.refresh() == pytest.approx(clock.now + 2.5)  # it wakes at the deadline only
    assert app.front.run is sent  # no message in the middle of a step
    clock.now += 2.5
    app.refresh()
    step = shown(app)
    assert step["title"] == "Foot ball roll (left side)"
    assert step["where"] == "Left side · set 1 of 1"
    assert step["remaining"] == pytest.approx(60)
    assert step["k_now"] == clock.now and step["state"] == "running"
    steps = store.steps_frame()
    assert steps.loc[steps.step_index == 0, "status"].item() == "done"
    assert steps.loc[steps.step_index == 1, "status"].item() == "planned"


def test_pause_stops_the_countdown_and_resume_continues(app: SessionApp, clock: FakeClock) -> None:
    app.start_button.click()
    clock.now += 1.2
    app.pause_button.click()
    assert app.timer.state is TimerState.PAUSED
    assert app.pause_button.description == "Resume"
    assert shown(app)["state"] == "paused"
    assert shown(app)["remaining"] == pytest.approx(3.8)
    assert app.start_button.disabled and app.start_button.button_style == ""  # not green
    clock.now += 100
    assert app.refresh() is None  # nothing to wait for while paused
    assert shown(app)["remaining"] == pytest.approx(3.8)
    app.pause_button.click()
    assert app.timer.state is TimerState.RUNNING
    assert app.pause_button.description == "Pause"
    assert shown(app)["remaining"] == pytest.approx(3.8)
    assert app.refresh() == pytest.approx(clock.now + 3.8)


def test_skip_and_back(app: SessionApp, store: Store, clock: FakeClock) -> None:
    app.start_button.click()
    app.skip_button.click()
    assert app.timer.index == 1
    steps = store.steps_frame()
    assert steps.loc[steps.step_index == 0, "status"].item() == "skipped"
    clock.now += 10
    app.back_button.click()
    assert app.timer.index == 0
    assert shown(app)["remaining"] == 5 and shown(app)["entry"] == 2


def test_buttons_before_start_show_a_message(app: SessionApp) -> None:
    app.skip_button.click()
    assert app.messages.kind == "error"
    assert "start" in app.messages.text.lower()


def test_stop_early_keeps_a_partial_session_and_offers_the_checkin(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    app.start_button.click()
    clock.now += 5 + 60 + 5 + 60  # the get-ready, both feet and the switch
    app.refresh()
    clock.now += 3
    app.stop_button.click()
    assert app.timer.stopped
    session = store.sessions_frame().iloc[0]
    assert session["status"] == "stopped"
    assert session["done_steps"] == 2  # the two foot rolls (work steps)
    assert 0 < session["completion"] < 1
    assert shown(app)["headline"] == "Stopped" and shown(app)["stopped"]
    assert app.after.shown
    assert set(app.after.hurt_checks) == {item.exercise_id for item in app.routine.items}

    app.after.discomfort.value = 4
    app.after.hurt_checks["foot_ball_roll"].value = True
    app.after.save.click()
    checkins = store.checkins_frame()
    assert list(checkins["discomfort"]) == [4]
    assert list(checkins["context"]) == ["after"]
    assert list(checkins["session_id"]) == [session["session_id"]]
    assert store.sessions_frame().iloc[0]["hurt_exercises"] == "foot_ball_roll"
    assert app.messages.kind == "success"
    assert app.after.save.disabled


def test_a_routine_of_all_four_groups_runs_to_the_end_and_every_step_is_recorded(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    assert len(app.routine.groups(app.catalog)) == 4
    app.start_button.click()
    run_to_end(app, clock)
    assert shown(app)["state"] == "finished" and not shown(app)["stopped"]
    assert shown(app)["headline"] == "Well done"
    session = store.sessions_frame().iloc[0]
    assert session["status"] == "completed"
    assert session["completion"] == 1.0
    steps = store.steps_frame()
    assert (steps["status"] == "done").all()
    assert len(steps) == len(app.routine.steps(app.catalog))
    assert app.after.shown
    assert app.start_button.description == "Start again"
    # start again: a second session
    app.start_button.click()
    assert len(store.sessions_frame()) == 2
    assert not app.after.shown


def test_self_paced_reps_wait_for_done(
    store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    routine = Routine(
        "Core only",
        (RoutineItem("dead_bug_heel_touch", Prescription(Kind.REPS, reps=10)),),
        timing=Timing(self_paced_reps=True),
    )
    save_routine(routine)
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    choose(app, "Core only")
    app.start_button.click()
    clock.now += 5
    app.refresh()
    assert app.timer.step.kind is StepKind.REPS
    assert not app.done_button.disabled and app.done_button.button_style == "info"
    assert shown(app)["self_paced"] and shown(app)["reps"] == 20  # 10 a side, alternating
    clock.now += 500
    app.refresh()
    assert app.timer.state is TimerState.RUNNING  # still waiting
    app.done_button.click()
    assert app.timer.state is TimerState.FINISHED
    steps = store.steps_frame()
    reps_row = steps[steps.kind == "reps"].iloc[0]
    assert reps_row["status"] == "done"
    assert reps_row["performed_seconds"] == pytest.approx(500)


def test_prone_cobra_shows_rep_and_hold(
    store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    store.save_routine(
        store.default_person().id,
        Routine(
            "Cobra",
            (RoutineItem("prone_cobra", Prescription(Kind.REPS_HOLD, reps=5, rep_hold_seconds=3)),),
        ),
    )
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    assert app.routine.name == "Cobra"  # the person's saved routine comes first
    app.start_button.click()
    clock.now += 5
    app.refresh()
    step = shown(app)
    assert step["reps"] == 5 and step["rep_seconds"] == 6  # 3 s of moving + a 3 s hold
    assert step["phases"] == [(1.5, "lift"), (3.0, "hold it"), (1.5, "lower")]
    assert step["where"] == "Both sides at once · set 1 of 1"


def test_sounds_are_sent_once_as_wav_data(app: SessionApp, clock: FakeClock) -> None:
    sounds = app.front.sounds
    assert set(sounds) == {"beep", "tick", "end"}
    assert all(url.startswith("data:audio/wav;base64,") for url in sounds.values())
    assert len(set(sounds.values())) == 3  # the end of the session sounds like nothing else
    app.start_button.click()
    clock.now += 5
    app.refresh()
    assert app.front.sounds is sounds


def test_a_broken_routine_file_is_reported_and_the_rest_still_works(
    store: Store, catalog: Catalog, clock: FakeClock, loop, data_dir
) -> None:
    folder = data_dir / "routines"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    good = from_groups(catalog, ["deep_core"], name="<script>alert(1)</script>")
    save_routine(good)
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    assert app.messages.kind == "info"
    assert "broken.json" in app.messages.text
    choose(app, "<script>")
    assert "<script>" not in app.routine_info.value
    assert "&lt;script&gt;" in app.routine_info.value


def test_choosing_is_locked_while_running(app: SessionApp) -> None:
    app.start_button.click()
    assert app.routine_choice.disabled
    app.stop_button.click()
    assert not app.routine_choice.disabled


def test_close_cancels_the_task_and_stops_the_session(app: SessionApp, store: Store, loop) -> None:
    app.start_button.click()
    task = app.driver.task
    app.close()
    loop.run_until_complete(asyncio.sleep(0))
    assert task.cancelled()
    assert store.sessions_frame().iloc[0]["status"] == "stopped"
    assert app.comm is None and app.front.comm is None


def test_rerunning_a_cell_closes_the_app_it_built_before(
    store: Store, catalog: Catalog, clock: FakeClock, loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = {"metadata": {"cellId": "cell-1"}}
    shell = SimpleNamespace(kernel=SimpleNamespace(get_parent=lambda: parent))
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    first = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    first.start_button.click()
    parent["metadata"]["cellId"] = "cell-2"
    other = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    other.start_button.click()
    parent["metadata"]["cellId"] = "cell-1"  # the first cell runs again
    SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    loop.run_until_complete(asyncio.sleep(0))
    assert first.timer.state is TimerState.FINISHED and first.timer.stopped
    assert first.driver.task.cancelled()
    assert other.timer.state is TimerState.RUNNING  # another cell's app is left alone
    assert not other.driver.task.done()


# -- the real driver on a real loop (short) ------------------------------------------------
def short_steps(*seconds: float) -> tuple[Step, ...]:
    steps = [Step(i, StepKind.HOLD, s, f"Hold {i}") for i, s in enumerate(seconds)]
    steps.append(Step(len(steps), StepKind.DONE, 0.0, "End"))
    linked = [replace(s, next_title=steps[i + 1].title) for i, s in enumerate(steps[:-1])]
    return (*linked, steps[-1])


def test_driver_runs_a_short_timeline_to_the_end(store: Store, catalog: Catalog) -> None:
    seen: list[dict] = []

    async def main() -> SessionApp:
        app = SessionApp(store=store, catalog=catalog)
        app.front.observe(lambda change: seen.append(change["new"]), names="run")
        app.start(short_steps(1.0, 0.5))
        await asyncio.wait_for(app.driver.task, timeout=5)
        return app

    app = asyncio.run(main())
    assert app.timer.state is TimerState.FINISHED
    assert seen[-1]["state"] == "finished"
    # One message a step (and the end), not one a second.
    assert [run["index"] for run in seen] == [0, 1, 2]
    # Each step began when the one before was due to end, give or take the loop's latency.
    log = app.step_log
    assert log[1]["at"] - log[0]["at"] == pytest.approx(1.0)
    assert all(0 <= entry["noticed"] - entry["at"] < 0.5 for entry in log)
    assert store.sessions_frame().empty  # a hand-made timeline is not recorded


def test_driver_pauses_and_resumes_on_a_real_loop(store: Store, catalog: Catalog) -> None:
    async def main() -> tuple[dict, dict]:
        app = SessionApp(store=store, catalog=catalog)
        app.start(short_steps(1.5))
        await asyncio.sleep(0.2)
        app.toggle_pause()
        paused = app.front.run
        remaining = app.timer.remaining()
        await asyncio.sleep(0.6)
        assert app.front.run is paused
        assert abs(app.timer.remaining() - remaining) < 1e-9
        app.toggle_pause()
        await asyncio.wait_for(app.driver.task, timeout=5)
        return paused, app.front.run

    paused, end = asyncio.run(main())
    assert paused["state"] == "paused" and 0 < paused["remaining"] < 1.5
    assert end["state"] == "finished"


def test_driver_error_is_shown_in_the_view(store: Store, catalog: Catalog) -> None:
    async def main() -> SessionApp:
        app = SessionApp(store=store, catalog=catalog)
        app.start(short_steps(5.0))

        def broken() -> float:
            raise RuntimeError("the clock fell off the wall")

        app.timer.deadline = broken
        app.driver.wake()
        await asyncio.wait_for(app.driver.task, timeout=2)
        return app

    app = asyncio.run(main())
    assert app.messages.kind == "error"
    # a sentence for the person, naming the log file that keeps Python's details
    assert "timer stopped" in app.messages.text and "RuntimeError" not in app.messages.text
    log_file = paths.error_log_path()
    assert str(log_file) in app.messages.text
    assert "the clock fell off the wall" in log_file.read_text(encoding="utf-8")


def test_driver_is_cancelled_when_the_app_closes(store: Store, catalog: Catalog) -> None:
    async def main() -> asyncio.Task:
        app = SessionApp(store=store, catalog=catalog)
        app.start(short_steps(30.0))
        task = app.driver.task
        await asyncio.sleep(0.05)
        app.close()
        with pytest.raises(asyncio.CancelledError):
            await task
        return task

    assert asyncio.run(main()).cancelled()


# -- sound ---------------------------------------------------------------------------------
def test_tones_are_valid_wav_files() -> None:
    for data in (step_beep(0), step_beep(1), finish_chime(), tick_beep()):
        with wave.open(io.BytesIO(data)) as w:
            assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
            assert 0.05 < w.getnframes() / w.getframerate() < 0.8
    assert step_beep(0) != step_beep(1)
    with wave.open(io.BytesIO(tone_wav([(440, 0.5)], sample_rate=8000))) as w:
        assert w.getnframes() == 4000


@pytest.mark.parametrize(
    "notes, volume", [([], 0.5), ([(440, 0.1)], 0), ([(440, 0.1)], 2), ([(-1, 0.1)], 0.5)]
)
def test_bad_tones_are_refused(notes, volume) -> None:
    with pytest.raises(ValueError):
        tone_wav(notes, volume=volume)


def test_format_clock() -> None:
    assert [format_clock(s) for s in (0, 9, 60, 75, 600)] == ["0", "9", "1:00", "1:15", "10:00"]


def test_steps_done_before_a_kernel_dies_are_kept(catalog: Catalog, clock: FakeClock, loop) -> None:
    store = Store()  # the real file in the data folder
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    app.start_button.click()
    clock.now += 5 + 60 + 5 + 30  # get ready, left foot, switch, half the right foot
    app.refresh()
    store.close()  # the kernel dies: no stop, no close
    reopened = Store()
    steps = reopened.steps_frame()
    assert list(steps.loc[steps.status == "done", "step_index"]) == [0, 1, 2]
    assert list(reopened.sessions_frame()["status"]) == ["started"]
    reopened.close()


def test_changing_the_person_lists_their_saved_routines(
    store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    ann, bob = store.add_person("Ann"), store.add_person("Bob")
    store.save_routine(ann.id, from_groups(catalog, ["upper_back"], name="Ann's upper back"))
    store.save_routine(bob.id, from_groups(catalog, ["deep_core"], name="Bob's core"))
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    app.person_picker.value = ann.id
    assert app.routine.name == "Ann's upper back"
    app.person_picker.value = bob.id
    labels = [label for label, _ in app.routine_choice.options]
    assert any("Bob's core" in label for label in labels)
    assert not any("Ann's" in label for label in labels)
    app.start_button.click()
    assert list(store.sessions_frame()["person_id"]) == [bob.id]


def test_without_an_event_loop_the_view_says_so(store: Store, catalog: Catalog) -> None:
    app = SessionApp(store=store, catalog=catalog)
    app.start_button.click()
    assert app.timer.state is TimerState.RUNNING
    assert app.driver.task is None
    assert "event loop" in app.messages.text


def _stop_after_a_step(app: SessionApp, clock: FakeClock) -> None:
    app.start_button.click()
    clock.now += 5 + 60
    app.refresh()
    app.stop_button.click()


def test_after_session_score_must_be_chosen_when_there_is_none_yet(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    _stop_after_a_step(app, clock)
    assert app.after.save.disabled  # an untouched 0 is not "no pain"
    app.after.save.click()  # a click that reaches the kernel anyway
    assert app.messages.kind == "error" and "score first" in app.messages.text
    assert store.checkins_frame().empty
    app.after.no_pain.click()
    assert not app.after.save.disabled
    app.after.save.click()
    assert list(store.checkins_frame()["discomfort"]) == [0]


def test_after_session_score_starts_at_the_last_one(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    _stop_after_a_step(app, clock)
    app.after.discomfort.value = 6
    app.after.save.click()
    _stop_after_a_step(app, clock)  # a second session
    assert app.after.discomfort.value == 6 and not app.after.save.disabled
    app.after.save.click()
    assert list(store.checkins_frame()["discomfort"]) == [6, 6]


# -- the browser's view goes away (the tab is closed) ------------------------------------------
def beat(app: SessionApp, view: str = "tab-1", visible: bool = True) -> list[dict]:
    """A heartbeat from a browser view, as countdown.js sends it; returns the replies."""
    replies: list[dict] = []
    app.front.send = replies.append  # the kernel's answer goes back to the page
    app.front._receive(app.front, {"type": "beat", "view": view, "t": 12.5, "visible": visible}, [])
    return replies


def test_a_heartbeat_is_answered_with_the_kernel_clock(app: SessionApp, clock: FakeClock) -> None:
    (reply,) = beat(app)
    assert reply == {"type": "clock", "t": 12.5, "k": clock.now}
    replies: list[dict] = []
    app.front.send = replies.append
    app.front._receive(app.front, {"type": "beat", "view": "tab-1", "t": 13, "sync": False}, [])
    assert replies == []  # a plain heartbeat is not answered: nothing goes out each second
    assert app.presence.alive() == ["tab-1"]


def test_when_the_tab_closes_the_session_pauses_and_is_offered_again(
    app: SessionApp, store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    app.start_button.click()
    beat(app)
    clock.now += 5 + 50  # the get-ready, then 50 s into the left foot's minute
    app.refresh()
    beat(app)  # the last heartbeat: the tab closes 50 s into the left foot
    last_seen = clock.now
    # The kernel looks again when that view would count as gone.
    check = app.refresh()
    assert check == pytest.approx(last_seen + 4.0)
    clock.now += 4.0
    assert app.refresh() == pytest.approx(clock.now + 1.5)  # a grace for queued heartbeats
    assert app.timer.state is TimerState.RUNNING
    clock.now += 1.5  # "within a few seconds": 5.5 s after the last heartbeat
    assert app.refresh() is None
    assert app.timer.state is TimerState.PAUSED and app.paused_for_no_view
    # Only what was followed counts: the left foot had 10 s to go when the tab closed.
    assert app.timer.index == 1 and app.timer.remaining() == pytest.approx(10.0)
    assert "Resume" in app.messages.text
    clock.now += 600
    app.refresh()
    steps = store.steps_frame()
    assert list(steps.loc[steps.status == "done", "step_index"]) == [0]
    session = store.sessions_frame().iloc[0]
    assert session["status"] == "started"  # kept, unfinished: a partial session
    # The notebook is opened again (the cell re-run): the new app offers resume or end.
    app.close()
    reopened = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    offer = reopened.partial.offer
    assert offer is not None and offer.session_id == session["session_id"]
    assert offer.resume_at == 1 and reopened.partial.layout.display == ""
    assert "step 2 of" in reopened.partial.text.value
    reopened.partial.resume.click()
    assert reopened.timer.state is TimerState.RUNNING and reopened.timer.index == 1
    assert reopened.recorder.session_id == session["session_id"]
    assert len(store.sessions_frame()) == 1  # the same session carries on
    run_to_end(reopened, clock)
    session = store.sessions_frame().iloc[0]
    assert session["status"] == "completed" and session["completion"] == 1.0


def test_an_unfinished_session_can_be_ended_instead(
    app: SessionApp, store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    app.start_button.click()
    beat(app)
    clock.now += 5 + 60 + 2
    app.refresh()
    beat(app)
    app.front._receive(app.front, {"type": "gone", "view": "tab-1"}, [])  # a goodbye
    clock.now += 1.5
    app.refresh()
    assert app.timer.state is TimerState.PAUSED
    app.close()
    reopened = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    reopened.partial.end.click()
    assert reopened.partial.offer is None and reopened.partial.layout.display == "none"
    session = store.sessions_frame().iloc[0]
    assert session["status"] == "stopped" and session["done_steps"] == 1
    assert SessionApp(store=store, catalog=catalog, clock=clock, loop=loop).partial.offer is None


def test_a_hidden_tab_still_follows_and_the_kernel_offers_nothing_running(
    store: Store, catalog: Catalog, clock: FakeClock, loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = {"metadata": {"cellId": "cell-1"}}
    shell = SimpleNamespace(kernel=SimpleNamespace(get_parent=lambda: parent))
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    app.start_button.click()
    beat(app, visible=False)  # the person follows by voice with another tab in front
    clock.now += 30
    app.refresh()
    assert app.timer.state is TimerState.RUNNING
    # A session running in this kernel is not offered as unfinished by another app.
    parent["metadata"]["cellId"] = "cell-2"
    other = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    assert other.partial.offer is None


def test_without_any_view_the_session_is_not_paused(app: SessionApp, clock: FakeClock) -> None:
    app.start_button.click()  # driven from code: no browser ever reported
    clock.now += 30
    app.refresh()
    assert app.timer.state is TimerState.RUNNING


# -- keys --------------------------------------------------------------------------------------
def key(app: SessionApp, action: str) -> None:
    app.front._receive(app.front, {"type": "key", "action": action}, [])


def test_keys_pause_skip_back_and_stop(app: SessionApp, store: Store, clock: FakeClock) -> None:
    key(app, "pause")  # before the start: nothing happens, no error
    assert app.timer is None and app.messages.kind == ""
    app.start_button.click()
    key(app, "pause")
    assert app.timer.state is TimerState.PAUSED
    key(app, "pause")
    assert app.timer.state is TimerState.RUNNING
    key(app, "skip")
    assert app.timer.index == 1
    key(app, "back")
    assert app.timer.index == 0
    key(app, "stop")  # the page asked "Stop the session?" first
    assert app.timer.stopped
    assert store.sessions_frame().iloc[0]["status"] == "stopped"
    for button, keyname in [
        (app.pause_button, "Space"),
        (app.skip_button, "→"),
        (app.back_button, "←"),
        (app.stop_button, "Esc"),
    ]:
        assert keyname in button.tooltip


# -- the stumbles a new user met (issue 16, item 4) --------------------------------------------
def test_skipping_every_step_is_not_well_done(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    app.start_button.click()
    while app.timer.state is not TimerState.FINISHED:
        app.skip_button.click()
    assert shown(app)["headline"] != "Well done"
    assert "skipped" in shown(app)["headline"]
    assert "Nothing was recorded as done" in shown(app)["note"]


def test_two_quick_skips_at_the_last_step_are_not_an_error(
    app: SessionApp, clock: FakeClock
) -> None:
    app.start(short_steps(5.0))
    app.skip_button.click()
    assert app.timer.state is TimerState.FINISHED
    app.skip_button.click()  # the second click of a double click, already on its way
    app.back_button.click()
    app.done_button.click()
    app.pause_button.click()
    assert app.messages.kind == ""


def test_buttons_say_what_can_be_pressed(app: SessionApp, clock: FakeClock) -> None:
    assert app.start_button.button_style == "success" and not app.start_button.disabled
    assert app.done_button.disabled and app.done_button.button_style == ""  # not pressable
    app.start_button.click()
    assert app.start_button.disabled and app.start_button.button_style == ""
    app.pause_button.click()
    assert app.start_button.disabled  # only Resume resumes
    assert app.pause_button.button_style == "success"


def test_after_stop_the_view_drops_side_and_next(app: SessionApp, clock: FakeClock) -> None:
    app.start_button.click()
    clock.now += 5
    app.refresh()
    app.stop_button.click()
    run = app.front.run
    assert run["state"] == "finished" and run["stopped"] and run["headline"] == "Stopped"
    # countdown.js shows the headline and note and empties side and next when finished
    source = front_end_source()
    assert 'where.textContent = over ? "" :' in source
    assert 'next.textContent = over || !step.next ? "" :' in source


# -- pain during each exercise -----------------------------------------------------------------
def test_pain_during_is_asked_after_each_exercise_and_stored(
    store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    routine = from_groups(catalog, ["upper_back"], name="Upper back")
    save_routine(routine)
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    choose(app, "Upper back")
    app.start_button.click()
    assert app.pain.layout.visibility == "hidden"
    first = app.routine.items[0].exercise_id
    # Run until the first exercise's last set is over.
    while not any(s.exercise_id not in (None, first) and s.kind.is_work for s in [app.timer.step]):
        clock.now = app.timer.deadline() or clock.now + 1
        app.refresh()
    assert app.pain.layout.visibility == "visible" and app.pain.exercise_id == first
    assert catalog[first].name in app.pain.question.value
    assert "Up to 5" in app.pain.guide.value
    app.pain.buttons.value = 6
    assert "ease off" in app.pain.saved.value
    app.pain.buttons.value = 3  # changed their mind: the latest answer counts
    frame = store.pain_during_frame()
    assert list(frame.columns) == ["session_id", "person_id", "exercise_id", "pain_during", "at"]
    assert list(frame["pain_during"]) == [3] and list(frame["exercise_id"]) == [first]
    assert list(frame["session_id"]) == [app.recorder.session_id]


def test_pain_during_is_not_asked_about_a_skipped_exercise(
    app: SessionApp, clock: FakeClock
) -> None:
    app.start_button.click()
    app.skip_button.click()  # get ready
    app.skip_button.click()  # left foot
    app.skip_button.click()  # switch
    app.skip_button.click()  # right foot: the whole exercise skipped
    assert app.pain.layout.visibility == "hidden"


def test_store_refuses_a_pain_score_out_of_range(store: Store, catalog: Catalog) -> None:
    person = store.default_person()
    session = store.start_session(person.id, from_groups(catalog, ["deep_core"]), catalog)
    for bad in (11, -1, 2.5, "7", None):
        with pytest.raises(ValueError):
            store.record_pain_during(session, "dead_bug_heel_touch", bad)
    assert store.pain_during_frame().empty


# -- settings remembered per person ------------------------------------------------------------
def test_voice_beeps_and_volume_are_remembered_per_person(
    store: Store, catalog: Catalog, clock: FakeClock, loop
) -> None:
    ann, bob = store.add_person("Ann"), store.add_person("Bob")
    app = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    app.person_picker.value = ann.id
    assert app.front.settings == CueSettings().to_dict()
    app.settings_row.voice.value = False
    app.settings_row.volume.value = 40
    assert app.front.settings["voice"] is False and app.front.settings["volume"] == 40
    app.person_picker.value = bob.id
    assert app.front.settings["voice"] is True and app.settings_row.voice.value
    app.person_picker.value = ann.id
    assert not app.settings_row.voice.value and app.settings_row.volume.value == 40
    again = SessionApp(store=store, catalog=catalog, clock=clock, loop=loop)
    again.person_picker.value = ann.id
    assert again.front.settings["volume"] == 40


def test_counting_reps_aloud_adds_the_counts_to_the_cues(app: SessionApp) -> None:
    def reps_cues() -> list[str]:
        steps = app.front.plan["steps"]
        reps = next(s for s in steps if s["kind"] == "reps" and not s["self_paced"])
        return [cue["say"] for cue in reps["cues"]]

    assert "2" not in reps_cues()[:2]
    app.settings_row.count_reps.value = True
    said = reps_cues()
    assert said[1:4] == ["2", "3", "4"]


def test_the_front_end_ships_in_the_package() -> None:
    source = front_end_source()
    assert "export default" in source and "speechSynthesis" in source
    assert "wakeLock" in source and "ArrowRight" in source


def test_each_step_shows_its_exercise_picture(app: SessionApp) -> None:
    plan = app.front.plan
    steps, pictures = plan["steps"], plan["figures"]
    hold_left = next(s for s in steps if s["kind"] == "hold" and "left side" in s["title"])
    hold_right = next(s for s in steps if s["title"] == hold_left["title"].replace("left", "right"))
    assert pictures[hold_left["figure"]].startswith("<svg")
    assert hold_left["figure"] != hold_right["figure"]  # the left side is drawn mirrored
    ready = steps[0]
    assert ready["kind"] == "get_ready" and ready["figure"]  # what comes next, to get set
    stretch = next(s for s in steps if s["kind"] == "hold" and "calf" in s["title"].lower())
    assert "<animate" not in pictures[stretch["figure"]]  # a hold is held still
    assert steps[-1]["figure"] == ""  # the end has no picture
    assert len(pictures) == len({s["figure"] for s in steps if s["figure"]})  # each sent once
