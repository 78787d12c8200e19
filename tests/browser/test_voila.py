"""App mode: the notebooks in Voila, code hidden, for clients who should see only controls.

The timer and the check-in run here end to end, against a Voila of their own with its own
empty data folder (``voila.server.data_dir``).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def assert_code_hidden(page) -> None:
    """Voila shows outputs only: no code cell inputs or editors on the page."""
    code = page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor")
    assert code.count() == 0, "code is visible in app mode"
    assert "from backcare" not in page.locator("body").inner_text()


def test_voila_guided_session(voila, flows) -> None:
    flows.write_short_routine(voila.server)
    app = voila.open("02_guided_session.ipynb", ".backcare-session")
    assert_code_hidden(voila.page)
    flows.guided_session_flow(
        voila.page,
        app,
        voila.server,
        on_paused=lambda: voila.screenshot("02_guided_session.ipynb", "voila"),
    )


def test_voila_checkin(voila, flows) -> None:
    app = voila.open("03_log_discomfort.ipynb", ".backcare-log")
    assert_code_hidden(voila.page)
    flows.checkin_flow(voila.page, app, voila.server, note="browser check-in, voila")
    voila.screenshot("03_log_discomfort.ipynb", "voila")
