"""Analysis functions on frames built here, shaped like the store's frames."""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import GLSAR

from backcare import analysis
from backcare.analysis import (
    IMPORTANT_CHANGE,
    MIN_DAYS_FOR_INTERVAL,
    MIN_DAYS_PER_GROUP,
    ImportantChangeRule,
    adherence,
    association,
    by_exercise,
    by_group,
    discomfort_after_sessions,
    discomfort_trend,
    important_change,
    planned_sessions,
    streak_interval,
    summary_sentences,
    trainer_overview,
)
from backcare.analysis.association import ITERATIONS, _iterative_fit
from backcare.routine import Schedule, ScheduleKind, evening_session
from backcare.store import SavedRoutine

TZ = dt.timezone(dt.timedelta(hours=2))
MONDAY = dt.date(2024, 4, 1)


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def checkins(scores: dict[int, float | list[float]], person_id: int = 1, hour: int = 8):
    rows = []
    for n, values in scores.items():
        for k, value in enumerate(values if isinstance(values, list) else [values]):
            rows.append(
                {
                    "checkin_id": len(rows) + 1,
                    "person_id": person_id,
                    "at": at(day(n), hour, k),
                    "discomfort": value,
                    "context": "daily",
                    "session_id": None,
                }
            )
    frame = pd.DataFrame(
        rows, columns=["checkin_id", "person_id", "at", "discomfort", "context", "session_id"]
    )
    frame["at"] = pd.to_datetime(frame["at"])
    return frame


def two_levels(first: float, then: float, days: int) -> dict[int, float]:
    """A score of ``first`` for the 7 baseline days, then ``then`` up to ``days`` days."""
    return {n: first if n < 7 else then for n in range(days)}


def sessions(days: dict[int, float], person_id: int = 1, hour: int = 21, first_id: int = 1):
    """Sessions by day number with their completion (0 means started, nothing done)."""
    rows = []
    for n, completion in days.items():
        planned = 10
        rows.append(
            {
                "session_id": first_id + len(rows),
                "person_id": person_id,
                "routine_name": "Evening session",
                "started_at": at(day(n), hour),
                "ended_at": at(day(n), hour, 20),
                "status": "completed" if completion == 1 else "stopped",
                "planned_steps": planned,
                "done_steps": round(completion * planned),
                "skipped_steps": planned - round(completion * planned),
                "completion": completion,
                "groups": "hip_pelvis",
                "exercises": "kneeling_hip_flexor",
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["started_at"] = pd.to_datetime(frame["started_at"])
        frame["ended_at"] = pd.to_datetime(frame["ended_at"])
    else:
        frame = pd.DataFrame(
            columns=["session_id", "person_id", "started_at", "done_steps", "completion"]
        )
    return frame


# -- the rule -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("baseline", "current", "important"),
    [
        (6.0, 4.0, True),  # exactly 2 points (33 %)
        (8.0, 6.0, True),  # 2 points, 25 %: the points mark
        (8.0, 6.1, False),  # 1.9 points, 24 %: neither
        (5.0, 3.5, True),  # 1.5 points is exactly 30 %
        (5.0, 3.6, False),  # 1.4 points, 28 %
        (3.0, 2.0, True),  # 1 point but 33 %
        (4.0, 4.5, False),  # worse is never an important fall
        (0.0, 0.0, False),
    ],
)
def test_rule_thresholds(baseline: float, current: float, important: bool) -> None:
    assert IMPORTANT_CHANGE.is_important_fall(baseline, current) is important


def test_rule_is_named_and_documented() -> None:
    assert ImportantChangeRule(points=2.0, percent=30.0) == IMPORTANT_CHANGE
    doc = ImportantChangeRule.__doc__ or ""
    assert "Ostelo" in doc and "Spine" in doc and "2008" in doc
    assert "Farrar" in doc and "Pain" in doc and "2001" in doc
    assert ImportantChangeRule(points=1.0).is_important_fall(8.0, 6.9)
    assert not ImportantChangeRule(points=3.0, percent=50).is_important_fall(8.0, 6.0)
    assert IMPORTANT_CHANGE.is_important_rise(4.0, 6.0)
    assert IMPORTANT_CHANGE.threshold_level(5.0) == pytest.approx(3.5)
    assert IMPORTANT_CHANGE.threshold_level(8.0) == pytest.approx(6.0)
    with pytest.raises(ValueError):
        ImportantChangeRule(points=0)


# -- planned and adherence ----------------------------------------------------------------------
def test_planned_sessions_follow_the_schedule() -> None:
    weekdays_only = Schedule(ScheduleKind.EVENING, weekdays=(0, 1, 2, 3, 4))
    breaks = Schedule(ScheduleKind.WORKDAY, every_hours=2.0, weekdays=(0, 1, 2, 3, 4))
    plan = planned_sessions([weekdays_only, breaks], day(0), day(13))
    assert len(plan) == 14
    expected_breaks = breaks.planned_per_day(day(0))
    assert expected_breaks > 0
    assert plan.iloc[0] == 1 + expected_breaks
    assert plan.iloc[5] == 0 and plan.iloc[6] == 0  # Saturday, Sunday
    assert plan.sum() == 10 * (1 + expected_breaks)
    assert planned_sessions(None, day(0), day(6)).sum() == 0
    by_day = planned_sessions({day(2): 3}, day(0), day(6))
    assert by_day.tolist() == [0, 0, 3, 0, 0, 0, 0]


def _saved(catalog, saved_on: int, hour: int = 20) -> SavedRoutine:
    """An every-evening routine saved at ``hour`` on day number ``saved_on``."""
    return SavedRoutine(1, "Evening session", evening_session(catalog), at(day(saved_on), hour))


def test_a_saved_routine_plans_sessions_from_the_day_it_was_saved(catalog) -> None:
    saved = _saved(catalog, 3)
    assert planned_sessions(saved, day(0), day(6)).tolist() == [0, 0, 0, 1, 1, 1, 1]
    # late in the evening on its own clock still counts for that day
    assert planned_sessions(_saved(catalog, 3, hour=23), day(3), day(3)).tolist() == [1]
    assert planned_sessions(_saved(catalog, 9), day(0), day(6)).sum() == 0  # saved later
    assert planned_sessions(_saved(catalog, -5), day(0), day(6)).sum() == 7  # saved before
    # a plain schedule or routine (no saved_at) still plans every day
    assert planned_sessions(saved.routine, day(0), day(6)).sum() == 7
    assert planned_sessions(Schedule(), day(0), day(6)).sum() == 7
    # several plans add up, each from its own first day
    both = planned_sessions([saved, _saved(catalog, 5), Schedule()], day(0), day(6))
    assert both.tolist() == [1, 1, 1, 2, 2, 3, 3]
    daily = adherence(sessions({4: 1.0}), [saved], day(0), day(6))
    assert daily["planned"].sum() == 4 and daily["share"].iloc[4] == 1.0
    assert daily["share"].iloc[:3].isna().all()  # nothing planned yet, not a miss


def test_saved_today_after_weeks_of_checkins_plans_only_today(catalog) -> None:
    """A routine saved on the last of 20 days of check-ins plans one session, not 20."""
    scores = checkins(dict.fromkeys(range(20), 5.0))
    done_today = sessions({19: 1.0})
    plan = [_saved(catalog, 19), _saved(catalog, 19)]
    daily = adherence(done_today, plan, day(0), day(19))
    assert daily["planned"].sum() == 2
    words = summary_sentences(daily, important_change(discomfort_trend(scores)))
    assert words[0].startswith("In the period shown you did 1 of 2 planned sessions (50 %).")
    overview = trainer_overview({1: "Ana"}, scores, done_today, {1: plan}, today=day(19))
    assert overview.loc[0, "planned_4w"] == 2 and overview.loc[0, "done_4w"] == 1


def test_adherence_daily_and_weekly() -> None:
    done = sessions({0: 1.0, 1: 0.5})
    extra = sessions({3: 1.0, 7: 0.8}, first_id=10)
    nothing_done = sessions({4: 0.0}, first_id=20)
    frame = pd.concat([done, extra, nothing_done], ignore_index=True)
    daily = adherence(frame, Schedule(), day(0), day(13))
    assert list(daily.columns) == ["planned", "done", "share", "completion"]
    assert daily["planned"].sum() == 14
    assert daily["done"].tolist()[:8] == [1, 1, 0, 1, 0, 0, 0, 1]  # day 4 had nothing done
    assert daily["share"].iloc[1] == 1.0
    assert daily["completion"].iloc[1] == pytest.approx(0.5)
    assert math.isnan(daily["completion"].iloc[2])
    weekly = adherence(frame, Schedule(), day(0), day(13), by="week")
    assert weekly.index.tolist() == [pd.Timestamp(day(0)), pd.Timestamp(day(7))]
    assert weekly["done"].tolist() == [3, 1]
    assert weekly["share"].iloc[0] == pytest.approx(3 / 7)
    assert weekly["completion"].iloc[0] == pytest.approx((1 + 0.5 + 1) / 3)
    assert weekly["days"].tolist() == [7, 7]


def test_adherence_with_nothing_planned_or_done() -> None:
    daily = adherence(sessions({}), None, day(0), day(6))
    assert daily["done"].sum() == 0
    assert daily["share"].isna().all()
    with pytest.raises(ValueError):
        adherence(sessions({}), None, day(0), day(6), by="month")


def test_days_follow_the_local_clock() -> None:
    """A session at 23:30 local time counts for that day, not the next (UTC) one."""
    frame = sessions({0: 1.0}, hour=23)
    daily = adherence(frame, Schedule(), day(0), day(1))
    assert daily["done"].tolist() == [1, 0]


# -- trend and change ---------------------------------------------------------------------------
def test_trend_daily_rolling_and_baseline() -> None:
    scores = two_levels(6.0, 3.0, 14)
    scores[0] = [5.0, 7.0]  # two check-ins on the first day
    trend = discomfort_trend(checkins(scores))
    assert len(trend) == 14
    assert trend["n"].iloc[0] == 2 and trend["daily"].iloc[0] == 6.0
    assert trend["baseline"].iloc[0] == pytest.approx(6.0)
    assert trend["rolling"].iloc[13] == pytest.approx(3.0)
    assert trend["rolling"].iloc[7] == pytest.approx((6 * 6 + 3) / 7)
    assert trend["change_points"].iloc[13] == pytest.approx(-3.0)
    assert trend["change_percent"].iloc[13] == pytest.approx(-50.0)


def test_trend_baseline_uses_first_days_with_data_and_gaps_are_not_zero() -> None:
    scores = {0: 8.0, 3: 6.0, 5: 4.0, 9: 6.0, 10: 6.0, 11: 6.0, 12: 6.0, 20: 1.0}
    trend = discomfort_trend(checkins(scores))
    assert trend["baseline"].iloc[0] == pytest.approx((8 + 6 + 4 + 6 + 6 + 6 + 6) / 7)
    assert math.isnan(trend["daily"].iloc[1])
    # a 7-day mean needs 4 days with a score among the 7; empty days are not zeros
    assert trend["rolling"].iloc[11] == pytest.approx((4 + 6 + 6 + 6) / 4)  # days 5, 9-11
    assert trend["rolling"].iloc[12] == pytest.approx(6.0)  # days 9-12
    assert math.isnan(trend["rolling"].iloc[1])  # one day with a score is not a 7-day mean
    assert trend["rolling_days"].iloc[1] == 1
    assert math.isnan(trend["rolling"].iloc[19])  # 7 empty days before day 20
    assert math.isnan(trend["rolling"].iloc[20])


def test_baseline_is_the_starting_level_whatever_the_period() -> None:
    scores = checkins(two_levels(6.0, 3.0, 28))
    whole = discomfort_trend(scores)
    later = discomfort_trend(scores, day(14), day(27))
    assert len(later) == 14
    assert later["baseline"].iloc[0] == pytest.approx(6.0)  # the first week, not day 14 on
    assert later["change_points"].iloc[-1] == pytest.approx(-3.0)
    assert later["after_baseline"].all() and later["baseline_days"].iloc[0] == 7
    change, overall = important_change(later), important_change(whole)
    assert change.enough and change.important_fall
    assert (change.baseline, change.current) == (overall.baseline, overall.current)
    # the period may start inside the first week: only the days after it count as "after"
    middle = discomfort_trend(scores, day(3), day(12))
    assert middle["baseline"].iloc[0] == pytest.approx(6.0)
    assert middle["after_baseline"].tolist() == [False] * 4 + [True] * 6
    assert important_change(middle).enough


def test_a_short_period_after_the_first_week_needs_its_own_days() -> None:
    scores = checkins(two_levels(6.0, 3.0, 28))
    change = important_change(discomfort_trend(scores, day(26), day(27)))
    assert not change.enough
    assert "2 days with a score after your first 7; 1 more day" in change.sentence()
    early = important_change(discomfort_trend(checkins(dict.fromkeys(range(4), 5.0)), day(0)))
    assert "4 days with a score so far; 6 more days" in early.sentence()


def test_trend_of_nothing_is_empty() -> None:
    trend = discomfort_trend(checkins({}))
    assert trend.empty
    change = important_change(trend)
    assert not change.enough
    assert "Not enough data yet" in change.sentence()


def test_important_change_needs_enough_days() -> None:
    few = discomfort_trend(checkins({n: 6.0 - n * 0.5 for n in range(9)}))
    change = important_change(few)
    assert not change.enough
    assert change.flag == "not enough data yet"
    assert "1 more day" in change.sentence()
    enough = discomfort_trend(
        checkins({n: 6.0 - n * 0.5 for n in range(analysis.BASELINE_DAYS + MIN_DAYS_PER_GROUP)})
    )
    assert important_change(enough).enough


def test_important_change_flags_a_fall_of_thirty_percent() -> None:
    # baseline 5.0, then 3.5: a fall of 1.5 points, exactly 30 %
    trend = discomfort_trend(checkins(two_levels(5.0, 3.5, 17)))
    change = important_change(trend)
    assert change.enough and change.important_fall
    assert change.baseline == pytest.approx(5.0) and change.current == pytest.approx(3.5)
    assert change.change_percent == pytest.approx(-30.0)
    assert change.flag.startswith("better")
    assert "past the 30 % mark" in change.sentence()


def test_important_change_not_flagged_below_both_marks() -> None:
    trend = discomfort_trend(checkins(two_levels(8.0, 6.5, 17)))
    change = important_change(trend)
    assert change.enough and not change.important_fall and not change.important_rise
    assert change.flag == "no change that matters yet"
    assert "not yet a change that matters" in change.sentence()


def test_important_change_by_points_and_worsening() -> None:
    fall = important_change(discomfort_trend(checkins(two_levels(8.0, 6.0, 17))))
    assert fall.important_fall and "2-point mark" in fall.sentence()
    rise = important_change(discomfort_trend(checkins(two_levels(3.0, 5.0, 17))))
    assert rise.important_rise and not rise.important_fall
    assert rise.flag.startswith("worse")


def test_summary_matches_the_example_shape() -> None:
    plan = {day(n): 1 for n in range(28)}
    done = sessions(dict.fromkeys(range(18), 1.0))
    daily = adherence(done, plan, day(0), day(27))
    trend = discomfort_trend(checkins(two_levels(5.6, 3.4, 28)))
    words = summary_sentences(daily, important_change(trend), period="In the last 4 weeks")
    assert words[0] == (
        "In the last 4 weeks you did 18 of 28 planned sessions (64 %). "
        "On average you finished 100 % of each session you did."
    )
    assert words[1] == (
        "Your discomfort went from a starting level of 5.6 (the average of your first 7 days "
        "with a score) to a 7-day average of 3.4 (the 7 days to 28 Apr), down 39 % (2.2 points): "
        "past the 2-point mark for a change that matters."
    )
    empty = summary_sentences(
        adherence(sessions({}), None, day(0), day(6)),
        important_change(discomfort_trend(checkins({}))),
    )
    assert "no sessions planned or done yet" in empty[0]


# -- confidence intervals and association -------------------------------------------------------
def _every_sentence_speaks_of_association(sentences: list[str]) -> None:
    for text in sentences:
        assert re.search(r"associat", text, re.IGNORECASE), text
        assert not re.search(r"\b(caus\w*|because|leads? to|made)\b", text, re.IGNORECASE), text


def test_association_next_day_and_weekly() -> None:
    # 12 weeks; sessions on even days, none in weeks 1, 4, 7 and 10; the next day's score is
    # low after a session and high otherwise
    session_days = dict.fromkeys(range(0, 84, 2), 1.0)
    for week in (1, 4, 7, 10):
        for n in range(7 * week, 7 * week + 7):
            session_days.pop(n, None)
    scores = {n: (3.0 if (n - 1) in session_days else 6.0) + (n % 3) * 0.1 for n in range(1, 84)}
    result = association(checkins(scores), sessions(session_days), Schedule(), day(0), day(83))
    next_day = result.next_day
    assert next_day.enough and next_day.has_interval
    assert next_day.n_a + next_day.n_b == 83 == next_day.days
    assert next_day.mean_a < next_day.mean_b
    assert next_day.ci_low < next_day.difference < next_day.ci_high < 0
    assert next_day.difference == pytest.approx(-3.0, abs=0.2)
    assert "lower discomfort" in next_day.sentence()
    assert "interval leaves out zero" in next_day.sentence()
    # weeks 0, 2, 6 and 8 have 4 of 7 planned sessions done; the others 3 or none
    assert (result.weekly.n_a, result.weekly.n_b) == (4, 8)
    assert result.weekly.enough and result.weekly.has_interval
    _every_sentence_speaks_of_association(result.sentences())
    assert list(result.table()["enough"]) == [True, True]


def test_association_needs_enough_days_for_an_interval_and_says_so() -> None:
    session_days = dict.fromkeys(range(0, 42, 2), 1.0)
    scores = {n: (3.0 if (n - 1) in session_days else 6.0) for n in range(1, 42)}
    result = association(checkins(scores), sessions(session_days), Schedule(), day(0), day(41))
    next_day = result.next_day
    assert next_day.enough and not next_day.has_interval and result.needs_longer
    assert math.isnan(next_day.ci_low) and math.isnan(next_day.difference)
    assert next_day.sentence() == (
        "As an association only: days after a session averaged 3.0 against 6.0 on days after "
        "none (21 and 20 days). Too few days to tell this apart from chance: an interval that "
        f"allows for streaks needs at least {MIN_DAYS_FOR_INTERVAL} days with a score, and this "
        "period has 41. A longer period may give one."
    )
    _every_sentence_speaks_of_association(result.sentences())


def test_weekly_comparison_in_four_weeks_says_a_longer_period_is_needed() -> None:
    session_days = dict.fromkeys(range(0, 28, 2), 1.0)
    scores = dict.fromkeys(range(28), 5.0)
    result = association(checkins(scores), sessions(session_days), Schedule(), day(0), day(27))
    weekly = result.weekly
    assert not weekly.enough and weekly.needs_longer
    assert weekly.sentence().endswith(
        "This needs at least 6 weeks with a plan; the period shown has 4 weeks. "
        "A longer period may have them."
    )


def test_no_interval_at_zero_spread() -> None:
    """Every score the same: no interval (not "-2.0 to -2.0, leaves out zero")."""
    session_days = dict.fromkeys(range(0, 84, 2), 1.0)
    scores = dict.fromkeys(range(84), 5.0)
    result = association(checkins(scores), sessions(session_days), Schedule(), day(0), day(83))
    for comparison in (result.next_day, result.weekly):
        assert comparison.enough and not comparison.has_interval
        assert math.isnan(comparison.ci_low) and math.isnan(comparison.ci_high)
        assert "no spread to judge by and no interval is given" in comparison.sentence()
        assert "leaves out zero" not in comparison.sentence()
    assert streak_interval([5.0] * 60, [0, 1] * 30) == pytest.approx((math.nan,) * 3, nan_ok=True)


def test_streak_fit_is_statsmodels_iterative_fit_to_the_last_bit() -> None:
    """The interval's fit hands out what ``GLSAR(...).iterative_fit(maxiter=8)`` gives (it only
    skips statsmodels' repeat of the last, settled fit): same coefficients, standard errors
    and degrees of freedom, bit for bit, on streaky scores of many lengths."""
    rng = np.random.default_rng(11)
    settled = 0
    for days in [5, 12, 30, 56, 57, 84, 120, 365] * 5:
        phi = rng.uniform(0.0, 0.9)
        noise = rng.normal(0.0, 1.5, days)
        for n in range(1, days):
            noise[n] += phi * noise[n - 1]
        y = np.clip(np.round(5 + noise), 0, 10)
        x = (rng.random(days) < 0.5).astype(float)
        design = np.column_stack([np.ones(days), x])
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            expected = GLSAR(y, design, rho=1).iterative_fit(maxiter=ITERATIONS)
            found = _iterative_fit(y, design, ITERATIONS)
        settled += bool(expected.converged)
        for name in ("params", "bse"):
            assert np.array_equal(getattr(found, name), getattr(expected, name), equal_nan=True)
        assert found.df_resid == expected.df_resid
    assert 0 < settled < 40  # both ways out of the loop were taken


def test_association_not_enough_data_with_few_days() -> None:
    result = association(
        checkins({1: 4.0, 2: 5.0, 3: 5.0}), sessions({0: 1.0}), Schedule(), day(0), day(3)
    )
    assert not result.next_day.enough
    assert result.next_day.n_a == 1 and result.next_day.n_b == 2
    assert all(s.startswith("Not enough data yet") for s in result.sentences())
    _every_sentence_speaks_of_association(result.sentences())


# -- per exercise and group ---------------------------------------------------------------------
def _steps(plan: dict[int, list[tuple[str, str, str]]]) -> pd.DataFrame:
    rows = []
    for session_id, items in plan.items():
        for index, (exercise_id, group, status) in enumerate(items):
            rows.append(
                {
                    "session_id": session_id,
                    "person_id": 1,
                    "step_index": index,
                    "kind": "hold",
                    "exercise_id": exercise_id,
                    "group": group,
                    "status": status,
                }
            )
        rows.append(
            {
                "session_id": session_id,
                "person_id": 1,
                "step_index": len(items),
                "kind": "rest",
                "exercise_id": None,
                "group": None,
                "status": "done",
            }
        )
    return pd.DataFrame(rows)


def test_discomfort_after_sessions_prefers_linked_checkin() -> None:
    done = sessions({0: 1.0, 1: 1.0, 5: 1.0})
    later = checkins({1: 4.0, 2: 6.0})  # 08:00 the morning after sessions 1 and 2
    linked = pd.DataFrame(
        [
            {
                "checkin_id": 99,
                "person_id": 1,
                "at": pd.Timestamp(at(day(1), 21, 30)),
                "discomfort": 2.0,
                "context": "after",
                "session_id": 2,
            }
        ]
    )
    after = discomfort_after_sessions(done, pd.concat([later, linked], ignore_index=True))
    assert after.loc[1] == 4.0
    assert after.loc[2] == 2.0
    assert math.isnan(after.loc[3])


def test_by_exercise_and_group() -> None:
    done = sessions({0: 1.0, 1: 1.0, 2: 1.0})
    plan = {
        1: [("calf_stretch", "foot_calf", "done"), ("prone_cobra", "upper_back", "done")],
        2: [("calf_stretch", "foot_calf", "done"), ("prone_cobra", "upper_back", "skipped")],
        3: [("calf_stretch", "foot_calf", "skipped"), ("prone_cobra", "upper_back", "done")],
    }
    scores = checkins({1: 2.0, 2: 4.0, 3: 6.0})  # the morning after each session
    per_exercise = by_exercise(_steps(plan), done, scores)
    calf = per_exercise.loc["calf_stretch"]
    assert calf["sessions_planned"] == 3 and calf["sessions_done"] == 2
    assert calf["share_done"] == pytest.approx(2 / 3)
    assert calf["discomfort_after_with"] == pytest.approx(3.0)
    assert calf["discomfort_after_without"] == pytest.approx(6.0)
    cobra = per_exercise.loc["prone_cobra"]
    assert cobra["discomfort_after_with"] == pytest.approx(4.0)
    groups = by_group(_steps(plan), done, scores)
    assert set(groups.index) == {"foot_calf", "upper_back"}
    assert groups.loc["foot_calf", "adherence"] == pytest.approx(2 / 3)
    assert by_group(_steps({}), sessions({}), checkins({})).empty


# -- trainer overview ---------------------------------------------------------------------------
def test_trainer_overview_one_row_a_person() -> None:
    improving = checkins(two_levels(6.0, 3.0, 28), person_id=1)
    steady = checkins(dict.fromkeys(range(28), 5.0), person_id=2)
    both_checkins = pd.concat([improving, steady], ignore_index=True)
    both_sessions = pd.concat(
        [
            sessions(dict.fromkeys(range(0, 28), 1.0), person_id=1),
            sessions(dict.fromkeys(range(0, 28, 4), 1.0), person_id=2, first_id=100),
        ],
        ignore_index=True,
    )
    overview = trainer_overview(
        {1: "Ana", 2: "<b>Ben</b>", 3: "New"},
        both_checkins,
        both_sessions,
        {1: Schedule(), 2: Schedule()},
        today=day(27),
    )
    assert overview["name"].tolist() == ["Ana", "<b>Ben</b>", "New"]
    rows = overview.set_index("person_id")
    assert rows.loc[1, "adherence_4w"] == pytest.approx(1.0)
    assert rows.loc[2, "adherence_4w"] == pytest.approx(7 / 28)
    assert rows.loc[1, "flag"].startswith("better")
    assert rows.loc[2, "flag"] == "no change that matters yet"
    assert rows.loc[3, "flag"] == "not enough data yet"
    assert rows.loc[1, "last_session"] == pd.Timestamp(day(27))
    assert pd.isna(rows.loc[3, "last_session"])
    assert rows.loc[1, "change_points"] == pytest.approx(-3.0)
