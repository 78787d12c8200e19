"""Binder: ``environment.yml`` and ``postBuild`` are valid, and the notebooks run in a fresh
environment built from exactly what ``environment.yml`` names, as Binder would build it.

Conda is not available here, so the environment is a fresh ``python -m venv`` (Python 3.12
when it can be found, as environment.yml pins) with pip installing the dependencies listed in
environment.yml, then ``postBuild``'s ``pip install --no-deps -e .``. Every notebook is then run
with nbclient in that environment's kernel. pip's cache is reused, so a warm run mostly links
wheels. (That environment.yml and pyproject.toml agree is checked in tests/test_packaging.py.)
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ENVIRONMENT = REPO / "environment.yml"
POSTBUILD = REPO / "postBuild"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

# Tools the runner needs in the environment besides what Binder installs (Binder's
# JupyterLab brings nbclient and nbformat along; a plain pip install of jupyterlab does too).
RUNNER_PACKAGES = ["nbclient", "nbformat"]


def load_environment() -> dict:
    return yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))


def conda_to_pip(spec: str) -> str:
    """``pandas>=2.2`` stays; a conda ``name=1.2`` pin becomes ``name==1.2.*``."""
    spec = spec.strip()
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)=([0-9][^=<>!]*)", spec)
    if match:
        return f"{match.group(1)}=={match.group(2)}.*"
    return spec


def pip_requirements(environment: dict) -> list[str]:
    """The packages environment.yml names, as pip requirements (python and pip left out)."""
    requirements = []
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):  # a nested "pip:" list
            requirements += [str(item) for item in entry.get("pip", [])]
            continue
        name = re.split(r"[<>=!~ ]", str(entry), maxsplit=1)[0]
        if name in ("python", "pip"):
            continue
        requirements.append(conda_to_pip(str(entry)))
    return requirements


def test_environment_yml_is_valid() -> None:
    environment = load_environment()
    assert isinstance(environment, dict)
    assert environment.get("channels") == ["conda-forge"]
    dependencies = environment.get("dependencies")
    assert isinstance(dependencies, list) and dependencies
    assert "python=3.12" in dependencies
    assert "pip" in dependencies
    requirements = pip_requirements(environment)
    names = {re.split(r"[<>=!~ ]", r, maxsplit=1)[0] for r in requirements}
    assert {"jupyterlab", "ipywidgets", "voila"} <= names, requirements


def test_postbuild_installs_backcare() -> None:
    assert POSTBUILD.is_file()
    mode = POSTBUILD.stat().st_mode
    assert mode & stat.S_IXUSR, "postBuild must be executable (git update-index --chmod=+x)"
    text = POSTBUILD.read_text(encoding="utf-8")
    assert text.startswith("#!"), "postBuild needs a shebang line"
    assert "set -e" in text or "set -euo pipefail" in text
    assert re.search(r"pip install --no-deps -e \.(\s|$)", text), text
    assert subprocess.run(["bash", "-n", str(POSTBUILD)], check=False).returncode == 0


def python_312() -> str | None:
    """A Python 3.12 interpreter, as environment.yml pins; ``None`` if there is none."""
    candidates = [shutil.which("python3.12") or ""]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(str(p) for p in pyenv_root.glob("versions/3.12*/bin/python3.12"))
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    return None


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode})\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}"
    )
    return result


# Executed in the fresh environment: each notebook, as a user would, in a temp data folder.
_RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
failures = []
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": "notebooks"}}).execute()
    except Exception as exc:
        failures.append(f"{path}: {type(exc).__name__}: {str(exc)[-1500:]}")
        continue
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" or out.get("name") == "stderr":
                failures.append(f"{path}: {out.get('ename') or 'stderr'}: "
                                f"{out.get('evalue') or out.get('text', '')[:500]}")
    print("ran", path, flush=True)
if failures:
    print("\\n".join(failures))
    sys.exit(1)
"""


@pytest.mark.slow
def test_notebooks_run_in_fresh_binder_like_environment(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert NOTEBOOKS, "no notebooks to run"
    base_python = python_312() or sys.executable
    venv = tmp_path / "binder-env"
    started = time.monotonic()
    run([base_python, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    # The same cache as every other pip run here (no --no-cache-dir): a warm run is quick.
    run([*pip, *pip_requirements(load_environment()), *RUNNER_PACKAGES])
    # postBuild itself, run the way Binder runs it: from the repository, with the env's pip.
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    run(["bash", str(POSTBUILD)], cwd=REPO, env=env)
    built = time.monotonic()

    probe = run(
        [
            python,
            "-c",
            "import sys, backcare; print('%d.%d' % sys.version_info[:2], backcare.__file__)",
        ],
        env=env,
    )
    assert str(REPO / "backcare") in probe.stdout, probe.stdout  # the editable install
    # The kernel comes from the new environment ("python3" there is its own ipykernel).
    env["BACKCARE_DATA_DIR"] = str(data_dir)
    env["MPLBACKEND"] = "Agg"
    run(
        [python, "-c", _RUNNER, *[str(p.relative_to(REPO)) for p in NOTEBOOKS]],
        cwd=REPO,
        env=env,
    )
    finished = time.monotonic()
    with capsys.disabled():
        print(
            f"\nbinder-like env: python {probe.stdout.split()[0]} "
            f"build_s={built - started:.1f} run_notebooks_s={finished - built:.1f}"
        )
