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

Where each lives: :mod:`.days` (days and periods), :mod:`.adherence`, :mod:`.trend`,
:mod:`.change` (the rule for a change that matters), :mod:`.association`, :mod:`.exercises`
(per exercise and per group) and :mod:`.overview` (words, the trainer overview and everyone's
reports). Everything public is importable from ``backcare.analysis`` itself.

The work is done on numpy arrays (day numbers, bincounts, sorted searches) rather than with a
groupby or merge per call; where floats are summed, the order and method follow what pandas
itself would do, so results agree with the plain pandas formulation to the last bit.

Days are calendar days on the clock the time stamps were written in (a check-in at 23:30
local time counts for that evening, whatever the offset).
"""

from __future__ import annotations

from ._common import MIN_DAYS_PER_GROUP
from .adherence import HIGH_ADHERENCE_SHARE, adherence, planned_sessions
from .association import Association, Comparison, association, compare_means, t_quantile_975
from .change import IMPORTANT_CHANGE, ChangeResult, ImportantChangeRule, important_change
from .days import day_of, first_activity_day
from .exercises import AFTER_SESSION_HOURS, by_exercise, by_group, discomfort_after_sessions
from .overview import PersonReport, daily_table, person_reports, summary_sentences, trainer_overview
from .trend import BASELINE_DAYS, ROLLING_DAYS, discomfort_trend

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
