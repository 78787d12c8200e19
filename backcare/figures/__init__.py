"""Drawings of the exercises: a figure model, poses as data, and SVG pictures of them.

* :mod:`.body`: the figure's proportions, a pose (joint directions) and where it puts each
  joint; joint angles for the checks.
* :mod:`.scene`: one exercise's picture as data (view, props, target muscles, poses).
* :mod:`.library`: reading ``data/poses.toml`` and a trainer's ``my_exercises.toml``.
* :mod:`.svg`: still and moving SVG.
* :mod:`.api`: :func:`exercise_svg`, the one call the planner, the session and the
  handout use, and the placeholder.
* :mod:`.sheet`: a contact sheet of every exercise (start and end).

No widgets here: views wrap these strings in ``ipywidgets.HTML``.
"""

from .api import exercise_svg, loop_seconds, placeholder_svg
from .library import FigureError, Figures, load_figures
from .scene import Figure

__all__ = [
    "Figure",
    "FigureError",
    "Figures",
    "exercise_svg",
    "load_figures",
    "loop_seconds",
    "placeholder_svg",
]
