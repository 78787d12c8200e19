"""The exercise catalog: four groups, nine exercises, and any the user adds.

The catalog is a TOML file a trainer can read and edit (``data/catalog.toml``). A user's
own exercises live in ``my_exercises.toml`` in their data folder and are merged in.
Both are validated here; a problem raises :class:`CatalogError` naming the file, the
exercise and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .prescription import Kind, Prescription, PrescriptionError, Sides
from .progression.ladder import Ladder, LadderError
from .userfiles import MAX_TOML_BYTES, UserFileError, parse_toml, read_limited

__all__ = ["Catalog", "CatalogError", "Exercise", "Group", "load_catalog"]

CATALOG_FORMAT = "backcare.catalog"
CATALOG_VERSION = 1

_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_MIN_CUES, _MAX_CUES = 3, 5
_MAX_TEXT = 300
#: Largest catalog file read (the bundled one is about 10 kB) and most exercises in one.
MAX_CATALOG_BYTES = MAX_TOML_BYTES
MAX_EXERCISES = 200


class CatalogError(UserFileError):
    """The catalog file is malformed; the message names file, exercise and field."""


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    why: str


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    name: str
    group: str
    targets: tuple[str, ...]
    equipment: tuple[str, ...]
    kind: Kind
    sides: Sides
    prescription: Prescription
    cues: tuple[str, ...]
    source: str = field(default="bundled", compare=False)
    ladder: Ladder | None = None  # its own progression steps (see backcare.progression)

    @property
    def per_side(self) -> bool:
        """Whether each side is worked in turn (the timer says when to switch)."""
        return self.sides is Sides.EACH


@dataclass(frozen=True)
class Catalog(Mapping[str, Exercise]):
    """Groups and exercises by id, in file order. Read-only; a mapping of exercises."""

    groups: tuple[Group, ...]
    exercises: tuple[Exercise, ...]

    def __getitem__(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def __iter__(self) -> Iterator[str]:
        return (exercise.id for exercise in self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def in_group(self, group_id: str) -> tuple[Exercise, ...]:
        return tuple(e for e in self.exercises if e.group == group_id)

    def in_groups(self, group_ids: Iterable[str]) -> tuple[Exercise, ...]:
        """Exercises of the chosen groups, in catalog order."""
        chosen = set(group_ids)
        unknown = chosen - {g.id for g in self.groups}
        if unknown:
            raise KeyError(f"unknown group(s): {', '.join(sorted(unknown))}")
        return tuple(e for e in self.exercises if e.group in chosen)


def load_catalog(
    path: Path | None = None, user_path: Path | None = None, *, include_user: bool = True
) -> Catalog:
    """Load and validate the bundled catalog, merged with the user's own exercises.

    ``user_path`` defaults to ``my_exercises.toml`` in the user's data folder; a missing
    user file is fine. User exercises may add groups but may not reuse an existing id.
    """
    path = path or paths.catalog_path()
    groups, exercises = _parse(path, source="bundled", known_groups={})
    if include_user:
        user_path = user_path or paths.user_catalog_path()
        if user_path.is_file():
            extra_groups, extra = _parse(
                user_path, source="user", known_groups={g.id: g for g in groups}
            )
            taken = {e.id for e in exercises}
            for exercise in extra:
                if exercise.id in taken:
                    raise CatalogError(
                        f"{user_path}: exercise {exercise.id!r}: id is already used in the "
                        "bundled catalog; pick another id"
                    )
            groups += tuple(g for g in extra_groups if g.id not in {x.id for x in groups})
            exercises += extra
    return Catalog(groups=groups, exercises=exercises)


def _parse(
    path: Path, *, source: str, known_groups: dict[str, Group]
) -> tuple[tuple[Group, ...], tuple[Exercise, ...]]:
    if not path.exists():
        raise CatalogError(f"{path}: catalog file not found")
    try:
        data = parse_toml(read_limited(path, MAX_CATALOG_BYTES, "a catalog"), str(path))
    except UserFileError as exc:
        raise CatalogError(str(exc)) from None

    if data.get("format", CATALOG_FORMAT) != CATALOG_FORMAT:
        raise CatalogError(f"{path}: format must be {CATALOG_FORMAT!r}")
    if data.get("version", CATALOG_VERSION) != CATALOG_VERSION:
        raise CatalogError(
            f"{path}: version {data.get('version')!r} is not supported "
            f"(this backcare reads version {CATALOG_VERSION})"
        )

    groups: list[Group] = []
    for i, raw in enumerate(_table_list(path, data, "group")):
        where = f"{path}: group {raw.get('id', f'#{i + 1}')!r}"
        group = Group(
            id=_ident(where, raw),
            name=_text(where, raw, "name"),
            why=_text(where, raw, "why"),
        )
        if group.id in known_groups or any(g.id == group.id for g in groups):
            raise CatalogError(f"{where}: field 'id': duplicate group id")
        groups.append(group)
    all_groups = {**known_groups, **{g.id: g for g in groups}}

    exercises: list[Exercise] = []
    tables = _table_list(path, data, "exercise")
    if len(tables) > MAX_EXERCISES:
        raise CatalogError(
            f"{path}: {len(tables):,} exercises; backcare reads at most {MAX_EXERCISES} from "
            "one file. Keep the exercises you use and move the others to another file."
        )
    for i, raw in enumerate(tables):
        where = f"{path}: exercise {raw.get('id', f'#{i + 1}')!r}"
        exercise = _exercise(where, raw, all_groups, source)
        if any(e.id == exercise.id for e in exercises):
            raise CatalogError(f"{where}: field 'id': duplicate exercise id")
        exercises.append(exercise)
    if source == "bundled" and not exercises:
        raise CatalogError(f"{path}: the catalog has no exercises")
    return tuple(groups), tuple(exercises)


_EXERCISE_KEYS = {
    "id",
    "name",
    "group",
    "targets",
    "equipment",
    "kind",
    "sides",
    "prescription",
    "cues",
    "ladder",
}


def _exercise(where: str, raw: dict[str, Any], groups: dict[str, Group], source: str) -> Exercise:
    unknown = set(raw) - _EXERCISE_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    group = _text(where, raw, "group")
    if group not in groups:
        raise CatalogError(
            f"{where}: field 'group': {group!r} is not a known group ({', '.join(sorted(groups))})"
        )
    kind = _choice(where, raw, "kind", Kind)
    sides = _choice(where, raw, "sides", Sides)
    try:
        prescription = Prescription.from_dict(kind, raw.get("prescription", {}))
    except PrescriptionError as exc:
        raise CatalogError(f"{where}: field 'prescription': {exc}") from None
    ladder = None
    if "ladder" in raw:
        try:
            ladder = Ladder.from_dict(kind, raw["ladder"])
        except LadderError as exc:
            raise CatalogError(f"{where}: field 'ladder': {exc}") from None
    cues = _text_list(where, raw, "cues")
    if not _MIN_CUES <= len(cues) <= _MAX_CUES:
        raise CatalogError(
            f"{where}: field 'cues': give {_MIN_CUES}-{_MAX_CUES} cue steps, not {len(cues)}"
        )
    return Exercise(
        id=_ident(where, raw),
        name=_text(where, raw, "name"),
        group=group,
        targets=_text_list(where, raw, "targets", allow_empty=False),
        equipment=_text_list(where, raw, "equipment", allow_empty=True),
        kind=kind,
        sides=sides,
        prescription=prescription,
        cues=cues,
        source=source,
        ladder=ladder,
    )


def _table_list(path: Path, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CatalogError(f"{path}: '{key}' must be a list of [[{key}]] tables")
    return value


def _ident(where: str, raw: dict[str, Any]) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not _ID.match(value):
        raise CatalogError(
            f"{where}: field 'id': use 2-40 lower-case letters, digits or underscores, "
            f"starting with a letter (got {value!r})"
        )
    return value


def _text(where: str, raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: field {key!r}: must be non-empty text")
    if len(value) > _MAX_TEXT:
        raise CatalogError(f"{where}: field {key!r}: longer than {_MAX_TEXT} characters")
    return value.strip()


def _text_list(
    where: str, raw: dict[str, Any], key: str, *, allow_empty: bool = False
) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{where}: field {key!r}: must be a list of non-empty texts")
    if not value and not allow_empty:
        raise CatalogError(f"{where}: field {key!r}: must not be empty")
    if any(len(v) > _MAX_TEXT for v in value):
        raise CatalogError(f"{where}: field {key!r}: an entry is over {_MAX_TEXT} characters")
    return tuple(v.strip() for v in value)


def _choice(where: str, raw: dict[str, Any], key: str, enum: type[Kind] | type[Sides]) -> Any:
    value = raw.get(key)
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(repr(m.value) for m in enum)
        raise CatalogError(f"{where}: field {key!r}: {value!r} is not one of {choices}") from None
