"""Small array helpers shared by the analysis modules (numbers, text columns, group sums)."""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

MIN_DAYS_PER_GROUP = 3
"""Fewest days (or weeks) in each group before a comparison is reported at all."""


_EPS = 1e-9


# numpy needs its own index type (intp) for counts and positions; in JupyterLite (Pyodide,
# 32-bit WebAssembly) that is int32 and an int64 array is refused. Every count and every
# position goes through these helpers, which hand numpy intp arrays.
def _intp(values: Any) -> np.ndarray:
    """``values`` as an array of numpy's index type (int32 on 32-bit platforms)."""
    return np.asarray(values).astype(np.intp, copy=False)


def _bincount(labels: Any, weights: Any = None, minlength: int = 0) -> np.ndarray:
    """:func:`numpy.bincount` with the labels as numpy's index type."""
    return np.bincount(_intp(labels), weights=weights, minlength=int(minlength))


def _reduceat(values: np.ndarray, starts: Any) -> np.ndarray:
    """``np.add.reduceat`` with the starts as numpy's index type."""
    return np.add.reduceat(values, _intp(starts))


def _numbers(values: pd.Series) -> np.ndarray:
    """A column as float64 (anything that is not a number becomes NaN)."""
    if pd.api.types.is_float_dtype(values.dtype) and isinstance(values.dtype, np.dtype):
        return values.to_numpy()
    numeric = pd.to_numeric(values, errors="coerce")
    return numeric.to_numpy(dtype="float64", na_value=np.nan)


def _equals(values: pd.Series, text: str) -> np.ndarray:
    """Which entries of a column equal ``text`` (missing ones do not), as a numpy bool array.

    Compared on the column's numpy values: for text columns that is several times quicker than
    the pandas comparison, which checks every entry for missing values first.
    """
    raw = values.to_numpy()
    if raw.dtype == object:
        with contextlib.suppress(TypeError):  # pd.NA cannot be compared this way
            found = raw == text
            if isinstance(found, np.ndarray) and found.shape == raw.shape:
                return found.astype(bool, copy=False)
    return (values == text).to_numpy(dtype=bool, na_value=False)


def _text_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A column's codes into its distinct values (``pd.factorize``; -1 where missing), so that
    several tests on one text column cost one pass over it (see :func:`_equals_any`)."""
    codes, uniques = pd.factorize(values)
    return np.asarray(codes, dtype=np.intp), pd.Index(uniques)


def _equals_any(codes: np.ndarray, uniques: pd.Index, texts: tuple[str, ...]) -> np.ndarray:
    """Which entries (given by :func:`_text_codes`) equal one of ``texts``, as :func:`_equals`
    finds them (missing ones do not)."""
    wanted = [
        code for code, value in enumerate(uniques) if isinstance(value, str) and value in texts
    ]
    return np.isin(codes, wanted) if wanted else np.zeros(len(codes), dtype=bool)


def _present(values: pd.Series) -> np.ndarray:
    """Which entries of a column are not missing, as a numpy bool array."""
    raw = values.to_numpy()
    if raw.dtype == object:
        return ~pd.isna(raw)
    return values.notna().to_numpy()


def _group_sums(labels: np.ndarray, values: np.ndarray, groups: int) -> tuple[Any, Any]:
    """Sums and counts of the non-NaN ``values`` in each of ``groups`` groups (``labels`` are
    the group numbers, 0 to ``groups - 1``).

    Whole numbers add up exactly in any order, so those are counted with :func:`numpy.bincount`.
    Other values go through ``groupby().sum()`` with the rows in the order given, so the result
    is what pandas gives to the last bit (pandas adds differently depending on whether the
    labels are sorted and whether there are NaNs).
    """
    labels = np.asarray(labels, dtype=np.intp)  # 32-bit in the browser: int64 is refused there
    present = ~np.isnan(values)
    counts = _bincount(labels[present], minlength=groups)
    numbers = values[present]
    if bool(np.all(numbers == np.round(numbers))) and float(np.abs(numbers).sum()) < 2.0**52:
        return _bincount(labels[present], weights=numbers, minlength=groups), counts
    sums = pd.Series(values, copy=False).groupby(labels).sum()
    return sums.reindex(range(groups), fill_value=0.0).to_numpy(), counts


def _group_means(labels: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Mean of the non-NaN ``values`` in each group (NaN for a group without any)."""
    sums, counts = _group_sums(labels, values, groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _nan_mean(values: np.ndarray) -> float:
    """The mean of the non-NaN values, added as :meth:`pandas.Series.mean` adds them."""
    missing = np.isnan(values)
    count = len(values) - int(missing.sum())
    if count == 0:
        return math.nan
    return float(np.where(missing, 0.0, values).sum() / count)


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``top / bottom``, NaN where ``bottom`` is not above 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _signed(value: float) -> str:
    """``+1.2``, ``-0.4`` or ``0.0`` (never ``-0.0``)."""
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def _plural(count: int, word: str) -> str:
    return f"{count} {_plural_word(count, word)}"


def _plural_word(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _frame(columns: Mapping[str, Any], index: pd.Index) -> pd.DataFrame:
    """``pd.DataFrame(columns, index=index)``, built quicker for the small tables of a report.

    pandas works out the column labels' type from the names on every call, which for a table
    of a few hundred rows costs as much as the table itself; here the labels are worked out
    once per set of names (and each table gets its own copy of them).
    """
    frame = pd.DataFrame(dict(enumerate(columns.values())), index=index)
    frame.columns = _column_labels(tuple(columns)).copy()
    return frame


@functools.lru_cache(maxsize=64)
def _column_labels(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(names)
