"""First start in the browser: the JupyterLite site until the start notebook is usable.

The site is ``make lite``'s, with Pyodide served from the site itself (npm's core and the
sha256-verified wheels: tests/browser/pyodide_offline.py, tests/browser/lite.py), on
127.0.0.1, every other address blocked. Timed in one Chromium profile:

1. ``lite_open_s``: the page until the start notebook is shown (JupyterLab in the browser);
   ``lite_kernel_s``: until its Pyodide kernel answers (numpy, pandas, matplotlib, scipy and
   backcare loaded);
2. ``lite_usable_s``: the page until "Run All Cells" has drawn the start page's widget
   (Pyodide loaded, numpy, pandas, matplotlib and backcare imported);
3. ``lite_usable_warm_s``, the baseline: the same again in the same profile (the browser's
   cache is warm, the kernel is new).

Last line: ``site_mb=... lite_open_s=... lite_kernel_s=... lite_usable_s=...
lite_usable_warm_s=...``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, stop_process  # noqa: E402
from tests.browser.lite import (  # noqa: E402  (one way to build, serve and run)
    LiteDriver,
    build_site,
    offline_site,
    only_local,
    serve,
)


def usable(page, url: str) -> tuple[float, float, float]:
    """Seconds until the start notebook is shown, its kernel ready, and its widget drawn."""
    started = time.monotonic()
    lite = LiteDriver(page, url)
    lite.open_and_run("00_start_here.ipynb", ".backcare-start-page")
    return lite.opened_s, lite.kernel_s, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="(the same: nothing to skip)")
    parser.parse_args(argv)
    executable = chromium_path()
    if executable is None:
        print("Chromium not found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="backcare-lite-start-") as temp:
        built = build_site(Path(temp) / "plain")
        site = offline_site(Path(temp) / "plain", Path(temp) / "site")
        url, server = serve(site)
        try:
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(Path(temp) / "profile"),
                    executable_path=executable,
                    headless=True,
                    args=CHROMIUM_ARGS,
                    viewport={"width": 1280, "height": 900},
                )
                context.route("**/*", only_local)
                page = context.new_page()
                open_s, kernel_s, usable_s = usable(page, url)
                page.close()
                _, _, warm_s = usable(context.new_page(), url)
                context.close()
        finally:
            stop_process(server)
    site_mb = built.split()[0]
    print(f"python={sys.version.split()[0]} cores={os.cpu_count()} {built}")
    print(
        f"{site_mb} lite_open_s={open_s:.1f} lite_kernel_s={kernel_s:.1f} "
        f"lite_usable_s={usable_s:.1f} "
        f"lite_usable_warm_s={warm_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
