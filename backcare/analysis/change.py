"""Change from the starting level, and the rule for a change that matters.

The rule (:class:`ImportantChangeRule`, written out in :meth:`ImportantChangeRule.describe`
and in notebook 04) is applied in one place, :func:`important_change`; the dashboard's
sentences, its chart band, the trainer overview and the handout all read it from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import _EPS, MIN_DAYS_PER_GROUP, _plural, _plural_word
from .trend import BASELINE_DAYS, MIN_ROLLING_DAYS, ROLLING_DAYS


@dataclass(frozen=True, slots=True)
class ImportantChangeRule:
    """When a change in discomfort (0-10) counts as a change that matters.

    **Better** (a fall that matters): the 7-day mean is at least ``points`` lower than the
    starting level, **or** at least ``percent`` % lower, whichever is reached first, and in
    any case at least ``min_points`` lower. The 2 points / 30 % are the thresholds for a
    minimal important change in low-back pain proposed by an international consensus (Ostelo
    RW et al. Interpreting change scores for pain and functional status in low back pain:
    towards international consensus regarding minimal important change. *Spine*
    2008;33(1):90-94) and found for the 0-10 pain scale in chronic pain trials (Farrar JT et al.
    Clinical importance of changes in chronic pain intensity measured on an 11-point numerical
    pain rating scale. *Pain* 2001;94(2):149-158). Both studies describe improvement in people
    who started with real pain; at a low starting level 30 % is a fraction of a point (0.3 at a
    starting level of 1), less than one step of the scale, so this workbook adds its own floor
    of ``min_points`` (1 point): a smaller move is never called a change that matters.

    **Worse** (a rise that matters): the published thresholds do not cover rises, so this
    workbook's own rule is a rise of at least ``rise_points`` (2 points, the same distance as
    the fixed threshold for improvement) at any starting level, with no percentage, which at a
    low starting level would flag a rise of less than a point.
    """

    points: float = 2.0
    percent: float = 30.0
    min_points: float = 1.0
    rise_points: float = 2.0

    def __post_init__(self) -> None:
        if not 0 < float(self.points) <= 10:
            raise ValueError("the points threshold must be above 0 and at most 10")
        if not 0 < float(self.percent) <= 100:
            raise ValueError("the percent threshold must be above 0 and at most 100")
        if not 0 <= float(self.min_points) <= float(self.points):
            raise ValueError("the smallest fall must be between 0 and the points threshold")
        if not 0 < float(self.rise_points) <= 10:
            raise ValueError("the rise threshold must be above 0 and at most 10")

    def threshold_fall(self, baseline: float) -> float:
        """The smallest fall from ``baseline`` that matters, in points."""
        if not baseline > 0:
            return float(self.points)
        by_percent = baseline * float(self.percent) / 100.0
        return max(float(self.min_points), min(float(self.points), by_percent))

    def threshold_level(self, baseline: float) -> float:
        """The score at or below which the fall from ``baseline`` matters."""
        return baseline - self.threshold_fall(baseline)

    def rise_level(self, baseline: float) -> float:
        """The score at or above which the rise from ``baseline`` matters."""
        return baseline + float(self.rise_points)

    def is_important_fall(self, baseline: float, current: float) -> bool:
        """Whether going from ``baseline`` to ``current`` is a fall that matters."""
        if not (math.isfinite(baseline) and math.isfinite(current)):
            return False
        fall = baseline - current
        return fall > 0 and fall >= self.threshold_fall(baseline) - _EPS

    def is_important_rise(self, baseline: float, current: float) -> bool:
        """Whether going from ``baseline`` to ``current`` is a rise that matters."""
        if not (math.isfinite(baseline) and math.isfinite(current)):
            return False
        return current - baseline >= float(self.rise_points) - _EPS

    def describe(self) -> str:
        """The rule in plain words (the dashboard and notebook 04 show this sentence)."""
        return (
            f"better means a fall of at least {self.points:g} points or {self.percent:g} % of "
            f"the starting level, and never less than {self.min_points:g} point"
            f"{'' if self.min_points == 1 else 's'}; worse means a rise of at least "
            f"{self.rise_points:g} points"
        )


IMPORTANT_CHANGE = ImportantChangeRule()
"""The default rule (Ostelo et al. 2008; Farrar et al. 2001; floors and rises: this workbook)."""


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """How discomfort moved from the starting level (baseline) to the latest 7-day mean.

    ``days_with_data`` counts the days with a score in the period looked at; ``baseline_days``
    is how many first days with a score make up the starting level; ``as_of`` is the last day
    of the 7-day mean used; ``gap_days`` counts days with a score after the first week that have no
    7-day mean (fewer than :data:`MIN_ROLLING_DAYS` days with a score in their 7);
    ``after_scores`` and ``after_mean`` are the scores given right after sessions.
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
    as_of: pd.Timestamp | None = None
    latest_score_day: pd.Timestamp | None = None
    gap_days: int = 0
    after_scores: int = 0
    after_mean: float = math.nan

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
        week = f" (the {ROLLING_DAYS} days to {self.as_of:%d %b})" if self.as_of is not None else ""
        text = (
            f"Your discomfort went from a starting level of {self.baseline:.1f} (the average "
            f"of {first}) to a {ROLLING_DAYS}-day average of {self.current:.1f}{week}, {move}"
        )
        if self.important_fall:
            fall = self.baseline - self.current
            by_points = fall >= rule.points - _EPS
            mark = f"{rule.points:g}-point" if by_points else f"{rule.percent:g} %"
            text = f"{text}: past the {mark} mark for a change that matters."
        elif self.important_rise:
            text = (
                f"{text}: a rise of {rule.rise_points:g} points or more, worth talking over "
                "with a professional if it lasts."
            )
        else:
            text = (
                f"{text}: not yet a change that matters "
                f"({rule.points:g} points or {rule.percent:g} % down, at least "
                f"{rule.min_points:g} point; or {rule.rise_points:g} points up)."
            )
        return text

    def notes(self) -> list[str]:
        """Why some scores are not in the 7-day average, in plain words (may be empty)."""
        notes = []
        if (
            self.latest_score_day is not None
            and self.as_of is not None
            and self.latest_score_day > self.as_of
        ):
            notes.append(
                f"Your latest scores (to {self.latest_score_day:%d %b}) are too few for a "
                f"{ROLLING_DAYS}-day average yet: it needs at least {MIN_ROLLING_DAYS} days "
                f"with a score within {ROLLING_DAYS} days, so the average above is the "
                "latest one that has them."
            )
        if self.gap_days:
            notes.append(
                f"The {ROLLING_DAYS}-day line has a gap on {_plural(self.gap_days, 'day')} "
                f"with a score: there, fewer than {MIN_ROLLING_DAYS} of the {ROLLING_DAYS} "
                "days had a score."
            )
        if self.after_scores:
            notes.append(
                f"Right after sessions your discomfort was {self.after_mean:.1f} on average "
                f"({_plural(self.after_scores, 'score')}): how each session felt at once. "
                "These scores are shown apart and are not part of the trend above."
            )
        return notes


def important_change(
    trend: pd.DataFrame,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
    *,
    baseline_days: int = BASELINE_DAYS,
    min_days_after: int = MIN_DAYS_PER_GROUP,
) -> ChangeResult:
    """Compare the latest 7-day mean of ``trend`` with its baseline under ``rule``.

    ``trend`` is what :func:`~backcare.analysis.discomfort_trend` gives. Needs a complete
    baseline (``baseline_days`` days with a score), at least ``min_days_after`` days with a
    score in ``trend`` after those, and a 7-day mean (enough days with a score in its window)
    on one of those days; otherwise the result says "not enough data yet" and why. The 7-day
    mean used is the latest one that exists on a day with a score after the baseline.
    """
    columns = {name: trend[name].to_numpy() for name in _CHANGE_COLUMNS if name in trend}
    return _important_change(trend.index, columns, rule, baseline_days, min_days_after)


_CHANGE_COLUMNS = (
    "daily",
    "rolling",
    "baseline",
    "baseline_days",
    "after_baseline",
    "n_after",
    "after_session",
)
"""The trend's columns :func:`important_change` reads."""


def _important_change(
    days: pd.DatetimeIndex,
    trend: Mapping[str, np.ndarray],
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
    baseline_days: int = BASELINE_DAYS,
    min_days_after: int = MIN_DAYS_PER_GROUP,
) -> ChangeResult:
    """:func:`important_change` from the trend's index and its columns as arrays (the report
    hands over the arrays it built the trend frame from, rather than reading them back)."""
    count = len(days)
    daily = np.asarray(trend["daily"], dtype="float64") if count else np.zeros(0)
    rolling = np.asarray(trend["rolling"], dtype="float64") if count else np.zeros(0)
    baseline = float(trend["baseline"][0]) if count else math.nan
    baseline_count = int(trend["baseline_days"][0]) if count else 0
    after_baseline = (
        np.asarray(trend["after_baseline"], dtype=bool) if count else np.zeros(0, dtype=bool)
    )
    after_n = np.asarray(trend["n_after"]) if count and "n_after" in trend else np.zeros(0)
    after_values = (
        np.asarray(trend["after_session"], dtype="float64")
        if count and "after_session" in trend
        else np.zeros(0)
    )
    after_total = int(after_n.sum())
    after_mean = float(np.nansum(after_values * after_n) / after_total) if after_total else math.nan
    has_score = ~np.isnan(daily)
    with_data = np.flatnonzero(has_score)
    # gaps in the 7-day line after the first week (a log's first days always start with one)
    gap_days = int((has_score & after_baseline & np.isnan(rolling)).sum())
    after = has_score & after_baseline
    usable = np.flatnonzero(after & ~np.isnan(rolling))
    extra = {"gap_days": gap_days, "after_scores": after_total, "after_mean": after_mean}
    reason = ""
    if baseline_count < baseline_days:
        missing = baseline_days + min_days_after - baseline_count
        reason = (
            f"Not enough data yet to judge a change: {_plural(baseline_count, 'day')} "
            f"with a score so far; {missing} more {_plural_word(missing, 'day')} with a "
            "score will do."
        )
    elif int(after.sum()) < min_days_after:
        missing = min_days_after - int(after.sum())
        reason = (
            f"Not enough data yet to judge a change in this period: "
            f"{_plural(int(after.sum()), 'day')} with a score after your first "
            f"{baseline_days}; {missing} more {_plural_word(missing, 'day')} with a score "
            "will do."
        )
    elif len(usable) == 0:
        reason = (
            f"Not enough data yet to judge a change in this period: a {ROLLING_DAYS}-day "
            f"average needs at least {MIN_ROLLING_DAYS} days with a score within "
            f"{ROLLING_DAYS} days, and no week after your first {baseline_days} days has them."
        )
    if reason:
        nan = math.nan
        return ChangeResult(
            False,
            nan,
            nan,
            nan,
            nan,
            len(with_data),
            False,
            False,
            rule,
            reason,
            baseline_days,
            **extra,
        )
    last = int(usable[-1])
    current = float(rolling[last])
    change = current - baseline
    percent = change / baseline * 100 if baseline > 0 else math.nan
    return ChangeResult(
        True,
        baseline,
        current,
        change,
        percent,
        len(with_data),
        rule.is_important_fall(baseline, current),
        rule.is_important_rise(baseline, current),
        rule,
        "",
        baseline_days,
        as_of=days[last],
        latest_score_day=days[int(with_data[-1])],
        **extra,
    )
