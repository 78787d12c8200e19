"""The guided session: the app, its browser-side focus view and the driver that wakes it.

``from backcare.ui.session import SessionApp`` is all a notebook needs.
"""

from .app import SessionApp, format_clock
from .driver import TimerDriver
from .front import FocusView

__all__ = ["FocusView", "SessionApp", "TimerDriver", "format_clock"]
