"""Plain words, the table behind the dashboard, and the trainer overview (one row a person).

The trainer overview is each person's report over the last weeks from the one implementation
in :mod:`.reports`, so its numbers are the dashboard's numbers for the same period.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .change import IMPORTANT_CHANGE, ImportantChangeRule
from .days import _as_day, _day_number, _stamp
from .reports import _Log
from .trend import ROLLING_DAYS


def daily_table(trend: pd.DataFrame, daily_adherence: pd.DataFrame) -> pd.DataFrame:
    """The numbers the dashboard shows, one row a day (what the CSV download holds)."""
    days = trend.index.union(daily_adherence.index)
    table = pd.DataFrame(index=days)
    table.index.name = "day"
    columns = ["n", "daily", "rolling", "baseline", "change_points"]
    columns += [c for c in ("n_after", "after_session") if c in trend]
    table = table.join(trend[columns]).join(
        daily_adherence[["planned", "done", "share", "completion"]]
    )
    return table.rename(
        columns={
            "n": "checkins",
            "daily": "discomfort_mean",
            "rolling": f"discomfort_{ROLLING_DAYS}day_mean",
            "baseline": "discomfort_baseline",
            "change_points": "change_from_baseline",
            "n_after": "after_session_checkins",
            "after_session": "discomfort_right_after_sessions",
            "planned": "sessions_planned",
            "done": "sessions_done",
            "share": "sessions_share",
            "completion": "session_completion",
        }
    )


OVERVIEW_COLUMNS = [
    "person_id",
    "name",
    "last_session",
    "done_{weeks}w",
    "planned_{weeks}w",
    "adherence_{weeks}w",
    "baseline",
    "current",
    "change_points",
    "change_percent",
    "flag",
    "hurt_exercises",
    "hurt_times",
    "hurt_last",
]


def trainer_overview(
    people: Mapping[int, str] | Iterable[Any],
    checkins: pd.DataFrame,
    sessions: pd.DataFrame,
    planned_by_person: Mapping[int, Any],
    today: Any,
    *,
    weeks: int = 4,
    rule: ImportantChangeRule = IMPORTANT_CHANGE,
    steps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row a person: last session, adherence over the last ``weeks`` weeks up to
    ``today``, the change in discomfort from the starting level (baseline) with its flag, and
    the exercises reported as hurting in those weeks.

    Each row's numbers are the person's report for those weeks (:meth:`_Log.core`, what the
    dashboard shows for "Last 4 weeks"): the period starts no earlier than the person's first
    session or check-in. ``people`` maps person ids to names (or is a list of objects with
    ``id`` and
    ``name``); ``planned_by_person`` maps a person id to what
    :func:`~backcare.analysis.planned_sessions` accepts. ``hurt_exercises`` lists the
    exercise ids that hurt (most often first, comma-separated), ``hurt_times`` how many
    times, ``hurt_last`` the latest day.
    """
    if isinstance(people, Mapping):
        names = {int(k): str(v) for k, v in people.items()}
    else:
        names = {int(p.id): str(p.name) for p in people}
    end = _day_number(today)
    window_start = end - (7 * weeks - 1)
    log = _Log(checkins, sessions, steps if steps is not None else pd.DataFrame())
    columns = [c.format(weeks=weeks) for c in OVERVIEW_COLUMNS]
    rows = []
    nan = math.nan
    for person_id, name in names.items():
        first = log.first_day(person_id)
        row: dict[str, Any] = dict.fromkeys(columns, nan)
        row.update(person_id=person_id, name=name, last_session=log.last_session(person_id))
        row.update({f"done_{weeks}w": 0, f"planned_{weeks}w": 0, "flag": "not enough data yet"})
        row.update(hurt_exercises="", hurt_times=0, hurt_last=pd.NaT)
        if first is not None and max(window_start, first) <= end:
            core = log.core(
                person_id,
                planned_by_person.get(person_id),
                _stamp(max(window_start, first)),
                _as_day(today),
                rule,
                trend_frame=False,  # only the change is shown
            )
            planned = int(core.daily.planned.sum())
            done = int(core.daily.done.sum())
            change = core.change
            hurt = core.hurt
            row.update(
                {
                    f"done_{weeks}w": done,
                    f"planned_{weeks}w": planned,
                    f"adherence_{weeks}w": done / planned if planned else nan,
                    "baseline": change.baseline,
                    "current": change.current,
                    "change_points": change.change_points,
                    "change_percent": change.change_percent,
                    "flag": change.flag,
                    "hurt_exercises": ",".join(hurt.exercises),
                    "hurt_times": sum(hurt.times),
                    "hurt_last": _stamp(max(hurt.last)) if hurt.last else pd.NaT,
                }
            )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {"last_session": "datetime64[us]", "hurt_last": "datetime64[us]", "hurt_times": "int64"}
    )
