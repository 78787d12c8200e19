"""What the guided session says and sounds, and when: the cue plan of each step.

The browser speaks and beeps (it knows the time to the millisecond; the kernel does not send a
message every second), but *what* is said at *which moment of a step* is decided here, in one
place that tests can read without a browser:

* get ready: the name of the exercise coming up; the first set of each later exercise
  starts with its name (the start of other sets: "go", or the side);
* a new side: "switch sides"; a rest: "rest"; the first step of the last of several sets:
  "last set";
* the last three seconds of a counted-down step: "3", "2", "1";
* reps at a tempo: each rep counted aloud when the person chooses it (``count_reps``);
* the end: a sound of its own (:func:`backcare.sound.finish_chime`) and "well done".

Each cue is ``{"at": seconds into the step, "say": words, "sound": "beep" | "end" | ""}``.
A step-start beep and a flash of the countdown mark every step change as well; they are the
fallback when no voice is available or the voice is switched off.

:class:`CueSettings` are the person's choices (voice, beeps, volume, counting reps, keeping
the screen awake), kept per person in the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .timeline import Step, StepKind

__all__ = ["COUNTDOWN_WORDS", "CueSettings", "cue_plan", "step_cues"]

#: The last seconds of a step, said aloud.
COUNTDOWN_WORDS = ("3", "2", "1")


@dataclass(frozen=True, slots=True)
class CueSettings:
    """How a person likes to be cued. ``volume`` is 0-100."""

    voice: bool = True
    beeps: bool = True
    volume: int = 80
    count_reps: bool = False
    keep_awake: bool = True

    def __post_init__(self) -> None:
        for name in ("voice", "beeps", "count_reps", "keep_awake"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"the setting {name!r} is on or off (true or false)")
        volume = self.volume
        if isinstance(volume, bool) or not isinstance(volume, int) or not 0 <= volume <= 100:
            raise ValueError("the volume is a whole number from 0 to 100")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CueSettings:
        """Settings from a stored record; unknown keys are ignored, missing ones default."""
        if not data:
            return cls()
        names = ("voice", "beeps", "volume", "count_reps", "keep_awake")
        return cls(**{name: data[name] for name in names if name in data})


def _exercise_name(step: Step) -> str:
    """The exercise's name without the side in brackets."""
    return step.title.split(" (", 1)[0]


def step_cues(
    step: Step, following: Step | None, count_reps: bool = False, previous: Step | None = None
) -> list[dict]:
    """The cues of ``step`` (``following`` and ``previous`` are the steps around it)."""
    cues: list[dict[str, Any]] = []

    def say(at: float, words: str, sound: str = "") -> None:
        cues.append({"at": round(float(at), 3), "say": words, "sound": sound})

    kind = step.kind
    if kind is StepKind.DONE:
        say(0, "Well done. That is the end of the session.", "end")
        return cues
    if kind is StepKind.GET_READY:
        name = _exercise_name(following) if following and following.exercise_id else ""
        say(0, f"Get ready: {name}" if name else "Get ready", "beep")
    elif kind is StepKind.SWITCH:
        say(0, "Switch sides", "beep")
    elif kind is StepKind.REST:
        say(0, "Rest", "beep")
    elif kind.is_work:
        first_side = step.side in (None, "left", "alternating")
        last_set = bool(step.sets and step.sets > 1 and step.set_number == step.sets)
        named = previous is not None and previous.kind is StepKind.GET_READY
        words = "Last set" if last_set and first_side else ""
        if not words and step.set_number in (None, 1) and first_side and not named:
            words = _exercise_name(step)  # a new exercise, not named at a get-ready
            if step.side == "left":
                words += ", left side"
        if not words and step.side in ("left", "right"):
            words = f"{step.side.capitalize()} side"
        say(0, words or "Go", "beep")
        if kind is StepKind.REPS and count_reps and not step.self_paced and step.rep_seconds:
            for rep in range(2, (step.reps or 0) + 1):  # rep 1 starts with the "go"
                say((rep - 1) * step.rep_seconds, str(rep))
    if (
        not step.self_paced
        and step.seconds >= 5
        and not (
            kind is StepKind.REPS and count_reps and step.rep_seconds and step.rep_seconds <= 3
        )
    ):
        for n, word in enumerate(COUNTDOWN_WORDS):
            say(step.seconds - len(COUNTDOWN_WORDS) + n, word)
    return cues


def cue_plan(steps: Sequence[Step], count_reps: bool = False) -> list[list[dict]]:
    """The cues of every step of a timeline, in order."""
    return [
        step_cues(
            step,
            steps[i + 1] if i + 1 < len(steps) else None,
            count_reps,
            steps[i - 1] if i > 0 else None,
        )
        for i, step in enumerate(steps)
    ]
