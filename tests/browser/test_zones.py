"""Each person's own days in a real browser: JupyterLab on a UTC server (as in Binder), and
Chromium in New York. The zone the browser reports reaches the store, and a check-in typed
at 20:30 shows as 20:30 on that day in the table, in the store and in the export."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from .conftest import (
    VIEWPORT,
    LabDriver,
    Server,
    free_port,
    isolated_env,
    lab_command,
    run_server,
)
from .flows import open_store

pytestmark = pytest.mark.browser

BROWSER_ZONE = "America/New_York"


@pytest.fixture(scope="module")
def utc_lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A JupyterLab whose kernels run on UTC, whatever the machine's zone."""
    home = tmp_path_factory.mktemp("utc-lab-home")
    data_dir = tmp_path_factory.mktemp("utc-lab-data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = isolated_env(home, data_dir)
    env["TZ"] = "UTC"
    log_path = home / "jupyterlab.log"
    with run_server(lab_command(port, home), env, f"{url}/api/status", log_path):
        yield Server(url=url, data_dir=data_dir, log_path=log_path)


@pytest.fixture
def new_york_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=1,
        timezone_id=BROWSER_ZONE,
        # a New Yorker whose browser writes dates the British way (day first, 24-hour clock):
        # the page follows the browser's way of writing dates, and the zone's clock
        locale="en-GB",
    )
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_check_in_at_20_30_in_new_york_stays_20_30(
    new_york_page: Page, utc_lab_server: Server, flows
) -> None:
    page = new_york_page
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == BROWSER_ZONE
    lab = LabDriver(page, utc_lab_server)
    app = lab.open_and_run("03_log_discomfort.ipynb", ".backcare-log")
    # the browser's zone arrives in the kernel and shows in the picker
    app.locator(f".backcare-browser-zone[data-zone='{BROWSER_ZONE}']").wait_for(state="attached")
    page.wait_for_function(
        "sel => document.querySelector(sel)?.value === 'America/New_York'",
        arg=".backcare-log .backcare-zone select",
        timeout=15_000,
    )
    when = app.locator(".backcare-datetime input")
    when.fill("2026-01-05T20:30")
    when.press("Enter")
    note = "typed at 20:30 in New York"
    flows.checkin_flow(page, app, utc_lab_server, note=note, score=4)
    row = app.locator(".backcare-recent tr", has_text=note)
    assert "Mon 05/01/2026 20:30" in row.inner_text()
    message = app.locator(".backcare-messages", has_text="Saved")
    assert "Mon 05/01/2026 20:30" in message.inner_text()
    with open_store(utc_lab_server) as store:
        (person,) = store.people()
        assert person.zone == BROWSER_ZONE and person.zone_source == "browser"
        records = [r for r in store.export_records()["checkins"] if r["note"] == note]
    assert [r["at"] for r in records] == ["2026-01-05T20:30:00-05:00"]
