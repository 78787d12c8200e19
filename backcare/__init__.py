"""backcare: a Jupyter workbook for back care.

Plan a routine from nine exercises in four groups, follow it with a guided in-cell timer,
log discomfort, and see whether doing the routine goes with feeling better.

The domain core (catalog, prescriptions, routines, timeline, timer engine, store,
analysis) knows nothing of widgets; the views in :mod:`backcare.ui` wrap it.

pandas, matplotlib, scipy and statsmodels are imported by the modules that make frames,
charts and statistics. The core modules every page needs (routines, the store, the
progression rule) import pandas inside the functions that return a frame, so the start page
opens without waiting for them (``tests/test_start.py`` checks it).
"""

from .catalog import Catalog, CatalogError, Exercise, Group, load_catalog
from .prescription import Kind, Prescription, PrescriptionError, Sides
from .routine import (
    Routine,
    RoutineError,
    RoutineItem,
    Schedule,
    Timing,
    evening_session,
    from_groups,
    workday_break,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "Exercise",
    "Group",
    "Kind",
    "Prescription",
    "PrescriptionError",
    "Routine",
    "RoutineError",
    "RoutineItem",
    "Schedule",
    "Sides",
    "Timing",
    "evening_session",
    "from_groups",
    "load_catalog",
    "workday_break",
]

__version__ = "0.1.0"
