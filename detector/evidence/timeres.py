"""Events without a time of day (date-only sources) and the evidence that must leave them out.

Some exports give only the date of a post (older weibo-crawler output:
``2020-01-15``); readers then set ``ts`` to the start of that day and the
extra column :data:`detector.schema.DAY_ONLY_COLUMN` to True. A midnight
time says nothing about when the post was made, so everything measured in
seconds or hours must not see these events: co-action within a window,
timing correlation, and the time-of-day account features (inter-event
times, repost delays, hour-of-day profile, clock repeats, bursts). Evidence
that does not depend on the time of day (duplicate texts, account age,
repost share, handles) still uses them. The evidence coverage then says
which share of the input had a time of day.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from detector.evidence.features import FEATURE_COLUMNS
from detector.schema import DAY_ONLY_COLUMN

__all__ = [
    "TIME_OF_DAY_FEATURES",
    "day_only_mask",
    "timed_events",
    "time_of_day_features",
    "timed_coverage",
]

_TIME_OF_DAY_PREFIXES = ("iet_", "repost_within_", "repost_lag_")
_TIME_OF_DAY_OTHERS = frozenset({"n_reposts_timed", "hour_entropy", "night_share", "never_sleeps",
                                 "clock_repeat_share", "burst_count"})  # fmt: skip

TIME_OF_DAY_FEATURES: tuple[str, ...] = tuple(
    c for c in FEATURE_COLUMNS if c.startswith(_TIME_OF_DAY_PREFIXES) or c in _TIME_OF_DAY_OTHERS
)
"""Account features (:mod:`detector.evidence.features`) that need the time of day."""

MIN_TIMED_EVENTS = 3
"""Events with a time of day an account needs for automation evidence (as in the coverage)."""


def day_only_mask(events: pd.DataFrame) -> np.ndarray:
    """Boolean array: True for events whose time of day is unknown (all False without the column)."""
    if DAY_ONLY_COLUMN not in events.columns or not len(events):
        return np.zeros(len(events), dtype=bool)
    col = events[DAY_ONLY_COLUMN]
    return col.astype("boolean").fillna(False).to_numpy(dtype=bool)


def timed_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a time of day (``events`` itself when all have one; index kept)."""
    mask = day_only_mask(events)
    return events if not mask.any() else events[~mask]


def time_of_day_features(
    features: pd.DataFrame | None, timed: pd.DataFrame | None
) -> pd.DataFrame | None:
    """``features`` (from all events) with :data:`TIME_OF_DAY_FEATURES` taken from ``timed``
    (the features of the events with a time of day, None when there are none); NaN for accounts
    without such events."""
    if features is None:
        return None
    out = features.copy()
    timed = timed if timed is not None else pd.DataFrame({"account_id": pd.Series([], dtype=str)})
    by_id = timed.set_index(timed["account_id"].astype(str))
    keys = out["account_id"].astype(str)
    for column in TIME_OF_DAY_FEATURES:
        if column not in out.columns:
            continue
        values = by_id[column] if column in by_id.columns else pd.Series(dtype=float)
        out[column] = (
            pd.to_numeric(
                values.astype("Float64") if values.dtype == bool else values, errors="coerce"
            )
            .reindex(keys)
            .to_numpy(dtype=float)
        )
    return out


def timed_coverage(coverage: Mapping[str, float], events: pd.DataFrame) -> dict[str, float]:
    """``coverage`` (:func:`detector.scoring.scores.evidence_coverage`) corrected for date-only events:
    ``synchrony`` = share of events with a time of day, ``automation`` = share of accounts with
    :data:`MIN_TIMED_EVENTS` or more of them. Unchanged when every event has a time of day."""
    out = dict(coverage)
    mask = day_only_mask(events)
    if not mask.any():
        return out
    out["synchrony"] = float((~mask).mean())
    accounts = events["account_id"].astype(str)
    per_account = pd.Series(~mask, index=accounts.to_numpy()).groupby(level=0).sum()
    out["automation"] = float((per_account >= MIN_TIMED_EVENTS).mean()) if len(per_account) else 0.0
    return out
