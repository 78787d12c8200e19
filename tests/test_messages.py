"""Errors inside the app reach the person as a sentence they can act on, never as Python's
own text; an unexpected one leaves its details in the error log, which the message names."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from backcare import paths
from backcare.routine import RoutineError
from backcare.sound import tone_wav
from backcare.ui.common import Messages, esc, is_expected, readable


def _raise(exc: BaseException):
    def handler(_: object = None) -> None:
        raise exc

    return handler


@pytest.mark.parametrize(
    "make",
    [
        lambda: {[1]: 2},  # unhashable type: 'list'
        lambda: dt.time.fromisoformat([21]),  # fromisoformat: argument must be str
        lambda: int("x" * 5),  # a ValueError raised inside Python, not by backcare
        lambda: "\ud800".encode("utf-8"),  # a codec message
        lambda: json.loads("[" * 100_000),  # RecursionError
        lambda: {}["missing"],
    ],
)
def test_unexpected_errors_name_the_log_not_python(make) -> None:
    messages = Messages()

    def handler(_: object = None) -> None:
        make()

    messages.guard(handler)()
    assert messages.kind == "error"
    text = messages.text
    for fragment in ("Error", "unhashable", "fromisoformat", "codec", "invalid literal"):
        assert fragment not in text, text
    log_file = paths.error_log_path()
    assert str(log_file) in text
    assert "did not expect" in text and "try again" in text
    details = log_file.read_text(encoding="utf-8")
    assert "Traceback" in details and "handler" in details


def test_the_handler_name_says_what_was_being_done() -> None:
    messages = Messages()

    def _on_save_click(_: object = None) -> None:
        raise TypeError("Timing.__init__() got an unexpected keyword argument 'warp'")

    messages.guard(_on_save_click)()
    assert "handling 'save click'" in messages.text
    assert "__init__" not in messages.text and "TypeError" not in messages.text


def test_backcare_messages_are_shown_as_they_are() -> None:
    messages = Messages()
    messages.guard(_raise(RoutineError("the routine name must not be empty")))()
    assert messages.text == "the routine name must not be empty."

    def plain_rule(_: object = None) -> None:
        tone_wav([], volume=0.5)  # a plain ValueError raised by backcare's own code

    messages.guard(plain_rule)()
    assert messages.text == "a tone needs at least one note"
    assert not paths.error_log_path().exists()


def test_is_expected_tells_backcare_text_from_python_text() -> None:
    try:
        int("nope")
    except ValueError as exc:
        assert not is_expected(exc)
    try:
        raise ValueError("pick a day")
    except ValueError as exc:
        assert not is_expected(exc)  # raised here, in a test, not in backcare's code
    assert is_expected(RoutineError("x"))
    assert not is_expected(TypeError("x"))


def test_a_lone_surrogate_is_shown_not_sent_broken() -> None:
    messages = Messages()
    messages.error("note: bad \ud800 here")
    assert "\ud800" not in messages.value and "\ufffd" in messages.text
    assert readable("ok") == "ok"
    assert esc("<\udfff>") == "&lt;\ufffd&gt;"
    messages.value.encode("utf-8")  # what the page receives can be sent


def test_log_falls_back_when_the_data_folder_cannot_be_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(blocker))
    messages = Messages()
    messages.guard(_raise(KeyError("x")))()
    assert "backcare-errors.log" in messages.text
    assert str(blocker) not in messages.text
