"""Change from the starting level, and the rule for a change that matters."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import _EPS, MIN_DAYS_PER_GROUP, _plural, _plural_word
from .days import _day_range, _stamp
from .trend import BASELINE_DAYS, ROLLING_DAYS, _Baseline, _Scores


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
