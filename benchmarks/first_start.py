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
notebook (target: 15 s or less with a warm cache). Steps 1-3 are repeated in new clones
(``--repeat``, 3) and the fastest start is reported with its steps, the rule ``timeit``
follows: each is a real first start (new clone, new venv, nothing compiled), and the slower
ones measure the other programs on the machine. Every start's ``usable_s`` is printed too.
``--quick`` skips nothing (the steps are what is measured) but keeps the clones shallow.
Last line: ``uv_install_s=A pip_install_s=B server_ready_s=C notebook_ready_s=D usable_s=E
repeat=N``.
"""

from __future__ import annotations

import argparse
import os
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
    stop_process,
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


def first_start(work: Path, executable: str, shallow: bool) -> dict[str, float]:
    """One fresh clone in ``work`` to a usable start notebook; the seconds of each step."""
    clone = work / "backcare"
    clone_cmd = ["git", "clone", "--quiet", f"file://{REPO}", str(clone)]
    if shallow:
        clone_cmd[3:3] = ["--depth", "1"]
    times: dict[str, float] = {}
    started = time.monotonic()
    subprocess.run(clone_cmd, check=True)
    times["clone_s"] = time.monotonic() - started
    started = time.monotonic()
    subprocess.run(["make", ".venv/.installed"], cwd=clone, check=True, stdout=subprocess.DEVNULL)
    times["uv_install_s"] = time.monotonic() - started

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
            times["server_ready_s"] = time.monotonic() - started

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
                done = time.monotonic()
                browser.close()
        finally:
            stop_process(server, group=True)  # make and its JupyterLab
    times.update(
        notebook_ready_s=done - started,
        browser_s=opened - started,
        lab_and_kernel_s=kernel_idle - opened,
        cells_s=done - kernel_idle,
    )
    times["usable_s"] = sum(
        times[k] for k in ("clone_s", "uv_install_s", "server_ready_s", "notebook_ready_s")
    )
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shallow clones")
    parser.add_argument(
        "--repeat", type=int, default=3, help="fresh clones started; the fastest is reported"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary clones")
    args = parser.parse_args(argv)
    executable = chromium_path()
    if executable is None:
        print("Chromium not found (apt-get install -y chromium)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="backcare-first-start-"))
    runs = [first_start(work / f"start-{n}", executable, args.quick) for n in range(args.repeat)]
    pip_install_s = pip_install(work / "start-0" / "backcare")
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    else:
        print(f"kept {work}", file=sys.stderr)
    best = min(runs, key=lambda run: run["usable_s"])
    print(f"python={sys.version.split()[0]} cores={os.cpu_count()} fresh clones={len(runs)}")
    print("usable_s of each start: " + " ".join(f"{run['usable_s']:.1f}" for run in runs))
    print(
        " ".join(
            f"{k}={best[k]:.1f}" for k in ("clone_s", "browser_s", "lab_and_kernel_s", "cells_s")
        )
    )
    print(
        f"uv_install_s={best['uv_install_s']:.1f} pip_install_s={pip_install_s:.1f} "
        f"server_ready_s={best['server_ready_s']:.1f} "
        f"notebook_ready_s={best['notebook_ready_s']:.1f} usable_s={best['usable_s']:.1f} "
        f"repeat={len(runs)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
