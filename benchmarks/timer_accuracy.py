"""How exactly does the guided session's countdown end? Against a naive ``sleep(1)`` loop.

Runs the real driver (:class:`backcare.ui.session.TimerDriver` inside a
:class:`~backcare.ui.session.SessionApp` with real ipywidgets objects, no browser) on an
asyncio loop through one hold, and at the same time, in a thread, the baseline: a loop that
sleeps one second and updates a widget, ``hold_s`` times, as a naive notebook timer would.

* ``end_error_ms``: when the app showed the end, minus when the hold was due to end.
* ``max_tick_gap_ms``: the longest time between two updates of the countdown (ideal 1000).
* ``naive_end_error_ms``: the same end error for the naive loop (its drift adds up).

Usage: ``python benchmarks/timer_accuracy.py [--quick]`` (``--quick``: a 5 s hold).
The last line is ``hold_s=60 end_error_ms=X max_tick_gap_ms=Y naive_end_error_ms=Z``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import tempfile
import threading
import time

import ipywidgets as widgets

from backcare.catalog import load_catalog
from backcare.store import Store
from backcare.timeline import Step, StepKind
from backcare.ui.session import SessionApp

__all__ = ["main", "naive_countdown", "run_driver"]


def naive_countdown(hold_s: int, result: dict[str, float]) -> None:
    """The baseline: ``sleep(1)`` then update a widget, ``hold_s`` times."""
    label = widgets.HTML()
    start = time.monotonic()
    for left in range(hold_s, 0, -1):
        time.sleep(1)
        label.value = f"<b>{left - 1}</b>"
    result["end_error_ms"] = (time.monotonic() - start - hold_s) * 1000


async def run_driver(hold_s: int) -> dict[str, float]:
    """Run one hold of ``hold_s`` seconds through the real app and driver."""
    store = Store(":memory:")
    app = SessionApp(store=store, catalog=load_catalog(include_user=False))
    updates: list[float] = []
    finished_at: list[float] = []

    def on_countdown(change: dict[str, object]) -> None:
        now = time.monotonic()
        updates.append(now)
        if change["new"] == "✓":
            finished_at.append(now)

    app.countdown.observe(on_countdown, names="value")
    steps = (
        Step(0, StepKind.HOLD, float(hold_s), "Benchmark hold", next_title="End"),
        Step(1, StepKind.DONE, 0.0, "End"),
    )
    app.start(steps)
    assert app.timer is not None and app.driver.task is not None
    planned_end = app.timer.deadline()
    assert planned_end is not None
    await app.driver.task
    app.close()
    store.close()
    gaps = [b - a for a, b in itertools.pairwise(updates)]
    return {
        "end_error_ms": (finished_at[0] - planned_end) * 1000,
        "max_tick_gap_ms": max(gaps) * 1000 if gaps else 0.0,
        "updates": float(len(updates)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 5 s hold instead of 60 s")
    args = parser.parse_args()
    hold_s = 5 if args.quick else 60
    os.environ.setdefault("BACKCARE_DATA_DIR", tempfile.mkdtemp(prefix="backcare-bench-"))

    naive: dict[str, float] = {}
    thread = threading.Thread(target=naive_countdown, args=(hold_s, naive), daemon=True)
    thread.start()
    ours = asyncio.run(run_driver(hold_s))
    thread.join()
    print(f"countdown_updates={int(ours['updates'])}")
    print(
        f"hold_s={hold_s} end_error_ms={ours['end_error_ms']:.3f} "
        f"max_tick_gap_ms={ours['max_tick_gap_ms']:.3f} "
        f"naive_end_error_ms={naive['end_error_ms']:.3f}"
    )


if __name__ == "__main__":
    main()
