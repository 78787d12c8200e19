"""What the workbook says about safety, in one place: red flags, stopping, hurting exercises.

The exercises are general fitness guidance, not treatment, and the workbook never diagnoses.
Red flags are signs that back pain needs a professional's prompt attention rather than
exercise; they are listed here once and shown where a person starts (the start page), before a
guided session starts, and on the printed handout. Every sentence is plain text; the HTML
helpers escape nothing user-typed because nothing here is.
"""

from __future__ import annotations

__all__ = [
    "HURT_ADVICE",
    "NOT_TREATMENT",
    "RED_FLAGS",
    "RED_FLAGS_INTRO",
    "RED_FLAGS_WHERE",
    "red_flags_html",
    "red_flags_sentence",
    "red_flags_text",
]

RED_FLAGS_INTRO = (
    "Stop and seek care promptly, rather than exercise, if your back pain comes with any of these:"
)

RED_FLAGS: tuple[str, ...] = (
    "numbness around the genitals, buttocks or inner thighs (the area a saddle would touch)",
    "new trouble passing or holding urine or stool",
    "weakness or numbness that spreads down a leg",
    "fever, feeling unwell, or weight loss you cannot explain",
    "pain that began after a fall or an injury",
    "severe pain at night that rest does not ease",
    "a history of cancer",
)
"""Signs that back pain needs prompt care (the domain's red flags), in plain words."""

RED_FLAGS_WHERE = (
    "See a doctor the same day, or go to urgent care if numbness, weakness or bladder or "
    "bowel trouble came on suddenly. These signs are rare and do not say what is wrong; they "
    "say that a professional should look first."
)

NOT_TREATMENT = (
    "This is general fitness guidance, not treatment, and it does not diagnose anything. Stop "
    "an exercise that brings on sharp pain or pain that keeps getting worse, and see a health "
    "professional about pain that persists."
)

HURT_ADVICE = (
    "Ease off (a shorter hold, fewer reps, a smaller range) or leave the exercise out for now; "
    "if it keeps hurting, talk to a physiotherapist or doctor before doing it again."
)
"""What to do about an exercise reported as hurting (dashboard, trainer overview)."""


def red_flags_sentence() -> str:
    """The red flags in one paragraph, for tight places (before a session, the handout)."""
    return f"{RED_FLAGS_INTRO} {'; '.join(RED_FLAGS)}. {RED_FLAGS_WHERE}"


def red_flags_text() -> str:
    """The red flags as plain text: the opening, one line a sign, and where to go."""
    lines = [RED_FLAGS_INTRO, *(f"- {flag}" for flag in RED_FLAGS), RED_FLAGS_WHERE]
    return "\n".join(lines)


def red_flags_html(css_class: str = "backcare-red-flags") -> str:
    """The red flags as an HTML block (a heading, a list, where to go)."""
    items = "".join(f"<li>{flag}</li>" for flag in RED_FLAGS)
    return (
        f'<div class="{css_class}" role="note">'
        f"<p><b>When to seek care instead.</b> {RED_FLAGS_INTRO}</p>"
        f"<ul>{items}</ul><p>{RED_FLAGS_WHERE}</p></div>"
    )
