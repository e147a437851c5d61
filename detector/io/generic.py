"""Generic CSV / Parquet tables with a column mapping ``{canonical: source column}``.

Without a mapping, columns already named like the canonical ones are used.
``account_id`` and ``ts`` are required; ``event_id`` falls back to
``<file name>:<record number>``. ``ts`` may be epoch seconds, epoch
milliseconds, ISO-8601 with offsets or a Parquet timestamp (all to UTC).
``kind`` values are normalised (``retweet``/``reblog``/``share`` ->
``repost``, ``tweet``/``original`` -> ``post``...; another value is skipped as
``unknown kind``); without a ``kind`` value a row with a ``target_event_id``
is a ``repost``, else a ``post``. List cells
may be ``a|b``, ``a b``, ``[a, b]`` or real lists (Parquet). Account fields
(``display_name, created_at, followers, following, posts_count, verified,
description``) may be mapped too and fill the accounts table. Other source
columns are kept as extra event columns under their own names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from detector.io.csvread import csv_chunks, csv_header, parse_list_cells, record_numbers
from detector.io.frames import ACCOUNT_FIELDS, ReadContext, events_from_columns
from detector.io.log import InputError
from detector.schema import EVENT_COLUMNS

__all__ = ["read_csv_mapped", "read_parquet_mapped", "resolve_mapping", "KIND_SYNONYMS", "MAPPABLE"]

KIND_SYNONYMS: dict[str, str] = {
    "post": "post",
    "tweet": "post",
    "original": "post",
    "status": "post",
    "repost": "repost",
    "retweet": "repost",
    "retweeted": "repost",
    "rt": "repost",
    "reblog": "repost",
    "boost": "repost",
    "share": "repost",
    "quote": "quote",
    "quoted": "quote",
    "quote_tweet": "quote",
    "reply": "reply",
    "replied_to": "reply",
    "comment": "reply",
}

_ACCOUNT_ONLY = tuple(f for f in ACCOUNT_FIELDS if f not in ("account_id", "account_name"))
MAPPABLE: tuple[str, ...] = tuple(c for c in EVENT_COLUMNS if c != "ts_ms") + _ACCOUNT_ONLY
"""Canonical names a mapping may use."""


def resolve_mapping(
    names: list[str], mapping: Mapping[str, str] | None, file: str
) -> dict[str, str]:
    """``{canonical: source}`` for the columns present; raises :class:`InputError` on a bad mapping."""
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in MAPPABLE]
    if unknown:
        raise InputError(
            f"--map: unknown canonical column(s) {', '.join(unknown)}; expected some of {', '.join(MAPPABLE)}"
        )
    absent = [f"{k}={v}" for k, v in mapping.items() if v not in names]
    if absent:
        raise InputError(
            f"{file}: mapped column(s) not in the file: {', '.join(absent)}; found {', '.join(names[:30])}"
        )
    out = {c: c for c in MAPPABLE if c in names}
    out.update(mapping)
    missing = [c for c in ("account_id", "ts") if c not in out]
    if missing:
        raise InputError(
            f"{file}: generic table needs column(s) for {', '.join(missing)}; found {', '.join(names[:30])}; "
            "name them with --map, e.g. --map ts=created_at,account_id=author_id"
        )
    return out


def _values(frame: pd.DataFrame, column: str | None) -> list:
    """A column as a list of str (or None), whatever its dtype."""
    if column is None:
        return [None] * len(frame)
    series = frame[column]
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64)
        whole = np.isfinite(values) & (values == np.round(values))
        if whole[np.isfinite(values)].all():
            series = series.astype("Int64")
    if pd.api.types.is_numeric_dtype(series.dtype):
        return [None if v is pd.NA or v != v else str(v) for v in series.astype(object).tolist()]
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        dt = series.dt.tz_localize("UTC") if series.dt.tz is None else series.dt.tz_convert("UTC")
        text = dt.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        return text.astype(object).where(dt.notna(), None).tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _lists(frame: pd.DataFrame, column: str | None, separators: str) -> list[list[str]]:
    if column is None:
        return [[] for _ in range(len(frame))]
    series = frame[column]
    if (
        series.dtype == object
        and series.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any()
    ):
        return [
            [str(x) for x in v]
            if isinstance(v, (list, tuple, np.ndarray))
            else parse_list_cells(pd.Series([v]), separators)[0]
            for v in series.tolist()
        ]
    return parse_list_cells(series.astype(object), separators)


def _mapped_chunk(
    ctx: ReadContext, frame: pd.DataFrame, first: int, cols: dict[str, str], default_platform: str
) -> pd.DataFrame | None:
    lines = record_numbers(frame, first).tolist()
    get = cols.get
    event_ids = _values(frame, get("event_id"))
    if "event_id" not in cols:
        stem = Path(ctx.source.name).name
        event_ids = [f"{stem}:{line}" for line in lines]
    targets = _values(frame, get("target_event_id"))
    if "kind" in cols:
        raw = _values(frame, cols["kind"])
        kinds = [
            KIND_SYNONYMS.get(str(k).strip().lower())
            if k is not None
            else ("repost" if t is not None else "post")
            for k, t in zip(raw, targets, strict=True)
        ]
    else:
        kinds = ["repost" if t is not None else "post" for t in targets]
    keep = np.array([k is not None for k in kinds], dtype=bool)
    if not keep.all():
        raw = _values(frame, cols["kind"])
        for i in np.flatnonzero(~keep):
            ctx.skip("unknown kind", lines[i], repr(raw[i])[:40])
    columns = {
        "_line": lines,
        "event_id": event_ids,
        "account_id": _values(frame, get("account_id")),
        "account_name": _values(frame, get("account_name")),
        "_time": _values(frame, get("ts")),
        "kind": kinds,
        "target_event_id": targets,
        "target_account_id": _values(frame, get("target_account_id")),
        "text": _values(frame, get("text")),
        "hashtags": _lists(frame, get("hashtags"), r"[|,\s]+"),
        "mentions": _lists(frame, get("mentions"), r"[|,\s]+"),
        "urls": _lists(frame, get("urls"), r"[|\s]+"),
        "lang": _values(frame, get("lang")),
    }
    used = set(cols.values())
    extra_names = [
        c
        for c in frame.columns
        if c not in used and c not in EVENT_COLUMNS and not str(c).startswith("_")
    ]
    idx = np.flatnonzero(keep)
    if not keep.all():
        columns = {name: [values[i] for i in idx] for name, values in columns.items()}
    extra: dict[str, Any] = {}
    for name in extra_names:
        values = frame[name].astype(object).where(frame[name].notna(), None).tolist()
        extra[name] = [values[i] for i in idx]
    platform: str | list = default_platform
    if "platform" in cols:
        platform = [
            p if p is not None else default_platform for p in _values(frame, cols["platform"])
        ]
        platform = [platform[i] for i in idx]
    if any(f in cols for f in _ACCOUNT_ONLY) or "account_name" in cols:
        account_rows = zip(
            _values(frame, get("account_id")),
            _values(frame, get("account_name")),
            *(_values(frame, get(f)) for f in _ACCOUNT_ONLY),
            strict=True,
        )
        for acc in account_rows:
            ctx.accounts.add(acc)
    return events_from_columns(ctx, columns, platform, dedupe=False, extra=extra)


def read_csv_mapped(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Generic CSV/TSV with a column mapping."""
    names, _ = csv_header(ctx.source)
    cols = resolve_mapping(names, ctx.mapping, ctx.source.name)
    for chunk, first in csv_chunks(ctx, fmt="generic CSV"):
        frame = _mapped_chunk(ctx, chunk, first, cols, "csv")
        if frame is not None:
            yield frame


def read_parquet_mapped(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Generic Parquet with a column mapping (read in record batches, row group by row group).

    A row group that cannot be decoded (damaged pages) is counted as skipped,
    all its unread rows at once (``damaged Parquet row group``, line = first
    row number), and the next row groups are still read.
    """
    try:
        parquet = pq.ParquetFile(ctx.source.path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError(f"{ctx.source.name}: damaged Parquet file ({exc})") from None
    names = parquet.schema_arrow.names
    cols = resolve_mapping(names, ctx.mapping, ctx.source.name)
    first = 1
    for group in range(parquet.num_row_groups):
        rows = parquet.metadata.row_group(group).num_rows
        done = 0
        try:
            for batch in parquet.iter_batches(batch_size=ctx.chunk_rows, row_groups=[group]):
                frame = batch.to_pandas()
                ctx.read_one(len(frame))
                out = _mapped_chunk(ctx, frame, first + done, cols, "parquet")
                done += len(frame)
                if out is not None:
                    yield out
        except InputError:
            raise
        except Exception as exc:  # pyarrow raises several types for damaged pages
            if done >= rows:
                raise
            # the rest of a damaged row group is lost; its size is in the footer
            ctx.read_one(rows - done)
            ctx.skip("damaged Parquet row group", first + done, f"{type(exc).__name__}: {exc}", count=rows - done)
        first += rows
