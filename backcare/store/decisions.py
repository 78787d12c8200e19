"""Decisions about progression suggestions: the ones a person declined, each remembered
until new data arrive (the suggestion's ``data_mark`` names the data it was based on)."""

from __future__ import annotations

from .fields import _decision_text
from .people import People
from .times import _iso, _now

__all__ = ["Decisions"]


class Decisions(People):
    """Declined suggestions, one per person, plan (by its uid) and exercise; the latest counts."""

    def decline_suggestion(
        self, person_id: int, plan_uid: str, exercise_id: str, data_mark: str
    ) -> None:
        """Remember that the person declined the suggestion based on ``data_mark``."""
        pid = self._require_person(person_id)
        for value, what in ((plan_uid, "plan"), (exercise_id, "exercise"), (data_mark, "mark")):
            _decision_text(value, what)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO declined_suggestions (person_id, plan_uid, exercise_id, data_mark, "
                "at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, plan_uid, exercise_id) "
                "DO UPDATE SET data_mark = excluded.data_mark, at = excluded.at",
                (pid, plan_uid, exercise_id, data_mark, _iso(_now())),
            )

    def declined_suggestions(self, person_id: int) -> dict[tuple[str, str], str]:
        """``(plan uid, exercise id) -> data mark`` of the person's declined suggestions."""
        pid = self._require_person(person_id)
        rows = self._conn.execute(
            "SELECT plan_uid, exercise_id, data_mark FROM declined_suggestions WHERE person_id = ?",
            (pid,),
        )
        return {(plan, exercise): mark for plan, exercise, mark in rows}
