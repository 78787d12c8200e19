"""Figures as SVG: still pictures of a pose, and loops that move between poses.

The figure is drawn as nested groups, one per segment, each rotated about its joint, so a
limb keeps its length while it moves: an animation turns joints (SMIL ``animateTransform``,
no script, no video) and never stretches a stroke. Limbs are rounded strokes; the far limbs
(side view) are pale grey behind the body; the target muscles are orange with a white dashed
centre line, so they stay visible when printed in black and white. The floor is a line, the
mat a band on it. A left-side picture is the right-side one mirrored.

Every SVG is self-contained (no ids, no external references), so many can share a page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from .body import (
    ANKLE_HEIGHT,
    FOOT_LENGTH,
    FRONT_FOOT,
    HEAD_RADIUS,
    HEEL_BEHIND_ANKLE,
    HIP_HALF,
    LENGTHS,
    SHOULDER_HALF,
    WIDTHS,
    Body,
    wrap,
)
from .scene import (
    DOOR_HEIGHT,
    MAT_THICKNESS,
    POST_WIDTH,
    Figure,
    Highlight,
    Prop,
)

__all__ = ["INK", "TARGET", "Keyframe", "render"]

INK = "#2b2b2b"  # the near side of the body
FAR = "#a3a3a3"  # limbs on the far side (side view)
TARGET = "#e8590c"  # target muscles
PROP_FILL = "#e6e6e6"
PROP_LINE = "#6b6b6b"
ASPECT = 4 / 3  # width : height of every picture
MARGIN = 8.0
FLOOR_BELOW = MAT_THICKNESS + 3.0


@dataclass(frozen=True)
class Keyframe:
    """A body at a moment of the loop (``at``: 0-1 of the loop's duration)."""

    at: float
    body: Body


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- the joint hierarchy ----------------------------------------------------------------------
def _relative(body: Body) -> dict[str, float]:
    """Each segment's angle relative to its parent segment (the torso to the world)."""
    a = body.angles
    rel = {"torso": a["torso"], "neck": wrap(a["neck"] - a["torso"])}
    for side in ("right", "left"):
        rel[f"{side}_upper_arm"] = wrap(a[f"{side}_upper_arm"] - a["torso"])
        rel[f"{side}_forearm"] = wrap(a[f"{side}_forearm"] - a[f"{side}_upper_arm"])
        rel[f"{side}_hand"] = wrap(a[f"{side}_hand"] - a[f"{side}_forearm"])
        rel[f"{side}_thigh"] = wrap(a[f"{side}_thigh"] - a["torso"])
        rel[f"{side}_shin"] = wrap(a[f"{side}_shin"] - a[f"{side}_thigh"])
        rel[f"{side}_foot"] = wrap(a[f"{side}_foot"] - a[f"{side}_shin"])
    return rel


def _unwrapped(series: list[dict[str, float]]) -> list[dict[str, float]]:
    """Angles made continuous from one keyframe to the next (the short way round)."""
    out = [dict(series[0])]
    for frame in series[1:]:
        prev = out[-1]
        out.append({k: prev[k] + wrap(v - prev[k]) for k, v in frame.items()})
    return out


class _Motion:
    """Values of each joint over the keyframes, and the SMIL timing they share."""

    def __init__(self, frames: Sequence[Keyframe], seconds: float) -> None:
        self.frames = list(frames)
        self.seconds = seconds
        self.angles = _unwrapped([_relative(f.body) for f in self.frames])
        self.roots = [f.body.points["pelvis"] for f in self.frames]
        self.moving = len(self.frames) > 1

    def rotate(self, name: str, translate: tuple[float, float] | None = None) -> tuple[str, str]:
        """Opening and closing tags of a group turning segment ``name`` about its joint."""
        values = [a[name] for a in self.angles]
        opening = ""
        closing = ""
        if translate is not None and translate != (0.0, 0.0):
            opening += f'<g transform="translate({_n(translate[0])},{_n(translate[1])})">'
            closing = "</g>"
        opening += f'<g transform="rotate({_n(values[0])})">'
        if self.moving and max(values) - min(values) > 0.05:
            opening += self._animate("rotate", [_n(v) for v in values])
        return opening, "</g>" + closing

    def root(self) -> tuple[str, str]:
        x, y = self.roots[0]
        opening = f'<g transform="translate({_n(x)},{_n(y)})">'
        if self.moving and len({(round(a, 2), round(b, 2)) for a, b in self.roots}) > 1:
            opening += self._animate("translate", [f"{_n(a)} {_n(b)}" for a, b in self.roots])
        return opening, "</g>"

    def _animate(self, kind: str, values: list[str]) -> str:
        times = ";".join(_n(f.at) for f in self.frames)
        splines = ";".join(["0.42 0 0.58 1"] * (len(self.frames) - 1))
        return (
            f'<animateTransform attributeName="transform" type="{kind}" '
            f'values="{";".join(values)}" keyTimes="{times}" calcMode="spline" '
            f'keySplines="{splines}" dur="{_n(self.seconds)}s" repeatCount="indefinite"/>'
        )


# -- drawing pieces ---------------------------------------------------------------------------
def _line(x1: float, y1: float, x2: float, y2: float, width: float, colour: str) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{colour}" stroke-width="{_n(width)}" stroke-linecap="round"/>'
    )


def _highlights(figure: Figure, segment: str, length: float, width: float) -> str:
    """The target muscles on ``segment`` (local coordinates: x along, y across)."""
    parts = []
    for h in figure.highlights:
        if h.segment != segment:
            continue
        parts.append(_highlight(h, length, width))
    return "".join(parts)


def _highlight(h: Highlight, length: float, width: float) -> str:
    half = width / 2
    x1, y1 = h.start[0] * length, h.start[1] * half
    x2, y2 = h.end[0] * length, h.end[1] * half
    return _target_line(x1, y1, x2, y2, min(9.0, max(3.0, width * 0.55)))


def _target_line(x1: float, y1: float, x2: float, y2: float, band: float) -> str:
    """A target muscle: a band in the target colour with a dashed white line along it."""
    return _line(x1, y1, x2, y2, band, TARGET) + (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="#ffffff" '
        'stroke-width="1" stroke-dasharray="1.6 1.8"/>'
    )


HALO = 3.0  # a white edge round the near limbs, so a limb over the body stays visible


def _limb(
    figure: Figure,
    motion: _Motion,
    side: str,
    segments: tuple[str, str, str],
    colour: str,
    extra: float,
    at: tuple[float, float],
    begin: float = 0.0,
) -> tuple[str, str]:
    """The two long segments of an arm or a leg (upper arm and forearm, thigh and shin),
    each turned at its joint, with their target muscles unless ``extra`` draws a halo.
    Returns the drawing, left open where the third segment (the hand or foot) is drawn, and
    what closes it. ``begin`` starts the first segment a little way along."""
    first, second, end = segments
    o1, c1 = motion.rotate(f"{side}_{first}", at)
    parts = [o1 + _line(begin, 0, LENGTHS[first], 0, WIDTHS[first] + extra, colour)]
    if not extra:
        parts.append(_highlights(figure, f"{side}_{first}", LENGTHS[first], WIDTHS[first]))
    o2, c2 = motion.rotate(f"{side}_{second}", (LENGTHS[first], 0.0))
    parts.append(o2 + _line(0, 0, LENGTHS[second], 0, WIDTHS[second] + extra, colour))
    if not extra:
        parts.append(_highlights(figure, f"{side}_{second}", LENGTHS[second], WIDTHS[second]))
    o3, c3 = motion.rotate(f"{side}_{end}", (LENGTHS[second], 0.0))
    return "".join(parts) + o3, c3 + c2 + c1


def _arm(
    figure: Figure,
    motion: _Motion,
    side: str,
    colour: str,
    at: tuple[float, float],
    halo: bool = False,
) -> str:
    extra, colour = (HALO, "#ffffff") if halo else (0.0, colour)
    drawing, closing = _limb(
        figure, motion, side, ("upper_arm", "forearm", "hand"), colour, extra, at
    )
    return drawing + _line(0, 0, LENGTHS["hand"], 0, WIDTHS["hand"] + extra, colour) + closing


def _leg(
    figure: Figure,
    motion: _Motion,
    side: str,
    colour: str,
    at: tuple[float, float],
    halo: bool = False,
) -> str:
    extra, colour = (HALO, "#ffffff") if halo else (0.0, colour)
    # In the front view the thigh starts inside the trunk: no edge drawn across the hips.
    begin = 0.45 * LENGTHS["thigh"] if halo and figure.view == "front" else 0.0
    drawing, closing = _limb(
        figure, motion, side, ("thigh", "shin", "foot"), colour, extra, at, begin
    )
    if figure.view == "front":
        return drawing + _line(0, 0, FRONT_FOOT, 0, WIDTHS["foot_front"] + extra, colour) + closing
    heel_x, sole_y = -HEEL_BEHIND_ANKLE, -ANKLE_HEIGHT
    toe_x = heel_x + FOOT_LENGTH
    foot = (
        f'<path d="M0 0L{_n(heel_x)} {_n(sole_y)}L{_n(toe_x)} {_n(sole_y)}Z" '
        f'fill="{colour}" stroke="{colour}" stroke-width="{_n(WIDTHS["foot"] + extra)}" '
        'stroke-linejoin="round"/>'
    )
    for h in figure.highlights if not halo else ():
        if h.segment == f"{side}_foot":  # the sole: along heel to toe, below it
            x1 = heel_x + h.start[0] * FOOT_LENGTH
            x2 = heel_x + h.end[0] * FOOT_LENGTH
            foot += _target_line(x1, sole_y, x2, sole_y, 3.2)
    return drawing + foot + closing


def _torso(figure: Figure, motion: _Motion) -> tuple[str, str]:
    """The trunk's group (its drawing inside), left open for the head and limbs."""
    opening, closing = motion.rotate("torso")
    length = LENGTHS["torso"]
    if figure.view == "front":
        w = WIDTHS["torso_front"]
        shape = (
            f'<path d="M0 {_n(-HIP_HALF - 2.5)}L{_n(length)} {_n(-SHOULDER_HALF - 1)}'
            f"L{_n(length)} {_n(SHOULDER_HALF + 1)}L0 {_n(HIP_HALF + 2.5)}Z"
            f'" fill="{INK}" stroke="{INK}" stroke-width="{_n(w)}" stroke-linejoin="round"/>'
        )
        width = 2 * (SHOULDER_HALF + 1)
    else:
        shape = _line(0, 0, length, 0, WIDTHS["torso"], INK)
        width = WIDTHS["torso"]
    return opening + shape + _highlights(figure, "torso", length, width), closing


def _head(figure: Figure, motion: _Motion) -> str:
    o, c = motion.rotate("neck", (LENGTHS["torso"], 0.0))
    neck = LENGTHS["neck"]
    parts = [o, _line(0, 0, neck - HEAD_RADIUS + 2, 0, WIDTHS["neck"], INK)]
    parts.append(f'<circle cx="{_n(neck)}" cy="0" r="{_n(HEAD_RADIUS)}" fill="{INK}"/>')
    if figure.view == "side":  # a nose shows which way the face looks
        parts.append(
            f'<path d="M{_n(neck + 3)} {_n(-HEAD_RADIUS + 0.6)}L{_n(neck - 1.5)} '
            f'{_n(-HEAD_RADIUS - 3.2)}L{_n(neck - 3)} {_n(-HEAD_RADIUS + 0.6)}Z" fill="{INK}"/>'
        )
    parts.append(c)
    return "".join(parts)


def _figure(figure: Figure, motion: _Motion) -> str:
    root_open, root_close = motion.root()
    torso_open, torso_close = _torso(figure, motion)
    shoulder = (LENGTHS["torso"], 0.0)
    front = figure.view == "front"
    at = {
        ("right", "arm"): (LENGTHS["torso"], SHOULDER_HALF) if front else shoulder,
        ("left", "arm"): (LENGTHS["torso"], -SHOULDER_HALF) if front else shoulder,
        ("right", "leg"): (0.0, HIP_HALF) if front else (0.0, 0.0),
        ("left", "leg"): (0.0, -HIP_HALF) if front else (0.0, 0.0),
    }
    far = INK if front else FAR
    # Children of the torso group are drawn over it; far limbs go in a group of their own
    # under it, sharing its root and its turn.
    far_open, far_close = motion.rotate("torso")
    behind = (
        far_open
        + _leg(figure, motion, "left", far, at[("left", "leg")])
        + _arm(figure, motion, "left", far, at[("left", "arm")])
        + far_close
    )
    if front:
        behind = ""
    parts = [root_open, behind, torso_open, _head(figure, motion)]
    near = [("right", "leg"), ("right", "arm")]
    if front:
        near = [("left", "leg"), ("left", "arm"), *near]
    for side, kind in near:
        draw = _leg if kind == "leg" else _arm
        parts.append(draw(figure, motion, side, INK, at[(side, kind)], halo=True))
        parts.append(draw(figure, motion, side, INK, at[(side, kind)]))
    parts += [torso_close, root_close]
    return "".join(parts)


# -- props, floor and the frame ---------------------------------------------------------------
def _props(figure: Figure, box: tuple[float, float, float, float]) -> tuple[str, str]:
    """SVG for the props behind the figure and for those on the floor."""
    x0, _y0, x1, y1 = box
    behind, on_floor = [], []
    for prop in figure.props:
        if prop.kind == "wall":
            if prop.behind:  # a wall behind the figure (front view): shaded, with a skirting
                behind.append(
                    f'<rect x="{_n(x0)}" y="0" width="{_n(x1 - x0)}" height="{_n(y1)}" '
                    f'fill="#f0f0f0"/>' + _line(x0, 2, x1, 2, 4, "#c8c8c8")
                )
            else:
                behind.append(_post(prop.x, y1, toward=-1))
        elif prop.kind == "door_frame":
            left, right = prop.x, prop.x2 if prop.x2 is not None else prop.x + 90
            behind.append(
                f'<path d="M{_n(left - POST_WIDTH)} 0V{_n(DOOR_HEIGHT + POST_WIDTH)}'
                f"H{_n(right + POST_WIDTH)}V0H{_n(right)}V{_n(DOOR_HEIGHT)}H{_n(left)}V0Z"
                f'" fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="1.2"/>'
            )
        elif prop.kind == "mat":
            end = prop.x2 if prop.x2 is not None else prop.x + 180
            on_floor.append(
                f'<rect x="{_n(prop.x)}" y="{_n(-MAT_THICKNESS)}" width="{_n(end - prop.x)}" '
                f'height="{_n(MAT_THICKNESS)}" rx="1.2" fill="#bdbdbd" stroke="{PROP_LINE}" '
                'stroke-width="0.6"/>'
            )
        else:
            circle = prop.circle()
            assert circle is not None
            (cx, cy), r = circle
            on_floor.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{PROP_FILL}" '
                f'stroke="{PROP_LINE}" stroke-width="{_n(1.4 if r > 10 else 1)}"/>'
            )
            if prop.kind == "towel":  # a rolled towel: the spiral's end
                on_floor.append(
                    f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r * 0.45)}" fill="none" '
                    f'stroke="{PROP_LINE}" stroke-width="0.8"/>'
                )
            if prop.kind == "stability_ball":
                on_floor.append(
                    f'<path d="M{_n(cx - r * 0.6)} {_n(cy + r * 0.55)}Q{_n(cx)} {_n(cy + r * 0.2)} '
                    f'{_n(cx + r * 0.6)} {_n(cy + r * 0.55)}" fill="none" stroke="#b0b0b0" '
                    'stroke-width="1"/>'
                )
    return "".join(behind), "".join(on_floor)


def _post(x: float, top: float, toward: int) -> str:
    outer = x - toward * POST_WIDTH
    lo, hi = min(x, outer), max(x, outer)
    return (
        f'<rect x="{_n(lo)}" y="0" width="{_n(hi - lo)}" height="{_n(top)}" '
        f'fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="1"/>'
    )


def bounds(figure: Figure, bodies: Sequence[Body]) -> tuple[float, float, float, float]:
    """The world box the picture shows: every pose and prop, the floor at the bottom."""
    xs: list[float] = []
    ys: list[float] = [0.0]
    for body in bodies:
        for name, (x, y) in body.points.items():
            r = body.radius(name)
            xs += [x - r, x + r]
            ys.append(y + r)
    for prop in figure.props:
        circle = prop.circle()
        if circle is not None:
            (cx, cy), r = circle
            xs += [cx - r, cx + r]
            ys.append(cy + r)
        elif prop.kind == "door_frame":
            right = prop.x2 if prop.x2 is not None else prop.x + 90
            xs += [prop.x - POST_WIDTH, right + POST_WIDTH]
            ys.append(DOOR_HEIGHT + POST_WIDTH)
        elif prop.kind == "wall" and not prop.behind:
            xs.append(prop.x)
    x0, x1 = min(xs) - MARGIN, max(xs) + MARGIN
    y0, y1 = -FLOOR_BELOW - 2, max(ys) + MARGIN
    width, height = x1 - x0, y1 - y0
    if width / height < ASPECT:
        grow = height * ASPECT - width
        x0, x1 = x0 - grow / 2, x1 + grow / 2
    else:
        y1 = y0 + width / ASPECT
    return x0, y0, x1, y1


def render(
    figure: Figure,
    frames: Sequence[Keyframe],
    *,
    seconds: float = 0.0,
    mirror: bool = False,
    width: int = 160,
    label: str = "",
    box_bodies: Sequence[Body] | None = None,
) -> str:
    """An ``<svg>`` of ``frames`` (one frame: a still picture; more: a loop of ``seconds``)."""
    motion = _Motion(frames, seconds)
    box = bounds(figure, box_bodies or [f.body for f in frames])
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    behind, on_floor = _props(figure, box)
    view_x = -x1 if mirror else x0
    flip = "scale(-1,-1)" if mirror else "scale(1,-1)"
    floor_y = -FLOOR_BELOW + 2 if figure.prop("mat") else 0
    floor = _line(x0, floor_y - 0.8, x1, floor_y - 0.8, 1.6, "#555555")
    label = html.escape(label)
    title = f"<title>{label}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(view_x)} {_n(-y1)} {_n(w)} {_n(h)}" '
        f'width="{width}" height="{round(width * h / w)}" role="img" '
        f'class="backcare-figure"{f" aria-label={chr(34)}{label}{chr(34)}" if label else ""}>'
        f'{title}<g transform="{flip}">{behind}{floor}{on_floor}{_figure(figure, motion)}</g></svg>'
    )


__all__ += ["bounds"]
_ = Prop
