"""The guided session's focus view in Chromium: the countdown the browser draws agrees with the
kernel's step times, the layout holds at three screen sizes, the voice says the cues, the
screen wake lock is taken and given back, and the keys drive the session.

The headless browser has no voices and no wake lock, so the page gets stand-ins before it
loads (``STUBS``): ``speechSynthesis.speak`` records each phrase with its time, and
``navigator.wakeLock.request`` records each request and release.

Screenshots of the focus view at the three sizes are written only when
``BACKCARE_SCREENSHOTS`` names a folder (``make screenshots`` sets it to docs/screenshots);
a plain test run writes nothing in the checkout.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    NOTEBOOK_TIMEOUT_MS,
    LabDriver,
    Server,
    VoilaDriver,
    assert_no_error_outputs,
)
from .flows import short_routine_json

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "02_guided_session.ipynb"
TOLERANCE_S = 0.100  # kernel and browser agree within 100 ms at each step change
SIZES = [(360, 740), (1366, 768), (1920, 1080)]

STUBS = """
(() => {
  const now = () => (performance.timeOrigin + performance.now()) / 1000;
  window.__spoken = [];
  window.__wake = [];
  window.__refuseWake = false;
  if (window.speechSynthesis) {
    window.speechSynthesis.speak = (u) => window.__spoken.push(
      { text: u.text, t: now(), volume: u.volume });
    window.speechSynthesis.cancel = () => {};
    window.speechSynthesis.getVoices = () => [{ name: "test voice", lang: "en-GB" }];
  }
  const wakeLock = {
    request: async (type) => {
      window.__wake.push({ what: "request", type, t: now() });
      if (window.__refuseWake) throw new DOMException("Not allowed here", "NotAllowedError");
      const sentinel = {
        released: false,
        addEventListener() {},
        release: async () => {
          sentinel.released = true;
          window.__wake.push({ what: "release", t: now() });
        },
      };
      return sentinel;
    },
  };
  Object.defineProperty(navigator, "wakeLock", { value: wakeLock, configurable: true });
})();
"""

# Records each step the focus view shows, the moment it shows it, and where things are.
WATCH = """
(root) => {
  window.__changes = [];
  const rect = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)];
  };
  const app = root.closest(".backcare-session");
  const record = () => {
    const last = window.__changes[window.__changes.length - 1];
    const step = root.dataset.step;
    if (last && last.step === step && last.state === root.dataset.state) return;
    window.__changes.push({
      step, state: root.dataset.state,
      t: (performance.timeOrigin + performance.now()) / 1000,
      number: root.querySelector(".bc-number").textContent,
      ring: rect(root.querySelector(".bc-ring")),
      info: rect(root.querySelector(".bc-info")),
      focus: rect(root),
      controls: rect(app.querySelector(".backcare-controls")),
    });
  };
  new MutationObserver(record).observe(root, { attributes: true,
    attributeFilter: ["data-step", "data-state"] });
  record();
}
"""

# Everything that would be cut off: text wider than its box, or a box past the page's edge.
CLIPPED = """
(app) => {
  const found = [];
  const W = window.innerWidth;
  const items = app.querySelectorAll(
    ".bc-focus, .bc-focus *, .backcare-controls button, .backcare-settings label, " +
    ".backcare-picker-row select");
  for (const el of items) {
    if (el.offsetParent === null || el.closest("svg")) continue;
    const r = el.getBoundingClientRect();
    const name = (el.className && el.className.baseVal === undefined ? el.className : el.tagName)
      + " " + (el.textContent || "").slice(0, 30);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
      found.push("too wide for its box: " + name);
    if (el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== "visible")
      found.push("too tall for its box: " + name);
    if (r.right > W + 1 || r.left < -1) found.push("past the page's edge: " + name);
  }
  for (const el of app.querySelectorAll(".bc-number, .bc-title, .bc-where, .bc-next")) {
    if (el.scrollWidth > el.clientWidth + 1) found.push("text cut off: " + el.className);
  }
  return found;
}
"""


def longer_routine(server: Server) -> str:
    """Six step changes in about 40 s: two exercises, one on each side with a switch."""
    name = "Focus test routine"
    routine = {
        "format": "backcare.routine",
        "version": 1,
        "name": name,
        "timing": {
            "get_ready_seconds": 3,
            "switch_seconds": 3,
            "rest_between_exercises_seconds": 0,
            "rep_seconds": 1.0,
            "self_paced_reps": False,
        },
        "items": [
            {"exercise": "lat_stretch", "prescription": {"sets": 1, "hold_seconds": 10}},
            {"exercise": "calf_stretch", "prescription": {"sets": 1, "hold_seconds": 10}},
            {
                "exercise": "prone_cobra",
                "prescription": {"sets": 1, "reps": 1, "rep_hold_seconds": 1},
            },
        ],
    }
    folder = server.data_dir / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "focus-test.json").write_text(json.dumps(routine), encoding="utf-8")
    return name


def short_focus_routine(server: Server) -> str:
    """The shared short routine (about 15 s) under a name of its own, so the flows in
    conftest, which look for their routine's one session, never see these sessions."""
    routine = {**short_routine_json(), "name": "Focus short routine"}
    folder = server.data_dir / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "focus-short.json").write_text(json.dumps(routine), encoding="utf-8")
    return routine["name"]


def choose_routine(app, name: str) -> None:
    choice = app.locator(".backcare-routine-choice select")
    option = choice.locator("option", has_text=name)
    option.wait_for(state="attached", timeout=15_000)
    choice.select_option(label=option.text_content())
    app.locator(".backcare-routine-info", has_text=name).wait_for()


def wait_for_state(page, root, state: str, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(
        "([el, s]) => el.dataset.state === s",
        arg=[root.element_handle(), state],
        timeout=timeout_ms,
        polling=50,
    )


def shot(page, name: str) -> None:
    """Save a screenshot only when asked (``BACKCARE_SCREENSHOTS=<folder>``)."""
    folder = os.environ.get("BACKCARE_SCREENSHOTS", "").strip()
    if folder:
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / f"{name}.png"), full_page=False)


def kernel_step_times(runs: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The kernel's first word on each step of the last run: entry -> that message."""
    run_id = max(r.get("run_id", 0) for r in runs)
    steps: dict[int, dict[str, Any]] = {}
    for run in runs:
        if run.get("run_id") == run_id and run["state"] in ("running", "finished"):
            steps.setdefault(run["entry"], run)
    return steps


def check_agreement(page) -> list[float]:
    """Each step change the browser showed, against the kernel's time for it; the lags."""
    changes = [c for c in page.evaluate("window.__changes") if c["state"] != "ready"]
    kernel = kernel_step_times(page.evaluate("window.backcareRuns"))
    by_index = {run["index"]: run for run in kernel.values()}
    lags = []
    first_seen: dict[str, dict] = {}
    for change in changes:  # the moment each step first showed (later: its state changed)
        first_seen.setdefault(change["step"], change)
    shown = [c for c in first_seen.values() if int(c["step"]) > 0]
    assert len(shown) >= 3, changes
    for change in shown:
        index = int(change["step"])
        run = by_index[index]
        lag = change["t"] - run["step_wall"]
        lags.append(lag)
        assert abs(lag) <= TOLERANCE_S, (
            f"step {index}: the browser changed {lag * 1000:.0f} ms from the kernel's time"
        )
        # The kernel itself acted on the deadline promptly.
        assert 0 <= run["noticed_wall"] - run["step_wall"] <= TOLERANCE_S, run
    return lags


def run_and_check_session(page, app, expected_steps: int) -> None:
    root = app.locator(".bc-focus")
    root.element_handle().evaluate(WATCH)
    start = app.locator("button.backcare-start")
    start.click()
    wait_for_state(page, root, "running", 15_000)
    # Read the countdown as it runs: it moves without the kernel saying so each second.
    number = root.locator(".bc-number")
    seen = {number.inner_text()}
    for _ in range(12):
        page.wait_for_timeout(250)
        seen.add(number.inner_text())
    assert len(seen) >= 3, seen
    # the routine is shorter than a minute: its time left in seconds, as the planner writes it
    progress = root.locator(".bc-progress-text").inner_text()
    assert re.fullmatch(r"Step \d+ of \d+ · \d+ s left", progress.strip()), progress
    wait_for_state(page, root, "finished")
    assert number.inner_text().strip() == "✓"
    lags = check_agreement(page)
    print(
        "browser lag behind the kernel at each step change (ms):", [round(x * 1000) for x in lags]
    )
    assert len(lags) == expected_steps
    runs = page.evaluate("window.backcareRuns")
    last_run = max(r["run_id"] for r in runs)
    per_step = [r for r in runs if r["run_id"] == last_run and r["state"] == "running"]
    # One message a step (and a few for the start), never one a second.
    assert len(per_step) <= expected_steps + 2, len(per_step)


def check_voice_and_wake_lock(page, name_first: str) -> None:
    spoken = page.evaluate("window.__spoken")
    texts = [s["text"] for s in spoken]
    assert texts[0] == f"Get ready: {name_first}", texts
    runs = page.evaluate("window.backcareRuns")
    first_running = min(r["received"] for r in runs if r["state"] == "running")
    assert spoken[0]["t"] <= first_running, "the first words did not start with the click"
    for phrase in ("3", "2", "1", "Switch sides", "Right side", "Prone cobra"):
        assert phrase in texts, texts
    assert texts[-1].startswith("Well done"), texts
    assert "end" in page.evaluate("window.bcPlayed || []")  # the end-of-session sound
    wake = [w["what"] for w in page.evaluate("window.__wake")]
    assert wake[0] == "request" and wake[-1] == "release", wake


@pytest.fixture
def lab_with_stubs(lab: LabDriver) -> LabDriver:
    lab.page.add_init_script(STUBS)
    return lab


@pytest.fixture
def voila_with_stubs(voila: VoilaDriver) -> VoilaDriver:
    voila.page.add_init_script(STUBS)
    # Voila runs the notebook before it sends the page: allow a cold kernel on a busy machine.
    voila.page.set_default_navigation_timeout(NOTEBOOK_TIMEOUT_MS)
    return voila


def sized_page(browser, width: int, height: int):
    """A page of its own size, with the stand-ins, patient with a cold kernel."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(NOTEBOOK_TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(STUBS)
    page.console_errors = []
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return context, page


def test_lab_countdown_agrees_with_the_kernel_and_speaks(lab_with_stubs: LabDriver) -> None:
    lab = lab_with_stubs
    name = longer_routine(lab.server)
    app = lab.open_and_run(NOTEBOOK, ".backcare-session")
    choose_routine(app, name)
    run_and_check_session(lab.page, app, expected_steps=6)
    check_voice_and_wake_lock(lab.page, "Kneeling lat stretch")
    assert_no_error_outputs(lab.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)"))
    assert not lab.page.console_errors, lab.page.console_errors


def test_voila_countdown_agrees_with_the_kernel_and_speaks(
    voila_with_stubs: VoilaDriver,
) -> None:
    voila = voila_with_stubs
    name = longer_routine(voila.server)
    app = voila.open(NOTEBOOK, ".backcare-session")
    choose_routine(app, name)
    run_and_check_session(voila.page, app, expected_steps=6)
    check_voice_and_wake_lock(voila.page, "Kneeling lat stretch")
    assert not voila.page.console_errors, voila.page.console_errors


def test_lab_keys_drive_the_session_and_the_wake_lock_follows(
    lab_with_stubs: LabDriver,
) -> None:
    lab = lab_with_stubs
    page = lab.page
    name = short_focus_routine(lab.server)
    app = lab.open_and_run(NOTEBOOK, ".backcare-session")
    choose_routine(app, name)
    root = app.locator(".bc-focus")
    app.locator("button.backcare-start").click()
    page.wait_for_function("el => el.dataset.step === '1'", arg=root.element_handle())
    wake = lambda: [w["what"] for w in page.evaluate("window.__wake")]  # noqa: E731
    assert wake() == ["request"]
    page.keyboard.press("Space")
    wait_for_state(page, root, "paused", 10_000)
    app.locator("button.backcare-pause", has_text="Resume").wait_for()
    page.wait_for_function("() => window.__wake.length === 2")
    assert wake() == ["request", "release"]  # given back while paused
    page.keyboard.press("Space")
    wait_for_state(page, root, "running", 10_000)
    page.wait_for_function("() => window.__wake.length === 3")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.dataset.step === '2'", arg=root.element_handle())
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("el => el.dataset.step === '1'", arg=root.element_handle())
    # Escape asks first; Escape again keeps going; Escape then Enter stops.
    page.keyboard.press("Escape")
    confirm = root.locator(".bc-confirm")
    confirm.wait_for(state="visible")
    page.keyboard.press("Escape")
    confirm.wait_for(state="hidden")
    assert root.get_attribute("data-state") == "running"
    page.keyboard.press("Escape")
    confirm.wait_for(state="visible")
    page.keyboard.press("Enter")
    wait_for_state(page, root, "finished", 10_000)
    assert root.locator(".bc-number").inner_text() == "Stopped"
    assert (
        root.locator(".bc-where").inner_text() == "" and root.locator(".bc-next").inner_text() == ""
    )
    page.wait_for_function("() => window.__wake[window.__wake.length - 1].what === 'release'")
    for css, key in [("pause", "Space"), ("skip", "→"), ("back", "←"), ("stop", "Esc")]:
        assert key in app.locator(f"button.backcare-{css}").get_attribute("title")
    # The after-session check-in comes into view by itself.
    after = app.locator(".backcare-after")
    after.wait_for(state="visible")
    page.wait_for_function(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
        arg=after.element_handle(),
    )


def test_lab_a_refused_wake_lock_is_said_plainly(lab_with_stubs: LabDriver) -> None:
    lab = lab_with_stubs
    page = lab.page
    page.add_init_script("window.__refuseWake = true;")
    name = short_focus_routine(lab.server)
    app = lab.open_and_run(NOTEBOOK, ".backcare-session")
    choose_routine(app, name)
    app.locator("button.backcare-start").click()
    notice = app.locator(".bc-notice")
    notice.filter(has_text="did not keep the screen on").wait_for(timeout=10_000)
    # Full screen shows the whole session app (countdown and buttons), larger.
    ring = app.locator(".bc-ring")
    before = ring.bounding_box()["height"]
    app.locator(".bc-full").click()
    page.wait_for_function(
        "() => document.fullscreenElement && "
        "document.fullscreenElement.classList.contains('backcare-session')"
    )
    page.wait_for_function(
        "([el, h]) => el.getBoundingClientRect().height > h", arg=[ring.element_handle(), before]
    )
    assert app.locator("button.backcare-stop").is_visible()
    app.locator(".bc-full", has_text="Leave full screen").click()
    page.wait_for_function("() => document.fullscreenElement === null")
    app.locator("button.backcare-stop").click()


def test_lab_controls_in_view_after_run_all_at_1366x768(browser, lab_server: Server) -> None:
    context, page = sized_page(browser, 1366, 768)
    try:
        lab = LabDriver(page, lab_server)
        panel = lab.open(NOTEBOOK)
        lab.run_all(panel)  # no scrolling by the test: the app brings itself into view
        app = panel.locator(".backcare-session").first
        app.wait_for(state="visible", timeout=NOTEBOOK_TIMEOUT_MS)
        page.wait_for_timeout(800)
        in_view = page.evaluate(
            """(app) => {
              const c = app.querySelector('.backcare-controls').getBoundingClientRect();
              const r = app.querySelector('.bc-ring').getBoundingClientRect();
              return {controls: [c.top, c.bottom], ring: [r.top, r.height], h: innerHeight};
            }""",
            app.element_handle(),
        )
        assert in_view["ring"][0] >= 0 and in_view["controls"][1] <= in_view["h"], in_view
        assert in_view["ring"][1] >= 0.25 * in_view["h"], in_view
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_voila_focus_view_sizes(browser, voila_server: Server, width: int, height: int) -> None:
    context, page = sized_page(browser, width, height)
    try:
        voila = VoilaDriver(page, voila_server)
        name = short_focus_routine(voila_server)
        app = voila.open(NOTEBOOK, ".backcare-session")
        choose_routine(app, name)
        root = app.locator(".bc-focus")
        root.element_handle().evaluate(WATCH)
        app.locator("button.backcare-start").click()
        wait_for_state(page, root, "running", 15_000)
        page.wait_for_function("el => el.dataset.step === '1'", arg=root.element_handle())
        page.wait_for_timeout(300)
        assert page.evaluate(CLIPPED, app.element_handle()) == []
        number = root.locator(".bc-number").bounding_box()
        ring = root.locator(".bc-ring").bounding_box()
        assert number["height"] >= 0.3 * ring["height"], (number, ring)  # readable from the mat
        shot(page, f"02_session_focus_{width}x{height}")
        wait_for_state(page, root, "finished", 40_000)
        changes = [c for c in page.evaluate("window.__changes") if c["state"] == "running"]
        assert len(changes) >= 3, changes
        first = changes[0]
        ring_h = first["ring"][3]
        assert ring_h >= 0.25 * height, f"the countdown is {ring_h} px of {height}"
        for change in changes:  # nothing moves between steps
            for part in ("ring", "info", "focus", "controls"):
                assert change[part] == first[part], (part, first, change)
            top, bottom = change["controls"][1], change["controls"][1] + change["controls"][3]
            assert top >= 0 and bottom <= height, f"controls out of view: {change['controls']}"
            assert change["ring"][1] >= 0, change
        assert not page.console_errors, page.console_errors
    finally:
        context.close()
