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


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose string cells (and column names) cannot run as formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            out[column] = series.map(neutralize_cell, na_action="ignore")
    out.columns = [neutralize_cell(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``frame`` as UTF-8 CSV, atomically, with formula-like cells neutralised.

    List cells are joined with ``|`` so a cell stays one readable value.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: "|".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            )
    safe = neutralize_frame(safe)
    with atomic_write(path, "w", newline="") as fh:
        safe.to_csv(fh, index=False)
