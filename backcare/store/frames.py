"""The store's rows as pandas frames for analysis: steps, sessions and check-ins.

Times come as one tz-aware column in the person's own zone (for one person), so a day is
the day on that person's calendar. For everyone at once they come in the zone all the
people share, or in UTC when their zones differ (:meth:`Frames.frame_zone`); convert each
person's rows to :meth:`~backcare.store.people.People.zone` before counting days.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..timeline import StepKind
from ..zones import zone_of
from .fields import PEG_ITEMS, _int_id
from .people import People
from .times import _times

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Frames"]


class Frames(People):
    """Read-only frames, one row a step, a session or a check-in."""

    def frame_zone(self, person_id: int | None = None) -> dt.tzinfo:
        """The zone a frame's times come in: the person's; for everyone, the zone they all
        share (the kernel's while none is known), else UTC."""
        if person_id is not None:
            return self.zone(person_id)
        names = {r[0] for r in self._conn.execute("SELECT DISTINCT zone FROM people")}
        if len(names) <= 1:
            return zone_of(next(iter(names), None))
        return dt.UTC

    def entry_counts(self) -> tuple[int, int]:
        """How many check-ins and sessions the store holds, for everyone."""
        row = self._conn.execute(
            "SELECT (SELECT count(*) FROM checkins), (SELECT count(*) FROM sessions)"
        ).fetchone()
        return int(row[0]), int(row[1])

    def steps_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """Every planned step beside what was performed, one row a step."""
        import pandas as pd  # here, not at the top: the start page opens without pandas

        sql = (
            "SELECT st.session_id, s.person_id, st.step_index, st.kind, st.exercise_id, "
            "st.group_id, st.side, st.set_number, st.planned_seconds, st.performed_seconds, "
            "st.status, st.completed_at, h.hurt FROM steps st "
            "JOIN sessions s ON s.id = st.session_id "
            "LEFT JOIN hurts h ON h.session_id = st.session_id AND h.exercise_id = st.exercise_id"
        )
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE s.person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql + " ORDER BY st.session_id, st.step_index", args).fetchall()
        columns = [
            "session_id",
            "person_id",
            "step_index",
            "kind",
            "exercise_id",
            "group",
            "side",
            "set_number",
            "planned_seconds",
            "performed_seconds",
            "status",
            "completed_at",
            "hurt",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        frame = frame.astype(
            {
                "session_id": "int64",
                "person_id": "int64",
                "step_index": "int64",
                "set_number": "Int64",
                "planned_seconds": "float64",
                "performed_seconds": "float64",
                "hurt": "boolean",
            }
        )
        zone = self.frame_zone(person_id)
        frame["completed_at"] = _times(frame["completed_at"].tolist(), zone)
        frame["is_work"] = frame["kind"].isin([k.value for k in StepKind if k.is_work])
        return frame

    def sessions_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """One row a session: when, how it ended, and how much of the planned work was done.

        ``planned_steps``, ``done_steps`` and ``skipped_steps`` count work steps only (holds
        and sets of reps); ``completion`` is done / planned work steps (0-1)."""
        import pandas as pd  # here, not at the top: the start page opens without pandas

        sql = "SELECT id, person_id, routine_name, started_at, ended_at, status FROM sessions"
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql + " ORDER BY started_at, id", args).fetchall()
        base = pd.DataFrame(
            rows,
            columns=["session_id", "person_id", "routine_name", "started_at", "ended_at", "status"],
        ).astype({"session_id": "int64", "person_id": "int64"})
        # Per-session sums over the work steps, done by SQLite in one pass (the steps table's
        # (session_id, step_index) index keeps each list in the order the steps were planned).
        work_kinds = ", ".join(f"'{k.value}'" for k in StepKind if k.is_work)
        where = " AND s.person_id = ?" if person_id is not None else ""
        stats = self._conn.execute(
            "SELECT st.session_id, count(*), sum(st.status = 'done'), "
            "sum(st.status = 'skipped'), sum(st.planned_seconds), sum(st.performed_seconds), "
            "coalesce(group_concat(DISTINCT st.group_id), ''), "
            "coalesce(group_concat(DISTINCT st.exercise_id), '') "
            "FROM steps st JOIN sessions s ON s.id = st.session_id "
            f"WHERE st.kind IN ({work_kinds}){where} GROUP BY st.session_id",
            args,
        ).fetchall()
        hurts = self._conn.execute(
            "SELECT h.session_id, group_concat(DISTINCT h.exercise_id) FROM hurts h "
            f"JOIN sessions s ON s.id = h.session_id WHERE h.hurt{where} GROUP BY h.session_id",
            args,
        ).fetchall()
        sums = pd.DataFrame(
            stats,
            columns=[
                "session_id",
                "planned_steps",
                "done_steps",
                "skipped_steps",
                "planned_seconds",
                "performed_seconds",
                "groups",
                "exercises",
            ],
        ).astype({"session_id": "int64"})
        hurt = pd.DataFrame(hurts, columns=["session_id", "hurt_exercises"]).astype(
            {"session_id": "int64"}
        )
        base = base.merge(sums, on="session_id", how="left").merge(
            hurt, on="session_id", how="left"
        )
        base = base.fillna(
            {
                "planned_steps": 0,
                "done_steps": 0,
                "skipped_steps": 0,
                "planned_seconds": 0.0,
                "performed_seconds": 0.0,
                "groups": "",
                "exercises": "",
                "hurt_exercises": "",
            }
        ).astype(
            {
                "planned_steps": "int64",
                "done_steps": "int64",
                "skipped_steps": "int64",
                "planned_seconds": "float64",
                "performed_seconds": "float64",
                "hurt_exercises": "str",
            }
        )
        planned = base["planned_steps"].where(base["planned_steps"] > 0)
        base["completion"] = (base["done_steps"] / planned).astype("float64")
        zone = self.frame_zone(person_id)
        base["started_at"] = _times(base["started_at"].tolist(), zone)
        base["ended_at"] = _times(base["ended_at"].tolist(), zone)
        base = base.sort_values(["started_at", "session_id"], kind="stable")
        base = base.reset_index(drop=True)
        order = [
            "session_id",
            "person_id",
            "routine_name",
            "started_at",
            "ended_at",
            "status",
            "planned_steps",
            "done_steps",
            "skipped_steps",
            "completion",
            "groups",
            "exercises",
            "planned_seconds",
            "performed_seconds",
            "hurt_exercises",
        ]
        return base[order]

    def last_discomfort(self, person_id: int | None) -> int | None:
        """The score of a person's latest check-in (by its time), or ``None``."""
        if person_id is None:
            return None
        frame = self.checkins_frame(person_id)
        return None if frame.empty else int(frame["discomfort"].iloc[-1])

    def checkins_frame(self, person_id: int | None = None) -> pd.DataFrame:
        """Check-ins in time order; ``peg`` is the mean of the three items (NaN if absent);
        ``morning`` the next-morning answer (better, same, worse) or ``None``."""
        import pandas as pd  # here, not at the top: the start page opens without pandas

        sql = (
            "SELECT id, person_id, at, discomfort, peg_pain, peg_enjoyment, peg_activity, note, "
            "context, session_id, morning FROM checkins"
        )
        args: tuple[object, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            args = (_int_id(person_id, "person"),)
        rows = self._conn.execute(sql, args).fetchall()
        columns = [
            "checkin_id",
            "person_id",
            "at",
            "discomfort",
            *PEG_ITEMS,
            "note",
            "context",
            "session_id",
            "morning",
        ]
        frame = pd.DataFrame(rows, columns=columns).astype(
            {
                "checkin_id": "int64",
                "person_id": "int64",
                "discomfort": "int64",
                "peg_pain": "float64",
                "peg_enjoyment": "float64",
                "peg_activity": "float64",
                "session_id": "Int64",
            }
        )
        zone = self.frame_zone(person_id)
        frame["at"] = _times(frame["at"].tolist(), zone)
        frame["peg"] = frame[list(PEG_ITEMS)].mean(axis=1, skipna=False)
        morning = frame["morning"].astype(object)
        frame["morning"] = morning.where(morning.notna(), None)  # None where not answered
        frame = frame.sort_values(["at", "checkin_id"], kind="stable").reset_index(drop=True)
        return frame[
            [
                "checkin_id",
                "person_id",
                "at",
                "discomfort",
                *PEG_ITEMS,
                "peg",
                "note",
                "context",
                "session_id",
                "morning",
            ]
        ]
