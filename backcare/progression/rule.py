"""What next? A suggestion per exercise from how the back answered its recent sessions.

The rule is the **pain-monitoring model** (Thomeé, Phys Ther 1997, 77:1690; the model used in
the randomised trial of Silbernagel et al., Am J Sports Med 2007, 35:897) with the step-by-step
schedule of **graded activity**:

* **progress** one step along the exercise's ladder when its last
  :attr:`ProgressionRule.sessions_needed` sessions at the current prescription were all done in
  full, pain during the exercise stayed at :attr:`ProgressionRule.pain_acceptable` or below, and
  none of the next mornings was worse than usual;
* **stay** when the data are mixed (a worse morning, a skipped or unfinished exercise) or too
  few (fewer sessions, a missing pain score or next-morning answer);
* **ease off** one step after pain during above :attr:`ProgressionRule.pain_acceptable`, or
  :attr:`ProgressionRule.worse_mornings_to_ease` worse mornings within a week; when there is no
  lower step, or the pain came back, suggest **leaving the exercise out** and asking a
  professional.

Only sessions at the current prescription count: after a change, the exercise starts afresh.

The steps themselves are the exercise's ladder (:mod:`backcare.progression.ladder`).

Everything here is a pure function of plain records (:class:`SessionRecord`, or a frame with
the same columns, see :data:`RECORD_COLUMNS`), so it does not depend on how the store keeps
them. Suggestions are general fitness guidance: they never override the stop rules (stop an
exercise that causes sharp or worsening pain; seek care promptly for red flags).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..prescription import Kind, Prescription
from .ladder import Ladder, ladder_for, step_down, step_up

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GUIDANCE_NOTE",
    "MORNING_ANSWERS",
    "MORNING_QUESTION",
    "RECORD_COLUMNS",
    "RULE",
    "SOURCES",
    "Action",
    "ProgressionRule",
    "SessionRecord",
    "Suggestion",
    "records_from_frame",
    "suggest",
    "suggest_for_routine",
]

#: The next-morning question and its three answers, in the order they are offered.
MORNING_QUESTION = "Compared with usual, is your back this morning better, the same, or worse?"
MORNING_ANSWERS: tuple[str, ...] = ("better", "same", "worse")

#: Said wherever suggestions are shown.
GUIDANCE_NOTE = (
    "These suggestions are general fitness guidance from a simple published rule, not "
    "treatment. They never override the stop rules: stop any exercise that causes sharp or "
    "worsening pain, and seek care promptly for the warning signs listed at the start of a "
    "session."
)


# -- the rule's parameters ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProgressionRule:
    """The numbers of the rule, in one place; :data:`SOURCES` cites each."""

    sessions_needed: int = 3
    pain_acceptable: int = 5
    worse_mornings_to_ease: int = 2
    week_days: int = 7
    painful_sessions_to_leave_out: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.sessions_needed <= 10:
            raise ValueError("sessions_needed must be from 1 to 10")
        if not 0 <= self.pain_acceptable <= 10:
            raise ValueError("pain_acceptable must be from 0 to 10")
        if self.worse_mornings_to_ease < 1 or self.week_days < 1:
            raise ValueError("worse_mornings_to_ease and week_days must be at least 1")
        if self.painful_sessions_to_leave_out < 1:
            raise ValueError("painful_sessions_to_leave_out must be at least 1")

    def describe(self) -> str:
        """The rule in one paragraph of plain words (shown beside the suggestions)."""
        return (
            f"A step up (a longer hold, more reps, then a second set) is suggested after "
            f"{self.sessions_needed} sessions in a row at the same level done in full, with "
            f"pain during the exercise at {self.pain_acceptable}/10 or less and no morning "
            f"after worse than usual. Pain during above {self.pain_acceptable}/10, or "
            f"{self.worse_mornings_to_ease} worse mornings within {self.week_days} days, "
            "suggests easing off a step; otherwise keep the exercise as it is. (Pain-monitoring "
            "model: Thomeé 1997; Silbernagel et al. 2007. Small steps: graded activity.)"
        )


#: Where each parameter comes from.
SOURCES: Mapping[str, str] = {
    "sessions_needed": (
        "Graded activity: progress on a schedule from the person's own level, not by feel; "
        "3 sessions in a row is this project's choice of schedule (issue 14)."
    ),
    "pain_acceptable": (
        "Pain-monitoring model: pain 0-2/10 during exercise is fine, up to 5/10 acceptable, "
        "above it ease off "
        "(Thomeé, Phys Ther 1997, 77:1690; Silbernagel et al., Am J Sports Med 2007, 35:897)."
    ),
    "worse_mornings_to_ease": (
        "Pain-monitoring model: pain must settle by the next morning and must not build from "
        "week to week (Thomeé 1997); two worse mornings in a week is this project's reading."
    ),
    "week_days": "The week of the pain-monitoring model (Thomeé 1997).",
    "painful_sessions_to_leave_out": (
        "General guidance: see a professional for persistent pain; pain above 5/10 on two "
        "sessions at one level is this project's reading of 'persistent'."
    ),
    "ladder": (
        "Within the source's ranges (holds 30-60 s, 15-20 reps, 1-2 sets): holds 30 -> 45 -> "
        "60 s, reps 15 -> 18 -> 20, then a second set; steps of about 10-50 %, the small steps "
        "of graded activity."
    ),
}
RULE = ProgressionRule()
"""The rule as used by the workbook."""


# -- records -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One session's answer for one exercise.

    ``day`` is the person's calendar day of the session; ``done_in_full`` whether every set
    (and side) of the exercise was done; ``pain_during`` the 0-10 score given after it, or
    ``None``; ``morning`` the next-morning answer (one of :data:`MORNING_ANSWERS`) or ``None``;
    ``sets`` and ``amount`` (hold seconds or reps) what the session asked for, ``None`` when
    not known (taken as the current prescription); ``session_id`` orders sessions on one day.
    """

    day: dt.date
    done_in_full: bool
    pain_during: int | None = None
    morning: str | None = None
    sets: int | None = None
    amount: int | None = None
    session_id: int = 0

    def __post_init__(self) -> None:
        if self.pain_during is not None and not 0 <= self.pain_during <= 10:
            raise ValueError(f"pain during must be 0-10, not {self.pain_during!r}")
        if self.morning is not None and self.morning not in MORNING_ANSWERS:
            raise ValueError(f"a morning answer is one of {MORNING_ANSWERS}, not {self.morning!r}")


#: The columns :func:`records_from_frame` reads (``sets``, ``amount`` and ``session_id`` may
#: be absent).
RECORD_COLUMNS = (
    "exercise_id",
    "day",
    "done_in_full",
    "pain_during",
    "morning",
    "sets",
    "amount",
    "session_id",
)


def records_from_frame(frame: pd.DataFrame) -> dict[str, list[SessionRecord]]:
    """Plain records per exercise id from a frame with :data:`RECORD_COLUMNS`."""
    needed = {"exercise_id", "day", "done_in_full", "pain_during", "morning"}
    absent = needed - set(frame.columns)
    if absent:
        raise ValueError(f"the frame lacks column(s) {', '.join(sorted(absent))}")
    import pandas as pd  # here only: the rule itself runs on plain records

    def missing(value: object) -> bool:
        if value is None or value is pd.NA or value is pd.NaT:
            return True
        return isinstance(value, float) and math.isnan(value)

    out: dict[str, list[SessionRecord]] = {}
    for row in frame.to_dict("records"):
        day = row["day"]
        day = day.date() if isinstance(day, dt.datetime) else day  # a Timestamp is one too

        def number(key: str, row: dict[str, Any] = row) -> int | None:
            value = row.get(key)
            return None if missing(value) else int(value)

        morning = row["morning"]
        out.setdefault(str(row["exercise_id"]), []).append(
            SessionRecord(
                day=day,
                done_in_full=bool(row["done_in_full"])
                if not missing(row["done_in_full"])
                else False,
                pain_during=number("pain_during"),
                morning=None if missing(morning) or morning == "" else str(morning),
                sets=number("sets"),
                amount=number("amount"),
                session_id=number("session_id") or 0,
            )
        )
    return out


# -- suggestions ---------------------------------------------------------------------------
class Action(StrEnum):
    PROGRESS = "progress"
    STAY = "stay"
    TOP = "top"  # done well at the top of the ladder: keep it
    EASE_OFF = "ease_off"
    LEAVE_OUT = "leave_out"  # leave the exercise out and ask a professional

    @property
    def label(self) -> str:
        return {
            Action.PROGRESS: "step up",
            Action.STAY: "keep as it is",
            Action.TOP: "keep as it is (top of its ladder)",
            Action.EASE_OFF: "ease off",
            Action.LEAVE_OUT: "leave it out for now",
        }[self]

    @property
    def changes_plan(self) -> bool:
        """Whether accepting it changes the routine."""
        return self in (Action.PROGRESS, Action.EASE_OFF, Action.LEAVE_OUT)

    @property
    def is_warning(self) -> bool:
        return self in (Action.EASE_OFF, Action.LEAVE_OUT)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to do next with one exercise, and why, in one sentence.

    ``proposed`` is the new prescription (``None`` when nothing changes or the exercise should
    be left out); ``based_on`` is the number of sessions at the current level that were read
    and ``last_day`` the latest of them: a decision about a suggestion holds until these change.
    """

    exercise_id: str
    action: Action
    current: Prescription
    proposed: Prescription | None
    reason: str
    based_on: int = 0
    last_day: dt.date | None = None
    evidence: tuple[int, ...] = field(default=(), compare=False)

    @property
    def data_mark(self) -> str:
        """A short key of the data behind this suggestion (changes when new data arrive)."""
        last = self.last_day.isoformat() if self.last_day else "none"
        ids = ",".join(str(i) for i in self.evidence)
        return f"{self.action.value}|{self.based_on}|{last}|{ids}"


def _day_text(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def _amount_text(p: Prescription) -> str:
    """``30 s``, ``2 × 45 s``, ``18 reps``, ``2 sets of 18 reps``."""
    if p.kind.is_timed:
        one = f"{p.hold_seconds} s"
        return one if p.sets == 1 else f"{p.sets} × {one}"
    one = f"{p.reps} reps"
    return one if p.sets == 1 else f"{p.sets} sets of {one}"


def _verb(p: Prescription) -> str:
    return {Kind.HOLD: "Held", Kind.ROLL: "Rolled", Kind.REPS: "Did", Kind.REPS_HOLD: "Did"}[p.kind]


def _target_text(current: Prescription, proposed: Prescription) -> str:
    if proposed.sets > current.sets:
        return (
            f"a second set ({_amount_text(proposed)})"
            if proposed.sets == 2
            else (f"one more set ({_amount_text(proposed)})")
        )
    return _amount_text(proposed)


def _mornings_text(answers: Sequence[str]) -> str:
    kinds = set(answers)
    if kinds == {"better"}:
        return "mornings better"
    if kinds == {"same"}:
        return "mornings the same"
    return "mornings the same or better"


def _at_current(records: Iterable[SessionRecord], current: Prescription, field_name: str | None):
    """Records whose session asked for the current prescription (unknown counts as current)."""
    amount = getattr(current, field_name) if field_name else current.hold_seconds
    kept = []
    for r in records:
        if r.sets is not None and r.sets != current.sets:
            continue
        if r.amount is not None and amount is not None and r.amount != amount:
            continue
        kept.append(r)
    return sorted(kept, key=lambda r: (r.day, r.session_id))


def suggest(
    exercise_id: str,
    current: Prescription,
    records: Iterable[SessionRecord],
    ladder: Ladder | None,
    rule: ProgressionRule = RULE,
) -> Suggestion:
    """The suggestion for one exercise from its session records (any order)."""
    field_name = ladder.field if ladder is not None else None
    history = _at_current(records, current, field_name)
    recent = history[-rule.sessions_needed :]
    here = _amount_text(current)
    evidence = tuple(r.session_id for r in recent)

    def made(action: Action, reason: str, proposed: Prescription | None = None) -> Suggestion:
        return Suggestion(
            exercise_id,
            action,
            current,
            proposed,
            reason,
            based_on=len(history),
            last_day=history[-1].day if history else None,
            evidence=evidence,
        )

    # 1. ease off: pain above the acceptable level, or worse mornings piling up in a week
    painful = [
        r for r in recent if r.pain_during is not None and r.pain_during > rule.pain_acceptable
    ]
    worse: list[SessionRecord] = []
    if history:
        week_start = history[-1].day - dt.timedelta(days=rule.week_days - 1)
        worse = [r for r in history if r.morning == "worse" and r.day >= week_start]
    if painful or len(worse) >= rule.worse_mornings_to_ease:
        if painful:
            worst = max(painful, key=lambda r: (r.pain_during or 0, r.day))
            why = (
                f"Pain during reached {worst.pain_during}/10 on {_day_text(worst.day)} "
                f"(above {rule.pain_acceptable})"
            )
        else:
            why = f"Your back was worse on {len(worse)} mornings this week after sessions with it"
        lower = step_down(current, ladder)
        if len(painful) >= rule.painful_sessions_to_leave_out:
            return made(
                Action.LEAVE_OUT,
                f"{why}, on {len(painful)} of your last {len(recent)} sessions: leave this "
                "exercise out for now and talk to a physiotherapist or doctor before you take "
                "it up again.",
            )
        if lower is None:
            return made(
                Action.LEAVE_OUT,
                f"{why}, and {here} is already its lowest step: leave this exercise out for now "
                "and talk to a physiotherapist or doctor if it keeps hurting.",
            )
        return made(Action.EASE_OFF, f"{why}: ease off to {_amount_text(lower)}.", lower)

    # 2. stay: too few sessions, or mixed or missing data
    if len(recent) < rule.sessions_needed:
        done = len(history)
        sessions = "session" if done == 1 else "sessions"
        so_far = f"{done} {sessions} at {here} so far" if done else f"No sessions at {here} yet"
        return made(
            Action.STAY,
            f"{so_far}: after {rule.sessions_needed} in a row done in full without much pain, "
            "a next step can be suggested.",
        )
    unfinished = [r for r in recent if not r.done_in_full]
    if unfinished:
        last = unfinished[-1]
        return made(
            Action.STAY,
            f"Not done in full on {_day_text(last.day)} (skipped or stopped early): keep {here} "
            "for now.",
        )
    unscored = [r for r in recent if r.pain_during is None]
    if unscored:
        last = unscored[-1]
        return made(
            Action.STAY,
            f"No pain-during score for {_day_text(last.day)}: keep {here} for now; score each "
            "exercise after a session so the next step can be suggested.",
        )
    unanswered = [r for r in recent if r.morning is None]
    if unanswered:
        last = unanswered[-1]
        return made(
            Action.STAY,
            f"No next-morning answer yet after {_day_text(last.day)}: keep {here} for now; the "
            "first check-in after a session asks how your back is that morning.",
        )
    worse_recent = [r for r in recent if r.morning == "worse"]
    if worse_recent:
        last = worse_recent[-1]
        return made(
            Action.STAY,
            f"Your back was worse the morning after {_day_text(last.day)}: keep {here} for now.",
        )

    # 3. progress (or the top of the ladder)
    highest = max(r.pain_during or 0 for r in recent)
    mornings = _mornings_text([r.morning or "" for r in recent])
    done_text = (
        f"{_verb(current)} {here} in full on your last {len(recent)} sessions, pain during "
        f"{'at most ' if len({r.pain_during for r in recent}) > 1 else ''}{highest}/10, {mornings}"
    )
    if ladder is None:
        return made(
            Action.STAY,
            f"{done_text}: this one stays as it is (about a minute is enough; there is no "
            "step to take).",
        )
    higher = step_up(current, ladder)
    if higher is None:
        return made(
            Action.TOP,
            f"{done_text}: that is the top of its ladder; keep it as it is.",
        )
    return made(Action.PROGRESS, f"{done_text}: try {_target_text(current, higher)}.", higher)


def suggest_for_routine(
    routine: Any,
    catalog: Mapping[str, Any],
    frame: pd.DataFrame | Mapping[str, Sequence[SessionRecord]],
    rule: ProgressionRule = RULE,
) -> list[Suggestion]:
    """A suggestion for each exercise of ``routine`` (in its order), from a records frame (see
    :data:`RECORD_COLUMNS`) or from records already grouped by exercise id."""
    grouped = frame if isinstance(frame, Mapping) else records_from_frame(frame)
    out = []
    for item in routine.items:
        exercise = catalog[item.exercise_id]
        out.append(
            suggest(
                item.exercise_id,
                item.prescription,
                grouped.get(item.exercise_id, ()),
                ladder_for(exercise),
                rule,
            )
        )
    return out
