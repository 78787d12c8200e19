"""How long the exercise pictures take to make, and how big they are.

The planner draws nine moving pictures when it opens, and a handout of the whole catalog
carries eighteen still ones. For the nine exercises the script times

* ``load``: reading and checking ``data/poses.toml`` (every pose built once);
* ``moving``: the nine looping SVGs the planner shows;
* ``handout``: the printable page of the whole catalog with its eighteen pictures;

against a baseline measured in the same run: rendering the same handout's text alone (the
page without pictures is the cost a user already paid before the pictures came).

The last line is ``load_ms=A moving_ms=B handout_ms=C handout_kb=D pictures_over_text=E``,
with ``pictures_over_text`` the handout's time over the text-only baseline. Targets: the
planner's nine pictures under 200 ms, the handout under 1 MB. ``--quick`` repeats 3 times
instead of 20.
"""

from __future__ import annotations

import argparse
import time

from backcare import handout
from backcare.catalog import load_catalog
from backcare.figures import Figures, exercise_svg, load_figures
from backcare.routine import evening_session


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 20")
    repeats = 3 if parser.parse_args().quick else 20
    catalog = load_catalog(include_user=False)
    figures = load_figures(include_user=False)
    routine = evening_session(catalog)
    empty = Figures(())  # every exercise gets the small placeholder: the text-only baseline

    load = _best(lambda: load_figures(include_user=False), repeats)
    moving = _best(lambda: [exercise_svg(e, figures=figures) for e in catalog.exercises], repeats)
    page = handout.render_handout(routine, catalog, "Sam", figures=figures)
    full = _best(lambda: handout.render_handout(routine, catalog, "Sam", figures=figures), repeats)
    text = _best(lambda: handout.render_handout(routine, catalog, "Sam", figures=empty), repeats)
    print(f"pictures: {len(catalog)} moving, {2 * len(catalog)} still on the handout")
    print(
        f"load_ms={load * 1000:.1f} moving_ms={moving * 1000:.1f} "
        f"handout_ms={full * 1000:.1f} handout_kb={len(page.encode()) / 1024:.0f} "
        f"pictures_over_text={full / text:.1f}"
    )


if __name__ == "__main__":
    main()
