"""The app page in Voila (issue 16, items 2 and 6): six tabs, code hidden, each part opens,
and no button or label in any part is too narrow for its text, on a laptop (1366 px) and
on a tablet (768 px). Leaves a screenshot of the page and of each part."""

from __future__ import annotations

from pathlib import Path

import pytest

from .flows import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PARTS = (
    ("start", "Start here", ".backcare-start-page"),
    ("plan", "Plan a routine", ".backcare-planner"),
    ("session", "Guided session", ".backcare-session"),
    ("log", "Log discomfort", ".backcare-log"),
    ("progress", "Progress", ".backcare-progress"),
    ("trainer", "Trainer kit", ".backcare-trainer"),
)

# Every visible control or label whose text needs more room than its box gives it.
_CLIPPED = """
(root) => {
  const selector = [
    'button', 'label', '.widget-label', '.widget-label-basic', '.widget-button',
    '.widget-toggle-button', '.widget-inline-hbox .widget-label', '.widget-dropdown select',
    '.jupyter-widget-Collapse-header', '.lm-TabBar-tabLabel', '.widget-html-content a',
  ].join(',');
  const out = [];
  for (const el of root.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // hidden
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    let text = (el.innerText || el.textContent || '').trim();
    if (el.tagName === 'SELECT') {
      const opt = el.options[el.selectedIndex];
      text = opt ? opt.text : '';
      // a select shows its chosen option: compare the text's width with the box
      const probe = document.createElement('span');
      probe.style.cssText =
        'position:absolute;visibility:hidden;white-space:pre;font:' + style.font;
      probe.textContent = text;
      document.body.appendChild(probe);
      const need = probe.getBoundingClientRect().width + 28;  // the arrow and padding
      probe.remove();
      if (need > box.width + 1) {
        out.push(`select "${text}" needs ${Math.round(need)} px, has ${Math.round(box.width)}`);
      }
      continue;
    }
    if (!text) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      out.push(`${name} "${text.slice(0, 60)}" needs ${el.scrollWidth} px, has ${el.clientWidth}`);
    }
  }
  return out;
}
"""


def open_app_page(voila):
    app = voila.open("app.ipynb", ".backcare-app")
    code = voila.page.locator(".jp-CodeCell .jp-InputArea, .cm-editor")
    assert code.count() == 0, "code is visible in app mode"
    return app


def show_part(voila, app, title: str, selector: str):
    app.locator(".lm-TabBar-tab", has_text=title).first.click()
    part = app.locator(selector).first
    part.wait_for(state="visible", timeout=120_000)
    voila.page.wait_for_timeout(500)  # let late layout settle
    broken = part.locator(".jupyter-widgets-error-widget")
    assert broken.count() == 0, f"{title}: a widget failed to show: {broken.first.inner_text()}"
    # The tab bar at the top of the window, for the screenshot.
    app.locator(".lm-TabBar").first.evaluate("el => el.scrollIntoView()")
    return part


def test_app_page_shows_six_parts_as_tabs(voila) -> None:
    app = open_app_page(voila)
    tabs = app.locator(".lm-TabBar-tab").all_inner_texts()
    assert [t.strip() for t in tabs] == [title for _, title, _ in PARTS]
    voila.screenshot("app.ipynb")
    for key, title, selector in PARTS:
        show_part(voila, app, title, selector)
        if key != "start":  # the start tab is the page as it opens: app.png
            voila.screenshot("app.ipynb", key)


LONG_NAME = "Dana Whitfield-Lopez"


def seed_a_long_routine_name(server) -> None:
    """A client with a long name and a routine named for them (the trainer kit's list
    once cut "Evening for Dana 005143 (s")."""
    from backcare.catalog import load_catalog
    from backcare.routine import evening_session

    catalog = load_catalog(include_user=False)
    with open_store(server) as store:
        if LONG_NAME in {p.name for p in store.people()}:
            return
        person = store.add_person(LONG_NAME)
        routine = evening_session(catalog).renamed(f"Evening for {LONG_NAME} 005143")
        store.save_routine(person.id, routine)


@pytest.mark.parametrize("width", [1366, 768])
def test_no_label_or_button_is_clipped(voila, width: int) -> None:
    seed_a_long_routine_name(voila.server)
    voila.page.set_viewport_size({"width": width, "height": 900})
    app = open_app_page(voila)
    clipped: dict[str, list[str]] = {}
    for key, title, selector in PARTS:
        part = show_part(voila, app, title, selector)
        # Open every fold-out so its fields are measured too.
        for header in part.locator(".jupyter-widget-Collapse-header").all():
            if header.is_visible():
                header.click()
        voila.page.wait_for_timeout(300)
        found = part.evaluate(_CLIPPED)
        if found:
            clipped[key] = found
    assert not clipped, f"clipped at {width} px: {clipped}"


def test_downloads_take_one_click_and_open_opens_the_handout(voila) -> None:
    """Issue 16, item 5: one click saves the backup; "Open" shows the handout in a new tab."""
    page = voila.page
    app = open_app_page(voila)
    start = show_part(voila, app, "Start here", ".backcare-start-page")
    with page.expect_download(timeout=60_000) as download:
        start.locator(".backcare-backup button").click()
    assert download.value.suggested_filename == "backcare-export.zip"
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # a zip

    trainer = show_part(voila, app, "Trainer kit", ".backcare-trainer")
    with page.context.expect_page(timeout=60_000) as opened:
        trainer.locator(".backcare-trainer-handout button").click()
    handout = opened.value
    handout.wait_for_load_state()
    assert "Back-care plan" in handout.locator("body").inner_text()
    handout.close()

    # The progress page's ready-made links look like buttons, not bold text.
    progress = show_part(voila, app, "Progress", ".backcare-progress")
    link = progress.locator("a.backcare-download").first
    link.wait_for(timeout=60_000)
    look = link.evaluate(
        "a => { const s = getComputedStyle(a); return [s.display, s.backgroundColor]; }"
    )
    assert look[0] == "inline-block" and look[1] not in ("rgba(0, 0, 0, 0)", "transparent")


def test_the_diary_writes_dates_as_the_browser_does(voila, flows) -> None:
    """Issue 16, item 7: the table's dates are in the browser's own order (the order its date
    picker shows), and after saving, the Entry selector chooses the new entry."""
    app = open_app_page(voila)
    diary = show_part(voila, app, "Log discomfort", ".backcare-log")
    note = "browser check-in, app page"
    flows.checkin_flow(voila.page, diary, voila.server, note=note, score=5)
    today = voila.page.evaluate(
        "() => new Intl.DateTimeFormat(undefined, "
        "{year: 'numeric', month: '2-digit', day: '2-digit'}).format(new Date())"
    )
    row = diary.locator(".backcare-recent tr", has_text=note)
    assert today in row.inner_text(), (today, row.inner_text())
    chosen = (
        diary.locator(".backcare-entries select")
        .evaluate("s => s.options[s.selectedIndex].text")
        .replace("\xa0", " ")
    )
    assert today in chosen and "5/10" in chosen and "app page" in chosen, chosen
