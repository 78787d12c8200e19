"""Build the workbook as a static JupyterLite site (``make lite``): it runs in the browser.

The site holds JupyterLab (JupyterLite), the Pyodide kernel, the notebooks, backcare's wheel
and the wheels of its pure-Python dependencies that Pyodide does not ship (at uv.lock's
versions), and a setting that loads all of them when a kernel starts, so ``from backcare
import ...`` works in the first cell as it does locally. Pyodide itself and its own packages
(numpy, pandas, matplotlib, ...) come from Pyodide's CDN, the kernel's default.

Any static HTTPS host serves the output folder as it is (GitHub Pages: publish it).
Usage: ``python docs/lite/build_site.py [--output build/lite]``.
Last line: ``site_mb=... files=...``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

__all__ = [
    "FROM_THE_KERNEL",
    "KERNEL_PACKAGES",
    "PYODIDE_PACKAGES",
    "WHEELS_FROM_PYPI",
    "add_pyodide",
    "kernel_packages",
    "main",
]

REPO = Path(__file__).resolve().parents[2]

# backcare's runtime dependencies that Pyodide ships (loaded by name from its CDN).
PYODIDE_PACKAGES = ["numpy", "pandas", "matplotlib", "scipy", "statsmodels"]
PYODIDE_PACKAGES += ["python-dateutil", "pytz", "six"]
# Those it does not ship (and two small ones it does, so that only Pyodide's compiled packages
# come from elsewhere): their wheels (pure Python) go into the site, at uv.lock's versions.
WHEELS_FROM_PYPI = ["anywidget", "comm", "icalendar", "ipywidgets", "psygnal"]
WHEELS_FROM_PYPI += ["typing-extensions", "tzdata"]
# What the Pyodide kernel brings itself (IPython, traitlets, the widgets shims), and the
# widgets' front end, which the site already carries as an extension.
FROM_THE_KERNEL = ["ipython", "traitlets", "widgetsnbextension", "jupyterlab-widgets"]
# Pyodide packages the kernel itself needs, which it would otherwise install one after the
# other once Pyodide is up (each through micropip); named here, they load at the same time as
# the others. Measured with benchmarks/lite_start.py's site: the start page's kernel ready in
# about 24 s instead of 34 s (medians of five cold starts each, on a loaded 2-core machine).
KERNEL_PACKAGES = ["ssl", "sqlite3", "jedi", "ipython"]
# pip picks the wheels Pyodide can load: pure Python ones ("py3-none-any").
PURE_PYTHON = ["--only-binary", ":all:", "--platform", "any", "--implementation", "py"]
PURE_PYTHON += ["--python-version", "3.12", "--abi", "none"]
# The kernel's worker script sits in extensions/@jupyterlite/pyodide-kernel-extension/static/;
# the site's wheels are in pypi/ at the site's root (the piplite add-on puts them there).
WHEELS_FROM_WORKER = "../../../../pypi/"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


def locked_versions(names: list[str]) -> dict[str, str]:
    """The versions uv.lock pins for ``names``."""
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    found = {p["name"]: p["version"] for p in lock["package"] if p["name"] in names}
    missing = sorted(set(names) - set(found))
    if missing:
        raise SystemExit(f"uv.lock has no {', '.join(missing)}: run `make lock`")
    return found


def kernel_packages(wheels: list[str]) -> list[str]:
    """What the Pyodide kernel loads as it starts: Pyodide's packages by name, then the
    site's wheels by their address (relative to the kernel's worker script)."""
    return [
        *PYODIDE_PACKAGES,
        *KERNEL_PACKAGES,
        *(WHEELS_FROM_WORKER + name for name in sorted(wheels)),
    ]


def lite_settings(wheels: list[str]) -> dict:
    kernel: dict = {"loadPyodideOptions": {"packages": kernel_packages(wheels)}}
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "backcare",
            "litePluginSettings": {KERNEL_PLUGIN: kernel},
        },
    }


def build_wheels(folder: Path) -> list[Path]:
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "-w", str(folder), str(REPO)], check=True
    )
    pins = [f"{name}=={version}" for name, version in locked_versions(WHEELS_FROM_PYPI).items()]
    subprocess.run(
        [*pip, "download", "--quiet", "--no-deps", "-d", str(folder), *PURE_PYTHON, *pins],
        check=True,
    )
    return sorted(folder.glob("*.whl"))


def add_pyodide(site: Path, pyodide: Path) -> None:
    """Serve Pyodide from the built ``site`` itself (a copy of the folder ``pyodide``, with
    ``pyodide.js``, its lock file and wheels) instead of Pyodide's CDN."""
    shutil.copytree(pyodide, site / "pyodide")
    config_path = site / "jupyter-lite.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    plugins = config["jupyter-config-data"]["litePluginSettings"]
    # The site's pages are one folder deep (lab/, tree/, ...).
    plugins[KERNEL_PLUGIN]["pyodideUrl"] = "../pyodide/pyodide.js"
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO / "build" / "lite")
    parser.add_argument(
        "--pyodide",
        type=Path,
        help="a folder with Pyodide (pyodide.js, its lock file and wheels) to serve from the "
        "site itself instead of Pyodide's CDN",
    )
    args = parser.parse_args(argv)
    output = args.output.resolve()
    with tempfile.TemporaryDirectory(prefix="backcare-lite-") as temp:
        work = Path(temp)
        wheels = build_wheels(work / "wheels")
        lite_dir = work / "lite"
        contents = lite_dir / "files"
        shutil.copytree(REPO / "notebooks", contents / "notebooks", ignore=_checkpoints)
        (lite_dir / "jupyter-lite.json").write_text(
            json.dumps(lite_settings([w.name for w in wheels]), indent=2),
            encoding="utf-8",
        )
        shutil.rmtree(output, ignore_errors=True)
        built = subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyterlite_core",
                "build",
                "--lite-dir",
                str(lite_dir),
                "--contents",
                str(contents),
                "--output-dir",
                str(output),
                "--no-sourcemaps",
                *(arg for wheel in wheels for arg in ("--piplite-wheels", str(wheel))),
            ],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        if built.returncode:
            print(built.stdout[-4000:], built.stderr[-4000:], sep="\n", file=sys.stderr)
            return built.returncode
    if args.pyodide is not None:
        add_pyodide(output, args.pyodide)
    size, count = folder_size(output)
    print(f"JupyterLite site in {output}: {size / 1e6:.1f} MB in {count} files")
    print(f"site_mb={size / 1e6:.1f} files={count}")
    return 0


def _checkpoints(_folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name == ".ipynb_checkpoints"]


if __name__ == "__main__":
    raise SystemExit(main())
