"""Per exercise and per group: how often each was planned and done, and the discomfort
reported after sessions that included it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._common import (
    _equals,
    _equals_any,
    _frame,
    _group_means,
    _nan_mean,
    _numbers,
    _present,
    _reduceat,
    _text_codes,
)
from .days import _NO_DAY, _day_number, _day_numbers, _stamps, _utc_microseconds

AFTER_SESSION_HOURS = 24
"""A check-in up to this many hours after a session starts counts as "after" it."""


def discomfort_after_sessions(
    sessions: pd.DataFrame, checkins: pd.DataFrame, *, hours: float = AFTER_SESSION_HOURS
) -> pd.Series:
    """The discomfort reported after each session, indexed by ``session_id``.

    A check-in marked ``context="after"`` for the session wins; otherwise the first check-in
    (not marked "before") within ``hours`` of the session's start. NaN when there is none.
    """
    if len(sessions) == 0:
        return pd.Series([], dtype="float64", name="discomfort_after")
    index = pd.Index(sessions["session_id"])
    if len(checkins) == 0:
        return pd.Series(np.full(len(sessions), np.nan), index=index, name="discomfort_after")
    values = _after(
        sessions["person_id"].to_numpy(),
        _utc_microseconds(sessions["started_at"]),
        index,
        _CheckinColumns.of(checkins),
        hours,
    )
    return pd.Series(values, index=index, name="discomfort_after")


@dataclass(frozen=True, slots=True)
class _CheckinColumns:
    """What :func:`discomfort_after_sessions` reads from the check-ins, as numpy arrays."""

    people: np.ndarray
    times: np.ndarray  # microseconds since 1970 UTC
    scores: np.ndarray
    usable: np.ndarray  # may be the check-in that follows a session
    linked: np.ndarray  # marked "after" for a session
    linked_ids: np.ndarray  # that session's id

    @classmethod
    def of(cls, checkins: pd.DataFrame) -> _CheckinColumns:
        scores = _numbers(checkins["discomfort"])
        context = checkins["context"]
        usable = ~_equals(context, "before") & ~np.isnan(scores)
        people = checkins["person_id"].to_numpy()
        if people.dtype.kind == "f":
            usable = usable & ~np.isnan(people)
        times = _utc_microseconds(checkins["at"])
        usable = usable & (times != _NO_DAY)
        linked = _equals(context, "after") & _present(checkins["session_id"])
        return cls(people, times, scores, usable, linked, checkins["session_id"].to_numpy())

    def take(self, rows: Any) -> _CheckinColumns:
        return _CheckinColumns(
            self.people[rows],
            self.times[rows],
            self.scores[rows],
            self.usable[rows],
            self.linked[rows],
            self.linked_ids[rows],
        )


def _after(
    people: np.ndarray,
    times: np.ndarray,
    index: pd.Index,
    checkins: _CheckinColumns,
    hours: float,
) -> np.ndarray:
    """The values of :func:`discomfort_after_sessions` for sessions given by column."""
    result = np.full(len(index), np.nan)
    keep = checkins.usable
    if keep.any():
        result = _next_score(
            people,
            times,
            checkins.people[keep],
            checkins.times[keep],
            checkins.scores[keep],
            int(pd.Timedelta(hours=hours) // pd.Timedelta(microseconds=1)),
        )
    linked = checkins.linked
    if linked.any():
        linked_scores = pd.Series(checkins.scores[linked], index=checkins.linked_ids[linked])
        linked_mean = linked_scores.groupby(level=0).mean()
        linked_mean.index = linked_mean.index.astype(index.dtype, copy=False)
        found = linked_mean.reindex(index).to_numpy()
        result = np.where(np.isnan(found), result, found)
    return result


def _next_score(
    people: np.ndarray,
    times: np.ndarray,
    checkin_people: np.ndarray,
    checkin_times: np.ndarray,
    scores: np.ndarray,
    tolerance: int,
) -> np.ndarray:
    """For each (person, time): the score of that person's first check-in at or after the time
    and at most ``tolerance`` later (what ``merge_asof(direction="forward")`` picks); NaN if
    none."""
    result = np.full(len(times), np.nan)
    # in time order as pandas' ``sort_values`` gives it (the same numpy sort on datetime64, so
    # among check-ins at the very same time the same one is picked), then by person
    order = np.argsort(checkin_times.view("datetime64[us]"), kind="quicksort")
    order = order[np.argsort(checkin_people[order], kind="stable")]
    checkin_people, checkin_times = checkin_people[order], checkin_times[order]
    scores = scores[order]
    for person in np.unique(people):
        mine = np.flatnonzero((people == person) & (times != _NO_DAY))
        low = np.searchsorted(checkin_people, person, side="left")
        high = np.searchsorted(checkin_people, person, side="right")
        if low == high or len(mine) == 0:
            continue
        their_times = checkin_times[low:high]
        position = np.searchsorted(their_times, times[mine], side="left")
        inside = position < len(their_times)
        position = np.minimum(position, len(their_times) - 1)
        inside &= their_times[position] - times[mine] <= tolerance
        result[mine[inside]] = scores[low:high][position[inside]]
    return result


_ITEM_COLUMNS = [
    "sessions_planned",
    "sessions_done",
    "share_done",
    "steps_planned",
    "steps_done",
    "discomfort_after_with",
    "discomfort_after_without",
]


def _per_item(
    steps: pd.DataFrame,
    sessions: pd.DataFrame,
    checkins: pd.DataFrame,
    key: str,
    name: str,
) -> pd.DataFrame:
    """Per value of ``steps[key]`` over the exercise steps (see :func:`by_exercise`).

    Works on (item, session) pairs: a pair is planned when the session had a step of the item,
    done when one of those steps was done.
    """
    if len(steps):
        all_codes, names = _item_codes(steps[key], _work_steps(steps))
        keep = all_codes >= 0
    if len(steps) == 0 or not keep.any():
        return _no_items(name)
    session_ids = steps["session_id"].to_numpy()[keep]
    is_done = _equals(steps["status"], "done")[keep]
    after = discomfort_after_sessions(sessions, checkins)
    return _item_frame(
        all_codes[keep], names, session_ids, is_done, after.index, after.to_numpy(), name
    )


def _item_frame(
    codes: np.ndarray,
    names: pd.Index,
    session_ids: np.ndarray,
    is_done: np.ndarray,
    after_ids: pd.Index,
    after_values: np.ndarray,
    name: str,
) -> pd.DataFrame:
    """:func:`_per_item` from the kept steps' item codes (into ``names``), session ids and done
    flags, and the discomfort after each session."""
    order = np.lexsort((session_ids, codes))
    codes, session_ids, is_done = codes[order], session_ids[order], is_done[order]
    new_pair = np.r_[True, (codes[1:] != codes[:-1]) | (session_ids[1:] != session_ids[:-1])]
    pair_starts = np.flatnonzero(new_pair)
    pair_item, pair_session = codes[pair_starts], session_ids[pair_starts]
    pair_steps = np.diff(np.r_[pair_starts, len(codes)]).astype("int64")
    pair_done_steps = _reduceat(is_done.astype("int64"), pair_starts)
    pair_done = pair_done_steps > 0
    # steps count only in sessions where some exercise step was done: a session started and
    # left with nothing done is not a session done (as in adherence), so its steps do not add
    # to the "steps planned" totals
    in_done_session = np.isin(pair_session, session_ids[is_done])
    pair_steps = np.where(in_done_session, pair_steps, 0)
    item_starts = np.flatnonzero(np.r_[True, pair_item[1:] != pair_item[:-1]])
    sessions_planned = np.diff(np.r_[item_starts, len(pair_item)]).astype("int64")
    sessions_done = _reduceat(pair_done.astype("int64"), item_starts)

    ids = after_ids.to_numpy()
    unique = False  # no ids: looked up by id (and found nowhere)
    if len(ids):
        # what ``after_ids.get_indexer(pair_session)`` finds (the ids are unique), in numpy
        sorter = np.argsort(ids, kind="stable")
        at = sorter[np.minimum(np.searchsorted(ids, pair_session, sorter=sorter), len(ids) - 1)]
        found = ids[at] == pair_session
        pair_after = np.where(found, after_values[at], np.nan)
        in_order = ids[sorter]
        unique = bool(np.all(in_order[1:] != in_order[:-1]))
    else:
        pair_after = np.full(len(pair_session), np.nan)
    count = len(names)
    with_mean = _group_means(pair_item[pair_done], pair_after[pair_done], count)
    # sessions done that did not include the item (for a fair comparison); with unique ids
    # each session's place among the ids is known (``at``), otherwise looked up by id
    if unique:
        in_done = np.zeros(len(ids), dtype=bool)
        in_done[at[pair_done & found]] = True
    else:
        in_done = np.isin(ids, pair_session[pair_done])
    without = np.full(count, np.nan)
    for item in np.unique(pair_item[pair_done]):
        mine = pair_done & (pair_item == item)
        if unique:
            left = in_done.copy()
            left[at[mine & found]] = False
            without[item] = _nan_mean(after_values[left])
        else:
            after_done_ids = ids[in_done]
            left = ~np.isin(after_done_ids, pair_session[mine])
            without[item] = _nan_mean(after_values[in_done][left])
    steps_planned = _reduceat(pair_steps, item_starts)
    steps_done = _reduceat(pair_done_steps, item_starts)
    columns = {
        "sessions_planned": sessions_planned,
        "sessions_done": sessions_done,
        "share_done": sessions_done / sessions_planned,
        "steps_planned": steps_planned,
        "steps_done": steps_done,
        "discomfort_after_with": with_mean,
        "discomfort_after_without": without,
    }
    if name == "group":
        columns["adherence"] = _group_adherence(steps_done, steps_planned)
    return _frame(columns, names.rename(name))


def _group_adherence(steps_done: np.ndarray, steps_planned: np.ndarray) -> np.ndarray:
    """A group's adherence: its share of planned exercise steps done (NaN where none were
    planned in a session done)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return steps_done / np.where(steps_planned > 0, steps_planned, np.nan)


def _no_items(name: str) -> pd.DataFrame:
    """The table of :func:`_per_item` with no item (with the adherence column per group)."""
    columns = [*_ITEM_COLUMNS, "adherence"] if name == "group" else _ITEM_COLUMNS
    return pd.DataFrame(
        {c: pd.Series([], dtype="float64") for c in columns},
        index=pd.Index([], name=name, dtype="object"),
    )


def _work_steps(steps: pd.DataFrame) -> np.ndarray:
    """Which steps are exercise work (kind hold or reps; every step without a ``kind``)."""
    if "kind" not in steps:
        return np.ones(len(steps), dtype=bool)
    return _equals(steps["kind"], "hold") | _equals(steps["kind"], "reps")


def _item_codes(items: pd.Series, keep: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``items`` into their sorted distinct names, over the rows where ``keep`` holds
    and the item is given (not missing, not empty); -1 in the other rows.

    The codes and names are what ``pd.factorize(items[kept], sort=True)`` gives for the kept
    rows, from one pass over the column (the names are sorted among themselves).
    """
    codes, uniques = _text_codes(items)
    keep = keep & (codes >= 0) & ~_equals_any(codes, uniques, ("",))
    used = np.unique(codes[keep])
    if len(used) == 0:
        return np.full(len(items), -1, dtype=np.intp), pd.Index([], dtype="object")
    ranks, names = pd.factorize(uniques.take(used), sort=True)
    lookup = np.full(len(uniques), -1, dtype=np.intp)
    lookup[used] = ranks
    return np.where(keep, lookup[codes], -1), names


def by_exercise(
    steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame
) -> pd.DataFrame:
    """Per exercise: sessions that planned it, sessions that did it, and discomfort after.

    ``share_done`` is sessions done over sessions planned; ``steps_planned``/``steps_done``
    count the steps of sessions in which some exercise step was done (a session started and
    left with nothing done adds nothing); ``discomfort_after_with`` is the mean
    score after done sessions that included the exercise, ``discomfort_after_without`` after
    done sessions that did not (see :func:`discomfort_after_sessions`).
    """
    return _per_item(steps, sessions, checkins, "exercise_id", "exercise_id")


def by_group(steps: pd.DataFrame, sessions: pd.DataFrame, checkins: pd.DataFrame) -> pd.DataFrame:
    """Like :func:`by_exercise`, per exercise group; ``steps_done / steps_planned`` is the
    group's adherence (its share of planned exercise steps done)."""
    return _per_item(steps, sessions, checkins, "group", "group")


def _person_items(
    item_codes: tuple[np.ndarray, pd.Index] | None,
    rows: slice,
    step_sessions: np.ndarray | None,
    step_done: np.ndarray | None,
    after_ids: pd.Index,
    after_values: np.ndarray,
    key: str,
) -> pd.DataFrame:
    """:func:`_per_item` for one person from the columns :func:`person_reports` read."""
    codes = item_codes[0][rows] if item_codes is not None else np.zeros(0, dtype="int64")
    kept = codes >= 0
    if step_sessions is None or step_done is None or item_codes is None or not kept.any():
        return _no_items(key)
    present, local = np.unique(codes[kept], return_inverse=True)
    return _item_frame(
        local,
        item_codes[1][present],
        step_sessions[rows][kept],
        step_done[rows][kept],
        after_ids,
        after_values,
        key,
    )


def hurting_exercises(sessions: pd.DataFrame, start: Any = None, end: Any = None) -> pd.DataFrame:
    """Exercises reported as hurting ("Did any exercise hurt?"), from ``start`` to ``end``.

    One row an exercise, most often first: ``times`` is how many sessions reported it as
    hurting, ``last`` the day of the latest one. Reads the sessions' ``hurt_exercises``
    (comma-separated exercise ids); empty when nothing hurt.
    """
    if len(sessions) == 0 or "hurt_exercises" not in sessions:
        return _hurting(np.zeros(0, dtype=object), np.zeros(0, dtype="int64"), None, None)
    first = None if start is None else _day_number(start)
    last = None if end is None else _day_number(end)
    texts = sessions["hurt_exercises"].to_numpy(dtype=object)
    return _hurting(texts, _day_numbers(sessions["started_at"]), first, last)


_NO_HURT = pd.DataFrame(
    {"times": np.zeros(0, dtype="int64"), "last": np.zeros(0, dtype="datetime64[us]")},
    index=pd.Index([], name="exercise_id", dtype="object"),
)
"""The table of exercises that hurt, with none (copied, never handed out itself)."""


def _has_text(texts: np.ndarray) -> np.ndarray:
    """Which entries are non-empty text."""
    return np.fromiter(
        (isinstance(t, str) and t != "" for t in texts), dtype=bool, count=len(texts)
    )


@dataclass(frozen=True, slots=True)
class _Hurt:
    """Exercises reported as hurting, most often first: how many times and the day number of
    the latest (what :func:`hurting_exercises` shows, before it is made a table)."""

    exercises: tuple[str, ...]
    times: tuple[int, ...]
    last: tuple[int, ...]

    @classmethod
    def of(cls, texts: np.ndarray, days: np.ndarray, first: int | None, last: int | None) -> _Hurt:
        """From the sessions' texts and day numbers (``first`` and ``last`` day numbers,
        ``None`` for no limit)."""
        if len(texts) == 0:
            return cls((), (), ())
        keep = (days != _NO_DAY) & _has_text(texts)
        if first is not None:
            keep &= days >= first
        if last is not None:
            keep &= days <= last
        times: dict[str, int] = {}
        latest: dict[str, int] = {}
        for text, day in zip(texts[keep], days[keep], strict=True):
            for exercise in dict.fromkeys(e.strip() for e in text.split(",")):
                if exercise:
                    times[exercise] = times.get(exercise, 0) + 1
                    latest[exercise] = max(latest.get(exercise, int(day)), int(day))
        order = sorted(times, key=lambda e: (-times[e], -latest[e], e))
        return cls(tuple(order), tuple(times[e] for e in order), tuple(latest[e] for e in order))

    def frame(self) -> pd.DataFrame:
        """The table :func:`hurting_exercises` gives."""
        if not self.exercises:
            return _NO_HURT.copy()
        return pd.DataFrame(
            {
                "times": np.array(self.times, dtype="int64"),
                "last": _stamps(np.array(self.last, dtype="int64")),
            },
            index=pd.Index(list(self.exercises), name="exercise_id", dtype="object"),
        )


def _hurting(texts: np.ndarray, days: np.ndarray, first: int | None, last: int | None):
    """:func:`hurting_exercises` from the sessions' texts and day numbers (``first`` and
    ``last`` day numbers, ``None`` for no limit)."""
    return _Hurt.of(texts, days, first, last).frame()
