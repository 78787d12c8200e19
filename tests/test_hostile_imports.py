"""A corpus of hostile exports, each uploaded on the check-in log's page (the upload button's
own handler), as a person brings their data back.

Refused files leave the store file byte-for-byte as it was (sha256) and the message names
the problem, the place (file, member, row or line) and what to do; never Python's own text.
Accepted files are readable afterwards by the pages (the log, the start page, the dashboard,
the guided session), and what was odd in them is reported, not passed over in silence.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import io
import json
import struct
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from backcare.catalog import Catalog
from backcare.routine import evening_session, workday_break
from backcare.store import MAX_IMPORT_BYTES, Store
from backcare.ui.log import CheckInApp

PYTHON_TEXT = (
    "Traceback",
    "RecursionError",
    "Exceeds the limit",
    "4300",
    "field larger than field limit",
    "codec",
    "surrogates not allowed",
    "Bad CRC",
    "NotImplementedError",
    "RuntimeError",
    "compression method",
    "unhashable",
    "fromisoformat",
)


def _no_python_text(text: str) -> None:
    for fragment in PYTHON_TEXT:
        assert fragment not in text, f"{fragment!r} shown to the person: {text}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- a source of honest exports ------------------------------------------------------------
@pytest.fixture(scope="module")
def source() -> Store:
    from backcare.catalog import load_catalog

    catalog = load_catalog(include_user=False)
    store = Store(":memory:")
    ann = store.add_person("Ann 🧘‍♀️")
    routine = workday_break(catalog)
    store.save_routine(ann.id, routine)
    sid = store.start_session(ann.id, routine, catalog)
    work = [s for s in routine.steps(catalog) if s.kind.is_work]
    store.record_step(sid, work[0].index, "done", 30.0)
    store.record_hurt(sid, work[0].exercise_id, True)
    store.finish_session(sid, "stopped")
    store.add_checkin(ann.id, 4, context="before", session_id=sid)
    store.add_checkin(ann.id, 3, note="=1+1 and a comma, too")
    return store


def _document(source: Store) -> dict:
    return json.loads(source.export_json())


def _json(document: dict) -> bytes:
    return json.dumps(document).encode()


@pytest.fixture
def app(tmp_path: Path) -> CheckInApp:
    """The log page on a store file holding one person (so the file exists to hash)."""
    with Store(tmp_path / "log.sqlite3") as store:
        store.add_person("Zoë")
    return CheckInApp(Store(tmp_path / "log.sqlite3"))


def _upload(app: CheckInApp, data: bytes, name: str) -> None:
    app.upload.value = (
        {
            "name": name,
            "type": "application/octet-stream",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        },
    )


def _refused(app: CheckInApp, data: bytes, name: str, *reasons: str) -> str:
    path = Path(app.store.path)
    before = sha256(path)  # nothing was written since the file was made and closed
    _upload(app, data, name)
    text = app.messages.text
    assert app.messages.kind == "error", text
    assert name in text, text
    for reason in reasons:
        assert reason in text, (reason, text)
    _no_python_text(text)
    assert sha256(path) == before
    app.store.close()
    assert sha256(path) == before
    return text


# -- zips built by hand ----------------------------------------------------------------------
def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _patch(data: bytes, name: str, **fields: int) -> bytes:
    """Change header fields of one member in both its local and its central header:
    ``flags``, ``method``, ``size`` (the declared uncompressed size)."""
    out = bytearray(data)
    raw = name.encode()
    offsets = {
        "local": {"flags": 6, "method": 8, "size": 22},
        "central": {"flags": 8, "method": 10, "size": 24},
    }
    for signature, kind, name_at in ((b"PK\x03\x04", "local", 30), (b"PK\x01\x02", "central", 46)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            start = at + 4
            length = struct.unpack_from("<H", out, at + (26 if kind == "local" else 28))[0]
            if bytes(out[at + name_at : at + name_at + length]) != raw:
                continue
            for field, value in fields.items():
                fmt = "<H" if field in ("flags", "method") else "<I"
                struct.pack_into(fmt, out, at + offsets[kind][field], value)
    return bytes(out)


def _export_members(source: Store) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(source.export_zip()))
    return {name: archive.read(name) for name in archive.namelist()}


# -- refused files ---------------------------------------------------------------------------
def test_json_nested_100000_deep_is_refused(app: CheckInApp) -> None:
    _refused(app, b"[" * 100_000 + b"]" * 100_000, "deep.json", "nested", "right file")


def test_a_5000_digit_integer_is_refused(app: CheckInApp, source: Store) -> None:
    data = _json(_document(source)).replace(b'"discomfort": 4', b'"discomfort": ' + b"4" * 5000)
    _refused(app, data, "digits.json", "5,000 characters")


def test_a_broken_json_names_the_line(app: CheckInApp) -> None:
    _refused(app, b'{"format": "backcare.export",\n "version": 2,,}', "bad.json", "line 2")


def test_an_oversized_json_is_refused_before_it_is_read(app: CheckInApp) -> None:
    data = b'{"pad": "' + b"x" * MAX_IMPORT_BYTES + b'"}'
    _refused(app, data, "huge.json", "too large", "one person at a time")


def test_a_csv_cell_over_the_csv_limit_is_refused_with_its_row(
    app: CheckInApp, source: Store
) -> None:
    members = _export_members(source)
    lines = members["checkins.csv"].decode().split("\r\n")
    cells = lines[2].split(",")
    cells[-3] = "x" * 200_000  # the note of the second check-in
    lines[2] = ",".join(cells)
    members["checkins.csv"] = "\r\n".join(lines).encode()
    _refused(app, _zip(members), "cell.zip", "checkins.csv", "row 3", "131,072")


@pytest.mark.parametrize(
    ("fields", "reasons"),
    [
        ({"flags": 0x1}, ("encrypted", "without a password")),
        ({"method": 99}, ("AES encryption",)),
        ({"method": 9}, ("Deflate64", "ordinary (Deflate) compression")),
        ({"method": 12}, ("bzip2",)),
    ],
)
def test_unusual_zip_members_are_refused_in_words(
    app: CheckInApp, source: Store, fields: dict, reasons: tuple[str, ...]
) -> None:
    data = _patch(_zip(_export_members(source)), "checkins.csv", **fields)
    _refused(app, data, "odd.zip", "checkins.csv", *reasons)


def test_a_member_far_larger_than_its_header_says_is_refused(
    app: CheckInApp, source: Store
) -> None:
    members = _export_members(source)
    members["checkins.csv"] += b"\r\n" * 1_500_000  # 3 MB of blank lines
    data = _patch(_zip(members), "checkins.csv", size=200)
    _refused(app, data, "bomb.zip", "checkins.csv", "damaged")


def test_a_member_smaller_than_its_header_says_is_read_as_it_is(
    app: CheckInApp, source: Store
) -> None:
    """The content is whole (its checksum matches), only the size field is wrong."""
    data = _patch(_zip(_export_members(source)), "checkins.csv", size=5_000_000)
    _upload(app, data, "short.zip")
    assert app.messages.kind == "success", app.messages.text
    assert len(app.store.checkins_frame()) == 2


def test_a_zip_unpacking_beyond_the_limit_is_refused_from_its_headers(
    app: CheckInApp, source: Store
) -> None:
    data = _patch(_zip(_export_members(source)), "steps.csv", size=900_000_000)
    _refused(app, data, "big.zip", "unpacks to", "one person at a time")


def test_garbage_and_foreign_files(app: CheckInApp) -> None:
    _refused(app, b"\x00\x01garbage", "x.bin", "neither")
    _refused(app, b"PK\x03\x04 not really", "x.zip", "not a readable zip")
    _refused(app, _zip({"readme.txt": b"hi"}), "x.zip", "manifest.json")
    _refused(app, _zip({"manifest.json": b"[" * 10_000}), "x.zip", "manifest.json", "nested")


# -- accepted files, with what was odd reported ----------------------------------------------
def _edit(source: Store, change: Callable[[dict], None]) -> bytes:
    document = _document(source)
    change(document)
    return _json(document)


def _details(app: CheckInApp) -> str:
    return app.messages.text + " " + html.unescape(app.takeaway.import_details.value)


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("2024-03-05T11:28:00+01:00:30", "offset with seconds"),
        ("0001-01-01T00:30:00+01:00", "year 1"),
        ("9999-12-31T23:30:00-05:00", "year 9999"),
        ("1492-10-12T08:00:00+00:00", "year 1492"),
        ("2024-03-05", "no time zone"),
        ("tomorrow", "not a date and time"),
    ],
)
def test_times_no_reader_can_handle_are_rejected_at_import(
    app: CheckInApp, source: Store, at: str, reason: str
) -> None:
    data = _edit(source, lambda d: d["checkins"][1].update(at=at))
    _upload(app, data, "times.json")
    details = app.takeaway.import_details.value
    assert "check-in 2" in details and reason in details
    assert app.store.checkins_frame()["at"].notna().all()
    _pages_read(app.store)


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("2024-03-05T11:28:00+01:00:30", "offset with seconds"),
        (dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))), "year 1"),
        ("1492-10-12T08:00:00+00:00", "year 1492"),
    ],
)
def test_the_same_times_are_refused_when_typed(at: object, reason: str) -> None:
    store = Store(":memory:")
    person = store.add_person("Ann")
    with pytest.raises(ValueError, match=reason):
        store.add_checkin(person.id, 3, at=at)
    assert store.checkins_frame().empty


def test_a_lone_surrogate_in_a_note_rejects_that_row_only(app: CheckInApp, source: Store) -> None:
    data = _json(_document(source)).replace(b"=1+1 and a comma", b"=1+1 \\ud800 and a comma")
    _upload(app, data, "surrogate.json")
    text = _details(app)
    assert "check-in 2" in text and "broken character" in text
    _no_python_text(text)
    assert len(app.store.checkins_frame()) == 1  # the other check-in came in


def test_a_garbage_routine_is_rejected_not_dropped_later(app: CheckInApp, source: Store) -> None:
    def spoil(document: dict) -> None:
        event = next(e for e in document["plan_events"] if e["kind"] == "save")
        event["routine"] = {"format": "backcare.routine", "version": 1, "items": "garbage"}

    _upload(app, _edit(source, spoil), "garbage.json")
    text = _details(app)
    assert "rejected" in app.messages.text and "routine" in text and "items" in text
    assert "added 1 routine" not in text
    _pages_read(app.store)


def test_a_routine_with_an_unknown_setting_is_rejected_in_words(
    app: CheckInApp, source: Store
) -> None:
    def spoil(document: dict) -> None:
        event = next(e for e in document["plan_events"] if e["kind"] == "save")
        event["routine"]["timing"]["warp"] = 9

    _upload(app, _edit(source, spoil), "warp.json")
    text = _details(app)
    assert "warp" in text and "unknown setting" in text
    _no_python_text(text)


def test_a_checkin_naming_an_unknown_session_is_reported(app: CheckInApp, source: Store) -> None:
    def spoil(document: dict) -> None:
        document["checkins"][1]["session_uid"] = "f" * 32

    _upload(app, _edit(source, spoil), "link.json")
    text = _details(app)
    assert "check-in 2" in text and "names a session" in text and "without that link" in text
    assert len(app.store.checkins_frame()) == 2


def test_a_changed_row_with_an_existing_id_is_reported_as_kept(
    app: CheckInApp, source: Store
) -> None:
    _upload(app, source.export_json(), "first.json")
    assert app.messages.kind == "success"

    def change(document: dict) -> None:
        document["checkins"][1]["discomfort"] = 9
        document["checkins"][1]["note"] = "changed on the phone"

    _upload(app, _edit(source, change), "second.json")
    text = _details(app)
    assert "check-in 2" in text and "discomfort, note" in text and "log's copy was kept" in text
    assert "kept the log's copy of 1 check-in" in app.messages.text
    assert sorted(app.store.checkins_frame()["discomfort"]) == [3, 4]


def test_boms_and_joined_emoji_are_accepted(app: CheckInApp, source: Store) -> None:
    _upload(app, b"\xef\xbb\xbf" + source.export_json(), "bom.json")
    assert app.messages.kind == "success", app.messages.text
    members = _export_members(source)
    members = {name: b"\xef\xbb\xbf" + content for name, content in members.items()}
    other = CheckInApp(Store(":memory:"))
    _upload(other, _zip(members), "bom.zip")
    assert other.messages.kind == "success", other.messages.text
    assert [p.name for p in other.store.people()] == ["Ann 🧘‍♀️"]
    _pages_read(other.store)


@pytest.mark.slow
def test_own_json_export_of_a_big_trainer_imports(catalog: Catalog) -> None:
    """About 1,700 evening sessions: more than the old 20 MB limit, still imported whole."""
    source = Store(":memory:")
    person = source.add_person("Busy trainer")
    routine = evening_session(catalog)
    sid = source.start_session(person.id, routine, catalog)
    source.finish_session(sid, "completed")
    document = json.loads(source.export_json())
    session, steps = document["sessions"][0], document["steps"]
    start = dt.datetime.fromisoformat(session["started_at"]) - dt.timedelta(days=1700)
    document["sessions"], document["steps"] = [], []
    for n in range(1700):
        uid = uuid.uuid4().hex
        at = (start + dt.timedelta(days=n)).isoformat(timespec="seconds")
        document["sessions"].append({**session, "uid": uid, "started_at": at, "ended_at": at})
        for step in steps:
            document["steps"].append(
                {**copy.copy(step), "uid": uuid.uuid4().hex, "session_uid": uid}
            )
    data = (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()
    assert len(data) > 20 * 1024 * 1024
    target = Store(":memory:")
    report = target.import_bytes(data, "trainer.json", catalog)
    assert report.rejected == []
    assert report.added["sessions"] == 1700 and report.added["steps"] == 1700 * len(steps)


# -- afterwards, every page reads the store ----------------------------------------------------
def _pages_read(store: Store) -> None:
    from backcare.ui.start import StartPage

    frame = store.checkins_frame()
    assert frame["at"].notna().all()
    store.sessions_frame()
    log = CheckInApp(store)
    assert log.messages.kind != "error", log.messages.text
    start = StartPage(store)
    assert start.messages.kind != "error", start.messages.text


def test_after_the_hostile_imports_the_dashboard_and_session_build(
    source: Store, catalog: Catalog
) -> None:
    from backcare.ui.progress import ProgressApp
    from backcare.ui.session import SessionApp

    store = Store(":memory:")
    for change in (
        lambda d: d["checkins"][1].update(at="0001-01-01T00:30:00+01:00"),
        lambda d: d["checkins"][0].update(session_uid="e" * 32),
        lambda d: d["checkins"][1].update(note="emoji 🧘‍♀️ and \u200d joiners"),
    ):
        store.import_bytes(_edit(source, change), "mixed.json", catalog)
    dashboard = ProgressApp(store, catalog)
    assert dashboard.messages.kind != "error", dashboard.messages.text
    session = SessionApp(store, catalog)
    assert session.messages.kind != "error", session.messages.text


# -- every field of every record kind, spoiled one at a time ---------------------------------
HOSTILE_VALUES: tuple[object, ...] = (
    [1, 2],
    {"a": {"b": [None]}},
    "\ud800",
    10**25,
    -1,
    True,
    None,
    "x" * 5000,
    1e308,
    "2024-03-05T11:28:00+01:00:30",
    "",
    "\u202eevil",
)


def test_every_field_spoiled_is_rejected_in_words_or_kept_readable(
    source: Store, catalog: Catalog
) -> None:
    """One import per (record kind, field, hostile value): never an exception other than a
    refusal in words, and the store stays readable by the frames the pages draw from."""
    document = _document(source)
    cases = [
        (table, n, field)
        for table, rows in document.items()
        if isinstance(rows, list) and rows
        for n, field in enumerate(sorted(rows[0]))
    ]
    assert len(cases) > 40
    for n, (table, _, field) in enumerate(cases):
        value = HOSTILE_VALUES[n % len(HOSTILE_VALUES)]
        spoiled = copy.deepcopy(document)
        spoiled[table][0][field] = value
        store = Store(":memory:")
        try:
            report = store.import_bytes(_json(spoiled), "spoiled.json", catalog)
        except ValueError as exc:  # the whole file refused: in words
            _no_python_text(str(exc))
            continue
        for line in report.details():
            _no_python_text(line)
        store.checkins_frame()
        store.sessions_frame()
        for person in store.people():
            store.routines(person.id, catalog)
