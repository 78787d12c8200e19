"""The routines a guided session can follow: the person's saved ones, files, templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...catalog import Catalog
from ...routine import Routine, RoutineError, list_saved_routines, load_routine, templates
from ..common import is_expected, readable, report_unexpected

__all__ = ["Choice", "routine_choices"]


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    routine: Routine
    source: str  # "saved", "file", "template"


def routine_choices(
    store: Any, person_id: int | None, catalog: Catalog
) -> tuple[list[Choice], list[str]]:
    """The person's saved routines, routine files, then the two templates; and any problems."""
    choices: list[Choice] = []
    problems: list[str] = []
    if store is not None and person_id is not None:
        try:
            for saved in store.routines(person_id, catalog):
                choices.append(Choice(f"{saved.name} (saved)", saved.routine, "saved"))
        except Exception as exc:
            reason = (
                readable(exc) if is_expected(exc) else report_unexpected(exc, "listing routines")
            )
            problems.append(f"Could not read the saved routines: {reason}")
    names = {c.routine.name for c in choices}
    for path in list_saved_routines():
        try:
            routine = load_routine(path, catalog)
        except RoutineError as exc:
            problems.append(str(exc))
            continue
        if routine.name not in names:
            names.add(routine.name)
            choices.append(Choice(f"{routine.name} (file {path.name})", routine, "file"))
    choices += [Choice(f"{r.name} (template)", r, "template") for r in templates(catalog)]
    return choices, problems
