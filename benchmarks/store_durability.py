"""Does the store keep every committed check-in when several processes write at once and
when a writer is killed mid-stream?

(a) ``--writers`` processes (4) each add ``--rows`` check-ins (1,000) at the same moment into
    one store file; each times its own writes. A single writer measured first, in the same
    run, is the baseline for the write time.
(b) ``--kills`` rounds (50): a writer adds check-ins without pause and reports each id
    through a pipe only after its transaction has committed; it is killed with SIGKILL
    after a short random moment. Every reported id must be in the store afterwards.

Then the rows are counted and SQLite's ``PRAGMA integrity_check`` is run. The last line is

    writers=4 rows_written=N rows_found=N lost=0 kills=50 committed_lost=0 integrity=ok
    write_ms_median=X

(on one line). ``--quick`` runs a small version (100 rows a writer, 5 kills).
Run: ``.venv/bin/python benchmarks/store_durability.py [--quick]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from backcare.store import Store

__all__ = ["main"]


def _timed_writer(path: str, person_id: int, rows: int, start: object, results: object) -> None:
    """Wait for the start signal, then add ``rows`` check-ins, timing each write."""
    durations: list[float] = []
    ids: list[int] = []
    with Store(path) as store:
        start.wait()  # type: ignore[attr-defined]
        for n in range(rows):
            t0 = time.perf_counter()
            ids.append(store.add_checkin(person_id, n % 11, note=f"writer {os.getpid()} #{n}"))
            durations.append((time.perf_counter() - t0) * 1000)
    results.put((ids, durations))  # type: ignore[attr-defined]


def _endless_writer(path: str, person_id: int, report: Connection) -> None:
    """Add check-ins until killed; send each id only once its commit has returned."""
    with Store(path) as store:
        n = 0
        while True:
            checkin_id = store.add_checkin(person_id, n % 11, note=f"until killed #{n}")
            report.send(checkin_id)
            n += 1


def _drain(conn: Connection, into: list[int]) -> None:
    while conn.poll():
        try:
            into.append(conn.recv())
        except (EOFError, OSError):
            return


def phase_concurrent(
    ctx: mp.context.BaseContext, path: str, person_id: int, writers: int, rows: int
) -> tuple[list[int], list[float]]:
    start = ctx.Event()
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_timed_writer, args=(path, person_id, rows, start, results))
        for _ in range(writers)
    ]
    for proc in procs:
        proc.start()
    time.sleep(0.5)  # let every writer open the store, then start them together
    start.set()
    ids: list[int] = []
    durations: list[float] = []
    for _ in procs:
        got_ids, got_ms = results.get(timeout=600)
        ids += got_ids
        durations += got_ms
    for proc in procs:
        proc.join(60)
        if proc.exitcode != 0:
            raise SystemExit(f"a writer failed (exit code {proc.exitcode})")
    return ids, durations


def phase_kills(
    ctx: mp.context.BaseContext, path: str, person_id: int, kills: int, seed: int
) -> tuple[list[int], int]:
    rng = random.Random(seed)
    committed: list[int] = []
    killed = 0
    for _ in range(kills):
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_endless_writer, args=(path, person_id, sender))
        proc.start()
        sender.close()
        reported: list[int] = []
        deadline = time.monotonic() + 30
        while not reported and time.monotonic() < deadline:  # until it has committed once
            if receiver.poll(0.05):
                _drain(receiver, reported)
        if not reported:
            proc.kill()
            raise SystemExit("the writer never committed a row")
        stop_at = time.monotonic() + rng.uniform(0.005, 0.15)
        while time.monotonic() < stop_at:
            receiver.poll(0.005)
            _drain(receiver, reported)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        if proc.exitcode == -signal.SIGKILL:
            killed += 1
        _drain(receiver, reported)
        receiver.close()
        committed += reported
    return committed, killed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast run")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--rows", type=int, default=None, help="check-ins per writer")
    parser.add_argument("--kills", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args(argv)
    rows = args.rows or (100 if args.quick else 1000)
    kills = args.kills if args.kills is not None else (5 if args.quick else 50)
    ctx = mp.get_context("fork")  # the parent holds no open connection while forking

    with tempfile.TemporaryDirectory(prefix="backcare-durability-") as folder:
        path = str(Path(folder) / "backcare.sqlite3")
        with Store(path) as store:
            person_id = store.default_person().id

        t0 = time.perf_counter()
        base_ids, base_ms = phase_concurrent(ctx, path, person_id, 1, min(rows, 300))
        t1 = time.perf_counter()
        ids, durations = phase_concurrent(ctx, path, person_id, args.writers, rows)
        t2 = time.perf_counter()
        committed, killed = phase_kills(ctx, path, person_id, kills, args.seed)
        t3 = time.perf_counter()

        with Store(path) as store:
            found = set(store.checkins_frame()["checkin_id"].tolist())
            integrity = store.integrity_check()
        written = base_ids + ids + committed
        rows_found = len(set(written) & found)
        lost = len(set(written) - found)
        committed_lost = len(set(committed) - found)
        unreported = len(found - set(written))  # committed, but killed before it could say so

    print(
        f"baseline_writers=1 baseline_rows={len(base_ids)} "
        f"baseline_write_ms_median={statistics.median(base_ms):.2f} "
        f"baseline_seconds={t1 - t0:.1f}"
    )
    print(
        f"concurrent_rows={len(ids)} concurrent_seconds={t2 - t1:.1f} "
        f"write_ms_p95={statistics.quantiles(durations, n=20)[-1]:.2f} "
        f"write_ms_max={max(durations):.1f}"
    )
    print(
        f"kill_rounds={kills} killed_by_sigkill={killed} committed_reported={len(committed)} "
        f"committed_unreported={unreported} kill_seconds={t3 - t2:.1f}"
    )
    print(
        f"writers={args.writers} rows_written={len(written)} rows_found={rows_found} "
        f"lost={lost} kills={killed} committed_lost={committed_lost} integrity={integrity} "
        f"write_ms_median={statistics.median(durations):.2f}"
    )
    ok = lost == 0 and committed_lost == 0 and integrity == "ok" and killed == kills
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
