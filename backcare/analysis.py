"""Numbers behind the progress dashboard: pure pandas functions, no figures, no widgets.

Every function takes the DataFrames the store hands out (:meth:`Store.checkins_frame`,
:meth:`Store.sessions_frame`, :meth:`Store.steps_frame`) for one person and returns a new
DataFrame or a small frozen result. Nothing is changed in place and nothing is kept between
calls, so the same frames can feed several views at once.

What is computed:

* **Adherence** (:func:`adherence`): sessions done against sessions planned by the person's
  routine schedules (a saved routine plans from the day it was saved on), per day or per
  week, and how much of each session was completed.
* **Discomfort trend** (:func:`discomfort_trend`): the daily mean of the 0-10 scores, a 7-day
  rolling mean, the baseline (the person's starting level: the mean of their first 7 days
  that have a score, whatever period is shown) and the change from it in points and percent.
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
* **Everyone at once** (:func:`person_reports`): all of the above for every person in one pass
  over the store's frames, with the same numbers as the single-person functions.

The work is done on numpy arrays (day numbers, bincounts, sorted searches) rather than with a
groupby or merge per call; where floats are summed, the order and method follow what pandas
itself would do, so results agree with the plain pandas formulation to the last bit.

Days are calendar days on the clock the time stamps were written in (a check-in at 23:30
local time counts for that evening, whatever the offset).
"""

from __future__ import annotations

import contextlib
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
    "PersonReport",
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
    "person_reports",
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
# Internally a day is a whole number: days since 1970-01-01 on the time stamp's own clock.
# Missing time stamps get _NO_DAY, which sorts before every real day, so range checks drop them.
_NO_DAY = np.iinfo(np.int64).min
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday is 0)


def day_of(times: pd.Series) -> pd.Series:
    """The calendar day of each time stamp, on its own clock, as naive midnight timestamps."""
    if len(times) == 0:
        return pd.Series([], index=times.index, dtype="datetime64[us]")
    if _is_datetime(times):
        return pd.Series(_stamps(_day_numbers(times)), index=times.index, name=times.name)
    # mixed offsets come as objects: take each one's wall-clock date
    days = pd.to_datetime(times.map(lambda t: None if pd.isna(t) else _as_day(t)), errors="coerce")
    return days.astype("datetime64[us]")


def _is_datetime(times: pd.Series) -> bool:
    return isinstance(times.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        times.dtype
    )


def _day_numbers(times: pd.Series) -> np.ndarray:
    """Day numbers (int64) of the time stamps on their own clock; ``_NO_DAY`` where missing."""
    if len(times) == 0:
        return np.zeros(0, dtype="int64")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        wall = np.asarray(times.array.tz_localize(None))
    elif pd.api.types.is_datetime64_dtype(times.dtype):
        wall = times.to_numpy()
    else:
        wall = day_of(times).to_numpy()
    return wall.astype("datetime64[D]").view("int64")


def _stamps(day_numbers: np.ndarray) -> np.ndarray:
    """Day numbers back to naive midnight ``datetime64[us]`` values (NaT for ``_NO_DAY``)."""
    return np.asarray(day_numbers, dtype="int64").view("datetime64[D]").astype("datetime64[us]")


def _day_number(value: Any) -> int:
    return _as_day(value).toordinal() - _EPOCH_ORDINAL


def _stamp(day_number: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day_number), "D")).as_unit("us")


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


def _weekdays(first_day: int, count: int) -> np.ndarray:
    """Weekday (Monday 0) of ``count`` days from day number ``first_day`` on."""
    return (np.arange(first_day, first_day + count, dtype="int64") + _EPOCH_WEEKDAY) % 7


def _numbers(values: pd.Series) -> np.ndarray:
    """A column as float64 (anything that is not a number becomes NaN)."""
    if pd.api.types.is_float_dtype(values.dtype) and isinstance(values.dtype, np.dtype):
        return values.to_numpy()
    numeric = pd.to_numeric(values, errors="coerce")
    return numeric.to_numpy(dtype="float64", na_value=np.nan)


def _equals(values: pd.Series, text: str) -> np.ndarray:
    """Which entries of a column equal ``text`` (missing ones do not), as a numpy bool array.

    Compared on the column's numpy values: for text columns that is several times quicker than
    the pandas comparison, which checks every entry for missing values first.
    """
    raw = values.to_numpy()
    if raw.dtype == object:
        with contextlib.suppress(TypeError):  # pd.NA cannot be compared this way
            found = raw == text
            if isinstance(found, np.ndarray) and found.shape == raw.shape:
                return found.astype(bool, copy=False)
    return (values == text).to_numpy(dtype=bool, na_value=False)


def _present(values: pd.Series) -> np.ndarray:
    """Which entries of a column are not missing, as a numpy bool array."""
    raw = values.to_numpy()
    if raw.dtype == object:
        return ~pd.isna(raw)
    return values.notna().to_numpy()


def _group_sums(labels: np.ndarray, values: np.ndarray, groups: int) -> tuple[Any, Any]:
    """Sums and counts of the non-NaN ``values`` in each of ``groups`` groups (``labels`` are
    the group numbers, 0 to ``groups - 1``).

    Whole numbers add up exactly in any order, so those are counted with :func:`numpy.bincount`.
    Other values go through ``groupby().sum()`` with the rows in the order given, so the result
    is what pandas gives to the last bit (pandas adds differently depending on whether the
    labels are sorted and whether there are NaNs).
    """
    present = ~np.isnan(values)
    counts = np.bincount(labels[present], minlength=groups)
    numbers = values[present]
    if bool(np.all(numbers == np.round(numbers))) and float(np.abs(numbers).sum()) < 2.0**52:
        return np.bincount(labels[present], weights=numbers, minlength=groups), counts
    sums = pd.Series(values, copy=False).groupby(labels).sum()
    return sums.reindex(range(groups), fill_value=0.0).to_numpy(), counts


def _group_means(labels: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Mean of the non-NaN ``values`` in each group (NaN for a group without any)."""
    sums, counts = _group_sums(labels, values, groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _nan_mean(values: np.ndarray) -> float:
    """The mean of the non-NaN values, added as :meth:`pandas.Series.mean` adds them."""
    missing = np.isnan(values)
    count = len(values) - int(missing.sum())
    if count == 0:
        return math.nan
    return float(np.where(missing, 0.0, values).sum() / count)


def first_activity_day(sessions: pd.DataFrame, checkins: pd.DataFrame) -> pd.Timestamp | None:
    """The first day with a session or a check-in, or ``None`` when there is neither."""
    first = _first_day(sessions, checkins)
    return None if first is None else _stamp(first)


def _first_day(sessions: pd.DataFrame, checkins: pd.DataFrame) -> int | None:
    found = []
    for frame, column in ((sessions, "started_at"), (checkins, "at")):
        if len(frame):
            days = _day_numbers(frame[column])
            days = days[days != _NO_DAY]
            if len(days):
                found.append(int(days.min()))
    return min(found) if found else None


# -- planned sessions ---------------------------------------------------------------------------
def _schedules(planned: Any) -> list[tuple[Any, int | None]]:
    """(schedule, first day) pairs from a Schedule, a Routine, a SavedRoutine, or an iterable
    of them.

    The first day is the day number from which the schedule plans sessions: for a saved
    routine the day it was saved (``saved_at``, on its own clock), since nothing was planned
    before the person had the routine; ``None`` (every day) for a plain schedule or routine.
    """
    if planned is None:
        return []
    if hasattr(planned, "times_on"):
        return [(planned, None)]
    if hasattr(planned, "schedule"):
        return [(planned.schedule, None)]
    if hasattr(planned, "routine"):
        saved_at = getattr(planned, "saved_at", None)
        first = None if saved_at is None or pd.isna(saved_at) else _day_number(saved_at)
        return [(planned.routine.schedule, first)]
    if isinstance(planned, Iterable) and not isinstance(planned, str | bytes | Mapping):
        found: list[tuple[Any, int | None]] = []
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
    A saved routine (:class:`~backcare.store.SavedRoutine`) plans sessions only from the day
    it was saved (``saved_at``) on; a plain schedule or routine plans every day of the range.
    """
    days = _day_range(start, end)
    return pd.Series(_planned_on(planned, days), index=days, dtype="int64", name="planned")


def _planned_on(planned: Any, days: pd.DatetimeIndex) -> np.ndarray:
    """Sessions planned on each of ``days`` (consecutive days), as int64."""
    if isinstance(planned, pd.Series | Mapping):
        counts = pd.Series(planned, dtype="float64")
        counts.index = pd.DatetimeIndex([_as_day(d) for d in counts.index])
        counts = counts.groupby(level=0).sum()
        return counts.reindex(days, fill_value=0).astype("int64").to_numpy()
    total = np.zeros(len(days), dtype="int64")
    if len(days) == 0:
        return total
    first = _day_number(days[0])
    weekdays = _weekdays(first, len(days))
    for from_day, per_weekday in _per_weekday(planned).items():
        counts = per_weekday[weekdays]
        if from_day is not None and from_day > first:
            counts[: min(from_day - first, len(days))] = 0
        total += counts
    return total


def _per_weekday(planned: Any) -> dict[int | None, np.ndarray]:
    """Sessions the schedules plan on each weekday (Monday first), by the first day they plan
    anything (``None``: every day)."""
    found: dict[int | None, np.ndarray] = {}
    monday = dt.date(2024, 1, 1)  # any Monday: a schedule repeats every week
    for schedule, from_day in _schedules(planned):
        per_weekday = found.setdefault(from_day, np.zeros(7, dtype="int64"))
        for weekday in range(7):
            per_weekday[weekday] += int(
                schedule.planned_per_day(monday + dt.timedelta(days=weekday))
            )
    return found


# -- adherence ----------------------------------------------------------------------------------
def _done_sessions(sessions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers and completion (clipped to 0-1) of the sessions with an exercise step done."""
    if len(sessions) == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0)
    done = np.nan_to_num(_numbers(sessions["done_steps"]), nan=0.0) > 0
    completion = np.clip(_numbers(sessions["completion"])[done], 0, 1)
    return _day_numbers(sessions["started_at"])[done], completion


@dataclass(frozen=True, slots=True)
class _Daily:
    """Plan and sessions done on each day of a range (the arrays behind :func:`adherence`)."""

    days: pd.DatetimeIndex
    first: int  # day number of days[0]
    planned: np.ndarray
    done: np.ndarray
    completion_sum: np.ndarray

    @classmethod
    def build(cls, sessions: pd.DataFrame, planned: Any, start: Any, end: Any) -> _Daily:
        days = _day_range(start, end)
        done_days, completion = _done_sessions(sessions)
        return cls.from_days(days, _planned_on(planned, days), done_days, completion)

    @classmethod
    def from_days(
        cls, days: pd.DatetimeIndex, planned: np.ndarray, done_days: np.ndarray, completion: Any
    ) -> _Daily:
        count = len(days)
        first = _day_number(days[0]) if count else 0
        inside = (done_days >= first) & (done_days < first + count)
        position = done_days[inside] - first
        completion_sum, _ = _group_sums(position, completion[inside], count)
        return cls(
            days,
            first,
            planned,
            np.bincount(position, minlength=count).astype("int64"),
            completion_sum,
        )

    def week_labels(self) -> np.ndarray:
        """Which week (0 for the first) each day falls in; weeks start on Monday."""
        offset = (self.first + _EPOCH_WEEKDAY) % 7
        return (np.arange(len(self.days)) + offset) // 7

    def weeks(self) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
        """The weeks' Mondays, each week's first position in the days, and the week labels."""
        labels = self.week_labels()
        count = int(labels[-1]) + 1 if len(labels) else 0
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]) if count else labels
        monday = self.first - (self.first + _EPOCH_WEEKDAY) % 7
        mondays = _stamps(monday + 7 * np.arange(count, dtype="int64"))
        return pd.DatetimeIndex(mondays, name="week"), starts, labels


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``top / bottom``, NaN where ``bottom`` is not above 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


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
    return _adherence_frame(_Daily.build(sessions, planned, start, end), by)


def _adherence_frame(daily: _Daily, by: str) -> pd.DataFrame:
    if by == "day":
        return pd.DataFrame(
            {
                "planned": daily.planned,
                "done": daily.done,
                "share": _ratio(daily.done, daily.planned),
                "completion": _ratio(daily.completion_sum, daily.done),
            },
            index=daily.days,
        )
    weeks, starts, labels = daily.weeks()
    if len(weeks) == 0:
        empty = np.zeros(0, dtype="int64")
        days = planned = done = empty
        completion_sum = np.zeros(0)
    else:
        days = np.diff(np.r_[starts, len(labels)]).astype("int64")
        planned = np.add.reduceat(daily.planned, starts)
        done = np.add.reduceat(daily.done, starts)
        completion_sum, _ = _group_sums(labels, daily.completion_sum, len(weeks))
    return pd.DataFrame(
        {
            "days": days,
            "planned": planned,
            "done": done,
            "share": _ratio(done, planned),
            "completion": _ratio(completion_sum, done),
        },
        index=weeks,
    )


# -- discomfort trend ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Scores:
    """Daily discomfort over a range of consecutive days (the arrays behind the trend)."""

    days: pd.DatetimeIndex
    first: int  # day number of days[0]
    counts: np.ndarray
    daily: np.ndarray  # NaN on days without a score

    @classmethod
    def build(cls, checkins: pd.DataFrame, start: Any = None, end: Any = None) -> _Scores | None:
        """``None`` when neither a range nor any score gives the days to cover."""
        day_numbers, scores = _scored(checkins)
        keep = np.ones(len(day_numbers), dtype=bool)
        if start is not None:
            keep &= day_numbers >= _day_number(start)
        if end is not None:
            keep &= day_numbers <= _day_number(end)
        day_numbers, scores = day_numbers[keep], scores[keep]
        if start is not None and end is not None:
            days = _day_range(start, end)
        elif len(day_numbers):
            days = _day_range(_stamp(day_numbers.min()), _stamp(day_numbers.max()))
        else:
            return None
        return cls.from_days(days, day_numbers, scores)

    @classmethod
    def from_days(cls, days: pd.DatetimeIndex, day_numbers: np.ndarray, scores: np.ndarray):
        count = len(days)
        first = _day_number(days[0]) if count else 0
        inside = (day_numbers >= first) & (day_numbers < first + count)
        position = day_numbers[inside] - first
        return cls(
            days,
            first,
            np.bincount(position, minlength=count).astype("int64"),
            _group_means(position, scores[inside], count),
        )

    def rolling(self, window_days: int) -> np.ndarray:
        series = pd.Series(self.daily, index=self.days, copy=False)
        return series.rolling(window_days, min_periods=1).mean().to_numpy()

    def day_numbers(self) -> np.ndarray:
        return np.arange(self.first, self.first + len(self.days), dtype="int64")


def _scored(checkins: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers and scores of the check-ins that have both."""
    if len(checkins) == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0)
    day_numbers = _day_numbers(checkins["at"])
    scores = _numbers(checkins["discomfort"])
    keep = (day_numbers != _NO_DAY) & ~np.isnan(scores)
    return day_numbers[keep], scores[keep]


@dataclass(frozen=True, slots=True)
class _Baseline:
    """The starting level: the mean of the daily means of a person's first days with a score.

    Always taken from all of the person's scores, whatever period is shown, so every view
    measures change from the same starting level.
    """

    level: float  # NaN without any score
    days: int  # days with a score it averages (fewer than wanted while there are fewer)
    last_day: int  # day number of the last of them (_NO_DAY without any)

    @classmethod
    def of(cls, day_numbers: np.ndarray, scores: np.ndarray, baseline_days: int) -> _Baseline:
        """From the day numbers and scores of usable check-ins (see :func:`_scored`)."""
        first_days = np.unique(day_numbers)[:baseline_days]
        if len(first_days) == 0:
            return cls(math.nan, 0, int(_NO_DAY))
        inside = day_numbers <= first_days[-1]
        labels = np.searchsorted(first_days, day_numbers[inside])
        means = _group_means(labels, scores[inside], len(first_days))
        return cls(float(means.sum() / len(means)), len(first_days), int(first_days[-1]))

    def after(self, day_numbers: np.ndarray, baseline_days: int) -> np.ndarray:
        """Which of the days come after a complete baseline (all False while incomplete)."""
        if self.days < baseline_days:
            return np.zeros(len(day_numbers), dtype=bool)
        return day_numbers > self.last_day


def _empty_trend(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series([], dtype="float64") for c in columns},
        index=pd.DatetimeIndex([], dtype="datetime64[us]", name="day"),
    ).astype({"n": "int64", "baseline_days": "int64", "after_baseline": "bool"})


def discomfort_trend(
    checkins: pd.DataFrame,
    start: Any = None,
    end: Any = None,
    *,
    window_days: int = ROLLING_DAYS,
    baseline_days: int = BASELINE_DAYS,
) -> pd.DataFrame:
    """Daily discomfort, its rolling mean and the change from the starting level (baseline).

    ``checkins`` are one person's check-ins, all of them: the baseline is always their
    starting level, taken from all their scores, so a period that starts later is still
    compared with where the person began. One row a calendar day from the first to the last
    day with a score (or from ``start`` to ``end`` when given). Columns:

    * ``n``: check-ins that day; ``daily``: their mean score (NaN on days without one);
    * ``rolling``: the mean of the daily means over the last ``window_days`` calendar days of
      the period (days without a score are left out, not counted as zero);
    * ``baseline``: the mean of the daily means of the person's first ``baseline_days`` days
      that have a score, before or inside the period (the same on every row; NaN when there
      is no score);
    * ``change_points``: ``rolling - baseline`` (negative is better);
    * ``change_percent``: that change as a percentage of the baseline (NaN if the baseline is 0);
    * ``baseline_days``: how many days with a score the baseline averages (the same on every
      row; fewer than ``baseline_days`` while the person has fewer);
    * ``after_baseline``: the day comes after a complete baseline (what
      :func:`important_change` counts).
    """
    columns = ["n", "daily", "rolling", "baseline", "change_points", "change_percent"]
    columns += ["baseline_days", "after_baseline"]
    scores = _Scores.build(checkins, start, end)
    if scores is None:
        return _empty_trend(columns)
    baseline = _Baseline.of(*_scored(checkins), baseline_days)
    return _trend_frame(scores, window_days, baseline, baseline_days)


def _trend_frame(
    scores: _Scores, window_days: int, baseline: _Baseline, baseline_days: int
) -> pd.DataFrame:
    rolling = scores.rolling(window_days)
    level = baseline.level
    change = rolling - level
    percent = change / level * 100.0 if level > 0 else change * math.nan
    count = len(scores.days)
    return pd.DataFrame(
        {
            "n": scores.counts,
            "daily": scores.daily,
            "rolling": rolling,
            "baseline": np.full(count, level),
            "change_points": change,
            "change_percent": percent,
            "baseline_days": np.full(count, baseline.days, dtype="int64"),
            "after_baseline": baseline.after(scores.day_numbers(), baseline_days),
        },
        index=scores.days,
    )


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """How discomfort moved from the starting level (baseline) to the latest 7-day mean.

    ``days_with_data`` counts the days with a score in the period looked at;
    ``baseline_days`` is how many first days with a score make up the starting level.
    """

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
    baseline_days: int = BASELINE_DAYS

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
        first = (
            "your first day with a score"
            if self.baseline_days == 1
            else f"your first {self.baseline_days} days with a score"
        )
        text = (
            f"Your discomfort went from a starting level of {self.baseline:.1f} (the average "
            f"of {first}) to a {ROLLING_DAYS}-day average of {self.current:.1f}, {move}"
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

    Needs a complete baseline (``baseline_days`` days with a score) and at least
    ``min_days_after`` days with a score in ``trend`` after those; otherwise the result says
    "not enough data yet" and how many days are still missing. A trend without the
    ``baseline_days``/``after_baseline`` columns is taken to start at the first score.
    """
    if len(trend) == 0:
        return _change(
            np.zeros(0),
            np.zeros(0),
            math.nan,
            0,
            np.zeros(0, dtype=bool),
            rule,
            baseline_days,
            min_days_after,
        )
    daily = trend["daily"].to_numpy(dtype="float64")
    if "baseline_days" in trend and "after_baseline" in trend:
        baseline_count = int(trend["baseline_days"].iloc[0])
        after = trend["after_baseline"].to_numpy(dtype=bool)
    else:
        with_data = np.flatnonzero(~np.isnan(daily))
        baseline_count = min(len(with_data), baseline_days)
        after = np.zeros(len(daily), dtype=bool)
        if len(with_data) > baseline_days:
            after[with_data[baseline_days] :] = True
    return _change(
        daily,
        trend["rolling"].to_numpy(dtype="float64"),
        float(trend["baseline"].iloc[0]),
        baseline_count,
        after,
        rule,
        baseline_days,
        min_days_after,
    )


def _change(
    daily: np.ndarray,
    rolling: np.ndarray,
    baseline: float,
    baseline_count: int,
    after_baseline: np.ndarray,
    rule: ImportantChangeRule,
    baseline_days: int,
    min_days_after: int,
) -> ChangeResult:
    """The change from ``baseline`` (averaging ``baseline_count`` days) to the last rolling
    mean; ``after_baseline`` marks the days that come after a complete baseline."""
    has_score = ~np.isnan(daily)
    with_data = np.flatnonzero(has_score)
    count = len(with_data)
    after = int((has_score & after_baseline).sum())
    if baseline_count < baseline_days or after < min_days_after:
        if baseline_count < baseline_days:
            missing = baseline_days + min_days_after - baseline_count
            reason = (
                f"Not enough data yet to judge a change: {_plural(baseline_count, 'day')} "
                f"with a score so far; {missing} more {_plural_word(missing, 'day')} with a "
                "score will do."
            )
        else:
            missing = min_days_after - after
            reason = (
                f"Not enough data yet to judge a change in this period: "
                f"{_plural(after, 'day')} with a score after your first {baseline_days}; "
                f"{missing} more {_plural_word(missing, 'day')} with a score will do."
            )
        nan = math.nan
        return ChangeResult(
            False, nan, nan, nan, nan, count, False, False, rule, reason, baseline_days
        )
    current = float(rolling[with_data[-1]])
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
        "",
        baseline_days,
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
    a, b = _finite_values(values_a), _finite_values(values_b)
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


def _finite_values(values: Sequence[float] | pd.Series | np.ndarray) -> np.ndarray:
    """The values as float64, NaNs dropped."""
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1:
        return values[~np.isnan(values)]
    return pd.Series(values, dtype="float64").dropna().to_numpy()


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
    daily = _Daily.build(sessions, planned, start, end)
    return _association(daily, _Scores.build(checkins, start, end), minimum, high_share)


def _association(
    daily: _Daily, scores: _Scores | None, minimum: int, high_share: float
) -> Association:
    scored = scores.daily if scores is not None else np.full(len(daily.days), np.nan)
    after_session = np.r_[np.nan, daily.done[:-1]] if len(daily.days) else np.zeros(0)
    usable = ~np.isnan(scored) & ~np.isnan(after_session)
    next_day = compare_means(
        scored[usable & (after_session > 0)],
        scored[usable & (after_session == 0)],
        "days after a session",
        "days after none",
        "day",
        minimum,
    )
    weeks, starts, labels = daily.weeks()
    if len(weeks):
        share = _ratio(np.add.reduceat(daily.done, starts), np.add.reduceat(daily.planned, starts))
        weekly_scores = _group_means(labels, scored, len(weeks))
    else:
        share = weekly_scores = np.zeros(0)
    usable = ~np.isnan(share) & ~np.isnan(weekly_scores)
    high = share >= high_share - _EPS
    weekly = compare_means(
        weekly_scores[usable & high],
        weekly_scores[usable & ~high],
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
    index = pd.Index(sessions["session_id"])
    if len(checkins) == 0:
        return pd.Series(np.full(len(sessions), np.nan), index=index, name="discomfort_after")
    values = _after(
        sessions["person_id"].to_numpy(),
        _utc_microseconds(sessions["started_at"]),
        index,
        _CheckinColumns.of(checkins),
        hours,
    )
    return pd.Series(values, index=index, name="discomfort_after")


@dataclass(frozen=True, slots=True)
class _CheckinColumns:
    """What :func:`discomfort_after_sessions` reads from the check-ins, as numpy arrays."""

    people: np.ndarray
    times: np.ndarray  # microseconds since 1970 UTC
    scores: np.ndarray
    usable: np.ndarray  # may be the check-in that follows a session
    linked: np.ndarray  # marked "after" for a session
    linked_ids: np.ndarray  # that session's id

    @classmethod
    def of(cls, checkins: pd.DataFrame) -> _CheckinColumns:
        scores = _numbers(checkins["discomfort"])
        context = checkins["context"]
        usable = ~_equals(context, "before") & ~np.isnan(scores)
        people = checkins["person_id"].to_numpy()
        if people.dtype.kind == "f":
            usable = usable & ~np.isnan(people)
        times = _utc_microseconds(checkins["at"])
        usable = usable & (times != _NO_DAY)
        linked = _equals(context, "after") & _present(checkins["session_id"])
        return cls(people, times, scores, usable, linked, checkins["session_id"].to_numpy())

    def take(self, rows: Any) -> _CheckinColumns:
        return _CheckinColumns(
            self.people[rows],
            self.times[rows],
            self.scores[rows],
            self.usable[rows],
            self.linked[rows],
            self.linked_ids[rows],
        )


def _after(
    people: np.ndarray,
    times: np.ndarray,
    index: pd.Index,
    checkins: _CheckinColumns,
    hours: float,
) -> np.ndarray:
    """The values of :func:`discomfort_after_sessions` for sessions given by column."""
    result = np.full(len(index), np.nan)
    keep = checkins.usable
    if keep.any():
        result = _next_score(
            people,
            times,
            checkins.people[keep],
            checkins.times[keep],
            checkins.scores[keep],
            int(pd.Timedelta(hours=hours) // pd.Timedelta(microseconds=1)),
        )
    linked = checkins.linked
    if linked.any():
        linked_scores = pd.Series(checkins.scores[linked], index=checkins.linked_ids[linked])
        linked_mean = linked_scores.groupby(level=0).mean()
        linked_mean.index = linked_mean.index.astype(index.dtype, copy=False)
        found = linked_mean.reindex(index).to_numpy()
        result = np.where(np.isnan(found), result, found)
    return result


def _utc_microseconds(times: pd.Series) -> np.ndarray:
    """Time stamps as microseconds since 1970 UTC (``_NO_DAY`` where missing)."""
    if _is_datetime(times):
        values = times.array
        if values.unit != "us":
            values = values.as_unit("us")
        return values.asi8.copy()  # UTC for zone-aware stamps, the wall clock for naive ones
    stamps = pd.to_datetime(times, utc=True)
    return np.asarray(stamps.dt.tz_localize(None).to_numpy(), dtype="datetime64[us]").view("int64")


def _next_score(
    people: np.ndarray,
    times: np.ndarray,
    checkin_people: np.ndarray,
    checkin_times: np.ndarray,
    scores: np.ndarray,
    tolerance: int,
) -> np.ndarray:
    """For each (person, time): the score of that person's first check-in at or after the time
    and at most ``tolerance`` later (what ``merge_asof(direction="forward")`` picks); NaN if
    none."""
    result = np.full(len(times), np.nan)
    # in time order as pandas' ``sort_values`` gives it (the same numpy sort on datetime64, so
    # among check-ins at the very same time the same one is picked), then by person
    order = np.argsort(checkin_times.view("datetime64[us]"), kind="quicksort")
    order = order[np.argsort(checkin_people[order], kind="stable")]
    checkin_people, checkin_times = checkin_people[order], checkin_times[order]
    scores = scores[order]
    for person in np.unique(people):
        mine = np.flatnonzero((people == person) & (times != _NO_DAY))
        low = np.searchsorted(checkin_people, person, side="left")
        high = np.searchsorted(checkin_people, person, side="right")
        if low == high or len(mine) == 0:
            continue
        their_times = checkin_times[low:high]
        position = np.searchsorted(their_times, times[mine], side="left")
        inside = position < len(their_times)
        position = np.minimum(position, len(their_times) - 1)
        inside &= their_times[position] - times[mine] <= tolerance
        result[mine[inside]] = scores[low:high][position[inside]]
    return result


_ITEM_COLUMNS = [
    "sessions_planned",
    "sessions_done",
    "share_done",
    "steps_planned",
    "steps_done",
    "discomfort_after_with",
    "discomfort_after_without",
]


def _per_item(
    steps: pd.DataFrame,
    keep: np.ndarray,
    sessions: pd.DataFrame,
    checkins: pd.DataFrame,
    key: str,
    name: str,
) -> pd.DataFrame:
    """Per value of ``steps[key]`` over the steps where ``keep`` holds (see :func:`by_exercise`).

    Works on (item, session) pairs: a pair is planned when the session had a step of the item,
    done when one of those steps was done.
    """
    if len(steps):
        items = steps[key]
        keep = keep & _present(items) & ~_equals(items, "")
    if len(steps) == 0 or not keep.any():
        return pd.DataFrame(
            {c: pd.Series([], dtype="float64") for c in _ITEM_COLUMNS},
            index=pd.Index([], name=name, dtype="object"),
        )
    codes, names = pd.factorize(items[keep], sort=True)
    session_ids = steps["session_id"].to_numpy()[keep]
    is_done = _equals(steps["status"], "done")[keep]
    after = discomfort_after_sessions(sessions, checkins)
    return _item_frame(codes, names, session_ids, is_done, after.index, after.to_numpy(), name)


def _item_frame(
    codes: np.ndarray,
    names: pd.Index,
    session_ids: np.ndarray,
    is_done: np.ndarray,
    after_ids: pd.Index,
    after_values: np.ndarray,
    name: str,
) -> pd.DataFrame:
    """:func:`_per_item` from the kept steps' item codes (into ``names``), session ids and done
    flags, and the discomfort after each session."""
    order = np.lexsort((session_ids, codes))
    codes, session_ids, is_done = codes[order], session_ids[order], is_done[order]
    new_pair = np.r_[True, (codes[1:] != codes[:-1]) | (session_ids[1:] != session_ids[:-1])]
    pair_starts = np.flatnonzero(new_pair)
    pair_item, pair_session = codes[pair_starts], session_ids[pair_starts]
    pair_steps = np.diff(np.r_[pair_starts, len(codes)]).astype("int64")
    pair_done_steps = np.add.reduceat(is_done.astype("int64"), pair_starts)
    pair_done = pair_done_steps > 0
    item_starts = np.flatnonzero(np.r_[True, pair_item[1:] != pair_item[:-1]])
    sessions_planned = np.diff(np.r_[item_starts, len(pair_item)]).astype("int64")
    sessions_done = np.add.reduceat(pair_done.astype("int64"), item_starts)

    if len(after_ids):
        at = after_ids.get_indexer(pair_session)
        pair_after = np.where(at >= 0, after_values[np.maximum(at, 0)], np.nan)
    else:
        pair_after = np.full(len(pair_session), np.nan)
    count = len(names)
    with_mean = _group_means(pair_item[pair_done], pair_after[pair_done], count)
    # sessions done that did not include the item (for a fair comparison)
    done_session_ids = pair_session[pair_done]
    in_done = after_ids.isin(done_session_ids) if len(after_ids) else np.zeros(0, dtype=bool)
    after_done_ids = after_ids.to_numpy()[in_done]
    after_done = after_values[in_done]
    without = np.full(count, np.nan)
    for item in np.unique(pair_item[pair_done]):
        included = pair_session[pair_done & (pair_item == item)]
        without[item] = _nan_mean(after_done[~np.isin(after_done_ids, included)])
    frame = pd.DataFrame(
        {
            "sessions_planned": sessions_planned,
            "sessions_done": sessions_done,
            "share_done": sessions_done / sessions_planned,
            "steps_planned": np.add.reduceat(pair_steps, item_starts),
            "steps_done": np.add.reduceat(pair_done_steps, item_starts),
            "discomfort_after_with": with_mean,
            "discomfort_after_without": without,
        },
        index=names.rename(name),
    )
    return frame


def _exercise_steps(steps: pd.DataFrame, key: str) -> np.ndarray:
    """Which steps are exercise work (hold or reps) with a value in ``key``."""
    keep = _present(steps[key]) if len(steps) else np.zeros(0, dtype=bool)
    if len(steps) and "kind" in steps:
        keep = keep & (_equals(steps["kind"], "hold") | _equals(steps["kind"], "reps"))
    return keep


def by_exercise(
    steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame
) -> pd.DataFrame:
    """Per exercise: sessions that planned it, sessions that did it, and discomfort after.

    ``share_done`` is sessions done over sessions planned; ``discomfort_after_with`` is the mean
    score after done sessions that included the exercise, ``discomfort_after_without`` after
    done sessions that did not (see :func:`discomfort_after_sessions`).
    """
    keep = _exercise_steps(steps, "exercise_id")
    return _per_item(steps, keep, sessions, checkins, "exercise_id", "exercise_id")


def by_group(steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame) -> pd.DataFrame:
    """Like :func:`by_exercise`, per exercise group; ``steps_done / steps_planned`` is the
    group's adherence (its share of planned exercise steps done)."""
    keep = _exercise_steps(steps, "group")
    frame = _per_item(steps, keep, sessions, checkins, "group", "group")
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
    return f"{count} {_plural_word(count, word)}"


def _plural_word(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


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
    planned = int(daily_adherence["planned"].to_numpy().sum()) if len(daily_adherence) else 0
    done_by_day = daily_adherence["done"].to_numpy() if len(daily_adherence) else np.zeros(0)
    done = int(done_by_day.sum())
    sentences = []
    if planned:
        share = done / planned * 100
        text = f"{period} you did {done} of {_plural(planned, 'planned session')} ({share:.0f} %)."
    elif done:
        text = f"{period} you did {_plural(done, 'session')}; no routine schedule planned any."
    else:
        text = f"{period} there are no sessions planned or done yet."
    completion = (
        daily_adherence["completion"].to_numpy(dtype="float64")
        if len(daily_adherence)
        else np.zeros(0)
    )
    finished = ~np.isnan(completion)
    if done and finished.any():
        weights = done_by_day[finished]
        mean_completion = float((completion[finished] * weights).sum() / weights.sum()) * 100
        text += f" On average you finished {mean_completion:.0f} % of each session you did."
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
    ``today``, the change in discomfort from the starting level (baseline) and its flag.

    ``people`` maps person ids to names (or is a list of objects with ``id`` and ``name``);
    ``planned_by_person`` maps a person id to what :func:`planned_sessions` accepts. The
    adherence window starts no earlier than the person's first session or check-in.
    """
    if isinstance(people, Mapping):
        names = {int(k): str(v) for k, v in people.items()}
    else:
        names = {int(p.id): str(p.name) for p in people}
    end = _day_number(today)
    window_start = end - (7 * weeks - 1)
    # every column read once for everyone, then sliced per person
    checkin_rows = _PersonRows(checkins, "at")
    checkin_scores = _numbers(checkins["discomfort"]) if len(checkins) else np.zeros(0)
    session_rows = _PersonRows(sessions, "started_at")
    if len(sessions):
        done_steps = np.nan_to_num(_numbers(sessions["done_steps"]), nan=0.0)
        session_done = done_steps[session_rows.order] > 0
    else:
        session_done = np.zeros(0, dtype=bool)
    rows = []
    for person_id, name in names.items():
        checkin_slice = checkin_rows.slice(person_id)
        session_slice = session_rows.slice(person_id)
        checkin_days = checkin_rows.days[checkin_slice]
        session_days = session_rows.days[session_slice]
        done_days = session_days[session_done[session_slice]]
        done_days = done_days[done_days != _NO_DAY]
        last = _stamp(done_days.max()) if len(done_days) else pd.NaT
        known = np.r_[checkin_days, session_days]
        known = known[known != _NO_DAY]
        start = max(window_start, int(known.min())) if len(known) else end + 1
        if start <= end:
            planned = _planned_count(planned_by_person.get(person_id), start, end)
            done_count = int(((done_days >= start) & (done_days <= end)).sum())
        else:
            planned = done_count = 0
        scores = checkin_scores[checkin_rows.order[checkin_slice]]
        scored = (checkin_days != _NO_DAY) & ~np.isnan(scores)
        change = _overall_change(checkin_days[scored], scores[scored], rule)
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


class _PersonRows:
    """A frame's rows grouped by ``person_id`` (in their original order within a person), with
    the day number of each row's ``time_column``."""

    def __init__(self, frame: pd.DataFrame, time_column: str | None) -> None:
        if len(frame):
            people = frame["person_id"].to_numpy()
            self.order = np.argsort(people, kind="stable")
            self.people = people[self.order]
            self.days = (
                _day_numbers(frame[time_column])[self.order]
                if time_column
                else np.zeros(len(frame), dtype="int64")
            )
        else:
            self.order = np.zeros(0, dtype="int64")
            self.people = np.zeros(0, dtype="int64")
            self.days = np.zeros(0, dtype="int64")

    def slice(self, person_id: int) -> slice:
        low = int(np.searchsorted(self.people, person_id, side="left"))
        high = int(np.searchsorted(self.people, person_id, side="right"))
        return slice(low, high)


def _planned_count(planned: Any, start: int, end: int) -> int:
    """Sessions planned from day number ``start`` to ``end`` (both included)."""
    if isinstance(planned, pd.Series | Mapping):
        return int(_planned_on(planned, _day_range(_stamp(start), _stamp(end))).sum())
    total = 0
    for from_day, per_weekday in _per_weekday(planned).items():
        first = start if from_day is None else max(start, from_day)
        if first <= end:
            weekdays = np.bincount(_weekdays(first, end - first + 1), minlength=7)
            total += int((weekdays * per_weekday).sum())
    return total


def _overall_change(
    day_numbers: np.ndarray, scores: np.ndarray, rule: ImportantChangeRule
) -> ChangeResult:
    """:func:`important_change` of the trend over all of these scores."""
    baseline = _Baseline.of(day_numbers, scores, BASELINE_DAYS)
    if len(day_numbers) == 0:
        days = pd.DatetimeIndex([], dtype="datetime64[us]", name="day")
    else:
        days = _day_range(_stamp(day_numbers.min()), _stamp(day_numbers.max()))
    trend = _Scores.from_days(days, day_numbers, scores)
    return _change(
        trend.daily,
        trend.rolling(ROLLING_DAYS) if len(days) else np.zeros(0),
        baseline.level,
        baseline.days,
        baseline.after(trend.day_numbers(), BASELINE_DAYS),
        rule,
        BASELINE_DAYS,
        MIN_DAYS_PER_GROUP,
    )


# -- everyone at once ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PersonReport:
    """Everything the dashboard computes for one person from ``start`` to ``end``.

    Each field equals what the single-person function gives for the person's own rows:
    ``daily``/``weekly`` are :func:`adherence`, ``trend`` :func:`discomfort_trend`, ``change``
    :func:`important_change`, ``association`` :func:`association` (all over the range), and
    ``per_group``/``per_exercise`` :func:`by_group`/:func:`by_exercise` over the whole log.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    daily: pd.DataFrame
    weekly: pd.DataFrame
    trend: pd.DataFrame
    change: ChangeResult
    association: Association
    per_group: pd.DataFrame
    per_exercise: pd.DataFrame
    sentences: list[str]


def person_reports(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    steps: pd.DataFrame,
    planned_by_person: Mapping[int, Any],
    end: Any,
    *,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
) -> dict[int, PersonReport]:
    """A :class:`PersonReport` for every person in ``planned_by_person`` who has a session or a
    check-in, from their first one to ``end``, in one pass over the store's frames.

    The same numbers as calling the single-person functions person by person, read from the
    frames once: each column is converted once for everyone and then sliced per person.
    """
    end_day = _as_day(end)
    checkin_rows = _PersonRows(checkins, "at")
    session_rows = _PersonRows(sessions, "started_at")
    step_rows = _PersonRows(steps, None)
    if len(checkins):
        checkin_columns = _CheckinColumns.of(checkins).take(checkin_rows.order)
    if len(sessions):
        session_ids = sessions["session_id"].to_numpy()[session_rows.order]
        session_times = _utc_microseconds(sessions["started_at"])[session_rows.order]
        done = np.nan_to_num(_numbers(sessions["done_steps"]), nan=0.0)[session_rows.order] > 0
        completion = np.clip(_numbers(sessions["completion"])[session_rows.order], 0, 1)
    items = {}
    if len(steps):
        step_done = _equals(steps["status"], "done")[step_rows.order]
        step_sessions = steps["session_id"].to_numpy()[step_rows.order]
        for key in ("group", "exercise_id"):
            column = steps[key]
            keep = _exercise_steps(steps, key) & _present(column) & ~_equals(column, "")
            codes = np.full(len(steps), -1, dtype="int64")
            if keep.any():
                kept_codes, names = pd.factorize(column[keep], sort=True)
                codes[keep] = kept_codes
            else:
                names = pd.Index([], dtype="object")
            items[key] = (codes[step_rows.order], names)
    reports = {}
    for person_id, plan in planned_by_person.items():
        mine_c = checkin_rows.slice(person_id)
        mine_s = session_rows.slice(person_id)
        mine_st = step_rows.slice(person_id)
        c_days, s_days = checkin_rows.days[mine_c], session_rows.days[mine_s]
        known = np.r_[c_days, s_days]
        known = known[known != _NO_DAY]
        if len(known) == 0:
            continue
        start = _stamp(known.min())
        days = _day_range(start, end_day)
        if mine_s.stop > mine_s.start:
            person_done = done[mine_s]
            daily = _Daily.from_days(
                days,
                _planned_on(plan, days),
                s_days[person_done],
                completion[mine_s][person_done],
            )
        else:
            daily = _Daily.from_days(days, _planned_on(plan, days), s_days[:0], np.zeros(0))
        if mine_c.stop > mine_c.start:
            person_checkins = checkin_columns.take(mine_c)
            all_scores = _numbers_scored(c_days, person_checkins.scores)
            baseline = _Baseline.of(*all_scores, BASELINE_DAYS)
            scores = _numbers_scored(*all_scores, start, end_day)
            trend_scores = _Scores.from_days(days, *scores)
        else:
            person_checkins = None
            baseline = _Baseline.of(c_days[:0], np.zeros(0), BASELINE_DAYS)
            trend_scores = _Scores.from_days(days, c_days[:0], np.zeros(0))
        trend = _trend_frame(trend_scores, ROLLING_DAYS, baseline, BASELINE_DAYS)
        change = important_change(trend, rule)
        association_result = _association(
            daily, trend_scores, MIN_DAYS_PER_GROUP, HIGH_ADHERENCE_SHARE
        )
        daily_frame = _adherence_frame(daily, "day")
        if mine_s.stop > mine_s.start:
            after_ids = pd.Index(session_ids[mine_s], name="session_id")
            if person_checkins is None:
                after_values = np.full(len(after_ids), np.nan)
            else:
                people = np.full(len(after_ids), person_id)
                after_values = _after(
                    people, session_times[mine_s], after_ids, person_checkins, AFTER_SESSION_HOURS
                )
        else:
            after_ids, after_values = pd.Index([], dtype="int64"), np.zeros(0)
        per_item = {}
        for key in ("group", "exercise_id"):
            per_item[key] = _person_items(
                items.get(key),
                mine_st,
                step_sessions if len(steps) else None,
                step_done if len(steps) else None,
                after_ids,
                after_values,
                key,
            )
        per_group = per_item["group"]
        per_group = per_group.assign(
            adherence=(
                per_group["steps_done"]
                / per_group["steps_planned"].where(per_group["steps_planned"] > 0)
            )
        )
        reports[person_id] = PersonReport(
            start,
            end_day,
            daily_frame,
            _adherence_frame(daily, "week"),
            trend,
            change,
            association_result,
            per_group,
            per_item["exercise_id"],
            summary_sentences(daily_frame, change, association_result),
        )
    return reports


def _numbers_scored(
    day_numbers: np.ndarray, scores: np.ndarray, start: Any = None, end: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers and scores of the check-ins with a score (from ``start`` to ``end``)."""
    keep = (day_numbers != _NO_DAY) & ~np.isnan(scores)
    if start is not None:
        keep = keep & (day_numbers >= _day_number(start))
    if end is not None:
        keep = keep & (day_numbers <= _day_number(end))
    return day_numbers[keep], scores[keep]


def _person_items(
    item_codes: tuple[np.ndarray, pd.Index] | None,
    rows: slice,
    step_sessions: np.ndarray | None,
    step_done: np.ndarray | None,
    after_ids: pd.Index,
    after_values: np.ndarray,
    key: str,
) -> pd.DataFrame:
    """:func:`_per_item` for one person from the columns :func:`person_reports` read."""
    codes = item_codes[0][rows] if item_codes is not None else np.zeros(0, dtype="int64")
    kept = codes >= 0
    if step_sessions is None or step_done is None or item_codes is None or not kept.any():
        return pd.DataFrame(
            {c: pd.Series([], dtype="float64") for c in _ITEM_COLUMNS},
            index=pd.Index([], name=key, dtype="object"),
        )
    present, local = np.unique(codes[kept], return_inverse=True)
    return _item_frame(
        local,
        item_codes[1][present],
        step_sessions[rows][kept],
        step_done[rows][kept],
        after_ids,
        after_values,
        key,
    )
