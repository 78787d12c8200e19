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
    _TABLES,
    CSV_MANIFEST_FORMAT,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_BYTES,
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
    _check_version(document.get("version"), filename)
    records: dict[str, Iterable[Any]] = {}
    for table in _TABLES:
        rows = document.get(table, [])
        if not isinstance(rows, list):
            raise InputError(f"{filename}: {table!r} must be a list of records. {_ADVICE}")
        records[table] = rows
    return records


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_version(version: object, filename: str) -> None:
    if version != EXPORT_VERSION or isinstance(version, bool):
        raise InputError(
            f"{filename} is an export of version {_short(version)}, which this backcare "
            f"cannot read (it reads version {EXPORT_VERSION}). Update backcare, or export "
            "again from the backcare that made it."
        )


def _read_zip(data: bytes, filename: str) -> dict[str, Iterable[Any]]:
    archive = ZipReader(
        data, filename, member_limit=MAX_UNZIPPED_BYTES, total_limit=MAX_UNZIPPED_BYTES
    )
    if "manifest.json" not in archive:
        raise InputError(f"{filename} is not a backcare export (it has no manifest.json)")
    manifest = parse_json(archive.read("manifest.json"), f"{filename}, manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != CSV_MANIFEST_FORMAT:
        raise InputError(f"{filename} is not a backcare CSV export (unknown manifest)")
    _check_version(manifest.get("version"), filename)
    return {
        table: _csv_records(archive, filename, table) if f"{table}.csv" in archive else []
        for table in _TABLES
    }


class _CsvRecords:
    """One table of a zip export, read when iterated (once)."""

    def __init__(self, archive: ZipReader, filename: str, table: str) -> None:
        self.archive, self.filename, self.table = archive, filename, table

    def __iter__(self) -> Iterator[dict[str, Any] | None]:
        name = f"{self.table}.csv"
        where = f"{self.filename}, {name}"
        fields = _EXPORT_FIELDS[self.table]
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


def _csv_records(archive: ZipReader, filename: str, table: str) -> _CsvRecords:
    return _CsvRecords(archive, filename, table)
