"""The printable plan: content, escaping, file names and the written file."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

from backcare import paths
from backcare.catalog import Catalog
from backcare.handout import (
    LOG_DAYS,
    SAFETY_NOTE,
    handout_filename,
    minutes_text,
    render_handout,
    whole_minutes,
)
from backcare.routine import Routine, evening_session, workday_break

HOSTILE = "<script>alert(1)</script>"


class _Collect(HTMLParser):
    """Text per element class, and every tag seen (to find injected elements)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.log_rows = 0
        self._in_log = 0
        self._in_tbody = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        classes = dict(attrs).get("class") or ""
        if "backcare-handout-log" in classes:
            self._in_log += 1
        if tag == "tbody" and self._in_log:
            self._in_tbody = True
        if tag == "tr" and self._in_tbody:
            self.log_rows += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_tbody = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collect:
    parser = _Collect()
    parser.feed(page)
    return parser


def _plain(page: str) -> str:
    return " ".join(" ".join(_parse(page).text).split())


def test_every_exercise_with_cues_prescription_and_sides(catalog: Catalog) -> None:
    routine = evening_session(catalog)
    page = render_handout(routine, catalog, "Sam")
    text = _plain(page)
    for item in routine.items:
        exercise = catalog[item.exercise_id]
        assert exercise.name in text
        for cue in exercise.cues:
            assert " ".join(cue.split()) in text
        assert item.prescription.describe(exercise.sides) in text
    assert text.count("Sides:") == len(routine.items)
    assert page.count('class="backcare-handout-card"') == len(routine.items)


def test_changed_prescription_shows(catalog: Catalog) -> None:
    routine = evening_session(catalog).with_prescription("calf_stretch", sets=2, hold_seconds=45)
    text = _plain(render_handout(routine, catalog))
    assert "2 sets of 45 s hold, each side" in text


def test_equipment_total_time_and_safety(catalog: Catalog) -> None:
    routine = workday_break(catalog, "upper_back")
    page = render_handout(routine, catalog)
    text = _plain(page)
    for thing in routine.equipment(catalog):
        assert thing in text
    # The equipment list holds each item once, even when exercises share it.
    equipment_block = page.split('class="backcare-handout-equipment">', 1)[1].split("</ul>", 1)[0]
    assert equipment_block.count("<li>") == len(routine.equipment(catalog))
    assert f"Total time: {minutes_text(routine.duration_seconds(catalog))}" in text
    assert SAFETY_NOTE in text
    assert "not a treatment" in SAFETY_NOTE and "stop" in SAFETY_NOTE.lower()


def test_two_week_log_has_fourteen_blank_rows(catalog: Catalog) -> None:
    page = render_handout(evening_session(catalog), catalog)
    assert LOG_DAYS == 14
    assert _parse(page).log_rows == 14
    text = _plain(page)
    for heading in ("Date", "Done", "Discomfort (0-10)"):
        assert heading in text


def test_hostile_names_are_escaped(catalog: Catalog) -> None:
    routine = evening_session(catalog).renamed(f"Plan {HOSTILE}")
    page = render_handout(routine, catalog, f'Ann "{HOSTILE}" & co')
    assert HOSTILE not in page
    assert "script" not in _parse(page).tags
    assert html.escape(HOSTILE) in page
    text = _plain(page)
    assert HOSTILE in text  # shown to the reader as typed, not run
    assert 'Ann "<script>' in text


def test_no_person_means_no_person_line(catalog: Catalog) -> None:
    page = render_handout(evening_session(catalog), catalog, person_name="  ")
    assert 'class="backcare-handout-person"' not in page
    assert "For:" not in _plain(page)
    with_person = render_handout(evening_session(catalog), catalog, person_name="Kim")
    assert "For: Kim" in _plain(with_person)


def test_print_css_fits_a4_and_letter(catalog: Catalog) -> None:
    page = render_handout(evening_session(catalog), catalog)
    assert re.search(r"@page\s*{\s*margin:\s*15mm", page)
    assert "size:" not in page.split("@page", 1)[1].split("}", 1)[0]  # the printer picks
    assert "break-inside: avoid" in page
    # Letter is 215.9 mm wide: minus two 15 mm margins leaves 185.9 mm.
    width = float(re.search(r"max-width:\s*([\d.]+)mm", page).group(1))
    assert width <= 215.9 - 30


def test_prepared_date_and_document_shape(catalog: Catalog) -> None:
    page = render_handout(evening_session(catalog), catalog, prepared_on=dt.date(2025, 2, 3))
    assert page.startswith("<!DOCTYPE html>")
    assert "03 February 2025" in page
    assert "http" not in page  # self-contained: nothing is fetched when printed


def test_minutes() -> None:
    assert whole_minutes(10) == 1
    assert whole_minutes(270) == 5
    assert whole_minutes(855) == 14
    assert minutes_text(60) == "about 1 minute"
    assert minutes_text(600) == "about 10 minutes"


def test_file_name_is_safe(catalog: Catalog) -> None:
    routine = evening_session(catalog).renamed("../../etc/passwd")
    name = handout_filename(routine, "Zoë/..")
    assert name == "handout-zoe-etc-passwd.html"
    assert handout_filename(Routine("日本", routine.items)) == "handout-plan.html"


def test_write_goes_to_exports(catalog: Catalog, data_dir: Path) -> None:
    routine = evening_session(catalog)
    page = render_handout(routine, catalog, "Sam")
    path = paths.write_export(page.encode(), "../" + handout_filename(routine, "Sam"))
    assert path.parent == paths.exports_dir()
    assert path.is_relative_to(data_dir.resolve())
    assert path.read_text(encoding="utf-8") == page
