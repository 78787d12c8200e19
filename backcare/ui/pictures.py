"""Exercise pictures in the apps: the figures, read once per app, and a thumbnail widget.

The drawings come from :mod:`backcare.figures`; this module only puts them in widgets. A
mistake in the ``[figure.*]`` tables of a trainer's ``my_exercises.toml`` becomes a message,
and the bundled drawings are shown meanwhile (the trainer's exercises get the placeholder).
"""

from __future__ import annotations

import ipywidgets as widgets

from ..catalog import Exercise
from ..figures import FigureError, Figures, exercise_svg, load_figures
from .common import Messages

__all__ = ["ExercisePicture", "open_figures"]


def open_figures(messages: Messages) -> Figures:
    """All figures; on a bad user file, the bundled ones and a message saying what to fix."""
    try:
        return load_figures()
    except FigureError as exc:
        messages.error(
            f"{exc}. Your own exercises show a plain outline until this is fixed "
            "(then run the cell again)."
        )
        return load_figures(include_user=False)


class ExercisePicture(widgets.HTML):
    """An exercise's moving picture at the routine's tempo (redrawn only when it changes)."""

    def __init__(self, exercise: Exercise, figures: Figures, *, size: int = 96) -> None:
        super().__init__()
        self.exercise, self.figures, self.size = exercise, figures, size
        self._shown: tuple[float, float | None] | None = None
        self.add_class("backcare-exercise-picture")
        self.add_class(f"backcare-exercise-picture-{exercise.id}")
        self.layout = widgets.Layout(width=f"{size + 4}px", min_width=f"{size + 4}px")

    def show(self, rep_seconds: float, rep_hold_seconds: float | None = None) -> None:
        """Draw the loop for this tempo; nothing is re-sent when the tempo is the same."""
        key = (rep_seconds, rep_hold_seconds)
        if key == self._shown:
            return
        self._shown = key
        self.value = exercise_svg(
            self.exercise,
            phase="move",
            size=self.size,
            rep_seconds=rep_seconds,
            rep_hold_seconds=rep_hold_seconds,
            figures=self.figures,
        )
