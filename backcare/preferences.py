"""What the app page remembers between visits: the last person and the last routine.

A small JSON file in the user's data folder (:func:`backcare.paths.preferences_path`).
Remembering is a convenience, never a condition: a missing, damaged or unwritable file
means "nothing remembered", and nothing else changes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from typing import Any

from . import paths

__all__ = ["Preferences", "load_preferences", "remember"]

log = logging.getLogger(__name__)

#: A preferences file is a few dozen bytes; anything far larger is not ours.
_MAX_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Preferences:
    """``person_uid``: the person chosen last; ``routine``: the name of the routine used last."""

    person_uid: str | None = None
    routine: str | None = None


def _text(value: Any, limit: int = 200) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def load_preferences() -> Preferences:
    """The remembered choices, or none when the file is missing or not one of ours."""
    path = paths.preferences_path()
    try:
        if path.stat().st_size > _MAX_BYTES:
            return Preferences()
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    return Preferences(person_uid=_text(data.get("person_uid")), routine=_text(data.get("routine")))


def remember(**changes: str | None) -> Preferences:
    """Keep ``person_uid`` and/or ``routine``; returns what is now remembered. A file that
    cannot be written is logged and otherwise ignored."""
    updated = replace(load_preferences(), **changes)
    path = paths.preferences_path()
    try:
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(updated), indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("could not remember the last choices in %s: %s", path, exc)
    return updated
