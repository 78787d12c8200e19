"""Progression: what to do next with each exercise, from how the back answered.

* :mod:`.ladder`: the steps an exercise climbs (holds, reps, then sets), a trainer's own too;
* :mod:`.records`: the rule's input frame from the store's frames (sessions, steps, pain during,
  next-morning answers) and when the next-morning question is due;
* :mod:`.rule`: the rule (pain-monitoring model, graded activity) as a pure function of plain
  session records, its cited parameters in one place, and the reason in one sentence.

This package imports nothing above :mod:`backcare.prescription` at import time, so the catalog
can read an exercise's own ladder from here.
"""

from __future__ import annotations

from .ladder import DEFAULT_LADDERS, Ladder, LadderError, ladder_for, step_down, step_up
from .rule import (
    GUIDANCE_NOTE,
    MORNING_ANSWERS,
    MORNING_QUESTION,
    RECORD_COLUMNS,
    RULE,
    SOURCES,
    Action,
    ProgressionRule,
    SessionRecord,
    Suggestion,
    records_from_frame,
    suggest,
    suggest_for_routine,
)

__all__ = [
    "DEFAULT_LADDERS",
    "GUIDANCE_NOTE",
    "MORNING_ANSWERS",
    "MORNING_QUESTION",
    "RECORD_COLUMNS",
    "RULE",
    "SOURCES",
    "Action",
    "Ladder",
    "LadderError",
    "ProgressionRule",
    "SessionRecord",
    "Suggestion",
    "ladder_for",
    "records_from_frame",
    "step_down",
    "step_up",
    "suggest",
    "suggest_for_routine",
]
