"""The store: people, saved routines, sessions (prescribed beside performed) and check-ins.

One SQLite file in the user's data folder (:func:`backcare.paths.store_path`), opened with
the standard library's :mod:`sqlite3`. The package is named for its parts:

* :mod:`.schema`: the schema, its migrations (a copy of an older file is kept first) and
  the checks that refuse a file that is not a backcare store, leaving it as it is;
* :mod:`.connection`: opening the file (WAL, busy timeout) and short ``BEGIN IMMEDIATE``
  transactions, one per event, written when the event happens;
* :mod:`.people`, :mod:`.plans`, :mod:`.sessions`, :mod:`.checkins`: each record kind;
  :mod:`.decisions`: the progression suggestions a person declined;
  :mod:`.session_notes`: pain during each exercise and each person's session settings;
* :mod:`.frames`: the rows as pandas frames for analysis;
* :mod:`.transfer`: export and import (every row has a ``uid``, so an export can be
  imported into another store, and imported again, without duplicates);
* :mod:`.fields` and :mod:`.times`: the checks of single values and of times
  (timezone-aware ``datetime``s kept as ISO 8601 text with their UTC offset).

Invalid input raises :class:`InputError` (a ``ValueError``) whose message is meant for the
user. A :class:`Store` owns its connection; two stores in one process do not share state.
"""

from __future__ import annotations

import logging

from .. import paths
from .checkins import Checkins
from .decisions import Decisions
from .errors import InputError, StoreOpenError
from .fields import CONTEXTS, MAX_NOTE
from .frames import Frames
from .people import Person
from .plans import Plans, SavedRoutine
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from .session_notes import SessionNotes
from .transfer import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    Export,
    Import,
    ImportReport,
    neutralise_cell,
)

__all__ = [
    "APPLICATION_ID",
    "CONTEXTS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_IMPORT_BYTES",
    "MAX_NOTE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ImportReport",
    "InputError",
    "Person",
    "SavedRoutine",
    "Store",
    "StoreOpenError",
    "neutralise_cell",
]

log = logging.getLogger(__name__)


class Store(Import, Export, Frames, Checkins, Plans, Decisions, SessionNotes):
    """People, routines, sessions and check-ins in one SQLite file (or in memory)."""

    @classmethod
    def demo(cls) -> Store:
        """A throw-away in-memory store holding the bundled demo data."""
        source = paths.demo_dir() / "demo_export.json"
        if not source.is_file():
            raise FileNotFoundError(
                f"the demo data file {source} is missing; it is made by backcare.demo "
                "(run `python -m backcare.demo` in the checkout)"
            )
        store = cls(":memory:")
        report = store.import_bytes(source.read_bytes(), source.name)
        if report.rejected:
            log.warning("demo data: %s", "; ".join(report.details()))
        store.is_demo = True
        return store
