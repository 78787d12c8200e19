"""The take-away formats: export (JSON, or a zip of CSV files) and import.

:mod:`layout` names each table's fields, :mod:`export` writes them, :mod:`reading` parses a
file back into records, :mod:`validate` holds one validator per record kind and
:mod:`importing` writes what passed, reporting the rest (:class:`ImportReport`).
"""

from __future__ import annotations

from .export import Export
from .importing import Import
from .layout import (
    CSV_MANIFEST_FORMAT,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    MAX_UNZIPPED_BYTES,
    neutralise_cell,
)
from .report import ImportReport

__all__ = [
    "CSV_MANIFEST_FORMAT",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_IMPORT_BYTES",
    "MAX_UNZIPPED_BYTES",
    "Export",
    "Import",
    "ImportReport",
    "neutralise_cell",
]
