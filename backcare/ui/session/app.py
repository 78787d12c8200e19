"""The guided session app: the kernel keeps the record, the browser draws the countdown.

Parts:

* :class:`~backcare.timer.SessionTimer` is the model (states, steps, deadlines) and
  :class:`~backcare.timer.SessionRecorder` writes each step to the store as it happens.
* :class:`~backcare.ui.session.driver.TimerDriver` wakes the kernel at each step's deadline
  (``time.monotonic()``), not every second.
* :class:`~backcare.ui.session.front.FocusView` (anywidget) draws the countdown from the
  step's end time in the browser, speaks the cues, keeps the screen awake, reads the keys and
  sends heartbeats. :class:`~backcare.presence.Presence` reads the heartbeats: when no view is
  left the session pauses as of the moment the last one was heard from, stays in the log as
  unfinished, and the next time the app opens it offers to resume or end it.
* :class:`SessionApp` (this module) joins them: person, routine, the focus view, the buttons,
  the pain-during question after each exercise, the after-session check-in and the settings.

Re-running the notebook cell that builds the app closes the app that cell built before
(:mod:`.registry`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from ...catalog import Catalog
from ...cues import CueSettings
from ...presence import Presence
from ...routine import Routine
from ...safety import red_flags_sentence
from ...timeline import Step, StepKind, format_duration
from ...timer import (
    EventKind,
    SessionRecorder,
    SessionTimer,
    Snapshot,
    TimerEvent,
    TimerState,
    resume_unfinished,
)
from ..common import Messages, esc, open_catalog, open_store, prose, report_unexpected
from ..people import PersonPicker
from ..pictures import open_figures
from ..zone import BrowserZone, take_browser_zone
from .checkin import AfterPanel, PainDuringPanel
from .choices import Choice, routine_choices
from .controls import ControlBar
from .display import (
    FigureSource,
    catalog_figures,
    ending,
    focus_plan,
    format_clock,
)
from .driver import TimerDriver
from .front import FocusView
from .partial import PartialOffer
from .registry import claim_cell, live_session_ids, walk
from .settings_row import SettingsRow

__all__ = ["SessionApp", "format_clock"]

log = logging.getLogger(__name__)


class SessionApp(widgets.VBox):
    """The guided session. Build it in one cell, show it in the next."""

    def __init__(
        self,
        store: Any = None,
        catalog: Catalog | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        loop: asyncio.AbstractEventLoop | None = None,
        figure: FigureSource | None = None,
    ) -> None:
        self.messages = Messages()
        self.catalog = open_catalog(self.messages, catalog)
        self.clock = clock
        self._loop = loop
        self.store = open_store(self.messages, store)
        self.figure = figure or catalog_figures(self.catalog, open_figures(self.messages))
        self.timer: SessionTimer | None = None
        self.recorder: SessionRecorder | None = None
        self.routine: Routine | None = None
        self._choices: list[Choice] = []
        self.presence = Presence(clock)
        self.paused_for_no_view = False
        self.run_id = 0
        self.entry = -1  # steps entered in this run (a step entered again counts again)
        self._seq = 0  # bumped by every action, so the browser re-reads the run
        self._sent: tuple[Any, ...] | None = None
        self._done_work = 0
        self.step_log: list[dict[str, float]] = []  # when the kernel began each step
        self.driver = TimerDriver(self.refresh, self._on_driver_error, clock)

        self._build()
        self._wire()
        self._refresh_routines()
        super().__init__(self._layout())
        self.add_class("backcare-session")
        claim_cell(self)

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.person_picker = PersonPicker(self.store)
        # the browser's zone, for a person whose days are not yet known to be theirs
        self.browser_zone = BrowserZone()
        self.routine_choice = widgets.Dropdown(
            description="Routine",
            layout=widgets.Layout(width="auto", min_width="240px", max_width="460px"),
        )
        self.routine_choice.add_class("backcare-routine-choice")
        self.routine_info = widgets.HTML()
        self.routine_info.add_class("backcare-routine-info")
        self.partial = PartialOffer()
        self.front = FocusView(clock=self.clock)
        self.front.add_class("backcare-focus")
        self.controls = ControlBar()
        (
            self.start_button,
            self.pause_button,
            self.back_button,
            self.skip_button,
            self.done_button,
            self.stop_button,
        ) = self.controls.children
        self.pain = PainDuringPanel()
        self.after = AfterPanel()
        self.settings_row = SettingsRow()

    @property
    def person_id(self) -> int | None:
        return self.person_picker.person_id

    def _layout(self) -> list[widgets.Widget]:
        header = widgets.HTML(
            "<b>Guided session.</b> Choose a routine and press Start. Stop at once if an "
            "exercise causes sharp pain or pain that keeps getting worse."
            # the red flags, before a session starts (one wording: backcare.safety)
            + prose(
                f'<p class="backcare-session-red-flags"><small>{red_flags_sentence()}</small></p>'
            )
        )
        picker_row = widgets.HBox([self.person_picker, self.routine_choice])
        picker_row.add_class("backcare-picker-row")
        return [
            self.browser_zone,
            header,
            picker_row,
            self.routine_info,
            self.partial,
            self.front,
            self.controls,
            self.messages,
            self.pain,
            self.after,
            self.settings_row,
        ]

    def _wire(self) -> None:
        guard = self.messages.guard
        self.start_button.on_click(guard(lambda _: self.start()))
        self.pause_button.on_click(guard(lambda _: self.toggle_pause()))
        self.skip_button.on_click(guard(lambda _: self.skip()))
        self.back_button.on_click(guard(lambda _: self.back()))
        self.done_button.on_click(guard(lambda _: self.done()))
        self.stop_button.on_click(guard(lambda _: self.stop()))
        self.after.save.on_click(guard(lambda _: self.save_checkin()))
        self.pain.buttons.observe(guard(self._on_pain), names="value")
        self.partial.resume.on_click(guard(lambda _: self.resume_partial()))
        self.partial.end.on_click(guard(lambda _: self.end_partial()))
        self.routine_choice.observe(guard(self._on_routine), names="value")
        self.person_picker.observe(guard(lambda _: self._refresh_routines()), names="person_id")
        self.browser_zone.observe(guard(lambda _: self._take_zone()), names="zone")
        self.settings_row.on_change = guard(self._on_settings)
        self.front.on_beat = guard(self._on_beat)
        self.front.on_gone = guard(self._on_gone)
        self.front.on_key = guard(self.key)

    # -- routines and the person ------------------------------------------------------------
    def _refresh_routines(self) -> None:
        chosen = self._choices[self.routine_choice.value].label if self._choices else None
        self._choices, problems = routine_choices(self.store, self.person_id, self.catalog)
        labels = [c.label for c in self._choices]
        self.routine_choice.options = [(label, n) for n, label in enumerate(labels)]
        self.routine_choice.value = labels.index(chosen) if chosen in labels else 0
        self._on_routine()
        self._load_settings()
        take_browser_zone(self.browser_zone, self.store, self.person_id)
        self._offer_partial()
        if problems:
            self.messages.info("Some routine files were left out: " + "; ".join(problems))

    def _on_routine(self, _change: Any = None) -> None:
        index = self.routine_choice.value
        if index is None:
            return
        routine = self._choices[index].routine
        steps = routine.steps(self.catalog)
        groups = ", ".join(self.catalog.group(g).name for g in routine.groups(self.catalog))
        self.routine_info.value = (
            f"<b>{esc(routine.name)}</b>: {len(routine.items)} exercises ({esc(groups)}), "
            f"about {format_duration(sum(s.seconds for s in steps))}."
        )
        if self.timer is None or self.timer.state is TimerState.FINISHED:
            self.routine = routine
            self.timer = None  # the preview of the routine chosen, ready to start
            self._show_plan(steps)
            self._send_run(force=True)
            self._set_buttons(TimerState.READY, False)

    def _show_plan(self, steps: Sequence[Step]) -> None:
        self.front.plan = focus_plan(
            steps,
            count_reps=self.settings_row.settings.count_reps,
            figure=self.figure,
            plan_id=self.run_id,
        )

    def _load_settings(self) -> None:
        settings = CueSettings()
        if self.person_id is not None and hasattr(self.store, "cue_settings"):
            try:
                settings = CueSettings.from_dict(self.store.cue_settings(self.person_id))
            except ValueError as exc:
                self.messages.info(f"Your saved sound settings could not be read ({exc}).")
        changed = settings != self.settings_row.settings
        self.settings_row.show(settings)
        self.front.settings = settings.to_dict()
        if changed and self.timer is None and self.routine is not None:
            self._show_plan(self.routine.steps(self.catalog))  # rep counting changes the cues

    def _on_settings(self, settings: CueSettings) -> None:
        self.front.settings = settings.to_dict()
        if self.person_id is not None and hasattr(self.store, "save_cue_settings"):
            self.store.save_cue_settings(self.person_id, settings.to_dict())
        if self.timer is not None and self.timer.state is not TimerState.FINISHED:
            self._show_plan(self.timer.steps)  # rep counting changes the cues
        elif self.routine is not None:
            self._show_plan(self.routine.steps(self.catalog))

    # -- actions (buttons and keys call these; tests may too) -------------------------------
    def start(self, steps: Sequence[Step] | None = None) -> None:
        """Start the chosen routine. ``steps``: run this timeline instead, unrecorded.

        A timeline given directly (tests, the benchmark) may be shorter than any routine
        allows; as it matches no routine it is not written to the log."""
        if self.timer is not None and self.timer.state is TimerState.PAUSED:
            self.toggle_pause()
            return
        if self.timer is not None and self.timer.state is TimerState.RUNNING:
            return
        if self.routine is None:
            raise ValueError("choose a routine first")
        timeline = tuple(steps) if steps is not None else self.routine.steps(self.catalog)
        recorder = None
        if steps is None:
            if self.person_id is None:  # nobody in the log yet: record as "Me"
                self.person_picker.select(self.store.default_person().id)
                self._on_settings(self.settings_row.settings)
            recorder = SessionRecorder(self.store, self.person_id, self.routine, self.catalog)
        self._begin(timeline, recorder, 0)

    def _begin(
        self, timeline: Sequence[Step], recorder: SessionRecorder | None, index: int
    ) -> None:
        self.messages.clear()
        self.after.hide()
        self.pain.hide()
        self.partial.hide()
        self.run_id += 1
        self.entry = -1
        self._done_work = 0
        self.paused_for_no_view = False
        self.presence.restart_grace()
        self.step_log = []
        self.timer = SessionTimer(timeline, clock=self.clock)
        self.recorder = recorder
        if recorder is not None:
            self.timer.subscribe(recorder)
        self.timer.subscribe(self._on_event)
        self._show_plan(timeline)
        self.timer.start(index)
        self._kick()

    def toggle_pause(self) -> None:
        timer = self._active_timer()
        if timer is None:
            return
        if timer.state is TimerState.PAUSED:
            self.paused_for_no_view = False
            self.presence.restart_grace()
            self.messages.clear()
        timer.toggle_pause()
        self._kick()

    def _active_timer(self) -> SessionTimer | None:
        """The timer to act on; ``None`` once it is over (a late second click does nothing)."""
        if self.timer is None:
            raise ValueError("press Start first")
        if self.timer.state is TimerState.FINISHED:
            return None
        return self.timer

    def _act(self, action: str) -> None:
        timer = self._active_timer()
        if timer is None:
            return
        if action == "done" and timer.step.kind is not StepKind.REPS:
            return  # a key or a late click on a step that is not a set of reps
        getattr(timer, action)()
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

    def key(self, action: str) -> None:
        """A key pressed in the browser: ``pause`` (Space), ``skip``, ``back``, ``stop``."""
        if self.timer is None or self.timer.state in (TimerState.READY, TimerState.FINISHED):
            return
        handlers = {
            "pause": self.toggle_pause,
            "skip": self.skip,
            "back": self.back,
            "stop": self.stop,
        }
        if action in handlers:
            handlers[action]()

    def _take_zone(self) -> None:
        """The person's days are counted in their browser's zone once it is known (and an
        unfinished session's start is shown in it)."""
        if take_browser_zone(self.browser_zone, self.store, self.person_id):
            self._offer_partial()

    # -- an unfinished session (its page was closed, or its kernel stopped) -------------------
    def _offer_partial(self) -> None:
        live = live_session_ids(self)
        self.partial.find(self.store, self.person_id, self.catalog, exclude=live)

    def resume_partial(self) -> None:
        """Carry on the unfinished session offered, from its first step not yet done."""
        offer = self.partial.offer
        if offer is None:
            raise ValueError("there is no unfinished session to resume")
        self.routine, timeline, recorder = resume_unfinished(self.store, offer, self.catalog)
        self._begin(timeline, recorder, offer.resume_at)

    def end_partial(self) -> None:
        """End the unfinished session offered, keeping what was done."""
        offer = self.partial.offer
        if offer is None:
            raise ValueError("there is no unfinished session to end")
        self.store.finish_session(offer.session_id, status="stopped")
        self.partial.hide()
        self.messages.success("Ended. The steps done in that session stay in your log.")

    # -- the views following ------------------------------------------------------------------
    def _on_beat(self, view: str, visible: bool) -> None:
        self.presence.beat(view, visible)

    def _on_gone(self, view: str) -> None:
        self.presence.gone(view)
        self.driver.wake()

    def _check_followed(self) -> float | None:
        """Pause when no view is left; returns when to look again (``None``: no need)."""
        timer = self.timer
        if timer is None or timer.state is not TimerState.RUNNING:
            return None
        at = self.presence.pause_at()
        if at is None:
            return self.presence.next_check_at()
        timer.pause(at=at)
        self.paused_for_no_view = True
        self._seq += 1
        self.messages.info(
            "Paused: no page was showing the session, so nothing more is counted as done. "
            "Press Resume to carry on, or Stop to end it; what was done is kept."
        )
        return None

    def close(self) -> None:
        """Stop the timer and its task, close every widget.

        A session running or paused by hand is recorded as stopped. One paused because its
        page was closed stays unfinished, to be offered for resuming next time."""
        self.driver.cancel()
        timer = self.timer
        paused = timer is not None and timer.state is TimerState.PAUSED
        keep_open = paused and self.paused_for_no_view
        if timer is not None and timer.state is not TimerState.FINISHED and not keep_open:
            try:
                timer.stop()
            except Exception:
                log.error("stopping the session on close failed\n%s", traceback.format_exc())
        for child in walk(self):
            if child is not self:
                child.close()
        super().close()

    def _kick(self) -> None:
        """Show the change now and make sure the driver is running."""
        self._seq += 1
        self.refresh()
        loop = self._event_loop()
        if loop is None and self.timer is not None and self.timer.state is TimerState.RUNNING:
            self.messages.info(
                "No event loop is running here, so steps only change when the view is "
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
    def _on_event(self, event: TimerEvent) -> None:
        step = event.step
        if event.kind is EventKind.STEP_STARTED:
            self.entry += 1
            self.step_log.append(
                {"index": step.index if step else -1, "at": event.at, "noticed": self.clock()}
            )
        elif event.kind is EventKind.STEP_COMPLETED and step is not None and step.kind.is_work:
            self._done_work += 1
        if event.kind in (EventKind.STEP_COMPLETED, EventKind.STEP_SKIPPED) and step:
            self._maybe_ask_pain(step)
        if event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            self._offer_checkin()

    def _maybe_ask_pain(self, step: Step) -> None:
        """After an exercise's last set, ask how much it hurt (if any set of it was done)."""
        recorder, timer = self.recorder, self.timer
        if recorder is None or timer is None or not step.kind.is_work or not step.exercise_id:
            return
        later = timer.steps[step.index + 1 :]
        if any(s.kind.is_work and s.exercise_id == step.exercise_id for s in later):
            return
        if step.exercise_id in recorder.done_exercises:
            self.pain.ask(step.exercise_id, self.catalog[step.exercise_id].name)

    def _on_pain(self, change: dict[str, Any]) -> None:
        score, recorder = change["new"], self.recorder
        if score is None or self.pain.exercise_id is None or recorder is None:
            return
        if recorder.session_id is None:
            return
        self.store.record_pain_during(recorder.session_id, self.pain.exercise_id, int(score))
        self.pain.show_saved(int(score))

    def refresh(self) -> float | bool | None:
        """Bring the view up to date with the timer; return when to look again.

        ``False`` when the session is over (the driver then ends), ``None`` when nothing
        happens until a button is pressed, else the clock time of the next step change or
        of the next look at who is following."""
        timer = self.timer
        if timer is None:
            return None
        check = self._check_followed()
        snap = timer.tick()
        self._draw(snap)
        if snap.state is TimerState.FINISHED:
            return False
        if snap.state is not TimerState.RUNNING:
            return None
        due = [t for t in (timer.deadline(), check) if t is not None]
        return min(due) if due else None

    def _draw(self, snap: Snapshot) -> None:
        self._send_run()
        self._set_buttons(snap.state, snap.step.kind is StepKind.REPS)

    def _send_run(self, force: bool = False) -> None:
        timer = self.timer
        state = timer.state if timer is not None else TimerState.READY
        stopped = bool(timer and timer.stopped)
        key = (state, timer.index if timer else 0, self.entry, stopped, self._seq, self.run_id)
        if key == self._sent and not force:
            return
        self._sent = key
        now, wall = self.clock(), time.time()
        elapsed = timer.elapsed(now) if timer is not None else 0.0
        began = self.step_log[-1] if self.step_log else {"at": now, "noticed": now}
        first = (self.front.plan.get("steps") or [{}])[0]
        remaining = timer.remaining(now) if timer is not None else first.get("seconds", 0.0)
        headline, note = ending(stopped, self._done_work)
        self.front.run = {
            "state": state.value,
            "index": timer.index if timer is not None else 0,
            "entry": max(0, self.entry),
            "run_id": self.run_id,
            "seq": self._seq,
            "remaining": remaining,
            "elapsed": elapsed,
            "k_now": now,
            "wall_now": wall,
            "step_wall": wall - (now - began["at"]),  # when the step began, by the kernel
            "noticed_wall": wall - (now - began["noticed"]),  # when the kernel acted on it
            "stopped": stopped,
            "headline": headline if state is TimerState.FINISHED else "",
            "note": note if state is TimerState.FINISHED else "",
            "no_view": self.paused_for_no_view,
        }

    def _set_buttons(self, state: TimerState, reps_step: bool) -> None:
        self.controls.show(state, reps_step)
        # the person and the routine stay as they are while a session is under way
        active = state in (TimerState.RUNNING, TimerState.PAUSED)
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
        exercises = [(i.exercise_id, self.catalog[i.exercise_id].name) for i in self.routine.items]
        self.after.offer(exercises, self.store.last_discomfort(self.recorder.person_id))

    def save_checkin(self) -> None:
        """Save the after-session discomfort score and any "this one hurt" answers."""
        recorder = self.recorder
        if recorder is None or recorder.session_id is None:
            raise ValueError("there is no recorded session to check in for")
        if not self.after.scored:
            raise ValueError("move the slider to your score first (or press No pain)")
        score = self.after.discomfort.value
        answers = self.after.hurt_answers()
        recorder.check_in_after(score, answers)
        self.after.save.disabled = True
        hurt = sum(answers.values())
        note = f" Noted as hurting: {hurt} exercise(s)." if hurt else ""
        self.messages.success(f"Saved: discomfort {score}/10 after the session.{note}")
        self.after.hide()
