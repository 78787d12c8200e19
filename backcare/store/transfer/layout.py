"""The take-away formats' layout: each table's exported fields and how a CSV cell is written
and read back (text a spreadsheet would run as a formula is neutralised)."""

from __future__ import annotations

import json

from ...userfiles import UserFileError, parse_json

__all__ = [
    "CSV_MANIFEST_FORMAT",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_IMPORT_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_ZIP_BYTES",
    "neutralise_cell",
]

EXPORT_FORMAT = "backcare.export"
# 2: plans with their history and each person's zone (1: routines). Tables added to version 2
# later (pain during, declined suggestions, settings) are optional: older files lack them.
EXPORT_VERSION = 2
READABLE_VERSIONS = (1, 2)
CSV_MANIFEST_FORMAT = "backcare.export.csv"
#: Largest JSON export read: the project's own export of a trainer's ~3,500 full evening
#: sessions fits (1,600 make 21 MB; importing those raises the peak memory by about 80 MB).
MAX_IMPORT_BYTES = 48 * 1024 * 1024
#: Largest zip export read, and most it may unpack to (its CSVs are about 40 % of the JSON's
#: size: 1,600 evening sessions unpack to 8.4 MB); the peak memory of an import at these
#: limits stays under 200 MB, about 145 MB (benchmarks/hostile_files.py).
MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 16 * 1024 * 1024

# Each table's exported fields, the text fields among them (neutralised in CSV) and the
# type of each for reading CSV back.
_EXPORT_FIELDS: dict[str, dict[str, str]] = {
    "people": {
        "uid": "text",
        "name": "text",
        "archived": "bool",
        "created_at": "text",
        "zone": "text",
        "zone_source": "text",
    },
    "plans": {"uid": "text", "person_uid": "text"},
    "plan_events": {
        "uid": "text",
        "plan_uid": "text",
        "kind": "text",
        "routine": "json",
        "on_day": "text",
        "at": "text",
    },
    "sessions": {
        "uid": "text",
        "person_uid": "text",
        "routine_name": "text",
        "routine": "json",
        "started_at": "text",
        "ended_at": "text",
        "status": "text",
    },
    "steps": {
        "uid": "text",
        "session_uid": "text",
        "step_index": "int",
        "kind": "text",
        "exercise_id": "text",
        "group": "text",
        "side": "text",
        "set_number": "int",
        "planned_seconds": "float",
        "performed_seconds": "float",
        "status": "text",
        "completed_at": "text",
    },
    "hurts": {
        "uid": "text",
        "session_uid": "text",
        "exercise_id": "text",
        "hurt": "bool",
        "at": "text",
    },
    "pain_during": {
        "uid": "text",
        "session_uid": "text",
        "exercise_id": "text",
        "pain_during": "int",
        "at": "text",
    },
    "checkins": {
        "uid": "text",
        "person_uid": "text",
        "at": "text",
        "discomfort": "int",
        "peg_pain": "int",
        "peg_enjoyment": "int",
        "peg_activity": "int",
        "note": "text",
        "context": "text",
        "session_uid": "text",
        "morning": "text",
    },
    # a suggestion the person declined (until new data arrive); uid: a digest of its key
    "declined": {
        "uid": "text",
        "person_uid": "text",
        "plan_uid": "text",
        "exercise_id": "text",
        "data_mark": "text",
        "at": "text",
    },
    # the person's session settings (voice, beeps, volume...); uid: a digest of the person's
    "settings": {"uid": "text", "person_uid": "text", "settings": "json", "updated_at": "text"},
}
_TABLES = tuple(_EXPORT_FIELDS)

# Version 1 kept one row a routine (rewritten on each save); read and turned into plans.
_V1_ROUTINE_FIELDS = {
    "uid": "text",
    "person_uid": "text",
    "name": "text",
    "routine": "json",
    "saved_at": "text",
}


def neutralise_cell(value: object) -> object:
    """Make a text cell safe for a spreadsheet: text a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading ``'``. Text already
    starting with ``'`` gets one more, so :func:`_unneutralise` restores the exact text.
    Numbers are left as they are."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r'":
        return "'" + value
    return value


def _unneutralise(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def _csv_cell(value: object, kind: str) -> object:
    if value is None:
        return ""
    if kind == "json":
        return neutralise_cell(json.dumps(value, sort_keys=True))
    if kind == "bool":
        return "1" if value else "0"
    if kind == "text":
        return neutralise_cell(str(value))
    return value


def _from_csv_cell(text: str, kind: str) -> object:
    if kind == "text":
        return _unneutralise(text) if text != "" else None
    if text == "":
        return None
    if kind in ("int", "float") and len(text) > 40:
        return text[:20] + "..."  # no number of ours is this long; the row is refused
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "bool":
        return {"1": True, "0": False, "true": True, "false": False}.get(text.lower(), text)
    try:  # json, with the reading layer's bounds on depth and numbers
        return parse_json(_unneutralise(text), "cell")
    except UserFileError:
        return text
