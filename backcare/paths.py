"""Where backcare's files live: the one module that knows.

Three places matter:

* the **package data**: the exercise catalog and the bundled demo data. In a source
  checkout (and an editable install, which is what ``make lab`` and Binder use) these are
  the repository's ``data/`` files that a trainer can read and edit; a wheel carries a copy
  under ``backcare/_data``.
* the **user's data folder**: the discomfort log, saved routines, exports. By default it
  is ``data/user`` inside the checkout (git-ignored, visible in JupyterLab's file browser);
  outside a checkout it is ``~/backcare-data``. The environment variable
  ``BACKCARE_DATA_DIR`` overrides both. In the browser (JupyterLite) it is
  ``/drive/backcare-data``, on the site's drive, which the browser keeps between visits.
* files inside the user's data folder, named here so no other module builds paths.

Nothing is created at import time; :func:`user_data_dir` creates the folder on demand. A
folder that cannot be used (``BACKCARE_DATA_DIR`` naming a file, a folder backcare may not
write to) raises :class:`DataFolderError`, whose message says what to do.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from pathlib import Path

__all__ = [
    "BROWSER_DATA_DIR",
    "DATA_DIR_ENV",
    "DataFolderError",
    "catalog_path",
    "demo_dir",
    "error_log_path",
    "exports_dir",
    "package_data_dir",
    "poses_path",
    "preferences_path",
    "repo_root",
    "routines_dir",
    "slug",
    "store_path",
    "user_catalog_path",
    "user_data_dir",
    "write_export",
]

DATA_DIR_ENV = "BACKCARE_DATA_DIR"
# In the browser (JupyterLite), the folder on its drive, which the browser keeps.
BROWSER_DATA_DIR = Path("/drive/backcare-data")

_PACKAGE_DIR = Path(__file__).resolve().parent


class DataFolderError(ValueError):
    """The data folder (or a folder inside it) cannot be made or written; the message says
    which folder, why, and what to do."""


def _make_folder(path: Path, what: str) -> None:
    """``mkdir -p`` with the reasons it fails put in words."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        overridden = what == "data folder" and os.environ.get(DATA_DIR_ENV, "").strip()
        fix = (
            f"Point {DATA_DIR_ENV} at a folder (or unset it) and restart the kernel."
            if overridden
            else "Move that file away, or set BACKCARE_DATA_DIR to another folder."
        )
        raise DataFolderError(
            f"The {what} {path} cannot be made: a file is in the way, where a folder "
            f"should be. {fix}"
        ) from None
    except PermissionError:
        raise DataFolderError(
            f"The {what} {path} cannot be made: backcare may not write there. Make the "
            f"folder writable, or set {DATA_DIR_ENV} to a folder you can write to and "
            "restart the kernel."
        ) from None
    except OSError as exc:
        raise DataFolderError(
            f"The {what} {path} cannot be made ({exc.strerror or 'input/output error'}). "
            f"Set {DATA_DIR_ENV} to another folder and restart the kernel."
        ) from None


def repo_root() -> Path | None:
    """The source checkout this package runs from, or ``None`` when installed as a wheel."""
    root = _PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "data" / "catalog.toml").is_file():
        return root
    return None


def package_data_dir() -> Path:
    """The read-only data shipped with backcare (catalog, demo data)."""
    root = repo_root()
    return root / "data" if root is not None else _PACKAGE_DIR / "_data"


def catalog_path() -> Path:
    """The bundled catalog of the nine exercises."""
    return package_data_dir() / "catalog.toml"


def poses_path() -> Path:
    """The bundled drawings of the nine exercises (poses as joint angles)."""
    return package_data_dir() / "poses.toml"


def demo_dir() -> Path:
    """The bundled demo data set (never written to the user's store)."""
    return package_data_dir() / "demo"


def user_data_dir(*, create: bool = True) -> Path:
    """The user's own data folder (``$BACKCARE_DATA_DIR`` when set)."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        path = Path(override).expanduser()
    elif sys.platform == "emscripten":  # JupyterLite: the drive, kept in the browser's storage
        path = BROWSER_DATA_DIR
    else:
        root = repo_root()
        path = root / "data" / "user" if root is not None else Path.home() / "backcare-data"
    if create:
        _make_folder(path, "data folder")
    return path.resolve()


def user_catalog_path() -> Path:
    """Where a user may keep exercises of their own, merged into the catalog (in a data
    folder that cannot be made there is no such file; the pages say why)."""
    try:
        folder = user_data_dir()
    except DataFolderError:
        folder = user_data_dir(create=False)
    return folder / "my_exercises.toml"


def store_path() -> Path:
    """The SQLite file holding people, routines, sessions and check-ins."""
    return user_data_dir() / "backcare.sqlite3"


def preferences_path() -> Path:
    """A small JSON record of what the app page remembers (the last person and routine)."""
    return user_data_dir() / "preferences.json"


def error_log_path() -> Path:
    """Where the details of unexpected errors are written (the pages name this file)."""
    return user_data_dir() / "backcare-errors.log"


def routines_dir(*, create: bool = True) -> Path:
    """Saved routines as versioned JSON files (``create=False``: only find the folder)."""
    path = user_data_dir(create=create) / "routines"
    if create:
        _make_folder(path, "routines folder")
    return path


def exports_dir() -> Path:
    """Exports (zip, JSON, handouts, calendar files) written for download."""
    path = user_data_dir() / "exports"
    _make_folder(path, "exports folder")
    return path


def write_export(data: bytes, filename: str) -> Path:
    """Write ``data`` into the exports folder under the last part of ``filename``; returns
    the file's path (a name like ``../x`` still lands in the exports folder)."""
    path = exports_dir() / Path(filename).name
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise DataFolderError(
            f"The file could not be saved as {path} ({exc.strerror or 'write error'}). Make "
            f"the folder writable, or set {DATA_DIR_ENV} to a folder you can write to."
        ) from None
    return path


def slug(text: str, limit: int = 60) -> str:
    """``text`` reduced to safe file-name characters: ``"Ann's Plan!"`` -> ``"ann-s-plan"``.

    Only ``a-z``, ``0-9`` and ``-`` remain, so no name can reach outside a folder; may be empty.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
