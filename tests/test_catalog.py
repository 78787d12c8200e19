"""The exercise catalog: the nine bundled exercises, user additions, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcare import paths
from backcare.catalog import CatalogError, load_catalog
from backcare.prescription import Kind, Sides

GOOD_USER_EXERCISE = """
[[exercise]]
id = "wall_angel"
name = "Wall angel"
group = "upper_back"
targets = ["lower trapezius"]
equipment = ["a wall"]
kind = "reps"
sides = "both"
prescription = { sets = 2, reps = 12 }
cues = ["Stand with your back on a wall.", "Slide the arms up.", "Slide them down slowly."]
"""


def test_bundled_catalog_has_four_groups_and_nine_exercises(catalog) -> None:
    assert [g.id for g in catalog.groups] == ["foot_calf", "hip_pelvis", "upper_back", "deep_core"]
    assert len(catalog) == 9
    counts = {g.id: len(catalog.in_group(g.id)) for g in catalog.groups}
    assert counts == {"foot_calf": 2, "hip_pelvis": 3, "upper_back": 3, "deep_core": 1}


def test_exercise_facts_match_the_domain(catalog) -> None:
    roll = catalog["foot_ball_roll"]
    assert roll.kind is Kind.ROLL and roll.sides is Sides.EACH
    assert roll.prescription.hold_seconds == 60
    cobra = catalog["prone_cobra"]
    assert cobra.kind is Kind.REPS_HOLD and cobra.sides is Sides.BOTH
    assert 3 <= cobra.prescription.rep_hold_seconds <= 5
    assert catalog["dead_bug_heel_touch"].sides is Sides.ALTERNATING
    assert catalog["lat_stretch"].sides is Sides.BOTH
    for exercise in catalog.values():
        assert 3 <= len(exercise.cues) <= 5
        assert exercise.targets
        p = exercise.prescription
        assert p.sets == 1
        if exercise.kind is Kind.HOLD:
            assert p.hold_seconds == 30
        if exercise.kind in (Kind.REPS, Kind.REPS_HOLD):
            assert p.reps == 15


def test_catalog_found_from_another_working_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert len(load_catalog(include_user=False)) == 9


def test_user_exercises_are_merged(data_dir: Path) -> None:
    paths.user_catalog_path().write_text(GOOD_USER_EXERCISE)
    catalog = load_catalog()
    assert len(catalog) == 10
    assert catalog["wall_angel"].source == "user"
    assert catalog["wall_angel"] in catalog.in_group("upper_back")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my_exercises.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('kind = "reps"', 'kind = "jumping"'), "'kind'"),
        (('sides = "both"', 'sides = "sometimes"'), "'sides'"),
        (('group = "upper_back"', 'group = "legs"'), "'group'"),
        (("reps = 12", "reps = 500"), "'prescription'"),
        (("reps = 12", 'reps = "lots"'), "'prescription'"),
        (('id = "wall_angel"', 'id = "Wall Angel!"'), "'id'"),
        (('id = "wall_angel"', 'id = "prone_cobra"'), "already used"),
        (('"Slide them down slowly."', ""), "'cues'"),
        (('name = "Wall angel"', 'name = ""'), "'name'"),
        (("[[exercise]]", "[[exercise]]\nsparkle = 1"), "unknown field"),
    ],
)
def test_malformed_user_exercise_names_file_exercise_and_field(tmp_path, change, field) -> None:
    path = _write(tmp_path, GOOD_USER_EXERCISE.replace(*change))
    with pytest.raises(CatalogError) as err:
        load_catalog(user_path=path)
    message = str(err.value)
    assert str(path) in message
    assert field in message
    # the exercise is named by its id as written in the file
    written_id = "prone_cobra" if "prone_cobra" in change[1] else "wall_angel"
    assert f"exercise '{written_id}'" in message or "exercise 'Wall Angel!'" in message


def test_not_toml_is_reported_with_the_file(tmp_path) -> None:
    path = _write(tmp_path, "this is [not toml")
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(user_path=path)


def test_unsupported_version_is_refused(tmp_path) -> None:
    path = _write(tmp_path, "version = 7\n" + GOOD_USER_EXERCISE)
    with pytest.raises(CatalogError, match="version 7"):
        load_catalog(user_path=path)


def test_missing_bundled_catalog_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "nope.toml", include_user=False)


def test_unknown_group_lookup(catalog) -> None:
    with pytest.raises(KeyError, match="legs"):
        catalog.in_groups(["legs"])
