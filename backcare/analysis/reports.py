"""Everything the dashboard shows for a person, from one implementation.

:class:`_Log` reads the store's three frames once (each column converted once for everyone,
then the rows grouped by person); :meth:`_Log.report` computes one person's
:class:`PersonReport` for a period from those arrays. The dashboard (:func:`person_report`),
everyone at once (:func:`person_reports`, the analytics benchmark) and the trainer overview
(:func:`~backcare.analysis.trainer_overview`) all go through that one method, so a person's
numbers are the same wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import _equals, _frame, _numbers, _ratio
from .adherence import _adherence_frame, _Daily, _planned_on
from .association import Association, _association
from .change import (
    IMPORTANT_CHANGE,
    ChangeResult,
    ImportantChangeRule,
    _important_change,
    important_change,
)
from .days import _NO_DAY, _as_day, _day_number, _day_numbers, _day_range, _stamp, _utc_microseconds
from .exercises import (
    AFTER_SESSION_HOURS,
    _after,
    _CheckinColumns,
    _has_text,
    _Hurt,
    _item_codes,
    _person_items,
    _work_steps,
)
from .trend import _Scored, _trend, _trend_columns
from .words import _summary

__all__ = ["PersonReport", "person_report", "person_reports"]


@dataclass(frozen=True, slots=True)
class PersonReport:
    """Everything the dashboard computes for one person from ``start`` to ``end``.

    ``daily``/``weekly`` are adherence (:func:`~backcare.analysis.adherence`), ``trend`` the
    discomfort trend, ``change`` the change from the starting level, ``association`` the two
    comparisons, ``per_group``/``per_exercise`` the sessions in the period by group and by
    exercise, ``hurting`` the exercises reported as hurting in the period, ``sentences`` the
    summary in plain words.
    """

    person_id: int
    start: pd.Timestamp
    end: pd.Timestamp
    daily: pd.DataFrame
    weekly: pd.DataFrame
    trend: pd.DataFrame
    change: ChangeResult
    association: Association
    per_group: pd.DataFrame
    per_exercise: pd.DataFrame
    hurting: pd.DataFrame
    sentences: list[str]


@dataclass(frozen=True, slots=True)
class _Core:
    """What :meth:`_Log.core` gives: the parts of a person's report every view needs."""

    days: pd.DatetimeIndex
    first: int
    last: int
    sessions: slice  # the person's rows in the log's sessions
    daily: _Daily
    trend: pd.DataFrame | None  # None when asked for without it (the overview's rows)
    change: ChangeResult
    hurt: _Hurt  # the exercises that hurt (made a table only for the report)


class _PersonRows:
    """A frame's rows grouped by ``person_id`` (in their original order within a person), with
    the day number of each row's ``time_column``."""

    def __init__(self, frame: pd.DataFrame, time_column: str | None) -> None:
        if len(frame):
            people = frame["person_id"].to_numpy()
            self.order = np.argsort(people, kind="stable")
            self.people = people[self.order]
            self.days = (
                _day_numbers(frame[time_column])[self.order]
                if time_column
                else np.zeros(len(frame), dtype="int64")
            )
        else:
            self.order = np.zeros(0, dtype=np.intp)
            self.people = np.zeros(0, dtype="int64")
            self.days = np.zeros(0, dtype="int64")

    def slice(self, person_id: int) -> slice:
        low = int(np.searchsorted(self.people, person_id, side="left"))
        high = int(np.searchsorted(self.people, person_id, side="right"))
        return slice(low, high)


class _Log:
    """Everyone's check-ins, sessions and steps as arrays, grouped by person."""

    def __init__(self, checkins: pd.DataFrame, sessions: pd.DataFrame, steps: pd.DataFrame):
        self.checkin_rows = _PersonRows(checkins, "at")
        self.session_rows = _PersonRows(sessions, "started_at")
        self.step_rows = _PersonRows(steps, None)
        order = self.checkin_rows.order
        if len(checkins):
            self.checkin_columns = _CheckinColumns.of(checkins).take(order)
            self.checkin_is_after = (
                _equals(checkins["context"], "after")[order]
                if "context" in checkins
                else np.zeros(len(checkins), dtype=bool)
            )
        order = self.session_rows.order
        if len(sessions):
            self.session_ids = sessions["session_id"].to_numpy()[order]
            self.session_times = _utc_microseconds(sessions["started_at"])[order]
            self.done = np.nan_to_num(_numbers(sessions["done_steps"]), nan=0.0)[order] > 0
            self.completion = np.clip(_numbers(sessions["completion"])[order], 0, 1)
        if len(sessions) and "hurt_exercises" in sessions:
            texts = sessions["hurt_exercises"].to_numpy(dtype=object)[order]
            # only the sessions where something hurt (most have nothing)
            self.hurt_rows = np.flatnonzero(_has_text(texts))
            self.hurt_texts = texts[self.hurt_rows]
        else:
            self.hurt_rows = np.zeros(0, dtype=np.intp)
            self.hurt_texts = np.zeros(0, dtype=object)
        self.items: dict[str, tuple[np.ndarray, pd.Index]] = {}
        if len(steps):
            order = self.step_rows.order
            self.step_done = _equals(steps["status"], "done")[order]
            self.step_sessions = steps["session_id"].to_numpy()[order]
            work = _work_steps(steps)
            for key in ("group", "exercise_id"):
                codes, names = _item_codes(steps[key], work)
                self.items[key] = (codes[order], names)

    def first_day(self, person_id: int) -> int | None:
        """The person's first day with a session or a check-in (``None`` without any)."""
        known = np.r_[
            self.checkin_rows.days[self.checkin_rows.slice(person_id)],
            self.session_rows.days[self.session_rows.slice(person_id)],
        ]
        known = known[known != _NO_DAY]
        return int(known.min()) if len(known) else None

    def last_session(self, person_id: int) -> pd.Timestamp:
        """The day of the person's latest session with an exercise step done (NaT if none)."""
        mine = self.session_rows.slice(person_id)
        if mine.stop == mine.start:
            return pd.NaT
        days = self.session_rows.days[mine][self.done[mine]]
        days = days[days != _NO_DAY]
        return _stamp(int(days.max())) if len(days) else pd.NaT

    def core(
        self,
        person_id: int,
        plan: Any,
        start: Any,
        end: Any,
        rule: ImportantChangeRule,
        *,
        trend_frame: bool = True,
    ) -> _Core:
        """The parts every view of a person needs, from ``start`` to ``end``: the plan and
        sessions by day, the discomfort trend, the change and the exercises that hurt.

        Without ``trend_frame`` the trend's frame is not built (``None``); the change is the
        same either way."""
        days = _day_range(start, end)
        first = _day_number(days[0]) if len(days) else 0
        last = first + len(days) - 1
        mine_c = self.checkin_rows.slice(person_id)
        mine_s = self.session_rows.slice(person_id)
        s_days = self.session_rows.days[mine_s]
        planned = _planned_on(plan, days)
        if mine_s.stop > mine_s.start:
            done = self.done[mine_s]
            daily = _Daily.from_days(days, planned, s_days[done], self.completion[mine_s][done])
        else:
            daily = _Daily.from_days(days, planned, s_days[:0], np.zeros(0))
        if mine_c.stop > mine_c.start:
            scored = _Scored.from_columns(
                self.checkin_rows.days[mine_c],
                self.checkin_columns.scores[mine_c],
                self.checkin_is_after[mine_c],
            )
        else:
            scored = _Scored.from_columns(
                np.zeros(0, dtype="int64"), np.zeros(0), np.zeros(0, bool)
            )
        if len(days):
            # the change reads the trend's columns as built, not back from the frame
            columns = _trend_columns(scored, days)
            trend = _frame(columns, days) if trend_frame else None
            change = _important_change(days, columns, rule)
        else:
            trend = _trend(scored, days)
            change = important_change(trend, rule)
        low, high = np.searchsorted(self.hurt_rows, [mine_s.start, mine_s.stop])
        hurt = _Hurt.of(
            self.hurt_texts[low:high], self.session_rows.days[self.hurt_rows[low:high]], first, last
        )
        return _Core(days, first, last, mine_s, daily, trend, change, hurt)

    def report(
        self,
        person_id: int,
        plan: Any,
        start: Any,
        end: Any,
        *,
        rule: ImportantChangeRule = IMPORTANT_CHANGE,
        period: str = "In the period shown",
    ) -> PersonReport:
        """The person's report from ``start`` to ``end``."""
        core = self.core(person_id, plan, start, end, rule)
        days, daily = core.days, core.daily
        assert core.trend is not None
        daily_frame = _adherence_frame(daily, "day")
        association = _association(daily, core.trend["daily"].to_numpy())
        per_group, per_exercise = self._items(person_id, core.sessions, core.first, core.last)
        return PersonReport(
            person_id,
            days[0] if len(days) else _as_day(start),
            days[-1] if len(days) else _as_day(end),
            daily_frame,
            _adherence_frame(daily, "week"),
            core.trend,
            core.change,
            association,
            per_group,
            per_exercise,
            core.hurt.frame(),
            _summary(
                daily.planned,
                daily.done,
                _ratio(daily.completion_sum, daily.done),
                core.change,
                association,
                period,
            ),
        )

    def _items(
        self, person_id: int, mine_s: slice, first: int, last: int
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per group and per exercise, over the person's sessions from ``first`` to ``last``."""
        mine_st = self.step_rows.slice(person_id)
        s_days = self.session_rows.days[mine_s]
        in_range = (s_days >= first) & (s_days <= last)
        if mine_s.stop > mine_s.start:
            after_ids = pd.Index(self.session_ids[mine_s][in_range], name="session_id")
            mine_c = self.checkin_rows.slice(person_id)
            if mine_c.stop > mine_c.start:
                people = np.full(len(after_ids), person_id)
                after_values = _after(
                    people,
                    self.session_times[mine_s][in_range],
                    after_ids,
                    self.checkin_columns.take(mine_c),
                    AFTER_SESSION_HOURS,
                )
            else:
                after_values = np.full(len(after_ids), np.nan)
        else:
            after_ids, after_values = pd.Index([], dtype="int64"), np.zeros(0)
        per_item = {}
        has_steps = bool(self.items)
        step_rows = mine_st
        if has_steps:
            # only the steps of the sessions in the period
            in_period = np.isin(self.step_sessions[mine_st], after_ids.to_numpy())
        for key in ("group", "exercise_id"):
            if has_steps:
                codes, names = self.items[key]
                codes = np.where(in_period, codes[step_rows], -1)
                per_item[key] = _person_items(
                    (codes, names),
                    slice(0, len(codes)),
                    self.step_sessions[step_rows],
                    self.step_done[step_rows],
                    after_ids,
                    after_values,
                    key,
                )
            else:
                per_item[key] = _person_items(
                    None, slice(0, 0), None, None, after_ids, after_values, key
                )
        return per_item["group"], per_item["exercise_id"]


def person_report(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    steps: pd.DataFrame,
    plan: Any,
    start: Any,
    end: Any,
    *,
    person_id: int,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
    period: str = "In the period shown",
) -> PersonReport:
    """One person's :class:`PersonReport` from ``start`` to ``end`` (the dashboard's numbers).

    The frames may hold other people too; only ``person_id``'s rows are used. The check-ins
    are all of the person's (the starting level is their first week, and the 7-day mean at
    the start of the period uses the days before it).
    """
    return _Log(checkins, sessions, steps).report(
        person_id, plan, start, end, rule=rule, period=period
    )


def person_reports(
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    steps: pd.DataFrame,
    planned_by_person: Mapping[int, Any],
    end: Any,
    *,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
) -> dict[int, PersonReport]:
    """A :class:`PersonReport` for every person in ``planned_by_person`` who has a session or a
    check-in, from their first one to ``end``, reading the frames once.

    Each report is what :func:`person_report` gives for that person and period.
    """
    log = _Log(checkins, sessions, steps)
    reports = {}
    for person_id, plan in planned_by_person.items():
        first = log.first_day(person_id)
        if first is None:
            continue
        reports[person_id] = log.report(person_id, plan, _stamp(first), _as_day(end), rule=rule)
    return reports
