"""Progress charts, drawn once and updated in place.

Each chart owns one :class:`matplotlib.figure.Figure` (made directly, not through
``pyplot``, so no global figure list and no backend state) and the artists it draws on it.
``update(...)`` changes the artists' data and the axes' limits (``set_data``,
``set_offsets``, ``relim``, ``autoscale_view``); the figure is never rebuilt. The views show
a chart by rendering it to PNG (:meth:`to_png`) into one image widget, so changing the
person or the dates replaces the picture in place instead of stacking new outputs.

Nothing here touches ``rcParams``: every style is passed to the artist that uses it.
Text that can carry what a user typed (titles with a person's name, group names) is drawn
with ``parse_math=False``, so a ``$`` in a name is shown as it is instead of going to
matplotlib's math parser (where a name such as ``Di $a_$ E`` would stop the
drawing with an error).

* :class:`ProgressFigure`: discomfort (daily points, the 7-day line with gaps where too few
  days have a score, scores given right after a session as separate open triangles, baseline,
  the band of a change that matters) above adherence (sessions done as daily bars, planned
  as a step line), on one shared date axis.
* :class:`CalendarHeatmap`: sessions done per day, a column a week, a row a weekday.
* :class:`GroupAdherenceChart`: the share of planned exercise steps done, per group.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .analysis import IMPORTANT_CHANGE, ROLLING_DAYS, ImportantChangeRule

__all__ = ["CalendarHeatmap", "GroupAdherenceChart", "ProgressFigure"]

_POINT = "#5b7fa6"
_LINE = "#1f3b5a"
_BASELINE = "#8a8a8a"
_BAND = "#cfe8d4"
_WORSE_BAND = "#f8e1da"
_DONE = "#3f8f5a"
_PLANNED = "#444444"
_MISSED = "#f4c7bf"
_AFTER = "#b5651d"
_MIN_AXIS_DAYS = 7  # the time axis spans at least a week, so its ticks are days, never hours
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day_numbers(index: Any) -> np.ndarray:
    """Matplotlib date numbers for a day index (naive midnights)."""
    if len(index) == 0:
        return np.array([], dtype="float64")
    stamps = pd.DatetimeIndex(index)
    return np.asarray(mdates.date2num(stamps.to_pydatetime()), dtype="float64")


class _Chart:
    """What every chart shares: the figure, a render counter, PNG output."""

    figure: Figure

    def __init__(self) -> None:
        self.renders = 0  # how many times the figure was rendered (tests count them)

    def to_png(self, dpi: int = 100) -> bytes:
        """The figure as PNG bytes (for the image widget and the download)."""
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            # a name with an emoji draws a box for it; the chart is still right
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            self.figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        self.renders += 1
        return buffer.getvalue()


def _band(ax: Any, colour: str, label: str) -> Rectangle:
    """A horizontal band across the whole axes (y in data units, x across), set by
    :meth:`ProgressFigure.update`."""
    band = Rectangle(
        (0, 0),
        1,
        0,
        transform=ax.get_yaxis_transform(),
        facecolor=colour,
        edgecolor="none",
        alpha=0.8,
        zorder=0,
        label=label,
    )
    ax.add_patch(band)
    return band


class ProgressFigure(_Chart):
    """Discomfort above adherence on a shared date axis, updated in place."""

    def __init__(self, *, width: float = 9.0, height: float = 6.0) -> None:
        super().__init__()
        self.figure = Figure(figsize=(width, height), layout="constrained")
        self.ax_discomfort, self.ax_adherence = self.figure.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]}
        )
        ax = self.ax_discomfort
        # the bands where a fall, or a rise, from baseline is a change that matters
        self.band = _band(ax, _BAND, "better: a change that matters")
        self.worse_band = _band(ax, _WORSE_BAND, "worse: a change that matters")
        self.points = ax.scatter(
            [], [], s=16, color=_POINT, alpha=0.7, zorder=3, label="daily mean"
        )
        # scores given right after a session: each session's immediate response, not the trend
        self.after_points = ax.scatter(
            [],
            [],
            s=22,
            marker="^",
            facecolors="none",
            edgecolors=_AFTER,
            linewidths=1.0,
            zorder=3,
            label="right after a session",
        )
        (self.rolling_line,) = ax.plot(
            [], [], color=_LINE, linewidth=2.2, zorder=4, label=f"{ROLLING_DAYS}-day mean"
        )
        (self.baseline_line,) = ax.plot(
            [], [], color=_BASELINE, linestyle="--", linewidth=1.2, zorder=2, label="starting level"
        )
        ax.set_ylim(-0.3, 10.3)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel("discomfort (0-10)")
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
        # above the chart, so neither band hides it and it hides no score
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, frameon=False, ncols=4)
        self.message = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", color="#666666"
        )
        bars = self.ax_adherence
        self.done_bars = bars.stairs(
            [], [0.0], fill=True, color=_DONE, alpha=0.85, label="sessions done"
        )
        self.planned_steps = bars.stairs(
            [], [0.0], color=_PLANNED, linewidth=1.0, linestyle="--", label="planned"
        )
        bars.set_ylabel("sessions")
        bars.legend(loc="upper right", fontsize=8, frameon=False, ncols=2)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        bars.xaxis.set_major_locator(locator)
        # days, months, years only: the axis never spans less than a week (no "12:00" ticks)
        bars.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(
                locator, formats=["%Y", "%b", "%d %b", "%d %b", "%d %b", "%d %b"]
            )
        )
        self.title = self.figure.suptitle("", fontsize=11, parse_math=False)

    def update(
        self,
        trend: pd.DataFrame,
        daily_adherence: pd.DataFrame,
        *,
        rule: ImportantChangeRule = IMPORTANT_CHANGE,
        title: str = "",
        start: Any = None,
        end: Any = None,
    ) -> None:
        """Show ``trend`` (from :func:`analysis.discomfort_trend`) and ``daily_adherence``
        (from :func:`analysis.adherence`) between ``start`` and ``end`` (inclusive days)."""
        x = _day_numbers(trend.index) + 0.5  # the middle of each day, over its bar
        daily = trend["daily"].to_numpy(dtype="float64") if len(trend) else np.array([])
        has_score = ~np.isnan(daily)
        self.points.set_offsets(np.column_stack([x[has_score], daily[has_score]]))
        rolling = trend["rolling"].to_numpy(dtype="float64") if len(trend) else np.array([])
        self.rolling_line.set_data(x, rolling)  # NaN (too few days with a score): a gap
        after = (
            trend["after_session"].to_numpy(dtype="float64")
            if len(trend) and "after_session" in trend
            else np.full(len(x), np.nan)
        )
        has_after = ~np.isnan(after)
        self.after_points.set_offsets(np.column_stack([x[has_after], after[has_after]]))
        baseline = float(trend["baseline"].iloc[0]) if len(trend) else math.nan
        if math.isfinite(baseline) and len(x):
            self.baseline_line.set_data([x[0] - 0.5, x[-1] + 0.5], [baseline, baseline])
            level = rule.threshold_level(baseline)
            self.band.set_y(-0.3)
            self.band.set_height(max(level + 0.3, 0.0))
            self.band.set_visible(True)
            rise = rule.rise_level(baseline)
            self.worse_band.set_y(rise)
            self.worse_band.set_height(max(10.3 - rise, 0.0))
            self.worse_band.set_visible(rise < 10.3)
        else:
            self.baseline_line.set_data([], [])
            self.band.set_visible(False)
            self.worse_band.set_visible(False)
        self.message.set_text("" if has_score.any() else "No discomfort scores in this period")

        ax_x = _day_numbers(daily_adherence.index)
        if len(ax_x):
            edges = np.append(ax_x, ax_x[-1] + 1.0)
            done = daily_adherence["done"].to_numpy(dtype="float64")
            planned = daily_adherence["planned"].to_numpy(dtype="float64")
        else:
            edges, done, planned = np.array([0.0]), np.array([]), np.array([])
        self.done_bars.set_data(done, edges)
        self.planned_steps.set_data(planned, edges)
        top = max(float(np.max(done, initial=0)), float(np.max(planned, initial=0)), 1.0)
        self.ax_adherence.set_ylim(0, top * 1.15)

        first, last = self._x_range(start, end, x, ax_x)
        for axes in (self.ax_discomfort, self.ax_adherence):
            axes.relim()
            axes.autoscale_view(scaley=False)
        self.ax_adherence.set_xlim(first, last)
        self.title.set_text(title)

    @staticmethod
    def _x_range(start: Any, end: Any, *series: np.ndarray) -> tuple[float, float]:
        known = np.concatenate([s for s in series if len(s)]) if any(len(s) for s in series) else []
        if start is not None:
            first = _day_numbers([pd.Timestamp(start)])[0]
        elif len(known):
            first = float(np.min(known))
        else:
            first = mdates.date2num(pd.Timestamp("2024-01-01").to_pydatetime())
        if end is not None:
            last = _day_numbers([pd.Timestamp(end)])[0] + 1.0
        elif len(known):
            last = float(np.max(known)) + 1.0
        else:
            last = first + 28.0
        first = min(first, last - _MIN_AXIS_DAYS)
        return first - 0.5, last + 0.5


class CalendarHeatmap(_Chart):
    """Sessions done per day: a column a week (Monday on top), darker for more sessions.

    Days with nothing planned and nothing done are left blank; planned days with nothing done
    are pale red, so missed days stand out from rest days.
    """

    def __init__(self, *, width: float = 9.0, height: float = 2.4) -> None:
        super().__init__()
        self.figure = Figure(figsize=(width, height), layout="constrained")
        self.ax = self.figure.subplots()
        cmap = colormaps["Greens"].with_extremes(bad="#ffffff", under=_MISSED)
        self.image = self.ax.imshow(
            np.full((7, 1), np.nan),
            cmap=cmap,
            norm=mcolors.Normalize(vmin=0.0, vmax=1.0),
            aspect="auto",
            interpolation="nearest",
        )
        self.ax.set_yticks(range(7), _WEEKDAYS, fontsize=8)
        self.ax.tick_params(axis="x", labelsize=8, length=0)
        self.ax.tick_params(axis="y", length=0)
        for side in self.ax.spines.values():
            side.set_visible(False)
        self.colorbar = self.figure.colorbar(self.image, ax=self.ax, fraction=0.03, pad=0.01)
        self.colorbar.set_label("sessions", fontsize=8)
        self.title = self.ax.set_title("", fontsize=10, loc="left", parse_math=False)
        self.grid = np.full((7, 1), np.nan)

    def update(
        self,
        daily_adherence: pd.DataFrame,
        *,
        title: str = "Sessions done (pale red: planned but not done)",
    ) -> None:
        """Show ``daily_adherence`` (from :func:`analysis.adherence`, ``by="day"``)."""
        if len(daily_adherence) == 0:
            grid = np.full((7, 1), np.nan)
            mondays = pd.DatetimeIndex([])
        else:
            days = pd.DatetimeIndex(daily_adherence.index)
            first_monday = days[0] - pd.Timedelta(days=int(days[0].day_of_week))
            weeks = ((days - first_monday).days // 7).to_numpy()
            grid = np.full((7, int(weeks.max()) + 1), np.nan)
            done = daily_adherence["done"].to_numpy(dtype="float64")
            planned = daily_adherence["planned"].to_numpy(dtype="float64")
            missed = -1.0  # below the colour scale: drawn in the "under" colour
            shown = np.where(done > 0, done, np.where(planned > 0, missed, np.nan))
            grid[days.day_of_week.to_numpy(), weeks] = shown
            mondays = pd.date_range(first_monday, periods=grid.shape[1], freq="7D")
        self.grid = grid
        self.image.set_data(grid)
        self.image.set_extent((-0.5, grid.shape[1] - 0.5, 6.5, -0.5))
        top = float(np.nanmax(grid)) if np.isfinite(grid).any() else 1.0
        self.image.set_clim(0.0, max(top, 1.0))
        self.ax.set_xlim(-0.5, grid.shape[1] - 0.5)
        ticks, labels = [], []
        for column, monday in enumerate(mondays):
            if column == 0 or monday.day <= 7:  # the first week of each month
                ticks.append(column)
                labels.append(monday.strftime("%d %b"))
        self.ax.set_xticks(ticks, labels, parse_math=False)
        self.title.set_text(title)


class GroupAdherenceChart(_Chart):
    """The share of planned exercise steps done, one bar a group (fixed at construction)."""

    def __init__(
        self, groups: Sequence[tuple[str, str]], *, width: float = 9.0, height: float = 2.2
    ) -> None:
        """``groups``: (group id, display name) pairs, in the order to show them."""
        super().__init__()
        self.group_ids = tuple(g for g, _ in groups)
        self.figure = Figure(figsize=(width, height), layout="constrained")
        self.ax = self.figure.subplots()
        positions = np.arange(len(self.group_ids))
        self.bars = self.ax.barh(positions, np.zeros(len(positions)), color=_DONE, height=0.6)
        self.ax.set_yticks(positions, [name for _, name in groups], fontsize=9, parse_math=False)
        self.ax.invert_yaxis()
        self.ax.set_xlim(0, 1.0)
        self.ax.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}".replace("%", " %"))
        self.ax.set_xlabel("share of planned exercise steps done", fontsize=9)
        self.labels = [
            self.ax.text(0.01, y, "", va="center", fontsize=8, color="#222222", parse_math=False)
            for y in positions
        ]
        self.title = self.ax.set_title("", fontsize=10, loc="left", parse_math=False)

    def update(self, per_group: pd.DataFrame, *, title: str = "Adherence by group") -> None:
        """Show ``per_group`` (from :func:`analysis.by_group`)."""
        for bar, label, group in zip(self.bars, self.labels, self.group_ids, strict=True):
            if group in per_group.index and int(per_group.loc[group, "steps_planned"]) == 0:
                # planned, but every session with it was left before a step was done
                share, text = 0.0, "no session done yet"
            elif group in per_group.index:
                row = per_group.loc[group]
                share = float(row["adherence"]) if pd.notna(row["adherence"]) else 0.0
                text = f"{int(row['steps_done'])} of {int(row['steps_planned'])} steps"
            else:
                share, text = 0.0, "not planned"
            bar.set_width(share)
            label.set_x(min(share, 0.8) + 0.01)
            label.set_text(text)
        self.ax.set_xlim(0, 1.0)
        self.title.set_text(title)

    @property
    def widths(self) -> list[float]:
        return [bar.get_width() for bar in self.bars]
