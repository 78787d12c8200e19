"""The dashboard's numbers and words with little data, hurting exercises, the offer of a
longer period, and that notebook 04, the dashboard and the handout say what the code does."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backcare import analysis, safety
from backcare.handout import render_handout
from backcare.routine import evening_session
from backcare.store import Store
from backcare.ui.progress import ProgressApp
from backcare.ui.start import StartPage

from .test_analysis import checkins, sessions
from .test_progress_ui import TODAY, _user_store

REPO = Path(__file__).resolve().parent.parent
TZ = dt.UTC


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def _x_span_days(app: ProgressApp) -> float:
    low, high = app.progress_chart.ax_adherence.get_xlim()
    return high - low


def _tick_labels(app: ProgressApp) -> list[str]:
    app.progress_chart.figure.canvas.draw()
    return [t.get_text() for t in app.progress_chart.ax_adherence.get_xticklabels()]


def test_little_data_shows_days_and_the_period_chosen(data_dir: Path, catalog) -> None:
    """Three days of data: the axis shows days (never "12:00"), and "Last 12 weeks" shows
    12 weeks where "Last 4 weeks" shows 4."""
    store = Store(data_dir / "log.sqlite3")
    person = store.add_person("Noor")
    for n in range(3):
        store.add_checkin(person.id, 5, at=_at(TODAY - dt.timedelta(days=n), 9))
    app = ProgressApp(store=store, today=TODAY)
    assert _x_span_days(app) == pytest.approx(29.0)  # 28 days and half a day each side
    labels = _tick_labels(app)
    assert labels and not any(":" in label for label in labels), labels
    app.range_picker.value = "12w"
    assert _x_span_days(app) == pytest.approx(85.0)
    assert not any(":" in label for label in _tick_labels(app))
    store.close()


def test_started_and_abandoned_sessions_add_no_steps(data_dir: Path, catalog) -> None:
    """Four starts with nothing done, then one session done: the group chart counts the one
    session's steps only (not "0 of 16 steps" and up)."""
    store = Store(data_dir / "log.sqlite3")
    person = store.add_person("Ola")
    routine = evening_session(catalog, ["deep_core"])
    store.save_routine(person.id, routine)
    work = [s for s in routine.steps(catalog) if s.kind.is_work]
    for n in range(4):
        sid = store.start_session(person.id, routine, catalog, started_at=_at(TODAY, 10 + n))
        store.finish_session(sid, "stopped", at=_at(TODAY, 10 + n))
    app = ProgressApp(store=store, today=TODAY)
    assert app.report.per_group.loc["deep_core", "steps_planned"] == 0  # nothing was done
    assert app.group_chart.labels[-1].get_text() == "no session done yet"
    sid = store.start_session(person.id, routine, catalog, started_at=_at(TODAY, 20))
    store.record_step(sid, work[0].index, "done", work[0].seconds)
    store.finish_session(sid, "stopped", at=_at(TODAY, 20))
    app.refresh()
    row = app.report.per_group.loc["deep_core"]
    assert (row["steps_done"], row["steps_planned"]) == (1, len(work))
    assert row["sessions_planned"] == 5 and row["sessions_done"] == 1
    store.close()


def test_hurting_exercises_reach_the_dashboard_and_the_trainer(data_dir: Path, catalog) -> None:
    store = _user_store(data_dir / "log.sqlite3", catalog)
    person = store.people()[0]
    done = store.sessions_frame()
    done = done[done["done_steps"] > 0].sort_values("started_at")
    for session_id in done["session_id"].iloc[-2:]:
        store.record_hurt(int(session_id), "dead_bug_heel_touch", True)
    last = pd.Timestamp(done["started_at"].iloc[-1]).strftime("%d %b %Y")
    app = ProgressApp(store=store, today=TODAY)
    assert app.model.person_id == person.id
    assert f"Dead bug heel touch hurt 2 times, last on {last}." in app.hurting_html.value
    assert html.escape(safety.HURT_ADVICE) in app.hurting_html.value
    assert f"Dead bug heel touch: 2 times, last {last}" in app.overview_html.value
    row = app.model.overview().set_index("person_id").loc[person.id]
    assert (row["hurt_exercises"], row["hurt_times"]) == ("dead_bug_heel_touch", 2)
    store.close()


def test_a_longer_period_is_offered_when_a_comparison_needs_one(data_dir: Path, catalog) -> None:
    store = _user_store(data_dir / "log.sqlite3", catalog, days=60)
    app = ProgressApp(store=store, today=TODAY)
    assert app.report.association.needs_longer
    assert app.longer_button.layout.display == "flex"
    assert app.longer_button.description == "Show last 12 weeks"
    assert "This needs at least 6 weeks with a plan; the period shown has 4 weeks." in (
        app.summary.value
    )
    app.longer_button.click()
    assert app.range_picker.value == "12w" and app.model.range_key == "12w"
    assert "In the last 12 weeks" in app.summary.value
    store.close()


def test_int32_index_arrays_give_the_same_numbers() -> None:
    """In JupyterLite numpy's index type is 32-bit: ids and day numbers that arrive as int32
    must work and give the same numbers (and no analysis module calls bincount or reduceat
    but through the helpers that hand numpy its own index type)."""
    c = checkins({n: 6.0 - (n % 5) * 0.5 for n in range(70)})
    s = sessions(dict.fromkeys(range(0, 70, 2), 1.0))
    narrow = [
        c.astype({"person_id": "int32", "checkin_id": "int32"}),
        s.astype({"person_id": "int32", "session_id": "int32"}),
    ]
    steps = pd.DataFrame(
        {
            "session_id": s["session_id"].astype("int32"),
            "person_id": np.int32(1),
            "step_index": np.int32(0),
            "kind": "hold",
            "exercise_id": "calf_stretch",
            "group": "foot_calf",
            "status": "done",
        }
    )
    wide = analysis.person_reports(
        c, s, steps.astype({"session_id": "int64"}), {1: None}, "2024-06-08"
    )
    thin = analysis.person_reports(*narrow, steps, {np.int32(1): None}, "2024-06-08")
    for a, b in zip(wide.values(), thin.values(), strict=True):
        pd.testing.assert_frame_equal(a.trend, b.trend)
        pd.testing.assert_frame_equal(a.daily, b.daily)
        pd.testing.assert_frame_equal(a.association.table(), b.association.table())
    source = "\n".join(
        p.read_text()
        for p in (REPO / "backcare" / "analysis").glob("*.py")
        if p.name != "_common.py"
    )
    assert not re.search(r"np\.bincount\(|np\.add\.reduceat\(", source)


# -- the words agree with the code -------------------------------------------------------------
def _notebook_text(name: str) -> str:
    cells = json.loads((REPO / "notebooks" / name).read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_notebook_04_describes_what_the_code_does() -> None:
    text = _notebook_text("04_progress.ipynb")
    rule = analysis.IMPORTANT_CHANGE
    assert f"average of your first {analysis.BASELINE_DAYS} days with a score" in text
    assert f"at least {analysis.MIN_ROLLING_DAYS} days with a score among the 7" in text
    assert f"at least **{rule.points:g} points** lower or at least **{rule.percent:g} %**" in text
    assert f"never less than **{rule.min_points:g} point**" in text
    assert f"at least **{rule.rise_points:g} points** higher" in text
    assert "Ostelo et al., *Spine* 2008;33(1):90-94" in text and "Farrar et al." in text
    assert f"at least {analysis.MIN_DAYS_FOR_INTERVAL} days with a score" in text
    assert "at most 7 % of simulated people" in text
    assert f"at least {2 * analysis.MIN_DAYS_PER_GROUP} weeks" in text
    assert "right after a session" in text and "kept out of the dots" in text
    # the old description (a baseline from the period shown) is gone
    assert "first 7 days with a score in the period" not in text


def test_the_dashboard_states_the_rule_and_the_method(data_dir: Path, catalog) -> None:
    store = _user_store(data_dir / "log.sqlite3", catalog, days=84)
    app = ProgressApp(store=store, today=TODAY)
    app.range_picker.value = "12w"
    summary = html.unescape(app.summary.value)
    assert analysis.IMPORTANT_CHANGE.describe() in summary
    assert "Ostelo et al. 2008" in summary
    assert app.report.association.next_day.has_interval
    assert analysis.METHOD in summary
    store.close()


def test_red_flags_on_the_start_page_before_a_session_and_on_the_handout(
    data_dir: Path, catalog
) -> None:
    start = StartPage(store=Store(":memory:"), catalog=catalog)
    for flag in safety.RED_FLAGS:
        assert html.escape(flag) in start.red_flags.value or flag in start.red_flags.value
    page = render_handout(evening_session(catalog, ["deep_core"]), catalog)
    assert html.escape(safety.red_flags_sentence()) in page
    from backcare.ui.session import SessionApp

    session = SessionApp(store=Store(":memory:"), catalog=catalog)
    shown = " ".join(
        w.value for w in session.children if hasattr(w, "value") and isinstance(w.value, str)
    )
    assert safety.red_flags_sentence() in shown
