"""The bundled demo data: reproducible, realistic, and kept out of the user's store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcare import analysis, demo
from backcare.catalog import load_catalog
from backcare.store import Store


@pytest.fixture(scope="module")
def demo_store():
    store = Store.demo()
    yield store
    store.close()


def test_regenerating_gives_the_same_file() -> None:
    fresh = demo.demo_export_bytes()
    assert fresh == demo.demo_export_bytes()
    assert demo.demo_path().read_bytes() == fresh, "run python -m backcare.demo and commit"
    other_seed = demo.demo_export_bytes(seed=demo.DEMO_SEED + 1)
    assert other_seed != fresh


def test_main_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "demo.json"
    assert demo.main(["--out", str(target)]) == 0
    assert target.read_bytes() == demo.demo_path().read_bytes()
    assert demo.main(["--check", "--out", str(target)]) == 0
    target.write_text("{}", encoding="utf-8")
    assert demo.main(["--check", "--out", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_demo_file_is_a_store_export() -> None:
    document = json.loads(demo.demo_path().read_text(encoding="utf-8"))
    assert document["format"] == "backcare.export"
    assert len(document["people"]) == 2
    assert document["exported_at"].startswith("2024-03-03")


def test_demo_is_realistic(demo_store: Store) -> None:
    assert demo_store.is_demo
    catalog = load_catalog(include_user=False)
    checkins = demo_store.checkins_frame()
    sessions = demo_store.sessions_frame()
    people = demo_store.people()
    assert [p.name for p in people] == ["Alex", "Sam"]
    days = analysis.day_of(checkins["at"])
    span_weeks = (days.max() - days.min()).days / 7
    assert 8 <= span_weeks <= 12
    flags = {}
    for person in people:
        mine = checkins[checkins["person_id"] == person.id]
        their_sessions = sessions[sessions["person_id"] == person.id]
        first, last = days.min(), days.max()
        plan = demo_store.routines(person.id, catalog)
        daily = analysis.adherence(their_sessions, plan, first, last)
        assert 0 < daily["done"].sum() < daily["planned"].sum()  # some missed days
        checkin_days = analysis.day_of(mine["at"]).nunique()
        assert checkin_days < (last - first).days + 1  # some days without a check-in
        assert (their_sessions["status"] == "stopped").any() or person.name == "Sam"
        flags[person.name] = analysis.important_change(analysis.discomfort_trend(mine))
    assert flags["Alex"].important_fall
    assert not flags["Sam"].important_fall and flags["Sam"].enough


def test_demo_never_enters_the_user_store(data_dir: Path) -> None:
    with Store.demo() as shown:
        assert len(shown.checkins_frame()) > 0
    with Store() as mine:
        assert mine.people() == []
        assert mine.checkins_frame().empty
        assert mine.sessions_frame().empty
    assert Path(mine.path).parent == data_dir


def test_weeks_outside_the_range_are_refused() -> None:
    with pytest.raises(ValueError):
        demo.build_demo_store(weeks=20)
