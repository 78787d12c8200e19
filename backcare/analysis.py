"""Numbers behind the progress dashboard: pure pandas functions, no figures, no widgets.

Every function takes the DataFrames the store hands out (:meth:`Store.checkins_frame`,
:meth:`Store.sessions_frame`, :meth:`Store.steps_frame`) for one person and returns a new
DataFrame or a small frozen result. Nothing is changed in place and nothing is kept between
calls, so the same frames can feed several views at once.

What is computed:

* **Adherence** (:func:`adherence`): sessions done against sessions planned by the person's
  routine schedules, per day or per week, and how much of each session was completed.
* **Discomfort trend** (:func:`discomfort_trend`): the daily mean of the 0-10 scores, a 7-day
  rolling mean, the baseline (the mean of the first 7 days that have a score) and the change
  from baseline in points and in percent.
* **Important change** (:func:`important_change`): whether the change reaches the published
  threshold for a change that matters in low-back pain, a named rule
  (:class:`ImportantChangeRule`).
* **Association** (:func:`association`): discomfort on days after a session against days after
  none, and weeks with more of the plan done against weeks with less, each with counts, the
  mean difference and a 95 % confidence interval, or "not enough data yet" below
  :data:`MIN_DAYS_PER_GROUP` in either group. These are associations only: people feel better
  or worse for many reasons, so no sentence here claims that a session made the difference.
* **Per exercise and per group** (:func:`by_exercise`, :func:`by_group`): how often each was
  done, and the mean discomfort reported after sessions that included it.
* **Plain words** (:func:`summary_sentences`) and the **trainer overview**
  (:func:`trainer_overview`): one row a person.

Days are calendar days on the clock the time stamps were written in (a check-in at 23:30
local time counts for that evening, whatever the offset).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "AFTER_SESSION_HOURS",
    "BASELINE_DAYS",
    "HIGH_ADHERENCE_SHARE",
    "IMPORTANT_CHANGE",
    "MIN_DAYS_PER_GROUP",
    "ROLLING_DAYS",
    "Association",
    "ChangeResult",
    "Comparison",
    "ImportantChangeRule",
    "adherence",
    "association",
    "by_exercise",
    "by_group",
    "compare_means",
    "daily_table",
    "day_of",
    "discomfort_after_sessions",
    "discomfort_trend",
    "first_activity_day",
    "important_change",
    "planned_sessions",
    "summary_sentences",
    "t_quantile_975",
    "trainer_overview",
]

ROLLING_DAYS = 7
"""Width of the rolling mean, in calendar days."""

BASELINE_DAYS = 7
"""The baseline is the mean of this many first days that have a discomfort score."""

MIN_DAYS_PER_GROUP = 3
"""Fewest days (or weeks) in each group before a comparison is reported at all."""

HIGH_ADHERENCE_SHARE = 0.5
"""Weeks with at least this share of the planned sessions done count as "mostly done"."""

AFTER_SESSION_HOURS = 24
"""A check-in up to this many hours after a session starts counts as "after" it."""

_EPS = 1e-9


# -- the rule for a change that matters ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ImportantChangeRule:
    """When a fall in discomfort counts as a change that matters.

    A fall of at least ``points`` on the 0-10 scale, **or** of at least ``percent`` of the
    baseline, whichever is reached first. The defaults, 2 points or 30 %, are the thresholds
    for a minimal important change in low-back pain proposed by an international consensus
    (Ostelo RW et al. Interpreting change scores for pain and functional status in low back
    pain: towards international consensus regarding minimal important change. *Spine*
    2008;33(1):90-94) and found for the 0-10 pain scale in chronic pain trials (Farrar JT et al.
    Clinical importance of changes in chronic pain intensity measured on an 11-point numerical
    pain rating scale. *Pain* 2001;94(2):149-158).

    The same distance upwards is reported as a worsening that matters; that symmetric use is
    this workbook's choice, the cited studies describe improvement.
    """

    points: float = 2.0
    percent: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < float(self.points) <= 10:
            raise ValueError("the points threshold must be above 0 and at most 10")
        if not 0 < float(self.percent) <= 100:
            raise ValueError("the percent threshold must be above 0 and at most 100")

    def threshold_fall(self, baseline: float) -> float:
        """The smallest fall from ``baseline`` that matters (points, or percent if smaller)."""
        if not baseline > 0:
            return float(self.points)
        return min(float(self.points), baseline * float(self.percent) / 100.0)

    def threshold_level(self, baseline: float) -> float:
        """The score at or below which the fall from ``baseline`` matters."""
        return baseline - self.threshold_fall(baseline)

    def is_important_fall(self, baseline: float, current: float) -> bool:
        """Whether going from ``baseline`` to ``current`` is a fall that matters."""
        if not (math.isfinite(baseline) and math.isfinite(current)):
            return False
        fall = baseline - current
        return fall > 0 and fall >= self.threshold_fall(baseline) - _EPS

    def is_important_rise(self, baseline: float, current: float) -> bool:
        """Whether going from ``baseline`` to ``current`` is a rise of the same size."""
        if not (math.isfinite(baseline) and math.isfinite(current)):
            return False
        rise = current - baseline
        return rise > 0 and rise >= self.threshold_fall(baseline) - _EPS

    def describe(self) -> str:
        return (
            f"a fall of at least {self.points:g} points or {self.percent:g} % of the starting level"
        )


IMPORTANT_CHANGE = ImportantChangeRule()
"""The default rule: 2 points or 30 % (Ostelo et al. 2008; Farrar et al. 2001)."""


# -- days ---------------------------------------------------------------------------------------
def day_of(times: pd.Series) -> pd.Series:
    """The calendar day of each time stamp, on its own clock, as naive midnight timestamps."""
    if len(times) == 0:
        return pd.Series([], index=times.index, dtype="datetime64[us]")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        days = times.dt.tz_localize(None).dt.normalize()
    elif pd.api.types.is_datetime64_dtype(times.dtype):
        days = times.dt.normalize()
    else:  # mixed offsets come as objects: take each one's wall-clock date
        days = pd.to_datetime(
            times.map(lambda t: None if pd.isna(t) else _as_day(t)), errors="coerce"
        )
    return days.astype("datetime64[us]")


def _as_day(value: dt.date | dt.datetime | str | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize().as_unit("us")


def _day_range(start: Any, end: Any) -> pd.DatetimeIndex:
    first, last = _as_day(start), _as_day(end)
    if last < first:
        return pd.DatetimeIndex([], dtype="datetime64[us]", name="day")
    return pd.date_range(first, last, freq="D", name="day").as_unit("us")


def _week_start(days: pd.Series | pd.DatetimeIndex) -> Any:
    """The Monday of each day's week."""
    index = pd.DatetimeIndex(days)
    return (index - pd.to_timedelta(index.day_of_week, unit="D")).as_unit("us")


def first_activity_day(sessions: pd.DataFrame, checkins: pd.DataFrame) -> pd.Timestamp | None:
    """The first day with a session or a check-in, or ``None`` when there is neither."""
    days = []
    if len(sessions):
        days.append(day_of(sessions["started_at"]).min())
    if len(checkins):
        days.append(day_of(checkins["at"]).min())
    days = [d for d in days if not pd.isna(d)]
    return min(days) if days else None


# -- planned sessions ---------------------------------------------------------------------------
def _schedules(planned: Any) -> list[Any]:
    """Schedules from a Schedule, a Routine, a SavedRoutine, or an iterable of them."""
    if planned is None:
        return []
    if hasattr(planned, "times_on"):
        return [planned]
    if hasattr(planned, "schedule"):
        return [planned.schedule]
    if hasattr(planned, "routine"):
        return [planned.routine.schedule]
    if isinstance(planned, Iterable) and not isinstance(planned, str | bytes | Mapping):
        found: list[Any] = []
        for item in planned:
            found.extend(_schedules(item))
        return found
    raise TypeError(f"cannot read planned sessions from {type(planned).__name__}")


def planned_sessions(planned: Any, start: Any, end: Any) -> pd.Series:
    """Sessions planned on each day from ``start`` to ``end`` (both included).

    ``planned`` is a routine's :class:`~backcare.routine.Schedule`, a routine or saved routine
    (its schedule is used), an iterable of these (their plans add up), a Series or mapping of
    counts by day, or ``None`` (nothing planned). A schedule repeats every week, so each
    weekday is asked once (``Schedule.planned_per_day``) and the answer spread over the range.
    """
    days = _day_range(start, end)
    if isinstance(planned, pd.Series | Mapping):
        counts = pd.Series(planned, dtype="float64")
        counts.index = pd.DatetimeIndex([_as_day(d) for d in counts.index])
        counts = counts.groupby(level=0).sum()
        return counts.reindex(days, fill_value=0).astype("int64").rename("planned")
    schedules = _schedules(planned)
    per_weekday = np.zeros(7, dtype="int64")
    monday = dt.date(2024, 1, 1)  # any Monday: a schedule repeats every week
    for schedule in schedules:
        for weekday in range(7):
            per_weekday[weekday] += int(
                schedule.planned_per_day(monday + dt.timedelta(days=weekday))
            )
    values = per_weekday[np.asarray(days.day_of_week, dtype="int64")] if len(days) else []
    return pd.Series(values, index=days, dtype="int64", name="planned")


# -- adherence ----------------------------------------------------------------------------------
def _done_sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    """Sessions with at least one exercise step done, with their day."""
    if len(sessions) == 0:
        return pd.DataFrame({"day": pd.Series([], dtype="datetime64[us]"), "completion": []})
    done = sessions.loc[pd.to_numeric(sessions["done_steps"], errors="coerce").fillna(0) > 0]
    return pd.DataFrame(
        {
            "day": day_of(done["started_at"]),
            "completion": pd.to_numeric(done["completion"], errors="coerce").clip(0, 1),
        }
    )


def adherence(
    sessions: pd.DataFrame,
    planned: Any,
    start: Any,
    end: Any,
    *,
    by: str = "day",
) -> pd.DataFrame:
    """Sessions done against sessions planned, per day (``by="day"``) or week (``"week"``).

    A session counts as done when at least one of its exercise steps was done. Columns:

    * ``planned``: sessions the schedules plan (see :func:`planned_sessions`);
    * ``done``: sessions done;
    * ``share``: ``done / planned`` (NaN where nothing was planned; may exceed 1);
    * ``completion``: the mean share of each done session's exercise steps completed (NaN
      where none was done);
    * for weeks also ``days``: how many of the week's days fall inside the range.

    Indexed by ``day`` (or ``week``, the Monday), covering ``start`` to ``end``.
    """
    if by not in ("day", "week"):
        raise ValueError("by must be 'day' or 'week'")
    days = _day_range(start, end)
    plan = planned_sessions(planned, start, end)
    done = _done_sessions(sessions)
    done = done.loc[done["day"].isin(days)]
    grouped = done.groupby("day")["completion"]
    daily = pd.DataFrame(
        {
            "planned": plan,
            "done": grouped.size().reindex(days, fill_value=0).astype("int64"),
            "completion_sum": grouped.sum().reindex(days, fill_value=0.0),
        },
        index=days,
    )
    if by == "week":
        daily = daily.assign(days=1)
        frame = daily.groupby(_week_start(daily.index)).sum()
        frame.index = pd.DatetimeIndex(frame.index, name="week")
        columns = ["days", "planned", "done", "share", "completion"]
    else:
        frame = daily
        columns = ["planned", "done", "share", "completion"]
    frame = frame.assign(
        share=(frame["done"] / frame["planned"].where(frame["planned"] > 0)).astype("float64"),
        completion=(frame["completion_sum"] / frame["done"].where(frame["done"] > 0)).astype(
            "float64"
        ),
    )
    return frame[columns]


# -- discomfort trend ---------------------------------------------------------------------------
def discomfort_trend(
    checkins: pd.DataFrame,
    start: Any = None,
    end: Any = None,
    *,
    window_days: int = ROLLING_DAYS,
    baseline_days: int = BASELINE_DAYS,
) -> pd.DataFrame:
    """Daily discomfort, its rolling mean and the change from baseline.

    One row a calendar day from the first to the last day with a score (or from ``start`` to
    ``end`` when given). Columns:

    * ``n``: check-ins that day; ``daily``: their mean score (NaN on days without one);
    * ``rolling``: the mean of the daily means over the last ``window_days`` calendar days
      (days without a score are left out, not counted as zero);
    * ``baseline``: the mean of the daily means of the first ``baseline_days`` days that have a
      score (the same on every row; NaN when there is no score);
    * ``change_points``: ``rolling - baseline`` (negative is better);
    * ``change_percent``: that change as a percentage of the baseline (NaN if the baseline is 0).
    """
    columns = ["n", "daily", "rolling", "baseline", "change_points", "change_percent"]
    scores = pd.DataFrame(
        {
            "day": day_of(checkins["at"]) if len(checkins) else pd.Series([], dtype="M8[us]"),
            "discomfort": pd.to_numeric(checkins["discomfort"], errors="coerce")
            if len(checkins)
            else pd.Series([], dtype="float64"),
        }
    ).dropna()
    if start is not None:
        scores = scores.loc[scores["day"] >= _as_day(start)]
    if end is not None:
        scores = scores.loc[scores["day"] <= _as_day(end)]
    if start is not None and end is not None:
        days = _day_range(start, end)
    elif len(scores):
        days = _day_range(scores["day"].min(), scores["day"].max())
    else:
        return pd.DataFrame(
            {c: pd.Series([], dtype="float64") for c in columns},
            index=pd.DatetimeIndex([], dtype="datetime64[us]", name="day"),
        ).astype({"n": "int64"})
    grouped = scores.groupby("day")["discomfort"]
    daily = grouped.mean().reindex(days)
    counts = grouped.size().reindex(days, fill_value=0).astype("int64")
    rolling = daily.rolling(window_days, min_periods=1).mean()
    with_data = daily.dropna()
    baseline = float(with_data.iloc[:baseline_days].mean()) if len(with_data) else math.nan
    change = rolling - baseline
    percent = change / baseline * 100.0 if baseline > 0 else change * math.nan
    frame = pd.DataFrame(
        {
            "n": counts,
            "daily": daily,
            "rolling": rolling,
            "baseline": baseline,
            "change_points": change,
            "change_percent": percent,
        },
        index=days,
    )
    frame.index.name = "day"
    return frame[columns]


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """How discomfort moved from the baseline to the latest 7-day mean."""

    enough: bool
    baseline: float
    current: float
    change_points: float
    change_percent: float
    days_with_data: int
    important_fall: bool
    important_rise: bool
    rule: ImportantChangeRule
    reason: str = ""

    @property
    def flag(self) -> str:
        """A short label: better / worse by a change that matters, no clear change, or not yet."""
        if not self.enough:
            return "not enough data yet"
        if self.important_fall:
            return "better: a change that matters"
        if self.important_rise:
            return "worse: a change that matters"
        return "no change that matters yet"

    def sentence(self) -> str:
        """The change in plain words."""
        if not self.enough:
            return self.reason
        rule = self.rule
        if abs(self.change_points) < 0.05:
            move = "stayed about the same"
        else:
            direction = "down" if self.change_points < 0 else "up"
            amount = (
                f"{abs(self.change_percent):.0f} %"
                if math.isfinite(self.change_percent)
                else f"{abs(self.change_points):.1f} points"
            )
            move = f"{direction} {amount} ({abs(self.change_points):.1f} points)"
        text = (
            f"Your {ROLLING_DAYS}-day average discomfort went from {self.baseline:.1f} "
            f"to {self.current:.1f}, {move}"
        )
        if self.important_fall:
            fall = self.baseline - self.current
            by_percent = self.baseline > 0 and fall / self.baseline * 100 >= rule.percent - _EPS
            mark = f"{rule.percent:g} %" if by_percent else f"{rule.points:g}-point"
            return f"{text}: above the {mark} mark for a change that matters."
        if self.important_rise:
            return f"{text}: a rise as large as a change that matters, worth talking over."
        return (
            f"{text}: not yet a change that matters "
            f"({rule.points:g} points or {rule.percent:g} % down)."
        )


def important_change(
    trend: pd.DataFrame,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
    *,
    baseline_days: int = BASELINE_DAYS,
    min_days_after: int = MIN_DAYS_PER_GROUP,
) -> ChangeResult:
    """Compare the latest rolling mean of ``trend`` with its baseline under ``rule``.

    Needs the baseline days plus at least ``min_days_after`` more days with a score;
    otherwise the result says "not enough data yet" and how many days are still missing.
    """
    with_data = trend["daily"].dropna() if len(trend) else pd.Series([], dtype="float64")
    count = len(with_data)
    needed = baseline_days + min_days_after
    if count < needed:
        missing = needed - count
        reason = (
            f"Not enough data yet to judge a change: {count} day"
            f"{'' if count == 1 else 's'} with a score so far; {missing} more "
            f"day{'' if missing == 1 else 's'} with a score will do."
        )
        nan = math.nan
        return ChangeResult(False, nan, nan, nan, nan, count, False, False, rule, reason)
    last_day = with_data.index[-1]
    baseline = float(trend["baseline"].iloc[0])
    current = float(trend.loc[last_day, "rolling"])
    change = current - baseline
    percent = change / baseline * 100 if baseline > 0 else math.nan
    return ChangeResult(
        True,
        baseline,
        current,
        change,
        percent,
        count,
        rule.is_important_fall(baseline, current),
        rule.is_important_rise(baseline, current),
        rule,
    )


# -- confidence intervals -----------------------------------------------------------------------
# Two-sided 95 % quantiles of Student's t (the 0.975 point), from standard tables.
_T975 = (
    (1, 12.706),
    (2, 4.303),
    (3, 3.182),
    (4, 2.776),
    (5, 2.571),
    (6, 2.447),
    (7, 2.365),
    (8, 2.306),
    (9, 2.262),
    (10, 2.228),
    (11, 2.201),
    (12, 2.179),
    (13, 2.160),
    (14, 2.145),
    (15, 2.131),
    (16, 2.120),
    (17, 2.110),
    (18, 2.101),
    (19, 2.093),
    (20, 2.086),
    (21, 2.080),
    (22, 2.074),
    (23, 2.069),
    (24, 2.064),
    (25, 2.060),
    (26, 2.056),
    (27, 2.052),
    (28, 2.048),
    (29, 2.045),
    (30, 2.042),
    (40, 2.021),
    (60, 2.000),
    (120, 1.980),
)
_Z975 = 1.959964


def t_quantile_975(df: float) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (table, interpolated).

    Between table rows the value is interpolated linearly in ``1/df``, the usual way to read
    a t table; beyond 120 degrees it approaches the normal 1.96.
    """
    if not df > 0 or not math.isfinite(df):
        return _Z975 if df == math.inf else math.nan
    if df <= 1:
        return _T975[0][1]
    rows = [*_T975, (math.inf, _Z975)]
    for (low_df, low_t), (high_df, high_t) in itertools.pairwise(rows):
        if low_df <= df <= high_df:
            if df == low_df:
                return low_t
            x_low, x_high, x = 1 / low_df, (0.0 if high_df == math.inf else 1 / high_df), 1 / df
            return low_t + (high_t - low_t) * (x_low - x) / (x_low - x_high)
    return _Z975


def _signed(value: float) -> str:
    """``+1.2``, ``-0.4`` or ``0.0`` (never ``-0.0``)."""
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


@dataclass(frozen=True, slots=True)
class Comparison:
    """Mean discomfort in two groups of days (or weeks), with a 95 % interval for the gap.

    ``difference`` is ``mean_a - mean_b``; the interval is Welch's (unequal variances) with
    t quantiles from :func:`t_quantile_975`.
    """

    label_a: str
    label_b: str
    unit: str
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    ci_low: float
    ci_high: float
    minimum: int = MIN_DAYS_PER_GROUP

    @property
    def enough(self) -> bool:
        return self.n_a >= self.minimum and self.n_b >= self.minimum

    def sentence(self) -> str:
        """The comparison in plain words, always as an association."""
        units = f"{self.unit}s"
        if not self.enough:
            return (
                f"Not enough data yet to look for an association between {self.label_a} and "
                f"{self.label_b}: {self.n_a} and {self.n_b} {units} so far, "
                f"at least {self.minimum} of each are needed."
            )
        gap = abs(self.difference)
        if gap < 0.05:
            word = "about the same discomfort as"
        else:
            word = "lower discomfort than" if self.difference < 0 else "higher discomfort than"
        excludes_zero = self.ci_low > 0 or self.ci_high < 0
        certainty = (
            "the interval leaves out zero"
            if excludes_zero
            else "the interval includes zero, so chance alone could explain it"
        )
        return (
            f"{self.label_a.capitalize()} were associated with {word} {self.label_b} "
            f"({self.mean_a:.1f} against {self.mean_b:.1f}; difference {_signed(self.difference)} "
            f"points, 95 % interval {_signed(self.ci_low)} to {_signed(self.ci_high)}; "
            f"{self.n_a} and {self.n_b} {units}; {certainty})."
        )

    def as_row(self) -> dict[str, Any]:
        return {
            "comparison": f"{self.label_a} vs {self.label_b}",
            "n_a": self.n_a,
            "n_b": self.n_b,
            "mean_a": self.mean_a,
            "mean_b": self.mean_b,
            "difference": self.difference,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "enough": self.enough,
        }


def compare_means(
    values_a: Sequence[float] | pd.Series,
    values_b: Sequence[float] | pd.Series,
    label_a: str,
    label_b: str,
    unit: str = "day",
    minimum: int = MIN_DAYS_PER_GROUP,
) -> Comparison:
    """Welch's comparison of two groups' means (NaNs dropped)."""
    a = pd.Series(values_a, dtype="float64").dropna().to_numpy()
    b = pd.Series(values_b, dtype="float64").dropna().to_numpy()
    n_a, n_b = len(a), len(b)
    mean_a = float(a.mean()) if n_a else math.nan
    mean_b = float(b.mean()) if n_b else math.nan
    difference = mean_a - mean_b
    low = high = math.nan
    if n_a >= 2 and n_b >= 2:
        var_a, var_b = float(a.var(ddof=1)) / n_a, float(b.var(ddof=1)) / n_b
        se = math.sqrt(var_a + var_b)
        if se == 0:
            low = high = difference
        else:
            df = (var_a + var_b) ** 2 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
            margin = t_quantile_975(df) * se
            low, high = difference - margin, difference + margin
    return Comparison(
        label_a, label_b, unit, n_a, n_b, mean_a, mean_b, difference, low, high, minimum
    )


@dataclass(frozen=True, slots=True)
class Association:
    """The two comparisons the dashboard shows."""

    next_day: Comparison
    weekly: Comparison

    def sentences(self) -> list[str]:
        return [self.next_day.sentence(), self.weekly.sentence()]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([self.next_day.as_row(), self.weekly.as_row()])


def association(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    planned: Any,
    start: Any,
    end: Any,
    *,
    minimum: int = MIN_DAYS_PER_GROUP,
    high_share: float = HIGH_ADHERENCE_SHARE,
) -> Association:
    """Discomfort next to adherence, as associations.

    * **Next day**: the daily mean score on days that follow a day with a session done,
      against days that follow a day without one (both days inside the range).
    * **Weekly**: the mean score of weeks in which at least ``high_share`` of the planned
      sessions were done, against weeks with less (weeks with nothing planned are left out).

    Each is a :class:`Comparison`; below ``minimum`` days (or weeks) in a group it reports
    "not enough data yet".
    """
    trend = discomfort_trend(checkins, start, end)
    daily_scores = trend["daily"]
    days = _day_range(start, end)
    done_by_day = adherence(sessions, planned, start, end)["done"]
    after_session = done_by_day.shift(1).reindex(days)
    scored = daily_scores.reindex(days)
    usable = scored.notna() & after_session.notna()
    next_day = compare_means(
        scored[usable & (after_session > 0)],
        scored[usable & (after_session == 0)],
        "days after a session",
        "days after none",
        "day",
        minimum,
    )
    weeks = adherence(sessions, planned, start, end, by="week")
    weekly_scores = daily_scores.groupby(_week_start(daily_scores.index)).mean()
    weekly_scores.index = pd.DatetimeIndex(weekly_scores.index, name="week")
    joined = weeks.assign(discomfort=weekly_scores.reindex(weeks.index)).dropna(
        subset=["share", "discomfort"]
    )
    high = joined["share"] >= high_share - _EPS
    weekly = compare_means(
        joined.loc[high, "discomfort"],
        joined.loc[~high, "discomfort"],
        f"weeks with at least {high_share:.0%} of the plan done".replace("%", " %"),
        "weeks with less",
        "week",
        minimum,
    )
    return Association(next_day, weekly)


# -- per exercise and per group ----------------------------------------------------------------
def discomfort_after_sessions(
    sessions: pd.DataFrame, checkins: pd.DataFrame, *, hours: float = AFTER_SESSION_HOURS
) -> pd.Series:
    """The discomfort reported after each session, indexed by ``session_id``.

    A check-in marked ``context="after"`` for the session wins; otherwise the first check-in
    (not marked "before") within ``hours`` of the session's start. NaN when there is none.
    """
    if len(sessions) == 0:
        return pd.Series([], dtype="float64", name="discomfort_after")
    result = pd.Series(math.nan, index=pd.Index(sessions["session_id"]), name="discomfort_after")
    if len(checkins) == 0:
        return result
    scores = checkins.assign(discomfort=pd.to_numeric(checkins["discomfort"], errors="coerce"))
    linked = scores.loc[(scores["context"] == "after") & scores["session_id"].notna()]
    linked_mean = linked.groupby("session_id")["discomfort"].mean()
    linked_mean.index = linked_mean.index.astype(result.index.dtype, copy=False)
    # nearest following check-in for sessions without a linked one
    left = pd.DataFrame(
        {
            "session_id": sessions["session_id"].to_numpy(),
            "person_id": sessions["person_id"].to_numpy(),
            "t": _utc(sessions["started_at"]),
        }
    ).sort_values("t")
    right = pd.DataFrame(
        {
            "person_id": scores["person_id"].to_numpy(),
            "t": _utc(scores["at"]),
            "score": scores["discomfort"].to_numpy(),
        }
    ).loc[(scores["context"] != "before").to_numpy()]
    right = right.dropna().sort_values("t")
    if len(right):
        merged = pd.merge_asof(
            left,
            right,
            on="t",
            by="person_id",
            direction="forward",
            tolerance=pd.Timedelta(hours=hours),
        )
        result = pd.Series(
            merged["score"].to_numpy(dtype="float64"),
            index=pd.Index(merged["session_id"]),
            name="discomfort_after",
        ).reindex(result.index)
    return linked_mean.reindex(result.index).fillna(result).rename("discomfort_after")


def _utc(times: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(times, utc=True)
    return pd.Series(stamps.to_numpy(), dtype="datetime64[us, UTC]")


def _per_item(
    steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame, key: str, name: str
) -> pd.DataFrame:
    columns = [
        "sessions_planned",
        "sessions_done",
        "share_done",
        "steps_planned",
        "steps_done",
        "discomfort_after_with",
        "discomfort_after_without",
    ]
    work = steps.loc[steps[key].notna() & (steps[key].astype(str) != "")] if len(steps) else steps
    if len(work) == 0:
        return pd.DataFrame(
            {c: pd.Series([], dtype="float64") for c in columns},
            index=pd.Index([], name=name, dtype="object"),
        )
    work = work.assign(is_done=(work["status"] == "done"))
    per_session = work.groupby([key, "session_id"])["is_done"].agg(["size", "sum"])
    per_session = per_session.rename(columns={"size": "planned_steps", "sum": "done_steps"})
    per_session = per_session.assign(done=per_session["done_steps"] > 0)
    after = discomfort_after_sessions(sessions, checkins)
    per_session = per_session.assign(
        after=after.reindex(per_session.index.get_level_values("session_id")).to_numpy()
    )
    grouped = per_session.groupby(level=0)
    frame = pd.DataFrame(
        {
            "sessions_planned": grouped.size(),
            "sessions_done": grouped["done"].sum(),
            "steps_planned": grouped["planned_steps"].sum(),
            "steps_done": grouped["done_steps"].sum(),
        }
    )
    frame = frame.assign(share_done=frame["sessions_done"] / frame["sessions_planned"])
    done_rows = per_session.loc[per_session["done"]]
    with_mean = done_rows.groupby(level=0)["after"].mean()
    # sessions done that did not include the item (for a fair comparison)
    done_sessions = after.index[after.index.isin(done_rows.index.get_level_values("session_id"))]
    after_done = after.reindex(done_sessions)
    without = {}
    for item, rows in done_rows.groupby(level=0):
        included = rows.index.get_level_values("session_id")
        without[item] = float(after_done.loc[~after_done.index.isin(included)].mean())
    frame = frame.assign(
        discomfort_after_with=with_mean.reindex(frame.index),
        discomfort_after_without=pd.Series(without, dtype="float64").reindex(frame.index),
    )
    frame.index.name = name
    return frame[columns]


def by_exercise(
    steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame
) -> pd.DataFrame:
    """Per exercise: sessions that planned it, sessions that did it, and discomfort after.

    ``share_done`` is sessions done over sessions planned; ``discomfort_after_with`` is the mean
    score after done sessions that included the exercise, ``discomfort_after_without`` after
    done sessions that did not (see :func:`discomfort_after_sessions`).
    """
    work = steps.loc[steps["exercise_id"].notna()] if len(steps) else steps
    if len(work) and "kind" in work:
        work = work.loc[work["kind"].isin(["hold", "reps"])]
    return _per_item(work, sessions, checkins, "exercise_id", "exercise_id")


def by_group(steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame) -> pd.DataFrame:
    """Like :func:`by_exercise`, per exercise group; ``steps_done / steps_planned`` is the
    group's adherence (its share of planned exercise steps done)."""
    work = steps.loc[steps["group"].notna()] if len(steps) else steps
    if len(work) and "kind" in work:
        work = work.loc[work["kind"].isin(["hold", "reps"])]
    frame = _per_item(work, sessions, checkins, "group", "group")
    return frame.assign(
        adherence=(frame["steps_done"] / frame["steps_planned"].where(frame["steps_planned"] > 0))
    )


# -- tables and words ---------------------------------------------------------------------------
def daily_table(trend: pd.DataFrame, daily_adherence: pd.DataFrame) -> pd.DataFrame:
    """The numbers the dashboard shows, one row a day (what the CSV download holds)."""
    days = trend.index.union(daily_adherence.index)
    table = pd.DataFrame(index=days)
    table.index.name = "day"
    table = table.join(trend[["n", "daily", "rolling", "baseline", "change_points"]]).join(
        daily_adherence[["planned", "done", "share", "completion"]]
    )
    return table.rename(
        columns={
            "n": "checkins",
            "daily": "discomfort_mean",
            "rolling": f"discomfort_{ROLLING_DAYS}day_mean",
            "baseline": "discomfort_baseline",
            "change_points": "change_from_baseline",
            "planned": "sessions_planned",
            "done": "sessions_done",
            "share": "sessions_share",
            "completion": "session_completion",
        }
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_sentences(
    daily_adherence: pd.DataFrame,
    change: ChangeResult,
    assoc: Association | None = None,
    *,
    period: str = "In the period shown",
) -> list[str]:
    """The plain-words summary: adherence, the change in discomfort, and the associations.

    ``period`` opens the first sentence ("In the last 4 weeks").
    """
    planned = int(daily_adherence["planned"].sum()) if len(daily_adherence) else 0
    done = int(daily_adherence["done"].sum()) if len(daily_adherence) else 0
    sentences = []
    if planned:
        share = done / planned * 100
        text = f"{period} you did {done} of {_plural(planned, 'planned session')} ({share:.0f} %)."
    elif done:
        text = f"{period} you did {_plural(done, 'session')}; no routine schedule planned any."
    else:
        text = f"{period} there are no sessions planned or done yet."
    completion = daily_adherence["completion"].dropna() if len(daily_adherence) else []
    if done and len(completion):
        weights = daily_adherence.loc[completion.index, "done"]
        mean_completion = float((completion * weights).sum() / weights.sum()) * 100
        text += f" On average you finished {mean_completion:.0f} % of each session you started."
    sentences.append(text)
    sentences.append(change.sentence())
    if assoc is not None:
        sentences.extend(assoc.sentences())
    return sentences


def trainer_overview(
    people: Mapping[int, str] | Iterable[Any],
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    planned_by_person: Mapping[int, Any],
    today: Any,
    *,
    weeks: int = 4,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
) -> pd.DataFrame:
    """One row a person: last session, adherence over the last ``weeks`` weeks up to
    ``today``, the change in discomfort from baseline and its flag.

    ``people`` maps person ids to names (or is a list of objects with ``id`` and ``name``);
    ``planned_by_person`` maps a person id to what :func:`planned_sessions` accepts. The
    adherence window starts no earlier than the person's first session or check-in.
    """
    if isinstance(people, Mapping):
        names = {int(k): str(v) for k, v in people.items()}
    else:
        names = {int(p.id): str(p.name) for p in people}
    end = _as_day(today)
    window_start = end - pd.Timedelta(days=7 * weeks - 1)
    checkins_by = dict(tuple(checkins.groupby("person_id"))) if len(checkins) else {}
    sessions_by = dict(tuple(sessions.groupby("person_id"))) if len(sessions) else {}
    rows = []
    for person_id, name in names.items():
        person_checkins = checkins_by.get(person_id, checkins.iloc[0:0])
        person_sessions = sessions_by.get(person_id, sessions.iloc[0:0])
        done = _done_sessions(person_sessions)
        last = done["day"].max() if len(done) else pd.NaT
        first = first_activity_day(person_sessions, person_checkins)
        start = max(window_start, first) if first is not None else end + pd.Timedelta(days=1)
        if start <= end:
            table = adherence(person_sessions, planned_by_person.get(person_id), start, end)
            planned, done_count = int(table["planned"].sum()), int(table["done"].sum())
        else:
            planned = done_count = 0
        change = important_change(discomfort_trend(person_checkins), rule)
        rows.append(
            {
                "person_id": person_id,
                "name": name,
                "last_session": last,
                f"done_{weeks}w": done_count,
                f"planned_{weeks}w": planned,
                f"adherence_{weeks}w": done_count / planned if planned else math.nan,
                "baseline": change.baseline,
                "current": change.current,
                "change_points": change.change_points,
                "change_percent": change.change_percent,
                "flag": change.flag,
            }
        )
    columns = [
        "person_id",
        "name",
        "last_session",
        f"done_{weeks}w",
        f"planned_{weeks}w",
        f"adherence_{weeks}w",
        "baseline",
        "current",
        "change_points",
        "change_percent",
        "flag",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"last_session": "datetime64[us]"})
