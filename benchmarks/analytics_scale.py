"""How the progress analytics scale: loading from the store, the analysis and the charts.

Two stores are filled with made-up daily check-ins and sessions: a large one (100 people over
5 years by default) and one a tenth of its size (10 people over the same 5 years), which is
the baseline measured in the same run. For each store the script times

* ``load``: the three frames the dashboard reads (``checkins_frame``, ``sessions_frame``,
  ``steps_frame``);
* ``analysis``: for every person, everything the dashboard computes over the whole log
  (adherence per day and week, trend, important change, associations, per group and per
  exercise, summary; :func:`backcare.analysis.person_reports`, which gives the same numbers as
  the single-person functions but reads each column once for everyone) plus the trainer
  overview of everyone;
* ``chart``: for every person, updating the three charts in place and rendering them to PNG.

Filling goes straight into the store's SQLite file with ``executemany`` after the store
created its schema (the store has no bulk insert; one transaction an event would take far
longer than what is measured). Only the fill bypasses the store; loading goes through it.

Loading and the analysis are timed ``--repeat`` times each (3 by default), one after the
other, and the fastest of each is kept, as :mod:`timeit` advises: on a shared machine the
slower runs measure the other programs, not this code. The charts, the longest part, are
timed once.

The last line is ``rows=N load_s=A analysis_s=B chart_s=C analysis_over_load=B/A
scale_10x=T repeat=R`` for the large store, where ``scale_10x`` is the large store's total
time over the small one's. Targets: ``analysis_over_load <= 1`` and ``scale_10x <= 12``.
``--quick`` runs a smaller pair (20 and 2 people over one year).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# statsmodels (the association's intervals) is loaded before anything is timed: a one-off
# cost of starting Python, not of the analysis (the dashboard pays it once, at its first draw)
import statsmodels.regression.linear_model  # noqa: F401

from backcare import analysis
from backcare.catalog import Catalog, load_catalog
from backcare.charts import CalendarHeatmap, GroupAdherenceChart, ProgressFigure
from backcare.routine import Routine, RoutineItem, Schedule
from backcare.store import Store

START = dt.date(2019, 1, 7)  # a Monday


def _routine(catalog: Catalog) -> Routine:
    items = tuple(
        RoutineItem(exercise_id, catalog[exercise_id].prescription)
        for exercise_id in ("calf_stretch", "dead_bug_heel_touch")
    )
    return Routine("Evening routine", items, Schedule())


def fill(path: Path, people: int, days: int, seed: int = 7) -> int:
    """Fill a new store at ``path``; returns the number of rows written (check-ins, sessions
    and steps)."""
    catalog = load_catalog(include_user=False)
    routine = _routine(catalog)
    steps = routine.steps(catalog)
    routine_json = json.dumps(routine.to_dict())
    rng = np.random.default_rng(seed)
    with Store(path) as store:
        person_ids = [store.add_person(f"Person {n + 1}", zone="UTC").id for n in range(people)]
        for person_id in person_ids:
            # followed from the first day of the made-up log
            store.save_routine(person_id, routine, on=START)
    conn = sqlite3.connect(path)
    uid = iter(range(1, 10**9))
    checkins, sessions, step_rows = [], [], []
    session_id = 0
    for person_id in person_ids:
        level = rng.uniform(3, 7)
        slope = rng.uniform(-3, 1) / days
        do_chance = rng.uniform(0.3, 0.9)
        scores = np.clip(
            np.round(level + slope * np.arange(days) + rng.normal(0, 0.8, days)), 0, 10
        ).astype(int)
        has_checkin = rng.random(days) < 0.9
        has_session = rng.random(days) < do_chance
        for n in range(days):
            day = START + dt.timedelta(days=n)
            if has_checkin[n]:
                checkins.append(
                    (
                        f"{next(uid):032x}",
                        person_id,
                        f"{day.isoformat()}T10:00:00+00:00",
                        int(scores[n]),
                        "",
                        "daily",
                    )
                )
            if has_session[n]:
                session_id += 1
                started = f"{day.isoformat()}T17:00:00+00:00"
                sessions.append(
                    (
                        session_id,
                        f"{next(uid):032x}",
                        person_id,
                        routine.name,
                        routine_json,
                        started,
                        f"{day.isoformat()}T17:06:00+00:00",
                        "completed",
                    )
                )
                for step in steps:
                    group = catalog[step.exercise_id].group if step.exercise_id else None
                    done = step.kind.is_work
                    step_rows.append(
                        (
                            f"{next(uid):032x}",
                            session_id,
                            step.index,
                            step.kind.value,
                            step.exercise_id,
                            group,
                            step.side,
                            step.set_number,
                            step.seconds,
                            step.seconds if done else 0.0,
                            "done" if done else "planned",
                            started if done else None,
                        )
                    )
    with conn:
        conn.executemany(
            "INSERT INTO checkins (uid, person_id, at, discomfort, note, context) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            checkins,
        )
        conn.executemany(
            "INSERT INTO sessions (id, uid, person_id, routine_name, routine_json, started_at, "
            "ended_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            sessions,
        )
        conn.executemany(
            "INSERT INTO steps (uid, session_id, step_index, kind, exercise_id, group_id, side, "
            "set_number, planned_seconds, performed_seconds, status, completed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            step_rows,
        )
    conn.close()
    return len(checkins) + len(sessions) + len(step_rows)


def measure(path: Path, repeat: int = 3) -> tuple[float, float, float]:
    """Seconds for loading, analysis (each the fastest of ``repeat`` runs) and charts over
    the store at ``path``."""
    catalog = load_catalog(include_user=False)
    load_times, analysis_times = [], []
    for _ in range(repeat):
        with Store(path) as store:
            began = time.perf_counter()
            checkins = store.checkins_frame()
            sessions = store.sessions_frame()
            steps = store.steps_frame()
            load_times.append(time.perf_counter() - began)
            people = store.people()
            plans = {p.id: store.plan_history(p.id, catalog) for p in people}

        began = time.perf_counter()
        end = analysis.day_of(checkins["at"]).max()
        # everything the dashboard computes for every person (adherence per day and week,
        # trend, important change, associations, per group and per exercise, summary)
        reports = analysis.person_reports(checkins, sessions, steps, plans, end)
        analysis.trainer_overview(people, checkins, sessions, plans, end)
        analysis_times.append(time.perf_counter() - began)
    load_s, analysis_s = min(load_times), min(analysis_times)

    began = time.perf_counter()
    progress = ProgressFigure()
    calendar = CalendarHeatmap()
    groups = GroupAdherenceChart([(g.id, g.name) for g in catalog.groups])
    for report in reports.values():
        daily = report.daily
        progress.update(report.trend, daily, start=daily.index[0], end=daily.index[-1])
        calendar.update(daily)
        groups.update(report.per_group)
        progress.to_png()
        calendar.to_png()
        groups.to_png()
    chart_s = time.perf_counter() - began
    return load_s, analysis_s, chart_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 and 2 people over one year")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of loading and analysis (the fastest counts)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    people, days = (20, 365) if args.quick else (100, 5 * 365 + 1)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, count in (("small", people // 10), ("large", people)):
            path = Path(folder) / f"{label}.sqlite3"
            began = time.perf_counter()
            rows = fill(path, count, days)
            fill_s = time.perf_counter() - began
            load_s, analysis_s, chart_s = measure(path, args.repeat)
            results[label] = (rows, load_s, analysis_s, chart_s)
            print(
                f"{label}: people={count} days={days} rows={rows} fill_s={fill_s:.2f} "
                f"load_s={load_s:.3f} analysis_s={analysis_s:.3f} chart_s={chart_s:.3f}",
                file=sys.stderr,
            )
    rows, load_s, analysis_s, chart_s = results["large"]
    small_total = sum(results["small"][1:])
    scale = (load_s + analysis_s + chart_s) / small_total
    print(
        f"rows={rows} load_s={load_s:.3f} analysis_s={analysis_s:.3f} chart_s={chart_s:.3f} "
        f"analysis_over_load={analysis_s / load_s:.3f} scale_10x={scale:.2f} "
        f"repeat={args.repeat}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
