"""The bundled demo data: a seeded, made-up log for two people.

``python -m backcare.demo`` writes ``data/demo/demo_export.json``; running it again writes
the same bytes (fixed seed, fixed start date, fixed ids and time stamps). The data is made
through the store's own API (:class:`backcare.store.Store` in memory: people, routines,
sessions step by step, check-ins) and saved with :meth:`Store.export_json`, so it is exactly
what a real export looks like. :meth:`Store.demo` loads it into a throw-away in-memory store;
it is never written into the user's own store.

The two people, over :data:`DEMO_WEEKS` weeks:

* **Alex** does an evening routine (hip & pelvis, deep core) most evenings; discomfort starts
  near 6 and drifts down to about 3, with day-to-day noise and a few missed days.
* **Sam** plans an upper-back and foot & calf routine on weekdays but does it less than half
  the time; discomfort hovers around 5 with a flare in the middle, no real change.

Both score how much each exercise hurt during a session (0-10) and answer the next-morning
question at the first check-in after a session, so the progression rule
(:mod:`backcare.progression`) has something to say on first open: Alex's exercises hurt
little and the mornings are the same or better, so most of them are ready for a step up;
Sam's doorway chest stretch (held 45 s, as a trainer set it) hurts above 5 in the last weeks, so
it is to be eased off. These answers come from a random stream of their own, so the
discomfort, adherence and session numbers stay those of the first two bullets.

All numbers are invented; they only show what the dashboard does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .catalog import Catalog, load_catalog
from .routine import Routine, Schedule, ScheduleKind, from_groups
from .store import Store
from .timeline import StepKind

__all__ = [
    "DEMO_FILE_NAME",
    "DEMO_SEED",
    "DEMO_START",
    "DEMO_WEEKS",
    "DemoPerson",
    "build_demo_store",
    "demo_export_bytes",
    "demo_path",
    "main",
    "write_demo",
]

DEMO_SEED = 20240304
DEMO_START = dt.date(2024, 3, 4)  # a Monday; fixed so the file never depends on today
DEMO_WEEKS = 10
DEMO_FILE_NAME = "demo_export.json"
# Times are written in UTC and placed mid-day, so the calendar day is the same anywhere
# from UTC-8 to UTC+6 (the dashboard counts days on the viewer's clock).
_ZONE = dt.UTC
_CREATED = dt.datetime(2024, 3, 3, 12, 0, tzinfo=_ZONE)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """How one made-up person behaves."""

    name: str
    groups: tuple[str, ...]
    weekdays: tuple[int, ...]
    start_discomfort: float
    end_discomfort: float
    do_chance_start: float  # chance of doing a planned session, first week
    do_chance_end: float  # ... last week
    checkin_chance: float
    flare_week: int | None = None  # a week of higher discomfort
    after_session_relief: float = 0.0  # lower score the day after a session
    # progression data: typical pain during the exercises (0-10), start and end of the demo
    pain_during_start: float = 2.0
    pain_during_end: float = 2.0
    chance_worse_morning: float = 0.05
    chance_better_morning: float = 0.3
    # exercise id -> (pain during added in the last two weeks); prescriptions set by a trainer
    sore: tuple[tuple[str, float], ...] = ()
    prescriptions: tuple[tuple[str, dict[str, int]], ...] = ()
    steady_last_days: int = 0  # sessions in these last days are done in full


PEOPLE = (
    DemoPerson(
        name="Alex",
        groups=("hip_pelvis", "deep_core"),
        weekdays=(0, 1, 2, 3, 4, 5, 6),
        start_discomfort=6.2,
        end_discomfort=3.6,
        do_chance_start=0.6,
        do_chance_end=0.85,
        checkin_chance=0.88,
        after_session_relief=0.5,
        pain_during_start=3.0,
        pain_during_end=1.0,
        chance_worse_morning=0.04,
        chance_better_morning=0.35,
        steady_last_days=12,
    ),
    DemoPerson(
        name="Sam",
        groups=("upper_back", "foot_calf"),
        weekdays=(0, 1, 2, 3, 4),
        start_discomfort=5.2,
        end_discomfort=5.0,
        do_chance_start=0.45,
        do_chance_end=0.35,
        checkin_chance=0.7,
        flare_week=5,
        pain_during_start=3.0,
        pain_during_end=3.5,
        chance_worse_morning=0.15,
        chance_better_morning=0.15,
        sore=(("pec_wall_stretch", 3.5),),
        prescriptions=(("pec_wall_stretch", {"hold_seconds": 45}), ("prone_cobra", {"reps": 18})),
    ),
)


def demo_path() -> Path:
    """Where the bundled demo file lives."""
    return paths.demo_dir() / DEMO_FILE_NAME


def _routine(person: DemoPerson, catalog: Catalog) -> Routine:
    schedule = Schedule(ScheduleKind.EVENING, time=dt.time(18, 0), weekdays=person.weekdays)
    routine = from_groups(catalog, person.groups, name="Evening routine", schedule=schedule)
    for exercise_id, changes in person.prescriptions:
        routine = routine.with_prescription(exercise_id, **changes)
    return routine


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), _ZONE)


def _score(value: float) -> int:
    return max(0, min(10, round(value)))


def _add_person(
    store: Store,
    person: DemoPerson,
    catalog: Catalog,
    rng: random.Random,
    start: dt.date,
    weeks: int,
    answers: random.Random,
) -> None:
    """One person's log; ``answers`` draws the pain-during scores and morning answers (a
    stream apart from ``rng``, so adding them left the rest of the demo as it was)."""
    person_id = store.add_person(person.name, zone="UTC").id
    routine = _routine(person, catalog)
    store.save_routine(person_id, routine, on=start)  # followed from the first day
    steps = routine.steps(catalog)
    days = weeks * 7
    did_yesterday = False
    morning_due = False  # a session since the last daily check-in: the next one asks
    done: list[tuple[int, float, list[tuple[str, dt.datetime]]]] = []
    for n in range(days):
        day = start + dt.timedelta(days=n)
        progress = n / max(days - 1, 1)
        level = person.start_discomfort + (person.end_discomfort - person.start_discomfort) * (
            progress
        )
        if person.flare_week is not None and n // 7 == person.flare_week:
            level += 1.8
        if did_yesterday:
            level -= person.after_session_relief
        if rng.random() < person.checkin_chance:
            discomfort = _score(rng.gauss(level, 0.8))
            peg = None
            if day.weekday() == 6:  # a fuller PEG check on Sundays
                peg = (
                    discomfort,
                    _score(rng.gauss(level - 0.5, 1.0)),
                    _score(rng.gauss(level, 1.0)),
                )
            morning = _morning(person, answers) if morning_due else None
            morning_due = False
            store.add_checkin(
                person_id, discomfort, at=_at(day, 11, rng.randrange(60)), peg=peg, morning=morning
            )
        elif morning_due and n >= days - person.steady_last_days:
            # the steady last days: the morning after a session is never missed
            discomfort = _score(answers.gauss(level, 0.8))
            morning = _morning(person, answers)
            morning_due = False
            at = _at(day, 10, answers.randrange(60))
            store.add_checkin(person_id, discomfort, at=at, morning=morning)
        did_yesterday = False
        chance = person.do_chance_start + (person.do_chance_end - person.do_chance_start) * (
            progress
        )
        if day.weekday() not in person.weekdays or rng.random() >= chance:
            continue
        started = _at(day, 17, rng.randrange(45))
        session_id = store.start_session(person_id, routine, catalog, started_at=started)
        work = [s for s in steps if s.kind.is_work]
        steady = n >= days - person.steady_last_days
        drawn_stop = len(work) if rng.random() > 0.12 else rng.randrange(1, len(work))
        stop_after = len(work) if steady else drawn_stop
        clock = started
        reached: list[tuple[str, dt.datetime]] = []
        for step in steps:
            if step.kind is StepKind.DONE:
                continue
            clock += dt.timedelta(seconds=step.seconds)
            if not step.kind.is_work:
                continue
            position = work.index(step)
            if position >= stop_after:
                break
            if step.exercise_id and step.exercise_id not in [e for e, _ in reached]:
                reached.append((step.exercise_id, clock))
            # a step only the steady end reaches draws from the other stream, so the rest of
            # the demo stays as it was
            source = answers if position >= drawn_stop else rng
            drawn_skip = source.random() < 0.05
            skipped = drawn_skip and not steady
            performed = 0.0
            if not skipped:
                factor = (answers if drawn_skip else source).uniform(0.9, 1.05)
                performed = round(step.seconds * factor)
            store.record_step(
                session_id,
                step.index,
                "skipped" if skipped else "done",
                performed_seconds=performed,
                at=clock,
            )
        completed = stop_after == len(work)
        store.finish_session(session_id, "completed" if completed else "stopped", at=clock)
        done.append((session_id, progress, reached))
        did_yesterday = True
        morning_due = True
        if rng.random() < 0.25:  # now and then a check-in right after the session
            after = _score(rng.gauss(level - 0.6, 0.7))
            store.add_checkin(
                person_id,
                after,
                at=clock + dt.timedelta(minutes=2),
                context="after",
                session_id=session_id,
            )
    last_day = start + dt.timedelta(days=days)
    if morning_due and person.steady_last_days:  # the morning after the last session
        morning = _morning(person, answers)
        store.add_checkin(
            person_id, _score(answers.gauss(level, 0.8)), at=_at(last_day, 10, 5), morning=morning
        )
    for number, (session_id, progress, reached) in enumerate(done):
        last_weeks = number >= len(done) - 6
        last = number == len(done) - 1
        _score_pain_during(store, session_id, person, reached, progress, last_weeks, last, answers)


def _morning(person: DemoPerson, answers: random.Random) -> str:
    draw = answers.random()
    if draw < person.chance_worse_morning:
        return "worse"
    if draw < person.chance_worse_morning + person.chance_better_morning:
        return "better"
    return "same"


def _score_pain_during(
    store: Store,
    session_id: int,
    person: DemoPerson,
    reached: list[tuple[str, dt.datetime]],
    progress: float,
    recent: bool,
    last: bool,
    answers: random.Random,
) -> None:
    """Pain during each exercise reached, scored just after it: now and then left out, except
    in the person's last sessions (``recent``), where it stays at 5 or below but for a sore
    exercise in the very last one."""
    sore = dict(person.sore)
    level = person.pain_during_start + (person.pain_during_end - person.pain_during_start) * (
        progress
    )
    for exercise_id, at in reached:
        score = _score(answers.gauss(level, 0.6))
        if last and exercise_id in sore:
            score = _score(level + sore[exercise_id] + answers.random())
        elif recent:
            score = min(score, 5)
        if answers.random() < (0.0 if recent else 0.1):
            continue  # not scored this time
        store.record_pain_during(session_id, exercise_id, score, at=at)


def build_demo_store(
    seed: int = DEMO_SEED,
    start: dt.date = DEMO_START,
    weeks: int = DEMO_WEEKS,
    people: Sequence[DemoPerson] = PEOPLE,
) -> Store:
    """A fresh in-memory store filled with the demo people through the store's API."""
    if not 8 <= weeks <= 12:
        raise ValueError("the demo covers 8 to 12 weeks")
    catalog = load_catalog(include_user=False)
    rng = random.Random(seed)
    answers = random.Random(seed + 1)
    store = Store(":memory:")
    for person in people:
        _add_person(store, person, catalog, rng, start, weeks, answers)
    return store


def _fix_document(document: dict[str, Any], seed: int) -> dict[str, Any]:
    """Replace the parts of an export that differ from run to run: random uids and the
    times the store stamps with the clock (export, creation, saving)."""
    rng = random.Random(seed)
    new_uids: dict[str, str] = {}

    def fixed(uid: str | None) -> str | None:
        if uid is None:
            return None
        if uid not in new_uids:
            new_uids[uid] = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        return new_uids[uid]

    document["exported_at"] = _CREATED.isoformat(timespec="seconds")
    for table, records in document.items():
        if not isinstance(records, list):
            continue
        for record in records:
            for key in [k for k in record if k == "uid" or k.endswith("_uid")]:
                record[key] = fixed(record[key])
            if table == "people":
                record["created_at"] = _CREATED.isoformat(timespec="seconds")
            if table == "plan_events":
                record["at"] = _CREATED.isoformat(timespec="seconds")
    return document


def demo_export_bytes(seed: int = DEMO_SEED, start: dt.date = DEMO_START, weeks: int = DEMO_WEEKS):
    """The demo file's bytes: the store's JSON export with fixed uids and clock stamps."""
    store = build_demo_store(seed, start, weeks)
    try:
        document = json.loads(store.export_json())
    finally:
        store.close()
    document = _fix_document(document, seed)
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_demo(path: Path | None = None, seed: int = DEMO_SEED) -> Path:
    """Write the demo file (atomically) and return its path."""
    path = path or demo_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_bytes(demo_export_bytes(seed))
    tmp.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m backcare.demo [--check] [--out PATH]``."""
    parser = argparse.ArgumentParser(description="Write (or check) the bundled demo data.")
    parser.add_argument("--out", type=Path, default=None, help="where to write the file")
    parser.add_argument(
        "--check", action="store_true", help="only check that the file is up to date"
    )
    args = parser.parse_args(argv)
    target = args.out or demo_path()
    if args.check:
        current = target.read_bytes() if target.is_file() else b""
        if current != demo_export_bytes():
            print(f"{target} is out of date; run python -m backcare.demo", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    written = write_demo(target)
    print(f"wrote {written} ({written.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
