"""The guided session's view, driven in the kernel without a browser, and its asyncio driver.

Most tests use a fake clock and an event loop that never runs, calling ``app.refresh()`` the
way the driver would; a few run a real loop for a second or two (the driver itself).
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
from backcare.prescription import Kind, Prescription
from backcare.routine import Routine, RoutineItem, Timing, from_groups, save_routine
from backcare.sound import finish_chime, step_beep, tone_wav
from backcare.store import Store
from backcare.timeline import Step, StepKind
from backcare.timer import TimerState
from backcare.ui.session import SessionApp, format_clock


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
    assert app.countdown.value == "5"
    assert app.step_title.value == "Get ready"
    assert "Foot ball roll" in app.up_next.value
    assert "about" in app.routine_info.value
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
        (app.countdown, "backcare-countdown"),
        (app.start_button, "backcare-start"),
        (app.pause_button, "backcare-pause"),
        (app.skip_button, "backcare-skip"),
        (app.back_button, "backcare-back"),
        (app.stop_button, "backcare-stop"),
        (app.done_button, "backcare-done"),
        (app.step_title, "backcare-step-title"),
        (app.step_progress, "backcare-step-progress"),
        (app.session_progress, "backcare-session-progress"),
        (app.sound_switch, "backcare-sound"),
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
    clock.now += 2.5
    app.refresh()
    assert app.countdown.value == "3"
    clock.now += 2.5
    app.refresh()
    assert app.step_title.value == "Foot ball roll (left side)"
    assert "left" in app.side.value
    assert app.countdown.value == "1:00"
    assert app.session_progress.value > 0
    steps = store.steps_frame()
    assert steps.loc[steps.step_index == 0, "status"].item() == "done"
    assert steps.loc[steps.step_index == 1, "status"].item() == "planned"


def test_pause_stops_the_countdown_and_resume_continues(app: SessionApp, clock: FakeClock) -> None:
    app.start_button.click()
    clock.now += 1.2
    app.pause_button.click()
    assert app.timer.state is TimerState.PAUSED
    assert app.pause_button.description == "Resume"
    shown = app.countdown.value
    assert "backcare-state-paused" in app.countdown._dom_classes
    clock.now += 100
    assert app.refresh() is None  # nothing to wait for while paused
    assert app.countdown.value == shown == "4"
    app.pause_button.click()
    assert app.timer.state is TimerState.RUNNING
    assert app.pause_button.description == "Pause"
    clock.now += 1.0
    app.refresh()
    assert app.countdown.value == "3"


def test_skip_and_back(app: SessionApp, store: Store, clock: FakeClock) -> None:
    app.start_button.click()
    app.skip_button.click()
    assert app.timer.index == 1
    steps = store.steps_frame()
    assert steps.loc[steps.step_index == 0, "status"].item() == "skipped"
    clock.now += 10
    app.back_button.click()
    assert app.timer.index == 0
    assert app.countdown.value == "5"


def test_buttons_before_start_show_a_message(app: SessionApp) -> None:
    app.skip_button.click()
    assert app.messages.kind == "error"
    assert "start" in app.messages.text


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
    assert app.step_title.value == "Stopped"
    assert app.after_panel.layout.display == ""  # shown
    assert set(app.hurt_checks) == {item.exercise_id for item in app.routine.items}

    app.after_discomfort.value = 4
    app.hurt_checks["foot_ball_roll"].value = True
    app.after_save.click()
    checkins = store.checkins_frame()
    assert list(checkins["discomfort"]) == [4]
    assert list(checkins["context"]) == ["after"]
    assert list(checkins["session_id"]) == [session["session_id"]]
    assert store.sessions_frame().iloc[0]["hurt_exercises"] == "foot_ball_roll"
    assert app.messages.kind == "success"
    assert app.after_save.disabled


def test_a_routine_of_all_four_groups_runs_to_the_end_and_every_step_is_recorded(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    assert len(app.routine.groups(app.catalog)) == 4
    app.start_button.click()
    run_to_end(app, clock)
    assert app.countdown.value == "✓"
    assert app.session_progress.value == 1.0
    session = store.sessions_frame().iloc[0]
    assert session["status"] == "completed"
    assert session["completion"] == 1.0
    steps = store.steps_frame()
    assert (steps["status"] == "done").all()
    assert len(steps) == len(app.routine.steps(app.catalog))
    assert app.after_panel.layout.display == ""
    assert app.start_button.description == "Start again"
    # start again: a second session
    app.start_button.click()
    assert len(store.sessions_frame()) == 2
    assert app.after_panel.layout.display == "none"


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
    assert not app.done_button.disabled
    assert "Done" in app.rep.value
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
    clock.now += 5 + 6 + 2  # the second rep, 2 s in: holding
    app.refresh()
    assert "Rep <b>2</b> of 5" in app.rep.value
    assert "hold" in app.rep.value


def test_sound_plays_at_step_changes_unless_switched_off(app: SessionApp, clock: FakeClock) -> None:
    app.start_button.click()
    first = app.audio.value
    assert first[:4] == b"RIFF"
    clock.now += 5
    app.refresh()
    assert app.audio.value[:4] == b"RIFF"
    assert app.audio.value != first  # a changed value makes the browser play it again
    flash = {c for c in app.countdown._dom_classes if "flash" in c}
    app.sound_switch.value = False
    before = app.audio.value
    clock.now += 60
    app.refresh()
    assert app.audio.value == before
    assert {c for c in app.countdown._dom_classes if "flash" in c} != flash  # visual cue


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
    assert app.comm is None and app.countdown.comm is None


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
    seen: list[str] = []

    async def main() -> SessionApp:
        app = SessionApp(store=store, catalog=catalog)
        app.countdown.observe(lambda change: seen.append(change["new"]), names="value")
        app.start(short_steps(1.0, 0.5))
        await asyncio.wait_for(app.driver.task, timeout=5)
        return app

    app = asyncio.run(main())
    assert app.timer.state is TimerState.FINISHED
    assert seen[-1] == "✓"
    assert "1" in seen
    assert store.sessions_frame().empty  # a hand-made timeline is not recorded


def test_driver_pauses_and_resumes_on_a_real_loop(store: Store, catalog: Catalog) -> None:
    async def main() -> tuple[str, str, float]:
        app = SessionApp(store=store, catalog=catalog)
        app.start(short_steps(1.5))
        await asyncio.sleep(0.2)
        app.toggle_pause()
        shown = app.countdown.value
        remaining = app.timer.remaining()
        await asyncio.sleep(0.6)
        still = app.countdown.value
        assert abs(app.timer.remaining() - remaining) < 1e-9
        app.toggle_pause()
        await asyncio.wait_for(app.driver.task, timeout=5)
        return shown, still, app.timer.remaining()

    shown, still, _ = asyncio.run(main())
    # Paused, the countdown stands still; which second it shows depends on the machine's load.
    assert shown == still
    assert shown in {"1", "2"}


def test_driver_error_is_shown_in_the_view(store: Store, catalog: Catalog) -> None:
    async def main() -> SessionApp:
        app = SessionApp(store=store, catalog=catalog)
        app.start(short_steps(5.0))

        def broken() -> float:
            raise RuntimeError("the clock fell off the wall")

        app.timer.next_change_at = broken
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
    for data in (step_beep(0), step_beep(1), finish_chime()):
        with wave.open(io.BytesIO(data)) as w:
            assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
            assert 0.1 < w.getnframes() / w.getframerate() < 0.6
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
    assert app.after_save.disabled  # an untouched 0 is not "no pain"
    app.after_save.click()  # a click that reaches the kernel anyway
    assert app.messages.kind == "error" and "score first" in app.messages.text
    assert store.checkins_frame().empty
    app.after_no_pain.click()
    assert not app.after_save.disabled
    app.after_save.click()
    assert list(store.checkins_frame()["discomfort"]) == [0]


def test_after_session_score_starts_at_the_last_one(
    app: SessionApp, store: Store, clock: FakeClock
) -> None:
    _stop_after_a_step(app, clock)
    app.after_discomfort.value = 6
    app.after_save.click()
    _stop_after_a_step(app, clock)  # a second session
    assert app.after_discomfort.value == 6 and not app.after_save.disabled
    app.after_save.click()
    assert list(store.checkins_frame()["discomfort"]) == [6, 6]
