"""The app page (issue 16, item 2): the six parts as tabs over one store, every notebook
saying how to run it, and the last person and routine remembered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from backcare import paths
from backcare.preferences import load_preferences, remember
from backcare.store import Store
from backcare.ui.app import PARTS, AppPage
from backcare.ui.log import CheckInApp
from backcare.ui.planner import PlannerApp
from backcare.ui.progress import ProgressApp
from backcare.ui.session import SessionApp
from backcare.ui.start import StartPage
from backcare.ui.trainer import TrainerApp

REPO = Path(__file__).resolve().parents[1]


def test_six_parts_as_tabs_over_the_same_apps(catalog) -> None:
    page = AppPage(store=Store(":memory:"), catalog=catalog)
    titles = [page.tabs.get_title(i) for i in range(len(page.tabs.children))]
    assert titles == [title for _, title in PARTS]
    assert len(titles) == 6
    assert isinstance(page.parts["start"], StartPage)  # the first tab is ready at once
    kinds = {
        "plan": PlannerApp,
        "session": SessionApp,
        "log": CheckInApp,
        "progress": ProgressApp,
        "trainer": TrainerApp,
    }
    for index, (key, _) in enumerate(PARTS):
        page.tabs.selected_index = index  # opening a tab builds its app
        part = page.parts[key]
        assert page.tabs.children[index].children == (part,)
        if key in kinds:
            assert isinstance(part, kinds[key])
        if key != "progress":  # the progress page shows the demo on an empty store
            assert getattr(part, "store", page.store) is page.store


def test_a_person_chosen_in_one_tab_is_chosen_in_all(catalog) -> None:
    store = Store(":memory:")
    store.add_person("Ann")
    page = AppPage(store=store, catalog=catalog)
    planner, diary = page.show("plan"), page.show("log")
    ben = planner.person.add("Ben")  # added in the planner ...
    assert diary.person.person_id == ben.id  # ... and chosen in the diary too
    trainer = page.show("trainer")
    assert trainer.client_picker.person_id == ben.id
    session = page.show("session")
    assert session.person_picker.person_id == ben.id


def test_the_page_remembers_the_last_person_and_routine(catalog) -> None:
    store = Store(paths.store_path())
    store.add_person("Ann")
    store.add_person("Ben")
    page = AppPage(store=store, catalog=catalog)
    planner = page.show("plan")
    planner.person.value = next(v for label, v in planner.person.options if label == "Ben")
    planner.name.value = "Ben's evening"
    planner.save_button.click()
    assert load_preferences().routine == "Ben's evening"
    saved = json.loads(paths.preferences_path().read_text(encoding="utf-8"))
    assert saved["person_uid"] == next(p.uid for p in store.people() if p.name == "Ben")

    again = AppPage(store=store, catalog=catalog)  # next visit
    session = again.show("session")
    assert session.person_picker.label == "Ben"
    assert session.routine.name == "Ben's evening"
    assert again.show("log").person.label == "Ben"
    assert again.show("plan").saved.label == "Ben's evening"


def test_damaged_preferences_are_ignored(catalog) -> None:
    paths.preferences_path().write_text("{not json", encoding="utf-8")
    assert load_preferences().person_uid is None
    page = AppPage(store=Store(":memory:"), catalog=catalog)
    assert page.messages.kind != "error"
    paths.preferences_path().write_text('["a list"]', encoding="utf-8")
    assert load_preferences().routine is None
    assert remember(routine="x").routine == "x"


def test_app_notebook_is_thin() -> None:
    nb = nbformat.read(REPO / "notebooks" / "app.ipynb", as_version=4)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "code", "code"]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"^\s*(def|class) ", code, re.M)
    assert "AppPage" in code


def test_every_notebook_says_how_to_run_it_first() -> None:
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        lines = [line for line in nb.cells[0].source.splitlines() if line.strip()]
        assert lines[0].startswith("# "), path.name
        first = lines[1]
        assert "Run all cells" in first or "run all cells" in first, (path.name, first)
        assert "Shift+Enter" in first and "Run All" in first, (path.name, first)


def test_readme_links_the_app_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "urlpath=voila/render/notebooks/app.ipynb" in readme
    assert "make app" in readme
