"""The clinical review's examples (issue 11), each with the number or sentence a person expects.

Each log is written by hand; the expected numbers are worked out in the comments.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from backcare import analysis
from backcare.store import Store
from backcare.ui.progress import ProgressModel

from .test_analysis import checkins, day, two_levels

TZ = dt.UTC
FIRST = dt.date(2024, 3, 4)  # a Monday


def _at(n: int, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(FIRST + dt.timedelta(days=n), dt.time(hour), TZ)


def test_period_edge_the_dashboard_and_the_trainer_overview_agree(catalog) -> None:
    """Scores of 6 for 30 days, then 4 on three days; "Last 4 weeks" starts on the first 4.

    The 7-day mean on the last day with a score takes the 6 days before it, from before the
    period: (4 * 6 + 3 * 4) / 7 = 36 / 7 = 5.14, a fall of 0.86 from 6: no change that matters.
    """
    store = Store(":memory:")
    person = store.add_person("Ada")
    for n in range(30):
        store.add_checkin(person.id, 6, at=_at(n))
    for n in (30, 31, 32):
        store.add_checkin(person.id, 4, at=_at(n))
    today = FIRST + dt.timedelta(days=57)  # the 4-week period starts on day 30
    model = ProgressModel(store, catalog, today=today)
    model.person_id = person.id
    report = model.report()
    assert report.start == pd.Timestamp(FIRST + dt.timedelta(days=30))
    change = report.change
    assert change.current == pytest.approx(36 / 7)
    assert round(change.current, 2) == 5.14
    assert change.flag == "no change that matters yet"
    assert "to a 7-day average of 5.1 (the 7 days to 05 Apr), down 14 % (0.9 points)" in (
        change.sentence()
    )
    row = model.overview().set_index("person_id").loc[person.id]
    assert row["current"] == pytest.approx(36 / 7)
    assert row["flag"] == "no change that matters yet"
    store.close()


def test_no_seven_day_average_from_one_day() -> None:
    """Ten days at 6, then one score of 4 ten days later: the 4 is no 7-day average."""
    scores = {**dict.fromkeys(range(10), 6.0), 20: 4.0}
    trend = analysis.discomfort_trend(checkins(scores))
    assert math.isnan(trend["rolling"].iloc[20]) and trend["rolling_days"].iloc[20] == 1
    change = analysis.important_change(trend)
    assert change.enough and change.current == pytest.approx(6.0)
    assert change.as_of == pd.Timestamp(day(9))
    assert not change.important_fall and change.flag == "no change that matters yet"
    assert "7-day average of 4.0" not in change.sentence()
    assert change.notes()[0].startswith(
        "Your latest scores (to 21 Apr) are too few for a 7-day average yet: it needs at least "
        "4 days with a score within 7 days"
    )
    # the gap on the chart has its reason in words too
    assert any("gap on 1 day with a score" in note for note in change.notes())


def test_after_session_scores_are_not_part_of_the_trend() -> None:
    """A morning score of 6 every day, and 2 right after each evening session: the back did
    not improve by 33 %; the 2s are each session's immediate response."""
    morning = checkins(dict.fromkeys(range(28), 6.0))
    after = checkins(dict.fromkeys(range(28), 2.0), hour=21)
    after["context"] = "after"
    both = pd.concat([morning, after], ignore_index=True)
    trend = analysis.discomfort_trend(both)
    assert trend["daily"].eq(6.0).all() and trend["after_session"].eq(2.0).all()
    change = analysis.important_change(trend)
    assert change.enough and change.change_points == pytest.approx(0.0)
    assert change.flag == "no change that matters yet"
    assert "stayed about the same" in change.sentence()
    assert change.notes() == [
        "Right after sessions your discomfort was 2.0 on average (28 scores): how each "
        "session felt at once. These scores are shown apart and are not part of the trend above."
    ]


@pytest.mark.parametrize("then", [0.5, 1.5])
def test_no_flag_for_half_point_moves_at_a_starting_level_of_one(then: float) -> None:
    rule = analysis.IMPORTANT_CHANGE
    assert not rule.is_important_fall(1.0, then) and not rule.is_important_rise(1.0, then)
    change = analysis.important_change(
        analysis.discomfort_trend(checkins(two_levels(1.0, then, 17)))
    )
    assert change.enough and change.flag == "no change that matters yet"


@pytest.mark.parametrize(
    ("baseline", "current", "flag"),
    [
        (1.0, 0.0, "better: a change that matters"),  # the 1-point floor, reached
        (2.0, 1.4, "no change that matters yet"),  # 30 % but less than a point
        (2.0, 1.0, "better: a change that matters"),
        (6.0, 4.2, "better: a change that matters"),  # 30 %
        (8.0, 6.1, "no change that matters yet"),  # 1.9 points, 24 %
        (1.0, 2.9, "no change that matters yet"),  # a rise of 1.9 points
        (1.0, 3.0, "worse: a change that matters"),  # a rise of 2 points, at any level
        (6.0, 7.9, "no change that matters yet"),  # 32 % up, but not 2 points
    ],
)
def test_the_written_rule_for_better_and_worse(baseline: float, current: float, flag: str) -> None:
    change = analysis.important_change(
        analysis.discomfort_trend(checkins(two_levels(baseline, current, 17)))
    )
    assert change.flag == flag
    assert "never less than 1 point" in analysis.IMPORTANT_CHANGE.describe()
    assert "rise of at least 2 points" in analysis.IMPORTANT_CHANGE.describe()
