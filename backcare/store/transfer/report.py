"""What an import did, in words for the user."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """What an import did: rows added, updated and skipped per table, rows rejected and why,
    and plans joined to one of the same name already in the log."""

    filename: str = ""
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (which row, why)
    updated: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)  # the log's own copy was newer
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (which row, what was done)
    people_added: list[str] = field(default_factory=list)  # uids of people new to the log
    # rows whose id is in the log with different content: the log's copy was kept
    differing: dict[str, int] = field(default_factory=dict)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def summary(self) -> str:
        """One sentence: what was added, updated, skipped (already here), kept and rejected."""

        def counts(table: dict[str, int]) -> str:
            parts = [f"{n} {_plural(name, n)}" for name, n in table.items() if n]
            return ", ".join(parts) if parts else "nothing"

        source = f"From {self.filename}: " if self.filename else ""
        text = f"{source}added {counts(self.added)}"
        if self.total_updated:
            text += f"; updated {counts(self.updated)} with the file's newer copy"
        if self.total_skipped:
            text += f"; skipped {counts(self.skipped)} already in the log"
        if sum(self.kept.values()):
            text += f"; kept {counts(self.kept)} of the log's own, newer than the file's"
        if sum(self.differing.values()):
            text += f"; kept the log's copy of {counts(self.differing)} that the file holds changed"
        if self.rejected:
            n = len(self.rejected)
            text += f"; rejected {n} {'row' if n == 1 else 'rows'}"
        if self.rejected or self.conflicts:
            text += " (details listed below)"
        return text + "."

    def details(self) -> list[str]:
        """One line per rejected row (which row and why), then one per row kept with a
        difference (a routine or a changed row, a check-in's missing session)."""
        return [f"{where}: {why}" for where, why in (*self.rejected, *self.conflicts)]


_SINGULAR = {
    "people": ("person", "people"),
    "plans": ("plan", "plans"),
    "plan_events": ("plan change", "plan changes"),
    "sessions": ("session", "sessions"),
    "steps": ("step", "steps"),
    "hurts": ("hurt flag", "hurt flags"),
    "pain_during": ("pain-during score", "pain-during scores"),
    "checkins": ("check-in", "check-ins"),
    "declined": ("declined suggestion", "declined suggestions"),
    "settings": ("person's session settings", "people's session settings"),
}


def _plural(table: str, n: int) -> str:
    one, many = _SINGULAR.get(table, (table, table))
    return one if n == 1 else many
