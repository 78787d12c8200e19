"""The session's buttons: Start, Pause/Resume, Back, Skip, Done and Stop, and which of them
can be pressed in each state of the timer."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ...timer import TimerState

__all__ = ["ControlBar"]


def _button(label: str, css: str, icon: str, tip: str) -> widgets.Button:
    button = widgets.Button(description=label, icon=icon, tooltip=tip)
    button.add_class(css)
    return button


class ControlBar(widgets.HBox):
    """One row of buttons (CSS class ``backcare-controls``), in the order they are used."""

    def __init__(self, **kwargs: Any) -> None:
        self.start_button = _button("Start", "backcare-start", "play", "Start the session")
        self.pause_button = _button("Pause", "backcare-pause", "pause", "Pause or resume (Space)")
        self.back_button = _button(
            "Back", "backcare-back", "backward", "Back to the start of the step before (←)"
        )
        self.skip_button = _button("Skip", "backcare-skip", "forward", "Skip this step (→)")
        self.done_button = _button("Done", "backcare-done", "check", "This set of reps is done")
        self.stop_button = _button(
            "Stop", "backcare-stop", "stop", "Stop the session; what you did is kept (Esc asks)"
        )
        super().__init__(
            [
                self.start_button,
                self.pause_button,
                self.back_button,
                self.skip_button,
                self.done_button,
                self.stop_button,
            ],
            **kwargs,
        )
        self.add_class("backcare-controls")

    def show(self, state: TimerState, reps_step: bool) -> None:
        """What can be pressed now: a session under way can be paused, moved or stopped (not
        started again); Done only for a set of reps; Resume instead of Pause while paused."""
        active = state in (TimerState.RUNNING, TimerState.PAUSED)
        paused = state is TimerState.PAUSED
        self.start_button.disabled = active
        self.start_button.button_style = "" if active else "success"
        self.start_button.description = "Start again" if state is TimerState.FINISHED else "Start"
        self.pause_button.disabled = not active
        self.pause_button.description = "Resume" if paused else "Pause"
        self.pause_button.icon = "play" if paused else "pause"
        self.pause_button.button_style = "success" if paused else ""
        for button in (self.skip_button, self.back_button, self.stop_button):
            button.disabled = not active
        self.stop_button.button_style = "danger" if active else ""
        done_ok = active and reps_step
        self.done_button.disabled = not done_ok
        self.done_button.button_style = "info" if done_ok else ""
