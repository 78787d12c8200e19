"""The offer to carry on, or end, a session that was left part-way."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ...timer import Unfinished, unfinished_session
from ..common import esc

__all__ = ["PartialOffer"]


class PartialOffer(widgets.VBox):
    """ "An unfinished session ...": Resume it, or End it (what was done stays)."""

    def __init__(self) -> None:
        self.offer: Unfinished | None = None
        self.text = widgets.HTML()
        self.text.add_class("backcare-partial-text")
        self.resume = widgets.Button(
            description="Resume it",
            icon="play",
            button_style="success",
            tooltip="Carry on from the first step not yet done",
        )
        self.resume.add_class("backcare-resume-partial")
        self.end = widgets.Button(
            description="End it", icon="stop", tooltip="End it; the steps done are kept"
        )
        self.end.add_class("backcare-end-partial")
        super().__init__(
            [self.text, widgets.HBox([self.resume, self.end])],
            layout=widgets.Layout(display="none", border="2px solid #1976d2", padding="6px 10px"),
        )
        self.add_class("backcare-partial")

    def find(self, store: Any, person_id: int | None, catalog: Any, exclude: set[int]) -> None:
        """Look for the person's unfinished session and offer it (or hide)."""
        self.offer = unfinished_session(store, person_id, exclude)
        if self.offer is None:
            self.hide()
            return
        offer = self.offer
        when = offer.started_at
        when_text = when.strftime("%a %d %b, %H:%M") if hasattr(when, "strftime") else str(when)
        self.text.value = (
            f"<b>An unfinished session:</b> {esc(offer.routine_name)}, started {esc(when_text)}, "
            f"stopped before step {offer.resume_at + 1} of {offer.step_count} "
            f"({offer.done_work} of {offer.planned_work} exercise steps done). "
            "Resume it where it stopped, or end it and keep what was done."
        )
        self.layout.display = ""

    def hide(self) -> None:
        self.offer = None
        self.layout.display = "none"
