"""Discomfort trend: the daily mean of the 0-10 scores, a 7-day mean, and the starting level
(baseline) it is compared with.

Which scores make the trend: daily check-ins and scores given before a session. A score given
right after a session says how that session felt (its immediate response), not how the back is
doing from day to day, so it is kept apart (the ``after_session`` column) and never mixed into
the daily means, the 7-day mean or the baseline.

* The **7-day mean** of a day is the mean of the daily means of that day and the 6 days before
  it, using scores from before the period shown when the window reaches back past its start.
  It needs at least :data:`MIN_ROLLING_DAYS` days with a score among the 7; otherwise it is
  missing (a gap in the chart), never an average of one or two days.
* The **baseline** (starting level) is the mean of the daily means of the person's first
  :data:`BASELINE_DAYS` days with a score, from all of their scores whatever period is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import _bincount, _equals, _frame, _group_means, _numbers
from .days import _NO_DAY, _day_number, _day_numbers, _day_range, _stamp

ROLLING_DAYS = 7
"""Width of the rolling mean, in calendar days."""

MIN_ROLLING_DAYS = 4
"""Fewest days with a score among the :data:`ROLLING_DAYS` before a 7-day mean is shown."""

BASELINE_DAYS = 7
"""The baseline is the mean of this many first days that have a discomfort score."""

TREND_CONTEXTS = ("daily", "before")
"""Check-in contexts whose scores make the trend; "after" (a session) scores are kept apart."""

TREND_COLUMNS = [
    "n",
    "daily",
    "rolling",
    "rolling_days",
    "baseline",
    "change_points",
    "change_percent",
    "baseline_days",
    "after_baseline",
    "n_after",
    "after_session",
]


@dataclass(frozen=True, slots=True)
class _Scored:
    """A person's check-ins that have a day and a score, as arrays.

    ``after`` marks the scores given right after a session (context "after"); the others
    (daily, before a session, or no context) make the trend.
    """

    days: np.ndarray  # int64 day numbers
    scores: np.ndarray
    after: np.ndarray  # bool

    @classmethod
    def of(cls, checkins: pd.DataFrame) -> _Scored:
        if len(checkins) == 0:
            return cls(np.zeros(0, dtype="int64"), np.zeros(0), np.zeros(0, dtype=bool))
        return cls.from_columns(
            _day_numbers(checkins["at"]),
            _numbers(checkins["discomfort"]),
            _after_flags(checkins),
        )

    @classmethod
    def from_columns(cls, days: np.ndarray, scores: np.ndarray, after: np.ndarray) -> _Scored:
        keep = (days != _NO_DAY) & ~np.isnan(scores)
        return cls(days[keep], scores[keep], after[keep])

    def trend_scores(self) -> tuple[np.ndarray, np.ndarray]:
        """Day numbers and scores of the check-ins that make the trend."""
        keep = ~self.after
        return self.days[keep], self.scores[keep]

    def span(self) -> tuple[int, int] | None:
        """The first and last day with any score (``None`` without any)."""
        if len(self.days) == 0:
            return None
        return int(self.days.min()), int(self.days.max())


def _after_flags(checkins: pd.DataFrame) -> np.ndarray:
    """Which check-ins were given right after a session (context "after")."""
    if "context" not in checkins:
        return np.zeros(len(checkins), dtype=bool)
    return _equals(checkins["context"], "after")


@dataclass(frozen=True, slots=True)
class _Baseline:
    """The starting level: the mean of the daily means of a person's first days with a score.

    Always taken from all of the person's trend scores, whatever period is shown, so every view
    measures change from the same starting level.
    """

    level: float  # NaN without any score
    days: int  # days with a score it averages (fewer than wanted while there are fewer)
    last_day: int  # day number of the last of them (_NO_DAY without any)

    @classmethod
    def of(cls, day_numbers: np.ndarray, scores: np.ndarray, baseline_days: int) -> _Baseline:
        """From the day numbers and scores of the trend's check-ins."""
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


def _empty_trend() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series([], dtype="float64") for c in TREND_COLUMNS},
        index=pd.DatetimeIndex([], dtype="datetime64[us]", name="day"),
    ).astype({"n": "int64", "rolling_days": "int64", "baseline_days": "int64", "n_after": "int64"})


def discomfort_trend(
    checkins: pd.DataFrame,
    start: Any = None,
    end: Any = None,
    *,
    window_days: int = ROLLING_DAYS,
    baseline_days: int = BASELINE_DAYS,
    min_days: int = MIN_ROLLING_DAYS,
) -> pd.DataFrame:
    """Daily discomfort, its 7-day mean and the change from the starting level (baseline).

    ``checkins`` are one person's check-ins, all of them: the baseline is always their
    starting level, and the 7-day mean at the start of a period uses the days before it. One
    row a calendar day from the first to the last day with a score (or from ``start`` to
    ``end`` when given). Columns:

    * ``n``: daily and before-session check-ins that day; ``daily``: their mean score (NaN on
      days without one);
    * ``rolling``: the mean of the daily means over this day and the ``window_days - 1`` days
      before it (days without a score are left out, not counted as zero), NaN when fewer than
      ``min_days`` of those days have a score; ``rolling_days``: how many have one;
    * ``baseline``: the mean of the daily means of the person's first ``baseline_days`` days
      that have a score (the same on every row; NaN when there is no score);
    * ``change_points``: ``rolling - baseline`` (negative is better);
    * ``change_percent``: that change as a percentage of the baseline (NaN if the baseline is 0);
    * ``baseline_days``: how many days with a score the baseline averages (fewer than
      ``baseline_days`` while the person has fewer);
    * ``after_baseline``: the day comes after a complete baseline (what
      :func:`~backcare.analysis.important_change` counts);
    * ``n_after``, ``after_session``: scores given right after a session that day and their
      mean: each session's immediate response, shown apart and never part of the trend.
    """
    scored = _Scored.of(checkins)
    if start is not None and end is not None:
        days = _day_range(start, end)
    else:
        span = scored.span()
        if span is None:
            return _empty_trend()
        first = _stamp(span[0]) if start is None else start
        last = _stamp(span[1]) if end is None else end
        days = _day_range(first, last)
    return _trend(scored, days, window_days, baseline_days, min_days)


def _trend(
    scored: _Scored,
    days: pd.DatetimeIndex,
    window_days: int = ROLLING_DAYS,
    baseline_days: int = BASELINE_DAYS,
    min_days: int = MIN_ROLLING_DAYS,
) -> pd.DataFrame:
    """The trend frame over ``days`` (consecutive) from a person's scored check-ins."""
    if len(days) == 0:
        return _empty_trend()
    return _frame(_trend_columns(scored, days, window_days, baseline_days, min_days), days)


def _trend_columns(
    scored: _Scored,
    days: pd.DatetimeIndex,
    window_days: int = ROLLING_DAYS,
    baseline_days: int = BASELINE_DAYS,
    min_days: int = MIN_ROLLING_DAYS,
) -> dict[str, np.ndarray]:
    """The columns of :func:`_trend`'s frame as arrays (``days`` not empty)."""
    count = len(days)
    first = _day_number(days[0])
    lead = window_days - 1
    trend_days, trend_scores = scored.trend_scores()
    # the daily means from ``lead`` days before the period, so its first 7-day means are whole
    total = count + lead
    inside = (trend_days >= first - lead) & (trend_days < first + count)
    position = trend_days[inside] - (first - lead)
    daily = _group_means(position, trend_scores[inside], total)
    counts = _bincount(position, minlength=total).astype("int64")
    # sums and counts over each day's window, from running totals
    has = ~np.isnan(daily)
    sums = np.cumsum(np.where(has, daily, 0.0))
    seen = np.cumsum(has)
    sums[window_days:] = sums[window_days:] - sums[:-window_days]
    seen[window_days:] = seen[window_days:] - seen[:-window_days]
    with np.errstate(invalid="ignore", divide="ignore"):
        rolling = np.where(seen >= min(min_days, window_days), sums / np.maximum(seen, 1), np.nan)
    baseline = _Baseline.of(trend_days, trend_scores, baseline_days)
    level = baseline.level
    rolling = rolling[lead:]
    change = rolling - level
    percent = change / level * 100.0 if level > 0 else change * math.nan
    after_days, after_scores = scored.days[scored.after], scored.scores[scored.after]
    inside = (after_days >= first) & (after_days < first + count)
    position = after_days[inside] - first
    return {
        "n": counts[lead:],
        "daily": daily[lead:],
        "rolling": rolling,
        "rolling_days": seen[lead:].astype("int64"),
        "baseline": np.full(count, level),
        "change_points": change,
        "change_percent": percent,
        "baseline_days": np.full(count, baseline.days, dtype="int64"),
        "after_baseline": baseline.after(np.arange(first, first + count), baseline_days),
        "n_after": _bincount(position, minlength=count).astype("int64"),
        "after_session": _group_means(position, after_scores[inside], count),
    }
