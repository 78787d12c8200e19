"""The progress dashboard: discomfort trends against adherence, for one person at a time.

:class:`ProgressModel` (no widgets) reads the store, picks the date range and runs the
analysis (:mod:`backcare.analysis`); :class:`ProgressApp` is the view: a person picker, a
range picker, the charts (drawn once, re-rendered in place into the same image widgets), the
summary in plain words, downloads and the trainer overview.

When the user's store holds no check-ins and no sessions yet, the dashboard shows the bundled
demo data (:meth:`Store.demo`, an in-memory copy), says so at the top, and never writes it
into the user's store. "Refresh" looks again, so the user's own data appears once they log.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import pandas as pd
import traitlets

from .. import analysis
from ..catalog import Catalog
from ..charts import CalendarHeatmap, GroupAdherenceChart, ProgressFigure
from ..progression.advice import Advisor
from ..safety import HURT_ADVICE
from ..store import Store, StoreOpenError
from ..zones import today_in
from .common import Messages, download_link, esc, open_catalog, prose
from .people import PersonPicker
from .suggestions import SuggestionsPanel, suggestion_summary
from .zone import BrowserZone, take_browser_zone

__all__ = ["LONGER", "RANGES", "ProgressApp", "ProgressModel", "ProgressReport"]

RANGES: dict[str, tuple[str, int | None, str]] = {
    # key: (label in the menu, days or None for everything, opening of the summary)
    "4w": ("Last 4 weeks", 28, "In the last 4 weeks"),
    "12w": ("Last 12 weeks", 84, "In the last 12 weeks"),
    "all": ("Everything logged", None, "Over everything logged"),
    "custom": ("Dates I choose", None, ""),  # from start_date to end_date
}


LONGER = {"4w": "12w", "12w": "all"}
"""The longer period offered when a comparison needs more days than the one shown."""


@dataclass(frozen=True)
class ProgressReport:
    """Everything the dashboard shows for one person and range.

    ``start``/``end`` are the period the numbers cover (from the person's first entry at the
    earliest); ``shown_start`` is where the chart's time axis begins (the whole period chosen,
    "Last 12 weeks" shows 12 weeks even with a few days of data). ``hurting`` lists the
    exercises reported as hurting in the period.
    """

    person_id: int | None
    person_name: str
    start: pd.Timestamp
    end: pd.Timestamp
    trend: pd.DataFrame
    daily: pd.DataFrame
    weekly: pd.DataFrame
    change: analysis.ChangeResult
    association: analysis.Association
    per_group: pd.DataFrame
    per_exercise: pd.DataFrame
    sentences: list[str]
    hurting: pd.DataFrame | None = None
    hurting_sentences: tuple[str, ...] = ()
    shown_start: pd.Timestamp | None = None

    def table(self) -> pd.DataFrame:
        """The numbers shown, one row a day (the CSV download)."""
        return analysis.daily_table(self.trend, self.daily)


_TIME_COLUMNS = ("at", "started_at", "ended_at", "completed_at")


class ProgressModel(traitlets.HasTraits):
    """Reads a store and computes :class:`ProgressReport`s; knows nothing of widgets."""

    person_id = traitlets.Int(None, allow_none=True)
    range_key = traitlets.Unicode("4w")
    start_date = traitlets.Instance(dt.date, allow_none=True)  # for range_key "custom"
    end_date = traitlets.Instance(dt.date, allow_none=True)

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        *,
        today: dt.date | None = None,
        rule: analysis.ImportantChangeRule = analysis.IMPORTANT_CHANGE,
    ) -> None:
        super().__init__()
        self.store = store
        self.catalog = catalog
        self.rule = rule
        self._today = today
        self.reload()

    @traitlets.validate("range_key")
    def _valid_range(self, proposal: dict[str, Any]) -> str:
        if proposal["value"] not in RANGES:
            raise traitlets.TraitError(f"unknown range {proposal['value']!r}")
        return proposal["value"]

    def reload(self) -> None:
        """Read the store's frames again (after new check-ins or sessions)."""
        self.checkins = self.store.checkins_frame()
        self.sessions = self.store.sessions_frame()
        self.steps = self.store.steps_frame()
        self.people = self.store.people()

    @property
    def today(self) -> pd.Timestamp:
        """The last day of every range: today, or for demo data its last day with data."""
        if self.store.is_demo or self._today is None:
            days = [analysis.day_of(self.checkins["at"]).max()] if len(self.checkins) else []
            if len(self.sessions):
                days.append(analysis.day_of(self.sessions["started_at"]).max())
            last = max((d for d in days if not pd.isna(d)), default=None)
            if self.store.is_demo and last is not None:
                return last
            today = pd.Timestamp(self._today or today_in(self.store.zone(self.person_id)))
            return max(today, last) if last is not None else today
        return pd.Timestamp(self._today)

    def _plan(self, person_id: int) -> Any:
        """The person's plan history: each day counts the routine versions in force that day
        (:func:`analysis.planned_sessions` reads its periods)."""
        return self.store.plan_history(person_id, self.catalog)

    def _rows(self, frame: pd.DataFrame, person_id: int | None) -> pd.DataFrame:
        """A person's rows with every time in their own zone, so days are their days."""
        mine = frame.loc[frame["person_id"] == person_id]
        zone = self.store.zone(person_id)
        columns = [c for c in _TIME_COLUMNS if c in mine]
        return mine.assign(**{c: mine[c].dt.tz_convert(zone) for c in columns})

    def _wall_clock(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Everyone's rows with times as naive wall-clock times in each person's own zone
        (for the functions that take all people at once)."""
        out = frame.copy()
        for column in (c for c in _TIME_COLUMNS if c in frame):
            wall = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
            for person in self.people:
                rows = frame["person_id"] == person.id
                if rows.any():
                    local = frame.loc[rows, column].dt.tz_convert(person.tz)
                    wall[rows] = local.dt.tz_localize(None).astype("datetime64[us]")
            out[column] = wall
        return out

    def report(self) -> ProgressReport:
        """The numbers for the chosen person and range."""
        person_id = self.person_id
        names = {p.id: p.name for p in self.people}
        mine_c = self._rows(self.checkins, person_id)
        mine_s = self._rows(self.sessions, person_id)
        mine_st = self._rows(self.steps, person_id)
        _label, days, period = RANGES[self.range_key]
        if self.range_key == "custom":
            start, end = self._custom_range()
            period = f"From {start:%d %b %Y} to {end:%d %b %Y}"
        else:
            end = self.today
            first = analysis.first_activity_day(mine_s, mine_c)
            start = first if first is not None else end
            if days is not None:
                start = max(start, end - pd.Timedelta(days=days - 1))
            start = min(start, end)
        plan = self._plan(person_id) if person_id is not None else []
        shown_start = start if days is None else min(start, end - pd.Timedelta(days=days - 1))
        # one implementation for one person and for everyone (analysis.person_report)
        found = analysis.person_report(
            mine_c,
            mine_s,
            mine_st,
            plan,
            start,
            end,
            person_id=-1 if person_id is None else person_id,
            rule=self.rule,
            period=period,
        )
        names_of = {e.id: e.name for e in self.catalog.exercises}
        return ProgressReport(
            person_id=person_id,
            person_name=names.get(person_id, "") if person_id is not None else "",
            start=start,
            end=end,
            trend=found.trend,
            daily=found.daily,
            weekly=found.weekly,
            change=found.change,
            association=found.association,
            per_group=found.per_group,
            per_exercise=found.per_exercise,
            sentences=found.sentences,
            hurting=found.hurting,
            hurting_sentences=tuple(analysis.hurting_sentences(found.hurting, names_of)),
            shown_start=shown_start,
        )

    def _custom_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        if self.start_date is None or self.end_date is None:
            raise ValueError("choose both a first and a last day")
        start, end = pd.Timestamp(self.start_date), pd.Timestamp(self.end_date)
        if start > end:
            raise ValueError("the first day must not come after the last day")
        if (end - start).days > 366 * 20:
            raise ValueError("choose a period of at most twenty years")
        return start, end

    def overview(self) -> pd.DataFrame:
        """The trainer overview: one row a person, over the last 4 weeks."""
        plans = {p.id: self._plan(p.id) for p in self.people}
        return analysis.trainer_overview(
            self.people,
            self._wall_clock(self.checkins),
            self._wall_clock(self.sessions),
            plans,
            self.today,
            rule=self.rule,
        )


def _overview_html(
    frame: pd.DataFrame,
    next_steps: dict[int, str] | None = None,
    names: dict[str, str] | None = None,
) -> str:
    if frame.empty:
        return "<p>No people yet.</p>"
    names = names or {}
    rows = []
    for row in frame.itertuples(index=False):
        last = "none yet" if pd.isna(row.last_session) else f"{row.last_session:%d %b %Y}"
        if row.planned_4w:
            sessions = f"{row.done_4w} of {row.planned_4w} ({row.adherence_4w:.0%})"
        else:
            sessions = f"{row.done_4w} (none planned)"
        if math.isfinite(row.change_points):
            percent = f", {row.change_percent:+.0f} %" if math.isfinite(row.change_percent) else ""
            change = f"{row.change_points:+.1f} points{percent}"
        else:
            change = "–"
        if row.hurt_times:
            hurt_names = ", ".join(names.get(e, e) for e in row.hurt_exercises.split(","))
            times = "once" if row.hurt_times == 1 else f"{row.hurt_times} times"
            hurt = f"{hurt_names}: {times}, last {row.hurt_last:%d %b %Y}"
        else:
            hurt = "none reported"
        rows.append(
            f"<tr><td>{esc(row.name)}</td><td>{esc(last)}</td>"
            f"<td>{esc(sessions.replace('%', ' %'))}</td><td>{esc(change)}</td>"
            f"<td>{esc(row.flag)}</td><td>{esc(hurt)}</td>"
            f'<td class="backcare-overview-next">{esc((next_steps or {}).get(row.person_id, ""))}'
            "</td></tr>"
        )
    advice = ""
    if (frame["hurt_times"] > 0).any():
        advice = f"<p><small>Where an exercise hurt: {esc(HURT_ADVICE)}</small></p>"
    return (
        '<table class="backcare-table backcare-progress-overview-table">'
        "<tr><th>person</th><th>last session</th><th>sessions, last 4 weeks</th>"
        "<th>discomfort change from the starting level</th><th>flag</th>"
        "<th>exercises that hurt, last 4 weeks</th><th>suggestions waiting</th></tr>"
        + "".join(rows)
        + "</table>"
        + advice
    )


class ProgressApp(widgets.VBox):
    """The dashboard view: pickers, charts, plain words, downloads, trainer overview."""

    def __init__(
        self,
        store: Store | None = None,
        catalog: Catalog | None = None,
        *,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        self.messages = Messages()
        self._today = today
        self.catalog = open_catalog(self.messages, catalog)
        self.user_store: Store | None = None
        self._store_problem = ""
        try:
            self.user_store = store if store is not None else Store()
        except StoreOpenError as exc:
            # unlike the other pages (ui.common.open_store) this one needs no scratch store:
            # it shows the demo, and the reason stays on screen (see _show_store_problem)
            self._store_problem = (
                f"{exc} Until then this page shows the demo data; nothing is written to your file."
            )

        # charts: each drawn once, re-rendered into its own image widget
        self.progress_chart = ProgressFigure()
        self.calendar_chart = CalendarHeatmap()
        self.group_chart = GroupAdherenceChart([(g.id, g.name) for g in self.catalog.groups])

        self.banner = widgets.HTML()
        self.banner.add_class("backcare-progress-banner")
        self.range_picker = widgets.Dropdown(
            options=[(label, key) for key, (label, _, _) in RANGES.items()],
            value="4w",
            description="Period",
        )
        self.range_picker.add_class("backcare-progress-range")
        self.start_picker = widgets.DatePicker(description="From", layout={"display": "none"})
        self.start_picker.add_class("backcare-progress-from")
        self.end_picker = widgets.DatePicker(description="to", layout={"display": "none"})
        self.end_picker.add_class("backcare-progress-to")
        self.range_picker.observe(self._show_date_pickers, names="value")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.add_class("backcare-progress-refresh")
        self.summary = widgets.HTML()
        self.summary.add_class("backcare-progress-summary")
        self.longer_button = widgets.Button(
            description="Show a longer period",
            icon="expand",
            layout={"display": "none", "width": "auto", "align_self": "flex-start"},
        )
        self.longer_button.add_class("backcare-progress-longer")
        self.hurting_html = widgets.HTML()
        self.hurting_html.add_class("backcare-progress-hurting")
        self.progress_image = widgets.Image(format="png", layout={"max_width": "900px"})
        self.progress_image.add_class("backcare-progress-figure")
        self.calendar_image = widgets.Image(format="png", layout={"max_width": "900px"})
        self.calendar_image.add_class("backcare-progress-calendar")
        self.group_image = widgets.Image(format="png", layout={"max_width": "900px"})
        self.group_image.add_class("backcare-progress-groups")
        self.downloads = widgets.HTML()
        self.downloads.add_class("backcare-progress-downloads")
        self.overview_html = widgets.HTML()
        self.overview_html.add_class("backcare-progress-overview")
        self.suggestions_box = widgets.VBox()  # the panel is made per data source
        self.suggestions: SuggestionsPanel | None = None

        self.model: ProgressModel | None = None
        self.picker: PersonPicker | None = None
        self.report: ProgressReport | None = None
        self._links: list[Any] = []
        self.controls = widgets.HBox([self.range_picker, self.refresh_button])
        # the browser's zone, for a person whose days are not yet known to be theirs
        self.browser_zone = BrowserZone()
        super().__init__(
            [
                self.browser_zone,
                self.banner,
                self.controls,
                self.messages,
                self.summary,
                self.longer_button,
                self.hurting_html,
                self.suggestions_box,
                self.progress_image,
                self.calendar_image,
                self.group_image,
                self.downloads,
                widgets.HTML("<h4>Trainer overview</h4>"),
                self.overview_html,
            ],
            **kwargs,
        )
        self.add_class("backcare-progress")
        self.refresh_button.on_click(self.messages.guard(self._on_refresh))
        self.browser_zone.observe(self.messages.guard(self._on_browser_zone), names="zone")
        self.longer_button.on_click(self.messages.guard(self._on_longer))
        # an error while drawing for the first time is shown here instead of failing the cell
        self.messages.guard(self._attach_source)()
        self._show_store_problem()

    # -- data source ----------------------------------------------------------------------
    def _show_store_problem(self) -> None:
        """Say why the user's own data file is not shown (beside any other error)."""
        problem = self._store_problem
        if not problem or problem in self.messages.text:
            return
        if self.messages.kind == "error":
            problem = f"{problem} Also: {self.messages.text}"
        self.messages.error(problem)

    @property
    def is_demo(self) -> bool:
        return self.model is not None and self.model.store.is_demo

    def _choose_store(self) -> Store | None:
        """The user's store when it holds anything, else the demo (in memory)."""
        store = self.user_store
        if store is not None and any(store.entry_counts()):
            return store
        try:
            return Store.demo()
        except (FileNotFoundError, ValueError) as exc:
            self.messages.error(f"The demo data could not be loaded: {exc}")
            return store

    def _attach_source(self) -> None:
        store = self._choose_store()
        if store is None:
            return
        for link in self._links:
            link.unlink()
        self._links = []
        if self.model is not None and self.model.store.is_demo and self.model.store is not store:
            self.model.store.close()
        self.model = ProgressModel(store, self.catalog, today=self._today)
        self.suggestions = SuggestionsPanel(Advisor(store, self.catalog, today=self._today))
        self.suggestions_box.children = [self.suggestions]
        self.picker = PersonPicker(store, can_add=not store.is_demo)
        self.picker.add_class("backcare-progress-person")
        self.controls.children = (
            self.picker,
            self.range_picker,
            self.start_picker,
            self.end_picker,
            self.refresh_button,
        )
        self.model.person_id = self.picker.person_id
        self._links = [
            traitlets.link((self.picker, "person_id"), (self.model, "person_id")),
            traitlets.link((self.range_picker, "value"), (self.model, "range_key")),
            traitlets.link((self.start_picker, "value"), (self.model, "start_date")),
            traitlets.link((self.end_picker, "value"), (self.model, "end_date")),
        ]
        self.model.observe(
            self.messages.guard(self._on_choice),
            names=["person_id", "range_key", "start_date", "end_date"],
        )
        if store.is_demo:
            why = (
                "Your own data file could not be opened (the reason is shown below)."
                if self.user_store is None
                else "Your own log is empty so far; once you log check-ins or sessions, press "
                "<i>Refresh</i> to see yours."
            )
            self.banner.value = (
                '<div class="backcare-demo-label" style="background:#fff4e5;line-height:1.45;'
                'border-left:4px solid #ed6c02;padding:6px 10px;margin:4px 0;">'
                "<b>Demo data.</b> These people and numbers are made up, to show what the "
                f"dashboard does. {why} The demo is never added to your data.</div>"
            )
        else:
            self.banner.value = ""
        self.update()

    # -- callbacks ------------------------------------------------------------------------
    def _show_date_pickers(self, change: dict[str, Any]) -> None:
        """Show the two dates for a chosen period, starting from the period shown so far."""
        custom = change["new"] == "custom"
        for picker in (self.start_picker, self.end_picker):
            picker.layout.display = "flex" if custom else "none"
        if custom and self.report is not None and self.start_picker.value is None:
            self.start_picker.value = self.report.start.date()
            self.end_picker.value = self.report.end.date()

    def _on_choice(self, _change: dict[str, Any]) -> None:
        if self.model is not None:
            take_browser_zone(self.browser_zone, self.model.store, self.model.person_id)
        self.update()

    def _on_browser_zone(self, _change: dict[str, Any]) -> None:
        """Count the person's days in their browser's zone once it is known."""
        if self.model is not None and take_browser_zone(
            self.browser_zone, self.model.store, self.model.person_id
        ):
            self.update()

    def _on_longer(self, _button: widgets.Button | None = None) -> None:
        """Switch to the next longer period (4 weeks to 12, 12 weeks to everything)."""
        longer = LONGER.get(self.range_picker.value)
        if longer is not None:
            self.range_picker.value = longer

    def _on_refresh(self, _button: widgets.Button | None = None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Look at the store again: new entries, new people, or the end of the demo."""
        was_demo = self.is_demo
        chosen_user = self.user_store is not None and any(self.user_store.entry_counts())
        if was_demo and chosen_user:
            self._attach_source()
            self.messages.success("Showing your own data now.")
            return
        if self.model is not None and self.picker is not None:
            self.model.reload()
            self.picker.refresh()
            self.update()

    # -- drawing --------------------------------------------------------------------------
    def update(self) -> None:
        """Recompute and redraw for the current person and range (same figures)."""
        if self.model is None:
            return
        report = self.model.report()
        self.report = report
        demo_mark = " (demo data)" if self.is_demo else ""
        span = f"{report.start:%d %b %Y} to {report.end:%d %b %Y}"
        self.progress_chart.update(
            report.trend,
            report.daily,
            rule=self.model.rule,
            title=f"{report.person_name}{demo_mark}: {span}",
            start=report.shown_start if report.shown_start is not None else report.start,
            end=report.end,
        )
        self.calendar_chart.update(report.daily)
        self.group_chart.update(report.per_group)
        png = self.progress_chart.to_png()
        self.progress_image.value = png
        self.calendar_image.value = self.calendar_chart.to_png()
        self.group_image.value = self.group_chart.to_png()
        items = "".join(f"<li>{esc(text)}</li>" for text in report.sentences)
        rule = self.model.rule
        self.summary.value = prose(
            f"<h4>{esc(report.person_name)}{esc(demo_mark)}: {esc(span)}</h4><ul>{items}</ul>"
            f"<p><small>A change that matters: {esc(rule.describe())} (Ostelo et al. 2008 and "
            "Farrar et al. 2001 for the 2 points or 30 %; the 1-point floor and the rule for "
            "rises are this workbook's own). Comparisons show associations only: they cannot "
            "tell what brought a change about.</small></p>"
        )
        longer = LONGER.get(self.model.range_key)
        offer = report.association is not None and report.association.needs_longer and longer
        self.longer_button.description = (
            f"Show {RANGES[longer][0][0].lower()}{RANGES[longer][0][1:]}"
            if offer
            else "Show a longer period"
        )
        self.longer_button.layout.display = "flex" if offer else "none"
        if report.hurting_sentences:
            hurt = "".join(f"<li>{esc(text)}</li>" for text in report.hurting_sentences)
            self.hurting_html.value = (
                f"<h4>Exercises that hurt</h4><ul>{hurt}</ul><p>{esc(HURT_ADVICE)}</p>"
            )
        else:
            self.hurting_html.value = ""
        stem = f"backcare-progress-{'demo-' if self.is_demo else ''}person{report.person_id}"
        csv = report.table().to_csv(float_format="%.3f").encode("utf-8")
        self.downloads.value = (
            download_link(png, f"{stem}.png", "image/png", "Download the figure (PNG)")
            + " &nbsp; "
            + download_link(csv, f"{stem}.csv", "text/csv", "Download the numbers (CSV)")
        )
        next_steps: dict[int, str] = {}
        names = {e.id: e.name for e in self.catalog.exercises}
        if self.suggestions is not None:
            self.suggestions.show(report.person_id)
            advisor = self.suggestions.advisor
            for person in self.model.people:
                next_steps[person.id] = suggestion_summary(advisor.waiting(person.id), names)
        self.overview_html.value = _overview_html(self.model.overview(), next_steps, names)
