"""Running the tests changes no tracked file: screenshots land in an ignored folder unless
``make screenshots`` asks for docs/screenshots on purpose."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import (
    SCREENSHOTS_DEFAULT,
    SCREENSHOTS_ENV,
    save_screenshot,
    screenshots_dir,
)

REPO = Path(__file__).resolve().parents[1]


class _FakePage:
    """Stands in for a Playwright page: "screenshots" are a few PNG-looking bytes."""

    def screenshot(self, path: str, full_page: bool = False) -> bytes:
        data = b"\x89PNG\r\n\x1a\nnot a real picture"
        Path(path).write_bytes(data)
        return data


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)


def _needs_git() -> None:
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")


def test_screenshot_by_default_lands_in_an_ignored_folder(monkeypatch) -> None:
    _needs_git()
    monkeypatch.delenv(SCREENSHOTS_ENV, raising=False)
    before = _git("status", "--porcelain", "--", "docs").stdout
    target = save_screenshot(_FakePage(), "00_start_here.ipynb", "tracked-files-check")
    try:
        assert target.parent == SCREENSHOTS_DEFAULT
        assert _git("check-ignore", "-q", str(target)).returncode == 0, f"{target} is not ignored"
        assert _git("status", "--porcelain", "--", "docs").stdout == before
        assert not (REPO / "docs" / "screenshots" / target.name).exists()
    finally:
        target.unlink(missing_ok=True)


def test_make_screenshots_folder_comes_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(SCREENSHOTS_ENV, str(tmp_path / "shots"))
    target = save_screenshot(_FakePage(), "01_plan_a_routine.ipynb")
    assert target == tmp_path / "shots" / "01_plan_a_routine.png"
    assert target.read_bytes().startswith(b"\x89PNG")
    monkeypatch.setenv(SCREENSHOTS_ENV, "docs/screenshots")
    assert screenshots_dir() == REPO / "docs" / "screenshots"  # relative to the checkout


def test_make_screenshots_refreshes_docs() -> None:
    """``make screenshots`` is the one command that writes docs/screenshots."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\nscreenshots:" in makefile
    recipe = makefile.split("\nscreenshots:", 1)[1].split("\n\n", 1)[0]
    assert f"{SCREENSHOTS_ENV}=docs/screenshots" in recipe
    assert "-m browser" in recipe


def test_every_picture_the_readme_shows_is_in_docs() -> None:
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert "docs/screenshots/app.png" in pictures  # the app page ...
    assert {f"docs/screenshots/app_{key}.png" for key in ("plan", "session", "log")} <= set(
        pictures
    )  # ... and its parts
    missing = [p for p in pictures if not (REPO / p).is_file()]
    assert not missing, f"make screenshots has not made: {missing}"
