"""The store's two errors: refused input (a message for the user) and an unusable file."""

from __future__ import annotations

__all__ = ["InputError", "StoreOpenError"]


class InputError(ValueError):
    """A value or a file was refused; the message says why, in words fit for the user."""


class StoreOpenError(RuntimeError):
    """The database file cannot be used as a backcare store; it was left untouched."""
