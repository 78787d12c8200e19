"""Shared fixtures: every test gets its own empty data folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from backcare import paths
from backcare.catalog import Catalog, load_catalog

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point BACKCARE_DATA_DIR at a fresh folder so no test touches real user data."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def in_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store behaves as in JupyterLite: the database in memory, the file written whole."""
    from backcare.store import connection

    monkeypatch.setattr(connection, "in_browser", lambda: True)


@pytest.fixture
def drive_file(tmp_path: Path) -> Path:
    """Where the browser store's file lies on a test's drive."""
    return tmp_path / "drive" / "backcare-data" / "backcare.sqlite3"


@pytest.fixture
def catalog() -> Catalog:
    """The bundled catalog alone (no user exercises)."""
    return load_catalog(include_user=False)


_SCRATCH = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Kernels started by nbval inherit this process's environment: give them a scratch
    data folder so no run of the suite reads or writes anyone's real data."""
    scratch = Path(tempfile.mkdtemp(prefix="backcare-test-data-"))
    config.stash[_SCRATCH] = scratch
    os.environ[paths.DATA_DIR_ENV] = str(scratch)


def pytest_unconfigure(config: pytest.Config) -> None:
    scratch = config.stash.get(_SCRATCH, None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last. Playwright's sync API keeps an asyncio loop running in
    this thread while the session's shared browser is open, and tests that run an event
    loop of their own (the timer's driver) cannot start one then."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# -- running the tests changes no tracked file in docs/ ----------------------------------------
_DOCS_STATUS = pytest.StashKey[str]()


def _docs_status() -> str | None:
    """``git status --porcelain -- docs`` of the checkout, or ``None`` outside git."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "--", "docs"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("BACKCARE_SCREENSHOTS", "").strip():
        return  # `make screenshots`: changing docs/screenshots is the point
    status = _docs_status()
    if status is not None:
        session.config.stash[_DOCS_STATUS] = status


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if the tests changed a file under docs/ (only `make screenshots` may)."""
    before = session.config.stash.get(_DOCS_STATUS, None)
    if before is None:
        return
    after = _docs_status()
    if after is not None and after != before:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "ERROR: the tests changed files under docs/ (git status):\n" + after, red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
