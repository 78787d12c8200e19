"""Reading the files a person brings: one layer with limits, and one style of message.

Every file that comes from outside the package goes through here before any other module
looks at its content: an export (JSON, or a zip of CSV files), a routine file (uploaded as a
plan or saved in the routines folder) and ``my_exercises.toml``. The layer

* checks the size before reading (a file on disk by its size on disk, an upload by its
  length), so an oversized file is refused at once;
* decodes UTF-8 the same way everywhere: a byte-order mark at the start is dropped, bytes
  that are not UTF-8 are refused with the line they are on;
* parses JSON and TOML with bounds on nesting depth and on the length of a number, so a
  file nested 100,000 deep or holding a 5,000-digit number gets a sentence, not a Python
  error;
* reads CSV row by row and refuses a cell longer than any backcare field can be;
* reads zip members in small pieces, stopping at the size each member declares and at a
  total limit, and refuses encrypted members and compression methods it cannot read.

Problems raise :class:`UserFileError`, a ``ValueError`` whose message reads
``<file>, row <n>, field '<name>': <what is wrong>. <what to do>`` (the parts that apply).
"""

from __future__ import annotations

import csv
import io
import json
import math
import tomllib
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_TOML_BYTES",
    "UserFileError",
    "ZipReader",
    "check_size",
    "csv_rows",
    "decode_text",
    "describe_bytes",
    "parse_json",
    "parse_toml",
    "read_limited",
]

#: Deepest nesting of lists and objects any backcare file needs (an export is 4 deep).
MAX_DEPTH = 32
#: Longest number (digits) any backcare file needs; a score or a count has a few.
MAX_NUMBER_DIGITS = 30
#: Largest TOML file read (the bundled catalog and poses are under 10 kB each; a person's
#: my_exercises.toml with a couple of hundred exercises fits).
MAX_TOML_BYTES = 256 * 1024
#: Longest CSV cell (characters) read; no backcare field comes near it.
MAX_CSV_CELL = 128 * 1024
_CHUNK = 64 * 1024


class UserFileError(ValueError):
    """A file (or a part of it) was refused. The message names the problem, where it is
    (file, row, field) and what to do; the parts are kept as attributes for tests."""

    def __init__(
        self,
        problem: str,
        *,
        file: str = "",
        row: int | str | None = None,
        field: str | None = None,
        advice: str = "",
    ) -> None:
        self.problem, self.file, self.row, self.field, self.advice = (
            problem,
            file,
            row,
            field,
            advice,
        )
        super().__init__(self.message)

    @property
    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(self.row if isinstance(self.row, str) else f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}" if self.where else self.problem
        text = text.rstrip(".") + "."
        return f"{text} {self.advice}".strip()


def describe_bytes(size: int) -> str:
    """``1234567`` -> ``"1.2 MB"``; small sizes in bytes or kB."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} bytes"


# -- size and text -----------------------------------------------------------------------
def check_size(size: int, limit: int, file: str, what: str = "this kind of file") -> None:
    """Refuse ``size`` bytes when over ``limit``, before anything is read or parsed."""
    if size > limit:
        shown, most = describe_bytes(size), describe_bytes(limit)
        if shown == most:
            shown, most = f"{size:,} bytes", f"{limit:,}"
        raise UserFileError(
            f"it is too large ({shown}; backcare reads up to {most} for {what})",
            file=file,
            advice="Check that this is the right file; a large log can be exported one "
            "person at a time.",
        )


def read_limited(path: Path, limit: int, what: str = "this kind of file") -> bytes:
    """The bytes of ``path``, its size checked first (from the file system, without reading)."""
    name = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise UserFileError("this is a folder, not a file", file=name)
        check_size(size, limit, name, what)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UserFileError("the file does not exist", file=name) from None
    except PermissionError:
        raise UserFileError(
            "backcare is not allowed to read this file",
            file=name,
            advice="Check the file's permissions.",
        ) from None
    except OSError as exc:
        raise UserFileError(
            f"the file cannot be read ({exc.strerror or 'input/output error'})", file=name
        ) from None
    check_size(len(data), limit, name, what)  # it grew while being read
    return data


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped; other encodings are refused with
    the line where the first bad byte is."""
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = bytes(data)[: exc.start].count(b"\n") + 1
        raise UserFileError(
            "the text is not UTF-8 (a byte there cannot be read)",
            file=file,
            row=f"line {line}",
            advice="Save the file as UTF-8 and try again.",
        ) from None


# -- JSON and TOML -------------------------------------------------------------------------
class _NumberTooLong(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.digits = len(text)


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return int(text)


def _float(text: str) -> float:
    value = float(text) if len(text) <= 4 * MAX_NUMBER_DIGITS else math.inf
    if not math.isfinite(value):
        raise _NumberTooLong(text)
    return value


def _constant(text: str) -> float:
    raise _NumberTooLong(text)  # NaN, Infinity: not numbers a file of ours holds


def _too_long(file: str, exc: _NumberTooLong) -> UserFileError:
    if exc.args[0] in ("NaN", "Infinity", "-Infinity", "nan", "inf", "-inf", "+inf"):
        problem = f"it holds {exc.args[0]}, which is not a number backcare can use"
    elif exc.digits <= 4 * MAX_NUMBER_DIGITS:
        problem = f"it holds the number {exc.args[0]}, too large for any backcare value"
    else:
        problem = (
            f"it holds a number {exc.digits:,} characters long; no backcare value needs more "
            f"than {MAX_NUMBER_DIGITS}"
        )
    return UserFileError(problem, file=file, advice="Check that this is the right file.")


def _too_deep(file: str) -> UserFileError:
    return UserFileError(
        f"its lists and tables are nested more than {MAX_DEPTH} levels deep; no backcare file is",
        file=file,
        advice="Check that this is the right file.",
    )


def check_depth(value: Any, file: str, limit: int = MAX_DEPTH) -> None:
    """Refuse values nested deeper than ``limit`` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            raise _too_deep(file)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def parse_json(data: bytes | str, file: str) -> Any:
    """Parse JSON text with bounded depth and number length; :class:`UserFileError` names
    the line and column of a syntax error."""
    text = data if isinstance(data, str) else decode_text(data, file)
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise _too_deep(file) from None
    except _NumberTooLong as exc:
        raise _too_long(file, exc) from None
    except json.JSONDecodeError as exc:
        raise UserFileError(
            f"this is not valid JSON ({exc.msg.lower()} at column {exc.colno})",
            file=file,
            row=f"line {exc.lineno}",
            advice="Use a file made by backcare, or fix the text at that place.",
        ) from None
    check_depth(value, file)
    return value


def parse_toml(data: bytes, file: str) -> dict[str, Any]:
    """Parse TOML text with the same bounds as :func:`parse_json`."""
    text = decode_text(data, file)
    try:
        value = tomllib.loads(text, parse_float=_float)
    except RecursionError:
        raise _too_deep(file) from None
    except _NumberTooLong as exc:
        raise _too_long(file, exc) from None
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        reason = reason[:1].lower() + reason[1:]
        raise UserFileError(
            f"this is not valid TOML ({reason})",
            file=file,
            advice="Fix the text at that place; data/catalog.toml shows the layout.",
        ) from None
    except ValueError:  # Python refuses to turn a very long digit string into an int
        raise UserFileError(
            f"it holds a number longer than {MAX_NUMBER_DIGITS} digits; no backcare value "
            "needs one",
            file=file,
            advice="Check the numbers in the file.",
        ) from None
    _check_toml_numbers(value, file)
    check_depth(value, file)
    return value


def _check_toml_numbers(value: Any, file: str) -> None:
    limit = 10**MAX_NUMBER_DIGITS
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) >= limit:
            raise _too_long(file, _NumberTooLong(str(item)))
        elif isinstance(item, float) and not math.isfinite(item):
            raise _too_long(file, _NumberTooLong("Infinity" if item == item else "NaN"))


# -- CSV --------------------------------------------------------------------------------------
def csv_rows(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` for each non-empty row (the header is row 1); a cell longer
    than :data:`MAX_CSV_CELL` or broken quoting is refused with its row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    n = 0
    while True:
        n += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            if any(len(cell) > MAX_CSV_CELL for cell in _raw_cells(text, reader.line_num)):
                problem = (
                    f"a cell is longer than {MAX_CSV_CELL:,} characters, more than any "
                    "backcare field holds"
                )
            else:
                problem = "the CSV text is broken here (a quote is not closed?)"
            raise UserFileError(
                problem,
                file=file,
                row=n,
                advice="Export the file from backcare again rather than editing it.",
            ) from None
        if cells:
            yield n, cells


def _raw_cells(text: str, line: int) -> list[str]:
    """A rough split of the physical line the csv module stopped at (for the message)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return [text[-MAX_CSV_CELL - 1 :]]
    return lines[line - 1].split(",")


# -- zip ----------------------------------------------------------------------------------------
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "Deflate",
    9: "Deflate64",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
    93: "Zstandard",
    99: "AES encryption",
}


class ZipReader:
    """A zip held in memory, read member by member with limits.

    ``member_limit`` bounds one member, ``total_limit`` everything read. A member is read in
    pieces of 64 kB and reading stops at the size its header declares (one byte more is a
    damaged member), so a member whose real content is far larger than declared costs no
    more memory than its declared size.
    """

    def __init__(self, data: bytes, file: str, *, member_limit: int, total_limit: int) -> None:
        self.file = file
        self.member_limit = member_limit
        self.total_limit = total_limit
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self.members = {info.filename: info for info in self._zip.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise UserFileError(
                "this is not a readable zip file",
                file=file,
                advice="Use the zip that backcare exported, as it was downloaded.",
            ) from None
        declared = sum(info.file_size for info in self.members.values())
        if declared > total_limit:
            raise UserFileError(
                f"it unpacks to {describe_bytes(declared)}, more than the "
                f"{describe_bytes(total_limit)} backcare reads from a zip",
                file=file,
                advice="Export one person at a time, or use the JSON export.",
            )

    def __enter__(self) -> ZipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def __contains__(self, name: object) -> bool:
        return name in self.members

    def read(self, name: str) -> bytes:
        """One member's bytes, within the limits, or :class:`UserFileError`."""
        info = self.members[name]
        where = f"{self.file}, {name}"
        if info.flag_bits & 0x1:
            raise UserFileError(
                "this member is encrypted (password-protected), which backcare cannot read",
                file=where,
                advice="Make the zip again without a password.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method = _METHODS.get(info.compress_type, f"method {info.compress_type}")
            raise UserFileError(
                f"this member is packed with {method}, which backcare does not read",
                file=where,
                advice="Make the zip again with ordinary (Deflate) compression, or use "
                "the zip backcare exported.",
            )
        if info.file_size > self.member_limit:
            raise UserFileError(
                f"this member is {describe_bytes(info.file_size)}, more than the "
                f"{describe_bytes(self.member_limit)} backcare reads",
                file=where,
                advice="Export one person at a time, or use the JSON export.",
            )
        damaged = UserFileError(
            "this member is damaged (its content does not match its header)",
            file=where,
            advice="Download the export again, or export it again from backcare.",
        )
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > info.file_size or size > self.member_limit:
                        raise damaged
                    if self._read_total > self.total_limit:
                        raise UserFileError(
                            f"it unpacks to more than the {describe_bytes(self.total_limit)} "
                            "backcare reads from a zip",
                            file=self.file,
                            advice="Export one person at a time, or use the JSON export.",
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as exc:
            if isinstance(exc, UserFileError):
                raise
            raise damaged from None
        except NotImplementedError:
            raise UserFileError(
                "this member is packed in a way backcare does not read",
                file=where,
                advice="Make the zip again with ordinary (Deflate) compression.",
            ) from None
        except RuntimeError:
            raise UserFileError(
                "this member is encrypted, which backcare cannot read",
                file=where,
                advice="Make the zip again without a password.",
            ) from None
        return b"".join(chunks)
