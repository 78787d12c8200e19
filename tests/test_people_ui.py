"""The shared "whose data" picker."""

from __future__ import annotations

from backcare.store import Store
from backcare.ui.people import PersonPicker

HOSTILE = "<script>alert(1)</script>"


def test_picker_lists_active_people_and_follows_choice() -> None:
    with Store(":memory:") as store:
        ann = store.add_person("Ann")
        bob = store.add_person("Bob")
        picker = PersonPicker(store)
        assert picker.description == "Whose data"
        assert picker.options == (("Ann", ann.id), ("Bob", bob.id))
        assert picker.person_id == ann.id
        picker.value = bob.id
        assert picker.person_id == bob.id
        picker.person_id = ann.id  # the trait drives the drop-down too
        assert picker.value == ann.id
        assert "backcare-person" in picker._dom_classes


def test_refresh_keeps_choice_and_drops_archived() -> None:
    with Store(":memory:") as store:
        ann = store.add_person("Ann")
        bob = store.add_person("Bob")
        picker = PersonPicker(store)
        picker.value = bob.id
        carl = store.add_person("Carl")
        picker.refresh()
        assert picker.person_id == bob.id
        assert [label for label, _ in picker.options] == ["Ann", "Bob", "Carl"]
        store.archive_person(bob.id)
        picker.refresh()
        assert picker.person_id == ann.id
        assert bob.id not in [value for _, value in picker.options]
        store.rename_person(carl.id, "Carla")
        picker.refresh()
        picker.select(carl.id)
        assert picker.person_id == carl.id and picker.label == "Carla"


def test_select_someone_added_elsewhere_and_unknown() -> None:
    with Store(":memory:") as store:
        ann = store.add_person("Ann")
        picker = PersonPicker(store)
        dana = store.add_person("Dana")
        picker.select(dana.id)
        assert picker.person_id == dana.id
        picker.select(999)
        assert picker.person_id == dana.id
        assert ann.id in [value for _, value in picker.options]


def test_empty_store_and_hostile_names() -> None:
    with Store(":memory:") as store:
        picker = PersonPicker(store)
        assert picker.person_id is None and picker.options == ()
        evil = store.add_person(HOSTILE)
        picker.refresh()
        assert picker.person_id == evil.id
        assert picker.label == HOSTILE  # a plain option label, never HTML


def test_two_pickers_are_independent() -> None:
    with Store(":memory:") as store:
        ann = store.add_person("Ann")
        bob = store.add_person("Bob")
        first, second = PersonPicker(store), PersonPicker(store)
        first.value = bob.id
        assert second.person_id == ann.id
