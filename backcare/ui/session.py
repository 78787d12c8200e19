"""The guided session: an in-cell timer that follows a routine and records what was done.

Three parts:

* :class:`SessionTimer` (in :mod:`backcare.timer`) is the model: states, steps, time left.
* :class:`TimerDriver` is an ``asyncio`` task on the kernel's running event loop. It sleeps
  until the next moment the display changes (the next whole second before the step's
  deadline, or the next phase of a rep), computed from ``time.monotonic()``, so no drift
  builds up; a button press wakes it at once. It only asks the app to refresh, which sets
  widget traits. It never calls ``time.sleep`` and never busy-waits.
* :class:`SessionApp` is the view: person, routine, a large countdown, the exercise, its cue,
  side and what comes next, two progress bars, the buttons, a sound switch, and after the
  end a check-in (0-10) with an optional "did this one hurt?" for each exercise.

Re-running the notebook cell that builds the app must not leave the old countdown running
unseen (still recording, still beeping). The kernel knows which cell is running: JupyterLab
and Notebook 7 send its id with every execution request. A new ``SessionApp`` looks on the
IPython shell (``get_ipython()``, one per kernel) for the app built earlier by the *same*
cell and closes it, which cancels its task and records its session as stopped. Apps from
other cells are left alone, so two apps in one kernel do not interfere. Outside a kernel
(plain Python, tests) nothing is registered. The registry lives on the kernel's shell, not in
this module, so importing backcare changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from ..catalog import Catalog
from ..routine import (
    Routine,
    RoutineError,
    list_saved_routines,
    load_routine,
    templates,
)
from ..safety import red_flags_sentence
from ..sound import finish_chime, step_beep
from ..timeline import Step, StepKind, total_seconds
from ..timer import (
    EventKind,
    SessionRecorder,
    SessionTimer,
    Snapshot,
    TimerEvent,
    TimerState,
)
from .common import (
    Messages,
    esc,
    is_expected,
    open_catalog,
    open_store,
    readable,
    report_unexpected,
)
from .people import PersonPicker

__all__ = ["SessionApp", "TimerDriver", "format_clock"]

log = logging.getLogger(__name__)

_REGISTRY_ATTR = "_backcare_session_apps"

_CSS = """
<style>
.backcare-countdown { font-size: 72px; font-weight: 700; line-height: 1.1;
  font-variant-numeric: tabular-nums; padding: 4px 16px; border-radius: 8px; }
.backcare-kind-get_ready, .backcare-kind-switch { background: #fff4d6; }
.backcare-kind-hold, .backcare-kind-reps { background: #e3f2e7; }
.backcare-kind-rest { background: #e6eef8; }
.backcare-kind-done { background: #ede7f6; }
.backcare-state-paused { opacity: 0.55; }
@keyframes backcare-flash-a { from { background: #ffd54f; } }
@keyframes backcare-flash-b { from { background: #ffd54f; } }
.backcare-flash-a { animation: backcare-flash-a 0.9s ease-out; }
.backcare-flash-b { animation: backcare-flash-b 0.9s ease-out; }
.backcare-step-title { font-size: 22px; font-weight: 600; }
.backcare-countdown, .backcare-countdown .widget-html-content { height: auto; line-height: 1.1; }
</style>
"""

_KIND_CLASSES = tuple(f"backcare-kind-{kind.value}" for kind in StepKind)
_PHASE_TEXT = {"lift": "lift", "hold": "hold it", "lower": "lower"}


def format_clock(seconds: int) -> str:
    """``75`` -> ``1:15``; under a minute just the seconds."""
    seconds = max(0, int(seconds))
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}" if minutes else str(rest)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds < 600 else f"{round(seconds / 60)} min"


# -- driver -------------------------------------------------------------------------------
class TimerDriver:
    """Runs ``refresh`` whenever the display is due to change, on an asyncio event loop.

    ``refresh()`` updates the view and returns the monotonic time of the next change,
    ``None`` to wait until :meth:`wake` is called (paused), or ``False`` when there is nothing
    left to do (the task then ends). An exception from ``refresh`` ends the task and is handed
    to ``on_error``, which shows it in the view.
    """

    def __init__(
        self,
        refresh: Callable[[], float | bool | None],
        on_error: Callable[[BaseException], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresh = refresh
        self._on_error = on_error
        self.clock = clock
        self.task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Create the task on ``loop`` (the kernel's running loop) unless one is running."""
        if self.running:
            self.wake()
            return
        self._loop = loop
        self._wake = asyncio.Event()
        self.task = loop.create_task(self._run())

    def wake(self) -> None:
        """Refresh now (after a button press) instead of at the next planned moment."""
        if self._wake is None or self._loop is None or self._loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._wake.set()
        else:
            self._loop.call_soon_threadsafe(self._wake.set)

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def _run(self) -> None:
        assert self._wake is not None
        try:
            while True:
                self._wake.clear()
                next_at = self._refresh()
                if next_at is False:
                    return
                if next_at is None or next_at is True:
                    await self._wake.wait()
                    continue
                delay = max(0.0, float(next_at) - self.clock())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("the session timer failed\n%s", traceback.format_exc())
            self._on_error(exc)


# -- routine choices ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Choice:
    label: str
    routine: Routine
    source: str  # "saved", "file", "template"


def _routine_choices(
    store: Any, person_id: int | None, catalog: Catalog
) -> tuple[list[_Choice], list[str]]:
    """The person's saved routines, routine files, then the two templates; and any problems."""
    choices: list[_Choice] = []
    problems: list[str] = []
    if store is not None and person_id is not None:
        try:
            for saved in store.routines(person_id, catalog):
                choices.append(_Choice(f"{saved.name} (saved)", saved.routine, "saved"))
        except Exception as exc:
            reason = (
                readable(exc) if is_expected(exc) else report_unexpected(exc, "listing routines")
            )
            problems.append(f"Could not read the saved routines: {reason}")
    names = {c.routine.name for c in choices}
    for path in list_saved_routines():
        try:
            routine = load_routine(path, catalog)
        except RoutineError as exc:
            problems.append(str(exc))
            continue
        if routine.name not in names:
            names.add(routine.name)
            choices.append(_Choice(f"{routine.name} (file {path.name})", routine, "file"))
    choices += [_Choice(f"{r.name} (template)", r, "template") for r in templates(catalog)]
    return choices, problems


# -- the app ------------------------------------------------------------------------------
class SessionApp(widgets.VBox):
    """The guided session. Build it in one cell, show it in the next."""

    def __init__(
        self,
        store: Any = None,
        catalog: Catalog | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.messages = Messages()
        self.catalog = open_catalog(self.messages, catalog)
        self.clock = clock
        self._loop = loop
        self.store = open_store(self.messages, store)
        self.timer: SessionTimer | None = None
        self.recorder: SessionRecorder | None = None
        self.routine: Routine | None = None
        self._choices: list[_Choice] = []
        self._sound_variant = 0
        self._flash_variant = 0
        self._pending_sound: bytes | None = None
        self._tones: dict[tuple[str, int], bytes] = {}  # made once, before any countdown
        self._last_snapshot: Snapshot | None = None
        self.driver = TimerDriver(self.refresh, self._on_driver_error, clock)

        self._build()
        self._wire()
        self._refresh_routines()
        super().__init__(self._layout())
        self.add_class("backcare-session")
        self._claim_cell()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.person_picker = PersonPicker(self.store)
        self.routine_choice = widgets.Dropdown(
            description="Routine", layout=widgets.Layout(width="460px")
        )
        self.routine_choice.add_class("backcare-routine-choice")
        self.routine_info = widgets.HTML()
        self.routine_info.add_class("backcare-routine-info")

        self.countdown = widgets.HTML("–")
        self.countdown.add_class("backcare-countdown")
        self.step_title = widgets.HTML()
        self.step_title.add_class("backcare-step-title")
        self.side = widgets.HTML()
        self.side.add_class("backcare-side")
        self.rep = widgets.HTML()
        self.rep.add_class("backcare-rep")
        self.cue = widgets.HTML()
        self.cue.add_class("backcare-cue")
        self.up_next = widgets.HTML()
        self.up_next.add_class("backcare-next")
        self.step_progress = widgets.FloatProgress(
            value=0, min=0, max=1, description="Step", layout=widgets.Layout(width="460px")
        )
        self.step_progress.add_class("backcare-step-progress")
        self.session_progress = widgets.FloatProgress(
            value=0, min=0, max=1, description="Session", layout=widgets.Layout(width="460px")
        )
        self.session_progress.add_class("backcare-session-progress")

        def button(label: str, css: str, icon: str, style: str = "") -> widgets.Button:
            b = widgets.Button(description=label, icon=icon, button_style=style)
            b.add_class(css)
            return b

        self.start_button = button("Start", "backcare-start", "play", "success")
        self.pause_button = button("Pause", "backcare-pause", "pause")
        self.skip_button = button("Skip", "backcare-skip", "forward")
        self.back_button = button("Back", "backcare-back", "backward")
        self.stop_button = button("Stop", "backcare-stop", "stop", "danger")
        self.done_button = button("Done", "backcare-done", "check", "info")
        self.sound_switch = widgets.Checkbox(value=True, description="Sound", indent=False)
        self.sound_switch.add_class("backcare-sound")
        self.audio = widgets.Audio(
            value=b"",
            format="wav",
            autoplay=True,
            loop=False,
            controls=False,
            layout=widgets.Layout(display="none"),
        )
        self.audio.add_class("backcare-audio")

        self.after_title = widgets.HTML(
            "<b>How does your back feel now?</b> 0 means no pain, 10 the worst you can imagine."
        )
        self.after_discomfort = widgets.IntSlider(
            value=0, min=0, max=10, description="Discomfort", continuous_update=False
        )
        self.after_discomfort.add_class("backcare-after-discomfort")
        self.hurt_box = widgets.VBox()
        self.hurt_box.add_class("backcare-hurt-list")
        self.hurt_checks: dict[str, widgets.Checkbox] = {}
        self.after_save = widgets.Button(description="Save check-in", button_style="primary")
        self.after_save.add_class("backcare-after-save")
        # With no earlier score the slider's 0 means "not scored yet", not "no pain".
        self.after_unset = widgets.HTML(
            "<i>Move the slider to your score, or press <b>No pain (0)</b>.</i>"
        )
        self.after_no_pain = widgets.Button(description="No pain (0)")
        self.after_no_pain.add_class("backcare-after-no-pain")
        self._after_scored = False
        self._showing_score = False  # True while the app itself moves the slider
        self.after_panel = widgets.VBox(
            [
                self.after_title,
                self.after_discomfort,
                widgets.HBox([self.after_unset, self.after_no_pain]),
                self.hurt_box,
                self.after_save,
            ],
            layout=widgets.Layout(display="none"),
        )
        self.after_panel.add_class("backcare-after")

    def _choose_default_person(self) -> None:
        """Nobody in the log yet: record under the store's default person ("Me")."""
        self.person_picker.select(self.store.default_person().id)

    @property
    def person_id(self) -> int | None:
        return self.person_picker.person_id

    def _layout(self) -> list[widgets.Widget]:
        header = widgets.HTML(
            "<b>Guided session.</b> Press start and follow along. Stop at once if an exercise "
            "causes sharp pain or pain that keeps getting worse."
            # the red flags, before a session starts (one wording: backcare.safety)
            f'<p class="backcare-session-red-flags"><small>{red_flags_sentence()}</small></p>'
        )
        controls = widgets.HBox(
            [
                self.start_button,
                self.pause_button,
                self.back_button,
                self.skip_button,
                self.done_button,
                self.stop_button,
                self.sound_switch,
            ]
        )
        controls.add_class("backcare-controls")
        self.countdown_row = widgets.HBox(
            [self.countdown, widgets.VBox([self.step_title, self.side, self.rep])]
        )
        return [
            widgets.HTML(_CSS),
            header,
            widgets.HBox([self.person_picker, self.routine_choice]),
            self.routine_info,
            self.countdown_row,
            self.cue,
            self.up_next,
            self.step_progress,
            self.session_progress,
            controls,
            self.audio,
            self.after_panel,
            self.messages,
        ]

    def _wire(self) -> None:
        guard = self.messages.guard
        self.start_button.on_click(guard(lambda _: self.start()))
        self.pause_button.on_click(guard(lambda _: self.toggle_pause()))
        self.skip_button.on_click(guard(lambda _: self._act("skip")))
        self.back_button.on_click(guard(lambda _: self._act("back")))
        self.done_button.on_click(guard(lambda _: self._act("done")))
        self.stop_button.on_click(guard(lambda _: self.stop()))
        self.after_save.on_click(guard(lambda _: self.save_checkin()))
        self.after_no_pain.on_click(guard(lambda _: self._show_after_score(0, scored=True)))
        self.after_discomfort.observe(self._on_after_slider, names="value")
        self.routine_choice.observe(guard(self._on_routine), names="value")
        self.person_picker.observe(guard(lambda _: self._refresh_routines()), names="person_id")

    # -- routines -------------------------------------------------------------------------
    def _refresh_routines(self) -> None:
        chosen = self._choices[self.routine_choice.value].label if self._choices else None
        self._choices, problems = _routine_choices(self.store, self.person_id, self.catalog)
        labels = [c.label for c in self._choices]
        self.routine_choice.options = [(label, n) for n, label in enumerate(labels)]
        self.routine_choice.value = labels.index(chosen) if chosen in labels else 0
        self._on_routine()
        if problems:
            self.messages.info("Some routine files were left out: " + "; ".join(problems))

    def _on_routine(self, _change: Any = None) -> None:
        index = self.routine_choice.value
        if index is None:
            return
        routine = self._choices[index].routine
        self.routine = routine
        steps = routine.steps(self.catalog)
        groups = ", ".join(self.catalog.group(g).name for g in routine.groups(self.catalog))
        self.routine_info.value = (
            f"<b>{esc(routine.name)}</b>: {len(routine.items)} exercises ({esc(groups)}), "
            f"about {_minutes(total_seconds(steps))}."
        )
        if self.timer is None or self.timer.state is TimerState.FINISHED:
            self._show_preview(steps)

    def _show_preview(self, steps: Sequence[Step]) -> None:
        first = steps[0]
        self._set_countdown(format_clock(int(first.seconds)), first.kind.value, "ready")
        self.step_title.value = esc(first.title)
        self.side.value = ""
        self.rep.value = ""
        self.cue.value = f"<i>{esc(first.detail)}</i>"
        self.up_next.value = f"Then: {esc(first.next_title)}" if first.next_title else ""
        self.step_progress.value = 0
        self.session_progress.value = 0
        self._set_buttons(TimerState.READY, False)

    # -- actions (the buttons call these; tests may too) ------------------------------------
    def start(self, steps: Sequence[Step] | None = None) -> None:
        """Start the chosen routine (or resume). ``steps``: run this timeline instead, unrecorded.

        A timeline given directly (tests, the benchmark) may be shorter than any routine
        allows; as it matches no routine it is not written to the log.
        """
        if self.timer is not None and self.timer.state is TimerState.PAUSED:
            self.timer.resume()
            self._kick()
            return
        if self.timer is not None and self.timer.state is TimerState.RUNNING:
            return
        if self.routine is None:
            raise ValueError("choose a routine first")
        self.messages.clear()
        self.after_panel.layout.display = "none"
        timeline = tuple(steps) if steps is not None else self.routine.steps(self.catalog)
        self.timer = SessionTimer(timeline, clock=self.clock)
        self.recorder = None
        if steps is None and self.person_id is None:
            self._choose_default_person()
        if steps is None and self.person_id is not None:
            self.recorder = SessionRecorder(self.store, self.person_id, self.routine, self.catalog)
            self.timer.subscribe(self.recorder)
        self.timer.subscribe(self._on_event)
        self._make_tones()
        self.timer.start()
        self._kick()

    def toggle_pause(self) -> None:
        if self.timer is None:
            raise ValueError("press start first")
        self.timer.toggle_pause()
        self._kick()

    def _act(self, action: str) -> None:
        if self.timer is None:
            raise ValueError("press start first")
        getattr(self.timer, action)()
        self._kick()

    def skip(self) -> None:
        self._act("skip")

    def back(self) -> None:
        self._act("back")

    def done(self) -> None:
        self._act("done")

    def stop(self) -> None:
        """Stop now; the steps done so far stay recorded (a partial session)."""
        if self.timer is None or self.timer.state is TimerState.FINISHED:
            return
        self.timer.stop()
        self._kick()

    def close(self) -> None:
        """Stop the timer and its task, record a partial session, close every widget."""
        self.driver.cancel()
        if self.timer is not None and self.timer.state is not TimerState.FINISHED:
            try:
                self.timer.stop()
            except Exception:
                log.error("stopping the session on close failed\n%s", traceback.format_exc())
        for child in _walk(self):
            if child is not self:
                child.close()
        super().close()

    def _kick(self) -> None:
        """Show the change now and make sure the driver is running."""
        self.refresh()
        loop = self._event_loop()
        if loop is None and self.timer is not None and self.timer.state is TimerState.RUNNING:
            self.messages.info(
                "No event loop is running here, so the countdown only moves when the view is "
                "refreshed; in Jupyter it runs by itself."
            )
        if loop is not None and self.timer is not None:
            if self.timer.state is TimerState.FINISHED:
                self.driver.cancel()
            else:
                self.driver.start(loop)
                self.driver.wake()

    def _event_loop(self) -> asyncio.AbstractEventLoop | None:
        if self._loop is not None:
            return self._loop
        try:
            return asyncio.get_running_loop()  # the kernel's loop, inside a callback or cell
        except RuntimeError:
            return None

    # -- events and drawing -----------------------------------------------------------------
    def _make_tones(self) -> None:
        """Make the tones now, so no step change waits for a tone to be computed."""
        if not self._tones:
            for variant in (0, 1):
                self._tones["beep", variant] = step_beep(variant)
                self._tones["chime", variant] = finish_chime(variant)

    def _on_event(self, event: TimerEvent) -> None:
        if event.kind is EventKind.STEP_STARTED:
            self._pending_sound = self._tones.get(("beep", self._sound_variant % 2))
            self._flash_variant += 1
        elif event.kind is EventKind.FINISHED:
            self._pending_sound = self._tones.get(("chime", self._sound_variant % 2))
        if event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            self._offer_checkin()

    def refresh(self) -> float | bool | None:
        """Bring the view up to date with the timer; return when it next changes.

        Returns ``False`` when the session is over (the driver then ends), ``None`` when
        nothing changes until a button is pressed, else the clock time of the next change.
        """
        timer = self.timer
        if timer is None:
            return None
        snap = timer.tick()
        self._draw(snap)
        if snap.state is TimerState.FINISHED:
            return False
        return timer.next_change_at()

    def _draw(self, snap: Snapshot) -> None:
        step = snap.step
        if snap.state is TimerState.FINISHED:
            text = "✓" if not (self.timer and self.timer.stopped) else "■"
        else:
            text = format_clock(snap.display_seconds)
        self._set_countdown(text, step.kind.value, snap.state.value)
        title = esc(step.title)
        if snap.state is TimerState.FINISHED and self.timer is not None and self.timer.stopped:
            title = "Stopped"
        self.step_title.value = title
        self.side.value = (
            f"Side: <b>{esc(step.side)}</b>" if step.side and step.kind.is_work else ""
        )
        if snap.rep is not None:
            phase = _PHASE_TEXT.get(snap.phase.value, "") if snap.phase else ""
            pace = " (press Done when the set is finished)" if step.self_paced else ""
            self.rep.value = f"Rep <b>{snap.rep}</b> of {step.reps}: {esc(phase)}{esc(pace)}"
        else:
            self.rep.value = ""
        if snap.state is TimerState.FINISHED and self.timer is not None and self.timer.stopped:
            self.cue.value = "<i>Stopped. What you completed has been kept.</i>"
        else:
            self.cue.value = f"<i>{esc(step.detail)}</i>" if step.detail else ""
        self.up_next.value = f"Next: {esc(step.next_title)}" if step.next_title else ""
        self.step_progress.value = snap.step_fraction
        self.session_progress.value = snap.session_fraction
        self._set_buttons(snap.state, snap.waiting_for_done or step.kind is StepKind.REPS)
        if self._pending_sound is not None:
            if self.sound_switch.value:
                self.audio.value = self._pending_sound
                self._sound_variant += 1
            self._pending_sound = None
        self._last_snapshot = snap

    def _set_countdown(self, text: str, kind: str, state: str) -> None:
        widget = self.countdown
        wanted = {f"backcare-kind-{kind}"}
        if state == "paused":
            wanted.add("backcare-state-paused")
        if self._flash_variant:
            wanted.add("backcare-flash-a" if self._flash_variant % 2 else "backcare-flash-b")
        for css in (
            *_KIND_CLASSES,
            "backcare-state-paused",
            "backcare-flash-a",
            "backcare-flash-b",
        ):
            if css in widget._dom_classes and css not in wanted:
                widget.remove_class(css)
        for css in wanted:
            if css not in widget._dom_classes:
                widget.add_class(css)
        widget.value = esc(text)

    def _set_buttons(self, state: TimerState, reps_step: bool) -> None:
        active = state in (TimerState.RUNNING, TimerState.PAUSED)
        self.start_button.disabled = state is TimerState.RUNNING
        self.start_button.description = "Start again" if state is TimerState.FINISHED else "Start"
        self.pause_button.disabled = not active
        self.pause_button.description = "Resume" if state is TimerState.PAUSED else "Pause"
        self.pause_button.icon = "play" if state is TimerState.PAUSED else "pause"
        self.skip_button.disabled = not active
        self.back_button.disabled = not active
        self.stop_button.disabled = not active
        self.done_button.disabled = not (active and reps_step)
        self.routine_choice.disabled = active
        self.person_picker.disabled = active

    def _on_driver_error(self, exc: BaseException) -> None:
        self.messages.error(
            f"The timer stopped. {report_unexpected(exc, 'running the timer')} What was "
            "completed is kept; press Start to begin again."
        )

    # -- after the session --------------------------------------------------------------------
    def _offer_checkin(self) -> None:
        if self.recorder is None or self.recorder.session_id is None or self.routine is None:
            return
        checks = {}
        for item in self.routine.items:
            exercise = self.catalog[item.exercise_id]
            box = widgets.Checkbox(value=False, description=f"{exercise.name} hurt", indent=False)
            box.add_class("backcare-hurt")
            checks[exercise.id] = box
        for old in self.hurt_checks.values():
            old.close()
        self.hurt_checks = checks
        self.hurt_box.children = [
            widgets.HTML("Did any exercise hurt? (optional)"),
            *checks.values(),
        ]
        last = self.store.last_discomfort(self.recorder.person_id)
        self._show_after_score(last or 0, scored=last is not None)  # starts at the last score
        self.after_panel.layout.display = ""

    def _on_after_slider(self, _change: dict[str, Any]) -> None:
        if not self._showing_score:  # the user moved it
            self._show_after_score(self.after_discomfort.value, scored=True)

    def _show_after_score(self, score: int, *, scored: bool) -> None:
        """Show ``score``; Save waits until a score is chosen (0 untouched is not "no pain")."""
        self._showing_score = True
        try:
            self.after_discomfort.value = score
        finally:
            self._showing_score = False
        self._after_scored = scored
        self.after_save.disabled = not scored
        for part in (self.after_unset, self.after_no_pain):
            part.layout.display = "none" if scored else ""

    def save_checkin(self) -> None:
        """Save the after-session discomfort score and any "this one hurt" answers."""
        recorder = self.recorder
        if recorder is None or recorder.session_id is None:
            raise ValueError("there is no recorded session to check in for")
        if not self._after_scored:
            raise ValueError("move the slider to your score first (or press No pain)")
        score = self.after_discomfort.value
        self.store.add_checkin(
            recorder.person_id, score, context="after", session_id=recorder.session_id
        )
        hurt = [ex for ex, box in self.hurt_checks.items() if box.value]
        for exercise_id, box in self.hurt_checks.items():
            self.store.record_hurt(recorder.session_id, exercise_id, bool(box.value))
        self.after_save.disabled = True
        note = f" Noted as hurting: {len(hurt)} exercise(s)." if hurt else ""
        self.messages.success(f"Saved: discomfort {score}/10 after the session.{note}")
        self.after_panel.layout.display = "none"

    # -- one app per cell ------------------------------------------------------------------
    def _claim_cell(self) -> None:
        """Close the app this notebook cell built before (see the module's docstring)."""
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return
        shell = get_ipython()
        kernel = getattr(shell, "kernel", None)
        if shell is None or kernel is None:
            return
        try:
            parent = kernel.get_parent()
        except Exception:
            parent = {}
        cell_id = (parent or {}).get("metadata", {}).get("cellId")
        registry: dict[Any, weakref.ref[SessionApp]] = shell.__dict__.setdefault(_REGISTRY_ATTR, {})
        previous = registry.get(cell_id)
        old = previous() if previous is not None else None
        if old is not None and old is not self:
            old.close()
        registry[cell_id] = weakref.ref(self)


def _walk(widget: widgets.Widget) -> list[widgets.Widget]:
    """``widget`` and every widget inside it."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found.extend(_walk(child))
    return found
