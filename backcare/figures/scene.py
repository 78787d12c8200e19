"""An exercise's picture as data: view, props, target region and named poses.

A :class:`Figure` is what ``data/poses.toml`` (or a trainer's ``my_exercises.toml``) says
about one exercise: the view, the props in the world (mat, massage ball, rolled towel,
stability ball, wall, door frame), the target muscles to colour (stretches of segments),
and at least a ``start`` and an ``end`` pose. For a hold, ``end`` is the held position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .body import Body, Point, Pose, View, build

__all__ = ["PROP_KINDS", "Figure", "Highlight", "Prop"]

#: Props and their fixed sizes (world units; a tennis ball is about 6.7 cm across).
PROP_KINDS = ("mat", "ball", "towel", "stability_ball", "wall", "door_frame")
MAT_THICKNESS = 3.0
BALL_RADIUS = 4.0
TOWEL_RADIUS = 6.0
STABILITY_BALL_RADIUS = 30.0
DOOR_HEIGHT = 205.0
POST_WIDTH = 6.0


@dataclass(frozen=True)
class Prop:
    """A prop at a fixed place. ``x`` is its centre (balls, towel), its face toward the
    figure (wall, door post), or its start (mat, to ``x2``); ``x2`` is the other post of a
    door frame or the end of the mat. ``behind`` draws a wall as the background (front view)."""

    kind: str
    x: float = 0.0
    x2: float | None = None
    behind: bool = False

    def circle(self) -> tuple[Point, float] | None:
        """Centre and radius of a round prop resting on the floor."""
        radius = {
            "ball": BALL_RADIUS,
            "towel": TOWEL_RADIUS,
            "stability_ball": STABILITY_BALL_RADIUS,
        }.get(self.kind)
        return None if radius is None else ((self.x, radius), radius)


@dataclass(frozen=True)
class Highlight:
    """The target muscles: a stretch of one segment, from ``start`` to ``end``.

    Each end is ``(along, across)``: ``along`` from 0 (the segment's root joint) to 1,
    ``across`` from -1 to 1 of the segment's half width (+1 is the segment's left side as it
    points; on the trunk in side view that is the back).
    """

    segment: str
    start: Point
    end: Point


@dataclass(frozen=True)
class Figure:
    """An exercise's picture: poses (start, end, ...) or an image file of a trainer's own."""

    exercise_id: str
    view: View = "side"
    poses: dict[str, Pose] = field(default_factory=dict)
    props: tuple[Prop, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    image: Path | None = None
    source: str = "bundled"

    def prop(self, kind: str) -> Prop | None:
        return next((p for p in self.props if p.kind == kind), None)

    def prop_points(self) -> dict[str, Point]:
        """Named points of the props that a hand or foot may reach (``<kind>.top``)."""
        points: dict[str, Point] = {}
        for prop in self.props:
            circle = prop.circle()
            if circle is not None:
                (cx, cy), r = circle
                points[f"{prop.kind}.top"] = (cx, cy + r)
                points[f"{prop.kind}.centre"] = (cx, cy)
        return points

    def body(self, name: str) -> Body:
        """The posed figure ``name`` (``start``, ``end``) in the world."""
        return build(self.poses[name], self.prop_points())
