"""The project's shape: set-up files agree, notebooks are thin and output-free, lint is clean."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from backcare import paths

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked_versions() -> dict[str, set[str]]:
    """Every package uv.lock holds, with its version(s) (one per Python range at most)."""
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    versions: dict[str, set[str]] = {}
    for package in lock["package"]:
        versions.setdefault(package["name"], set()).add(package.get("version", ""))
    return versions


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_runtime_dependencies_install_in_the_browser() -> None:
    """`%pip install backcare` in JupyterLite brings only what runs there; Jupyter is an extra."""
    project = _project()
    runtime = {_name(d) for d in project["dependencies"]}
    assert not runtime & {"jupyterlab", "notebook", "voila", "ipykernel", "jupyter-server"}
    assert {"jupyterlab", "voila", "ipykernel"} <= {
        _name(d) for d in project["optional-dependencies"]["lab"]
    }


def test_lock_file_is_in_step_with_pyproject() -> None:
    """uv.lock was made from today's pyproject.toml (else: `make lock`)."""
    project = _project()
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    (own,) = [p for p in lock["package"] if p["name"] == "backcare"]
    locked = {
        (d["name"], str(SpecifierSet(d.get("specifier", ""))), d.get("marker", ""))
        for d in own["metadata"]["requires-dist"]
    }
    wanted = {(_name(d), str(Requirement(d).specifier), "") for d in project["dependencies"]}
    for extra, requirements in project["optional-dependencies"].items():
        wanted |= {
            (_name(d), str(Requirement(d).specifier), f"extra == '{extra}'") for d in requirements
        }
    assert locked == wanted, "uv.lock is out of step with pyproject.toml: run `make lock`"
    assert lock["requires-python"] == project["requires-python"]


def test_environment_yml_pins_the_locked_versions() -> None:
    """Binder installs the runtime dependencies and the lab extra at uv.lock's versions."""
    project = _project()
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.12" in deps
    conda = dict(d.split("=", 1) for d in deps if not d.startswith(("python=", "pip")))
    wanted = {
        Requirement(d) for d in [*project["dependencies"], *project["optional-dependencies"]["lab"]]
    }
    assert set(conda) == {r.name for r in wanted}, "environment.yml names other packages"
    locked = _locked_versions()
    for requirement in wanted:
        pin = conda[requirement.name]
        assert pin in locked[requirement.name], f"{requirement.name}={pin} is not uv.lock's version"
        assert requirement.specifier.contains(pin), f"{requirement.name}={pin} breaks pyproject"


def test_postbuild_installs_the_package_without_dependencies() -> None:
    post = REPO / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    assert "pip install --no-deps -e ." in post.read_text()


def test_readme_starts_with_the_two_setup_commands() -> None:
    text = (REPO / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert block, "README needs a code block with the set-up commands"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [c for c in commands if c] == ["make lab", "make test"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_output_free(notebook) -> None:
    nb = json.loads(notebook.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook needs at least one code cell"
    for cell in code:
        source = "".join(cell["source"])
        assert not cell.get("outputs"), "commit notebooks without outputs"
        assert cell.get("execution_count") is None
        assert not re.search(r"^\s*(def|class)\s", source, re.M), "move functions into backcare/"
        assert len(source.splitlines()) <= 6, "keep notebook cells to a few lines"
        assert "import" not in source or "from backcare" in source or "import backcare" in source


def test_every_notebook_is_linked_from_the_start_page() -> None:
    start = (REPO / "notebooks" / "00_start_here.ipynb").read_text()
    for notebook in NOTEBOOKS:
        if notebook.name != "00_start_here.ipynb":
            assert notebook.name in start, f"00_start_here does not link {notebook.name}"


def test_user_data_folder_is_git_ignored() -> None:
    ignored = (REPO / ".gitignore").read_text().splitlines()
    assert "data/user/" in ignored


def test_package_data_found_from_any_directory(tmp_path) -> None:
    code = (
        "from backcare import paths, load_catalog; print(paths.catalog_path(), len(load_catalog()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(paths.catalog_path()), "9"]


def test_wheel_carries_catalog_and_demo(tmp_path) -> None:
    """A non-editable install finds the catalog and the demo data inside the package."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("backcare-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "backcare/_data/catalog.toml" in names
    assert "backcare/_data/poses.toml" in names  # the exercise drawings
    assert "backcare/_data/demo/demo_export.json" in names
    # the guided session's front end (anywidget) ships with the package
    for name in ("countdown.js", "cues.js", "focus.css"):
        assert f"backcare/ui/session/{name}" in names


def test_ruff_is_clean() -> None:
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=REPO, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
