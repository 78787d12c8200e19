"""Every notebook runs top to bottom in a fresh data folder, and shows what it should.

nbval runs the same notebooks as tests of their own (``--nbval-lax`` in pyproject); here
nbclient executes them and the tests look at what they produce: the widgets they render,
with their state, and no error or warning output.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from backcare import paths

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def execute(name: str, data_dir: Path) -> nbformat.NotebookNode:
    """Run a notebook as JupyterLab would, from the notebooks folder, in ``data_dir``."""
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    env_before = os.environ.get(paths.DATA_DIR_ENV)
    os.environ[paths.DATA_DIR_ENV] = str(data_dir)  # the kernel inherits the environment
    try:
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            store_widget_state=True,
            resources={"metadata": {"path": str(REPO / "notebooks")}},
        ).execute()
    finally:
        if env_before is not None:
            os.environ[paths.DATA_DIR_ENV] = env_before
    return nb


def widget_states(nb: nbformat.NotebookNode) -> list[dict]:
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return [w["state"] for w in state.values()]


def with_class(nb: nbformat.NotebookNode, css_class: str) -> list[dict]:
    return [s for s in widget_states(nb) if css_class in s.get("_dom_classes", ())]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_clean_and_shows_a_widget(notebook: Path, data_dir: Path) -> None:
    nb = execute(notebook.name, data_dir)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in last.outputs), "no widget shown"


def test_start_page_shows_the_data_folder_and_the_exercises(data_dir: Path) -> None:
    nb = execute("00_start_here.ipynb", data_dir)
    html = " ".join(str(s.get("value", "")) for s in widget_states(nb))
    assert str(data_dir) in html
    assert "No entries yet" in html
    assert html.count("<tr><td><b>") == 9


def test_planner_notebook_shows_all_four_groups_and_the_duration(data_dir: Path) -> None:
    nb = execute("01_plan_a_routine.ipynb", data_dir)
    (duration,) = with_class(nb, "backcare-duration")
    assert "14 min 15 s" in duration["value"] and "9 exercises" in duration["value"]
    groups = with_class(nb, "backcare-group-toggle")
    assert len(groups) == 4 and all(g["value"] for g in groups)
    (table,) = with_class(nb, "backcare-routine-table")
    assert table["value"].count("</tr>") == 10  # header + nine exercises
