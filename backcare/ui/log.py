"""The discomfort log: a quick check-in form, recent entries, edit and delete with undo,
and taking the data away (export) or bringing it back (import).

:class:`backcare.diary.CheckInLog` is the model: it talks to the store, keeps the undo
stack and makes export files; it knows nothing of widgets. :class:`CheckInApp` is the view:
it turns the form's values into calls on the model and shows what happened in its message
area; the export and import controls are a :class:`~backcare.ui.takeaway.TakeAwayPanel`.
Nothing is written when the form holds invalid input; the store's message is shown instead.

Opening the page writes nothing: the default person ("Me") is made at the first save when
the log has nobody yet, so an import into a fresh log brings its own people without an
empty "Me" beside them. The discomfort slider starts at the person's last score; with no
score yet it has to be set (moved, or "No pain (0)") before Save is possible, so an
untouched slider never logs a 0. Date and time are one ``DatetimePicker``: the browser shows
and edits its own local time and the kernel gets a timezone-aware value, so a kernel on UTC
(Binder) saves what the user typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from ..diary import CheckInLog
from ..progression import MORNING_QUESTION
from ..store import ImportReport, InputError, Store, StoreOpenError
from .common import Messages, esc, watch_store
from .dates import DEFAULT_STYLE, BrowserDates, DateStyle, format_when
from .people import PersonPicker
from .takeaway import TakeAwayPanel
from .zone import ZoneControl

__all__ = ["CONTEXT_LABELS", "PEG_QUESTIONS", "CheckInApp", "CheckInLog"]

CONTEXT_LABELS: dict[str, str] = {
    "daily": "Daily check-in",
    "before": "Before a session",
    "after": "After a session",
}

#: The three PEG items, asked in our own words (each 0-10).
PEG_QUESTIONS: dict[str, tuple[str, str, str]] = {
    "peg_pain": (
        "Pain on average",
        "over the past week",
        "0 no pain · 10 as bad as you can imagine",
    ),
    "peg_enjoyment": (
        "Getting in the way of enjoying life",
        "over the past week",
        "0 not at all · 10 completely",
    ),
    "peg_activity": (
        "Getting in the way of everyday activity",
        "over the past week",
        "0 not at all · 10 completely",
    ),
}


def _table_html(frame: pd.DataFrame, style: DateStyle = DEFAULT_STYLE) -> str:
    """The recent entries as an escaped HTML table."""
    if frame.empty:
        return '<p class="backcare-empty"><i>No check-ins yet for this person.</i></p>'
    head = "".join(
        f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
        for h in ("When", "Discomfort", "PEG", "Context", "Note")
    )
    rows = []
    for row in frame.itertuples(index=False):
        peg = "" if pd.isna(row.peg) else f"{row.peg:.1f}"
        note = esc(row.note).replace("\n", "<br>")
        cells = (
            esc(format_when(row.at, style, zone=True)),  # the zone says which clock
            esc(f"{row.discomfort}/10"),
            esc(peg),
            esc(CONTEXT_LABELS.get(row.context, row.context))
            + (f"<br><small>morning: {esc(row.morning)}</small>" if row.morning else ""),
            note,
        )
        rows.append(
            "<tr>"
            + "".join(f"<td style='padding:2px 8px;vertical-align:top'>{c}</td>" for c in cells)
            + "</tr>"
        )
    return (
        '<table class="backcare-checkins" style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _entry_label(row: Any, style: DateStyle = DEFAULT_STYLE) -> str:
    note = " ".join(str(row.note).split())
    note = (note[:30] + "…") if len(note) > 30 else note
    label = f"{format_when(row.at, style)} · {row.discomfort}/10"
    return f"{label} · {note}" if note else label


class CheckInApp(widgets.VBox):
    """The check-in form with its recent entries, export and import."""

    def __init__(self, store: Store | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("backcare-log")
        self.open_error = ""
        if store is None:
            try:
                store = Store()
            except StoreOpenError as exc:
                # Show the problem; keep the file as it is and write nothing anywhere.
                self.open_error = str(exc)
                store = Store(":memory:")
        self.store = store
        self.model = CheckInLog(self.store)
        self.editing_id: int | None = None
        self._editing_at: dt.datetime | None = None
        self._time_touched = False
        self._resetting = False
        self._locked = False
        #: Where the slider's value comes from: "unset" (nothing to save yet), "last" (the
        #: person's last score) or "user" (moved by hand, or an entry being edited).
        self.score_source = "unset"
        self._build()
        self._wire()
        self.reset_form()
        self.refresh()
        if self.open_error:
            self._lock(self.open_error)
        else:
            watch_store(self.messages, self.store)
            if self.store.read_only:  # reading and exporting still work
                for control in (self.submit, self.edit_button, self.delete_button, self.upload):
                    control.disabled = True

    def _lock(self, reason: str) -> None:
        """Disable everything that would write, and say why."""
        self._locked = True
        for control in (
            self.submit,
            self.edit_button,
            self.delete_button,
            self.undo_button,
            self.export_zip_button,
            self.export_json_button,
            self.upload,
            self.zero_button,
        ):
            control.disabled = True
        self.messages.error(f"The log cannot be opened, so nothing can be saved: {reason}")

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.messages = Messages()
        self.title = widgets.HTML("<h3 style='margin:4px 0'>How is your back right now?</h3>")
        self.person = PersonPicker(self.store)
        # How the browser writes dates (its pickers' order): the table and labels follow it.
        self.dates = BrowserDates()
        # the person's zone (from the browser the first time): days and times are counted in it
        self.zone = ZoneControl(
            self.store, lambda: self.person_id, self.messages, on_change=self.refresh
        )

        self.discomfort = widgets.IntSlider(
            value=0,
            min=0,
            max=10,
            step=1,
            description="Discomfort",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        self.discomfort.add_class("backcare-discomfort")
        self.anchors = widgets.HTML(
            "<div class='backcare-anchors' style='display:flex;justify-content:space-between;"
            "width:420px;font-size:90%;color:#555'>"
            "<span>0 = no pain at all</span><span>10 = the worst pain you can imagine</span>"
            "</div>"
        )
        self.score_hint = widgets.HTML(
            "<small>Not scored yet: move the slider to how your back feels, or press "
            "<b>No pain (0)</b>. Save waits until you have chosen.</small>"
        )
        self.score_hint.add_class("backcare-discomfort-hint")
        self.zero_button = widgets.Button(
            description="No pain (0)",
            tooltip="Log a score of 0: no pain at all",
            layout=widgets.Layout(width="auto"),
        )
        self.zero_button.add_class("backcare-discomfort-zero")

        self.peg_include = widgets.Checkbox(
            value=False, description="Answer the three PEG questions too", indent=False
        )
        self.peg_include.add_class("backcare-peg-include")
        self.peg_sliders: dict[str, widgets.IntSlider] = {}
        peg_rows: list[widgets.Widget] = [
            widgets.HTML(
                "<small>Three short questions about the past week, each from 0 to 10; "
                "their average is your PEG score.</small>"
            ),
            self.peg_include,
        ]
        for key, (question, period, anchors) in PEG_QUESTIONS.items():
            slider = widgets.IntSlider(
                value=0,
                min=0,
                max=10,
                description=question,
                continuous_update=False,
                disabled=True,
                style={"description_width": "260px"},
                layout=widgets.Layout(width="560px"),
            )
            slider.add_class(f"backcare-{key.replace('_', '-')}")
            self.peg_sliders[key] = slider
            peg_rows += [slider, widgets.HTML(f"<small>{esc(period)}: {esc(anchors)}</small>")]
        self.peg_box = widgets.Accordion(children=[widgets.VBox(peg_rows)], selected_index=None)
        self.peg_box.set_title(0, "PEG questions (optional)")
        self.peg_box.add_class("backcare-peg")

        self.note = widgets.Textarea(
            placeholder="Anything worth remembering (optional, up to 1,000 characters)",
            description="Note",
            layout=widgets.Layout(width="560px", height="60px"),
        )
        self.note.add_class("backcare-note")
        # Shown in the browser's own time zone; the kernel gets a timezone-aware datetime.
        self.when = widgets.DatetimePicker(
            description="Date and time", style={"description_width": "initial"}
        )
        self.when.add_class("backcare-datetime")
        self.now_button = widgets.Button(description="Now", tooltip="Set the date and time to now")
        self.context = widgets.ToggleButtons(
            options=[(label, key) for key, label in CONTEXT_LABELS.items()],
            value="daily",
            style={"button_width": "140px"},
        )
        self.context.add_class("backcare-context")
        # the next-morning question, asked at the first daily check-in after a session
        self.morning = widgets.ToggleButtons(
            options=[("Better", "better"), ("The same", "same"), ("Worse", "worse")],
            value=None,
            style={"button_width": "100px"},
            tooltips=["Better than usual", "About as usual", "Worse than usual"],
        )
        self.morning.add_class("backcare-morning")
        self.morning_box = widgets.VBox(
            [
                widgets.HTML(
                    f"<b>{esc(MORNING_QUESTION)}</b><br><small>You did a session since your "
                    "last check-in; this answer helps suggest your next step (optional).</small>"
                ),
                self.morning,
            ],
            layout={"display": "none"},
        )
        self.morning_box.add_class("backcare-morning-box")

        self.submit = widgets.Button(description="Save check-in", button_style="primary")
        self.submit.add_class("backcare-submit")
        self.cancel_edit = widgets.Button(description="Cancel edit", layout={"display": "none"})
        self.cancel_edit.add_class("backcare-cancel-edit")

        self.table = widgets.HTML()
        self.table.add_class("backcare-recent")
        self.entries = widgets.Dropdown(description="Entry", layout=widgets.Layout(width="420px"))
        self.entries.add_class("backcare-entries")
        self.edit_button = widgets.Button(description="Edit", icon="pencil")
        self.edit_button.add_class("backcare-edit")
        self.delete_button = widgets.Button(description="Delete", icon="trash")
        self.delete_button.add_class("backcare-delete")
        self.undo_button = widgets.Button(description="Undo", icon="undo", disabled=True)
        self.undo_button.add_class("backcare-undo")

        self.takeaway = TakeAwayPanel(
            self.model, lambda: self.person_id, self.messages, self._after_import
        )
        # the controls that write or download, for locking (and for tests to find)
        self.export_zip_button = self.takeaway.export_zip_button
        self.export_json_button = self.takeaway.export_json_button
        self.upload = self.takeaway.upload

        form = widgets.VBox(
            [
                self.person,
                widgets.VBox(
                    [
                        self.discomfort,
                        self.anchors,
                        widgets.HBox([self.score_hint, self.zero_button]),
                    ]
                ),
                self.peg_box,
                self.note,
                widgets.HBox([self.when, self.now_button, self.dates]),
                self.zone,
                self.context,
                self.morning_box,
                widgets.HBox([self.submit, self.cancel_edit]),
            ]
        )
        form.add_class("backcare-checkin-form")
        recent = widgets.VBox(
            [
                widgets.HTML("<h4 style='margin:8px 0 4px'>Recent entries</h4>"),
                self.table,
                widgets.HBox(
                    [self.entries, self.edit_button, self.delete_button, self.undo_button]
                ),
            ]
        )
        self.children = [self.title, form, self.messages, recent, self.takeaway]

    # -- wiring --------------------------------------------------------------------------
    def _wire(self) -> None:
        guard = self.messages.guard
        self.dates.observe(guard(lambda _: self.refresh()), names="convention")
        self.submit.on_click(guard(self._on_submit))
        self.cancel_edit.on_click(guard(lambda _: self.reset_form()))
        self.now_button.on_click(guard(lambda _: self._set_now()))
        self.edit_button.on_click(guard(self._on_edit))
        self.delete_button.on_click(guard(self._on_delete))
        self.undo_button.on_click(guard(self._on_undo))
        self.peg_include.observe(guard(self._on_peg_include), names="value")
        self.person.observe(guard(lambda _: self._on_person()), names="person_id")
        self.when.observe(self._on_time_edit, names="value")
        self.when.observe(guard(lambda _: self._show_morning()), names="value")
        self.context.observe(guard(lambda _: self._show_morning()), names="value")
        self.discomfort.observe(self._on_score_edit, names="value")
        self.zero_button.on_click(guard(lambda _: self._choose_zero()))
        self.model.observe(lambda _: self.refresh(), names="changed")
        traitlets.dlink((self.model, "can_undo"), (self.undo_button, "disabled"), lambda c: not c)

    # -- helpers -------------------------------------------------------------------------
    @property
    def date_style(self) -> DateStyle:
        """The person's way of writing dates: their browser's, once it has said."""
        return self.dates.date_style()

    @property
    def person_id(self) -> int | None:
        return self.person.person_id

    def _set_when(self, at: dt.datetime) -> None:
        """Show ``at`` in the picker without counting it as a change by hand."""
        self._resetting = True
        try:
            self.when.value = at
        finally:
            self._resetting = False
        self._time_touched = False

    def _set_now(self) -> None:
        self._set_when(dt.datetime.now().astimezone().replace(second=0, microsecond=0))

    def _on_time_edit(self, _change: dict[str, Any]) -> None:
        if not self._resetting:
            self._time_touched = True

    # -- the discomfort score: last score, or chosen before Save ---------------------------
    def _set_score(self, value: int, source: str) -> None:
        self._resetting = True
        try:
            self.discomfort.value = value
        finally:
            self._resetting = False
        self._set_score_source(source)

    def _set_score_source(self, source: str) -> None:
        self.score_source = source
        unset = source == "unset"
        self.score_hint.layout.display = "" if unset else "none"
        self.zero_button.layout.display = "" if unset else "none"
        self.submit.disabled = self._locked or unset
        self.submit.tooltip = "Move the slider to your score first" if unset else ""

    def _default_score(self) -> None:
        """Start the slider at the person's last score, or leave it to be chosen."""
        last = self.model.last_score(self.person_id)
        if last is None:
            self._set_score(0, "unset")
        else:
            self._set_score(last, "last")

    def _on_score_edit(self, _change: dict[str, Any]) -> None:
        if not self._resetting:
            self._set_score_source("user")

    def _choose_zero(self) -> None:
        self._set_score(0, "user")

    def _show_morning(self, answer: str | None = None) -> None:
        """Ask the next-morning question when this daily check-in is the first after a
        session (or the entry being edited has an answer)."""
        at = self.when.value or dt.datetime.now().astimezone()
        due = self.context.value == "daily" and (
            answer is not None
            or self.model.morning_due(self.person_id, at, editing=self.editing_id)
        )
        self.morning_box.layout.display = "" if due else "none"
        if answer is not None or not due:
            self.morning.value = answer

    def _on_peg_include(self, change: dict[str, Any]) -> None:
        for slider in self.peg_sliders.values():
            slider.disabled = not change["new"]

    def reset_form(self) -> None:
        """Empty the form for a new check-in at the current time."""
        self.editing_id = None
        self._editing_at = None
        self._default_score()
        self.peg_include.value = False
        for slider in self.peg_sliders.values():
            slider.value = 0
        self.note.value = ""
        self.context.value = "daily"
        self._set_now()
        self._show_morning()
        self.submit.description = "Save check-in"
        self.cancel_edit.layout.display = "none"

    def _form_at(self) -> dt.datetime:
        """The entry's time: now, unless the date or time was changed by hand."""
        if not self._time_touched:
            if self.editing_id is None:
                return dt.datetime.now(self.zone.tz())
            if self._editing_at is not None:
                return self._editing_at  # unchanged: keep the entry's own time and zone
        at = self.when.value
        if at is None:
            raise InputError("please give a date and a time (or press Now)")
        # timezone-aware: the instant the user chose, kept with the person's own offset
        try:
            return at.astimezone(self.zone.tz())
        except (OverflowError, ValueError):  # at the ends of the calendar
            raise InputError(
                f"the date {at:%Y-%m-%d} cannot be used; please check the year"
            ) from None

    def _form_fields(self) -> dict[str, Any]:
        peg = (
            tuple(slider.value for slider in self.peg_sliders.values())
            if self.peg_include.value
            else None
        )
        asked = self.morning_box.layout.display != "none"
        return {
            "at": self._form_at(),
            "peg": peg,
            "note": self.note.value,
            "context": self.context.value,
            "morning": self.morning.value if asked else None,
        }

    def _require_person(self) -> int:
        if self.person_id is None:
            raise InputError("choose whose entry this is first (add a person if the list is empty)")
        return self.person_id

    def refresh(self) -> None:
        """Redraw the recent entries of the chosen person."""
        frame = self.model.recent(self.person_id)
        if self.person_id is None and not self.store.people():
            self.table.value = (
                '<p class="backcare-empty"><i>Nobody is in the log yet. Your first check-in '
                'starts it (as "Me"); or bring back a file you exported before, under '
                "<b>Take your data with you</b>.</i></p>"
            )
        else:
            self.table.value = _table_html(frame, self.date_style)
        current = self.entries.value
        style = self.date_style
        options = [(_entry_label(row, style), int(row.checkin_id)) for row in frame.itertuples()]
        self.entries.options = options
        ids = [value for _, value in options]
        self.entries.value = current if current in ids else (ids[0] if ids else None)
        has_entries = bool(ids)
        self.edit_button.disabled = self.delete_button.disabled = not has_entries

    # -- callbacks -----------------------------------------------------------------------
    def _on_person(self) -> None:
        self.zone.refresh()
        if self.editing_id is not None:
            self.reset_form()
        elif self.score_source != "user":
            self._default_score()  # a score moved by hand stays; a default follows the person
        self._show_morning()
        self.refresh()

    def _on_submit(self, _button: Any = None) -> None:
        if self.score_source == "unset":
            raise InputError(
                "move the slider to your score first (or press No pain (0)); nothing was saved"
            )
        # Nobody in the log yet: the model makes "Me" with this first check-in.
        person_id = self._require_person() if self.store.people() else None
        fields = self._form_fields()
        discomfort = self.discomfort.value
        if self.editing_id is not None:
            checkin_id = self.editing_id
            self.model.edit(checkin_id, discomfort=discomfort, **fields)
            self.messages.success("Changes saved. Undo puts the entry back as it was.")
        else:
            checkin_id = self.model.add(person_id, discomfort, **fields)
            if person_id is None:
                self.person.select(self.store.checkin(checkin_id)["person_id"])
            at = fields["at"]
            when = format_when(at, self.date_style, zone=True)
            self.messages.success(f"Saved: {discomfort}/10, {when}.")
        self.reset_form()
        self._select_entry(checkin_id)

    def _select_entry(self, checkin_id: int) -> None:
        """Point the Entry selector at ``checkin_id`` (the one just saved), so Edit and
        Delete act on it; an entry older than the recent list leaves the choice as it is."""
        if checkin_id in [value for _, value in self.entries.options]:
            self.entries.value = checkin_id

    def _on_edit(self, _button: Any = None) -> None:
        if self.entries.value is None:
            raise InputError("choose an entry to edit")
        row = self.store.checkin(self.entries.value)
        self.editing_id = row["id"]
        self._set_when(row["at"])
        self._editing_at = row["at"]
        self._set_score(row["discomfort"], "user")
        has_peg = row["peg_pain"] is not None
        self.peg_include.value = has_peg
        for key, slider in self.peg_sliders.items():
            slider.value = row[key] if has_peg else 0
        self.note.value = row["note"]
        self.context.value = row["context"]
        self._show_morning(row["morning"])
        self.submit.description = "Save changes"
        self.cancel_edit.layout.display = ""
        self.messages.info("Editing the chosen entry: change it and press Save changes.")

    def _on_delete(self, _button: Any = None) -> None:
        if self.entries.value is None:
            raise InputError("choose an entry to delete")
        if self.editing_id == self.entries.value:
            self.reset_form()
        row = self.model.delete(self.entries.value)
        self.messages.info(
            f"Deleted the entry of {format_when(row['at'], self.date_style)} "
            f"({row['discomfort']}/10). "
            "Press Undo to bring it back."
        )

    def _on_undo(self, _button: Any = None) -> None:
        action = self.model.undo()
        self.messages.success(
            "The deleted entry is back." if action == "delete" else "The edit was undone."
        )

    def import_bytes(self, data: bytes, filename: str) -> ImportReport:
        """Import an export file and show its report (what the upload button does)."""
        return self.takeaway.import_bytes(data, filename)

    def _after_import(self, report: ImportReport, chosen: int | None) -> None:
        self.person.refresh()
        if chosen is None or not self.store.has_data(chosen):
            # Show what was brought in rather than an empty person (or nobody).
            active = {p.uid: p.id for p in self.store.people()}
            brought = [active[uid] for uid in report.people_added if uid in active]
            if brought:
                self.person.select(brought[0])
        if self.editing_id is None and self.score_source != "user":
            self._default_score()  # the import may have brought this person's last score
        self.refresh()
