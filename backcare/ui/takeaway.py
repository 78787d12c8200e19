"""Taking the diary away and bringing it back: the log's export buttons and import upload.

:class:`TakeAwayPanel` turns clicks into calls on the diary's model
(:class:`backcare.diary.CheckInLog`) and shows what happened in the page's message area;
the page that holds it decides what to show after an import (``on_import``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..diary import CheckInLog
from ..store import ImportReport, InputError
from .common import Messages, esc
from .file_button import FileButton, FilePayload

__all__ = ["TakeAwayPanel"]

#: How many lines of an import's details are listed before "... and N more".
DETAIL_LINES = 50


class TakeAwayPanel(widgets.VBox):
    """Download the diary (CSV files in a zip, or one JSON file) and import such a file.

    ``person_id`` gives the person chosen on the page (None: nobody yet); ``on_import``
    runs after a file was read, before its report is shown, with the report and the person
    who was chosen before the import.
    """

    def __init__(
        self,
        model: CheckInLog,
        person_id: Callable[[], int | None],
        messages: Messages,
        on_import: Callable[[ImportReport, int | None], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.add_class("backcare-takeaway")
        self.model = model
        self._person_id = person_id
        self.messages = messages
        self._on_import = on_import

        self.export_scope = widgets.ToggleButtons(
            options=[("This person", "person"), ("Everyone", "all")], value="person"
        )
        self.export_scope.add_class("backcare-export-scope")
        # One click each: the kernel makes the file and the browser saves it.
        guard = messages.guard
        self.export_zip_button = FileButton(
            "Download CSV files (zip)", guard(lambda: self._on_export("zip"))
        )
        self.export_zip_button.add_class("backcare-export-zip")
        self.export_json_button = FileButton(
            "Download a JSON file", guard(lambda: self._on_export("json"))
        )
        self.export_json_button.add_class("backcare-export-json")
        self.export_links = widgets.HTML()
        self.export_links.add_class("backcare-export-links")
        self.upload = widgets.FileUpload(
            accept=".json,.zip", multiple=False, description="Import a file"
        )
        self.upload.add_class("backcare-import")
        self.import_details = widgets.HTML()
        self.import_details.add_class("backcare-import-details")
        self.upload.observe(guard(self._on_upload), names="value")

        self.children = [
            widgets.HTML(
                "<h4 style='margin:8px 0 4px'>Take your data with you</h4>"
                "<small>Online copies (such as Binder) forget everything when they close: "
                "download an export to keep, and import it next time.</small>"
            ),
            widgets.HBox([self.export_scope, self.export_zip_button, self.export_json_button]),
            self.export_links,
            self.upload,
            self.import_details,
        ]

    def _on_export(self, kind: str) -> FilePayload:
        person_id = None
        if self.export_scope.value == "person":
            person_id = self._person_id()
            if person_id is None:
                raise InputError(
                    "choose whose entries to download first (add a person if the list is empty)"
                )
        export = self.model.export(kind, person_id)
        self.export_links.value = f"<small>A copy is saved as {esc(export.saved_to)}.</small>"
        self.messages.success(f"Export downloading: {export.filename}.")
        return FilePayload(export.data, export.filename, export.mime)

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        try:
            self.import_bytes(bytes(upload["content"]), str(upload["name"]))
        finally:
            self.upload.value = ()

    def import_bytes(self, data: bytes, filename: str) -> ImportReport:
        """Import an export file and show its report (used by the upload button)."""
        self.import_details.value = ""
        chosen = self._person_id()
        report = self.model.import_file(data, filename)
        self._on_import(report, chosen)
        lines = report.details()
        if lines:
            items = "".join(f"<li>{esc(line)}</li>" for line in lines[:DETAIL_LINES])
            more = len(lines) - DETAIL_LINES
            extra = f"<li>… and {more} more</li>" if more > 0 else ""
            css = "backcare-rejected" if report.rejected else "backcare-import-conflicts"
            self.import_details.value = f"<ul class='{css}'>{items}{extra}</ul>"
        if report.rejected:
            self.messages.error(report.summary())
        elif report.conflicts:
            self.messages.info(report.summary())
        else:
            self.messages.success(report.summary())
        return report
