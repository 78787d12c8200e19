"""The JupyterLite site (``make lite``): built from this checkout, served as static files on
127.0.0.1, opened in Chromium with every other address blocked.

What runs here without Pyodide: the site opens JupyterLab, its file browser lists every
notebook, and the kernel's start-up setting names wheels that the site really carries. A
running Pyodide kernel needs Pyodide's own packages (numpy, pandas, matplotlib), which come
from Pyodide's CDN, not reachable here: test_lite_kernel.py serves a verified copy instead.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, stop_process
from .lite import only_local, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK_NAMES = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="module")
def site(lite_site: Path) -> Path:
    """``make lite``'s build (once per session, shared with the kernel tests)."""
    return lite_site


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    """The site served by a plain static file server, as a web host would."""
    url, server = serve(site)
    try:
        yield url
    finally:
        stop_process(server)


def test_site_carries_the_notebooks_and_wheels(site: Path) -> None:
    assert sorted(p.name for p in (site / "files" / "notebooks").glob("*.ipynb")) == NOTEBOOK_NAMES
    wheels = sorted(p.name for p in (site / "pypi").glob("*.whl"))
    assert any(name.startswith("backcare-") for name in wheels), wheels
    index = json.loads((site / "pypi" / "all.json").read_text())
    assert "backcare" in index


def test_kernel_start_up_loads_wheels_the_site_has(site: Path) -> None:
    """Each wheel the kernel loads at start, resolved from the kernel's worker script as the
    browser resolves it, is a file of the site (so ``import backcare`` works at once)."""
    config = json.loads((site / "jupyter-lite.json").read_text())
    settings = config["jupyter-config-data"]["litePluginSettings"]
    packages = settings["@jupyterlite/pyodide-kernel-extension:kernel"]["loadPyodideOptions"][
        "packages"
    ]
    wheels = [p for p in packages if p.endswith(".whl")]
    assert any("/backcare-" in p for p in wheels), packages
    assert {"numpy", "pandas", "matplotlib"} <= set(packages)
    static = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    workers = [p for p in static.glob("*.js") if "initKernel" in p.read_text(errors="ignore")]
    assert workers, "the kernel's worker script was not found where the setting expects it"
    worker = workers[0].relative_to(site).as_posix()
    for wheel in wheels:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(worker), wheel))
        assert (site / target).is_file(), f"{wheel} resolves to {target}, which is missing"


def test_site_opens_and_lists_the_notebooks(site_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Nothing but the site itself: the page must open with no other address reachable.
    context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{site_url}/lab/index.html", wait_until="domcontentloaded")
        listing = page.locator(".jp-DirListing-content")
        folder = listing.locator(".jp-DirListing-item", has_text="notebooks")
        folder.wait_for(timeout=60_000)
        folder.dblclick()
        for name in NOTEBOOK_NAMES:
            listing.locator(".jp-DirListing-item", has_text=name).wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lite_site.png"))
        assert not errors, errors
    finally:
        context.close()
