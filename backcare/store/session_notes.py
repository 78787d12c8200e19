"""What a person adds around a guided session: pain during each exercise (0-10) and their
session settings (voice, beeps, volume, counting reps, keeping the screen on)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .fields import _int_id, _new_uid, _score, _settings_json
from .sessions import Sessions
from .times import _iso, _now, _times, _when

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SessionNotes"]


class SessionNotes(Sessions):
    """Pain during each exercise of a session, and each person's session settings."""

    def record_pain_during(
        self, session_id: int, exercise_id: str, pain: int, at: dt.datetime | None = None
    ) -> None:
        """How much an exercise hurt while it was done (0-10); the latest answer counts."""
        sid = self._require_session(session_id)
        if not isinstance(exercise_id, str) or not exercise_id:
            raise InputError("which exercise was it? (an exercise id is needed)")
        score = _score(pain, "pain during the exercise")
        when = _iso(_when(at, "time"))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO pain_during (uid, session_id, exercise_id, pain_during, at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, exercise_id) DO UPDATE SET "
                "pain_during = excluded.pain_during, at = excluded.at",
                (_new_uid(), sid, exercise_id, score, when),
            )

    def pain_during_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """One row an exercise scored: session_id, person_id, exercise_id, pain_during, at."""
        import pandas as pd  # here, not at the top: the start page opens without pandas

        sql = (
            "SELECT pd.session_id, s.person_id, pd.exercise_id, pd.pain_during, pd.at "
            "FROM pain_during pd JOIN sessions s ON s.id = pd.session_id"
        )
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE s.person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql + " ORDER BY pd.at, pd.id", args).fetchall()
        columns = ["session_id", "person_id", "exercise_id", "pain_during", "at"]
        frame = pd.DataFrame(rows, columns=columns).astype(
            {"session_id": "int64", "person_id": "int64", "pain_during": "int64"}
        )
        frame["at"] = _times(frame["at"].tolist())
        return frame

    def cue_settings(self, person_id: int) -> dict[str, Any] | None:
        """The person's saved session settings (``None`` before any were saved)."""
        row = self._one(
            "SELECT settings_json FROM person_settings WHERE person_id = ?",
            (self._require_person(person_id),),
        )
        return json.loads(row[0]) if row else None

    def save_cue_settings(self, person_id: int, settings: Mapping[str, Any]) -> None:
        """Keep the person's session settings (a small record of plain values)."""
        pid = self._require_person(person_id)
        text = _settings_json(settings)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO person_settings (person_id, settings_json, updated_at) "
                "VALUES (?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
                "settings_json = excluded.settings_json, updated_at = excluded.updated_at",
                (pid, text, _iso(_now())),
            )
