"""JupyterLite for the browser tests: ``make lite``'s site, built, served and driven.

* :func:`build_site` builds the site as ``make lite`` does (into a temporary folder);
* :func:`offline_site` copies it and serves Pyodide from the copy itself: npm's core and the
  sha256-verified wheels of :mod:`.pyodide_offline`, so a kernel starts with no address but
  127.0.0.1 reachable. The copy also sets ``exposeAppInBrowser`` (``window.jupyterapp``), so
  the tests can wait on the kernel's own state instead of guessing with sleeps;
* :func:`serve` serves a site with a plain static file server, as a web host would;
* :class:`LiteDriver` opens a notebook, waits until its Pyodide kernel is idle, runs every
  cell, and runs a line of Python in the kernel to read what the workbook stored in the
  browser.

The conftest's session fixtures ``lite_site`` and ``offline_lite_url`` use these, so the
site is built once per test session; ``benchmarks/lite_start.py`` uses them too.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .conftest import (
    _ALL_CELLS_RAN,
    _KERNEL_READY,
    _RUN_ALL,
    ACTIVE_NOTEBOOK,
    REPO,
    LabDriver,
    _missing,
    assert_no_error_outputs,
    free_port,
    wait_for_http,
)
from .pyodide_offline import OfflinePyodideError, offline_pyodide

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Route

__all__ = [
    "KERNEL_START_MS",
    "LiteDriver",
    "build_site",
    "offline_site",
    "only_local",
    "serve",
]

BUILD = REPO / "docs" / "lite" / "build_site.py"
#: A Pyodide kernel loads numpy, pandas, matplotlib, scipy and backcare as it starts: from
#: 20 s on an idle machine to a few minutes on a busy one. Bounded all the same.
KERNEL_START_MS = 300_000
#: Running a notebook's cells once the kernel is up (imports are already loaded).
RUN_ALL_MS = 180_000

# Runs ``code`` in the kernel of the notebook in front (not in a cell: nothing is shown);
# returns the reply's status and what the code printed (or the error's name and message).
_RUN_PYTHON = """
async (code) => {
  const widget = window.jupyterapp.shell.currentWidget;
  const kernel = widget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  const out = [];
  future.onIOPub = (msg) => {
    const content = msg.content;
    if (msg.header.msg_type === 'stream') out.push(content.text);
    if (msg.header.msg_type === 'error') out.push(content.ename + ': ' + content.evalue);
  };
  const reply = await future.done;
  return {status: reply.content.status, out: out.join('')};
}
"""


def _build_module() -> Any:
    spec = importlib.util.spec_from_file_location("backcare_build_site", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_site(output: Path) -> str:
    """``make lite``'s site into ``output``; returns the build's last line (its size)."""
    result = subprocess.run(
        [sys.executable, str(BUILD), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("site_mb="), result.stdout[-3000:]
    return last


def offline_site(site: Path, output: Path) -> Path:
    """A copy of the built ``site`` that serves the verified offline Pyodide itself.
    Without Pyodide (no npm, no registry), skipped locally and failed in CI."""
    try:
        pyodide = offline_pyodide()
    except OfflinePyodideError as exc:
        _missing(f"no offline Pyodide for a kernel: {exc}")
    shutil.copytree(site, output)
    _build_module().add_pyodide(output, pyodide)
    config_path = output / "jupyter-lite.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["jupyter-config-data"]["exposeAppInBrowser"] = True  # tests only: window.jupyterapp
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return output


def serve(site: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """A static file server for ``site`` on 127.0.0.1 (stop it with ``stop_process``)."""
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


def only_local(route: Route) -> None:
    """A route handler: the site itself, and no other address."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


class LiteDriver(LabDriver):
    """:class:`LabDriver` for the JupyterLite site: the same waits on JupyterLab's own
    state, a notebook's address of JupyterLite's form, and a Pyodide kernel."""

    def __init__(self, page: Page, url: str) -> None:  # no server: the site is static
        self.page = page
        self.url = url
        self.console: list[str] = []
        self.opened_s = self.kernel_s = 0.0  # the last open: notebook shown, kernel ready
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console.append(f"page error: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.console.append(message.text[:300])

    def open(self, name: str) -> Locator:
        """Open ``notebooks/<name>`` in a fresh workspace and wait until its Pyodide kernel
        has started and answered; if it does not within :data:`KERNEL_START_MS`, the test is
        skipped locally with the browser's messages, and fails in CI."""
        page = self.page
        started = time.monotonic()
        page.goto(
            f"{self.url}/lab/index.html?path=notebooks/{name}&reset",
            wait_until="domcontentloaded",
        )
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=120_000)
        panel = page.locator(ACTIVE_NOTEBOOK)
        panel.locator(".jp-Cell").first.wait_for(state="attached", timeout=120_000)
        self.opened_s = time.monotonic() - started
        deadline = started + KERNEL_START_MS / 1000
        while not page.evaluate(_KERNEL_READY):
            self._accept_kernel_dialog()
            if time.monotonic() > deadline:
                _missing(
                    f"the Pyodide kernel of {name} did not start within "
                    f"{KERNEL_START_MS / 1000:.0f} s; the browser said: {self.console[-8:]}"
                )
            page.wait_for_timeout(250)
        self.kernel_s = time.monotonic() - started
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        return panel

    def run_all(self, panel: Locator) -> None:
        """Every cell, with JupyterLab's "Run All Cells"; waits until each has run."""
        self.page.evaluate(_RUN_ALL)
        self.page.wait_for_function(_ALL_CELLS_RAN, arg=ACTIVE_NOTEBOOK, timeout=RUN_ALL_MS)
        panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
            state="attached", timeout=RUN_ALL_MS
        )
        assert_no_error_outputs(panel)

    def run_python(self, code: str) -> str:
        """Run ``code`` in the notebook's kernel; return what it printed."""
        reply = self.page.evaluate(_RUN_PYTHON, code)
        assert reply["status"] == "ok", reply["out"]
        return str(reply["out"])
