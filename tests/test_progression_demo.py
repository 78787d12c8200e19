"""The demo shows the feature on first open: Alex is ready to step up, Sam is told to ease
off his pec wall stretch."""

from __future__ import annotations

import pytest

from backcare.catalog import Catalog
from backcare.progression import Action
from backcare.progression.advice import Advisor
from backcare.store import Store
from backcare.ui.progress import ProgressApp


@pytest.fixture
def demo_store():
    with Store.demo() as store:
        yield store


def test_alex_progresses_and_sam_is_told_to_ease_off(demo_store: Store, catalog: Catalog) -> None:
    advisor = Advisor(demo_store, catalog)
    people = {p.name: p.id for p in demo_store.people()}
    alex = {s.exercise_id: s for a in advisor.advice(people["Alex"]) for s in a.suggestions}
    sam = {s.exercise_id: s for a in advisor.advice(people["Sam"]) for s in a.suggestions}
    assert sum(s.action is Action.PROGRESS for s in alex.values()) >= 3
    assert not any(s.action.is_warning for s in alex.values())
    assert alex["kneeling_hip_flexor"].reason.startswith("Held 30 s in full on your last 3")
    assert sam["pec_wall_stretch"].action is Action.EASE_OFF
    assert sam["pec_wall_stretch"].reason.endswith("ease off to 30 s.")


def test_the_demo_dashboard_shows_them(demo_store: Store, catalog: Catalog) -> None:
    app = ProgressApp(store=Store(":memory:"), catalog=catalog)  # empty: shows the demo
    assert app.is_demo
    overview = app.overview_html.value
    assert f"ease off: {catalog['pec_wall_stretch'].name}" in overview
    assert "step up:" in overview
