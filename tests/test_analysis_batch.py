"""``person_reports`` gives the same numbers as the single-person analysis functions."""

from __future__ import annotations

import pandas as pd
import pytest

from backcare import analysis
from backcare.catalog import load_catalog
from backcare.store import Store


@pytest.fixture(scope="module")
def demo_frames():
    catalog = load_catalog(include_user=False)
    with Store.demo() as store:
        frames = (store.checkins_frame(), store.sessions_frame(), store.steps_frame())
        plans = {p.id: store.routines(p.id, catalog) for p in store.people()}
    return frames, plans


def test_person_reports_match_single_person_functions(demo_frames) -> None:
    (checkins, sessions, steps), plans = demo_frames
    end = analysis.day_of(checkins["at"]).max()
    reports = analysis.person_reports(checkins, sessions, steps, plans, end)
    assert set(reports) == set(plans) and len(reports) == 2
    for person_id, plan in plans.items():
        c = checkins[checkins["person_id"] == person_id]
        s = sessions[sessions["person_id"] == person_id]
        st = steps[steps["person_id"] == person_id]
        start = analysis.first_activity_day(s, c)
        report = reports[person_id]
        assert report.start == start
        daily = analysis.adherence(s, plan, start, end)
        pd.testing.assert_frame_equal(report.daily, daily, check_exact=True)
        pd.testing.assert_frame_equal(
            report.weekly, analysis.adherence(s, plan, start, end, by="week"), check_exact=True
        )
        trend = analysis.discomfort_trend(c, start, end)
        pd.testing.assert_frame_equal(report.trend, trend, check_exact=True)
        change = analysis.important_change(trend)
        assert report.change == change
        assoc = analysis.association(c, s, plan, start, end)
        assert report.association.sentences() == assoc.sentences()
        pd.testing.assert_frame_equal(report.association.table(), assoc.table())
        pd.testing.assert_frame_equal(
            report.per_group, analysis.by_group(st, s, c), check_exact=True
        )
        pd.testing.assert_frame_equal(
            report.per_exercise, analysis.by_exercise(st, s, c), check_exact=True
        )
        assert report.sentences == analysis.summary_sentences(daily, change, assoc)
        assert report.per_group["sessions_done"].sum() > 0


def test_person_reports_skip_people_without_any_entry(demo_frames) -> None:
    (checkins, sessions, steps), plans = demo_frames
    end = analysis.day_of(checkins["at"]).max()
    reports = analysis.person_reports(checkins, sessions, steps, {**plans, 999: None}, end)
    assert 999 not in reports and set(reports) == set(plans)
