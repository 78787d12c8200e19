"""Plain words, the table behind the dashboard, the trainer overview (one row a person) and
everyone's reports in one pass over the store's frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import MIN_DAYS_PER_GROUP, _equals, _numbers, _plural, _present
from .adherence import HIGH_ADHERENCE_SHARE, _adherence_frame, _Daily, _planned_count, _planned_on
from .association import Association, _association
from .change import (
    IMPORTANT_CHANGE,
    ChangeResult,
    ImportantChangeRule,
    _overall_change,
    important_change,
)
from .days import _NO_DAY, _as_day, _day_number, _day_numbers, _day_range, _stamp, _utc_microseconds
from .exercises import AFTER_SESSION_HOURS, _after, _CheckinColumns, _exercise_steps, _person_items
from .trend import BASELINE_DAYS, ROLLING_DAYS, _Baseline, _numbers_scored, _Scores, _trend_frame


def daily_table(trend: pd.DataFrame, daily_adherence: pd.DataFrame) -> pd.DataFrame:
    """The numbers the dashboard shows, one row a day (what the CSV download holds)."""
    days = trend.index.union(daily_adherence.index)
    table = pd.DataFrame(index=days)
    table.index.name = "day"
    table = table.join(trend[["n", "daily", "rolling", "baseline", "change_points"]]).join(
        daily_adherence[["planned", "done", "share", "completion"]]
    )
    return table.rename(
        columns={
            "n": "checkins",
            "daily": "discomfort_mean",
            "rolling": f"discomfort_{ROLLING_DAYS}day_mean",
            "baseline": "discomfort_baseline",
            "change_points": "change_from_baseline",
            "planned": "sessions_planned",
            "done": "sessions_done",
            "share": "sessions_share",
            "completion": "session_completion",
        }
    )


def summary_sentences(
    daily_adherence: pd.DataFrame,
    change: ChangeResult,
    assoc: Association | None = None,
    *,
    period: str = "In the period shown",
) -> list[str]:
    """The plain-words summary: adherence, the change in discomfort, and the associations.

    ``period`` opens the first sentence ("In the last 4 weeks").
    """
    planned = int(daily_adherence["planned"].to_numpy().sum()) if len(daily_adherence) else 0
    done_by_day = daily_adherence["done"].to_numpy() if len(daily_adherence) else np.zeros(0)
    done = int(done_by_day.sum())
    sentences = []
    if planned:
        share = done / planned * 100
        text = f"{period} you did {done} of {_plural(planned, 'planned session')} ({share:.0f} %)."
    elif done:
        text = f"{period} you did {_plural(done, 'session')}; no routine schedule planned any."
    else:
        text = f"{period} there are no sessions planned or done yet."
    completion = (
        daily_adherence["completion"].to_numpy(dtype="float64")
        if len(daily_adherence)
        else np.zeros(0)
    )
    finished = ~np.isnan(completion)
    if done and finished.any():
        weights = done_by_day[finished]
        mean_completion = float((completion[finished] * weights).sum() / weights.sum()) * 100
        text += f" On average you finished {mean_completion:.0f} % of each session you did."
    sentences.append(text)
    sentences.append(change.sentence())
    if assoc is not None:
        sentences.extend(assoc.sentences())
    return sentences


def trainer_overview(
    people: Mapping[int, str] | Iterable[Any],
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    planned_by_person: Mapping[int, Any],
    today: Any,
    *,
    weeks: int = 4,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
) -> pd.DataFrame:
    """One row a person: last session, adherence over the last ``weeks`` weeks up to
    ``today``, the change in discomfort from the starting level (baseline) and its flag.

    ``people`` maps person ids to names (or is a list of objects with ``id`` and ``name``);
    ``planned_by_person`` maps a person id to what :func:`planned_sessions` accepts. The
    adherence window starts no earlier than the person's first session or check-in.
    """
    if isinstance(people, Mapping):
        names = {int(k): str(v) for k, v in people.items()}
    else:
        names = {int(p.id): str(p.name) for p in people}
    end = _day_number(today)
    window_start = end - (7 * weeks - 1)
    # every column read once for everyone, then sliced per person
    checkin_rows = _PersonRows(checkins, "at")
    checkin_scores = _numbers(checkins["discomfort"]) if len(checkins) else np.zeros(0)
    session_rows = _PersonRows(sessions, "started_at")
    if len(sessions):
        done_steps = np.nan_to_num(_numbers(sessions["done_steps"]), nan=0.0)
        session_done = done_steps[session_rows.order] > 0
    else:
        session_done = np.zeros(0, dtype=bool)
    rows = []
    for person_id, name in names.items():
        checkin_slice = checkin_rows.slice(person_id)
        session_slice = session_rows.slice(person_id)
        checkin_days = checkin_rows.days[checkin_slice]
        session_days = session_rows.days[session_slice]
        done_days = session_days[session_done[session_slice]]
        done_days = done_days[done_days != _NO_DAY]
        last = _stamp(done_days.max()) if len(done_days) else pd.NaT
        known = np.r_[checkin_days, session_days]
        known = known[known != _NO_DAY]
        start = max(window_start, int(known.min())) if len(known) else end + 1
        if start <= end:
            planned = _planned_count(planned_by_person.get(person_id), start, end)
            done_count = int(((done_days >= start) & (done_days <= end)).sum())
        else:
            planned = done_count = 0
        scores = checkin_scores[checkin_rows.order[checkin_slice]]
        scored = (checkin_days != _NO_DAY) & ~np.isnan(scores)
        change = _overall_change(checkin_days[scored], scores[scored], rule)
        rows.append(
            {
                "person_id": person_id,
                "name": name,
                "last_session": last,
                f"done_{weeks}w": done_count,
                f"planned_{weeks}w": planned,
                f"adherence_{weeks}w": done_count / planned if planned else math.nan,
                "baseline": change.baseline,
                "current": change.current,
                "change_points": change.change_points,
                "change_percent": change.change_percent,
                "flag": change.flag,
            }
        )
    columns = [
        "person_id",
        "name",
        "last_session",
        f"done_{weeks}w",
        f"planned_{weeks}w",
        f"adherence_{weeks}w",
        "baseline",
        "current",
        "change_points",
        "change_percent",
        "flag",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"last_session": "datetime64[us]"})


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
            self.order = np.zeros(0, dtype="int64")
            self.people = np.zeros(0, dtype="int64")
            self.days = np.zeros(0, dtype="int64")

    def slice(self, person_id: int) -> slice:
        low = int(np.searchsorted(self.people, person_id, side="left"))
        high = int(np.searchsorted(self.people, person_id, side="right"))
        return slice(low, high)


@dataclass(frozen=True, slots=True)
class PersonReport:
    """Everything the dashboard computes for one person from ``start`` to ``end``.

    Each field equals what the single-person function gives for the person's own rows:
    ``daily``/``weekly`` are :func:`adherence`, ``trend`` :func:`discomfort_trend`, ``change``
    :func:`important_change`, ``association`` :func:`association` (all over the range), and
    ``per_group``/``per_exercise`` :func:`by_group`/:func:`by_exercise` over the whole log.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    daily: pd.DataFrame
    weekly: pd.DataFrame
    trend: pd.DataFrame
    change: ChangeResult
    association: Association
    per_group: pd.DataFrame
    per_exercise: pd.DataFrame
    sentences: list[str]


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
    check-in, from their first one to ``end``, in one pass over the store's frames.

    The same numbers as calling the single-person functions person by person, read from the
    frames once: each column is converted once for everyone and then sliced per person.
    """
    end_day = _as_day(end)
    checkin_rows = _PersonRows(checkins, "at")
    session_rows = _PersonRows(sessions, "started_at")
    step_rows = _PersonRows(steps, None)
    if len(checkins):
        checkin_columns = _CheckinColumns.of(checkins).take(checkin_rows.order)
    if len(sessions):
        session_ids = sessions["session_id"].to_numpy()[session_rows.order]
        session_times = _utc_microseconds(sessions["started_at"])[session_rows.order]
        done = np.nan_to_num(_numbers(sessions["done_steps"]), nan=0.0)[session_rows.order] > 0
        completion = np.clip(_numbers(sessions["completion"])[session_rows.order], 0, 1)
    items = {}
    if len(steps):
        step_done = _equals(steps["status"], "done")[step_rows.order]
        step_sessions = steps["session_id"].to_numpy()[step_rows.order]
        for key in ("group", "exercise_id"):
            column = steps[key]
            keep = _exercise_steps(steps, key) & _present(column) & ~_equals(column, "")
            codes = np.full(len(steps), -1, dtype="int64")
            if keep.any():
                kept_codes, names = pd.factorize(column[keep], sort=True)
                codes[keep] = kept_codes
            else:
                names = pd.Index([], dtype="object")
            items[key] = (codes[step_rows.order], names)
    reports = {}
    for person_id, plan in planned_by_person.items():
        mine_c = checkin_rows.slice(person_id)
        mine_s = session_rows.slice(person_id)
        mine_st = step_rows.slice(person_id)
        c_days, s_days = checkin_rows.days[mine_c], session_rows.days[mine_s]
        known = np.r_[c_days, s_days]
        known = known[known != _NO_DAY]
        if len(known) == 0:
            continue
        start = _stamp(known.min())
        days = _day_range(start, end_day)
        if mine_s.stop > mine_s.start:
            person_done = done[mine_s]
            daily = _Daily.from_days(
                days,
                _planned_on(plan, days),
                s_days[person_done],
                completion[mine_s][person_done],
            )
        else:
            daily = _Daily.from_days(days, _planned_on(plan, days), s_days[:0], np.zeros(0))
        if mine_c.stop > mine_c.start:
            person_checkins = checkin_columns.take(mine_c)
            all_scores = _numbers_scored(c_days, person_checkins.scores)
            baseline = _Baseline.of(*all_scores, BASELINE_DAYS)
            scores = _numbers_scored(*all_scores, start, end_day)
            trend_scores = _Scores.from_days(days, *scores)
        else:
            person_checkins = None
            baseline = _Baseline.of(c_days[:0], np.zeros(0), BASELINE_DAYS)
            trend_scores = _Scores.from_days(days, c_days[:0], np.zeros(0))
        trend = _trend_frame(trend_scores, ROLLING_DAYS, baseline, BASELINE_DAYS)
        change = important_change(trend, rule)
        association_result = _association(
            daily, trend_scores, MIN_DAYS_PER_GROUP, HIGH_ADHERENCE_SHARE
        )
        daily_frame = _adherence_frame(daily, "day")
        if mine_s.stop > mine_s.start:
            after_ids = pd.Index(session_ids[mine_s], name="session_id")
            if person_checkins is None:
                after_values = np.full(len(after_ids), np.nan)
            else:
                people = np.full(len(after_ids), person_id)
                after_values = _after(
                    people, session_times[mine_s], after_ids, person_checkins, AFTER_SESSION_HOURS
                )
        else:
            after_ids, after_values = pd.Index([], dtype="int64"), np.zeros(0)
        per_item = {}
        for key in ("group", "exercise_id"):
            per_item[key] = _person_items(
                items.get(key),
                mine_st,
                step_sessions if len(steps) else None,
                step_done if len(steps) else None,
                after_ids,
                after_values,
                key,
            )
        per_group = per_item["group"]
        per_group = per_group.assign(
            adherence=(
                per_group["steps_done"]
                / per_group["steps_planned"].where(per_group["steps_planned"] > 0)
            )
        )
        reports[person_id] = PersonReport(
            start,
            end_day,
            daily_frame,
            _adherence_frame(daily, "week"),
            trend,
            change,
            association_result,
            per_group,
            per_item["exercise_id"],
            summary_sentences(daily_frame, change, association_result),
        )
    return reports
