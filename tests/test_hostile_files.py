"""A corpus of hostile files, each brought in the way a person brings it.

* ``my_exercises.toml`` in the data folder: read by every page through
  :func:`backcare.ui.common.open_catalog`;
* a routine file in the routines folder: listed by the guided session's page;
* a routine plan uploaded on the trainer's page (:class:`backcare.ui.trainer.RoutineUpload`).

Each is either refused with a message that names the file, the problem and what to do (and
the store file is byte-for-byte unchanged), or accepted and readable by the pages afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from backcare import paths
from backcare.catalog import load_catalog
from backcare.routine import (
    MAX_ROUTINE_BYTES,
    Routine,
    evening_session,
    routine_from_json,
    validate_name,
)
from backcare.store import Store
from backcare.ui.common import Messages, open_catalog
from backcare.ui.session import SessionApp
from backcare.ui.trainer import RoutineUpload
from backcare.userfiles import UserFileError, csv_rows, parse_json, parse_toml

PYTHON_TEXT = (
    "Traceback",
    "RecursionError",
    "Exceeds the limit",
    "4300",
    "unexpected keyword",
    "__init__",
    "unhashable",
    "fromisoformat",
    "field larger than field limit",
    "codec",
    "Error(",
)


def _no_python_text(text: str) -> None:
    for fragment in PYTHON_TEXT:
        assert fragment not in text, f"{fragment!r} shown to the person: {text}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


GOOD_EXERCISE = """
[[exercise]]
id = "wall_angel"
name = "Wall angel"
group = "upper_back"
targets = ["lower trapezius"]
equipment = []
kind = "reps"
sides = "both"
prescription = { sets = 2, reps = 12 }
cues = ["Stand with your back on a wall.", "Slide the arms up.", "Slide them down slowly."]
"""


def _many_exercises(n: int) -> bytes:
    return "".join(GOOD_EXERCISE.replace("wall_angel", f"ex_{i}") for i in range(n)).encode()


# -- my_exercises.toml ------------------------------------------------------------------------
TOML_CORPUS: dict[str, tuple[bytes, str]] = {
    "nested 5,000 deep": (b"x = " + b"[" * 5000 + b"]" * 5000, "nested"),
    # tomllib stops either at Python's recursion limit or at its own parser, by stack depth
    "nested tables 5,000 deep": (
        b"x = " + b"{a = " * 5000 + b"1" + b"}" * 5000,
        "nested|not valid TOML",
    ),
    "a 5,000-digit integer": (b"x = " + b"7" * 5000, "number"),
    "a 40-digit integer": (b"x = " + b"7" * 40, "number"),
    "infinity": (b"x = inf", "not a number"),
    "not UTF-8": (b"x = '\xff\xfe'", "UTF-8"),
    "UTF-16": ("x = 1".encode("utf-16"), "UTF-8"),
    "broken syntax": (b"[[exercise]\nid = ", "not valid TOML"),
    "exercise is a string": (b'exercise = "wall"', "must be a list of"),
    "37,000 exercises in 10 MB": (_many_exercises(37_000), "too large"),
    "201 exercises": (_many_exercises(201), "at most 200"),
    "kind is a list": (GOOD_EXERCISE.replace('"reps"', '["reps"]', 1).encode(), "kind"),
    "sets is a table": (GOOD_EXERCISE.replace("sets = 2", "sets = {a = 1}").encode(), "sets"),
    "huge sets": (GOOD_EXERCISE.replace("sets = 2", "sets = 99999999999").encode(), "sets"),
}


@pytest.mark.parametrize("case", list(TOML_CORPUS))
def test_hostile_my_exercises_is_named_and_the_bundled_nine_are_used(case: str) -> None:
    content, reason = TOML_CORPUS[case]
    paths.user_catalog_path().write_bytes(content)
    messages = Messages()
    catalog = open_catalog(messages)
    assert len(catalog) == 9
    assert messages.kind == "error"
    assert "my_exercises.toml" in messages.text and re.search(reason, messages.text)
    assert "bundled" in messages.text
    _no_python_text(messages.text)


def test_my_exercises_with_a_bom_and_joined_emoji_is_accepted() -> None:
    named = GOOD_EXERCISE.replace('"Wall angel"', '"Wall angel 🧘‍♀️"')
    paths.user_catalog_path().write_bytes(b"\xef\xbb\xbf" + named.encode())
    messages = Messages()
    catalog = open_catalog(messages)
    assert messages.kind == ""
    assert catalog["wall_angel"].name == "Wall angel 🧘‍♀️"


_WORST = TOML_CORPUS["nested 5,000 deep"][0]


def test_every_page_builds_with_the_worst_my_exercises() -> None:
    """Deep nesting and a huge file: each page still builds and says why."""
    from backcare.ui.log import CheckInApp
    from backcare.ui.planner import PlannerApp
    from backcare.ui.progress import ProgressApp
    from backcare.ui.start import StartPage
    from backcare.ui.trainer import TrainerApp

    for content in (_WORST, _many_exercises(37_000)):
        paths.user_catalog_path().write_bytes(content)
        slow = (ProgressApp,) if content is _WORST else ()  # builds the demo: once is enough
        for page in (StartPage, PlannerApp, SessionApp, TrainerApp, *slow):
            app = page()
            assert "my_exercises.toml" in app.messages.text, page.__name__
            _no_python_text(app.messages.text)
        assert CheckInApp().messages.kind != "error"  # the log reads no catalog


# -- routine files: in the routines folder and uploaded as a plan ---------------------------
def _plan(catalog, change: Callable[[dict], object] | None = None) -> bytes:
    document = evening_session(catalog).to_dict()
    if change is not None:
        change(document)
    return json.dumps(document).encode()


def _set(path: str, value: object) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _routine_corpus(catalog) -> dict[str, tuple[bytes, str]]:
    return {
        "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested"),
        "a 5,000-digit number": (b'{"version": ' + b"1" * 5000 + b"}", "number"),
        "NaN": (_plan(catalog).replace(b'"rep_seconds": 3.0', b'"rep_seconds": NaN'), "NaN"),
        "too large": (b" " * (MAX_ROUTINE_BYTES + 1), "too large"),
        "UTF-16": (_plan(catalog).decode().encode("utf-16"), "UTF-8"),
        "garbage items": (_plan(catalog, _set("items", "garbage")), "items"),
        "an item that is a list": (_plan(catalog, _set("items.0", [1, 2])), "item 1"),
        "exercise id is a list": (_plan(catalog, _set("items.0.exercise", ["x"])), "exercise"),
        "unknown exercise": (_plan(catalog, _set("items.0.exercise", "moonwalk")), "moonwalk"),
        "unknown timing key": (_plan(catalog, _set("timing.warp", 9)), "warp"),
        "timing is a list": (_plan(catalog, _set("timing", [1])), "timing"),
        "tempo is text": (_plan(catalog, _set("timing.rep_seconds", "fast")), "rep_seconds"),
        "self-paced is text": (_plan(catalog, _set("timing.self_paced_reps", "yes")), "self_paced"),
        "time is a list": (_plan(catalog, _set("schedule.time", [21])), "time of day"),
        "time 25:00": (_plan(catalog, _set("schedule.time", "25:00")), "time of day"),
        "time with a zone": (_plan(catalog, _set("schedule.time", "21:00+01:00")), "time zone"),
        "weekdays of lists": (_plan(catalog, _set("schedule.weekdays", [[1]])), "weekdays"),
        "weekdays as text": (_plan(catalog, _set("schedule.weekdays", "0123")), "weekdays"),
        "every_hours as text": (_plan(catalog, _set("schedule.every_hours", "2")), "every_hours"),
        "unknown schedule key": (_plan(catalog, _set("schedule.moon", 1)), "moon"),
        "name with a null byte": (_plan(catalog, _set("name", "Eve\x00ning")), "control"),
        "name with a lone surrogate": (_plan(catalog, _set("name", "Eve\ud800")), "broken"),
        "name reversing text": (_plan(catalog, _set("name", "\u202eevil")), "direction"),
        "name is a number": (_plan(catalog, _set("name", 7)), "name"),
        "prescription is a list": (
            _plan(catalog, _set("items.0.prescription", [1])),
            "prescription",
        ),
        "hold of a day": (
            _plan(catalog, _set("items.1.prescription.hold_seconds", 86400)),
            "hold_seconds",
        ),
    }


def test_routine_corpus_is_refused_by_the_reader(catalog) -> None:
    for case, (content, reason) in _routine_corpus(catalog).items():
        with pytest.raises(UserFileError) as err:
            routine_from_json(content, catalog, source="plan.json")
        message = str(err.value)
        assert "plan.json" in message and reason in message, (case, message)
        _no_python_text(message)


def test_hostile_routine_files_in_the_folder_are_listed_and_the_page_builds(catalog) -> None:
    folder = paths.routines_dir()
    corpus = _routine_corpus(catalog)
    for n, (content, _) in enumerate(corpus.values()):
        (folder / f"bad-{n:02d}.json").write_bytes(content)
    (folder / "a-folder.json").mkdir()
    app = SessionApp(store=Store(":memory:"), catalog=catalog)
    assert app.messages.kind == "info"
    for n, (case, (_, reason)) in enumerate(corpus.items()):
        assert f"bad-{n:02d}.json" in app.messages.text and reason in app.messages.text, case
    _no_python_text(app.messages.text)
    labels = [label for label, _ in app.routine_choice.options]
    assert labels and all("bad-" not in label for label in labels)


def test_hostile_plan_uploads_are_refused_and_the_store_is_unchanged(
    catalog, tmp_path: Path
) -> None:
    store_file = tmp_path / "trainer.sqlite3"
    with Store(store_file) as store:
        person = store.add_person("Ann")
    before = sha256(store_file)
    store = Store(store_file)
    upload = RoutineUpload(catalog, store, person=lambda: person.id, folder=tmp_path / "plans")
    for case, (content, reason) in _routine_corpus(catalog).items():
        upload.upload.value = (
            {
                "name": "plan.json",
                "type": "application/json",
                "size": len(content),
                "content": memoryview(content),
                "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            },
        )
        assert upload.messages.kind == "error", case
        assert "plan.json" in upload.messages.text and reason in upload.messages.text, case
        _no_python_text(upload.messages.text)
    store.close()
    assert sha256(store_file) == before
    assert not (tmp_path / "plans").exists() or not list((tmp_path / "plans").iterdir())


def test_a_plan_with_a_bom_and_an_emoji_name_is_accepted_and_runs(catalog) -> None:
    store = Store(":memory:")
    person = store.add_person("Zoë 🧘‍♀️")
    content = b"\xef\xbb\xbf" + _plan(catalog, _set("name", "Stretch 🧘‍♀️ time"))
    upload = RoutineUpload(catalog, store, person=lambda: person.id)
    routine = upload.load(content, "plan.json")
    assert upload.messages.kind == "success"
    assert routine.name == "Stretch 🧘‍♀️ time"
    app = SessionApp(store=store, catalog=catalog)
    assert any("Stretch 🧘‍♀️ time" in label for label, _ in app.routine_choice.options)


# -- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["🧘‍♀️", "👨‍👩‍👧", "Zoë", "🏳️‍🌈 Sam", "ZWNJ\u200cname", "Ann (she/her)"]
)
def test_joined_emoji_and_other_real_names_are_accepted(name: str) -> None:
    assert validate_name(name) == name
    store = Store(":memory:")
    assert store.add_person(name).name == name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Ann\x00", "control"),
        ("Ann\x1b[31m", "control"),
        ("\u202eAnn", "direction"),
        ("Ann\ud83e", "broken"),
        ("", "empty"),
        ("x" * 81, "80"),
    ],
)
def test_hostile_names_are_refused_in_words(name: str, reason: str) -> None:
    store = Store(":memory:")
    with pytest.raises(ValueError, match=reason):
        store.add_person(name)
    assert store.people() == []


# -- the reading layer itself -------------------------------------------------------------------
def test_json_limits_give_sentences() -> None:
    for content, reason in (
        (b"[" * 100_000, "nested"),
        (b'{"a": ' * 50 + b"1" + b"}" * 50, "nested"),
        (b"[" * 40 + b"]" * 40, "nested"),
        (b"-" + b"9" * 5000, "5,001 characters"),
        (b'{"a": 1e999}', "number"),
        (b"[Infinity]", "Infinity"),
        (b'{"a": 1,}', "line 1"),
    ):
        with pytest.raises(UserFileError, match=reason) as err:
            parse_json(content, "x.json")
        assert str(err.value).startswith("x.json")
        _no_python_text(str(err.value))
    assert parse_json(b"[" * 32 + b"]" * 32, "x.json") is not None
    assert parse_json(b"\xef\xbb\xbf{}", "x.json") == {}
    assert parse_json(b"123456789012345678901234567890", "x.json") == int("1234567890" * 3)


def test_toml_bom_is_accepted_like_json() -> None:
    assert parse_toml(b"\xef\xbb\xbfa = 1", "x.toml") == {"a": 1}


def test_a_csv_cell_over_the_csv_limit_names_the_row() -> None:
    text = "uid,note\r\n" + "a,ok\r\n" + "b," + "x" * 200_000 + "\r\n"
    rows = csv_rows(text, "checkins.csv")
    assert next(rows) == (1, ["uid", "note"])
    assert next(rows) == (2, ["a", "ok"])
    with pytest.raises(UserFileError, match="row 3") as err:
        next(rows)
    assert "131,072 characters" in str(err.value)


def test_the_bundled_catalog_reads_through_the_same_layer() -> None:
    assert len(load_catalog(include_user=False)) == 9
    assert isinstance(evening_session(load_catalog(include_user=False)), Routine)
