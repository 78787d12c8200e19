"""What the focus view shows for each step: words, lengths and cues, as plain data.

:func:`focus_plan` turns a timeline into the ``plan`` the browser draws from (the browser
only formats the clock and picks the rep's phase from the elapsed time). :func:`ending`
words the end of a session: a routine run to its end, one stopped, one where every exercise
was skipped (which is not "well done").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...cues import cue_plan
from ...timeline import Step, StepKind

__all__ = [
    "FigureSource",
    "ending",
    "focus_plan",
    "format_clock",
    "minutes_text",
    "step_where",
]

#: ``figure(step) -> (svg, mirrored)``: the exercise's picture for a step, if there is one.
FigureSource = Callable[[Step], tuple[str, bool]]

_LABELS = {
    StepKind.GET_READY: "get ready",
    StepKind.HOLD: "hold",
    StepKind.REPS: "reps",
    StepKind.SWITCH: "switch sides",
    StepKind.REST: "rest",
    StepKind.DONE: "",
}


def format_clock(seconds: int) -> str:
    """``75`` -> ``1:15``; under a minute just the seconds."""
    seconds = max(0, int(seconds))
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}" if minutes else str(rest)


def minutes_text(seconds: float) -> str:
    """``126`` -> ``2 min 6 s``; ``45`` -> ``45 s``; from ten minutes on, whole minutes."""
    minutes, rest = divmod(round(seconds), 60)
    if minutes == 0:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest and minutes < 10 else f"{round(seconds / 60)} min"


def step_where(step: Step) -> str:
    """Side and set in words: "Left side · set 1 of 2", "Both sides at once", ..."""
    parts = []
    if step.kind.is_work or step.kind is StepKind.SWITCH:
        if step.side in ("left", "right"):
            parts.append(f"{step.side.capitalize()} side")
        elif step.side == "alternating":
            parts.append("Alternate sides")
        elif step.exercise_id:
            parts.append("Both sides at once")
    if step.sets and step.set_number and step.kind is not StepKind.REST:
        parts.append(f"set {step.set_number} of {step.sets}")
    elif step.kind is StepKind.REST and step.sets and step.set_number:
        parts.append(f"after set {step.set_number} of {step.sets}")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def _phases(step: Step) -> list[tuple[float, str]]:
    if step.kind is not StepKind.REPS or not step.rep_seconds:
        return []
    hold = float(step.rep_hold_seconds or 0)
    move = max(0.0, float(step.rep_seconds) - hold) / 2
    phases = [(move, "lift"), (hold, "hold it"), (move, "lower")]
    return [(round(length, 3), word) for length, word in phases if length > 0]


def focus_plan(
    steps: Sequence[Step],
    *,
    count_reps: bool = False,
    figure: FigureSource | None = None,
    plan_id: int = 0,
) -> dict[str, Any]:
    """The browser's copy of a timeline: one dict a step, and the total length."""
    cues = cue_plan(steps, count_reps)
    rows = []
    before = 0.0
    for step, step_cues in zip(steps, cues, strict=True):
        svg, mirrored = figure(step) if figure is not None and step.exercise_id else ("", False)
        rows.append(
            {
                "index": step.index,
                "kind": step.kind.value,
                "title": step.title,
                "where": step_where(step),
                "label": _LABELS[step.kind],
                "next": step.next_title,
                "detail": step.detail,
                "seconds": float(step.seconds),
                "self_paced": bool(step.self_paced),
                "reps": step.reps,
                "rep_seconds": step.rep_seconds,
                "phases": _phases(step),
                "before": before,
                "cues": step_cues,
                "figure": svg,
                "mirror": bool(mirrored),
            }
        )
        before += float(step.seconds)
    return {"id": plan_id, "steps": rows, "total": before}


def ending(stopped: bool, done_work_steps: int) -> tuple[str, str]:
    """The headline and the sentence under it when a session is over."""
    if stopped:
        return "Stopped", "What you completed has been kept in your log."
    if done_work_steps == 0:
        return (
            "Finished, with every exercise skipped",
            "Nothing was recorded as done. Press Start when you are ready to try again.",
        )
    return "Well done", "That is the whole routine."
