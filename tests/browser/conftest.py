"""Browser fixtures: Debian's Chromium through Playwright, against JupyterLab and Voila.

One JupyterLab server and one Voila server are started per test session on 127.0.0.1 (a
free port each, no token), both with ``BACKCARE_DATA_DIR`` pointing at a fresh temporary
folder so the kernels they start never touch real data. Tests reach that folder through
``lab_server.data_dir`` / ``voila_server.data_dir`` to check what the apps stored.

Chromium is the system one (``/usr/bin/chromium``, or ``$BACKCARE_CHROMIUM``); Playwright's
own browser downloads are never used. Without Chromium the browser tests are skipped
locally, but fail when ``CI=true``: a check that did not run is not a pass.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    PlaywrightTimeout = TimeoutError  # type: ignore[misc,assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page


__all__ = [
    "ACTIVE_NOTEBOOK",
    "ERROR_OUTPUT",
    "SCREENSHOTS_DEFAULT",
    "SCREENSHOTS_ENV",
    "LabDriver",
    "Server",
    "VoilaDriver",
    "assert_no_error_outputs",
    "chromium_path",
    "save_screenshot",
    "screenshots_dir",
    "wait_for_text_change",
]

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
#: Where the tests save what they see: an ignored folder, so running the tests changes no
#: tracked file. ``make screenshots`` sets ``BACKCARE_SCREENSHOTS=docs/screenshots`` to
#: refresh the README's pictures on purpose.
SCREENSHOTS_ENV = "BACKCARE_SCREENSHOTS"
SCREENSHOTS_DEFAULT = REPO / "tests" / "artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 90.0
# Generous: the machine is shared and a cold kernel plus matplotlib takes a while.
NOTEBOOK_TIMEOUT_MS = 120_000

# The notebook in front (JupyterLab keeps hidden panels of other notebooks in the DOM).
ACTIVE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ERROR_OUTPUT = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    ".jp-OutputArea-output.jp-mod-error, "
    ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
)

# Settings for a test JupyterLab: no news or update toasts over the page, and no autosave
# (the tests run the committed notebooks and must never write their outputs back).
_QUIET_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


# -- Chromium --------------------------------------------------------------------------------
def chromium_path() -> str | None:
    """The system Chromium to drive (``$BACKCARE_CHROMIUM`` first), or ``None``."""
    candidates = [
        os.environ.get("BACKCARE_CHROMIUM", ""),
        "/usr/bin/chromium",
        shutil.which("chromium") or "",
        shutil.which("chromium-browser") or "",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing(reason: str) -> None:
    """Skip locally; fail in CI, where a skipped browser check must not pass as green."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the whole session."""
    executable = chromium_path()
    if executable is None:
        _missing("Chromium not found (apt-get install -y chromium, or set BACKCARE_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page per test (no cookies or storage carried over)."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    page.console_errors = console_errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


# -- servers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Server:
    """A server started for the tests: its base URL, its data folder and its log file."""

    url: str
    data_dir: Path
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll ``url`` until it answers 200, the process dies, or the time is up."""
    deadline = time.monotonic() + timeout_s
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s ({last_error})")


def stop_process(process: subprocess.Popen[bytes], group: bool = False) -> None:
    """Terminate, then kill if it does not stop within 10 s. ``group``: the process and
    everything it started (a ``make`` and its JupyterLab, started with
    ``start_new_session=True``)."""
    if process.poll() is not None:
        return
    signal_to = functools.partial(os.killpg, process.pid) if group else process.send_signal
    signal_to(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        signal_to(signal.SIGKILL)
        process.wait(timeout=10)


def lab_command(port: int, home: Path, python: str = sys.executable) -> list[str]:
    """JupyterLab as ``make lab`` starts it, headless and isolated for a test run."""
    return [
        python,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.allow_root=True",  # CI containers often run as root
        f"--ServerApp.root_dir={REPO}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={home / 'lab-settings'}",
        f"--LabApp.workspaces_dir={home / 'lab-workspaces'}",
    ]


def isolated_env(home: Path, data_dir: Path) -> dict[str, str]:
    """The servers' environment: a fresh data folder and Jupyter state kept under ``home``."""
    for name, settings in _QUIET_SETTINGS.items():
        target = home / "lab-settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings), encoding="utf-8")
    (home / "lab-workspaces").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "BACKCARE_DATA_DIR": str(data_dir),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@contextlib.contextmanager
def run_server(
    command: list[str], env: dict[str, str], ready_url: str, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command``, wait until ``ready_url`` answers, stop it afterwards."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            problem = ""
            try:
                wait_for_http(ready_url, process, SERVER_START_TIMEOUT_S)
            except RuntimeError as exc:
                problem = str(exc)
            if problem:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"{problem}\n--- server log ---\n{tail}", pytrace=False)
            yield process
        finally:
            stop_process(process)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One JupyterLab for the whole session, with its own empty backcare data folder."""
    home = tmp_path_factory.mktemp("lab-home")
    data_dir = tmp_path_factory.mktemp("lab-backcare-data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = home / "jupyterlab.log"
    with run_server(
        lab_command(port, home), isolated_env(home, data_dir), f"{url}/api/status", log_path
    ):
        yield Server(url=url, data_dir=data_dir, log_path=log_path)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Voila (app mode: code hidden) for the session, serving the repository's tree."""
    home = tmp_path_factory.mktemp("voila-home")
    data_dir = tmp_path_factory.mktemp("voila-backcare-data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = home / "voila.log"
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        f"--Voila.root_dir={REPO}",
        "--strip_sources=True",
        "--show_tracebacks=True",
    ]
    with run_server(command, isolated_env(home, data_dir), f"{url}/voila/tree", log_path):
        yield Server(url=url, data_dir=data_dir, log_path=log_path)


# -- helpers for the tests -------------------------------------------------------------------
def notebook_or_skip(name: str) -> Path:
    """The notebook's path; skipped (failed in CI) while it has not been written yet."""
    path = NOTEBOOKS / name
    if not path.is_file():
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"notebooks/{name} is missing", pytrace=False)
        pytest.skip(f"notebooks/{name} does not exist yet")
    return path


def wait_for_text_change(locator: Locator, old: str, timeout_ms: int = 15_000) -> str:
    """Wait until ``locator``'s text differs from ``old``; return the new text."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        text = locator.inner_text()
        if text != old:
            return text
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"text stayed {old!r} for {timeout_ms} ms")


def screenshots_dir() -> Path:
    """``$BACKCARE_SCREENSHOTS`` (relative to the checkout) or the ignored default."""
    chosen = os.environ.get(SCREENSHOTS_ENV, "").strip()
    if not chosen:
        return SCREENSHOTS_DEFAULT
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else REPO / path


def save_screenshot(page: Page, notebook: str, suffix: str = "") -> Path:
    """Save what the user sees as ``<notebook>[_suffix].png`` in :func:`screenshots_dir`."""
    folder = screenshots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(notebook).stem + (f"_{suffix}" if suffix else "")
    target = folder / f"{stem}.png"
    page.screenshot(path=str(target), full_page=False)
    return target


def assert_no_error_outputs(scope: Locator) -> None:
    """No traceback or stderr output anywhere in ``scope``."""
    errors = scope.locator(ERROR_OUTPUT)
    texts = [errors.nth(i).inner_text()[:2000] for i in range(errors.count())]
    assert not texts, "error output in the notebook:\n" + "\n---\n".join(texts)


# A cell is done when its prompt shows a number: "[3]:" (not "[ ]:" or "[*]:").
_ALL_CELLS_RAN = """
(panelSelector) => {
  const panel = document.querySelector(panelSelector);
  if (!panel) return false;
  const prompts = panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt');
  if (prompts.length === 0) return false;
  return Array.from(prompts).every((p) => /\\[\\d+\\]/.test(p.textContent));
}
"""


# True once the notebook in front has a connected, idle kernel that answered kernel_info.
_KERNEL_READY = """
() => {
  const widget = window.jupyterapp.shell.currentWidget;
  if (!widget || !widget.sessionContext) return false;
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  if (!kernel || kernel.connectionStatus !== 'connected') return false;
  if (kernel.status !== 'idle') return false;
  kernel.info.then(() => { widget.backcareKernelInfo = true; });
  return widget.backcareKernelInfo === true;
}
"""

# Runs every cell; resolves when JupyterLab reports the run finished.
_RUN_ALL = """
async () => {
  const widget = window.jupyterapp.shell.currentWidget;
  await widget.sessionContext.ready;
  return await window.jupyterapp.commands.execute('notebook:run-all-cells');
}
"""


class LabDriver:
    """Open a notebook in JupyterLab, run it, look for errors, take a screenshot."""

    def __init__(self, page: Page, server: Server) -> None:
        self.page = page
        self.server = server

    def open(self, name: str) -> Locator:
        """Open ``notebooks/<name>`` (fresh workspace) and wait until its kernel is idle."""
        notebook_or_skip(name)
        page = self.page
        page.goto(
            f"{self.server.url}/lab/tree/notebooks/{name}?reset", wait_until="domcontentloaded"
        )
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=NOTEBOOK_TIMEOUT_MS)
        panel = page.locator(ACTIVE_NOTEBOOK)
        panel.locator(".jp-Cell").first.wait_for(state="attached", timeout=NOTEBOOK_TIMEOUT_MS)
        self._accept_kernel_dialog()
        # The kernel is ready once it has answered a kernel_info request.
        page.wait_for_function(_KERNEL_READY, timeout=NOTEBOOK_TIMEOUT_MS, polling=250)
        # More room for the notebook (and the screenshot): fold the file browser away.
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
            state="attached", timeout=NOTEBOOK_TIMEOUT_MS
        )
        return panel

    def _accept_kernel_dialog(self) -> None:
        """Accept a kernel-selection dialog if JupyterLab shows one."""
        accept = self.page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count():
            accept.first.click()

    def run_all(self, panel: Locator) -> None:
        """Run every cell with JupyterLab's own "Run All Cells" command; wait for the kernel."""
        self.page.evaluate(_RUN_ALL)
        self.page.wait_for_function(
            _ALL_CELLS_RAN, arg=ACTIVE_NOTEBOOK, timeout=NOTEBOOK_TIMEOUT_MS
        )
        panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
            state="attached", timeout=NOTEBOOK_TIMEOUT_MS
        )

    def open_and_run(self, name: str, app_selector: str) -> Locator:
        """Open, run all cells, wait for the app (``app_selector``) to render; no errors."""
        panel = self.open(name)
        self.run_all(panel)
        app = panel.locator(app_selector)
        app.first.wait_for(state="visible", timeout=NOTEBOOK_TIMEOUT_MS)
        assert_no_error_outputs(panel)
        # Scroll the app into view for the screenshot the README shows.
        app.first.scroll_into_view_if_needed()
        return app.first

    def screenshot(self, notebook: str, suffix: str = "") -> Path:
        return save_screenshot(self.page, notebook, suffix)

    @staticmethod
    def wait_for_text_change(locator: Locator, old: str, timeout_ms: int = 15_000) -> str:
        return wait_for_text_change(locator, old, timeout_ms)


class VoilaDriver:
    """Open a notebook in Voila (app mode): only outputs, no code."""

    def __init__(self, page: Page, server: Server) -> None:
        self.page = page
        self.server = server

    def open(self, name: str, app_selector: str) -> Locator:
        notebook_or_skip(name)
        self.page.goto(
            f"{self.server.url}/voila/render/notebooks/{name}",
            wait_until="domcontentloaded",
            timeout=NOTEBOOK_TIMEOUT_MS,  # Voila runs the notebook before it answers
        )
        app = self.page.locator(app_selector).first
        app.wait_for(state="visible", timeout=NOTEBOOK_TIMEOUT_MS)
        assert_no_error_outputs(self.page.locator("body"))
        return app

    def screenshot(self, notebook: str, suffix: str = "") -> Path:
        return save_screenshot(self.page, notebook, suffix)


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make lite``'s site, built once per session into a temporary folder."""
    pytest.importorskip("jupyterlite_core", reason="pip install -e '.[lite]'")
    from .lite import build_site

    site = tmp_path_factory.mktemp("lite") / "site"
    build_site(site)
    return site


@pytest.fixture(scope="session")
def offline_lite_url(lite_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """That site with Pyodide served from itself (tests/browser/lite.py), on 127.0.0.1."""
    from .lite import offline_site, serve

    if chromium_path() is None:
        _missing("Chromium not found (apt-get install -y chromium)")
    site = offline_site(lite_site, tmp_path_factory.mktemp("lite-offline") / "site")
    url, server = serve(site)
    try:
        yield url
    finally:
        stop_process(server)


@pytest.fixture
def lab(page: Page, lab_server: Server) -> LabDriver:
    """Drive JupyterLab; ``lab.page``, ``lab.server`` for the details."""
    return LabDriver(page, lab_server)


@pytest.fixture
def voila(page: Page, voila_server: Server) -> VoilaDriver:
    return VoilaDriver(page, voila_server)


@pytest.fixture
def flows() -> SimpleNamespace:
    """The flows both JupyterLab and Voila tests run (test modules do not import each other)."""
    from .flows import checkin_flow, guided_session_flow, open_store, write_short_routine

    return SimpleNamespace(
        write_short_routine=write_short_routine,
        guided_session_flow=guided_session_flow,
        checkin_flow=checkin_flow,
        open_store=open_store,
    )
