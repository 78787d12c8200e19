"""The progress dashboard in the kernel, without a browser: set values, assert."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from backcare import paths
from backcare.routine import evening_session
from backcare.store import Store
from backcare.ui.progress import ProgressApp, ProgressModel

TZ = dt.UTC
TODAY = dt.date(2024, 6, 30)


def _user_store(path: Path, catalog, name: str = "Kim", days: int = 20) -> Store:
    """A log of ``days`` days up to TODAY, its routine saved the day before the first."""
    first = TODAY - dt.timedelta(days=days - 1)
    store = Store(":memory:")
    _fill(store, catalog, name, first, days)
    # moved into the user's own file through an export and an import, like a real move
    document = json.loads(store.export_json())
    store.close()
    mine = Store(path)
    report = mine.import_bytes(json.dumps(document).encode("utf-8"), "log.json")
    assert not report.rejected
    return mine


def _fill(store: Store, catalog, name: str, first: dt.date, days: int) -> None:
    person = store.add_person(name, zone="UTC")
    routine = evening_session(catalog, ["deep_core"])
    store.save_routine(person.id, routine, on=first - dt.timedelta(days=1))
    for n in range(days):
        day = first + dt.timedelta(days=n)
        store.add_checkin(
            person.id, 7 if n < 7 else 3, at=dt.datetime.combine(day, dt.time(10), TZ)
        )
        if n % 2 == 0:
            sid = store.start_session(
                person.id, routine, catalog, started_at=dt.datetime.combine(day, dt.time(17), TZ)
            )
            for step in routine.steps(catalog):
                if step.kind.is_work:
                    store.record_step(sid, step.index, "done", step.seconds, at=day)
            store.finish_session(sid, "completed", at=dt.datetime.combine(day, dt.time(17, 5), TZ))


def test_empty_store_shows_demo_and_leaves_the_store_alone(data_dir: Path) -> None:
    app = ProgressApp()
    assert app.is_demo
    assert "Demo data" in app.banner.value
    assert "(demo data)" in app.summary.value
    assert bytes(app.progress_image.value).startswith(b"\x89PNG")
    assert "Alex" in app.overview_html.value and "Sam" in app.overview_html.value
    app.range_picker.value = "all"
    app.refresh()
    with Store() as mine:
        assert mine.people() == []
        assert mine.checkins_frame().empty and mine.sessions_frame().empty
    assert (data_dir / "backcare.sqlite3").is_file()


def test_changing_person_and_range_updates_the_same_figures(data_dir: Path) -> None:
    app = ProgressApp()
    figure = app.progress_chart.figure
    line = app.progress_chart.rolling_line
    image = app.progress_image
    first_png, first_summary = image.value, app.summary.value
    first_x = list(line.get_xdata())
    app.range_picker.value = "12w"
    assert app.progress_chart.figure is figure and app.progress_chart.rolling_line is line
    assert app.progress_image is image and image.value != first_png
    assert len(line.get_xdata()) > len(first_x)
    assert "In the last 12 weeks" in app.summary.value
    sam = next(value for label, value in app.picker.options if label == "Sam")
    before = app.summary.value
    app.picker.value = sam
    assert app.model.person_id == sam
    assert app.summary.value != before and "Sam" in app.summary.value
    assert app.summary.value != first_summary
    assert app.progress_chart.renders == 3


def test_user_data_replaces_the_demo_after_refresh(data_dir: Path, catalog) -> None:
    empty = Store(data_dir / "log.sqlite3")
    app = ProgressApp(store=empty, today=TODAY)
    assert app.is_demo
    empty.close()
    filled = _user_store(data_dir / "log.sqlite3", catalog)
    app.user_store = filled
    app.refresh_button.click()
    assert not app.is_demo
    assert app.banner.value == ""
    assert app.messages.kind == "success"
    assert "Kim" in app.summary.value
    assert "In the last 4 weeks you did 10 of 20 planned sessions (50 %)." in app.summary.value
    assert "finished 100 % of each session you did." in app.summary.value
    assert "went from a starting level of 7.0" in app.summary.value
    assert "to a 7-day average of 3.0" in app.summary.value
    assert "change that matters" in app.summary.value


def test_downloads_hold_the_figure_and_the_numbers(data_dir: Path, catalog) -> None:
    store = _user_store(data_dir / "log.sqlite3", catalog)
    app = ProgressApp(store=store, today=TODAY)
    html = app.downloads.value
    assert 'download="backcare-progress-person1.png"' in html
    assert "data:image/png;base64," in html
    assert 'download="backcare-progress-person1.csv"' in html
    table = app.report.table()
    assert len(table) == 20
    assert table["sessions_done"].sum() == 10
    assert "discomfort_7day_mean" in table.columns


def test_hostile_names_are_escaped(data_dir: Path, catalog) -> None:
    store = _user_store(data_dir / "log.sqlite3", catalog, name="<script>alert(1)</script>")
    app = ProgressApp(store=store, today=TODAY)
    for html in (app.summary.value, app.overview_html.value):
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


def test_errors_in_a_callback_show_in_the_widget(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ProgressApp()

    def broken() -> None:
        raise ValueError("the store went away")

    monkeypatch.setattr(app.model, "report", broken)
    app.range_picker.value = "all"
    assert app.messages.kind == "error"
    # raised outside backcare's own code: a sentence naming the log, which keeps the details
    assert str(paths.error_log_path()) in app.messages.text
    assert "the store went away" in paths.error_log_path().read_text(encoding="utf-8")


def test_two_apps_do_not_interfere(data_dir: Path) -> None:
    one, two = ProgressApp(), ProgressApp()
    one.range_picker.value = "all"
    assert two.range_picker.value == "4w"
    assert one.progress_chart.figure is not two.progress_chart.figure
    assert one.summary.value != two.summary.value


def test_a_period_of_my_own_choosing(data_dir: Path, catalog) -> None:
    app = ProgressApp(_user_store(data_dir / "mine.sqlite3", catalog), today=TODAY)
    assert app.start_picker.layout.display == "none"
    app.range_picker.value = "custom"
    assert app.start_picker.layout.display == "flex"
    assert app.start_picker.value == TODAY - dt.timedelta(days=19)  # the period shown so far
    app.start_picker.value = TODAY - dt.timedelta(days=9)
    assert app.report.start.date() == TODAY - dt.timedelta(days=9)
    assert len(app.report.daily) == 10
    assert "From 21 Jun 2024 to 30 Jun 2024" in app.summary.value
    app.end_picker.value = TODAY - dt.timedelta(days=12)  # before the first day
    assert app.messages.kind == "error" and "must not come after" in app.messages.text
    assert app.report.start.date() == TODAY - dt.timedelta(days=9)  # nothing changed


def test_a_routine_saved_today_plans_nothing_before_today(data_dir: Path, catalog) -> None:
    """20 days of check-ins, then a routine saved and done today: 1 of 1 planned, not 1 of 21."""
    today = dt.date.today()
    store = Store(data_dir / "mine.sqlite3")
    person = store.add_person("Lee")
    for n in range(20, 0, -1):
        at = dt.datetime.combine(today - dt.timedelta(days=n), dt.time(12)).astimezone()
        store.add_checkin(person.id, 5, at=at)
    routine = evening_session(catalog, ["deep_core"])
    store.save_routine(person.id, routine)
    session = store.start_session(person.id, routine, catalog)
    store.record_step(session, next(s.index for s in routine.steps(catalog) if s.kind.is_work))
    app = ProgressApp(store=store)
    assert app.report.daily["planned"].sum() == 1
    assert app.report.daily["planned"].iloc[-1] == 1
    assert "you did 1 of 1 planned session (100 %)." in app.summary.value
    assert "1 of 1 (100 %)" in app.overview_html.value


def test_summary_and_overview_share_the_starting_level(data_dir: Path) -> None:
    app = ProgressApp()
    alex = next(value for label, value in app.picker.options if label == "Alex")
    app.picker.value = alex
    assert app.range_picker.value == "4w"
    overview = app.model.overview().set_index("person_id")
    change = app.report.change
    assert change.baseline == pytest.approx(overview.loc[alex, "baseline"])
    assert change.current == pytest.approx(overview.loc[alex, "current"])
    assert app.report.trend["baseline"].iloc[0] == pytest.approx(change.baseline)
    assert f"starting level of {change.baseline:.1f}" in app.summary.value
    assert f"{change.change_points:+.1f} points" in app.overview_html.value
    assert "change from the starting level" in app.overview_html.value


def test_a_name_with_dollar_signs_is_drawn_as_it_is(data_dir: Path, catalog) -> None:
    name = r"Ann $\frac$ B"
    app = ProgressApp(store=_user_store(data_dir / "log.sqlite3", catalog, name=name), today=TODAY)
    assert app.messages.kind != "error", app.messages.text
    assert app.progress_chart.title.get_text().startswith(name)
    assert bytes(app.progress_image.value).startswith(b"\x89PNG")
    assert name in app.summary.value and name in app.overview_html.value


def test_an_error_in_the_first_draw_shows_in_the_widget(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: ProgressModel) -> None:
        raise RuntimeError("the figure could not be drawn")

    monkeypatch.setattr(ProgressModel, "report", broken)
    app = ProgressApp()
    assert app.messages.kind == "error"
    assert "RuntimeError" not in app.messages.text
    assert str(paths.error_log_path()) in app.messages.text
    assert "the figure could not be drawn" in paths.error_log_path().read_text(encoding="utf-8")


def test_a_damaged_data_file_shows_the_demo_and_says_why(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    damaged = data_dir / "backcare.sqlite3"
    damaged.write_bytes(b"this is not a backcare log " * 50)
    app = ProgressApp()
    assert app.is_demo and app.user_store is None
    assert app.messages.kind == "error"
    assert str(damaged) in app.messages.text and "demo" in app.messages.text
    assert "could not be opened" in app.banner.value
    assert "empty so far" not in app.banner.value
    app.range_picker.value = "all"
    app.refresh_button.click()
    assert app.messages.kind == "error" and str(damaged) in app.messages.text
    assert damaged.read_bytes() == b"this is not a backcare log " * 50


def test_without_statsmodels_the_comparisons_say_so_in_words(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the browser with no connection, Pyodide's statsmodels cannot be loaded: the
    dashboard still shows its averages and says, in a sentence, why there is no interval."""
    import html
    import sys

    from backcare.analysis.association import NO_STATSMODELS

    monkeypatch.setitem(sys.modules, "statsmodels", None)  # importing it now fails
    monkeypatch.setitem(sys.modules, "statsmodels.regression.linear_model", None)
    app = ProgressApp()
    app.range_picker.value = "all"
    shown = html.unescape(app.summary.value)
    assert NO_STATSMODELS in shown
    assert "Traceback" not in shown and "Error" not in shown
    assert "averaged" in shown  # the averages are still there
