"""Association between discomfort and adherence, with 95 % intervals that allow for streaks.

Daily pain scores run in streaks (a bad day tends to follow a bad day) and so do sessions (a
good week of sessions, then a busy one). A comparison that treats days as independent is far
too sure of itself: in a simulation with no real link it "finds" one for about a third of
people. So the interval here comes from a regression of the daily score on the comparison
(a session the day before; a mostly-done week) that allows each day's score to lean on the
day before: generalised least squares with first-order autocorrelated errors, fitted by
:class:`statsmodels.regression.linear_model.GLSAR` (iterated Cochrane-Orcutt). Its 95 % holds
only with enough days: below :data:`MIN_DAYS_FOR_INTERVAL` days with a score the means are
shown without an interval, and the page offers a longer period. ``tests/test_association_
simulation.py`` checks the promise by simulation: with no real link the interval leaves out
zero for at most 7 % of simulated people, with autocorrelation from 0 to 0.8 and streaky
sessions; with a real 2-point link over 12 weeks it finds it in most people.

These are associations only: people feel better or worse for many reasons, so no sentence here
claims that a session made the difference.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._common import _EPS, MIN_DAYS_PER_GROUP, _group_means, _ratio, _reduceat, _signed
from .adherence import HIGH_ADHERENCE_SHARE, _Daily
from .trend import _Scored, _trend

MIN_DAYS_FOR_INTERVAL = 56
"""Fewest days with a score (8 weeks of daily scores) before a comparison gets an interval.

Below this the regression's estimate of how much each day leans on the one before is too
unsure, and simulated intervals leave out zero too often (see the module's docstring)."""

NO_STATSMODELS = (
    "There is no interval here: working one out needs the statsmodels library, which could "
    "not be loaded (in the browser it comes from Pyodide's own package site, so the page "
    "needs a connection when it starts). The averages above are complete."
)
"""Said instead of an interval when statsmodels cannot be imported."""

METHOD = (
    "The 95 % intervals allow for streaks: a regression of the daily score that lets each "
    "day's score lean on the day before (generalised least squares with autocorrelated "
    "errors), rather than treating days as independent."
)
"""The method in plain words, shown under the comparisons."""


@dataclasses.dataclass(frozen=True, slots=True)
class Comparison:
    """Mean discomfort in two groups of days (or weeks), and a 95 % interval for the gap.

    ``mean_a``/``mean_b`` are plain means of the days (or of the weeks' means); ``difference``
    is the regression's estimate of ``a - b`` allowing for streaks (NaN without an interval),
    with ``ci_low``/``ci_high`` its 95 % interval. ``days`` counts the days with a score the
    regression would use. ``reason`` says why there is no interval.
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
    days: int = 0
    reason: str = ""
    needs_longer: bool = False

    @property
    def enough(self) -> bool:
        """Enough days (or weeks) in each group to show the means."""
        return self.n_a >= self.minimum and self.n_b >= self.minimum

    @property
    def has_interval(self) -> bool:
        return self.enough and math.isfinite(self.ci_low) and math.isfinite(self.ci_high)

    @property
    def excludes_zero(self) -> bool:
        return self.has_interval and (self.ci_low > 0 or self.ci_high < 0)

    def sentence(self) -> str:
        """The comparison in plain words, always as an association."""
        units = f"{self.unit}s"
        if not self.enough:
            text = (
                f"Not enough data yet to look for an association between {self.label_a} and "
                f"{self.label_b}: {self.n_a} and {self.n_b} {units} so far, "
                f"at least {self.minimum} of each are needed."
            )
            return f"{text} {self.reason}".strip()
        if not self.has_interval:
            return (
                f"As an association only: {self.label_a} averaged {self.mean_a:.1f} against "
                f"{self.mean_b:.1f} on {self.label_b} ({self.n_a} and {self.n_b} {units}). "
                f"{self.reason}"
            ).strip()
        gap = abs(self.difference)
        if gap < 0.05:
            word = "about the same discomfort as"
        else:
            word = "lower discomfort than" if self.difference < 0 else "higher discomfort than"
        certainty = (
            "the interval leaves out zero"
            if self.excludes_zero
            else "the interval includes zero, so chance alone could explain it"
        )
        return (
            f"{self.label_a.capitalize()} were associated with {word} {self.label_b} "
            f"({self.mean_a:.1f} against {self.mean_b:.1f} on average; allowing for streaks, "
            f"a difference of {_signed(self.difference)} points, 95 % interval "
            f"{_signed(self.ci_low)} to {_signed(self.ci_high)}; {self.n_a} and {self.n_b} "
            f"{units}; {certainty})."
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
            "days": self.days,
            "enough": self.enough,
        }


def streak_interval(scores: np.ndarray, group: np.ndarray) -> tuple[float, float, float]:
    """The difference in ``scores`` between days in ``group`` and the others, and its 95 %
    interval, allowing for each day's score to lean on the day before.

    ``scores`` are consecutive days' scores (days without one left out) and ``group`` flags
    (0 or 1) for the same days. A regression of the score on the flag with first-order
    autocorrelated errors (:class:`statsmodels.regression.linear_model.GLSAR`, iterated).
    Returns ``(estimate, low, high)``; NaNs when the scores do not vary, both groups are not
    present, or the fit fails.
    """
    y = np.asarray(scores, dtype="float64")
    x = np.asarray(group, dtype="float64")
    nan = (math.nan, math.nan, math.nan)
    if len(y) < 4 or np.ptp(y) == 0 or np.ptp(x) == 0:
        return nan
    design = np.column_stack([np.ones(len(x)), x])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # statsmodels warns on short or perfect fits
        fit = _iterative_fit(y, design, ITERATIONS)
        # what ``fit.conf_int(alpha=0.05)[1]`` gives, with the t quantile looked up once per
        # number of residual degrees of freedom (scipy's ``ppf`` costs more than the fit)
        estimate = float(fit.params[1])
        margin = _t_quantile(float(fit.df_resid)) * fit.bse[1]
        low, high = fit.params[1] - margin, fit.params[1] + margin
    if not all(map(math.isfinite, (estimate, low, high))) or high - low <= 0:
        return nan
    return estimate, float(low), float(high)


ITERATIONS = 8
"""Most rounds of :func:`_iterative_fit` (``GLSAR.iterative_fit(maxiter=8)``)."""


def _iterative_fit(y: np.ndarray, design: np.ndarray, maxiter: int, rtol: float = 1e-4) -> Any:
    """The fit ``GLSAR(y, design, rho=1).iterative_fit(maxiter, rtol)`` gives, from the same
    statsmodels steps in the same order (fit by least squares after removing the
    autocorrelation, re-estimate it from the residuals by ``yule_walker``, until the
    coefficients change by less than ``rtol``), to the last bit.

    One difference: once the coefficients have settled, statsmodels fits the unchanged model
    once more and hands out that copy; this hands out the fit it already has, which is the
    same.
    """
    from statsmodels.regression.linear_model import GLSAR, yule_walker  # slow to import

    model = GLSAR(y, design, rho=1)
    last = None
    for _ in range(maxiter - 1):
        model.initialize()
        fit = model.fit()
        if last is not None and np.max(np.abs(last - fit.params) / np.abs(last)) < rtol:
            return fit
        last = fit.params
        model.rho = yule_walker(fit.resid, order=model.order, df=None)[0]
    model.initialize()
    return model.fit()


@functools.lru_cache(maxsize=512)
def _t_quantile(df_resid: float) -> float:
    """The 97.5 % quantile of Student's t with ``df_resid`` degrees of freedom (the 95 %
    interval's half-width in standard errors, as statsmodels' ``conf_int`` computes it)."""
    from scipy import stats

    return stats.t.ppf(1 - 0.05 / 2, df_resid)


@dataclasses.dataclass(frozen=True, slots=True)
class Association:
    """The two comparisons the dashboard shows."""

    next_day: Comparison
    weekly: Comparison

    def sentences(self) -> list[str]:
        return [self.next_day.sentence(), self.weekly.sentence()]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([self.next_day.as_row(), self.weekly.as_row()])

    @property
    def needs_longer(self) -> bool:
        """A longer period could give a comparison or an interval that this one cannot."""
        return self.next_day.needs_longer or self.weekly.needs_longer


def association(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    planned: Any,
    start: Any,
    end: Any,
    *,
    minimum: int = MIN_DAYS_PER_GROUP,
    high_share: float = HIGH_ADHERENCE_SHARE,
    min_days: int = MIN_DAYS_FOR_INTERVAL,
) -> Association:
    """Discomfort next to adherence, as associations.

    * **Next day**: the daily mean score (daily and before-session scores) on days that
      follow a day with a session done, against days that follow a day without one (both
      days inside the range).
    * **Weekly**: weeks in which at least ``high_share`` of the planned sessions were done,
      against weeks with less (weeks with nothing planned are left out).

    Each is a :class:`Comparison`: below ``minimum`` days (or weeks) in a group it reports
    "not enough data yet"; below ``min_days`` days with a score it shows the means without an
    interval and says a longer period is needed.
    """
    daily = _Daily.build(sessions, planned, start, end)
    trend = _trend(_Scored.of(checkins), daily.days)
    return _association(daily, trend["daily"].to_numpy(), minimum, high_share, min_days)


def _compare(
    scores: np.ndarray,
    in_a: np.ndarray,
    in_b: np.ndarray,
    means: tuple[np.ndarray, np.ndarray],
    labels: tuple[str, str, str],
    minimum: int,
    min_days: int,
    longer_helps: bool,
) -> Comparison:
    """A :class:`Comparison` of the days in ``in_a`` and ``in_b`` (day flags over the period);
    ``means`` are the values whose means are shown and counted (days, or weeks' means)."""
    values_a, values_b = means
    n_a, n_b = len(values_a), len(values_b)
    mean_a = float(values_a.mean()) if n_a else math.nan
    mean_b = float(values_b.mean()) if n_b else math.nan
    used = (in_a | in_b) & ~np.isnan(scores)
    days = int(used.sum())
    label_a, label_b, unit = labels
    estimate = low = high = math.nan
    reason = ""
    needs_longer = False
    if n_a < minimum or n_b < minimum:
        needs_longer = longer_helps
        if longer_helps:
            reason = "A longer period may have them."
    elif days < min_days:
        needs_longer = True
        reason = (
            f"Too few days to tell this apart from chance: an interval that allows for streaks "
            f"needs at least {min_days} days with a score, and this period has {days}. "
            "A longer period may give one."
        )
    else:
        try:
            estimate, low, high = streak_interval(scores[used], in_a[used])
        except ImportError:  # in the browser, offline: Pyodide's statsmodels is not there
            reason = NO_STATSMODELS
        else:
            if not math.isfinite(low):
                values = scores[used]
                reason = (
                    f"Every score in these {days} days was {values[0]:.1f}, so there is no "
                    "spread to judge by and no interval is given."
                    if np.ptp(values) == 0
                    else "No interval could be worked out from these days."
                )
    return Comparison(
        label_a,
        label_b,
        unit,
        n_a,
        n_b,
        mean_a,
        mean_b,
        estimate,
        low,
        high,
        minimum,
        days,
        reason,
        needs_longer,
    )


def _association(
    daily: _Daily,
    scored: np.ndarray,
    minimum: int = MIN_DAYS_PER_GROUP,
    high_share: float = HIGH_ADHERENCE_SHARE,
    min_days: int = MIN_DAYS_FOR_INTERVAL,
) -> Association:
    """The comparisons from a period's plan and sessions (``daily``) and its daily mean
    scores (``scored``, NaN on days without one)."""
    count = len(daily.days)
    after_session = np.r_[np.nan, daily.done[:-1]] if count else np.zeros(0)
    usable = ~np.isnan(scored) & ~np.isnan(after_session)
    after_one, after_none = usable & (after_session > 0), usable & (after_session == 0)
    next_day = _compare(
        scored,
        after_one,
        after_none,
        (scored[after_one], scored[after_none]),
        ("days after a session", "days after none", "day"),
        minimum,
        min_days,
        longer_helps=True,
    )
    weeks, starts, labels = daily.weeks()
    if len(weeks):
        share = _ratio(_reduceat(daily.done, starts), _reduceat(daily.planned, starts))
        weekly_scores = _group_means(labels, scored, len(weeks))
    else:
        share = weekly_scores = np.zeros(0)
    usable_weeks = ~np.isnan(share) & ~np.isnan(weekly_scores)
    high = share >= high_share - _EPS
    high_weeks, low_weeks = usable_weeks & high, usable_weeks & ~high
    weekly = _compare(
        scored,
        high_weeks[labels] if count else np.zeros(0, dtype=bool),
        low_weeks[labels] if count else np.zeros(0, dtype=bool),
        (weekly_scores[high_weeks], weekly_scores[low_weeks]),
        (
            f"weeks with at least {high_share:.0%} of the plan done".replace("%", " %"),
            "weeks with less",
            "week",
        ),
        minimum,
        min_days,
        longer_helps=True,
    )
    if not weekly.enough and len(weeks) < 2 * minimum:
        weekly = _with_reason(
            weekly,
            f"This needs at least {2 * minimum} weeks with a plan; the period shown has "
            f"{_plural_weeks(len(weeks))}. A longer period may have them.",
        )
    return Association(next_day, weekly)


def _plural_weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def _with_reason(comparison: Comparison, reason: str) -> Comparison:
    return dataclasses.replace(comparison, reason=reason, needs_longer=True)
