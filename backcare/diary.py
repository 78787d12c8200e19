"""The check-in diary's model: add, edit, delete with undo, export and import.

:class:`CheckInLog` talks to the store, keeps the undo stack and makes export files; it
knows nothing of widgets. :class:`backcare.ui.log.CheckInApp` wraps it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import traitlets

from . import paths
from .progression.records import morning_question_due
from .store import ImportReport, InputError, Store

__all__ = ["RECENT_ROWS", "CheckInLog", "ExportFile"]

#: How many of a person's latest check-ins the log lists.
RECENT_ROWS = 12


@dataclass(frozen=True, slots=True)
class ExportFile:
    """An export made for download and saved in the exports folder."""

    filename: str
    data: bytes
    mime: str
    saved_to: Path


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "person"


class CheckInLog(traitlets.HasTraits):
    """Check-ins of one store: add, edit, delete, undo, export and import.

    ``changed`` is bumped after every write so views can observe it. The undo stack holds
    the check-ins as they were before each delete or edit.
    """

    changed = traitlets.Int(0)
    can_undo = traitlets.Bool(False)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._undo: list[tuple[str, dict[str, Any]]] = []

    def _bump(self) -> None:
        self.can_undo = bool(self._undo)
        self.changed += 1

    def add(self, person_id: int | None, discomfort: int, **fields: Any) -> int:
        """Log a check-in. ``person_id=None`` (the log has nobody yet) makes the default
        person, "Me", but only once the values are known to be valid."""
        if person_id is None:
            self.store.check_checkin(discomfort, **fields)
            person_id = self.store.default_person().id
        checkin_id = self.store.add_checkin(person_id, discomfort, **fields)
        self._bump()
        return checkin_id

    def edit(self, checkin_id: int, **fields: Any) -> None:
        before = self.store.update_checkin(checkin_id, **fields)
        self._undo.append(("edit", before))
        self._bump()

    def delete(self, checkin_id: int) -> dict[str, Any]:
        row = self.store.delete_checkin(checkin_id)
        self._undo.append(("delete", row))
        self._bump()
        return row

    def undo(self) -> str:
        """Undo the last delete or edit; returns what was undone ("delete" or "edit")."""
        if not self._undo:
            raise InputError("there is nothing to undo")
        action, row = self._undo[-1]
        self.store.restore_checkin(row)
        self._undo.pop()
        self._bump()
        return action

    def morning_due(
        self, person_id: int | None, at: dt.datetime, *, editing: int | None = None
    ) -> bool:
        """Whether a daily check-in at ``at`` is the person's first after a session, the one
        that asks how the back is this morning (``editing``: the entry being changed)."""
        if person_id is None:
            return False
        return morning_question_due(
            self.store.sessions_frame(person_id),
            self.store.checkins_frame(person_id),
            at,
            self.store.zone(person_id),
            ignore_checkin=editing,
        )

    def last_score(self, person_id: int | None) -> int | None:
        """The discomfort of a person's latest check-in (by its time), or None."""
        return self.store.last_discomfort(person_id)

    def recent(self, person_id: int | None, limit: int = RECENT_ROWS) -> pd.DataFrame:
        """A person's latest check-ins, newest first."""
        if person_id is None:
            return self.store.checkins_frame().iloc[0:0]
        frame = self.store.checkins_frame(person_id)
        return frame.iloc[::-1].head(limit).reset_index(drop=True)

    def export(self, kind: str, person_id: int | None = None) -> ExportFile:
        """Make an export (``"zip"`` or ``"json"``) of one person or everyone, and save it."""
        if kind not in ("zip", "json"):
            raise InputError(f"exports are 'zip' or 'json', not {kind!r}")
        who = "everyone" if person_id is None else _slug(self.store.person(person_id).name)
        stamp = dt.datetime.now(self.store.zone(person_id)).strftime("%Y%m%d-%H%M%S")
        filename = f"backcare-{who}-{stamp}.{kind}"
        if kind == "zip":
            data, mime = self.store.export_zip(person_id), "application/zip"
        else:
            data, mime = self.store.export_json(person_id), "application/json"
        return ExportFile(filename, data, mime, paths.write_export(data, filename))

    def import_file(self, data: bytes, filename: str) -> ImportReport:
        report = self.store.import_bytes(data, filename)
        self._bump()
        return report
