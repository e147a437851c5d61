"""CooRTweet tables.

Two shapes are read:

``object_id, account_id, content_id, timestamp_share``
    CooRTweet's input: one row per share. Each row becomes a ``repost``
    event with ``event_id = content_id`` and ``target_event_id = object_id``;
    ``ts`` is ``timestamp_share`` (epoch seconds). Rows are kept as they are
    (no de-duplication: a content may share several objects). Platform
    ``coortweet`` (the table does not say).

``account_id, post_id, <x>_id..., timestamp``
    The multi-object table of the German 2021 election data: one row per
    (post, object) with object columns such as ``url_id, hashtag_id,
    domain_id, phash_id``. Rows are grouped into one ``post`` event per
    ``post_id``; each object column ``<x>_id`` becomes a list column
    ``<x>_ids`` holding the post's distinct objects (first-seen order), so the
    objects round-trip. Rows folded into an event already seen are counted as
    ``merged``. The platform comes from the account prefix (``fb_`` ->
    ``facebook``, ``tw_`` -> ``twitter``, else ``coortweet``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from detector.io.archive import column_values
from detector.io.csvread import csv_chunks, csv_header, record_numbers
from detector.io.frames import ROW_FIELDS, ReadContext, events_from_columns
from detector.io.timeparse import OUT_OF_RANGE, out_of_range, parse_times
from detector.schema import LIST_COLUMNS

__all__ = ["read_coortweet", "SHARE_COLUMNS", "MULTI_REQUIRED", "is_multi_object"]

SHARE_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
MULTI_REQUIRED = ("account_id", "post_id", "timestamp")


def object_columns(names: list[str]) -> list[str]:
    """Object columns of a multi-object table: every ``*_id`` other than account/post ids."""
    return [c for c in names if c.endswith("_id") and c not in ("account_id", "post_id")]


def is_multi_object(names: list[str]) -> bool:
    """True for the one-row-per-(post, object) shape."""
    return all(c in names for c in MULTI_REQUIRED) and bool(object_columns(names))


def read_coortweet(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Read a CooRTweet share table or multi-object table."""
    names, _ = csv_header(ctx.source)
    if is_multi_object(names) and not all(c in names for c in SHARE_COLUMNS):
        yield from _read_multi(ctx, names)
        return
    for chunk, first in csv_chunks(ctx, required=SHARE_COLUMNS, fmt="coortweet"):
        n = len(chunk)
        cols = _empty_columns(n) | {
            "_line": record_numbers(chunk, first),
            "event_id": column_values(chunk, "content_id"),
            "account_id": column_values(chunk, "account_id"),
            "_time": column_values(chunk, "timestamp_share"),
            "kind": ["repost"] * n,
            "target_event_id": column_values(chunk, "object_id"),
        }
        frame = events_from_columns(ctx, cols, "coortweet", dedupe=False)
        if frame is not None:
            yield frame


def _empty_columns(n: int) -> dict[str, list]:
    """Columns of :data:`~detector.io.frames.ROW_FIELDS` with nothing known (missing / empty lists)."""
    return {name: [[]] * n if name in LIST_COLUMNS else [None] * n for name in ROW_FIELDS}


def _platform(account_ids: pd.Series) -> np.ndarray:
    return np.select(
        [
            account_ids.str.startswith("fb_").to_numpy(dtype=bool),
            account_ids.str.startswith("tw_").to_numpy(dtype=bool),
        ],
        ["facebook", "twitter"],
        "coortweet",
    )


def _lists_by_code(codes: np.ndarray, values: pd.Series, n: int) -> list[list[str]]:
    """For each group code ``0..n-1``, its distinct non-missing values in first-seen order."""
    present = values.notna().to_numpy()
    pairs = pd.DataFrame({"code": codes[present], "value": values[present].to_numpy(dtype=object)})
    pairs = pairs.drop_duplicates()
    out: list[list[str]] = [[] for _ in range(n)]
    for code, value in zip(pairs["code"].tolist(), pairs["value"].tolist(), strict=True):
        out[code].append(value)
    return out


def _read_multi(ctx: ReadContext, names: list[str]) -> Iterator[pd.DataFrame]:
    objects = object_columns(names)
    parts: list[pd.DataFrame] = []
    for chunk, first in csv_chunks(ctx, required=MULTI_REQUIRED, fmt="coortweet multi-object"):
        lines = record_numbers(chunk, first)
        chunk = chunk[["post_id", "account_id", "timestamp", *objects]].copy()
        chunk["_line"] = lines
        keep = np.ones(len(chunk), dtype=bool)
        for column, reason in (
            ("post_id", "missing id"),
            ("account_id", "missing author"),
            ("timestamp", "missing time"),
        ):
            bad = chunk[column].isna().to_numpy() & keep
            for line in chunk["_line"].to_numpy()[bad]:
                ctx.skip(reason, int(line))
            keep &= ~bad
        ms, _, ok = parse_times(chunk["timestamp"])
        far = out_of_range(chunk["timestamp"], ms, ok)
        for reason, bad in ((OUT_OF_RANGE, keep & far), ("unparseable time", keep & ~far & ~ok)):
            for i in np.flatnonzero(bad):
                ctx.skip(reason, int(chunk["_line"].iat[i]), repr(chunk["timestamp"].iat[i])[:60])
        keep &= ok & ~far
        parts.append(chunk[keep])
    if not parts:
        return
    rows = pd.concat(parts, ignore_index=True)
    codes, uniques = pd.factorize(rows["post_id"], sort=False)
    posts = rows.drop_duplicates("post_id").set_index("post_id")
    ctx.log.merged += len(rows) - len(posts)
    extra = {
        column[:-3] + "_ids": _lists_by_code(codes, rows[column], len(uniques))
        for column in objects
    }
    n = len(posts)
    account_ids = posts["account_id"]
    cols = _empty_columns(n) | {
        "_line": posts["_line"].tolist(),
        "event_id": posts.index.to_numpy(dtype=object).tolist(),
        "account_id": account_ids.to_numpy(dtype=object, na_value=None).tolist(),
        "_time": posts["timestamp"].tolist(),
        "kind": ["post"] * n,
    }
    platforms = _platform(account_ids).tolist()
    for start in range(0, n, ctx.chunk_rows):
        part = slice(start, start + ctx.chunk_rows)
        frame = events_from_columns(
            ctx,
            {k: v[part] for k, v in cols.items()},
            platforms[part],
            dedupe=False,
            extra={k: v[part] for k, v in extra.items()},
        )
        if frame is not None:
            yield frame
