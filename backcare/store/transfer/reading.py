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
    _TABLES,
    CSV_MANIFEST_FORMAT,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    MAX_UNZIPPED_BYTES,
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
    _check_version(document.get("version"), filename)
    records: dict[str, list[Any]] = {}
    for table in _TABLES:
        rows = document.get(table, [])
        if not isinstance(rows, list):
            raise InputError(f"{filename}: {table!r} must be a list of records")
        records[table] = rows
    return records


def _check_version(version: object, filename: str) -> None:
    if version != EXPORT_VERSION:
        raise InputError(
            f"{filename} is an export of version {version!r}, which this backcare cannot read "
            f"(it reads version {EXPORT_VERSION})"
        )


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
        _check_version(manifest.get("version"), filename)
        records: dict[str, list[Any]] = {}
        for table, fields in _EXPORT_FIELDS.items():
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
    return records
