"""Reading an export file (JSON, or a zip of CSV files with a manifest) into plain records.

The bytes go through the one reading layer for user files (:mod:`backcare.userfiles`): the
size is checked first, JSON is parsed with bounded depth and numbers, a zip is read member by
member within limits, CSV row by row. A zip's tables are read lazily, one at a time, while
the import validates them, so only the rows that pass are kept in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ...userfiles import (
    UserFileError,
    ZipReader,
    check_size,
    csv_rows,
    decode_text,
    parse_json,
)
from ..errors import InputError
from .layout import (
    _EXPORT_FIELDS,
    _V1_ROUTINE_FIELDS,
    CSV_MANIFEST_FORMAT,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_BYTES,
    READABLE_VERSIONS,
    _from_csv_cell,
)

__all__ = ["read_export"]

_ADVICE = "Use a file exported by backcare, as it was downloaded."


def read_export(data: bytes, filename: str) -> dict[str, Iterable[Any]]:
    """Parse an export file into records per table, or raise :class:`InputError` (a zip's
    rows are read as they are iterated, and a broken one raises then)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputError("the upload did not arrive as a file")
    data = bytes(data)
    if not data.strip():
        raise InputError(f"{filename} is empty")
    is_zip = data[:4] == b"PK\x03\x04"
    try:
        if is_zip:
            check_size(len(data), MAX_ZIP_BYTES, filename, "a zip export")
            return _read_zip(data, filename)
        check_size(len(data), MAX_IMPORT_BYTES, filename, "an export")
        return _read_json(data, filename)
    except UserFileError as exc:
        raise InputError(str(exc)) from None


def _read_json(data: bytes, filename: str) -> dict[str, Iterable[Any]]:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"["):
        raise InputError(
            f"{filename} is neither a backcare JSON export nor a zip of CSV files. {_ADVICE}"
        )
    document = parse_json(data, filename)
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise InputError(
            f"{filename} is not a backcare export (format should be {EXPORT_FORMAT!r}, "
            f"found {_short(found)}). {_ADVICE}"
        )
    version = _check_version(document.get("version"), filename)
    records: dict[str, Iterable[Any]] = {}
    for table in _tables(version):
        rows = document.get(table, [])
        if not isinstance(rows, list):
            raise InputError(f"{filename}: {table!r} must be a list of records. {_ADVICE}")
        records[table] = rows
    return _plans_from_v1(records) if version == 1 else records


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _tables(version: int) -> dict[str, dict[str, str]]:
    """The tables (and their fields) an export of ``version`` holds."""
    if version == 1:
        tables = {t: f for t, f in _EXPORT_FIELDS.items() if not t.startswith("plan")}
        people = {k: v for k, v in tables["people"].items() if not k.startswith("zone")}
        return {**tables, "people": people, "routines": _V1_ROUTINE_FIELDS}
    return _EXPORT_FIELDS


def _plans_from_v1(records: dict[str, Iterable[Any]]) -> dict[str, Iterable[Any]]:
    """A version 1 export's routines as plans, each with one save: on the earlier of the
    day it was saved and the day of the first session of that name (a re-save had moved
    ``saved_at``), the same rule as the store's migration. The plan and its save keep the
    routine's uid, so importing the same file twice adds nothing."""
    records = {table: list(rows) for table, rows in records.items()}  # small, old files
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
            f"{filename} is an export of version {_short(version)}, which this backcare "
            f"cannot read (it reads versions {READABLE_VERSIONS[0]} to {EXPORT_VERSION}). "
            "Update backcare, or export again from the backcare that made it."
        )
    return int(version)  # type: ignore[call-overload]


def _read_zip(data: bytes, filename: str) -> dict[str, Iterable[Any]]:
    archive = ZipReader(
        data, filename, member_limit=MAX_UNZIPPED_BYTES, total_limit=MAX_UNZIPPED_BYTES
    )
    if "manifest.json" not in archive:
        raise InputError(f"{filename} is not a backcare export (it has no manifest.json)")
    manifest = parse_json(archive.read("manifest.json"), f"{filename}, manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != CSV_MANIFEST_FORMAT:
        raise InputError(f"{filename} is not a backcare CSV export (unknown manifest)")
    version = _check_version(manifest.get("version"), filename)
    records: dict[str, Iterable[Any]] = {
        table: _CsvRecords(archive, filename, table, fields) if f"{table}.csv" in archive else []
        for table, fields in _tables(version).items()
    }
    return _plans_from_v1(records) if version == 1 else records


class _CsvRecords:
    """One table of a zip export, read when iterated (once)."""

    def __init__(
        self, archive: ZipReader, filename: str, table: str, fields: dict[str, str]
    ) -> None:
        self.archive, self.filename, self.table, self.fields = archive, filename, table, fields

    def __iter__(self) -> Iterator[dict[str, Any] | None]:
        name = f"{self.table}.csv"
        where = f"{self.filename}, {name}"
        fields = self.fields
        try:
            text = decode_text(self.archive.read(name), where)
            rows = csv_rows(text, where)
            del text
            first = next(rows, None)
            header = first[1] if first else None
            if header is None or set(header) - set(fields) or "uid" not in header:
                raise InputError(f"{where} does not have the expected columns. {_ADVICE}")
            for _, cells in rows:
                if len(cells) != len(header):
                    yield None  # rejected at validation, with its number
                    continue
                yield {
                    column: _from_csv_cell(cell, fields[column])
                    for column, cell in zip(header, cells, strict=True)
                }
        except UserFileError as exc:
            raise InputError(str(exc)) from None
