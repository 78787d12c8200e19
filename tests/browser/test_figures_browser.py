"""Every drawing rendered by Chromium: the contact sheet, the motion, the planner's pictures.

Screenshots go to the ignored ``tests/artifacts/screenshots`` (or ``$BACKCARE_SCREENSHOTS``,
which ``make screenshots`` points at ``docs/screenshots`` to refresh the README's copies), so
running the tests changes no tracked file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from backcare.catalog import Catalog
from backcare.figures import exercise_svg, load_figures
from backcare.figures.sheet import contact_sheet_html

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def _shots() -> Path:
    """``$BACKCARE_SCREENSHOTS`` (relative to the checkout) or the ignored default."""
    chosen = os.environ.get("BACKCARE_SCREENSHOTS", "").strip()
    folder = Path(chosen).expanduser() if chosen else REPO / "tests" / "artifacts" / "screenshots"
    folder = folder if folder.is_absolute() else REPO / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sheet_page(browser: Any):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    try:
        yield page
    finally:
        context.close()


# Each picture's drawn box (the figure's group) inside the picture's own box.
_BOXES = """() => Array.from(document.querySelectorAll('svg.backcare-figure')).map((svg) => {
    const outer = svg.getBoundingClientRect();
    const inner = svg.querySelector('g').getBoundingClientRect();
    return {label: svg.getAttribute('aria-label'), outer: [outer.left, outer.top, outer.right,
            outer.bottom], inner: [inner.left, inner.top, inner.right, inner.bottom]};
})"""


def test_contact_sheet_renders_every_figure(sheet_page: Any, catalog: Catalog) -> None:
    page = sheet_page
    page.set_content(contact_sheet_html(catalog, size=200))
    boxes = page.evaluate(_BOXES)
    assert len(boxes) == 2 * len(catalog)  # a start and an end for each exercise
    for box in boxes:
        left, top, right, bottom = box["outer"]
        i_left, i_top, i_right, i_bottom = box["inner"]
        assert right - left == 200 and bottom - top == 150, box
        assert i_right - i_left > 60 and i_bottom - i_top > 20, box  # something is drawn
    for exercise in catalog.exercises:
        assert page.locator(f'[aria-label="{exercise.name}: start position"]').count() == 1
    assert page.errors == []
    page.set_viewport_size({"width": 1400, "height": 300})  # the page's own height, no blank
    page.screenshot(path=str(_shots() / "figures_contact_sheet.png"), full_page=True)


def test_moving_figure_follows_its_loop(sheet_page: Any, catalog: Catalog) -> None:
    """Seek the dead bug's loop: the near heel goes down, then the far one, then back."""
    page = sheet_page
    figures = load_figures(include_user=False)
    svg = exercise_svg(catalog["dead_bug_heel_touch"], size=320, figures=figures)
    page.set_content(f"<body style='margin:0'>{svg}</body>")
    lowest = """(t) => {
        const svg = document.querySelector('svg');
        svg.pauseAnimations();
        svg.setCurrentTime(t);
        const bottom = (el) => el.getBoundingClientRect().bottom;
        const feet = Array.from(svg.querySelectorAll('path[stroke-linejoin="round"]')).filter(
            (p) => p.getAttribute('fill') !== '#ffffff');
        return feet.map(bottom);
    }"""
    top_of_loop = page.evaluate(lowest, 0.0)
    first_down = page.evaluate(lowest, 1.5)  # a quarter of the 6 s loop: right heel down
    second_down = page.evaluate(lowest, 4.5)  # three quarters: the other heel down
    assert len(top_of_loop) == 2
    # y grows downwards: a lowered foot's bottom edge is further down the page
    assert first_down[1] > top_of_loop[1] + 40 and abs(first_down[0] - top_of_loop[0]) < 1
    assert second_down[0] > top_of_loop[0] + 40 and abs(second_down[1] - top_of_loop[1]) < 1
    for t, name in ((0.0, "a"), (1.5, "b")):
        page.evaluate(lowest, t)
        page.locator("svg").screenshot(path=str(_shots() / f"figure_dead_bug_frame_{name}.png"))


def test_still_and_mirrored_pictures_do_not_move(sheet_page: Any, catalog: Catalog) -> None:
    page = sheet_page
    figures = load_figures(include_user=False)
    right = exercise_svg(catalog["calf_stretch"], phase="hold", side="right", figures=figures)
    left = exercise_svg(catalog["calf_stretch"], phase="hold", side="left", figures=figures)
    page.set_content(f"<div id='r'>{right}</div><div id='l'>{left}</div>")
    head = """(id) => {
        const svg = document.querySelector(`#${id} svg`);
        const box = svg.getBoundingClientRect();
        const head = svg.querySelector('circle[r="10"]').getBoundingClientRect();
        return (head.left + head.right) / 2 - box.left;
    }"""
    width = 160
    right_head, left_head = page.evaluate(head, "r"), page.evaluate(head, "l")
    assert right_head == pytest.approx(width - left_head, abs=1)  # the mirror image
    page.wait_for_timeout(600)
    assert page.evaluate(head, "r") == right_head  # still: a hold does not move


def test_planner_rows_show_moving_pictures(lab: Any) -> None:
    app = lab.open_and_run("01_plan_a_routine.ipynb", ".backcare-planner")
    pictures = app.locator(".backcare-exercise-picture svg")
    pictures.first.wait_for(state="visible")
    assert pictures.count() == 9
    for i in range(pictures.count()):
        box = pictures.nth(i).bounding_box()
        assert box is not None and box["width"] > 60 and box["height"] > 45
    # the loops run in the page (SMIL time advances)
    running = pictures.first.evaluate("(svg) => svg.getCurrentTime()")
    lab.page.wait_for_timeout(500)
    assert pictures.first.evaluate("(svg) => svg.getCurrentTime()") > running
    rows = app.locator(".backcare-exercise-row")
    rows.first.scroll_into_view_if_needed()
    lab.page.evaluate(
        "(el) => el.scrollIntoView({block: 'start'})",
        app.locator(".backcare-exercise-row").first.element_handle(),
    )
    lab.page.screenshot(path=str(_shots() / "01_plan_a_routine_pictures.png"))


def test_handout_page_with_pictures(sheet_page: Any, catalog: Catalog) -> None:
    """The printable plan of five exercises, as a reader sees it before printing."""
    from backcare.handout import render_handout
    from backcare.routine import from_groups

    page = sheet_page
    page.set_viewport_size({"width": 800, "height": 1000})
    routine = from_groups(catalog, ["foot_calf", "hip_pelvis"], name="Evening for Dana")
    page.set_content(render_handout(routine, catalog, "Dana Example"))
    assert page.locator(".backcare-handout-card svg").count() == 2 * len(routine.items)
    page.screenshot(path=str(_shots() / "handout_with_pictures.png"), full_page=True)
