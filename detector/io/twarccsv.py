"""``twarc2 csv`` output (the twarc-csv plugin, DocNow/twarc-csv).

Current twarc-csv (0.7) writes one row per tweet with dotted column names
from ``pd.json_normalize``: ``id, author_id, created_at, text, lang,
referenced_tweets.replied_to.id, referenced_tweets.retweeted.id,
referenced_tweets.quoted.id, in_reply_to_user_id, retweeted_user_id,
quoted_user_id, entities.hashtags, entities.mentions, entities.urls,
author.username, author.name, author.created_at, author.description,
author.public_metrics.followers_count`` ... Lists are JSON in the cell
(``["#tag"]``, ``["@user"]``, URL strings; or, without entity processing and
in older versions, the API's objects ``[{"start": 0, "end": 4, "tag": "x"}]``);
both are parsed. A retweet's text and entities are the original's (twarc-csv
merges them); a leftover ``RT @user:`` prefix is removed as for the API
formats. Newlines, which twarc-csv writes as the two characters ``\\n``,
are restored.

Older twarc-csv wrote ``referenced_tweets`` as one JSON list of
``{"type", "id"}`` and inlined the referenced tweets as extra rows marked by
a non-empty ``type`` column: those rows are context (the original of a
retweet), counted as ``referenced tweet row`` and not kept as events, as the
included tweets of twarc2 pages are not. (Current twarc-csv drops ``type``,
so with ``--inline-referenced-tweets`` the referenced tweets cannot be told
apart and are read as events.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd

from detector.io.archive import column_values
from detector.io.csvread import csv_chunks, parse_list_cells, record_numbers
from detector.io.frames import ReadContext, events_from_columns
from detector.io.recordcheck import too_deep

__all__ = ["read_twarc_csv", "is_twarc_csv", "REFERENCED_ROW"]

REQUIRED = ("id", "author_id", "created_at", "text")
_MARKERS = (
    "referenced_tweets.retweeted.id",
    "referenced_tweets",
    "retweeted_user_id",
    "author.username",
    "entities.hashtags",
)
REFERENCED_ROW = "referenced tweet row"
"""Skip reason of an inlined referenced tweet (context, not an event)."""

_RT_PREFIX = r"^RT @[^:\s]+: ?"
_ENTITY_KEYS = {"hashtags": ("tag",), "mentions": ("username",), "urls": ("expanded_url", "url")}
_SIGILS = {"hashtags": "#", "mentions": "@", "urls": ""}
_ACCOUNT_COLUMNS = (
    "author_id",
    "author.username",
    "author.name",
    "author.created_at",
    "author.public_metrics.followers_count",
    "author.public_metrics.following_count",
    "author.public_metrics.tweet_count",
    "author.verified",
    "author.description",
)


def is_twarc_csv(names: list[str]) -> bool:
    """True for a header written by ``twarc2 csv``."""
    return all(c in names for c in REQUIRED) and any(c in names for c in _MARKERS)


def _entities(values: pd.Series, kind: str) -> list[list[str]]:
    """Parse JSON-in-cell entity lists (strings or API objects); other cells as plain lists."""
    keys, sigil = _ENTITY_KEYS[kind], _SIGILS[kind]
    memo: dict[str, list[str]] = {}
    out: list[list[str]] = []
    for cell in values.tolist():
        if not isinstance(cell, str) or not cell.strip():
            out.append([])
            continue
        parsed = memo.get(cell)
        if parsed is None:
            try:
                items = json.loads(cell) if not too_deep(cell) else None
            except (ValueError, RecursionError):
                items = None
            if items is None:
                items = parse_list_cells(pd.Series([cell]))[0]
            parsed = []
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict):
                    item = next((item[k] for k in keys if item.get(k)), None)
                if isinstance(item, (str, int)) and str(item).strip():
                    text = str(item).strip()
                    parsed.append(text[len(sigil) :] if sigil and text.startswith(sigil) else text)
            memo[cell] = parsed
        out.append(parsed)
    return out


def _legacy_refs(chunk: pd.DataFrame) -> dict[str, list]:
    """``referenced_tweets`` JSON lists (older twarc-csv) as one id column per reference type."""
    out: dict[str, list] = {t: [None] * len(chunk) for t in ("retweeted", "quoted", "replied_to")}
    for i, cell in enumerate(column_values(chunk, "referenced_tweets")):
        try:
            refs = json.loads(cell) if cell and not too_deep(cell) else []
        except (ValueError, RecursionError):
            continue
        if isinstance(
            refs, dict
        ):  # current shape when json-encoded whole: {"retweeted": {"id": ..}}
            refs = [{"type": k, **(v if isinstance(v, dict) else {})} for k, v in refs.items()]
        for ref in refs if isinstance(refs, list) else []:
            if isinstance(ref, dict) and ref.get("type") in out and out[ref["type"]][i] is None:
                out[ref["type"]][i] = None if ref.get("id") is None else str(ref["id"])
    return out


def _refs(chunk: pd.DataFrame) -> dict[str, list]:
    legacy = _legacy_refs(chunk) if "referenced_tweets" in chunk.columns else None
    out = {}
    for kind in ("retweeted", "quoted", "replied_to"):
        values = column_values(chunk, f"referenced_tweets.{kind}.id")
        if legacy is not None:
            values = [v if v is not None else w for v, w in zip(values, legacy[kind], strict=True)]
        out[kind] = values
    return out


def read_twarc_csv(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Read a ``twarc2 csv`` file in chunks."""
    for chunk, first in csv_chunks(ctx, required=REQUIRED, fmt="twarc-csv"):
        lines = record_numbers(chunk, first)
        if "type" in chunk.columns:  # older twarc-csv: inlined referenced tweets are context
            inline = chunk["type"].notna().to_numpy(dtype=bool)
            for line in lines[inline]:
                ctx.skip(REFERENCED_ROW, int(line))
            chunk, lines = chunk[~inline].reset_index(drop=True), lines[~inline]
        if not len(chunk):
            continue
        refs = _refs(chunk)
        is_rt = np.array([v is not None for v in refs["retweeted"]], dtype=bool)
        is_q = np.array([v is not None for v in refs["quoted"]], dtype=bool) & ~is_rt
        is_r = np.array([v is not None for v in refs["replied_to"]], dtype=bool) & ~is_rt & ~is_q
        kind = np.where(is_rt, "repost", np.where(is_q, "quote", np.where(is_r, "reply", "post")))
        target = np.where(
            is_rt, refs["retweeted"], np.where(is_q, refs["quoted"], refs["replied_to"])
        )
        target_account = np.where(
            is_rt,
            column_values(chunk, "retweeted_user_id"),
            np.where(
                is_q,
                column_values(chunk, "quoted_user_id"),
                column_values(chunk, "in_reply_to_user_id"),
            ),
        )
        target_account = np.where(kind == "post", None, target_account)
        text = chunk["text"].str.replace("\\n", "\n", regex=False)
        if is_rt.any():
            text = text.where(~is_rt, text.str.replace(_RT_PREFIX, "", regex=True))
        empty = pd.Series([None] * len(chunk), dtype=object)
        cols = {
            "_line": lines,
            "event_id": column_values(chunk, "id"),
            "account_id": column_values(chunk, "author_id"),
            "account_name": column_values(chunk, "author.username"),
            "_time": column_values(chunk, "created_at"),
            "kind": kind,
            "target_event_id": np.where(kind == "post", None, target),
            "target_account_id": target_account,
            "text": text.to_numpy(dtype=object, na_value=None),
            **{
                name: _entities(chunk.get(f"entities.{name}", empty), name)
                for name in ("hashtags", "mentions", "urls")
            },
            "lang": column_values(chunk, "lang"),
        }
        for account in zip(*(column_values(chunk, c) for c in _ACCOUNT_COLUMNS), strict=True):
            ctx.accounts.add(account)
        frame = events_from_columns(ctx, cols, "twitter")
        if frame is not None:
            yield frame
