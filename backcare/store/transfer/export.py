"""Exporting the store: one JSON file, or a zip of CSV files (one a table) with a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from typing import Any

from ..people import People
from ..schema import SCHEMA_VERSION
from ..times import _iso, _now
from .layout import (
    _EXPORT_FIELDS,
    _TABLES,
    CSV_MANIFEST_FORMAT,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    _csv_cell,
)

__all__ = ["Export"]


class Export(People):
    """Everything (or one person's rows) as take-away files."""

    def export_records(self, person_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every table (or one person's rows) as plain records keyed by uid, not by id."""
        where_person = ""
        args: tuple[object, ...] = ()
        if person_id is not None:
            args = (self._require_person(person_id),)
            where_person = " WHERE p.id = ?"
        q = self._conn.execute
        people = [
            {
                "uid": u,
                "name": n,
                "archived": bool(a),
                "created_at": c,
                "zone": z,
                "zone_source": zs,
            }
            for u, n, a, c, z, zs in q(
                "SELECT p.uid, p.name, p.archived, p.created_at, p.zone, p.zone_source "
                f"FROM people p{where_person} ORDER BY p.id",
                args,
            )
        ]
        plans = [
            {"uid": u, "person_uid": pu}
            for u, pu in q(
                "SELECT pl.uid, p.uid FROM plans pl "
                f"JOIN people p ON p.id = pl.person_id{where_person} ORDER BY pl.id",
                args,
            )
        ]
        plan_events = [
            {
                "uid": u,
                "plan_uid": pu,
                "kind": k,
                "routine": None if j is None else json.loads(j),
                "on_day": d,
                "at": a,
            }
            for u, pu, k, j, d, a in q(
                "SELECT e.uid, pl.uid, e.kind, e.routine_json, e.on_day, e.at FROM plan_events e "
                "JOIN plans pl ON pl.id = e.plan_id "
                f"JOIN people p ON p.id = pl.person_id{where_person} ORDER BY e.id",
                args,
            )
        ]
        sessions = [
            {
                "uid": u,
                "person_uid": pu,
                "routine_name": n,
                "routine": json.loads(j),
                "started_at": s,
                "ended_at": e,
                "status": st,
            }
            for u, pu, n, j, s, e, st in q(
                "SELECT s.uid, p.uid, s.routine_name, s.routine_json, s.started_at, s.ended_at, "
                f"s.status FROM sessions s JOIN people p ON p.id = s.person_id{where_person} "
                "ORDER BY s.id",
                args,
            )
        ]
        step_keys = list(_EXPORT_FIELDS["steps"])
        steps = [
            dict(zip(step_keys, row, strict=True))
            for row in q(
                "SELECT st.uid, s.uid, st.step_index, st.kind, st.exercise_id, st.group_id, "
                "st.side, st.set_number, st.planned_seconds, st.performed_seconds, st.status, "
                "st.completed_at FROM steps st JOIN sessions s ON s.id = st.session_id "
                f"JOIN people p ON p.id = s.person_id{where_person} ORDER BY st.id",
                args,
            )
        ]
        hurts = [
            {"uid": u, "session_uid": su, "exercise_id": e, "hurt": bool(h), "at": a}
            for u, su, e, h, a in q(
                "SELECT h.uid, s.uid, h.exercise_id, h.hurt, h.at FROM hurts h "
                "JOIN sessions s ON s.id = h.session_id "
                f"JOIN people p ON p.id = s.person_id{where_person} ORDER BY h.id",
                args,
            )
        ]
        pain_during = [
            {"uid": u, "session_uid": su, "exercise_id": e, "pain_during": n, "at": a}
            for u, su, e, n, a in q(
                "SELECT pd.uid, s.uid, pd.exercise_id, pd.pain_during, pd.at FROM pain_during pd "
                "JOIN sessions s ON s.id = pd.session_id "
                f"JOIN people p ON p.id = s.person_id{where_person} ORDER BY pd.id",
                args,
            )
        ]
        checkin_keys = list(_EXPORT_FIELDS["checkins"])
        checkins = [
            dict(zip(checkin_keys, row, strict=True))
            for row in q(
                "SELECT c.uid, p.uid, c.at, c.discomfort, c.peg_pain, c.peg_enjoyment, "
                "c.peg_activity, c.note, c.context, s.uid, c.morning FROM checkins c "
                "JOIN people p ON p.id = c.person_id "
                f"LEFT JOIN sessions s ON s.id = c.session_id{where_person} ORDER BY c.id",
                args,
            )
        ]
        declined = [
            {
                "uid": _digest(pu, plan, e),
                "person_uid": pu,
                "plan_uid": plan,
                "exercise_id": e,
                "data_mark": m,
                "at": a,
            }
            for pu, plan, e, m, a in q(
                "SELECT p.uid, d.plan_uid, d.exercise_id, d.data_mark, d.at "
                "FROM declined_suggestions d "
                f"JOIN people p ON p.id = d.person_id{where_person} ORDER BY d.id",
                args,
            )
        ]
        settings = [
            {
                "uid": _digest(pu, "settings"),
                "person_uid": pu,
                "settings": json.loads(j),
                "updated_at": a,
            }
            for pu, j, a in q(
                "SELECT p.uid, ps.settings_json, ps.updated_at FROM person_settings ps "
                f"JOIN people p ON p.id = ps.person_id{where_person} ORDER BY p.id",
                args,
            )
        ]
        return {
            "people": people,
            "plans": plans,
            "plan_events": plan_events,
            "sessions": sessions,
            "steps": steps,
            "hurts": hurts,
            "pain_during": pain_during,
            "checkins": checkins,
            "declined": declined,
            "settings": settings,
        }

    def export_json(self, person_id: int | None = None) -> bytes:
        """One JSON file holding everything (or one person's data)."""
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _iso(_now()),
            "schema_version": SCHEMA_VERSION,
            **self.export_records(person_id),
        }
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def export_zip(self, person_id: int | None = None) -> bytes:
        """A zip of CSV files, one a table, with a small manifest. Text a spreadsheet would
        run as a formula is neutralised (see :func:`neutralise_cell`)."""
        records = self.export_records(person_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table, fields in _EXPORT_FIELDS.items():
                text = io.StringIO()
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(list(fields))
                for record in records[table]:
                    writer.writerow(
                        [_csv_cell(record.get(name), kind) for name, kind in fields.items()]
                    )
                archive.writestr(f"{table}.csv", text.getvalue().encode("utf-8"))
            manifest = {
                "format": CSV_MANIFEST_FORMAT,
                "version": EXPORT_VERSION,
                "exported_at": _iso(_now()),
                "tables": {t: len(records[t]) for t in _TABLES},
                "note": "Text cells that start like a spreadsheet formula begin with a quote '.",
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        return buffer.getvalue()


def _digest(*parts: str) -> str:
    """A record's id in the file for rows the log keys by their content (a declined
    suggestion, a person's settings): the same rows get the same id in every export."""
    return hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
