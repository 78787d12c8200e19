"""A contact sheet: every exercise's start and end pictures on one HTML page.

``python -m backcare.figures.sheet OUT.html`` writes it; the browser test renders it and
saves a screenshot, and ``make screenshots`` refreshes the copy the README shows.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from ..catalog import Catalog, load_catalog
from .api import exercise_svg
from .library import Figures, load_figures

__all__ = ["contact_sheet_html"]


def contact_sheet_html(
    catalog: Catalog | None = None, figures: Figures | None = None, *, size: int = 210
) -> str:
    """A page with one row per exercise: its name and cue, the start and the end picture."""
    catalog = catalog or load_catalog(include_user=False)
    figures = figures if figures is not None else load_figures(include_user=False)
    rows = []
    for exercise in catalog.exercises:
        pictures = "".join(
            f'<figure class="backcare-sheet-pose">'
            f"{exercise_svg(exercise, phase=phase, size=size, figures=figures)}"
            f"<figcaption>{caption}</figcaption></figure>"
            for phase, caption in (("start", "start"), ("end", "end / hold"))
        )
        rows.append(
            f'<section class="backcare-sheet-exercise" data-exercise="{html.escape(exercise.id)}">'
            f"<h2>{html.escape(exercise.name)}</h2>"
            f'<div class="backcare-sheet-poses">{pictures}</div></section>'
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>backcare: the exercises, start and end</title><style>"
        'body{font-family:"DejaVu Sans",Arial,sans-serif;margin:12px;color:#1a1a1a}'
        "h1{font-size:18px;margin:0 0 8px}"
        ".backcare-sheet{display:grid;grid-template-columns:repeat(3,auto);gap:10px 18px}"
        ".backcare-sheet-exercise{border:1px solid #ccc;border-radius:6px;padding:6px 8px}"
        ".backcare-sheet-exercise h2{font-size:14px;margin:0 0 4px}"
        ".backcare-sheet-poses{display:flex;gap:6px}"
        ".backcare-sheet-pose{margin:0;text-align:center;font-size:12px;color:#444}"
        "</style></head><body><h1>The nine exercises: start and end (or held) position</h1>"
        f'<div class="backcare-sheet">{"".join(rows)}</div></body></html>'
    )


if __name__ == "__main__":  # pragma: no cover - a helper for people
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "contact_sheet.html")
    target.write_text(contact_sheet_html(), encoding="utf-8")
    print(f"wrote {target}")
