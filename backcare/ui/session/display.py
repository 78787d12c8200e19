"""What the focus view shows for each step: words, lengths and cues, as plain data.

:func:`focus_plan` turns a timeline into the ``plan`` the browser draws from (the browser
only formats the clock and picks the rep's phase from the elapsed time). :func:`ending`
words the end of a session: a routine run to its end, one stopped, one where every exercise
was skipped (which is not "well done").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...catalog import Catalog
from ...cues import cue_plan
from ...figures import Figures, exercise_svg
from ...prescription import Kind
from ...timeline import Step, StepKind

__all__ = [
    "FigureSource",
    "catalog_figures",
    "ending",
    "focus_plan",
    "format_clock",
    "step_where",
]

#: ``figure(step, following) -> (svg, mirrored)``: the picture for a step ("" for none), and
#: whether the view should mirror it (``exercise_svg`` mirrors the left side itself).
FigureSource = Callable[[Step, Step | None], tuple[str, bool]]

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
    """The browser's copy of a timeline: one dict a step, the total length, and the pictures
    (``figures``, each drawn once; a step's ``figure`` names its picture, "" for none)."""
    cues = cue_plan(steps, count_reps)
    pictures: dict[str, str] = {}  # each picture once; steps name theirs
    rows = []
    before = 0.0
    for i, (step, step_cues) in enumerate(zip(steps, cues, strict=True)):
        following = steps[i + 1] if i + 1 < len(steps) else None
        svg, mirrored = figure(step, following) if figure is not None else ("", False)
        key = ""
        if svg:
            key = next((k for k, v in pictures.items() if v == svg), f"f{len(pictures)}")
            pictures[key] = svg
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
                "figure": key,
                "mirror": bool(mirrored),
            }
        )
        before += float(step.seconds)
    return {"id": plan_id, "steps": rows, "total": before, "figures": pictures}


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


def catalog_figures(catalog: Catalog, figures: Figures | None = None) -> FigureSource:
    """The exercise pictures (:func:`backcare.figures.exercise_svg`) for a timeline's steps.

    A hold is drawn still in its held position; a roll and a set of reps move at the step's
    tempo; a get-ready, a switch or a rest shows the start position of what comes next. The
    picture is drawn for the step's side (the left side mirrored). Each picture is made once.
    """
    made: dict[tuple[Any, ...], str] = {}

    def draw(exercise_id: str, phase: str, side: str | None, tempo: float, hold: Any) -> str:
        key = (exercise_id, phase, side, tempo, hold)
        if key not in made:
            made[key] = exercise_svg(
                catalog[exercise_id],
                phase=phase,  # type: ignore[arg-type]
                side=side,
                size=240,
                rep_seconds=tempo,
                rep_hold_seconds=hold,
                figures=figures,
            )
        return made[key]

    def figure(step: Step, following: Step | None) -> tuple[str, bool]:
        if step.kind.is_work and step.exercise_id in catalog:
            exercise = catalog[step.exercise_id]
            if step.kind is StepKind.REPS and step.rep_seconds:
                hold = step.rep_hold_seconds
                tempo = float(step.rep_seconds) - float(hold or 0)
                return draw(exercise.id, "move", step.side, tempo, hold), False
            phase = "move" if exercise.kind is Kind.ROLL else "hold"
            return draw(exercise.id, phase, step.side, 3.0, None), False
        upcoming = following if step.kind is not StepKind.SWITCH else step
        if upcoming is not None and upcoming.exercise_id in catalog:
            return draw(upcoming.exercise_id, "start", upcoming.side, 3.0, None), False
        return "", False

    return figure
