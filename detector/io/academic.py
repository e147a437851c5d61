"""academictwitteR's layout: ``data_<id>.json`` tweets joined with ``users_<id>.json`` includes.

academictwitteR (``get_all_tweets(..., data_path=)``) writes each API page as
two files: ``data_<last id>.json``, a JSON array of API v2 tweets (the
page's ``data``), and ``users_<last id>.json``, the page's ``includes``
object (``{"users": [...], "tweets": [...], "places": [...], ...}``).
CooRTweet and ``bind_tweets()`` read the folder as a whole, so here too every
includes file of an ingest is read *first* into one :class:`V2Includes`
store, and the tweets of every data file are joined with it (author handle,
profile, the original of a retweet or quote), whichever page the user or the
referenced tweet came with.

A data file whose includes file was not given, does not exist, could not be
read or holds other accounts is still read, with a
:class:`~detector.io.log.SkippedCompanion` in the ingest log (a warning on
stderr, in the ingest summary and in the verdict of a scan): handles, account
creation dates and retweet originals are then unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.io.frames import ReadContext
from detector.io.jsonstream import iter_json

__all__ = [
    "USERS_FILE_GIVES",
    "V2Includes",
    "INCLUDE_KEYS",
    "is_includes_value",
    "read_v2_includes",
    "is_academic_data_name",
    "companion_of",
    "join_originals",
]

INCLUDE_KEYS = frozenset({"users", "tweets", "places", "media", "polls", "topics"})
"""Keys of an API v2 ``includes`` object."""

USERS_FILE_GIVES: tuple[str, ...] = (
    "handles",
    "account creation dates",
    "follower counts and profiles",
    "retweet and quote originals",
)
"""What an academictwitteR users file gives its data file, in words (the last only it holds)."""

_DATA_NAME = re.compile(r"^data_(.+)\.json(?:\.(?:gz|zst|bz2|xz))?$")


@dataclass
class V2Includes:
    """Users and tweets of every includes file of one ingest, by id."""

    users: dict[str, dict] = field(default_factory=dict)
    tweets: dict[str, dict] = field(default_factory=dict)
    files: set[Path] = field(default_factory=set)
    kept: dict[Path, int] = field(default_factory=dict)
    """Users and tweets read from each includes file (resolved path): 0 means unreadable."""


def is_includes_value(value: Any) -> bool:
    """True for an ``includes`` object: only include keys, with a users or tweets list."""
    if not isinstance(value, dict) or not value or not set(value) <= INCLUDE_KEYS:
        return False
    return isinstance(value.get("users"), list) or isinstance(value.get("tweets"), list)


def is_academic_data_name(path: Path) -> bool:
    """True for academictwitteR's ``data_<id>.json`` file names."""
    return _DATA_NAME.match(path.name) is not None


def companion_of(path: Path) -> Path:
    """The includes file academictwitteR writes beside ``data_<id>.json``: ``users_<id>.json``."""
    match = _DATA_NAME.match(path.name)
    suffix = match.group(1) if match else path.stem
    return path.with_name(f"users_{suffix}.json")


def read_v2_includes(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Read an includes file into ``ctx.includes`` (users also go to the accounts table).

    Yields no events: users and referenced tweets are context for the data
    files. They are not counted as records read.
    """
    from detector.io.twitter import v2_user  # local: twitter imports this module's store type

    store = ctx.includes if ctx.includes is not None else V2Includes()
    path = ctx.source.path.resolve()
    store.files.add(path)
    kept = 0
    for _line, value in iter_json(ctx.source, ctx.log):
        if not is_includes_value(value):
            continue
        for user in value.get("users") or []:
            if isinstance(user, dict) and v2_user(ctx, user) is not None:
                store.users[str(user["id"])] = user
                kept += 1
        for tweet in value.get("tweets") or []:
            if isinstance(tweet, dict) and tweet.get("id") is not None:
                store.tweets.setdefault(str(tweet["id"]), tweet)
                kept += 1
    store.kept[path] = store.kept.get(path, 0) + kept
    return iter(())


def join_originals(events: pd.DataFrame, files: set[int]) -> pd.DataFrame:
    """Complete reposts and quotes of academictwitteR files whose original is another event.

    academictwitteR puts a page's own tweets in ``data_*.json`` and only the
    *other* referenced tweets in the includes, so the original of a retweet
    may be a tweet of another (or the same) data file. For rows of ``files``
    (file indexes), when the original is an event: a repost takes the
    original's author as target account and its text, hashtags, mentions and
    URLs, as the twarc2-pages reader does with the original in the payload
    (the same values when the original was in the includes); a quote without
    a target account takes the original's author.
    """
    if not files or not len(events):
        return events
    kind = events["kind"].to_numpy(dtype=object)
    mine = events["_file"].isin(list(files)).to_numpy() & (
        (kind == "repost") | ((kind == "quote") & events["target_account_id"].isna().to_numpy())
    )
    if not mine.any():
        return events
    first = events.drop_duplicates(["platform", "event_id"]).set_index("event_id")
    targets = events["target_event_id"].to_numpy(dtype=object)
    found = mine & events["target_event_id"].isin(first.index).to_numpy()
    if not found.any():
        return events
    events = events.copy()
    rows = np.flatnonzero(found)
    originals = first.loc[targets[rows]]
    events.loc[rows, "target_account_id"] = originals["account_id"].to_numpy()
    reposts = events["kind"].to_numpy()[rows] == "repost"
    if reposts.any():
        where, src = rows[reposts], originals[reposts]
        events.loc[where, "text"] = src["text"].to_numpy()
        for column in ("hashtags", "mentions", "urls"):
            values = events[column].to_numpy(dtype=object).copy()
            for i, value in zip(where.tolist(), src[column].tolist(), strict=True):
                values[i] = list(value)
            events[column] = values
    return events
