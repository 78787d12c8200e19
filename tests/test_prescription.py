"""Prescriptions: defaults from the source, allowed ranges, and clear refusals."""

from __future__ import annotations

import pytest

from backcare.prescription import ALLOWED, Kind, Prescription, PrescriptionError, Sides


def test_defaults_follow_the_source() -> None:
    assert Prescription.default(Kind.HOLD).hold_seconds == 30
    assert Prescription.default(Kind.ROLL).hold_seconds == 60
    assert Prescription.default(Kind.REPS).reps == 15
    cobra = Prescription.default(Kind.REPS_HOLD)
    assert cobra.reps == 15 and cobra.rep_hold_seconds == 3
    assert all(Prescription.default(k).sets == 1 for k in Kind)


@pytest.mark.parametrize("field", ["sets", "hold_seconds", "rest_seconds"])
def test_out_of_range_is_refused_with_the_range(field) -> None:
    low, high = ALLOWED[field]
    with pytest.raises(PrescriptionError, match=f"{low}-{high}"):
        Prescription(Kind.HOLD, **{"hold_seconds": 30, field: high + 1})
    Prescription(Kind.HOLD, **{"hold_seconds": 30, field: high})  # the edge is fine


def test_fields_must_fit_the_kind() -> None:
    with pytest.raises(PrescriptionError, match="needs reps"):
        Prescription(Kind.REPS)
    with pytest.raises(PrescriptionError, match="does not apply"):
        Prescription(Kind.HOLD, hold_seconds=30, reps=10)
    with pytest.raises(PrescriptionError, match="whole number"):
        Prescription(Kind.REPS, reps=12.5)
    with pytest.raises(PrescriptionError, match="whole number"):
        Prescription(Kind.REPS, reps=True)
    with pytest.raises(PrescriptionError, match="unknown kind"):
        Prescription("juggling")


def test_from_dict_refuses_unknown_keys_and_fills_defaults() -> None:
    p = Prescription.from_dict(Kind.REPS, {"sets": 2})
    assert (p.sets, p.reps) == (2, 15)
    with pytest.raises(PrescriptionError, match="unknown prescription field"):
        Prescription.from_dict(Kind.REPS, {"speed": 3})
    assert Prescription.from_dict(Kind.REPS, p.to_dict()) == p


def test_outside_recommended_is_noted_but_allowed() -> None:
    p = Prescription(Kind.HOLD, sets=3, hold_seconds=90)
    notes = p.outside_recommended()
    assert any("sets 3" in n for n in notes) and any("hold_seconds 90" in n for n in notes)
    assert Prescription.default(Kind.ROLL).outside_recommended() == []


def test_with_validates_again() -> None:
    p = Prescription.default(Kind.HOLD)
    assert p.with_(hold_seconds=45).hold_seconds == 45
    with pytest.raises(PrescriptionError):
        p.with_(hold_seconds=5)


def test_describe() -> None:
    assert Prescription(Kind.HOLD, sets=2, hold_seconds=30).describe(Sides.EACH) == (
        "2 sets of 30 s hold, each side"
    )
    cobra = Prescription(Kind.REPS_HOLD, reps=15, rep_hold_seconds=4)
    assert cobra.describe() == "1 set of 15 reps, 4 s hold each"
