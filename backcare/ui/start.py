"""The start page: where data lives, what is in it, and the exercises at a glance."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .. import paths
from ..catalog import Catalog
from ..safety import NOT_TREATMENT, red_flags_html
from ..store import Store, StoreOpenError
from ..store.browser import in_browser
from .common import Messages, esc, open_catalog, prose, watch_store
from .file_button import FileButton, FilePayload

# Shown when the workbook runs in the browser (JupyterLite), beside the backup button.
BROWSER_STORAGE_NOTE = (
    "<p class='backcare-browser-storage'><b>Your diary is kept in this browser only.</b> "
    "It stays when you close the tab or restart the browser, but clearing this browser's "
    "data for the site (cookies and site data), or a private window, deletes it for good. "
    "Keep a copy: <b>Download all my data</b> below, and upload it in "
    "<i>03 Log discomfort</i> to bring it back.</p>"
)

__all__ = ["StartPage", "catalog_overview_html"]


def catalog_overview_html(catalog: Catalog) -> str:
    """Groups with their exercises, targets, equipment and the usual prescription."""
    parts = []
    for group in catalog.groups:
        rows = "".join(
            f"<tr><td><b>{esc(e.name)}</b></td><td>{esc(', '.join(e.targets))}</td>"
            f"<td>{esc(', '.join(e.equipment) or 'nothing')}</td>"
            f"<td>{esc(e.prescription.describe(e.sides))}</td></tr>"
            for e in catalog.in_group(group.id)
        )
        parts.append(
            f"<h4>{esc(group.name)}</h4><p><i>{esc(group.why)}</i></p>"
            '<table class="backcare-table"><tr><th>exercise</th><th>works</th>'
            f"<th>you need</th><th>usual dose</th></tr>{rows}</table>"
        )
    return "".join(parts)


class StartPage(widgets.VBox):
    """Status of the user's data folder, a one-click backup, and the exercise overview."""

    def __init__(
        self, store: Store | None = None, catalog: Catalog | None = None, **kwargs: Any
    ) -> None:
        self.messages = Messages()
        self.catalog = open_catalog(self.messages, catalog)
        self.folder = widgets.HTML()
        self.status = widgets.HTML()
        self.status.add_class("backcare-start-status")
        # One click: the kernel makes the zip and the browser saves it.
        self.backup = FileButton("Download all my data", self.messages.guard(self._backup_file))
        self.backup.add_class("backcare-backup")
        self.store: Store | None = None
        try:
            self.store = store or Store()
        except StoreOpenError as exc:
            self.messages.error(str(exc))
        else:
            watch_store(self.messages, self.store)
        self.red_flags = widgets.HTML(
            prose(f"<p><b>Safety first.</b> {esc(NOT_TREATMENT)}</p>" + red_flags_html())
        )
        self.red_flags.add_class("backcare-start-red-flags")
        super().__init__(
            [
                self.red_flags,
                self.folder,
                self.status,
                self.backup,
                self.messages,
                widgets.HTML("<h3>The exercises</h3>" + catalog_overview_html(self.catalog)),
            ],
            **kwargs,
        )
        self.add_class("backcare-start-page")
        self.refresh()

    def refresh(self) -> None:
        """Show the data folder and what the store holds."""
        self.folder.value = (
            f"<p>Your data folder: <code>{esc(paths.user_data_dir(create=False))}</code> "
            f"(set <code>{paths.DATA_DIR_ENV}</code> to use another).</p>"
        )
        if in_browser():
            self.folder.value += BROWSER_STORAGE_NOTE
        if self.store is None:
            self.status.value = ""
            self.backup.disabled = True
            return
        people = self.store.people()
        checkins, sessions = self.store.entry_counts()
        if not checkins and not sessions:
            self.status.value = (
                "<p><b>No entries yet.</b> Until you log your own, the <i>Progress</i> "
                "notebook shows made-up demo data, clearly marked, so you can see what "
                "it will look like.</p>"
            )
        else:
            names = ", ".join(esc(p.name) for p in people)
            self.status.value = (
                f"<p>Your log holds <b>{checkins}</b> check-in{'s' * (checkins != 1)} and "
                f"<b>{sessions}</b> session{'s' * (sessions != 1)} for: {names}.</p>"
            )

    def _backup_file(self) -> FilePayload:
        if self.store is None:
            raise ValueError("the data file could not be opened, so there is nothing to save")
        data = self.store.export_zip()
        path = paths.write_export(data, "backcare-export.zip")
        self.messages.success(
            f"Your data is downloading ({len(data):,} bytes); a copy is in "
            f"{path.parent.name}/ in your data folder."
        )
        return FilePayload(data, path.name, "application/zip")
