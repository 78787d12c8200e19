"""The dashboard's summary in plain words: adherence, the change in discomfort, the
associations, and the exercises reported as hurting."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._common import _plural
from .association import METHOD, Association
from .change import ChangeResult


def summary_sentences(
    daily_adherence: pd.DataFrame,
    change: ChangeResult,
    assoc: Association | None = None,
    *,
    period: str = "In the period shown",
) -> list[str]:
    """The plain-words summary: adherence, the change in discomfort (with why some scores are
    not in it), and the associations.

    ``period`` opens the first sentence ("In the last 4 weeks").
    """
    if len(daily_adherence):
        planned_by_day = daily_adherence["planned"].to_numpy()
        done_by_day = daily_adherence["done"].to_numpy()
        completion = daily_adherence["completion"].to_numpy(dtype="float64")
    else:
        planned_by_day = done_by_day = completion = np.zeros(0)
    return _summary(planned_by_day, done_by_day, completion, change, assoc, period)


def _summary(
    planned_by_day: np.ndarray,
    done_by_day: np.ndarray,
    completion: np.ndarray,
    change: ChangeResult,
    assoc: Association | None,
    period: str,
) -> list[str]:
    """:func:`summary_sentences` from the daily adherence's columns as arrays."""
    planned = int(planned_by_day.sum()) if len(planned_by_day) else 0
    done = int(done_by_day.sum())
    sentences = []
    if planned:
        share = done / planned * 100
        text = f"{period} you did {done} of {_plural(planned, 'planned session')} ({share:.0f} %)."
    elif done:
        text = f"{period} you did {_plural(done, 'session')}; no routine schedule planned any."
    else:
        text = f"{period} there are no sessions planned or done yet."
    finished = ~np.isnan(completion)
    if done and finished.any():
        weights = done_by_day[finished]
        mean_completion = float((completion[finished] * weights).sum() / weights.sum()) * 100
        text += f" On average you finished {mean_completion:.0f} % of each session you did."
    sentences.append(text)
    sentences.append(change.sentence())
    sentences.extend(change.notes())
    if assoc is not None:
        sentences.extend(assoc.sentences())
        if assoc.next_day.has_interval or assoc.weekly.has_interval:
            sentences.append(METHOD)
    return sentences


def hurting_sentences(hurting: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[str]:
    """One sentence an exercise reported as hurting: how often and when last (most often
    first); empty when nothing hurt. ``names`` maps exercise ids to names."""
    names = names or {}
    sentences = []
    for exercise_id, row in hurting.iterrows():
        name = names.get(str(exercise_id), str(exercise_id))
        times = "once" if int(row["times"]) == 1 else f"{int(row['times'])} times"
        sentences.append(f"{name} hurt {times}, last on {row['last']:%d %b %Y}.")
    return sentences
