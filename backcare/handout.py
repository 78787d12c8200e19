"""A printable plan: one routine for one person, as a self-contained HTML page.

The page is meant to be opened in a browser and printed (or saved as PDF) on A4 or US
Letter alike: the print CSS uses 15 mm margins and a content width that fits the narrower
of the two (Letter is 215.9 mm wide, A4 297 mm high), and no exercise card is split across
a page break. It holds, in order: a title and the person's name, the total time and when
the routine is planned, the equipment for the whole routine, one card per exercise (name,
cue steps, prescription, sides), the safety note, and a blank two-week log sheet.

Everything that comes from a user or a file (person name, routine name, exercise texts
from a user's own catalog) is HTML-escaped. The page loads nothing from the network.
"""

from __future__ import annotations

import datetime as dt
import html
import math

from . import paths
from .catalog import Catalog, Exercise
from .figures import FigureError, Figures, exercise_svg, load_figures
from .prescription import Kind, Sides
from .routine import Routine
from .safety import red_flags_sentence

__all__ = [
    "LOG_DAYS",
    "SAFETY_NOTE",
    "handout_filename",
    "minutes_text",
    "plan_file_stem",
    "render_handout",
    "whole_minutes",
]

LOG_DAYS = 14
_LOG_TABLES = 3  # side by side, so the log takes a strip of the page, not a page

SAFETY_NOTE = (
    "This plan is general fitness guidance, not a treatment, and it does not diagnose "
    "anything. Move slowly and within a comfortable range. If an exercise brings on sharp "
    "pain, or pain that gets worse as you go, stop that exercise. If pain lasts, keeps coming "
    "back or worries you, see a doctor or physiotherapist before you carry on."
)

_SIDES_TEXT = {
    Sides.EACH: "each side in turn",
    Sides.BOTH: "both sides at once",
    Sides.ALTERNATING: "left and right alternating",
}

_CSS = """
@page { margin: 15mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; }
body { margin: 0 auto; padding: 12px; max-width: 180mm; font-size: 9.5pt; line-height: 1.3; }
h1 { font-size: 14pt; margin: 0 0 0.5mm 0; overflow-wrap: anywhere; }
h2 { font-size: 11pt; margin: 2mm 0 1mm 0; border-bottom: 1px solid #999; }
h3 { font-size: 10.5pt; margin: 0 0 0.5mm 0; overflow-wrap: anywhere; }
p, li, td, th { overflow-wrap: anywhere; }
.backcare-handout-person { font-size: 10.5pt; margin: 0 0 0.5mm 0; }
.backcare-handout-facts { margin: 0; padding: 0; list-style: none; }
.backcare-handout-facts li { display: inline; }
.backcare-handout-facts > li + li::before { content: " · "; }
.backcare-handout-equipment { display: inline; margin: 0; padding: 0; list-style: none; }
.backcare-handout-equipment li { display: inline; }
.backcare-handout-equipment li + li::before { content: "; "; }
.backcare-handout-card {
  display: flex; gap: 3mm; align-items: flex-start;
  border: 1px solid #bbb; border-radius: 2mm; padding: 0.7mm 2.5mm; margin: 0 0 1mm 0;
  break-inside: avoid; page-break-inside: avoid;
}
.backcare-handout-pictures { display: flex; gap: 1mm; flex: none; }
.backcare-handout-pictures figure { margin: 0; text-align: center; font-size: 7.5pt; color: #444; }
.backcare-handout-pictures svg { display: block; width: 25mm; height: 18.75mm; }
.backcare-handout-text { flex: 1; min-width: 0; }
.backcare-handout-card .meta { margin: 0 0 0.3mm 0; color: #333; font-size: 8pt; line-height: 1.2; }
.backcare-handout-card ol { margin: 0; padding-left: 5mm; font-size: 8pt; line-height: 1.15; }
.backcare-handout-safety {
  border-left: 4px solid #c62828; background: #fdecea; padding: 0.8mm 2.5mm; margin: 1.5mm 0;
  font-size: 7.5pt; line-height: 1.15; break-inside: avoid; page-break-inside: avoid;
}
.backcare-handout-safety p { margin: 0; }
.backcare-handout-safety p + p { margin-top: 0.5mm; }
.backcare-handout-log { break-inside: avoid; page-break-inside: avoid; }
.backcare-handout-log p { margin: 0 0 0.8mm 0; font-size: 8.5pt; }
.backcare-handout-log-tables { display: flex; gap: 3mm; align-items: flex-start; }
.backcare-handout-log table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.backcare-handout-log th, .backcare-handout-log td {
  border: 1px solid #777; padding: 0 1.5mm; height: 5.6mm; text-align: left;
  vertical-align: middle; font-size: 8.5pt;
}
.backcare-handout-log th {
  height: auto; padding: 0.5mm 1mm; background: #eee; font-size: 7pt; line-height: 1.1;
  white-space: nowrap;
}
.backcare-handout-log tr { break-inside: avoid; page-break-inside: avoid; }
.backcare-handout-log col.day { width: 13%; }
.backcare-handout-log col.date { width: 25%; }
.backcare-handout-log col.done { width: 15%; }
.backcare-handout-log col.discomfort { width: 47%; }
.backcare-handout-log td { white-space: nowrap; }
.backcare-handout-footer { margin-top: 1mm; font-size: 8pt; color: #555; }
@media print {
  body { padding: 0; max-width: none; }
  .backcare-handout-safety { background: none; }
  .backcare-handout-log th { background: none; }
  svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def whole_minutes(seconds: float) -> int:
    """Seconds as whole minutes, halves rounded up, never less than one."""
    return max(1, math.floor(seconds / 60 + 0.5))


def minutes_text(seconds: float) -> str:
    """A routine's length for people: ``about 14 minutes``."""
    minutes = whole_minutes(seconds)
    return f"about {minutes} minute" + ("s" if minutes != 1 else "")


def render_handout(
    routine: Routine,
    catalog: Catalog,
    person_name: str | None = None,
    *,
    prepared_on: dt.date | None = None,
    figures: Figures | None = None,
) -> str:
    """The complete printable HTML page for ``routine`` (and ``person_name`` if given).

    Each exercise shows its start and end (or held) pictures from ``figures`` (by default
    the bundled drawings and the trainer's own).
    """
    prepared_on = prepared_on or dt.date.today()
    person = (person_name or "").strip()
    total = minutes_text(routine.duration_seconds(catalog))
    equipment = routine.equipment(catalog)
    groups = ", ".join(catalog.group(g).name for g in routine.groups(catalog))

    title = f"Back-care plan: {routine.name}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}{' for ' + _e(person) if person else ''}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        '<body class="backcare-handout">',
        f'<h1 class="backcare-handout-title">{_e(title)}</h1>',
    ]
    if person:
        parts.append(f'<p class="backcare-handout-person">For: <strong>{_e(person)}</strong></p>')
    count = len(routine.items)
    needs = ", ".join(equipment) if equipment else "nothing but a little floor space"
    parts += [
        '<ul class="backcare-handout-facts">',
        f'<li class="backcare-handout-total">Total time: <strong>{_e(total)}</strong> '
        f"({count} exercise{'s' if count != 1 else ''}, "
        "rests and side changes included)</li>",
        f"<li>When: {_e(routine.schedule.describe())}</li>",
        f"<li>Groups: {_e(groups)}</li>",
        f"<li>Prepared on {prepared_on:%d %B %Y}</li>",
        '<li class="backcare-handout-needs"><strong>What you need:</strong> '
        '<ul class="backcare-handout-equipment">'
        + "".join(f"<li>{_e(thing)}</li>" for thing in equipment or [needs])
        + "</ul></li>",
        "</ul>",
        f'<div class="backcare-handout-safety"><p>{_e(SAFETY_NOTE)}</p>'
        f'<p class="backcare-handout-red-flags">{_e(red_flags_sentence())}</p></div>',
    ]

    parts.append(
        "<h2>The exercises</h2>"
        if not any(catalog[i.exercise_id].per_side for i in routine.items)
        else "<h2>The exercises <small>(pictures show the right side; "
        "do the left the same way)</small></h2>"
    )
    steps = routine.steps(catalog)
    figures = _figures(figures)
    for number, item in enumerate(routine.items, start=1):
        exercise = catalog[item.exercise_id]
        seconds = sum(s.seconds for s in steps if s.exercise_id == item.exercise_id)
        cues = "".join(f"<li>{_e(cue)}</li>" for cue in exercise.cues)
        kit = ", ".join(exercise.equipment) or "nothing"
        parts.append(
            f'<section class="backcare-handout-card" data-exercise="{_e(exercise.id)}">'
            f"{_pictures(exercise, figures)}"
            '<div class="backcare-handout-text">'
            f'<h3 class="backcare-handout-exercise">{number}. {_e(exercise.name)}</h3>'
            '<p class="meta">'
            f"<strong>Do:</strong> {_e(item.prescription.describe(exercise.sides))}"
            f" &middot; <strong>Sides:</strong> {_e(_SIDES_TEXT[exercise.sides])}"
            f" &middot; <strong>Time:</strong> {_e(minutes_text(seconds))}"
            f" &middot; <strong>Works:</strong> {_e(', '.join(exercise.targets))}"
            f" &middot; <strong>Needs:</strong> {_e(kit)}</p>"
            f"<ol>{cues}</ol></div></section>"
        )

    per_table = math.ceil(LOG_DAYS / _LOG_TABLES)
    tables = "".join(
        "<table>"
        '<colgroup><col class="day"><col class="date"><col class="done">'
        '<col class="discomfort"></colgroup>'
        "<thead><tr><th>Day</th><th>Date</th><th>Done</th><th>Discomfort (0-10)</th>"
        "</tr></thead><tbody>"
        + "".join(
            f"<tr><td>{day}</td><td></td><td></td><td></td></tr>"
            for day in range(first, min(first + per_table, LOG_DAYS + 1))
        )
        + "</tbody></table>"
        for first in range(1, LOG_DAYS + 1, per_table)
    )
    parts += [
        '<section class="backcare-handout-log">',
        "<h2>Two-week log</h2>",
        "<p>A line a day: the date, a tick if you did the routine, your back's discomfort "
        "from 0 (none) to 10 (worst imaginable).</p>",
        f'<div class="backcare-handout-log-tables">{tables}</div>',
        f'<p class="backcare-handout-footer">{_e(routine.name)}'
        f"{' &middot; ' + _e(person) if person else ''} &middot; made with backcare</p>",
        "</section>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _figures(figures: Figures | None) -> Figures:
    """The drawings; a trainer's broken figure table leaves their exercises unpictured."""
    if figures is not None:
        return figures
    try:
        return load_figures()
    except FigureError:
        return load_figures(include_user=False)


def _pictures(exercise: Exercise, figures: Figures) -> str:
    """Start and end (or held) pictures, still, drawn for the right side."""
    end = "hold" if exercise.kind is Kind.HOLD else "end"
    return (
        '<div class="backcare-handout-pictures">'
        + "".join(
            "<figure>"
            + exercise_svg(exercise, phase=phase, size=102, figures=figures).replace(_XMLNS, "")
            + f"<figcaption>{caption}</figcaption></figure>"
            for phase, caption in (("start", "start"), (end, end))
        )
        + "</div>"
    )


_XMLNS = ' xmlns="http://www.w3.org/2000/svg"'  # not needed inside an HTML page


def plan_file_stem(routine: Routine, person_name: str | None = None) -> str:
    """Safe file-name words for a person's routine, e.g. ``sam-evening-session``."""
    words = [paths.slug(person_name or "", 50), paths.slug(routine.name, 50)]
    return "-".join(w for w in words if w) or "plan"


def handout_filename(routine: Routine, person_name: str | None = None) -> str:
    """A safe file name such as ``handout-sam-evening-session.html``."""
    return f"handout-{plan_file_stem(routine, person_name)}.html"
