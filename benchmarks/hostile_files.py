"""Memory and time of the reading layer on the worst files a person can bring.

Each import runs in a child process of its own, which reports how much its peak memory (the
resident set size, ``ru_maxrss``) grew during ``Store.import_bytes``, the function the log
page's upload button calls. Cases:

* ``bomb``: a zip whose ``checkins.csv`` header claims 200 bytes while the member holds about
  2 GB of zeros (2 MB packed); refused as damaged;
* ``largest``: the largest zip that is accepted: CSV tables of a made-up trainer just under
  the unpacked limit (``MAX_UNZIPPED_BYTES``), imported whole;
* ``own``: the project's own zip export of one person's month, the baseline of this run.

Then the time to refuse a 10 MB ``my_exercises.toml`` of 37,000 exercises (the catalog as every
page opens it, :func:`backcare.ui.common.open_catalog`), beside the time to read the bundled
catalog (baseline).

The last line is ``bomb_peak_mb=A largest_peak_mb=B own_peak_mb=C toml_refuse_s=D
catalog_s=E``. Targets: A and B under 200, D under 1.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

CHILD = """
import resource, sys, time
from backcare.store import Store
data = open(sys.argv[1], "rb").read()
store = Store(":memory:")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    report = store.import_bytes(data, "upload.zip")
    outcome = "accepted:" + str(report.total_added)
except ValueError as exc:
    outcome = "refused:" + str(exc)[:60].replace(" ", "_")
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{(after - before) / 1024:.1f} {seconds:.2f} {outcome}")
"""


def measure(data: bytes) -> tuple[float, float, str]:
    """(peak growth in MB, seconds, outcome) of importing ``data`` in a fresh process."""
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
        handle.write(data)
    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, handle.name],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "BACKCARE_DATA_DIR": tempfile.mkdtemp()},
        ).stdout.split()
    finally:
        Path(handle.name).unlink()
    return float(out[0]), float(out[1]), out[2]


def _own_export() -> dict[str, bytes]:
    import datetime as dt

    from backcare.catalog import load_catalog
    from backcare.routine import workday_break
    from backcare.store import Store

    catalog = load_catalog(include_user=False)
    store = Store(":memory:")
    person = store.add_person("Ann")
    routine = workday_break(catalog)
    store.save_routine(person.id, routine)
    start = dt.datetime.now().astimezone() - dt.timedelta(days=31)
    for day in range(30):
        at = start + dt.timedelta(days=day)
        sid = store.start_session(person.id, routine, catalog, started_at=at)
        store.finish_session(sid, "completed", at=at + dt.timedelta(minutes=8))
        store.add_checkin(person.id, 4, at=at, session_id=sid)
    archive = zipfile.ZipFile(io.BytesIO(store.export_zip()))
    return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def bomb(members: dict[str, bytes], real_bytes: int) -> bytes:
    """The export with ``checkins.csv`` replaced by ``real_bytes`` of zeros, declared 200."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if name != "checkins.csv":
                archive.writestr(name, content)
        with archive.open("checkins.csv", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(real_bytes >> 20):
                member.write(chunk)
    data = bytearray(buffer.getvalue())
    for signature, size_at, name_at, length_at in (
        (b"PK\x03\x04", 22, 30, 26),
        (b"PK\x01\x02", 24, 46, 28),
    ):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            length = struct.unpack_from("<H", data, at + length_at)[0]
            if bytes(data[at + name_at : at + name_at + length]) == b"checkins.csv":
                struct.pack_into("<I", data, at + size_at, 200)
    return bytes(data)


def largest(members: dict[str, bytes], limit: int) -> bytes:
    """The export's tables grown (rows repeated under new uids) to just under ``limit``."""
    tables = {n: c.decode().split("\r\n") for n, c in members.items() if n.endswith(".csv")}
    grown = {name: lines[:1] for name, lines in tables.items()}
    total, rounds = sum(len(c) for c in members.values()), 0
    session_rows = [r for r in tables["sessions.csv"][1:] if r]
    while total < limit * 0.95:
        rounds += 1
        for row in session_rows:
            uid = row.split(",", 1)[0]
            fresh = uuid.uuid4().hex
            for name in ("sessions.csv", "steps.csv"):
                for line in tables[name][1:]:
                    if line and uid in line:
                        line = line.replace(uid, fresh)
                        if name == "steps.csv":
                            line = uuid.uuid4().hex + line[32:]
                        grown[name].append(line)
                        total += len(line) + 2
    for name, lines in tables.items():
        if name not in ("sessions.csv", "steps.csv"):
            grown[name] = [line for line in lines if line]
    out = {name: ("\r\n".join(lines) + "\r\n").encode() for name, lines in grown.items()}
    manifest = json.loads(members["manifest.json"])
    out["manifest.json"] = json.dumps(manifest).encode()
    return _zip(out)


def toml_refusal() -> tuple[float, float]:
    """Seconds to open the catalog with a 10 MB my_exercises.toml, and with none."""
    folder = Path(tempfile.mkdtemp())
    os.environ["BACKCARE_DATA_DIR"] = str(folder)
    from backcare.ui.common import Messages, open_catalog

    started = time.perf_counter()
    open_catalog(Messages())
    plain = time.perf_counter() - started
    exercise = """
[[exercise]]
id = "ex_{n}"
name = "Wall angel {n}"
group = "upper_back"
targets = ["lower trapezius"]
equipment = []
kind = "reps"
sides = "both"
prescription = {{ sets = 2, reps = 12 }}
cues = ["Stand with your back on a wall.", "Slide the arms up.", "Slide them down slowly."]
"""
    text = "".join(exercise.format(n=n) for n in range(37_000))
    (folder / "my_exercises.toml").write_text(text, encoding="utf-8")
    messages = Messages()
    started = time.perf_counter()
    catalog = open_catalog(messages)
    refuse = time.perf_counter() - started
    assert len(catalog) == 9 and "too large" in messages.text, messages.text
    return refuse, plain


def main() -> int:
    from backcare.store.transfer.layout import MAX_UNZIPPED_BYTES

    members = _own_export()
    own_peak, own_s, own_outcome = measure(_zip(members))
    print(f"own export: peak +{own_peak:.0f} MB, {own_s:.2f} s, {own_outcome}")
    bomb_peak, bomb_s, bomb_outcome = measure(bomb(members, 2 << 30))
    print(
        f"2 GB member declared 200 bytes: peak +{bomb_peak:.0f} MB, {bomb_s:.2f} s, {bomb_outcome}"
    )
    big = largest(members, MAX_UNZIPPED_BYTES)
    big_peak, big_s, big_outcome = measure(big)
    print(
        f"largest accepted zip ({len(big) / 1e6:.1f} MB packed): peak +{big_peak:.0f} MB, "
        f"{big_s:.2f} s, {big_outcome}"
    )
    refuse_s, catalog_s = toml_refusal()
    print(
        f"10 MB my_exercises.toml refused in {refuse_s:.3f} s (bundled catalog: {catalog_s:.3f} s)"
    )
    print(
        f"bomb_peak_mb={bomb_peak:.1f} largest_peak_mb={big_peak:.1f} own_peak_mb={own_peak:.1f} "
        f"toml_refuse_s={refuse_s:.3f} catalog_s={catalog_s:.3f}"
    )
    return 0 if max(bomb_peak, big_peak) < 200 and refuse_s < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
