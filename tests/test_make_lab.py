"""The README's set-up works as written: ``make lab`` starts a JupyterLab that answers,
for root (containers, cloud machines) and for an ordinary user, serving the whole checkout
so the paths are Binder's (``/lab/tree/notebooks/...``) and ``data/`` is in the file browser.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import stop_process

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120.0
TOKEN = "backcare-make-lab-test"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def documented_lab_commands() -> list[str]:
    """The ``make lab`` lines of the README's set-up block, as written."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    lines = [line.split("#", 1)[0].strip() for line in setup.splitlines()]
    return [line for line in lines if line.startswith("make lab")]


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _serve_and_check(command: str, user: str | None, tmp_path: Path) -> None:
    """Run ``command`` (with a port of its own), wait until JupyterLab answers, stop it."""
    port = _free_port()
    command = re.sub(r"--port=\d+", f"--port={port}", command)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "JUPYTER_PORT": str(port),  # used when the command names no port
        "JUPYTER_TOKEN": TOKEN,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "BROWSER": "true",  # "open the browser" does nothing here
        "BACKCARE_DATA_DIR": str(home / "data"),
    }
    argv = ["bash", "-c", command]
    if user is not None:
        shutil.chown(home, user)
        argv = ["runuser", "-u", user, "--", *argv]
    log_path = tmp_path / "lab.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            status = 0
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    status, _ = _get(f"http://127.0.0.1:{port}/api/status")
                except (urllib.error.URLError, OSError):
                    status = 0
                if status == 200:
                    break
                time.sleep(0.5)
            log_text = log_path.read_text(errors="replace")
            assert status == 200, f"{command!r} as {user or 'this user'}: no answer\n{log_text}"
            # One root, the checkout: Binder's paths work and data/ is in the file browser.
            status, _ = _get(
                f"http://127.0.0.1:{port}/api/contents/notebooks/00_start_here.ipynb?content=0"
            )
            assert status == 200, "notebooks/00_start_here.ipynb is not at Binder's path"
            status, body = _get(f"http://127.0.0.1:{port}/api/contents/data?content=1")
            assert status == 200 and '"data/catalog.toml"' in body, "data/ is not served"
            # The language-server extension and the build check are off (nothing to find).
            status, _ = _get(f"http://127.0.0.1:{port}/lsp/status")
            assert status == 404, f"jupyter_lsp answers ({status}): make lab switches it off"
            status, page = _get(f"http://127.0.0.1:{port}/lab")
            assert status == 200 and '"buildCheck": false' in page, "the build check is on"
            assert "Running as root is not recommended" not in log_text
        finally:
            stop_process(process, group=True)  # bash, make and JupyterLab


def _venv_ready() -> None:
    if not (REPO / ".venv" / "bin" / "jupyter").exists() or shutil.which("make") is None:
        pytest.skip("needs make and the project's .venv (make lab creates it)")
    stale = subprocess.run(["make", "-q", ".venv/.installed"], cwd=REPO, check=False)
    if stale.returncode != 0:
        pytest.skip(".venv is older than pyproject.toml: run make once first")


def test_readme_documents_lab_and_its_options() -> None:
    commands = documented_lab_commands()
    assert "make lab" in commands
    assert any("LAB_ARGS=" in c for c in commands), commands


@pytest.mark.skipif(os.geteuid() != 0, reason="runs as root only where the tests run as root")
def test_make_lab_as_root_answers(tmp_path: Path) -> None:
    _venv_ready()
    with_args = next(c for c in documented_lab_commands() if "LAB_ARGS=" in c)
    _serve_and_check(with_args, None, tmp_path)


def test_make_lab_as_an_ordinary_user_answers(tmp_path: Path) -> None:
    _venv_ready()
    user = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("no runuser to switch to an ordinary user")
        user = "nobody"
        probe = subprocess.run(
            ["runuser", "-u", user, "--", str(REPO / ".venv" / "bin" / "python"), "-c", "pass"],
            cwd=REPO,
            capture_output=True,
            check=False,
        )
        if probe.returncode != 0:
            pytest.skip(f"{user} cannot run this .venv's Python (it lives in root's home)")
    _serve_and_check("make lab", user, tmp_path)
