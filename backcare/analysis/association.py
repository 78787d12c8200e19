"""Association between discomfort and adherence, with 95 % intervals.

These are associations only: people feel better or worse for many reasons, so no sentence here
claims that a session made the difference.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import _EPS, MIN_DAYS_PER_GROUP, _group_means, _ratio, _signed
from .adherence import HIGH_ADHERENCE_SHARE, _Daily
from .trend import _Scores

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
