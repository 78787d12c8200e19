"""The pictures other parts of backcare show: ``exercise_svg`` and the placeholder.

``exercise_svg(exercise, phase=..., side=..., size=...)`` returns one self-contained
``<svg>`` element (an HTML fragment) for an exercise of the catalog or a trainer's own:

* ``phase="start"`` / ``"end"``: a still picture of that pose (``"hold"`` is the held
  position, the same as ``"end"``);
* ``phase="move"``: a loop at the prescribed tempo. Holds ease into the stretch, stay there,
  and come back; reps take ``rep_seconds`` each (plus ``rep_hold_seconds`` at the top);
  the foot roll rolls heel to toe and back; an alternating exercise works one side, then the
  other;
* ``side="left"`` mirrors the picture (pictures are drawn for the right side); any other
  value (``"right"``, ``"alternating"``, ``None``) draws it as it is, so a timeline
  step's ``side`` can be passed straight in.

An exercise with an image of its own shows that image; one with neither poses nor an image
shows a neutral placeholder, so a row never lacks its picture.
"""

from __future__ import annotations

import base64
import html
from dataclasses import replace
from typing import Literal

from ..catalog import Exercise, load_catalog
from ..prescription import Kind, Sides
from .body import Body, Pose
from .library import IMAGE_TYPES, Figures, load_figures
from .scene import Figure
from .svg import ASPECT, Keyframe, render

__all__ = ["Phase", "exercise_svg", "loop_seconds", "placeholder_svg"]

Phase = Literal["start", "end", "hold", "move"]

#: Seconds of the loop for a stretch: settle, ease in, stay, ease out.
HOLD_LOOP = (1.0, 2.0, 3.0, 1.5)
ROLL_SECONDS = 6.0  # heel to toes and back


def exercise_svg(
    exercise: Exercise | str,
    *,
    phase: Phase = "move",
    side: str | None = None,
    size: int = 160,
    rep_seconds: float = 3.0,
    rep_hold_seconds: float | None = None,
    figures: Figures | None = None,
) -> str:
    """An ``<svg>`` of ``exercise`` (an :class:`Exercise` or a catalog id); see the module."""
    if isinstance(exercise, str):
        exercise = load_catalog()[exercise]
    figures = figures if figures is not None else load_figures()
    figure = figures.get(exercise.id)
    label = f"{exercise.name}: {_PHASE_WORDS[phase]}"
    if figure is None:
        return placeholder_svg(size, label=f"{exercise.name}: no picture yet")
    if figure.image is not None:
        return _image_svg(figure, size, label)
    mirror = side == "left"
    if phase != "move":
        pose = "start" if phase == "start" else "end"
        body = figure.body(pose)
        others = [figure.body(p) for p in figure.poses]
        return render(figure, [Keyframe(0.0, body)], mirror=mirror, width=size, label=label,
                      box_bodies=others)  # fmt: skip
    frames, seconds = _loop(figure, exercise, rep_seconds, rep_hold_seconds)
    return render(figure, frames, seconds=seconds, mirror=mirror, width=size, label=label)


_PHASE_WORDS = {"start": "start position", "end": "end position", "hold": "held position",
                "move": "the movement"}  # fmt: skip


def loop_seconds(
    exercise: Exercise, rep_seconds: float = 3.0, rep_hold_seconds: float | None = None
) -> float:
    """How long one loop of ``exercise``'s moving picture lasts."""
    if exercise.kind in (Kind.HOLD,):
        return sum(HOLD_LOOP)
    if exercise.kind is Kind.ROLL:
        return ROLL_SECONDS
    hold = rep_hold_seconds
    if hold is None:
        hold = exercise.prescription.rep_hold_seconds or 0
    one = rep_seconds + (hold if exercise.kind is Kind.REPS_HOLD else 0)
    return one * (2 if exercise.sides is Sides.ALTERNATING else 1)


def _loop(
    figure: Figure, exercise: Exercise, rep_seconds: float, rep_hold_seconds: float | None
) -> tuple[list[Keyframe], float]:
    start, end = figure.body("start"), figure.body("end")
    total = loop_seconds(exercise, rep_seconds, rep_hold_seconds)
    if exercise.kind is Kind.HOLD:
        settle, ease, stay, _back = HOLD_LOOP
        marks = [0.0, settle, settle + ease, settle + ease + stay, total]
        bodies = [start, start, end, end, start]
    elif exercise.kind is Kind.ROLL:
        marks, bodies = [0.0, total / 2, total], [start, end, start]
    elif exercise.sides is Sides.ALTERNATING:
        other = _other_side(figure)
        marks = [0.0, total / 4, total / 2, 3 * total / 4, total]
        bodies = [start, end, start, other, start]
    elif exercise.kind is Kind.REPS_HOLD:
        hold = total - rep_seconds
        marks = [0.0, rep_seconds / 2, rep_seconds / 2 + hold, total]
        bodies = [start, end, end, start]
    else:
        marks, bodies = [0.0, total / 2, total], [start, end, start]
    return [Keyframe(m / total, b) for m, b in zip(marks, bodies, strict=True)], total


def _other_side(figure: Figure) -> Body:
    """The end pose done with the other limbs (an alternating exercise's second half)."""
    pose = figure.poses["end"]
    start = figure.poses["start"]
    limbs = dict(pose.limbs)
    for kind in ("arm", "leg"):
        right, left = f"right_{kind}", f"left_{kind}"
        if pose.limbs[right] != start.limbs[right]:
            limbs[left], limbs[right] = pose.limbs[right], start.limbs[right]
    swapped: Pose = replace(pose, limbs=limbs)
    return replace(figure, poses={**figure.poses, "other": swapped}).body("other")


def _image_svg(figure: Figure, size: int, label: str) -> str:
    assert figure.image is not None
    mime = IMAGE_TYPES[figure.image.suffix.lower()]
    try:
        data = base64.b64encode(figure.image.read_bytes()).decode("ascii")
    except OSError:  # moved or deleted since the file was read: the plain outline instead
        return placeholder_svg(size, label=f"{label} (picture file missing)")
    w, h = 400, round(400 / ASPECT)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{size}" '
        f'height="{round(size / ASPECT)}" role="img" class="backcare-figure '
        f'backcare-figure-image" aria-label="{html.escape(label)}">'
        f"<title>{html.escape(label)}</title>"
        f'<image href="data:{mime};base64,{data}" x="0" y="0" width="{w}" height="{h}" '
        'preserveAspectRatio="xMidYMid meet"/></svg>'
    )


def placeholder_svg(size: int = 160, *, label: str = "No picture for this exercise") -> str:
    """A neutral grey outline of a standing person in a dashed frame."""
    w, h = 200, round(200 / ASPECT)
    grey = "#b5b5b5"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{size}" '
        f'height="{round(size / ASPECT)}" role="img" class="backcare-figure '
        f'backcare-figure-placeholder" aria-label="{html.escape(label)}">'
        f"<title>{html.escape(label)}</title>"
        f'<rect x="3" y="3" width="{w - 6}" height="{h - 6}" rx="10" fill="#f5f5f5" '
        f'stroke="{grey}" stroke-width="2" stroke-dasharray="7 5"/>'
        f'<g stroke="{grey}" stroke-linecap="round" fill="none">'
        f'<circle cx="100" cy="36" r="11" fill="{grey}" stroke="none"/>'
        '<line x1="100" y1="52" x2="100" y2="98" stroke-width="12"/>'
        '<line x1="100" y1="56" x2="84" y2="96" stroke-width="7"/>'
        '<line x1="100" y1="56" x2="116" y2="96" stroke-width="7"/>'
        '<line x1="100" y1="100" x2="90" y2="138" stroke-width="9"/>'
        '<line x1="100" y1="100" x2="110" y2="138" stroke-width="9"/>'
        "</g></svg>"
    )
