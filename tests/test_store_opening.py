"""The data folder and the store file when something stands in the way: a folder that
cannot be used, a read-only file or folder, another program holding the write lock, two
programs creating a new store at the same instant."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare import paths
from backcare.store import SCHEMA_VERSION, InputError, Store, StoreOpenError, connection
from backcare.ui.common import Messages, open_store

from .store_race_worker import create_rounds


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only for this process: by its mode, or (as root, whom modes do
    not stop) by the immutable attribute; skip when neither holds."""
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    immutable = False
    if os.access(path, os.W_OK):
        chattr = shutil.which("chattr")
        if (
            chattr
            and subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode == 0
        ):
            immutable = True
    try:
        if os.access(path, os.W_OK):
            pytest.skip("this user can write to read-only files (root without chattr)")
        yield
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def _filled(path: Path) -> Path:
    with Store(path) as store:
        person = store.add_person("Ann")
        store.add_checkin(person.id, 4, note="before the folder was locked")
    return path


# -- the data folder ------------------------------------------------------------------------
def test_data_dir_pointing_at_a_file_is_said_on_every_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from backcare.ui.log import CheckInApp
    from backcare.ui.planner import PlannerApp
    from backcare.ui.progress import ProgressApp
    from backcare.ui.session import SessionApp
    from backcare.ui.start import StartPage
    from backcare.ui.trainer import TrainerApp

    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(blocker))
    with pytest.raises(StoreOpenError, match="BACKCARE_DATA_DIR"):
        Store()
    for page in (StartPage, PlannerApp, SessionApp, TrainerApp, ProgressApp):
        app = page()
        text = app.messages.text
        assert "BACKCARE_DATA_DIR" in text and "a file is in the way" in text, page.__name__
    log = CheckInApp()
    assert "BACKCARE_DATA_DIR" in log.messages.text and log.submit.disabled
    assert blocker.read_text() == "a file, not a folder"


def test_a_read_only_data_folder_opens_the_log_for_reading(data_dir: Path) -> None:
    from backcare.ui.log import CheckInApp

    store_file = _filled(paths.store_path())
    before = sha256(store_file)
    with read_only(data_dir):
        with Store() as store:
            assert store.read_only and "read-only" in store.read_only_reason
            assert len(store.checkins_frame()) == 1
            assert store.export_json()
            with pytest.raises(InputError, match=r"Nothing can be saved.*data folder"):
                store.add_checkin(store.people()[0].id, 5)
        app = CheckInApp()
        assert app.messages.kind == "info" and "reading only" in app.messages.text
        assert "move" not in app.messages.text  # the intact file is not called unreadable
        assert app.submit.disabled and not app.export_zip_button.disabled
        assert len(app.store.checkins_frame()) == 1
        app.store.close()
    assert sha256(store_file) == before


def test_a_read_only_store_file_says_so_and_changes_nothing(data_dir: Path) -> None:
    store_file = _filled(paths.store_path())
    before = sha256(store_file)
    with read_only(store_file):
        messages = Messages()
        store = open_store(messages)
        assert "reading only" in messages.text and "data file" in messages.text
        with pytest.raises(InputError, match="read-only") as err:
            store.add_person("Bob")
        assert "attempt to write" not in str(err.value)
        store.close()
    assert sha256(store_file) == before


def test_a_new_store_in_a_read_only_folder_is_refused_in_words(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with read_only(data_dir):
        with pytest.raises(StoreOpenError, match="read-only, so the log cannot be created"):
            Store()
        messages = Messages()
        store = open_store(messages)
        assert store.in_memory and "temporary log" in messages.text


# -- another program holding the write lock ------------------------------------------------
def test_a_held_lock_shows_progress_then_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "LOCK_WAIT_SECONDS", 1.0)
    path = _filled(tmp_path / "log.sqlite3")
    store = Store(path)
    messages = Messages()
    open_store(messages, store)
    shown: list[str] = []
    messages.observe(lambda change: shown.append(messages.text), names="value")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing
    started = time.monotonic()
    with pytest.raises(InputError, match="another program") as err:
        store.add_checkin(store.people()[0].id, 6)
    assert 1.0 <= time.monotonic() - started < 3.0
    assert "try again" in str(err.value) and "locked" not in str(err.value)
    assert any("Waiting for the data file" in text for text in shown)
    other.execute("ROLLBACK")
    other.close()
    assert len(store.checkins_frame()) == 1
    store.close()


def test_a_lock_released_while_waiting_lets_the_save_through(tmp_path: Path) -> None:
    path = _filled(tmp_path / "log.sqlite3")
    store = Store(path)
    waits: list[float] = []
    store.on_wait(lambda waited, limit: waits.append(waited))
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.7, lambda: other.execute("COMMIT"))
    release.start()
    store.add_checkin(store.people()[0].id, 2)
    release.join()
    other.close()
    assert waits and max(waits) < connection.LOCK_WAIT_SECONDS
    assert len(store.checkins_frame()) == 2
    store.close()


# -- two programs creating a new store at the same instant ---------------------------------
ROUNDS = 20


def test_two_processes_creating_a_new_store_at_once_both_succeed(tmp_path: Path) -> None:
    # fork starts the twins at once with the store already imported; a process running
    # other threads must spawn (fork could copy a held lock), which only takes longer
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=create_rounds, args=(str(tmp_path), who, ROUNDS, barrier, results))
        for who in ("Kernel A", "Kernel B")
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * ROUNDS)]
    for worker in workers:
        worker.join(timeout=30)
    failures = [o for o in outcomes if o[2] != "ok"]
    assert failures == []
    for n in range(ROUNDS):
        with Store(tmp_path / f"round-{n}.sqlite3") as store:
            assert store.schema_version == SCHEMA_VERSION
            assert sorted(p.name for p in store.people()) == ["Kernel A", "Kernel B"]
            assert store.integrity_check() == "ok"
