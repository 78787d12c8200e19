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


# -- issue 16, item 3: "add a person" wherever a person is chosen; every app sees them ------
def test_planner_on_a_fresh_folder_can_name_a_person(catalog) -> None:
    from backcare.ui.planner import PlannerApp

    with Store(":memory:") as store:
        planner = PlannerApp(catalog, store=store)
        picker = planner.person
        assert picker.options == ()
        picker.add_button.click()
        assert picker.new_name.layout.display != "none"  # the name box shows
        picker.new_name.value = "Dana"
        picker.confirm.click()
        dana = next(p for p in store.people() if p.name == "Dana")
        assert picker.person_id == dana.id
        assert picker.messages.kind == "success"
        assert picker.new_name.layout.display == "none"  # folded away again


def test_every_open_app_sees_a_new_person_without_rerunning(catalog) -> None:
    from backcare.ui.log import CheckInApp
    from backcare.ui.planner import PlannerApp
    from backcare.ui.trainer import TrainerApp

    with Store(":memory:") as store:
        store.add_person("Ann")
        planner = PlannerApp(catalog, store=store)
        diary = CheckInApp(store)
        trainer = TrainerApp(store=store, catalog=catalog)
        planner.person.add("Ben")
        for picker in (diary.person, trainer.client_picker):
            assert "Ben" in [label for label, _ in picker.options]
            assert picker.label == "Ann"  # their own choice stays
        assert "Ben" in [label for label, _ in trainer.clients.people_list.options]
        # ... and the other way round: a client added in the trainer kit.
        trainer.clients.add("Cleo")
        assert "Cleo" in [label for label, _ in planner.person.options]
        assert "Cleo" in [label for label, _ in diary.person.options]


def test_add_a_person_refuses_bad_names_and_changes_nothing() -> None:
    with Store(":memory:") as store:
        store.add_person("Ann")
        picker = PersonPicker(store)
        for bad in ("", "   ", "ann", "x" * 500):
            picker.show_adder(True)
            picker.new_name.value = bad
            picker.confirm.click()
            assert picker.messages.kind == "error", bad
            assert [p.name for p in store.people()] == ["Ann"]
        picker.new_name.value = HOSTILE
        picker.confirm.click()
        assert picker.label == HOSTILE  # a plain label; the message escapes it
        assert "<script>" not in picker.messages.value


def test_the_demo_data_offers_no_add(catalog) -> None:
    """The progress page on the demo data: nobody can be added to made-up data."""
    from backcare.ui.progress import ProgressApp

    app = ProgressApp(store=Store(":memory:"), catalog=catalog)
    assert app.is_demo
    assert app.picker.add_button.layout.display == "none"
    assert PersonPicker(Store(":memory:")).add_button.layout.display != "none"
