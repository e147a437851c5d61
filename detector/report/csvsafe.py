"""CSV output that is safe to open in a spreadsheet.

Text in our outputs is written by the accounts under investigation. A cell
starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which
some spreadsheet programs strip before evaluating) can be executed as a
formula ("CSV injection"). Such cells are prefixed with a single quote,
following the OWASP recommendation. Numbers are left alone: only string
cells are touched, so ``-0.5`` stored as a float stays a number.
"""

from __future__ import annotations

import os

import pandas as pd

from detector.fsutil import atomic_write

__all__ = ["FORMULA_PREFIXES", "neutralize_cell", "neutralize_frame", "write_csv"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Leading characters that make a spreadsheet treat a cell as a formula (incl. full-width forms)."""


def neutralize_cell(value: object) -> object:
    """Prefix a string cell that could be read as a formula with ``'``; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def _neutralize_series(series: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralize_cell` over a column (a per-cell fallback for mixed columns)."""
    if isinstance(series.dtype, pd.StringDtype) or pd.api.types.infer_dtype(series, skipna=True) in (
        "string",
        "empty",
    ):
        risky = series.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
        if not risky.any():
            return series
        out = series.copy()
        out[risky] = "'" + series[risky]
        return out
    return series.map(neutralize_cell, na_action="ignore")


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose string cells (and column names) cannot run as formulas."""
    out = frame.copy()
    for column in out.columns:
        if _is_text_column(out[column]):
            out[column] = _neutralize_series(out[column])
    out.columns = [neutralize_cell(str(c)) for c in out.columns]
    return out


def _join_lists(series: pd.Series) -> pd.Series:
    """Join list/tuple cells with ``|``; a column without list cells is returned as is."""
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return series
    return series.map(lambda v: "|".join(map(str, v)) if isinstance(v, (list, tuple)) else v)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``frame`` as UTF-8 CSV, atomically, with formula-like cells neutralised.

    List cells are joined with ``|`` so a cell stays one readable value.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = _join_lists(safe[column])
    safe = neutralize_frame(safe)
    with atomic_write(path, "w", newline="") as fh:
        safe.to_csv(fh, index=False)
