"""The planner shows each exercise's moving picture beside its row (kernel-side checks)."""

from __future__ import annotations

import html
from pathlib import Path

from backcare.catalog import load_catalog
from backcare.store import Store
from backcare.ui.planner import PlannerApp

from .test_figures import OWN_EXERCISE, OWN_POSES


def _app(catalog=None) -> PlannerApp:
    return PlannerApp(catalog=catalog, store=Store(":memory:"))


def test_every_row_has_its_moving_picture(catalog) -> None:
    app = _app(catalog)
    for exercise in catalog.exercises:
        picture = app.rows[exercise.id].picture
        assert picture.value.startswith("<svg"), exercise.id
        assert html.escape(f"{exercise.name}: the movement") in picture.value
        assert "animateTransform" in picture.value
        assert "backcare-exercise-picture" in picture._dom_classes
        assert app.rows[exercise.id].children[0] is picture


def test_tempo_follows_the_routine_timing(catalog) -> None:
    app = _app(catalog)
    picture = app.rows["side_lying_leg_raise"].picture
    assert 'dur="3s"' in picture.value
    app.timing_fields["rep_seconds"].value = 4.5
    assert 'dur="4.5s"' in picture.value
    # the rep's hold changes the prone cobra's loop: 3 s of movement and the hold at the top
    cobra = app.rows["prone_cobra"]
    cobra.fields["rep_hold_seconds"].value = 5
    assert 'dur="9.5s"' in cobra.picture.value  # 4.5 s tempo + 5 s hold


def test_unchanged_tempo_is_not_sent_again(catalog) -> None:
    app = _app(catalog)
    picture = app.rows["calf_stretch"].picture
    sent: list[str] = []
    picture.observe(lambda change: sent.append(change["new"]), names="value")
    app.rows["calf_stretch"].fields["sets"].value = 2
    assert sent == []  # a hold's loop does not depend on the sets


def test_own_exercises_poses_or_placeholder(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    text = OWN_EXERCISE.format(id="shoulder_squeeze", name="Shoulder squeeze")
    text += OWN_EXERCISE.format(id="wall_slide", name="Wall slide")
    (data_dir / "my_exercises.toml").write_text(text + OWN_POSES, encoding="utf-8")
    app = _app(load_catalog())
    assert "backcare-figure-placeholder" not in app.rows["shoulder_squeeze"].picture.value
    assert "backcare-figure-placeholder" in app.rows["wall_slide"].picture.value
    assert app.messages.kind != "error"


def test_bad_figure_table_is_a_message_not_a_failure(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    text = OWN_EXERCISE.format(id="shoulder_squeeze", name="Shoulder squeeze")
    text += '\n[figure.shoulder_squeeze]\nimage = "gone.png"\n'
    (data_dir / "my_exercises.toml").write_text(text, encoding="utf-8")
    app = _app(load_catalog())
    assert app.messages.kind == "error"
    assert "gone.png" in app.messages.text and "plain outline" in app.messages.text
    assert "backcare-figure-placeholder" in app.rows["shoulder_squeeze"].picture.value
    assert "backcare-figure-placeholder" not in app.rows["prone_cobra"].picture.value
