"""Discomfort trend: the daily mean of the 0-10 scores, a rolling mean, and the starting
level (baseline) it is compared with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import _group_means, _numbers
from .days import _NO_DAY, _day_number, _day_numbers, _day_range, _stamp

ROLLING_DAYS = 7
"""Width of the rolling mean, in calendar days."""


BASELINE_DAYS = 7
"""The baseline is the mean of this many first days that have a discomfort score."""


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
