"""coordination-network-toolkit's preprocessed CSV (QUT Digital Observatory).

``compute_networks preprocess --format csv`` reads a CSV with a header row
and these columns, in this order: ``message_id, user_id, username,
repost_id, reply_id, message, timestamp, urls``. ``repost_id`` /
``reply_id`` are empty unless the message is a repost / reply of that
message; ``timestamp`` is in seconds; ``urls`` is space-separated. A row
with a ``repost_id`` is a ``repost`` (a leading ``RT @user:`` of its message
is removed, as for the other Twitter formats), else one with a ``reply_id``
a ``reply``, else a ``post``. The table says nothing of the platform
(``cnt``), of target accounts, hashtags or account profiles. The toolkit
accepts any time origin; times outside 1990..2100 are skipped here
(``time out of range``), so give epoch seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from detector.io.archive import column_values
from detector.io.csvread import csv_chunks, parse_list_cells, record_numbers
from detector.io.frames import ReadContext, events_from_columns

__all__ = ["read_cnt_csv", "CNT_COLUMNS", "is_cnt_csv"]

CNT_COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)
_REQUIRED = ("message_id", "user_id", "repost_id", "reply_id", "timestamp")
_RT_PREFIX = r"^RT @[^:\s]+: ?"


def is_cnt_csv(names: list[str]) -> bool:
    """True for a header naming the toolkit's columns."""
    return all(c in names for c in _REQUIRED)


def read_cnt_csv(ctx: ReadContext) -> Iterator[pd.DataFrame]:
    """Read a coordination-network-toolkit CSV in chunks."""
    for chunk, first in csv_chunks(ctx, required=_REQUIRED, fmt="cnt-csv"):
        n = len(chunk)
        repost = column_values(chunk, "repost_id")
        reply = column_values(chunk, "reply_id")
        is_rt = np.array([v is not None for v in repost], dtype=bool)
        is_r = np.array([v is not None for v in reply], dtype=bool) & ~is_rt
        kind = np.where(is_rt, "repost", np.where(is_r, "reply", "post"))
        text = (
            chunk["message"] if "message" in chunk.columns else pd.Series([None] * n, dtype=object)
        )
        if is_rt.any():
            text = text.where(~is_rt, text.str.replace(_RT_PREFIX, "", regex=True))
        urls = parse_list_cells(chunk["urls"], r"\s+") if "urls" in chunk.columns else [[]] * n
        cols = {
            "_line": record_numbers(chunk, first),
            "event_id": column_values(chunk, "message_id"),
            "account_id": column_values(chunk, "user_id"),
            "account_name": column_values(chunk, "username"),
            "_time": column_values(chunk, "timestamp"),
            "kind": kind,
            "target_event_id": np.where(is_rt, repost, np.where(is_r, reply, None)),
            "target_account_id": [None] * n,
            "text": text.to_numpy(dtype=object, na_value=None),
            "hashtags": [[]] * n,
            "mentions": [[]] * n,
            "urls": urls,
            "lang": [None] * n,
        }
        frame = events_from_columns(ctx, cols, "cnt")
        if frame is not None:
            yield frame
