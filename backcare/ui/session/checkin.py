"""The guided session's questions: pain during each exercise, and how the back feels after.

Two panels, views only (the app writes the answers to the store):

* :class:`PainDuringPanel`: after each exercise, one optional tap from 0 to 10, "how much
  did it hurt while you did it?", with the pain-monitoring guide beside it (Thomeé, Phys Ther
  1997;77:1690, as used by Silbernagel et al. 2007): 0-2 is fine; up to 5 is acceptable if it
  has settled by the next morning; above 5, ease off. It keeps its height whether it asks or
  not, so the screen does not jump between steps.
* :class:`AfterPanel`: the after-session discomfort score (0-10) and "did any exercise
  hurt?"; Save waits until a score is chosen (an untouched 0 is not "no pain").
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..common import esc

__all__ = ["PAIN_GUIDE", "AfterPanel", "PainDuringPanel", "pain_advice"]

PAIN_GUIDE = (
    "0-2: fine. Up to 5: acceptable, if it has settled by the next morning. "
    "Above 5: ease off next time (a shorter hold or fewer reps)."
)


def pain_advice(score: int) -> str:
    """What a pain-during score means, in the guide's words."""
    if score <= 2:
        return "Fine."
    if score <= 5:
        return "Acceptable, if it has settled by tomorrow morning."
    return "Above 5: ease off next time, and stop if the pain is sharp or getting worse."


class PainDuringPanel(widgets.VBox):
    """'How much did it hurt during?' for the exercise just finished; one tap saves."""

    def __init__(self) -> None:
        self.exercise_id: str | None = None
        self.question = widgets.HTML()
        self.question.add_class("backcare-pain-question")
        self.buttons = widgets.ToggleButtons(
            options=list(range(11)),
            value=None,
            tooltips=[f"{n} of 10" for n in range(11)],
            style={"button_width": "34px"},
        )
        self.buttons.add_class("backcare-pain-buttons")
        self.guide = widgets.HTML(f"<small>{esc(PAIN_GUIDE)}</small>")
        self.guide.add_class("backcare-pain-guide")
        self.saved = widgets.HTML()
        self.saved.add_class("backcare-pain-saved")
        super().__init__(
            [self.question, widgets.HBox([self.buttons, self.saved]), self.guide],
            layout=widgets.Layout(visibility="hidden"),
        )
        self.add_class("backcare-pain-during")

    def ask(self, exercise_id: str, name: str) -> None:
        """Ask about ``exercise_id`` (shown as ``name``), forgetting the earlier answer."""
        self.exercise_id = exercise_id
        self.question.value = (
            f"How much did <b>{esc(name)}</b> hurt while you did it? "
            "<small>(optional, one tap)</small>"
        )
        self.buttons.value = None
        self.saved.value = ""
        self.layout.visibility = "visible"

    def show_saved(self, score: int) -> None:
        self.saved.value = f"Saved {score}/10. {esc(pain_advice(score))}"

    def hide(self) -> None:
        self.exercise_id = None
        self.layout.visibility = "hidden"


class AfterPanel(widgets.VBox):
    """The after-session check-in: a 0-10 score and which exercises hurt."""

    def __init__(self) -> None:
        self.title = widgets.HTML(
            "<b>How does your back feel now?</b> 0 means no pain, 10 the worst you can imagine."
        )
        self.discomfort = widgets.IntSlider(
            value=0, min=0, max=10, description="Discomfort", continuous_update=False
        )
        self.discomfort.add_class("backcare-after-discomfort")
        self.hurt_box = widgets.VBox()
        self.hurt_box.add_class("backcare-hurt-list")
        self.hurt_checks: dict[str, widgets.Checkbox] = {}
        self.save = widgets.Button(description="Save check-in", button_style="primary")
        self.save.add_class("backcare-after-save")
        # With no earlier score the slider's 0 means "not scored yet", not "no pain".
        self.unset = widgets.HTML(
            "<i>Move the slider to your score, or press <b>No pain (0)</b>.</i>"
        )
        self.no_pain = widgets.Button(description="No pain (0)")
        self.no_pain.add_class("backcare-after-no-pain")
        self.scored = False
        self._showing = False  # True while the app itself moves the slider
        super().__init__(
            [
                self.title,
                self.discomfort,
                widgets.HBox([self.unset, self.no_pain]),
                self.hurt_box,
                self.save,
            ],
            layout=widgets.Layout(display="none"),
        )
        self.add_class("backcare-after")
        self.discomfort.observe(self._on_slider, names="value")
        self.no_pain.on_click(lambda _: self.show_score(0, scored=True))

    def offer(self, exercises: list[tuple[str, str]], last_score: int | None) -> None:
        """Show the panel for these ``(exercise_id, name)``, starting at the last score."""
        checks = {}
        for exercise_id, name in exercises:
            box = widgets.Checkbox(value=False, description=f"{name} hurt", indent=False)
            box.add_class("backcare-hurt")
            checks[exercise_id] = box
        for old in self.hurt_checks.values():
            old.close()
        self.hurt_checks = checks
        question = widgets.HTML("Did any exercise hurt? (optional)")
        self.hurt_box.children = [question, *checks.values()]
        self.show_score(last_score or 0, scored=last_score is not None)
        self.layout.display = ""

    def hide(self) -> None:
        self.layout.display = "none"

    @property
    def shown(self) -> bool:
        return self.layout.display != "none"

    def _on_slider(self, _change: dict[str, Any]) -> None:
        if not self._showing:  # the user moved it
            self.show_score(self.discomfort.value, scored=True)

    def show_score(self, score: int, *, scored: bool) -> None:
        """Show ``score``; Save waits until a score is chosen."""
        self._showing = True
        try:
            self.discomfort.value = score
        finally:
            self._showing = False
        self.scored = scored
        self.save.disabled = not scored
        for part in (self.unset, self.no_pain):
            part.layout.display = "none" if scored else ""

    def hurt_answers(self) -> dict[str, bool]:
        return {exercise_id: bool(box.value) for exercise_id, box in self.hurt_checks.items()}
