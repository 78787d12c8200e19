"""The start page, driven in the kernel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from io import BytesIO

from backcare import paths
from backcare.routine import workday_break
from backcare.store import Store
from backcare.ui.start import StartPage

# The start page is the first thing a person runs: it must not wait for the libraries that
# only the charts and the statistics need (benchmarks/first_start.py times that start).
_HEAVY = ("pandas", "numpy", "matplotlib", "scipy", "statsmodels")
_FRESH_KERNEL = """
import json, sys
from backcare.ui.start import StartPage
page = StartPage()
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"status": page.status.value, "heavy": heavy}}))
"""


def test_backup_writes_the_zip_and_offers_it(catalog) -> None:
    store = Store(":memory:")
    store.add_checkin(store.add_person("Ann <b>").id, 4)
    page = StartPage(store, catalog)
    assert "1</b> check-in and" in page.status.value and "Ann &lt;b&gt;" in page.status.value
    sent = page.backup.click()  # one click: the zip goes straight to the browser
    assert page.messages.kind == "success"
    saved = paths.exports_dir() / "backcare-export.zip"
    assert zipfile.ZipFile(BytesIO(saved.read_bytes())).namelist()
    assert sent is not None and sent.filename == "backcare-export.zip"
    assert sent.data == saved.read_bytes() and sent.mime == "application/zip"


def test_a_damaged_data_file_is_named_and_kept(catalog) -> None:
    paths.store_path().write_bytes(b"garbage" * 10)
    page = StartPage(catalog=catalog)
    assert page.messages.kind == "error" and "not a backcare data file" in page.messages.text
    assert page.backup.disabled
    assert paths.store_path().read_bytes() == b"garbage" * 10


def test_in_the_browser_the_page_says_clearing_it_clears_the_diary(catalog, monkeypatch) -> None:
    from backcare.ui import start

    page = StartPage(Store(":memory:"), catalog)
    assert "backcare-browser-storage" not in page.folder.value  # not said where untrue
    monkeypatch.setattr(start, "in_browser", lambda: True)
    page.refresh()
    assert "clearing this browser's data" in page.folder.value
    assert "Download all my data" in page.folder.value
    assert page.backup.description == "Download all my data" and not page.backup.disabled


def test_the_start_page_opens_without_the_analysis_libraries(catalog) -> None:
    with Store() as store:
        person = store.add_person("Kim")
        store.add_checkin(person.id, 3)
        store.add_checkin(person.id, 2)
        store.start_session(person.id, workday_break(catalog, "upper_back"), catalog)
    code = _FRESH_KERNEL.format(heavy=_HEAVY)
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.splitlines()[-1])
    assert "<b>2</b> check-ins and <b>1</b> session for: Kim" in seen["status"]
    assert seen["heavy"] == [], "the start page imported " + ", ".join(seen["heavy"])
