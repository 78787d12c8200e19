"""Adherence: sessions planned by the person's routine schedules against sessions done.

The plan comes from the person's plan history (:class:`~backcare.plan_history.PlanHistory`):
each day counts the routine versions in force that day, so a re-save, a renamed variant that
replaced the plan, a retired or resumed plan all count as the person meant. Days are the
person's own (the frames' times are in their zone). A saved routine on its own plans from the
day it was saved on; counts are per day or per week (weeks start on Monday), with how much of
each done session was completed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import _bincount, _frame, _group_sums, _numbers, _ratio, _reduceat
from .days import (
    _EPOCH_WEEKDAY,
    _as_day,
    _day_number,
    _day_numbers,
    _day_range,
    _stamps,
    _weekdays,
)

HIGH_ADHERENCE_SHARE = 0.5
"""Weeks with at least this share of the planned sessions done count as "mostly done"."""


_Span = tuple[int | None, int | None]  # first day planned, first day no longer (day numbers)


def _schedules(planned: Any) -> list[tuple[Any, _Span]]:
    """(schedule, (first day, end day)) pairs from a plan history, a Schedule, a Routine, a
    SavedRoutine, or an iterable of them.

    The span holds the day numbers from which the schedule plans sessions and from which it
    no longer does (``None``: no limit). A plan history gives each version in force with
    its own span; a saved routine plans from the day it was saved (``saved_at``, on its own
    clock), since nothing was planned before the person had the routine; a plain schedule
    or routine plans every day.
    """
    if planned is None:
        return []
    if hasattr(planned, "periods"):
        return [
            (
                period.routine.schedule,
                (
                    _day_number(period.start),
                    None if period.end is None else _day_number(period.end),
                ),
            )
            for period in planned.periods
        ]
    if hasattr(planned, "times_on"):
        return [(planned, (None, None))]
    if hasattr(planned, "schedule"):
        return [(planned.schedule, (None, None))]
    if hasattr(planned, "routine"):
        saved_at = getattr(planned, "saved_at", None)
        first = None if saved_at is None or pd.isna(saved_at) else _day_number(saved_at)
        return [(planned.routine.schedule, (first, None))]
    if isinstance(planned, Iterable) and not isinstance(planned, str | bytes | Mapping):
        found: list[tuple[Any, _Span]] = []
        for item in planned:
            found.extend(_schedules(item))
        return found
    raise TypeError(f"cannot read planned sessions from {type(planned).__name__}")


def planned_sessions(planned: Any, start: Any, end: Any) -> pd.Series:
    """Sessions planned on each day from ``start`` to ``end`` (both included).

    ``planned`` is a person's :class:`~backcare.plan_history.PlanHistory` (each day counts
    the versions in force that day), a routine's :class:`~backcare.routine.Schedule`, a
    routine or saved routine (its schedule is used), an iterable of these (their plans add
    up), a Series or mapping of counts by day, or ``None`` (nothing planned). A schedule
    repeats every week, so each weekday is asked once (``Schedule.planned_per_day``) and
    the answer spread over the range. A saved routine (:class:`~backcare.store.SavedRoutine`)
    plans sessions only from the day it was saved (``saved_at``) on; a plain schedule or
    routine plans every day of the range.
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
    for (from_day, until_day), per_weekday in _per_weekday(planned).items():
        counts = per_weekday[weekdays]
        if from_day is not None and from_day > first:
            counts[: min(from_day - first, len(days))] = 0
        if until_day is not None:
            counts[max(until_day - first, 0) :] = 0
        total += counts
    return total


def _per_weekday(planned: Any) -> dict[_Span, np.ndarray]:
    """Sessions the schedules plan on each weekday (Monday first), by the span of days they
    plan in (see :func:`_schedules`)."""
    found: dict[_Span, np.ndarray] = {}
    monday = dt.date(2024, 1, 1)  # any Monday: a schedule repeats every week
    for schedule, span in _schedules(planned):
        per_weekday = found.setdefault(span, np.zeros(7, dtype="int64"))
        for weekday in range(7):
            per_weekday[weekday] += int(
                schedule.planned_per_day(monday + dt.timedelta(days=weekday))
            )
    return found


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
        position = (done_days[inside] - first).astype(np.intp)  # an index type in the browser too
        completion_sum, _ = _group_sums(position, completion[inside], count)
        return cls(
            days,
            first,
            planned,
            _bincount(position, minlength=count).astype("int64"),
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
        return _frame(
            {
                "planned": daily.planned,
                "done": daily.done,
                "share": _ratio(daily.done, daily.planned),
                "completion": _ratio(daily.completion_sum, daily.done),
            },
            daily.days,
        )
    weeks, starts, labels = daily.weeks()
    if len(weeks) == 0:
        empty = np.zeros(0, dtype="int64")
        days = planned = done = empty
        completion_sum = np.zeros(0)
    else:
        days = np.diff(np.r_[starts, len(labels)]).astype("int64")
        planned = _reduceat(daily.planned, starts)
        done = _reduceat(daily.done, starts)
        completion_sum, _ = _group_sums(labels, daily.completion_sum, len(weeks))
    return _frame(
        {
            "days": days,
            "planned": planned,
            "done": done,
            "share": _ratio(done, planned),
            "completion": _ratio(completion_sum, done),
        },
        weeks,
    )
