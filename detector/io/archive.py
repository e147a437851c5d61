"""Twitter information-operations archive CSV (the state-backed influence-operation datasets).

Columns used: ``tweetid, userid, user_screen_name, user_display_name,
follower_count, following_count, account_creation_date,
user_profile_description, tweet_language, tweet_text, tweet_time, is_retweet,
retweet_userid, retweet_tweetid, in_reply_to_tweetid, in_reply_to_userid,
quoted_tweet_tweetid, hashtags, urls, user_mentions`` (only ``tweetid``,
``userid`` and ``tweet_time`` are required). ``tweet_time`` is UTC
(``2019-01-01 12:34``). List columns are bracketed (``[a, b]``, possibly
quoted). ``user_mentions`` holds user *ids* in these archives, so the
``mentions`` column carries ids, not handles. A retweet's ``tweet_text`` is
``RT @handle: text``; the ``RT @handle:`` prefix is removed so that ``text`` is
the retweeted text, as for the API formats. A retweet's target account is
``retweet_userid``; a quote's target account is not in the archive.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from detector.io.csvread import csv_chunks, parse_list_cells, record_numbers
from detector.io.frames import ReadContext, events_from_columns

__all__ = ["read_io_archive", "ARCHIVE_REQUIRED", "column_values"]

ARCHIVE_REQUIRED = ("tweetid", "userid", "tweet_time")

_ACCOUNT_COLUMNS = (
    "userid",
    "user_screen_name",
    "user_display_name",
    "account_creation_date",
    "follower_count",
    "following_count",
    None,
    None,
    "user_profile_description",
)
_RT_PREFIX = r"^RT @[^:\s]+: ?"
_TRUE = ("true", "1", "t", "yes", "y")


def column_values(chunk: pd.DataFrame, name: str | None) -> list:
    """A column as a list with ``None`` for missing (all ``None`` when the column is absent)."""
    if name is None or name not in chunk.columns:
        return [None] * len(chunk)
    return chunk[name].to_numpy(dtype=object, na_value=None).tolist()


def _present(chunk: pd.DataFrame, name: str) -> np.ndarray:
    if name not in chunk.columns:
        return np.zeros(len(chunk), dtype=bool)
    return chunk[name].notna().to_numpy() & (chunk[name] != "0").to_numpy(
        dtype=bool, na_value=False
    )


def _add_accounts(ctx: ReadContext, chunk: pd.DataFrame) -> None:
    """One account row per user of the chunk (its last non-missing values)."""
    present = [c for c in _ACCOUNT_COLUMNS if c is not None and c in chunk.columns]
    profiles = chunk[present].dropna(subset=["userid"]).groupby("userid", sort=False).last()
    profiles = profiles.reset_index()
    for acc in zip(*(column_values(profiles, c) for c in _ACCOUNT_COLUMNS), strict=True):
        ctx.accounts.add(acc)


def read_io_archive(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Read one archive CSV in chunks."""
    for chunk, first in csv_chunks(ctx, required=ARCHIVE_REQUIRED, fmt="io-archive"):
        n = len(chunk)
        lines = record_numbers(chunk, first)
        if "is_retweet" in chunk.columns:
            is_rt = chunk["is_retweet"].str.strip().str.lower().isin(_TRUE).to_numpy(dtype=bool)
        else:
            is_rt = _present(chunk, "retweet_tweetid")
        has_q = _present(chunk, "quoted_tweet_tweetid")
        has_r = _present(chunk, "in_reply_to_tweetid")
        kind = np.where(is_rt, "repost", np.where(has_q, "quote", np.where(has_r, "reply", "post")))
        target = np.where(
            is_rt,
            column_values(chunk, "retweet_tweetid"),
            np.where(
                has_q,
                column_values(chunk, "quoted_tweet_tweetid"),
                column_values(chunk, "in_reply_to_tweetid"),
            ),
        )
        target = np.where(kind == "post", None, target)
        target_account = np.where(
            is_rt,
            column_values(chunk, "retweet_userid"),
            np.where(~has_q & has_r, column_values(chunk, "in_reply_to_userid"), None),
        )
        text = (
            chunk["tweet_text"]
            if "tweet_text" in chunk.columns
            else pd.Series([None] * n, dtype=object)
        )
        if is_rt.any():
            stripped = text.str.replace(_RT_PREFIX, "", regex=True)
            text = text.where(~is_rt, stripped)
        tags = parse_list_cells(chunk["hashtags"]) if "hashtags" in chunk.columns else [[]] * n
        urls = parse_list_cells(chunk["urls"], r"[|\s]+") if "urls" in chunk.columns else [[]] * n
        mentions = (
            parse_list_cells(chunk["user_mentions"])
            if "user_mentions" in chunk.columns
            else [[]] * n
        )
        cols = {
            "_line": lines,
            "event_id": column_values(chunk, "tweetid"),
            "account_id": column_values(chunk, "userid"),
            "account_name": column_values(chunk, "user_screen_name"),
            "_time": column_values(chunk, "tweet_time"),
            "kind": kind,
            "target_event_id": target,
            "target_account_id": target_account,
            "text": text.to_numpy(dtype=object, na_value=None),
            "hashtags": tags,
            "mentions": mentions,
            "urls": urls,
            "lang": column_values(chunk, "tweet_language"),
        }
        _add_accounts(ctx, chunk)
        frame = events_from_columns(ctx, cols, "twitter")
        if frame is not None:
            yield frame
