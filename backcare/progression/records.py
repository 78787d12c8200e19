"""The rule's input, built from the store's frames: one row per session and exercise.

:func:`exercise_records` joins, for one person,

* the session's steps (an exercise is *done in full* when every one of its sets and sides was
  done; a skipped set, or a session stopped before it, is not);
* the prescription the session ran (sets and the hold seconds or reps), from the routine the
  session started with;
* the 0-10 pain-during score given after the exercise, when there is one;
* the next-morning answer (:func:`morning_answers`): the answer given at the first daily
  check-in on a later day than the session.

:func:`morning_question_due` says whether a check-in is the first daily one after a session,
the one that asks the next-morning question. Days are calendar days in ``zone`` (the
person's time zone); without one, on the clock each time was written in.

Pure functions over frames: no store, no widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..prescription import Prescription
from .rule import RECORD_COLUMNS

__all__ = ["exercise_records", "morning_answers", "morning_question_due"]


def _days(times: pd.Series, zone: dt.tzinfo | None) -> pd.Series:
    """The calendar day of each time stamp, in ``zone`` or on its own clock."""

    def day(value: object) -> dt.date | None:
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            return None
        stamp = pd.Timestamp(value)
        if zone is not None and stamp.tzinfo is not None:
            stamp = stamp.tz_convert(zone)
        return stamp.date()

    return pd.Series([day(v) for v in times], index=times.index, dtype="object")


def _daily(checkins: pd.DataFrame) -> pd.DataFrame:
    return checkins.loc[checkins["context"] == "daily"]


def morning_answers(
    sessions: pd.DataFrame, checkins: pd.DataFrame, zone: dt.tzinfo | None = None
) -> pd.Series:
    """For each session (indexed by ``session_id``), its next-morning answer, or ``None``.

    The answer is ``morning`` of the first daily check-in on a later day than the session, as
    long as that day is not after the next day with a session (then it speaks of that one)."""
    ids = sessions["session_id"].to_numpy()
    out = pd.Series([None] * len(ids), index=ids, dtype="object")
    daily = _daily(checkins)
    if sessions.empty or daily.empty:
        return out
    morning = daily["morning"] if "morning" in daily else pd.Series(None, index=daily.index)
    answers = sorted(
        (day, pd.Timestamp(at), int(cid), m if isinstance(m, str) and m else None)
        for day, at, cid, m in zip(
            _days(daily["at"], zone), daily["at"], daily["checkin_id"], morning, strict=True
        )
        if day is not None
    )
    session_days = _days(sessions["started_at"], zone)
    all_days = sorted({d for d in session_days if d is not None})
    for session_id, day in zip(sessions["session_id"], session_days, strict=True):
        if day is None:
            continue
        later = [d for d in all_days if d > day]
        until = later[0] if later else dt.date.max
        for check_day, _at, _cid, answer in answers:
            if check_day > day:
                if check_day <= until:
                    out[session_id] = answer
                break
    return out


def morning_question_due(
    sessions: pd.DataFrame,
    checkins: pd.DataFrame,
    at: dt.datetime,
    zone: dt.tzinfo | None = None,
    *,
    ignore_checkin: int | None = None,
) -> bool:
    """Whether a daily check-in at ``at`` is the first on a later day than the person's latest
    session before it (so it asks the next-morning question). ``ignore_checkin`` leaves out the
    check-in being edited."""
    if sessions.empty:
        return False
    today = _days(pd.Series([at]), zone).iloc[0]
    session_days = [d for d in _days(sessions["started_at"], zone) if d is not None and d < today]
    if not session_days:
        return False
    last_session_day = max(session_days)
    daily = _daily(checkins)
    if ignore_checkin is not None:
        daily = daily.loc[daily["checkin_id"] != ignore_checkin]
    earlier = [d for d in _days(daily["at"], zone) if d is not None and last_session_day < d]
    return not [d for d in earlier if d <= today]


def exercise_records(
    steps: pd.DataFrame,
    sessions: pd.DataFrame,
    checkins: pd.DataFrame,
    prescriptions: Mapping[int, Mapping[str, Prescription]],
    pain: pd.DataFrame | None = None,
    zone: dt.tzinfo | None = None,
) -> pd.DataFrame:
    """One row per session and exercise, with :data:`RECORD_COLUMNS`, in session order.

    ``steps``, ``sessions`` and ``checkins`` are one person's frames as the store hands them
    out (``checkins`` with a ``morning`` column); ``prescriptions`` maps a session id to the
    prescription of each exercise it ran; ``pain`` has ``session_id``, ``exercise_id`` and
    ``pain_during`` (0-10; the highest counts when an exercise was scored twice)."""
    columns = list(RECORD_COLUMNS)
    work = steps.loc[steps["is_work"] & steps["exercise_id"].notna()]
    if work.empty or sessions.empty:
        return pd.DataFrame(columns=columns)
    full = (
        work.assign(done=work["status"] == "done")
        .groupby(["session_id", "exercise_id"], sort=False)["done"]
        .all()
        .rename("done_in_full")
        .reset_index()
    )
    known = sessions[["session_id", "started_at"]].assign(
        day=_days(sessions["started_at"], zone).to_numpy()
    )
    frame = full.merge(known, on="session_id", how="inner")
    mornings = morning_answers(sessions, checkins, zone)
    frame["morning"] = [mornings.get(sid) for sid in frame["session_id"]]
    if pain is not None and not pain.empty:
        scores = (
            pain.dropna(subset=["pain_during"])
            .groupby(["session_id", "exercise_id"])["pain_during"]
            .max()
            .rename("pain_during")
            .reset_index()
        )
        frame = frame.merge(scores, on=["session_id", "exercise_id"], how="left")
    else:
        frame["pain_during"] = pd.NA
    frame["pain_during"] = pd.array(frame["pain_during"], dtype="Int64")

    asked = [
        prescriptions.get(int(sid), {}).get(eid)
        for sid, eid in zip(frame["session_id"], frame["exercise_id"], strict=True)
    ]
    frame["sets"] = pd.array([None if p is None else p.sets for p in asked], dtype="Int64")
    frame["amount"] = pd.array(
        [None if p is None else (p.hold_seconds if p.kind.is_timed else p.reps) for p in asked],
        dtype="Int64",
    )
    frame = frame.sort_values(["started_at", "session_id"], kind="stable")
    return frame[columns].reset_index(drop=True)
