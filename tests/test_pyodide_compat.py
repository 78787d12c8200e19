"""One code base for CPython and the browser (JupyterLite's Pyodide kernel).

Two things differ there and broke the workbook once:

* **32-bit indices.** numpy's index type (``np.intp``) is 32-bit in WebAssembly, and the
  functions that take index arrays (``np.bincount``, ``np.repeat``'s counts, a ufunc's
  ``reduceat`` positions) refuse an int64 array ("Cannot cast array data from dtype('int64') to
  dtype('int32') according to the rule 'safe'"). On a 64-bit machine they take it, so these
  tests hand the package a numpy whose index functions follow the 32-bit rule, and frames whose
  whole-number columns are 32-bit as they may be in the browser.
* **``layout.display = None``** does not show a hidden widget in Pyodide (``None`` becomes
  JavaScript's ``undefined``); ``""`` does. No source in the package may set it to ``None``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import re
import sys
import tomllib
import types
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backcare import analysis
from backcare.catalog import load_catalog
from backcare.store import Store

PACKAGE = Path(analysis.__file__).resolve().parents[1]


# -- 32-bit indices -----------------------------------------------------------------------------
def _index_array(values: Any, what: str) -> None:
    """Raise as numpy does in the browser when ``values`` cannot become 32-bit indices."""
    dtype = np.asarray(values).dtype
    if not np.can_cast(dtype, np.int32, casting="safe"):
        raise TypeError(
            f"{what}: Cannot cast array data from {dtype!r} to dtype('int32') "
            "according to the rule 'safe'"
        )


class _Ufunc32:
    """A ufunc whose ``reduceat`` takes only 32-bit positions; everything else as it was."""

    def __init__(self, ufunc: np.ufunc) -> None:
        self._ufunc = ufunc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ufunc(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ufunc, name)

    def reduceat(self, array: Any, indices: Any, *args: Any, **kwargs: Any) -> Any:
        _index_array(indices, f"np.{self._ufunc.__name__}.reduceat")
        return self._ufunc.reduceat(array, indices, *args, **kwargs)


def _narrow(result: Any) -> Any:
    """An index result (``np.intp``) as the browser's numpy gives it: 32-bit."""
    if isinstance(result, tuple):
        return tuple(_narrow(part) for part in result)
    if isinstance(result, np.ndarray) and result.dtype == np.intp:
        return result.astype(np.int32)
    return result


def _gives_32_bit_indices(function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _narrow(function(*args, **kwargs))

    return wrapper


# numpy's functions that return positions, in ``np.intp`` (32-bit in the browser).
_INDEX_RESULTS = [
    "argmax",
    "argmin",
    "argsort",
    "argwhere",
    "flatnonzero",
    "lexsort",
    "nonzero",
    "searchsorted",
    "unique",
    "where",
]


class Numpy32(types.ModuleType):
    """numpy as the package sees it in WebAssembly: ``np.intp`` is 32-bit, functions that
    return positions return 32-bit ones, and index arguments must fit 32 bits."""

    intp = np.int32

    def __init__(self) -> None:
        super().__init__("numpy")

    def __getattr__(self, name: str) -> Any:
        value = getattr(np, name)
        if isinstance(value, np.ufunc):
            return _Ufunc32(value)
        if name in _INDEX_RESULTS:
            return _gives_32_bit_indices(value)
        return value

    @staticmethod
    def arange(*args: Any, dtype: Any = None, **kwargs: Any) -> np.ndarray:
        return (
            _narrow(np.arange(*args, dtype=dtype, **kwargs))
            if dtype is None
            else (np.arange(*args, dtype=dtype, **kwargs))
        )

    @staticmethod
    def bincount(x: Any, *args: Any, **kwargs: Any) -> np.ndarray:
        _index_array(x, "np.bincount")
        return np.bincount(x, *args, **kwargs)

    @staticmethod
    def repeat(a: Any, repeats: Any, *args: Any, **kwargs: Any) -> np.ndarray:
        _index_array(repeats, "np.repeat")
        return np.repeat(a, repeats, *args, **kwargs)


@pytest.fixture
def numpy_32(monkeypatch: pytest.MonkeyPatch) -> Numpy32:
    """Every backcare module that uses numpy gets the 32-bit-index numpy for this test."""
    fake = Numpy32()
    modules = [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith("backcare") and getattr(module, "np", None) is np
    ]
    assert any(m.__name__.startswith("backcare.analysis") for m in modules)
    for module in modules:
        monkeypatch.setattr(module, "np", fake)
    return fake


def test_the_32_bit_numpy_refuses_64_bit_indices(numpy_32: Numpy32) -> None:
    """The stand-in fails where the browser's numpy fails, so the test below can fail."""
    with pytest.raises(TypeError, match="int32"):
        numpy_32.bincount(np.arange(3, dtype="int64"))
    with pytest.raises(TypeError, match="int32"):
        numpy_32.add.reduceat(np.ones(4), np.array([0, 2], dtype="int64"))
    assert list(numpy_32.bincount(np.array([0, 2, 2], dtype="int32"))) == [1, 0, 2]
    assert list(numpy_32.add.reduceat(np.ones(4), np.array([0, 1], dtype="int32"))) == [1, 3]
    assert numpy_32.flatnonzero([0, 1, 1]).dtype == np.int32
    assert numpy_32.bincount(numpy_32.arange(3).astype(numpy_32.intp)).dtype == np.intp


def _as_32_bit(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns as 32-bit integers, as a browser's pandas may hand them out."""
    narrow = {"int64": "int32", "Int64": "Int32"}
    return frame.astype(
        {name: narrow[str(dtype)] for name, dtype in frame.dtypes.items() if str(dtype) in narrow}
    )


@pytest.fixture(scope="module")
def demo() -> tuple[tuple[pd.DataFrame, ...], dict]:
    catalog = load_catalog(include_user=False)
    with Store.demo() as store:
        frames = (store.checkins_frame(), store.sessions_frame(), store.steps_frame())
        plans = {p.id: store.routines(p.id, catalog) for p in store.people()}
    return frames, plans


def _everything(frames: tuple[pd.DataFrame, ...], plans: dict) -> dict[str, Any]:
    """Every number of the progress dashboard and the trainer overview, for every person."""
    checkins, sessions, steps = frames
    end = analysis.day_of(checkins["at"]).max()
    found: dict[str, Any] = {}
    for person_id, plan in plans.items():
        c = checkins[checkins["person_id"] == person_id]
        s = sessions[sessions["person_id"] == person_id]
        st = steps[steps["person_id"] == person_id]
        start = analysis.first_activity_day(s, c)
        daily = analysis.adherence(s, plan, start, end)
        trend = analysis.discomfort_trend(c, start, end)
        change = analysis.important_change(trend)
        association = analysis.association(c, s, plan, start, end)
        found[f"{person_id}/daily"] = daily
        found[f"{person_id}/weekly"] = analysis.adherence(s, plan, start, end, by="week")
        found[f"{person_id}/trend"] = trend
        found[f"{person_id}/association"] = association.table()
        found[f"{person_id}/groups"] = analysis.by_group(st, s, c)
        found[f"{person_id}/exercises"] = analysis.by_exercise(st, s, c)
        found[f"{person_id}/sentences"] = analysis.summary_sentences(daily, change, association)
    reports = analysis.person_reports(checkins, sessions, steps, plans, end)
    for person_id, report in reports.items():
        for field in dataclasses.fields(report):
            found[f"{person_id}/report/{field.name}"] = getattr(report, field.name)
    return found


def _same(left: Any, right: Any) -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right, check_dtype=False, check_index_type=False)
    else:
        assert left == right


@pytest.fixture(scope="module")
def reference(demo) -> dict[str, Any]:
    """The numbers with the real numpy and the store's own frames (made before numpy_32)."""
    frames, plans = demo
    return _everything(frames, plans)


def test_the_dashboard_numbers_with_32_bit_indices(demo, reference, numpy_32: Numpy32) -> None:
    """The whole analysis runs on 32-bit data with a 32-bit numpy, with the same results."""
    frames, plans = demo
    found = _everything(tuple(_as_32_bit(f) for f in frames), plans)
    assert found.keys() == reference.keys()
    for key, value in reference.items():
        _same(found[key], value)


# -- display = None -----------------------------------------------------------------------------
def _display_set_to_none(tree: ast.AST) -> list[int]:
    """Lines that set a ``display`` (attribute or keyword) to ``None`` or ``... if ... else``
    with a ``None`` branch."""

    def can_be_none(node: ast.expr | None) -> bool:
        if isinstance(node, ast.Constant) and node.value is None:
            return True
        return isinstance(node, ast.IfExp) and (can_be_none(node.body) or can_be_none(node.orelse))

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Attribute)]
            if any(t.attr == "display" for t in targets) and can_be_none(node.value):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg == "display" and can_be_none(node.value):
            lines.append(node.value.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setattr"
            and len(node.args) == 3
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "display"
            and can_be_none(node.args[2])
        ):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_display_none() -> None:
    source = (
        "w.layout.display = None\n"
        "w.layout.display = None if hidden else 'none'\n"
        "Layout(display=None)\n"
        "w.layout.display = ''\n"
    )
    assert _display_set_to_none(ast.parse(source)) == [1, 2, 3]


def test_no_widget_is_shown_with_display_none() -> None:
    """Showing a widget sets ``display`` to ``""``: ``None`` leaves it hidden in Pyodide."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = _display_set_to_none(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(PACKAGE.parent))] = lines
    assert not found, f"display set to None (use '' to show a widget): {found}"


# -- what the browser loads ---------------------------------------------------------------------
def _site_builder() -> types.ModuleType:
    path = PACKAGE.parent / "docs" / "lite" / "build_site.py"
    spec = importlib.util.spec_from_file_location("build_site", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_browser_loads_every_runtime_dependency() -> None:
    """Each package backcare needs at run time, and each that a wheel in the site needs, is
    loaded when the kernel starts (from Pyodide or from the site) or comes with the kernel.
    A new dependency in pyproject.toml fails here until docs/lite/build_site.py loads it."""
    site = _site_builder()
    covered = {*site.PYODIDE_PACKAGES, *site.WHEELS_FROM_PYPI, *site.FROM_THE_KERNEL}
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert runtime <= covered, f"not loaded in the browser: {sorted(runtime - covered)}"
    lock = tomllib.loads((PACKAGE.parent / "uv.lock").read_text())
    needs = {
        p["name"]: {d["name"] for d in p.get("dependencies", [])}
        for p in lock["package"]
        if p["name"] in site.WHEELS_FROM_PYPI
    }
    for name, dependencies in needs.items():
        assert dependencies <= covered, f"{name} needs {sorted(dependencies - covered)}"
