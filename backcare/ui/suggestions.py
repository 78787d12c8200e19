"""What next? The per-exercise suggestions of the progression rule, where people decide.

:class:`SuggestionsPanel` wraps a :class:`backcare.progression.advice.Advisor` for one person:
for each plan the person follows, one row an exercise with the suggestion and its reason in
one sentence. On the dashboard it only shows them; in the planner (``decide=True``) each
suggestion that would change the plan has *Accept* (a new plan version from today) and
*Not now* (not offered again until new data arrive). No rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..progression import GUIDANCE_NOTE, Action, Suggestion
from ..progression.advice import Advisor, PlanAdvice
from .common import Messages, esc, prose

__all__ = ["SuggestionsPanel", "suggestion_summary"]

_BADGE = {
    Action.PROGRESS: "#2e7d32",
    Action.STAY: "#546e7a",
    Action.TOP: "#546e7a",
    Action.EASE_OFF: "#b26a00",
    Action.LEAVE_OUT: "#c62828",
}


def _badge(action: Action) -> str:
    return (
        f'<span class="backcare-suggestion-action backcare-suggestion-{action.value}" '
        f'style="color:#fff;background:{_BADGE[action]};border-radius:3px;padding:1px 6px;'
        f'white-space:nowrap">{esc(action.label)}</span>'
    )


def suggestion_summary(waiting: list[tuple[str, Suggestion]], names: dict[str, str]) -> str:
    """One line for the trainer overview: what waits for a decision, warnings first."""
    if not waiting:
        return ""
    order = sorted(waiting, key=lambda pair: not pair[1].action.is_warning)
    parts = []
    for _plan, s in order:
        name = names.get(s.exercise_id, s.exercise_id)
        parts.append(f"{s.action.label}: {name}")
    return "; ".join(parts)


class SuggestionsPanel(widgets.VBox):
    """Suggestions for one person; with ``decide=True`` each can be accepted or declined."""

    def __init__(self, advisor: Advisor, *, decide: bool = False, **kwargs: Any) -> None:
        self.advisor = advisor
        self.decide = decide
        self.person_id: int | None = None
        self.advice: list[PlanAdvice] = []
        self.messages = Messages()
        self.heading = widgets.HTML("<h4>What next?</h4>")
        self.body = widgets.VBox()
        self.body.add_class("backcare-suggestions-body")
        where = (
            "" if decide else " To accept or decline a suggestion, open the planner (notebook 01)."
        )
        self.note = widgets.HTML(
            prose(
                f'<p class="backcare-suggestions-note"><small>{esc(GUIDANCE_NOTE + where)}'
                "</small></p><details><summary><small>How suggestions are made</small></summary>"
                f"<small>{esc(advisor.rule.describe())}</small></details>"
            )
        )
        self._accepted: list[Callable[[str, Any], None]] = []
        self.buttons: dict[tuple[str, str], tuple[widgets.Button, widgets.Button]] = {}
        super().__init__([self.heading, self.body, self.messages, self.note], **kwargs)
        self.add_class("backcare-suggestions")

    def on_accepted(self, callback: Callable[[str, Any], None]) -> None:
        """Call ``callback(plan_uid, new_routine)`` after a suggestion is accepted."""
        self._accepted.append(callback)

    def show(self, person_id: int | None) -> None:
        """Read the person's suggestions again and draw them."""
        self.person_id = person_id
        self.advice = [] if person_id is None else self.advisor.advice(person_id)
        self._draw()

    def _draw(self) -> None:
        self.buttons = {}
        if not self.advice:
            self.body.children = [
                widgets.HTML(
                    "<p>No plan to suggest for yet: save a routine for this person in the "
                    "planner, do a few sessions and score how each exercise felt.</p>"
                )
            ]
            return
        catalog = self.advisor.catalog
        children: list[widgets.Widget] = []
        for advice in self.advice:
            children.append(widgets.HTML(f"<b>{esc(advice.plan_name)}</b>"))
            for s in advice.suggestions:
                name = catalog[s.exercise_id].name
                declined = s.exercise_id in advice.declined
                text = widgets.HTML(
                    f"{_badge(s.action)} <b>{esc(name)}</b>: {esc(s.reason)}"
                    + (
                        " <i>(not now: you said so; asked again after new sessions)</i>"
                        if declined
                        else ""
                    ),
                    layout=widgets.Layout(flex="1 1 auto"),
                )
                row: list[widgets.Widget] = [text]
                if self.decide and s.action.changes_plan and not declined:
                    accept = widgets.Button(
                        description="Accept",
                        button_style="success" if not s.action.is_warning else "warning",
                        tooltip="Save a new version of the plan from today with this change",
                        layout=widgets.Layout(width="90px", flex="0 0 auto", margin="0 0 0 6px"),
                    )
                    accept.add_class("backcare-suggestion-accept")
                    decline = widgets.Button(
                        description="Not now",
                        tooltip="Keep the plan; ask again after new sessions",
                        layout=widgets.Layout(width="90px", flex="0 0 auto"),
                    )
                    decline.add_class("backcare-suggestion-decline")
                    accept.on_click(self.messages.guard(self._accept_handler(advice.plan_uid, s)))
                    decline.on_click(self.messages.guard(self._decline_handler(advice.plan_uid, s)))
                    self.buttons[(advice.plan_uid, s.exercise_id)] = (accept, decline)
                    row += [accept, decline]
                box = widgets.HBox(row, layout=widgets.Layout(align_items="center"))
                box.add_class("backcare-suggestion")
                box.add_class(f"backcare-suggestion-{s.exercise_id}")
                children.append(box)
        self.body.children = children

    def _accept_handler(self, plan_uid: str, shown: Suggestion) -> Callable[[Any], None]:
        def handler(_button: Any) -> None:
            self.accept(plan_uid, shown.exercise_id)

        return handler

    def _decline_handler(self, plan_uid: str, shown: Suggestion) -> Callable[[Any], None]:
        def handler(_button: Any) -> None:
            self.decline(plan_uid, shown.exercise_id)

        return handler

    def _shown(self, plan_uid: str, exercise_id: str) -> tuple[str, Suggestion]:
        for advice in self.advice:
            if advice.plan_uid == plan_uid:
                for s in advice.suggestions:
                    if s.exercise_id == exercise_id:
                        return advice.plan_name, s
        raise ValueError("that suggestion is not shown any more; look again")

    def plan_uid(self, plan_name: str) -> str:
        """The uid of the shown plan called ``plan_name``."""
        for advice in self.advice:
            if advice.plan_name == plan_name:
                return advice.plan_uid
        raise ValueError(f"no plan called {plan_name!r} is shown")

    def accept(self, plan_uid: str, exercise_id: str) -> Any:
        """Accept the suggestion shown for ``exercise_id`` in the plan ``plan_uid``."""
        if self.person_id is None:
            raise ValueError("choose a person first")
        plan_name, shown = self._shown(plan_uid, exercise_id)
        try:
            routine = self.advisor.accept(self.person_id, plan_uid, shown)
        finally:
            self.show(self.person_id)
        name = self.advisor.catalog[exercise_id].name
        if shown.action is Action.LEAVE_OUT:
            what = f"{name} is left out of “{plan_name}” from today"
        else:
            assert shown.proposed is not None
            what = (
                f"{name} is now {shown.proposed.describe(self.advisor.catalog[exercise_id].sides)}"
            )
        self.messages.success(f"Saved: {what}. Earlier days keep the plan they had.")
        for callback in self._accepted:
            callback(plan_uid, routine)
        return routine

    def decline(self, plan_uid: str, exercise_id: str) -> None:
        """Decline the suggestion shown for ``exercise_id`` in the plan ``plan_uid``."""
        if self.person_id is None:
            raise ValueError("choose a person first")
        _plan_name, shown = self._shown(plan_uid, exercise_id)
        try:
            self.advisor.decline(self.person_id, plan_uid, shown)
        finally:
            self.show(self.person_id)
        self.messages.info(
            f"Kept {self.advisor.catalog[exercise_id].name} as it is; the suggestion comes back "
            "after your next sessions."
        )
