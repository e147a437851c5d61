"""Chunked CSV reading shared by the CSV formats (archive, CooRTweet, generic).

Every cell is read as a string (``""`` is missing; the text ``NA`` or
``null`` stays text). Lines with the wrong number of fields are skipped and
counted (``bad CSV line``) with their line number, and so are records with a
raw NUL byte or bytes that are not UTF-8 (``NUL byte``, ``invalid UTF-8``).
A damaged tail (an unterminated quote that reaches the end of the file) ends
the file after the rows already read, which are kept; the cut last row of a
damaged compressed stream is skipped as ``truncated record``.
"""

from __future__ import annotations

import codecs
import csv
import re
import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from detector.io.frames import ReadContext
from detector.io.log import InputError
from detector.io.recordcheck import INVALID_UTF8, NUL_BYTE, TRUNCATED
from detector.io.source import Source

__all__ = ["csv_chunks", "csv_header", "parse_list_cells", "record_numbers"]

_SPARE = "\x00spare"

_SKIPPING = re.compile(r"Skipping line (\d+): ([^\n]*)")
_ROW_OF_ERROR = re.compile(r"starting at row (\d+)")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count}")
    return out


def csv_header(source: Source) -> tuple[list[str], str]:
    """Column names and delimiter of a CSV/TSV file (from its first line)."""
    head = source.head().decode("utf-8", errors="replace").lstrip("\ufeff")
    first = head.split("\n", 1)[0].rstrip("\r")
    delimiter = _delimiter(first)
    try:
        names = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        names = []
    return [n.strip() for n in names], delimiter


class _ByteScan:
    """A binary stream that notes whether the bytes passing through hold NUL or non-UTF-8 bytes."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.nul = False
        self.bad_utf8 = False
        self.parse_error = False  # the CSV parser gave up before the end (counted as "bad CSV")

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        block = self._stream.read(n)
        if not self.nul and b"\x00" in block:
            self.nul = True
        if not self.bad_utf8 and not block.isascii():
            try:
                self._decoder.decode(block)
            except UnicodeDecodeError:
                self.bad_utf8 = True
        return block

    def __iter__(self):
        return iter(lambda: self.read(1 << 16), b"")


def _bad_byte_rows(chunk: pd.DataFrame, scan: _ByteScan) -> list[tuple[str, np.ndarray]]:
    """Rows of ``chunk`` holding a NUL byte or an undecodable byte (shown as U+FFFD), by reason."""
    out = []
    for flag, char, reason in ((scan.nul, "\x00", NUL_BYTE), (scan.bad_utf8, "\ufffd", INVALID_UTF8)):
        if not flag:
            continue
        bad = np.zeros(len(chunk), dtype=bool)
        for name in chunk.columns:
            bad |= chunk[name].str.contains(char, regex=False).to_numpy(dtype=bool, na_value=False)
        out.append((reason, bad))
    return out


def csv_chunks(
    ctx: ReadContext, required: Sequence[str] = (), fmt: str = "csv"
) -> Iterator[tuple[pd.DataFrame, int]]:
    """Yield ``(chunk, first_record_number)``; each chunk's rows are counted as read.

    ``first_record_number`` is the 1-based record number of the chunk's first
    row (the header is record 1), adjusted for bad lines skipped before it.
    Repeated header names get pandas-style suffixes (``name.1``). Records
    with NUL or non-UTF-8 bytes, and the cut last record of a damaged
    compressed stream, are counted as skipped and left out of the chunks
    (the record numbers of the rows kept stay right: the caller numbers rows
    with :func:`record_numbers`).
    """
    scan: list[_ByteScan] = []
    held: tuple[pd.DataFrame, int] | None = None
    for chunk, first in _raw_chunks(ctx, required, fmt, scan):
        if held is not None:
            yield _checked(ctx, *held, scan[0])
        held = (chunk, first)
    if held is None:
        return
    chunk, first = held
    source = ctx.source
    cut = source.damage is not None and not source.ends_with_newline and not scan[0].parse_error
    if cut and len(chunk):
        ctx.skip(TRUNCATED, first + len(chunk) - 1, "the stream stops inside this record")
        chunk = chunk.iloc[:-1]
    yield _checked(ctx, chunk, first, scan[0])


def record_numbers(chunk: pd.DataFrame, first: int) -> np.ndarray:
    """1-based record number of each row of a :func:`csv_chunks` chunk."""
    if _RECORD in chunk.columns:
        return chunk[_RECORD].to_numpy(dtype=np.int64)
    return np.arange(first, first + len(chunk), dtype=np.int64)


_RECORD = "_record"


def _checked(ctx: ReadContext, chunk: pd.DataFrame, first: int, scan: _ByteScan) -> tuple[pd.DataFrame, int]:
    """Drop (and count) rows with NUL or non-UTF-8 bytes; remember the record numbers kept."""
    checks = _bad_byte_rows(chunk, scan)
    if not checks:
        return chunk, first
    keep = np.ones(len(chunk), dtype=bool)
    for reason, bad in checks:
        for i in np.flatnonzero(bad & keep):
            ctx.skip(reason, first + int(i))
        keep &= ~bad
    if keep.all():
        return chunk, first
    numbers = np.arange(first, first + len(chunk), dtype=np.int64)[keep]
    chunk = chunk[keep].reset_index(drop=True)
    chunk[_RECORD] = numbers
    return chunk, first


def _raw_chunks(
    ctx: ReadContext, required: Sequence[str], fmt: str, scan: list[_ByteScan]
) -> Iterator[tuple[pd.DataFrame, int]]:
    names, delimiter = csv_header(ctx.source)
    missing = [c for c in required if c not in names]
    if missing:
        raise InputError(
            f"{ctx.source.name}: not a {fmt} table: lacks column(s) {', '.join(missing)}; "
            f"found {', '.join(names[:20]) or 'no header'}"
        )
    bad_lines = 0
    rows_done = 0
    unique = _unique_names(names)
    with ctx.source.open() as raw:
        stream = _ByteScan(raw)
        scan.append(stream)
        reader = _lazy_chunks(stream, unique, delimiter, ctx.chunk_rows)
        while True:
            error: Exception | None = None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    chunk = next(reader)
                except StopIteration:
                    chunk = None
                except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
                    chunk, error = None, exc
            for warning in caught:
                for match in _SKIPPING.finditer(str(warning.message)):
                    bad_lines += 1
                    ctx.read_one()
                    ctx.skip("bad CSV line", int(match.group(1)), match.group(2))
            if error is not None:
                stream.parse_error = True
                # the rows of the failing chunk before the damage are not lost
                chunk = _rows_before_damage(ctx, unique, delimiter, error, rows_done, bad_lines)
                record = rows_done + bad_lines + (len(chunk) if chunk is not None else 0) + 2
                ctx.read_one()
                ctx.skip("bad CSV", record, str(error))
                ctx.log.notice(
                    f"{ctx.source.name}: CSV could not be parsed from record {record} on"
                )
            if chunk is None or not len(chunk):
                break
            first = rows_done + bad_lines + 2
            rows_done += len(chunk)
            ctx.read_one(len(chunk))
            chunk = chunk.reset_index(drop=True)
            spare = chunk[_SPARE].notna().to_numpy()
            if spare.any():
                for i in np.flatnonzero(spare):
                    ctx.skip(
                        "bad CSV line", first + int(i), f"expected {len(names)} fields, saw more"
                    )
                chunk = chunk[~spare].reset_index(drop=True)
            yield chunk.drop(columns=_SPARE), first
            if error is not None:
                break


def _lazy_chunks(stream, names: list[str], delimiter: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """:func:`_pandas_chunks`, created on the first ``next()`` so that an error pandas raises
    while opening (a quote that never closes right after the header) surfaces there too."""
    yield from _pandas_chunks(stream, names, delimiter, chunk_rows)


def _pandas_chunks(
    stream, names: list[str], delimiter: str, chunk_rows: int | None, nrows: int | None = None
):
    """pandas' chunked reader with our settings (all strings, a spare column, bad lines warned).

    The spare column: a row with one field too many would otherwise make pandas
    silently take the first column as the index (a non-empty spare = bad line).
    """
    return pd.read_csv(
        stream,
        sep=delimiter,
        names=[*names, _SPARE],
        header=None,
        skiprows=1,
        index_col=False,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        chunksize=chunk_rows,
        nrows=nrows,
        on_bad_lines="warn",
        encoding="utf-8",
        encoding_errors="replace",
    )


def _rows_before_damage(
    ctx: ReadContext,
    names: list[str],
    delimiter: str,
    error: Exception,
    rows_done: int,
    bad_lines: int,
) -> pd.DataFrame | None:
    """Re-read the rows between the last good chunk and a parse error (best effort)."""
    match = _ROW_OF_ERROR.search(str(error))
    if match is None:
        return None
    limit = int(match.group(1)) - 1 - bad_lines  # data rows before the damaged line
    if limit <= rows_done:
        return None
    with ctx.source.open() as stream, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            frame = _pandas_chunks(stream, names, delimiter, None, nrows=limit)
        except (pd.errors.ParserError, ValueError, UnicodeError):
            return None
    return frame.iloc[rows_done:limit]


def parse_list_cells(values: pd.Series, separators: str = r"[|,\s]+") -> list[list[str]]:
    """Parse list cells: ``[a, b]``, ``['a', 'b']``, JSON lists, or ``a|b`` / ``a b`` (missing -> ``[]``).

    Bracketed lists split on commas (quotes stripped); bare cells split on
    ``separators``. Each distinct cell is parsed once; rows with the same
    cell share one list object (the schema validation builds fresh lists).
    """
    splitter = re.compile(separators)
    memo: dict[str, list[str]] = {}
    empty: list[str] = []
    out: list[list[str]] = []
    append = out.append
    for cell in values.tolist():
        if cell is None or cell != cell or cell == "" or cell == "[]":
            append(empty)
            continue
        parsed = memo.get(cell)
        if parsed is None:
            text = str(cell).strip()
            if text.startswith("[") and text.endswith("]"):
                parts = (x.strip().strip("'\"").strip() for x in text[1:-1].split(","))
                parsed = [p for p in parts if p]
            else:
                parsed = [p for p in splitter.split(text) if p]
            memo[cell] = parsed
        append(parsed)
    return out
