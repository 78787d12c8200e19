"""The handout printed by Chromium on A4 and Letter: pages, content, nothing cut off.

Needs Debian's ``chromium`` (driven through Playwright) and ``pdftotext``/``pdfinfo`` from
poppler-utils. Without them the tests are skipped locally and fail under CI (``CI=true``).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backcare.catalog import Catalog
from backcare.handout import SAFETY_NOTE, render_handout
from backcare.routine import Routine, evening_session, from_groups

from .conftest import _missing

pytestmark = pytest.mark.browser

MARGIN_MM = 15
PAPER_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
PX_PER_MM = 96 / 25.4


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        _missing(f"{tool} not found (apt-get install -y poppler-utils)")
    return str(found)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page()
    try:
        yield opened
    finally:
        opened.close()


def _pdf_pages(pdf: bytes, folder: Path) -> list[str]:
    """The PDF's text, one string per page (whitespace collapsed)."""
    path = folder / "handout.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [_poppler("pdftotext"), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [" ".join(p.split()) for p in pages]


def _pdf_info(pdf: bytes, folder: Path) -> dict[str, str]:
    path = folder / "info.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [_poppler("pdfinfo"), str(path)], capture_output=True, check=True, timeout=60, text=True
    )
    return {
        key.strip(): value.strip()
        for key, value in (line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    }


def _print(page: Any, routine: Routine, catalog: Catalog, person: str, paper: str) -> bytes:
    page.set_content(render_handout(routine, catalog, person))
    page.emulate_media(media="print")
    return page.pdf(format=paper)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_full_routine_pages_and_content(
    page: Any, catalog: Catalog, tmp_path: Path, paper: str
) -> None:
    routine = evening_session(catalog)
    pdf = _print(page, routine, catalog, "Sam Example", paper)
    info = _pdf_info(pdf, tmp_path)
    width_pt, height_pt = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    expected_w, expected_h = (mm / 25.4 * 72 for mm in PAPER_MM[paper])
    assert abs(width_pt - expected_w) < 2 and abs(height_pt - expected_h) < 2

    pages = _pdf_pages(pdf, tmp_path)
    assert len(pages) == int(info["Pages"])
    assert len(pages) == 2, f"{len(pages)} pages on {paper}"  # the whole catalog: two pages
    text = " ".join(pages)
    assert "Sam Example" in text
    assert " ".join(SAFETY_NOTE.split()[:8]) in text
    for item in routine.items:
        exercise = catalog[item.exercise_id]
        name_pages = [n for n, p in enumerate(pages) if exercise.name in p]
        assert name_pages, f"{exercise.name} missing from the {paper} PDF"
        # break-inside: avoid keeps a card whole: its name and its last cue share a page.
        last_cue = " ".join(exercise.cues[-1].split())
        assert last_cue in pages[name_pages[0]], f"{exercise.name} split across pages"
    # The log sheet is on the last page, all 14 days on it (three tables side by side, so
    # the text runs across them row by row).
    log_page = pages[-1]
    assert "Two-week log" in log_page
    log_text = log_page.split("Two-week log", 1)[1].split("imaginable).", 1)[1]
    log_numbers = re.findall(r"\b\d+\b", log_text.replace("(0-10)", ""))
    assert sorted(int(n) for n in log_numbers) == list(range(1, 15))
    assert "15" not in log_numbers


def test_short_routine_is_one_page(page: Any, catalog: Catalog, tmp_path: Path) -> None:
    routine = from_groups(catalog, ["deep_core"], name="Core only")
    pages = _pdf_pages(_print(page, routine, catalog, "Kim", "A4"), tmp_path)
    assert len(pages) == 1  # the plan and the log sheet on one page
    assert "Dead bug heel touch" in pages[0]
    assert "Two-week log" in pages[0]


@pytest.mark.parametrize(("paper", "sheets"), [("A4", 1), ("Letter", 2)])
def test_five_exercises_fit_one_a4_page(
    page: Any, catalog: Catalog, tmp_path: Path, paper: str, sheets: int
) -> None:
    """A routine of two groups (five exercises), pictures, red flags and log on one A4 sheet
    (Letter is 18 mm shorter: the log moves to a second sheet)."""
    routine = from_groups(catalog, ["foot_calf", "hip_pelvis"], name="Evening for Dana")
    assert len(routine.items) == 5
    pages = _pdf_pages(_print(page, routine, catalog, "Dana Example", paper), tmp_path)
    assert len(pages) == sheets, f"{len(pages)} pages on {paper}"
    assert "Two-week log" in pages[-1] and "Side-lying leg raise" in " ".join(pages)


def test_every_card_prints_its_two_pictures(page: Any, catalog: Catalog) -> None:
    routine = evening_session(catalog)
    page.set_content(render_handout(routine, catalog, "Sam"))
    page.emulate_media(media="print")
    cards = page.evaluate(
        """() => Array.from(document.querySelectorAll('.backcare-handout-card')).map((card) => {
            const box = card.getBoundingClientRect();
            return Array.from(card.querySelectorAll('svg')).map((svg) => {
                const r = svg.getBoundingClientRect();
                return {inside: r.left >= box.left && r.right <= box.right && r.top >= box.top
                        && r.bottom <= box.bottom, w: r.width, h: r.height,
                        label: svg.getAttribute('aria-label')};
            });
        })"""
    )
    assert len(cards) == len(routine.items)
    for item, pictures in zip(routine.items, cards, strict=True):
        name = catalog[item.exercise_id].name
        assert [p["label"].split(": ")[0] for p in pictures] == [name, name]
        for picture in pictures:
            assert picture["inside"] and picture["w"] > 80 and picture["h"] > 60, picture


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_nothing_wider_than_the_printable_width(page: Any, catalog: Catalog, paper: str) -> None:
    width_mm, height_mm = PAPER_MM[paper]
    printable_px = int((width_mm - 2 * MARGIN_MM) * PX_PER_MM)
    page.set_viewport_size(
        {"width": printable_px, "height": int((height_mm - 2 * MARGIN_MM) * PX_PER_MM)}
    )
    long_word = "Supercalifragilistic" * 4  # no place to break: must still wrap
    routine = evening_session(catalog).renamed(long_word)
    page.set_content(render_handout(routine, catalog, long_word[:60]))
    page.emulate_media(media="print")
    overflow = page.evaluate(
        """(limit) => {
            const bad = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 && box.height === 0) continue;
                if (box.left < -0.5 || box.right > limit + 0.5) {
                    bad.push(`${el.tagName}.${el.className}: ${box.left}-${box.right}`);
                }
            }
            const root = document.documentElement;
            return {bad, scroll: root.scrollWidth, client: root.clientWidth};
        }""",
        printable_px,
    )
    assert overflow["bad"] == []
    assert overflow["scroll"] <= printable_px
    checked = page.evaluate("document.body.querySelectorAll('.backcare-handout-card').length")
    assert checked == len(routine.items)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_png_screenshot(page: Any, catalog: Catalog, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 800, "height": 1000})
    page.set_content(render_handout(from_groups(catalog, ["deep_core"]), catalog, "Kim"))
    short_png = page.screenshot(full_page=True)
    page.set_content(render_handout(evening_session(catalog), catalog, "Kim"))
    long_png = page.screenshot(full_page=True)
    (tmp_path / "handout.png").write_bytes(long_png)
    short_w, short_h = _png_size(short_png)
    long_w, long_h = _png_size(long_png)
    assert short_w == long_w == 800
    assert long_h > short_h >= 1000  # more exercises, a longer page
