"""Reading an export file (JSON, or a zip of CSV files with a manifest) into plain records."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from ..errors import InputError
from .layout import (
    _EXPORT_FIELDS,
    _V1_ROUTINE_FIELDS,
    CSV_MANIFEST_FORMAT,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    MAX_UNZIPPED_BYTES,
    READABLE_VERSIONS,
    _from_csv_cell,
)

__all__ = ["read_export"]


def read_export(data: bytes, filename: str) -> dict[str, list[Any]]:
    """Parse an export file into records per table, or raise :class:`InputError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputError("the upload did not arrive as a file")
    data = bytes(data)
    if not data.strip():
        raise InputError(f"{filename} is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError(
            f"{filename} is {len(data) / 1e6:.1f} MB; the limit for an import is "
            f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        )
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data, filename)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(
            f"{filename} is neither a backcare JSON export nor a zip of CSV files"
        ) from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise InputError(
            f"{filename} is not a backcare export (format should be {EXPORT_FORMAT!r}, "
            f"found {found!r})"
        )
    version = _check_version(document.get("version"), filename)
    records: dict[str, list[Any]] = {}
    for table in _tables(version):
        rows = document.get(table, [])
        if not isinstance(rows, list):
            raise InputError(f"{filename}: {table!r} must be a list of records")
        records[table] = rows
    return _plans_from_v1(records) if version == 1 else records


def _tables(version: int) -> dict[str, dict[str, str]]:
    """The tables (and their fields) an export of ``version`` holds."""
    if version == 1:
        tables = {t: f for t, f in _EXPORT_FIELDS.items() if not t.startswith("plan")}
        people = {k: v for k, v in tables["people"].items() if not k.startswith("zone")}
        return {**tables, "people": people, "routines": _V1_ROUTINE_FIELDS}
    return _EXPORT_FIELDS


def _plans_from_v1(records: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A version 1 export's routines as plans, each with one save: on the earlier of the
    day it was saved and the day of the first session of that name (a re-save had moved
    ``saved_at``), the same rule as the store's migration. The plan and its save keep the
    routine's uid, so importing the same file twice adds nothing."""
    routines = records.pop("routines", [])
    first_session: dict[tuple[object, object], str] = {}
    for session in records.get("sessions", []):
        if isinstance(session, dict) and isinstance(session.get("started_at"), str):
            key = (session.get("person_uid"), session.get("routine_name"))
            day = session["started_at"][:10]
            first_session[key] = min(first_session.get(key, day), day)
    plans: list[Any] = []
    events: list[Any] = []
    for routine in routines:
        if not isinstance(routine, dict):
            plans.append(routine)  # rejected at validation, with its number
            continue
        saved = routine.get("saved_at")
        day = saved[:10] if isinstance(saved, str) else None
        first = first_session.get((routine.get("person_uid"), routine.get("name")))
        if day is not None and first is not None:
            day = min(day, first)
        plans.append({"uid": routine.get("uid"), "person_uid": routine.get("person_uid")})
        events.append(
            {
                "uid": routine.get("uid"),
                "plan_uid": routine.get("uid"),
                "kind": "save",
                "routine": routine.get("routine"),
                "on_day": day,
                "at": saved,
            }
        )
    return {**records, "plans": plans, "plan_events": events}


def _check_version(version: object, filename: str) -> int:
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise InputError(
            f"{filename} is an export of version {version!r}, which this backcare cannot read "
            f"(it reads versions {READABLE_VERSIONS[0]} to {EXPORT_VERSION})"
        )
    return int(version)  # type: ignore[call-overload]


def _read_zip(data: bytes, filename: str) -> dict[str, list[Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{filename} is not a readable zip file") from None
    with archive:
        if sum(info.file_size for info in members.values()) > MAX_UNZIPPED_BYTES:
            raise InputError(f"{filename} unpacks to more than the import limit")
        if "manifest.json" not in members:
            raise InputError(f"{filename} is not a backcare export (it has no manifest.json)")
        try:
            manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
        except (ValueError, zipfile.BadZipFile, OSError):
            raise InputError(f"{filename}: manifest.json cannot be read") from None
        if not isinstance(manifest, dict) or manifest.get("format") != CSV_MANIFEST_FORMAT:
            raise InputError(f"{filename} is not a backcare CSV export (unknown manifest)")
        version = _check_version(manifest.get("version"), filename)
        records: dict[str, list[Any]] = {}
        for table, fields in _tables(version).items():
            name = f"{table}.csv"
            if name not in members:
                records[table] = []
                continue
            try:
                text = archive.read(name).decode("utf-8-sig")
            except (UnicodeDecodeError, zipfile.BadZipFile, OSError):
                raise InputError(f"{filename}: {name} cannot be read as UTF-8 text") from None
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None)
            if header is None or set(header) - set(fields) or "uid" not in header:
                raise InputError(f"{filename}: {name} does not have the expected columns")
            rows = []
            for cells in reader:
                if not cells:
                    continue
                if len(cells) != len(header):
                    rows.append(None)  # rejected at validation, with its number
                    continue
                rows.append(
                    {
                        column: _from_csv_cell(cell, fields[column])
                        for column, cell in zip(header, cells, strict=True)
                    }
                )
            records[table] = rows
    return _plans_from_v1(records) if version == 1 else records
