"""First start: from ``make lab`` on a fresh clone to the start notebook usable in a browser.

Steps, each timed:

1. ``uv_install_s``: clone the repository (its HEAD) into a temporary folder and run the
   Makefile's install step there (``make .venv/.installed``: ``uv sync`` of the versions in
   uv.lock), with uv's usual cache, so a warm cache is what is measured on a machine that
   has run it before.
2. ``server_ready_s``: ``make lab`` itself in the clone (its install step is done, so make
   goes straight to JupyterLab), on a free port with no token and no browser of its own,
   until ``/api/status`` answers.
3. ``notebook_ready_s``: start Chromium, open ``notebooks/00_start_here.ipynb``, run its cells
   and wait until the start page's widget is on screen (what a user sees after "Run All").
   A line before the last splits it: starting Chromium, JupyterLab's page with the
   notebook's kernel idle, and running the cells. (Playwright's own driver starts before
   the clock: a person has no such step.)
4. ``pip_install_s``, the baseline, after the browser is closed: the same install done the
   old way in the same clone (a new venv, ``pip install -e '.[lab]'``, pip's usual cache).

``usable_s`` is the fresh clone to a usable start notebook: clone, uv install, server and
notebook (target: 15 s or less with a warm cache).
``--quick`` skips nothing (the steps are what is measured) but keeps the clone shallow.
Last line: ``uv_install_s=A pip_install_s=B server_ready_s=C notebook_ready_s=D usable_s=E``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from conftest import (  # noqa: E402  (the browser tests' helpers: one way to start and drive Lab)
    CHROMIUM_ARGS,
    VIEWPORT,
    LabDriver,
    Server,
    chromium_path,
    free_port,
    isolated_env,
    wait_for_http,
)


def make_lab(clone: Path, port: int, home: Path) -> list[str]:
    """``make lab`` as the README has it, with the options a headless run needs."""
    options = [
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",  # the driver asks JupyterLab when it is ready
        f"--LabApp.user_settings_dir={home / 'lab-settings'}",
        f"--LabApp.workspaces_dir={home / 'lab-workspaces'}",
    ]
    return ["make", "-C", str(clone), "lab", f"LAB_ARGS={' '.join(options)}"]


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop make and the JupyterLab it started (one process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def pip_install(clone: Path) -> float:
    """Seconds for the old install in ``clone``: a new venv and pip's editable install."""
    venv = clone / ".venv-pip"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            ".[lab]",
        ],
        cwd=clone,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # pip's warnings about the machine's extra index folders
    )
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shallow clone")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone")
    args = parser.parse_args(argv)
    executable = chromium_path()
    if executable is None:
        print("Chromium not found (apt-get install -y chromium)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="backcare-first-start-"))
    clone = work / "backcare"
    clone_cmd = ["git", "clone", "--quiet", f"file://{REPO}", str(clone)]
    if args.quick:
        clone_cmd[3:3] = ["--depth", "1"]

    started = time.monotonic()
    subprocess.run(clone_cmd, check=True)
    clone_s = time.monotonic() - started
    started = time.monotonic()
    subprocess.run(["make", ".venv/.installed"], cwd=clone, check=True, stdout=subprocess.DEVNULL)
    uv_install_s = time.monotonic() - started

    home = work / "home"
    data_dir = work / "data"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = isolated_env(home, data_dir)
    env.pop("VIRTUAL_ENV", None)
    log_path = home / "jupyterlab.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            make_lab(clone, port, home),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_http(f"{url}/api/status", server, 120)
            server_ready_s = time.monotonic() - started

            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                started = time.monotonic()
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport=VIEWPORT)
                driver = LabDriver(page, Server(url, data_dir, log_path))
                opened = time.monotonic()
                panel = driver.open("00_start_here.ipynb")
                kernel_idle = time.monotonic()
                driver.run_all(panel)
                panel.locator(".backcare-start-page").first.wait_for(state="visible")
                notebook_ready_s = time.monotonic() - started
                phases = (
                    f"browser_s={opened - started:.1f} lab_and_kernel_s={kernel_idle - opened:.1f} "
                    f"cells_s={started + notebook_ready_s - kernel_idle:.1f}"
                )
                browser.close()
        finally:
            stop_group(server)
    pip_install_s = pip_install(clone)
    usable_s = clone_s + uv_install_s + server_ready_s + notebook_ready_s
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    else:
        print(f"kept {work}", file=sys.stderr)
    print(f"python={sys.version.split()[0]} clone={clone} cores={os.cpu_count()}")
    print(f"clone_s={clone_s:.1f} {phases}")
    print(
        f"uv_install_s={uv_install_s:.1f} pip_install_s={pip_install_s:.1f} "
        f"server_ready_s={server_ready_s:.1f} notebook_ready_s={notebook_ready_s:.1f} "
        f"usable_s={usable_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
