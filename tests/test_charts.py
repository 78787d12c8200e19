"""Charts are drawn once and updated in place; no global matplotlib state changes."""

from __future__ import annotations

import datetime as dt

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from backcare import analysis
from backcare.charts import CalendarHeatmap, GroupAdherenceChart, ProgressFigure
from backcare.routine import Schedule

TZ = dt.UTC
START = dt.date(2024, 5, 6)  # a Monday


def _frames(days: int, level: float, every: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    checkins = pd.DataFrame(
        {
            "person_id": 1,
            "at": pd.to_datetime(
                [dt.datetime.combine(START + dt.timedelta(n), dt.time(9), TZ) for n in range(days)]
            ),
            "discomfort": [level - n * 0.1 for n in range(days)],
            "context": "daily",
            "session_id": None,
        }
    )
    session_days = list(range(0, days, every))
    sessions = pd.DataFrame(
        {
            "session_id": range(1, len(session_days) + 1),
            "person_id": 1,
            "started_at": pd.to_datetime(
                [
                    dt.datetime.combine(START + dt.timedelta(n), dt.time(20), TZ)
                    for n in session_days
                ]
            ),
            "done_steps": 4,
            "completion": 1.0,
        }
    )
    return checkins, sessions


def _inputs(days: int, level: float, every: int):
    checkins, sessions = _frames(days, level, every)
    end = START + dt.timedelta(days - 1)
    trend = analysis.discomfort_trend(checkins, START, end)
    daily = analysis.adherence(sessions, Schedule(), START, end)
    return trend, daily, end


def test_progress_figure_updates_in_place() -> None:
    chart = ProgressFigure()
    figure, line, points, bars = (
        chart.figure,
        chart.rolling_line,
        chart.points,
        chart.done_bars,
    )
    trend, daily, end = _inputs(28, 7.0, 2)
    chart.update(trend, daily, title="Ana", start=START, end=end)
    first_y = np.array(line.get_ydata(), dtype=float).copy()
    first_png = chart.to_png()
    assert len(points.get_offsets()) == 28
    assert chart.band.get_visible()
    assert chart.baseline_line.get_ydata()[0] == pytest.approx(trend["baseline"].iloc[0])
    assert chart.ax_adherence.get_xlim()[1] - chart.ax_adherence.get_xlim()[0] == pytest.approx(
        29, abs=0.01
    )

    trend2, daily2, end2 = _inputs(56, 4.0, 3)
    chart.update(trend2, daily2, title="Ben", start=START, end=end2)
    assert chart.figure is figure and chart.rolling_line is line and chart.points is points
    assert chart.done_bars is bars
    assert len(line.get_xdata()) == 56
    assert not np.array_equal(np.array(line.get_ydata(), dtype=float)[:28], first_y)
    assert len(points.get_offsets()) == 56
    assert chart.title.get_text() == "Ben"
    assert chart.ax_adherence.get_xlim()[1] - chart.ax_adherence.get_xlim()[0] == pytest.approx(
        57, abs=0.01
    )
    assert len(chart.figure.axes) == 2  # nothing added
    assert chart.to_png() != first_png
    assert chart.renders == 2


def test_progress_figure_band_follows_the_rule() -> None:
    chart = ProgressFigure()
    trend, daily, end = _inputs(28, 7.0, 2)
    baseline = float(trend["baseline"].iloc[0])
    chart.update(trend, daily, start=START, end=end)
    top = chart.band.get_y() + chart.band.get_height()
    assert top == pytest.approx(analysis.IMPORTANT_CHANGE.threshold_level(baseline))
    chart.update(trend, daily, rule=analysis.ImportantChangeRule(points=1.0), start=START, end=end)
    assert chart.band.get_y() + chart.band.get_height() == pytest.approx(baseline - 1.0)
    # a rise of 2 points is worse by the rule: the band above starts there and runs to the top
    assert chart.worse_band.get_visible()
    assert chart.worse_band.get_y() == pytest.approx(baseline + 2.0)
    assert chart.worse_band.get_y() + chart.worse_band.get_height() == pytest.approx(10.3)
    labels = chart.ax_discomfort.get_legend_handles_labels()[1]
    assert "better: a change that matters" in labels and "worse: a change that matters" in labels


def test_the_worse_band_leaves_the_chart_when_no_rise_fits() -> None:
    chart = ProgressFigure()
    trend, daily, end = _inputs(28, 9.0, 2)  # from 9, a rise of 2 is past the top of the scale
    chart.update(trend, daily, start=START, end=end)
    assert float(trend["baseline"].iloc[0]) + 2.0 > 10.3
    assert not chart.worse_band.get_visible()


def test_progress_figure_with_no_scores_says_so() -> None:
    chart = ProgressFigure()
    empty = analysis.discomfort_trend(_frames(0, 5.0, 1)[0])
    daily = analysis.adherence(_frames(0, 5.0, 1)[1], None, START, START + dt.timedelta(6))
    chart.update(empty, daily, start=START, end=START + dt.timedelta(6))
    assert "No discomfort" in chart.message.get_text()
    assert not chart.band.get_visible()
    assert chart.to_png().startswith(b"\x89PNG")


def test_calendar_heatmap_grid_and_update() -> None:
    chart = CalendarHeatmap()
    image = chart.image
    _, daily, _ = _inputs(14, 5.0, 2)
    chart.update(daily)
    assert chart.grid.shape == (7, 2)
    assert chart.grid[0, 0] == 1  # Monday, session done
    assert chart.grid[1, 0] == -1  # Tuesday planned, missed
    _, daily2, _ = _inputs(35, 5.0, 1)
    chart.update(daily2)
    assert chart.image is image and chart.grid.shape == (7, 5)
    assert np.all(chart.grid == 1)
    assert chart.to_png().startswith(b"\x89PNG")


def test_group_chart_updates_bar_widths() -> None:
    chart = GroupAdherenceChart([("foot_calf", "Foot & calf"), ("deep_core", "Deep core")])
    bars = list(chart.bars)
    frame = pd.DataFrame(
        {"adherence": [0.75], "steps_done": [3], "steps_planned": [4]},
        index=pd.Index(["deep_core"], name="group"),
    )
    chart.update(frame)
    assert chart.widths == [0.0, 0.75]
    assert chart.labels[1].get_text() == "3 of 4 steps"
    assert chart.labels[0].get_text() == "not planned"
    chart.update(frame.assign(adherence=[0.25], steps_done=[1]))
    assert list(chart.bars) == bars and chart.widths == [0.0, 0.25]


def test_no_global_matplotlib_state_changed() -> None:
    before = dict(mpl.rcParams)
    chart = ProgressFigure()
    trend, daily, end = _inputs(14, 5.0, 2)
    chart.update(trend, daily, start=START, end=end)
    chart.to_png()
    assert dict(mpl.rcParams) == before
    import sys

    if "matplotlib.pyplot" in sys.modules:  # another test may have imported it
        import matplotlib.pyplot as plt

        assert chart.figure not in [plt.figure(n) for n in plt.get_fignums()]


@pytest.mark.parametrize("text", [r"Ann $\frac$ B", r"Cy $\sqrt{$ D", r"Di $a_$ E"])
def test_user_text_is_drawn_as_it_is_not_as_mathematics(text: str) -> None:
    """A ``$`` in a name or a group name never reaches matplotlib's math parser."""
    chart = ProgressFigure()
    trend, daily, end = _inputs(14, 5.0, 2)
    chart.update(trend, daily, title=f"{text}: 06 May 2024", start=START, end=end)
    assert chart.to_png().startswith(b"\x89PNG")
    assert chart.title.get_text().startswith(text)
    groups = GroupAdherenceChart([("mine", text), ("deep_core", "Deep core")])
    groups.update(pd.DataFrame(), title=text)
    assert groups.to_png().startswith(b"\x89PNG")
    assert [label.get_text() for label in groups.ax.get_yticklabels()] == [text, "Deep core"]
    calendar = CalendarHeatmap()
    calendar.update(daily, title=text)
    assert calendar.to_png().startswith(b"\x89PNG")
