"""The figure: proportions, poses as joint angles, and the points they put in the world.

A figure is drawn in one of two views. In the **side** view it faces right (+x); the limbs
named ``right_*`` are the near ones, drawn dark over the body, ``left_*`` the far ones, drawn
pale behind it. In the **front** view it faces the viewer, so its right side is on the
picture's left. Every picture is drawn for the right side; the left side is its mirror image.

World coordinates are centimetre-like units with y up and the floor (or the top of the mat)
at y = 0. Angles are degrees, counter-clockwise from +x: 0 points right, 90 up. A pose gives
each segment's direction in the world (a stick figure drawn by hand), or a point a hand or
foot must reach (two-bone inverse kinematics). :func:`build` turns a pose into a
:class:`Body`: every joint's position, every segment's direction, and the joint angles that
the tests hold to human ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "LENGTHS",
    "RADII",
    "Body",
    "Limb",
    "Pose",
    "View",
    "build",
    "joint_angles",
]

View = Literal["side", "front"]

#: Segment lengths of a figure about 170 units tall standing.
LENGTHS: dict[str, float] = {
    "torso": 50.0,  # hip joint (pelvis) to shoulder
    "neck": 17.0,  # shoulder to the centre of the head
    "upper_arm": 32.0,
    "forearm": 26.0,
    "hand": 10.0,
    "thigh": 43.0,
    "shin": 43.0,
}
HEAD_RADIUS = 10.0
#: Side view: the sole runs heel to toe; the ankle sits above the sole, ahead of the heel.
FOOT_LENGTH = 24.0
ANKLE_HEIGHT = 7.0
HEEL_BEHIND_ANKLE = 5.0
#: Front view: half the distance between the hip joints and between the shoulders.
HIP_HALF = 8.5
SHOULDER_HALF = 15.0
#: Front view: the foot seen end-on is a short blob below the ankle.
FRONT_FOOT = 2.5

#: Stroke widths of the drawing (the half width is the body's thickness at a point).
WIDTHS: dict[str, float] = {
    "torso": 15.0,
    "torso_front": 6.0,  # outline of the front view's torso shape
    "neck": 6.0,
    "upper_arm": 8.0,
    "forearm": 7.0,
    "hand": 6.0,
    "thigh": 11.0,
    "shin": 9.0,
    "foot": 4.0,
    "foot_front": 9.0,
}

#: How far each named point's surface lies from the point: what touches the floor.
RADII: dict[str, float] = {
    "pelvis": WIDTHS["torso"] / 2,
    "chest": WIDTHS["torso"] / 2,
    "shoulder": WIDTHS["torso"] / 2,
    "head": HEAD_RADIUS,
    "elbow": WIDTHS["upper_arm"] / 2,
    "wrist": WIDTHS["forearm"] / 2,
    "hand": WIDTHS["hand"] / 2,
    "knee": WIDTHS["thigh"] / 2,
    "ankle": WIDTHS["shin"] / 2,
    "heel": WIDTHS["foot"] / 2,
    "toe": WIDTHS["foot"] / 2,
    "sole": WIDTHS["foot"] / 2,
    "hip": WIDTHS["torso_front"] / 2,
}
SIDES = ("right", "left")

Point = tuple[float, float]


def _unit(angle: float) -> Point:
    rad = math.radians(angle)
    return math.cos(rad), math.sin(rad)


def _add(p: Point, q: Point, scale: float = 1.0) -> Point:
    return p[0] + q[0] * scale, p[1] + q[1] * scale


def _along(p: Point, angle: float, length: float) -> Point:
    return _add(p, _unit(angle), length)


def _angle_of(p: Point, q: Point) -> float:
    return math.degrees(math.atan2(q[1] - p[1], q[0] - p[0]))


def wrap(angle: float) -> float:
    """An angle in (-180, 180]."""
    angle = (angle + 180.0) % 360.0 - 180.0
    return 180.0 if angle == -180.0 else angle


@dataclass(frozen=True)
class Limb:
    """An arm (upper arm, forearm, hand) or a leg (thigh, shin, foot).

    Either ``angles`` (each segment's direction in the world) or ``reach``: the point the
    wrist (arm) or ankle (leg) must reach, as world coordinates or a named point of the
    body plus an offset; then the last angle (hand or foot) is given in ``end_angle`` and
    the elbow or knee bends the way the joint can.
    """

    angles: tuple[float, ...] = ()
    reach: Point | str | None = None
    offset: Point = (0.0, 0.0)
    end_angle: float | None = None


@dataclass(frozen=True)
class Pose:
    """One position of the figure: directions of torso and head, four limbs, an anchor.

    ``anchor`` names a point whose surface is placed at ``anchor_at`` (its lowest edge at
    that height, for a point such as ``right_heel`` or ``pelvis``); the whole figure moves
    with it. ``right_sole:0.4`` names a point 40 % of the way along the sole from the heel.
    """

    view: View
    torso: float
    head: float
    limbs: dict[str, Limb]
    anchor: str
    anchor_at: Point = (0.0, 0.0)


@dataclass
class Body:
    """A posed figure: points by name (world units) and segments' directions."""

    view: View
    points: dict[str, Point] = field(default_factory=dict)
    angles: dict[str, float] = field(default_factory=dict)

    def radius(self, name: str) -> float:
        """The body's thickness around a named point (how far its surface lies)."""
        base = name.split(":")[0].removeprefix("right_").removeprefix("left_")
        if self.view == "front" and base == "sole":
            return WIDTHS["foot_front"] / 2
        if self.view == "front" and base == "shoulder":
            return 1.0 + WIDTHS["torso_front"] / 2  # the trunk's outline, just outside the joint
        if self.view == "front" and base == "hip":
            return 2.5 + WIDTHS["torso_front"] / 2
        return RADII[base]

    def point(self, name: str) -> Point:
        """A named point; ``<side>_sole:<fraction>`` is a point along the sole."""
        if ":" in name:
            base, fraction = name.split(":", 1)
            side = base.removesuffix("_sole")
            t = float(fraction)
            if self.view == "front":
                return self.points[f"{side}_sole"]
            heel, toe = self.points[f"{side}_heel"], self.points[f"{side}_toe"]
            return heel[0] + (toe[0] - heel[0]) * t, heel[1] + (toe[1] - heel[1]) * t
        return self.points[name]

    def bottom(self, name: str) -> float:
        """The lowest edge of the body at a named point."""
        return self.point(name)[1] - self.radius(name)

    def lowest(self) -> float:
        """The lowest edge of the whole figure (segments drawn as rounded strokes)."""
        low = min(y - self.radius(name) for name, (_x, y) in self.points.items())
        return low

    def shifted(self, dx: float, dy: float) -> Body:
        moved = {k: (x + dx, y + dy) for k, (x, y) in self.points.items()}
        return Body(view=self.view, points=moved, angles=dict(self.angles))


def _two_bone(root: Point, target: Point, l1: float, l2: float) -> tuple[float, float] | None:
    """The two directions (first, second) reaching ``target``; both bends, or None."""
    dx, dy = target[0] - root[0], target[1] - root[1]
    d = math.hypot(dx, dy)
    if d > l1 + l2 + 1e-6 or d < abs(l1 - l2) - 1e-6 or d == 0:
        return None
    base = math.degrees(math.atan2(dy, dx))
    cos_a = max(-1.0, min(1.0, (l1 * l1 + d * d - l2 * l2) / (2 * l1 * d)))
    offset = math.degrees(math.acos(cos_a))
    return base + offset, base - offset


class PoseError(ValueError):
    """A pose cannot be built (a target out of reach, an unknown point)."""


def build(pose: Pose, props_points: dict[str, Point] | None = None) -> Body:
    """Place every joint of ``pose`` in the world."""
    body = Body(view=pose.view)
    pts, ang = body.points, body.angles
    pelvis = (0.0, 0.0)
    pts["pelvis"] = pelvis
    ang["torso"] = pose.torso
    shoulder_mid = _along(pelvis, pose.torso, LENGTHS["torso"])
    pts["shoulder"] = shoulder_mid
    pts["chest"] = _along(pelvis, pose.torso, LENGTHS["torso"] * 0.75)
    ang["neck"] = pose.head
    pts["head"] = _along(shoulder_mid, pose.head, LENGTHS["neck"])
    across = pose.torso + 90.0  # toward the figure's right in the front view
    for side in SIDES:
        sign = 1.0 if side == "right" else -1.0
        if pose.view == "front":
            pts[f"{side}_shoulder"] = _along(shoulder_mid, across, sign * SHOULDER_HALF)
            pts[f"{side}_hip"] = _along(pelvis, across, sign * HIP_HALF)
        else:
            pts[f"{side}_shoulder"] = shoulder_mid
            pts[f"{side}_hip"] = pelvis

    pending: list[tuple[str, str, Limb]] = []
    for name in ("right_arm", "left_arm", "right_leg", "left_leg"):
        limb = pose.limbs[name]
        side, kind = name.split("_")
        if limb.reach is None:
            _place_limb(body, side, kind, limb.angles)
        else:
            pending.append((side, kind, limb))

    # Anchor: move the figure so the named point's surface sits where the pose says.
    try:
        ax, ay = body.point(pose.anchor)
    except KeyError:
        raise PoseError(f"anchor {pose.anchor!r} is not a point of the figure") from None
    radius = body.radius(pose.anchor)
    dx = pose.anchor_at[0] - ax
    dy = pose.anchor_at[1] + radius - ay
    moved = body.shifted(dx, dy)
    body.points.clear()
    body.points.update(moved.points)

    pending.sort(key=lambda item: item[1] != "leg")  # feet first: hands may reach a knee
    for side, kind, limb in pending:
        _reach_limb(body, side, kind, limb, props_points or {})
    return body


def _place_limb(body: Body, side: str, kind: str, angles: tuple[float, ...]) -> None:
    pts, ang = body.points, body.angles
    if kind == "arm":
        upper, fore, *rest = angles
        hand = rest[0] if rest else fore
        elbow = _along(pts[f"{side}_shoulder"], upper, LENGTHS["upper_arm"])
        wrist = _along(elbow, fore, LENGTHS["forearm"])
        pts[f"{side}_elbow"], pts[f"{side}_wrist"] = elbow, wrist
        pts[f"{side}_hand"] = _along(wrist, hand, LENGTHS["hand"])
        ang[f"{side}_upper_arm"], ang[f"{side}_forearm"], ang[f"{side}_hand"] = upper, fore, hand
    else:
        thigh, shin, *rest = angles
        knee = _along(pts[f"{side}_hip"], thigh, LENGTHS["thigh"])
        ankle = _along(knee, shin, LENGTHS["shin"])
        pts[f"{side}_knee"], pts[f"{side}_ankle"] = knee, ankle
        ang[f"{side}_thigh"], ang[f"{side}_shin"] = thigh, shin
        foot = rest[0] if rest else (shin if body.view == "front" else shin + 90.0)
        _place_foot(body, side, foot)


def _place_foot(body: Body, side: str, foot: float) -> None:
    pts = body.points
    ankle = pts[f"{side}_ankle"]
    body.angles[f"{side}_foot"] = foot
    if body.view == "front":
        pts[f"{side}_sole"] = _along(ankle, foot, FRONT_FOOT)
        return
    u = _unit(foot)
    n = (-u[1], u[0])  # the sole lies on the -n side of the ankle
    heel = _add(_add(ankle, u, -HEEL_BEHIND_ANKLE), n, -ANKLE_HEIGHT)
    toe = _add(heel, u, FOOT_LENGTH)
    pts[f"{side}_heel"], pts[f"{side}_toe"] = heel, toe
    pts[f"{side}_sole"] = _add(heel, u, FOOT_LENGTH * 0.45)


def _reach_limb(
    body: Body, side: str, kind: str, limb: Limb, props_points: dict[str, Point]
) -> None:
    pts = body.points
    target = limb.reach
    if isinstance(target, str):
        if target in props_points:
            target = props_points[target]
        else:
            try:
                target = body.point(target)
            except KeyError:
                raise PoseError(f"{side} {kind}: no point named {limb.reach!r}") from None
    target = _add(target, limb.offset)
    root = pts[f"{side}_shoulder" if kind == "arm" else f"{side}_hip"]
    l1, l2 = (
        (LENGTHS["upper_arm"], LENGTHS["forearm"])
        if kind == "arm"
        else (LENGTHS["thigh"], LENGTHS["shin"])
    )
    solutions = _two_bone(root, target, l1, l2)
    if solutions is None:
        raise PoseError(f"{side} {kind}: cannot reach {limb.reach!r} from where the body is")
    # Of the two bends, take the one the joint can make (elbow forward, knee backward
    # in the side view; in the front view the bend nearer to straight down).
    best: tuple[float, float] | None = None
    for first in solutions:
        joint = _along(root, first, l1)
        second = _angle_of(joint, target)
        bend = wrap(second - first)
        good = bend >= -1e-6 if kind == "arm" else bend <= 1e-6
        if body.view == "front":
            good = True
        if good and best is None:
            best = (first, second)
    assert best is not None
    first, second = best
    if kind == "arm":
        end = limb.end_angle if limb.end_angle is not None else second
        _place_limb(body, side, "arm", (first, second, end))
    else:
        end = limb.end_angle
        _place_limb(body, side, "leg", (first, second) if end is None else (first, second, end))


def joint_angles(body: Body) -> dict[str, float]:
    """Joint angles in degrees, signed so that the usual direction of movement is positive.

    Side view: ``hip`` and ``shoulder`` flexion (limb forward of the trunk line), ``knee``
    flexion, ``elbow`` flexion, ``ankle`` dorsiflexion (negative: pointing the foot), and
    ``neck`` flexion (chin toward chest). Front view: ``shoulder`` and ``hip`` abduction
    (limb away from the midline), ``elbow`` and ``knee`` bend, ``neck`` side bend.
    """
    a = body.angles
    out: dict[str, float] = {}
    torso = a["torso"]
    down = torso + 180.0
    out["neck"] = -wrap(a["neck"] - torso)
    for side in SIDES:
        if f"{side}_upper_arm" in a:
            shoulder = wrap(a[f"{side}_upper_arm"] - down)
            if body.view == "side" and shoulder < -100:  # overhead and a little beyond
                shoulder += 360.0
            elbow = wrap(a[f"{side}_forearm"] - a[f"{side}_upper_arm"])
            wrist = wrap(a[f"{side}_hand"] - a[f"{side}_forearm"])
        if f"{side}_thigh" in a:
            hip = wrap(a[f"{side}_thigh"] - down)
            knee = -wrap(a[f"{side}_shin"] - a[f"{side}_thigh"])
            foot = wrap(a[f"{side}_foot"] - a[f"{side}_shin"])
        if body.view == "side":
            out[f"{side}_shoulder"] = shoulder
            out[f"{side}_elbow"] = elbow
            out[f"{side}_wrist"] = wrist
            out[f"{side}_hip"] = hip
            out[f"{side}_knee"] = knee
            out[f"{side}_ankle"] = foot - 90.0
        else:
            outward = -1.0 if side == "right" else 1.0
            out[f"{side}_shoulder"] = outward * shoulder
            out[f"{side}_elbow"] = abs(elbow)
            out[f"{side}_wrist"] = abs(wrist)
            out[f"{side}_hip"] = outward * hip
            out[f"{side}_knee"] = abs(knee)
    return out
