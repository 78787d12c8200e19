"""First start: from ``make lab`` on a fresh clone to the start notebook usable in a browser.

Steps, each timed:

1. ``uv_install_s``: clone the repository (its HEAD) into a temporary folder and run the
   Makefile's install step there (``make .venv/.installed``: ``uv sync`` of the versions in
   uv.lock), with uv's usual cache, so a warm cache is what is measured on a machine that
   has run it before.
2. ``server_ready_s``: start JupyterLab from the clone's venv as ``make lab`` does, but
   headless on a free port with no token, until ``/api/status`` answers.
3. ``notebook_ready_s``: open ``notebooks/00_start_here.ipynb`` in Chromium, run its cells
   and wait until the start page's widget is on screen (what a user sees after "Run All").
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
    lab_command,
    stop_process,
    wait_for_http,
)


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
    command = lab_command(port, home, python=str(clone / ".venv" / "bin" / "python"))
    command = [part.replace(str(REPO), str(clone)) for part in command]
    env = isolated_env(home, data_dir)
    env.pop("VIRTUAL_ENV", None)
    log_path = home / "jupyterlab.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"{url}/api/status", server, 120)
            server_ready_s = time.monotonic() - started

            from playwright.sync_api import sync_playwright

            started = time.monotonic()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport=VIEWPORT)
                driver = LabDriver(page, Server(url, data_dir, log_path))
                driver.open_and_run("00_start_here.ipynb", ".backcare-start-page")
                notebook_ready_s = time.monotonic() - started
                browser.close()
        finally:
            stop_process(server)
    pip_install_s = pip_install(clone)
    usable_s = clone_s + uv_install_s + server_ready_s + notebook_ready_s
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    else:
        print(f"kept {work}", file=sys.stderr)
    print(f"python={sys.version.split()[0]} clone={clone} cores={os.cpu_count()}")
    print(
        f"uv_install_s={uv_install_s:.1f} pip_install_s={pip_install_s:.1f} "
        f"server_ready_s={server_ready_s:.1f} notebook_ready_s={notebook_ready_s:.1f} "
        f"usable_s={usable_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
