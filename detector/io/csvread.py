"""Chunked CSV reading shared by the CSV formats (archive, CooRTweet, generic).

Every cell is read as a string (``""`` is missing; the text ``NA`` or
``null`` stays text). Lines with the wrong number of fields are skipped and
counted (``bad CSV line``) with their line number. A damaged tail (an
unterminated quote that reaches the end of the file) ends the file after the
rows already read, which are kept.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from detector.io.frames import ReadContext
from detector.io.log import InputError
from detector.io.source import Source

__all__ = ["csv_chunks", "csv_header", "parse_list_cells"]

_SPARE = "\x00spare"

_SKIPPING = re.compile(r"Skipping line (\d+): ([^\n]*)")


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


def csv_chunks(
    ctx: ReadContext, required: Sequence[str] = (), fmt: str = "csv"
) -> Iterator[tuple[pd.DataFrame, int]]:
    """Yield ``(chunk, first_record_number)``; each chunk's rows are counted as read.

    ``first_record_number`` is the 1-based record number of the chunk's first
    row (the header is record 1), adjusted for bad lines skipped before it.
    Repeated header names get pandas-style suffixes (``name.1``).
    """
    names, delimiter = csv_header(ctx.source)
    missing = [c for c in required if c not in names]
    if missing:
        raise InputError(
            f"{ctx.source.name}: not a {fmt} table: lacks column(s) {', '.join(missing)}; "
            f"found {', '.join(names[:20]) or 'no header'}"
        )
    bad_lines = 0
    rows_done = 0
    # one spare column: a row with one field too many would otherwise make pandas
    # silently take the first column as the index (a non-empty spare = bad line)
    unique = _unique_names(names)
    with ctx.source.open() as stream:
        reader = pd.read_csv(
            stream,
            sep=delimiter,
            names=[*unique, _SPARE],
            header=None,
            skiprows=1,
            index_col=False,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            chunksize=ctx.chunk_rows,
            on_bad_lines="warn",
            encoding="utf-8",
            encoding_errors="replace",
            skipinitialspace=False,
        )
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    chunk = next(reader)
                except StopIteration:
                    chunk = None
                except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
                    ctx.read_one()
                    ctx.skip("bad CSV", rows_done + bad_lines + 2, str(exc))
                    ctx.log.notice(
                        f"{ctx.source.name}: CSV could not be parsed past record {rows_done + bad_lines + 1}"
                    )
                    chunk = None
            for warning in caught:
                for match in _SKIPPING.finditer(str(warning.message)):
                    bad_lines += 1
                    ctx.read_one()
                    ctx.skip("bad CSV line", int(match.group(1)), match.group(2))
            if chunk is None:
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
