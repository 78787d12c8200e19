"""The JupyterLite site (``make lite``): built from this checkout, served as static files on
127.0.0.1, opened in Chromium with every other address blocked.

What runs here without Pyodide: the site opens JupyterLab, its file browser lists every
notebook, and the kernel's start-up setting names wheels that the site really carries. A
running Pyodide kernel needs Pyodide's own packages (numpy, pandas, matplotlib), which come
from Pyodide's CDN and are not reachable here, so no test starts one.
"""

from __future__ import annotations

import json
import posixpath
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, free_port, stop_process, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUILD = REPO / "docs" / "lite" / "build_site.py"
NOTEBOOK_NAMES = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make lite``'s build, into a temporary folder."""
    pytest.importorskip("jupyterlite_core", reason="pip install -e '.[lite]'")
    output = tmp_path_factory.mktemp("lite") / "site"
    result = subprocess.run(
        [sys.executable, str(BUILD), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("site_mb=")
    return output


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    """The site served by a plain static file server, as a web host would."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/index.html", server, 30)
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
    context.route("**/*", _only_local)
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


def _only_local(route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()
