"""One implementation for one person and for everyone.

``person_report`` (the dashboard) and ``person_reports`` (everyone at once) and the trainer
overview all go through the same per-person method; these tests check that a person's numbers
are the same in each, and the same as the building blocks (``adherence``, ``discomfort_trend``
...) give on that person's rows alone.
"""

from __future__ import annotations

import dataclasses

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


def test_the_report_for_one_person_is_the_report_for_everyone(demo_frames) -> None:
    """The dashboard's single-person report equals the all-people report for that person,
    field by field, when given everyone's frames or only the person's rows."""
    (checkins, sessions, steps), plans = demo_frames
    end = analysis.day_of(checkins["at"]).max()
    reports = analysis.person_reports(checkins, sessions, steps, plans, end)
    for person_id, plan in plans.items():
        everyone = reports[person_id]
        mine = [f[f["person_id"] == person_id] for f in (checkins, sessions, steps)]
        for frames in ((checkins, sessions, steps), mine):
            one = analysis.person_report(*frames, plan, everyone.start, end, person_id=person_id)
            for field in dataclasses.fields(one):
                a, b = getattr(one, field.name), getattr(everyone, field.name)
                if isinstance(a, pd.DataFrame):
                    pd.testing.assert_frame_equal(a, b, check_exact=True)
                elif isinstance(a, analysis.Association):
                    pd.testing.assert_frame_equal(a.table(), b.table(), check_exact=True)
                else:
                    assert a == b, field.name


def test_person_reports_skip_people_without_any_entry(demo_frames) -> None:
    (checkins, sessions, steps), plans = demo_frames
    end = analysis.day_of(checkins["at"]).max()
    reports = analysis.person_reports(checkins, sessions, steps, {**plans, 999: None}, end)
    assert 999 not in reports and set(reports) == set(plans)


def test_person_reports_plan_from_the_day_a_routine_was_saved(demo_frames) -> None:
    """A routine saved three weeks into the log plans nothing before that day, in the
    per-person report, the single-person functions and the trainer overview alike; and the
    change is measured from the same starting level everywhere."""
    (checkins, sessions, steps), plans = demo_frames
    end = analysis.day_of(checkins["at"]).max()
    later = {}
    for person_id, saved in plans.items():
        c = checkins[checkins["person_id"] == person_id]
        s = sessions[sessions["person_id"] == person_id]
        saved_on = analysis.first_activity_day(s, c) + pd.Timedelta(days=21, hours=20)
        later[person_id] = [dataclasses.replace(r, saved_at=saved_on) for r in saved]
    reports = analysis.person_reports(checkins, sessions, steps, later, end)
    overview = analysis.trainer_overview(
        {pid: f"person {pid}" for pid in later}, checkins, sessions, later, end
    ).set_index("person_id")
    for person_id, plan in later.items():
        c = checkins[checkins["person_id"] == person_id]
        s = sessions[sessions["person_id"] == person_id]
        report = reports[person_id]
        daily = analysis.adherence(s, plan, report.start, end)
        pd.testing.assert_frame_equal(report.daily, daily, check_exact=True)
        assert daily["planned"].iloc[:21].sum() == 0 and daily["planned"].iloc[21:].sum() > 0
        assert (
            report.daily["planned"].sum()
            < analysis.adherence(s, plans[person_id], report.start, end)["planned"].sum()
        )
        last_4w = daily.loc[end - pd.Timedelta(days=27) :, "planned"].sum()
        assert overview.loc[person_id, "planned_4w"] == last_4w
        # a later period keeps the starting level of the first week
        window = analysis.discomfort_trend(c, end - pd.Timedelta(days=27), end)
        assert window["baseline"].iloc[0] == report.trend["baseline"].iloc[0]
        assert overview.loc[person_id, "baseline"] == report.change.baseline
        assert analysis.important_change(window).current == report.change.current
