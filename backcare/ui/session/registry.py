"""One session app per notebook cell, and the sessions this kernel is following now.

Re-running the notebook cell that builds the app must not leave the old session running
unseen (still recording, still speaking). JupyterLab and Notebook 7 send the cell's id with
every execution request; a new app closes the one built earlier by the same cell. The record
lives on the kernel's IPython shell (one per kernel), not in a module global, so importing
backcare changes nothing; outside a kernel (plain Python, tests) nothing is registered. Apps
from other cells are left alone, so two apps in one kernel do not interfere.
"""

from __future__ import annotations

import weakref
from typing import Any

import ipywidgets as widgets

from ...timer import TimerState

__all__ = ["claim_cell", "live_session_ids", "walk"]

_REGISTRY_ATTR = "_backcare_session_apps"


def live_session_ids(app: Any) -> set[int]:
    """Sessions this kernel's apps are following now (not to be offered as unfinished)."""
    apps = [app]
    registry = _shell_registry()
    if registry is not None:
        apps += [a for a in (ref() for ref in registry.values()) if a is not None]
    live = set()
    for one in apps:
        timer, recorder = getattr(one, "timer", None), getattr(one, "recorder", None)
        if timer is None or recorder is None or recorder.session_id is None:
            continue
        if timer.state is TimerState.RUNNING or (
            timer.state is TimerState.PAUSED and not one.paused_for_no_view
        ):
            live.add(recorder.session_id)
    return live


def claim_cell(app: Any) -> None:
    """Close the app this notebook cell built before (see the module's docstring)."""
    registry = _shell_registry()
    if registry is None:
        return
    from IPython import get_ipython

    try:
        parent = get_ipython().kernel.get_parent()
    except Exception:
        parent = {}
    cell_id = (parent or {}).get("metadata", {}).get("cellId")
    previous = registry.get(cell_id)
    old = previous() if previous is not None else None
    if old is not None and old is not app:
        old.close()
    registry[cell_id] = weakref.ref(app)


def _shell_registry() -> dict[Any, weakref.ref[Any]] | None:
    """The kernel's record of session apps by cell (``None`` outside a kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    return shell.__dict__.setdefault(_REGISTRY_ATTR, {})


def walk(widget: widgets.Widget) -> list[widgets.Widget]:
    """``widget`` and every widget inside it."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found.extend(walk(child))
    return found
