"""How exactly do the guided session's steps end, in the kernel and in the browser?

Two measurements, and a baseline:

* Kernel: the real app and driver (:class:`backcare.ui.session.SessionApp`, no browser) on an
  asyncio loop run a timeline of holds; for each step change, the time the kernel noticed it
  minus the time it was due (``kernel_end_error_ms``, median and max).
* Browser: Voila serves notebooks/02_guided_session.ipynb, Debian's Chromium (Playwright)
  chooses a short routine and presses Start; the page records the moment its countdown shows
  each new step, and that is compared with the kernel's time for the step
  (``browser_lag_ms``: browser minus kernel, median and max of the absolute value). Skipped
  (``nan``, with the reason) where Chromium or Playwright is missing.
* Baseline: a naive loop that sleeps one second and updates a widget, ``hold_s`` times
  (``naive_end_error_ms``: its drift adds up).

Usage: ``python benchmarks/timer_accuracy.py [--quick] [--no-browser]``.
The last line is ``hold_s=H kernel_end_error_ms_median=A kernel_end_error_ms_max=B
browser_lag_ms_median=C browser_lag_ms_max=D naive_end_error_ms=E``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import ipywidgets as widgets

from backcare.catalog import load_catalog
from backcare.store import Store
from backcare.timeline import Step, StepKind
from backcare.ui.session import SessionApp

__all__ = ["browser_lags", "kernel_errors", "main", "naive_countdown"]

REPO = Path(__file__).resolve().parents[1]
ROUTINE = "Benchmark routine"


def naive_countdown(hold_s: int, result: dict[str, float]) -> None:
    """The baseline: ``sleep(1)`` then update a widget, ``hold_s`` times."""
    label = widgets.HTML()
    start = time.monotonic()
    for left in range(hold_s, 0, -1):
        time.sleep(1)
        label.value = f"<b>{left - 1}</b>"
    result["end_error_ms"] = (time.monotonic() - start - hold_s) * 1000


async def kernel_errors(hold_s: int) -> list[float]:
    """Run holds adding up to ``hold_s`` through the real app; each step's lateness (ms)."""
    store = Store(":memory:")
    app = SessionApp(store=store, catalog=load_catalog(include_user=False))
    lengths = [3.0, hold_s / 2 - 3, 2.0, hold_s / 2 - 2]
    raw = [Step(i, StepKind.HOLD, s, f"Hold {i}") for i, s in enumerate(lengths)]
    steps = (*raw, Step(len(raw), StepKind.DONE, 0.0, "End"))
    app.start(steps)
    assert app.driver.task is not None
    await app.driver.task
    app.close()
    store.close()
    return [(entry["noticed"] - entry["at"]) * 1000 for entry in app.step_log[1:]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _routine(data_dir: Path, hold_s: int) -> None:
    routine = {
        "format": "backcare.routine",
        "version": 1,
        "name": ROUTINE,
        "timing": {
            "get_ready_seconds": 3,
            "switch_seconds": 3,
            "rest_between_exercises_seconds": 0,
            "rep_seconds": 1.0,
            "self_paced_reps": False,
        },
        "items": [
            {"exercise": "calf_stretch", "prescription": {"sets": 1, "hold_seconds": hold_s}},
            {"exercise": "lat_stretch", "prescription": {"sets": 1, "hold_seconds": 10}},
        ],
    }
    folder = data_dir / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "benchmark.json").write_text(json.dumps(routine), encoding="utf-8")


_WATCH = """(root) => {
  window.__changes = [];
  new MutationObserver(() => {
    const last = window.__changes[window.__changes.length - 1];
    if (last && last.step === root.dataset.step) return;
    window.__changes.push({ step: root.dataset.step, state: root.dataset.state,
      t: (performance.timeOrigin + performance.now()) / 1000 });
  }).observe(root, { attributes: true, attributeFilter: ["data-step"] });
}"""


def browser_lags(hold_s: int) -> tuple[list[float], str]:
    """The browser's step changes against the kernel's (ms); or an empty list and why."""
    chromium = os.environ.get("BACKCARE_CHROMIUM") or shutil.which("chromium") or ""
    if not chromium or not Path(chromium).exists():
        return [], "no Chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [], "no Playwright"
    data_dir = Path(tempfile.mkdtemp(prefix="backcare-bench-browser-"))
    _routine(data_dir, hold_s)
    port = _free_port()
    env = {**os.environ, "BACKCARE_DATA_DIR": str(data_dir)}
    command = [
        sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--Voila.root_dir={REPO}",
        "--strip_sources=True",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/voila/tree", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    return [], "Voila did not start"
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{url}/voila/render/notebooks/02_guided_session.ipynb")
            app = page.locator(".backcare-session").first
            app.wait_for(state="visible", timeout=120_000)
            choice = app.locator(".backcare-routine-choice select")
            option = choice.locator("option", has_text=ROUTINE)
            option.wait_for(state="attached", timeout=30_000)
            choice.select_option(label=option.text_content())
            root = app.locator(".bc-focus")
            root.element_handle().evaluate(_WATCH)
            app.locator("button.backcare-start").click()
            page.wait_for_function(
                "el => el.dataset.state === 'finished'",
                arg=root.element_handle(),
                timeout=(hold_s * 2 + 60) * 1000,
            )
            changes = page.evaluate("window.__changes")
            runs = page.evaluate("window.backcareRuns")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(data_dir, ignore_errors=True)
    run_id = max(r["run_id"] for r in runs)
    kernel: dict[int, float] = {}
    for run in runs:
        if run["run_id"] == run_id and run["state"] in ("running", "finished"):
            kernel.setdefault(run["index"], run["step_wall"])
    lags = [
        (c["t"] - kernel[int(c["step"])]) * 1000
        for c in changes
        if int(c["step"]) > 0 and int(c["step"]) in kernel
    ]
    return lags, ""


def _stats(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    return statistics.median(values), max(values, key=abs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s holds instead of 60 s")
    parser.add_argument("--no-browser", action="store_true", help="the kernel only")
    args = parser.parse_args()
    hold_s = 10 if args.quick else 60
    os.environ.setdefault("BACKCARE_DATA_DIR", tempfile.mkdtemp(prefix="backcare-bench-"))

    naive: dict[str, float] = {}
    thread = threading.Thread(target=naive_countdown, args=(hold_s, naive), daemon=True)
    thread.start()
    errors = asyncio.run(kernel_errors(hold_s))
    thread.join()
    lags, why = ([], "--no-browser") if args.no_browser else browser_lags(hold_s)
    k_median, k_max = _stats(errors)
    b_median, b_max = _stats([abs(x) for x in lags])
    print(
        f"kernel_steps={len(errors)} browser_steps={len(lags)}" + (f" browser={why}" if why else "")
    )
    print(
        f"hold_s={hold_s} kernel_end_error_ms_median={k_median:.3f} "
        f"kernel_end_error_ms_max={k_max:.3f} browser_lag_ms_median={b_median:.3f} "
        f"browser_lag_ms_max={b_max:.3f} naive_end_error_ms={naive['end_error_ms']:.3f}"
    )


if __name__ == "__main__":
    main()
