""" "Following now": the routines a person follows, and how a newly saved one joins them.

:class:`FollowingNow` wraps the store's plan history for the chosen person (the model is
:class:`backcare.plan_history.PlanHistory`; the rules are in the store and there): it lists
the plans followed now (name, schedule, since when, how many versions) and the retired ones,
with *Retire* and *Resume* for each and *Undo* for the latest change. Its ``mode`` picker
says what saving a routine does: *replace* a followed plan (by default the one with the same
name, else the one on the same kind of schedule) or *add it alongside*. The planner and the
trainer kit place it and call :meth:`FollowingNow.save`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..catalog import Catalog
from ..plan_history import FollowedPlan, suggest_replacement
from ..routine import Routine
from .common import Messages, esc

__all__ = ["ALONGSIDE", "FollowingNow"]

ALONGSIDE = "alongside"
_UNDONE = {
    "save": "the last save",
    "retire": "the last retirement",
    "resume": "the last resumption",
}


class FollowingNow(widgets.VBox):
    """The chosen person's followed routines, with retire, resume and undo."""

    def __init__(
        self,
        store: Any,
        catalog: Catalog,
        person: Callable[[], int | None],
        messages: Messages,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.person = person
        self.messages = messages
        self.on_change = on_change or (lambda: None)
        self.plans: list[FollowedPlan] = []
        self.title = widgets.HTML()
        self.rows = widgets.VBox()
        self.rows.add_class("backcare-following-rows")
        self.mode = widgets.Dropdown(
            description="When saved",
            options=[("Add it alongside", ALONGSIDE)],
            value=ALONGSIDE,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.mode.add_class("backcare-save-mode")
        self.undo_button = widgets.Button(
            description="Undo last change",
            icon="undo",
            disabled=True,
            layout=widgets.Layout(width="auto", flex="0 0 auto"),  # as wide as its words
            tooltip="Take back the latest save, retirement or resumption",
        )
        self.undo_button.add_class("backcare-plan-undo")
        self.undo_button.on_click(messages.guard(lambda _: self.undo()))
        super().__init__(
            [
                self.title,
                self.rows,
                widgets.HBox(
                    [self.mode, self.undo_button], layout=widgets.Layout(flex_flow="row wrap")
                ),
            ]
        )
        self.add_class("backcare-following")
        self.refresh()

    # -- actions -----------------------------------------------------------------------------
    def save(self, routine: Routine, person_id: int) -> str:
        """Save ``routine`` for the person as the ``mode`` picker says; returns a sentence."""
        target = self.mode.value
        replaced = next((p for p in self.plans if p.plan_uid == target and p.active), None)
        self.store.save_plan(person_id, routine, plan_uid=replaced.plan_uid if replaced else None)
        self.refresh(routine)
        followed = self.store.routines(person_id, self.catalog)
        if replaced is None:
            text = f"“{routine.name}” is followed from today"
            if len(followed) > 1:
                text += f", alongside {len(followed) - 1} other routine" + (
                    "s" if len(followed) > 2 else ""
                )
                text += " (retire one below if you meant to switch)"
        elif replaced.name == routine.name:
            text = f"“{routine.name}” is followed in its new version from today"
        else:
            text = f"“{routine.name}” replaces “{replaced.name}” from today"
        self.on_change()
        return text + ". Earlier days keep the plan they had."

    def retire(self, plan_uid: str) -> None:
        person_id = self._person()
        name = self._name(plan_uid)
        self.store.retire_plan(person_id, plan_uid)
        self.refresh()
        self.messages.success(
            f"Retired “{name}”: nothing is planned with it from today. Undo takes it back."
        )
        self.on_change()

    def resume(self, plan_uid: str) -> None:
        person_id = self._person()
        name = self._name(plan_uid)
        self.store.resume_plan(person_id, plan_uid)
        self.refresh()
        self.messages.success(f"Following “{name}” again from today. Undo takes it back.")
        self.on_change()

    def undo(self) -> None:
        undone = self.store.undo_plan_change(self._person())
        self.refresh()
        if undone is None:
            self.messages.info("There is no plan change to undo.")
        else:
            self.messages.success(f"Undid {_UNDONE[undone]}.")
        self.on_change()

    # -- showing -----------------------------------------------------------------------------
    def refresh(self, routine: Routine | None = None) -> None:
        """Show the person's plans; ``routine`` (the one about to be saved) sets the default
        of the ``mode`` picker."""
        person_id = self.person()
        if person_id is None:
            self.plans = []
        else:
            self.plans = self.store.plan_history(person_id, self.catalog).plans()
        following = [p for p in self.plans if p.active]
        retired = [p for p in self.plans if not p.active]
        self.title.value = (
            "<b>Following now</b>"
            if following
            else "<b>Following now</b>: <i>no routine yet; a saved routine is followed "
            "from the day it is saved</i>"
        )
        rows = [self._row(p) for p in following]
        if retired:
            rows.append(widgets.HTML("<small>Retired (resume to follow again):</small>"))
            rows.extend(self._row(p) for p in retired)
        self.rows.children = rows
        options = [(f"Replace “{p.name}”", p.plan_uid) for p in following]
        options.append(("Add it alongside" if following else "Follow it", ALONGSIDE))
        self.mode.options = options
        default = suggest_replacement(routine, following) if routine is not None else None
        self.mode.value = default or ALONGSIDE
        self.undo_button.disabled = not self.plans

    def propose(self, routine: Routine | None) -> None:
        """Set the ``mode`` default for ``routine``: replace the followed plan of the same
        name, else the one on the same kind of schedule, else add alongside."""
        following = [p for p in self.plans if p.active]
        default = suggest_replacement(routine, following) if routine is not None else None
        self.mode.value = default or ALONGSIDE

    def _row(self, plan: FollowedPlan) -> widgets.HBox:
        versions = f", {plan.versions} versions" if plan.versions > 1 else ""
        since = _day_text(plan.started_on if plan.active else plan.changed_on)
        state = f"since {since}" if plan.active else f"retired {since}"
        label = widgets.HTML(
            f"<span class='backcare-following-plan'><b>{esc(plan.name)}</b>: "
            f"{esc(plan.routine.schedule.describe())} ({state}{versions})</span>"
        )
        if plan.active:
            button = widgets.Button(description="Retire", icon="archive", tooltip="Stop it")
            button.add_class("backcare-plan-retire")
            button.on_click(self.messages.guard(lambda _, uid=plan.plan_uid: self.retire(uid)))
        else:
            button = widgets.Button(description="Resume", icon="play", tooltip="Follow again")
            button.add_class("backcare-plan-resume")
            button.on_click(self.messages.guard(lambda _, uid=plan.plan_uid: self.resume(uid)))
        button.layout = widgets.Layout(width="auto", flex="0 0 auto")  # never squeezed
        return widgets.HBox([label, button], layout=widgets.Layout(flex_flow="row wrap"))

    def _person(self) -> int:
        person_id = self.person()
        if person_id is None:
            raise ValueError("choose or add a person first")
        return person_id

    def _name(self, plan_uid: str) -> str:
        return next((p.name for p in self.plans if p.plan_uid == plan_uid), "the routine")


def _day_text(day: dt.date) -> str:
    return f"{day:%a %d %b %Y}"
