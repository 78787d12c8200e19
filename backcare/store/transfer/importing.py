"""Importing an export: the whole file is validated first, then the new rows are written in
one transaction; rows already here (same uid) are skipped, so importing twice adds nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from ...catalog import Catalog, load_catalog
from ..errors import InputError
from ..plans import Plans
from .layout import _TABLES
from .reading import read_export
from .report import ImportReport, _plural
from .validate import VALIDATORS

__all__ = ["Import"]


class Import(Plans):
    """Bringing an export's rows into the store."""

    def import_bytes(
        self, data: bytes, filename: str = "the file", catalog: Catalog | None = None
    ) -> ImportReport:
        """Import an export (JSON or zip of CSVs). The whole file is checked first; valid
        rows not already here are then written in one transaction; rows already here (same
        uid) are skipped, so importing the same file twice adds nothing.

        Plans come with their history (an export of version 1 has routines, read as plans).
        A new plan named like one the person follows already joins it (the version saved
        last is in force; ``conflicts`` says so). ``people_added`` holds the uids of the
        people the import added.

        Saved routines must be readable with ``catalog`` (by default the bundled exercises
        and the person's own), like every routine file. A row whose uid is in the log with
        other content keeps the log's copy and is reported (``differing``), and so is a
        check-in naming a session that is nowhere."""
        records = read_export(data, filename)
        report = ImportReport(filename=filename)
        plan = self._validate_import(records, report, catalog or _catalog())
        self._apply_import(plan, report)
        return report

    def _validate_import(
        self, records: dict[str, Any], report: ImportReport, catalog: Catalog
    ) -> dict[str, list[dict[str, Any]]]:
        def existing(table: str) -> set[str]:
            return {r[0] for r in self._conn.execute(f"SELECT uid FROM {table}")}

        store_people = existing("people")
        plan: dict[str, list[dict[str, Any]]] = {t: [] for t in _TABLES}
        known = {t: existing(t) for t in ("people", "plans", "sessions")}
        known["people"] = set(store_people)
        parents = {
            "plans": ("person_uid", "people"),
            "plan_events": ("plan_uid", "plans"),
            "sessions": ("person_uid", "people"),
            "steps": ("session_uid", "sessions"),
            "hurts": ("session_uid", "sessions"),
            "pain_during": ("session_uid", "sessions"),
            "checkins": ("person_uid", "people"),
            "declined": ("person_uid", "people"),
            "settings": ("person_uid", "people"),
        }
        for table in _TABLES:
            seen: set[str] = set()
            for n, raw in enumerate(records.get(table, []), start=1):
                where = f"{_plural(table, 1)} {n}"
                try:
                    if not isinstance(raw, dict):
                        raise InputError("is not a record")
                    row = VALIDATORS[table](raw, catalog)
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
                        row["session_uid"] = None
                        report.conflicts.append(
                            (
                                where,
                                "names a session that is neither in the file nor in the log "
                                "(or was rejected); the check-in was kept without that link",
                            )
                        )
                except InputError as exc:
                    report.rejected.append((where, str(exc)))
                    continue
                row["_where"] = where
                seen.add(row["uid"])
                if table in known:
                    known[table].add(row["uid"])
                plan[table].append(row)
        return plan

    def _apply_import(self, plan: dict[str, list[dict[str, Any]]], report: ImportReport) -> None:
        inserts = {
            "people": (
                "INSERT OR IGNORE INTO people (uid, name, archived, created_at, zone, "
                "zone_source) VALUES (:uid, :name, :archived, :created_at, :zone, :zone_source)"
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
            "pain_during": (
                "INSERT OR IGNORE INTO pain_during (uid, session_id, exercise_id, pain_during, "
                "at) SELECT :uid, id, :exercise_id, :pain_during, :at FROM sessions "
                "WHERE uid = :session_uid"
            ),
            "checkins": (
                "INSERT OR IGNORE INTO checkins (uid, person_id, at, discomfort, peg_pain, "
                "peg_enjoyment, peg_activity, note, context, session_id, morning) "
                "SELECT :uid, p.id, :at, :discomfort, :peg_pain, :peg_enjoyment, :peg_activity, "
                ":note, :context, (SELECT id FROM sessions WHERE uid = :session_uid), :morning "
                "FROM people p WHERE p.uid = :person_uid"
            ),
        }
        names = _plan_names(plan["plan_events"])
        plan_ids: dict[str, int] = {}  # the file's plan uid -> the log's plan id
        with self._write() as conn:
            for table in _TABLES:
                outcomes = dict.fromkeys(("added", "skipped", "updated", "kept", "differing"), 0)
                for row in plan[table]:
                    if table == "plans":
                        outcome = self._import_plan(conn, row, names, plan_ids, report)
                    elif table == "plan_events":
                        outcome = _import_plan_event(conn, row, plan_ids)
                    elif table in _LATEST:
                        outcome = _import_latest(conn, table, row)
                    else:
                        cur = conn.execute(inserts[table], row)
                        outcome = "added" if cur.rowcount > 0 else "skipped"
                        if table == "people" and outcome == "added":
                            report.people_added.append(row["uid"])
                        elif table == "people" and _take_zone(conn, row):
                            outcome = "updated"
                        if outcome == "skipped":
                            outcome = _compare_existing(conn, table, row, report)
                    outcomes[outcome] += 1
                report.added[table] = outcomes["added"]
                report.skipped[table] = outcomes["skipped"]
                if outcomes["updated"]:
                    report.updated[table] = outcomes["updated"]
                if outcomes["kept"]:
                    report.kept[table] = outcomes["kept"]
                if outcomes["differing"]:
                    report.differing[table] = outcomes["differing"]

    def _import_plan(
        self,
        conn: sqlite3.Connection,
        row: Mapping[str, Any],
        names: Mapping[str, str],
        plan_ids: dict[str, int],
        report: ImportReport,
    ) -> str:
        """Bring in one plan; returns "added" or "skipped".

        A plan already here (same uid) is skipped. A new plan whose routine has the name of
        a plan the person follows now in the log (the same routine saved on two devices)
        joins that plan: its versions are added to the log's history, where the one saved
        last is in force, and the report says so. Otherwise it is added alongside."""
        local = conn.execute("SELECT id FROM plans WHERE uid = ?", (row["uid"],)).fetchone()
        if local is not None:
            plan_ids[row["uid"]] = int(local[0])
            return "skipped"
        person = conn.execute(
            "SELECT id FROM people WHERE uid = ?", (row["person_uid"],)
        ).fetchone()
        if person is None:  # validation keeps only plans of known people; be safe anyway
            return "skipped"
        name = names.get(row["uid"])
        if name is not None:
            history = self._events_history(int(person[0]), None)
            same = next((p for p in history.following() if p.name == name), None)
            if same is not None:
                plan_ids[row["uid"]] = self._plan_id(int(person[0]), same.plan_uid)
                report.conflicts.append(
                    (
                        f"plan '{name}'",
                        "the log follows a plan of this name already; the file's versions "
                        "were added to its history and the one saved last is followed now",
                    )
                )
                return "skipped"
        cur = conn.execute(
            "INSERT INTO plans (uid, person_id) VALUES (?, ?)", (row["uid"], person[0])
        )
        plan_ids[row["uid"]] = int(cur.lastrowid or 0)
        return "added"


def _plan_names(events: list[dict[str, Any]]) -> dict[str, str]:
    """The name of each plan's latest routine in the file, by plan uid."""
    latest: dict[str, tuple[str, str, str]] = {}
    for event in events:
        if event["routine_json"] is None:
            continue
        name = str(json.loads(event["routine_json"]).get("name", ""))
        key = (event["on_day"], event["at"], name)
        if event["plan_uid"] not in latest or key > latest[event["plan_uid"]]:
            latest[event["plan_uid"]] = key
    return {uid: key[2] for uid, key in latest.items()}


def _import_plan_event(
    conn: sqlite3.Connection, row: Mapping[str, Any], plan_ids: Mapping[str, int]
) -> str:
    """Bring in one plan event: skipped when already here (same uid), or when it is a save of
    exactly the routine its plan holds already on that day (the same save on two devices)."""
    if conn.execute("SELECT 1 FROM plan_events WHERE uid = ?", (row["uid"],)).fetchone():
        return "skipped"
    plan_id = plan_ids.get(row["plan_uid"])
    if plan_id is None:
        found = conn.execute("SELECT id FROM plans WHERE uid = ?", (row["plan_uid"],)).fetchone()
        if found is None:
            return "skipped"
        plan_id = int(found[0])
    if row["routine_json"] is not None:
        same = conn.execute(
            "SELECT 1 FROM plan_events WHERE plan_id = ? AND routine_json = ? AND on_day <= ?",
            (plan_id, row["routine_json"], row["on_day"]),
        ).fetchone()
        if same is not None:
            return "skipped"
    conn.execute(
        "INSERT INTO plan_events (uid, plan_id, kind, routine_json, on_day, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (row["uid"], plan_id, row["kind"], row["routine_json"], row["on_day"], row["at"]),
    )
    return "added"


# Rows the log keys by their content, the latest one counting (a declined suggestion, a
# person's settings): the row already in the log, its time, and how the file's row is written.
_LATEST: dict[str, tuple[str, str, str]] = {
    "declined": (
        "SELECT d.data_mark, d.at FROM declined_suggestions d JOIN people p "
        "ON p.id = d.person_id WHERE p.uid = :person_uid AND d.plan_uid = :plan_uid "
        "AND d.exercise_id = :exercise_id",
        "data_mark",
        "INSERT INTO declined_suggestions (person_id, plan_uid, exercise_id, data_mark, at) "
        "SELECT id, :plan_uid, :exercise_id, :data_mark, :at FROM people "
        "WHERE uid = :person_uid ON CONFLICT (person_id, plan_uid, exercise_id) DO UPDATE "
        "SET data_mark = excluded.data_mark, at = excluded.at",
    ),
    "settings": (
        "SELECT ps.settings_json, ps.updated_at FROM person_settings ps JOIN people p "
        "ON p.id = ps.person_id WHERE p.uid = :person_uid",
        "settings_json",
        "INSERT INTO person_settings (person_id, settings_json, updated_at) "
        "SELECT id, :settings_json, :updated_at FROM people WHERE uid = :person_uid "
        "ON CONFLICT (person_id) DO UPDATE SET settings_json = excluded.settings_json, "
        "updated_at = excluded.updated_at",
    ),
}


def _import_latest(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> str:
    """Bring in a row the log keys by its content: "added" when new, "skipped" when the
    log holds the same, "updated" when the file's is newer, "kept" when the log's is."""
    find, value_key, write = _LATEST[table]
    time_key = "at" if "at" in row else "updated_at"
    local = conn.execute(find, row).fetchone()
    if local is not None:
        if local[0] == row[value_key]:
            return "skipped"
        if _instant(local[1]) >= _instant(row[time_key]):
            return "kept"
    conn.execute(write, row)
    return "added" if local is None else "updated"


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _take_zone(conn: sqlite3.Connection, row: Mapping[str, Any]) -> bool:
    """A person already in the log takes the file's zone when the log has none, or only a
    guess from an old check-in's offset. Returns whether it changed."""
    if row.get("zone") is None or row.get("zone_source") == "offset":
        return False
    cur = conn.execute(
        "UPDATE people SET zone = ?, zone_source = ? WHERE uid = ? "
        "AND (zone IS NULL OR zone_source = 'offset')",
        (row["zone"], row["zone_source"], row["uid"]),
    )
    return cur.rowcount > 0


# How a row already in the log is read back to compare with the file's row of the same uid:
# the query and the row's keys its columns match.
_COMPARE: dict[str, tuple[str, tuple[str, ...]]] = {
    "people": (
        "SELECT name, archived, created_at FROM people WHERE uid = ?",
        ("name", "archived", "created_at"),
    ),
    "sessions": (
        "SELECT routine_name, routine_json, started_at, ended_at, status FROM sessions "
        "WHERE uid = ?",
        ("routine_name", "routine_json", "started_at", "ended_at", "status"),
    ),
    "steps": (
        "SELECT step_index, kind, exercise_id, group_id, side, set_number, planned_seconds, "
        "performed_seconds, status, completed_at FROM steps WHERE uid = ?",
        (
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
        ),
    ),
    "hurts": (
        "SELECT exercise_id, hurt, at FROM hurts WHERE uid = ?",
        ("exercise_id", "hurt", "at"),
    ),
    "pain_during": (
        "SELECT exercise_id, pain_during, at FROM pain_during WHERE uid = ?",
        ("exercise_id", "pain_during", "at"),
    ),
    "checkins": (
        "SELECT c.at, c.discomfort, c.peg_pain, c.peg_enjoyment, c.peg_activity, c.note, "
        "c.context, s.uid FROM checkins c LEFT JOIN sessions s ON s.id = c.session_id "
        "WHERE c.uid = ?",
        (
            "at",
            "discomfort",
            "peg_pain",
            "peg_enjoyment",
            "peg_activity",
            "note",
            "context",
            "session_uid",
        ),
    ),
}


def _compare_existing(
    conn: sqlite3.Connection, table: str, row: Mapping[str, Any], report: ImportReport
) -> str:
    """A row the log did not take: "skipped" when the log holds the same content under
    the same id, else "differing", with a line in the report saying what differs."""
    sql, keys = _COMPARE[table]
    local = conn.execute(sql, (row["uid"],)).fetchone()
    where = row.get("_where", _plural(table, 1))
    if local is None:
        report.conflicts.append(
            (where, "takes the place of one already in the log; the log's was kept")
        )
        return "differing"
    changed = [key for key, ours in zip(keys, local, strict=True) if not _same(key, ours, row[key])]
    if not changed:
        return "skipped"
    report.conflicts.append(
        (
            where,
            f"has the id of one in the log but a different {', '.join(changed)}; the log's "
            "copy was kept (edit it in the log if the file's is right)",
        )
    )
    return "differing"


def _same(key: str, ours: object, theirs: object) -> bool:
    if key == "routine_json" and isinstance(ours, str) and isinstance(theirs, str):
        return json.loads(ours) == json.loads(theirs)
    if isinstance(ours, float) or isinstance(theirs, float):
        return ours is not None and theirs is not None and abs(float(ours) - float(theirs)) < 1e-6
    return ours == theirs


def _catalog() -> Catalog:
    """The catalog routines are checked against: the user's own exercises when they can be
    read, else the bundled nine (a broken my_exercises.toml is reported by the pages)."""
    try:
        return load_catalog()
    except ValueError:
        return load_catalog(include_user=False)
