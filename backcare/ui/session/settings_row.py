"""The session's sound and screen settings: voice, beeps, volume, counting reps, screen on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ...cues import CueSettings

__all__ = ["SettingsRow"]


class SettingsRow(widgets.HBox):
    """Switches for :class:`~backcare.cues.CueSettings`; ``on_change(settings)`` on a change."""

    def __init__(self) -> None:
        def box(label: str, css: str, tip: str) -> widgets.Checkbox:
            check = widgets.Checkbox(value=True, description=label, indent=False, tooltip=tip)
            check.add_class(css)
            return check

        self.voice = box("Voice", "backcare-voice", "Say the cues aloud")
        self.beeps = box("Beeps", "backcare-sound", "A beep at each new step")
        self.volume = widgets.IntSlider(
            value=80,
            min=0,
            max=100,
            step=5,
            description="Volume",
            readout=True,
            continuous_update=False,
            layout=widgets.Layout(width="230px"),
        )
        self.volume.add_class("backcare-volume")
        self.count_reps = box("Count reps aloud", "backcare-count-reps", "Say each rep's number")
        self.keep_awake = box(
            "Keep the screen on", "backcare-keep-awake", "Stop the screen dimming during a session"
        )
        self.on_change: Callable[[CueSettings], None] | None = None
        self._showing = False
        super().__init__([self.voice, self.beeps, self.volume, self.count_reps, self.keep_awake])
        self.add_class("backcare-settings")
        self.show(CueSettings())
        for control in (self.voice, self.beeps, self.volume, self.count_reps, self.keep_awake):
            control.observe(self._changed, names="value")

    @property
    def settings(self) -> CueSettings:
        return CueSettings(
            voice=bool(self.voice.value),
            beeps=bool(self.beeps.value),
            volume=int(self.volume.value),
            count_reps=bool(self.count_reps.value),
            keep_awake=bool(self.keep_awake.value),
        )

    def show(self, settings: CueSettings) -> None:
        """Show ``settings`` without reporting them as a change."""
        self._showing = True
        try:
            self.voice.value = settings.voice
            self.beeps.value = settings.beeps
            self.volume.value = settings.volume
            self.count_reps.value = settings.count_reps
            self.keep_awake.value = settings.keep_awake
        finally:
            self._showing = False

    def _changed(self, _change: dict[str, Any]) -> None:
        if not self._showing and self.on_change is not None:
            self.on_change(self.settings)
