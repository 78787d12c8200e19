"""Reading figures: ``data/poses.toml`` and the ``[figure.*]`` tables of a trainer's file.

Both files use one format. A figure names its view, props, target region and poses::

    [figure.prone_cobra]
    view = "side"                                   # or "front"
    props = [{ kind = "mat", x = -95, x2 = 90 }]
    highlight = [{ segment = "torso", from = [0.55, 0.6], to = [0.97, 0.6] }]

    [figure.prone_cobra.start]                      # and [figure.prone_cobra.end]
    torso = 0                                       # degrees: 0 points right, 90 up
    head = 0
    right_arm = [180, 180, 180]                     # upper arm, forearm, hand
    left_arm = { reach = "right_knee", offset = [0, 4] }   # where the wrist goes
    right_leg = [180, 180, 250]                     # thigh, shin, foot (heel to toe)
    left_leg = { reach = [30, 4.5], foot = 0 }      # where the ankle goes
    anchor = "pelvis"                               # this point's surface sits at anchor_at
    anchor_at = [0, 0]

Or, for a trainer's own exercise, a picture of their own beside the file::

    [figure.wall_angel]
    image = "wall_angel.png"                         # PNG, JPEG, GIF or WebP, up to 2 MB

A mistake raises :class:`FigureError` naming the file, the exercise and the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..userfiles import MAX_TOML_BYTES, UserFileError, parse_toml, read_limited
from .body import Limb, Pose, PoseError
from .scene import PROP_KINDS, Figure, Highlight, Prop

__all__ = ["IMAGE_TYPES", "MAX_IMAGE_BYTES", "FigureError", "Figures", "load_figures"]

FORMAT = "backcare.poses"
VERSION = 1
POSE_NAMES = ("start", "end")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp"}  # fmt: skip
MAX_IMAGE_BYTES = 2_000_000
_FIGURE_KEYS = {"view", "props", "highlight", "image", *POSE_NAMES}
_POSE_KEYS = {"torso", "head", "right_arm", "left_arm", "right_leg", "left_leg", "anchor",
              "anchor_at"}  # fmt: skip
_SEGMENTS = {"torso", "right_upper_arm", "right_thigh", "right_shin", "right_foot",
             "left_upper_arm", "left_thigh", "left_shin", "left_foot"}  # fmt: skip


class FigureError(ValueError):
    """A figure table is malformed; the message names file, exercise and field."""


@dataclass(frozen=True)
class Figures(Mapping[str, Figure]):
    """Figures by exercise id (bundled first, then the trainer's own)."""

    figures: tuple[Figure, ...]

    def __getitem__(self, exercise_id: str) -> Figure:
        for figure in self.figures:
            if figure.exercise_id == exercise_id:
                return figure
        raise KeyError(exercise_id)

    def __iter__(self) -> Iterator[str]:
        return (f.exercise_id for f in self.figures)

    def __len__(self) -> int:
        return len(self.figures)


def load_figures(
    path: Path | None = None, user_path: Path | None = None, *, include_user: bool = True
) -> Figures:
    """The bundled figures, and those in the user's ``my_exercises.toml`` if any."""
    figures = _parse(path or paths.poses_path(), source="bundled")
    if include_user:
        user_path = user_path or paths.user_catalog_path()
        if user_path.is_file():
            taken = {f.exercise_id for f in figures}
            extra = _parse(user_path, source="user")
            for figure in extra:
                if figure.exercise_id in taken:
                    raise FigureError(
                        f"{user_path}: figure {figure.exercise_id!r}: the bundled exercise "
                        "already has its drawing; give figures only for exercises of your own"
                    )
            figures += extra
    return Figures(figures)


def _parse(path: Path, *, source: str) -> tuple[Figure, ...]:
    if not path.exists():
        raise FigureError(f"{path}: file not found")
    try:  # the one reading layer for files a person brings (size, depth, numbers, BOM)
        data = parse_toml(read_limited(path, MAX_TOML_BYTES, "a catalog"), str(path))
    except UserFileError as exc:
        raise FigureError(str(exc)) from None
    if source == "bundled" and data.get("format") != FORMAT:
        raise FigureError(f"{path}: format must be {FORMAT!r}")
    if source == "bundled" and data.get("version") != VERSION:
        raise FigureError(f"{path}: version must be {VERSION}")
    tables = data.get("figure", {})
    if not isinstance(tables, dict):
        raise FigureError(f"{path}: 'figure' must be tables such as [figure.my_exercise]")
    return tuple(
        _figure(f"{path}: figure {name!r}", name, raw, path.parent, source)
        for name, raw in tables.items()
    )


def _figure(where: str, name: str, raw: Any, folder: Path, source: str) -> Figure:
    if not isinstance(raw, dict):
        raise FigureError(f"{where}: must be a table")
    unknown = set(raw) - _FIGURE_KEYS
    if unknown:
        raise FigureError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if "image" in raw:
        if set(raw) & {*POSE_NAMES, "props", "highlight"}:
            raise FigureError(f"{where}: give either an image or poses, not both")
        return Figure(exercise_id=name, image=_image(where, raw["image"], folder), source=source)
    view = raw.get("view", "side")
    if view not in ("side", "front"):
        raise FigureError(f"{where}: field 'view': {view!r} is not 'side' or 'front'")
    missing = [p for p in POSE_NAMES if p not in raw]
    if missing:
        raise FigureError(
            f"{where}: give a start and an end pose (missing: {', '.join(missing)}), or an image"
        )
    figure = Figure(
        exercise_id=name,
        view=view,
        poses={p: _pose(f"{where}: pose {p!r}", raw[p], view) for p in POSE_NAMES},
        props=tuple(_prop(f"{where}: field 'props'", p) for p in _list(where, raw, "props")),
        highlights=tuple(
            _highlight(f"{where}: field 'highlight'", h) for h in _list(where, raw, "highlight")
        ),
        source=source,
    )
    for pose_name in POSE_NAMES:
        try:
            figure.body(pose_name)
        except PoseError as exc:
            raise FigureError(f"{where}: pose {pose_name!r}: {exc}") from None
    return figure


def _image(where: str, value: Any, folder: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise FigureError(f"{where}: field 'image': give the picture's file name")
    name = value.strip()
    if Path(name).name != name or name.startswith("."):
        raise FigureError(
            f"{where}: field 'image': {name!r}: give a plain file name in the same folder "
            "as this file, without any folder in front"
        )
    suffix = Path(name).suffix.lower()
    if suffix not in IMAGE_TYPES:
        raise FigureError(f"{where}: field 'image': {name!r}: use a PNG, JPEG, GIF or WebP picture")
    path = folder / name
    if not path.is_file():
        raise FigureError(
            f"{where}: field 'image': {name!r} is not in {folder}; put the picture there"
        )
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise FigureError(
            f"{where}: field 'image': {name!r} is larger than {MAX_IMAGE_BYTES // 1_000_000} MB;"
            " save a smaller copy"
        )
    return path


def _list(where: str, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise FigureError(f"{where}: field {key!r}: must be a list of tables {{ ... }}")
    return value


def _number(where: str, value: Any, limit: float = 1000.0) -> float:
    """A plain number within +-``limit`` (degrees or world units; a figure is 170 tall)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FigureError(f"{where}: must be a number, not {value!r}")
    if abs(value) > limit:
        raise FigureError(f"{where}: {value!r} is out of range (-{limit:g} to {limit:g})")
    return float(value)


def _pair(where: str, value: Any) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise FigureError(f"{where}: must be two numbers [x, y], not {value!r}")
    return _number(where, value[0]), _number(where, value[1])


def _prop(where: str, raw: dict[str, Any]) -> Prop:
    kind = raw.get("kind")
    if kind not in PROP_KINDS:
        raise FigureError(f"{where}: kind {kind!r} is not one of {', '.join(PROP_KINDS)}")
    unknown = set(raw) - {"kind", "x", "x2", "behind"}
    if unknown:
        raise FigureError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    x2 = raw.get("x2")
    return Prop(
        kind=kind,
        x=_number(f"{where}: x", raw.get("x", 0)),
        x2=None if x2 is None else _number(f"{where}: x2", x2),
        behind=bool(raw.get("behind", False)),
    )


def _highlight(where: str, raw: dict[str, Any]) -> Highlight:
    segment = raw.get("segment")
    if segment not in _SEGMENTS:
        raise FigureError(f"{where}: segment {segment!r} is not one of {sorted(_SEGMENTS)}")
    return Highlight(
        segment=segment,
        start=_pair(f"{where}: from", raw.get("from")),
        end=_pair(f"{where}: to", raw.get("to")),
    )


def _pose(where: str, raw: Any, view: str) -> Pose:
    if not isinstance(raw, dict):
        raise FigureError(f"{where}: must be a table")
    unknown = set(raw) - _POSE_KEYS
    if unknown:
        raise FigureError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    limbs = {name: _limb(f"{where}: field {name!r}", raw.get(name)) for name in
             ("right_arm", "left_arm", "right_leg", "left_leg")}  # fmt: skip
    anchor = raw.get("anchor", "pelvis")
    if not isinstance(anchor, str):
        raise FigureError(f"{where}: field 'anchor': name a point such as 'right_heel'")
    return Pose(
        view=view,  # type: ignore[arg-type]
        torso=_number(f"{where}: field 'torso'", raw.get("torso")),
        head=_number(f"{where}: field 'head'", raw.get("head")),
        limbs=limbs,
        anchor=anchor,
        anchor_at=_pair(f"{where}: field 'anchor_at'", raw.get("anchor_at", [0, 0])),
    )


def _limb(where: str, raw: Any) -> Limb:
    if isinstance(raw, list):
        if not 2 <= len(raw) <= 3:
            raise FigureError(f"{where}: give 2 or 3 directions in degrees")
        return Limb(angles=tuple(_number(where, v) for v in raw))
    if isinstance(raw, dict):
        unknown = set(raw) - {"reach", "offset", "end"}
        if unknown:
            raise FigureError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        reach = raw.get("reach")
        target = reach if isinstance(reach, str) else _pair(f"{where}: reach", reach)
        end = raw.get("end")
        return Limb(
            reach=target,
            offset=_pair(f"{where}: offset", raw.get("offset", [0, 0])),
            end_angle=None if end is None else _number(f"{where}: end", end),
        )
    raise FigureError(f"{where}: give directions [a, b, c] or {{ reach = ... }}")
