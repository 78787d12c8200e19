"""Numbers behind the progress dashboard: pure pandas functions, no figures, no widgets.

Every function takes the DataFrames the store hands out (:meth:`Store.checkins_frame`,
:meth:`Store.sessions_frame`, :meth:`Store.steps_frame`) for one person and returns a new
DataFrame or a small frozen result. Nothing is changed in place and nothing is kept between
calls, so the same frames can feed several views at once.

What is computed:

* **Adherence** (:func:`adherence`): sessions done against sessions planned by the person's
  routine schedules (a saved routine plans from the day it was saved on), per day or per
  week, and how much of each session was completed.
* **Discomfort trend** (:func:`discomfort_trend`): the daily mean of the 0-10 daily and
  before-session scores, a 7-day mean that needs 4 days with a score among the 7 and reaches
  back before the period shown, the baseline (the person's starting level: the mean of their
  first 7 days that have a score, whatever period is shown) and the change from it. Scores
  given right after a session are kept apart as that session's immediate response.
* **Important change** (:func:`important_change`): the change from the starting level to the
  latest 7-day mean under a written rule (:class:`ImportantChangeRule`: the published 2 points
  or 30 % for improvement, a 1-point floor, and 2 points for a rise).
* **Association** (:func:`association`): discomfort on days after a session against days after
  none, and weeks with more of the plan done against weeks with less, with a 95 % interval
  that allows for streaks in scores and sessions (:func:`streak_interval`, statsmodels GLSAR)
  once there are :data:`MIN_DAYS_FOR_INTERVAL` days with a score. These are associations
  only: people feel better or worse for many reasons, so no sentence here claims that a
  session made the difference.
* **Per exercise and per group** (:func:`by_exercise`, :func:`by_group`): how often each was
  done, and the mean discomfort reported after sessions that included it; exercises reported
  as hurting (:func:`hurting_exercises`).
* **Plain words** (:func:`summary_sentences`, :func:`hurting_sentences`) and the **trainer
  overview** (:func:`trainer_overview`): one row a person.
* **One person or everyone** (:func:`person_report`, :func:`person_reports`): all of the above
  for a person and period from one implementation; the dashboard, the analytics benchmark and
  the trainer overview all use it, so a person's numbers are the same everywhere.

Where each lives: :mod:`.days` (days and periods), :mod:`.adherence`, :mod:`.trend`,
:mod:`.change` (the rule for a change that matters), :mod:`.association`, :mod:`.exercises`
(per exercise and per group, hurting exercises), :mod:`.reports` (a person's report, one
implementation), :mod:`.words` (the summary) and :mod:`.overview` (the daily table and the
trainer overview). Everything public is importable from ``backcare.analysis`` itself.

The work is done on numpy arrays (day numbers, bincounts, sorted searches) rather than with a
groupby or merge per call; where floats are summed, the order and method follow what pandas
itself would do, so results agree with the plain pandas formulation to the last bit.

Days are calendar days on the clock the time stamps were written in (a check-in at 23:30
local time counts for that evening, whatever the offset).
"""

from __future__ import annotations

from ._common import MIN_DAYS_PER_GROUP
from .adherence import HIGH_ADHERENCE_SHARE, adherence, planned_sessions
from .association import (
    METHOD,
    MIN_DAYS_FOR_INTERVAL,
    Association,
    Comparison,
    association,
    streak_interval,
)
from .change import IMPORTANT_CHANGE, ChangeResult, ImportantChangeRule, important_change
from .days import day_of, first_activity_day
from .exercises import (
    AFTER_SESSION_HOURS,
    by_exercise,
    by_group,
    discomfort_after_sessions,
    hurting_exercises,
)
from .overview import daily_table, trainer_overview
from .reports import PersonReport, person_report, person_reports
from .trend import BASELINE_DAYS, MIN_ROLLING_DAYS, ROLLING_DAYS, TREND_CONTEXTS, discomfort_trend
from .words import hurting_sentences, summary_sentences

__all__ = [
    "AFTER_SESSION_HOURS",
    "BASELINE_DAYS",
    "HIGH_ADHERENCE_SHARE",
    "IMPORTANT_CHANGE",
    "METHOD",
    "MIN_DAYS_FOR_INTERVAL",
    "MIN_DAYS_PER_GROUP",
    "MIN_ROLLING_DAYS",
    "ROLLING_DAYS",
    "TREND_CONTEXTS",
    "Association",
    "ChangeResult",
    "Comparison",
    "ImportantChangeRule",
    "PersonReport",
    "adherence",
    "association",
    "by_exercise",
    "by_group",
    "daily_table",
    "day_of",
    "discomfort_after_sessions",
    "discomfort_trend",
    "first_activity_day",
    "hurting_exercises",
    "hurting_sentences",
    "important_change",
    "person_report",
    "person_reports",
    "planned_sessions",
    "streak_interval",
    "summary_sentences",
    "trainer_overview",
]
