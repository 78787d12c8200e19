"""Importing an export: the whole file is validated first, then the new rows are written in
one transaction; rows already here (same uid) are skipped, so importing twice adds nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from typing import Any

from ..connection import StoreBase
from ..errors import InputError
from .layout import _TABLES
from .reading import read_export
from .report import ImportReport, _plural
from .validate import VALIDATORS

__all__ = ["Import"]


class Import(StoreBase):
    """Bringing an export's rows into the store."""

    def import_bytes(self, data: bytes, filename: str = "the file") -> ImportReport:
        """Import an export (JSON or zip of CSVs). The whole file is checked first; valid
        rows not already here are then written in one transaction; rows already here (same
        uid) are skipped, so importing the same file twice adds nothing.

        A routine whose name the person already uses for a different routine is not dropped:
        the copy saved last is kept and the report says which (``updated``/``kept`` and
        ``conflicts``). ``people_added`` holds the uids of the people the import added."""
        records = read_export(data, filename)
        report = ImportReport(filename=filename)
        plan = self._validate_import(records, report)
        self._apply_import(plan, report)
        return report

    def _validate_import(
        self, records: dict[str, list[Any]], report: ImportReport
    ) -> dict[str, list[dict[str, Any]]]:
        def existing(table: str) -> set[str]:
            return {r[0] for r in self._conn.execute(f"SELECT uid FROM {table}")}

        store_people = existing("people")
        store_sessions = existing("sessions")
        plan: dict[str, list[dict[str, Any]]] = {t: [] for t in _TABLES}
        known = {"people": set(store_people), "sessions": set(store_sessions)}
        parents = {
            "routines": ("person_uid", "people"),
            "sessions": ("person_uid", "people"),
            "steps": ("session_uid", "sessions"),
            "hurts": ("session_uid", "sessions"),
            "checkins": ("person_uid", "people"),
        }
        for table in _TABLES:
            seen: set[str] = set()
            for n, raw in enumerate(records.get(table, []), start=1):
                where = f"{_plural(table, 1)} {n}"
                try:
                    if not isinstance(raw, dict):
                        raise InputError("is not a record")
                    row = VALIDATORS[table](raw)
                    if row["uid"] in seen:
                        raise InputError("appears twice in the file")
                    if table in parents:
                        key, parent = parents[table]
                        if row[key] not in known[parent]:
                            raise InputError(
                                f"belongs to a {_plural(parent, 1)} that is neither in the "
                                "file nor in the log (or was rejected)"
                            )
                    session_uid = row.get("session_uid") if table == "checkins" else None
                    if session_uid is not None and session_uid not in known["sessions"]:
                        row["session_uid"] = None  # the session itself was not kept
                except InputError as exc:
                    report.rejected.append((where, str(exc)))
                    continue
                seen.add(row["uid"])
                if table in known:
                    known[table].add(row["uid"])
                plan[table].append(row)
        return plan

    def _apply_import(self, plan: dict[str, list[dict[str, Any]]], report: ImportReport) -> None:
        inserts = {
            "people": (
                "INSERT OR IGNORE INTO people (uid, name, archived, created_at) "
                "VALUES (:uid, :name, :archived, :created_at)"
            ),
            "routines": (
                "INSERT INTO routines (uid, person_id, name, routine_json, saved_at) "
                "SELECT :uid, id, :name, :routine_json, :saved_at FROM people WHERE uid = "
                ":person_uid"
            ),
            "sessions": (
                "INSERT OR IGNORE INTO sessions (uid, person_id, routine_name, routine_json, "
                "started_at, ended_at, status) SELECT :uid, id, :routine_name, :routine_json, "
                ":started_at, :ended_at, :status FROM people WHERE uid = :person_uid"
            ),
            "steps": (
                "INSERT OR IGNORE INTO steps (uid, session_id, step_index, kind, exercise_id, "
                "group_id, side, set_number, planned_seconds, performed_seconds, status, "
                "completed_at) SELECT :uid, id, :step_index, :kind, :exercise_id, :group, "
                ":side, :set_number, :planned_seconds, :performed_seconds, :status, "
                ":completed_at FROM sessions WHERE uid = :session_uid"
            ),
            "hurts": (
                "INSERT OR IGNORE INTO hurts (uid, session_id, exercise_id, hurt, at) "
                "SELECT :uid, id, :exercise_id, :hurt, :at FROM sessions WHERE uid = :session_uid"
            ),
            "checkins": (
                "INSERT OR IGNORE INTO checkins (uid, person_id, at, discomfort, peg_pain, "
                "peg_enjoyment, peg_activity, note, context, session_id) "
                "SELECT :uid, p.id, :at, :discomfort, :peg_pain, :peg_enjoyment, :peg_activity, "
                ":note, :context, (SELECT id FROM sessions WHERE uid = :session_uid) "
                "FROM people p WHERE p.uid = :person_uid"
            ),
        }
        with self._write() as conn:
            for table in _TABLES:
                outcomes = dict.fromkeys(("added", "skipped", "updated", "kept"), 0)
                for row in plan[table]:
                    if table == "routines":
                        outcome = _import_routine(conn, inserts[table], row, report)
                    else:
                        cur = conn.execute(inserts[table], row)
                        outcome = "added" if cur.rowcount > 0 else "skipped"
                        if table == "people" and outcome == "added":
                            report.people_added.append(row["uid"])
                    outcomes[outcome] += 1
                report.added[table] = outcomes["added"]
                report.skipped[table] = outcomes["skipped"]
                if outcomes["updated"]:
                    report.updated[table] = outcomes["updated"]
                if outcomes["kept"]:
                    report.kept[table] = outcomes["kept"]


def _import_routine(
    conn: sqlite3.Connection, insert: str, row: Mapping[str, Any], report: ImportReport
) -> str:
    """Bring in one routine; returns "added", "skipped", "updated" or "kept".

    The log's routine is the one with the same uid or, failing that, the same person and
    name. Identical content is skipped. Different content keeps the copy saved last: the
    file's replaces the log's ("updated") or the log's stays ("kept"); either way the
    report lists it, so nothing changes silently. Importing the same file again finds
    identical content (or the log's newer copy) and changes nothing.
    """
    person = conn.execute("SELECT id FROM people WHERE uid = ?", (row["person_uid"],)).fetchone()
    if person is None:  # the plan only holds routines of known people; be safe anyway
        return "skipped"
    local = conn.execute(
        "SELECT id, routine_json, saved_at FROM routines WHERE uid = ?", (row["uid"],)
    ).fetchone()
    if local is None:
        local = conn.execute(
            "SELECT id, routine_json, saved_at FROM routines WHERE person_id = ? AND name = ?",
            (person[0], row["name"]),
        ).fetchone()
    if local is None:
        conn.execute(insert, row)
        return "added"
    local_id, local_json, local_saved = local
    if local_json == row["routine_json"]:
        return "skipped"
    theirs = dt.datetime.fromisoformat(row["saved_at"])
    ours = dt.datetime.fromisoformat(local_saved)
    name = row["name"]
    where = f"routine '{name}'"
    stamp = "%Y-%m-%d %H:%M %z"
    if theirs > ours:
        conn.execute(
            "UPDATE routines SET routine_json = ?, saved_at = ? WHERE id = ?",
            (row["routine_json"], row["saved_at"], local_id),
        )
        report.conflicts.append(
            (
                where,
                f"differs from the one in the log; the file's copy (saved {theirs:{stamp}}) "
                f"is newer and replaced the log's (saved {ours:{stamp}})",
            )
        )
        return "updated"
    report.conflicts.append(
        (
            where,
            f"differs from the one in the log; the log's copy (saved {ours:{stamp}}) "
            f"is {'as new as' if theirs == ours else 'newer than'} the file's "
            f"(saved {theirs:{stamp}}) and was kept",
        )
    )
    return "kept"
