"""A child process for tests/test_store_opening.py: it opens (creates) a new store in each
round at the same instant as its twin. Kept apart from the test module so a spawned child
imports only the store, not the widgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def create_rounds(folder: str, who: str, rounds: int, barrier: Any, results: Any) -> None:
    from backcare.store import Store

    for n in range(rounds):
        barrier.wait()
        try:
            with Store(Path(folder) / f"round-{n}.sqlite3") as store:
                store.add_person(who)
            results.put((n, who, "ok"))
        except Exception as exc:  # reported to the test, which fails with it
            results.put((n, who, f"{type(exc).__name__}: {exc}"))
