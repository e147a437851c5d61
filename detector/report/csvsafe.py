"""CSV output that is safe to open in a spreadsheet.

Text in our outputs is written by the accounts under investigation. A cell
starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which
some spreadsheet programs strip before evaluating) can be executed as a
formula ("CSV injection"). Such cells are prefixed with a single quote,
following the OWASP recommendation. Numbers are left alone: only string
cells are touched, so ``-0.5`` stored as a float stays a number.

:func:`write_csv` streams the table in blocks of rows, turning each column into
text itself (numbers: NumPy's ``astype(str)`` of each distinct value, as pandas
does; the rare cells that need quoting: the :mod:`csv` module) and joining the
fields into lines with Arrow: the bytes are those of
``DataFrame.to_csv(index=False)`` after neutralising, several times faster and
without copies of a large table. Column types it does not handle (dates,
categoricals, ...) go through pandas.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Iterable
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detector.fsutil import atomic_write

__all__ = ["FORMULA_PREFIXES", "neutralize_cell", "neutralize_frame", "write_csv", "write_csv_blocks"]

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


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], rows: np.ndarray | None = None) -> None:
    """Write ``frame`` as UTF-8 CSV, atomically, with formula-like cells neutralised.

    List cells are joined with ``|`` so a cell stays one readable value.

    Parameters
    ----------
    frame : DataFrame
    path : path-like
    rows : bool array, optional
        Write only these rows (same bytes as ``write_csv(frame[rows], path)``,
        without copying the selection of a large table first).
    """
    with atomic_write(path, "w", newline="") as fh:
        if not _stream_csv(frame, fh, rows):
            _pandas_csv(frame if rows is None else frame[np.asarray(rows, dtype=bool)], fh)


def write_csv_blocks(blocks: Iterable[pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """:func:`write_csv` of the row blocks ``blocks`` one after the other, one block in memory at a time.

    The blocks share their columns (the first block's names are the header; at
    least one block, possibly empty, is expected). Every cell is written as
    :func:`write_csv` writes it alone (numbers per value, strings neutralised per
    cell), so the bytes are those of ``write_csv(pd.concat(blocks), path)`` when
    no column is an object column of mixed types (pandas types such a column per
    block: ints beside ``None`` are floats in the whole table only); the whole
    table is never built.
    """
    with atomic_write(path, "w", newline="") as fh:
        for i, frame in enumerate(blocks):
            if not _stream_csv(frame, fh, header=i == 0):
                _pandas_csv(frame, fh, header=i == 0)


def _pandas_csv(frame: pd.DataFrame, fh: IO[str], header: bool = True) -> None:
    """The reference path: join lists, neutralise a copy, ``DataFrame.to_csv`` (``header``: the names row)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = _join_lists(safe[column])
    safe = neutralize_frame(safe)
    safe.to_csv(fh, index=False, header=header)


# --------------------------------------------------------------------------
# streamed writer (same bytes as _pandas_csv)
# --------------------------------------------------------------------------

CHUNK_ROWS = 50_000
"""Rows turned into text at a time (bounds the memory of the streamed writer: every cell of a
chunk is an Arrow string, then the joined lines, twice; about 0.1 KB per row and column)."""

_LINETERMINATOR = os.linesep  # pandas' default


def _csv_writer(fh: IO[str]) -> Any:
    """A :mod:`csv` writer with the dialect ``DataFrame.to_csv`` uses."""
    return csv.writer(
        fh, lineterminator=_LINETERMINATOR, delimiter=",", quoting=csv.QUOTE_MINIMAL, doublequote=True, quotechar='"'
    )


@functools.cache
def _quote_chars() -> tuple[str, ...]:
    """Characters that make the csv writer quote a field (probed once: they vary with Python)."""
    buf = io.StringIO()
    writer = _csv_writer(buf)
    special = []
    for code in range(0x3000):
        ch = chr(code)
        buf.seek(0)
        buf.truncate()
        writer.writerow(["a", f"a{ch}b"])
        if buf.getvalue() != f"a,a{ch}b{_LINETERMINATOR}":
            special.append(ch)
    return tuple(special)


@functools.cache
def _quote_pattern() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in _quote_chars()) + "]")


def _quoted(cells: list[str]) -> list[str]:
    """``cells`` as csv fields: the (rare) cells with special characters quoted by the csv module."""
    joined = "".join(cells)
    if not any(ch in joined for ch in _quote_chars()):
        return cells
    pattern = _quote_pattern()
    buf = io.StringIO()
    writer = _csv_writer(buf)
    out = []
    for cell in cells:
        if pattern.search(cell):
            buf.seek(0)
            buf.truncate()
            writer.writerow(["", cell])
            out.append(buf.getvalue()[1 : -len(_LINETERMINATOR)])
        else:
            out.append(cell)
    return out


def _numeric_kind(dtype: Any) -> str | None:
    return dtype.kind if isinstance(dtype, np.dtype) and dtype.kind in "fiub" else None


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _supported(dtype: Any) -> bool:
    """Column types :func:`_arrow_cells` renders exactly as ``to_csv`` does."""
    if _numeric_kind(dtype) or _is_object(dtype) or isinstance(dtype, pd.StringDtype):
        return True
    return isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iub"


def _prepared(frame: pd.DataFrame, keep: np.ndarray | None) -> dict[int, pd.Series] | None:
    """The object columns as :func:`_pandas_csv` turns them (lists joined, neutralised), row-selected.

    Done on whole columns, because pandas re-infers an object column's type
    when mapping it (string-typed columns are neutralised block by block).
    ``None`` when a column is of a type the streamed writer does not cover.
    """
    if frame.shape[1] < 2 or isinstance(frame.columns, pd.MultiIndex):  # 1 column: csv quotes an empty row
        return None
    out = {}
    for i, (_, series) in enumerate(frame.items()):
        if not _supported(series.dtype):
            return None
        if not _is_object(series.dtype):
            continue
        col = series if keep is None else series[keep]
        if _is_object(col.dtype):
            col = _join_lists(col)
        if _is_text_column(col):
            col = _neutralize_series(col)
        if not _supported(col.dtype):
            return None
        out[i] = col
    return out


def _streamable(frame: pd.DataFrame) -> bool:
    """Whether :func:`_stream_csv` writes exactly what pandas would (else pandas is used)."""
    return _prepared(frame, None) is not None


def _object_cells(series: pd.Series) -> list[str]:
    """One block of a (prepared) object or extension column as csv fields: NA ``""``, else ``str``."""
    values = np.asarray(series.astype(object), dtype=object)
    missing = pd.isna(values).tolist()
    cells = ["" if na else v if isinstance(v, str) else str(v) for v, na in zip(values.tolist(), missing, strict=True)]
    return _quoted(cells)


@functools.cache
def _quote_regex() -> str:
    """:func:`_quote_chars` as an RE2 character class (for Arrow)."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _quote_chars()) + "]"


def _arrow_cells(series: pd.Series) -> pa.Array:
    """One block of a (prepared) column as the csv fields pandas writes, as an Arrow string array.

    Numbers: ``values.astype(str)`` as pandas does, computed once per distinct
    value (floats by bit pattern, so ``-0.0`` stays apart from ``0.0``), NaN as
    ``""``. Strings: NA as ``""``, quoted by the csv module when needed.
    """
    kind = _numeric_kind(series.dtype)
    if kind in ("f", "i", "u"):
        values = series.to_numpy()
        key = values.view(f"i{values.dtype.itemsize}") if kind == "f" else values
        codes, uniq = pd.factorize(key)  # hashing: no sort
        if kind == "f":
            uniq = uniq.view(values.dtype)
        text = uniq.astype(str)
        if kind == "f":
            text[np.isnan(uniq)] = ""
        return pa.array(text, type=pa.large_string()).take(pa.array(codes))
    if kind == "b":
        return pa.array(np.where(series.to_numpy(), "True", "False"), type=pa.large_string())
    if isinstance(series.dtype, pd.StringDtype):
        arr = pa.array(series.array)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = pc.fill_null(arr.cast(pa.large_string()), "")
        if len(arr) and pc.any(pc.match_substring_regex(arr, _quote_regex())).as_py():
            return pa.array(_quoted(arr.to_pylist()), type=pa.large_string())
        return arr
    return pa.array(_object_cells(series), type=pa.large_string())


def _write_lines(fh: IO[str], columns: list[pa.Array]) -> None:
    """Join the fields of each row with ``,``, end rows with the line terminator, write as UTF-8."""
    text = pa.large_string()
    lines = pc.binary_join_element_wise(*columns, pa.scalar(",", text))
    lines = pc.binary_join_element_wise(lines, pa.scalar("", text), pa.scalar(_LINETERMINATOR, text))
    _, offsets, data = lines.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    fh.flush()
    fh.buffer.write(memoryview(data)[int(bounds[0]) : int(bounds[-1])])  # type: ignore[attr-defined]


def _stream_csv(frame: pd.DataFrame, fh: IO[str], rows: np.ndarray | None = None, *, header: bool = True) -> bool:
    """``_pandas_csv`` without copies of the table: blocks of rows turned into text column by column.

    Returns ``False`` (nothing written) when a column type is not covered.
    ``header``: write the row of column names first.
    """
    keep = None if rows is None else np.asarray(rows, dtype=bool)
    text = _prepared(frame, keep)
    if text is None:
        return False
    if header:
        _csv_writer(fh).writerow([neutralize_cell(str(c)) for c in frame.columns])
    positions = np.arange(len(frame)) if keep is None else np.flatnonzero(keep)
    for start in range(0, len(positions), CHUNK_ROWS):
        take = positions[start : start + CHUNK_ROWS]
        columns = [
            _arrow_cells(
                text[i].iloc[start : start + CHUNK_ROWS]
                if i in text
                else _neutralize_series(series.iloc[take])
                if isinstance(series.dtype, pd.StringDtype)
                else series.iloc[take]
            )
            for i, (_, series) in enumerate(frame.items())
        ]
        _write_lines(fh, columns)
    return True
